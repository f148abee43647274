//! E-invoices read exactly: every hybrid PDF of `../shared/corpus/zugferd` and every UBL and
//! CII sample of `fixtures/einvoice` against ground truth flattened from their XML by an
//! independent reader; XML bombs, malformed and oversized input refused with typed errors; a
//! printed page that disagrees with its data sent to review; and an XML invoice posted as an
//! AP bill whose lines are the XML's lines, with no page read at all.

use crate::common;
use crate::pipeline_support;

use std::path::{Path, PathBuf};

use ledgerline::decode::{DecodeError, DecodeLimits, DecodeOptions, MediaType};
use ledgerline::einvoice::{AttachmentLimits, EInvoiceError, find_attachment};
use ledgerline::eval::einvoice::{Report, evaluate, score};
use ledgerline::fake_intacct::Record;
use ledgerline::lines::{CheckKind, DocumentKind, FieldSource};
use ledgerline::process::DocumentInput;
use ledgerline::propose::State;
use ledgerline::read::{ReadError, Reader, ReaderOptions};
use rust_decimal::Decimal;

fn zugferd() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/zugferd")
}

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/einvoice")
}

fn assert_exact(report: &Report, documents: usize) {
    assert_eq!(report.ledgerline.len(), documents, "{report}");
    let wrong: Vec<String> = report
        .ledgerline
        .iter()
        .filter(|s| s.error.is_some() || !s.misses().is_empty())
        .map(|s| format!("{}: {:?} {:?}", s.file, s.error, s.misses()))
        .collect();
    assert!(wrong.is_empty(), "{}\n{report}", wrong.join("\n"));
}

#[test]
fn every_hybrid_pdf_of_the_zugferd_corpus_is_read_exactly_from_its_xml() {
    let reader = common::reader();
    // Without the errata, exactly the four documents whose truth was flattened from a newer
    // XML than the one they embed miss, and only on the dates that changed.
    let raw = evaluate(
        &reader,
        &zugferd().join("gt"),
        &[zugferd().join("pdf")],
        None,
        true,
        |_, _| {},
    )
    .unwrap();
    let errata =
        ledgerline::eval::einvoice::load_errata(&samples().join("zugferd-errata.json")).unwrap();
    let corrected = errata["documents"].as_object().unwrap();
    for scored in &raw.ledgerline {
        let mut expected: Vec<&str> = corrected
            .get(&scored.file)
            .and_then(|fields| fields.as_object())
            .map(|fields| fields.keys().map(String::as_str).collect())
            .unwrap_or_default();
        expected.sort_by_key(|f| {
            ledgerline::eval::einvoice::FIELDS
                .iter()
                .position(|x| x == f)
        });
        assert_eq!(scored.misses(), expected, "{}\n{raw}", scored.file);
    }
    let report = evaluate(
        &reader,
        &zugferd().join("gt"),
        &[zugferd().join("pdf")],
        Some(&errata),
        true,
        |_, _| {},
    )
    .unwrap();
    assert_exact(&report, 33);
    assert_eq!(report.errata.len(), 5);
    // The baseline is really the page: it is scored on the same 33 documents and is far from
    // exact, so the figures above come from the XML.
    assert_eq!(report.baseline.len(), 33);
    assert!(Report::exact(&report.baseline) < 10, "{report}");
}

#[test]
fn every_ubl_and_cii_sample_is_read_exactly() {
    let reader = common::reader();
    let report = evaluate(
        &reader,
        &samples().join("gt"),
        &[samples().join("ubl"), samples().join("cii")],
        None,
        true,
        |_, _| {},
    )
    .unwrap();
    assert_exact(&report, 76);
    // The baseline (the first element of each field's name) is scored on the same files.
    assert_eq!(report.baseline.len(), 76);
    assert!(Report::exact(&report.baseline) < 38, "{report}");
}

