//! A scoring run: load the plugins once, then ingest and score every review
//! in parallel, each document analysed once and shared by every plugin.
//! A file that cannot be read is skipped with its reason; a plugin that fails
//! on one review leaves an error on that review; the batch always goes on.

use crate::aggregate::{self, PluginOutcome};
use crate::batch::{
    Batch, DisabledPlugin, PluginRecord, RefusedPlugin, ReviewResult, Skipped, Tool,
};
use crate::config::{Config, RecurrenceRule};
use crate::discover;
use crate::ingest;
use crate::plugin::worker::{Opened, Outgoing, Pool, WorkerSettings};
use crate::plugin::{
    self, Instance, LoadError, Origin, Plugin, PluginSummary, Runner, Turns, trust,
};
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

/// How the plugins of a run are executed.
#[derive(Clone, Debug)]
pub enum Execution {
    /// In this process: fastest, but a plugin that crashes or hangs takes the
    /// batch with it.
    InProcess,
    /// Each plugin in worker processes with a deadline and resource limits.
    Isolated(WorkerSettings),
}

/// The plugins of a run: ready to score, and those refused.
pub struct Plugins {
    pub instances: Vec<(Runner, f64)>,
    pub refused: Vec<LoadError>,
    /// Plugins found but switched off in the configuration.
    pub disabled: Vec<PluginSummary>,
    /// Threads that score reviews; 0 for rayon's global pool (one per core).
    pub scoring_threads: usize,
    /// Where a thread waits for whichever of its plugins frees first.
    pub turns: Arc<Turns>,
}

/// How many reviews a scoring thread reads at once, before each plugin
/// scores them all in its turn: a plugin's automata then stay in the
/// processor's caches from one review to the next (in a worker too, which
/// then reads several reviews in a row). On 100 MB, in this process, groups
/// of eight cut the median wall time by 12%; four did as well as eight, and
/// 32 no better, with 20 MB more held. Isolated, each review in flight holds
/// a shared slot that every worker maps: with groups of eight, the
/// processes' resident sets summed to 286 MB, with four 211 MB.
const REVIEWS_PER_TURN: usize = 4;

impl Drop for Plugins {
    /// Every plugin's workers are told the run is over before any is
    /// reaped, so that they exit together, not one after another.
    fn drop(&mut self) {
        self.instances.iter().for_each(|(runner, _)| runner.end());
    }
}

