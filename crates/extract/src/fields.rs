//! Header fields: labelled values found by their label anywhere on the page (value inline
//! after the label, to its right on the same row, or just below it), the number and date a
//! heading prints, the total and the currency. The issuer is `issuer`'s.

use std::sync::LazyLock;

use rust_decimal::Decimal;

use super::cells::{
    Cell, Row, after_words, edit_distance, label_words, plain_label_words, plain_prefix,
};
use super::currency::find_currency;
use super::normalize::{DateOrder, find_date, looks_like_money, misread_date, parse_amount};
use super::vocabulary::LABELS;
use super::{Field, FieldSource, HeaderKey};

mod heading;
mod totals;
mod values;

#[cfg(test)]
use heading::unglue_heading;
pub(crate) use heading::{is_numbered_heading, is_title};
pub use heading::{titled_date, titled_number};
pub use totals::{largest_amount, rounded_total, total_after_tax};
pub(crate) use values::accept;
use values::is_print_stamp;
#[cfg(test)]
use values::without_misread_symbol;

/// The field a cell labels, and how many of its words the label took.
pub fn label_of(cell: &Cell) -> Option<(HeaderKey, usize)> {
    // Every cell of a page is asked about every label: the labels are made plain once per
    // process and the cell once per call, where each comparison used to redo both.
    static PLAIN: LazyLock<Vec<(HeaderKey, Vec<String>, usize)>> = LazyLock::new(|| {
        LABELS
            .iter()
            .flat_map(|(key, labels)| {
                labels
                    .iter()
                    .map(|label| (*key, plain_label_words(label), label.len()))
            })
            .collect()
    });
    // OCR reads a printed "rn" as "m" ("Factuumummer") and an "m" as "rn" ("Factuurnurnmer"):
    // the labels with "m" for "rn", to be compared with the cell's text written so too.
    static MISREAD: LazyLock<Vec<(HeaderKey, Vec<String>, usize)>> = LazyLock::new(|| {
        PLAIN
            .iter()
            .map(|(key, label, chars)| (*key, label.iter().map(|w| rn_as_m(w)).collect(), *chars))
            .collect()
    });
    let longest = |text: &[String], labels: &[(HeaderKey, Vec<String>, usize)]| {
        let mut best: Option<(HeaderKey, usize, usize)> = None;
        for (key, label, chars) in labels {
            if let Some(n) = plain_prefix(text, label)
                && best.is_none_or(|b| *chars > b.2)
            {
                best = Some((*key, n, *chars));
            }
        }
        best.map(|(k, n, _)| (k, n))
    };
    let text = plain_label_words(&cell.text);
    let misread: Vec<String> = text.iter().map(|w| rn_as_m(w)).collect();
    longest(&text, &PLAIN)
        .or_else(|| longest(&misread, &MISREAD))
        .or_else(|| one_word_misread(&misread, &MISREAD))
        .or_else(|| {
            // A label in several languages, set apart by slashes and with no value in its
            // cell ("Beleg-Nr../Document No./"): one of its parts is a whole label.
            if !cell.text.contains('/') || cell.text.contains(|c: char| c.is_ascii_digit()) {
                return None;
            }
            cell.text.split('/').find_map(|part| {
                let words = plain_label_words(part);
                let (key, n) = longest(&words, &PLAIN)?;
                (n == words.len() && n > 0).then_some((key, text.len()))
            })
        })
}

/// A word with every "rn" written "m", as OCR misreads the one for the other.
fn rn_as_m(word: &str) -> String {
    word.replace("rn", "m")
}

/// A long one-word label ("Factuurnummer", "Rechnungsnummer") that OCR misread by one letter
/// more than "rn" and "m" ("Factumummer", a "u" dropped). Only words of nine letters or more:
/// shorter labels are a letter apart from other words ("Datum", "Daten"). Both written with
/// "m" for "rn". None when labels of two fields are that close.
fn one_word_misread(
    text: &[String],
    labels: &[(HeaderKey, Vec<String>, usize)],
) -> Option<(HeaderKey, usize)> {
    const LONG: usize = 9;
    let first = text.first().filter(|w| w.chars().count() >= LONG)?;
    let mut found: Option<HeaderKey> = None;
    for (key, label, _) in labels {
        if let [word] = label.as_slice()
            && word.chars().count() >= LONG
            && edit_distance(first, word) <= 1
        {
            if found.is_some_and(|k| k != *key) {
                return None;
            }
            found = Some(*key);
        }
    }
    found.map(|k| (k, 1))
}

