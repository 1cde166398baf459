//! The end of an isolated run: an idle worker told that the run is over
//! exits on its own, before anything waits for it, so that every plugin's
//! workers wind down together rather than one after another as each is
//! reaped. The only test in its binary: the workers it looks for are the
//! only children of this process.

use lessons::config::IsolationConfig;
use lessons::plugin::worker::{Pool, WorkerSettings};
use lessons_tests::artifacts;
use serde_json::json;
use std::time::{Duration, Instant};

/// The processes this test process started that are `lessons __worker`.
fn workers() -> Vec<u32> {
    let mut found = Vec::new();
    for task in std::fs::read_dir("/proc/self/task").expect("/proc is mounted") {
        let children = task.unwrap().path().join("children");
        let listed = std::fs::read_to_string(children).unwrap_or_default();
        for pid in listed.split_whitespace().filter_map(|p| p.parse().ok()) {
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            if cmdline.split(|b| *b == 0).any(|arg| arg == b"__worker") {
                found.push(pid);
            }
        }
    }
    found
}

/// The state letter of a process (`S` sleeping, `Z` exited and not yet
/// reaped), or `None` once it is gone.
fn state(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name, in parentheses, may hold spaces: the state follows it.
    stat.rsplit_once(") ")?.1.chars().next()
}

#[test]
fn an_idle_worker_told_the_run_is_over_exits_before_it_is_reaped() {
    let settings = WorkerSettings::new(artifacts().lessons.clone(), &IsolationConfig::default());
    let pool = Pool::open(settings, artifacts().fixture("fx_good"))
        .unwrap_or_else(|e| panic!("{e}"))
        .create(json!({}))
        .unwrap_or_else(|e| panic!("{e}"));
    let started = workers();
    assert_eq!(started.len(), 1, "one worker per plugin: {started:?}");
    let worker = started[0];
    assert_ne!(state(worker), Some('Z'), "an idle worker waits for reviews");

    pool.end_inputs();
    let until = Instant::now() + Duration::from_secs(20);
    while state(worker) != Some('Z') && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(
        state(worker),
        Some('Z'),
        "the worker exited once told, with the pool still alive"
    );

    drop(pool);
    assert_eq!(state(worker), None, "dropping the pool reaps the worker");
}
