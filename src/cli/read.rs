//! `ocr` and `extract`: documents in, page models or extractions out as JSON.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use ledgerline::decode::MediaType;
use ledgerline::read::{Reader, ReaderOptions};
use ledgerline::runtime::NativeRuntime;

use super::Globals;

/// How documents are read, shared by the commands that read them.
#[derive(Debug, Clone, clap::Args)]
pub struct ReadArgs {
    /// Media type; by default from the file extension.
    #[arg(long)]
    pub media_type: Option<String>,
    /// OCR PDF pages even when they have a text layer.
    #[arg(long)]
    force_ocr: bool,
    /// Rendering resolution for PDF pages that need OCR.
    #[arg(long, default_value_t = 300.0)]
    dpi: f32,
    /// ONNX Runtime threads per model call [default: all cores].
    #[arg(long, env = "LEDGERLINE_OCR_THREADS")]
    threads: Option<usize>,
    /// Skip the layout model.
    #[arg(long)]
    no_layout: bool,
    /// Longest side of the text detector's input.
    #[arg(long, default_value_t = ledgerline::ocr::DetectParams::default().max_side)]
    det_max_side: u32,
    /// Line crops per recognition call.
    #[arg(long, default_value_t = ledgerline::ocr::OcrParams::default().rec_batch)]
    rec_batch: usize,
    /// Text recognition network: ppocrv6 (PP-OCRv6 small) or ppocrv5 (PP-OCRv5 mobile).
    #[arg(long, env = "LEDGERLINE_RECOGNIZER", default_value = "ppocrv6")]
    recognizer: String,
    /// Inference backend for the OCR and layout networks: ort (ONNX Runtime, CPU) or candle.
    #[arg(long, env = "LEDGERLINE_BACKEND", default_value = "ort")]
    backend: String,
    /// Device for the candle backend: cpu, cuda or cuda:N (CUDA needs a `--features cuda` build).
    #[arg(long, env = "LEDGERLINE_DEVICE", default_value = "cpu")]
    device: String,
    /// Precision for the candle backend: f32, or f16 on CUDA.
    #[arg(long, env = "LEDGERLINE_PRECISION", default_value = "f32")]
    precision: String,
}

pub fn ocr(
    files: &[PathBuf],
    summary: bool,
    args: &ReadArgs,
    globals: &Globals,
) -> anyhow::Result<()> {
    let reader = reader(globals, args)?;
    let load = |file: &PathBuf| -> anyhow::Result<(Vec<u8>, MediaType)> {
        let media = media_type(file, args.media_type.as_deref())?;
        let bytes =
            std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        Ok((bytes, media))
    };
    let mut out = std::io::stdout().lock();
    if summary {
        // The first read pays for lazy initialisation inside ONNX Runtime; leave it out.
        let (bytes, media) = load(&files[0])?;
        reader.read(&bytes, media)?;
        let started = std::time::Instant::now();
        let (mut pages, mut lines) = (0usize, 0usize);
        for file in files {
            let (bytes, media) = load(file)?;
            let read = reader.read(&bytes, media)?;
            pages += read.len();
            lines += read.iter().map(|p| p.lines.len()).sum::<usize>();
        }
        let seconds = started.elapsed().as_secs_f64();
        writeln!(
            out,
            "ledgerline pages={pages} seconds={seconds:.2} pages_per_second={:.3} lines={lines} backend=\"{}\"",
            pages as f64 / seconds,
            reader.backend().describe()
        )?;
        return Ok(());
    }
    for file in files {
        let (bytes, media) = load(file)?;
        let pages = reader.read(&bytes, media)?;
        serde_json::to_writer_pretty(
            &mut out,
            &serde_json::json!({ "file": file, "pages": pages }),
        )?;
        writeln!(out)?;
    }
    Ok(())
}

pub fn extract(files: &[PathBuf], args: &ReadArgs, globals: &Globals) -> anyhow::Result<()> {
    let reader = reader(globals, args)?;
    let mut out = std::io::stdout().lock();
    for file in files {
        let bytes =
            std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        let media = match args.media_type.as_deref() {
            Some(given) => media_type(file, Some(given))?,
            // By content first: an e-invoice is XML whatever its name.
            None => match MediaType::sniff(&bytes) {
                Some(m) => m,
                None => media_type(file, None)?,
            },
        };
        let extraction = reader.understand(&bytes, media)?.extraction;
        serde_json::to_writer_pretty(
            &mut out,
            &serde_json::json!({ "file": file, "extraction": extraction }),
        )?;
        writeln!(out)?;
    }
    Ok(())
}

/// A reader over the model cache, configured by the flags.
pub fn reader(globals: &Globals, args: &ReadArgs) -> anyhow::Result<Reader> {
    let cache = globals.model_cache();
    let runtime = NativeRuntime::bind(&cache)?;
    Ok(Reader::new(runtime, &cache, reader_options(args)?)?)
}

pub fn reader_options(args: &ReadArgs) -> anyhow::Result<ReaderOptions> {
    let mut options = ReaderOptions::default();
    options.decode.force_ocr = args.force_ocr;
    options.decode.render_dpi = args.dpi;
    options.skip_layout = args.no_layout;
    options.ocr.detect.max_side = args.det_max_side;
    options.ocr.rec_batch = args.rec_batch;
    options.ocr.recognizer = args.recognizer.parse().map_err(anyhow::Error::msg)?;
    options.backend =
        ledgerline::infer::BackendChoice::from_flags(&args.backend, &args.device, &args.precision)
            .map_err(anyhow::Error::msg)?;
    if let Some(threads) = args.threads {
        options.ort.intra_threads = threads;
    }
    Ok(options)
}

fn media_type(file: &Path, given: Option<&str>) -> anyhow::Result<MediaType> {
    match given {
        Some(media) => Ok(MediaType::parse(media)?),
        None => MediaType::from_extension(file).with_context(|| {
            format!(
                "cannot tell the type of {} from its extension; pass --media-type",
                file.display()
            )
        }),
    }
}
