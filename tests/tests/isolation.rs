//! A batch that survives its plugins and loses nothing: bad plugins beside
//! the bundled ones, worker and in-process runs compared, a run killed with
//! SIGKILL and resumed, pinned hashes, refused permissions, provenance.

use lessons_tests::{
    artifacts, config_file, lessons_with_two_threads, reviews_by_id, scratch, stderr,
    workspace_root,
};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

const FUNCTIONS: [&str; 6] = [
    "handwringing",
    "finger_pointing",
    "procedural_flaws",
    "acting_on_negligence",
    "new_lessons",
    "hindsight",
];

fn run(args: &[&str]) -> Output {
    lessons_with_two_threads(args)
        .output()
        .expect("lessons runs")
}

fn json_of(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "the output is JSON ({e}); stderr:\n{}\nstdout starts: {:?}",
            stderr(output),
            String::from_utf8_lossy(&output.stdout[..output.stdout.len().min(300)])
        )
    })
}

fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// The first `n` reviews of the corpus, as paths from the workspace root.
fn some_reviews(n: usize) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(workspace_root().join("reviews"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md") || n.ends_with(".txt"))
        .collect();
    names.sort();
    names
        .into_iter()
        .take(n)
        .map(|n| format!("reviews/{n}"))
        .collect()
}

fn errors_of(batch: &Value, plugin: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for review in batch["reviews"].as_array().unwrap() {
        for e in review["errors"].as_array().unwrap() {
            if e["plugin"] == plugin {
                found.push((
                    e["kind"].as_str().unwrap().to_string(),
                    e["message"].as_str().unwrap().to_string(),
                ));
            }
        }
    }
    found
}

const BAD: [&str; 8] = [
    "fx_hang",
    "fx_abort",
    "fx_segfault_every_second",
    "fx_exit",
    "fx_stray_thread",
    "fx_stdout_noise",
    "fx_megabytes",
    "fx_invalid_json",
];

#[test]
fn bad_plugins_beside_the_bundled_ones_leave_every_good_score_unchanged() {
    let config = config_file(
        "bad-beside-good",
        "[isolation]\ntimeout_seconds = 5\nmax_failures = 3\n",
    );
    let reviews = some_reviews(7);
    let mut args = vec!["--config", config.to_str().unwrap()];
    let good = {
        let mut a = args.clone();
        a.extend(["score", "--format", "json"]);
        a.extend(reviews.iter().map(String::as_str));
        run(&a)
    };
    assert!(good.status.success(), "{}", stderr(&good));
    let fixtures: Vec<String> = BAD
        .iter()
        .map(|f| artifacts().fixture(f).to_string_lossy().into_owned())
        .collect();
    for f in &fixtures {
        args.extend(["--plugins", f.as_str()]);
    }
    args.extend(["score", "--format", "json"]);
    args.extend(reviews.iter().map(String::as_str));
    let mixed = run(&args);
    assert_eq!(
        mixed.status.code(),
        Some(3),
        "a batch with failures is partial: {}",
        stderr(&mixed)
    );
    let (good, mixed) = (json_of(&good), json_of(&mixed));
    let (good_reviews, mixed_reviews) = (reviews_by_id(&good), reviews_by_id(&mixed));
    assert_eq!(
        good_reviews.keys().collect::<Vec<_>>(),
        mixed_reviews.keys().collect::<Vec<_>>(),
        "every review is scored in both runs"
    );
    for (id, g) in &good_reviews {
        let m = &mixed_reviews[id];
        for function in FUNCTIONS {
            assert_eq!(
                g["scores"][function], m["scores"][function],
                "{id} {function}"
            );
        }
        assert_eq!(g["learning_index"], m["learning_index"], "{id}");
        let bundled = |r: &Value| -> Vec<Value> {
            r["evidence"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| FUNCTIONS.contains(&e["plugin"].as_str().unwrap()))
                .cloned()
                .collect()
        };
        assert_eq!(bundled(g), bundled(m), "{id}: the bundled evidence");
        for e in m["errors"].as_array().unwrap() {
            assert!(
                !FUNCTIONS.contains(&e["plugin"].as_str().unwrap()),
                "{id}: a bundled plugin failed: {e}"
            );
        }
    }

    let disabled: BTreeSet<&str> = mixed["disabled_plugins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    let expected: BTreeSet<&str> = ["fixture_fx_hang", "fixture_fx_abort", "fixture_fx_exit"]
        .into_iter()
        .collect();
    assert_eq!(
        disabled, expected,
        "the plugins that always fail are disabled"
    );
    for d in mixed["disabled_plugins"].as_array().unwrap() {
        let reason = d["reason"].as_str().unwrap();
        assert!(
            reason.contains("disabled for the rest of the run after 3 failures in a row"),
            "{reason}"
        );
    }

    let kinds = |plugin: &str| -> BTreeSet<String> {
        errors_of(&mixed, plugin)
            .into_iter()
            .map(|(k, _)| k)
            .collect()
    };
    let n = reviews.len();
    let hang = errors_of(&mixed, "fixture_fx_hang");
    assert_eq!(
        hang.len(),
        n,
        "every review says why the hanging plugin has no result"
    );
    assert!(hang.iter().any(|(k, _)| k == "timeout"));
    assert!(hang.iter().all(|(k, _)| k == "timeout" || k == "disabled"));
    let abort = errors_of(&mixed, "fixture_fx_abort");
    assert!(
        abort
            .iter()
            .any(|(k, m)| k == "crash" && m.contains("SIGABRT")),
        "{abort:?}"
    );
    let exit = errors_of(&mixed, "fixture_fx_exit");
    assert!(
        exit.iter()
            .any(|(k, m)| k == "crash" && m.contains("status 3")),
        "{exit:?}"
    );

    let segfault = errors_of(&mixed, "fixture_fx_segfault_every_second");
    assert!(
        segfault
            .iter()
            .any(|(k, m)| k == "crash" && m.contains("SIGSEGV")),
        "{segfault:?}"
    );
    assert!(
        segfault.len() < n,
        "a restarted worker scores the following reviews: {segfault:?}"
    );
    assert!(kinds("fixture_fx_stray_thread").is_empty());
    assert!(
        kinds("fixture_fx_stdout_noise").is_empty(),
        "printing does not corrupt the protocol"
    );
    assert_eq!(errors_of(&mixed, "fixture_fx_megabytes").len(), n);
    assert_eq!(
        kinds("fixture_fx_megabytes"),
        BTreeSet::from(["output_too_large".to_string()])
    );
    assert_eq!(errors_of(&mixed, "invalid_json").len(), n);
    assert_eq!(
        kinds("invalid_json"),
        BTreeSet::from(["invalid_json".to_string()])
    );
}

#[test]
fn worker_and_in_process_runs_give_identical_results() {
    let mut args: Vec<String> = Vec::new();
    for f in ["fx_good", "fx_invalid_json", "fx_span_outside"] {
        args.push("--plugins".into());
        args.push(artifacts().fixture(f).to_string_lossy().into_owned());
    }
    args.extend(["score", "reviews", "--format", "json"].map(String::from));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let isolated = run(&args);
    let mut in_process_args = args.clone();
    in_process_args.push("--in-process");
    let in_process = run(&in_process_args);
    assert_eq!(isolated.status.code(), Some(3), "{}", stderr(&isolated));
    assert_eq!(in_process.status.code(), Some(3), "{}", stderr(&in_process));
    let (isolated, in_process) = (json_of(&isolated), json_of(&in_process));
    let (a, b) = (reviews_by_id(&isolated), reviews_by_id(&in_process));
    assert_eq!(a.len(), lessons_tests::corpus_reviews().len());
    assert_eq!(a, b, "scores, evidence and errors are the same either way");
    assert_eq!(isolated["plugins"], in_process["plugins"]);
}

/// The lines of a JSON Lines file, parsed.
fn lines_of(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

#[test]
fn a_run_killed_midway_resumes_without_losing_or_repeating_a_review() {
    let dir = scratch("resume");
    let slow = artifacts()
        .fixture("fx_slow")
        .to_string_lossy()
        .into_owned();
    let full = dir.join("full.jsonl");
    let part = dir.join("part.jsonl");
    let command = |out: &Path, resume: bool| {
        let mut args = vec![
            "--plugins",
            slow.as_str(),
            "score",
            "reviews",
            "--format",
            "jsonl",
            "-o",
            out.to_str().unwrap(),
        ];
        if resume {
            args.push("--resume");
        }
        lessons_with_two_threads(&args)
    };
    let uninterrupted = command(&full, false).output().unwrap();
    assert!(uninterrupted.status.success(), "{}", stderr(&uninterrupted));
    let expected = lines_of(&full);
    assert_eq!(expected.len(), lessons_tests::corpus_reviews().len());

    let mut child = command(&part, false)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while std::fs::read(&part).map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count()) < 4 {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "the run writes lines as it goes"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let written = std::fs::read(&part).unwrap();
    let complete_lines = written.iter().filter(|&&c| c == b'\n').count();
    assert!(
        complete_lines < expected.len(),
        "the run was killed part-way ({complete_lines} lines)"
    );

    let resumed = command(&part, true).output().unwrap();
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    assert!(
        stderr(&resumed).contains(&format!("{complete_lines} review(s) already scored")),
        "{}",
        stderr(&resumed)
    );
    let got = lines_of(&part);
    let ids = |lines: &[Value]| -> Vec<String> {
        let mut ids: Vec<String> = lines
            .iter()
            .map(|l| l["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&got), ids(&expected), "no review missing or repeated");
    let strip = |lines: &[Value]| -> BTreeMap<String, Value> {
        lines
            .iter()
            .map(|l| (l["id"].as_str().unwrap().to_string(), l.clone()))
            .collect()
    };
    assert_eq!(strip(&got), strip(&expected), "the same results");
}

#[test]
fn resume_needs_a_jsonl_file() {
    let output = run(&["score", "reviews", "--format", "json", "--resume"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--format jsonl -o FILE"));
}

#[test]
fn every_line_and_the_json_carry_their_provenance() {
    let dir = scratch("provenance");
    let config_text = "[verdict]\nthreshold = 60\n";
    let config = dir.join("lessons.toml");
    std::fs::write(&config, config_text).unwrap();
    let out = dir.join("one.jsonl");
    let review = "reviews/ashby-vale-child-j.md";
    let output = run(&[
        "--config",
        config.to_str().unwrap(),
        "score",
        review,
        "--format",
        "jsonl",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let lines = lines_of(&out);
    assert_eq!(lines.len(), 1);
    let line = &lines[0];
    let review_bytes = std::fs::read(workspace_root().join(review)).unwrap();
    assert_eq!(line["review_sha256"], sha256_hex(&review_bytes));
    assert_eq!(line["config_sha256"], sha256_hex(config_text.as_bytes()));
    assert_eq!(line["tool"]["version"], env!("CARGO_PKG_VERSION"));
    let plugins = line["plugins"].as_array().unwrap();
    // One bundled library per function and hindsight, plus the rules plugin.
    assert_eq!(plugins.len(), FUNCTIONS.len() + 1);
    for p in plugins {
        let library = std::fs::read(p["path"].as_str().unwrap()).unwrap();
        assert_eq!(p["sha256"], sha256_hex(&library));
        assert!(p["version"].is_string() && p["name"].is_string());
    }

    let json = run(&[
        "--config",
        config.to_str().unwrap(),
        "score",
        review,
        "--format",
        "json",
    ]);
    let batch = json_of(&json);
    assert_eq!(batch["config_sha256"], sha256_hex(config_text.as_bytes()));
}

#[test]
fn a_plugin_pinned_to_another_hash_is_refused_naming_both() {
    let wrong = "0".repeat(64);
    let config = config_file(
        "pinned",
        &format!("[plugins.handwringing]\nsha256 = \"{wrong}\"\n"),
    );
    let output = run(&[
        "--config",
        config.to_str().unwrap(),
        "score",
        "reviews/ashby-vale-child-j.md",
        "--format",
        "json",
    ]);
    let batch = json_of(&output);
    let refused = batch["refused_plugins"].as_array().unwrap();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0]["kind"], "hash_mismatch");
    let library = std::fs::read(refused[0]["path"].as_str().unwrap()).unwrap();
    let reason = refused[0]["reason"].as_str().unwrap();
    assert!(
        reason.contains(&wrong) && reason.contains(&sha256_hex(&library)),
        "{reason}"
    );
    assert!(batch["reviews"][0]["scores"]["handwringing"].is_null());
    let listing = run(&["--config", config.to_str().unwrap(), "plugins"]);
    assert!(lessons_tests::stdout(&listing).contains(&wrong));
}

#[test]
fn a_plugin_others_can_write_to_is_refused_with_the_fix() {
    let dir = scratch("writable");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let copy = dir.join(artifacts().fixture("fx_good").file_name().unwrap());
    std::fs::copy(artifacts().fixture("fx_good"), &copy).unwrap();
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o666)).unwrap();
    let output = run(&["--plugins", copy.to_str().unwrap(), "plugins"]);
    let listing = lessons_tests::stdout(&output);
    assert!(
        listing.contains("can be written by every user") && listing.contains("chmod go-w"),
        "{listing}"
    );
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o775)).unwrap();
    let output = run(&["--plugins", dir.to_str().unwrap(), "plugins"]);
    let listing = lessons_tests::stdout(&output);
    assert!(
        listing.contains("the plugin folder") && listing.contains("its group"),
        "{listing}"
    );
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let output = run(&["--plugins", dir.to_str().unwrap(), "plugins"]);
    assert!(
        lessons_tests::stdout(&output).contains("fixture_fx_good"),
        "{}",
        lessons_tests::stdout(&output)
    );
}

#[test]
fn the_memory_and_cpu_limits_stop_a_greedy_plugin_and_a_spinning_one() {
    let config = config_file(
        "limits",
        "bundled_plugins = false\n[isolation]\nmemory_mb = 512\ncpu_seconds = 1\ntimeout_seconds = 120\n",
    );
    let greedy = artifacts()
        .fixture("fx_greedy")
        .to_string_lossy()
        .into_owned();
    let spin = artifacts()
        .fixture("fx_spin")
        .to_string_lossy()
        .into_owned();
    let output = run(&[
        "--config",
        config.to_str().unwrap(),
        "--plugins",
        &greedy,
        "--plugins",
        &spin,
        "score",
        "reviews/ashby-vale-child-j.md",
        "--format",
        "json",
    ]);
    let batch = json_of(&output);
    let greedy = errors_of(&batch, "fixture_fx_greedy");
    assert_eq!(greedy.len(), 1, "{greedy:?}");
    assert!(
        greedy[0].0 == "crash" && greedy[0].1.contains("memory limit"),
        "the memory limit stopped it: {greedy:?}"
    );
    let spin = errors_of(&batch, "fixture_fx_spin");
    assert_eq!(spin.len(), 1, "{spin:?}");
    assert!(
        spin[0].0 == "crash" && spin[0].1.contains("SIGXCPU"),
        "the CPU limit, not the deadline, stopped it: {spin:?}"
    );
}

#[test]
fn one_worker_per_plugin_or_one_per_thread_gives_the_same_scores_through_crashes() {
    let crashing = artifacts()
        .fixture("fx_segfault_every_second")
        .to_string_lossy()
        .into_owned();
    let reviews = some_reviews(8);
    let batch = |workers: &str| {
        let config = config_file(
            &format!("workers-{workers}"),
            &format!("[isolation]\nmax_failures = 100\nworkers_per_plugin = {workers}\n"),
        );
        let mut args = vec!["--config", config.to_str().unwrap(), "--plugins", &crashing];
        args.extend(["score", "--format", "json"]);
        args.extend(reviews.iter().map(String::as_str));
        let output = run(&args);
        assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
        json_of(&output)
    };
    // Which reviews the fixture crashes on depends on how its workers share
    // them, so only the bundled functions' scores are compared.
    let functions = |batch: &Value| -> BTreeMap<String, BTreeMap<String, f64>> {
        batch["reviews"]
            .as_array()
            .unwrap()
            .iter()
            .map(lessons_tests::review_scores)
            .map(|(id, mut scores)| {
                scores.retain(|metric, _| FUNCTIONS.contains(&metric.as_str()));
                (id, scores)
            })
            .collect()
    };
    let mut in_process_args = vec!["score", "--in-process", "--format", "json"];
    in_process_args.extend(reviews.iter().map(String::as_str));
    let in_process = functions(&json_of(&run(&in_process_args)));
    for workers in ["1", "0"] {
        let batch = batch(workers);
        let crashes = errors_of(&batch, "fixture_fx_segfault_every_second");
        assert!(
            !crashes.is_empty() && crashes.len() < reviews.len(),
            "with workers_per_plugin = {workers} the fixture crashes on some reviews and a new worker scores the rest: {crashes:?}"
        );
        let scores = functions(&batch);
        assert_eq!(scores.len(), reviews.len());
        assert!(scores.values().all(|s| s.len() == FUNCTIONS.len()));
        assert_eq!(scores, in_process, "workers_per_plugin = {workers}");
    }
}
