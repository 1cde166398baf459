//! Aggregation: every plugin's validated result for one review becomes one
//! score per metric, the learning index, the verdict, and evidence located by
//! line, page and section. The verdict rule comes from configuration, never
//! from a plugin.

use crate::batch::{EvidenceRecord, ReviewError, ReviewResult};
use crate::config::{Config, FUNCTIONS};
use crate::document::{Document, LineIndex};
use crate::plugin::{ScoreError, validate::Validated};
use std::collections::BTreeMap;

/// The most characters of a cited passage kept in the output.
const MAX_CITED_CHARS: usize = 400;

/// One plugin's outcome for one review.
pub struct PluginOutcome<'a> {
    pub plugin: &'a str,
    pub weight: f64,
    pub result: Result<Validated, ScoreError>,
}

/// Combines the plugins' outcomes for `document`.
pub fn review(
    document: &Document,
    outcomes: Vec<PluginOutcome<'_>>,
    config: &Config,
) -> ReviewResult {
    let mut sums: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    let mut evidence = Vec::new();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let lines = document.line_index();
    for outcome in outcomes {
        let validated = match outcome.result {
            Ok(v) => v,
            Err(e) => {
                errors.push(ReviewError {
                    plugin: outcome.plugin.to_string(),
                    kind: e.kind,
                    message: e.message,
                });
                continue;
            }
        };
        for (metric, value) in &validated.scores {
            let entry = sums.entry(metric.clone()).or_insert((0.0, 0.0));
            entry.0 += value * outcome.weight;
            entry.1 += outcome.weight;
        }
        evidence.extend(
            validated
                .evidence
                .iter()
                .map(|e| locate(document, &lines, outcome.plugin, e)),
        );
        warnings.extend(
            validated
                .warnings
                .into_iter()
                .map(|w| format!("{}: {w}", outcome.plugin)),
        );
    }
    let mut scores: BTreeMap<String, Option<f64>> =
        FUNCTIONS.iter().map(|m| (m.to_string(), None)).collect();
    for (metric, (sum, weight)) in sums {
        let value = (weight > 0.0).then(|| round2(sum / weight));
        scores.insert(metric, value);
    }
    evidence.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.metric.cmp(&b.metric)));
    ReviewResult {
        id: document.id.clone(),
        path: document.path.clone(),
        title: document.title.clone(),
        words: document.structure.words,
        learning_index: learning_index(&scores, config),
        adds_real_learning: verdict(&scores, config),
        scores,
        evidence,
        errors,
        warnings,
    }
}

/// The weighted sum of the scores over the sum of the positive weights,
/// clamped to 0–100: learning metrics raise it, noise metrics lower it.
pub fn learning_index(scores: &BTreeMap<String, Option<f64>>, config: &Config) -> f64 {
    let positive: f64 = config.learning_index.values().filter(|w| **w > 0.0).sum();
    if positive <= 0.0 {
        return 0.0;
    }
    let total: f64 = config
        .learning_index
        .iter()
        .filter_map(|(metric, w)| scores.get(metric).copied().flatten().map(|s| s * w))
        .sum();
    round2((total / positive).clamp(0.0, 100.0)) + 0.0
}

/// The configured rule: the highest of the verdict metrics reaches the threshold.
pub fn verdict(scores: &BTreeMap<String, Option<f64>>, config: &Config) -> bool {
    config
        .verdict
        .metrics
        .iter()
        .filter_map(|m| scores.get(m).copied().flatten())
        .any(|s| s >= config.verdict.threshold)
}

fn locate(
    document: &Document,
    lines: &LineIndex<'_>,
    plugin: &str,
    e: &lessons_plugin::Evidence,
) -> EvidenceRecord {
    let start = e.start as usize;
    EvidenceRecord {
        metric: e.metric.clone(),
        plugin: plugin.to_string(),
        start: e.start,
        end: e.end,
        line: lines.line(start),
        column: lines.column(start),
        page: document.page_of(start),
        section: document.section_heading_of(start).to_string(),
        section_kind: document.section_kind_of(start).to_string(),
        text: squeeze_spaces(cited(&document.text[start..e.end as usize])),
        note: e.note.clone(),
        rule: e.rule.clone(),
        weight: e.weight,
    }
}

/// The start of a passage that is kept in the output: its first
/// [`MAX_CITED_CHARS`] characters, borrowed rather than copied.
fn cited(passage: &str) -> &str {
    passage
        .char_indices()
        .nth(MAX_CITED_CHARS)
        .map_or(passage, |(cut, _)| &passage[..cut])
}

/// The words of `text` with one space between each two, built in one
/// string (not a vector of words joined), as for every piece of evidence.
fn squeeze_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scores(pairs: &[(&str, f64)]) -> BTreeMap<String, Option<f64>> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Some(*v)))
            .collect()
    }

    #[test]
    fn the_verdict_follows_the_configured_rule() {
        let mut config = Config::default();
        config.verdict.threshold = 75.0;
        assert!(verdict(
            &scores(&[("new_lessons", 80.0), ("procedural_flaws", 10.0)]),
            &config
        ));
        assert!(!verdict(
            &scores(&[("new_lessons", 70.0), ("handwringing", 100.0)]),
            &config
        ));
        config.verdict.metrics = vec!["handwringing".into()];
        assert!(verdict(&scores(&[("handwringing", 100.0)]), &config));
    }

    #[test]
    fn noise_lowers_the_learning_index_and_it_stays_in_range() {
        let config = Config::default();
        let clean = learning_index(
            &scores(&[("procedural_flaws", 90.0), ("new_lessons", 60.0)]),
            &config,
        );
        let noisy = learning_index(
            &scores(&[
                ("procedural_flaws", 90.0),
                ("new_lessons", 60.0),
                ("finger_pointing", 100.0),
            ]),
            &config,
        );
        assert!(noisy < clean, "{noisy} < {clean}");
        assert_eq!(
            learning_index(&scores(&[("handwringing", 100.0)]), &config),
            0.0
        );
    }
}
