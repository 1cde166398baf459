//! Every review rendered to PDF and to DOCX (by scripts/render-reviews.py,
//! with a running header, a page footer and larger headings) scores within
//! five points of its source text on every metric: what ingest recovers
//! from a real document is what the scorers would have seen in plain text.
//!
//! The renderings are made before the tests (CI runs
//! `python3 scripts/render-reviews.py`); without them this test says so
//! loudly and passes, except under CI, where it fails.

use lessons_tests::{lessons, review_scores, stderr, workspace_root};
use std::collections::BTreeMap;
use std::path::Path;

const TOLERANCE: f64 = 5.0;

/// The share of the six functions' scores allowed to move by more than the
/// tolerance, in per cent, for either format. It was 0 of 312 on the first 52
/// reviews. On 196 reviews (1,176 scores):
/// - DOCX: 7 (0.6%), in five reviews, none of them about tables (where a
///   title-page line is read as a heading, its kind passes to the sections
///   below it);
/// - PDF: 8 (0.7%): those seven, and one review whose contents list is
///   read differently. PDF tables (a recommendations table's owners and
///   dates) are read row by row since the reader finds them by the
///   glyphs' columns; before that it was 32 (2.7%), allowed 3%.
///
/// Both are open ingest problems (docs/ingest.md). The test lists every
/// miss on every run; a format that moved more would fail.
const MISSES_ALLOWED_PERCENT: usize = 1;

type Scores = BTreeMap<String, BTreeMap<String, f64>>;

/// The five functions and hindsight: the metrics held to the tolerance.
const FUNCTIONS: [&str; 6] = [
    "handwringing",
    "finger_pointing",
    "procedural_flaws",
    "acting_on_negligence",
    "new_lessons",
    "hindsight",
];

/// id → metric → score, and how many evidence items cite a page out of how
/// many there are, from `lessons score PATH --format json`.
fn scores(path: &Path) -> (Scores, usize, usize) {
    let output = lessons(&["score", path.to_str().unwrap(), "--format", "json"]);
    assert!(
        output.status.success(),
        "scoring {} failed: {}",
        path.display(),
        stderr(&output)
    );
    let batch: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let reviews = batch["reviews"].as_array().unwrap();
    let evidence: Vec<&serde_json::Value> = reviews
        .iter()
        .flat_map(|r| r["evidence"].as_array().unwrap())
        .collect();
    let with_page = evidence.iter().filter(|e| e["page"].is_u64()).count();
    let scores = reviews.iter().map(review_scores).collect();
    (scores, with_page, evidence.len())
}

fn renderings_score_like_the_source(format: &str) {
    let folder = workspace_root().join("target/renderings").join(format);
    if !folder.is_dir() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{} is missing; run `python3 scripts/render-reviews.py` before the tests",
            folder.display()
        );
        eprintln!(
            "SKIPPED: {} is missing; run `pip install reportlab python-docx && python3 scripts/render-reviews.py` to test {format} renderings",
            folder.display()
        );
        return;
    }
    let (source, _, _) = scores(&workspace_root().join("reviews"));
    let (rendered, with_page, evidence) = scores(&folder);
    assert!(evidence > 0, "the renderings give evidence");
    if format == "pdf" {
        assert_eq!(with_page, evidence, "evidence from a PDF cites its page");
    }
    assert_eq!(
        source.keys().collect::<Vec<_>>(),
        rendered.keys().collect::<Vec<_>>(),
        "every review has a {format} rendering, and each was read"
    );
    let mut misses = Vec::new();
    let mut beyond_the_six = Vec::new();
    for (id, metrics) in &source {
        for (metric, expected) in metrics {
            let got = rendered[id].get(metric).copied();
            let within = got.is_some_and(|got| (got - expected).abs() <= TOLERANCE);
            if !within {
                let got = got.unwrap_or(f64::NAN);
                let line = format!("{id} {metric}: source {expected:.1}, {format} {got:.1}");
                if FUNCTIONS.contains(&metric.as_str()) {
                    misses.push(line);
                } else {
                    beyond_the_six.push(line);
                }
            }
        }
    }
    // The rules plugin's Analysis pack counts headings, which a rendering can
    // recover differently (docs/ingest.md): reported, not asserted.
    for line in &beyond_the_six {
        eprintln!("note: a metric beyond the six moved: {line}");
    }
    let held: usize = source
        .values()
        .map(|metrics| {
            metrics
                .keys()
                .filter(|m| FUNCTIONS.contains(&m.as_str()))
                .count()
        })
        .sum();
    for line in &misses {
        eprintln!("note: moved more than {TOLERANCE}: {line}");
    }
    assert!(
        misses.len() * 100 <= held * MISSES_ALLOWED_PERCENT,
        "{} of {held} scores differ by more than {TOLERANCE}:\n{}",
        misses.len(),
        misses.join("\n")
    );
}

#[test]
fn pdf_renderings_score_within_five_points_of_the_source() {
    renderings_score_like_the_source("pdf");
}

#[test]
fn docx_renderings_score_within_five_points_of_the_source() {
    renderings_score_like_the_source("docx");
}
