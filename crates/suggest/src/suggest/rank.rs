//! The ranker: candidates for each field come from the line's nearest neighbours, the vendor's
//! own history and the vendor's default account; each is described by a few features (the
//! neighbours' vote, the vendor's share and recency for that value, amounts, the description
//! seen before with this vendor, how the value goes with the chosen account) and scored by a
//! conditional logit whose weights are learnt per company (see `fit`). The company's rules then
//! drop inactive values and refuse an empty value for a dimension the chosen account requires.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::boost::{self, Tree};
use super::calibrate::Calibration;
use super::habits::{Habits, Values, WordShares, log_amount, text_key, vendor_key, words};
use super::vote::{Tally, VoteParams, tally};
use super::{Candidate, FieldSuggestion, LineQuery, Precedent, Suggestion};
use crate::index::Neighbour;
use ledgerline_core::company::{Chart, CompanyError, Field};
use ledgerline_core::history::day_number;

/// Features per candidate; see [`features`] for their order.
pub const FEATURES: usize = 31;

/// Names of the features, in order, for `ranker.json` and for reading weights.
pub const FEATURE_NAMES: [&str; FEATURES] = [
    "neighbour vote share",
    "best neighbour similarity",
    "vendor share",
    "vendor recency-weighted share",
    "vendor's latest value",
    "vendor count (log)",
    "vendor and description share",
    "vendor amounts near this one",
    "distance to the nearest vendor amount",
    "time since the vendor used it (log)",
    "company share (log)",
    "time since anyone used it (log)",
    "company share against its most used value, for a new vendor",
    "vendor default account",
    "share with the chosen account",
    "empty value",
    "vendor share in this season",
    "vendor share with the chosen account",
    "recency-weighted share with the chosen account",
    "neighbour vote share, for a new vendor",
    "vendor share (log, smoothed)",
    "vendor recency-weighted share (log, smoothed)",
    "share of the vendor's lines at about this amount",
    "share of the vendor's lines at exactly this amount",
    "the vendor used it at exactly this amount",
    "the vendor used it within 2% of this amount",
    "the vendor's lines at exactly this amount (log)",
    "how usual this amount is for the vendor and value (log)",
    "vendor share over the last months (log, smoothed)",
    "share among the lines of the line's words (log), for a new vendor",
    "the vendor's recent lines at about this amount: share (log)",
];

/// Two amounts within this on the [`log_amount`] scale (about 5%) are "about" the same.
const NEAR_AMOUNT: f64 = 0.05;
/// And within this (about 0.01%, a penny on a hundred pounds), the same amount.
const SAME_AMOUNT: f64 = 1e-4;
/// Within this (about 2%), close enough to be the same price with another tax or rounding.
const CLOSE_AMOUNT: f64 = 0.02;
/// The kernel width for how usual an amount is (about a third either way): wide enough that
/// "the small orders go to supplies, the large ones to materials" shows, narrower than the
/// spread between such bands.
const AMOUNT_BAND: f64 = 0.3;
/// The floor of the amount posterior's share: a value the vendor's recent lines at this amount
/// never went to is unlikely, not impossible.
const POSTERIOR_FLOOR: f64 = 1e-3;
/// The density floor: an amount the value was never used near is unusual, not impossible.
const DENSITY_FLOOR: f64 = 0.01;
/// The leading accounts a dimension is weighed over, by their probability.
const ACCOUNTS_WEIGHED: usize = 3;

/// Weights per field. Fields without fitted weights use [`Ranker::prior`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Ranker {
    pub fields: BTreeMap<Field, Vec<f64>>,
    /// Lines the weights were fitted on.
    pub samples: usize,
    /// Lines in the company's ledger when they were fitted; a ranker fitted before this was
    /// recorded reads 0, and is refitted at the next lines learnt.
    #[serde(default)]
    pub history_lines: usize,
    /// Boosted trees per field, added to the weights' score (see `boost`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub trees: BTreeMap<Field, Vec<Tree>>,
}

