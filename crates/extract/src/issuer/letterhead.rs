//! Which line of a letterhead is the issuer's name as it signs: the plain name heading the
//! postal address under a logo, a placeholder or a slogan, and the parts of a name that OCR
//! read apart.

use super::domain;
use super::{has_legal_form, is_postal_line};
use crate::cells::{Cell, Row, label_words, plain_label_words, unaccented};

/// The name at the head of a postal address block whose words the heading `name` contains, or
/// which starts with the heading's words: a letterhead prints "LOGO LE FOURNISSEUR" or "Acme —
/// engineering" large, and the address block under it "LE FOURNISSEUR", street, "75018 PARIS".
/// The block's line is the name as the company writes it on letters; the heading adds a
/// placeholder or a slogan, or gives only the brand ("Akretion" over "Akretion France").
pub(super) fn postal_name<'a>(first: &[&'a Row], name: &'a Cell, bottom: f32) -> Option<&'a Cell> {
    if has_legal_form(&name.text) {
        return fuller_name(first, name, bottom);
    }
    let heading = label_words(&name.text);
    let mut below: Vec<&Cell> = under(first, name, bottom).collect();
    below.sort_by(|a, b| a.bbox.y0.total_cmp(&b.bbox.y0));
    let aligned = |c: &Cell, with: &Cell| (c.bbox.x0 - with.bbox.x0).abs() < name.bbox.height();
    below.iter().enumerate().find_map(|(i, cell)| {
        let words = label_words(&cell.text);
        let inside = !words.is_empty()
            && words.len() < heading.len()
            && heading.windows(words.len()).any(|w| w == words.as_slice())
            && aligned(cell, name);
        // A logo's brand over the company's full name ("Akretion" over "Akretion France"),
        // wherever the logo sits: the full name is the one the company signs with.
        let extends = words.len() > heading.len()
            && words.len() <= heading.len() + 3
            && words.starts_with(&heading);
        let letters = cell.text.chars().filter(|c| c.is_alphabetic()).count();
        let addressed = below[i + 1..]
            .iter()
            .filter(|c| aligned(c, cell))
            .take(3)
            .any(|c| is_postal_line(&c.text));
        ((inside || extends) && letters >= 3 && addressed).then_some(*cell)
    })
}

/// The trader behind a trade name: a logo ("EL MODESTO") printed again, with more words, below
/// the address in a smaller sender's block ("MARTIN ABENZA TORRANO", street, "30564 LORQUÍ
/// (MURCIA)", "CONSERVAS EL MODESTO", "NIF 74305431K"). The logo is the brand; the block's first
/// line is the person or company that trades under it and signs the invoice.
pub(super) fn trader<'a>(
    first: &[&'a Row],
    name: &Cell,
    bottom: f32,
    plain: impl Fn(&Cell) -> bool,
) -> Option<&'a Cell> {
    let logo = label_words(&name.text);
    if logo.is_empty() || has_legal_form(&name.text) {
        return None;
    }
    let cells: Vec<&Cell> = first.iter().flat_map(|r| r.cells.iter()).collect();
    // A line of the block right above or below `line`: type of about its size, close under
    // or over it, overlapping it across the page (a block may be centred).
    let next_to = |line: &Cell, c: &Cell, up: bool| {
        let height = line.bbox.height();
        let gap = if up {
            line.bbox.y0 - c.bbox.y1
        } else {
            c.bbox.y0 - line.bbox.y1
        };
        let overlap = c.bbox.x1.min(line.bbox.x1) - c.bbox.x0.max(line.bbox.x0);
        (-height * 0.35..height * 0.8).contains(&gap)
            && overlap > 0.0
            && (height * 0.75..height * 1.34).contains(&c.bbox.height())
            && !std::ptr::eq(c, line)
    };
    let repeated = under(first, name, bottom).find(|c| {
        let words = label_words(&c.text);
        words.len() > logo.len()
            && words.windows(logo.len()).any(|w| w == logo.as_slice())
            // The logo stands out from the block: larger type.
            && name.bbox.height() > c.bbox.height() * 1.2
    })?;
    let walk = |up: bool| {
        let mut block = Vec::new();
        let mut at = repeated;
        while let Some(c) = cells
            .iter()
            .copied()
            .filter(|c| next_to(at, c, up))
            .min_by(|a, b| {
                let (da, db) = if up {
                    (at.bbox.y0 - a.bbox.y1, at.bbox.y0 - b.bbox.y1)
                } else {
                    (a.bbox.y0 - at.bbox.y1, b.bbox.y0 - at.bbox.y1)
                };
                da.abs().total_cmp(&db.abs())
            })
        {
            if block.len() == 5 {
                break;
            }
            block.push(c);
            at = c;
        }
        block
    };
    let above = walk(true);
    // The repeated name comes after the street and town, not in the block's first line.
    let head = *above.last()?;
    let addressed = above
        .iter()
        .chain(walk(false).iter().take(2))
        .any(|c| is_postal_line(&c.text));
    let head_words = label_words(&head.text);
    (addressed
        && plain(head)
        && !head.text.chars().any(|c| c.is_ascii_digit())
        && !head_words.windows(logo.len()).any(|w| w == logo.as_slice()))
    .then_some(head)
}

