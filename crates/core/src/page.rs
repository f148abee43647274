//! The page model every stage after reading works from: words and lines with their text, box,
//! confidence, where they came from (text layer or OCR) and the layout region they fall in.
//!
//! Coordinates are pixels of the page's reference rendering (origin top-left): the rendering
//! OCR saw, or for text-layer pages the rendering at the decode DPI that OCR would have seen, so
//! that later stages reason in one unit whatever the source.

use serde::{Deserialize, Serialize};

/// An axis-aligned box, `x0 <= x1`, `y0 <= y1`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct BBox {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl BBox {
    pub fn new(x0: f32, y0: f32, x1: f32, y1: f32) -> Self {
        BBox {
            x0: x0.min(x1),
            y0: y0.min(y1),
            x1: x0.max(x1),
            y1: y0.max(y1),
        }
    }
    pub fn width(&self) -> f32 {
        self.x1 - self.x0
    }
    pub fn height(&self) -> f32 {
        self.y1 - self.y0
    }
    pub fn center_y(&self) -> f32 {
        (self.y0 + self.y1) / 2.0
    }
    pub fn area(&self) -> f32 {
        self.width().max(0.0) * self.height().max(0.0)
    }
    pub fn union(&self, other: &BBox) -> BBox {
        BBox::new(
            self.x0.min(other.x0),
            self.y0.min(other.y0),
            self.x1.max(other.x1),
            self.y1.max(other.y1),
        )
    }
    pub fn intersection_area(&self, other: &BBox) -> f32 {
        let w = self.x1.min(other.x1) - self.x0.max(other.x0);
        let h = self.y1.min(other.y1) - self.y0.max(other.y0);
        if w <= 0.0 || h <= 0.0 { 0.0 } else { w * h }
    }
    /// Intersection over union.
    pub fn iou(&self, other: &BBox) -> f32 {
        let inter = self.intersection_area(other);
        let union = self.area() + other.area() - inter;
        if union <= 0.0 { 0.0 } else { inter / union }
    }
    /// Vertical overlap as a share of the shorter box's height.
    pub fn vertical_overlap(&self, other: &BBox) -> f32 {
        let overlap = self.y1.min(other.y1) - self.y0.max(other.y0);
        let shorter = self.height().min(other.height());
        if shorter <= 0.0 {
            0.0
        } else {
            (overlap / shorter).max(0.0)
        }
    }
    /// Whether the two boxes share any of the page's width.
    pub fn overlaps_x(&self, other: &BBox) -> bool {
        self.x1.min(other.x1) > self.x0.max(other.x0)
    }
    /// One box over or under the other in the same column: they share over half the narrower
    /// one's width and under half the shorter one's height (a name or a description printed
    /// over two lines).
    pub fn stacked_with(&self, other: &BBox) -> bool {
        let overlap = self.x1.min(other.x1) - self.x0.max(other.x0);
        overlap > 0.5 * self.width().min(other.width()) && self.vertical_overlap(other) < 0.5
    }
}

/// Where a piece of text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextSource {
    /// The PDF's own text: exact characters.
    TextLayer,
    /// Recognised from pixels.
    Ocr,
}

/// The region kinds of the CDLA layout model, in the model's class order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionKind {
    Text,
    Title,
    Figure,
    FigureCaption,
    Table,
    TableCaption,
    Header,
    Footer,
    Reference,
    Equation,
}

impl RegionKind {
    /// The model's class order.
    pub const ALL: [RegionKind; 10] = [
        RegionKind::Text,
        RegionKind::Title,
        RegionKind::Figure,
        RegionKind::FigureCaption,
        RegionKind::Table,
        RegionKind::TableCaption,
        RegionKind::Header,
        RegionKind::Footer,
        RegionKind::Reference,
        RegionKind::Equation,
    ];
}

/// A layout region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Region {
    pub kind: RegionKind,
    pub bbox: BBox,
    pub score: f32,
}

/// One word.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Word {
    pub text: String,
    pub bbox: BBox,
    /// In [0, 1]; 1 for text-layer words.
    pub confidence: f32,
}

/// One line of text in reading order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    pub text: String,
    pub bbox: BBox,
    /// Mean character confidence in [0, 1].
    pub confidence: f32,
    pub source: TextSource,
    /// Index into `Page::regions`, when the line falls in one.
    pub region: Option<usize>,
    pub words: Vec<Word>,
}

