//! From ONNX nodes to operators: attributes read, constants moved to the device, and anything
//! unsupported refused when the network loads.

use super::*;

pub(super) fn constant<'a>(graph: &'a Graph, node: &Node, k: usize) -> Option<&'a HostTensor> {
    node.inputs
        .get(k)
        .filter(|n| !n.is_empty())
        .and_then(|n| graph.constants.get(n))
}

pub(super) fn constant_f32<'a>(
    graph: &'a Graph,
    node: &Node,
    k: usize,
    what: &str,
) -> R<(&'a [usize], &'a [f32])> {
    match constant(graph, node, k) {
        Some(HostTensor::F32 { dims, data }) => Ok((dims, data)),
        _ => Err(EvalError::Unsupported(format!(
            "the {what} must be a float constant of the graph"
        ))),
    }
}

pub(super) fn prepare_op(node: &Node, graph: &Graph, device: &Device, dtype: DType) -> R<Op> {
    let to_device = |dims: &[usize], data: &[f32]| device_tensor(dims, data, device, dtype);
    let channel_vector = |data: &[f32]| to_device(&[1, data.len(), 1, 1], data);
    Ok(match node.op.as_str() {
        "Conv" => {
            if node
                .ints("dilations")
                .is_some_and(|d| d.iter().any(|&v| v != 1))
            {
                return Err(EvalError::Unsupported(
                    "dilated convolutions are not supported".into(),
                ));
            }
            let (wd, w) = constant_f32(graph, node, 1, "weight")?;
            if wd.len() != 4 {
                return Err(EvalError::Unsupported(format!(
                    "a {}-dimensional kernel; only 2-D convolutions run",
                    wd.len()
                )));
            }
            let bias = match constant(graph, node, 2) {
                Some(HostTensor::F32 { data, .. }) => Some(channel_vector(data)?),
                Some(_) => {
                    return Err(EvalError::Unsupported(
                        "the bias must be a float constant".into(),
                    ));
                }
                None => None,
            };
            let s = node.ints("strides").unwrap_or(&[1, 1]);
            let same_pads;
            let p = match node.string("auto_pad").as_deref() {
                None | Some("NOTSET") => node.ints("pads").unwrap_or(&[0, 0, 0, 0]),
                Some("VALID") => &[0, 0, 0, 0],
                // At stride 1 the padding that keeps the size is the same for any input: the
                // kernel less one, the odd one after (SAME_UPPER) or before (SAME_LOWER).
                Some(mode @ ("SAME_UPPER" | "SAME_LOWER"))
                    if wd.len() == 4 && s.iter().all(|&v| v == 1) =>
                {
                    let split = |k: usize| {
                        let (before, after) = same_padding(k - 1, mode == "SAME_UPPER");
                        (before as i64, after as i64)
                    };
                    let ((top, bottom), (left, right)) = (split(wd[2]), split(wd[3]));
                    same_pads = [top, left, bottom, right];
                    &same_pads
                }
                Some(other) => {
                    return Err(EvalError::Unsupported(format!(
                        "auto_pad {other} is supported at stride 1 only; export with explicit pads"
                    )));
                }
            };
            if p.len() != 4 || s.len() != 2 {
                return Err(EvalError::Invalid(format!(
                    "pads {p:?} and strides {s:?} are not 2-D"
                )));
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
                return Err(EvalError::Unsupported(
                    "only ungrouped, undilated, square transposed convolutions are supported"
                        .into(),
                ));
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
        "Erf" => Op::Erf,
        "GlobalAveragePool" => Op::GlobalAveragePool,
        "MaxPool" => {
            let k = node.ints("kernel_shape").unwrap_or(&[]);
            let s = node.ints("strides").unwrap_or(&[1, 1]);
            let same = match node.string("auto_pad").as_deref() {
                None | Some("NOTSET") | Some("VALID") => None,
                Some("SAME_UPPER") => Some(true),
                Some("SAME_LOWER") => Some(false),
                Some(other) => {
                    return Err(EvalError::Unsupported(format!(
                        "max pooling with auto_pad {other} is not supported"
                    )));
                }
            };
            if k.len() != 2
                || s.len() != 2
                || node.ints("pads").is_some_and(|p| p.iter().any(|&v| v != 0))
                || node.int("ceil_mode").unwrap_or(0) != 0
                || node
                    .ints("dilations")
                    .is_some_and(|d| d.iter().any(|&v| v != 1))
            {
                return Err(EvalError::Unsupported(
                    "only 2-D max pooling without explicit pads, ceil mode or dilation is supported"
                        .into(),
                ));
            }
            Op::MaxPool {
                kernel: (k[0] as usize, k[1] as usize),
                stride: (s[0] as usize, s[1] as usize),
                same,
            }
        }
        "AveragePool" => {
            let k = node.ints("kernel_shape").unwrap_or(&[]);
            let s = node.ints("strides").unwrap_or(&[1, 1]);
            if k.len() != 2 || s.len() != 2 {
                return Err(EvalError::Unsupported(
                    "only 2-D average pooling is supported".into(),
                ));
            }
            if node.ints("pads").is_some_and(|p| p.iter().any(|&v| v != 0))
                || node.int("ceil_mode").unwrap_or(0) != 0
            {
                return Err(EvalError::Unsupported(
                    "padded or ceil-mode average pooling is not supported".into(),
                ));
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
            axis: node
                .int("axis")
                .ok_or_else(|| EvalError::Invalid("Concat without an axis".into()))?,
        },
        "Reshape" => {
            if node.int("allowzero").unwrap_or(0) != 0 {
                return Err(EvalError::Unsupported(
                    "Reshape with allowzero is not supported".into(),
                ));
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
                return Err(EvalError::Unsupported(format!(
                    "Resize {mode}/{transform}/{rounding}: only nearest/asymmetric/floor is supported"
                )));
            }
            Op::Resize
        }
        "Split" => Op::Split {
            axis: node.int("axis").unwrap_or(0),
            sizes: node.ints("split").map(|s| s.to_vec()),
        },
        "Identity" | "Dropout" => Op::Identity,
        other => {
            return Err(EvalError::Unsupported(format!(
                "operator {other} is not supported by the candle backend"
            )));
        }
    })
}
