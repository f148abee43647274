//! Conversions from the pipeline's types to protobuf. Only this module and its siblings know
//! the wire types.

use crate::proto::v1 as pb;
use ledgerline_core::page::{self, BBox, Page, RegionKind, TextSource};
use ledgerline_extract::{self as lines, DocumentKind, Extraction};

fn bbox(b: &BBox) -> Option<pb::BoundingBox> {
    Some(pb::BoundingBox {
        x: b.x0,
        y: b.y0,
        width: b.width(),
        height: b.height(),
    })
}

fn source(s: TextSource) -> i32 {
    match s {
        TextSource::TextLayer => pb::TextSource::TextLayer as i32,
        TextSource::Ocr => pb::TextSource::Ocr as i32,
    }
}

fn region_kind(k: RegionKind) -> i32 {
    // The proto enum lists the model's classes in the model's order, after UNSPECIFIED.
    RegionKind::ALL
        .iter()
        .position(|r| *r == k)
        .map_or(0, |i| i as i32 + 1)
}

pub fn page(p: &Page, include_words: bool) -> pb::Page {
    pb::Page {
        index: p.index as u32,
        width: p.width,
        height: p.height,
        rotation: u32::from(p.rotation),
        source: source(p.source),
        lines: p
            .lines
            .iter()
            .map(|l: &page::Line| pb::TextLine {
                text: l.text.clone(),
                r#box: bbox(&l.bbox),
                confidence: l.confidence,
                source: source(l.source),
                region_index: l.region.map_or(-1, |r| r as i32),
                words: if include_words {
                    l.words
                        .iter()
                        .map(|w| pb::Word {
                            text: w.text.clone(),
                            r#box: bbox(&w.bbox),
                            confidence: w.confidence,
                        })
                        .collect()
                } else {
                    Vec::new()
                },
            })
            .collect(),
        regions: p
            .regions
            .iter()
            .map(|r| pb::LayoutRegion {
                kind: region_kind(r.kind),
                r#box: bbox(&r.bbox),
                score: r.score,
            })
            .collect(),
    }
}

fn field(f: &Option<lines::Field>) -> Option<pb::Field> {
    f.as_ref().map(|f| pb::Field {
        value: f.value.clone(),
        raw: f.raw.clone(),
        confidence: f.confidence,
        page: f.page as u32,
        r#box: bbox(&f.bbox),
        source: f.source.as_str().to_string(),
    })
}

fn check(c: &lines::Check) -> pb::Check {
    use lines::CheckKind as K;
    let kind = match c.kind {
        K::LinesSumToSubtotal => pb::CheckKind::LinesSumToSubtotal,
        K::SubtotalPlusTaxIsTotal => pb::CheckKind::SubtotalPlusTaxIsTotal,
        K::LineArithmetic => pb::CheckKind::LineArithmetic,
        K::BalanceReconciles => pb::CheckKind::BalanceReconciles,
        K::RunningBalance => pb::CheckKind::RunningBalance,
        K::EInvoiceRule => pb::CheckKind::EinvoiceRule,
        K::PageMatchesData => pb::CheckKind::PageMatchesData,
    };
    pb::Check {
        kind: kind as i32,
        passed: c.passed,
        expected: c.expected.clone(),
        actual: c.actual.clone(),
        item_index: c.item.map_or(-1, |i| i as i32),
        message: c.message.clone(),
    }
}

/// The full response for one document.
pub fn extraction(
    document_id: String,
    external_id: String,
    pages: &[Page],
    x: &Extraction,
    include_words: bool,
    backend: String,
) -> pb::ExtractResponse {
    let kind = match x.kind {
        DocumentKind::Invoice => pb::DocumentKind::Invoice,
        DocumentKind::CreditNote => pb::DocumentKind::CreditNote,
        DocumentKind::BankStatement => pb::DocumentKind::BankStatement,
        DocumentKind::Other => pb::DocumentKind::Other,
        DocumentKind::Receipt => pb::DocumentKind::Receipt,
    };
    let record = if let Some(inv) = &x.invoice {
        Some(pb::extract_response::Record::Invoice(pb::Invoice {
            vendor_name: field(&inv.vendor_name),
            vendor_address: field(&inv.vendor_address),
            invoice_number: field(&inv.invoice_number),
            invoice_date: field(&inv.invoice_date),
            due_date: field(&inv.due_date),
            po_number: field(&inv.po_number),
            currency: field(&inv.currency),
            subtotal: field(&inv.subtotal),
            tax: field(&inv.tax),
            total: field(&inv.total),
            payment_terms: field(&inv.payment_terms),
            lines: inv
                .lines
                .iter()
                .map(|l| pb::LineItem {
                    description: field(&Some(l.description.clone())),
                    quantity: field(&l.quantity),
                    unit_price: field(&l.unit_price),
                    amount: field(&Some(l.amount.clone())),
                    tax_rate: field(&l.tax_rate),
                    sku: field(&l.sku),
                    confidence: l.confidence,
                    unit: field(&l.unit),
                    line_id: field(&l.line_id),
                })
                .collect(),
            vendor_tax_id: field(&inv.vendor_tax_id),
            buyer_name: field(&inv.buyer_name),
            iban: field(&inv.iban),
            prepaid: field(&inv.prepaid),
            amount_due: field(&inv.amount_due),
            taxes: inv
                .taxes
                .iter()
                .map(|t| pb::TaxLine {
                    rate: field(&t.rate),
                    category: t.category.clone().unwrap_or_default(),
                    basis: field(&t.basis),
                    amount: field(&t.amount),
                })
                .collect(),
        }))
    } else {
        x.statement.as_ref().map(|st| {
            pb::extract_response::Record::Statement(pb::Statement {
                bank_name: field(&st.bank_name),
                account_number: field(&st.account_number),
                period_start: field(&st.period_start),
                period_end: field(&st.period_end),
                currency: field(&st.currency),
                opening_balance: field(&st.opening_balance),
                closing_balance: field(&st.closing_balance),
                transactions: st
                    .transactions
                    .iter()
                    .map(|t| pb::Transaction {
                        date: field(&Some(t.date.clone())),
                        description: field(&Some(t.description.clone())),
                        amount: field(&Some(t.amount.clone())),
                        balance: field(&t.balance),
                        confidence: t.confidence,
                    })
                    .collect(),
            })
        })
    };
    pb::ExtractResponse {
        document_id,
        external_id,
        kind: kind as i32,
        pages: pages.iter().map(|p| page(p, include_words)).collect(),
        record,
        checks: x.checks.iter().map(check).collect(),
        warnings: x.warnings.clone(),
        models: Some(pb::ModelVersions {
            models: Default::default(),
            backend,
        }),
    }
}
