//! Documents to posted entries, end to end on the fixtures: what reaches the fake Intacct matches
//! the documents' ground truth; high amounts, credit notes and statements wait for a person with
//! their reasons; duplicates are caught; reviewers racing on one proposal produce one decision;
//! every step is in the audit log.

use crate::common;
use crate::pipeline_support;

use std::collections::HashMap;

use ledgerline::decode::MediaType;
use ledgerline::fake_intacct::Record;
use ledgerline::process::{DocumentInput, ProcessError};
use ledgerline::propose::{Kind, State};
use ledgerline::review::ReviewError;
use ledgerline::route::Action;
use ledgerline::validate::IssueKind;
use pipeline_support::{document_ids, fixtures, truth, world};
use rust_decimal::Decimal;

fn input(id: &str, file: &str, media_type: MediaType) -> DocumentInput {
    DocumentInput {
        content: std::fs::read(fixtures().join("documents").join(file)).unwrap(),
        media_type,
        external_id: id.to_string(),
        company: "SYNTH".into(),
        entity: None,
        kind: None,
        dry_run: false,
    }
}

fn pdf(id: &str) -> DocumentInput {
    input(id, &format!("{id}.pdf"), MediaType::Pdf)
}

fn money(v: &serde_json::Value) -> Decimal {
    v.as_str().unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoices_post_what_the_documents_say_and_the_rest_waits_with_reasons() {
    let w = world(common::runtime(), &common::model_cache()).await;
    let mut outcomes = Vec::new();
    for id in document_ids("inv-")
        .iter()
        .chain(&document_ids("stm-")[..3])
    {
        let outcome = w.pipeline.process(pdf(id)).await.unwrap();
        assert!(!outcome.replayed, "{id}");
        outcomes.push((id.clone(), outcome.proposal));
    }
    let postings: HashMap<String, Record> = w
        .fake
        .postings()
        .into_iter()
        .map(|p| (p.control_id, p.record))
        .collect();
    let (mut posted, mut waiting) = (0, 0);
    for (id, p) in &outcomes {
        let gt = truth(id);
        let control_id = ledgerline::intacct::control_id(&p.id);
        assert!(!p.routing.reasons.is_empty(), "{id}: no reason given");
        match p.state {
            State::Posted => {
                posted += 1;
                let Some(Record::Bill(bill)) = postings.get(&control_id) else {
                    panic!("{id}: posted but no bill under {control_id} in the fake");
                };
                let fields = &gt["fields"];
                assert_eq!(
                    bill.vendor_id,
                    fields["vendor_name"].as_str().unwrap(),
                    "{id}"
                );
                assert_eq!(
                    bill.bill_number,
                    fields["invoice_number"].as_str().unwrap(),
                    "{id}"
                );
                assert_eq!(
                    bill.posting_date.to_string(),
                    fields["invoice_date"].as_str().unwrap(),
                    "{id}"
                );
                let total: Decimal = bill.lines.iter().map(|l| l.amount).sum();
                assert_eq!(total, money(&fields["total"]), "{id}");
                let lines = gt["lines"].as_array().unwrap();
                for (line, expected) in bill.lines.iter().zip(lines) {
                    assert_eq!(line.memo, expected["description"].as_str().unwrap(), "{id}");
                    assert_eq!(line.amount, money(&expected["amount"]), "{id}");
                }
                assert!(
                    money(&fields["total"]) <= Decimal::new(100_000, 0),
                    "{id}: above the policy's threshold yet posted"
                );
            }
            State::Pending => {
                waiting += 1;
                assert_eq!(p.routing.action, Action::Review);
                assert!(
                    !postings.contains_key(&control_id),
                    "{id}: pending yet posted"
                );
                if gt["kind"] == "invoice"
                    && !gt["credit_note"].as_bool().unwrap_or(false)
                    && money(&gt["fields"]["total"]) > Decimal::new(100_000, 0)
                {
                    assert!(
                        p.routing
                            .reasons
                            .iter()
                            .any(|r| r.contains("above the review threshold")),
                        "{id}: {:?}",
                        p.routing.reasons
                    );
                }
                if gt["credit_note"].as_bool().unwrap_or(false) {
                    assert_eq!(p.entry.kind, Kind::JournalEntry, "{id}");
                    assert!(
                        p.routing.reasons.iter().any(|r| r.contains("credit notes")),
                        "{id}"
                    );
                }
                if id.starts_with("stm-") {
                    assert_eq!(p.entry.debits(), p.entry.credits(), "{id}: unbalanced");
                }
            }
            other => panic!("{id}: unexpected state {other:?}: {:?}", p.posting),
        }
    }
    eprintln!("posted {posted}, waiting for review {waiting}");
    assert!(
        posted >= 5,
        "only {posted} invoices were posted without review"
    );
    assert!(waiting >= 5, "only {waiting} documents wait for review");
    assert!(
        w.fake.records_per_control_id().values().all(|n| *n == 1),
        "a control id was used twice"
    );

    // The same document again: the same proposal, nothing posted twice.
    let before = w.fake.postings().len();
    for (id, p) in outcomes.iter().take(6) {
        let again = w.pipeline.process(pdf(id)).await.unwrap();
        assert!(again.replayed, "{id}");
        assert_eq!(again.proposal.id, p.id);
        assert_eq!(again.proposal.state, p.state);
    }
    assert_eq!(w.fake.postings().len(), before);

    // Every step of a posted document is in the audit log, and the chain is intact.
    let (id, p) = outcomes
        .iter()
        .find(|(_, p)| p.state == State::Posted)
        .unwrap();
    let mut conn = ledgerline::db::open_dir(w.data.path()).unwrap();
    let actions: Vec<String> = ledgerline::audit::trail(&mut conn, &p.document_id)
        .unwrap()
        .into_iter()
        .map(|e| e.event.action)
        .collect();
    assert_eq!(
        actions,
        ["received", "extracted", "suggested", "routed", "posted"],
        "{id}"
    );
    assert!(ledgerline::audit::verify(&mut conn).unwrap().is_intact());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_invoice_is_caught_and_racing_reviewers_make_one_decision() {
    let w = world(common::runtime(), &common::model_cache()).await;
    duplicates_and_racing_reviewers(w).await;
}

/// The same on PostgreSQL, where replicas share the queue: one decision per version, one
/// posting per control id and one intact chain hold there too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgresql_racing_reviewers_still_make_one_decision_and_one_chain() {
    let (_server, url) = common::postgres::Postgres::with_database("racing").await;
    let w = pipeline_support::world_on(common::runtime(), &common::model_cache(), None, Some(&url))
        .await;
    assert!(
        !ledgerline::db::path(w.data.path()).exists(),
        "nothing went to the SQLite file"
    );
    duplicates_and_racing_reviewers(w).await;
}

/// The first generated invoice (not a credit note) whose total is above the review threshold.
fn big_invoice() -> String {
    document_ids("inv-")
        .into_iter()
        .find(|id| {
            let gt = truth(id);
            !gt["credit_note"].as_bool().unwrap_or(false)
                && money(&gt["fields"]["total"]) > Decimal::new(100_000, 0)
        })
        .unwrap()
}

async fn duplicates_and_racing_reviewers(w: pipeline_support::World) {
    // An invoice above the review threshold waits for a person.
    let big = big_invoice();
    let first = w.pipeline.process(pdf(&big)).await.unwrap().proposal;
    assert_eq!(first.state, State::Pending, "{:?}", first.routing.reasons);

    // The same invoice scanned (other bytes, same vendor and number) is a duplicate.
    let png = format!("{big}.p1.png");
    let second = w
        .pipeline
        .process(input(&png, &png, MediaType::Png))
        .await
        .unwrap()
        .proposal;
    assert_ne!(second.id, first.id);
    assert!(
        second.issues.iter().any(|i| i.kind == IssueKind::Duplicate),
        "{:?}",
        second.issues
    );
    assert_eq!(second.state, State::Pending);

    // What the company's habits count before the decision; the approved lines are added.
    let habits_before = w
        .pipeline
        .suggester()
        .habit_lines("SYNTH")
        .expect("suggesting loaded the company");
    // Two reviewers approve the same version at once: one wins, the other is told.
    let (a, b) = tokio::join!(
        w.pipeline.approve(&first.id, first.version, "alice", ""),
        w.pipeline.approve(&first.id, first.version, "bob", "")
    );
    let (won, lost) = match (a, b) {
        (Ok(p), Err(e)) | (Err(e), Ok(p)) => (p, e),
        (a, b) => panic!("expected one winner: {a:?} / {b:?}"),
    };
    assert!(
        matches!(
            lost,
            ProcessError::Review(ReviewError::VersionConflict { .. })
        ),
        "{lost}"
    );
    assert_eq!(won.state, State::Posted, "{:?}", won.posting);
    let control_id = ledgerline::intacct::control_id(&first.id);
    assert_eq!(w.fake.records_per_control_id().get(&control_id), Some(&1));
    // The posted lines count in the vendor's habits at once, without a reload: once each,
    // though two reviewers acted.
    assert!(
        (habits_before + 1..=habits_before + won.entry.lines.len())
            .contains(&w.pipeline.suggester().habit_lines("SYNTH").unwrap()),
        "{habits_before} -> {:?}",
        w.pipeline.suggester().habit_lines("SYNTH")
    );

    // Decided is decided: a late rejection is refused and nothing changes.
    let late = w
        .pipeline
        .reject(&first.id, won.version, "carol", "looks wrong")
        .await
        .unwrap_err();
    assert!(
        matches!(late, ProcessError::Review(ReviewError::WrongState { .. })),
        "{late}"
    );

    // The duplicate is rejected with a reason; a rejection without one is refused.
    let no_reason = w
        .pipeline
        .reject(&second.id, second.version, "carol", " ")
        .await
        .unwrap_err();
    assert!(
        matches!(no_reason, ProcessError::BadRequest(_)),
        "{no_reason}"
    );
    let rejected = w
        .pipeline
        .reject(&second.id, second.version, "carol", "duplicate of the PDF")
        .await
        .unwrap();
    assert_eq!(rejected.state, State::Rejected);
    assert_eq!(rejected.actor, "carol");
    assert_eq!(
        w.fake
            .records_per_control_id()
            .get(&ledgerline::intacct::control_id(&second.id)),
        None
    );

    // An edit that breaks the rules is refused with the issues.
    let third_id = document_ids("inv-")
        .into_iter()
        .filter(|id| id != &big)
        .find(|id| {
            let gt = truth(id);
            !gt["credit_note"].as_bool().unwrap_or(false)
                && money(&gt["fields"]["total"]) > Decimal::new(100_000, 0)
        })
        .unwrap();
    let third = w.pipeline.process(pdf(&third_id)).await.unwrap().proposal;
    assert_eq!(third.state, State::Pending);
    let mut entry = third.entry.clone();
    entry.lines[0].coding.account = "6299".into(); // retired
    let refused = w
        .pipeline
        .edit(&third.id, third.version, "dave", entry, "")
        .await
        .unwrap_err();
    match refused {
        ProcessError::Invalid(issues) => assert!(
            issues.iter().any(|i| i.kind == IssueKind::InactiveAccount),
            "{issues:?}"
        ),
        other => panic!("expected the edit to be refused: {other}"),
    }
    // The database is read as the service reads it: off the executor.
    let database = w.database.clone();
    let document = first.document_id.clone();
    let (verification, trail) = tokio::task::spawn_blocking(move || {
        let mut conn = ledgerline::db::open(&database).unwrap();
        let verification = ledgerline::audit::verify(&mut conn).unwrap();
        let trail: Vec<String> = ledgerline::audit::trail(&mut conn, &document)
            .unwrap()
            .into_iter()
            .map(|e| format!("{}:{}", e.event.action, e.event.actor))
            .collect();
        (verification, trail)
    })
    .await
    .unwrap();
    assert!(verification.is_intact(), "{:?}", verification.problems);
    assert!(
        trail.iter().any(|a| a.starts_with("approved:")),
        "{trail:?}"
    );
    assert_eq!(trail.last().map(String::as_str), Some("posted:ledgerline"));
}

/// Two processes finish posting one approved proposal at once, as two replicas do when one
/// resumes at start-up while the other answers the same document again: Intacct runs the
/// control id once, and both report the proposal posted instead of one failing because the
/// other recorded the posting first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_finishing_one_posting_both_report_it_posted() {
    let w = world(common::runtime(), &common::model_cache()).await;
    let big = big_invoice();
    let pending = w.pipeline.process(pdf(&big)).await.unwrap().proposal;
    assert_eq!(pending.state, State::Pending);
    let other = |writer| {
        ledgerline::process::Pipeline::new(
            w.pipeline.reader().clone(),
            w.pipeline.suggester().clone(),
            w.pipeline.store().clone(),
            writer,
            2,
        )
    };
    // Approved where no Intacct connection is configured: it waits to be posted.
    let approved = other(None)
        .approve(&pending.id, pending.version, "alice", "")
        .await
        .unwrap();
    assert_eq!(approved.state, State::Approved);
    let second = other(Some(pipeline_support::writer(&w.fake)));
    let (a, b) = tokio::join!(w.pipeline.resume_postings(), second.resume_postings());
    let (a, b) = (a.unwrap(), b.unwrap());
    assert!(a + b >= 1, "nobody posted it");
    let posted = w.pipeline.store().get(&pending.id).unwrap();
    assert_eq!(posted.state, State::Posted, "{:?}", posted.posting);
    let control_id = ledgerline::intacct::control_id(&pending.id);
    assert_eq!(w.fake.records_per_control_id().get(&control_id), Some(&1));
}

