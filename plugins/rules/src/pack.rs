//! Rule packs: the TOML format, and compiling a pack into rules the engine
//! runs. Four rule kinds share one set of keys (Vale's idea: learn the shape
//! once): `existence`, `occurrence`, `ratio`, `conditional`. See notes in the
//! bundled `packs/analysis.toml` for a worked example of each.

use crate::dic::{DicError, Dictionary};
use lessons_lexicon::Lexicon;
use lessons_lexicon::lexicon::{Negation, Quoted, ascii_word_boundaries, phrase_pattern};
use lessons_lexicon::patterns::PatternSet;
use lessons_plugin::SectionKind;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Why a pack could not be used. Every message names the pack file and,
/// where there is one, the rule or metric, and says what to fix.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error("{path}: cannot read the rule pack ({source})")]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a valid rule pack: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("{path}: rule `{rule}`: {message}")]
    Rule {
        path: PathBuf,
        rule: String,
        message: String,
    },
    #[error("{path}: metric `{metric}`: {message}")]
    Metric {
        path: PathBuf,
        metric: String,
        message: String,
    },
    #[error("{path}: dictionary {dictionary}: {source}")]
    Dictionary {
        path: PathBuf,
        dictionary: PathBuf,
        #[source]
        source: DicError,
    },
    #[error("{path}: cannot read dictionary {dictionary} ({source})")]
    UnreadableDictionary {
        path: PathBuf,
        dictionary: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    pack: Header,
    negation: Option<NegationFile>,
    #[serde(default)]
    dictionaries: Vec<PathBuf>,
    #[serde(default)]
    metric: Vec<MetricFile>,
    #[serde(default)]
    rule: Vec<RuleFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    id: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    version: String,
}

#[derive(Debug, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
struct NegationFile {
    words: Vec<String>,
    #[serde(default = "six")]
    window: usize,
}

