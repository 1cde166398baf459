//! Helpers for the end-to-end tests: build the workspace once per test
//! binary and find the real artifacts (the `lessons` binary, the bundled
//! plugins, the fixture plugins) from cargo's own build messages, so the
//! tests run whatever the target folder or profile.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// What the workspace build produced.
#[derive(Debug)]
pub struct Artifacts {
    /// The `lessons` binary.
    pub lessons: PathBuf,
    /// The folder holding the binary and the bundled plugins.
    pub bundled_dir: PathBuf,
    /// Every cdylib built from an `[[example]]`, by target name.
    pub fixtures: Vec<(String, PathBuf)>,
}

impl Artifacts {
    /// The fixture plugin library with this example name.
    pub fn fixture(&self, name: &str) -> &Path {
        self.fixtures
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, p)| p.as_path())
            .unwrap_or_else(|| panic!("fixture {name} was not built; known: {:?}", self.fixtures))
    }
}

/// The workspace root (the folder above `tests/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// Builds the workspace and its examples once, and returns what was built.
pub fn artifacts() -> &'static Artifacts {
    static BUILT: OnceLock<Artifacts> = OnceLock::new();
    BUILT.get_or_init(build)
}

fn build() -> Artifacts {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(workspace_root()).args([
        "build",
        "--workspace",
        "--lib",
        "--bins",
        "--examples",
        "--message-format=json-render-diagnostics",
    ]);
    if !cfg!(debug_assertions) {
        command.arg("--release");
    }
    let output = command.output().expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo build failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut lessons = None;
    let mut fixtures = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if message["reason"] != "compiler-artifact" {
            continue;
        }
        let kinds: Vec<&str> = message["target"]["kind"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|k| k.as_str())
            .collect();
        let name = message["target"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if kinds.contains(&"bin") && name == "lessons" {
            lessons = message["executable"].as_str().map(PathBuf::from);
        }
        if kinds.contains(&"example") {
            let library = message["filenames"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|f| f.as_str())
                .find(|f| f.ends_with(std::env::consts::DLL_SUFFIX));
            if let Some(library) = library {
                fixtures.push((name, PathBuf::from(library)));
            }
        }
    }
    let lessons = lessons.expect("the build produced the lessons binary");
    let bundled_dir = lessons
        .parent()
        .expect("the binary has a folder")
        .to_path_buf();
    Artifacts {
        lessons,
        bundled_dir,
        fixtures,
    }
}

/// Runs `lessons` with these arguments from the workspace root.
pub fn lessons(args: &[&str]) -> Output {
    Command::new(&artifacts().lessons)
        .current_dir(workspace_root())
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("lessons runs")
}

/// `lessons` from the workspace root with two scoring threads, whatever the
/// machine: the number of workers per plugin, and of reviews in flight, is
/// then the same everywhere.
pub fn lessons_with_two_threads(args: &[&str]) -> Command {
    let mut command = Command::new(&artifacts().lessons);
    command
        .current_dir(workspace_root())
        .args(args)
        .env("NO_COLOR", "1")
        .env("RAYON_NUM_THREADS", "2");
    command
}

/// One review of `lessons score --format json`: its id, and each metric's
/// score (metrics no plugin scored left out).
pub fn review_scores(review: &serde_json::Value) -> (String, BTreeMap<String, f64>) {
    let scores = review["scores"]
        .as_object()
        .expect("a review has scores")
        .iter()
        .filter_map(|(metric, score)| Some((metric.clone(), score.as_f64()?)))
        .collect();
    (
        review["id"]
            .as_str()
            .expect("a review has an id")
            .to_string(),
        scores,
    )
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Every review file under reviews/, sub-folders included (the blind
/// review's matched pairs are in reviews/blind/), as `lessons score reviews`
/// finds them.
pub fn corpus_reviews() -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut folders = vec![workspace_root().join("reviews")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).expect("reviews/ is readable") {
            let path = entry.expect("a readable entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("md" | "txt")
            ) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// A fresh, empty folder under the target folder for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = artifacts().bundled_dir.join("test-scratch").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// A `lessons.toml` with `text` in a fresh scratch folder for `test`.
pub fn config_file(test: &str, text: &str) -> PathBuf {
    let path = scratch(test).join("lessons.toml");
    std::fs::write(&path, text).expect("config file");
    path
}

/// A batch's reviews (its JSON output), by review id.
pub fn reviews_by_id(batch: &serde_json::Value) -> BTreeMap<String, serde_json::Value> {
    batch["reviews"]
        .as_array()
        .expect("a reviews array")
        .iter()
        .map(|r| (r["id"].as_str().unwrap().to_string(), r.clone()))
        .collect()
}