/// A statement of 1,500 transactions is coded as one embedding job: it used to send one queue
/// job per line into the 1,024-slot queue, and always failed with "overloaded".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_longer_than_the_embedding_queue_is_coded_whole() {
    let world = world(common::runtime(), &common::model_cache()).await;
    let field = |value: String| {
        serde_json::json!({
            "value": value, "raw": value, "confidence": 1.0, "page": 0,
            "bbox": {"x0": 0.0, "y0": 0.0, "x1": 1.0, "y1": 1.0}
        })
    };
    let transactions: Vec<serde_json::Value> = (0..1_500)
        .map(|i| {
            serde_json::json!({
                "date": field(format!("2025-03-{:02}", i % 28 + 1)),
                "description": field(format!("CARD PURCHASE OFFICE SUPPLIES {i}")),
                "amount": field(format!("-{}.{:02}", 10 + i % 90, i % 100)),
                "balance": null,
                "confidence": 1.0
            })
        })
        .collect();
    let extraction: ledgerline::lines::Extraction = serde_json::from_value(serde_json::json!({
        "kind": "bank_statement",
        "invoice": null,
        "statement": {
            "bank_name": field("First Bank".into()),
            "account_number": null, "period_start": field("2025-03-01".into()),
            "period_end": field("2025-03-31".into()), "currency": field("USD".into()),
            "opening_balance": null, "closing_balance": null,
            "transactions": transactions
        },
        "checks": [], "warnings": []
    }))
    .unwrap();
    let chart = pipeline_support::chart();
    let built = ledgerline::propose::build(
        &extraction,
        &chart.company,
        None,
        None,
        &chart,
        &ledgerline::route::Policy::default(),
        world.pipeline.suggester(),
    )
    .await
    .unwrap();
    // One suggestion per transaction; the bank side of each is coded by the policy.
    let coded: Vec<_> = built.suggestions.iter().flatten().collect();
    assert_eq!(coded.len(), 1_500);
    assert!(coded.iter().all(|s| {
        s.best(ledgerline::company::Field::Account)
            .is_some_and(|c| c.value.is_some())
    }));
    assert_eq!(built.entry.lines.len(), built.suggestions.len());
}

