//! Tests of how a till receipt's merchant and total are read, and an invoice's total: the
//! rounded amount a customer paid, counts printed under a total's label, cash handed over, a
//! currency glued to the digits, a merchant's name printed over several lines. The rows mirror
//! what OCR read from real Malaysian receipts (SROIE) and an EN 16931 invoice, rebuilt as words
//! so the cases stay readable.

use ledgerline_core::page::{Page, TextSource};

use super::testing::rows_page;
use super::{DocumentKind, extract};

/// A page of OCR words about as wide as their text.
fn page(rows: &[&[(&str, f32)]]) -> Page {
    rows_page(rows, |t| 20.0 * t.chars().count() as f32, TextSource::Ocr)
}

fn total_of(rows: &[&[(&str, f32)]]) -> (DocumentKind, Option<String>, Option<String>) {
    let x = extract(&[page(rows)]);
    let invoice = x.invoice.unwrap_or_default();
    (
        x.kind,
        invoice.total.map(|f| f.value),
        invoice.currency.map(|f| f.value),
    )
}

#[test]
fn a_receipt_total_is_the_amount_after_its_rounding() {
    let (kind, total, currency) = total_of(&[
        &[
            ("AEON", 100.0),
            ("CO.", 220.0),
            ("(M)", 320.0),
            ("BHD", 420.0),
        ],
        &[
            ("Total", 100.0),
            ("Sales", 220.0),
            ("RM", 900.0),
            ("177.22", 1000.0),
        ],
        &[
            ("Rounding", 100.0),
            ("Adjustment", 300.0),
            ("RM", 900.0),
            ("-0.02", 1000.0),
        ],
        &[("Rounding", 100.0), ("RM", 900.0), ("177.20", 1000.0)],
        &[("CASH", 100.0), ("RM", 900.0), ("200.00", 1000.0)],
        &[("CHANGE", 100.0), ("RM", 900.0), ("22.80", 1000.0)],
    ]);
    assert_eq!(kind, DocumentKind::Receipt);
    assert_eq!(total.as_deref(), Some("177.20"));
    assert_eq!(currency.as_deref(), Some("MYR"));
}

#[test]
fn an_invoice_total_is_the_grand_total_before_its_rounding() {
    let (kind, total, _) = total_of(&[
        &[("Invoice", 100.0), ("No.", 300.0), ("471102", 400.0)],
        &[("Bill", 100.0), ("to", 200.0), ("Buyer", 300.0)],
        &[("Subtotal", 100.0), ("€121.50", 1000.0)],
        &[("VAT", 100.0), ("€23.09", 1000.0)],
        &[("Grand", 100.0), ("total", 230.0), ("€144.59", 1000.0)],
        &[("Rounding", 100.0), ("amount", 300.0), ("€0.01", 1000.0)],
        &[("Open", 100.0), ("amount", 230.0), ("€144.60", 1000.0)],
    ]);
    assert_eq!(kind, DocumentKind::Invoice);
    assert_eq!(total.as_deref(), Some("144.59"));
}

#[test]
fn a_count_under_a_total_label_does_not_replace_the_amount() {
    let (_, total, _) = total_of(&[
        &[("HARDWARE", 100.0), ("SDN", 320.0), ("BHD", 420.0)],
        &[
            ("Total", 100.0),
            ("Amt", 220.0),
            ("Incl.GST@6%:", 320.0),
            ("156.00", 1000.0),
        ],
        &[
            ("Total", 100.0),
            ("Qry", 220.0),
            ("Tender:", 320.0),
            ("5", 1000.0),
        ],
        &[("CASH", 100.0), ("200.00", 1000.0)],
        &[("CHANGE", 100.0), ("44.00", 1000.0)],
    ]);
    assert_eq!(total.as_deref(), Some("156.00"));
}

