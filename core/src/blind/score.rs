//! Scoring a blind review: every plugin over every case twice, blinded and
//! original, and per plugin and metric the hindsight sensitivity (how far the
//! score moves when the outcome is hidden) and the pairwise accuracy (whether
//! the higher score falls on the harmed child of each matched pair, blinded
//! and with the outcome known).

use super::BlindError;
use super::key::{self, Key};
use super::stats::{Discrimination, Sensitivity};
use crate::batch::{PluginRecord, Tool};
use crate::document::Document;
use crate::ingest;
use crate::run::Plugins;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file naming the matched pairs, looked for beside the originals when
/// none is given.
pub const PAIRS_FILE: &str = "pairs.toml";

/// The matched pairs: which case of each had the bad outcome.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pairs {
    pub pair: Vec<Pair>,
}

/// One pair, naming each case by its original file stem.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Pair {
    pub id: String,
    pub harmed: String,
    pub unharmed: String,
    /// Whether the harmed child's practice was genuinely worse in the record.
    #[serde(default)]
    pub practice_differs: Option<bool>,
    #[serde(default)]
    pub note: String,
}

impl Pairs {
    pub fn read(path: &Path) -> Result<Pairs, BlindError> {
        let text = std::fs::read_to_string(path).map_err(|source| BlindError::Io {
            path: path.to_path_buf(),
            action: "reading the pairs",
            source,
        })?;
        toml::from_str(&text).map_err(|e| BlindError::Invalid {
            path: path.to_path_buf(),
            what: "pairs file ([[pair]] with id, harmed, unharmed)",
            message: e.message().to_string(),
        })
    }
}

/// Scores keyed by plugin, then metric.
pub type Scores = BTreeMap<String, BTreeMap<String, f64>>;

/// Evidence counted by plugin, then the rule that fired: which cues a text
/// gave each plugin.
pub type Cues = BTreeMap<String, BTreeMap<String, usize>>;

/// One plugin's one rule (cue), counted over every case both ways.
#[derive(Clone, Debug, Serialize)]
pub struct CueChange {
    pub plugin: String,
    pub rule: String,
    pub unblinded: usize,
    pub blinded: usize,
}

/// One case, scored both ways.
#[derive(Clone, Debug, Serialize)]
pub struct CaseScores {
    pub code: String,
    /// The original file's stem, the name the pairs use.
    pub case: String,
    pub original: PathBuf,
    pub blinded_path: PathBuf,
    pub blinded: Scores,
    pub unblinded: Scores,
    pub blinded_cues: Cues,
    pub unblinded_cues: Cues,
    /// Plugins that failed on this case, and files that could not be read.
    pub problems: Vec<String>,
}

/// One plugin metric's figures over the whole exercise.
#[derive(Clone, Debug, Serialize)]
pub struct MetricFigures {
    pub plugin: String,
    pub metric: String,
    pub sensitivity: Sensitivity,
    /// With the outcome hidden: can the score tell the harmed child?
    pub blinded: Discrimination,
    /// With the outcome known, for comparison.
    pub unblinded: Discrimination,
    /// Blinded, only over pairs whose practice did not differ: a fair scorer
    /// should be at chance here.
    pub blinded_same_practice: Discrimination,
}

/// The whole result of `lessons blind --score`.
#[derive(Clone, Debug, Serialize)]
pub struct BlindScore {
    pub tool: Tool,
    pub plugins: Vec<PluginRecord>,
    pub key: PathBuf,
    pub pairs_file: Option<PathBuf>,
    pub pairs: Vec<Pair>,
    pub metrics: Vec<MetricFigures>,
    /// The cues each plugin found, summed over the cases, largest change first:
    /// a cue that vanishes when the outcome is hidden was fed by the outcome.
    pub cues: Vec<CueChange>,
    pub cases: Vec<CaseScores>,
    /// Pairs naming a case the key does not hold, and the like.
    pub problems: Vec<String>,
}

/// Scores the blinded cases in `panel` and their originals from `key_path`.
/// `pairs` defaults to `pairs.toml` beside the first original.
pub fn score(
    panel: &Path,
    key_path: &Path,
    pairs: Option<&Path>,
    plugins: &Plugins,
) -> Result<BlindScore, BlindError> {
    let key = Key::read(key_path)?;
    let cases: Vec<CaseScores> = key
        .case
        .par_iter()
        .map(|c| {
            let original = key::locate_original(&c.original, key_path);
            score_case(&c.code, panel.join(&c.blinded), original, plugins)
        })
        .collect();
    let pairs_file = pairs
        .map(Path::to_path_buf)
        .or_else(|| default_pairs(&cases));
    let pairs = match &pairs_file {
        Some(path) => Pairs::read(path)?.pair,
        None => Vec::new(),
    };
    let mut problems = Vec::new();
    for pair in &pairs {
        for name in [&pair.harmed, &pair.unharmed] {
            if !cases.iter().any(|c| &c.case == name) {
                problems.push(format!(
                    "pair {}: the key holds no case '{name}'; blind it with the others, or correct the pairs file",
                    pair.id
                ));
            }
        }
    }
    let metrics = figures(&cases, &pairs);
    let cues = cue_changes(&cases);
    Ok(BlindScore {
        tool: Tool::this(),
        plugins: plugins.records(),
        key: key_path.to_path_buf(),
        pairs_file,
        pairs,
        metrics,
        cues,
        cases,
        problems,
    })
}

