//! End-to-end tests of `lessons blind`: blinding is deterministic with a
//! seed, the key and the log stay outside the panel's folder, nothing that
//! reveals the outcome or identifies the family survives, and `--score`
//! reports figures that agree with the scores it lists.

use lessons_tests::{lessons, scratch, stderr, stdout, workspace_root};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const FIXTURES: &str = "tests/fixtures/blind";
const PAIRS: &str = "reviews/blind";

/// Blinds `cases` into a fresh folder; returns the panel folder and its key.
fn blind(name: &str, cases: &str, seed: &str) -> (PathBuf, PathBuf) {
    let root = scratch(name);
    let panel = root.join("panel");
    let output = lessons(&[
        "blind",
        cases,
        "-o",
        panel.to_str().unwrap(),
        "--seed",
        seed,
    ]);
    assert!(output.status.success(), "blind failed: {}", stderr(&output));
    (panel, root.join("panel.key.toml"))
}

/// Every file in a folder, by name, with its text.
fn folder(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&path).unwrap())
        })
        .collect()
}

fn score_json(panel: &Path, key: &Path, pairs: Option<&str>) -> Value {
    let mut args = vec![
        "blind",
        "--score",
        panel.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        "-f",
        "json",
    ];
    if let Some(p) = pairs {
        args.extend(["--pairs", p]);
    }
    let output = lessons(&args);
    assert!(
        output.status.success(),
        "blind --score failed: {}",
        stderr(&output)
    );
    serde_json::from_str(&stdout(&output)).expect("blind --score -f json prints JSON")
}

#[test]
fn the_same_seed_gives_the_same_blinding_and_another_seed_does_not() {
    let (first, first_key) = blind("blind-seed-a", FIXTURES, "41");
    let (again, again_key) = blind("blind-seed-b", FIXTURES, "41");
    let (other, _) = blind("blind-seed-c", FIXTURES, "42");
    assert_eq!(folder(&first), folder(&again));
    assert_eq!(
        std::fs::read_to_string(first_key).unwrap(),
        std::fs::read_to_string(again_key).unwrap()
    );
    let codes = |dir: &Path| folder(dir).into_keys().collect::<Vec<_>>();
    assert_ne!(
        codes(&first),
        codes(&other),
        "another seed must draw other codes"
    );
}

#[test]
fn the_panel_folder_holds_only_coded_cases_and_the_key_names_every_original() {
    let (panel, key) = blind("blind-layout", FIXTURES, "5");
    let files = folder(&panel);
    assert_eq!(files.len(), 2, "{files:?}");
    for name in files.keys() {
        assert!(
            !name.contains("harmed"),
            "a blinded file keeps its original name: {name}"
        );
    }
    let key_text = std::fs::read_to_string(&key).unwrap();
    for name in files.keys() {
        assert!(
            key_text.contains(name.as_str()),
            "the key does not list {name}"
        );
    }
    assert!(key_text.contains("harmed.md") && key_text.contains("unharmed.md"));
    assert!(key.with_file_name("panel.redactions.md").exists());
}

