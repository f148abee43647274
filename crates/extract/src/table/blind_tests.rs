//! Column names and tables from invoices read blind (2026-12-07), as their pages print them.

use super::tests::items;
use super::{ColumnKind, columns, line_items};
use crate::cells::rows;
use ledgerline_core::page::{BBox, Line, TextSource, Word};

/// Puls Nutrition's header: "Description | Quantity Unit | Price | Total excl." over "VAT".
#[test]
fn a_quantity_named_with_its_unit_and_a_total_before_tax_are_known() {
    assert_eq!(
        columns::header_kind("Quantity Unit"),
        Some(ColumnKind::Quantity)
    );
    assert_eq!(
        columns::header_kind("Menge Einheit"),
        Some(ColumnKind::Quantity)
    );
    assert_eq!(
        columns::header_kind("Total excl."),
        Some(ColumnKind::Amount)
    );
    assert_eq!(
        columns::header_kind("Total excl. VAT"),
        Some(ColumnKind::Amount)
    );
    assert!(columns::is_net_amount("Total excl. VAT"));
    // Two names that are not a quantity and its unit stay unknown together.
    assert_eq!(columns::header_kind("Description Price"), None);
}
/// NaskorSports' header: "Brand | Product | Flavour | Price | Quantity | VAT | Sum (ex.)".
#[test]
fn a_brand_and_a_flavour_describe_and_a_bracketed_note_keeps_the_name() {
    assert_eq!(columns::header_kind("Brand"), Some(ColumnKind::Description));
    assert_eq!(
        columns::header_kind("Flavour"),
        Some(ColumnKind::Description)
    );
    assert_eq!(columns::header_kind("Sum (ex.)"), Some(ColumnKind::Amount));
    assert_eq!(columns::header_kind("Sum (incl. VAT)"), None);
}
/// Column names from Best Buy Tunisie's and APA CTTA's scanned invoices (fr, ro).
#[test]
fn french_total_before_tax_and_romanian_column_names_are_known() {
    let kind = columns::header_kind;
    assert_eq!(kind("P.T.H.T"), Some(ColumnKind::Amount));
    assert!(columns::is_net_amount("P.T.H.T"));
    assert_eq!(kind("Denumirea produselor"), Some(ColumnKind::Description));
    assert_eq!(kind("Cantitate"), Some(ColumnKind::Quantity));
    assert_eq!(kind("Pret unitar"), Some(ColumnKind::UnitPrice));
    assert_eq!(kind("Valoare"), Some(ColumnKind::Amount));
}

/// Telekom's detailed bill: the period heads the column the products are listed in.
#[test]
fn a_period_in_a_header_names_nothing_more_and_its_column_may_hold_the_products() {
    let got = items(&[
        &[
            ("Zeitraum 01.04.26 - 30.04.26", 259.0),
            ("Details", 1334.0),
            ("Verrechnungsnr.", 1694.0),
            ("Netto", 2241.0),
        ],
        &[
            ("1. MagentaZuhause XXL", 196.0),
            ("0045 2264 5948", 1694.0),
            ("50,37 €", 2207.0),
        ],
        &[
            ("2. MagentaEINS Vorteil", 196.0),
            ("0045 2624 4562", 1694.0),
            ("0,00 €", 2227.0),
        ],
    ]);
    assert_eq!(
        got,
        [
            ("1. MagentaZuhause XXL".to_string(), "50.37".to_string()),
            ("2. MagentaEINS Vorteil".to_string(), "0.00".to_string())
        ]
    );
}
/// MMW's header: "Pos Nummer Text | Menge | Einzelpreis Gesamtpreis".
#[test]
fn german_number_and_text_columns_are_named() {
    assert_eq!(columns::header_kind("Nummer"), Some(ColumnKind::Sku));
    assert_eq!(columns::header_kind("Text"), Some(ColumnKind::Description));
}

