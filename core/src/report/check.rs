//! `lessons check`: a draft review read the way a linter reads code, for a
//! board before publication. Each problem the plugins cited becomes one
//! finding at its place (`path:line:col: metric: message`) with the plugin's
//! suggestion; then the scores; then whether the draft passes the board's
//! thresholds. The findings are the plugins' own evidence: nothing is scored
//! again here. A waiver file silences findings the board has accepted, since
//! a PDF cannot carry inline comments.

use super::known;
use super::palette::look;
use crate::batch::{EvidenceRecord, ReviewResult};
use crate::config::Config;
use crate::document::Document;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The pseudo-metric that counts unwaived findings, for thresholds.
pub const FINDINGS: &str = "findings";
/// The learning index, for thresholds.
pub const LEARNING_INDEX: &str = "learning_index";

/// Why a check could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(
        "'{0}' is not a threshold; write METRIC>N or METRIC<N, e.g. handwringing>50 or learning_index<40"
    )]
    Threshold(String),
    #[error("threshold on '{metric}': no such metric; known: {known}")]
    UnknownMetric { metric: String, known: String },
    #[error("{path}: cannot read the waiver file ({source})")]
    WaiversUnreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    WaiversInvalid { path: PathBuf, message: String },
}

/// Which side of the limit fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Above,
    Below,
}

/// A sign-off rule: fail when `metric` is above (or below) `limit`.
#[derive(Clone, Debug, PartialEq)]
pub struct Threshold {
    pub metric: String,
    pub side: Side,
    pub limit: f64,
    /// Where the rule came from, for the message.
    pub origin: String,
}

impl FromStr for Threshold {
    type Err = CheckError;

    /// `handwringing>50` or `learning_index<40`.
    fn from_str(text: &str) -> Result<Threshold, CheckError> {
        let bad = || CheckError::Threshold(text.to_string());
        let (at, side) = match (text.find('>'), text.find('<')) {
            (Some(i), None) => (i, Side::Above),
            (None, Some(i)) => (i, Side::Below),
            _ => return Err(bad()),
        };
        let metric = text[..at].trim();
        let limit: f64 = text[at + 1..].trim().parse().map_err(|_| bad())?;
        if metric.is_empty() || !limit.is_finite() {
            return Err(bad());
        }
        Ok(Threshold {
            metric: metric.to_string(),
            side,
            limit,
            origin: "--fail-on".into(),
        })
    }
}

/// The thresholds in force: the configuration's `[check]` table, then the
/// command line's, which replace the configuration's for the same metric and side.
pub fn thresholds(
    config: &Config,
    command_line: &[Threshold],
    metrics: &[String],
) -> Result<Vec<Threshold>, CheckError> {
    let origin = config.source.as_ref().map_or_else(
        || "the configuration".to_string(),
        |p| format!("{} [check]", p.display()),
    );
    let configured = (config
        .check
        .fail_above
        .iter()
        .map(|(m, v)| (m, *v, Side::Above)))
    .chain(
        config
            .check
            .fail_below
            .iter()
            .map(|(m, v)| (m, *v, Side::Below)),
    )
    .map(|(metric, limit, side)| Threshold {
        metric: metric.clone(),
        side,
        limit,
        origin: origin.clone(),
    });
    let mut all: Vec<Threshold> = Vec::new();
    for t in configured.chain(command_line.iter().cloned()) {
        all.retain(|u| !(u.metric == t.metric && u.side == t.side));
        all.push(t);
    }
    for t in &all {
        let known =
            metrics.contains(&t.metric) || t.metric == FINDINGS || t.metric == LEARNING_INDEX;
        if !known {
            return Err(CheckError::UnknownMetric {
                metric: t.metric.clone(),
                known: [metrics, &[LEARNING_INDEX.into(), FINDINGS.into()]]
                    .concat()
                    .join(", "),
            });
        }
    }
    Ok(all)
}

/// A finding the board has accepted.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    /// The evidence rule, as printed after the message.
    pub rule: String,
    /// The passage's hash, as printed after the rule (`#…`).
    pub text_hash: String,
    pub reason: String,
    pub who: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WaiverFile {
    #[serde(default)]
    waiver: Vec<Waiver>,
}

