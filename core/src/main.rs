//! The `lessons` binary: parses arguments and hands each command to one
//! top-level function. No logic lives here beyond the exit status.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use lessons::batch::{Batch, Tool};
use lessons::blind::{self, Destination, rules::Rules};
use lessons::config::Config;
use lessons::coverage::Coverage;
use lessons::journal::Journal;
use lessons::plugin::worker::{WorkerSettings, serve};
use lessons::report::blind::BlindFormat;
use lessons::report::{self, Format, check};
use lessons::run::{self, Execution, PluginSources};
use lessons::validate::{self as validation, Labels, Split};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit status when the run finished but some files were skipped or some
/// plugins failed on some reviews: distinct from success (0) and failure (2).
const EXIT_PARTIAL: u8 = 3;
/// Exit status when lessons could not do what was asked.
const EXIT_ERROR: u8 = 2;
/// Exit status when a rule pack's examples failed.
const EXIT_FAILED: u8 = 1;

#[derive(Parser)]
#[command(
    name = "lessons",
    version,
    about = "Scores child-safeguarding case reviews for the learning they add"
)]
struct Cli {
    /// The configuration file (default: lessons.toml upward from the current folder).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// A plugin folder or library to load, beside the bundled plugins (repeatable).
    #[arg(long = "plugins", global = true, value_name = "DIR")]
    plugin_dirs: Vec<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Score reviews (files or folders) with every plugin.
    Score {
        /// Review files or folders of reviews.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The output format.
        #[arg(long, short, value_enum, default_value = "table")]
        format: Format,
        /// Write the report to this file instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// With `--format jsonl -o FILE`: keep the results already in FILE
        /// and score only the reviews it does not have.
        #[arg(long)]
        resume: bool,
        /// Run plugins inside this process: faster, but a plugin that
        /// crashes or hangs takes the whole batch with it.
        #[arg(long)]
        in_process: bool,
    },
    /// List the plugins found, and the reason for each one refused.
    Plugins,
    /// Show what the scorers see of one file: its text and recovered structure.
    Extract {
        /// A review file (.pdf, .docx, .odt, .html, .txt, .md).
        file: PathBuf,
        /// The output format.
        #[arg(long, short, value_enum, default_value = "text")]
        format: ExtractFormat,
    },
    /// Run the positive and negative examples of rule packs (default: the
    /// bundled pack). Exits 1 if any example fails.
    TestRules {
        /// Rule pack files (TOML).
        packs: Vec<PathBuf>,
    },
    /// Make a plugin project outside the workspace that builds against this
    /// checkout's SDK and scores at once.
    NewPlugin {
        /// The plugin's name: also its metric id and library name.
        name: String,
        /// The language of the project.
        #[arg(long, value_enum, default_value = "rust")]
        lang: PluginLang,
        /// The folder to make the project in (default: the current folder).
        #[arg(long, value_name = "PARENT", default_value = ".")]
        dir: PathBuf,
    },
    /// Blind case narratives for a blind review (outcome removed, names,
    /// places and dates replaced, files renamed to codes); with --score,
    /// measure how far each plugin's scores move when the outcome is hidden.
    Blind(BlindArgs),
    /// Measure how far the scores agree with expert labels.
    Validate {
        /// The labels file: [reviews.<id>] tables of 0–4 levels per metric.
        #[arg(long, value_name = "FILE")]
        labels: PathBuf,
        /// Which labelled reviews to validate on.
        #[arg(long, value_enum, default_value = "all")]
        split: Split,
        /// A metric to validate (repeatable; default: every labelled metric).
        #[arg(long = "metric", value_name = "M")]
        metrics: Vec<String>,
        /// The output format.
        #[arg(long, short, value_enum, default_value = "text")]
        format: ValidationFormat,
        /// Review files or folders (default: the labels file's folder).
        paths: Vec<PathBuf>,
    },
    /// Check a draft before publication: each problem at its place, the
    /// scores, and whether it passes the thresholds. Exit status: 0 pass,
    /// 1 a threshold failed, 2 the check could not run, 3 a plugin failed
    /// on the draft (scores partial) but no threshold failed.
    Check {
        /// The draft review.
        draft: PathBuf,
        /// Fail when a metric is above or below a limit, e.g. handwringing>50,
        /// learning_index<40, findings>0 (repeatable; adds to lessons.toml's [check]).
        #[arg(long = "fail-on", value_name = "METRIC>N")]
        fail_on: Vec<check::Threshold>,
        /// Accepted findings to silence (TOML: [[waiver]] rule, text_hash, reason, who).
        #[arg(long, value_name = "FILE")]
        waivers: Option<PathBuf>,
    },
    /// Internal: serve one plugin to a `lessons score` process over pipes.
    #[command(name = "__worker", hide = true)]
    Worker {
        #[arg(long, value_name = "LIBRARY")]
        plugin: PathBuf,
        /// Read-only descriptors of the host's shared document slots.
        #[arg(long, value_name = "FD,...", value_delimiter = ',')]
        slots: Vec<i32>,
    },
}

