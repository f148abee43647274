//! The candle backend: runs the ONNX graphs of the OCR and layout networks on candle tensors, on
//! CPU or CUDA, in f32 or f16. Graphs are read by `onnx`, prepared once per network (weights
//! moved to the device, batch normalisation folded to a scale and shift, depthwise kernels split
//! into taps), then evaluated node by node, dropping each intermediate after its last use.
//!
//! Only the operators these networks use are implemented (`prepare` lists them); any other
//! operator is refused when the network loads, never halfway through a page.
//!
//! `program` holds the prepared graph and its evaluation, `prepare` turns ONNX nodes into
//! operators, `folding` rewrites the graph once at load, `conv` and `shape` are the operator
//! families with more than a line of code.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor as CTensor};

use super::onnx::{Graph, HostTensor, Node};
use super::{Backend, BackendError, BestClass, Net, Tensor};
use ledgerline_models::ModelCache;

/// Where candle runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeviceKind {
    #[default]
    Cpu,
    /// The CUDA device with this ordinal; needs a binary built with `--features cuda`.
    Cuda(usize),
}

impl std::str::FromStr for DeviceKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "cpu" => Ok(DeviceKind::Cpu),
            "cuda" => Ok(DeviceKind::Cuda(0)),
            _ => s
                .strip_prefix("cuda:")
                .and_then(|n| n.parse().ok())
                .map(DeviceKind::Cuda)
                .ok_or_else(|| format!("unknown device {s:?}: use cpu, cuda or cuda:N")),
        }
    }
}

/// The element type networks compute in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precision {
    #[default]
    F32,
    /// Half precision: for CUDA, where it doubles throughput; on CPU it is slower than f32.
    F16,
}

impl std::str::FromStr for Precision {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "f32" => Ok(Precision::F32),
            "f16" => Ok(Precision::F16),
            _ => Err(format!("unknown precision {s:?}: use f32 or f16")),
        }
    }
}

/// candle settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CandleOptions {
    pub device: DeviceKind,
    pub precision: Precision,
}

/// Prepared graphs, one per network, on one device. Evaluation keeps no state between calls,
/// so calls run side by side without a lock.
pub struct CandleBackend {
    programs: Vec<(Net, Program)>,
    device: Device,
    dtype: DType,
    description: String,
}

impl CandleBackend {
    /// Loads the given networks from the model cache.
    pub fn load(
        cache: &ModelCache,
        nets: &[Net],
        options: &CandleOptions,
    ) -> Result<Self, BackendError> {
        let mut files = Vec::new();
        for &net in nets {
            let path = super::model_path(cache, net)?;
            files.push((net, path));
        }
        Self::from_files(&files, options)
    }

    /// Loads networks from ONNX files.
    pub fn from_files(
        files: &[(Net, PathBuf)],
        options: &CandleOptions,
    ) -> Result<Self, BackendError> {
        let device = match options.device {
            DeviceKind::Cpu => Device::Cpu,
            DeviceKind::Cuda(ordinal) => {
                Device::new_cuda(ordinal).map_err(|e| BackendError::Load {
                    net: files.first().map_or(Net::Detect, |f| f.0),
                    path: format!("cuda:{ordinal}"),
                    message: format!(
                        "{e}; CUDA needs a binary built with `--features cuda` (scripts/build-cuda.sh) and a visible GPU"
                    ),
                })?
            }
        };
        let dtype = match options.precision {
            Precision::F32 => DType::F32,
            Precision::F16 => DType::F16,
        };
        let mut programs = Vec::new();
        for (net, path) in files {
            let program =
                Program::prepare(path, &device, dtype).map_err(|e| BackendError::Load {
                    net: *net,
                    path: path.display().to_string(),
                    message: e.to_string(),
                })?;
            programs.push((*net, program));
        }
        let description = format!(
            "candle {} {}, {}",
            match options.device {
                DeviceKind::Cpu => "cpu".to_string(),
                DeviceKind::Cuda(n) => format!("cuda:{n}"),
            },
            match options.precision {
                Precision::F32 => "f32",
                Precision::F16 => "f16",
            },
            candle_core::utils::get_num_threads()
        ) + " threads";
        Ok(CandleBackend {
            programs,
            device,
            dtype,
            description,
        })
    }
}

