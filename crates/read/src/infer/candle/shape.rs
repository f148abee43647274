//! Shape arithmetic of exported graphs: axes, reshapes, slices and integer tensors kept on the
//! host.

use super::*;

pub(super) fn axis(a: i64, rank: i64) -> R<usize> {
    let v = if a < 0 { a + rank } else { a };
    if v < 0 || v >= rank.max(1) {
        return Err(EvalError::Invalid(format!(
            "axis {a} is out of range for rank {rank}"
        )));
    }
    Ok(v as usize)
}

pub(super) fn value_dims(v: &Value) -> Vec<usize> {
    match v {
        Value::F(t) => t.dims().to_vec(),
        Value::I { dims, .. } => dims.clone(),
    }
}

pub(super) fn reshape_value(v: &Value, dims: Vec<usize>) -> R<Value> {
    match v {
        Value::F(t) => t.reshape(dims).map(Value::F).map_err(err),
        Value::I { data, .. } => {
            if dims.iter().product::<usize>() != data.len() {
                return Err(EvalError::Invalid(format!(
                    "cannot reshape {} values to {dims:?}",
                    data.len()
                )));
            }
            Ok(Value::I {
                dims,
                data: data.clone(),
            })
        }
    }
}

/// ONNX Reshape: 0 copies the input's dimension, -1 takes what is left.
pub(super) fn reshape_target(dims: &[usize], spec: &[i64]) -> R<Vec<usize>> {
    let total: usize = dims.iter().product();
    let mut out = Vec::with_capacity(spec.len());
    let mut hole = None;
    for (i, &s) in spec.iter().enumerate() {
        match s {
            0 => out.push(*dims.get(i).ok_or_else(|| {
                EvalError::Invalid("Reshape copies a dimension the input lacks".into())
            })?),
            -1 => {
                hole = Some(i);
                out.push(1);
            }
            s if s > 0 => out.push(s as usize),
            s => {
                return Err(EvalError::Unsupported(format!(
                    "Reshape to a dimension of {s}"
                )));
            }
        }
    }
    if let Some(i) = hole {
        let known: usize = out.iter().product();
        if known == 0 || !total.is_multiple_of(known) {
            return Err(EvalError::Invalid(format!(
                "cannot reshape {dims:?} to {spec:?}"
            )));
        }
        out[i] = total / known;
    }
    if out.iter().product::<usize>() != total {
        return Err(EvalError::Invalid(format!(
            "cannot reshape {dims:?} to {spec:?}"
        )));
    }
    Ok(out)
}

pub(super) fn slice(
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
            return Err(EvalError::Unsupported(format!(
                "Slice with step {step} is not supported"
            )));
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
                return Err(EvalError::Unsupported(
                    "integer Slice of more than one dimension".into(),
                ));
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

pub(super) fn int_binary(op: &Op, da: &[usize], a: &[i64], db: &[usize], b: &[i64]) -> R<Value> {
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
        return Err(EvalError::Unsupported(format!(
            "integer arithmetic on shapes {da:?} and {db:?}"
        )));
    };
    Ok(Value::I { dims, data })
}

/// Every `step`-th element along `dim`, starting at `offset`.
pub(super) fn subsample(
    x: &CTensor,
    dim: usize,
    offset: usize,
    step: usize,
) -> candle_core::Result<CTensor> {
    if step == 1 && offset == 0 {
        return Ok(x.clone());
    }
    let size = x.dim(dim)?;
    let count = (size.saturating_sub(offset)).div_ceil(step) as u32;
    let index =
        CTensor::arange_step(0u32, count, 1, x.device())?.affine(step as f64, offset as f64)?;
    x.contiguous()?.index_select(&index, dim)
}
