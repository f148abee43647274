//! The inference seam. Stages hand plain NCHW tensors to a [`Backend`] and get plain tensors
//! back, so no stage knows whether ONNX Runtime or candle, CPU or CUDA, runs its network.
//! [`OrtBackend`] runs the ONNX files on ONNX Runtime (CPU); [`CandleBackend`] evaluates the
//! same files on candle, on CPU or CUDA, which is the GPU path.

mod candle;
pub mod onnx;
mod ort_backend;

use std::sync::Arc;

pub use candle::{CandleBackend, CandleOptions, DeviceKind, Precision};
pub use ort_backend::{OrtBackend, OrtOptions};

use crate::runtime::NativeRuntime;
use ledgerline_models::ModelCache;

/// Which backend runs the networks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BackendChoice {
    /// ONNX Runtime on CPU: the default, and the reference the candle backend is tested against.
    #[default]
    Ort,
    Candle(CandleOptions),
}

impl BackendChoice {
    /// From the command line's `--backend ort|candle`, `--device` and `--precision`.
    pub fn from_flags(backend: &str, device: &str, precision: &str) -> Result<Self, String> {
        let device: DeviceKind = device.parse()?;
        let precision: Precision = precision.parse()?;
        match backend {
            "ort" if device == DeviceKind::Cpu && precision == Precision::F32 => {
                Ok(BackendChoice::Ort)
            }
            "ort" => Err(
                "the ONNX Runtime backend runs on CPU in f32; use --backend candle for CUDA or f16"
                    .into(),
            ),
            "candle" => Ok(BackendChoice::Candle(CandleOptions { device, precision })),
            other => Err(format!("unknown backend {other:?}: use ort or candle")),
        }
    }
}

/// Loads `nets` on the chosen backend.
pub fn load(
    choice: BackendChoice,
    runtime: &NativeRuntime,
    cache: &ModelCache,
    nets: &[Net],
    ort: &OrtOptions,
) -> Result<Arc<dyn Backend>, BackendError> {
    Ok(match choice {
        BackendChoice::Ort => Arc::new(OrtBackend::load(runtime, cache, nets, ort)?),
        BackendChoice::Candle(options) => Arc::new(CandleBackend::load(cache, nets, &options)?),
    })
}

/// The networks ledgerline runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Net {
    /// PP-OCRv5 text detection (DBNet): image -> text probability map.
    Detect,
    /// PP-OCRv5 text-line orientation: line crops -> [0, 180] probabilities.
    Orient,
    /// PP-OCRv6 small recognition: line crops -> per-timestep class probabilities (CTC).
    Recognize,
    /// PP-OCRv5 recognition, the same way (`--recognizer ppocrv5`).
    RecognizeV5,
    /// PicoDet layout on CDLA: page -> class scores and box distributions per stride.
    Layout,
}

impl Net {
    /// The model-cache id of the network's weights.
    pub fn model_id(self) -> &'static str {
        match self {
            Net::Detect => "ocr.det",
            Net::Orient => "ocr.cls",
            Net::Recognize => "ocr.rec",
            Net::RecognizeV5 => "ocr.rec.v5",
            Net::Layout => "layout.cdla",
        }
    }
}

/// A dense f32 tensor in row-major order.
#[derive(Debug, Clone, PartialEq)]
pub struct Tensor {
    pub shape: Vec<usize>,
    pub data: Vec<f32>,
}

impl Tensor {
    pub fn new(shape: Vec<usize>, data: Vec<f32>) -> Self {
        debug_assert_eq!(shape.iter().product::<usize>(), data.len());
        Tensor { shape, data }
    }
}

/// Why inference failed.
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    #[error(
        "cannot load the {net:?} network from {path}: {message}; run `ledgerline models fetch` if the file is damaged"
    )]
    Load {
        net: Net,
        path: String,
        message: String,
    },
    #[error("the {net:?} network failed on an input of shape {shape:?}: {message}")]
    Run {
        net: Net,
        shape: Vec<usize>,
        message: String,
    },
}

/// The best class at every position of a classifier's output `[.., classes]`.
#[derive(Debug, Clone, PartialEq)]
pub struct BestClass {
    /// The output's shape without its last (class) dimension.
    pub shape: Vec<usize>,
    pub index: Vec<u32>,
    pub probability: Vec<f32>,
}

impl BestClass {
    /// Reduces an output on the host.
    pub fn of(output: &Tensor) -> BestClass {
        let classes = output.shape.last().copied().unwrap_or(1).max(1);
        let (index, probability) = output
            .data
            .chunks(classes)
            .map(|row| {
                row.iter()
                    .enumerate()
                    .fold((0u32, f32::MIN), |best, (i, &v)| {
                        if v > best.1 { (i as u32, v) } else { best }
                    })
            })
            .unzip();
        BestClass {
            shape: output.shape[..output.shape.len().saturating_sub(1)].to_vec(),
            index,
            probability,
        }
    }
}

impl BackendError {
    /// A failed run of `net` on an input of `shape`.
    pub(crate) fn run(net: Net, shape: &[usize], message: impl std::fmt::Display) -> Self {
        BackendError::Run {
            net,
            shape: shape.to_vec(),
            message: message.to_string(),
        }
    }
}

/// The slot a backend loaded for `net`, or the error a run on `shape` gets when it has none.
pub(crate) fn loaded<'a, T>(
    slots: &'a [(Net, T)],
    net: Net,
    shape: &[usize],
) -> Result<&'a T, BackendError> {
    slots
        .iter()
        .find(|(n, _)| *n == net)
        .map(|(_, slot)| slot)
        .ok_or_else(|| BackendError::run(net, shape, "network not loaded in this backend"))
}

/// Where `net`'s model file lies in the verified cache.
pub(crate) fn model_path(cache: &ModelCache, net: Net) -> Result<std::path::PathBuf, BackendError> {
    cache.path(net.model_id()).map_err(|e| BackendError::Load {
        net,
        path: net.model_id().to_string(),
        message: e.to_string(),
    })
}

/// Records one network call's duration, the same metric whatever the backend.
pub(crate) fn record_inference(net: Net, started: std::time::Instant) {
    metrics::histogram!("ledgerline_inference_seconds", "net" => format!("{net:?}"))
        .record(started.elapsed().as_secs_f64());
}

/// Runs networks. Implementations are shared across threads; each decides how to serialise
/// access to its sessions.
pub trait Backend: Send + Sync {
    /// "onnxruntime 1.32.0 cpu, 2 threads", for logs and the audit trail.
    fn describe(&self) -> String;
    /// Runs `net` on one input and returns its outputs in the model's output order.
    fn run(&self, net: Net, input: Tensor) -> Result<Vec<Tensor>, BackendError>;
    /// Runs `net` and keeps only the best class at each position of its first output. The
    /// recogniser's output has 18,385 classes per timestep: a GPU backend reduces it where it
    /// was computed instead of copying hundreds of megabytes per batch back to the host.
    fn run_best_class(&self, net: Net, input: Tensor) -> Result<BestClass, BackendError> {
        let shape = input.shape.clone();
        let outputs = self.run(net, input)?;
        let first = outputs
            .first()
            .ok_or_else(|| BackendError::run(net, &shape, "the network returned no output"))?;
        Ok(BestClass::of(first))
    }
}
