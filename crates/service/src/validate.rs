//! Validation of a proposed journal entry or AP bill, before anything reaches Intacct: the entry
//! balances; accounts and dimension values exist and are active; every dimension an account
//! requires is there; the period is open; the invoice is not a duplicate of one already booked
//! or queued; amounts are usual for the account and vendor; intercompany lines are flagged.
//! Each finding says what to do, and where `suggest` knows better, carries the corrections.

use rust_decimal::Decimal;

use crate::policy::Policy;
use crate::proposal::{Entry, Kind, Side};
pub use crate::proposal::{Fix, Issue, IssueKind, Severity};
use ledgerline_core::company::{Chart, Field};
use ledgerline_core::history::Date;
use ledgerline_suggest::suggest::Suggestion;

/// Another document of the company already booked or queued, for the duplicate check.
#[derive(Debug, Clone, PartialEq)]
pub struct Booked {
    pub proposal_id: String,
    pub vendor_id: String,
    pub number: String,
    pub total: Option<Decimal>,
    pub date: Option<Date>,
    pub state: String,
}

/// Everything validation looks at besides the entry.
pub struct Context<'a> {
    pub chart: &'a Chart,
    pub policy: &'a Policy,
    /// Other documents of the same vendor (never the one being validated).
    pub booked: &'a [Booked],
    /// Per line, the suggestion for it when there is one: the source of fixes and of the
    /// amounts usual for the account.
    pub suggestions: &'a [Option<Suggestion>],
}

/// Every finding on `entry`.
/// What the document itself gives a person to look at: an e-invoice whose XML breaks an
/// EN 16931 arithmetic rule, or whose printed page does not say what its data says. Neither is
/// repaired; both send the document to review with the check's own sentence.
pub fn document_checks(checks: &[ledgerline_extract::Check]) -> Vec<Issue> {
    use ledgerline_extract::CheckKind;
    checks
        .iter()
        .filter(|c| {
            !c.passed && matches!(c.kind, CheckKind::EInvoiceRule | CheckKind::PageMatchesData)
        })
        .map(|c| {
            Issue::new(
                IssueKind::DocumentMismatch,
                Severity::Warning,
                -1,
                "document",
                c.message.clone(),
            )
        })
        .collect()
}

pub fn validate(entry: &Entry, cx: &Context) -> Vec<Issue> {
    let mut issues = Vec::new();
    whole_entry(entry, cx, &mut issues);
    for (i, line) in entry.lines.iter().enumerate() {
        let at = i as i32;
        let suggestion = cx.suggestions.get(i).and_then(Option::as_ref);
        let account = &line.coding.account;
        if line.amount <= Decimal::ZERO {
            issues.push(Issue::new(
                IssueKind::Malformed,
                Severity::Error,
                at,
                "amount",
                format!(
                    "line {}: the amount must be positive; use the side for credits",
                    i + 1
                ),
            ));
        }
        match cx.chart.accounts.iter().find(|a| &a.id == account) {
            None => {
                let mut issue = Issue::new(
                    IssueKind::UnknownAccount,
                    Severity::Error,
                    at,
                    "account",
                    if account.is_empty() {
                        format!("line {}: no account; pick one", i + 1)
                    } else {
                        format!(
                            "line {}: account {account} is not in the chart of accounts",
                            i + 1
                        )
                    },
                );
                issue.fixes = fixes(suggestion, Field::Account, account, cx.chart);
                issues.push(issue);
            }
            Some(a) if !a.active => {
                let mut issue = Issue::new(
                    IssueKind::InactiveAccount,
                    Severity::Error,
                    at,
                    "account",
                    format!("line {}: account {account} ({}) is inactive", i + 1, a.name),
                );
                issue.fixes = fixes(suggestion, Field::Account, account, cx.chart);
                issues.push(issue);
            }
            Some(a) => {
                for field in a.requires.iter().copied() {
                    if line.coding.dimension(field).is_none() {
                        let mut issue = Issue::new(
                            IssueKind::MissingDimension,
                            Severity::Error,
                            at,
                            field.name(),
                            format!(
                                "line {}: account {account} requires a {}",
                                i + 1,
                                field.name()
                            ),
                        );
                        issue.fixes = fixes(suggestion, field, "", cx.chart);
                        issues.push(issue);
                    }
                }
                let name = a.name.to_lowercase();
                if cx.policy.intercompany_accounts.contains(account)
                    || name.contains("intercompany")
                {
                    issues.push(Issue::new(
                        IssueKind::Intercompany,
                        Severity::Warning,
                        at,
                        "account",
                        format!(
                            "line {}: account {account} crosses entities; the other entity's side must be booked too",
                            i + 1
                        ),
                    ));
                }
            }
        }
        for field in [
            Field::Department,
            Field::Location,
            Field::Project,
            Field::Class,
        ] {
            let Some(value) = line.coding.dimension(field) else {
                continue;
            };
            match cx.chart.values(field).into_iter().find(|v| v.id == value) {
                None => {
                    let mut issue = Issue::new(
                        IssueKind::UnknownDimension,
                        Severity::Error,
                        at,
                        field.name(),
                        format!("line {}: {} {value} does not exist", i + 1, field.name()),
                    );
                    issue.fixes = fixes(suggestion, field, value, cx.chart);
                    issues.push(issue);
                }
                Some(v) if !v.active => {
                    let mut issue = Issue::new(
                        IssueKind::InactiveDimension,
                        Severity::Error,
                        at,
                        field.name(),
                        format!("line {}: {} {value} is inactive", i + 1, field.name()),
                    );
                    issue.fixes = fixes(suggestion, field, value, cx.chart);
                    issues.push(issue);
                }
                Some(_) => {}
            }
        }
        if let Some(issue) = unusual_amount(i, line.amount, account, suggestion, cx.policy) {
            issues.push(issue);
        }
    }
    issues
}

