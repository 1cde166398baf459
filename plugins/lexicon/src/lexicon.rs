//! Cue catalogues: parsing, compiling and matching.
//!
//! ```toml
//! [negation]
//! words = ["not", "no", "never", "without"]
//! window = 6
//!
//! [[cue]]
//! id = "exhortation"
//! weight = 1.0
//! phrases = ["lessons must be learned", "never again", "it is vital that"]
//! stems = ["exhort*"]
//! regex = ['all (agencies|partners) (must|should) ensure']
//! scope = ["analysis", "findings", "recommendations"]   # section kinds; empty = all
//! quoted = "exclude"                                   # or "include", "only"
//! negation = "drop"                                    # or "ignore"
//! note = "generic exhortation: say who will do what, by when"
//! ```

use lessons_plugin::abi::{self, Span};
use lessons_plugin::{Document, SectionKind};

use crate::patterns::{PatternSet, WORD_BOUNDARY};
use serde::Deserialize;

/// Why a catalogue could not be used.
#[derive(Debug, Clone, PartialEq)]
pub enum LexiconError {
    Parse(String),
    Pattern { cue: String, message: String },
    Scope { cue: String, scope: String },
}

impl std::fmt::Display for LexiconError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LexiconError::Parse(m) => write!(f, "the cue catalogue is not valid: {m}"),
            LexiconError::Pattern { cue, message } => {
                write!(f, "cue `{cue}` has a bad pattern: {message}")
            }
            LexiconError::Scope { cue, scope } => write!(
                f,
                "cue `{cue}` names an unknown section kind `{scope}`; use one of: {}",
                SectionKind::ALL.map(|k| k.name()).join(", ")
            ),
        }
    }
}

impl std::error::Error for LexiconError {}

/// How a cue treats quoted speech.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Quoted {
    /// Quoted speech is someone else's voice: not counted (the default).
    #[default]
    Exclude,
    Include,
    /// Only quoted speech counts.
    Only,
}

