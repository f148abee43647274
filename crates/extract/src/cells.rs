//! Cells and rows: the page model's lines seen as table cells, grouped into rows, and the
//! label vocabulary used to recognise what a cell names.

use ledgerline_core::page::{BBox, Page, Word};

/// A run of text on one page: a page line, or part of one.
#[derive(Debug, Clone)]
pub struct Cell {
    pub text: String,
    pub bbox: BBox,
    pub confidence: f32,
    pub page: usize,
    pub words: Vec<Word>,
}

impl Cell {
    /// The cell's words, or the whole cell as one word where the reader gave none.
    pub fn word_list(&self) -> Vec<Word> {
        if self.words.is_empty() {
            vec![Word {
                text: self.text.clone(),
                bbox: self.bbox,
                confidence: self.confidence,
            }]
        } else {
            self.words.clone()
        }
    }
}

/// Cells sharing a row, left to right, with the row's index in document order.
#[derive(Debug, Clone)]
pub struct Row {
    pub page: usize,
    pub cells: Vec<Cell>,
}

impl Row {
    /// The middle height of the row's cells.
    pub fn median_height(&self) -> f32 {
        let mut heights: Vec<f32> = self.cells.iter().map(|c| c.bbox.height()).collect();
        heights.sort_by(f32::total_cmp);
        heights.get(heights.len() / 2).copied().unwrap_or(0.0)
    }

