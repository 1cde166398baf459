//! Markdown: the batch table and each review's evidence, for a wiki, an
//! issue or a document that takes Markdown. Table cells are escaped so that
//! a review title with a `|` in it cannot break a row.

use super::ReportError;
use super::known;
use super::palette::look;
use crate::batch::{Batch, ReviewResult};
use std::io::Write;

pub fn write(batch: &Batch, metrics: &[String], out: &mut dyn Write) -> Result<(), ReportError> {
    let learning = batch
        .reviews
        .iter()
        .filter(|r| r.adds_real_learning)
        .count();
    writeln!(out, "# Which reviews add real learning?\n")?;
    writeln!(
        out,
        "{} reviews scored by {} {}; {learning} add real learning.\n",
        batch.reviews.len(),
        batch.tool.name,
        batch.tool.version
    )?;
    table(batch, metrics, out)?;
    problems(batch, out)?;
    known_lessons(batch, out)?;
    writeln!(out, "\n## Evidence\n")?;
    for review in super::ranked(batch) {
        evidence(review, out)?;
    }
    Ok(())
}

fn table(batch: &Batch, metrics: &[String], out: &mut dyn Write) -> Result<(), ReportError> {
    let mut header = vec!["Review".to_string()];
    header.extend(metrics.iter().map(|m| look(m).name));
    header.extend(["Learning index".into(), "Adds real learning".into()]);
    writeln!(out, "| {} |", header.join(" | "))?;
    let align: Vec<&str> = std::iter::once(":--")
        .chain(std::iter::repeat_n("--:", metrics.len() + 1))
        .chain(std::iter::once(":-:"))
        .collect();
    writeln!(out, "| {} |", align.join(" | "))?;
    for review in super::ranked(batch) {
        let mut row = vec![format!("[{}](#{})", cell(&review.id), anchor(&review.id))];
        row.extend(metrics.iter().map(|m| {
            review
                .scores
                .get(m)
                .copied()
                .flatten()
                .map_or_else(|| "–".into(), |s| format!("{s:.0}"))
        }));
        row.push(format!("{:.1}", review.learning_index));
        row.push(
            if review.adds_real_learning {
                "yes"
            } else {
                "no"
            }
            .into(),
        );
        writeln!(out, "| {} |", row.join(" | "))?;
    }
    Ok(())
}

fn problems(batch: &Batch, out: &mut dyn Write) -> Result<(), ReportError> {
    for s in &batch.skipped {
        writeln!(out, "\n> **Skipped:** {}", s.reason)?;
    }
    for r in &batch.refused_plugins {
        writeln!(out, "\n> **Plugin refused:** {}", r.reason)?;
    }
    for review in &batch.reviews {
        for e in &review.errors {
            writeln!(
                out,
                "\n> **{}:** plugin {} failed ({}): {}",
                review.id, e.plugin, e.kind, e.message
            )?;
        }
    }
    Ok(())
}

fn known_lessons(batch: &Batch, out: &mut dyn Write) -> Result<(), ReportError> {
    let recurring = known::recurring(batch);
    if recurring.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n## Recurring known lessons\n")?;
    writeln!(out, "| Known lesson | Reviews | Passages |")?;
    writeln!(out, "| :-- | --: | --: |")?;
    for lesson in recurring {
        writeln!(
            out,
            "| {} | {} of {} | {} |",
            cell(&lesson.name),
            lesson.reviews.len(),
            batch.reviews.len(),
            lesson.passages
        )?;
    }
    Ok(())
}

fn evidence(review: &ReviewResult, out: &mut dyn Write) -> Result<(), ReportError> {
    writeln!(out, "### {}\n", anchor(&review.id))?;
    writeln!(out, "{}\n", review.title)?;
    if review.evidence.is_empty() {
        writeln!(out, "No passage was cited.\n")?;
        return Ok(());
    }
    for e in &review.evidence {
        let section = if e.section.is_empty() {
            String::new()
        } else {
            format!(", {}", e.section)
        };
        writeln!(
            out,
            "- **{}** line {}{section}: “{}” — {} (`{}`)",
            look(&e.metric).name,
            e.line,
            e.text,
            e.note,
            e.rule
        )?;
    }
    writeln!(out)?;
    Ok(())
}

/// A table cell: pipes escaped, line breaks flattened.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// The review's id as a heading, so that the table can link to it.
fn anchor(id: &str) -> String {
    id.to_lowercase()
        .replace(|c: char| !c.is_alphanumeric() && c != '-', "-")
}
