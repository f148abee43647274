//! Unit tests of the header-field readers: titles, labels, names and dates as real pages print
//! them.

use super::*;
use crate::testing::rows_of;

#[test]
fn a_currency_symbol_read_as_a_letter_is_dropped_before_the_digits() {
    assert_eq!(
        without_misread_symbol("(E41,626.24)").as_deref(),
        Some("(41,626.24)")
    );
    assert_eq!(without_misread_symbol("S12.00").as_deref(), Some("12.00"));
    assert_eq!(without_misread_symbol("-E5.00").as_deref(), Some("-5.00"));
    assert_eq!(
        without_misread_symbol("N7,581.31").as_deref(),
        Some("7,581.31")
    );
    assert_eq!(without_misread_symbol("EUR"), None);
    assert_eq!(without_misread_symbol("X12.00"), None);
}

#[test]
fn a_heading_read_without_its_spaces_still_gives_the_number() {
    assert_eq!(
        unglue_heading("Handelsrechnung (380) Nr.E2018092011804 vom 20.09.2018"),
        "Handelsrechnung (380) Nr. E2018092011804 vom 20.09.2018"
    );
    assert_eq!(
        unglue_heading("FactureFA-2017-0010"),
        "Facture FA-2017-0010"
    );
    assert_eq!(
        unglue_heading("Facturen°2022030201155"),
        "Facture n° 2022030201155"
    );
    for kept in [
        "Rechnungsnummer",
        "Facturation",
        "Nr. 4711",
        "Invoices",
        "Nr.5",
        "Facturenummer",
        "Facturen°",
    ] {
        assert_eq!(unglue_heading(kept), kept);
    }
    // Letters whose lower case has another length in bytes, by a mark or title: split or
    // not, never cut inside a character.
    for odd in ["Nr.ẞ5ab", "İnvoice12", "RECHNUNGẞ12", "ẞNr.12", "nº١٢٣٤"] {
        assert_eq!(unglue_heading(odd).replace(' ', ""), odd);
    }
}

#[test]
fn due_on_receipt_is_a_payment_term_not_a_due_date_label() {
    assert!(!is_label(HeaderKey::PaymentTerms, "Due on receipt"));
    assert!(is_label(HeaderKey::PaymentTerms, "Due date:"));
    assert!(is_label(HeaderKey::PaymentTerms, "Due 14/06/2026"));
    assert!(is_label(HeaderKey::InvoiceDate, "Due on receipt"));
    assert!(!is_label(HeaderKey::PaymentTerms, "Net 30"));
}

#[test]
fn due_payable_labels_the_amount_owed_not_a_due_date() {
    // Mustang's sample: "Due payable: 571.04 €" under "VAT total: 75.04 €", beside a table
    // whose largest figure is a quantity (800.00).
    let rows = rows_of(&[
        &[("Net total: 496.00 €", 100.0)],
        &[("VAT total: 75.04 €", 100.0)],
        &[("Due payable: 571.04 €", 100.0)],
    ]);
    let found = header_fields(&rows, DateOrder::DayFirst);
    let due = found.iter().find(|(k, _)| *k == HeaderKey::AmountDue);
    assert_eq!(due.map(|(_, f)| f.value.as_str()), Some("571.04"));
    assert!(!found.iter().any(|(k, _)| *k == HeaderKey::DueDate));
}

fn titled(rows: &[&[(&str, f32)]]) -> Option<String> {
    titled_number(&rows_of(rows), DateOrder::DayFirst).map(|f| f.value)
}

