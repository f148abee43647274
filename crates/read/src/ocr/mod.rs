//! OCR: PP-OCRv5 detection and orientation and PP-OCRv6 recognition (or PP-OCRv5's, by choice)
//! over one page image, producing lines and words in page pixels. The engine holds no model
//! itself: it drives a [`Backend`].

mod detect;
mod geometry;
mod orient;
mod recognize;

use std::sync::Arc;

use image::RgbImage;

pub use detect::{DetectParams, TextBox};
pub use geometry::RotatedRect;
pub use recognize::{
    CharHit, Recognized, Recognizer, ctc_decode, ctc_decode_best, load_dictionary,
};

use crate::infer::{Backend, BackendError, Net};
use ledgerline_core::page::{BBox, Line, TextSource, Word, sort_reading_order};
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
    /// Pages per detection call when many pages are read at once (`read_batch`). On CPU one
    /// page already fills the cores; a GPU wants 8 to 32.
    pub det_batch: usize,
    /// The recognition network; its dictionary must be the one the engine is given.
    pub recognizer: Recognizer,
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
            det_batch: 1,
            recognizer: Recognizer::default(),
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
    /// The text runs up or down the page rather than across it (a page scanned sideways):
    /// the lines above are of little use, and the page should be read again turned a quarter.
    pub sideways: bool,
}

