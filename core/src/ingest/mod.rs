//! Ingest: a file on disk becomes a [`Document`]: its text, decoded, and its
//! structure, computed once. Each format has a reader that turns bytes into
//! text (plain text and Markdown directly; PDF, Word, ODF and HTML through a
//! [`draft::Draft`] of blocks, which also says where the file's own
//! formatting marked headings). Ingest never panics and never stops a batch:
//! a file it cannot read comes back as an [`IngestError`] that names the
//! file and the fix.

mod archive;
mod docx;
pub mod draft;
mod guard;
mod html;
mod odt;
pub mod outline;
pub mod pdf;
pub mod structure;
mod text;
mod xml;

use crate::document::Document;
use draft::HeadingHint;
use std::path::{Path, PathBuf};

/// The largest file ingest reads, so that one stray archive cannot exhaust memory.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// How much ingest will read and unpack.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    /// The largest file read, in bytes.
    pub max_file_bytes: u64,
    /// The most one entry of a .docx or .odt may unpack to, in bytes.
    pub max_unpacked_bytes: u64,
    /// The highest compression ratio believed of an entry over 1 MiB; real
    /// office XML compresses about 10:1, a zip bomb 1000:1 and more.
    pub max_unpack_ratio: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: MAX_FILE_BYTES,
            max_unpacked_bytes: 256 * 1024 * 1024,
            max_unpack_ratio: 100,
        }
    }
}

/// The kinds of file ingest reads, by extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Pdf,
    Docx,
    Odt,
    Html,
}

impl Format {
    /// The format a file's extension names, if ingest reads it.
    pub fn of(path: &Path) -> Option<Format> {
        let extension = path.extension()?.to_str()?.to_lowercase();
        Some(match extension.as_str() {
            "txt" | "text" | "md" | "markdown" => Format::Text,
            "pdf" => Format::Pdf,
            "docx" => Format::Docx,
            "odt" => Format::Odt,
            "html" | "htm" | "xhtml" => Format::Html,
            _ => return None,
        })
    }
}

/// The extensions ingest reads.
pub const EXTENSIONS: &[&str] = &[
    "txt", "text", "md", "markdown", "pdf", "docx", "odt", "html", "htm", "xhtml",
];

/// Why a reader could not make text of a file's bytes (the path is added by
/// [`read`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// Damaged, truncated or not what its extension says.
    Corrupt(String),
    /// A .docx or .odt that is not a zip archive at all.
    NotAnArchive(&'static str),
    /// An entry that would unpack past the limits.
    ZipBomb(String),
    /// A PDF that needs a password to open.
    Encrypted,
    /// A PDF with pages but no text on them: a scan.
    NoTextLayer,
    /// A document that opened but holds no words.
    NoText,
    /// The reader itself failed on this input (a bug, contained).
    Panicked(String),
}

/// Why a file could not be read as a review. Each variant's message says what
/// to do about it.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{path}: cannot read the file ({source}); check that it exists and you may read it")]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: a symbolic link that leads back to itself; remove or repair the link")]
    SymlinkLoop { path: PathBuf },
    #[error("{path}: the file is empty (0 bytes); export the review again")]
    Empty { path: PathBuf },
    #[error(
        "{path}: the file is {bytes} bytes, over the {limit}-byte limit; split it or raise the limit"
    )]
    TooLarge {
        path: PathBuf,
        bytes: u64,
        limit: u64,
    },
    #[error(
        "{path}: '.{extension}' files are not reviews lessons can read; convert it to .pdf, .docx, .odt, .html, .txt or .md"
    )]
    UnsupportedFormat { path: PathBuf, extension: String },
    #[error("{path}: the file is damaged or incomplete ({detail}); export or download it again")]
    Corrupt { path: PathBuf, detail: String },
    #[error(
        "{path}: not a {format} file (a real one is a zip archive); it may be misnamed or damaged: open it in its program and save it again"
    )]
    NotAnArchive { path: PathBuf, format: &'static str },
    #[error("{path}: {detail}; this looks like a zip bomb, not a document, so it was not unpacked")]
    ZipBomb { path: PathBuf, detail: String },
    #[error("{path}: the PDF is protected by a password; save an unprotected copy and score that")]
    Encrypted { path: PathBuf },
    #[error(
        "{path}: no text layer: this looks like a scanned PDF; run OCR first (for example `ocrmypdf in.pdf out.pdf`) and score the result"
    )]
    NoTextLayer { path: PathBuf },
    #[error("{path}: no text found; {hint}")]
    NoText { path: PathBuf, hint: String },
    #[error(
        "{path}: lessons could not read this file ({detail}); please report it with the file if you can share it"
    )]
    ReaderFailed { path: PathBuf, detail: String },
}

