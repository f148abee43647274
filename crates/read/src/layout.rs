//! Layout analysis: the CDLA PicoDet model finds text, title, table, header, footer and other
//! regions on a page image. Its eight output heads (class scores and box distributions at
//! strides 8, 16, 32 and 64) are decoded here, followed by per-class non-maximum suppression.

use image::RgbImage;

use crate::infer::{Backend, BackendError, Net, Tensor};
use ledgerline_core::page::{BBox, Region, RegionKind};

/// The model's fixed input size.
pub const INPUT_WIDTH: u32 = 608;
pub const INPUT_HEIGHT: u32 = 800;
const STRIDES: [usize; 4] = [8, 16, 32, 64];

/// Layout parameters.
#[derive(Debug, Clone)]
pub struct LayoutParams {
    /// Minimum class score for a region (RapidLayout's default, 0.5 for CDLA).
    pub score_threshold: f32,
    /// Overlap above which the weaker of two same-class regions is dropped.
    pub iou_threshold: f32,
    /// Candidates kept per stride before NMS, against noisy pages.
    pub top_k: usize,
}

impl Default for LayoutParams {
    fn default() -> Self {
        LayoutParams {
            score_threshold: 0.5,
            iou_threshold: 0.5,
            top_k: 1000,
        }
    }
}

/// Why layout analysis failed.
#[derive(Debug, thiserror::Error)]
pub enum LayoutError {
    #[error(transparent)]
    Backend(#[from] BackendError),
    #[error(
        "the layout network returned {0} outputs, expected 8 (4 score heads, 4 box heads); is the model the pinned one? (`ledgerline models verify`)"
    )]
    UnexpectedOutputs(usize),
}

/// Resizes the page to the model's input (aspect not kept, as the model was trained) and
/// normalises it with ImageNet statistics in BGR order.
pub fn preprocess(image: &RgbImage) -> Tensor {
    let resized = image::imageops::resize(
        image,
        INPUT_WIDTH,
        INPUT_HEIGHT,
        image::imageops::FilterType::Triangle,
    );
    let mean = [0.485f32, 0.456, 0.406];
    let std = [0.229f32, 0.224, 0.225];
    let plane = (INPUT_WIDTH * INPUT_HEIGHT) as usize;
    let mut data = vec![0f32; 3 * plane];
    for (i, p) in resized.pixels().enumerate() {
        for (c, &v) in [p[2], p[1], p[0]].iter().enumerate() {
            data[c * plane + i] = (f32::from(v) / 255.0 - mean[c]) / std[c];
        }
    }
    Tensor::new(
        vec![1, 3, INPUT_HEIGHT as usize, INPUT_WIDTH as usize],
        data,
    )
}

/// Decodes the heads into regions in page pixels (`page_w` x `page_h`).
pub fn postprocess(
    outputs: &[Tensor],
    page_w: u32,
    page_h: u32,
    params: &LayoutParams,
) -> Result<Vec<Region>, LayoutError> {
    if outputs.len() != 8 {
        return Err(LayoutError::UnexpectedOutputs(outputs.len()));
    }
    let classes = RegionKind::ALL.len();
    let mut candidates: Vec<(usize, f32, BBox)> = Vec::new();
    for (level, &stride) in STRIDES.iter().enumerate() {
        let scores = &outputs[level];
        let dists = &outputs[level + 4];
        let cells = scores.shape[1];
        let bins = dists.shape[2] / 4;
        let fm_w = (INPUT_WIDTH as usize).div_ceil(stride);
        let mut level_candidates: Vec<(usize, f32, usize)> = (0..cells)
            .filter_map(|cell| {
                let row = &scores.data[cell * classes..(cell + 1) * classes];
                let (class, &score) = row.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1))?;
                (score > params.score_threshold).then_some((class, score, cell))
            })
            .collect();
        level_candidates.sort_by(|a, b| b.1.total_cmp(&a.1));
        level_candidates.truncate(params.top_k);
        for (class, score, cell) in level_candidates {
            let cx = ((cell % fm_w) as f32 + 0.5) * stride as f32;
            let cy = ((cell / fm_w) as f32 + 0.5) * stride as f32;
            // Each side's distance is the expectation of a softmax over `bins` discrete bins.
            let d = &dists.data[cell * 4 * bins..(cell + 1) * 4 * bins];
            let side = |k: usize| expectation(&d[k * bins..(k + 1) * bins]) * stride as f32;
            let (l, t, r, b) = (side(0), side(1), side(2), side(3));
            let sx = page_w as f32 / INPUT_WIDTH as f32;
            let sy = page_h as f32 / INPUT_HEIGHT as f32;
            let bbox = BBox::new(
                ((cx - l) * sx).max(0.0),
                ((cy - t) * sy).max(0.0),
                ((cx + r) * sx).min(page_w as f32),
                ((cy + b) * sy).min(page_h as f32),
            );
            candidates.push((class, score, bbox));
        }
    }
    Ok(nms(candidates, params.iou_threshold)
        .into_iter()
        .map(|(class, score, bbox)| Region {
            kind: RegionKind::ALL[class],
            bbox,
            score,
        })
        .collect())
}

