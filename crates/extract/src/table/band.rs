//! Column headers printed over several lines ("P.U. HT" over "(EUR)", "Pos Art-Nr
//! Beschreibung" over "Nettopreis Menge Steuer Entgelt"): a band of rows, each close under the
//! one before and none holding a figure, whose column names together make a line-item header.
//! Tried only where no single row of the document is one, so a layout that reads today reads
//! the same.

use super::super::cells::Row;
use super::{Column, ColumnKind, header_phrases};

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
    for (n, row) in rows.iter().take(MAX_ROWS).enumerate() {
        if n > 0 {
            let above = rows[n - 1].bbox();
            if row.page != first.page || row.bbox().y0 - above.y1 > above.height() {
                break;
            }
        }
        // A figure is a body row's: the band ends above it.
        if row
            .cells
            .iter()
            .any(|c| c.text.chars().any(|ch| ch.is_ascii_digit()))
        {
            break;
        }
        let (found, _) = header_phrases(row);
        if n == 0 && found.is_empty() {
            return None;
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
        if n > 0 && is_item_header(&named) {
            let mut sorted = named;
            sorted.sort_by(|a, b| a.header.x0.total_cmp(&b.header.x0));
            best = Some((sorted, n + 1));
        }
    }
    best
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
