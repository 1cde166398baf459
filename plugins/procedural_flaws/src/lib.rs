//! The bundled `procedural_flaws` scorer: flaws in local procedures, or in
//! following them. It finds sentences that name a procedure and a departure
//! from it or defect in it (in the same or the next sentence), asks whether
//! the reason is explained nearby, and reads the recommendations for owners,
//! dates and measures. The rubric's levels — generic mention, one specific
//! flaw, several explained flaws, precise diagnosis with owned, timed
//! changes — are computed directly from those counts.

use lessons_lexicon::{Hit, Lexicon, measure, recommendation};
use lessons_plugin::{Document, Metric, PluginError, Report, Scorer, export_scorer};
use std::collections::{BTreeSet, HashSet};

const METRIC: &str = "procedural_flaws";
const CATALOGUE: &str = include_str!("../catalogue.toml");

pub struct ProceduralFlaws {
    lexicon: Lexicon,
}

/// What the review shows about procedures.
#[derive(Debug, Default)]
struct Diagnosis {
    mentions: usize,
    flaws: usize,
    explained: usize,
    specific_recommendations: usize,
    recommendations: usize,
}

impl Diagnosis {
    /// The rubric level, 0–4, as a continuous value.
    fn level(&self) -> f64 {
        if self.mentions == 0 && self.flaws == 0 {
            return 0.0;
        }
        let mut level: f64 = 1.0 + 0.15 * (self.mentions.min(4) as f64) / 4.0;
        if self.flaws >= 1 {
            level = 2.0;
        }
        if self.flaws >= 2 {
            level = 2.0
                + 0.5 * (self.explained.min(3) as f64 / 3.0)
                + 0.15 * ((self.flaws - 1).min(3) as f64 / 3.0);
        }
        if self.flaws >= 3 && self.explained >= 2 {
            level = 3.0 + 0.3 * ((self.flaws + self.explained - 5).min(4) as f64 / 4.0);
        }
        let share = self.specific_recommendations as f64 / self.recommendations.max(1) as f64;
        if level >= 3.0 && self.specific_recommendations >= 2 && share >= 0.5 {
            level = 3.5 + 0.5 * share;
        }
        level.min(4.0)
    }
}

impl Scorer for ProceduralFlaws {
    const NAME: &'static str = "procedural_flaws";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const DESCRIPTION: &'static str =
        "flaws in local procedures or in following them, explained, with owned and timed changes";

    fn metrics() -> Vec<Metric> {
        vec![Metric::new(
            METRIC,
            0.0,
            100.0,
            "flaws in local procedures (0 none examined – 100 precise diagnosis with owned changes)",
        )]
    }

    fn new(settings: &serde_json::Value) -> Result<Self, PluginError> {
        let lexicon =
            Lexicon::bundled_with_settings(CATALOGUE, settings).map_err(PluginError::new)?;
        Ok(ProceduralFlaws { lexicon })
    }

    fn score(&self, document: &Document<'_>) -> Result<Report, PluginError> {
        let mut report = Report::default();
        let all = self.lexicon.scan(document);
        let hits = measure::distinct(document, &all);
        let mut diagnosis = self.diagnose(document, &hits, &mut report);
        read_recommendations(document, &mut diagnosis, &mut report);
        report.score(METRIC, measure::clamp_score(25.0 * diagnosis.level()));
        Ok(report)
    }
}

impl ProceduralFlaws {
    fn diagnose(&self, document: &Document<'_>, hits: &[&Hit], report: &mut Report) -> Diagnosis {
        let sentences_with = |cue: &str| -> BTreeSet<usize> {
            hits.iter()
                .filter(|h| self.lexicon.cues[h.cue].id == cue)
                .map(|h| h.sentence)
                .collect()
        };
        let procedures = sentences_with("procedure");
        let departures = sentences_with("departure");
        let explanations = sentences_with("explanation");
        let near = |set: &BTreeSet<usize>, s: usize, reach: usize| {
            set.range(s.saturating_sub(reach)..=s + reach)
                .next()
                .is_some()
        };
        let mut seen_text = HashSet::new();
        let mut diagnosis = Diagnosis {
            mentions: procedures.len(),
            ..Diagnosis::default()
        };
        for &s in &procedures {
            if !near(&departures, s, 1)
                || !seen_text.insert(document.slice(document.sentences[s].span))
            {
                continue;
            }
            diagnosis.flaws += 1;
            let explained = near(&explanations, s, 2);
            if explained {
                diagnosis.explained += 1;
            }
            let note = if explained {
                "a named procedure, a departure from it or a flaw in it, and why"
            } else {
                "a named procedure and a departure from it or a flaw in it; say why it happened"
            };
            report.cite(
                METRIC,
                document.sentences[s].span,
                "procedural_flaws.flaw",
                note,
                if explained { 1.0 } else { 0.6 },
            );
        }
        if diagnosis.flaws == 0 {
            for &s in procedures.iter().take(5) {
                report.cite(
                    METRIC,
                    document.sentences[s].span,
                    "procedural_flaws.mention",
                    "a procedure named, but no flaw in it or departure from it examined",
                    0.25,
                );
            }
        }
        diagnosis
    }
}

fn read_recommendations(document: &Document<'_>, diagnosis: &mut Diagnosis, report: &mut Report) {
    diagnosis.recommendations = document.recommendations.len();
    for item in document.recommendations {
        let reading = recommendation::read(document.slice(item.span));
        if reading.is_specific() {
            diagnosis.specific_recommendations += 1;
            report.cite(
                METRIC,
                item.span,
                "procedural_flaws.specific_recommendation",
                "a recommendation with an owner and a date or measure",
                0.5,
            );
        }
    }
}

export_scorer!(ProceduralFlaws);