#[test]
fn a_hybrid_pdf_is_marked_as_embedded_data_checked_against_its_page() {
    let reader = common::reader();
    let bytes = std::fs::read(zugferd().join("pdf/EN16931_Rabatte.pdf")).unwrap();
    let understood = reader.understand(&bytes, MediaType::Pdf).unwrap();
    let x = &understood.extraction;
    assert_eq!(x.kind, DocumentKind::Invoice);
    let inv = x.invoice.as_ref().unwrap();
    let total = inv.total.as_ref().unwrap();
    assert_eq!(total.value, "215.07");
    assert_eq!(total.source, FieldSource::EmbeddedXml);
    assert_eq!(total.confidence, 1.0);
    // Four lines, then the document-level allowances and charge, so the lines add up to the
    // total without tax.
    assert_eq!(inv.lines.len(), 7, "{:?}", inv.lines);
    let sum: Decimal = inv
        .lines
        .iter()
        .map(|l| l.amount.value.parse::<Decimal>().unwrap())
        .sum();
    assert_eq!(sum.to_string(), inv.subtotal.as_ref().unwrap().value);
    assert_eq!(inv.taxes.len(), 2);
    assert_eq!(inv.amount_due.as_ref().unwrap().value, "165.07");
    let page_checks: Vec<_> = x
        .checks
        .iter()
        .filter(|c| c.kind == CheckKind::PageMatchesData)
        .collect();
    assert_eq!(page_checks.len(), 3, "{:?}", x.checks);
    assert!(page_checks.iter().all(|c| c.passed), "{page_checks:?}");
    assert!(
        x.checks
            .iter()
            .filter(|c| c.kind == CheckKind::EInvoiceRule)
            .all(|c| c.passed),
        "{:?}",
        x.checks
    );
    // Only the text layer was read: no page was rendered for OCR.
    assert!(
        understood
            .pages
            .iter()
            .all(|p| p.source == ledgerline::page::TextSource::TextLayer)
    );

    // A MINIMUM profile carries no lines: they come from the page, and the warning says so.
    let bytes = std::fs::read(zugferd().join("pdf/Facture_FR_MINIMUM.pdf")).unwrap();
    let x = reader
        .understand(&bytes, MediaType::Pdf)
        .unwrap()
        .extraction;
    assert!(
        x.warnings.iter().any(|w| w.contains("carries no lines")),
        "{:?}",
        x.warnings
    );
    let inv = x.invoice.unwrap();
    assert_eq!(inv.total.unwrap().value, "671.15");
    assert!(
        inv.lines
            .iter()
            .all(|l| l.description.source == FieldSource::Page)
    );
}

#[test]
fn the_scorer_sees_a_wrong_total_and_a_wrong_line() {
    let reader = common::reader();
    let bytes = std::fs::read(zugferd().join("pdf/EN16931_Rabatte.pdf")).unwrap();
    let truth: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(zugferd().join("gt/EN16931_Rabatte.pdf.gt.json")).unwrap(),
    )
    .unwrap();
    let understood = reader.understand(&bytes, MediaType::Pdf).unwrap();
    let right = score(
        "r",
        &truth,
        &understood.extraction,
        understood.einvoice.as_ref(),
    );
    assert!(right.misses().is_empty(), "{:?}", right.misses());
    let mut wrong = understood.extraction.clone();
    let inv = wrong.invoice.as_mut().unwrap();
    inv.total.as_mut().unwrap().value = "215.08".into();
    inv.lines[1].amount.value = "27.49".into();
    let scored = score("w", &truth, &wrong, understood.einvoice.as_ref());
    assert_eq!(scored.misses(), vec!["grand_total", "lines"]);
    assert_eq!(scored.lines_matched, 3);
}

const UBL_NS: &str = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";

fn xml_error(reader: &Reader, xml: &[u8]) -> ReadError {
    reader.understand(xml, MediaType::Xml).unwrap_err()
}

