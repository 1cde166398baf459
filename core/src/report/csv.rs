//! CSV: one row per review, or one row per evidence span.

use super::ReportError;
use crate::batch::Batch;
use std::io::Write;

pub fn write_reviews(
    batch: &Batch,
    metrics: &[String],
    out: &mut dyn Write,
) -> Result<(), ReportError> {
    let mut writer = csv::Writer::from_writer(out);
    let mut header = vec![
        "id".to_string(),
        "title".into(),
        "path".into(),
        "words".into(),
    ];
    header.extend(metrics.iter().cloned());
    header.extend([
        "learning_index".into(),
        "adds_real_learning".into(),
        "evidence".into(),
        "errors".into(),
    ]);
    let provenance = super::provenance(batch);
    header.extend(provenance.iter().map(|(column, _)| column.to_string()));
    writer.write_record(&header)?;
    for review in super::ranked(batch) {
        let mut row = vec![
            review.id.clone(),
            review.title.clone(),
            review.path.display().to_string(),
            review.words.to_string(),
        ];
        row.extend(metrics.iter().map(|m| {
            review
                .scores
                .get(m)
                .copied()
                .flatten()
                .map_or_else(String::new, |s| s.to_string())
        }));
        row.push(review.learning_index.to_string());
        row.push(review.adds_real_learning.to_string());
        row.push(review.evidence.len().to_string());
        row.push(
            review
                .errors
                .iter()
                .map(|e| format!("{}: {}", e.plugin, e.kind))
                .collect::<Vec<_>>()
                .join("; "),
        );
        row.extend(provenance.iter().map(|(_, value)| value.clone()));
        writer.write_record(&row)?;
    }
    writer.flush()?;
    Ok(())
}

pub fn write_evidence(batch: &Batch, out: &mut dyn Write) -> Result<(), ReportError> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record([
        "review",
        "metric",
        "plugin",
        "rule",
        "weight",
        "line",
        "page",
        "section",
        "text",
        "note",
        "plugin_version",
        "plugin_sha256",
        "tool_version",
        "config_sha256",
    ])?;
    let tool = format!("{} {}", batch.tool.name, batch.tool.version);
    for review in &batch.reviews {
        for e in &review.evidence {
            let plugin = batch.plugins.iter().find(|p| p.name == e.plugin);
            writer.write_record([
                review.id.as_str(),
                &e.metric,
                &e.plugin,
                &e.rule,
                &e.weight.to_string(),
                &e.line.to_string(),
                &e.page.map_or_else(String::new, |p| p.to_string()),
                &e.section,
                &e.text,
                &e.note,
                plugin.map_or("", |p| p.version.as_str()),
                plugin.map_or("", |p| p.sha256.as_str()),
                &tool,
                &batch.config_sha256,
            ])?;
        }
    }
    writer.flush()?;
    Ok(())
}
