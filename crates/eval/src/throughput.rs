//! `ledgerline eval throughput DIR`: scanned pages per second through OCR and line embeddings
//! per second, on whichever backend and device the reader and embedder were built for.
//!
//! Reading is pipelined: decode workers render pages and prepare the detector's inputs on the
//! CPU while the inference thread runs batches (detection by page size, orientation and
//! recognition across all the batch's lines), so the accelerator does not wait on decoding.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use image::RgbImage;

use super::EvalError;
use ledgerline_read::decode::{self, DecodeOptions, DecodedPage, MediaType};
use ledgerline_read::ocr::{DetectInput, OcrEngine};
use ledgerline_read::runtime::NativeRuntime;
use ledgerline_suggest::embed::Embedder;

/// What to measure.
#[derive(Debug, Clone)]
pub struct ThroughputParams {
    /// Pages to read; the corpus is cycled until there are this many.
    pub pages: usize,
    /// Threads decoding and preparing pages.
    pub workers: usize,
    /// Lines to embed (the lines read, cycled).
    pub embed_lines: usize,
    pub embed_batch: usize,
}

/// The figures.
#[derive(Debug, Clone)]
pub struct ThroughputReport {
    pub backend: String,
    pub pages: usize,
    pub lines: usize,
    pub ocr_seconds: f64,
    pub det_batch: usize,
    pub rec_batch: usize,
    pub embed_device: String,
    pub embed_batch: usize,
    pub embedded: usize,
    pub embed_seconds: f64,
    /// Bytes in use and in total on the GPU after the run, when one was used.
    pub gpu_memory: Option<(u64, u64)>,
}

impl std::fmt::Display for ThroughputReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "ocr backend     {}", self.backend)?;
        writeln!(
            f,
            "ocr             {} pages, {} lines in {:.2} s: {:.2} pages/s (detection batch {}, recognition batch {})",
            self.pages,
            self.lines,
            self.ocr_seconds,
            self.pages as f64 / self.ocr_seconds.max(1e-9),
            self.det_batch,
            self.rec_batch
        )?;
        writeln!(
            f,
            "embedding       {} lines in {:.2} s on {}: {:.0} lines/s (batch {})",
            self.embedded,
            self.embed_seconds,
            self.embed_device,
            self.embedded as f64 / self.embed_seconds.max(1e-9),
            self.embed_batch
        )?;
        match self.gpu_memory {
            Some((used, total)) => writeln!(
                f,
                "gpu memory      {:.2} GiB in use of {:.2} GiB",
                used as f64 / (1u64 << 30) as f64,
                total as f64 / (1u64 << 30) as f64
            ),
            None => writeln!(f, "gpu memory      none used (CPU run)"),
        }
    }
}

/// The image files of a corpus that need OCR: scanned PDFs, PNG and JPEG pages.
pub fn scanned_files(dir: &Path) -> Result<Vec<PathBuf>, EvalError> {
    let entries = std::fs::read_dir(dir).map_err(|e| EvalError::Io {
        path: dir.display().to_string(),
        message: e.to_string(),
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(".scan.pdf") || name.ends_with(".png") || name.ends_with(".jpg")
        })
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(EvalError::Io {
            path: dir.display().to_string(),
            message: "no scanned PDFs, PNG or JPEG pages here".into(),
        });
    }
    Ok(files)
}

