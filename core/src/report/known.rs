//! The known lessons a batch keeps restating, read from the evidence rules.
//!
//! What this relies on: a plugin that cites a passage for restating a known
//! lesson gives its evidence a rule whose name has a part starting `known`.
//! The lesson is named by what follows: `new_lessons.known_information_sharing`
//! and `new_lessons.known.information_sharing` both name "information
//! sharing". A bare `new_lessons.known` says only that some known lesson was
//! restated. A plugin that can say more puts the lesson's name in backticks
//! in the evidence note ("restates the known lesson `information sharing`"),
//! and that name wins over the rule's. The host does not score again to find
//! out which lesson a passage restates.

use crate::batch::{Batch, EvidenceRecord};
use std::collections::{BTreeMap, BTreeSet};

/// The name given to a known lesson whose rule does not say which one it is.
pub const UNNAMED: &str = "a known lesson (the plugin does not say which)";

/// A known lesson, and the reviews that restate it.
#[derive(Clone, Debug, PartialEq)]
pub struct Recurring {
    /// A stable key: the rule's lesson part, `known` when unnamed.
    pub key: String,
    pub name: String,
    /// The ids of the reviews that restate it, in batch order.
    pub reviews: Vec<String>,
    /// How many passages restate it across the batch.
    pub passages: usize,
}

/// The known lesson `rule` cites, as (key, name), if it cites one.
pub fn lesson(rule: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = rule.split('.').collect();
    let at = parts.iter().position(|p| p.starts_with("known"))?;
    let own = parts[at]
        .strip_prefix("known")
        .unwrap_or("")
        .trim_start_matches(['_', '-']);
    let key = if own.is_empty() {
        parts[at + 1..].join(".")
    } else {
        own.to_string()
    };
    if key.is_empty() {
        return Some(("known".into(), UNNAMED.into()));
    }
    let name = key.replace(['_', '-', '.'], " ");
    Some((key, name))
}

/// The known lesson an evidence record cites, if any: named by the note's
/// first backticked phrase, else by the rule.
pub fn of(evidence: &EvidenceRecord) -> Option<(String, String)> {
    let from_rule = lesson(&evidence.rule)?;
    let named = evidence
        .note
        .split('`')
        .nth(1)
        .map(str::trim)
        .filter(|n| !n.is_empty() && evidence.note.matches('`').count() >= 2);
    Some(match named {
        Some(name) => (
            name.to_lowercase()
                .replace(|c: char| !c.is_alphanumeric(), "_"),
            name.to_string(),
        ),
        None => from_rule,
    })
}

/// The known lessons across `batch`, the most widely restated first.
pub fn recurring(batch: &Batch) -> Vec<Recurring> {
    let mut found: BTreeMap<String, (String, BTreeSet<usize>, usize)> = BTreeMap::new();
    for (i, review) in batch.reviews.iter().enumerate() {
        for (key, name) in review.evidence.iter().filter_map(of) {
            let entry = found.entry(key).or_insert((name, BTreeSet::new(), 0));
            entry.1.insert(i);
            entry.2 += 1;
        }
    }
    let mut lessons: Vec<Recurring> = found
        .into_iter()
        .map(|(key, (name, reviews, passages))| Recurring {
            key,
            name,
            reviews: reviews
                .into_iter()
                .map(|i| batch.reviews[i].id.clone())
                .collect(),
            passages,
        })
        .collect();
    lessons.sort_by(|a, b| {
        b.reviews
            .len()
            .cmp(&a.reviews.len())
            .then_with(|| a.key.cmp(&b.key))
    });
    lessons
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lesson_is_named_from_the_rule() {
        assert_eq!(
            lesson("new_lessons.known_information_sharing"),
            Some(("information_sharing".into(), "information sharing".into()))
        );
        assert_eq!(
            lesson("rules.known.voice_of_child"),
            Some(("voice_of_child".into(), "voice of child".into()))
        );
        assert_eq!(
            lesson("new_lessons.known"),
            Some(("known".into(), UNNAMED.into()))
        );
        assert_eq!(lesson("new_lessons.mechanism"), None);
        assert_eq!(lesson("handwringing.slogan"), None);
    }

    #[test]
    fn a_backticked_name_in_the_note_wins_over_the_rule() {
        let mut e = EvidenceRecord {
            metric: "new_lessons".into(),
            plugin: "new_lessons".into(),
            start: 0,
            end: 1,
            line: 1,
            column: 1,
            page: None,
            section: String::new(),
            section_kind: "other".into(),
            text: "x".into(),
            note: "restates the known lesson `Information sharing` in other words".into(),
            rule: "new_lessons.known_paraphrase".into(),
            weight: 0.0,
        };
        assert_eq!(
            of(&e),
            Some(("information_sharing".into(), "Information sharing".into()))
        );
        e.note = "a note with one ` only".into();
        assert_eq!(of(&e), Some(("paraphrase".into(), "paraphrase".into())));
        e.rule = "new_lessons.mechanism".into();
        assert_eq!(of(&e), None);
    }
}
