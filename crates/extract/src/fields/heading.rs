//! The document's number and date where its heading prints them rather than a label
//! ("Handelsrechnung (380) Nr. 471102 vom 05.03.2018", "FACTURE N°052273"), and what makes a
//! cell a title.

use super::field;
use crate::Field;
use crate::cells::{Cell, Row, label_words, unaccented};
use crate::normalize::{DateOrder, find_date, is_grouped_amount, looks_like_money};
use crate::vocabulary::{CREDIT_WORDS, INVOICE_WORDS, NUMBER_MARKS, TITLES};

pub(crate) fn is_title(text: &str) -> bool {
    // OCR reads a capital I as an l ("Facture/lnvoice/Rechnung"); no word starts "ln".
    let w = label_words(text)
        .iter()
        .map(|w| match w.strip_prefix("ln") {
            Some(rest) => format!("in{rest}"),
            None => w.clone(),
        })
        .collect::<Vec<_>>()
        .join(" ");
    // Compared without spaces as well: OCR reads "TAX INVOICE" as "TAXINVOICE".
    let squeezed = w.replace(' ', "");
    // German titles are compounds: "Mietrechnung", "Versicherungsrechnung".
    let compound = !w.contains(' ')
        && ["rechnung", "gutschrift"]
            .iter()
            .any(|t| w.len() > t.len() && w.ends_with(t));
    // One title in several languages ("Facture/Invoice/Rechnung").
    let translated = w.contains(' ') && w.split(' ').all(|word| TITLES.contains(&word));
    TITLES
        .iter()
        .any(|t| w == *t || squeezed == t.replace(' ', ""))
        || compound
        || translated
        || w.starts_with("page ")
        || is_page_number(text)
}

/// A page's number as a page prints it in a corner: "Pag.1/2", "Seite 2 von 3", "Página 1 de
/// 2", "Page 3": no name, however large OCR boxed it.
fn is_page_number(text: &str) -> bool {
    const PAGE: &[&str] = &[
        "pagina", "página", "page", "pag", "seite", "blatt", "hoja", "blad",
    ];
    const OF: &[&str] = &["of", "di", "de", "von", "sur", "van", "/"];
    let lower = text.trim().to_lowercase();
    let Some(rest) = PAGE.iter().find_map(|p| lower.strip_prefix(p)) else {
        return false;
    };
    // Any stop or colon between, a fullwidth one too ("PAGE：1/2" as OCR reads it).
    let rest = rest
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .replace('/', " / ");
    let words: Vec<&str> = rest.split_whitespace().collect();
    let number = |w: &&str| !w.is_empty() && w.chars().all(|c| c.is_ascii_digit());
    match words[..] {
        [n] => number(&n),
        [n, of, total] => number(&n) && OF.contains(&of) && number(&total),
        _ => false,
    }
}

/// A heading that names the document and carries its number ("FACTURE N°052273", "Invoice
/// 1234"): a title word first, then figures. No company's name.
pub(crate) fn is_numbered_heading(text: &str) -> bool {
    let words = label_words(&unglue_heading(text));
    words.len() >= 2
        && TITLES.contains(&words[0].as_str())
        && words[1..]
            .iter()
            .any(|w| w.chars().any(|c| c.is_ascii_digit()))
}

/// The document's number printed in its heading rather than under a label: "Handelsrechnung
/// (380) Nr. 471102 vom 05.03.2018", "Facture n° F-2024-17": a word that names the document
/// (also inside a compound), an optional bracketed code, a number mark, then the number; or the
/// title alone with the number after it.
///
/// A heading starts with its title: a cell that names the document further on ("Descrizione
/// causale: 1° fattura di n. 3 totali") is asked only when no cell starts with one.
pub fn titled_number(rows: &[Row], order: DateOrder) -> Option<Field> {
    let cells = || rows.iter().flat_map(|r| r.cells.iter());
    cells()
        .find_map(|cell| heading_number(cell, order, true))
        .or_else(|| cells().find_map(|cell| heading_number(cell, order, false)))
        .or_else(|| title_over_number(rows, order))
        .or_else(|| title_beside_number(rows, order))
}

/// The title in a cell of its own with the number in the next cell of its row ("FAKTURA
/// INVOICE | 000203519"): every word of the title names the document, in one language or two.
fn title_beside_number(rows: &[Row], order: DateOrder) -> Option<Field> {
    rows.iter().find_map(|row| {
        row.cells.windows(2).find_map(|pair| {
            let words = label_words(&pair[0].text);
            let title = (1..=3).contains(&words.len())
                && words
                    .iter()
                    .all(|w| w.len() >= 5 && INVOICE_WORDS.contains(&w.as_str()));
            title.then(|| code_cell(&pair[1], order)).flatten()
        })
    })
}