/// IAF Network's header: "ITEM | DESCRIPTION | U | Q | UNIT PRICE | %DS. | AMOUNT | VAT".
#[test]
fn a_quantity_by_its_initial_and_an_italian_discount_are_named() {
    assert_eq!(columns::header_kind("Q"), Some(ColumnKind::Quantity));
    assert_eq!(columns::header_kind("%DS."), Some(ColumnKind::Discount));
}
/// Ostrovit's header: "No. Product/service name | PKWiU | Quantity | U om | VAT Rate | Gross
/// price EUR | Gross value EUR".
#[test]
fn a_polish_invoice_s_columns_are_named() {
    assert_eq!(
        columns::header_kind("Product/service name"),
        Some(ColumnKind::Description)
    );
    assert_eq!(columns::header_kind("PKWiU"), Some(ColumnKind::Sku));
    assert_eq!(
        columns::header_kind("Gross price EUR"),
        Some(ColumnKind::UnitPrice)
    );
}

/// Mercedes-Benz Heritage's header: "Pos. | Material Bezeichnung | Menge | Preis/Einheit |
/// Rabatt | Wert/EUR".
#[test]
fn a_german_value_column_holds_the_amount() {
    assert_eq!(columns::header_kind("Wert/EUR"), Some(ColumnKind::Amount));
    let got = items(&[
        &[
            ("Pos.", 233.0),
            ("Material Bezeichnung", 396.0),
            ("Menge", 1317.0),
            ("Preis/Einheit", 1663.0),
            ("Rabatt", 1984.0),
            ("Wert/EUR", 2207.0),
        ],
        &[
            ("1 Erwachsener", 357.0),
            ("2", 1333.0),
            ("13.45", 1746.0),
            ("0.00", 1989.0),
            ("26.89", 2246.0),
        ],
        &[("Summe", 396.0), ("33.61", 2246.0)],
    ]);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].1, "26.89");
}

/// A Moroccan tile merchant's photo: a unit column ("Unite"), and each price and amount with and
/// without tax ("Prix HT", "Prix TTC", "Montant HT", "Montant TTC"); the line's amount is the
/// one without.
#[test]
fn a_unit_column_and_prices_with_and_without_tax_make_a_header() {
    let got = items(&[
        &[
            ("Designation", 181.0),
            ("Unite", 444.0),
            ("Prix HT", 525.0),
            ("Prix TTC", 620.0),
            ("Quantite", 717.0),
            ("Montant HT", 805.0),
            ("Montant TTC", 915.0),
            ("TVA%", 1029.0),
        ],
        &[
            ("40X120 VEGA LEVEL MARFIL", 42.0),
            ("141,67", 547.0),
            ("170,00", 653.0),
            ("5,760", 749.0),
            ("816,00", 855.0),
            ("979,20", 967.0),
            ("20,00", 1052.0),
        ],
    ]);
    assert_eq!(
        got,
        [("40X120 VEGA LEVEL MARFIL".to_string(), "816.00".to_string())]
    );
}

/// Argentina's AFIP invoice layout: "Producto / Servicio", a unit column ("U. Medida"), an
/// abbreviated unit price ("Precio Unit.") and its discount's rate and amount ("% Bonif",
/// "Imp. Bonif."). Boxes as OCR read a page of it.
#[test]
fn the_afip_layout_s_columns_make_a_header() {
    let page = crate::testing::ocr_lines_page(&[
        ("Código", [106.0, 1754.0, 350.0, 1820.0]),
        ("Producto / Servicio", [398.0, 1754.0, 924.0, 1820.0]),
        ("Cantidad", [1647.0, 1754.0, 1919.0, 1820.0]),
        ("U. medida", [1966.0, 1754.0, 2235.0, 1820.0]),
        ("Precio Unit.", [2306.0, 1754.0, 2616.0, 1820.0]),
        ("% Bonif", [2675.0, 1754.0, 2904.0, 1820.0]),
        ("Subtotal", [2998.0, 1754.0, 3231.0, 1820.0]),
        ("Montaje de aireación", [382.0, 1908.0, 1101.0, 1968.0]),
        ("1,00 unidades", [1822.0, 1908.0, 2219.0, 1968.0]),
        ("80000,00", [2427.0, 1908.0, 2692.0, 1968.0]),
        ("0,00", [2726.0, 1908.0, 2890.0, 1968.0]),
        ("80000,00", [3081.0, 1908.0, 3349.0, 1968.0]),
    ]);
    let got: Vec<(String, String)> = line_items(&rows(&[page]))
        .into_iter()
        .map(|i| (i.description.value, i.amount.value))
        .collect();
    assert_eq!(
        got,
        [("Montaje de aireación".to_string(), "80000.00".to_string())]
    );
}

