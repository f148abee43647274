//! The bank that issued a statement. Its top lines name the account holder, often in the
//! largest type, while the bank signs with a word that says what it is ("Deutsche Kreditbank
//! AG" in the footer, "Postbank", "Banco Bilbao", "Банк «Санкт-Петербург»"): a short line with
//! such a word is the bank.

use crate::cells::{Cell, Row, plain_label_words};
use crate::fields::{is_title, label_of};
use crate::normalize::is_any_date;

/// Whole words that say "bank" in the languages the reader meets.
const BANK_WORDS: &[&str] = &[
    "bank",
    "banco",
    "banca",
    "banque",
    "sparkasse",
    "bancoposta",
    "банк",
];

/// Words of a line that only mentions banking ("Bank details", "Bank transfer", "Bankleitzahl
/// 100 200 30" has a figure and goes anyway).
const NOT_A_NAME: &[&str] = &[
    "details",
    "transfer",
    "account",
    "accounts",
    "code",
    "name",
    "statement",
    "service",
    "charge",
    "charges",
    "fee",
    "fees",
    "interest",
    "payment",
    "holiday",
    "holidays",
    "your",
    "ihre",
    "ihr",
    "votre",
    "su",
    "la",
    "le",
    "der",
    "die",
    "des",
    "de",
    "bei",
    "with",
    "our",
    "the",
];

/// Text of at most five words that holds a bank word, or a word ending in "bank"
/// ("Kreditbank", "FirstBank"), and none that only mentions banking.
fn names_a_bank(text: &str) -> bool {
    let words = plain_label_words(text);
    !words.is_empty()
        && words.len() <= 5
        && !words.iter().any(|w| NOT_A_NAME.contains(&w.as_str()))
        && words
            .iter()
            .any(|w| BANK_WORDS.contains(&w.as_str()) || (w.len() > 6 && w.ends_with("bank")))
}

/// A line of at most five words, no figures, left of any date on its row, that is neither a label
/// nor a title and holds a bank word, or a word ending in "bank" ("Kreditbank", "FirstBank").
/// The one with a legal form wins (the footer's "DEUTSCHE KREDITBANK AG" over a logo's "DKB
/// Bank"), then the highest.
pub(super) fn bank_name<'a>(
    first: &[&'a Row],
    has_legal_form: impl Fn(&str) -> bool,
) -> Option<&'a Cell> {
    first
        .iter()
        // A transaction's row ("12/03 Bank service charge 5.00") names no issuer after its
        // date; a logo beside a dated title ("BancoPosta" left of "Estratto Conto al
        // 31/08/22") does.
        .flat_map(|r| {
            let first_date = r.cells.iter().position(|c| is_any_date(&c.text));
            r.cells[..first_date.unwrap_or(r.cells.len())].iter()
        })
        .filter(|c| {
            names_a_bank(&c.text)
                && !c
                    .text
                    .chars()
                    .any(|ch| ch.is_ascii_digit() || ch == '@' || ch == ':')
                && label_of(c).is_none()
                && !is_title(&c.text)
        })
        .min_by(|a, b| {
            has_legal_form(&b.text)
                .cmp(&has_legal_form(&a.text))
                .then(a.bbox.y0.total_cmp(&b.bbox.y0))
        })
}

/// The bank's registered name where it signs on any page, with its legal form: the terms page's
/// "HSBC UK Bank plc" alone or before ", registered in England and Wales ...". The text before
/// the first comma is the name, and it ends in the legal form (a line that goes on after it,
/// "Poste Italiane S.p.A. - Patrimonio BancoPosta", says more than the name); the first such line
/// in reading order wins.
pub(super) fn registered_name(
    rows: &[Row],
    has_legal_form: impl Fn(&str) -> bool,
) -> Option<(String, &Cell)> {
    rows.iter().flat_map(|r| r.cells.iter()).find_map(|c| {
        let name = c.text.split(',').next()?.trim();
        let named = names_a_bank(name)
            && name
                .split_whitespace()
                .next_back()
                .is_some_and(&has_legal_form);
        named.then(|| (name.to_string(), c))
    })
}
