//! Recovers a review's structure from its text: headings and the kind of each
//! section, paragraphs, sentences, quoted speech, list items, recommendations
//! and pages. Runs once per document, in the host; plugins only read the result.
//!
//! Headings are recognised the ways reviews write them: Markdown `#` lines,
//! numbered headings (`3.`, `4.2`) that are short and unpunctuated, lines in
//! capitals, and short plain lines whose words name a known section.

use super::draft::HeadingHint;
use crate::document::Structure;
use lessons_plugin::abi::{self, Item, Page, Paragraph, Section, Sentence, Span};
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::Regex;

/// A line of the text with its byte range (without the newline).
#[derive(Clone, Copy, Debug)]
struct Line<'a> {
    start: usize,
    end: usize,
    text: &'a str,
}

/// What a line starts, as far as structure goes.
#[derive(Clone, Copy, Debug, PartialEq)]
enum LineRole {
    Blank,
    Heading { level: u32, text_start: usize },
    ListItem { number: u32 },
    Text,
}

static MARKDOWN_HEADING: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(#{1,6})\s+\S").unwrap());
static NUMBERED_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:section|part|chapter)\s+)?(\d{1,2}(?:\.\d{1,2})*)\.?\s+(\S.{0,90})$")
        .unwrap()
});
static LIST_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s{0,6}(?:[-*•‣◦▪]\s+|(\d{1,3})[.)]\s+|\(?([a-z]|[ivx]{1,4})\)\s+|(?i:recommendation)\s+(\d{1,3})\b[:.\s–-]*)")
        .unwrap()
});
static CAPITALS_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Z][A-Z0-9 &,:;'’()/–-]{2,90}$").unwrap());

/// Analyses `text` into its structure.
pub fn analyse(text: &str) -> Structure {
    analyse_with(text, &[])
}

/// Analyses `text`, taking the lines a reader saw formatted as headings (a
/// Word heading style, a larger font in a PDF) as headings at those levels,
/// whatever their words.
pub fn analyse_with(text: &str, headings: &[HeadingHint]) -> Structure {
    let lines = split_lines(text);
    let roles: Vec<LineRole> = lines
        .iter()
        .enumerate()
        .map(|(i, line)| match hinted_level(headings, line.start) {
            Some(level) => LineRole::Heading {
                level,
                text_start: content_start(line),
            },
            None => role_of(line, previous_is_blank(&lines, i)),
        })
        .collect();
    let roles = demote_contents_lists(&lines, roles, headings);
    let sections = build_sections(text, &lines, &roles);
    let (paragraphs, list_items) = build_paragraphs(&lines, &roles, &sections);
    let quotes = find_quotes(text, &lines, &paragraphs);
    let sentences = build_sentences(text, &paragraphs, &list_items, &quotes, &lines, &roles);
    let recommendations = find_recommendations(text, &sections, &paragraphs, &list_items);
    let sentences = flag_recommendations(sentences, &recommendations);
    let pages = find_pages(text);
    Structure {
        words: count_words(text),
        sections,
        paragraphs,
        sentences,
        quotes,
        list_items,
        recommendations,
        pages,
    }
}

/// Words as a reader counts them: runs of letters and digits. The SDK's
/// function, so that a plugin's `Document::word_count` agrees with the host.
pub use lessons_plugin::count_words;

fn split_lines(text: &str) -> Vec<Line<'_>> {
    // Counted first (a SIMD count), so that the vector is made once, not
    // grown and copied a dozen times.
    let breaks = memchr::memchr_iter(b'\n', text.as_bytes()).count();
    let mut lines = Vec::with_capacity(breaks + 1);
    let mut start = 0;
    for i in memchr::memchr_iter(b'\n', text.as_bytes()) {
        let end = if i > start && text.as_bytes()[i - 1] == b'\r' {
            i - 1
        } else {
            i
        };
        lines.push(Line {
            start,
            end,
            text: &text[start..end],
        });
        start = i + 1;
    }
    if start < text.len() {
        lines.push(Line {
            start,
            end: text.len(),
            text: &text[start..],
        });
    }
    lines
}

fn hinted_level(headings: &[HeadingHint], line_start: usize) -> Option<u32> {
    let i = headings.partition_point(|h| h.line_start < line_start);
    headings
        .get(i)
        .filter(|h| h.line_start == line_start)
        .map(|h| h.level)
}

