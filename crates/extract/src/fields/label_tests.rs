//! Unit tests of header labels in languages and shapes beyond the first corpora: Romanian,
//! Hungarian, Portuguese, labels in several languages, marks and qualifiers around them.

use super::tests::value_of;
use super::*;
use crate::testing::rows_of;

/// The field a cell of this text alone labels.
fn label(text: &str) -> Option<HeaderKey> {
    label_of(&rows_of(&[&[(text, 100.0)]])[0].cells[0]).map(|(k, _)| k)
}

/// Romanian labels as E.ON's scanned bill prints them, OCR reading "ă" as "ā".
#[test]
fn romanian_labels_are_read_whatever_their_diacritics() {
    assert_eq!(label("Datā emitere"), Some(HeaderKey::InvoiceDate));
    assert_eq!(label("Data scadentā"), Some(HeaderKey::DueDate));
    assert_eq!(label("Nr. Factura:"), Some(HeaderKey::InvoiceNumber));
    assert_eq!(label("Total de plată"), Some(HeaderKey::AmountDue));
}
/// NaskorSports' last page: "Order total (incl. VAT): 23515.84 €".
#[test]
fn a_bracketed_qualifier_before_the_colon_leaves_the_amount() {
    let rows = rows_of(&[&[
        ("KvK: 52876144", 100.0),
        ("Order total (incl. VAT): 23515.84 €", 1741.0),
    ]]);
    let found = header_fields(&rows, DateOrder::DayFirst);
    assert_eq!(
        value_of(&found, HeaderKey::Total).as_deref(),
        Some("23515.84")
    );
}

/// BioTechUSA's header box prints each label in English over Hungarian, the value under both.
#[test]
fn a_label_over_its_translation_has_its_value_under_both() {
    let rows = rows_of(&[
        &[
            ("Delivery Date/", 730.0),
            ("Invoice Date/", 1277.0),
            ("Due Date/", 1823.0),
        ],
        &[
            ("Teljesítés dátuma", 730.0),
            ("Számla dátuma", 1277.0),
            ("Fizetési határidő", 1823.0),
        ],
        &[("6/27/25", 730.0), ("6/30/25", 1277.0), ("7/30/25", 1823.0)],
    ]);
    let found = header_fields(&rows, DateOrder::MonthFirst);
    assert_eq!(
        value_of(&found, HeaderKey::InvoiceDate).as_deref(),
        Some("2025-06-30")
    );
    assert_eq!(
        value_of(&found, HeaderKey::DueDate).as_deref(),
        Some("2025-07-30")
    );
}
/// Ostrovit's header box: "VAT Invoice Number" over "nr FA/31975/05/2024/MAG".
#[test]
fn a_vat_invoice_number_label_names_the_number_not_the_tax() {
    let page = crate::testing::ocr_lines_page(&[
        ("Seller", [152.0, 172.0, 240.0, 200.0]),
        ("VAT Invoice Number", [1522.0, 172.0, 2034.0, 240.0]),
        ("nr FA/31975/05/2024/MAG", [1501.0, 263.0, 2055.0, 310.0]),
    ]);
    let found = header_fields(&crate::cells::rows(&[page]), DateOrder::DayFirst);
    assert_eq!(
        value_of(&found, HeaderKey::InvoiceNumber).as_deref(),
        Some("FA/31975/05/2024/MAG")
    );
}

/// Labels from the third blind set: Mercedes-Benz Heritage's label in four languages over
/// its value, METRO's circled footnote marks, ROC van Twente's "factuurtotaal", TAI YAT's
/// "Code Client".
#[test]
fn labels_in_several_languages_with_marks_are_read() {
    let rows = rows_of(&[
        &[("Beleg-Nr../Document No./", 1508.0)],
        &[("No. du document/Num. de comprobante", 1508.0)],
        &[("458c10e4-fbd7-4a7f-948a-e22c8c3a00c1", 1508.0)],
    ]);
    let found = header_fields(&rows, DateOrder::DayFirst);
    assert_eq!(
        value_of(&found, HeaderKey::InvoiceNumber).as_deref(),
        Some("458c10e4-fbd7-4a7f-948a-e22c8c3a00c1")
    );
    let rows = rows_of(&[
        &[("Nº FACTURE", 54.0), ("0/0(135)0011/021322②", 585.0)],
        &[("⑬ Total à payer", 1329.0), ("1638,80", 1754.0)],
        &[("factuurtotaal", 266.0), ("95,00", 2174.0)],
    ]);
    let found = header_fields(&rows, DateOrder::DayFirst);
    assert_eq!(
        value_of(&found, HeaderKey::InvoiceNumber).as_deref(),
        Some("0/0(135)0011/021322")
    );
    assert_eq!(value_of(&found, HeaderKey::Total).as_deref(), Some("95.00"));
    assert_eq!(label("⑬ Total à payer"), Some(HeaderKey::AmountDue));
    assert_eq!(label("Code Client"), Some(HeaderKey::NotAField));
    assert_eq!(label("Total H.T. :"), Some(HeaderKey::Subtotal));
    // A slash inside a label's value is no second language.
    assert_eq!(label("Rechnung 2024/17"), label("Rechnung 2024"));
}

