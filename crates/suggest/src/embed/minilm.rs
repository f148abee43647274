//! The MiniLM encoder (a six-layer BERT) evaluated on packed sequences.
//!
//! A batch of descriptions is laid end to end as one `[tokens, hidden]` matrix, so the linear
//! layers, which are nearly all of the work, multiply real tokens only: padding a batch of
//! ledger memos to its longest one wasted about half of it. Only attention needs to know where
//! one text ends and the next begins. Weights are stored transposed (`[in, out]`, row-major),
//! the layout gemm multiplies fastest when there are few rows, and query, key and value are one
//! product. On the CPU, attention and GELU run as plain loops over the packed rows; on other
//! devices the same steps run as tensor operations over a padded view.

use candle_core::{D, Device, Module, Result, Tensor};
use candle_nn::{LayerNorm, VarBuilder};
use serde::Deserialize;

/// The fields of a BERT `config.json` the encoder uses.
#[derive(Debug, Clone, Deserialize)]
pub struct Config {
    pub vocab_size: usize,
    pub hidden_size: usize,
    pub num_hidden_layers: usize,
    pub num_attention_heads: usize,
    pub intermediate_size: usize,
    pub hidden_act: String,
    pub max_position_embeddings: usize,
    pub layer_norm_eps: f64,
}

/// Token ids of several texts laid end to end, with each text's length.
#[derive(Debug, Default, Clone)]
pub struct Packed {
    pub ids: Vec<u32>,
    pub lengths: Vec<usize>,
}

impl Packed {
    /// Appends one text's token ids.
    pub fn push(&mut self, ids: &[u32]) {
        self.ids.extend_from_slice(ids);
        self.lengths.push(ids.len());
    }

    fn positions(&self) -> Vec<u32> {
        self.lengths.iter().flat_map(|&n| 0..n as u32).collect()
    }
}

/// `x · Wᵀ + b` with `Wᵀ` kept contiguous; several PyTorch linears side by side become one.
struct Linear {
    weight_t: Tensor,
    bias: Tensor,
}

impl Linear {
    fn load(vb: &VarBuilder, names: &[&str], inputs: usize, outputs: usize) -> Result<Linear> {
        let mut weights = Vec::with_capacity(names.len());
        let mut biases = Vec::with_capacity(names.len());
        for name in names {
            weights.push(vb.get((outputs, inputs), &format!("{name}.weight"))?);
            biases.push(vb.get(outputs, &format!("{name}.bias"))?);
        }
        Ok(Linear {
            weight_t: Tensor::cat(&weights, 0)?.t()?.contiguous()?,
            bias: Tensor::cat(&biases, 0)?,
        })
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        x.matmul(&self.weight_t)?.broadcast_add(&self.bias)
    }
}

struct Layer {
    qkv: Linear,
    attention_out: Linear,
    attention_norm: LayerNorm,
    intermediate: Linear,
    output: Linear,
    output_norm: LayerNorm,
}

/// The encoder with its embedding tables.
pub struct MiniLm {
    words: Tensor,
    positions: Tensor,
    token_type: Tensor,
    embedding_norm: LayerNorm,
    layers: Vec<Layer>,
    heads: usize,
    hidden: usize,
    max_positions: usize,
}

