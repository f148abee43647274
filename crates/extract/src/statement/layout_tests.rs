//! Unit tests of the statement reader on layouts copied from real statements read by OCR or
//! found after the reader was written: balances printed before their labels, amounts on a
//! booking's last line (HSBC UK), figures split or glued by the text layer.

use super::tests::{amounts, read_rows};
use super::*;

fn read_ocr(lines: &[(&str, [f32; 4])]) -> Statement {
    let page = crate::testing::ocr_lines_page(lines);
    read(&crate::cells::rows(&[page]), DateOrder::DayFirst)
}

/// The header of a BancoPosta statement as OCR reads it, with its opening balance printed
/// before the label (boxes from the validation statement's copies turned upside down, page 1).
const BANCOPOSTA_HEADER: [(&str, [f32; 4]); 5] = [
    ("Data", [175.0, 1269.0, 282.0, 1324.0]),
    ("Valuta", [359.0, 1268.0, 499.0, 1326.0]),
    ("Addebiti", [641.0, 1272.0, 812.0, 1321.0]),
    ("Accrediti", [1036.0, 1272.0, 1219.0, 1321.0]),
    ("Descrizione operazioni", [1633.0, 1275.0, 2073.0, 1321.0]),
];

/// The balance is the figure on its label's row, not the next row's amount right under the
/// label, where the header's labels look for a value; and a closing balance whose space OCR
/// dropped ("375,83SALD0 FINALE") is still read.
#[test]
fn a_balance_printed_before_its_label_is_the_figure_on_the_labels_row() {
    let mut lines = BANCOPOSTA_HEADER.to_vec();
    lines.extend([
        ("31/10/22", [124.0, 1338.0, 317.0, 1387.0]),
        ("315,35", [1195.0, 1342.0, 1341.0, 1385.0]),
        ("SALDO INIZIALE", [1320.0, 1343.0, 1639.0, 1382.0]),
        ("02/11/22", [134.0, 1378.0, 314.0, 1417.0]),
        ("02/11/22", [337.0, 1374.0, 517.0, 1418.0]),
        ("400,00", [1195.0, 1375.0, 1334.0, 1418.0]),
        ("POSTAGIRO TRN BPPIITRR", [1339.0, 1377.0, 1799.0, 1418.0]),
        ("30/11/22", [134.0, 1589.0, 317.0, 1638.0]),
        ("375,83SALD0 FINALE", [1192.0, 1588.0, 1603.0, 1639.0]),
    ]);
    let s = read_ocr(&lines);
    assert_eq!(s.opening_balance.as_ref().unwrap().value, "315.35");
    assert_eq!(s.closing_balance.as_ref().unwrap().value, "375.83");
    assert_eq!(
        amounts(&s),
        [("2022-11-02".to_string(), "400.00".to_string())]
    );
}

/// On a photo taken at an angle the next booking's line joins the balance's row ("400,00" half
/// a line under "315,35 SALDO INIZIALE"): the balance is the figure level with its label, not
/// the row's last (boxes from the validation statement's photographed copy).
#[test]
fn on_a_photo_the_balance_is_the_figure_level_with_its_label() {
    let mut lines = BANCOPOSTA_HEADER.to_vec();
    lines.extend([
        ("31/10/22", [205.0, 1288.0, 399.0, 1342.0]),
        ("315,35", [1242.0, 1302.0, 1385.0, 1353.0]),
        ("SALDO INIZIALE", [1385.0, 1306.0, 1666.0, 1351.0]),
        ("02/11/22", [410.0, 1320.0, 599.0, 1379.0]),
        ("02/11/22", [211.0, 1321.0, 403.0, 1375.0]),
        ("400,00", [1242.0, 1335.0, 1380.0, 1385.0]),
        ("POSTAGIRO TRN BPPIITRR", [1384.0, 1339.0, 1816.0, 1385.0]),
    ]);
    let s = read_ocr(&lines);
    assert_eq!(s.opening_balance.as_ref().unwrap().value, "315.35");
}

