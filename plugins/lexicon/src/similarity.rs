//! Similarity of a sentence to a catalogue of statements kept as TOML data:
//! how the known lessons are recognised when they come back in fresh words.
//! Each text becomes a set of terms (content words, lower-cased, cut to a
//! fixed-length prefix so that "shared", "sharing" and "share" meet), and two
//! texts are as similar as the cosine of their term sets.
//!
//! ```toml
//! threshold = 0.34
//!
//! [[statement]]
//! lesson = "information_sharing"
//! text = "one agency did not know what another agency had recorded"
//! ```

use crate::lexicon::lower_case_on_stack;
use rustc_hash::FxHashMap;
use serde::Deserialize;
use std::collections::BTreeSet;

/// Terms are cut to this many characters: a crude stem that is robust to
/// English inflection ("recorded", "recording", "records" → "recor").
const PREFIX: usize = 5;

/// Words that carry no meaning of their own in a lesson, in order (a test
/// holds it), for a binary search.
const STOPWORDS: &[&str] = &[
    "a", "about", "after", "agencies", "agency", "all", "also", "always", "an", "and", "any",
    "are", "as", "at", "be", "because", "been", "before", "being", "but", "by", "can", "child",
    "children", "could", "designed", "did", "do", "does", "each", "families", "family", "for",
    "from", "had", "has", "have", "he", "her", "his", "how", "if", "in", "into", "is", "it", "its",
    "may", "might", "more", "most", "must", "never", "no", "not", "of", "on", "one", "only", "or",
    "other", "our", "own", "part", "review", "saw", "see", "seen", "service", "services", "she",
    "should", "so", "some", "such", "than", "that", "the", "their", "them", "then", "there",
    "these", "they", "this", "those", "to", "was", "were", "what", "when", "which", "who", "will",
    "with", "would",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueFile {
    #[serde(default)]
    threshold: Option<f64>,
    #[serde(default)]
    statement: Vec<StatementFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatementFile {
    lesson: String,
    text: String,
}

/// A catalogue of statements, each with the lesson it states.
#[derive(Clone, Debug, Default)]
pub struct Statements {
    items: Vec<(String, BTreeSet<String>)>,
    /// Each term → the statements that hold it, so that a sentence meets
    /// only the statements it shares a term with.
    holding: FxHashMap<String, Vec<usize>>,
    /// The similarity at or above which a text restates a statement.
    pub threshold: f64,
}

/// Fewer shared terms than this is coincidence, however short the texts.
const MIN_SHARED: usize = 3;

/// The default similarity threshold when a catalogue names none.
const DEFAULT_THRESHOLD: f64 = 0.34;

impl Statements {
    /// Parses a catalogue.
    pub fn from_toml(text: &str) -> Result<Statements, String> {
        let file: CatalogueFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let threshold = file.threshold.unwrap_or(DEFAULT_THRESHOLD);
        if !(0.0..=1.0).contains(&threshold) {
            return Err(format!(
                "threshold is {threshold}; a similarity runs from 0 to 1"
            ));
        }
        let mut statements = Statements {
            items: file
                .statement
                .into_iter()
                .map(|s| (s.lesson, terms(&s.text)))
                .collect(),
            holding: FxHashMap::default(),
            threshold,
        };
        statements.index();
        Ok(statements)
    }

    /// Adds a user's statements; the user's threshold, when given, wins.
    pub fn extend(&mut self, other: Statements, threshold_given: bool) {
        self.items.extend(other.items);
        self.index();
        if threshold_given {
            self.threshold = other.threshold;
        }
    }

    fn index(&mut self) {
        self.holding.clear();
        for (i, (_, statement)) in self.items.iter().enumerate() {
            for term in statement {
                self.holding.entry(term.clone()).or_default().push(i);
            }
        }
    }

    /// The statement most similar to `text`, if it reaches the threshold:
    /// the lesson it states and the similarity.
    pub fn restates(&self, text: &str) -> Option<(&str, f64)> {
        let sentence = terms(text);
        // The terms each statement shares with the sentence, counted once,
        // for the floor and the cosine both.
        let mut shared = vec![0usize; self.items.len()];
        for term in &sentence {
            for &i in self.holding.get(term).into_iter().flatten() {
                shared[i] += 1;
            }
        }
        self.items
            .iter()
            .zip(shared)
            .filter(|(_, shared)| *shared >= MIN_SHARED)
            .map(|((lesson, statement), shared)| {
                (lesson.as_str(), cosine_of(shared, &sentence, statement))
            })
            .filter(|(_, s)| *s >= self.threshold)
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// The bundled catalogue, extended by the files a user names in the
    /// plugin's settings: `known_lessons = ["my-lessons.toml"]`.
    pub fn bundled_with_settings(
        bundled: &str,
        settings: &serde_json::Value,
    ) -> Result<Statements, String> {
        let mut statements = Statements::from_toml(bundled)
            .map_err(|e| format!("the bundled known-lesson catalogue: {e}"))?;
        let Some(paths) = settings.get("known_lessons") else {
            return Ok(statements);
        };
        let paths = paths
            .as_array()
            .ok_or("settings.known_lessons must be a list of file paths")?;
        for path in paths {
            let path = path
                .as_str()
                .ok_or("settings.known_lessons must be a list of file paths")?;
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read known-lesson catalogue {path}: {e}"))?;
            let extra = Statements::from_toml(&text).map_err(|e| format!("{path}: {e}"))?;
            statements.extend(extra, text.contains("threshold"));
        }
        Ok(statements)
    }
}

/// The content terms of a text.
pub fn terms(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter_map(term)
        .collect()
}

/// A word's term: lower-cased and cut to [`PREFIX`] characters, unless it
/// is shorter than three bytes or a stopword. A short ASCII word is
/// lower-cased on the stack to be asked whether it is a stopword (every
/// stopword is short); only its term is allocated.
fn term(word: &str) -> Option<String> {
    if !word.is_ascii() {
        let lower = word.to_lowercase();
        let content = lower.len() > 2 && !is_stopword(lower.as_bytes());
        return content.then(|| lower.chars().take(PREFIX).collect());
    }
    if word.len() <= 2 {
        return None;
    }
    let mut buffer = [0u8; 16];
    if lower_case_on_stack(word, &mut buffer).is_some_and(is_stopword) {
        return None;
    }
    Some(word[..word.len().min(PREFIX)].to_ascii_lowercase())
}

fn is_stopword(word: &[u8]) -> bool {
    STOPWORDS
        .binary_search_by(|stopword| stopword.as_bytes().cmp(word))
        .is_ok()
}

/// The cosine similarity of two term sets.
pub fn cosine(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    cosine_of(a.intersection(b).count(), a, b)
}

/// The cosine similarity of two non-empty term sets that share `shared`.
fn cosine_of(shared: usize, a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    shared as f64 / ((a.len() * b.len()) as f64).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CATALOGUE: &str = r#"
[[statement]]
lesson = "information_sharing"
text = "the health visitor did not know what the school nurse had recorded"
"#;

    #[test]
    fn a_paraphrase_is_recognised_and_an_unrelated_sentence_is_not() {
        let statements = Statements::from_toml(CATALOGUE).unwrap();
        let paraphrase = "The school nurse's records were never known to the health visitors.";
        assert_eq!(
            statements.restates(paraphrase).map(|(l, _)| l),
            Some("information_sharing")
        );
        assert!(
            statements
                .restates("The portal dropped attachments larger than two megabytes.")
                .is_none()
        );
    }

    #[test]
    fn stopwords_are_in_order_for_the_binary_search() {
        assert!(STOPWORDS.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn terms_are_the_lower_cased_prefixes_of_content_words() {
        let expected = |text: &str| -> BTreeSet<String> {
            text.split(|c: char| !c.is_alphanumeric())
                .map(str::to_lowercase)
                .filter(|w| w.len() > 2 && !STOPWORDS.contains(&w.as_str()))
                .map(|w| w.chars().take(PREFIX).collect())
                .collect()
        };
        for text in [
            "The School NURSE'S records were never known to the health visitors.",
            "İSTANBUL Ärzte naïve ÉCOLE über Σίσυφος DESIGNED Because BECAUSE ab ABC",
            "Information-sharing between agencies: 24-hour, s47, S47, x1, ßa, ǅemal",
        ] {
            assert_eq!(terms(text), expected(text), "{text}");
        }
    }

    #[test]
    fn the_statement_most_like_a_sentence_is_found_through_the_index() {
        let statements = Statements::from_toml(
            r#"
[[statement]]
lesson = "a"
text = "the health visitor did not know what the school nurse had recorded"
[[statement]]
lesson = "b"
text = "health visitor school nurse recorded weight loss concerns"
"#,
        )
        .unwrap();
        let sentence = "The health visitor and school nurse recorded weight loss concerns.";
        let by_every_pair = statements
            .items
            .iter()
            .map(|(lesson, statement)| (lesson.as_str(), cosine(&terms(sentence), statement)))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        assert_eq!(statements.restates(sentence), by_every_pair);
        assert_eq!(statements.restates(sentence).map(|(l, _)| l), Some("b"));
    }

    #[test]
    fn identical_texts_have_similarity_one() {
        let a = terms("Referral portal drops attachments");
        assert!((cosine(&a, &a) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn a_threshold_out_of_range_is_refused() {
        assert!(Statements::from_toml("threshold = 3.0\n").is_err());
    }
}