impl MiniLm {
    /// Builds the encoder from BERT weights, with or without the `bert.` prefix.
    pub fn load(vb: VarBuilder, config: &Config) -> Result<MiniLm> {
        if config.hidden_act != "gelu" {
            candle_core::bail!(
                "hidden_act {:?} is not supported; the embedder implements BERT's exact GELU only",
                config.hidden_act
            );
        }
        if config.num_attention_heads == 0
            || !config
                .hidden_size
                .is_multiple_of(config.num_attention_heads)
        {
            candle_core::bail!(
                "hidden size {} does not split into {} attention heads",
                config.hidden_size,
                config.num_attention_heads
            );
        }
        let vb = if vb.contains_tensor("embeddings.word_embeddings.weight") {
            vb
        } else {
            vb.pp("bert")
        };
        let h = config.hidden_size;
        let eps = config.layer_norm_eps;
        let e = vb.pp("embeddings");
        let words = e.get((config.vocab_size, h), "word_embeddings.weight")?;
        let positions = e.get(
            (config.max_position_embeddings, h),
            "position_embeddings.weight",
        )?;
        // Every description is a single segment, so only the first token-type row is used.
        let token_type = e
            .get((2, h), "token_type_embeddings.weight")?
            .narrow(0, 0, 1)?;
        let embedding_norm = candle_nn::layer_norm(h, eps, e.pp("LayerNorm"))?;
        let mut layers = Vec::with_capacity(config.num_hidden_layers);
        for i in 0..config.num_hidden_layers {
            let l = vb.pp(format!("encoder.layer.{i}"));
            let a = l.pp("attention");
            layers.push(Layer {
                qkv: Linear::load(&a.pp("self"), &["query", "key", "value"], h, h)?,
                attention_out: Linear::load(&a.pp("output"), &["dense"], h, h)?,
                attention_norm: candle_nn::layer_norm(h, eps, a.pp("output.LayerNorm"))?,
                intermediate: Linear::load(
                    &l.pp("intermediate"),
                    &["dense"],
                    h,
                    config.intermediate_size,
                )?,
                output: Linear::load(&l.pp("output"), &["dense"], config.intermediate_size, h)?,
                output_norm: candle_nn::layer_norm(h, eps, l.pp("output.LayerNorm"))?,
            });
        }
        Ok(MiniLm {
            words,
            positions,
            token_type,
            embedding_norm,
            layers,
            heads: config.num_attention_heads,
            hidden: h,
            max_positions: config.max_position_embeddings,
        })
    }

    /// One L2-normalised mean-pooled vector per text: `[texts, hidden]`.
    pub fn embed(&self, batch: &Packed) -> Result<Tensor> {
        let device = self.words.device();
        if batch.lengths.contains(&0) {
            candle_core::bail!("a text with no tokens cannot be embedded");
        }
        if let Some(&n) = batch.lengths.iter().find(|&&n| n > self.max_positions) {
            candle_core::bail!(
                "a text of {n} tokens is longer than the model's {}",
                self.max_positions
            );
        }
        let tokens = batch.ids.len();
        let ids = Tensor::from_vec(batch.ids.clone(), tokens, device)?;
        let positions = Tensor::from_vec(batch.positions(), tokens, device)?;
        let x = (self.words.index_select(&ids, 0)?
            + self.positions.index_select(&positions, 0)?)?
        .broadcast_add(&self.token_type)?;
        let mut x = self.embedding_norm.forward(&x)?;
        for layer in &self.layers {
            let qkv = layer.qkv.forward(&x)?;
            let context = self.attention(&qkv, &batch.lengths)?;
            let a = layer
                .attention_norm
                .forward(&(layer.attention_out.forward(&context)? + &x)?)?;
            let h = gelu(&layer.intermediate.forward(&a)?)?;
            x = layer
                .output_norm
                .forward(&(layer.output.forward(&h)? + &a)?)?;
        }
        let mean = mean_matrix(&batch.lengths, device)?.matmul(&x)?;
        let norm = mean
            .sqr()?
            .sum_keepdim(D::Minus1)?
            .sqrt()?
            .clamp(1e-12, f64::MAX)?;
        mean.broadcast_div(&norm)
    }

    /// Self-attention of each text over its own tokens; `qkv` is `[tokens, 3 * hidden]`.
    fn attention(&self, qkv: &Tensor, lengths: &[usize]) -> Result<Tensor> {
        if qkv.device().is_cpu() {
            let rows = qkv.flatten_all()?.to_vec1::<f32>()?;
            let out = attention_rows(&rows, lengths, self.heads, self.hidden);
            Tensor::from_vec(out, (qkv.dim(0)?, self.hidden), qkv.device())
        } else {
            self.attention_padded(qkv, lengths)
        }
    }

