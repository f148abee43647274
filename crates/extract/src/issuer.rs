//! The party that issued a document: named under a seller heading, on the sender line of a
//! window envelope, or as the largest name at the top of the first page with its address below;
//! a receipt's merchant. Found by type size, position and the shape of a postal address rather
//! than by any layout's coordinates.

use super::cells::{Cell, Row, label_words, plain_label_words, unaccented};
use super::fields::{field, is_numbered_heading, is_title, label_of};
use super::normalize::{DateOrder, find_date, parse_amount};
use super::vocabulary::{LEGAL_FORMS, is_legal_form};
use super::{DocumentKind, Field, FieldSource};

mod bank;
mod buyer;
mod domain;
mod letterhead;
mod lines;
mod name;
mod seller;
use buyer::Buyer;
use lines::{
    is_contact, is_copy_mark, is_greeting, is_labelled_value, is_reference, is_section_heading,
    is_sentence, is_spelled_form,
};
use name::clean_name;
use seller::labelled_seller;

/// Whether a line names a company by its legal form ("... SDN BHD", "... GmbH", "... SARL",
/// "... S.L.", "... B.V."): a form of several words, or one word whatever its dots.
pub(super) fn has_legal_form(text: &str) -> bool {
    // OCR may run the form into the name ("LICORESMADRUEÑOS.L.").
    let text = &name::unglued(text);
    let words = label_words(text);
    // Forms of several words are compared without accents: OCR reads "SPÓŁKA Z OGRANICZONĄ"
    // as "SPÓLKA Z OGRANICZONA".
    let padded = format!(" {} ", plain_label_words(text).join(" "));
    LEGAL_FORMS
        .iter()
        .filter(|form| form.contains(' '))
        .any(|form| padded.contains(&format!(" {} ", unaccented(form))))
        || words.iter().any(|w| is_legal_form(w))
}

/// A name printed over two lines, `above` and then `below` (whose text is `text`), as one field.
pub(super) fn joined_name(above: &Cell, below: &Cell, text: &str) -> Field {
    let raw = format!("{} {}", above.text.trim(), text.trim());
    Field {
        bbox: above.bbox.union(&below.bbox),
        ..field(clean_name(&raw), below, &raw)
    }
}

/// Whether a line ends a postal address with a postcode and its town: "75018 PARIS, FR",
/// "DE 99199 MUSTERHAUSEN", "D-10115 Berlin", "35 rue d'ici, 75018 Paris". The postcode starts
/// the line or follows a country code or a comma, so a year in a sentence is not one; or it
/// closes the line after a state ("Hawthorn VIC 3122", "Boston, MA 02199").
fn is_postal_line(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    let country = |w: &str| w.len() <= 3 && w.chars().all(|c| c.is_ascii_uppercase());
    // A state and its postcode closing the line ("Hawthorn VIC 3122", "Boston, MA 02199").
    let state_code = match words[..] {
        [.., state, code] => {
            (2..=3).contains(&state.len())
                && country(state)
                && (4..=5).contains(&code.len())
                && code.chars().all(|c| c.is_ascii_digit())
        }
        _ => false,
    };
    state_code
        || (0..words.len().saturating_sub(1)).any(|i| {
            let placed = i == 0 || country(words[i - 1]) || words[i - 1].ends_with(',');
            let code = words[i]
                .rsplit_once('-')
                .filter(|(prefix, _)| country(prefix))
                .map_or(words[i], |(_, code)| code);
            placed
                && (4..=5).contains(&code.len())
                && code.chars().all(|c| c.is_ascii_digit())
                && words[i + 1].starts_with(char::is_alphabetic)
        })
}

/// The sender line of a window envelope letter: one small line of name, street and town set
/// apart by separators ("Global Goods Inc. · 789 Commerce Street · M1 1AA Manchester"), or of
/// name and postcode with town ("ING-DiBa AG · 60628 Frankfurt am Main", a post-box address),
/// whose first part names a company by its legal form.
fn sender_line(rows: &[Row]) -> Option<Field> {
    let bottom = page_bottom(rows);
    rows.iter()
        .filter(|r| r.page == 0 && r.bbox().y0 <= bottom * 0.4)
        .flat_map(|r| r.cells.iter())
        .find_map(sender_name)
}

