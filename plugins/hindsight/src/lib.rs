//! The bundled `hindsight` scorer: how far the review's judgments lean on
//! knowing the outcome. Counterfactuals, claims of obviousness and the
//! outcome used to judge earlier episodes raise it, per thousand words of
//! judgment (the chronology is excluded: facts are not judgments);
//! framing by what was known at the time lowers it, and a declared method
//! against hindsight bias lowers it further.

use lessons_lexicon::{Lexicon, measure};
use lessons_plugin::{Document, Metric, PluginError, Report, Scorer, SectionKind, export_scorer};

const METRIC: &str = "hindsight";
const CATALOGUE: &str = include_str!("../catalogue.toml");
const LEANING: [&str; 3] = ["counterfactual", "obviousness", "outcome_framing"];
/// A declared method against hindsight bias (reading forwards, local
/// rationality) is the strongest sign that judgments were framed by what was
/// known at the time.
const METHOD_DAMPING: f64 = 0.4;
/// A systems method (practitioner events, reconstruction) without a word on
/// hindsight guards against it less than a declared method does.
const SYSTEMS_DAMPING: f64 = 0.7;

pub struct Hindsight {
    lexicon: Lexicon,
}

impl Scorer for Hindsight {
    const NAME: &'static str = "hindsight";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const DESCRIPTION: &'static str = "how far judgments lean on knowing the outcome";

    fn metrics() -> Vec<Metric> {
        vec![Metric::new(
            METRIC,
            0.0,
            100.0,
            "hindsight (0 judged by what was known at the time – 100 leans throughout on the outcome)",
        )]
    }

    fn new(settings: &serde_json::Value) -> Result<Self, PluginError> {
        let lexicon =
            Lexicon::bundled_with_settings(CATALOGUE, settings).map_err(PluginError::new)?;
        Ok(Hindsight { lexicon })
    }

    fn score(&self, document: &Document<'_>) -> Result<Report, PluginError> {
        let mut report = Report::default();
        let all = self.lexicon.scan(document);
        let set_aside: std::collections::HashSet<usize> = all
            .iter()
            .filter(|h| self.lexicon.cues[h.cue].id == "disclaimer")
            .map(|h| h.sentence)
            .collect();
        // A judgment the review sets aside ("it would be easy to say she
        // should have known") is not the review leaning on the outcome.
        // A counterfactual weighed against what was known at the time, in
        // its own sentence or the next one to it ("Could she have known? At
        // that point the only information was..."), is the opposite of
        // hindsight: it is not counted.
        let framed: std::collections::HashSet<usize> = all
            .iter()
            .filter(|h| self.lexicon.cues[h.cue].id == "at_the_time")
            .flat_map(|h| h.sentence.saturating_sub(1)..=h.sentence + 1)
            .collect();
        let all: Vec<_> = all
            .into_iter()
            .filter(|h| !set_aside.contains(&h.sentence))
            .filter(|h| {
                !(framed.contains(&h.sentence)
                    && LEANING.contains(&self.lexicon.cues[h.cue].id.as_str()))
            })
            .collect();
        let hits = measure::distinct(document, &all);
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
        let leaning =
            measure::per_thousand(measure::weight_of(&self.lexicon, &hits, &LEANING), words);
        let judgments = measure::sentences_with(document, &self.lexicon, &hits, &LEANING);
        let framing = measure::per_thousand(
            measure::weight_of(&self.lexicon, &hits, &["at_the_time"]),
            words,
        );
        let method = measure::sentences_with(document, &self.lexicon, &hits, &["method"]);
        let systems = measure::sentences_with(document, &self.lexicon, &hits, &["systems_method"]);
        // How thickly hindsight lies in the judgments (density), and how
        // many judgments lean on it at all (a short analysis built on four
        // "if only"s leans as much as a long one built on ten).
        let mut score =
            0.5 * measure::saturate(leaning, 5.0) + 0.5 * measure::saturate(judgments as f64, 4.0);
        score *= 1.0 - 0.5 * (framing / 4.0).min(1.0);
        if method > 0 {
            score *= METHOD_DAMPING;
        } else if systems > 0 {
            score *= SYSTEMS_DAMPING;
        }
        self.lexicon.cite(&mut report, METRIC, &hits, &LEANING);
        report.score(METRIC, measure::clamp_score(score));
        Ok(report)
    }
}

export_scorer!(Hindsight);
