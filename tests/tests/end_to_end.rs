//! The real binary over reviews/ with the real bundled plugins: the table,
//! the JSON contract and the CSV.

use lessons_tests::{lessons, stderr, stdout};
use std::collections::BTreeSet;

const FUNCTIONS: [&str; 6] = [
    "handwringing",
    "finger_pointing",
    "procedural_flaws",
    "acting_on_negligence",
    "new_lessons",
    "hindsight",
];

/// The bundled rules plugin's Analysis pack: extra metrics beyond the six.
const ANALYSIS: [&str; 4] = [
    "analysis_explains_why",
    "analysis_beyond_individuals",
    "analysis_hindsight_method",
    "analysis_findings_findable",
];

fn review_ids() -> BTreeSet<String> {
    lessons_tests::corpus_reviews()
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect()
}

fn score_json() -> serde_json::Value {
    let output = lessons(&["score", "reviews", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    serde_json::from_slice(&output.stdout).expect("the output is JSON")
}

#[test]
fn the_json_output_follows_the_contract() {
    let batch = score_json();
    assert_eq!(batch["tool"]["name"], "lessons");
    assert!(batch["tool"]["version"].is_string());
    let plugins = batch["plugins"].as_array().unwrap();
    let names: BTreeSet<&str> = plugins
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for function in FUNCTIONS {
        assert!(
            names.contains(function),
            "bundled plugin {function} is loaded: {names:?}"
        );
    }
    for p in plugins {
        assert_eq!(p["sha256"].as_str().unwrap().len(), 64);
        assert!(std::path::Path::new(p["path"].as_str().unwrap()).exists());
        assert!(!p["metrics"].as_array().unwrap().is_empty());
        assert!(p["version"].is_string());
    }
    let reviews = batch["reviews"].as_array().unwrap();
    let ids: BTreeSet<String> = reviews
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, review_ids(), "every review is scored once");
    for review in reviews {
        for key in [
            "id",
            "path",
            "title",
            "words",
            "scores",
            "learning_index",
            "adds_real_learning",
            "evidence",
            "errors",
        ] {
            assert!(review.get(key).is_some(), "review has {key}");
        }
        assert!(review["words"].as_u64().unwrap() > 500);
        assert!(
            review["errors"].as_array().unwrap().is_empty(),
            "{}",
            review["errors"]
        );
        for function in FUNCTIONS {
            let score = review["scores"][function]
                .as_f64()
                .unwrap_or_else(|| panic!("{function} scored"));
            assert!((0.0..=100.0).contains(&score));
        }
        let index = review["learning_index"].as_f64().unwrap();
        assert!((0.0..=100.0).contains(&index));
        check_evidence(review);
    }
    assert!(batch["skipped"].as_array().unwrap().is_empty());
}

/// Every evidence span points at the text it quotes, on the line it names.
fn check_evidence(review: &serde_json::Value) {
    let text = std::fs::read_to_string(
        lessons_tests::workspace_root().join(review["path"].as_str().unwrap()),
    )
    .unwrap();
    let evidence = review["evidence"].as_array().unwrap();
    for function in FUNCTIONS {
        if review["scores"][function].as_f64().unwrap() > 0.0 {
            assert!(
                evidence
                    .iter()
                    .any(|e| e["metric"] == function && e["weight"].as_f64().unwrap() > 0.0),
                "{}: a non-zero {function} has evidence that weighed in it",
                review["id"]
            );
        }
    }
    for e in evidence {
        for key in [
            "metric", "plugin", "start", "end", "line", "page", "section", "text", "note", "rule",
        ] {
            assert!(e.get(key).is_some(), "evidence has {key}");
        }
        let (start, end) = (
            e["start"].as_u64().unwrap() as usize,
            e["end"].as_u64().unwrap() as usize,
        );
        let cited = &text[start..end];
        let shown = e["text"].as_str().unwrap();
        let normalised: String = cited.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            normalised.starts_with(&shown.chars().take(40).collect::<String>()),
            "{shown:?} is {normalised:?}"
        );
        let line = text[..start].matches('\n').count() + 1;
        assert_eq!(e["line"].as_u64().unwrap() as usize, line);
    }
}

