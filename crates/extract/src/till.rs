//! Till slips: their shape, a narrow column that tells a slip from a page where no word does
//! ([`slip_shaped`]), and their line items, which name no columns: each item is a row that ends
//! in its amount (with the tax letter tills print after it, "1,79 B"), or a name on its own row
//! with the quantity, price and amount on the row under it ("Diesel" over "59,68 l x 1,617
//! EUR/l 96,50 A"). Items are read only where no table was found, and kept only when the rows
//! add up to the total: that is what tells a slip's items from the other figures printed on it.

use rust_decimal::Decimal;

use super::cells::Row;
use super::fields::label_of;
use super::normalize::{DateOrder, find_date, has_cents, parse_amount};
use super::table::make_field as field;
use super::{Field, LineItem};

/// A till slip prints about forty characters to a row: its text is at most this many line
/// heights wide. Measured on photos and scans: till slips 12-21 (receipts from fourteen
/// countries), A4 invoices and statements 21 and up (most over 30).
const SLIP_WIDTH: f32 = 21.0;

/// Whether the first page's text is a till slip's narrow column: the middle nine tenths of its
/// lines' left and right edges lie within [`SLIP_WIDTH`] line heights. Where a slip names
/// itself in no word the classifier knows ("ÚČTENKA", "BON FISCAL"), its shape still does.
pub(crate) fn slip_shaped(rows: &[Row]) -> bool {
    let cells: Vec<_> = rows
        .iter()
        .filter(|r| r.page == rows[0].page)
        .flat_map(|r| &r.cells)
        .map(|c| c.bbox)
        .collect();
    if cells.len() < 8 {
        return false;
    }
    let mut heights: Vec<f32> = cells.iter().map(|b| b.y1 - b.y0).collect();
    let mut left: Vec<f32> = cells.iter().map(|b| b.x0).collect();
    let mut right: Vec<f32> = cells.iter().map(|b| b.x1).collect();
    for v in [&mut heights, &mut left, &mut right] {
        v.sort_by(f32::total_cmp);
    }
    let n = cells.len();
    let height = heights[n / 2];
    let width = right[(n * 19 / 20).min(n - 1)] - left[n / 20];
    height > 0.0 && width <= SLIP_WIDTH * height
}

/// How far a slip's rows may add up from its total: a cent of rounding.
const TOLERANCE: Decimal = Decimal::from_parts(1, 0, 0, false, 2);

/// The items of a till slip whose rows above `total` add up to it; none otherwise.
pub(crate) fn till_items(rows: &[Row], total: &Field, order: DateOrder) -> Vec<LineItem> {
    let Ok(target) = total.value.parse::<Decimal>() else {
        return Vec::new();
    };
    let above = |r: &Row| {
        r.page < total.page || (r.page == total.page && r.bbox().y1 <= total.bbox.y0 + 1.0)
    };
    let mut items: Vec<LineItem> = Vec::new();
    // A name printed on its own row, waiting for the figures under it.
    let mut pending: Option<String> = None;
    // The previous row when it was read as a name with its amount and no quantity.
    let mut named_above: Option<String> = None;
    for row in rows.iter().take_while(|r| above(r)) {
        let text = row.text();
        let named = named_above.take();
        // "2 Stk x 2,29" alone: the quantity of the item above, its price the only figure.
        let amount = trailing_amount(&text).filter(|_| !quantity_only(&text));
        let Some((before, amount)) = amount else {
            // A name alone on its row, or a quantity under the item above ("2 Stk x 2,29").
            pending = is_name(&text, row, order).then(|| text.trim().to_string());
            if let (Some(quantity), Some(last)) = (quantity_of(&text), items.last_mut())
                && last.quantity.is_none()
            {
                last.quantity = Some(field(quantity.clone(), quantity, row.bbox(), 1.0, row.page));
            }
            continue;
        };
        let (description, quantity) = match (is_name(&before, row, order), pending.take()) {
            (true, _) => {
                named_above = Some(text.trim().to_string());
                (before.trim().to_string(), None)
            }
            // The figures under a name: "59,68 l x 1,617 EUR/l   96,50 A".
            (false, Some(name)) if quantity_of(&before).is_some() => (name, quantity_of(&before)),
            // The same under a name whose last word OCR read as an amount ("Mineralwasser
            // 0,51" for "0,5 l" on a photo): that row was the name, not an item.
            (false, None) if quantity_of(&before).is_some() && named.is_some() => {
                items.pop();
                (named.unwrap_or_default(), quantity_of(&before))
            }
            _ => continue,
        };
        let bbox = row.bbox();
        items.push(LineItem {
            description: field(description.clone(), description, bbox, 0.8, row.page),
            quantity: quantity.map(|q| field(q.clone(), q, bbox, 0.8, row.page)),
            unit_price: None,
            amount: field(amount.to_string(), amount.to_string(), bbox, 0.8, row.page),
            tax_rate: None,
            sku: None,
            unit: None,
            line_id: None,
            confidence: 0.8,
        });
    }
    let sum: Decimal = items
        .iter()
        .filter_map(|i| i.amount.value.parse::<Decimal>().ok())
        .sum();
    if items.is_empty() || (sum - target).abs() > TOLERANCE {
        return Vec::new();
    }
    items
}

