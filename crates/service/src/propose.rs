//! Proposals: the journal entry or AP bill ledgerline proposes for one document, and the record
//! of its life. [`build`] turns an extraction into an [`Entry`]: a supplier invoice becomes an AP
//! bill to the matched vendor with one expense line per line item (plus tax), a credit note a
//! journal entry reversing the payable, a bank statement a journal entry against the bank
//! account; every line is coded by `suggest`, with confidences and the precedents behind them.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::policy::Policy;
use ledgerline_core::company::{Chart, Field};
use ledgerline_core::history::Date;
use ledgerline_extract::{DocumentKind, Extraction};
use ledgerline_suggest::suggest::{LineQuery, SuggestError, Suggester, Suggestion};
// The nouns live in `proposal`; they are re-exported here, where callers have long found them.
pub use crate::proposal::{
    Coding, Entry, Kind, Line, Posting, Precedent, Proposal, Side, State, proposal_id,
};

/// An entry and, per line, the suggestion that coded it (`None` for lines a rule coded).
pub struct Built {
    pub entry: Entry,
    pub suggestions: Vec<Option<Suggestion>>,
    pub credit_note: bool,
}

/// Turns an extraction into an entry coded by `suggester`. `kind` overrides the default
/// (bill for invoices, journal entry otherwise).
pub async fn build(
    extraction: &Extraction,
    company: &str,
    entity: Option<&str>,
    kind: Option<Kind>,
    chart: &Chart,
    policy: &Policy,
    suggester: &Suggester,
) -> Result<Built, SuggestError> {
    let mut out = match (&extraction.invoice, &extraction.statement) {
        (Some(inv), _) => {
            let credit_note = extraction.kind == DocumentKind::CreditNote;
            let vendor_name = inv.vendor_name.as_ref().map(|f| f.value.clone());
            let vendor = vendor_name.as_deref().and_then(|n| match_vendor(chart, n));
            let date = field_date(&inv.invoice_date);
            let mut entry = Entry {
                kind: if credit_note {
                    Kind::JournalEntry
                } else {
                    kind.unwrap_or(Kind::ApBill)
                },
                journal: policy.journal.clone(),
                vendor_id: vendor
                    .clone()
                    .or_else(|| vendor_name.clone())
                    .unwrap_or_default(),
                number: value(&inv.invoice_number),
                date,
                due_date: field_date(&inv.due_date),
                po_number: value(&inv.po_number),
                payment_terms: value(&inv.payment_terms),
                description: format!(
                    "{} {}",
                    vendor_name.as_deref().unwrap_or("Invoice"),
                    value(&inv.invoice_number)
                )
                .trim()
                .to_string(),
                currency: value(&inv.currency),
                total: amount(&inv.total).map(|t| t.abs()),
                statement: false,
                lines: Vec::new(),
            };
            let queries: Vec<(String, Decimal)> = inv
                .lines
                .iter()
                .filter_map(|l| {
                    Some((
                        l.description.value.clone(),
                        amount(&Some(l.amount.clone()))?,
                    ))
                })
                .collect();
            let suggestions = suggest_all(
                suggester,
                company,
                entity,
                vendor.as_deref().or(vendor_name.as_deref()),
                date,
                &queries,
            )
            .await?;
            // An expense line is a debit on a bill and a credit when a credit note reverses it.
            let expense_side = if credit_note {
                Side::Credit
            } else {
                Side::Debit
            };
            let mut coded = Vec::new();
            for ((memo, amount), suggestion) in queries.into_iter().zip(suggestions) {
                let side = if amount < Decimal::ZERO {
                    opposite(expense_side)
                } else {
                    expense_side
                };
                coded.push((
                    coded_line(memo, amount.abs(), side, &suggestion, vendor.clone()),
                    Some(suggestion),
                ));
            }
            if let (Some(tax), Some(account)) = (amount(&inv.tax), &policy.tax_account)
                && !tax.is_zero()
            {
                coded.push((
                    rule_line(account, tax.abs(), expense_side, "Tax", vendor.clone()),
                    None,
                ));
            }
            if credit_note {
                let total = entry
                    .total
                    .unwrap_or_else(|| coded.iter().map(|(l, _)| l.amount).sum());
                coded.push((
                    rule_line(
                        &policy.ap_account,
                        total,
                        Side::Debit,
                        "Credit note reverses the payable",
                        vendor.clone(),
                    ),
                    None,
                ));
            }
            let (lines, suggestions): (Vec<Line>, Vec<Option<Suggestion>>) =
                coded.into_iter().unzip();
            entry.lines = lines;
            Built {
                entry,
                suggestions,
                credit_note,
            }
        }
        (None, Some(st)) => {
            let mut entry = Entry {
                kind: Kind::JournalEntry,
                journal: policy.journal.clone(),
                vendor_id: String::new(),
                number: value(&st.account_number),
                date: field_date(&st.period_end),
                due_date: None,
                po_number: String::new(),
                payment_terms: String::new(),
                description: format!(
                    "{} statement {} to {}",
                    value(&st.bank_name),
                    value(&st.period_start),
                    value(&st.period_end)
                )
                .trim()
                .to_string(),
                currency: value(&st.currency),
                total: None,
                statement: true,
                lines: Vec::new(),
            };
            let queries: Vec<(String, Decimal)> = st
                .transactions
                .iter()
                .filter_map(|t| {
                    Some((
                        t.description.value.clone(),
                        amount(&Some(t.amount.clone()))?,
                    ))
                })
                .collect();
            let suggestions =
                suggest_all(suggester, company, entity, None, entry.date, &queries).await?;
            let mut lines = Vec::new();
            let mut per_line = Vec::new();
            for ((memo, amount), suggestion) in queries.into_iter().zip(suggestions) {
                // Money out: the expense is debited and the bank credited; money in, the reverse.
                let counter = if amount < Decimal::ZERO {
                    Side::Debit
                } else {
                    Side::Credit
                };
                let bank = rule_line(
                    &policy.bank_account,
                    amount.abs(),
                    opposite(counter),
                    &memo,
                    None,
                );
                lines.push(coded_line(memo, amount.abs(), counter, &suggestion, None));
                per_line.push(Some(suggestion));
                lines.push(bank);
                per_line.push(None);
            }
            entry.lines = lines;
            Built {
                entry,
                suggestions: per_line,
                credit_note: false,
            }
        }
        (None, None) => Built {
            entry: Entry {
                kind: kind.unwrap_or(Kind::JournalEntry),
                journal: policy.journal.clone(),
                vendor_id: String::new(),
                number: String::new(),
                date: None,
                due_date: None,
                po_number: String::new(),
                payment_terms: String::new(),
                description: "Document that is neither an invoice nor a statement".into(),
                currency: String::new(),
                total: None,
                statement: false,
                lines: Vec::new(),
            },
            suggestions: Vec::new(),
            credit_note: false,
        },
    };
    for (i, line) in out.entry.lines.iter_mut().enumerate() {
        line.line_no = i as u32 + 1;
    }
    Ok(out)
}

