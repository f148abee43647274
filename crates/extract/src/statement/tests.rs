use super::*;
use crate::testing::rows_page;
use ledgerline_core::page::TextSource;

fn read_rows(rows: &[&[(&str, f32)]]) -> Statement {
    let page = rows_page(
        rows,
        |t| t.chars().count() as f32 * 18.0,
        TextSource::TextLayer,
    );
    read(&crate::cells::rows(&[page]), DateOrder::DayFirst)
}

fn amounts(s: &Statement) -> Vec<(String, String)> {
    s.transactions
        .iter()
        .map(|t| (t.date.value.clone(), t.amount.value.clone()))
        .collect()
}

#[test]
fn account_numbers_keep_four_digits_behind_a_fixed_mask() {
    assert_eq!(mask_account("**7618"), "****7618");
    assert_eq!(mask_account("DE89 3704 0044 0532 0130 00"), "****3000");
    assert_eq!(mask_account("XXXX-7618"), "****7618");
    assert_eq!(mask_account("761"), "761");
}

/// Dates without a year take the period's, the December row of a January statement the year
/// before; debit and credit columns sign the amounts; a reference line under a booking joins
/// its description.
#[test]
fn debit_and_credit_columns_and_dates_without_a_year() {
    let s = read_rows(&[
        &[("Kontoauszug vom 15.12.2023 bis 14.01.2024", 100.0)],
        &[("Alter Kontostand", 100.0), ("1.000,00", 1500.0)],
        &[
            ("Buchung Wert", 100.0),
            ("Vorgang", 500.0),
            ("Soll", 1300.0),
            ("Haben", 1600.0),
        ],
        &[
            ("28.12.", 100.0),
            ("28.12.", 250.0),
            ("Lastschrift Stadtwerke", 500.0),
            ("80,00", 1260.0),
        ],
        &[("Referenz 4711", 500.0)],
        &[
            ("03.01.", 100.0),
            ("03.01.", 250.0),
            ("Gutschrift Gehalt", 500.0),
            ("2.500,00", 1520.0),
        ],
        &[("Neuer Kontostand", 100.0), ("3.420,00", 1500.0)],
    ]);
    assert_eq!(
        amounts(&s),
        [
            ("2023-12-28".to_string(), "-80.00".to_string()),
            ("2024-01-03".to_string(), "2500.00".to_string())
        ]
    );
    assert_eq!(
        s.transactions[0].description.value,
        "Lastschrift Stadtwerke Referenz 4711"
    );
    assert_eq!(s.opening_balance.as_ref().unwrap().value, "1000.00");
    assert_eq!(s.closing_balance.as_ref().unwrap().value, "3420.00");
}

/// An unsigned amount column takes its signs from the running balance, a date printed once
/// covers the rows of its day under it, and the opening balance comes from the first row.
#[test]
fn the_running_balance_signs_unsigned_amounts() {
    let s = read_rows(&[
        &[
            ("Date", 100.0),
            ("Description", 400.0),
            ("Amount", 1200.0),
            ("Balance", 1600.0),
        ],
        &[
            ("05 Mar 2025", 100.0),
            ("Card payment TESCO", 400.0),
            ("-12.50", 1230.0),
            ("487.50", 1610.0),
        ],
        &[
            ("Salary ACME LTD", 400.0),
            ("1,000.00", 1160.0),
            ("1,487.50", 1560.0),
        ],
        &[
            ("07 Mar 2025", 100.0),
            ("Direct debit PHONE", 400.0),
            ("20.00", 1230.0),
            ("1,467.50", 1560.0),
        ],
    ]);
    assert_eq!(
        amounts(&s),
        [
            ("2025-03-05".to_string(), "-12.50".to_string()),
            ("2025-03-05".to_string(), "1000.00".to_string()),
            ("2025-03-07".to_string(), "-20.00".to_string())
        ]
    );
    assert_eq!(s.opening_balance.as_ref().unwrap().value, "500.00");
    assert_eq!(s.closing_balance.as_ref().unwrap().value, "1467.50");
}

#[test]
fn printed_signs_and_markers_are_read() {
    for (text, want) in [
        ("1.234,56-", Some((Decimal::new(123456, 2), Some(true)))),
        ("12.00CR", Some((Decimal::new(1200, 2), Some(false)))),
        ("(45.10)", Some((Decimal::new(4510, 2), Some(true)))),
        ("+2.780,70", Some((Decimal::new(278070, 2), Some(false)))),
        ("Entgelt", None),
        ("600", None),
    ] {
        assert_eq!(money_token(text), want, "{text}");
    }
}

