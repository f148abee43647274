//! Statements read blind (2026-12-07): an Indian bank's download, Barclays, Banco do Brasil and
//! a credit card's statement, rebuilt from their pages' words.

use super::tests::{amounts, read_rows};
use super::*;
use crate::testing::rows_page;
use ledgerline_core::page::TextSource;

/// An Indian bank's download (Union Bank of India): each row starts with its transaction id,
/// the amount carries its side in brackets ("724.00 (Cr)", "1517.00 (Dr)"), and the rows run
/// newest first, so each printed balance follows from the row below it.
#[test]
fn rows_led_by_an_id_with_bracketed_sides_listed_newest_first() {
    let mut s = read_rows(&[
        &[("Statement Period From -06/10/2020 To 10/11/2020", 100.0)],
        &[
            ("Tran Id", 190.0),
            ("Tran Date", 540.0),
            ("Remarks", 1120.0),
            ("Amount (Rs.) Balance (Rs.)", 1640.0),
        ],
        &[
            ("S59192340", 180.0),
            ("09/11/2020", 560.0),
            ("Remark for transcation #1", 870.0),
            ("724.00 (Cr)", 1750.0),
            ("10193.59", 2180.0),
        ],
        &[
            ("S58499734", 180.0),
            ("09/11/2020", 560.0),
            ("Remark for transcation #2", 870.0),
            ("1517.00 (Dr)", 1730.0),
            ("9469.59", 2200.0),
        ],
        &[
            ("S16099989", 180.0),
            ("03/11/2020", 560.0),
            ("Remark for transcation #3", 870.0),
            ("210.00 (Dr)", 1750.0),
            ("10986.59", 2180.0),
        ],
    ]);
    assert_eq!(
        amounts(&s),
        [
            ("2020-11-09".to_string(), "724.00".to_string()),
            ("2020-11-09".to_string(), "-1517.00".to_string()),
            ("2020-11-03".to_string(), "-210.00".to_string()),
        ]
    );
    assert_eq!(
        s.transactions[0].description.value,
        "Remark for transcation #1"
    );
    let checks = crate::checks::statement(&mut s);
    assert_eq!(checks.len(), 2);
    assert!(checks.iter().all(|c| c.passed), "{checks:?}");
}

/// A date OCR damaged ("05/8/2") before the value date is no transaction id.
#[test]
fn a_damaged_date_is_no_row_id() {
    let words = |texts: &[&str]| -> Vec<Word> {
        texts
            .iter()
            .map(|t| Word {
                text: t.to_string(),
                bbox: BBox::new(0.0, 0.0, 10.0, 10.0),
                confidence: 1.0,
            })
            .collect()
    };
    let order = DateOrder::DayFirst;
    assert_eq!(
        leading_date(&words(&["S59192340", "09/11/2020", "Remark"]), order, None),
        Some(("2020-11-09".to_string(), 2))
    );
    assert_eq!(
        leading_date(&words(&["05/8/2", "03/08/22", "PAGAMENTO"]), order, None),
        None
    );
    // A statement's number and page ("002 1/2") make no date.
    assert_eq!(
        leading_date(&words(&["002", "1/2", "DE94"]), order, Some((2016, 6))),
        None
    );
}

