//! Replacing identifying details (names, places, child pseudonyms, dates) with
//! placeholders, consistently within a case: the same text always gets the
//! same placeholder, and a name or place once found is replaced wherever it
//! appears alone. Dates become a month and a year counted from the case's
//! earliest year, so intervals survive and the calendar does not.

use super::rules::{IdentifierKind, IdentifierRule, Rules};
use regex::{Captures, Regex};
use std::collections::HashMap;
use std::ops::Range;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// One detail to replace: where, with what, and by which rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Replacement {
    pub span: Range<usize>,
    pub text: String,
    pub rule: String,
}

/// A detail found by a rule, before placeholders are given out.
struct Found<'r> {
    span: Range<usize>,
    rule: &'r IdentifierRule,
    /// The text that keys the placeholder (the `id` group).
    key: String,
    date: Option<Date>,
}

#[derive(Clone, Copy, Debug)]
struct Date {
    month: Option<usize>,
    year: Option<i32>,
}

/// Every replacement for `text`, in order, skipping anything `removed` says
/// is gone.
pub fn replacements(
    text: &str,
    rules: &Rules,
    removed: impl Fn(&Range<usize>) -> bool,
) -> Vec<Replacement> {
    let mut found = direct_matches(text, rules);
    let learnt = learnt_aliases(text, &found, rules);
    found.extend(alias_matches(text, &learnt, rules));
    let found: Vec<Found> = without_overlaps(found)
        .into_iter()
        .filter(|f| !removed(&f.span))
        .collect();
    let base_year = found
        .iter()
        .filter_map(|f| f.date.and_then(|d| d.year))
        .min();
    let mut placeholders = Placeholders::default();
    found
        .into_iter()
        .map(|f| {
            let replacement = match f.date {
                Some(date) => date.generalised(base_year),
                None if f.rule.kind == IdentifierKind::Term => {
                    same_case(&f.key, placeholders.for_key(f.rule, &f.key))
                }
                None => placeholders.for_key(f.rule, &canonical(&f.key, &learnt)),
            };
            Replacement {
                span: f.span,
                text: replacement,
                rule: f.rule.id.clone(),
            }
        })
        .collect()
}

fn direct_matches<'r>(text: &str, rules: &'r Rules) -> Vec<Found<'r>> {
    let mut found = Vec::new();
    for rule in &rules.identifier {
        for caps in rule.pattern.captures_iter(text) {
            let whole = caps.get(0).expect("group 0 always matches");
            let (span, key) = match caps.name("id") {
                Some(id) if rule.learn => trimmed(text, id.range(), rules),
                Some(id) => (id.range(), id.as_str().to_string()),
                None => (whole.range(), whole.as_str().to_string()),
            };
            if span.is_empty() {
                continue;
            }
            let date = (rule.kind == IdentifierKind::Date).then(|| Date::from(&caps));
            found.push(Found {
                span,
                rule,
                key,
                date,
            });
        }
    }
    found
}

/// A learnt `id` group without generic words at either end ("Kestermouth Royal"
/// before "Hospital" is the place "Kestermouth").
fn trimmed(text: &str, mut span: Range<usize>, rules: &Rules) -> (Range<usize>, String) {
    loop {
        let s = &text[span.clone()];
        if let Some((head, last)) = s.rsplit_once(' ')
            && !rules.may_learn(last)
        {
            span.end = span.start + head.trim_end().len();
            continue;
        }
        if let Some((first, _)) = s.split_once(' ')
            && !rules.may_learn(first)
        {
            let rest = s[first.len()..].trim_start();
            span.start = span.end - rest.len();
            continue;
        }
        let key = text[span.clone()].to_string();
        let generic = !key.contains(' ') && !proper_noun(text, &key, rules);
        return if generic {
            (span.start..span.start, key)
        } else {
            (span, key)
        };
    }
}

