//! The bundled `new_lessons` scorer: lessons of general principle that are
//! genuinely new. A sentence that restates one of the known lessons (by
//! concept, in any of its wordings) earns nothing; a slogan earns nothing.
//! What earns credit is a mechanism in how the system works, explained
//! (how or why, within a sentence either side), and backed by a check or
//! claim that it holds beyond this case, or by a stated ground for novelty.

use lessons_lexicon::{Hit, Lexicon, measure};
use lessons_plugin::{Document, Metric, PluginError, Report, Scorer, export_scorer};
use std::collections::BTreeSet;

const METRIC: &str = "new_lessons";
const CATALOGUE: &str = include_str!("../catalogue.toml");

pub struct NewLessons {
    lexicon: Lexicon,
}

/// The sentences holding each kind of cue.
struct Sentences {
    known: BTreeSet<usize>,
    mechanism: BTreeSet<usize>,
    generalisation: BTreeSet<usize>,
    novelty: BTreeSet<usize>,
    explanation: BTreeSet<usize>,
}

fn near(set: &BTreeSet<usize>, s: usize, reach: usize) -> bool {
    set.range(s.saturating_sub(reach)..=s + reach)
        .next()
        .is_some()
}

impl Scorer for NewLessons {
    const NAME: &'static str = "new_lessons";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const DESCRIPTION: &'static str =
        "genuinely new lessons of general principle, not the known ones";

    fn metrics() -> Vec<Metric> {
        vec![Metric::new(
            METRIC,
            0.0,
            100.0,
            "genuinely new lessons (0 none or only known lessons – 100 several)",
        )]
    }

    fn new(settings: &serde_json::Value) -> Result<Self, PluginError> {
        let lexicon =
            Lexicon::bundled_with_settings(CATALOGUE, settings).map_err(PluginError::new)?;
        Ok(NewLessons { lexicon })
    }

    fn score(&self, document: &Document<'_>) -> Result<Report, PluginError> {
        let mut report = Report::default();
        let all = self.lexicon.scan(document);
        let hits = measure::distinct(document, &all);
        let sentences = self.classify(&hits);
        let mut lessons = 0.0;
        let mut generalised = 0usize;
        let mut seen = BTreeSet::new();
        for &s in &sentences.mechanism {
            let text = document.slice(document.sentences[s].span);
            if sentences.known.contains(&s)
                || !near(&sentences.explanation, s, 1)
                || !seen.insert(text)
            {
                continue;
            }
            let general = near(&sentences.generalisation, s, 3) || near(&sentences.novelty, s, 3);
            generalised += usize::from(general);
            lessons += if general { 1.0 } else { 0.5 };
            let note = if general {
                "a mechanism in the system, explained, and shown to hold beyond this case"
            } else {
                "a mechanism in the system, explained; show that it holds beyond this case"
            };
            report.cite(
                METRIC,
                document.sentences[s].span,
                "new_lessons.mechanism",
                note,
                if general { 1.0 } else { 0.5 },
            );
        }
        for &s in &sentences.known {
            if !sentences.mechanism.contains(&s) {
                report.cite(
                    METRIC,
                    document.sentences[s].span,
                    "new_lessons.known",
                    "restates a known lesson: what is specific to this case, and new?",
                    0.0,
                );
            }
        }
        let length = (document.word_count() as f64 / 2000.0).sqrt().max(1.0);
        let amount = lessons / length;
        let mut level = 4.0 * measure::saturate(amount, 4.0) / 100.0;
        if generalised == 0 {
            level = level.min(1.5);
        }
        if level == 0.0 && !sentences.known.is_empty() {
            level = 0.4;
        }
        report.score(METRIC, measure::clamp_score(25.0 * level));
        Ok(report)
    }
}

impl NewLessons {
    fn classify(&self, hits: &[&Hit]) -> Sentences {
        let of = |pred: &dyn Fn(&str) -> bool| -> BTreeSet<usize> {
            hits.iter()
                .filter(|h| pred(&self.lexicon.cues[h.cue].id))
                .map(|h| h.sentence)
                .collect()
        };
        Sentences {
            known: of(&|id| id.starts_with("known_")),
            mechanism: of(&|id| id == "mechanism"),
            generalisation: of(&|id| id == "generalisation"),
            novelty: of(&|id| id == "novelty"),
            explanation: of(&|id| id == "explanation"),
        }
    }
}

export_scorer!(NewLessons);
