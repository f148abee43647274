//! Finding the e-invoice inside a PDF/A-3: Factur-X, ZUGFeRD and XRechnung hybrids attach their
//! XML as an embedded file under a name the standard fixes. Sizes are checked before anything
//! is copied out of the PDF.

use pdfium_render::prelude::*;

use super::EInvoiceError;
use crate::runtime::NativeRuntime;

/// Names the standards give the attachment, in the order they are preferred.
const KNOWN_NAMES: [&str; 4] = [
    "factur-x.xml",
    "zugferd-invoice.xml",
    "xrechnung.xml",
    "zugferd-invoice-v2.xml",
];

/// Bounds on what a PDF's attachments may cost.
#[derive(Debug, Clone, Copy)]
pub struct AttachmentLimits {
    /// Bytes of the one attachment read.
    pub max_bytes: usize,
    /// Attachments looked at; a hybrid invoice has one or two.
    pub max_attachments: usize,
}

impl Default for AttachmentLimits {
    fn default() -> Self {
        AttachmentLimits {
            max_bytes: 16 << 20,
            max_attachments: 64,
        }
    }
}

/// The e-invoice XML attached to a PDF, with its attachment name: one of the names the
/// standards fix, else any `.xml` attachment. `Ok(None)` for a PDF without one, and for a PDF
/// PDFium cannot open (decoding the pages reports that, with the reason).
pub fn find_attachment(
    runtime: &NativeRuntime,
    bytes: &[u8],
    password: Option<&str>,
    limits: &AttachmentLimits,
) -> Result<Option<(String, Vec<u8>)>, EInvoiceError> {
    let Ok(document) = runtime.pdfium().load_pdf_from_byte_slice(bytes, password) else {
        return Ok(None);
    };
    let attachments = document.attachments();
    let mut candidates: Vec<(usize, String, PdfAttachment<'_>)> = Vec::new();
    for attachment in attachments.iter().take(limits.max_attachments) {
        let name = attachment.name();
        let lower = name.to_ascii_lowercase();
        let rank = KNOWN_NAMES
            .iter()
            .position(|k| *k == lower)
            .or_else(|| lower.ends_with(".xml").then_some(KNOWN_NAMES.len()));
        if let Some(rank) = rank {
            candidates.push((rank, name, attachment));
        }
    }
    candidates.sort_by_key(|(rank, _, _)| *rank);
    let Some((_, name, attachment)) = candidates.into_iter().next() else {
        return Ok(None);
    };
    let size = attachment.len();
    if size > limits.max_bytes {
        return Err(EInvoiceError::AttachmentTooLarge {
            name,
            bytes: size,
            limit: limits.max_bytes,
        });
    }
    let data = attachment
        .save_to_bytes()
        .map_err(|e| EInvoiceError::Pdf(format!("{name}: {e}")))?;
    Ok(Some((name, data)))
}
