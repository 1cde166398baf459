//! Every reader over its committed fixture, and every kind of bad input
//! coming back as the typed error a caller can match, with a reason a person
//! can act on. Fixtures: tests/fixtures/ingest/ (made by
//! scripts/make-ingest-fixtures.py); the inputs that cannot be committed
//! (a file over the limit, a symlink loop, a dangling link) are made here.

use lessons::document::Document;
use lessons::ingest::{self, IngestError, Limits};
use lessons_plugin::SectionKind;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/ingest")
        .join(name)
}

fn read(name: &str) -> Document {
    ingest::read(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn error(name: &str) -> IngestError {
    match ingest::read(&fixture(name)) {
        Ok(d) => panic!("{name} was read: {:?}", d.text),
        Err(e) => e,
    }
}

/// (heading, kind name, level, page) of every section with a heading.
fn sections(document: &Document) -> Vec<(String, &'static str, u32, Option<u32>)> {
    document
        .structure
        .sections
        .iter()
        .filter(|s| s.heading.end > s.heading.start)
        .map(|s| {
            (
                document.text[s.heading.start as usize..s.heading.end as usize].to_string(),
                SectionKind::from_code(s.kind).name(),
                s.level,
                document.page_of(s.span.start as usize),
            )
        })
        .collect()
}

fn list_items(document: &Document) -> Vec<&str> {
    document
        .structure
        .list_items
        .iter()
        .map(|i| &document.text[i.span.start as usize..i.span.end as usize])
        .collect()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lessons-ingest-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_pdf_loses_its_running_lines_and_keeps_headings_pages_and_paragraphs() {
    let document = read("good/sample.pdf");
    let text = &document.text;
    assert!(
        !text.contains("Northfold Safeguarding Partnership"),
        "running header: {text}"
    );
    assert!(!text.contains("Page 1 of 2"), "footer: {text}");
    assert!(
        text.contains(
            "1.1 The review was commissioned by the Partnership after the death of Child Q. The strategy"
        ),
        "lines re-flowed into one paragraph: {text}"
    );
    assert!(
        text.contains("the safeguarding partners"),
        "hyphenation rejoined: {text}"
    );
    assert_eq!(
        sections(&document),
        vec![
            ("1. Introduction".into(), "other", 1, Some(1)),
            ("2. Recommendations".into(), "recommendations", 1, Some(2)),
        ]
    );
    assert_eq!(document.structure.pages.len(), 2);
    assert_eq!(
        list_items(&document),
        vec![
            "• The health visitor disagreed with the decision.",
            "• The health visitor disagreed with the decision."
        ]
    );
    let recommendation = document.structure.recommendations[0];
    assert_eq!(
        document.page_of(recommendation.span.start as usize),
        Some(2)
    );
}

#[test]
fn a_pdf_table_becomes_the_pipe_table_a_word_table_gives() {
    let document = read("good/table.pdf");
    let text = &document.text;
    let table = "\
| No. | Recommendation | Owner | By |
|---|---|---|---|
| 1 | Revise the escalation policy so that a disagreement about a strategy discussion is escalated within two working days. | Head of Safeguarding, Northfold Council | 30 June 2025 |
| 2 | Audit twenty strategy discussions. | Designated Nurse | 31 March 2026 |
";
    assert!(text.contains(table), "the table row by row: {text}");
    assert!(
        text.contains(
            "2.1 The Partnership accepted the recommendations below in full and asked each owner to report progress to the Board.\n\n| No."
        ),
        "the numbered paragraph before it stays a paragraph: {text}"
    );
    assert!(
        text.ends_with("|\n\nThe Board will publish the audit.\n"),
        "the paragraph after it stays a paragraph: {text}"
    );
}

#[test]
fn a_pdf_locked_only_against_editing_is_read() {
    let document = read("good/owner-password-only.pdf");
    assert!(
        document
            .text
            .contains("2.1 The Partnership should revise the escalation policy")
    );
}

#[test]
fn word_headings_come_from_styles_and_lists_get_their_markers() {
    let document = read("good/sample.docx");
    assert_eq!(
        sections(&document),
        vec![
            ("Review of Child Q".into(), "other", 1, None),
            ("Why nobody asked".into(), "other", 2, None),
        ]
    );
    assert!(!document.text.contains("Northfold"), "header part not read");
    assert!(document.text.contains("1.2 The safe- guarding partners"));
    assert_eq!(
        list_items(&document),
        vec![
            "• The health visitor disagreed.",
            "1. Revise the escalation policy by June 2025.",
            "2. Audit strategy discussions by March 2026."
        ]
    );
    assert_eq!(document.title, "Review of Child Q");
}

#[test]
fn odf_headings_lists_and_no_footnotes() {
    let document = read("good/sample.odt");
    assert_eq!(
        sections(&document),
        vec![
            ("Review of Child Q".into(), "other", 1, None),
            ("Why nobody asked".into(), "other", 2, None),
        ]
    );
    assert!(!document.text.contains("A footnote"), "{}", document.text);
    assert!(
        document.text.contains("not held & the policy"),
        "{}",
        document.text
    );
    assert_eq!(
        list_items(&document),
        vec!["• The health visitor disagreed."]
    );
}

#[test]
fn html_headings_and_numbered_lists_without_the_page_furniture() {
    let document = read("good/sample.html");
    assert!(!document.text.contains("Home | Reviews"));
    assert!(!document.text.contains("Northfold"));
    let found = sections(&document);
    assert_eq!(found[0], ("Review of Child Q".into(), "other", 1, None));
    assert_eq!(
        found[2],
        ("Recommendations".into(), "recommendations", 2, None)
    );
    assert_eq!(document.structure.recommendations.len(), 2);
}

#[test]
fn every_encoding_gives_the_same_text() {
    for name in [
        "good/utf8.md",
        "good/utf8-bom.md",
        "good/utf16le.txt",
        "good/utf16be.txt",
        "good/windows-1252.txt",
    ] {
        let document = read(name);
        assert_eq!(
            document.text,
            "# Review of Child Q\n\nThe child’s mother was not asked. It cost £200.\n",
            "{name}"
        );
        assert_eq!(document.title, "Review of Child Q", "{name}");
    }
}

#[test]
fn a_scanned_pdf_says_run_ocr() {
    let e = error("bad/scanned.pdf");
    assert!(matches!(e, IngestError::NoTextLayer { .. }), "{e:?}");
    assert!(
        e.to_string()
            .contains("no text layer: this looks like a scanned PDF; run OCR first")
    );
}

#[test]
fn a_password_protected_pdf_says_so() {
    let e = error("bad/encrypted.pdf");
    assert!(matches!(e, IngestError::Encrypted { .. }), "{e:?}");
    assert!(e.to_string().contains("save an unprotected copy"));
}

#[test]
fn a_truncated_or_mislabelled_pdf_is_corrupt() {
    for name in ["bad/truncated.pdf", "bad/not-a-pdf.pdf"] {
        let e = error(name);
        assert!(matches!(e, IngestError::Corrupt { .. }), "{name}: {e:?}");
        assert!(e.to_string().contains("export or download it again"), "{e}");
    }
}

#[test]
fn a_zero_byte_file_is_empty() {
    let e = error("bad/empty.txt");
    assert!(matches!(e, IngestError::Empty { .. }), "{e:?}");
}

#[test]
fn a_docx_that_is_not_a_zip_says_so() {
    let e = error("bad/not-a-zip.docx");
    assert!(
        matches!(e, IngestError::NotAnArchive { format: "Word", .. }),
        "{e:?}"
    );
}

#[test]
fn a_truncated_docx_is_corrupt() {
    let e = error("bad/truncated.docx");
    assert!(matches!(e, IngestError::Corrupt { .. }), "{e:?}");
}

#[test]
fn a_zip_bomb_is_not_unpacked() {
    let e = error("bad/bomb.docx");
    assert!(matches!(e, IngestError::ZipBomb { .. }), "{e:?}");
    assert!(e.to_string().contains("zip bomb"), "{e}");
}

#[test]
fn an_entry_over_the_unpacked_limit_is_refused() {
    let limits = Limits {
        max_unpacked_bytes: 2_000,
        ..Limits::default()
    };
    let e = ingest::read_with(&fixture("good/sample.docx"), &limits).unwrap_err();
    assert!(matches!(e, IngestError::ZipBomb { .. }), "{e:?}");
}

#[test]
fn a_document_with_no_words_says_so() {
    let e = error("bad/blank.html");
    assert!(matches!(e, IngestError::NoText { .. }), "{e:?}");
}

#[test]
fn an_unknown_format_names_the_ones_that_work() {
    let e = error("bad/notes.rtf");
    assert!(matches!(e, IngestError::UnsupportedFormat { .. }), "{e:?}");
    assert!(e.to_string().contains(".pdf, .docx"));
}

#[test]
fn a_file_over_the_size_limit_is_not_read() {
    let dir = scratch("too-large");
    let path = dir.join("huge.txt");
    // Sparse: the file claims its size without taking the disk space.
    std::fs::File::create(&path)
        .unwrap()
        .set_len(ingest::MAX_FILE_BYTES + 1)
        .unwrap();
    let e = ingest::read(&path).unwrap_err();
    assert!(matches!(e, IngestError::TooLarge { .. }), "{e:?}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_named() {
    let dir = scratch("loop");
    std::os::unix::fs::symlink(dir.join("b.txt"), dir.join("a.txt")).unwrap();
    std::os::unix::fs::symlink(dir.join("a.txt"), dir.join("b.txt")).unwrap();
    let e = ingest::read(&dir.join("a.txt")).unwrap_err();
    assert!(matches!(e, IngestError::SymlinkLoop { .. }), "{e:?}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[cfg(unix)]
#[test]
fn a_file_that_cannot_be_opened_is_unreadable() {
    let dir = scratch("unreadable");
    std::os::unix::fs::symlink(dir.join("gone.pdf"), dir.join("review.pdf")).unwrap();
    let e = ingest::read(&dir.join("review.pdf")).unwrap_err();
    assert!(matches!(e, IngestError::Unreadable { .. }), "{e:?}");
    assert!(e.to_string().contains("check that it exists"));
    std::fs::remove_dir_all(dir).unwrap();
}
