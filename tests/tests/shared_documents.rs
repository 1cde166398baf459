//! Documents handed to workers through shared memory: the same results as
//! down the pipes and in-process, a document too large for a slot going
//! down the pipe instead, and a slot given back whatever becomes of the
//! worker that was reading it (answered, crashed or timed out).

use lessons::document::Document;
use lessons::plugin::validate::Validated;
use lessons::plugin::worker::{Outgoing, Pool, WorkerSettings};
use lessons::plugin::{Instance, ScoreError, Turns};
use lessons_tests::{
    artifacts, config_file, corpus_reviews, lessons_with_two_threads, reviews_by_id, scratch,
    stderr,
};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Settings for workers of the test build, with `slots` shared slots of
/// `capacity` bytes (none when 0).
fn settings(slots: usize, capacity: usize, timeout: Duration) -> WorkerSettings {
    WorkerSettings {
        program: artifacts().lessons.clone(),
        timeout,
        max_failures: 100,
        memory_bytes: None,
        cpu_seconds: None,
        max_workers: 1,
        shared_bytes: capacity,
        slots: None,
        turns: Arc::new(Turns::new()),
    }
    .sharing(slots)
}

fn pool(settings: &WorkerSettings, plugin: &Path) -> Pool {
    Pool::open(settings.clone(), plugin)
        .unwrap_or_else(|e| panic!("{e}"))
        .create(json!({}))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn in_process(plugin: &Path) -> Instance {
    let plugin = Arc::new(lessons::plugin::load(plugin).unwrap_or_else(|e| panic!("{e}")));
    Instance::create(plugin, &json!({})).unwrap_or_else(|e| panic!("{e}"))
}

/// Scores one document in `pool`: the result, and whether it went through
/// shared memory.
fn score(pool: &Pool, document: &Document) -> (Result<Validated, ScoreError>, bool) {
    let outgoing = Outgoing::new(document);
    let result = pool.score(&outgoing);
    (result, outgoing.is_shared())
}

fn read(path: &Path) -> Document {
    lessons::ingest::read(path).unwrap_or_else(|e| panic!("{e}"))
}

/// A review over a mebibyte: every review of the corpus, one after another.
fn long_review(test: &str) -> PathBuf {
    let mut text = String::new();
    while text.len() <= 3 << 19 {
        for review in corpus_reviews()
            .iter()
            .filter(|p| p.extension().unwrap() == "md")
        {
            text.push_str(&std::fs::read_to_string(review).unwrap());
            text.push_str("\n\n");
        }
    }
    let path = scratch(test).join("long-review.md");
    std::fs::write(&path, text).unwrap();
    path
}

/// Documents with every kind of structure: reviews (sections, quotes, lists,
/// recommendations) and a PDF (pages).
fn documents() -> Vec<Document> {
    let mut documents: Vec<Document> = corpus_reviews().iter().take(6).map(|p| read(p)).collect();
    let pdf = lessons_tests::workspace_root().join("tests/fixtures/ingest/good/sample.pdf");
    documents.push(read(&pdf));
    assert!(documents.iter().any(|d| !d.structure.pages.is_empty()));
    assert!(
        documents
            .iter()
            .any(|d| !d.structure.recommendations.is_empty())
    );
    assert!(documents.iter().any(|d| !d.structure.quotes.is_empty()));
    documents
}

#[test]
fn shared_memory_pipes_and_in_process_give_the_same_results_and_a_long_review_takes_the_pipe() {
    let mut documents = documents();
    let long = read(&long_review("shared-long"));
    documents.push(long);
    let plugins = [
        artifacts().fixture("fx_digest").to_path_buf(),
        artifacts().bundled_dir.join("liblessons_handwringing.so"),
    ];
    let one_mebibyte = settings(1, 1 << 20, Duration::from_secs(60));
    let pipes_only = settings(1, 0, Duration::from_secs(60));
    assert!(
        one_mebibyte.slots.is_some(),
        "shared memory is available here"
    );
    assert!(pipes_only.slots.is_none());
    for plugin in &plugins {
        let (shared, piped) = (pool(&one_mebibyte, plugin), pool(&pipes_only, plugin));
        let instance = in_process(plugin);
        for document in &documents {
            let expected = instance.score(document);
            assert!(expected.is_ok(), "{}: {expected:?}", document.id);
            let (through_slot, was_shared) = score(&shared, document);
            let (through_pipe, was_piped) = score(&piped, document);
            let long = document.text.len() > 1 << 20;
            assert_eq!(
                was_shared, !long,
                "{}: only a long review takes the pipe",
                document.id
            );
            assert!(!was_piped);
            assert_eq!(through_slot, expected, "{} shared", document.id);
            assert_eq!(through_pipe, expected, "{} piped", document.id);
        }
    }
}

#[test]
fn a_worker_that_crashes_mid_review_gives_its_slot_back_and_later_reviews_are_scored() {
    // One slot: were it kept by the crashed worker's review, every later
    // review would go down the pipe.
    let settings = settings(1, 1 << 20, Duration::from_secs(60));
    let slots = settings.slots.clone().expect("shared memory");
    let crashing = pool(&settings, artifacts().fixture("fx_segfault_every_second"));
    let documents = documents();
    let mut kinds = Vec::new();
    for document in documents.iter().take(4) {
        let (result, shared) = score(&crashing, document);
        assert!(shared, "{}: through the one slot", document.id);
        assert_eq!(slots.free(), 1, "the slot is free once the review is done");
        kinds.push(result.err().map(|e| e.kind));
    }
    let crash = Some("crash".to_string());
    assert_eq!(
        kinds,
        [None, crash.clone(), None, crash],
        "each new worker scores one, then crashes"
    );
}

#[test]
fn a_group_sent_together_goes_on_in_a_new_worker_after_a_crash() {
    // The four requests go to one worker together; it crashes on the second
    // review, and the last two go one at a time to its replacement, which
    // crashes on its own second.
    let settings = settings(4, 1 << 20, Duration::from_secs(60));
    let slots = settings.slots.clone().expect("shared memory");
    let crashing = pool(&settings, artifacts().fixture("fx_segfault_every_second"));
    let documents = documents();
    let outgoing: Vec<Outgoing> = documents.iter().take(4).map(Outgoing::new).collect();
    let results = crashing
        .try_score_all(&outgoing)
        .expect("the pool's one worker is idle");
    assert!(outgoing.iter().all(Outgoing::is_shared));
    let messages: Vec<_> = results
        .iter()
        .map(|r| r.as_ref().err().map(|e| e.message.clone()))
        .collect();
    let kinds: Vec<_> = results
        .into_iter()
        .map(|r| r.err().map(|e| e.kind))
        .collect();
    let crash = Some("crash".to_string());
    assert_eq!(kinds, [None, crash.clone(), None, crash], "{messages:?}");
    drop(outgoing);
    assert_eq!(slots.free(), 4, "every slot is given back");
}

#[test]
fn a_worker_stopped_at_its_deadline_gives_its_slot_back() {
    let settings = settings(1, 1 << 20, Duration::from_secs(1));
    let slots = settings.slots.clone().expect("shared memory");
    let hanging = pool(&settings, artifacts().fixture("fx_hang"));
    for document in documents().iter().take(2) {
        let (result, shared) = score(&hanging, document);
        assert_eq!(result.err().map(|e| e.kind).as_deref(), Some("timeout"));
        assert!(shared, "{}: through the one slot", document.id);
        assert_eq!(slots.free(), 1);
    }
}

#[test]
fn a_batch_scores_the_same_through_shared_memory_pipes_or_in_process() {
    let long = long_review("shared-batch");
    let digest = artifacts()
        .fixture("fx_digest")
        .to_string_lossy()
        .into_owned();
    let batch = |test: &str, extra: &[&str], isolation: &str| {
        let config = config_file(test, &format!("[isolation]\n{isolation}\n"));
        let mut args = vec!["--config", config.to_str().unwrap(), "--plugins", &digest];
        args.extend([
            "score",
            "--format",
            "json",
            "reviews",
            long.to_str().unwrap(),
        ]);
        args.extend(extra);
        let output = lessons_with_two_threads(&args)
            .output()
            .expect("lessons runs");
        assert_eq!(output.status.code(), Some(0), "{test}: {}", stderr(&output));
        let batch: Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("JSON ({e}); stderr:\n{}", stderr(&output)));
        reviews_by_id(&batch)
    };
    let in_process = batch("batch-in-process", &["--in-process"], "");
    assert_eq!(in_process.len(), corpus_reviews().len() + 1);
    for (test, isolation) in [
        ("batch-shared", ""),
        ("batch-one-mebibyte", "shared_memory_mb = 1"),
        ("batch-pipes", "shared_memory_mb = 0"),
    ] {
        assert_eq!(batch(test, &[], isolation), in_process, "{test}");
    }
}
