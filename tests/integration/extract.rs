//! Understanding documents: the Extract and ExtractStream RPCs end to end on fixture documents
//! with the real models, and extraction's behaviour on pages that hold no invoice.

use crate::common;

use std::path::Path;

use common::TestServer;
use ledgerline::lines::{self, DocumentKind};
use ledgerline::page::{BBox, Line, Page, TextSource, Word};
use ledgerline::proto::v1 as pb;
use tonic::Code;

fn request(file: &str, media_type: &str) -> pb::ExtractRequest {
    pb::ExtractRequest {
        document: Some(pb::Document {
            content: std::fs::read(common::documents().join(file)).unwrap(),
            media_type: media_type.into(),
            external_id: file.into(),
            password: String::new(),
        }),
        company: Some(pb::CompanyRef {
            company_id: "acme".into(),
            entity_id: String::new(),
        }),
        options: None,
    }
}

fn truth(id: &str) -> serde_json::Value {
    serde_json::from_str(
        &std::fs::read_to_string(common::documents().join(format!("{id}.json"))).unwrap(),
    )
    .unwrap()
}

#[tokio::test]
async fn extract_reads_an_invoice_with_its_fields_lines_and_checks() {
    let server = TestServer::start(|_| {}).await;
    let mut client =
        pb::extraction_service_client::ExtractionServiceClient::new(server.channel().await);
    let id = "inv-classic-006";
    let response = client
        .extract(request(&format!("{id}.pdf"), "application/pdf"))
        .await
        .unwrap()
        .into_inner();
    let truth = truth(id);
    assert_eq!(response.kind, pb::DocumentKind::Invoice as i32);
    assert_eq!(response.external_id, format!("{id}.pdf"));
    assert_eq!(response.document_id.len(), 64);
    let Some(pb::extract_response::Record::Invoice(invoice)) = response.record else {
        panic!("no invoice")
    };
    let value = |f: &Option<pb::Field>| f.as_ref().map(|f| f.value.clone()).unwrap_or_default();
    assert_eq!(
        value(&invoice.invoice_number),
        truth["fields"]["invoice_number"].as_str().unwrap()
    );
    assert_eq!(
        value(&invoice.invoice_date),
        truth["fields"]["invoice_date"].as_str().unwrap()
    );
    assert_eq!(
        value(&invoice.vendor_name),
        truth["fields"]["vendor_name"].as_str().unwrap()
    );
    let total: rust_decimal::Decimal = value(&invoice.total).parse().unwrap();
    assert_eq!(
        total,
        truth["fields"]["total"].as_str().unwrap().parse().unwrap()
    );
    assert_eq!(
        invoice.lines.len(),
        truth["lines"].as_array().unwrap().len()
    );
    assert!(
        !response.checks.is_empty() && response.checks.iter().all(|c| c.passed),
        "{:?}",
        response.checks
    );
    assert!(!response.pages.is_empty() && !response.pages[0].lines.is_empty());
    server.stop().await.unwrap();
}