impl Plugins {
    /// Provenance records for the plugins that take part.
    pub fn records(&self) -> Vec<PluginRecord> {
        self.instances
            .iter()
            .map(|(runner, _)| {
                let p = runner.summary();
                PluginRecord {
                    name: p.name.clone(),
                    version: p.version.clone(),
                    metrics: p.metrics.iter().map(|m| m.id.clone()).collect(),
                    path: p.path.clone(),
                    sha256: p.sha256.clone(),
                }
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

    /// The plugins disabled part-way through the run, and why.
    pub fn disabled_during_run(&self) -> Vec<DisabledPlugin> {
        self.instances
            .iter()
            .filter_map(|(runner, _)| {
                runner.disabled().map(|reason| DisabledPlugin {
                    name: runner.summary().name.clone(),
                    reason: reason.to_string(),
                })
            })
            .collect()
    }

    /// Every metric the plugins declare, the fixed ones first.
    pub fn metric_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = crate::config::FUNCTIONS
            .iter()
            .map(|s| s.to_string())
            .collect();
        for (runner, _) in &self.instances {
            for m in &runner.summary().metrics {
                if !ids.contains(&m.id) {
                    ids.push(m.id.clone());
                }
            }
        }
        ids
    }
}

/// The plugin libraries to try, in order: bundled, configured, named. Only
/// folders and files that pass [`trust`] checks are listed; the rest are
/// refused with the reason. The current folder is never searched unless
/// named.
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
    let mut candidates = Vec::new();
    let mut problems = Vec::new();
    for path in &sources.extra {
        if path.is_file() {
            candidates.push(path.clone());
        } else {
            folders.push((path.clone(), Origin::User));
        }
    }
    for (dir, origin) in folders {
        if let Err(e) = trust::check_folder(&dir) {
            problems.push(e);
            continue;
        }
        match plugin::libraries_in_folder(&dir, origin) {
            Ok(found) => candidates.extend(found),
            Err(e) => problems.push(LoadError::Open {
                path: dir,
                message: format!("cannot list the plugin folder: {e}"),
            }),
        }
    }
    let mut libraries = Vec::new();
    for path in candidates {
        match trust::absolute(&path).and_then(|p| trust::check_library(&p).map(|()| p)) {
            Ok(path) => libraries.push(path),
            Err(e) => problems.push(e),
        }
    }
    (libraries, problems)
}

/// Loads every plugin library in this process, refusing duplicates by name
/// and libraries whose hash differs from the configuration's pin.
pub fn load_plugins(
    config: &Config,
    sources: &PluginSources,
) -> (Vec<Arc<Plugin>>, Vec<LoadError>) {
    let (libraries, mut refused) = plugin_libraries(config, sources);
    // Opening and hashing a library is independent of the others; admitting
    // it is not (a name taken first wins), so that stays in order.
    let opened: Vec<_> = libraries
        .par_iter()
        .map(|path| plugin::load(path))
        .collect();
    let mut loaded: Vec<Arc<Plugin>> = Vec::new();
    for plugin in opened {
        let plugin = match plugin {
            Ok(p) => p,
            Err(e) => {
                refused.push(e);
                continue;
            }
        };
        match admit(
            config,
            &plugin.summary(),
            loaded.iter().map(|p| p.summary()),
        ) {
            Ok(()) => loaded.push(Arc::new(plugin)),
            Err(e) => refused.push(e),
        }
    }
    (loaded, refused)
}

/// Refuses a plugin pinned to another hash, or one whose name is taken.
fn admit(
    config: &Config,
    plugin: &PluginSummary,
    mut earlier: impl Iterator<Item = PluginSummary>,
) -> Result<(), LoadError> {
    let pinned = config.plugin(&plugin.name).sha256;
    trust::check_pin(
        &plugin.path,
        &plugin.name,
        &plugin.sha256,
        pinned.as_deref(),
    )?;
    match earlier.find(|q| q.name == plugin.name) {
        Some(first) => Err(LoadError::Duplicate {
            path: plugin.path.clone(),
            name: plugin.name.clone(),
            first: first.path,
        }),
        None => Ok(()),
    }
}

/// Loads the plugins and creates one instance of each enabled one, in this
/// process or in workers.
pub fn prepare_plugins(config: &Config, sources: &PluginSources, execution: &Execution) -> Plugins {
    match execution {
        Execution::InProcess => prepare_in_process(config, sources),
        Execution::Isolated(settings) => prepare_isolated(config, sources, settings),
    }
}

fn prepare_in_process(config: &Config, sources: &PluginSources) -> Plugins {
    let (loaded, mut refused) = load_plugins(config, sources);
    let mut instances = Vec::new();
    let mut disabled = Vec::new();
    let mut enabled = Vec::new();
    let turns = Arc::new(Turns::new());
    for plugin in loaded {
        let settings = config.plugin(&plugin.name);
        if settings.enabled {
            enabled.push((plugin, settings));
        } else {
            disabled.push(plugin.summary());
        }
    }
    // Creating an instance compiles its catalogues: the longest part of
    // starting, and independent from plugin to plugin.
    let created: Vec<_> = enabled
        .into_par_iter()
        .map(|(plugin, settings)| {
            let json = serde_json::to_value(&settings.settings).unwrap_or_default();
            (Instance::create(plugin, &json), settings.weight)
        })
        .collect();
    for (instance, weight) in created {
        match instance {
            Ok(instance) => {
                instances.push((Runner::in_process(instance, Arc::clone(&turns)), weight))
            }
            Err(e) => refused.push(e),
        }
    }
    Plugins {
        instances,
        refused,
        disabled,
        scoring_threads: 0,
        turns,
    }
}

/// The host never opens a plugin library itself here: each is loaded,
/// checked and created in its first worker.
fn prepare_isolated(config: &Config, sources: &PluginSources, workers: &WorkerSettings) -> Plugins {
    let (libraries, mut refused) = plugin_libraries(config, sources);
    // A shared slot for every review the scoring threads may hold at once:
    // no thread then waits for a slot (the plugins found bound the threads
    // made below).
    let cores = rayon::current_num_threads();
    let threads = isolated_scoring_threads(workers.max_workers, libraries.len(), cores);
    let workers = &workers.sharing(threads * REVIEWS_PER_TURN);
    // Starting a worker and creating its instance are independent from
    // plugin to plugin; admitting one is not (a name taken first wins), so
    // that stays in order, as in this process.
    let opened: Vec<_> = libraries
        .par_iter()
        .map(|path| Pool::open(workers.clone(), path))
        .collect();
    let mut admitted = Vec::new();
    let mut disabled = Vec::new();
    for opened in opened {
        let opened = match opened {
            Ok(opened) => opened,
            Err(e) => {
                refused.push(e);
                continue;
            }
        };
        let summary = opened.summary().clone();
        let earlier = admitted
            .iter()
            .map(|(o, _): &(Opened, _)| o.summary().clone());
        if let Err(e) = admit(config, &summary, earlier.chain(disabled.iter().cloned())) {
            refused.push(e);
            continue;
        }
        let settings = config.plugin(&summary.name);
        if settings.enabled {
            admitted.push((opened, settings));
        } else {
            disabled.push(summary);
        }
    }
    let created: Vec<_> = admitted
        .into_par_iter()
        .map(|(opened, settings)| {
            let json = serde_json::to_value(&settings.settings).unwrap_or_default();
            (opened.create(json), settings.weight)
        })
        .collect();
    let mut instances: Vec<(Runner, f64)> = Vec::new();
    for (pool, weight) in created {
        match pool {
            Ok(pool) => instances.push((Runner::Isolated(pool), weight)),
            Err(e) => refused.push(e),
        }
    }
    let scoring_threads = isolated_scoring_threads(workers.max_workers, instances.len(), cores);
    Plugins {
        instances,
        refused,
        disabled,
        scoring_threads,
        turns: Arc::clone(&workers.turns),
    }
}

/// Scoring threads for isolated plugins. With fewer workers per plugin than
/// cores (one, the default), more threads than cores: a thread waiting on a
/// worker uses no core, and with one thread per core the workers sat idle
/// while their threads read, analysed and aggregated reviews (on two cores,
/// 200 reviews took 5.1 s with two threads, 4.0 s with six and 3.4 s
/// in-process, for the same CPU time). But not one per worker: with groups
/// of reviews, two threads per core are enough, and more only keep more
/// workers running at once on each core, each evicting the others' automata
/// from its caches (100 MB, six rounds interleaved, median wall and CPU:
/// seven threads one review at a time 4.71 s and 9.05 s, four threads with
/// groups of eight 4.33 s and 8.32 s, in-process 3.75 s and 7.06 s; three
/// rounds later, four threads with groups of four 3.70 s and 6.81 s, three
/// threads 3.87 s and 6.88 s, in-process 3.30 s and 6.30 s). More threads
/// than workers could only wait. With a worker per thread, one thread per
/// core.
fn isolated_scoring_threads(workers_per_plugin: usize, plugins: usize, cores: usize) -> usize {
    if workers_per_plugin >= cores {
        return cores;
    }
    (workers_per_plugin * plugins).min(2 * cores).max(cores)
}

/// What a caller may watch of a batch as it runs, called from the scoring
/// threads: a progress bar counts files, a journal streams each review as it
/// finishes and says which reviews a resumed run already has.
pub trait Observer: Sync {
    /// The batch holds this many files.
    fn started(&self, _files: usize) {}

