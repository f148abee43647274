//! One network, prepared: the values flowing through the graph, the operators with their
//! prepared weights, and evaluation node by node.

use super::*;

/// A value flowing through the graph: a tensor on the device, or a small integer tensor (shapes,
/// indices) kept on the host, where the shape arithmetic of exported graphs belongs.
#[derive(Clone)]
pub(super) enum Value {
    F(CTensor),
    I { dims: Vec<usize>, data: Vec<i64> },
}

pub(super) struct Conv {
    pub(super) weight: CTensor,
    pub(super) bias: Option<CTensor>,
    /// Top, left, bottom, right.
    pub(super) pads: [usize; 4],
    pub(super) strides: [usize; 2],
    pub(super) groups: usize,
    /// For depthwise kernels, one (1, C, 1, 1) weight per kernel position.
    pub(super) taps: Option<Vec<CTensor>>,
    pub(super) kernel: [usize; 2],
    /// Depthwise weights (C, kh, kw) and bias on the host, for the direct CPU kernel.
    pub(super) host: Option<(Vec<f32>, Vec<f32>)>,
}

pub(super) enum Op {
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
    Erf,
    GlobalAveragePool,
    AveragePool {
        kernel: (usize, usize),
        stride: (usize, usize),
    },
    /// `same`: padded so the output keeps the input's size over the stride, the extra row or
    /// column after (`Some(true)`, SAME_UPPER) or before (`Some(false)`).
    MaxPool {
        kernel: (usize, usize),
        stride: (usize, usize),
        same: Option<bool>,
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
pub(super) type SliceAttrs = (Vec<i64>, Vec<i64>, Option<Vec<i64>>);

pub(super) struct Step {
    pub(super) node: String,
    pub(super) op: Op,
    pub(super) inputs: Vec<Option<usize>>,
    pub(super) outputs: Vec<usize>,
    /// Slots whose last reader is this step.
    pub(super) release: Vec<usize>,
}

/// One network, prepared for evaluation.
pub(super) struct Program {
    pub(super) slots: usize,
    pub(super) input: usize,
    pub(super) outputs: Vec<usize>,
    pub(super) constants: Vec<(usize, Value)>,
    /// Host copies of small constants (scales, exponents, clip bounds), so no device round trip
    /// is needed to read them.
    pub(super) host: HashMap<usize, Vec<f32>>,
    pub(super) steps: Vec<Step>,
}

impl Program {
    pub(super) fn prepare(path: &Path, device: &Device, dtype: DType) -> R<Program> {
        let graph = fold_batch_norms(Graph::load(path)?);
        let mut names: HashMap<String, usize> = HashMap::new();
        let slot_of = |name: &str, names: &mut HashMap<String, usize>| {
            let next = names.len();
            *names.entry(name.to_string()).or_insert(next)
        };
        let [input] = graph.inputs.as_slice() else {
            return Err(EvalError::Unsupported(format!(
                "the graph takes {} inputs; ledgerline's networks take one",
                graph.inputs.len()
            )));
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
                .map_err(|e| e.at(format!("{} ({})", node.name, node.op)))?;
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
                names.get(n).copied().ok_or_else(|| {
                    EvalError::Invalid(format!("graph output {n} is produced by no node"))
                })
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

    pub(super) fn run(&self, x: CTensor) -> R<Vec<CTensor>> {
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
                .map_err(|e| e.at(step.node.as_str()))?;
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
                None => Err(EvalError::Invalid(
                    "a graph output was never computed".into(),
                )),
            })
            .collect()
    }

    /// The float values of a small input (scales, exponents, bounds).
    pub(super) fn host_floats(
        &self,
        step: &Step,
        k: usize,
        v: Option<&Value>,
    ) -> R<Option<Vec<f32>>> {
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

    pub(super) fn eval(&self, step: &Step, inputs: &[Option<&Value>]) -> R<Vec<Value>> {
        let arg = |k: usize| -> R<&Value> {
            inputs
                .get(k)
                .copied()
                .flatten()
                .ok_or_else(|| EvalError::Invalid(format!("input {k} is missing")))
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
            Op::Erf => one(in_f32(&float(0)?, |t| t.erf()).map_err(err)?),
            Op::MaxPool {
                kernel,
                stride,
                same,
            } => {
                let mut x = float(0)?;
                if let Some(upper) = same {
                    // Repeating the edge pads a max pool exactly as -inf would: every window
                    // that reaches into the padding also holds the edge value it repeats.
                    for (dim, k, s) in [(2, kernel.0, stride.0), (3, kernel.1, stride.1)] {
                        let size = x.dim(dim).map_err(err)?;
                        let total = ((size.div_ceil(s) - 1) * s + k).saturating_sub(size);
                        let (before, after) = same_padding(total, *upper);
                        x = x.pad_with_same(dim, before, after).map_err(err)?;
                    }
                }
                one(x.max_pool2d_with_stride(*kernel, *stride).map_err(err)?)
            }
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
                                return Err(EvalError::Unsupported(
                                    "integer Concat of more than one dimension".into(),
                                ));
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
                    return Err(EvalError::Unsupported(
                        "MatMul of vectors is not supported".into(),
                    ));
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
                    Some(s) => {
                        return Err(EvalError::Invalid(format!(
                            "Resize scales {s:?} are not 4-dimensional"
                        )));
                    }
                    None => {
                        let sizes = ints(3)?;
                        if sizes.len() != 4 {
                            return Err(EvalError::Invalid(format!(
                                "Resize sizes {sizes:?} are not 4-dimensional"
                            )));
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
                    return Err(EvalError::Unsupported(format!(
                        "Resize by {factors:?}: only whole-number upscaling is supported"
                    )));
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

pub(super) fn device_tensor(
    dims: &[usize],
    data: &[f32],
    device: &Device,
    dtype: DType,
) -> R<CTensor> {
    CTensor::from_vec(data.to_vec(), dims.to_vec(), device)
        .and_then(|t| t.to_dtype(dtype))
        .map_err(err)
}

/// Runs a reduction in f32 whatever the working precision: sums over thousands of values (a
/// page-wide average, a softmax over 18,385 classes) lose too much in f16.
/// ONNX's SAME padding of `total` rows or columns: the odd one after (`upper`, SAME_UPPER) or
/// before (SAME_LOWER).
pub(super) fn same_padding(total: usize, upper: bool) -> (usize, usize) {
    let (small, large) = (total / 2, total - total / 2);
    if upper {
        (small, large)
    } else {
        (large, small)
    }
}

pub(super) fn in_f32(
    x: &CTensor,
    f: impl FnOnce(CTensor) -> candle_core::Result<CTensor>,
) -> candle_core::Result<CTensor> {
    if x.dtype() == DType::F32 {
        return f(x.clone());
    }
    f(x.to_dtype(DType::F32)?)?.to_dtype(x.dtype())
}

pub(super) fn hard_sigmoid(x: &CTensor, alpha: f64, beta: f64) -> candle_core::Result<CTensor> {
    x.affine(alpha, beta)?.clamp(0f32, 1f32)
}
