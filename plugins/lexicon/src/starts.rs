//! Where each pattern of a set can start a match: one backward pass over a
//! review with a lazy DFA of the patterns, reversed and loosened.
//!
//! The pass reads the text from its end with every pattern reversed; where a
//! reversed pattern completes, a forward match can start. These choices keep
//! the automaton small and quick to build; loosening, widening and folding
//! come at the price of false starts that the caller rules out with each
//! pattern's own anchored search:
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
//! - **Classes as bytes.** A Unicode class becomes its ASCII part and any
//!   run of non-ASCII bytes ([`widened`]).
//! - **ASCII letters folded.** The pass reads every ASCII capital as its
//!   small letter, and the patterns are [`folded`] to match: `[Tt]` becomes
//!   `t`. A DFA tells bytes apart by runs of byte values, so each letter
//!   that a case-insensitive pattern names costs two classes, one per case;
//!   folded, the bundled catalogues need 42-63 classes instead of 67-88,
//!   each state's row of the table halves (64 entries, not 128), and a
//!   state's next state is built once for `T` and `t`, not twice.
//! - **Branches merged on their endings** ([`factored`]). Read backwards, a
//!   catalogue's hundreds of phrases begin at their last letters; merged,
//!   they begin from a few dozen, so each DFA state is a set of a few NFA
//!   states, and building one is that much quicker (the passes' first round
//!   over 100 reviews, where they build their states: 23.9-30.5 ns a byte
//!   for six catalogues → 13.6-14.9).
//!
//! Each step of the walk is a load from a table of transitions that waits
//! on the load before it. The passes alone, six catalogues over 100
//! reviews, warm, went from 15.1-15.9 ns a byte to 6.0 as follows (issue 8):
//!
//! - **Four chains** (an earlier session: 23-26 ns a byte with one chain,
//!   15 with four). A long text is cut into four pieces walked together,
//!   four loads in flight instead of one. The chain from above then reads
//!   on into each piece until it agrees with a fresh one, which finds the
//!   matches that cross a cut.
//! - **Rows of its own** ([`Rows`]). The walk copies each transition it
//!   learns from the DFA into a table whose entries say where the next
//!   state's row begins, rows as wide as the byte classes (the DFA rounds
//!   them up to a power of two), and the fold built into the byte's class:
//!   a step is a class, an addition and a load, with no multiplication and
//!   no bounds check on the chain from one state to the next (15.1-15.9 →
//!   10.3-10.7, and 6.0 with the next two).
//! - **Unchecked reads** where the walk's invariants keep the index in
//!   bounds (→ 7.9-8.5).
//! - **Plain steps in registers.** While no chain meets a match or a state
//!   not yet in the rows, the chains step in a loop with no call, so their
//!   states stay in registers (→ 6.0).
//!
//! The crate's own overlapping reverse search reports every pattern after
//! the first in a match state one byte early (regex-automata 0.4.19), so the
//! pass reads match states itself.

use crate::spares::Spares;
use regex_automata::hybrid::LazyStateID;
use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::nfa::thompson;
use regex_automata::{Input, MatchKind};
use regex_syntax::hir::{
    Capture, Class, ClassBytes, ClassBytesRange, ClassUnicode, Hir, HirKind, Repetition,
};
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// Repetitions with a larger upper bound than this are loosened.
const LOOSEN_ABOVE: u32 = 2;

