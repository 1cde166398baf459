//! ABI minors within major 1: a 1.0 plugin (1.0-sized descriptor) still
//! loads and scores on a 1.1 host, and a 1.1 plugin's instance metrics are
//! what its results are validated against and what the reports show.

use lessons_tests::{artifacts, lessons, scratch, stderr};

/// Scores one review with only this fixture plugin, as JSON.
fn score_with(fixture: &str, scratch_name: &str) -> (std::process::Output, serde_json::Value) {
    let dir = scratch(scratch_name);
    let config = dir.join("lessons.toml");
    std::fs::write(&config, "bundled_plugins = false\n").unwrap();
    let library = artifacts().fixture(fixture);
    let output = lessons(&[
        "--config",
        config.to_str().unwrap(),
        "--plugins",
        library.to_str().unwrap(),
        "score",
        "reviews/ashby-vale-child-j.md",
        "--format",
        "json",
    ]);
    let batch = serde_json::from_slice(&output.stdout).unwrap_or(serde_json::Value::Null);
    (output, batch)
}

#[test]
fn a_plugin_with_a_1_0_sized_descriptor_loads_and_its_trailing_bytes_are_ignored() {
    let (output, batch) = score_with("fx_abi_1_0", "abi-1-0");
    assert!(output.status.success(), "{}", stderr(&output));
    let plugin = &batch["plugins"][0];
    assert_eq!(plugin["name"], "abi_1_0");
    // The fixture's bytes past its declared size hold an instance_metrics
    // pointer that would declare `never_read`; a 1.0 descriptor's static
    // table must win.
    assert_eq!(plugin["metrics"], serde_json::json!(["fixture_length"]));
    assert_eq!(batch["reviews"][0]["scores"]["fixture_length"], 1.0);
}

#[test]
fn instance_metrics_are_validated_against_and_reported_as_columns() {
    let (output, batch) = score_with("fx_instance_metrics", "abi-1-1");
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        batch["plugins"][0]["metrics"],
        serde_json::json!(["fixture_length", "fixture_instance"])
    );
    let review = &batch["reviews"][0];
    assert!(review["errors"].as_array().unwrap().is_empty(), "{review}");
    assert_eq!(review["scores"]["fixture_instance"], 7.0);

    let dir = scratch("abi-1-1-csv");
    let config = dir.join("lessons.toml");
    std::fs::write(&config, "bundled_plugins = false\n").unwrap();
    let library = artifacts().fixture("fx_instance_metrics");
    let output = lessons(&[
        "--config",
        config.to_str().unwrap(),
        "--plugins",
        library.to_str().unwrap(),
        "score",
        "reviews/ashby-vale-child-j.md",
        "--format",
        "csv",
    ]);
    let csv = String::from_utf8_lossy(&output.stdout);
    let header = csv.lines().next().unwrap_or_default();
    assert!(header.contains("fixture_instance"), "{header}");
    assert!(
        stderr(&output).contains("fixture.never"),
        "a declared rule that matched nothing is reported: {}",
        stderr(&output)
    );
}

#[test]
fn bad_instance_metrics_refuse_the_plugin_with_the_reason() {
    let (output, batch) = score_with("fx_bad_instance_metrics", "abi-1-1-bad");
    assert_eq!(
        output.status.code(),
        Some(2),
        "no plugins left to score with"
    );
    let message = stderr(&output);
    assert!(
        message.contains("instance's metrics") && message.contains("min < max"),
        "{message}"
    );
    assert!(batch.is_null());
}