#[test]
fn cash_handed_over_is_not_the_total_and_a_net_total_after_tax_is() {
    let (_, total, _) = total_of(&[
        &[("MINIMART", 100.0)],
        &[("GST", 100.0), ("6%", 200.0), ("3.84", 1000.0)],
        &[("NET", 100.0), ("TOTAL", 200.0), ("67.85", 1000.0)],
        &[("Cash", 100.0), ("100.00", 1000.0)],
        &[("CHANGE", 100.0), ("32.15", 1000.0)],
    ]);
    assert_eq!(total.as_deref(), Some("67.85"));
}

#[test]
fn a_currency_glued_to_the_digits_and_a_misread_l_still_name_the_total() {
    let (_, total, currency) = total_of(&[
        &[("BAR", 100.0), ("WANG", 200.0), ("RICE", 320.0)],
        &[
            ("TotaI", 100.0),
            ("Incl.", 230.0),
            ("GST@6%", 330.0),
            ("RM34.80", 1000.0),
        ],
        &[("CASH", 100.0), ("RM100.00", 1000.0)],
        &[("CHANGE", 100.0), ("RM65.20", 1000.0)],
    ]);
    assert_eq!(total.as_deref(), Some("34.80"));
    assert_eq!(currency.as_deref(), Some("MYR"));
}

fn merchant_of(rows: &[&[(&str, f32)]]) -> Option<String> {
    let x = extract(&[page(rows)]);
    x.invoice.and_then(|i| i.vendor_name).map(|f| f.value)
}

#[test]
fn a_merchant_name_printed_over_several_lines_is_read_whole() {
    let till = |name: &[&[(&str, f32)]]| {
        let mut rows: Vec<&[(&str, f32)]> = name.to_vec();
        rows.extend_from_slice(&[
            &[("TOTAL", 100.0), ("12.00", 1000.0)],
            &[("CASH", 100.0), ("20.00", 1000.0)],
            &[("CHANGE", 100.0), ("8.00", 1000.0)],
        ]);
        merchant_of(&rows)
    };
    assert_eq!(
        till(&[
            &[("POPULAR BOOK.", 300.0)],
            &[("CO.(M)", 300.0)],
            &[("SDN BHD", 300.0)],
            &[("(Company No. 113825-W)", 300.0)],
        ])
        .as_deref(),
        Some("POPULAR BOOK. CO. (M) SDN BHD")
    );
    assert_eq!(
        till(&[
            &[("HOME MASTER HARDWARE &", 300.0)],
            &[("ELECTRICAL", 300.0)],
            &[("NO.113G, JALAN SETIA", 300.0)],
        ])
        .as_deref(),
        Some("HOME MASTER HARDWARE & ELECTRICAL")
    );
    // A word broken at the line's end.
    assert_eq!(
        till(&[
            &[("POPULAR BOOK-", 300.0)],
            &[("CO. (M) SDN BHD", 300.0)],
            &[("(Company No. 113825-W)", 300.0)],
        ])
        .as_deref(),
        Some("POPULAR BOOK CO. (M) SDN BHD")
    );
    // A trade name's branch in brackets, and the company form after it.
    assert_eq!(
        till(&[
            &[("AIK HUAT HARDWARE", 300.0)],
            &[("ENTERPRISE", 300.0)],
            &[("(SETIA", 300.0)],
            &[("ALAM)SDN BHD", 300.0)],
            &[("NO. 17-G, JALAN SETIA INDAH", 300.0)],
        ])
        .as_deref(),
        Some("AIK HUAT HARDWARE ENTERPRISE (SETIA ALAM) SDN BHD")
    );
    // A registration in brackets ends the name: what follows is another.
    assert_eq!(
        till(&[
            &[("Gerbang Alaf Restaurants Sdn Bhd", 300.0)],
            &[("(65351-M)", 300.0)],
            &[("formerly known as", 300.0)],
            &[("Golden Arches Restaurants Sdn Bhd", 300.0)],
        ])
        .as_deref(),
        Some("Gerbang Alaf Restaurants Sdn Bhd")
    );
}

