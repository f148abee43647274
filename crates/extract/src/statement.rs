//! Bank statements: the header fields (bank, account, period, balances) and the transactions.
//!
//! Transactions are read row by row rather than through a table's columns, because real
//! statements rarely keep to a grid: a row that starts with a date (the year often left out)
//! and ends in one or more amounts is a transaction; rows under it without amounts (a value
//! date, a reference, a wrapped payee) continue its description; a row that names an opening
//! or closing balance gives that balance. Each amount's role and sign come, in this order,
//! from what is printed beside it (`-`, `+`, a trailing minus, `CR`/`DR`, `S`/`H`), from the
//! column header it stands under (debit, credit, balance), and finally from the running
//! balance, which decides between money in and money out whenever the statement prints it.

use rust_decimal::Decimal;

use super::cells::{Row, label_words};
use super::normalize::{DateOrder, find_date, has_cents, looks_like_money, parse_amount};
use super::table::make_field as field;
use super::{DocumentKind, Field, HeaderKey, Statement, Transaction, fields, issuer, take};
use ledgerline_core::page::{BBox, Word};

mod columns;
mod reconcile;

use columns::{MoneyColumn, Role};

/// Reads a statement's header fields and transactions.
pub fn read(rows: &[Row], order: DateOrder) -> Statement {
    let mut found = fields::header_fields(rows, order);
    let (period_start, period_end) = match take(&mut found, HeaderKey::Period) {
        Some(f) => {
            let (a, b) = f
                .value
                .split_once('/')
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .unwrap_or_default();
            (
                Some(Field {
                    value: a,
                    ..f.clone()
                }),
                Some(Field { value: b, ..f }),
            )
        }
        None => (None, None),
    };
    let account_number = take(&mut found, HeaderKey::AccountNumber).map(|mut f| {
        f.value = mask_account(&f.value);
        f.raw = f.value.clone();
        f
    });
    let reference = period_end
        .as_ref()
        .and_then(|f| year_month(&f.value))
        .or_else(|| latest_date(rows, order));
    let read = transactions(rows, order, reference);
    let printed_opening = take(&mut found, HeaderKey::OpeningBalance);
    let printed_closing = take(&mut found, HeaderKey::ClosingBalance);
    let mut statement = Statement {
        bank_name: issuer::issuer(rows, order, DocumentKind::BankStatement).map(|(name, _)| name),
        account_number,
        period_start,
        period_end,
        currency: None,
        opening_balance: printed_opening.or(read.opening),
        closing_balance: printed_closing.or(read.closing),
        transactions: read.transactions,
    };
    settle_signs(&mut statement);
    reconcile::signs_from_two_columns(&mut statement);
    statement
}

/// An account number as ledgerline keeps it: four stars and the last four digits, whatever the
/// document printed ("DE89 3704 0044 0532 0130 00", "XXXX-7618", or OCR's "**7618" for
/// "****7618"). A fixed-width mask never reveals the account's length, and it compares equal
/// however many mask characters the reader saw.
fn mask_account(printed: &str) -> String {
    let digits: Vec<char> = printed.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 4 {
        return printed.to_string();
    }
    let last: String = digits[digits.len() - 4..].iter().collect();
    format!("****{last}")
}

/// (year, month) of an ISO date.
fn year_month(iso: &str) -> Option<(u32, u32)> {
    let year = iso.get(..4)?.parse().ok()?;
    let month = iso.get(5..7)?.parse().ok()?;
    Some((year, month))
}

/// The latest full date the document prints ("vom 15.12.2023 bis 14.01.2024" ends in January):
/// the statement's date when no period is labelled.
fn latest_date(rows: &[Row], order: DateOrder) -> Option<(u32, u32)> {
    rows.iter()
        .flat_map(|r| r.cells.iter())
        .flat_map(|c| c.text.split_whitespace())
        .filter_map(|t| find_date(t, order))
        .map(|(iso, _)| iso)
        .max()
        .and_then(|iso| year_month(&iso))
}

