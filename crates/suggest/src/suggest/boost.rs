//! Boosted trees on top of the ranker's conditional logit. The logit weighs each feature on its
//! own, but a real ledger's habits are interactions: a vendor's share means more when the vendor
//! has many lines, an amount band matters only for a vendor that bills two codes. Small trees
//! fitted to what the logit gets wrong (the same softmax over each line's candidates, one
//! Newton step per round) learn those, and a held-back tail of the fitting lines decides how
//! many rounds help, so a company whose ledger has nothing more to say keeps no trees.

use serde::{Deserialize, Serialize};

use super::rank::FEATURES;

/// One tree: node 0 is the root; a split sends a candidate left when its feature is at most
/// the threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    pub nodes: Vec<Node>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Node {
    Split {
        feature: usize,
        threshold: f64,
        left: usize,
        right: usize,
    },
    Leaf(f64),
}

impl Tree {
    /// The tree's score for a candidate. A malformed tree (a hand-edited `ranker.json`) adds
    /// nothing rather than panicking: children must come after their parent.
    pub fn score(&self, x: &[f64; FEATURES]) -> f64 {
        let mut at = 0;
        while let Some(node) = self.nodes.get(at) {
            match *node {
                Node::Leaf(v) => return v,
                Node::Split {
                    feature,
                    threshold,
                    left,
                    right,
                } => {
                    let next = if x.get(feature).is_some_and(|v| *v <= threshold) {
                        left
                    } else {
                        right
                    };
                    if next <= at {
                        return 0.0;
                    }
                    at = next;
                }
            }
        }
        0.0
    }
}

/// The sum of the trees' scores.
pub fn score(trees: &[Tree], x: &[f64; FEATURES]) -> f64 {
    trees.iter().map(|t| t.score(x)).sum()
}

/// How the trees are grown. Small trees, strong shrinkage and a large leaf floor: a company's
/// latest period is a few thousand lines, and each tree must stay a correction to the logit.
#[derive(Debug, Clone, Copy)]
pub struct BoostParams {
    pub max_rounds: usize,
    pub depth: usize,
    pub shrinkage: f64,
    /// L2 penalty on a leaf's value.
    pub lambda: f64,
    /// Least summed curvature (about "candidates in doubt") in a leaf.
    pub min_hessian: f64,
    /// Rounds without a better held-back loss before stopping.
    pub patience: usize,
    /// The share of fitting lines, the latest, held back to choose the number of rounds.
    pub held_back: f64,
}

impl Default for BoostParams {
    fn default() -> Self {
        BoostParams {
            max_rounds: 150,
            depth: 3,
            shrinkage: 0.1,
            lambda: 1.0,
            min_hessian: 5.0,
            patience: 15,
            held_back: 0.25,
        }
    }
}

/// One line's candidates' features and the position of the right one.
pub type Example = (Vec<[f64; FEATURES]>, usize);

/// Cut points per feature: at most this many, at quantiles of the values seen.
const BINS: usize = 32;

/// Trees fitted to `examples` (in time order) on top of `base`, each candidate's logit score.
/// Empty when no round improves the held-back lines.
pub fn fit_trees(
    examples: &[Example],
    base: impl Fn(&[f64; FEATURES]) -> f64,
    params: &BoostParams,
) -> Vec<Tree> {
    let split = ((examples.len() as f64) * (1.0 - params.held_back)) as usize;
    let (train, held) = examples.split_at(split.min(examples.len()));
    if train.len() < 50 || held.len() < 20 {
        return Vec::new();
    }
    let mut fit = Groups::new(train, &base);
    let mut check = Groups::new(held, &base);
    let cuts = cut_points(&fit.rows);
    let binned: Vec<[u8; FEATURES]> = fit.rows.iter().map(|x| bin(x, &cuts)).collect();
    let mut trees = Vec::new();
    let mut best = (check.loss(), 0);
    for round in 0..params.max_rounds {
        let (g, h) = fit.gradients();
        let all: Vec<usize> = (0..fit.rows.len()).collect();
        let mut tree = Tree { nodes: Vec::new() };
        grow(
            &mut tree,
            &Grower {
                binned: &binned,
                cuts: &cuts,
                g: &g,
                h: &h,
                params,
            },
            all,
            0,
        );
        fit.add(&tree);
        check.add(&tree);
        trees.push(tree);
        let loss = check.loss();
        if loss < best.0 - 1e-9 {
            best = (loss, round + 1);
        } else if round + 1 - best.1 >= params.patience {
            break;
        }
    }
    trees.truncate(best.1);
    trees
}