#[test]
fn a_till_slip_with_an_empty_bill_to_is_still_a_receipt() {
    let slip: &[&[(&str, f32)]] = &[
        &[
            ("ASO", 100.0),
            ("TRADING", 220.0),
            ("SDN", 420.0),
            ("BHD", 520.0),
        ],
        &[("TAX", 100.0), ("INVOICE", 200.0)],
        &[("Bill", 100.0), ("To:", 200.0)],
        &[("Receipt#:", 100.0), ("CS00093091", 400.0)],
        &[("Cashier:", 100.0), ("USER", 400.0)],
        &[("Total", 100.0), (":", 300.0), ("99.00", 1000.0)],
        &[("CASH", 100.0), (":", 300.0), ("100.00", 1000.0)],
        &[("Change", 100.0), ("1.00", 1000.0)],
        &[("THANK", 100.0), ("YOU.", 300.0)],
    ];
    assert_eq!(total_of(slip).0, DocumentKind::Receipt);
    // The same slip asking to be paid by a due date is an invoice.
    let mut invoice = slip.to_vec();
    invoice.push(&[("Due", 100.0), ("date", 200.0), ("31/12/2017", 400.0)]);
    assert_eq!(total_of(&invoice).0, DocumentKind::Invoice);
}

fn invoice_totals(rows: &[&[(&str, f32)]]) -> [Option<String>; 3] {
    let mut head: Vec<&[(&str, f32)]> = vec![
        &[("Rechnung / Invoice", 100.0)],
        &[("Facture", 100.0), ("FA-2026-17", 400.0)],
        &[("Date", 100.0), ("31/01/2026", 400.0)],
    ];
    head.extend_from_slice(rows);
    let x = extract(&[page(&head)]);
    assert_eq!(x.kind, DocumentKind::Invoice, "{x:?}");
    let invoice = x.invoice.unwrap_or_default();
    [invoice.total, invoice.prepaid, invoice.amount_due].map(|f| f.map(|f| f.value))
}

#[test]
fn an_invoice_total_is_what_is_due_plus_what_was_paid_before() {
    // Only what is left to pay is labelled: the prepayment beside it makes the total.
    assert_eq!(
        invoice_totals(&[
            &[("Montant déjà payé :", 100.0), ("20,00", 1000.0)],
            &[("NET A PAYER", 100.0), ("100,00 EUR", 1000.0)],
        ]),
        [
            Some("120.00".into()),
            Some("20.00".into()),
            Some("100.00".into())
        ]
    );
    // A labelled total stays the total when less is due, or more (earlier bills still open).
    assert_eq!(
        invoice_totals(&[
            &[("Bruttosumme", 100.0), ("220,00", 1000.0)],
            &[("Offene Zahlungen", 100.0), ("220,00", 1000.0)],
            &[("Zahlbetrag", 100.0), ("440,00", 1000.0)],
        ])[0]
            .as_deref(),
        Some("220.00")
    );
    // "Total" before the tax, then the amount due: the total is the amount due.
    assert_eq!(
        invoice_totals(&[
            &[("Total", 100.0), ("100.00", 1000.0)],
            &[("VAT 20%", 100.0), ("20.00", 1000.0)],
            &[("Amount due", 100.0), ("120.00", 1000.0)],
        ])[0]
            .as_deref(),
        Some("120.00")
    );
}

#[test]
fn a_german_ebon_paid_by_card_is_a_receipt_and_its_benefits_page_no_total() {
    let mut first = page(&[
        &[("R E W E Jürgen Maziejewski OHG", 150.0)],
        &[("Im Weidenbruch 136, 51061 Köln", 150.0)],
        &[("SALAMI SPITZENQ.", 80.0), ("1,79 B", 900.0)],
        &[("CREMA G. BOH.", 80.0), ("14,99 B", 880.0)],
        &[("SUMME", 100.0), ("EUR", 700.0), ("16,78", 900.0)],
        &[("Geg. EC-Cash", 100.0), ("EUR", 700.0), ("16,78", 900.0)],
        &[("* * Kundenbeleg * *", 330.0)],
        &[("Datum:", 80.0), ("11.08.2023", 830.0)],
        &[("Kartenzahlung", 430.0)],
    ]);
    first.index = 0;
    let mut second = page(&[
        &[("Ihre REWE PAYBACK Vorteile heute", 180.0)],
        &[("Summe", 100.0), ("4,27", 900.0)],
    ]);
    second.index = 1;
    let x = extract(&[first, second]);
    assert_eq!(x.kind, DocumentKind::Receipt);
    let invoice = x.invoice.unwrap_or_default();
    assert_eq!(invoice.total.map(|f| f.value).as_deref(), Some("16.78"));
}