/// Whether a candidate value for `key` is rather another field's label. Payment terms are the
/// exception that proves the rule: "Due on receipt" starts with the due-date label but is the
/// value, because nothing after "Due" is a date.
fn is_label(key: HeaderKey, text: &str) -> bool {
    let probe = Cell {
        text: text.to_string(),
        bbox: ledgerline_core::page::BBox::new(0.0, 0.0, 0.0, 0.0),
        confidence: 1.0,
        page: 0,
        words: vec![],
    };
    match label_of(&probe) {
        None => false,
        Some((HeaderKey::DueDate, n)) if key == HeaderKey::PaymentTerms => {
            let rest = after_words(text, n);
            text.trim_end().ends_with(':')
                || rest.trim().is_empty()
                || find_date(&rest, DateOrder::DayFirst).is_some()
        }
        Some(_) => true,
    }
}

/// Finds every header field the rows label. Totals take the last labelled occurrence (they
/// follow the table); the others the first.
pub fn header_fields(rows: &[Row], order: DateOrder) -> Vec<(HeaderKey, Field)> {
    let mut found: Vec<(HeaderKey, Field)> = Vec::new();
    let mut dated_by_invoice_label = false;
    let median = median_height(rows);
    let last_wins = |k: HeaderKey| {
        matches!(
            k,
            HeaderKey::Subtotal
                | HeaderKey::Tax
                | HeaderKey::Total
                | HeaderKey::AmountDue
                | HeaderKey::ClosingBalance
        )
    };
    for (r, row) in rows.iter().enumerate() {
        // "Total" over a column of amounts names the column, not the invoice total.
        if super::table::is_header_row(row) {
            continue;
        }
        // Names over a header's names ("Total" over "Tax Amount" in a tax summary's header),
        // in a row with no figure, are column names too: an amount's label there reads the
        // column's first figure.
        let names_only = !row
            .cells
            .iter()
            .any(|c| c.text.chars().any(|ch| ch.is_ascii_digit()));
        let header_below = rows.get(r + 1).filter(|next| {
            names_only
                && next.page == row.page
                && next.bbox().y0 - row.bbox().y1 < row.bbox().height()
                && super::table::is_header_row(next)
        });
        for (c, cell) in row.cells.iter().enumerate() {
            let money = |k: HeaderKey| {
                matches!(
                    k,
                    HeaderKey::Subtotal | HeaderKey::Tax | HeaderKey::Total | HeaderKey::AmountDue
                )
            };
            if label_of(cell).is_some_and(|(k, _)| money(k))
                && header_below
                    .is_some_and(|h| h.cells.iter().any(|n| n.bbox.overlaps_x(&cell.bbox)))
            {
                continue;
            }
            // A document title ("INVOICE" in large type) is not the label "Invoice".
            if is_title(&cell.text) && cell.bbox.height() > 1.25 * median {
                continue;
            }
            let Some((key, n)) = label_of(cell) else {
                continue;
            };
            let seen = found.iter().any(|(k, _)| *k == key);
            // "Fecha Factura: 05/01/2024" below a signature stamp's "Fecha: 2024.02.14": a
            // date labelled as the invoice's beats one labelled only "date".
            let names_invoice = key == HeaderKey::InvoiceDate && names_the_invoice(cell, n, order);
            let overrides = names_invoice && !dated_by_invoice_label;
            if seen && !last_wins(key) && !overrides {
                continue;
            }
            // A totals row of a summary table ("Total: 255.00 15.30" under a tax summary)
            // carries several amounts after its label; it does not override a total already
            // read. Amounts before the label belong to another box beside it ("22% | 4.700,00
            // | 5.734,00 | Totale | 17.614,00").
            let amounts = row.cells[c + 1..]
                .iter()
                .filter(|c| super::normalize::looks_like_money(&c.text))
                .count();
            if seen && amounts >= 2 {
                continue;
            }
            let Some(field) = value_for(key, rows, r, c, n, order) else {
                continue;
            };
            // A count under a total's label ("TOTAL STAMP(S) 4", "Total Qry: 5" read for
            // "Qty") does not override an amount with cents.
            let cents = |f: &Field| f.value.contains('.');
            if seen && !cents(&field) && found.iter().any(|(k, f)| *k == key && cents(f)) {
                continue;
            }
            // A smaller sum on a later page (the loyalty benefits an eBon lists after the
            // receipt, "Summe 4,27") is not the total a first page already gave: a document
            // that runs on adds up, it does not shrink.
            let amount = |f: &Field| f.value.parse::<rust_decimal::Decimal>().ok();
            if key == HeaderKey::Total
                && found.iter().any(|(k, f)| {
                    *k == key
                        && f.page < field.page
                        && amount(f).zip(amount(&field)).is_some_and(|(a, b)| b < a)
                })
            {
                continue;
            }
            if key == HeaderKey::InvoiceDate {
                dated_by_invoice_label = names_invoice;
            }
            // "N° facture | 38600988 du 09.12.2024": the number's own date is the invoice's,
            // over a date labelled only "Date" (SIG's "Date | échéance" is the due date).
            if key == HeaderKey::InvoiceNumber
                && !dated_by_invoice_label
                && let Some(date) = number_date(&field, rows, order)
            {
                found.retain(|(k, _)| *k != HeaderKey::InvoiceDate);
                found.push((HeaderKey::InvoiceDate, date));
                dated_by_invoice_label = true;
            }
            found.retain(|(k, _)| *k != key);
            found.push((key, field));
        }
    }
    found
}

