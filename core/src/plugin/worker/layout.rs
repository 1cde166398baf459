//! How a document lies in a shared slot: a header of extents, then each of
//! the ABI's `#[repr(C)]` structure arrays, aligned for its record type,
//! then the strings. The host writes it in place; a worker checks every
//! extent and hands its plugin a `DocumentView` pointing into the slot, with
//! nothing decoded or copied.
//!
//! Records are in the machine's own layout: the host and its workers are
//! the same binary on the same machine, so there is nothing to convert.

use crate::document::Document;
use lessons_plugin::abi::{
    self, DocumentView, Item, Page, Paragraph, Section, Sentence, Span, StrRef,
};
use std::marker::PhantomData;
use std::mem::{align_of, size_of};

/// Why a slot does not hold a document a worker can read.
#[derive(Debug, thiserror::Error)]
pub enum LayoutError {
    #[error("the slot holds {0} bytes, less than a header")]
    NoHeader(usize),
    #[error("the slot is not aligned for its records")]
    Unaligned,
    #[error("the document's {0} lies outside the slot")]
    OutOfBounds(&'static str),
    #[error("the document's {0} is not aligned for its records")]
    Misaligned(&'static str),
}

/// Where one part lies: its offset from the slot's start, and its length in
/// bytes (strings) or records (arrays).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Extent {
    offset: u64,
    len: u64,
}

/// The first bytes of a slot: where every part of the document lies.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
struct Header {
    sections: Extent,
    paragraphs: Extent,
    sentences: Extent,
    quotes: Extent,
    list_items: Extent,
    recommendations: Extent,
    pages: Extent,
    id: Extent,
    title: Extent,
    text: Extent,
}

/// The alignment a slot's start must have: that of the header and of every
/// record type (all hold `u64` spans).
pub const ALIGN: usize = align_of::<Header>();

/// A document's place in a slot, worked out before anything is written.
pub struct Plan {
    header: Header,
    len: usize,
}

impl Plan {
    /// Lays out `document`: the header, the arrays, then the strings.
    pub fn of(document: &Document) -> Plan {
        let s = &document.structure;
        let mut at = size_of::<Header>();
        let header = Header {
            sections: array(&mut at, &s.sections),
            paragraphs: array(&mut at, &s.paragraphs),
            sentences: array(&mut at, &s.sentences),
            quotes: array(&mut at, &s.quotes),
            list_items: array(&mut at, &s.list_items),
            recommendations: array(&mut at, &s.recommendations),
            pages: array(&mut at, &s.pages),
            id: string(&mut at, &document.id),
            title: string(&mut at, &document.title),
            text: string(&mut at, &document.text),
        };
        Plan { header, len: at }
    }

    /// The bytes the document takes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Writes `document`, the one this plan was made for, at `slot`.
    ///
    /// # Safety
    /// `slot` must be aligned to [`ALIGN`], valid for writing
    /// [`Plan::len`] bytes, and read by no one until this returns.
    pub unsafe fn write(&self, document: &Document, slot: *mut u8) {
        assert!(slot.cast::<Header>().is_aligned(), "a slot starts aligned");
        let s = &document.structure;
        let h = &self.header;
        // SAFETY: every extent lies within `len` bytes of `slot` and is
        // aligned for its type (`Plan::of`); the caller vouches for the rest.
        unsafe {
            put(slot, 0, std::slice::from_ref(h));
            put(slot, h.sections.offset, &s.sections);
            put(slot, h.paragraphs.offset, &s.paragraphs);
            put(slot, h.sentences.offset, &s.sentences);
            put(slot, h.quotes.offset, &s.quotes);
            put(slot, h.list_items.offset, &s.list_items);
            put(slot, h.recommendations.offset, &s.recommendations);
            put(slot, h.pages.offset, &s.pages);
            put(slot, h.id.offset, document.id.as_bytes());
            put(slot, h.title.offset, document.title.as_bytes());
            put(slot, h.text.offset, document.text.as_bytes());
        }
    }
}

/// Reserves room for `xs` at the next offset aligned for `T`.
fn array<T>(at: &mut usize, xs: &[T]) -> Extent {
    let offset = at.next_multiple_of(align_of::<T>());
    *at = offset + size_of_val(xs);
    Extent {
        offset: offset as u64,
        len: xs.len() as u64,
    }
}

fn string(at: &mut usize, s: &str) -> Extent {
    let offset = *at;
    *at += s.len();
    Extent {
        offset: offset as u64,
        len: s.len() as u64,
    }
}

/// Copies `xs` to `slot + offset`. A typed copy: records keep their layout,
/// padding included, and the plugin reads them as the same types.
///
/// # Safety
/// As [`Plan::write`], for this one extent.
unsafe fn put<T: Copy>(slot: *mut u8, offset: u64, xs: &[T]) {
    // SAFETY: upheld by the caller.
    unsafe {
        let to = slot.add(offset as usize).cast::<T>();
        std::ptr::copy_nonoverlapping(xs.as_ptr(), to, xs.len());
    }
}

/// A plugin's view of a document in a slot, borrowing the slot's bytes.
pub struct View<'a> {
    pub document: DocumentView,
    bytes: PhantomData<&'a [u8]>,
}