/// Kind, total and date of a photographed slip, from the OCR lines' boxes.
fn slip_of(lines: &[(&str, [f32; 4])]) -> (DocumentKind, Option<String>, Option<String>) {
    let x = extract(&[super::testing::ocr_lines_page(lines)]);
    let invoice = x.invoice.unwrap_or_default();
    (
        x.kind,
        invoice.total.map(|f| f.value),
        invoice.invoice_date.map(|f| f.value),
    )
}

/// A Czech supermarket slip (a phone photo) names itself in no word of the six languages: its
/// narrow column and its "CELKEM" make it a receipt, and its total is read.
#[test]
fn a_narrow_slip_with_a_total_in_another_language_is_a_receipt() {
    let tesco: &[(&str, [f32; 4])] = &[
        ("TESCO", [470.0, 106.0, 1326.0, 356.0]),
        ("Tesco Stores CR a.s.", [537.0, 390.0, 1107.0, 466.0]),
        (
            "Vrsovicka 1527/68b, 100 00 Praha 10",
            [311.0, 417.0, 1330.0, 541.0],
        ),
        ("IC:45308314 DIC:CZ45308314", [427.0, 490.0, 1239.0, 586.0]),
        ("Hypermarket Brno Bohunice", [508.0, 551.0, 1240.0, 645.0]),
        ("KC", [1273.0, 586.0, 1418.0, 672.0]),
        ("DONUT PRICH.COKO.58g", [286.0, 680.0, 872.0, 751.0]),
        ("2 x", [480.0, 740.0, 592.0, 809.0]),
        ("Kc9,90", [819.0, 733.0, 1015.0, 809.0]),
        ("19,80B", [1160.0, 711.0, 1358.0, 799.0]),
        ("CELKEM", [319.0, 855.0, 507.0, 918.0]),
        ("19,80", [1163.0, 834.0, 1329.0, 906.0]),
        ("EC/MC", [316.0, 910.0, 479.0, 978.0]),
        ("19.80", [1163.0, 891.0, 1330.0, 967.0]),
        ("Auth Code = 902560", [307.0, 967.0, 713.0, 1034.0]),
        ("07.09.2017 16:03", [300.0, 1400.0, 800.0, 1470.0]),
    ];
    let (kind, total, date) = slip_of(tesco);
    assert_eq!(kind, DocumentKind::Receipt);
    assert_eq!(total.as_deref(), Some("19.80"));
    assert_eq!(date.as_deref(), Some("2017-09-07"));
    // The same words spread over an A4 page's width are no slip, and name no kind.
    let wide: Vec<(&str, [f32; 4])> = tesco
        .iter()
        .map(|(t, [x0, y0, x1, y1])| (*t, [x0 * 3.0, *y0, x1 * 3.0, *y1]))
        .collect();
    assert_eq!(slip_of(&wide).0, DocumentKind::Other);
}