/// One page as read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    pub index: usize,
    pub width: u32,
    pub height: u32,
    /// Pixels per inch of the reference rendering, when known (not for images without metadata).
    pub dpi: Option<f32>,
    /// Degrees clockwise (0, 90, 180 or 270) the page was turned to be read upright; the
    /// width, height and boxes are of the upright page.
    pub rotation: u16,
    /// Skew of the scan in degrees; boxes are of the page with the skew corrected.
    pub skew_degrees: f32,
    pub source: TextSource,
    pub lines: Vec<Line>,
    pub regions: Vec<Region>,
}

impl Page {
    /// The page's text, lines in reading order joined by newlines.
    pub fn text(&self) -> String {
        self.lines
            .iter()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Assigns each line to the layout region that covers most of it.
    pub fn assign_regions(&mut self) {
        for line in &mut self.lines {
            line.region = self
                .regions
                .iter()
                .enumerate()
                .map(|(i, r)| (i, r.bbox.intersection_area(&line.bbox)))
                .filter(|(_, a)| *a > 0.5 * line.bbox.area())
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(i, _)| i);
        }
    }
}

/// Groups words into lines: words whose boxes share most of their height and sit within a
/// couple of character heights of each other horizontally. A wider gap starts a new line on the
/// same row, the way table cells separate. Lines come back in reading order.
pub fn group_words(words: Vec<Word>, source: TextSource) -> Vec<Line> {
    let mut words = words;
    words.sort_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
    let mut lines: Vec<Vec<Word>> = Vec::new();
    for word in words {
        let height = word.bbox.height().max(1.0);
        let target = lines.iter_mut().rev().find(|line| {
            let last = line.last().expect("lines are never empty");
            let gap = word.bbox.x0 - last.bbox.x1;
            last.bbox.vertical_overlap(&word.bbox) > 0.5
                && gap < 1.2 * height
                && gap > -0.5 * height
        });
        match target {
            Some(line) => line.push(word),
            None => lines.push(vec![word]),
        }
    }
    let mut out: Vec<Line> = lines
        .into_iter()
        .map(|words| {
            let bbox = words
                .iter()
                .skip(1)
                .fold(words[0].bbox, |b, w| b.union(&w.bbox));
            let text = words
                .iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let confidence = words.iter().map(|w| w.confidence).sum::<f32>() / words.len() as f32;
            Line {
                text,
                bbox,
                confidence,
                source,
                region: None,
                words,
            }
        })
        .collect();
    sort_reading_order(&mut out);
    out
}

/// Sorts lines top to bottom, and left to right within a row (lines that overlap vertically
/// by more than half their height share a row). Skewed scans make rows drift a little, which
/// the overlap test tolerates where a plain sort on y would interleave columns.
pub fn sort_reading_order(lines: &mut Vec<Line>) {
    lines.sort_by(|a, b| a.bbox.center_y().total_cmp(&b.bbox.center_y()));
    let mut rows: Vec<Vec<Line>> = Vec::new();
    for line in lines.drain(..) {
        match rows.last_mut() {
            Some(row)
                if row
                    .iter()
                    .any(|l| l.bbox.vertical_overlap(&line.bbox) > 0.5) =>
            {
                row.push(line)
            }
            _ => rows.push(vec![line]),
        }
    }
    for mut row in rows {
        row.sort_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
        lines.extend(row);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, x0: f32, y0: f32) -> Word {
        let w = text.len() as f32 * 6.0;
        Word {
            text: text.into(),
            bbox: BBox::new(x0, y0, x0 + w, y0 + 10.0),
            confidence: 1.0,
        }
    }

    #[test]
    fn words_on_a_row_split_into_cells_at_wide_gaps_and_rows_read_in_order() {
        let words = vec![
            word("Total", 300.0, 50.0),
            word("Office", 10.0, 20.0),
            word("chairs", 50.0, 21.0),
            word("12.00", 300.0, 20.0),
            word("Due", 10.0, 50.0),
        ];
        let lines = group_words(words, TextSource::TextLayer);
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["Office chairs", "12.00", "Due", "Total"]);
    }

    #[test]
    fn two_column_page_reads_row_by_row() {
        let mut words = Vec::new();
        for row in 0..5 {
            let y = 20.0 + row as f32 * 14.0;
            words.push(word(&format!("left{row}"), 10.0, y));
            words.push(word(&format!("right{row}"), 200.0, y + 1.5));
        }
        let lines = group_words(words, TextSource::Ocr);
        assert_eq!(lines.len(), 10);
        for (i, pair) in lines.chunks(2).enumerate() {
            assert_eq!(pair[0].text, format!("left{i}"));
            assert_eq!(pair[1].text, format!("right{i}"));
        }
    }
}
