//! Text-line orientation: whether each line reads upright or turned 180 degrees, and from the
//! lines together, whether the whole page is upside down.

use image::RgbImage;

use super::geometry::sample_normalised;
use super::recognize::Crop;
use crate::infer::Tensor;

/// The classifier's input size.
pub const HEIGHT: usize = 80;
pub const WIDTH: usize = 160;

/// Input of one batch: each crop scaled to height 80 keeping its ratio, at most 160 wide,
/// padded with 0 (PP-OCR's classifier preprocessing).
pub fn batch_tensor(items: &[(&RgbImage, &Crop)]) -> Tensor {
    let per_image = 3 * HEIGHT * WIDTH;
    let mut data = vec![0f32; items.len() * per_image];
    for (slot, (image, crop)) in items.iter().enumerate() {
        let rect = &crop.rect;
        let ratio = rect.width / rect.height.max(1.0);
        let w = ((HEIGHT as f32 * ratio).ceil() as usize).clamp(8, WIDTH);
        // Long lines are squeezed into 160 pixels; the classifier only needs the glyph shapes.
        let dst = &mut data[slot * per_image..(slot + 1) * per_image];
        sample_normalised(image, rect, w, HEIGHT, false, dst, WIDTH);
    }
    Tensor::new(vec![items.len(), 3, HEIGHT, WIDTH], data)
}

/// Decides the page orientation from per-line probabilities of "turned" (class 180) and the
/// line widths: wide lines carry more text, hence more evidence.
pub fn page_is_turned(p_turned: &[f32], widths: &[f32]) -> bool {
    let total: f32 = widths.iter().sum();
    if total <= 0.0 {
        return false;
    }
    let vote: f32 = p_turned.iter().zip(widths).map(|(p, w)| p * w).sum();
    vote / total > 0.5
}

#[cfg(test)]
mod tests {
    #[test]
    fn wide_confident_lines_outvote_short_ones() {
        assert!(super::page_is_turned(
            &[0.95, 0.1, 0.2],
            &[600.0, 40.0, 50.0]
        ));
        assert!(!super::page_is_turned(
            &[0.95, 0.1, 0.2],
            &[60.0, 400.0, 500.0]
        ));
        assert!(!super::page_is_turned(&[], &[]));
    }
}