/// The amount a row ends with, and the text before it: a figure with cents, then at most a
/// tax letter or code ("1,79 B", "96,50 A", "14,99 1", "4,58 A*").
fn trailing_amount(text: &str) -> Option<(String, Decimal)> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let code = |w: &str| {
        w.chars().count() <= 2 && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '*')
    };
    let at = match words.as_slice() {
        [.., last] if has_cents(last) => words.len() - 1,
        [.., figure, last] if code(last) && has_cents(figure) => words.len() - 2,
        _ => return None,
    };
    let amount = parse_amount(words[at])?;
    Some((words[..at].join(" "), amount))
}

/// Whether the text before an amount names an item: letters, at most one other amount (its
/// price; a tax summary's "19,00% MwSt.: 376,37 71,51" before its gross has two), and neither a field's label ("Datum:",
/// "Tel."), a date nor a currency standing alone.
fn is_name(text: &str, row: &Row, order: DateOrder) -> bool {
    let text = text.trim();
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 2
        && text.split_whitespace().filter(|w| has_cents(w)).count() <= 1
        && quantity_of(text).is_none()
        && find_date(text, order).is_none()
        && row.cells.first().is_none_or(|c| label_of(c).is_none())
        && !matches!(text.to_uppercase().as_str(), "EUR" | "USD" | "GBP" | "CHF")
}