fn previous_is_blank(lines: &[Line<'_>], i: usize) -> bool {
    i == 0 || is_blank(lines[i - 1].text)
}

fn is_blank(line: &str) -> bool {
    line.trim_matches(|c: char| c.is_whitespace() || c == '\u{c}')
        .is_empty()
}

fn role_of(line: &Line<'_>, after_blank: bool) -> LineRole {
    let text = line.text.trim_end();
    let trimmed = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{c}');
    if trimmed.is_empty() {
        return LineRole::Blank;
    }
    let indent = text.len() - trimmed.len();
    if let Some(level) = markdown_level(trimmed) {
        let text_start = line.start
            + indent
            + trimmed
                .find(|c: char| c != '#' && !c.is_whitespace())
                .unwrap_or(0);
        return LineRole::Heading { level, text_start };
    }
    if after_blank && let Some(level) = numbered_heading_level(trimmed) {
        return LineRole::Heading {
            level,
            text_start: line.start + indent,
        };
    }
    if after_blank && is_capitals_heading(trimmed) {
        return LineRole::Heading {
            level: 1,
            text_start: line.start + indent,
        };
    }
    if may_be_list_marker(trimmed)
        && let Some(caps) = LIST_MARKER.captures(trimmed)
    {
        let number = caps
            .get(1)
            .or_else(|| caps.get(3))
            .and_then(|m| m.as_str().parse().ok())
            .unwrap_or(0);
        return LineRole::ListItem { number };
    }
    if after_blank && is_named_heading(trimmed) {
        return LineRole::Heading {
            level: 1,
            text_start: line.start + indent,
        };
    }
    LineRole::Text
}

/// A run of three or more numbered lines with nothing but blank lines
/// between them, not nesting deeper each time, is a table of contents (as a
/// PDF or Word file gives one, a line to a paragraph), not a run of empty
/// sections: left as headings, its entries would stand before the real ones.
fn demote_contents_lists(
    lines: &[Line<'_>],
    mut roles: Vec<LineRole>,
    headings: &[HeadingHint],
) -> Vec<LineRole> {
    let numbered = |i: usize| {
        matches!(roles[i], LineRole::Heading { .. })
            && hinted_level(headings, lines[i].start).is_none()
            && numbered_heading_level(lines[i].text.trim()).is_some()
    };
    let mut run: Vec<usize> = Vec::new();
    let mut runs: Vec<Vec<usize>> = Vec::new();
    for i in 0..lines.len() {
        if roles[i] == LineRole::Blank {
            continue;
        }
        // Tested once a line: it runs the numbered-heading tests again.
        if !numbered(i) {
            runs.push(std::mem::take(&mut run));
        } else if run
            .last()
            .is_some_and(|&j| leading_number(lines[i].text) < leading_number(lines[j].text))
        {
            // Numbering that starts again ends the contents: "9.
            // Recommendations" then "1. INTRODUCTION" is the first real heading.
            runs.push(std::mem::replace(&mut run, vec![i]));
        } else {
            run.push(i);
        }
    }
    runs.push(run);
    let contents: Vec<usize> = runs
        .into_iter()
        .filter(|r| is_contents_list(r, &roles))
        .flatten()
        .collect();
    for i in contents {
        roles[i] = LineRole::Text;
    }
    roles
}

/// The first number of a numbered line ("4" of "4.2 The referral").
fn leading_number(line: &str) -> u32 {
    let from = line.trim_start_matches(|c: char| !c.is_ascii_digit());
    let digits = from
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(from.len());
    from[..digits].parse().unwrap_or(0)
}

/// Whether a run of numbered headings reads as a contents list: three or
/// more, at least two of them at the same level as or shallower than the one
/// before (a heading, its subsection and its sub-subsection nest instead).
fn is_contents_list(run: &[usize], roles: &[LineRole]) -> bool {
    let level = |i: usize| match roles[i] {
        LineRole::Heading { level, .. } => level,
        _ => 0,
    };
    let flat_steps = run
        .windows(2)
        .filter(|w| level(w[1]) <= level(w[0]))
        .count();
    run.len() >= 3 && flat_steps >= 2
}

/// Whether `line` (trimmed at the start) opens with a character that can
/// open [`LIST_MARKER`]. Most lines open with a capital and are text: this
/// test spares them the regex, whose captures cost most of role_of's time.
fn may_be_list_marker(line: &str) -> bool {
    match line.chars().next() {
        Some(c) if c.is_numeric() => may_be_numbered_marker(line),
        Some(c) => matches!(c, '-' | '*' | '•' | '‣' | '◦' | '▪' | '(' | 'a'..='z' | 'R'),
        None => false,
    }
}

/// Whether a line opening with a digit can open [`LIST_MARKER`]'s only
/// alternative that does, `(\d{1,3})[.)]\s+`: the digits, a stop or bracket,
/// then a space. Most numbered lines are paragraphs numbered "4.12 The
/// health visitor ...", which cannot, and this spares them the regex.
fn may_be_numbered_marker(line: &str) -> bool {
    let mut after = line.trim_start_matches(char::is_numeric).chars();
    matches!(after.next(), Some('.' | ')')) && after.next().is_some_and(char::is_whitespace)
}

fn markdown_level(line: &str) -> Option<u32> {
    if !line.starts_with('#') {
        return None;
    }
    let caps = MARKDOWN_HEADING.captures(line)?;
    Some(caps[1].len() as u32)
}

/// `3. Analysis`, `4.2 The strategy discussion`: short, no closing full stop.
///
/// NUMBERED_HEADING decides whether the line is one, but only after the
/// tests on its title: where a match must put the number and the title is
/// plain from the line, and most numbered lines are paragraphs that the
/// title tests reject at once. The regex runs without captures, whose
/// search cost more than the rest of role_of.
fn numbered_heading_level(line: &str) -> Option<u32> {
    let (number, title) = numbered_parts(line)?;
    let title = title.trim();
    // A title of more bytes than four times the most characters is too
    // long without counting them: most numbered lines are long paragraphs.
    if title.len() > 4 * MAX_NUMBERED_TITLE_CHARS
        || (title.len() > MAX_NUMBERED_TITLE_CHARS
            && title.chars().nth(MAX_NUMBERED_TITLE_CHARS).is_some())
    {
        return None;
    }
    let words = title.split_whitespace().count();
    if words > 12 || title.ends_with(['.', ',', ';']) {
        return None;
    }
    let first = title.chars().next()?;
    if !first.is_uppercase() {
        return None;
    }
    // A numbered line that reads as an instruction is a list item, not a heading.
    if starts_like_sentence(title) && section_kind_of_heading(title) == abi::SECTION_OTHER {
        return None;
    }
    if !NUMBERED_HEADING.is_match(line) {
        return None;
    }
    Some(number.split('.').count() as u32)
}

/// The most characters NUMBERED_HEADING takes as a title: `\S.{0,90}`.
const MAX_NUMBERED_TITLE_CHARS: usize = 91;

/// The number and the title NUMBERED_HEADING captures from `line` if it
/// matches: after the keyword and its space, the number is the run of digits
/// and full stops (less a final stop), and the title is what follows the
/// space after it. None if there is no number. Where the regex does not
/// match, the parts mean nothing.
fn numbered_parts(line: &str) -> Option<(&str, &str)> {
    let rest = ["section", "part", "chapter"]
        .iter()
        .find_map(|w| line.strip_prefix(w))
        .map_or(line, str::trim_start);
    // The number's digits are `\d`, Unicode decimal digits: all numeric.
    let end = rest
        .find(|c: char| !(c.is_numeric() || c == '.'))
        .unwrap_or(rest.len());
    if end == 0 {
        return None;
    }
    let number = &rest[..end];
    let number = number.strip_suffix('.').unwrap_or(number);
    Some((number, rest[end..].trim_start()))
}

fn starts_like_sentence(title: &str) -> bool {
    let first = title.split_whitespace().next().unwrap_or("");
    const OPENERS: &[&str] = &[
        "the", "a", "an", "all", "each", "every", "that", "this", "there", "it", "ensure",
        "review", "develop", "provide", "agencies", "partners", "when", "where", "if",
    ];
    // No character outside ASCII lowercases to one of these words, so an
    // ASCII comparison decides without a lowercased copy.
    OPENERS.iter().any(|o| o.eq_ignore_ascii_case(first)) && title.split_whitespace().count() > 6
}

fn is_capitals_heading(line: &str) -> bool {
    line.starts_with(|c: char| c.is_ascii_uppercase())
        && CAPITALS_HEADING.is_match(line)
        && line.split_whitespace().count() <= 12
        && line
            .split_whitespace()
            .any(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 3)
}

/// A short, unpunctuated plain line that names a known kind of section.
/// The cheap end tests come first, and the words are counted no further than
/// the ninth: most lines reaching here are whole paragraphs, and counting
/// every word of each was most of role_of's time.
fn is_named_heading(line: &str) -> bool {
    !line.ends_with(['.', ',', ';', ':'])
        && line.chars().next().is_some_and(char::is_uppercase)
        && line.split_whitespace().nth(8).is_none()
        && !is_byline(line)
        && section_kind_of_heading(line) != abi::SECTION_OTHER
}

/// A title page's note of who made or agreed the report ("Published with
/// the agreement of Child V's family", "Prepared by the independent
/// reviewer"): a participle and a preposition, not the name of a section.
fn is_byline(line: &str) -> bool {
    let mut words = line.split_whitespace().map(str::to_lowercase);
    let (Some(first), Some(second)) = (words.next(), words.next()) else {
        return false;
    };
    first.ends_with("ed")
        && ["with", "by", "to", "for", "on", "in", "at"].contains(&second.as_str())
}

/// The words reviews use for each kind of section, the kinds in the order
/// they are tried: a heading is of the first kind any of whose words it holds.
const SECTION_WORDS: &[(u32, &[&str])] = &[
    (
        abi::SECTION_RECOMMENDATIONS,
        &[
            "recommendation",
            "action plan",
            "actions for",
            "improvement action",
        ],
    ),
    (
        abi::SECTION_CHRONOLOGY,
        &[
            "chronolog",
            "timeline",
            "summary of involvement",
            "agency involvement",
            "history of involvement",
            "narrative",
            "key events",
            "summary of events",
            "sequence of events",
            "case history",
            "what happened",
            "factual",
            "the facts",
            "professional involvement",
            "involvement of agencies",
        ],
    ),
    (
        abi::SECTION_METHODOLOGY,
        &[
            "methodolog",
            "method",
            "approach",
            "review process",
            "the process",
            "how the review",
            "conduct of the review",
        ],
    ),
    (
        abi::SECTION_TERMS_OF_REFERENCE,
        &[
            "terms of reference",
            "scope",
            "purpose of",
            "remit",
            "key lines of enquiry",
            "questions",
        ],
    ),
    (
        abi::SECTION_ANALYSIS,
        &[
            "analysis",
            "practice episode",
            "discussion",
            "appraisal",
            "evaluation",
            "contributory",
            "why did",
            "understanding",
            "assessment of practice",
            "commentary",
            "reflection",
        ],
    ),
    (
        abi::SECTION_FINDINGS,
        &[
            "finding",
            "key issues",
            "themes",
            "issues identified",
            "what the review found",
        ],
    ),
    (
        abi::SECTION_LEARNING,
        &["learning", "lessons", "what we learned", "implications"],
    ),
    (
        abi::SECTION_CONCLUSION,
        &["conclusion", "concluding", "closing", "final remarks"],
    ),
    (
        abi::SECTION_BACKGROUND,
        &[
            "background",
            "family",
            "genogram",
            "the child",
            "about ",
            "circumstances",
        ],
    ),
];

/// Every word of [`SECTION_WORDS`] in one automaton, with the index of each
/// word's kind: a heading is searched once, not once for each of seventy
/// words (reviews have hundreds of headings, and each used to cost thousands
/// of instructions).
static SECTION_WORD_SEARCH: LazyLock<(AhoCorasick, Vec<usize>)> = LazyLock::new(|| {
    let (words, kinds): (Vec<&str>, Vec<usize>) = SECTION_WORDS
        .iter()
        .enumerate()
        .flat_map(|(kind, (_, words))| words.iter().map(move |w| (*w, kind)))
        .unzip();
    (AhoCorasick::new(words).unwrap(), kinds)
});

/// The kind of section a heading names, by the words reviews use for it.
pub fn section_kind_of_heading(heading: &str) -> u32 {
    let (search, kind_of_word) = &*SECTION_WORD_SEARCH;
    search
        .find_overlapping_iter(&heading.to_lowercase())
        .map(|m| kind_of_word[m.pattern().as_usize()])
        .min()
        .map_or(abi::SECTION_OTHER, |kind| SECTION_WORDS[kind].0)
}

fn build_sections(text: &str, lines: &[Line<'_>], roles: &[LineRole]) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let first_heading = roles
        .iter()
        .position(|r| matches!(r, LineRole::Heading { .. }));
    let body_before = first_heading.map_or(lines.len(), |i| i);
    if lines[..body_before].iter().any(|l| !is_blank(l.text)) {
        sections.push(Section {
            heading: Span::default(),
            span: Span { start: 0, end: 0 },
            kind: abi::SECTION_OTHER,
            level: 1,
        });
    }
    // The parent kind at each level, so that "4.2 The March referral" under
    // "4. Analysis" is analysis too.
    let mut kind_at_level: Vec<u32> = Vec::new();
    for (line, role) in lines.iter().zip(roles) {
        let LineRole::Heading { level, text_start } = *role else {
            continue;
        };
        let heading_text = &text[text_start..line.end];
        let mut kind = section_kind_of_heading(heading_text);
        kind_at_level.truncate(level.saturating_sub(1) as usize);
        if kind == abi::SECTION_OTHER {
            kind = kind_at_level
                .iter()
                .rev()
                .copied()
                .find(|&k| k != abi::SECTION_OTHER)
                .unwrap_or(kind);
        }
        while kind_at_level.len() < level.saturating_sub(1) as usize {
            kind_at_level.push(abi::SECTION_OTHER);
        }
        kind_at_level.push(kind);
        sections.push(Section {
            heading: Span {
                start: text_start as u64,
                end: line.end as u64,
            },
            span: Span {
                start: line.start as u64,
                end: 0,
            },
            kind,
            level,
        });
    }
    let ends: Vec<u64> = sections
        .iter()
        .skip(1)
        .map(|s| s.span.start)
        .chain([text.len() as u64])
        .collect();
    for (section, end) in sections.iter_mut().zip(ends) {
        section.span.end = end;
    }
    sections
}

fn section_at(sections: &[Section], offset: usize) -> u32 {
    sections
        .partition_point(|s| s.span.start as usize <= offset)
        .saturating_sub(1) as u32
}

/// Paragraphs are runs of non-blank lines; a heading or a list item starts a
/// new one. List items are paragraphs too, recorded again as items.
fn build_paragraphs(
    lines: &[Line<'_>],
    roles: &[LineRole],
    sections: &[Section],
) -> (Vec<Paragraph>, Vec<Item>) {
    let mut paragraphs = Vec::new();
    let mut items = Vec::new();
    let mut current: Option<(usize, usize, Option<u32>)> = None;
    let close = |current: &mut Option<(usize, usize, Option<u32>)>,
                 paragraphs: &mut Vec<Paragraph>,
                 items: &mut Vec<Item>| {
        if let Some((start, end, item)) = current.take() {
            let section = section_at(sections, start);
            let span = Span {
                start: start as u64,
                end: end as u64,
            };
            paragraphs.push(Paragraph { span, section });
            if let Some(number) = item {
                items.push(Item {
                    span,
                    section,
                    number,
                });
            }
        }
    };
    for (line, role) in lines.iter().zip(roles) {
        match *role {
            LineRole::Blank => close(&mut current, &mut paragraphs, &mut items),
            LineRole::Heading { text_start, .. } => {
                close(&mut current, &mut paragraphs, &mut items);
                current = Some((text_start, line.end, None));
                close(&mut current, &mut paragraphs, &mut items);
            }
            LineRole::ListItem { number } => {
                close(&mut current, &mut paragraphs, &mut items);
                current = Some((content_start(line), line.end, Some(number)));
            }
            LineRole::Text => match current.as_mut() {
                Some(open) => open.1 = line.end,
                None => current = Some((content_start(line), line.end, None)),
            },
        }
    }
    close(&mut current, &mut paragraphs, &mut items);
    (paragraphs, items)
}

fn content_start(line: &Line<'_>) -> usize {
    let trimmed = line
        .text
        .trim_start_matches(|c: char| c.is_whitespace() || c == '\u{c}');
    line.start + (line.text.len() - trimmed.len())
}

/// Quoted speech: text in curly or straight double quotes within a paragraph,
/// single curly quotes around three or more words, and Markdown block quotes.
fn find_quotes(text: &str, lines: &[Line<'_>], paragraphs: &[Paragraph]) -> Vec<Span> {
    let mut quotes = Vec::new();
    for p in paragraphs {
        let (start, end) = (p.span.start as usize, p.span.end as usize);
        let body = &text[start..end];
        quote_pairs(body, '“', '”', start, &mut quotes);
        quote_pairs(body, '"', '"', start, &mut quotes);
        // Most paragraphs hold no single quotation mark at all: a byte
        // search for one is much cheaper than walking the characters.
        if find_mark(body, 0, '‘').is_some() {
            single_quotes(body, start, &mut quotes);
        }
    }
    for line in lines {
        if line.text.trim_start().starts_with('>') {
            quotes.push(Span {
                start: line.start as u64,
                end: line.end as u64,
            });
        }
    }
    quotes.sort_by_key(|q| (q.start, std::cmp::Reverse(q.end)));
    let mut merged: Vec<Span> = Vec::with_capacity(quotes.len());
    for q in quotes {
        match merged.last_mut() {
            Some(last) if q.start <= last.end => last.end = last.end.max(q.end),
            _ => merged.push(q),
        }
    }
    merged
}

/// Each `open` and the first `close` after it, found by searching for the
/// marks (a byte search), not by walking every character of the paragraph:
/// most paragraphs hold none.
fn quote_pairs(body: &str, open: char, close: char, base: usize, out: &mut Vec<Span>) {
    let mut from = 0;
    while let Some(opened) = find_mark(body, from, open) {
        let after = opened + open.len_utf8();
        let Some(closed) = find_mark(body, after, close) else {
            return;
        };
        from = closed + close.len_utf8();
        out.push(Span {
            start: (base + opened) as u64,
            end: (base + from) as u64,
        });
    }
}

/// Where `mark` first occurs in `text` at or after byte `from` (a character
/// boundary): a SIMD search for its last byte, each found checked for the
/// bytes before it. The standard library's search for a character looks a
/// word at a time, and was a tenth of the analysis.
fn find_mark(text: &str, from: usize, mark: char) -> Option<usize> {
    let mut encoded = [0; 4];
    let mark = mark.encode_utf8(&mut encoded).as_bytes();
    let (&last, lead) = mark.split_last()?;
    let bytes = text.as_bytes();
    let mut at = from + lead.len();
    while at < bytes.len() {
        let end = at + memchr::memchr(last, &bytes[at..])?;
        let start = end - lead.len();
        if &bytes[start..end] == lead {
            return Some(start);
        }
        at = end + 1;
    }
    None
}

/// ‘…’ is a quote only when it opens a word and closes one after three or
/// more words; otherwise ’ is an apostrophe.
fn single_quotes(body: &str, base: usize, out: &mut Vec<Span>) {
    let mut opened: Option<usize> = None;
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, c)| c);
        match opened {
            None if c == '‘' => opened = Some(i),
            Some(s) if c == '’' && !next.is_some_and(char::is_alphabetic) => {
                if body[s..i].split_whitespace().count() >= 3 {
                    out.push(Span {
                        start: (base + s) as u64,
                        end: (base + i + c.len_utf8()) as u64,
                    });
                }
                opened = None;
            }
            _ => {}
        }
    }
}

const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "e.g", "i.e", "etc", "no", "para", "paras", "cf", "vs",
    "approx", "sgt", "pc", "dc", "ds", "insp", "cllr", "rev", "fig", "vol", "pp", "p", "ch", "sec",
    "al",
];

fn build_sentences(
    text: &str,
    paragraphs: &[Paragraph],
    items: &[Item],
    quotes: &[Span],
    lines: &[Line<'_>],
    roles: &[LineRole],
) -> Vec<Sentence> {
    let heading_starts: Vec<usize> = lines
        .iter()
        .zip(roles)
        .filter_map(|(_, r)| match r {
            LineRole::Heading { text_start, .. } => Some(*text_start),
            _ => None,
        })
        .collect();
    let mut sentences = Vec::new();
    // Paragraphs, and the sentences in them, come in text order, as do
    // headings, items and quotes: each is looked up from where the last
    // lookup ended, not by a binary search for every sentence.
    let (mut heading, mut item, mut quote) = (0, 0, 0);
    for (index, p) in paragraphs.iter().enumerate() {
        let (start, end) = (p.span.start as usize, p.span.end as usize);
        let mut flags = 0;
        while heading_starts.get(heading).is_some_and(|&h| h < start) {
            heading += 1;
        }
        if heading_starts.get(heading) == Some(&start) {
            flags |= abi::SENTENCE_HEADING;
        }
        if is_among(items, &mut item, p.span) {
            flags |= abi::SENTENCE_LIST_ITEM;
        }
        for (s, e) in split_sentences(&text[start..end]) {
            let span = Span {
                start: (start + s) as u64,
                end: (start + e) as u64,
            };
            let mut sentence_flags = flags;
            if inside_quote(quotes, &mut quote, span) {
                sentence_flags |= abi::SENTENCE_QUOTED;
            }
            sentences.push(Sentence {
                span,
                paragraph: index as u32,
                section: p.section,
                flags: sentence_flags,
            });
        }
    }
    sentences
}

/// Whether one of `items` (in text order, as paragraphs are) has this span.
/// `first` is the first item that starts at or after the span asked about
/// before, which may not start after this one: a scan from the start for
/// each paragraph made long reviews quadratic.
fn is_among(items: &[Item], first: &mut usize, span: Span) -> bool {
    while items
        .get(*first)
        .is_some_and(|it| it.span.start < span.start)
    {
        *first += 1;
    }
    items[*first..]
        .iter()
        .take_while(|it| it.span.start == span.start)
        .any(|it| it.span == span)
}

/// Whether one of `quotes` (merged, in text order) holds the span. `first`
/// is the first quote that ends at or after the span asked about before,
/// which may not end after this one.
fn inside_quote(quotes: &[Span], first: &mut usize, span: Span) -> bool {
    while quotes.get(*first).is_some_and(|q| q.end < span.end) {
        *first += 1;
    }
    quotes
        .get(*first)
        .is_some_and(|q| q.start <= span.start && span.end <= q.end)
}

/// Splits a paragraph into sentences: after `.`, `!` or `?` (and any closing
/// quotes or brackets) followed by white space and a capital, digit or
/// opening quote, unless the word before is an abbreviation or an initial.
/// Returns byte ranges relative to the paragraph, trimmed of white space.
pub fn split_sentences(paragraph: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let bytes = paragraph.as_bytes();
    // Positions are byte offsets on character boundaries. A sentence can only
    // end at `.`, `!` or `?`, which are ASCII and so never inside another
    // character's bytes: the scan jumps from one to the next instead of
    // decoding every character into a vector first (that vector, one per
    // paragraph, was the host's largest allocation in issue 8's profile).
    let mut sentence_start = 0;
    let mut k = 0;
    while let Some(found) = memchr::memchr3(b'.', b'!', b'?', &bytes[k..]) {
        let i = k + found;
        let mut j = i + 1;
        while let Some(c) = char_at(paragraph, j)
            && matches!(
                c,
                '"' | '”' | '’' | '\'' | ')' | ']' | '.' | '!' | '?' | '*' | '_'
            )
        {
            j += c.len_utf8();
        }
        let followed_by_space = char_at(paragraph, j).is_some_and(char::is_whitespace);
        let mut n = j;
        while let Some(c) = char_at(paragraph, n)
            && c.is_whitespace()
        {
            n += c.len_utf8();
        }
        let next_starts = char_at(paragraph, n).is_some_and(|c| {
            c.is_uppercase()
                || c.is_ascii_digit()
                || matches!(c, '"' | '“' | '‘' | '(' | '[' | '*' | '_')
        });
        if followed_by_space
            && next_starts
            && bytes[i] == b'.'
            && is_abbreviation(&paragraph[sentence_start..i])
        {
            k = j;
            continue;
        }
        if followed_by_space && next_starts {
            push_trimmed(paragraph, sentence_start, j, &mut out);
            sentence_start = n;
            k = n;
            continue;
        }
        k = j;
    }
    push_trimmed(paragraph, sentence_start, paragraph.len(), &mut out);
    out
}

/// The character starting at byte `at` (a character boundary), if any.
fn char_at(text: &str, at: usize) -> Option<char> {
    text.get(at..)?.chars().next()
}

fn is_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    if word.is_ascii() {
        // The usual case, without `to_lowercase`'s allocation; for ASCII the
        // tests below are these.
        return (word.len() == 1 && word.as_bytes()[0].is_ascii_alphabetic())
            || ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word));
    }
    let word = word.to_lowercase();
    if word.chars().count() == 1 && word.chars().all(char::is_alphabetic) {
        return true;
    }
    ABBREVIATIONS.contains(&word.as_str())
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    let slice = &text[start..end];
    let lead = slice.len() - slice.trim_start().len();
    let trail = slice.len() - slice.trim_end().len();
    if start + lead < end - trail {
        out.push((start + lead, end - trail));
    }
}

