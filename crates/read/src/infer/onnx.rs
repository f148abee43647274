//! Reading ONNX files without ONNX Runtime: the protobuf messages of the model format that the
//! candle backend needs (graph, nodes, attributes, initializers), decoded with prost, and the
//! graph they describe. Field numbers follow the ONNX specification (onnx.proto); messages and
//! fields the backend never reads are skipped by the decoder.

use std::collections::HashMap;
use std::path::Path;

use prost::Message;

#[derive(Clone, PartialEq, Message)]
struct ModelProto {
    #[prost(message, optional, tag = "7")]
    graph: Option<GraphProto>,
    #[prost(message, repeated, tag = "8")]
    opset_import: Vec<OperatorSetIdProto>,
}

#[derive(Clone, PartialEq, Message)]
struct OperatorSetIdProto {
    #[prost(string, tag = "1")]
    domain: String,
    #[prost(int64, tag = "2")]
    version: i64,
}

#[derive(Clone, PartialEq, Message)]
struct GraphProto {
    #[prost(message, repeated, tag = "1")]
    node: Vec<NodeProto>,
    #[prost(message, repeated, tag = "5")]
    initializer: Vec<TensorProto>,
    #[prost(message, repeated, tag = "11")]
    input: Vec<ValueInfoProto>,
    #[prost(message, repeated, tag = "12")]
    output: Vec<ValueInfoProto>,
}

#[derive(Clone, PartialEq, Message)]
struct ValueInfoProto {
    #[prost(string, tag = "1")]
    name: String,
}

#[derive(Clone, PartialEq, Message)]
struct NodeProto {
    #[prost(string, repeated, tag = "1")]
    input: Vec<String>,
    #[prost(string, repeated, tag = "2")]
    output: Vec<String>,
    #[prost(string, tag = "3")]
    name: String,
    #[prost(string, tag = "4")]
    op_type: String,
    #[prost(message, repeated, tag = "5")]
    attribute: Vec<AttributeProto>,
}

#[derive(Clone, PartialEq, Message)]
struct AttributeProto {
    #[prost(string, tag = "1")]
    name: String,
    #[prost(float, tag = "2")]
    f: f32,
    #[prost(int64, tag = "3")]
    i: i64,
    #[prost(bytes = "vec", tag = "4")]
    s: Vec<u8>,
    #[prost(message, optional, tag = "5")]
    t: Option<TensorProto>,
    #[prost(float, repeated, tag = "7")]
    floats: Vec<f32>,
    #[prost(int64, repeated, tag = "8")]
    ints: Vec<i64>,
    #[prost(int32, tag = "20")]
    r#type: i32,
}

#[derive(Clone, PartialEq, Message)]
struct TensorProto {
    #[prost(int64, repeated, tag = "1")]
    dims: Vec<i64>,
    #[prost(int32, tag = "2")]
    data_type: i32,
    #[prost(float, repeated, tag = "4")]
    float_data: Vec<f32>,
    #[prost(int32, repeated, tag = "5")]
    int32_data: Vec<i32>,
    #[prost(int64, repeated, tag = "7")]
    int64_data: Vec<i64>,
    #[prost(string, tag = "8")]
    name: String,
    #[prost(bytes = "vec", tag = "9")]
    raw_data: Vec<u8>,
    #[prost(double, repeated, tag = "10")]
    double_data: Vec<f64>,
    #[prost(int32, tag = "14")]
    data_location: i32,
}

// TensorProto.DataType values the networks use.
const FLOAT: i32 = 1;
const INT32: i32 = 6;
const INT64: i32 = 7;
const DOUBLE: i32 = 11;

/// Why an ONNX file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum OnnxError {
    #[error("cannot read {path}: {message}")]
    Io { path: String, message: String },
    #[error("{path} is not an ONNX model ({message}); run `ledgerline models fetch` to restore it")]
    Decode { path: String, message: String },
    #[error("{path}: {message}")]
    Unsupported { path: String, message: String },
}

