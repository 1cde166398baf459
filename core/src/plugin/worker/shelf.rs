//! The worker's side of the host's slots: the read-only descriptors it
//! inherited, each mapped read-only on first use and mapped again, larger,
//! once the host has grown that slot.

use super::memory::{Mapping, MemoryError};
use std::os::fd::{AsFd, FromRawFd, OwnedFd, RawFd};

/// Why a slot the host named cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ShelfError {
    #[error("the host named slot {0}, but shared {1}")]
    NoSuchSlot(u32, usize),
    #[error("descriptor {0} given for a slot is not open")]
    NotOpen(RawFd),
    #[error("slot {slot} holds {held} bytes, not the {len} the host sent")]
    Short { slot: u32, held: usize, len: u64 },
    #[error(transparent)]
    Memory(#[from] MemoryError),
}

/// The slots this worker can read.
#[derive(Default)]
pub struct Shelf {
    slots: Vec<MappedSlot>,
}

struct MappedSlot {
    reader: OwnedFd,
    mapping: Option<Mapping>,
}

impl Shelf {
    /// Takes over the descriptors the host passed (`--slots`), and keeps them
    /// from any process the plugin starts.
    pub fn adopt(descriptors: &[RawFd]) -> Result<Shelf, ShelfError> {
        let slots = descriptors
            .iter()
            .map(|&fd| {
                // SAFETY: F_SETFD on a descriptor number; fails if it is not open.
                if unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) } != 0 {
                    return Err(ShelfError::NotOpen(fd));
                }
                Ok(MappedSlot {
                    // SAFETY: the host opened it for this worker alone to own,
                    // and it is open (checked above).
                    reader: unsafe { OwnedFd::from_raw_fd(fd) },
                    mapping: None,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Shelf { slots })
    }

    /// The first `len` bytes of slot `slot`, mapping it (again) if this
    /// worker's mapping is shorter.
    pub fn read(&mut self, slot: u32, len: u64) -> Result<&[u8], ShelfError> {
        let count = self.slots.len();
        let wanted = usize::try_from(len).unwrap_or(usize::MAX);
        let held = self
            .slots
            .get(slot as usize)
            .ok_or(ShelfError::NoSuchSlot(slot, count))?
            .held();
        if held < wanted {
            self.remap(slot as usize)?;
        }
        let mapping = self.slots[slot as usize].mapping.as_ref();
        let bytes = mapping.map_or(&[][..], Mapping::bytes);
        bytes.get(..wanted).ok_or(ShelfError::Short {
            slot,
            held: bytes.len(),
            len,
        })
    }

    /// Maps a slot at its file's new length. Where the address space is
    /// short (the worker's memory limit), the other slots' mappings are let
    /// go first: they are mapped again when next used.
    fn remap(&mut self, index: usize) -> Result<(), ShelfError> {
        self.slots[index].mapping = None;
        let mapped = Mapping::of(self.slots[index].reader.as_fd());
        let mapping = match mapped {
            Ok(mapping) => mapping,
            Err(_) => {
                self.slots.iter_mut().for_each(|s| s.mapping = None);
                Mapping::of(self.slots[index].reader.as_fd())?
            }
        };
        self.slots[index].mapping = Some(mapping);
        Ok(())
    }
}

impl MappedSlot {
    fn held(&self) -> usize {
        self.mapping.as_ref().map_or(0, Mapping::len)
    }
}
