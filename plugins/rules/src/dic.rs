//! LIWC-style `.dic` dictionaries, read as word categories for rules: a `%`
//! line, one `number name` line per category, a closing `%` line, then one
//! entry per line, `word*<TAB>1 4` (a trailing `*` matches any ending).

use std::collections::BTreeMap;

/// A dictionary: category name → its words (as phrases, `*` kept).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dictionary {
    pub categories: BTreeMap<String, Vec<String>>,
}

/// Why a `.dic` file could not be read; `line` is 1-based.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct DicError {
    pub line: usize,
    pub message: String,
}

impl Dictionary {
    /// Parses the text of a `.dic` file.
    pub fn parse(text: &str) -> Result<Dictionary, DicError> {
        let mut lines = text
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.trim()))
            .filter(|(_, l)| !l.is_empty());
        match lines.next() {
            Some((_, "%")) => {}
            other => {
                return Err(DicError {
                    line: other.map_or(1, |(line, _)| line),
                    message: "a .dic file starts with a `%` line, then its categories".into(),
                });
            }
        }
        let mut names: BTreeMap<String, String> = BTreeMap::new();
        let mut header_closed = false;
        for (line, content) in lines.by_ref() {
            if content == "%" {
                header_closed = true;
                break;
            }
            let mut parts = content.split_whitespace();
            let (Some(number), Some(name)) = (parts.next(), parts.next()) else {
                return Err(DicError {
                    line,
                    message: format!("`{content}` is not `number name`"),
                });
            };
            names.insert(number.to_string(), name.to_string());
        }
        if !header_closed {
            return Err(DicError {
                line: text.lines().count(),
                message: "the category block is never closed by a `%` line".into(),
            });
        }
        let mut dictionary = Dictionary::default();
        for name in names.values() {
            dictionary.categories.insert(name.clone(), Vec::new());
        }
        for (line, content) in lines {
            let (word, numbers) = split_entry(content);
            if word.is_empty() {
                return Err(DicError {
                    line,
                    message: "an entry has no word".into(),
                });
            }
            for number in numbers {
                let Some(name) = names.get(&number) else {
                    return Err(DicError {
                        line,
                        message: format!(
                            "`{word}` names category {number}, which the header does not declare"
                        ),
                    });
                };
                dictionary
                    .categories
                    .entry(name.clone())
                    .or_default()
                    .push(word.clone());
            }
        }
        Ok(dictionary)
    }

    /// The words of a category, if the dictionary has it.
    pub fn words(&self, category: &str) -> Option<&[String]> {
        self.categories.get(category).map(Vec::as_slice)
    }
}

/// An entry's word (which may hold spaces) and its category numbers: the
/// trailing all-digit tokens. LIWC's conditional codes such as `(02 134)125`
/// are not categories and are left out.
fn split_entry(content: &str) -> (String, Vec<String>) {
    let (word, rest) = match content.split_once('\t') {
        Some((word, rest)) => (word.trim().to_string(), rest),
        // Without a tab, the word is everything before the first number.
        None => {
            let tokens: Vec<&str> = content.split_whitespace().collect();
            let first_number = tokens
                .iter()
                .position(|t| t.chars().all(|c| c.is_ascii_digit()))
                .unwrap_or(tokens.len());
            let word = tokens[..first_number].join(" ");
            let rest = tokens[first_number..].join(" ");
            return (word, numbers_in(&rest));
        }
    };
    (word, numbers_in(rest))
}

fn numbers_in(rest: &str) -> Vec<String> {
    rest.split_whitespace()
        .filter(|t| t.chars().all(|c| c.is_ascii_digit()))
        .map(String::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIC: &str = "%\n1\tcause\n2\tsystem\n%\nbecause\t1\nreason*\t1\nworkload\t2\ncase load\t2\ncaseload*\t2 1\nlike\t(02 134)125/464 1\n";

    #[test]
    fn categories_hold_their_words_with_wildcards_and_spaces() {
        let dictionary = Dictionary::parse(DIC).unwrap();
        assert_eq!(
            dictionary.words("cause").unwrap(),
            ["because", "reason*", "caseload*", "like"]
        );
        assert_eq!(
            dictionary.words("system").unwrap(),
            ["workload", "case load", "caseload*"]
        );
        assert!(dictionary.words("affect").is_none());
    }

    #[test]
    fn an_undeclared_category_number_names_the_line() {
        let err = Dictionary::parse("%\n1 cause\n%\nbecause 1\nwhy 7\n").unwrap_err();
        assert_eq!(err.line, 5);
        assert!(err.message.contains('7'), "{err}");
    }

    #[test]
    fn a_file_without_the_header_is_refused() {
        assert!(Dictionary::parse("because 1\n").is_err());
        assert!(Dictionary::parse("%\n1 cause\nbecause 1\n").is_err());
    }
}