fn default_pairs(cases: &[CaseScores]) -> Option<PathBuf> {
    let folder = cases.first()?.original.parent()?;
    let path = folder.join(PAIRS_FILE);
    path.exists().then_some(path)
}

fn score_case(
    code: &str,
    blinded_path: PathBuf,
    original: PathBuf,
    plugins: &Plugins,
) -> CaseScores {
    let mut problems = Vec::new();
    let (blinded, blinded_cues) = read_and_score(&blinded_path, plugins, &mut problems);
    let (unblinded, unblinded_cues) = read_and_score(&original, plugins, &mut problems);
    CaseScores {
        code: code.to_string(),
        case: original
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned()),
        original,
        blinded_path,
        blinded,
        unblinded,
        blinded_cues,
        unblinded_cues,
        problems,
    }
}

fn read_and_score(path: &Path, plugins: &Plugins, problems: &mut Vec<String>) -> (Scores, Cues) {
    match ingest::read(path) {
        Ok(document) => scores_of(&document, plugins, problems),
        Err(e) => {
            problems.push(e.to_string());
            (Scores::new(), Cues::new())
        }
    }
}

fn scores_of(document: &Document, plugins: &Plugins, problems: &mut Vec<String>) -> (Scores, Cues) {
    let mut scores = Scores::new();
    let mut cues = Cues::new();
    for (runner, _) in &plugins.instances {
        let name = &runner.summary().name;
        match runner.score(document) {
            Ok(validated) => {
                let counted = cues.entry(name.clone()).or_default();
                for e in &validated.evidence {
                    *counted.entry(e.rule.clone()).or_insert(0) += 1;
                }
                scores.insert(name.clone(), validated.scores);
            }
            Err(e) => problems.push(format!(
                "{}: plugin {} failed ({}): {}",
                document.path.display(),
                name,
                e.kind,
                e.message
            )),
        }
    }
    (scores, cues)
}

fn cue_changes(cases: &[CaseScores]) -> Vec<CueChange> {
    let mut totals: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
    for case in cases {
        for (cues, blinded) in [(&case.unblinded_cues, false), (&case.blinded_cues, true)] {
            for (plugin, rules) in cues {
                for (rule, n) in rules {
                    let entry = totals.entry((plugin.clone(), rule.clone())).or_default();
                    if blinded {
                        entry.1 += n;
                    } else {
                        entry.0 += n;
                    }
                }
            }
        }
    }
    let mut changes: Vec<CueChange> = totals
        .into_iter()
        .map(|((plugin, rule), (unblinded, blinded))| CueChange {
            plugin,
            rule,
            unblinded,
            blinded,
        })
        .collect();
    changes.sort_by_key(|c| std::cmp::Reverse(c.unblinded.abs_diff(c.blinded)));
    changes
}

/// Every (plugin, metric) scored on any case, with its figures.
fn figures(cases: &[CaseScores], pairs: &[Pair]) -> Vec<MetricFigures> {
    let mut keys: Vec<(String, String)> = cases
        .iter()
        .flat_map(|c| c.blinded.iter().chain(c.unblinded.iter()))
        .flat_map(|(plugin, metrics)| metrics.keys().map(move |m| (plugin.clone(), m.clone())))
        .collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|(plugin, metric)| {
            let get = |scores: &Scores| scores.get(&plugin).and_then(|m| m.get(&metric)).copied();
            let changes: Vec<f64> = cases
                .iter()
                .filter_map(|c| Some(get(&c.blinded)? - get(&c.unblinded)?))
                .collect();
            let paired = |which: fn(&CaseScores) -> &Scores, same_practice_only: bool| {
                let by_name = |name: &str| {
                    cases
                        .iter()
                        .find(|c| c.case == name)
                        .and_then(|c| get(which(c)))
                };
                let values: Vec<(f64, f64)> = pairs
                    .iter()
                    .filter(|p| !same_practice_only || p.practice_differs == Some(false))
                    .filter_map(|p| Some((by_name(&p.harmed)?, by_name(&p.unharmed)?)))
                    .collect();
                Discrimination::of(&values)
            };
            MetricFigures {
                sensitivity: Sensitivity::of(&changes),
                blinded: paired(|c| &c.blinded, false),
                unblinded: paired(|c| &c.unblinded, false),
                blinded_same_practice: paired(|c| &c.blinded, true),
                plugin,
                metric,
            }
        })
        .collect()
}