/// How a cue treats a negator just before it.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Negation {
    /// "does not seek to blame" is not blame: the hit is dropped (the default).
    #[default]
    Drop,
    /// The cue already includes its negation ("was not convened").
    Ignore,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueFile {
    #[serde(default)]
    negation: Option<NegationFile>,
    #[serde(default)]
    cue: Vec<CueFile>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NegationFile {
    words: Vec<String>,
    #[serde(default = "default_window")]
    window: usize,
}

fn default_window() -> usize {
    6
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CueFile {
    id: String,
    #[serde(default = "one")]
    weight: f64,
    #[serde(default)]
    phrases: Vec<String>,
    #[serde(default)]
    stems: Vec<String>,
    #[serde(default)]
    regex: Vec<String>,
    #[serde(default)]
    scope: Vec<String>,
    #[serde(default)]
    not_scope: Vec<String>,
    #[serde(default)]
    quoted: Quoted,
    #[serde(default)]
    negation: Negation,
    #[serde(default)]
    note: String,
}

fn one() -> f64 {
    1.0
}

/// A compiled cue.
#[derive(Clone, Debug)]
pub struct Cue {
    pub id: String,
    pub weight: f64,
    pub note: String,
    scope: Vec<SectionKind>,
    not_scope: Vec<SectionKind>,
    quoted: Quoted,
    negation: Negation,
    /// The regex alternatives the cue matches, compiled into the catalogue's
    /// [`PatternSet`].
    alternatives: Vec<String>,
}

/// A match of a cue in a document, placed in its sentence.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit {
    /// Index into [`Lexicon::cues`].
    pub cue: usize,
    /// Index into the document's sentences.
    pub sentence: usize,
    /// The matched words.
    pub span: Span,
}

/// A compiled catalogue of cues plus its negators.
#[derive(Clone, Debug)]
pub struct Lexicon {
    pub cues: Vec<Cue>,
    negators: Vec<String>,
    window: usize,
    /// Every cue's pattern, `patterns[i]` for `cues[i]`, searched in one pass.
    patterns: PatternSet,
}

impl Lexicon {
    /// Parses and compiles a catalogue.
    pub fn from_toml(text: &str) -> Result<Lexicon, LexiconError> {
        let file: CatalogueFile =
            toml::from_str(text).map_err(|e| LexiconError::Parse(e.to_string()))?;
        let (negators, window) = match file.negation {
            Some(n) => (n.words.iter().map(|w| w.to_lowercase()).collect(), n.window),
            None => (default_negators(), default_window()),
        };
        let cues = file
            .cue
            .into_iter()
            .map(compile)
            .collect::<Result<Vec<_>, _>>()?;
        let patterns = pattern_set(&cues)?;
        Ok(Lexicon {
            cues,
            negators,
            window,
            patterns,
        })
    }

    /// Adds the cues of another catalogue (a user's extension), replacing
    /// cues with the same id.
    pub fn extend(&mut self, other: Lexicon) -> Result<(), LexiconError> {
        for cue in other.cues {
            match self.cues.iter_mut().find(|c| c.id == cue.id) {
                Some(existing) => *existing = cue,
                None => self.cues.push(cue),
            }
        }
        for n in other.negators {
            if !self.negators.contains(&n) {
                self.negators.push(n);
            }
        }
        self.patterns = pattern_set(&self.cues)?;
        Ok(())
    }

    /// The catalogue's patterns, pattern `i` for `cues[i]`, searched together.
    pub fn patterns(&self) -> &PatternSet {
        &self.patterns
    }

    /// The index of the cue with this id.
    pub fn cue_index(&self, id: &str) -> Option<usize> {
        self.cues.iter().position(|c| c.id == id)
    }

    /// Every hit of every cue in the document, in text order, after scope,
    /// quotation and negation are applied. All cues are matched in one pass
    /// over the whole text; each cue's matches come in text order, and are
    /// placed in sentences by a cursor that moves down the sentences with
    /// them.
    pub fn scan(&self, document: &Document<'_>) -> Vec<Hit> {
        let mut hits = Vec::new();
        let matches = self.patterns.find_all(document.text);
        for (index, (cue, spans)) in self.cues.iter().zip(matches).enumerate() {
            let mut cursor = 0;
            for span in spans {
                let Some(sentence) = sentence_from(document, &mut cursor, span.start) else {
                    continue;
                };
                if self.keeps(cue, document, sentence, span) {
                    hits.push(Hit {
                        cue: index,
                        sentence,
                        span,
                    });
                }
            }
        }
        hits.sort_by_key(|h| (h.span.start, h.cue));
        hits
    }

    fn keeps(&self, cue: &Cue, document: &Document<'_>, sentence: usize, span: Span) -> bool {
        let s = &document.sentences[sentence];
        if s.flags & abi::SENTENCE_HEADING != 0 {
            return false;
        }
        if !in_scope(document, s, span, &cue.scope, &cue.not_scope, cue.quoted) {
            return false;
        }
        cue.negation == Negation::Ignore || !self.is_negated(document, s.span, span)
    }

    /// Whether a negator stands within the window of words before the match,
    /// in the same sentence (and not across a clause break like "but").
    /// Words are read back from the match and lower-cased one at a time:
    /// only the last few of a long sentence are ever looked at, and a short
    /// ASCII word is lower-cased on the stack.
    pub fn is_negated(&self, document: &Document<'_>, sentence: Span, span: Span) -> bool {
        let before = document.slice(Span {
            start: sentence.start,
            end: span.start,
        });
        let mut looked_at = 0;
        let mut look = |word: &[u8]| {
            if looked_at == self.window {
                return Some(false);
            }
            looked_at += 1;
            self.settles_negation(word)
        };
        let mut buffer = [0u8; 16];
        for word in words_back(before) {
            if let Some(small) = lower_case_on_stack(word, &mut buffer) {
                if let Some(negated) = look(small) {
                    return negated;
                }
                continue;
            }
            // Lower-casing can make one word two ("İ" gains a combining dot,
            // which is not a letter), as it would in the whole sentence.
            let lower = word.to_lowercase();
            for word in lower.rsplit(is_between_words).filter(|w| !w.is_empty()) {
                if let Some(negated) = look(word.as_bytes()) {
                    return negated;
                }
            }
        }
        false
    }

    /// What a lower-cased word read back from a match says of negation: a
    /// clause break ("but") ends the search, not negated; a negator (or a
    /// word ending in "n't") ends it, negated; any other word says nothing.
    fn settles_negation(&self, word: &[u8]) -> Option<bool> {
        if matches!(word, b"but" | b"however" | b"although" | b"though" | b"yet") {
            return Some(false);
        }
        let negator = self.negators.iter().any(|n| n.as_bytes() == word)
            || word.ends_with(b"n't")
            || word.ends_with("n’t".as_bytes());
        negator.then_some(true)
    }
}

/// A short ASCII word lower-cased in `buffer`, or `None` for a word that is
/// not ASCII or does not fit: most words are both, and lower-casing them
/// needs no allocation.
pub(crate) fn lower_case_on_stack<'b>(word: &str, buffer: &'b mut [u8; 16]) -> Option<&'b [u8]> {
    if !word.is_ascii() {
        return None;
    }
    let small = buffer.get_mut(..word.len())?;
    small.copy_from_slice(word.as_bytes());
    small.make_ascii_lowercase();
    Some(small)
}