    /// The same attention as tensor operations: the packed rows are gathered into a padded
    /// `[texts, longest, ...]` block, padding keys are masked, and the real rows gathered back.
    fn attention_padded(&self, qkv: &Tensor, lengths: &[usize]) -> Result<Tensor> {
        let device = qkv.device();
        let texts = lengths.len();
        let longest = lengths.iter().copied().max().unwrap_or(0);
        let head_dim = self.hidden / self.heads;
        let mut gather = Vec::with_capacity(texts * longest);
        let mut scatter = Vec::with_capacity(qkv.dim(0)?);
        let mut bias = Vec::with_capacity(texts * longest);
        let mut start = 0;
        for (t, &n) in lengths.iter().enumerate() {
            for p in 0..longest {
                gather.push(if p < n {
                    (start + p) as u32
                } else {
                    start as u32
                });
                bias.push(if p < n { 0f32 } else { -1e9 });
            }
            scatter.extend((0..n).map(|p| (t * longest + p) as u32));
            start += n;
        }
        let gather = Tensor::from_vec(gather, texts * longest, device)?;
        let scatter = Tensor::from_vec(scatter, start, device)?;
        let bias = Tensor::from_vec(bias, (texts, 1, 1, longest), device)?;
        let padded = qkv
            .index_select(&gather, 0)?
            .reshape((texts, longest, 3, self.heads, head_dim))?;
        let part = |i: usize| -> Result<Tensor> {
            padded
                .narrow(2, i, 1)?
                .squeeze(2)?
                .transpose(1, 2)?
                .contiguous()
        };
        let (q, k, v) = (part(0)?, part(1)?, part(2)?);
        let scores = (q.matmul(&k.t()?)? / (head_dim as f64).sqrt())?.broadcast_add(&bias)?;
        let weights = candle_nn::ops::softmax_last_dim(&scores)?;
        weights
            .matmul(&v)?
            .transpose(1, 2)?
            .reshape((texts * longest, self.hidden))?
            .index_select(&scatter, 0)
    }
}

/// `[texts, tokens]` with `1/len` over each text's own rows, so one product mean-pools them all.
fn mean_matrix(lengths: &[usize], device: &Device) -> Result<Tensor> {
    let tokens: usize = lengths.iter().sum();
    let mut m = vec![0f32; lengths.len() * tokens];
    let mut start = 0;
    for (t, &n) in lengths.iter().enumerate() {
        m[t * tokens + start..t * tokens + start + n].fill(1.0 / n as f32);
        start += n;
    }
    Tensor::from_vec(m, (lengths.len(), tokens), device)
}

/// Attention over packed rows of `[q | k | v]`, each `hidden` wide, split into `heads`.
pub(crate) fn attention_rows(
    qkv: &[f32],
    lengths: &[usize],
    heads: usize,
    hidden: usize,
) -> Vec<f32> {
    let head_dim = hidden / heads;
    let stride = 3 * hidden;
    let scale = 1.0 / (head_dim as f32).sqrt();
    let tokens: usize = lengths.iter().sum();
    let mut out = vec![0f32; tokens * hidden];
    let mut scores = Vec::new();
    let mut start = 0;
    for &n in lengths {
        scores.resize(n, 0f32);
        for h in 0..heads {
            let at = |row: usize, part: usize| {
                let from = (start + row) * stride + part * hidden + h * head_dim;
                &qkv[from..from + head_dim]
            };
            for i in 0..n {
                let q = at(i, 0);
                let mut max = f32::NEG_INFINITY;
                for (j, s) in scores.iter_mut().enumerate() {
                    *s = dot(q, at(j, 1)) * scale;
                    max = max.max(*s);
                }
                let mut sum = 0f32;
                for s in scores.iter_mut() {
                    *s = (*s - max).exp();
                    sum += *s;
                }
                let from = (start + i) * hidden + h * head_dim;
                let o = &mut out[from..from + head_dim];
                for (j, s) in scores.iter().enumerate() {
                    let p = s / sum;
                    for (o, v) in o.iter_mut().zip(at(j, 2)) {
                        *o += p * v;
                    }
                }
            }
        }
        start += n;
    }
    out
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    // Eight partial sums let the loop vectorise without reassociating a single sum.
    let mut acc = [0f32; 8];
    for (a, b) in a.chunks(8).zip(b.chunks(8)) {
        for ((s, x), y) in acc.iter_mut().zip(a).zip(b) {
            *s += x * y;
        }
    }
    acc.iter().sum()
}

/// BERT's exact GELU, `x·Φ(x)`; on the CPU with a branch-free erf the compiler vectorises,
/// where the C library's erf was an eighth of the model's time.
fn gelu(x: &Tensor) -> Result<Tensor> {
    if !x.device().is_cpu() {
        return x.gelu_erf();
    }
    let shape = x.shape().clone();
    let mut values = x.flatten_all()?.to_vec1::<f32>()?;
    for v in &mut values {
        *v = 0.5 * *v * (1.0 + erf(*v * std::f32::consts::FRAC_1_SQRT_2));
    }
    Tensor::from_vec(values, shape, x.device())
}

