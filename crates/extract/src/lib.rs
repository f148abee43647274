//! From the page model to the records an accountant keys in: the document's kind, an
//! invoice's header fields and line items or a statement's transactions, normalised (ISO dates,
//! decimal amounts, currency codes), with arithmetic checks whose failures are reported with
//! their amounts and never repaired.
//!
//! Everything works from geometry and vocabulary (rows, column headers, labels next to values,
//! type size), never from one layout's coordinates, so that a layout it has never seen reads too.

mod cells;
mod checks;
mod copies;
mod currency;
mod fields;
mod issuer;
mod normalize;
#[cfg(test)]
mod receipts;
#[cfg(test)]
mod robustness;
mod statement;
mod table;
#[cfg(test)]
mod testing;
mod till;
mod vocabulary;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub use cells::edit_distance;
pub use checks::check;
pub use checks::{Check, CheckKind};
pub use normalize::{DateOrder, date_order, find_date, looks_like_money, parse_amount};
pub use vocabulary::is_legal_form;

use cells::{Row, plain_label_words};
use ledgerline_core::page::{BBox, Page};

/// What kind of document it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Invoice,
    CreditNote,
    BankStatement,
    /// A till receipt: read like an invoice (merchant, date, total, items), kept apart because
    /// it records a payment already made.
    Receipt,
    /// Neither: returned with its pages and no invented fields.
    Other,
}

/// Where a value came from: read off the page, or taken from structured data that is exact.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldSource {
    /// Read from the page (text layer or OCR).
    #[default]
    Page,
    /// The e-invoice XML embedded in the PDF (Factur-X, ZUGFeRD, XRechnung).
    EmbeddedXml,
    /// A standalone XML e-invoice (CII or UBL).
    Xml,
}

impl FieldSource {
    pub fn as_str(self) -> &'static str {
        match self {
            FieldSource::Page => "page",
            FieldSource::EmbeddedXml => "embedded_xml",
            FieldSource::Xml => "xml",
        }
    }
}

/// One extracted value and its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// Normalised: ISO 8601 dates, plain decimal amounts, ISO 4217 currencies.
    pub value: String,
    /// As printed.
    pub raw: String,
    pub confidence: f32,
    pub page: usize,
    pub bbox: BBox,
    /// Structured values have no box; `bbox` is then empty.
    #[serde(default)]
    pub source: FieldSource,
}

/// Header fields the label vocabulary knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderKey {
    InvoiceNumber,
    InvoiceDate,
    DueDate,
    PoNumber,
    PaymentTerms,
    Subtotal,
    Tax,
    Total,
    /// What is left to pay ("Amount due", "Net à payer", "Zu zahlen"): the total when nothing
    /// was paid in advance.
    AmountDue,
    /// Paid before the invoice ("Montant déjà payé", "Anzahlung"), deducted from its total.
    Prepaid,
    AccountNumber,
    Period,
    OpeningBalance,
    ClosingBalance,
    /// A label of something no field takes ("Total Qty", "Total Savings", "Total includes 6%
    /// GST"): known so that a shorter label ("Total") does not claim its value.
    NotAField,
}

/// One invoice line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineItem {
    pub description: Field,
    pub quantity: Option<Field>,
    pub unit_price: Option<Field>,
    pub amount: Field,
    pub tax_rate: Option<Field>,
    pub sku: Option<Field>,
    /// Unit of the quantity (UN/ECE Rec. 20 code), when the document says it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Field>,
    /// The line's own number on the document, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_id: Option<Field>,
    pub confidence: f32,
}

/// An invoice or credit note.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Invoice {
    pub vendor_name: Option<Field>,
    pub vendor_address: Option<Field>,
    pub invoice_number: Option<Field>,
    pub invoice_date: Option<Field>,
    pub due_date: Option<Field>,
    pub po_number: Option<Field>,
    pub currency: Option<Field>,
    pub subtotal: Option<Field>,
    pub tax: Option<Field>,
    pub total: Option<Field>,
    pub payment_terms: Option<Field>,
    pub lines: Vec<LineItem>,
    /// The issuer's VAT id, or its tax number when no VAT id is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor_tax_id: Option<Field>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_name: Option<Field>,
    /// The account to pay into.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iban: Option<Field>,
    /// Paid in advance, deducted from the total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prepaid: Option<Field>,
    /// What is left to pay: the total less prepayments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_due: Option<Field>,
    /// Tax per rate, where the document breaks it down.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub taxes: Vec<TaxLine>,
}