/// A statement that lists deposits and withdrawals in sections of one unsigned amount column,
/// with no running balance: the section heading signs the amounts, months first as the dollar
/// says.
#[test]
fn section_headings_sign_an_unsigned_amount_column() {
    let page = rows_page(
        &[
            &[("Statement period 01/01/2025 - 01/31/2025", 100.0)],
            &[("DEPOSITS AND ADDITIONS", 100.0)],
            &[("DATE", 100.0), ("DESCRIPTION", 400.0), ("AMOUNT", 1500.0)],
            &[
                ("01/05", 100.0),
                ("Payroll ACME", 400.0),
                ("$2,500.00", 1480.0),
            ],
            &[
                ("Total Deposits and Additions", 100.0),
                ("$2,500.00", 1480.0),
            ],
            &[("ELECTRONIC WITHDRAWALS", 100.0)],
            &[("DATE", 100.0), ("DESCRIPTION", 400.0), ("AMOUNT", 1500.0)],
            &[
                ("01/12", 100.0),
                ("Card purchase TESCO", 400.0),
                ("12.50", 1520.0),
            ],
            &[
                ("01/20", 100.0),
                ("Online transfer to savings", 400.0),
                ("300.00", 1500.0),
            ],
        ],
        |t| t.chars().count() as f32 * 18.0,
        TextSource::TextLayer,
    );
    let s = read(&crate::cells::rows(&[page]), DateOrder::MonthFirst);
    assert_eq!(
        amounts(&s),
        [
            ("2025-01-05".to_string(), "2500.00".to_string()),
            ("2025-01-12".to_string(), "-12.50".to_string()),
            ("2025-01-20".to_string(), "-300.00".to_string())
        ]
    );
    assert_eq!(section("Electronic Withdrawals"), Some(true));
    assert_eq!(section("Deposits and Additions"), Some(false));
    assert_eq!(section("Card payment TESCO"), None);
}

/// Both money columns filled, "0.00" in the unused one, and a value-date column between the
/// amounts and the balance (Zenith Bank's layout): the non-zero figure is the transaction.
#[test]
fn a_zero_in_the_unused_column_and_a_value_date_between_the_amounts() {
    let s = read_rows(&[
        &[
            ("DATE", 100.0),
            ("DESCRIPTION", 400.0),
            ("DEBIT", 1100.0),
            ("CREDIT", 1400.0),
            ("VALUE DATE", 1700.0),
            ("BALANCE", 2000.0),
        ],
        &[
            ("30/06/2025", 100.0),
            ("0.00", 1330.0),
            ("497.51", 1610.0),
            ("01/07/2025", 1740.0),
            ("13,840.10", 2130.0),
        ],
        &[
            ("02/07/2025", 100.0),
            ("32.00", 1330.0),
            ("0.00", 1640.0),
            ("01/07/2025", 1740.0),
            ("13,808.10", 2130.0),
        ],
    ]);
    assert_eq!(
        amounts(&s),
        [
            ("2025-06-30".to_string(), "497.51".to_string()),
            ("2025-07-02".to_string(), "-32.00".to_string())
        ]
    );
    assert_eq!(s.opening_balance.as_ref().unwrap().value, "13342.59");
}

/// Columns after the balance (a channel, a reference) and "--" in the unused money column
/// (OPay's layout): the figures under the money columns are the amounts.
#[test]
fn columns_after_the_balance_leave_the_amounts_to_their_columns() {
    let s = read_rows(&[
        &[
            ("Trans. Time", 100.0),
            ("Value Date", 560.0),
            ("Description", 760.0),
            ("Debit", 1220.0),
            ("Credit", 1380.0),
            ("Balance After", 1540.0),
            ("Channel", 1800.0),
            ("Transaction Reference", 1970.0),
        ],
        &[
            ("02", 100.0),
            ("May", 150.0),
            ("2023", 230.0),
            ("08:21:07", 330.0),
            ("02", 560.0),
            ("May", 610.0),
            ("2023", 690.0),
            ("--", 1220.0),
            ("4,000.00", 1380.0),
            ("4,204.31", 1540.0),
            ("Mobile", 1800.0),
            ("000000", 1970.0),
        ],
        &[
            ("02", 100.0),
            ("May", 150.0),
            ("2023", 230.0),
            ("08:22:42", 330.0),
            ("02", 560.0),
            ("May", 610.0),
            ("2023", 690.0),
            ("500.00", 1220.0),
            ("--", 1380.0),
            ("3,704.31", 1540.0),
            ("Mobile", 1800.0),
            ("000001", 1970.0),
        ],
    ]);
    assert_eq!(
        amounts(&s),
        [
            ("2023-05-02".to_string(), "4000.00".to_string()),
            ("2023-05-02".to_string(), "-500.00".to_string())
        ]
    );
}