/// Filler dashes after a balance's label are no minus sign for the figure after them; nor is a
/// currency glued to a figure split from it.
#[test]
fn glued_figures_split_only_from_words() {
    let word = |t: &str| Word {
        text: t.to_string(),
        bbox: BBox::new(0.0, 0.0, 110.0, 10.0),
        confidence: 1.0,
    };
    let split = unglue_figure(word("375,83SALD0"));
    assert_eq!(
        split.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(),
        ["375,83", "SALD0"]
    );
    assert!((split[0].bbox.x1 - 60.0).abs() < 1e-3);
    for kept in ["12,50EUR", "12,50EURO", "4711ABCD", "12,5SALDO", "SALDO"] {
        assert_eq!(unglue_figure(word(kept)).len(), 1, "{kept}");
    }
    let s = read_ocr(&[
        ("F.Oper.", [22.0, 481.0, 178.0, 537.0]),
        ("F.Valor", [179.0, 482.0, 299.0, 536.0]),
        ("Concepto", [760.0, 484.0, 906.0, 536.0]),
        ("Importe", [1645.0, 488.0, 1762.0, 534.0]),
        ("Saldo", [2103.0, 484.0, 2198.0, 532.0]),
        ("SALDO ANTERIOR - - -", [322.0, 549.0, 688.0, 603.0]),
        ("865,19", [2224.0, 544.0, 2405.0, 610.0]),
    ]);
    assert_eq!(s.opening_balance.as_ref().unwrap().value, "865.19");
}

/// HSBC UK prints a booking's amount on its last line: the date and payment type on the first
/// line of a description that wraps, the day's balance on its last booking, each date once per
/// day (carried across a page break), and the balances brought and carried forward per page.
#[test]
fn amounts_on_a_bookings_last_line_close_the_description_above_them() {
    let header: &[(&str, f32)] = &[
        ("Date", 220.0),
        ("Payment type and details", 484.0),
        ("Paid out", 1487.0),
        ("Paid in", 1856.0),
        ("Balance", 2170.0),
    ];
    let s = read_rows(&[
        header,
        &[
            ("08 May 19", 222.0),
            ("BALANCE BROUGHT FORWARD", 584.0),
            ("653.13", 2205.0),
        ],
        &[("09 May 19", 222.0), ("VIS", 470.0), ("JQPG", 584.0)],
        &[("bibkwz.lw.xe", 584.0), ("15.75", 1548.0)],
        &[(")))", 470.0), ("TS-SC WFSEC", 584.0)],
        &[("RZZHU", 584.0), ("8.00", 1567.0), ("629.38", 2205.0)],
        &[
            ("10 May 19", 222.0),
            ("CR", 470.0),
            ("QJYZX DOFZ", 584.0),
            ("2,466.34", 1840.0),
        ],
        &[("DD", 470.0), ("CJXCJR", 584.0), ("20.45", 1548.0)],
        &[("VIS", 470.0), ("JUHJ", 584.0)],
        &[("CEHUZX", 584.0), ("96.65", 1548.0), ("2,978.52", 2172.0)],
        &[("11 May 19", 222.0), ("ATM", 470.0), ("TJUD", 584.0)],
        &[("QJX19", 584.0), ("30.00", 1548.0)],
        &[("BALANCE CARRIED FORWARD", 584.0), ("2,948.52", 2172.0)],
        header,
        &[("BALANCE BROUGHT FORWARD", 584.0), ("2,948.52", 2172.0)],
        &[("VIS", 470.0), ("LQ QSFF", 584.0)],
        &[("RZZHU", 584.0), ("4.40", 1548.0), ("2,944.12", 2172.0)],
        &[("BALANCE CARRIED FORWARD", 584.0), ("2,944.12", 2172.0)],
    ]);
    assert_eq!(
        s.transactions
            .iter()
            .map(|t| (
                t.date.value.as_str(),
                t.amount.value.as_str(),
                t.description.value.as_str()
            ))
            .collect::<Vec<_>>(),
        [
            ("2019-05-09", "-15.75", "VIS JQPG bibkwz.lw.xe"),
            ("2019-05-09", "-8.00", "))) TS-SC WFSEC RZZHU"),
            ("2019-05-10", "2466.34", "CR QJYZX DOFZ"),
            ("2019-05-10", "-20.45", "DD CJXCJR"),
            ("2019-05-10", "-96.65", "VIS JUHJ CEHUZX"),
            ("2019-05-11", "-30.00", "ATM TJUD QJX19"),
            ("2019-05-11", "-4.40", "VIS LQ QSFF RZZHU"),
        ]
    );
    assert_eq!(s.opening_balance.as_ref().unwrap().value, "653.13");
    assert_eq!(s.closing_balance.as_ref().unwrap().value, "2944.12");
}