/// Candidates grouped by line, with their running margins.
struct Groups {
    rows: Vec<[f64; FEATURES]>,
    margins: Vec<f64>,
    /// Per line: (first row, rows, the right row).
    groups: Vec<(usize, usize, usize)>,
}

impl Groups {
    fn new(examples: &[Example], base: &impl Fn(&[f64; FEATURES]) -> f64) -> Groups {
        let mut g = Groups {
            rows: Vec::new(),
            margins: Vec::new(),
            groups: Vec::new(),
        };
        for (candidates, right) in examples {
            let start = g.rows.len();
            g.groups.push((start, candidates.len(), start + right));
            for x in candidates {
                g.rows.push(*x);
                g.margins.push(base(x));
            }
        }
        g
    }

    fn softmax(&self, (start, len, _): (usize, usize, usize)) -> Vec<f64> {
        let m = &self.margins[start..start + len];
        let top = m.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let e: Vec<f64> = m.iter().map(|v| (v - top).exp()).collect();
        let z: f64 = e.iter().sum();
        e.into_iter().map(|v| v / z).collect()
    }

    /// The softmax loss's first and second derivatives per row.
    fn gradients(&self) -> (Vec<f64>, Vec<f64>) {
        let mut g = vec![0.0; self.rows.len()];
        let mut h = vec![0.0; self.rows.len()];
        for group in &self.groups {
            let (start, _, right) = *group;
            for (i, p) in self.softmax(*group).into_iter().enumerate() {
                let row = start + i;
                g[row] = p - if row == right { 1.0 } else { 0.0 };
                h[row] = (p * (1.0 - p)).max(1e-6);
            }
        }
        (g, h)
    }

    fn add(&mut self, tree: &Tree) {
        for (m, x) in self.margins.iter_mut().zip(&self.rows) {
            *m += tree.score(x);
        }
    }

    /// Mean negative log-likelihood of the right candidates.
    fn loss(&self) -> f64 {
        let total: f64 = self
            .groups
            .iter()
            .map(|group| {
                let p = self.softmax(*group);
                -p[group.2 - group.0].max(1e-12).ln()
            })
            .sum();
        total / self.groups.len().max(1) as f64
    }
}

fn cut_points(rows: &[[f64; FEATURES]]) -> Vec<Vec<f64>> {
    (0..FEATURES)
        .map(|k| {
            let mut values: Vec<f64> = rows.iter().map(|x| x[k]).collect();
            values.sort_by(f64::total_cmp);
            values.dedup();
            if values.len() <= 1 {
                return Vec::new();
            }
            // Midpoints between neighbouring distinct values, thinned to quantiles.
            let mids: Vec<f64> = values.windows(2).map(|w| 0.5 * (w[0] + w[1])).collect();
            if mids.len() <= BINS {
                return mids;
            }
            let mut out: Vec<f64> = (1..=BINS)
                .map(|i| mids[(i * mids.len() / (BINS + 1)).min(mids.len() - 1)])
                .collect();
            out.dedup();
            out
        })
        .collect()
}

/// A row's bin per feature: how many cut points lie below its value.
fn bin(x: &[f64; FEATURES], cuts: &[Vec<f64>]) -> [u8; FEATURES] {
    let mut out = [0u8; FEATURES];
    for k in 0..FEATURES {
        out[k] = cuts[k].partition_point(|c| *c < x[k]) as u8;
    }
    out
}

struct Grower<'a> {
    binned: &'a [[u8; FEATURES]],
    cuts: &'a [Vec<f64>],
    g: &'a [f64],
    h: &'a [f64],
    params: &'a BoostParams,
}

