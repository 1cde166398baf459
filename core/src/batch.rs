//! The output contract: what a batch run produces, in the shape of
//! DESIGN.md's JSON. Every report format carries these same facts. Keys may be
//! added; these may not be renamed or removed.

use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A whole batch.
#[derive(Clone, Debug, Serialize)]
pub struct Batch {
    pub tool: Tool,
    /// The sha256 of the configuration text (of the empty text for the
    /// built-in defaults): with the tool version and the plugins' hashes, what
    /// a reader needs to reproduce the run.
    pub config_sha256: String,
    pub plugins: Vec<PluginRecord>,
    pub reviews: Vec<ReviewResult>,
    pub skipped: Vec<Skipped>,
    /// Plugins that were found but refused, with the reason and the fix.
    pub refused_plugins: Vec<RefusedPlugin>,
    /// Plugins that failed too often in a row and were switched off mid-run.
    pub disabled_plugins: Vec<DisabledPlugin>,
    /// Reviews a resumed run found already done in its output, not scored again.
    pub already_done: Vec<PathBuf>,
}

/// A plugin disabled for the rest of a run, and why.
#[derive(Clone, Debug, Serialize)]
pub struct DisabledPlugin {
    pub name: String,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

impl Tool {
    pub fn this() -> Tool {
        Tool {
            name: "lessons".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

/// A plugin that took part, for provenance.
#[derive(Clone, Debug, Serialize)]
pub struct PluginRecord {
    pub name: String,
    pub version: String,
    pub metrics: Vec<String>,
    pub path: PathBuf,
    pub sha256: String,
}

/// A plugin library that was refused.
#[derive(Clone, Debug, Serialize)]
pub struct RefusedPlugin {
    pub path: PathBuf,
    pub kind: String,
    pub reason: String,
}

/// One review's scores, verdict and evidence.
#[derive(Clone, Debug, Serialize)]
pub struct ReviewResult {
    pub id: String,
    pub path: PathBuf,
    pub title: String,
    pub words: usize,
    /// Metric → score (0–100 for the bundled metrics); null where no plugin scored it.
    pub scores: BTreeMap<String, Option<f64>>,
    pub learning_index: f64,
    pub adds_real_learning: bool,
    pub evidence: Vec<EvidenceRecord>,
    pub errors: Vec<ReviewError>,
    /// Warnings plugins raised about this review.
    pub warnings: Vec<String>,
}

/// A passage that drove a score, located for a reader.
#[derive(Clone, Debug, Serialize)]
pub struct EvidenceRecord {
    pub metric: String,
    pub plugin: String,
    pub start: u64,
    pub end: u64,
    pub line: usize,
    pub column: usize,
    pub page: Option<u32>,
    pub section: String,
    pub section_kind: String,
    pub text: String,
    pub note: String,
    pub rule: String,
    pub weight: f64,
}

/// A plugin that produced no result for this review, and why.
#[derive(Clone, Debug, Serialize)]
pub struct ReviewError {
    pub plugin: String,
    pub kind: String,
    pub message: String,
}

/// A file that was not scored, and why.
#[derive(Clone, Debug, Serialize)]
pub struct Skipped {
    pub path: PathBuf,
    pub kind: String,
    pub reason: String,
}
