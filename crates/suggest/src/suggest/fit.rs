//! Learning a company's ranker and calibration from its own latest period, at every history
//! import. The latest lines are replayed as if they were being suggested, in two halves; each
//! half sees only the habits and neighbours from before it began, as a served line sees the
//! history imported before it (until the next import). The older half of that period fits
//! the ranker's weights (a conditional logit over each line's candidates, account first so the
//! dimensions learn from the account the ranker would choose); the newer half fits the
//! calibration, so a confidence is measured on lines the weights never saw.

use std::collections::BTreeMap;
use std::path::Path;

use super::boost::{BoostParams, Example, fit_trees};
use super::calibrate::Calibration;
use super::habits::{Habits, ledger_path, read_ledger};
use super::rank::{Choices, CompanyModel, FEATURES, Ranker, dot, rank_with_choices};
use super::vote::VoteParams;
use super::{LineQuery, SuggestError, Suggestion, calibration_path, embedding_text};
use crate::embed::EmbedQueue;
use crate::index::{Neighbour, Query, VectorIndex};
use ledgerline_core::company::{Chart, Field};
use ledgerline_core::history::HistoryRecord;

/// The latest period replayed: an eighth of the history, at most this many lines.
const MAX_REPLAYED: usize = 4000;
/// Below this many replayed lines the prior weights and raw shares are kept.
const MIN_REPLAYED: usize = 100;

/// What a fit produced, and how the calibration lines fared.
#[derive(Debug, Clone, Default)]
pub struct Fitted {
    pub ranker: Ranker,
    pub calibration: Calibration,
    /// Lines whose weights were fitted on, and lines the calibration was fitted on.
    pub fit_lines: usize,
    pub calibration_lines: usize,
    /// Per calibration line and field: (calibrated confidence, was the top candidate right);
    /// the confidence as a served candidate carries it (f32), so a threshold set on these
    /// compares equal with the served lines at the same calibration step.
    pub outcomes: Vec<Vec<(Field, f64, bool)>>,
}

/// The ranker's `ranker.json` beside the company's chart.
pub fn ranker_path(data_dir: &Path, company: &str) -> Result<std::path::PathBuf, SuggestError> {
    Ok(Chart::path(data_dir, company)?.with_file_name("ranker.json"))
}

/// The line as a query, as the service would receive it.
pub fn query_of(r: &HistoryRecord) -> LineQuery {
    LineQuery {
        company: r.company.clone(),
        entity: r.entity.clone(),
        description: r.memo.clone(),
        vendor: r.vendor_name.clone(),
        amount: Some(r.amount),
        date: Some(r.posting_date),
        max_candidates: 3,
    }
}

/// Fits the company's ranker and calibration from its ledger and saves both.
pub async fn refit(
    data_dir: &Path,
    company: &str,
    embed: &EmbedQueue,
    index: &dyn VectorIndex,
) -> Result<Fitted, SuggestError> {
    let ledger = ledger_path(data_dir, company)?;
    let chart = Chart::path(data_dir, company)?;
    let (ledger, chart) = tokio::task::spawn_blocking(move || {
        Ok::<_, SuggestError>((read_ledger(&ledger)?, Chart::load(&chart)?))
    })
    .await
    .map_err(|e| SuggestError::Interrupted(e.to_string()))??;
    let fitted = fit(ledger, chart, embed, index, &VoteParams::default()).await?;
    fitted.ranker.save(&ranker_path(data_dir, company)?)?;
    fitted
        .calibration
        .save(&calibration_path(data_dir, company)?)?;
    Ok(fitted)
}

/// Suggests each of `lines` on `model`, whose habits end before the first line, and calls
/// `seen` with the suggestion and the candidates' features.
fn replay(
    model: &CompanyModel,
    params: &VoteParams,
    lines: &[HistoryRecord],
    neighbours: &[Vec<Neighbour>],
    mut seen: impl FnMut(&HistoryRecord, Suggestion, Vec<Choices>),
) {
    for (r, n) in lines.iter().zip(neighbours) {
        let (s, choices) = rank_with_choices(model, params, &query_of(r), n);
        seen(r, s, choices);
    }
}

