//! Tables: the line items of an invoice and the transactions of a statement, found from a
//! header row and the columns its cells define, continued across pages (repeated headers and
//! carried-forward rows are recognised and skipped), wrapped descriptions joined.

use super::cells::Row;
use super::normalize::{bare, has_cents, looks_like_money, parse_amount};
use super::{Field, FieldSource, LineItem};
use ledgerline_core::page::{BBox, Word};

mod band;
mod bodies;
mod column_names;
mod columns;
mod header;

pub use columns::ColumnKind;
pub use header::is_header_row;
use header::{header_columns, header_phrases, rightmost_price_is_amount};

/// A column: its kind and the horizontal extent of its header.
#[derive(Debug, Clone)]
pub struct Column {
    pub kind: ColumnKind,
    pub header: BBox,
    /// An amount column named as before tax ("Base impon.", "Net amount", "Montant HT").
    pub net: bool,
}

impl Column {
    /// Whether the two headers stand over some of the same width of the page.
    fn shares_x(&self, other: &Column) -> bool {
        self.header.overlaps_x(&other.header)
    }
}

fn cell_words(cell: &super::cells::Cell) -> Vec<Word> {
    cell.word_list()
        .iter()
        .flat_map(unglue)
        .map(without_rule)
        .collect()
}

/// A figure without the bar or bracket a table's rule beside it reads as on a scan
/// ("4 993,92|"): the rule is no part of the amount.
fn without_rule(word: Word) -> Word {
    let bare = bare(&word.text);
    if bare.len() < word.text.len() && parse_amount(bare).is_some() {
        Word {
            text: bare.to_string(),
            ..word
        }
    } else {
        word
    }
}

/// Splits a word OCR glued at a full stop ("total.Goods" for "total. Goods"): a stop between a
/// lowercase letter and a capital ends a word. The box is shared out by character count.
fn unglue(word: &Word) -> Vec<Word> {
    let chars: Vec<char> = word.text.chars().collect();
    let cut = (1..chars.len().saturating_sub(1))
        .find(|&i| chars[i] == '.' && chars[i - 1].is_lowercase() && chars[i + 1].is_uppercase());
    let Some(i) = cut else {
        return vec![word.clone()];
    };
    let b = word.bbox;
    let at = b.x0 + b.width() * (i + 1) as f32 / chars.len() as f32;
    let head = Word {
        text: chars[..=i].iter().collect(),
        bbox: BBox::new(b.x0, b.y0, at, b.y1),
        confidence: word.confidence,
    };
    let tail = Word {
        text: chars[i + 1..].iter().collect(),
        bbox: BBox::new(at, b.y0, b.x1, b.y1),
        confidence: word.confidence,
    };
    let mut out = vec![head];
    out.extend(unglue(&tail));
    out
}

/// Joins the groups of a number printed with spaces between thousands ("20 152,12"), which a
/// reader sees as one number and word splitting as two.
fn merge_thousands(words: Vec<Word>) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    for word in words {
        if let Some(prev) = out.last_mut() {
            let head = prev.text.trim_start_matches(['-', '(', '$', '€', '£']);
            let gap = word.bbox.x0 - prev.bbox.x1;
            // By characters, not bytes: a word may hold any text ("Crème", "00·00").
            let mut chars = word.text.chars();
            let digits3 = chars.by_ref().take(3).filter(char::is_ascii_digit).count() == 3
                && !chars.next().is_some_and(|c| c.is_ascii_digit());
            if !head.is_empty()
                && head.len() <= 3
                && head.chars().all(|c| c.is_ascii_digit())
                && digits3
                && gap < 0.6 * word.bbox.height()
            {
                prev.text = format!("{} {}", prev.text, word.text);
                prev.bbox = prev.bbox.union(&word.bbox);
                continue;
            }
        }
        out.push(word);
    }
    out
}

