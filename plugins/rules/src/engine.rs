//! Running a compiled pack over a document: each rule gives a value from 0
//! to 1 and the passages behind it; each metric is the weighted mean of its
//! rules' values (negative weights subtract), clamped and scaled onto the
//! metric's declared range.

use crate::pack::{Headings, Matcher, Pack, RuleKind};
use lessons_lexicon::lexicon::{Negation, in_scope};
use lessons_lexicon::{Hit, measure};
use lessons_plugin::abi::{self, Span};
use lessons_plugin::{Document, Report};

/// The most passages one rule cites in one document: enough to read, and
/// well under the host's cap on evidence.
const MAX_CITED_PER_RULE: usize = 200;

/// One rule's result for one document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RuleValue {
    /// From 0 (nothing) to 1 (in full).
    pub value: f64,
    /// The passages behind the value; empty when the value is 0.
    pub cited: Vec<Span>,
}

/// Every rule's value for `document`, in the pack's order.
pub fn evaluate(pack: &Pack, document: &Document<'_>) -> Vec<RuleValue> {
    let found = pack.patterns.find_all(document.text);
    let hits: Vec<Vec<Hit>> = pack
        .rules
        .iter()
        .enumerate()
        .map(|(index, rule)| match &rule.kind {
            RuleKind::Existence { matcher, .. } | RuleKind::Occurrence { matcher, .. } => {
                matches(pack, &found, matcher, index, document)
            }
            RuleKind::Ratio { .. } | RuleKind::Conditional { .. } => Vec::new(),
        })
        .collect();
    let distinct: Vec<Vec<&Hit>> = hits
        .iter()
        .map(|h| measure::distinct(document, h))
        .collect();
    pack.rules
        .iter()
        .enumerate()
        .map(|(index, rule)| match &rule.kind {
            RuleKind::Existence { half, .. } => {
                let found = &distinct[index];
                let value = measure::saturate(found.len() as f64, *half) / 100.0;
                cited(value, found)
            }
            RuleKind::Occurrence { matcher, min, max } => {
                let found = &distinct[index];
                let words = measure::words_in(document, &matcher.kinds());
                let rate = measure::per_thousand(found.len() as f64, words);
                cited(ramp(rate, *min, *max), found)
            }
            RuleKind::Ratio {
                numerator,
                denominator,
                min,
                max,
            } => {
                let over = distinct[*numerator].len() as f64;
                let under = distinct[*denominator].len().max(1) as f64;
                cited(ramp(over / under, *min, *max), &distinct[*numerator])
            }
            RuleKind::Conditional {
                first,
                second,
                within,
            } => {
                let claims = &distinct[*first];
                let support: Vec<usize> = distinct[*second].iter().map(|h| h.sentence).collect();
                let unsupported: Vec<&Hit> = claims
                    .iter()
                    .copied()
                    .filter(|c| !support.iter().any(|s| s.abs_diff(c.sentence) <= *within))
                    .collect();
                let value = if claims.is_empty() {
                    0.0
                } else {
                    unsupported.len() as f64 / claims.len() as f64
                };
                cited(value, &unsupported)
            }
        })
        .collect()
}

