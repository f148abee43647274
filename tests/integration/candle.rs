//! The candle backend against ONNX Runtime on CPU: the same network inputs, recorded from real
//! fixture pages going through the OCR pipeline, must give the same outputs within a stated
//! tolerance, and reading the fixture corpus must give the same character error rate.

use crate::common;

use std::sync::{Arc, Mutex};

use ledgerline::decode::MediaType;
use ledgerline::infer::{
    Backend, BackendChoice, BackendError, BestClass, CandleBackend, CandleOptions, Net, OrtBackend,
    OrtOptions, Precision, Tensor,
};
use ledgerline::read::{Reader, ReaderOptions};

const NETS: [Net; 4] = [Net::Detect, Net::Orient, Net::Recognize, Net::Layout];

/// Largest absolute difference allowed between the two backends' outputs. Every output is a
/// probability (sigmoid or softmax); float summation order differs between the two, nothing else.
const TOLERANCE: f32 = 2e-3;

/// Passes calls to ONNX Runtime and keeps every input and output.
struct Recorder {
    inner: OrtBackend,
    calls: Mutex<Vec<(Net, Tensor, Vec<Tensor>)>>,
}

impl Backend for Recorder {
    fn describe(&self) -> String {
        self.inner.describe()
    }
    fn run(&self, net: Net, input: Tensor) -> Result<Vec<Tensor>, BackendError> {
        let out = self.inner.run(net, input.clone())?;
        self.calls.lock().unwrap().push((net, input, out.clone()));
        Ok(out)
    }
}

fn dictionary() -> String {
    ledgerline::read::recognizer_dictionary(&common::model_cache(), Default::default()).unwrap()
}

fn candle() -> CandleBackend {
    CandleBackend::load(&common::model_cache(), &NETS, &CandleOptions::default())
        .expect("the candle backend loads all four networks")
}

