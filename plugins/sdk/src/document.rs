//! The document as a scorer sees it: borrowed text plus the structure the host
//! computed once (sections, paragraphs, sentences, quoted speech, list items,
//! recommendations, pages). A scorer never re-parses the file.

use crate::abi::{self, DocumentView, Item, Page, Paragraph, Section, Sentence, Span};

/// What a section is for, read from its heading by the host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SectionKind {
    Other,
    TermsOfReference,
    Methodology,
    Chronology,
    Analysis,
    Findings,
    Recommendations,
    Learning,
    Background,
    Conclusion,
}

impl SectionKind {
    /// Every kind, in ABI order.
    pub const ALL: [SectionKind; 10] = [
        SectionKind::Other,
        SectionKind::TermsOfReference,
        SectionKind::Methodology,
        SectionKind::Chronology,
        SectionKind::Analysis,
        SectionKind::Findings,
        SectionKind::Recommendations,
        SectionKind::Learning,
        SectionKind::Background,
        SectionKind::Conclusion,
    ];

    /// The kind for an ABI code; unknown codes (from a newer host) read as `Other`.
    pub fn from_code(code: u32) -> SectionKind {
        SectionKind::ALL
            .get(code as usize)
            .copied()
            .unwrap_or(SectionKind::Other)
    }

    /// The ABI code for this kind.
    pub fn code(self) -> u32 {
        match self {
            SectionKind::Other => abi::SECTION_OTHER,
            SectionKind::TermsOfReference => abi::SECTION_TERMS_OF_REFERENCE,
            SectionKind::Methodology => abi::SECTION_METHODOLOGY,
            SectionKind::Chronology => abi::SECTION_CHRONOLOGY,
            SectionKind::Analysis => abi::SECTION_ANALYSIS,
            SectionKind::Findings => abi::SECTION_FINDINGS,
            SectionKind::Recommendations => abi::SECTION_RECOMMENDATIONS,
            SectionKind::Learning => abi::SECTION_LEARNING,
            SectionKind::Background => abi::SECTION_BACKGROUND,
            SectionKind::Conclusion => abi::SECTION_CONCLUSION,
        }
    }

    /// The name used in configuration, rule scopes and reports.
    pub fn name(self) -> &'static str {
        match self {
            SectionKind::Other => "other",
            SectionKind::TermsOfReference => "terms_of_reference",
            SectionKind::Methodology => "methodology",
            SectionKind::Chronology => "chronology",
            SectionKind::Analysis => "analysis",
            SectionKind::Findings => "findings",
            SectionKind::Recommendations => "recommendations",
            SectionKind::Learning => "learning",
            SectionKind::Background => "background",
            SectionKind::Conclusion => "conclusion",
        }
    }

    /// The kind with this name, if any.
    pub fn from_name(name: &str) -> Option<SectionKind> {
        SectionKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// A borrowed document. All spans are byte offsets into [`Document::text`].
#[derive(Clone, Copy, Debug)]
pub struct Document<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub text: &'a str,
    pub sections: &'a [Section],
    pub paragraphs: &'a [Paragraph],
    pub sentences: &'a [Sentence],
    pub quotes: &'a [Span],
    pub list_items: &'a [Item],
    pub recommendations: &'a [Item],
    pub pages: &'a [Page],
}

impl<'a> Document<'a> {
    /// Reads a document the host passed across the ABI, checking what can be
    /// checked cheaply (size, UTF-8, null arrays).
    ///
    /// # Safety
    /// `view` must point to a `DocumentView` whose pointers are valid for `'a`.
    pub unsafe fn from_view(view: *const DocumentView) -> Result<Document<'a>, String> {
        if view.is_null() {
            return Err("the host passed a null document".into());
        }
        // SAFETY: non-null, and valid per the caller's contract.
        let view = unsafe { &*view };
        if (view.struct_size as usize) < std::mem::size_of::<DocumentView>() {
            return Err(format!(
                "the host's document view is {} bytes, this SDK needs {}: upgrade lessons",
                view.struct_size,
                std::mem::size_of::<DocumentView>()
            ));
        }
        // SAFETY: each (pointer, length) pair is valid per the caller's contract.
        unsafe {
            Ok(Document {
                id: utf8(view.id, "id")?,
                title: utf8(view.title, "title")?,
                text: utf8(view.text, "text")?,
                sections: slice(view.sections, view.sections_len),
                paragraphs: slice(view.paragraphs, view.paragraphs_len),
                sentences: slice(view.sentences, view.sentences_len),
                quotes: slice(view.quotes, view.quotes_len),
                list_items: slice(view.list_items, view.list_items_len),
                recommendations: slice(view.recommendations, view.recommendations_len),
                pages: slice(view.pages, view.pages_len),
            })
        }
    }

    /// The text of a span; empty if the span is not inside the text.
    pub fn slice(&self, span: Span) -> &'a str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    /// The kind of the section at this index (`Other` if out of range).
    pub fn section_kind(&self, section: u32) -> SectionKind {
        self.sections
            .get(section as usize)
            .map_or(SectionKind::Other, |s| SectionKind::from_code(s.kind))
    }

    /// The heading of the section at this index.
    pub fn section_heading(&self, section: u32) -> &'a str {
        self.sections
            .get(section as usize)
            .map_or("", |s| self.slice(s.heading))
    }

    /// The sentences of sections of the given kinds, in order.
    pub fn sentences_in(&self, kinds: &[SectionKind]) -> impl Iterator<Item = &'a Sentence> + 'a {
        let sections = self.sections;
        let kinds: Vec<SectionKind> = kinds.to_vec();
        self.sentences.iter().filter(move |s| {
            let kind = sections
                .get(s.section as usize)
                .map_or(SectionKind::Other, |sec| SectionKind::from_code(sec.kind));
            kinds.contains(&kind)
        })
    }

    /// Whether a span lies wholly inside quoted speech.
    pub fn is_quoted(&self, span: Span) -> bool {
        let i = self.quotes.partition_point(|q| q.end < span.end);
        self.quotes
            .get(i)
            .is_some_and(|q| q.start <= span.start && span.end <= q.end)
    }

    /// The number of words in the text (runs of alphanumerics).
    pub fn word_count(&self) -> usize {
        self.text
            .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
            .filter(|w| !w.is_empty())
            .count()
    }
}

/// # Safety
/// `s` must be valid for `'a`.
unsafe fn utf8<'a>(s: abi::StrRef, field: &str) -> Result<&'a str, String> {
    // SAFETY: upheld by the caller.
    let bytes = unsafe { s.as_bytes() };
    std::str::from_utf8(bytes).map_err(|e| format!("the document's {field} is not UTF-8: {e}"))
}

/// # Safety
/// `ptr` must be null or point to `len` values valid for `'a`.
unsafe fn slice<'a, T>(ptr: *const T, len: usize) -> &'a [T] {
    if ptr.is_null() || len == 0 {
        return &[];
    }
    // SAFETY: upheld by the caller.
    unsafe { std::slice::from_raw_parts(ptr, len) }
}