/// A Brazilian bill heads with "EMISSÃO: 17/01/2020", and counts its days under a label that
/// starts like "Número" ("Número de dias faturados: 30"), which is no invoice number.
#[test]
fn a_portuguese_issue_date_and_a_count_of_days() {
    let rows = rows_of(&[
        &[("EMISSÃO: 17/01/2020", 180.0), ("NOTA FISCAL", 900.0)],
        &[("Data da leitura anterior:", 280.0), ("18/12/2019", 1120.0)],
        &[("Número de dias faturados:", 280.0), ("30", 1310.0)],
    ]);
    let found = header_fields(&rows, DateOrder::DayFirst);
    assert_eq!(
        value_of(&found, HeaderKey::InvoiceDate).as_deref(),
        Some("2020-01-17")
    );
    assert_eq!(value_of(&found, HeaderKey::InvoiceNumber), None);
}

/// An Indian GST invoice prints its total, then a tax summary whose header's first line ends
/// in "Total" over "Tax Amount": that "Total" names a column, and the figure under it is the
/// tax, not the invoice's total.
#[test]
fn a_total_over_a_summary_header_s_column_name_is_no_total_label() {
    let page = crate::testing::ocr_lines_page(&[
        ("Total", [700.0, 1121.0, 741.0, 1141.0]),
        ("2,67,011.67", [810.0, 1121.0, 920.0, 1148.0]),
        ("HSN/SAC", [336.0, 1192.0, 402.0, 1210.0]),
        ("Taxable", [509.0, 1192.0, 566.0, 1210.0]),
        ("Central Tax", [601.0, 1192.0, 684.0, 1210.0]),
        ("State Tax", [736.0, 1190.0, 807.0, 1211.0]),
        ("Total", [859.0, 1191.0, 898.0, 1210.0]),
        ("Value", [514.0, 1215.0, 563.0, 1236.0]),
        ("Rate", [583.0, 1216.0, 623.0, 1235.0]),
        ("Amount", [638.0, 1216.0, 698.0, 1234.0]),
        ("Rate", [713.0, 1216.0, 753.0, 1234.0]),
        ("Amount", [766.0, 1216.0, 827.0, 1234.0]),
        ("Tax Amount", [839.0, 1216.0, 915.0, 1234.0]),
        ("998599", [253.0, 1244.0, 308.0, 1265.0]),
        ("2,26,281.07", [500.0, 1243.0, 579.0, 1264.0]),
        ("9%", [597.0, 1244.0, 629.0, 1264.0]),
        ("20,365.30", [638.0, 1245.0, 707.0, 1263.0]),
        ("9%", [726.0, 1244.0, 757.0, 1264.0]),
        ("20,365.30", [767.0, 1245.0, 837.0, 1263.0]),
        ("40,730.60", [846.0, 1245.0, 918.0, 1263.0]),
    ]);
    let found = header_fields(&crate::cells::rows(&[page]), DateOrder::DayFirst);
    assert_eq!(
        value_of(&found, HeaderKey::Total).as_deref(),
        Some("267011.67")
    );
}

/// The short forms German, Spanish, Italian and Dutch invoices print for the number and the
/// date ("Re.-Nr.", "Rg.-Datum", "Núm. factura", "Nr. fattura", "Factuur datum").
#[test]
fn abbreviated_number_and_date_labels_are_labels() {
    for text in [
        "Re.-Nr.:",
        "RE-Nr.",
        "Rg.-Nr.",
        "Rechn.-Nr.",
        "Núm. factura",
        "No. de factura",
        "Factura número",
        "Nr. fattura",
        "Fattura numero",
        "N. documento",
        "Factuur nummer",
    ] {
        assert_eq!(label(text), Some(HeaderKey::InvoiceNumber), "{text}");
    }
    for text in [
        "Re.-Datum",
        "Rg.-Datum",
        "Factuur datum",
        "Fecha de expedición",
    ] {
        assert_eq!(label(text), Some(HeaderKey::InvoiceDate), "{text}");
    }
}

