//! Line items read from pages laid out row by row, and the word splitting they rely on.

use super::*;
use crate::cells::rows;
use crate::testing::rows_page;
use ledgerline_core::page::TextSource;

/// The description and amount of each line item read from rows of words at these x positions.
pub(super) fn items(page_rows: &[&[(&str, f32)]]) -> Vec<(String, String)> {
    let page = rows_page(page_rows, |t| 9.0 * t.len() as f32, TextSource::TextLayer);
    line_items(&rows(&[page]))
        .into_iter()
        .map(|i| (i.description.value, i.amount.value))
        .collect()
}

#[test]
fn a_word_glued_at_a_full_stop_splits_with_its_box() {
    let word = Word {
        text: "total.Goods".into(),
        bbox: BBox::new(0.0, 0.0, 110.0, 10.0),
        confidence: 0.9,
    };
    let parts = unglue(&word);
    let texts: Vec<&str> = parts.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(texts, ["total.", "Goods"]);
    assert!((parts[0].bbox.x1 - 60.0).abs() < 1e-3);
    assert_eq!(parts[1].bbox.x1, 110.0);
    for kept in ["1.234,56", "Inc.", "e.g.", "U.S."] {
        let w = Word {
            text: kept.into(),
            ..word.clone()
        };
        assert_eq!(unglue(&w).len(), 1, "{kept}");
    }
}

#[test]
fn of_two_price_columns_and_no_amount_the_rightmost_holds_the_amount() {
    // "Prix" over "unitaire" beside a one-row header whose "Prix HT" is the line's amount.
    let got = items(&[
        &[("Prix", 1700.0)],
        &[
            ("Description", 600.0),
            ("Quantité", 1400.0),
            ("Rem.", 1940.0),
            ("Prix HT", 2140.0),
        ],
        &[("unitaire", 1700.0)],
        &[
            ("Nougat de l'Abbaye 250g", 140.0),
            ("20 Unit(s)", 1450.0),
            ("4,55 €", 1720.0),
            ("10%", 1960.0),
            ("81,90 €", 2160.0),
        ],
        &[("Total HT", 1900.0), ("81,90 €", 2160.0)],
    ]);
    assert_eq!(got, [("Nougat de l'Abbaye 250g".into(), "81.90".into())]);
}

#[test]
fn an_amount_row_without_a_price_finishes_the_priced_row_above_it() {
    let header: &[(&str, f32)] = &[
        ("Pos", 100.0),
        ("Beschreibung", 400.0),
        ("Nettopreis", 900.0),
        ("Menge", 1100.0),
        ("Nettobetrag", 1500.0),
    ];
    let got = items(&[
        header,
        &[
            ("3", 100.0),
            ("Mineralwasser Medium", 400.0),
            ("5,4900", 910.0),
            ("20 Stk", 1110.0),
        ],
        &[("12 x 1,0l PET", 400.0), ("109,80", 1500.0)],
        // A row with a price of its own is the next item, not the rest of this one.
        &[
            ("4", 100.0),
            ("Pfand", 400.0),
            ("2,7700", 910.0),
            ("20", 1110.0),
            ("55,40", 1500.0),
        ],
        &[("Warenwert", 400.0), ("165,20", 1500.0)],
    ]);
    assert_eq!(
        got,
        [
            (
                "Mineralwasser Medium 12 x 1,0l PET".to_string(),
                "109.80".to_string()
            ),
            ("Pfand".to_string(), "55.40".to_string()),
        ]
    );
}

#[test]
fn a_reference_column_keeps_its_codes_out_of_the_description() {
    // The text layer glued the supplier's article number to the description's wrapped word.
    let got = items(&[
        &[
            ("Pos", 100.0),
            ("Referenzen", 300.0),
            ("Beschreibung", 540.0),
            ("Nettopreis", 1100.0),
            ("Menge", 1400.0),
            ("Nettobetrag", 1800.0),
        ],
        &[
            ("Art-Nr-Kunde: SE_KR", 300.0),
            ("Kunstrasen grün 3m", 540.0),
            ("3,3333", 1110.0),
            ("3", 1410.0),
            ("10,00", 1810.0),
        ],
        &[
            ("Art-Nr-Lieferant:", 300.0),
            ("KR3M", 465.0),
            ("breit", 515.0),
        ],
        &[("Warenwert", 540.0), ("10,00", 1810.0)],
    ]);
    assert_eq!(got, [("Kunstrasen grün 3m breit".into(), "10.00".into())]);
}

