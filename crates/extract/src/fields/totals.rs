//! The total where no label gives it plainly: after a till's rounding, a subtotal printed
//! after the tax, or the largest amount on the page.

use rust_decimal::Decimal;

use super::field;
use crate::Field;
use crate::cells::{Row, label_words};
use crate::normalize::{looks_like_money, parse_amount};

/// Words that start a row about the money handed over at a till, never the amount owed.
const TENDER_WORDS: [&str; 6] = ["cash", "change", "tender", "tendered", "bar", "rückgeld"];

/// Words that start the row of the change given back.
const CHANGE_WORDS: [&str; 7] = [
    "change",
    "rückgeld",
    "wechselgeld",
    "wisselgeld",
    "cambio",
    "rendu",
    "resto",
];

fn is_tender_row(row: &Row) -> bool {
    label_words(&row.text())
        .first()
        .is_some_and(|w| TENDER_WORDS.contains(&w.as_str()))
}

/// Where a field was read: its row's index.
fn row_of(rows: &[Row], found: &Field) -> Option<usize> {
    rows.iter().position(|r| {
        r.page == found.page
            && r.cells
                .iter()
                .any(|c| c.bbox.y0 <= found.bbox.y1 && c.bbox.y1 >= found.bbox.y0)
            && r.cells.iter().any(|c| c.text.contains(found.raw.trim()))
    })
}

/// The total after a rounding adjustment printed below it: till receipts round to the coin
/// ("Total 7.72 / Rounding -0.02 / Nett 7.70") and the customer owes the rounded amount, which
/// some print under no label this vocabulary knows ("Rounding RM 177.20").
pub fn rounded_total(rows: &[Row], total: Field) -> Field {
    let Some(at) = row_of(rows, &total) else {
        return total;
    };
    let Some(before) = parse_amount(&total.value) else {
        return total;
    };
    let rounding = rows.iter().enumerate().skip(at + 1).take(4).find(|(_, r)| {
        let words = label_words(&r.text());
        words.first().is_some_and(|w| {
            w.starts_with("rounding") || w == "round" || w == "rundung" || w == "arrondi"
        })
    });
    let Some((r, _)) = rounding else {
        return total;
    };
    let five_cents = Decimal::new(5, 2);
    rows.iter()
        .skip(r)
        .take(3)
        .flat_map(|row| row.cells.iter())
        .filter(|cell| looks_like_money(&cell.text))
        .filter_map(|cell| Some((parse_amount(&cell.text)?, cell)))
        .find(|(amount, _)| *amount != before && (*amount - before).abs() <= five_cents)
        .map_or(total.clone(), |(amount, cell)| Field {
            confidence: total.confidence.min(cell.confidence),
            ..field(amount.to_string(), cell, &cell.text)
        })
}

/// A subtotal printed after the tax is no pre-tax amount: receipts call their final amount
/// "NET TOTAL" below the tax and the rounding. Used only when no total is labelled.
pub fn total_after_tax(rows: &[Row], subtotal: &Field, tax: Option<&Field>) -> Option<Field> {
    let s = row_of(rows, subtotal)?;
    let t = row_of(rows, tax?)?;
    (s > t).then(|| {
        let mut found = subtotal.clone();
        found.confidence *= 0.7;
        found
    })
}

/// The largest amount with cents printed anywhere: the total of a document that prints it with
/// no label this vocabulary knows (a grand total is the largest figure on an invoice). Less
/// sure than a labelled total, so its confidence is halved.
pub fn largest_amount(rows: &[Row]) -> Option<Field> {
    // Cash handed over is no total, unless the same figure is printed elsewhere too (exact
    // money, next to a total label OCR garbled).
    let owed: Vec<String> = rows
        .iter()
        .filter(|row| !is_tender_row(row))
        .map(Row::text)
        .collect();
    // Cash handed over under no label the vocabulary knows ("Euro 21.00" over "Change
    // 10.15", where 10.85 is printed): the cash less the change is a figure of the page.
    let money_in = |row: &Row| -> Vec<Decimal> {
        row.cells
            .iter()
            .filter(|c| looks_like_money(&c.text))
            .filter_map(|c| parse_amount(&c.text))
            .collect()
    };
    let change: Vec<Decimal> = rows
        .iter()
        .filter(|row| {
            label_words(&row.text())
                .first()
                .is_some_and(|w| CHANGE_WORDS.contains(&w.as_str()))
        })
        .flat_map(money_in)
        .collect();
    let printed: Vec<Decimal> = rows.iter().flat_map(money_in).collect();
    let handed_over = |amount: Decimal| {
        change.iter().filter(|c| **c > Decimal::ZERO).any(|c| {
            let owed = amount - *c;
            owed > Decimal::ZERO && printed.contains(&owed)
        })
    };
    rows.iter()
        .filter(|row| {
            !is_tender_row(row)
                || row.cells.iter().any(|c| {
                    let digits = c.text.trim_start_matches(|ch: char| !ch.is_ascii_digit());
                    !digits.is_empty() && owed.iter().any(|t| t.contains(digits))
                })
        })
        .flat_map(|row| row.cells.iter())
        .filter(|cell| looks_like_money(&cell.text))
        .filter_map(|cell| Some((parse_amount(&cell.text)?, cell)))
        .filter(|(amount, _)| !handed_over(*amount))
        .max_by_key(|(amount, _)| *amount)
        .map(|(amount, cell)| {
            let mut found = field(amount.to_string(), cell, &cell.text);
            found.confidence *= 0.5;
            found
        })
}
