//! OCR: PP-OCRv5 detection, orientation and recognition over one page image, producing lines
//! and words in page pixels. The engine holds no model itself: it drives a [`Backend`].

mod detect;
mod geometry;
mod orient;
mod recognize;

use std::sync::Arc;

use image::RgbImage;

pub use detect::{DetectParams, TextBox};
pub use geometry::RotatedRect;
pub use recognize::{CharHit, Recognized, ctc_decode, load_dictionary};

use crate::infer::{Backend, BackendError, Net};
use crate::page::{BBox, Line, TextSource, Word, sort_reading_order};
use recognize::Crop;

/// Why OCR failed.
#[derive(Debug, thiserror::Error)]
pub enum OcrError {
    #[error(transparent)]
    Backend(#[from] BackendError),
    #[error(
        "the {net:?} network returned shape {shape:?}, not what ledgerline expects; is the model file the pinned one? (`ledgerline models verify`)"
    )]
    UnexpectedOutput { net: Net, shape: Vec<usize> },
    #[error(
        "cannot read the recognition dictionary {path}: {message}; run `ledgerline models fetch`"
    )]
    Dictionary { path: String, message: String },
}

/// OCR parameters.
#[derive(Debug, Clone)]
pub struct OcrParams {
    pub detect: DetectParams,
    /// Crops per recognition call. Batches hold crops of similar width (padding is work for
    /// nothing); beyond 16 the CPU gains nothing and a page is already a handful of calls.
    pub rec_batch: usize,
    /// Input pixels per recognition call, which bounds memory whatever the crop widths.
    pub rec_batch_pixels: usize,
    /// Widest recognition input; a line wider than this is squeezed.
    pub rec_max_width: usize,
    /// Classify line orientation (and so detect pages turned upside down).
    pub orientation: bool,
    /// Lines whose mean character confidence is below this are dropped as unreadable
    /// (PaddleOCR's drop score).
    pub min_confidence: f32,
}

impl Default for OcrParams {
    fn default() -> Self {
        OcrParams {
            detect: DetectParams::default(),
            rec_batch: 16,
            rec_batch_pixels: 48 * 32 * 640,
            rec_max_width: 2400,
            orientation: true,
            min_confidence: 0.5,
        }
    }
}

/// The result of reading one page image.
#[derive(Debug, Clone)]
pub struct OcrPage {
    /// Lines in reading order, in the coordinates of the upright page.
    pub lines: Vec<Line>,
    /// 180 when the page was upside down (the coordinates above are of the turned-back page).
    pub rotation: u16,
    /// The scan's skew, which the coordinates above have been corrected for: rows of a
    /// skewed scan line up again, so later stages can reason in rows and columns.
    pub skew_degrees: f32,
}

/// The page skew: the median angle of the text lines, each counted by its width. Only
/// clearly elongated lines take part; a short box's angle says little.
fn page_skew(crops: &[Crop]) -> f32 {
    let mut angles: Vec<(f32, f32)> = crops
        .iter()
        .filter(|c| c.rect.width > 3.0 * c.rect.height)
        .map(|c| (c.rect.angle, c.rect.width))
        .collect();
    if angles.is_empty() {
        return 0.0;
    }
    angles.sort_by(|a, b| a.0.total_cmp(&b.0));
    let half = angles.iter().map(|a| a.1).sum::<f32>() / 2.0;
    let mut seen = 0.0;
    for (angle, weight) in &angles {
        seen += weight;
        if seen >= half {
            return *angle;
        }
    }
    0.0
}

/// Maps image coordinates to the upright, deskewed page: turned back if the page was upside
/// down, then rotated about the centre by minus the skew.
struct Placement {
    w: f32,
    h: f32,
    rotation: u16,
    cos: f32,
    sin: f32,
}

impl Placement {
    fn new(w: f32, h: f32, rotation: u16, skew: f32) -> Self {
        Placement {
            w,
            h,
            rotation,
            cos: skew.cos(),
            sin: skew.sin(),
        }
    }

