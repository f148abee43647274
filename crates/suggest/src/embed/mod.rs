//! Sentence embeddings of line descriptions: all-MiniLM-L6-v2 on candle (CPU, or CUDA with the
//! `cuda` feature), tokenised, mean-pooled over the attention mask and L2-normalised, so a dot
//! product between two vectors is their cosine similarity.
//!
//! [`Embedder`] is the model itself and is used from one thread at a time; [`EmbedQueue`] gives
//! it its own OS thread and turns many small concurrent requests into few batched model calls.

mod minilm;
mod queue;

use std::path::{Path, PathBuf};

use candle_core::{DType, Device};
use candle_nn::VarBuilder;
use tokenizers::{Tokenizer, TruncationParams};

use minilm::{Config, MiniLm, Packed};
pub use queue::{EmbedQueue, QueueParams, TextEncoder};

use ledgerline_models::ModelCache;

/// The hub id the model cache lays the embedding model out under.
pub const MODEL_ID: &str = "sentence-transformers/all-MiniLM-L6-v2";
/// Width of every vector [`Embedder`] returns.
pub const DIMENSIONS: usize = 384;

/// Why text could not be embedded.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error(
        "the embedding model file {0} is missing from the model cache; run `ledgerline models fetch`"
    )]
    MissingFile(String),
    #[error(
        "cannot load the embedding model from {path}: {message}; run `ledgerline models fetch` to repair the cache"
    )]
    Load { path: PathBuf, message: String },
    #[error("the embedding model failed: {0}; report this with the input that caused it")]
    Model(String),
    #[error("the embedding queue is full; retry later or lower the request rate")]
    Overloaded,
    #[error("the embedding thread has stopped; restart the service")]
    Stopped,
}

fn model_err(e: impl std::fmt::Display) -> EmbedError {
    EmbedError::Model(e.to_string())
}

/// Which device the model runs on.
pub fn device() -> Device {
    #[cfg(feature = "cuda")]
    if let Ok(device) = Device::new_cuda(0) {
        return device;
    }
    Device::Cpu
}

/// MiniLM with its tokenizer.
pub struct Embedder {
    model: MiniLm,
    tokenizer: Tokenizer,
    device: Device,
}

impl Embedder {
    /// "cpu" or "cuda", for reports.
    pub fn device_name(&self) -> String {
        if self.device.is_cuda() {
            "cuda".into()
        } else {
            "cpu".into()
        }
    }

    /// Loads the model from the verified cache, resolved offline through its hub layout.
    pub fn from_cache(cache: &ModelCache) -> Result<Embedder, EmbedError> {
        let repo = cache.hf_cache().model(MODEL_ID.to_string());
        let file = |name: &str| {
            repo.get(name)
                .ok_or_else(|| EmbedError::MissingFile(name.to_string()))
        };
        Embedder::load(
            &file("model.safetensors")?,
            &file("tokenizer.json")?,
            &file("config.json")?,
        )
    }

    /// Loads the model from plain paths.
    pub fn load(weights: &Path, tokenizer: &Path, config: &Path) -> Result<Embedder, EmbedError> {
        let load = |path: &Path| {
            let path = path.to_path_buf();
            move |e: &dyn std::fmt::Display| EmbedError::Load {
                path,
                message: e.to_string(),
            }
        };
        let config_text = std::fs::read_to_string(config).map_err(|e| load(config)(&e))?;
        let config: Config = serde_json::from_str(&config_text).map_err(|e| load(config)(&e))?;
        let mut tokenizer = Tokenizer::from_file(tokenizer).map_err(|e| load(tokenizer)(&e))?;
        // `embed` packs texts end to end; padding would only be wasted work.
        tokenizer.with_padding(None);
        // Descriptions are short; 128 tokens keeps a pathological input from costing a second.
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: 128,
                ..TruncationParams::default()
            }))
            .map_err(|e| EmbedError::Load {
                path: PathBuf::from("tokenizer.json"),
                message: e.to_string(),
            })?;
        let device = device();
        // SAFETY: the weights file is memory-mapped read-only from the verified cache, which
        // nothing rewrites while the process runs (fetch replaces files by rename).
        let vb = unsafe {
            VarBuilder::from_mmaped_safetensors(&[weights], DType::F32, &device)
                .map_err(|e| load(weights)(&e))?
        };
        let model = MiniLm::load(vb, &config).map_err(|e| load(weights)(&e))?;
        Ok(Embedder {
            model,
            tokenizer,
            device,
        })
    }

    /// One unit vector per text, in order.
    ///
    /// Texts are packed end to end (see the `minilm` module) in runs of at most [`MAX_TOKENS`] tokens:
    /// enough rows for the matrix products to run near the CPU's peak, few enough that a run's
    /// activations stay in the core's L2 cache (runs of 4,096 tokens were 10% slower).
    pub fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let inputs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let encodings = self
            .tokenizer
            .encode_batch(inputs, true)
            .map_err(model_err)?;
        let mut out = Vec::with_capacity(encodings.len());
        let mut run = Packed::default();
        for (i, encoding) in encodings.iter().enumerate() {
            run.push(encoding.get_ids());
            let full = encodings
                .get(i + 1)
                .is_none_or(|next| run.ids.len() + next.get_ids().len() > MAX_TOKENS);
            if full {
                let vectors = self.model.embed(&run).map_err(model_err)?;
                out.extend(
                    vectors
                        .to_device(&Device::Cpu)
                        .and_then(|v| v.to_vec2::<f32>())
                        .map_err(model_err)?,
                );
                run = Packed::default();
            }
        }
        Ok(out)
    }
}

/// Tokens in one model call; see [`Embedder::embed`].
const MAX_TOKENS: usize = 512;
