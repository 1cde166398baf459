//! The backward passes alone (issue 8): each bundled catalogue's pass over
//! every review in a folder, one thread, twice. The first round builds the
//! DFA's states as it goes, as a run does; the second finds them built.
//!
//! ```text
//! cargo run --release -p lessons-lexicon --example passes -- FOLDER
//! ```
//!
//! Prints nanoseconds per byte for each catalogue and round, and the sums. Run it
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
    let mut totals = [0.0; 2];
    println!(
        "{:22} {:>13} {:>13} {:>9}",
        "catalogue", "first round", "second round", "starts"
    );
    for catalogue in CATALOGUES {
        let path = format!("plugins/{catalogue}/catalogue.toml");
        let lexicon = Lexicon::from_toml(&std::fs::read_to_string(&path)?)?;
        let cues = lexicon.cues.len();
        let starts = lexicon.patterns().starts().ok_or("no backward pass")?;
        let mut rounds = [0.0; 2];
        let mut found = 0;
        for round in &mut rounds {
            let clock = Instant::now();
            found = 0;
            for review in &reviews {
                let starts = starts.find(review, cues).ok_or("the DFA gave up")?;
                found += starts.iter().map(Vec::len).sum::<usize>();
            }
            *round = clock.elapsed().as_secs_f64() * 1e9 / bytes as f64;
        }
        totals[0] += rounds[0];
        totals[1] += rounds[1];
        println!(
            "{catalogue:22} {:6.2} ns/byte {:6.2} ns/byte {found:9}",
            rounds[0], rounds[1]
        );
    }
    println!(
        "{:22} {:6.2} ns/byte {:6.2} ns/byte",
        "all six", totals[0], totals[1]
    );
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
