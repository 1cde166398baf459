//! OpenDocument text (.odt): `content.xml`, one block per `text:h` (a
//! heading, its level from `text:outline-level`) or `text:p` (a list item
//! when inside `text:list-item`). Running heads live in `styles.xml` and
//! notes and annotations are skipped, so neither reaches the text.

use super::archive::Archive;
use super::draft::{BlockKind, Draft};
use super::xml::{attribute, malformed, reference};
use super::{Fault, Limits};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// Reads an .odt into a draft.
pub fn read(bytes: &[u8], limits: &Limits) -> Result<Draft, Fault> {
    let mut archive = Archive::open(bytes, limits, "OpenDocument")?;
    let content = archive.text("content.xml")?.ok_or_else(|| {
        Fault::Corrupt("the archive has no content.xml, so it is not an OpenDocument file".into())
    })?;
    parse_content(&content)
}

/// The block being read.
struct Open {
    kind: BlockKind,
    text: String,
    /// Nesting depth of elements inside the block, so that a `text:p` inside
    /// a note inside a paragraph does not end the paragraph.
    depth: usize,
}

#[derive(Default)]
struct Content {
    draft: Draft,
    open: Option<Open>,
    list_depth: usize,
    /// Depth inside a note or annotation, whose text is not the body's.
    skipping: usize,
}

impl Content {
    fn start(&mut self, e: &BytesStart<'_>, is_start: bool) {
        let name = e.name();
        let name = name.as_ref();
        if self.skipping > 0 {
            self.skipping += usize::from(is_start);
            return;
        }
        if matches!(
            name,
            "text:note" | "office:annotation" | "text:tracked-changes"
        ) {
            self.skipping = usize::from(is_start);
            return;
        }
        if let Some(open) = self.open.as_mut() {
            match name {
                "text:s" => {
                    let count: usize = attribute(e, "text:c")
                        .and_then(|c| c.parse().ok())
                        .unwrap_or(1);
                    open.text.push_str(&" ".repeat(count.min(64)));
                }
                "text:tab" | "text:line-break" => open.text.push(' '),
                _ => open.depth += usize::from(is_start),
            }
            return;
        }
        let kind = match name {
            "text:h" => {
                let level = attribute(e, "text:outline-level")
                    .and_then(|l| l.parse().ok())
                    .unwrap_or(1u32);
                BlockKind::Heading(level.clamp(1, 9))
            }
            "text:p" if self.list_depth > 0 => BlockKind::ListItem,
            "text:p" => BlockKind::Paragraph,
            "text:list-item" => {
                self.list_depth += usize::from(is_start);
                return;
            }
            _ => return,
        };
        if is_start {
            let text = if kind == BlockKind::ListItem {
                "• "
            } else {
                ""
            };
            self.open = Some(Open {
                kind,
                text: text.into(),
                depth: 0,
            });
        }
    }

    fn end(&mut self, name: &str) {
        if self.skipping > 0 {
            self.skipping -= 1;
            return;
        }
        match self.open.as_mut() {
            Some(open) if open.depth > 0 => open.depth -= 1,
            Some(_) => {
                if let Some(open) = self.open.take() {
                    self.draft.push(open.kind, &open.text, None);
                }
            }
            None if name == "text:list-item" => self.list_depth = self.list_depth.saturating_sub(1),
            None => {}
        }
    }

    fn text(&mut self, text: &str) {
        if self.skipping == 0
            && let Some(open) = self.open.as_mut()
        {
            open.text.push_str(text);
        }
    }
}

fn parse_content(xml: &str) -> Result<Draft, Fault> {
    let mut reader = Reader::from_str(xml);
    let mut content = Content::default();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| malformed("content.xml", e))?;
        match event {
            Event::Eof => break,
            Event::Start(e) => content.start(&e, true),
            Event::Empty(e) => content.start(&e, false),
            Event::End(e) => content.end(e.name().as_ref()),
            Event::Text(t) => content.text(&t.xml10_content()),
            Event::GeneralRef(r) => content.text(&reference(&r)),
            _ => {}
        }
    }
    Ok(content.draft)
}