    fn place(&self, x: f32, y: f32) -> (f32, f32) {
        let (x, y) = if self.rotation == 180 {
            (self.w - x, self.h - y)
        } else {
            (x, y)
        };
        let (cx, cy) = (self.w / 2.0, self.h / 2.0);
        let (dx, dy) = (x - cx, y - cy);
        (
            cx + dx * self.cos + dy * self.sin,
            cy - dx * self.sin + dy * self.cos,
        )
    }

    fn bbox(&self, points: &[(f32, f32)]) -> BBox {
        let placed: Vec<(f32, f32)> = points.iter().map(|&(x, y)| self.place(x, y)).collect();
        BBox::new(
            placed.iter().map(|p| p.0).fold(f32::MAX, f32::min).max(0.0),
            placed.iter().map(|p| p.1).fold(f32::MAX, f32::min).max(0.0),
            placed
                .iter()
                .map(|p| p.0)
                .fold(f32::MIN, f32::max)
                .min(self.w),
            placed
                .iter()
                .map(|p| p.1)
                .fold(f32::MIN, f32::max)
                .min(self.h),
        )
    }
}

/// Reads page images.
pub struct OcrEngine {
    backend: Arc<dyn Backend>,
    dictionary: Vec<String>,
    params: OcrParams,
}

impl OcrEngine {
    /// `dictionary` is the recognition dictionary's text (line 0 the CTC blank).
    pub fn new(backend: Arc<dyn Backend>, dictionary: &str, params: OcrParams) -> Self {
        OcrEngine {
            backend,
            dictionary: load_dictionary(dictionary),
            params,
        }
    }

    pub fn backend(&self) -> &Arc<dyn Backend> {
        &self.backend
    }

    /// Detects text lines (page pixels).
    pub fn detect(&self, image: &RgbImage) -> Result<Vec<TextBox>, OcrError> {
        let (input, sx, sy) = detect::preprocess(image, self.params.detect.max_side);
        let outputs = self.backend.run(Net::Detect, input)?;
        let prob = outputs.first().ok_or(OcrError::UnexpectedOutput {
            net: Net::Detect,
            shape: vec![],
        })?;
        if prob.shape.len() != 4 {
            return Err(OcrError::UnexpectedOutput {
                net: Net::Detect,
                shape: prob.shape.clone(),
            });
        }
        Ok(detect::postprocess(prob, sx, sy, &self.params.detect))
    }

    /// Probability that each crop is turned 180 degrees.
    fn orientations(&self, image: &RgbImage, crops: &[Crop]) -> Result<Vec<f32>, OcrError> {
        let mut p = vec![0f32; crops.len()];
        let all: Vec<usize> = (0..crops.len()).collect();
        for batch in all.chunks(self.params.rec_batch) {
            let out = self
                .backend
                .run(Net::Orient, orient::batch_tensor(image, crops, batch))?;
            let probs = out
                .first()
                .filter(|t| t.shape.len() == 2 && t.shape[1] == 2)
                .ok_or_else(|| OcrError::UnexpectedOutput {
                    net: Net::Orient,
                    shape: out.first().map(|t| t.shape.clone()).unwrap_or_default(),
                })?;
            for (slot, &i) in batch.iter().enumerate() {
                p[i] = probs.data[slot * 2 + 1];
            }
        }
        Ok(p)
    }

    /// Recognises crops, batched by width.
    fn recognize(&self, image: &RgbImage, crops: &[Crop]) -> Result<Vec<Recognized>, OcrError> {
        let p = &self.params;
        let mut results: Vec<Option<Recognized>> = vec![None; crops.len()];
        for batch in recognize::batches(crops, p.rec_batch, p.rec_max_width, p.rec_batch_pixels) {
            let (input, _) = recognize::batch_tensor(image, crops, &batch, p.rec_max_width);
            let out = self.backend.run(Net::Recognize, input)?;
            let probs = out.first().filter(|t| t.shape.len() == 3).ok_or_else(|| {
                OcrError::UnexpectedOutput {
                    net: Net::Recognize,
                    shape: out.first().map(|t| t.shape.clone()).unwrap_or_default(),
                }
            })?;
            let (steps, classes) = (probs.shape[1], probs.shape[2]);
            for (slot, &i) in batch.iter().enumerate() {
                let slice = &probs.data[slot * steps * classes..(slot + 1) * steps * classes];
                results[i] = Some(ctc_decode(slice, steps, classes, &self.dictionary));
            }
        }
        Ok(results
            .into_iter()
            .map(|r| r.unwrap_or_else(|| ctc_decode(&[], 0, 1, &[])))
            .collect())
    }

