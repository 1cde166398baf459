//! A bounded, seeded mutation fuzzer for every reader: the committed
//! fixtures are mutated (bytes flipped, replaced, cut, repeated, spliced;
//! for .docx and .odt, the XML inside is mutated too and packed again) and
//! each mutant goes through `ingest::extract`. A reader may refuse a mutant
//! with a fault; our own reading code must never panic, not even a panic the
//! guard contains. Panics deep inside the PDF library on hostile input are
//! contained per page and reported as a damaged file; the run counts them.
//!
//! `LESSONS_FUZZ_ITERATIONS` (default 300) mutants per seed file and
//! `LESSONS_FUZZ_SEED` (default 1) make a run repeatable and bounded. This
//! stands in for cargo-fuzz, which needs a nightly compiler.

use lessons::ingest::{self, Fault, Format, Limits};
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

/// xorshift64*: small, fast, and the same sequence on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const INTERESTING: &[&[u8]] = &[
    b"obj",
    b"endobj",
    b"stream",
    b"endstream",
    b"/Length 99999999",
    b"<<",
    b">>",
    b"[",
    b"]",
    b"/Font",
    b"/Encrypt",
    b"xref",
    b"trailer",
    b"<w:p>",
    b"</w:p>",
    b"<w:t>",
    b"<text:h>",
    b"&amp;",
    b"&#0;",
    b"&#xD800;",
    b"<li>",
    b"<ol start=\"-5\">",
    b"<h9>",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\x00",
    b"\xc3",
    b"\x0c",
];

fn mutate(rng: &mut Rng, seed: &[u8], others: &[Vec<u8>]) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(7) {
            0 if !bytes.is_empty() => {
                let i = at.min(bytes.len() - 1);
                bytes[i] ^= 1 << rng.below(8);
            }
            1 if !bytes.is_empty() => {
                let i = at.min(bytes.len() - 1);
                bytes[i] = rng.next() as u8;
            }
            2 => bytes.truncate(at),
            3 => {
                let token = INTERESTING[rng.below(INTERESTING.len())];
                bytes.splice(at..at, token.iter().copied());
            }
            4 if at < bytes.len() => {
                let end = (at + 1 + rng.below(64)).min(bytes.len());
                let chunk = bytes[at..end].to_vec();
                let times = 1 + rng.below(16);
                for _ in 0..times {
                    bytes.splice(at..at, chunk.iter().copied());
                }
            }
            5 if at < bytes.len() => {
                let end = (at + 1 + rng.below(256)).min(bytes.len());
                bytes.drain(at..end);
            }
            _ => {
                let other = &others[rng.below(others.len())];
                if !other.is_empty() {
                    let from = rng.below(other.len());
                    let to = (from + 1 + rng.below(512)).min(other.len());
                    bytes.splice(at..at, other[from..to].iter().copied());
                }
            }
        }
    }
    bytes
}

/// The archive with one XML entry mutated, packed again (stored), so that
/// mutants reach the XML readers rather than failing the zip's checksum.
fn mutate_inside(rng: &mut Rng, archive: &[u8], others: &[Vec<u8>]) -> Option<Vec<u8>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(archive)).ok()?;
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    let xml: Vec<&String> = names.iter().filter(|n| n.ends_with(".xml")).collect();
    let target = xml.get(rng.below(xml.len()))?.to_string();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for name in &names {
        let mut content = Vec::new();
        zip.by_name(name).ok()?.read_to_end(&mut content).ok()?;
        if *name == target {
            content = mutate(rng, &content, others);
        }
        out.start_file(name.clone(), options).ok()?;
        out.write_all(&content).ok()?;
    }
    Some(out.finish().ok()?.into_inner())
}

fn seeds() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/ingest");
    let mut files: Vec<PathBuf> = ["good", "bad"]
        .iter()
        .flat_map(|d| std::fs::read_dir(root.join(d)).unwrap())
        .map(|e| e.unwrap().path())
        // The zip bomb is left out: repacking its 40 MB entry would only slow the run.
        .filter(|p| Format::of(p).is_some() && !p.ends_with("bad/bomb.docx"))
        .collect();
    files.sort();
    files
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn no_reader_panics_on_mutated_fixtures() {
    let iterations = env_number("LESSONS_FUZZ_ITERATIONS", 300);
    let mut rng = Rng(env_number("LESSONS_FUZZ_SEED", 1).max(1));
    let limits = Limits {
        max_unpacked_bytes: 8 * 1024 * 1024,
        ..Limits::default()
    };
    let seeds = seeds();
    let contents: Vec<Vec<u8>> = seeds.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let mut panics = Vec::new();
    // Per format: read, refused, refused after a contained PDF-library panic.
    let mut outcomes = std::collections::BTreeMap::<String, (u64, u64, u64)>::new();
    for (path, seed) in seeds.iter().zip(&contents) {
        let format = Format::of(path).unwrap();
        let zipped = matches!(format, Format::Docx | Format::Odt);
        for i in 0..iterations {
            let mutant = if zipped && i % 2 == 0 {
                mutate_inside(&mut rng, seed, &contents)
                    .unwrap_or_else(|| mutate(&mut rng, seed, &contents))
            } else {
                mutate(&mut rng, seed, &contents)
            };
            let tally = outcomes.entry(format!("{format:?}")).or_default();
            match ingest::extract(&mutant, format, &limits) {
                Ok(_) => tally.0 += 1,
                Err(Fault::Panicked(message)) => {
                    panics.push(format!("{} mutant {i}: {message}", path.display()))
                }
                Err(Fault::Corrupt(detail)) if detail.contains("the PDF library stopped") => {
                    tally.2 += 1
                }
                Err(_) => tally.1 += 1,
            }
        }
    }
    eprintln!(
        "fuzz: {} seeds x {iterations} mutants; (read, refused, contained PDF-library panics) by format: {outcomes:?}",
        seeds.len()
    );
    assert!(seeds.len() >= 8, "the fixtures are there: {seeds:?}");
    assert!(
        panics.is_empty(),
        "{} panics:\n{}",
        panics.len(),
        panics.join("\n")
    );
}