/// What the rows of a statement give.
#[derive(Debug, Default)]
struct Read {
    transactions: Vec<Transaction>,
    opening: Option<Field>,
    closing: Option<Field>,
}

/// An amount printed in a row, with what it says of its own sign.
#[derive(Debug, Clone)]
struct Money {
    value: Decimal,
    /// Some(true) when printed as money out (`-`, trailing minus, `DR`, `S`), Some(false) as
    /// money in (`+`, `CR`, `H`), None when unsigned.
    out: Option<bool>,
    raw: String,
    bbox: BBox,
    confidence: f32,
}

impl Money {
    /// The money one word prints, with the sign it carries.
    fn of_word(w: &Word) -> Option<Money> {
        let (value, out) = money_token(&w.text)?;
        Some(Money {
            value,
            out,
            raw: w.text.clone(),
            bbox: w.bbox,
            confidence: w.confidence,
        })
    }
}

fn words_of(row: &Row) -> Vec<Word> {
    row.cells
        .iter()
        .flat_map(super::cells::Cell::word_list)
        .collect()
}

/// A sign or marker printed apart from its number.
fn marker(text: &str) -> Option<bool> {
    match text {
        "-" | "S" | "DR" | "Dr" | "D" => Some(true),
        "+" | "H" | "CR" | "Cr" | "C" => Some(false),
        _ => None,
    }
}

/// A figure without the bar or bracket a table's rule beside it reads as ("468,80|",
/// "350,85]").
fn bare(text: &str) -> &str {
    text.trim().trim_matches(['|', '[', ']']).trim()
}

/// One number with its sign read from the text around the digits.
fn money_token(text: &str) -> Option<(Decimal, Option<bool>)> {
    let t = bare(text);
    let (body, out) = if let Some(rest) = t.strip_prefix('+') {
        (rest.trim(), Some(false))
    } else if let Some(rest) = t.strip_prefix('-') {
        (rest.trim(), Some(true))
    } else if let Some(rest) = t.strip_suffix('-') {
        (rest.trim(), Some(true))
    } else if let Some(rest) = t.strip_suffix("CR").or_else(|| t.strip_suffix("Cr")) {
        (rest.trim(), Some(false))
    } else if let Some(rest) = t.strip_suffix("DR").or_else(|| t.strip_suffix("Dr")) {
        (rest.trim(), Some(true))
    } else if t.starts_with('(') && t.ends_with(')') {
        (&t[1..t.len() - 1], Some(true))
    } else {
        (t, None)
    };
    // A figure glued to letters ("5,90EUR" in a fee's description) is text, not a column.
    if !looks_like_money(body) || body.chars().any(char::is_alphabetic) {
        return None;
    }
    let value = parse_amount(body)?;
    Some((value.abs(), out))
}

/// The amounts a row ends with, left to right, and the index of the first word after the
/// description (the words before it are the row's text).
fn trailing_money(words: &[Word]) -> (Vec<Money>, usize) {
    let mut found: Vec<Money> = Vec::new();
    let mut end = words.len();
    let mut pending: Option<bool> = None;
    let mut i = words.len();
    while i > 0 {
        let w = &words[i - 1];
        if i >= 2 && money_token(&words[i - 2].text).is_some() {
            if let Some(m) = marker(&w.text) {
                // "580,06 S", "12.00 CR": the marker belongs to the number before it.
                pending = Some(m);
                i -= 1;
                continue;
            }
            if crate::currency::is_currency_word(&w.text) {
                i -= 1;
                continue;
            }
            // A value-date column between the amounts ("0.00 497.51 01/07/2025 13,840.10").
            if !found.is_empty()
                && find_date(&w.text, DateOrder::DayFirst).is_some_and(|(_, raw)| raw == w.text)
            {
                i -= 1;
                continue;
            }
        }
        let Some((mut value, mut out)) = money_token(&w.text) else {
            break;
        };
        let mut bbox = w.bbox;
        let mut raw = w.text.clone();
        let mut confidence = w.confidence;
        // Thousands printed apart ("1 234,56"): a group of one to three digits just before.
        if i >= 2 {
            let prev = &words[i - 2];
            let digits = prev.text.trim_start_matches(['-', '+']);
            if (1..=3).contains(&digits.len())
                && digits.chars().all(|c| c.is_ascii_digit())
                && w.bbox.x0 - prev.bbox.x1 < 0.6 * w.bbox.height()
                && let Some((joined, o)) = money_token(&format!("{}{}", prev.text, w.text))
            {
                value = joined;
                out = out.or(o);
                bbox = prev.bbox.union(&bbox);
                raw = format!("{} {}", prev.text, raw);
                confidence = confidence.min(prev.confidence);
                i -= 1;
            }
        }
        // "- 580,06", "+ 154,00": the sign printed apart, before the number.
        if i >= 2
            && let Some(m) = marker(&words[i - 2].text)
            && matches!(words[i - 2].text.as_str(), "-" | "+")
        {
            out = out.or(Some(m));
            bbox = words[i - 2].bbox.union(&bbox);
            raw = format!("{} {}", words[i - 2].text, raw);
            i -= 1;
        }
        found.push(Money {
            value,
            out: pending.take().or(out),
            raw,
            bbox,
            confidence,
        });
        end = i - 1;
        i -= 1;
    }
    found.reverse();
    (found, end)
}

