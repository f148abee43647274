//! The columns a statement's header row names, in six languages, and which role each of a
//! row's amounts has by the column it stands under: money out, money in, a signed amount, or
//! the running balance.

use super::Money;
use crate::cells::{Row, edit_distance, label_words};
use ledgerline_core::page::BBox;

/// What an amount in a statement row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Debit,
    Credit,
    Amount,
    Balance,
}

/// A money column: its role and the horizontal extent of its header.
#[derive(Debug, Clone)]
pub struct MoneyColumn {
    pub role: Role,
    pub span: BBox,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Date,
    Text,
    Money(Role),
    /// A currency in the header ("Betrag (EUR)"): neither counts nor spoils it.
    Ignored,
}

const NAMES: &[(Kind, &[&str])] = &[
    (
        Kind::Date,
        &[
            "date",
            "dates",
            "posting date",
            "post date",
            "transaction date",
            "trans date",
            "txn date",
            "tran date",
            "value date",
            "value dt",
            "posted",
            "datum",
            "buchung",
            "buchungstag",
            "bu tag",
            "buchungsdatum",
            "wert",
            "valuta",
            "wertstellung",
            "date opération",
            "date valeur",
            "date de valeur",
            "fecha",
            "fecha valor",
            "fecha operación",
            "f oper",
            "f valor",
            "data",
            "data valuta",
            "data operazione",
            "data contabile",
            "boekdatum",
            "rentedatum",
            "trans time",
            "transaction time",
            "time",
            // pt
            "dt movimento",
            "dt balancete",
            "data do movimento",
            "data mov",
        ],
    ),
    (
        Kind::Text,
        &[
            "description",
            "transaction description",
            "details",
            "transaction details",
            // HSBC UK: the payment type's code and the payee, one column of text, not a
            // "payment" column of money.
            "payment type and details",
            "payment details",
            "transaction",
            "transactions",
            "particulars",
            "narration",
            "narrative",
            "memo",
            "payee",
            "reference",
            "verwendungszweck",
            "vorgang",
            "buchungstext",
            // DKB's and Commerzbank's description column.
            "wir haben für sie gebucht",
            "buchungsinformation",
            "text",
            "opération",
            "opérations",
            "libellé",
            "nature de l'opération",
            "concepto",
            "descripción",
            "movimiento",
            "descrizione",
            "causale",
            "operazione",
            "omschrijving",
            "mededelingen",
            "channel",
            "transaction reference",
            "reference number",
            "ref no",
            "remarks",
            "beneficiary",
            // pt
            "histórico",
            "descrição",
            "lançamento",
        ],
    ),
    (
        Kind::Money(Role::Debit),
        &[
            "debit",
            "debits",
            "debit amount",
            "withdrawal",
            "withdrawals",
            "withdrawal amt",
            "money out",
            "paid out",
            "payments",
            "soll",
            "belastung",
            "lastschrift",
            "débit",
            "débits",
            "cargo",
            "cargos",
            "debe",
            "dare",
            "addebiti",
            "uscite",
            "af",
            "debet",
        ],
    ),
    (
        Kind::Money(Role::Credit),
        &[
            "credit",
            "credits",
            "credit amount",
            "deposit",
            "deposits",
            "deposit amt",
            "money in",
            "paid in",
            "receipts",
            "haben",
            "gutschrift",
            "crédit",
            "crédits",
            "abono",
            "abonos",
            "haber",
            "avere",
            "accrediti",
            "entrate",
            "bij",
        ],
    ),
    (
        Kind::Money(Role::Amount),
        &[
            "amount",
            "transaction amount",
            "betrag",
            "umsatz",
            "montant",
            "importe",
            "importo",
            "bedrag",
            // Brazil's and Portugal's amount column ("Valor R$"); Spain's value date is "Fecha
            // valor" or "F. valor", read as one name before this one.
            "valor",
        ],
    ),
    (
        Kind::Money(Role::Balance),
        &[
            "balance",
            "running balance",
            "balance after",
            "available balance",
            "book balance",
            "saldo",
            "kontostand",
            "solde",
            "saldo contable",
        ],
    ),
];

/// Lower-case words with their boxes; a dotted abbreviation splits at its dots ("F.Oper."), and
/// a currency in brackets glued to a name goes ("Debit(₦)", OCR's "Debit(N)", "Betrag(EUR)").
fn tokens(row: &Row) -> Vec<(String, BBox)> {
    super::words_of(row)
        .iter()
        .flat_map(|w| {
            let text = match w.text.split_once('(') {
                Some((name, rest))
                    if !name.is_empty()
                        && rest
                            .strip_suffix(')')
                            .is_some_and(|c| c.chars().count() <= 3) =>
                {
                    name
                }
                _ => w.text.as_str(),
            };
            label_words(&text.replace('.', " "))
                .into_iter()
                .map(move |t| (t, w.bbox))
        })
        .collect()
}