#[test]
fn the_table_has_a_row_per_review_sorted_by_learning_index() {
    let output = lessons(&["score", "reviews"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let table = stdout(&output);
    assert!(table.contains("Learning") && table.contains("Procedural"));
    let batch = score_json();
    let mut ranked: Vec<(f64, String)> = batch["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["learning_index"].as_f64().unwrap(),
                r["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let positions: Vec<usize> = ranked
        .iter()
        .map(|(_, id)| {
            table
                .find(&format!(" {id} "))
                .unwrap_or_else(|| panic!("{id} in table"))
        })
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "rows are in learning-index order"
    );
    assert!(table.contains(&format!("{} reviews scored by", ranked.len())));
}

#[test]
fn the_csv_has_a_row_per_review_with_every_function() {
    let dir = lessons_tests::scratch("csv");
    let out = dir.join("scores.csv");
    let output = lessons(&[
        "score",
        "reviews",
        "--format",
        "csv",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(output.stdout.is_empty(), "-o sends the report to the file");
    let mut reader = csv::Reader::from_path(&out).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    for column in
        FUNCTIONS
            .iter()
            .chain(&ANALYSIS)
            .chain(&["id", "learning_index", "adds_real_learning"])
    {
        assert!(header.iter().any(|h| h == column), "column {column}");
    }
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), review_ids().len());
    let hw = header.iter().position(|h| h == "handwringing").unwrap();
    assert!(rows.iter().all(|r| r[hw].parse::<f64>().is_ok()));
}

#[test]
fn the_plugins_command_lists_each_bundled_plugin_with_its_hash() {
    let output = lessons(&["plugins"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let listing = stdout(&output);
    for function in FUNCTIONS {
        assert!(
            listing.contains(&format!("metric:  {function} [0, 100]")),
            "{listing}"
        );
    }
    for metric in ANALYSIS {
        assert!(
            listing.contains(&format!("metric:  {metric} [0, 100]")),
            "{listing}"
        );
    }
    // One library per function and hindsight, plus the rules plugin.
    assert_eq!(listing.matches("sha256:").count(), FUNCTIONS.len() + 1);
}

#[test]
fn a_missing_path_is_reported_and_the_rest_is_scored() {
    let output = lessons(&[
        "score",
        "reviews/ashby-vale-child-j.md",
        "no-such-review.txt",
        "--format",
        "json",
    ]);
    assert_eq!(
        output.status.code(),
        Some(3),
        "a partial batch has its own exit status"
    );
    let batch: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(batch["reviews"].as_array().unwrap().len(), 1);
    assert!(
        batch["skipped"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("check the path")
    );
    assert!(stderr(&output).contains("no-such-review.txt"));
}

#[test]
fn an_unknown_configuration_key_stops_the_run_naming_key_file_and_line() {
    let dir = lessons_tests::scratch("bad-config");
    let config = dir.join("lessons.toml");
    std::fs::write(
        &config,
        "[verdict]\nthreshold = 70\nmetrcs = [\"new_lessons\"]\n",
    )
    .unwrap();
    let output = lessons(&["--config", config.to_str().unwrap(), "score", "reviews"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("lessons.toml")
            && message.contains("line 3")
            && message.contains("metrcs"),
        "{message}"
    );
}

#[test]
fn the_verdict_rule_comes_from_configuration() {
    let dir = lessons_tests::scratch("verdict-config");
    let config = dir.join("lessons.toml");
    std::fs::write(&config, "[verdict]\nthreshold = 101\n").unwrap();
    let output = lessons(&[
        "--config",
        config.to_str().unwrap(),
        "score",
        "reviews",
        "--format",
        "json",
    ]);
    let batch: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        batch["reviews"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["adds_real_learning"] == false)
    );
    let default = score_json();
    assert!(
        default["reviews"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["adds_real_learning"] == true)
    );
}
