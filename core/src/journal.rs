//! The resumable JSON Lines output: each review's result is appended and
//! flushed as soon as it is scored, keyed by the review's content hash and the
//! run's provenance (tool version, configuration hash, each plugin's sha256).
//! A run killed part-way loses at most the line it was writing; the same
//! command with `--resume` keeps every complete line and scores only the
//! reviews without one for the same key.

use crate::batch::{PluginRecord, ReviewResult, Tool};
use crate::run::Observer;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Why the journal could not be opened or written.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("{path}: cannot open the output ({source})")]
    Open {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}: cannot write a result ({source}); the lines before it are intact, run again with --resume"
    )]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// What makes two runs' results interchangeable.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunKey {
    pub tool_version: String,
    pub config_sha256: String,
    /// (plugin name, library sha256), in name order.
    pub plugins: Vec<(String, String)>,
}

impl RunKey {
    pub fn new(tool: &Tool, config_sha256: &str, plugins: &[PluginRecord]) -> RunKey {
        let mut named: Vec<(String, String)> = plugins
            .iter()
            .map(|p| (p.name.clone(), p.sha256.clone()))
            .collect();
        named.sort();
        RunKey {
            tool_version: tool.version.clone(),
            config_sha256: config_sha256.to_string(),
            plugins: named,
        }
    }
}

/// One line of the output: the review's result with its provenance, so that
/// each line stands on its own.
#[derive(Serialize)]
pub struct Line<'a> {
    pub review_sha256: &'a str,
    pub tool: &'a Tool,
    pub config_sha256: &'a str,
    pub plugins: &'a [PluginRecord],
    #[serde(flatten)]
    pub review: &'a ReviewResult,
}

/// The fields of a line that resuming reads back.
#[derive(Deserialize)]
struct KeyOfLine {
    review_sha256: String,
    tool: LineTool,
    config_sha256: String,
    plugins: Vec<LinePlugin>,
}

#[derive(Deserialize)]
struct LineTool {
    version: String,
}

#[derive(Deserialize)]
struct LinePlugin {
    name: String,
    sha256: String,
}

impl KeyOfLine {
    fn run_key(&self) -> RunKey {
        let mut plugins: Vec<(String, String)> = self
            .plugins
            .iter()
            .map(|p| (p.name.clone(), p.sha256.clone()))
            .collect();
        plugins.sort();
        RunKey {
            tool_version: self.tool.version.clone(),
            config_sha256: self.config_sha256.clone(),
            plugins,
        }
    }
}

/// What a resumed journal found in the file.
#[derive(Debug, Default, PartialEq)]
pub struct Found {
    /// Complete lines for this run's key.
    pub reusable: usize,
    /// Complete lines from a run with another key (other plugins, settings or
    /// version): kept, but their reviews are scored again.
    pub stale: usize,
    /// Bytes of a line cut short by a killed run, removed.
    pub cut_bytes: u64,
}

impl std::fmt::Display for Found {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} review(s) already scored", self.reusable)?;
        if self.stale > 0 {
            write!(
                f,
                "; {} line(s) from a run with other plugins, settings or version are kept but not reused",
                self.stale
            )?;
        }
        if self.cut_bytes > 0 {
            write!(f, "; a line cut short by the interrupted run was removed")?;
        }
        Ok(())
    }
}

/// The output file of a run, appended to as reviews finish.
pub struct Journal {
    path: PathBuf,
    out: Mutex<Box<dyn Write + Send>>,
    tool: Tool,
    config_sha256: String,
    plugins: Vec<PluginRecord>,
    done: HashSet<String>,
    error: Mutex<Option<std::io::Error>>,
}

impl Journal {
    /// Opens `path` for this run. Without `resume` the file starts empty;
    /// with it, complete lines are kept and a trailing partial line removed.
    pub fn open(
        path: &Path,
        resume: bool,
        tool: Tool,
        config_sha256: &str,
        plugins: Vec<PluginRecord>,
    ) -> Result<(Journal, Found), JournalError> {
        let open_error = |source| JournalError::Open {
            path: path.to_path_buf(),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(!resume)
            .open(path)
            .map_err(open_error)?;
        let key = RunKey::new(&tool, config_sha256, &plugins);
        let (done, found) = if resume {
            read_back(&mut file, &key).map_err(open_error)?
        } else {
            (HashSet::new(), Found::default())
        };
        file.seek(SeekFrom::End(0)).map_err(open_error)?;
        let journal = Journal {
            path: path.to_path_buf(),
            out: Mutex::new(Box::new(file)),
            tool,
            config_sha256: config_sha256.to_string(),
            plugins,
            done,
            error: Mutex::new(None),
        };
        Ok((journal, found))
    }

    /// Streams lines to standard output instead of a file: nothing to resume.
    pub fn stdout(tool: Tool, config_sha256: &str, plugins: Vec<PluginRecord>) -> Journal {
        Journal {
            path: PathBuf::from("standard output"),
            out: Mutex::new(Box::new(std::io::stdout())),
            tool,
            config_sha256: config_sha256.to_string(),
            plugins,
            done: HashSet::new(),
            error: Mutex::new(None),
        }
    }

    /// The first write error, if any: the run should then fail.
    pub fn finish(self) -> Result<(), JournalError> {
        let error = self.error.into_inner().unwrap_or_else(|p| p.into_inner());
        match error {
            Some(source) => Err(JournalError::Write {
                path: self.path,
                source,
            }),
            None => Ok(()),
        }
    }

    fn append(&self, review: &ReviewResult, review_sha256: &str) -> std::io::Result<()> {
        let line = Line {
            review_sha256,
            tool: &self.tool,
            config_sha256: &self.config_sha256,
            plugins: &self.plugins,
            review,
        };
        let mut bytes = serde_json::to_vec(&line)?;
        bytes.push(b'\n');
        let mut out = self.out.lock().unwrap_or_else(|p| p.into_inner());
        // One write per line, then flushed to the system: a run killed now
        // loses at most this line, which resuming cuts off.
        out.write_all(&bytes)?;
        out.flush()
    }
}

impl Observer for Journal {
    fn already_done(&self, review_sha256: &str) -> bool {
        self.done.contains(review_sha256)
    }

