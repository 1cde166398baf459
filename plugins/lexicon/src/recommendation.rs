//! Reading one recommendation at a time: does it name an owner, a date and a
//! measure, and is its action weak or strong on the RCA2 action hierarchy
//! (training, memos and new policy are weak; forcing functions and
//! standardisation strong)?

use crate::lexicon::ascii_word_boundaries;
use regex::Regex;
use regex_automata::hybrid::dfa::{Cache, DFA, OverlappingState};
use regex_automata::util::pool::Pool;
use regex_automata::{Anchored, Input, MatchKind, PatternSet, meta};
use std::cell::OnceCell;
use std::sync::LazyLock;

/// What a recommendation says about itself, read when first asked. Every
/// question but the owner's is answered by one pass of all their patterns
/// together; the owner's needs up to two more, made only when it is asked
/// and no column or "Owner:" label has answered it (issue 8's profile:
/// reading recommendations was a tenth of a run when each question was a
/// pass of its own).
#[derive(Debug)]
pub struct Reading<'a> {
    text: &'a str,
    /// Filled cells under an owner, date or measure column of a table.
    columns: Columns,
    /// Which of [`QUESTIONS`] the text matches: bit `i` for question `i`.
    found: OnceCell<u16>,
    owner: OnceCell<bool>,
}

/// What the columns of a recommendations table say about a row.
#[derive(Clone, Copy, Debug, Default)]
struct Columns {
    owner: bool,
    date: bool,
    measure: bool,
}

