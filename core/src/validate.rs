//! `lessons validate`: how far a plugin's scores agree with an expert's
//! labels. Reads a labels file (`[reviews.<id>]` tables of 0–4 levels per
//! metric, the verdict and the split), scores the labelled reviews, and
//! reports per metric Spearman's rho with a bootstrap interval, the
//! quadratic-weighted kappa on the 0–4 scale and the confusion table; for the
//! verdict, accuracy, kappa and the table; and the reviews with the largest
//! disagreement, each with the evidence that drove its score.

use crate::batch::{Batch, EvidenceRecord, ReviewResult};
use crate::config::Config;
use crate::stats;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The levels of the rubric: 0–4, a score of 25 × level.
const LEVELS: usize = 5;
const POINTS_PER_LEVEL: f64 = 25.0;
/// Bootstrap resamples and seed: fixed, so a validation prints the same figures every run.
const RESAMPLES: usize = 2000;
const SEED: u64 = 20_240_611;
/// How many of the largest disagreements to show per metric.
const WORST: usize = 3;
/// How many evidence passages to show per disagreement.
const EVIDENCE_SHOWN: usize = 3;
/// Label keys that are not metrics.
const VERDICT_KEY: &str = "adds_real_learning";
const SPLIT_KEY: &str = "split";

/// Why a validation could not run.
#[derive(Debug, thiserror::Error)]
pub enum ValidateError {
    #[error("{path}: cannot read the labels ({source})")]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}: the labels are not valid: {message}; expected [reviews.<id>] tables of 0–4 levels, `adds_real_learning` and `split`"
    )]
    Invalid { path: PathBuf, message: String },
    #[error("{path}: no labels for metric `{metric}`; labelled metrics: {known}")]
    UnlabelledMetric {
        path: PathBuf,
        metric: String,
        known: String,
    },
    #[error(
        "{path}: no labelled reviews in split `{split}` were found under the paths given; check the paths and the reviews' file names (the id is the file stem)"
    )]
    NothingToValidate { path: PathBuf, split: String },
}

/// Which labelled reviews to validate on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Split {
    /// The reviews scorers may be tuned on.
    Tune,
    /// The reviews held out from tuning.
    Holdout,
    /// Every labelled review.
    All,
}

impl Split {
    fn name(self) -> &'static str {
        match self {
            Split::Tune => "tune",
            Split::Holdout => "holdout",
            Split::All => "all",
        }
    }

    fn admits(self, split: Option<&str>) -> bool {
        self == Split::All || split == Some(self.name())
    }
}

/// One review's expert labels.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Label {
    pub split: Option<String>,
    /// Metric → level on the 0–4 rubric.
    pub levels: BTreeMap<String, f64>,
    pub verdict: Option<bool>,
}

/// A labels file.
#[derive(Clone, Debug, PartialEq)]
pub struct Labels {
    pub path: PathBuf,
    pub reviews: BTreeMap<String, Label>,
}

impl Labels {
    /// Reads a labels file.
    pub fn read(path: &Path) -> Result<Labels, ValidateError> {
        let text = std::fs::read_to_string(path).map_err(|source| ValidateError::Unreadable {
            path: path.to_path_buf(),
            source,
        })?;
        Labels::parse(&text, path)
    }

    /// Parses labels: every number in a review's table is a metric level,
    /// `adds_real_learning` the verdict, `split` the split; other keys
    /// (profile, what the review tests) are notes for people.
    pub fn parse(text: &str, path: &Path) -> Result<Labels, ValidateError> {
        let invalid = |message: String| ValidateError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let table: toml::Table = toml::from_str(text).map_err(|e| invalid(e.message().into()))?;
        let reviews = table
            .get("reviews")
            .and_then(toml::Value::as_table)
            .ok_or_else(|| invalid("there is no [reviews] table".into()))?;
        let mut labels = BTreeMap::new();
        for (id, value) in reviews {
            let entry = value
                .as_table()
                .ok_or_else(|| invalid(format!("reviews.{id} is not a table")))?;
            labels.insert(id.clone(), label(id, entry).map_err(invalid)?);
        }
        Ok(Labels {
            path: path.to_path_buf(),
            reviews: labels,
        })
    }