impl IngestError {
    /// A short machine-readable name for the kind of failure.
    pub fn kind(&self) -> &'static str {
        match self {
            IngestError::Unreadable { .. } => "unreadable",
            IngestError::SymlinkLoop { .. } => "symlink_loop",
            IngestError::Empty { .. } => "empty",
            IngestError::TooLarge { .. } => "too_large",
            IngestError::UnsupportedFormat { .. } => "unsupported_format",
            IngestError::Corrupt { .. } => "corrupt",
            IngestError::NotAnArchive { .. } => "not_an_archive",
            IngestError::ZipBomb { .. } => "zip_bomb",
            IngestError::Encrypted { .. } => "encrypted",
            IngestError::NoTextLayer { .. } => "no_text_layer",
            IngestError::NoText { .. } => "no_text",
            IngestError::ReaderFailed { .. } => "reader_failed",
        }
    }

    fn from_fault(path: &Path, fault: Fault) -> IngestError {
        let path = path.to_path_buf();
        match fault {
            Fault::Corrupt(detail) => IngestError::Corrupt { path, detail },
            Fault::NotAnArchive(format) => IngestError::NotAnArchive { path, format },
            Fault::ZipBomb(detail) => IngestError::ZipBomb { path, detail },
            Fault::Encrypted => IngestError::Encrypted { path },
            Fault::NoTextLayer => IngestError::NoTextLayer { path },
            Fault::NoText => IngestError::NoText {
                path,
                hint: "the document holds no words; check that it is the right file".into(),
            },
            Fault::Panicked(detail) => IngestError::ReaderFailed { path, detail },
        }
    }
}

/// Reads one review with the default limits.
pub fn read(path: &Path) -> Result<Document, IngestError> {
    read_with(path, &Limits::default())
}

/// Reads one review.
pub fn read_with(path: &Path, limits: &Limits) -> Result<Document, IngestError> {
    open(path, limits)?.parse(limits)
}

/// A review file's bytes, read but not yet parsed. A run hashes them for the
/// journal's `review_sha256` before parsing them, so that each file is read
/// once (it used to be read twice: once to hash, once to parse).
pub struct Source {
    path: PathBuf,
    format: Format,
    bytes: Vec<u8>,
}

impl Source {
    /// The file's bytes as read.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The sha256 of the file's bytes, as lowercase hex.
    pub fn sha256(&self) -> String {
        use sha2::{Digest, Sha256};
        format!("{:x}", Sha256::digest(&self.bytes))
    }

    /// Parses the bytes into a document, with its structure.
    pub fn parse(self, limits: &Limits) -> Result<Document, IngestError> {
        let (text, headings) = extract(&self.bytes, self.format, limits)
            .map_err(|f| IngestError::from_fault(&self.path, f))?;
        Ok(from_parts(&self.path, text, &headings))
    }
}

/// Reads one review file into memory, with the checks that need no parsing:
/// it can be read, it is not too large or empty, and its format is known.
pub fn open(path: &Path, limits: &Limits) -> Result<Source, IngestError> {
    let unreadable = |source: std::io::Error| {
        if source.raw_os_error() == Some(libc::ELOOP) {
            IngestError::SymlinkLoop {
                path: path.to_path_buf(),
            }
        } else {
            IngestError::Unreadable {
                path: path.to_path_buf(),
                source,
            }
        }
    };
    let bytes_on_disk = std::fs::metadata(path).map_err(unreadable)?.len();
    if bytes_on_disk > limits.max_file_bytes {
        return Err(IngestError::TooLarge {
            path: path.to_path_buf(),
            bytes: bytes_on_disk,
            limit: limits.max_file_bytes,
        });
    }
    let Some(format) = Format::of(path) else {
        return Err(IngestError::UnsupportedFormat {
            path: path.to_path_buf(),
            extension: path
                .extension()
                .map_or_else(String::new, |e| e.to_string_lossy().to_lowercase()),
        });
    };
    let bytes = std::fs::read(path).map_err(unreadable)?;
    if bytes.is_empty() {
        return Err(IngestError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(Source {
        path: path.to_path_buf(),
        format,
        bytes,
    })
}

/// The text of a file's bytes in a format, and the headings its formatting
/// marked. Never panics: a reader that does is reported as
/// [`Fault::Panicked`].
pub fn extract(
    bytes: &[u8],
    format: Format,
    limits: &Limits,
) -> Result<(String, Vec<HeadingHint>), Fault> {
    let outcome = guard::contained(|| match format {
        Format::Text => Ok((text::decode(bytes).0, Vec::new())),
        Format::Pdf => pdf::read(bytes).map(|d| d.compose()),
        Format::Docx => docx::read(bytes, limits).map(|d| d.compose()),
        Format::Odt => odt::read(bytes, limits).map(|d| d.compose()),
        Format::Html => Ok(html::read(bytes).compose()),
    });
    let (text, headings) = outcome.map_err(Fault::Panicked)??;
    if !text.chars().any(char::is_alphanumeric) {
        return Err(Fault::NoText);
    }
    Ok((text, headings))
}

/// Builds a document from text already in memory.
pub fn from_text(path: &Path, text: String) -> Document {
    from_parts(path, text, &[])
}

/// Builds a document from text and the headings its source marked.
pub fn from_parts(path: &Path, text: String, headings: &[HeadingHint]) -> Document {
    let structure = structure::analyse_with(&text, headings);
    Document {
        id: path
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned()),
        path: path.to_path_buf(),
        title: title_of(&text, &structure),
        text,
        structure,
    }
}

/// The first heading if the document opens with one, else its first line.
fn title_of(text: &str, structure: &crate::document::Structure) -> String {
    let first_line = text
        .lines()
        .map(|l| l.trim_matches(|c: char| c.is_whitespace() || c == '\u{c}'))
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let heading = structure
        .sections
        .iter()
        .find(|s| s.heading.end > s.heading.start)
        .map(|s| text[s.heading.start as usize..s.heading.end as usize].trim());
    let title = match heading {
        Some(h) if first_line.trim_start_matches('#').trim() == h => h,
        _ => first_line.trim_start_matches('#').trim(),
    };
    title.chars().take(200).collect()
}