/// The backward pass over a pattern set, shared by the set's clones.
#[derive(Clone)]
pub struct Starts {
    dfa: Arc<DFA>,
    /// Tables not in use, shared by threads.
    tables: Arc<Spares<Tables>>,
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
            .map(|source| {
                regex_syntax::parse(source)
                    .ok()
                    .map(|hir| factored(&loosen(&hir)))
            })
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
        Some(Starts {
            dfa: Arc::new(dfa),
            tables: Arc::default(),
        })
    }

    /// For each pattern, in increasing order, every position where it may
    /// start a match: a superset of where it does. `None` when the DFA gave
    /// up on this text.
    pub fn find(&self, text: &str, patterns: usize) -> Option<Vec<Vec<usize>>> {
        self.find_in_pieces(text, patterns, text.len() >= INTERLEAVE_FROM)
    }

    fn find_in_pieces(
        &self,
        text: &str,
        patterns: usize,
        interleave: bool,
    ) -> Option<Vec<Vec<usize>>> {
        let found = self.tables.with(
            || Tables::new(&self.dfa),
            |tables| self.walk(tables, text, patterns, interleave),
        );
        let mut starts = found?;
        for list in &mut starts {
            list.sort_unstable();
            list.dedup();
        }
        Some(starts)
    }

    fn walk(
        &self,
        tables: &mut Tables,
        text: &str,
        patterns: usize,
        interleave: bool,
    ) -> Option<Vec<Vec<usize>>> {
        let renumberings = tables.rows.renumberings;
        let mut walk = Walk::new(&self.dfa, tables, text, patterns, !interleave);
        let walked = if interleave {
            walk.interleaved()
        } else {
            walk.single()
        };
        match walked {
            Some(()) => Some(walk.starts),
            // The states were renumbered mid-walk (the cache filled up and
            // was cleared, or the rows ran out of numbers), which leaves the
            // other chains' states meaningless: walk again with one chain,
            // which survives it.
            None if interleave && tables.rows.renumberings != renumberings => {
                let mut alone = Walk::new(&self.dfa, tables, text, patterns, true);
                alone.single()?;
                Some(alone.starts)
            }
            None => None,
        }
    }
}

/// Texts at least this long are walked by [`CHAINS`] chains at once.
const INTERLEAVE_FROM: usize = 4096;

/// How many chains walk a long text at once. Each step of a chain waits for
/// one load from the rows, which depends on the load before it; four
/// independent chains keep four loads in flight. Two and three were slower
/// than four on the bundled catalogues, and six and eight too (more states
/// and places than the core has registers for: 7.0 and 7.1 ns a byte for
/// six catalogues against 6.1).
const CHAINS: usize = 4;

/// What one walk at a time needs: the lazy DFA's cache, where its states
/// are built, and the rows the walk reads them from.
struct Tables {
    cache: Cache,
    rows: Rows,
}

impl Tables {
    fn new(dfa: &DFA) -> Tables {
        let cache = dfa.create_cache();
        let rows = Rows::new(dfa, cache.clear_count());
        Tables { cache, rows }
    }
}

/// A state as the walk knows it: where its row begins in the rows' table,
/// its number times the width of a row. A step is then one addition and
/// one load, with no multiplication between them.
type State = u32;

/// A transition to a state the walk must look at: a match (record its
/// patterns) or a quit (give up).
const NOTABLE: u32 = 1 << 31;

/// A transition not yet in the rows.
const UNKNOWN: u32 = u32::MAX;

/// The most states the rows number before they start again: their rows'
/// offsets (at most 256 classes wide) stay below [`NOTABLE`].
const MOST_STATES: usize = 1 << 16;

/// The lazy DFA's transitions, copied as the walk learns them into a table
/// of its own: each entry is where the next state's row begins, so that a
/// step is an addition and a load (the DFA's own step is a fold, a class, an
/// addition and a load, and checks the bounds); rows are as wide as the
/// byte classes, where the DFA rounds them up to a power of two; and a
/// byte's class is looked up already folded.
struct Rows {
    /// Each byte's class, read as the patterns were [`folded`].
    classes: [u8; 256],
    /// Entries per row: the number of byte classes.
    width: usize,
    /// `next[state + class]`: the next state, `UNKNOWN`, or a state marked
    /// [`NOTABLE`].
    next: Vec<u32>,
    /// The DFA's own identifier of each numbered state.
    lazy: Vec<LazyStateID>,
    numbers: FxHashMap<LazyStateID, State>,
    /// How often the DFA's cache had been cleared when these numbers were
    /// given: a clear makes every identifier in `lazy` meaningless.
    clears: usize,
    /// How often the numbering has started again.
    renumberings: usize,
    /// The most states numbered before the numbering starts again.
    most_states: usize,
}