#[test]
fn the_key_may_not_go_inside_the_panel_folder() {
    let root = scratch("blind-key-inside");
    let panel = root.join("panel");
    let key = panel.join("key.toml");
    let output = lessons(&[
        "blind",
        FIXTURES,
        "-o",
        panel.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("cannot go inside the panel's folder"),
        "{}",
        stderr(&output)
    );
    assert!(
        !panel.exists(),
        "nothing is written when the key would be exposed"
    );
}

#[test]
fn nothing_that_reveals_the_outcome_or_names_the_family_survives() {
    let (panel, key) = blind("blind-content", FIXTURES, "9");
    let revealing = [
        "died",
        "death",
        "post-mortem",
        "pathologist",
        "convicted",
        "sentenced",
        "Crown Court",
        "commissioned",
        "thriving",
        "no further referrals",
        "hindsight",
        "audit",
    ];
    let identifying = [
        "Poppy",
        "Isla",
        "Ashdown",
        "Corrigan",
        "Rudd",
        "Oakes",
        "Pritchard",
        "Faulds",
        "Wilk",
        "Marr",
        "Brackenfold",
        "Stonebarrow",
        "Fellgate",
        "Millbeck",
        "2022",
        "2023",
        "Child T",
        "Child W",
    ];
    for (name, text) in folder(&panel) {
        for word in revealing.iter().chain(&identifying) {
            assert!(
                !text.to_lowercase().contains(&word.to_lowercase()),
                "{name} still says {word:?}:\n{text}"
            );
        }
        assert!(text.contains("did not establish") || text.contains("should have found out"));
        assert!(
            text.contains("The bruising protocol was followed."),
            "findings must survive:\n{text}"
        );
    }
    let log = std::fs::read_to_string(key.with_file_name("panel.redactions.md")).unwrap();
    assert!(log.contains("[outcome_section] removed section"), "{log}");
    assert!(
        log.contains("Mr Corrigan was convicted"),
        "the log quotes what was removed"
    );
    assert!(log.contains("[titled_name] replaced → [Name"), "{log}");
}

#[test]
fn a_name_keeps_one_placeholder_throughout_a_case() {
    let (panel, _) = blind("blind-consistent", FIXTURES, "3");
    for (name, text) in folder(&panel) {
        // The health visitor is introduced by full name and later by surname.
        let introduced = text
            .split("The health visitor, Ms ")
            .nth(1)
            .and_then(|rest| rest.split(',').next())
            .unwrap_or_else(|| panic!("{name}: the health visitor is not introduced:\n{text}"));
        assert!(introduced.starts_with("[Name "), "{name}: {introduced}");
        assert!(
            text.contains(&format!("4.1 Ms {introduced} acted promptly")),
            "{name}: the surname alone got another placeholder than {introduced}:\n{text}"
        );
    }
}

#[test]
fn a_board_can_add_its_own_rules() {
    let root = scratch("blind-board-rules");
    let rules = root.join("board.toml");
    std::fs::write(
        &rules,
        "[[outcome]]\nid = \"board_sofa\"\nremove = \"sentence\"\npatterns = ['\\bsofa\\b']\nnote = \"board rule\"\n",
    )
    .unwrap();
    let panel = root.join("panel");
    let output = lessons(&[
        "blind",
        FIXTURES,
        "-o",
        panel.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    for (name, text) in folder(&panel) {
        assert!(
            !text.contains("sofa"),
            "{name} kept a sentence the board's rule removes"
        );
    }
    let log = std::fs::read_to_string(root.join("panel.redactions.md")).unwrap();
    assert!(log.contains("[board_sofa] removed sentence"));
}

#[test]
fn a_broken_board_rule_is_refused_with_the_file_named() {
    let root = scratch("blind-bad-rules");
    let rules = root.join("board.toml");
    std::fs::write(&rules, "[[flag]]\nid = \"x\"\npatterns = ['(']\n").unwrap();
    let output = lessons(&[
        "blind",
        FIXTURES,
        "-o",
        root.join("panel").to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("board.toml"),
        "{}",
        stderr(&output)
    );
}

/// Recomputes the figures from the scores the report lists, so that the
/// summary is checked against its own data rather than against constants.
#[test]
fn the_score_figures_agree_with_the_case_scores() {
    let (panel, key) = blind("blind-score", FIXTURES, "17");
    let pairs = format!("{FIXTURES}/pairs.toml");
    let report = score_json(&panel, &key, Some(&pairs));
    let cases = report["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 2);
    let plugins: Vec<&str> = report["plugins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(plugins.contains(&"hindsight"), "{plugins:?}");
    for figures in report["metrics"].as_array().unwrap() {
        let (plugin, metric) = (
            figures["plugin"].as_str().unwrap(),
            figures["metric"].as_str().unwrap(),
        );
        let score = |case: &Value, which: &str| case[which][plugin][metric].as_f64().unwrap();
        let changes: Vec<f64> = cases
            .iter()
            .map(|c| score(c, "blinded") - score(c, "unblinded"))
            .collect();
        let mean_abs = changes.iter().map(|c| c.abs()).sum::<f64>() / changes.len() as f64;
        let mean = changes.iter().sum::<f64>() / changes.len() as f64;
        let s = &figures["sensitivity"];
        assert!(
            (s["mean_absolute_change"].as_f64().unwrap() - mean_abs).abs() < 1e-9,
            "{plugin}"
        );
        assert!(
            (s["mean_signed_change"].as_f64().unwrap() - mean).abs() < 1e-9,
            "{plugin}"
        );
        let by_case = |name: &str| cases.iter().find(|c| c["case"] == name).unwrap();
        let (harmed, unharmed) = (by_case("harmed"), by_case("unharmed"));
        let d = &figures["blinded"];
        assert_eq!(d["pairs"], 1);
        let expected_right = u64::from(score(harmed, "blinded") > score(unharmed, "blinded"));
        assert_eq!(d["right"].as_u64().unwrap(), expected_right, "{plugin}");
        if expected_right == 1 {
            assert_eq!(
                d["p_value"].as_f64().unwrap(),
                0.5,
                "one pair of one, by chance half the time"
            );
        }
    }
}

#[test]
fn scoring_names_a_pair_the_key_does_not_hold() {
    let (panel, key) = blind("blind-score-missing", FIXTURES, "2");
    let root = scratch("blind-score-missing-pairs");
    let pairs = root.join("pairs.toml");
    std::fs::write(
        &pairs,
        "[[pair]]\nid = \"p\"\nharmed = \"harmed\"\nunharmed = \"nowhere\"\n",
    )
    .unwrap();
    let output = lessons(&[
        "blind",
        "--score",
        panel.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        "--pairs",
        pairs.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(3), "a partial result exits 3");
    assert!(
        stdout(&output).contains("no case 'nowhere'"),
        "{}",
        stdout(&output)
    );
}

/// The hindsight scorer, measured on the matched pairs: hiding the outcome
/// must take away every outcome-framing cue (they are the outcome, restated),
/// while counterfactual judgments, which do not name the outcome, survive in
/// part. A scorer that leans on the outcome drops when it is hidden.
#[test]
fn hiding_the_outcome_takes_away_the_hindsight_scorers_outcome_framing() {
    if !workspace_root().join(PAIRS).join("pairs.toml").exists() {
        panic!("{PAIRS}/pairs.toml is missing: the matched pairs are part of the corpus");
    }
    let (panel, key) = blind("blind-hindsight", PAIRS, "2024");
    let report = score_json(&panel, &key, None);
    let cases = report["cases"].as_array().unwrap();
    let pairs = report["pairs"].as_array().unwrap().len();
    assert!(pairs >= 6, "the issue asks for at least six matched pairs");
    assert_eq!(
        cases.len(),
        2 * pairs,
        "every case of every pair is blinded and scored"
    );
    let cue = |case: &Value, which: &str, rule: &str| {
        case[which]["hindsight"][rule].as_u64().unwrap_or(0)
    };
    let framing_before: u64 = cases
        .iter()
        .map(|c| cue(c, "unblinded_cues", "hindsight.outcome_framing"))
        .sum();
    assert!(
        framing_before > 0,
        "the originals frame judgments by the outcome somewhere"
    );
    for case in cases {
        assert_eq!(
            cue(case, "blinded_cues", "hindsight.outcome_framing"),
            0,
            "{}: outcome framing survived blinding",
            case["case"]
        );
    }
    let counterfactual_after: u64 = cases
        .iter()
        .map(|c| cue(c, "blinded_cues", "hindsight.counterfactual"))
        .sum();
    assert!(
        counterfactual_after > 0,
        "counterfactuals that do not name the outcome are kept"
    );
    let hindsight = report["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["plugin"] == "hindsight")
        .expect("the hindsight plugin was scored");
    assert!(
        hindsight["sensitivity"]["mean_signed_change"]
            .as_f64()
            .unwrap()
            < 0.0,
        "hiding the outcome should lower hindsight: {hindsight}"
    );
    assert_eq!(hindsight["blinded"]["pairs"].as_u64(), Some(pairs as u64));
}
