//! The MiniLM embedder on candle and its batching queue, with the real model.

mod common;

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
