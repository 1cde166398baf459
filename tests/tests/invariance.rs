//! Invariance: the real binary and the real bundled plugins over several
//! reviews of the tune split, each scored as written and with one thing
//! added that must not move a score (RUBRIC.md's traps): a quoted headline
//! that blames professionals, a sentence that denies blame, a slogan with no
//! explanation, and the chronology repeated three times.

use lessons_tests::{lessons, review_scores, scratch, stderr, workspace_root};
use regex::Regex;
use std::collections::BTreeMap;
use std::path::Path;

/// Tune-split reviews of different profiles and forms (markdown and
/// plain-text headings), each with a chronology under a heading.
const REVIEWS: [&str; 8] = [
    "ashby-vale-child-j.md",
    "brenmoor-child-t.txt",
    "draycombe-child-h.txt",
    "hatherby-child-n.md",
    "ilsworth-child-t.md",
    "jessop-bay-siblings-l-and-m.txt",
    "larchford-child-e.txt",
    "lowenfold-child-s.txt",
];

/// The most a score may move, in points out of 100.
const TOLERANCE: f64 = 5.0;

const QUOTED_HEADLINE: &str = "The morning after the trial a local newspaper ran the headline: “Inexcusable: careless social workers and a negligent health visitor failed this child and should have saved her”.";
const DENIAL: &str = "This review does not seek to blame the social worker, the health visitor or any other individual, and it does not conclude that any practitioner should have acted differently.";
const SLOGAN: &str = "Professional curiosity is essential.";

type Scores = BTreeMap<String, BTreeMap<String, f64>>;

fn heading() -> Regex {
    Regex::new(r"^(?:#{1,6}\s|\d+\.\s+[A-Z][A-Z0-9 ,'’()&-]+$)").unwrap()
}

fn chronology_heading() -> Regex {
    Regex::new(r"(?i)(chronolog|outline of events|summary of events|key events|what happened)")
        .unwrap()
}

/// The line range of the chronology's body (after its heading, up to the
/// next heading), taking the last heading that names it (the first may be
/// a table of contents).
fn chronology(lines: &[&str]) -> std::ops::Range<usize> {
    let (heading, named) = (heading(), chronology_heading());
    let start = lines
        .iter()
        .rposition(|l| l.len() < 80 && named.is_match(l) && !l.trim_end().ends_with('.'))
        .expect("the review has a chronology heading")
        + 1;
    let end = (start..lines.len())
        .find(|&i| heading.is_match(lines[i]))
        .unwrap_or(lines.len());
    start..end
}

/// The text with a paragraph inserted just after the heading of the section
/// that follows the chronology (the analysis, in these reviews).
fn with_paragraph_after_chronology(text: &str, paragraph: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let at = chronology(&lines).end + 1;
    let mut out: Vec<&str> = lines[..at].to_vec();
    out.extend(["", paragraph, ""]);
    out.extend(&lines[at..]);
    out.join("\n") + "\n"
}

/// The text with its chronology written out three times.
fn with_chronology_three_times(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let body = chronology(&lines);
    let words: usize = lines[body.clone()]
        .iter()
        .map(|l| l.split_whitespace().count())
        .sum();
    assert!(
        words > 100,
        "a chronology of {words} words is too short to test"
    );
    let mut out: Vec<&str> = lines[..body.end].to_vec();
    for _ in 0..2 {
        out.push("");
        out.extend(&lines[body.clone()]);
    }
    out.extend(&lines[body.end..]);
    out.join("\n") + "\n"
}

/// Writes every review, changed by `change`, into a fresh folder and scores it.
fn scores_with(name: &str, change: impl Fn(&str) -> String) -> Scores {
    let dir = scratch(name);
    for review in REVIEWS {
        let text = std::fs::read_to_string(workspace_root().join("reviews").join(review)).unwrap();
        std::fs::write(dir.join(review), change(&text)).unwrap();
    }
    score(&dir)
}

fn score(dir: &Path) -> Scores {
    // An empty configuration: the defaults, whatever lessons.toml the
    // workspace holds.
    let config = dir.join("lessons.toml");
    std::fs::write(&config, "").unwrap();
    let output = lessons(&[
        "--config",
        config.to_str().unwrap(),
        "score",
        dir.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let batch: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    batch["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .map(review_scores)
        .collect()
}

/// Every review's `metrics` moved by less than the tolerance.
fn assert_unmoved(before: &Scores, after: &Scores, metrics: &[&str], what: &str) {
    assert_eq!(before.len(), REVIEWS.len());
    let mut moved = Vec::new();
    for (review, scores) in before {
        for metric in metrics {
            let (a, b) = (scores[*metric], after[review][*metric]);
            if (a - b).abs() >= TOLERANCE {
                moved.push(format!("{review} {metric}: {a} → {b}"));
            }
        }
    }
    assert!(
        moved.is_empty(),
        "{what} moved scores by {TOLERANCE} or more: {moved:#?}"
    );
}

/// The reviews as written, scored once for every test: tests run in
/// parallel, and each writing the same scratch folder would race.
fn original() -> &'static Scores {
    static ORIGINAL: std::sync::OnceLock<Scores> = std::sync::OnceLock::new();
    ORIGINAL.get_or_init(|| scores_with("invariance-original", str::to_string))
}

#[test]
fn a_quoted_headline_that_blames_professionals_does_not_move_finger_pointing() {
    let after = scores_with("invariance-headline", |t| {
        with_paragraph_after_chronology(t, QUOTED_HEADLINE)
    });
    assert_unmoved(
        original(),
        &after,
        &["finger_pointing"],
        "a quoted headline",
    );
}

#[test]
fn a_sentence_that_denies_blame_does_not_move_finger_pointing() {
    let after = scores_with("invariance-denial", |t| {
        with_paragraph_after_chronology(t, DENIAL)
    });
    assert_unmoved(
        original(),
        &after,
        &["finger_pointing"],
        "a denial of blame",
    );
}

#[test]
fn a_slogan_with_no_explanation_does_not_move_new_lessons() {
    let after = scores_with("invariance-slogan", |t| {
        with_paragraph_after_chronology(t, SLOGAN)
    });
    assert_unmoved(original(), &after, &["new_lessons"], "a slogan");
}

#[test]
fn repeating_the_chronology_three_times_moves_no_metric() {
    let after = scores_with("invariance-chronology", with_chronology_three_times);
    let metrics = [
        "handwringing",
        "finger_pointing",
        "procedural_flaws",
        "acting_on_negligence",
        "new_lessons",
        "hindsight",
    ];
    assert_unmoved(
        original(),
        &after,
        &metrics,
        "a chronology written three times",
    );
}

#[test]
fn the_edits_land_where_they_should() {
    let text = "# Review\n\n## 3. Summary of events\n\nOne.\n\nTwo.\n\n## 4. Analysis\n\nThree.\n";
    let changed = with_paragraph_after_chronology(text, "INSERTED");
    assert!(
        changed.contains("## 4. Analysis\n\nINSERTED\n"),
        "{changed}"
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(chronology(&lines), 3..8);
}
