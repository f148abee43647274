//! Small tables of one or two items on real invoices, where the header is a few names set at
//! different heights and the totals block starts under a label no list names: boxes as the
//! text layer printed them.

use super::scan_tests::read;

/// Semrush's receipt: "AMOUNT" raised over "USD", "PRODUCT" centred beside the two, then the
/// item, then "PURCHASES" (the items' sum) and "VAT (19%)", both set right against the amounts.
fn semrush(vat: &'static str) -> Vec<(&'static str, [f32; 4])> {
    vec![
        ("AMOUNT", [1590.0, 1102.0, 1718.0, 1136.0]),
        ("PRODUCT", [623.0, 1135.0, 764.0, 1169.0]),
        ("USD", [1592.0, 1166.0, 1654.0, 1200.0]),
        ("EUR", [1950.0, 1166.0, 2010.0, 1200.0]),
        ("PRO 1 month Recurring", [524.0, 1231.0, 863.0, 1265.0]),
        ("119.95", [1553.0, 1231.0, 1654.0, 1265.0]),
        ("109.15", [1909.0, 1231.0, 2010.0, 1265.0]),
        ("PURCHASES", [1102.0, 1296.0, 1298.0, 1330.0]),
        ("119.95", [1553.0, 1296.0, 1654.0, 1330.0]),
        ("109.15", [1909.0, 1296.0, 2010.0, 1330.0]),
        (vat, [1128.0, 1361.0, 1298.0, 1395.0]),
        ("0.00", [1590.0, 1361.0, 1654.0, 1395.0]),
        ("0.00", [1946.0, 1361.0, 2010.0, 1395.0]),
        ("TOTAL AT CHECKOUT", [956.0, 1426.0, 1298.0, 1460.0]),
        ("119.95", [1553.0, 1426.0, 1654.0, 1460.0]),
        ("109.15", [1909.0, 1426.0, 2010.0, 1460.0]),
    ]
}

#[test]
fn a_description_and_an_amount_named_at_different_heights_head_the_item_under_them() {
    assert_eq!(
        read(&semrush("VAT (19%)")),
        [("PRO 1 month Recurring".to_string(), "119.95".to_string())]
    );
}

/// The same two names far apart, a title over a label, with no item under them, head nothing.
#[test]
fn two_names_with_no_priced_item_under_them_head_no_table() {
    let got = read(&[
        ("Product", [623.0, 1000.0, 764.0, 1034.0]),
        ("Amount", [1590.0, 1033.0, 1718.0, 1067.0]),
        ("Thank you for your order", [524.0, 1131.0, 900.0, 1165.0]),
        ("Total", [1102.0, 1231.0, 1200.0, 1265.0]),
        ("119.95", [1553.0, 1231.0, 1654.0, 1265.0]),
    ]);
    assert_eq!(got, []);
}

/// A tax named with its rate in brackets ends the items, as "VAT 19%" does.
#[test]
fn a_tax_with_its_rate_in_brackets_ends_the_items() {
    // "PURCHASES" and the tax both end the table; without the sum's rule, the tax alone must.
    let mut lines = semrush("VAT (19%)");
    lines.retain(|(t, b)| !(*t == "PURCHASES" || (b[1] == 1296.0)));
    assert_eq!(
        read(&lines),
        [("PRO 1 month Recurring".to_string(), "119.95".to_string())]
    );
}

/// Meeltemaitsed's Estonian invoice: the only price is the last column, and "Vahesumma:" (the
/// subtotal) starts right of the descriptions, over the discount and the tax.
#[test]
fn an_estonian_table_whose_last_column_is_its_only_price() {
    let got = read(&[
        ("Tootegrupp", [252.0, 720.0, 430.0, 754.0]),
        ("Toote nimetus & Lisainfo", [653.0, 720.0, 1076.0, 754.0]),
        ("Kogus", [1504.0, 720.0, 1614.0, 754.0]),
        ("Ühik", [1696.0, 720.0, 1774.0, 754.0]),
        ("Hind", [2149.0, 720.0, 2229.0, 754.0]),
        (
            "Ruumide rent brandiürituseks",
            [653.0, 795.0, 1140.0, 829.0],
        ),
        ("1", [1601.0, 795.0, 1614.0, 829.0]),
        ("kmpl", [1696.0, 795.0, 1774.0, 829.0]),
        ("2 390.90", [2080.0, 795.0, 2229.0, 829.0]),
        ("Vahesumma:", [1603.0, 873.0, 1800.0, 907.0]),
        ("2 390.90", [2073.0, 873.0, 2229.0, 907.0]),
        ("Soodustus (10%):", [1546.0, 948.0, 1800.0, 982.0]),
        ("-239.09", [2100.0, 948.0, 2229.0, 982.0]),
        ("Summa käibemaksuta:", [1433.0, 1023.0, 1800.0, 1057.0]),
        ("2 151.81", [2102.0, 1023.0, 2229.0, 1057.0]),
    ]);
    assert_eq!(
        got,
        [(
            "Ruumide rent brandiürituseks".to_string(),
            "2390.90".to_string()
        )]
    );
}