    /// Whether the review with this content hash is already done.
    fn already_done(&self, _review_sha256: &str) -> bool {
        false
    }

    /// A review has been scored.
    fn scored(&self, _review: &ReviewResult, _review_sha256: &str) {}

    /// A file is settled, whatever its fate (scored, skipped, already done).
    fn settled(&self, _path: &Path) {}

    /// Every file is settled.
    fn finished(&self) {}
}

/// Watches nothing: the batch is only returned.
pub struct Unobserved;

impl Observer for Unobserved {}

/// Two observers watching one batch.
pub struct Both<'a>(pub &'a dyn Observer, pub &'a dyn Observer);

impl Observer for Both<'_> {
    fn started(&self, files: usize) {
        self.0.started(files);
        self.1.started(files);
    }

    fn already_done(&self, review_sha256: &str) -> bool {
        self.0.already_done(review_sha256) || self.1.already_done(review_sha256)
    }

    fn scored(&self, review: &ReviewResult, review_sha256: &str) {
        self.0.scored(review, review_sha256);
        self.1.scored(review, review_sha256);
    }

    fn settled(&self, path: &Path) {
        self.0.settled(path);
        self.1.settled(path);
    }

    fn finished(&self) {
        self.0.finished();
        self.1.finished();
    }
}

/// What a run keeps of each review once its observer has seen it. The
/// evidence is most of a result (about 30 MB of JSON per 100 MB of text), and
/// not every report reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retention {
    /// Every review whole: for the reports that show evidence.
    Whole,
    /// The scores, errors and warnings, and of the evidence only the lessons
    /// the recurrence step compares: for a report of scores (the table).
    Scores,
    /// The scores, errors and warnings alone, for a run whose observer writes
    /// each review whole as it finishes (JSON Lines): memory holds the reviews
    /// in flight, and a few hundred bytes for each review done. Lines already
    /// written cannot be discounted, so the recurrence step is not applied.
    Written,
}

