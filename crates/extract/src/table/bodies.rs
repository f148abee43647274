//! Where a page's tables are: each header row (or band of header rows) and the rows under it,
//! until the totals block, a carried-forward row, or a long stretch of empty page ends it.

use super::{Column, ColumnKind, band, header_columns, header_phrases};
use crate::cells::{Row, label_words};
use crate::normalize::parse_amount;

/// How many line heights of blank page between two rows end a table.
const FAR_BELOW: f32 = 10.0;

/// Words that end a table: the totals block, or a carried-forward row at the foot of a page.
fn ends_table(text: &str) -> bool {
    // "Sub-total" is "sub total".
    let w = label_words(&text.replace('-', " ")).join(" ");
    [
        "subtotal",
        "sub total",
        "net amount",
        "total excl",
        "goods total",
        "closing balance",
        "balance carried forward",
        "amount due",
        "balance due",
        "grand total",
        "zwischensumme",
        "summe",
        "gesamtsumme",
        "gesamtbetrag",
        "gesamt netto",
        "gesamt brutto",
        // "zzgl. Frachtkosten": what is added to the goods under the table.
        "zzgl",
        "rechnungsbetrag",
        "bruttosumme",
        "belegsummen",
        "positionssumme",
        "warenwert",
        "umsatzsteueraufschlüsselung",
        "steueraufschlüsselung",
        "sous-total",
        "sous total",
        "montant ht",
        "net à payer",
        "base imponible",
        "imponibile",
        "subtotaal",
        "totaal",
        "netto goederenwaarde",
        "goederenwaarde",
        "kokku",
        "ridade summa",
        "taxable value",
        "total taxable value",
        "total invoice value",
        "att betala",
    ]
    .iter()
    .any(|t| w.starts_with(t))
        || (w.starts_with("total") && !w.contains("forward"))
        // "TOT. 1.452,77": the total abbreviated.
        || w == "tot"
        || w.starts_with("tot ")
        || tax_or_base_label(text)
        || tax_at_rate(text)
}

/// A totals row that names a tax and its rate, without a colon ("CGST-9% 20,365.30", "SGST @
/// 9%", "VAT 20% 4.00", "VAT (19%) 0.00"): the tax on the items above, not one of them.
fn tax_at_rate(text: &str) -> bool {
    let tokens: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == '-' || c == '@')
        .filter(|t| !t.is_empty())
        .take(3)
        .collect();
    let Some((first, rest)) = tokens.split_first() else {
        return false;
    };
    let rate = |t: &&str| {
        t.trim_matches(|c| c == '(' || c == ')')
            .strip_suffix('%')
            .is_some_and(|r| parse_amount(r).is_some())
    };
    [
        "gst", "cgst", "sgst", "igst", "utgst", "vat", "tva", "iva", "mwst", "ust", "btw",
    ]
    .contains(&first.to_lowercase().as_str())
        && rest.iter().any(rate)
}

/// A totals row that starts with the tax or the taxable base and its colon ("BASE: 118.80 €",
/// "IVA (10%): 11.88 €", "VAT 20%: 4.00").
fn tax_or_base_label(text: &str) -> bool {
    let mut tokens = text.split_whitespace();
    let Some(first) = tokens.next() else {
        return false;
    };
    let word = label_words(first).concat();
    let colon = first.ends_with(':') || tokens.take(2).any(|t| t.ends_with(':'));
    colon
        && [
            "base", "iva", "tva", "vat", "tax", "mwst", "ust", "btw", "igic", "neto",
        ]
        .contains(&word.as_str())
}

/// A row that carries a page's running sum to the next ("Suma y sigue: 583,20", "Übertrag",
/// "A reporter"): an amount that is no line item.
fn is_forward_row(text: &str) -> bool {
    let w = label_words(text).join(" ");
    w.contains("carried forward")
        || w.contains("brought forward")
        || w.starts_with("page ")
        || [
            "suma y sigue",
            "suma anterior",
            "übertrag",
            "uebertrag",
            "a reporter",
            "à reporter",
            "a riportare",
            "riporto",
        ]
        .iter()
        .any(|p| w == *p || w.starts_with(&format!("{p} ")))
        || [
            "volgende pagina",
            "suite page suivante",
            "fortsetzung",
            "continued",
        ]
        .contains(&w.as_str())
}

