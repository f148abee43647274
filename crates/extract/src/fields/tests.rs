//! Unit tests of the header-field readers: titles, labels, names and dates as real pages print
//! them.

use super::*;

#[test]
fn a_currency_symbol_read_as_a_letter_is_dropped_before_the_digits() {
    assert_eq!(
        without_misread_symbol("(E41,626.24)").as_deref(),
        Some("(41,626.24)")
    );
    assert_eq!(without_misread_symbol("S12.00").as_deref(), Some("12.00"));
    assert_eq!(without_misread_symbol("-E5.00").as_deref(), Some("-5.00"));
    assert_eq!(without_misread_symbol("EUR"), None);
    assert_eq!(without_misread_symbol("X12.00"), None);
}

#[test]
fn a_heading_read_without_its_spaces_still_gives_the_number() {
    assert_eq!(
        unglue_heading("Handelsrechnung (380) Nr.E2018092011804 vom 20.09.2018"),
        "Handelsrechnung (380) Nr. E2018092011804 vom 20.09.2018"
    );
    assert_eq!(
        unglue_heading("FactureFA-2017-0010"),
        "Facture FA-2017-0010"
    );
    for kept in [
        "Rechnungsnummer",
        "Facturation",
        "Nr. 4711",
        "Invoices",
        "Nr.5",
    ] {
        assert_eq!(unglue_heading(kept), kept);
    }
    // Letters whose lower case has another length in bytes, by a mark or title: split or
    // not, never cut inside a character.
    for odd in ["Nr.ẞ5ab", "İnvoice12", "RECHNUNGẞ12", "ẞNr.12", "nº١٢٣٤"] {
        assert_eq!(unglue_heading(odd).replace(' ', ""), odd);
    }
}

#[test]
fn an_address_run_on_after_the_legal_form_is_cut() {
    for (read, name) in [
        (
            "Au bon moulin SARL -1242 chemin de I'olive-84340 Malaucène -France",
            "Au bon moulin SARL",
        ),
        (
            "Au bon moulin SARL- 1242 chemin de Iolve",
            "Au bon moulin SARL",
        ),
        ("ACME GmbH, Hauptstraße 5", "ACME GmbH"),
        ("Müller GmbH 10115 Berlin", "Müller GmbH"),
        ("Global Goods Inc.", "Global Goods Inc."),
        ("SARL Dupont et Fils", "SARL Dupont et Fils"),
        (
            "Smith & Co Ltd trading as Smithy",
            "Smith & Co Ltd trading as Smithy",
        ),
    ] {
        assert_eq!(clean_name(read), name, "{read}");
    }
}

#[test]
fn due_on_receipt_is_a_payment_term_not_a_due_date_label() {
    assert!(!is_label(HeaderKey::PaymentTerms, "Due on receipt"));
    assert!(is_label(HeaderKey::PaymentTerms, "Due date:"));
    assert!(is_label(HeaderKey::PaymentTerms, "Due 14/06/2026"));
    assert!(is_label(HeaderKey::InvoiceDate, "Due on receipt"));
    assert!(!is_label(HeaderKey::PaymentTerms, "Net 30"));
}

fn titled(rows: &[&[(&str, f32)]]) -> Option<String> {
    titled_number(&rows_of(rows), DateOrder::DayFirst).map(|f| f.value)
}

#[test]
fn a_title_alone_with_a_code_is_the_documents_number() {
    assert_eq!(
        titled(&[&[("Facture FA-2017-0009", 100.0)]]).as_deref(),
        Some("FA-2017-0009")
    );
    assert_eq!(
        titled(&[&[(
            "Invoice information for accounting purposes (751) Nr. 4711",
            100.0
        )]])
        .as_deref(),
        Some("4711")
    );
    // An amount or a date after the title is not its number.
    assert_eq!(titled(&[&[("Rechnung 1.234,56", 100.0)]]), None);
    assert_eq!(titled(&[&[("Facture 12/03/2024", 100.0)]]), None);
    assert_eq!(titled(&[&[("Invoice total", 100.0)]]), None);
}

fn rows_of(rows: &[&[(&str, f32)]]) -> Vec<Row> {
    use ledgerline_core::page::TextSource;
    let page = crate::testing::rows_page(rows, |t| 9.0 * t.len() as f32, TextSource::TextLayer);
    crate::cells::rows(&[page])
}

