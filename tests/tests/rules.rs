//! The bundled rules plugin through the real binary: `lessons test-rules`
//! on good, failing and broken packs, and a user's pack loaded from the
//! configuration, its metrics in the report and its silent rules named.

use lessons_tests::{lessons, scratch, stderr, stdout};

const PACK: &str = r#"
[pack]
id = "mine"

[[metric]]
id = "mine_counterfactual"
description = "hindsight counterfactuals"

[[rule]]
id = "should_have"
metric = "mine_counterfactual"
kind = "existence"
phrases = ["should have"]
positive = ["The nurse should have asked."]
negative = ["The nurse asked."]

[[rule]]
id = "never"
metric = "mine_counterfactual"
kind = "existence"
phrases = ["zyzzyva"]
"#;

#[test]
fn the_bundled_pack_passes_its_examples() {
    let output = lessons(&["test-rules"]);
    assert!(output.status.success(), "{}", stdout(&output));
    assert!(stdout(&output).contains("analysis (<bundled>/analysis.toml)"));
    assert!(stdout(&output).contains(" 0 failed"));
}

#[test]
fn a_failing_example_is_listed_and_the_exit_status_is_1() {
    let dir = scratch("rules-failing");
    let pack = dir.join("failing.toml");
    std::fs::write(
        &pack,
        PACK.replace("The nurse asked.", "The nurse should have known."),
    )
    .unwrap();
    let output = lessons(&["test-rules", pack.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let listing = stdout(&output);
    assert!(listing.contains("2 examples, 1 failed"), "{listing}");
    assert!(
        listing
            .contains("FAILED mine.should_have negative example 1: expected no match, found one"),
        "{listing}"
    );
}

#[test]
fn a_broken_pack_stops_with_its_file_and_rule() {
    let dir = scratch("rules-broken");
    let pack = dir.join("broken.toml");
    std::fs::write(
        &pack,
        PACK.replace("kind = \"existence\"", "kind = \"exists\""),
    )
    .unwrap();
    let output = lessons(&["test-rules", pack.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("broken.toml") && message.contains("exists"),
        "{message}"
    );
}

#[test]
fn a_configured_pack_scores_beside_the_bundled_one_and_silent_rules_are_named() {
    let dir = scratch("rules-configured");
    let pack = dir.join("mine.toml");
    std::fs::write(&pack, PACK).unwrap();
    let config = dir.join("lessons.toml");
    std::fs::write(
        &config,
        format!(
            "[plugins.rules.settings]\npacks = [{:?}]\n",
            pack.to_str().unwrap()
        ),
    )
    .unwrap();
    let output = lessons(&[
        "--config",
        config.to_str().unwrap(),
        "score",
        "reviews",
        "--format",
        "json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let batch: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules = batch["plugins"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "rules")
        .unwrap();
    let metrics: Vec<&str> = rules["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert!(metrics.contains(&"mine_counterfactual") && metrics.contains(&"analysis_explains_why"));
    let reviews = batch["reviews"].as_array().unwrap();
    let witch_hunt = reviews
        .iter()
        .find(|r| r["id"] == "brenmoor-child-t")
        .unwrap();
    assert!(
        witch_hunt["scores"]["mine_counterfactual"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    assert!(
        witch_hunt["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["rule"] == "mine.should_have" && e["metric"] == "mine_counterfactual")
    );
    let message = stderr(&output);
    assert!(
        message.contains("rules mine.never (metric mine_counterfactual)"),
        "{message}"
    );
    assert!(!message.contains("mine.should_have "), "{message}");

    let listing = lessons(&["--config", config.to_str().unwrap(), "plugins"]);
    assert!(
        stdout(&listing)
            .contains("metric:  mine_counterfactual [0, 100] hindsight counterfactuals"),
        "`lessons plugins` lists the configured pack's metrics:\n{}",
        stdout(&listing)
    );
}

#[test]
fn a_c_plugin_from_new_plugin_builds_with_make_and_scores() {
    let dir = scratch("new-plugin-c");
    let made = lessons(&[
        "new-plugin",
        "why_c",
        "--lang",
        "c",
        "--dir",
        dir.to_str().unwrap(),
    ]);
    assert!(made.status.success(), "{}", stderr(&made));
    let project = dir.join("why_c");
    let built = std::process::Command::new("make")
        .current_dir(&project)
        .output()
        .expect("make runs (install make and a C compiler)");
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let library = project.join("libwhy_c.so");
    let output = lessons(&[
        "score",
        "reviews",
        "--plugins",
        library.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let batch: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let reviews = batch["reviews"].as_array().unwrap();
    assert!(reviews.iter().all(|r| r["scores"]["why_c"].is_number()));
    assert!(
        reviews
            .iter()
            .any(|r| r["scores"]["why_c"].as_f64().unwrap() > 0.0)
    );
    assert!(
        reviews
            .iter()
            .flat_map(|r| r["evidence"].as_array().unwrap())
            .any(|e| e["rule"] == "why_c.because")
    );
}