/// Recommendation items: the numbered or bulleted items of a section that is
/// about recommendations (by kind, or "recommend" in its heading), and any
/// paragraph that opens "Recommendation N". A recommendations section with
/// no items has each of its paragraphs taken as one.
fn find_recommendations(
    text: &str,
    sections: &[Section],
    paragraphs: &[Paragraph],
    items: &[Item],
) -> Vec<Item> {
    // Asked of every paragraph and item: decided once for each section.
    let about: Vec<bool> = sections
        .iter()
        .map(|s| {
            s.kind == abi::SECTION_RECOMMENDATIONS
                || text[s.heading.start as usize..s.heading.end as usize]
                    .to_lowercase()
                    .contains("recommend")
        })
        .collect();
    let about_recommendations = |section: u32| about.get(section as usize) == Some(&true);
    let mut found: Vec<Item> = items
        .iter()
        .filter(|it| {
            about_recommendations(it.section)
                || opens_recommendation(&text[it.span.start as usize..it.span.end as usize])
        })
        .copied()
        .collect();
    let mut has_items = vec![false; sections.len()];
    for it in &found {
        if let Some(has) = has_items.get_mut(it.section as usize) {
            *has = true;
        }
    }
    // Looked up by binary search, not a scan per paragraph (quadratic on a
    // long review). The paragraphs added below are not looked up again:
    // each paragraph is visited once.
    let mut heading_starts: Vec<u64> = sections.iter().map(|s| s.heading.start).collect();
    heading_starts.sort_unstable();
    let items_found = found.clone();
    let mut item = 0;
    for p in paragraphs {
        let body = &text[p.span.start as usize..p.span.end as usize];
        let is_heading = heading_starts.binary_search(&p.span.start).is_ok();
        if is_heading || is_among(&items_found, &mut item, p.span) {
            continue;
        }
        let whole_section = about_recommendations(p.section)
            && sections[p.section as usize].kind == abi::SECTION_RECOMMENDATIONS
            && !has_items[p.section as usize]
            && !body.trim_end().ends_with(':');
        if whole_section || opens_recommendation(body) {
            found.push(Item {
                span: p.span,
                section: p.section,
                number: 0,
            });
        }
    }
    found.sort_by_key(|it| it.span.start);
    found
}

