//! Word (.docx): the body of `word/document.xml`, one block per paragraph.
//! Headings come from the paragraph style ("Heading 1", "Title", or any style
//! with an outline level, following `basedOn`), list items from a numbering
//! reference or a list style. Headers, footers and footnotes live in other
//! parts of the archive and are not read, so running heads never reach the
//! text.

use super::archive::Archive;
use super::draft::{BlockKind, Draft};
use super::xml::{attribute, malformed, reference};
use super::{Fault, Limits};
use quick_xml::Reader;
use quick_xml::events::Event;
use std::collections::HashMap;

/// What a paragraph style means for structure.
#[derive(Clone, Debug, Default)]
struct Style {
    name: String,
    based_on: Option<String>,
    outline_level: Option<u32>,
    list: bool,
}

/// Reads a .docx into a draft.
pub fn read(bytes: &[u8], limits: &Limits) -> Result<Draft, Fault> {
    let mut archive = Archive::open(bytes, limits, "Word")?;
    let body = archive.text("word/document.xml")?.ok_or_else(|| {
        Fault::Corrupt("the archive has no word/document.xml, so it is not a Word document".into())
    })?;
    let styles = match archive.text("word/styles.xml")? {
        Some(xml) => parse_styles(&xml)?,
        None => HashMap::new(),
    };
    parse_body(&body, &styles)
}

fn parse_styles(xml: &str) -> Result<HashMap<String, Style>, Fault> {
    let mut reader = Reader::from_str(xml);
    let mut styles = HashMap::new();
    let mut current: Option<(String, Style)> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| malformed("word/styles.xml", e))?;
        match event {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let name = e.name();
                match (name.as_ref(), current.as_mut()) {
                    ("w:style", _) => {
                        current = attribute(&e, "w:styleId").map(|id| (id, Style::default()));
                    }
                    ("w:name", Some((_, style))) => {
                        style.name = attribute(&e, "w:val").unwrap_or_default().to_lowercase();
                    }
                    ("w:basedOn", Some((_, style))) => style.based_on = attribute(&e, "w:val"),
                    ("w:outlineLvl", Some((_, style))) => {
                        style.outline_level = attribute(&e, "w:val").and_then(|v| v.parse().ok());
                    }
                    ("w:numPr", Some((_, style))) => style.list = true,
                    _ => {}
                }
            }
            Event::End(e) if e.name().as_ref() == "w:style" => {
                if let Some((id, style)) = current.take() {
                    styles.insert(id, style);
                }
            }
            _ => {}
        }
    }
    Ok(styles)
}

/// The heading level a style gives, following `basedOn` a few steps.
fn heading_level(styles: &HashMap<String, Style>, id: &str) -> Option<u32> {
    let mut id = id.to_string();
    for _ in 0..8 {
        let Some(style) = styles.get(&id) else {
            return level_from_name(&id.to_lowercase());
        };
        if let Some(level) = level_from_name(&style.name) {
            return Some(level);
        }
        if let Some(level) = style.outline_level {
            return (level < 9).then_some(level + 1);
        }
        id = style.based_on.clone()?;
    }
    None
}

/// "heading 2" (or the id "Heading2") is level 2; a title is level 1.
fn level_from_name(name: &str) -> Option<u32> {
    if name == "title" {
        return Some(1);
    }
    let rest = name.strip_prefix("heading")?.trim();
    rest.parse().ok().filter(|l| (1..=9).contains(l))
}

/// Whether a style makes a list item, and whether a numbered one.
fn list_style(styles: &HashMap<String, Style>, id: &str) -> Option<bool> {
    let style = styles.get(id);
    let name = style.map_or_else(|| id.to_lowercase(), |s| s.name.clone());
    // "List Bullet", "List Number", "List Paragraph", or a style that numbers.
    let list = style.is_some_and(|s| s.list) || name.starts_with("list");
    list.then(|| name.contains("number"))
}

/// The paragraph being read.
#[derive(Default)]
struct Paragraph {
    style: Option<String>,
    numbering: bool,
    outline_level: Option<u32>,
    text: String,
}

struct Body<'s> {
    styles: &'s HashMap<String, Style>,
    draft: Draft,
    /// The last number given in each numbered list style.
    numbers: HashMap<String, u32>,
    paragraph: Option<Paragraph>,
    /// Inside `w:t`, where the words are (elsewhere text is layout white space).
    in_text: bool,
    /// The table being read, a row of cells at a time; a table inside a
    /// cell is read as that cell's text.
    table: Option<Vec<Vec<String>>>,
    /// How deep in tables the reader is.
    table_depth: usize,
}

