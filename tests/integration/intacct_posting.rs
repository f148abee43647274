//! Posting through both APIs into the fake Intacct and reading back: round trips (including
//! hostile characters), typed errors, per-company limits and secret hygiene.

use crate::intacct_support;

use intacct_support::*;
use ledgerline::fake_intacct::Record;
use ledgerline::intacct::{Ledger, LedgerError, control_id};

async fn round_trip<L: Ledger>(ledger: &L, fake: &ledgerline::fake_intacct::FakeHandle, tag: &str) {
    let entry = journal(&format!("Payroll accrual {tag}"), "1450.80");
    let posted = ledger
        .post_journal_entry(None, &format!("je-{tag}"), &entry)
        .await
        .unwrap();
    assert!(!posted.already_posted);
    assert_eq!(posted.control_id, control_id(&format!("je-{tag}")));
    let stored = ledger
        .find_journal_entry(None, &posted.control_id)
        .await
        .unwrap()
        .expect("the entry is found by its control id");
    assert_eq!(stored.record_no, posted.record_no);
    assert_eq!(stored.value, entry);

    let bill = bill(&format!("Office supplies {tag}"));
    let posted_bill = ledger
        .post_ap_bill(None, &format!("bill-{tag}"), &bill)
        .await
        .unwrap();
    let stored = ledger
        .find_ap_bill(None, &posted_bill.control_id)
        .await
        .unwrap()
        .expect("the bill is found by its control id");
    assert_eq!(stored.value, bill);
    assert_ne!(posted_bill.record_no, posted.record_no);

    // The fake kept exactly what was sent, in the configured state (draft by default).
    let postings = fake.postings();
    let kept = postings
        .iter()
        .find(|p| p.control_id == posted.control_id)
        .unwrap();
    match &kept.record {
        Record::Journal { entry: kept, state } => {
            assert_eq!(kept, &entry);
            assert!(state.eq_ignore_ascii_case("draft"), "{state}");
        }
        other => panic!("expected a journal entry, got {other:?}"),
    }
    assert!(
        ledger
            .find_journal_entry(None, "ll-never-posted")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn journal_entries_and_bills_round_trip_through_the_xml_gateway() {
    let fake = fake(10).await;
    round_trip(&xml(&fake), &fake, "xml").await;
}

#[tokio::test]
async fn journal_entries_and_bills_round_trip_through_rest() {
    let fake = fake(10).await;
    round_trip(&rest(&fake), &fake, "rest").await;
}

const HOSTILE: &str = "Fish & chips <b>bold</b> \"quoted\" 'single' ]]> 🧾💶 שלום עולם مرحبا &amp;";

async fn hostile_text<L: Ledger>(ledger: &L, proposal: &str) {
    let mut entry = journal(HOSTILE, "12.34");
    entry.lines[1].memo = format!("{HOSTILE} / credit");
    let posted = ledger
        .post_journal_entry(None, proposal, &entry)
        .await
        .unwrap();
    let stored = ledger
        .find_journal_entry(None, &posted.control_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.value.description, HOSTILE);
    assert_eq!(stored.value, entry);

    let mut bill = bill(HOSTILE);
    bill.lines[0].memo = HOSTILE.into();
    let posted = ledger
        .post_ap_bill(None, &format!("{proposal}-bill"), &bill)
        .await
        .unwrap();
    let stored = ledger
        .find_ap_bill(None, &posted.control_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.value, bill);
}

#[tokio::test]
async fn special_characters_survive_the_xml_gateway() {
    let fake = fake(10).await;
    hostile_text(&xml(&fake), "hostile-xml").await;
}

#[tokio::test]
async fn special_characters_survive_rest() {
    let fake = fake(10).await;
    hostile_text(&rest(&fake), "hostile-rest").await;
}

#[tokio::test]
async fn posting_into_an_entity_targets_that_entity() {
    let fake = fake(10).await;
    for ledger_kind in ["xml", "rest"] {
        let entry = journal("entity posting", "5.00");
        let proposal = format!("entity-{ledger_kind}");
        let posted = match ledger_kind {
            "xml" => {
                xml(&fake)
                    .post_journal_entry(Some("EU"), &proposal, &entry)
                    .await
            }
            _ => {
                rest(&fake)
                    .post_journal_entry(Some("EU"), &proposal, &entry)
                    .await
            }
        }
        .unwrap();
        let kept = fake.postings();
        let kept = kept
            .iter()
            .find(|p| p.control_id == posted.control_id)
            .unwrap();
        assert!(
            kept.entity.as_deref() == Some("EU") && matches!(kept.record, Record::Journal { .. }),
            "{kept:?}"
        );
    }
}

#[tokio::test]
async fn wrong_credentials_give_an_authentication_error_on_both_apis() {
    let fake = fake(10).await;
    let mut creds = credentials(&fake);
    creds.user_password = Some(ledgerline::intacct::Secret::new("wrong-password-123"));
    let xml = ledgerline::intacct::xml::XmlLedger::new(
        config(&fake, ledgerline::intacct::ApiKind::Xml),
        creds,
    )
    .unwrap();
    let err = xml.accounts(None).await.unwrap_err();
    assert!(matches!(err, LedgerError::Authentication { .. }), "{err:?}");
    assert!(
        err.to_string().contains("ledgerline intacct check"),
        "{err}"
    );

    let mut creds = credentials(&fake);
    creds.client_secret = Some(ledgerline::intacct::Secret::new("wrong-client-secret"));
    let rest = ledgerline::intacct::rest::RestLedger::new(
        config(&fake, ledgerline::intacct::ApiKind::Rest),
        creds,
    )
    .unwrap();
    let err = rest.accounts(None).await.unwrap_err();
    assert!(matches!(err, LedgerError::Authentication { .. }), "{err:?}");
    // Nothing was posted by failed sign-ins.
    assert!(fake.postings().is_empty());
}

#[tokio::test]
async fn an_unknown_entity_gives_a_typed_error_on_both_apis() {
    let fake = fake(10).await;
    let entry = journal("nowhere", "1.00");
    let err = xml(&fake)
        .post_journal_entry(Some("MARS"), "p-mars", &entry)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, LedgerError::UnknownEntity { entity } if entity == "MARS"),
        "{err:?}"
    );
    let err = rest(&fake)
        .post_journal_entry(Some("MARS"), "p-mars", &entry)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, LedgerError::UnknownEntity { entity } if entity == "MARS"),
        "{err:?}"
    );
    assert!(err.to_string().contains("MARS"));
    assert!(fake.postings().is_empty());
}