/// Assigns each word of a row to a column. A cell (words printed close together) is one
/// phrase and stays in one column, unless its words sit under different headers (neighbouring
/// cells that touch): then each word under a header starts that column and the words after it
/// follow it. A cell under no header goes, if it is a number, to the numeric column whose
/// header's right edge it lines up with (numbers are right-aligned and often wider than their
/// header), and otherwise to the nearest text column on its left (descriptions run wider than
/// their header).
/// A product's size: a figure and a unit of weight, volume or length ("250g", "0,5l", "1.5 kg"),
/// which no article code looks like.
fn is_size(text: &str) -> bool {
    const UNITS: [&str; 14] = [
        "g", "gr", "kg", "mg", "l", "ml", "cl", "dl", "ltr", "oz", "lb", "mm", "cm", "m",
    ];
    let text = text.trim();
    let unit = text.trim_start_matches(|c: char| c.is_ascii_digit() || c == ',' || c == '.');
    let figure = &text[..text.len() - unit.len()];
    figure.starts_with(|c: char| c.is_ascii_digit())
        && UNITS.contains(&unit.trim_start().to_lowercase().as_str())
}

fn split_row(row: &Row, cols: &[Column]) -> Vec<Vec<Word>> {
    split_row_aligned(row, cols, None)
}

/// Where the description's lines start on a table's rows: the middle of its rows' first
/// description words' left edges. A header centred over left-aligned text leaves a wrapped
/// line's start under no header, or under the column beside it.
fn description_left(rows: &[Vec<Vec<Word>>], cols: &[Column]) -> Option<f32> {
    let d = cols
        .iter()
        .position(|c| c.kind == ColumnKind::Description)?;
    let mut lefts: Vec<f32> = rows
        .iter()
        .filter_map(|parts| parts[d].iter().map(|w| w.bbox.x0).reduce(f32::min))
        .collect();
    lefts.sort_by(f32::total_cmp);
    lefts.get(lefts.len() / 2).copied()
}

