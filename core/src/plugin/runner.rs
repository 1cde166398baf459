//! A plugin ready to score, wherever it runs: in this process (fast, but a
//! crash takes the batch with it) or in worker processes (isolated).

use super::instance::{Instance, ScoreError};
use super::load::PluginSummary;
use super::turns::Turns;
use super::validate::Validated;
use super::worker::{Outgoing, Pool};
use crate::document::Document;
use std::sync::Arc;

/// One plugin of a run.
pub enum Runner {
    InProcess {
        instance: Instance,
        summary: PluginSummary,
        /// Held while a thread scores with the instance, so that another
        /// thread goes to another plugin first (the plugin's DFA caches
        /// then serve one thread after another, built once).
        busy: std::sync::Mutex<()>,
        /// Told when a thread's turn at the instance ends.
        turns: Arc<Turns>,
    },
    Isolated(Pool),
}

impl Runner {
    /// A plugin instance created in this process, whose turns end in
    /// `turns` (shared by the run's plugins).
    pub fn in_process(instance: Instance, turns: Arc<Turns>) -> Runner {
        let summary = instance.summary();
        Runner::InProcess {
            instance,
            summary,
            busy: std::sync::Mutex::new(()),
            turns,
        }
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
            Runner::Isolated(pool) => pool.score(&Outgoing::new(document)),
        }
    }

    /// Scores every document as [`Runner::score`] does, all in one turn at
    /// the plugin, unless it is busy when the turn begins (its worker, or in
    /// this process another thread): then `None`, at once. A worker taken
    /// by another thread part-way through a turn is waited for.
    pub fn try_score_all(
        &self,
        outgoing: &[Outgoing<'_>],
    ) -> Option<Vec<Result<Validated, ScoreError>>> {
        if outgoing.is_empty() {
            return Some(Vec::new());
        }
        match self {
            Runner::InProcess {
                instance,
                busy,
                turns,
                ..
            } => {
                let busy = busy.try_lock().ok()?;
                let scored = score_each(instance, outgoing);
                drop(busy);
                turns.give_back();
                Some(scored)
            }
            Runner::Isolated(pool) => pool.try_score_all(outgoing),
        }
    }

    /// Scores every document as [`Runner::score`] does beside the thread
    /// that has the plugin, if the plugin is in this process: for when there
    /// are fewer plugins than scoring threads, where waiting for a turn
    /// would leave threads idle (the plugin then builds a second set of DFA
    /// caches, which learns the same states again). `None` for a plugin in
    /// workers: a worker scores one review at a time, so the thread waits.
    pub fn score_all_beside(
        &self,
        outgoing: &[Outgoing<'_>],
    ) -> Option<Vec<Result<Validated, ScoreError>>> {
        match self {
            Runner::InProcess { instance, .. } => Some(score_each(instance, outgoing)),
            Runner::Isolated(_) => None,
        }
    }

    /// Says that the run is over: a worker's input is closed, so that it
    /// exits; nothing in this process.
    pub fn end(&self) {
        if let Runner::Isolated(pool) = self {
            pool.end_inputs();
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

/// Scores each document with an instance in this process, in order.
fn score_each(
    instance: &Instance,
    outgoing: &[Outgoing<'_>],
) -> Vec<Result<Validated, ScoreError>> {
    outgoing
        .iter()
        .map(|o| instance.score(o.document))
        .collect()
}
