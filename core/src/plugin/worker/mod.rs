//! Worker isolation: each plugin runs in worker processes (the `lessons`
//! binary re-executed as `lessons __worker --plugin PATH`), so that a plugin
//! that aborts, segfaults, exits, hangs or prints cannot take the batch down.
//! A crash or a missed deadline becomes an error for that (review, plugin);
//! the worker is replaced and the batch goes on. After too many failures in a
//! row the plugin is disabled for the rest of the run.
//!
//! Documents reach workers through shared memory where they can ([`slots`]:
//! written once, read in place by every plugin's worker), else down each
//! worker's pipe in the binary encoding of [`codec`].

pub mod codec;
mod deadline;
mod layout;
mod memory;
pub mod protocol;
pub mod serve;
mod shelf;
pub mod slots;

use super::instance::{self, RawOutput, ScoreError};
use super::load::{LoadError, PluginSummary};
use super::turns::Turns;
use super::validate::Validated;
use crate::document::Document;
use deadline::DeadlineReader;
use protocol::{Create, InSlot, ProtocolError, Reply};
use slots::{Placed, Slots};
use std::io::{BufReader, BufWriter, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The hidden subcommand that turns `lessons` into a worker.
pub const SUBCOMMAND: &str = "__worker";

/// How workers are run and bounded.
#[derive(Clone, Debug)]
pub struct WorkerSettings {
    /// The `lessons` binary to re-execute.
    pub program: PathBuf,
    /// Wall-clock time allowed per review (and for loading the plugin).
    pub timeout: Duration,
    /// Crashes and timeouts in a row after which a plugin is disabled.
    pub max_failures: u32,
    /// Address-space limit of a worker, in bytes (RLIMIT_AS).
    pub memory_bytes: Option<u64>,
    /// CPU seconds allowed per review (RLIMIT_CPU).
    pub cpu_seconds: Option<u64>,
    /// Workers per plugin at most (one per thread scoring reviews unless
    /// `[isolation] workers_per_plugin` says fewer).
    pub max_workers: usize,
    /// The largest document sent through shared memory, in bytes; 0 for
    /// pipes only.
    pub shared_bytes: usize,
    /// The shared slots every worker of the run inherits, once made by
    /// [`WorkerSettings::sharing`].
    pub slots: Option<Arc<Slots>>,
    /// Told whenever a worker of any plugin of the run is given back or lost.
    pub turns: Arc<Turns>,
}

/// Why a worker gave no answer.
#[derive(Debug)]
enum Failure {
    Crash(String),
    Timeout(Duration),
}

impl Failure {
    fn into_score_error(self) -> ScoreError {
        match self {
            Failure::Crash(message) => ScoreError::new("crash", message),
            Failure::Timeout(limit) => ScoreError::new(
                "timeout",
                format!(
                    "no result within {} s; the worker was stopped (raise [isolation] timeout_seconds if the plugin is slow rather than stuck)",
                    limit.as_secs_f64()
                ),
            ),
        }
    }
}

/// One worker process and the pipes to and from it.
struct Worker {
    child: Child,
    /// `None` once closed, which tells the worker to finish.
    requests: Option<BufWriter<ChildStdin>>,
    replies: BufReader<DeadlineReader<ChildStdout>>,
}

impl Worker {
    /// Starts a worker for `plugin` and waits for its first reply: `Loaded`
    /// or `Refused`.
    fn spawn(settings: &WorkerSettings, plugin: &Path) -> Result<(Worker, Reply), Failure> {
        let mut command = Command::new(&settings.program);
        command
            .arg(SUBCOMMAND)
            .arg("--plugin")
            .arg(plugin)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let shared = settings
            .slots
            .as_ref()
            .map_or(Vec::new(), |s| s.descriptors());
        if !shared.is_empty() {
            let listed: Vec<String> = shared.iter().map(i32::to_string).collect();
            command.arg("--slots").arg(listed.join(","));
        }
        let (memory, cpu) = (settings.memory_bytes, settings.cpu_seconds);
        // SAFETY: the closure only makes async-signal-safe system calls, and
        // allocates nothing (`shared` was built before the fork).
        unsafe {
            command.pre_exec(move || {
                inherit(&shared)?;
                apply_limits(memory, cpu)
            });
        }
        let mut child = command
            .spawn()
            .map_err(|e| Failure::Crash(format!("cannot start a worker: {e}")))?;
        let requests = child.stdin.take().map(|stdin| {
            widen_pipe(&stdin);
            BufWriter::new(stdin)
        });
        let stdout = child.stdout.take().expect("piped stdout");
        widen_pipe(&stdout);
        let mut worker = Worker {
            child,
            requests,
            replies: BufReader::new(DeadlineReader::new(stdout)),
        };
        let first = worker.receive(settings.timeout, Instant::now())?;
        Ok((worker, first))
    }

    /// Sends what `send` writes, in one flush, without waiting for a
    /// reply. An error means the worker has stopped.
    fn send(
        &mut self,
        send: impl FnOnce(&mut BufWriter<ChildStdin>) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let Some(out) = self.requests.as_mut() else {
            return Err(std::io::ErrorKind::BrokenPipe.into());
        };
        send(out)?;
        out.flush()
    }

    /// Sends one request and waits for its reply until the deadline.
    fn exchange(
        &mut self,
        deadline: Duration,
        send: impl FnOnce(&mut BufWriter<ChildStdin>) -> std::io::Result<()>,
    ) -> Result<Reply, Failure> {
        let started = Instant::now();
        if let Err(e) = self.send(send) {
            return Err(Failure::Crash(self.death(&format!("cannot send: {e}"))));
        }
        self.receive(deadline, started)
    }

    /// Waits for the worker's next reply until the deadline.
    fn receive(&mut self, deadline: Duration, started: Instant) -> Result<Reply, Failure> {
        self.replies.get_mut().set_deadline(started + deadline);
        match protocol::read_reply(&mut self.replies) {
            Ok(Some(reply)) => Ok(reply),
            Ok(None) => Err(Failure::Crash(self.death("the worker closed the pipe"))),
            Err(ProtocolError::Io(e)) if e.kind() == std::io::ErrorKind::TimedOut => {
                self.stop();
                Err(Failure::Timeout(deadline))
            }
            Err(e) => Err(Failure::Crash(self.death(&e.to_string()))),
        }
    }

    /// Why the worker died, once it has: its exit status or signal.
    fn death(&mut self, pipe: &str) -> String {
        let status = self.reap(Duration::from_secs(2));
        match status {
            Some(status) => describe_exit(status),
            None => format!("the worker stopped answering ({pipe}) and was stopped"),
        }
    }

    /// Waits up to `grace` for the worker to exit, then kills it.
    fn reap(&mut self, grace: Duration) -> Option<ExitStatus> {
        let until = Instant::now() + grace;
        while Instant::now() < until {
            match self.child.try_wait() {
                Ok(Some(status)) => return Some(status),
                Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                Err(_) => break,
            }
        }
        self.stop();
        None
    }

    /// Closes the worker's input: a healthy worker then destroys its
    /// instance and exits.
    fn end_input(&mut self) {
        drop(self.requests.take());
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Closing its input tells a healthy worker to destroy the instance
        // and exit; one that does not within a second is killed.
        self.end_input();
        self.reap(Duration::from_secs(1));
    }
}

/// The pipe size asked for: a review's document is a few hundred KB, and
/// through the default 64 KiB pipe the host and the worker take turns, a
/// wake-up each, until the whole frame is across. 1 MiB is Linux's default
/// ceiling for an unprivileged process.
#[cfg(target_os = "linux")]
const PIPE_BYTES: libc::c_int = 1 << 20;

/// Enlarges a pipe to [`PIPE_BYTES`]. Best effort: where the system refuses,
/// the pipe keeps its size and only costs more wake-ups.
fn widen_pipe(pipe: &impl std::os::fd::AsRawFd) {
    #[cfg(target_os = "linux")]
    // SAFETY: F_SETPIPE_SZ only resizes the pipe behind a descriptor we own.
    unsafe {
        libc::fcntl(pipe.as_raw_fd(), libc::F_SETPIPE_SZ, PIPE_BYTES);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = pipe;
}

/// The exit of a worker, in words.
fn describe_exit(status: ExitStatus) -> String {
    if let Some(signal) = status.signal() {
        let name = match signal {
            libc::SIGSEGV => " (SIGSEGV: the plugin read or wrote memory it does not own)",
            libc::SIGABRT => {
                " (SIGABRT: the plugin aborted, or failed to allocate under the memory limit)"
            }
            libc::SIGBUS => " (SIGBUS)",
            libc::SIGFPE => " (SIGFPE)",
            libc::SIGILL => " (SIGILL)",
            libc::SIGKILL => " (SIGKILL: perhaps the memory limit or the system's OOM killer)",
            libc::SIGXCPU => " (SIGXCPU: the CPU limit per review was reached)",
            _ => "",
        };
        return format!("the worker was killed by signal {signal}{name}");
    }
    match status.code() {
        Some(code) => format!(
            "the worker exited with status {code} mid-review (the plugin called exit, or ran out of memory)"
        ),
        None => "the worker ended for an unknown reason".into(),
    }
}

/// Lets the worker inherit the slots' read-only descriptors, between fork
/// and exec: the host opened them close-on-exec, so that no other program
/// it runs gets them, and this child's copies alone are kept.
fn inherit(descriptors: &[std::os::fd::RawFd]) -> std::io::Result<()> {
    for &fd in descriptors {
        // SAFETY: fcntl is an async-signal-safe system call on our own table.
        if unsafe { libc::fcntl(fd, libc::F_SETFD, 0) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Sets the worker's resource limits, between fork and exec, and (on Linux)
/// asks for the worker to be killed if the host dies, so that a killed
/// batch leaves no worker behind, hung or not.
fn apply_limits(memory: Option<u64>, cpu: Option<u64>) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl is an async-signal-safe system call.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
    }
    let set = |resource, value: u64| {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit and setrlimit are async-signal-safe system calls.
        unsafe {
            if libc::getrlimit(resource, &mut limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            limit.rlim_cur = (value as libc::rlim_t).min(limit.rlim_max);
            if libc::setrlimit(resource, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
        }
        Ok(())
    };
    if let Some(bytes) = memory {
        set(libc::RLIMIT_AS, bytes)?;
    }
    if let Some(seconds) = cpu {
        set(libc::RLIMIT_CPU, seconds)?;
    }
    Ok(())
}

/// A plugin library loaded in its first worker, not yet created: the host
/// reads its summary and decides whether to create it.
pub struct Opened {
    settings: WorkerSettings,
    worker: Worker,
    summary: PluginSummary,
}

impl Opened {
    /// What the library is, as its worker described it.
    pub fn summary(&self) -> &PluginSummary {
        &self.summary
    }

    /// Creates the plugin's instance in the worker with its settings.
    pub fn create(mut self, plugin_settings: serde_json::Value) -> Result<Pool, LoadError> {
        let create = Create {
            settings: plugin_settings,
            cpu_seconds: self.settings.cpu_seconds,
        };
        let path = self.summary.path.clone();
        let hello = self
            .worker
            .exchange(self.settings.timeout, |out| {
                protocol::send_create(out, &create)
            })
            .map_err(|f| failed_to_load(&path, f))?;
        let summary = match hello {
            Reply::Hello(summary) => summary,
            Reply::Refused(refusal) => return Err(refused(&path, refusal)),
            _ => return Err(out_of_turn(&path)),
        };
        Ok(Pool {
            settings: self.settings,
            create,
            summary,
            workers: Mutex::new(Workers {
                idle: vec![self.worker],
                alive: 1,
            }),
            returned: Condvar::new(),
            failures_in_a_row: AtomicU32::new(0),
            disabled: OnceLock::new(),
        })
    }
}

fn failed_to_load(path: &Path, failure: Failure) -> LoadError {
    let message = match failure {
        Failure::Crash(m) => m,
        Failure::Timeout(t) => format!("no answer within {} s", t.as_secs_f64()),
    };
    LoadError::Worker {
        path: path.to_path_buf(),
        kind: "worker_failed".into(),
        message: format!(
            "{}: the plugin's worker failed while loading it: {message}",
            path.display()
        ),
    }
}

fn refused(path: &Path, refusal: protocol::Refusal) -> LoadError {
    LoadError::Worker {
        path: path.to_path_buf(),
        kind: refusal.kind,
        message: refusal.message,
    }
}

fn out_of_turn(path: &Path) -> LoadError {
    failed_to_load(
        path,
        Failure::Crash("the worker answered out of turn".into()),
    )
}

/// A plugin run in worker processes: idle workers, the failure count, and
/// whether the plugin has been disabled for the rest of the run.
pub struct Pool {
    settings: WorkerSettings,
    create: Create,
    summary: PluginSummary,
    workers: Mutex<Workers>,
    /// Signalled when a worker is given back or lost.
    returned: Condvar,
    failures_in_a_row: AtomicU32,
    disabled: OnceLock<String>,
}

/// A plugin's worker processes: those waiting for a review, and how many
/// are alive in all (waiting or scoring).
struct Workers {
    idle: Vec<Worker>,
    alive: usize,
}

/// What a scoring thread that wants a worker may do now.
enum Turn {
    /// Use this idle worker.
    Idle(Worker),
    /// Start a new one: fewer than the most are alive (counted already).
    Start,
    /// Wait: every worker is busy.
    Busy,
}

impl Turn {
    fn of(workers: &mut Workers, max_workers: usize) -> Turn {
        if let Some(worker) = workers.idle.pop() {
            return Turn::Idle(worker);
        }
        if workers.alive >= max_workers.max(1) {
            return Turn::Busy;
        }
        workers.alive += 1;
        Turn::Start
    }
}

/// A document on its way to workers: written once into a shared slot (or,
/// failing that, encoded once for the pipes) when the first worker needs
/// it, however many plugins' workers it then goes to. Its slot is given
/// back when this is dropped: every exchange with a worker ends in an
/// answer or a dead worker, so by then none is reading it.
pub struct Outgoing<'a> {
    pub document: &'a Document,
    placed: OnceLock<Option<Placed>>,
    encoded: OnceLock<Vec<u8>>,
}

impl<'a> Outgoing<'a> {
    pub fn new(document: &'a Document) -> Outgoing<'a> {
        Outgoing {
            document,
            placed: OnceLock::new(),
            encoded: OnceLock::new(),
        }
    }

    /// Whether the document went to workers through a shared slot.
    pub fn is_shared(&self) -> bool {
        matches!(self.placed.get(), Some(Some(_)))
    }

    /// Where the document lies in `slots`, placing it there on first use;
    /// `None` if it goes down the pipes.
    fn in_slot(&self, slots: Option<&Arc<Slots>>) -> Option<InSlot> {
        let slots = slots?;
        let placed = self.placed.get_or_init(|| slots.place(self.document));
        placed.as_ref().filter(|p| p.is_in(slots)).map(|p| InSlot {
            slot: p.slot(),
            len: p.len(),
        })
    }

    fn encoded(&self) -> &[u8] {
        self.encoded.get_or_init(|| codec::encode(self.document))
    }

    /// Sends the document to a worker: where it lies, if it is in the
    /// worker's slots, else the whole of it.
    fn send(
        &self,
        out: &mut dyn std::io::Write,
        slots: Option<&Arc<Slots>>,
    ) -> std::io::Result<()> {
        match self.in_slot(slots) {
            Some(place) => protocol::send_score_shared(out, place),
            None => protocol::send_score(out, self.encoded()),
        }
    }
}

impl Pool {
    /// Loads the library at `path` in a first worker, which checks it as the
    /// host would and says what it is, or why it cannot be used.
    pub fn open(settings: WorkerSettings, path: &Path) -> Result<Opened, LoadError> {
        let (worker, first) =
            Worker::spawn(&settings, path).map_err(|f| failed_to_load(path, f))?;
        match first {
            Reply::Loaded(summary) => Ok(Opened {
                settings,
                worker,
                summary,
            }),
            Reply::Refused(refusal) => Err(refused(path, refusal)),
            _ => Err(out_of_turn(path)),
        }
    }

    /// What the plugin is, as its worker described it.
    pub fn summary(&self) -> &PluginSummary {
        &self.summary
    }

    /// Why the plugin was disabled for the rest of the run, if it was.
    pub fn disabled(&self) -> Option<&str> {
        self.disabled.get().map(String::as_str)
    }

    /// Scores one document in a worker and validates the result in the host,
    /// waiting for a worker if all are busy.
    pub fn score(&self, outgoing: &Outgoing<'_>) -> Result<Validated, ScoreError> {
        if let Some(reason) = self.disabled() {
            return Err(ScoreError::new("disabled", reason.to_string()));
        }
        let taken = self.take();
        self.score_in(taken, outgoing)
    }

    /// Scores documents as [`Pool::score`] does each, in one worker taken
    /// for them all, or returns `None` at once if that would mean waiting
    /// for a busy worker: the scoring thread can use another plugin's idle
    /// worker meanwhile.
    ///
    /// The requests for the documents in shared slots (a few bytes each)
    /// are sent together, so the worker scores them one after the other
    /// without waiting on the host between them: sent one at a time, each
    /// document cost a round of wake-ups (the worker, the host's reader of
    /// its replies, the scoring thread), and between them the other
    /// processes on the cores evicted the worker's automata. Each reply has
    /// the whole timeout from when the one before it came. Where the worker
    /// fails, the documents after go one at a time to its replacement.
    pub fn try_score_all(
        &self,
        outgoing: &[Outgoing<'_>],
    ) -> Option<Vec<Result<Validated, ScoreError>>> {
        if let Some(reason) = self.disabled() {
            let refused = || Err(ScoreError::new("disabled", reason.to_string()));
            return Some(outgoing.iter().map(|_| refused()).collect());
        }
        let taken = self.try_take()?;
        Some(self.score_all_in(taken, outgoing))
    }

    fn score_all_in(
        &self,
        taken: Result<Worker, Failure>,
        outgoing: &[Outgoing<'_>],
    ) -> Vec<Result<Validated, ScoreError>> {
        let slots = self.settings.slots.as_ref();
        // Only documents in slots go ahead: writing their requests never
        // waits on the worker, which a whole document down the pipe might.
        let ahead = outgoing
            .iter()
            .take_while(|o| o.in_slot(slots).is_some())
            .count();
        let (together, after) = outgoing.split_at(ahead);
        let (raws, worker) = self.exchange_all(taken, together);
        if let Some(worker) = worker {
            self.give_back(worker);
        }
        let mut results: Vec<_> = raws
            .into_iter()
            .zip(together)
            .map(|(raw, o)| {
                raw.and_then(|raw| instance::interpret(raw, &self.summary.metrics, o.document))
            })
            .collect();
        let scored = results.len();
        results.extend(
            together[scored..]
                .iter()
                .chain(after)
                .map(|o| self.score(o)),
        );
        results
    }

    /// Sends every request of `together`, then reads the replies in order
    /// until one fails, each with the whole timeout from when the one before
    /// came (or the sending ended). Returns the raw outputs (or the failure,
    /// last) and the worker if it is still serving. One document alone is
    /// a group of one.
    fn exchange_all(
        &self,
        taken: Result<Worker, Failure>,
        together: &[Outgoing<'_>],
    ) -> (Vec<Result<RawOutput, ScoreError>>, Option<Worker>) {
        let slots = self.settings.slots.as_ref();
        let mut worker = match taken {
            Ok(worker) => worker,
            Err(failure) => return (vec![Err(self.failed(failure))], None),
        };
        // The requests go in one write, which wakes the worker once. A write
        // the worker cannot take means it stopped before reading any.
        let unsent = worker
            .send(|out| together.iter().try_for_each(|o| o.send(out, slots)))
            .err();
        let sent = if unsent.is_some() { 0 } else { together.len() };
        let mut raws = Vec::with_capacity(together.len());
        for _ in 0..sent {
            match worker.receive(self.settings.timeout, Instant::now()) {
                Ok(Reply::Scored(raw)) => {
                    self.failures_in_a_row.store(0, Ordering::Relaxed);
                    raws.push(Ok(raw));
                }
                Ok(_) => {
                    let failure =
                        Failure::Crash("the worker answered out of turn and was stopped".into());
                    raws.push(Err(self.failed(failure)));
                    return (raws, None);
                }
                Err(failure) => {
                    raws.push(Err(self.failed(failure)));
                    return (raws, None);
                }
            }
        }
        if let Some(e) = unsent {
            let failure = Failure::Crash(worker.death(&format!("cannot send: {e}")));
            raws.push(Err(self.failed(failure)));
            return (raws, None);
        }
        (raws, Some(worker))
    }

    fn score_in(
        &self,
        taken: Result<Worker, Failure>,
        outgoing: &Outgoing<'_>,
    ) -> Result<Validated, ScoreError> {
        let (raws, worker) = self.exchange_all(taken, std::slice::from_ref(outgoing));
        if let Some(worker) = worker {
            self.give_back(worker);
        }
        let raw = raws.into_iter().next().expect("an answer or a failure");
        raw.and_then(|raw| instance::interpret(raw, &self.summary.metrics, outgoing.document))
    }

    /// A fresh worker with a created instance, checked to be serving the
    /// same library as the first.
    fn replacement(&self) -> Result<Worker, Failure> {
        let (mut worker, first) = Worker::spawn(&self.settings, &self.summary.path)?;
        match first {
            Reply::Loaded(summary) if summary.sha256 == self.summary.sha256 => {}
            Reply::Loaded(summary) => {
                return Err(Failure::Crash(format!(
                    "{} changed during the run (sha256 {} at the start, {} now); restart the run",
                    self.summary.path.display(),
                    self.summary.sha256,
                    summary.sha256
                )));
            }
            Reply::Refused(refusal) => return Err(Failure::Crash(refusal.message)),
            _ => return Err(Failure::Crash("the worker answered out of turn".into())),
        }
        let create = &self.create;
        match worker.exchange(self.settings.timeout, |out| {
            protocol::send_create(out, create)
        })? {
            Reply::Hello(_) => Ok(worker),
            Reply::Refused(refusal) => Err(Failure::Crash(refusal.message)),
            _ => Err(Failure::Crash("the worker answered out of turn".into())),
        }
    }

    /// An idle worker, a new one while fewer than the most are alive, or
    /// else the next one given back. A new worker that fails to start is
    /// counted lost by `failed`, as every failure is.
    fn take(&self) -> Result<Worker, Failure> {
        let mut workers = self.workers.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            match Turn::of(&mut workers, self.settings.max_workers) {
                Turn::Idle(worker) => return Ok(worker),
                Turn::Start => {
                    drop(workers);
                    return self.replacement();
                }
                Turn::Busy => {
                    workers = self
                        .returned
                        .wait(workers)
                        .unwrap_or_else(|p| p.into_inner())
                }
            }
        }
    }

    /// As [`Pool::take`], but `None` where that would wait.
    fn try_take(&self) -> Option<Result<Worker, Failure>> {
        let mut workers = self.workers.lock().unwrap_or_else(|p| p.into_inner());
        let turn = Turn::of(&mut workers, self.settings.max_workers);
        drop(workers);
        match turn {
            Turn::Idle(worker) => Some(Ok(worker)),
            Turn::Start => Some(self.replacement()),
            Turn::Busy => None,
        }
    }

    fn give_back(&self, worker: Worker) {
        let mut workers = self.workers.lock().unwrap_or_else(|p| p.into_inner());
        workers.idle.push(worker);
        self.returned.notify_one();
        drop(workers);
        self.settings.turns.give_back();
    }

    /// Tells every idle worker that the run is over (closes its input), so
    /// that the workers of every plugin wind down together before they are
    /// reaped one after another: reaped as each was told, seven workers
    /// took 40-70 ms at the end of a run with both cores idle.
    pub fn end_inputs(&self) {
        let mut workers = self.workers.lock().unwrap_or_else(|p| p.into_inner());
        workers.idle.iter_mut().for_each(Worker::end_input);
    }

    /// A worker stopped (crashed, timed out or never started): another may
    /// be started in its place.
    fn lost(&self) {
        let mut workers = self.workers.lock().unwrap_or_else(|p| p.into_inner());
        workers.alive = workers.alive.saturating_sub(1);
        self.returned.notify_one();
        drop(workers);
        self.settings.turns.give_back();
    }

    /// Counts a failure, disabling the plugin when there are too many in a row.
    fn failed(&self, failure: Failure) -> ScoreError {
        self.lost();
        let error = failure.into_score_error();
        let count = self.failures_in_a_row.fetch_add(1, Ordering::Relaxed) + 1;
        if count >= self.settings.max_failures.max(1) {
            let _ = self.disabled.set(format!(
                "disabled for the rest of the run after {count} failures in a row (the last: {}: {}); fix the plugin or raise [isolation] max_failures",
                error.kind, error.message
            ));
        }
        error
    }
}

impl WorkerSettings {
    /// The settings of `[isolation]`, for workers of `program`.
    pub fn new(program: PathBuf, config: &crate::config::IsolationConfig) -> WorkerSettings {
        WorkerSettings {
            program,
            timeout: Duration::from_secs_f64(config.timeout_seconds),
            max_failures: config.max_failures,
            memory_bytes: (config.memory_mb > 0).then(|| config.memory_mb * 1024 * 1024),
            cpu_seconds: (config.cpu_seconds > 0).then_some(config.cpu_seconds),
            max_workers: match config.workers_per_plugin {
                0 => rayon::current_num_threads(),
                n => n,
            },
            shared_bytes: usize::try_from(config.shared_memory_mb)
                .unwrap_or(usize::MAX)
                .saturating_mul(1024 * 1024),
            slots: None,
            turns: Arc::new(Turns::new()),
        }
    }

    /// These settings with `count` shared slots for the workers to inherit:
    /// one per thread that scores reviews at once. Without shared memory
    /// (switched off, or not on this system) the documents go down the pipes.
    pub fn sharing(&self, count: usize) -> WorkerSettings {
        let slots = (self.shared_bytes > 0)
            .then(|| Slots::new(count, self.shared_bytes).ok())
            .flatten()
            .map(Arc::new);
        WorkerSettings {
            slots,
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none_alive() -> Workers {
        Workers {
            idle: Vec::new(),
            alive: 0,
        }
    }

    #[test]
    fn a_thread_starts_workers_up_to_the_most_then_is_told_they_are_busy() {
        let mut workers = none_alive();
        assert!(matches!(Turn::of(&mut workers, 2), Turn::Start));
        assert!(matches!(Turn::of(&mut workers, 2), Turn::Start));
        assert_eq!(workers.alive, 2, "each start is counted before it runs");
        assert!(matches!(Turn::of(&mut workers, 2), Turn::Busy));
        assert_eq!(workers.alive, 2);
    }

    #[test]
    fn no_limit_below_one_worker() {
        let mut workers = none_alive();
        assert!(matches!(Turn::of(&mut workers, 0), Turn::Start));
        assert!(matches!(Turn::of(&mut workers, 0), Turn::Busy));
    }
}