/// Whether most of the detected text runs vertically: tall boxes, counted by their length,
/// outweigh wide ones.
fn is_sideways(crops: &[Crop]) -> bool {
    let (mut tall, mut wide) = (0.0f32, 0.0f32);
    for c in crops {
        if c.rect.height > 1.5 * c.rect.width {
            tall += c.rect.height;
        } else if c.rect.width > 1.5 * c.rect.height {
            wide += c.rect.width;
        }
    }
    tall > wide
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

    pub fn params(&self) -> &OcrParams {
        &self.params
    }

    /// Detects text lines (page pixels).
    pub fn detect(&self, image: &RgbImage) -> Result<Vec<TextBox>, OcrError> {
        let mut boxes = self.detect_prepared(vec![self.prepare(image)])?;
        Ok(boxes.pop().unwrap_or_default())
    }

    /// The CPU side of detection (resize and normalise), which a pipeline runs on its decode
    /// workers so the accelerator only ever sees ready inputs.
    pub fn prepare(&self, image: &RgbImage) -> DetectInput {
        let (tensor, sx, sy) = detect::preprocess(image, self.params.detect.max_side);
        DetectInput { tensor, sx, sy }
    }

    /// Detects text lines on many pages: pages whose inputs have the same size (the same paper
    /// size at the same resolution) run as one batch of up to `det_batch`.
    pub fn detect_prepared(&self, inputs: Vec<DetectInput>) -> Result<Vec<Vec<TextBox>>, OcrError> {
        let mut results: Vec<Vec<TextBox>> = vec![Vec::new(); inputs.len()];
        let mut buckets: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
        for (i, input) in inputs.iter().enumerate() {
            match buckets.iter_mut().find(|(shape, members)| {
                *shape == input.tensor.shape && members.len() < self.params.det_batch.max(1)
            }) {
                Some((_, members)) => members.push(i),
                None => buckets.push((input.tensor.shape.clone(), vec![i])),
            }
        }
        for (shape, members) in buckets {
            let per = shape.iter().product::<usize>();
            let mut data = Vec::with_capacity(per * members.len());
            for &i in &members {
                data.extend_from_slice(&inputs[i].tensor.data);
            }
            let mut batch_shape = shape.clone();
            batch_shape[0] = members.len();
            let outputs = self
                .backend
                .run(Net::Detect, crate::infer::Tensor::new(batch_shape, data))?;
            let prob = outputs
                .first()
                .filter(|p| p.shape.len() == 4 && p.shape[0] == members.len())
                .ok_or_else(|| OcrError::UnexpectedOutput {
                    net: Net::Detect,
                    shape: outputs.first().map(|t| t.shape.clone()).unwrap_or_default(),
                })?;
            let plane = prob.shape[1..].iter().product::<usize>();
            for (slot, &i) in members.iter().enumerate() {
                let mut one = prob.shape.clone();
                one[0] = 1;
                let map = crate::infer::Tensor::new(
                    one,
                    prob.data[slot * plane..(slot + 1) * plane].to_vec(),
                );
                results[i] =
                    detect::postprocess(&map, inputs[i].sx, inputs[i].sy, &self.params.detect);
            }
        }
        Ok(results)
    }

    /// Probability that each crop is turned 180 degrees; crops from any page share batches.
    fn orientations(&self, items: &[(&RgbImage, &Crop)]) -> Result<Vec<f32>, OcrError> {
        let mut p = Vec::with_capacity(items.len());
        for batch in items.chunks(self.params.rec_batch.max(1)) {
            let out = self.backend.run(Net::Orient, orient::batch_tensor(batch))?;
            let probs = out
                .first()
                .filter(|t| t.shape.len() == 2 && t.shape[1] == 2 && t.shape[0] == batch.len())
                .ok_or_else(|| OcrError::UnexpectedOutput {
                    net: Net::Orient,
                    shape: out.first().map(|t| t.shape.clone()).unwrap_or_default(),
                })?;
            p.extend((0..batch.len()).map(|slot| probs.data[slot * 2 + 1]));
        }
        Ok(p)
    }

    /// Recognises crops from any pages, batched by width across pages.
    fn recognize(&self, items: &[(&RgbImage, &Crop)]) -> Result<Vec<Recognized>, OcrError> {
        let p = &self.params;
        let crops: Vec<Crop> = items.iter().map(|(_, c)| **c).collect();
        let mut results: Vec<Option<Recognized>> = vec![None; crops.len()];
        for batch in recognize::batches(&crops, p.rec_batch, p.rec_max_width, p.rec_batch_pixels) {
            let members: Vec<(&RgbImage, &Crop)> = batch.iter().map(|&i| items[i]).collect();
            let input = recognize::batch_tensor(&members, p.rec_max_width);
            let net = self.params.recognizer.net();
            let best = self.backend.run_best_class(net, input)?;
            if best.shape.len() != 2 || best.shape[0] != batch.len() {
                return Err(OcrError::UnexpectedOutput {
                    net,
                    shape: best.shape,
                });
            }
            let steps = best.shape[1];
            for (slot, &i) in batch.iter().enumerate() {
                let span = slot * steps..(slot + 1) * steps;
                results[i] = Some(recognize::ctc_decode_best(
                    &best.index[span.clone()],
                    &best.probability[span],
                    &self.dictionary,
                ));
            }
        }
        Ok(results
            .into_iter()
            .map(|r| r.unwrap_or_else(|| recognize::ctc_decode_best(&[], &[], &[])))
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
        let items: Vec<(&RgbImage, &Crop)> = crops.iter().map(|c| (image, c)).collect();
        self.recognize(&items)
    }

    /// Reads a page: detect, orient, recognise, and lay the lines out upright in reading order.
    pub fn read(&self, image: &RgbImage) -> Result<OcrPage, OcrError> {
        let mut pages = self.read_prepared(&[image], vec![self.prepare(image)])?;
        Ok(pages.pop().unwrap_or_else(|| OcrPage {
            lines: Vec::new(),
            rotation: 0,
            skew_degrees: 0.0,
            sideways: false,
        }))
    }

    /// Reads many pages at once: detection batched by page size, orientation and recognition
    /// batched across all the pages' lines. This is how a GPU is kept busy. The result is that
    /// of reading each page alone, except that a line batched with wider lines from other pages
    /// is padded more, which can change a character now and then.
    pub fn read_batch(&self, images: &[&RgbImage]) -> Result<Vec<OcrPage>, OcrError> {
        let inputs = images.iter().map(|image| self.prepare(image)).collect();
        self.read_prepared(images, inputs)
    }

    /// [`read_batch`](Self::read_batch) over inputs already prepared by [`prepare`](Self::prepare).
    pub fn read_prepared(
        &self,
        images: &[&RgbImage],
        inputs: Vec<DetectInput>,
    ) -> Result<Vec<OcrPage>, OcrError> {
        let boxes = self.detect_prepared(inputs)?;
        let mut crops: Vec<Vec<Crop>> = boxes
            .iter()
            .map(|page| {
                page.iter()
                    .map(|b| Crop {
                        rect: b.rect,
                        turned: false,
                    })
                    .collect()
            })
            .collect();
        let mut rotations = vec![0u16; images.len()];
        if self.params.orientation {
            let items: Vec<(&RgbImage, &Crop)> = images
                .iter()
                .zip(&crops)
                .flat_map(|(image, page)| page.iter().map(move |c| (*image, c)))
                .collect();
            let p_turned = self.orientations(&items)?;
            let mut offset = 0;
            for (page, rotation) in crops.iter_mut().zip(rotations.iter_mut()) {
                let p = &p_turned[offset..offset + page.len()];
                offset += page.len();
                let widths: Vec<f32> = page.iter().map(|c| c.rect.width).collect();
                let page_turned = !page.is_empty() && orient::page_is_turned(p, &widths);
                if page_turned {
                    *rotation = 180;
                }
                for (crop, p) in page.iter_mut().zip(p) {
                    // Follow the page unless the line itself is confident it reads the other way.
                    crop.turned = if page_turned { *p > 0.1 } else { *p > 0.9 };
                }
            }
        }
        let items: Vec<(&RgbImage, &Crop)> = images
            .iter()
            .zip(&crops)
            .flat_map(|(image, page)| page.iter().map(move |c| (*image, c)))
            .collect();
        let mut recognized = self.recognize(&items)?.into_iter();
        let mut pages = Vec::with_capacity(images.len());
        for ((image, page), rotation) in images.iter().zip(&crops).zip(rotations) {
            let skew = page_skew(page);
            let place = Placement::new(image.width() as f32, image.height() as f32, rotation, skew);
            let mut lines = Vec::new();
            for crop in page {
                let Some(rec) = recognized.next() else { break };
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
            pages.push(OcrPage {
                lines,
                rotation,
                skew_degrees: skew.to_degrees(),
                sideways: is_sideways(page),
            });
        }
        Ok(pages)
    }
}

/// A page ready for the detector: its normalised input and the scale back to page pixels.
#[derive(Debug, Clone)]
pub struct DetectInput {
    tensor: crate::infer::Tensor,
    sx: f32,
    sy: f32,
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
