//! ProposalService and ReviewService over gRPC, with API tokens, on the fixtures: a document in,
//! its proposal out; replay; the review queue with optimistic concurrency; drafts validated with
//! fixes; bad input refused with the right status; a refused call audited.

use crate::common;
use crate::pipeline_support;

use common::{TestServer, create_token};
use ledgerline::auth::Role;
use ledgerline::proto::v1 as pb;
use pb::proposal_service_client::ProposalServiceClient;
use pb::review_service_client::ReviewServiceClient;
use pipeline_support::{document_ids, fixtures, truth};
use rust_decimal::Decimal;
use tonic::Code;

fn company() -> Option<pb::CompanyRef> {
    Some(pb::CompanyRef {
        company_id: "SYNTH".into(),
        entity_id: String::new(),
    })
}

fn request(id: &str, content: Vec<u8>, media_type: &str) -> pb::ProcessDocumentRequest {
    pb::ProcessDocumentRequest {
        document: Some(pb::Document {
            content,
            media_type: media_type.into(),
            external_id: id.into(),
            password: String::new(),
        }),
        company: company(),
        kind: 0,
        dry_run: false,
    }
}

fn pending(company: Option<pb::CompanyRef>) -> pb::ListPendingRequest {
    pb::ListPendingRequest {
        company,
        page_size: 0,
        page_token: String::new(),
    }
}

fn pdf(id: &str) -> pb::ProcessDocumentRequest {
    let bytes = std::fs::read(fixtures().join(format!("documents/{id}.pdf"))).unwrap();
    request(id, bytes, "application/pdf")
}

