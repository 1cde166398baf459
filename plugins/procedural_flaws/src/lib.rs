//! The bundled `procedural_flaws` scorer: flaws in local procedures, or in
//! following them. It finds sentences that name a procedure and a departure
//! from it or defect in it (in the same or the next sentence), asks whether
//! the reason is explained nearby, and reads the recommendations for owners,
//! dates and measures. The rubric's levels — generic mention, one specific
//! flaw, several explained flaws, precise diagnosis with owned, timed
//! changes — are computed directly from those counts.

use lessons_lexicon::{Hit, Lexicon, measure, recommendation};
use lessons_plugin::abi::Span;
use lessons_plugin::{Document, Metric, PluginError, Report, Scorer, export_scorer};
use std::collections::{BTreeSet, HashSet};

const METRIC: &str = "procedural_flaws";
const CATALOGUE: &str = include_str!("../catalogue.toml");
/// How many sentences either side of a flaw its explanation may stand.
const EXPLANATION_REACH: usize = 2;

pub struct ProceduralFlaws {
    lexicon: Lexicon,
}

/// What the review shows about procedures.
#[derive(Debug, Default)]
struct Diagnosis {
    mentions: usize,
    /// Distinct sentences naming a procedure and a flaw in it or departure from it.
    flaws: usize,
    /// Distinct procedures (by name) found flawed.
    procedures: usize,
    /// Flaws explained within two sentences.
    explained: usize,
    specific_recommendations: usize,
    recommendations: usize,
}

impl Diagnosis {
    /// The rubric level, 0–4, as a continuous value: a generic mention (1),
    /// one specific flaw (2), several flaws and why (3), and owned, timed
    /// changes on top (4).
    fn level(&self) -> f64 {
        if self.mentions == 0 && self.flaws == 0 {
            return 0.0;
        }
        if self.flaws == 0 {
            // Owned, timed changes to procedures are a diagnosis stated as a
            // remedy, even where no sentence names the departure itself.
            if self.specific_recommendations >= SPECIFIC_AS_DIAGNOSIS {
                return self.remedied(2.0);
            }
            return 1.0 + 0.15 * (self.mentions.min(4) as f64) / 4.0;
        }
        let several = self.procedures >= 2 || self.flaws >= 3;
        let mut level = if several && self.explained >= 2 {
            3.0 + 0.3 * ((self.flaws + self.explained).saturating_sub(4).min(6) as f64 / 6.0)
        } else {
            2.0 + 0.4 * (self.explained.min(2) as f64 / 2.0)
                + 0.2 * (self.flaws.saturating_sub(1).min(2) as f64 / 2.0)
        };
        let share = self.specific_share();
        if level >= 3.0 && self.specific_recommendations >= 2 && share >= 0.5 {
            level = 3.5 + 0.5 * share;
        } else {
            level = self.remedied(level);
        }
        level.min(4.0)
    }

    /// The share of recommendations that are specific (an owner, and a date
    /// or a measure).
    fn specific_share(&self) -> f64 {
        self.specific_recommendations as f64 / self.recommendations.max(1) as f64
    }

    /// Several owned, timed procedural changes: the diagnosis is in the
    /// remedies even where the analysis names few departures.
    fn remedied(&self, level: f64) -> f64 {
        let share = self.specific_share();
        if self.specific_recommendations > SPECIFIC_AS_DIAGNOSIS && share >= 0.5 {
            return level.max(3.0 + 0.5 * share);
        }
        level
    }
}

/// How many specific recommendations (owner, and a date or a measure) stand
/// for one diagnosed flaw when no departure is named in the analysis.
const SPECIFIC_AS_DIAGNOSIS: usize = 3;

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
        // Every hit, not one per cue and sentence: a table the host reads as
        // one sentence holds a flaw per row. Repeated text is still counted
        // once, by the text of each flaw.
        let hits: Vec<&Hit> = all.iter().collect();
        let mut diagnosis = self.diagnose(document, &hits, &mut report);
        read_recommendations(document, &mut diagnosis, &mut report);
        report.score(METRIC, measure::clamp_score(25.0 * diagnosis.level()));
        Ok(report)
    }
}

impl ProceduralFlaws {
    fn diagnose(&self, document: &Document<'_>, hits: &[&Hit], report: &mut Report) -> Diagnosis {
        let generic: Vec<&Hit> = self.hits_of(hits, "generic_procedure");
        let longest = generic.iter().map(|h| h.span.end - h.span.start).max();
        let named: Vec<&Hit> = self
            .hits_of(hits, "procedure")
            .into_iter()
            .filter(|h| !overlaps_any(&generic, longest, h))
            .collect();
        let procedures: BTreeSet<usize> = named.iter().map(|h| h.sentence).collect();
        let departures = self.hits_of(hits, "departure");
        let requirements = self.hits_of(hits, "requirement");
        let explanations = self.hits_of(hits, "explanation");
        let explained_near: BTreeSet<usize> = explanations.iter().map(|h| h.sentence).collect();
        let mut seen_text = HashSet::new();
        let mut flawed_names = BTreeSet::new();
        let mut diagnosis = Diagnosis {
            mentions: procedures.len() + usize::from(!generic.is_empty()),
            ..Diagnosis::default()
        };
        for &s in &procedures {
            let sentence = document.sentences[s].span;
            let rows = measure::table_rows(document, sentence);
            let in_table = rows.len() > 1 || rows[0] != sentence;
            let units = if in_table {
                rows
            } else {
                vec![reach(document, s)]
            };
            for unit in units {
                let names: Vec<&Hit> = inside(&named, unit).collect();
                // A departure beside the name, or a paragraph that says what
                // was required and what happened instead.
                let beside = inside(&departures, unit).any(|h| in_table || h.sentence == s);
                let told_across = !in_table
                    && inside(&departures, unit).next().is_some()
                    && inside(&requirements, unit).next().is_some();
                if names.is_empty()
                    || !(beside || told_across)
                    || !seen_text.insert(document.slice(unit))
                {
                    continue;
                }
                diagnosis.flaws += 1;
                for hit in names {
                    flawed_names.insert(procedure_name(document.slice(hit.span)));
                }
                let explained = inside(&explanations, unit).next().is_some()
                    || (!in_table
                        && explained_near
                            .range(s.saturating_sub(EXPLANATION_REACH)..=s + EXPLANATION_REACH)
                            .next()
                            .is_some());
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
                    unit,
                    "procedural_flaws.flaw",
                    note,
                    if explained { 1.0 } else { 0.6 },
                );
            }
        }
        diagnosis.procedures = flawed_names.len();
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

