//! The review texts a report shows beside its evidence (HTML, REFI-QDA,
//! `lessons check`). The output contract carries evidence spans, not whole
//! texts, so that JSON stays small; a report that needs the text reads the
//! review again through ingest, one review at a time, and checks that every
//! cited span still holds the passage that was cited before it trusts the
//! offsets.

use crate::batch::ReviewResult;
use crate::document::Document;
use crate::ingest::{self, IngestError};
use std::path::PathBuf;

/// Why a review's text cannot be shown beside its evidence.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error(transparent)]
    Unreadable(#[from] IngestError),
    #[error(
        "{path}: the file changed after it was scored (the passage cited at line {line} is no longer there); score it again"
    )]
    Changed { path: PathBuf, line: usize },
}

/// Reads `review`'s document again and checks it against the evidence.
pub fn load(review: &ReviewResult) -> Result<Document, SourceError> {
    let document = ingest::read(&review.path)?;
    match review.evidence.iter().find(|e| !cited(&document.text, e)) {
        Some(e) => Err(SourceError::Changed {
            path: review.path.clone(),
            line: e.line,
        }),
        None => Ok(document),
    }
}

/// Whether the span of `evidence` in `text` still reads as the cited passage.
/// The contract keeps the passage with its whitespace collapsed and cut
/// short, so the span's text, collapsed, must start with it.
fn cited(text: &str, evidence: &crate::batch::EvidenceRecord) -> bool {
    let (start, end) = (evidence.start as usize, evidence.end as usize);
    let Some(passage) = text.get(start..end) else {
        return false;
    };
    collapse(passage).starts_with(&evidence.text)
}

/// Runs of whitespace as one space, trimmed: how the contract cites passages.
pub fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
