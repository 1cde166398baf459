//! What a scorer returns: scores by metric, the evidence behind them, and
//! warnings. It crosses the boundary as JSON, so this is also the schema the
//! host validates.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One scorer's result for one document.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// Metric id → score, inside the range the plugin declared.
    pub scores: BTreeMap<String, f64>,
    /// The passages that drove the scores.
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// Things the user should know about this document ("no recommendations section found").
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// A passage that drove a score: a byte range of the document text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub metric: String,
    pub start: u64,
    pub end: u64,
    /// The rule that fired, e.g. `handwringing.exhortation`.
    #[serde(default)]
    pub rule: String,
    /// Why this passage counts, in words a reader can act on.
    #[serde(default)]
    pub note: String,
    /// How much the passage moved the score; positive raises it.
    #[serde(default)]
    pub weight: f64,
}

impl Report {
    /// Sets a metric's score.
    pub fn score(&mut self, metric: &str, value: f64) {
        self.scores.insert(metric.to_string(), value);
    }

    /// Adds a passage as evidence for a metric.
    pub fn cite(
        &mut self,
        metric: &str,
        span: crate::abi::Span,
        rule: &str,
        note: &str,
        weight: f64,
    ) {
        self.evidence.push(Evidence {
            metric: metric.to_string(),
            start: span.start,
            end: span.end,
            rule: rule.to_string(),
            note: note.to_string(),
            weight,
        });
    }

    /// Adds a warning for the user.
    pub fn warn(&mut self, message: impl Into<String>) {
        self.warnings.push(message.into());
    }
}