fn expectation(logits: &[f32]) -> f32 {
    let max = logits.iter().copied().fold(f32::MIN, f32::max);
    let exps: Vec<f32> = logits.iter().map(|v| (v - max).exp()).collect();
    let sum: f32 = exps.iter().sum();
    exps.iter()
        .enumerate()
        .map(|(i, e)| i as f32 * e)
        .sum::<f32>()
        / sum
}

/// Greedy non-maximum suppression within each class, best score first.
pub fn nms(mut candidates: Vec<(usize, f32, BBox)>, iou_threshold: f32) -> Vec<(usize, f32, BBox)> {
    candidates.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut kept: Vec<(usize, f32, BBox)> = Vec::new();
    for c in candidates {
        if kept
            .iter()
            .all(|k| k.0 != c.0 || k.2.iou(&c.2) <= iou_threshold)
        {
            kept.push(c);
        }
    }
    kept
}

/// Runs the layout model on a page.
pub fn analyse(
    backend: &dyn Backend,
    image: &RgbImage,
    params: &LayoutParams,
) -> Result<Vec<Region>, LayoutError> {
    let outputs = backend.run(Net::Layout, preprocess(image))?;
    postprocess(&outputs, image.width(), image.height(), params)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fake heads: all scores low except one cell of the stride-32 level, whose box
    /// distribution puts all mass on bin 2 for every side (a 64 x 64 box around the centre).
    fn heads(class: usize, cell: usize) -> Vec<Tensor> {
        let cells = [7600, 1900, 475, 130];
        let mut out = Vec::new();
        for (level, &n) in cells.iter().enumerate() {
            let mut s = vec![0.01f32; n * 10];
            if level == 2 {
                s[cell * 10 + class] = 0.9;
            }
            out.push(Tensor::new(vec![1, n, 10], s));
        }
        for &n in &cells {
            let mut d = vec![0f32; n * 32];
            for k in 0..(n * 4) {
                d[k * 8 + 2] = 20.0;
            }
            out.push(Tensor::new(vec![1, n, 32], d));
        }
        out
    }

    #[test]
    fn decodes_one_table_region_scaled_to_the_page() {
        // Cell 20 of the 19-wide stride-32 grid: column 1, row 1 -> centre (48, 48).
        let regions = postprocess(&heads(4, 20), 1216, 1600, &LayoutParams::default()).unwrap();
        assert_eq!(regions.len(), 1);
        let r = &regions[0];
        assert_eq!(r.kind, RegionKind::Table);
        // Distances 2 bins x 32 = 64 input px per side; page is 2x the input in both axes.
        assert!(
            (r.bbox.x0 - 0.0).abs() < 0.5 && (r.bbox.x1 - 224.0).abs() < 0.5,
            "{:?}",
            r.bbox
        );
        assert!(
            (r.bbox.y0 - 0.0).abs() < 0.5 && (r.bbox.y1 - 224.0).abs() < 0.5,
            "{:?}",
            r.bbox
        );
    }

    #[test]
    fn nms_keeps_the_best_of_overlapping_boxes_per_class() {
        let a = BBox::new(0.0, 0.0, 100.0, 100.0);
        let b = BBox::new(5.0, 5.0, 100.0, 100.0);
        let kept = nms(vec![(0, 0.6, a), (0, 0.9, b), (1, 0.5, a)], 0.5);
        assert_eq!(kept.len(), 2);
        assert_eq!((kept[0].0, kept[0].1), (0, 0.9));
        assert_eq!(kept[1].0, 1);
    }
}