/// A constant held on the host: weights, shapes, scales.
#[derive(Debug, Clone, PartialEq)]
pub enum HostTensor {
    F32 { dims: Vec<usize>, data: Vec<f32> },
    I64 { dims: Vec<usize>, data: Vec<i64> },
}

impl HostTensor {
    pub fn dims(&self) -> &[usize] {
        match self {
            HostTensor::F32 { dims, .. } | HostTensor::I64 { dims, .. } => dims,
        }
    }
}

/// An attribute value, as the operators read them.
#[derive(Debug, Clone, PartialEq)]
pub enum Attr {
    Float(f32),
    Int(i64),
    Bytes(Vec<u8>),
    Tensor(HostTensor),
    Floats(Vec<f32>),
    Ints(Vec<i64>),
}

/// One operator application. An empty input name is an omitted optional input.
#[derive(Debug, Clone)]
pub struct Node {
    pub name: String,
    pub op: String,
    pub inputs: Vec<String>,
    pub outputs: Vec<String>,
    pub attrs: HashMap<String, Attr>,
}

impl Node {
    pub fn int(&self, name: &str) -> Option<i64> {
        match self.attrs.get(name) {
            Some(Attr::Int(v)) => Some(*v),
            _ => None,
        }
    }
    pub fn float(&self, name: &str) -> Option<f32> {
        match self.attrs.get(name) {
            Some(Attr::Float(v)) => Some(*v),
            _ => None,
        }
    }
    pub fn ints(&self, name: &str) -> Option<&[i64]> {
        match self.attrs.get(name) {
            Some(Attr::Ints(v)) => Some(v),
            _ => None,
        }
    }
    pub fn string(&self, name: &str) -> Option<String> {
        match self.attrs.get(name) {
            Some(Attr::Bytes(v)) => Some(String::from_utf8_lossy(v).into_owned()),
            _ => None,
        }
    }
}

/// Only the metadata of a model file: what [`metadata`] decodes, every other field skipped.
#[derive(Clone, PartialEq, Message)]
struct ModelMetadata {
    #[prost(message, repeated, tag = "14")]
    metadata_props: Vec<StringStringEntryProto>,
}

#[derive(Clone, PartialEq, Message)]
struct StringStringEntryProto {
    #[prost(string, tag = "1")]
    key: String,
    #[prost(string, tag = "2")]
    value: String,
}