/// A French glassware maker's invoice, read blind (2026-12-08): abbreviated column names ("Px
/// unit.euro", "Mt HT euro"), and each item's code and description in one text-layer line
/// that starts under "Référence" and ends under no header, "Désignation" being centred far
/// right of where the descriptions start. Boxes as the text layer gave them.
#[test]
fn a_code_and_its_description_in_one_line_split_where_the_descriptions_start() {
    let mut page = crate::testing::ocr_lines_page(&[
        ("Référence", [160.0, 1151.0, 342.0, 1193.0]),
        ("Désignation", [785.0, 1151.0, 1001.0, 1193.0]),
        ("Qté", [1482.0, 1151.0, 1544.0, 1193.0]),
        ("Px unit.euro", [1666.0, 1150.0, 1890.0, 1192.0]),
        ("Remise", [1920.0, 1150.0, 2043.0, 1192.0]),
        ("Mt HT euro", [2109.0, 1147.0, 2306.0, 1189.0]),
        ("1 728", [1480.0, 1572.0, 1574.0, 1614.0]),
        ("2,89", [1791.0, 1572.0, 1865.0, 1614.0]),
        ("4 993,92", [2168.0, 1572.0, 2315.0, 1614.0]),
        (
            "BRILLANT+TAMPO 1 COUL 1 FACE",
            [439.0, 1613.0, 1061.0, 1655.0],
        ),
        (
            "PX 23 - FRAIS TECHNIQUE UNIQUE REGLAGE",
            [439.0, 1682.0, 1285.0, 1724.0],
        ),
        ("1", [1517.0, 1682.0, 1538.0, 1724.0]),
        ("95,00", [1770.0, 1682.0, 1865.0, 1724.0]),
        ("95,00", [2220.0, 1682.0, 2315.0, 1724.0]),
        ("FTAFARWA", [140.0, 1683.0, 279.0, 1711.0]),
        ("MACHINE", [439.0, 1723.0, 612.0, 1765.0]),
        ("DECOR SUR PARAISON", [439.0, 1792.0, 868.0, 1834.0]),
        (
            "COLORIS DE MARQUAGE : NOIR",
            [439.0, 1868.0, 1024.0, 1910.0],
        ),
        (
            "SELON BON A TIRER DU 05/03/2021-V2",
            [439.0, 1945.0, 1149.0, 1987.0],
        ),
        ("TRANSPORTAF", [140.0, 2099.0, 325.0, 2127.0]),
        (
            "TRANSPORT SUR VENTE DEPT 83",
            [439.0, 2098.0, 1056.0, 2140.0],
        ),
        ("1", [1517.0, 2098.0, 1538.0, 2140.0]),
        ("276,00", [1749.0, 2098.0, 1865.0, 2140.0]),
        ("276,00", [2199.0, 2098.0, 2315.0, 2140.0]),
        ("Total HT euro", [1027.0, 2625.0, 1269.0, 2667.0]),
        ("5 364,92", [2168.0, 2746.0, 2315.0, 2788.0]),
    ]);
    // The code's line with its words where the text layer put them: the code set wider
    // than the words after it.
    let words = [
        ("BACKSTAGETXBLCD", 140.0, 390.0),
        ("VERRE", 439.0, 568.0),
        ("BACKSTAGE", 579.0, 808.0),
        ("47CL", 818.0, 908.0),
        ("TRITAN", 918.0, 1053.0),
        ("BLANC", 1064.0, 1188.0),
        ("OPAQUE", 1199.0, 1359.0),
    ];
    page.lines.push(Line {
        text: words.map(|w| w.0).join(" "),
        bbox: BBox::new(140.0, 1572.0, 1359.0, 1614.0),
        confidence: 1.0,
        source: TextSource::TextLayer,
        region: None,
        words: words
            .iter()
            .map(|(text, x0, x1)| Word {
                text: text.to_string(),
                bbox: BBox::new(*x0, 1572.0, *x1, 1614.0),
                confidence: 1.0,
            })
            .collect(),
    });
    let got: Vec<(String, String)> = line_items(&rows(&[page]))
        .into_iter()
        .map(|i| (i.description.value, i.amount.value))
        .collect();
    let amounts: Vec<&str> = got.iter().map(|(_, a)| a.as_str()).collect();
    assert_eq!(amounts, ["4993.92", "95.00", "276.00"]);
    assert_eq!(
        got[0].0,
        "VERRE BACKSTAGE 47CL TRITAN BLANC OPAQUE BRILLANT+TAMPO 1 COUL 1 FACE"
    );
    assert!(
        got[1]
            .0
            .starts_with("PX 23 - FRAIS TECHNIQUE UNIQUE REGLAGE MACHINE")
    );
    assert_eq!(got[2].0, "TRANSPORT SUR VENTE DEPT 83");
}