#[test]
fn a_title_alone_with_a_code_is_the_documents_number() {
    assert_eq!(
        titled(&[&[("Facture FA-2017-0009", 100.0)]]).as_deref(),
        Some("FA-2017-0009")
    );
    // A word saying which kind of invoice ("Facture client", STE TAM's scanned invoice).
    assert_eq!(
        titled(&[&[("Facture client 2002093", 100.0)]]).as_deref(),
        Some("2002093")
    );
    assert_eq!(titled(&[&[("Facture Dupont 2002093", 100.0)]]), None);
    assert_eq!(
        titled(&[&[(
            "Invoice information for accounting purposes (751) Nr. 4711",
            100.0
        )]])
        .as_deref(),
        Some("4711")
    );
    // A credit note's title, with or without a mark.
    assert_eq!(
        titled(&[&[("Avoir AV-2017-0005", 100.0)]]).as_deref(),
        Some("AV-2017-0005")
    );
    assert_eq!(
        titled(&[&[("Gutschrift Nr. G-4711", 100.0)]]).as_deref(),
        Some("G-4711")
    );
    // An amount or a date after the title is not its number.
    assert_eq!(titled(&[&[("Rechnung 1.234,56", 100.0)]]), None);
    assert_eq!(titled(&[&[("Avoir 1.234,56", 100.0)]]), None);
    assert_eq!(titled(&[&[("Facture 12/03/2024", 100.0)]]), None);
    assert_eq!(titled(&[&[("Invoice total", 100.0)]]), None);
}

#[test]
fn a_heading_that_wraps_before_its_date_gives_the_date_on_the_next_line() {
    let rows = rows_of(&[
        &[(
            "VERSICHERUNGSRECHNUNG (575) Nr. 01.234.567.8-2018-1 vom",
            100.0,
        )],
        &[("06.12.2018", 100.0)],
    ]);
    let number = titled_number(&rows, DateOrder::DayFirst).unwrap();
    assert_eq!(number.value, "01.234.567.8-2018-1");
    let date = titled_date(&rows, &number, DateOrder::DayFirst).unwrap();
    assert_eq!(date.value, "2018-12-06");
    // Without the joining word the next line's date is someone else's.
    let rows = rows_of(&[&[("Rechnung Nr. 4711", 100.0)], &[("06.12.2018", 100.0)]]);
    let number = titled_number(&rows, DateOrder::DayFirst).unwrap();
    assert!(titled_date(&rows, &number, DateOrder::DayFirst).is_none());
}

#[test]
fn labels_are_read_whatever_accents_ocr_kept() {
    let cell = |text: &str| rows_of(&[&[(text, 100.0)]])[0].cells[0].clone();
    assert_eq!(
        label_of(&cell("NET A PAYER")).map(|l| l.0),
        Some(HeaderKey::AmountDue)
    );
    assert_eq!(
        label_of(&cell("Montant deja paye :")).map(|l| l.0),
        Some(HeaderKey::Prepaid)
    );
}

#[test]
fn a_spanish_header_box_gives_its_number_with_the_series() {
    let rows = rows_of(&[
        &[
            ("Número", 100.0),
            ("25 - 5469", 330.0),
            ("Fecha", 800.0),
            ("28/11/2025", 960.0),
        ],
        &[("Número de pedido", 100.0), ("4711", 500.0)],
    ]);
    let found = header_fields(&rows, DateOrder::DayFirst);
    let value = |key| value_of(&found, key);
    assert_eq!(value(HeaderKey::InvoiceNumber).as_deref(), Some("25-5469"));
    assert_eq!(value(HeaderKey::InvoiceDate).as_deref(), Some("2025-11-28"));
}

#[test]
fn a_number_and_its_series_read_without_spaces_give_the_number() {
    // "Número // Serie" over "002500559 // V", as OCR reads a photo of it: the spaces go.
    let rows = rows_of(&[
        &[("Número", 100.0), ("FECHA", 480.0)],
        &[("002500559//V", 77.0), ("27/11/2025", 417.0)],
    ]);
    let found = header_fields(&rows, DateOrder::DayFirst);
    let number = found
        .iter()
        .find(|(k, _)| *k == HeaderKey::InvoiceNumber)
        .map(|(_, f)| f.value.as_str());
    assert_eq!(number, Some("002500559"));
    // One slash is part of a number.
    let rows = rows_of(&[&[("Número", 100.0), ("FS/22/0951", 330.0)]]);
    let found = header_fields(&rows, DateOrder::DayFirst);
    assert_eq!(found[0].1.value, "FS/22/0951");
}