impl Rows {
    fn new(dfa: &DFA, clears: usize) -> Rows {
        let byte_classes = dfa.byte_classes();
        let classes =
            std::array::from_fn(|byte| byte_classes.get((byte as u8).to_ascii_lowercase()));
        Rows {
            classes,
            width: byte_classes.alphabet_len() - 1,
            next: Vec::new(),
            lazy: Vec::new(),
            numbers: FxHashMap::default(),
            clears,
            renumberings: 0,
            most_states: MOST_STATES,
        }
    }

    /// The entry for `byte` read in `state`, a row these rows gave.
    ///
    /// The walk spends most of its time here, and checking the index cost a
    /// fifth of it (the passes alone, six catalogues: 10.1-10.3 ns a byte
    /// checked, 7.9-8.5 not). It needs no check: `state` begins a row of
    /// the current numbering (a walk ends at the first renumbering unless it
    /// is alone, and an alone walk goes on from a state numbered after it),
    /// every row has `width` entries, and every byte's class is below
    /// `width`, which counts them.
    #[inline(always)]
    fn entry(&self, state: usize, byte: u8) -> u32 {
        let index = state + usize::from(self.classes[usize::from(byte)]);
        debug_assert!(index < self.next.len());
        // SAFETY: in bounds, as above.
        unsafe { *self.next.get_unchecked(index) }
    }

    /// The DFA's identifier of a state.
    fn lazy_of(&self, state: State) -> LazyStateID {
        self.lazy[state as usize / self.width]
    }

    /// Steps every chain down together, at most `most` steps, while every
    /// step is plain: to a state in the rows that is neither a match nor a
    /// quit. Returns how many steps were taken. With no call in the loop,
    /// the chains' states stay in registers; the full step's call to its
    /// slow path made them go to memory and back at every byte.
    #[inline(never)]
    fn plain_steps(
        &self,
        text: &[u8],
        states: &mut [State; CHAINS],
        ats: &mut [usize; CHAINS],
        most: usize,
    ) -> usize {
        let mut now: [usize; CHAINS] = states.map(|state| state as usize);
        let mut at = *ats;
        let mut taken = 0;
        while taken < most {
            let mut next = [0usize; CHAINS];
            let mut notable = 0;
            for k in 0..CHAINS {
                debug_assert!(at[k] >= 1 && at[k] <= text.len());
                // SAFETY: each chain stops `most` steps above the foot of
                // its piece, so `at[k] - 1` stays inside the text.
                let byte = unsafe { *text.get_unchecked(at[k] - 1) };
                next[k] = self.entry(now[k], byte) as usize;
                notable |= next[k];
            }
            if notable & NOTABLE as usize != 0 {
                break;
            }
            now = next;
            for position in &mut at {
                *position -= 1;
            }
            taken += 1;
        }
        *states = now.map(|state| state as State);
        *ats = at;
        taken
    }

    /// Forgets every state, as a cleared cache or a full numbering needs.
    fn renumber(&mut self, clears: usize) {
        self.next.clear();
        self.lazy.clear();
        self.numbers.clear();
        self.clears = clears;
        self.renumberings += 1;
    }

    /// The number of the DFA's state `lazy`, given one if it has none.
    fn number(&mut self, lazy: LazyStateID) -> State {
        if let Some(&state) = self.numbers.get(&lazy) {
            return state;
        }
        let state = (self.lazy.len() * self.width) as State;
        self.lazy.push(lazy);
        self.numbers.insert(lazy, state);
        self.next.resize(self.next.len() + self.width, UNKNOWN);
        state
    }
}

/// One backward pass in progress: the automaton, its tables, and the
/// starts found so far (per pattern, in any order, possibly twice).
struct Walk<'a> {
    dfa: &'a DFA,
    cache: &'a mut Cache,
    rows: &'a mut Rows,
    text: &'a [u8],
    starts: Vec<Vec<usize>>,
    /// One chain only: it may outlive a renumbering.
    alone: bool,
    /// How often the rows had been renumbered when the walk began.
    renumberings: usize,
}

