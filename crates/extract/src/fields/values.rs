//! What a label's value may be, field by field: a date, an amount (with a misread currency
//! symbol or a balance's side), an invoice number without its mark, its series or its date.

use rust_decimal::Decimal;

use super::{HeaderKey, is_label};
use crate::normalize::{DateOrder, find_date, misread_date, parse_amount};

/// The amount with a currency symbol that OCR read as a letter removed: "£41.00" comes out of
/// the recogniser as "E41.00", "$12.00" as "S12.00", "₦204.31" as "N204.31" (which is also how
/// naira are written without the symbol). Only used next to an amount label, where a single
/// letter glued to the digits can be nothing else.
pub(super) fn without_misread_symbol(raw: &str) -> Option<String> {
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
            if tokens.len() >= 2 && crate::vocabulary::is_number_mark(tokens[0]) {
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
                // The date first, then the number ("03.04.2025 / 218130054", under "Fecha y
                // Nº Factura").
                [date, "/" | "-", number, ..]
                    if crate::normalize::is_any_date(date)
                        && digits(number)
                        && !crate::normalize::is_any_date(number) =>
                {
                    number.to_string()
                }
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
pub(super) fn is_print_stamp(text: &str) -> bool {
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
