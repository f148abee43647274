//! Bank statements: the header fields (bank, account, period, balances) and the transactions.
//!
//! Transactions are read row by row rather than through a table's columns, because real
//! statements rarely keep to a grid: a row that starts with a date (the year often left out)
//! and ends in one or more amounts is a transaction; rows under it without amounts (a value
//! date, a reference, a wrapped payee) continue its description; a row that names an opening
//! or closing balance gives that balance. Layouts that print the amount on a booking's last
//! line instead (HSBC UK) are recognised by how their rows without amounts end, and there
//! those rows start the next booking. Each amount's role and sign come, in this order,
//! from what is printed beside it (`-`, `+`, a trailing minus, `CR`/`DR`, `S`/`H`), from the
//! column header it stands under (debit, credit, balance), and finally from the running
//! balance, which decides between money in and money out whenever the statement prints it.

use rust_decimal::Decimal;

use super::cells::{Row, label_words};
use super::normalize::DateOrder;
use super::table::make_field as field;
use super::{DocumentKind, Field, HeaderKey, Statement, Transaction, fields, issuer, take};
use ledgerline_core::page::{BBox, Word};

mod columns;
mod dates;
mod figures;
mod reconcile;

use columns::{MoneyColumn, Role};
use dates::{after_dates, latest_date, leading_date, year_month};
use figures::money_token;
#[cfg(test)]
use figures::unglue_figure;
use figures::{
    Money, leading_money, money_in_columns, trailing_money, under_money_column, words_of,
};

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
    let card = card_account(rows);
    let read = transactions(rows, order, reference, card);
    let owed = |f: Option<Field>| if card { f.map(owed_balance) } else { f };
    // Where every booking is in money with cents, a "balance" without them counts something
    // else: a rewards box's "Opening Balance 1,921 ... Closing Balance 1,185" points.
    let cents = |raw: &str| raw.split_whitespace().any(super::normalize::has_cents);
    let in_cents =
        !read.transactions.is_empty() && read.transactions.iter().all(|t| cents(&t.amount.raw));
    let money = |f: Option<Field>| f.filter(|f| !in_cents || cents(&f.raw));
    let printed_opening = owed(money(take(&mut found, HeaderKey::OpeningBalance)));
    // A card statement names its closing balance as what is due ("Total Dues", before the
    // minimum due) more often than as a balance.
    let printed_closing = owed(
        money(take(&mut found, HeaderKey::ClosingBalance)).or_else(|| {
            card.then(|| {
                money(take(&mut found, HeaderKey::Total))
                    .or_else(|| money(take(&mut found, HeaderKey::AmountDue)))
            })
            .flatten()
        }),
    );
    let mut statement = Statement {
        bank_name: issuer::issuer(rows, order, DocumentKind::BankStatement).map(|(name, _)| name),
        account_number,
        period_start,
        period_end,
        currency: None,
        opening_balance: balance(printed_opening, owed(read.opening), read.opening_level),
        closing_balance: balance(printed_closing, owed(read.closing), read.closing_level),
        transactions: read.transactions,
    };
    settle_signs(&mut statement);
    reconcile::signs_from_two_columns(&mut statement);
    statement
}

/// Whether the statement is a card account's: it states a credit limit or the least it asks to
/// be paid. Its bookings are charges unless marked as credits, and its balances what is owed.
fn card_account(rows: &[Row]) -> bool {
    let text: String = rows
        .iter()
        .map(|r| super::cells::plain_label_words(&r.text()).join(" "))
        .collect::<Vec<_>>()
        .join("\n");
    super::vocabulary::count(
        &text,
        &["credit limit", "minimum amount due", "minimum payment due"],
    ) > 0
}

/// A card account's balance as the holder's books keep it: owed, so below zero, unless
/// printed as a credit ("250.00 CR").
fn owed_balance(mut f: Field) -> Field {
    let credit = money_token(&f.raw).is_some_and(|(_, out)| out == Some(false));
    if let Some(d) = decimal(&f)
        && d > Decimal::ZERO
        && !credit
    {
        f.value = (-d).to_string();
    }
    f
}

