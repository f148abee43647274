//! Confidence calibration: an isotonic (pool-adjacent-violators) map per field from the vote
//! share of the top candidate to the probability that it is right, fitted on a validation split
//! and persisted per company as JSON, so "0.99" means right 99 times in 100 on that company.
//! Each step's rate is shrunk toward one half by a uniform prior, so that no confidence is 0 or
//! 1 and a high one needs many lines behind it.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use ledgerline_core::company::{CompanyError, Field};

/// Step function per field: `(upper score of a block, probability)`, ascending.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    pub fields: BTreeMap<Field, Vec<(f64, f64)>>,
    /// Validation lines the map was fitted on.
    pub samples: usize,
}

impl Calibration {
    /// The calibrated probability for a raw vote share; the share itself for an unfitted field.
    pub fn apply(&self, field: Field, score: f64) -> f64 {
        let Some(steps) = self.fields.get(&field) else {
            return score;
        };
        match steps.iter().find(|(upper, _)| score <= *upper) {
            Some((_, p)) => *p,
            None => steps.last().map_or(score, |(_, p)| *p),
        }
    }

    /// Fits one field from (score, was the top candidate right) pairs.
    pub fn fit(&mut self, field: Field, mut samples: Vec<(f64, bool)>) {
        if samples.is_empty() {
            return;
        }
        samples.sort_by(|a, b| a.0.total_cmp(&b.0));
        // Blocks of (sum of outcomes, count, highest score), merged while they decrease, and
        // where they tie, so that the rate of each step rests on as many lines as it can.
        let mut blocks: Vec<(f64, f64, f64)> = Vec::new();
        for (score, right) in samples {
            blocks.push((if right { 1.0 } else { 0.0 }, 1.0, score));
            while blocks.len() > 1 {
                let (s2, n2, hi2) = blocks[blocks.len() - 1];
                let (s1, n1, hi1) = blocks[blocks.len() - 2];
                // Lines of one score are one block whatever their order: `apply` reads the
                // first block a score falls in, so a score split over several blocks got the
                // rate of its first, lowest, part alone.
                if s1 / n1 < s2 / n2 && hi1 < hi2 {
                    break;
                }
                blocks.pop();
                let last = blocks.last_mut().expect("two blocks");
                *last = (s1 + s2, n1 + n2, hi2);
            }
        }
        // A block's rate as the mean of its beta posterior from a uniform prior, not the bare
        // share: a top block of 40 lines all right says 0.976, not a certainty, so a policy
        // that posts at 0.99 needs more evidence than a few dozen lines.
        // The posterior means of a short block and a long one after it can fall; the running
        // maximum keeps the map monotone.
        let mut floor = 0.0f64;
        let steps = blocks
            .into_iter()
            .map(|(s, n, hi)| {
                floor = floor.max((s + 1.0) / (n + 2.0));
                (hi, floor)
            })
            .collect();
        self.fields.insert(field, steps);
    }

    pub fn load(path: &Path) -> Result<Option<Calibration>, CompanyError> {
        ledgerline_core::company::load_json(path)
    }

    pub fn save(&self, path: &Path) -> Result<(), CompanyError> {
        ledgerline_core::company::save_json(path, self)
    }
}

/// Expected calibration error over (confidence, right) pairs, in ten equal-width bins.
pub fn expected_calibration_error(pairs: &[(f64, bool)]) -> f64 {
    if pairs.is_empty() {
        return 0.0;
    }
    let mut bins = [(0.0f64, 0.0f64, 0usize); 10];
    for (conf, right) in pairs {
        let b = ((conf * 10.0) as usize).min(9);
        bins[b].0 += conf;
        bins[b].1 += if *right { 1.0 } else { 0.0 };
        bins[b].2 += 1;
    }
    bins.iter()
        .filter(|b| b.2 > 0)
        .map(|(c, r, _)| (c - r).abs() / pairs.len() as f64)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_one_score_share_one_rate_whatever_their_order() {
        // Four lines scored alike, the wrong one first: three right in four, 4/6 with the
        // prior. Split at the wrong line, the score read the wrong line's block alone (1/3).
        let mut c = Calibration::default();
        c.fit(
            Field::Account,
            vec![(0.5, false), (0.5, true), (0.5, true), (0.5, true)],
        );
        assert!((c.apply(Field::Account, 0.5) - 4.0 / 6.0).abs() < 1e-9);
    }

    #[test]
    fn isotonic_fit_is_monotone_and_matches_block_rates() {
        let mut c = Calibration::default();
        let samples = vec![
            (0.1, false),
            (0.2, true),
            (0.3, false),
            (0.6, true),
            (0.7, false),
            (0.9, true),
            (0.95, true),
        ];
        c.fit(Field::Account, samples);
        let probs: Vec<f64> = [0.05, 0.25, 0.65, 0.92, 1.0]
            .iter()
            .map(|s| c.apply(Field::Account, *s))
            .collect();
        assert!(probs.windows(2).all(|w| w[0] <= w[1]), "{probs:?}");
        // 0.9 and 0.95, both right, pool into one block: two of two is 3/4 with the prior,
        // never a certainty.
        assert!((c.apply(Field::Account, 0.92) - 0.75).abs() < 1e-9);
        // 0.2 (right) to 0.7 pool into one block of two right in four: 3/6.
        assert!((c.apply(Field::Account, 0.25) - 0.5).abs() < 1e-9);
        // The lowest block, one wrong line, is 1/3, not an impossibility.
        assert!((c.apply(Field::Account, 0.05) - 1.0 / 3.0).abs() < 1e-9);
        // An unfitted field passes the share through.
        assert_eq!(c.apply(Field::Class, 0.42), 0.42);
    }

    #[test]
    fn ece_is_zero_when_confidence_matches_accuracy() {
        let pairs: Vec<(f64, bool)> = (0..10).map(|i| (0.75, i < 7 || i == 9)).collect();
        assert!(expected_calibration_error(&pairs) < 0.051);
        let over: Vec<(f64, bool)> = (0..10).map(|_| (0.95, false)).collect();
        assert!((expected_calibration_error(&over) - 0.95).abs() < 1e-9);
    }
}
