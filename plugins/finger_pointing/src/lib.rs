//! The bundled `finger_pointing` scorer: blame aimed at individuals. Counts
//! condemnation, "missed opportunities" and counterfactual judgments
//! ("should have", "failed to"); a counterfactual counts fully only in a
//! sentence that names a role or a person, since "the system should have"
//! is not blame. Systems framing damps the score a little. Quoted speech and
//! negated blame never count.

use lessons_lexicon::{Hit, Lexicon, measure};
use lessons_plugin::{Document, Metric, PluginError, Report, Scorer, SectionKind, export_scorer};
use std::collections::HashSet;

const METRIC: &str = "finger_pointing";
const CATALOGUE: &str = include_str!("../catalogue.toml");
/// A counterfactual with no person in its sentence counts this much.
const UNAIMED: f64 = 0.35;
/// Aimed blame per thousand analysis words that scores 50. Fitted on the
/// tune split for agreement in level (quadratic-weighted kappa 0.58 → 0.76):
/// at 6, an indictment scored about 40.
const HALF_DENSITY: f64 = 2.0;

pub struct FingerPointing {
    lexicon: Lexicon,
}

impl Scorer for FingerPointing {
    const NAME: &'static str = "finger_pointing";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const DESCRIPTION: &'static str =
        "blame aimed at individuals, witch-hunt tone, person-directed counterfactuals";

    fn metrics() -> Vec<Metric> {
        vec![Metric::new(
            METRIC,
            0.0,
            100.0,
            "blame aimed at individuals (0 systems-focused – 100 an indictment)",
        )]
    }

    fn new(settings: &serde_json::Value) -> Result<Self, PluginError> {
        let lexicon =
            Lexicon::bundled_with_settings(CATALOGUE, settings).map_err(PluginError::new)?;
        Ok(FingerPointing { lexicon })
    }

    fn score(&self, document: &Document<'_>) -> Result<Report, PluginError> {
        let mut report = Report::default();
        let all = self.lexicon.scan(document);
        let hits = measure::distinct(document, &all);
        let with_role: HashSet<usize> = sentences_of(&self.lexicon, &hits, "role");
        let set_aside: HashSet<usize> = sentences_of(&self.lexicon, &hits, "disclaimer");
        let mut blame = 0.0;
        for hit in &hits {
            let cue = &self.lexicon.cues[hit.cue];
            let aimed = match cue.id.as_str() {
                "role" | "systems_framing" | "disclaimer" => continue,
                _ if set_aside.contains(&hit.sentence) => continue,
                "counterfactual" | "adverse_judgment" if !with_role.contains(&hit.sentence) => {
                    UNAIMED
                }
                _ => 1.0,
            };
            blame += cue.weight * aimed;
            report.cite(
                METRIC,
                hit.span,
                &format!("{METRIC}.{}", cue.id),
                &cue.note,
                cue.weight * aimed,
            );
        }
        let words = measure::words_in(
            document,
            &[
                SectionKind::Analysis,
                SectionKind::Findings,
                SectionKind::Learning,
                SectionKind::Conclusion,
                SectionKind::Other,
            ],
        );
        let density = measure::per_thousand(blame, words);
        let framing = measure::per_thousand(
            measure::weight_of(&self.lexicon, &hits, &["systems_framing"]),
            words,
        );
        let damping = 1.0 - 0.25 * (framing / 6.0).min(1.0);
        report.score(
            METRIC,
            measure::clamp_score(measure::saturate(density, HALF_DENSITY) * damping),
        );
        Ok(report)
    }
}

fn sentences_of(lexicon: &Lexicon, hits: &[&Hit], cue: &str) -> HashSet<usize> {
    hits.iter()
        .filter(|h| lexicon.cues[h.cue].id == cue)
        .map(|h| h.sentence)
        .collect()
}

export_scorer!(FingerPointing);
