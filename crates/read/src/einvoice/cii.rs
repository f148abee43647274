//! UN/CEFACT Cross Industry Invoice (D16B, as Factur-X, ZUGFeRD 2 and XRechnung CII use it) to
//! the e-invoice nouns. Paths follow the EN 16931 CII binding; elements a profile leaves out
//! simply stay `None`.

use super::model::{AllowanceCharge, EInvoice, Line, Party, Syntax, TaxSubtotal, Totals};
use super::tree::Node;
use super::{EInvoiceError, amount, date};

pub fn read(root: &Node) -> Result<EInvoice, EInvoiceError> {
    let document = root
        .child("ExchangedDocument")
        .ok_or_else(|| missing("ExchangedDocument"))?;
    let transaction = root
        .child("SupplyChainTradeTransaction")
        .ok_or_else(|| missing("SupplyChainTradeTransaction"))?;
    let empty = Node::default();
    let agreement = transaction
        .child("ApplicableHeaderTradeAgreement")
        .unwrap_or(&empty);
    let delivery = transaction
        .child("ApplicableHeaderTradeDelivery")
        .unwrap_or(&empty);
    let settlement = transaction
        .child("ApplicableHeaderTradeSettlement")
        .unwrap_or(&empty);
    let currency = settlement.text_at(&["InvoiceCurrencyCode"]);

    let terms: Vec<&Node> = settlement.all("SpecifiedTradePaymentTerms").collect();
    let payment_terms = terms
        .iter()
        .filter_map(|t| t.text_at(&["Description"]))
        .collect::<Vec<_>>();
    let due_date = terms
        .iter()
        .find_map(|t| t.at(&["DueDateDateTime", "DateTimeString"]))
        .map(|n| date(n, "DueDateDateTime"))
        .transpose()?;

    let summation = settlement
        .child("SpecifiedTradeSettlementHeaderMonetarySummation")
        .unwrap_or(&empty);
    let totals = Totals {
        line_total: amount_at(summation, "LineTotalAmount")?,
        charge_total: amount_at(summation, "ChargeTotalAmount")?,
        allowance_total: amount_at(summation, "AllowanceTotalAmount")?,
        tax_basis: amount_at(summation, "TaxBasisTotalAmount")?,
        // The tax total may be given twice, in the invoice and in the tax currency (BT-110,
        // BT-111): take the one in the invoice currency.
        tax_total: summation
            .all("TaxTotalAmount")
            .find(|n| n.attr("currencyID").is_none() || n.attr("currencyID") == currency.as_deref())
            .map(|n| amount(n, "TaxTotalAmount"))
            .transpose()?,
        grand_total: amount_at(summation, "GrandTotalAmount")?,
        prepaid: amount_at(summation, "TotalPrepaidAmount")?,
        rounding: amount_at(summation, "RoundingAmount")?,
        due_payable: amount_at(summation, "DuePayableAmount")?,
    };

    Ok(EInvoice {
        syntax: Syntax::Cii,
        profile: root.text_at(&[
            "ExchangedDocumentContext",
            "GuidelineSpecifiedDocumentContextParameter",
            "ID",
        ]),
        type_code: document.text_at(&["TypeCode"]).unwrap_or_default(),
        credit_note_root: false,
        number: document
            .text_at(&["ID"])
            .ok_or_else(|| missing("ExchangedDocument/ID"))?,
        issue_date: document
            .at(&["IssueDateTime", "DateTimeString"])
            .map(|n| date(n, "IssueDateTime"))
            .transpose()?,
        due_date,
        delivery_date: delivery
            .at(&[
                "ActualDeliverySupplyChainEvent",
                "OccurrenceDateTime",
                "DateTimeString",
            ])
            .map(|n| date(n, "ActualDeliverySupplyChainEvent"))
            .transpose()?,
        currency,
        buyer_reference: agreement.text_at(&["BuyerReference"]),
        order_reference: agreement.text_at(&["BuyerOrderReferencedDocument", "IssuerAssignedID"]),
        payment_reference: settlement.text_at(&["PaymentReference"]),
        payment_terms: (!payment_terms.is_empty()).then(|| payment_terms.join("\n")),
        iban: settlement
            .all("SpecifiedTradeSettlementPaymentMeans")
            .filter_map(|m| m.text_at(&["PayeePartyCreditorFinancialAccount", "IBANID"]))
            .collect(),
        seller: party(agreement.child("SellerTradeParty")),
        buyer: party(agreement.child("BuyerTradeParty")),
        lines: transaction
            .all("IncludedSupplyChainTradeLineItem")
            .map(line)
            .collect::<Result<_, _>>()?,
        allowances_charges: settlement
            .all("SpecifiedTradeAllowanceCharge")
            .map(allowance_charge)
            .collect::<Result<_, _>>()?,
        taxes: settlement
            .all("ApplicableTradeTax")
            .map(|t| {
                Ok(TaxSubtotal {
                    rate: amount_at(t, "RateApplicablePercent")?,
                    category: t.text_at(&["CategoryCode"]),
                    basis: amount_at(t, "BasisAmount")?,
                    amount: amount_at(t, "CalculatedAmount")?,
                })
            })
            .collect::<Result<_, EInvoiceError>>()?,
        totals,
    })
}