impl Retention {
    /// What the batch keeps of `review`.
    fn keep(self, mut review: ReviewResult, recurrence: &RecurrenceRule) -> ReviewResult {
        match self {
            Retention::Whole => {}
            Retention::Scores => {
                review
                    .evidence
                    .retain(|e| crate::recurrence::reads(recurrence, e));
                review.evidence.shrink_to_fit();
            }
            Retention::Written => review.evidence = Vec::new(),
        }
        review
    }
}

/// Scores every review under `paths`.
pub fn score(paths: &[PathBuf], plugins: &Plugins, config: &Config) -> Batch {
    score_observed(paths, plugins, config, &Unobserved, Retention::Whole)
}

/// One file's fate in a run.
enum Fate {
    Scored(ReviewResult),
    AlreadyDone(PathBuf),
    Skipped(Skipped),
}

/// Scores every review under `paths` that `observer` does not already have,
/// handing each to `observer` as it finishes and keeping what `retention`
/// says of it.
pub fn score_observed(
    paths: &[PathBuf],
    plugins: &Plugins,
    config: &Config,
    observer: &dyn Observer,
    retention: Retention,
) -> Batch {
    let (files, unwalkable) = discover::review_files(paths, ingest::EXTENSIONS);
    observer.started(files.len());
    let mut skipped: Vec<Skipped> = unwalkable
        .into_iter()
        .map(|u| Skipped {
            reason: format!("{}: {}", u.path.display(), u.reason),
            path: u.path,
            kind: u.kind.into(),
        })
        .collect();
    let settle_all = || -> Vec<Fate> {
        let groups: Vec<Vec<Fate>> = files
            .par_chunks(REVIEWS_PER_TURN)
            // Every group its own task: rayon splits a range only when a
            // thread steals from it, so a thread could be left running a long
            // run of groups alone while the other had nothing to steal (half
            // a second at the end of 500 MB).
            .with_max_len(1)
            .map(|paths| {
                let fates = settle_group(paths, plugins, config, observer, retention);
                for path in paths {
                    observer.settled(path);
                }
                fates
            })
            .collect();
        groups.into_iter().flatten().collect()
    };
    let fates = match scoring_pool(plugins.scoring_threads) {
        Some(pool) => pool.install(settle_all),
        None => settle_all(),
    };
    observer.finished();
    let mut reviews = Vec::with_capacity(fates.len());
    let mut already_done = Vec::new();
    for fate in fates {
        match fate {
            Fate::Scored(review) => reviews.push(review),
            Fate::AlreadyDone(path) => already_done.push(path),
            Fate::Skipped(skip) => skipped.push(skip),
        }
    }
    let mut batch = Batch {
        tool: Tool::this(),
        config_sha256: config.sha256.clone(),
        plugins: plugins.records(),
        reviews,
        skipped,
        refused_plugins: plugins.refusals(),
        disabled_plugins: plugins.disabled_during_run(),
        already_done,
    };
    if retention != Retention::Written {
        crate::recurrence::discount(&mut batch, config);
    }
    batch
}

