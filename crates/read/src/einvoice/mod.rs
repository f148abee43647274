//! E-invoices read exactly: the EN 16931 XML that a Factur-X / ZUGFeRD / XRechnung PDF carries
//! as an attachment, or a standalone UN/CEFACT CII or OASIS UBL (XRechnung, Peppol BIS) file.
//! The XML gives every field and line with no OCR and no guessing; it becomes the same
//! `Extraction` the page reader produces, every field marked with where it came from, checked
//! by the EN 16931 arithmetic rules and, for a PDF, against what its printed page says.

mod cii;
mod compare;
pub mod model;
mod pdf;
mod rules;
pub mod tree;
mod ubl;

use std::str::FromStr;

use rust_decimal::Decimal;

pub use compare::cross_check;
pub use model::{EInvoice, Syntax};
pub use pdf::{AttachmentLimits, find_attachment};
pub use tree::{Node, XmlLimits};

use ledgerline_core::page::BBox;
use ledgerline_extract::{
    Check, DocumentKind, Extraction, Field, FieldSource, Invoice, LineItem, TaxLine,
};

/// Why an e-invoice could not be read. Each is a problem of the document, not of ledgerline.
#[derive(Debug, thiserror::Error)]
pub enum EInvoiceError {
    #[error("the XML is {bytes} bytes, over the limit of {limit}; e-invoices are far smaller")]
    TooLarge { bytes: usize, limit: usize },
    #[error(
        "the PDF's e-invoice attachment {name:?} is {bytes} bytes, over the limit of {limit}; send the XML on its own or raise the limit"
    )]
    AttachmentTooLarge {
        name: String,
        bytes: usize,
        limit: usize,
    },
    #[error("the XML is malformed: {0}; send the e-invoice as its producer wrote it")]
    Malformed(String),
    #[error("the XML contains {0}, which is refused")]
    Forbidden(String),
    #[error("the XML goes beyond a limit: {0}; no e-invoice is that large")]
    Limit(String),
    #[error(
        "the XML's root element is {root:?} (namespace {namespace:?}), not an e-invoice: send a UN/CEFACT CrossIndustryInvoice or a UBL Invoice or CreditNote"
    )]
    NotAnInvoice { root: String, namespace: String },
    #[error("{0}; it is required by EN 16931")]
    Missing(String),
    #[error("the XML's {element} holds {value:?}, which is not {expected}")]
    Invalid {
        element: String,
        value: String,
        expected: &'static str,
    },
    #[error("the PDF's attachments cannot be read: {0}")]
    Pdf(String),
}

const CII_NS: &str = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100";
const UBL_INVOICE_NS: &str = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
const UBL_CREDIT_NOTE_NS: &str = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";

/// Whether the bytes are XML at all (after a byte-order mark and white space), the test that
/// tells an XML upload from a PDF or an image whatever its file name says.
pub fn looks_like_xml(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace());
    start.is_some_and(|i| {
        bytes[i] == b'<'
            && bytes
                .get(i + 1)
                .is_some_and(|b| *b == b'?' || *b == b'!' || b.is_ascii_alphabetic() || *b == b'_')
    })
}

/// Parses an e-invoice in either syntax.
pub fn read_xml(bytes: &[u8], limits: &XmlLimits) -> Result<EInvoice, EInvoiceError> {
    let started = std::time::Instant::now();
    let root = tree::parse(bytes, limits)?;
    let invoice = match (root.name.as_str(), root.namespace.as_str()) {
        ("CrossIndustryInvoice", CII_NS) => cii::read(&root),
        ("Invoice", UBL_INVOICE_NS) | ("CreditNote", UBL_CREDIT_NOTE_NS) => ubl::read(&root),
        _ => Err(EInvoiceError::NotAnInvoice {
            root: root.name.clone(),
            namespace: root.namespace.clone(),
        }),
    }?;
    metrics::histogram!("ledgerline_einvoice_parse_seconds")
        .record(started.elapsed().as_secs_f64());
    Ok(invoice)
}

/// A decimal as XML prints it ("1234.50", "-3", "+0.5"); nothing locale-specific is accepted.
fn amount(node: &Node, element: &str) -> Result<Decimal, EInvoiceError> {
    let text = node.text.trim();
    let invalid = || EInvoiceError::Invalid {
        element: element.to_string(),
        value: text.chars().take(40).collect(),
        expected: "a decimal number",
    };
    if text.is_empty()
        || !text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+'))
    {
        return Err(invalid());
    }
    Decimal::from_str(text.trim_start_matches('+')).map_err(|_| invalid())
}

/// A date as ISO 8601: CII's format 102 (`20240131`) or UBL's `2024-01-31`, checked to exist.
fn date(node: &Node, element: &str) -> Result<String, EInvoiceError> {
    let text = node.text.trim();
    let invalid = || EInvoiceError::Invalid {
        element: element.to_string(),
        value: text.chars().take(40).collect(),
        expected: "a calendar date (YYYYMMDD in CII, YYYY-MM-DD in UBL)",
    };
    if let Some(format) = node.attr("format")
        && format != "102"
    {
        return Err(EInvoiceError::Invalid {
            element: element.to_string(),
            value: format.to_string(),
            expected: "date format 102 (the only one EN 16931 allows)",
        });
    }
    let digits: String = match text.len() {
        8 => text.to_string(),
        // UBL dates may carry a time-zone suffix ("2024-01-31Z", "2024-01-31+01:00").
        n if n >= 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-' => {
            text.get(..10).ok_or_else(invalid)?.replace('-', "")
        }
        _ => return Err(invalid()),
    };
    if digits.len() != 8 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(invalid());
    }
    let number =
        |range: std::ops::Range<usize>| digits[range].parse::<u16>().map_err(|_| invalid());
    let (year, month, day) = (number(0..4)?, number(4..6)?, number(6..8)?);
    if !(1900..=2199).contains(&year) {
        return Err(invalid());
    }
    let date =
        ledgerline_core::history::Date::new(year, month as u8, day as u8).map_err(|_| invalid())?;
    Ok(date.to_string())
}

