//! Convolutions: the general one, depthwise as shifted taps on a device, and depthwise directly
//! on the host for CPU.

use super::*;

pub(super) fn conv(x: &CTensor, c: &Conv) -> candle_core::Result<CTensor> {
    let [top, left, bottom, right] = c.pads;
    let [sh, sw] = c.strides;
    let y = if let (Some((w, b)), Device::Cpu, DType::F32) = (&c.host, x.device(), x.dtype()) {
        // The bias is added inside the kernel.
        return depthwise_cpu(x, c, w, b);
    } else if let Some(taps) = &c.taps {
        depthwise(x, c, taps)?
    } else if top == bottom && left == right && top == left && sh == sw {
        x.conv2d(&c.weight, top, sh, 1, c.groups)?
    } else {
        let padded = x
            .pad_with_zeros(2, top, bottom)?
            .pad_with_zeros(3, left, right)?;
        if sh == sw {
            padded.conv2d(&c.weight, 0, sh, 1, c.groups)?
        } else {
            let full = padded.conv2d(&c.weight, 0, 1, 1, c.groups)?;
            subsample(&subsample(&full, 2, 0, sh)?, 3, 0, sw)?
        }
    };
    match &c.bias {
        Some(b) => y.broadcast_add(b),
        None => Ok(y),
    }
}

/// A depthwise convolution as a sum of shifted, weighted copies of the input: one pass per
/// kernel position instead of one small convolution per channel, which is how grouped
/// convolutions run otherwise.
pub(super) fn depthwise(x: &CTensor, c: &Conv, taps: &[CTensor]) -> candle_core::Result<CTensor> {
    let [top, left, bottom, right] = c.pads;
    let [sh, sw] = c.strides;
    let [kh, kw] = c.kernel;
    let x = x
        .pad_with_zeros(2, top, bottom)?
        .pad_with_zeros(3, left, right)?;
    let (_, _, hp, wp) = x.dims4()?;
    if hp < kh || wp < kw {
        candle_core::bail!("input of {hp}x{wp} is smaller than the {kh}x{kw} kernel");
    }
    let (ho, wo) = ((hp - kh) / sh + 1, (wp - kw) / sw + 1);
    // With a stride, each kernel position reads one phase of the input (rows i mod sh,
    // columns j mod sw); the phases are cut once and shared by the positions that read them.
    let mut phases: HashMap<(usize, usize), CTensor> = HashMap::new();
    let mut acc: Option<CTensor> = None;
    for i in 0..kh {
        for j in 0..kw {
            let key = (i % sh, j % sw);
            if let std::collections::hash_map::Entry::Vacant(slot) = phases.entry(key) {
                slot.insert(subsample(&subsample(&x, 2, key.0, sh)?, 3, key.1, sw)?);
            }
            let tap = phases[&key].narrow(2, i / sh, ho)?.narrow(3, j / sw, wo)?;
            let term = tap.broadcast_mul(&taps[i * kw + j])?;
            acc = Some(match acc {
                Some(a) => (a + term)?,
                None => term,
            });
        }
    }
    acc.ok_or_else(|| candle_core::Error::Msg("empty kernel".into()))
}

/// A depthwise convolution computed directly on the host: on CPU the tap-by-tap form costs two
/// broadcast passes over the whole tensor per kernel position.
pub(super) fn depthwise_cpu(
    x: &CTensor,
    c: &Conv,
    weight: &[f32],
    bias: &[f32],
) -> candle_core::Result<CTensor> {
    let (n, channels, h, w) = x.dims4()?;
    let [top, left, bottom, right] = c.pads;
    let [sh, sw] = c.strides;
    let [kh, kw] = c.kernel;
    let (hp, wp) = (h + top + bottom, w + left + right);
    if hp < kh || wp < kw {
        candle_core::bail!("input of {hp}x{wp} is smaller than the {kh}x{kw} kernel");
    }
    let (ho, wo) = ((hp - kh) / sh + 1, (wp - kw) / sw + 1);
    let input = x.flatten_all()?.to_vec1::<f32>()?;
    let mut out = vec![0f32; n * channels * ho * wo];
    let plane = |p: usize, dst: &mut [f32]| {
        let ch = p % channels;
        let src = &input[p * h * w..(p + 1) * h * w];
        let k = &weight[ch * kh * kw..(ch + 1) * kh * kw];
        dst.fill(bias.get(ch).copied().unwrap_or(0.0));
        for kx in 0..kw {
            // Output columns whose input column ox * sw + kx - left lies inside the row.
            let first = left.saturating_sub(kx).div_ceil(sw);
            let last = (w + left).saturating_sub(kx).div_ceil(sw).min(wo);
            if first >= last {
                continue;
            }
            for oy in 0..ho {
                let row = &mut dst[oy * wo..(oy + 1) * wo];
                for ky in 0..kh {
                    let iy = oy * sh + ky;
                    if iy < top || iy - top >= h {
                        continue;
                    }
                    let wv = k[ky * kw + kx];
                    let line = &src[(iy - top) * w..(iy - top + 1) * w];
                    let start = first * sw + kx - left;
                    if sw == 1 {
                        let span = last - first;
                        for (o, i) in row[first..last].iter_mut().zip(&line[start..start + span]) {
                            *o += wv * i;
                        }
                    } else {
                        for (j, o) in row[first..last].iter_mut().enumerate() {
                            *o += wv * line[start + j * sw];
                        }
                    }
                }
            }
        }
    };
    let planes = n * channels;
    let threads = candle_core::utils::get_num_threads().clamp(1, planes.max(1));
    let per = planes.div_ceil(threads);
    std::thread::scope(|scope| {
        for (t, chunk) in out.chunks_mut(per * ho * wo).enumerate() {
            let plane = &plane;
            scope.spawn(move || {
                for (i, dst) in chunk.chunks_mut(ho * wo).enumerate() {
                    plane(t * per + i, dst);
                }
            });
        }
    });
    CTensor::from_vec(out, (n, channels, ho, wo), &Device::Cpu)
}