impl<'a> Walk<'a> {
    fn new(
        dfa: &'a DFA,
        tables: &'a mut Tables,
        text: &'a str,
        patterns: usize,
        alone: bool,
    ) -> Walk<'a> {
        let renumberings = tables.rows.renumberings;
        Walk {
            dfa,
            cache: &mut tables.cache,
            rows: &mut tables.rows,
            text: text.as_bytes(),
            starts: vec![Vec::new(); patterns],
            alone,
            renumberings,
        }
    }

    /// The number of a state the DFA just gave, after anything that may
    /// have built it. Building can clear a full cache, and numbering can
    /// fill the rows: either starts the numbering again. The state is still
    /// good, but those of the other chains are not, so a walk of several
    /// chains ends there.
    fn number(&mut self, lazy: LazyStateID) -> Option<State> {
        let clears = self.cache.clear_count();
        if clears != self.rows.clears || self.rows.lazy.len() == self.rows.most_states {
            self.rows.renumber(clears);
        }
        let state = self.rows.number(lazy);
        (self.alone || self.rows.renumberings == self.renumberings).then_some(state)
    }

    /// The state after reading the byte at `at`, recording the starts that a
    /// match state reports.
    #[inline(always)]
    fn step(&mut self, state: State, at: usize) -> Option<State> {
        debug_assert!(at < self.text.len());
        // SAFETY: every walk steps down from the end of the text or from a
        // cut inside it and stops at its start, so `at` is inside the text.
        let byte = unsafe { *self.text.get_unchecked(at) };
        let entry = self.rows.entry(state as usize, byte);
        if entry & NOTABLE == 0 {
            return Some(entry);
        }
        self.step_notably(state, byte, entry, at)
    }

    /// A step to a state not yet in the rows, or to a match or quit state.
    #[inline(never)]
    fn step_notably(&mut self, state: State, byte: u8, entry: u32, at: usize) -> Option<State> {
        let next = match entry {
            UNKNOWN => self.build(state, byte)?,
            notable => notable & !NOTABLE,
        };
        let lazy = self.rows.lazy_of(next);
        if lazy.is_match() {
            // A DFA reports a match one byte late: it starts after `at`.
            self.record(lazy, at + 1);
        } else if lazy.is_quit() {
            return None;
        }
        Some(next)
    }

    /// The next state by the DFA's slow path, which may build it; kept in
    /// the rows unless the numbering started again meanwhile.
    fn build(&mut self, state: State, byte: u8) -> Option<State> {
        let renumberings = self.rows.renumberings;
        let from = self.rows.lazy_of(state);
        let lazy = self
            .dfa
            .next_state(self.cache, from, byte.to_ascii_lowercase())
            .ok()?;
        let next = self.number(lazy)?;
        if self.rows.renumberings == renumberings {
            let class = usize::from(self.rows.classes[usize::from(byte)]);
            let notable = lazy.is_match() || lazy.is_quit();
            self.rows.next[state as usize + class] = if notable { next | NOTABLE } else { next };
        }
        Some(next)
    }

    /// The state after reading the byte at `at`, recording nothing.
    fn step_quietly(&mut self, state: State, at: usize) -> Option<State> {
        let byte = self.text[at];
        let next = match self.rows.entry(state as usize, byte) {
            UNKNOWN => self.build(state, byte)?,
            entry => entry & !NOTABLE,
        };
        (!self.rows.lazy_of(next).is_quit()).then_some(next)
    }

    fn record(&mut self, state: LazyStateID, offset: usize) {
        for i in 0..self.dfa.match_len(self.cache, state) {
            let pattern = self.dfa.match_pattern(self.cache, state, i).as_usize();
            self.starts[pattern].push(offset);
        }
    }

    /// The state of a chain that starts at `end`, looking at what follows.
    fn start(&mut self, end: usize) -> Option<State> {
        let input = Input::new(self.text).range(..end);
        let lazy = self.dfa.start_state_reverse(self.cache, &input).ok()?;
        self.number(lazy)
    }

    /// Ends a chain at the start of the text.
    fn finish(&mut self, state: State) -> Option<()> {
        let from = self.rows.lazy_of(state);
        let lazy = self.dfa.next_eoi_state(self.cache, from).ok()?;
        self.number(lazy)?;
        if lazy.is_match() {
            self.record(lazy, 0);
        }
        Some(())
    }

    fn single(&mut self) -> Option<()> {
        let mut state = self.start(self.text.len())?;
        for at in (0..self.text.len()).rev() {
            state = self.step(state, at)?;
        }
        self.finish(state)
    }

    /// One chain per piece of the text, all stepping together, so that the
    /// processor waits for [`CHAINS`] table loads at a time instead of one.
    /// A chain starts afresh at the top of its piece and so misses matches
    /// that run on into the piece above: the chain from above reads on into
    /// this piece, beside a fresh chain, until the two are in the same state.
    /// From there on they would read alike, and the fresh chain's piece has
    /// already been read.
    fn interleaved(&mut self) -> Option<()> {
        let len = self.text.len();
        let mut tops = [len; CHAINS];
        for (k, top) in tops.iter_mut().enumerate().take(CHAINS - 1) {
            let mut at = len * (k + 1) / CHAINS;
            // Not inside a character: continuation bytes are 0b10xxxxxx.
            while at < len && self.text[at] & 0xC0 == 0x80 {
                at += 1;
            }
            *top = at;
        }
        let bottom = |k: usize| if k == 0 { 0 } else { tops[k - 1] };
        let shortest = (0..CHAINS).map(|k| tops[k] - bottom(k)).min()?;
        let mut fresh = [State::default(); CHAINS];
        let mut states = [State::default(); CHAINS];
        let mut ats = tops;
        for k in 0..CHAINS {
            fresh[k] = self.start(tops[k])?;
            states[k] = fresh[k];
            while ats[k] > bottom(k) + shortest {
                ats[k] -= 1;
                states[k] = self.step(states[k], ats[k])?;
            }
        }
        let mut left = shortest;
        while left > 0 {
            let plain = self
                .rows
                .plain_steps(self.text, &mut states, &mut ats, left);
            left -= plain;
            if left == 0 {
                break;
            }
            // Some chain's next step leads to a state not yet in the rows,
            // or to a match: every chain takes this step the full way.
            for k in 0..CHAINS {
                ats[k] -= 1;
                states[k] = self.step(states[k], ats[k])?;
            }
            left -= 1;
        }
        self.finish(states[0])?;
        for k in 1..CHAINS {
            self.read_on(states[k], fresh[k - 1], tops[k - 1])?;
        }
        Some(())
    }

    /// Reads on down from `at` with `upper`, a chain that came down to `at`,
    /// beside `beside`, a fresh chain from `at`, until they agree.
    fn read_on(&mut self, mut upper: State, mut beside: State, mut at: usize) -> Option<()> {
        while upper != beside {
            if at == 0 {
                return self.finish(upper);
            }
            at -= 1;
            upper = self.step(upper, at)?;
            beside = self.step_quietly(beside, at)?;
        }
        Some(())
    }
}

