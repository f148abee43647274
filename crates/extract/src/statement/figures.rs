//! The figures a statement's row prints: amounts with what they say of their own sign, where
//! they stand in the row (after the text, before it, under a money column), and figures OCR
//! glued to the word after them.

use rust_decimal::Decimal;

use super::columns::MoneyColumn;
use crate::cells::Row;
use crate::normalize::{DateOrder, bare, find_date, has_cents, looks_like_money, parse_amount};
use ledgerline_core::page::{BBox, Word};

/// An amount printed in a row, with what it says of its own sign.
#[derive(Debug, Clone)]
pub(super) struct Money {
    pub(super) value: Decimal,
    /// Some(true) when printed as money out (`-`, trailing minus, `DR`, `S`), Some(false) as
    /// money in (`+`, `CR`, `H`), None when unsigned.
    pub(super) out: Option<bool>,
    pub(super) raw: String,
    pub(super) bbox: BBox,
    pub(super) confidence: f32,
}

impl Money {
    /// The money one word prints, with the sign it carries.
    pub(super) fn of_word(w: &Word) -> Option<Money> {
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

pub(super) fn words_of(row: &Row) -> Vec<Word> {
    row.cells
        .iter()
        .flat_map(crate::cells::Cell::word_list)
        .flat_map(unglue_figure)
        .collect()
}

/// A figure with cents that OCR read together with the word after it ("375,83SALD0", the
/// space between a balance and its label dropped), as two words; the box is shared out by
/// characters. A currency glued to the figure ("12,50EUR") is read with the amount, as before.
pub(super) fn unglue_figure(word: Word) -> Vec<Word> {
    let chars: Vec<char> = word.text.chars().collect();
    let Some(cut) = chars.iter().position(|c| c.is_alphabetic()) else {
        return vec![word];
    };
    let (figure, rest): (String, String) =
        (chars[..cut].iter().collect(), chars[cut..].iter().collect());
    let glued = figure
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | ','))
        && has_cents(&figure)
        && parse_amount(&figure).is_some()
        && rest.chars().filter(|c| c.is_alphabetic()).count() >= 4
        && !crate::currency::is_currency_word(&rest)
        && !rest.to_uppercase().starts_with("EURO");
    if !glued {
        return vec![word];
    }
    let b = word.bbox;
    let x = b.x0 + b.width() * cut as f32 / chars.len() as f32;
    vec![
        Word {
            text: figure,
            bbox: BBox { x1: x, ..b },
            confidence: word.confidence,
        },
        Word {
            text: rest,
            bbox: BBox { x0: x, ..b },
            confidence: word.confidence,
        },
    ]
}

/// A sign or marker printed apart from its number, bare or in brackets ("724.00 (Cr)").
pub(super) fn marker(text: &str) -> Option<bool> {
    let text = text
        .strip_prefix('(')
        .and_then(|t| t.strip_suffix(')'))
        .unwrap_or(text);
    match text {
        "-" | "S" | "DR" | "Dr" | "D" => Some(true),
        "+" | "H" | "CR" | "Cr" | "C" => Some(false),
        _ => None,
    }
}

/// One number with its sign read from the text around the digits.
pub(super) fn money_token(text: &str) -> Option<(Decimal, Option<bool>)> {
    let t = bare(text);
    let (body, out) = if let Some(rest) = t.strip_prefix('+') {
        (rest.trim(), Some(false))
    } else if let Some(rest) = t.strip_prefix('-') {
        (rest.trim(), Some(true))
    } else if let Some(rest) = t.strip_suffix('-') {
        (rest.trim(), Some(true))
    } else if let Some(rest) = ["CR", "Cr", "(CR)", "(Cr)"]
        .iter()
        .find_map(|m| t.strip_suffix(m))
    {
        (rest.trim(), Some(false))
    } else if let Some(rest) = ["DR", "Dr", "(DR)", "(Dr)"]
        .iter()
        .find_map(|m| t.strip_suffix(m))
    {
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
pub(super) fn trailing_money(words: &[Word]) -> (Vec<Money>, usize) {
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
pub(super) fn under_money_column(text: &str, bbox: &BBox, columns: &[MoneyColumn]) -> bool {
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
pub(super) fn money_in_columns(
    words: &[Word],
    columns: &[MoneyColumn],
) -> (Vec<Money>, usize, usize) {
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

/// The amounts a row prints first, before its text, and how many words they take. Only
/// figures with cents count: a reference number or a quantity at the start of a description
/// is no amount.
pub(super) fn leading_money(words: &[Word]) -> (Vec<Money>, usize) {
    let found: Vec<Money> = words
        .iter()
        .map_while(|w| Money::of_word(w).filter(|_| has_cents(bare(&w.text))))
        .collect();
    let n = found.len();
    (found, n)
}
