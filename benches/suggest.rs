//! Embedding throughput (MiniLM on CPU at batch 1, 32 and 256) and suggestion search latency
//! with 20,000 indexed lines. The 1,000,000-line figure is an evaluation command, because
//! building that index takes longer than a bench run should:
//! `ledgerline eval index-latency --lines 1000000`.

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ledgerline::embed::{DIMENSIONS, Embedder};
use ledgerline::history::{Date, HistoryRecord};
use ledgerline::index::{EdgeIndex, IndexedLine, Query, VectorIndex};
use ledgerline::models::{Manifest, ModelCache};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;

fn embedder() -> Embedder {
    let root = std::env::var_os("LEDGERLINE_MODELS_DIR")
        .map(Into::into)
        .unwrap_or_else(ModelCache::default_root);
    Embedder::from_cache(&ModelCache::new(root, Manifest::embedded()))
        .expect("run `ledgerline models fetch` first")
}

fn embeddings(c: &mut Criterion) {
    let embedder = embedder();
    let words = [
        "annual",
        "software",
        "subscription",
        "courier",
        "delivery",
        "office",
        "rent",
        "legal",
        "fees",
        "hotel",
        "accommodation",
        "Acme",
        "Globex",
        "Initech",
        "consulting",
    ];
    let mut rng = StdRng::seed_from_u64(1);
    let mut group = c.benchmark_group("embed");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    for batch in [1usize, 32, 256] {
        let texts: Vec<String> = (0..batch)
            .map(|_| {
                (0..rng.random_range(3..9))
                    .map(|_| words[rng.random_range(0..words.len())])
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        group.throughput(Throughput::Elements(batch as u64));
        group.bench_function(format!("batch {batch}"), |b| {
            b.iter(|| embedder.embed(&texts).unwrap())
        });
    }
    group.finish();
}

fn unit(rng: &mut StdRng) -> Vec<f32> {
    let v: Vec<f32> = (0..DIMENSIONS)
        .map(|_| rng.random_range(-1.0..1.0))
        .collect();
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    v.into_iter().map(|x| x / n).collect()
}

fn search(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let index = EdgeIndex::open(dir.path()).unwrap();
    let mut rng = StdRng::seed_from_u64(2);
    runtime.block_on(async {
        for chunk in 0..20 {
            let lines = (0..1000)
                .map(|i| IndexedLine {
                    record: HistoryRecord {
                        line_id: format!("{chunk}-{i}"),
                        company: "BENCH".into(),
                        entity: Some("US".into()),
                        posting_date: Date::new(2024, 5, 1).unwrap(),
                        amount: Decimal::new(12_345, 2),
                        memo: "synthetic".into(),
                        vendor_id: None,
                        vendor_name: Some(format!("Vendor {}", i % 300)),
                        account: format!("{}", 6000 + i % 40),
                        department: Some("ENG".into()),
                        location: Some("NYC".into()),
                        project: None,
                        class: None,
                        customer: None,
                        modified_at: String::new(),
                    },
                    vector: unit(&mut rng),
                })
                .collect();
            index.upsert(lines).await.unwrap();
        }
        index.optimize().await.unwrap();
    });
    let queries: Vec<Vec<f32>> = (0..64).map(|_| unit(&mut rng)).collect();
    let mut n = 0;
    c.bench_function("search 20k lines, k=40", |b| {
        b.iter(|| {
            n = (n + 1) % queries.len();
            runtime
                .block_on(index.search(Query {
                    company: "BENCH".into(),
                    entity: None,
                    vector: queries[n].clone(),
                    limit: 40,
                }))
                .unwrap()
        })
    });
}

criterion_group!(benches, embeddings, search);
criterion_main!(benches);
