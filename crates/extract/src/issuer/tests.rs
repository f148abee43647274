//! Unit tests of the issuer readers: seller headings, sender lines and names as real pages
//! print them.

use super::*;
use crate::testing::rows_of;
use ledgerline_core::page::{BBox, Line, TextSource};

/// The issuer of an invoice whose page starts with these rows; blank rows and a closing line
/// under them put the rows at the top of a page.
fn letterhead_name(rows: &[&[(&str, f32)]]) -> Option<String> {
    let mut rows = rows.to_vec();
    rows.extend([&[][..]; 12]);
    rows.push(&[("Thank you for your business", 100.0)]);
    let rows = rows_of(&rows);
    issuer(&rows, DateOrder::DayFirst, DocumentKind::Invoice).map(|(n, _)| n.value)
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
        (
            "Lenze B.V. Postbus 3101, 5203 DC 's-Hertogenbosch",
            "Lenze B.V.",
        ),
        ("ACME Ltd P.O. Box 12", "ACME Ltd"),
        ("Kraft GmbH Ringstr. 4, 12345 Ulm", "Kraft GmbH"),
        // A sender line scanned at 100 DPI: the dot after the name lost, the umlaut too.
        (
            "Brandt & Sohne GmbH Lindenallee 59 - 24103 Kiel",
            "Brandt & Sohne GmbH",
        ),
        ("Weber GmbH Werk 2 Nord", "Weber GmbH Werk 2 Nord"),
        (
            "COMPAÑÍA VINÍCOLA DEL NORTE DE ESPAÑA S.A. CTRA. LOGROÑO - LAGUARDIA KM. 4,8 01300",
            "COMPAÑÍA VINÍCOLA DEL NORTE DE ESPAÑA S.A.",
        ),
        ("Müller GmbH & Co. KG", "Müller GmbH & Co. KG"),
        ("Fdo. MERCADONA S.A.", "MERCADONA S.A."),
        ("gez. Müller GmbH", "Müller GmbH"),
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
    // OCR's reading of a photo: the space after the last dash is gone.
    assert_eq!(
        sender("Dachdecker-Einkauf Süd eG - Postfach 710252 -68222 Mannheim").as_deref(),
        Some("Dachdecker-Einkauf Süd eG")
    );
    // Contact details and a name without a postcode last are not a sender line.
    assert_eq!(sender("Tel: 030 1234 · Fax: 030 1235 · 10115 Berlin"), None);
    assert_eq!(sender("Seller Company · Seller St · Seller City"), None);
    // MMW's sender line, set apart by commas; a comma inside a name is no sender line.
    assert_eq!(
        sender("MMW GmbH, Lindenstrasse 16-22, 73333 Gingen").as_deref(),
        Some("MMW GmbH")
    );
    assert_eq!(sender("Acme, Inc., Suite 5"), None);
    // A photo's OCR dropped the space after the last comma.
    assert_eq!(
        sender("Mercedes-Benz Heritage GmbH, 613-L039,70546 Stuttgart").as_deref(),
        Some("Mercedes-Benz Heritage GmbH")
    );
}

#[test]
fn a_seller_heading_is_read_whatever_accents_ocr_kept() {
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
}

#[test]
fn a_seller_heading_beside_the_buyers_names_the_column_under_it() {
    let rows = rows_of(&[
        &[
            ("Verkäufer", 100.0),
            ("Käufer / Leistungsempfänger", 1200.0),
        ],
        &[
            ("MUSTERLIEFERANT GMBH", 100.0),
            ("MUSTER-KUNDE GMBH", 1200.0),
        ],
        &[("BAHNHOFSTRASSE 99", 100.0), ("KUNDENWEG 88", 1200.0)],
        &[
            ("DE 99199 MUSTERHAUSEN", 100.0),
            ("DE 40235 DUESSELDORF", 1200.0),
        ],
    ]);
    assert_eq!(
        labelled_seller(&rows).map(|f| f.value).as_deref(),
        Some("MUSTERLIEFERANT GMBH")
    );
    // A labelled value under the heading is not a name.
    let rows = rows_of(&[
        &[("Verkäufer", 100.0), ("Käufer", 1200.0)],
        &[("USt-IdNr: DE123456789", 100.0), ("Kunde AG", 1200.0)],
    ]);
    assert_eq!(labelled_seller(&rows), None);
}

