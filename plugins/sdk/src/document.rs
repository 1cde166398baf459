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
        let size = view.struct_size as usize;
        if size < abi::DOCUMENT_VIEW_SIZE_1_0 {
            return Err(format!(
                "the host's document view is {} bytes, this SDK needs at least {}: upgrade lessons",
                view.struct_size,
                abi::DOCUMENT_VIEW_SIZE_1_0
            ));
        }
        // An older host's view ends before `flags`: its text is checked here.
        let checked = size >= std::mem::size_of::<DocumentView>()
            && view.flags & abi::DOCUMENT_TEXT_UTF8 != 0;
        // SAFETY: each (pointer, length) pair is valid per the caller's
        // contract, and the host vouches for UTF-8 where `checked`.
        unsafe {
            Ok(Document {
                id: utf8(view.id, "id", checked)?,
                title: utf8(view.title, "title", checked)?,
                text: utf8(view.text, "text", checked)?,
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
pub fn count_words(text: &str) -> usize {
    count_runs(text, ascii_word_bytes, |c| c.is_alphanumeric() || c == '’')
}

/// Words as `text.split_whitespace().count()` counts them: maximal runs of
/// anything but white space.
pub fn count_unspaced_runs(text: &str) -> usize {
    count_runs(text, ascii_unspaced_bytes, |c| !c.is_whitespace())
}

/// Every byte of a `u64` set to one.
const ONES: u64 = u64::MAX / 255;

/// The top bit of every byte of a `u64`.
const TOPS: u64 = ONES * 0x80;

/// The maximal runs of characters in `text` that are members: ASCII bytes
/// eight at a time, as a `u64` that `ascii` maps to the top bit of each
/// member byte, and any other character one at a time by `other`.
///
/// Every scorer counts the words of the sentences in its scope, and the
/// host counts a review's; eight bytes at a time, with no branch per byte,
/// words cost 0.63 ns a byte where a byte at a time cost 0.98, and runs of
/// anything but white space 0.70 where they cost 1.82 (issue 8).
fn count_runs(text: &str, ascii: fn(u64) -> u64, other: fn(char) -> bool) -> usize {
    let bytes = text.as_bytes();
    let mut runs = 0;
    let mut in_run = false;
    let mut at = 0;
    while at < bytes.len() {
        if let Some(chunk) = bytes[at..].first_chunk::<8>() {
            let eight = u64::from_le_bytes(*chunk);
            if eight & TOPS == 0 {
                let members = ascii(eight);
                // A run begins at a member whose byte before is not one.
                let members_before = members << 8 | u64::from(in_run) << 7;
                let begun = (members & !members_before) >> 7;
                // One bit at the foot of each byte: summed into the top
                // byte by the multiplication (the baseline x86-64 that
                // releases are built for has no POPCNT instruction).
                runs += (begun.wrapping_mul(ONES) >> 56) as usize;
                in_run = members >> 63 == 1;
                at += 8;
                continue;
            }
        }
        // `at` is on a character boundary: every step is whole characters.
        let c = text[at..].chars().next().unwrap_or_default();
        let member = match u8::try_from(c) {
            Ok(byte) if byte.is_ascii() => ascii(u64::from(byte)) & 0x80 != 0,
            _ => other(c),
        };
        runs += usize::from(member && !in_run);
        in_run = member;
        at += c.len_utf8();
    }
    runs
}

/// The top bit of each byte of `eight` (all ASCII) that is in `low..=high`:
/// adding `0x80 - low` to a byte sets its top bit when it is at least
/// `low`, adding `0x7f - high` when it is above `high`, and no byte carries
/// into the next.
fn bytes_within(eight: u64, low: u8, high: u8) -> u64 {
    let at_least_low = eight + ONES * u64::from(0x80 - low);
    let above_high = eight + ONES * u64::from(0x7f - high);
    at_least_low & !above_high & TOPS
}

/// Letters, digits and `'`.
fn ascii_word_bytes(eight: u64) -> u64 {
    bytes_within(eight | (ONES * 0x20), b'a', b'z')
        | bytes_within(eight, b'0', b'9')
        | bytes_within(eight, b'\'', b'\'')
}

/// Anything but a space, a tab, a line feed, a vertical tab, a form feed or
/// a carriage return (`\t` to `\r` are 9 to 13).
fn ascii_unspaced_bytes(eight: u64) -> u64 {
    !(bytes_within(eight, b' ', b' ') | bytes_within(eight, b'\t', b'\r')) & TOPS
}

/// # Safety
/// `s` must be valid for `'a`, and UTF-8 if `checked`.
unsafe fn utf8<'a>(s: abi::StrRef, field: &str, checked: bool) -> Result<&'a str, String> {
    // SAFETY: upheld by the caller.
    let bytes = unsafe { s.as_bytes() };
    if checked {
        // SAFETY: UTF-8, as the caller vouches.
        return Ok(unsafe { std::str::from_utf8_unchecked(bytes) });
    }
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
    use super::{Document, count_unspaced_runs, count_words};
    use crate::abi::{self, DocumentView, StrRef};

    /// A view of `text` with no structure, as a host of some ABI minor
    /// would build it.
    fn view_of(text: &[u8], struct_size: usize, flags: u64) -> DocumentView {
        let empty = StrRef {
            ptr: std::ptr::null(),
            len: 0,
        };
        DocumentView {
            struct_size: struct_size as u32,
            id: empty,
            title: empty,
            text: StrRef {
                ptr: text.as_ptr(),
                len: text.len(),
            },
            sections: std::ptr::null(),
            sections_len: 0,
            paragraphs: std::ptr::null(),
            paragraphs_len: 0,
            sentences: std::ptr::null(),
            sentences_len: 0,
            quotes: std::ptr::null(),
            quotes_len: 0,
            list_items: std::ptr::null(),
            list_items_len: 0,
            recommendations: std::ptr::null(),
            recommendations_len: 0,
            pages: std::ptr::null(),
            pages_len: 0,
            flags,
        }
    }

    fn read(view: &DocumentView) -> Result<String, String> {
        // SAFETY: the view's pointers are null or borrow live bytes.
        unsafe { Document::from_view(view) }.map(|d| d.text.to_string())
    }

    #[test]
    fn a_view_from_a_host_before_1_2_is_read_and_its_text_checked() {
        let older = abi::DOCUMENT_VIEW_SIZE_1_0;
        // The flag lies beyond an older view: never read there.
        let bad = b"caf\xe9";
        let err = read(&view_of(bad, older, abi::DOCUMENT_TEXT_UTF8)).unwrap_err();
        assert!(err.contains("text is not UTF-8"), "{err}");
        assert_eq!(read(&view_of("café".as_bytes(), older, 0)).unwrap(), "café");
        let err = read(&view_of(b"x", older - 8, 0)).unwrap_err();
        assert!(err.contains("upgrade lessons"), "{err}");
    }

    #[test]
    fn a_view_checks_its_text_unless_the_host_says_it_did() {
        let size = std::mem::size_of::<DocumentView>();
        assert!(read(&view_of(b"caf\xe9", size, 0)).is_err());
        let text = "naïve café";
        assert_eq!(
            read(&view_of(text.as_bytes(), size, abi::DOCUMENT_TEXT_UTF8)).unwrap(),
            text
        );
    }

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

    #[test]
    fn unspaced_runs_are_counted_as_splitting_on_white_space_counts_them() {
        let texts = [
            "",
            " ",
            "one",
            "  two\twords \r\n",
            "a\u{0b}b\u{0c}c",
            "no\u{a0}break\u{85}next\u{2003}em\u{3000}ideographic\u{1680}ogham",
            "not spaces: \u{c2a9}\u{e9}\u{2019}\u{1e9e}\u{3042}\u{e000} ©é’ẞあ",
            "Child’s mother didn't attend; the GP's note (p. 4) said 3–4 visits.",
        ];
        for text in texts {
            for (at, _) in text.char_indices() {
                let text = &text[at..];
                assert_eq!(
                    count_unspaced_runs(text),
                    text.split_whitespace().count(),
                    "{text:?}"
                );
            }
        }
    }

    #[test]
    fn every_character_counts_alike_wherever_it_falls_in_eight_bytes() {
        // Each character between words, and each ASCII byte at each of the
        // eight places of a chunk read at once.
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let text = format!("a{c}b");
            assert_eq!(
                count_unspaced_runs(&text),
                text.split_whitespace().count(),
                "{c:?}"
            );
            assert_eq!(count_words(&text), by_splitting(&text), "{c:?}");
        }
        for byte in 0..=0x7fu8 {
            for place in 0..8 {
                let mut text = "ab cd\tef".to_string().into_bytes();
                text.insert(place, byte);
                let text = String::from_utf8(text).unwrap();
                let text = text.repeat(3);
                assert_eq!(
                    count_unspaced_runs(&text),
                    text.split_whitespace().count(),
                    "{text:?}"
                );
                assert_eq!(count_words(&text), by_splitting(&text), "{text:?}");
            }
        }
    }
}
