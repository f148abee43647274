//! Pages for the extraction tests, built from rows of words at given left edges, so a case
//! reads as the document it stands for.

use ledgerline_core::page::{BBox, Line, Page, TextSource, Word, group_words};

use crate::cells::Row;

/// A page whose rows are the given words at the given left edges, 50 points apart, each word
/// `width(text)` wide; a word may hold spaces, as an OCR line of close words does.
pub fn rows_page(rows: &[&[(&str, f32)]], width: impl Fn(&str) -> f32, source: TextSource) -> Page {
    let words: Vec<Word> = rows
        .iter()
        .enumerate()
        .flat_map(|(r, row)| row.iter().map(move |(t, x)| (r, *t, *x)))
        .map(|(r, t, x)| Word {
            text: t.to_string(),
            bbox: BBox {
                x0: x,
                y0: 100.0 + r as f32 * 50.0,
                x1: x + width(t),
                y1: 130.0 + r as f32 * 50.0,
            },
            confidence: 1.0,
        })
        .collect();
    a4_page(words, source)
}

/// An upright A4 page at 300 DPI of the given words, grouped into lines as the reader does.
fn a4_page(words: Vec<Word>, source: TextSource) -> Page {
    Page {
        index: 0,
        width: 2480,
        height: 3508,
        dpi: Some(300.0),
        rotation: 0,
        skew_degrees: 0.0,
        source,
        lines: group_words(words, source),
        regions: Vec::new(),
    }
}

/// The rows the extraction stages see for a text-layer page of the given rows, each word nine
/// points per character wide.
pub fn rows_of(rows: &[&[(&str, f32)]]) -> Vec<Row> {
    let page = rows_page(rows, |t| 9.0 * t.len() as f32, TextSource::TextLayer);
    crate::cells::rows(&[page])
}

/// A page of OCR lines at the given pixel boxes (x0, y0, x1, y1), one word each: a case copied
/// from what OCR read on a photo.
pub fn ocr_page(lines: &[(&str, [f32; 4])]) -> Page {
    let words = lines
        .iter()
        .map(|(text, [x0, y0, x1, y1])| Word {
            text: text.to_string(),
            bbox: BBox::new(*x0, *y0, *x1, *y1),
            confidence: 1.0,
        })
        .collect();
    a4_page(words, TextSource::Ocr)
}

/// A page of the OCR lines as the recogniser boxed them (x0, y0, x1, y1), kept apart even where
/// two stand side by side on one baseline; each line's words share its box by characters.
pub fn ocr_lines_page(lines: &[(&str, [f32; 4])]) -> Page {
    let lines = lines
        .iter()
        .map(|(text, [x0, y0, x1, y1])| {
            let per_char = (x1 - x0) / text.chars().count().max(1) as f32;
            let mut at = 0usize;
            let words = text
                .split(' ')
                .map(|w| {
                    let n = w.chars().count();
                    let x = x0 + per_char * at as f32;
                    at += n + 1;
                    Word {
                        text: w.to_string(),
                        bbox: BBox::new(x, *y0, x + per_char * n as f32, *y1),
                        confidence: 1.0,
                    }
                })
                .collect();
            Line {
                text: text.to_string(),
                bbox: BBox::new(*x0, *y0, *x1, *y1),
                confidence: 1.0,
                source: TextSource::Ocr,
                region: None,
                words,
            }
        })
        .collect();
    Page {
        lines,
        ..a4_page(Vec::new(), TextSource::Ocr)
    }
}