#[test]
fn a_letterhead_gives_way_to_the_name_heading_its_postal_address() {
    // All lines are the same size here, so the first one is the heading.
    assert_eq!(
        letterhead_name(&[
            &[("LOGO LE FOURNISSEUR", 100.0)],
            &[("SELLER TRADE NAME", 100.0)],
            &[("LE FOURNISSEUR", 100.0)],
            &[("35 rue d'ici", 100.0)],
            &[("75018 PARIS, FR", 100.0)],
        ])
        .as_deref(),
        Some("LE FOURNISSEUR")
    );
    // A logo's brand gives way to the full name heading the address.
    assert_eq!(
        letterhead_name(&[
            &[("Akretion", 100.0)],
            &[("Akretion France", 100.0)],
            &[("27 rue Henri Rolland", 100.0)],
            &[("69100 Villeurbanne", 100.0)],
        ])
        .as_deref(),
        Some("Akretion France")
    );
    // Wherever the logo sits.
    assert_eq!(
        letterhead_name(&[
            &[("CENTRE COM", 420.0), ("Tax Invoice", 1750.0)],
            &[("CENTRE COM HAWTHORN PTY LTD", 170.0), ("Bill To:", 920.0)],
            &[("497 Burwood Road", 170.0), ("cash sales", 913.0)],
            &[("Hawthorn VIC 3122", 170.0)],
        ])
        .as_deref(),
        Some("CENTRE COM HAWTHORN PTY LTD")
    );
    // Without a postal address under it, a line that repeats part of the heading is not the name.
    assert_eq!(
        letterhead_name(&[
            &[("Blue Harbour Consulting", 100.0)],
            &[("Consulting", 100.0)],
            &[("Engineering and design", 100.0)],
        ])
        .as_deref(),
        Some("Blue Harbour Consulting")
    );
}

#[test]
fn a_reference_printed_large_is_not_the_issuer() {
    assert!(is_reference("UC1_2023020_AFF"));
    assert!(is_reference("R87654321"));
    assert!(!is_reference("7-ELEVEN"));
    assert!(!is_reference("Station 21 GmbH"));
    assert!(is_postal_line("75018 PARIS, FR"));
    assert!(is_postal_line("DE 99199 MUSTERHAUSEN"));
    assert!(is_postal_line("D-10115 Berlin"));
    assert!(!is_postal_line("Tel 0301 234"));
    assert!(is_postal_line("35 rue d'ici, 75018 Paris"));
    assert!(!is_postal_line("Invoice 2024 total"));
}

#[test]
fn spanish_letterheads_name_their_issuer() {
    // "S.L." is a legal form whatever its dots; a web address printed large is no name.
    assert!(has_legal_form("DE LUIS SABORES UNICOS S.L."));
    assert!(has_legal_form("DIT IS EEN TEST Electronica B.V."));
    assert!(!has_legal_form("Salsa de tomate"));
    assert_eq!(
        letterhead_name(&[
            &[("DE LUIS SABORES UNICOS S.L.", 1500.0)],
            &[("C/ Sabadell, 2 y 4", 1500.0)],
            &[("www.jamonesliebana.com", 1500.0)],
        ])
        .as_deref(),
        Some("DE LUIS SABORES UNICOS S.L.")
    );
    // A name over two lines, its legal form on the second.
    assert_eq!(
        letterhead_name(&[
            &[
                ("GRUPO TERRITORIO", 400.0),
                ("NÚMERO DE FACTURA: 134116", 1450.0)
            ],
            &[("CAMPERO S.L.", 450.0)],
            &[("CIF: B16690141", 430.0)],
        ])
        .as_deref(),
        Some("GRUPO TERRITORIO CAMPERO S.L.")
    );
}

