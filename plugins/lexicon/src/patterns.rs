//! Many cue patterns searched in one pass over a review.
//!
//! Each cue is a large case-insensitive alternation of phrases. Searched one
//! by one, every cue's lazy DFA walks the whole text: about sixty passes per
//! review across the bundled plugins. A [`PatternSet`] compiles all of a
//! catalogue's patterns into one multi-pattern regex and walks the text once,
//! stopping at every position where some pattern starts a match; there it
//! asks which patterns match, and takes each one's own match. The result is
//! exactly each pattern's own leftmost-first `find_iter`, because every
//! position where a pattern can start is visited, in text order.

use lessons_plugin::abi::Span;
use regex_automata::meta::Regex;
use regex_automata::{Anchored, Input, MatchKind, PatternSet as Matched};

/// An ASCII word boundary. A Unicode `\b` makes the regex engine fall back
/// from its lazy DFA to a much slower NFA simulation on any non-ASCII text
/// (curly quotes are in every review), so patterns use ASCII boundaries;
/// words themselves still match Unicode letters.
pub const WORD_BOUNDARY: &str = r"(?-u:\b)";

/// The lazy DFA's cache per regex: large alternations of phrases need more
/// than the default to avoid rebuilding states on long reviews.
const DFA_CACHE_BYTES: usize = 16 * 1024 * 1024;

/// Every pattern of a catalogue, compiled three ways.
#[derive(Clone, Debug)]
pub struct PatternSet {
    /// Each pattern alone: its anchored match at a start.
    patterns: Vec<Regex>,
    /// All patterns, leftmost-first: finds the next start of any of them.
    next_start: Regex,
    /// All patterns, every match: which of them match at a start.
    at_start: Regex,
}

impl PatternSet {
    /// Compiles each pattern as a case-insensitive match of any of its
    /// alternatives from a word boundary. The error names the index of the
    /// pattern that failed and why.
    pub fn new(patterns: &[Vec<String>]) -> Result<PatternSet, (usize, String)> {
        let sources: Vec<String> = patterns
            .iter()
            .map(|alternatives| format!("(?i){WORD_BOUNDARY}(?:{})", alternatives.join("|")))
            .collect();
        let compiled = sources
            .iter()
            .enumerate()
            .map(|(index, source)| {
                compile(&[source], MatchKind::LeftmostFirst).map_err(|m| (index, m))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let whole = |e: String| (0, e);
        Ok(PatternSet {
            patterns: compiled,
            next_start: compile(&sources, MatchKind::LeftmostFirst).map_err(whole)?,
            at_start: compile(&sources, MatchKind::All).map_err(whole)?,
        })
    }

    /// Every pattern's matches in `text`, in text order: `result[i]` is what
    /// pattern `i`'s own leftmost-first `find_iter` would give.
    pub fn find_all(&self, text: &str) -> Vec<Vec<Span>> {
        let mut matches: Vec<Vec<Span>> = vec![Vec::new(); self.patterns.len()];
        if self.patterns.is_empty() {
            return matches;
        }
        // Where each pattern's last match ended: its own matches never overlap.
        let mut free_from = vec![0usize; self.patterns.len()];
        let mut matched = Matched::new(self.patterns.len());
        let mut from = 0;
        while let Some(first) = self.next_start.search(&Input::new(text).range(from..)) {
            let start = first.start();
            matched.clear();
            let here = Input::new(text).range(start..).anchored(Anchored::Yes);
            self.at_start.which_overlapping_matches(&here, &mut matched);
            for index in matched.iter().map(|p| p.as_usize()) {
                if start < free_from[index] {
                    continue;
                }
                let end = if index == first.pattern().as_usize() {
                    Some(first.end())
                } else {
                    self.patterns[index].search(&here).map(|m| m.end())
                };
                if let Some(end) = end {
                    matches[index].push(span(start, end));
                    free_from[index] = end.max(start + 1);
                }
            }
            if start >= text.len() {
                break;
            }
            from = start + 1;
        }
        matches
    }

    /// The matches of pattern `index` in `text`, searched on its own.
    pub fn find_iter(&self, index: usize, text: &str) -> Vec<Span> {
        self.patterns[index]
            .find_iter(text)
            .map(|m| span(m.start(), m.end()))
            .collect()
    }

    /// Whether pattern `index` matches anywhere in `text`.
    pub fn is_match(&self, index: usize, text: &str) -> bool {
        self.patterns[index].is_match(text)
    }
}

fn compile<S: AsRef<str>>(sources: &[S], kind: MatchKind) -> Result<Regex, String> {
    Regex::builder()
        .configure(
            Regex::config()
                .match_kind(kind)
                .hybrid_cache_capacity(DFA_CACHE_BYTES),
        )
        .build_many(sources)
        .map_err(|e| e.to_string())
}

fn span(start: usize, end: usize) -> Span {
    Span {
        start: start as u64,
        end: end as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(patterns: &[&[&str]]) -> PatternSet {
        let patterns: Vec<Vec<String>> = patterns
            .iter()
            .map(|p| p.iter().map(|a| a.to_string()).collect())
            .collect();
        PatternSet::new(&patterns).unwrap()
    }

    fn texts(text: &str, spans: &[Span]) -> Vec<String> {
        spans
            .iter()
            .map(|s| text[s.start as usize..s.end as usize].to_string())
            .collect()
    }

    #[test]
    fn one_pass_finds_what_each_pattern_finds_alone() {
        let patterns: &[&[&str]] = &[
            &[r"should\s+have", r"should\s+have\s+been\s+prevented"],
            &[r"blam\w*(?-u:\b)", r"at\s+fault"],
            &[r"\w+\s+failed"],
            &[r"have(?-u:\b)"],
        ];
        let set = set(patterns);
        let text = "Staff SHOULD have acted; it should have been prevented. \
                    Nobody is to blame, blameless, blamed; the nurse failed. \
                    “Should’ve”: unblamed, behave, have.";
        let all = set.find_all(text);
        for (index, found) in all.iter().enumerate() {
            assert_eq!(found, &set.find_iter(index, text), "pattern {index}");
        }
        assert_eq!(texts(text, &all[0]), ["SHOULD have", "should have"]);
        assert_eq!(texts(text, &all[1]), ["blame", "blameless", "blamed"]);
        assert_eq!(texts(text, &all[2]), ["nurse failed"]);
        assert_eq!(texts(text, &all[3]), ["have", "have", "have"]);
    }

    #[test]
    fn a_bad_pattern_is_named_by_its_index() {
        let patterns = vec![vec!["fine".to_string()], vec!["(unclosed".to_string()]];
        assert_eq!(PatternSet::new(&patterns).unwrap_err().0, 1);
    }
}
