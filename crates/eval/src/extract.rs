//! `ledgerline eval extract DIR`: precision, recall and F1 per header field, line-item F1 (a
//! line matches when its amount is equal and its description at least 0.9 similar) and
//! transaction F1 (same date and amount, description at least 0.9 similar), per variant.

use std::collections::BTreeMap;
use std::path::Path;

use rust_decimal::Decimal;
use serde::Deserialize;

use super::{EvalError, Variants, similarity};
use ledgerline_extract::{self as lines, Extraction, Field};
use ledgerline_read::read::Reader;

#[derive(Debug, Deserialize)]
struct Truth {
    id: String,
    kind: String,
    variants: Variants,
    #[serde(default)]
    fields: BTreeMap<String, Option<String>>,
    #[serde(default)]
    lines: Vec<TruthLine>,
    #[serde(default)]
    statement: BTreeMap<String, Option<String>>,
    #[serde(default)]
    transactions: Vec<TruthTransaction>,
}

#[derive(Debug, Deserialize)]
struct TruthLine {
    description: String,
    amount: String,
}

#[derive(Debug, Deserialize)]
struct TruthTransaction {
    date: String,
    description: String,
    amount: String,
}

/// True, false positive and false negative counts.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fp).max(1) as f64
    }
    pub fn recall(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fn_).max(1) as f64
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn add(&mut self, other: Counts) {
        self.tp += other.tp;
        self.fp += other.fp;
        self.fn_ += other.fn_;
    }
}

/// Figures for one variant.
#[derive(Debug, Clone, Default)]
pub struct VariantExtract {
    pub documents: usize,
    pub fields: BTreeMap<String, Counts>,
    pub line_items: Counts,
    pub transactions: Counts,
    pub kind_correct: usize,
    pub checks_evaluated: usize,
    pub checks_passed: usize,
    pub failures: Vec<(String, String)>,
}

impl VariantExtract {
    /// Micro-averaged over every header field.
    pub fn header(&self) -> Counts {
        let mut all = Counts::default();
        for c in self.fields.values() {
            all.add(*c);
        }
        all
    }
}

/// Figures per variant.
#[derive(Debug, Clone, Default)]
pub struct ExtractReport {
    pub variants: Vec<(String, VariantExtract)>,
}

impl ExtractReport {
    pub fn get(&self, variant: &str) -> Option<&VariantExtract> {
        self.variants
            .iter()
            .find(|(v, _)| v == variant)
            .map(|(_, s)| s)
    }
}

impl std::fmt::Display for ExtractReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{:<12} {:>5} {:>8} {:>9} {:>9} {:>9} {:>8}",
            "variant", "docs", "kind", "header_F1", "lines_F1", "txns_F1", "checks"
        )?;
        for (name, s) in &self.variants {
            writeln!(
                f,
                "{:<12} {:>5} {:>7.1}% {:>9.3} {:>9.3} {:>9.3} {:>4}/{:<4}",
                name,
                s.documents,
                100.0 * s.kind_correct as f64 / s.documents.max(1) as f64,
                s.header().f1(),
                s.line_items.f1(),
                s.transactions.f1(),
                s.checks_passed,
                s.checks_evaluated
            )?;
        }
        for (name, s) in &self.variants {
            writeln!(f, "\n{name}: per field precision / recall / F1")?;
            for (field, c) in &s.fields {
                writeln!(
                    f,
                    "  {:<18} {:>6.3} {:>6.3} {:>6.3}  (tp {} fp {} fn {})",
                    field,
                    c.precision(),
                    c.recall(),
                    c.f1(),
                    c.tp,
                    c.fp,
                    c.fn_
                )?;
            }
            for (doc, why) in &s.failures {
                writeln!(f, "  failed {doc}: {why}")?;
            }
        }
        Ok(())
    }
}