#[tokio::test]
async fn extract_refuses_bad_requests_with_typed_statuses() {
    let server = TestServer::start(|_| {}).await;
    let mut client =
        pb::extraction_service_client::ExtractionServiceClient::new(server.channel().await);
    let mut wrong_type = request("inv-classic-001.pdf", "text/html");
    let status = client.extract(wrong_type.clone()).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(
        status.message().contains("unsupported media type"),
        "{}",
        status.message()
    );
    wrong_type.document.as_mut().unwrap().media_type = "image/png".into();
    let status = client.extract(wrong_type).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    let mut no_company = request("inv-classic-001.pdf", "application/pdf");
    no_company.company = None;
    assert_eq!(
        client.extract(no_company).await.unwrap_err().code(),
        Code::InvalidArgument
    );
    // A company this server has never been set up for is NOT_FOUND, as the proto promises.
    let mut unknown = request("inv-classic-001.pdf", "application/pdf");
    unknown.company.as_mut().unwrap().company_id = "acme-typo".into();
    let status = client.extract(unknown).await.unwrap_err();
    assert_eq!(status.code(), Code::NotFound, "{}", status.message());
    assert!(
        status.message().contains("\"acme-typo\" is not set up"),
        "{}",
        status.message()
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn extract_stream_keeps_caller_ids_and_survives_a_bad_document() {
    let server = TestServer::start(|_| {}).await;
    let mut client =
        pb::extraction_service_client::ExtractionServiceClient::new(server.channel().await);
    let mut garbage = request("inv-classic-001.pdf", "application/pdf");
    garbage.document.as_mut().unwrap().content = b"%PDF-1.7 truncated".to_vec();
    let items = vec![
        ("a", request("inv-compact-004.pdf", "application/pdf")),
        ("bad", garbage),
        ("b", request("stm-classic-001.pdf", "application/pdf")),
        ("a", request("inv-compact-004.pdf", "application/pdf")),
    ];
    let outbound = tokio_stream::iter(items.into_iter().map(|(id, r)| pb::ExtractStreamRequest {
        request_id: id.into(),
        request: Some(r),
    }));
    let mut inbound = client.extract_stream(outbound).await.unwrap().into_inner();
    let mut results = std::collections::HashMap::new();
    let mut errors = Vec::new();
    while let Some(item) = inbound.message().await.unwrap() {
        match item.outcome.unwrap() {
            pb::extract_stream_response::Outcome::Result(r) => {
                results.insert(item.request_id, r);
            }
            pb::extract_stream_response::Outcome::Error(e) => {
                errors.push((item.request_id, e.code, e.message))
            }
        }
    }
    assert_eq!(results.len(), 2, "{errors:?}");
    assert_eq!(results["a"].kind, pb::DocumentKind::Invoice as i32);
    assert_eq!(results["b"].kind, pb::DocumentKind::BankStatement as i32);
    errors.sort();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(
        (errors[0].0.as_str(), errors[0].1),
        ("a", Code::InvalidArgument as i32),
        "a reused id is refused"
    );
    assert_eq!(
        (errors[1].0.as_str(), errors[1].1),
        ("bad", Code::InvalidArgument as i32)
    );
    server.stop().await.unwrap();
}

fn line(text: &str, x: f32, y: f32) -> Line {
    let words: Vec<Word> = text
        .split(' ')
        .scan(x, |cx, w| {
            let width = w.len() as f32 * 7.0;
            let word = Word {
                text: w.into(),
                bbox: BBox::new(*cx, y, *cx + width, y + 12.0),
                confidence: 0.98,
            };
            *cx += width + 4.0;
            Some(word)
        })
        .collect();
    let bbox = words
        .iter()
        .skip(1)
        .fold(words[0].bbox, |b, w| b.union(&w.bbox));
    Line {
        text: text.into(),
        bbox,
        confidence: 0.98,
        source: TextSource::Ocr,
        region: None,
        words,
    }
}

fn page(lines: Vec<Line>) -> Page {
    Page {
        index: 0,
        width: 1275,
        height: 1650,
        dpi: Some(150.0),
        rotation: 0,
        skew_degrees: 0.0,
        source: TextSource::Ocr,
        lines,
        regions: vec![],
    }
}

#[test]
fn an_empty_page_is_other_with_no_invented_fields() {
    let x = lines::extract(&[page(vec![])]);
    assert_eq!(x.kind, DocumentKind::Other);
    assert!(x.invoice.is_none() && x.statement.is_none() && x.checks.is_empty());
    assert!(
        x.warnings.iter().any(|w| w.contains("no text")),
        "{:?}",
        x.warnings
    );
}

#[test]
fn a_page_of_noise_is_other() {
    let noise = vec![
        line("~;: ,. 'i", 40.0, 40.0),
        line("l1 I| ::", 300.0, 400.0),
        line("°·", 900.0, 1200.0),
    ];
    let x = lines::extract(&[page(noise)]);
    assert_eq!(x.kind, DocumentKind::Other);
    assert!(x.invoice.is_none());
}

#[test]
fn a_table_without_amounts_yields_no_invented_lines() {
    let lines = vec![
        line("Northwind Office Supply", 40.0, 40.0),
        line("INVOICE", 900.0, 40.0),
        line("Invoice No. 4711", 40.0, 80.0),
        line("Description", 40.0, 200.0),
        line("Qty", 700.0, 200.0),
        line("Amount", 900.0, 200.0),
        line("Chairs delivered", 40.0, 230.0),
        line("Desks to follow", 40.0, 260.0),
    ];
    let x = lines::extract(&[page(lines)]);
    assert_eq!(x.kind, DocumentKind::Invoice);
    let invoice = x.invoice.unwrap();
    assert!(invoice.lines.is_empty(), "{:?}", invoice.lines);
    assert_eq!(invoice.invoice_number.unwrap().value, "4711");
    assert!(invoice.total.is_none());
    assert!(
        x.warnings.iter().any(|w| w.contains("no line items")),
        "{:?}",
        x.warnings
    );
}

#[test]
fn a_failed_check_is_reported_with_its_amounts_not_repaired() {
    let lines = vec![
        line("Acme Tools", 40.0, 40.0),
        line("Invoice No. 99", 40.0, 80.0),
        line("Description", 40.0, 200.0),
        line("Amount", 900.0, 200.0),
        line("Hammer", 40.0, 230.0),
        line("10.00", 900.0, 230.0),
        line("Saw", 40.0, 260.0),
        line("15.00", 900.0, 260.0),
        line("Subtotal", 700.0, 300.0),
        line("26.00", 900.0, 300.0),
    ];
    let x = lines::extract(&[page(lines)]);
    let failed: Vec<_> = x.checks.iter().filter(|c| !c.passed).collect();
    assert_eq!(failed.len(), 1, "{:?}", x.checks);
    assert_eq!(
        (failed[0].expected.as_str(), failed[0].actual.as_str()),
        ("26.00", "25.00")
    );
    let invoice = x.invoice.unwrap();
    assert_eq!(
        invoice.subtotal.as_ref().unwrap().value,
        "26.00",
        "the printed value is kept"
    );
    assert!(invoice.subtotal.unwrap().confidence < 0.6);
}

#[test]
fn extraction_on_the_text_pdfs_stays_above_its_floors() {
    // `ledgerline eval extract fixtures/documents --variants text_pdf` measures header F1 0.99,
    // line items 0.98, transactions 1.00 on all 60 documents; these floors sit below that.
    let report = ledgerline::eval::extract::evaluate(
        &common::reader(),
        &common::documents(),
        None,
        Some(&["text_pdf".to_string()]),
        |_, _| {},
    )
    .unwrap();
    let s = report.get("text_pdf").unwrap();
    assert!(s.header().f1() > 0.96, "{report}");
    assert!(s.line_items.f1() > 0.95, "{report}");
    assert!(s.transactions.f1() > 0.95, "{report}");
    assert_eq!(s.kind_correct, s.documents, "{report}");
}

#[test]
fn extraction_on_scanned_pages_stays_above_its_floors() {
    // Through OCR: `ledgerline eval extract fixtures/documents --variants scanned_pdf --limit 8`
    // measures the figures the floors below sit under (the whole corpus is the evaluation
    // command's job; eight documents keep the test to about a minute).
    let report = ledgerline::eval::extract::evaluate(
        &common::reader(),
        &common::documents(),
        Some(8),
        Some(&["scanned_pdf".to_string()]),
        |_, _| {},
    )
    .unwrap();
    let s = report.get("scanned_pdf").unwrap();
    assert!(s.header().f1() > 0.88, "{report}");
    assert!(s.line_items.f1() > 0.85, "{report}");
    assert_eq!(s.kind_correct, s.documents, "{report}");
}

#[tokio::test]
async fn extract_reads_an_xml_e_invoice_exactly_and_refuses_a_bomb_with_its_status() {
    let server = TestServer::start(|_| {}).await;
    let mut client =
        pb::extraction_service_client::ExtractionServiceClient::new(server.channel().await);
    let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/einvoice");
    let xml = std::fs::read(samples.join("cii/CII_example2.xml")).unwrap();
    let mut req = request("inv-classic-001.pdf", "application/xml");
    req.document.as_mut().unwrap().content = xml.clone();
    let response = client.extract(req.clone()).await.unwrap().into_inner();
    assert!(response.pages.is_empty(), "an XML invoice has no pages");
    let Some(pb::extract_response::Record::Invoice(invoice)) = response.record else {
        panic!("no invoice")
    };
    let truth: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(samples.join("gt/CII_example2.xml.gt.json")).unwrap(),
    )
    .unwrap();
    let number = invoice.invoice_number.unwrap();
    assert_eq!(number.value, truth["invoice_number"].as_str().unwrap());
    assert_eq!(number.source, "xml");
    assert_eq!(number.confidence, 1.0);
    // The invoice's own lines carry their ids; document-level allowances and charges follow.
    let own = invoice.lines.iter().filter(|l| l.line_id.is_some()).count();
    assert_eq!(own, truth["lines"].as_array().unwrap().len());
    assert!(
        invoice.lines.len() > own,
        "the allowance and charge are lines too"
    );
    assert!(
        response
            .checks
            .iter()
            .any(|c| c.kind == pb::CheckKind::EinvoiceRule as i32 && c.passed),
        "{:?}",
        response.checks
    );

    // Sent as a PDF, the bytes say otherwise.
    req.document.as_mut().unwrap().media_type = "application/pdf".into();
    let status = client.extract(req.clone()).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument, "{}", status.message());
    // An entity-expansion bomb is refused before anything is expanded.
    req.document.as_mut().unwrap().media_type = "application/xml".into();
    req.document.as_mut().unwrap().content = br#"<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "bbbbbbbb"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><Invoice>&c;</Invoice>"#.to_vec();
    let status = client.extract(req.clone()).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().contains("DOCTYPE"), "{}", status.message());
    // Nesting beyond the limit is a resource the caller asked too much of.
    let deep = format!("{}{}", "<a>".repeat(1000), "</a>".repeat(1000));
    req.document.as_mut().unwrap().content = deep.into_bytes();
    let status = client.extract(req).await.unwrap_err();
    assert_eq!(
        status.code(),
        Code::ResourceExhausted,
        "{}",
        status.message()
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn extract_honours_the_password_and_force_ocr_it_is_sent() {
    let server = TestServer::start(|_| {}).await;
    let mut client =
        pb::extraction_service_client::ExtractionServiceClient::new(server.channel().await);
    let encrypted = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bad/encrypted.pdf"),
    )
    .unwrap();
    let mut req = request("inv-classic-001.pdf", "application/pdf");
    req.document.as_mut().unwrap().content = encrypted;
    let status = client.extract(req.clone()).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(
        status.message().contains("encrypted"),
        "{}",
        status.message()
    );
    req.document.as_mut().unwrap().password = "s3cret-owner".into();
    let response = client.extract(req).await.unwrap().into_inner();
    let text: String = response.pages[0]
        .lines
        .iter()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("INVOICE 1001"), "{text}");

    // A text PDF is read from its text layer, unless the caller forces OCR.
    let mut req = request("inv-classic-001.pdf", "application/pdf");
    let layer = client.extract(req.clone()).await.unwrap().into_inner();
    assert_eq!(layer.pages[0].source, pb::TextSource::TextLayer as i32);
    req.options = Some(pb::ExtractOptions {
        force_ocr: true,
        ..Default::default()
    });
    let ocr = client.extract(req).await.unwrap().into_inner();
    assert_eq!(ocr.pages[0].source, pb::TextSource::Ocr as i32);
    server.stop().await.unwrap();
}