/// The row and cell a field was read from.
fn cell_of<'a>(rows: &'a [Row], found: &Field) -> Option<(usize, &'a Cell)> {
    rows.iter().enumerate().find_map(|(i, r)| {
        r.cells
            .iter()
            .find(|c| c.page == found.page && c.bbox == found.bbox)
            .map(|c| (i, c))
    })
}

/// The amounts a row prints right of a field's value: a total row's tax beside its sum
/// ("TOTAL | 250.00 | 60.00").
pub fn amounts_after(rows: &[Row], found: &Field) -> Vec<Decimal> {
    let Some((r, cell)) = cell_of(rows, found) else {
        return Vec::new();
    };
    rows[r]
        .cells
        .iter()
        .filter(|c| c.bbox.x0 >= cell.bbox.x1 - 1.0)
        .filter_map(|c| parse_amount(&c.text))
        .collect()
}

/// The date a number's cell prints right after it, joined by a word for "of" ("38600988 du
/// 09.12.2024", "471102 vom 05.03.2018", "FPR 101/22 del 06/07/2022").
fn number_date(number: &Field, rows: &[Row], order: DateOrder) -> Option<Field> {
    // The date first, then the number ("03.04.2025 / 218130054").
    if let [date, "/" | "-", _, ..] = number.raw.split_whitespace().collect::<Vec<_>>()[..]
        && crate::normalize::is_any_date(date)
        && let Some((iso, printed)) = find_date(date, order)
    {
        return Some(Field {
            value: iso,
            raw: printed,
            ..number.clone()
        });
    }
    // OCR may box the date apart, right after the number ("38600988 | du09.12.2024").
    let next = cell_of(rows, number).and_then(|(r, cell)| {
        let gap = |n: &&Cell| n.bbox.x0 - cell.bbox.x1;
        rows[r]
            .cells
            .iter()
            .find(|n| (-2.0..cell.bbox.height()).contains(&gap(n)))
    });
    let text = match next {
        Some(next) => format!("{} {}", number.raw, next.text),
        None => number.raw.clone(),
    };
    let words: Vec<&str> = text.split_whitespace().collect();
    let rest = words.iter().enumerate().skip(1).find_map(|(i, w)| {
        let after = words[i + 1..].join(" ");
        if heading::DATE_CONNECTORS.contains(&w.to_lowercase().as_str()) {
            return Some(after);
        }
        // OCR glues the word to the date ("du09.12.2024").
        heading::DATE_CONNECTORS.iter().find_map(|c| {
            let head = w.get(..c.len())?;
            let date = &w[c.len()..];
            (head.eq_ignore_ascii_case(c) && date.starts_with(|ch: char| ch.is_ascii_digit()))
                .then(|| format!("{date} {after}"))
        })
    })?;
    let (iso, printed) = find_date(&rest, order)?;
    rest.starts_with(&printed).then(|| Field {
        value: iso,
        raw: printed,
        ..number.clone()
    })
}