/// Reads a waiver file: `[[waiver]]` tables with rule, text_hash, reason and who.
pub fn read_waivers(path: &Path) -> Result<Vec<Waiver>, CheckError> {
    let invalid = |message: String| CheckError::WaiversInvalid {
        path: path.to_path_buf(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|source| CheckError::WaiversUnreadable {
        path: path.to_path_buf(),
        source,
    })?;
    let file: WaiverFile = toml::from_str(&text).map_err(|e| {
        invalid(
            e.to_string()
                .lines()
                .filter(|l| !l.trim().is_empty())
                .collect::<Vec<_>>()
                .join(" "),
        )
    })?;
    for (i, w) in file.waiver.iter().enumerate() {
        let missing = [
            ("rule", &w.rule),
            ("text_hash", &w.text_hash),
            ("reason", &w.reason),
            ("who", &w.who),
        ]
        .into_iter()
        .find(|(_, v)| v.trim().is_empty());
        if let Some((key, _)) = missing {
            return Err(invalid(format!(
                "waiver {} has an empty {key}; a waiver says what it silences, why, and who accepted it",
                i + 1
            )));
        }
    }
    Ok(file.waiver)
}

/// A location-free hash of a cited passage: the same passage keeps its hash
/// when text is added above it, so a waiver survives redrafting elsewhere.
pub fn text_hash(passage: &str) -> String {
    let collapsed = super::source::collapse(&passage.to_lowercase());
    let digest = Sha256::digest(collapsed.as_bytes());
    digest[..6].iter().map(|b| format!("{b:02x}")).collect()
}

/// One problem at its place.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub line: usize,
    pub column: usize,
    pub metric: String,
    pub rule: String,
    pub message: String,
    pub passage: String,
    pub hash: String,
    /// The index of the waiver that silences it, if any.
    pub waived_by: Option<usize>,
}

/// The outcome of checking one draft.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    /// Waivers that matched nothing: the passage was redrafted or removed.
    pub unused_waivers: Vec<Waiver>,
    /// Each threshold the draft fails, as a sentence.
    pub failures: Vec<String>,
}

/// The sign-off status and what it means for the exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Every threshold passed and every plugin scored the draft.
    Pass,
    /// At least one threshold failed (or could not be checked).
    Fail,
    /// Thresholds passed, but a plugin failed on the draft, so scores are incomplete.
    Incomplete,
}

/// Whether `evidence` is a problem a board should see, rather than credit.
/// Every passage behind a noise metric (one with a negative weight in the
/// learning index) is a problem; behind a learning metric, only passages the
/// plugin cited as earning nothing, and restatements of known lessons.
fn is_problem(evidence: &EvidenceRecord, config: &Config) -> bool {
    let noise = config
        .learning_index
        .get(&evidence.metric)
        .is_some_and(|w| *w < 0.0);
    noise || evidence.weight <= 0.0 || known::of(evidence).is_some()
}

/// Checks one scored draft. `document` (its text and structure, read again)
/// lets a finding name the recommendation it sits in.
pub fn check(
    review: &ReviewResult,
    document: Option<&Document>,
    config: &Config,
    thresholds: &[Threshold],
    waivers: &[Waiver],
) -> Outcome {
    let mut findings: Vec<Finding> = review
        .evidence
        .iter()
        .filter(|e| is_problem(e, config))
        .map(|e| finding(e, document, waivers))
        .collect();
    findings.sort_by(|a, b| {
        (a.line, a.column, &a.metric, &a.rule).cmp(&(b.line, b.column, &b.metric, &b.rule))
    });
    findings.dedup_by(|a, b| {
        (a.line, a.column, &a.metric, &a.rule) == (b.line, b.column, &b.metric, &b.rule)
    });
    let unused_waivers = waivers
        .iter()
        .enumerate()
        .filter(|(i, _)| !findings.iter().any(|f| f.waived_by == Some(*i)))
        .map(|(_, w)| w.clone())
        .collect();
    let open = findings.iter().filter(|f| f.waived_by.is_none()).count();
    let failures = thresholds
        .iter()
        .filter_map(|t| failure(t, review, open))
        .collect();
    Outcome {
        findings,
        unused_waivers,
        failures,
    }
}

fn finding(e: &EvidenceRecord, document: Option<&Document>, waivers: &[Waiver]) -> Finding {
    let hash = text_hash(&e.text);
    let waived_by = waivers
        .iter()
        .position(|w| w.rule == e.rule && w.text_hash.eq_ignore_ascii_case(&hash));
    Finding {
        line: e.line,
        column: e.column,
        metric: e.metric.clone(),
        rule: e.rule.clone(),
        message: message(e, document),
        passage: e.text.clone(),
        hash,
        waived_by,
    }
}

/// The plugin's note, told where it is: in which recommendation, and which
/// known lesson it restates when the rule names one.
fn message(e: &EvidenceRecord, document: Option<&Document>) -> String {
    let mut note = e.note.clone();
    if let Some((key, name)) = known::of(e)
        && key != "known"
    {
        note = format!("this restates a known lesson, {name}: what is specific to this case?");
    }
    match document.and_then(|d| recommendation_number(d, e.start as usize)) {
        Some(n) => format!("recommendation {n}: {note}"),
        None => note,
    }
}

/// The number of the recommendation holding a byte offset: as written in
/// the draft, else its place in the list.
fn recommendation_number(document: &Document, offset: usize) -> Option<u32> {
    let items = &document.structure.recommendations;
    let i = items
        .iter()
        .position(|r| (r.span.start as usize) <= offset && offset < r.span.end as usize)?;
    Some(if items[i].number > 0 {
        items[i].number
    } else {
        i as u32 + 1
    })
}

