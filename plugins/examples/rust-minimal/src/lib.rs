//! A minimal lessons plugin in Rust: scores `because_density`, the share of
//! analysis and findings sentences that give a reason ("because"), and cites
//! each one.
//!
//! Build: `cargo build --release --manifest-path plugins/examples/rust-minimal/Cargo.toml`
//! Use:   `target/release/lessons score reviews --plugins plugins/examples/rust-minimal/target/release`

use lessons_plugin::{Document, Metric, PluginError, Report, Scorer, SectionKind, export_scorer};

struct BecauseDensity;

impl Scorer for BecauseDensity {
    const NAME: &'static str = "because_density";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const DESCRIPTION: &'static str = "how often the analysis says why";

    fn metrics() -> Vec<Metric> {
        vec![Metric::new("because_density", 0.0, 100.0, "per cent of analysis sentences that give a reason")]
    }

    fn new(_settings: &serde_json::Value) -> Result<Self, PluginError> {
        Ok(BecauseDensity)
    }

    fn score(&self, document: &Document<'_>) -> Result<Report, PluginError> {
        let mut report = Report::default();
        let mut total = 0;
        let mut reasons = 0;
        for sentence in document.sentences_in(&[SectionKind::Analysis, SectionKind::Findings]) {
            total += 1;
            if document.slice(sentence.span).to_lowercase().contains("because") {
                reasons += 1;
                report.cite("because_density", sentence.span, "because", "gives a reason", 1.0);
            }
        }
        let share = if total == 0 { 0.0 } else { 100.0 * reasons as f64 / total as f64 };
        report.score("because_density", share);
        Ok(report)
    }
}

export_scorer!(BecauseDensity);
