//! A plugin ready to score, wherever it runs: in this process (fast, but a
//! crash takes the batch with it) or in worker processes (isolated).

use super::instance::{Instance, ScoreError};
use super::load::PluginSummary;
use super::validate::Validated;
use super::worker::Pool;
use crate::document::Document;

/// One plugin of a run.
pub enum Runner {
    InProcess {
        instance: Instance,
        summary: PluginSummary,
    },
    Isolated(Pool),
}

impl Runner {
    /// A plugin instance created in this process.
    pub fn in_process(instance: Instance) -> Runner {
        let summary = instance.summary();
        Runner::InProcess { instance, summary }
    }

    /// What the plugin is.
    pub fn summary(&self) -> &PluginSummary {
        match self {
            Runner::InProcess { summary, .. } => summary,
            Runner::Isolated(pool) => pool.summary(),
        }
    }

    /// Scores one document; the result is validated either way.
    pub fn score(&self, document: &Document) -> Result<Validated, ScoreError> {
        match self {
            Runner::InProcess { instance, .. } => instance.score(document),
            Runner::Isolated(pool) => pool.score(document),
        }
    }

    /// Why the plugin was disabled part-way through the run, if it was.
    pub fn disabled(&self) -> Option<&str> {
        match self {
            Runner::InProcess { .. } => None,
            Runner::Isolated(pool) => pool.disabled(),
        }
    }
}