/// The pattern with every repetition of more than [`LOOSEN_ABOVE`] made
/// unbounded, every class [`widened`] and every ASCII letter [`folded`] to
/// small: read with capitals folded to small letters, it matches wherever
/// the pattern does, and more.
fn loosen(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Repetition(repetition) if repetition.max.is_some_and(|max| max > LOOSEN_ABOVE) => {
            Hir::repetition(Repetition {
                max: None,
                sub: Box::new(loosen(&repetition.sub)),
                ..*repetition
            })
        }
        HirKind::Class(Class::Unicode(class)) => widened(class),
        HirKind::Class(Class::Bytes(class)) => Hir::class(Class::Bytes(folded(class))),
        HirKind::Literal(literal) => Hir::literal(literal.0.to_ascii_lowercase()),
        _ => with_parts(hir, loosen),
    }
}

/// `hir` rebuilt with `rewrite` applied to each of its parts (the pattern a
/// repetition or a group repeats, the pieces of a sequence or an
/// alternation): the descent that [`loosen`] and [`factored`] share.
fn with_parts(hir: &Hir, rewrite: fn(&Hir) -> Hir) -> Hir {
    match hir.kind() {
        HirKind::Repetition(repetition) => Hir::repetition(Repetition {
            sub: Box::new(rewrite(&repetition.sub)),
            ..*repetition
        }),
        HirKind::Capture(capture) => Hir::capture(Capture {
            sub: Box::new(rewrite(&capture.sub)),
            name: capture.name.clone(),
            ..*capture
        }),
        HirKind::Concat(parts) => Hir::concat(parts.iter().map(rewrite).collect()),
        HirKind::Alternation(parts) => Hir::alternation(parts.iter().map(rewrite).collect()),
        _ => hir.clone(),
    }
}