/// The tax of one rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaxLine {
    /// Percent.
    pub rate: Option<Field>,
    /// EN 16931 category code (S standard, Z zero, E exempt, AE reverse charge ...).
    pub category: Option<String>,
    pub basis: Option<Field>,
    pub amount: Option<Field>,
}

/// One statement transaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transaction {
    pub date: Field,
    pub description: Field,
    /// Negative for money going out.
    pub amount: Field,
    pub balance: Option<Field>,
    pub confidence: f32,
}

/// A bank statement.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    pub bank_name: Option<Field>,
    /// All but the last four characters masked.
    pub account_number: Option<Field>,
    pub period_start: Option<Field>,
    pub period_end: Option<Field>,
    pub currency: Option<Field>,
    pub opening_balance: Option<Field>,
    pub closing_balance: Option<Field>,
    pub transactions: Vec<Transaction>,
}

/// Everything understood from one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extraction {
    pub kind: DocumentKind,
    pub invoice: Option<Invoice>,
    pub statement: Option<Statement>,
    pub checks: Vec<Check>,
    pub warnings: Vec<String>,
}

impl Extraction {
    /// Where the record came from: e-invoice XML when its invoice number did, else the page.
    pub fn source(&self) -> FieldSource {
        self.invoice
            .as_ref()
            .and_then(|i| i.invoice_number.as_ref())
            .map(|f| f.source)
            .unwrap_or_default()
    }
}

/// Classifies the document and extracts its record.
pub fn extract(pages: &[Page]) -> Extraction {
    let copies = copies::copied_pages(pages);
    let mut rows = cells::rows(pages);
    rows.retain(|r| !copies.contains(&r.page));
    let kind = classify(&rows);
    let text: Vec<String> = rows.iter().map(|r| r.text()).collect();
    let currency = fields::currency(&rows);
    let separator = normalize::decimal_separator(text.iter().map(String::as_str));
    // A "$" with decimal commas ("10.356,06") is a Latin American peso's, whose dates put the
    // day first: only a dollar written the American way breaks a tie for the month.
    let comma = separator == Some(normalize::DecimalMark::Only(','));
    let order = normalize::date_order(
        text.iter().map(String::as_str),
        currency
            .as_ref()
            .map(|c| c.value.as_str())
            .filter(|c| !(comma && *c == "USD")),
    );
    normalize::with_decimal_separator(separator, || read(&rows, kind, order, currency))
}

/// The record of a document of `kind`, from its rows.
fn read(rows: &[Row], kind: DocumentKind, order: DateOrder, currency: Option<Field>) -> Extraction {
    let mut warnings = Vec::new();
    if rows.is_empty() {
        warnings.push("no text was found on any page".to_string());
    }
    match kind {
        DocumentKind::Invoice | DocumentKind::CreditNote | DocumentKind::Receipt => {
            let mut invoice = read_invoice(rows, order, kind);
            invoice.currency = currency;
            let checks = checks::invoice(&mut invoice);
            if invoice.lines.is_empty() {
                warnings
                    .push("no line items were found (no table with an amount column)".to_string());
            }
            Extraction {
                kind,
                invoice: Some(invoice),
                statement: None,
                checks,
                warnings,
            }
        }
        DocumentKind::BankStatement => {
            let mut statement = statement::read(rows, order);
            statement.currency = currency;
            let checks = checks::statement(&mut statement);
            Extraction {
                kind,
                invoice: None,
                statement: Some(statement),
                checks,
                warnings,
            }
        }
        DocumentKind::Other => {
            warnings
                .push("neither an invoice nor a bank statement; no fields extracted".to_string());
            Extraction {
                kind,
                invoice: None,
                statement: None,
                checks: Vec::new(),
                warnings,
            }
        }
    }
}

/// A till receipt: two of its words and nothing asking to be paid later, or four of them
/// against one such phrase (a point-of-sale slip that prints an empty "Bill To:" beside the
/// cash handed over and the change).
fn is_receipt(receipt_words: usize, to_be_paid_words: usize) -> bool {
    (receipt_words >= 2 && to_be_paid_words == 0) || (receipt_words >= 4 && to_be_paid_words <= 1)
}

