//! What a search needs one of per review at once (lazy DFA caches and the
//! rows built from them), kept between reviews and shared by threads.

use std::sync::Mutex;

/// Values not in use, the last given back on top: one thread after another
/// reuses the DFA states another built, where a value per thread would
/// build them again.
pub(crate) struct Spares<T> {
    idle: Mutex<Vec<T>>,
}

impl<T> Default for Spares<T> {
    fn default() -> Spares<T> {
        Spares {
            idle: Mutex::new(Vec::new()),
        }
    }
}

impl<T> Spares<T> {
    /// Runs `work` with a spare value, made by `make` if none is idle, and
    /// keeps it for the next. The lock is held only to take and give back,
    /// never while a value is in use, so no panic can poison it.
    pub(crate) fn with<R>(&self, make: impl FnOnce() -> T, work: impl FnOnce(&mut T) -> R) -> R {
        let spare = self.idle.lock().expect("never poisoned").pop();
        let mut value = spare.unwrap_or_else(make);
        let result = work(&mut value);
        self.idle.lock().expect("never poisoned").push(value);
        result
    }
}
