//! The two statistics of a blind review: how far a score moves when the
//! outcome is hidden, and whether a score picks the harmed child of each pair
//! more often than a coin would (an exact one-sided sign test).

use serde::Serialize;

/// How far scores move between the original and the blinded text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Sensitivity {
    /// Cases scored both ways.
    pub cases: usize,
    /// Mean of |blinded − original|: hindsight sensitivity.
    pub mean_absolute_change: f64,
    /// Mean of blinded − original: negative when hiding the outcome lowers the score.
    pub mean_signed_change: f64,
    pub largest_absolute_change: f64,
}

impl Sensitivity {
    pub fn of(changes: &[f64]) -> Sensitivity {
        if changes.is_empty() {
            return Sensitivity::default();
        }
        let n = changes.len() as f64;
        Sensitivity {
            cases: changes.len(),
            mean_absolute_change: changes.iter().map(|c| c.abs()).sum::<f64>() / n,
            mean_signed_change: changes.iter().sum::<f64>() / n,
            largest_absolute_change: changes.iter().fold(0.0, |m, c| m.max(c.abs())),
        }
    }
}

/// How often the higher score fell on the harmed child of a pair.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Discrimination {
    pub pairs: usize,
    /// The harmed child scored higher.
    pub right: usize,
    /// The unharmed child scored higher.
    pub wrong: usize,
    /// Equal scores: no pick, left out of the test as a sign test does.
    pub ties: usize,
    /// right / (right + wrong); none when every pair tied.
    pub accuracy: Option<f64>,
    /// P(at least `right` of `right + wrong` by chance), exact binomial at ½.
    pub p_value: Option<f64>,
}

impl Discrimination {
    /// From (harmed score, unharmed score) for each pair.
    pub fn of(pairs: &[(f64, f64)]) -> Discrimination {
        let right = pairs.iter().filter(|(h, u)| h > u).count();
        let wrong = pairs.iter().filter(|(h, u)| h < u).count();
        let decided = right + wrong;
        Discrimination {
            pairs: pairs.len(),
            right,
            wrong,
            ties: pairs.len() - decided,
            accuracy: (decided > 0).then(|| right as f64 / decided as f64),
            p_value: (decided > 0).then(|| binomial_upper_tail(right, decided)),
        }
    }
}

/// P(X ≥ k) for X ~ Binomial(n, ½), summed exactly term by term.
pub fn binomial_upper_tail(k: usize, n: usize) -> f64 {
    let mut term = 0.5f64.powi(n as i32);
    let mut tail = 0.0;
    for i in 0..=n {
        if i >= k {
            tail += term;
        }
        term *= (n - i) as f64 / (i + 1) as f64;
    }
    tail.min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_binomial_tail_matches_hand_counts() {
        assert!((binomial_upper_tail(6, 6) - 1.0 / 64.0).abs() < 1e-12);
        assert!((binomial_upper_tail(5, 6) - 7.0 / 64.0).abs() < 1e-12);
        assert!((binomial_upper_tail(0, 6) - 1.0).abs() < 1e-12);
        assert!((binomial_upper_tail(3, 6) - 42.0 / 64.0).abs() < 1e-12);
    }

    #[test]
    fn ties_are_left_out_of_the_test() {
        let d = Discrimination::of(&[(3.0, 1.0), (2.0, 2.0), (1.0, 4.0), (5.0, 0.0)]);
        assert_eq!((d.right, d.wrong, d.ties), (2, 1, 1));
        assert_eq!(d.accuracy, Some(2.0 / 3.0));
        assert!((d.p_value.unwrap() - 0.5).abs() < 1e-12);
        assert_eq!(Discrimination::of(&[(1.0, 1.0)]).accuracy, None);
    }

    #[test]
    fn sensitivity_keeps_the_sign_apart_from_the_size() {
        let s = Sensitivity::of(&[-10.0, 4.0, 0.0]);
        assert_eq!(s.cases, 3);
        assert!((s.mean_absolute_change - 14.0 / 3.0).abs() < 1e-12);
        assert!((s.mean_signed_change + 2.0).abs() < 1e-12);
        assert_eq!(s.largest_absolute_change, 10.0);
    }
}