#[test]
fn a_grids_number_under_its_label_past_an_address_line_and_a_series() {
    // FACTUSOL: "DOCUMENTO | NÚMERO | FECHA" over "Factura | 1 | 250231 | 12/11/2025", with a
    // line of the customer's address between them; "1" is the series.
    let rows = rows_of(&[
        &[("DOCUMENTO", 1369.0), ("NÚMERO", 1688.0), ("FECHA", 2220.0)],
        &[("28031", 117.0), ("MADRID", 365.0)],
        &[
            ("Factura", 1369.0),
            ("1", 1688.0),
            ("250231", 1750.0),
            ("12/11/2025", 2220.0),
        ],
    ]);
    let found = header_fields(&rows, DateOrder::DayFirst);
    let number = found.iter().find(|(k, _)| *k == HeaderKey::InvoiceNumber);
    assert_eq!(number.map(|(_, f)| f.value.as_str()), Some("250231"));
}

#[test]
fn a_labels_colon_in_the_values_column_is_not_the_value() {
    // Bouygues Telecom: "N° de facture | : 11608848301659", beside the line's own number.
    let rows = rows_of(&[
        &[("Date de facture", 100.0), (": 02/11/2019", 400.0)],
        &[("N° de facture", 100.0), (": 11608848301659", 400.0)],
        &[("N° de ligne", 100.0), (": 06 99 XX YY ZZ", 400.0)],
    ]);
    let found = header_fields(&rows, DateOrder::DayFirst);
    let number = found.iter().find(|(k, _)| *k == HeaderKey::InvoiceNumber);
    assert_eq!(
        number.map(|(_, f)| f.value.as_str()),
        Some("11608848301659")
    );
    assert_eq!(
        accept(HeaderKey::Total, ": 12,99", DateOrder::DayFirst).as_deref(),
        Some("12.99")
    );
    assert_eq!(
        accept(HeaderKey::InvoiceNumber, ":", DateOrder::DayFirst),
        None
    );
    // The same colon as OCR read it on a photo of the bill.
    assert_eq!(
        accept(
            HeaderKey::InvoiceNumber,
            "：11608848301659",
            DateOrder::DayFirst
        )
        .as_deref(),
        Some("11608848301659")
    );
}

#[test]
fn a_number_and_its_date_in_one_cell_give_the_number() {
    let number = |raw| accept(HeaderKey::InvoiceNumber, raw, DateOrder::DayFirst);
    assert_eq!(number("94165608 / 30.08.2018").as_deref(), Some("94165608"));
    assert_eq!(number("25 - 5469").as_deref(), Some("25-5469"));
}

#[test]
fn a_bracket_that_qualifies_the_label_is_no_part_of_the_amount() {
    let total = |raw| accept(HeaderKey::Total, raw, DateOrder::DayFirst);
    assert_eq!(
        total("(Inclusive 8ST) RM 137.15").as_deref(),
        Some("137.15")
    );
    assert_eq!(total("(12.50)").as_deref(), Some("-12.50"));
}

#[test]
fn a_browser_s_print_stamp_is_not_the_date_of_issue() {
    let rows = rows_of(&[
        &[("23.06.23, 11:09", 100.0), ("Invoice | TeamGantt", 1260.0)],
        &[("11/5/23", 100.0)],
    ]);
    let date = first_date(&rows, DateOrder::DayFirst).map(|f| f.value);
    assert_eq!(date.as_deref(), Some("2023-05-11"));
    assert!(!is_print_stamp("10/03/2018 17:24:07"));
    assert!(is_print_stamp("6/23/23, 11:09 AM"));
}

#[test]
fn a_label_s_mark_glued_to_the_number_is_no_part_of_it() {
    let number = |raw| accept(HeaderKey::InvoiceNumber, raw, DateOrder::DayFirst);
    assert_eq!(number("N.:A240000827").as_deref(), Some("A240000827"));
    assert_eq!(number("No.15293").as_deref(), Some("15293"));
    assert_eq!(number("Nº2024/17").as_deref(), Some("2024/17"));
    // A number that starts with those letters keeps them.
    assert_eq!(number("NO-2024-17").as_deref(), Some("NO-2024-17"));
    assert_eq!(number("Nr.A").as_deref(), None);
}

#[test]
fn a_uuid_ocr_broke_with_a_space_is_one_number() {
    let number = |raw| accept(HeaderKey::InvoiceNumber, raw, DateOrder::DayFirst);
    assert_eq!(
        number("458c10e4-fbd 7-4a7f-948a-e22c8c3a00c1").as_deref(),
        Some("458c10e4-fbd7-4a7f-948a-e22c8c3a00c1")
    );
    // Two numbers side by side are not joined.
    assert_eq!(number("458c10e4 2024").as_deref(), Some("458c10e4"));
}

