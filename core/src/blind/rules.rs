//! The blinding rules: which passages reveal the outcome and which details
//! identify a case. They are data (TOML, see `rules.toml`) so that a board
//! can extend them without a new build; this module reads and compiles them.

use regex::{Regex, RegexBuilder};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The bundled rules, always in force.
pub const BUNDLED: &str = include_str!("rules.toml");

/// Why a rules file could not be used. Each message names the file and the fix.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("{path}: cannot read the rules file ({source}); check the path")]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a valid rules file: {message}; see the bundled rules.toml for the shape")]
    Invalid { path: PathBuf, message: String },
    #[error(
        "{path}: rule '{rule}': the pattern {pattern:?} is not a valid regular expression: {message}"
    )]
    BadPattern {
        path: PathBuf,
        rule: String,
        pattern: String,
        message: String,
    },
}

/// The unit of text an outcome rule takes out.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Sentence,
    Paragraph,
    Section,
    /// A heading line alone (for heading rules): a dated subtitle, say.
    Heading,
}

/// Where an outcome rule looks.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// The body text, sentence by sentence.
    #[default]
    Text,
    /// Section headings.
    Heading,
}

/// What an identifier is.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IdentifierKind {
    Name,
    Place,
    Child,
    Date,
    /// A word that gives away the kind of report (review or audit), replaced
    /// by one neutral term in every case.
    Term,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    keep: Vec<String>,
    #[serde(default)]
    outcome: Vec<RawOutcome>,
    #[serde(default)]
    flag: Vec<RawFlag>,
    #[serde(default)]
    identifier: Vec<RawIdentifier>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOutcome {
    id: String,
    remove: Unit,
    #[serde(default)]
    scope: Scope,
    patterns: Vec<String>,
    #[serde(default)]
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFlag {
    id: String,
    patterns: Vec<String>,
    #[serde(default)]
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIdentifier {
    id: String,
    kind: IdentifierKind,
    pattern: String,
    #[serde(default)]
    placeholder: String,
    #[serde(default)]
    learn: bool,
}

/// A rule that removes a passage revealing the outcome.
#[derive(Debug)]
pub struct OutcomeRule {
    pub id: String,
    pub remove: Unit,
    pub scope: Scope,
    pub patterns: Vec<Regex>,
    pub note: String,
}

/// A rule that only points a person at a passage to check.
#[derive(Debug)]
pub struct FlagRule {
    pub id: String,
    pub patterns: Vec<Regex>,
    pub note: String,
}

/// A rule that replaces an identifying detail with a placeholder.
#[derive(Debug)]
pub struct IdentifierRule {
    pub id: String,
    pub kind: IdentifierKind,
    pub pattern: Regex,
    pub placeholder: String,
    pub learn: bool,
}

/// Every rule in force: the bundled ones, then each extension file's.
#[derive(Debug, Default)]
pub struct Rules {
    pub keep: Vec<String>,
    pub outcome: Vec<OutcomeRule>,
    pub flag: Vec<FlagRule>,
    pub identifier: Vec<IdentifierRule>,
}

impl Rules {
    /// The bundled rules plus those in `extra` files, in order.
    pub fn load(extra: &[PathBuf]) -> Result<Rules, RulesError> {
        let mut rules = Rules::default();
        rules.add(Path::new("<bundled rules.toml>"), BUNDLED)?;
        for path in extra {
            let text = std::fs::read_to_string(path).map_err(|source| RulesError::Unreadable {
                path: path.clone(),
                source,
            })?;
            rules.add(path, &text)?;
        }
        Ok(rules)
    }

    /// Adds the rules written in `text` (read from `path`).
    pub fn add(&mut self, path: &Path, text: &str) -> Result<(), RulesError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| RulesError::Invalid {
            path: path.to_path_buf(),
            message: e.to_string().trim().replace('\n', " "),
        })?;
        self.keep.extend(raw.keep);
        for o in raw.outcome {
            self.outcome.push(OutcomeRule {
                patterns: compile_all(path, &o.id, &o.patterns, true)?,
                id: o.id,
                remove: o.remove,
                scope: o.scope,
                note: o.note,
            });
        }
        for f in raw.flag {
            self.flag.push(FlagRule {
                patterns: compile_all(path, &f.id, &f.patterns, true)?,
                id: f.id,
                note: f.note,
            });
        }
        for i in raw.identifier {
            self.identifier.push(IdentifierRule {
                pattern: compile(path, &i.id, &i.pattern, false)?,
                id: i.id,
                kind: i.kind,
                placeholder: i.placeholder,
                learn: i.learn,
            });
        }
        Ok(())
    }

    /// Whether `word` may be learnt as an identifier on its own.
    pub fn may_learn(&self, word: &str) -> bool {
        word.chars().count() > 2 && !self.keep.iter().any(|k| k == word)
    }
}

fn compile_all(
    path: &Path,
    rule: &str,
    patterns: &[String],
    ignore_case: bool,
) -> Result<Vec<Regex>, RulesError> {
    patterns
        .iter()
        .map(|p| compile(path, rule, p, ignore_case))
        .collect()
}

fn compile(path: &Path, rule: &str, pattern: &str, ignore_case: bool) -> Result<Regex, RulesError> {
    RegexBuilder::new(pattern)
        .case_insensitive(ignore_case)
        .build()
        .map_err(|e| RulesError::BadPattern {
            path: path.to_path_buf(),
            rule: rule.to_string(),
            pattern: pattern.to_string(),
            message: e.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_rules_compile() {
        let rules = Rules::load(&[]).expect("bundled rules");
        assert!(rules.outcome.iter().any(|r| r.id == "death"));
        assert!(
            rules
                .identifier
                .iter()
                .any(|r| r.kind == IdentifierKind::Date)
        );
    }

    #[test]
    fn a_bad_pattern_names_the_file_and_the_rule() {
        let mut rules = Rules::default();
        let err = rules
            .add(
                Path::new("board.toml"),
                "[[flag]]\nid = \"broken\"\npatterns = ['(unclosed']\n",
            )
            .unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("board.toml") && message.contains("broken"),
            "{message}"
        );
    }

    #[test]
    fn an_unknown_key_is_refused() {
        let mut rules = Rules::default();
        let err = rules
            .add(
                Path::new("board.toml"),
                "[[flag]]\nid = \"x\"\npaterns = []\n",
            )
            .unwrap_err();
        assert!(matches!(err, RulesError::Invalid { .. }), "{err}");
    }
}
