//! The MiniLM embedder on candle and its batching queue, with the real model.

use crate::common;

use ledgerline::embed::{DIMENSIONS, EmbedQueue, QueueParams};

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn texts(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn vectors_are_unit_length_and_similar_texts_are_close() {
    let embedder = common::embedder();
    let v = embedder
        .embed(&texts(&[
            "Acme Office Supply: desk chairs",
            "Acme Office Supply: office chairs",
            "Globex Airline: flight ticket to Berlin",
        ]))
        .unwrap();
    assert_eq!(v.len(), 3);
    for vector in &v {
        assert_eq!(vector.len(), DIMENSIONS);
        let norm = cosine(vector, vector).sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "{norm}");
    }
    let near = cosine(&v[0], &v[1]);
    let far = cosine(&v[0], &v[2]);
    assert!(near > 0.8 && far < near - 0.3, "near {near}, far {far}");
}

#[test]
fn a_padded_batch_gives_the_same_vectors_as_single_texts() {
    let embedder = common::embedder();
    let items = texts(&[
        "bank charges",
        "annual software subscription for forty user seats, renewed in March",
        "hvac repair",
    ]);
    let batch = embedder.embed(&items).unwrap();
    for (text, batched) in items.iter().zip(&batch) {
        let single = embedder.embed(std::slice::from_ref(text)).unwrap();
        assert!(cosine(&single[0], batched) > 0.9999, "{text}");
    }
}

/// The packed encoder against candle-transformers' padded BERT on the same weights, pooled
/// the way sentence-transformers pools all-MiniLM-L6-v2 (mask-weighted mean, then L2).
#[test]
fn packed_encoder_matches_the_reference_bert() {
    use candle_core::{DType, Device, Tensor};
    use candle_transformers::models::bert::{BertModel, Config};

    let repo = common::model_cache()
        .hf_cache()
        .model(ledgerline::embed::MODEL_ID.to_string());
    let file = |name: &str| repo.get(name).expect("run `ledgerline models fetch` first");
    let config: Config =
        serde_json::from_str(&std::fs::read_to_string(file("config.json")).unwrap()).unwrap();
    let weights = std::fs::read(file("model.safetensors")).unwrap();
    let vb = candle_nn::VarBuilder::from_buffered_safetensors(weights, DType::F32, &Device::Cpu)
        .unwrap();
    let reference = BertModel::load(vb, &config).unwrap();
    let mut tokenizer = tokenizers::Tokenizer::from_file(file("tokenizer.json")).unwrap();
    // The file pads every text to 128 tokens; the reference runs each text unpadded instead.
    tokenizer.with_padding(None);

    // Lengths from two tokens (an empty text) to a long memo, in one packed call.
    let items = texts(&[
        "",
        "rent",
        "Initech consulting: quarterly retainer, Q3 2026 (PO 4471-B)",
        "Globex Airline flight BER-SFO, economy, 2 pax; seat upgrade refunded",
        "hvac repair",
    ]);
    let ours = common::embedder().embed(&items).unwrap();
    for (text, vector) in items.iter().zip(&ours) {
        let ids = tokenizer
            .encode(text.as_str(), true)
            .unwrap()
            .get_ids()
            .to_vec();
        let n = ids.len();
        let ids = Tensor::from_vec(ids, (1, n), &Device::Cpu).unwrap();
        let types = ids.zeros_like().unwrap();
        let hidden = reference.forward(&ids, &types, None).unwrap();
        let mean = (hidden.sum(1).unwrap() / n as f64).unwrap();
        let mean: Vec<f32> = mean.flatten_all().unwrap().to_vec1().unwrap();
        let norm = cosine(&mean, &mean).sqrt();
        let expected: Vec<f32> = mean.iter().map(|x| x / norm).collect();
        let worst = vector
            .iter()
            .zip(&expected)
            .map(|(a, b)| (a - b).abs())
            .fold(0f32, f32::max);
        assert!(worst < 1e-4, "{text:?}: largest difference {worst}");
    }
}

#[test]
fn texts_beyond_one_packed_run_are_embedded_in_order() {
    let embedder = common::embedder();
    // About 11 tokens each: 500 of them overflow one run of packed tokens.
    let items: Vec<String> = (0..500)
        .map(|i| format!("invoice {i} courier delivery to warehouse {}", i % 7))
        .collect();
    let batch = embedder.embed(&items).unwrap();
    assert_eq!(batch.len(), items.len());
    for i in [0, 1, 250, 371, 499] {
        let single = embedder.embed(std::slice::from_ref(&items[i])).unwrap();
        assert!(cosine(&single[0], &batch[i]) > 0.9999, "{}", items[i]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_share_model_calls() {
    let queue = EmbedQueue::start(common::embedder(), QueueParams::default());
    let phrases = ["monthly office rent", "courier delivery", "legal fees"];
    let expected = common::embedder().embed(&texts(&phrases)).unwrap();
    let tasks: Vec<_> = (0..48)
        .map(|i| {
            let queue = queue.clone();
            let text = phrases[i % 3].to_string();
            tokio::spawn(async move { (i % 3, queue.embed(vec![text]).await) })
        })
        .collect();
    for task in tasks {
        let (which, result) = task.await.unwrap();
        let vector = result.unwrap().pop().unwrap();
        assert!(cosine(&vector, &expected[which]) > 0.9999);
    }
    let calls = queue.model_calls();
    assert!(
        calls < 48,
        "48 requests took {calls} model calls: no batching"
    );
}
