//! The kind of column a header cell names: its words read against `column_names`, whole, as a
//! phrase or as a compound, with the qualifiers and misreadings a printed header carries.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::cells::plain_label_words;
use crate::vocabulary::one_edit_apart;

use super::column_names::{HEADERS, NET_AMOUNTS};

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Description,
    Quantity,
    UnitPrice,
    Amount,
    TaxRate,
    /// A line's discount ("Rem.", "Rabatt %"): read by no field, but its figures stay out of
    /// the description.
    Discount,
    /// A line's tax in money ("Tax value", "VAT amount"): read by no field (the rate column
    /// is the tax), kept apart so its figure is neither the line's amount nor its rate.
    TaxAmount,
    Sku,
    Date,
    Debit,
    Credit,
    Balance,
    /// A column whose name the vocabulary does not know ("Propriétaire", a unit column headed
    /// "."): its words belong to no field, and not to the description beside it.
    Unnamed,
}

impl ColumnKind {
    /// Whether the column holds amounts of money.
    pub(super) fn is_money(self) -> bool {
        matches!(
            self,
            ColumnKind::Amount | ColumnKind::Balance | ColumnKind::Debit | ColumnKind::Credit
        )
    }
}

/// Words compared for a column name: "BTW%" is "BTW %", and dotted abbreviations compare word by
/// word ("P.Unitario" is "p unitario", "B.Imp." "b imp").
fn normalised(text: &str) -> Vec<String> {
    plain_label_words(&text.replace('%', " %").replace('.', " "))
}

/// Every column name in its compared form, made once: `header_kind` runs for each phrase of each
/// row a document has.
static NAMES: LazyLock<Vec<(ColumnKind, Vec<String>)>> = LazyLock::new(|| {
    HEADERS
        .iter()
        .map(|(kind, names)| {
            // The net names are amount names too, kept in one list.
            let net = NET_AMOUNTS.iter().filter(|_| *kind == ColumnKind::Amount);
            (
                *kind,
                names
                    .iter()
                    .chain(net)
                    .map(|n| normalised(n).join(" "))
                    .collect(),
            )
        })
        .collect()
});

static NET: LazyLock<Vec<String>> = LazyLock::new(|| {
    NET_AMOUNTS
        .iter()
        .map(|n| normalised(n).join(" "))
        .collect()
});

/// Whether a column name says its amounts are before tax.
pub(super) fn is_net_amount(text: &str) -> bool {
    // A currency in brackets after the name ("Taxable Amount(Rs)", "Net amount (EUR)") does
    // not change what the column holds.
    let bare = match (text.find('('), text.rfind(')')) {
        (Some(open), Some(close)) if open < close => {
            format!("{}{}", &text[..open], &text[close + 1..])
        }
        _ => text.to_string(),
    };
    [text, &bare].iter().any(|t| {
        let mut words = normalised(t);
        if NET.contains(&words.join(" ")) {
            return true;
        }
        // A letter after the name, as `lettered` reads it: "Net f" is "Net £" as OCR reads
        // the pound sign.
        let lettered = words.len() > 1
            && words
                .last()
                .is_some_and(|w| w.chars().count() == 1 && w.chars().all(char::is_alphabetic));
        lettered && {
            words.pop();
            NET.contains(&words.join(" "))
        }
    })
}

pub(super) fn header_kind(text: &str) -> Option<ColumnKind> {
    // Names glued into one word: "Preis-EUR", "Art.-Nr.", and a column named twice over a
    // slash, "Bezeichnung/Zusatztext", by its first name that is known.
    kind_of(text)
        .or_else(|| {
            text.contains('-')
                .then(|| kind_of(&text.replace('-', " ")))
                .flatten()
        })
        .or_else(|| compound_head(text))
        .or_else(|| closed_compound_head(text))
        .or_else(|| lettered(text))
        .or_else(|| two_names(text))
        .or_else(|| qualified(text))
        .or_else(|| numbered_compound(text))
        .or_else(|| {
            let mut parts = text.split('/').filter(|p| !p.trim().is_empty());
            (text.contains('/') && !text.contains(' '))
                .then(|| parts.find_map(kind_of))
                .flatten()
        })
}

