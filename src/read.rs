//! Reading a document: decode it, then for each page either take its text layer, or find its
//! layout regions and OCR it, into the page model (`page::Page`) that every later stage reads.

use std::sync::Arc;

use crate::decode::{self, DecodeError, DecodeOptions, DecodedPage, MediaType};
use crate::infer::{self, Backend, BackendChoice, BackendError, Net, OrtOptions};
use crate::layout::{self, LayoutError, LayoutParams};
use crate::models::{ModelCache, ModelError};
use crate::ocr::{OcrEngine, OcrError, OcrParams};
use crate::page::{Page, TextSource, group_words};
use crate::runtime::NativeRuntime;

/// Why a document could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Decode(#[from] DecodeError),
    #[error(transparent)]
    Ocr(#[from] OcrError),
    #[error(transparent)]
    Layout(#[from] LayoutError),
    #[error(transparent)]
    Backend(#[from] BackendError),
    #[error(transparent)]
    Models(#[from] ModelError),
}

/// Everything that shapes how documents are read.
#[derive(Debug, Clone, Default)]
pub struct ReaderOptions {
    pub decode: DecodeOptions,
    pub ocr: OcrParams,
    pub layout: LayoutParams,
    pub ort: OrtOptions,
    /// ONNX Runtime (default) or candle on CPU or CUDA.
    pub backend: BackendChoice,
    /// Skip the layout model (regions stay empty); OCR alone is faster when only text is needed.
    pub skip_layout: bool,
}

/// Reads documents into pages. Cheap to share: one per process.
pub struct Reader {
    runtime: Arc<NativeRuntime>,
    backend: Arc<dyn Backend>,
    ocr: OcrEngine,
    options: ReaderOptions,
}

impl Reader {
    /// Loads the OCR and layout networks on the configured backend.
    pub fn new(
        runtime: Arc<NativeRuntime>,
        cache: &ModelCache,
        options: ReaderOptions,
    ) -> Result<Self, ReadError> {
        let backend = infer::load(
            options.backend,
            &runtime,
            cache,
            &[Net::Detect, Net::Orient, Net::Recognize, Net::Layout],
            &options.ort,
        )?;
        let keys = cache.path("ocr.keys")?;
        let dictionary = std::fs::read_to_string(&keys).map_err(|e| OcrError::Dictionary {
            path: keys.display().to_string(),
            message: e.to_string(),
        })?;
        Ok(Self::with_backend(runtime, backend, &dictionary, options))
    }

    /// A reader over any backend (the seam a candle backend plugs into).
    pub fn with_backend(
        runtime: Arc<NativeRuntime>,
        backend: Arc<dyn Backend>,
        dictionary: &str,
        options: ReaderOptions,
    ) -> Self {
        let ocr = OcrEngine::new(backend.clone(), dictionary, options.ocr.clone());
        Reader {
            runtime,
            backend,
            ocr,
            options,
        }
    }

    pub fn backend(&self) -> &Arc<dyn Backend> {
        &self.backend
    }

    pub fn ocr(&self) -> &OcrEngine {
        &self.ocr
    }

    /// Reads every page of a document.
    pub fn read(&self, bytes: &[u8], media_type: MediaType) -> Result<Vec<Page>, ReadError> {
        let started = std::time::Instant::now();
        let decoded = decode::decode(&self.runtime, bytes, media_type, &self.options.decode)?;
        let mut pages = Vec::with_capacity(decoded.len());
        for page in decoded {
            pages.push(self.read_page(page)?);
        }
        metrics::histogram!("ledgerline_read_seconds").record(started.elapsed().as_secs_f64());
        metrics::counter!("ledgerline_pages_read_total").increment(pages.len() as u64);
        Ok(pages)
    }

    fn read_page(&self, page: DecodedPage) -> Result<Page, ReadError> {
        match page {
            DecodedPage::Text {
                index,
                width,
                height,
                dpi,
                words,
            } => Ok(Page {
                index,
                width,
                height,
                dpi: Some(dpi),
                rotation: 0,
                skew_degrees: 0.0,
                source: TextSource::TextLayer,
                lines: group_words(words, TextSource::TextLayer),
                regions: Vec::new(),
            }),
            DecodedPage::Raster { index, image, dpi } => {
                let read = self.ocr.read(&image)?;
                let regions = if self.options.skip_layout {
                    Vec::new()
                } else if read.rotation == 180 {
                    let upright = image::imageops::rotate180(&image);
                    layout::analyse(self.backend.as_ref(), &upright, &self.options.layout)?
                } else {
                    layout::analyse(self.backend.as_ref(), &image, &self.options.layout)?
                };
                let mut page = Page {
                    index,
                    width: image.width(),
                    height: image.height(),
                    dpi,
                    rotation: read.rotation,
                    skew_degrees: read.skew_degrees,
                    source: TextSource::Ocr,
                    lines: read.lines,
                    regions,
                };
                page.assign_regions();
                Ok(page)
            }
        }
    }
}
