//! The dates a statement's rows print: a booking's date at a row's start (after its id where
//! the table prints one), a day and month whose year the statement's period gives, the value
//! date after it, and the latest date the document prints for the statement's year.

use crate::cells::{Row, label_words};
use crate::normalize::{DateOrder, find_date};
use ledgerline_core::page::Word;

/// (year, month) of an ISO date.
pub(super) fn year_month(iso: &str) -> Option<(u32, u32)> {
    let year = iso.get(..4)?.parse().ok()?;
    let month = iso.get(5..7)?.parse().ok()?;
    Some((year, month))
}

/// The latest full date the document prints ("vom 15.12.2023 bis 14.01.2024" ends in January):
/// the statement's date when no period is labelled.
pub(super) fn latest_date(rows: &[Row], order: DateOrder) -> Option<(u32, u32)> {
    rows.iter()
        .flat_map(|r| r.cells.iter())
        .flat_map(|c| {
            // A date may take up to three words ("18 Jan 2024"); each start is tried.
            let words: Vec<&str> = c.text.split_whitespace().collect();
            (0..words.len())
                .filter_map(|i| {
                    (1..=3.min(words.len() - i))
                        .rev()
                        .find_map(|n| find_date(&words[i..i + n].join(" "), order))
                })
                .map(|(iso, _)| iso)
                .collect::<Vec<_>>()
        })
        .max()
        .and_then(|iso| year_month(&iso))
}

/// Where the words after `start` stop being dates: a second date (the value date) follows the
/// booking date in many layouts.
pub(super) fn after_dates(
    words: &[Word],
    mut start: usize,
    order: DateOrder,
    reference: Option<(u32, u32)>,
) -> usize {
    while let Some((_, n)) = (start < words.len())
        .then(|| date_at_start(&words[start..], order, reference))
        .flatten()
    {
        start += n;
    }
    start
}

/// The date a row starts with, and how many words it takes (see [`date_at_start`]), after the
/// row's serial number or transaction id where a table prints one first ("S59192340
/// 09/11/2020 ...", "12 05.03.2024 ..."): one word with figures that is no date and no amount
/// with cents, then a date with its year.
pub(super) fn leading_date(
    words: &[Word],
    order: DateOrder,
    reference: Option<(u32, u32)>,
) -> Option<(String, usize)> {
    date_at_start(words, order, reference).or_else(|| {
        let id = &words.first()?.text;
        let is_id = id.chars().any(|c| c.is_ascii_digit())
            && !crate::normalize::has_cents(id)
            && find_date(id, order).is_none()
            // Not a date OCR damaged ("05/8/2"): no separator a date prints.
            && id.chars().all(|c| c.is_alphanumeric() || c == '-');
        // A full date only: "002 1/2" is a statement's number and its page.
        let (iso, n) = is_id
            .then(|| date_at_start(&words[1..], order, None))
            .flatten()?;
        Some((iso, n + 1))
    })
}

/// The date a row's first words make, and how many words it takes: a full date, or a day and
/// month whose year the statement's period gives.
pub(super) fn date_at_start(
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
        // The date is all of these words; "02-Jan-2024" and "15/DIC/22" are read as "02 Jan
        // 2024" and "15 DIC 22".
        let squeezed = |s: &str| -> String {
            s.chars()
                .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '/'))
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
pub(super) fn month_name(word: &str) -> Option<u32> {
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
pub(super) fn day_month(
    first: &Word,
    second: Option<&Word>,
    order: DateOrder,
) -> Option<(u32, u32, usize)> {
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
