//! The host's slots for documents on their way to workers: a few shared
//! memory regions (one per scoring thread), each leased to one document at a
//! time. A document is written into its slot once, however many plugins'
//! workers then read it, and the slot is given back when the document's
//! `Outgoing` is dropped: after every plugin has answered for it, or its
//! worker has been killed, so no live worker is ever reading a slot that is
//! written again.
//!
//! A document larger than a slot may hold, or one that finds every slot
//! leased, goes down the pipes instead.

use super::layout::{self, Plan};
use super::memory::{MemoryError, Region};
use crate::document::Document;
use std::os::fd::RawFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A slot's file starts at this size and grows by doubling: a few workers'
/// remappings per slot over a run, not one per larger review.
const FIRST_BYTES: usize = 1 << 20;

/// Shared regions leased to documents one at a time.
pub struct Slots {
    slots: Vec<Slot>,
    /// The most bytes a document may take in a slot.
    capacity: usize,
}

struct Slot {
    region: Region,
    leased: AtomicBool,
}

impl std::fmt::Debug for Slots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Slots")
            .field("count", &self.slots.len())
            .field("free", &self.free())
            .finish()
    }
}

impl Slots {
    /// `count` slots of up to `capacity` bytes each. Only address space is
    /// reserved: memory is used as documents fill the slots.
    pub fn new(count: usize, capacity: usize) -> Result<Slots, MemoryError> {
        let slots = (0..count.max(1))
            .map(|_| {
                Ok(Slot {
                    region: Region::create(capacity)?,
                    leased: AtomicBool::new(false),
                })
            })
            .collect::<Result<_, MemoryError>>()?;
        Ok(Slots { slots, capacity })
    }

    /// The read-only descriptors a worker inherits, in slot order.
    pub fn descriptors(&self) -> Vec<RawFd> {
        self.slots.iter().map(|s| s.region.reader()).collect()
    }

    /// How many slots no document holds now.
    pub fn free(&self) -> usize {
        self.slots
            .iter()
            .filter(|s| !s.leased.load(Ordering::Acquire))
            .count()
    }

    /// Writes `document` into a free slot, or `None` if it is larger than a
    /// slot, every slot is leased, or the slot cannot grow: then it goes
    /// down the pipes.
    pub fn place(self: &Arc<Self>, document: &Document) -> Option<Placed> {
        let plan = Plan::of(document);
        if plan.len() > self.capacity {
            return None;
        }
        let index = self.lease()?;
        let placed = Placed {
            slots: Arc::clone(self),
            index,
            len: plan.len(),
        };
        let region = &self.slots[index].region;
        region.grow_to(grown(region, plan.len())).ok()?;
        // SAFETY: the slot is leased to us alone, no worker is reading it (the
        // last document's readers have all answered or died), the region's
        // base is page-aligned and its file now covers `plan.len()` bytes.
        unsafe { plan.write(document, region.base()) };
        Some(placed)
    }

    /// Takes the first free slot.
    fn lease(&self) -> Option<usize> {
        self.slots.iter().position(|s| {
            s.leased
                .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
        })
    }
}

/// The size a slot's file grows to for `len` bytes, at most its
/// reservation: doubling, so that a slot is remapped by workers a few times
/// in a run rather than for every longer review.
fn grown(region: &Region, len: usize) -> usize {
    if len <= region.size() {
        return region.size();
    }
    len.next_power_of_two()
        .max(FIRST_BYTES)
        .min(region.reserved())
}

/// A document written into a slot, which stays leased until this is dropped.
pub struct Placed {
    slots: Arc<Slots>,
    index: usize,
    len: usize,
}

impl Placed {
    /// The slot's number, as workers know it (its place in `descriptors`).
    pub fn slot(&self) -> u32 {
        self.index as u32
    }

    /// The document's length in the slot.
    pub fn len(&self) -> u64 {
        self.len as u64
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether the document is in these slots (those a pool's workers map).
    pub fn is_in(&self, slots: &Arc<Slots>) -> bool {
        Arc::ptr_eq(&self.slots, slots)
    }
}

impl Drop for Placed {
    fn drop(&mut self) {
        self.slots.slots[self.index]
            .leased
            .store(false, Ordering::Release);
    }
}

/// Keeps [`layout::ALIGN`] honest: regions start on a page.
const _: () = assert!(layout::ALIGN <= 4096);

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::path::Path;

    fn review(words: usize) -> Document {
        let text = "The referral was not escalated. ".repeat(words / 5);
        crate::ingest::from_text(Path::new("reviews/sample.md"), text)
    }

    #[test]
    fn a_slot_is_leased_while_its_document_is_out_and_free_after() {
        let slots = Arc::new(Slots::new(2, 1 << 20).unwrap());
        let document = review(100);
        let first = slots.place(&document).expect("a free slot");
        let second = slots.place(&document).expect("another free slot");
        assert_ne!(first.slot(), second.slot());
        assert_eq!(slots.free(), 0);
        assert!(slots.place(&document).is_none(), "every slot is leased");
        drop(first);
        assert_eq!(slots.free(), 1);
        let third = slots.place(&document).expect("the slot given back");
        assert_eq!(third.slot(), 0);
    }

    #[test]
    fn a_document_larger_than_a_slot_is_not_placed_and_leaves_it_free() {
        let slots = Arc::new(Slots::new(1, 64 * 1024).unwrap());
        assert!(slots.place(&review(100_000)).is_none());
        assert_eq!(slots.free(), 1);
        assert!(slots.place(&review(100)).is_some());
    }

    #[test]
    fn a_slot_grows_by_doubling_within_its_reservation() {
        let slots = Arc::new(Slots::new(1, 8 << 20).unwrap());
        let region = &slots.slots[0].region;
        drop(slots.place(&review(100)));
        assert_eq!(region.size(), FIRST_BYTES);
        let large = review(300_000);
        let len = Plan::of(&large).len();
        assert!(len > FIRST_BYTES * 2);
        drop(slots.place(&large).expect("within the reservation"));
        assert_eq!(region.size(), len.next_power_of_two().min(8 << 20));
        drop(slots.place(&review(100)));
        assert!(region.size() >= len, "a slot never shrinks");
    }
}