    /// Every metric with at least one label.
    pub fn metrics(&self) -> BTreeSet<String> {
        self.reviews
            .values()
            .flat_map(|l| l.levels.keys().cloned())
            .collect()
    }

    /// The ids of the reviews in a split.
    pub fn ids(&self, split: Split) -> BTreeSet<&str> {
        self.reviews
            .iter()
            .filter(|(_, l)| split.admits(l.split.as_deref()))
            .map(|(id, _)| id.as_str())
            .collect()
    }
}

fn label(id: &str, entry: &toml::Table) -> Result<Label, String> {
    let mut label = Label::default();
    for (key, value) in entry {
        match (key.as_str(), value) {
            (SPLIT_KEY, toml::Value::String(s)) => label.split = Some(s.clone()),
            (VERDICT_KEY, toml::Value::Boolean(b)) => label.verdict = Some(*b),
            (SPLIT_KEY | VERDICT_KEY, _) => {
                return Err(format!("reviews.{id}.{key} has the wrong type"));
            }
            (_, toml::Value::Integer(n)) => {
                label.levels.insert(key.clone(), *n as f64);
            }
            (_, toml::Value::Float(x)) => {
                label.levels.insert(key.clone(), *x);
            }
            _ => {}
        }
    }
    if let Some((metric, level)) = label.levels.iter().find(|(_, l)| !(0.0..=4.0).contains(*l)) {
        return Err(format!(
            "reviews.{id}.{metric} is {level}; levels run from 0 to 4"
        ));
    }
    Ok(label)
}

/// What to validate.
#[derive(Clone, Debug)]
pub struct Options {
    pub split: Split,
    /// The metrics to validate; empty means every labelled metric.
    pub metrics: Vec<String>,
    /// The verdict threshold, to say which rule was validated.
    pub threshold: f64,
}

impl Options {
    /// The metrics to validate, checked against the labels.
    pub fn chosen_metrics(&self, labels: &Labels) -> Result<Vec<String>, ValidateError> {
        let known = labels.metrics();
        if self.metrics.is_empty() {
            return Ok(known.into_iter().collect());
        }
        for metric in &self.metrics {
            if !known.contains(metric) {
                return Err(ValidateError::UnlabelledMetric {
                    path: labels.path.clone(),
                    metric: metric.clone(),
                    known: known.iter().cloned().collect::<Vec<_>>().join(", "),
                });
            }
        }
        Ok(self.metrics.clone())
    }
}

/// The review files under `paths` whose stem is a labelled review in the split.
pub fn review_files(labels: &Labels, split: Split, paths: &[PathBuf]) -> (Vec<PathBuf>, usize) {
    let ids = labels.ids(split);
    let (files, unwalkable) = crate::discover::review_files(paths, crate::ingest::EXTENSIONS);
    let chosen = files
        .into_iter()
        .filter(|f| {
            f.file_stem()
                .and_then(|s| s.to_str())
                .is_some_and(|s| ids.contains(s))
        })
        .collect();
    (chosen, unwalkable.len())
}

/// The whole validation.
#[derive(Clone, Debug, Serialize)]
pub struct Validation {
    pub labels: PathBuf,
    pub split: Split,
    /// Labelled reviews in the split that were scored.
    pub reviews: usize,
    /// Labelled reviews in the split that were not found or not scored.
    pub missing: Vec<String>,
    pub metrics: Vec<MetricAgreement>,
    pub verdict: Option<VerdictAgreement>,
}

