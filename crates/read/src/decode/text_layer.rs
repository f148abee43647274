//! A PDF page's text layer as words with boxes: characters joined by their spacing, lines cut
//! where PDFium ends them, and text set across the page's lines left out.
//!
//! PDFium adds spaces of its own ("generated") where a character stands further from the one
//! before than the font's advance says. That guess fails on letter-spaced text: a page that
//! places every character by itself with wide tracking ("F A C T U R A", "L IC O R E S M A D R U
//! E Ñ O") gets a space inside nearly every word. A generated space is therefore checked against
//! its line's own letter spacing and kept only where it is wider than that.

use pdfium_render::prelude::*;

use ledgerline_core::page::{BBox, Word};

/// A character of the text layer, placed on the page as the reader sees it.
#[derive(Debug, Clone)]
pub(super) struct Glyph {
    pub(super) c: char,
    /// Its box in pixels; None for a character PDFium cannot place.
    pub(super) bbox: Option<BBox>,
    /// A space or line break PDFium inferred rather than read from the page.
    pub(super) generated: bool,
    /// Set a quarter turn from the page's lines (a legal notice up the margin).
    pub(super) crosswise: bool,
}

/// Letter spacing, as a share of the type's height, from which a line counts as letter-spaced.
/// Ordinary text measures about 0 (glyph boxes include their side bearings).
const SPACED_FROM: f32 = 0.05;
/// Beyond this a line's "letters" are cells of a table sharing a line ("0 %   0 %"), not
/// tracking.
const SPACED_UP_TO: f32 = 0.3;
/// How much wider than its line's letter spacing a gap must be to part two words.
const WORD_OVER_LETTER: f32 = 0.12;
/// An ordinary line's word gap, as a share of the type's height.
const WORD_GAP: f32 = 0.25;

/// Words of the text layer, in pixels at `scale` pixels per point.
pub(super) fn text_layer_words(
    page: &PdfPage<'_>,
    width_pt: f32,
    height_pt: f32,
    scale: f32,
) -> Vec<Word> {
    let Ok(text) = page.text() else {
        return Vec::new();
    };
    // Character boxes are in the page's own space; a page with /Rotate is shown turned (its
    // width and height already swapped for 90 and 270 degrees), and its words must be placed
    // where the reader sees them, or every line of a landscape page is read as a column.
    let turn = page.rotation().unwrap_or(PdfPageRenderRotation::None);
    let place = |left: f32, bottom: f32, right: f32, top: f32| -> BBox {
        let (x0, y0, x1, y1) = match turn {
            PdfPageRenderRotation::None => (left, height_pt - top, right, height_pt - bottom),
            PdfPageRenderRotation::Degrees90 => (bottom, left, top, right),
            PdfPageRenderRotation::Degrees180 => (width_pt - right, bottom, width_pt - left, top),
            PdfPageRenderRotation::Degrees270 => (
                width_pt - top,
                height_pt - right,
                width_pt - bottom,
                height_pt - left,
            ),
        };
        BBox::new(x0 * scale, y0 * scale, x1 * scale, y1 * scale)
    };
    let chars = text.chars();
    let angles: Vec<Option<f32>> = chars.iter().map(|ch| ch.angle_degrees().ok()).collect();
    let across = text_direction(angles.iter().flatten().copied());
    let glyphs: Vec<Glyph> = chars
        .iter()
        .zip(&angles)
        .map(|(ch, angle)| {
            // A character without a Unicode value ends the word it interrupts.
            let c = ch.unicode_char();
            let bbox = ch.loose_bounds().ok().filter(|_| c.is_some()).map(|r| {
                place(
                    r.left().value,
                    r.bottom().value,
                    r.right().value,
                    r.top().value,
                )
            });
            Glyph {
                c: c.unwrap_or(char::REPLACEMENT_CHARACTER),
                bbox,
                generated: ch.is_generated().unwrap_or(false),
                crosswise: angle.is_some_and(|a| crosswise(a, across)),
            }
        })
        .collect();
    words_of(&glyphs)
}