/// The times sign as a word of its own, as OCR loses the spaces around it ("2×12.25") or reads
/// the unit before it into it ("52,43 1x 1,827", for "52,43 l x 1,827").
fn spaced_times(text: &str) -> String {
    let figures = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ',' | '.'))
    };
    text.replace('×', " x ")
        .split_whitespace()
        .enumerate()
        .map(|(i, w)| match w.split_once(['x', 'X']) {
            Some((a, b)) if figures(a) && figures(b) && !(a.is_empty() && b.is_empty()) => {
                // A lone digit glued before the sign after a figure is the misread unit.
                let a = if i > 0 && b.is_empty() && a.len() == 1 {
                    ""
                } else {
                    a
                };
                format!("{a} x {b}")
            }
            _ => w.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a row is only "quantity x price", with no amount after the price.
fn quantity_only(text: &str) -> bool {
    let spaced = spaced_times(text);
    let words: Vec<&str> = spaced.split_whitespace().collect();
    quantity_of(text).is_some()
        && words
            .iter()
            .skip_while(|w| !matches!(**w, "x" | "X" | "×" | "*"))
            .filter(|w| parse_amount(w).is_some())
            .count()
            == 1
}

/// The quantity of a "quantity x price" row: "59,68 l x 1,617 EUR/l" -> "59.68", "2 Stk x 2,29"
/// -> "2".
fn quantity_of(text: &str) -> Option<String> {
    let spaced = spaced_times(text);
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let x = words
        .iter()
        .position(|w| matches!(*w, "x" | "X" | "×" | "*"))?;
    let quantity = parse_amount(words.first()?)?;
    (x > 0 && x <= 2 && words.len() > x + 1 && parse_amount(words[x + 1]).is_some())
        .then(|| quantity.normalize().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::rows_of;

    fn total(value: &str, rows: &[Row], at: usize) -> Field {
        let row = &rows[at];
        field(value.into(), value.into(), row.bbox(), 1.0, row.page)
    }

    fn read(
        rows: &[&[(&str, f32)]],
        sum: &str,
        at: usize,
    ) -> Vec<(String, String, Option<String>)> {
        let rows = rows_of(rows);
        till_items(&rows, &total(sum, &rows, at), DateOrder::DayFirst)
            .into_iter()
            .map(|i| {
                (
                    i.description.value,
                    i.amount.value,
                    i.quantity.map(|q| q.value),
                )
            })
            .collect()
    }

    #[test]
    fn a_till_slip_s_rows_that_add_up_to_its_total_are_its_items() {
        let slip: &[&[(&str, f32)]] = &[
            &[("Tankstelle Harms e.K.", 270.0)],
            &[("Rechnung Nr.", 50.0), ("98018141", 330.0)],
            &[("Diesel", 50.0)],
            &[("59,68 l x 1,617 EUR/l", 80.0), ("96,50 A", 750.0)],
            &[("Schokoriegel", 50.0)],
            &[("2 x 1,17", 80.0), ("2,34 B", 760.0)],
            &[("BAG. SPECIALE", 50.0), ("4,58 B", 750.0)],
            &[("2 Stk x 2,29", 400.0)],
            &[("Mitarbeiterrabatt 5%", 100.0), ("-0,29 A", 750.0)],
            &[("SUMME", 100.0), ("EUR", 700.0), ("103,13", 900.0)],
        ];
        assert_eq!(
            read(slip, "103.13", 9),
            [
                ("Diesel".into(), "96.50".into(), Some("59.68".into())),
                ("Schokoriegel".into(), "2.34".into(), Some("2".into())),
                ("BAG. SPECIALE".into(), "4.58".into(), Some("2".into())),
                ("Mitarbeiterrabatt 5%".into(), "-0.29".into(), None),
            ]
        );
        // OCR's readings of the times sign.
        assert_eq!(
            quantity_of("52,43 1x 1,827 EUR/I").as_deref(),
            Some("52.43")
        );
        assert_eq!(quantity_of("2×12.25").as_deref(), Some("2"));
        assert_eq!(quantity_of("2x 1,17").as_deref(), Some("2"));
        assert_eq!(quantity_of("LED panel 600x600"), None);
        // Rows that do not add up to the total are no items.
        assert!(read(slip, "120.00", 9).is_empty());
    }

    /// A photographed fuel-station slip (a layout draw never tuned on, seed 41): OCR read
    /// "Mineralwasser 0,5 l" as "Mineralwasser 0,51", a name with an amount, over its figures.
    #[test]
    fn a_name_read_as_ending_in_an_amount_over_its_figures_is_a_name() {
        let slip: &[&[(&str, f32)]] = &[
            &[("Autohof Weber e.K.", 270.0)],
            &[("Rechnung Nr.", 50.0), ("0319/172420", 330.0)],
            &[("Kaffee groß", 50.0)],
            &[("1 x 3,89", 80.0), ("3,89 B", 760.0)],
            &[("Mineralwasser 0,51", 50.0)],
            &[("2 x 2,31", 80.0), ("4,62 B", 760.0)],
            &[("SUMME EUR", 100.0), ("8,51", 900.0)],
        ];
        assert_eq!(
            read(slip, "8.51", 6),
            [
                ("Kaffee groß".into(), "3.89".into(), Some("1".into())),
                ("Mineralwasser 0,51".into(), "4.62".into(), Some("2".into())),
            ]
        );
    }
}