impl<'a> Reading<'a> {
    fn new(text: &'a str, columns: Columns) -> Reading<'a> {
        Reading {
            text,
            columns,
            found: OnceCell::new(),
            owner: OnceCell::new(),
        }
    }

    /// Whether the text matches a question's pattern.
    fn says(&self, question: Question) -> bool {
        let found = *self.found.get_or_init(|| one_pass(self.text));
        found & (1 << question as u16) != 0
    }

    /// It names who will act.
    pub fn owner(&self) -> bool {
        self.columns.owner
            || self.says(Question::OwnerHeading)
            || *self
                .owner
                .get_or_init(|| self.owner_before_verb() || owner_label(self.text))
    }

    /// A body or post followed by what it will do, asked only where the
    /// one pass found a body or post.
    fn owner_before_verb(&self) -> bool {
        self.says(Question::OwnerNamed) && owner_before_verb(self.text)
    }

    /// It says by when.
    pub fn date(&self) -> bool {
        self.columns.date || self.says(Question::Date)
    }

    /// It says how success will be known.
    pub fn measure(&self) -> bool {
        self.columns.measure || self.says(Question::Measure)
    }

    /// A weak action: training, reminders, guidance.
    pub fn weak_action(&self) -> bool {
        self.says(Question::Weak)
    }

    /// A strong action: a forcing function, standardisation, a system change.
    pub fn strong_action(&self) -> bool {
        self.says(Question::Strong)
    }

    /// An exhortation to all: "all agencies must ensure that".
    pub fn exhortation(&self) -> bool {
        self.says(Question::Exhortation)
    }

    /// It changes a named artefact (a form, protocol, record, system...)
    /// in a stated way: a change someone could check was made.
    pub fn concrete_change(&self) -> bool {
        self.says(Question::Change) && self.says(Question::Artefact)
    }

    /// Owner, date and measure: a recommendation someone can be held to.
    pub fn is_specific(&self) -> bool {
        (self.date() || self.measure()) && self.owner()
    }

    /// No owner, date or measure: an exhortation, not a recommendation.
    pub fn is_vague(&self) -> bool {
        !self.date() && !self.measure() && !self.owner()
    }
}

/// A pattern with ASCII word boundaries and word characters. A Unicode `\b`
/// makes the regex engine leave its lazy DFA for a much slower NFA on any
/// non-ASCII text (a curly apostrophe in "children’s" is enough), and every
/// plugin reads every recommendation (issue 8's profile).
fn ascii_source(pattern: &str) -> String {
    ascii_word_boundaries(pattern).replace(r"\w", r"(?-u:\w)")
}

fn ascii(pattern: &str) -> Regex {
    Regex::new(&ascii_source(pattern)).expect("a valid recommendation pattern")
}

/// The questions answered by the one pass, in the order of [`QUESTIONS`].
#[derive(Clone, Copy)]
enum Question {
    OwnerHeading,
    Date,
    Measure,
    Weak,
    Strong,
    Exhortation,
    Change,
    Artefact,
    OwnerNamed,
}

/// Each question's pattern, matched anywhere in the text.
const QUESTIONS: [&str; 9] = [
    OWNER_HEADING,
    DATE,
    MEASURE,
    WEAK,
    STRONG,
    EXHORT,
    CHANGE,
    ARTEFACT,
    OWNER_NAMED,
];

/// All the questions' patterns as one automaton, asked which of them match
/// anywhere (every match, overlapping): one pass over the text instead of
/// one per question.
static ONE_PASS: LazyLock<meta::Regex> = LazyLock::new(|| {
    let sources = QUESTIONS.map(ascii_source);
    meta::Regex::builder()
        .configure(meta::Config::new().match_kind(MatchKind::All))
        .build_many(&sources)
        .expect("valid recommendation patterns")
});

fn one_pass(text: &str) -> u16 {
    let mut matched = PatternSet::new(QUESTIONS.len());
    ONE_PASS.which_overlapping_matches(&Input::new(text), &mut matched);
    matched
        .iter()
        .fold(0, |found, question| found | 1 << question.as_usize())
}

/// "Owner: the designated nurse", "Lead: ...".
const OWNER_HEADING: &str = r"(?i)\b(?:owner|lead|responsible|accountable)\s*:";

/// A body or post that can own an action...
const OWNER_NAMED: &str = concat!(
    r"(?i)\b(?:the\s+)?(?:board|partnership|director|head|chief|lead|manager|trust|icb|integrated care board|",
    r"constabulary|police|council|local authority|children'?s (?:social care|services)|designated (?:nurse|doctor|safeguarding lead)|",
    r"named (?:nurse|gp|doctor)|service manager|team manager|principal social worker|commissioner|school|academy|practice|hospital|mash|",
    r"safeguarding (?:partnership|children partnership|board)|housing|department|authority|panel|group|service)s?\b"
);

/// ...followed, in the same clause and within 60 characters, by what it
/// will or should do.
const OWNER_VERB: &str = r"(?i)[^.;:]{0,60}?\b(?:will|should|must|is to|are to|to)\b";

/// Every place where [`OWNER_NAMED`] ends a match, overlapping: "the
/// service manager" ends both after "service" and after "manager".
static OWNER_NAMED_ENDS: LazyLock<DFA> = LazyLock::new(|| {
    DFA::builder()
        .configure(DFA::config().match_kind(MatchKind::All))
        .build(&ascii_source(OWNER_NAMED))
        .expect("a valid owner pattern")
});

/// [`OWNER_VERB`], asked only where an owner's name ends.
static OWNER_VERB_AFTER: LazyLock<meta::Regex> =
    LazyLock::new(|| meta::Regex::new(&ascii_source(OWNER_VERB)).expect("a valid verb pattern"));

fn new_owner_cache() -> Cache {
    OWNER_NAMED_ENDS.create_cache()
}

/// One lazy DFA cache per thread at a time, as the regex crate keeps its own.
static OWNER_CACHES: LazyLock<Pool<Cache, fn() -> Cache>> =
    LazyLock::new(|| Pool::new(new_owner_cache as fn() -> Cache));

/// A body or post followed by what it will do: "the Board will", "Children's
/// Services should", "the named GP is to". The same as the single pattern
/// [`OWNER_NAMED`] then [`OWNER_VERB`], asked in two steps: as one pattern,
/// its window of 60 characters after any of dozens of names made the lazy
/// DFA build states without end, and the owner cost as much as every other
/// question together. Falls back to that single pattern if the DFA gives up.
fn owner_before_verb(text: &str) -> bool {
    let mut cache = OWNER_CACHES.get();
    let input = Input::new(text);
    let mut state = OverlappingState::start();
    loop {
        if OWNER_NAMED_ENDS
            .try_search_overlapping_fwd(&mut cache, &input, &mut state)
            .is_err()
        {
            return OWNER_IN_ONE.is_match(text);
        }
        let Some(end) = state.get_match() else {
            return false;
        };
        let verb = Input::new(text)
            .range(end.offset()..)
            .anchored(Anchored::Yes);
        if OWNER_VERB_AFTER.is_match(verb) {
            return true;
        }
    }
}

/// [`OWNER_NAMED`] and [`OWNER_VERB`] as the one pattern they stand for.
static OWNER_IN_ONE: LazyLock<Regex> =
    LazyLock::new(|| ascii(&format!("{OWNER_NAMED}{OWNER_VERB}")));

/// An owner named as the recommendation's label: "**Chief nurse, City
/// Hospitals:** amend the policy", "3. Children's Services: audit ...". The
/// label is short, ends in a colon, names a body or a post and holds no
/// modal verb ("Practitioners across the partnership should note:" is not
/// an owner).
static OWNER_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    ascii(concat!(
        r"(?i)^[\s*_#>|-]*(?:(?:recommendation\s*)?(?:\d+|[a-z]|[ivx]+)[.):]?\s+)?",
        r"(?P<label>[^:\n]{2,90}):"
    ))
});

