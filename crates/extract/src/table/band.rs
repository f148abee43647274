//! Column headers printed over several lines ("P.U. HT" over "(EUR)", "Pos Art-Nr
//! Beschreibung" over "Nettopreis Menge Steuer Entgelt"): a band of rows, each close under the
//! one before and none holding a figure, whose column names together make a line-item header.
//! Tried only where no single row of the document is one, so a layout that reads today reads
//! the same.

use super::super::cells::Row;
use super::columns::{header_kind, is_net_amount};
use super::header::header_spans;
use super::{Column, ColumnKind, cell_words, header_phrases};
use crate::normalize::{has_cents, parse_amount};
use ledgerline_core::page::BBox;

/// The most rows a header band spans.
const MAX_ROWS: usize = 5;

/// Whether a document needs header bands: none of its rows alone names a description and an
/// amount column.
pub(super) fn needed(rows: &[Row]) -> bool {
    !rows
        .iter()
        .any(|r| super::header_columns(r).is_some_and(|cols| is_item_header(&cols)))
}

/// The header band that starts at `rows[0]`: its columns, left to right, and how many rows it
/// takes (at least two).
pub(super) fn header_band(rows: &[Row]) -> Option<(Vec<Column>, usize)> {
    let first = rows.first()?;
    let mut cols: Vec<Column> = Vec::new();
    let mut best = None;
    // Whether each row so far touches the one above: one header block whose names sit at
    // different heights, not a title and a label over a table.
    let mut tight = true;
    for (n, row) in rows.iter().take(MAX_ROWS).enumerate() {
        if n > 0 {
            let above = rows[n - 1].bbox();
            let gap = row.bbox().y0 - above.y1;
            if row.page != first.page || gap > above.height() {
                break;
            }
            tight &= gap <= TOUCHING * above.height();
        }
        // A figure is a body row's: the band ends above it.
        if row
            .cells
            .iter()
            .any(|c| c.text.chars().any(|ch| ch.is_ascii_digit()))
        {
            break;
        }
        let (mut found, _) = header_phrases(row);
        if n == 0 && found.is_empty() {
            return None;
        }
        // A name begun on the line above and finished on this one ("Taxable" over "Value")
        // is read before this line's names alone ("Value").
        if n > 0 {
            let mut finished = finished_below(&rows[n - 1], row);
            finished.append(&mut found);
            found = finished;
        }
        for col in found {
            // Names stacked over one column ("Remise (-)" over "Charge (+)") are one column,
            // of the kind read first.
            match cols.iter_mut().find(|c| c.shares_x(&col)) {
                Some(c) if c.kind == col.kind => c.header = c.header.union(&col.header),
                Some(_) => {}
                None => cols.push(col),
            }
        }
        let mut named = cols.clone();
        super::rightmost_price_is_amount(&mut named);
        let staggered = || {
            tight
                && named.iter().any(|c| c.kind == ColumnKind::Description)
                && rows
                    .get(n + 1)
                    .is_some_and(|below| priced_under(below, &named, row))
        };
        if n > 0 && (is_item_header(&named) || staggered()) {
            let mut sorted = named;
            sorted.sort_by(|a, b| a.header.x0.total_cmp(&b.header.x0));
            best = Some((sorted, n + 1));
        }
    }
    best
}

/// Names whose first line alone names nothing, finished on the line under the header
/// ("Taxable" over "Value", beside "CGST" over "%"): the two lines together name a column the
/// header does not already name.
fn finished_below(header: &Row, below: &Row) -> Vec<Column> {
    let (h, b) = (header.bbox(), below.bbox());
    if below.page != header.page
        || b.y0 - h.y1 > h.height()
        || below
            .cells
            .iter()
            .any(|c| c.text.chars().any(|ch| ch.is_ascii_digit()))
    {
        return Vec::new();
    }
    let (named, _, unknown) = header_spans(header);
    let over: Vec<_> = header.cells.iter().flat_map(cell_words).collect();
    let under: Vec<_> = below.cells.iter().flat_map(cell_words).collect();
    let shares_x =
        |a: &BBox, b: &BBox| a.x1.min(b.x1) - a.x0.max(b.x0) > 0.5 * a.width().min(b.width());
    let mut out = Vec::new();
    for span in unknown {
        let words: Vec<_> = over
            .iter()
            .filter(|w| w.bbox.x0 >= span.x0 - 1.0 && w.bbox.x1 <= span.x1 + 1.0)
            .collect();
        // The run may hold more than the name ("Taxable CGST" read as one line over "Value %
        // Amt"): each word, or two, with what stands under them.
        let mut i = 0;
        while i < words.len() {
            let found = (1..=2.min(words.len() - i)).rev().find_map(|n| {
                let first = &words[i..i + n];
                let top = first[1..]
                    .iter()
                    .fold(first[0].bbox, |b, w| b.union(&w.bbox));
                let second: Vec<_> = under.iter().filter(|w| shares_x(&w.bbox, &top)).collect();
                if second.is_empty() {
                    return None;
                }
                let phrase = first
                    .iter()
                    .map(|w| w.text.as_str())
                    .chain(second.iter().map(|w| w.text.as_str()))
                    .collect::<Vec<_>>()
                    .join(" ");
                let kind = header_kind(&phrase)?;
                let bbox = second.iter().fold(top, |b, w| b.union(&w.bbox));
                let taken = named.iter().any(|c| c.header.overlaps_x(&bbox));
                (!taken).then(|| {
                    let net = kind == ColumnKind::Amount && is_net_amount(&phrase);
                    (
                        n,
                        Column {
                            kind,
                            header: bbox,
                            net,
                        },
                    )
                })
            });
            match found {
                Some((n, col)) => {
                    out.push(col);
                    i += n;
                }
                None => i += 1,
            }
        }
    }
    out
}

