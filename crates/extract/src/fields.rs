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

#[cfg(test)]
use heading::unglue_heading;
pub(crate) use heading::{is_numbered_heading, is_title};
pub use heading::{titled_date, titled_number};
pub use totals::{largest_amount, rounded_total, total_after_tax};

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

/// The amount with a currency symbol that OCR read as a letter removed: "£41.00" comes out of
/// the recogniser as "E41.00", "$12.00" as "S12.00", "₦204.31" as "N204.31" (which is also how
/// naira are written without the symbol). Only used next to an amount label, where a single
/// letter glued to the digits can be nothing else.
fn without_misread_symbol(raw: &str) -> Option<String> {
    let (open, rest) = match raw.strip_prefix('(') {
        Some(rest) => ("(", rest),
        None => ("", raw.strip_prefix('-').map_or(raw, |r| r)),
    };
    let sign = if open.is_empty() && raw.starts_with('-') {
        "-"
    } else {
        ""
    };
    let mut chars = rest.chars();
    let first = chars.next()?;
    let digits = chars.as_str();
    (matches!(first, 'E' | 'S' | 'C' | 'e' | 'N')
        && digits.starts_with(|c: char| c.is_ascii_digit()))
    .then(|| format!("{open}{sign}{digits}"))
}

/// A balance with its side printed as a word apart: "1.231,76 H EUR" (German "Haben", in
/// credit), "45,10 S" ("Soll", overdrawn), "120.00 CR", "80.00 DR".
fn marked_balance(raw: &str) -> Option<Decimal> {
    let tokens: Vec<&str> = raw.split_whitespace().collect();
    let [(i, side)] = tokens
        .iter()
        .enumerate()
        .filter_map(|(i, t)| match *t {
            "H" | "CR" | "Cr" => Some((i, false)),
            "S" | "DR" | "Dr" => Some((i, true)),
            _ => None,
        })
        .collect::<Vec<_>>()[..]
    else {
        return None;
    };
    let rest: Vec<&str> = tokens
        .iter()
        .enumerate()
        .filter(|(j, _)| *j != i)
        .map(|(_, t)| *t)
        .collect();
    let value = parse_amount(&rest.join(" "))?;
    Some(if side { -value.abs() } else { value.abs() })
}

/// Parses a candidate value for a field; None when it does not fit the field.
pub(crate) fn accept(key: HeaderKey, raw: &str, order: DateOrder) -> Option<String> {
    // A label's colon set in the value's column ("N° de facture | : 11608848301659"); the
    // multilingual recogniser may read it as the full-width colon of CJK text.
    let raw = raw.trim().trim_start_matches([':', '：']).trim_start();
    if raw.is_empty() {
        return None;
    }
    match key {
        HeaderKey::InvoiceDate | HeaderKey::DueDate => find_date(raw, order)
            .map(|d| d.0)
            .or_else(|| misread_date(raw))
            .or_else(|| find_date(&unspaced_date(raw)?, order).map(|d| d.0)),
        HeaderKey::Subtotal
        | HeaderKey::Tax
        | HeaderKey::Total
        | HeaderKey::AmountDue
        | HeaderKey::Prepaid => parse_amount(without_qualifier(raw))
            .or_else(|| parse_amount(&without_misread_symbol(raw)?))
            .filter(|_| raw.chars().any(|c| c.is_ascii_digit()))
            .map(|d: Decimal| d.to_string()),
        // A balance's "CR" says in credit, not a negative amount as on an invoice.
        HeaderKey::OpeningBalance | HeaderKey::ClosingBalance => marked_balance(raw)
            .or_else(|| parse_amount(raw))
            .or_else(|| parse_amount(&without_misread_symbol(raw)?))
            .filter(|_| raw.chars().any(|c| c.is_ascii_digit()))
            .map(|d: Decimal| d.to_string()),
        HeaderKey::InvoiceNumber | HeaderKey::PoNumber | HeaderKey::AccountNumber => {
            // "#4hrb48vz": the mark says "number", it is not part of it.
            let mut tokens: Vec<&str> = raw
                .split_whitespace()
                .map(|t| {
                    t.trim_start_matches('#')
                        .trim_end_matches(crate::cells::is_marker)
                })
                .filter(|t| !t.is_empty())
                .collect();
            // A number mark printed with the value, under its label ("nr
            // FA/31975/05/2024/MAG").
            if tokens.len() >= 2 && super::vocabulary::is_number_mark(tokens[0]) {
                tokens.remove(0);
            }
            let digits = |t: &str| t.chars().any(|c| c.is_ascii_digit());
            // A UUID OCR broke with a space ("458c10e4-fbd 7-4a7f-948a-e22c8c3a00c1").
            let uuid = (2..=tokens.len().min(4))
                .map(|n| tokens[..n].concat())
                .find(|t| is_uuid(t));
            // A series and a number printed with a spaced separator: "25 - 5469"; but not a
            // number and its date sharing a cell ("94165608 / 30.08.2018").
            let token = match tokens.as_slice() {
                _ if uuid.is_some() => uuid.unwrap_or_default(),
                [series, sep @ ("-" | "/"), number, ..]
                    if digits(series)
                        && digits(number)
                        && !crate::normalize::is_any_date(number) =>
                {
                    format!("{series}{sep}{number}")
                }
                // The same with the space after the separator only, as OCR reads "014-03"
                // ("014- 03").
                [series, number, ..]
                    if series.ends_with(['-', '/'])
                        && digits(series)
                        && number.chars().all(|c| c.is_ascii_digit()) =>
                {
                    format!("{series}{number}")
                }
                // A number printed in groups of figures ("726 752 5181", Telekom's): one
                // number, as printed.
                groups
                    if groups.len() >= 3
                        && groups.iter().all(|g| {
                            (2..=5).contains(&g.len()) && g.chars().all(|c| c.is_ascii_digit())
                        }) =>
                {
                    groups.join(" ")
                }
                // A number and its series under "Número // Serie", read without the spaces
                // ("002500559//V"): a double slash separates, where one is part of a number.
                [first, ..] => {
                    let number = first.split("//").find(|p| digits(p)).unwrap_or(first);
                    without_number_mark(number).to_string()
                }
                [] => return None,
            };
            // A date in a number's place is some other field's value; a number that holds one
            // ("FS/22/09/51", "R-2024-03-01") is still a number.
            let a_date = find_date(&token, order)
                .is_some_and(|(_, date)| date.chars().count() + 2 >= token.chars().count());
            // An amount grouped in thousands ("14,049.5") is some total's figure.
            let grouped = crate::normalize::is_grouped_amount(&token);
            (digits(&token) && !a_date && !grouped).then_some(token)
        }
        HeaderKey::Period => {
            let (first, raw_first) = find_date(raw, order)?;
            let rest = &raw[raw.find(&raw_first)? + raw_first.len()..];
            let (second, _) = find_date(rest, order)?;
            Some(format!("{first}/{second}"))
        }
        HeaderKey::PaymentTerms => (!is_label(key, raw)).then(|| raw.to_string()),
        HeaderKey::NotAField => None,
    }
}