/// A Bulgarian invoice's columns (description, quantity, unit, price, VAT rate, amount), read
/// blind (2026-12-08); boxes as its text layer gave them.
#[test]
fn bulgarian_column_names_make_a_header() {
    let page = crate::testing::ocr_lines_page(&[
        ("ДДС", [2011.0, 1277.0, 2082.0, 1308.0]),
        ("No. Код", [259.0, 1316.0, 408.0, 1347.0]),
        ("Описание", [670.0, 1316.0, 831.0, 1347.0]),
        ("Кол-во", [1376.0, 1316.0, 1489.0, 1347.0]),
        ("Мярка", [1559.0, 1316.0, 1661.0, 1347.0]),
        ("Цена", [1879.0, 1316.0, 1960.0, 1347.0]),
        ("%", [2057.0, 1316.0, 2086.0, 1347.0]),
        ("Сума", [2320.0, 1316.0, 2405.0, 1347.0]),
        ("2", [277.0, 1535.0, 293.0, 1562.0]),
        ("NE_CAB000002", [347.0, 1537.0, 530.0, 1560.0]),
        ("Кабел FM 12 см, 10 пин", [670.0, 1537.0, 946.0, 1560.0]),
        ("1", [1470.0, 1534.0, 1488.0, 1565.0]),
        ("Брой", [1563.0, 1534.0, 1640.0, 1565.0]),
        ("2.00", [1896.0, 1534.0, 1960.0, 1565.0]),
        ("20", [2041.0, 1532.0, 2082.0, 1567.0]),
        ("2.00", [2343.0, 1534.0, 2407.0, 1565.0]),
        ("3", [277.0, 1590.0, 293.0, 1617.0]),
        ("ME_OTH1009111", [347.0, 1592.0, 548.0, 1615.0]),
        ("SD KARTA 16 Gb МИКРО", [670.0, 1592.0, 967.0, 1615.0]),
        ("1", [1470.0, 1589.0, 1488.0, 1620.0]),
        ("Брой", [1563.0, 1589.0, 1640.0, 1620.0]),
        ("13.80", [1878.0, 1589.0, 1961.0, 1620.0]),
        ("20", [2041.0, 1587.0, 2082.0, 1622.0]),
        ("13.80", [2325.0, 1589.0, 2408.0, 1620.0]),
    ]);
    let got: Vec<(String, String)> = line_items(&rows(&[page]))
        .into_iter()
        .map(|i| (i.description.value, i.amount.value))
        .collect();
    assert_eq!(
        got,
        [
            ("Кабел FM 12 см, 10 пин".to_string(), "2.00".to_string()),
            ("SD KARTA 16 Gb МИКРО".to_string(), "13.80".to_string())
        ]
    );
}