fn rate(figure: Option<(usize, usize)>) -> f64 {
    figure.map_or(0.0, |(ok, n)| ok as f64 / n as f64)
}

/// Real e-invoice hybrids nobody here made (../shared/corpus/zugferd and fixtures/real/einvoice),
/// read from their printed pages alone with the XML ignored, in German, French and English.
/// `ledgerline eval extract ../shared/corpus/zugferd fixtures/real/einvoice --errata
/// fixtures/einvoice/zugferd-errata.json` measures the figures these floors sit under, on the
/// development and the validation part alike; the invoice number and date are also never under
/// the trivial baseline.
#[test]
fn real_invoices_read_from_their_pages_stay_above_their_floors() {
    use ledgerline::eval::real::{Options, Part, evaluate};
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let options = Options {
        errata: Some(
            ledgerline::eval::einvoice::load_errata(
                &root.join("fixtures/einvoice/zugferd-errata.json"),
            )
            .unwrap(),
        ),
        ..Options::default()
    };
    let dirs = [
        root.join("../shared/corpus/zugferd"),
        root.join("fixtures/real/einvoice"),
    ];
    let report = evaluate(&common::reader(), &dirs, &options, |_, _| {}).unwrap();
    assert_eq!(report.errors(), 0, "{report}");
    let floors = [
        ("zugferd", "kind", 0.9),
        ("zugferd", "vendor", 0.8),
        ("zugferd", "invoice_number", 0.9),
        ("zugferd", "date", 0.9),
        ("zugferd", "total", 0.85),
        ("einvoice", "kind", 0.95),
        ("einvoice", "vendor", 0.85),
        ("einvoice", "invoice_number", 0.9),
        ("einvoice", "date", 0.9),
        ("einvoice", "total", 0.95),
    ];
    // Measured (development / validation): kind 1.000 / 1.000 on both (a self-billed
    // "Gutschrift" is an invoice); vendor 1.000 / 1.000 on zugferd and 0.984 / 0.946 on
    // the other hybrids, number 1.000 / 1.000 and 0.967 / 0.973, date 1.000 / 1.000 and
    // 0.984 / 0.946. Line items (amount to the cent, description matching): 1.000 / 1.000 on
    // zugferd and 0.932 / 0.821 on the other hybrids.
    for (corpus, floor) in [("zugferd", 0.85), ("einvoice", 0.75)] {
        for part in [Part::Development, Part::Validation] {
            let f1 = report.line_f1(corpus, part).unwrap_or(0.0);
            assert!(
                f1 >= floor,
                "{corpus} {part:?} line items F1 {f1:.3} under {floor}"
            );
        }
    }
    for (corpus, field, floor) in floors {
        for part in [Part::Development, Part::Validation] {
            let (ours, baseline) = report.figure(corpus, part, field);
            assert!(
                rate(ours) >= floor,
                "{corpus} {part:?} {field}: {ours:?} under {floor}\n{report}"
            );
            if matches!(field, "invoice_number" | "date") {
                assert!(
                    rate(ours) >= rate(baseline),
                    "{corpus} {part:?} {field}: {ours:?} under the baseline {baseline:?}"
                );
            }
        }
    }
}

