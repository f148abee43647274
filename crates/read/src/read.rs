//! Reading a document: decode it, then for each page either take its text layer, or find its
//! layout regions and OCR it, into the page model (`page::Page`) that every later stage reads.

use std::sync::Arc;

use crate::decode::{self, DecodeError, DecodeOptions, DecodedPage, MediaType};
use crate::einvoice::{self, AttachmentLimits, EInvoice, EInvoiceError, XmlLimits};
use crate::infer::{self, Backend, BackendChoice, BackendError, Net, OrtOptions};
use crate::layout::{self, LayoutError, LayoutParams};
use crate::ocr::{OcrEngine, OcrError, OcrParams, Recognizer};
use crate::runtime::NativeRuntime;
use ledgerline_core::page::{Page, TextSource, group_words};
use ledgerline_extract::{self as lines, Extraction, FieldSource};
use ledgerline_models::{ModelCache, ModelError};

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
    #[error(transparent)]
    EInvoice(#[from] EInvoiceError),
    /// A defect in ledgerline met by this document; the document fails, the process goes on.
    #[error(
        "extracting the document failed inside ledgerline ({0}); the document was not processed, please report it with the file"
    )]
    Panicked(String),
}

/// What was understood from one document.
#[derive(Debug)]
pub struct Understood {
    /// The pages as read; empty for an XML e-invoice.
    pub pages: Vec<Page>,
    pub extraction: Extraction,
    /// The e-invoice data, when the document is or carries one.
    pub einvoice: Option<EInvoice>,
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

/// The recognition dictionary of `recognizer` in [`crate::ocr::load_dictionary`]'s form: the
/// PP-OCRv5 keys file, or PP-OCRv6's `character` list from its model file.
pub fn recognizer_dictionary(
    cache: &ModelCache,
    recognizer: Recognizer,
) -> Result<String, ReadError> {
    match recognizer {
        Recognizer::PpOcrV5 => {
            let keys = cache.path("ocr.keys")?;
            Ok(
                std::fs::read_to_string(&keys).map_err(|e| OcrError::Dictionary {
                    path: keys.display().to_string(),
                    message: e.to_string(),
                })?,
            )
        }
        Recognizer::PpOcrV6 => {
            let model = cache.path(recognizer.net().model_id())?;
            let unreadable = |message: String| OcrError::Dictionary {
                path: model.display().to_string(),
                message,
            };
            let metadata = infer::onnx::metadata(&model).map_err(|e| unreadable(e.to_string()))?;
            let characters = metadata.get("character").ok_or_else(|| {
                unreadable("the model carries no `character` metadata".to_string())
            })?;
            Ok(Recognizer::dictionary_from_metadata(characters))
        }
    }
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
        let recognizer = options.ocr.recognizer;
        let backend = infer::load(
            options.backend,
            &runtime,
            cache,
            &[Net::Detect, Net::Orient, recognizer.net(), Net::Layout],
            &options.ort,
        )?;
        let dictionary = recognizer_dictionary(cache, recognizer)?;
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

    /// How documents are decoded unless a request says otherwise.
    pub fn decode_options(&self) -> &DecodeOptions {
        &self.options.decode
    }

    /// Reads every page of a document.
    pub fn read(&self, bytes: &[u8], media_type: MediaType) -> Result<Vec<Page>, ReadError> {
        self.read_with(bytes, media_type, &self.options.decode)
    }

    /// Reads a document and extracts its record. An e-invoice (an XML file, or a PDF that
    /// carries its XML) is read from the XML exactly, with no OCR; its printed page, when it has
    /// one, is only compared with the data.
    pub fn understand(&self, bytes: &[u8], media_type: MediaType) -> Result<Understood, ReadError> {
        self.understand_with(bytes, media_type, &self.options.decode)
    }

    /// `understand` with a request's own decoding options (its PDF password, OCR forced).
    pub fn understand_with(
        &self,
        bytes: &[u8],
        media_type: MediaType,
        options: &DecodeOptions,
    ) -> Result<Understood, ReadError> {
        let limits = &options.limits;
        if bytes.len() > limits.max_bytes {
            return Err(DecodeError::TooLarge {
                bytes: bytes.len(),
                limit: limits.max_bytes,
            }
            .into());
        }
        let xml_limits = XmlLimits {
            max_bytes: limits.max_bytes,
            ..XmlLimits::default()
        };
        let embedded = match media_type {
            MediaType::Xml => {
                if MediaType::sniff(bytes) != Some(MediaType::Xml) {
                    return Err(DecodeError::MediaTypeMismatch {
                        declared: media_type,
                        detected: MediaType::sniff(bytes),
                    }
                    .into());
                }
                let invoice = einvoice::read_xml(bytes, &xml_limits)?;
                let extraction = einvoice::to_extraction(&invoice, FieldSource::Xml);
                return Ok(Understood {
                    pages: Vec::new(),
                    extraction,
                    einvoice: Some(invoice),
                });
            }
            MediaType::Pdf => self.embedded_invoice(bytes, options, &xml_limits)?,
            _ => None,
        };
        let Some(invoice) = embedded else {
            let pages = self.read_with(bytes, media_type, options)?;
            let extraction = extract_guarded(&pages)?;
            return Ok(Understood {
                pages,
                extraction,
                einvoice: None,
            });
        };
        let text_only = DecodeOptions {
            text_layer_only: true,
            force_ocr: false,
            ..options.clone()
        };
        let mut pages = self.read_with(bytes, media_type, &text_only)?;
        let mut extraction = einvoice::to_extraction(&invoice, FieldSource::EmbeddedXml);
        let compared = einvoice::cross_check(&invoice, &pages);
        if compared.is_empty() {
            extraction.warnings.push(
                "the PDF's pages have no text layer, so the e-invoice data was not compared with the printed page"
                    .into(),
            );
        }
        extraction.checks.extend(compared);
        if invoice.lines.is_empty() {
            // MINIMUM and BASIC WL carry totals but no lines: the lines come from the page,
            // read in full (with OCR where the page is a scan).
            if options.force_ocr || pages.iter().all(|p| p.lines.is_empty()) {
                pages = self.read_with(bytes, media_type, options)?;
            }
            let printed = extract_guarded(&pages)?;
            if let (Some(record), Some(read)) = (extraction.invoice.as_mut(), printed.invoice) {
                record.lines = read.lines;
            }
            extraction
                .checks
                .extend(printed.checks.into_iter().filter(|c| c.item.is_some()));
        }
        Ok(Understood {
            pages,
            extraction,
            einvoice: Some(invoice),
        })
    }

    /// The e-invoice a PDF carries, if any. An XML attachment that is not an e-invoice (some
    /// PDFs attach other XML) is not an error: the PDF is read from its pages.
    fn embedded_invoice(
        &self,
        bytes: &[u8],
        options: &DecodeOptions,
        limits: &XmlLimits,
    ) -> Result<Option<EInvoice>, ReadError> {
        let attachment_limits = AttachmentLimits {
            max_bytes: limits.max_bytes,
            ..AttachmentLimits::default()
        };
        let found = einvoice::find_attachment(
            &self.runtime,
            bytes,
            options.password.as_deref(),
            &attachment_limits,
        )?;
        let Some((name, xml)) = found else {
            return Ok(None);
        };
        match einvoice::read_xml(&xml, limits) {
            Ok(invoice) => Ok(Some(invoice)),
            Err(EInvoiceError::NotAnInvoice { .. }) => {
                tracing::info!(attachment = %name, "the PDF attaches XML that is not an e-invoice");
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Reads every page of a document with these decoding options.
    pub fn read_with(
        &self,
        bytes: &[u8],
        media_type: MediaType,
        options: &DecodeOptions,
    ) -> Result<Vec<Page>, ReadError> {
        let started = std::time::Instant::now();
        // One page's pixels at a time: each is read and dropped before the next is decoded.
        let mut pages = Vec::new();
        decode::decode_each(&self.runtime, bytes, media_type, options, |page| {
            pages.push(self.read_page(page)?);
            Ok::<_, ReadError>(())
        })?;
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
                let mut read = self.ocr.read(&image)?;
                let mut image = image;
                // A page scanned sideways is read again turned a quarter; the orientation
                // classifier then tells upright from upside down as for any page.
                let mut quarter = 0;
                if read.sideways {
                    let turned = image::imageops::rotate90(&image);
                    let again = self.ocr.read(&turned)?;
                    if !again.sideways {
                        image = turned;
                        read = again;
                        quarter = 90;
                    }
                }
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
                    rotation: (read.rotation + quarter) % 360,
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

/// Extracts the record, turning a panic of the extraction stage into an error for this
/// document alone: a defect met by one document must not end a batch or a server task.
pub fn extract_guarded(pages: &[Page]) -> Result<Extraction, ReadError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| lines::extract(pages))).map_err(
        |payload| {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic".into());
            tracing::error!(%message, "extraction panicked");
            metrics::counter!("ledgerline_extract_panics_total").increment(1);
            ReadError::Panicked(message)
        },
    )
}