/// Fits on `ledger` (one line per id, in date order), whose lines are all in `index`. The
/// neighbours are searched here; the replay and the fits, seconds of arithmetic, run off the
/// executor.
pub async fn fit(
    ledger: Vec<HistoryRecord>,
    chart: Chart,
    embed: &EmbedQueue,
    index: &dyn VectorIndex,
    params: &VoteParams,
) -> Result<Fitted, SuggestError> {
    let history_lines = ledger.len();
    let replayed = (ledger.len() / 8).min(MAX_REPLAYED);
    if replayed < MIN_REPLAYED {
        let mut fitted = Fitted::default();
        fitted.ranker.history_lines = history_lines;
        return Ok(fitted);
    }
    let start = ledger.len() - replayed;
    let half = replayed / 2;
    let fit_neighbours =
        neighbours_before(&ledger[start..start + half], embed, index, params).await?;
    let calibration_neighbours =
        neighbours_before(&ledger[start + half..], embed, index, params).await?;
    let params = *params;
    let mut fitted = tokio::task::spawn_blocking(move || {
        let (head, tail) = ledger.split_at(start);
        let (fit_lines, calibration_lines) = tail.split_at(half);
        fit_replayed(
            head,
            &chart,
            &params,
            (fit_lines, &fit_neighbours),
            (calibration_lines, &calibration_neighbours),
        )
    })
    .await
    .map_err(|e| SuggestError::Interrupted(e.to_string()))?;
    fitted.ranker.history_lines = history_lines;
    Ok(fitted)
}

/// Lines replayed with their neighbours.
type Replayed<'a> = (&'a [HistoryRecord], &'a [Vec<Neighbour>]);

/// The weights from `fit`'s lines, seen with the habits of `head`; then the calibration from
/// the lines after them, seen with the habits of both.
fn fit_replayed(
    head: &[HistoryRecord],
    chart: &Chart,
    params: &VoteParams,
    (fit_lines, fit_neighbours): Replayed,
    (calibration_lines, calibration_neighbours): Replayed,
) -> Fitted {
    let mut model = CompanyModel {
        chart: chart.clone(),
        habits: Habits::from_records(head),
        ranker: Ranker::default(),
        calibration: Calibration::default(),
    };
    // Account first; then the dimensions, given the account the fitted weights choose.
    let mut examples = Vec::new();
    replay(&model, params, fit_lines, fit_neighbours, |r, _, c| {
        examples.extend(example(r, &c, Field::Account));
    });
    let mut ranker = Ranker {
        samples: fit_lines.len(),
        ..Ranker::default()
    };
    if let Some(w) = fit_logit(&examples) {
        ranker.fields.insert(Field::Account, w.to_vec());
        boost_on(&mut ranker, Field::Account, &w, &examples);
    }
    model.ranker = ranker.clone();
    let mut by_field: BTreeMap<Field, Vec<Example>> = BTreeMap::new();
    replay(&model, params, fit_lines, fit_neighbours, |r, _, c| {
        for field in &Field::ALL[1..] {
            by_field
                .entry(*field)
                .or_default()
                .extend(example(r, &c, *field));
        }
    });
    for (field, examples) in by_field {
        if let Some(w) = fit_logit(&examples) {
            ranker.fields.insert(field, w.to_vec());
            boost_on(&mut ranker, field, &w, &examples);
        }
    }
    model.ranker = ranker.clone();
    for r in fit_lines {
        model.habits.add(r);
    }
    let mut scores: Vec<Vec<(Field, f64, bool)>> = Vec::new();
    replay(
        &model,
        params,
        calibration_lines,
        calibration_neighbours,
        |r, s, _| {
            scores.push(
                Field::ALL
                    .iter()
                    .filter_map(|f| {
                        s.best(*f)
                            .map(|c| (*f, c.score as f64, c.value.as_deref() == f.of(r)))
                    })
                    .collect(),
            );
        },
    );
    let mut calibration = Calibration {
        samples: calibration_lines.len(),
        ..Calibration::default()
    };
    for field in Field::ALL {
        let samples = scores
            .iter()
            .flatten()
            .filter(|(f, _, _)| *f == field)
            .map(|(_, s, ok)| (*s, *ok))
            .collect();
        calibration.fit(field, samples);
    }
    let outcomes = scores
        .into_iter()
        .map(|line| {
            line.into_iter()
                .map(|(f, s, ok)| (f, f64::from(calibration.apply(f, s) as f32), ok))
                .collect()
        })
        .collect();
    Fitted {
        ranker,
        calibration,
        fit_lines: fit_lines.len(),
        calibration_lines: calibration_lines.len(),
        outcomes,
    }
}

