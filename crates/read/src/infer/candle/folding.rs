//! Graph rewrites done once at load: batch normalisations folded into the convolutions before
//! them.

use super::*;

/// Folds each batch normalisation that only reads a convolution's output into that
/// convolution's weights and bias: one pass over the activations instead of two.
pub(super) fn fold_batch_norms(mut graph: Graph) -> Graph {
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