#[test]
fn spanish_tables_read_their_columns_and_end_at_the_base_and_tax() {
    // "Línea", "Artículo", "Kilos" and "% Dto." are column names, not unknown words.
    let got = items(&[
        &[
            ("Línea", 200.0),
            ("Artículo", 870.0),
            ("Cantidad", 1410.0),
            ("Kilos", 1650.0),
            ("Precio", 1810.0),
            ("% Dto.", 2010.0),
            ("Total", 2180.0),
        ],
        &[
            ("1", 150.0),
            ("CREMA DE QUESO 200 GR.", 700.0),
            ("6", 1440.0),
            ("7,19", 1840.0),
            ("43,14", 2180.0),
        ],
    ]);
    assert_eq!(got, [("CREMA DE QUESO 200 GR.".into(), "43.14".into())]);
    // A quantity printed close before the description, and the totals block under the table.
    let got = items(&[
        &[
            ("Cantidad", 380.0),
            ("Producto", 520.0),
            ("Precio/Ud", 1460.0),
            ("IVA", 1730.0),
            ("Suma Base", 1900.0),
        ],
        &[
            ("12", 400.0),
            ("PATATAS", 430.0),
            ("FRITAS", 500.0),
            ("ARTESANAS", 560.0),
            ("9.90 € 10%", 1500.0),
            ("118.80 €", 1950.0),
        ],
        &[("BASE: 118.80 €", 1750.0)],
        &[("IVA (10%): 11.88 €", 1680.0)],
    ]);
    assert_eq!(got, [("PATATAS FRITAS ARTESANAS".into(), "118.80".into())]);
}

#[test]
fn an_item_code_with_its_description_waits_for_the_figures_printed_under_it() {
    let got = items(&[
        &[
            ("Código", 130.0),
            ("Descripción", 420.0),
            ("Cantidad", 1650.0),
            ("Precio", 1850.0),
            ("Importe", 2250.0),
        ],
        &[
            ("315", 130.0),
            ("MERMELADA DE HIGO 275GR", 420.0),
            ("6", 1700.0),
            ("2,40", 1860.0),
            ("14,40", 2250.0),
        ],
        &[("213", 130.0), ("MERMELADA DE ARANDANOS GR.Sin", 420.0)],
        &[
            ("azucar anadido", 420.0),
            ("6", 1700.0),
            ("2,20", 1860.0),
            ("13,20", 2250.0),
        ],
    ]);
    assert_eq!(
        got,
        [
            ("MERMELADA DE HIGO 275GR".into(), "14.40".into()),
            (
                "MERMELADA DE ARANDANOS GR.Sin azucar anadido".into(),
                "13.20".into()
            )
        ]
    );
}

#[test]
fn items_spaced_apart_take_the_description_wrapped_above_and_below_their_figures() {
    let got = items(&[
        &[
            ("Charge Name", 100.0),
            ("Qty", 900.0),
            ("Unit Price", 1100.0),
            ("Total", 1500.0),
        ],
        &[],
        &[("Extra members on", 100.0)],
        &[
            ("Pro team plan --", 100.0),
            ("2.0", 900.0),
            ("19.0", 1100.0),
            ("-12.26", 1500.0),
        ],
        &[("Proration Credit", 100.0)],
        &[],
        &[
            ("Git Contributors", 100.0),
            ("1.0", 900.0),
            ("19.0", 1100.0),
            ("19.00", 1500.0),
        ],
        &[("Total", 1100.0), ("6.74", 1500.0)],
    ]);
    assert_eq!(
        got,
        [
            (
                "Extra members on Pro team plan -- Proration Credit".to_string(),
                "-12.26".to_string()
            ),
            ("Git Contributors".to_string(), "19.00".to_string()),
        ]
    );
}

