//! The candle backend: runs the ONNX graphs of the OCR and layout networks on candle tensors, on
//! CPU or CUDA, in f32 or f16. Graphs are read by `onnx`, prepared once per network (weights
//! moved to the device, batch normalisation folded to a scale and shift, depthwise kernels split
//! into taps), then evaluated node by node, dropping each intermediate after its last use.
//!
//! Only the operators these networks use are implemented (see DESIGN.md); any other operator is
//! refused when the network loads, never halfway through a page.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor as CTensor};

use super::onnx::{Graph, HostTensor, Node};
use super::{Backend, BackendError, BestClass, Net, Tensor};
use crate::models::ModelCache;

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
                Program::prepare(path, &device, dtype).map_err(|message| BackendError::Load {
                    net: *net,
                    path: path.display().to_string(),
                    message,
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
        program.run(x).map_err(run_error)
    }
}

/// A value flowing through the graph: a tensor on the device, or a small integer tensor (shapes,
/// indices) kept on the host, where the shape arithmetic of exported graphs belongs.
#[derive(Clone)]
enum Value {
    F(CTensor),
    I { dims: Vec<usize>, data: Vec<i64> },
}

struct Conv {
    weight: CTensor,
    bias: Option<CTensor>,
    /// Top, left, bottom, right.
    pads: [usize; 4],
    strides: [usize; 2],
    groups: usize,
    /// For depthwise kernels, one (1, C, 1, 1) weight per kernel position.
    taps: Option<Vec<CTensor>>,
    kernel: [usize; 2],
    /// Depthwise weights (C, kh, kw) and bias on the host, for the direct CPU kernel.
    host: Option<(Vec<f32>, Vec<f32>)>,
}

enum Op {
    Conv(Box<Conv>),
    ConvTranspose {
        weight: CTensor,
        bias: Option<CTensor>,
        pad: usize,
        output_pad: usize,
        stride: usize,
    },
    /// Batch normalisation folded to y = x * scale + shift.
    Affine {
        scale: CTensor,
        shift: CTensor,
    },
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Sqrt,
    Relu,
    Sigmoid,
    HardSigmoid {
        alpha: f64,
        beta: f64,
    },
    HardSwish,
    Clip {
        min: Option<f32>,
        max: Option<f32>,
    },
    GlobalAveragePool,
    AveragePool {
        kernel: (usize, usize),
        stride: (usize, usize),
    },
    Shape,
    Slice {
        attrs: Option<SliceAttrs>,
    },
    Squeeze {
        axes: Option<Vec<i64>>,
    },
    Unsqueeze {
        axes: Option<Vec<i64>>,
    },
    Concat {
        axis: i64,
    },
    Reshape,
    Transpose {
        perm: Option<Vec<usize>>,
    },
    ReduceMean {
        axes: Option<Vec<i64>>,
        keepdims: bool,
    },
    MatMul,
    Softmax {
        axis: i64,
        /// Before opset 13 Softmax flattened everything from `axis` on into one dimension.
        flatten: bool,
    },
    Resize,
    Split {
        axis: i64,
        sizes: Option<Vec<i64>>,
    },
    Identity,
}

/// Starts, ends and axes of a Slice from before opset 10, when they were attributes.
type SliceAttrs = (Vec<i64>, Vec<i64>, Option<Vec<i64>>);

struct Step {
    node: String,
    op: Op,
    inputs: Vec<Option<usize>>,
    outputs: Vec<usize>,
    /// Slots whose last reader is this step.
    release: Vec<usize>,
}

/// One network, prepared for evaluation.
struct Program {
    slots: usize,
    input: usize,
    outputs: Vec<usize>,
    constants: Vec<(usize, Value)>,
    /// Host copies of small constants (scales, exponents, clip bounds), so no device round trip
    /// is needed to read them.
    host: HashMap<usize, Vec<f32>>,
    steps: Vec<Step>,
}

type R<T> = Result<T, String>;

fn err(e: candle_core::Error) -> String {
    e.to_string()
}

