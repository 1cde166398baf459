//! The bundled `rules` scorer: runs rule packs written in TOML, so that a
//! coding frame can be scored without a compiler. Its metrics are the packs'
//! own, known only once `create` has read them from the plugin's settings;
//! the host learns them through ABI 1.1's `instance_metrics`.
//!
//! ```toml
//! # lessons.toml
//! [plugins.rules.settings]
//! packs = ["my-frame.toml"]   # relative to the current folder
//! bundled = true              # also run the bundled Analysis pack (default)
//! ```

pub mod dic;
pub mod engine;
pub mod pack;

use lessons_plugin::{Document, Metric, PluginError, Report, Scorer, export_scorer};
use pack::Pack;
use std::path::{Path, PathBuf};

/// The bundled pack: the text-visible questions of the SCIE/NSPCC quality
/// markers' "Analysis" marker.
pub const BUNDLED_PACK: &str = include_str!("../packs/analysis.toml");

/// The bundled pack, compiled.
pub fn bundled_pack() -> Result<Pack, pack::PackError> {
    Pack::parse(
        BUNDLED_PACK,
        Path::new("<bundled>/analysis.toml"),
        Path::new("."),
    )
}

/// The settings keys this plugin reads.
const SETTINGS: [&str; 2] = ["packs", "bundled"];

pub struct Rules {
    packs: Vec<Pack>,
}

impl Rules {
    /// Compiles the bundled pack (when `bundled`) and the named pack files.
    pub fn from_packs(bundled: bool, paths: &[PathBuf]) -> Result<Rules, PluginError> {
        let mut packs = Vec::new();
        if bundled {
            packs.push(bundled_pack().map_err(|e| PluginError::new(e.to_string()))?);
        }
        for path in paths {
            packs.push(Pack::from_file(path).map_err(|e| PluginError::new(e.to_string()))?);
        }
        if packs.is_empty() {
            return Err(PluginError::new(
                "no rule packs: set `packs = [\"my-pack.toml\"]` or leave `bundled` on in [plugins.rules.settings]",
            ));
        }
        check_unique(&packs)?;
        Ok(Rules { packs })
    }

    /// The compiled packs, in the order they run.
    pub fn packs(&self) -> &[Pack] {
        &self.packs
    }
}

/// Pack ids and metric ids must be unique across the packs of one run.
fn check_unique(packs: &[Pack]) -> Result<(), PluginError> {
    for (i, pack) in packs.iter().enumerate() {
        if let Some(first) = packs[..i].iter().find(|p| p.id == pack.id) {
            return Err(PluginError::new(format!(
                "{} and {} both declare pack `{}`; rename one",
                first.path.display(),
                pack.path.display(),
                pack.id
            )));
        }
        for metric in &pack.metrics {
            let earlier = packs[..i]
                .iter()
                .find(|p| p.metrics.iter().any(|m| m.id == metric.id));
            if let Some(first) = earlier {
                return Err(PluginError::new(format!(
                    "{} and {} both declare metric `{}`; rename one",
                    first.path.display(),
                    pack.path.display(),
                    metric.id
                )));
            }
        }
    }
    Ok(())
}

fn metrics_of(pack: &Pack) -> Vec<Metric> {
    pack.metrics
        .iter()
        .enumerate()
        .map(|(i, m)| Metric::new(&m.id, m.min, m.max, &m.description).with_rules(pack.rules_of(i)))
        .collect()
}

fn parse_settings(settings: &serde_json::Value) -> Result<(bool, Vec<PathBuf>), PluginError> {
    let empty = serde_json::Map::new();
    let table = settings.as_object().unwrap_or(&empty);
    if let Some(unknown) = table.keys().find(|k| !SETTINGS.contains(&k.as_str())) {
        return Err(PluginError::new(format!(
            "[plugins.rules.settings] has an unknown key `{unknown}`; the keys are: {}",
            SETTINGS.join(", ")
        )));
    }
    let bundled = match table.get("bundled") {
        None => true,
        Some(v) => v.as_bool().ok_or_else(|| {
            PluginError::new("[plugins.rules.settings] bundled must be true or false")
        })?,
    };
    let list_error =
        || PluginError::new("[plugins.rules.settings] packs must be a list of file paths");
    let paths = match table.get("packs") {
        None => Vec::new(),
        Some(v) => v
            .as_array()
            .ok_or_else(list_error)?
            .iter()
            .map(|p| p.as_str().map(PathBuf::from).ok_or_else(list_error))
            .collect::<Result<Vec<_>, _>>()?,
    };
    Ok((bundled, paths))
}

