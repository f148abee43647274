//! Rotated rectangles: minimum-area rectangles around pixel sets, unclipping, and sampling an
//! upright crop out of a page.

use image::RgbImage;

/// A rectangle at an angle: `width` runs along `angle` (radians, within ±45°), `height` across.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RotatedRect {
    pub cx: f32,
    pub cy: f32,
    pub width: f32,
    pub height: f32,
    pub angle: f32,
}

impl RotatedRect {
    /// Unit vector along the width.
    pub fn dir(&self) -> (f32, f32) {
        (self.angle.cos(), self.angle.sin())
    }

    /// Corners clockwise from top-left (image coordinates, y down).
    pub fn corners(&self) -> [(f32, f32); 4] {
        let (dx, dy) = self.dir();
        let (px, py) = (-dy, dx);
        let (hw, hh) = (self.width / 2.0, self.height / 2.0);
        let at = |a: f32, b: f32| (self.cx + a * dx + b * px, self.cy + a * dy + b * py);
        [at(-hw, -hh), at(hw, -hh), at(hw, hh), at(-hw, hh)]
    }

    /// Grows every side by `distance`: what offsetting a rectangle's outline outwards does,
    /// minus the rounded corners that the next minimum-area rectangle cuts off anyway.
    pub fn grown(&self, distance: f32) -> RotatedRect {
        RotatedRect {
            width: self.width + 2.0 * distance,
            height: self.height + 2.0 * distance,
            ..*self
        }
    }

    /// Scales coordinates independently in x and y (from detector input to page pixels).
    /// Angles are within ±45° and the scales nearly equal, so the result stays a rectangle.
    pub fn scaled(&self, sx: f32, sy: f32) -> RotatedRect {
        let (dx, dy) = self.dir();
        let w = self.width * ((dx * sx).powi(2) + (dy * sy).powi(2)).sqrt();
        let h = self.height * ((dy * sx).powi(2) + (dx * sy).powi(2)).sqrt();
        RotatedRect {
            cx: self.cx * sx,
            cy: self.cy * sy,
            width: w,
            height: h,
            angle: (dy * sy).atan2(dx * sx),
        }
    }

    /// The axis-aligned box around the rectangle.
    pub fn bounds(&self) -> (f32, f32, f32, f32) {
        let c = self.corners();
        let xs = c.iter().map(|p| p.0);
        let ys = c.iter().map(|p| p.1);
        (
            xs.clone().fold(f32::MAX, f32::min),
            ys.clone().fold(f32::MAX, f32::min),
            xs.fold(f32::MIN, f32::max),
            ys.fold(f32::MIN, f32::max),
        )
    }
}

/// Convex hull (Andrew's monotone chain), counter-clockwise, without collinear points.
pub fn convex_hull(mut points: Vec<(f32, f32)>) -> Vec<(f32, f32)> {
    points.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    points.dedup();
    if points.len() < 3 {
        return points;
    }
    let cross = |o: (f32, f32), a: (f32, f32), b: (f32, f32)| {
        (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0)
    };
    let mut lower: Vec<(f32, f32)> = Vec::new();
    for &p in &points {
        while lower.len() >= 2 && cross(lower[lower.len() - 2], lower[lower.len() - 1], p) <= 0.0 {
            lower.pop();
        }
        lower.push(p);
    }
    let mut upper: Vec<(f32, f32)> = Vec::new();
    for &p in points.iter().rev() {
        while upper.len() >= 2 && cross(upper[upper.len() - 2], upper[upper.len() - 1], p) <= 0.0 {
            upper.pop();
        }
        upper.push(p);
    }
    lower.pop();
    upper.pop();
    lower.extend(upper);
    lower
}

/// The minimum-area rectangle around a convex hull: one of its sides lies on a hull edge, so
/// trying each edge's direction finds it.
pub fn min_area_rect(hull: &[(f32, f32)]) -> Option<RotatedRect> {
    if hull.len() < 2 {
        return None;
    }
    let mut best: Option<(f32, RotatedRect)> = None;
    for i in 0..hull.len() {
        let (a, b) = (hull[i], hull[(i + 1) % hull.len()]);
        let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        if len < 1e-6 {
            continue;
        }
        let (ux, uy) = ((b.0 - a.0) / len, (b.1 - a.1) / len);
        let (mut min_u, mut max_u, mut min_v, mut max_v) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
        for p in hull {
            let u = p.0 * ux + p.1 * uy;
            let v = -p.0 * uy + p.1 * ux;
            min_u = min_u.min(u);
            max_u = max_u.max(u);
            min_v = min_v.min(v);
            max_v = max_v.max(v);
        }
        let area = (max_u - min_u) * (max_v - min_v);
        if best.as_ref().is_none_or(|(a, _)| area < *a) {
            let (cu, cv) = ((min_u + max_u) / 2.0, (min_v + max_v) / 2.0);
            let rect = RotatedRect {
                cx: cu * ux - cv * uy,
                cy: cu * uy + cv * ux,
                width: max_u - min_u,
                height: max_v - min_v,
                angle: uy.atan2(ux),
            };
            best = Some((area, normalise(rect)));
        }
    }
    best.map(|(_, r)| r)
}