/// The number `cell` gives after a title, with the title its first word when `leading`.
fn heading_number(cell: &Cell, order: DateOrder, leading: bool) -> Option<Field> {
    let text = unglue_heading(&cell.text.replace('(', " ("));
    let words: Vec<&str> = text.split_whitespace().collect();
    let plain = |w: &str| {
        w.trim_matches(|c: char| !c.is_alphanumeric() && c != '#' && c != 'º')
            .to_lowercase()
    };
    // A credit note's one-word title ("Avoir", "Gutschrift") names the document as well.
    let credit = |w: &str| !w.contains(' ') && CREDIT_WORDS.contains(&w);
    // A title followed by its UNTDID 1001 code ("BUCHUNGSHILFE (751)") names the document
    // whatever the word.
    let coded = |i: usize| {
        words.get(i + 1).is_some_and(|n| {
            let code = n.trim_start_matches('(').trim_end_matches(')');
            n.starts_with('(') && code.len() == 3 && code.chars().all(|c| c.is_ascii_digit())
        })
    };
    let start = (0..words.len()).find(|&i| {
        let w = plain(words[i]);
        w.len() >= 5
            && (INVOICE_WORDS.iter().any(|i| i.len() >= 6 && w.ends_with(i))
                || credit(&w)
                || (coded(i) && w.chars().all(char::is_alphabetic))
                || TITLES
                    .iter()
                    .any(|t| t.len() >= 6 && !t.contains(' ') && w == *t))
    })?;
    if leading && start > 0 {
        return None;
    }
    // "Facture FA-2017-0009", "Avoir AV-2017-0005": the title alone on its line with the
    // number and no mark.
    // A word may qualify the title ("Facture client 2002093", "Factură fiscală").
    let title = plain(words[0]);
    let qualified =
        words.len() == 3 && TITLE_QUALIFIERS.contains(&unaccented(&plain(words[1])).as_str());
    if start == 0
        && (words.len() == 2 || qualified)
        && (INVOICE_WORDS.contains(&title.as_str()) || credit(&title))
        && let value = words[words.len() - 1].trim_end_matches([',', ';', '.'])
        && is_document_code(value, order)
    {
        return Some(field(value.to_string(), cell, value));
    }
    // Up to five words between: "Rechnung des Versicherers (575) Nr. ...", "Invoice
    // information for accounting purposes (751) Nr. ...".
    let i = (start + 1..(start + 7).min(words.len()))
        .find(|&i| NUMBER_MARKS.contains(&plain(words[i]).as_str()))?;
    let value = words.get(i + 1)?.trim_start_matches([':', '#']);
    let value = value.trim_end_matches([',', ';', '.']);
    let digits = |w: &str| w.chars().any(|c| c.is_ascii_digit());
    // A series of capitals printed apart from the number ("Nr. FPR 101/22 del ...").
    let value = match words.get(i + 2) {
        Some(number)
            if !digits(value)
                && (1..=4).contains(&value.chars().count())
                && value.chars().all(|c| c.is_ascii_uppercase())
                && digits(number)
                && find_date(number, order).is_none() =>
        {
            format!("{value} {}", number.trim_end_matches([',', ';', '.']))
        }
        _ => value.to_string(),
    };
    (digits(&value) && find_date(&value, order).is_none())
        .then(|| field(value.clone(), cell, &value))
}

/// The title alone in a box with the number under it ("FACTURA" over "25-100101-387"): the
/// code right below the title, overlapping it, within a line and a half.
fn title_over_number(rows: &[Row], order: DateOrder) -> Option<Field> {
    let cells: Vec<&Cell> = rows.iter().flat_map(|r| r.cells.iter()).collect();
    cells.iter().find_map(|title| {
        let word = label_words(&title.text);
        let [word] = word.as_slice() else {
            return None;
        };
        if word.len() < 5 || !INVOICE_WORDS.contains(&word.as_str()) {
            return None;
        }
        // OCR pads its boxes: the line under the title may start before the title's box ends.
        let next_line = |c: &&&Cell| {
            c.page == title.page
                && c.bbox.y0 >= title.bbox.y0 + title.bbox.height() * 0.6
                && c.bbox.y0 - title.bbox.y1 < title.bbox.height() * 1.5
        };
        let under = cells
            .iter()
            .filter(next_line)
            .filter(|c| c.bbox.overlaps_x(&title.bbox))
            .min_by(|a, b| a.bbox.y0.total_cmp(&b.bbox.y0));
        if let Some(found) = under.and_then(|c| code_cell(c, order)) {
            return Some(found);
        }
        // "FACTURE" over "AFFACTUREE N°  UC1_2023020_AFF" (or over "N° ..."): the title goes
        // on over the next line and ends with a number mark, the code right of it.
        let reach = title.bbox.x1 + 3.0 * title.bbox.height();
        let mark = cells.iter().filter(next_line).find(|c| {
            let words = label_words(&c.text);
            c.bbox.x0 >= title.bbox.x0 - title.bbox.height()
                && c.bbox.x0 <= reach
                && words.len() <= 3
                && words
                    .last()
                    .is_some_and(|w| NUMBER_MARKS.contains(&w.as_str()))
        })?;
        let value = cells
            .iter()
            .filter(|c| c.page == mark.page && c.bbox.x0 > mark.bbox.x1)
            .filter(|c| c.bbox.vertical_overlap(&mark.bbox) > 0.5)
            .min_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0))?;
        code_cell(value, order)
    })
}