/// Real supplier invoices with hand-checked truth (fixtures/real/invoices: fifteen Spanish
/// wholesalers, a supermarket and a photographed till invoice, an Italian FatturaPA rendering,
/// two Dutch e-factuur renderings, thirteen English and German invoices of online services, a
/// French telecom bill, an Odoo invoice, a French registrar's invoice, and eight invoices
/// attached to PDF libraries' bug reports: Dutch, French, German, Estonian and a scanned
/// Australian one), read from their pages. `ledgerline eval extract fixtures/real/invoices`
/// measures on the text PDFs, development / validation: kind 1.000 / 1.000, vendor 0.964 /
/// 0.917, number 1.000 / 1.000, date 1.000 / 1.000, total 1.000 / 0.917, line items F1 0.961 /
/// 0.875; on the two image-only ones vendor 1 / 2, number 2 / 2. The validation part is small
/// (the floors count both), and since 2026-12 no longer blind: most of its failures were
/// looked at.
#[test]
fn real_supplier_invoices_stay_above_their_floors() {
    use ledgerline::eval::real::{Options, Part, evaluate};
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dirs = [root.join("fixtures/real/invoices")];
    let report = evaluate(&common::reader(), &dirs, &Options::default(), |_, _| {}).unwrap();
    assert_eq!(report.errors(), 0, "{report}");
    for (field, dev_floor, val_floor) in [
        ("kind", 0.95, 0.9),
        ("vendor", 0.9, 0.75),
        ("invoice_number", 0.9, 0.85),
        ("date", 0.9, 0.85),
        ("total", 0.9, 0.85),
    ] {
        for (part, floor) in [
            (Part::Development, dev_floor),
            (Part::Validation, val_floor),
        ] {
            let (ours, _) = report.figure("invoices", part, field);
            assert!(
                rate(ours) >= floor,
                "{part:?} {field}: {ours:?} under {floor}\n{report}"
            );
        }
    }
    for (part, floor) in [(Part::Development, 0.9), (Part::Validation, 0.7)] {
        let f1 = report.line_f1("invoices", part).unwrap_or(0.0);
        assert!(f1 >= floor, "{part:?} line items F1 {f1:.3} under {floor}");
    }
}