static OWNER_WORD: LazyLock<Regex> = LazyLock::new(|| {
    ascii(concat!(
        r"(?i)\b(?:board|partnership|director|head|chief|lead|manager|trust|icb|integrated care board|constabulary|police|council|",
        r"local authority|children'?s (?:social care|services)|designated|named|commissioners?|school|academy|practice|hospitals?|mash|",
        r"housing|department|authority|panel|provider|nurse|officer|team|unit|service|ambulance|probation|college)\b"
    ))
});

static MODAL: LazyLock<Regex> =
    LazyLock::new(|| ascii(r"(?i)\b(?:should|must|will|shall|need|needs|ought)\b"));

fn owner_label(text: &str) -> bool {
    // Most recommendations have no colon at all, and the pattern needs one.
    if !text.contains(':') {
        return false;
    }
    let Some(label) = OWNER_LABEL.captures(text).and_then(|c| c.name("label")) else {
        return false;
    };
    let label = label
        .as_str()
        .trim_matches(|c: char| c == '*' || c == '_' || c.is_whitespace());
    let words: Vec<&str> = label.split_whitespace().collect();
    if words.is_empty() || words.len() > 14 || MODAL.is_match(label) {
        return false;
    }
    OWNER_WORD.is_match(label) || is_proper_name(&words)
}

/// "Clearview Health", "Ashdown Clinical Commissioning": two words or more,
/// each capitalised but for small joining words, so the label names a body
/// ("Practitioners:" alone does not).
fn is_proper_name(words: &[&str]) -> bool {
    (2..=8).contains(&words.len())
        && words.iter().all(|w| {
            w.starts_with(|c: char| c.is_uppercase())
                || matches!(*w, "and" | "of" | "for" | "the" | "&")
        })
}

const CHANGE: &str = concat!(
    r"(?i)\b(?:amend\w*|revis\w*|requir\w*|add\w*|chang\w*|introduc\w*|replac\w*|redesign\w*|includ\w*|",
    r"extend\w*|remov\w*|restor\w*|merg\w*|so that)\b"
);

const ARTEFACT: &str = concat!(
    r"(?i)\b(?:form|protocol|policy|procedure|record|system|template|threshold|display|framework|field|prompt|checklist|",
    r"rota|contract|pathway|agreement|specification|criteria|tool|letter|notification|screen|register|inbox|referral route|",
    r"assessment|workflow|interface|portal|code|standard operating procedure)s?\b"
);

