//! The truth of each corpus layout, read into one shape: SROIE keys, e-invoice hybrids' XML
//! extracts (`*.gt.json`), hand-checked invoices and statements.

use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde_json::Value;

use super::{EvalError, Layout, io, statement};
use ledgerline_extract::{self as lines, DateOrder, DocumentKind, find_date};

/// What a document says, normalised the way ledgerline reports it.
#[derive(Debug, Clone, Default)]
pub(super) struct Truth {
    pub(super) kind: Option<DocumentKind>,
    pub(super) number: Option<String>,
    pub(super) date: Option<String>,
    pub(super) total: Option<Decimal>,
    pub(super) vendor: Option<String>,
    pub(super) lines: Vec<(String, Decimal)>,
    pub(super) opening: Option<Decimal>,
    pub(super) closing: Option<Decimal>,
    /// A statement's transactions: ISO date and signed amount.
    pub(super) transactions: Vec<(String, Decimal)>,
    /// An e-invoice's document-level allowance (negative) and charge totals. The XML keeps
    /// them apart from its lines while the page prints them in the table ("REMISE : -5,00"),
    /// and the pipeline books them as lines of their own, as it does from the XML: a line read
    /// for one is neither a hit nor a miss.
    pub(super) adjustments: Vec<Decimal>,
    /// The original's file name when this document is an image variant of it
    /// (`scripts/corpus/variants.sh`): the variant belongs to the original's part.
    pub(super) variant_of: Option<String>,
}

pub(super) fn read_json(path: &Path) -> Result<Value, EvalError> {
    let text = std::fs::read_to_string(path).map_err(|e| io(path, e))?;
    serde_json::from_str(&text).map_err(|e| EvalError::Truth {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

pub(super) fn text(v: &Value) -> Option<String> {
    v.as_str()
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty())
}

pub(super) fn money(v: &Value) -> Option<Decimal> {
    let s: String = text(v)?
        .chars()
        .filter(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-'))
        .collect();
    // Truth is written as plain decimals ("194.690" is a hotel's three-decimal amount, not
    // 194,690); only a printed form ("1.234,56") needs reading as the page would.
    s.parse().ok().or_else(|| lines::parse_amount(&s))
}

/// The (document, truth) pairs of one corpus folder, sorted by file name.
pub(super) fn documents(dir: &Path, layout: Layout) -> Result<Vec<(PathBuf, Truth)>, EvalError> {
    let listing = |d: &Path| -> Result<Vec<PathBuf>, EvalError> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(d)
            .map_err(|e| io(d, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        Ok(files)
    };
    let mut out = Vec::new();
    match layout {
        Layout::Receipts => {
            for image in listing(&dir.join("img"))? {
                let Some(stem) = image.file_stem().and_then(|s| s.to_str()) else {
                    continue;
                };
                let key = dir.join("key").join(format!("{stem}.json"));
                if !key.is_file() {
                    continue;
                }
                let v = read_json(&key)?;
                out.push((
                    image,
                    Truth {
                        kind: Some(DocumentKind::Receipt),
                        number: None,
                        date: text(&v["date"])
                            .and_then(|d| find_date(&d, DateOrder::DayFirst))
                            .map(|d| d.0),
                        total: money(&v["total"]),
                        vendor: text(&v["company"]),
                        ..Truth::default()
                    },
                ));
            }
        }
        Layout::Hybrids => {
            // Invoices photographed or scanned come as images beside the PDFs.
            let mut files = Vec::new();
            for sub in ["pdf", "img"] {
                if dir.join(sub).is_dir() {
                    files.extend(listing(&dir.join(sub))?);
                }
            }
            for pdf in files {
                let Some(name) = pdf.file_name().and_then(|s| s.to_str()) else {
                    continue;
                };
                let gt = dir.join("gt").join(format!("{name}.gt.json"));
                if !gt.is_file() {
                    continue;
                }
                let v = read_json(&gt)?;
                out.push((
                    pdf.clone(),
                    Truth {
                        variant_of: text(&v["variant_of"]),
                        ..hybrid_truth(&v)
                    },
                ));
            }
        }
        Layout::Statements => {
            let mut files = Vec::new();
            for sub in ["pdf", "img"] {
                if dir.join(sub).is_dir() {
                    files.extend(listing(&dir.join(sub))?);
                }
            }
            for file in files {
                let Some(name) = file.file_name().and_then(|s| s.to_str()) else {
                    continue;
                };
                let gt = dir.join("gt").join(format!("{name}.gt.json"));
                if gt.is_file() {
                    let v = read_json(&gt)?;
                    out.push((
                        file.clone(),
                        Truth {
                            variant_of: text(&v["variant_of"]),
                            ..statement::truth(&v)
                        },
                    ));
                }
            }
        }
    }
    if out.is_empty() {
        return Err(EvalError::Empty(dir.display().to_string()));
    }
    Ok(out)
}

pub(super) fn hybrid_truth(v: &Value) -> Truth {
    let credit = text(&v["type_code"])
        .is_some_and(|c| ledgerline_read::einvoice::model::CREDIT_NOTE_CODES.contains(&c.as_str()));
    let date = text(&v["issue_date"])
        .filter(|d| d.len() == 8)
        .map(|d| format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..]));
    Truth {
        kind: Some(if credit {
            DocumentKind::CreditNote
        } else {
            DocumentKind::Invoice
        }),
        number: text(&v["invoice_number"]),
        date,
        total: money(&v["totals"]["GrandTotalAmount"]),
        vendor: text(&v["seller"]["name"]),
        lines: v["lines"]
            .as_array()
            .map(|lines| {
                lines
                    .iter()
                    .filter_map(|l| Some((text(&l["name"])?, money(&l["line_net_amount"])?)))
                    .collect()
            })
            .unwrap_or_default(),
        adjustments: [
            money(&v["totals"]["AllowanceTotalAmount"]).map(|a| -a),
            money(&v["totals"]["ChargeTotalAmount"]),
        ]
        .into_iter()
        .flatten()
        .filter(|a| !a.is_zero())
        .collect(),
        ..Truth::default()
    }
}