fn big_invoice() -> String {
    document_ids("inv-")
        .into_iter()
        .find(|id| {
            let gt = truth(id);
            !gt["credit_note"].as_bool().unwrap_or(false)
                && gt["fields"]["total"]
                    .as_str()
                    .unwrap()
                    .parse::<Decimal>()
                    .unwrap()
                    > Decimal::new(100_000, 0)
        })
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_become_proposals_and_reviewers_decide_over_grpc() {
    let data = tempfile::tempdir().unwrap();
    pipeline_support::company_data_dir(data.path(), common::embedder()).await;
    let fake = pipeline_support::fake_for_chart().await;
    let writer = pipeline_support::writer(&fake);
    let dir = data.path().to_path_buf();
    let server = TestServer::start_posting(move |c| c.data_dir = dir, writer).await;
    let ingest = create_token(data.path(), "uploader", Role::Ingest);
    let reviewer = create_token(data.path(), "jane", Role::Reviewer);
    let mut proposals = ProposalServiceClient::new(server.channel_with(&ingest).await);
    let mut review = ReviewServiceClient::new(server.channel_with(&reviewer).await);

    // A large invoice: proposed as an AP bill that says what the document says, and queued.
    let id = big_invoice();
    let gt = truth(&id);
    let response = proposals
        .process_document(pdf(&id))
        .await
        .unwrap()
        .into_inner();
    assert!(!response.replayed);
    let p = response.proposal.unwrap();
    assert_eq!(p.state, pb::ProposalState::Pending as i32);
    assert_eq!(p.external_id, id);
    let routing = p.routing.clone().unwrap();
    assert_eq!(routing.action, pb::RouteAction::Review as i32);
    assert!(
        routing
            .reasons
            .iter()
            .any(|r| r.contains("above the review threshold")),
        "{routing:?}"
    );
    let Some(pb::proposal::Entry::ApBill(bill)) = p.entry.clone() else {
        panic!("expected an AP bill: {:?}", p.entry);
    };
    assert_eq!(
        bill.vendor_id,
        gt["fields"]["vendor_name"].as_str().unwrap()
    );
    assert_eq!(
        bill.bill_number,
        gt["fields"]["invoice_number"].as_str().unwrap()
    );
    assert_eq!(
        bill.bill_date,
        gt["fields"]["invoice_date"].as_str().unwrap()
    );
    assert_eq!(
        bill.total.as_ref().unwrap().amount,
        gt["fields"]["total"].as_str().unwrap()
    );
    let first = &bill.lines[0];
    assert_eq!(first.memo, gt["lines"][0]["description"].as_str().unwrap());
    assert!(!first.coding.as_ref().unwrap().account.is_empty());
    assert!(first.confidences.iter().any(|c| c.field == "account"));
    assert!(!first.precedents.is_empty());
    assert!(p.extraction.is_some());

    // Sent again: the same proposal, replayed.
    let again = proposals
        .process_document(pdf(&id))
        .await
        .unwrap()
        .into_inner();
    assert!(again.replayed);
    assert_eq!(again.proposal.unwrap().proposal_id, p.proposal_id);

    // The reviewer sees it, and acts on the version seen.
    let page = review
        .list_pending(pending(company()))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(page.total, 1);
    let queued = &page.proposals[0];
    assert_eq!(queued.proposal_id, p.proposal_id);
    assert_eq!(queued.counterparty, bill.vendor_id);
    let stale = review
        .approve(pb::ApproveRequest {
            proposal_id: p.proposal_id.clone(),
            expected_version: queued.version + 1,
            comment: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(stale.code(), Code::Aborted, "{stale:?}");
    let approved = review
        .approve(pb::ApproveRequest {
            proposal_id: p.proposal_id.clone(),
            expected_version: queued.version,
            comment: "checked against the PO".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        approved.state,
        pb::ProposalState::Posted as i32,
        "{approved:?}"
    );
    assert_eq!(approved.actor, "jane");
    let posting = approved.posting.unwrap();
    assert!(!posting.record_no.is_empty());
    assert_eq!(
        fake.records_per_control_id().get(&posting.control_id),
        Some(&1)
    );
    let twice = review
        .approve(pb::ApproveRequest {
            proposal_id: p.proposal_id.clone(),
            expected_version: approved.version,
            comment: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(twice.code(), Code::FailedPrecondition, "{twice:?}");
    let fetched = review
        .get_proposal(pb::GetProposalRequest {
            proposal_id: p.proposal_id.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(fetched.version, approved.version);

    // A draft with a retired account and no department: invalid, with the fix suggest knows.
    let draft = pb::ValidateJournalEntryRequest {
        company: company(),
        entry: Some(pb::validate_journal_entry_request::Entry::ApBill(
            pb::ApBill {
                vendor_id: "Northwind Office Supply".into(),
                bill_number: "N-1".into(),
                bill_date: "2026-03-02".into(),
                total: Some(pb::Money {
                    amount: "120.00".into(),
                    currency: "USD".into(),
                }),
                lines: vec![pb::EntryLine {
                    line_no: 1,
                    coding: Some(pb::Coding {
                        account: "6099".into(),
                        ..Default::default()
                    }),
                    amount: Some(pb::Money {
                        amount: "120.00".into(),
                        currency: "USD".into(),
                    }),
                    side: pb::EntrySide::Debit as i32,
                    memo: "Toner cartridge, black, high yield".into(),
                    ..Default::default()
                }],
                ..Default::default()
            },
        )),
    };
    let verdict = proposals
        .validate_journal_entry(draft)
        .await
        .unwrap()
        .into_inner();
    assert!(!verdict.is_valid);
    let inactive = verdict
        .issues
        .iter()
        .find(|i| i.kind == pb::IssueKind::InactiveAccount as i32)
        .unwrap_or_else(|| panic!("{:?}", verdict.issues));
    assert_eq!(
        inactive.fixes.first().map(|f| f.value.as_str()),
        Some("6010")
    );

    // Bad input: the right status, and nothing stored.
    let unknown = proposals
        .process_document(pb::ProcessDocumentRequest {
            company: Some(pb::CompanyRef {
                company_id: "NOBODY".into(),
                entity_id: String::new(),
            }),
            ..pdf(&id)
        })
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), Code::NotFound, "{unknown:?}");
    let mime = proposals
        .process_document(request("x", b"hello".to_vec(), "text/plain"))
        .await
        .unwrap_err();
    assert_eq!(mime.code(), Code::InvalidArgument, "{mime:?}");
    let corrupt = proposals
        .process_document(request("y", b"%PDF-1.7 broken".to_vec(), "application/pdf"))
        .await
        .unwrap_err();
    assert_eq!(corrupt.code(), Code::InvalidArgument, "{corrupt:?}");
    let page = review
        .list_pending(pending(company()))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(page.total, 0);

    // An uploader may not decide; the refusal is in the audit log.
    let mut wrong_role = ReviewServiceClient::new(server.channel_with(&ingest).await);
    let denied = wrong_role
        .reject(pb::RejectRequest {
            proposal_id: p.proposal_id.clone(),
            expected_version: approved.version,
            reason: "no".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(denied.code(), Code::PermissionDenied);
    // Refusals are tallied per caller and written once a minute and at shutdown.
    server.stop().await.unwrap();
    let mut conn = ledgerline::db::open_dir(data.path()).unwrap();
    let detail = ledgerline::db::Sql::query_one(
        &mut conn,
        "SELECT detail FROM audit_log WHERE action = 'refused' AND actor = 'uploader'",
        &[],
    )
    .expect("the refusal was audited")
    .text(0)
    .unwrap();
    let detail: serde_json::Value = serde_json::from_str(&detail).unwrap();
    assert_eq!(detail["calls"], 1, "{detail}");
    assert_eq!(detail["codes"]["PermissionDenied"], 1, "{detail}");
    assert!(ledgerline::audit::verify(&mut conn).unwrap().is_intact());
}