const DATE: &str = concat!(
    r"(?i)\b(?:by|before|within|no later than|timescale\s*:|deadline\s*:|target date\s*:|due\s*:)\s*",
    r"(?:the end of\s+)?(?:\d|one|two|three|four|five|six|nine|twelve|eighteen|january|february|march|april|may|june|july|august|september|october|november|december|q[1-4]|spring|summer|autumn|winter|the next|end)|",
    r"\b(?:january|february|march|april|may|june|july|august|september|october|november|december)\s+20\d\d\b|\b20\d\d-\d\d"
);

const MEASURE: &str = concat!(
    r"(?i)\b(?:measure[ds]?|success (?:will|would) be|evidenced? by|audit(?:ed|s)?|report(?:ed|s)? (?:back )?to the|",
    r"percentage|proportion|\d+\s?%|per cent|baseline|target of|indicator|monitor(?:ed|ing)? (?:through|by|via)|re-audit|dip sample)\b"
);

const WEAK: &str = concat!(
    r"(?i)\b(?:training|train|raise awareness|awareness|remind(?:ed|er)?|refresh(?:ed|er)?|briefing|brief|disseminat\w*|",
    r"circulat\w*|guidance|memo|newsletter|learning event|seminar|consider(?:ing)?|reflect on|be mindful|encourage\w*|promote)\b"
);

const STRONG: &str = concat!(
    r"(?i)\b(?:mandatory field|cannot (?:be )?(?:closed|proceed|progress|submitted)|will not (?:allow|permit)|automatic(?:ally)?|",
    r"system change|redesign\w*|standardis\w*|single (?:form|template|record|point)|forcing|hard stop|alert (?:is|will be) (?:triggered|generated)|",
    r"reconfigur\w*|change (?:to|in) the (?:system|software|form|template)|checklist|caseload (?:cap|limit)|staffing|workload)\b"
);

const EXHORT: &str = r"(?i)\b(?:all (?:agencies|partners|professionals|practitioners|staff)|every (?:agency|professional|practitioner)|must (?:always|ensure|never)|ensure that)\b";

/// Reads one recommendation's text.
pub fn read(text: &str) -> Reading<'_> {
    Reading::new(text, Columns::default())
}

static OWNER_COLUMN: LazyLock<Regex> =
    LazyLock::new(|| ascii(r"(?i)\b(?:owner|lead|responsib|accountab|who)"));
static DATE_COLUMN: LazyLock<Regex> = LazyLock::new(|| {
    ascii(r"(?i)^\s*(?:by|when|date|due|deadline|timescale|target date|by when|completion)")
});
static MEASURE_COLUMN: LazyLock<Regex> =
    LazyLock::new(|| ascii(r"(?i)\b(?:measure|success|evidence|outcome|indicator|assurance)"));