/// Whether a figure stands under one of the header's money columns; one with cents may reach
/// right of the header's name by half its width, as right-aligned amounts do.
fn under_money_column(text: &str, bbox: &BBox, columns: &[MoneyColumn]) -> bool {
    let cents = has_cents(bare(text));
    columns.iter().any(|c| {
        let reach = if cents { c.span.width() / 2.0 } else { 0.0 };
        bbox.x1.min(c.span.x1 + reach) - bbox.x0.max(c.span.x0) > 0.0
    })
}

/// The amounts standing under the header's money columns when the row goes on past them
/// ("02 May 2023 | -- | 4,000.00 | 4,204.31 | Mobile | 000000": a channel and a reference after
/// the balance), the index of the first, which ends the description, and the index after the
/// last, where the description starts in layouts that print the amount before it. Only
/// figures under a money column count, so the times and numbers of a description stay in it;
/// a figure with cents may stand right of its header by up to half the header's width, as
/// right-aligned figures under a short name do ("1,00" under "Addebiti").
fn money_in_columns(words: &[Word], columns: &[MoneyColumn]) -> (Vec<Money>, usize, usize) {
    let found: Vec<(usize, Money)> = words
        .iter()
        .enumerate()
        .filter(|(_, w)| under_money_column(&w.text, &w.bbox, columns))
        .filter_map(|(i, w)| Some((i, Money::of_word(w)?)))
        .collect();
    let end = found.first().map_or(words.len(), |(i, _)| *i);
    let after = found.last().map_or(words.len(), |(i, _)| *i + 1);
    (found.into_iter().map(|(_, m)| m).collect(), end, after)
}

/// Whether the statement prints each booking's amount right after its dates and before its
/// text, as most of its dated rows show: then a figure at the end of a description (an
/// exchange rate, a time) is part of the text, not the amount.
fn amounts_come_first(rows: &[Row], order: DateOrder, reference: Option<(u32, u32)>) -> bool {
    let (mut first, mut last) = (0, 0);
    for row in rows {
        let words = words_of(row);
        let Some((_, n)) = leading_date(&words, order, reference) else {
            continue;
        };
        let start = after_dates(&words, n, order, reference);
        if !leading_money(&words[start..]).0.is_empty() {
            first += 1;
        } else if !trailing_money(&words).0.is_empty() {
            last += 1;
        }
    }
    first > last
}

/// Where the words after `start` stop being dates: a second date (the value date) follows the
/// booking date in many layouts.
fn after_dates(
    words: &[Word],
    mut start: usize,
    order: DateOrder,
    reference: Option<(u32, u32)>,
) -> usize {
    while let Some((_, n)) = (start < words.len())
        .then(|| leading_date(&words[start..], order, reference))
        .flatten()
    {
        start += n;
    }
    start
}

