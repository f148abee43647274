//! `ledgerline eval extract DIR` on real documents that nobody here generated: receipt scans
//! labelled the SROIE way (`img/NNN.jpg` + `key/NNN.json`), e-invoice hybrid PDFs read from
//! their printed pages alone (`pdf/X.pdf` + `gt/X.pdf.gt.json`, the embedded XML ignored) and
//! bank statements (`pdf/` or `img/` + `gt/<file>.gt.json` with every transaction).
//!
//! Every document falls, by a hash of its file name, into a development part (two thirds) or a
//! validation part (one third) that rules and models are never tuned on; both are printed, each
//! next to a trivial baseline read from the same pages (the first line as the issuer, the first
//! date, the largest amount as the total, the first number-like word as the invoice number).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde_json::Value;

use super::{EvalError, similarity};

mod statement;
mod truth;
use ledgerline_core::page::{Page, TextSource};
use ledgerline_extract::{self as lines, DocumentKind, Extraction, Field, Invoice, find_date};
use ledgerline_read::decode::MediaType;
use ledgerline_read::read::{Reader, extract_guarded};
use truth::{Truth, documents, hybrid_truth, money, read_json, text};

/// The ground-truth layouts this evaluation reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `img/<id>.<ext>` with `key/<id>.json` holding company, date, address and total.
    Receipts,
    /// `pdf/<name>` (or `img/<name>`, a photo or scan) with `gt/<name>.gt.json` in the shape of
    /// ../shared/corpus/zugferd/gt.
    Hybrids,
    /// `pdf/<name>` or `img/<name>` with `gt/<name>.gt.json` listing transactions and balances.
    Statements,
}

/// Which layout a corpus folder has, if it is a real-document corpus at all.
pub fn detect(dir: &Path) -> Option<Layout> {
    if dir.join("key").is_dir() && dir.join("img").is_dir() {
        Some(Layout::Receipts)
    } else if dir.join("gt").is_dir() && (dir.join("pdf").is_dir() || dir.join("img").is_dir()) {
        // A statement corpus says so in its truth files.
        let first = std::fs::read_dir(dir.join("gt"))
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.extension().is_some_and(|e| e == "json"));
        let statements = first
            .and_then(|p| read_json(&p).ok())
            .is_some_and(|v| statement::is_statement(&v));
        Some(if statements {
            Layout::Statements
        } else {
            Layout::Hybrids
        })
    } else {
        None
    }
}

/// The part of the corpus a document belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    Development,
    Validation,
}

/// One document in three goes to validation, by an FNV-1a hash of its file name: stable across
/// machines and runs, and blind to what the document contains.
pub fn part_of(name: &str) -> Part {
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    if hash % 3 == 0 {
        Part::Validation
    } else {
        Part::Development
    }
}

/// The fields scored, in the order they are printed.
const FIELDS: [&str; 7] = [
    "kind",
    "vendor",
    "invoice_number",
    "date",
    "total",
    "opening_balance",
    "closing_balance",
];

/// One document's verdicts (None where the truth has no value) and its line-item counts.
#[derive(Debug, Clone, Default)]
struct Scored {
    fields: BTreeMap<&'static str, Option<bool>>,
    /// Line items: matched, predicted, in the truth.
    lines: (usize, usize, usize),
    /// What was read where it was wrong: "total 31.00 (want 65.20)".
    wrong: Vec<String>,
    /// Line items in the truth that nothing read matched, and lines read that match none.
    line_misses: Vec<String>,
}

#[derive(Debug, Clone)]
struct Document {
    corpus: String,
    file: String,
    part: Part,
    /// Read by OCR (a scan or photo) rather than from a text layer.
    scanned: bool,
    /// A bank statement, whose table rows are transactions.
    statement: bool,
    ledgerline: Scored,
    baseline: Scored,
    error: Option<String>,
}

/// Documents right and documents scored for one field, when any were scored.
pub type Accuracy = Option<(usize, usize)>;

/// Options of one run.
#[derive(Debug, Default)]
pub struct Options {
    /// Print each document's wrong fields.
    pub per_doc: bool,
    /// Keep each document's page model here and read it back next time, so that a change to
    /// extraction is measured without reading every document again. Delete it when reading
    /// options or models change.
    pub pages_cache: Option<PathBuf>,
    /// Corrections to hybrid truth files (`eval einvoice --errata`).
    pub errata: Option<Value>,
    /// Read only the documents of this part.
    pub part: Option<Part>,
}