impl Program {
    fn prepare(path: &Path, device: &Device, dtype: DType) -> R<Program> {
        let graph = fold_batch_norms(Graph::load(path).map_err(|e| e.to_string())?);
        let mut names: HashMap<String, usize> = HashMap::new();
        let slot_of = |name: &str, names: &mut HashMap<String, usize>| {
            let next = names.len();
            *names.entry(name.to_string()).or_insert(next)
        };
        let [input] = graph.inputs.as_slice() else {
            return Err(format!(
                "the graph takes {} inputs; ledgerline's networks take one",
                graph.inputs.len()
            ));
        };
        let input = slot_of(input, &mut names);
        let mut constants = Vec::new();
        let mut host = HashMap::new();
        let mut constant_slots = HashMap::new();
        for (name, value) in &graph.constants {
            let slot = slot_of(name, &mut names);
            let v = match value {
                HostTensor::F32 { dims, data } => {
                    if data.len() <= 64 {
                        host.insert(slot, data.clone());
                    }
                    Value::F(device_tensor(dims, data, device, dtype)?)
                }
                HostTensor::I64 { dims, data } => Value::I {
                    dims: dims.clone(),
                    data: data.clone(),
                },
            };
            constant_slots.insert(name.clone(), slot);
            constants.push((slot, v));
        }
        let mut steps = Vec::with_capacity(graph.nodes.len());
        for node in &graph.nodes {
            let op = prepare_op(node, &graph, device, dtype)
                .map_err(|m| format!("node {} ({}): {m}", node.name, node.op))?;
            let inputs = node
                .inputs
                .iter()
                .map(|n| (!n.is_empty()).then(|| slot_of(n, &mut names)))
                .collect();
            let outputs = node
                .outputs
                .iter()
                .map(|n| slot_of(n, &mut names))
                .collect();
            steps.push(Step {
                node: node.name.clone(),
                op,
                inputs,
                outputs,
                release: Vec::new(),
            });
        }
        let outputs: Vec<usize> = graph
            .outputs
            .iter()
            .map(|n| {
                names
                    .get(n)
                    .copied()
                    .ok_or_else(|| format!("graph output {n} is produced by no node"))
            })
            .collect::<R<_>>()?;
        // Free each intermediate after its last reader; constants and outputs stay.
        let mut last_use: HashMap<usize, usize> = HashMap::new();
        for (i, step) in steps.iter().enumerate() {
            for &s in step.inputs.iter().flatten() {
                last_use.insert(s, i);
            }
        }
        let kept: Vec<usize> = constant_slots
            .values()
            .copied()
            .chain(outputs.iter().copied())
            .collect();
        for (slot, i) in last_use {
            if !kept.contains(&slot) {
                steps[i].release.push(slot);
            }
        }
        Ok(Program {
            slots: names.len(),
            input,
            outputs,
            constants,
            host,
            steps,
        })
    }

    fn run(&self, x: CTensor) -> R<Vec<CTensor>> {
        let mut values: Vec<Option<Value>> = vec![None; self.slots];
        for (slot, v) in &self.constants {
            values[*slot] = Some(v.clone());
        }
        values[self.input] = Some(Value::F(x));
        for step in &self.steps {
            let inputs: Vec<Option<&Value>> = step
                .inputs
                .iter()
                .map(|s| s.and_then(|s| values[s].as_ref()))
                .collect();
            let outs = self
                .eval(step, &inputs)
                .map_err(|m| format!("node {}: {m}", step.node))?;
            for &slot in &step.release {
                values[slot] = None;
            }
            for (slot, v) in step.outputs.iter().zip(outs) {
                values[*slot] = Some(v);
            }
        }
        self.outputs
            .iter()
            .map(|&s| match values[s].take() {
                Some(Value::F(t)) => Ok(t),
                Some(Value::I { dims, data }) => {
                    let data: Vec<f32> = data.iter().map(|&v| v as f32).collect();
                    CTensor::from_vec(data, dims, &Device::Cpu).map_err(err)
                }
                None => Err("a graph output was never computed".into()),
            })
            .collect()
    }

    /// The float values of a small input (scales, exponents, bounds).
    fn host_floats(&self, step: &Step, k: usize, v: Option<&Value>) -> R<Option<Vec<f32>>> {
        if let Some(slot) = step.inputs.get(k).copied().flatten()
            && let Some(h) = self.host.get(&slot)
        {
            return Ok(Some(h.clone()));
        }
        match v {
            None => Ok(None),
            Some(Value::I { data, .. }) => Ok(Some(data.iter().map(|&x| x as f32).collect())),
            Some(Value::F(t)) => t
                .to_dtype(DType::F32)
                .and_then(|t| t.flatten_all())
                .and_then(|t| t.to_vec1::<f32>())
                .map(Some)
                .map_err(err),
        }
    }