/// Whether a paragraph opens "Recommendation" (in any case) and a number,
/// within its first 20 characters. No character outside ASCII lowercases to
/// a letter of "recommendation", a space or a digit, so ASCII comparisons
/// decide it without the lowercased copy every paragraph used to cost.
fn opens_recommendation(body: &str) -> bool {
    const WORD: &str = "recommendation";
    body.get(..WORD.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(WORD))
        && body[WORD.len()..]
            .chars()
            .take(20 - WORD.len())
            .find(|c| !c.is_whitespace())
            .is_some_and(|c| c.is_ascii_digit())
}

/// Flags the sentences inside a recommendation. Both come in text order,
/// and recommendations do not overlap: the first that may hold a sentence
/// is looked for from the one the sentence before looked at.
fn flag_recommendations(mut sentences: Vec<Sentence>, recommendations: &[Item]) -> Vec<Sentence> {
    let mut i = 0;
    for s in &mut sentences {
        while recommendations
            .get(i)
            .is_some_and(|r| r.span.end <= s.span.start)
        {
            i += 1;
        }
        if recommendations
            .get(i)
            .is_some_and(|r| r.span.start <= s.span.start && s.span.end <= r.span.end)
        {
            s.flags |= abi::SENTENCE_RECOMMENDATION;
        }
    }
    sentences
}