impl Ranker {
    /// Weights before any fit: the neighbours' vote first, then the vendor's habits; close to
    /// the plain kNN vote this ranker replaced.
    pub fn prior() -> [f64; FEATURES] {
        let mut w = [0.0; FEATURES];
        w[0] = 4.0;
        w[2] = 1.0;
        w[6] = 2.0;
        w[10] = 0.1;
        w[13] = 1.0;
        w[14] = 1.0;
        w
    }

    pub fn weights(&self, field: Field) -> [f64; FEATURES] {
        match self.fields.get(&field) {
            // New features are appended, so a ranker fitted before they existed keeps its
            // weights and gives them none until the next fit.
            Some(w) if !w.is_empty() && w.len() <= FEATURES => {
                let mut out = [0.0; FEATURES];
                out[..w.len()].copy_from_slice(w);
                out
            }
            _ => Ranker::prior(),
        }
    }

    /// A candidate's score for `field`: the weights' sum plus the trees'.
    pub fn score(&self, field: Field, weights: &[f64; FEATURES], x: &[f64; FEATURES]) -> f64 {
        dot(weights, x) + self.trees.get(&field).map_or(0.0, |t| boost::score(t, x))
    }

    pub fn load(path: &Path) -> Result<Option<Ranker>, CompanyError> {
        ledgerline_core::company::load_json(path)
    }

    pub fn save(&self, path: &Path) -> Result<(), CompanyError> {
        ledgerline_core::company::save_json(path, self)
    }
}

/// What suggestions for one company are made from.
#[derive(Debug, Clone, Default)]
pub struct CompanyModel {
    pub chart: Chart,
    pub habits: Habits,
    pub ranker: Ranker,
    pub calibration: Calibration,
}

/// One field's candidates with their features, as the ranker saw them (for fitting).
#[derive(Debug, Clone)]
pub struct Choices {
    pub field: Field,
    pub candidates: Vec<(Option<String>, [f64; FEATURES])>,
}

/// The line's context shared by every field.
struct Line {
    vendor: String,
    month: Option<u8>,
    text: String,
    day: Option<i64>,
    amount: Option<f64>,
}

fn log_scaled(days: i64) -> f64 {
    (1.0 + days.max(0) as f64 / 30.0).ln() / 5.0
}