impl Scorer for Rules {
    const NAME: &'static str = "rules";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const DESCRIPTION: &'static str =
        "rule packs written in TOML (bundled: the SCIE/NSPCC Analysis marker)";

    /// What the plugin scores before its settings are read: the bundled
    /// pack's metrics. An instance declares its own (see `instance_metrics`).
    fn metrics() -> Vec<Metric> {
        bundled_pack().map(|p| metrics_of(&p)).unwrap_or_default()
    }

    fn new(settings: &serde_json::Value) -> Result<Self, PluginError> {
        let (bundled, paths) = parse_settings(settings)?;
        Rules::from_packs(bundled, &paths)
    }

    fn instance_metrics(&self) -> Vec<Metric> {
        self.packs.iter().flat_map(metrics_of).collect()
    }

    fn score(&self, document: &Document<'_>) -> Result<Report, PluginError> {
        let mut report = Report::default();
        for pack in &self.packs {
            engine::score(pack, document, &mut report);
        }
        Ok(report)
    }
}

export_scorer!(Rules);

#[cfg(test)]
mod tests {
    use super::*;

    /// The one-pass search gives every pattern of the bundled pack exactly
    /// the matches of its own search, on every sample review.
    #[test]
    fn the_packs_one_pass_equals_each_pattern_alone_on_the_samples() {
        let pack = bundled_pack().unwrap();
        let reviews = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../reviews");
        let mut checked = 0;
        for entry in std::fs::read_dir(reviews).unwrap() {
            let path = entry.unwrap().path();
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            for (index, found) in pack.patterns.find_all(&text).iter().enumerate() {
                let alone = pack.patterns.find_iter(index, &text);
                assert_eq!(found, &alone, "pattern {index} in {}", path.display());
                checked += found.len();
            }
        }
        assert!(checked > 1000, "only {checked} matches checked");
    }

    #[test]
    fn the_bundled_pack_declares_the_four_analysis_metrics_with_their_rules() {
        let metrics = Rules::metrics();
        let ids: Vec<&str> = metrics.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "analysis_explains_why",
                "analysis_beyond_individuals",
                "analysis_hindsight_method",
                "analysis_findings_findable"
            ]
        );
        let rules = Rules::new(&serde_json::json!({})).unwrap();
        let declared = rules.instance_metrics();
        assert!(
            declared[0]
                .rules
                .contains(&"analysis.causal_language".to_string())
        );
    }

    #[test]
    fn settings_are_checked() {
        let err = |v: serde_json::Value| Rules::new(&v).err().unwrap().message;
        assert!(err(serde_json::json!({"pack": ["x"]})).contains("unknown key `pack`"));
        assert!(err(serde_json::json!({"bundled": false})).contains("no rule packs"));
        assert!(err(serde_json::json!({"packs": "x.toml"})).contains("list of file paths"));
        assert!(
            err(serde_json::json!({"packs": ["/no/such/pack.toml"]}))
                .contains("/no/such/pack.toml")
        );
    }

    #[test]
    fn a_pack_reusing_a_metric_id_is_refused() {
        let dir = std::env::temp_dir().join(format!("lessons-rules-dup-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("dup.toml");
        std::fs::write(
            &path,
            "[pack]\nid = \"dup\"\n[[metric]]\nid = \"analysis_explains_why\"\n\
             [[rule]]\nid = \"a\"\nmetric = \"analysis_explains_why\"\nkind = \"existence\"\nphrases = [\"x\"]\n",
        )
        .unwrap();
        let message = Rules::from_packs(true, &[path]).err().unwrap().message;
        assert!(
            message.contains("analysis_explains_why") && message.contains("rename one"),
            "{message}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
