//! Ingest: a file on disk becomes a [`Document`]: its text, decoded, and its
//! structure, computed once. Ingest never panics; a file it cannot read comes
//! back as an [`IngestError`] that names the file and the fix, and the batch
//! goes on.

pub mod structure;
mod text;

use crate::document::Document;
use std::path::{Path, PathBuf};

/// The largest file ingest reads, so that one stray archive cannot exhaust memory.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

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
    #[error("{path}: the file is empty; export the review again")]
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
        "{path}: '.{extension}' files are not reviews lessons can read; convert it to .txt, .md, .pdf or .docx"
    )]
    UnsupportedFormat { path: PathBuf, extension: String },
    #[error("{path}: {reason}")]
    Undecodable { path: PathBuf, reason: String },
    #[error("{path}: no text found; {hint}")]
    NoText { path: PathBuf, hint: String },
}

impl IngestError {
    /// A short machine-readable name for the kind of failure.
    pub fn kind(&self) -> &'static str {
        match self {
            IngestError::Unreadable { .. } => "unreadable",
            IngestError::Empty { .. } => "empty",
            IngestError::TooLarge { .. } => "too_large",
            IngestError::UnsupportedFormat { .. } => "unsupported_format",
            IngestError::Undecodable { .. } => "undecodable",
            IngestError::NoText { .. } => "no_text",
        }
    }
}

/// The extensions ingest reads.
pub const EXTENSIONS: &[&str] = &["txt", "md", "markdown"];

/// Reads one review.
pub fn read(path: &Path) -> Result<Document, IngestError> {
    let unreadable = |source| IngestError::Unreadable {
        path: path.to_path_buf(),
        source,
    };
    let bytes_on_disk = std::fs::metadata(path).map_err(unreadable)?.len();
    if bytes_on_disk > MAX_FILE_BYTES {
        return Err(IngestError::TooLarge {
            path: path.to_path_buf(),
            bytes: bytes_on_disk,
            limit: MAX_FILE_BYTES,
        });
    }
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_lowercase();
    if !EXTENSIONS.contains(&extension.as_str()) {
        return Err(IngestError::UnsupportedFormat {
            path: path.to_path_buf(),
            extension,
        });
    }
    let bytes = std::fs::read(path).map_err(unreadable)?;
    if bytes.is_empty() {
        return Err(IngestError::Empty {
            path: path.to_path_buf(),
        });
    }
    let text = text::decode(&bytes).map_err(|reason| IngestError::Undecodable {
        path: path.to_path_buf(),
        reason,
    })?;
    Ok(from_text(path, text))
}

/// Builds a document from text already in memory.
pub fn from_text(path: &Path, text: String) -> Document {
    let structure = structure::analyse(&text);
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
        .map(str::trim)
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