/// The amounts a row prints first, before its text, and how many words they take. Only
/// figures with cents count: a reference number or a quantity at the start of a description
/// is no amount.
fn leading_money(words: &[Word]) -> (Vec<Money>, usize) {
    let found: Vec<Money> = words
        .iter()
        .map_while(|w| Money::of_word(w).filter(|_| has_cents(bare(&w.text))))
        .collect();
    let n = found.len();
    (found, n)
}

/// The date a row starts with, and how many words it takes: a full date, or a day and month
/// whose year the statement's period gives.
fn leading_date(
    words: &[Word],
    order: DateOrder,
    reference: Option<(u32, u32)>,
) -> Option<(String, usize)> {
    let first = words.first()?;
    for n in (1..=3.min(words.len())).rev() {
        let text = words[..n]
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        // The date is all of these words; "02-Jan-2024" is read as "02 Jan 2024".
        let squeezed = |s: &str| -> String {
            s.chars()
                .filter(|c| !c.is_whitespace() && *c != '-')
                .collect()
        };
        if let Some((iso, raw)) = find_date(&text, order)
            && text.starts_with(raw.split_whitespace().next().unwrap_or(&raw))
            && (raw.split_whitespace().count() == text.split_whitespace().count()
                || squeezed(&raw) == squeezed(&text))
        {
            return Some((iso, n));
        }
    }
    let (year, month) = reference?;
    let (m, d, n) = day_month(first, words.get(1), order)?;
    let y = if m > month { year - 1 } else { year };
    let iso = format!("{y:04}-{m:02}-{d:02}");
    find_date(&iso, DateOrder::DayFirst).map(|(iso, _)| (iso, n))
}

/// A month named in English, German, French, Spanish, Italian or Dutch, by its first letters.
fn month_name(word: &str) -> Option<u32> {
    let w = label_words(word).concat();
    let table: [&[&str]; 12] = [
        &["jan", "ene", "gen", "janv"],
        &["feb", "fév", "fev", "févr"],
        &["mar", "mär", "mrt"],
        &["apr", "avr", "abr"],
        &["may", "mai", "mag", "mei"],
        &["jun", "juin", "giu"],
        &["jul", "juil", "lug"],
        &["aug", "aoû", "ago"],
        &["sep", "set"],
        &["oct", "okt", "ott"],
        &["nov"],
        &["dec", "dez", "déc", "dic"],
    ];
    if w.chars().count() < 3 || w.chars().count() > 9 {
        return None;
    }
    table
        .iter()
        .position(|names| names.iter().any(|n| w.starts_with(n)))
        .map(|i| i as u32 + 1)
}

/// A day and month without a year: "19.01.", "19/01", "05 Jan", "Jan 05", "05JAN"; with the
/// number of words read.
fn day_month(first: &Word, second: Option<&Word>, order: DateOrder) -> Option<(u32, u32, usize)> {
    let t = first.text.trim_end_matches([',', ':']);
    let parts: Vec<&str> = t.trim_end_matches('.').split(['.', '/', '-']).collect();
    if parts.len() == 2 && parts.iter().all(|p| (1..=2).contains(&p.len())) {
        let a: u32 = parts[0].parse().ok()?;
        let b: u32 = parts[1].parse().ok()?;
        // "19.01" could be an amount; a date has a dot after it or a slash in it, or is at
        // the start of a row whose amounts come later (the caller only asks there).
        let (m, d) = if order == DateOrder::DayFirst || t.contains('.') {
            (b, a)
        } else {
            (a, b)
        };
        return ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((m, d, 1));
    }
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    let letters: String = t.chars().skip(digits.len()).collect();
    if (1..=2).contains(&digits.len()) {
        let d: u32 = digits.parse().ok()?;
        let rest = letters.trim_start_matches(['-', '.', ' ']);
        if !rest.is_empty() {
            // "05JAN", "05-Jan".
            let m = month_name(rest)?;
            return (1..=31).contains(&d).then_some((m, d, 1));
        }
        let m = month_name(&second?.text)?;
        return (1..=31).contains(&d).then_some((m, d, 2));
    }
    // "Jan 05".
    let m = month_name(t)?;
    let d: u32 = second?
        .text
        .trim_end_matches([',', '.'])
        .parse()
        .ok()
        .filter(|d| (1..=31).contains(d))?;
    Some((m, d, 2))
}