    /// Recognises detected boxes as they are (no orientation step).
    pub fn recognize_boxes(
        &self,
        image: &RgbImage,
        boxes: &[TextBox],
    ) -> Result<Vec<Recognized>, OcrError> {
        let crops: Vec<Crop> = boxes
            .iter()
            .map(|b| Crop {
                rect: b.rect,
                turned: false,
            })
            .collect();
        self.recognize(image, &crops)
    }

    /// Reads a page: detect, orient, recognise, and lay the lines out upright in reading order.
    pub fn read(&self, image: &RgbImage) -> Result<OcrPage, OcrError> {
        let boxes = self.detect(image)?;
        let mut crops: Vec<Crop> = boxes
            .iter()
            .map(|b| Crop {
                rect: b.rect,
                turned: false,
            })
            .collect();
        let mut rotation = 0;
        if self.params.orientation && !crops.is_empty() {
            let p_turned = self.orientations(image, &crops)?;
            let widths: Vec<f32> = crops.iter().map(|c| c.rect.width).collect();
            let page_turned = orient::page_is_turned(&p_turned, &widths);
            if page_turned {
                rotation = 180;
            }
            for (crop, p) in crops.iter_mut().zip(&p_turned) {
                // Follow the page unless the line itself is confident it reads the other way.
                crop.turned = if page_turned { *p > 0.1 } else { *p > 0.9 };
            }
        }
        let recognized = self.recognize(image, &crops)?;
        let skew = page_skew(&crops);
        let place = Placement::new(image.width() as f32, image.height() as f32, rotation, skew);
        let mut lines = Vec::new();
        for (crop, rec) in crops.iter().zip(recognized) {
            if rec.text.trim().is_empty() || rec.confidence() < self.params.min_confidence {
                continue;
            }
            lines.push(to_line(
                crop,
                &rec,
                crop.input_width(self.params.rec_max_width),
                &place,
            ));
        }
        sort_reading_order(&mut lines);
        Ok(OcrPage {
            lines,
            rotation,
            skew_degrees: skew.to_degrees(),
        })
    }
}

/// Maps a recognised crop back to the upright page: words get boxes from the timesteps their
/// characters were read at.
fn to_line(crop: &Crop, rec: &Recognized, input_width: usize, place: &Placement) -> Line {
    let rect = crop.rect;
    let (dx, dy) = rect.dir();
    let (px, py) = (-dy, dx);
    // Timesteps cover the padded batch width, 8 input pixels each (the recogniser's stride).
    let step = 8.0 * rect.width / input_width as f32;
    let span_box = |t0: usize, t1: usize| {
        // Along the crop, in the direction it was read.
        let (a0, a1) = (t0 as f32 * step, (t1 + 1) as f32 * step);
        let (a0, a1) = if crop.turned {
            (rect.width / 2.0 - a1, rect.width / 2.0 - a0)
        } else {
            (a0 - rect.width / 2.0, a1 - rect.width / 2.0)
        };
        let hh = rect.height / 2.0;
        let pts = [(a0, -hh), (a1, -hh), (a0, hh), (a1, hh)]
            .map(|(a, b)| (rect.cx + a * dx + b * px, rect.cy + a * dy + b * py));
        place.bbox(&pts)
    };
    let mut words = Vec::new();
    let mut start = 0;
    let chars = &rec.chars;
    for i in 0..=chars.len() {
        if i == chars.len() || chars[i].ch == ' ' {
            if i > start {
                let part = &chars[start..i];
                words.push(Word {
                    text: part.iter().map(|c| c.ch).collect(),
                    bbox: span_box(part[0].first, part[part.len() - 1].last),
                    confidence: part.iter().map(|c| c.confidence).sum::<f32>() / part.len() as f32,
                });
            }
            start = i + 1;
        }
    }
    Line {
        text: words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        bbox: place.bbox(&rect.corners()),
        confidence: rec.confidence(),
        source: TextSource::Ocr,
        region: None,
        words,
    }
}