#[test]
fn a_second_seller_heading_under_the_first_is_passed_over() {
    let rows = rows_of(&[
        &[("Leverancier", 100.0), ("Debiteurennummer: EEF1G", 1300.0)],
        &[("Factuurnummer: 1587968432", 1300.0)],
        &[
            ("Crediteur", 100.0),
            ("BTW Nummer: BE1707 723 123 B01", 1300.0),
        ],
        &[
            ("DIT IS EEN TEST Electronica B.V.", 100.0),
            ("IBAN: BE61", 1300.0),
        ],
        &[("Postbus 9000", 100.0)],
    ]);
    assert_eq!(
        labelled_seller(&rows).map(|f| f.value).as_deref(),
        Some("DIT IS EEN TEST Electronica B.V.")
    );
}

#[test]
fn the_customer_printed_at_the_top_is_not_the_issuer() {
    // An online service's invoice: the customer's company first, under "To", and the issuer's
    // own name only in the footer, after a sentence that also mentions it.
    let rows: &[&[(&str, f32)]] = &[
        &[("Invoice FI15636047324", 100.0)],
        &[("To", 100.0), ("Date issued", 1200.0)],
        &[("SimFin Analytics GmbH", 100.0), ("Mar 4, 2023", 1200.0)],
        &[("Felix Wolf", 100.0)],
        &[("Pfälzer Ufer 4", 100.0)],
        &[("Service", 100.0), ("Total (EUR)", 1200.0)],
        &[("Infographic Design", 100.0), ("197.28", 1200.0)],
        &[("Purchased on Fiverr.com through Fiverr Limited", 100.0)],
        &[("Fiverr International Ltd.", 100.0)],
        &[("8 Eliezer Kaplan St., Tel Aviv, Israel 6473409", 100.0)],
    ];
    assert_eq!(
        letterhead_name(rows).as_deref(),
        Some("Fiverr International Ltd.")
    );
    // Without the customer's heading the site's domain still names the issuer...
    let mut unlabelled = rows.to_vec();
    unlabelled[1] = &[("Date issued", 1200.0)];
    assert_eq!(
        letterhead_name(&unlabelled).as_deref(),
        Some("Fiverr Limited")
    );
    // ...and without the domain too, the page keeps its letterhead reading: a company printed
    // first may well be the issuer.
    unlabelled[7] = &[("Purchased through Fiverr Limited", 100.0)];
    assert_eq!(
        letterhead_name(&unlabelled).as_deref(),
        Some("SimFin Analytics GmbH")
    );
}

#[test]
fn a_seller_heading_beside_the_customers_names_its_column() {
    let name = |rows: &[&[(&str, f32)]]| labelled_seller(&rows_of(rows)).map(|f| f.value);
    assert_eq!(
        name(&[
            &[("BILLED TO:", 100.0), ("PRODUCT(S) PROVIDED BY:", 1200.0)],
            &[("Felix Wolf", 100.0)],
            &[("SimFin Analytics GmbH", 100.0)],
            &[("Pfälzer Ufer 4", 100.0), ("Semrush Inc.", 1200.0)],
            &[("Halle 06108", 100.0), ("www.semrush.com", 1200.0)],
        ])
        .as_deref(),
        Some("Semrush Inc.")
    );
}

#[test]
fn a_sections_heading_set_as_large_as_a_name_is_not_the_issuer() {
    for heading in ["Summary", "Invoice details", "Übersicht"] {
        assert_eq!(
            letterhead_name(&[
                &[(heading, 100.0)],
                &[("Acme Widgets", 100.0)],
                &[("12 High Street", 100.0)],
            ])
            .as_deref(),
            Some("Acme Widgets"),
            "{heading}"
        );
    }
}

