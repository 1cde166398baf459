//! Agreement statistics for `lessons validate`: Spearman's rank correlation
//! with a seeded bootstrap interval, and Cohen's kappa, plain and
//! quadratic-weighted. Small and dependency-free apart from a seeded random
//! number generator, so that every run of a validation prints the same figures.

/// Ranks with ties given their average rank (1-based), as Spearman's rho needs.
pub fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let average = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            ranks[k] = average;
        }
        i = j + 1;
    }
    ranks
}

/// Pearson's correlation; `None` when either side is constant or too short.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len().min(y.len());
    if n < 2 {
        return None;
    }
    let mean = |v: &[f64]| v[..n].iter().sum::<f64>() / n as f64;
    let (mx, my) = (mean(x), mean(y));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let (dx, dy) = (x[i] - mx, y[i] - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx == 0.0 || syy == 0.0 {
        return None;
    }
    Some(sxy / (sxx * syy).sqrt())
}

/// Spearman's rho: Pearson's correlation of the (tie-averaged) ranks.
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    pearson(&ranks(x), &ranks(y))
}

/// A percentile bootstrap interval for Spearman's rho: `resamples` resamples
/// of the pairs, with replacement, from a fixed seed. Resamples in which one
/// side is constant have no rho and are left out.
pub fn spearman_interval(
    x: &[f64],
    y: &[f64],
    resamples: usize,
    level: f64,
    seed: u64,
) -> Option<(f64, f64)> {
    let n = x.len().min(y.len());
    if n < 3 {
        return None;
    }
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut rhos = Vec::with_capacity(resamples);
    let (mut bx, mut by) = (vec![0.0; n], vec![0.0; n]);
    for _ in 0..resamples {
        for i in 0..n {
            let k = rng.usize(..n);
            bx[i] = x[k];
            by[i] = y[k];
        }
        if let Some(rho) = spearman(&bx, &by) {
            rhos.push(rho);
        }
    }
    if rhos.is_empty() {
        return None;
    }
    rhos.sort_by(f64::total_cmp);
    let tail = (1.0 - level) / 2.0;
    Some((quantile(&rhos, tail), quantile(&rhos, 1.0 - tail)))
}

/// The `q` quantile of sorted values, interpolating linearly.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let position = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64)
}

/// A square confusion table: `table[label][predicted]` counts.
pub fn confusion(labels: &[usize], predicted: &[usize], classes: usize) -> Vec<Vec<usize>> {
    let mut table = vec![vec![0; classes]; classes];
    for (&l, &p) in labels.iter().zip(predicted) {
        table[l.min(classes - 1)][p.min(classes - 1)] += 1;
    }
    table
}

/// Cohen's kappa over a confusion table with disagreement weights: `weight(i, j)`
/// is 0 on the diagonal and 1 at the greatest disagreement. `None` when the
/// expected disagreement is zero (one class only on both sides).
fn weighted_kappa(table: &[Vec<usize>], weight: impl Fn(usize, usize) -> f64) -> Option<f64> {
    let k = table.len();
    let n: usize = table.iter().flatten().sum();
    if n == 0 {
        return None;
    }
    let rows: Vec<f64> = table
        .iter()
        .map(|r| r.iter().sum::<usize>() as f64)
        .collect();
    let cols: Vec<f64> = (0..k)
        .map(|j| table.iter().map(|r| r[j]).sum::<usize>() as f64)
        .collect();
    let (mut observed, mut expected) = (0.0, 0.0);
    for i in 0..k {
        for j in 0..k {
            let w = weight(i, j);
            observed += w * table[i][j] as f64 / n as f64;
            expected += w * rows[i] * cols[j] / (n * n) as f64;
        }
    }
    (expected > 0.0).then(|| 1.0 - observed / expected)
}

/// Cohen's kappa: agreement beyond chance on nominal classes.
pub fn cohen_kappa(table: &[Vec<usize>]) -> Option<f64> {
    weighted_kappa(table, |i, j| if i == j { 0.0 } else { 1.0 })
}

/// Quadratic-weighted kappa: agreement on an ordinal scale, where a miss by
/// two levels costs four times a miss by one.
pub fn quadratic_kappa(table: &[Vec<usize>]) -> Option<f64> {
    let top = (table.len().max(2) - 1) as f64;
    weighted_kappa(table, |i, j| {
        let d = i as f64 - j as f64;
        d * d / (top * top)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    #[test]
    fn ties_share_their_average_rank() {
        assert_eq!(ranks(&[10.0, 20.0, 20.0, 5.0]), vec![2.0, 3.5, 3.5, 1.0]);
    }

    #[test]
    fn spearman_matches_the_reference_value() {
        // scipy.stats.spearmanr([1,2,3,4,5], [5,6,7,8,7]) = 0.8207826816681233
        let rho = spearman(&[1.0, 2.0, 3.0, 4.0, 5.0], &[5.0, 6.0, 7.0, 8.0, 7.0]).unwrap();
        assert!(close(rho, 0.820_782_681_668_123_3), "{rho}");
        let reversed = spearman(&[1.0, 2.0, 3.0], &[9.0, 4.0, 1.0]).unwrap();
        assert!(close(reversed, -1.0));
        assert_eq!(spearman(&[1.0, 2.0, 3.0], &[2.0, 2.0, 2.0]), None);
    }

    #[test]
    fn the_bootstrap_interval_is_seeded_and_brackets_rho() {
        let x: Vec<f64> = (0..20).map(f64::from).collect();
        let y: Vec<f64> = x.iter().map(|v| v + 7.0 * (v * 1.3).sin()).collect();
        let rho = spearman(&x, &y).unwrap();
        let a = spearman_interval(&x, &y, 1000, 0.95, 7).unwrap();
        let b = spearman_interval(&x, &y, 1000, 0.95, 7).unwrap();
        assert_eq!(a, b);
        assert!(a.0 < rho && rho < a.1, "{a:?} {rho}");
    }

    #[test]
    fn cohen_kappa_matches_the_textbook_example() {
        // 50 items, two raters: 20 both yes, 15 both no, 5 and 10 disagree.
        // p_o = 0.7, p_e = 0.5, kappa = 0.4.
        let table = vec![vec![20, 5], vec![10, 15]];
        assert!(close(cohen_kappa(&table).unwrap(), 0.4));
    }

    #[test]
    fn quadratic_kappa_matches_a_worked_example() {
        // labels 0,1,2 vs predictions 0,2,2 (sklearn's cohen_kappa_score with
        // weights="quadratic" gives 0.8): observed weighted disagreement
        // 0.25/3; marginals (1,1,1) and (1,0,2) give expected 3.75/9.
        let table = confusion(&[0, 1, 2], &[0, 2, 2], 3);
        let kappa = quadratic_kappa(&table).unwrap();
        assert!(close(kappa, 0.8), "{kappa}");
        let perfect = confusion(&[0, 1, 2, 3, 4], &[0, 1, 2, 3, 4], 5);
        assert!(close(quadratic_kappa(&perfect).unwrap(), 1.0));
    }
}
