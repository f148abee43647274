//! The neighbours' vote, one of the ranker's features: every neighbour votes for its value of
//! each field, weighted by how similar its text is, how recent it is, whether it has the same
//! vendor and how close its amount is. Values the chart does not allow get no vote.

use std::collections::HashMap;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::LineQuery;
use crate::index::Neighbour;
use ledgerline_core::company::{Chart, Field};
use ledgerline_core::history::day_number;

/// How neighbours are weighed. The defaults were tuned on the synthetic company's validation
/// quarter (never on its held-out one).
#[derive(Debug, Clone, Copy)]
pub struct VoteParams {
    /// Neighbours fetched per query: enough that a vendor's habit outvotes its noise.
    pub k: usize,
    /// Similarity is raised to this power so near-duplicates dominate loose matches.
    pub similarity_power: f64,
    /// Age, in days, at which a precedent's vote halves: habits drift within a year or two.
    pub half_life_days: f64,
    /// Multiplier for a precedent from the same vendor, the strongest single signal.
    pub vendor_boost: f64,
    /// Multiplier for a precedent from the same time of year (within a month), so seasonal
    /// habits (a project every spring) win over last quarter's lines.
    pub season_boost: f64,
    /// Precedents listed per candidate.
    pub max_precedents: usize,
}

impl Default for VoteParams {
    fn default() -> Self {
        VoteParams {
            k: 40,
            similarity_power: 4.0,
            half_life_days: 240.0,
            vendor_boost: 4.0,
            season_boost: 3.0,
            max_precedents: 3,
        }
    }
}

fn amount_factor(a: Option<Decimal>, b: Decimal) -> f64 {
    let (Some(a), Some(b)) = (a.and_then(|a| a.abs().to_f64()), b.abs().to_f64()) else {
        return 1.0;
    };
    if a <= 0.0 || b <= 0.0 {
        return 1.0;
    }
    // Bills an order of magnitude apart are often coded differently (capitalised equipment).
    0.25 + 0.75 * (-(a / b).ln().abs()).exp()
}

fn weight(params: &VoteParams, query: &LineQuery, n: &Neighbour) -> f64 {
    let sim = (n.similarity as f64).max(0.0).powf(params.similarity_power);
    let (recency, season) = match query.date {
        Some(d) => {
            let age = (day_number(d) - day_number(n.record.posting_date)).abs() as f64;
            let months = (d.month as i32 - n.record.posting_date.month as i32).rem_euclid(12);
            let same_season = months <= 1 || months == 11;
            (
                0.5f64.powf(age / params.half_life_days),
                if same_season {
                    params.season_boost
                } else {
                    1.0
                },
            )
        }
        None => (1.0, 1.0),
    };
    let same_vendor = match (&query.vendor, &n.record.vendor_name) {
        (Some(q), Some(v)) if q.eq_ignore_ascii_case(v) => params.vendor_boost,
        _ => 1.0,
    };
    sim * recency * season * same_vendor * amount_factor(query.amount, n.record.amount)
}

/// The neighbours voting for one value.
pub struct Tally<'a> {
    pub weight: f64,
    pub voters: Vec<(&'a Neighbour, f64)>,
}

/// The neighbours' votes for each value of `field` that the chart allows, and their sum.
pub fn tally<'a>(
    chart: &Chart,
    params: &VoteParams,
    query: &LineQuery,
    neighbours: &'a [Neighbour],
    field: Field,
) -> (HashMap<Option<&'a str>, Tally<'a>>, f64) {
    let mut tallies: HashMap<Option<&str>, Tally> = HashMap::new();
    // Summed in the neighbours' order, not the map's: a float sum depends on its order, and the
    // map's changes from run to run, which made two fits of the same history differ.
    let mut sum = 0.0;
    for n in neighbours {
        let value = field.of(&n.record);
        if value.is_some_and(|v| !chart.allows(field, v)) {
            continue;
        }
        let w = weight(params, query, n);
        let t = tallies.entry(value).or_insert_with(|| Tally {
            weight: 0.0,
            voters: Vec::new(),
        });
        t.weight += w;
        t.voters.push((n, w));
        sum += w;
    }
    (tallies, sum)
}