    fn eval(&self, step: &Step, inputs: &[Option<&Value>]) -> R<Vec<Value>> {
        let arg = |k: usize| -> R<&Value> {
            inputs
                .get(k)
                .copied()
                .flatten()
                .ok_or_else(|| format!("input {k} is missing"))
        };
        let float = |k: usize| -> R<CTensor> {
            match arg(k)? {
                Value::F(t) => Ok(t.clone()),
                Value::I { dims, data } => {
                    let data: Vec<f32> = data.iter().map(|&v| v as f32).collect();
                    let dtype = match inputs.iter().flatten().find_map(|v| match v {
                        Value::F(t) => Some((t.dtype(), t.device().clone())),
                        _ => None,
                    }) {
                        Some(found) => found,
                        None => (DType::F32, Device::Cpu),
                    };
                    CTensor::from_vec(data, dims.clone(), &dtype.1)
                        .and_then(|t| t.to_dtype(dtype.0))
                        .map_err(err)
                }
            }
        };
        let ints = |k: usize| -> R<Vec<i64>> {
            match arg(k)? {
                Value::I { data, .. } => Ok(data.clone()),
                Value::F(t) => Ok(t
                    .to_dtype(DType::F32)
                    .and_then(|t| t.flatten_all())
                    .and_then(|t| t.to_vec1::<f32>())
                    .map_err(err)?
                    .into_iter()
                    .map(|v| v as i64)
                    .collect()),
            }
        };
        let one = |t: CTensor| Ok(vec![Value::F(t)]);
        match &step.op {
            Op::Conv(c) => one(conv(&float(0)?, c).map_err(err)?),
            Op::ConvTranspose {
                weight,
                bias,
                pad,
                output_pad,
                stride,
            } => {
                let y = float(0)?
                    .conv_transpose2d(weight, *pad, *output_pad, *stride, 1)
                    .map_err(err)?;
                one(match bias {
                    Some(b) => y.broadcast_add(b).map_err(err)?,
                    None => y,
                })
            }
            Op::Affine { scale, shift } => one(float(0)?
                .broadcast_mul(scale)
                .and_then(|t| t.broadcast_add(shift))
                .map_err(err)?),
            Op::Add | Op::Sub | Op::Mul | Op::Div => {
                if let (Value::I { dims: da, data: a }, Value::I { dims: db, data: b }) =
                    (arg(0)?, arg(1)?)
                {
                    return int_binary(&step.op, da, a, db, b).map(|v| vec![v]);
                }
                let (a, b) = (float(0)?, float(1)?);
                one(match step.op {
                    Op::Add => a.broadcast_add(&b),
                    Op::Sub => a.broadcast_sub(&b),
                    Op::Mul => a.broadcast_mul(&b),
                    _ => a.broadcast_div(&b),
                }
                .map_err(err)?)
            }
            Op::Pow => {
                let x = float(0)?;
                match self.host_floats(step, 1, inputs.get(1).copied().flatten())? {
                    Some(e) if e.len() == 1 && e[0] == 2.0 => one(x.sqr().map_err(err)?),
                    Some(e) if e.len() == 1 => one(x.powf(e[0] as f64).map_err(err)?),
                    _ => one(x.broadcast_pow(&float(1)?).map_err(err)?),
                }
            }
            Op::Sqrt => one(float(0)?.sqrt().map_err(err)?),
            Op::Relu => one(float(0)?.relu().map_err(err)?),
            Op::Sigmoid => one(candle_nn::ops::sigmoid(&float(0)?).map_err(err)?),
            Op::HardSigmoid { alpha, beta } => {
                one(hard_sigmoid(&float(0)?, *alpha, *beta).map_err(err)?)
            }
            Op::HardSwish => {
                let x = float(0)?;
                let gate = hard_sigmoid(&x, 1.0 / 6.0, 0.5).map_err(err)?;
                one((x * gate).map_err(err)?)
            }
            Op::Clip { min, max } => {
                let lo = match min {
                    Some(v) => Some(*v),
                    None => self
                        .host_floats(step, 1, inputs.get(1).copied().flatten())?
                        .and_then(|v| v.first().copied()),
                };
                let hi = match max {
                    Some(v) => Some(*v),
                    None => self
                        .host_floats(step, 2, inputs.get(2).copied().flatten())?
                        .and_then(|v| v.first().copied()),
                };
                let mut x = float(0)?;
                if let Some(lo) = lo {
                    x = x.maximum(lo).map_err(err)?;
                }
                if let Some(hi) = hi {
                    x = x.minimum(hi).map_err(err)?;
                }
                one(x)
            }
            Op::GlobalAveragePool => {
                let x = float(0)?;
                let (n, c, h, w) = x.dims4().map_err(err)?;
                one(in_f32(&x, |t| {
                    t.reshape((n, c, h * w))?
                        .mean_keepdim(2)?
                        .reshape((n, c, 1, 1))
                })
                .map_err(err)?)
            }
            Op::AveragePool { kernel, stride } => one(float(0)?
                .avg_pool2d_with_stride(*kernel, *stride)
                .map_err(err)?),
            Op::Shape => {
                let dims = match arg(0)? {
                    Value::F(t) => t.dims().to_vec(),
                    Value::I { dims, .. } => dims.clone(),
                };
                Ok(vec![Value::I {
                    dims: vec![dims.len()],
                    data: dims.iter().map(|&d| d as i64).collect(),
                }])
            }
            Op::Slice { attrs } => {
                let (starts, ends, axes, steps) = match attrs {
                    Some((s, e, a)) => (s.clone(), e.clone(), a.clone(), None),
                    None => (
                        ints(1)?,
                        ints(2)?,
                        inputs
                            .get(3)
                            .copied()
                            .flatten()
                            .map(|_| ints(3))
                            .transpose()?,
                        inputs
                            .get(4)
                            .copied()
                            .flatten()
                            .map(|_| ints(4))
                            .transpose()?,
                    ),
                };
                slice(arg(0)?, &starts, &ends, axes.as_deref(), steps.as_deref()).map(|v| vec![v])
            }
            Op::Squeeze { axes } => {
                let axes = match axes {
                    Some(a) => Some(a.clone()),
                    None => inputs
                        .get(1)
                        .copied()
                        .flatten()
                        .map(|_| ints(1))
                        .transpose()?,
                };
                let dims = value_dims(arg(0)?);
                let rank = dims.len() as i64;
                let mut drop: Vec<usize> = match axes {
                    Some(a) => a.iter().map(|&x| axis(x, rank)).collect::<R<_>>()?,
                    None => (0..dims.len()).filter(|&i| dims[i] == 1).collect(),
                };
                drop.sort_unstable();
                let new: Vec<usize> = dims
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !drop.contains(i))
                    .map(|(_, &d)| d)
                    .collect();
                reshape_value(arg(0)?, new).map(|v| vec![v])
            }
            Op::Unsqueeze { axes } => {
                let axes = match axes {
                    Some(a) => a.clone(),
                    None => ints(1)?,
                };
                let mut dims = value_dims(arg(0)?);
                let rank = (dims.len() + axes.len()) as i64;
                let mut at: Vec<usize> = axes.iter().map(|&x| axis(x, rank)).collect::<R<_>>()?;
                at.sort_unstable();
                for a in at {
                    dims.insert(a.min(dims.len()), 1);
                }
                reshape_value(arg(0)?, dims).map(|v| vec![v])
            }
            Op::Concat { axis: ax } => {
                let parts: Vec<&Value> = inputs.iter().flatten().copied().collect();
                if parts.iter().all(|v| matches!(v, Value::I { .. })) {
                    let mut data = Vec::new();
                    for p in &parts {
                        if let Value::I { dims, data: d } = p {
                            if dims.len() > 1 {
                                return Err("integer Concat of more than one dimension".into());
                            }
                            data.extend_from_slice(d);
                        }
                    }
                    return Ok(vec![Value::I {
                        dims: vec![data.len()],
                        data,
                    }]);
                }
                let tensors: Vec<CTensor> = (0..inputs.len())
                    .filter(|&k| inputs[k].is_some())
                    .map(float)
                    .collect::<R<_>>()?;
                let rank = tensors.first().map_or(1, |t| t.rank()) as i64;
                one(CTensor::cat(&tensors, axis(*ax, rank)?).map_err(err)?)
            }
            Op::Reshape => {
                let x = arg(0)?;
                let spec = ints(1)?;
                let dims = value_dims(x);
                let target = reshape_target(&dims, &spec)?;
                reshape_value(x, target).map(|v| vec![v])
            }
            Op::Transpose { perm } => {
                let x = float(0)?;
                let perm = perm
                    .clone()
                    .unwrap_or_else(|| (0..x.rank()).rev().collect());
                one(x.permute(perm).map_err(err)?)
            }
            Op::ReduceMean { axes, keepdims } => {
                let mut x = float(0)?;
                let rank = x.rank() as i64;
                let axes = match axes {
                    Some(a) => a.clone(),
                    None if inputs.get(1).copied().flatten().is_some() => ints(1)?,
                    None => (0..rank).collect(),
                };
                let mut at: Vec<usize> = axes.iter().map(|&a| axis(a, rank)).collect::<R<_>>()?;
                at.sort_unstable();
                x = in_f32(&x, |mut t| {
                    for &a in at.iter().rev() {
                        t = t.mean_keepdim(a)?;
                        if !keepdims {
                            t = t.squeeze(a)?;
                        }
                    }
                    Ok(t)
                })
                .map_err(err)?;
                one(x)
            }
            Op::MatMul => {
                let (a, b) = (float(0)?, float(1)?);
                if a.rank() < 2 || b.rank() < 2 {
                    return Err("MatMul of vectors is not supported".into());
                }
                one(a
                    .contiguous()
                    .and_then(|a| a.broadcast_matmul(&b.contiguous()?))
                    .map_err(err)?)
            }
            Op::Softmax { axis: ax, flatten } => {
                let x = float(0)?;
                let rank = x.rank();
                let a = axis(*ax, rank as i64)?;
                let flatten = *flatten;
                one(in_f32(&x, |x| {
                    if a + 1 == rank {
                        candle_nn::ops::softmax_last_dim(&x.contiguous()?)
                    } else if flatten {
                        let dims = x.dims().to_vec();
                        let outer: usize = dims[..a].iter().product();
                        let t = x.reshape((outer, dims[a..].iter().product::<usize>()))?;
                        candle_nn::ops::softmax_last_dim(&t)?.reshape(dims)
                    } else {
                        candle_nn::ops::softmax(&x, a)
                    }
                })
                .map_err(err)?)
            }
            Op::Resize => {
                let x = float(0)?;
                let (n, c, h, w) = x.dims4().map_err(err)?;
                let scales = self
                    .host_floats(step, 2, inputs.get(2).copied().flatten())?
                    .filter(|s| !s.is_empty());
                let factors = match scales {
                    Some(s) if s.len() == 4 => [s[2], s[3]],
                    Some(s) => return Err(format!("Resize scales {s:?} are not 4-dimensional")),
                    None => {
                        let sizes = ints(3)?;
                        if sizes.len() != 4 {
                            return Err(format!("Resize sizes {sizes:?} are not 4-dimensional"));
                        }
                        [sizes[2] as f32 / h as f32, sizes[3] as f32 / w as f32]
                    }
                };
                let (sh, sw) = (factors[0].round() as usize, factors[1].round() as usize);
                if sh == 0
                    || sw == 0
                    || (factors[0] - sh as f32).abs() > 1e-6
                    || (factors[1] - sw as f32).abs() > 1e-6
                {
                    return Err(format!(
                        "Resize by {factors:?}: only whole-number upscaling is supported"
                    ));
                }
                // Nearest, asymmetric, floor: output row i reads input row i / s.
                one(x
                    .reshape((n, c, h, 1, w, 1))
                    .and_then(|t| t.broadcast_as((n, c, h, sh, w, sw)))
                    .and_then(|t| t.reshape((n, c, h * sh, w * sw)))
                    .map_err(err)?)
            }
            Op::Split { axis: ax, sizes } => {
                let x = float(0)?;
                let a = axis(*ax, x.rank() as i64)?;
                let total = x.dim(a).map_err(err)?;
                let sizes: Vec<usize> = match sizes {
                    Some(s) => s.iter().map(|&v| v as usize).collect(),
                    None if inputs.get(1).copied().flatten().is_some() => {
                        ints(1)?.iter().map(|&v| v as usize).collect()
                    }
                    None => {
                        let parts = step.outputs.len().max(1);
                        vec![total.div_ceil(parts); parts]
                    }
                };
                let mut start = 0;
                let mut outs = Vec::new();
                for size in sizes {
                    let len = size.min(total.saturating_sub(start));
                    outs.push(Value::F(x.narrow(a, start, len).map_err(err)?));
                    start += len;
                }
                Ok(outs)
            }
            Op::Identity => Ok(vec![arg(0)?.clone()]),
        }
    }
}