/// `split_row`, with text under no header that starts where the description's lines start
/// (`desc_left`) going to the description ("02-22 - 14-03-22" under "FMS-Onsite ... for 15-",
/// left of a centred "Description" and just right of "No.").
fn split_row_aligned(row: &Row, cols: &[Column], desc_left: Option<f32>) -> Vec<Vec<Word>> {
    let mut out: Vec<Vec<Word>> = vec![Vec::new(); cols.len()];
    let is_text = |k: ColumnKind| matches!(k, ColumnKind::Description | ColumnKind::Sku);
    let under = |b: &BBox| {
        cols.iter()
            .enumerate()
            .map(|(i, c)| (i, (b.x1.min(c.header.x1) - b.x0.max(c.header.x0)).max(0.0)))
            .filter(|(_, o)| *o > 0.0)
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
    };
    for cell in &row.cells {
        let words = merge_thousands(cell_words(cell));
        // A date column takes dates only: a description or a figure running under its
        // header is not one.
        let placed: Vec<Option<usize>> = words
            .iter()
            .map(|w| {
                under(&w.bbox).filter(|&i| {
                    cols[i].kind != ColumnKind::Date || super::normalize::is_any_date(&w.text)
                })
            })
            .collect();
        let mut current = placed.iter().flatten().next().copied();
        let numeric = parse_amount(bare(&cell.text).trim_end_matches('%')).is_some();
        let description = cols.iter().position(|c| c.kind == ColumnKind::Description);
        if current.is_none()
            && !numeric
            && let (Some(d), Some(left)) = (description, desc_left)
            && (cell.bbox.x0 - left).abs() <= 0.5 * cell.bbox.height()
        {
            current = Some(d);
        }
        if current.is_none() {
            let aligned = cols
                .iter()
                .enumerate()
                .filter(|(_, c)| !is_text(c.kind) && c.kind != ColumnKind::Date)
                .map(|(i, c)| (i, (c.header.x1 - cell.bbox.x1).abs()))
                .filter(|(_, d)| *d < cell.bbox.height().max(8.0) * 1.5)
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(i, _)| i);
            // A word past a figures' column, or nearer the next column's header than its own
            // ("U" for the unit under a nameless header, a tax code right of the amount), is
            // no part of the description.
            let within = |text: &Column| {
                let next = cols
                    .iter()
                    .filter(|c| c.header.x0 > text.header.x1)
                    .map(|c| c.header.x0)
                    .fold(f32::MAX, f32::min);
                numeric || next == f32::MAX || cell.bbox.x0 < (text.header.x1 + next) / 2.0
            };
            let left_text = cols
                .iter()
                .enumerate()
                .filter(|(_, c)| is_text(c.kind) && c.header.x0 <= cell.bbox.x0 + 1.0)
                .max_by(|a, b| a.1.header.x0.total_cmp(&b.1.header.x0))
                .filter(|(_, text)| within(text))
                .map(|(i, _)| i);
            let nearest = cols
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    (
                        i,
                        (c.header.x0 - cell.bbox.x0)
                            .abs()
                            .min((c.header.x1 - cell.bbox.x1).abs()),
                    )
                })
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(i, _)| i);
            // A figure centred under a narrow header ("2.0" under "Qty") overhangs it on
            // both sides: the figures' column just beside it, not the description. Never the
            // amount's, which lines up with its header and is what makes a row an item.
            let beside = cols
                .iter()
                .enumerate()
                .filter(|(_, c)| {
                    !is_text(c.kind) && !c.kind.is_money() && c.kind != ColumnKind::Date
                })
                .map(|(i, c)| {
                    let gap = (c.header.x0 - cell.bbox.x1).max(cell.bbox.x0 - c.header.x1);
                    (i, gap)
                })
                .filter(|(_, gap)| *gap < cell.bbox.height().max(8.0))
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(i, _)| i);
            // An amount under no name, past a figures' column ("22,58" between "Anz." and
            // "Betrag": a unit price nobody headed), is no part of the description.
            let past_figures = left_text.is_some_and(|t| {
                cols.iter().any(|c| {
                    !is_text(c.kind)
                        && c.header.x0 > cols[t].header.x1
                        && c.header.x1 < cell.bbox.x0
                })
            });
            // A figure with cents just right of the last column, when that column is money:
            // its header centred over a wide cell, the figures set flush right ("Amount" over
            // "(INR)", "35.86" past both).
            let trailing = cols
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.header.x1.total_cmp(&b.1.header.x1))
                .filter(|(_, c)| {
                    c.kind.is_money()
                        && cell.bbox.x0 > c.header.x1
                        && cell.bbox.x0 - c.header.x1 < cell.bbox.height().max(8.0)
                })
                .map(|(i, _)| i);
            current = if numeric && past_figures && has_cents(cell.text.trim()) {
                aligned.or(beside).or(trailing)
            } else if numeric {
                aligned.or(beside).or(left_text).or(nearest)
            } else {
                // A quantity with its unit ("2 Stk") still goes to its figures' column, but
                // not to the amount's, which lines up with its header.
                let figure = cell.text.starts_with(|c: char| c.is_ascii_digit());
                let text_col = left_text.or(nearest.filter(|&i| {
                    if is_text(cols[i].kind) {
                        within(&cols[i])
                    } else {
                        (figure && !cols[i].kind.is_money())
                            || !cols.iter().any(|c| is_text(c.kind))
                    }
                }));
                // Words without a figure are no code: a description's second line starting
                // left of its centred header ("BELLOTA" under "SALCHICHON ... CASERO"), nearer
                // the code column. Nor is a size ("250g", "0,5l" under "Gelierzucker Extra").
                match text_col {
                    Some(i)
                        if cols[i].kind == ColumnKind::Sku
                            && (!cell.text.chars().any(|c| c.is_ascii_digit())
                                || is_size(&cell.text))
                            && description.is_some_and(|d| cols[d].header.x0 > cell.bbox.x0) =>
                    {
                        description
                    }
                    other => other,
                }
            };
        }
        let Some(mut col) = current else { continue };
        let rate_col = cols.iter().position(|c| c.kind == ColumnKind::TaxRate);
        for (word, place) in words.into_iter().zip(placed) {
            if let Some(p) = place {
                col = p;
            } else if let (Some(d), Some(left)) = (description, desc_left)
                && cols[col].kind == ColumnKind::Sku
                && (word.bbox.x0 - left).abs() <= 0.5 * word.bbox.height()
                && parse_amount(&word.text).is_none()
            {
                // A code and its description in one cell ("BACKSTAGETXBLCD VERRE ..."): the
                // description starts where the description's lines start, left of its
                // centred header.
                col = d;
            }
            // A rate printed right after the amount in one cell ("-5,15 24%") is the line's
            // tax rate, never part of its amount.
            let rate =
                word.text.ends_with('%') && parse_amount(word.text.trim_end_matches('%')).is_some();
            match rate_col {
                _ if !(rate && cols[col].kind.is_money()) => out[col].push(word),
                Some(r) if out[r].is_empty() => out[r].push(word),
                _ => {}
            }
        }
    }
    // A quantity printed close before the description ("12 PATATAS FRITAS", under "Cantidad"
    // and "Producto"): its words without a figure are the description's first words.
    if let Some(desc) = cols.iter().position(|c| c.kind == ColumnKind::Description)
        && let Some(qty) = cols.iter().position(|c| c.kind == ColumnKind::Quantity)
        && cols[qty].header.x0 < cols[desc].header.x0
    {
        let (text, figures): (Vec<Word>, Vec<Word>) =
            std::mem::take(&mut out[qty]).into_iter().partition(|w| {
                w.text.chars().any(char::is_alphabetic)
                    && !w.text.chars().any(|c| c.is_ascii_digit())
            });
        out[qty] = figures;
        if !text.is_empty() && !out[qty].is_empty() {
            let rest = std::mem::replace(&mut out[desc], text);
            out[desc].extend(rest);
        } else {
            out[qty].extend(text);
        }
    }
    out
}

