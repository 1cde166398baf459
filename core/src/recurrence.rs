//! The batch step for recurrence: a lesson that most reviews in the batch
//! share is not new. Plugins score one review at a time (ABI 1.0 gives them
//! no batch), so this step runs in the host after every review is scored.
//! It reads the evidence a plugin cites for its lessons (by rule id, from
//! `[recurrence]` in the configuration), compares each lesson with the
//! lessons of the other reviews by the similarity of their content words,
//! and scales the metric down by the share of a review's lesson weight that
//! recurs across the batch. Every discount is said in the review's warnings.
//!
//! Lessons are compared through an index from each content word to the
//! distinct lessons holding it, never pairwise across the batch: two lessons
//! are similar only if they share words, and a batch of thousands of reviews
//! (a national repository) must not cost millions of comparisons per lesson.

use crate::aggregate;
use crate::batch::{Batch, EvidenceRecord};
use crate::config::{Config, RecurrenceRule};
use lessons_lexicon::similarity::{cosine, terms};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap, HashSet};

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
    let similar = SimilarLessons::find(&lessons, rule.similarity);
    for (index, review) in batch.reviews.iter_mut().enumerate() {
        let total: f64 = lessons[index].iter().map(|l| l.weight).sum();
        if total <= 0.0 {
            continue;
        }
        let mut recurring = 0.0;
        for lesson in &lessons[index] {
            let shared = similar.reviews_sharing(lesson, index);
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

/// For each distinct lesson (by its terms), the reviews that cite a lesson
/// like it: found through an index from word to lesson.
struct SimilarLessons<'a> {
    /// Distinct term sets → their index in `reviews`.
    distinct: HashMap<&'a BTreeSet<String>, usize>,
    /// For each distinct lesson, the reviews citing a similar one, sorted.
    reviews: Vec<Vec<usize>>,
}

impl<'a> SimilarLessons<'a> {
    fn find(lessons: &'a [Vec<Lesson>], similarity: f64) -> SimilarLessons<'a> {
        let mut distinct: HashMap<&BTreeSet<String>, usize> = HashMap::new();
        let mut shapes: Vec<&BTreeSet<String>> = Vec::new();
        let mut citing: Vec<Vec<usize>> = Vec::new();
        for (review, cited) in lessons.iter().enumerate() {
            for lesson in cited {
                let id = *distinct.entry(&lesson.terms).or_insert_with(|| {
                    shapes.push(&lesson.terms);
                    citing.push(Vec::new());
                    shapes.len() - 1
                });
                if citing[id].last() != Some(&review) {
                    citing[id].push(review);
                }
            }
        }
        let mut holding: HashMap<&str, Vec<usize>> = HashMap::new();
        for (id, terms) in shapes.iter().enumerate() {
            for term in terms.iter() {
                holding.entry(term.as_str()).or_default().push(id);
            }
        }
        let reviews = shapes
            .par_iter()
            .map(|terms| {
                let candidates: HashSet<usize> = terms
                    .iter()
                    .flat_map(|term| holding[term.as_str()].iter().copied())
                    .collect();
                let mut reviews: Vec<usize> = candidates
                    .into_iter()
                    .filter(|&other| cosine(terms, shapes[other]) >= similarity)
                    .flat_map(|other| citing[other].iter().copied())
                    .collect();
                reviews.sort_unstable();
                reviews.dedup();
                reviews
            })
            .collect();
        SimilarLessons { distinct, reviews }
    }

    /// How many reviews other than `review` cite a lesson like this one.
    fn reviews_sharing(&self, lesson: &Lesson, review: usize) -> usize {
        let Some(&id) = self.distinct.get(&lesson.terms) else {
            return 0;
        };
        let similar = &self.reviews[id];
        similar.len() - usize::from(similar.binary_search(&review).is_ok())
    }
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

    /// The index finds exactly what comparing every pair of lessons finds.
    #[test]
    fn the_index_agrees_with_comparing_every_pair() {
        let words = [
            "portal",
            "attachment",
            "dropped",
            "school",
            "register",
            "closed",
            "health",
            "visitor",
            "allocation",
            "postcode",
            "contract",
            "completion",
        ];
        let mut rng = fastrand::Rng::with_seed(8);
        let lessons: Vec<Vec<Lesson>> = (0..60)
            .map(|_| {
                (0..rng.usize(0..4))
                    .map(|line| Lesson {
                        weight: 1.0,
                        line,
                        terms: (0..rng.usize(1..6))
                            .map(|_| words[rng.usize(..words.len())].to_string())
                            .collect(),
                    })
                    .collect()
            })
            .collect();
        let similar = SimilarLessons::find(&lessons, 0.5);
        for (index, cited) in lessons.iter().enumerate() {
            for lesson in cited {
                let pairwise = lessons
                    .iter()
                    .enumerate()
                    .filter(|(other, theirs)| {
                        *other != index
                            && theirs
                                .iter()
                                .any(|l| cosine(&lesson.terms, &l.terms) >= 0.5)
                    })
                    .count();
                assert_eq!(similar.reviews_sharing(lesson, index), pairwise);
            }
        }
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
