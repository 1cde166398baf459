//! Real documents through the real binary: a batch of bad inputs is never
//! stopped and never silent (each file under `skipped` with its kind and
//! reason, a count on stderr, exit status 3), and `lessons extract` shows
//! what the scorers see.

use lessons_tests::{lessons, scratch, stderr, stdout, workspace_root};
use std::collections::BTreeMap;
use std::path::Path;

fn json(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(output), stderr(output)))
}

#[test]
fn a_batch_of_bad_inputs_skips_each_with_its_reason_and_scores_the_rest() {
    let dir = scratch("ingest-bad-batch");
    for entry in std::fs::read_dir(workspace_root().join("tests/fixtures/ingest/bad")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    std::fs::copy(
        workspace_root().join("reviews/arnsleigh-child-k.txt"),
        dir.join("arnsleigh-child-k.txt"),
    )
    .unwrap();
    std::fs::File::create(dir.join("huge.txt"))
        .unwrap()
        .set_len(64 * 1024 * 1024 + 1)
        .unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.join("loop-b.md"), dir.join("loop-a.md")).unwrap();
        std::os::unix::fs::symlink(dir.join("loop-a.md"), dir.join("loop-b.md")).unwrap();
        std::os::unix::fs::symlink(dir.join("missing.pdf"), dir.join("dangling.pdf")).unwrap();
    }
    let output = lessons(&["score", dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let batch = json(&output);
    let reviews = batch["reviews"].as_array().unwrap();
    assert_eq!(reviews.len(), 1, "the good review is scored");
    assert_eq!(reviews[0]["id"], "arnsleigh-child-k");
    let skipped: BTreeMap<String, (String, String)> = batch["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let name = Path::new(s["path"].as_str().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let kind = s["kind"].as_str().unwrap().to_string();
            (name, (kind, s["reason"].as_str().unwrap().to_string()))
        })
        .collect();
    let mut expected = vec![
        ("blank.html", "no_text", "no text found"),
        ("bomb.docx", "zip_bomb", "zip bomb"),
        ("empty.txt", "empty", "export the review again"),
        ("encrypted.pdf", "encrypted", "save an unprotected copy"),
        ("huge.txt", "too_large", "split it"),
        ("not-a-pdf.pdf", "corrupt", "export or download it again"),
        ("not-a-zip.docx", "not_an_archive", "save it again"),
        ("scanned.pdf", "no_text_layer", "run OCR first"),
        ("truncated.docx", "corrupt", "export or download it again"),
        ("truncated.pdf", "corrupt", "export or download it again"),
    ];
    if cfg!(unix) {
        expected.push(("dangling.pdf", "unreadable", "repair or remove the link"));
        expected.push(("loop-a.md", "symlink_loop", "remove or repair the link"));
        expected.push(("loop-b.md", "symlink_loop", "remove or repair the link"));
    }
    for (name, kind, fix) in &expected {
        let (found_kind, reason) = skipped
            .get(*name)
            .unwrap_or_else(|| panic!("{name} is listed as skipped: {skipped:?}"));
        assert_eq!(found_kind, kind, "{name}: {reason}");
        assert!(
            reason.contains(fix),
            "{name}: '{reason}' says how to fix it"
        );
        assert!(reason.contains(name), "{name}: '{reason}' names the file");
    }
    assert_eq!(skipped.len(), expected.len(), "{skipped:?}");
    assert!(
        stderr(&output).contains(&format!("{} file(s) skipped", expected.len())),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_bad_file_named_directly_is_skipped_with_its_reason() {
    let output = lessons(&[
        "score",
        "tests/fixtures/ingest/bad/scanned.pdf",
        "reviews/arnsleigh-child-k.txt",
    ]);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stdout(&output).contains("1 reviews scored"),
        "{}",
        stdout(&output)
    );
    assert!(
        stderr(&output)
            .contains("scanned.pdf: no text layer: this looks like a scanned PDF; run OCR first"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn extract_shows_the_text_and_the_structure() {
    let output = lessons(&["extract", "tests/fixtures/ingest/good/sample.pdf"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let shown = stdout(&output);
    assert!(shown.contains("1.1 The review was commissioned"), "{shown}");
    assert!(shown.contains("── page break ──"), "{shown}");
    assert!(shown.contains("[recommendations]"), "{shown}");
    assert!(shown.contains("2. Recommendations  (page 2)"), "{shown}");
    assert!(shown.contains("pages:           2"), "{shown}");
}

#[test]
fn extract_as_json_gives_sections_with_kinds_and_pages() {
    let output = lessons(&[
        "extract",
        "tests/fixtures/ingest/good/sample.docx",
        "--format",
        "json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let value = json(&output);
    assert_eq!(value["title"], "Review of Child Q");
    assert_eq!(value["sections"][0]["heading"], "Review of Child Q");
    assert_eq!(value["sections"][1]["level"], 2);
    assert_eq!(value["list_items"].as_array().unwrap().len(), 3);
    assert!(value["text"].as_str().unwrap().contains("1.1 The review"));
}

#[test]
fn extract_of_a_bad_file_fails_with_the_reason() {
    let output = lessons(&["extract", "tests/fixtures/ingest/bad/encrypted.pdf"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("protected by a password"),
        "{}",
        stderr(&output)
    );
}