/// The words a run of glyphs spells: a break at each space the page prints, at each line end,
/// and at a generated space or a gap wider than the line's letter spacing allows.
pub(super) fn words_of(glyphs: &[Glyph]) -> Vec<Word> {
    let spacing = line_spacing(glyphs);
    let mut words = Vec::new();
    let mut current: Option<Word> = None;
    for (i, glyph) in glyphs.iter().enumerate() {
        // Text set up or down the page comes one character per line and would cut every line
        // it passes into pieces; it is left out of the page's words.
        let Some(bbox) = glyph.bbox.filter(|_| !glyph.crosswise) else {
            words.extend(current.take());
            continue;
        };
        let c = glyph.c;
        if c.is_whitespace() || c.is_control() {
            if !(c == ' ' && glyph.generated && tracking_space(glyphs, i, spacing[i])) {
                words.extend(current.take());
            }
            continue;
        }
        if let Some(word) = current.as_mut() {
            let gap = bbox.x0 - word.bbox.x1;
            let same_line = word.bbox.vertical_overlap(&bbox) > 0.5;
            // A character's box is its glyph's ink: a hyphen or a period is a sliver a tenth of
            // the line high, and measured by itself the ordinary spacing before it looked like a
            // word break ("B172FB37 -0003"). The taller of the two stands for the font size.
            let height = word.bbox.height().max(bbox.height());
            let widest = spacing[i].map_or(WORD_GAP, |s| WORD_GAP.max(s + WORD_OVER_LETTER));
            if same_line && gap < widest * height && gap > -height {
                word.text.push(c);
                word.bbox = word.bbox.union(&bbox);
                continue;
            }
            words.extend(current.take());
        }
        current = Some(Word {
            text: c.to_string(),
            bbox,
            confidence: 1.0,
        });
    }
    words.extend(current);
    words
}

/// For each glyph, its line's letter spacing (the median gap between neighbouring letters and
/// digits, over the type's height) where the line is letter-spaced, else None. Punctuation is
/// left out: a dot or dash leader ("SALDO ANTERIOR - - - -") is spaced wide on purpose.
fn line_spacing(glyphs: &[Glyph]) -> Vec<Option<f32>> {
    let mut out = vec![None; glyphs.len()];
    let mut start = 0;
    for end in 0..=glyphs.len() {
        let line_end = end == glyphs.len() || matches!(glyphs[end].c, '\r' | '\n');
        if !line_end {
            continue;
        }
        let mut gaps: Vec<f32> = (start..end)
            .filter_map(|i| neighbours(glyphs, i, end))
            .filter_map(|(a, b)| ratio(glyphs, a, b))
            .collect();
        if !gaps.is_empty() {
            gaps.sort_by(f32::total_cmp);
            let median = gaps[gaps.len() / 2];
            if (SPACED_FROM..=SPACED_UP_TO).contains(&median) {
                out[start..end].fill(Some(median));
            }
        }
        start = end + 1;
    }
    out
}

/// The letter or digit at `i` and the next one it stands beside, with at most a generated space
/// between them, before `end`.
fn neighbours(glyphs: &[Glyph], i: usize, end: usize) -> Option<(usize, usize)> {
    let printed = |g: &Glyph| g.bbox.is_some() && !g.crosswise && g.c.is_alphanumeric();
    if !printed(&glyphs[i]) {
        return None;
    }
    let mut j = i + 1;
    if j < end && glyphs[j].c == ' ' && glyphs[j].generated {
        j += 1;
    }
    (j < end && printed(&glyphs[j])).then_some((i, j))
}

/// The gap from glyph `a` to glyph `b` over the taller one's height, when they share a line.
fn ratio(glyphs: &[Glyph], a: usize, b: usize) -> Option<f32> {
    let (x, y) = (glyphs[a].bbox?, glyphs[b].bbox?);
    let height = x.height().max(y.height());
    (height > 0.0 && x.vertical_overlap(&y) > 0.5).then(|| (y.x0 - x.x1) / height)
}

/// Whether the generated space at `i` only marks a letter-spaced line's tracking: its
/// neighbours stand no further apart than the line's letters do.
fn tracking_space(glyphs: &[Glyph], i: usize, spacing: Option<f32>) -> bool {
    let Some(spacing) = spacing else {
        return false;
    };
    if i == 0 || i + 1 >= glyphs.len() {
        return false;
    }
    ratio(glyphs, i - 1, i + 1).is_some_and(|gap| (-0.1..spacing + WORD_OVER_LETTER).contains(&gap))
}

/// The direction most of a page's characters run in, in degrees (0 for ordinary text).
pub(super) fn text_direction(angles: impl Iterator<Item = f32>) -> f32 {
    let mut counts = [0usize; 4];
    for a in angles {
        counts[quarter(a)] += 1;
    }
    let most = (0..4).max_by_key(|q| (counts[*q], 4 - q)).unwrap_or(0);
    most as f32 * 90.0
}

/// The nearest quarter turn of an angle in degrees: 0, 1, 2 or 3.
fn quarter(angle: f32) -> usize {
    (angle.rem_euclid(360.0) / 90.0).round() as usize % 4
}