#[test]
fn a_title_in_a_box_with_the_number_under_it_gives_the_number() {
    let rows = rows_of(&[
        &[("FACTURA", 200.0), ("Fecha", 580.0), ("Cliente", 840.0)],
        &[
            ("25-100101-387", 190.0),
            ("30-nov.-2025", 530.0),
            ("0023", 860.0),
        ],
    ]);
    assert_eq!(
        titled_number(&rows, DateOrder::DayFirst)
            .map(|f| f.value)
            .as_deref(),
        Some("25-100101-387")
    );
    // OCR pads the title's box down past the top of the number's.
    let mut padded = rows.clone();
    padded[0].cells[0].bbox.y1 = 165.0;
    assert_eq!(
        titled_number(&padded, DateOrder::DayFirst)
            .map(|f| f.value)
            .as_deref(),
        Some("25-100101-387")
    );
    // The title goes on over the next line and ends in a number mark, the code beside it.
    let rows = rows_of(&[
        &[("FACTURE", 1230.0)],
        &[("AFFACTUREE N°", 1230.0), ("UC1_2023020_AFF", 1750.0)],
    ]);
    assert_eq!(
        titled_number(&rows, DateOrder::DayFirst)
            .map(|f| f.value)
            .as_deref(),
        Some("UC1_2023020_AFF")
    );
    // A date or an amount under the title is no number.
    let rows = rows_of(&[&[("Invoice", 200.0)], &[("12/03/2024", 200.0)]]);
    assert_eq!(titled_number(&rows, DateOrder::DayFirst), None);
}

#[test]
fn a_number_keeps_a_date_inside_it_and_loses_its_mark() {
    let number = |rows: &[&[(&str, f32)]]| {
        header_fields(&rows_of(rows), DateOrder::DayFirst)
            .into_iter()
            .find(|(k, _)| *k == HeaderKey::InvoiceNumber)
            .map(|(_, f)| f.value)
    };
    // The title run into the label, and a number whose last three parts read as a date.
    assert_eq!(
        number(&[&[("VAT Invoice no. FS/22/09/51", 100.0)]]).as_deref(),
        Some("FS/22/09/51")
    );
    assert_eq!(
        number(&[&[("Invoice number", 100.0), ("#4hrb48vz", 600.0)]]).as_deref(),
        Some("4hrb48vz")
    );
    // A date where the number should be is still not taken for it.
    assert_eq!(
        number(&[&[("Invoice no", 100.0), ("22/09/2024", 600.0)]]),
        None
    );
    let rows = rows_of(&[&[("INVOICE:", 200.0)], &[("#XZZ5672cdf32", 200.0)]]);
    assert_eq!(
        titled_number(&rows, DateOrder::DayFirst)
            .map(|f| f.value)
            .as_deref(),
        Some("XZZ5672cdf32")
    );
}

#[test]
fn a_date_labelled_as_the_invoices_beats_one_labelled_only_date() {
    let date = |rows: &[&[(&str, f32)]]| {
        header_fields(&rows_of(rows), DateOrder::DayFirst)
            .into_iter()
            .find(|(k, _)| *k == HeaderKey::InvoiceDate)
            .map(|(_, f)| f.value)
    };
    // A signature stamp's date above the invoice's own.
    assert_eq!(
        date(&[
            &[("Fecha: 2024.02.14", 1500.0)],
            &[("Fecha Factura:05/01/2024", 100.0)],
        ])
        .as_deref(),
        Some("2024-01-05")
    );
    // Another invoice's date, referred to, does not replace this one's.
    assert_eq!(
        date(&[
            &[("Date : 31/01/2026", 1500.0)],
            &[("DATE DE FACTURE ASSOCIÉE : 01/01/2026", 100.0)],
        ])
        .as_deref(),
        Some("2026-01-31")
    );
}