/// Votes from vocabulary in six languages: statement words against invoice words; a till
/// receipt by the money handed over and given back, unless the document asks to be paid later
/// or is an invoice paid online (its number labelled, no till word), or by a till slip's shape
/// with a total, a till word or a card payment's words (see `till::slip_shaped`); none of these
/// means Other.
fn classify(rows: &[Row]) -> DocumentKind {
    use vocabulary::{
        CREDIT_WORDS, INVOICE_NUMBER_LABELS, INVOICE_WORDS, RECEIPT_WORDS, SELF_BILLING_WORDS,
        SLIP_NAMES, SLIP_PAYMENT_WORDS, SLIP_TOTAL_WORDS, STATEMENT_WORDS, TILL_WORDS,
        TO_BE_PAID_WORDS, count,
    };
    let mut text = rows
        .iter()
        .map(|r| plain_label_words(&r.text()).join(" "))
        .collect::<Vec<_>>()
        .join("\n");
    // An exchange rate ("tipo de cambio", "taux de change") is no change handed back at a till.
    for rate in ["tipo de cambio", "taux de change", "tasso di cambio"] {
        text = text.replace(rate, " ");
    }
    // An Indian till's "CASH/CREDIT MEMO" is a bill sold for cash or on credit, no credit note.
    text = text.replace("cash credit memo", "cash memo");
    let statement = count(&text, STATEMENT_WORDS);
    let invoice = count(&text, INVOICE_WORDS);
    let credit = CREDIT_WORDS
        .iter()
        .filter(|w| vocabulary::names(&text, w))
        .count();
    let self_billed = SELF_BILLING_WORDS
        .iter()
        .any(|w| vocabulary::names(&text, w));
    let receipt = count(&text, RECEIPT_WORDS);
    let to_be_paid = count(&text, TO_BE_PAID_WORDS);
    let till_words = vocabulary::count_words(&text, TILL_WORDS);
    let slip = to_be_paid == 0 && till::slip_shaped(rows);
    let paid_by_card = vocabulary::count_words(&text, SLIP_PAYMENT_WORDS);
    if statement >= 2 && statement >= invoice {
        DocumentKind::BankStatement
    } else if credit > 0 && invoice >= 1 && !self_billed {
        DocumentKind::CreditNote
    } else if (is_receipt(receipt, to_be_paid)
        && (till_words > 0 || count(&text, INVOICE_NUMBER_LABELS) == 0))
        || (slip
            && (count(&text, SLIP_NAMES) > 0
                || (receipt > 0 && till_words > 0)
                || paid_by_card >= 2))
    {
        DocumentKind::Receipt
    } else if invoice >= 2 {
        DocumentKind::Invoice
    } else if slip
        && (receipt > 0
            || paid_by_card > 0
            || till_words > 0
            || vocabulary::count_words(&text, SLIP_TOTAL_WORDS) > 0)
    {
        // A narrow slip that prints a total or takes money, in words the lists above lack.
        DocumentKind::Receipt
    } else {
        DocumentKind::Other
    }
}

fn take(found: &mut Vec<(HeaderKey, Field)>, key: HeaderKey) -> Option<Field> {
    let i = found.iter().position(|(k, _)| *k == key)?;
    Some(found.remove(i).1)
}