/// Each line's neighbours among the lines before the first of them (the index holds them all).
async fn neighbours_before(
    lines: &[HistoryRecord],
    embed: &EmbedQueue,
    index: &dyn VectorIndex,
    params: &VoteParams,
) -> Result<Vec<Vec<Neighbour>>, SuggestError> {
    let texts = lines
        .iter()
        .map(|r| embedding_text(r.vendor_name.as_deref(), &r.memo))
        .collect();
    let vectors = embed.embed_unique(texts).await?;
    let Some(start) = lines.first().map(|r| r.posting_date) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::with_capacity(lines.len());
    for (r, vector) in lines.iter().zip(vectors) {
        let found = index
            .search(Query {
                company: r.company.clone(),
                entity: r.entity.clone(),
                vector,
                limit: params.k * 3,
            })
            .await?;
        out.push(
            found
                .into_iter()
                .filter(|n| n.record.posting_date < start)
                .take(params.k)
                .collect(),
        );
    }
    Ok(out)
}

/// Trees for what the fitted weights `w` still get wrong on `examples`.
fn boost_on(ranker: &mut Ranker, field: Field, w: &[f64; FEATURES], examples: &[Example]) {
    let trees = fit_trees(examples, |x| dot(w, x), &BoostParams::default());
    if !trees.is_empty() {
        ranker.trees.insert(field, trees);
    }
}

fn example(r: &HistoryRecord, choices: &[Choices], field: Field) -> Option<Example> {
    let c = choices.iter().find(|c| c.field == field)?;
    if c.candidates.len() < 2 {
        return None;
    }
    let truth = field.of(r);
    let right = c
        .candidates
        .iter()
        .position(|(v, _)| v.as_deref() == truth)?;
    Some((c.candidates.iter().map(|(_, x)| *x).collect(), right))
}

/// Ridge strength, per feature, pulling weights toward zero when the data says little.
const RIDGE: f64 = 1.0;