fn whole_entry(entry: &Entry, cx: &Context, issues: &mut Vec<Issue>) {
    match entry.kind {
        Kind::JournalEntry => {
            let (debits, credits) = (entry.debits(), entry.credits());
            if debits != credits {
                issues.push(Issue::new(
                    IssueKind::Unbalanced,
                    Severity::Error,
                    -1,
                    "",
                    format!(
                        "debits {debits} and credits {credits} differ by {}",
                        debits - credits
                    ),
                ));
            }
        }
        Kind::ApBill => {
            if entry.lines.iter().any(|l| l.side == Side::Credit) {
                issues.push(Issue::new(
                    IssueKind::Malformed,
                    Severity::Error,
                    -1,
                    "",
                    "a bill's lines are expenses (debits); book discounts and credits as a credit note".into(),
                ));
            }
            let lines = entry.bill_amount();
            if let Some(total) = entry.total
                && total != lines
            {
                issues.push(Issue::new(
                    IssueKind::Unbalanced,
                    Severity::Error,
                    -1,
                    "total",
                    format!("the lines add up to {lines} but the bill's total is {total}"),
                ));
            }
            if entry.vendor_id.trim().is_empty() {
                issues.push(Issue::new(
                    IssueKind::Malformed,
                    Severity::Error,
                    -1,
                    "vendor",
                    "no vendor was read; pick the vendor".into(),
                ));
            } else if !cx
                .chart
                .vendors
                .iter()
                .any(|v| v.id == entry.vendor_id && v.active)
            {
                issues.push(Issue::new(
                    IssueKind::UnknownDimension,
                    Severity::Error,
                    -1,
                    "vendor",
                    format!(
                        "vendor {:?} is not an active vendor of the company; create it in Intacct or pick an existing one",
                        entry.vendor_id
                    ),
                ));
            }
            if entry.number.trim().is_empty() {
                issues.push(Issue::new(
                    IssueKind::Malformed,
                    Severity::Error,
                    -1,
                    "number",
                    "no invoice number was read; type it from the document".into(),
                ));
            }
        }
    }
    match entry.date {
        None => issues.push(Issue::new(
            IssueKind::Malformed,
            Severity::Error,
            -1,
            "date",
            "no date was read; type the document's date".into(),
        )),
        Some(date) => {
            if let Some(closed) = cx.policy.closed_through
                && date <= closed
            {
                issues.push(Issue::new(
                    IssueKind::PeriodClosed,
                    Severity::Error,
                    -1,
                    "date",
                    format!(
                        "the period of {date} is closed (books closed through {closed}); post in an open period or reopen it"
                    ),
                ));
            }
        }
    }
    if entry.kind == Kind::ApBill || !entry.vendor_id.is_empty() {
        duplicates(entry, cx, issues);
    }
}

fn normalised_number(n: &str) -> String {
    n.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_uppercase()
}

