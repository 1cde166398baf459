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

    /// The number of words in the text (runs of alphanumerics): the same
    /// count as the host's `words` in a report, by the same function.
    pub fn word_count(&self) -> usize {
        count_words(self.text)
    }
}

/// Words as a reader counts them: maximal runs of letters, digits and
/// apostrophes (`'` or `’`). The host counts a review's words with this
/// function too, so a plugin's count and the report's agree.
///
/// It reads eight bytes at a time while they are ASCII, with a table lookup
/// and no branch per byte; a non-ASCII character is decoded and asked
/// `char::is_alphanumeric`. The count is exactly that of splitting the text
/// on every other character (a test holds it), at about a third of the
/// cost: that split cost as much as a plugin's whole cue search in
/// issue 8's profile.
pub fn count_words(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut words = 0;
    let mut in_word = false;
    let mut step = |is_word: bool| {
        words += usize::from(is_word & !in_word);
        in_word = is_word;
    };
    let mut at = 0;
    while at < bytes.len() {
        if let Some(chunk) = bytes[at..].first_chunk::<8>()
            && u64::from_ne_bytes(*chunk) & 0x8080_8080_8080_8080 == 0
        {
            for &byte in chunk {
                step(ASCII_WORD[byte as usize]);
            }
            at += 8;
        } else if bytes[at].is_ascii() {
            step(ASCII_WORD[bytes[at] as usize]);
            at += 1;
        } else {
            // `at` is on a character boundary: every step is whole characters.
            let c = text[at..].chars().next().unwrap_or_default();
            step(c.is_alphanumeric() || c == '’');
            at += c.len_utf8();
        }
    }
    words
}

/// Which ASCII bytes are part of a word.
const ASCII_WORD: [bool; 128] = {
    let mut table = [false; 128];
    let mut byte = 0;
    while byte < 128 {
        table[byte] = (byte as u8).is_ascii_alphanumeric() || byte as u8 == b'\'';
        byte += 1;
    }
    table
};

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

#[cfg(test)]
mod tests {
    use super::count_words;

    /// The definition `count_words` must agree with.
    fn by_splitting(text: &str) -> usize {
        text.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
            .filter(|w| !w.is_empty())
            .count()
    }

    #[test]
    fn words_are_counted_as_splitting_on_everything_else_counts_them() {
        for text in [
            "",
            " ",
            "one",
            "  two words  ",
            "Child’s mother didn't attend; the GP's note (p. 4) said 3–4 visits.",
            "“Quoted” — naïve café, Zoë, İstanbul, Ⅻ, ２０２４, ٣, ' '' ’’ ‘x’",
            "a\u{c}b\r\nc\td—e…f\u{a0}g\u{2009}h",
            "日本語のテキスト and ελληνικά, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀x",
        ] {
            // Every suffix, so that each character falls at each place in
            // an eight-byte chunk.
            for (at, _) in text.char_indices() {
                let text = &text[at..];
                assert_eq!(count_words(text), by_splitting(text), "{text:?}");
            }
        }
    }
}