#[test]
fn a_label_and_its_value_in_one_cell_is_not_the_issuer() {
    // Bouygues Telecom's header box, its name only in the logo: no name rather than a value.
    assert_eq!(
        letterhead_name(&[
            &[("Fin d’engagement : Date échue", 100.0)],
            &[("N° de compte client : 1.40660897", 100.0)],
        ]),
        None
    );
    assert!(is_labelled_value("Kundennr.: A-17"));
    assert!(!is_labelled_value("ACME:") && !is_labelled_value("Acme Widgets"));
    assert!(!is_labelled_value(
        "GARDENIA BAKERIES (KL) SDN BHD Tel: 03-55423228"
    ));
}

#[test]
fn a_heading_with_the_number_or_a_bare_label_is_not_the_issuer() {
    // A photo of ELECTRO OUEST's invoice: its heading and the fax label box taller than the
    // name, as OCR's boxes go.
    for first in ["FACTURE N°052273", "Invoice 2024-17", "Fax:", "Banque :"] {
        assert_eq!(
            letterhead_name(&[&[(first, 100.0)], &[("ELECTRO OUEST", 100.0)]]).as_deref(),
            Some("ELECTRO OUEST"),
            "{first}"
        );
    }
    assert!(is_numbered_heading("FACTURE N°052273"));
    assert!(!is_numbered_heading("Invoice Ninja") && !is_numbered_heading("Facture"));
}

#[test]
fn a_name_only_in_the_logo_is_spelled_by_the_domain() {
    // Bouygues Telecom's bill: the top of the page holds only labelled values; the name is in
    // the logo, in a sentence and in the site's address.
    let name = letterhead_name(&[
        &[("Date de facture : 02/11/2019", 127.0)],
        &[("Fin d'engagement : Date échue", 127.0)],
        &[("M DE LATTRE ALEXIS", 1322.0)],
        &[(
            "(**) La TVA n'est pas collectée par Bouygues Telecom.",
            217.0,
        )],
        &[("Rendez-vous sur bouyguestelecom.fr.", 217.0)],
    ]);
    assert_eq!(name.as_deref(), Some("Bouygues Telecom"));
}

#[test]
fn a_customer_printed_first_without_a_heading_gives_way_to_the_company_the_domain_spells() {
    // A wholesaler whose name is only in its logo: the customer's block heads the text, and
    // the footer signs with the company that the site and mail address spell.
    let rows: &[&[(&str, f32)]] = &[
        &[("Fiscal TASCA BAREA S.L", 1400.0)],
        &[("Calle Rodas 2", 1400.0)],
        &[("28005 MADRID", 1400.0)],
        &[("www.fabeiro.com", 100.0)],
        &[("administracion@fabeiroiberico.com", 100.0)],
        &[("Fabeiro S.L. - Avda. de la Coruña 3, Tordesillas", 100.0)],
    ];
    assert_eq!(letterhead_name(rows).as_deref(), Some("Fabeiro S.L."));
    // Without the domain nothing contradicts the first name.
    let mut plain = rows.to_vec();
    plain[3] = &[("Tel. 983 770 114", 100.0)];
    plain[4] = &[("Fax 983 770 115", 100.0)];
    assert_eq!(
        letterhead_name(&plain).as_deref(),
        Some("Fiscal TASCA BAREA S.L")
    );
    // A name the domain spells in part agrees with it.
    let mut agreeing = rows.to_vec();
    agreeing[0] = &[("Embutidos Fabeiro S.L.", 100.0)];
    assert_eq!(
        letterhead_name(&agreeing).as_deref(),
        Some("Embutidos Fabeiro S.L.")
    );
}

