//! The blind review: telling bad luck from bad practice. Case narratives are
//! blinded (passages that reveal the outcome removed, identifying details
//! replaced, files renamed to seeded codes) so that a panel, or the scoring
//! plugins, can judge the practice without knowing how the case ended; then
//! [`score`] measures how far each plugin's scores move when the outcome is
//! hidden, and whether the blinded scores still pick out the harmed child.
//!
//! The key (code → original) and the redaction log quote what was removed, so
//! they are written beside the panel's folder, never inside it.

pub mod code;
pub mod identify;
pub mod key;
pub mod log;
pub mod redact;
pub mod rules;
pub mod score;
pub mod stats;

use crate::batch::Skipped;
use crate::discover;
use crate::document::Document;
use crate::ingest;
use key::{Key, KeyCase};
use log::{Action, CaseLog, Entry};
use rules::Rules;
use std::path::{Path, PathBuf};

/// The extension of every blinded file, whatever the original's, so that the
/// file type says nothing about where a case came from.
pub const BLINDED_EXTENSION: &str = "md";

/// Why blinding or blind scoring could not go ahead. Each message names the
/// file and the fix.
#[derive(Debug, thiserror::Error)]
pub enum BlindError {
    #[error(transparent)]
    Rules(#[from] rules::RulesError),
    #[error("{0}: the folder is not empty; blind into a new folder so no stale case is mixed in")]
    OutputNotEmpty(PathBuf),
    #[error(
        "{file}: the key and the redaction log reveal the outcome, so they cannot go inside the panel's folder {folder}; choose a path outside it"
    )]
    InsidePanelFolder { file: PathBuf, folder: PathBuf },
    #[error("{path}: {action} failed ({source})")]
    Io {
        path: PathBuf,
        action: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a valid {what}: {message}")]
    Invalid {
        path: PathBuf,
        what: &'static str,
        message: String,
    },
    #[error("no cases to blind: {0}")]
    NothingToBlind(String),
}

/// One case, blinded.
#[derive(Debug)]
pub struct BlindedCase {
    pub code: String,
    pub original: PathBuf,
    pub text: String,
    pub log: CaseLog,
}

/// A whole blinding run.
#[derive(Debug)]
pub struct Blinding {
    pub seed: u64,
    /// In the seeded order, not the order given.
    pub cases: Vec<BlindedCase>,
    pub skipped: Vec<Skipped>,
}

/// Where a blinding run writes: the panel's folder, and outside it the key
/// and the log.
#[derive(Clone, Debug)]
pub struct Destination {
    pub panel: PathBuf,
    pub key: PathBuf,
    pub log: PathBuf,
}

impl Destination {
    /// The key and log default to siblings of the panel's folder
    /// (`DIR.key.toml`, `DIR.redactions.md`).
    pub fn new(panel: &Path, key: Option<&Path>, log: Option<&Path>) -> Destination {
        let sibling = |suffix: &str| {
            let name = panel
                .file_name()
                .map_or_else(|| "blinded".into(), |n| n.to_string_lossy().into_owned());
            panel.with_file_name(format!("{name}{suffix}"))
        };
        Destination {
            panel: panel.to_path_buf(),
            key: key.map_or_else(|| sibling(".key.toml"), Path::to_path_buf),
            log: log.map_or_else(|| sibling(".redactions.md"), Path::to_path_buf),
        }
    }
}

/// Blinds every case under `paths` with `rules`, coding them from `seed`.
pub fn blind(paths: &[PathBuf], rules: &Rules, seed: u64) -> Blinding {
    let (files, unwalkable) = discover::review_files(paths, ingest::EXTENSIONS);
    let mut skipped: Vec<Skipped> = unwalkable
        .into_iter()
        .map(|u| Skipped {
            reason: format!("{}: {}", u.path.display(), u.reason),
            path: u.path,
            kind: "unwalkable".into(),
        })
        .collect();
    let mut documents = Vec::new();
    for path in files {
        match ingest::read(&path) {
            Ok(d) => documents.push(d),
            Err(e) => skipped.push(Skipped {
                path: path.clone(),
                kind: e.kind().into(),
                reason: e.to_string(),
            }),
        }
    }
    let names: Vec<String> = documents
        .iter()
        .map(|d| {
            d.path
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        })
        .collect();
    let codes = code::codes(seed, &names);
    let cases = code::order(seed, &names)
        .into_iter()
        .map(|i| blind_case(&documents[i], codes[i].clone(), rules))
        .collect();
    Blinding {
        seed,
        cases,
        skipped,
    }
}