/// What every candidate of one field is measured against, counted once per field.
struct Totals<'a> {
    /// The vendor's values, when the vendor has history.
    vendor: Option<&'a Values>,
    /// The vendor's lines, plain, recency-weighted (half-year and short memory), and in this
    /// season.
    count: u32,
    decayed: f64,
    recent: f64,
    season: u32,
    /// The vendor's values for this description, and their total.
    text: Option<(&'a HashMap<Option<String>, u32>, u32)>,
    /// The vendor's values with the chosen account, and their total.
    with_account: Option<(&'a HashMap<Option<String>, u32>, u32)>,
    /// The count of the company's most used value.
    most: u32,
    /// The vendor's default account, for the account field.
    default: Option<&'a str>,
    /// The vendor's kept amounts about and exactly at this line's, over all values.
    near: u32,
    same: u32,
    /// Each of the vendor's values' [`super::habits::Usage::recent_amount_density`] at this
    /// amount, and their sum.
    amount_densities: Vec<(&'a Option<String>, f64)>,
    amount_mass: f64,
    /// What the line's words say about each value.
    words: WordShares,
}

/// How many of `amounts` lie within `within` of `amount`.
fn within(amounts: &[f64], amount: f64, within: f64) -> u32 {
    amounts
        .iter()
        .filter(|b| (amount - *b).abs() < within)
        .count() as u32
}

/// The sum of `values` in ascending order: a float sum depends on its order, and a map's
/// order changes from run to run, which made two fits of the same history differ.
fn ordered_sum(values: impl Iterator<Item = f64>) -> f64 {
    let mut values: Vec<f64> = values.collect();
    values.sort_by(f64::total_cmp);
    values.iter().sum()
}

fn totals<'a>(
    model: &'a CompanyModel,
    field: Field,
    line: &Line,
    account: Option<&str>,
    query_vendor: Option<&str>,
    words: WordShares,
) -> Totals<'a> {
    let habits = model.habits.field(field);
    let vendor = habits.and_then(|h| h.by_vendor.get(&line.vendor));
    let day = |last: i64| line.day.unwrap_or(last);
    let with_sum = |counts: &'a HashMap<Option<String>, u32>| (counts, counts.values().sum());
    let around = |tolerance: f64| match (vendor, line.amount) {
        (Some(v), Some(a)) => v.values().map(|u| within(&u.amounts, a, tolerance)).sum(),
        _ => 0,
    };
    let amount_densities: Vec<(&Option<String>, f64)> = match (vendor, line.amount, line.day) {
        (Some(v), Some(a), Some(d)) => v
            .iter()
            .map(|(value, u)| (value, u.recent_amount_density(d, a, AMOUNT_BAND)))
            .collect(),
        _ => Vec::new(),
    };
    Totals {
        near: around(NEAR_AMOUNT),
        amount_mass: ordered_sum(amount_densities.iter().map(|(_, m)| *m)),
        amount_densities,
        same: around(SAME_AMOUNT),
        vendor,
        count: vendor.map_or(0, |v| v.values().map(|u| u.count).sum()),
        decayed: vendor.map_or(0.0, |v| {
            ordered_sum(v.values().map(|u| u.decayed_at(day(u.last_day))))
        }),
        recent: vendor.map_or(0.0, |v| {
            ordered_sum(v.values().map(|u| u.recent_at(day(u.last_day))))
        }),
        season: match (vendor, line.month) {
            (Some(v), Some(month)) => v.values().map(|u| u.around(month)).sum(),
            _ => 0,
        },
        text: habits
            .and_then(|h| {
                h.by_vendor_text
                    .get(&(line.vendor.clone(), line.text.clone()))
            })
            .map(with_sum),
        with_account: account
            .filter(|_| field != Field::Account)
            .and_then(|a| {
                habits.and_then(|h| {
                    h.by_vendor_account
                        .get(&(line.vendor.clone(), a.to_string()))
                })
            })
            .map(with_sum),
        most: habits
            .and_then(|h| h.overall.values().map(|u| u.count).max())
            .unwrap_or(0),
        default: query_vendor
            .filter(|_| field == Field::Account)
            .and_then(|v| model.chart.vendor_defaults.get(v))
            .map(String::as_str),
        words,
    }
}