#[test]
fn a_domain_that_spells_part_of_a_company_s_name_points_to_it() {
    // The customer's block printed first under a customer-number box; the wholesaler's mail
    // address spells one word of its name.
    let rows: &[&[(&str, f32)]] = &[
        &[("CLIENTE Nº. 15301", 1900.0)],
        &[("TASCA BAREA SLL", 1450.0)],
        &[("LICORES MADRUEÑO S.L.", 150.0), ("C/ RODAS, 2", 1450.0)],
        &[("C/ CALATRAVA 19 28005 MADRID", 150.0)],
        &[("91 752 48 80 - comercial@marianomadrueno.es", 150.0)],
    ];
    assert_eq!(
        letterhead_name(rows).as_deref(),
        Some("LICORES MADRUEÑO S.L.")
    );
    // OCR glued the name's words: the run it shares with the domain still points to it.
    let mut glued = rows.to_vec();
    glued[2] = &[("LICORESMADRUEÑO S.L.", 150.0), ("C/ RODAS, 2", 1450.0)];
    assert_eq!(
        letterhead_name(&glued).as_deref(),
        Some("LICORESMADRUEÑO S.L.")
    );
    // A second domain (the customer's) makes a part of a word too weak a sign.
    let mut two = rows.to_vec();
    two[3] = &[("pedidos@tascabarea.es", 150.0)];
    assert_eq!(letterhead_name(&two).as_deref(), Some("TASCA BAREA SLL"));
}

#[test]
fn a_name_alone_on_its_line_that_the_domain_spells_overrules_a_bare_name() {
    // A browser's title in the margin spells the domain too, but only the line under
    // "Address" is the name alone.
    let rows: &[&[(&str, f32)]] = &[
        &[("Invoice | TeamGantt", 1260.0)],
        &[("11/5/23", 100.0)],
        &[("SimFin", 100.0)],
        &[("Invoice ID #4hrb48vz", 100.0)],
        &[("Please contact billing@teamgantt.com", 100.0)],
        &[("Address", 100.0)],
        &[("TeamGantt", 100.0)],
        &[("1810 J York Road", 100.0)],
    ];
    assert_eq!(letterhead_name(rows).as_deref(), Some("TeamGantt"));
    // A company named with its legal form keeps its name against a bare brand.
    let mut company = rows.to_vec();
    company[2] = &[("SimFin Analytics GmbH", 100.0)];
    assert_eq!(
        letterhead_name(&company).as_deref(),
        Some("SimFin Analytics GmbH")
    );
}

#[test]
fn a_clerk_named_under_issued_by_gives_way_to_the_company() {
    let rows = rows_of(&[
        &[("Invoice No. 15293", 100.0)],
        &[("Invoice issued by:", 100.0)],
        &[("Mihkel Kabel", 100.0)],
        &[
            ("Sound and Vision OÜ", 100.0),
            ("Phone: +3726512238", 900.0),
        ],
        &[
            ("Laki põik 6", 100.0),
            ("E-mail: info@soundandvision.ee", 900.0),
        ],
    ]);
    let name = issuer(&rows, DateOrder::DayFirst, DocumentKind::Invoice).map(|(n, _)| n.value);
    assert_eq!(name.as_deref(), Some("Sound and Vision OÜ"));
}

#[test]
fn a_customer_heading_beside_its_name_marks_the_block() {
    // Estonian: "Klient" to the left of the customer's name, the issuer printed above both.
    let rows = rows_of(&[
        &[
            ("AS Kaupmees & Ko", 100.0),
            ("Kreeditarve LKR824191", 1700.0),
        ],
        &[("Klient", 100.0), ("FLIIS TRADE OÜ", 400.0)],
        &[("Liivalao tn 14, 11216, TALLINN", 400.0)],
    ]);
    let buyer = Buyer::find(&rows);
    let cell = |text: &str| {
        rows.iter()
            .flat_map(|r| r.cells.iter())
            .find(|c| c.text == text)
            .cloned()
            .unwrap_or_else(|| panic!("no cell {text}"))
    };
    assert!(buyer.names(&cell("FLIIS TRADE OÜ")));
    assert!(buyer.names(&cell("Liivalao tn 14, 11216, TALLINN")));
    assert!(!buyer.names(&cell("AS Kaupmees & Ko")));
    assert!(is_legal_form("OÜ") && is_legal_form("UAB") && !is_legal_form("as"));
}

