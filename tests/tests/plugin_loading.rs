//! Deliberately bad plugins: each yields its typed load error, or an error
//! on each review, while every other plugin's results stay the same.

use lessons::plugin::{self, LoadError};
use lessons_tests::{artifacts, lessons, stderr, stdout};
use std::collections::BTreeMap;

fn load(name: &str) -> Result<plugin::Plugin, LoadError> {
    plugin::load(artifacts().fixture(name))
}

#[test]
fn a_good_fixture_loads_with_its_metadata() {
    let plugin = load("fx_good").expect("the good fixture loads");
    assert_eq!(plugin.name, "fixture_fx_good");
    assert_eq!(plugin.metrics[0].id, "fixture_length");
    assert_eq!(plugin.sha256.len(), 64);
}

#[test]
fn each_broken_descriptor_is_refused_with_its_own_typed_error() {
    assert!(matches!(
        load("fx_no_entry"),
        Err(LoadError::MissingEntry { .. })
    ));
    assert!(matches!(
        load("fx_bad_magic"),
        Err(LoadError::BadMagic {
            found: 0x0BAD_0BAD_0BAD_0BAD,
            ..
        })
    ));
    assert!(matches!(
        load("fx_truncated"),
        Err(LoadError::Truncated { found: 24, .. })
    ));
    assert!(matches!(
        load("fx_null_function"),
        Err(LoadError::NullFunction {
            function: "score",
            ..
        })
    ));
    match load("fx_wrong_abi_major") {
        Err(
            e @ LoadError::AbiMismatch {
                plugin_major: 2,
                host_major: 1,
                ..
            },
        ) => {
            let message = e.to_string();
            assert!(
                message.contains("plugin ABI 2.0")
                    && message.contains(&format!("host ABI 1.{}", lessons_plugin::abi::ABI_MINOR)),
                "{message}"
            );
        }
        other => panic!("expected an ABI mismatch, got {other:?}"),
    }
}

#[test]
fn a_library_that_is_not_a_plugin_is_named_with_the_fix() {
    let err = load("fx_no_entry").unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("libfx_no_entry")
            && message.contains("lessons_plugin_entry")
            && message.contains("export_scorer!"),
        "{message}"
    );
}

#[test]
fn the_plugins_command_lists_refusals_with_reasons() {
    let fixture = artifacts()
        .fixture("fx_bad_magic")
        .to_str()
        .unwrap()
        .to_string();
    let output = lessons(&["plugins", "--plugins", &fixture]);
    assert_eq!(output.status.code(), Some(3));
    let listing = stdout(&output);
    assert!(
        listing.contains("refused:") && listing.contains("bad magic"),
        "{listing}"
    );
    assert!(
        listing.contains("handwringing"),
        "the good plugins are still listed"
    );
}

#[test]
fn a_panic_in_create_refuses_the_plugin_and_the_batch_goes_on() {
    let fixture = artifacts()
        .fixture("fx_panic_in_create")
        .to_str()
        .unwrap()
        .to_string();
    let output = lessons(&[
        "score",
        "reviews",
        "--plugins",
        &fixture,
        "--format",
        "json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("deliberate panic in create"),
        "{}",
        stderr(&output)
    );
    let batch: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(batch["refused_plugins"][0]["kind"] == "create_failed");
    assert_eq!(bundled_scores(&batch), bundled_scores(&baseline()));
}

fn baseline() -> serde_json::Value {
    let output = lessons(&["score", "reviews", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Review id → the bundled plugins' scores, as text for exact comparison.
fn bundled_scores(batch: &serde_json::Value) -> BTreeMap<String, String> {
    batch["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let mut scores = r["scores"].as_object().unwrap().clone();
            scores.remove("fixture_length");
            (
                r["id"].as_str().unwrap().to_string(),
                serde_json::to_string(&scores).unwrap(),
            )
        })
        .collect()
}

#[test]
fn misbehaving_results_become_per_review_errors_and_leave_other_plugins_alone() {
    let cases = [
        ("fx_panic_in_score", "panic", "deliberate panic in score"),
        ("fx_nan_score", "invalid_json", "null"),
        ("fx_out_of_range", "out_of_range", "250"),
        ("fx_undeclared_metric", "undeclared_metric", "not_declared"),
        ("fx_span_outside", "bad_span", "outside the text"),
        ("fx_span_mid_char", "bad_span", "UTF-8 character"),
        ("fx_invalid_utf8", "invalid_utf8", "not UTF-8"),
    ];
    let expected = bundled_scores(&baseline());
    for (fixture, kind, words) in cases {
        let path = artifacts().fixture(fixture).to_str().unwrap().to_string();
        let output = lessons(&["score", "reviews", "--plugins", &path, "--format", "json"]);
        assert_eq!(
            output.status.code(),
            Some(3),
            "{fixture}: a partial batch: {}",
            stderr(&output)
        );
        let batch: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let reviews = batch["reviews"].as_array().unwrap();
        let affected = reviews.iter().filter(|r| {
            r["errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["kind"] == kind && e["message"].as_str().unwrap().contains(words))
        });
        let needs_multibyte = fixture == "fx_span_mid_char";
        if needs_multibyte {
            assert!(
                affected.count() > 0,
                "{fixture}: some review has a multi-byte character and an error"
            );
        } else {
            assert_eq!(
                affected.count(),
                reviews.len(),
                "{fixture}: every review carries a {kind} error naming {words:?}"
            );
        }
        assert_eq!(
            bundled_scores(&batch),
            expected,
            "{fixture}: the bundled plugins' scores are unchanged"
        );
        for review in reviews {
            let refused = !review["errors"].as_array().unwrap().is_empty();
            assert_eq!(
                review["scores"]["fixture_length"].is_null(),
                refused,
                "{fixture}: a refused result gives no score, an accepted one does"
            );
        }
    }
}