#[test]
fn bombs_malformed_and_foreign_xml_get_typed_errors() {
    let reader = common::reader();
    let laughs = format!(
        r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">{}]><Invoice xmlns="{UBL_NS}">&lol9;</Invoice>"#,
        (1..10)
            .map(|i| format!(
                r#"<!ENTITY lol{i} "{}">"#,
                format!(
                    "&lol{};",
                    if i == 1 {
                        String::new()
                    } else {
                        (i - 1).to_string()
                    }
                )
                .repeat(10)
            ))
            .collect::<String>()
    );
    assert!(matches!(
        xml_error(&reader, laughs.as_bytes()),
        ReadError::EInvoice(EInvoiceError::Forbidden(_))
    ));
    let external = format!(
        r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Invoice xmlns="{UBL_NS}">&e;</Invoice>"#
    );
    assert!(matches!(
        xml_error(&reader, external.as_bytes()),
        ReadError::EInvoice(EInvoiceError::Forbidden(_))
    ));
    let deep = format!(
        "<Invoice xmlns=\"{UBL_NS}\">{}{}</Invoice>",
        "<a>".repeat(200_000),
        "</a>".repeat(200_000)
    );
    assert!(matches!(
        xml_error(&reader, deep.as_bytes()),
        ReadError::EInvoice(EInvoiceError::Limit(_))
    ));

    let real = std::fs::read(samples().join("ubl/01.01a-INVOICE_ubl.xml")).unwrap();
    assert!(matches!(
        xml_error(&reader, &real[..real.len() / 2]),
        ReadError::EInvoice(EInvoiceError::Malformed(_))
    ));
    let text = String::from_utf8(real.clone()).unwrap();
    let issue = text
        .split("<cbc:IssueDate>")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap();
    let impossible = text.replacen(
        &format!("<cbc:IssueDate>{issue}<"),
        "<cbc:IssueDate>2025-02-30<",
        1,
    );
    let err = xml_error(&reader, impossible.as_bytes());
    assert!(
        matches!(&err, ReadError::EInvoice(EInvoiceError::Invalid { element, .. }) if element == "IssueDate"),
        "{err}"
    );
    let order =
        r#"<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"><ID>1</ID></Order>"#;
    let err = xml_error(&reader, order.as_bytes());
    assert!(
        matches!(err, ReadError::EInvoice(EInvoiceError::NotAnInvoice { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("CrossIndustryInvoice"), "{err}");
    // A PDF sent as XML is caught by its bytes.
    let pdf = std::fs::read(zugferd().join("pdf/EN16931_Einfach.pdf")).unwrap();
    assert!(matches!(
        xml_error(&reader, &pdf),
        ReadError::Decode(DecodeError::MediaTypeMismatch { .. })
    ));

    // Over the document limit: refused before parsing.
    let small = Reader::new(
        common::runtime(),
        &common::model_cache(),
        ReaderOptions {
            decode: DecodeOptions {
                limits: DecodeLimits {
                    max_bytes: 4096,
                    ..DecodeLimits::default()
                },
                ..DecodeOptions::default()
            },
            ..ReaderOptions::default()
        },
    )
    .unwrap();
    assert!(matches!(
        xml_error(&small, &real),
        ReadError::Decode(DecodeError::TooLarge { .. })
    ));
}

#[test]
fn an_attachment_over_the_limit_is_refused_before_it_is_copied() {
    let runtime = common::runtime();
    let pdfium = runtime.pdfium();
    let xml = std::fs::read(samples().join("cii/CII_example2.xml")).unwrap();
    let mut document = pdfium.create_new_pdf().unwrap();
    document
        .attachments_mut()
        .create_attachment_from_bytes("factur-x.xml", &xml)
        .unwrap();
    let bytes = document.save_to_bytes().unwrap();
    let found = find_attachment(&runtime, &bytes, None, &AttachmentLimits::default())
        .unwrap()
        .unwrap();
    assert_eq!(found.0, "factur-x.xml");
    assert_eq!(found.1, xml);
    let limits = AttachmentLimits {
        max_bytes: xml.len() - 1,
        ..AttachmentLimits::default()
    };
    let err = find_attachment(&runtime, &bytes, None, &limits).unwrap_err();
    assert!(
        matches!(err, EInvoiceError::AttachmentTooLarge { bytes, .. } if bytes == xml.len()),
        "{err}"
    );
}

/// A UBL invoice with the header and lines of one of the fixture invoices: what an upstream
/// system sends when the supplier invoices electronically.
fn ubl_for(truth: &serde_json::Value) -> String {
    let f = &truth["fields"];
    let s = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    let cur = s(&f["currency"]);
    let lines: String = truth["lines"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, l)| {
            format!(
                r#"<cac:InvoiceLine><cbc:ID>{}</cbc:ID><cbc:InvoicedQuantity unitCode="C62">1</cbc:InvoicedQuantity><cbc:LineExtensionAmount currencyID="{cur}">{a}</cbc:LineExtensionAmount><cac:Item><cbc:Name>{}</cbc:Name></cac:Item><cac:Price><cbc:PriceAmount currencyID="{cur}">{a}</cbc:PriceAmount></cac:Price></cac:InvoiceLine>"#,
                i + 1,
                s(&l["description"]).replace('&', "&amp;"),
                a = s(&l["amount"]),
            )
        })
        .collect();
    let tax = if f["tax"].is_null() {
        "0.00".to_string()
    } else {
        s(&f["tax"])
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="{UBL_NS}" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
<cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID><cbc:ID>{number}</cbc:ID><cbc:IssueDate>{date}</cbc:IssueDate><cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode><cbc:DocumentCurrencyCode>{cur}</cbc:DocumentCurrencyCode>
<cac:AccountingSupplierParty><cac:Party><cac:PartyLegalEntity><cbc:RegistrationName>{vendor}</cbc:RegistrationName></cac:PartyLegalEntity></cac:Party></cac:AccountingSupplierParty>
<cac:TaxTotal><cbc:TaxAmount currencyID="{cur}">{tax}</cbc:TaxAmount></cac:TaxTotal>
<cac:LegalMonetaryTotal><cbc:LineExtensionAmount currencyID="{cur}">{sub}</cbc:LineExtensionAmount><cbc:TaxExclusiveAmount currencyID="{cur}">{sub}</cbc:TaxExclusiveAmount><cbc:TaxInclusiveAmount currencyID="{cur}">{total}</cbc:TaxInclusiveAmount><cbc:PayableAmount currencyID="{cur}">{total}</cbc:PayableAmount></cac:LegalMonetaryTotal>
{lines}</Invoice>"#,
        number = s(&f["invoice_number"]),
        date = s(&f["invoice_date"]),
        vendor = s(&f["vendor_name"]).replace('&', "&amp;"),
        sub = s(&f["subtotal"]),
        total = s(&f["total"]),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_xml_invoice_is_posted_with_its_own_lines_and_a_disagreeing_page_waits() {
    let w = pipeline_support::world(common::runtime(), &common::model_cache()).await;
    let input = |content: Vec<u8>, media_type, id: &str| DocumentInput {
        content,
        media_type,
        external_id: id.to_string(),
        company: "SYNTH".into(),
        entity: None,
        kind: None,
        dry_run: false,
    };
    // The fixture invoices that post from their PDF post the same from UBL.
    let mut posted = 0;
    for id in pipeline_support::document_ids("inv-") {
        let truth = pipeline_support::truth(&id);
        if truth["credit_note"].as_bool().unwrap_or(false) || truth["fields"]["subtotal"].is_null()
        {
            continue;
        }
        let xml = ubl_for(&truth);
        let outcome = w
            .pipeline
            .process(input(
                xml.into_bytes(),
                MediaType::Xml,
                &format!("{id}.xml"),
            ))
            .await
            .unwrap();
        let p = outcome.proposal;
        if p.state != State::Posted {
            continue;
        }
        posted += 1;
        let control_id = ledgerline::intacct::control_id(&p.id);
        let posting = w
            .fake
            .postings()
            .into_iter()
            .find(|x| x.control_id == control_id)
            .unwrap_or_else(|| panic!("{id}: posted but not in the fake"));
        let Record::Bill(bill) = posting.record else {
            panic!("{id}: not a bill");
        };
        let expected = truth["lines"].as_array().unwrap();
        let own: Vec<_> = bill.lines.iter().filter(|l| l.memo != "Tax").collect();
        assert_eq!(own.len(), expected.len(), "{id}");
        for (line, e) in own.iter().zip(expected) {
            assert_eq!(line.memo, e["description"].as_str().unwrap(), "{id}");
            assert_eq!(
                line.amount,
                e["amount"].as_str().unwrap().parse::<Decimal>().unwrap(),
                "{id}"
            );
        }
        assert_eq!(
            bill.bill_number,
            truth["fields"]["invoice_number"].as_str().unwrap()
        );
        if posted == 3 {
            break;
        }
    }
    assert!(posted >= 1, "no XML invoice was posted");

    // The same hybrid PDF with its XML's invoice number changed: the printed page no longer
    // says what the data says, and a person decides.
    let pdf = std::fs::read(zugferd().join("pdf/EN16931_Einfach.pdf")).unwrap();
    let runtime = common::runtime();
    let pdfium = runtime.pdfium();
    let mut document = pdfium.load_pdf_from_byte_slice(&pdf, None).unwrap();
    let (index, name, xml) = {
        let attachments = document.attachments();
        let (i, a) = attachments
            .iter()
            .enumerate()
            .find(|(_, a)| a.name().ends_with(".xml"))
            .unwrap();
        (i, a.name(), a.save_to_bytes().unwrap())
    };
    let xml = String::from_utf8(xml).unwrap();
    // The document's number, not the specification id that comes first.
    let header = xml.find("ExchangedDocument>").unwrap();
    let (before, after) = xml.split_at(header);
    let number = after
        .split("<ram:ID>")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    let changed = format!(
        "{before}{}",
        after.replacen(&format!("<ram:ID>{number}<"), "<ram:ID>X-999999<", 1)
    );
    assert_ne!(changed, xml);
    document
        .attachments_mut()
        .delete_at_index(index as u16)
        .unwrap();
    document
        .attachments_mut()
        .create_attachment_from_bytes(&name, changed.as_bytes())
        .unwrap();
    let tampered = document.save_to_bytes().unwrap();
    drop(document);
    let outcome = w
        .pipeline
        .process(input(tampered, MediaType::Pdf, "tampered.pdf"))
        .await
        .unwrap();
    let p = outcome.proposal;
    assert_eq!(p.state, State::Pending, "{:?}", p.routing);
    assert!(
        p.routing
            .reasons
            .iter()
            .any(|r| r.contains("invoice number") && r.contains("not printed on the page")),
        "{:?}",
        p.routing.reasons
    );
    assert_eq!(p.entry.number, "X-999999");
    // Its vendor is unknown to the company and its period closed: errors that approval alone
    // cannot overrule, so nothing is posted until the entry is edited.
    assert!(
        p.issues
            .iter()
            .any(|i| i.severity == ledgerline::validate::Severity::Error)
    );
    let refused = w
        .pipeline
        .approve(&p.id, p.version, "alice", "")
        .await
        .unwrap_err();
    assert!(
        matches!(refused, ledgerline::process::ProcessError::NeedsEdit(_)),
        "{refused}"
    );
    assert!(refused.to_string().contains("edit it first"), "{refused}");
    let control_id = ledgerline::intacct::control_id(&p.id);
    assert!(!w.fake.records_per_control_id().contains_key(&control_id));
}