/// The balance a label gives: as the header's labels read it (a label with its value beside or
/// under it, in a box), unless the rows found another figure on the label's own row. A label's
/// value is looked for right of it and below it, so where the figure comes first ("315,35
/// SALDO INIZIALE") the header reader takes the next row's amount instead. Where both read the
/// same figure the header's sign stands: the rows take filler dashes ("SALDO ANTERIOR - - -
/// 865,19") for a minus.
fn balance(printed: Option<Field>, row: Option<Field>, level: bool) -> Option<Field> {
    let size = |f: &Field| decimal(f).map(|d| d.abs());
    match (printed, row) {
        (Some(p), Some(r)) if level && size(&p) != size(&r) => Some(r),
        (printed, row) => printed.or(row),
    }
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

/// What the rows of a statement give.
#[derive(Debug, Default)]
struct Read {
    transactions: Vec<Transaction>,
    opening: Option<Field>,
    closing: Option<Field>,
    /// Whether each balance stood on its label's own row, rather than under it.
    opening_level: bool,
    closing_level: bool,
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

/// Whether the statement prints a booking's amount on its last line, under a description that
/// starts on the dated line. Each run of rows without amounts votes by the row that ends it:
/// an amount row without a date says the run began that booking (twice over when the run
/// starts with a date), a dated row says the run went on with the booking above it, as value
/// dates and references under a first line that carries the amount do. A run between two
/// amount rows also votes by its spacing, twice: lines of one booking stand closer to each
/// other than to the next booking's (Barclays prints a card payment's date of use under the
/// line with its amount, and only the day's first booking dated).
fn amounts_come_last(rows: &[Row], order: DateOrder, reference: Option<(u32, u32)>) -> bool {
    let (mut forward, mut backward) = (0, 0);
    // The run so far: whether it began with a date, and right under a booking's amount (else
    // it is no continuation: an address, the period over the table).
    let mut run: Option<(bool, bool)> = None;
    let mut after_amount = false;
    let mut description_left: Option<f32> = None;
    // The last amount row's page and bottom edge, and the run's top and bottom edges.
    let mut amount_row: Option<(usize, f32)> = None;
    let mut span: Option<(f32, f32)> = None;
    for row in rows {
        let words = words_of(row);
        if words.is_empty() {
            continue;
        }
        let text = row.text();
        if let Some(x) = columns::header(row).map(|_| columns::description_left(row)) {
            description_left = x;
        }
        if columns::header(row).is_some() || balance_row(&text).is_some() || totals_row(&text) {
            (run, after_amount, amount_row, span) = (None, false, None, None);
            continue;
        }
        let amounts = !trailing_money(&words).0.is_empty() || !leading_money(&words).0.is_empty();
        let dated = leading_date(&words, order, reference).is_some()
            && description_left.is_none_or(|x| words[0].bbox.x0 < x);
        let b = row.bbox();
        if amounts {
            if let (Some((page, above)), Some((top, bottom))) = (amount_row, span)
                && page == row.page
            {
                let (gap_above, gap_below) = (top - above, b.y0 - bottom);
                // Where OCR's boxes overlap both ways (a photo's tall boxes at a tight line
                // pitch), the gaps are noise in the glyphs' heights, not spacing.
                let spaced = gap_above.max(gap_below) > 0.0;
                if spaced && gap_above * 1.5 < gap_below {
                    backward += 2;
                } else if spaced && gap_below * 1.5 < gap_above {
                    forward += 2;
                }
            }
            amount_row = Some((row.page, b.y1));
            span = None;
        } else {
            span = Some(span.map_or((b.y0, b.y1), |(top, _)| (top, b.y1)));
        }
        match (run, amounts) {
            (None, false) => run = Some((dated, after_amount)),
            (Some((_, continuing)), false) if dated => {
                backward += u32::from(continuing);
                run = Some((true, false));
            }
            (Some(_), false) => {}
            (Some((began_dated, continuing)), true) => {
                if !dated {
                    forward += if began_dated { 2 } else { 1 };
                } else if continuing {
                    backward += 1;
                }
                run = None;
            }
            (None, true) => {}
        }
        after_amount = amounts;
    }
    forward >= 2 && forward > 2 * backward
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
fn transactions(rows: &[Row], order: DateOrder, reference: Option<(u32, u32)>, card: bool) -> Read {
    let mut read = Read::default();
    let mut columns: Vec<MoneyColumn> = Vec::new();
    let mut description_left: Option<f32> = None;
    // The last transaction's page, bottom edge and description's left edge, for its
    // continuation rows.
    let mut open: Option<(usize, f32, f32)> = None;
    let mut last_date: Option<(String, usize)> = None;
    // Under a section heading ("Electronic withdrawals", "Deposits and additions"), unsigned
    // amounts in a plain amount column go the way the heading says.
    let mut section_out: Option<bool> = None;
    let amount_first = amounts_come_first(rows, order, reference);
    // Layouts that print a booking's amount on its last line (HSBC: "16 May 19 ))) RJGZ ZGH"
    // over "YFJHNSFH 9.45"): rows without amounts start or go on with the next booking's
    // description, and its date, where printed, is on the first of them.
    let amount_last = amounts_come_last(rows, order, reference);
    let mut pending: Option<Pending> = None;
    for (r, row) in rows.iter().enumerate() {
        if let Some(found) = columns::header(row) {
            columns = found;
            description_left = columns::description_left(row);
            open = None;
            pending = None;
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
        let in_description = description_left.is_some_and(|x| words[0].bbox.x0 >= x);
        let date = leading_date(&words[..end.max(1).min(words.len())], order, reference)
            .filter(|_| !in_description);
        let mut desc_start = if in_description {
            0
        } else {
            after_dates(
                &words[..end],
                date.as_ref().map_or(0, |(_, n)| *n),
                order,
                reference,
            )
        };
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
            let level = level_with_label(row, &amounts).cloned();
            let on_row = level.is_some();
            if let Some(m) = level.or_else(|| value_below(row, rows.get(r + 1))) {
                let value = if m.out == Some(true) {
                    -m.value
                } else {
                    m.value
                };
                let f = field(value.to_string(), m.raw, m.bbox, m.confidence, row.page);
                if opening {
                    if read.opening.is_none() {
                        read.opening = Some(f);
                        read.opening_level = on_row;
                    }
                } else {
                    read.closing = Some(f);
                    read.closing_level = on_row;
                }
            }
            open = None;
            pending = None;
            continue;
        }
        if totals_row(&text) || totals_row(&words_text(description)) {
            open = None;
            pending = None;
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
        if amounts.is_empty() && amount_last {
            if !description.is_empty() || date.is_some() {
                let more = words_text(description);
                let p = pending.get_or_insert_with(|| Pending {
                    date: None,
                    text: String::new(),
                    bbox: row.bbox(),
                });
                if let Some((iso, n)) = &date {
                    p.date = Some((
                        iso.clone(),
                        words_text(&words[..*n]),
                        words_box(&words[..*n]),
                    ));
                }
                p.text = format!("{} {more}", p.text).trim().to_string();
                p.bbox = p.bbox.union(&row.bbox());
            }
            continue;
        }
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
        // A line before a booking that prints its own date is not part of it.
        let before = pending.take().filter(|_| date.is_none());
        let (iso, raw_date, date_box) = match (&date, &last_date) {
            (Some((iso, n)), _) => (
                iso.clone(),
                words_text(&words[..*n]),
                words_box(&words[..*n]),
            ),
            _ if before.as_ref().is_some_and(|p| p.date.is_some()) => before
                .as_ref()
                .and_then(|p| p.date.clone())
                .unwrap_or_default(),
            // Where amounts come last, a day's bookings run on under its first, across a page
            // break too.
            (None, Some((iso, page))) if (*page == row.page && continues(open)) || amount_last => {
                (iso.clone(), String::new(), BBox::default())
            }
            _ => continue,
        };
        if description.is_empty() && date.is_none() && before.is_none() {
            continue;
        }
        let Some((amount, balance)) = columns::assign(&amounts, &columns) else {
            continue;
        };
        let signed = |m: &Money, role: Role| -> Decimal {
            let out = m.out.unwrap_or(match role {
                Role::Debit => true,
                // A card account's unmarked amounts are charges.
                Role::Amount => section_out.unwrap_or(card),
                _ => false,
            });
            if out { -m.value } else { m.value }
        };
        let mut desc_text = words_text(description);
        let mut desc_box = words_box(description);
        if let Some(p) = before {
            desc_text = format!("{} {desc_text}", p.text).trim().to_string();
            desc_box = p.bbox.union(&desc_box);
        }
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

/// The start of a booking whose amount is printed on a later line: its date, if printed, and
/// its text so far.
struct Pending {
    date: Option<(String, String, BBox)>,
    text: String,
    bbox: BBox,
}

/// The box around some of a row's words (its dates, its description).
fn words_box(words: &[Word]) -> BBox {
    words
        .iter()
        .skip(1)
        .fold(words.first().map_or(BBox::default(), |w| w.bbox), |b, w| {
            b.union(&w.bbox)
        })
}

/// The balance's figure among a row's amounts: the one level with the label. On a photo taken
/// at an angle the next transaction's line can join the balance's row ("315,35 SALDO INIZIALE"
/// with "400,00" half a line below), and its amount is then the last of the row.
fn level_with_label<'a>(row: &Row, amounts: &'a [Money]) -> Option<&'a Money> {
    let label = row.cells.iter().find(|c| balance_row(&c.text).is_some());
    match label {
        Some(label) if amounts.len() > 1 => {
            let off = |m: &Money| (m.bbox.center_y() - label.bbox.center_y()).abs();
            let last = amounts.last()?;
            let level = amounts.iter().min_by(|a, b| off(a).total_cmp(&off(b)))?;
            // A row read left to right ends in its balance, unless the last figure stands
            // clearly lower or higher than the label and another does not.
            if off(last) - off(level) > 0.3 * label.bbox.height() {
                Some(level)
            } else {
                Some(last)
            }
        }
        _ => amounts.last(),
    }
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
    let words = words_of(next);
    let (amounts, end) = trailing_money(&words);
    // A row with a label of its own ("Opening Balance" over "Payments In 4,356.35" in a
    // summary box) gives its figure to that label.
    let labelled = words[..end].iter().any(|w| {
        w.bbox.x0 >= label.x0 - label.height()
            && w.text.chars().filter(|c| c.is_alphabetic()).count() >= 3
            && !super::currency::is_currency_word(&w.text)
    });
    if labelled {
        return None;
    }
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
mod blind_tests;
#[cfg(test)]
mod layout_tests;
#[cfg(test)]
mod tests;