/// Amounts printed between the dates and the text in two unlabelled columns, money out left
/// and money in right, with no running balance (BancoPosta's layout): the balances printed
/// before their labels, and the only signing of the two columns that reconciles them. A
/// figure at the end of a description is text, and a totals row is no booking.
#[test]
fn two_unlabelled_columns_are_signed_by_the_balances_they_reconcile() {
    let rows: &[&[(&str, f32)]] = &[
        &[
            ("31/07/22", 100.0),
            ("468,80", 1200.0),
            ("SALDO INIZIALE", 1350.0),
        ],
        &[
            ("01/08/22", 100.0),
            ("01/08/22", 300.0),
            ("1.500,00", 1170.0),
            ("BONIFICO DA ROSSI", 1350.0),
        ],
        &[
            ("01/08/22", 100.0),
            ("01/08/22", 300.0),
            ("1,00", 780.0),
            ("COMMISSIONE RICARICA", 1350.0),
        ],
        &[
            ("26/08/22", 100.0),
            ("26/08/22", 300.0),
            ("100,12", 744.0),
            ("PAGAMENTO POS FOREX", 1350.0),
            ("19.16", 1900.0),
        ],
        &[
            ("101,12", 744.0),
            ("1.500,00", 1170.0),
            ("TOTALE USCITE", 1350.0),
        ],
        &[
            ("31/08/22", 100.0),
            ("1.867,68", 1170.0),
            ("SALDO FINALE", 1350.0),
        ],
    ];
    let s = read_rows(rows);
    assert_eq!(
        amounts(&s),
        [
            ("2022-08-01".to_string(), "1500.00".to_string()),
            ("2022-08-01".to_string(), "-1.00".to_string()),
            ("2022-08-26".to_string(), "-100.12".to_string())
        ]
    );
    assert_eq!(s.opening_balance.as_ref().unwrap().value, "468.80");
    assert_eq!(s.closing_balance.as_ref().unwrap().value, "1867.68");
    assert_eq!(
        s.transactions[2].description.value,
        "PAGAMENTO POS FOREX 19.16"
    );
}

/// The same layout read by OCR from pages scanned upside down and sideways: the table's rule
/// glued to a balance as a bar or a bracket ("468,80|", "467,80]") and a label's O read as a
/// zero.
#[test]
fn a_balance_printed_first_with_a_rule_glued_to_it_is_read() {
    let s = read_rows(&[
        &[
            ("31/07/22", 100.0),
            ("468,80|", 1200.0),
            ("SALD0 INIZIALE", 1350.0),
        ],
        &[
            ("01/08/22", 100.0),
            ("01/08/22", 300.0),
            ("1,00", 780.0),
            ("COMMISSIONE RICARICA", 1350.0),
        ],
        &[
            ("31/08/22", 100.0),
            ("467,80]", 1170.0),
            ("SALDO FINALE", 1350.0),
        ],
    ]);
    assert_eq!(s.opening_balance.as_ref().unwrap().value, "468.80");
    assert_eq!(s.closing_balance.as_ref().unwrap().value, "467.80");
    assert_eq!(s.transactions.len(), 1);
}

