//! The host's analysis of structure alone (issue 8): lines, headings,
//! sections, paragraphs, quotes, sentences and recommendations of every
//! review in a folder, one thread, three rounds.
//!
//! ```text
//! cargo run --release -p lessons --example structure -- FOLDER
//! ```
//!
//! Prints nanoseconds per byte for each round, and what was found.

use lessons::ingest::structure::analyse;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let folder = std::env::args()
        .nth(1)
        .ok_or("usage: structure FOLDER (of review texts)")?;
    let mut reviews = Vec::new();
    for entry in std::fs::read_dir(&folder)? {
        let bytes = std::fs::read(entry?.path())?;
        reviews.push(String::from_utf8_lossy(&bytes).into_owned());
    }
    let bytes: usize = reviews.iter().map(String::len).sum();
    println!("{} reviews, {bytes} bytes", reviews.len());
    for round in 1..=3 {
        let clock = Instant::now();
        let (mut sentences, mut sections) = (0, 0);
        for review in &reviews {
            let structure = analyse(review);
            sentences += structure.sentences.len();
            sections += structure.sections.len();
        }
        let per_byte = clock.elapsed().as_secs_f64() * 1e9 / bytes as f64;
        println!(
            "round {round}: {per_byte:5.2} ns/byte, {sections} sections, {sentences} sentences"
        );
    }
    Ok(())
}