fn device_tensor(dims: &[usize], data: &[f32], device: &Device, dtype: DType) -> R<CTensor> {
    CTensor::from_vec(data.to_vec(), dims.to_vec(), device)
        .and_then(|t| t.to_dtype(dtype))
        .map_err(err)
}

/// Runs a reduction in f32 whatever the working precision: sums over thousands of values (a
/// page-wide average, a softmax over 18,385 classes) lose too much in f16.
fn in_f32(
    x: &CTensor,
    f: impl FnOnce(CTensor) -> candle_core::Result<CTensor>,
) -> candle_core::Result<CTensor> {
    if x.dtype() == DType::F32 {
        return f(x.clone());
    }
    f(x.to_dtype(DType::F32)?)?.to_dtype(x.dtype())
}

fn hard_sigmoid(x: &CTensor, alpha: f64, beta: f64) -> candle_core::Result<CTensor> {
    x.affine(alpha, beta)?.clamp(0f32, 1f32)
}

fn axis(a: i64, rank: i64) -> R<usize> {
    let v = if a < 0 { a + rank } else { a };
    if v < 0 || v >= rank.max(1) {
        return Err(format!("axis {a} is out of range for rank {rank}"));
    }
    Ok(v as usize)
}

fn value_dims(v: &Value) -> Vec<usize> {
    match v {
        Value::F(t) => t.dims().to_vec(),
        Value::I { dims, .. } => dims.clone(),
    }
}