/// A summary row's description: its reference (with a figure in it, so a "Total" row has
/// none) and its date, as printed.
fn reference_and_date(parts: &[Vec<Word>], cols: &[Column]) -> Option<(String, BBox, f32)> {
    // A code's column that also holds the item's name, the name's own column being unnamed
    // ("21623 Artesta White 20x30" under "ITEM", beside "EAN CODE"): the name describes it.
    let lettered = |w: &Word| w.text.chars().filter(|c| c.is_alphabetic()).count() >= 3;
    if let Some(named) =
        (0..cols.len()).find(|&i| cols[i].kind == ColumnKind::Sku && parts[i].iter().any(lettered))
    {
        return join(&parts[named]);
    }
    let reference = cols.iter().position(|c| c.kind == ColumnKind::Sku)?;
    let (text, _, _) = join(&parts[reference])?;
    if !text.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let words: Vec<Word> = cols
        .iter()
        .enumerate()
        .filter(|(i, c)| *i == reference || c.kind == ColumnKind::Date)
        .flat_map(|(i, _)| parts[i].iter().cloned())
        .collect();
    join(&words)
}

fn join(words: &[Word]) -> Option<(String, BBox, f32)> {
    if words.is_empty() {
        return None;
    }
    let text = words
        .iter()
        .map(|w| w.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let bbox = words
        .iter()
        .skip(1)
        .fold(words[0].bbox, |b, w| b.union(&w.bbox));
    let conf = words.iter().map(|w| w.confidence).sum::<f32>() / words.len() as f32;
    Some((text, bbox, conf))
}

pub(crate) fn make_field(
    value: String,
    raw: String,
    bbox: BBox,
    confidence: f32,
    page: usize,
) -> Field {
    Field {
        value,
        raw,
        confidence,
        page,
        bbox,
        source: FieldSource::Page,
    }
}

/// How many line heights of blank page a wrapped description's next line may follow its last.
const WRAP_GAP: f32 = 3.0;

/// A row with text in the description column and nothing priced continues the description
/// above it: a wrapped description, often beside the article's codes in their own column
/// ("GWDSTG-DIN976-" over "Art-Nr-Lieferant: A-4.8-(A2K)-M10X1000"). Only the description
/// column's words are added.
fn continue_description(description: &mut Field, parts: &[Vec<Word>], cols: &[Column]) {
    // A currency printed under the amount ("80,65" over "EUR") is no figure of its own: on a
    // photo it can share the row of the description's line beside it.
    let currency = |p: &[Word]| p.iter().all(|w| super::currency::is_currency_word(&w.text));
    let wrapped = parts.iter().enumerate().all(|(i, p)| {
        p.is_empty()
            || is_adjustment(p)
            || is_speck(p)
            || currency(p)
            || matches!(
                cols[i].kind,
                ColumnKind::Description | ColumnKind::Sku | ColumnKind::Unnamed
            )
    });
    let Some(i) = cols.iter().position(|c| c.kind == ColumnKind::Description) else {
        return;
    };
    if let (true, Some((text, bbox, _))) = (wrapped, join(&parts[i])) {
        description.value = format!("{} {}", description.value, text).trim().to_string();
        description.raw = description.value.clone();
        description.bbox = description.bbox.union(&bbox);
    }
}

/// A lone mark a scan left in a figures' column, beside a description's wrapped line: one
/// character that is no figure an item would print alone there ("0" under "Rate", a "C").
fn is_speck(words: &[Word]) -> bool {
    let [word] = words else {
        return false;
    };
    let mut chars = word.text.trim().chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if !matches!(c, '1'..='9'))
}