/// The bank's logo on the row of a dated title names the bank, not the line under it that
/// merely mentions it (BancoPosta's "Patrimonio BancoPosta").
#[test]
fn a_logo_beside_a_dated_title_names_the_bank() {
    let s = read_rows(&[
        &[
            ("BancoPosta", 100.0),
            ("Estratto Conto al 31/08/22", 1300.0),
        ],
        &[("Patrimonio BancoPosta", 100.0)],
        &[
            ("31/07/22", 100.0),
            ("468,80", 1200.0),
            ("SALDO INIZIALE", 1350.0),
        ],
        &[
            ("01/08/22", 100.0),
            ("01/08/22", 300.0),
            ("1,00", 780.0),
            ("COMMISSIONE RICARICA", 1350.0),
        ],
        &[
            ("31/08/22", 100.0),
            ("467,80", 1170.0),
            ("SALDO FINALE", 1350.0),
        ],
    ]);
    assert_eq!(s.bank_name.unwrap().value, "BancoPosta");
}

/// Dates with the month's name between dashes ("02-Jan-2024") start their rows.
#[test]
fn dates_with_a_named_month_between_dashes_start_rows() {
    let s = read_rows(&[
        &[
            ("Date", 100.0),
            ("Description", 400.0),
            ("Debit", 1200.0),
            ("Credit", 1500.0),
            ("Balance", 1800.0),
        ],
        &[
            ("02-Jan-2024", 100.0),
            ("POS PURCHASE", 400.0),
            ("1,500.00", 1200.0),
            ("8,500.00", 1800.0),
        ],
        &[
            ("05-Jan-2024", 100.0),
            ("TRANSFER IN", 400.0),
            ("2,000.00", 1500.0),
            ("10,500.00", 1800.0),
        ],
    ]);
    assert_eq!(
        amounts(&s),
        [
            ("2024-01-02".to_string(), "-1500.00".to_string()),
            ("2024-01-05".to_string(), "2000.00".to_string())
        ]
    );
}

/// A currency in brackets glued to a column name ("Debit(N)", OCR's reading of "Debit(₦)")
/// leaves the header readable.
#[test]
fn a_currency_glued_to_a_column_name_keeps_the_header() {
    let s = read_rows(&[
        &[
            ("Date", 100.0),
            ("Description", 400.0),
            ("Debit(N)", 1200.0),
            ("Credit(N)", 1400.0),
            ("Balance(N)", 1600.0),
            ("Channel", 1850.0),
        ],
        &[
            ("02-May-2023", 100.0),
            ("Transfer", 400.0),
            ("4,000.00", 1400.0),
            ("4.204.31", 1600.0),
            ("Mobile", 1850.0),
        ],
    ]);
    assert_eq!(
        amounts(&s),
        [("2023-05-02".to_string(), "4000.00".to_string())]
    );
}

/// A speck OCR read as a glyph beside the header ("包" from a watermark on a page scanned upside
/// down) leaves the header readable: PalmPay's names, with two words no kind names ("Transaction
/// Detail", "ID"), are still a header.
#[test]
fn a_speck_beside_the_column_names_keeps_the_header() {
    let page = rows_page(
        &[&[
            ("包", 19.0),
            ("Transaction Date", 105.0),
            ("Transaction Detail", 562.0),
            ("Money In (NGN)", 1037.0),
            ("Money Out (NGN)", 1531.0),
            ("Transaction ID", 1969.0),
        ]],
        |t| t.chars().count() as f32 * 18.0,
        TextSource::TextLayer,
    );
    let rows = crate::cells::rows(&[page]);
    let columns = super::columns::header(&rows[0]).expect("a header");
    assert_eq!(columns.len(), 2);
}

/// A DKB statement: the description column headed "Wir haben für Sie gebucht", money out and in
/// in their own columns, balances with their side as a letter apart ("1.231,76 H EUR", H for
/// Haben), the holder's name at the top and the bank's only in the footer.
#[test]
fn a_statement_with_haben_marked_balances_and_the_bank_in_its_footer() {
    let s = read_rows(&[
        &[("Max Mustermann", 100.0)],
        &[("Schloßallee 42", 100.0)],
        &[(
            "Kontoauszug Nummer 011 / 2020 vom 02.10.2020 bis 02.11.2020",
            100.0,
        )],
        &[
            ("Bu.Tag", 100.0),
            ("Wert", 250.0),
            ("Wir haben für Sie gebucht", 400.0),
            ("Belastung in EUR", 1200.0),
            ("Gutschrift in EUR", 1700.0),
        ],
        &[
            ("29.10.", 100.0),
            ("29.10.", 250.0),
            ("Dauerauftrag", 400.0),
            ("700,00", 1300.0),
        ],
        &[
            ("29.10.", 100.0),
            ("29.10.", 250.0),
            ("Zahlungseingang", 400.0),
            ("750,00", 1800.0),
        ],
        &[("ALTER KONTOSTAND", 100.0), ("1.231,76 H EUR", 700.0)],
        &[("NEUER KONTOSTAND", 100.0), ("1.281,76 H EUR", 700.0)],
        &[],
        &[],
        &[("DEUTSCHE KREDITBANK AG", 100.0), ("Seite 1 von 1", 1700.0)],
    ]);
    assert_eq!(
        amounts(&s),
        [
            ("2020-10-29".to_string(), "-700.00".to_string()),
            ("2020-10-29".to_string(), "750.00".to_string()),
        ]
    );
    assert_eq!(s.opening_balance.unwrap().value, "1231.76");
    assert_eq!(s.closing_balance.unwrap().value, "1281.76");
    assert_eq!(s.bank_name.unwrap().value, "DEUTSCHE KREDITBANK AG");
}

