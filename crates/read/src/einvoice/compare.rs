//! Does the printed page say what the embedded XML says? The page reader's own fields are not
//! the yardstick (a layout it has never seen may defeat it); instead each value of the XML is
//! looked for on the page in any of the forms a printer writes it. A value the page does not
//! print anywhere means the data and the document a person sees disagree, and a person decides.

use rust_decimal::Decimal;

use super::model::EInvoice;
use ledgerline_core::page::Page;
use ledgerline_extract::{Check, CheckKind, DateOrder, find_date, parse_amount};

/// Compares the invoice number, issue date and total with the page's text. Empty when the
/// pages hold no text to compare with.
pub fn cross_check(invoice: &EInvoice, pages: &[Page]) -> Vec<Check> {
    let lines: Vec<&str> = pages
        .iter()
        .flat_map(|p| p.lines.iter().map(|l| l.text.as_str()))
        .collect();
    if lines.iter().all(|l| l.trim().is_empty()) {
        return Vec::new();
    }
    let mut checks = Vec::new();

    let squeeze = |s: &str| -> String { s.chars().filter(|c| !c.is_whitespace()).collect() };
    let page_text = squeeze(&lines.join(""));
    let number = squeeze(&invoice.number);
    checks.push(verdict(
        !number.is_empty() && page_text.contains(&number),
        &invoice.number,
        "invoice number",
    ));

    if let Some(iso) = &invoice.issue_date {
        let found = windows(&lines, 4).any(|text| {
            [DateOrder::DayFirst, DateOrder::MonthFirst]
                .into_iter()
                .any(|order| find_date(&text, order).is_some_and(|(d, _)| &d == iso))
        });
        checks.push(verdict(found, iso, "issue date"));
    }

    let totals: Vec<Decimal> = [invoice.totals.grand_total, invoice.totals.due_payable]
        .into_iter()
        .flatten()
        .map(|d| d.abs())
        .collect();
    if let Some(grand) = totals.first() {
        let found = windows(&lines, 3).any(|text| {
            text.split_whitespace().next().is_some()
                && parse_amount(&text).is_some_and(|a| totals.contains(&a.abs()))
        });
        checks.push(verdict(found, &grand.to_string(), "total"));
    }
    checks
}

/// Every run of one to `max` consecutive words of each line, joined by spaces: "1 234,56" and
/// "EUR 1.234,56" are several words but one value.
fn windows<'a>(lines: &'a [&'a str], max: usize) -> impl Iterator<Item = String> + 'a {
    lines.iter().flat_map(move |line| {
        let words: Vec<&str> = line.split_whitespace().collect();
        let n = words.len();
        (0..n)
            .flat_map(move |i| (i + 1..=(i + max).min(n)).map(move |j| (i, j)))
            .map(move |(i, j)| words[i..j].join(" "))
            .collect::<Vec<_>>()
    })
}

fn verdict(found: bool, value: &str, what: &str) -> Check {
    Check {
        kind: CheckKind::PageMatchesData,
        passed: found,
        expected: value.to_string(),
        actual: if found {
            value.to_string()
        } else {
            String::new()
        },
        item: None,
        message: if found {
            format!("the {what} of the e-invoice data ({value}) is printed on the page")
        } else {
            format!(
                "the {what} of the e-invoice data ({value}) is not printed on the page: the data and the printed invoice disagree"
            )
        },
    }
}