/// The key-value metadata a model file carries (a recogniser's `character` list).
pub fn metadata(path: &Path) -> Result<HashMap<String, String>, OnnxError> {
    let bytes = std::fs::read(path).map_err(|e| OnnxError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    let model = ModelMetadata::decode(bytes.as_slice()).map_err(|e| OnnxError::Decode {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    Ok(model
        .metadata_props
        .into_iter()
        .map(|p| (p.key, p.value))
        .collect())
}

/// A decoded model: nodes in topological order (as ONNX requires), constants (initializers and
/// `Constant` nodes, folded together), and the names of the graph's inputs and outputs.
#[derive(Debug, Clone)]
pub struct Graph {
    /// The default-domain operator set the graph was exported for; a few operators (Softmax,
    /// Split) changed meaning between sets.
    pub opset: i64,
    pub nodes: Vec<Node>,
    pub constants: HashMap<String, HostTensor>,
    pub inputs: Vec<String>,
    pub outputs: Vec<String>,
}

impl Graph {
    pub fn load(path: &Path) -> Result<Graph, OnnxError> {
        let bytes = std::fs::read(path).map_err(|e| OnnxError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Graph::decode(&bytes).map_err(|e| match e {
            OnnxError::Decode { message, .. } => OnnxError::Decode {
                path: path.display().to_string(),
                message,
            },
            OnnxError::Unsupported { message, .. } => OnnxError::Unsupported {
                path: path.display().to_string(),
                message,
            },
            other => other,
        })
    }

    pub fn decode(bytes: &[u8]) -> Result<Graph, OnnxError> {
        let decode_error = |message: String| OnnxError::Decode {
            path: String::new(),
            message,
        };
        let model = ModelProto::decode(bytes).map_err(|e| decode_error(e.to_string()))?;
        let graph = model
            .graph
            .ok_or_else(|| decode_error("the file holds no graph".into()))?;
        let opset = model
            .opset_import
            .iter()
            .filter(|o| o.domain.is_empty() || o.domain == "ai.onnx")
            .map(|o| o.version)
            .max()
            .unwrap_or(1);
        let mut constants = HashMap::new();
        for t in &graph.initializer {
            constants.insert(t.name.clone(), host_tensor(t)?);
        }
        let mut nodes = Vec::with_capacity(graph.node.len());
        for n in graph.node {
            let mut attrs = HashMap::new();
            for a in &n.attribute {
                attrs.insert(a.name.clone(), attr(a)?);
            }
            if n.op_type == "Constant" {
                let Some(Attr::Tensor(value)) = attrs.remove("value") else {
                    return Err(unsupported(format!(
                        "Constant node {} without a tensor value",
                        n.name
                    )));
                };
                for out in &n.output {
                    constants.insert(out.clone(), value.clone());
                }
                continue;
            }
            nodes.push(Node {
                name: n.name,
                op: n.op_type,
                inputs: n.input,
                outputs: n.output,
                attrs,
            });
        }
        let inputs = graph
            .input
            .into_iter()
            .map(|v| v.name)
            .filter(|name| !constants.contains_key(name))
            .collect();
        Ok(Graph {
            opset,
            nodes,
            constants,
            inputs,
            outputs: graph.output.into_iter().map(|v| v.name).collect(),
        })
    }
}

fn unsupported(message: String) -> OnnxError {
    OnnxError::Unsupported {
        path: String::new(),
        message,
    }
}

fn attr(a: &AttributeProto) -> Result<Attr, OnnxError> {
    // AttributeProto.AttributeType: FLOAT 1, INT 2, STRING 3, TENSOR 4, FLOATS 6, INTS 7.
    Ok(match a.r#type {
        1 => Attr::Float(a.f),
        2 => Attr::Int(a.i),
        3 => Attr::Bytes(a.s.clone()),
        4 => match &a.t {
            Some(t) => Attr::Tensor(host_tensor(t)?),
            None => return Err(unsupported(format!("attribute {} has no tensor", a.name))),
        },
        6 => Attr::Floats(a.floats.clone()),
        7 => Attr::Ints(a.ints.clone()),
        // Files from old exporters leave the type out: the populated field decides.
        _ => {
            if let Some(t) = &a.t {
                Attr::Tensor(host_tensor(t)?)
            } else if !a.ints.is_empty() {
                Attr::Ints(a.ints.clone())
            } else if !a.floats.is_empty() {
                Attr::Floats(a.floats.clone())
            } else if !a.s.is_empty() {
                Attr::Bytes(a.s.clone())
            } else if a.f != 0.0 {
                Attr::Float(a.f)
            } else {
                Attr::Int(a.i)
            }
        }
    })
}

fn host_tensor(t: &TensorProto) -> Result<HostTensor, OnnxError> {
    if t.data_location == 1 {
        return Err(unsupported(format!(
            "tensor {} keeps its data in an external file, which ledgerline does not read",
            t.name
        )));
    }
    let dims: Vec<usize> = t.dims.iter().map(|&d| d.max(0) as usize).collect();
    let count: usize = dims.iter().product();
    let raw = &t.raw_data;
    let tensor = match t.data_type {
        FLOAT => {
            let data: Vec<f32> = if !raw.is_empty() {
                raw.chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect()
            } else {
                t.float_data.clone()
            };
            HostTensor::F32 { dims, data }
        }
        DOUBLE => {
            let data: Vec<f32> = if !raw.is_empty() {
                raw.chunks_exact(8)
                    .map(|b| f64::from_le_bytes(b.try_into().unwrap_or([0; 8])) as f32)
                    .collect()
            } else {
                t.double_data.iter().map(|&v| v as f32).collect()
            };
            HostTensor::F32 { dims, data }
        }
        INT64 => {
            let data: Vec<i64> = if !raw.is_empty() {
                raw.chunks_exact(8)
                    .map(|b| i64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
                    .collect()
            } else {
                t.int64_data.clone()
            };
            HostTensor::I64 { dims, data }
        }
        INT32 => {
            let data: Vec<i64> = if !raw.is_empty() {
                raw.chunks_exact(4)
                    .map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as i64)
                    .collect()
            } else {
                t.int32_data.iter().map(|&v| v as i64).collect()
            };
            HostTensor::I64 { dims, data }
        }
        other => {
            return Err(unsupported(format!(
                "tensor {} has element type {other}; only float and integer tensors are read",
                t.name
            )));
        }
    };
    let len = match &tensor {
        HostTensor::F32 { data, .. } => data.len(),
        HostTensor::I64 { data, .. } => data.len(),
    };
    if len != count {
        return Err(OnnxError::Decode {
            path: String::new(),
            message: format!(
                "tensor {} declares {count} elements but holds {len}",
                t.name
            ),
        });
    }
    Ok(tensor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn float_tensor(name: &str, dims: Vec<i64>, values: &[f32]) -> TensorProto {
        TensorProto {
            dims,
            data_type: FLOAT,
            name: name.into(),
            raw_data: values.iter().flat_map(|v| v.to_le_bytes()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn decodes_nodes_constants_and_attributes() {
        let model = ModelProto {
            opset_import: vec![OperatorSetIdProto {
                domain: String::new(),
                version: 11,
            }],
            graph: Some(GraphProto {
                node: vec![
                    NodeProto {
                        output: vec!["two".into()],
                        op_type: "Constant".into(),
                        attribute: vec![AttributeProto {
                            name: "value".into(),
                            t: Some(TensorProto {
                                dims: vec![1],
                                data_type: INT64,
                                int64_data: vec![2],
                                ..Default::default()
                            }),
                            ..Default::default()
                        }],
                        ..Default::default()
                    },
                    NodeProto {
                        input: vec!["x".into(), "w".into()],
                        output: vec!["y".into()],
                        op_type: "Conv".into(),
                        attribute: vec![AttributeProto {
                            name: "pads".into(),
                            ints: vec![0, 1, 0, 1],
                            ..Default::default()
                        }],
                        ..Default::default()
                    },
                ],
                initializer: vec![float_tensor("w", vec![1, 1, 1, 2], &[0.5, -1.5])],
                input: vec![
                    ValueInfoProto { name: "x".into() },
                    ValueInfoProto { name: "w".into() },
                ],
                output: vec![ValueInfoProto { name: "y".into() }],
            }),
        };
        let graph = Graph::decode(&model.encode_to_vec()).unwrap();
        assert_eq!(graph.opset, 11);
        assert_eq!(graph.inputs, vec!["x".to_string()]);
        assert_eq!(graph.nodes.len(), 1);
        assert_eq!(graph.nodes[0].ints("pads"), Some(&[0, 1, 0, 1][..]));
        assert_eq!(
            graph.constants["w"],
            HostTensor::F32 {
                dims: vec![1, 1, 1, 2],
                data: vec![0.5, -1.5]
            }
        );
        assert_eq!(
            graph.constants["two"],
            HostTensor::I64 {
                dims: vec![1],
                data: vec![2]
            }
        );
    }

    #[test]
    fn rejects_garbage_and_short_tensors() {
        assert!(matches!(
            Graph::decode(b"\xff\xff\xff not a model"),
            Err(OnnxError::Decode { .. })
        ));
        let model = ModelProto {
            graph: Some(GraphProto {
                initializer: vec![float_tensor("w", vec![3], &[1.0])],
                ..Default::default()
            }),
            ..Default::default()
        };
        let err = Graph::decode(&model.encode_to_vec()).unwrap_err();
        assert!(err.to_string().contains("declares 3 elements"), "{err}");
    }
}