impl Backend for CandleBackend {
    fn describe(&self) -> String {
        self.description.clone()
    }

    fn run(&self, net: Net, input: Tensor) -> Result<Vec<Tensor>, BackendError> {
        let shape = input.shape.clone();
        let run_error = |message: String| BackendError::run(net, &shape, message);
        let started = std::time::Instant::now();
        let outputs = self.evaluate(net, input)?;
        let mut tensors = Vec::with_capacity(outputs.len());
        for out in outputs {
            let dims = out.dims().to_vec();
            let data = out
                .to_dtype(DType::F32)
                .and_then(|t| t.flatten_all())
                .and_then(|t| t.to_vec1::<f32>())
                .map_err(|e| run_error(e.to_string()))?;
            tensors.push(Tensor::new(dims, data));
        }
        super::record_inference(net, started);
        Ok(tensors)
    }

    fn run_best_class(&self, net: Net, input: Tensor) -> Result<BestClass, BackendError> {
        let shape = input.shape.clone();
        let run_error = |message: String| BackendError::run(net, &shape, message);
        let started = std::time::Instant::now();
        let outputs = self.evaluate(net, input)?;
        let first = outputs
            .first()
            .ok_or_else(|| run_error("the network returned no output".into()))?;
        let dims = first.dims().to_vec();
        let reduce = || -> candle_core::Result<(Vec<u32>, Vec<f32>)> {
            let last = first.rank().saturating_sub(1);
            let index = first.argmax(last)?.flatten_all()?.to_vec1::<u32>()?;
            let best = first
                .max(last)?
                .to_dtype(DType::F32)?
                .flatten_all()?
                .to_vec1::<f32>()?;
            Ok((index, best))
        };
        let (index, probability) = reduce().map_err(|e| run_error(e.to_string()))?;
        super::record_inference(net, started);
        Ok(BestClass {
            shape: dims[..dims.len().saturating_sub(1)].to_vec(),
            index,
            probability,
        })
    }
}

impl CandleBackend {
    /// Runs a network and leaves its outputs on the device.
    fn evaluate(&self, net: Net, input: Tensor) -> Result<Vec<CTensor>, BackendError> {
        let shape = input.shape.clone();
        let run_error = |message: String| BackendError::run(net, &shape, message);
        let program = super::loaded(&self.programs, net, &shape)?;
        if input.shape.iter().product::<usize>() != input.data.len() {
            return Err(run_error(
                "the input's shape does not match its data".into(),
            ));
        }
        let x = CTensor::from_vec(input.data, input.shape, &self.device)
            .and_then(|t| t.to_dtype(self.dtype))
            .map_err(|e| run_error(e.to_string()))?;
        program.run(x).map_err(|e| run_error(e.to_string()))
    }
}