/// A Moldovan "bon" paid by card, its change ("REST") printed: a receipt.
#[test]
fn a_slip_paid_by_card_with_its_change_in_romanian_is_a_receipt() {
    let (kind, total, _) = slip_of(&[
        ("Nr1", [380.0, 91.0, 573.0, 178.0]),
        ("SUPERMARKET", [314.0, 159.0, 625.0, 198.0]),
        ("47TH PARALLEL S.R.L.", [350.0, 191.0, 528.0, 224.0]),
        (
            "mun.Chisinau, str.V.Docuceaev 6",
            [296.0, 222.0, 578.0, 255.0],
        ),
        ("IDNO:1002600038891", [351.0, 253.0, 521.0, 285.0]),
        ("Bon # 207", [338.0, 336.0, 428.0, 372.0]),
        ("69081-Piine MINSK 1/", [248.0, 366.0, 437.0, 400.0]),
        ("1-×9.50=9.50 B", [462.0, 371.0, 630.0, 402.0]),
        ("255205-Vin perlant C", [246.0, 396.0, 443.0, 431.0]),
        ("C1-×89.00=89.00 A", [425.0, 400.0, 632.0, 432.0]),
        ("TOTAL LEI", [244.0, 488.0, 414.0, 525.0]),
        ("100.00", [519.0, 491.0, 633.0, 524.0]),
        ("CARD", [242.0, 522.0, 290.0, 556.0]),
        ("100.00", [571.0, 522.0, 635.0, 555.0]),
        ("REST", [241.0, 554.0, 287.0, 588.0]),
        ("0.00", [588.0, 554.0, 635.0, 586.0]),
    ]);
    assert_eq!(kind, DocumentKind::Receipt);
    assert_eq!(total.as_deref(), Some("100.00"));
}

/// A full invoice that names the simplified one it replaces ("Factura Simplificada:
/// 3995-016-322364") and asks for the purchase ticket is still an invoice: the slip's legal
/// name counts only on a slip's shape.
#[test]
fn a_full_invoice_naming_the_simplified_one_it_replaces_stays_an_invoice() {
    let (kind, total, _) = total_of(&[
        &[
            ("MERCADONA S.A.", 100.0),
            ("Razón Social: TASCA BAREA SLL", 1300.0),
        ],
        &[("Nº Factura: A-V2024-00000054742", 100.0)],
        &[("Factura Simplificada: 3995-016-322364", 100.0)],
        &[
            ("Descripción", 100.0),
            ("B.Imp.", 900.0),
            ("IVA", 1200.0),
            ("Importe", 1800.0),
        ],
        &[
            ("BONITO EN ESCABECHE", 100.0),
            ("11,8182", 900.0),
            ("10%", 1200.0),
            ("13,0000", 1800.0),
        ],
        &[("Total Factura 33,20€", 1500.0)],
        &[("presentar el ticket de compra o este documento", 100.0)],
    ]);
    assert_eq!(kind, DocumentKind::Invoice);
    assert_eq!(total.as_deref(), Some("33.20"));
}

/// A Brazilian electricity bill names itself in Portuguese ("NOTA FISCAL/CONTA DE ENERGIA
/// ELÉTRICA", "Data de emissão", "Vencimento", "Total a pagar"): an invoice, and its total read.
#[test]
fn a_portuguese_bill_is_an_invoice() {
    let (kind, total, _) = total_of(&[
        &[("Celesc Distribuicao S.A", 100.0)],
        &[("NOTA FISCAL/CONTA DE ENERGIA ELÉTRICA", 100.0)],
        &[("Data de emissão: 17/01/2020", 100.0)],
        &[("Vencimento", 100.0), ("27/01/2020", 900.0)],
        &[("Consumo", 100.0), ("82,51", 900.0)],
        &[("Total a pagar", 100.0), ("R$ 89,97", 900.0)],
    ]);
    assert_eq!(kind, DocumentKind::Invoice);
    assert_eq!(total.as_deref(), Some("89.97"));
}

/// A Romanian invoice's "TOTAL" row prints the sum before tax and the tax in their columns;
/// "Total de plata" under it is the total.
#[test]
fn a_total_row_with_its_tax_beside_it_is_before_tax() {
    let (_, total, _) = total_of(&[
        &[("Furnizor :", 50.0), ("FACTURA", 980.0)],
        &[("Data : 4.05.2015", 980.0)],
        &[("Cota TVA", 980.0), ("24%", 1260.0)],
        &[
            ("Denumirea serviciilor", 260.0),
            ("Cantitatea", 1000.0),
            ("Valoarea", 1650.0),
            ("Valoare T.V.A.", 1840.0),
        ],
        &[
            ("servicii curatenie", 260.0),
            ("250.00", 1720.0),
            ("60.00", 1950.0),
        ],
        &[("TOTAL", 1400.0), ("250.00", 1720.0), ("60.00", 1950.0)],
        &[("Total de plata", 1620.0), ("310.00", 1890.0)],
    ]);
    assert_eq!(total.as_deref(), Some("310.00"));
}