#[test]
fn a_name_over_two_ocr_lines_is_joined_but_not_a_sentence_or_heading_above_it() {
    // OCR boxes overlap a little: "GRUPO TERRITORIO" ends below where "CAMPERO S.L." starts.
    let name = |above: &str, gap: f32| {
        let line = |text: &str, y0: f32, height: f32| Line {
            text: text.to_string(),
            bbox: BBox::new(100.0, y0, 100.0 + 9.0 * text.len() as f32, y0 + height),
            confidence: 1.0,
            source: TextSource::Ocr,
            region: None,
            words: Vec::new(),
        };
        let mut page = crate::testing::rows_page(&[], |t| 9.0 * t.len() as f32, TextSource::Ocr);
        page.lines = vec![
            line(above, 100.0, 54.0),
            line("CAMPERO S.L.", 154.0 + gap, 54.0),
            line("Thank you", 900.0, 30.0),
        ];
        let rows = crate::cells::rows(&[page]);
        issuer(&rows, DateOrder::DayFirst, DocumentKind::Invoice).map(|(n, _)| n.value)
    };
    assert_eq!(
        name("GRUPO TERRITORIO", -4.0).as_deref(),
        Some("GRUPO TERRITORIO CAMPERO S.L.")
    );
    assert_eq!(
        name("Factura verificable en la sede electrónica", 0.0).as_deref(),
        Some("CAMPERO S.L.")
    );
    assert_eq!(name("Dati fornitore", 0.0).as_deref(), Some("CAMPERO S.L."));
}

#[test]
fn a_browsers_header_in_the_top_margin_is_no_part_of_the_letterhead() {
    // A web invoice printed from a browser and scanned: the browser's header line at the very
    // top, the logo read as a large word, then the company with its legal form.
    let mut rows: Vec<&[(&str, f32)]> = vec![
        &[("I Indeed.com", 165.0)],
        &[("Rechnung I", 0.0)],
        &[("indeed", 170.0)],
        &[("Indeed Ireland Operations Ltd", 164.0)],
        &[("124 St. Stephen's Green", 169.0)],
    ];
    rows.extend([&[][..]; 40]);
    rows.push(&[("Thank you for your business", 100.0)]);
    let mut rows = rows_of(&rows);
    for margin in &mut rows[..2] {
        margin.cells[0].bbox.y0 = 0.0;
        margin.cells[0].bbox.y1 = 40.0;
    }
    rows[2].cells[0].bbox.y1 = rows[2].cells[0].bbox.y0 + 90.0;
    let name = issuer(&rows, DateOrder::DayFirst, DocumentKind::Invoice).map(|(n, _)| n.value);
    assert_eq!(name.as_deref(), Some("Indeed Ireland Operations Ltd"));
}

#[test]
fn a_name_s_first_word_boxed_apart_by_ocr_is_joined_in_the_name_s_case() {
    // A photographed letterhead: the first word a little smaller, right against the rest.
    let name = |first: &str, gap: f32| {
        let line = |text: &str, x0: f32, y0: f32, y1: f32| Line {
            text: text.to_string(),
            bbox: BBox::new(x0, y0, x0 + 35.0 * text.len() as f32, y1),
            confidence: 1.0,
            source: TextSource::Ocr,
            region: None,
            words: Vec::new(),
        };
        let mut page = crate::testing::rows_page(&[], |t| 9.0 * t.len() as f32, TextSource::Ocr);
        let end = 89.0 + 35.0 * first.len() as f32;
        page.lines = vec![
            line(first, 89.0, 305.0, 362.0),
            line("EMPRENDEDORES S.L.", end + gap, 278.0, 388.0),
            line("CALLE EMBAJADORES, 50", 89.0, 463.0, 530.0),
            line("28005 MADRID", 89.0, 553.0, 620.0),
            line("Thank you", 89.0, 3000.0, 3040.0),
        ];
        let rows = crate::cells::rows(&[page]);
        issuer(&rows, DateOrder::DayFirst, DocumentKind::Invoice).map(|(n, _)| n.value)
    };
    assert_eq!(
        name("TMELUZ", 2.0).as_deref(),
        Some("TMELUZ EMPRENDEDORES S.L.")
    );
    // Not a word in another case, nor one a gap away.
    assert_eq!(name("Von", 2.0).as_deref(), Some("EMPRENDEDORES S.L."));
    assert_eq!(name("TMELUZ", 60.0).as_deref(), Some("EMPRENDEDORES S.L."));
}

