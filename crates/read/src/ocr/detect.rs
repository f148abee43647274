//! Text detection: the page resized for DBNet, and DB post-processing of its probability map
//! into text-line rectangles (threshold, connected regions, box score, minimum-area rectangle,
//! unclip).

use image::RgbImage;

use super::geometry::{RotatedRect, convex_hull, min_area_rect};
use crate::infer::Tensor;

/// Detection parameters.
#[derive(Debug, Clone)]
pub struct DetectParams {
    /// Longest side of the detector input. At 1536, 8-point text on a letter page is about
    /// 15 px high whatever the scan resolution. At 1024 the detector is three times cheaper but
    /// merges and clips small text: character error on the fixtures doubles (0.7% -> 1.6%).
    pub max_side: u32,
    /// Pixels above this probability are text (PaddleOCR's 0.3).
    pub threshold: f32,
    /// Regions whose mean probability is below this are noise. The mean is taken over the
    /// region's own pixels, which runs a little higher than PaddleOCR's box mean, hence 0.6.
    pub box_threshold: f32,
    /// How far to grow a shrunk text kernel back to the line's full extent: offset =
    /// area * ratio / perimeter, as DB was trained (PaddleOCR uses 1.5).
    pub unclip_ratio: f32,
    /// Regions thinner than this (detector pixels) are dropped.
    pub min_size: f32,
    /// An upper bound on regions per page, against pages of pure noise.
    pub max_candidates: usize,
}

impl Default for DetectParams {
    fn default() -> Self {
        DetectParams {
            max_side: 1536,
            threshold: 0.3,
            box_threshold: 0.6,
            unclip_ratio: 1.5,
            min_size: 3.0,
            max_candidates: 3000,
        }
    }
}

/// A detected text line in page pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct TextBox {
    pub rect: RotatedRect,
    pub score: f32,
}

/// Resizes the page so its longest side is at most `max_side`, both sides multiples of 32,
/// and normalises it the way PP-OCR's detector was trained (ImageNet mean and deviation, BGR
/// channel order). Returns the tensor and the x and y scale from input back to page pixels.
pub fn preprocess(image: &RgbImage, max_side: u32) -> (Tensor, f32, f32) {
    let (w, h) = (image.width(), image.height());
    let ratio = (max_side as f32 / w.max(h) as f32).min(1.0);
    let round32 = |v: f32| ((v / 32.0).round() as u32).max(1) * 32;
    let (nw, nh) = (round32(w as f32 * ratio), round32(h as f32 * ratio));
    let resized = image::imageops::resize(image, nw, nh, image::imageops::FilterType::Triangle);
    let mean = [0.406f32, 0.456, 0.485];
    let std = [0.225f32, 0.224, 0.229];
    let plane = (nw * nh) as usize;
    let mut data = vec![0f32; 3 * plane];
    for (i, pixel) in resized.pixels().enumerate() {
        // BGR: channel 0 of the tensor is blue.
        for (c, &value) in [pixel[2], pixel[1], pixel[0]].iter().enumerate() {
            data[c * plane + i] = (f32::from(value) / 255.0 - mean[c]) / std[c];
        }
    }
    let tensor = Tensor::new(vec![1, 3, nh as usize, nw as usize], data);
    (tensor, w as f32 / nw as f32, h as f32 / nh as f32)
}

