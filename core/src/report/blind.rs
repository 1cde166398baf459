//! The report of a blind review's scoring: a table per plugin metric of
//! hindsight sensitivity and pairwise accuracy, or the whole result as JSON.

use super::ReportError;
use crate::blind::score::BlindScore;
use crate::blind::stats::Discrimination;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use std::io::Write;

/// How the blind-scoring report is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum BlindFormat {
    /// A table for the terminal.
    Table,
    /// Everything, including each case's scores both ways, as JSON.
    Json,
}

pub fn write(
    result: &BlindScore,
    format: BlindFormat,
    out: &mut dyn Write,
) -> Result<(), ReportError> {
    match format {
        BlindFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, result)?;
            writeln!(out)?;
            Ok(())
        }
        BlindFormat::Table => table(result, out),
    }
}

/// How many of the cues that moved the table lists.
const CUES_SHOWN: usize = 10;

fn table(result: &BlindScore, out: &mut dyn Write) -> Result<(), ReportError> {
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    if std::env::var_os("NO_COLOR").is_some() {
        table.force_no_tty();
    }
    table.set_header(vec![
        "Plugin",
        "Metric",
        "Cases",
        "Mean |Δ|",
        "Mean Δ",
        "Blinded: harmed\nscored higher",
        "p",
        "Outcome known:\nharmed higher",
        "p",
    ]);
    for m in &result.metrics {
        let number = |v: f64| Cell::new(format!("{v:.1}")).set_alignment(CellAlignment::Right);
        table.add_row(vec![
            Cell::new(&m.plugin),
            Cell::new(&m.metric),
            Cell::new(m.sensitivity.cases).set_alignment(CellAlignment::Right),
            number(m.sensitivity.mean_absolute_change),
            number(m.sensitivity.mean_signed_change),
            Cell::new(accuracy(&m.blinded)),
            Cell::new(p_value(&m.blinded)).set_alignment(CellAlignment::Right),
            Cell::new(accuracy(&m.unblinded)),
            Cell::new(p_value(&m.unblinded)).set_alignment(CellAlignment::Right),
        ]);
    }
    writeln!(out, "{table}")?;
    writeln!(
        out,
        "Δ = blinded − original score (0–100). Accuracy = pairs where the harmed child scored higher, of the pairs not tied; p = exact one-sided binomial test against chance (0.5)."
    )?;
    match &result.pairs_file {
        Some(path) => writeln!(out, "{} pairs from {}.", result.pairs.len(), path.display())?,
        None => writeln!(
            out,
            "No pairs file: accuracy needs one; name it with --pairs FILE (see reviews/blind/pairs.toml)."
        )?,
    }
    let moved: Vec<_> = result
        .cues
        .iter()
        .filter(|c| c.blinded != c.unblinded)
        .take(CUES_SHOWN)
        .collect();
    if !moved.is_empty() {
        writeln!(
            out,
            "Cues that moved most when the outcome was hidden (evidence count, original → blinded):"
        )?;
        for c in moved {
            writeln!(
                out,
                "  {} {}: {} → {}",
                c.plugin, c.rule, c.unblinded, c.blinded
            )?;
        }
    }
    for problem in result
        .problems
        .iter()
        .chain(result.cases.iter().flat_map(|c| c.problems.iter()))
    {
        writeln!(out, "problem: {problem}")?;
    }
    Ok(())
}

/// "5/6 (83%), 0 tied", or "–" without pairs.
fn accuracy(d: &Discrimination) -> String {
    match d.accuracy {
        Some(a) => format!(
            "{}/{} ({:.0}%){}",
            d.right,
            d.right + d.wrong,
            a * 100.0,
            ties(d)
        ),
        None if d.pairs > 0 => format!("all {} tied", d.pairs),
        None => "–".into(),
    }
}

fn ties(d: &Discrimination) -> String {
    if d.ties == 0 {
        String::new()
    } else {
        format!(", {} tied", d.ties)
    }
}

fn p_value(d: &Discrimination) -> String {
    d.p_value.map_or_else(|| "–".into(), |p| format!("{p:.3}"))
}