#[test]
fn a_summary_of_delivery_notes_is_described_by_each_notes_number_and_date() {
    // Panifiesto's monthly invoice: one row per delivery note, the net amount left of the tax
    // and of the total with tax; the group heading and the totals row are no lines.
    let got = items(&[
        &[
            ("Albarán", 100.0),
            ("Fecha", 400.0),
            ("Su nº pedido", 700.0),
            ("Su nº albarán", 1000.0),
            ("Base impon.", 1300.0),
            ("I.V.A.", 1600.0),
            ("Total Neto", 1900.0),
        ],
        &[("Delegación 1, TASCA BAREA", 800.0)],
        &[
            ("25-101101-3.544", 100.0),
            ("02-nov.-2025", 400.0),
            ("7,88", 1330.0),
            ("0,32", 1620.0),
            ("8,20", 1930.0),
        ],
        &[
            ("25-101101-3.545", 100.0),
            ("02-nov.-2025", 400.0),
            ("3,08", 1330.0),
            ("0,12", 1620.0),
            ("3,20", 1930.0),
        ],
        &[
            ("Total delegación", 100.0),
            ("10,96", 1330.0),
            ("0,44", 1620.0),
            ("11,40", 1930.0),
        ],
    ]);
    assert_eq!(
        got,
        [
            ("25-101101-3.544 02-nov.-2025".into(), "7.88".into()),
            ("25-101101-3.545 02-nov.-2025".into(), "3.08".into()),
        ]
    );
}

#[test]
fn of_a_net_and_a_gross_amount_column_the_net_is_the_lines_amount() {
    let got = items(&[
        &[
            ("Description", 100.0),
            ("Qty", 700.0),
            ("Net amount", 1000.0),
            ("VAT", 1300.0),
            ("Gross amount", 1600.0),
        ],
        &[
            ("Consulting", 100.0),
            ("2", 720.0),
            ("200.00", 1030.0),
            ("20%", 1320.0),
            ("240.00", 1630.0),
        ],
    ]);
    assert_eq!(got, [("Consulting".into(), "200.00".into())]);
}

#[test]
fn a_paragraph_far_below_the_last_item_ends_the_table() {
    // An empty box under the items, then a legal notice and a tax summary with no totals
    // label the table knows: neither is a line, nor goes on the last item's description.
    let mut page: Vec<&[(&str, f32)]> = vec![
        &[("Description", 100.0), ("Qty", 1400.0), ("Amount", 2000.0)],
        &[("Sensor", 100.0), ("1", 1420.0), ("62,25", 2000.0)],
    ];
    page.extend([&[][..]; 14]);
    page.push(&[("maximum de 45 jours fin de mois", 100.0)]);
    page.push(&[("TVA", 100.0), ("Port", 1000.0), ("0,00", 2000.0)]);
    assert_eq!(items(&page), [("Sensor".into(), "62.25".into())]);
}

#[test]
fn a_rate_printed_after_the_amount_is_not_part_of_it() {
    // An Axapta credit note: "­5,15 24%" in the net total's column, the minus a soft hyphen.
    let got = items(&[
        &[("Tekst", 100.0), ("Kogus", 1150.0), ("Kokku KMta", 2145.0)],
        &[
            ("KAUBAALUS 1/4 puit", 170.0),
            ("\u{ad}1,000 tk", 1150.0),
            ("\u{ad}5,15", 2200.0),
            ("24%", 2262.0),
        ],
    ]);
    assert_eq!(got, [("KAUBAALUS 1/4 puit".into(), "-5.15".into())]);
}

#[test]
fn an_items_second_row_between_two_items_goes_on_the_item_above() {
    // SAP's two-row items (Dachdecker-Einkauf Süd): article number and name, quantity, price
    // and amount; then the goods group and the name's second half, price unit and discount.
    let got = items(&[
        &[
            ("Art.-Nr.", 120.0),
            ("Bezeichnung/Zusatztext", 300.0),
            ("Menge", 1400.0),
            ("Preis-EUR", 1760.0),
            ("Betrag-EUR", 1980.0),
        ],
        &[
            ("2733527", 92.0),
            ("BRA Frankf.ganz KROT", 300.0),
            ("10,000 ST", 1400.0),
            ("995,00", 1774.0),
            ("9,25", 2030.0),
        ],
        &[
            ("0116", 155.0),
            ("Matt Protegon klas.rot", 300.0),
            ("1.000", 1411.0),
            ("7,00-", 1816.0),
        ],
        &[
            ("9996600", 92.0),
            ("FZZ Braas Frachtaufwendungen", 300.0),
            ("10,000 ST", 1400.0),
            ("155,00", 1774.0),
            ("1,55", 2030.0),
        ],
    ]);
    assert_eq!(
        got,
        [
            (
                "BRA Frankf.ganz KROT Matt Protegon klas.rot".into(),
                "9.25".into()
            ),
            ("FZZ Braas Frachtaufwendungen".into(), "1.55".into())
        ]
    );
}