/// The lowest line on the first page.
fn page_bottom(rows: &[Row]) -> f32 {
    rows.iter()
        .filter(|r| r.page == 0)
        .map(|r| r.bbox().y1)
        .fold(0.0f32, f32::max)
}

/// The same line in the first page's footer ("TAI YAT DISTRIBUTION - 26, Avenue Albert
/// EINSTEIN - 93150 LE BLANC MESNIL"): a company's own name and address, where its letterhead
/// is only a logo.
/// A register's line ("FOURNISSEUR F SARL au capital de 50 000 EUR - ...", "SASU au capital
/// de 200000€") states the form and the capital, often without the name the company signs with:
/// it is no such line.
fn footer_line(rows: &[Row]) -> Option<Field> {
    let bottom = page_bottom(rows);
    rows.iter()
        .filter(|r| r.page == 0 && r.bbox().y0 >= bottom * 0.85)
        .flat_map(|r| r.cells.iter())
        .filter(|c| !c.text.to_lowercase().contains("capital"))
        .find_map(sender_name)
}

/// The name a sender line gives: the line's shape or the legal form of its first part.
fn sender_name(cell: &Cell) -> Option<Field> {
    // OCR drops the spaces around a middle dot ("ING-DiBa AG·60628 Frankfurt") and the
    // one after a dash before a postcode ("Postfach 710252 -68222 Mannheim").
    // The parts are trimmed, so a dash that had its space gains a second one harmlessly.
    let text = cell.text.replace(" -", " - ");
    let parts: Vec<&str> = [" · ", " - ", " | ", " • ", " – ", "·", "•"]
        .iter()
        .map(|sep| text.split(sep).map(str::trim).collect::<Vec<_>>())
        .max_by_key(Vec::len)
        .unwrap_or_default();
    let postcode = |part: &&str| {
        let digits = part.chars().take_while(char::is_ascii_digit).count();
        digits >= 4 && part[digits..].trim_start().starts_with(char::is_alphabetic)
    };
    let name = clean_name(&cell.text);
    // Without a legal form, the shape alone: a name with no figure in it, then the
    // street, and a postcode with its town last ("Seller Company · 123 Seller St ·
    // Suite 100 · 12345 Seller City").
    let shaped = parts.len() >= 3
        && parts.last().is_some_and(postcode)
        && !parts[0].contains(|c: char| c.is_ascii_digit() || c == ':' || c == '@')
        && parts[0].chars().filter(|c| c.is_alphabetic()).count() >= 3;
    let known =
        (parts.len() >= 3 || (parts.len() == 2 && postcode(&parts[1]))) && has_legal_form(&name);
    // Commas set the parts apart too ("MMW GmbH, Lindenstrasse 16-22, 73333 Gingen"),
    // where the first names a company by its legal form and the last is a postcode
    // and town: a comma inside a name ("Acme, Inc.") is not followed by those. OCR may drop
    // the space after a comma ("GmbH, 613-L039,70546 Stuttgart").
    let commas: Vec<&str> = cell.text.split(',').map(str::trim).collect();
    let comma_known = commas.len() >= 3
        && commas.last().is_some_and(postcode)
        && has_legal_form(commas[0])
        && !commas[0].contains(|c: char| c.is_ascii_digit());
    if comma_known && !known && !shaped {
        return Some(field(clean_name(commas[0]), cell, &cell.text));
    }
    (known || shaped).then(|| field(name, cell, &cell.text))
}