/// How `lessons extract` prints a document.
#[derive(Clone, Copy, clap::ValueEnum)]
enum ExtractFormat {
    Text,
    Json,
}

/// The languages `lessons new-plugin` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum PluginLang {
    Rust,
    C,
}

/// How `lessons validate` prints its figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ValidationFormat {
    Text,
    Json,
}

/// What `lessons score` was asked to do.
struct ScoreRequest<'a> {
    paths: &'a [PathBuf],
    format: Format,
    output: Option<&'a Path>,
    resume: bool,
    in_process: bool,
}

#[derive(clap::Args)]
struct BlindArgs {
    /// Case files or folders to blind.
    #[arg(required_unless_present = "score", conflicts_with = "score")]
    cases: Vec<PathBuf>,
    /// The panel's folder for the blinded cases (must be new or empty).
    #[arg(long, short, value_name = "DIR", required_unless_present = "score")]
    output: Option<PathBuf>,
    /// The seed that draws the case codes and their order (default: from the clock, recorded in the key).
    #[arg(long)]
    seed: Option<u64>,
    /// The key file, code → original: written when blinding, read when scoring (default: DIR.key.toml beside the folder).
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    /// The redaction log: Markdown, or JSON if the name ends in .json (default: DIR.redactions.md beside the folder).
    #[arg(long, value_name = "FILE", conflicts_with = "score")]
    log: Option<PathBuf>,
    /// More blinding rules, added to the bundled ones (repeatable; same shape as core/src/blind/rules.toml).
    #[arg(long = "rules", value_name = "FILE", conflicts_with = "score")]
    rules: Vec<PathBuf>,
    /// Score the blinded cases in DIR against the originals named in the key.
    #[arg(long, value_name = "DIR")]
    score: Option<PathBuf>,
    /// The matched pairs, saying which case had the bad outcome (default: pairs.toml beside the originals).
    #[arg(long, value_name = "FILE", requires = "score")]
    pairs: Option<PathBuf>,
    /// The output format of --score.
    #[arg(long, short, value_enum, default_value = "table", requires = "score")]
    format: BlindFormat,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match &cli.command {
        Command::Score {
            paths,
            format,
            output,
            resume,
            in_process,
        } => score(
            &cli,
            &ScoreRequest {
                paths,
                format: *format,
                output: output.as_deref(),
                resume: *resume,
                in_process: *in_process,
            },
        ),
        Command::Plugins => plugins(&cli),
        Command::Extract { file, format } => extract(file, *format),
        Command::TestRules { packs } => test_rules(packs),
        Command::NewPlugin { name, lang, dir } => new_plugin(name, *lang, dir),
        Command::Blind(args) => match &args.score {
            Some(panel) => blind_score(&cli, args, panel),
            None => blind(args),
        },
        Command::Validate {
            labels,
            split,
            metrics,
            format,
            paths,
        } => validate(&cli, labels, *split, metrics, *format, paths),
        Command::Worker { plugin, slots } => worker(plugin, slots),
        Command::Check {
            draft,
            fail_on,
            waivers,
        } => check(&cli, draft, fail_on, waivers.as_deref()),
    };
    match outcome {
        Ok(code) => code,
        Err(e) => {
            eprintln!("lessons: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn load_config(cli: &Cli) -> Result<Config> {
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    Ok(Config::discover(cli.config.as_deref(), &cwd)?)
}

/// The top-level entry point for `lessons score`.
fn score(cli: &Cli, request: &ScoreRequest) -> Result<ExitCode> {
    if request.format == Format::Qdpx && request.output.is_none() && std::io::stdout().is_terminal()
    {
        anyhow::bail!("a .qdpx project is a zip archive; write it to a file with -o FILE.qdpx");
    }
    let config = load_config(cli)?;
    let streamed = request.format == Format::Jsonl;
    if request.resume && !(streamed && request.output.is_some()) {
        anyhow::bail!("--resume needs --format jsonl -o FILE: only that output can be resumed");
    }
    let execution = if request.in_process {
        Execution::InProcess
    } else {
        let program = std::env::current_exe().context("cannot find the lessons binary")?;
        Execution::Isolated(WorkerSettings::new(program, &config.isolation))
    };
    let plugins = run::prepare_plugins(
        &config,
        &PluginSources::beside_executable(cli.plugin_dirs.clone()),
        &execution,
    );
    for refused in &plugins.refused {
        eprintln!("lessons: plugin refused: {refused}");
    }
    if plugins.instances.is_empty() {
        anyhow::bail!(
            "no plugins to score with; build the bundled ones with `cargo build --release`, or name a folder with --plugins DIR"
        );
    }
    let progress = report::Progress::on_stderr();
    let coverage = Coverage::default();
    let watching = run::Both(&progress, &coverage);
    let batch = if streamed {
        score_streaming(request, &plugins, &config, &watching)?
    } else {
        let batch = run::score_observed(
            request.paths,
            &plugins,
            &config,
            &watching,
            request.format.retention(),
        );
        let mut rendered = Vec::new();
        report::write(&batch, request.format, &plugins.metric_ids(), &mut rendered)?;
        match request.output {
            Some(path) => write_atomically(path, &rendered)?,
            None => std::io::stdout()
                .write_all(&rendered)
                .context("cannot write to standard output")?,
        }
        batch
    };
    say_what_was_missed(&batch);
    say_which_rules_were_silent(&coverage, batch.reviews.len(), &plugins);
    let partial = !batch.skipped.is_empty()
        || !batch.disabled_plugins.is_empty()
        || batch.reviews.iter().any(|r| !r.errors.is_empty());
    Ok(if partial {
        ExitCode::from(EXIT_PARTIAL)
    } else {
        ExitCode::SUCCESS
    })
}

/// JSON Lines: each review written and flushed as it finishes, to a file that
/// `--resume` can pick up after a killed run, or to standard output. The
/// batch returned keeps no evidence, so memory does not grow with the batch;
/// nor is it discounted for recurrence, which would change lines already
/// written (see `run::Retention::Written`).
fn score_streaming(
    request: &ScoreRequest,
    plugins: &run::Plugins,
    config: &Config,
    watching: &dyn run::Observer,
) -> Result<Batch> {
    let journal = match request.output {
        Some(path) => {
            let (journal, found) = Journal::open(
                path,
                request.resume,
                Tool::this(),
                &config.sha256,
                plugins.records(),
            )?;
            if request.resume {
                eprintln!("lessons: resuming {}: {found}", path.display());
            }
            journal
        }
        None => Journal::stdout(Tool::this(), &config.sha256, plugins.records()),
    };
    let batch = run::score_observed(
        request.paths,
        plugins,
        config,
        &run::Both(&journal, watching),
        run::Retention::Written,
    );
    journal.finish()?;
    Ok(batch)
}

/// Never silent: when nothing was scored, or something was skipped, say so on
/// stderr even when the report went to a file.
fn say_what_was_missed(batch: &Batch) {
    if batch.reviews.is_empty() && batch.skipped.is_empty() {
        eprintln!(
            "lessons: no reviews found; lessons reads {} files; check the paths",
            lessons::ingest::EXTENSIONS.join(", ")
        );
    }
    for disabled in &batch.disabled_plugins {
        eprintln!("lessons: plugin {} {}", disabled.name, disabled.reason);
    }
    if !batch.skipped.is_empty() {
        eprintln!("lessons: {} file(s) skipped:", batch.skipped.len());
        for s in &batch.skipped {
            eprintln!("  {}", s.reason);
        }
    }
}

/// Never silent: a declared rule that matched nothing in the whole batch is
/// named, with the fix.
fn say_which_rules_were_silent(coverage: &Coverage, reviews: usize, plugins: &run::Plugins) {
    let silent = coverage.silent_rules(plugins);
    if silent.is_empty() {
        return;
    }
    eprintln!(
        "lessons: {} rule(s) matched nothing in {reviews} review(s); check their patterns and scopes with `lessons test-rules`:",
        silent.len(),
    );
    for s in &silent {
        eprintln!("  {} {} (metric {})", s.plugin, s.rule, s.metric);
    }
}

/// Writes to a temporary file beside `path`, then renames it into place, so
/// that a reader never sees half a report.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .context("the output path has no file name")?;
    let temporary = dir.join(format!(
        ".{}.tmp{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    std::fs::write(&temporary, bytes)
        .with_context(|| format!("cannot write {}", temporary.display()))?;
    std::fs::rename(&temporary, path)
        .with_context(|| format!("cannot move the report into {}", path.display()))?;
    Ok(())
}

/// The top-level entry point for `lessons __worker`: a worker process that
/// serves one plugin to `lessons score` (see `plugin::worker`).
fn worker(plugin: &Path, slots: &[i32]) -> Result<ExitCode> {
    serve::serve(plugin, slots)?;
    Ok(ExitCode::SUCCESS)
}

/// Exit status when `lessons check` finds a draft over a threshold.
const EXIT_CHECK_FAILED: u8 = 1;

/// The top-level entry point for `lessons check`.
fn check(
    cli: &Cli,
    draft: &Path,
    fail_on: &[check::Threshold],
    waivers: Option<&Path>,
) -> Result<ExitCode> {
    let config = load_config(cli)?;
    let program = std::env::current_exe().context("cannot find the lessons binary")?;
    let execution = Execution::Isolated(WorkerSettings::new(program, &config.isolation));
    let plugins = run::prepare_plugins(
        &config,
        &PluginSources::beside_executable(cli.plugin_dirs.clone()),
        &execution,
    );
    for refused in &plugins.refused {
        eprintln!("lessons: plugin refused: {refused}");
    }
    anyhow::ensure!(
        !plugins.instances.is_empty(),
        "no plugins to score with; build the bundled ones with `cargo build --release`, or name a folder with --plugins DIR"
    );
    let metrics = plugins.metric_ids();
    let thresholds = check::thresholds(&config, fail_on, &metrics)?;
    let waiver_file = waivers
        .map(Path::to_path_buf)
        .or_else(|| config.check.waivers.as_ref().map(|w| config.base.join(w)));
    let waivers = match &waiver_file {
        Some(path) => check::read_waivers(path)?,
        None => Vec::new(),
    };
    let review =
        run::score_file(draft, &plugins, &config).map_err(|s| anyhow::anyhow!(s.reason))?;
    let document = report::source::load(&review).ok();
    let outcome = check::check(&review, document.as_ref(), &config, &thresholds, &waivers);
    check::write(&outcome, &review, &metrics, &mut std::io::stdout().lock())?;
    Ok(match outcome.status(&review) {
        check::Status::Pass => ExitCode::SUCCESS,
        check::Status::Fail => ExitCode::from(EXIT_CHECK_FAILED),
        check::Status::Incomplete => ExitCode::from(EXIT_PARTIAL),
    })
}

/// The top-level entry point for `lessons plugins`.
fn plugins(cli: &Cli) -> Result<ExitCode> {
    let config = load_config(cli)?;
    let (loaded, refused) = run::load_plugins(
        &config,
        &PluginSources::beside_executable(cli.plugin_dirs.clone()),
    );
    let mut out = std::io::stdout().lock();
    let mut failed_to_create = 0;
    for p in &loaded {
        let settings = config.plugin(&p.name);
        let state = if settings.enabled {
            ""
        } else {
            " (disabled in the configuration)"
        };
        writeln!(out, "{} {}{state}", p.name, p.version)?;
        writeln!(out, "  path:    {}", p.path.display())?;
        writeln!(out, "  sha256:  {}", p.sha256)?;
        // An instance made with the configured settings shows the metrics a
        // run would score: a rule pack's metrics are only known then.
        let mut metrics = p.metrics.clone();
        if settings.enabled {
            let json = serde_json::to_value(&settings.settings).unwrap_or_default();
            match lessons::plugin::Instance::create(p.clone(), &json) {
                Ok(instance) => metrics = instance.metrics.clone(),
                Err(e) => {
                    failed_to_create += 1;
                    writeln!(out, "  refused: {e}")?;
                }
            }
        }
        for m in &metrics {
            writeln!(
                out,
                "  metric:  {} [{}, {}] {}",
                m.id, m.min, m.max, m.description
            )?;
        }
    }
    for e in &refused {
        writeln!(out, "refused: {e}")?;
    }
    if loaded.is_empty() && refused.is_empty() {
        writeln!(
            out,
            "no plugins found; build the bundled ones with `cargo build --release`, or name a folder with --plugins DIR"
        )?;
    }
    Ok(if refused.is_empty() && failed_to_create == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_PARTIAL)
    })
}

/// The top-level entry point for `lessons test-rules`.
fn test_rules(packs: &[PathBuf]) -> Result<ExitCode> {
    use lessons::rule_tests;
    let outcomes = if packs.is_empty() {
        vec![rule_tests::run_pack(&lessons_rules::bundled_pack()?)]
    } else {
        packs
            .iter()
            .map(|p| rule_tests::run_file(p))
            .collect::<Result<Vec<_>, _>>()?
    };
    let mut out = std::io::stdout().lock();
    let mut failed = 0;
    for outcome in &outcomes {
        let failures: Vec<_> = outcome.failures().collect();
        failed += failures.len();
        writeln!(
            out,
            "{} ({}): {} examples, {} failed",
            outcome.pack,
            outcome.path.display(),
            outcome.examples.len(),
            failures.len()
        )?;
        for f in failures {
            let (which, expected) = if f.positive {
                ("positive", "expected a match, found none")
            } else {
                ("negative", "expected no match, found one")
            };
            writeln!(
                out,
                "  FAILED {} {which} example {}: {expected}",
                f.rule, f.number
            )?;
            writeln!(out, "    {:?}", f.text)?;
        }
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FAILED)
    })
}

