//! The EN 16931 arithmetic an e-invoice's XML must satisfy (BR-CO-10 to BR-CO-17). The XML is
//! exact data, but exact data can still be wrong: a producer that rounds per line and totals
//! per rate, or a hand-edited file. A failed rule is reported with both amounts, like the
//! checks on a printed page, and never repaired.

use rust_decimal::Decimal;

use super::model::EInvoice;
use ledgerline_extract::{Check, CheckKind, check};

/// Every rule whose inputs the invoice carries.
pub fn checks(invoice: &EInvoice) -> Vec<Check> {
    let t = &invoice.totals;
    let mut out = Vec::new();
    let rule = |expected: Decimal, actual: Decimal, what: &str| {
        check(CheckKind::EInvoiceRule, expected, actual, None, what)
    };
    let line_sum: Option<Decimal> = (!invoice.lines.is_empty())
        .then(|| invoice.lines.iter().filter_map(|l| l.net_amount).sum());
    if let (Some(total), Some(sum)) = (t.line_total, line_sum) {
        out.push(rule(
            total,
            sum,
            "BR-CO-10 line net amounts sum to the line total",
        ));
    }
    let sum_of = |charge: bool| -> Decimal {
        invoice
            .allowances_charges
            .iter()
            .filter(|a| a.charge == charge)
            .map(|a| a.amount)
            .sum()
    };
    if let Some(total) = t.allowance_total {
        out.push(rule(
            total,
            sum_of(false),
            "BR-CO-11 allowances sum to the allowance total",
        ));
    }
    if let Some(total) = t.charge_total {
        out.push(rule(
            total,
            sum_of(true),
            "BR-CO-12 charges sum to the charge total",
        ));
    }
    if let (Some(basis), Some(lines)) = (t.tax_basis, t.line_total) {
        let actual =
            lines - t.allowance_total.unwrap_or_default() + t.charge_total.unwrap_or_default();
        out.push(rule(
            basis,
            actual,
            "BR-CO-13 line total less allowances plus charges is the total without tax",
        ));
    }
    let per_rate: Vec<Decimal> = invoice.taxes.iter().filter_map(|s| s.amount).collect();
    if let Some(total) = t.tax_total
        && !per_rate.is_empty()
    {
        out.push(rule(
            total,
            per_rate.iter().copied().sum(),
            "BR-CO-14 the tax of every rate sums to the tax total",
        ));
    }
    if let (Some(grand), Some(basis)) = (t.grand_total, t.tax_basis) {
        out.push(rule(
            grand,
            basis + t.tax_total.unwrap_or_default(),
            "BR-CO-15 total without tax plus tax is the total with tax",
        ));
    }
    if let (Some(due), Some(grand)) = (t.due_payable, t.grand_total) {
        out.push(rule(
            due,
            grand - t.prepaid.unwrap_or_default() + t.rounding.unwrap_or_default(),
            "BR-CO-16 total with tax less prepaid plus rounding is the amount due",
        ));
    }
    for (i, subtotal) in invoice.taxes.iter().enumerate() {
        if let (Some(rate), Some(basis), Some(amount)) =
            (subtotal.rate, subtotal.basis, subtotal.amount)
        {
            let mut c = rule(
                amount,
                (basis * rate / Decimal::ONE_HUNDRED).round_dp(2),
                &format!(
                    "BR-CO-17 tax at {}% is the basis times the rate",
                    rate.normalize()
                ),
            );
            c.item = Some(i);
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::einvoice::model::{Line, Syntax, TaxSubtotal, Totals};

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn invoice(lines: &[&str], totals: Totals, taxes: Vec<TaxSubtotal>) -> EInvoice {
        EInvoice {
            syntax: Syntax::Cii,
            profile: None,
            type_code: "380".into(),
            credit_note_root: false,
            number: "1".into(),
            issue_date: None,
            due_date: None,
            delivery_date: None,
            currency: Some("EUR".into()),
            buyer_reference: None,
            order_reference: None,
            payment_reference: None,
            payment_terms: None,
            iban: Vec::new(),
            seller: Default::default(),
            buyer: Default::default(),
            lines: lines
                .iter()
                .map(|a| Line {
                    net_amount: Some(d(a)),
                    ..Line::default()
                })
                .collect(),
            allowances_charges: Vec::new(),
            taxes,
            totals,
        }
    }

    #[test]
    fn consistent_totals_pass_and_a_wrong_one_fails_with_its_rule() {
        let totals = Totals {
            line_total: Some(d("300.00")),
            tax_basis: Some(d("300.00")),
            tax_total: Some(d("57.00")),
            grand_total: Some(d("357.00")),
            prepaid: Some(d("7.00")),
            due_payable: Some(d("350.00")),
            ..Totals::default()
        };
        let taxes = vec![TaxSubtotal {
            rate: Some(d("19.00")),
            category: Some("S".into()),
            basis: Some(d("300.00")),
            amount: Some(d("57.00")),
        }];
        let good = checks(&invoice(
            &["100.00", "200.00"],
            totals.clone(),
            taxes.clone(),
        ));
        assert_eq!(good.len(), 6, "{good:?}");
        assert!(good.iter().all(|c| c.passed), "{good:?}");

        let bad = checks(&invoice(&["100.00", "210.00"], totals, taxes));
        let failed: Vec<&Check> = bad.iter().filter(|c| !c.passed).collect();
        assert_eq!(failed.len(), 1, "{bad:?}");
        assert!(
            failed[0].message.starts_with("BR-CO-10"),
            "{}",
            failed[0].message
        );
        assert_eq!(failed[0].actual, "310.00");
    }
}
