//! Where each pattern of a set can start a match: one backward pass over a
//! review with a lazy DFA of the patterns, reversed and loosened.
//!
//! The pass reads the text from its end with every pattern reversed; where a
//! reversed pattern completes, a forward match can start. Two choices keep
//! the automaton small, at the price of false starts that the caller rules
//! out with each pattern's own anchored search:
//!
//! - **Backward.** A forward pass finds where matches end; to learn where
//!   they start it searches again from each hit (a reverse search per
//!   match) and reads the text after each start again. A backward pass
//!   reports starts directly, reading each byte once.
//! - **Loosened repetitions.** A bounded gap such as `[^.;:!?]{0,60}?` makes
//!   a DFA count, for every start in flight, how far it has come; several
//!   starts in flight make the counts combine, and the DFA keeps building
//!   new states for the whole run (new_lessons' forward DFA held 12.5 MB
//!   after 47 MB of text). Here any repetition of more than two becomes
//!   unbounded (`{0,60}?` → `*?`, `{1,4}` → `+`): every match of the
//!   pattern is still a match of the loosened one. The largest backward DFA
//!   holds about 6 MB after the same text.
//!
//! The crate's own overlapping reverse search reports every pattern after
//! the first in a match state one byte early (regex-automata 0.4.19), so the
//! pass reads match states itself.

use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::nfa::thompson;
use regex_automata::util::pool::Pool;
use regex_automata::{Input, MatchKind};
use regex_syntax::hir::{Capture, Hir, HirKind, Repetition};
use std::sync::Arc;

/// Repetitions with a larger upper bound than this are loosened.
const LOOSEN_ABOVE: u32 = 2;

type NewCache =
    Box<dyn Fn() -> Cache + Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe>;

/// The backward pass over a pattern set, shared by the set's clones.
#[derive(Clone)]
pub struct Starts {
    dfa: Arc<DFA>,
    caches: Arc<Pool<Cache, NewCache>>,
}

impl std::fmt::Debug for Starts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Starts").finish_non_exhaustive()
    }
}

impl Starts {
    /// The pass for these pattern sources (as compiled into the set), or
    /// `None` when it cannot be built, or a pattern can match the empty
    /// string (where an empty match may start is subtler than a DFA's match
    /// states), or the cache is too small for it: the caller searches forward.
    pub fn new(sources: &[String], cache_bytes: usize) -> Option<Starts> {
        let loosened = sources
            .iter()
            .map(|source| regex_syntax::parse(source).ok().map(|hir| loosen(&hir)))
            .collect::<Option<Vec<Hir>>>()?;
        let nfa = thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .reverse(true)
                    .which_captures(thompson::WhichCaptures::None),
            )
            .build_many_from_hir(&loosened)
            .ok()?;
        if nfa.has_empty() {
            return None;
        }
        let dfa = DFA::builder()
            .configure(
                DFA::config()
                    .match_kind(MatchKind::All)
                    .cache_capacity(cache_bytes),
            )
            .build_from_nfa(nfa)
            .ok()?;
        let dfa = Arc::new(dfa);
        let for_pool = Arc::clone(&dfa);
        let new_cache: NewCache = Box::new(move || for_pool.create_cache());
        Some(Starts {
            dfa,
            caches: Arc::new(Pool::new(new_cache)),
        })
    }

    /// For each pattern, in increasing order, every position where it may
    /// start a match: a superset of where it does. `None` when the DFA gave
    /// up on this text.
    pub fn find(&self, text: &str, patterns: usize) -> Option<Vec<Vec<usize>>> {
        let dfa = &*self.dfa;
        let mut cache = self.caches.get();
        let mut starts = vec![Vec::new(); patterns];
        let mut record = |cache: &mut Cache, state, offset| {
            for i in 0..dfa.match_len(cache, state) {
                starts[dfa.match_pattern(cache, state, i).as_usize()].push(offset);
            }
        };
        let bytes = text.as_bytes();
        let mut state = dfa
            .start_state_reverse(&mut cache, &Input::new(text))
            .ok()?;
        for at in (0..bytes.len()).rev() {
            state = dfa.next_state(&mut cache, state, bytes[at]).ok()?;
            if !state.is_tagged() {
                continue;
            }
            if state.is_match() {
                // A DFA reports a match one byte late: it starts after `at`.
                record(&mut cache, state, at + 1);
            } else if state.is_quit() {
                return None;
            }
        }
        state = dfa.next_eoi_state(&mut cache, state).ok()?;
        if state.is_match() {
            record(&mut cache, state, 0);
        }
        for list in &mut starts {
            list.reverse();
        }
        Some(starts)
    }
}

/// The pattern with every repetition of more than [`LOOSEN_ABOVE`] made
/// unbounded: it matches wherever the pattern does, and more.
fn loosen(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Repetition(repetition) => {
            let max = match repetition.max {
                Some(max) if max > LOOSEN_ABOVE => None,
                max => max,
            };
            Hir::repetition(Repetition {
                max,
                sub: Box::new(loosen(&repetition.sub)),
                ..*repetition
            })
        }
        HirKind::Capture(capture) => Hir::capture(Capture {
            sub: Box::new(loosen(&capture.sub)),
            name: capture.name.clone(),
            ..*capture
        }),
        HirKind::Concat(parts) => Hir::concat(parts.iter().map(loosen).collect()),
        HirKind::Alternation(parts) => Hir::alternation(parts.iter().map(loosen).collect()),
        _ => hir.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn starts(patterns: &[&str], text: &str) -> Vec<Vec<usize>> {
        let sources: Vec<String> = patterns
            .iter()
            .map(|p| format!(r"(?i)(?-u:\b)(?:{p})"))
            .collect();
        Starts::new(&sources, 1 << 20)
            .unwrap()
            .find(text, patterns.len())
            .unwrap()
    }

    #[test]
    fn every_start_of_every_pattern_is_found_even_at_the_same_place() {
        let text = "their own procedures, the own procedures";
        let found = starts(
            &[
                r"their\s+own\s+procedures",
                r"own\s+procedures",
                "procedures",
            ],
            text,
        );
        assert_eq!(found, [vec![0], vec![6, 26], vec![10, 30]]);
    }

    #[test]
    fn a_bounded_gap_is_loosened_to_a_superset() {
        let text = "the form left her. The old blue long form left.";
        let found = starts(&[r"the\s+(?:\w+\s+){1,3}form\s+left"], text);
        // "The old blue long form" has three words, one more than in the gap: a false
        // start, which the caller's anchored search rules out.
        assert_eq!(found, [vec![19]]);
        let loosened = loosen(&regex_syntax::parse(r"a{0,60}?b{1,2}").unwrap());
        assert_eq!(
            loosened.to_string(),
            regex_syntax::parse(r"a*?b{1,2}").unwrap().to_string()
        );
    }

    #[test]
    fn a_pattern_that_matches_empty_gets_no_pass() {
        assert!(Starts::new(&["a*".to_string()], 1 << 20).is_none());
    }
}