fn reshape_value(v: &Value, dims: Vec<usize>) -> R<Value> {
    match v {
        Value::F(t) => t.reshape(dims).map(Value::F).map_err(err),
        Value::I { data, .. } => {
            if dims.iter().product::<usize>() != data.len() {
                return Err(format!("cannot reshape {} values to {dims:?}", data.len()));
            }
            Ok(Value::I {
                dims,
                data: data.clone(),
            })
        }
    }
}

/// ONNX Reshape: 0 copies the input's dimension, -1 takes what is left.
fn reshape_target(dims: &[usize], spec: &[i64]) -> R<Vec<usize>> {
    let total: usize = dims.iter().product();
    let mut out = Vec::with_capacity(spec.len());
    let mut hole = None;
    for (i, &s) in spec.iter().enumerate() {
        match s {
            0 => out.push(
                *dims
                    .get(i)
                    .ok_or("Reshape copies a dimension the input lacks")?,
            ),
            -1 => {
                hole = Some(i);
                out.push(1);
            }
            s if s > 0 => out.push(s as usize),
            s => return Err(format!("Reshape to a dimension of {s}")),
        }
    }
    if let Some(i) = hole {
        let known: usize = out.iter().product();
        if known == 0 || !total.is_multiple_of(known) {
            return Err(format!("cannot reshape {dims:?} to {spec:?}"));
        }
        out[i] = total / known;
    }
    if out.iter().product::<usize>() != total {
        return Err(format!("cannot reshape {dims:?} to {spec:?}"));
    }
    Ok(out)
}