/// The features of `value` for `field`; `knn` is the neighbours' tally for it.
fn features(
    model: &CompanyModel,
    field: Field,
    line: &Line,
    totals: &Totals,
    value: Option<&str>,
    knn: Option<(&Tally, f64)>,
    account: Option<&str>,
) -> [f64; FEATURES] {
    let mut x = [0.0; FEATURES];
    if let Some((t, sum)) = knn {
        x[0] = if sum > 0.0 { t.weight / sum } else { 0.0 };
        x[1] = t
            .voters
            .iter()
            .map(|(n, _)| n.similarity as f64)
            .fold(0.0, f64::max);
    }
    let key = value.map(str::to_string);
    let habits = model.habits.field(field);
    let vendor = totals.vendor;
    let day = |last: i64| line.day.unwrap_or(last);
    match vendor {
        Some(values) => {
            let (total, decayed) = (totals.count, totals.decayed);
            // Smoothed logs make the logit a frequency model: ratios of shares, not differences.
            let used = values.get(&key);
            x[20] = ((used.map_or(0.0, |u| u.count as f64) + 0.5) / (total as f64 + 1.0)).ln();
            x[21] = ((used.map_or(0.0, |u| u.decayed_at(day(u.last_day))) + 0.1) / (decayed + 0.2))
                .ln();
            x[28] = ((used.map_or(0.0, |u| u.recent_at(day(u.last_day))) + 0.1)
                / (totals.recent + 0.2))
                .ln();
            // With the share above, a naive-Bayes pair: how often the vendor used the value,
            // times how usual this amount is for it.
            if let Some(a) = line.amount {
                x[27] = (used.map_or(0.0, |u| u.amount_density(a, AMOUNT_BAND)) + DENSITY_FLOOR)
                    .ln()
                    / 5.0;
                // The pair's product, normalised over the vendor's values with recent lines
                // counting more: the builders' merchant whose large orders moved to materials
                // this year is coded by this year's bands.
                if totals.amount_mass > 0.0 {
                    let mass = totals
                        .amount_densities
                        .iter()
                        .find(|(value, _)| **value == key)
                        .map_or(0.0, |(_, m)| *m);
                    x[30] = (mass / totals.amount_mass + POSTERIOR_FLOOR).ln();
                }
            }
            if let Some(u) = used {
                x[2] = u.count as f64 / total.max(1) as f64;
                x[3] = if decayed > 0.0 {
                    u.decayed_at(day(u.last_day)) / decayed
                } else {
                    0.0
                };
                x[5] = (u.count as f64).ln_1p() / 5.0;
                let (near, nearest) = match line.amount {
                    Some(a) if !u.amounts.is_empty() => (
                        f64::from(within(&u.amounts, a, 0.1)) / u.amounts.len() as f64,
                        u.amounts
                            .iter()
                            .map(|b| (a - b).abs())
                            .fold(f64::INFINITY, f64::min),
                    ),
                    _ => (0.0, 5.0),
                };
                x[7] = near;
                x[8] = nearest.min(5.0) / 5.0;
                // Against the vendor's other values at this amount: a supplier that bills a
                // licence at one price and support at another is coded by the price.
                if let Some(a) = line.amount {
                    let (near, same) = (
                        within(&u.amounts, a, NEAR_AMOUNT),
                        within(&u.amounts, a, SAME_AMOUNT),
                    );
                    if totals.near > 0 {
                        x[22] = f64::from(near) / f64::from(totals.near);
                    }
                    if totals.same > 0 {
                        x[23] = f64::from(same) / f64::from(totals.same);
                    }
                    x[24] = f64::from(same > 0);
                    x[26] = f64::from(same).ln_1p() / 3.0;
                }
                x[25] = f64::from(nearest < CLOSE_AMOUNT);
                x[9] = log_scaled(day(u.last_day) - u.last_day);
                if let Some(month) = line.month
                    && totals.season > 0
                {
                    x[16] = u.around(month) as f64 / totals.season as f64;
                }
            } else {
                x[8] = 1.0;
                x[9] = 1.0;
            }
            x[4] = f64::from(
                habits
                    .and_then(|h| h.vendor_last.get(&line.vendor))
                    .is_some_and(|(_, v)| *v == key),
            );
            if let Some((counts, total)) = totals.text {
                x[6] = counts.get(&key).copied().unwrap_or(0) as f64 / total.max(1) as f64;
            }
        }
        None => {
            x[8] = 1.0;
            x[9] = 1.0;
        }
    }
    let overall = habits.and_then(|h| h.overall.get(&key));
    let lines = model.habits.lines().max(1) as f64;
    let share = overall.map_or(0.0, |u| u.count as f64) / lines;
    x[10] = (share + 1e-4).ln() / 10.0;
    // A known vendor's words mostly count its own lines again; for a new one they are what
    // its name has in common with the vendors before it.
    if vendor.is_none()
        && let Some(words) = totals.words.share(&key, share)
    {
        x[29] = (words + 1e-4).ln() / 10.0;
    }
    x[11] = overall.map_or(1.0, |u| log_scaled(day(u.last_day) - u.last_day));
    if vendor.is_none() {
        // A vendor never seen before: the company's habits and the neighbours are all there is,
        // and they deserve other weights than for a known vendor.
        x[12] = overall.map_or(0.0, |u| u.count as f64) / totals.most.max(1) as f64;
        x[19] = x[0];
    }
    x[13] = f64::from(value.is_some() && totals.default == value);
    if let Some(account) = account.filter(|_| field != Field::Account) {
        (x[14], x[18]) = model
            .habits
            .share_with_account(field, account, value, line.day);
        if let Some((counts, total)) = totals.with_account {
            x[17] = counts.get(&key).copied().unwrap_or(0) as f64 / total.max(1) as f64;
        }
    }
    x[15] = f64::from(value.is_none());
    x
}