fn read_invoice(rows: &[Row], order: DateOrder, kind: DocumentKind) -> Invoice {
    let mut found = fields::header_fields(rows, order);
    let labelled_number = take(&mut found, HeaderKey::InvoiceNumber);
    let titled_number = match labelled_number {
        Some(_) => None,
        None => fields::titled_number(rows, order),
    };
    // Receipts and many invoices print their date with no label, or with one OCR misread
    // ("Dae:"): the date in the heading that gives the number, else the first date on the
    // document, is then the date of issue.
    let invoice_date = take(&mut found, HeaderKey::InvoiceDate)
        .or_else(|| {
            titled_number
                .as_ref()
                .and_then(|n| fields::titled_date(rows, n, order))
        })
        .or_else(|| fields::first_date(rows, order))
        .or_else(|| fields::misread_labelled_date(rows));
    let (vendor_name, vendor_address) = match issuer::issuer(rows, order, kind) {
        Some((name, address)) => (Some(name), address),
        None => (None, None),
    };
    let subtotal = take(&mut found, HeaderKey::Subtotal);
    let tax = take(&mut found, HeaderKey::Tax);
    let amount_due = take(&mut found, HeaderKey::AmountDue);
    let prepaid = take(&mut found, HeaderKey::Prepaid).filter(|_| kind != DocumentKind::Receipt);
    // The tax labelled apart, else one printed beside the total on its row ("TOTAL | 250.00 |
    // 60.00", the sum and tax columns' totals, over "Total de plata 310.00").
    let before_tax = |total: &Field, due: &Field| match (decimal(total), decimal(due)) {
        (Some(t), Some(d)) => match tax.as_ref().and_then(decimal) {
            Some(tax) => t + tax == d && tax != Decimal::ZERO,
            None => fields::amounts_after(rows, total)
                .iter()
                .any(|tax| !tax.is_zero() && t + tax == d),
        },
        _ => false,
    };
    let labelled_total = match (take(&mut found, HeaderKey::Total), &amount_due) {
        // "Total 100.00, VAT 20.00, Amount due 120.00": the label "Total" named the sum
        // before tax.
        (Some(total), Some(due)) if before_tax(&total, due) => Some(due.clone()),
        (Some(total), _) => Some(total),
        // What is left to pay, and what was paid before it, make the total.
        (None, Some(due)) => Some(match prepaid.as_ref().and_then(decimal) {
            Some(paid) if !paid.is_zero() => Field {
                value: (decimal(due).unwrap_or_default() + paid).to_string(),
                ..due.clone()
            },
            _ => due.clone(),
        }),
        (None, None) => None,
    };
    let total = match labelled_total {
        // An invoice's total is before its rounding (EN 16931 keeps the rounding apart from
        // the grand total); a till receipt's is the rounded amount the customer paid.
        Some(total) if kind == DocumentKind::Receipt => Some(fields::rounded_total(rows, total)),
        Some(total) => Some(total),
        None => subtotal
            .as_ref()
            .and_then(|s| fields::total_after_tax(rows, s, tax.as_ref()))
            .or_else(|| fields::largest_amount(rows)),
    };
    let mut lines = table::line_items(rows);
    if lines.is_empty()
        && let Some(total) = &total
    {
        lines = till::till_items(rows, total, order);
    }
    Invoice {
        vendor_name,
        vendor_address,
        invoice_number: labelled_number.or(titled_number),
        invoice_date,
        due_date: take(&mut found, HeaderKey::DueDate),
        po_number: take(&mut found, HeaderKey::PoNumber),
        currency: None,
        subtotal,
        tax,
        total,
        payment_terms: take(&mut found, HeaderKey::PaymentTerms),
        amount_due,
        prepaid,
        lines,
        ..Invoice::default()
    }
}

