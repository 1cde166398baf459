//! JSON and JSON Lines: the output contract, as it is.

use super::ReportError;
use crate::batch::Batch;
use std::io::Write;

pub fn write(batch: &Batch, out: &mut dyn Write) -> Result<(), ReportError> {
    serde_json::to_writer_pretty(&mut *out, batch)?;
    writeln!(out)?;
    Ok(())
}

/// One review per line, each carrying the tool and plugin provenance too, so
/// that a line stands on its own.
pub fn write_lines(batch: &Batch, out: &mut dyn Write) -> Result<(), ReportError> {
    for review in &batch.reviews {
        serde_json::to_writer(&mut *out, review)?;
        writeln!(out)?;
    }
    Ok(())
}