/// The company's name that a logo in initials abbreviates ("SIG" beside "Services Industriels
/// de Genève"): the logo is what OCR reads largest, the name is what the company signs with.
/// The initials are the capitals that open a word or follow a small letter, so a name OCR read
/// without a space ("deGenève") still spells them.
pub(super) fn spelled_out<'a>(
    first: &[&'a Row],
    name: &Cell,
    bottom: f32,
    plain: impl Fn(&Cell) -> bool,
) -> Option<&'a Cell> {
    let logo = name.text.trim();
    if !(2..=5).contains(&logo.chars().count()) || !logo.chars().all(|c| c.is_uppercase()) {
        return None;
    }
    let initials = |text: &str| {
        let mut previous = ' ';
        let mut out = String::new();
        for c in text.chars() {
            if c.is_uppercase() && !previous.is_uppercase() {
                out.push(c);
            }
            previous = c;
        }
        out
    };
    first
        .iter()
        .flat_map(|r| r.cells.iter())
        .filter(|c| c.bbox.y0 <= bottom * 0.4 && c.text.split_whitespace().count() >= 2)
        .filter(|c| initials(&c.text) == logo && plain(c))
        .min_by(|a, b| distance(a, name).total_cmp(&distance(b, name)))
}

/// How far apart two cells' top-left corners are.
fn distance(a: &Cell, b: &Cell) -> f32 {
    (a.bbox.x0 - b.bbox.x0).hypot(a.bbox.y0 - b.bbox.y0)
}

/// The first line of the block a line heads or sits in: type of one size set line under line,
/// left-aligned, as a name over its street and town. OCR boxes vary by a tenth or more with
/// the glyphs ("00143 – Roma" taller than "Dott. Arch. Silvia Guzzini" over it), so the
/// tallest of a block's lines need not be its first.
pub(super) fn stack_top<'a>(
    first: &[&'a Row],
    line: &'a Cell,
    plain: impl Fn(&Cell) -> bool,
) -> &'a Cell {
    let mut top = line;
    loop {
        let height = top.bbox.height();
        let over = first.iter().flat_map(|r| r.cells.iter()).find(|c| {
            let gap = top.bbox.y0 - c.bbox.y1;
            (-height * 0.3..height * 0.5).contains(&gap)
                && c.bbox.y0 < top.bbox.y0
                && (c.bbox.x0 - top.bbox.x0).abs() < height * 0.5
                && (height * 0.8..height * 1.1).contains(&c.bbox.height())
                && plain(c)
        });
        match over {
            Some(c) => top = c,
            None => return top,
        }
    }
}

/// The first word of a name that OCR boxed apart from the rest on the same line, its type a
/// little smaller ("TMELUZ" right against "EMPRENDEDORES S.L."): a plain word, in the name's
/// case, ending where the name begins.
pub(super) fn name_begun_beside<'a>(first: &[&'a Row], name: &Cell) -> Option<&'a Cell> {
    let height = name.bbox.height();
    let upper = |text: &str| {
        text.chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase)
    };
    if !has_legal_form(&name.text) {
        return None;
    }
    first.iter().flat_map(|r| r.cells.iter()).find(|c| {
        let gap = name.bbox.x0 - c.bbox.x1;
        let overlap = c.bbox.y1.min(name.bbox.y1) - c.bbox.y0.max(name.bbox.y0);
        (-height * 0.1..height * 0.3).contains(&gap)
            && overlap > c.bbox.height() * 0.5
            // One word of letters, no figures or stops.
            && c.text.chars().count() >= 3
            && c.text.chars().all(char::is_alphabetic)
            && upper(&c.text) == upper(&name.text)
    })
}

/// A logo's lettering read in part ("ERVEZA, S.L." for the logo of "CERES CERVEZA S.L."): the
/// company's name printed plain under it, with a legal form, that holds the logo's letters as one
/// run and more, is the name the company signs with.
fn fuller_name<'a>(first: &[&'a Row], name: &'a Cell, bottom: f32) -> Option<&'a Cell> {
    let logo = domain::squeezed(&[&name.text]);
    if logo.chars().count() < 6 {
        return None;
    }
    under(first, name, bottom).find(|c| {
        let full = domain::squeezed(&[&c.text]);
        full.len() > logo.len()
            && full.contains(&logo)
            && has_legal_form(&c.text)
            && c.text.split_whitespace().count() <= 8
    })
}

/// The cells under a letterhead's name in the top part of the page; a logo's box reaches down
/// over the line under it, so "under" starts half-way down the name.
fn under<'a>(first: &[&'a Row], name: &Cell, bottom: f32) -> impl Iterator<Item = &'a Cell> {
    let (top, limit) = (name.bbox.y0 + name.bbox.height() * 0.5, bottom * 0.4);
    first
        .iter()
        .flat_map(|r| r.cells.iter())
        .filter(move |c| c.bbox.y0 > top && c.bbox.y0 <= limit)
}

/// A department of the issuer heading its letterhead ("Service Clients SIG" over "Services
/// Industriels de Genève"): the issuer is the line under it.
pub(super) fn below_department<'a>(
    first: &[&'a Row],
    name: &'a Cell,
    plain: impl Fn(&Cell) -> bool,
) -> Option<&'a Cell> {
    let words = plain_label_words(&name.text).join(" ");
    if !DEPARTMENTS
        .iter()
        .any(|d| words.starts_with(&unaccented(d)))
    {
        return None;
    }
    let height = name.bbox.height();
    first
        .iter()
        .flat_map(|r| r.cells.iter())
        .filter(|c| {
            c.bbox.y0 > name.bbox.y0 + height * 0.5
                && c.bbox.y0 - name.bbox.y1 < height * 1.5
                && (c.bbox.x0 - name.bbox.x0).abs() < height
        })
        .min_by(|a, b| a.bbox.y0.total_cmp(&b.bbox.y0))
        .filter(|c| plain(c))
}

/// A department's name at the head of a letterhead, in the languages of the vocabulary.
const DEPARTMENTS: &[&str] = &[
    "service clients",
    "service client",
    "customer service",
    "customer services",
    "kundenservice",
    "kundendienst",
    "servicio al cliente",
    "atención al cliente",
    "servizio clienti",
    "klantenservice",
    "accounts department",
    "billing department",
    "buchhaltung",
];
