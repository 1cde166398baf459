//! Many cue patterns searched in one pass over a review.
//!
//! Each cue is a large case-insensitive alternation of phrases. Searched one
//! by one, every cue's lazy DFA walks the whole text: about sixty passes per
//! review across the bundled plugins. A [`PatternSet`] walks the text once,
//! backwards, with all of a catalogue's patterns in one automaton
//! ([`Starts`]), which says where each pattern may start a match; at each of
//! those places, in text order, the pattern's own anchored search says
//! whether it does and where the match ends. The result is exactly each
//! pattern's own leftmost-first `find_iter`: every place where a pattern
//! can start is tried, in order, and a match is skipped only where it would
//! overlap the pattern's previous one.

use crate::spares::Spares;
use crate::starts::Starts;
use lessons_plugin::abi::Span;
use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::meta::Regex;
use regex_automata::{Anchored, Input, MatchKind};
use std::sync::Arc;

/// An ASCII word boundary. A Unicode `\b` makes the regex engine fall back
/// from its lazy DFA to a much slower NFA simulation on any non-ASCII text
/// (curly quotes are in every review), so patterns use ASCII boundaries;
/// words themselves still match Unicode letters.
pub const WORD_BOUNDARY: &str = r"(?-u:\b)";

/// The lazy DFA's cache per regex: large alternations of phrases need more
/// than the default to avoid rebuilding states on long reviews.
const DFA_CACHE_BYTES: usize = 16 * 1024 * 1024;

/// Every pattern of a catalogue, and where their matches can start.
#[derive(Clone, Debug)]
pub struct PatternSet {
    /// Each pattern alone.
    patterns: Vec<Regex>,
    /// Each pattern's forward lazy DFA: where its match from a start ends.
    ends: Arc<Ends>,
    /// Where each pattern may start a match, found in one backward pass;
    /// `None` for patterns it cannot serve (one that matches the empty
    /// string), which are then searched one by one.
    starts: Option<Starts>,
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
            .map(|(index, source)| compile(source).map_err(|m| (index, m)))
            .collect::<Result<Vec<_>, _>>()?;
        let ends = Ends::new(&sources)?;
        Ok(PatternSet {
            patterns: compiled,
            ends: Arc::new(ends),
            starts: Starts::new(&sources, DFA_CACHE_BYTES),
        })
    }

    /// The backward pass that says where the patterns may start, if they
    /// have one.
    pub fn starts(&self) -> Option<&Starts> {
        self.starts.as_ref()
    }

    /// Every pattern's matches in `text`, in text order: `result[i]` is what
    /// pattern `i`'s own leftmost-first `find_iter` would give.
    pub fn find_all(&self, text: &str) -> Vec<Vec<Span>> {
        let Some(starts) = self
            .starts
            .as_ref()
            .and_then(|starts| starts.find(text, self.patterns.len()))
        else {
            return (0..self.patterns.len())
                .map(|index| self.find_iter(index, text))
                .collect();
        };
        let ends = &self.ends;
        ends.caches.with(
            || ends.dfas.iter().map(DFA::create_cache).collect(),
            |caches| {
                starts
                    .into_iter()
                    .zip(self.patterns.iter().zip(&ends.dfas).zip(caches))
                    .map(|(starts, ((pattern, dfa), cache))| {
                        matches_from(pattern, dfa, cache, text, starts)
                    })
                    .collect()
            },
        )
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

/// Each pattern's forward lazy DFA, searched directly with a cache of the
/// set's own, taken once per review: through the regex, each of the
/// millions of anchored searches a batch makes took its cache from the
/// regex's pool and chose its engine afresh (issue 8's profile).
struct Ends {
    dfas: Vec<DFA>,
    /// One cache per pattern, for each review being searched at once.
    caches: Spares<Vec<Cache>>,
}

impl Ends {
    fn new(sources: &[String]) -> Result<Ends, (usize, String)> {
        let dfas = sources
            .iter()
            .enumerate()
            .map(|(index, source)| {
                DFA::builder()
                    .configure(
                        DFA::config()
                            .match_kind(MatchKind::LeftmostFirst)
                            .cache_capacity(DFA_CACHE_BYTES),
                    )
                    .build(source)
                    .map_err(|e| (index, e.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Ends {
            dfas,
            caches: Spares::default(),
        })
    }
}

impl std::fmt::Debug for Ends {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ends")
            .field("patterns", &self.dfas.len())
            .finish()
    }
}

/// A pattern's leftmost-first matches, trying only `starts` (in order, a
/// superset of where its matches start). Where the lazy DFA gives up, the
/// pattern's own regex answers.
fn matches_from(
    pattern: &Regex,
    dfa: &DFA,
    cache: &mut Cache,
    text: &str,
    starts: Vec<usize>,
) -> Vec<Span> {
    let mut matches = Vec::new();
    // Where the last match ended: a pattern's own matches never overlap.
    let mut free_from = 0;
    for start in starts {
        if start < free_from {
            continue;
        }
        let here = Input::new(text).range(start..).anchored(Anchored::Yes);
        let end = match dfa.try_search_fwd(cache, &here) {
            Ok(found) => found.map(|end| end.offset()),
            Err(_) => pattern.search(&here).map(|found| found.end()),
        };
        if let Some(end) = end {
            matches.push(span(start, end));
            free_from = end.max(start + 1);
        }
    }
    matches
}

fn compile(source: &str) -> Result<Regex, String> {
    Regex::builder()
        .configure(
            Regex::config()
                .match_kind(MatchKind::LeftmostFirst)
                .hybrid_cache_capacity(DFA_CACHE_BYTES),
        )
        .build(source)
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
    fn a_bounded_gap_matches_only_within_its_bounds() {
        // The backward pass loosens `{1,2}` to `+`: "The old blue long form"
        // is a place it may start, which the pattern's own search rules out.
        let set = set(&[&[r"the\s+(?:\w+\s+){1,2}form"], &[r"form\s+\w{0,4}"]]);
        let text = "The form. The old blue long form left; the blue form of.";
        let all = set.find_all(text);
        assert_eq!(texts(text, &all[0]), ["the blue form"]);
        assert_eq!(texts(text, &all[1]), ["form left", "form of"]);
        for (index, found) in all.iter().enumerate() {
            assert_eq!(found, &set.find_iter(index, text), "pattern {index}");
        }
    }

    #[test]
    fn a_pattern_that_can_match_nothing_is_searched_alone() {
        let set = set(&[&["x*"], &["blame"]]);
        assert!(set.starts.is_none());
        let text = "no blame";
        let all = set.find_all(text);
        assert_eq!(texts(text, &all[1]), ["blame"]);
        assert_eq!(all[0], set.find_iter(0, text));
    }

    #[test]
    fn a_bad_pattern_is_named_by_its_index() {
        let patterns = vec![vec!["fine".to_string()], vec!["(unclosed".to_string()]];
        assert_eq!(PatternSet::new(&patterns).unwrap_err().0, 1);
    }
}
