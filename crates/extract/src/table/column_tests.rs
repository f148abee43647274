//! Column names read from header rows: a name printed twice, over two lines, with a
//! preposition or a currency in it, and columns no header names.

use super::tests::items;
use super::*;
use crate::cells::rows;

#[test]
fn one_column_named_twice_with_words_between_is_one_column() {
    let got = items(&[
        &[
            ("No.", 100.0),
            // Words of a text layer, one by one, as the phrase matching sees them.
            ("Item", 200.0),
            ("name", 246.0),
            ("or", 292.0),
            ("type", 320.0),
            ("of", 366.0),
            ("service", 394.0),
            ("Qty", 800.0),
            ("Unit net price", 950.0),
            ("Tax value", 1200.0),
            ("Gross value", 1450.0),
        ],
        &[
            ("1", 100.0),
            ("GermanTechJobs - 1 credit", 200.0),
            ("1", 800.0),
            ("390.00", 950.0),
            ("0.00", 1200.0),
            ("390.00", 1450.0),
        ],
        &[("Total:", 950.0), ("390.00", 1450.0)],
    ]);
    assert_eq!(
        got,
        [(
            "GermanTechJobs - 1 credit".to_string(),
            "390.00".to_string()
        )]
    );
}

#[test]
fn a_period_column_takes_dates_and_leaves_a_long_description_whole() {
    let got = items(&[
        &[
            ("Description", 100.0),
            ("Period", 480.0),
            ("Quantity", 900.0),
            ("Amount", 1500.0),
        ],
        &[
            ("Consulting", 100.0),
            ("services", 200.0),
            ("for", 282.0),
            ("the", 319.0),
            ("annual", 356.0),
            ("ledger", 420.0),
            ("review", 484.0),
            ("8", 900.0),
            ("640.00", 1500.0),
        ],
        &[("Total", 900.0), ("640.00", 1500.0)],
    ]);
    assert_eq!(
        got,
        [(
            "Consulting services for the annual ledger review".to_string(),
            "640.00".to_string()
        )]
    );
}

#[test]
fn names_printed_over_and_under_a_header_row_name_their_own_column() {
    // "Service" over "Period", with the rest of the header on the line between them: the
    // dates under it are not part of the description.
    let got = items(&[
        &[("Service", 500.0)],
        &[
            ("Charge Name", 100.0),
            ("Qty", 900.0),
            ("Unit Price", 1100.0),
            ("Total", 1500.0),
        ],
        &[("Period", 500.0)],
        &[
            ("Pro team plan", 100.0),
            ("11/13/2023", 500.0),
            ("1.0", 900.0),
            ("19.0", 1100.0),
            ("19.00", 1500.0),
        ],
        &[("Total", 900.0), ("19.00", 1500.0)],
    ]);
    assert_eq!(got, [("Pro team plan".to_string(), "19.00".to_string())]);
}

#[test]
fn a_preposition_joins_two_names_of_one_column() {
    // "Descripcion del Producto": one description column, so "30L" under "del" is the
    // description's, not a column of its own.
    let got = items(&[
        &[
            ("Codigo", 153.0),
            ("Descripcion", 527.0),
            ("del", 640.0),
            ("Producto", 680.0),
            ("Uds.", 1312.0),
            ("Importe", 2150.0),
        ],
        &[
            ("001124", 129.0),
            ("MH CLASICA BARRIL", 400.0),
            ("30L", 640.0),
            ("2", 1320.0),
            ("108,80", 2163.0),
        ],
    ]);
    assert_eq!(got, [("MH CLASICA BARRIL 30L".into(), "108.80".into())]);
}

#[test]
fn a_currency_beside_a_column_name_names_nothing_and_gross_names_an_amount() {
    // Read by OCR from a UK invoice with VAT per line: "Net £", "VAT %", "Gross £".
    let got = items(&[
        &[
            ("Description", 195.0),
            ("Qty", 1010.0),
            ("Unit Price £", 1137.0),
            ("Net £", 1503.0),
            ("VAT %", 1642.0),
            ("VATE", 1882.0),
            ("Gross £", 2125.0),
        ],
        &[
            ("Children's safety car seat", 199.0),
            ("2", 1042.0),
            ("107.84", 1224.0),
            ("215.68", 1480.0),
            ("5%", 1697.0),
            ("10.78", 1895.0),
            ("226.46", 2144.0),
        ],
    ]);
    assert_eq!(
        got,
        [("Children's safety car seat".into(), "215.68".into())]
    );
}

#[test]
fn a_pound_sign_read_as_a_letter_beside_a_column_name_names_nothing() {
    // The same layout scanned at 100 DPI: OCR read "Net £" as "Net f", an amount's column
    // but not the net amount's, so the gross amount was taken for the line's.
    let got = items(&[
        &[
            ("Description", 195.0),
            ("Qty", 1010.0),
            ("Unit Price £", 1137.0),
            ("Net f", 1503.0),
            ("VAT %", 1642.0),
            ("VATE", 1882.0),
            ("Gross £", 2125.0),
        ],
        &[
            ("Replacement LED panel 600x600 40W cool white", 199.0),
            ("10", 1042.0),
            ("34.48", 1224.0),
            ("344.80", 1480.0),
            ("20%", 1697.0),
            ("68.96", 1895.0),
            ("413.76", 2144.0),
        ],
    ]);
    assert_eq!(
        got,
        [(
            "Replacement LED panel 600x600 40W cool white".into(),
            "344.80".into()
        )]
    );
}