/// Whether a label's first `n` words name the invoice ("Invoice date", "Fecha
/// Factura:05/01/2024", "Rechnungsdatum"), not just a date, with the date right after it: a
/// word between them says it is some other invoice's ("DATE DE FACTURE ASSOCIÉE : 01/01/2026").
fn names_the_invoice(cell: &Cell, n: usize, order: DateOrder) -> bool {
    // Whole words: "facturation" (a billing period's label) does not name the invoice.
    let named = label_words(&cell.text).iter().take(n).any(|w| {
        ["invoice", "factura", "facture", "fattura", "factuur"].contains(&w.as_str())
            || w.starts_with("rechnung")
    });
    let inline = after_words(&cell.text, n);
    let inline = inline.trim_start_matches(|c: char| c == ':' || c.is_whitespace());
    named && find_date(inline, order).is_some_and(|(_, raw)| inline.starts_with(raw.as_str()))
}

/// The median cell height: body text size.
pub fn median_height(rows: &[Row]) -> f32 {
    let mut h: Vec<f32> = rows
        .iter()
        .flat_map(|r| r.cells.iter().map(|c| c.bbox.height()))
        .collect();
    if h.is_empty() {
        return 0.0;
    }
    h.sort_by(f32::total_cmp);
    h[h.len() / 2]
}

pub(crate) fn field(value: String, cell: &Cell, raw: &str) -> Field {
    Field {
        value,
        raw: raw.to_string(),
        confidence: cell.confidence,
        page: cell.page,
        bbox: cell.bbox,
        source: FieldSource::Page,
    }
}

/// Whether amounts add up to a total, to the cent.
fn sums_to(parts: &[String], total: &str) -> bool {
    let sum: Option<Decimal> = parts.iter().map(|p| p.parse::<Decimal>().ok()).sum();
    sum.is_some_and(|s| total.parse::<Decimal>().is_ok_and(|t| s == t))
}

/// The last of two or more figures that make up a cell ("₹3,659.34 ₹23,989.00"), each an
/// amount with its cents.
fn last_of_figures(text: &str) -> Option<&str> {
    let figures: Vec<&str> = text.split_whitespace().collect();
    (figures.len() >= 2
        && figures.iter().all(|f| {
            parse_amount(f).is_some()
                && f.rsplit_once(['.', ','])
                    .is_some_and(|(_, cents)| cents.len() == 2)
        }))
    .then(|| figures[figures.len() - 1])
}