    pub fn bbox(&self) -> BBox {
        self.cells
            .iter()
            .skip(1)
            .fold(self.cells[0].bbox, |b, c| b.union(&c.bbox))
    }
    pub fn text(&self) -> String {
        self.cells
            .iter()
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// All rows of the document in reading order. Lines overlapping vertically by more than half
/// their height share a row. A line many times taller than the page's usual line (a diagonal
/// "Muster" or "COPY" watermark, a rotated stamp) would overlap every row it crosses and join
/// them into one, and a stack of one-character lines (text printed upwards in the margin) would
/// put a stray character at the start of the rows beside it: both become rows of their own,
/// after the page's others.
pub fn rows(pages: &[Page]) -> Vec<Row> {
    let mut out = Vec::new();
    for (p, page) in pages.iter().enumerate() {
        let mut lines: Vec<&ledgerline_core::page::Line> = page
            .lines
            .iter()
            .filter(|l| !l.text.trim().is_empty())
            .collect();
        lines.sort_by(|a, b| a.bbox.center_y().total_cmp(&b.bbox.center_y()));
        let mut heights: Vec<f32> = lines.iter().map(|l| l.bbox.height()).collect();
        heights.sort_by(f32::total_cmp);
        let usual = heights.get(heights.len() / 2).copied().unwrap_or(0.0);
        // Text printed upwards in a margin arrives as a stack of one-character lines, closer
        // together than lines of text ever are (a column of quantities is a line apart).
        let short = |l: &&ledgerline_core::page::Line| l.text.trim().chars().count() <= 2;
        // Lines are sorted top to bottom, so a line's neighbours within two line heights are
        // one slice of them.
        let ys: Vec<f32> = lines.iter().map(|l| l.bbox.center_y()).collect();
        let stacked = |i: usize, l: &&ledgerline_core::page::Line| {
            let from = ys.partition_point(|y| *y <= ys[i] - 2.0 * usual);
            let to = ys.partition_point(|y| *y < ys[i] + 2.0 * usual);
            short(l)
                && lines[from..to.max(from)]
                    .iter()
                    .filter(|o| {
                        short(o) && (o.bbox.x0 - l.bbox.x0).abs() < 0.5 * l.bbox.width().max(1.0)
                    })
                    .count()
                    >= 4
        };
        let aside: Vec<bool> = lines
            .iter()
            .enumerate()
            .map(|(i, l)| (usual > 0.0 && l.bbox.height() > 4.0 * usual) || stacked(i, l))
            .collect();
        let (mut set_aside, mut kept) = (Vec::new(), Vec::new());
        for (line, aside) in lines.into_iter().zip(aside) {
            if aside {
                set_aside.push(line);
            } else {
                kept.push(line);
            }
        }
        let cell = |line: &ledgerline_core::page::Line| {
            let (text, words) = match rejoin_figure(&line.words) {
                Some(word) => (word.text.clone(), vec![word]),
                None => (unglue_label(line.text.trim()), line.words.clone()),
            };
            Cell {
                text,
                bbox: line.bbox,
                confidence: line.confidence,
                page: p,
                words,
            }
        };
        let mut rows: Vec<Row> = Vec::new();
        for line in kept {
            let cell = cell(line);
            match rows.last_mut() {
                // Half the row's cells, or one of them almost wholly: on a photo taken at an
                // angle the lines of two rows interleave, and joining on any overlap chains
                // them into one. A cell over twice as tall as the line (a stray mark read as a
                // glyph beside three rows of a table) holds each of them wholly, and would chain
                // them too: it counts only with lines of its own height. Nor does a cell that a
                // photo's slant boxed half as tall again as the row's others ("2" over two rows'
                // quantities): it holds the next row's cells almost wholly too.
                Some(row)
                    if 2 * row
                        .cells
                        .iter()
                        .filter(|c| c.bbox.vertical_overlap(&cell.bbox) > 0.5)
                        .count()
                        >= row.cells.len()
                        || row.cells.iter().any(|c| {
                            let (a, b) = (c.bbox.height(), cell.bbox.height());
                            c.bbox.vertical_overlap(&cell.bbox) > 0.8
                                && a.max(b) <= 2.0 * a.min(b)
                                && (row.cells.len() < 3 || a <= 1.5 * row.median_height())
                        }) =>
                {
                    row.cells.push(cell)
                }
                _ => rows.push(Row {
                    page: p,
                    cells: vec![cell],
                }),
            }
        }
        for row in &mut rows {
            reading_order(&mut row.cells);
        }
        rows.extend(set_aside.into_iter().map(|line| Row {
            page: p,
            cells: vec![cell(line)],
        }));
        out.extend(rows);
    }
    out
}

/// Orders a row's cells left to right, and the cells stacked in one column (a description
/// wrapped onto a second line that joined the row) top to bottom. On a photo the row can take in
/// a wrapped cell's first line from above, and sorting by the left edge alone then puts "1 an"
/// before "Renouvellement" when the scan shifted one a few pixels left of the other.
fn reading_order(cells: &mut [Cell]) {
    cells.sort_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
    let stacked = |a: &Cell, b: &Cell| a.bbox.stacked_with(&b.bbox);
    let mut start = 0;
    while start < cells.len() {
        // A column: the cells after `start` that each sit under or over one already in it.
        let mut end = start + 1;
        while end < cells.len() && cells[start..end].iter().any(|c| stacked(c, &cells[end])) {
            end += 1;
        }
        cells[start..end].sort_by(|a, b| a.bbox.center_y().total_cmp(&b.bbox.center_y()));
        start = end;
    }
}

/// A figure that the text layer or OCR split in two at a gap in its glyphs ("653.1 3", "22,0
/// 14.78", "4204 .31"), when that is all the line holds, as one word. The first part must be
/// cut short (a separator followed by one digit, or none and the second part starting with
/// one), and the whole must be an amount with cents: a quantity beside a price ("2 14.78")
/// stays two.
fn rejoin_figure(words: &[Word]) -> Option<Word> {
    let [a, b] = words else {
        return None;
    };
    let figure = |t: &str| {
        t.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '.' | ','))
            && t.chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '.' | ','))
    };
    if !figure(&a.text) || !figure(&b.text) || !a.text.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let cut = match a.text.rfind(['.', ',']) {
        Some(i) => a.text.len() - i - 1 == 1,
        None => b.text.starts_with(['.', ',']),
    };
    let joined = format!("{}{}", a.text, b.text);
    let amount =
        super::normalize::has_cents(&joined) && super::normalize::parse_amount(&joined).is_some();
    (cut && amount).then(|| Word {
        text: joined,
        bbox: a.bbox.union(&b.bbox),
        confidence: a.confidence.min(b.confidence),
    })
}

/// A label glued to its value by OCR or a tight font, "Date:12/02/2018" or "Total
/// Amount:$8.20", gets its space back after the colon. A colon between digits is a time of day
/// and stays. A number mark glued to the word it numbers ("N°Factura:", "NºPedido") gets its
/// space back too, so the label reads as printed.
fn unglue_label(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    let mut before: Option<char> = None;
    let mut previous: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        let next = chars.peek().copied();
        let colon = c == ':'
            && previous.is_some_and(char::is_alphabetic)
            && next.is_some_and(|n| !n.is_whitespace());
        let mark = matches!(c, '°' | 'º')
            && matches!(previous, Some('N' | 'n'))
            && before.is_none_or(char::is_whitespace)
            && next.is_some_and(char::is_alphabetic);
        if colon || mark {
            out.push(' ');
        }
        before = previous;
        previous = Some(c);
    }
    out
}