fn opposite(side: Side) -> Side {
    match side {
        Side::Debit => Side::Credit,
        Side::Credit => Side::Debit,
    }
}

fn value(f: &Option<ledgerline_extract::Field>) -> String {
    f.as_ref().map(|f| f.value.clone()).unwrap_or_default()
}

fn amount(f: &Option<ledgerline_extract::Field>) -> Option<Decimal> {
    f.as_ref()?.value.parse().ok()
}

fn field_date(f: &Option<ledgerline_extract::Field>) -> Option<Date> {
    Date::parse(&f.as_ref()?.value).ok()
}

/// Suggestions for many lines at once: they share the embedding queue's batches.
async fn suggest_all(
    suggester: &Suggester,
    company: &str,
    entity: Option<&str>,
    vendor: Option<&str>,
    date: Option<Date>,
    lines: &[(String, Decimal)],
) -> Result<Vec<Suggestion>, SuggestError> {
    let queries: Vec<LineQuery> = lines
        .iter()
        .map(|(memo, amount)| LineQuery {
            company: company.to_string(),
            entity: entity.map(str::to_string),
            description: memo.clone(),
            vendor: vendor.map(str::to_string),
            amount: Some(amount.abs()),
            date,
            max_candidates: 3,
        })
        .collect();
    let results = suggester.suggest_many(&queries).await?;
    results
        .into_iter()
        .map(|r| match r {
            // A line without words (an amount alone) still gets a line, coded by nobody.
            Err(SuggestError::EmptyDescription) => Ok(Suggestion { fields: Vec::new() }),
            other => other,
        })
        .collect()
}