    fn scored(&self, review: &ReviewResult, review_sha256: &str) {
        if let Err(e) = self.append(review, review_sha256) {
            let mut first = self.error.lock().unwrap_or_else(|p| p.into_inner());
            first.get_or_insert(e);
        }
    }
}

/// Reads the complete lines of an earlier run, one at a time so that memory
/// holds one line and not the file, and cuts off a partial last line so that
/// the next line appended starts on its own.
fn read_back(file: &mut File, key: &RunKey) -> std::io::Result<(HashSet<String>, Found)> {
    file.seek(SeekFrom::Start(0))?;
    let mut reader = BufReader::new(&mut *file);
    let mut found = Found::default();
    let mut done = HashSet::new();
    let mut complete = 0u64;
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = reader.read_until(b'\n', &mut line)?;
        if read == 0 {
            break;
        }
        if line.last() != Some(&b'\n') {
            found.cut_bytes = read as u64;
            break;
        }
        complete += read as u64;
        let Ok(keyed) = serde_json::from_slice::<KeyOfLine>(&line) else {
            continue;
        };
        if keyed.run_key() == *key {
            done.insert(keyed.review_sha256);
            found.reusable += 1;
        } else {
            found.stale += 1;
        }
    }
    if found.cut_bytes > 0 {
        file.set_len(complete)?;
    }
    Ok((done, found))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn review(id: &str) -> ReviewResult {
        ReviewResult {
            id: id.into(),
            path: format!("reviews/{id}.md").into(),
            title: id.into(),
            words: 10,
            scores: BTreeMap::new(),
            learning_index: 0.0,
            adds_real_learning: false,
            evidence: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn plugins(sha: &str) -> Vec<PluginRecord> {
        vec![PluginRecord {
            name: "handwringing".into(),
            version: "0.1.0".into(),
            metrics: vec!["handwringing".into()],
            path: "/p/libhw.so".into(),
            sha256: sha.into(),
        }]
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("lessons-journal-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        let _ = std::fs::remove_file(&path);
        path
    }

    #[test]
    fn a_resumed_journal_knows_the_finished_reviews_and_cuts_a_partial_line() {
        let path = scratch("partial.jsonl");
        let (journal, _) = Journal::open(&path, false, Tool::this(), "c0", plugins("aa")).unwrap();
        journal.scored(&review("one"), "h1");
        journal.scored(&review("two"), "h2");
        journal.finish().unwrap();
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(b"{\"review_sha256\":\"h3\",\"to").unwrap();
        let (journal, found) =
            Journal::open(&path, true, Tool::this(), "c0", plugins("aa")).unwrap();
        assert_eq!(found.reusable, 2);
        assert!(found.cut_bytes > 0);
        assert!(journal.already_done("h1") && journal.already_done("h2"));
        assert!(!journal.already_done("h3"));
        journal.scored(&review("three"), "h3");
        journal.finish().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 3);
        for line in text.lines() {
            serde_json::from_str::<serde_json::Value>(line).unwrap();
        }
    }

    #[test]
    fn lines_from_another_plugin_build_are_not_reused() {
        let path = scratch("stale.jsonl");
        let (journal, _) = Journal::open(&path, false, Tool::this(), "c0", plugins("aa")).unwrap();
        journal.scored(&review("one"), "h1");
        journal.finish().unwrap();
        let (journal, found) =
            Journal::open(&path, true, Tool::this(), "c0", plugins("bb")).unwrap();
        assert_eq!((found.reusable, found.stale), (0, 1));
        assert!(!journal.already_done("h1"));
        let (journal, found) =
            Journal::open(&path, true, Tool::this(), "c1", plugins("aa")).unwrap();
        assert_eq!((found.reusable, found.stale), (0, 1));
        assert!(!journal.already_done("h1"));
    }

    #[test]
    fn without_resume_the_file_starts_empty() {
        let path = scratch("fresh.jsonl");
        std::fs::write(&path, "old\n").unwrap();
        let (journal, found) =
            Journal::open(&path, false, Tool::this(), "c0", plugins("aa")).unwrap();
        assert_eq!(found, Found::default());
        journal.finish().unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "");
    }
}