/// Where the amount is on a booking's first line, the lines under it (a reference, a mandate)
/// still go with it, not with the booking after them.
#[test]
fn lines_under_a_booking_with_its_amount_stay_with_it() {
    let s = read_rows(&[
        &[
            ("Buchung", 100.0),
            ("Vorgang", 500.0),
            ("Soll", 1300.0),
            ("Haben", 1600.0),
        ],
        &[
            ("19.01.2020", 100.0),
            ("SDD Lastschr", 500.0),
            ("580,06", 1260.0),
        ],
        &[("Referenz C2234", 500.0)],
        &[("STADTWERKE", 500.0)],
        &[
            ("21.01.2020", 100.0),
            ("Gutschr. SEPA", 500.0),
            ("154,00", 1560.0),
        ],
        &[("ARBEITSAMT BONN", 500.0)],
        &[
            ("23.01.2020", 100.0),
            ("SDD Lastschr", 500.0),
            ("84,75", 1260.0),
        ],
        &[("Mandat UIL", 500.0)],
    ]);
    let texts: Vec<&str> = s
        .transactions
        .iter()
        .map(|t| t.description.value.as_str())
        .collect();
    assert_eq!(
        texts,
        [
            "SDD Lastschr Referenz C2234 STADTWERKE",
            "Gutschr. SEPA ARBEITSAMT BONN",
            "SDD Lastschr Mandat UIL"
        ]
    );
}

/// A summary box's next row that has a label of its own ("Opening Balance" over "Payments In
/// 4,356.35") gives its figure to that label, not to the one above it.
#[test]
fn a_labelled_row_under_a_balance_label_keeps_its_figure() {
    let s = read_rows(&[
        &[("Opening Balance", 1500.0)],
        &[("Payments In", 1500.0), ("4,356.35", 2145.0)],
        &[("Closing Balance", 1500.0), ("739.85", 2177.0)],
    ]);
    assert!(s.opening_balance.is_none(), "{:?}", s.opening_balance);
    assert_eq!(s.closing_balance.as_ref().unwrap().value, "739.85");
}