/// A UUID: groups of 8, 4, 4, 4 and 12 hexadecimal digits joined by hyphens.
fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// A date printed with spaces around its separators ("08 / 02 / 23"), closed up; None when
/// there are none to close.
fn unspaced_date(raw: &str) -> Option<String> {
    let words: Vec<&str> = raw.split_whitespace().collect();
    let figure = |w: &str| (1..=4).contains(&w.len()) && w.chars().all(|c| c.is_ascii_digit());
    let at = words.windows(5).position(|w| {
        figure(w[0])
            && figure(w[2])
            && figure(w[4])
            && matches!(w[1], "/" | "." | "-")
            && w[1] == w[3]
    })?;
    Some(words[at..at + 5].concat())
}

/// An amount after the rest of its label in brackets ("Total Sales (Inclusive GST) RM 137.15",
/// OCR reading "8ST" for "GST"): the bracket qualifies the label.
fn without_qualifier(raw: &str) -> &str {
    match raw.strip_prefix('(').and_then(|r| r.split_once(')')) {
        // The label's colon may follow the bracket ("Order total (incl. VAT): 23515.84 €").
        Some((inside, rest))
            if inside.chars().any(char::is_alphabetic)
                && !rest.trim().trim_start_matches(':').trim().is_empty() =>
        {
            rest.trim().trim_start_matches(':').trim_start()
        }
        _ => raw,
    }
}

/// The date and time a browser prints in the page's top margin ("23.06.23, 11:09", "6/23/23,
/// 11:09 AM"): when the page was printed, not when it was issued.
fn is_print_stamp(text: &str) -> bool {
    let Some((date, time)) = text.trim().split_once(", ") else {
        return false;
    };
    let time = time
        .trim_end_matches(" AM")
        .trim_end_matches(" PM")
        .trim_end_matches(" am")
        .trim_end_matches(" pm");
    let clock = time.split_once(':').is_some_and(|(h, m)| {
        (1..=2).contains(&h.len())
            && m.len() == 2
            && h.chars().chain(m.chars()).all(|c| c.is_ascii_digit())
    });
    clock && !date.contains(' ') && date.chars().filter(char::is_ascii_digit).count() >= 4
}

/// A number with the label's mark glued to it, as OCR reads "N.: A240000827" or "No. 15293":
/// the mark is no part of it.
fn without_number_mark(token: &str) -> &str {
    for mark in [
        "N.:", "N.", "No.", "No:", "Nr.", "Nr:", "Nº", "N°", "Nº.", "N°.",
    ] {
        let Some(rest) = token
            .get(..mark.len())
            .filter(|head| head.eq_ignore_ascii_case(mark))
            .map(|_| &token[mark.len()..])
        else {
            continue;
        };
        let rest = rest.trim_start_matches([':', '.']);
        if rest.starts_with(char::is_alphanumeric) && rest.chars().any(|c| c.is_ascii_digit()) {
            return rest;
        }
    }
    token
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
    for next in row.cells.iter().skip(c + 1) {
        let level = cell.bbox.vertical_overlap(&next.bbox);
        let aside = level < 0.5;
        if is_label(key, &next.text) {
            if aside {
                continue;
            }
            break;
        }
        if let Some(v) = accept(key, &next.text, order) {
            if best.as_ref().is_none_or(|(l, _)| level > l + 0.3) {
                best = Some((level, field(v, next, &next.text)));
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
    let mut below_rows = rows[r + 1..].iter().take_while(|b| {
        b.page == row.page && b.bbox().y0 - cell.bbox.y1 <= 2.5 * cell.bbox.height()
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
