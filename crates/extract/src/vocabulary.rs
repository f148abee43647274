//! The words documents use, in English, German, French, Spanish, Italian and Dutch: the labels
//! of header fields, the words that tell one kind of document from another (in `kinds`), the
//! titles that head a document, and the legal forms that end a company's name (in
//! `legal_forms`). Kept apart from the code that uses them so that a language is added in one
//! place.
//!
//! Labels are compared word by word on `cells::label_words` (lower case, punctuation trimmed),
//! so "Rechnungs-Nr.:" is written here as "rechnungs-nr" and "N° facture" as "n facture".

use super::cells::unaccented;

mod header_labels;
mod kinds;
mod legal_forms;
pub use header_labels::{LABELS, labels};
pub use kinds::*;
pub use legal_forms::{LEGAL_FORMS, is_legal_form};

/// Labels of values no field takes, which start like a field's label.
pub const NOT_FIELDS: &[&str] = &[
    "total qty",
    "total quantity",
    "total items",
    "total item",
    "total savings",
    "total discount",
    "total includes",
    "total pieces",
    // What the customer handed over at the till, printed under the total it paid.
    "total tendered",
    "amount tendered",
    "gst included in total",
    "gesamtbetrag der zuschläge",
    "gesamtbetrag der abschläge",
    "montant déjà payé",
    // Other dates that start like "Date"/"Datum": the delivery or order day is not the
    // invoice's.
    "date of delivery",
    "date of supply",
    "delivery date",
    "order date",
    "date de livraison",
    "date de commande",
    "lieferdatum",
    "bestelldatum",
    // The customer's number starts like "Número" or "Invoice number" in a header box.
    "número de cliente",
    "número cliente",
    "nº de cliente",
    "nº cliente",
    "n de cliente",
    "n cliente",
    "numéro de client",
    "numéro client",
    "n de client",
    "numero cliente",
    "numero di cliente",
    "invoice customer number",
    "code client",
    // A count that starts like "Número" ("Número de dias faturados: 30", the days a bill
    // covers).
    "número de dias",
    "numero di giorni",
    // A contact person's label, printed beside the addressee.
    "contactpersoon",
    "contact person",
    "ansprechpartner",
    "interlocuteur",
    "client code",
    "customer code",
    "código cliente",
    "codice cliente",
];

/// Words that title a document rather than name its issuer.
/// What marks one printed copy of a document from another ("ORIGINAL", "DUPLICADO"): it names
/// no one.
pub const COPY_MARKS: &[&str] = &[
    "original",
    "duplicado",
    "triplicado",
    "copia",
    "duplicate",
    "triplicate",
    "copy",
    "customer copy",
    "merchant copy",
    "kopie",
    "duplikat",
    "copie",
    "duplicata",
    "duplicato",
    // India's GST copies: "(Original for Recipient)", "Duplicate for Transporter".
    "original for recipient",
    "duplicate for transporter",
    "duplicate for supplier",
    "triplicate for supplier",
    "original for buyer",
];

pub const TITLES: &[&str] = &[
    // Brazil's consumer receipt heads with its legal name.
    "documento auxiliar da nota fiscal de consumidor eletronica",
    "invoice",
    "tax invoice",
    "sales invoice",
    "commercial invoice",
    "simplified tax invoice",
    "bill",
    "cash bill",
    "cash sale",
    "credit note",
    "credit memo",
    "statement",
    "account statement",
    "statement of account",
    "bank statement",
    "receipt",
    "official receipt",
    "page",
    "rechnung",
    "rechnungskorrektur",
    "gutschrift",
    "kontoauszug",
    "quittung",
    "facture",
    "avoir",
    "relevé de compte",
    "factura",
    "factura de venta",
    "recibo",
    "fattura",
    "ricevuta",
    "factuur",
    "creditnota",
    "kassabon",
    "arve",
    "kreeditarve",
    "выписка",
    "factură",
    "factura fiscala",
    "factură fiscală",
    "számla",
    "фактура",
    "faktura",
    "faktura vat",
];

/// Words that mark the document's number in a heading ("Handelsrechnung (380) Nr. 471102").
pub const NUMBER_MARKS: &[&str] = &[
    "nr", "no", "n", "nº", "#", "number", "nummer", "numéro", "número", "numero", "num",
];

/// Whether one word as printed is a number mark ("Nr.", "No:", "nº").
pub fn is_number_mark(word: &str) -> bool {
    NUMBER_MARKS.contains(&word.trim_end_matches(['.', ':']).to_lowercase().as_str())
}

/// Headings of a page's sections, printed as large as a name ("Summary", "Details"): never the
/// issuer.
pub const SECTION_HEADINGS: &[&str] = &[
    "summary",
    "details",
    "overview",
    "invoice summary",
    "invoice details",
    "account summary",
    "billing summary",
    "order summary",
    "charge details",
    "payment details",
    "zusammenfassung",
    "übersicht",
    "résumé",
    "détails",
    "resumen",
    "detalles",
    "riepilogo",
    "dettagli",
    "overzicht",
];

/// Headings of the block that names the issuer on form-like invoices ("Verkäufer", then
/// "Name: ...").
pub const SELLER_HEADINGS: &[&str] = &[
    "seller",
    "supplier",
    "vendor",
    "verkäufer",
    "lieferant",
    "rechnungssteller",
    "vendeur",
    "fournisseur",
    "vendedor",
    "proveedor",
    "fornitore",
    "dati fornitore",
    "cedente prestatore",
    "dati cedente",
    "datos del proveedor",
    "datos del emisor",
    "emisor",
    "données du fournisseur",
    "lieferantendaten",
    "leverancier",
    "crediteur",
    "émetteur",
    "furnizor",
    "vânzător",
    "prestator",
    // A Spanish electricity bill's retailer ("Comercializadora: Repsol Comercializadora de
    // Electricidad y Gas, S.L.U.").
    "comercializadora",
    "sprzedawca",
    "dodavatel",
    "szállító",
    "eladó",
    "доставчик",
    "продавец",
];