/// The evaluation of every document in the given corpus folders.
#[derive(Debug, Default)]
pub struct Report {
    documents: Vec<Document>,
    per_doc: bool,
}

fn io(path: &Path, e: impl fmt::Display) -> EvalError {
    EvalError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// Letters and digits only, lower case: "UNIHAKKA INTERNATIONAL SDN. BHD." and OCR's
/// "UNIHAKKAINTERNATIONAL SDN BHD" are the same name.
fn squeeze(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A name without its legal form and registration number: "Au bon moulin SARL" is the vendor
/// "Au bon moulin", "ABC SDN BHD (123-U)" the vendor "ABC", as a vendor record matches them.
fn without_legal_form(name: &str) -> String {
    name.replace('(', " (")
        .split_whitespace()
        .filter(|w| {
            let registration = w.starts_with('(') && w.chars().any(|c| c.is_ascii_digit());
            !registration && !ledgerline_extract::is_legal_form(w)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Truth written "Brand (Legal name)" ("DKB (Deutsche Kreditbank AG)", "PalmPay (PalmPay
/// Limited)") names one issuer two ways: a page that prints either names it.
fn same_name(got: &str, want: &str) -> bool {
    let close = |want: &str| {
        let (got, want) = (without_legal_form(got), without_legal_form(want));
        similarity(&squeeze(&got), &squeeze(&want)) >= 0.8
    };
    if close(want) {
        return true;
    }
    match want.split_once(" (") {
        Some((brand, rest)) if rest.ends_with(')') => {
            close(brand) || close(&rest[..rest.len() - 1])
        }
        _ => false,
    }
}

fn same_description(got: &str, want: &str) -> bool {
    let (g, w) = (squeeze(got), squeeze(want));
    // A page prints the article number or a wrapped second line beside the name.
    !w.is_empty() && (similarity(&g, &w) >= 0.9 || g.contains(&w))
}

fn score(truth: &Truth, x: &Extraction) -> Scored {
    if truth.kind == Some(DocumentKind::BankStatement) {
        return score_statement(truth, x);
    }
    // A credit note's XML carries positive amounts (the type code says credit) while its page
    // may print them negative: either way the amount is the same, and the pipeline books the
    // absolute value on the credit side.
    let credit = truth.kind == Some(DocumentKind::CreditNote);
    let signed = |a: Decimal, credit: bool| if credit { a.abs() } else { a };
    let empty = Invoice::default();
    let inv = x.invoice.as_ref().unwrap_or(&empty);
    let mut fields = kind_and_issuer(truth, x, &inv.vendor_name);
    fields.insert(
        "invoice_number",
        truth
            .number
            .as_ref()
            .map(|want| value(&inv.invoice_number).as_ref() == Some(want)),
    );
    fields.insert(
        "date",
        truth
            .date
            .as_ref()
            .map(|want| value(&inv.invoice_date).as_ref() == Some(want)),
    );
    fields.insert(
        "total",
        truth.total.map(|want| {
            amount(&inv.total).map(|a| signed(a, credit)) == Some(signed(want, credit))
        }),
    );
    let got = |name: &str| match name {
        "kind" => Some(format!("{:?}", x.kind)),
        "vendor" => value(&inv.vendor_name),
        "invoice_number" => value(&inv.invoice_number),
        "date" => value(&inv.invoice_date),
        _ => value(&inv.total),
    };
    let wrong = misses(truth, &fields, got);
    let mut unmatched: Vec<&(String, Decimal)> = truth.lines.iter().collect();
    let mut adjustments = truth.adjustments.clone();
    let mut matched = 0;
    let mut adjusting = 0;
    let mut line_misses = Vec::new();
    for line in &inv.lines {
        let got = line
            .amount
            .value
            .parse::<Decimal>()
            .ok()
            .map(|a| signed(a, credit));
        if let Some(i) = unmatched.iter().position(|(desc, amt)| {
            got == Some(signed(*amt, credit)) && same_description(&line.description.value, desc)
        }) {
            unmatched.remove(i);
            matched += 1;
        } else if let Some(i) = adjustments
            .iter()
            .position(|a| got == Some(signed(*a, credit)))
        {
            adjustments.remove(i);
            adjusting += 1;
        } else {
            line_misses.push(format!(
                "read {:?} {}",
                line.description.value, line.amount.value
            ));
        }
    }
    line_misses.extend(
        unmatched
            .iter()
            .map(|(desc, amount)| format!("missed {desc:?} {amount}")),
    );
    // EN 16931 requires at least one line, so an e-invoice whose truth has none comes in a
    // profile that leaves lines out (MINIMUM, BASIC WL) while its page prints them: nothing
    // to score the lines read there against.
    let lines = if truth.lines.is_empty() {
        (0, 0, 0)
    } else {
        (matched, inv.lines.len() - adjusting, truth.lines.len())
    };
    Scored {
        fields,
        lines,
        wrong,
        line_misses: if truth.lines.is_empty() {
            Vec::new()
        } else {
            line_misses
        },
    }
}

fn value(f: &Option<Field>) -> Option<String> {
    f.as_ref().map(|f| f.value.clone())
}

fn amount(f: &Option<Field>) -> Option<Decimal> {
    f.as_ref().and_then(|f| f.value.parse::<Decimal>().ok())
}

/// The verdicts every document gets: its kind, and its issuer (vendor or bank) as a vendor
/// record would match it.
fn kind_and_issuer(
    truth: &Truth,
    x: &Extraction,
    issuer: &Option<Field>,
) -> BTreeMap<&'static str, Option<bool>> {
    let mut fields = BTreeMap::new();
    fields.insert("kind", truth.kind.map(|k| x.kind == k));
    fields.insert(
        "vendor",
        truth
            .vendor
            .as_ref()
            .map(|want| value(issuer).is_some_and(|got| same_name(&got, want))),
    );
    fields
}

/// "field got (want ...)" for each field scored wrong.
fn misses(
    truth: &Truth,
    fields: &BTreeMap<&'static str, Option<bool>>,
    got: impl Fn(&str) -> Option<String>,
) -> Vec<String> {
    let want = |name: &str| match name {
        "kind" => truth.kind.map(|k| format!("{k:?}")),
        "vendor" => truth.vendor.clone(),
        "invoice_number" => truth.number.clone(),
        "date" => truth.date.clone(),
        "opening_balance" => truth.opening.map(|t| t.to_string()),
        "closing_balance" => truth.closing.map(|t| t.to_string()),
        _ => truth.total.map(|t| t.to_string()),
    };
    FIELDS
        .iter()
        .filter(|f| fields.get(*f).copied().flatten() == Some(false))
        .map(|f| {
            format!(
                "{f} {:?} (want {:?})",
                got(f).unwrap_or_default(),
                want(f).unwrap_or_default()
            )
        })
        .collect()
}

/// A statement: its kind, bank, balances and transactions.
fn score_statement(truth: &Truth, x: &Extraction) -> Scored {
    let empty = ledgerline_extract::Statement::default();
    let st = x.statement.as_ref().unwrap_or(&empty);
    let mut fields = kind_and_issuer(truth, x, &st.bank_name);
    fields.insert(
        "opening_balance",
        truth
            .opening
            .map(|w| amount(&st.opening_balance) == Some(w)),
    );
    fields.insert(
        "closing_balance",
        truth
            .closing
            .map(|w| amount(&st.closing_balance) == Some(w)),
    );
    let got = |name: &str| match name {
        "kind" => Some(format!("{:?}", x.kind)),
        "vendor" => value(&st.bank_name),
        "opening_balance" => value(&st.opening_balance),
        _ => value(&st.closing_balance),
    };
    let wrong = misses(truth, &fields, got);
    let (matched, read) = statement::match_transactions(&truth.transactions, &st.transactions);
    Scored {
        fields,
        lines: (matched, read, truth.transactions.len()),
        wrong,
        line_misses: Vec::new(),
    }
}

/// A value a baseline read, with nothing known of where it stood.
fn read_value(value: String) -> Field {
    Field {
        value: value.clone(),
        raw: value,
        confidence: 1.0,
        page: 0,
        bbox: Default::default(),
        source: Default::default(),
    }
}

/// The trivial reading a baseline needs no knowledge for: the first line with three letters as
/// the issuer, the first date, the largest amount with cents as the total, the first word of
/// three or more characters with a digit that is neither a date nor an amount as the number,
/// always an invoice, no lines.
fn baseline(pages: &[Page]) -> Extraction {
    let lines: Vec<&str> = pages
        .iter()
        .flat_map(|p| p.lines.iter().map(|l| l.text.as_str()))
        .collect();
    let order = lines::date_order(lines.iter().copied(), None);
    let vendor = lines
        .iter()
        .find(|l| l.chars().filter(|c| c.is_alphabetic()).count() >= 3)
        .map(|l| read_value(l.to_string()));
    let date = lines
        .iter()
        .find_map(|l| find_date(l, order))
        .map(|d| read_value(d.0));
    let words = lines.iter().flat_map(|l| l.split_whitespace());
    let total = words
        .clone()
        .filter(|w| lines::looks_like_money(w))
        .filter_map(lines::parse_amount)
        .max()
        .map(|d| read_value(d.to_string()));
    let number = words
        .filter(|w| w.chars().count() >= 3 && w.chars().any(|c| c.is_ascii_digit()))
        .find(|w| find_date(w, order).is_none() && lines::parse_amount(w).is_none())
        .map(|w| read_value(w.to_string()));
    Extraction {
        kind: DocumentKind::Invoice,
        invoice: Some(Invoice {
            vendor_name: vendor,
            invoice_number: number,
            invoice_date: date,
            total,
            ..Invoice::default()
        }),
        statement: None,
        checks: Vec::new(),
        warnings: Vec::new(),
    }
}

/// Reads a document's pages, from the cache when it holds them.
fn pages_of(
    reader: &Reader,
    path: &Path,
    cache: Option<&Path>,
    corpus: &str,
) -> Result<Vec<Page>, String> {
    let file = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let cached = cache
        .zip(file)
        .map(|(dir, name)| dir.join(format!("{corpus}__{name}.json")));
    if let Some(c) = &cached
        && let Ok(text) = std::fs::read_to_string(c)
        && let Ok(pages) = serde_json::from_str::<Vec<Page>>(&text)
    {
        return Ok(pages);
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let media = MediaType::sniff(&bytes).ok_or("not a PDF or image")?;
    let pages = reader.read(&bytes, media).map_err(|e| e.to_string())?;
    if let Some(c) = &cached {
        // A cache that cannot be written only costs the next run its speed.
        let _ = std::fs::create_dir_all(c.parent().unwrap_or(Path::new(".")))
            .and_then(|_| std::fs::write(c, serde_json::to_vec(&pages).unwrap_or_default()));
    }
    Ok(pages)
}

/// Reads and scores every document of the corpus folders.
pub fn evaluate(
    reader: &Reader,
    dirs: &[PathBuf],
    options: &Options,
    mut progress: impl FnMut(usize, usize),
) -> Result<Report, EvalError> {
    let mut work = Vec::new();
    for dir in dirs {
        let layout = detect(dir).ok_or_else(|| EvalError::Truth {
            path: dir.display().to_string(),
            message: "expected img/ and key/ (receipts), or pdf/ (or img/) and gt/ (e-invoice hybrids, statements)"
                .into(),
        })?;
        let corpus = dir
            .canonicalize()
            .ok()
            .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| dir.display().to_string());
        for (path, truth) in documents(dir, layout)? {
            let name = truth
                .variant_of
                .clone()
                .or_else(|| path.file_name().map(|n| n.to_string_lossy().into_owned()));
            if options
                .part
                .is_none_or(|p| name.is_some_and(|n| part_of(&n) == p))
            {
                work.push((corpus.clone(), path, truth));
            }
        }
    }
    let mut report = Report {
        documents: Vec::new(),
        per_doc: options.per_doc,
    };
    let total = work.len();
    for (i, (corpus, path, mut truth)) in work.into_iter().enumerate() {
        progress(i, total);
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Some(fixes) = options
            .errata
            .as_ref()
            .and_then(|e| e["documents"][&file].as_object())
            && let Some(date) = fixes.get("issue_date")
        {
            truth.date = hybrid_truth(&serde_json::json!({ "issue_date": date })).date;
        }
        let read = pages_of(reader, &path, options.pages_cache.as_deref(), &corpus);
        let (ledgerline, baseline, scanned, error) = match read {
            Ok(pages) => {
                let scanned = pages.iter().any(|p| p.source == TextSource::Ocr);
                let base = if truth.kind == Some(DocumentKind::BankStatement) {
                    // Still "always an invoice": the baseline knows no kinds.
                    let mut x = failed();
                    x.kind = DocumentKind::Invoice;
                    x.statement = Some(statement::baseline(&pages));
                    score(&truth, &x)
                } else {
                    score(&truth, &baseline(&pages))
                };
                match extract_guarded(&pages) {
                    Ok(x) => (score(&truth, &x), base, scanned, None),
                    Err(e) => (score(&truth, &failed()), base, scanned, Some(e.to_string())),
                }
            }
            Err(e) => {
                let nothing = score(&truth, &failed());
                let scanned = matches!(
                    MediaType::from_extension(&path),
                    Some(MediaType::Png | MediaType::Jpeg | MediaType::Tiff)
                );
                (nothing.clone(), nothing, scanned, Some(e))
            }
        };
        report.documents.push(Document {
            statement: truth.kind == Some(DocumentKind::BankStatement),
            part: part_of(truth.variant_of.as_deref().unwrap_or(&file)),
            corpus,
            file,
            scanned,
            ledgerline,
            baseline,
            error,
        });
    }
    progress(total, total);
    Ok(report)
}

fn failed() -> Extraction {
    Extraction {
        kind: DocumentKind::Other,
        invoice: None,
        statement: None,
        checks: Vec::new(),
        warnings: Vec::new(),
    }
}

/// Accuracy of one field over documents: (right, scored).
fn accuracy<'a>(scored: impl Iterator<Item = &'a Scored>, field: &str) -> Accuracy {
    let (ok, n) = scored
        .filter_map(|s| s.fields.get(field).copied().flatten())
        .fold((0, 0), |(ok, n), v| (ok + usize::from(v), n + 1));
    (n > 0).then_some((ok, n))
}

/// Line-item F1 over documents, when the truth has lines.
fn line_f1<'a>(scored: impl Iterator<Item = &'a Scored>) -> Option<f64> {
    let (m, p, t) = scored.fold((0, 0, 0), |(m, p, t), s| {
        (m + s.lines.0, p + s.lines.1, t + s.lines.2)
    });
    (t > 0).then(|| {
        if m == 0 {
            0.0
        } else {
            let (precision, recall) = (m as f64 / p as f64, m as f64 / t as f64);
            2.0 * precision * recall / (precision + recall)
        }
    })
}

impl Report {
    /// Accuracy of a field on one part of one corpus and medium: (ledgerline, baseline).
    pub fn figure(&self, corpus: &str, part: Part, field: &str) -> (Accuracy, Accuracy) {
        let docs = || {
            self.documents
                .iter()
                .filter(move |d| d.corpus == corpus && d.part == part)
        };
        (
            accuracy(docs().map(|d| &d.ledgerline), field),
            accuracy(docs().map(|d| &d.baseline), field),
        )
    }

    /// Line-item F1 on one part of one corpus, when its truth has lines.
    pub fn line_f1(&self, corpus: &str, part: Part) -> Option<f64> {
        line_f1(
            self.documents
                .iter()
                .filter(|d| d.corpus == corpus && d.part == part)
                .map(|d| &d.ledgerline),
        )
    }

    /// Documents that failed to read or extract.
    pub fn errors(&self) -> usize {
        self.documents.iter().filter(|d| d.error.is_some()).count()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cell = |a: Accuracy| match a {
            Some((ok, n)) => format!("{:.3} ({ok}/{n})", ok as f64 / n as f64),
            None => "n/a".to_string(),
        };
        let f1 = |v: Option<f64>| v.map_or("n/a".to_string(), |v| format!("{v:.3}"));
        let mut groups: Vec<(String, bool)> = self
            .documents
            .iter()
            .map(|d| (d.corpus.clone(), d.scanned))
            .collect();
        groups.sort();
        groups.dedup();
        writeln!(
            f,
            "baseline: the first line as the issuer, the first date, the largest amount as the total, the first number-like word as the invoice number, always an invoice; for statements, every line that starts with a date and holds an amount is a debit of it, the first and last amounts are the balances"
        )?;
        for (corpus, scanned) in &groups {
            let docs = |part: Part| {
                self.documents
                    .iter()
                    .filter(move |d| &d.corpus == corpus && d.scanned == *scanned && d.part == part)
            };
            let medium = if *scanned {
                "scans/photos (OCR)"
            } else {
                "text PDFs"
            };
            writeln!(
                f,
                "\n{corpus}, {medium}: development {} documents, validation {} (never tuned on)",
                docs(Part::Development).count(),
                docs(Part::Validation).count()
            )?;
            writeln!(
                f,
                "{:<16} {:>16} {:>16} {:>16} {:>16}",
                "field", "dev ledgerline", "dev baseline", "val ledgerline", "val baseline"
            )?;
            for field in FIELDS {
                let row: Vec<String> = [Part::Development, Part::Validation]
                    .into_iter()
                    .flat_map(|p| {
                        [
                            cell(accuracy(docs(p).map(|d| &d.ledgerline), field)),
                            cell(accuracy(docs(p).map(|d| &d.baseline), field)),
                        ]
                    })
                    .collect();
                if row.iter().all(|c| c == "n/a") {
                    continue;
                }
                writeln!(
                    f,
                    "{:<16} {:>16} {:>16} {:>16} {:>16}",
                    field, row[0], row[1], row[2], row[3]
                )?;
            }
            let lines: Vec<String> = [Part::Development, Part::Validation]
                .into_iter()
                .flat_map(|p| {
                    [
                        f1(line_f1(docs(p).map(|d| &d.ledgerline))),
                        f1(line_f1(docs(p).map(|d| &d.baseline))),
                    ]
                })
                .collect();
            if lines.iter().any(|c| c != "n/a") {
                let statements = docs(Part::Development)
                    .chain(docs(Part::Validation))
                    .all(|d| d.statement);
                let label = if statements {
                    "transactions F1"
                } else {
                    "line items F1"
                };
                writeln!(
                    f,
                    "{:<16} {:>16} {:>16} {:>16} {:>16}",
                    label, lines[0], lines[1], lines[2], lines[3]
                )?;
            }
        }
        for d in &self.documents {
            let part = match d.part {
                Part::Development => "dev",
                Part::Validation => "val",
            };
            if let Some(e) = &d.error {
                writeln!(f, "  {}/{} ({part}): error: {e}", d.corpus, d.file)?;
            } else if self.per_doc {
                let misses = &d.ledgerline.wrong;
                let (m, r, t) = d.ledgerline.lines;
                if !misses.is_empty() || m < t || r > m {
                    // Lines read beyond those that matched cost precision even where every
                    // true line was found.
                    let extra = if r > m {
                        format!(" ({} more read)", r - m)
                    } else {
                        String::new()
                    };
                    writeln!(
                        f,
                        "  {}/{} ({part}): wrong: {}; lines {m}/{t}{extra}",
                        d.corpus,
                        d.file,
                        misses.join(", ")
                    )?;
                    for miss in &d.ledgerline.line_misses {
                        writeln!(f, "      {miss}")?;
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_split_is_stable_and_puts_about_a_third_in_validation() {
        let names: Vec<String> = (0..300).map(|i| format!("{i:03}.jpg")).collect();
        let val = names
            .iter()
            .filter(|n| part_of(n) == Part::Validation)
            .count();
        assert!((80..=120).contains(&val), "{val} of 300 in validation");
        assert_eq!(part_of("005.jpg"), part_of("005.jpg"));
    }

    #[test]
    fn names_compare_without_spacing_or_punctuation() {
        assert!(same_name(
            "UNIHAKKAINTERNATIONAL SDN BHD",
            "UNIHAKKA INTERNATIONAL SDN. BHD."
        ));
        assert!(!same_name("tan chay yee", "ABC HO TRADING"));
        assert!(same_name("Au bon moulin SARL", "Au bon moulin"));
        assert!(same_name(
            "DEUTSCHE KREDITBANK AG",
            "DKB (Deutsche Kreditbank AG)"
        ));
        assert!(same_name("DKB", "DKB (Deutsche Kreditbank AG)"));
        assert!(!same_name("Max Mustermann", "DKB (Deutsche Kreditbank AG)"));
        assert!(same_name(
            "SINNATHAMBY HOLDINGS SDN. BHD.",
            "SINNATHAMBY HOLDINGS"
        ));
    }
}