/// A hyphenated compound is named by its last part, as German compounds are ("Pos-Betrag",
/// "Einzel-Preis"), where that part names a figure and the first does not make it a tax's or a
/// discount's ("USt-Betrag" is the tax, not the line's amount).
fn compound_head(text: &str) -> Option<ColumnKind> {
    let (first, last) = text.rsplit_once('-')?;
    let head = kind_of(last)?;
    let figure = matches!(
        head,
        ColumnKind::Amount | ColumnKind::UnitPrice | ColumnKind::Quantity
    );
    let qualifier = kind_of(first);
    let plain = qualifier.is_none_or(|k| matches!(k, ColumnKind::Sku));
    (figure && plain && !first.trim().is_empty()).then_some(head)
}

/// A name with a bracketed note on what its figures leave out ("Sum (ex.)", "Total (net)"):
/// the name's column. A note that they include tax ("Amount (incl. VAT)") makes them gross,
/// which no name here is.
fn qualified(text: &str) -> Option<ColumnKind> {
    let (name, note) = text.split_once('(')?;
    let note = note.to_lowercase();
    let gross = ["incl", "inkl", "gross", "brutto", "ttc", "iva incl"]
        .iter()
        .any(|g| note.contains(g));
    (!gross && !name.trim().is_empty())
        .then(|| kind_of(name.trim()))
        .flatten()
        .filter(|k| *k != ColumnKind::Unnamed)
}

/// A German compound naming a number ("Verrechnungsnr.", "Bestellnummer"): a reference's
/// column, as "Art.-Nr." is.
fn numbered_compound(text: &str) -> Option<ColumnKind> {
    let [word] = normalised(text).try_into().ok()?;
    let stem = word
        .strip_suffix("nummer")
        .or_else(|| word.strip_suffix("nr"))?;
    (stem.chars().count() >= 4 && stem.chars().all(char::is_alphabetic)).then_some(ColumnKind::Sku)
}

/// A quantity's column and its unit's named in one cell ("Quantity Unit", "Menge Einheit"):
/// the figures under it are the quantity's, the unit's column holds words.
fn two_names(text: &str) -> Option<ColumnKind> {
    const UNITS: &[&str] = &[
        "unit", "units", "uom", "einheit", "me", "unité", "unidad", "eenheid",
    ];
    let words = normalised(text);
    let (unit, quantity) = words.split_last()?;
    (UNITS.contains(&unit.as_str()) && kind_of(&quantity.join(" ")) == Some(ColumnKind::Quantity))
        .then_some(ColumnKind::Quantity)
}

/// A column name with a letter after it that tells two such columns apart ("Qty.O" and "Qty.S",
/// the quantities ordered and shipped).
fn lettered(text: &str) -> Option<ColumnKind> {
    let words = normalised(text);
    match words.as_slice() {
        [name, letter]
            if letter.chars().count() == 1 && letter.chars().all(char::is_alphabetic) =>
        {
            kind_of(name).filter(|k| *k != ColumnKind::Unnamed)
        }
        _ => None,
    }
}

/// A line's amount named by a compound written as one word ("Regeltotaal", "Zeilenbetrag"),
/// by its last part, where that is an amount's name of five letters or more and the first part
/// is no column's name and does not make it a base, a gross, a tax's or a discount's amount
/// ("Basisbetrag", "Steuerbetrag", "Rabattbetrag").
fn closed_compound_head(text: &str) -> Option<ColumnKind> {
    static HEADS: LazyLock<Vec<String>> = LazyLock::new(|| {
        NAMES
            .iter()
            .filter(|(kind, _)| *kind == ColumnKind::Amount)
            .flat_map(|(_, names)| names.iter().cloned())
            .filter(|n| !n.contains(' ') && n.chars().count() >= 5)
            .collect()
    });
    let [word] = normalised(text).try_into().ok()?;
    HEADS.iter().find_map(|head| {
        let first = word.strip_suffix(head.as_str())?;
        let plain = first.chars().count() >= 3
            && kind_of(first).is_none_or(|k| k == ColumnKind::Sku)
            && !QUALIFIERS.iter().any(|t| first.starts_with(t));
        plain.then_some(ColumnKind::Amount)
    })
}

