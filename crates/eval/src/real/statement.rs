//! Bank statements in the real corpus: `pdf/` or `img/` with `gt/<file>.gt.json` listing every
//! transaction (ISO date, signed amount) and the opening and closing balances. Transactions
//! are matched on date and amount to the cent; the trivial baseline reads every line that
//! starts with a date and holds an amount as a debit of that amount, and takes the first and
//! last amount of the document as the balances.

use rust_decimal::Decimal;
use serde_json::Value;

use super::{Truth, money, read_value as field, text};
use ledgerline_core::page::Page;
use ledgerline_extract::{self as lines, DocumentKind, Statement, Transaction, find_date};

/// Whether a truth file describes a statement rather than an invoice.
pub fn is_statement(v: &Value) -> bool {
    v.get("transactions").is_some_and(Value::is_array)
}

pub fn truth(v: &Value) -> Truth {
    let transactions = v["transactions"]
        .as_array()
        .map(|txs| {
            txs.iter()
                .filter_map(|t| {
                    let date = text(&t["date"])?;
                    let amount = signed(&t["amount"])?;
                    Some((date, amount))
                })
                .collect()
        })
        .unwrap_or_default();
    Truth {
        kind: Some(DocumentKind::BankStatement),
        vendor: text(&v["bank"]),
        opening: signed(&v["opening_balance"]),
        closing: signed(&v["closing_balance"]),
        transactions,
        ..Truth::default()
    }
}

/// A signed decimal ("-12.34") as written in a truth file.
fn signed(v: &Value) -> Option<Decimal> {
    let t = text(v)?;
    let (negative, rest) = match t.strip_prefix('-') {
        Some(rest) => (true, rest.to_string()),
        None => (false, t),
    };
    let d = money(&Value::String(rest))?;
    Some(if negative { -d } else { d })
}

/// Transactions matched on date and amount: (matched, read, in the truth).
pub fn match_transactions(truth: &[(String, Decimal)], got: &[Transaction]) -> (usize, usize) {
    let mut unmatched: Vec<&(String, Decimal)> = truth.iter().collect();
    let mut matched = 0;
    for tx in got {
        let amount = tx.amount.value.parse::<Decimal>().ok();
        if let Some(i) = unmatched
            .iter()
            .position(|(date, want)| amount == Some(*want) && tx.date.value == *date)
        {
            unmatched.remove(i);
            matched += 1;
        }
    }
    (matched, got.len())
}

/// The trivial reading: lines that start with a date and hold an amount are debits of their
/// first amount; the first and last amounts of the document are the balances.
pub fn baseline(pages: &[Page]) -> Statement {
    let texts: Vec<&str> = pages
        .iter()
        .flat_map(|p| p.lines.iter().map(|l| l.text.as_str()))
        .collect();
    let order = lines::date_order(texts.iter().copied(), None);
    let amount = |w: &str| {
        lines::looks_like_money(w)
            .then(|| lines::parse_amount(w))
            .flatten()
    };
    let mut transactions = Vec::new();
    for line in &texts {
        let mut words = line.split_whitespace();
        let Some(first) = words.next() else { continue };
        let Some((date, _)) = find_date(first, order) else {
            continue;
        };
        if let Some(value) = words.find_map(amount) {
            transactions.push(Transaction {
                date: field(date),
                description: field(String::new()),
                amount: field((-value.abs()).to_string()),
                balance: None,
                confidence: 1.0,
            });
        }
    }
    let amounts: Vec<Decimal> = texts
        .iter()
        .flat_map(|l| l.split_whitespace())
        .filter_map(amount)
        .collect();
    Statement {
        opening_balance: amounts.first().map(|a| field(a.to_string())),
        closing_balance: amounts.last().map(|a| field(a.to_string())),
        transactions,
        ..Statement::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transactions_match_once_on_date_and_signed_amount() {
        let tx = |date: &str, amount: &str| Transaction {
            date: field(date.into()),
            description: field(String::new()),
            amount: field(amount.into()),
            balance: None,
            confidence: 1.0,
        };
        let truth = vec![
            ("2024-01-02".to_string(), Decimal::new(-1250, 2)),
            ("2024-01-02".to_string(), Decimal::new(-1250, 2)),
            ("2024-01-03".to_string(), Decimal::new(300, 0)),
        ];
        let got = [
            tx("2024-01-02", "-12.50"),
            tx("2024-01-02", "-12.50"),
            tx("2024-01-02", "-12.50"),
            tx("2024-01-03", "-300"),
        ];
        assert_eq!(match_transactions(&truth, &got), (2, 4));
        assert_eq!(
            signed(&Value::String("-1234.56".into())),
            Some(Decimal::new(-123456, 2))
        );
    }
}