/// The top-level entry point for `lessons new-plugin`.
fn new_plugin(name: &str, lang: PluginLang, parent: &Path) -> Result<ExitCode> {
    use lessons::scaffold::{self, Lang};
    let lang = match lang {
        PluginLang::Rust => Lang::Rust,
        PluginLang::C => Lang::C,
    };
    let made = scaffold::create(name, lang, parent)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "made the plugin project {}:", made.dir.display())?;
    for file in &made.files {
        writeln!(out, "  {}", file.display())?;
    }
    writeln!(
        out,
        "build it:  cd {} && {}",
        made.dir.display(),
        made.build
    )?;
    writeln!(
        out,
        "score:     lessons score REVIEWS --plugins {}",
        made.dir.join(&made.library).display()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// The top-level entry point for `lessons validate`.
fn validate(
    cli: &Cli,
    labels: &Path,
    split: Split,
    metrics: &[String],
    format: ValidationFormat,
    paths: &[PathBuf],
) -> Result<ExitCode> {
    let config = load_config(cli)?;
    let labels = Labels::read(labels)?;
    let mut options = validation::Options {
        split,
        metrics: metrics.to_vec(),
        threshold: config.verdict.threshold,
    };
    options.metrics = options.chosen_metrics(&labels)?;
    let paths = if paths.is_empty() {
        let folder = labels.path.parent().filter(|d| !d.as_os_str().is_empty());
        vec![folder.unwrap_or(Path::new(".")).to_path_buf()]
    } else {
        paths.to_vec()
    };
    let plugins = run::prepare_plugins(
        &config,
        &PluginSources::beside_executable(cli.plugin_dirs.clone()),
        &Execution::InProcess,
    );
    for refused in &plugins.refused {
        eprintln!("lessons: plugin refused: {refused}");
    }
    let result = validation::run(&labels, &paths, &options, &plugins, &config)?;
    let mut out = std::io::stdout().lock();
    match format {
        ValidationFormat::Text => validation::write_text(&result, &mut out)?,
        ValidationFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &result)?;
            writeln!(out)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The top-level entry point for `lessons extract`.
fn extract(file: &Path, format: ExtractFormat) -> Result<ExitCode> {
    let document = lessons::ingest::read(file)?;
    let shown = match format {
        ExtractFormat::Text => lessons::ingest::outline::to_text(&document),
        ExtractFormat::Json => {
            serde_json::to_string_pretty(&lessons::ingest::outline::to_json(&document))? + "\n"
        }
    };
    std::io::stdout()
        .write_all(shown.as_bytes())
        .context("cannot write to standard output")?;
    Ok(ExitCode::SUCCESS)
}

/// The top-level entry point for `lessons blind CASE... -o DIR`.
fn blind(args: &BlindArgs) -> Result<ExitCode> {
    let panel = args
        .output
        .as_deref()
        .context("name the panel's folder with -o DIR")?;
    let rules = Rules::load(&args.rules)?;
    let seed = args.seed.unwrap_or_else(seed_from_clock);
    let to = Destination::new(panel, args.key.as_deref(), args.log.as_deref());
    let blinding = blind::blind(&args.cases, &rules, seed);
    for s in &blinding.skipped {
        eprintln!("lessons: skipped {}", s.reason);
    }
    blind::write(&blinding, &to)?;
    let total = |f: fn(&blind::log::CaseLog) -> usize| {
        blinding.cases.iter().map(|c| f(&c.log)).sum::<usize>()
    };
    println!(
        "blinded {} case(s) into {} with seed {seed}",
        blinding.cases.len(),
        to.panel.display()
    );
    println!(
        "  {} passage(s) removed, {} detail(s) replaced, {} passage(s) flagged for a person to check",
        total(|l| l.removed),
        total(|l| l.replaced),
        total(|l| l.flagged)
    );
    println!("  key (keep from the panel): {}", to.key.display());
    println!(
        "  redaction log (keep from the panel): {}",
        to.log.display()
    );
    Ok(if blinding.skipped.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_PARTIAL)
    })
}