#[test]
fn a_delivery_date_or_a_payment_deadline_is_not_the_invoice_date() {
    let found = |rows: &[&[(&str, f32)]]| header_fields(&rows_of(rows), DateOrder::DayFirst);
    let date = |rows: &[&[(&str, f32)]]| {
        found(rows)
            .into_iter()
            .find(|(k, _)| *k == HeaderKey::InvoiceDate)
            .map(|(_, f)| f.value)
    };
    assert_eq!(
        date(&[
            &[("Date of delivery 2020-11-10", 100.0)],
            &[("Invoice date 2020-11-21", 100.0)],
        ])
        .as_deref(),
        Some("2020-11-21")
    );
    assert_eq!(date(&[&[("Date of delivery 2020-11-10", 100.0)]]), None);
    assert_eq!(date(&[&[("Delivery date: 10/11/2020", 100.0)]]), None);
    // "Date limite de règlement" is the French deadline for payment.
    let rows: &[&[(&str, f32)]] = &[&[("Date limite de règlement : 19/10/2023", 100.0)]];
    assert_eq!(date(rows), None);
    let due = found(rows)
        .into_iter()
        .find(|(k, _)| *k == HeaderKey::DueDate)
        .map(|(_, f)| f.value);
    assert_eq!(due.as_deref(), Some("2023-10-19"));
}

/// Netlify's invoice photographed askew (pixel boxes as OCR gave them): "Tax: 0.00" and
/// "Total: 75.87" overlap enough to share a row, and each label still takes the value level
/// with it.
#[test]
fn a_label_takes_the_value_level_with_it_when_two_lines_share_a_row() {
    let page = crate::testing::ocr_page(&[
        ("Tax:", [1676.0, 3010.0, 1802.0, 3098.0]),
        ("0.00", [2179.0, 3020.0, 2315.0, 3107.0]),
        ("Total:", [1652.0, 3061.0, 1805.0, 3160.0]),
        ("75.87", [2162.0, 3080.0, 2312.0, 3161.0]),
    ]);
    let rows = crate::cells::rows(&[page]);
    let found = header_fields(&rows, DateOrder::MonthFirst);
    let value = |key| value_of(&found, key);
    assert_eq!(
        value(HeaderKey::Total).as_deref(),
        Some("75.87"),
        "{found:?}"
    );
    assert_eq!(value(HeaderKey::Tax).as_deref(), Some("0.00"), "{found:?}");
}

/// A low-DPI scan of a Dutch invoice: OCR read "Factuurnummer" with its "rn" as an "m".
#[test]
fn a_label_whose_rn_ocr_read_as_m_is_still_the_label() {
    let rows = rows_of(&[
        &[("Factuumummer", 100.0), ("Factuurdatum", 600.0)],
        &[("20230443", 100.0), ("28-08-2023", 600.0)],
    ]);
    let found = header_fields(&rows, DateOrder::DayFirst);
    let value = |key| value_of(&found, key);
    assert_eq!(
        value(HeaderKey::InvoiceNumber).as_deref(),
        Some("20230443"),
        "{found:?}"
    );
    assert_eq!(
        value(HeaderKey::InvoiceDate).as_deref(),
        Some("2023-08-28"),
        "{found:?}"
    );
}

/// The value found for `key`, if any.
pub(super) fn value_of(found: &[(HeaderKey, Field)], key: HeaderKey) -> Option<String> {
    found
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, f)| f.value.clone())
}

/// A stray mark set apart between a label and its value (HSBC's "BALANCE BROUGHT FORWARD | . |
/// 653.13", a colon in a column of its own) neither is the value nor ends the search for it.
#[test]
fn a_stray_mark_between_label_and_value_is_passed_over() {
    for mark in [".", ":", "|"] {
        let rows = rows_of(&[&[
            ("BALANCE BROUGHT FORWARD", 300.0),
            (mark, 1300.0),
            ("653.13", 2200.0),
        ]]);
        let found = header_fields(&rows, DateOrder::DayFirst);
        let opening = found
            .iter()
            .find(|(k, _)| *k == HeaderKey::OpeningBalance)
            .map(|(_, f)| f.value.as_str());
        assert_eq!(opening, Some("653.13"), "{mark}");
    }
}