/// A figure printed as a step of the price above it rather than a price ("- 1,00 €" under
/// "20,00 €", then "= 19,00 €"): a sign and a space before it. A wrapped description may carry
/// one beside it; it starts no item. A credit's own negative price has no space ("-20,00").
fn is_adjustment(words: &[Word]) -> bool {
    let Some((first, rest)) = words.split_first() else {
        return false;
    };
    matches!(first.text.as_str(), "-" | "+" | "=" | "−")
        && rest
            .first()
            .is_some_and(|w| parse_amount(&w.text).is_some())
}

/// An amount's words without the tax code printed after the figure ("15,95 C2", "4.99 A"):
/// a capital letter, or one and a digit, that says which rate applies.
fn without_tax_code(words: &[Word]) -> &[Word] {
    match words {
        [figure @ .., last] if !figure.is_empty() => {
            let mut chars = last.text.chars();
            let code = matches!(
                (chars.next(), chars.next(), chars.next()),
                (Some(c), None | Some('0'..='9'), None) if c.is_ascii_uppercase()
            );
            if code { figure } else { words }
        }
        _ => words,
    }
}

/// A row that continued the description above it: the item it was added to, that
/// description's length before, and the row's own description.
type Carried = (Option<usize>, usize, (String, BBox, f32));

/// Items printed as blocks spaced apart, each with its figures on one line and its
/// description wrapped above and below them, centred on the figures' line ("Extra members on" /
/// "Pro team plan -- 1.0 19.0 19.00" / "Proration Credit"). Rows closer than a line's height
/// form a block; a block of one priced row and only text rows, some of them above it, is one
/// item: its description's words, top to bottom, go to the priced row. Returns which rows were
/// merged away. A table whose items touch forms one block of many priced rows and is left to
/// the row-by-row reading.
fn centred_blocks(
    body: &[&Row],
    parts: &mut [Vec<Vec<Word>>],
    cols: &[Column],
    amount_col: usize,
) -> Vec<bool> {
    let mut merged = vec![false; body.len()];
    let Some(desc) = cols.iter().position(|c| c.kind == ColumnKind::Description) else {
        return merged;
    };
    let descs: Vec<usize> = (0..cols.len())
        .filter(|&i| cols[i].kind == ColumnKind::Description)
        .collect();
    let text_only = |p: &[Vec<Word>]| {
        p.iter().enumerate().all(|(i, w)| {
            w.is_empty()
                || matches!(
                    cols[i].kind,
                    ColumnKind::Description
                        | ColumnKind::Sku
                        | ColumnKind::Date
                        | ColumnKind::Unnamed
                )
        })
    };
    let priced =
        |p: &[Vec<Word>]| join(&p[amount_col]).is_some_and(|(t, _, _)| parse_amount(&t).is_some());
    let mut start = 0;
    while start < body.len() {
        let mut end = start + 1;
        while end < body.len() {
            let (a, b) = (body[end - 1].bbox(), body[end].bbox());
            if body[end].page != body[end - 1].page || b.y0 - a.y1 > a.height().min(b.height()) {
                break;
            }
            end += 1;
        }
        let figures: Vec<usize> = (start..end).filter(|&i| priced(&parts[i])).collect();
        if let [fig] = figures[..]
            && (start..fig).any(|i| descs.iter().any(|&d| !parts[i][d].is_empty()))
            && (start..end).all(|i| i == fig || text_only(&parts[i]))
        {
            // Column by column, each top to bottom: "site1.com" under "Produit", then
            // "Renouvellement" over "1 an" under "Description".
            let mut words = Vec::new();
            for &d in &descs {
                for row in &mut parts[start..end] {
                    words.append(&mut row[d]);
                }
            }
            for (i, merged) in merged.iter_mut().enumerate().take(end).skip(start) {
                *merged = i != fig;
            }
            parts[fig][desc] = words;
        }
        start = end;
    }
    merged
}

