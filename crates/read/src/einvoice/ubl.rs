//! OASIS UBL 2.1 `Invoice` and `CreditNote` (Peppol BIS Billing 3.0, XRechnung UBL) to the
//! e-invoice nouns. A credit note differs from an invoice only in its element names.

use rust_decimal::Decimal;

use super::model::{AllowanceCharge, EInvoice, Line, Party, Syntax, TaxSubtotal, Totals};
use super::tree::Node;
use super::{EInvoiceError, amount, date};

pub fn read(root: &Node) -> Result<EInvoice, EInvoiceError> {
    let credit_note = root.name == "CreditNote";
    let (type_name, line_name, quantity_name) = if credit_note {
        ("CreditNoteTypeCode", "CreditNoteLine", "CreditedQuantity")
    } else {
        ("InvoiceTypeCode", "InvoiceLine", "InvoicedQuantity")
    };
    let currency = root.text_at(&["DocumentCurrencyCode"]);
    let empty = Node::default();
    let totals_node = root.child("LegalMonetaryTotal").unwrap_or(&empty);
    // Tax may be totalled twice (BT-110 in the invoice currency, BT-111 in the accounting
    // currency); the subtotals belong to the one in the invoice currency.
    let tax_total = root
        .all("TaxTotal")
        .find(|t| {
            t.child("TaxAmount").is_some_and(|a| {
                a.attr("currencyID").is_none() || a.attr("currencyID") == currency.as_deref()
            })
        })
        .or_else(|| root.child("TaxTotal"));
    let payment_means: Vec<&Node> = root.all("PaymentMeans").collect();
    let due_date = match root.child("DueDate") {
        Some(n) => Some(date(n, "DueDate")?),
        None => payment_means
            .iter()
            .find_map(|m| m.child("PaymentDueDate"))
            .map(|n| date(n, "PaymentDueDate"))
            .transpose()?,
    };
    let payment_terms: Vec<String> = root
        .all("PaymentTerms")
        .filter_map(|t| t.text_at(&["Note"]))
        .collect();

    Ok(EInvoice {
        syntax: Syntax::Ubl,
        profile: root.text_at(&["CustomizationID"]),
        type_code: root
            .text_at(&[type_name])
            .unwrap_or_else(|| if credit_note { "381" } else { "380" }.to_string()),
        credit_note_root: credit_note,
        number: root
            .text_at(&["ID"])
            .ok_or_else(|| missing(&format!("{}/ID", root.name)))?,
        issue_date: root
            .child("IssueDate")
            .map(|n| date(n, "IssueDate"))
            .transpose()?,
        due_date,
        delivery_date: root
            .at(&["Delivery", "ActualDeliveryDate"])
            .map(|n| date(n, "ActualDeliveryDate"))
            .transpose()?,
        currency,
        buyer_reference: root.text_at(&["BuyerReference"]),
        order_reference: root.text_at(&["OrderReference", "ID"]),
        payment_reference: payment_means.iter().find_map(|m| m.text_at(&["PaymentID"])),
        payment_terms: (!payment_terms.is_empty()).then(|| payment_terms.join("\n")),
        iban: payment_means
            .iter()
            .filter_map(|m| m.text_at(&["PayeeFinancialAccount", "ID"]))
            .collect(),
        seller: party(root.at(&["AccountingSupplierParty", "Party"])),
        buyer: party(root.at(&["AccountingCustomerParty", "Party"])),
        lines: root
            .all(line_name)
            .map(|l| line(l, quantity_name))
            .collect::<Result<_, _>>()?,
        allowances_charges: root
            .all("AllowanceCharge")
            .map(allowance_charge)
            .collect::<Result<_, _>>()?,
        taxes: tax_total
            .map(|t| {
                t.all("TaxSubtotal")
                    .map(|s| {
                        Ok(TaxSubtotal {
                            rate: amount_at(s, &["TaxCategory", "Percent"])?,
                            category: s.text_at(&["TaxCategory", "ID"]),
                            basis: amount_at(s, &["TaxableAmount"])?,
                            amount: amount_at(s, &["TaxAmount"])?,
                        })
                    })
                    .collect::<Result<Vec<_>, EInvoiceError>>()
            })
            .transpose()?
            .unwrap_or_default(),
        totals: Totals {
            line_total: amount_at(totals_node, &["LineExtensionAmount"])?,
            charge_total: amount_at(totals_node, &["ChargeTotalAmount"])?,
            allowance_total: amount_at(totals_node, &["AllowanceTotalAmount"])?,
            tax_basis: amount_at(totals_node, &["TaxExclusiveAmount"])?,
            tax_total: tax_total
                .map(|t| amount_at(t, &["TaxAmount"]))
                .transpose()?
                .flatten(),
            grand_total: amount_at(totals_node, &["TaxInclusiveAmount"])?,
            prepaid: amount_at(totals_node, &["PrepaidAmount"])?,
            rounding: amount_at(totals_node, &["PayableRoundingAmount"])?,
            due_payable: amount_at(totals_node, &["PayableAmount"])?,
        },
    })
}

