//! The bundled `new_lessons` scorer: lessons of general principle that are
//! genuinely new. A sentence that restates one of the known lessons (by
//! concept, in any of its wordings) earns nothing; a slogan earns nothing.
//! What earns credit is a mechanism in how the system works, explained
//! (how or why, within a sentence either side), and backed by a check or
//! claim that it holds beyond this case, or by a stated ground for novelty.

use lessons_lexicon::similarity::Statements;
use lessons_lexicon::{Hit, Lexicon, measure};
use lessons_plugin::{Document, Metric, PluginError, Report, Scorer, export_scorer};
use std::collections::{BTreeMap, BTreeSet};

const METRIC: &str = "new_lessons";
const CATALOGUE: &str = include_str!("../catalogue.toml");
const KNOWN_LESSONS: &str = include_str!("../known_lessons.toml");
/// A lesson is a mechanism described, not a word dropped: this many distinct
/// sentences in the section must describe how the system works.
const MECHANISMS_PER_LESSON: usize = 1;
/// The level of a review that restates known lessons and finds nothing new:
/// the rubric's "known lessons with slight local specificity" at most.
const KNOWN_ONLY: f64 = 0.4;
/// What a lesson gains from being claimed to hold beyond the case.
const LESSON_GENERAL: f64 = 0.75;
/// What a lesson gains from being checked against data beyond the case.
const LESSON_TESTED: f64 = 1.25;

pub struct NewLessons {
    lexicon: Lexicon,
    known_lessons: Statements,
}

/// The sentences holding each kind of cue.
struct Sentences {
    known: BTreeSet<usize>,
    mechanism: BTreeSet<usize>,
    generalisation: BTreeSet<usize>,
    novelty: BTreeSet<usize>,
    explanation: BTreeSet<usize>,
    tested: BTreeSet<usize>,
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
        let known_lessons =
            Statements::bundled_with_settings(KNOWN_LESSONS, settings).map_err(PluginError::new)?;
        Ok(NewLessons {
            lexicon,
            known_lessons,
        })
    }

    fn score(&self, document: &Document<'_>) -> Result<Report, PluginError> {
        let mut report = Report::default();
        let all = self.lexicon.scan(document);
        let hits = measure::distinct(document, &all);
        let mut sentences = self.classify(&hits);
        self.recognise_paraphrases(document, &mut sentences, &mut report);
        let lessons = lessons_by_section(document, &sentences);
        for lesson in lessons.values() {
            let note = match lesson.strength {
                s if s >= 3.0 => {
                    "a mechanism in the system, explained, and checked against data beyond this case"
                }
                s if s >= 2.0 => {
                    "a mechanism in the system, explained, and said to hold beyond this case"
                }
                _ => "a mechanism in the system, explained; show that it holds beyond this case",
            };
            report.cite(
                METRIC,
                document.sentences[lesson.sentence].span,
                "new_lessons.mechanism",
                note,
                lesson.strength,
            );
        }
        for &s in sentences.known.iter().take(5) {
            // Name the lesson (`new_lessons.known_information_sharing`), so
            // that reports can count which known lessons a batch restates.
            let rule = hits
                .iter()
                .map(|h| &self.lexicon.cues[h.cue].id)
                .zip(hits.iter())
                .find(|(id, h)| h.sentence == s && id.starts_with("known_"))
                .map_or_else(
                    || "new_lessons.known".to_string(),
                    |(id, _)| format!("new_lessons.{id}"),
                );
            report.cite(
                METRIC,
                document.sentences[s].span,
                &rule,
                "restates a known lesson: what is specific to this case, and new?",
                KNOWN_ONLY / 4.0,
            );
        }
        let level = level(&lessons, !sentences.known.is_empty(), document.word_count());
        report.score(METRIC, measure::clamp_score(25.0 * level));
        Ok(report)
    }
}

/// The best lesson found in one section.
#[derive(Debug)]
struct Lesson {
    /// 1 explained mechanism; 2 also claimed to hold beyond the case or
    /// stated as new with its ground; 3 also checked against data.
    strength: f64,
    general: bool,
    tested: bool,
    /// The sentence that states the mechanism.
    sentence: usize,
}

