//! A scoring run: load the plugins once, then ingest and score every review
//! in parallel, each document analysed once and shared by every plugin.
//! A file that cannot be read is skipped with its reason; a plugin that fails
//! on one review leaves an error on that review; the batch always goes on.

use crate::aggregate::{self, PluginOutcome};
use crate::batch::{Batch, PluginRecord, RefusedPlugin, ReviewResult, Skipped, Tool};
use crate::config::Config;
use crate::discover;
use crate::ingest;
use crate::plugin::{self, Instance, LoadError, Origin, Plugin};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where to look for plugins beyond the configuration.
#[derive(Clone, Debug, Default)]
pub struct PluginSources {
    /// The folder of the `lessons` binary, searched for bundled plugins.
    pub bundled_dir: Option<PathBuf>,
    /// Folders or library files named on the command line.
    pub extra: Vec<PathBuf>,
}

impl PluginSources {
    /// The bundled folder is the one holding the running `lessons` binary.
    pub fn beside_executable(extra: Vec<PathBuf>) -> PluginSources {
        let bundled_dir = std::env::current_exe()
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf));
        PluginSources { bundled_dir, extra }
    }
}

/// The plugins of a run: loaded, instantiated, and those refused.
pub struct Plugins {
    pub instances: Vec<(Instance, f64)>,
    pub refused: Vec<LoadError>,
    /// Plugins found but switched off in the configuration.
    pub disabled: Vec<Arc<Plugin>>,
}

impl Plugins {
    /// Provenance records for the plugins that take part.
    pub fn records(&self) -> Vec<PluginRecord> {
        self.instances
            .iter()
            .map(|(i, _)| PluginRecord {
                name: i.plugin.name.clone(),
                version: i.plugin.version.clone(),
                metrics: i.metrics.iter().map(|m| m.id.clone()).collect(),
                path: i.plugin.path.clone(),
                sha256: i.plugin.sha256.clone(),
            })
            .collect()
    }

    /// The refusals, as the output contract records them.
    pub fn refusals(&self) -> Vec<RefusedPlugin> {
        self.refused
            .iter()
            .map(|e| RefusedPlugin {
                path: e.path().to_path_buf(),
                kind: e.kind().into(),
                reason: e.to_string(),
            })
            .collect()
    }

    /// Every metric the plugins declare, the fixed ones first.
    pub fn metric_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = crate::config::FUNCTIONS
            .iter()
            .map(|s| s.to_string())
            .collect();
        for (instance, _) in &self.instances {
            for m in &instance.metrics {
                if !ids.contains(&m.id) {
                    ids.push(m.id.clone());
                }
            }
        }
        ids
    }
}

/// The plugin libraries to try, in order: bundled, configured, named.
pub fn plugin_libraries(
    config: &Config,
    sources: &PluginSources,
) -> (Vec<PathBuf>, Vec<LoadError>) {
    let mut folders: Vec<(PathBuf, Origin)> = Vec::new();
    if config.bundled_plugins
        && let Some(dir) = &sources.bundled_dir
    {
        folders.push((dir.clone(), Origin::Bundled));
    }
    folders.extend(
        config
            .resolved_plugin_dirs()
            .into_iter()
            .map(|d| (d, Origin::User)),
    );
    let mut libraries = Vec::new();
    let mut problems = Vec::new();
    for path in &sources.extra {
        if path.is_file() {
            libraries.push(path.clone());
        } else {
            folders.push((path.clone(), Origin::User));
        }
    }
    for (dir, origin) in folders {
        match plugin::libraries_in_folder(&dir, origin) {
            Ok(found) => libraries.extend(found),
            Err(e) => problems.push(LoadError::Open {
                path: dir,
                message: format!("cannot list the plugin folder: {e}"),
            }),
        }
    }
    (libraries, problems)
}

/// Loads every plugin library, refusing duplicates by name.
pub fn load_plugins(
    config: &Config,
    sources: &PluginSources,
) -> (Vec<Arc<Plugin>>, Vec<LoadError>) {
    let (libraries, mut refused) = plugin_libraries(config, sources);
    let mut loaded: Vec<Arc<Plugin>> = Vec::new();
    for path in libraries {
        match plugin::load(&path) {
            Ok(p) => match loaded.iter().find(|q| q.name == p.name) {
                Some(first) => refused.push(LoadError::Duplicate {
                    path,
                    name: p.name.clone(),
                    first: first.path.clone(),
                }),
                None => loaded.push(Arc::new(p)),
            },
            Err(e) => refused.push(e),
        }
    }
    (loaded, refused)
}

/// Loads the plugins and creates one instance of each enabled one.
pub fn prepare_plugins(config: &Config, sources: &PluginSources) -> Plugins {
    let (loaded, mut refused) = load_plugins(config, sources);
    let mut instances = Vec::new();
    let mut disabled = Vec::new();
    for plugin in loaded {
        let settings = config.plugin(&plugin.name);
        if !settings.enabled {
            disabled.push(plugin);
            continue;
        }
        let json = serde_json::to_value(&settings.settings).unwrap_or_default();
        match Instance::create(plugin, &json) {
            Ok(instance) => instances.push((instance, settings.weight)),
            Err(e) => refused.push(e),
        }
    }
    Plugins {
        instances,
        refused,
        disabled,
    }
}

/// Scores every review under `paths`.
pub fn score(paths: &[PathBuf], plugins: &Plugins, config: &Config) -> Batch {
    let (files, unwalkable) = discover::review_files(paths, ingest::EXTENSIONS);
    let mut skipped: Vec<Skipped> = unwalkable
        .into_iter()
        .map(|u| Skipped {
            reason: format!("{}: {}", u.path.display(), u.reason),
            path: u.path,
            kind: "unwalkable".into(),
        })
        .collect();
    let outcomes: Vec<Result<ReviewResult, Skipped>> = files
        .par_iter()
        .map(|path| score_file(path, plugins, config))
        .collect();
    let mut reviews = Vec::with_capacity(outcomes.len());
    for outcome in outcomes {
        match outcome {
            Ok(review) => reviews.push(review),
            Err(skip) => skipped.push(skip),
        }
    }
    let mut batch = Batch {
        tool: Tool::this(),
        plugins: plugins.records(),
        reviews,
        skipped,
        refused_plugins: plugins.refusals(),
    };
    crate::recurrence::discount(&mut batch, config);
    batch
}

/// Reads and scores one file.
pub fn score_file(
    path: &Path,
    plugins: &Plugins,
    config: &Config,
) -> Result<ReviewResult, Skipped> {
    let document = ingest::read(path).map_err(|e| Skipped {
        path: path.to_path_buf(),
        kind: e.kind().into(),
        reason: e.to_string(),
    })?;
    let outcomes = plugins
        .instances
        .iter()
        .map(|(instance, weight)| PluginOutcome {
            plugin: &instance.plugin.name,
            weight: *weight,
            result: instance.score(&document),
        })
        .collect();
    Ok(aggregate::review(&document, outcomes, config))
}