    fn hits_of<'h>(&self, hits: &[&'h Hit], cue: &str) -> Vec<&'h Hit> {
        hits.iter()
            .copied()
            .filter(|h| self.lexicon.cues[h.cue].id == cue)
            .collect()
    }
}

/// The stretch of text a flaw may be told across: the paragraph holding
/// the sentence that names the procedure.
fn reach(document: &Document<'_>, sentence: usize) -> Span {
    let paragraph = document.sentences[sentence].paragraph as usize;
    document
        .paragraphs
        .get(paragraph)
        .map_or(document.sentences[sentence].span, |p| p.span)
}

/// The hits of `hits` (in text order, as a scan gives them) that lie inside
/// `unit`, found from where they start rather than by asking every hit of
/// the review for every unit.
fn inside<'a, 'h>(hits: &'a [&'h Hit], unit: Span) -> impl Iterator<Item = &'h Hit> + 'a {
    let first = hits.partition_point(|h| h.span.start < unit.start);
    hits[first..]
        .iter()
        .copied()
        .take_while(move |h| h.span.start <= unit.end)
        .filter(move |h| measure::within(h.span, unit))
}

/// Whether any of `hits` (in text order, the longest `longest` bytes long)
/// overlaps `hit`: only those that start before it ends, and after it starts
/// less the longest, can.
fn overlaps_any(hits: &[&Hit], longest: Option<u64>, hit: &Hit) -> bool {
    let Some(longest) = longest else {
        return false;
    };
    let from = hits.partition_point(|h| h.span.start + longest <= hit.span.start);
    let to = hits.partition_point(|h| h.span.start < hit.span.end);
    hits[from..to.max(from)]
        .iter()
        .any(|h| h.span.start < hit.span.end && hit.span.start < h.span.end)
}

/// A procedure's name for counting distinct procedures: its last two words,
/// lower-cased, without a plural ending ("the case transfer protocols" and
/// "the transfer protocol" are one procedure).
fn procedure_name(matched: &str) -> String {
    let words: Vec<String> = matched
        .split_whitespace()
        .map(|w| w.to_lowercase().trim_end_matches('s').to_string())
        .collect();
    words[words.len().saturating_sub(2)..].join(" ")
}

fn read_recommendations(document: &Document<'_>, diagnosis: &mut Diagnosis, report: &mut Report) {
    for item in document.recommendations {
        for (reading, range) in recommendation::read_item(document.slice(item.span)) {
            diagnosis.recommendations += 1;
            if !reading.is_specific() {
                continue;
            }
            diagnosis.specific_recommendations += 1;
            report.cite(
                METRIC,
                sub_span(item.span, &range),
                "procedural_flaws.specific_recommendation",
                "a recommendation with an owner and a date or measure",
                0.5,
            );
        }
    }
}

/// The part of `span` at a byte range relative to its start.
fn sub_span(span: Span, range: &std::ops::Range<usize>) -> Span {
    Span {
        start: span.start + range.start as u64,
        end: span.start + range.end as u64,
    }
}

export_scorer!(ProceduralFlaws);

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(start: u64, end: u64) -> Hit {
        Hit {
            cue: 0,
            sentence: 0,
            span: Span { start, end },
        }
    }

    #[test]
    fn hits_inside_a_unit_and_overlaps_are_found_as_asking_each_hit_finds_them() {
        let owned: Vec<Hit> = [
            (0, 4),
            (2, 9),
            (5, 6),
            (5, 12),
            (9, 9),
            (10, 30),
            (12, 14),
            (31, 33),
        ]
        .into_iter()
        .map(|(start, end)| hit(start, end))
        .collect();
        let hits: Vec<&Hit> = owned.iter().collect();
        let longest = hits.iter().map(|h| h.span.end - h.span.start).max();
        for start in 0..35 {
            for end in start..36 {
                let unit = Span { start, end };
                let asked: Vec<&Hit> = hits
                    .iter()
                    .copied()
                    .filter(|h| measure::within(h.span, unit))
                    .collect();
                assert_eq!(inside(&hits, unit).collect::<Vec<_>>(), asked, "{unit:?}");
                let probe = hit(start, end);
                let overlapping = hits
                    .iter()
                    .any(|h| h.span.start < probe.span.end && probe.span.start < h.span.end);
                assert_eq!(
                    overlaps_any(&hits, longest, &probe),
                    overlapping,
                    "{unit:?}"
                );
            }
        }
        assert!(!overlaps_any(&[], None, &hit(0, 5)));
    }
}
