//! The vote: every neighbour votes for its value of each field, weighted by how similar its
//! text is, how recent it is, whether it has the same vendor and how close its amount is; the
//! company's rules then drop inactive values, add the vendor's default account and refuse an
//! empty value for a dimension the chosen account requires.

use std::collections::HashMap;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::calibrate::Calibration;
use super::{Candidate, FieldSuggestion, LineQuery, Precedent, Suggestion};
use crate::company::{Chart, Field};
use crate::history::Date;
use crate::index::Neighbour;

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
    /// Share of the total vote added to the vendor's default account.
    pub default_account_prior: f64,
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
            default_account_prior: 0.1,
            max_precedents: 3,
        }
    }
}

/// Days since 1970-01-01 (civil calendar), for ages between dates.
pub fn day_number(d: Date) -> i64 {
    let (y, m) = if d.month <= 2 {
        (d.year as i64 - 1, d.month as i64 + 9)
    } else {
        (d.year as i64, d.month as i64 - 3)
    };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d.day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
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

struct Tally<'a> {
    weight: f64,
    voters: Vec<(&'a Neighbour, f64)>,
    reasons: Vec<String>,
}

/// Ranks candidates for every field of `query` from its neighbours.
pub fn vote(
    chart: &Chart,
    calibration: &Calibration,
    params: &VoteParams,
    query: &LineQuery,
    neighbours: &[Neighbour],
) -> Suggestion {
    let weights: Vec<f64> = neighbours
        .iter()
        .map(|n| weight(params, query, n))
        .collect();
    let total: f64 = weights.iter().sum();
    let mut fields = Vec::new();
    let mut chosen_account: Option<String> = None;
    for field in Field::ALL {
        let mut tallies: HashMap<Option<&str>, Tally> = HashMap::new();
        for (n, w) in neighbours.iter().zip(&weights) {
            let value = field.of(&n.record);
            // Inactive and unknown values are never suggested, whatever history says.
            if value.is_some_and(|v| !chart.allows(field, v)) {
                continue;
            }
            let t = tallies.entry(value).or_insert_with(|| Tally {
                weight: 0.0,
                voters: Vec::new(),
                reasons: Vec::new(),
            });
            t.weight += w;
            t.voters.push((n, *w));
        }
        if field == Field::Account
            && let Some(default) = query
                .vendor
                .as_ref()
                .and_then(|v| chart.vendor_defaults.get(v))
            && chart.allows(Field::Account, default)
        {
            let t = tallies
                .entry(Some(default.as_str()))
                .or_insert_with(|| Tally {
                    weight: 0.0,
                    voters: Vec::new(),
                    reasons: Vec::new(),
                });
            t.weight += params.default_account_prior * total.max(1e-9);
            t.reasons.push("vendor default account".into());
        }
        if field != Field::Account
            && let Some(account) = &chosen_account
            && chart.requires(account, field)
            && tallies.keys().any(Option::is_some)
        {
            // The empty value is not a choice; its votes are dropped, not moved.
            tallies.remove(&None);
            for t in tallies.values_mut() {
                t.reasons
                    .push(format!("account {account} requires a {}", field.name()));
            }
        }
        let sum: f64 = tallies.values().map(|t| t.weight).sum();
        let mut ranked: Vec<(Option<&str>, Tally)> = tallies.into_iter().collect();
        ranked.sort_by(|a, b| b.1.weight.total_cmp(&a.1.weight).then(a.0.cmp(&b.0)));
        let candidates: Vec<Candidate> = ranked
            .into_iter()
            .take(query.max_candidates.max(1))
            .map(|(value, mut t)| {
                let share = if sum > 0.0 { t.weight / sum } else { 0.0 };
                t.voters
                    .sort_by(|a, b| b.0.similarity.total_cmp(&a.0.similarity));
                Candidate {
                    value: value.map(str::to_string),
                    label: value.map(|v| chart.label(field, v)).unwrap_or_default(),
                    score: share as f32,
                    confidence: calibration.apply(field, share) as f32,
                    precedents: t
                        .voters
                        .iter()
                        .take(params.max_precedents)
                        .map(|(n, _)| Precedent {
                            similarity: n.similarity,
                            line: n.record.clone(),
                        })
                        .collect(),
                    reasons: t.reasons,
                }
            })
            .collect();
        if field == Field::Account {
            chosen_account = candidates.first().and_then(|c| c.value.clone());
        }
        fields.push(FieldSuggestion { field, candidates });
    }
    Suggestion { fields }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::company::{Account, Listed};
    use crate::history::HistoryRecord;

    fn chart() -> Chart {
        let account = |id: &str, active: bool, requires: Vec<Field>| Account {
            id: id.into(),
            name: format!("account {id}"),
            active,
            requires,
        };
        Chart {
            company: "C".into(),
            accounts: vec![
                account("6010", true, vec![Field::Department]),
                account("6099", false, vec![]),
                account("6810", true, vec![]),
            ],
            departments: vec![
                Listed {
                    id: "ADM".into(),
                    name: "Admin".into(),
                    active: true,
                },
                Listed {
                    id: "OLD".into(),
                    name: "Closed".into(),
                    active: false,
                },
            ],
            vendor_defaults: [("Acme".to_string(), "6810".to_string())].into(),
            ..Chart::default()
        }
    }

    fn neighbour(id: &str, account: &str, department: Option<&str>, sim: f32) -> Neighbour {
        Neighbour {
            similarity: sim,
            record: HistoryRecord {
                line_id: id.into(),
                company: "C".into(),
                entity: None,
                posting_date: Date::new(2025, 1, 1).unwrap(),
                amount: Decimal::new(10_000, 2),
                memo: "paper".into(),
                vendor_id: None,
                vendor_name: Some("Other".into()),
                account: account.into(),
                department: department.map(str::to_string),
                location: None,
                project: None,
                class: None,
                customer: None,
                modified_at: String::new(),
            },
        }
    }

    fn query(vendor: Option<&str>) -> LineQuery {
        LineQuery {
            company: "C".into(),
            description: "paper".into(),
            vendor: vendor.map(str::to_string),
            max_candidates: 3,
            ..LineQuery::default()
        }
    }

    fn values(s: &Suggestion, field: Field) -> Vec<Option<String>> {
        let f = s.fields.iter().find(|f| f.field == field).unwrap();
        f.candidates.iter().map(|c| c.value.clone()).collect()
    }

    #[test]
    fn inactive_values_never_appear_even_when_history_prefers_them() {
        let n = vec![
            neighbour("1", "6099", Some("OLD"), 0.99),
            neighbour("2", "6099", Some("OLD"), 0.98),
            neighbour("3", "6010", Some("ADM"), 0.80),
        ];
        let s = vote(
            &chart(),
            &Calibration::default(),
            &VoteParams::default(),
            &query(None),
            &n,
        );
        assert_eq!(values(&s, Field::Account), vec![Some("6010".to_string())]);
        assert_eq!(values(&s, Field::Department), vec![Some("ADM".to_string())]);
        assert_eq!(s.best(Field::Account).unwrap().confidence, 1.0);
        assert_eq!(
            s.best(Field::Account).unwrap().precedents[0].line.line_id,
            "3"
        );
    }

    #[test]
    fn the_vendor_default_account_is_a_candidate_with_its_reason() {
        let n = vec![neighbour("1", "6010", Some("ADM"), 0.9)];
        let s = vote(
            &chart(),
            &Calibration::default(),
            &VoteParams::default(),
            &query(Some("Acme")),
            &n,
        );
        let account = &s.fields[0].candidates;
        let default = account
            .iter()
            .find(|c| c.value.as_deref() == Some("6810"))
            .unwrap();
        assert_eq!(default.reasons, vec!["vendor default account".to_string()]);
        assert!(
            account[0].value.as_deref() == Some("6010"),
            "history still outweighs the prior"
        );
    }

    #[test]
    fn a_required_dimension_is_never_left_empty() {
        let n = vec![
            neighbour("1", "6010", None, 0.95),
            neighbour("2", "6010", None, 0.94),
            neighbour("3", "6010", Some("ADM"), 0.6),
        ];
        let s = vote(
            &chart(),
            &Calibration::default(),
            &VoteParams::default(),
            &query(None),
            &n,
        );
        assert_eq!(values(&s, Field::Department), vec![Some("ADM".to_string())]);
        assert!(s.best(Field::Department).unwrap().reasons[0].contains("requires"));
    }

    #[test]
    fn day_numbers_count_calendar_days() {
        let d = |y, m, dd| day_number(Date::new(y, m, dd).unwrap());
        assert_eq!(d(1970, 1, 1), 0);
        assert_eq!(d(2024, 3, 1) - d(2024, 2, 28), 2);
        assert_eq!(d(2025, 1, 1) - d(2024, 1, 1), 366);
    }
}
