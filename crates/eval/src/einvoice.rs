//! `ledgerline eval einvoice`: how exactly e-invoices are read, field by field, against ground
//! truth in the JSON shape of `../shared/corpus/zugferd/gt` (an independent flattening of each
//! XML), next to the baseline of reading the same PDFs from their printed pages alone (the
//! embedded XML ignored). Also the time to read one e-invoice, which the issue bounds.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rust_decimal::Decimal;
use serde_json::Value;

use super::EvalError;
use ledgerline_extract::{DocumentKind, Extraction, Field};
use ledgerline_read::decode::MediaType;
use ledgerline_read::einvoice::EInvoice;
use ledgerline_read::einvoice::model::CREDIT_NOTE_CODES;
use ledgerline_read::read::{Reader, extract_guarded};

/// Fields scored, in the order they are printed.
pub const FIELDS: [&str; 16] = [
    "kind",
    "invoice_number",
    "issue_date",
    "due_date",
    "seller_name",
    "seller_tax_id",
    "currency",
    "line_total",
    "allowance_total",
    "charge_total",
    "tax_basis",
    "tax_total",
    "grand_total",
    "prepaid",
    "due_payable",
    "lines",
];

/// One document's verdicts: `None` where a field cannot be scored (no lines in the truth, or a
/// total the page reader does not report).
#[derive(Debug, Clone)]
pub struct Scored {
    pub file: String,
    pub fields: BTreeMap<&'static str, Option<bool>>,
    /// Line items of the truth matched exactly, at their position.
    pub lines_matched: usize,
    pub lines_total: usize,
    pub error: Option<String>,
}

impl Scored {
    pub fn misses(&self) -> Vec<&'static str> {
        FIELDS
            .iter()
            .copied()
            .filter(|f| self.fields.get(f).copied().flatten() == Some(false))
            .collect()
    }
}

/// Text compared with runs of white space as one space: a name wrapped over two lines in the
/// XML is the same name on one line.
fn text(v: &Value) -> Option<String> {
    v.as_str().map(one_line).filter(|s| !s.is_empty())
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn decimal(v: &Value) -> Option<Decimal> {
    v.as_str().and_then(|s| s.trim().parse().ok())
}

fn iso(v: &Value) -> Option<String> {
    let d = text(v)?;
    (d.len() == 8).then(|| format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..]))
}

fn value(f: &Option<Field>) -> Option<String> {
    f.as_ref().map(|f| one_line(&f.value))
}

fn amount(f: &Option<Field>) -> Option<Decimal> {
    f.as_ref().and_then(|f| f.value.parse().ok())
}