/// erf by Abramowitz and Stegun 7.1.26 (absolute error under 1.5e-7, below f32's resolution
/// near 1).
pub(crate) fn erf(x: f32) -> f32 {
    let a = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * a);
    let poly = t
        * (0.254_829_6
            + t * (-0.284_496_74 + t * (1.421_413_7 + t * (-1.453_152_1 + t * 1.061_405_4))));
    (1.0 - poly * exp(-a * a)).copysign(x)
}

/// e^x for x ≤ 0 down to underflow, as 2^k · e^r with a polynomial for e^r; branch-free so it
/// vectorises (relative error about 2e-7).
fn exp(x: f32) -> f32 {
    let x = x.max(-87.0);
    // Adding and removing 1.5·2^23 rounds to the nearest integer without a call to `round`.
    let k = (x * std::f32::consts::LOG2_E + 12_582_912.0) - 12_582_912.0;
    // ln 2 in two parts, the first exact in few bits, so r keeps its precision for large k.
    let r = x - k * (355.0 / 512.0) - k * -2.121_944_4e-4;
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (1.0 / 6.0
                    + r * (1.0 / 24.0
                        + r * (1.0 / 120.0 + r * (1.0 / 720.0 + r * (1.0 / 5040.0)))))));
    f32::from_bits(((k as i32 + 127) << 23) as u32) * p
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::DType;

    #[test]
    fn erf_matches_a_double_precision_reference() {
        let mut worst = 0f32;
        for i in -6000..=6000 {
            let x = i as f32 / 1000.0;
            let reference = reference_erf(x as f64) as f32;
            worst = worst.max((erf(x) - reference).abs());
        }
        assert!(worst < 6e-7, "worst absolute error {worst}");
    }

    #[test]
    fn exp_matches_the_standard_library() {
        for i in 0..=8700 {
            let x = -(i as f32) / 100.0;
            let (ours, std) = (exp(x), x.exp());
            assert!(
                (ours - std).abs() <= 4e-7 * std + f32::MIN_POSITIVE,
                "{x}: {ours} vs {std}"
            );
        }
    }

    // A double-precision erf from its Taylor series and continued fraction, as the reference.
    fn reference_erf(x: f64) -> f64 {
        let a = x.abs();
        let r = if a < 2.5 {
            let mut term = a;
            let mut sum = a;
            for n in 1..200 {
                term *= -a * a / n as f64;
                sum += term / (2 * n + 1) as f64;
            }
            2.0 / std::f64::consts::PI.sqrt() * sum
        } else {
            // erfc by Lentz's continued fraction.
            let mut f = a;
            for n in (1..60).rev() {
                f = a + (n as f64 / 2.0) / f;
            }
            1.0 - (-a * a).exp() / (std::f64::consts::PI.sqrt() * f)
        };
        r.copysign(x)
    }

    #[test]
    fn padded_attention_matches_the_packed_loop() {
        let (heads, hidden) = (2, 8);
        let lengths = [3usize, 1, 5];
        let tokens: usize = lengths.iter().sum();
        let values: Vec<f32> = (0..tokens * 3 * hidden)
            .map(|i| ((i * 37 % 101) as f32 / 50.0) - 1.0)
            .collect();
        let rows = attention_rows(&values, &lengths, heads, hidden);
        let model = MiniLm {
            words: Tensor::zeros((1, hidden), DType::F32, &Device::Cpu).unwrap(),
            positions: Tensor::zeros((1, hidden), DType::F32, &Device::Cpu).unwrap(),
            token_type: Tensor::zeros((1, hidden), DType::F32, &Device::Cpu).unwrap(),
            embedding_norm: LayerNorm::new(
                Tensor::ones(hidden, DType::F32, &Device::Cpu).unwrap(),
                Tensor::zeros(hidden, DType::F32, &Device::Cpu).unwrap(),
                1e-12,
            ),
            layers: Vec::new(),
            heads,
            hidden,
            max_positions: 8,
        };
        let qkv = Tensor::from_vec(values, (tokens, 3 * hidden), &Device::Cpu).unwrap();
        let padded = model
            .attention_padded(&qkv, &lengths)
            .unwrap()
            .flatten_all()
            .unwrap()
            .to_vec1::<f32>()
            .unwrap();
        assert_eq!(rows.len(), padded.len());
        for (a, b) in rows.iter().zip(&padded) {
            assert!((a - b).abs() < 1e-5, "{a} vs {b}");
        }
    }
}
