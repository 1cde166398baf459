//! Pages per second of PDF text extraction: lessons' reader (pdf-extract
//! plus line, header and paragraph rebuilding) against poppler's `pdftotext`
//! on the same files in the same run.
//!
//! cargo bench -p lessons --bench pdf_extract [-- FOLDER_OF_PDFS]
//!
//! The folder defaults to target/renderings/pdf (made by
//! `python3 scripts/render-reviews.py`). `pdftotext` comes from Debian's
//! poppler-utils; without it only lessons' figure is printed. Each file is
//! timed, and then (with poppler's `pdfunite`) all of them joined into one
//! PDF, so that pdftotext's start-up per process does not decide the race.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const ROUNDS: usize = 3;

fn main() {
    let folder = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/renderings/pdf"));
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&folder) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
            .collect(),
        Err(e) => {
            eprintln!(
                "{}: {e}; run `python3 scripts/render-reviews.py` first or name a folder of PDFs",
                folder.display()
            );
            std::process::exit(1);
        }
    };
    files.sort();
    race("each file", &files);
    if let Some(joined) = joined(&files) {
        race(
            "all files joined into one PDF",
            std::slice::from_ref(&joined),
        );
        let _ = std::fs::remove_file(joined);
    }
}

/// Times both extractors over `files` and prints pages per second.
fn race(label: &str, files: &[PathBuf]) {
    let contents: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();

    let mut pages = 0;
    let mut ours = Duration::MAX;
    for _ in 0..ROUNDS {
        let start = Instant::now();
        pages = 0;
        for bytes in &contents {
            let read = lessons::ingest::pdf::read_pages(bytes).expect("the PDF reads");
            pages += read.len();
            std::hint::black_box(lessons::ingest::pdf::rebuild(read));
        }
        ours = ours.min(start.elapsed());
    }

    let theirs = pdftotext_time(files);
    println!(
        "{label}: {} PDF(s), {pages} pages, best of {ROUNDS} rounds",
        files.len()
    );
    report("lessons (pdf-extract + rebuild)", pages, ours);
    match theirs {
        Some(time) => {
            report("pdftotext (poppler, one process a file)", pages, time);
            println!(
                "lessons takes {:.2}x the time of pdftotext",
                ours.as_secs_f64() / time.as_secs_f64()
            );
        }
        None => println!("pdftotext: not installed (apt-get install -y poppler-utils)"),
    }
}

/// The files joined by `pdfunite` into one PDF in the temporary folder.
fn joined(files: &[PathBuf]) -> Option<PathBuf> {
    let out = std::env::temp_dir().join(format!("lessons-bench-{}.pdf", std::process::id()));
    let status = Command::new("pdfunite")
        .args(files)
        .arg(&out)
        .status()
        .ok()?;
    status.success().then_some(out)
}

fn report(name: &str, pages: usize, time: Duration) {
    println!(
        "{name:<42} {:>8.1} pages/s  ({:.3} s)",
        pages as f64 / time.as_secs_f64(),
        time.as_secs_f64()
    );
}

/// The best of the rounds for `pdftotext FILE -` over every file, or `None`
/// when it is not installed.
fn pdftotext_time(files: &[PathBuf]) -> Option<Duration> {
    Command::new("pdftotext").arg("-v").output().ok()?;
    let mut best = Duration::MAX;
    for _ in 0..ROUNDS {
        let start = Instant::now();
        for file in files {
            let output = Command::new("pdftotext").arg(file).arg("-").output().ok()?;
            assert!(
                output.status.success(),
                "pdftotext failed on {}",
                file.display()
            );
            std::hint::black_box(output.stdout);
        }
        best = best.min(start.elapsed());
    }
    Some(best)
}