/// Scores what ledgerline returned against one truth file. `einvoice` is the XML that was
/// read, when one was: the totals the `Extraction` does not carry are scored on it.
pub fn score(
    file: &str,
    truth: &Value,
    extraction: &Extraction,
    einvoice: Option<&EInvoice>,
) -> Scored {
    let empty = Default::default();
    let inv = extraction.invoice.as_ref().unwrap_or(&empty);
    let totals = &truth["totals"];
    let mut fields = BTreeMap::new();
    let credit = text(&truth["type_code"]).is_some_and(|c| CREDIT_NOTE_CODES.contains(&c.as_str()));
    let kind = if credit {
        DocumentKind::CreditNote
    } else {
        DocumentKind::Invoice
    };
    fields.insert("kind", Some(extraction.kind == kind));
    fields.insert(
        "invoice_number",
        Some(value(&inv.invoice_number) == text(&truth["invoice_number"])),
    );
    fields.insert(
        "issue_date",
        Some(value(&inv.invoice_date) == iso(&truth["issue_date"])),
    );
    fields.insert(
        "due_date",
        Some(value(&inv.due_date) == iso(&truth["due_date"])),
    );
    fields.insert(
        "seller_name",
        Some(value(&inv.vendor_name) == text(&truth["seller"]["name"])),
    );
    let tax_id = text(&truth["seller"]["vat_id"]).or_else(|| text(&truth["seller"]["tax_number"]));
    fields.insert("seller_tax_id", Some(value(&inv.vendor_tax_id) == tax_id));
    fields.insert(
        "currency",
        Some(value(&inv.currency) == text(&truth["currency"])),
    );
    let xml_total = |get: fn(&EInvoice) -> Option<Decimal>, key: &str| {
        einvoice.map(|e| get(e) == decimal(&totals[key]))
    };
    fields.insert(
        "line_total",
        xml_total(|e| e.totals.line_total, "LineTotalAmount"),
    );
    fields.insert(
        "allowance_total",
        xml_total(|e| e.totals.allowance_total, "AllowanceTotalAmount"),
    );
    fields.insert(
        "charge_total",
        xml_total(|e| e.totals.charge_total, "ChargeTotalAmount"),
    );
    for (name, field, key) in [
        ("tax_basis", &inv.subtotal, "TaxBasisTotalAmount"),
        ("tax_total", &inv.tax, "TaxTotalAmount"),
        ("grand_total", &inv.total, "GrandTotalAmount"),
        ("prepaid", &inv.prepaid, "TotalPrepaidAmount"),
        ("due_payable", &inv.amount_due, "DuePayableAmount"),
    ] {
        fields.insert(name, Some(amount(field) == decimal(&totals[key])));
    }
    let truth_lines = truth["lines"].as_array().cloned().unwrap_or_default();
    let lines_matched = truth_lines
        .iter()
        .zip(&inv.lines)
        .filter(|(t, l)| {
            text(&t["name"]).unwrap_or_default() == one_line(&l.description.value)
                && decimal(&t["line_net_amount"]) == amount(&Some(l.amount.clone()))
                && decimal(&t["quantity"]) == amount(&l.quantity)
                && decimal(&t["net_unit_price"]) == amount(&l.unit_price)
                && decimal(&t["tax_rate"]) == amount(&l.tax_rate)
                && text(&t["unit_code"]) == value(&l.unit)
                && text(&t["line_id"]) == value(&l.line_id)
                && text(&t["seller_item_id"]) == value(&l.sku)
        })
        .count();
    let own_lines = inv.lines.iter().filter(|l| l.line_id.is_some()).count();
    fields.insert(
        "lines",
        (!truth_lines.is_empty()).then(|| {
            lines_matched == truth_lines.len()
                && (einvoice.is_none() || own_lines == truth_lines.len())
        }),
    );
    Scored {
        file: file.to_string(),
        fields,
        lines_matched,
        lines_total: truth_lines.len(),
        error: None,
    }
}

/// The whole evaluation: ledgerline and the page-only baseline over every truth file.
#[derive(Debug, Default)]
pub struct Report {
    pub ledgerline: Vec<Scored>,
    /// PDFs read from their pages alone; XML files by the first element of each field's name.
    pub baseline: Vec<Scored>,
    /// Seconds per document for reading the e-invoice (everything `extract` does).
    pub seconds: Vec<f64>,
    pub per_doc: bool,
    /// Truth values replaced by an errata file: (document, field, truth's value, erratum).
    pub errata: Vec<(String, String, String, String)>,
}

impl Report {
    /// Share of documents where the field is right, over those where it can be scored.
    pub fn accuracy(scored: &[Scored], field: &str) -> Option<(usize, usize)> {
        let verdicts: Vec<bool> = scored
            .iter()
            .filter_map(|s| s.fields.get(field).copied().flatten())
            .collect();
        (!verdicts.is_empty()).then(|| (verdicts.iter().filter(|v| **v).count(), verdicts.len()))
    }

    /// Documents with every scorable field right.
    pub fn exact(scored: &[Scored]) -> usize {
        scored
            .iter()
            .filter(|s| s.error.is_none() && s.misses().is_empty())
            .count()
    }