/// Which balance a row names, if it names one: `Some(true)` opening, `Some(false)` closing.
fn balance_row(text: &str) -> Option<bool> {
    use super::vocabulary::labels;
    let w = super::cells::plain_label_words(text).join(" ");
    let names = |key| {
        labels(key)
            .iter()
            .any(|p| super::vocabulary::mentions_misread(&w, p))
    };
    if names(HeaderKey::OpeningBalance) {
        Some(true)
    } else if names(HeaderKey::ClosingBalance) {
        Some(false)
    } else {
        None
    }
}

/// A section heading of a statement that lists money out and money in apart: `Some(true)` for
/// withdrawals, `Some(false)` for deposits. A heading is short and names nothing else.
fn section(text: &str) -> Option<bool> {
    let w = label_words(text).join(" ");
    if w.split(' ').count() > 6 {
        return None;
    }
    const OUT: &[&str] = &[
        "withdrawals",
        "debits",
        "checks paid",
        "cheques paid",
        "card purchases",
        "fees",
        "service fees",
        "other debits",
    ];
    const IN: &[&str] = &[
        "deposits",
        "deposits and additions",
        "credits",
        "other credits",
        "additions",
    ];
    let names = |phrases: &[&str]| {
        phrases
            .iter()
            .any(|p| w == *p || w.ends_with(&format!(" {p}")) || w.starts_with(&format!("{p} ")))
    };
    // "Deposits and additions" names deposits first; "Withdrawals and debits" withdrawals.
    match (names(OUT), names(IN)) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        (true, true) => Some(OUT.iter().any(|p| w.starts_with(p))),
        (false, false) => None,
    }
}

/// Rows that sum a table rather than list a transaction.
fn totals_row(text: &str) -> bool {
    let w = label_words(text).join(" ");
    [
        "total",
        "totals",
        "summe",
        "sum",
        "totaux",
        "total des opérations",
        "totale",
        "totaal",
        "subtotal",
    ]
    .iter()
    .any(|t| w == *t || w.starts_with(&format!("{t} ")))
}