/// A Malaysian till slip titled "TAX INVOICE", with its GST and quantities (invoice words) and
/// the cash handed over: on a slip's narrow column, a receipt.
#[test]
fn a_narrow_tax_invoice_paid_in_cash_is_a_receipt() {
    let (kind, total, _) = slip_of(&[
        ("GARDENIA BAKERIES (KL) SDN BHD", [22.5, 63.0, 442.5, 85.0]),
        ("Lot 3, Jalan Pelabur 23/1,", [124.5, 87.0, 334.5, 107.0]),
        ("TAX INVOICE", [150.0, 199.0, 315.0, 221.0]),
        ("Date: 03/09/2017", [237.0, 295.0, 385.5, 317.0]),
        ("Description", [22.5, 340.0, 150.0, 362.0]),
        ("Qty", [225.0, 340.0, 255.0, 362.0]),
        ("Amt", [375.0, 340.0, 420.0, 362.0]),
        ("O.C. WHITE", [22.5, 370.0, 150.0, 392.0]),
        ("2", [232.5, 370.0, 243.8, 392.0]),
        ("4.26", [375.0, 370.0, 420.0, 392.0]),
        ("GST 6%", [22.5, 400.0, 112.5, 422.0]),
        ("0.26", [375.0, 400.0, 420.0, 422.0]),
        ("TOTAL", [22.5, 430.0, 112.5, 452.0]),
        ("4.52", [375.0, 430.0, 420.0, 452.0]),
        ("CASH", [22.5, 460.0, 112.5, 482.0]),
        ("10.00", [367.5, 460.0, 420.0, 482.0]),
    ]);
    assert_eq!(kind, DocumentKind::Receipt);
    assert_eq!(total.as_deref(), Some("4.52"));
}

/// A narrow slip paid by card: an Austrian discounter's ("BEZAHLT", "Debit Mastercard") with no
/// word for its total, and a US restaurant's check that prints invoice words (subtotal, tax)
/// beside its tip and card approval.
#[test]
fn a_narrow_slip_paid_by_card_is_a_receipt() {
    let (kind, _, _) = slip_of(&[
        ("HOFER KG", [200.0, 40.0, 420.0, 80.0]),
        ("Langgasse 30", [230.0, 90.0, 400.0, 120.0]),
        ("6460 Imst", [250.0, 130.0, 380.0, 160.0]),
        ("EUR", [560.0, 200.0, 610.0, 230.0]),
        ("153094 APFELSAFT 1 L", [40.0, 240.0, 360.0, 270.0]),
        ("1,49 B", [520.0, 240.0, 610.0, 270.0]),
        ("156252 Bettwäsche Jersey", [40.0, 280.0, 400.0, 310.0]),
        ("22,99 B", [505.0, 280.0, 610.0, 310.0]),
        ("BEZAHLT", [40.0, 400.0, 160.0, 430.0]),
        ("Debit Mastercard", [40.0, 440.0, 280.0, 470.0]),
        ("Beleg Nr.: 203531", [40.0, 480.0, 300.0, 510.0]),
    ]);
    assert_eq!(kind, DocumentKind::Receipt);
    let (kind, total, _) = slip_of(&[
        ("Buona Forchetta", [150.0, 40.0, 450.0, 80.0]),
        ("250 N Coast Hwy 101", [150.0, 90.0, 450.0, 120.0]),
        ("Check #77", [40.0, 140.0, 200.0, 170.0]),
        ("9/28/23 7:50 PM", [40.0, 180.0, 280.0, 210.0]),
        ("Gnocchi Special", [40.0, 240.0, 280.0, 270.0]),
        ("$30.00", [500.0, 240.0, 600.0, 270.0]),
        ("Subtotal", [40.0, 300.0, 180.0, 330.0]),
        ("$65.00", [500.0, 300.0, 600.0, 330.0]),
        ("Tax", [40.0, 340.0, 100.0, 370.0]),
        ("$5.05", [515.0, 340.0, 600.0, 370.0]),
        ("Tip", [40.0, 380.0, 100.0, 410.0]),
        ("$16.25", [500.0, 380.0, 600.0, 410.0]),
        ("Total", [40.0, 420.0, 120.0, 450.0]),
        ("$86.30", [500.0, 420.0, 600.0, 450.0]),
        ("VISA CREDIT", [40.0, 460.0, 220.0, 490.0]),
        ("Approved", [40.0, 500.0, 180.0, 530.0]),
    ]);
    assert_eq!(kind, DocumentKind::Receipt);
    assert_eq!(total.as_deref(), Some("86.30"));
}