    fn percentile(&self, p: f64) -> f64 {
        let mut s = self.seconds.clone();
        s.sort_by(f64::total_cmp);
        if s.is_empty() {
            return 0.0;
        }
        s[((s.len() - 1) as f64 * p).round() as usize]
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cell = |a: Option<(usize, usize)>| match a {
            Some((ok, n)) => format!("{:>6.3} ({ok}/{n})", ok as f64 / n as f64),
            None => format!("{:>14}", "n/a"),
        };
        writeln!(
            f,
            "{} documents; baseline ({}): a PDF read from its printed page, the XML ignored; an XML file read by the first element of each field's name",
            self.ledgerline.len(),
            self.baseline.len()
        )?;
        writeln!(f, "{:<16} {:>18} {:>18}", "field", "ledgerline", "baseline")?;
        for field in FIELDS {
            writeln!(
                f,
                "{:<16} {:>18} {:>18}",
                field,
                cell(Report::accuracy(&self.ledgerline, field)),
                cell(Report::accuracy(&self.baseline, field)),
            )?;
        }
        let lines = |s: &[Scored]| {
            let (m, n) = s
                .iter()
                .fold((0, 0), |(m, n), x| (m + x.lines_matched, n + x.lines_total));
            format!("{m}/{n}")
        };
        writeln!(
            f,
            "{:<16} {:>18} {:>18}",
            "line items",
            lines(&self.ledgerline),
            lines(&self.baseline)
        )?;
        writeln!(
            f,
            "{:<16} {:>18} {:>18}",
            "all fields exact",
            format!(
                "{}/{}",
                Report::exact(&self.ledgerline),
                self.ledgerline.len()
            ),
            format!("{}/{}", Report::exact(&self.baseline), self.baseline.len()),
        )?;
        writeln!(
            f,
            "time to read one e-invoice: median {:.1} ms, p90 {:.1} ms, max {:.1} ms (one thread)",
            self.percentile(0.5) * 1e3,
            self.percentile(0.9) * 1e3,
            self.percentile(1.0) * 1e3,
        )?;
        for (doc, field, was, now) in &self.errata {
            writeln!(f, "  erratum applied: {doc}: {field} {was} -> {now}")?;
        }
        for s in &self.ledgerline {
            if let Some(e) = &s.error {
                writeln!(f, "  {}: error: {e}", s.file)?;
            } else if self.per_doc && !s.misses().is_empty() {
                writeln!(f, "  {}: wrong: {}", s.file, s.misses().join(", "))?;
            }
        }
        Ok(())
    }
}

/// Finds the document a truth file describes: `<name>.gt.json` describes `<name>` in one of
/// the document folders.
fn document_for(truth: &Path, dirs: &[PathBuf]) -> Option<PathBuf> {
    let name = truth.file_name()?.to_str()?.strip_suffix(".gt.json")?;
    dirs.iter().map(|d| d.join(name)).find(|p| p.is_file())
}

