//! The ranker's tests: candidates, features and weights on small hand-made histories.

use super::*;
use ledgerline_core::company::{Account, Listed};
use ledgerline_core::history::Date;
use ledgerline_core::history::HistoryRecord;
use rust_decimal::Decimal;

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
                id: "OPS".into(),
                name: "Operations".into(),
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

fn model() -> CompanyModel {
    CompanyModel {
        chart: chart(),
        ..CompanyModel::default()
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
    let s = rank(&model(), &VoteParams::default(), &query(None), &n);
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
    let s = rank(&model(), &VoteParams::default(), &query(Some("Acme")), &n);
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
    let s = rank(&model(), &VoteParams::default(), &query(None), &n);
    assert_eq!(values(&s, Field::Department), vec![Some("ADM".to_string())]);
    assert!(s.best(Field::Department).unwrap().reasons[0].contains("requires"));
}

/// A company whose only history is `vendor`'s lines at these accounts and amounts (cents).
fn vendor_model(vendor: &str, lines: &[(&str, i64)]) -> CompanyModel {
    let records: Vec<HistoryRecord> = lines
        .iter()
        .enumerate()
        .map(|(n, (account, cents))| {
            let mut r = neighbour(&n.to_string(), account, Some("ADM"), 0.0).record;
            r.vendor_name = Some(vendor.into());
            r.amount = Decimal::new(*cents, 2);
            r
        })
        .collect();
    CompanyModel {
        habits: Habits::from_records(&records),
        ..model()
    }
}

/// The account candidates' features for `vendor`'s line of `cents`.
fn account_features(
    model: &CompanyModel,
    vendor: &str,
    cents: i64,
) -> HashMap<String, [f64; FEATURES]> {
    let mut q = query(Some(vendor));
    q.amount = Some(Decimal::new(cents, 2));
    let (_, choices) = rank_with_choices(model, &VoteParams::default(), &q, &[]);
    let account = choices.into_iter().find(|c| c.field == Field::Account);
    account
        .unwrap()
        .candidates
        .into_iter()
        .filter_map(|(v, x)| Some((v?, x)))
        .collect()
}

#[test]
fn a_vendor_billing_two_codes_at_two_prices_is_told_apart_by_the_amount() {
    // Acme bills its licence (6010) at 120.00 every month and support (6810) at 45.00.
    let lines: Vec<(&str, i64)> = [("6010", 12_000), ("6810", 4_500)]
        .into_iter()
        .cycle()
        .take(8)
        .collect();
    let x = account_features(&vendor_model("Acme", &lines), "Acme", 4_500);
    let (support, licence) = (x["6810"], x["6010"]);
    // Every line of Acme at exactly 45.00 was support, none the licence.
    assert_eq!((support[22], support[23], support[24]), (1.0, 1.0, 1.0));
    assert_eq!((licence[22], licence[23], licence[24]), (0.0, 0.0, 0.0));
    assert_eq!((support[25], licence[25]), (1.0, 0.0));
    assert!(support[26] > licence[26]);
}

#[test]
fn small_orders_and_large_orders_are_told_apart_by_the_amount_band() {
    // A merchant's small orders (tens of pounds, never the same twice) are supplies (6010),
    // its large ones (thousands) materials (6810); no amount repeats exactly.
    let lines: Vec<(&str, i64)> = (0..10)
        .flat_map(|n| [("6010", 3_000 + 700 * n), ("6810", 250_000 + 9_100 * n)])
        .collect();
    let x = account_features(&vendor_model("Merchant", &lines), "Merchant", 4_150);
    let (supplies, materials) = (x["6010"], x["6810"]);
    // 41.50 was never billed, but it is a usual amount for supplies and not for materials.
    assert_eq!((supplies[23], materials[23]), (0.0, 0.0));
    assert!(supplies[27] > -0.2, "{}", supplies[27]);
    assert!(materials[27] < -0.9, "{}", materials[27]);
}

#[test]
fn the_same_history_gives_the_same_features_in_whatever_order_its_maps_run() {
    // A vendor with many accounts of different ages, and neighbours voting for many values
    // with different weights: a float sum over them depends on its order, so every sum must
    // be taken in an order that does not depend on how a map happens to be seeded.
    let records: Vec<HistoryRecord> = (0..60u32)
        .map(|n| {
            let account = format!("6{:03}", n % 13);
            let mut r = neighbour(&n.to_string(), &account, Some("ADM"), 0.0).record;
            r.vendor_name = Some("Acme".into());
            r.posting_date = Date::new(
                2020 + (n % 5) as u16,
                1 + (n % 12) as u8,
                1 + (n % 28) as u8,
            )
            .unwrap();
            r.amount = Decimal::new(1_000 + 37 * i64::from(n), 2);
            r
        })
        .collect();
    let neighbours: Vec<Neighbour> = (0..40u16)
        .map(|n| {
            let account = format!("6{:03}", n % 11);
            let similarity = 0.3 + 0.6 / (1.0 + f32::from(n));
            neighbour(&n.to_string(), &account, Some("ADM"), similarity)
        })
        .collect();
    let mut q = query(Some("Acme"));
    q.amount = Some(Decimal::new(12_345, 2));
    q.date = Some(Date::new(2025, 6, 1).unwrap());
    let features = || {
        // Every map is seeded afresh, so each model's iterate in an order of their own.
        let model = CompanyModel {
            habits: Habits::from_records(&records),
            ..CompanyModel::default()
        };
        let (_, choices) = rank_with_choices(&model, &VoteParams::default(), &q, &neighbours);
        choices
            .into_iter()
            .flat_map(|c| c.candidates)
            .map(|(v, x)| (v, x.map(f64::to_bits)))
            .collect::<Vec<_>>()
    };
    let first = features();
    assert!(first.len() > 10, "{} candidates", first.len());
    for _ in 0..20 {
        assert_eq!(features(), first);
    }
}

#[test]
fn a_ranker_fitted_before_the_latest_features_keeps_its_weights() {
    let mut ranker = Ranker::default();
    ranker
        .fields
        .insert(Field::Account, vec![0.5; FEATURES - 2]);
    ranker
        .fields
        .insert(Field::Department, vec![0.5; FEATURES + 1]);
    let w = ranker.weights(Field::Account);
    assert_eq!(w[..FEATURES - 2], [0.5; FEATURES - 2]);
    assert_eq!(w[FEATURES - 2..], [0.0, 0.0]);
    // A vector from an unknown, longer feature set is not guessed at.
    assert_eq!(ranker.weights(Field::Department), Ranker::prior());
    assert_eq!(ranker.weights(Field::Class), Ranker::prior());
}

#[test]
fn a_department_is_weighed_over_the_accounts_the_line_may_have() {
    // Bolt's lines: 6010 five times (three for ADM, two for OPS), 6810 four times, all OPS.
    // The account is a close call (6010, 5 in 9), and under 6010 alone ADM leads; but OPS is
    // the department under either account, and so the more likely one.
    let records: Vec<HistoryRecord> = [
        ("6010", "ADM"),
        ("6010", "ADM"),
        ("6010", "ADM"),
        ("6010", "OPS"),
        ("6010", "OPS"),
        ("6810", "OPS"),
        ("6810", "OPS"),
        ("6810", "OPS"),
        ("6810", "OPS"),
    ]
    .into_iter()
    .enumerate()
    .map(|(n, (account, department))| {
        let mut r = neighbour(&n.to_string(), account, Some(department), 0.0).record;
        r.vendor_name = Some("Bolt".into());
        r
    })
    .collect();
    // The account is ranked by the vendor's share alone, the department by its share among
    // the vendor's lines with the account.
    let mut ranker = Ranker::default();
    let weight = |i: usize| {
        let mut w = vec![0.0; FEATURES];
        w[i] = 5.0;
        w
    };
    ranker.fields.insert(Field::Account, weight(2));
    ranker.fields.insert(Field::Department, weight(17));
    let model = CompanyModel {
        habits: Habits::from_records(&records),
        ranker,
        ..model()
    };
    let s = rank(&model, &VoteParams::default(), &query(Some("Bolt")), &[]);
    let account = s.best(Field::Account).unwrap();
    assert_eq!(account.value.as_deref(), Some("6010"));
    let p6010 = f64::from(account.score);
    assert!((p6010 - 0.636).abs() < 0.01, "{p6010}");
    let department = s.best(Field::Department).unwrap();
    assert_eq!(department.value.as_deref(), Some("OPS"));
    // Under 6010 alone OPS has 1 / (1 + e^1) = 0.27; under 6810 nearly all of it.
    let p = |x: f64| 1.0 / (1.0 + (-x).exp());
    let expected = p6010 * p(-1.0) + (1.0 - p6010) * p(5.0);
    assert!(
        (f64::from(department.score) - expected).abs() < 0.01,
        "{} against {expected}",
        department.score
    );
}