/// Barclays: a day's date on its first booking only, each booking's amount on its first line
/// and the card's date of use ("On 18 Dec") on the line under it, in the description column;
/// the lines of one booking stand closer together than two bookings do.
#[test]
fn a_date_in_the_description_column_is_text_and_spacing_groups_a_booking() {
    let lines: &[(&str, [f32; 4])] = &[
        ("19 Dec 2023 - 18 Jan 2024", [1807.0, 309.0, 2240.0, 350.0]),
        ("Date", [242.0, 1738.0, 329.0, 1780.0]),
        ("Description", [383.0, 1738.0, 598.0, 1780.0]),
        ("Money out", [1066.0, 1738.0, 1267.0, 1780.0]),
        ("Money in", [1325.0, 1738.0, 1498.0, 1780.0]),
        ("Balance", [1570.0, 1738.0, 1716.0, 1780.0]),
        ("19 Dec Start balance", [242.0, 1809.0, 606.0, 1850.0]),
        ("8,009.60", [1569.0, 1809.0, 1717.0, 1850.0]),
        ("19 Dec", [242.0, 1890.0, 356.0, 1931.0]),
        ("Card Payment to Google", [454.0, 1890.0, 851.0, 1931.0]),
        ("7.99", [1198.0, 1890.0, 1269.0, 1931.0]),
        ("Youtubeprem On 18 Dec", [454.0, 1935.0, 858.0, 1976.0]),
        (
            "Card Payment to Amznmktplace On",
            [454.0, 2016.0, 1038.0, 2057.0],
        ),
        ("12.68", [1178.0, 2016.0, 1270.0, 2057.0]),
        ("18 Dec", [454.0, 2063.0, 568.0, 2104.0]),
        ("Cash Machine Withdrawal at", [454.0, 2143.0, 921.0, 2184.0]),
        ("30.00", [1178.0, 2143.0, 1270.0, 2184.0]),
        ("7,958.93", [1576.0, 2143.0, 1719.0, 2184.0]),
        ("Timed at 15.29 On 19 Dec", [454.0, 2189.0, 786.0, 2230.0]),
        ("20 Dec", [242.0, 2270.0, 356.0, 2311.0]),
        (
            "Card Payment to Amznmktplace On",
            [454.0, 2270.0, 1038.0, 2311.0],
        ),
        ("18.54", [1178.0, 2270.0, 1270.0, 2311.0]),
        ("19 Dec", [454.0, 2316.0, 568.0, 2357.0]),
        ("Card Payment to Empire Dry", [454.0, 2396.0, 916.0, 2437.0]),
        ("35.00", [1178.0, 2396.0, 1270.0, 2437.0]),
        ("7,905.39", [1576.0, 2396.0, 1719.0, 2437.0]),
        ("Cleaner On 19 Dec", [454.0, 2442.0, 758.0, 2483.0]),
    ];
    let page = crate::testing::ocr_lines_page(lines);
    let s = read(&crate::cells::rows(&[page]), DateOrder::DayFirst);
    let got: Vec<(String, String, String)> = s
        .transactions
        .iter()
        .map(|t| {
            (
                t.date.value.clone(),
                t.description.value.clone(),
                t.amount.value.clone(),
            )
        })
        .collect();
    let want = [
        (
            "2023-12-19",
            "Card Payment to Google Youtubeprem On 18 Dec",
            "-7.99",
        ),
        (
            "2023-12-19",
            "Card Payment to Amznmktplace On 18 Dec",
            "-12.68",
        ),
        (
            "2023-12-19",
            "Cash Machine Withdrawal at Timed at 15.29 On 19 Dec",
            "-30.00",
        ),
        (
            "2023-12-20",
            "Card Payment to Amznmktplace On 19 Dec",
            "-18.54",
        ),
        (
            "2023-12-20",
            "Card Payment to Empire Dry Cleaner On 19 Dec",
            "-35.00",
        ),
    ]
    .map(|(d, t, a)| (d.to_string(), t.to_string(), a.to_string()));
    assert_eq!(got, want);
    assert_eq!(
        s.opening_balance.map(|f| f.value).as_deref(),
        Some("8009.60")
    );
}