fn value_for(
    key: HeaderKey,
    rows: &[Row],
    r: usize,
    c: usize,
    n: usize,
    order: DateOrder,
) -> Option<Field> {
    let row = &rows[r];
    let cell = &row.cells[c];
    // 1. After the label in the same cell: "Invoice No. 1234".
    let inline = after_words(&cell.text, n);
    if let Some(v) = accept(key, &inline, order) {
        return Some(field(v, cell, &inline));
    }
    // 2. The next cell to the right on the row, unless it is a label itself; a currency alone
    // between label and value ("Total | RM | 26.10") is passed over. On a photo a row can take
    // in the line above or below it ("Tax: 0.00" over "Total: 75.87", each pair askew): a
    // cell mostly above or below the label belongs to that other line, so it neither ends the
    // search nor wins over a value level with the label.
    let mut best: Option<(f32, Field)> = None;
    let mut figures: Vec<String> = Vec::new();
    for next in row.cells.iter().skip(c + 1) {
        let level = cell.bbox.vertical_overlap(&next.bbox);
        let aside = level < 0.5;
        if is_label(key, &next.text) {
            if aside {
                continue;
            }
            break;
        }
        // A total's row with the tax and the total in one cell ("TOTAL: | ₹3,659.34
        // ₹23,989.00"): the last figure is the total.
        let value = accept(key, &next.text, order).or_else(|| {
            matches!(key, HeaderKey::Total | HeaderKey::AmountDue)
                .then(|| last_of_figures(&next.text))
                .flatten()
                .and_then(|last| accept(key, last, order))
        });
        if let Some(v) = value {
            figures.push(v.clone());
            if best.as_ref().is_none_or(|(l, _)| level > l + 0.3) {
                best = Some((level, field(v, next, &next.text)));
            }
            if let [parts @ .., gross] = figures.as_slice()
                && parts.len() >= 2
                && key == HeaderKey::Total
                && sums_to(parts, gross)
            {
                // A total's row that prints its parts first ("TOTAL | 235,21 | 44,69 |
                // 279,90", net and tax; "2,850 | 256.5 | 256.5 | 3,363", net and two taxes)
                // ends with the total; two figures may be two currencies ("TOTAL AT
                // CHECKOUT | 119.95 | 109.15").
                best = Some((level, field(gross.clone(), next, &next.text)));
            }
            continue;
        }
        let bare = next
            .text
            .trim()
            .trim_matches(|ch: char| !ch.is_alphanumeric());
        // "Invoice | N°: | V01/15000001": a number mark set apart from its label.
        let mark = key == HeaderKey::InvoiceNumber
            && super::vocabulary::NUMBER_MARKS.contains(&label_words(bare).join(" ").as_str());
        // A stray mark between label and value ("BALANCE BROUGHT FORWARD | . | 653.13", a
        // colon set apart) is passed over.
        if mark || bare.is_empty() {
            continue;
        }
        if (!(find_currency(bare).is_some() || bare.eq_ignore_ascii_case("rm")) || bare.len() > 3)
            && !aside
        {
            break;
        }
    }
    if let Some((_, found)) = best {
        return Some(found);
    }
    // 3. To the right and a little lower, beside a label printed over two lines ("Montant
    // déjà payé :" over "(ou à payer par un tiers)", the value centred between them).
    if let Some(beside) = rows
        .get(r + 1)
        .filter(|b| b.page == row.page)
        .and_then(|b| {
            b.cells.iter().find(|b| {
                b.bbox.x0 > cell.bbox.x1
                    && b.bbox.y0 < cell.bbox.y1 - 0.3 * cell.bbox.height()
                    && label_of(b).is_none()
            })
        })
        && looks_like_money(&beside.text)
        && let Some(v) = accept(key, &beside.text, order)
    {
        return Some(field(v, beside, &beside.text));
    }
    // 4. Just below, overlapping the label horizontally; a line of the address block beside
    // the grid may come between ("28031 MADRID" between "NÚMERO" and its value).
    let overlapping =
        |b: &&Cell| b.bbox.x0 < cell.bbox.x1 && b.bbox.x1 > cell.bbox.x0 && label_of(b).is_none();
    // A label printed in two languages, one over the other ("Invoice Date/" over "Számla
    // dátuma"): the value is under its last line, so that line is passed over.
    // Within three line heights: a grid of labels and values set with a blank line's space
    // between them (redBus's "Invoice No." over "RKA25-A003935786").
    let mut below_rows = rows[r + 1..].iter().take_while(|b| {
        b.page == row.page && b.bbox().y0 - cell.bbox.y1 <= 3.0 * cell.bbox.height()
    });
    let mut translations = 0;
    loop {
        let below = below_rows.find(|b| b.cells.iter().any(|c| overlapping(&c)))?;
        let mut beneath = below.cells.iter().filter(overlapping);
        let under = beneath.next()?;
        // A series of a character or two beside the number under one label ("NÚMERO" over "1
        // 250231"): the number is the one after it.
        if key == HeaderKey::InvoiceNumber
            && under.text.trim().chars().count() <= 2
            && let Some(number) = beneath.next()
            && let Some(v) = accept(key, &number.text, order)
        {
            return Some(field(v, number, &number.text));
        }
        if let Some(v) = accept(key, &under.text, order) {
            return Some(field(v, under, &under.text));
        }
        // Only a date's, or a number's whose translation starts with a number mark ("No. du
        // document/Num. de comprobante"): a figure further down is too easily some other
        // line's.
        let dated = matches!(key, HeaderKey::InvoiceDate | HeaderKey::DueDate);
        let marked = key == HeaderKey::InvoiceNumber
            && under
                .text
                .split_whitespace()
                .next()
                .is_some_and(super::vocabulary::is_number_mark);
        let words = !under.text.contains(|c: char| c.is_ascii_digit())
            && ((dated && under.text.split_whitespace().count() <= 4) || marked);
        translations += 1;
        if !words || translations > 1 {
            return None;
        }
    }
}