/// An Indian restaurant's "CASH/CREDIT MEMO" (sold for cash or on credit) is no credit note.
#[test]
fn a_cash_or_credit_memo_is_no_credit_note() {
    let (kind, _, _) = total_of(&[
        &[("MANGAL SWEETS", 300.0)],
        &[("CASH/CREDIT MEMO", 300.0)],
        &[("Bill No : H-54", 100.0), ("Date : 08-Nov-2015", 700.0)],
        &[("Description", 100.0), ("Qty", 500.0), ("Amount", 800.0)],
        &[("DAL MAKHNI", 100.0), ("1", 500.0), ("136", 800.0)],
        &[("VAT on Food Taxable 12.5%", 100.0), ("66.00", 800.0)],
        &[("Bill Total :", 100.0), ("594.00", 800.0)],
    ]);
    assert_ne!(kind, DocumentKind::CreditNote);
}

/// Bangluck Market's till slip: "TOTAL TENDERED" is the cash handed over, under the total.
#[test]
fn the_total_tendered_is_no_total() {
    let (_, total, _) = total_of(&[
        &[("BANGLUCK", 360.0), ("MARKET", 560.0)],
        &[
            ("10/30/23", 180.0),
            ("Receipt #:", 615.0),
            ("027529", 842.0),
        ],
        &[("KKM Soy Sauce Less Sod", 424.0), ("14.79 E", 802.0)],
        &[("MEI Hello Panda Choc", 422.0), ("1.49 E", 821.0)],
        &[("SUBTOTAL", 421.0), ("16.28", 856.0)],
        &[("TOTAL", 421.0), ("16.28", 855.0)],
        &[("Cash", 416.0), ("20.00", 853.0)],
        &[("TOTAL", 418.0), ("TENDERED", 520.0), ("20.00", 854.0)],
        &[("Change", 411.0), ("3.72", 868.0)],
    ]);
    assert_eq!(total.as_deref(), Some("16.28"));
}

/// McDonald's Hazeldonk: the total's label starts "Take-Out", which no total label does, and
/// the cash is printed beside "Euro", under it; the change says which is which.
#[test]
fn cash_less_its_change_is_the_total_where_no_label_gives_it() {
    let (_, total, _) = total_of(&[
        &[("McDonald's", 130.0), ("Hazeldonk-West", 340.0)],
        &[("KASSABON", 221.0)],
        &[("1 Fanta groot", 50.0), ("2.15", 800.0)],
        &[("1 QuarterPounder", 48.0), ("3.35", 800.0)],
        &[("Take-Out Totaal (incl BTW)", 13.0), ("10.85", 800.0)],
        &[("Euro", 12.0), ("21.00", 800.0)],
        &[("Change", 10.0), ("10.15", 800.0)],
        &[("BTW bedrag", 7.0), ("0.61", 800.0)],
    ]);
    assert_eq!(total.as_deref(), Some("10.85"));
}