fn failure(t: &Threshold, review: &ReviewResult, open_findings: usize) -> Option<String> {
    let value = match t.metric.as_str() {
        FINDINGS => Some(open_findings as f64),
        LEARNING_INDEX => Some(review.learning_index),
        metric => review.scores.get(metric).copied().flatten(),
    };
    let Some(value) = value else {
        return Some(format!(
            "{} was not scored (see the errors above), so its threshold ({}) cannot be checked",
            t.metric, t.origin
        ));
    };
    let (fails, word) = match t.side {
        Side::Above => (value > t.limit, "above"),
        Side::Below => (value < t.limit, "below"),
    };
    fails.then(|| {
        format!(
            "{} is {value:.1}, {word} the limit of {} ({})",
            t.metric, t.limit, t.origin
        )
    })
}

impl Outcome {
    /// The sign-off status for `review`.
    pub fn status(&self, review: &ReviewResult) -> Status {
        if !self.failures.is_empty() {
            Status::Fail
        } else if !review.errors.is_empty() {
            Status::Incomplete
        } else {
            Status::Pass
        }
    }
}

/// The most characters of a passage quoted after a finding.
const QUOTED_CHARS: usize = 70;

/// Writes the findings, one per line, then the scores and the sign-off.
pub fn write(
    outcome: &Outcome,
    review: &ReviewResult,
    metrics: &[String],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let path = review.path.display();
    for f in outcome.findings.iter().filter(|f| f.waived_by.is_none()) {
        writeln!(
            out,
            "{path}:{}:{}: {}: {} [{} #{}] \"{}\"",
            f.line,
            f.column,
            f.metric,
            f.message,
            f.rule,
            f.hash,
            quoted(&f.passage)
        )?;
    }
    for e in &review.errors {
        writeln!(
            out,
            "{path}: error: plugin {} failed ({}): {}",
            e.plugin, e.kind, e.message
        )?;
    }
    for w in &outcome.unused_waivers {
        writeln!(
            out,
            "{path}: warning: the waiver for {} #{} ({}) matched nothing; the passage was changed or removed, so remove the waiver",
            w.rule, w.text_hash, w.who
        )?;
    }
    let waived = outcome
        .findings
        .iter()
        .filter(|f| f.waived_by.is_some())
        .count();
    writeln!(
        out,
        "\n{} finding(s), {waived} waived.\n\nScores for {path}:",
        outcome.findings.len() - waived
    )?;
    for metric in metrics {
        let value = review
            .scores
            .get(metric)
            .copied()
            .flatten()
            .map_or_else(|| "not scored".into(), |s| format!("{s:5.1}"));
        writeln!(out, "  {:<22} {value}", look(metric).name)?;
    }
    writeln!(
        out,
        "  {:<22} {:5.1} ({})",
        "learning index",
        review.learning_index,
        if review.adds_real_learning {
            "adds real learning"
        } else {
            "does not add real learning"
        }
    )?;
    writeln!(out)?;
    for f in &outcome.failures {
        writeln!(out, "fail: {f}")?;
    }
    let status = match outcome.status(review) {
        Status::Pass => "pass",
        Status::Fail => "fail",
        Status::Incomplete => "incomplete (a plugin failed; the scores are partial)",
    };
    writeln!(out, "sign-off: {status}")
}

fn quoted(passage: &str) -> String {
    if passage.chars().count() <= QUOTED_CHARS {
        return passage.to_string();
    }
    let cut: String = passage.chars().take(QUOTED_CHARS).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_parse_both_sides_and_refuse_nonsense() {
        let t: Threshold = "handwringing>50".parse().unwrap();
        assert_eq!(
            (t.metric.as_str(), t.side, t.limit),
            ("handwringing", Side::Above, 50.0)
        );
        let t: Threshold = "learning_index < 32.5".parse().unwrap();
        assert_eq!((t.side, t.limit), (Side::Below, 32.5));
        for bad in [
            "handwringing",
            "handwringing>",
            ">50",
            "a>b",
            "a>5<6",
            "a>NaN",
        ] {
            assert!(bad.parse::<Threshold>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_command_line_replaces_the_configured_threshold() {
        let mut config = Config::default();
        config.check.fail_above.insert("handwringing".into(), 50.0);
        config
            .check
            .fail_below
            .insert("learning_index".into(), 20.0);
        let metrics = vec!["handwringing".to_string()];
        let cli = vec!["handwringing>70".parse().unwrap()];
        let all = thresholds(&config, &cli, &metrics).unwrap();
        assert_eq!(all.len(), 2);
        assert!(
            all.iter()
                .any(|t| t.metric == "handwringing" && t.limit == 70.0)
        );
        let unknown = vec!["handwrining>1".parse().unwrap()];
        let err = thresholds(&config, &unknown, &metrics).unwrap_err();
        assert!(err.to_string().contains("handwrining"), "{err}");
    }

    #[test]
    fn the_hash_ignores_case_and_spacing_but_not_words() {
        assert_eq!(
            text_hash("Lessons  must\nbe learned"),
            text_hash("lessons must be learned")
        );
        assert_ne!(
            text_hash("lessons must be learned"),
            text_hash("lessons were learned")
        );
        assert_eq!(text_hash("x").len(), 12);
    }
}