/// Grows the subtree of `rows` at the end of `tree.nodes`, and returns its index.
fn grow(tree: &mut Tree, at: &Grower, rows: Vec<usize>, depth: usize) -> usize {
    let p = at.params;
    let (sg, sh) = rows
        .iter()
        .fold((0.0, 0.0), |(g, h), r| (g + at.g[*r], h + at.h[*r]));
    let index = tree.nodes.len();
    tree.nodes
        .push(Node::Leaf(-p.shrinkage * sg / (sh + p.lambda)));
    if depth >= p.depth || sh < 2.0 * p.min_hessian {
        return index;
    }
    let parent = sg * sg / (sh + p.lambda);
    // (gain, feature, bin): a row goes left when its bin is at most `bin`.
    let mut best: Option<(f64, usize, usize)> = None;
    for k in 0..FEATURES {
        let cuts = at.cuts[k].len();
        if cuts == 0 {
            continue;
        }
        let mut hist = vec![(0.0f64, 0.0f64); cuts + 1];
        for r in &rows {
            let b = at.binned[*r][k] as usize;
            hist[b].0 += at.g[*r];
            hist[b].1 += at.h[*r];
        }
        let (mut lg, mut lh) = (0.0, 0.0);
        for (b, (g, h)) in hist.iter().enumerate().take(cuts) {
            lg += g;
            lh += h;
            let (rg, rh) = (sg - lg, sh - lh);
            if lh < p.min_hessian || rh < p.min_hessian {
                continue;
            }
            let gain = lg * lg / (lh + p.lambda) + rg * rg / (rh + p.lambda) - parent;
            if gain > 1e-9 && best.is_none_or(|(best, _, _)| gain > best) {
                best = Some((gain, k, b));
            }
        }
    }
    let Some((_, feature, b)) = best else {
        return index;
    };
    let (left_rows, right_rows): (Vec<usize>, Vec<usize>) = rows
        .into_iter()
        .partition(|r| at.binned[*r][feature] as usize <= b);
    let left = grow(tree, at, left_rows, depth + 1);
    let right = grow(tree, at, right_rows, depth + 1);
    tree.nodes[index] = Node::Split {
        feature,
        threshold: at.cuts[feature][b],
        left,
        right,
    };
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines with two candidates where the right one is told by an interaction no weight on a
    /// single feature can express: feature 0 marks the right candidate when feature 1 is high,
    /// and the wrong one on seven in ten lines when it is low. Any weight on feature 0 makes the
    /// logit pick one candidate on every line, right on 65% of them.
    fn interaction(n: usize) -> Vec<Example> {
        (0..n)
            .map(|i| {
                let high = i % 2 == 0;
                let mut a = [0.0; FEATURES];
                let mut b = [0.0; FEATURES];
                a[0] = 1.0;
                a[1] = if high { 1.0 } else { 0.0 };
                b[1] = a[1];
                let a_right = high || (i / 2) % 10 < 3;
                (vec![a, b], if a_right { 0 } else { 1 })
            })
            .collect()
    }

    #[test]
    fn trees_learn_an_interaction_the_logit_cannot() {
        let examples = interaction(400);
        let trees = fit_trees(&examples, |_| 0.0, &BoostParams::default());
        assert!(!trees.is_empty());
        let right = examples
            .iter()
            .filter(|(c, r)| {
                let s: Vec<f64> = c.iter().map(|x| score(&trees, x)).collect();
                let top = if s[0] >= s[1] { 0 } else { 1 };
                top == *r
            })
            .count();
        // High lines all right, low lines right seven times in ten: 85%.
        assert!(right >= 340, "{right} of 400");
    }

    #[test]
    fn nothing_to_learn_keeps_no_trees() {
        // Both candidates look the same; the right one is either at random.
        let examples: Vec<Example> = (0..400)
            .map(|i| {
                (
                    vec![[0.5; FEATURES], [0.5; FEATURES]],
                    (i * 7 % 3 == 0) as usize,
                )
            })
            .collect();
        assert!(fit_trees(&examples, |_| 0.0, &BoostParams::default()).is_empty());
    }

    #[test]
    fn a_malformed_tree_adds_nothing() {
        let looped = Tree {
            nodes: vec![Node::Split {
                feature: 0,
                threshold: 0.0,
                left: 0,
                right: 7,
            }],
        };
        assert_eq!(looped.score(&[0.0; FEATURES]), 0.0);
        assert_eq!(looped.score(&[1.0; FEATURES]), 0.0);
    }
}
