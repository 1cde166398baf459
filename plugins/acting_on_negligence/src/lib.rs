//! The bundled `acting_on_negligence` scorer: where there was serious, genuine
//! bad practice, does the review name it and does action follow? The
//! rubric's ladder is read straight from the text: a vague mention of
//! accountability (1); practice named as below a standard, or a deliberate
//! violation (2); a referral to a regulator or the police, proceedings, or a
//! reasoned decision that none is due (3); the outcome reported (4).

use lessons_lexicon::{Hit, Lexicon, measure};
use lessons_plugin::{Document, Metric, PluginError, Report, Scorer, export_scorer};
use std::collections::BTreeSet;

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
        let subjects = Subjects::of(&self.lexicon, &hits);
        let counted: Vec<&Hit> = hits
            .iter()
            .copied()
            .filter(|h| subjects.admits(self.lexicon.cues[h.cue].id.as_str(), h.sentence))
            .collect();
        let count =
            |cues: &[&str]| measure::sentences_with(document, &self.lexicon, &counted, cues);
        let evidence = Evidence {
            vague: count(&["vague"]),
            named: count(&["below_standard", "violation"]),
            acted: count(&["referral", "police_referral", "proceedings"]),
            reasoned: count(&["reasoned_no_action"]),
            outcome: count(&["outcome"]),
        };
        self.lexicon
            .cite(&mut report, METRIC, &cited(&counted, &self.lexicon), &[]);
        report.score(METRIC, measure::clamp_score(25.0 * evidence.level()));
        Ok(report)
    }
}

/// Who the sentences are about: practitioners, or the child's family.
struct Subjects {
    professional: BTreeSet<usize>,
    family: BTreeSet<usize>,
}

impl Subjects {
    fn of(lexicon: &Lexicon, hits: &[&Hit]) -> Subjects {
        let of = |id: &str| -> BTreeSet<usize> {
            hits.iter()
                .filter(|h| lexicon.cues[h.cue].id == id)
                .map(|h| h.sentence)
                .collect()
        };
        Subjects {
            professional: of("professional"),
            family: of("family"),
        }
    }

    /// Whether a hit of this cue in this sentence is about practitioners. A
    /// sentence about the family and no practitioner (a parent's guilty
    /// plea) never counts; police action and proceedings count only with a
    /// practitioner in the sentence or next to it.
    fn admits(&self, cue: &str, sentence: usize) -> bool {
        let practitioner_here = self.professional.contains(&sentence);
        match cue {
            "professional" | "family" => false,
            _ if self.family.contains(&sentence) && !practitioner_here => false,
            "police_referral" | "proceedings" | "outcome" => self
                .professional
                .range(sentence.saturating_sub(1)..=sentence + 1)
                .next()
                .is_some(),
            _ => true,
        }
    }
}

/// Distinct sentences of each kind of evidence.
struct Evidence {
    vague: usize,
    named: usize,
    acted: usize,
    reasoned: usize,
    outcome: usize,
}

impl Evidence {
    /// The rubric level, with a little credit within a level for more
    /// evidence. Action without bad practice named is no more than a
    /// mention: the rubric asks first whether there was serious bad practice.
    fn level(&self) -> f64 {
        let more = |n: usize, step: usize| 0.3 * ((n.saturating_sub(step)).min(3) as f64 / 3.0);
        if self.named == 0 {
            let mentions = self.vague + self.acted + self.reasoned;
            return if mentions > 0 {
                0.8 + more(mentions, 1)
            } else {
                0.0
            };
        }
        if self.acted == 0 && self.reasoned == 0 {
            return 2.0 + more(self.named, 1);
        }
        if self.outcome >= 1 && self.acted >= 1 {
            return 3.6 + more(self.outcome + self.acted, 2);
        }
        3.0 + more(self.acted + self.reasoned, 1)
    }
}

/// Evidence worth showing: every hit that counted, with vague mentions only
/// when nothing firmer drove the score.
fn cited<'h>(hits: &[&'h Hit], lexicon: &Lexicon) -> Vec<&'h Hit> {
    let id = |h: &Hit| lexicon.cues[h.cue].id.as_str();
    let firm = hits
        .iter()
        .any(|h| !matches!(id(h), "vague" | "professional" | "family"));
    hits.iter()
        .copied()
        .filter(|h| !matches!(id(h), "professional" | "family"))
        .filter(|h| !firm || id(h) != "vague")
        .collect()
}

export_scorer!(ActingOnNegligence);
