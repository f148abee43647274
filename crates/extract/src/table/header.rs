//! A table's column header: which words of a row name which columns ("Qty Description Rate
//! Total"), joined over connectors, spaced out by OCR or glued into one cell.

use super::columns::{header_kind, is_net_amount};
use super::{Column, ColumnKind, cell_words};
use crate::cells::Row;
use ledgerline_core::page::{BBox, Word};

/// Words that join two names of one column ("Item name or type of service", "Menge und
/// Einheit") and name nothing themselves.
const CONNECTORS: &[&str] = &[
    "or", "and", "of", "/", "&", "-", "–", "und", "oder", "et", "ou", "y", "o", "de", "del", "des",
    "du", "der", "di", "van", "per",
];

fn is_connector(word: &Word) -> bool {
    CONNECTORS.contains(&word.text.to_lowercase().as_str())
}

/// Words read as one phrase.
fn phrase(words: &[Word]) -> String {
    words
        .iter()
        .map(|w| w.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The column names a row's words spell, matched on words, longest phrase first (up to four
/// words: "Line Amount Excl. VAT"), because neighbouring headers often sit closer than a word
/// gap and arrive as one cell ("Qty Description"); with the number of words that name no
/// column.
pub(super) fn header_phrases(row: &Row) -> (Vec<Column>, usize) {
    let (cols, unknown, _) = header_spans(row);
    (cols, unknown)
}

/// A column name OCR read as letter-spaced fragments ("DES C RIP CIÓ N"): the longest run of
/// short fragments, two or more, whose letters together spell a name.
fn spaced_name(words: &[Word]) -> Option<(ColumnKind, usize, bool)> {
    let short = words
        .iter()
        .take(8)
        .take_while(|w| {
            let n = w.text.chars().count();
            n <= 4 && w.text.chars().all(char::is_alphabetic)
        })
        .count();
    (2..=short).rev().find_map(|n| {
        let joined: String = words[..n].iter().map(|w| w.text.as_str()).collect();
        header_kind(&joined).map(|k| (k, n, false))
    })
}

/// `header_phrases`, with the boxes of the runs of words that name no column (connectors
/// aside, and the words inside a name said twice).
pub(super) fn header_spans(row: &Row) -> (Vec<Column>, usize, Vec<BBox>) {
    let mut cols: Vec<Column> = Vec::new();
    let mut unknown = 0;
    let mut spans: Vec<BBox> = Vec::new();
    let mut articles: Vec<usize> = Vec::new();
    for cell in &row.cells {
        let words = cell_words(cell);
        let first_here = cols.len();
        // Words of this cell since its last column name: one name, said twice with words
        // between ("Item name or type of service"), is one column and those words are its name.
        let mut since = 0;
        let mut between = false;
        // Whether that connector was a slash: "Beschreibung / Preis" heads one column, the
        // description with its price's line under it.
        let mut slash = false;
        let mut run: Option<BBox> = None;
        let mut i = 0;
        while i < words.len() {
            let connector = is_connector(&words[i]);
            if connector {
                between = true;
                slash |= words[i].text == "/";
            }
            let found = (1..=4.min(words.len() - i))
                .rev()
                .find_map(|n| {
                    // A connector joins two names; it starts or ends none ("CONCEPTO -" over
                    // "REFERENCIA").
                    if n > 1 && (is_connector(&words[i]) || is_connector(&words[i + n - 1])) {
                        return None;
                    }
                    let phrase = phrase(&words[i..i + n]);
                    header_kind(&phrase).map(|k| (k, n, is_net_amount(&phrase)))
                })
                .or_else(|| spaced_name(&words[i..]));
            // A currency printed beside a column's name ("Net £", "Gross €") names nothing.
            let currency = words[i].text.chars().count() <= 3
                && crate::currency::find_currency(&words[i].text).is_some();
            let Some((kind, n, net)) = found else {
                // The period a column covers, printed in its name ("Zeitraum 01.04.26 -
                // 30.04.26"), names nothing more.
                if currency || crate::normalize::is_any_date(&words[i].text) {
                    i += 1;
                    continue;
                }
                // What a description's name goes on to say after a connector ("Product name
                // and additional info") is still its name.
                let described = cols.len() > first_here
                    && cols
                        .last()
                        .is_some_and(|c| c.kind == ColumnKind::Description);
                if described && between {
                    if let Some(last) = cols.last_mut() {
                        last.header = last.header.union(&words[i].bbox);
                    }
                    i += 1;
                    continue;
                }
                unknown += 1;
                since += 1;
                if connector {
                    spans.extend(run.take());
                } else {
                    let b = words[i].bbox;
                    run = Some(run.map_or(b, |r| r.union(&b)));
                }
                i += 1;
                continue;
            };
            let bbox = words[i + 1..i + n]
                .iter()
                .fold(words[i].bbox, |b, w| b.union(&w.bbox));
            let here = cols.len() > first_here;
            // A description and its reference named together ("CONCEPTO - REFERENCIA") head
            // one column: the reference is printed in the description's words.
            let joined = |a: ColumnKind| {
                a == kind
                    // Only the connector between them, no other word.
                    || since <= 1
                        && matches!(
                        (a, kind),
                        (ColumnKind::Description, ColumnKind::Sku)
                            | (ColumnKind::Sku, ColumnKind::Description)
                    )
                    || since == 0 && slash && a == ColumnKind::Description
            };
            match cols.last_mut() {
                Some(last) if here && between && joined(last.kind) => {
                    if last.kind != kind {
                        last.kind = ColumnKind::Description;
                    }
                    last.header = last.header.union(&bbox);
                    unknown -= since;
                    // The words between were this name's, not a column of their own.
                    let start = last.header.x0;
                    spans.retain(|s| !(s.x0 >= start && s.x1 <= bbox.x1));
                    run = None;
                }
                _ => {
                    spans.extend(run.take());
                    if is_article(&phrase(&words[i..i + n])) {
                        articles.push(cols.len());
                    }
                    cols.push(Column {
                        kind,
                        header: bbox,
                        net: net && kind == ColumnKind::Amount,
                    })
                }
            }
            since = 0;
            between = false;
            slash = false;
            i += n;
        }
        spans.extend(run.take());
    }
    // "Artículo" beside "Concepto": of two description columns, the article's holds its code.
    let described = |cols: &[Column]| {
        cols.iter()
            .filter(|c| c.kind == ColumnKind::Description)
            .count()
    };
    for at in articles {
        if described(&cols) >= 2 && cols[at].kind == ColumnKind::Description {
            cols[at].kind = ColumnKind::Sku;
        }
    }
    // Words stacked over an amount's name, in the same row, that name nothing alone can say
    // it is before tax ("Taxable" over "Amount(Rs)").
    for span in &spans {
        let over = |c: &Column| span.overlaps_x(&c.header) && span.center_y() < c.header.center_y();
        if let Some(col) = cols
            .iter_mut()
            .find(|c| c.kind == ColumnKind::Amount && over(c))
        {
            let name = format!(
                "{} {}",
                text_within(row, span),
                text_within(row, &col.header)
            );
            col.net |= is_net_amount(&name);
        }
    }
    (stacked_into_one(cols), unknown, spans)
}

/// The row's words whose middles lie in `within`, in reading order.
fn text_within(row: &Row, within: &BBox) -> String {
    let inside = |b: &BBox| {
        let x = (b.x0 + b.x1) / 2.0;
        (within.x0..=within.x1).contains(&x) && (within.y0..=within.y1).contains(&b.center_y())
    };
    row.cells
        .iter()
        .flat_map(cell_words)
        .filter(|w| inside(&w.bbox))
        .map(|w| w.text)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A name printed over two lines that one row took in whole, as a photo's taller boxes make it
/// ("Service" over "Period"): one column, of the kind its last line says, as a name split
/// over two rows is (see `bodies`).
fn stacked_into_one(cols: Vec<Column>) -> Vec<Column> {
    let mut out: Vec<Column> = Vec::with_capacity(cols.len());
    for col in cols {
        match out.iter_mut().find(|c| c.header.stacked_with(&col.header)) {
            Some(other) => {
                let lower = if col.header.center_y() > other.header.center_y() {
                    &col
                } else {
                    &*other
                };
                let (kind, net) = (lower.kind, lower.net);
                other.header = other.header.union(&col.header);
                other.kind = kind;
                other.net = net;
            }
            None => out.push(col),
        }
    }
    out
}

/// Column names that say "the article" and head its name, or its code where another column
/// holds the description.
fn is_article(phrase: &str) -> bool {
    let words = crate::cells::plain_label_words(phrase);
    matches!(
        words.join(" ").as_str(),
        "articulo" | "article" | "artikel" | "articolo"
    )
}

/// A header that names two price columns and no amount ("Prix unitaire ... Prix HT", "Unit
/// price ... Price") prints each line's amount under the rightmost one; so does one that names
/// one price, no quantity and at least two more columns ("Produit | Description | Taxes |
/// Prix"): a price with nothing to multiply it by is the line's amount.
pub(super) fn rightmost_price_is_amount(cols: &mut [Column]) {
    let prices = cols
        .iter()
        .filter(|c| c.kind == ColumnKind::UnitPrice)
        .count();
    let has = |kind: ColumnKind| cols.iter().any(|c| c.kind == kind);
    let alone = prices == 1 && !has(ColumnKind::Quantity) && cols.len() >= 3;
    if has(ColumnKind::Amount) || (prices < 2 && !alone) {
        return;
    }
    if let Some(last) = cols
        .iter_mut()
        .filter(|c| c.kind == ColumnKind::UnitPrice)
        .max_by(|a, b| a.header.x0.total_cmp(&b.header.x0))
    {
        last.kind = ColumnKind::Amount;
    }
}

/// A header of four columns or more whose only price is its last column, right of every name
/// it could not read too ("Tootegrupp | Toote nimetus | Kogus | Ühik | Hind"), prints each
/// line's amount under that price: the table has no other figure it could be.
fn last_price_is_amount(cols: &mut [Column], unread: &[BBox]) {
    let prices = cols.iter().filter(|c| c.kind == ColumnKind::UnitPrice);
    if cols.len() < 4 || prices.count() != 1 || cols.iter().any(|c| c.kind == ColumnKind::Amount) {
        return;
    }
    let Some(last) = cols
        .iter_mut()
        .max_by(|a, b| a.header.x0.total_cmp(&b.header.x0))
        .filter(|c| c.kind == ColumnKind::UnitPrice)
    else {
        return;
    };
    if unread.iter().all(|b| b.x0 < last.header.x0) {
        last.kind = ColumnKind::Amount;
    }
}

/// A header row names at least three columns (or two, one of them an amount), and nothing else;
/// or at least four, among them a description and an amount, and at most two words more (a
/// "Nachlässe / Zuschläge" column the vocabulary has no kind for).
pub(super) fn header_columns(row: &Row) -> Option<Vec<Column>> {
    let (mut cols, unknown, spans) = header_spans(row);
    rightmost_price_is_amount(&mut cols);
    last_price_is_amount(&mut cols, &spans);
    if unknown > 2 {
        return None;
    }
    let has_money = cols.iter().any(|c| c.kind.is_money());
    let has = |kind: ColumnKind| cols.iter().any(|c| c.kind == kind);
    // A word OCR could not make out (".V.A." for "I.V.A.") leaves a header of codes and
    // amounts ("Albarán | Fecha | ... | Total Neto", a list of delivery notes) still a header
    // when it names four columns or more.
    let listed = unknown == 1 && has(ColumnKind::Sku);
    let named = if unknown == 0 {
        cols.len() >= 3 || (cols.len() == 2 && has_money)
    } else {
        cols.len() >= 4 && (has(ColumnKind::Description) || listed) && has(ColumnKind::Amount)
    };
    // The columns it does not name still hold their words; words stacked over or under a
    // name ("Amount" over "(INR)") say more about that column and make none of their own.
    let stacked = |b: &BBox| cols.iter().any(|c| b.overlaps_x(&c.header));
    let unnamed: Vec<Column> = spans
        .into_iter()
        .filter(|b| !stacked(b))
        .map(|header| Column {
            kind: ColumnKind::Unnamed,
            header,
            net: false,
        })
        .collect();
    cols.extend(unnamed);
    named.then_some(cols)
}

/// Whether a row is a table's column header ("Qty Description Rate Total"): its words are
/// column names, not labels of header fields or the issuer's name.
pub fn is_header_row(row: &Row) -> bool {
    header_columns(row).is_some()
}

#[cfg(test)]
mod tests {
    use super::super::tests::items;

    /// Panifiesto's list of delivery notes photographed: OCR lost the "I" of "I.V.A.", and
    /// the header of codes, dates and amounts still reads its rows.
    #[test]
    fn a_header_of_codes_and_amounts_with_one_word_unread_is_a_header() {
        let got = items(&[
            &[
                ("Albarán", 100.0),
                ("Fecha", 400.0),
                ("Su nº pedido", 600.0),
                ("Su nº albarán", 900.0),
                ("Base impon.", 1200.0),
                (".V.A.", 1500.0),
                ("Total Neto", 1750.0),
            ],
            &[
                ("25-101101-3.544", 100.0),
                ("02-nov.-2025", 400.0),
                ("7,88", 1250.0),
                ("0,32", 1500.0),
                ("8,20", 1800.0),
            ],
        ]);
        assert_eq!(
            got,
            [(
                "25-101101-3.544 02-nov.-2025".to_string(),
                "7.88".to_string()
            )]
        );
    }

    #[test]
    fn a_description_s_name_may_go_on_after_a_connector() {
        // "Product name and additional info": the words after "and" name the same column.
        let got = items(&[
            &[
                ("Product", 190.0),
                ("code", 260.0),
                ("Product", 580.0),
                ("name", 650.0),
                ("and", 692.0),
                ("additional", 725.0),
                ("info", 821.0),
                ("Quantity", 1350.0),
                ("Price", 1660.0),
                ("Sum", 1920.0),
                ("Tax", 2150.0),
                ("rate", 2185.0),
            ],
            &[
                ("SERVER", 190.0),
                ("Server hosting", 580.0),
                ("3 pcs", 1410.0),
                ("6,00", 1676.0),
                ("18,00", 1912.0),
                ("0%", 2233.0),
            ],
            &[("Subtotal:", 1590.0), ("18,00", 1897.0)],
        ]);
        assert_eq!(got, [("Server hosting".into(), "18.00".into())]);
    }

    #[test]
    fn a_description_named_with_its_price_over_a_slash_is_one_column() {
        // A ZUGFeRD sample's "Beschreibung / Preis": the price is the line under the name, and
        // the name's last word sits under "Preis".
        let got = items(&[
            &[
                ("Pos", 300.0),
                ("Beschreibung", 819.0),
                ("/", 937.0),
                ("Preis", 955.0),
                ("Nettopreis", 1528.0),
                ("Menge", 1741.0),
                ("Pos-Betrag", 2000.0),
            ],
            &[
                ("2", 300.0),
                ("Gelierzucker", 819.0),
                ("250g", 950.0),
                ("1.4500", 1528.0),
                ("50", 1741.0),
                ("72.50", 2000.0),
            ],
            &[("Bruttopreis: 1.5000", 819.0)],
            &[("Gesamtbetrag", 1500.0), ("72.50", 2000.0)],
        ]);
        assert_eq!(
            got,
            [(
                "Gelierzucker 250g Bruttopreis: 1.5000".into(),
                "72.50".into()
            )]
        );
    }

    #[test]
    fn a_description_named_with_its_reference_is_one_column() {
        // The reference's name sits over the descriptions' right half: the whole cell is theirs.
        let got = items(&[
            &[
                ("CANTIDAD", 250.0),
                ("CONCEPTO", 708.0),
                ("-", 790.0),
                ("REFERENCIA", 808.0),
                ("PRECIO", 1732.0),
                ("IMPORTE", 1973.0),
            ],
            &[
                ("3", 349.0),
                ("CAJAS PIPARRAS", 760.0),
                ("31,80", 1761.0),
                ("95,40 €", 2000.0),
            ],
            &[("TOTAL", 1800.0), ("95,40 €", 2000.0)],
        ]);
        assert_eq!(got, [("CAJAS PIPARRAS".into(), "95.40".into())]);
    }

    #[test]
    fn a_column_name_read_as_letter_spaced_fragments_names_its_column() {
        let got = items(&[
            &[
                ("CÓDIGO", 228.0),
                ("DES", 665.0),
                ("C", 700.0),
                ("RIP", 715.0),
                ("CIÓ", 750.0),
                ("N", 785.0),
                ("PRECIO", 1712.0),
                ("IMPORTE", 2129.0),
            ],
            &[
                ("4291", 158.0),
                ("ANTONIO MONTERO Albariño", 640.0),
                ("5,95", 1730.0),
                ("35,70", 2147.0),
            ],
            &[("TOTAL", 1712.0), ("35,70", 2147.0)],
        ]);
        assert_eq!(got, [("ANTONIO MONTERO Albariño".into(), "35.70".into())]);
    }

    #[test]
    fn of_an_article_and_a_concept_column_the_article_holds_the_code() {
        let got = items(&[
            &[
                ("Artículo", 82.0),
                ("Concepto", 624.0),
                ("I.V.A.", 1172.0),
                ("Cantidad", 1412.0),
                ("P.", 1719.0),
                ("Unidad", 1745.0),
                ("Importe", 2190.0),
            ],
            &[
                ("CA0005", 21.0),
                ("ANCHOA OLIVA GRAN SELECCION 60", 600.0),
                ("10,00%", 1177.0),
                ("12,0000", 1480.0),
                ("24,0000", 1750.0),
                ("288,00", 2200.0),
            ],
            // The total abbreviated ends the table.
            &[("TOT.", 600.0), ("288,00", 2200.0)],
        ]);
        assert_eq!(
            got,
            [("ANCHOA OLIVA GRAN SELECCION 60".into(), "288.00".into())]
        );
    }
}