/// Aliases to replace wherever they appear: each learnt detail, and each of
/// its words that is not a generic one, pointing at the detail it came from.
fn learnt_aliases<'r>(
    text: &str,
    found: &[Found<'r>],
    rules: &Rules,
) -> Vec<(String, String, &'r IdentifierRule)> {
    let mut aliases: Vec<(String, String, &IdentifierRule)> = Vec::new();
    let mut learnt: Vec<&Found> = found.iter().filter(|f| f.rule.learn).collect();
    // Longest first, so that "Pryce" stands for "Connor Pryce" however the
    // text first names him.
    learnt.sort_by_key(|f| std::cmp::Reverse(f.key.split_whitespace().count()));
    for f in learnt {
        let words = f
            .key
            .split(|c: char| c.is_whitespace() || c == '-')
            .filter(|w| {
                w.chars().next().is_some_and(char::is_uppercase) && proper_noun(text, w, rules)
            });
        for alias in std::iter::once(f.key.as_str()).chain(words) {
            if !aliases.iter().any(|(a, _, _)| a == alias) {
                aliases.push((alias.to_string(), f.key.clone(), f.rule));
            }
        }
    }
    aliases
}

/// A capitalised word that is not a generic one and never appears in lower
/// case in the text: "Then" at the start of a sentence is not a place, because
/// "then" appears elsewhere; "Harlow" never does.
fn proper_noun(text: &str, word: &str, rules: &Rules) -> bool {
    if !rules.may_learn(word) {
        return false;
    }
    let lower = word.to_lowercase();
    if lower == word {
        return false;
    }
    let pattern = Regex::new(&format!(r"\b{}\b", regex::escape(&lower)))
        .expect("an escaped literal is a valid pattern");
    !pattern.is_match(text)
}

fn alias_matches<'r>(
    text: &str,
    aliases: &[(String, String, &'r IdentifierRule)],
    rules: &Rules,
) -> Vec<Found<'r>> {
    let mut found = Vec::new();
    for (alias, key, rule) in aliases {
        // A capitalised word just before a learnt surname is a first name
        // ("Leah Barton" once "Ms Barton" is known), unless it is a title or
        // an ordinary word.
        let pattern = Regex::new(&format!(
            r"\b(?:([A-Z][a-z]+)\s+)?{}\b",
            regex::escape(alias)
        ))
        .expect("an escaped literal is a valid pattern");
        for caps in pattern.captures_iter(text) {
            let whole = caps.get(0).expect("group 0 always matches");
            let start = match caps.get(1) {
                Some(first) if proper_noun(text, first.as_str(), rules) => whole.start(),
                Some(first) => {
                    whole.start()
                        + first.len()
                        + (whole.as_str()[first.len()..].len()
                            - whole.as_str()[first.len()..].trim_start().len())
                }
                None => whole.start(),
            };
            found.push(Found {
                span: start..whole.end(),
                rule,
                key: key.clone(),
                date: None,
            });
        }
    }
    found
}

/// The detail an alias stands for, so that "Smith" and "Jane Smith" share a placeholder.
fn canonical(key: &str, aliases: &[(String, String, &IdentifierRule)]) -> String {
    aliases
        .iter()
        .find(|(alias, _, _)| alias == key)
        .map_or_else(|| key.to_string(), |(_, k, _)| k.clone())
}

/// Earliest first; of two that overlap, the longer wins.
fn without_overlaps(mut found: Vec<Found<'_>>) -> Vec<Found<'_>> {
    found.sort_by(|a, b| {
        a.span
            .start
            .cmp(&b.span.start)
            .then_with(|| b.span.end.cmp(&a.span.end))
    });
    let mut kept: Vec<Found> = Vec::with_capacity(found.len());
    for f in found {
        if kept.last().is_some_and(|last| f.span.start < last.span.end) {
            continue;
        }
        kept.push(f);
    }
    kept
}

/// Placeholders given out in order of first appearance, numbered per template.
#[derive(Default)]
struct Placeholders {
    given: HashMap<(String, String), String>,
    counters: HashMap<String, usize>,
}

impl Placeholders {
    fn for_key(&mut self, rule: &IdentifierRule, key: &str) -> String {
        let template = if rule.placeholder.is_empty() {
            default_placeholder(rule.kind)
        } else {
            rule.placeholder.as_str()
        };
        let id = (template.to_string(), key.to_string());
        if let Some(p) = self.given.get(&id) {
            return p.clone();
        }
        let n = self.counters.entry(template.to_string()).or_insert(0);
        *n += 1;
        let placeholder = template
            .replace("{n}", &n.to_string())
            .replace("{letter}", &letter(*n));
        self.given.insert(id, placeholder.clone());
        placeholder
    }
}

fn default_placeholder(kind: IdentifierKind) -> &'static str {
    match kind {
        IdentifierKind::Name => "[Name {n}]",
        IdentifierKind::Place => "[Place {n}]",
        IdentifierKind::Child => "Child {letter}",
        IdentifierKind::Date => "[Date {n}]",
        IdentifierKind::Term => "study",
    }
}