/// A column name OCR split before its last letter or two ("Balanc e"), joined again where the
/// piece names nothing and the whole is a column's name as printed.
fn rejoin_split_names(tokens: Vec<(String, BBox)>) -> Vec<(String, BBox)> {
    let mut out: Vec<(String, BBox)> = Vec::with_capacity(tokens.len());
    for (text, bbox) in tokens {
        if let Some((last, last_box)) = out.last_mut() {
            let joined = format!("{last}{text}");
            let exact = NAMES
                .iter()
                .any(|(_, names)| names.contains(&joined.as_str()));
            if text.chars().count() <= 2
                && text.chars().all(char::is_alphabetic)
                && kind_of(&text).is_none()
                && exact
            {
                *last = joined;
                *last_box = last_box.union(&bbox);
                continue;
            }
        }
        out.push((text, bbox));
    }
    out
}

fn kind_of(phrase: &str) -> Option<Kind> {
    let currency = phrase.strip_prefix("in ").unwrap_or(phrase);
    if !currency.contains(' ') && crate::currency::is_currency_word(currency) {
        return Some(Kind::Ignored);
    }
    NAMES
        .iter()
        .find(|(_, names)| names.contains(&phrase))
        .or_else(|| {
            // A name OCR misread by a letter or two ("Deecriptton", "Traneaction", "Aftr").
            NAMES
                .iter()
                .find(|(_, names)| names.iter().any(|name| misread(phrase, name)))
        })
        .map(|(k, _)| *k)
}

/// Whether `read` is `name` with a letter or two misread, word by word: the same first letter,
/// and one edit in a word of four letters or more, two in one of eight or more.
fn misread(read: &str, name: &str) -> bool {
    let (read, name): (Vec<&str>, Vec<&str>) =
        (read.split(' ').collect(), name.split(' ').collect());
    read.len() == name.len()
        && read != name
        && read.iter().zip(&name).all(|(r, n)| {
            let len = n.chars().count();
            let allowed = match len {
                0..4 => 0,
                4..8 => 1,
                _ => 2,
            };
            r.chars().next() == n.chars().next() && edit_distance(r, n) <= allowed
        })
}

/// The column names a row prints, in order with their extents, and how many of its words name
/// none; None for a row too long to be a header.
fn names(row: &Row) -> Option<(Vec<(Kind, BBox)>, usize)> {
    let tokens = rejoin_split_names(tokens(row));
    if tokens.len() > 16 {
        return None;
    }
    let mut unknown = 0;
    let mut names = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let found = (1..=5.min(tokens.len() - i)).rev().find_map(|n| {
            let phrase = tokens[i..i + n]
                .iter()
                .map(|(t, _)| t.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            kind_of(&phrase).map(|k| (k, n))
        });
        let Some((kind, n)) = found else {
            // A speck OCR read as a glyph or two ("包", "☑") beside the names is no word.
            let token = &tokens[i].0;
            let speck =
                token.chars().count() <= 2 && !token.chars().any(|c| c.is_ascii_alphanumeric());
            if !speck {
                unknown += 1;
            }
            i += 1;
            continue;
        };
        let span = tokens[i + 1..i + n]
            .iter()
            .fold(tokens[i].1, |b, (_, w)| b.union(w));
        names.push((kind, span));
        i += n;
    }
    Some((names, unknown))
}

/// The money columns of a statement's header row: a row of column names only (two unknown
/// words at most), among them a date or description column and a money column.
pub fn header(row: &Row) -> Option<Vec<MoneyColumn>> {
    let (names, unknown) = names(row)?;
    let (mut known, mut anchor) = (0, false);
    let mut money: Vec<MoneyColumn> = Vec::new();
    for (kind, span) in names {
        match kind {
            Kind::Date | Kind::Text => {
                known += 1;
                anchor = true;
            }
            Kind::Money(role) => {
                known += 1;
                match money.last_mut() {
                    // "Betrag (EUR)" over one column, or a name split over two words.
                    Some(last) if last.role == role && last.span.x1 >= span.x0 - 1.0 => {
                        last.span = last.span.union(&span)
                    }
                    _ => money.push(MoneyColumn { role, span }),
                }
            }
            Kind::Ignored => {}
        }
    }
    (anchor && !money.is_empty() && known >= 2 && unknown <= 2).then_some(money)
}