/// HSBC UK's savings statement as OCR reads a shadowed copy: each booking's date and payee on
/// one line, its reference and amount on the next, the boxes so tall that every line's box
/// overlaps its neighbours'. Overlapping boxes say nothing about which lines belong together;
/// the dated first lines still do.
#[test]
fn overlapping_ocr_boxes_leave_the_amounts_on_a_booking_s_last_line() {
    let s = read_ocr(&[
        ("Date", [206.0, 1912.0, 307.0, 1968.0]),
        ("Payment type and details", [477.0, 1913.0, 904.0, 1968.0]),
        ("Paid out", [1476.0, 1911.0, 1631.0, 1968.0]),
        ("Paid in", [1845.0, 1913.0, 1978.0, 1964.0]),
        ("Balance", [2158.0, 1910.0, 2306.0, 1969.0]),
        ("08 Sep 22", [208.0, 2025.0, 372.0, 2082.0]),
        ("BALANCE BROUGHT FORWARD", [578.0, 2030.0, 1108.0, 2075.0]),
        ("22,014.78", [2148.0, 2027.0, 2307.0, 2079.0]),
        ("13 Sep 22", [210.0, 2071.0, 369.0, 2128.0]),
        ("CR", [463.0, 2073.0, 529.0, 2119.0]),
        ("MFLGG NWOUFUGO", [576.0, 2074.0, 932.0, 2118.0]),
        ("OL 12GUV2022", [578.0, 2122.0, 825.0, 2166.0]),
        ("5.35", [1898.0, 2116.0, 1985.0, 2172.0]),
        ("22,020.13", [2150.0, 2120.0, 2305.0, 2172.0]),
        ("13 Oct 22", [215.0, 2170.0, 365.0, 2217.0]),
        ("CR", [463.0, 2169.0, 530.0, 2218.0]),
        ("MFLGG NWOUFUGO", [578.0, 2170.0, 932.0, 2214.0]),
        ("OL 12LSO2022", [577.0, 2214.0, 817.0, 2263.0]),
        ("7.24", [1899.0, 2211.0, 1986.0, 2270.0]),
        ("22,027.37", [2149.0, 2213.0, 2306.0, 2269.0]),
        ("13 Nov 22", [215.0, 2265.0, 374.0, 2313.0]),
        ("CR", [463.0, 2264.0, 530.0, 2313.0]),
        ("MFLGG NWOUFUGO", [578.0, 2266.0, 930.0, 2310.0]),
        ("OL 12WLB2022", [577.0, 2308.0, 829.0, 2357.0]),
        ("8.93", [1900.0, 2308.0, 1985.0, 2363.0]),
        ("22,036.30", [2150.0, 2310.0, 2307.0, 2362.0]),
        ("13 Dec 22", [214.0, 2358.0, 370.0, 2410.0]),
        ("CR", [463.0, 2358.0, 530.0, 2407.0]),
        ("MFLGG NWOUFUGO", [578.0, 2359.0, 930.0, 2403.0]),
        ("OL 12ZUS2022", [578.0, 2408.0, 813.0, 2451.0]),
        ("10.14", [1884.0, 2404.0, 1983.0, 2457.0]),
        ("22,046.44", [2150.0, 2406.0, 2305.0, 2458.0]),
        ("13 Jan 23", [214.0, 2451.0, 361.0, 2503.0]),
        ("CR", [463.0, 2455.0, 529.0, 2500.0]),
        ("MFLGG NWOUFUGO", [578.0, 2453.0, 932.0, 2497.0]),
        ("OL 12HJW2023", [577.0, 2500.0, 829.0, 2548.0]),
        ("12.17", [1884.0, 2498.0, 1980.0, 2550.0]),
        ("22,058.61", [2152.0, 2503.0, 2301.0, 2550.0]),
        ("23 Jan 23", [211.0, 2547.0, 361.0, 2599.0]),
        ("TFR", [462.0, 2552.0, 544.0, 2599.0]),
        ("001122 12345678", [576.0, 2551.0, 836.0, 2595.0]),
        ("NWOUFWUO OFJWGIUF", [578.0, 2598.0, 960.0, 2642.0]),
        ("500.00", [1500.0, 2596.0, 1620.0, 2648.0]),
        ("21,558.61", [2150.0, 2596.0, 2305.0, 2648.0]),
        ("08 Feb 23", [211.0, 2660.0, 372.0, 2712.0]),
        ("BALANCE CARRIED FORWARD", [578.0, 2662.0, 1108.0, 2707.0]),
        ("21,558.61", [2150.0, 2660.0, 2305.0, 2712.0]),
    ]);
    let read: Vec<(String, String)> = [
        ("2022-09-13", "5.35"),
        ("2022-10-13", "7.24"),
        ("2022-11-13", "8.93"),
        ("2022-12-13", "10.14"),
        ("2023-01-13", "12.17"),
        ("2023-01-23", "-500.00"),
    ]
    .iter()
    .map(|(d, a)| (d.to_string(), a.to_string()))
    .collect();
    assert_eq!(amounts(&s), read);
    assert_eq!(
        s.transactions[3].description.value,
        "CR MFLGG NWOUFUGO OL 12ZUS2022"
    );
    assert_eq!(s.closing_balance.as_ref().unwrap().value, "21558.61");
}