/// Lower-case words without punctuation, for comparing labels.
pub fn label_words(text: &str) -> Vec<String> {
    // Brackets split too: OCR often drops the space in "VAT(19%)".
    text.split(|c: char| c.is_whitespace() || matches!(c, '/' | '(' | ')'))
        .map(|w| {
            // The ordinal sign of "Nº" counts as alphabetic; OCR reads it as the degree sign
            // of "N°", which is punctuation: both go, so either reads "n".
            let w = w.trim_matches(|c: char| {
                (!c.is_alphanumeric() && c != '%') || c == 'º' || is_marker(c)
            });
            // OCR reads a lower-case "l" after lower-case letters as a capital "I" ("TotaI").
            let mut out = String::with_capacity(w.len());
            let mut previous_lower = false;
            for c in w.chars() {
                out.push(if c == 'I' && previous_lower { 'l' } else { c });
                previous_lower = c.is_lowercase();
            }
            out.to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// A circled or parenthesised figure ("②", "⑬"), which invoices print as a footnote's mark
/// beside a label or a number: no part of either.
pub fn is_marker(c: char) -> bool {
    ('\u{2460}'..='\u{24FF}').contains(&c) || ('\u{2776}'..='\u{2793}').contains(&c)
}

/// Levenshtein distance over characters, in O(len(b)) memory: how far OCR's reading of a name
/// is from the name, and how far an evaluation's output is from its truth.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == *cb {
                diagonal
            } else {
                1 + diagonal.min(above).min(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

/// A word without its accents ("verkäufer" -> "verkaufer", "désignation" -> "designation"):
/// OCR often loses them, so labels are compared without.
pub fn unaccented(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
            'ç' | 'ć' | 'č' => 'c',
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => 'e',
            'ì' | 'í' | 'î' | 'ï' | 'ī' => 'i',
            'ł' => 'l',
            'ñ' | 'ń' | 'ň' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ō' | 'ő' | 'ø' => 'o',
            'ř' => 'r',
            'ś' | 'š' | 'ș' | 'ş' => 's',
            'ț' | 'ţ' => 't',
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => 'u',
            'ý' | 'ÿ' => 'y',
            'ź' | 'ż' | 'ž' => 'z',
            other => other,
        })
        .collect()
}

/// A label's words without their accents, for comparing with a vocabulary.
pub fn plain_label_words(text: &str) -> Vec<String> {
    label_words(text).iter().map(|w| unaccented(w)).collect()
}

/// How many leading words of `text` spell `label`, both as [`plain_label_words`] makes them;
/// None when they don't. Callers make a text plain once and ask it about many labels.
pub fn plain_prefix(text: &[String], label: &[String]) -> Option<usize> {
    (!label.is_empty() && text.starts_with(label)).then_some(label.len())
}

/// The text after the first `n` words of a cell, as printed.
pub fn after_words(text: &str, n: usize) -> String {
    let mut rest = text.trim_start();
    for _ in 0..n {
        rest = rest.trim_start_matches(|c: char| !c.is_whitespace() && c != '/');
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        // Swallow separators like ':' and '#' that belonged to the label.
    }
    rest.trim_start_matches([':', '#', '-', '.', ' '])
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use ledgerline_core::page::{BBox, Page, TextSource, Word, group_words};

    /// A figure the text layer split at a gap in its glyphs is one figure again; a quantity
    /// beside a price, a date and a reference stay as they are.
    #[test]
    fn a_figure_split_in_two_is_joined() {
        let words = |texts: &[&str]| -> Vec<Word> {
            texts
                .iter()
                .enumerate()
                .map(|(i, t)| Word {
                    text: t.to_string(),
                    bbox: BBox::new(100.0 * i as f32, 0.0, 100.0 * i as f32 + 80.0, 20.0),
                    confidence: 1.0,
                })
                .collect()
        };
        for (split, joined) in [
            (["653.1", "3"], "653.13"),
            (["22,0", "14.78"], "22,014.78"),
            (["4204", ".31"], "4204.31"),
        ] {
            let word = super::rejoin_figure(&words(&split)).map(|w| w.text);
            assert_eq!(word.as_deref(), Some(joined), "{split:?}");
        }
        for kept in [
            &["2", "14.78"][..],
            &["12.50", "3"],
            &["653.1", "3", "4"],
            &["19.01.", "19.01."],
            &["001", "1"],
        ] {
            assert!(super::rejoin_figure(&words(kept)).is_none(), "{kept:?}");
        }
    }

    /// Lines as OCR read them from a phone photo of a real statement (pixel boxes): the
    /// address on the left sits between the balance rows on the right.
    #[test]
    fn interleaved_lines_of_a_photo_stay_in_their_rows() {
        let line = |text: &str, x0: f32, y0: f32, x1: f32, y1: f32| Word {
            text: text.to_string(),
            bbox: BBox::new(x0, y0, x1, y1),
            confidence: 1.0,
        };
        let words = vec![
            line("Alter_Saldo", 1320.0, 896.0, 1547.0, 956.0),
            line("-717,36_Euro", 2026.0, 902.0, 2280.0, 966.0),
            line("55118_Mainz", 365.0, 917.0, 617.0, 977.0),
            line("Neuer_Saldo", 1321.0, 944.0, 1564.0, 1002.0),
            line("-705,90_Euro", 2026.0, 950.0, 2280.0, 1011.0),
        ];
        let page = Page {
            index: 0,
            width: 2480,
            height: 3508,
            dpi: Some(200.0),
            rotation: 0,
            skew_degrees: 0.0,
            source: TextSource::Ocr,
            lines: group_words(words, TextSource::Ocr),
            regions: Vec::new(),
        };
        let rows: Vec<String> = super::rows(&[page]).iter().map(|r| r.text()).collect();
        assert!(
            rows.iter()
                .any(|r| r.contains("Alter_Saldo -717,36_Euro") && !r.contains("Neuer")),
            "{rows:?}"
        );
        assert!(
            rows.iter()
                .any(|r| r.contains("Neuer_Saldo -705,90_Euro") && !r.contains("Alter")),
            "{rows:?}"
        );
    }

    /// Gandi's invoice photographed (pixel boxes as OCR gave them): the description's first
    /// line "Renouvellement" joins the item's row, and its second line "1 an" starts 13 pixels
    /// further left; the cell still reads top to bottom.
    #[test]
    fn a_wrapped_cell_in_a_row_reads_top_to_bottom() {
        let page = crate::testing::ocr_page(&[
            ("Renouvellement", [799.0, 1319.0, 1147.0, 1369.0]),
            ("site1.com", [168.0, 1358.0, 363.0, 1418.0]),
            ("1_an", [786.0, 1373.0, 905.0, 1441.0]),
            ("Propriétaire_1", [1244.0, 1356.0, 1506.0, 1421.0]),
            ("20%", [1961.0, 1346.0, 2068.0, 1404.0]),
            ("12,00_€", [2130.0, 1340.0, 2314.0, 1412.0]),
        ]);
        let rows: Vec<String> = super::rows(&[page]).iter().map(|r| r.text()).collect();
        assert!(
            rows.iter()
                .any(|r| r.contains("site1.com Renouvellement 1_an Propriétaire_1")),
            "{rows:?}"
        );
    }

    /// La Molienda Verde's invoice photographed: a mark beside the table, read as one tall
    /// glyph, spans three item rows (pixel boxes as OCR gave them); each row stays its own.
    #[test]
    fn a_tall_stray_mark_does_not_chain_the_rows_beside_it() {
        let page = crate::testing::ocr_page(&[
            ("MERMELADA_DE_VINO", [470.0, 1104.0, 1430.0, 1168.0]),
            ("2,60", [1817.0, 1104.0, 1914.0, 1164.0]),
            ("15.60", [2174.0, 1101.0, 2292.0, 1163.0]),
            ("避", [2021.0, 1050.0, 2103.0, 1245.0]),
            ("MERMELADA_DE_VERMUT", [473.0, 1149.0, 1108.0, 1206.0]),
            ("2,60", [1818.0, 1142.0, 1918.0, 1202.0]),
            ("31,20", [2176.0, 1140.0, 2293.0, 1202.0]),
            ("MERMELADA_DE_HIGO", [471.0, 1184.0, 1490.0, 1248.0]),
            ("2,40", [1819.0, 1181.0, 1919.0, 1241.0]),
            ("14,40", [2179.0, 1181.0, 2294.0, 1243.0]),
        ]);
        let rows: Vec<String> = super::rows(&[page]).iter().map(|r| r.text()).collect();
        for item in ["VINO", "VERMUT", "HIGO"] {
            assert_eq!(
                rows.iter().filter(|r| r.contains(item)).count(),
                1,
                "{rows:?}"
            );
            let row = rows.iter().find(|r| r.contains(item)).unwrap();
            assert_eq!(row.matches("MERMELADA").count(), 1, "{rows:?}");
        }
    }

    #[test]
    fn a_glued_label_gets_its_space_back_and_a_time_keeps_its_colon() {
        assert_eq!(super::unglue_label("Date:12/02/2018"), "Date: 12/02/2018");
        assert_eq!(
            super::unglue_label("Total Amount:$8.20"),
            "Total Amount: $8.20"
        );
        assert_eq!(super::unglue_label("14:31:00"), "14:31:00");
        assert_eq!(super::unglue_label("Date: 1/2/2020"), "Date: 1/2/2020");
        assert_eq!(
            super::unglue_label("N°Factura: A-V2024-1"),
            "N° Factura: A-V2024-1"
        );
        assert_eq!(super::unglue_label("NºPedido 12"), "Nº Pedido 12");
        assert_eq!(super::unglue_label("N°12 UNºA"), "N°12 UNºA");
    }
}