/// The pages of one of fixtures/real/invoices, read from its PDF.
fn real_invoice_pages(file: &str) -> Vec<Page> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/real/invoices/pdf")
        .join(file);
    let bytes = std::fs::read(&path).unwrap();
    common::reader()
        .read(&bytes, ledgerline::decode::MediaType::Pdf)
        .unwrap()
}

/// Bouygues Telecom prints its legal notice up the page's right margin. Each of its characters
/// stood on a line of its own and cut the header box's lines apart, so "N° de facture" lost
/// its value and the line number was read as the invoice number; and the label's colon stands in
/// the value's column (": 11608848301659").
#[test]
fn a_notice_up_the_margin_does_not_cut_the_invoice_lines_apart() {
    let pages = real_invoice_pages("oe_bouygues_11608848301659.pdf");
    let first = pages[0].text();
    let single = first
        .lines()
        .filter(|l| l.trim().chars().count() == 1)
        .count();
    assert!(
        single < 10,
        "{single} lines of one character: the margin's notice is left out\n{first}"
    );
    let x = lines::extract(&pages);
    assert_eq!(x.kind, DocumentKind::Invoice);
    let invoice = x.invoice.unwrap();
    let value = |f: &Option<ledgerline::lines::Field>| f.as_ref().map(|f| f.value.clone());
    assert_eq!(
        value(&invoice.invoice_number).as_deref(),
        Some("11608848301659")
    );
    assert_eq!(value(&invoice.invoice_date).as_deref(), Some("2019-11-02"));
    assert_eq!(value(&invoice.total).as_deref(), Some("12.99"));
}

