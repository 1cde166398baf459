//! The binary encoding of a [`Document`] sent to a worker: the strings, then
//! each structure array as a count and fixed-width little-endian fields.
//!
//! Why not JSON: the structure is tens of thousands of small integer records
//! per review; as JSON they are several times the size of the text and cost
//! a parse per plugin per review. Why not a serde format: the records are the
//! ABI's `#[repr(C)]` types, which do not (and should not) depend on serde.
//! Both ends are the same binary, so the encoding needs no versioning; the
//! decoder still checks every length, because a frame is read from a pipe.

use crate::document::{Document, Structure};
use lessons_plugin::abi::{Item, Page, Paragraph, Section, Sentence, Span};

/// Why a document frame could not be decoded.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    #[error("the frame ends {0} bytes early")]
    Short(usize),
    #[error("a string is not UTF-8")]
    NotUtf8,
    #[error("{0} bytes are left over after the document")]
    Trailing(usize),
}

/// Encodes a document for a worker.
pub fn encode(document: &Document) -> Vec<u8> {
    let s = &document.structure;
    let mut out = Encoder(Vec::with_capacity(
        document.text.len() + 64 * s.sentences.len(),
    ));
    out.str(&document.id);
    out.str(&document.path.to_string_lossy());
    out.str(&document.title);
    out.str(&document.text);
    out.u64(s.words as u64);
    out.array(&s.sections, |o, x| {
        o.span(x.heading);
        o.span(x.span);
        o.u32(x.kind);
        o.u32(x.level);
    });
    out.array(&s.paragraphs, |o, x| {
        o.span(x.span);
        o.u32(x.section);
    });
    out.array(&s.sentences, |o, x| {
        o.span(x.span);
        o.u32(x.paragraph);
        o.u32(x.section);
        o.u32(x.flags);
    });
    out.array(&s.quotes, |o, x| o.span(*x));
    out.array(&s.list_items, Encoder::item);
    out.array(&s.recommendations, Encoder::item);
    out.array(&s.pages, |o, x| {
        o.span(x.span);
        o.u32(x.number);
    });
    out.0
}

/// Decodes a document sent by the host. The text, most of the frame, stays
/// in the frame's own buffer: the worker never holds the review twice,
/// which at the largest review set each worker's peak memory.
pub fn decode(mut frame: Vec<u8>) -> Result<Document, CodecError> {
    let mut d = Decoder {
        bytes: &frame,
        at: 0,
    };
    let id = d.string()?;
    let path = d.string()?.into();
    let title = d.string()?;
    let text_len = d.u64()? as usize;
    let text_start = d.at;
    d.take(text_len)?;
    let words = d.u64()? as usize;
    let structure = Structure {
        words,
        sections: d.array(|d| {
            Ok(Section {
                heading: d.span()?,
                span: d.span()?,
                kind: d.u32()?,
                level: d.u32()?,
            })
        })?,
        paragraphs: d.array(|d| {
            Ok(Paragraph {
                span: d.span()?,
                section: d.u32()?,
            })
        })?,
        sentences: d.array(|d| {
            Ok(Sentence {
                span: d.span()?,
                paragraph: d.u32()?,
                section: d.u32()?,
                flags: d.u32()?,
            })
        })?,
        quotes: d.array(Decoder::span)?,
        list_items: d.array(Decoder::item)?,
        recommendations: d.array(Decoder::item)?,
        pages: d.array(|d| {
            Ok(Page {
                span: d.span()?,
                number: d.u32()?,
            })
        })?,
    };
    if d.at != frame.len() {
        return Err(CodecError::Trailing(frame.len() - d.at));
    }
    frame.copy_within(text_start..text_start + text_len, 0);
    frame.truncate(text_len);
    let text = String::from_utf8(frame).map_err(|_| CodecError::NotUtf8)?;
    Ok(Document {
        id,
        path,
        title,
        text,
        structure,
    })
}

struct Encoder(Vec<u8>);

impl Encoder {
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    fn str(&mut self, s: &str) {
        self.u64(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }

    fn span(&mut self, s: Span) {
        self.u64(s.start);
        self.u64(s.end);
    }

    fn item(&mut self, x: &Item) {
        self.span(x.span);
        self.u32(x.section);
        self.u32(x.number);
    }

    fn array<T>(&mut self, xs: &[T], mut each: impl FnMut(&mut Encoder, &T)) {
        self.u64(xs.len() as u64);
        for x in xs {
            each(self, x);
        }
    }
}

struct Decoder<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Decoder<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], CodecError> {
        let end = self.at.saturating_add(n);
        let Some(slice) = self.bytes.get(self.at..end) else {
            return Err(CodecError::Short(end - self.bytes.len()));
        };
        self.at = end;
        Ok(slice)
    }

    fn u32(&mut self) -> Result<u32, CodecError> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }

    fn u64(&mut self) -> Result<u64, CodecError> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }

    fn string(&mut self) -> Result<String, CodecError> {
        let len = self.u64()? as usize;
        let bytes = self.take(len)?.to_vec();
        String::from_utf8(bytes).map_err(|_| CodecError::NotUtf8)
    }

    fn span(&mut self) -> Result<Span, CodecError> {
        Ok(Span {
            start: self.u64()?,
            end: self.u64()?,
        })
    }

    fn item(&mut self) -> Result<Item, CodecError> {
        Ok(Item {
            span: self.span()?,
            section: self.u32()?,
            number: self.u32()?,
        })
    }

    fn array<T>(
        &mut self,
        mut each: impl FnMut(&mut Self) -> Result<T, CodecError>,
    ) -> Result<Vec<T>, CodecError> {
        let len = self.u64()? as usize;
        // Every record is at least 4 bytes: a count larger than the bytes
        // left is a corrupt frame, not a reason to allocate.
        let left = self.bytes.len() - self.at;
        if len > left / 4 {
            return Err(CodecError::Short(len * 4 - left));
        }
        let mut out = Vec::with_capacity(len);
        for _ in 0..len {
            out.push(each(self)?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn sample() -> Document {
        let text = "# Findings\n\nThe referral was not escalated. “Never again,” said the chair.\n\n1. The board should audit strategy discussions by March.\n".to_string();
        crate::ingest::from_text(Path::new("reviews/sample.md"), text)
    }

    #[test]
    fn a_document_survives_the_round_trip() {
        let document = sample();
        assert!(!document.structure.sentences.is_empty());
        let back = decode(encode(&document)).unwrap();
        assert_eq!(back.id, document.id);
        assert_eq!(back.path, document.path);
        assert_eq!(back.title, document.title);
        assert_eq!(back.text, document.text);
        assert_eq!(back.structure, document.structure);
    }

    #[test]
    fn a_truncated_frame_is_an_error_at_every_cut() {
        let bytes = encode(&sample());
        for cut in 0..bytes.len() {
            assert!(decode(bytes[..cut].to_vec()).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn trailing_bytes_are_an_error() {
        let mut bytes = encode(&sample());
        bytes.push(0);
        assert!(matches!(decode(bytes), Err(CodecError::Trailing(1))));
    }
}
