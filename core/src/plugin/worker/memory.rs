//! Shared memory between the host and its workers: a memory file (Linux
//! `memfd`) that the host writes through its own mapping and that workers
//! map read-only, from a read-only descriptor, so that a plugin can neither
//! write to it nor make its mapping writable.

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Why shared memory could not be set up or mapped.
#[derive(Debug, thiserror::Error)]
pub enum MemoryError {
    #[error("shared memory files are not available on this system")]
    Unsupported,
    #[error("cannot {action}: {source}")]
    System {
        action: &'static str,
        #[source]
        source: io::Error,
    },
    #[error("{wanted} bytes asked of a region of {reserved}")]
    TooLarge { wanted: usize, reserved: usize },
    #[error("the shared memory file is empty")]
    Empty,
}

impl MemoryError {
    fn last(action: &'static str) -> MemoryError {
        MemoryError::System {
            action,
            source: io::Error::last_os_error(),
        }
    }
}

/// The host's side of one shared memory file: the file, a read-only
/// descriptor of it for workers, and a writable mapping of `reserved`
/// bytes, of which the first `size` are backed by the file.
pub struct Region {
    file: OwnedFd,
    reader: OwnedFd,
    base: NonNull<u8>,
    reserved: usize,
    size: AtomicUsize,
}

// SAFETY: the mapping is owned by the region and lives as long as it; who
// may write where is decided by the caller of `bytes_mut` (one lease holder
// at a time), not by the thread that made the region.
unsafe impl Send for Region {}
unsafe impl Sync for Region {}

impl Region {
    /// An empty memory file with `reserved` bytes of address space mapped
    /// for writing: the file grows into the mapping (see [`Region::grow_to`])
    /// without the host mapping it again.
    pub fn create(reserved: usize) -> Result<Region, MemoryError> {
        let file = memory_file()?;
        let reader = reopen_read_only(&file)?;
        let base = map(file.as_fd(), reserved, libc::PROT_READ | libc::PROT_WRITE)?;
        // Sealed after the host's mapping is made, which stays writable.
        seal(&file);
        Ok(Region {
            file,
            reader,
            base,
            reserved,
            size: AtomicUsize::new(0),
        })
    }

    /// The read-only descriptor workers inherit.
    pub fn reader(&self) -> RawFd {
        self.reader.as_raw_fd()
    }

    /// The most bytes the region can hold.
    pub fn reserved(&self) -> usize {
        self.reserved
    }

    /// Grows the file to `len` bytes if it is shorter. It never shrinks: a
    /// worker touching a page past a shrunk end would die of SIGBUS.
    pub fn grow_to(&self, len: usize) -> Result<(), MemoryError> {
        if len > self.reserved {
            return Err(MemoryError::TooLarge {
                wanted: len,
                reserved: self.reserved,
            });
        }
        if len <= self.size.load(Ordering::Relaxed) {
            return Ok(());
        }
        // SAFETY: ftruncate on a descriptor the region owns.
        if unsafe { libc::ftruncate(self.file.as_raw_fd(), len as libc::off_t) } != 0 {
            return Err(MemoryError::last("grow a shared memory file"));
        }
        self.size.store(len, Ordering::Relaxed);
        Ok(())
    }

    /// The file's length now.
    pub fn size(&self) -> usize {
        self.size.load(Ordering::Relaxed)
    }

    /// The start of the writable mapping, page-aligned.
    ///
    /// # Safety
    /// Only the first [`Region::size`] bytes may be touched (the rest is
    /// past the file's end: SIGBUS), and only by one writer at a time while
    /// no worker reads them.
    pub unsafe fn base(&self) -> *mut u8 {
        self.base.as_ptr()
    }
}

impl Drop for Region {
    fn drop(&mut self) {
        // SAFETY: the mapping was made by `create` with this length, and no
        // reference into it outlives the region.
        unsafe { libc::munmap(self.base.as_ptr().cast(), self.reserved) };
    }
}

/// A worker's read-only mapping of a region, as long as the file was when
/// it was mapped.
pub struct Mapping {
    base: NonNull<u8>,
    len: usize,
}

impl Mapping {
    /// Maps the whole file behind `reader` for reading.
    pub fn of(reader: BorrowedFd<'_>) -> Result<Mapping, MemoryError> {
        let len = file_len(reader)?;
        if len == 0 {
            return Err(MemoryError::Empty);
        }
        let base = map(reader, len, libc::PROT_READ)?;
        Ok(Mapping { base, len })
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// The mapped bytes. They change only while no worker is told to read
    /// them: the host writes a slot before it sends its frame, and not again
    /// until every worker it sent the frame to has answered or been killed.
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: `len` bytes are mapped readable for the life of `self`, and
        // the file never shrinks below them (F_SEAL_SHRINK; only the host
        // can resize it, and it only grows it).
        unsafe { std::slice::from_raw_parts(self.base.as_ptr(), self.len) }
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: mapped by `of` with this length; `bytes` borrows `self`.
        unsafe { libc::munmap(self.base.as_ptr().cast(), self.len) };
    }
}

/// The length of the file behind a descriptor.
fn file_len(fd: BorrowedFd<'_>) -> Result<usize, MemoryError> {
    // SAFETY: fstat writes only into the struct passed.
    let mut stat: libc::stat = unsafe { std::mem::zeroed() };
    if unsafe { libc::fstat(fd.as_raw_fd(), &mut stat) } != 0 {
        return Err(MemoryError::last("read the size of a shared memory file"));
    }
    Ok(stat.st_size.max(0) as usize)
}