/// What parts words for negation: anything but letters, digits and
/// apostrophes.
fn is_between_words(c: char) -> bool {
    !(c.is_alphanumeric() || c == '\'' || c == '’')
}

/// The words of `text`, last first: `text.rsplit(is_between_words)` without
/// the empty pieces, reading an ASCII byte as itself rather than decoding
/// every character backwards.
fn words_back(text: &str) -> impl Iterator<Item = &str> {
    let mut end = text.len();
    std::iter::from_fn(move || {
        end = skip_back(text, end, true);
        let start = skip_back(text, end, false);
        let word = &text[start..end];
        end = start;
        (!word.is_empty()).then_some(word)
    })
}

/// Where a run of characters ending at `end` begins: characters between
/// words (`between`) or characters of words.
fn skip_back(text: &str, mut end: usize, between: bool) -> usize {
    while let Some(&byte) = text.as_bytes()[..end].last() {
        let (c, len) = if byte.is_ascii() {
            (char::from(byte), 1)
        } else {
            let c = text[..end].chars().next_back().unwrap_or_default();
            (c, c.len_utf8())
        };
        if is_between_words(c) != between {
            break;
        }
        end -= len;
    }
    end
}

fn default_negators() -> Vec<String> {
    [
        "not", "no", "never", "nor", "neither", "without", "nothing", "none", "cannot",
    ]
    .into_iter()
    .map(String::from)
    .collect()
}

/// The sentence holding `offset`: the last to start at or before it, if it
/// ends after it. `cursor` is where the search begins and is left at that
/// last sentence, so that offsets in text order cost one pass over the
/// sentences (they are in text order too).
fn sentence_from(document: &Document<'_>, cursor: &mut usize, offset: u64) -> Option<usize> {
    let sentences = document.sentences;
    while sentences
        .get(*cursor + 1)
        .is_some_and(|next| next.span.start <= offset)
    {
        *cursor += 1;
    }
    let sentence = sentences.get(*cursor)?;
    (sentence.span.start <= offset && offset < sentence.span.end).then_some(*cursor)
}

fn compile(file: CueFile) -> Result<Cue, LexiconError> {
    let scope = kinds(&file.id, &file.scope)?;
    let not_scope = kinds(&file.id, &file.not_scope)?;
    let mut alternatives: Vec<String> = Vec::new();
    alternatives.extend(file.phrases.iter().map(|p| phrase_pattern(p)));
    alternatives.extend(file.stems.iter().map(|p| phrase_pattern(p)));
    alternatives.extend(file.regex.iter().map(|r| ascii_word_boundaries(r)));
    if alternatives.is_empty() {
        return Err(LexiconError::Pattern {
            cue: file.id,
            message: "no phrases, stems or regex".into(),
        });
    }
    Ok(Cue {
        id: file.id,
        weight: file.weight,
        note: file.note,
        scope,
        not_scope,
        quoted: file.quoted,
        negation: file.negation,
        alternatives,
    })
}

/// The catalogue's patterns in one set; a bad pattern is named by its cue.
fn pattern_set(cues: &[Cue]) -> Result<PatternSet, LexiconError> {
    let alternatives: Vec<Vec<String>> = cues.iter().map(|c| c.alternatives.clone()).collect();
    PatternSet::new(&alternatives).map_err(|(index, message)| LexiconError::Pattern {
        cue: cues[index].id.clone(),
        message,
    })
}