fn missing(path: &str) -> EInvoiceError {
    EInvoiceError::Missing(format!("the CII invoice has no {path}"))
}

fn amount_at(node: &Node, name: &str) -> Result<Option<rust_decimal::Decimal>, EInvoiceError> {
    node.child(name).map(|n| amount(n, name)).transpose()
}

fn party(node: Option<&Node>) -> Party {
    let Some(node) = node else {
        return Party::default();
    };
    let registration = |scheme: &str| {
        node.all("SpecifiedTaxRegistration")
            .filter_map(|r| r.child("ID"))
            .find(|id| id.attr("schemeID") == Some(scheme))
            .map(|id| id.text.trim().to_string())
            .filter(|t| !t.is_empty())
    };
    Party {
        name: node.text_at(&["Name"]),
        vat_id: registration("VA"),
        tax_number: registration("FC"),
        street: node.text_at(&["PostalTradeAddress", "LineOne"]),
        postcode: node.text_at(&["PostalTradeAddress", "PostcodeCode"]),
        city: node.text_at(&["PostalTradeAddress", "CityName"]),
        country: node.text_at(&["PostalTradeAddress", "CountryID"]),
    }
}

fn line(node: &Node) -> Result<Line, EInvoiceError> {
    let empty = Node::default();
    let agreement = node.child("SpecifiedLineTradeAgreement").unwrap_or(&empty);
    let quantity = node.at(&["SpecifiedLineTradeDelivery", "BilledQuantity"]);
    let settlement = node.child("SpecifiedLineTradeSettlement").unwrap_or(&empty);
    let price = |which: &str| {
        agreement
            .at(&[which, "ChargeAmount"])
            .map(|n| amount(n, which))
            .transpose()
    };
    Ok(Line {
        id: node.text_at(&["AssociatedDocumentLineDocument", "LineID"]),
        seller_item_id: node.text_at(&["SpecifiedTradeProduct", "SellerAssignedID"]),
        name: node.text_at(&["SpecifiedTradeProduct", "Name"]),
        quantity: quantity.map(|n| amount(n, "BilledQuantity")).transpose()?,
        unit_code: quantity
            .and_then(|n| n.attr("unitCode"))
            .map(str::to_string),
        net_price: price("NetPriceProductTradePrice")?,
        gross_price: price("GrossPriceProductTradePrice")?,
        price_base_quantity: agreement
            .at(&["NetPriceProductTradePrice", "BasisQuantity"])
            .map(|n| amount(n, "BasisQuantity"))
            .transpose()?,
        tax_rate: settlement
            .at(&["ApplicableTradeTax", "RateApplicablePercent"])
            .map(|n| amount(n, "RateApplicablePercent"))
            .transpose()?,
        tax_category: settlement.text_at(&["ApplicableTradeTax", "CategoryCode"]),
        net_amount: settlement
            .at(&[
                "SpecifiedTradeSettlementLineMonetarySummation",
                "LineTotalAmount",
            ])
            .map(|n| amount(n, "LineTotalAmount"))
            .transpose()?,
    })
}

fn allowance_charge(node: &Node) -> Result<AllowanceCharge, EInvoiceError> {
    let indicator = node
        .text_at(&["ChargeIndicator", "Indicator"])
        .ok_or_else(|| missing("SpecifiedTradeAllowanceCharge/ChargeIndicator"))?;
    Ok(AllowanceCharge {
        charge: indicator.eq_ignore_ascii_case("true"),
        amount: node
            .child("ActualAmount")
            .map(|n| amount(n, "ActualAmount"))
            .transpose()?
            .ok_or_else(|| missing("SpecifiedTradeAllowanceCharge/ActualAmount"))?,
        reason: node.text_at(&["Reason"]),
        tax_rate: node
            .at(&["CategoryTradeTax", "RateApplicablePercent"])
            .map(|n| amount(n, "RateApplicablePercent"))
            .transpose()?,
        tax_category: node.text_at(&["CategoryTradeTax", "CategoryCode"]),
    })
}
