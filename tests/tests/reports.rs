//! The reports people read and the exports other tools open, from the real
//! binary over the real corpus: the REFI-QDA project's structure, the
//! Markdown report, `lessons check`'s findings, thresholds and waivers, and
//! the quiet stderr of a batch that is not on a terminal.

use lessons_tests::{lessons, scratch, stderr, stdout, workspace_root};
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

const NAMESPACE: &str = "urn:QDA-XML:project:1.0";
const DRAFT: &str = "reviews/ashby-vale-child-j.md";

fn score_json() -> serde_json::Value {
    let output = lessons(&["score", "reviews", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One element of project.qde: its local name, attributes and parent's name.
#[derive(Debug)]
struct Element {
    name: String,
    parent: String,
    attributes: BTreeMap<String, String>,
    /// The plainTextPath of the TextSource it sits in, if any.
    source: Option<String>,
}

/// Every element, checking each is in the REFI-QDA namespace.
fn elements(xml: &str) -> Vec<Element> {
    let mut reader = NsReader::from_str(xml);
    let mut stack: Vec<(String, Option<String>)> = Vec::new();
    let mut found = Vec::new();
    loop {
        let (resolved, event) = reader.read_resolved_event().expect("well-formed XML");
        let (start, empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => {
                stack.pop();
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let name = start.local_name().as_ref().to_string();
        assert!(
            matches!(resolved, ResolveResult::Bound(ns) if ns.as_ref() == NAMESPACE),
            "<{name}> is not in the REFI-QDA namespace"
        );
        let attributes = start
            .attributes()
            .map(|a| {
                let a = a.unwrap();
                (
                    a.key.as_ref().to_string(),
                    a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                        .unwrap()
                        .into_owned(),
                )
            })
            .collect::<BTreeMap<String, String>>();
        let source = match attributes.get("plainTextPath") {
            Some(path) => Some(path.clone()),
            None => stack.last().and_then(|(_, s)| s.clone()),
        };
        found.push(Element {
            name: name.clone(),
            parent: stack.last().map(|(n, _)| n.clone()).unwrap_or_default(),
            attributes,
            source: source.clone(),
        });
        if !empty {
            stack.push((name, source));
        }
    }
    found
}

fn export_qdpx(path: &Path) -> Vec<u8> {
    let output = lessons(&[
        "score",
        "reviews",
        "--format",
        "qdpx",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    std::fs::read(path).unwrap()
}

fn is_guid(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts
            .iter()
            .all(|p| p.chars().all(|c| c.is_ascii_hexdigit()))
}

#[test]
fn the_qdpx_project_codes_every_evidence_span_at_the_right_characters() {
    let dir = scratch("qdpx");
    let bytes = export_qdpx(&dir.join("a.qdpx"));
    assert_eq!(
        bytes,
        export_qdpx(&dir.join("b.qdpx")),
        "the export is deterministic"
    );
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut project = String::new();
    archive
        .by_name("project.qde")
        .expect("project.qde")
        .read_to_string(&mut project)
        .unwrap();
    let all = elements(&project);
    assert_eq!(all[0].name, "Project");

    let guids: Vec<&String> = all
        .iter()
        .filter_map(|e| e.attributes.get("guid"))
        .collect();
    assert!(guids.iter().all(|g| is_guid(g)), "GUIDs are well-formed");
    assert_eq!(
        guids.len(),
        guids.iter().collect::<BTreeSet<_>>().len(),
        "GUIDs are unique"
    );

    let codes: BTreeMap<&str, &str> = all
        .iter()
        .filter(|e| e.name == "Code")
        .map(|e| (e.attributes["guid"].as_str(), e.attributes["name"].as_str()))
        .collect();
    let names: BTreeSet<&str> = codes.values().copied().collect();
    for metric in [
        "handwringing",
        "finger_pointing",
        "procedural_flaws",
        "acting_on_negligence",
        "new_lessons",
        "hindsight",
    ] {
        assert!(names.contains(metric), "a code for {metric}: {names:?}");
    }
    assert!(
        all.iter()
            .any(|e| e.name == "Code" && e.parent == "Code" && e.attributes["isCodable"] == "true"),
        "known lessons are codes under their parent"
    );

    let batch = score_json();
    let reviews = batch["reviews"].as_array().unwrap();
    let sources: Vec<&Element> = all.iter().filter(|e| e.name == "TextSource").collect();
    assert_eq!(sources.len(), reviews.len());
    let mut selections_checked = 0;
    for review in reviews {
        let id = review["id"].as_str().unwrap();
        let source = sources
            .iter()
            .find(|s| s.attributes["name"] == id)
            .unwrap_or_else(|| panic!("a source for {id}"));
        let path = source.attributes["plainTextPath"]
            .strip_prefix("internal://")
            .expect("an internal path");
        let mut text = String::new();
        archive
            .by_name(&format!("sources/{path}"))
            .expect("the source text is in the archive")
            .read_to_string(&mut text)
            .unwrap();
        let chars: Vec<char> = text.chars().collect();
        let selections: Vec<&Element> = all
            .iter()
            .filter(|e| e.name == "PlainTextSelection")
            .filter(|e| e.source.as_deref() == Some(source.attributes["plainTextPath"].as_str()))
            .collect();
        let evidence = review["evidence"].as_array().unwrap();
        assert_eq!(
            selections.len(),
            evidence.len(),
            "{id}: one selection per span"
        );
        for (selection, cited) in selections.iter().zip(evidence) {
            let start: usize = selection.attributes["startPosition"].parse().unwrap();
            let end: usize = selection.attributes["endPosition"].parse().unwrap();
            assert!(start < end && end <= chars.len(), "{id}: {start}..{end}");
            let cut: String = chars[start..end].iter().collect();
            let expected = cited["text"].as_str().unwrap();
            assert!(
                collapse(&cut).starts_with(expected),
                "{id}: characters {start}..{end} read {cut:?}, the evidence cites {expected:?}"
            );
            selections_checked += 1;
        }
    }
    assert!(selections_checked > 500, "{selections_checked}");
    let code_refs: Vec<&Element> = all.iter().filter(|e| e.name == "CodeRef").collect();
    assert!(code_refs.len() >= selections_checked);
    for r in code_refs {
        assert!(
            codes.contains_key(r.attributes["targetGUID"].as_str()),
            "a CodeRef points at a code"
        );
    }
}

#[test]
fn the_markdown_report_has_a_row_and_a_section_per_review() {
    let output = lessons(&["score", "reviews", "--format", "markdown"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let batch = score_json();
    for review in batch["reviews"].as_array().unwrap() {
        let id = review["id"].as_str().unwrap();
        assert!(
            text.contains(&format!("| [{id}](#{id}) |")),
            "a row for {id}"
        );
        assert!(
            text.contains(&format!("\n### {id}\n")),
            "a section for {id}"
        );
    }
    assert!(
        text.contains("| Review | hand-wringing |"),
        "{}",
        &text[..400]
    );
}

/// The finding lines of `lessons check`: (line, column, metric, message, rest).
fn findings(output: &str) -> Vec<(usize, usize, String, String)> {
    output
        .lines()
        .filter_map(|l| l.strip_prefix(&format!("{DRAFT}:")))
        .filter_map(|rest| {
            let mut parts = rest.splitn(4, ':');
            let line = parts.next()?.parse().ok()?;
            let column = parts.next()?.parse().ok()?;
            let metric = parts.next()?.trim().to_string();
            Some((line, column, metric, parts.next()?.trim().to_string()))
        })
        .collect()
}

#[test]
fn check_names_each_problem_at_its_place_then_the_scores() {
    let output = lessons(&["check", DRAFT]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "no thresholds: {}",
        stderr(&output)
    );
    let text = stdout(&output);
    let found = findings(&text);
    assert!(found.len() > 10, "{text}");
    let draft: Vec<String> = std::fs::read_to_string(workspace_root().join(DRAFT))
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    for (line, column, metric, message) in &found {
        let quoted = message.rsplit_once(" \"").unwrap().1.trim_end_matches('"');
        let first_word = quoted.split_whitespace().next().unwrap();
        let at: String = draft[line - 1].chars().skip(column - 1).collect();
        assert!(
            at.starts_with(first_word),
            "{line}:{column} {metric}: the line there reads {at:?}, the finding quotes {quoted:?}"
        );
    }
    assert!(
        found.iter().any(|(_, _, m, msg)| m == "handwringing"
            && msg.starts_with("recommendation ")
            && msg.contains("no owner")),
        "a recommendation is named by its number: {text}"
    );
    assert!(
        found
            .iter()
            .any(|(_, _, m, msg)| m == "finger_pointing" && msg.contains("knew at the time")),
        "{text}"
    );
    for metric in [
        "hand-wringing",
        "finger-pointing",
        "procedural flaws",
        "acting on negligence",
        "new lessons",
        "hindsight",
        "learning index",
    ] {
        assert!(
            text.contains(&format!("\n  {metric} ")),
            "the score of {metric}: {text}"
        );
    }
    assert!(text.ends_with("sign-off: pass\n"), "{text}");
}

#[test]
fn thresholds_from_the_command_line_and_the_configuration_set_the_exit_status() {
    let fail = lessons(&["check", DRAFT, "--fail-on", "handwringing>50"]);
    assert_eq!(fail.status.code(), Some(1), "{}", stdout(&fail));
    assert!(
        stdout(&fail).contains("fail: handwringing is "),
        "{}",
        stdout(&fail)
    );
    assert!(stdout(&fail).ends_with("sign-off: fail\n"));
    let pass = lessons(&["check", DRAFT, "--fail-on", "handwringing>99.9"]);
    assert_eq!(pass.status.code(), Some(0), "{}", stdout(&pass));

    let dir = scratch("check-config");
    let config = dir.join("lessons.toml");
    std::fs::write(
        &config,
        "[check]\nfail_above = { hindsight = 10 }\nfail_below = { learning_index = 80 }\n",
    )
    .unwrap();
    let output = lessons(&["--config", config.to_str().unwrap(), "check", DRAFT]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.contains("fail: hindsight is ") && text.contains("lessons.toml [check]"),
        "{text}"
    );
    assert!(text.contains("fail: learning_index is "), "{text}");
    let relaxed = lessons(&[
        "--config",
        config.to_str().unwrap(),
        "check",
        DRAFT,
        "--fail-on",
        "hindsight>99",
        "--fail-on",
        "learning_index<0",
    ]);
    assert_eq!(
        relaxed.status.code(),
        Some(0),
        "the command line replaces the file: {}",
        stdout(&relaxed)
    );

    let unknown = lessons(&["check", DRAFT, "--fail-on", "handwrining>5"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("handwrining"),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn a_waiver_silences_one_accepted_finding_and_a_stale_one_is_reported() {
    let first = stdout(&lessons(&["check", DRAFT, "--fail-on", "findings>0"]));
    let line = first
        .lines()
        .find(|l| l.contains("[handwringing.slogan #"))
        .expect("a slogan finding");
    let tag = line.split(" [").nth(1).unwrap().split(']').next().unwrap();
    let (rule, hash) = tag.split_once(" #").unwrap();
    let before = findings(&first).len();

    let dir = scratch("waivers");
    let waivers = dir.join("waivers.toml");
    std::fs::write(
        &waivers,
        format!(
            "[[waiver]]\nrule = \"{rule}\"\ntext_hash = \"{hash}\"\nreason = \"quoted from the 2019 review\"\nwho = \"Board chair\"\n\n\
             [[waiver]]\nrule = \"handwringing.lament\"\ntext_hash = \"000000000000\"\nreason = \"old\"\nwho = \"Board chair\"\n"
        ),
    )
    .unwrap();
    let output = lessons(&[
        "check",
        DRAFT,
        "--waivers",
        waivers.to_str().unwrap(),
        "--fail-on",
        "findings>0",
    ]);
    let text = stdout(&output);
    let after = findings(&text);
    let silenced = first
        .lines()
        .filter(|l| l.contains(&format!("[{rule} #{hash}]")))
        .count();
    assert!(silenced >= 1);
    assert_eq!(after.len(), before - silenced, "{text}");
    assert!(!text.contains(&format!("[{rule} #{hash}]")), "{text}");
    assert!(text.contains(&format!("{silenced} waived")), "{text}");
    assert!(
        text.contains("waiver for handwringing.lament #000000000000 (Board chair) matched nothing"),
        "{text}"
    );
    assert_eq!(output.status.code(), Some(1), "other findings remain");

    std::fs::write(
        &waivers,
        "[[waiver]]\nrule = \"a\"\ntext_hash = \"b\"\nreason = \"\"\nwho = \"me\"\n",
    )
    .unwrap();
    let output = lessons(&["check", DRAFT, "--waivers", waivers.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("waivers.toml") && stderr(&output).contains("empty reason"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_batch_off_a_terminal_prints_no_progress() {
    let output = lessons(&["score", "reviews", "--format", "csv"]);
    assert!(output.status.success());
    assert_eq!(
        stderr(&output),
        "",
        "nothing extra on stderr when it is not a terminal"
    );
}

/// Runs `lessons` under a pseudo-terminal (util-linux `script`), so that
/// stderr is a terminal; returns everything the terminal received.
fn on_a_terminal(no_color: bool) -> String {
    let dir = scratch(if no_color { "tty-plain" } else { "tty-colour" });
    let csv = dir.join("out.csv");
    let command = format!(
        "{} score reviews --format csv -o {}",
        lessons_tests::artifacts().lessons.display(),
        csv.display()
    );
    let mut script = std::process::Command::new("script");
    script
        .current_dir(workspace_root())
        .args(["-qec", &command, "/dev/null"])
        .env_remove("NO_COLOR");
    if no_color {
        script.env("NO_COLOR", "1");
    }
    let output = script.output().expect("script runs");
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(csv.is_file(), "the report was written");
    stdout(&output)
}

#[test]
fn a_batch_on_a_terminal_shows_a_progress_bar_without_colour_under_no_color() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        assert!(
            std::env::var_os("CI").is_none(),
            "util-linux's script is missing"
        );
        eprintln!(
            "\n*** SKIPPED the progress bar test: util-linux `script` is not installed ***\n"
        );
        return;
    }
    let counted = format!("/{} reviews", lessons_tests::corpus_reviews().len());
    let coloured = on_a_terminal(false);
    assert!(coloured.contains(&counted), "{coloured:?}");
    assert!(
        coloured.contains("\u{1b}[36m"),
        "coloured by default: {coloured:?}"
    );
    let plain = on_a_terminal(true);
    assert!(plain.contains(&counted), "{plain:?}");
    assert!(
        !plain.contains("\u{1b}[3"),
        "no colour under NO_COLOR: {plain:?}"
    );
}
