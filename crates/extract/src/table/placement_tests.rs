//! Where a row's cells go when they sit under no column name: codes, sizes, units and
//! figures beside the description (see `split_row`).

use super::tests::items;
use super::{Column, ColumnKind};
use ledgerline_core::page::BBox;

#[test]
fn a_descriptions_second_line_left_of_its_header_is_no_code() {
    // FACTUSOL: the description column starts far left of its centred header, and a wrapped
    // second line ("BELLOTA") stands nearer the code column than the description's header.
    let got = items(&[
        &[
            ("CÓDIGO", 127.0),
            ("DESCRIPCIÓN", 647.0),
            ("UDS.", 1422.0),
            ("IMPORTE", 1918.0),
        ],
        &[
            ("500", 81.0),
            ("SALCHICHON IBERICO EXTRA SARTA CASERO", 299.0),
            ("1", 1430.0),
            ("28,90 €", 1925.0),
        ],
        &[("BELLOTA", 309.0)],
    ]);
    assert_eq!(
        got,
        [(
            "SALCHICHON IBERICO EXTRA SARTA CASERO BELLOTA".into(),
            "28.90".into()
        )]
    );
}

#[test]
fn a_unit_and_a_tax_code_in_nameless_columns_are_no_part_of_the_description() {
    // "U" under a header of one dot, "TN" right of the amount under "*": ELECTRO OUEST's
    // invoice (Sage 1000). The description starts left of its centred header.
    let got = items(&[
        &[
            ("Désignation", 747.0),
            (".", 1616.0),
            ("Quantité", 1682.0),
            ("Prix Unitaire", 1872.0),
            ("Montant", 2155.0),
            ("*", 2382.0),
        ],
        &[
            ("Metal Face Inductive Sensor", 127.0),
            ("U", 1609.0),
            ("1", 1710.0),
            ("62,25", 1930.0),
            ("62,25", 2170.0),
            ("TN", 2368.0),
        ],
    ]);
    assert_eq!(
        got,
        [("Metal Face Inductive Sensor".into(), "62.25".into())]
    );
}

#[test]
fn a_quantity_with_its_unit_beside_its_header_is_no_part_of_the_description() {
    let got = items(&[
        &[
            ("Description", 100.0),
            ("Menge", 1400.0),
            ("Betrag", 2000.0),
        ],
        &[("Schrauben", 100.0), ("12 Stk", 1330.0), ("9,00", 2000.0)],
    ]);
    assert_eq!(got, [("Schrauben".into(), "9.00".into())]);
}

#[test]
fn a_figure_centred_under_a_narrow_header_is_its_columns_not_the_descriptions() {
    let got = items(&[
        &[
            ("Description", 100.0),
            ("Quantity", 900.0),
            ("Amount", 1500.0),
        ],
        &[("Widget", 100.0), ("2.0", 870.0), ("19.00", 1500.0)],
        &[("Total", 900.0), ("19.00", 1500.0)],
    ]);
    assert_eq!(got, [("Widget".to_string(), "19.00".to_string())]);
}

#[test]
fn a_size_under_the_code_left_of_the_description_is_the_descriptions() {
    // A ZUGFeRD viewer's table: the article code's second line ("GZ250") and the product's
    // size ("250g") make a row, the size where the description starts, left of its header
    // and nearer the code column's.
    let column = |kind, x0: f32, x1: f32| Column {
        kind,
        header: BBox::new(x0, 875.0, x1, 915.0),
        net: false,
    };
    let cols = [
        column(ColumnKind::Sku, 215.0, 549.0),
        column(ColumnKind::Description, 695.0, 951.0),
        column(ColumnKind::Amount, 2149.0, 2298.0),
    ];
    let texts = |row: &[(&str, f32)]| -> Vec<Vec<String>> {
        let rows = crate::testing::rows_of(&[row]);
        super::split_row(&rows[0], &cols)
            .into_iter()
            .map(|words| words.into_iter().map(|w| w.text).collect())
            .collect()
    };
    assert_eq!(
        texts(&[("GZ250", 293.0), ("250g", 599.0)]),
        [vec!["GZ250"], vec!["250g"], vec![]]
    );
    // A code stays a code.
    assert_eq!(
        texts(&[("GZ250", 293.0), ("A-1805", 599.0)]),
        [vec!["GZ250", "A-1805"], vec![], vec![]]
    );
}

#[test]
fn sizes_are_figures_with_a_unit_of_measure() {
    for size in ["250g", "0,5l", "1.5 kg", "100ml", "12oz"] {
        assert!(super::is_size(size), "{size}");
    }
    for code in ["GZ250", "1805", "4123456000014", "50 Stk", "g250", "12,50"] {
        assert!(!super::is_size(code), "{code}");
    }
}

/// A faint scan of Conservera Prepirineo's invoice: OCR missed the TOTAL cell of some rows
/// and read their SUBTOTAL. That amount stands in on an item's row; a row with an amount and
/// no description (a sum under the table) is still no item.
#[test]
fn an_items_other_amount_stands_in_where_ocr_missed_its_amount() {
    let got = items(&[
        &[
            ("ARTÍCULO", 100.0),
            ("DESCRIPCIÓN", 400.0),
            ("CANTIDAD", 1000.0),
            ("PRECIO UNIDAD", 1250.0),
            ("SUBTOTAL", 1600.0),
            ("DTO.", 1850.0),
            ("TOTAL", 2100.0),
        ],
        &[
            ("105PV121", 100.0),
            ("PATÉ DE PIMIENTOS VERDES FRITOS", 400.0),
            ("24,00", 1050.0),
            ("2,65", 1300.0),
            ("63,60", 1650.0),
            ("63,60", 2110.0),
        ],
        &[
            ("105P280", 100.0),
            ("PATÉ DE PIMIENTOS ASADOS", 400.0),
            ("63,60", 1650.0),
        ],
        &[("127,20", 1650.0)],
    ]);
    assert_eq!(
        got,
        [
            (
                "PATÉ DE PIMIENTOS VERDES FRITOS".to_string(),
                "63.60".to_string()
            ),
            ("PATÉ DE PIMIENTOS ASADOS".to_string(), "63.60".to_string()),
        ]
    );
}
