//! The backward passes alone (issue 8): each bundled catalogue's pass over
//! every review in a folder, one thread, after a first round that builds
//! the DFA's states, so that what is timed is the walk.
//!
//! ```text
//! cargo run --release -p lessons-lexicon --example passes -- FOLDER
//! ```
//!
//! Prints nanoseconds per byte for each catalogue and their sum. Run it
//! from the workspace's root, where it finds `plugins/*/catalogue.toml`.

use lessons_lexicon::Lexicon;
use std::time::Instant;

const CATALOGUES: [&str; 6] = [
    "acting_on_negligence",
    "finger_pointing",
    "handwringing",
    "hindsight",
    "new_lessons",
    "procedural_flaws",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let folder = std::env::args()
        .nth(1)
        .ok_or("usage: passes FOLDER (of review texts)")?;
    let reviews = read_reviews(&folder)?;
    let bytes: usize = reviews.iter().map(String::len).sum();
    println!("{} reviews, {bytes} bytes", reviews.len());
    let mut total = 0.0;
    for catalogue in CATALOGUES {
        let path = format!("plugins/{catalogue}/catalogue.toml");
        let lexicon = Lexicon::from_toml(&std::fs::read_to_string(&path)?)?;
        let cues = lexicon.cues.len();
        let starts = lexicon.patterns().starts().ok_or("no backward pass")?;
        for review in &reviews {
            starts.find(review, cues);
        }
        let clock = Instant::now();
        let mut found = 0;
        for review in &reviews {
            let starts = starts.find(review, cues).ok_or("the DFA gave up")?;
            found += starts.iter().map(Vec::len).sum::<usize>();
        }
        let per_byte = clock.elapsed().as_secs_f64() * 1e9 / bytes as f64;
        total += per_byte;
        println!("{catalogue:22} {per_byte:5.2} ns/byte, {found} starts");
    }
    println!("{:22} {total:5.2} ns/byte", "all six");
    Ok(())
}

fn read_reviews(folder: &str) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let mut paths = std::fs::read_dir(folder)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()?;
    paths.sort();
    let reviews = paths
        .iter()
        .map(std::fs::read)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(reviews
        .into_iter()
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .collect())
}
