//! OCR on one fixture page (a 150 DPI letter invoice, as PNG): detection, recognition of the
//! detected lines, and the whole page (decode, detection, orientation, recognition, layout).

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use ledgerline::decode::MediaType;
use ledgerline::models::{Manifest, ModelCache};
use ledgerline::read::{Reader, ReaderOptions};
use ledgerline::runtime::NativeRuntime;

fn ocr(c: &mut Criterion) {
    let models = std::env::var_os("LEDGERLINE_MODELS_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(ModelCache::default_root);
    let cache = ModelCache::new(models, Manifest::embedded());
    let runtime =
        NativeRuntime::bind(&cache).expect("models installed (cargo run -- models fetch)");
    let reader = Reader::new(runtime, &cache, ReaderOptions::default()).expect("models load");
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/documents/inv-classic-001.p1.png"
    );
    let bytes = std::fs::read(path).unwrap();
    let image = image::load_from_memory(&bytes).unwrap().to_rgb8();
    let boxes = reader.ocr().detect(&image).unwrap();

    let mut group = c.benchmark_group("ocr");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(15));
    group.bench_function("detect", |b| {
        b.iter(|| reader.ocr().detect(&image).unwrap())
    });
    group.bench_function(format!("recognize_{}_lines", boxes.len()), |b| {
        b.iter(|| reader.ocr().recognize_boxes(&image, &boxes).unwrap())
    });
    group.bench_function("page", |b| {
        b.iter(|| reader.read(&bytes, MediaType::Png).unwrap())
    });
    group.finish();
}

criterion_group!(benches, ocr);
criterion_main!(benches);