/// Blinds one document under `code`.
pub fn blind_case(document: &Document, code: String, rules: &Rules) -> BlindedCase {
    let removals = redact::outcome_passages(document, rules);
    let replacements = identify::replacements(&document.text, rules, |span| removals.touches(span));
    let text = assemble(&document.text, &removals.ranges, &replacements);
    let lines = document.line_index();
    let mut entries = removals.entries;
    entries.extend(replacements.iter().map(|r| {
        let mut e = Entry::new(document, &lines, &r.span, Action::Replaced, &r.rule, "");
        e.replacement = Some(r.text.clone());
        e
    }));
    entries.sort_by_key(|e| e.start);
    let count = |f: fn(&Action) -> bool| entries.iter().filter(|e| f(&e.action)).count();
    let log = CaseLog {
        code: code.clone(),
        original: document.path.display().to_string(),
        removed: count(|a| matches!(a, Action::Removed(_))),
        replaced: count(|a| matches!(a, Action::Replaced)),
        flagged: count(|a| matches!(a, Action::Flagged)),
        entries,
    };
    BlindedCase {
        code,
        original: document.path.clone(),
        text,
        log,
    }
}

/// The original text without the removed ranges and with the replacements,
/// tidied so that no gap shows where a passage was.
fn assemble(
    text: &str,
    removed: &[std::ops::Range<usize>],
    replacements: &[identify::Replacement],
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut edits: Vec<(std::ops::Range<usize>, &str)> =
        removed.iter().map(|r| (r.clone(), "")).collect();
    edits.extend(
        replacements
            .iter()
            .map(|r| (r.span.clone(), r.text.as_str())),
    );
    edits.sort_by_key(|(r, _)| r.start);
    let mut at = 0;
    for (range, with) in edits {
        if range.start < at {
            continue;
        }
        out.push_str(&text[at..range.start]);
        out.push_str(with);
        at = range.end;
        if with.is_empty() {
            at += text[at..].len() - text[at..].trim_start_matches([' ', '\t']).len();
        }
    }
    out.push_str(&text[at..]);
    tidy(&out)
}

/// Trailing spaces off every line, and no more than one blank line in a row.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            if blank_run > 1 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Writes the blinded cases into the panel's folder, and the key and the log
/// beside it.
pub fn write(blinding: &Blinding, to: &Destination) -> Result<(), BlindError> {
    if blinding.cases.is_empty() {
        return Err(BlindError::NothingToBlind(
            "no readable case files were found; lessons reads .txt and .md".into(),
        ));
    }
    check_destination(to)?;
    let io = |path: &Path, action: &'static str| {
        let path = path.to_path_buf();
        move |source| BlindError::Io {
            path,
            action,
            source,
        }
    };
    std::fs::create_dir_all(&to.panel).map_err(io(&to.panel, "creating the folder"))?;
    let mut key = Key {
        seed: blinding.seed,
        case: Vec::with_capacity(blinding.cases.len()),
    };
    for case in &blinding.cases {
        let file = format!("{}.{BLINDED_EXTENSION}", case.code);
        let path = to.panel.join(&file);
        std::fs::write(&path, &case.text).map_err(io(&path, "writing the blinded case"))?;
        key.case.push(KeyCase {
            code: case.code.clone(),
            original: case.original.clone(),
            blinded: file,
        });
    }
    key.write(&to.key)?;
    let logs: Vec<CaseLog> = blinding.cases.iter().map(|c| c.log.clone()).collect();
    let text = if to.log.extension().is_some_and(|e| e == "json") {
        serde_json::to_string_pretty(&logs).map_err(|e| BlindError::Invalid {
            path: to.log.clone(),
            what: "redaction log",
            message: e.to_string(),
        })?
    } else {
        log::markdown(&logs)
    };
    std::fs::write(&to.log, text).map_err(io(&to.log, "writing the redaction log"))?;
    Ok(())
}

fn check_destination(to: &Destination) -> Result<(), BlindError> {
    let panel = absolute(&to.panel);
    for file in [&to.key, &to.log] {
        if absolute(file).starts_with(&panel) {
            return Err(BlindError::InsidePanelFolder {
                file: file.clone(),
                folder: to.panel.clone(),
            });
        }
    }
    let occupied = std::fs::read_dir(&to.panel).is_ok_and(|mut entries| entries.next().is_some());
    if occupied {
        return Err(BlindError::OutputNotEmpty(to.panel.clone()));
    }
    Ok(())
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}