#[test]
fn a_balance_marked_soll_is_overdrawn() {
    assert_eq!(
        crate::fields::accept(HeaderKey::ClosingBalance, "45,10 S", DateOrder::DayFirst).as_deref(),
        Some("-45.10")
    );
    assert_eq!(
        crate::fields::accept(HeaderKey::OpeningBalance, "120.00 CR", DateOrder::DayFirst)
            .as_deref(),
        Some("120.00")
    );
}

/// BancoPosta read by OCR: the amount printed between the dates and the text, right-aligned
/// past its short column name ("1,00" right of "Addebiti").
#[test]
fn an_amount_before_the_text_and_right_of_its_header_is_read() {
    let s = read_rows(&[
        &[
            ("Data", 100.0),
            ("Valuta", 400.0),
            ("Addebiti", 700.0),
            ("Accrediti", 1100.0),
            ("Descrizione", 1700.0),
        ],
        // The opening balance with a table rule read as a bar, its label after it.
        &[
            ("31/07/22", 100.0),
            ("468,80|", 1180.0),
            ("SALDO", 1400.0),
            ("INIZIALE", 1550.0),
        ],
        &[
            ("01/08/22", 100.0),
            ("01/08/22", 400.0),
            ("1.500,00", 1180.0),
            ("BONIFICO", 1400.0),
        ],
        &[
            ("01/08/22", 100.0),
            ("01/08/22", 400.0),
            ("1,00", 870.0),
            ("COMMISSIONE", 1400.0),
            ("RICARICA", 1650.0),
        ],
    ]);
    assert_eq!(
        amounts(&s),
        [
            ("2022-08-01".to_string(), "1500.00".to_string()),
            ("2022-08-01".to_string(), "-1.00".to_string())
        ]
    );
    let texts: Vec<&str> = s
        .transactions
        .iter()
        .map(|t| t.description.value.as_str())
        .collect();
    assert_eq!(texts, ["BONIFICO", "COMMISSIONE RICARICA"]);
    assert_eq!(s.opening_balance.as_ref().unwrap().value, "468.80");
}

/// BancoPosta prints the amount under "Addebiti" before the text, and a card payment's text
/// ends with the time of payment ("PAGAMENTO POS 23/08/2022 19.16"): under a header with
/// money columns, that figure stands under none of them and is text, not the amount.
#[test]
fn a_figure_ending_the_text_outside_the_money_columns_is_not_the_amount() {
    let s = read_rows(&[
        &[
            ("Data", 100.0),
            ("Valuta", 300.0),
            ("Addebiti", 600.0),
            ("Accrediti", 1000.0),
            ("Descrizione operazioni", 1350.0),
        ],
        &[
            ("26/08/22", 100.0),
            ("23/08/22", 300.0),
            ("100,12", 620.0),
            ("PAGAMENTO", 1350.0),
            ("POS", 1530.0),
            ("23/08/2022", 1610.0),
            ("19.16", 1820.0),
        ],
        &[
            ("27/08/22", 100.0),
            ("27/08/22", 300.0),
            ("250,00", 1020.0),
            ("BONIFICO DA ROSSI", 1350.0),
        ],
    ]);
    assert_eq!(
        amounts(&s),
        [
            ("2022-08-26".to_string(), "-100.12".to_string()),
            ("2022-08-27".to_string(), "250.00".to_string()),
        ]
    );
}

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