/// LEONARDI E MACERONI's invoice: a tax summary by rate beside the invoice's own box, whose
/// "Totale" shares a row with the summary's figures for one rate; the summary's "Totale"
/// column, read first, gave that rate's total.
#[test]
fn a_total_beside_a_summary_tables_figures_is_the_invoices() {
    let rows = rows_of(&[
        &[("Totale", 900.0)],
        &[
            ("11.880,00 €", 900.0),
            ("Imposta", 1200.0),
            ("2.114,00 €", 1500.0),
        ],
        &[
            ("22%", 20.0),
            ("4.700,00 €", 300.0),
            ("1.034,00 €", 600.0),
            ("5.734,00 €", 900.0),
            ("Totale", 1200.0),
            ("17.614,00 €", 1500.0),
        ],
    ]);
    let found = header_fields(&rows, DateOrder::DayFirst);
    assert_eq!(
        value_of(&found, HeaderKey::Total).as_deref(),
        Some("17614.00")
    );
}

/// Eures' Italian invoice names itself mid-sentence before its footer does: "1° fattura di n.
/// 3 totali" (the first of three invoices) is no heading, and the footer's number has its
/// series apart ("Fattura Nr. FPR 101/22 del 06/07/2022").
#[test]
fn a_heading_starts_with_its_title_and_keeps_a_series_printed_apart() {
    let rows: &[&[(&str, f32)]] = &[
        &[(
            "Descrizione causale: 1° fattura di n. 3 totali per acconto del 20%.",
            100.0,
        )],
        &[("Fattura Nr. FPR 101/22 del 06/07/2022", 100.0)],
    ];
    assert_eq!(titled(rows).as_deref(), Some("FPR 101/22"));
    // A word in capitals is no series where no number follows it.
    assert_eq!(titled(&[&[("Invoice No. ABC", 100.0)]]), None);
}

/// SIG's water bill dates its number ("N° facture | 38600988 du 09.12.2024") and labels its due
/// date "Date" over "échéance" in two cells: the number's date is the invoice's.
#[test]
fn the_date_printed_with_the_number_beats_a_bare_date_label() {
    let rows = rows_of(&[
        &[("N° facture", 100.0), ("38600988 du 09.12.2024", 300.0)],
        &[("Facture Intermédiaire", 100.0), ("Date", 600.0)],
        &[("Décembre 2024", 100.0), ("08.01.2025", 600.0)],
    ]);
    let found = header_fields(&rows, DateOrder::DayFirst);
    let value = |key| value_of(&found, key);
    assert_eq!(value(HeaderKey::InvoiceNumber).as_deref(), Some("38600988"));
    assert_eq!(value(HeaderKey::InvoiceDate).as_deref(), Some("2024-12-09"));
    // As OCR reads the bill's scan: the word glued to the date.
    let rows = rows_of(&[
        &[("N° facture", 100.0), ("38600988 du09.12.2024", 300.0)],
        &[("Facture Intermédiaire", 100.0), ("Date", 600.0)],
        &[("Décembre 2024", 100.0), ("08.01.2025", 600.0)],
    ]);
    let found = header_fields(&rows, DateOrder::DayFirst);
    assert_eq!(
        value_of(&found, HeaderKey::InvoiceDate).as_deref(),
        Some("2024-12-09")
    );
    // And where OCR boxed the date apart from the number.
    let page = crate::testing::ocr_lines_page(&[
        ("N° facture", [1347.0, 976.0, 1536.0, 1033.0]),
        ("38600988", [1623.0, 979.0, 1812.0, 1026.0]),
        ("du09.12.2024", [1815.0, 975.0, 2077.0, 1031.0]),
        ("Facture Intermédiaire", [488.0, 1283.0, 1267.0, 1365.0]),
        ("Date", [2093.0, 1275.0, 2204.0, 1334.0]),
        ("08.01.2025", [2046.0, 1380.0, 2250.0, 1436.0]),
    ]);
    let found = header_fields(&crate::cells::rows(&[page]), DateOrder::DayFirst);
    assert_eq!(
        value_of(&found, HeaderKey::InvoiceNumber).as_deref(),
        Some("38600988")
    );
    assert_eq!(
        value_of(&found, HeaderKey::InvoiceDate).as_deref(),
        Some("2024-12-09")
    );
}