fn kinds(cue: &str, names: &[String]) -> Result<Vec<SectionKind>, LexiconError> {
    names
        .iter()
        .map(|n| {
            SectionKind::from_name(n).ok_or_else(|| LexiconError::Scope {
                cue: cue.into(),
                scope: n.clone(),
            })
        })
        .collect()
}

/// A user's regex with its `\b`s made ASCII word boundaries.
pub fn ascii_word_boundaries(regex: &str) -> String {
    regex.replace(r"\b", WORD_BOUNDARY)
}

/// A phrase as a pattern: words match whole words, any run of white space
/// matches any white space (text from PDFs breaks lines anywhere), a word
/// ending in `*` matches any ending ("blam*" → blame, blamed, blaming), and
/// an apostrophe matches either kind. An ending is ASCII letters and digits:
/// a Unicode `\w*` after every stem multiplied the lazy DFA's states, and
/// its warm-up took 15 times as long on a new review (issue 8's profile).
pub fn phrase_pattern(phrase: &str) -> String {
    let words: Vec<String> = phrase
        .split_whitespace()
        .map(|w| {
            let (stem, open) = match w.strip_suffix('*') {
                Some(stem) => (stem, true),
                None => (w, false),
            };
            let escaped = regex::escape(stem).replace('\'', "['’]");
            if open {
                format!(r"{escaped}(?-u:\w)*")
            } else {
                escaped
            }
        })
        .collect();
    let body = words.join(r"\s+");
    if phrase
        .trim_end()
        .ends_with(|c: char| c.is_alphanumeric() || c == '*')
    {
        format!(r"{body}{WORD_BOUNDARY}")
    } else {
        body
    }
}

impl Lexicon {
    /// The bundled catalogue, extended by the catalogue files a user names in
    /// the plugin's settings: `catalogues = ["my-cues.toml"]` in the plugin's
    /// `[plugins.NAME.settings]` table of `lessons.toml`. Cues with the same
    /// id replace the bundled ones.
    pub fn bundled_with_settings(
        bundled: &str,
        settings: &serde_json::Value,
    ) -> Result<Lexicon, String> {
        let mut lexicon =
            Lexicon::from_toml(bundled).map_err(|e| format!("the bundled catalogue: {e}"))?;
        let Some(paths) = settings.get("catalogues") else {
            return Ok(lexicon);
        };
        let paths = paths
            .as_array()
            .ok_or("settings.catalogues must be a list of file paths")?;
        for path in paths {
            let path = path
                .as_str()
                .ok_or("settings.catalogues must be a list of file paths")?;
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read catalogue {path}: {e}"))?;
            let extra = Lexicon::from_toml(&text).map_err(|e| format!("{path}: {e}"))?;
            lexicon.extend(extra).map_err(|e| format!("{path}: {e}"))?;
        }
        Ok(lexicon)
    }

    /// Cites every hit of the named cues (all cues when empty) as evidence for
    /// `metric`, with the cue's note.
    pub fn cite(
        &self,
        report: &mut lessons_plugin::Report,
        metric: &str,
        hits: &[&Hit],
        cues: &[&str],
    ) {
        for hit in hits {
            let cue = &self.cues[hit.cue];
            if !cues.is_empty() && !cues.contains(&cue.id.as_str()) {
                continue;
            }
            report.cite(
                metric,
                hit.span,
                &format!("{metric}.{}", cue.id),
                &cue.note,
                cue.weight,
            );
        }
    }
}