/// A Banco do Brasil "extrato": Portuguese names the kind ("Extrato conta corrente",
/// "Lançamentos") and the columns ("Dt. movimento", "Histórico", "Valor R$", "Saldo"), and a
/// "D" or "C" after each figure its side.
#[test]
fn a_portuguese_statement_is_read() {
    let page = rows_page(
        &[
            &[("Extrato conta corrente", 220.0)],
            &[("Lançamentos", 3.0)],
            &[
                ("Dt. movimento", 1.0),
                ("Histórico", 320.0),
                ("Valor R$", 796.0),
                ("Saldo", 909.0),
            ],
            &[
                ("30/03/2012", 15.0),
                ("Saldo Anterior", 315.0),
                ("20.067,17", 869.0),
                ("C", 950.0),
            ],
            &[
                ("02/04/2012", 14.0),
                ("120 Transferido para Poupança", 314.0),
                ("1.824,56", 782.0),
                ("D", 860.0),
            ],
            &[
                ("03/04/2012", 15.0),
                ("102 Cheque Compensado", 315.0),
                ("2.288,00", 782.0),
                ("D", 860.0),
                ("15.954,61", 880.0),
                ("C", 980.0),
            ],
        ],
        |t| t.chars().count() as f32 * 9.0,
        TextSource::TextLayer,
    );
    let x = crate::extract(&[page]);
    assert_eq!(x.kind, crate::DocumentKind::BankStatement);
    let s = x.statement.unwrap_or_default();
    assert_eq!(
        amounts(&s),
        [
            ("2012-04-02".to_string(), "-1824.56".to_string()),
            ("2012-04-03".to_string(), "-2288.00".to_string()),
        ]
    );
    assert_eq!(
        s.opening_balance.map(|f| f.value).as_deref(),
        Some("20067.17")
    );
}

/// A credit card's statement (ICICI): a credit limit and a minimum amount due; its unmarked
/// amounts are charges, a payment is marked "CR", and its balances are what the holder owes.
#[test]
fn a_card_account_s_charges_and_balances_are_owed() {
    let s = read_rows(&[
        &[("Statement Date: 12/11/2018", 100.0)],
        &[("Minimum Amount Due and Credit Limit: see summary", 100.0)],
        &[("Previous Balance", 100.0), ("5,139.30", 900.0)],
        &[
            ("Date", 100.0),
            ("Transaction Details", 400.0),
            ("Amount", 1500.0),
        ],
        &[
            ("30/10/2018", 100.0),
            ("Autodebit Payment Recd.", 400.0),
            ("260.00 CR", 1500.0),
        ],
        &[
            ("12/11/2018", 100.0),
            ("Interest Charges", 400.0),
            ("844.90", 1500.0),
        ],
    ]);
    assert_eq!(
        amounts(&s),
        [
            ("2018-10-30".to_string(), "260.00".to_string()),
            ("2018-11-12".to_string(), "-844.90".to_string()),
        ]
    );
    assert_eq!(
        s.opening_balance.map(|f| f.value).as_deref(),
        Some("-5139.30")
    );
}

/// HDFC's card statement: what is owed is "Total Dues", printed under its label, and a rewards
/// box lower down prints "Opening Balance" and "Closing Balance" of points, with no cents,
/// where every booking is in money with cents.
#[test]
fn a_card_s_total_dues_is_its_closing_balance_and_points_are_no_balance() {
    let s = read_rows(&[
        &[("Statement Date:23/10/2024", 1048.0)],
        &[
            ("Payment Due Date", 1108.0),
            ("Total Dues", 1646.0),
            ("Minimum Amount Due", 2030.0),
        ],
        &[
            ("12/11/2024", 1181.0),
            ("83,794.00", 1667.0),
            ("4,240.00", 2148.0),
        ],
        &[("Credit Limit", 1167.0)],
        &[
            ("Date", 100.0),
            ("Transaction Description", 400.0),
            ("Amount (in Rs.)", 1900.0),
        ],
        &[
            ("26/09/2024", 100.0),
            ("NETBANKING TRANSFER", 400.0),
            ("1,921.00 Cr", 1900.0),
        ],
        &[
            ("05/10/2024", 100.0),
            ("AMAZON PAY INDIA", 400.0),
            ("1,185.50", 1900.0),
        ],
        &[],
        &[],
        &[],
        &[],
        &[],
        &[],
        &[],
        &[],
        &[],
        &[],
        &[],
        &[
            ("Opening Balance", 67.0),
            ("Earned", 494.0),
            ("Closing Balance", 1457.0),
        ],
        &[("1,921", 171.0), ("1,185", 515.0), ("1,185", 1553.0)],
    ]);
    assert_eq!(
        s.closing_balance.map(|f| f.value).as_deref(),
        Some("-83794.00")
    );
    assert!(
        s.opening_balance.as_ref().is_none_or(|f| f.raw != "1,921"),
        "{:?}",
        s.opening_balance
    );
}
