//! Checking what a plugin returned before anything else sees it: UTF-8, JSON
//! of the agreed shape, finite scores inside the declared ranges, declared
//! metrics only, evidence spans inside the text on character boundaries, and
//! caps on size. A result that fails any check is refused whole.

use super::instance::ScoreError;
use super::load::MetricInfo;
use crate::document::Document;
use lessons_plugin::{Evidence, Report};
use std::collections::BTreeMap;

/// The most evidence spans one plugin may cite for one document.
pub const MAX_EVIDENCE: usize = 5_000;
/// The most characters of a note or rule name kept.
const MAX_NOTE_CHARS: usize = 1_000;
/// The most warnings kept.
const MAX_WARNINGS: usize = 100;

/// A plugin's result after validation: safe to aggregate and report.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Validated {
    pub scores: BTreeMap<String, f64>,
    pub evidence: Vec<Evidence>,
    pub warnings: Vec<String>,
}

/// Validates the raw bytes a plugin wrote for `document`.
pub fn report(
    metrics: &[MetricInfo],
    document: &Document,
    bytes: &[u8],
) -> Result<Validated, ScoreError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        ScoreError::new(
            "invalid_utf8",
            format!("the plugin's output is not UTF-8: {e}"),
        )
    })?;
    let report: Report = serde_json::from_str(text).map_err(|e| {
        ScoreError::new(
            "invalid_json",
            format!("the plugin's output is not a valid result: {e}"),
        )
    })?;
    for (metric, value) in &report.scores {
        check_score(metrics, metric, *value)?;
    }
    if report.evidence.len() > MAX_EVIDENCE {
        return Err(ScoreError::new(
            "too_much_evidence",
            format!(
                "{} evidence spans, over the limit of {MAX_EVIDENCE}",
                report.evidence.len()
            ),
        ));
    }
    let mut evidence = report.evidence;
    for e in &mut evidence {
        check_evidence(metrics, document, e)?;
        e.note = truncate(&e.note);
        e.rule = truncate(&e.rule);
    }
    let warnings = report
        .warnings
        .into_iter()
        .take(MAX_WARNINGS)
        .map(|w| truncate(&w))
        .collect();
    Ok(Validated {
        scores: report.scores,
        evidence,
        warnings,
    })
}

fn check_score(metrics: &[MetricInfo], metric: &str, value: f64) -> Result<(), ScoreError> {
    let Some(declared) = metrics.iter().find(|m| m.id == metric) else {
        return Err(ScoreError::new(
            "undeclared_metric",
            format!("the plugin scored `{metric}`, which it does not declare"),
        ));
    };
    if !value.is_finite() {
        return Err(ScoreError::new(
            "not_finite",
            format!("`{metric}` is {value}, not a finite number"),
        ));
    }
    if value < declared.min || value > declared.max {
        return Err(ScoreError::new(
            "out_of_range",
            format!(
                "`{metric}` is {value}, outside its declared range [{}, {}]",
                declared.min, declared.max
            ),
        ));
    }
    Ok(())
}

fn check_evidence(
    metrics: &[MetricInfo],
    document: &Document,
    e: &Evidence,
) -> Result<(), ScoreError> {
    if !metrics.iter().any(|m| m.id == e.metric) {
        return Err(ScoreError::new(
            "undeclared_metric",
            format!(
                "evidence cites `{}`, which the plugin does not declare",
                e.metric
            ),
        ));
    }
    let text = &document.text;
    let (start, end) = (e.start, e.end);
    let inside = start <= end && end <= text.len() as u64;
    if !inside {
        return Err(ScoreError::new(
            "bad_span",
            format!(
                "evidence span {start}..{end} is outside the text ({} bytes)",
                text.len()
            ),
        ));
    }
    if !text.is_char_boundary(start as usize) || !text.is_char_boundary(end as usize) {
        return Err(ScoreError::new(
            "bad_span",
            format!("evidence span {start}..{end} cuts through a UTF-8 character"),
        ));
    }
    if !e.weight.is_finite() {
        return Err(ScoreError::new(
            "not_finite",
            "an evidence weight is not a finite number",
        ));
    }
    Ok(())
}

fn truncate(s: &str) -> String {
    s.chars().take(MAX_NOTE_CHARS).collect()
}