/// A seed when none is given; it is printed and kept in the key, so the run
/// can be repeated.
fn seed_from_clock() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// The top-level entry point for `lessons blind --score DIR --key KEY`.
fn blind_score(cli: &Cli, args: &BlindArgs, panel: &Path) -> Result<ExitCode> {
    let config = load_config(cli)?;
    let program = std::env::current_exe().context("cannot find the lessons binary")?;
    let plugins = run::prepare_plugins(
        &config,
        &PluginSources::beside_executable(cli.plugin_dirs.clone()),
        &Execution::Isolated(WorkerSettings::new(program, &config.isolation)),
    );
    for refused in &plugins.refused {
        eprintln!("lessons: plugin refused: {refused}");
    }
    if plugins.instances.is_empty() {
        anyhow::bail!(
            "no plugins to score with; build the bundled ones with `cargo build --release`, or name a folder with --plugins DIR"
        );
    }
    let key = Destination::new(panel, args.key.as_deref(), None).key;
    let result = blind::score::score(panel, &key, args.pairs.as_deref(), &plugins)?;
    let mut out = std::io::stdout().lock();
    lessons::report::blind::write(&result, args.format, &mut out)?;
    let partial =
        !result.problems.is_empty() || result.cases.iter().any(|c| !c.problems.is_empty());
    Ok(if partial {
        ExitCode::from(EXIT_PARTIAL)
    } else {
        ExitCode::SUCCESS
    })
}
