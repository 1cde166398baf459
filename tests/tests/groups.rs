//! Reviews scored in groups: in this process a scoring thread reads several
//! reviews, then each plugin scores the whole group in its turn. The batch
//! must still list every review in the files' order, each with its own
//! scores and evidence, and an unreadable file among them in its place.

use lessons_tests::{corpus_reviews, lessons_with_two_threads, scratch, stderr};
use serde_json::Value;
use std::path::Path;

/// The batch of `lessons score --format json` over `folder`.
fn batch(folder: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["score", "--format", "json", folder.to_str().unwrap()];
    args.extend(extra);
    let output = lessons_with_two_threads(&args)
        .output()
        .expect("lessons runs");
    // 3: a partial batch, as the unreadable file makes it.
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("JSON ({e}); stderr:\n{}", stderr(&output)))
}

#[test]
fn reviews_scored_in_groups_are_listed_in_order_each_with_its_own_scores() {
    let folder = scratch("groups");
    // More than two groups, the last one short, with an unreadable file
    // inside the first group.
    let reviews: Vec<_> = corpus_reviews().into_iter().take(19).collect();
    let mut expected_paths = Vec::new();
    for (index, review) in reviews.iter().enumerate() {
        let name = format!(
            "{index:02}-{}",
            review.file_name().unwrap().to_string_lossy()
        );
        std::fs::copy(review, folder.join(&name)).unwrap();
        expected_paths.push(folder.join(name));
    }
    std::fs::write(folder.join("03-broken.pdf"), b"not a PDF at all").unwrap();

    let in_process = batch(&folder, &["--in-process"]);
    let paths: Vec<&str> = in_process["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = expected_paths
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    assert_eq!(paths, expected, "the files' order");
    let skipped = in_process["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert!(
        skipped[0]["path"]
            .as_str()
            .unwrap()
            .ends_with("03-broken.pdf")
    );

    // Isolated runs score one review at a time: every review must have
    // the same scores and evidence, in the same place.
    let isolated = batch(&folder, &[]);
    for (grouped, alone) in in_process["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .zip(isolated["reviews"].as_array().unwrap())
    {
        assert_eq!(grouped["path"], alone["path"]);
        assert_eq!(grouped["scores"], alone["scores"], "{}", grouped["path"]);
        assert_eq!(
            grouped["evidence"], alone["evidence"],
            "{}",
            grouped["path"]
        );
    }
    assert_eq!(
        in_process["reviews"].as_array().unwrap().len(),
        isolated["reviews"].as_array().unwrap().len()
    );
}