/// Reads `params.pages` pages cycling over `files`, then embeds the lines read.
pub fn measure(
    runtime: &Arc<NativeRuntime>,
    ocr: &OcrEngine,
    embedder: &Embedder,
    files: &[PathBuf],
    params: &ThroughputParams,
    mut progress: impl FnMut(usize, usize),
) -> Result<ThroughputReport, EvalError> {
    let batch = ocr.params().det_batch.max(1);
    let (tx, rx) = mpsc::sync_channel::<(RgbImage, DetectInput)>(batch * 2);
    let next_file = AtomicUsize::new(0);
    let produced = AtomicUsize::new(0);
    let options = DecodeOptions {
        force_ocr: true,
        ..DecodeOptions::default()
    };
    let mut texts: Vec<String> = Vec::new();
    let mut pages = 0usize;
    let started = Instant::now();
    let failure: Option<EvalError> = std::thread::scope(|scope| {
        let mut workers = Vec::new();
        for _ in 0..params.workers.max(1) {
            let tx = tx.clone();
            let (next_file, produced, options) = (&next_file, &produced, &options);
            workers.push(scope.spawn(move || -> Result<(), EvalError> {
                while produced.load(Ordering::SeqCst) < params.pages {
                    let file = &files[next_file.fetch_add(1, Ordering::SeqCst) % files.len()];
                    let io = |message: String| EvalError::Io {
                        path: file.display().to_string(),
                        message,
                    };
                    let bytes = std::fs::read(file).map_err(|e| io(e.to_string()))?;
                    let media = MediaType::from_extension(file)
                        .ok_or_else(|| io("unknown extension".into()))?;
                    let decoded = decode::decode(runtime, &bytes, media, options)
                        .map_err(|e| io(e.to_string()))?;
                    for page in decoded {
                        let DecodedPage::Raster { image, .. } = page else {
                            continue;
                        };
                        if produced.fetch_add(1, Ordering::SeqCst) >= params.pages {
                            return Ok(());
                        }
                        let input = ocr.prepare(&image);
                        if tx.send((image, input)).is_err() {
                            return Ok(());
                        }
                    }
                }
                Ok(())
            }));
        }
        drop(tx);
        let mut failure = None;
        while let Ok(first) = rx.recv() {
            let mut items = vec![first];
            while items.len() < batch {
                match rx.try_recv() {
                    Ok(item) => items.push(item),
                    Err(_) => break,
                }
            }
            let (images, inputs): (Vec<RgbImage>, Vec<DetectInput>) = items.into_iter().unzip();
            let refs: Vec<&RgbImage> = images.iter().collect();
            match ocr.read_prepared(&refs, inputs) {
                Ok(read) => {
                    pages += read.len();
                    texts.extend(read.into_iter().flat_map(|p| p.lines).map(|l| l.text));
                    progress(pages, params.pages);
                }
                Err(e) => {
                    failure = Some(EvalError::Io {
                        path: "ocr".into(),
                        message: e.to_string(),
                    });
                    break;
                }
            }
        }
        // Unblock workers still sending, then collect their errors.
        drop(rx);
        for w in workers {
            if let Ok(Err(e)) = w.join() {
                failure.get_or_insert(e);
            }
        }
        failure
    });
    if let Some(e) = failure {
        return Err(e);
    }
    let ocr_seconds = started.elapsed().as_secs_f64();
    let lines = texts.len();
    if texts.is_empty() {
        texts.push("office supplies".into());
    }
    let to_embed: Vec<String> = texts
        .iter()
        .cycle()
        .take(params.embed_lines)
        .cloned()
        .collect();
    // One call first so lazy initialisation (kernels, allocator) is not timed.
    embedder
        .embed(&to_embed[..to_embed.len().min(params.embed_batch)])
        .map_err(embed_error)?;
    let started = Instant::now();
    for chunk in to_embed.chunks(params.embed_batch.max(1)) {
        embedder.embed(chunk).map_err(embed_error)?;
    }
    let embed_seconds = started.elapsed().as_secs_f64();
    Ok(ThroughputReport {
        backend: ocr.backend().describe(),
        pages,
        lines,
        ocr_seconds,
        det_batch: batch,
        rec_batch: ocr.params().rec_batch,
        embed_device: embedder.device_name(),
        embed_batch: params.embed_batch,
        embedded: to_embed.len(),
        embed_seconds,
        gpu_memory: gpu_memory(),
    })
}

fn embed_error(e: ledgerline_suggest::embed::EmbedError) -> EvalError {
    EvalError::Io {
        path: "embedder".into(),
        message: e.to_string(),
    }
}

/// Memory in use on the current CUDA device, as the driver reports it.
#[cfg(feature = "cuda")]
fn gpu_memory() -> Option<(u64, u64)> {
    let (free, total) = candle_core::cuda::cudarc::driver::result::mem_get_info().ok()?;
    Some(((total - free) as u64, total as u64))
}

#[cfg(not(feature = "cuda"))]
fn gpu_memory() -> Option<(u64, u64)> {
    None
}
