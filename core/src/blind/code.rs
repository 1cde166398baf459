//! Case codes: each case gets a random-looking code drawn from a seed, and
//! the cases are listed in an order drawn from the same seed, so that neither
//! the code nor the order says which file a case came from.
//!
//! The draw is SHA-256 of the seed and the case's file name, not a general
//! random number generator: the same seed must give the same codes on every
//! machine and every future build, which a keyed hash guarantees and `rand`'s
//! standard generator explicitly does not.

use sha2::{Digest, Sha256};

/// Letters and digits that cannot be mistaken for one another when read aloud
/// or written by hand (no 0/O, 1/I/L, 2/Z, 5/S, 8/B).
const ALPHABET: &[u8] = b"ACDEFGHJKMNPQRTUVWXY34679";
/// Characters in a code.
const CODE_LEN: usize = 5;

/// A code for each name, in the same order, all distinct.
pub fn codes(seed: u64, names: &[String]) -> Vec<String> {
    let mut taken: Vec<String> = Vec::with_capacity(names.len());
    for name in names {
        let mut attempt = 0u32;
        let code = loop {
            let candidate = code_for(seed, name, attempt);
            if !taken.contains(&candidate) {
                break candidate;
            }
            attempt += 1;
        };
        taken.push(code);
    }
    taken
}

/// The position each case takes in the blinded listing: indices into `names`.
pub fn order(seed: u64, names: &[String]) -> Vec<usize> {
    let mut indices: Vec<usize> = (0..names.len()).collect();
    indices.sort_by_key(|&i| digest(seed, "order", &names[i], 0));
    indices
}

fn code_for(seed: u64, name: &str, attempt: u32) -> String {
    digest(seed, "code", name, attempt)
        .iter()
        .take(CODE_LEN)
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

fn digest(seed: u64, purpose: &str, name: &str, attempt: u32) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"lessons-blind\0");
    hasher.update(seed.to_le_bytes());
    hasher.update(purpose.as_bytes());
    hasher.update([0]);
    hasher.update(name.as_bytes());
    hasher.update(attempt.to_le_bytes());
    hasher.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        (1..=12).map(|i| format!("pair-{i}-a.md")).collect()
    }

    #[test]
    fn the_same_seed_gives_the_same_codes_and_another_seed_does_not() {
        assert_eq!(codes(7, &names()), codes(7, &names()));
        assert_ne!(codes(7, &names()), codes(8, &names()));
        assert_eq!(order(7, &names()), order(7, &names()));
    }

    #[test]
    fn codes_are_distinct_and_drawn_from_the_alphabet() {
        let codes = codes(1, &names());
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), codes.len());
        assert!(
            codes
                .iter()
                .all(|c| c.len() == CODE_LEN && c.bytes().all(|b| ALPHABET.contains(&b)))
        );
    }

    #[test]
    fn the_order_is_a_shuffle_not_the_input_order() {
        let order = order(3, &names());
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(sorted, (0..12).collect::<Vec<_>>());
        assert_ne!(order, sorted);
    }
}