/// A cell that holds one document code and nothing else ("25-100101-387", "#000203519").
fn code_cell(cell: &Cell, order: DateOrder) -> Option<Field> {
    let value = cell.text.trim().trim_start_matches('#');
    (!value.contains(char::is_whitespace) && is_document_code(value, order))
        .then(|| field(value.to_string(), cell, value))
}

/// Whether a word printed with the document's title can be its number: a code of three or more
/// characters with a figure, neither an amount nor a date.
fn is_document_code(value: &str, order: DateOrder) -> bool {
    // A series of letter codes before the year, month and count ("FSU/ANS/RO/23/12/21216")
    // holds a date's shape but is no date.
    let series = value.split(['/', '-']).count() >= 4
        && value.chars().filter(|c| c.is_alphabetic()).count() >= 4;
    value.chars().count() >= 3
        && value.chars().any(|c| c.is_ascii_digit())
        && !looks_like_money(value)
        && !is_grouped_amount(value)
        && (series || find_date(value, order).is_none())
}

/// A heading whose spaces OCR dropped gets them back where a number starts: after a number
/// mark ("Nr.E2018092011804") and after the document's title ("FactureFA-2017-0010",
/// "Facturen°2022030201155"), when what follows holds a digit.
pub(super) fn unglue_heading(text: &str) -> String {
    // By characters: a word's first n characters against a lower-case prefix, so a letter
    // whose lower case has another length never puts the cut inside a character.
    let after = |word: &str, prefix: &str| -> Option<usize> {
        let n = prefix.chars().count();
        let (cut, _) = word.char_indices().nth(n)?;
        (word[..cut].to_lowercase() == prefix).then_some(cut)
    };
    let with_digit =
        |rest: &str| rest.chars().count() >= 3 && rest.chars().any(|c| c.is_ascii_digit());
    let after_mark = |word: &str| -> Option<usize> {
        ["nr.", "no.", "n°", "nº", "nr:", "no:"]
            .iter()
            .find_map(|mark| after(word, mark))
            .filter(|&cut| with_digit(&word[cut..]))
    };
    let split = |word: &str| -> Option<usize> {
        if let Some(cut) = after_mark(word) {
            return Some(cut);
        }
        INVOICE_WORDS
            .iter()
            .filter(|t| t.chars().count() >= 6 && !t.contains(' '))
            .find_map(|t| after(word, t))
            .filter(|&cut| {
                let tail = &word[cut..];
                // The number, or its mark and then the number ("Facturen°2022030201155").
                (tail
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
                    && with_digit(tail))
                    || after_mark(tail).is_some()
            })
    };
    text.split_whitespace()
        .map(|w| match split(w) {
            Some(cut) => {
                let tail = &w[cut..];
                // A title glued to the number's mark and the number: both spaces come back.
                match after_mark(tail) {
                    Some(m) => format!("{} {} {}", &w[..cut], &tail[..m], &tail[m..]),
                    None => format!("{} {}", &w[..cut], tail),
                }
            }
            None => w.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The date in the heading that carries the document's number ("... Nr. 471102 vom
/// 05.03.2018"): the date of issue, where a form prints other dates (its own version, the
/// delivery) before it.
pub fn titled_date(rows: &[Row], number: &Field, order: DateOrder) -> Option<Field> {
    let (row, cell) = super::cell_of(rows, number)?;
    let at = cell.text.find(&number.raw)? + number.raw.len();
    let rest = &cell.text[at..];
    if let Some((iso, raw)) = find_date(rest, order) {
        return Some(field(iso, cell, &raw));
    }
    // "... Nr. 01.234.567.8-2018-1 vom" / "06.12.2018": the heading wrapped before its date,
    // which then opens the next line.
    let last = rest.split_whitespace().last()?.to_lowercase();
    if !DATE_CONNECTORS.contains(&last.as_str()) {
        return None;
    }
    let next = rows.get(row + 1)?.cells.first()?;
    let (iso, raw) = find_date(&next.text, order)?;
    next.text
        .trim_start()
        .starts_with(raw.as_str())
        .then(|| field(iso, next, &raw))
}

/// Words that say which kind of invoice a title names, between it and its number.
const TITLE_QUALIFIERS: &[&str] = &[
    "client",
    "cliente",
    "fiscale",
    "fiscal",
    "fiscala",
    "commerciale",
    "commercial",
];

/// Words that join a document's number to its date in a heading: "Nr. 4711 vom 05.03.2018".
pub(super) const DATE_CONNECTORS: &[&str] =
    &["vom", "du", "del", "dated", "van", "dd", "d.d.", "of"];