fn duplicates(entry: &Entry, cx: &Context, issues: &mut Vec<Issue>) {
    let number = normalised_number(&entry.number);
    for other in cx.booked.iter().filter(|b| b.vendor_id == entry.vendor_id) {
        let same_number = !number.is_empty() && normalised_number(&other.number) == number;
        let same_amount = match (entry.total, other.total, entry.date, other.date) {
            (Some(a), Some(b), Some(d1), Some(d2)) => {
                a == b && day_distance(d1, d2) <= cx.policy.duplicate_window_days as i64
            }
            _ => false,
        };
        if same_number || same_amount {
            let why = if same_number {
                format!("the same invoice number {}", other.number)
            } else {
                format!(
                    "the same amount {} within {} days",
                    other.total.unwrap_or_default(),
                    cx.policy.duplicate_window_days
                )
            };
            issues.push(Issue::new(
                IssueKind::Duplicate,
                Severity::Error,
                -1,
                "number",
                format!(
                    "probably a duplicate of proposal {} ({}) from {}: {why}; reject this one unless both are real",
                    other.proposal_id, other.state, other.vendor_id
                ),
            ));
        }
    }
}

fn day_distance(a: Date, b: Date) -> i64 {
    (ledgerline_suggest::suggest::day_number(a) - ledgerline_suggest::suggest::day_number(b)).abs()
}

/// Corrections from the line's suggestion: its candidates other than the rejected value.
fn fixes(suggestion: Option<&Suggestion>, field: Field, rejected: &str, chart: &Chart) -> Vec<Fix> {
    let Some(s) = suggestion else {
        return Vec::new();
    };
    s.fields
        .iter()
        .filter(|f| f.field == field)
        .flat_map(|f| f.candidates.iter())
        .filter_map(|c| {
            let value = c.value.clone()?;
            (value != rejected && chart.allows(field, &value)).then(|| Fix {
                field: field.name().to_string(),
                explanation: format!(
                    "{} ({}) is how {} similar line(s) were coded",
                    value,
                    c.label,
                    c.precedents.len()
                ),
                value,
                confidence: c.confidence,
            })
        })
        .take(3)
        .collect()
}