fn missing(path: &str) -> EInvoiceError {
    EInvoiceError::Missing(format!("the UBL document has no {path}"))
}

fn amount_at(node: &Node, path: &[&str]) -> Result<Option<Decimal>, EInvoiceError> {
    node.at(path)
        .map(|n| amount(n, path.last().copied().unwrap_or_default()))
        .transpose()
}

fn party(node: Option<&Node>) -> Party {
    let Some(node) = node else {
        return Party::default();
    };
    let schemes: Vec<(String, String)> = node
        .all("PartyTaxScheme")
        .filter_map(|s| {
            Some((
                s.text_at(&["TaxScheme", "ID"]).unwrap_or_default(),
                s.text_at(&["CompanyID"])?,
            ))
        })
        .collect();
    Party {
        // The legal name (BT-27) first; the trading name (BT-28) when that is all there is.
        name: node
            .text_at(&["PartyLegalEntity", "RegistrationName"])
            .or_else(|| node.text_at(&["PartyName", "Name"])),
        vat_id: schemes
            .iter()
            .find(|(scheme, _)| scheme.eq_ignore_ascii_case("VAT"))
            .map(|(_, id)| id.clone()),
        tax_number: schemes
            .iter()
            .find(|(scheme, _)| !scheme.eq_ignore_ascii_case("VAT"))
            .map(|(_, id)| id.clone()),
        street: node.text_at(&["PostalAddress", "StreetName"]),
        postcode: node.text_at(&["PostalAddress", "PostalZone"]),
        city: node.text_at(&["PostalAddress", "CityName"]),
        country: node.text_at(&["PostalAddress", "Country", "IdentificationCode"]),
    }
}

fn line(node: &Node, quantity_name: &str) -> Result<Line, EInvoiceError> {
    let quantity = node.child(quantity_name);
    Ok(Line {
        id: node.text_at(&["ID"]),
        seller_item_id: node.text_at(&["Item", "SellersItemIdentification", "ID"]),
        name: node.text_at(&["Item", "Name"]),
        quantity: quantity.map(|n| amount(n, quantity_name)).transpose()?,
        unit_code: quantity
            .and_then(|n| n.attr("unitCode"))
            .map(str::to_string),
        net_price: amount_at(node, &["Price", "PriceAmount"])?,
        gross_price: amount_at(node, &["Price", "AllowanceCharge", "BaseAmount"])?,
        price_base_quantity: amount_at(node, &["Price", "BaseQuantity"])?,
        tax_rate: amount_at(node, &["Item", "ClassifiedTaxCategory", "Percent"])?,
        tax_category: node.text_at(&["Item", "ClassifiedTaxCategory", "ID"]),
        net_amount: amount_at(node, &["LineExtensionAmount"])?,
    })
}

fn allowance_charge(node: &Node) -> Result<AllowanceCharge, EInvoiceError> {
    let indicator = node
        .text_at(&["ChargeIndicator"])
        .ok_or_else(|| missing("AllowanceCharge/ChargeIndicator"))?;
    Ok(AllowanceCharge {
        charge: indicator.eq_ignore_ascii_case("true"),
        amount: amount_at(node, &["Amount"])?.ok_or_else(|| missing("AllowanceCharge/Amount"))?,
        reason: node.text_at(&["AllowanceChargeReason"]),
        tax_rate: amount_at(node, &["TaxCategory", "Percent"])?,
        tax_category: node.text_at(&["TaxCategory", "ID"]),
    })
}