/// ArtLink's invoice prints its title in two languages and the number in the next cell.
#[test]
fn a_title_in_two_languages_with_the_number_beside_it_gives_the_number() {
    let rows: &[&[(&str, f32)]] = &[&[
        ("ArtLink Baltic OY", 30.0),
        ("FAKTURA INVOICE", 300.0),
        ("000203519", 420.0),
    ]];
    assert_eq!(titled(rows).as_deref(), Some("000203519"));
    // A company's name beside a figure is no title.
    assert_eq!(
        titled(&[&[("Invoice Services Ltd", 30.0), ("4711", 300.0)]]),
        None
    );
}

/// SNG Engineering's scanned invoice, as OCR reads its number ("014- 03"); Fortin Fierros'
/// totals row, whose subtotal ("14,049.5") a label took for the number.
#[test]
fn a_number_split_after_its_hyphen_is_joined_and_an_amount_is_no_number() {
    let number = |raw| accept(HeaderKey::InvoiceNumber, raw, DateOrder::DayFirst);
    assert_eq!(number("014- 03").as_deref(), Some("014-03"));
    // Telekom prints its numbers in groups of figures.
    assert_eq!(number("726 752 5181").as_deref(), Some("726 752 5181"));
    // Ostrovit prints the mark with the number under its label.
    assert_eq!(
        number("nr FA/31975/05/2024/MAG").as_deref(),
        Some("FA/31975/05/2024/MAG")
    );
    assert_eq!(number("4711 Kunde 12").as_deref(), Some("4711"));
    assert_eq!(number("14,049.5"), None);
    assert_eq!(number("1,234.56"), None);
    // A number with a comma that is no amount stays.
    assert_eq!(number("12,3456").as_deref(), Some("12,3456"));
    assert_eq!(number("INV-2024- 7").as_deref(), Some("INV-2024-7"));
    // Nor is the subtotal under a word that titles invoices ("Subtotal" over "14,049.5").
    assert_eq!(
        titled(&[&[("Subtotal", 100.0)], &[("14,049.5", 100.0)]]),
        None
    );
}

/// Fortin Fierros' invoice prints its date with spaces around the slashes.
#[test]
fn a_date_spaced_around_its_separators_is_read() {
    let date = |raw| accept(HeaderKey::InvoiceDate, raw, DateOrder::DayFirst);
    assert_eq!(date("08 / 02 / 23").as_deref(), Some("2023-02-08"));
    assert_eq!(date("08 / 02 / 2023").as_deref(), Some("2023-02-08"));
    // Figures with a slash between them and no third are no date.
    assert_eq!(date("1 / 2"), None);
}

/// Page numbers as corners print them are titles, never a name or a label's value.
#[test]
fn a_page_number_is_a_title() {
    for text in [
        "Pag.1/2",
        "Seite 2 von 3",
        "Página 1 de 2",
        "Page 3",
        "pagina 1 di 2",
        "PAGE：1/2",
    ] {
        assert!(is_title(text), "{text}");
    }
    for text in [
        "Pagani S.p.A.",
        "Seiten 12",
        "Pag. 1/2 Verdi",
        "Hoja Verde 2",
    ] {
        assert!(!is_title(text), "{text}");
    }
}

/// Titles of invoices read blind (2026-12-08): one title in three languages, its "I" read as
/// an "l" on a photo, and a Romanian title over its number, a series of letter codes before
/// the year, month and count.
#[test]
fn a_title_in_three_languages_and_a_series_under_a_title_are_read() {
    assert!(is_title("Facture/Invoice/Rechnung"));
    assert!(is_title("Facture/lnvoice/Rechnung"));
    assert!(!is_title("Facture/Invoice/Lehmann"));
    let page = crate::testing::ocr_lines_page(&[
        ("CUMPĂRĂTOR", [96.0, 830.0, 338.0, 870.0]),
        ("FACTURA", [2059.0, 832.0, 2375.0, 914.0]),
        ("Molnár Orsolya-Izabella", [96.0, 883.0, 460.0, 924.0]),
        ("FSU/ANS/RO/23/12/21216", [1750.0, 928.0, 2375.0, 989.0]),
    ]);
    let rows = crate::cells::rows(&[page]);
    assert_eq!(
        titled_number(&rows, DateOrder::DayFirst).map(|f| f.value),
        Some("FSU/ANS/RO/23/12/21216".to_string())
    );
}