/// A receipt's merchant: the first line of the header that names a company by its legal form,
/// else the first line that is neither a title, a label, a date nor an amount. Till receipts
/// print the shop's name first, often below the owner's name or a branch code, in any size.
fn merchant(rows: &[Row], plain: impl Fn(&Cell) -> bool) -> Option<Field> {
    let top: Vec<&Cell> = rows
        .iter()
        .filter(|r| r.page == 0)
        .flat_map(top_down)
        .filter(|c| plain(c))
        .take(6)
        .collect();
    let at = top
        .iter()
        .position(|c| has_legal_form(&c.text))
        .or_else(|| {
            // A logo's short name printed again in full a few lines under it ("Mezcalero"
            // over "cocina mexicana", then "Mezcalero Cocina Mexicana"): the full name.
            let short = label_words(&top.first()?.text);
            (1..top.len().min(4)).find(|&i| {
                let long = label_words(&top[i].text);
                !short.is_empty()
                    && long.len() > short.len()
                    && long.starts_with(&short)
                    && !top[i].text.chars().any(|c| c.is_ascii_digit())
            })
        })
        .unwrap_or(0);
    let cell = top.get(at)?;
    // A name printed over several lines: the legal form alone on its line ("POPULAR BOOK CO."
    // above "SDN BHD") takes the lines above it; a line ending in "&" takes the next.
    let mut parts: Vec<&Cell> = vec![cell];
    if name_letters(&cell.text) < 3 {
        for previous in top[..at].iter().rev().take(2) {
            parts.insert(0, previous);
            if name_letters(&previous.text) >= 3 {
                break;
            }
        }
    }
    // A word broken over the line end ("POPULAR BOOK-" over "CO. (M) S SDN BHD").
    let hyphenated = at
        .checked_sub(parts.len())
        .and_then(|i| top.get(i))
        .filter(|p| p.text.trim_end().ends_with('-') && stacked(p, parts[0]));
    if let Some(previous) = hyphenated {
        parts.insert(0, previous);
    }
    // A trade name's "ENTERPRISE" followed by its branch in brackets and its company form on
    // the lines right after ("(SETIA" / "ALAM) SDN BHD"): the name runs on to that form. A
    // bracket with figures is a registration ("(65351-M)"), and what follows it another name.
    let ahead: Vec<&Cell> = top[at + 1..].iter().take(2).copied().collect();
    let branch = cell
        .text
        .rsplit_once('(')
        .is_some_and(|(_, b)| !b.contains(')'))
        || ahead
            .first()
            .is_some_and(|c| c.text.trim_start().starts_with('('));
    let figures = ahead
        .iter()
        .any(|c| c.text.chars().any(|ch| ch.is_ascii_digit()));
    if branch
        && !figures
        && let Some(end) = ahead.iter().position(|c| has_legal_form(&c.text))
        && (0..=end).all(|i| {
            let before = if i == 0 { cell } else { ahead[i - 1] };
            stacked(before, ahead[i]) || beside(before, ahead[i])
        })
    {
        parts.extend(&ahead[..=end]);
    }
    let dangling = |t: &str| {
        let t = t.trim_end().to_lowercase();
        t.ends_with('&') || t.ends_with(" and") || t.ends_with(" und") || t.ends_with(" et")
    };
    if dangling(&cell.text)
        && let Some(next) = top.get(at + 1)
    {
        parts.push(next);
    }
    // A hyphen at a line's end goes with the break: "BOOK- CO." is "BOOK CO.".
    let last = parts.len() - 1;
    let text = parts
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let text = c.text.trim();
            if i < last {
                text.trim_end_matches('-').trim_end()
            } else {
                text
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    let mut found = field(clean_name(&text), cell, &text);
    found.bbox = parts.iter().fold(cell.bbox, |b, c| b.union(&c.bbox));
    Some(found)
}

/// A row's cells in reading order, where a photo's slant put two lines in one row: one
/// printed clearly lower comes after those above it ("MANGAL SWEETS" over its taller, skewed
/// address line), cells on one line stay left to right.
fn top_down(row: &Row) -> Vec<&Cell> {
    let mut cells: Vec<&Cell> = row.cells.iter().collect();
    let line = cells
        .iter()
        .map(|c| c.bbox.height())
        .fold(f32::MAX, f32::min)
        .max(1.0);
    let first = cells
        .iter()
        .map(|c| c.bbox.center_y())
        .fold(f32::MAX, f32::min);
    cells.sort_by_key(|c| ((c.bbox.center_y() - first) / (0.4 * line)) as u32);
    cells
}

/// Whether `below` is printed right under `above` in type of about the same size: the next
/// line of one name.
fn stacked(above: &Cell, below: &Cell) -> bool {
    let (a, b) = (above.bbox.height(), below.bbox.height());
    let similar = a.min(b) >= a.max(b) * 0.7;
    let close = below.bbox.y0 - above.bbox.y1 < a.min(b) * 1.6 && below.bbox.y0 > above.bbox.y0;
    let overlap = below.bbox.x0 < above.bbox.x1 && above.bbox.x0 < below.bbox.x1;
    similar && close && overlap
}

/// Whether `right` goes on from `left` on the same line, a word gap or two after it.
fn beside(left: &Cell, right: &Cell) -> bool {
    let h = left.bbox.height().min(right.bbox.height());
    let shared = left.bbox.y1.min(right.bbox.y1) - left.bbox.y0.max(right.bbox.y0);
    let gap = right.bbox.x0 - left.bbox.x1;
    shared > h * 0.5 && (0.0..h * 2.0).contains(&gap)
}

/// Letters of a name beyond its legal form and bracketed registration: "SDN BHD" has none.
fn name_letters(text: &str) -> usize {
    text.replace(['(', '（'], " (")
        .split_whitespace()
        .filter(|w| !is_legal_form(w) && !w.starts_with('('))
        .flat_map(str::chars)
        .filter(|c| c.is_alphabetic())
        .count()
}

/// The issuer: named under a seller heading when the document has one; else the largest text in
/// the top quarter of the first page that is neither a title, a label, a date nor an amount. Its
/// address is the run of lines right below it, or (when it sits in a banner) the first lines
/// under the banner on the left, unless one of the first three lines names a company by its
/// legal form. A receipt's issuer is its merchant (see `merchant`).
pub fn issuer(
    rows: &[Row],
    order: DateOrder,
    kind: DocumentKind,
) -> Option<(Field, Option<Field>)> {
    if let Some(seller) = labelled_seller(rows)
        .or_else(|| sender_line(rows))
        .or_else(|| footer_line(rows))
    {
        // "Invoice issued by:" may name the clerk, not the company; a name with its legal
        // form is the company's.
        let clerk = !has_legal_form(&seller.value);
        let company = clerk
            .then(|| {
                let domains = domain::PageDomains::of(rows, &Buyer::find(rows));
                domain_company(&seller, &domains, false)
            })
            .flatten();
        return Some((company.unwrap_or(seller), None));
    }
    let first: Vec<&Row> = rows
        .iter()
        .filter(|r| r.page == 0 && !super::table::is_header_row(r))
        .collect();
    if kind == DocumentKind::BankStatement
        && let Some(bank) = bank::bank_name(&first, has_legal_form)
    {
        return Some((field(clean_name(&bank.text), bank, &bank.text), None));
    }
    if kind == DocumentKind::BankStatement
        && let Some((name, cell)) = bank::registered_name(rows, has_legal_form)
    {
        return Some((field(clean_name(&name), cell, &cell.text), None));
    }
    let bottom = first.iter().map(|r| r.bbox().y1).fold(0.0f32, f32::max);
    // The first page's body type: the middle height of its lines, measured once.
    let body = {
        let mut heights: Vec<f32> = first
            .iter()
            .flat_map(|r| r.cells.iter())
            .map(|c| c.bbox.height())
            .collect();
        heights.sort_by(f32::total_cmp);
        heights.get(heights.len() / 2).copied().unwrap_or(0.0)
    };
    let top_limit = bottom * 0.3;
    let buyer = Buyer::find(rows);
    let plain = |c: &Cell| {
        !buyer.names(c)
            && !is_title(&c.text)
            && !is_copy_mark(&c.text)
            && !is_section_heading(&c.text)
            && label_of(c).is_none()
            && find_date(&c.text, order).is_none()
            && parse_amount(&c.text).is_none()
            && !is_reference(&c.text)
            && !is_contact(&c.text)
            && !is_greeting(&c.text)
            && !is_sentence(&c.text)
            && c.text.chars().filter(|ch| ch.is_alphabetic()).count() >= 3
    };
    if kind == DocumentKind::Receipt {
        return merchant(rows, plain).map(|m| (m, None));
    }
    let named: Vec<&Cell> = first
        .iter()
        .flat_map(|r| r.cells.iter())
        // Nor, on an invoice, the heading that carries its number ("FACTURE N°052273") or a
        // label waiting for its value ("Fax:", "Banque :").
        .filter(|c| {
            c.bbox.y0 <= top_limit
                && plain(c)
                && !is_numbered_heading(&c.text)
                && !c.text.trim_end().ends_with(':')
                // A postcode and its town ("83310 GRIMAUD") close an address, never name one.
                && !is_postal_line(&c.text)
        })
        .collect();
    // OCR boxes grow with descenders ("Qty" stands taller than "Redwood"), so heights within a
    // tenth of the tallest count as the same type size, and the highest of those is the name.
    let tallest = named.iter().map(|c| c.bbox.height()).fold(0.0f32, f32::max);
    let largest = named
        .iter()
        .filter(|c| c.bbox.height() >= tallest * 0.9)
        .min_by(|a, b| a.bbox.y0.total_cmp(&b.bbox.y0))
        .copied();
    // The largest type may be a banner or a reference ("Cash Inv No.: 7828F715"); a line among
    // the first three that names a company by its legal form is then the issuer.
    // A statement's top lines name the account holder, often a company: the bank stays the
    // largest type there.
    let name = match largest {
        Some(largest) if has_legal_form(&largest.text) || kind == DocumentKind::BankStatement => {
            largest
        }
        _ => {
            // What a browser prints in the page's top margin ("Rechnung | Indeed.com") is no
            // part of the letterhead.
            let mut top: Vec<&Cell> = named
                .iter()
                .copied()
                .filter(|c| c.bbox.y0 > bottom * 0.01)
                .collect();
            top.sort_by(|a, b| a.bbox.y0.total_cmp(&b.bbox.y0));
            let found = top
                .into_iter()
                .take(3)
                .find(|c| has_legal_form(&c.text))
                .or_else(|| {
                    // Its address may hold a figure that reads as a date ("NSW 2000"): only
                    // labels, contacts and the customer's lines are passed over.
                    let signed =
                        |c: &Cell| !buyer.names(c) && label_of(c).is_none() && !is_contact(&c.text);
                    // Without a customer heading too, where nothing at the top is set larger
                    // than the page's body: a form of labelled values, signed in its footer
                    // ("Redbus India Private Limited" under the terms). Only the footer then:
                    // a customer's block without a heading names a company too.
                    let plain_top = largest.is_none_or(|c| !stands_out(c, body));
                    if buyer.found() {
                        footer_company(&first, signed)
                    } else if plain_top {
                        footer_company(&first, |c: &Cell| signed(c) && c.bbox.y0 > bottom * 0.6)
                    } else {
                        None
                    }
                })
                // Type all of one size, topped by a header box of labels and values ("Fin
                // d'engagement : Date échue"): no name is better than a field's value.
                // Nor is a field's value over it ("Mode d'expédition : DEPART 51" over a title
                // OCR misread) the top of its stack.
                .or(largest.filter(|c| !is_labelled_value(&c.text)).map(|c| {
                    letterhead::stack_top(&first, c, |c| plain(c) && !is_labelled_value(&c.text))
                }));
            // No line names the issuer: the logo does, and its domain may spell it.
            let Some(found) = found else {
                return domain::PageDomains::of(rows, &buyer)
                    .name(false)
                    .map(|n| (n, None));
            };
            found
        }
    };
    let name = letterhead::postal_name(&first, name, bottom)
        .or_else(|| letterhead::trader(&first, name, bottom, plain))
        .unwrap_or(name);
    let name = letterhead::below_department(&first, name, plain).unwrap_or(name);
    let name = letterhead::spelled_out(&first, name, bottom, plain).unwrap_or(name);
    let height = name.bbox.height();
    // Address lines are smaller than the name, left-aligned with it or at the left margin, and
    // follow within a couple of line heights of each other.
    let left_margin = first
        .iter()
        .flat_map(|r| r.cells.iter())
        .map(|c| c.bbox.x0)
        .fold(f32::MAX, f32::min);
    let mut address: Vec<&Cell> = Vec::new();
    let mut last_y = name.bbox.y1;
    let candidates = first
        .iter()
        .flat_map(|r| r.cells.iter())
        .filter(|c| c.bbox.y0 > name.bbox.y0 + height * 0.5);
    let mut sorted: Vec<&Cell> = candidates.collect();
    sorted.sort_by(|a, b| a.bbox.y0.total_cmp(&b.bbox.y0));
    for cell in sorted {
        let aligned = (cell.bbox.x0 - name.bbox.x0).abs() < height * 1.5
            || (cell.bbox.x0 - left_margin).abs() < height;
        if !aligned {
            continue;
        }
        if cell.bbox.y0 - last_y > height * 3.0
            || !plain(cell)
            || cell.bbox.height() > height * 0.95
            || address.len() == 3
        {
            break;
        }
        // The recipient's block ends the issuer's, even when OCR glued "Bill To" into one word.
        let words = label_words(&cell.text);
        let squeezed = words.concat();
        if words
            .first()
            .is_some_and(|w| matches!(w.as_str(), "bill" | "ship" | "sold" | "customer"))
            || ["billto", "shipto", "soldto", "invoiceto", "deliverto"]
                .iter()
                .any(|p| squeezed.starts_with(p))
        {
            break;
        }
        last_y = cell.bbox.y1;
        address.push(cell);
    }
    // A name printed over two lines, the legal form on the second ("GRUPO TERRITORIO" over
    // "CAMPERO S.L."): the line right above, in the same type, without figures, goes first.
    let above = has_legal_form(&name.text)
        .then(|| {
            first.iter().flat_map(|r| r.cells.iter()).find(|c| {
                let gap = name.bbox.y0 - c.bbox.y1;
                let overlap = c.bbox.x1.min(name.bbox.x1) - c.bbox.x0.max(name.bbox.x0);
                (-height * 0.25..height * 0.75).contains(&gap)
                    && overlap > 0.0
                    // OCR's boxes of one type size differ by a fifth with the glyphs
                    // ("GRUPO TERRITORIO" over the taller "CAMPERO S.L."); a line in larger
                    // type above is a brand's logo ("BLAUFUCHS" over "Station-service
                    // Rousseau SARL" on a photographed till slip), not the name's first line.
                    && (-height * 0.25..height * 0.1).contains(&(c.bbox.height() - height))
                    && plain(c)
                    && !has_legal_form(&c.text)
                    && !c.text.contains(|ch: char| ch.is_ascii_digit() || ch == ':')
                    // A name's first line, not a sentence printed above it ("Factura
                    // verificable en la sede electrónica de la AEAT").
                    && c.text.split_whitespace().count() <= 4
            })
        })
        .flatten()
        .or_else(|| letterhead::name_begun_beside(&first, name));
    let name_field = match (above, form_below(&first, name)) {
        (Some(above), _) => joined_name(above, name, &name.text),
        (None, Some(below)) => joined_name(name, below, &below.text),
        (None, None) => field(clean_name(&name.text), name, &name.text),
    };
    let domains = domain::PageDomains::of(rows, &buyer);
    let name_field = domains.completed(&name_field.value).unwrap_or(name_field);
    if let Some(company) = domain_company(&name_field, &domains, true) {
        return Some((company, None));
    }
    // A line in the body's own type, no legal form, that the page's domain contradicts: a
    // customer's line or a header box's value ("EURO" under "Valuta/Currency"), where the logo
    // names the issuer. Its domain is the better guess.
    if domains.contradicts(&name_field.value)
        && !has_legal_form(&name_field.value)
        && !stands_out(name, body)
        && let Some(stem) = domains.stem()
    {
        return Some((stem, None));
    }
    let address_field = (!address.is_empty()).then(|| {
        let text = address
            .iter()
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let bbox = address
            .iter()
            .skip(1)
            .fold(address[0].bbox, |b, c| b.union(&c.bbox));
        let confidence = address.iter().map(|c| c.confidence).fold(1.0f32, f32::min);
        Field {
            value: text.clone(),
            raw: text,
            confidence,
            page: 0,
            bbox,
            source: FieldSource::Page,
        }
    });
    Some((name_field, address_field))
}

/// Whether a line is set in larger type than the first page's body (`body`, the middle
/// height of its lines), as a letterhead's name is.
fn stands_out(cell: &Cell, body: f32) -> bool {
    cell.bbox.height() >= body * 1.15
}

/// The end of a name wrapped onto the next line in the same type, left-aligned with it: its
/// legal form, or the word "Company" ("Rightchoice Packaging" over "Company").
fn form_below<'a>(first: &[&'a Row], name: &Cell) -> Option<&'a Cell> {
    const COMPANY: &[&str] = &["company", "corporation", "compagnie", "compañía", "private"];
    if has_legal_form(&name.text) {
        return None;
    }
    let height = name.bbox.height();
    first.iter().flat_map(|r| r.cells.iter()).find(|c| {
        let gap = c.bbox.y0 - name.bbox.y1;
        let words = label_words(&c.text);
        (-height * 0.25..height * 0.75).contains(&gap)
            && (c.bbox.x0 - name.bbox.x0).abs() < height * 0.5
            && (c.bbox.height() - height).abs() <= height * 0.15
            && (1..=3).contains(&words.len())
            && words
                .iter()
                .all(|w| is_legal_form(w) || COMPANY.contains(&w.as_str()))
            && words.last().is_some_and(|w| w != "private")
    })
}