/// Checks the document in `slot` as the pipe's decoder checks a frame's
/// lengths (every part inside the slot, with overflow-checked arithmetic)
/// and alignment besides, and views it in place.
///
/// The strings are not checked for UTF-8 again, unlike a pipe frame's. A
/// pipe frame is bytes that could have come from anywhere; a slot's strings
/// can only be what the host wrote there from Rust `&str`s:
/// - only the host can write a slot: the worker maps it `PROT_READ` from a
///   read-only descriptor, so neither this worker nor its plugin can make the
///   mapping writable (`mprotect` is refused), and the file is sealed against
///   new writes and writable mappings (`F_SEAL_FUTURE_WRITE`), so reopening
///   it through `/proc` does not help either;
/// - the host does not write a slot while a worker is told to read it
///   (`slots.rs`);
/// - every extent is checked to lie inside the slot, so a wrong one could at
///   worst show a plugin the wrong bytes, not bytes outside the mapping.
///
/// Checking 500 KB of text in every worker cost about 1% of an isolated
/// run. The view says the strings are UTF-8 ([`abi::DOCUMENT_TEXT_UTF8`]),
/// as the host's own view does in-process, so the SDK does not check them
/// either.
pub fn view(slot: &[u8]) -> Result<View<'_>, LayoutError> {
    if slot.len() < size_of::<Header>() {
        return Err(LayoutError::NoHeader(slot.len()));
    }
    if !slot.as_ptr().cast::<Header>().is_aligned() {
        return Err(LayoutError::Unaligned);
    }
    // SAFETY: the slot holds a header's bytes at an aligned start, and every
    // bit pattern is a valid header (it is all integers).
    let h = unsafe { slot.as_ptr().cast::<Header>().read() };
    let document = DocumentView {
        struct_size: size_of::<DocumentView>() as u32,
        id: text_in(slot, h.id, "id")?,
        title: text_in(slot, h.title, "title")?,
        text: text_in(slot, h.text, "text")?,
        sections: records_in::<Section>(slot, h.sections, "sections")?,
        sections_len: h.sections.len as usize,
        paragraphs: records_in::<Paragraph>(slot, h.paragraphs, "paragraphs")?,
        paragraphs_len: h.paragraphs.len as usize,
        sentences: records_in::<Sentence>(slot, h.sentences, "sentences")?,
        sentences_len: h.sentences.len as usize,
        quotes: records_in::<Span>(slot, h.quotes, "quotes")?,
        quotes_len: h.quotes.len as usize,
        list_items: records_in::<Item>(slot, h.list_items, "list items")?,
        list_items_len: h.list_items.len as usize,
        recommendations: records_in::<Item>(slot, h.recommendations, "recommendations")?,
        recommendations_len: h.recommendations.len as usize,
        pages: records_in::<Page>(slot, h.pages, "pages")?,
        pages_len: h.pages.len as usize,
        // Only the host's `&str`s can be in the slot (above).
        flags: abi::DOCUMENT_TEXT_UTF8,
    };
    Ok(View {
        document,
        bytes: PhantomData,
    })
}

/// The bytes of `extent`, if they lie inside the slot.
fn bytes_in<'a>(
    slot: &'a [u8],
    extent: Extent,
    size: usize,
    part: &'static str,
) -> Result<&'a [u8], LayoutError> {
    let bytes = usize::try_from(extent.len)
        .ok()
        .and_then(|len| len.checked_mul(size));
    let start = usize::try_from(extent.offset).ok();
    let end = start.zip(bytes).and_then(|(s, n)| s.checked_add(n));
    match start.zip(end) {
        Some((start, end)) if end <= slot.len() => Ok(&slot[start..end]),
        _ => Err(LayoutError::OutOfBounds(part)),
    }
}

/// A string's bytes, inside the slot; UTF-8 because the host wrote a `&str`
/// there (see [`view`]; debug builds check it).
fn text_in(slot: &[u8], extent: Extent, part: &'static str) -> Result<StrRef, LayoutError> {
    let bytes = bytes_in(slot, extent, 1, part)?;
    debug_assert!(std::str::from_utf8(bytes).is_ok(), "{part} is UTF-8");
    Ok(StrRef {
        ptr: bytes.as_ptr(),
        len: bytes.len(),
    })
}