/// A line coded with each field's best candidate.
fn coded_line(
    memo: String,
    amount: Decimal,
    side: Side,
    suggestion: &Suggestion,
    vendor: Option<String>,
) -> Line {
    let mut coding = Coding {
        vendor,
        ..Coding::default()
    };
    let mut confidences = BTreeMap::new();
    let mut precedents = Vec::new();
    for field in Field::ALL {
        let Some(best) = suggestion.best(field) else {
            if field == Field::Account {
                confidences.insert(field.name().to_string(), 0.0);
            }
            continue;
        };
        coding.set(field, best.value.clone());
        confidences.insert(field.name().to_string(), best.confidence);
        if field == Field::Account {
            precedents = best
                .precedents
                .iter()
                .map(|p| Precedent {
                    source_id: p.line.line_id.clone(),
                    memo: p.line.memo.clone(),
                    date: p.line.posting_date,
                    amount: p.line.amount,
                    similarity: p.similarity,
                    coding: Coding {
                        account: p.line.account.clone(),
                        department: p.line.department.clone(),
                        location: p.line.location.clone(),
                        project: p.line.project.clone(),
                        class: p.line.class.clone(),
                        vendor: p.line.vendor_id.clone().or(p.line.vendor_name.clone()),
                        customer: p.line.customer.clone(),
                    },
                })
                .collect();
        }
    }
    Line {
        line_no: 0,
        coding,
        amount,
        side,
        memo,
        confidences,
        precedents,
    }
}

/// A line the policy codes (bank, payables, tax): no suggestion, no confidence to clear.
fn rule_line(
    account: &str,
    amount: Decimal,
    side: Side,
    memo: &str,
    vendor: Option<String>,
) -> Line {
    Line {
        line_no: 0,
        coding: Coding {
            account: account.to_string(),
            vendor,
            ..Coding::default()
        },
        amount,
        side,
        memo: memo.to_string(),
        confidences: BTreeMap::new(),
        precedents: Vec::new(),
    }
}

/// The company's vendor a printed name refers to: exact after normalising case, punctuation
/// and legal-form words, else the closest by shared words when it is clearly the closest. OCR
/// slips and "Ltd" vs "Limited" must not create a second vendor.
pub fn match_vendor(chart: &Chart, printed: &str) -> Option<String> {
    let key = vendor_key(printed);
    if key.is_empty() {
        return None;
    }
    let mut best: Option<(f64, &str)> = None;
    for v in chart.vendors.iter().filter(|v| v.active) {
        let other = vendor_key(&v.name);
        if other == key {
            return Some(v.id.clone());
        }
        let score = similarity(&key, &other);
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, &v.id));
        }
    }
    best.filter(|(s, _)| *s >= 0.85)
        .map(|(_, id)| id.to_string())
}

fn vendor_key(name: &str) -> String {
    const FORMS: [&str; 12] = [
        "ltd", "limited", "llc", "llp", "inc", "gmbh", "bv", "sarl", "plc", "co", "corp", "sa",
    ];
    name.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !FORMS.contains(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Character-bigram Dice similarity: robust to a misread letter or two.
fn similarity(a: &str, b: &str) -> f64 {
    let grams = |s: &str| -> Vec<(char, char)> {
        let chars: Vec<char> = s.chars().collect();
        chars.windows(2).map(|w| (w[0], w[1])).collect()
    };
    let (ga, mut gb) = (grams(a), grams(b));
    if ga.is_empty() || gb.is_empty() {
        return 0.0;
    }
    let total = (ga.len() + gb.len()) as f64;
    let mut shared = 0usize;
    for g in &ga {
        if let Some(i) = gb.iter().position(|x| x == g) {
            gb.swap_remove(i);
            shared += 1;
        }
    }
    2.0 * shared as f64 / total
}

#[cfg(test)]
mod tests {
    use super::*;
    use ledgerline_core::company::Listed;

    fn chart() -> Chart {
        let vendor = |n: &str| Listed {
            id: n.into(),
            name: n.into(),
            active: true,
        };
        Chart {
            vendors: vec![
                vendor("Northwind Office Supply"),
                vendor("Bluepeak Software Ltd"),
                vendor("Meridian Cloud Hosting B.V."),
            ],
            ..Chart::default()
        }
    }

    #[test]
    fn vendors_match_despite_case_legal_forms_and_ocr_slips() {
        let c = chart();
        assert_eq!(
            match_vendor(&c, "BLUEPEAK SOFTWARE LIMITED").as_deref(),
            Some("Bluepeak Software Ltd")
        );
        assert_eq!(
            match_vendor(&c, "Meridian Cloud Hosting BV").as_deref(),
            Some("Meridian Cloud Hosting B.V.")
        );
        assert_eq!(
            match_vendor(&c, "Northwind 0ffice Supply").as_deref(),
            Some("Northwind Office Supply")
        );
        assert_eq!(match_vendor(&c, "Southwind Plumbing"), None);
        assert_eq!(match_vendor(&c, ""), None);
    }

    #[test]
    fn proposal_ids_are_stable_per_company_and_document() {
        assert_eq!(proposal_id("A", "d1"), proposal_id("A", "d1"));
        assert_ne!(proposal_id("A", "d1"), proposal_id("B", "d1"));
        assert!(ledgerline_intacct::control_id(&proposal_id("A", "d1")).starts_with("ll-p-"));
    }
}