/// Agreement on one metric.
#[derive(Clone, Debug, Serialize)]
pub struct MetricAgreement {
    pub metric: String,
    /// Reviews with both a label and a score.
    pub n: usize,
    pub spearman: Option<f64>,
    /// The 95% percentile bootstrap interval for Spearman's rho.
    pub spearman_interval: Option<[f64; 2]>,
    /// Quadratic-weighted kappa between the label and score/25 rounded (0–4).
    pub quadratic_kappa: Option<f64>,
    /// Share of reviews whose rounded level equals the label.
    pub exact_agreement: Option<f64>,
    /// `confusion[label][scored level]`.
    pub confusion: Vec<Vec<usize>>,
    pub disagreements: Vec<Disagreement>,
}

/// A review the scorer and the expert disagree on.
#[derive(Clone, Debug, Serialize)]
pub struct Disagreement {
    pub review: String,
    pub label: f64,
    pub score: f64,
    /// |score/25 − label|, in rubric levels.
    pub gap: f64,
    pub evidence: Vec<EvidenceRecord>,
}

/// Agreement on the verdict.
#[derive(Clone, Debug, Serialize)]
pub struct VerdictAgreement {
    pub n: usize,
    pub threshold: f64,
    pub accuracy: f64,
    pub kappa: Option<f64>,
    /// `confusion[label][verdict]`, false before true.
    pub confusion: Vec<Vec<usize>>,
    /// Reviews whose verdict differs from the label.
    pub disagreements: Vec<String>,
}

/// Compares a scored batch with the labels.
pub fn validate(batch: &Batch, labels: &Labels, options: &Options) -> Validation {
    let ids = labels.ids(options.split);
    let scored: BTreeMap<&str, &ReviewResult> = batch
        .reviews
        .iter()
        .filter(|r| ids.contains(r.id.as_str()))
        .map(|r| (r.id.as_str(), r))
        .collect();
    let missing = ids
        .iter()
        .filter(|id| !scored.contains_key(*id))
        .map(|id| id.to_string())
        .collect();
    let metrics = options
        .metrics
        .iter()
        .map(|m| metric_agreement(m, &scored, labels))
        .collect();
    Validation {
        labels: labels.path.clone(),
        split: options.split,
        reviews: scored.len(),
        missing,
        metrics,
        verdict: verdict_agreement(&scored, labels, options.threshold),
    }
}

/// A score's level on the rubric: score/25 rounded, clamped to 0–4.
pub fn level(score: f64) -> usize {
    (score / POINTS_PER_LEVEL).round().clamp(0.0, 4.0) as usize
}

fn metric_agreement(
    metric: &str,
    scored: &BTreeMap<&str, &ReviewResult>,
    labels: &Labels,
) -> MetricAgreement {
    let pairs: Vec<(&ReviewResult, f64, f64)> = scored
        .iter()
        .filter_map(|(id, review)| {
            let label = *labels.reviews[*id].levels.get(metric)?;
            let score = review.scores.get(metric).copied().flatten()?;
            Some((*review, label, score))
        })
        .collect();
    let label_values: Vec<f64> = pairs.iter().map(|p| p.1).collect();
    let scores: Vec<f64> = pairs.iter().map(|p| p.2).collect();
    let label_levels: Vec<usize> = label_values.iter().map(|l| l.round() as usize).collect();
    let score_levels: Vec<usize> = scores.iter().map(|s| level(*s)).collect();
    let confusion = stats::confusion(&label_levels, &score_levels, LEVELS);
    let exact = label_levels
        .iter()
        .zip(&score_levels)
        .filter(|(a, b)| a == b)
        .count();
    let mut disagreements: Vec<Disagreement> = pairs
        .iter()
        .map(|(review, label, score)| Disagreement {
            review: review.id.clone(),
            label: *label,
            score: *score,
            gap: (score / POINTS_PER_LEVEL - label).abs(),
            evidence: strongest_evidence(review, metric),
        })
        .filter(|d| d.gap >= 0.5)
        .collect();
    disagreements.sort_by(|a, b| b.gap.total_cmp(&a.gap).then(a.review.cmp(&b.review)));
    disagreements.truncate(WORST);
    MetricAgreement {
        metric: metric.to_string(),
        n: pairs.len(),
        spearman: stats::spearman(&scores, &label_values),
        spearman_interval: stats::spearman_interval(&scores, &label_values, RESAMPLES, 0.95, SEED)
            .map(|(low, high)| [low, high]),
        quadratic_kappa: stats::quadratic_kappa(&confusion),
        exact_agreement: (!pairs.is_empty()).then(|| exact as f64 / pairs.len() as f64),
        confusion,
        disagreements,
    }
}