/// Whether a match in `sentence` is one a cue or rule reads: its section's
/// kind is in `scope` (empty: every kind) and not in `not_scope`, and it
/// meets the quoted-speech policy. Shared by cue catalogues and rule packs.
pub fn in_scope(
    document: &Document<'_>,
    sentence: &lessons_plugin::abi::Sentence,
    span: Span,
    scope: &[SectionKind],
    not_scope: &[SectionKind],
    quoted: Quoted,
) -> bool {
    let kind = document.section_kind(sentence.section);
    if (!scope.is_empty() && !scope.contains(&kind)) || not_scope.contains(&kind) {
        return false;
    }
    let is_quoted = document.is_quoted(span);
    !matches!(
        (quoted, is_quoted),
        (Quoted::Exclude, true) | (Quoted::Only, false)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use lessons_plugin::abi::{Section, Sentence};

    /// The one-pass search gives every bundled cue exactly the matches of
    /// its own search, on every sample review.
    #[test]
    fn one_pass_equals_each_cue_alone_on_the_samples() {
        let catalogues = [
            include_str!("../../handwringing/catalogue.toml"),
            include_str!("../../finger_pointing/catalogue.toml"),
            include_str!("../../procedural_flaws/catalogue.toml"),
            include_str!("../../acting_on_negligence/catalogue.toml"),
            include_str!("../../new_lessons/catalogue.toml"),
            include_str!("../../hindsight/catalogue.toml"),
        ];
        let lexicons: Vec<Lexicon> = catalogues
            .iter()
            .map(|c| Lexicon::from_toml(c).unwrap())
            .collect();
        let reviews = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../reviews");
        let mut checked = 0;
        for entry in std::fs::read_dir(reviews).unwrap() {
            let path = entry.unwrap().path();
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            for lexicon in &lexicons {
                let all = lexicon.patterns.find_all(&text);
                for (index, found) in all.iter().enumerate() {
                    let alone = lexicon.patterns.find_iter(index, &text);
                    assert_eq!(
                        found,
                        &alone,
                        "{} in {}",
                        lexicon.cues[index].id,
                        path.display()
                    );
                    checked += found.len();
                }
            }
        }
        assert!(checked > 1000, "only {checked} matches checked");
    }

    fn document<'a>(
        text: &'a str,
        sentences: &'a [Sentence],
        quotes: &'a [Span],
        sections: &'a [Section],
    ) -> Document<'a> {
        Document {
            id: "t",
            title: "t",
            text,
            sections,
            paragraphs: &[],
            sentences,
            quotes,
            list_items: &[],
            recommendations: &[],
            pages: &[],
        }
    }

    fn one_sentence(text: &str) -> Vec<Sentence> {
        vec![Sentence {
            span: Span {
                start: 0,
                end: text.len() as u64,
            },
            paragraph: 0,
            section: 0,
            flags: 0,
        }]
    }

    const CATALOGUE: &str = r#"