/// Scores every metric of the pack and cites each rule's passages.
pub fn score(pack: &Pack, document: &Document<'_>, report: &mut Report) {
    let values = evaluate(pack, document);
    for (index, metric) in pack.metrics.iter().enumerate() {
        let rules = || {
            pack.rules
                .iter()
                .zip(&values)
                .filter(|(r, _)| r.metric == index)
        };
        let positive: f64 = rules().map(|(r, _)| r.weight).filter(|w| *w > 0.0).sum();
        let total: f64 = rules().map(|(r, v)| r.weight * v.value).sum();
        let share = if positive > 0.0 {
            (total / positive).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let value = metric.min + (metric.max - metric.min) * share;
        report.score(&metric.id, round1(value).clamp(metric.min, metric.max));
        for (rule, value) in rules() {
            if value.cited.len() > MAX_CITED_PER_RULE {
                report.warn(format!(
                    "rule {} matched {} passages; only the first {MAX_CITED_PER_RULE} are cited",
                    rule.id,
                    value.cited.len()
                ));
            }
            for span in value.cited.iter().take(MAX_CITED_PER_RULE) {
                report.cite(&metric.id, *span, &rule.id, &rule.note, rule.weight);
            }
        }
    }
}

fn cited(value: f64, hits: &[&Hit]) -> RuleValue {
    if value <= 0.0 {
        return RuleValue::default();
    }
    RuleValue {
        value,
        cited: hits.iter().map(|h| h.span).collect(),
    }
}

/// `min` or less → 0, `max` or more → 1, linear between.
fn ramp(x: f64, min: f64, max: f64) -> f64 {
    ((x - min) / (max - min)).clamp(0.0, 1.0)
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The matches of one pattern rule, after headings, scope, quoted speech,
/// negation and exceptions are applied, in text order.
fn matches(
    pack: &Pack,
    patterns: &[Vec<Span>],
    matcher: &Matcher,
    rule: usize,
    document: &Document<'_>,
) -> Vec<Hit> {
    let mut found = Vec::new();
    for &span in &patterns[matcher.pattern] {
        let Some(sentence) = sentence_at(document, span.start) else {
            continue;
        };
        let exceptions = matcher.exceptions.map(|e| patterns[e].as_slice());
        if keeps(pack, matcher, document, sentence, span)
            && !is_exception(exceptions.unwrap_or_default(), span)
        {
            found.push(Hit {
                cue: rule,
                sentence,
                span,
            });
        }
    }
    found
}

fn keeps(
    pack: &Pack,
    matcher: &Matcher,
    document: &Document<'_>,
    sentence: usize,
    span: Span,
) -> bool {
    let s = &document.sentences[sentence];
    let heading = s.flags & abi::SENTENCE_HEADING != 0;
    match matcher.headings {
        Headings::Exclude if heading => return false,
        Headings::Only if !heading => return false,
        _ => {}
    }
    if !in_scope(
        document,
        s,
        span,
        &matcher.scope,
        &matcher.not_scope,
        matcher.quoted,
    ) {
        return false;
    }
    !(matcher.negation == Negation::Drop && pack.negation.is_negated(document, s.span, span))
}

/// Whether an exception phrase overlaps the match. `exceptions` are in
/// text order, so a binary search finds the first that could.
fn is_exception(exceptions: &[Span], span: Span) -> bool {
    let first = exceptions.partition_point(|e| e.end <= span.start);
    exceptions.get(first).is_some_and(|e| e.start < span.end)
}

fn sentence_at(document: &Document<'_>, offset: u64) -> Option<usize> {
    let i = document
        .sentences
        .partition_point(|s| s.span.start <= offset);
    let candidate = i.checked_sub(1)?;
    (offset < document.sentences[candidate].span.end).then_some(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lessons_plugin::SectionKind;
    use lessons_plugin::abi::{Section, Sentence};
    use std::path::Path;

    /// A document built by hand: one section per (kind, body), sentences
    /// ending at full stops, quoted speech between curly quotes.
    struct Built {
        text: String,
        sections: Vec<Section>,
        sentences: Vec<Sentence>,
        quotes: Vec<Span>,
    }

    impl Built {
        fn new(parts: &[(SectionKind, &str)]) -> Built {
            let mut built = Built {
                text: String::new(),
                sections: Vec::new(),
                sentences: Vec::new(),
                quotes: Vec::new(),
            };
            for (index, (kind, body)) in parts.iter().enumerate() {
                let start = built.text.len() as u64;
                let mut sentence_start = built.text.len();
                for piece in body.split_inclusive(". ") {
                    built.text.push_str(piece);
                    let end = built.text.trim_end().len();
                    built.sentences.push(Sentence {
                        span: Span {
                            start: sentence_start as u64,
                            end: end as u64,
                        },
                        paragraph: 0,
                        section: index as u32,
                        flags: 0,
                    });
                    sentence_start = built.text.len();
                }
                built.text.push('\n');
                built.sections.push(Section {
                    heading: Span::default(),
                    span: Span {
                        start,
                        end: built.text.len() as u64,
                    },
                    kind: kind.code(),
                    level: 1,
                });
            }
            let mut open = None;
            for (i, c) in built.text.char_indices() {
                match c {
                    '“' => open = Some(i),
                    '”' => {
                        if let Some(start) = open.take() {
                            built.quotes.push(Span {
                                start: start as u64,
                                end: (i + c.len_utf8()) as u64,
                            });
                        }
                    }
                    _ => {}
                }
            }
            built
        }

        fn document(&self) -> Document<'_> {
            Document {
                id: "t",
                title: "t",
                text: &self.text,
                sections: &self.sections,
                paragraphs: &[],
                sentences: &self.sentences,
                quotes: &self.quotes,
                list_items: &[],
                recommendations: &[],
                pages: &[],
            }
        }
    }

    fn pack(rules: &str) -> Pack {
        let n = if rules.contains("metric = \"n\"") {
            "[[metric]]\nid = \"n\"\nmax = 10\n"
        } else {
            ""
        };
        let text = format!("[pack]\nid = \"t\"\n[[metric]]\nid = \"m\"\n{n}{rules}");
        Pack::parse(&text, Path::new("t.toml"), Path::new(".")).unwrap()
    }

    fn values(pack: &Pack, parts: &[(SectionKind, &str)]) -> Vec<f64> {
        let built = Built::new(parts);
        evaluate(pack, &built.document())
            .into_iter()
            .map(|v| v.value)
            .collect()
    }

    const BLAME: &str =
        "[[rule]]\nid = \"blame\"\nmetric = \"m\"\nkind = \"existence\"\nphrases = [\"blam*\"]\n";

    #[test]
    fn existence_saturates_with_distinct_sentences() {
        let pack = pack(BLAME);
        let one = values(&pack, &[(SectionKind::Analysis, "They blamed her. ")]);
        let two = values(
            &pack,
            &[(SectionKind::Analysis, "They blamed her. He blamed him. ")],
        );
        let repeated = values(
            &pack,
            &[(SectionKind::Analysis, "They blamed her. They blamed her. ")],
        );
        assert_eq!(one, [0.5]);
        assert_eq!(two, [0.75]);
        assert_eq!(repeated, [0.5], "repeated text counts once");
    }

    #[test]
    fn scope_quotation_negation_and_exceptions_drop_matches() {
        let pack = pack(&format!(
            "{BLAME}scope = [\"analysis\"]\nexceptions = [\"blameless\"]\n"
        ));
        let analysis = SectionKind::Analysis;
        assert_eq!(
            values(&pack, &[(SectionKind::Chronology, "They blamed her. ")]),
            [0.0]
        );
        assert_eq!(
            values(
                &pack,
                &[(analysis, "The paper said “they blamed her” then. ")]
            ),
            [0.0]
        );
        assert_eq!(
            values(&pack, &[(analysis, "The review does not blame anyone. ")]),
            [0.0]
        );
        assert_eq!(
            values(&pack, &[(analysis, "It was a blameless error. ")]),
            [0.0]
        );
        assert_eq!(values(&pack, &[(analysis, "They blamed her. ")]), [0.5]);
    }

    #[test]
    fn quoted_only_reads_quoted_speech_alone() {
        let pack = pack(&format!("{BLAME}quoted = \"only\"\n"));
        let quoted = values(
            &pack,
            &[(SectionKind::Analysis, "She said “they blamed me” then. ")],
        );
        let plain = values(&pack, &[(SectionKind::Analysis, "They blamed her. ")]);
        assert_eq!((quoted[0], plain[0]), (0.5, 0.0));
    }

    #[test]
    fn occurrence_maps_the_rate_per_thousand_words_onto_min_and_max() {
        let pack = pack(
            "[[rule]]\nid = \"x\"\nmetric = \"m\"\nkind = \"occurrence\"\nphrases = [\"because\"]\nmin = 2\nmax = 6\n",
        );
        // The rate's denominator has a floor of 300 words: 1 hit → 3.3, 2 → 6.7.
        let one = values(
            &pack,
            &[(SectionKind::Analysis, "It failed because of x. ")],
        );
        let two = values(
            &pack,
            &[(SectionKind::Analysis, "A because b. C because d. ")],
        );
        assert!(
            (one[0] - (1000.0 / 300.0 - 2.0) / 4.0).abs() < 1e-9,
            "{one:?}"
        );
        assert_eq!(two, [1.0]);
    }

    const SLOGAN: &str = "[[rule]]\nid = \"slogan\"\nmetric = \"m\"\nkind = \"existence\"\nweight = 0\nphrases = [\"professional curiosity\"]\n\
        [[rule]]\nid = \"why\"\nmetric = \"m\"\nkind = \"existence\"\nphrases = [\"because\"]\n";

    #[test]
    fn conditional_counts_claims_with_nothing_near_them() {
        let pack = pack(&format!(
            "{SLOGAN}[[rule]]\nid = \"bare\"\nmetric = \"m\"\nkind = \"conditional\"\nweight = -1\nfirst = \"slogan\"\nsecond = \"why\"\nwithin = 1\n"
        ));
        let a = SectionKind::Analysis;
        let bare = values(
            &pack,
            &[(
                a,
                "Professional curiosity matters. The case closed. The end. ",
            )],
        );
        let explained = values(
            &pack,
            &[(
                a,
                "Professional curiosity matters. It failed because staff were new. ",
            )],
        );
        let far = values(
            &pack,
            &[(
                a,
                "Professional curiosity matters. A. B. It failed because staff were new. ",
            )],
        );
        assert_eq!(bare[2], 1.0);
        assert_eq!(explained[2], 0.0);
        assert_eq!(
            far[2], 1.0,
            "an explanation three sentences away is not near"
        );
    }

    #[test]
    fn ratio_and_the_metric_mean_with_negative_weights() {
        let pack = pack(&format!(
            "{SLOGAN}[[rule]]\nid = \"r\"\nmetric = \"n\"\nkind = \"ratio\"\nnumerator = \"why\"\ndenominator = \"slogan\"\nmax = 2\n"
        ));
        let built = Built::new(&[(
            SectionKind::Analysis,
            "Professional curiosity matters. It failed because staff were new. It slipped because of leave. ",
        )]);
        let document = built.document();
        let values: Vec<f64> = evaluate(&pack, &document).iter().map(|v| v.value).collect();
        assert_eq!(
            values,
            [0.5, 0.75, 1.0],
            "2 reasons per slogan reaches max 2"
        );
        let mut report = Report::default();
        score(&pack, &document, &mut report);
        assert_eq!(report.scores["m"], 75.0, "weight 0 rules only cite");
        assert_eq!(report.scores["n"], 10.0, "scaled onto the metric's range");
        assert!(
            report
                .evidence
                .iter()
                .any(|e| e.rule == "t.r" && e.metric == "n")
        );
    }
}
