//! The host's document: the text of one review and the structure computed
//! from it once, in the ABI's own `#[repr(C)]` types so that every plugin call
//! borrows the same arrays without conversion.

use lessons_plugin::abi::{
    self, DocumentView, Item, Page, Paragraph, Section, Sentence, Span, StrRef,
};
use std::path::PathBuf;

/// One review, read and analysed.
#[derive(Clone, Debug, Default)]
pub struct Document {
    /// The file stem: the review's id in every output.
    pub id: String,
    pub path: PathBuf,
    pub title: String,
    pub text: String,
    pub structure: Structure,
}

/// Everything the host recovers from the text. All spans are byte offsets into
/// the text, on UTF-8 boundaries, sorted by start.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Structure {
    pub sections: Vec<Section>,
    pub paragraphs: Vec<Paragraph>,
    pub sentences: Vec<Sentence>,
    pub quotes: Vec<Span>,
    pub list_items: Vec<Item>,
    pub recommendations: Vec<Item>,
    pub pages: Vec<Page>,
    pub words: usize,
}

impl Document {
    /// The borrowed view a plugin's `score` receives. Valid while `self` is.
    pub fn view(&self) -> DocumentView {
        let s = &self.structure;
        DocumentView {
            struct_size: std::mem::size_of::<DocumentView>() as u32,
            id: StrRef::new(&self.id),
            title: StrRef::new(&self.title),
            text: StrRef::new(&self.text),
            sections: s.sections.as_ptr(),
            sections_len: s.sections.len(),
            paragraphs: s.paragraphs.as_ptr(),
            paragraphs_len: s.paragraphs.len(),
            sentences: s.sentences.as_ptr(),
            sentences_len: s.sentences.len(),
            quotes: s.quotes.as_ptr(),
            quotes_len: s.quotes.len(),
            list_items: s.list_items.as_ptr(),
            list_items_len: s.list_items.len(),
            recommendations: s.recommendations.as_ptr(),
            recommendations_len: s.recommendations.len(),
            pages: s.pages.as_ptr(),
            pages_len: s.pages.len(),
            // Id, title and text are Rust strings: UTF-8 by construction.
            flags: abi::DOCUMENT_TEXT_UTF8,
        }
    }

    /// Where each line starts, for locating evidence: built once per
    /// document, so that each lookup is a binary search, not a scan.
    pub fn line_index(&self) -> LineIndex<'_> {
        let starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1))
            .collect();
        LineIndex {
            text: &self.text,
            starts,
        }
    }

    /// The page number holding a byte offset, for paged sources. Pages are
    /// in order and do not overlap: a binary search, as for sections, not a
    /// scan of every page for each piece of evidence.
    pub fn page_of(&self, offset: usize) -> Option<u32> {
        let pages = &self.structure.pages;
        let i = pages.partition_point(|p| (p.span.end as usize) <= offset);
        pages
            .get(i)
            .filter(|p| (p.span.start as usize) <= offset)
            .map(|p| p.number)
    }

    /// The heading of the section holding a byte offset.
    pub fn section_heading_of(&self, offset: usize) -> &str {
        let sections = &self.structure.sections;
        let i = sections.partition_point(|s| (s.span.start as usize) <= offset);
        if i == 0 {
            return "";
        }
        let heading = sections[i - 1].heading;
        &self.text[heading.start as usize..heading.end as usize]
    }

    /// The kind name of the section holding a byte offset.
    pub fn section_kind_of(&self, offset: usize) -> &'static str {
        let sections = &self.structure.sections;
        let i = sections.partition_point(|s| (s.span.start as usize) <= offset);
        let code = if i == 0 {
            abi::SECTION_OTHER
        } else {
            sections[i - 1].kind
        };
        lessons_plugin::SectionKind::from_code(code).name()
    }
}

/// Line starts of a text, for turning byte offsets into lines and columns.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl LineIndex<'_> {
    /// The 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).max(1)
    }

    /// The 1-based column, in characters, of a byte offset.
    pub fn column(&self, offset: usize) -> usize {
        let end = floor_char_boundary(self.text, offset);
        let line_start = self.starts[self.line(end) - 1];
        self.text[line_start..end].chars().count() + 1
    }
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut i = offset.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}