/// The passages that weighed most in a review's score for one metric.
fn strongest_evidence(review: &ReviewResult, metric: &str) -> Vec<EvidenceRecord> {
    let mut evidence: Vec<&EvidenceRecord> = review
        .evidence
        .iter()
        .filter(|e| e.metric == metric && e.weight > 0.0)
        .collect();
    evidence.sort_by(|a, b| b.weight.total_cmp(&a.weight).then(a.start.cmp(&b.start)));
    evidence.into_iter().take(EVIDENCE_SHOWN).cloned().collect()
}

fn verdict_agreement(
    scored: &BTreeMap<&str, &ReviewResult>,
    labels: &Labels,
    threshold: f64,
) -> Option<VerdictAgreement> {
    let pairs: Vec<(&str, bool, bool)> = scored
        .iter()
        .filter_map(|(id, r)| Some((*id, labels.reviews[*id].verdict?, r.adds_real_learning)))
        .collect();
    if pairs.is_empty() {
        return None;
    }
    let label: Vec<usize> = pairs.iter().map(|p| usize::from(p.1)).collect();
    let verdict: Vec<usize> = pairs.iter().map(|p| usize::from(p.2)).collect();
    let confusion = stats::confusion(&label, &verdict, 2);
    let agree = pairs.iter().filter(|p| p.1 == p.2).count();
    Some(VerdictAgreement {
        n: pairs.len(),
        threshold,
        accuracy: agree as f64 / pairs.len() as f64,
        kappa: stats::cohen_kappa(&confusion),
        confusion,
        disagreements: pairs
            .iter()
            .filter(|p| p.1 != p.2)
            .map(|p| p.0.to_string())
            .collect(),
    })
}

/// Scores the labelled reviews in the split under `paths` and validates them.
pub fn run(
    labels: &Labels,
    paths: &[PathBuf],
    options: &Options,
    plugins: &crate::run::Plugins,
    config: &Config,
) -> Result<Validation, ValidateError> {
    let (files, _) = review_files(labels, options.split, paths);
    if files.is_empty() {
        return Err(ValidateError::NothingToValidate {
            path: labels.path.clone(),
            split: options.split.name().into(),
        });
    }
    let batch = crate::run::score(&files, plugins, config);
    Ok(validate(&batch, labels, options))
}

fn figure(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".into(), |v| format!("{v:.3}"))
}

/// Writes the validation for a reader.
pub fn write_text(v: &Validation, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "Validation against {} (split: {}, {} reviews)",
        v.labels.display(),
        v.split.name(),
        v.reviews
    )?;
    if !v.missing.is_empty() {
        writeln!(out, "Not scored: {}", v.missing.join(", "))?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{:<24} {:>3} {:>7} {:>17} {:>7} {:>6}",
        "metric", "n", "rho", "95% interval", "qw-κ", "exact"
    )?;
    for m in &v.metrics {
        let interval = m
            .spearman_interval
            .map_or_else(|| "n/a".into(), |[a, b]| format!("[{a:.2}, {b:.2}]"));
        writeln!(
            out,
            "{:<24} {:>3} {:>7} {:>17} {:>7} {:>6}",
            m.metric,
            m.n,
            figure(m.spearman),
            interval,
            figure(m.quadratic_kappa),
            m.exact_agreement
                .map_or_else(|| "n/a".into(), |e| format!("{:.0}%", 100.0 * e))
        )?;
    }
    if let Some(verdict) = &v.verdict {
        write_verdict(verdict, out)?;
    }
    for m in &v.metrics {
        write_metric_detail(m, out)?;
    }
    Ok(())
}