/// Fits a conditional logit by Newton's method; `None` with too few examples to say anything.
fn fit_logit(examples: &[Example]) -> Option<[f64; FEATURES]> {
    if examples.len() < 30 {
        return None;
    }
    let mut w = [0.0; FEATURES];
    for _ in 0..30 {
        let mut grad = [0.0; FEATURES];
        let mut hess = [[0.0; FEATURES]; FEATURES];
        for (candidates, right) in examples {
            let (scores, lse) = scores(candidates, &w);
            let p: Vec<f64> = scores.iter().map(|s| (s - lse).exp()).collect();
            let mut mean = [0.0; FEATURES];
            for (x, p) in candidates.iter().zip(&p) {
                for k in 0..FEATURES {
                    mean[k] += p * x[k];
                }
            }
            for (x, p) in candidates.iter().zip(&p) {
                for a in 0..FEATURES {
                    let da = x[a] - mean[a];
                    for b in 0..FEATURES {
                        hess[a][b] += p * da * (x[b] - mean[b]);
                    }
                }
            }
            for k in 0..FEATURES {
                grad[k] += mean[k] - candidates[*right][k];
            }
        }
        for k in 0..FEATURES {
            grad[k] += RIDGE * w[k];
            hess[k][k] += RIDGE;
        }
        let step = solve(hess, grad)?;
        // Newton's step can overshoot far from the optimum; halve it until the loss falls.
        let before = loss(examples, &w);
        let mut scale = 1.0;
        let mut next = w;
        while scale > 1e-4 {
            for k in 0..FEATURES {
                next[k] = w[k] - scale * step[k];
            }
            if loss(examples, &next) <= before {
                break;
            }
            scale /= 2.0;
        }
        let largest = (0..FEATURES)
            .map(|k| (next[k] - w[k]).abs())
            .fold(0.0, f64::max);
        w = next;
        if largest < 1e-6 {
            break;
        }
    }
    w.iter().all(|v| v.is_finite()).then_some(w)
}

/// Each candidate's score and the log of the sum of their exponentials.
fn scores(candidates: &[[f64; FEATURES]], w: &[f64; FEATURES]) -> (Vec<f64>, f64) {
    let scores: Vec<f64> = candidates
        .iter()
        .map(|x| w.iter().zip(x).map(|(a, b)| a * b).sum())
        .collect();
    let top = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let z: f64 = scores.iter().map(|s| (s - top).exp()).sum();
    (scores, top + z.ln())
}

/// The negative log-likelihood of the right candidates, plus the ridge penalty.
fn loss(examples: &[Example], w: &[f64; FEATURES]) -> f64 {
    let mut total = 0.5 * RIDGE * w.iter().map(|v| v * v).sum::<f64>();
    for (candidates, right) in examples {
        let (scores, lse) = scores(candidates, w);
        total += lse - scores[*right];
    }
    total
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting.
fn solve(mut a: [[f64; FEATURES]; FEATURES], mut b: [f64; FEATURES]) -> Option<[f64; FEATURES]> {
    for col in 0..FEATURES {
        let pivot = (col..FEATURES).max_by(|i, j| a[*i][col].abs().total_cmp(&a[*j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        let pivot_row = a[col];
        for row in col + 1..FEATURES {
            let f = a[row][col] / pivot_row[col];
            for (v, p) in a[row].iter_mut().zip(pivot_row).skip(col) {
                *v -= f * p;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = [0.0; FEATURES];
    for row in (0..FEATURES).rev() {
        let rest: f64 = (row + 1..FEATURES).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - rest) / a[row][row];
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_logit_learns_which_feature_picks_the_right_candidate() {
        // The right candidate always has feature 2 set; feature 0 is noise.
        let mut examples = Vec::new();
        for i in 0..60 {
            let mut right = [0.0; FEATURES];
            right[2] = 1.0;
            right[0] = (i % 2) as f64;
            let mut wrong = [0.0; FEATURES];
            wrong[0] = ((i + 1) % 2) as f64;
            examples.push((vec![wrong, right], 1));
        }
        let w = fit_logit(&examples).unwrap();
        assert!(w[2] > 2.0 && w[0].abs() < 0.5, "{w:?}");
        assert!(fit_logit(&examples[..10]).is_none());
    }

    #[test]
    fn gaussian_elimination_solves_a_pivoting_system() {
        let mut a = [[0.0; FEATURES]; FEATURES];
        let mut b = [0.0; FEATURES];
        for k in 0..FEATURES {
            a[k][(k + 1) % FEATURES] = 2.0;
            b[k] = 2.0 * (((k + 1) % FEATURES) as f64);
        }
        let x = solve(a, b).unwrap();
        for (k, v) in x.iter().enumerate() {
            assert!((v - k as f64).abs() < 1e-9);
        }
    }
}
