//! The issuer named under a seller heading ("Verkäufer", "Fournisseur", "Szállító:",
//! "Comercializadora:"): in the heading's own cell, beside it, or in the column under it.

use super::Field;
use super::name::clean_name;
use super::{has_legal_form, joined_name};
use crate::cells::{Cell, Row, after_words, label_words, plain_label_words, unaccented};
use crate::fields::{field, label_of};
use crate::vocabulary::{SELLER_HEADINGS, is_legal_form};

/// The end of a seller heading that says who supplies ("PRODUCT(S) PROVIDED BY:", "Sold by"):
/// what comes before it varies with the goods.
pub(super) const SELLER_HEADING_ENDS: &[&str] =
    &["provided by", "sold by", "issued by", "billed by"];

/// The issuer named under a seller heading on form-like invoices: "Verkäufer" and a few rows
/// below it "Name: Lieferant GmbH".
pub(super) fn labelled_seller(rows: &[Row]) -> Option<Field> {
    let exact = |text: &str| {
        let words = plain_label_words(text).join(" ");
        SELLER_HEADINGS.iter().any(|h| unaccented(h) == words)
    };
    // The heading and the company in one cell ("Comercializadora: Repsol Comercializadora de
    // Electricidad y Gas, S.L.U.", "Supplier: Acme Ltd").
    let inline = rows
        .iter()
        .filter(|r| r.page == 0)
        .flat_map(|r| r.cells.iter())
        .find_map(|c| {
            let (label, name) = c.text.split_once(':')?;
            (exact(label) && has_legal_form(name) && !name.contains(':'))
                .then(|| field(clean_name(name.trim()), c, name.trim()))
        });
    if inline.is_some() {
        return inline;
    }
    let is_heading = |text: &str| {
        let words = plain_label_words(text).join(" ");
        exact(text)
            // A heading in two languages ("Supplier/ Szállító:") is one when either half is.
            || text.split('/').any(exact)
            || SELLER_HEADING_ENDS
                .iter()
                .any(|end| words == *end || words.ends_with(&format!(" {end}")))
    };
    // A row that reads as a heading only by its end ("BILLED TO: ... PROVIDED BY:") is two
    // headings side by side: the seller's column is found below.
    let heading_row = |r: &Row| exact(&r.text()) || (r.cells.len() == 1 && is_heading(&r.text()));
    let Some(heading) = rows.iter().position(heading_row) else {
        // The heading shares its row with the buyer's ("Verkäufer   Käufer / Empfänger"): the
        // seller's block is the column under it.
        return rows.iter().enumerate().find_map(|(i, r)| {
            let cell = r.cells.iter().find(|c| is_heading(&c.text))?;
            column_name(rows, i, cell, is_heading)
        });
    };
    let page = rows[heading].page;
    // A lone cell on row `i` of the block, aligned with `cell`: a wrapped part of its name.
    let lone = |i: usize, cell: &Cell| {
        let row = rows.get(i).filter(|r| i > heading && r.page == page)?;
        let [other] = row.cells.as_slice() else {
            return None;
        };
        let aligned = (other.bbox.x0 - cell.bbox.x0).abs() < cell.bbox.height();
        (aligned && !other.text.contains(':')).then_some(other)
    };
    (heading + 1..rows.len())
        .take(6)
        .take_while(|&i| rows[i].page == page)
        .find_map(|i| {
            let r = &rows[i];
            let first = r.cells.first()?;
            let words = label_words(&first.text);
            if words.first().map(String::as_str) != Some("name") {
                return None;
            }
            let inline = after_words(&first.text, 1);
            if inline.chars().filter(|c| c.is_alphabetic()).count() >= 2 {
                return Some(field(clean_name(&inline), first, &inline));
            }
            let next = r.cells.get(1)?;
            let text = next.text.trim_start_matches([':', ' ']);
            // The label sits beside the last line of a name printed over two: "MVM Musterhafter"
            // above "Name: Versicherungsverein Musterstadt a.G.".
            Some(match lone(i - 1, next) {
                Some(above) => joined_name(above, next, text),
                None => field(clean_name(text), next, text),
            })
        })
        .or_else(|| {
            // No "Name:" row: the name is the first line under the heading that stands alone on
            // its row, past rows of labelled values ("Nummer : 549910").
            let i = (heading + 1..rows.len())
                .take(3)
                .take_while(|&i| rows[i].page == page)
                .filter(|&i| rows[i].cells.len() == 1)
                .find(|&i| !rows[i].cells[0].text.contains(':'))?;
            let cell = &rows[i].cells[0];
            if cell.text.chars().filter(|c| c.is_alphabetic()).count() < 3
                || label_of(cell).is_some()
            {
                return None;
            }
            // A name without its legal form, whose next line ends with one, goes on there.
            let next = lone(i + 1, cell).filter(|next| {
                !has_legal_form(&cell.text)
                    && next
                        .text
                        .split_whitespace()
                        .last()
                        .is_some_and(is_legal_form)
            });
            Some(match next {
                Some(next) => joined_name(cell, next, next.text.trim()),
                None => field(clean_name(cell.text.trim()), cell, cell.text.trim()),
            })
        })
}