fn write_verdict(v: &VerdictAgreement, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out)?;
    writeln!(
        out,
        "verdict (adds_real_learning, threshold {}): accuracy {:.1}% of {}, kappa {}",
        v.threshold,
        100.0 * v.accuracy,
        v.n,
        figure(v.kappa)
    )?;
    writeln!(out, "  label \\ verdict   false  true")?;
    for (name, row) in ["false", "true"].iter().zip(&v.confusion) {
        writeln!(out, "  {name:<17} {:>5} {:>5}", row[0], row[1])?;
    }
    if !v.disagreements.is_empty() {
        writeln!(out, "  disagree: {}", v.disagreements.join(", "))?;
    }
    Ok(())
}

fn write_metric_detail(m: &MetricAgreement, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out)?;
    writeln!(out, "{}: label (rows) × scored level (columns)", m.metric)?;
    writeln!(out, "       0    1    2    3    4")?;
    for (label, row) in m.confusion.iter().enumerate() {
        let cells: Vec<String> = row.iter().map(|c| format!("{c:>4}")).collect();
        writeln!(out, "  {label}  {}", cells.join(" "))?;
    }
    for d in &m.disagreements {
        writeln!(
            out,
            "  {}: label {} ({}), scored {:.1}; {:.1} levels apart",
            d.review,
            d.label,
            d.label * POINTS_PER_LEVEL,
            d.score,
            d.gap
        )?;
        if d.evidence.is_empty() {
            writeln!(out, "    no evidence: no rule fired for this metric")?;
        }
        for e in &d.evidence {
            writeln!(
                out,
                "    line {} [{}] {}: {}",
                e.line,
                e.section,
                e.rule,
                one_line(&e.text)
            )?;
        }
    }
    Ok(())
}

fn one_line(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= 160 {
        return flat;
    }
    let cut: String = flat.chars().take(157).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    const LABELS: &str = r#"
[reviews.a]
split = "tune"
handwringing = 1
adds_real_learning = true
profile = "formulaic"

[reviews.b]
split = "holdout"
handwringing = 3
my_metric = 2.5
adds_real_learning = false
"#;

    #[test]
    fn numbers_are_levels_and_notes_are_ignored() {
        let labels = Labels::parse(LABELS, Path::new("labels.toml")).unwrap();
        assert_eq!(labels.reviews["a"].levels.len(), 1);
        assert_eq!(labels.reviews["b"].levels["my_metric"], 2.5);
        assert_eq!(labels.reviews["a"].verdict, Some(true));
        assert_eq!(
            labels.metrics().into_iter().collect::<Vec<_>>(),
            ["handwringing", "my_metric"]
        );
        assert_eq!(
            labels.ids(Split::Holdout).into_iter().collect::<Vec<_>>(),
            ["b"]
        );
        assert_eq!(labels.ids(Split::All).len(), 2);
    }

    #[test]
    fn a_level_out_of_range_names_the_review_and_metric() {
        let err =
            Labels::parse("[reviews.x]\nhindsight = 7\n", Path::new("labels.toml")).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("reviews.x.hindsight") && message.contains("labels.toml"),
            "{message}"
        );
    }

    #[test]
    fn an_unlabelled_metric_is_refused_with_the_known_ones() {
        let labels = Labels::parse(LABELS, Path::new("labels.toml")).unwrap();
        let options = Options {
            split: Split::All,
            metrics: vec!["handwrigning".into()],
            threshold: 75.0,
        };
        let err = options.chosen_metrics(&labels).unwrap_err().to_string();
        assert!(
            err.contains("handwrigning") && err.contains("my_metric"),
            "{err}"
        );
    }

    #[test]
    fn levels_round_and_clamp() {
        assert_eq!(level(0.0), 0);
        assert_eq!(level(37.4), 1);
        assert_eq!(level(37.5), 2);
        assert_eq!(level(100.0), 4);
        assert_eq!(level(140.0), 4);
    }
}