/// Low-resolution scans of Dutch invoices: OCR read "Factuurnummer" with its "mm" as "rnm",
/// and once with a "u" dropped as well.
#[test]
fn a_long_label_misread_by_a_letter_is_still_its_label() {
    assert_eq!(label("Factuurnurnmer"), Some(HeaderKey::InvoiceNumber));
    assert_eq!(label("Factumummer"), Some(HeaderKey::InvoiceNumber));
    assert_eq!(label("Rechnungsnumrner"), Some(HeaderKey::InvoiceNumber));
    // Other numbers stay other numbers, and a short word a letter from a label is a word.
    assert_ne!(label("Klantnummer"), Some(HeaderKey::InvoiceNumber));
    assert_ne!(label("Kundennummer"), Some(HeaderKey::InvoiceNumber));
    assert_eq!(label("Daten"), None);
}

/// Labels of Bulgarian, Hungarian and Romanian invoices read blind (2026-12-08): a
/// recipient's and a supplier's own, the number after the title, the document's date, the tax
/// base and the amount to pay.
#[test]
fn bulgarian_hungarian_and_romanian_labels_are_read() {
    assert_eq!(label("Номер:"), Some(HeaderKey::InvoiceNumber));
    assert_eq!(label("Дата:"), Some(HeaderKey::InvoiceDate));
    assert_eq!(label("Данъчна основа:"), Some(HeaderKey::Subtotal));
    assert_eq!(label("Сума за плащане:"), Some(HeaderKey::Total));
    assert_eq!(label("Számla sorszáma:"), Some(HeaderKey::InvoiceNumber));
    assert_eq!(label("Számla kelte:"), Some(HeaderKey::InvoiceDate));
    assert_eq!(label("DATA DOCUMENTULUI"), Some(HeaderKey::InvoiceDate));
    let rows = rows_of(&[&[("Фактура No. : 0000700133", 1091.0)]]);
    let found = header_fields(&rows, DateOrder::DayFirst);
    assert_eq!(
        value_of(&found, HeaderKey::InvoiceNumber).as_deref(),
        Some("0000700133")
    );
}

/// Totals rows read blind (2026-12-08): Amazon India's "TOTAL:" with the tax and the total in
/// one cell, a Romanian VAT summary's net, tax and gross, and a total in two currencies, whose
/// first is the document's.
#[test]
fn a_totals_row_of_parts_ends_with_the_total() {
    let total = |cells: &[(&str, f32)]| {
        let rows = rows_of(&[cells]);
        value_of(&header_fields(&rows, DateOrder::DayFirst), HeaderKey::Total)
    };
    assert_eq!(
        total(&[("TOTAL:", 181.0), ("₹3,659.34 ₹23,989.00", 1896.0)]).as_deref(),
        Some("23989.00")
    );
    assert_eq!(
        total(&[
            ("TOTAL", 1106.0),
            ("235,21", 1428.0),
            ("44,69", 1920.0),
            ("279,90", 2187.0)
        ])
        .as_deref(),
        Some("279.90")
    );
    assert_eq!(
        total(&[
            ("TOTAL AT CHECKOUT", 956.0),
            ("119.95", 1553.0),
            ("109.15", 1909.0)
        ])
        .as_deref(),
        Some("119.95")
    );
}

/// Repsol's bill: "Fecha y Nº Factura: | 03.04.2025 / 218130054", the date before the number,
/// and a contract's end date labelled above it.
#[test]
fn a_date_printed_before_the_number_dates_the_invoice() {
    let rows = rows_of(&[
        &[("Fecha final contrato:", 136.0), ("01.06.2025", 644.0)],
        &[
            ("Fecha y Nº Factura:", 136.0),
            ("03.04.2025 / 218130054", 597.0),
        ],
    ]);
    let found = header_fields(&rows, DateOrder::DayFirst);
    assert_eq!(
        value_of(&found, HeaderKey::InvoiceNumber).as_deref(),
        Some("218130054")
    );
    assert_eq!(
        value_of(&found, HeaderKey::InvoiceDate).as_deref(),
        Some("2025-04-03")
    );
}
