//! Arithmetic checks: what the document's own numbers say about the reading. A failed check
//! lowers the confidence of the fields it involves and is reported with both amounts.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Invoice, Statement, decimal};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    LinesSumToSubtotal,
    SubtotalPlusTaxIsTotal,
    LineArithmetic,
    BalanceReconciles,
    RunningBalance,
    /// EN 16931 arithmetic of an e-invoice's own XML (BR-CO-10 to BR-CO-17); the message names
    /// the rule.
    EInvoiceRule,
    /// An e-invoice's XML and its printed page agree (number, date, total).
    PageMatchesData,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub kind: CheckKind,
    pub passed: bool,
    pub expected: String,
    pub actual: String,
    /// The line item or transaction, for per-item checks.
    pub item: Option<usize>,
    pub message: String,
}

const CENT: Decimal = Decimal::from_parts(1, 0, 0, false, 2);

pub fn check(
    kind: CheckKind,
    expected: Decimal,
    actual: Decimal,
    item: Option<usize>,
    what: &str,
) -> Check {
    let passed = (expected - actual).abs() <= CENT;
    let message = if passed {
        format!("{what}: {actual} matches {expected}")
    } else {
        format!(
            "{what}: the document says {expected}, the parts add up to {actual} (off by {})",
            actual - expected
        )
    };
    Check {
        kind,
        passed,
        expected: expected.to_string(),
        actual: actual.to_string(),
        item,
        message,
    }
}

/// Confidence multiplier for a field a check involved.
fn weigh(confidence: &mut f32, passed: bool) {
    *confidence *= if passed { 1.0 } else { 0.5 };
}

pub fn invoice(invoice: &mut Invoice) -> Vec<Check> {
    let mut checks = Vec::new();
    let lines_sum: Option<Decimal> = (!invoice.lines.is_empty()).then(|| {
        invoice
            .lines
            .iter()
            .filter_map(|l| decimal(&l.amount))
            .sum()
    });
    for (i, line) in invoice.lines.iter_mut().enumerate() {
        if let (Some(q), Some(u), Some(a)) = (
            line.quantity.as_ref().and_then(decimal),
            line.unit_price.as_ref().and_then(decimal),
            decimal(&line.amount),
        ) {
            let product = (q * u).round_dp(2);
            // Credit notes print positive quantities and prices against negative amounts.
            let c = check(
                CheckKind::LineArithmetic,
                a.abs(),
                product.abs(),
                Some(i),
                &format!("line {} quantity x unit price", i + 1),
            );
            weigh(&mut line.confidence, c.passed);
            checks.push(c);
        }
    }
    let subtotal = invoice.subtotal.as_ref().and_then(decimal);
    let tax = invoice.tax.as_ref().and_then(decimal);
    let total = invoice.total.as_ref().and_then(decimal);
    if let (Some(sum), Some(sub)) = (
        lines_sum,
        subtotal.or(if tax.is_none() { total } else { None }),
    ) {
        let c = check(
            CheckKind::LinesSumToSubtotal,
            sub,
            sum,
            None,
            "line amounts sum to the subtotal",
        );
        for line in &mut invoice.lines {
            weigh(&mut line.amount.confidence, c.passed);
        }
        if let Some(f) = invoice.subtotal.as_mut() {
            weigh(&mut f.confidence, c.passed);
        }
        checks.push(c);
    }
    if let (Some(sub), Some(tax), Some(total)) = (subtotal, tax, total) {
        let c = check(
            CheckKind::SubtotalPlusTaxIsTotal,
            total,
            sub + tax,
            None,
            "subtotal plus tax is the total",
        );
        for f in [
            invoice.subtotal.as_mut(),
            invoice.tax.as_mut(),
            invoice.total.as_mut(),
        ]
        .into_iter()
        .flatten()
        {
            weigh(&mut f.confidence, c.passed);
        }
        checks.push(c);
    }
    checks
}

/// Whether more rows' printed balances follow from the row below them than from the row above
/// (a statement listed newest first, as many banks' downloads are).
fn newest_first(transactions: &[crate::Transaction]) -> bool {
    let balances: Vec<Option<Decimal>> = transactions
        .iter()
        .map(|t| t.balance.as_ref().and_then(decimal))
        .collect();
    let follows = |i: usize, j: usize| {
        matches!(
            (balances[i], balances[j], decimal(&transactions[i].amount)),
            (Some(now), Some(before), Some(a)) if now - before == a
        )
    };
    let n = transactions.len();
    let forward = (1..n).filter(|&i| follows(i, i - 1)).count();
    let backward = (0..n.saturating_sub(1))
        .filter(|&i| follows(i, i + 1))
        .count();
    backward > forward
}

pub fn statement(statement: &mut Statement) -> Vec<Check> {
    let mut checks = Vec::new();
    let opening = statement.opening_balance.as_ref().and_then(decimal);
    let closing = statement.closing_balance.as_ref().and_then(decimal);
    let mut running = opening;
    // A statement listed newest first runs its balances from the last row up.
    let order: Vec<usize> = if newest_first(&statement.transactions) {
        (0..statement.transactions.len()).rev().collect()
    } else {
        (0..statement.transactions.len()).collect()
    };
    for i in order {
        let tx = &mut statement.transactions[i];
        let amount = decimal(&tx.amount);
        if let (Some(prev), Some(a)) = (running, amount) {
            let expected = prev + a;
            if let Some(printed) = tx.balance.as_ref().and_then(decimal) {
                let c = check(
                    CheckKind::RunningBalance,
                    printed,
                    expected,
                    Some(i),
                    &format!("balance after transaction {}", i + 1),
                );
                weigh(&mut tx.confidence, c.passed);
                checks.push(c);
                // Continue from what the document printed, so one misread amount fails one
                // check, not every check after it.
                running = Some(printed);
                continue;
            }
            running = Some(expected);
        } else {
            running = tx.balance.as_ref().and_then(decimal);
        }
    }
    if let (Some(open), Some(close)) = (opening, closing) {
        let sum: Decimal = statement
            .transactions
            .iter()
            .filter_map(|t| decimal(&t.amount))
            .sum();
        let c = check(
            CheckKind::BalanceReconciles,
            close,
            open + sum,
            None,
            "opening balance plus transactions is the closing balance",
        );
        for f in [
            statement.opening_balance.as_mut(),
            statement.closing_balance.as_mut(),
        ]
        .into_iter()
        .flatten()
        {
            weigh(&mut f.confidence, c.passed);
        }
        checks.push(c);
    }
    checks
}
