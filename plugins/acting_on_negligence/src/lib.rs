//! The bundled `acting_on_negligence` scorer: where there was serious, genuine
//! bad practice, does the review name it and does action follow? The
//! rubric's ladder is read straight from the text: a vague mention of
//! accountability (1); practice named as below a standard, or a deliberate
//! violation (2); a referral to a regulator or the police, proceedings, or a
//! reasoned decision that none is due (3); the outcome reported (4).

use lessons_lexicon::{Hit, Lexicon, measure};
use lessons_plugin::{Document, Metric, PluginError, Report, Scorer, export_scorer};

const METRIC: &str = "acting_on_negligence";
const CATALOGUE: &str = include_str!("../catalogue.toml");

pub struct ActingOnNegligence {
    lexicon: Lexicon,
}

impl Scorer for ActingOnNegligence {
    const NAME: &'static str = "acting_on_negligence";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const DESCRIPTION: &'static str =
        "serious bad practice named, and action taken and reported (or reasoned not due)";

    fn metrics() -> Vec<Metric> {
        vec![Metric::new(
            METRIC,
            0.0,
            100.0,
            "acting on genuine negligence (0 not considered – 100 action taken and reported)",
        )]
    }

    fn new(settings: &serde_json::Value) -> Result<Self, PluginError> {
        let lexicon =
            Lexicon::bundled_with_settings(CATALOGUE, settings).map_err(PluginError::new)?;
        Ok(ActingOnNegligence { lexicon })
    }

    fn score(&self, document: &Document<'_>) -> Result<Report, PluginError> {
        let mut report = Report::default();
        let all = self.lexicon.scan(document);
        let hits = measure::distinct(document, &all);
        let count = |cue: &str| measure::sentences_with(document, &self.lexicon, &hits, &[cue]);
        let named = count("below_standard") + count("violation");
        let acted = count("referral") + count("proceedings");
        let reasoned = count("reasoned_no_action");
        let outcome = count("outcome");
        let level = ladder(
            count("vague"),
            named,
            acted,
            reasoned,
            outcome,
            count("violation"),
        );
        self.lexicon
            .cite(&mut report, METRIC, &cited(&hits, &self.lexicon), &[]);
        report.score(METRIC, measure::clamp_score(25.0 * level));
        Ok(report)
    }
}

/// The rubric level, with a little credit within a level for more evidence.
fn ladder(
    vague: usize,
    named: usize,
    acted: usize,
    reasoned: usize,
    outcome: usize,
    violations: usize,
) -> f64 {
    let more = |n: usize, step: usize| 0.3 * ((n.saturating_sub(step)).min(3) as f64 / 3.0);
    if named == 0 && acted == 0 && reasoned == 0 {
        return if vague > 0 { 0.6 + more(vague, 1) } else { 0.0 };
    }
    if acted == 0 && reasoned < 2 {
        return if named >= 2 {
            2.0 + more(named, 2)
        } else {
            1.2 + 0.6 * named.min(1) as f64
        };
    }
    if outcome >= 1 && acted >= 1 && (named >= 1 || violations >= 1) {
        return 3.6 + more(outcome + acted, 2);
    }
    if named == 0 {
        return 2.0 + more(acted + reasoned, 1);
    }
    3.0 + more(acted + reasoned, 2)
}

/// Evidence worth showing: everything but the weakest cue.
fn cited<'h>(hits: &[&'h Hit], lexicon: &Lexicon) -> Vec<&'h Hit> {
    hits.iter()
        .copied()
        .filter(|h| lexicon.cues[h.cue].id != "vague" || hits.len() < 3)
        .collect()
}

export_scorer!(ActingOnNegligence);
