//! `lessons validate` end to end: the real binary, the real bundled plugins
//! and the labelled corpus. The held-out split is scored here only to check
//! the agreement the scorers reach on reviews they were never tuned on.

use lessons_tests::{artifacts, lessons, scratch, stderr, stdout};

fn validate_json(args: &[&str]) -> serde_json::Value {
    let mut all = vec![
        "validate",
        "--labels",
        "reviews/labels.toml",
        "--format",
        "json",
    ];
    all.extend(args);
    let output = lessons(&all);
    assert!(output.status.success(), "{}", stderr(&output));
    serde_json::from_slice(&output.stdout).expect("validate --format json prints JSON")
}

fn metric<'v>(validation: &'v serde_json::Value, name: &str) -> &'v serde_json::Value {
    validation["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["metric"] == name)
        .unwrap_or_else(|| panic!("no figures for {name}"))
}

/// The figures measured on the held-out split (docs/scoring.md), as floors
/// just under what was measured: the 36 reviews written blind in round 7,
/// scored once with the scorers frozen (3e0bec6). All six reach the issue's
/// target of 0.75.
const HOLDOUT_SPEARMAN: [(&str, f64); 6] = [
    ("handwringing", 0.90),
    ("finger_pointing", 0.80),
    ("procedural_flaws", 0.84),
    ("acting_on_negligence", 0.75),
    ("new_lessons", 0.78),
    ("hindsight", 0.87),
];

#[test]
fn the_held_out_split_reaches_the_measured_agreement() {
    let v = validate_json(&["--split", "holdout"]);
    assert_eq!(v["split"], "holdout");
    assert!(v["reviews"].as_u64().unwrap() >= 15, "{}", v["reviews"]);
    assert!(v["missing"].as_array().unwrap().is_empty());
    for (name, floor) in HOLDOUT_SPEARMAN {
        let rho = metric(&v, name)["spearman"].as_f64().unwrap();
        assert!(rho >= floor, "{name}: Spearman's rho {rho} < {floor}");
    }
    let verdict = &v["verdict"];
    let accuracy = verdict["accuracy"].as_f64().unwrap();
    let kappa = verdict["kappa"].as_f64().unwrap();
    assert!(accuracy >= 0.85, "verdict accuracy {accuracy}");
    assert!(kappa >= 0.7, "verdict kappa {kappa}");
}

#[test]
fn figures_are_reproducible_and_complete() {
    let a = validate_json(&["--split", "tune", "--metric", "hindsight"]);
    let b = validate_json(&["--split", "tune", "--metric", "hindsight"]);
    assert_eq!(a, b, "a seeded bootstrap gives the same interval every run");
    assert_eq!(a["metrics"].as_array().unwrap().len(), 1);
    let m = metric(&a, "hindsight");
    let [low, high] = [0, 1].map(|i| m["spearman_interval"][i].as_f64().unwrap());
    let rho = m["spearman"].as_f64().unwrap();
    assert!(low <= rho && rho <= high, "{low} {rho} {high}");
    let confusion = m["confusion"].as_array().unwrap();
    assert_eq!(confusion.len(), 5);
    let total: u64 = confusion
        .iter()
        .flat_map(|row| row.as_array().unwrap())
        .map(|c| c.as_u64().unwrap())
        .sum();
    assert_eq!(total, m["n"].as_u64().unwrap());
    for d in m["disagreements"].as_array().unwrap() {
        let score = d["score"].as_f64().unwrap();
        let evidence = d["evidence"].as_array().unwrap();
        assert!(
            score == 0.0 || !evidence.is_empty(),
            "a non-zero score without evidence: {d}"
        );
        for e in evidence {
            assert!(e["line"].as_u64().unwrap() >= 1);
            assert!(e["rule"].as_str().unwrap().starts_with("hindsight."));
            assert!(!e["section"].as_str().unwrap().is_empty() || e["section_kind"] == "other");
        }
    }
}

#[test]
fn the_text_report_names_the_figures_and_the_worst_reviews() {
    let output = lessons(&[
        "validate",
        "--labels",
        "reviews/labels.toml",
        "--split",
        "tune",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    for needle in [
        "rho",
        "95% interval",
        "qw-κ",
        "verdict (adds_real_learning",
        "label \\ verdict",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
    assert!(text.contains("levels apart"), "{text}");
}

#[test]
fn a_metric_without_labels_is_refused_with_the_labelled_ones() {
    let output = lessons(&[
        "validate",
        "--labels",
        "reviews/labels.toml",
        "--metric",
        "handwrigning",
    ]);
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(
        err.contains("handwrigning") && err.contains("new_lessons"),
        "{err}"
    );
}

#[test]
fn any_plugins_metric_can_be_validated() {
    let dir = scratch("validate-fixture-metric");
    let mut labels = String::new();
    for (i, words) in [50usize, 2600, 5100, 7600].iter().enumerate() {
        let text = "Word after word in a sentence. ".repeat(words / 6);
        std::fs::write(dir.join(format!("review-{i}.txt")), text).unwrap();
        labels.push_str(&format!(
            "[reviews.review-{i}]\nsplit = \"tune\"\nfixture_length = {i}\n\n"
        ));
    }
    std::fs::write(dir.join("labels.toml"), labels).unwrap();
    let fixture = artifacts().fixture("fx_good");
    let output = lessons(&[
        "--plugins",
        fixture.to_str().unwrap(),
        "validate",
        "--labels",
        dir.join("labels.toml").to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let v: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let m = metric(&v, "fixture_length");
    assert_eq!(m["n"], 4);
    assert_eq!(m["spearman"].as_f64(), Some(1.0));
    assert!(
        v["verdict"].is_null(),
        "no verdict labels, no verdict figures"
    );
}