/// Whether a character at `angle` runs a quarter turn from the page's lines, which run at
/// `across`. Only near-right angles count: PDFium reports a slanted font's shear as an angle too
/// ("347,51" in a sheared italic reads 18.9 degrees), and such a character is on its line.
pub(super) fn crosswise(angle: f32, across: f32) -> bool {
    let d = (angle - across).rem_euclid(180.0);
    (d - 90.0).abs() < 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_up_the_margin_runs_another_way_than_the_lines() {
        // 300 characters across the page, 60 up its margin (a legal notice), 5 slanted or askew.
        let angles = std::iter::repeat_n(0.0, 300)
            .chain(std::iter::repeat_n(90.0, 60))
            .chain([359.5, 0.4, 18.9, 45.0, 45.0]);
        let across = text_direction(angles);
        assert_eq!(across, 0.0);
        assert!(crosswise(90.0, across) && crosswise(271.0, across));
        assert!(!crosswise(359.5, across) && !crosswise(18.9, across) && !crosswise(180.0, across));
        // A page whose every line is drawn turned keeps its lines.
        let turned = text_direction(std::iter::repeat_n(270.0, 100).chain([0.0; 10]));
        assert_eq!(turned, 270.0);
        assert!(!crosswise(269.0, turned) && crosswise(0.0, turned));
    }

    /// Glyphs of one line of 10-pixel type: each character 6 wide, `tracking` apart, and
    /// `word_gap` between words. A generated space stands wherever `generated_at` says, a
    /// printed one between words where `printed_spaces`.
    fn line(
        text: &str,
        tracking: f32,
        word_gap: f32,
        generated_at: impl Fn(usize) -> bool,
        printed_spaces: bool,
    ) -> Vec<Glyph> {
        let mut glyphs = Vec::new();
        let mut x = 0.0;
        let space = |generated| Glyph {
            c: ' ',
            bbox: Some(BBox::new(0.0, 0.0, 0.0, 0.0)),
            generated,
            crosswise: false,
        };
        for (i, c) in text.chars().enumerate() {
            if c == ' ' {
                x += word_gap - tracking;
                if printed_spaces {
                    glyphs.push(space(false));
                }
                continue;
            }
            if i > 0 && generated_at(i) {
                glyphs.push(space(true));
            }
            glyphs.push(Glyph {
                c,
                bbox: Some(BBox::new(x, 0.0, x + 6.0, 10.0)),
                generated: false,
                crosswise: false,
            });
            x += 6.0 + tracking;
        }
        glyphs
    }

    fn texts(glyphs: &[Glyph]) -> Vec<String> {
        words_of(glyphs).into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn a_letter_spaced_line_keeps_its_words_whole() {
        // Tracking of 1.5 px on 10 px type, and PDFium's guessed space between every letter
        // (a Spanish wholesaler's "F A C T U R A D E V E N T A").
        let spaced = line("FACTURA DE VENTA", 1.5, 6.0, |_| true, false);
        assert_eq!(texts(&spaced), ["FACTURA", "DE", "VENTA"]);
        // Guessed spaces at random letters only, printed spaces between the words.
        let some = line("LICORES MADRUENO", 1.2, 5.0, |i| i % 3 == 0, true);
        assert_eq!(texts(&some), ["LICORES", "MADRUENO"]);
    }

    #[test]
    fn ordinary_lines_part_where_pdfium_guessed_a_space() {
        // Tight type and no printed spaces: PDFium's guess is the only word break, even where
        // the gap is narrow.
        let tight = line("Wings Software", 0.0, 1.0, |_| false, false);
        let mut guessed = Vec::new();
        for g in tight {
            if g.c == 'S' {
                guessed.push(Glyph {
                    c: ' ',
                    bbox: Some(BBox::new(0.0, 0.0, 0.0, 0.0)),
                    generated: true,
                    crosswise: false,
                });
            }
            guessed.push(g);
        }
        assert_eq!(texts(&guessed), ["Wings", "Software"]);
        // A dash leader after the label is spaced wide on purpose; the label's words stay
        // apart.
        let mut leader = line("SALDO ANTERIOR", 0.0, 2.0, |i| i == 6, false);
        let mut x = 100.0;
        for _ in 0..12 {
            for (c, generated, width) in [(' ', true, 0.0), ('-', false, 2.0)] {
                leader.push(Glyph {
                    c,
                    bbox: Some(BBox::new(x, 0.0, x + width, 10.0)),
                    generated,
                    crosswise: false,
                });
            }
            x += 4.6;
        }
        assert_eq!(texts(&leader)[..2], ["SALDO", "ANTERIOR"]);
        // Cells of a table on one line, far apart, are never joined.
        let cells = line("0 % 0 %", 9.0, 30.0, |_| true, false);
        assert_eq!(texts(&cells), ["0", "%", "0", "%"]);
    }
}