/// Two rows at most this many line heights apart touch.
const TOUCHING: f32 = 0.25;

/// Whether `row`, right under the header's last row `last`, is an item's: words under the
/// description and an amount with cents under the amount column. A header of only a
/// description and an amount ("PRODUCT" centred beside "AMOUNT" over "USD") is too common a
/// pair of words to be taken for one without its first item under it.
fn priced_under(row: &Row, cols: &[Column], last: &Row) -> bool {
    let (l, r) = (last.bbox(), row.bbox());
    if row.page != last.page || r.y0 - l.y1 > 2.0 * l.height() {
        return false;
    }
    let words: Vec<_> = row.cells.iter().flat_map(cell_words).collect();
    let under = |kind: ColumnKind| {
        cols.iter().filter(|c| c.kind == kind).any(|c| {
            words
                .iter()
                .any(|w| w.bbox.overlaps_x(&c.header) && keep(kind, &w.text))
        })
    };
    fn keep(kind: ColumnKind, text: &str) -> bool {
        match kind {
            ColumnKind::Amount => has_cents(text) && parse_amount(text).is_some(),
            _ => text.chars().any(char::is_alphabetic),
        }
    }
    under(ColumnKind::Description) && under(ColumnKind::Amount)
}

/// A line-item header: a description, an amount and at least two more columns.
fn is_item_header(cols: &[Column]) -> bool {
    let has = |kind: ColumnKind| cols.iter().any(|c| c.kind == kind);
    let named = cols
        .iter()
        .filter(|c| c.kind != ColumnKind::Unnamed)
        .count();
    named >= 4 && has(ColumnKind::Description) && has(ColumnKind::Amount)
}

#[cfg(test)]
mod tests {
    use super::super::tests::items;

    #[test]
    fn a_header_over_two_lines_reads_the_items_under_it() {
        let got = items(&[
            &[("Pos", 100.0), ("Art-Nr", 200.0), ("Beschreibung", 400.0)],
            &[
                ("Nettopreis", 900.0),
                ("Menge", 1100.0),
                ("Steuer", 1300.0),
                ("Entgelt", 1500.0),
            ],
            &[
                ("1", 100.0),
                ("TB100A4", 200.0),
                ("Trennblätter A4", 400.0),
                ("9,90", 910.0),
                ("20", 1110.0),
                ("19 %", 1310.0),
                ("198,00", 1500.0),
            ],
            &[("Gesamtbetrag", 900.0), ("198,00", 1500.0)],
        ]);
        assert_eq!(got, [("Trennblätter A4".to_string(), "198.00".to_string())]);
    }

    /// The Indian GST layout names its columns over two lines, and "Taxable" over "Value" is
    /// one name beside "CGST" over "%": the line's amount is its taxable value, not its total
    /// with both taxes.
    #[test]
    fn a_name_finished_on_the_next_line_names_its_column() {
        let got = items(&[
            &[
                ("Sl", 100.0),
                ("Description", 150.0),
                ("of", 300.0),
                ("HSN/", 700.0),
                ("Qty", 900.0),
                ("Rate", 1100.0),
                ("Taxable", 1300.0),
                ("CGST", 1450.0),
                ("CGST", 1600.0),
                ("SGST", 1700.0),
                ("SGST", 1850.0),
                ("Total", 2100.0),
            ],
            &[
                ("No.", 100.0),
                ("Goods/Services", 150.0),
                ("SAC", 700.0),
                ("Value", 1310.0),
                ("%", 1450.0),
                ("Amt", 1600.0),
                ("%", 1700.0),
                ("Amt", 1850.0),
            ],
            &[
                ("1", 100.0),
                ("Software consultancy services", 150.0),
                ("998314", 700.0),
                ("1 hrs", 900.0),
                ("1,926.54", 1080.0),
                ("1,926.54", 1290.0),
                ("9.0", 1450.0),
                ("173.39", 1590.0),
                ("9.0", 1700.0),
                ("173.39", 1840.0),
                ("2,273.32", 2080.0),
            ],
        ]);
        assert_eq!(
            got,
            [(
                "Software consultancy services".to_string(),
                "1926.54".to_string()
            )]
        );
    }

    #[test]
    fn a_title_above_a_table_with_its_own_header_is_not_a_band() {
        let got = items(&[
            &[("Details", 100.0)],
            &[
                ("Description", 100.0),
                ("Qty", 900.0),
                ("Price", 1100.0),
                ("Amount", 1500.0),
            ],
            &[
                ("Consulting", 100.0),
                ("2", 910.0),
                ("50.00", 1100.0),
                ("100.00", 1500.0),
            ],
        ]);
        assert_eq!(got, [("Consulting".to_string(), "100.00".to_string())]);
    }
}
