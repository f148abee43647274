//! Reading documents into pages, within limits: [`decode`] (PDFs, their text layer and page
//! renderings, and images), [`einvoice`] (the structured invoice a Factur-X/ZUGFeRD/XRechnung
//! PDF carries), [`layout`] and [`ocr`] (the CDLA and PaddleOCR networks through the [`infer`]
//! backend seam, ONNX Runtime or candle), [`runtime`] (ONNX Runtime and PDFium, bound once per
//! process), assembled by [`read`] into the `ledgerline_core::page` model that extraction reads.

pub mod decode;
pub mod einvoice;
pub mod infer;
pub mod layout;
pub mod ocr;
pub mod read;
pub mod runtime;
