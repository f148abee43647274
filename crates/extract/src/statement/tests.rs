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
