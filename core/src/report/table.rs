//! The terminal table: one row per review, a column per metric, the learning
//! index and the verdict, highest learning first; then what went wrong.

use super::ReportError;
use crate::batch::Batch;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use std::io::Write;

/// Short column titles for the fixed metrics, so the table fits a terminal.
fn column_title(metric: &str) -> String {
    match metric {
        "handwringing" => "Hand-\nwringing".into(),
        "finger_pointing" => "Finger-\npointing".into(),
        "procedural_flaws" => "Procedural\nflaws".into(),
        "acting_on_negligence" => "Acting on\nnegligence".into(),
        "new_lessons" => "New\nlessons".into(),
        "hindsight" => "Hind-\nsight".into(),
        other => other.replace('_', "\n"),
    }
}

pub fn write(batch: &Batch, metrics: &[String], out: &mut dyn Write) -> Result<(), ReportError> {
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    if std::env::var_os("NO_COLOR").is_some() {
        table.force_no_tty();
    }
    let mut header = vec![Cell::new("Review")];
    header.extend(metrics.iter().map(|m| Cell::new(column_title(m))));
    header.extend([
        Cell::new("Learning\nindex"),
        Cell::new("Adds real\nlearning"),
    ]);
    table.set_header(header);
    for review in super::ranked(batch) {
        let mut row = vec![Cell::new(&review.id)];
        row.extend(metrics.iter().map(|m| {
            let text = review
                .scores
                .get(m)
                .copied()
                .flatten()
                .map_or_else(|| "–".to_string(), |s| format!("{s:.0}"));
            Cell::new(text).set_alignment(CellAlignment::Right)
        }));
        row.push(
            Cell::new(format!("{:.1}", review.learning_index)).set_alignment(CellAlignment::Right),
        );
        row.push(Cell::new(if review.adds_real_learning {
            "yes"
        } else {
            "no"
        }));
        table.add_row(row);
    }
    writeln!(out, "{table}")?;
    write_summary(batch, out)
}

/// What a reader must not miss: how many were scored, skipped, refused, failed.
fn write_summary(batch: &Batch, out: &mut dyn Write) -> Result<(), ReportError> {
    let learning = batch
        .reviews
        .iter()
        .filter(|r| r.adds_real_learning)
        .count();
    writeln!(
        out,
        "{} reviews scored by {} plugins; {} add real learning.",
        batch.reviews.len(),
        batch.plugins.len(),
        learning
    )?;
    for review in &batch.reviews {
        for e in &review.errors {
            writeln!(
                out,
                "error: {}: plugin {}: {}: {}",
                review.id, e.plugin, e.kind, e.message
            )?;
        }
    }
    for s in &batch.skipped {
        writeln!(out, "skipped: {}", s.reason)?;
    }
    for r in &batch.refused_plugins {
        writeln!(out, "plugin refused: {}", r.reason)?;
    }
    for d in &batch.disabled_plugins {
        writeln!(out, "plugin disabled: {}: {}", d.name, d.reason)?;
    }
    writeln!(
        out,
        "{} {}; configuration sha256 {}",
        batch.tool.name, batch.tool.version, batch.config_sha256
    )?;
    for p in &batch.plugins {
        writeln!(out, "plugin {} {} sha256 {}", p.name, p.version, p.sha256)?;
    }
    Ok(())
}