/// Reads one recommendation item, which may be a whole table of them: each
/// row of a markdown table is read as one recommendation, and a filled cell
/// under an "Owner", "By" or "Measure of success" column counts as the
/// owner, date or measure. Returns each reading with its byte range in `text`.
pub fn read_item(text: &str) -> Vec<(Reading<'_>, std::ops::Range<usize>)> {
    let mut header: Option<Vec<String>> = None;
    let mut readings = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim();
        if !trimmed.starts_with('|') {
            continue;
        }
        let cells: Vec<String> = trimmed
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_string())
            .collect();
        if cells
            .iter()
            .all(|c| c.chars().all(|ch| matches!(ch, '-' | ':')))
        {
            continue;
        }
        let Some(columns) = &header else {
            header = Some(cells);
            continue;
        };
        let mut filled = Columns::default();
        for (column, cell) in columns.iter().zip(&cells) {
            if cell.is_empty() {
                continue;
            }
            filled.owner |= OWNER_COLUMN.is_match(column);
            filled.date |= DATE_COLUMN.is_match(column);
            filled.measure |= MEASURE_COLUMN.is_match(column);
        }
        readings.push((Reading::new(trimmed, filled), start..offset));
    }
    if readings.is_empty() {
        return vec![(read(text), 0..text.len())];
    }
    readings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_smart_recommendation_has_owner_date_and_measure() {
        let r = read(
            "The Director of Children's Services will revise the case transfer protocol by March 2025; success will be measured by a re-audit of 30 transfers.",
        );
        assert!(r.owner() && r.date() && r.measure(), "{r:?}");
        assert!(r.is_specific());
    }

    #[test]
    fn an_exhortation_is_vague_and_weak() {
        let r = read(
            "All agencies should ensure that staff receive refresher training on professional curiosity.",
        );
        assert!(r.is_vague(), "{r:?}");
        assert!(r.weak_action() && r.exhortation());
    }

    #[test]
    fn a_forcing_function_is_a_strong_action() {
        assert!(read("Make the household-members field mandatory field so that a referral cannot be submitted without it.").strong_action());
    }

    #[test]
    fn each_table_row_is_a_recommendation_with_its_columns() {
        let table = "| No. | Recommendation | Owner | By | Measure of success |\n|---|---|---|---|---|\n| R1 | Amend the transfer protocol. | Head of Service | 3 months | Audit of 20 transfers |\n| R2 | Raise awareness. | | | |\n";
        let rows = read_item(table);
        assert_eq!(rows.len(), 2);
        assert!(rows[0].0.is_specific(), "{:?}", rows[0].0);
        assert!(rows[1].0.is_vague(), "{:?}", rows[1].0);
        assert!(table[rows[0].1.clone()].contains("R1"));
    }

    #[test]
    fn an_owner_can_be_the_label_of_the_recommendation() {
        let r = read(
            "2. **Yarrowby Teaching Hospitals (chief nurse):** amend the Was Not Brought policy so that letters go to a named practitioner.",
        );
        assert!(r.owner(), "{r:?}");
        assert!(read("4. **Clearview Health:** revise its triage protocol.").owner());
        assert!(!read("Practitioners: be curious.").owner());
        assert!(
            !read("Practitioners in every setting should note the following: be curious.").owner()
        );
    }

    #[test]
    fn a_change_to_a_named_artefact_is_concrete() {
        assert!(read("The section 47 closure form should require confirmation that every agreed action is done.").concrete_change());
        assert!(!read("All agencies should raise awareness of neglect.").concrete_change());
    }

    /// Every paragraph and line of the sample reviews, and each with its
    /// first 40 bytes cut off (a name cut in two, a window starting inside
    /// a clause).
    fn sample_texts() -> Vec<String> {
        let reviews = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../reviews");
        let mut texts = Vec::new();
        for entry in std::fs::read_dir(reviews).unwrap() {
            let Ok(review) = std::fs::read_to_string(entry.unwrap().path()) else {
                continue;
            };
            for piece in review.split("\n\n").chain(review.lines()) {
                texts.push(piece.to_string());
                let cut = (40..piece.len()).find(|&i| piece.is_char_boundary(i));
                texts.extend(cut.map(|i| piece[i..].to_string()));
            }
        }
        assert!(texts.len() > 10_000, "{} texts", texts.len());
        texts
    }

    #[test]
    fn one_pass_answers_each_question_as_its_own_pattern_would() {
        let alone: Vec<Regex> = QUESTIONS.iter().map(|q| ascii(q)).collect();
        let mut matched = [0usize; QUESTIONS.len()];
        for text in sample_texts() {
            let found = one_pass(&text);
            for (i, pattern) in alone.iter().enumerate() {
                let says = found & (1 << i) != 0;
                assert_eq!(says, pattern.is_match(&text), "question {i} on {text:?}");
                matched[i] += usize::from(says);
            }
        }
        assert!(
            matched.iter().all(|&n| n > 0),
            "every question matched somewhere: {matched:?}"
        );
    }

    #[test]
    fn owner_in_two_steps_is_the_owner_in_one_pattern() {
        let mut owners = 0;
        for text in sample_texts() {
            let reading = read(&text);
            let two_steps = reading.owner_before_verb();
            assert_eq!(two_steps, OWNER_IN_ONE.is_match(&text), "{text:?}");
            owners += usize::from(two_steps);
        }
        assert!(owners > 100, "{owners} owners");
    }

    #[test]
    fn plain_text_is_one_recommendation() {
        assert_eq!(read_item("The Board should act.").len(), 1);
    }
}
