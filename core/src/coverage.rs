//! Rule coverage over a batch: the rules a plugin declared (ABI 1.1 instance
//! metrics) that cited nothing in any review. A rule that never fires is
//! usually a typo in a pattern or a scope, and should never pass silently.

use crate::batch::Batch;
use crate::run::Plugins;
use std::collections::HashSet;

/// A declared rule that matched nothing in a whole batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SilentRule {
    pub plugin: String,
    pub metric: String,
    pub rule: String,
}

/// The declared rules with no evidence in any review of `batch`, in
/// declaration order. Empty when the batch has no reviews: nothing was tried.
pub fn silent_rules(batch: &Batch, plugins: &Plugins) -> Vec<SilentRule> {
    if batch.reviews.is_empty() {
        return Vec::new();
    }
    let fired: HashSet<(&str, &str)> = batch
        .reviews
        .iter()
        .flat_map(|r| &r.evidence)
        .map(|e| (e.plugin.as_str(), e.rule.as_str()))
        .collect();
    let mut silent = Vec::new();
    for (runner, _) in &plugins.instances {
        let summary = runner.summary();
        let plugin = summary.name.as_str();
        for metric in &summary.metrics {
            for rule in &metric.rules {
                if !fired.contains(&(plugin, rule.as_str())) {
                    silent.push(SilentRule {
                        plugin: plugin.to_string(),
                        metric: metric.id.clone(),
                        rule: rule.clone(),
                    });
                }
            }
        }
    }
    silent
}