/// Why the evaluator could not prepare or run a graph.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// The ONNX file could not be read or decoded.
    #[error(transparent)]
    Decode(#[from] crate::infer::onnx::OnnxError),
    /// The graph uses an operator or attribute this evaluator does not implement; the ONNX
    /// Runtime backend runs it.
    #[error("{0} (the ONNX Runtime backend, --backend ort, runs it)")]
    Unsupported(String),
    /// The graph or its input is inconsistent: a shape that does not fit, a missing value.
    #[error("{0}")]
    Invalid(String),
    /// A tensor operation failed on the device.
    #[error("candle: {0}")]
    Candle(#[from] candle_core::Error),
    /// Where in the graph the error happened.
    #[error("node {node}: {source}")]
    Node {
        node: String,
        #[source]
        source: Box<EvalError>,
    },
}

impl EvalError {
    pub(super) fn at(self, node: impl Into<String>) -> Self {
        EvalError::Node {
            node: node.into(),
            source: Box::new(self),
        }
    }
}

pub(super) type R<T> = Result<T, EvalError>;

pub(super) fn err(e: candle_core::Error) -> EvalError {
    EvalError::Candle(e)
}

mod conv;
mod folding;
mod prepare;
mod program;
mod shape;

use conv::*;
use folding::*;
use prepare::*;
use program::*;
use shape::*;

#[cfg(test)]
mod tests {
    use super::*;

    fn node(op: &str, attrs: &[(&str, crate::infer::onnx::Attr)]) -> crate::infer::onnx::Node {
        crate::infer::onnx::Node {
            name: "n1".into(),
            op: op.into(),
            inputs: vec!["x".into()],
            outputs: vec!["y".into()],
            attrs: attrs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        }
    }

    #[test]
    fn a_graph_the_evaluator_cannot_run_is_refused_with_a_typed_error() {
        let graph = crate::infer::onnx::Graph {
            opset: 17,
            nodes: Vec::new(),
            constants: Default::default(),
            inputs: vec!["x".into()],
            outputs: vec!["y".into()],
        };
        let unknown = prepare_op(&node("LSTM", &[]), &graph, &Device::Cpu, DType::F32).err();
        match unknown {
            Some(e @ EvalError::Unsupported(_)) => {
                let message = e.at("n1 (LSTM)").to_string();
                assert!(
                    message.starts_with("node n1 (LSTM): operator LSTM"),
                    "{message}"
                );
                assert!(message.contains("--backend ort"), "{message}");
            }
            other => panic!("expected Unsupported, got {other:?}"),
        }
        // A Concat with no axis is a broken graph, not a missing feature.
        let broken = prepare_op(&node("Concat", &[]), &graph, &Device::Cpu, DType::F32).err();
        assert!(matches!(broken, Some(EvalError::Invalid(_))), "{broken:?}");
    }

    fn t(dims: &[usize], data: Vec<f32>) -> CTensor {
        CTensor::from_vec(data, dims.to_vec(), &Device::Cpu).unwrap()
    }

    /// Direct convolution, the definition, to check the fast paths against.
    #[allow(clippy::too_many_arguments)]
    fn reference_conv(
        x: &[f32],
        (c, h, w): (usize, usize, usize),
        k: &[f32],
        (o, kh, kw): (usize, usize, usize),
        groups: usize,
        [top, left, bottom, right]: [usize; 4],
        [sh, sw]: [usize; 2],
    ) -> (Vec<f32>, usize, usize) {
        let (hp, wp) = (h + top + bottom, w + left + right);
        let (ho, wo) = ((hp - kh) / sh + 1, (wp - kw) / sw + 1);
        let cpg = c / groups;
        let opg = o / groups;
        let mut out = vec![0f32; o * ho * wo];
        for oc in 0..o {
            let g = oc / opg;
            for y in 0..ho {
                for xo in 0..wo {
                    let mut sum = 0.0;
                    for ci in 0..cpg {
                        let ic = g * cpg + ci;
                        for i in 0..kh {
                            for j in 0..kw {
                                let (yy, xx) = (
                                    (y * sh + i) as isize - top as isize,
                                    (xo * sw + j) as isize - left as isize,
                                );
                                if yy < 0 || xx < 0 || yy >= h as isize || xx >= w as isize {
                                    continue;
                                }
                                sum += x[(ic * h + yy as usize) * w + xx as usize]
                                    * k[((oc * cpg + ci) * kh + i) * kw + j];
                            }
                        }
                    }
                    out[(oc * ho + y) * wo + xo] = sum;
                }
            }
        }
        (out, ho, wo)
    }

    fn check(
        c: usize,
        o: usize,
        groups: usize,
        kernel: [usize; 2],
        pads: [usize; 4],
        strides: [usize; 2],
    ) {
        let (h, w) = (7, 9);
        let x: Vec<f32> = (0..c * h * w)
            .map(|i| ((i * 37 % 23) as f32 - 11.0) / 7.0)
            .collect();
        let k: Vec<f32> = (0..o * (c / groups) * kernel[0] * kernel[1])
            .map(|i| ((i * 13 % 17) as f32 - 8.0) / 5.0)
            .collect();
        let (want, ho, wo) = reference_conv(
            &x,
            (c, h, w),
            &k,
            (o, kernel[0], kernel[1]),
            groups,
            pads,
            strides,
        );
        let kd = [o, c / groups, kernel[0], kernel[1]];
        let taps = (groups > 1 && c / groups == 1 && o == groups).then(|| {
            let mut taps = Vec::new();
            for i in 0..kernel[0] {
                for j in 0..kernel[1] {
                    let col: Vec<f32> = (0..o)
                        .map(|oc| k[(oc * kernel[0] + i) * kernel[1] + j])
                        .collect();
                    taps.push(t(&[1, o, 1, 1], col));
                }
            }
            taps
        });
        let depthwise = taps.is_some();
        let mut conv_op = Conv {
            weight: t(&kd, k.clone()),
            bias: None,
            pads,
            strides,
            groups,
            taps,
            kernel,
            host: None,
        };
        // The tap form (CUDA's path) and, for depthwise kernels, the direct CPU kernel.
        for direct in [false, true] {
            if direct {
                if !depthwise {
                    break;
                }
                conv_op.host = Some((k.clone(), Vec::new()));
            }
            let got = conv(&t(&[1, c, h, w], x.clone()), &conv_op).unwrap();
            assert_eq!(got.dims(), &[1, o, ho, wo], "{pads:?} {strides:?}");
            let got = got.flatten_all().unwrap().to_vec1::<f32>().unwrap();
            for (a, b) in got.iter().zip(&want) {
                assert!(
                    (a - b).abs() < 1e-3,
                    "{a} vs {b} for {pads:?} {strides:?} groups {groups} direct {direct}"
                );
            }
        }
    }

    #[test]
    fn convolutions_match_the_definition() {
        // Depthwise with the recogniser's asymmetric strides and the detector's 5x5 kernels.
        check(4, 4, 4, [3, 3], [1, 1, 1, 1], [2, 1]);
        check(4, 4, 4, [5, 5], [2, 2, 2, 2], [2, 2]);
        check(4, 4, 4, [1, 3], [0, 1, 0, 1], [1, 2]);
        // Ordinary convolutions, symmetric and not.
        check(3, 5, 1, [3, 3], [1, 1, 1, 1], [2, 2]);
        check(3, 5, 1, [1, 3], [0, 1, 0, 1], [1, 1]);
        check(3, 2, 1, [3, 3], [1, 1, 1, 1], [2, 1]);
        // A grouped convolution that is not depthwise.
        check(4, 6, 2, [3, 3], [1, 1, 1, 1], [1, 1]);
    }

    #[test]
    fn reshape_follows_onnx_rules() {
        assert_eq!(reshape_target(&[2, 3, 4], &[0, -1]).unwrap(), vec![2, 12]);
        assert_eq!(
            reshape_target(&[2, 3, 4], &[0, -1, 3, 2, 2]).unwrap(),
            vec![2, 1, 3, 2, 2]
        );
        assert!(reshape_target(&[2, 3, 4], &[5, -1]).is_err());
    }

    #[test]
    fn devices_and_precisions_parse() {
        assert_eq!("cuda:1".parse::<DeviceKind>(), Ok(DeviceKind::Cuda(1)));
        assert_eq!("cpu".parse::<DeviceKind>(), Ok(DeviceKind::Cpu));
        assert!("gpu".parse::<DeviceKind>().is_err());
        assert_eq!("f16".parse::<Precision>(), Ok(Precision::F16));
    }
}