/// Turns the detector's probability map (shape `[1, 1, H, W]`) into text boxes in page pixels.
pub fn postprocess(
    prob: &Tensor,
    scale_x: f32,
    scale_y: f32,
    params: &DetectParams,
) -> Vec<TextBox> {
    let (h, w) = (
        prob.shape[prob.shape.len() - 2],
        prob.shape[prob.shape.len() - 1],
    );
    let map = &prob.data[..h * w];
    let mut label = vec![0u32; h * w];
    let mut boxes = Vec::new();
    let mut stack = Vec::new();
    let mut regions = 0usize;
    for start in 0..h * w {
        if label[start] != 0 || map[start] <= params.threshold {
            continue;
        }
        regions += 1;
        if regions > params.max_candidates {
            break;
        }
        // Flood fill (8-connected), keeping each row's leftmost and rightmost pixel: the hull
        // of those corners is the hull of the whole region, at a fraction of the points.
        let id = regions as u32;
        label[start] = id;
        stack.push(start);
        let mut rows: std::collections::BTreeMap<usize, (usize, usize)> = Default::default();
        let (mut sum, mut count) = (0f32, 0usize);
        while let Some(i) = stack.pop() {
            let (y, x) = (i / w, i % w);
            sum += map[i];
            count += 1;
            let e = rows.entry(y).or_insert((x, x));
            e.0 = e.0.min(x);
            e.1 = e.1.max(x);
            for dy in -1i64..=1 {
                for dx in -1i64..=1 {
                    let (ny, nx) = (y as i64 + dy, x as i64 + dx);
                    if ny < 0 || nx < 0 || ny >= h as i64 || nx >= w as i64 {
                        continue;
                    }
                    let j = ny as usize * w + nx as usize;
                    if label[j] == 0 && map[j] > params.threshold {
                        label[j] = id;
                        stack.push(j);
                    }
                }
            }
        }
        if count < 4 {
            continue;
        }
        let score = sum / count as f32;
        if score < params.box_threshold {
            continue;
        }
        let mut points = Vec::with_capacity(rows.len() * 4);
        for (&y, &(x0, x1)) in &rows {
            let (y, x0, x1) = (y as f32, x0 as f32, x1 as f32 + 1.0);
            points.extend([(x0, y), (x0, y + 1.0), (x1, y), (x1, y + 1.0)]);
        }
        let Some(rect) = min_area_rect(&convex_hull(points)) else {
            continue;
        };
        if rect.width.min(rect.height) < params.min_size {
            continue;
        }
        let area = rect.width * rect.height;
        let perimeter = 2.0 * (rect.width + rect.height);
        let grown = rect.grown(area * params.unclip_ratio / perimeter);
        if grown.width.min(grown.height) < params.min_size + 2.0 {
            continue;
        }
        boxes.push(TextBox {
            rect: grown.scaled(scale_x, scale_y),
            score,
        });
    }
    boxes
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake detector output: two text kernels and a speck of noise.
    fn map_with(regions: &[(usize, usize, usize, usize, f32)], w: usize, h: usize) -> Tensor {
        let mut data = vec![0.02f32; w * h];
        for &(x0, y0, x1, y1, p) in regions {
            for y in y0..y1 {
                for x in x0..x1 {
                    data[y * w + x] = p;
                }
            }
        }
        Tensor::new(vec![1, 1, h, w], data)
    }

    #[test]
    fn kernels_become_unclipped_boxes_and_noise_is_dropped() {
        let prob = map_with(
            &[
                (10, 10, 110, 16, 0.9),
                (10, 40, 60, 46, 0.8),
                (200, 200, 202, 202, 0.9),
                (150, 80, 190, 86, 0.4),
            ],
            256,
            256,
        );
        let boxes = postprocess(&prob, 2.0, 2.0, &DetectParams::default());
        assert_eq!(boxes.len(), 2, "{boxes:?}");
        let first = boxes.iter().find(|b| b.rect.cy < 50.0).unwrap();
        // Kernel 100 x 6 -> offset 100*6*1.5/212 = 4.25 per side -> 108.5 x 14.5, then x2.
        assert!((first.rect.width - 217.0).abs() < 1.0, "{:?}", first.rect);
        assert!((first.rect.height - 29.0).abs() < 1.0, "{:?}", first.rect);
        assert!((first.rect.cx - 120.0).abs() < 0.5 && (first.rect.cy - 26.0).abs() < 0.5);
        assert!(first.rect.angle.abs() < 1e-3);
        assert!((first.score - 0.9).abs() < 1e-4);
    }

    #[test]
    fn preprocess_keeps_sides_multiples_of_32_and_reports_scale() {
        let image = RgbImage::from_pixel(1000, 700, image::Rgb([255, 255, 255]));
        let (tensor, sx, sy) = preprocess(&image, 640);
        assert_eq!(tensor.shape, vec![1, 3, 448, 640]);
        assert!((sx - 1000.0 / 640.0).abs() < 1e-4 && (sy - 700.0 / 448.0).abs() < 1e-4);
    }
}