/// ELECTRO OUEST's invoice (Sage 1000) prints its unit under a header of one dot and a tax code
/// right of the amount, leaves a tall empty box under its one item, then a payment-terms
/// paragraph and a tax summary ("TVA Base Taux Montant TVA") with no totals label the table
/// knows. None of them is part of the item or an item of its own.
#[test]
fn words_beside_the_figures_and_a_paragraph_under_the_box_stay_out_of_the_line() {
    let pages = real_invoice_pages("sp_electroouest_052273.pdf");
    let invoice = lines::extract(&pages).invoice.unwrap();
    let lines: Vec<(String, String)> = invoice
        .lines
        .iter()
        .map(|l| (l.description.value.clone(), l.amount.value.clone()))
        .collect();
    assert_eq!(
        lines,
        [(
            "871TM-DH5NN18-D4 Metal Face Inductive Sensor 12568".to_string(),
            "62.25".to_string()
        )]
    );
    assert_eq!(invoice.total.map(|t| t.value).as_deref(), Some("74.70"));
}

/// Lenze's SAP invoice (Dutch, two pages): the sender line names the issuer with its post box
/// ("Lenze B.V. Postbus 3101, 5203 DC 's-Hertogenbosch"); its one item's name stands under the
/// material number, a row below the figures, above a list of specifications that runs onto
/// page 2 under a repeated header and letterhead; the totals box starts "Netto goederenwaarde".
#[test]
fn a_sap_invoice_over_two_pages_reads_one_item_and_its_issuer() {
    let pages = real_invoice_pages("pm_lenze_98559514.pdf");
    let invoice = lines::extract(&pages).invoice.unwrap();
    let value = |f: &Option<ledgerline::lines::Field>| f.as_ref().map(|f| f.value.clone());
    assert_eq!(value(&invoice.vendor_name).as_deref(), Some("Lenze B.V."));
    assert_eq!(value(&invoice.total).as_deref(), Some("671.33"));
    let [item] = &invoice.lines[..] else {
        panic!("one item, not {:#?}", invoice.lines);
    };
    assert_eq!(item.amount.value, "534.87");
    let name = &item.description.value;
    assert!(
        name.contains("AC wormwiel-motorreductor") && !name.contains("Postbus"),
        "{name}"
    );
}