fn six() -> usize {
    6
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MetricFile {
    id: String,
    #[serde(default)]
    min: f64,
    #[serde(default = "hundred")]
    max: f64,
    #[serde(default)]
    description: String,
}

fn hundred() -> f64 {
    100.0
}

fn one() -> f64 {
    1.0
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum KindName {
    Existence,
    Occurrence,
    Ratio,
    Conditional,
}

/// Whether a rule reads headings.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Headings {
    /// Headings are not prose: skipped (the default).
    #[default]
    Exclude,
    Include,
    /// Only headings count ("Finding 3: …").
    Only,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    id: String,
    metric: String,
    kind: KindName,
    #[serde(default = "one")]
    weight: f64,
    #[serde(default)]
    note: String,
    #[serde(default)]
    phrases: Vec<String>,
    #[serde(default)]
    regex: Vec<String>,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    exceptions: Vec<String>,
    #[serde(default)]
    scope: Vec<String>,
    #[serde(default)]
    not_scope: Vec<String>,
    #[serde(default)]
    quoted: Quoted,
    #[serde(default)]
    negation: Negation,
    #[serde(default)]
    headings: Headings,
    half: Option<f64>,
    min: Option<f64>,
    max: Option<f64>,
    numerator: Option<String>,
    denominator: Option<String>,
    first: Option<String>,
    second: Option<String>,
    within: Option<usize>,
    #[serde(default)]
    positive: Vec<String>,
    #[serde(default)]
    negative: Vec<String>,
}

/// Where and how a pattern rule matches.
#[derive(Clone, Debug)]
pub struct Matcher {
    /// The rule's pattern: an index into [`Pack::patterns`].
    pub pattern: usize,
    /// Its exception phrases, also an index into [`Pack::patterns`].
    pub exceptions: Option<usize>,
    pub scope: Vec<SectionKind>,
    pub not_scope: Vec<SectionKind>,
    pub quoted: Quoted,
    pub negation: Negation,
    pub headings: Headings,
}

impl Matcher {
    /// The section kinds the rule reads (empty: every kind).
    pub fn kinds(&self) -> Vec<SectionKind> {
        if self.scope.is_empty() && self.not_scope.is_empty() {
            return Vec::new();
        }
        let base: Vec<SectionKind> = if self.scope.is_empty() {
            SectionKind::ALL.to_vec()
        } else {
            self.scope.clone()
        };
        base.into_iter()
            .filter(|k| !self.not_scope.contains(k))
            .collect()
    }
}

/// What a rule computes, each giving a value from 0 to 1.
#[derive(Clone, Debug)]
pub enum RuleKind {
    /// Distinct sentences that match: `half` of them give 0.5, twice as many 0.75.
    Existence { matcher: Matcher, half: f64 },
    /// Distinct matching sentences per 1,000 words of the rule's sections:
    /// `min` or fewer give 0, `max` or more give 1, linear between.
    Occurrence {
        matcher: Matcher,
        min: f64,
        max: f64,
    },
    /// Matches of one rule over matches of another (indices into the pack's
    /// rules), mapped from `min`..`max` onto 0..1.
    Ratio {
        numerator: usize,
        denominator: usize,
        min: f64,
        max: f64,
    },
    /// The share of `first`'s matches with no match of `second` within
    /// `within` sentences: a claim left unexplained.
    Conditional {
        first: usize,
        second: usize,
        within: usize,
    },
}

/// A compiled rule.
#[derive(Clone, Debug)]
pub struct Rule {
    /// `pack.rule`: what evidence cites and `test-rules` reports.
    pub id: String,
    /// The metric's index in the pack.
    pub metric: usize,
    /// The rule's weight in its metric; negative lowers it, 0 only cites.
    pub weight: f64,
    pub note: String,
    pub kind: RuleKind,
    /// Texts the rule must match, and texts it must not.
    pub positive: Vec<String>,
    pub negative: Vec<String>,
}

/// A metric a pack declares.
#[derive(Clone, Debug, PartialEq)]
pub struct PackMetric {
    pub id: String,
    pub min: f64,
    pub max: f64,
    pub description: String,
}

/// A compiled pack.
#[derive(Clone, Debug)]
pub struct Pack {
    pub id: String,
    pub description: String,
    pub version: String,
    pub metrics: Vec<PackMetric>,
    pub rules: Vec<Rule>,
    /// Every rule's pattern and exceptions, searched in one pass per review.
    pub patterns: PatternSet,
    /// Holds the pack's negators; it has no cues of its own.
    pub negation: Lexicon,
    /// The file the pack came from (`<bundled>` for the bundled one).
    pub path: PathBuf,
}

impl Pack {
    /// Reads a pack file; dictionaries are found relative to its folder.
    pub fn from_file(path: &Path) -> Result<Pack, PackError> {
        let text = std::fs::read_to_string(path).map_err(|source| PackError::Unreadable {
            path: path.to_path_buf(),
            source,
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        Pack::parse(&text, path, base)
    }

    /// Parses pack text. `path` names the pack in messages; `base` is where
    /// its dictionaries are.
    pub fn parse(text: &str, path: &Path, base: &Path) -> Result<Pack, PackError> {
        let invalid = |message: String| PackError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let file: PackFile = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        check_id(&file.pack.id).map_err(|m| invalid(format!("[pack] id: {m}")))?;
        let negation = negation_lexicon(file.negation.as_ref()).map_err(invalid)?;
        let dictionaries = file
            .dictionaries
            .iter()
            .map(|d| read_dictionary(path, &base.join(d)))
            .collect::<Result<Vec<_>, _>>()?;
        let metrics = compile_metrics(path, &file.metric)?;
        let mut builder = Builder {
            path,
            pack: &file.pack.id,
            metrics: &metrics,
            dictionaries: &dictionaries,
            files: &file.rule,
            patterns: Vec::new(),
        };
        let rules = builder.compile_all()?;
        let patterns = builder.pattern_set()?;
        for (index, metric) in metrics.iter().enumerate() {
            let positive: f64 = rules
                .iter()
                .filter(|r| r.metric == index && r.weight > 0.0)
                .map(|r| r.weight)
                .sum();
            if positive <= 0.0 {
                return Err(PackError::Metric {
                    path: path.to_path_buf(),
                    metric: metric.id.clone(),
                    message:
                        "no rule with a positive weight scores it; add one or remove the metric"
                            .into(),
                });
            }
        }
        Ok(Pack {
            id: file.pack.id,
            description: file.pack.description,
            version: file.pack.version,
            metrics,
            rules,
            patterns,
            negation,
            path: path.to_path_buf(),
        })
    }

    /// The ids of the rules that score a metric.
    pub fn rules_of(&self, metric: usize) -> Vec<String> {
        self.rules
            .iter()
            .filter(|r| r.metric == metric)
            .map(|r| r.id.clone())
            .collect()
    }

    /// The section a rule's examples are set in: its first scope, or the
    /// first scope of the rule it builds on, else `other`.
    pub fn example_section(&self, rule: usize) -> SectionKind {
        let matcher = match &self.rules[rule].kind {
            RuleKind::Existence { matcher, .. } | RuleKind::Occurrence { matcher, .. } => matcher,
            RuleKind::Ratio { numerator: r, .. } | RuleKind::Conditional { first: r, .. } => {
                return self.example_section(*r);
            }
        };
        matcher
            .kinds()
            .first()
            .copied()
            .unwrap_or(SectionKind::Other)
    }
}

fn negation_lexicon(negation: Option<&NegationFile>) -> Result<Lexicon, String> {
    let text = match negation {
        Some(n) => {
            let table = toml::to_string(n).map_err(|e| e.to_string())?;
            format!("[negation]\n{table}")
        }
        None => String::new(),
    };
    Lexicon::from_toml(&text).map_err(|e| format!("[negation]: {e}"))
}

fn read_dictionary(pack: &Path, dictionary: &Path) -> Result<Dictionary, PackError> {
    let text =
        std::fs::read_to_string(dictionary).map_err(|source| PackError::UnreadableDictionary {
            path: pack.to_path_buf(),
            dictionary: dictionary.to_path_buf(),
            source,
        })?;
    Dictionary::parse(&text).map_err(|source| PackError::Dictionary {
        path: pack.to_path_buf(),
        dictionary: dictionary.to_path_buf(),
        source,
    })
}

fn check_id(id: &str) -> Result<(), String> {
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!("{id:?} must be letters, digits and _"));
    }
    Ok(())
}

fn compile_metrics(path: &Path, files: &[MetricFile]) -> Result<Vec<PackMetric>, PackError> {
    if files.is_empty() {
        return Err(PackError::Invalid {
            path: path.to_path_buf(),
            message: "the pack declares no [[metric]]".into(),
        });
    }
    let mut metrics: Vec<PackMetric> = Vec::new();
    for m in files {
        let bad = |message: String| PackError::Metric {
            path: path.to_path_buf(),
            metric: m.id.clone(),
            message,
        };
        check_id(&m.id).map_err(bad)?;
        if !(m.min.is_finite() && m.max.is_finite() && m.min < m.max) {
            return Err(bad(format!(
                "range [{}, {}] needs finite min < max",
                m.min, m.max
            )));
        }
        if metrics.iter().any(|other| other.id == m.id) {
            return Err(bad("declared twice".into()));
        }
        metrics.push(PackMetric {
            id: m.id.clone(),
            min: m.min,
            max: m.max,
            description: m.description.clone(),
        });
    }
    Ok(metrics)
}

/// Compiles the rules of one pack, resolving the references between them.
struct Builder<'a> {
    path: &'a Path,
    pack: &'a str,
    metrics: &'a [PackMetric],
    dictionaries: &'a [Dictionary],
    files: &'a [RuleFile],
    /// The alternatives of every pattern so far, with the rule it is for.
    patterns: Vec<(Vec<String>, &'a RuleFile)>,
}

impl<'a> Builder<'a> {
    fn compile_all(&mut self) -> Result<Vec<Rule>, PackError> {
        let files = self.files;
        let mut rules = Vec::with_capacity(files.len());
        for (i, file) in files.iter().enumerate() {
            if files[..i].iter().any(|f| f.id == file.id) {
                return Err(self.error(file, "declared twice".into()));
            }
            rules.push(self.compile(file)?);
        }
        Ok(rules)
    }

    fn error(&self, file: &RuleFile, message: String) -> PackError {
        PackError::Rule {
            path: self.path.to_path_buf(),
            rule: file.id.clone(),
            message,
        }
    }

    /// Every pattern compiled into one set; a bad one is named by its rule.
    fn pattern_set(&self) -> Result<PatternSet, PackError> {
        let alternatives: Vec<Vec<String>> = self.patterns.iter().map(|(a, _)| a.clone()).collect();
        PatternSet::new(&alternatives)
            .map_err(|(index, message)| self.error(self.patterns[index].1, message))
    }

    /// Keeps a pattern for the set and returns its index there.
    fn add_pattern(&mut self, alternatives: Vec<String>, file: &'a RuleFile) -> usize {
        self.patterns.push((alternatives, file));
        self.patterns.len() - 1
    }

    fn compile(&mut self, file: &'a RuleFile) -> Result<Rule, PackError> {
        check_id(&file.id).map_err(|m| self.error(file, m))?;
        let metric = self
            .metrics
            .iter()
            .position(|m| m.id == file.metric)
            .ok_or_else(|| {
                self.error(
                    file,
                    format!(
                        "metric `{}` is not declared; declare it in a [[metric]] table (declared: {})",
                        file.metric,
                        self.metrics.iter().map(|m| m.id.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                )
            })?;
        if !file.weight.is_finite() {
            return Err(self.error(file, "weight must be a finite number".into()));
        }
        let kind = match file.kind {
            KindName::Existence => {
                self.refuse_references(file)?;
                let half = file.half.unwrap_or(1.0);
                if !(half.is_finite() && half > 0.0) {
                    return Err(self.error(file, "half must be above 0".into()));
                }
                RuleKind::Existence {
                    matcher: self.matcher(file)?,
                    half,
                }
            }
            KindName::Occurrence => {
                self.refuse_references(file)?;
                let (min, max) = self.range(file, 0.0, None)?;
                RuleKind::Occurrence {
                    matcher: self.matcher(file)?,
                    min,
                    max,
                }
            }
            KindName::Ratio => {
                self.refuse_patterns(file)?;
                let (min, max) = self.range(file, 0.0, Some(1.0))?;
                RuleKind::Ratio {
                    numerator: self.reference(file, "numerator", &file.numerator)?,
                    denominator: self.reference(file, "denominator", &file.denominator)?,
                    min,
                    max,
                }
            }
            KindName::Conditional => {
                self.refuse_patterns(file)?;
                RuleKind::Conditional {
                    first: self.reference(file, "first", &file.first)?,
                    second: self.reference(file, "second", &file.second)?,
                    within: file.within.unwrap_or(1),
                }
            }
        };
        Ok(Rule {
            id: format!("{}.{}", self.pack, file.id),
            metric,
            weight: file.weight,
            note: file.note.clone(),
            kind,
            positive: file.positive.clone(),
            negative: file.negative.clone(),
        })
    }

    fn range(
        &self,
        file: &RuleFile,
        default_min: f64,
        default_max: Option<f64>,
    ) -> Result<(f64, f64), PackError> {
        let min = file.min.unwrap_or(default_min);
        let Some(max) = file.max.or(default_max) else {
            return Err(self.error(
                file,
                "an occurrence rule needs `max`: the rate per 1,000 words that scores in full"
                    .into(),
            ));
        };
        if !(min.is_finite() && max.is_finite() && min >= 0.0 && min < max) {
            return Err(self.error(file, format!("min {min} and max {max} need 0 <= min < max")));
        }
        Ok((min, max))
    }

    fn refuse_references(&self, file: &RuleFile) -> Result<(), PackError> {
        let used = [
            &file.numerator,
            &file.denominator,
            &file.first,
            &file.second,
        ]
        .iter()
        .any(|r| r.is_some())
            || file.within.is_some();
        if used {
            return Err(self.error(
                file,
                "numerator, denominator, first, second and within belong to ratio and conditional rules".into(),
            ));
        }
        Ok(())
    }

    fn refuse_patterns(&self, file: &RuleFile) -> Result<(), PackError> {
        let has_patterns = !(file.phrases.is_empty()
            && file.regex.is_empty()
            && file.categories.is_empty()
            && file.exceptions.is_empty()
            && file.scope.is_empty()
            && file.not_scope.is_empty());
        if has_patterns {
            return Err(self.error(
                file,
                "a ratio or conditional rule has no patterns or scope of its own; it names existence or occurrence rules that do".into(),
            ));
        }
        Ok(())
    }

    /// The index of a rule named by a ratio or conditional rule, which must
    /// be a pattern rule of the same pack.
    fn reference(
        &self,
        file: &RuleFile,
        key: &str,
        name: &Option<String>,
    ) -> Result<usize, PackError> {
        let Some(name) = name else {
            return Err(self.error(
                file,
                format!("needs `{key}`: the id of a rule in this pack"),
            ));
        };
        let Some(index) = self.files.iter().position(|f| &f.id == name) else {
            return Err(self.error(file, format!("{key} `{name}` is not a rule of this pack")));
        };
        if !matches!(
            self.files[index].kind,
            KindName::Existence | KindName::Occurrence
        ) {
            return Err(self.error(
                file,
                format!("{key} `{name}` must be an existence or occurrence rule"),
            ));
        }
        Ok(index)
    }

    fn matcher(&mut self, file: &'a RuleFile) -> Result<Matcher, PackError> {
        let mut alternatives: Vec<String> =
            file.phrases.iter().map(|p| phrase_pattern(p)).collect();
        for category in &file.categories {
            let words: Vec<&String> = self
                .dictionaries
                .iter()
                .filter_map(|d| d.words(category))
                .flatten()
                .collect();
            if words.is_empty() {
                return Err(self.error(
                    file,
                    format!(
                        "category `{category}` is in none of the pack's dictionaries, or is empty"
                    ),
                ));
            }
            alternatives.extend(words.into_iter().map(|w| phrase_pattern(w)));
        }
        alternatives.extend(file.regex.iter().map(|r| ascii_word_boundaries(r)));
        if alternatives.is_empty() {
            return Err(self.error(file, "no phrases, regex or categories to match".into()));
        }
        let scope = self.kinds(file, &file.scope)?;
        let not_scope = self.kinds(file, &file.not_scope)?;
        let pattern = self.add_pattern(alternatives, file);
        let exceptions = (!file.exceptions.is_empty()).then(|| {
            let phrases = file.exceptions.iter().map(|p| phrase_pattern(p)).collect();
            self.add_pattern(phrases, file)
        });
        Ok(Matcher {
            pattern,
            exceptions,
            scope,
            not_scope,
            quoted: file.quoted,
            negation: file.negation,
            headings: file.headings,
        })
    }

    fn kinds(&self, file: &RuleFile, names: &[String]) -> Result<Vec<SectionKind>, PackError> {
        names
            .iter()
            .map(|n| {
                SectionKind::from_name(n).ok_or_else(|| {
                    self.error(
                        file,
                        format!(
                            "unknown section kind `{n}`; use one of: {}",
                            SectionKind::ALL.map(|k| k.name()).join(", ")
                        ),
                    )
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Result<Pack, PackError> {
        let text = format!("[pack]\nid = \"p\"\n[[metric]]\nid = \"m\"\n{body}");
        Pack::parse(&text, Path::new("p.toml"), Path::new("."))
    }

    fn message(body: &str) -> String {
        parse(body).unwrap_err().to_string()
    }

    const RULE: &str =
        "[[rule]]\nid = \"a\"\nmetric = \"m\"\nkind = \"existence\"\nphrases = [\"x\"]\n";

    #[test]
    fn mistakes_name_the_file_the_rule_and_the_fix() {
        let m = message(
            "[[rule]]\nid = \"a\"\nmetric = \"nope\"\nkind = \"existence\"\nphrases = [\"x\"]\n",
        );
        assert!(
            m.contains("p.toml") && m.contains("rule `a`") && m.contains("declared: m"),
            "{m}"
        );
        let m = message(&format!("{RULE}scope = [\"analyses\"]\n"));
        assert!(m.contains("analyses") && m.contains("findings"), "{m}");
        let m = message(&format!(
            "{RULE}[[rule]]\nid = \"r\"\nmetric = \"m\"\nkind = \"ratio\"\nnumerator = \"a\"\ndenominator = \"b\"\n"
        ));
        assert!(m.contains("denominator `b` is not a rule"), "{m}");
        let m = message(&format!(
            "{RULE}[[rule]]\nid = \"c\"\nmetric = \"m\"\nkind = \"conditional\"\nfirst = \"a\"\nsecond = \"a\"\nphrases = [\"y\"]\n"
        ));
        assert!(m.contains("no patterns or scope of its own"), "{m}");
        let m = message(
            "[[rule]]\nid = \"o\"\nmetric = \"m\"\nkind = \"occurrence\"\nphrases = [\"x\"]\n",
        );
        assert!(m.contains("needs `max`"), "{m}");
        let m = message(&RULE.replace("kind = \"existence\"", "kind = \"existence\"\nweight = 0"));
        assert!(
            m.contains("metric `m`") && m.contains("positive weight"),
            "{m}"
        );
        let m = message(&format!("{RULE}colour = \"red\"\n"));
        assert!(m.contains("colour"), "unknown keys are refused: {m}");
    }

    #[test]
    fn dictionary_categories_become_patterns_relative_to_the_pack() {
        let dir = std::env::temp_dir().join(format!("lessons-pack-dic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("words.dic"),
            "%\n1\tcause\n%\nbecause\t1\nreason*\t1\n",
        )
        .unwrap();
        let pack = dir.join("pack.toml");
        std::fs::write(
            &pack,
            "dictionaries = [\"words.dic\"]\n[pack]\nid = \"p\"\n[[metric]]\nid = \"m\"\n\
             [[rule]]\nid = \"a\"\nmetric = \"m\"\nkind = \"existence\"\ncategories = [\"cause\"]\n",
        )
        .unwrap();
        let compiled = Pack::from_file(&pack).unwrap();
        let RuleKind::Existence { matcher, .. } = &compiled.rules[0].kind else {
            panic!("an existence rule");
        };
        assert!(
            compiled
                .patterns
                .is_match(matcher.pattern, "for these reasons")
        );
        assert!(!compiled.patterns.is_match(matcher.pattern, "unreasonable"));
        std::fs::write(
            &pack,
            "dictionaries = [\"words.dic\"]\n[pack]\nid = \"p\"\n[[metric]]\nid = \"m\"\n\
             [[rule]]\nid = \"a\"\nmetric = \"m\"\nkind = \"existence\"\ncategories = [\"affect\"]\n",
        )
        .unwrap();
        let m = Pack::from_file(&pack).unwrap_err().to_string();
        assert!(m.contains("category `affect`"), "{m}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