/// The first date printed anywhere, in reading order, on a row no label marks as another date
/// (due date, period). Less sure than a labelled date, so its confidence is lowered.
pub fn first_date(rows: &[Row], order: DateOrder) -> Option<Field> {
    rows.iter()
        .enumerate()
        .filter(|(i, row)| *i > 0 || !row.cells.iter().any(|c| is_print_stamp(&c.text)))
        .map(|(_, row)| row)
        .filter(|row| {
            !row.cells.iter().any(|c| {
                matches!(
                    label_of(c),
                    Some((HeaderKey::DueDate | HeaderKey::Period, _))
                )
            })
        })
        .flat_map(|row| row.cells.iter())
        .find_map(|cell| {
            let (iso, raw) = find_date(&cell.text, order)?;
            let mut found = field(iso, cell, &raw);
            found.confidence *= 0.8;
            Some(found)
        })
}

/// A date that OCR damaged, behind a date label printed anywhere on a line
/// ("REGEIPT.GS00533050 DATE:250412017"): tried only when no line prints a readable date, and
/// only on the word the label announces, where a run of digits can be nothing else.
pub fn misread_labelled_date(rows: &[Row]) -> Option<Field> {
    rows.iter()
        .flat_map(|row| row.cells.iter())
        .find_map(|cell| {
            let words: Vec<&str> = cell.text.split_whitespace().collect();
            words.iter().enumerate().find_map(|(i, word)| {
                let label = word.get(..4)?;
                if !label.eq_ignore_ascii_case("date") {
                    return None;
                }
                let rest = word[4..].trim_start_matches([':', '.']);
                let raw = if rest.is_empty() {
                    *words.get(i + 1)?
                } else {
                    rest
                };
                let mut found = field(misread_date(raw)?, cell, raw);
                found.confidence *= 0.5;
                Some(found)
            })
        })
}

/// The currency: ISO codes and symbols anywhere, most frequent first.
pub fn currency(rows: &[Row]) -> Option<Field> {
    let mut counts: Vec<(&'static str, usize, &Cell)> = Vec::new();
    for cell in rows.iter().flat_map(|r| r.cells.iter()) {
        if let Some(code) = find_currency(&cell.text) {
            match counts.iter_mut().find(|(c, _, _)| *c == code) {
                Some(entry) => entry.1 += 1,
                None => counts.push((code, 1, cell)),
            }
        }
    }
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    let (code, _, cell) = counts.first()?;
    // A bare "$" is the American dollar unless the page says whose: an Australian tax invoice
    // prints the seller's business number ("ABN 88 000 014 675"), and its dates put the day
    // first.
    let code = match *code {
        "USD" if dollar_country(rows, &["abn"]) => "AUD",
        "USD" if dollar_country(rows, &["nzbn"]) => "NZD",
        code => code,
    };
    Some(field(code.to_string(), cell, &cell.text))
}

/// Whether a cell of the page names one of `labels`, a registration number only one dollar
/// country prints.
fn dollar_country(rows: &[Row], labels: &[&str]) -> bool {
    rows.iter().flat_map(|r| r.cells.iter()).any(|c| {
        label_words(&c.text)
            .iter()
            .any(|w| labels.contains(&w.as_str()))
    })
}

#[cfg(test)]
mod label_tests;
#[cfg(test)]
mod tests;