/// Netlify's header "Charge Name | Service / Period | Qty | Unit Price | Subtotal | Tax |
/// Total", with "Period" printed under "Service", and its first item, as OCR read them (pixel
/// boxes) on a low-DPI scan and on a photo. On the scan one row takes in both lines of the
/// name; on the photo "Period" makes a row of its own under the header. Either way the column
/// holds the service period, and the item's description is its charge name alone.
#[test]
fn a_name_over_two_lines_names_one_column_by_its_last_line() {
    let scan = crate::testing::ocr_page(&[
        ("Charge Name", [171.0, 1339.0, 473.0, 1430.0]),
        ("Service", [627.0, 1303.0, 822.0, 1396.0]),
        ("Period", [630.0, 1372.0, 812.0, 1461.0]),
        ("Qty", [994.0, 1348.0, 1094.0, 1423.0]),
        ("Unit Price", [1254.0, 1340.0, 1475.0, 1426.0]),
        ("Subtotal", [1572.0, 1347.0, 1770.0, 1424.0]),
        ("Tax", [1956.0, 1346.0, 2074.0, 1427.0]),
        ("Total", [2239.0, 1343.0, 2368.0, 1423.0]),
        ("Pro team plan", [110.0, 1550.0, 422.0, 1635.0]),
        ("12/12/2023", [573.0, 1586.0, 824.0, 1665.0]),
        ("11/13/2023 -", [573.0, 1515.0, 853.0, 1600.0]),
        ("19.0", [1350.0, 1552.0, 1472.0, 1630.0]),
        ("19.00", [1617.0, 1547.0, 1771.0, 1633.0]),
        ("0.00", [1940.0, 1544.0, 2077.0, 1636.0]),
        ("19.00", [2219.0, 1547.0, 2368.0, 1633.0]),
    ]);
    let photo = crate::testing::ocr_page(&[
        ("Charge Name", [215.0, 1376.0, 493.0, 1460.0]),
        ("Service", [620.0, 1336.0, 795.0, 1420.0]),
        ("Period", [626.0, 1397.0, 791.0, 1484.0]),
        ("Qty", [955.0, 1372.0, 1044.0, 1438.0]),
        ("nit Price", [1221.0, 1363.0, 1385.0, 1429.0]),
        ("Subtotal", [1485.0, 1354.0, 1671.0, 1429.0]),
        ("Tax", [1853.0, 1347.0, 1962.0, 1420.0]),
        ("Total", [2117.0, 1338.0, 2252.0, 1418.0]),
        ("Pro team plan", [173.0, 1569.0, 448.0, 1648.0]),
        ("11/13/2023 -", [577.0, 1531.0, 833.0, 1612.0]),
        ("12/12/2023", [580.0, 1597.0, 803.0, 1665.0]),
        ("19.0", [1280.0, 1554.0, 1397.0, 1628.0]),
        ("19.00", [1534.0, 1546.0, 1682.0, 1623.0]),
        ("0.00", [1834.0, 1538.0, 1967.0, 1622.0]),
        ("19.00", [2101.0, 1536.0, 2254.0, 1614.0]),
    ]);
    for (name, page) in [("scan", scan), ("photo", photo)] {
        let items = line_items(&rows(&[page]));
        let read: Vec<(&str, &str)> = items
            .iter()
            .map(|i| (i.description.value.as_str(), i.amount.value.as_str()))
            .collect();
        assert_eq!(read, [("Pro team plan", "19.00")], "{name}");
    }
}

/// ArtLink Baltic's invoice names an EAN column and an item-number column but not the column
/// of the names printed right of the item numbers: the names describe the lines.
#[test]
fn an_items_name_beside_its_code_under_no_header_describes_it() {
    let got = items(&[
        &[
            ("EAN CODE", 30.0),
            ("ITEM", 110.0),
            ("QTY.O", 330.0),
            ("QTY.S", 375.0),
            ("PRICE", 420.0),
            ("DIS%", 470.0),
            ("TOTAL", 520.0),
        ],
        &[
            ("4740100216234", 30.0),
            ("21623", 110.0),
            ("Artesta White 20x30", 150.0),
            ("8", 340.0),
            ("8", 385.0),
            ("3,65", 425.0),
            ("29,20", 530.0),
        ],
        &[
            ("4740100216241", 30.0),
            ("21624", 110.0),
            ("Artesta White 30x40", 150.0),
            ("1", 340.0),
            ("1", 385.0),
            ("4,75", 425.0),
            ("4,75", 530.0),
        ],
    ]);
    assert_eq!(
        got,
        [
            ("21623 Artesta White 20x30".to_string(), "29.20".to_string()),
            ("21624 Artesta White 30x40".to_string(), "4.75".to_string()),
        ]
    );
}
