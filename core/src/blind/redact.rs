//! Finding the passages that reveal a case's outcome. Removal follows the
//! host's structure: a rule takes out a whole sentence, paragraph or section
//! (with its subsections), never a fragment, so what is left still reads.

use super::log::{Action, Entry};
use super::rules::{Rules, Scope, Unit};
use crate::document::{Document, LineIndex};
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// What outcome blinding decided for one document: byte ranges to remove
/// (sorted, disjoint) and the log of each decision.
#[derive(Debug, Default)]
pub struct Removals {
    pub ranges: Vec<Range<usize>>,
    pub entries: Vec<Entry>,
}

impl Removals {
    /// Whether `span` touches a removed range.
    pub fn touches(&self, span: &Range<usize>) -> bool {
        let i = self.ranges.partition_point(|r| r.end <= span.start);
        self.ranges.get(i).is_some_and(|r| r.start < span.end)
    }
}

/// Decides what to remove from `document`, and which kept passages to flag.
pub fn outcome_passages(document: &Document, rules: &Rules) -> Removals {
    let lines = &document.line_index();
    let mut removals = Removals::default();
    let mut ranges = section_removals(document, lines, rules, &mut removals.entries);
    for sentence in &document.structure.sentences {
        let span = sentence.span.start as usize..sentence.span.end as usize;
        if covered(&ranges, &span) {
            continue;
        }
        let text = &document.text[span.clone()];
        let Some(rule) = rules
            .outcome
            .iter()
            .filter(|r| r.scope == Scope::Text)
            .find(|r| r.patterns.iter().any(|p| p.is_match(text)))
        else {
            continue;
        };
        let range = match rule.remove {
            Unit::Sentence => without_paragraph_number(&document.text, span),
            Unit::Paragraph => paragraph_span(document, sentence.paragraph as usize),
            Unit::Section | Unit::Heading => {
                section_with_subsections(document, sentence.section as usize)
            }
        };
        removals.entries.push(Entry::new(
            document,
            lines,
            &range,
            Action::Removed(rule.remove),
            &rule.id,
            &rule.note,
        ));
        ranges.push(range);
    }
    ranges.extend(emptied_paragraphs(document, &ranges));
    removals.ranges = merge(ranges);
    flag_kept_sentences(document, lines, rules, &mut removals);
    removals.entries.sort_by_key(|e| e.start);
    removals
}

/// Sections whose heading matches a heading rule, each with its subsections.
fn section_removals(
    document: &Document,
    lines: &LineIndex<'_>,
    rules: &Rules,
    entries: &mut Vec<Entry>,
) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    for (i, section) in document.structure.sections.iter().enumerate() {
        let heading = &document.text[section.heading.start as usize..section.heading.end as usize];
        if heading.is_empty()
            || covered(
                &ranges,
                &(section.span.start as usize..section.span.end as usize),
            )
        {
            continue;
        }
        let Some(rule) = rules
            .outcome
            .iter()
            .filter(|r| r.scope == Scope::Heading)
            .find(|r| r.patterns.iter().any(|p| p.is_match(heading)))
        else {
            continue;
        };
        let range = section_with_subsections(document, i);
        entries.push(Entry::new(
            document,
            lines,
            &range,
            Action::Removed(Unit::Section),
            &rule.id,
            &rule.note,
        ));
        ranges.push(range);
    }
    ranges
}

/// A sentence without the paragraph number it opens with ("3.7 "), so the
/// numbering of what is kept still runs.
fn without_paragraph_number(text: &str, span: Range<usize>) -> Range<usize> {
    let number = PARAGRAPH_NUMBER
        .find(&text[span.clone()])
        .map_or(0, |m| m.end());
    span.start + number..span.end
}

static PARAGRAPH_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{1,2}(?:\.\d{1,3})+\s+").expect("a valid pattern"));

fn covered(ranges: &[Range<usize>], span: &Range<usize>) -> bool {
    ranges
        .iter()
        .any(|r| r.start <= span.start && span.end <= r.end)
}

fn paragraph_span(document: &Document, index: usize) -> Range<usize> {
    document
        .structure
        .paragraphs
        .get(index)
        .map_or(0..0, |p| p.span.start as usize..p.span.end as usize)
}

/// A section and every deeper section that follows it.
fn section_with_subsections(document: &Document, index: usize) -> Range<usize> {
    let sections = &document.structure.sections;
    let Some(section) = sections.get(index) else {
        return 0..0;
    };
    let end = sections[index + 1..]
        .iter()
        .find(|s| s.level <= section.level)
        .map_or(document.text.len(), |s| s.span.start as usize);
    section.span.start as usize..end
}

