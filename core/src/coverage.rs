//! Rule coverage over a batch: the rules a plugin declared (ABI 1.1 instance
//! metrics) that cited nothing in any review. A rule that never fires is
//! usually a typo in a pattern or a scope, and should never pass silently.
//! The rules that fire are gathered as each review is scored, so a run that
//! does not keep the evidence (`run::Retention`) still knows them.

use crate::batch::ReviewResult;
use crate::run::{Observer, Plugins};
use std::collections::HashSet;
use std::sync::Mutex;

/// A declared rule that matched nothing in a whole batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SilentRule {
    pub plugin: String,
    pub metric: String,
    pub rule: String,
}

/// Watches a run for the rules that cite something.
#[derive(Debug, Default)]
pub struct Coverage {
    seen: Mutex<Seen>,
}

#[derive(Debug, Default)]
struct Seen {
    reviews: usize,
    /// (plugin, rule) of every rule that cited a passage.
    fired: HashSet<(String, String)>,
}

impl Observer for Coverage {
    fn scored(&self, review: &ReviewResult, _review_sha256: &str) {
        let cited: HashSet<(&str, &str)> = review
            .evidence
            .iter()
            .map(|e| (e.plugin.as_str(), e.rule.as_str()))
            .collect();
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        seen.reviews += 1;
        for (plugin, rule) in cited {
            seen.fired.insert((plugin.to_string(), rule.to_string()));
        }
    }
}

impl Coverage {
    /// The declared rules with no evidence in any review scored, in
    /// declaration order. Empty when no review was scored: nothing was tried.
    pub fn silent_rules(&self, plugins: &Plugins) -> Vec<SilentRule> {
        let seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.reviews == 0 {
            return Vec::new();
        }
        let mut silent = Vec::new();
        for (runner, _) in &plugins.instances {
            let summary = runner.summary();
            for metric in &summary.metrics {
                for rule in &metric.rules {
                    if !seen.fired.contains(&(summary.name.clone(), rule.clone())) {
                        silent.push(SilentRule {
                            plugin: summary.name.clone(),
                            metric: metric.id.clone(),
                            rule: rule.clone(),
                        });
                    }
                }
            }
        }
        silent
    }
}