/// Pages, where the text marks them with form feeds (as text from a PDF does).
fn find_pages(text: &str) -> Vec<Page> {
    if memchr::memchr(b'\x0c', text.as_bytes()).is_none() {
        return Vec::new();
    }
    let mut pages = Vec::new();
    let mut start = 0;
    for (number, part) in text.split('\u{c}').enumerate() {
        let end = start + part.len();
        pages.push(Page {
            span: Span {
                start: start as u64,
                end: end as u64,
            },
            number: number as u32 + 1,
        });
        start = end + 1;
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(String, u32)> {
        let s = analyse(text);
        s.sections
            .iter()
            .map(|sec| {
                (
                    text[sec.heading.start as usize..sec.heading.end as usize].to_string(),
                    sec.kind,
                )
            })
            .collect()
    }

    #[test]
    fn markdown_numbered_and_capital_headings_make_sections_with_kinds() {
        let text = "# Review of Child A\n\n## Terms of reference\n\nThe review asked.\n\n3. ANALYSIS\n\nIt was hard.\n\n3.1 The March visit\n\nThe visit.\n\nRECOMMENDATIONS\n\n1. The Board should act by May.\n";
        let found = kinds(text);
        assert_eq!(
            found[0],
            ("Review of Child A".to_string(), abi::SECTION_OTHER)
        );
        assert_eq!(found[1].1, abi::SECTION_TERMS_OF_REFERENCE);
        assert_eq!(found[2], ("3. ANALYSIS".to_string(), abi::SECTION_ANALYSIS));
        assert_eq!(
            found[3],
            ("3.1 The March visit".to_string(), abi::SECTION_ANALYSIS),
            "a subsection inherits its parent's kind"
        );
        assert_eq!(found[4].1, abi::SECTION_RECOMMENDATIONS);
    }

    #[test]
    fn a_numbered_paragraph_is_not_a_heading() {
        let text = "1.1 The review was commissioned by the Board in March 2023 after the death of Child A.\n";
        assert!(
            analyse(text)
                .sections
                .iter()
                .all(|s| s.heading.start == s.heading.end)
        );
    }

    #[test]
    fn a_contents_list_a_line_to_a_paragraph_is_not_a_run_of_sections() {
        let text = "CONTENTS\n\n1. Introduction\n\n2. Methodology\n\n3. Analysis\n\n4. Recommendations\n\n\
                    1. INTRODUCTION\n\n1.1 Child A was two.\n\n2. METHODOLOGY\n\n2.1 We met.\n\n\
                    3. ANALYSIS\n\n3.1 The referral was closed.\n";
        let headings: Vec<String> = kinds(text).into_iter().map(|(h, _)| h).collect();
        assert_eq!(
            headings,
            [
                "CONTENTS",
                "1. INTRODUCTION",
                "2. METHODOLOGY",
                "3. ANALYSIS"
            ]
        );
    }

    #[test]
    fn a_heading_with_its_subsections_is_not_a_contents_list() {
        let text =
            "5. Analysis\n\n5.1 Episode one\n\n5.1.1 The referral\n\nThe referral was closed.\n";
        assert_eq!(kinds(text).len(), 3);
    }

    #[test]
    fn a_byline_on_the_title_page_is_not_a_heading() {
        let text = "CHILD V\n\nPublished with the agreement of Child V's family\n\n\
                    Submitted to the Child Safeguarding Practice Review Panel\n\n\
                    1. Introduction\n\n1.1 Child V died.\n\n5. Findings\n\n5.1 Nobody saw the plan.\n";
        let headings: Vec<String> = kinds(text).into_iter().map(|(h, _)| h).collect();
        assert_eq!(headings, ["CHILD V", "1. Introduction", "5. Findings"]);
        assert_eq!(kinds(text)[2].1, abi::SECTION_FINDINGS);
    }

    fn sentences_of(paragraph: &str) -> Vec<&str> {
        split_sentences(paragraph)
            .into_iter()
            .map(|(s, e)| &paragraph[s..e])
            .collect()
    }

    #[test]
    fn sentences_survive_abbreviations_and_initials() {
        let p = "Dr. Shah saw the child on 3 May. The mother, Ms. B, said all was well. She was believed!";
        let got = sentences_of(p);
        assert_eq!(
            got,
            vec![
                "Dr. Shah saw the child on 3 May.",
                "The mother, Ms. B, said all was well.",
                "She was believed!"
            ]
        );
    }

    #[test]
    fn markdown_emphasis_does_not_hide_a_sentence_end() {
        let p = "5.1 **The mechanism.** The Trust acted. *Was Not Brought* applied.";
        let got = sentences_of(p);
        assert_eq!(
            got,
            vec![
                "5.1 **The mechanism.**",
                "The Trust acted.",
                "*Was Not Brought* applied."
            ]
        );
    }

    #[test]
    fn quoted_speech_is_found_and_flagged() {
        let text = "The paper said “Social workers failed Baby K.” The review disagrees.\n\n“They should have known.”\n";
        let s = analyse(text);
        assert_eq!(s.quotes.len(), 2);
        assert_eq!(
            &text[s.quotes[0].start as usize..s.quotes[0].end as usize],
            "“Social workers failed Baby K.”"
        );
        let quoted: Vec<&str> = s
            .sentences
            .iter()
            .filter(|x| x.flags & abi::SENTENCE_QUOTED != 0)
            .map(|x| &text[x.span.start as usize..x.span.end as usize])
            .collect();
        assert_eq!(quoted, vec!["“They should have known.”"]);
    }

    #[test]
    fn a_mark_is_found_whole_not_by_its_last_byte() {
        // "Ŝ" ends in the byte that ends "“" (0x9C), and "Ř" in the one that
        // ends "‘" (0x98); neither is the mark.
        let text = "Ŝa “b” Ř ‘c’ \"d\"";
        for mark in ['“', '”', '‘', '’', '"'] {
            let by_chars: Vec<usize> = text.match_indices(mark).map(|(i, _)| i).collect();
            let mut found = Vec::new();
            let mut from = 0;
            while let Some(at) = find_mark(text, from, mark) {
                found.push(at);
                from = at + mark.len_utf8();
            }
            assert_eq!(found, by_chars, "{mark}");
        }
        assert_eq!(find_mark(text, text.len(), '"'), None);
    }

    #[test]
    fn apostrophes_are_not_quotes() {
        let s = analyse("The child’s mother said the school’s nurse had not visited.\n");
        assert!(s.quotes.is_empty());
    }

    #[test]
    fn recommendations_are_items_of_the_recommendations_section() {
        let text = "## Recommendations\n\nThe Board should:\n\n1. Revise the escalation policy by June 2024.\n2. Audit strategy discussions.\n\n## Conclusion\n\n1. Not a recommendation.\n";
        let s = analyse(text);
        let recs: Vec<&str> = s
            .recommendations
            .iter()
            .map(|r| &text[r.span.start as usize..r.span.end as usize])
            .collect();
        assert_eq!(
            recs,
            vec![
                "1. Revise the escalation policy by June 2024.",
                "2. Audit strategy discussions."
            ]
        );
        assert_eq!(s.recommendations[0].number, 1);
        assert!(
            s.sentences
                .iter()
                .any(|x| x.flags & abi::SENTENCE_RECOMMENDATION != 0)
        );
    }

    #[test]
    fn recommendation_paragraphs_are_found_anywhere() {
        let text = "FINDINGS\n\nRecommendation 3: the Trust should publish a policy.\n";
        assert_eq!(analyse(text).recommendations.len(), 1);
    }

    #[test]
    fn a_hinted_line_is_a_heading_whatever_its_words() {
        let text = "Why nobody asked\n\nThe mother was not asked.\n";
        assert!(
            analyse(text)
                .sections
                .iter()
                .all(|s| s.heading.start == s.heading.end)
        );
        let hinted = analyse_with(
            text,
            &[HeadingHint {
                line_start: 0,
                level: 2,
            }],
        );
        assert_eq!(hinted.sections[0].heading, Span { start: 0, end: 16 });
        assert_eq!(hinted.sections[0].level, 2);
    }

    #[test]
    fn form_feeds_mark_pages() {
        let s = analyse("page one\u{c}page two\u{c}page three");
        assert_eq!(
            s.pages.iter().map(|p| p.number).collect::<Vec<_>>(),
            vec![1, 2, 3]
        );
    }

    #[test]
    fn every_span_is_on_a_char_boundary_and_inside_the_text() {
        let text = "# Über Kind Ä\n\n“Quoted – with dashes.” Then more… And é.\n\n- item ü\n";
        let s = analyse(text);
        for span in s
            .sentences
            .iter()
            .map(|x| x.span)
            .chain(s.quotes.iter().copied())
            .chain(s.paragraphs.iter().map(|p| p.span))
        {
            assert!(span.start <= span.end && span.end as usize <= text.len());
            assert!(
                text.is_char_boundary(span.start as usize)
                    && text.is_char_boundary(span.end as usize)
            );
        }
    }
}