/// Corrections to a truth set, `{"why": ..., "documents": {"<document>": {"<field>": value}}}`:
/// where a truth file is known to be wrong, with the reason written in the file.
pub fn load_errata(path: &Path) -> Result<Value, EvalError> {
    let text = std::fs::read_to_string(path).map_err(|e| EvalError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    let errata: Value = serde_json::from_str(&text).map_err(|e| EvalError::Truth {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    if !errata["why"].is_string() || !errata["documents"].is_object() {
        return Err(EvalError::Truth {
            path: path.display().to_string(),
            message: "an errata file has \"why\" (the reason) and \"documents\"".into(),
        });
    }
    Ok(errata)
}

/// Scores every truth file of `truth_dir` whose document is in one of `dirs`, with `errata`
/// (from `load_errata`) applied to the truth.
pub fn evaluate(
    reader: &Reader,
    truth_dir: &Path,
    dirs: &[PathBuf],
    errata: Option<&Value>,
    per_doc: bool,
    mut progress: impl FnMut(usize, usize),
) -> Result<Report, EvalError> {
    let io = |path: &Path, e: std::io::Error| EvalError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let mut truths: Vec<PathBuf> = std::fs::read_dir(truth_dir)
        .map_err(|e| io(truth_dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".gt.json"))
        .filter(|p| document_for(p, dirs).is_some())
        .collect();
    truths.sort();
    if truths.is_empty() {
        return Err(EvalError::Empty(truth_dir.display().to_string()));
    }
    let mut report = Report {
        per_doc,
        ..Report::default()
    };
    for (i, truth_path) in truths.iter().enumerate() {
        progress(i, truths.len());
        let mut truth: Value = std::fs::read_to_string(truth_path)
            .map_err(|e| io(truth_path, e))
            .and_then(|t| {
                serde_json::from_str(&t).map_err(|e| EvalError::Truth {
                    path: truth_path.display().to_string(),
                    message: e.to_string(),
                })
            })?;
        let Some(doc) = document_for(truth_path, dirs) else {
            continue;
        };
        let name = doc
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Some(fixes) = errata.and_then(|e| e["documents"][&name].as_object()) {
            for (field, value) in fixes {
                let was = truth[field].to_string();
                report
                    .errata
                    .push((name.clone(), field.clone(), was, value.to_string()));
                truth[field] = value.clone();
            }
        }
        let bytes = std::fs::read(&doc).map_err(|e| io(&doc, e))?;
        let Some(media) = MediaType::sniff(&bytes) else {
            report
                .ledgerline
                .push(failed(&name, "not a PDF, image or XML file".into()));
            continue;
        };
        let started = Instant::now();
        match reader.understand(&bytes, media) {
            Ok(understood) => {
                report.seconds.push(started.elapsed().as_secs_f64());
                report.ledgerline.push(score(
                    &name,
                    &truth,
                    &understood.extraction,
                    understood.einvoice.as_ref(),
                ));
            }
            Err(e) => report.ledgerline.push(failed(&name, e.to_string())),
        }
        if media == MediaType::Xml {
            report.baseline.push(match first_match_reading(&bytes) {
                Some(extraction) => score(&name, &truth, &extraction, None),
                None => failed(&name, "not well-formed XML".into()),
            });
        } else {
            let page_only = reader
                .read(&bytes, media)
                .map_err(|e| e.to_string())
                .and_then(|pages| extract_guarded(&pages).map_err(|e| e.to_string()));
            report.baseline.push(match page_only {
                Ok(extraction) => score(&name, &truth, &extraction, None),
                Err(e) => failed(&name, e),
            });
        }
    }
    progress(truths.len(), truths.len());
    Ok(report)
}

/// The trivial baseline for standalone XML: every field is the first element, anywhere in the
/// document, whose name is one of the field's names in either syntax ("ID" for the number,
/// "Name" for the seller ...), as a grep over the tags would find it; no lines, always an
/// invoice. What it gets right is what needs no knowledge of the structure.
fn first_match_reading(bytes: &[u8]) -> Option<Extraction> {
    use ledgerline_extract::{FieldSource, Invoice};
    use ledgerline_read::einvoice::tree::{self, Node, XmlLimits};
    fn first<'a>(node: &'a Node, names: &[&str]) -> Option<&'a Node> {
        if names.contains(&node.name.as_str()) {
            return Some(node);
        }
        node.children.iter().find_map(|c| first(c, names))
    }
    let root = tree::parse(bytes, &XmlLimits::default()).ok()?;
    let field = |names: &[&str]| {
        first(&root, names).map(|n| {
            let text = n.text.trim();
            let value = match (names.iter().any(|x| x.contains("Date")), text.len()) {
                (true, 8) => format!("{}-{}-{}", &text[..4], &text[4..6], &text[6..]),
                (true, _) => text.get(..10).unwrap_or(text).to_string(),
                _ => text.to_string(),
            };
            Field {
                raw: value.clone(),
                value,
                confidence: 1.0,
                page: 0,
                bbox: Default::default(),
                source: FieldSource::Xml,
            }
        })
    };
    let invoice = Invoice {
        invoice_number: field(&["ID"]),
        invoice_date: field(&["IssueDate", "DateTimeString"]),
        due_date: field(&["DueDate", "PaymentDueDate", "DueDateDateTime"]),
        vendor_name: field(&["RegistrationName", "Name"]),
        vendor_tax_id: field(&["CompanyID"]),
        currency: field(&["DocumentCurrencyCode", "InvoiceCurrencyCode"]),
        subtotal: field(&["TaxExclusiveAmount", "TaxBasisTotalAmount"]),
        tax: field(&["TaxAmount", "TaxTotalAmount"]),
        total: field(&["TaxInclusiveAmount", "GrandTotalAmount"]),
        prepaid: field(&["PrepaidAmount", "TotalPrepaidAmount"]),
        amount_due: field(&["PayableAmount", "DuePayableAmount"]),
        ..Invoice::default()
    };
    Some(Extraction {
        kind: DocumentKind::Invoice,
        invoice: Some(invoice),
        statement: None,
        checks: Vec::new(),
        warnings: Vec::new(),
    })
}

fn failed(file: &str, error: String) -> Scored {
    Scored {
        file: file.to_string(),
        fields: FIELDS.iter().map(|f| (*f, Some(false))).collect(),
        lines_matched: 0,
        lines_total: 0,
        error: Some(error),
    }
}
