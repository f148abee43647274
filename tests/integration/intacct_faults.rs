//! Exactly-once posting under every fault the fake can inject: each proposal ends as exactly
//! one record, whether the failure came before or after Intacct carried the request out.

use crate::intacct_support;

use std::time::Duration;

use intacct_support::*;
use ledgerline::fake_intacct::{FakeHandle, Fault, Faults};
use ledgerline::intacct::{Ledger, control_id};

/// Longer than the clients' 1 s timeout, so the client gives up after the fake committed.
const SLOW: Duration = Duration::from_millis(1500);

async fn each_fault_once<L: Ledger>(ledger: &L, fake: &FakeHandle, api: &str) {
    for (i, fault) in Fault::all(SLOW).into_iter().enumerate() {
        // The fault hits the first request of the posting (the session is already open).
        fake.set_faults(Faults::script([fault.clone()]));
        let proposal = format!("{api}-fault-{i}");
        let posted = if i % 2 == 0 {
            ledger
                .post_journal_entry(None, &proposal, &journal("fault", "10.00"))
                .await
        } else {
            ledger.post_ap_bill(None, &proposal, &bill("fault")).await
        }
        .unwrap_or_else(|e| panic!("{fault:?}: {e}"));
        assert_eq!(fake.faults_injected(), 1, "{fault:?} was injected");
        let after_commit = matches!(
            fault,
            Fault::DropAfterCommit | Fault::ServerErrorAfterCommit | Fault::Latency(_)
        );
        assert_eq!(posted.already_posted, after_commit, "{fault:?}");
        let counts = fake.records_per_control_id();
        assert_eq!(counts.get(&control_id(&proposal)), Some(&1), "{fault:?}");
    }
    assert_eq!(fake.postings().len(), Fault::all(SLOW).len());
}

#[tokio::test]
async fn every_fault_mode_ends_in_exactly_one_record_over_xml() {
    let fake = fake(10).await;
    let ledger = xml(&fake);
    ledger.accounts(None).await.unwrap();
    each_fault_once(&ledger, &fake, "xml").await;
}

#[tokio::test]
async fn every_fault_mode_ends_in_exactly_one_record_over_rest() {
    let fake = fake(10).await;
    let ledger = rest(&fake);
    ledger.accounts(None).await.unwrap();
    each_fault_once(&ledger, &fake, "rest").await;
}

async fn many_postings<L: Ledger + Clone>(ledger: L, fake: &FakeHandle, api: &str, seed: u64) {
    const N: usize = 150;
    let before = fake.postings().len();
    fake.set_faults(Faults::random(seed, 0.3, Fault::all(SLOW)));
    let posts = (0..N).map(|i| {
        let ledger = ledger.clone();
        async move {
            let proposal = format!("{api}-many-{i}");
            let result = if i % 3 == 0 {
                ledger
                    .post_ap_bill(None, &proposal, &bill(&format!("bill {i}")))
                    .await
            } else {
                ledger
                    .post_journal_entry(None, &proposal, &journal(&format!("entry {i}"), "3.50"))
                    .await
            };
            (proposal, result)
        }
    });
    let results = futures::future::join_all(posts).await;
    let injected = fake.faults_injected();
    fake.set_faults(Faults::none());
    let counts = fake.records_per_control_id();
    let mut replays = 0;
    for (proposal, result) in results {
        let posted = result.unwrap_or_else(|e| panic!("{proposal}: {e}"));
        replays += usize::from(posted.already_posted);
        assert_eq!(counts.get(&posted.control_id), Some(&1), "{proposal}");
    }
    assert_eq!(fake.postings().len() - before, N);
    assert!(injected > 30, "{injected} faults");
    assert!(
        replays > 0,
        "some postings must have been found after a lost answer"
    );
}

#[tokio::test]
async fn three_hundred_postings_under_random_faults_each_end_as_one_record() {
    let fake = fake(10).await;
    many_postings(xml(&fake), &fake, "xml", 7).await;
    many_postings(rest(&fake), &fake, "rest", 11).await;
    assert_eq!(fake.postings().len(), 300);
    let counts = fake.records_per_control_id();
    assert_eq!(counts.len(), 300);
    assert!(counts.values().all(|n| *n == 1));
}

#[tokio::test]
async fn a_dead_server_exhausts_the_retries_with_a_clear_error() {
    let fake = fake(10).await;
    let ledger = xml(&fake);
    fake.set_faults(Faults::random(1, 1.0, vec![Fault::ServerError]));
    let err = ledger
        .post_journal_entry(None, "never", &journal("never", "1.00"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ledgerline::intacct::LedgerError::RetriesExhausted { attempts: 20, .. }
        ),
        "{err:?}"
    );
    assert!(fake.postings().is_empty());
}
