//! A signal that some plugin of a run became free: a scoring thread whose
//! remaining plugins are all busy waits for whichever frees first, not for
//! one it picked.

use std::sync::{Condvar, Mutex};

/// Counts the turns given back at any plugin of a run. A thread reads the
/// count before it tries its plugins; if none was free, it waits until the
/// count moves past what it read, so a turn given back in between is not
/// missed.
#[derive(Debug, Default)]
pub struct Turns {
    given_back: Mutex<u64>,
    moved: Condvar,
}

impl Turns {
    pub fn new() -> Turns {
        Turns::default()
    }

    /// How many turns have been given back so far.
    pub fn seen(&self) -> u64 {
        *self.given_back.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Says that a turn at some plugin was given back (or a worker lost).
    pub fn give_back(&self) {
        let mut given_back = self.given_back.lock().unwrap_or_else(|p| p.into_inner());
        *given_back += 1;
        self.moved.notify_all();
    }

    /// Waits until a turn has been given back since `seen` was read.
    pub fn wait_after(&self, seen: u64) {
        let given_back = self.given_back.lock().unwrap_or_else(|p| p.into_inner());
        let _moved = self
            .moved
            .wait_while(given_back, |count| *count == seen)
            .unwrap_or_else(|p| p.into_inner());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Duration;

    #[test]
    fn a_turn_given_back_before_the_wait_is_not_missed() {
        let turns = Turns::new();
        let seen = turns.seen();
        turns.give_back();
        turns.wait_after(seen);
        assert_eq!(turns.seen(), seen + 1);
    }

    #[test]
    fn a_waiting_thread_wakes_when_a_turn_is_given_back() {
        let turns = Arc::new(Turns::new());
        let seen = turns.seen();
        let waiter = {
            let turns = Arc::clone(&turns);
            std::thread::spawn(move || turns.wait_after(seen))
        };
        std::thread::sleep(Duration::from_millis(50));
        assert!(!waiter.is_finished(), "nothing was given back yet");
        turns.give_back();
        waiter.join().expect("the waiter woke");
    }
}
