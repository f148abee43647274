//! Lines a letterhead sets as large as a name that name no one: section headings, a copy's
//! mark, contact details, a greeting, a sentence, a legal form spelled out, a labelled value,
//! a reference.

use super::has_legal_form;
use crate::cells::{plain_label_words, unaccented};
use crate::vocabulary::{COPY_MARKS, SECTION_HEADINGS};

/// A section's heading ("Summary", "Übersicht"), set as large as a name.
pub(super) fn is_section_heading(text: &str) -> bool {
    let words = plain_label_words(text).join(" ");
    SECTION_HEADINGS.iter().any(|h| unaccented(h) == words)
}

/// The mark of one printed copy ("ORIGINAL", "DUPLICADO"), set as large as a name above it.
pub(super) fn is_copy_mark(text: &str) -> bool {
    let words = plain_label_words(text).join(" ");
    COPY_MARKS.iter().any(|m| *m == words)
}

/// A web or mail address ("www.jamonesliebana.com", "E-mail: x@y.es"): contact details, which
/// letterheads often print larger than the name.
pub(super) fn is_contact(text: &str) -> bool {
    let t = text.to_lowercase();
    t.contains("www.") || t.contains("http") || t.contains('@')
}

/// A letter's greeting to the customer ("Hola Antonio,", "Guten Tag Levent Cetin,", "Dear
/// customer,"), which utility bills set large at the top.
pub(super) fn is_greeting(text: &str) -> bool {
    const OPENERS: &[&str] = &[
        "hola",
        "hello",
        "hi",
        "dear",
        "bonjour",
        "hallo",
        "guten",
        "sehr",
        "liebe",
        "lieber",
        "estimado",
        "estimada",
        "estimados",
        "gentile",
        "gentili",
        "caro",
        "cara",
        "beste",
        "geachte",
        "querido",
        "querida",
        "buenos",
        "buongiorno",
    ];
    let text = text.trim();
    let first = text
        .split_whitespace()
        .next()
        .map(|w| w.trim_end_matches([',', '!']).to_lowercase());
    first.is_some_and(|w| OPENERS.contains(&w.as_str())) && text.ends_with([',', '!'])
}

/// A legal form spelled out in the register's wording ("Société par actions simplifiée
/// unipersonnelle (SASU) au capital de ..."): what the company is, not its name.
pub(super) fn is_spelled_form(text: &str) -> bool {
    const SPELLED: &[&str] = &[
        "societe par actions simplifiee",
        "societe a responsabilite limitee",
        "societe anonyme",
        "sociedad limitada",
        "sociedad anonima",
        "sociedad de responsabilidad limitada",
        "gesellschaft mit beschrankter haftung",
        "societa a responsabilita limitata",
        "societa per azioni",
        "besloten vennootschap",
        "naamloze vennootschap",
        "private limited company",
        "public limited company",
    ];
    let words = plain_label_words(text).join(" ");
    SPELLED.iter().any(|s| words.starts_with(s))
}

/// A sentence of the letter's body ("aquí tienes tu factura de electricidad"): four words or
/// more, the first in small letters. Names start with a capital, or are one word ("e·on").
/// A name OCR read without its capital ("erbang Alaf Restaurants Sdn Bhd") keeps its legal form.
pub(super) fn is_sentence(text: &str) -> bool {
    text.split_whitespace().count() >= 4
        && text.trim_start().starts_with(char::is_lowercase)
        && !has_legal_form(text)
}

/// A label and its value in one cell ("Fin d'engagement : Date échue", "Kundennr.: A-17"): a
/// short label, a colon, a value. A name may end in a colon ("ACME:"), or run on into its
/// contacts ("GARDENIA BAKERIES (KL) SDN BHD ... Tel: 03-5542"); neither is a label.
pub(super) fn is_labelled_value(text: &str) -> bool {
    text.split_once(':').is_some_and(|(label, value)| {
        label.chars().any(char::is_alphabetic)
            && label.split_whitespace().count() <= 3
            && value.chars().any(char::is_alphanumeric)
            && !has_legal_form(text)
    })
}

/// A reference printed large in a heading ("UC1_2023020_AFF", "R87654321"): one word with
/// several figures, which no company name is.
pub(super) fn is_reference(text: &str) -> bool {
    let text = text.trim();
    !text.contains(char::is_whitespace) && text.chars().filter(char::is_ascii_digit).count() >= 3
}