/// Where a header's description column begins, where a date column stands left of it: a date
/// that starts under the description ("Card Payment to Amznmktplace On" over "18 Dec", the
/// day a card was used) is the description's text, not a booking's date.
pub fn description_left(row: &Row) -> Option<f32> {
    let (names, _) = names(row)?;
    let date = names.iter().position(|(k, _)| *k == Kind::Date)?;
    names[date + 1..]
        .iter()
        .find(|(k, _)| *k == Kind::Text)
        .map(|(_, b)| b.x0)
}

/// The column an amount stands under: the header it overlaps most, else the one whose right
/// edge is nearest its own (figures are right-aligned and often wider than their header).
fn column_of(m: &Money, columns: &[MoneyColumn]) -> Option<Role> {
    let overlap = |c: &MoneyColumn| (m.bbox.x1.min(c.span.x1) - m.bbox.x0.max(c.span.x0)).max(0.0);
    if let Some(c) = columns
        .iter()
        .filter(|c| overlap(c) > 0.0)
        .max_by(|a, b| overlap(a).total_cmp(&overlap(b)))
    {
        return Some(c.role);
    }
    columns
        .iter()
        .min_by(|a, b| {
            (a.span.x1 - m.bbox.x1)
                .abs()
                .total_cmp(&(b.span.x1 - m.bbox.x1).abs())
        })
        .map(|c| c.role)
}

/// The row's transaction amount with its role, and its balance when it prints one.
pub fn assign<'a>(
    amounts: &'a [Money],
    columns: &[MoneyColumn],
) -> Option<((&'a Money, Role), Option<&'a Money>)> {
    if amounts.is_empty() {
        return None;
    }
    if columns.is_empty() {
        return match amounts {
            [only] => Some(((only, Role::Amount), None)),
            [.., amount, balance] => Some(((amount, Role::Amount), Some(balance))),
            [] => None,
        };
    }
    let roles: Vec<Option<Role>> = amounts.iter().map(|m| column_of(m, columns)).collect();
    let balance = amounts
        .iter()
        .zip(&roles)
        .rev()
        .find(|(_, r)| **r == Some(Role::Balance))
        .map(|(m, _)| m);
    // Layouts that fill both money columns print "0.00" in the one not used: the other one
    // is the transaction.
    let moving = || {
        amounts
            .iter()
            .zip(&roles)
            .filter(|(_, r)| matches!(r, Some(Role::Debit | Role::Credit | Role::Amount)))
    };
    let amount = moving()
        .find(|(m, _)| !m.value.is_zero())
        .or_else(|| moving().next())
        .map(|(m, r)| (m, r.unwrap_or(Role::Amount)));
    match (amount, balance) {
        (Some(a), b) => Some((a, b)),
        // Only a balance column matched: a lone figure is the transaction when the header
        // has no other money column to put it under.
        (None, Some(_)) if amounts.len() >= 2 => {
            Some(((&amounts[amounts.len() - 2], Role::Amount), balance))
        }
        (None, _) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_misread_by_a_letter_or_two_is_still_the_name() {
        // OPay's header photographed: "Deecriptton", "Traneaction Reference", "Aftr".
        assert_eq!(kind_of("deecriptton"), kind_of("description"));
        assert!(kind_of("deecriptton").is_some());
        assert_eq!(kind_of("balance aftr"), Some(Kind::Money(Role::Balance)));
        assert_eq!(kind_of("credlt"), Some(Kind::Money(Role::Credit)));
        // Short names must be read exactly, and the first letter right.
        assert!(!misread("ont", "out"));
        assert_eq!(kind_of("xredit"), None);
    }

    /// HSBC's header photographed upside down: "Balanc e", which names no column in pieces.
    #[test]
    fn a_name_split_before_its_last_letter_is_joined() {
        let b = BBox::new(0.0, 0.0, 10.0, 10.0);
        let texts = |t: &[&str]| t.iter().map(|t| (t.to_string(), b)).collect::<Vec<_>>();
        let joined: Vec<String> = rejoin_split_names(texts(&["paid", "in", "balanc", "e"]))
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        assert_eq!(joined, ["paid", "in", "balance"]);
        // "in" is a word of its own, and names after a name stay apart.
        let kept: Vec<String> = rejoin_split_names(texts(&["paid", "in", "date"]))
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        assert_eq!(kept, ["paid", "in", "date"]);
    }
}