/// Brings the angle within ±45° by swapping sides, so `width` runs along the text.
fn normalise(mut r: RotatedRect) -> RotatedRect {
    use std::f32::consts::{FRAC_PI_2, FRAC_PI_4, PI};
    while r.angle > FRAC_PI_4 {
        r.angle -= FRAC_PI_2;
        std::mem::swap(&mut r.width, &mut r.height);
    }
    while r.angle <= -FRAC_PI_4 {
        r.angle += FRAC_PI_2;
        std::mem::swap(&mut r.width, &mut r.height);
    }
    if r.angle.abs() > PI {
        r.angle = 0.0;
    }
    r
}

/// Samples the rectangle upright into `out_w` x `out_h` pixels (bilinear), optionally turned
/// 180 degrees, writing normalised CHW values `(v / 255 - 0.5) / 0.5` into `dst` at row stride
/// `stride` (the batch's padded width). One pass: no intermediate crop is allocated.
#[allow(clippy::too_many_arguments)]
pub fn sample_normalised(
    image: &RgbImage,
    rect: &RotatedRect,
    out_w: usize,
    out_h: usize,
    turned: bool,
    dst: &mut [f32],
    stride: usize,
) {
    let (dx, dy) = rect.dir();
    let (px, py) = (-dy, dx);
    let sx = rect.width / out_w as f32;
    let sy = rect.height / out_h as f32;
    let plane = out_h * stride;
    let (w, h) = (image.width() as i64, image.height() as i64);
    let raw = image.as_raw();
    for v in 0..out_h {
        for u in 0..out_w {
            let (uu, vv) = if turned {
                (out_w - 1 - u, out_h - 1 - v)
            } else {
                (u, v)
            };
            let a = (uu as f32 + 0.5) * sx - rect.width / 2.0;
            let b = (vv as f32 + 0.5) * sy - rect.height / 2.0;
            let x = rect.cx + a * dx + b * px - 0.5;
            let y = rect.cy + a * dy + b * py - 0.5;
            let (x0, y0) = (x.floor(), y.floor());
            let (fx, fy) = (x - x0, y - y0);
            let (x0, y0) = (x0 as i64, y0 as i64);
            for c in 0..3 {
                let px = |xx: i64, yy: i64| -> f32 {
                    if xx < 0 || yy < 0 || xx >= w || yy >= h {
                        255.0
                    } else {
                        f32::from(raw[((yy * w + xx) * 3) as usize + c])
                    }
                };
                let top = px(x0, y0) * (1.0 - fx) + px(x0 + 1, y0) * fx;
                let bottom = px(x0, y0 + 1) * (1.0 - fx) + px(x0 + 1, y0 + 1) * fx;
                let value = top * (1.0 - fy) + bottom * fy;
                dst[c * plane + v * stride + u] = value / 127.5 - 1.0;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_area_rect_recovers_a_tilted_rectangle() {
        let truth = RotatedRect {
            cx: 50.0,
            cy: 40.0,
            width: 60.0,
            height: 12.0,
            angle: 0.05,
        };
        let hull = convex_hull(truth.corners().to_vec());
        let found = min_area_rect(&hull).unwrap();
        assert!(
            (found.width - 60.0).abs() < 0.01 && (found.height - 12.0).abs() < 0.01,
            "{found:?}"
        );
        assert!(
            (found.angle - 0.05).abs() < 1e-3 && (found.cx - 50.0).abs() < 0.01,
            "{found:?}"
        );
    }

    #[test]
    fn a_tall_rectangle_keeps_width_along_its_own_axis() {
        let upright = RotatedRect {
            cx: 10.0,
            cy: 10.0,
            width: 4.0,
            height: 30.0,
            angle: 0.0,
        };
        let found = min_area_rect(&convex_hull(upright.corners().to_vec())).unwrap();
        assert!(found.angle.abs() < 1e-3);
        assert!(
            (found.width - 4.0).abs() < 0.01 && (found.height - 30.0).abs() < 0.01,
            "{found:?}"
        );
    }
}