fn max_abs_diff(a: &Tensor, b: &Tensor) -> f32 {
    assert_eq!(a.shape, b.shape);
    a.data
        .iter()
        .zip(&b.data)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

#[test]
fn candle_matches_onnx_runtime_on_every_network() {
    let recorder = Arc::new(Recorder {
        inner: OrtBackend::load(
            &common::runtime(),
            &common::model_cache(),
            &NETS,
            &OrtOptions { intra_threads: 1 },
        )
        .unwrap(),
        calls: Mutex::new(Vec::new()),
    });
    let reader = Reader::with_backend(
        common::runtime(),
        recorder.clone(),
        &dictionary(),
        ReaderOptions::default(),
    );
    // A scanned PDF and a PNG: detection, orientation, recognition and layout all run.
    for name in ["inv-classic-001.scan.pdf", "inv-classic-006.p1.png"] {
        let path = common::documents().join(name);
        let bytes = std::fs::read(&path).unwrap();
        reader
            .read(&bytes, MediaType::from_extension(&path).unwrap())
            .unwrap();
    }
    let calls = recorder.calls.lock().unwrap();
    let candle = candle();
    let mut worst = std::collections::HashMap::new();
    let (mut steps, mut argmax_differs) = (0usize, 0usize);
    for (net, input, want) in calls.iter() {
        let got = candle.run(*net, input.clone()).unwrap();
        assert_eq!(got.len(), want.len(), "{net:?} output count");
        for (g, w) in got.iter().zip(want) {
            let diff = max_abs_diff(g, w);
            let entry = worst.entry(format!("{net:?}")).or_insert(0f32);
            *entry = entry.max(diff);
            assert!(
                diff <= TOLERANCE,
                "{net:?} on {:?}: outputs differ by {diff}",
                input.shape
            );
        }
        if *net == Net::Recognize {
            // The decoded characters come from the arg-max per timestep.
            let classes = want[0].shape[2];
            for (g, w) in got[0]
                .data
                .chunks(classes)
                .zip(want[0].data.chunks(classes))
            {
                let best = |row: &[f32]| {
                    row.iter()
                        .enumerate()
                        .fold((0, f32::MIN), |b, (i, &v)| if v > b.1 { (i, v) } else { b })
                        .0
                };
                steps += 1;
                argmax_differs += usize::from(best(g) != best(w));
            }
        }
    }
    for net in NETS {
        assert!(
            worst.contains_key(&format!("{net:?}")),
            "{net:?} was never called"
        );
    }
    // Half precision (for CUDA) on the first recognition batches: the reductions run in f32,
    // so the decoded classes stay the same at nearly every timestep.
    let half = CandleBackend::load(
        &common::model_cache(),
        &[Net::Recognize],
        &CandleOptions {
            precision: Precision::F16,
            ..Default::default()
        },
    )
    .unwrap();
    let (mut half_steps, mut half_differs) = (0usize, 0usize);
    for (_, input, want) in calls.iter().filter(|c| c.0 == Net::Recognize).take(6) {
        let got = half.run_best_class(Net::Recognize, input.clone()).unwrap();
        let reference = BestClass::of(&want[0]);
        assert_eq!(got.shape, reference.shape);
        half_steps += got.index.len();
        half_differs += got
            .index
            .iter()
            .zip(&reference.index)
            .filter(|(a, b)| a != b)
            .count();
    }
    eprintln!("f16 recognition: {half_differs} of {half_steps} timesteps differ");
    assert!(half_steps > 0 && half_differs * 100 <= half_steps);
    eprintln!("largest difference per network: {worst:?}");
    eprintln!("recognition timesteps with a different best class: {argmax_differs} of {steps}");
    assert!(
        argmax_differs * 1000 <= steps,
        "{argmax_differs} of {steps} timesteps decode differently"
    );
}

#[test]
fn reading_the_corpus_on_candle_gives_the_same_character_error_rate() {
    let dir = common::documents();
    let variants = vec!["scanned_pdf".to_string(), "jpeg".to_string()];
    let ort = common::reader();
    let candle = Reader::new(
        common::runtime(),
        &common::model_cache(),
        ReaderOptions {
            backend: BackendChoice::Candle(CandleOptions::default()),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(candle.backend().describe().starts_with("candle cpu f32"));
    let a =
        ledgerline::eval::ocr::evaluate(&ort, &dir, Some(3), Some(&variants), |_, _| {}).unwrap();
    let b = ledgerline::eval::ocr::evaluate(&candle, &dir, Some(3), Some(&variants), |_, _| {})
        .unwrap();
    for v in &variants {
        let (x, y) = (a.get(v).unwrap(), b.get(v).unwrap());
        eprintln!(
            "{v}: CER onnxruntime {:.3}%, candle {:.3}% over {} pages",
            100.0 * x.cer(),
            100.0 * y.cer(),
            y.pages
        );
        assert!(x.pages > 0 && x.failures.is_empty() && y.failures.is_empty());
        assert!(
            (x.cer() - y.cer()).abs() <= 0.001,
            "{v}: CER {} on ONNX Runtime but {} on candle",
            x.cer(),
            y.cer()
        );
    }
}

#[test]
fn candle_refuses_what_it_cannot_run() {
    // A file that is not a model is refused at load, naming the file.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("det.onnx");
    std::fs::write(&bad, b"\x08\x07 definitely not a graph").unwrap();
    let err = match CandleBackend::from_files(&[(Net::Detect, bad)], &CandleOptions::default()) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("a corrupt model loaded"),
    };
    assert!(err.contains("det.onnx"), "{err}");
    // CUDA on a build without it (or a machine without a GPU) is a clear load error.
    if !cfg!(feature = "cuda") {
        let options = CandleOptions {
            device: "cuda".parse().unwrap(),
            ..Default::default()
        };
        let err = match CandleBackend::load(&common::model_cache(), &[Net::Detect], &options) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("CUDA loaded without the cuda feature"),
        };
        assert!(err.contains("--features cuda"), "{err}");
    }
    // A wrong input shape is an error, not a panic.
    let backend = candle();
    let err = backend
        .run(Net::Recognize, Tensor::new(vec![1, 2, 3], vec![0.0; 6]))
        .unwrap_err();
    assert!(matches!(err, BackendError::Run { .. }), "{err}");
}
