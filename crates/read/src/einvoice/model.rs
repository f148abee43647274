//! The nouns of an EN 16931 invoice, whichever syntax carried it (UN/CEFACT CII or OASIS UBL):
//! what a reader of either syntax produces, and what the checks and the mapping to an
//! `Extraction` consume. Amounts stay `Decimal` with the scale the XML printed.

use rust_decimal::Decimal;
use serde::Serialize;

/// Which XML syntax the invoice came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Syntax {
    /// UN/CEFACT Cross Industry Invoice (Factur-X, ZUGFeRD, XRechnung CII).
    Cii,
    /// OASIS UBL 2.1 Invoice or CreditNote (Peppol BIS, XRechnung UBL).
    Ubl,
}

/// A seller or buyer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Party {
    pub name: Option<String>,
    /// VAT identifier (BT-31 / BT-48).
    pub vat_id: Option<String>,
    /// Local tax registration number (BT-32).
    pub tax_number: Option<String>,
    pub street: Option<String>,
    pub postcode: Option<String>,
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
}

impl Party {
    /// The address on one line, parts that are present joined with ", ".
    pub fn address(&self) -> Option<String> {
        let city = match (&self.postcode, &self.city) {
            (Some(p), Some(c)) => Some(format!("{p} {c}")),
            (p, c) => p.clone().or_else(|| c.clone()),
        };
        let parts: Vec<String> = [self.street.clone(), city, self.country.clone()]
            .into_iter()
            .flatten()
            .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

/// One invoice line (BG-25).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Line {
    pub id: Option<String>,
    pub seller_item_id: Option<String>,
    pub name: Option<String>,
    pub quantity: Option<Decimal>,
    /// UN/ECE Recommendation 20 unit code ("C62", "HUR", "KGM").
    pub unit_code: Option<String>,
    pub net_price: Option<Decimal>,
    pub gross_price: Option<Decimal>,
    /// The quantity the price is for (BT-149), when not one.
    pub price_base_quantity: Option<Decimal>,
    pub tax_rate: Option<Decimal>,
    pub tax_category: Option<String>,
    pub net_amount: Option<Decimal>,
}

/// A document-level allowance (discount) or charge (freight, packing) (BG-20 / BG-21).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AllowanceCharge {
    /// True for a charge, false for an allowance.
    pub charge: bool,
    pub amount: Decimal,
    pub reason: Option<String>,
    pub tax_rate: Option<Decimal>,
    pub tax_category: Option<String>,
}

/// The tax of one rate and category (BG-23).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TaxSubtotal {
    pub rate: Option<Decimal>,
    pub category: Option<String>,
    pub basis: Option<Decimal>,
    pub amount: Option<Decimal>,
}

/// Document totals (BG-22).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Sum of line net amounts (BT-106).
    pub line_total: Option<Decimal>,
    /// Sum of document-level charges (BT-108).
    pub charge_total: Option<Decimal>,
    /// Sum of document-level allowances (BT-107).
    pub allowance_total: Option<Decimal>,
    /// Total without tax (BT-109).
    pub tax_basis: Option<Decimal>,
    /// Tax in the invoice currency (BT-110).
    pub tax_total: Option<Decimal>,
    /// Total with tax (BT-112).
    pub grand_total: Option<Decimal>,
    /// Paid in advance (BT-113).
    pub prepaid: Option<Decimal>,
    /// Rounding (BT-114).
    pub rounding: Option<Decimal>,
    /// Amount due for payment (BT-115).
    pub due_payable: Option<Decimal>,
}

/// One e-invoice, as its XML says it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EInvoice {
    pub syntax: Syntax,
    /// The specification identifier (BT-24): the profile (MINIMUM, BASIC WL, EN 16931,
    /// XRechnung, Peppol BIS ...).
    pub profile: Option<String>,
    /// UNTDID 1001 document type (BT-3): 380 invoice, 381 credit note ...
    pub type_code: String,
    /// True for a UBL `CreditNote` root, whatever its type code.
    pub credit_note_root: bool,
    pub number: String,
    /// ISO 8601 (YYYY-MM-DD).
    pub issue_date: Option<String>,
    pub due_date: Option<String>,
    pub delivery_date: Option<String>,
    pub currency: Option<String>,
    pub buyer_reference: Option<String>,
    pub order_reference: Option<String>,
    pub payment_reference: Option<String>,
    pub payment_terms: Option<String>,
    pub iban: Vec<String>,
    pub seller: Party,
    pub buyer: Party,
    pub lines: Vec<Line>,
    pub allowances_charges: Vec<AllowanceCharge>,
    pub taxes: Vec<TaxSubtotal>,
    pub totals: Totals,
}

/// UNTDID 1001 codes that EN 16931 treats as credit notes.
pub const CREDIT_NOTE_CODES: [&str; 9] =
    ["81", "83", "261", "262", "296", "308", "381", "396", "532"];

impl EInvoice {
    pub fn is_credit_note(&self) -> bool {
        self.credit_note_root || CREDIT_NOTE_CODES.contains(&self.type_code.as_str())
    }

    /// Whether the profile carries no lines by design (Factur-X MINIMUM and BASIC WL).
    pub fn profile_without_lines(&self) -> bool {
        self.profile
            .as_deref()
            .is_some_and(|p| p.contains(":minimum") || p.contains(":basicwl"))
    }
}