/// The pattern with every alternation's branches merged on their common
/// endings: `not\s+followed|was\s+followed|followed` becomes
/// `(?:(?:not|was)\s+|)followed`. It matches what the pattern matches. The
/// pass reads backwards, so each branch's ending is where it begins; a
/// catalogue's hundreds of phrases then start from a few dozen last letters,
/// not hundreds, and every DFA state the pass builds is a set of a few
/// NFA states where it was hundreds.
fn factored(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Alternation(branches) => {
            let endings = branches.iter().map(|branch| pieces(&factored(branch)));
            merged_on_endings(endings.collect())
        }
        _ => with_parts(hir, factored),
    }
}

/// A branch as the sequence it matches: each byte of a literal on its own,
/// anything else whole.
fn pieces(hir: &Hir) -> Vec<Hir> {
    let parts = match hir.kind() {
        HirKind::Concat(parts) => parts.as_slice(),
        _ => std::slice::from_ref(hir),
    };
    parts
        .iter()
        .flat_map(|part| match part.kind() {
            HirKind::Literal(literal) => {
                literal.0.iter().map(|&byte| Hir::literal([byte])).collect()
            }
            _ => vec![part.clone()],
        })
        .collect()
}

/// The alternation of these sequences, branches that end alike sharing
/// their ending: grouped by their last piece (in the order first seen),
/// each group's rests merged the same way.
fn merged_on_endings(sequences: Vec<Vec<Hir>>) -> Hir {
    let mut groups: Vec<(Hir, Vec<Vec<Hir>>)> = Vec::new();
    let mut any_empty = false;
    for mut sequence in sequences {
        let Some(last) = sequence.pop() else {
            any_empty = true;
            continue;
        };
        match groups.iter_mut().find(|(ending, _)| *ending == last) {
            Some((_, rests)) => rests.push(sequence),
            None => groups.push((last, vec![sequence])),
        }
    }
    let mut branches: Vec<Hir> = groups
        .into_iter()
        .map(|(ending, rests)| Hir::concat(vec![merged_on_endings(rests), ending]))
        .collect();
    if any_empty {
        branches.push(Hir::empty());
    }
    Hir::alternation(branches)
}

/// A class of bytes as the pass reads them, with every ASCII capital read as
/// its small letter: the class's small letters, its capitals made small, and
/// its other bytes. A byte the class holds is, once folded, a byte of this.
fn folded(class: &ClassBytes) -> ClassBytes {
    let capitals = ClassBytes::new([ClassBytesRange::new(b'A', b'Z')]);
    let mut named_capitals = class.clone();
    named_capitals.intersect(&capitals);
    let made_small = named_capitals.ranges().iter().map(|r| {
        ClassBytesRange::new(r.start().to_ascii_lowercase(), r.end().to_ascii_lowercase())
    });
    let mut folded = class.clone();
    folded.difference(&capitals);
    folded.union(&ClassBytes::new(made_small));
    folded
}

