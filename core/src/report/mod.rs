//! Reports: a [`Batch`] written in the format a reader asked for. Only this
//! module knows about output formats; every format carries the same facts.

pub mod blind;
pub mod check;
mod csv;
mod html;
mod json;
pub mod known;
mod markdown;
pub mod palette;
mod progress;
pub mod qdpx;
pub mod source;
mod table;

pub use progress::Progress;

use crate::batch::Batch;
use crate::run::Retention;
use std::io::Write;

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table for the terminal, sorted by learning index.
    Table,
    /// The whole batch as one JSON document (the output contract).
    Json,
    /// One JSON object per review, per line.
    Jsonl,
    /// One row per review.
    Csv,
    /// One row per evidence span.
    EvidenceCsv,
    /// One self-contained page: the table, charts and the highlighted evidence.
    Html,
    /// The table and the evidence in Markdown.
    Markdown,
    /// A REFI-QDA project (.qdpx) for NVivo, ATLAS.ti and MAXQDA.
    Qdpx,
}

impl Format {
    /// What a run must keep of each review for this format: the table shows
    /// scores only, every other format the evidence too.
    pub fn retention(self) -> Retention {
        match self {
            Format::Table => Retention::Scores,
            _ => Retention::Whole,
        }
    }
}

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot write the report: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot encode the report: {0}")]
    Json(#[from] serde_json::Error),
    #[error("cannot encode the report: {0}")]
    Csv(#[from] ::csv::Error),
    #[error("cannot write the archive: {0}")]
    Zip(#[from] zip::result::ZipError),
}

/// Writes `batch` as `format`. `metrics` orders the score columns.
pub fn write(
    batch: &Batch,
    format: Format,
    metrics: &[String],
    out: &mut dyn Write,
) -> Result<(), ReportError> {
    match format {
        Format::Table => table::write(batch, metrics, out),
        Format::Json => json::write(batch, out),
        Format::Jsonl => json::write_lines(batch, out),
        Format::Csv => csv::write_reviews(batch, metrics, out),
        Format::EvidenceCsv => csv::write_evidence(batch, out),
        Format::Html => html::write(batch, metrics, out),
        Format::Markdown => markdown::write(batch, metrics, out),
        Format::Qdpx => qdpx::write(batch, metrics, out),
    }
}

/// The reviews in reading order: highest learning index first, then by id.
pub fn ranked(batch: &Batch) -> Vec<&crate::batch::ReviewResult> {
    let mut reviews: Vec<_> = batch.reviews.iter().collect();
    reviews.sort_by(|a, b| {
        b.learning_index
            .total_cmp(&a.learning_index)
            .then_with(|| a.id.cmp(&b.id))
    });
    reviews
}

/// The provenance every format records: what a reader needs to reproduce the
/// run (tool version, configuration hash, each plugin's name, version and
/// sha256), as (column, value) pairs.
pub fn provenance(batch: &Batch) -> [(&'static str, String); 3] {
    let plugins = batch
        .plugins
        .iter()
        .map(|p| format!("{} {} sha256:{}", p.name, p.version, p.sha256))
        .collect::<Vec<_>>()
        .join("; ");
    [
        (
            "tool_version",
            format!("{} {}", batch.tool.name, batch.tool.version),
        ),
        ("config_sha256", batch.config_sha256.clone()),
        ("plugins", plugins),
    ]
}