/// A pointer to `extent`'s records of type `T`, which are plain integers:
/// any bytes inside the slot, once aligned, are valid records.
fn records_in<T>(slot: &[u8], extent: Extent, part: &'static str) -> Result<*const T, LayoutError> {
    let bytes = bytes_in(slot, extent, size_of::<T>(), part)?;
    if !bytes.as_ptr().cast::<T>().is_aligned() {
        return Err(LayoutError::Misaligned(part));
    }
    Ok(bytes.as_ptr().cast())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Structure;
    use std::path::Path;

    fn sample() -> Document {
        let text = "# Findings\n\nThe referral was not escalated. “Never again,” said the chair.\n\n1. The board should audit strategy discussions by March.\n".to_string();
        crate::ingest::from_text(Path::new("reviews/sample.md"), text)
    }

    /// A slot-sized buffer aligned as a mapping is.
    fn slot(len: usize) -> Vec<u64> {
        vec![0; len.div_ceil(8)]
    }

    fn placed(document: &Document) -> (Vec<u64>, usize) {
        let plan = Plan::of(document);
        let mut buffer = slot(plan.len());
        // SAFETY: the buffer is aligned, long enough and ours alone.
        unsafe { plan.write(document, buffer.as_mut_ptr().cast()) };
        (buffer, plan.len())
    }

    fn as_bytes(buffer: &[u64], len: usize) -> &[u8] {
        // SAFETY: `len` is within the buffer; u64s are plain bytes.
        unsafe { std::slice::from_raw_parts(buffer.as_ptr().cast(), len) }
    }

    /// What a plugin would read from a view: the SDK's own reading of it.
    fn read_back(view: &View<'_>) -> (String, String, String, Structure) {
        // SAFETY: the view borrows a buffer alive for this call.
        let d = unsafe { lessons_plugin::Document::from_view(&view.document) }.unwrap();
        let structure = Structure {
            sections: d.sections.to_vec(),
            paragraphs: d.paragraphs.to_vec(),
            sentences: d.sentences.to_vec(),
            quotes: d.quotes.to_vec(),
            list_items: d.list_items.to_vec(),
            recommendations: d.recommendations.to_vec(),
            pages: d.pages.to_vec(),
            words: 0,
        };
        (d.id.into(), d.title.into(), d.text.into(), structure)
    }

    #[test]
    fn a_plugin_reads_in_the_slot_the_document_the_host_wrote() {
        let document = sample();
        assert!(!document.structure.sentences.is_empty());
        let (buffer, len) = placed(&document);
        let view = view(as_bytes(&buffer, len)).unwrap();
        let (id, title, text, structure) = read_back(&view);
        assert_eq!(
            (id, title, text),
            (
                document.id.clone(),
                document.title.clone(),
                document.text.clone()
            )
        );
        let expected = Structure {
            words: 0,
            ..document.structure.clone()
        };
        assert_eq!(structure, expected);
    }

    #[test]
    fn a_slot_cut_short_is_an_error_at_every_cut() {
        let document = sample();
        let (buffer, len) = placed(&document);
        for cut in 0..len {
            assert!(view(as_bytes(&buffer, cut)).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn a_string_past_the_end_or_overflowing_is_refused() {
        let document = sample();
        let (mut buffer, len) = placed(&document);
        let header = buffer.as_mut_ptr().cast::<Header>();
        // SAFETY: the buffer starts with an aligned header.
        unsafe { (*header).text.len += 1 };
        assert!(matches!(
            view(as_bytes(&buffer, len)),
            Err(LayoutError::OutOfBounds("text"))
        ));
        // SAFETY: as above.
        unsafe {
            (*header).text.len -= 1;
            (*header).text.offset = u64::MAX;
        }
        assert!(matches!(
            view(as_bytes(&buffer, len)),
            Err(LayoutError::OutOfBounds("text"))
        ));
    }

    #[test]
    fn a_misaligned_array_or_a_count_past_the_end_is_refused() {
        let document = sample();
        let (mut buffer, len) = placed(&document);
        let header = buffer.as_mut_ptr().cast::<Header>();
        // SAFETY: the buffer starts with an aligned header.
        unsafe { (*header).sentences.offset += 4 };
        assert!(matches!(
            view(as_bytes(&buffer, len)),
            Err(LayoutError::Misaligned("sentences"))
        ));
        // SAFETY: as above.
        unsafe {
            (*header).sentences.offset -= 4;
            (*header).sentences.len = u64::MAX / 2;
        }
        assert!(matches!(
            view(as_bytes(&buffer, len)),
            Err(LayoutError::OutOfBounds("sentences"))
        ));
    }

    #[test]
    fn an_empty_document_has_a_view_too() {
        let document = Document::default();
        let (buffer, len) = placed(&document);
        let view = view(as_bytes(&buffer, len)).unwrap();
        assert_eq!(view.document.sentences_len, 0);
        assert_eq!(view.document.text.len, 0);
    }
}