pub fn decimal(field: &Field) -> Option<Decimal> {
    field.value.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::rows_of;

    /// An Argentine invoice in pesos ("$", decimal commas): "01/11/2022" is the 1st of
    /// November; a dollar written the American way puts the month first.
    #[test]
    fn a_dollar_sign_with_decimal_commas_dates_day_first() {
        let date = |amounts: [&str; 2]| {
            let page = crate::testing::rows_page(
                &[
                    &[("Factura", 1489.0)],
                    &[("Fecha", 1300.0), ("01/11/2022", 1662.0)],
                    &[("Sub Total", 926.0), (amounts[0], 1261.0)],
                    &[("Total", 1500.0), ("$", 1798.0), (amounts[1], 1946.0)],
                ],
                |t| 9.0 * t.len() as f32,
                ledgerline_core::page::TextSource::TextLayer,
            );
            extract(&[page])
                .invoice
                .and_then(|i| i.invoice_date)
                .map(|d| d.value)
        };
        assert_eq!(
            date(["10.356,06", "12.530,83"]).as_deref(),
            Some("2022-11-01")
        );
        assert_eq!(
            date(["10,356.06", "12,530.83"]).as_deref(),
            Some("2022-01-11")
        );
    }

    #[test]
    fn statements_are_known_by_their_words_in_several_languages() {
        let kind = |rows: &[&[(&str, f32)]]| classify(&rows_of(rows));
        assert_eq!(
            kind(&[
                &[("ZENITH BANK PLC", 100.0)],
                &[("Account Statement", 900.0)],
                &[("DATE", 100.0), ("DEBIT", 900.0), ("VALUE DATE", 1500.0)],
            ]),
            DocumentKind::BankStatement
        );
        assert_eq!(
            kind(&[
                &[("Выписка", 100.0)],
                &[("Входящий остаток на 18.06.2015", 1500.0)],
            ]),
            DocumentKind::BankStatement
        );
        assert_eq!(
            kind(&[
                &[("Statement", 100.0)],
                &[("Invoice", 100.0), ("Total", 900.0)]
            ]),
            DocumentKind::Other
        );
    }

    /// Bulgarian and Hungarian invoices read blind (2026-12-08) were "other".
    #[test]
    fn bulgarian_and_hungarian_invoices_are_invoices() {
        let kind = |rows: &[&[(&str, f32)]]| classify(&rows_of(rows));
        assert_eq!(
            kind(&[
                &[("Фактура No. : 0000700133", 1091.0)],
                &[("ДДС номер :", 1339.0), ("BG000713391", 1711.0)],
                &[("Описание", 670.0), ("Кол-во", 1376.0), ("Сума", 2320.0)],
            ]),
            DocumentKind::Invoice
        );
        assert_eq!(
            kind(&[
                &[("Számla", 2095.0)],
                &[("Adószám: 13024772-2-04", 131.0)],
                &[("Nettó ár", 2248.0)],
                &[("ÁFA", 1500.0), ("Bruttó", 2248.0)],
            ]),
            DocumentKind::Invoice
        );
    }

    #[test]
    fn an_invoice_paid_online_is_an_invoice_and_a_till_slip_a_receipt() {
        let kind = |rows: &[&[(&str, f32)]]| classify(&rows_of(rows));
        let paid_online: &[&[(&str, f32)]] = &[
            &[("Tax Invoice / Receipt", 1500.0)],
            &[("Invoice Number: AT-215508940", 1200.0)],
            &[("Total Paid: USD 47.90", 100.0)],
            &[("OFFICIAL RECEIPT", 900.0)],
            &[(
                "Thank you for your payment! Some changes are coming.",
                900.0,
            )],
        ];
        assert_eq!(kind(paid_online), DocumentKind::Invoice);
        let mut at_the_till = paid_online.to_vec();
        at_the_till.push(&[("Cash", 100.0), ("50.00", 900.0)]);
        at_the_till.push(&[("Change", 100.0), ("2.10", 900.0)]);
        assert_eq!(kind(&at_the_till), DocumentKind::Receipt);
        // An Argentine invoice converts at the bank's exchange rate ("tipo de cambio").
        assert_eq!(
            kind(&[
                &[("Factura", 1489.0)],
                &[("Precio", 1966.0), ("Importe", 2178.0)],
                &[("U$S 79,86 al tipo de cambio vendedor", 129.0)],
                &[("al tipo de cambio Vendedor del Banco Nación", 129.0)],
                &[("Sub Total", 926.0), ("IVA", 1341.0)],
            ]),
            DocumentKind::Invoice
        );
        // A labelled invoice number is the second invoice word a short invoice needs.
        assert_eq!(
            kind(&[
                &[("Invoice", 100.0)],
                &[("Invoice ID", 100.0), ("4hrb48vz", 600.0)],
            ]),
            DocumentKind::Invoice
        );
    }

    #[test]
    fn a_self_billed_gutschrift_is_an_invoice_and_a_plain_one_a_credit_note() {
        let kind = |rows: &[&[(&str, f32)]]| classify(&rows_of(rows));
        assert_eq!(
            kind(&[
                &[("Gutschrift (Selbst ausgestellte Rechnung) (389)", 100.0)],
                &[("Rechnungsnummer", 100.0), ("471102", 600.0)],
            ]),
            DocumentKind::Invoice
        );
        assert_eq!(
            kind(&[
                &[("Gutschrift", 100.0)],
                &[("Rechnungsnummer", 100.0), ("471102", 600.0)],
            ]),
            DocumentKind::CreditNote
        );
    }
}