#[test]
fn text_well_below_the_last_item_does_not_go_on_its_description() {
    // A page's footer a few lines under a list of an item's specifications (Lenze's SAP
    // invoice): not the item's words.
    let got = items(&[
        &[("Description", 100.0), ("Qty", 1400.0), ("Amount", 2000.0)],
        &[
            ("AC wormwiel-motorreductor", 100.0),
            ("1", 1420.0),
            ("534,87", 2000.0),
        ],
        &[("motortype 13.751.65.5.2.0", 100.0)],
        &[],
        &[],
        &[("Onbetaalde goederen blijven eigendom van Lenze B.V.", 100.0)],
    ]);
    assert_eq!(
        got,
        [(
            "AC wormwiel-motorreductor motortype 13.751.65.5.2.0".into(),
            "534.87".into()
        )]
    );
}

#[test]
fn two_description_columns_an_unnamed_column_and_a_lone_price_read_as_printed() {
    // Gandi's registrar invoice: "Produit | Description | Propriétaire | Taxes | Prix", each
    // item a block of three lines centred on its figures. The price, with no quantity to
    // multiply it by, is the amount; the owner under the unnamed column is no description.
    let item = |domain, owner, price| {
        [
            vec![],
            vec![("Renouvellement", 803.0)],
            vec![
                (domain, 178.0),
                (owner, 1253.0),
                ("20%", 1969.0),
                (price, 2200.0),
            ],
            vec![("1 an", 803.0)],
        ]
    };
    let mut rows = vec![vec![
        ("Produit", 178.0),
        ("Description", 803.0),
        ("Propriétaire", 1253.0),
        ("Taxes", 1969.0),
        ("Prix", 2222.0),
    ]];
    rows.extend(item("site1.com", "Propriétaire 1", "12,00 €"));
    rows.extend(item("site2.fr", "Propriétaire 2", "13,91 €"));
    rows.push(vec![]);
    rows.push(vec![("Sous-total", 1416.0), ("25,91 €", 2200.0)]);
    let page: Vec<&[(&str, f32)]> = rows.iter().map(Vec::as_slice).collect();
    assert_eq!(
        items(&page),
        [
            ("site1.com Renouvellement 1 an".into(), "12.00".into()),
            ("site2.fr Renouvellement 1 an".into(), "13.91".into())
        ]
    );
}