/// First parts that make a compound some other amount than the line's, where the part alone is
/// no column's name.
const QUALIFIERS: &[&str] = &[
    "basis",
    "brutto",
    "steuer",
    "mwst",
    "ust",
    "vat",
    "tax",
    "btw",
    "tva",
    "iva",
    "rabatt",
    "skonto",
    "korting",
    "remise",
    "sconto",
    "descuento",
    "rechnung",
    "zahl",
    "gesamt",
];

fn kind_of(text: &str) -> Option<ColumnKind> {
    let mut words = normalised(text);
    // "Totaal(EUR)", "Amount (€)": the currency says nothing of the column.
    if words.len() > 1
        && words
            .last()
            .is_some_and(|w| w == "€" || crate::currency::is_currency_word(&w.to_uppercase()))
    {
        words.pop();
    }
    let words = words.join(" ");
    NAMES
        .iter()
        .find(|(_, names)| names.contains(&words))
        .map(|(k, _)| *k)
        .or_else(|| misread_kind(&words))
}

/// A capital I read as an L, as OCR does on dotted capitals: the names squeezed, with every
/// 'l' taken for an 'i' ("LV.A." and "L.V.A." are "I.V.A.").
fn squeezed(name: &str) -> String {
    name.chars()
        .filter(|c| *c != ' ')
        .map(|c| if c == 'l' { 'i' } else { c })
        .collect()
}

/// Every column name squeezed, for [`misread_kind`]; the first kind named so wins.
static SQUEEZED: LazyLock<HashMap<String, ColumnKind>> = LazyLock::new(|| {
    let mut out = HashMap::new();
    for (kind, names) in NAMES.iter() {
        for name in names {
            out.entry(squeezed(name)).or_insert(*kind);
        }
    }
    out
});

/// The column names of two words or more, as letters per word, for [`misread_kind`].
static SPLIT: LazyLock<Vec<(ColumnKind, Vec<Vec<char>>)>> = LazyLock::new(|| {
    NAMES
        .iter()
        .flat_map(|(kind, names)| names.iter().map(move |n| (*kind, n)))
        .filter(|(_, n)| n.contains(' '))
        .map(|(kind, n)| (kind, n.split(' ').map(|w| w.chars().collect()).collect()))
        .collect()
});