/// Invoice line items.
pub fn line_items(rows: &[Row]) -> Vec<LineItem> {
    let mut items: Vec<LineItem> = Vec::new();
    for (cols, body) in bodies::bodies(rows) {
        // A line's amount is before tax: "Base impon. | I.V.A. | Total Neto" prints it left of
        // the line's total with tax.
        let Some(amount_col) = cols
            .iter()
            .rposition(|c| c.kind == ColumnKind::Amount && c.net)
            .or_else(|| cols.iter().rposition(|c| c.kind == ColumnKind::Amount))
        else {
            continue;
        };
        // A summary invoice lists delivery notes, not goods ("Albarán | Fecha | Base impon."):
        // each row's reference and date, as printed, describe it.
        let described = cols.iter().any(|c| c.kind == ColumnKind::Description);
        let listed = !described && cols.iter().any(|c| c.kind == ColumnKind::Sku);
        if !described && !listed {
            continue;
        }
        // A row with a description, quantity or price but no amount, waiting for the amount on
        // the row below it (forms that print the amount under the price).
        let mut pending: Option<Vec<Vec<Word>>> = None;
        // The last row if it only continued a description. An amount row right under it with
        // no description of its own takes it back: the layout prints each item's name on the
        // line above its figures.
        let mut carried: Option<Carried> = None;
        let by_header: Vec<Vec<Vec<Word>>> = body.iter().map(|r| split_row(r, &cols)).collect();
        let desc_left = description_left(&by_header, &cols);
        let mut all_parts: Vec<Vec<Vec<Word>>> = body
            .iter()
            .map(|r| split_row_aligned(r, &cols, desc_left))
            .collect();
        let merged = centred_blocks(&body, &mut all_parts, &cols, amount_col);
        // Two description columns ("Produit | Description"): one description, left to right.
        if let [first, rest @ ..] = &(0..cols.len())
            .filter(|&i| cols[i].kind == ColumnKind::Description)
            .collect::<Vec<_>>()[..]
        {
            for parts in &mut all_parts {
                for &d in rest {
                    let words = std::mem::take(&mut parts[d]);
                    parts[*first].extend(words);
                }
            }
        }
        // Whether the last row read was an item's, and whether the waiting row came right
        // after one.
        let mut after_item = false;
        // This table's items' sum so far, and how many it has.
        let mut sum = rust_decimal::Decimal::ZERO;
        let mut read = 0usize;
        let mut pending_after_item = false;
        // The last row that was an item's or went on its description.
        let mut above: Option<(usize, BBox)> = None;
        for ((row, mut parts), merged) in body.iter().zip(all_parts).zip(merged) {
            let was_item = std::mem::replace(&mut after_item, false);
            // A wrapped description follows its line closely; text further down (a page's
            // footer under a list of specifications) goes on nothing.
            let here = row.bbox();
            let close = above.is_none_or(|(page, b)| {
                page != row.page || here.y0 - b.y1 <= WRAP_GAP * b.height().max(here.height())
            });
            if merged {
                continue;
            }
            let carried_here = carried.take();
            // OCR can miss the amount's cell on a faint scan where it read the row's other
            // amount ("SUBTOTAL 63,60" beside an empty "TOTAL"): on an item's row, one with a
            // description, that one, with cents, stands in (a totals row has no description).
            let amount = join(without_tax_code(&parts[amount_col]))
                .filter(|(t, _, _)| looks_like_money(t) || parse_amount(t).is_some())
                .or_else(|| {
                    let described = cols
                        .iter()
                        .enumerate()
                        .any(|(i, c)| c.kind == ColumnKind::Description && !parts[i].is_empty());
                    if !parts[amount_col].is_empty() || !described {
                        return None;
                    }
                    (0..cols.len())
                        .rev()
                        .filter(|&i| i != amount_col && cols[i].kind == ColumnKind::Amount)
                        .filter_map(|i| join(&parts[i]))
                        .find(|(t, _, _)| looks_like_money(t))
                });
            let description_col = cols.iter().position(|c| c.kind == ColumnKind::Description);
            let is_priced = |parts: &[Vec<Word>]| {
                cols.iter().enumerate().any(|(i, c)| {
                    matches!(c.kind, ColumnKind::Quantity | ColumnKind::UnitPrice)
                        && !is_adjustment(&parts[i])
                        && !is_speck(&parts[i])
                        && join(&parts[i]).is_some_and(|(t, _, _)| {
                            t.split_whitespace().any(|w| parse_amount(w).is_some())
                        })
                })
            };
            // The amount row of the item waiting above: it has no description, or one that
            // goes on from the waiting row's ("Mineralwasser Medium" over "12 x 1,0l PET
            // 109,80") and no price of its own.
            // A waiting row with only a code and a description ("213 MERMELADA DE ARÁNDANOS
            // ... GR.Sin" over "azúcar añadido 6 2,20 13,20") takes the figures below, price
            // and all.
            let code_only = pending.as_ref().is_some_and(|w| !is_priced(w));
            if amount.is_some()
                && description_col
                    .is_some_and(|i| parts[i].is_empty() || !is_priced(&parts) || code_only)
                && let Some(waiting) = pending.take()
            {
                for (i, part) in waiting.into_iter().enumerate() {
                    if i == amount_col {
                        continue;
                    }
                    if Some(i) == description_col && !parts[i].is_empty() {
                        let rest = std::mem::replace(&mut parts[i], part);
                        parts[i].extend(rest);
                    } else if parts[i].is_empty() {
                        parts[i] = part;
                    }
                }
            }
            let get = |kind: ColumnKind| {
                cols.iter()
                    .position(|c| c.kind == kind)
                    .and_then(|i| join(&parts[i]))
            };
            let description = get(ColumnKind::Description)
                .or_else(|| listed.then(|| reference_and_date(&parts, &cols)).flatten())
                // Words under a period's column that are no date ("Zeitraum 01.04.26 -
                // 30.04.26" over "1. MagentaZuhause XXL"): the product the period is billed for.
                .or_else(|| {
                    get(ColumnKind::Date).filter(|(t, _, _)| {
                        !crate::normalize::is_any_date(t)
                            && t.chars().filter(|c| c.is_alphabetic()).count() >= 3
                    })
                });
            let priced = is_priced(&parts);
            // An item's own code starts it, even before its figures. A code in a later code
            // column does where the row prints figures too (a serial number's column before
            // "HSN/SAC", the tax on a first line over the price and amount); alone, it is a
            // second reference of the item above ("Art-Nr-Lieferant: KR3M").
            let has_code = |i: usize| {
                join(&parts[i]).is_some_and(|(t, _, _)| t.chars().any(|c| c.is_ascii_digit()))
            };
            let figured = cols.iter().enumerate().any(|(i, c)| {
                !matches!(
                    c.kind,
                    ColumnKind::Description | ColumnKind::Sku | ColumnKind::Unnamed
                ) && parts[i].iter().any(|w| parse_amount(&w.text).is_some())
            });
            let mut codes = (0..cols.len()).filter(|&i| cols[i].kind == ColumnKind::Sku);
            let coded = codes.next().is_some_and(has_code) || (figured && codes.any(has_code));
            if amount.is_none() && description.is_some() && (priced || coded) {
                pending = Some(parts);
                pending_after_item = was_item;
                continue;
            }
            // An item over two rows, the second under a header's second line ("Art.-Nr.
            // Bezeichnung ... Preis" over "Waren-gr. ... Rabatt-%"): a row right under an item
            // that found no figures of its own before the next item goes on the item above.
            if let Some(waiting) = pending.take()
                && pending_after_item
                && amount.is_some()
                && let Some(i) = description_col
                && let Some((text, bbox, _)) = join(&waiting[i])
                && let Some(last) = items.last_mut()
            {
                last.description.value = format!("{} {}", last.description.value, text);
                last.description.raw = last.description.value.clone();
                last.description.bbox = last.description.bbox.union(&bbox);
            }
            match (amount, description) {
                (Some((raw, bbox, conf)), description) => {
                    let value = parse_amount(&raw).expect("checked above");
                    // Only an item's row takes it, one with a quantity or price: a totals
                    // row under the last item has neither.
                    let description = description.or_else(|| {
                        let (item, len, text) = carried_here.filter(|_| priced)?;
                        if let Some(item) = item.and_then(|i| items.get_mut(i)) {
                            item.description.value.truncate(len);
                            item.description.raw = item.description.value.clone();
                        }
                        Some(text)
                    });
                    let number = |kind: ColumnKind| {
                        get(kind).and_then(|(t, b, c)| {
                            let v = parse_amount(t.trim_end_matches('%').trim())?;
                            Some(make_field(v.to_string(), t, b, c, row.page))
                        })
                    };
                    let (desc, dbox, dconf) = description.unwrap_or_default();
                    // Right under an item, a rate and a negative figure with no words ("1,00 %
                    // - 0,10" under "Toller Artikel ... 10,00"): the item's own discount, and
                    // its amount is what is left after it.
                    let discount = was_item
                        && close
                        && desc.is_empty()
                        && value.is_sign_negative()
                        && parts.iter().flatten().any(|w| w.text.ends_with('%'));
                    if discount
                        && let Some(last) = items.last_mut()
                        && let Ok(before) = last.amount.value.parse::<rust_decimal::Decimal>()
                    {
                        last.amount.value = (before + value).to_string();
                        last.amount.raw = format!("{} {}", last.amount.raw, raw);
                        last.amount.bbox = last.amount.bbox.union(&bbox);
                        sum += value;
                        after_item = true;
                        continue;
                    }
                    // The sum of the items above on a row that starts right of the descriptions'
                    // column ("PURCHASES 119.95", "Vahesumma: 2 390.90", set against the
                    // amounts as the tax and total rows under them are): the totals block,
                    // begun under a label no list names.
                    let labelled_aside =
                        description_col.is_some_and(|i| here.x0 > cols[i].header.x1);
                    if read > 0 && value == sum && !priced && labelled_aside {
                        break;
                    }
                    sum += value;
                    read += 1;
                    items.push(LineItem {
                        description: make_field(desc.clone(), desc, dbox, dconf, row.page),
                        quantity: number(ColumnKind::Quantity),
                        unit_price: number(ColumnKind::UnitPrice),
                        amount: make_field(value.to_string(), raw, bbox, conf, row.page),
                        tax_rate: number(ColumnKind::TaxRate),
                        sku: get(ColumnKind::Sku)
                            .map(|(t, b, c)| make_field(t.clone(), t, b, c, row.page)),
                        unit: None,
                        line_id: None,
                        confidence: conf.min(if dconf > 0.0 { dconf } else { conf }),
                    });
                    after_item = true;
                    above = Some((row.page, here));
                }
                // Far from the item above, it may still name the item below.
                (None, Some(text)) if !close => carried = Some((None, 0, text)),
                (None, Some(text)) => {
                    let before = items.last().map_or(0, |i| i.description.value.len());
                    if let Some(last) = items.last_mut() {
                        continue_description(&mut last.description, &parts, &cols);
                    }
                    above = Some((row.page, here));
                    carried = Some((items.len().checked_sub(1), before, text));
                }
                (None, None) => {}
            }
        }
    }
    items
}

#[cfg(test)]
mod blind_tests;
#[cfg(test)]
mod column_tests;
#[cfg(test)]
mod placement_tests;
#[cfg(test)]
mod scan_tests;
#[cfg(test)]
mod summary_tests;
#[cfg(test)]
mod tests;