fn slice(
    x: &Value,
    starts: &[i64],
    ends: &[i64],
    axes: Option<&[i64]>,
    steps: Option<&[i64]>,
) -> R<Value> {
    let dims = value_dims(x);
    let rank = dims.len() as i64;
    let axes: Vec<usize> = match axes {
        Some(a) => a.iter().map(|&v| axis(v, rank)).collect::<R<_>>()?,
        None => (0..starts.len()).collect(),
    };
    let mut ranges: Vec<(usize, usize, usize)> = dims.iter().map(|&d| (0, d, 1)).collect();
    for (k, &a) in axes.iter().enumerate() {
        let d = dims[a] as i64;
        let step = steps.and_then(|s| s.get(k)).copied().unwrap_or(1);
        if step < 1 {
            return Err(format!("Slice with step {step} is not supported"));
        }
        let clamp = |v: i64| (if v < 0 { v + d } else { v }).clamp(0, d);
        let (s, e) = (clamp(starts[k]), clamp(ends[k]));
        ranges[a] = (s as usize, (e.max(s)) as usize, step as usize);
    }
    match x {
        Value::F(t) => {
            let mut t = t.clone();
            for (a, &(s, e, step)) in ranges.iter().enumerate() {
                if (s, e, step) == (0, dims[a], 1) {
                    continue;
                }
                t = t.narrow(a, s, e - s).map_err(err)?;
                if step > 1 {
                    t = subsample(&t, a, 0, step).map_err(err)?;
                }
            }
            Ok(Value::F(t))
        }
        Value::I { data, .. } => {
            if dims.len() != 1 {
                return Err("integer Slice of more than one dimension".into());
            }
            let (s, e, step) = ranges[0];
            let data: Vec<i64> = data[s..e].iter().step_by(step).copied().collect();
            Ok(Value::I {
                dims: vec![data.len()],
                data,
            })
        }
    }
}

fn int_binary(op: &Op, da: &[usize], a: &[i64], db: &[usize], b: &[i64]) -> R<Value> {
    let f = |x: i64, y: i64| match op {
        Op::Add => x + y,
        Op::Sub => x - y,
        Op::Mul => x * y,
        _ => {
            if y == 0 {
                0
            } else {
                x / y
            }
        }
    };
    let (dims, data) = if a.len() == b.len() {
        (
            da.to_vec(),
            a.iter().zip(b).map(|(&x, &y)| f(x, y)).collect(),
        )
    } else if b.len() == 1 {
        (da.to_vec(), a.iter().map(|&x| f(x, b[0])).collect())
    } else if a.len() == 1 {
        (db.to_vec(), b.iter().map(|&y| f(a[0], y)).collect())
    } else {
        return Err(format!("integer arithmetic on shapes {da:?} and {db:?}"));
    };
    Ok(Value::I { dims, data })
}

/// Every `step`-th element along `dim`, starting at `offset`.
fn subsample(x: &CTensor, dim: usize, offset: usize, step: usize) -> candle_core::Result<CTensor> {
    if step == 1 && offset == 0 {
        return Ok(x.clone());
    }
    let size = x.dim(dim)?;
    let count = (size.saturating_sub(offset)).div_ceil(step) as u32;
    let index =
        CTensor::arange_step(0u32, count, 1, x.device())?.affine(step as f64, offset as f64)?;
    x.contiguous()?.index_select(&index, dim)
}

fn conv(x: &CTensor, c: &Conv) -> candle_core::Result<CTensor> {
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
fn depthwise(x: &CTensor, c: &Conv, taps: &[CTensor]) -> candle_core::Result<CTensor> {
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
fn depthwise_cpu(
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

/// Folds each batch normalisation that only reads a convolution's output into that
/// convolution's weights and bias: one pass over the activations instead of two.
fn fold_batch_norms(mut graph: Graph) -> Graph {
    let mut readers: HashMap<String, usize> = HashMap::new();
    for node in &graph.nodes {
        for input in &node.inputs {
            *readers.entry(input.clone()).or_default() += 1;
        }
    }
    let producer: HashMap<String, usize> = graph
        .nodes
        .iter()
        .enumerate()
        .flat_map(|(i, n)| n.outputs.iter().map(move |o| (o.clone(), i)))
        .collect();
    let mut removed = vec![false; graph.nodes.len()];
    #[allow(clippy::needless_range_loop)] // the loop also rewrites graph.nodes[c]
    for b in 0..graph.nodes.len() {
        let bn = &graph.nodes[b];
        if bn.op != "BatchNormalization" || bn.outputs.len() != 1 || bn.inputs.len() < 5 {
            continue;
        }
        let x = bn.inputs[0].clone();
        let Some(&c) = producer.get(&x) else { continue };
        if graph.nodes[c].op != "Conv" || readers.get(&x) != Some(&1) || graph.outputs.contains(&x)
        {
            continue;
        }
        let params: Vec<Option<&Vec<f32>>> = bn.inputs[1..5]
            .iter()
            .map(|n| match graph.constants.get(n) {
                Some(HostTensor::F32 { data, .. }) => Some(data),
                _ => None,
            })
            .collect();
        let [Some(gamma), Some(beta), Some(mean), Some(var)] = params[..] else {
            continue;
        };
        let conv = &graph.nodes[c];
        let Some(HostTensor::F32 { dims, data: w }) =
            conv.inputs.get(1).and_then(|n| graph.constants.get(n))
        else {
            continue;
        };
        let out_channels = dims.first().copied().unwrap_or(0);
        if out_channels == 0 || gamma.len() != out_channels {
            continue;
        }
        let eps = bn.float("epsilon").unwrap_or(1e-5);
        let scale: Vec<f32> = gamma
            .iter()
            .zip(var)
            .map(|(g, v)| g / (v + eps).sqrt())
            .collect();
        let per = w.len() / out_channels;
        let weight: Vec<f32> = w
            .iter()
            .enumerate()
            .map(|(i, v)| v * scale[i / per])
            .collect();
        let old_bias = match conv
            .inputs
            .get(2)
            .filter(|n| !n.is_empty())
            .and_then(|n| graph.constants.get(n))
        {
            Some(HostTensor::F32 { data, .. }) => data.clone(),
            _ => vec![0.0; out_channels],
        };
        let bias: Vec<f32> = (0..out_channels)
            .map(|o| (old_bias[o] - mean[o]) * scale[o] + beta[o])
            .collect();
        let dims = dims.clone();
        let (wname, bname) = (
            format!("{}::folded_weight", bn.name),
            format!("{}::folded_bias", bn.name),
        );
        let bn_out = bn.outputs[0].clone();
        graph
            .constants
            .insert(wname.clone(), HostTensor::F32 { dims, data: weight });
        graph.constants.insert(
            bname.clone(),
            HostTensor::F32 {
                dims: vec![out_channels],
                data: bias,
            },
        );
        let conv = &mut graph.nodes[c];
        conv.inputs.truncate(1);
        conv.inputs.push(wname);
        conv.inputs.push(bname);
        conv.outputs = vec![bn_out];
        removed[b] = true;
    }
    let mut i = 0;
    graph.nodes.retain(|_| {
        i += 1;
        !removed[i - 1]
    });
    graph
}

fn constant<'a>(graph: &'a Graph, node: &Node, k: usize) -> Option<&'a HostTensor> {
    node.inputs
        .get(k)
        .filter(|n| !n.is_empty())
        .and_then(|n| graph.constants.get(n))
}

fn constant_f32<'a>(
    graph: &'a Graph,
    node: &Node,
    k: usize,
    what: &str,
) -> R<(&'a [usize], &'a [f32])> {
    match constant(graph, node, k) {
        Some(HostTensor::F32 { dims, data }) => Ok((dims, data)),
        _ => Err(format!("the {what} must be a float constant of the graph")),
    }
}