/// A column name as OCR misreads it on a photo: an I read as an L ("L.V.A."), or, in a name
/// of two words or more, one word of four letters or more one letter off with its first
/// letter right and another word exact ("Total Noto" for "Total Neto").
fn misread_kind(words: &str) -> Option<ColumnKind> {
    let short = squeezed(words);
    if short.chars().count() >= 3
        && let Some(kind) = SQUEEZED.get(&short)
    {
        return Some(*kind);
    }
    if !words.contains(' ') {
        return None;
    }
    let got: Vec<Vec<char>> = words.split(' ').map(|w| w.chars().collect()).collect();
    let close = |want: &[Vec<char>]| {
        let mut exact = 0;
        want.len() == got.len()
            && got.iter().zip(want).all(|(g, w)| {
                if g == w {
                    exact += 1;
                    true
                } else {
                    w.len() >= 4
                        && g.first() == w.first()
                        && g.len().abs_diff(w.len()) <= 1
                        && one_edit_apart(g, w)
                }
            })
            && exact >= 1
    };
    SPLIT.iter().find(|(_, want)| close(want)).map(|(k, _)| *k)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Welplast's Dutch invoice heads its amounts "Regeltotaal" and its prices "Prijs per stuk";
    /// German e-invoices print "Basisbetrag" and "Bruttosumme" beside their own line amounts.
    #[test]
    fn a_compound_written_as_one_word_is_named_by_its_last_part() {
        assert_eq!(header_kind("Regeltotaal"), Some(ColumnKind::Amount));
        assert_eq!(header_kind("Zeilenbetrag"), Some(ColumnKind::Amount));
        assert_eq!(header_kind("Prijs per stuk"), Some(ColumnKind::UnitPrice));
        // A tax's or a discount's amount, and a short or unknown first part, are not a line's.
        assert_eq!(header_kind("Steuerbetrag"), Some(ColumnKind::TaxAmount));
        assert_eq!(header_kind("Rabattbetrag"), None);
        assert_eq!(header_kind("MwStbetrag"), Some(ColumnKind::TaxAmount));
        assert_eq!(header_kind("Skontobetrag"), None);
        assert_eq!(header_kind("Totaal"), Some(ColumnKind::Amount));
        assert_eq!(header_kind("Basisbetrag"), None);
        // ArtLink's quantities ordered and shipped.
        assert_eq!(header_kind("QTY.O"), Some(ColumnKind::Quantity));
        assert_eq!(header_kind("QTY.S"), Some(ColumnKind::Quantity));
        assert_eq!(header_kind("Bruttosumme"), None);
    }

    #[test]
    fn a_column_name_with_its_currency_or_a_glued_percent_is_known() {
        assert_eq!(header_kind("Totaal(EUR)"), Some(ColumnKind::Amount));
        assert_eq!(header_kind("Amount (€)"), Some(ColumnKind::Amount));
        assert_eq!(header_kind("BTW%"), Some(ColumnKind::TaxRate));
        assert_eq!(header_kind("EUR"), None);
        assert_eq!(header_kind("Prijs"), Some(ColumnKind::UnitPrice));
        // Dotted abbreviations.
        assert_eq!(header_kind("P.Unitario"), Some(ColumnKind::UnitPrice));
        assert_eq!(header_kind("B.Imp."), Some(ColumnKind::Amount));
        assert_eq!(header_kind("P.U. HT"), Some(ColumnKind::UnitPrice));
    }

    /// As OCR read Panifiesto's header on a photo and a low-DPI scan of the invoice.
    #[test]
    fn a_column_name_misread_by_ocr_still_names_its_column() {
        assert_eq!(header_kind("I.V.A."), Some(ColumnKind::TaxRate));
        assert_eq!(header_kind("LV.A."), Some(ColumnKind::TaxRate));
        assert_eq!(header_kind("L.V.A."), Some(ColumnKind::TaxRate));
        assert_eq!(header_kind("Total Noto"), header_kind("Total Neto"));
        assert!(header_kind("Total Noto").is_some());
        // A word of three letters, a wrong first letter, or no word exact: no name.
        assert_eq!(header_kind("Tatal Noto"), None);
        assert_eq!(header_kind("Total Beto"), None);
        assert_eq!(header_kind("Lva"), header_kind("Iva"));
    }

    #[test]
    fn names_glued_into_one_word_name_their_columns() {
        for (name, kind) in [
            ("Bezeichnung/Zusatztext", ColumnKind::Description),
            ("Preis-EUR", ColumnKind::UnitPrice),
            ("Betrag-EUR", ColumnKind::Amount),
            ("Art.-Nr.", ColumnKind::Sku),
            ("USt-%", ColumnKind::TaxRate),
            // A compound is named by its last part, a line's position's amount by "Betrag".
            ("Pos-Betrag", ColumnKind::Amount),
            ("Einzel-Preis", ColumnKind::UnitPrice),
            ("Gesamtbetrag", ColumnKind::Amount),
        ] {
            assert_eq!(header_kind(name), Some(kind), "{name}");
        }
        assert_eq!(header_kind("Waren-gr."), None);
        // The tax's or the discount's amount is not the line's.
        assert_eq!(header_kind("USt-Betrag"), None);
        assert_eq!(header_kind("Rabatt-Betrag"), None);
    }
}