/// The name at the top of the column under a heading cell on row `heading`: the first line
/// below it, left-aligned with it, that is a name rather than a labelled value or another
/// heading ("Leverancier" over "Crediteur" over the name).
fn column_name(
    rows: &[Row],
    heading: usize,
    cell: &Cell,
    is_heading: impl Fn(&str) -> bool,
) -> Option<Field> {
    let page = rows[heading].page;
    let height = cell.bbox.height();
    // The name may stand in the heading's row, the heading set small over its start ("Seller"
    // over "OSTROVIT SPÓŁKA Z OGRANICZONĄ"), its legal form wrapped onto the next line.
    if let Some(name) = rows[heading].cells.iter().find(|c| {
        !std::ptr::eq(*c, cell)
            && c.bbox.x0 < cell.bbox.x1
            && c.bbox.x1 > cell.bbox.x1
            && !is_heading(&c.text)
            && label_of(c).is_none()
            && !c.text.contains(|ch: char| ch == ':' || ch.is_ascii_digit())
    }) {
        let wrapped = rows.get(heading + 1).and_then(|r| {
            r.cells
                .iter()
                .find(|c| (c.bbox.x0 - name.bbox.x0).abs() < height && r.page == page)
        });
        if let Some(rest) = wrapped
            && !has_legal_form(&name.text)
            && has_legal_form(&format!("{} {}", name.text, rest.text))
        {
            return Some(joined_name(name, rest, &rest.text));
        }
        return Some(field(clean_name(name.text.trim()), name, name.text.trim()));
    }
    // The heading beside the name as its label ("Szállító: | Nett Front Kft | Vevő: | ..."):
    // the next cell right of it, named with its legal form.
    // Nearer this heading than any other label of the row: on a photo the buyer's name, under
    // its own "Buyer:", can join the seller heading's row.
    let apart = |a: &Cell, b: &Cell| (a.bbox.x0 - b.bbox.x1).max(b.bbox.x0 - a.bbox.x1).max(0.0);
    let beside = rows[heading]
        .cells
        .iter()
        .filter(|c| c.bbox.x0 >= cell.bbox.x1)
        .min_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0))
        .filter(|c| !is_heading(&c.text) && has_legal_form(&c.text) && label_of(c).is_none())
        .filter(|c| {
            rows[heading]
                .cells
                .iter()
                .filter(|o| !std::ptr::eq(*o, cell) && o.text.trim_end().ends_with(':'))
                .all(|o| apart(c, o) > apart(c, cell))
        });
    if let Some(name) = beside {
        return Some(field(clean_name(name.text.trim()), name, name.text.trim()));
    }
    rows[heading + 1..]
        .iter()
        .take(6)
        .take_while(|r| r.page == page)
        .filter_map(|r| {
            r.cells
                .iter()
                .find(|c| (c.bbox.x0 - cell.bbox.x0).abs() < height * 1.5)
        })
        .find(|c| !is_heading(&c.text))
        .filter(|c| {
            !c.text.contains(':')
                && label_of(c).is_none()
                && c.text.chars().filter(|ch| ch.is_alphabetic()).count() >= 3
        })
        .map(|c| field(clean_name(c.text.trim()), c, c.text.trim()))
}