/// The e-invoice as the `Extraction` every later stage reads. Document-level allowances and
/// charges become lines of their own (negative for an allowance), so the lines add up to the
/// total without tax and a bill built from them balances.
pub fn to_extraction(invoice: &EInvoice, source: FieldSource) -> Extraction {
    let field = |value: String| Field {
        raw: value.clone(),
        value,
        confidence: 1.0,
        page: 0,
        bbox: BBox::default(),
        source,
    };
    // Producers wrap names and descriptions over lines ("MVM Musterhafter\r\nVersicherungsverein");
    // a memo or a vendor name is one line, so runs of white space become one space.
    let one_line = |v: &str| v.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = |v: &Option<String>| v.as_deref().map(|v| field(one_line(v)));
    let money = |v: Option<Decimal>| v.map(|d| field(d.to_string()));
    let mut lines: Vec<LineItem> = invoice
        .lines
        .iter()
        .map(|l| LineItem {
            description: field(one_line(l.name.as_deref().unwrap_or_default())),
            quantity: money(l.quantity),
            unit_price: money(l.net_price),
            amount: field(l.net_amount.unwrap_or_default().to_string()),
            tax_rate: money(l.tax_rate),
            sku: text(&l.seller_item_id),
            unit: text(&l.unit_code),
            line_id: text(&l.id),
            confidence: 1.0,
        })
        .collect();
    for a in &invoice.allowances_charges {
        let (sign, default) = if a.charge {
            (Decimal::ONE, "Charge")
        } else {
            (Decimal::NEGATIVE_ONE, "Allowance")
        };
        lines.push(LineItem {
            description: field(one_line(a.reason.as_deref().unwrap_or(default))),
            quantity: None,
            unit_price: None,
            amount: field((sign * a.amount).to_string()),
            tax_rate: money(a.tax_rate),
            sku: None,
            unit: None,
            line_id: None,
            confidence: 1.0,
        });
    }
    let mut warnings = Vec::new();
    if invoice.lines.is_empty() {
        warnings.push(if invoice.profile_without_lines() {
            format!(
                "the e-invoice's profile ({}) carries no lines; the lines are read from the page",
                invoice.profile.as_deref().unwrap_or_default()
            )
        } else {
            "the e-invoice carries no lines".to_string()
        });
    }
    let t = &invoice.totals;
    let record = Invoice {
        vendor_name: text(&invoice.seller.name),
        vendor_address: invoice.seller.address().map(|a| field(one_line(&a))),
        invoice_number: Some(field(invoice.number.trim().to_string())),
        invoice_date: text(&invoice.issue_date),
        due_date: text(&invoice.due_date),
        po_number: text(&invoice.order_reference),
        currency: text(&invoice.currency),
        subtotal: money(t.tax_basis),
        tax: money(t.tax_total),
        total: money(t.grand_total),
        payment_terms: text(&invoice.payment_terms),
        lines,
        vendor_tax_id: text(
            &invoice
                .seller
                .vat_id
                .clone()
                .or(invoice.seller.tax_number.clone()),
        ),
        buyer_name: text(&invoice.buyer.name),
        iban: invoice.iban.first().cloned().map(field),
        prepaid: money(t.prepaid),
        amount_due: money(t.due_payable),
        taxes: invoice
            .taxes
            .iter()
            .map(|s| TaxLine {
                rate: money(s.rate),
                category: s.category.clone(),
                basis: money(s.basis),
                amount: money(s.amount),
            })
            .collect(),
    };
    let checks: Vec<Check> = rules::checks(invoice);
    Extraction {
        kind: if invoice.is_credit_note() {
            DocumentKind::CreditNote
        } else {
            DocumentKind::Invoice
        },
        invoice: Some(record),
        statement: None,
        checks,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(text: &str, format: Option<&str>) -> Node {
        Node {
            text: text.into(),
            attrs: format
                .map(|f| vec![("format".to_string(), f.to_string())])
                .unwrap_or_default(),
            ..Node::default()
        }
    }

    #[test]
    fn dates_must_exist() {
        assert_eq!(
            date(&node("20240229", Some("102")), "d").unwrap(),
            "2024-02-29"
        );
        assert_eq!(date(&node("2024-01-31Z", None), "d").unwrap(), "2024-01-31");
        for bad in [
            "20250230",
            "20231301",
            "2024-02-30",
            "2024/01/31",
            "31.01.2024",
            "",
        ] {
            assert!(date(&node(bad, None), "d").is_err(), "{bad}");
        }
        assert!(date(&node("202401", Some("610")), "d").is_err());
    }

    #[test]
    fn amounts_are_xml_decimals_only() {
        assert_eq!(
            amount(&node("1234.50", None), "a").unwrap().to_string(),
            "1234.50"
        );
        assert_eq!(amount(&node("-3", None), "a").unwrap().to_string(), "-3");
        for bad in ["1.234,50", "12,50", "1e3", "abc", ""] {
            assert!(amount(&node(bad, None), "a").is_err(), "{bad}");
        }
    }

    #[test]
    fn xml_is_told_from_other_bytes() {
        assert!(looks_like_xml(b"\xEF\xBB\xBF  <?xml version=\"1.0\"?><a/>"));
        assert!(looks_like_xml(b"<Invoice/>"));
        assert!(!looks_like_xml(b"%PDF-1.7"));
        assert!(!looks_like_xml(b"\x89PNG"));
        assert!(!looks_like_xml(b"< not xml"));
    }
}