/// The company the page's site and mail address spell, named with its legal form elsewhere on
/// the page (a footer, a contact line), where they contradict the name found: that company
/// issued the page. A name the page labels as the seller's is overruled only by a domain that
/// spells a whole name (`partial` false): such a name may be a clerk's, never a customer's.
fn domain_company(found: &Field, domains: &domain::PageDomains, partial: bool) -> Option<Field> {
    if !domains.contradicts(&found.value) {
        return None;
    }
    // A bare brand the domain spells ("CCM19" on Papoo's invoices) does not overrule a
    // company named with its legal form.
    let bare = !has_legal_form(&found.value);
    domains
        .name(true)
        .filter(|n| bare || n.value.split_whitespace().any(is_legal_form))
        .or_else(|| partial.then(|| domains.partner()).flatten())
}

/// Whether a "KG" closing a name is a weight's unit: a weight's name before it ("Poids",
/// "Weight") or a figure after it in the line as printed ("KG 244").
fn is_weight(text: &str, before: &str) -> bool {
    const WEIGHTS: &[&str] = &["weight", "gewicht", "poids", "peso", "gew", "wt"];
    let after_unit = text
        .split_whitespace()
        .skip_while(|w| !w.eq_ignore_ascii_case("kg"))
        .nth(1);
    WEIGHTS.contains(&before.trim_end_matches([':', '.']).to_lowercase().as_str())
        || after_unit.is_some_and(|w| w.starts_with(|c: char| c.is_ascii_digit()))
}

