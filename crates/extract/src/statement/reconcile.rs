//! Signs for statements that print money out and money in as two columns without a header
//! the reader can name (BancoPosta's header is artwork) and without a running balance: the
//! amounts' right edges fall into two groups, and of the two ways to sign them only one makes
//! the opening balance plus the transactions come to the closing balance.

use rust_decimal::Decimal;

use crate::{Statement, decimal};

/// Signs the unsigned amounts of `statement` by the column they stand in, when exactly one
/// choice of the money-out column reconciles the printed balances; otherwise leaves them.
pub fn signs_from_two_columns(statement: &mut Statement) {
    let (Some(opening), Some(closing)) = (
        statement.opening_balance.as_ref().and_then(decimal),
        statement.closing_balance.as_ref().and_then(decimal),
    ) else {
        return;
    };
    let txs = &mut statement.transactions;
    let amounts: Vec<Decimal> = txs.iter().filter_map(|t| decimal(&t.amount)).collect();
    // Signs already read (printed, from a header or a running balance) are left alone.
    if txs.len() < 2
        || amounts.len() != txs.len()
        || amounts.iter().any(Decimal::is_sign_negative)
        || txs.iter().any(|t| t.balance.is_some())
        || opening + amounts.iter().sum::<Decimal>() == closing
    {
        return;
    }
    let mut edges: Vec<f32> = txs.iter().map(|t| t.amount.bbox.x1).collect();
    edges.sort_by(f32::total_cmp);
    let Some((gap, at)) = edges
        .windows(2)
        .map(|w| (w[1] - w[0], (w[0] + w[1]) / 2.0))
        .max_by(|a, b| a.0.total_cmp(&b.0))
    else {
        return;
    };
    let mut heights: Vec<f32> = txs.iter().map(|t| t.amount.bbox.height()).collect();
    heights.sort_by(f32::total_cmp);
    // Right-aligned figures of one column end within a few points of each other; two columns
    // are several character widths apart.
    if gap < 3.0 * heights[heights.len() / 2] {
        return;
    }
    let left: Vec<bool> = txs.iter().map(|t| t.amount.bbox.x1 < at).collect();
    let total = |out_left: bool| {
        amounts
            .iter()
            .zip(&left)
            .map(|(a, &l)| if l == out_left { -*a } else { *a })
            .sum::<Decimal>()
    };
    let fits: Vec<bool> = [true, false]
        .iter()
        .filter(|&&out_left| opening + total(out_left) == closing)
        .copied()
        .collect();
    let [out_left] = fits.as_slice() else {
        return;
    };
    for ((tx, a), &l) in txs.iter_mut().zip(&amounts).zip(&left) {
        if l == *out_left {
            tx.amount.value = (-*a).to_string();
        }
    }
}