/// Each candidate's share of the field's probability: the softmax of the scores.
fn softmax(scored: &[(Option<String>, [f64; FEATURES], f64)]) -> Vec<(Option<String>, f64)> {
    let top = scored.iter().map(|c| c.2).fold(f64::NEG_INFINITY, f64::max);
    let z: f64 = scored.iter().map(|c| (c.2 - top).exp()).sum();
    scored
        .iter()
        .map(|(v, _, s)| (v.clone(), (s - top).exp() / z))
        .collect()
}

pub(super) fn dot(w: &[f64; FEATURES], x: &[f64; FEATURES]) -> f64 {
    w.iter().zip(x).map(|(a, b)| a * b).sum()
}

/// Ranks candidates for every field of `query`, and returns the features each field's
/// candidates were scored on.
pub fn rank_with_choices(
    model: &CompanyModel,
    params: &VoteParams,
    query: &LineQuery,
    neighbours: &[Neighbour],
) -> (Suggestion, Vec<Choices>) {
    let line = Line {
        vendor: vendor_key(query.vendor.as_deref(), None),
        month: query.date.map(|d| d.month),
        text: text_key(&query.description),
        day: query.date.map(day_number),
        amount: query.amount.map(log_amount),
    };
    // Split once, and only for a vendor without history: nobody else asks for the words.
    let mut new_vendor_words: Option<Vec<String>> = None;
    let chart = &model.chart;
    let mut fields = Vec::new();
    let mut choices = Vec::new();
    let mut chosen_account: Option<String> = None;
    let mut account_odds: Vec<(Option<String>, f64)> = Vec::new();
    for field in Field::ALL {
        let (tallies, sum) = tally(chart, params, query, neighbours, field);
        let mut values: Vec<Option<String>> =
            tallies.keys().map(|v| v.map(str::to_string)).collect();
        let mut word_shares = WordShares::default();
        if let Some(h) = model.habits.field(field) {
            match h.by_vendor.get(&line.vendor) {
                Some(vendor) => values.extend(vendor.keys().cloned()),
                // A new vendor's words suggest the values their lines went with (a known
                // vendor's are not asked: see `features`).
                None => {
                    let words = new_vendor_words
                        .get_or_insert_with(|| words(query.vendor.as_deref(), &query.description));
                    word_shares = model.habits.word_shares(field, words);
                    let mut by_words: Vec<(&Option<String>, f64)> =
                        word_shares.shares.iter().map(|(v, s)| (v, *s)).collect();
                    by_words.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
                    values.extend(by_words.into_iter().take(3).map(|(v, _)| v.clone()));
                }
            }
            // The company's most used values give a new vendor something to rank.
            let mut common: Vec<(&Option<String>, u32)> =
                h.overall.iter().map(|(v, u)| (v, u.count)).collect();
            common.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
            values.extend(common.into_iter().take(3).map(|(v, _)| v.clone()));
        }
        let default = query
            .vendor
            .as_ref()
            .and_then(|v| chart.vendor_defaults.get(v))
            .filter(|_| field == Field::Account);
        if let Some(d) = default {
            values.push(Some(d.clone()));
        }
        values.sort();
        values.dedup();
        // Inactive and unknown values are never suggested, whatever history says.
        values.retain(|v| v.as_deref().is_none_or(|v| chart.allows(field, v)));
        let required = field != Field::Account
            && chosen_account
                .as_deref()
                .is_some_and(|a| chart.requires(a, field))
            && values.iter().any(Option::is_some);
        if required {
            values.retain(Option::is_some);
        }
        let weights = model.ranker.weights(field);
        let score_with = |account: Option<&str>| {
            let totals = totals(
                model,
                field,
                &line,
                account,
                query.vendor.as_deref(),
                word_shares.clone(),
            );
            values
                .iter()
                .map(|v| {
                    let knn = tallies.get(&v.as_deref()).map(|t| (t, sum));
                    let x = features(model, field, &line, &totals, v.as_deref(), knn, account);
                    let s = model.ranker.score(field, &weights, &x);
                    (v.clone(), x, s)
                })
                .collect::<Vec<(Option<String>, [f64; FEATURES], f64)>>()
        };
        let scored = score_with(chosen_account.as_deref());
        let mut ranked = softmax(&scored);
        // A dimension that goes with the account is weighed over the accounts the line may
        // have, not the first alone: where the account is a close call, the department of the
        // runner-up account is not ruled out by the leader's.
        if field != Field::Account && account_odds.len() > 1 {
            let mut mixed: HashMap<Option<String>, f64> = HashMap::new();
            for (i, (account, odds)) in account_odds.iter().enumerate() {
                let shares = if i == 0 {
                    ranked.clone()
                } else {
                    softmax(&score_with(account.as_deref()))
                };
                for (v, p) in shares {
                    *mixed.entry(v).or_default() += odds * p;
                }
            }
            ranked = mixed.into_iter().collect();
        }
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        if field == Field::Account {
            let top: Vec<_> = ranked.iter().take(ACCOUNTS_WEIGHED).cloned().collect();
            let mass: f64 = top.iter().map(|(_, p)| p).sum();
            account_odds = top
                .into_iter()
                .filter(|_| mass > 0.0)
                .map(|(a, p)| (a, p / mass))
                .collect();
        }
        choices.push(Choices {
            field,
            candidates: scored.into_iter().map(|(v, x, _)| (v, x)).collect(),
        });
        let candidates: Vec<Candidate> = ranked
            .into_iter()
            .take(query.max_candidates.max(1))
            .map(|(value, p)| {
                let t = tallies.get(&value.as_deref());
                let mut voters: Vec<&Neighbour> = t
                    .map(|t| t.voters.iter().map(|(n, _)| *n).collect())
                    .unwrap_or_default();
                voters.sort_by(|a, b| b.similarity.total_cmp(&a.similarity));
                let mut reasons = Vec::new();
                if let Some(u) = model
                    .habits
                    .field(field)
                    .and_then(|h| h.by_vendor.get(&line.vendor))
                    .and_then(|values| {
                        let total: u32 = values.values().map(|u| u.count).sum();
                        values.get(&value).map(|u| (u.count, total))
                    })
                {
                    reasons.push(format!(
                        "the vendor's history has it on {} of {} lines",
                        u.0, u.1
                    ));
                }
                if default.is_some() && default == value.as_ref() {
                    reasons.push("vendor default account".into());
                }
                if required && let Some(account) = &chosen_account {
                    reasons.push(format!("account {account} requires a {}", field.name()));
                }
                Candidate {
                    label: value
                        .as_deref()
                        .map(|v| chart.label(field, v))
                        .unwrap_or_default(),
                    value,
                    score: p as f32,
                    confidence: model.calibration.apply(field, p) as f32,
                    precedents: voters
                        .into_iter()
                        .take(params.max_precedents)
                        .map(|n| Precedent {
                            similarity: n.similarity,
                            line: n.record.clone(),
                        })
                        .collect(),
                    reasons,
                }
            })
            .collect();
        if field == Field::Account {
            chosen_account = candidates.first().and_then(|c| c.value.clone());
        }
        fields.push(FieldSuggestion { field, candidates });
    }
    (Suggestion { fields }, choices)
}

/// Ranks candidates for every field of `query`.
pub fn rank(
    model: &CompanyModel,
    params: &VoteParams,
    query: &LineQuery,
    neighbours: &[Neighbour],
) -> Suggestion {
    rank_with_choices(model, params, query, neighbours).0
}

#[cfg(test)]
mod tests;
