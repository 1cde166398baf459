//! Reading one recommendation at a time: does it name an owner, a date and a
//! measure, and is its action weak or strong on the RCA2 action hierarchy
//! (training, memos and new policy are weak; forcing functions and
//! standardisation strong)?

use crate::lexicon::ascii_word_boundaries;
use regex::Regex;
use std::cell::OnceCell;
use std::sync::LazyLock;

/// What a recommendation says about itself, read as each question is
/// asked. The owner's pattern costs as much as the others together, and a
/// scorer that asks only whether a recommendation is specific needs it only
/// where there is a date or a measure; no bundled scorer asks every
/// question (issue 8's profile: reading recommendations was a tenth of a
/// run).
#[derive(Debug)]
pub struct Reading<'a> {
    text: &'a str,
    /// Filled cells under an owner, date or measure column of a table.
    columns: Columns,
    owner: OnceCell<bool>,
    date: OnceCell<bool>,
    measure: OnceCell<bool>,
    weak_action: OnceCell<bool>,
    strong_action: OnceCell<bool>,
    exhortation: OnceCell<bool>,
    concrete_change: OnceCell<bool>,
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
            owner: OnceCell::new(),
            date: OnceCell::new(),
            measure: OnceCell::new(),
            weak_action: OnceCell::new(),
            strong_action: OnceCell::new(),
            exhortation: OnceCell::new(),
            concrete_change: OnceCell::new(),
        }
    }

    /// It names who will act.
    pub fn owner(&self) -> bool {
        self.columns.owner
            || *self
                .owner
                .get_or_init(|| OWNER.is_match(self.text) || owner_label(self.text))
    }

    /// It says by when.
    pub fn date(&self) -> bool {
        self.columns.date || *self.date.get_or_init(|| DATE.is_match(self.text))
    }

    /// It says how success will be known.
    pub fn measure(&self) -> bool {
        self.columns.measure || *self.measure.get_or_init(|| MEASURE.is_match(self.text))
    }

    /// A weak action: training, reminders, guidance.
    pub fn weak_action(&self) -> bool {
        *self.weak_action.get_or_init(|| WEAK.is_match(self.text))
    }

    /// A strong action: a forcing function, standardisation, a system change.
    pub fn strong_action(&self) -> bool {
        *self
            .strong_action
            .get_or_init(|| STRONG.is_match(self.text))
    }

    /// An exhortation to all: "all agencies must ensure that".
    pub fn exhortation(&self) -> bool {
        *self.exhortation.get_or_init(|| EXHORT.is_match(self.text))
    }

    /// It changes a named artefact (a form, protocol, record, system...)
    /// in a stated way: a change someone could check was made.
    pub fn concrete_change(&self) -> bool {
        *self
            .concrete_change
            .get_or_init(|| CHANGE.is_match(self.text) && ARTEFACT.is_match(self.text))
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
fn ascii(pattern: &str) -> Regex {
    let pattern = ascii_word_boundaries(pattern).replace(r"\w", r"(?-u:\w)");
    Regex::new(&pattern).expect("a valid recommendation pattern")
}

static OWNER: LazyLock<Regex> = LazyLock::new(|| {
    ascii(concat!(
        r"(?i)\b(?:owner|lead|responsible|accountable)\s*:|",
        r"\b(?:the\s+)?(?:board|partnership|director|head|chief|lead|manager|trust|icb|integrated care board|",
        r"constabulary|police|council|local authority|children'?s (?:social care|services)|designated (?:nurse|doctor|safeguarding lead)|",
        r"named (?:nurse|gp|doctor)|service manager|team manager|principal social worker|commissioner|school|academy|practice|hospital|mash|",
        r"safeguarding (?:partnership|children partnership|board)|housing|department|authority|panel|group|service)s?\b[^.;:]{0,60}?\b(?:will|should|must|is to|are to|to)\b"
    ))
});

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

static CHANGE: LazyLock<Regex> = LazyLock::new(|| {
    ascii(concat!(
        r"(?i)\b(?:amend\w*|revis\w*|requir\w*|add\w*|chang\w*|introduc\w*|replac\w*|redesign\w*|includ\w*|",
        r"extend\w*|remov\w*|restor\w*|merg\w*|so that)\b"
    ))
});

static ARTEFACT: LazyLock<Regex> = LazyLock::new(|| {
    ascii(concat!(
        r"(?i)\b(?:form|protocol|policy|procedure|record|system|template|threshold|display|framework|field|prompt|checklist|",
        r"rota|contract|pathway|agreement|specification|criteria|tool|letter|notification|screen|register|inbox|referral route|",
        r"assessment|workflow|interface|portal|code|standard operating procedure)s?\b"
    ))
});

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    ascii(concat!(
        r"(?i)\b(?:by|before|within|no later than|timescale\s*:|deadline\s*:|target date\s*:|due\s*:)\s*",
        r"(?:the end of\s+)?(?:\d|one|two|three|four|five|six|nine|twelve|eighteen|january|february|march|april|may|june|july|august|september|october|november|december|q[1-4]|spring|summer|autumn|winter|the next|end)|",
        r"\b(?:january|february|march|april|may|june|july|august|september|october|november|december)\s+20\d\d\b|\b20\d\d-\d\d"
    ))
});

static MEASURE: LazyLock<Regex> = LazyLock::new(|| {
    ascii(concat!(
        r"(?i)\b(?:measure[ds]?|success (?:will|would) be|evidenced? by|audit(?:ed|s)?|report(?:ed|s)? (?:back )?to the|",
        r"percentage|proportion|\d+\s?%|per cent|baseline|target of|indicator|monitor(?:ed|ing)? (?:through|by|via)|re-audit|dip sample)\b"
    ))
});

static WEAK: LazyLock<Regex> = LazyLock::new(|| {
    ascii(concat!(
        r"(?i)\b(?:training|train|raise awareness|awareness|remind(?:ed|er)?|refresh(?:ed|er)?|briefing|brief|disseminat\w*|",
        r"circulat\w*|guidance|memo|newsletter|learning event|seminar|consider(?:ing)?|reflect on|be mindful|encourage\w*|promote)\b"
    ))
});

static STRONG: LazyLock<Regex> = LazyLock::new(|| {
    ascii(concat!(
        r"(?i)\b(?:mandatory field|cannot (?:be )?(?:closed|proceed|progress|submitted)|will not (?:allow|permit)|automatic(?:ally)?|",
        r"system change|redesign\w*|standardis\w*|single (?:form|template|record|point)|forcing|hard stop|alert (?:is|will be) (?:triggered|generated)|",
        r"reconfigur\w*|change (?:to|in) the (?:system|software|form|template)|checklist|caseload (?:cap|limit)|staffing|workload)\b"
    ))
});

static EXHORT: LazyLock<Regex> = LazyLock::new(|| {
    ascii(
        r"(?i)\b(?:all (?:agencies|partners|professionals|practitioners|staff)|every (?:agency|professional|practitioner)|must (?:always|ensure|never)|ensure that)\b",
    )
});

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

    #[test]
    fn plain_text_is_one_recommendation() {
        assert_eq!(read_item("The Board should act.").len(), 1);
    }
}
