//! Turning hits into scores that do not grow with length: tallies that count
//! each distinct sentence once (a chronology pasted three times is still one
//! chronology), densities per thousand words, and a saturating curve onto
//! 0–100.

use crate::lexicon::{Hit, Lexicon};
use lessons_plugin::abi::Span;
use lessons_plugin::{Document, SectionKind, count_unspaced_runs};
// Distinct sentences are told apart by hashing their text: every sentence in
// scope, in every plugin, for every review. SipHash's resistance to chosen
// keys buys nothing here (a review cannot make a plugin slower than its own
// length), and it was a measurable share of each plugin's time.
use rustc_hash::FxHashSet as HashSet;
use std::hash::{Hash, Hasher};

/// A sentence's text as a key of a set of distinct sentences: hashed by its
/// length and its first and last sixteen bytes, compared whole. Two
/// sentences that differ only in the middle share a bucket and are still
/// told apart; hashing every byte of every sentence, in every plugin, cost
/// more than the counting it served (issue 8).
#[derive(Clone, Copy, PartialEq, Eq)]
struct SentenceText<'a>(&'a str);

impl<'a> SentenceText<'a> {
    /// The text of sentence `sentence` of the document.
    fn of(document: &Document<'a>, sentence: usize) -> SentenceText<'a> {
        SentenceText(document.slice(document.sentences[sentence].span))
    }
}

impl Hash for SentenceText<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let bytes = self.0.as_bytes();
        let ends = 16.min(bytes.len());
        state.write_usize(bytes.len());
        state.write(&bytes[..ends]);
        state.write(&bytes[bytes.len() - ends..]);
    }
}

/// Maps a non-negative amount onto 0–100: `half` gives 50, twice `half` 75,
/// and so on, never reaching 100.
pub fn saturate(amount: f64, half: f64) -> f64 {
    if amount <= 0.0 || half <= 0.0 {
        return 0.0;
    }
    100.0 * (1.0 - 0.5f64.powf(amount / half))
}

/// Clamps to 0–100 and rounds to one decimal.
pub fn clamp_score(x: f64) -> f64 {
    (x.clamp(0.0, 100.0) * 10.0).round() / 10.0
}

/// The words in the sentences of the given section kinds (all kinds when
/// empty), each distinct sentence counted once.
pub fn words_in(document: &Document<'_>, kinds: &[SectionKind]) -> usize {
    let mut seen = HashSet::default();
    document
        .sentences
        .iter()
        .filter(|s| kinds.is_empty() || kinds.contains(&document.section_kind(s.section)))
        .map(|s| document.slice(s.span))
        .filter(|t| seen.insert(SentenceText(t)))
        .map(count_unspaced_runs)
        .sum()
}

/// The hits worth counting: at most one per (cue, distinct sentence text), so
/// that repeated text and repeated words inside one sentence do not inflate
/// a score.
pub fn distinct<'h>(document: &Document<'_>, hits: &'h [Hit]) -> Vec<&'h Hit> {
    let mut seen = HashSet::default();
    hits.iter()
        .filter(|h| seen.insert((h.cue, SentenceText::of(document, h.sentence))))
        .collect()
}

/// The summed weight of the distinct hits of the named cues.
pub fn weight_of(lexicon: &Lexicon, hits: &[&Hit], cues: &[&str]) -> f64 {
    hits.iter()
        .filter(|h| cues.contains(&lexicon.cues[h.cue].id.as_str()))
        .map(|h| lexicon.cues[h.cue].weight)
        .sum()
}

/// How many distinct sentences hold a hit of the named cues.
pub fn sentences_with(
    document: &Document<'_>,
    lexicon: &Lexicon,
    hits: &[&Hit],
    cues: &[&str],
) -> usize {
    let mut seen = HashSet::default();
    hits.iter()
        .filter(|h| cues.contains(&lexicon.cues[h.cue].id.as_str()))
        .filter(|h| seen.insert(SentenceText::of(document, h.sentence)))
        .count()
}

/// The rows of a table inside a span (markdown `| … |` lines, separator
/// lines skipped), or the span itself when it holds no table. A table the
/// host reads as one sentence or one recommendation still holds one finding
/// or one recommendation per row.
pub fn table_rows(document: &Document<'_>, span: Span) -> Vec<Span> {
    let text = document.slice(span);
    if !text.contains("\n|") && !text.starts_with('|') {
        return vec![span];
    }
    let mut rows = Vec::new();
    let mut offset = span.start;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        let separator = trimmed.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '));
        if trimmed.starts_with('|') && !separator {
            let start = offset + (line.len() - line.trim_start().len()) as u64;
            rows.push(Span {
                start,
                end: start + trimmed.len() as u64,
            });
        }
        offset += line.len() as u64;
    }
    if rows.is_empty() { vec![span] } else { rows }
}

/// Whether `inner` lies inside `outer`.
pub fn within(inner: Span, outer: Span) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// Hits per thousand words, with a floor on the denominator so that a
/// very short text does not produce extreme densities.
pub fn per_thousand(amount: f64, words: usize) -> f64 {
    amount * 1000.0 / (words.max(300) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_alike_at_both_ends_are_still_told_apart() {
        let ends = "The health visitor recorded that ";
        let one = format!("{ends}the mother was low {ends}");
        let other = format!("{ends}the father was low {ends}");
        assert_eq!(one.len(), other.len());
        let mut seen = HashSet::default();
        assert!(seen.insert(SentenceText(&one)));
        assert!(seen.insert(SentenceText(&other)));
        let again = one.clone();
        assert!(!seen.insert(SentenceText(&again)));
        assert!(seen.insert(SentenceText("short")));
        assert!(!seen.insert(SentenceText("short")));
    }

    #[test]
    fn saturate_is_monotone_and_bounded() {
        assert_eq!(saturate(0.0, 2.0), 0.0);
        assert!((saturate(2.0, 2.0) - 50.0).abs() < 1e-9);
        assert!((saturate(4.0, 2.0) - 75.0).abs() < 1e-9);
        assert!(saturate(100.0, 2.0) <= 100.0);
    }
}
