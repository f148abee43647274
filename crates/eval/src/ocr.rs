//! `ledgerline eval ocr DIR`: character error rate and word accuracy per variant.
//!
//! Both sides are compared as rows: lines that share a row are joined left to right, rows top to
//! bottom. That makes the figure about characters, not about where a detector happened to split
//! a row into segments.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use serde::Deserialize;

use super::{EvalError, edit_distance};
use ledgerline_core::page::{BBox, Line, Page, TextSource, sort_reading_order};
use ledgerline_read::read::Reader;

/// The variants a generated document comes in.
pub const VARIANTS: [&str; 4] = ["text_pdf", "scanned_pdf", "png", "jpeg"];

#[derive(Debug, Deserialize)]
struct Truth {
    id: String,
    variants: super::Variants,
    pages: Vec<TruthPage>,
}

#[derive(Debug, Deserialize)]
struct TruthPage {
    lines: Vec<TruthLine>,
}

#[derive(Debug, Deserialize)]
struct TruthLine {
    text: String,
    #[serde(rename = "box")]
    bbox: [f32; 4],
}

/// Figures for one variant.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VariantScore {
    pub documents: usize,
    pub pages: usize,
    pub chars: usize,
    pub char_errors: usize,
    pub words: usize,
    pub words_found: usize,
    pub seconds: f64,
    /// Documents that could not be read at all, with the reason.
    pub failures: Vec<(String, String)>,
}

impl VariantScore {
    pub fn cer(&self) -> f64 {
        self.char_errors as f64 / self.chars.max(1) as f64
    }
    pub fn word_accuracy(&self) -> f64 {
        self.words_found as f64 / self.words.max(1) as f64
    }
    pub fn pages_per_second(&self) -> f64 {
        self.pages as f64 / self.seconds.max(1e-9)
    }
}

/// Figures per variant, in [`VARIANTS`] order.
#[derive(Debug, Clone, Default)]
pub struct OcrReport {
    pub variants: Vec<(String, VariantScore)>,
}

impl OcrReport {
    pub fn get(&self, variant: &str) -> Option<&VariantScore> {
        self.variants
            .iter()
            .find(|(v, _)| v == variant)
            .map(|(_, s)| s)
    }
}

impl std::fmt::Display for OcrReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{:<12} {:>5} {:>5} {:>8} {:>9} {:>9}",
            "variant", "docs", "pages", "CER", "word_acc", "pages/s"
        )?;
        for (name, s) in &self.variants {
            writeln!(
                f,
                "{:<12} {:>5} {:>5} {:>7.2}% {:>8.2}% {:>9.2}",
                name,
                s.documents,
                s.pages,
                100.0 * s.cer(),
                100.0 * s.word_accuracy(),
                s.pages_per_second()
            )?;
            for (doc, why) in &s.failures {
                writeln!(f, "  failed {doc}: {why}")?;
            }
        }
        Ok(())
    }
}

/// Reads every document of the corpus in each variant and scores it.
pub fn evaluate(
    reader: &Reader,
    dir: &Path,
    limit: Option<usize>,
    variants: Option<&[String]>,
    mut progress: impl FnMut(usize, usize),
) -> Result<OcrReport, EvalError> {
    let truths: Vec<Truth> = super::load_documents(dir, limit)?;
    let chosen: Vec<&str> = VARIANTS
        .iter()
        .copied()
        .filter(|v| variants.is_none_or(|list| list.iter().any(|x| x == v)))
        .collect();
    let mut report = OcrReport {
        variants: chosen
            .iter()
            .map(|v| (v.to_string(), VariantScore::default()))
            .collect(),
    };
    for (done, truth) in truths.iter().enumerate() {
        for (name, score) in report.variants.iter_mut() {
            let started = Instant::now();
            let (pages, failed) = super::read_variant(reader, dir, &truth.variants, name);
            score.seconds += started.elapsed().as_secs_f64();
            score.documents += 1;
            if let Some(why) = failed {
                score.failures.push((truth.id.clone(), why));
            }
            for (i, truth_page) in truth.pages.iter().enumerate() {
                let expected = truth_rows(&truth_page.lines);
                let got = pages.get(i).map(page_rows).unwrap_or_default();
                score.pages += 1;
                score.chars += expected.chars().count();
                score.char_errors += edit_distance(&expected, &got);
                let (words, found) = words_found(&expected, &got);
                score.words += words;
                score.words_found += found;
            }
        }
        progress(done + 1, truths.len());
    }
    Ok(report)
}

/// Rows of text: lines overlapping vertically joined left to right with single spaces.
fn rows(mut lines: Vec<Line>) -> String {
    sort_reading_order(&mut lines);
    let mut out: Vec<String> = Vec::new();
    let mut last: Option<BBox> = None;
    for line in lines {
        let text = line.text.split_whitespace().collect::<Vec<_>>().join(" ");
        match (last, out.last_mut()) {
            (Some(prev), Some(row)) if prev.vertical_overlap(&line.bbox) > 0.5 => {
                row.push(' ');
                row.push_str(&text);
                last = Some(prev.union(&line.bbox));
            }
            _ => {
                out.push(text);
                last = Some(line.bbox);
            }
        }
    }
    out.join("\n")
}

fn truth_rows(lines: &[TruthLine]) -> String {
    rows(
        lines
            .iter()
            .map(|l| Line {
                text: l.text.clone(),
                bbox: BBox::new(l.bbox[0], l.bbox[1], l.bbox[2], l.bbox[3]),
                confidence: 1.0,
                source: TextSource::TextLayer,
                region: None,
                words: Vec::new(),
            })
            .collect(),
    )
}

fn page_rows(page: &Page) -> String {
    rows(page.lines.clone())
}

/// How many of the expected words (as a multiset) were read.
fn words_found(expected: &str, got: &str) -> (usize, usize) {
    let mut available: HashMap<&str, usize> = HashMap::new();
    for w in got.split_whitespace() {
        *available.entry(w).or_default() += 1;
    }
    let mut total = 0;
    let mut found = 0;
    for w in expected.split_whitespace() {
        total += 1;
        if let Some(n) = available.get_mut(w).filter(|n| **n > 0) {
            *n -= 1;
            found += 1;
        }
    }
    (total, found)
}
