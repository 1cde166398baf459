//! Turning hits into scores that do not grow with length: tallies that count
//! each distinct sentence once (a chronology pasted three times is still one
//! chronology), densities per thousand words, and a saturating curve onto
//! 0–100.

use crate::lexicon::{Hit, Lexicon};
use lessons_plugin::abi::Span;
use lessons_plugin::{Document, SectionKind};
// Distinct sentences are told apart by hashing their text: every sentence in
// scope, in every plugin, for every review. SipHash's resistance to chosen
// keys buys nothing here (a review cannot make a plugin slower than its own
// length), and it was a measurable share of each plugin's time.
use rustc_hash::FxHashSet as HashSet;

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
        .filter(|t| seen.insert(*t))
        .map(count_unspaced_runs)
        .sum()
}

/// `text.split_whitespace().count()`, reading bytes: an ASCII byte is a
/// space or not by its value, and only the lead bytes of the few non-ASCII
/// spaces (U+0085 and U+00A0 start with 0xC2, the rest with 0xE1-0xE3) are
/// decoded and asked. Every plugin counts the words of every sentence in its scope,
/// and splitting decoded every character.
fn count_unspaced_runs(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut runs = 0;
    let mut in_run = false;
    let mut at = 0;
    while at < bytes.len() {
        let (is_space, len) = match bytes[at] {
            b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' => (true, 1),
            0xc2 | 0xe1..=0xe3 => {
                let c = text[at..].chars().next().unwrap_or_default();
                (c.is_whitespace(), c.len_utf8())
            }
            _ => (false, 1),
        };
        runs += usize::from(!is_space && !in_run);
        in_run = !is_space;
        at += len;
    }
    runs
}

/// The hits worth counting: at most one per (cue, distinct sentence text), so
/// that repeated text and repeated words inside one sentence do not inflate
/// a score.
pub fn distinct<'h>(document: &Document<'_>, hits: &'h [Hit]) -> Vec<&'h Hit> {
    let mut seen = HashSet::default();
    hits.iter()
        .filter(|h| seen.insert((h.cue, document.slice(document.sentences[h.sentence].span))))
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
        .filter(|h| seen.insert(document.slice(document.sentences[h.sentence].span)))
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
    fn unspaced_runs_are_counted_as_splitting_on_white_space_counts_them() {
        let texts = [
            "",
            " ",
            "one",
            "  two\twords \r\n",
            "a\u{0b}b\u{0c}c",
            "no\u{a0}break\u{85}next\u{2003}em\u{3000}ideographic\u{1680}ogham",
            "not spaces: \u{c2a9}\u{e9}\u{2019}\u{1e9e}\u{3042}\u{e000} ©é’ẞあ",
            "Child’s mother didn't attend; the GP's note (p. 4) said 3–4 visits.",
        ];
        for text in texts {
            for (at, _) in text.char_indices() {
                let text = &text[at..];
                assert_eq!(
                    count_unspaced_runs(text),
                    text.split_whitespace().count(),
                    "{text:?}"
                );
            }
        }
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let text = format!("a{c}b");
            assert_eq!(
                count_unspaced_runs(&text),
                text.split_whitespace().count(),
                "{c:?}"
            );
        }
    }

    #[test]
    fn saturate_is_monotone_and_bounded() {
        assert_eq!(saturate(0.0, 2.0), 0.0);
        assert!((saturate(2.0, 2.0) - 50.0).abs() < 1e-9);
        assert!((saturate(4.0, 2.0) - 75.0).abs() < 1e-9);
        assert!(saturate(100.0, 2.0) <= 100.0);
    }
}