/// An Estonian credit note ("Kreeditarve", Axapta) whose minus signs are soft hyphens in the
/// text layer: a credit note, with its number and a negative total.
#[test]
fn an_estonian_credit_note_with_soft_hyphen_minus_signs_is_read() {
    let pages = real_invoice_pages("pp_kaupmees_LKR824191.pdf");
    let x = lines::extract(&pages);
    assert_eq!(x.kind, DocumentKind::CreditNote);
    let invoice = x.invoice.unwrap();
    let value = |f: &Option<ledgerline::lines::Field>| f.as_ref().map(|f| f.value.clone());
    assert_eq!(value(&invoice.invoice_number).as_deref(), Some("LKR824191"));
    assert_eq!(value(&invoice.invoice_date).as_deref(), Some("2026-05-29"));
    assert_eq!(value(&invoice.total).as_deref(), Some("-6.39"));
}

/// Real till receipts (the validation part of ../shared/corpus/sroie-dev, scanned in Malaysia):
/// classified as receipts, with the merchant, date and total read. `ledgerline eval extract
/// ../shared/corpus/sroie-dev --part val` measures what these floors sit under.
#[test]
fn real_receipt_scans_stay_above_their_floors() {
    use ledgerline::eval::real::{Options, Part, evaluate};
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let options = Options {
        part: Some(Part::Validation),
        ..Options::default()
    };
    let dirs = [root.join("../shared/corpus/sroie-dev")];
    let report = evaluate(&common::reader(), &dirs, &options, |_, _| {}).unwrap();
    assert_eq!(report.errors(), 0, "{report}");
    // Measured with PP-OCRv6 small: kind 0.905, vendor, date and total 0.952 (with PP-OCRv5:
    // kind 0.857, vendor 0.857, date 0.905, total 0.857; vendor 0.762 and total 0.619 before
    // the rounded total, the glued currency, the cash row and names printed over several lines
    // were understood).
    for (field, floor) in [
        ("kind", 0.8),
        ("vendor", 0.85),
        ("date", 0.85),
        ("total", 0.85),
    ] {
        let (ours, _) = report.figure("sroie-dev", Part::Validation, field);
        assert!(
            rate(ours) >= floor,
            "{field}: {ours:?} under {floor}\n{report}"
        );
    }
}

/// Real bank statements (fixtures/real/statements: eleven institutions in German, Spanish,
/// Italian, Nigerian and British English and Russian; yearless dates, Soll/Haben columns, signs
/// printed apart, a watermark across the rows, a text layer whose font maps digits to letters,
/// read by OCR instead, amounts before the text in two unlabelled columns, columns after the
/// balance, HSBC UK's amounts on a booking's last line with its date once per day):
/// transactions matched on date and signed amount, and the opening and closing balances.
/// `ledgerline eval extract fixtures/real/statements` measures transactions F1 1.000 / 1.000
/// (development / validation) against 0.000 for the baseline, every balance right, and the
/// bank named on 7 of 11 / 3 of 7 (the others print it only in their logo; the first-line
/// baseline names none).
#[test]
fn real_bank_statements_stay_above_their_floors() {
    use ledgerline::eval::real::{Options, Part, evaluate};
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dirs = [root.join("fixtures/real/statements")];
    let report = evaluate(&common::reader(), &dirs, &Options::default(), |_, _| {}).unwrap();
    assert_eq!(report.errors(), 0, "{report}");
    for part in [Part::Development, Part::Validation] {
        let f1 = report.line_f1("statements", part).unwrap_or(0.0);
        assert!(
            f1 >= 0.9,
            "{part:?} transactions F1 {f1:.3} under 0.9\n{report}"
        );
        let (bank, baseline) = report.figure("statements", part, "vendor");
        let floor = if part == Part::Development {
            0.45
        } else {
            0.15
        };
        assert!(
            rate(bank) >= floor && rate(bank) > rate(baseline),
            "{part:?} bank: {bank:?} under {floor} or the baseline {baseline:?}\n{report}"
        );
        for field in ["kind", "opening_balance", "closing_balance"] {
            let (ours, baseline) = report.figure("statements", part, field);
            assert!(
                rate(ours) >= 0.75 && rate(ours) >= rate(baseline),
                "{part:?} {field}: {ours:?} under 0.75 or the baseline {baseline:?}\n{report}"
            );
        }
    }
}