/// Woolworths (Australia): "$" amounts and "07/08/2024", with nothing in the dates to say which
/// part is the day; the seller's ABN says the dollar is Australian, and so the day comes first.
#[test]
fn an_australian_business_number_makes_the_dollar_australian_and_the_day_first() {
    let x = extract(&[page(&[
        &[("Woolworths", 278.0)],
        &[("TAX INVOICE - ABN 88 000 014 675", 329.0)],
        &[("POS 065 TRANS 8488 17:22 07/08/2024", 312.0)],
        &[("WW Thickened Cream 300ml", 150.0), ("5.60", 927.0)],
        &[("SUBTOTAL", 195.0), ("$43.92", 919.0)],
        &[("TOTAL", 229.0), ("$43.92", 918.0)],
    ])]);
    let invoice = x.invoice.unwrap_or_default();
    assert_eq!(invoice.currency.map(|f| f.value).as_deref(), Some("AUD"));
    assert_eq!(
        invoice.invoice_date.map(|f| f.value).as_deref(),
        Some("2024-08-07")
    );
}

/// SROIE 235: paid exactly, the change is 0.00, which says nothing about which figure was the
/// cash: the amount owed stays the total.
#[test]
fn no_change_given_leaves_the_total_alone() {
    let (_, total, _) = total_of(&[
        &[("B BEST RESTAURANT", 100.0)],
        &[("NASI LEMAK", 100.0), ("7.40", 800.0)],
        &[("Cash", 100.0), ("7.40", 800.0)],
        &[("CHANGE", 100.0), ("0.00", 800.0)],
    ]);
    assert_eq!(total.as_deref(), Some("7.40"));
}

/// Oscar's check, photographed: no till word, no total label OCR kept ("Sub/Tt1"), but "For
/// Here" and a card slip's "Auth:" on a narrow slip.
#[test]
fn a_restaurant_check_eaten_in_and_paid_by_card_is_a_receipt() {
    let (kind, total, _) = slip_of(&[
        ("OSCAR'S", [486.0, 522.0, 702.0, 569.0]),
        ("MEXICAN SEAFOOD", [365.0, 555.0, 817.0, 610.0]),
        ("927 J Street", [517.0, 602.0, 703.0, 649.0]),
        ("San Diego, Ca. 92101", [457.0, 641.0, 761.0, 689.0]),
        ("Check", [430.0, 762.0, 590.0, 810.0]),
        ("10062", [609.0, 765.0, 760.0, 806.0]),
        ("TUE", [306.0, 838.0, 367.0, 888.0]),
        ("6/05/18", [563.0, 845.0, 677.0, 893.0]),
        ("12:42pm", [799.0, 836.0, 917.0, 889.0]),
        ("1 Bottle Water", [338.0, 922.0, 562.0, 973.0]),
        ("1.25", [798.0, 923.0, 871.0, 968.0]),
        ("2 Smoke Fi Taco", [335.0, 965.0, 576.0, 1015.0]),
        ("9.30", [795.0, 963.0, 873.0, 1012.0]),
        ("Sub/Tt1", [369.0, 1050.0, 484.0, 1098.0]),
        ("10.55", [787.0, 1048.0, 874.0, 1094.0]),
        ("Tax", [367.0, 1092.0, 430.0, 1142.0]),
        ("0.82", [798.0, 1090.0, 876.0, 1135.0]),
        ("For Here", [306.0, 1135.0, 561.0, 1184.0]),
        ("11.37", [733.0, 1132.0, 886.0, 1179.0]),
        ("11.37", [792.0, 1219.0, 879.0, 1268.0]),
        ("Acct:", [384.0, 1267.0, 475.0, 1314.0]),
        ("Auth:", [385.0, 1310.0, 471.0, 1356.0]),
        ("Best Mexican Food In Town!", [412.0, 1481.0, 822.0, 1533.0]),
    ]);
    assert_eq!(kind, DocumentKind::Receipt);
    assert_eq!(total.as_deref(), Some("11.37"));
}
