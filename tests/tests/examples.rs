//! The example plugins build the way plugin-api.md says, outside the
//! workspace, and load and score; the C header matches the Rust ABI byte for
//! byte.

use lessons_plugin::abi::{
    DocumentView, HostInfo, Item, MetricDecl, Page, Paragraph, PluginDescriptor, Section, Sentence,
    Sink, StrRef,
};
use lessons_tests::{artifacts, lessons, scratch, stderr, workspace_root};
use std::mem::{offset_of, size_of};
use std::path::{Path, PathBuf};
use std::process::Command;

fn compile_c(source: &Path, output: &Path, shared: bool) {
    let include = workspace_root().join("plugins/sdk/include");
    let mut cc = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()));
    if shared {
        cc.args(["-shared", "-fPIC"]);
    }
    let status = cc
        .args(["-O2", "-Wall", "-Wextra", "-Werror", "-I"])
        .arg(include)
        .arg("-o")
        .arg(output)
        .arg(source)
        .status()
        .expect("a C compiler runs (install gcc)");
    assert!(status.success(), "cc failed on {}", source.display());
}

#[test]
fn the_c_header_matches_the_rust_abi() {
    let dir = scratch("c-layout");
    let probe = dir.join("layout.c");
    std::fs::write(
        &probe,
        r#"#include <stdio.h>
#include <stddef.h>
#include "lessons_plugin.h"
#define S(t) printf(#t " %zu\n", sizeof(t));
#define O(t, f) printf(#t "." #f " %zu\n", offsetof(t, f));
int main(void) {
  S(LessonsStr) S(LessonsSink) S(LessonsHostInfo) S(LessonsMetricDecl) S(LessonsSpan) S(LessonsSection)
  S(LessonsParagraph) S(LessonsSentence) S(LessonsItem) S(LessonsPage) S(LessonsDocumentView) S(LessonsPluginDescriptor)
  O(LessonsPluginDescriptor, flags) O(LessonsPluginDescriptor, name) O(LessonsPluginDescriptor, metrics)
  O(LessonsPluginDescriptor, create) O(LessonsPluginDescriptor, destroy)
  O(LessonsPluginDescriptor, instance_metrics)
  O(LessonsDocumentView, text) O(LessonsDocumentView, sentences) O(LessonsDocumentView, pages_len) O(LessonsDocumentView, flags)
  O(LessonsSentence, flags) O(LessonsSection, level) O(LessonsMetricDecl, max)
  printf("magic %llu\n", (unsigned long long)LESSONS_MAGIC);
  return 0;
}
"#,
    )
    .unwrap();
    let binary = dir.join("layout");
    compile_c(&probe, &binary, false);
    let printed = String::from_utf8(Command::new(&binary).output().unwrap().stdout).unwrap();
    let expected = [
        ("LessonsStr", size_of::<StrRef>()),
        ("LessonsSink", size_of::<Sink>()),
        ("LessonsHostInfo", size_of::<HostInfo>()),
        ("LessonsMetricDecl", size_of::<MetricDecl>()),
        ("LessonsSpan", size_of::<lessons_plugin::abi::Span>()),
        ("LessonsSection", size_of::<Section>()),
        ("LessonsParagraph", size_of::<Paragraph>()),
        ("LessonsSentence", size_of::<Sentence>()),
        ("LessonsItem", size_of::<Item>()),
        ("LessonsPage", size_of::<Page>()),
        ("LessonsDocumentView", size_of::<DocumentView>()),
        ("LessonsPluginDescriptor", size_of::<PluginDescriptor>()),
        (
            "LessonsPluginDescriptor.flags",
            offset_of!(PluginDescriptor, flags),
        ),
        (
            "LessonsPluginDescriptor.name",
            offset_of!(PluginDescriptor, name),
        ),
        (
            "LessonsPluginDescriptor.metrics",
            offset_of!(PluginDescriptor, metrics),
        ),
        (
            "LessonsPluginDescriptor.create",
            offset_of!(PluginDescriptor, create),
        ),
        (
            "LessonsPluginDescriptor.destroy",
            offset_of!(PluginDescriptor, destroy),
        ),
        (
            "LessonsPluginDescriptor.instance_metrics",
            offset_of!(PluginDescriptor, instance_metrics),
        ),
        ("LessonsDocumentView.text", offset_of!(DocumentView, text)),
        (
            "LessonsDocumentView.sentences",
            offset_of!(DocumentView, sentences),
        ),
        (
            "LessonsDocumentView.pages_len",
            offset_of!(DocumentView, pages_len),
        ),
        ("LessonsDocumentView.flags", offset_of!(DocumentView, flags)),
        ("LessonsSentence.flags", offset_of!(Sentence, flags)),
        ("LessonsSection.level", offset_of!(Section, level)),
        ("LessonsMetricDecl.max", offset_of!(MetricDecl, max)),
        ("magic", lessons_plugin::abi::MAGIC as usize),
    ];
    for (name, value) in expected {
        let line = format!("{name} {value}");
        assert!(
            printed.lines().any(|l| l == line),
            "C says {:?}, Rust says {line:?}",
            printed.lines().find(|l| l.starts_with(&format!("{name} ")))
        );
    }
}

fn score_with(plugin: &Path, metric: &str) -> serde_json::Value {
    let output = lessons(&[
        "score",
        "reviews",
        "--plugins",
        plugin.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let batch: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        batch["reviews"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["scores"][metric].is_number()),
        "every review has {metric}"
    );
    batch
}

#[test]
fn the_c_example_builds_with_the_documented_command_and_scores() {
    let library = scratch("c-example").join(format!(
        "{}lessons_example_c{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    ));
    compile_c(
        &workspace_root().join("plugins/examples/c-minimal/should_have.c"),
        &library,
        true,
    );
    let batch = score_with(&library, "c_should_have");
    let reviews = batch["reviews"].as_array().unwrap();
    let witch_hunt = reviews
        .iter()
        .find(|r| r["id"] == "brenmoor-child-t")
        .unwrap();
    assert!(witch_hunt["scores"]["c_should_have"].as_f64().unwrap() > 0.0);
    let cited: Vec<&serde_json::Value> = witch_hunt["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["plugin"] == "c_should_have")
        .collect();
    assert!(
        !cited.is_empty()
            && cited
                .iter()
                .all(|e| e["text"].as_str().unwrap().contains("should have"))
    );
}

#[test]
fn the_rust_example_builds_outside_the_workspace_and_scores() {
    let target = artifacts()
        .bundled_dir
        .parent()
        .unwrap()
        .join("example-builds");
    let manifest = workspace_root().join("plugins/examples/rust-minimal/Cargo.toml");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--manifest-path"])
        .arg(&manifest)
        .arg("--target-dir")
        .arg(&target)
        .status()
        .unwrap();
    assert!(status.success());
    let library: PathBuf = target.join("debug").join(format!(
        "{}lessons_example_minimal{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    ));
    let batch = score_with(&library, "because_density");
    assert!(
        batch["plugins"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "because_density")
    );
}
