use super::*;
use crate::testing::rows_page;
use ledgerline_core::page::TextSource;

pub(super) fn read_rows(rows: &[&[(&str, f32)]]) -> Statement {
    let page = rows_page(
        rows,
        |t| t.chars().count() as f32 * 18.0,
        TextSource::TextLayer,
    );
    read(&crate::cells::rows(&[page]), DateOrder::DayFirst)
}

pub(super) fn amounts(s: &Statement) -> Vec<(String, String)> {
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
