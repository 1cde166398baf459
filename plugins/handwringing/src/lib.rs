//! The bundled `handwringing` scorer: how far a review laments and exhorts
//! instead of saying what will change. Two signals: generic exhortation
//! (distinct sentences per thousand words outside the chronology) and
//! recommendations read one at a time (no owner, date or measure; weak
//! actions such as training and reminders).

use lessons_lexicon::{Lexicon, measure, recommendation};
use lessons_plugin::abi::Span;
use lessons_plugin::{Document, Metric, PluginError, Report, Scorer, SectionKind, export_scorer};

const METRIC: &str = "handwringing";
const CATALOGUE: &str = include_str!("../catalogue.toml");

/// Every kind except the factual chronology.
const COUNTED: [SectionKind; 9] = [
    SectionKind::Other,
    SectionKind::TermsOfReference,
    SectionKind::Methodology,
    SectionKind::Analysis,
    SectionKind::Findings,
    SectionKind::Recommendations,
    SectionKind::Learning,
    SectionKind::Background,
    SectionKind::Conclusion,
];

pub struct Handwringing {
    lexicon: Lexicon,
}

impl Scorer for Handwringing {
    const NAME: &'static str = "handwringing";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const DESCRIPTION: &'static str =
        "generic lament and exhortation; recommendations with no owner, date or measure";

    fn metrics() -> Vec<Metric> {
        vec![Metric::new(
            METRIC,
            0.0,
            100.0,
            "generic lament and exhortation (0 none – 100 mostly lament)",
        )]
    }

    fn new(settings: &serde_json::Value) -> Result<Self, PluginError> {
        let lexicon =
            Lexicon::bundled_with_settings(CATALOGUE, settings).map_err(PluginError::new)?;
        Ok(Handwringing { lexicon })
    }

    fn score(&self, document: &Document<'_>) -> Result<Report, PluginError> {
        let mut report = Report::default();
        let hits = self.lexicon.scan(document);
        let hits = measure::distinct(document, &hits);
        let weight: f64 = hits.iter().map(|h| self.lexicon.cues[h.cue].weight).sum();
        let density = measure::per_thousand(weight, measure::words_in(document, &COUNTED));
        let exhortation = measure::saturate(density, 4.0);
        self.lexicon.cite(&mut report, METRIC, &hits, &[]);
        let recommendations = read_recommendations(document, &mut report);
        let score = match recommendations {
            Some(vague_share) => 0.65 * exhortation + 0.35 * 100.0 * vague_share,
            None => exhortation,
        };
        report.score(METRIC, measure::clamp_score(score));
        Ok(report)
    }
}

/// How far one recommendation exhorts rather than changes something: a
/// stated change to a named form, protocol or system is not handwringing,
/// even without a date; an owner-less, date-less, measure-less wish is.
fn vagueness(reading: &recommendation::Reading<'_>) -> (f64, &'static str) {
    const UNOWNED: &str = "a concrete change with no owner: say who will make it";
    const VAGUE: &str = "this recommendation has no owner, date or measure";
    const WEAK: &str = "a weak action (training, reminders, guidance) with no measure of effect";
    if reading.is_specific() {
        return (0.0, "");
    }
    if reading.concrete_change() && !reading.exhortation() {
        return if reading.owner() {
            (0.0, "")
        } else {
            (0.25, UNOWNED)
        };
    }
    if reading.is_vague() {
        return (1.0, VAGUE);
    }
    if reading.weak_action() {
        return (0.5, WEAK);
    }
    (0.0, "")
}

/// The share of recommendations that are vague or weak, citing each one.
fn read_recommendations(document: &Document<'_>, report: &mut Report) -> Option<f64> {
    let mut vague = 0.0;
    let mut count = 0usize;
    for item in document.recommendations {
        for (reading, range) in recommendation::read_item(document.slice(item.span)) {
            count += 1;
            let (share, note) = vagueness(&reading);
            if share > 0.0 {
                let span = Span {
                    start: item.span.start + range.start as u64,
                    end: item.span.start + range.end as u64,
                };
                report.cite(METRIC, span, "handwringing.recommendation", note, share);
            }
            vague += share;
        }
    }
    (count > 0).then(|| vague / count as f64)
}

export_scorer!(Handwringing);