#[test]
fn a_hotel_folio_a_swedish_faktura_and_a_gst_invoice_read_their_rows() {
    // A folio: a date column, the quantity as "Anz.", a price column with no name.
    let folio = items(&[
        &[
            ("Datum", 240.0),
            ("Beschreibung", 510.0),
            ("Anz.", 1550.0),
            ("Betrag", 2100.0),
        ],
        &[
            ("17.11.2023", 240.0),
            ("Übernachtung Zimmer 151", 510.0),
            ("1", 1610.0),
            ("133,79", 2110.0),
        ],
        &[
            ("17.11.2023", 240.0),
            ("Frühstück", 510.0),
            ("2", 1610.0),
            ("22,58", 1820.0),
            ("45,16", 2130.0),
        ],
        &[("Gesamtsumme", 1200.0), ("178,95 €", 2100.0)],
    ]);
    assert_eq!(
        folio,
        [
            ("Übernachtung Zimmer 151".into(), "133.79".into()),
            ("Frühstück".into(), "45.16".into())
        ]
    );
    // Swedish column names, amounts with the crown after them.
    let faktura = items(&[
        &[
            ("Artikelnr", 180.0),
            ("Benämning", 410.0),
            ("Antal", 1430.0),
            ("À-pris", 1860.0),
            ("Belopp", 2180.0),
        ],
        &[
            ("10155", 180.0),
            ("Kopieringspapper A4 80 g", 410.0),
            ("20 st", 1480.0),
            ("78,71 kr", 1800.0),
            ("1 574,20 kr", 2100.0),
        ],
        &[("Att betala", 1480.0), ("1 967,75 kr", 2050.0)],
    ]);
    assert_eq!(
        faktura,
        [("Kopieringspapper A4 80 g".into(), "1574.20".into())]
    );
    // India: the taxable value before the tax columns, lakhs grouped by two, and the totals
    // under the table are no items.
    let gst = items(&[
        &[
            ("Description of Goods", 150.0),
            ("HSN/SAC", 780.0),
            ("Qty", 1030.0),
            ("Rate", 1220.0),
            ("Taxable Value", 1420.0),
            ("IGST Amt", 1900.0),
        ],
        &[
            ("Cotton yarn 40s combed", 180.0),
            ("5205", 780.0),
            ("400 kg", 1030.0),
            ("296.07", 1220.0),
            ("1,18,428.00", 1420.0),
            ("5,921.40", 1900.0),
        ],
        &[("Taxable Value", 1480.0), ("INR 1,18,428.00", 2130.0)],
        &[("IGST", 1480.0), ("INR 5,921.40", 2130.0)],
    ]);
    assert_eq!(gst, [("Cotton yarn 40s combed".into(), "118428.00".into())]);
}

#[test]
fn a_wrapped_description_beside_a_step_of_the_price_stays_with_its_item() {
    // Mustang's layout: the name's second line carries the price's discount ("- 1,00 €") and
    // the next line the price it comes to ("= 19,00 €"); neither starts an item.
    let got = items(&[
        &[
            ("Pos.", 316.0),
            ("Produkt", 407.0),
            ("Menge", 1075.0),
            ("Einzelpreis", 1281.0),
            ("Steuer", 1899.0),
            ("Gesamtpreis", 2071.0),
        ],
        &[
            ("APX-COMP-001A - Industrial", 407.0),
            ("5 kg", 1123.0),
            ("20,00 €", 1348.0),
            ("19 %", 1934.0),
            ("90,00 €", 2169.0),
        ],
        &[
            ("Grade Fasteners (1 kg)", 407.0),
            ("-", 1348.0),
            ("1,00 €", 1366.0),
        ],
        &[("=", 1320.0), ("19,00 €", 1338.0)],
        &[
            ("Premium Filter Cartridges", 407.0),
            ("3", 1123.0),
            ("15,00 €", 1348.0),
            ("19 %", 1934.0),
            ("45,00 €", 2169.0),
        ],
        &[("Gesamtbetrag", 1500.0), ("135,00 €", 2169.0)],
    ]);
    assert_eq!(
        got,
        [
            (
                "APX-COMP-001A - Industrial Grade Fasteners (1 kg)".into(),
                "90.00".into()
            ),
            ("Premium Filter Cartridges".into(), "45.00".into()),
        ]
    );
}

/// Indeed's invoice photographed (pixel boxes as OCR gave them): the item's amount is printed
/// above the middle of its description and its currency below, and the description shares the
/// currency's row; it still describes the item.
#[test]
fn a_description_beside_the_amounts_currency_still_describes_the_item() {
    let page = crate::testing::ocr_page(&[
        ("Beschreibung", [859.0, 1072.0, 1110.0, 1129.0]),
        ("/", [1125.0, 1072.0, 1140.0, 1129.0]),
        ("Memo", [1150.0, 1072.0, 1252.0, 1129.0]),
        ("Betrag", [1974.0, 1064.0, 2127.0, 1139.0]),
        ("80,65", [2025.0, 1142.0, 2141.0, 1201.0]),
        ("August 2022 Sponsored Jobs", [201.0, 1176.0, 937.0, 1229.0]),
        ("EUR", [2034.0, 1200.0, 2143.0, 1259.0]),
    ]);
    let items = line_items(&rows(&[page]));
    let read: Vec<(&str, &str)> = items
        .iter()
        .map(|i| (i.description.value.as_str(), i.amount.value.as_str()))
        .collect();
    assert_eq!(read, [("August 2022 Sponsored Jobs", "80.65")]);
}