/// The pipeline on a real Qdrant server codes documents exactly as on the embedded index: the
/// same history, the same proposals, line by line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pipeline_on_a_qdrant_server_proposes_what_it_does_on_the_embedded_index() {
    let qdrant = tokio::task::spawn_blocking(common::QdrantServer::start)
        .await
        .unwrap();
    let (runtime, cache) = (common::runtime(), common::model_cache());
    let embedded = world(runtime.clone(), &cache).await;
    let server = pipeline_support::world_on(runtime, &cache, Some(&qdrant.url), None).await;
    let ids: Vec<String> = document_ids("inv-")
        .into_iter()
        .step_by(7)
        .take(4)
        .collect();
    for id in &ids {
        let mut proposals = Vec::new();
        for w in [&embedded, &server] {
            let mut request = pdf(id);
            request.dry_run = true;
            proposals.push(w.pipeline.process(request).await.unwrap().proposal);
        }
        let codings = |p: &ledgerline::propose::Proposal| -> Vec<_> {
            p.entry
                .lines
                .iter()
                .map(|l| {
                    (
                        l.amount,
                        l.coding.account.clone(),
                        l.coding.department.clone(),
                    )
                })
                .collect()
        };
        assert!(!proposals[0].entry.lines.is_empty(), "{id}");
        assert_eq!(codings(&proposals[0]), codings(&proposals[1]), "{id}");
        assert_eq!(
            proposals[0].routing.action, proposals[1].routing.action,
            "{id}"
        );
    }
}