[[cue]]
id = "blame"
stems = ["blam*"]
phrases = ["should have known"]
"#;

    #[test]
    fn the_cursor_places_offsets_in_order_as_a_search_would() {
        let text = "One. Two two.  Three.\n\nFour four four.";
        let sentences: Vec<Sentence> = [(0, 4), (5, 13), (15, 21), (23, 38)]
            .into_iter()
            .map(|(start, end)| Sentence {
                span: Span { start, end },
                paragraph: 0,
                section: 0,
                flags: 0,
            })
            .collect();
        let review = document(text, &sentences, &[], &[]);
        let searched = |offset: u64| {
            let i = sentences.partition_point(|s| s.span.start <= offset);
            let candidate = i.checked_sub(1)?;
            (offset < sentences[candidate].span.end).then_some(candidate)
        };
        let mut cursor = 0;
        for offset in 0..=text.len() as u64 + 1 {
            assert_eq!(
                sentence_from(&review, &mut cursor, offset),
                searched(offset),
                "{offset}"
            );
        }
        assert_eq!(
            sentence_from(&document(text, &[], &[], &[]), &mut 0, 3),
            None
        );
    }

    #[test]
    fn stems_and_phrases_match_whole_words_across_line_breaks() {
        let lexicon = Lexicon::from_toml(CATALOGUE).unwrap();
        let text = "They blamed her; she should have\nknown. Blameworthy. Unblamed.";
        let sentences = one_sentence(text);
        let hits = lexicon.scan(&document(text, &sentences, &[], &[]));
        let matched: Vec<&str> = hits
            .iter()
            .map(|h| &text[h.span.start as usize..h.span.end as usize])
            .collect();
        assert_eq!(matched, vec!["blamed", "should have\nknown", "Blameworthy"]);
    }

    #[test]
    fn a_negator_just_before_drops_the_hit() {
        let lexicon = Lexicon::from_toml(CATALOGUE).unwrap();
        let text = "This review does not seek to blame any individual.";
        let sentences = one_sentence(text);
        assert!(
            lexicon
                .scan(&document(text, &sentences, &[], &[]))
                .is_empty()
        );
        let text = "It does not help, but they blamed her.";
        let sentences = one_sentence(text);
        assert_eq!(lexicon.scan(&document(text, &sentences, &[], &[])).len(), 1);
    }

    /// The definition `is_negated` must agree with: the whole sentence up
    /// to the match lower-cased, split into words, the last few read back.
    fn negated_by_splitting(lexicon: &Lexicon, before: &str) -> bool {
        let lower = before.to_lowercase();
        let words: Vec<&str> = lower
            .split(is_between_words)
            .filter(|w| !w.is_empty())
            .collect();
        words
            .iter()
            .rev()
            .take(lexicon.window)
            .find_map(|word| lexicon.settles_negation(word.as_bytes()))
            .unwrap_or(false)
    }

    #[test]
    fn negation_reads_back_as_the_lower_cased_sentence_would() {
        let lexicon = Lexicon::from_toml(CATALOGUE).unwrap();
        let befores = [
            "",
            "NOT ",
            "It was Not clear that staff ",
            "Staff DIDN’T ",
            "Nobody said no, one, two, three, four, five, six ",
            "No one, two, three, four, five, six ",
            "Not only that, but ",
            "NEVER–İİ İ ",
            "It isn't—really— ",
            "NOT SIXTEENLETTERS SEVENTEENLETTERS ",
            "WOULDN'THAVESAIDSO ",
            "It wasn't ÉCLAIRCISSEMENT ",
            "   ",
        ];
        for before in befores {
            let text = format!("{before}blamed");
            let sentence = Span {
                start: 0,
                end: text.len() as u64,
            };
            let span = Span {
                start: before.len() as u64,
                end: text.len() as u64,
            };
            let sentences = one_sentence(&text);
            let document = document(&text, &sentences, &[], &[]);
            assert_eq!(
                lexicon.is_negated(&document, sentence, span),
                negated_by_splitting(&lexicon, before),
                "{before:?}"
            );
        }
    }

    #[test]
    fn words_are_read_back_as_splitting_would_give_them() {
        for text in [
            "",
            "   ",
            "The nurse didn’t visit; ‘no’ record — none.",
            "İSTANBUL naïve Ärzte: “quoted” can't, 2024-25 x",
            "日本語 and ελληνικά 😀x’s",
        ] {
            for (at, _) in text.char_indices() {
                let text = &text[at..];
                let split: Vec<&str> = text
                    .rsplit(is_between_words)
                    .filter(|w| !w.is_empty())
                    .collect();
                assert_eq!(words_back(text).collect::<Vec<_>>(), split, "{text:?}");
            }
        }
    }

    #[test]
    fn quoted_speech_is_excluded_by_default() {
        let lexicon = Lexicon::from_toml(CATALOGUE).unwrap();
        let text = "The paper wrote “they blamed the social worker” at the time.";
        let sentences = one_sentence(text);
        let quotes = [Span { start: 16, end: 50 }];
        assert!(
            lexicon
                .scan(&document(text, &sentences, &quotes, &[]))
                .is_empty()
        );
    }

    #[test]
    fn scope_limits_hits_to_section_kinds() {
        let catalogue = "[[cue]]\nid = \"x\"\nphrases = [\"blame\"]\nscope = [\"analysis\"]\n";
        let lexicon = Lexicon::from_toml(catalogue).unwrap();
        let text = "blame";
        let sentences = one_sentence(text);
        let chronology = [Section {
            kind: abi::SECTION_CHRONOLOGY,
            ..Default::default()
        }];
        assert!(
            lexicon
                .scan(&document(text, &sentences, &[], &chronology))
                .is_empty()
        );
        let analysis = [Section {
            kind: abi::SECTION_ANALYSIS,
            ..Default::default()
        }];
        assert_eq!(
            lexicon
                .scan(&document(text, &sentences, &[], &analysis))
                .len(),
            1
        );
    }

    #[test]
    fn an_unknown_scope_is_an_error_that_lists_the_kinds() {
        let err =
            Lexicon::from_toml("[[cue]]\nid = \"x\"\nphrases = [\"a\"]\nscope = [\"analyses\"]\n")
                .unwrap_err();
        assert!(err.to_string().contains("analyses") && err.to_string().contains("findings"));
    }
}