#[tokio::test]
async fn an_inactive_account_gives_a_typed_error_on_both_apis() {
    let fake = fake(10).await;
    let inactive = fake
        .company()
        .accounts
        .iter()
        .find(|a| !a.active)
        .unwrap()
        .id
        .clone();
    let mut entry = journal("old account", "9.99");
    entry.lines[0].account = inactive.clone();
    let err = xml(&fake)
        .post_journal_entry(None, "p-old", &entry)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, LedgerError::InactiveAccount { account, .. } if *account == inactive),
        "{err:?}"
    );
    let mut bill = bill("old account");
    bill.lines[1].account = inactive.clone();
    let err = rest(&fake)
        .post_ap_bill(None, "p-old-bill", &bill)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, LedgerError::InactiveAccount { account, .. } if *account == inactive),
        "{err:?}"
    );
    assert!(err.to_string().contains("inactive"), "{err}");
    assert!(fake.postings().is_empty());
}

#[tokio::test]
async fn an_unbalanced_entry_is_rejected_with_intacct_s_message() {
    let fake = fake(10).await;
    let mut entry = journal("unbalanced", "10.00");
    entry.lines[1].amount = money("-9.99");
    let err = xml(&fake)
        .post_journal_entry(None, "p-unbalanced", &entry)
        .await
        .unwrap_err();
    match err {
        LedgerError::Rejected { message, .. } => assert!(message.contains("balance"), "{message}"),
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[tokio::test]
async fn concurrent_requests_stay_within_the_company_limit() {
    let fake = fake(10).await;
    let mut config = config(&fake, ledgerline::intacct::ApiKind::Xml);
    config.limits.max_concurrent = 2;
    fake.set_faults(ledgerline::fake_intacct::Faults::script((0..6).map(|_| {
        ledgerline::fake_intacct::Fault::Latency(std::time::Duration::from_millis(50))
    })));
    let ledger = ledgerline::intacct::xml::XmlLedger::new(config, credentials(&fake)).unwrap();
    let entries: Vec<_> = (0..12)
        .map(|i| journal(&format!("limit {i}"), "1.00"))
        .collect();
    let posts = entries.iter().enumerate().map(|(i, e)| {
        let ledger = ledger.clone();
        async move {
            ledger
                .post_journal_entry(None, &format!("limit-{i}"), e)
                .await
        }
    });
    for result in futures::future::join_all(posts).await {
        result.unwrap();
    }
    assert_eq!(fake.postings().len(), 12);
    assert!(
        fake.max_in_flight() <= 2,
        "{} in flight",
        fake.max_in_flight()
    );
    assert!(fake.max_in_flight() >= 1);
}

#[tokio::test]
async fn rest_signs_in_with_a_refresh_token_and_renews_with_the_rotated_one() {
    let fake = fake(10).await;
    let mut creds = credentials(&fake);
    creds.user_id = None;
    creds.refresh_token = Some(ledgerline::intacct::Secret::new(
        &fake.config().refresh_token,
    ));
    let ledger = ledgerline::intacct::rest::RestLedger::new(
        config(&fake, ledgerline::intacct::ApiKind::Rest),
        creds.clone(),
    )
    .unwrap();
    ledger
        .post_journal_entry(None, "refresh-1", &journal("refresh", "2.00"))
        .await
        .unwrap();
    fake.expire_sessions();
    ledger
        .post_journal_entry(None, "refresh-2", &journal("refresh", "2.00"))
        .await
        .unwrap();
    assert_eq!(fake.postings().len(), 2);

    // A revoked refresh token falls back to client credentials when a user is configured...
    creds.refresh_token = Some(ledgerline::intacct::Secret::new("revoked"));
    let mut with_user = creds.clone();
    with_user.user_id = Some(fake.config().user_id.clone());
    let fallback = ledgerline::intacct::rest::RestLedger::new(
        config(&fake, ledgerline::intacct::ApiKind::Rest),
        with_user,
    )
    .unwrap();
    assert!(!fallback.accounts(None).await.unwrap().is_empty());
    // ...and is a clear authentication error when none is.
    let stuck = ledgerline::intacct::rest::RestLedger::new(
        config(&fake, ledgerline::intacct::ApiKind::Rest),
        creds,
    )
    .unwrap();
    let err = stuck.accounts(None).await.unwrap_err();
    assert!(matches!(err, LedgerError::Authentication { .. }), "{err:?}");
}
