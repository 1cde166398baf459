//! The batch step for recurrence: a lesson that most reviews in the batch
//! share is not new. Plugins score one review at a time (ABI 1.0 gives them
//! no batch), so this step runs in the host after every review is scored.
//! It reads the evidence a plugin cites for its lessons (by rule id, from
//! `[recurrence]` in the configuration), compares each lesson with the
//! lessons of the other reviews by the similarity of their content words,
//! and scales the metric down by the share of a review's lesson weight that
//! recurs across the batch. Every discount is said in the review's warnings.

use crate::aggregate;
use crate::batch::{Batch, EvidenceRecord};
use crate::config::{Config, RecurrenceRule};
use lessons_lexicon::similarity::{cosine, terms};
use std::collections::BTreeSet;

/// One lesson cited for one review: its weight, line and terms.
struct Lesson {
    weight: f64,
    line: usize,
    terms: BTreeSet<String>,
}

/// Discounts lessons that recur across the batch, then recomputes each
/// changed review's learning index and verdict.
pub fn discount(batch: &mut Batch, config: &Config) {
    let rule = &config.recurrence;
    if !rule.enabled || batch.reviews.len() < rule.min_reviews {
        return;
    }
    let lessons: Vec<Vec<Lesson>> = batch
        .reviews
        .iter()
        .map(|r| lessons_of(&r.evidence, rule))
        .collect();
    let others = (batch.reviews.len() - 1) as f64;
    for (index, review) in batch.reviews.iter_mut().enumerate() {
        let total: f64 = lessons[index].iter().map(|l| l.weight).sum();
        if total <= 0.0 {
            continue;
        }
        let mut recurring = 0.0;
        for lesson in &lessons[index] {
            let shared = reviews_sharing(lesson, index, &lessons, rule.similarity);
            if shared as f64 > rule.share * others {
                recurring += lesson.weight;
                review.warnings.push(format!(
                    "{}: the lesson at line {} recurs in {shared} of the {others} other reviews in this batch, so it is not counted as new",
                    rule.metric, lesson.line
                ));
            }
        }
        if recurring == 0.0 {
            continue;
        }
        if let Some(Some(score)) = review.scores.get_mut(&rule.metric) {
            *score = ((*score * (1.0 - recurring / total)) * 100.0).round() / 100.0;
        }
        review.learning_index = aggregate::learning_index(&review.scores, config);
        review.adds_real_learning = aggregate::verdict(&review.scores, config);
    }
}

/// Whether this step reads `evidence`: a lesson cited under the configured
/// metric and rule. A run that keeps only scores keeps these (`run::Retention`).
pub fn reads(rule: &RecurrenceRule, evidence: &EvidenceRecord) -> bool {
    rule.enabled
        && evidence.metric == rule.metric
        && evidence.rule == rule.rule
        && evidence.weight > 0.0
}

fn lessons_of(evidence: &[EvidenceRecord], rule: &RecurrenceRule) -> Vec<Lesson> {
    evidence
        .iter()
        .filter(|e| reads(rule, e))
        .map(|e| Lesson {
            weight: e.weight,
            line: e.line,
            terms: terms(&e.text),
        })
        .collect()
}

/// How many other reviews cite a lesson like this one.
fn reviews_sharing(lesson: &Lesson, index: usize, all: &[Vec<Lesson>], similarity: f64) -> usize {
    all.iter()
        .enumerate()
        .filter(|(other, _)| *other != index)
        .filter(|(_, lessons)| {
            lessons
                .iter()
                .any(|l| cosine(&lesson.terms, &l.terms) >= similarity)
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::{ReviewResult, Tool};
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    fn review(id: &str, score: f64, lesson: &str) -> ReviewResult {
        ReviewResult {
            id: id.into(),
            path: PathBuf::from(id),
            title: id.into(),
            words: 1000,
            scores: BTreeMap::from([("new_lessons".to_string(), Some(score))]),
            learning_index: 0.0,
            adds_real_learning: false,
            evidence: vec![EvidenceRecord {
                metric: "new_lessons".into(),
                plugin: "new_lessons".into(),
                start: 0,
                end: 1,
                line: 7,
                column: 1,
                page: None,
                section: "Findings".into(),
                section_kind: "findings".into(),
                text: lesson.into(),
                note: String::new(),
                rule: "new_lessons.mechanism".into(),
                weight: 1.0,
            }],
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn batch(reviews: Vec<ReviewResult>) -> Batch {
        Batch {
            tool: Tool::this(),
            plugins: Vec::new(),
            reviews,
            skipped: Vec::new(),
            refused_plugins: Vec::new(),
            config_sha256: String::new(),
            disabled_plugins: Vec::new(),
            already_done: Vec::new(),
        }
    }

    const SHARED: &str =
        "The referral portal silently dropped attachments larger than two megabytes.";

    #[test]
    fn a_lesson_most_reviews_share_is_not_new() {
        let mut b = batch(vec![
            review("a", 80.0, SHARED),
            review("b", 80.0, SHARED),
            review("c", 80.0, SHARED),
            review(
                "d",
                80.0,
                "Early help plans closed automatically when the pupil changed school.",
            ),
        ]);
        discount(&mut b, &Config::default());
        assert_eq!(b.reviews[0].scores["new_lessons"], Some(0.0));
        assert!(
            b.reviews[0].warnings[0].contains("line 7"),
            "{:?}",
            b.reviews[0].warnings
        );
        assert_eq!(b.reviews[3].scores["new_lessons"], Some(80.0));
    }

    #[test]
    fn small_batches_and_a_disabled_rule_are_left_alone() {
        let mut b = batch(vec![review("a", 80.0, SHARED), review("b", 80.0, SHARED)]);
        discount(&mut b, &Config::default());
        assert_eq!(b.reviews[0].scores["new_lessons"], Some(80.0));
        let mut config = Config::default();
        config.recurrence.enabled = false;
        let mut b = batch(
            (0..5)
                .map(|i| review(&i.to_string(), 80.0, SHARED))
                .collect(),
        );
        discount(&mut b, &config);
        assert_eq!(b.reviews[0].scores["new_lessons"], Some(80.0));
    }
}