/// A pool of `threads` scoring threads, or `None` for rayon's global pool
/// (also where a pool cannot be made: the run goes on with one per core).
fn scoring_pool(threads: usize) -> Option<rayon::ThreadPool> {
    if threads == 0 || threads == rayon::current_num_threads() {
        return None;
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .ok()
}

/// A file of a group, once read.
enum Read {
    /// Parsed, with its hash for the journal.
    Ready(crate::document::Document, String),
    /// Already done in a resumed run, or skipped.
    Settled(Fate),
}

/// The fates of a group of files, in order: each already done in a resumed
/// run, scored, or skipped. The files are read first; then each plugin
/// scores every review of the group in its turn.
fn settle_group(
    paths: &[PathBuf],
    plugins: &Plugins,
    config: &Config,
    observer: &dyn Observer,
    retention: Retention,
) -> Vec<Fate> {
    let read: Vec<Read> = paths
        .iter()
        .map(|path| read_unless_done(path, observer))
        .collect();
    let documents: Vec<&crate::document::Document> = read
        .iter()
        .filter_map(|read| match read {
            Read::Ready(document, _) => Some(document),
            Read::Settled(_) => None,
        })
        .collect();
    let mut scored = score_documents(&documents, plugins, config).into_iter();
    read.into_iter()
        .map(|read| match read {
            Read::Settled(fate) => fate,
            Read::Ready(_, hash) => {
                let review = scored.next().expect("a result for every document read");
                observer.scored(&review, &hash);
                Fate::Scored(retention.keep(review, &config.recurrence))
            }
        })
        .collect()
}

/// A file read and parsed, unless it was already done in a resumed run or
/// cannot be read. The file is read once: hashed for the journal, then
/// parsed.
fn read_unless_done(path: &Path, observer: &dyn Observer) -> Read {
    let source = match ingest::open(path, &ingest::Limits::default()) {
        Ok(source) => source,
        Err(e) => return Read::Settled(Fate::Skipped(skipped(path, &e))),
    };
    let hash = source.sha256();
    if observer.already_done(&hash) {
        return Read::Settled(Fate::AlreadyDone(path.to_path_buf()));
    }
    match source.parse(&ingest::Limits::default()) {
        Ok(document) => Read::Ready(document, hash),
        Err(e) => Read::Settled(Fate::Skipped(skipped(path, &e))),
    }
}

/// Reads and scores one file.
pub fn score_file(
    path: &Path,
    plugins: &Plugins,
    config: &Config,
) -> Result<ReviewResult, Skipped> {
    let document = ingest::read(path).map_err(|e| skipped(path, &e))?;
    Ok(score_document(&document, plugins, config))
}

/// A file that could not be read, as the batch lists it.
fn skipped(path: &Path, e: &ingest::IngestError) -> Skipped {
    Skipped {
        path: path.to_path_buf(),
        kind: e.kind().into(),
        reason: e.to_string(),
    }
}

/// Scores a document already read.
fn score_document(
    document: &crate::document::Document,
    plugins: &Plugins,
    config: &Config,
) -> ReviewResult {
    score_documents(&[document], plugins, config)
        .pop()
        .expect("one result for one document")
}

/// Scores documents already read, each plugin taking them all in its turn.
fn score_documents(
    documents: &[&crate::document::Document],
    plugins: &Plugins,
    config: &Config,
) -> Vec<ReviewResult> {
    // A group whose files were all skipped or already done asks no plugin.
    if documents.is_empty() {
        return Vec::new();
    }
    let mut by_plugin = score_with_each(documents, &plugins.instances, &plugins.turns)
        .into_iter()
        .map(Vec::into_iter)
        .collect::<Vec<_>>();
    documents
        .iter()
        .map(|document| {
            let outcomes = plugins
                .instances
                .iter()
                .zip(by_plugin.iter_mut())
                .map(|((runner, weight), results)| PluginOutcome {
                    plugin: &runner.summary().name,
                    weight: *weight,
                    result: results.next().expect("a result for every document"),
                })
                .collect();
            aggregate::review(document, outcomes, config)
        })
        .collect()
}

/// Every plugin's results for `documents`, in the plugins' order, each
/// plugin's in the documents' order. A plugin takes all the documents in one
/// turn: its automata stay in the processor's caches from one review to the
/// next. Plugins are taken in whatever order they are free: a thread scores
/// with any plugin no other thread is using (in this process) or whose
/// worker is idle (isolated), and when all it still needs are busy it waits
/// for whichever frees first (`turns`), so that two threads do not queue for
/// the same plugin while another sits idle, nor a core for one plugin while
/// another is free.
fn score_with_each(
    documents: &[&crate::document::Document],
    instances: &[(Runner, f64)],
    turns: &Turns,
) -> Vec<Vec<Result<plugin::validate::Validated, plugin::ScoreError>>> {
    let outgoing: Vec<Outgoing> = documents.iter().map(|d| Outgoing::new(d)).collect();
    let mut results: Vec<Vec<_>> = instances.iter().map(|_| Vec::new()).collect();
    // Each thread starts at its own place in the plugins, so that threads
    // seldom want the same plugin at once.
    let plugins = instances.len().max(1);
    let first =
        rayon::current_thread_index().unwrap_or(0) * plugins / rayon::current_num_threads().max(1);
    let mut waiting: Vec<usize> = (0..instances.len())
        .map(|i| (i + first) % plugins)
        .collect();
    let waits = waits_for_its_turn(instances.len(), rayon::current_num_threads());
    while let Some(&first) = waiting.first() {
        let seen = turns.seen();
        let before = waiting.len();
        waiting.retain(|&i| match instances[i].0.try_score_all(&outgoing) {
            Some(scored) => {
                results[i] = scored;
                false
            }
            None => true,
        });
        if waiting.len() < before {
            continue;
        }
        let beside = (!waits)
            .then(|| instances[first].0.score_all_beside(&outgoing))
            .flatten();
        match beside {
            Some(scored) => {
                results[first] = scored;
                waiting.remove(0);
            }
            None => turns.wait_after(seen),
        }
    }
    results
}

/// Whether a thread whose remaining plugins are all busy waits for its turn
/// at one, rather than scoring beside the thread using it: yes while there
/// are at least as many plugins as scoring threads, so that no thread waits
/// long and each plugin keeps one set of DFA caches. Scoring beside, the
/// second set learnt the same states again: in-process on two cores, peak
/// RSS was 96-101 MB on 500 MB and 102 MB on the 100 MB corpus three times
/// over, where waiting held 90-91 and 88 MB, in no more time (500 MB, three
/// interleaved rounds: 9.9-10.7 s against 10.6-12.0 s). With fewer plugins
/// than threads, waiting would leave threads idle: one plugin alone would
/// score one review at a time. Only a plugin in this process can be scored
/// beside another thread; for one in workers a thread always waits.
fn waits_for_its_turn(plugins: usize, scoring_threads: usize) -> bool {
    plugins >= scoring_threads
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::{EvidenceRecord, ReviewError};
    use std::collections::BTreeMap;

    #[test]
    fn a_thread_waits_for_a_busy_plugin_only_with_a_plugin_for_every_thread() {
        assert!(waits_for_its_turn(7, 2), "the bundled plugins on two cores");
        assert!(waits_for_its_turn(2, 2));
        assert!(
            !waits_for_its_turn(1, 2),
            "one plugin alone scores in parallel"
        );
        assert!(!waits_for_its_turn(3, 8));
    }

    #[test]
    fn an_isolated_run_has_a_scoring_thread_per_worker_up_to_two_per_core_and_one_per_core_at_least()
     {
        assert_eq!(isolated_scoring_threads(1, 7, 2), 4, "the bundled plugins");
        assert_eq!(isolated_scoring_threads(1, 3, 2), 3);
        assert_eq!(isolated_scoring_threads(1, 1, 4), 4);
        assert_eq!(isolated_scoring_threads(2, 7, 4), 8);
        assert_eq!(
            isolated_scoring_threads(2, 7, 2),
            2,
            "a worker per thread needs no more threads"
        );
    }

    fn cited(rule: &str, weight: f64) -> EvidenceRecord {
        EvidenceRecord {
            metric: rule.split('.').next().unwrap_or_default().into(),
            plugin: "new_lessons".into(),
            start: 0,
            end: 1,
            line: 1,
            column: 1,
            page: None,
            section: "Findings".into(),
            section_kind: "findings".into(),
            text: "The referral portal dropped attachments.".into(),
            note: String::new(),
            rule: rule.into(),
            weight,
        }
    }

    fn review() -> ReviewResult {
        ReviewResult {
            id: "a".into(),
            path: PathBuf::from("a.md"),
            title: "A".into(),
            words: 1000,
            scores: BTreeMap::from([("new_lessons".to_string(), Some(60.0))]),
            learning_index: 42.0,
            adds_real_learning: true,
            evidence: vec![
                cited("new_lessons.mechanism", 1.0),
                cited("new_lessons.mechanism", 0.0),
                cited("new_lessons.known_lesson", 1.0),
                cited("handwringing.recommendation", 1.0),
            ],
            errors: vec![ReviewError {
                plugin: "hindsight".into(),
                kind: "timeout".into(),
                message: "too slow".into(),
            }],
            warnings: vec!["new_lessons: short".into()],
        }
    }

    fn rules(kept: &ReviewResult) -> Vec<(&str, f64)> {
        kept.evidence
            .iter()
            .map(|e| (e.rule.as_str(), e.weight))
            .collect()
    }

    #[test]
    fn a_table_run_keeps_only_the_lessons_recurrence_compares() {
        let recurrence = RecurrenceRule::default();
        assert_eq!(
            rules(&Retention::Whole.keep(review(), &recurrence)).len(),
            4
        );
        let kept = Retention::Scores.keep(review(), &recurrence);
        assert_eq!(rules(&kept), [("new_lessons.mechanism", 1.0)]);
        let switched_off = RecurrenceRule {
            enabled: false,
            ..RecurrenceRule::default()
        };
        assert!(
            Retention::Scores
                .keep(review(), &switched_off)
                .evidence
                .is_empty()
        );
    }

    #[test]
    fn a_written_review_keeps_no_evidence_but_everything_the_summary_reads() {
        let kept = Retention::Written.keep(review(), &RecurrenceRule::default());
        assert!(kept.evidence.is_empty());
        let whole = review();
        assert_eq!(
            (&kept.id, &kept.path, &kept.title, kept.words),
            (&whole.id, &whole.path, &whole.title, whole.words)
        );
        assert_eq!(kept.scores, whole.scores);
        assert_eq!(
            (kept.learning_index, kept.adds_real_learning),
            (whole.learning_index, whole.adds_real_learning)
        );
        assert_eq!(kept.errors.len(), 1);
        assert_eq!(kept.warnings, whole.warnings);
    }
}