fn prepare_op(node: &Node, graph: &Graph, device: &Device, dtype: DType) -> R<Op> {
    let to_device = |dims: &[usize], data: &[f32]| device_tensor(dims, data, device, dtype);
    let channel_vector = |data: &[f32]| to_device(&[1, data.len(), 1, 1], data);
    Ok(match node.op.as_str() {
        "Conv" => {
            if node
                .ints("dilations")
                .is_some_and(|d| d.iter().any(|&v| v != 1))
            {
                return Err("dilated convolutions are not supported".into());
            }
            if node.string("auto_pad").is_some_and(|p| p != "NOTSET") {
                return Err("auto_pad is not supported; export with explicit pads".into());
            }
            let (wd, w) = constant_f32(graph, node, 1, "weight")?;
            if wd.len() != 4 {
                return Err(format!(
                    "a {}-dimensional kernel; only 2-D convolutions run",
                    wd.len()
                ));
            }
            let bias = match constant(graph, node, 2) {
                Some(HostTensor::F32 { data, .. }) => Some(channel_vector(data)?),
                Some(_) => return Err("the bias must be a float constant".into()),
                None => None,
            };
            let p = node.ints("pads").unwrap_or(&[0, 0, 0, 0]);
            let s = node.ints("strides").unwrap_or(&[1, 1]);
            if p.len() != 4 || s.len() != 2 {
                return Err(format!("pads {p:?} and strides {s:?} are not 2-D"));
            }
            let groups = node.int("group").unwrap_or(1).max(1) as usize;
            let (cout, cin_per_group, kh, kw) = (wd[0], wd[1], wd[2], wd[3]);
            let taps = if groups > 1 && cin_per_group == 1 && cout == groups {
                let mut taps = Vec::with_capacity(kh * kw);
                for i in 0..kh {
                    for j in 0..kw {
                        let column: Vec<f32> =
                            (0..cout).map(|o| w[(o * kh + i) * kw + j]).collect();
                        taps.push(channel_vector(&column)?);
                    }
                }
                Some(taps)
            } else {
                None
            };
            let host = taps.as_ref().map(|_| {
                let bias = match constant(graph, node, 2) {
                    Some(HostTensor::F32 { data, .. }) => data.clone(),
                    _ => Vec::new(),
                };
                (w.to_vec(), bias)
            });
            Op::Conv(Box::new(Conv {
                weight: to_device(wd, w)?,
                bias,
                pads: [p[0] as usize, p[1] as usize, p[2] as usize, p[3] as usize],
                strides: [s[0] as usize, s[1] as usize],
                groups,
                taps,
                kernel: [kh, kw],
                host,
            }))
        }
        "ConvTranspose" => {
            let (wd, w) = constant_f32(graph, node, 1, "weight")?;
            let p = node.ints("pads").unwrap_or(&[0, 0, 0, 0]);
            let s = node.ints("strides").unwrap_or(&[1, 1]);
            let op = node.ints("output_padding").unwrap_or(&[0, 0]);
            let same = |v: &[i64]| v.iter().all(|&x| x == v[0]);
            if node.int("group").unwrap_or(1) != 1
                || node
                    .ints("dilations")
                    .is_some_and(|d| d.iter().any(|&v| v != 1))
                || !same(p)
                || !same(s)
                || !same(op)
                || p.is_empty()
                || s.is_empty()
                || op.is_empty()
            {
                return Err(
                    "only ungrouped, undilated, square transposed convolutions are supported"
                        .into(),
                );
            }
            let bias = match constant(graph, node, 2) {
                Some(HostTensor::F32 { data, .. }) => Some(channel_vector(data)?),
                _ => None,
            };
            Op::ConvTranspose {
                weight: to_device(wd, w)?,
                bias,
                pad: p[0] as usize,
                output_pad: op[0] as usize,
                stride: s[0] as usize,
            }
        }
        "BatchNormalization" => {
            let eps = node.float("epsilon").unwrap_or(1e-5);
            let (_, gamma) = constant_f32(graph, node, 1, "scale")?;
            let (_, beta) = constant_f32(graph, node, 2, "bias")?;
            let (_, mean) = constant_f32(graph, node, 3, "mean")?;
            let (_, var) = constant_f32(graph, node, 4, "variance")?;
            let scale: Vec<f32> = gamma
                .iter()
                .zip(var)
                .map(|(g, v)| g / (v + eps).sqrt())
                .collect();
            let shift: Vec<f32> = beta
                .iter()
                .zip(mean)
                .zip(&scale)
                .map(|((b, m), s)| b - m * s)
                .collect();
            Op::Affine {
                scale: channel_vector(&scale)?,
                shift: channel_vector(&shift)?,
            }
        }
        "Add" => Op::Add,
        "Sub" => Op::Sub,
        "Mul" => Op::Mul,
        "Div" => Op::Div,
        "Pow" => Op::Pow,
        "Sqrt" => Op::Sqrt,
        "Relu" => Op::Relu,
        "Sigmoid" => Op::Sigmoid,
        "HardSigmoid" => Op::HardSigmoid {
            alpha: node.float("alpha").unwrap_or(0.2) as f64,
            beta: node.float("beta").unwrap_or(0.5) as f64,
        },
        "HardSwish" => Op::HardSwish,
        "Clip" => Op::Clip {
            min: node.float("min"),
            max: node.float("max"),
        },
        "GlobalAveragePool" => Op::GlobalAveragePool,
        "AveragePool" => {
            let k = node.ints("kernel_shape").unwrap_or(&[]);
            let s = node.ints("strides").unwrap_or(&[1, 1]);
            if k.len() != 2 || s.len() != 2 {
                return Err("only 2-D average pooling is supported".into());
            }
            if node.ints("pads").is_some_and(|p| p.iter().any(|&v| v != 0))
                || node.int("ceil_mode").unwrap_or(0) != 0
            {
                return Err("padded or ceil-mode average pooling is not supported".into());
            }
            Op::AveragePool {
                kernel: (k[0] as usize, k[1] as usize),
                stride: (s[0] as usize, s[1] as usize),
            }
        }
        "Shape" => Op::Shape,
        "Slice" => Op::Slice {
            attrs: node.ints("starts").map(|s| {
                (
                    s.to_vec(),
                    node.ints("ends").unwrap_or(&[]).to_vec(),
                    node.ints("axes").map(|a| a.to_vec()),
                )
            }),
        },
        "Squeeze" => Op::Squeeze {
            axes: node.ints("axes").map(|a| a.to_vec()),
        },
        "Unsqueeze" => Op::Unsqueeze {
            axes: node.ints("axes").map(|a| a.to_vec()),
        },
        "Concat" => Op::Concat {
            axis: node.int("axis").ok_or("Concat without an axis")?,
        },
        "Reshape" => {
            if node.int("allowzero").unwrap_or(0) != 0 {
                return Err("Reshape with allowzero is not supported".into());
            }
            Op::Reshape
        }
        "Transpose" => Op::Transpose {
            perm: node
                .ints("perm")
                .map(|p| p.iter().map(|&v| v as usize).collect()),
        },
        "ReduceMean" => Op::ReduceMean {
            axes: node.ints("axes").map(|a| a.to_vec()),
            keepdims: node.int("keepdims").unwrap_or(1) != 0,
        },
        "MatMul" => Op::MatMul,
        "Softmax" => Op::Softmax {
            axis: node
                .int("axis")
                .unwrap_or(if graph.opset < 13 { 1 } else { -1 }),
            flatten: graph.opset < 13,
        },
        "Resize" => {
            let mode = node.string("mode").unwrap_or_else(|| "nearest".into());
            let transform = node
                .string("coordinate_transformation_mode")
                .unwrap_or_else(|| "half_pixel".into());
            let rounding = node
                .string("nearest_mode")
                .unwrap_or_else(|| "round_prefer_floor".into());
            if mode != "nearest" || transform != "asymmetric" || rounding != "floor" {
                return Err(format!(
                    "Resize {mode}/{transform}/{rounding}: only nearest/asymmetric/floor is supported"
                ));
            }
            Op::Resize
        }
        "Split" => Op::Split {
            axis: node.int("axis").unwrap_or(0),
            sizes: node.ints("split").map(|s| s.to_vec()),
        },
        "Identity" | "Dropout" => Op::Identity,
        other => {
            return Err(format!(
                "operator {other} is not supported by the candle backend; use the ONNX Runtime backend (--backend ort)"
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