#[test]
fn a_heading_that_wraps_before_its_date_gives_the_date_on_the_next_line() {
    let rows = rows_of(&[
        &[(
            "VERSICHERUNGSRECHNUNG (575) Nr. 01.234.567.8-2018-1 vom",
            100.0,
        )],
        &[("06.12.2018", 100.0)],
    ]);
    let number = titled_number(&rows, DateOrder::DayFirst).unwrap();
    assert_eq!(number.value, "01.234.567.8-2018-1");
    let date = titled_date(&rows, &number, DateOrder::DayFirst).unwrap();
    assert_eq!(date.value, "2018-12-06");
    // Without the joining word the next line's date is someone else's.
    let rows = rows_of(&[&[("Rechnung Nr. 4711", 100.0)], &[("06.12.2018", 100.0)]]);
    let number = titled_number(&rows, DateOrder::DayFirst).unwrap();
    assert!(titled_date(&rows, &number, DateOrder::DayFirst).is_none());
}

#[test]
fn a_sellers_name_over_two_lines_is_read_whole() {
    let name = |rows: &[&[(&str, f32)]]| labelled_seller(&rows_of(rows)).map(|f| f.value);
    // The label beside the second line.
    assert_eq!(
        name(&[
            &[("Verkäufer", 100.0)],
            &[("Nummer:", 100.0), ("549910", 1000.0)],
            &[("MVM Musterhafter", 1000.0)],
            &[
                ("Name:", 100.0),
                ("Versicherungsverein Musterstadt a.G.", 1000.0)
            ],
        ])
        .as_deref(),
        Some("MVM Musterhafter Versicherungsverein Musterstadt a.G.")
    );
    // No label: the line without a legal form goes on to the one ending in it.
    assert_eq!(
        name(&[
            &[("Verkäufer:", 100.0)],
            &[("MVM Musterhafter", 100.0)],
            &[("Versicherungsverein Musterstadt a.G.", 100.0)],
            &[("Musterstr. 12", 100.0)],
        ])
        .as_deref(),
        Some("MVM Musterhafter Versicherungsverein Musterstadt a.G.")
    );
    // A street under a complete name is not part of it.
    assert_eq!(
        name(&[
            &[("Verkäufer:", 100.0)],
            &[("Lieferant GmbH", 100.0)],
            &[("Lieferantenstraße 20", 100.0)],
        ])
        .as_deref(),
        Some("Lieferant GmbH")
    );
}

#[test]
fn a_name_in_fullwidth_brackets_loses_its_registration_number() {
    assert_eq!(clean_name("AEON C0.（M)BHD（126926-H)"), "AEON C0. (M) BHD");
    assert_eq!(clean_name("ABC(M)SDN BHD"), "ABC (M) SDN BHD");
    assert_eq!(clean_name("Café Crème SARL"), "Café Crème SARL");
}

#[test]
fn a_sender_line_names_the_issuer_by_its_shape_or_its_legal_form() {
    let sender = |line: &str| {
        // The sender line sits above the addressee's block, which the issuer rule must not pick.
        sender_line(&rows_of(&[
            &[(line, 100.0)],
            &[("Buyer Company", 100.0)],
            &[("456 Buyer St", 100.0)],
            &[("67890 Buyer City", 100.0)],
        ]))
        .map(|f| f.value)
    };
    assert_eq!(
        sender("Seller Company · 123 Seller St · Suite 100 · 12345 Seller City").as_deref(),
        Some("Seller Company")
    );
    assert_eq!(
        sender("ING-DiBa AG · 60628 Frankfurt am Main").as_deref(),
        Some("ING-DiBa AG")
    );
    // Contact details and a name without a postcode last are not a sender line.
    assert_eq!(sender("Tel: 030 1234 · Fax: 030 1235 · 10115 Berlin"), None);
    assert_eq!(sender("Seller Company · Seller St · Seller City"), None);
}

#[test]
fn labels_are_read_whatever_accents_ocr_kept() {
    // OCR read "Verkäufer:" without its umlaut; the seller block still names the issuer.
    let rows = rows_of(&[
        &[("Verkaufer:", 100.0)],
        &[("Nummer", 100.0), (": 549910", 500.0)],
        &[("Muster Versicherungsverein a.G.", 100.0)],
        &[("Musterstr. 12", 100.0)],
    ]);
    assert_eq!(
        labelled_seller(&rows).map(|f| f.value).as_deref(),
        Some("Muster Versicherungsverein a.G.")
    );
    let cell = |text: &str| rows_of(&[&[(text, 100.0)]])[0].cells[0].clone();
    assert_eq!(
        label_of(&cell("NET A PAYER")).map(|l| l.0),
        Some(HeaderKey::AmountDue)
    );
    assert_eq!(
        label_of(&cell("Montant deja paye :")).map(|l| l.0),
        Some(HeaderKey::Prepaid)
    );
}
