//! The plugin tutorial runs as written: `scripts/tutorial.sh` writes a rule
//! pack and tests it, scaffolds a Rust plugin and builds it outside the
//! workspace, scores the corpus with both, and validates them against a
//! labels file. Their metrics must reach the CSV as columns.

use lessons_tests::{artifacts, workspace_root};
use std::process::Command;

#[test]
fn the_tutorial_script_runs_and_both_plugins_reach_the_report() {
    let root = workspace_root();
    let output = Command::new("bash")
        .arg(root.join("scripts/tutorial.sh"))
        .env("LESSONS_BIN_DIR", &artifacts().bundled_dir)
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let has_validate = Command::new(&artifacts().lessons)
        .args(["validate", "--help"])
        .output()
        .is_ok_and(|o| o.status.success());
    if has_validate {
        assert!(output.status.success(), "{stdout}\n{stderr}");
        assert!(
            stdout.contains("family_voice") && stdout.contains("reasons"),
            "validate reports both metrics:\n{stdout}"
        );
    } else {
        eprintln!(
            "NOTE: this lessons has no `validate` command yet; the tutorial's last step is not checked"
        );
        assert!(
            stderr.contains("unrecognized subcommand 'validate'"),
            "only the validate step may fail:\n{stdout}\n{stderr}"
        );
    }
    assert!(
        stdout.contains("voice (target/tutorial/voice.toml): 4 examples, 0 failed"),
        "{stdout}"
    );
    let mut reader = csv::Reader::from_path(root.join("target/tutorial/scores.csv")).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(rows.len() > 30);
    for metric in ["family_voice", "reasons", "analysis_explains_why"] {
        let column = header
            .iter()
            .position(|h| h == metric)
            .unwrap_or_else(|| panic!("column {metric} in {header:?}"));
        let values: Vec<f64> = rows.iter().map(|r| r[column].parse().unwrap()).collect();
        assert!(
            values.iter().any(|v| *v > 0.0),
            "{metric} scores some review above 0"
        );
    }
}
