//! Reviews scored in groups: a scoring thread reads several reviews, then
//! each plugin scores the whole group in its turn (in this process, or in
//! its worker). The batch must still list every review in the files'
//! order, each with the scores and evidence it has alone, and an unreadable
//! file among them in its place.

use lessons_tests::{corpus_reviews, lessons_with_two_threads, scratch, stderr};
use serde_json::Value;
use std::path::Path;

/// The batch of `lessons score --format json` over `path`, which exits
/// with `status`.
fn batch(path: &Path, extra: &[&str], status: i32) -> Value {
    let mut args = vec!["score", "--format", "json", path.to_str().unwrap()];
    args.extend(extra);
    let output = lessons_with_two_threads(&args)
        .output()
        .expect("lessons runs");
    assert_eq!(output.status.code(), Some(status), "{}", stderr(&output));
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

    // 3: a partial batch, as the unreadable file makes it.
    let in_process = batch(&folder, &["--in-process"], 3);
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

    // Each review alone, and the batch through workers: the same scores and
    // evidence in the same place.
    let isolated = batch(&folder, &[], 3);
    let grouped = in_process["reviews"].as_array().unwrap();
    assert_eq!(grouped.len(), isolated["reviews"].as_array().unwrap().len());
    for (grouped, through_workers) in grouped.iter().zip(isolated["reviews"].as_array().unwrap()) {
        let path = Path::new(grouped["path"].as_str().unwrap());
        let alone = &batch(path, &["--in-process"], 0)["reviews"][0];
        for other in [alone, through_workers] {
            assert_eq!(grouped["path"], other["path"]);
            assert_eq!(grouped["scores"], other["scores"], "{}", path.display());
            assert_eq!(grouped["evidence"], other["evidence"], "{}", path.display());
        }
    }
}