fn same(field: &str, expected: &str, got: &str) -> bool {
    let amount = matches!(
        field,
        "subtotal" | "tax" | "total" | "opening_balance" | "closing_balance"
    );
    if amount {
        return match (expected.parse::<Decimal>(), got.parse::<Decimal>()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
    }
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    norm(expected) == norm(got)
}

fn score_field(counts: &mut Counts, field: &str, expected: Option<&str>, got: Option<&Field>) {
    match (expected, got) {
        (Some(e), Some(g)) if same(field, e, &g.value) => counts.tp += 1,
        (Some(_), Some(_)) => {
            counts.fp += 1;
            counts.fn_ += 1;
        }
        (Some(_), None) => counts.fn_ += 1,
        (None, Some(_)) => counts.fp += 1,
        (None, None) => {}
    }
}

/// Greedy one-to-one matching; returns the counts.
fn match_items<E, G>(expected: &[E], got: &[G], matches: impl Fn(&E, &G) -> bool) -> Counts {
    let mut used = vec![false; got.len()];
    let mut tp = 0;
    for e in expected {
        if let Some(i) = (0..got.len()).find(|&i| !used[i] && matches(e, &got[i])) {
            used[i] = true;
            tp += 1;
        }
    }
    Counts {
        tp,
        fp: got.len() - tp,
        fn_: expected.len() - tp,
    }
}

fn amount_eq(a: &str, b: &str) -> bool {
    matches!((a.parse::<Decimal>(), b.parse::<Decimal>()), (Ok(x), Ok(y)) if x == y)
}

fn score(truth: &Truth, extraction: &Extraction, s: &mut VariantExtract) {
    let expected_kind = match truth.kind.as_str() {
        "statement" => lines::DocumentKind::BankStatement,
        _ if truth
            .fields
            .get("total")
            .and_then(|t| t.as_deref())
            .is_some_and(|t| t.starts_with('-')) =>
        {
            lines::DocumentKind::CreditNote
        }
        _ => lines::DocumentKind::Invoice,
    };
    if extraction.kind == expected_kind {
        s.kind_correct += 1;
    }
    s.checks_evaluated += extraction.checks.len();
    s.checks_passed += extraction.checks.iter().filter(|c| c.passed).count();
    if truth.kind == "statement" {
        let st = extraction.statement.clone().unwrap_or_default();
        let fields: [(&str, Option<&Field>); 6] = [
            ("bank_name", st.bank_name.as_ref()),
            ("account_number", st.account_number.as_ref()),
            ("period_start", st.period_start.as_ref()),
            ("period_end", st.period_end.as_ref()),
            ("opening_balance", st.opening_balance.as_ref()),
            ("closing_balance", st.closing_balance.as_ref()),
        ];
        for (name, got) in fields {
            let expected = truth.statement.get(name).and_then(|v| v.as_deref());
            score_field(
                s.fields.entry(format!("stmt.{name}")).or_default(),
                name,
                expected,
                got,
            );
        }
        let c = match_items(&truth.transactions, &st.transactions, |e, g| {
            e.date == g.date.value
                && amount_eq(&e.amount, &g.amount.value)
                && similarity(&e.description, &g.description.value) >= 0.9
        });
        s.transactions.add(c);
        return;
    }
    let inv = extraction.invoice.clone().unwrap_or_default();
    let fields: [(&str, Option<&Field>); 11] = [
        ("vendor_name", inv.vendor_name.as_ref()),
        ("vendor_address", inv.vendor_address.as_ref()),
        ("invoice_number", inv.invoice_number.as_ref()),
        ("invoice_date", inv.invoice_date.as_ref()),
        ("due_date", inv.due_date.as_ref()),
        ("po_number", inv.po_number.as_ref()),
        ("currency", inv.currency.as_ref()),
        ("subtotal", inv.subtotal.as_ref()),
        ("tax", inv.tax.as_ref()),
        ("total", inv.total.as_ref()),
        ("payment_terms", inv.payment_terms.as_ref()),
    ];
    for (name, got) in fields {
        let expected = truth.fields.get(name).and_then(|v| v.as_deref());
        score_field(
            s.fields.entry(name.to_string()).or_default(),
            name,
            expected,
            got,
        );
    }
    let c = match_items(&truth.lines, &inv.lines, |e, g| {
        amount_eq(&e.amount, &g.amount.value)
            && similarity(&e.description, &g.description.value) >= 0.9
    });
    s.line_items.add(c);
}

/// Reads and extracts every document of the corpus in each variant, and scores it.
pub fn evaluate(
    reader: &Reader,
    dir: &Path,
    limit: Option<usize>,
    variants: Option<&[String]>,
    mut progress: impl FnMut(usize, usize),
) -> Result<ExtractReport, EvalError> {
    let truths: Vec<Truth> = super::load_documents(dir, limit)?;
    let mut report = ExtractReport {
        variants: super::ocr::VARIANTS
            .iter()
            .filter(|v| variants.is_none_or(|list| list.iter().any(|x| x == *v)))
            .map(|v| (v.to_string(), VariantExtract::default()))
            .collect(),
    };
    for (done, truth) in truths.iter().enumerate() {
        for (name, s) in report.variants.iter_mut() {
            let (pages, failed) = super::read_variant(reader, dir, &truth.variants, name);
            if let Some(why) = failed {
                s.failures.push((truth.id.clone(), why));
            }
            s.documents += 1;
            score(truth, &lines::extract(&pages), s);
        }
        progress(done + 1, truths.len());
    }
    Ok(report)
}
