//! `{{name}}`: a lessons scoring plugin. It scores `{{metric}}`, the share of
//! analysis and findings sentences that give a reason, and cites each one.
//! Change `score` to measure what your coding frame asks.
//!
//! Build: `cargo build --release`
//! Use:   `lessons score REVIEWS --plugins target/release`

use lessons_plugin::{Document, Metric, PluginError, Report, Scorer, SectionKind, export_scorer};

/// The metric this plugin scores: a column in every report.
const METRIC: &str = "{{metric}}";
/// Words that give a reason.
const REASONS: [&str; 4] = ["because", "as a result", "due to", "so that"];

pub struct Plugin;

impl Scorer for Plugin {
    const NAME: &'static str = "{{name}}";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const DESCRIPTION: &'static str = "how often the analysis says why";

    fn metrics() -> Vec<Metric> {
        vec![Metric::new(
            METRIC,
            0.0,
            100.0,
            "per cent of analysis and findings sentences that give a reason",
        )]
    }

    fn new(_settings: &serde_json::Value) -> Result<Self, PluginError> {
        Ok(Plugin)
    }

    fn score(&self, document: &Document<'_>) -> Result<Report, PluginError> {
        let mut report = Report::default();
        let mut total = 0;
        let mut reasons = 0;
        for sentence in document.sentences_in(&[SectionKind::Analysis, SectionKind::Findings]) {
            total += 1;
            let text = document.slice(sentence.span).to_lowercase();
            if document.is_quoted(sentence.span) || !REASONS.iter().any(|r| text.contains(r)) {
                continue;
            }
            reasons += 1;
            report.cite(METRIC, sentence.span, "{{name}}.reason", "gives a reason", 1.0);
        }
        let share = if total == 0 {
            0.0
        } else {
            100.0 * reasons as f64 / total as f64
        };
        report.score(METRIC, share);
        Ok(report)
    }
}

export_scorer!(Plugin);