/// A class of characters as bytes: its ASCII part [`folded`], and any run of
/// non-ASCII bytes for the rest. Every UTF-8 character of the class is
/// still matched, and more; but a Unicode class (`\s`, a case-insensitive
/// `k` that takes in the Kelvin sign, `[^.;:]`) compiles to a tree of
/// UTF-8 sequences, which made the NFA, the DFA's alphabet and the cost of
/// building each DFA state several times larger (new_lessons' first pass
/// over 200 reviews took 9.7 ns a byte, 5.7 without).
fn widened(class: &ClassUnicode) -> Hir {
    let ascii = class
        .ranges()
        .iter()
        .filter(|r| r.start() <= '\x7f')
        .map(|r| ClassBytesRange::new(r.start() as u8, (r.end().min('\x7f')) as u8));
    let ascii = Hir::class(Class::Bytes(folded(&ClassBytes::new(ascii))));
    if class.ranges().iter().all(|r| r.end() <= '\x7f') {
        return ascii;
    }
    let high = Hir::repetition(Repetition {
        min: 1,
        max: None,
        greedy: true,
        sub: Box::new(Hir::class(Class::Bytes(ClassBytes::new([
            ClassBytesRange::new(0x80, 0xff),
        ])))),
    });
    Hir::alternation(vec![ascii, high])
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
    fn pieces_walked_together_find_what_one_walk_finds() {
        let patterns = [
            r"the\s+(?:\w+\s+){1,3}form\s+left",
            r"left",
            r"form(?-u:\w)*",
            r"é\w*",
        ];
        let sources: Vec<String> = patterns.iter().map(|p| format!("(?i){p}")).collect();
        let starts = Starts::new(&sources, 1 << 20).unwrap();
        // Shifting the text moves the cuts between pieces across every
        // part of the matches, and into the middle of a two-byte letter.
        let sentence = "The old blue form left her; the form, léft. Theformed forms left ";
        for shift in 0..sentence.len() {
            let text = format!("{}{}", "x".repeat(shift), sentence.repeat(80));
            assert!(text.len() >= INTERLEAVE_FROM);
            let alone = starts.find_in_pieces(&text, patterns.len(), false).unwrap();
            let together = starts.find_in_pieces(&text, patterns.len(), true).unwrap();
            assert!(alone.iter().all(|list| !list.is_empty()));
            assert_eq!(together, alone, "shifted by {shift}");
        }
    }

    #[test]
    fn a_match_across_every_piece_is_found() {
        // The chains from above never agree with a fresh one before the
        // start of the text: each reads on to the start.
        let text = format!("start {}end", "word ".repeat(2000));
        let starts = Starts::new(&[r"start[^.]{0,20000}end".to_string()], 1 << 20).unwrap();
        assert_eq!(starts.find(&text, 1).unwrap(), [vec![0]]);
        assert_eq!(starts.find_in_pieces(&text, 1, false).unwrap(), [vec![0]]);
    }

    #[test]
    fn non_ascii_characters_of_a_class_still_start_matches() {
        // A long s is an `s` to a case-insensitive pattern; a no-break space
        // is white space; a curly apostrophe is not a full stop.
        let text = "the work\u{17F}\u{a0}view’s. views! kit";
        starts_of_every_match(&[r"works\s+view", r"view[^.]{0,3}\.", r"kit"], text);
    }

    /// The pass's starts for `patterns` in `text`, asserting that each
    /// pattern matches and that every start of its own matches is among
    /// them.
    fn starts_of_every_match(patterns: &[&str], text: &str) -> Vec<Vec<usize>> {
        let found = starts(patterns, text);
        for (pattern, found) in patterns.iter().zip(&found) {
            let regex = regex::Regex::new(&format!(r"(?i)(?-u:\b)(?:{pattern})")).unwrap();
            let expected: Vec<usize> = regex.find_iter(text).map(|m| m.start()).collect();
            assert!(!expected.is_empty(), "{pattern}");
            assert!(
                expected.iter().all(|e| found.contains(e)),
                "{pattern}: {expected:?} not all in {found:?}"
            );
        }
        found
    }

    #[test]
    fn capitals_read_as_small_letters_lose_no_start() {
        // Patterns that name capitals (a case-sensitive phrase, a class of
        // capitals, a class that leaves small letters out) and text in
        // every case: every real start is still found.
        let text = "WORKING TOGETHER, working together; Working Together. \
                    The NHS Trust, the Trust, THE TRUST and théTrust";
        let patterns = [
            r"(?-i:Working\s+Together)",
            r"(?-i:[A-Z]{2,}\s+Trust)",
            r"(?-i:[^a-z\s]+rust)",
            r"the\s+trust",
        ];
        let found = starts_of_every_match(&patterns, text);
        // Folded, `Working Together` also starts at "working together": a
        // false start, which the caller's anchored search rules out.
        assert_eq!(found[0], [0, 18, 36]);
    }

    #[test]
    fn a_folded_class_keeps_its_other_bytes_and_makes_capitals_small() {
        let class = ClassBytes::new([
            ClassBytesRange::new(b'0', b'9'),
            ClassBytesRange::new(b'C', b'E'),
            ClassBytesRange::new(b'x', b'x'),
        ]);
        let expected = ClassBytes::new([
            ClassBytesRange::new(b'0', b'9'),
            ClassBytesRange::new(b'c', b'e'),
            ClassBytesRange::new(b'x', b'x'),
        ]);
        assert_eq!(folded(&class), expected);
    }

    /// Patterns whose backward DFA keeps building states over `long_text`.
    const MANY_STATES: [&str; 3] = [
        r"the\s+(?:\w+\s+){1,3}form\s+left",
        r"left",
        r"form(?-u:\w)*",
    ];

    fn many_states_with_cache(cache_bytes: usize) -> Option<Starts> {
        let sources: Vec<String> = MANY_STATES.iter().map(|p| format!("(?i){p}")).collect();
        Starts::new(&sources, cache_bytes)
    }

    fn long_text() -> String {
        "The old blue form left her; the forms, left. Theformed forms left ".repeat(200)
    }

    #[test]
    fn a_cache_cleared_mid_walk_loses_no_start() {
        // A cache too small for the text is cleared again and again; the
        // chains' states go stale and the walk falls back to one chain.
        let roomy = many_states_with_cache(1 << 20).unwrap();
        let cramped = (12..20)
            .find_map(|bits| many_states_with_cache(1 << bits))
            .unwrap();
        let text = long_text();
        let expected = roomy
            .find_in_pieces(&text, MANY_STATES.len(), false)
            .unwrap();
        assert_eq!(cramped.find(&text, MANY_STATES.len()).unwrap(), expected);
    }

    #[test]
    fn rows_that_run_out_of_numbers_lose_no_start() {
        // With room for a handful of states, the numbering starts again and
        // again mid-walk: the chains' states go stale and the walk falls back
        // to one chain, which numbers on.
        let starts = many_states_with_cache(1 << 20).unwrap();
        let text = long_text();
        let expected = starts
            .find_in_pieces(&text, MANY_STATES.len(), false)
            .unwrap();
        assert!(expected.iter().all(|list| !list.is_empty()));
        let mut cramped = Tables::new(&starts.dfa);
        cramped.rows.most_states = 4;
        let mut found = starts
            .walk(&mut cramped, &text, MANY_STATES.len(), true)
            .unwrap();
        assert!(cramped.rows.renumberings > 1);
        for list in &mut found {
            list.sort_unstable();
            list.dedup();
        }
        assert_eq!(found, expected);
    }

    #[test]
    fn merging_branches_on_their_endings_keeps_what_a_pattern_matches() {
        let pattern = r"(?i)(?-u:\b)(?:not\s+followed|was\s+not\s+followed|followed|follow(?-u:\w)*|\
                        (?:its|the)\s+(?:\w+\s+){1,2}(?:forms?|rules?)|a|ab|b|(?:x|)ab)";
        let hir = regex_syntax::parse(pattern).unwrap();
        let merged = factored(&hir);
        // The phrases' dozen branches now begin (read backwards) from fewer.
        let HirKind::Concat(parts) = merged.kind() else {
            panic!("{merged:?}")
        };
        let HirKind::Alternation(branches) = parts[1].kind() else {
            panic!("{merged:?}")
        };
        assert!(branches.len() < 8, "{} branches", branches.len());
        let whole = |hir: &Hir| {
            let anchored = Hir::concat(vec![
                Hir::look(regex_syntax::hir::Look::Start),
                hir.clone(),
                Hir::look(regex_syntax::hir::Look::End),
            ]);
            regex_automata::meta::Regex::builder()
                .build_from_hir(&anchored)
                .unwrap()
        };
        let (before, after) = (whole(&hir), whole(&merged));
        let text = "Rules were NOT followed, was not followed; the new forms. Its rule: xab ab b a follows";
        let mut matched = 0;
        for start in 0..text.len() {
            for end in start..=text.len() {
                let Some(piece) = text.get(start..end) else {
                    continue;
                };
                let is = before.is_match(piece);
                assert_eq!(after.is_match(piece), is, "{piece:?}");
                matched += usize::from(is);
            }
        }
        assert!(matched > 10, "{matched}");
    }

    #[test]
    fn a_pattern_that_matches_empty_gets_no_pass() {
        assert!(Starts::new(&["a*".to_string()], 1 << 20).is_none());
    }
}