/// Where the top of the page names only the customer (under "Bill to") and a title, the issuer
/// is the company that signs the page elsewhere, often in its footer ("Atlassian Pty Ltd, Level
/// 6, 341 George St", "Fiverr International Ltd."), its address cut off: the shortest name
/// ending in a legal form, so a sentence that mentions one ("Purchased through Fiverr
/// Limited") gives way to it.
fn footer_company<'a>(first: &[&'a Row], plain: impl Fn(&Cell) -> bool) -> Option<&'a Cell> {
    first
        .iter()
        .flat_map(|r| r.cells.iter())
        .filter(|c| plain(c) && !is_spelled_form(&c.text))
        .filter_map(|c| {
            let name = clean_name(&c.text);
            let words = label_words(&name);
            let last = name.split_whitespace().last()?;
            // A weight's unit is no legal form ("Package 0.188 kg)", "WEIGHT KG 244" are not
            // a KG): a figure or a weight's name beside it says so.
            let before = name.split_whitespace().rev().nth(1).unwrap_or_default();
            if before.starts_with(|c: char| c.is_ascii_digit()) {
                return None;
            }
            if last.eq_ignore_ascii_case("kg") && is_weight(&c.text, before) {
                return None;
            }
            let ends_in_form = is_legal_form(last)
                || LEGAL_FORMS
                    .iter()
                    .any(|form| form.contains(' ') && words.join(" ").ends_with(form));
            // French companies may print the form first ("S.A.S. LIOT"), before a name in
            // capitals.
            let first = name.split_whitespace().next().unwrap_or_default();
            let starts_with_form = first.contains('.')
                && is_legal_form(first)
                && (2..=5).contains(&words.len())
                && name
                    .split_whitespace()
                    .skip(1)
                    .all(|w| !w.chars().any(char::is_lowercase));
            // "Compañía Vinícola del Norte de España S.A.": long names are spelled out.
            // A cell of the form alone ("KG" boxed apart from "WEIGHT" and "244") names nobody.
            ((ends_in_form || starts_with_form) && (2..=8).contains(&words.len()))
                .then_some((words.len(), c))
        })
        .min_by_key(|(words, _)| *words)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod blind_tests;
#[cfg(test)]
mod tests;
