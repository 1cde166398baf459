//! The one shape every structured reader (PDF, Word, ODF, HTML) produces: a
//! sequence of blocks (headings, paragraphs, list items) with the page each
//! starts on. Composing a draft gives the document's text, one block to a
//! paragraph, pages separated by form feeds, plus the headings the reader
//! saw in the file's own formatting (a style, a font size) as hints for
//! [`super::structure`], so the text itself carries no invented mark-up.

/// What a block is, as the source file said it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BlockKind {
    /// A heading at a level (1 is the top).
    Heading(u32),
    Paragraph,
    /// A list item; the reader has already put its marker ("• ", "3. ")
    /// in the text where the file only implied it.
    ListItem,
    /// A table, a row to a line in the pipe form of a markdown table, the
    /// first row its header: what the scorers already read row by row
    /// (a recommendations table's Owner and By columns).
    Table,
}

/// One block of text.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub kind: BlockKind,
    /// The block's text on one line (a table's, a row to a line). A form
    /// feed inside it marks where a paragraph runs on to the next page.
    pub text: String,
    /// The 1-based page the block starts on, for paged sources.
    pub page: Option<u32>,
}

/// A reader's output.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Draft {
    pub blocks: Vec<Block>,
}

/// A heading the reader saw: the byte offset where its line starts in the
/// composed text, and its level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct HeadingHint {
    pub line_start: usize,
    pub level: u32,
}

impl Draft {
    /// Appends a block, dropping one that holds no text.
    pub fn push(&mut self, kind: BlockKind, text: &str, page: Option<u32>) {
        let text = collapse_spaces(text);
        if !text.is_empty() {
            self.blocks.push(Block { kind, text, page });
        }
    }

    /// Appends a table, each cell's white space collapsed, as pipe-table
    /// lines with a separator after the header row. Empty rows are dropped.
    pub fn push_table(&mut self, rows: &[Vec<String>], page: Option<u32>) {
        let rows: Vec<Vec<String>> = rows
            .iter()
            .map(|row| {
                row.iter()
                    .map(|cell| collapse_spaces(cell).replace('|', "/"))
                    .collect()
            })
            .filter(|row: &Vec<String>| row.iter().any(|cell| !cell.is_empty()))
            .collect();
        let Some(width) = rows.iter().map(Vec::len).max() else {
            return;
        };
        let line = |row: &Vec<String>| format!("| {} |", row.join(" | "));
        let mut lines = vec![line(&rows[0])];
        lines.push(format!("|{}", "---|".repeat(width)));
        lines.extend(rows[1..].iter().map(line));
        self.blocks.push(Block {
            kind: BlockKind::Table,
            text: lines.join("\n"),
            page,
        });
    }

    /// True when no block has any letter or digit in it.
    pub fn has_no_text(&self) -> bool {
        !self
            .blocks
            .iter()
            .any(|b| b.text.chars().any(char::is_alphanumeric))
    }

    /// The text, blocks separated by blank lines and pages by form feeds,
    /// and the headings' positions in it.
    pub fn compose(&self) -> (String, Vec<HeadingHint>) {
        let mut text = String::new();
        let mut headings = Vec::new();
        let mut page = 1;
        for block in &self.blocks {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            if let Some(starts_on) = block.page {
                while page < starts_on {
                    text.push_str("\u{c}\n");
                    page += 1;
                }
            }
            if let BlockKind::Heading(level) = block.kind {
                headings.push(HeadingHint {
                    line_start: text.len(),
                    level,
                });
            }
            text.push_str(&block.text);
            page += block.text.matches('\u{c}').count() as u32;
        }
        text.push('\n');
        (text, headings)
    }
}

/// Runs of white space become one space (a form feed, which marks a page,
/// is kept); the ends are trimmed.
pub fn collapse_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending: Option<char> = None;
    for c in text.chars() {
        if c.is_whitespace() {
            if c == '\u{c}' || pending.is_none() {
                pending = Some(if pending == Some('\u{c}') { '\u{c}' } else { c });
            }
            continue;
        }
        if let Some(space) = pending.take()
            && !out.is_empty()
        {
            out.push(if space == '\u{c}' { '\u{c}' } else { ' ' });
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composing_separates_blocks_and_pages_and_records_headings() {
        let mut draft = Draft::default();
        draft.push(BlockKind::Heading(1), "  1.  Purpose ", Some(1));
        draft.push(BlockKind::Paragraph, "The review\n asked why.", Some(1));
        draft.push(BlockKind::Paragraph, "   ", Some(2));
        draft.push(BlockKind::ListItem, "• An item", Some(3));
        let (text, headings) = draft.compose();
        assert_eq!(
            text,
            "1. Purpose\n\nThe review asked why.\n\n\u{c}\n\u{c}\n• An item\n"
        );
        assert_eq!(
            headings,
            vec![HeadingHint {
                line_start: 0,
                level: 1
            }]
        );
    }

    #[test]
    fn a_table_is_a_pipe_table_a_row_to_a_line() {
        let mut draft = Draft::default();
        let cell = |t: &str| t.to_string();
        draft.push_table(
            &[
                vec![cell("No."), cell("Recommendation"), cell("Owner")],
                vec![cell(""), cell(""), cell("")],
                vec![
                    cell("1"),
                    cell("Revise the\n protocol | now."),
                    cell("Head of Service"),
                ],
            ],
            None,
        );
        let (text, _) = draft.compose();
        assert_eq!(
            text,
            "| No. | Recommendation | Owner |\n|---|---|---|\n| 1 | Revise the protocol / now. | Head of Service |\n"
        );
    }

    #[test]
    fn a_paragraph_running_over_a_page_keeps_its_page_mark() {
        let mut draft = Draft::default();
        draft.push(BlockKind::Paragraph, "runs on \u{c} to the next", Some(1));
        draft.push(BlockKind::Paragraph, "Then this.", Some(2));
        let (text, _) = draft.compose();
        assert_eq!(text, "runs on\u{c}to the next\n\nThen this.\n");
    }
}