#[test]
fn a_logo_read_in_part_gives_way_to_the_full_name_printed_under_it() {
    assert_eq!(
        letterhead_name(&[
            &[("ERVEZA, S.L.", 248.0)],
            &[
                ("CERES CERVEZA S.L.", 124.0),
                ("TASCA BAREA S.L.L.", 1375.0)
            ],
            &[("P.EMP. MARCONI NEISA SUR", 122.0), ("RODAS 2", 1372.0)],
            &[("AV.ANDALUCIA 10.50 28021 MADRID", 121.0)],
        ])
        .as_deref(),
        Some("CERES CERVEZA S.L.")
    );
    // A company under the issuer's name that does not hold it is someone else.
    assert_eq!(
        letterhead_name(&[
            &[("CERVEZA, S.L.", 248.0)],
            &[("TASCA BAREA S.L.L.", 124.0)],
            &[("RODAS 2", 122.0)],
        ])
        .as_deref(),
        Some("CERVEZA, S.L.")
    );
}

/// A statement whose first lines name only the holder and the document takes the bank's
/// registered name from the line it signs with, where the name ends in its legal form.
#[test]
fn a_statement_without_a_bank_line_takes_the_registered_name() {
    let bank = |last: &str| {
        let rows = rows_of(&[
            &[("Your Statement", 1800.0)],
            &[("Mr Z Testname", 250.0)],
            &[("Account Summary", 1500.0)],
            &[(last, 200.0)],
        ]);
        issuer(&rows, DateOrder::DayFirst, DocumentKind::BankStatement).map(|(n, _)| n.value)
    };
    assert_eq!(
        bank("HSBC UK Bank plc, registered in England and Wales number 09928412.").as_deref(),
        Some("HSBC UK Bank plc")
    );
    // A line that goes on after the legal form says more than the name, and is not taken
    // for it (the first page's reading stands).
    let rows = rows_of(&[&[("Poste Italiane S.p.A. - Patrimonio BancoPosta", 200.0)]]);
    assert!(bank::registered_name(&rows, has_legal_form).is_none());
}

/// Andereggen's Argentine invoice addresses its customer with the name in the label's cell
/// ("Señor/es: SEGUROS LA SEGUNDA"), in larger type than the issuer's name above it.
#[test]
fn a_customer_named_in_its_labels_cell_is_not_the_issuer() {
    let buyer = Buyer::find(&rows_of(&[
        &[("OSCAR ALFREDO ANDEREGGEN", 20.0)],
        &[
            ("Señor/es: SEGUROS LA SEGUNDA", 20.0),
            ("Cuenta Nro.:", 400.0),
        ],
        &[("Domicilio: Calle J.M. ROSAS 957", 20.0)],
    ]));
    let cell = |text: &str| Cell {
        text: text.to_string(),
        bbox: BBox::new(20.0, 0.0, 200.0, 10.0),
        confidence: 1.0,
        page: 0,
        words: vec![],
    };
    assert!(buyer.names(&cell("Señor/es: SEGUROS LA SEGUNDA")));
    assert!(!buyer.names(&cell("OSCAR ALFREDO ANDEREGGEN")));
}

/// SIG's water bill heads its letterhead with the customer service before the company.
#[test]
fn a_department_heading_the_letterhead_gives_way_to_the_company_under_it() {
    assert_eq!(
        letterhead_name(&[
            &[("Service Clients SIG", 60.0)],
            &[("Services Industriels de Genève", 60.0)],
            &[("Case postale 2777", 60.0)],
            &[("1211 Genève 2", 60.0)],
        ])
        .as_deref(),
        Some("Services Industriels de Genève")
    );
}