/// Two items at one price: the second is an item, not the sum of the first, because its
/// description sits under the descriptions' column.
#[test]
fn a_second_item_at_the_first_one_s_price_is_an_item() {
    let got = read(&[
        ("Description", [100.0, 700.0, 300.0, 734.0]),
        ("Qty", [900.0, 700.0, 960.0, 734.0]),
        ("Amount", [1500.0, 700.0, 1620.0, 734.0]),
        ("Licence", [100.0, 780.0, 220.0, 814.0]),
        ("1", [940.0, 780.0, 960.0, 814.0]),
        ("50.00", [1520.0, 780.0, 1620.0, 814.0]),
        ("Support", [100.0, 840.0, 230.0, 874.0]),
        ("50.00", [1520.0, 840.0, 1620.0, 874.0]),
    ]);
    assert_eq!(
        got,
        [
            ("Licence".to_string(), "50.00".to_string()),
            ("Support".to_string(), "50.00".to_string())
        ]
    );
}

/// A ZUGFeRD sample: "EP | GP" name the price and the line's amount, and the item's discount,
/// a rate and a negative figure with no words, is printed under it: the line's amount is what
/// is left, as the invoice's sum of goods says.
#[test]
fn a_rate_and_a_negative_figure_under_an_item_are_its_discount() {
    let got = read(&[
        ("Pos. Menge", [236.0, 1578.0, 473.0, 1626.0]),
        ("ME", [531.0, 1578.0, 585.0, 1626.0]),
        ("Art-Nr.", [709.0, 1578.0, 831.0, 1626.0]),
        ("Bezeichnung", [1063.0, 1578.0, 1288.0, 1626.0]),
        ("EP", [1789.0, 1578.0, 1831.0, 1626.0]),
        ("GP", [2019.0, 1578.0, 2067.0, 1626.0]),
        ("1", [236.0, 1636.0, 256.0, 1683.0]),
        ("1,00", [354.0, 1636.0, 424.0, 1683.0]),
        ("Anzahl", [531.0, 1636.0, 642.0, 1683.0]),
        ("12345", [709.0, 1636.0, 810.0, 1683.0]),
        ("Toller Artikel", [1063.0, 1636.0, 1268.0, 1683.0]),
        ("10,0000", [1701.0, 1636.0, 1831.0, 1683.0]),
        ("10,00", [1977.0, 1636.0, 2067.0, 1683.0]),
        ("1,00 %", [1723.0, 1679.0, 1831.0, 1726.0]),
        ("- 0,10", [1977.0, 1679.0, 2067.0, 1726.0]),
        ("Summe Waren", [236.0, 1744.0, 493.0, 1792.0]),
        ("9,90", [1996.0, 1744.0, 2067.0, 1792.0]),
    ]);
    assert_eq!(got, [("Toller Artikel".to_string(), "9.90".to_string())]);
}

/// EuroCiel's credit note (Sage): "Px unitaire" is the price, and the line's tax code is printed
/// after its amount ("15,95 C2").
#[test]
fn a_tax_code_after_the_amount_is_no_part_of_it() {
    let got = read(&[
        ("Référence", [110.0, 1290.0, 271.0, 1327.0]),
        ("Désignation", [718.0, 1294.0, 909.0, 1332.0]),
        ("Qté", [1523.0, 1296.0, 1579.0, 1333.0]),
        ("Px unitaire", [1661.0, 1296.0, 1832.0, 1333.0]),
        ("Remise", [1892.0, 1296.0, 2011.0, 1333.0]),
        ("Montant HT *", [2108.0, 1296.0, 2391.0, 1333.0]),
        ("1", [117.0, 1363.0, 138.0, 1405.0]),
        ("POMME DE TERRE FILET 5KG", [307.0, 1366.0, 845.0, 1408.0]),
        ("5,000", [1490.0, 1366.0, 1584.0, 1408.0]),
        ("3,1900", [1719.0, 1366.0, 1834.0, 1408.0]),
        ("15,95 C2", [2205.0, 1366.0, 2396.0, 1408.0]),
        ("NET A PAYER", [2162.0, 1494.0, 2413.0, 1536.0]),
    ]);
    assert_eq!(
        got,
        [("POMME DE TERRE FILET 5KG".to_string(), "15.95".to_string())]
    );
}
