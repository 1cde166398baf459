//! The worker's side: the `lessons __worker --plugin PATH` process. It loads
//! one plugin, creates its instance, and scores the documents the host sends
//! until the host closes the pipe. Whatever the plugin does to this process
//! (abort, segfault, exit, hang) the host sees as a dead or silent worker.

use super::layout::{self, LayoutError};
use super::protocol::{self, InSlot, ProtocolError, Refusal, Reply, Request};
use super::shelf::{Shelf, ShelfError};
use crate::plugin::instance::RawOutput;
use crate::plugin::{self, Instance};
use std::fs::File;
use std::io::{self, BufReader, BufWriter};
use std::os::fd::{FromRawFd, RawFd};
use std::path::Path;
use std::sync::Arc;

/// Why the worker stopped before the host closed the pipe.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot set up the protocol pipe: {0}")]
    Pipe(#[source] io::Error),
    #[error("the host broke the protocol: {0}")]
    Protocol(#[from] ProtocolError),
    #[error("cannot answer the host: {0}")]
    Reply(#[from] io::Error),
    #[error("cannot read a shared slot: {0}")]
    Shelf(#[from] ShelfError),
    #[error("the host's shared document is malformed: {0}")]
    Layout(#[from] LayoutError),
}

/// The worker's buffer for replies: most fit, and so cross in one write.
const REPLY_BUFFER_BYTES: usize = 1 << 20;

/// Serves one plugin over standard input and output, reading documents the
/// host shares from the slots behind `slots` (descriptors it passed).
pub fn serve(plugin_path: &Path, slots: &[RawFd]) -> Result<(), ServeError> {
    // Before any plugin code runs: whatever the plugin prints must not land
    // in the protocol, so the protocol moves off fd 1 and fd 1 becomes stderr.
    let protocol_out = take_stdout().map_err(ServeError::Pipe)?;
    let mut shelf = Shelf::adopt(slots)?;
    // A reply goes to the host in one write, which wakes it once: through
    // the default 8 KiB buffer, a longer reply went as its header, which
    // woke the host to read five bytes, and then its body.
    let mut replies = BufWriter::with_capacity(REPLY_BUFFER_BYTES, protocol_out);
    let mut requests = BufReader::new(io::stdin().lock());
    let plugin = match plugin::load(plugin_path) {
        Ok(plugin) => Arc::new(plugin),
        Err(e) => return refuse(&mut replies, &e),
    };
    protocol::send_reply(&mut replies, &Reply::Loaded(plugin.summary()))?;
    let Some(Request::Create(create)) = protocol::read_request(&mut requests)? else {
        return Ok(());
    };
    let instance = match Instance::create(plugin, &create.settings) {
        Ok(instance) => instance,
        Err(e) => return refuse(&mut replies, &e),
    };
    protocol::send_reply(&mut replies, &Reply::Hello(instance.summary()))?;
    let allow = || {
        if let Some(seconds) = create.cpu_seconds {
            allow_cpu_seconds(seconds);
        }
    };
    while let Some(request) = protocol::read_request(&mut requests)? {
        let raw = match request {
            Request::Create(_) => continue,
            Request::Score(document) => {
                allow();
                instance.call(&document)
            }
            Request::ScoreShared(place) => {
                allow();
                score_in_place(&instance, &mut shelf, place)?
            }
        };
        protocol::send_reply(&mut replies, &Reply::Scored(raw))?;
    }
    Ok(())
}

/// Scores the document in a shared slot where it lies: the plugin's view
/// points into the read-only mapping, once every extent has been checked.
fn score_in_place(
    instance: &Instance,
    shelf: &mut Shelf,
    place: InSlot,
) -> Result<RawOutput, ServeError> {
    let view = layout::view(shelf.read(place.slot, place.len)?)?;
    // SAFETY: the view borrows the slot's mapping, which lives in `shelf`
    // until after the call, and the host does not write the slot until this
    // worker has answered (or been killed).
    Ok(unsafe { instance.call_view(&view.document) })
}

fn refuse(replies: &mut dyn std::io::Write, e: &plugin::LoadError) -> Result<(), ServeError> {
    let refusal = Refusal {
        kind: e.kind().to_string(),
        message: e.to_string(),
    };
    protocol::send_reply(replies, &Reply::Refused(refusal))?;
    Ok(())
}

/// Moves the protocol to a private descriptor and points fd 1 at stderr
/// (GStreamer's plugin scanner does the same).
fn take_stdout() -> io::Result<File> {
    // SAFETY: plain descriptor calls on descriptors this process owns.
    let private = unsafe { libc::fcntl(1, libc::F_DUPFD_CLOEXEC, 3) };
    if private < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: as above.
    if unsafe { libc::dup2(2, 1) } < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `private` is a fresh descriptor nothing else owns.
    Ok(unsafe { File::from_raw_fd(private) })
}

/// Lets the next review use `seconds` of CPU beyond what the worker has used:
/// the limit set at spawn covers loading; this keeps it per review, so a long
/// batch does not run a healthy worker out of CPU time.
fn allow_cpu_seconds(seconds: u64) {
    // SAFETY: getrusage and getrlimit write only into the structs passed.
    let (usage, mut limit) = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        let mut limit: libc::rlimit = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        libc::getrlimit(libc::RLIMIT_CPU, &mut limit);
        (usage, limit)
    };
    let used = (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + 1).max(0) as u64;
    limit.rlim_cur = (used + seconds).min(limit.rlim_max);
    // SAFETY: as above; a failure leaves the earlier limit, which is safe.
    unsafe { libc::setrlimit(libc::RLIMIT_CPU, &limit) };
}