/// Whether `text` (label words without accents, `plain_label_words`, joined by spaces) names
/// the phrase, accents aside, since OCR often drops them ("NET A PAYER"): as a whole word for
/// short phrases, anywhere for long ones.
pub fn mentions(text: &str, phrase: &str) -> bool {
    let phrase = unaccented(phrase);
    if phrase.chars().count() <= 4 {
        text.split(|c: char| !c.is_alphanumeric() && c != '%' && c != '\'')
            .any(|w| w == phrase)
    } else if phrase.contains(' ') {
        // A phrase of words ends where its last word does: "bill to" is not in "bill total".
        text.match_indices(phrase.as_str()).any(|(at, _)| {
            text[at + phrase.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric())
        })
    } else {
        text.contains(&phrase)
    }
}

/// How many of the one-word phrases stand as words of their own in `text`: "change" is not in
/// "exchange" nor in "changes".
pub fn count_words(text: &str, words: &[&str]) -> usize {
    words
        .iter()
        .filter(|w| {
            let w = unaccented(w);
            text.split(|c: char| !c.is_alphanumeric()).any(|t| t == w)
        })
        .count()
}

/// Whether `text` (as for [`mentions`]) names the phrase as a word of its own or as the end of
/// a compound ("Handelsgutschrift"), never inside a longer word ("Beitragsgutschriften").
pub fn names(text: &str, phrase: &str) -> bool {
    let phrase = unaccented(phrase);
    if phrase.contains(' ') {
        return text.contains(&phrase);
    }
    text.split(|c: char| !c.is_alphanumeric())
        .any(|w| w.ends_with(&phrase))
}

/// Whether two words differ by at most one letter changed, added or dropped.
pub(crate) fn one_edit_apart(a: &[char], b: &[char]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let same_start = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    let same_end = short
        .iter()
        .rev()
        .zip(long.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    // Equal lengths: one substitution leaves everything before and after it equal; otherwise
    // one insertion does.
    same_start + same_end >= long.len() - 1
}

/// Whether `text` (as for [`mentions`]) holds the phrase of two or more words as OCR may
/// misread it: each word as printed or one letter off ("Neuor Kontostand"), at least one
/// of them exact, and the misread ones of four letters or more starting with the right one;
/// or a long phrase with its spaces lost.
pub fn mentions_misread(text: &str, phrase: &str) -> bool {
    let phrase = unaccented(phrase);
    // OCR also drops the space between the words ("NeuerKontostand").
    let squeezed = phrase.replace(' ', "");
    if text.contains(&phrase)
        || (squeezed.chars().count() >= 10 && text.replace(' ', "").contains(&squeezed))
    {
        return true;
    }
    let want: Vec<Vec<char>> = phrase.split(' ').map(|w| w.chars().collect()).collect();
    if want.len() < 2 {
        return false;
    }
    let words: Vec<Vec<char>> = text.split(' ').map(|w| w.chars().collect()).collect();
    words.windows(want.len()).any(|window| {
        let mut exact = 0;
        let all = window.iter().zip(&want).all(|(got, want)| {
            if got == want {
                exact += 1;
                true
            } else {
                want.len() >= 4 && got.first() == want.first() && one_edit_apart(got, want)
            }
        });
        all && exact >= 1
    })
}

/// How many of the phrases `text` mentions; a phrase listed with and without its accents
/// ("espèce", "espece") counts once.
pub fn count(text: &str, phrases: &[&str]) -> usize {
    let mut seen = std::collections::HashSet::new();
    phrases
        .iter()
        .filter(|p| seen.insert(unaccented(p)) && mentions(text, p))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_words_count_only_whole_and_long_ones_inside_compounds() {
        assert!(!mentions("august 2025", "ust"));
        assert!(mentions("19 % ust", "ust"));
        assert!(mentions("handelsrechnung 380 nr 471102", "rechnung"));
        assert_eq!(count("facture n 12 total ttc tva", INVOICE_WORDS), 3);
        // A phrase of words ends at a word's end: a bill's total asks no one to pay later.
        assert!(!mentions("bill total 594 00", "bill to"));
        assert!(mentions("bill to acme ltd", "bill to"));
        assert!(mentions("handelsrechnung", "rechnung"));
        // One word, listed with and without its accent, is one word of a receipt, not two.
        assert_eq!(count("mode reglement especes", RECEIPT_WORDS), 1);
    }

    #[test]
    fn a_label_ocr_misread_by_one_letter_is_still_named() {
        assert!(mentions_misread("neuor kontostand", "neuer kontostand"));
        assert!(mentions_misread("saldo anteror 12", "saldo anterior"));
        assert!(mentions_misread("closing balanse", "closing balance"));
        assert!(mentions_misread("eur neuerkontostand", "neuer kontostand"));
        // Every word off, a short word off, or two letters off: not the label.
        assert!(!mentions_misread("neuor kontostamd", "neuer kontostand"));
        assert!(!mentions_misread("nem kontostand", "neu kontostand"));
        assert!(!mentions_misread("neuxx kontostand", "neuer kontostand"));
        assert!(!mentions_misread("kontostand", "neuer kontostand"));
    }
}