fn words_text(words: &[Word]) -> String {
    words
        .iter()
        .map(|w| w.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The transactions, and the balances printed among them.
fn transactions(rows: &[Row], order: DateOrder, reference: Option<(u32, u32)>) -> Read {
    let mut read = Read::default();
    let mut columns: Vec<MoneyColumn> = Vec::new();
    // The last transaction's page, bottom edge and description's left edge, for its
    // continuation rows.
    let mut open: Option<(usize, f32, f32)> = None;
    let mut last_date: Option<(String, usize)> = None;
    // Under a section heading ("Electronic withdrawals", "Deposits and additions"), unsigned
    // amounts in a plain amount column go the way the heading says.
    let mut section_out: Option<bool> = None;
    let amount_first = amounts_come_first(rows, order, reference);
    for (r, row) in rows.iter().enumerate() {
        if let Some(found) = columns::header(row) {
            columns = found;
            open = None;
            continue;
        }
        let words = words_of(row);
        if words.is_empty() {
            continue;
        }
        let text = row.text();
        // Where the description starts again after amounts printed before it, under a header.
        let mut text_after = None;
        let (mut amounts, end) = match trailing_money(&words) {
            _ if amount_first && columns.is_empty() => (Vec::new(), words.len()),
            // Figures a row ends with that stand under no money column (a time "19.16" at
            // the end of the description) are text, where the columns hold the amounts.
            (found, _)
                if !columns.is_empty()
                    && found
                        .iter()
                        .all(|m| !under_money_column(&m.raw, &m.bbox, &columns))
                    && (found.is_empty() || !money_in_columns(&words, &columns).0.is_empty()) =>
            {
                let (found, end, after) = money_in_columns(&words, &columns);
                text_after = Some(after);
                (found, end)
            }
            read => read,
        };
        let date = leading_date(&words[..end.max(1).min(words.len())], order, reference);
        let mut desc_start = after_dates(
            &words[..end],
            date.as_ref().map_or(0, |(_, n)| *n),
            order,
            reference,
        );
        // Layouts that print the amount between the dates and the description ("01/08/22
        // 01/08/22 1.500,00 BONIFICO ...", "468,80 SALDO INIZIALE").
        if amounts.is_empty() && columns.is_empty() {
            let (lead, n) = leading_money(&words[desc_start.min(words.len())..]);
            amounts = lead;
            desc_start += n;
        }
        let description = match text_after {
            // "01/08/22 01/08/22 | 1,00 | COMMISSIONE ...": nothing between the dates and the
            // amount, so the text after it is the description.
            Some(after) if end <= desc_start && !amounts.is_empty() => &words[after..],
            _ => &words[desc_start.min(end)..end],
        };

        // The label is before the amounts, or after them where they come first ("350,85
        // SALDO FINALE").
        let label = balance_row(&words_text(&words[..end]))
            .or_else(|| balance_row(&words_text(description)));
        if let Some(opening) = label {
            if let Some(m) = amounts
                .last()
                .cloned()
                .or_else(|| value_below(row, rows.get(r + 1)))
            {
                let value = if m.out == Some(true) {
                    -m.value
                } else {
                    m.value
                };
                let f = field(value.to_string(), m.raw, m.bbox, m.confidence, row.page);
                if opening {
                    read.opening.get_or_insert(f);
                } else {
                    read.closing = Some(f);
                }
            }
            open = None;
            continue;
        }
        if totals_row(&text) || totals_row(&words_text(description)) {
            open = None;
            continue;
        }
        if amounts.is_empty()
            && date.is_none()
            && let Some(out) = section(&text)
        {
            section_out = Some(out);
            open = None;
            continue;
        }
        let continues = |open: Option<(usize, f32, f32)>| {
            open.is_some_and(|(page, bottom, left)| {
                let b = row.bbox();
                page == row.page
                    && b.y0 - bottom < 2.5 * b.height().max(1.0)
                    && description.first().is_some_and(|w| w.bbox.x0 >= left - 2.0)
            })
        };
        if amounts.is_empty() {
            // A value date with a reference, a wrapped payee: more of the last description.
            if continues(open)
                && let Some(tx) = read.transactions.last_mut()
                && !description.is_empty()
            {
                let more = words_text(description);
                tx.description.value = format!("{} {more}", tx.description.value)
                    .trim()
                    .to_string();
                tx.description.raw = tx.description.value.clone();
                tx.description.bbox = tx.description.bbox.union(&row.bbox());
                open = open.map(|(p, _, l)| (p, row.bbox().y1, l));
            }
            continue;
        }
        // Amounts without a date: another transaction of the day printed above, in layouts
        // that print each date once; only right under a transaction.
        let (iso, raw_date, date_box) = match (&date, &last_date) {
            (Some((iso, n)), _) => (
                iso.clone(),
                words_text(&words[..*n]),
                words[..*n]
                    .iter()
                    .skip(1)
                    .fold(words[0].bbox, |b, w| b.union(&w.bbox)),
            ),
            (None, Some((iso, page))) if *page == row.page && continues(open) => {
                (iso.clone(), String::new(), BBox::default())
            }
            _ => continue,
        };
        if description.is_empty() && date.is_none() {
            continue;
        }
        let Some((amount, balance)) = columns::assign(&amounts, &columns) else {
            continue;
        };
        let signed = |m: &Money, role: Role| -> Decimal {
            let out = m.out.unwrap_or(match role {
                Role::Debit => true,
                Role::Amount => section_out.unwrap_or(false),
                _ => false,
            });
            if out { -m.value } else { m.value }
        };
        let desc_text = words_text(description);
        let desc_box = description.iter().skip(1).fold(
            description.first().map_or(BBox::default(), |w| w.bbox),
            |b, w| b.union(&w.bbox),
        );
        let value = signed(amount.0, amount.1);
        read.transactions.push(Transaction {
            date: field(iso.clone(), raw_date, date_box, 1.0, row.page),
            description: field(desc_text.clone(), desc_text, desc_box, 1.0, row.page),
            amount: field(
                value.to_string(),
                amount.0.raw.clone(),
                amount.0.bbox,
                amount.0.confidence,
                row.page,
            ),
            balance: balance.map(|b| {
                let v = if b.out == Some(true) {
                    -b.value
                } else {
                    b.value
                };
                field(v.to_string(), b.raw.clone(), b.bbox, b.confidence, row.page)
            }),
            confidence: amount.0.confidence,
        });
        last_date = Some((iso, row.page));
        let left = description.first().map_or(row.bbox().x0, |w| w.bbox.x0);
        open = Some((row.page, row.bbox().y1, left));
    }
    read
}

/// A balance printed under its label in a box ("Neuer Kontostand" over "EUR + 5.314,05"): the
/// last amount of the next row, right of the label's left edge.
fn value_below(row: &Row, next: Option<&Row>) -> Option<Money> {
    let next = next?;
    let label = row
        .cells
        .iter()
        .find(|c| balance_row(&c.text).is_some())?
        .bbox;
    let below = next.bbox();
    if next.page != row.page || below.y0 - label.y1 > 2.0 * label.height() {
        return None;
    }
    let (amounts, _) = trailing_money(&words_of(next));
    amounts
        .into_iter()
        .next_back()
        .filter(|m| m.bbox.x0 >= label.x0 - label.height())
}

fn decimal(f: &Field) -> Option<Decimal> {
    f.value.parse().ok()
}

/// Signs from the running balance: where the printed balance moves by exactly the amount, the
/// direction of the move is the amount's sign, whatever column the amount stood in. Statements
/// listed newest first are recognised by the balances agreeing better read backwards. The
/// opening and closing balances missing from the header come from the first and last rows.
fn settle_signs(statement: &mut Statement) {
    let txs = &mut statement.transactions;
    let balances: Vec<Option<Decimal>> = txs
        .iter()
        .map(|t| t.balance.as_ref().and_then(decimal))
        .collect();
    let amounts: Vec<Option<Decimal>> = txs.iter().map(|t| decimal(&t.amount)).collect();
    let opening = statement.opening_balance.as_ref().and_then(decimal);
    let moves = |newest_first: bool| -> Vec<Option<Decimal>> {
        (0..txs.len())
            .map(|i| {
                let now = balances[i]?;
                let before = if newest_first {
                    balances.get(i + 1).copied().flatten()
                } else if i == 0 {
                    opening
                } else {
                    balances[i - 1]
                }?;
                Some(now - before)
            })
            .collect()
    };
    let agree = |m: &[Option<Decimal>]| {
        m.iter()
            .zip(&amounts)
            .filter(|(d, a)| matches!((d, a), (Some(d), Some(a)) if d.abs() == a.abs()))
            .count()
    };
    let (forward, backward) = (moves(false), moves(true));
    let newest_first = agree(&backward) > agree(&forward);
    let chosen = if newest_first { backward } else { forward };
    for (tx, (d, a)) in txs.iter_mut().zip(chosen.iter().zip(&amounts)) {
        if let (Some(d), Some(a)) = (d, a)
            && d.abs() == a.abs()
            && d != a
        {
            tx.amount.value = d.to_string();
        }
    }
    if newest_first {
        return;
    }
    let first = txs.first();
    if statement.opening_balance.is_none()
        && let Some(tx) = first
        && let (Some(b), Some(a)) = (tx.balance.as_ref().and_then(decimal), decimal(&tx.amount))
    {
        statement.opening_balance = Some(Field {
            value: (b - a).to_string(),
            raw: String::new(),
            confidence: tx.confidence * 0.9,
            ..tx.balance.clone().unwrap_or_else(|| tx.amount.clone())
        });
    }
    if statement.closing_balance.is_none()
        && let Some(last) = txs.last()
        && let Some(b) = last.balance.clone()
    {
        statement.closing_balance = Some(b);
    }
}

#[cfg(test)]
mod tests;