/// Candidate lessons, one per section at most: a section that states a
/// mechanism in how the system works (in sentences that do not restate a
/// known lesson) and explains it.
fn lessons_by_section(document: &Document<'_>, sentences: &Sentences) -> BTreeMap<u32, Lesson> {
    let mut lessons: BTreeMap<u32, Lesson> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for &s in &sentences.mechanism {
        let sentence = &document.sentences[s];
        if sentences.known.contains(&s) || !seen.insert(document.slice(sentence.span)) {
            continue;
        }
        let section = section_sentences(document, sentence.section);
        let has = |set: &BTreeSet<usize>| set.range(section.clone()).next().is_some();
        let mechanisms = sentences
            .mechanism
            .range(section.clone())
            .filter(|m| !sentences.known.contains(m))
            .count();
        let explained = has(&sentences.explanation) || mechanisms >= 2;
        if !explained || mechanisms < MECHANISMS_PER_LESSON {
            continue;
        }
        let paragraph = paragraphs_around(document, sentence.paragraph);
        let in_paragraph = |set: &BTreeSet<usize>| set.range(paragraph.clone()).next().is_some();
        let general = in_paragraph(&sentences.generalisation) || in_paragraph(&sentences.novelty);
        let tested = general && in_paragraph(&sentences.tested);
        let strength = 1.0 + f64::from(u8::from(general)) + f64::from(u8::from(tested));
        let best = lessons.entry(sentence.section).or_insert(Lesson {
            strength: 0.0,
            general,
            tested,
            sentence: s,
        });
        if strength > best.strength {
            *best = Lesson {
                strength,
                general,
                tested,
                sentence: s,
            };
        }
    }
    lessons
}

/// How many paragraphs either side of a mechanism its check for generality
/// may stand: reviews often state the mechanism, then test it ("Was it
/// peculiar to this case?") in the paragraphs that follow.
const GENERALITY_REACH: u32 = 1;

/// The range of sentence indices in a paragraph and its neighbours.
fn paragraphs_around(document: &Document<'_>, paragraph: u32) -> std::ops::Range<usize> {
    let first = paragraph.saturating_sub(GENERALITY_REACH);
    let last = paragraph.saturating_add(GENERALITY_REACH);
    let start = document.sentences.partition_point(|s| s.paragraph < first);
    let end = document.sentences.partition_point(|s| s.paragraph <= last);
    start..end
}

/// The range of sentence indices in a section.
fn section_sentences(document: &Document<'_>, section: u32) -> std::ops::Range<usize> {
    let start = document.sentences.partition_point(|s| s.section < section);
    let end = document.sentences.partition_point(|s| s.section <= section);
    start..end
}

/// The rubric level from the lessons found. Each lesson weighs by how far
/// it is carried: a mechanism alone counts little, one said to hold beyond
/// the case more, one checked against data most. The sum saturates (two
/// well-carried lessons come near the top) and is damped gently for length,
/// since a long review has more sections to find mechanisms in.
fn level(lessons: &BTreeMap<u32, Lesson>, known: bool, words: usize) -> f64 {
    let carried: f64 = lessons
        .values()
        .map(|l| {
            0.25 + LESSON_GENERAL * f64::from(u8::from(l.general))
                + LESSON_TESTED * f64::from(u8::from(l.tested))
        })
        .sum();
    if carried == 0.0 {
        return if known { KNOWN_ONLY } else { 0.0 };
    }
    let length = (words as f64 / 4000.0).sqrt().max(1.0);
    let floor = if known { KNOWN_ONLY } else { 0.0 };
    (4.0 * measure::saturate(carried / length, 2.0) / 100.0).max(floor)
}

impl NewLessons {
    /// Marks as known every mechanism sentence that restates a known lesson
    /// in other words (by similarity to the catalogue of statements).
    fn recognise_paraphrases(
        &self,
        document: &Document<'_>,
        sentences: &mut Sentences,
        report: &mut Report,
    ) {
        let candidates: Vec<usize> = sentences
            .mechanism
            .iter()
            .copied()
            .filter(|s| !sentences.known.contains(s))
            .collect();
        for s in candidates {
            let span = document.sentences[s].span;
            let Some((lesson, similarity)) = self.known_lessons.restates(document.slice(span))
            else {
                continue;
            };
            sentences.known.insert(s);
            report.cite(
                METRIC,
                span,
                "new_lessons.known_paraphrase",
                &format!(
                    "restates the known lesson `{lesson}` in other words (similarity {similarity:.2})"
                ),
                0.0,
            );
        }
    }

    fn classify(&self, hits: &[&Hit]) -> Sentences {
        let of = |pred: &dyn Fn(&str) -> bool| -> BTreeSet<usize> {
            hits.iter()
                .filter(|h| pred(&self.lexicon.cues[h.cue].id))
                .map(|h| h.sentence)
                .collect()
        };
        Sentences {
            known: of(&|id| id.starts_with("known_") && id != "known_well_worn"),
            mechanism: of(&|id| id == "mechanism"),
            generalisation: of(&|id| id == "generalisation"),
            novelty: of(&|id| id == "novelty"),
            explanation: of(&|id| id == "explanation"),
            tested: of(&|id| id == "tested"),
        }
    }
}

export_scorer!(NewLessons);
