//! The redaction log: every passage removed, every detail replaced and every
//! passage flagged, located in the original, with the rule that did it, so a
//! person can check that nothing revealing remains. It holds the removed text,
//! so it goes beside the key, never to the panel.

use super::rules::Unit;
use crate::document::{Document, LineIndex};
use serde::Serialize;
use std::fmt::Write as _;
use std::ops::Range;

/// The most characters of a removed passage the log quotes.
const MAX_QUOTED_CHARS: usize = 300;

/// What blinding did to a passage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "action", content = "unit", rename_all = "lowercase")]
pub enum Action {
    /// Taken out because it reveals the outcome.
    Removed(Unit),
    /// An identifying detail replaced by a placeholder.
    Replaced,
    /// Kept, but a person should look at it.
    Flagged,
}

/// One line of the log.
#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    #[serde(flatten)]
    pub action: Action,
    pub rule: String,
    /// Byte offsets in the original file.
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
    /// The original passage (shortened if long).
    pub text: String,
    /// What replaced it, for a replaced detail.
    pub replacement: Option<String>,
    pub note: String,
}

impl Entry {
    pub fn new(
        document: &Document,
        lines: &LineIndex<'_>,
        span: &Range<usize>,
        action: Action,
        rule: &str,
        note: &str,
    ) -> Entry {
        Entry {
            action,
            rule: rule.to_string(),
            start: span.start,
            end: span.end,
            line: lines.line(span.start),
            column: lines.column(span.start),
            text: quoted(&document.text[span.clone()]),
            replacement: None,
            note: note.to_string(),
        }
    }
}

/// A passage on one line, shortened to what a person needs to find it.
fn quoted(passage: &str) -> String {
    let flat = passage.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= MAX_QUOTED_CHARS {
        return flat;
    }
    let short: String = flat.chars().take(MAX_QUOTED_CHARS).collect();
    format!("{short}…")
}

/// One case's part of the log.
#[derive(Clone, Debug, Serialize)]
pub struct CaseLog {
    pub code: String,
    pub original: String,
    pub removed: usize,
    pub replaced: usize,
    pub flagged: usize,
    pub entries: Vec<Entry>,
}

/// The whole log as Markdown, case by case, for a person to read beside the
/// originals.
pub fn markdown(cases: &[CaseLog]) -> String {
    let mut out = String::from(
        "# Redaction log\n\nEvery passage removed, detail replaced and passage flagged for checking, by case. \
         Lines and columns are in the original file. This log quotes what was removed: keep it with the key, away from the panel.\n",
    );
    for case in cases {
        let _ = write!(
            out,
            "\n## {} ({})\n\n{} removed, {} replaced, {} flagged for checking.\n\n",
            case.code, case.original, case.removed, case.replaced, case.flagged
        );
        for e in &case.entries {
            let what = match e.action {
                Action::Removed(Unit::Sentence) => "removed sentence".to_string(),
                Action::Removed(Unit::Paragraph) => "removed paragraph".to_string(),
                Action::Removed(Unit::Section) => "removed section".to_string(),
                Action::Removed(Unit::Heading) => "removed heading".to_string(),
                Action::Replaced => {
                    format!("replaced → {}", e.replacement.as_deref().unwrap_or(""))
                }
                Action::Flagged => "CHECK".to_string(),
            };
            let _ = writeln!(
                out,
                "- {}:{} [{}] {}: {}",
                e.line, e.column, e.rule, what, e.text
            );
        }
    }
    out
}
