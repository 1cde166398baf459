//! What a scoring run keeps in memory. A streamed run (JSON Lines) keeps no
//! evidence once a review is written, so its peak memory does not grow with
//! the batch; a table keeps of the evidence only the lessons the recurrence
//! step compares, and still shows the discount, which JSON Lines never carry.

use lessons_tests::{artifacts, lessons_with_two_threads, scratch, stderr, stdout};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

/// Runs `command` to its end, its stderr into `log`, and returns its peak
/// resident memory in bytes.
fn peak_memory(mut command: Command, log: &Path) -> u64 {
    #[expect(
        clippy::zombie_processes,
        reason = "reaped by wait4 below, since std cannot report a child's peak memory"
    )]
    let child = command
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .expect("lessons runs");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain integers, for which all zeroes are valid.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is this test's own child, not yet waited for; `child` is
    // never waited on after this, and wait4 writes only into these two.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "{}", std::io::Error::last_os_error());
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "lessons failed: {}",
        std::fs::read_to_string(log).unwrap_or_default()
    );
    // Linux counts kilobytes.
    usage.ru_maxrss as u64 * 1024
}

#[test]
fn a_streamed_batch_three_times_as_large_peaks_at_the_same_memory() {
    let dir = scratch("memory");
    let config = dir.join("lessons.toml");
    std::fs::write(&config, "bundled_plugins = false\n").unwrap();
    // About half a megabyte of evidence per review, for almost no work.
    let verbose = artifacts().fixture("fx_verbose");
    let run = |copies: usize| -> (u64, u64) {
        let out = dir.join(format!("{copies}.jsonl"));
        let mut args = vec![
            "--config",
            config.to_str().unwrap(),
            "--plugins",
            verbose.to_str().unwrap(),
            "score",
            "--in-process",
            "--format",
            "jsonl",
            "-o",
            out.to_str().unwrap(),
        ];
        // Each copy of the folder is scored again, a review at a time.
        args.extend(std::iter::repeat_n("reviews", copies));
        let log = dir.join(format!("{copies}.stderr"));
        let peak = peak_memory(lessons_with_two_threads(&args), &log);
        let written = std::fs::metadata(&out).unwrap().len();
        std::fs::remove_file(&out).unwrap();
        (peak, written)
    };
    let (small_peak, small_written) = run(1);
    let (large_peak, large_written) = run(3);
    let more_evidence = large_written - small_written;
    assert!(
        more_evidence > 40 << 20,
        "the larger batch writes enough evidence for its keeping to show: {more_evidence} bytes more"
    );
    let growth = large_peak.saturating_sub(small_peak);
    assert!(
        growth < more_evidence / 4,
        "peak memory grew by {growth} bytes (from {small_peak}) for a batch three times as large, \
         which wrote {more_evidence} bytes more: the run keeps what it has written"
    );
}

/// A configuration under which every lesson recurs: any other review's
/// lesson counts as alike.
const EVERY_LESSON_RECURS: &str = "[recurrence]\nshare = 0.0\nsimilarity = 0.0\n";

/// One review as a report shows it: new lessons, learning index, verdict.
type Shown = (String, String, String);

fn recurs(review: &Value) -> bool {
    review["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w.as_str().unwrap().contains("not counted as new"))
}

fn new_lessons(review: &Value) -> f64 {
    review["scores"]["new_lessons"].as_f64().unwrap_or(0.0)
}

/// The table's rows by review id. The table orders the bundled functions
/// first, so new lessons is the fifth metric; the learning index and the
/// verdict are the last two columns.
fn table_rows(table: &str) -> BTreeMap<String, Shown> {
    table
        .lines()
        .filter_map(|line| line.strip_prefix("│ ")?.strip_suffix(" │"))
        .map(|row| row.split('┆').map(str::trim).collect::<Vec<_>>())
        .filter(|cells| !cells[0].is_empty() && cells[0] != "Review")
        .map(|cells| {
            let last = cells.len() - 1;
            let shown = (cells[5].into(), cells[last - 1].into(), cells[last].into());
            (cells[0].to_string(), shown)
        })
        .collect()
}

#[test]
fn a_table_shows_the_recurrence_discount_and_json_lines_never_carry_it() {
    let dir = scratch("recurrence");
    let config = dir.join("lessons.toml");
    std::fs::write(&config, EVERY_LESSON_RECURS).unwrap();
    let score = |format: &str| {
        let output = lessons_with_two_threads(&[
            "--config",
            config.to_str().unwrap(),
            "score",
            "--in-process",
            "--format",
            format,
            "reviews",
        ])
        .output()
        .unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        stdout(&output)
    };
    let batch: Value = serde_json::from_str(&score("json")).unwrap();
    let reviews: BTreeMap<String, &Value> = batch["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap().to_string(), r))
        .collect();
    let discounted = reviews.values().filter(|r| recurs(r)).count();
    assert!(discounted > 0, "the configuration makes lessons recur");

    let expected: BTreeMap<String, Shown> = reviews
        .iter()
        .map(|(id, r)| {
            let verdict = if r["adds_real_learning"].as_bool().unwrap() {
                "yes"
            } else {
                "no"
            };
            let shown = (
                format!("{:.0}", new_lessons(r)),
                format!("{:.1}", r["learning_index"].as_f64().unwrap()),
                verdict.to_string(),
            );
            (id.clone(), shown)
        })
        .collect();
    assert_eq!(
        table_rows(&score("table")),
        expected,
        "the table, which keeps only the lessons of the evidence, shows the discounted scores"
    );

    let lines: Vec<Value> = score("jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), reviews.len());
    let mut higher = 0;
    for line in &lines {
        let discounted = reviews[line["id"].as_str().unwrap()];
        assert!(!recurs(line), "a line is written before the batch is known");
        assert!(new_lessons(line) >= new_lessons(discounted));
        if new_lessons(line) > new_lessons(discounted) {
            higher += 1;
        }
    }
    assert!(
        higher > 0,
        "JSON Lines carry the scores before the discount"
    );
}