/// Paragraphs left with fewer than [`FEWEST_KEPT_WORDS`] words once their
/// sentences are gone (a bare "3.7", or a label such as "Finding 2."): they go
/// too, so no stub is left to hint at what was there.
fn emptied_paragraphs(document: &Document, ranges: &[Range<usize>]) -> Vec<Range<usize>> {
    document
        .structure
        .paragraphs
        .iter()
        .map(|p| p.span.start as usize..p.span.end as usize)
        .filter(|span| {
            let cuts: Vec<&Range<usize>> = ranges
                .iter()
                .filter(|r| r.start < span.end && span.start < r.end)
                .collect();
            !cuts.is_empty() && kept_words(&document.text, span, &cuts) < FEWEST_KEPT_WORDS
        })
        .collect()
}

/// A paragraph with fewer words than this left is removed whole.
const FEWEST_KEPT_WORDS: usize = 3;

fn kept_words(text: &str, span: &Range<usize>, cuts: &[&Range<usize>]) -> usize {
    let mut kept = String::new();
    let mut at = span.start;
    for cut in cuts {
        if cut.start > at {
            kept.push_str(&text[at..cut.start.min(span.end)]);
        }
        at = at.max(cut.end);
    }
    if at < span.end {
        kept.push_str(&text[at..span.end]);
    }
    kept.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .count()
}

/// Sorted, disjoint ranges.
fn merge(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.retain(|r| r.start < r.end);
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// Sentences kept that hold a word a person should look at again.
fn flag_kept_sentences(
    document: &Document,
    lines: &LineIndex<'_>,
    rules: &Rules,
    removals: &mut Removals,
) {
    for sentence in &document.structure.sentences {
        let span = sentence.span.start as usize..sentence.span.end as usize;
        if removals.touches(&span) {
            continue;
        }
        let text = &document.text[span.clone()];
        if let Some(rule) = rules
            .flag
            .iter()
            .find(|r| r.patterns.iter().any(|p| p.is_match(text)))
        {
            removals.entries.push(Entry::new(
                document,
                lines,
                &span,
                Action::Flagged,
                &rule.id,
                &rule.note,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest;
    use std::path::Path;

    fn removed_text(text: &str) -> (Vec<String>, String) {
        let document = ingest::from_text(Path::new("case.md"), text.to_string());
        let rules = Rules::load(&[]).unwrap();
        let removals = outcome_passages(&document, &rules);
        let removed = removals
            .ranges
            .iter()
            .map(|r| text[r.clone()].to_string())
            .collect();
        let mut kept = String::new();
        let mut at = 0;
        for r in &removals.ranges {
            kept.push_str(&text[at..r.start]);
            at = r.end;
        }
        kept.push_str(&text[at..]);
        (removed, kept.replace("  ", " "))
    }

    #[test]
    fn a_sentence_naming_the_death_goes_whole_and_its_neighbours_stay() {
        let text = "# Review\n\n## 3. Key events\n\nThe health visitor saw bruises on the arm. Three weeks later the child died at home. The GP was not told.\n";
        let (removed, kept) = removed_text(text);
        assert_eq!(removed, vec!["Three weeks later the child died at home."]);
        assert!(kept.contains("The health visitor saw bruises on the arm."));
        assert!(kept.contains("The GP was not told."));
    }

    #[test]
    fn a_post_mortem_takes_its_paragraph() {
        let text = "# Review\n\n## Findings\n\nThe school made a referral. It was accepted.\n\nThe post-mortem found old fractures. They had healed.\n\nSupervision was regular.\n";
        let (removed, kept) = removed_text(text);
        assert_eq!(removed.len(), 1);
        assert!(removed[0].contains("old fractures") && removed[0].contains("They had healed."));
        assert!(kept.contains("Supervision was regular."));
    }

    #[test]
    fn a_section_about_the_trial_goes_with_its_subsections() {
        let text = "# Review\n\n## 2. Practice\n\nThe referral was made.\n\n## 5. Criminal proceedings\n\nThe father was charged.\n\n### 5.1 Later\n\nA date was set.\n\n## 6. Learning\n\nSupervision matters.\n";
        let (_, kept) = removed_text(text);
        assert!(!kept.contains("charged") && !kept.contains("A date was set"));
        assert!(kept.contains("The referral was made.") && kept.contains("Supervision matters."));
    }

    #[test]
    fn a_numbered_paragraph_emptied_of_sentences_leaves_no_stub() {
        let text = "# Review\n\n## 3. Events\n\n3.6 The GP saw the child for a rash.\n\n3.7 The child died in hospital.\n\n3.8 The case was closed.\n";
        let (_, kept) = removed_text(text);
        assert!(!kept.contains("3.7"), "{kept}");
        assert!(kept.contains("3.6") && kept.contains("3.8"));
    }

    #[test]
    fn a_paragraph_keeps_its_number_when_its_first_sentence_goes() {
        let text = "# Review\n\n## 3. Events\n\n3.7 The child died in hospital. The GP had seen him for a rash.\n";
        let (_, kept) = removed_text(text);
        assert!(kept.contains("3.7 The GP had seen him"), "{kept}");
    }
}