/// A neutral term with the capital of the word it replaces.
fn same_case(original: &str, term: String) -> String {
    if !original.chars().next().is_some_and(char::is_uppercase) {
        return term;
    }
    let mut chars = term.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// 1 → A, 26 → Z, 27 → AA.
fn letter(mut n: usize) -> String {
    let mut s = Vec::new();
    while n > 0 {
        n -= 1;
        s.push(b'A' + (n % 26) as u8);
        n /= 26;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII letters")
}

impl Date {
    fn from(caps: &Captures<'_>) -> Date {
        let month = caps.name("month").and_then(|m| month_number(m.as_str()));
        let year = caps.name("year").and_then(|y| y.as_str().parse().ok());
        Date { month, year }
    }

    /// "March [Year 2]", "[Year 1]", or "March". The brackets keep a case
    /// year apart from a school year ("Year 9").
    fn generalised(self, base_year: Option<i32>) -> String {
        let year = self
            .year
            .zip(base_year)
            .map(|(y, base)| format!("[Year {}]", y - base + 1));
        let month = self.month.map(|m| MONTHS[m - 1]);
        match (month, year) {
            (Some(m), Some(y)) => format!("{m} {y}"),
            (None, Some(y)) => y,
            (Some(m), None) => m.to_string(),
            (None, None) => "[date]".to_string(),
        }
    }
}

/// 1–12 from a month's name, abbreviation or number.
fn month_number(month: &str) -> Option<usize> {
    if let Ok(n) = month.parse::<usize>() {
        return (1..=12).contains(&n).then_some(n);
    }
    let lower = month.to_lowercase();
    MONTHS
        .iter()
        .position(|m| {
            m.to_lowercase().starts_with(&lower[..lower.len().min(3)]) && lower.len() >= 3
        })
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replaced(text: &str) -> String {
        let rules = Rules::load(&[]).unwrap();
        let mut out = String::new();
        let mut at = 0;
        for r in replacements(text, &rules, |_| false) {
            out.push_str(&text[at..r.span.start]);
            out.push_str(&r.text);
            at = r.span.end;
        }
        out.push_str(&text[at..]);
        out
    }

    #[test]
    fn the_same_name_gets_the_same_placeholder_and_a_surname_alone_follows_it() {
        let out = replaced(
            "Ms Jane Harlow visited. Dr Okafor saw the child. Later Ms Harlow rang Dr Okafor. Harlow was worried.",
        );
        assert_eq!(
            out,
            "Ms [Name 1] visited. Dr [Name 2] saw the child. Later Ms [Name 1] rang Dr [Name 2]. [Name 1] was worried."
        );
    }

    #[test]
    fn a_place_is_replaced_wherever_it_appears_and_generic_words_stay() {
        let out = replaced(
            "She was seen at Kestermouth Royal Hospital. Kestermouth Borough Council was told. Life in Kestermouth was hard.",
        );
        assert_eq!(
            out,
            "She was seen at [Place 1] Royal Hospital. [Place 1] Borough Council was told. Life in [Place 1] was hard."
        );
    }

    #[test]
    fn dates_keep_the_month_and_count_years_from_the_earliest() {
        let out = replaced(
            "Born 3 May 2018. Seen on 12 March 2019 and 14/09/2019. Closed in 2020. Reviewed on 4 June.",
        );
        assert_eq!(
            out,
            "Born May [Year 1]. Seen on March [Year 2] and September [Year 2]. Closed in [Year 3]. Reviewed on June."
        );
    }

    #[test]
    fn child_pseudonyms_are_lettered_in_order_of_appearance() {
        let out = replaced("Child K lived with Sibling 2. Child K's sister Child M was older.");
        assert_eq!(
            out,
            "Child A lived with Sibling 1. Child A's sister Child B was older."
        );
    }
}