/// `len` bytes of `fd` mapped shared with `protection`. Pages past the
/// file's end may be mapped; they are not touched until the file covers them.
fn map(
    fd: BorrowedFd<'_>,
    len: usize,
    protection: libc::c_int,
) -> Result<NonNull<u8>, MemoryError> {
    // SAFETY: a fresh mapping chosen by the kernel; it aliases nothing of ours.
    let base = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            protection,
            libc::MAP_SHARED,
            fd.as_raw_fd(),
            0,
        )
    };
    if base == libc::MAP_FAILED {
        return Err(MemoryError::last("map shared memory"));
    }
    NonNull::new(base.cast()).ok_or(MemoryError::Unsupported)
}

/// A new, empty memory file, closed on exec (workers get the read-only one).
#[cfg(target_os = "linux")]
fn memory_file() -> Result<OwnedFd, MemoryError> {
    use std::os::fd::FromRawFd;
    let flags = libc::MFD_CLOEXEC | libc::MFD_ALLOW_SEALING;
    // SAFETY: the name is a NUL-terminated literal.
    let fd = unsafe { libc::memfd_create(c"lessons-documents".as_ptr(), flags) };
    if fd < 0 {
        return Err(MemoryError::last("create a shared memory file"));
    }
    // SAFETY: a fresh descriptor nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

#[cfg(not(target_os = "linux"))]
fn memory_file() -> Result<OwnedFd, MemoryError> {
    Err(MemoryError::Unsupported)
}

/// A read-only descriptor of the same file. A mapping made from it cannot
/// be `mprotect`ed writable (the kernel clears `VM_MAYWRITE`), which a
/// mapping from the host's read-write descriptor could.
fn reopen_read_only(file: &OwnedFd) -> Result<OwnedFd, MemoryError> {
    let path = format!("/proc/self/fd/{}", file.as_raw_fd());
    std::fs::File::options()
        .read(true)
        .open(path)
        .map(OwnedFd::from)
        .map_err(|source| MemoryError::System {
            action: "reopen a shared memory file read-only",
            source,
        })
}

/// Seals the file against shrinking and against any new write or writable
/// mapping: the host's mapping, made before, stays writable, but a plugin
/// that reopened the file through `/proc` could not write to it. Best
/// effort (`F_SEAL_FUTURE_WRITE` needs Linux 5.1): the read-only descriptor
/// and mapping already stop a plugin's accidents; the seals stop a plugin
/// that sets out to write, which isolation does not claim to stop.
fn seal(file: &OwnedFd) {
    #[cfg(target_os = "linux")]
    for seal in [libc::F_SEAL_SHRINK, libc::F_SEAL_FUTURE_WRITE] {
        // SAFETY: fcntl on a descriptor we own; a refusal leaves it unsealed.
        unsafe { libc::fcntl(file.as_raw_fd(), libc::F_ADD_SEALS, seal) };
    }
    #[cfg(not(target_os = "linux"))]
    let _ = file;
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::os::fd::AsFd;

    #[test]
    fn what_the_host_writes_a_reader_sees_and_the_file_grows_under_both() {
        let region = Region::create(1 << 20).unwrap();
        region.grow_to(4096).unwrap();
        // SAFETY: 4096 bytes are backed; nobody else uses the region.
        unsafe { region.base().write_bytes(7, 4096) };
        // SAFETY: the reader descriptor is open for the life of the region.
        let reader = unsafe { BorrowedFd::borrow_raw(region.reader()) };
        let first = Mapping::of(reader).unwrap();
        assert_eq!(first.bytes(), &[7u8; 4096][..]);
        region.grow_to(3 * 4096).unwrap();
        // SAFETY: as above, now three pages.
        unsafe { region.base().add(8192).write_bytes(9, 4096) };
        let second = Mapping::of(reader).unwrap();
        assert_eq!(second.len(), 3 * 4096);
        assert_eq!(second.bytes()[8192..], [9u8; 4096][..]);
        assert!(region.grow_to((1 << 20) + 1).is_err());
    }

    #[test]
    fn a_reader_cannot_write_nor_make_its_mapping_writable() {
        let region = Region::create(1 << 16).unwrap();
        region.grow_to(4096).unwrap();
        // SAFETY: the reader descriptor is open for the life of the region.
        let reader = unsafe { BorrowedFd::borrow_raw(region.reader()) };
        let mapping = Mapping::of(reader).unwrap();
        // SAFETY: mprotect of our own mapping; expected to be refused.
        let status = unsafe {
            libc::mprotect(
                mapping.base.as_ptr().cast(),
                4096,
                libc::PROT_READ | libc::PROT_WRITE,
            )
        };
        assert_ne!(
            status, 0,
            "a read-only descriptor's mapping stays read-only"
        );
        assert!(map(reader, 4096, libc::PROT_READ | libc::PROT_WRITE).is_err());
        let reopened = std::fs::File::options()
            .write(true)
            .open(format!("/proc/self/fd/{}", region.reader()));
        if let Ok(file) = reopened {
            let sealed = map(file.as_fd(), 4096, libc::PROT_READ | libc::PROT_WRITE);
            assert!(sealed.is_err(), "the seal refuses a new writable mapping");
        }
    }
}