/// A robust z-score (median and median absolute deviation) of the amount against the amounts
/// of the nearest historical lines coded to the same account: a typo'd or misread amount
/// stands out even when history has outliers of its own.
fn unusual_amount(
    i: usize,
    amount: Decimal,
    account: &str,
    suggestion: Option<&Suggestion>,
    policy: &Policy,
) -> Option<Issue> {
    use rust_decimal::prelude::ToPrimitive;
    let s = suggestion?;
    let mut amounts: Vec<f64> = s
        .fields
        .iter()
        .filter(|f| f.field == Field::Account)
        .flat_map(|f| f.candidates.iter())
        .filter(|c| c.value.as_deref() == Some(account))
        .flat_map(|c| c.precedents.iter())
        .filter_map(|p| p.line.amount.abs().to_f64())
        .collect();
    if amounts.len() < 5 {
        return None;
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        let n = v.len();
        if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        }
    };
    let m = median(&mut amounts);
    let mut deviations: Vec<f64> = amounts.iter().map(|a| (a - m).abs()).collect();
    // A floor on the spread: identical history amounts must not make every cent unusual.
    let mad = median(&mut deviations).max(m.abs() * 0.05).max(1.0);
    let x = amount.to_f64()?;
    let z = 0.6745 * (x - m) / mad;
    (z.abs() > policy.unusual_amount_z).then(|| {
        Issue::new(
            IssueKind::UnusualAmount,
            Severity::Warning,
            i as i32,
            "amount",
            format!(
                "line {}: {amount} is unusual for account {account} (similar lines are around {m:.2}; robust z-score {z:.1})",
                i + 1
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proposal::{Coding, Line};
    use ledgerline_core::company::{Account, Listed};
    use std::collections::BTreeMap;

    fn chart() -> Chart {
        let listed = |id: &str, active| Listed {
            id: id.into(),
            name: id.into(),
            active,
        };
        Chart {
            company: "C".into(),
            accounts: vec![
                Account {
                    id: "6010".into(),
                    name: "Supplies".into(),
                    active: true,
                    requires: vec![Field::Department],
                },
                Account {
                    id: "6099".into(),
                    name: "Old supplies".into(),
                    active: false,
                    requires: vec![],
                },
                Account {
                    id: "1010".into(),
                    name: "Bank".into(),
                    active: true,
                    requires: vec![],
                },
            ],
            departments: vec![listed("ADM", true), listed("OLD", false)],
            vendors: vec![listed("Acme", true)],
            ..Chart::default()
        }
    }

    fn line(account: &str, dept: Option<&str>, amount: i64, side: Side) -> Line {
        Line {
            line_no: 1,
            coding: Coding {
                account: account.into(),
                department: dept.map(str::to_string),
                ..Coding::default()
            },
            amount: Decimal::new(amount, 2),
            side,
            memo: "m".into(),
            confidences: BTreeMap::new(),
            precedents: vec![],
        }
    }

    fn bill(lines: Vec<Line>, total: i64) -> Entry {
        Entry {
            kind: Kind::ApBill,
            journal: "GJ".into(),
            vendor_id: "Acme".into(),
            number: "INV-1".into(),
            date: Some(Date::new(2025, 3, 1).unwrap()),
            due_date: None,
            po_number: String::new(),
            payment_terms: String::new(),
            description: String::new(),
            currency: "USD".into(),
            total: Some(Decimal::new(total, 2)),
            statement: false,
            lines,
        }
    }

    fn kinds(entry: &Entry, policy: &Policy, booked: &[Booked]) -> Vec<IssueKind> {
        let chart = chart();
        validate(
            entry,
            &Context {
                chart: &chart,
                policy,
                booked,
                suggestions: &[],
            },
        )
        .into_iter()
        .map(|i| i.kind)
        .collect()
    }

    #[test]
    fn a_clean_bill_has_no_issue() {
        let e = bill(vec![line("6010", Some("ADM"), 1000, Side::Debit)], 1000);
        assert_eq!(kinds(&e, &Policy::default(), &[]), vec![]);
    }

    #[test]
    fn each_rule_fires_on_its_own_fault() {
        let p = Policy::default();
        let e = bill(vec![line("6010", None, 1000, Side::Debit)], 1000);
        assert_eq!(kinds(&e, &p, &[]), vec![IssueKind::MissingDimension]);
        let e = bill(vec![line("6099", None, 1000, Side::Debit)], 1000);
        assert_eq!(kinds(&e, &p, &[]), vec![IssueKind::InactiveAccount]);
        let e = bill(vec![line("9999", None, 1000, Side::Debit)], 1000);
        assert_eq!(kinds(&e, &p, &[]), vec![IssueKind::UnknownAccount]);
        let e = bill(vec![line("6010", Some("OLD"), 1000, Side::Debit)], 1000);
        assert_eq!(kinds(&e, &p, &[]), vec![IssueKind::InactiveDimension]);
        let e = bill(vec![line("6010", Some("ADM"), 1000, Side::Debit)], 1200);
        assert_eq!(kinds(&e, &p, &[]), vec![IssueKind::Unbalanced]);
        let closed = Policy {
            closed_through: Some(Date::new(2025, 3, 31).unwrap()),
            ..Policy::default()
        };
        let e = bill(vec![line("6010", Some("ADM"), 1000, Side::Debit)], 1000);
        assert_eq!(kinds(&e, &closed, &[]), vec![IssueKind::PeriodClosed]);
        let mut je = bill(
            vec![
                line("6010", Some("ADM"), 1000, Side::Debit),
                line("1010", None, 900, Side::Credit),
            ],
            1000,
        );
        je.kind = Kind::JournalEntry;
        assert_eq!(kinds(&je, &p, &[]), vec![IssueKind::Unbalanced]);
    }

    #[test]
    fn duplicates_are_caught_by_number_or_by_amount_and_date() {
        let p = Policy::default();
        let e = bill(vec![line("6010", Some("ADM"), 1000, Side::Debit)], 1000);
        let other = |number: &str, total: i64, day: u8| Booked {
            proposal_id: "p-1".into(),
            vendor_id: "Acme".into(),
            number: number.into(),
            total: Some(Decimal::new(total, 2)),
            date: Some(Date::new(2025, 3, day).unwrap()),
            state: "posted".into(),
        };
        assert_eq!(
            kinds(&e, &p, &[other("inv 1", 5000, 20)]),
            vec![IssueKind::Duplicate]
        );
        assert_eq!(
            kinds(&e, &p, &[other("INV-2", 1000, 5)]),
            vec![IssueKind::Duplicate]
        );
        assert_eq!(kinds(&e, &p, &[other("INV-2", 1000, 20)]), vec![]);
        let mut elsewhere = other("INV-1", 1000, 1);
        elsewhere.vendor_id = "Other".into();
        assert_eq!(kinds(&e, &p, &[elsewhere]), vec![]);
    }
}