/// Column names printed just above or below a one-line header, beside it ("Service" over
/// "Period" where "Charge Name ... Total" sits between them, each name centred on its column):
/// a row close to the header with no figure, only column names, none over a column the header
/// already names.
fn stacked_names(header: &Row, row: &Row, below: bool) -> Option<Vec<Column>> {
    let (h, b) = (header.bbox(), row.bbox());
    let gap = (b.y0 - h.y1).max(h.y0 - b.y1);
    if row.page != header.page
        || gap > h.height()
        || row
            .cells
            .iter()
            .any(|c| c.text.chars().any(|ch| ch.is_ascii_digit()))
    {
        return None;
    }
    let (found, unknown) = header_phrases(row);
    let (named, _) = header_phrases(header);
    let overlaps = |c: &Column| named.iter().any(|n| n.shares_x(c));
    // Of two description columns ("Charge Name", "Service"), the second may go on below to
    // say what it holds ("Service" over "Period"): that name is the column's, as the last
    // line of a name over two rows is.
    let descriptions = named
        .iter()
        .filter(|n| n.kind == ColumnKind::Description)
        .count();
    let renames = |c: &Column| {
        below
            && descriptions >= 2
            && named
                .iter()
                .filter(|n| n.shares_x(c))
                .all(|n| n.kind == ColumnKind::Description)
    };
    let mut new: Vec<Column> = Vec::new();
    for col in found {
        if overlaps(&col) && !renames(&col) {
            return None;
        }
        // Only a column of figures or dates: a text column's name there ("Art-Nr-Kunde" over
        // "Pos Art-Nr-Lief. Beschreibung") would take words of the descriptions wrapping
        // under it.
        if !matches!(col.kind, ColumnKind::Description | ColumnKind::Sku) {
            new.push(col);
        }
    }
    (unknown == 0 && !new.is_empty()).then_some(new)
}

/// Rows of each table body: the rows under a header until the table ends. A page without its
/// own header continues the previous page's table with the same columns.
pub(super) fn bodies(rows: &[Row]) -> Vec<(Vec<Column>, Vec<&Row>)> {
    let mut tables: Vec<(Vec<Column>, Vec<&Row>)> = Vec::new();
    let mut current: Option<usize> = None;
    let mut ended = false;
    let mut page = usize::MAX;
    let mut header_page = usize::MAX;
    let bands = band::needed(rows);
    let mut skip = 0;
    for (i, row) in rows.iter().enumerate() {
        if skip > 0 {
            skip -= 1;
            continue;
        }
        let single = header_columns(row);
        let header = match single {
            Some(mut cols) if !bands || cols.iter().any(|c| c.kind.is_money()) => {
                if let Some(above) = i
                    .checked_sub(1)
                    .and_then(|j| stacked_names(row, &rows[j], false))
                {
                    cols.extend(above);
                }
                if let Some(below) = rows.get(i + 1).and_then(|r| stacked_names(row, r, true)) {
                    // A name split over the lines above and below ("Service" / "Period") is
                    // one column, of the kind its last word says.
                    cols.retain(|c| !below.iter().any(|b| b.shares_x(c)));
                    cols.extend(below);
                    skip = 1;
                }
                cols.sort_by(|a, b| a.header.x0.total_cmp(&b.header.x0));
                Some(cols)
            }
            single => match bands.then(|| band::header_band(&rows[i..])).flatten() {
                Some((cols, n)) => {
                    skip = n - 1;
                    Some(cols)
                }
                None => single,
            },
        };
        if let Some(cols) = header {
            // A header on a new page continues the open table when it repeats the table's
            // header, or when the page has shown none of the table's rows yet; what the page
            // printed above a repeated header is its letterhead, not the table's.
            let kinds = |cols: &[Column]| cols.iter().map(|c| c.kind).collect::<Vec<_>>();
            let repeated = current.is_some_and(|t| kinds(&tables[t].0) == kinds(&cols));
            match current {
                Some(t) if !ended && row.page != header_page && (repeated || row.page != page) => {
                    if repeated {
                        tables[t].1.retain(|r| r.page != row.page);
                    }
                    tables[t].0 = cols;
                }
                _ => {
                    tables.push((cols, Vec::new()));
                    current = Some(tables.len() - 1);
                }
            }
            ended = false;
            page = row.page;
            header_page = row.page;
            continue;
        }
        let Some(t) = current else { continue };
        if ended {
            continue;
        }
        let text = row.text();
        if is_forward_row(&text) {
            continue;
        }
        // Far below the last item, the page has moved on: a box left empty under the items,
        // then conditions or tax notes that are no line ("Suite à l'adoption de la Loi ...").
        let far = tables[t].1.last().is_some_and(|last| {
            let (above, here) = (last.bbox(), row.bbox());
            last.page == row.page
                && here.y0 - above.y1 > FAR_BELOW * above.height().max(here.height())
        });
        if far
            || ends_table(&row.cells[0].text)
            || row.cells.iter().any(|c| {
                ends_table(&c.text)
                    && c.bbox.x0 > tables[t].0[0].header.x0 + 1.0
                    && parse_amount(&c.text).is_none()
            })
        {
            ended = true;
            continue;
        }
        page = row.page;
        tables[t].1.push(row);
    }
    tables
}

#[cfg(test)]
mod tests {
    use super::is_forward_row;

    #[test]
    fn a_page_s_carried_sum_is_no_item() {
        for row in [
            "Suma y sigue: 583,20",
            "Übertrag 1.234,00",
            "A reporter 88,00",
            "Balance carried forward 10.00",
        ] {
            assert!(is_forward_row(row), "{row}");
        }
        for row in ["Übertragung der Lizenz 50,00", "Report design 120,00"] {
            assert!(!is_forward_row(row), "{row}");
        }
    }
}
