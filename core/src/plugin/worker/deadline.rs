//! A worker's replies read by the thread that waits for them, each read
//! bounded by a deadline (`poll` before `read`), so that a hung worker is a
//! timeout rather than a thread blocked for ever.
//!
//! A thread per worker that read its replies and handed them over a channel
//! did the same, but each reply then woke two threads, the reader and the
//! one waiting, where now it wakes one.

use std::io::{self, Read};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

/// A pipe whose reads give up, with [`io::ErrorKind::TimedOut`], once the
/// deadline has passed with nothing to read.
pub struct DeadlineReader<R> {
    pipe: R,
    deadline: Instant,
}

impl<R: Read + AsRawFd> DeadlineReader<R> {
    /// A reader with no time left until [`DeadlineReader::set_deadline`].
    pub fn new(pipe: R) -> DeadlineReader<R> {
        DeadlineReader {
            pipe,
            deadline: Instant::now(),
        }
    }

    /// Reads after this give up once `deadline` has passed.
    pub fn set_deadline(&mut self, deadline: Instant) {
        self.deadline = deadline;
    }

    /// Waits until the pipe has something to read (or was closed), or the
    /// deadline passes.
    fn wait_readable(&self) -> io::Result<()> {
        loop {
            let left = self.deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(io::ErrorKind::TimedOut.into());
            }
            let mut watched = libc::pollfd {
                fd: self.pipe.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one pollfd, alive for the call, on a descriptor we own.
            match unsafe { libc::poll(&mut watched, 1, poll_millis(left)) } {
                0 => continue,
                n if n > 0 => return Ok(()),
                _ => {
                    let error = io::Error::last_os_error();
                    if error.kind() != io::ErrorKind::Interrupted {
                        return Err(error);
                    }
                }
            }
        }
    }
}

impl<R: Read + AsRawFd> Read for DeadlineReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.wait_readable()?;
        self.pipe.read(buf)
    }
}

/// `left` in whole milliseconds for `poll`, rounded up so that a wait never
/// ends just before the deadline and spins.
fn poll_millis(left: Duration) -> libc::c_int {
    let millis = left.as_nanos().div_ceil(1_000_000);
    libc::c_int::try_from(millis).unwrap_or(libc::c_int::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::os::unix::net::UnixStream;

    #[test]
    fn a_read_with_nothing_written_times_out_at_the_deadline() {
        let (_writer, reader) = UnixStream::pair().unwrap();
        let mut pipe = DeadlineReader::new(reader);
        let started = Instant::now();
        pipe.set_deadline(started + Duration::from_millis(50));
        let error = pipe.read(&mut [0u8; 4]).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        assert!(started.elapsed() >= Duration::from_millis(50));
    }

    #[test]
    fn what_was_written_is_read_before_the_deadline() {
        let (mut writer, reader) = UnixStream::pair().unwrap();
        writer.write_all(b"reply").unwrap();
        let mut pipe = DeadlineReader::new(reader);
        pipe.set_deadline(Instant::now() + Duration::from_secs(5));
        let mut got = [0u8; 5];
        pipe.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"reply");
    }

    #[test]
    fn a_closed_pipe_reads_as_the_end_not_a_timeout() {
        let (writer, reader) = UnixStream::pair().unwrap();
        drop(writer);
        let mut pipe = DeadlineReader::new(reader);
        pipe.set_deadline(Instant::now() + Duration::from_secs(5));
        assert_eq!(pipe.read(&mut [0u8; 4]).unwrap(), 0);
    }

    #[test]
    fn waits_are_rounded_up_to_a_whole_millisecond() {
        assert_eq!(poll_millis(Duration::from_nanos(1)), 1);
        assert_eq!(poll_millis(Duration::from_millis(3)), 3);
        assert_eq!(poll_millis(Duration::from_secs(u64::MAX)), libc::c_int::MAX);
    }
}