impl Body<'_> {
    fn element(&mut self, e: &quick_xml::events::BytesStart<'_>, is_start: bool) {
        let name = e.name();
        if is_start && self.table_element(name.as_ref()) {
            return;
        }
        if name.as_ref() == "w:p" {
            self.finish_paragraph();
            self.paragraph = Some(Paragraph::default());
            return;
        }
        if name.as_ref() == "w:t" {
            self.in_text = is_start;
            return;
        }
        let Some(p) = self.paragraph.as_mut() else {
            return;
        };
        match name.as_ref() {
            "w:pStyle" => p.style = attribute(e, "w:val"),
            "w:numPr" => p.numbering = true,
            "w:outlineLvl" => p.outline_level = attribute(e, "w:val").and_then(|v| v.parse().ok()),
            "w:tab" | "w:br" | "w:cr" => p.text.push(' '),
            "w:noBreakHyphen" => p.text.push('-'),
            _ => {}
        }
    }

    /// Opens a table, a row or a cell; true when `name` was one of them.
    fn table_element(&mut self, name: &str) -> bool {
        match name {
            "w:tbl" => {
                self.finish_paragraph();
                self.table_depth += 1;
                if self.table_depth == 1 {
                    self.table = Some(Vec::new());
                }
            }
            "w:tr" if self.table_depth == 1 => {
                if let Some(rows) = self.table.as_mut() {
                    rows.push(Vec::new());
                }
            }
            "w:tc" if self.table_depth == 1 => {
                if let Some(row) = self.table.as_mut().and_then(|rows| rows.last_mut()) {
                    row.push(String::new());
                }
            }
            "w:tr" | "w:tc" => {}
            _ => return false,
        }
        true
    }

    /// Closes a table: the outermost becomes one block.
    fn end_table(&mut self) {
        self.finish_paragraph();
        self.table_depth = self.table_depth.saturating_sub(1);
        if self.table_depth == 0
            && let Some(rows) = self.table.take()
        {
            self.draft.push_table(&rows, None);
        }
    }

    fn push_text(&mut self, text: &str) {
        if let Some(p) = self.paragraph.as_mut() {
            p.text.push_str(text);
        }
    }

    fn finish_paragraph(&mut self) {
        let Some(p) = self.paragraph.take() else {
            return;
        };
        let style_level = p
            .style
            .as_deref()
            .and_then(|s| heading_level(self.styles, s));
        let level = style_level.or(p.outline_level.filter(|&l| l < 9).map(|l| l + 1));
        let list = p
            .style
            .as_deref()
            .and_then(|s| list_style(self.styles, s))
            .or(p.numbering.then_some(false));
        let (kind, text) = match (level, list) {
            (Some(level), _) => (BlockKind::Heading(level), p.text),
            (None, Some(true)) => {
                let key = p.style.unwrap_or_default();
                let number = self.numbers.entry(key).or_default();
                *number += 1;
                (BlockKind::ListItem, format!("{number}. {}", p.text))
            }
            (None, Some(false)) => (BlockKind::ListItem, format!("• {}", p.text)),
            (None, None) => (BlockKind::Paragraph, p.text),
        };
        if let Some(cell) = self
            .table
            .as_mut()
            .and_then(|rows| rows.last_mut())
            .and_then(|row| row.last_mut())
        {
            // A paragraph in a table cell is part of that cell.
            if !cell.is_empty() {
                cell.push(' ');
            }
            cell.push_str(&text);
            return;
        }
        self.draft.push(kind, &text, None);
    }
}

fn parse_body(xml: &str, styles: &HashMap<String, Style>) -> Result<Draft, Fault> {
    let mut reader = Reader::from_str(xml);
    let mut body = Body {
        styles,
        draft: Draft::default(),
        numbers: HashMap::new(),
        paragraph: None,
        in_text: false,
        table: None,
        table_depth: 0,
    };
    loop {
        let event = reader
            .read_event()
            .map_err(|e| malformed("word/document.xml", e))?;
        match event {
            Event::Eof => break,
            Event::Start(e) => body.element(&e, true),
            Event::Empty(e) => body.element(&e, false),
            Event::End(e) => match e.name().as_ref() {
                "w:t" => body.in_text = false,
                "w:p" => body.finish_paragraph(),
                "w:tbl" => body.end_table(),
                _ => {}
            },
            Event::Text(t) if body.in_text => body.push_text(&t.xml10_content()),
            Event::GeneralRef(r) if body.in_text => body.push_text(&reference(&r)),
            _ => {}
        }
    }
    body.finish_paragraph();
    Ok(body.draft)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = r#"<w:document><w:body>
<w:p><w:r><w:t>Recommendations</w:t></w:r></w:p>
<w:tbl>
<w:tr><w:tc><w:p><w:r><w:t>Recommendation</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Owner</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:p><w:r><w:t>Amend the transfer protocol.</w:t></w:r></w:p><w:p><w:r><w:t>Audit 20 transfers.</w:t></w:r></w:p></w:tc>
<w:tc><w:p><w:r><w:t>Head of Service</w:t></w:r></w:p></w:tc></w:tr>
</w:tbl>
<w:p><w:r><w:t>After the table.</w:t></w:r></w:p>
</w:body></w:document>"#;

    #[test]
    fn a_word_table_is_read_a_row_to_a_line() {
        let draft = parse_body(BODY, &HashMap::new()).unwrap();
        let (text, _) = draft.compose();
        assert_eq!(
            text,
            "Recommendations\n\n| Recommendation | Owner |\n|---|---|\n| Amend the transfer protocol. Audit 20 transfers. | Head of Service |\n\nAfter the table.\n"
        );
    }
}
