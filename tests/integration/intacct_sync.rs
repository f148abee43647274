//! History sync and the chart cache against the fake: 25,000 GL-detail lines paged through
//! both APIs, session expiry in the middle of a sync, idempotent re-syncs.

use crate::intacct_support;

use std::collections::HashSet;

use intacct_support::*;
use ledgerline::history::{HistoryRecord, JsonlStore};
use ledgerline::intacct::cache::ChartCache;
use ledgerline::intacct::sync::{load_checkpoint, sync_history};
use ledgerline::intacct::{DimensionKind, Ledger};

const LINES: usize = 25_000;

/// Syncs into a vector; `on_page` runs after each page (to inject trouble).
async fn sync_all<L: Ledger>(
    ledger: &L,
    checkpoint: &std::path::Path,
    mut on_page: impl FnMut(usize),
) -> (Vec<HistoryRecord>, ledgerline::intacct::sync::SyncReport) {
    let mut got = Vec::new();
    let mut pages = 0;
    let report = sync_history(ledger, None, checkpoint, &mut |records, _| {
        got.extend_from_slice(records);
        pages += 1;
        on_page(pages);
        Ok(())
    })
    .await
    .unwrap();
    (got, report)
}

fn assert_complete(fake: &ledgerline::fake_intacct::FakeHandle, got: &[HistoryRecord]) {
    let ids: HashSet<&str> = got.iter().map(|r| r.line_id.as_str()).collect();
    assert_eq!(ids.len(), got.len(), "no line twice");
    assert_eq!(got.len(), LINES, "no line lost");
    // Spot-check the mapping against what the fake generated, sign included.
    for line in fake.company().gl_lines.iter().step_by(997) {
        let r = got
            .iter()
            .find(|r| r.line_id == line.record_no.to_string())
            .unwrap();
        let signed = if line.tr_type < 0 {
            -line.amount
        } else {
            line.amount
        };
        assert_eq!(r.amount, signed);
        assert_eq!(r.account, line.account);
        assert_eq!(r.memo, line.description);
        assert_eq!(r.department, line.department);
        assert_eq!(r.vendor_name, line.vendor.as_ref().map(|v| v.1.clone()));
        assert_eq!(r.posting_date, line.entry_date);
    }
}

#[tokio::test]
async fn xml_sync_pages_through_25000_lines_and_survives_session_expiry() {
    let fake = fake(LINES).await;
    let ledger = xml(&fake);
    let dir = tempfile::tempdir().unwrap();
    let checkpoint = dir.path().join("LEDGERCO.checkpoint.json");
    let handle = fake.clone();
    let (got, report) = sync_all(&ledger, &checkpoint, |page| {
        if page == 7 || page == 15 {
            handle.expire_sessions();
        }
    })
    .await;
    assert_complete(&fake, &got);
    assert!(report.pages >= 25, "readMore pages: {}", report.pages);
    assert_eq!(report.restarts, 2, "each expiry restarts the read once");
    let point = load_checkpoint(&checkpoint).unwrap();
    assert_eq!(
        point.last_record_no,
        fake.company().gl_lines.last().unwrap().record_no
    );

    // Nothing new: a second sync delivers nothing.
    let (again, _) = sync_all(&ledger, &checkpoint, |_| {}).await;
    assert!(again.is_empty(), "{} lines re-delivered", again.len());
}

#[tokio::test]
async fn rest_sync_pages_through_25000_lines_and_survives_token_expiry() {
    let fake = fake(LINES).await;
    let ledger = rest(&fake);
    let dir = tempfile::tempdir().unwrap();
    let checkpoint = dir.path().join("LEDGERCO.checkpoint.json");
    let handle = fake.clone();
    let (got, report) = sync_all(&ledger, &checkpoint, |page| {
        if page == 5 || page == 20 {
            handle.expire_sessions();
        }
    })
    .await;
    assert_complete(&fake, &got);
    assert_eq!(report.pages, 25);
}

#[tokio::test]
async fn an_interrupted_sync_resumes_into_the_jsonl_store_without_duplicates() {
    let fake = fake(3_000).await;
    let ledger = xml(&fake);
    let dir = tempfile::tempdir().unwrap();
    let checkpoint = dir.path().join("c.json");
    let path = dir.path().join("history").join("LEDGERCO.jsonl");

    // The first run "crashes" in the sink after writing two pages, before the checkpoint of
    // the second could move.
    let mut store = JsonlStore::open(&path).unwrap();
    let mut pages = 0;
    let err = sync_history(&ledger, None, &checkpoint, &mut |records, _| {
        store.append(records)?;
        pages += 1;
        if pages == 2 {
            return Err("simulated crash".into());
        }
        Ok(())
    })
    .await
    .unwrap_err();
    assert!(err.to_string().contains("simulated crash"), "{err}");
    assert_eq!(load_checkpoint(&checkpoint).unwrap().last_record_no, 10_999);

    let mut store = JsonlStore::open(&path).unwrap();
    let mut written = 0;
    sync_history(&ledger, None, &checkpoint, &mut |records, _| {
        written += store.append(records)?;
        Ok(())
    })
    .await
    .unwrap();
    assert_eq!(
        written, 1_000,
        "only the lines after the stored ones are new"
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let ids: HashSet<String> = text
        .lines()
        .map(|l| serde_json::from_str::<HistoryRecord>(l).unwrap().line_id)
        .collect();
    assert_eq!(text.lines().count(), 3_000);
    assert_eq!(ids.len(), 3_000);
}

#[tokio::test]
async fn the_chart_cache_loads_accounts_dimensions_and_vendors_from_both_apis() {
    let fake = fake(10).await;
    let company = fake.company().clone();
    for api in ["xml", "rest"] {
        let cache = ChartCache::new(None);
        assert!(cache.snapshot().refreshed_at.is_none());
        let snapshot = match api {
            "xml" => cache.refresh(&xml(&fake)).await,
            _ => cache.refresh(&rest(&fake)).await,
        }
        .unwrap();
        assert_eq!(snapshot.accounts.len(), company.accounts.len(), "{api}");
        for a in &company.accounts {
            assert_eq!(
                snapshot.account(&a.id).unwrap().active,
                a.active,
                "{api} {}",
                a.id
            );
        }
        assert_eq!(snapshot.vendors.len(), company.vendors.len());
        assert!(!snapshot.vendor("V0020").unwrap().active);
        assert!(
            !snapshot
                .dimension(DimensionKind::Department, "OLD")
                .unwrap()
                .active
        );
        assert!(snapshot.dimension(DimensionKind::Location, "EU").is_some());
        assert!(snapshot.dimension(DimensionKind::Project, "P100").is_some());
        assert!(snapshot.dimension(DimensionKind::Class, "GOV").is_some());
        assert!(std::sync::Arc::ptr_eq(&snapshot, &cache.snapshot()));
    }
}

#[tokio::test]
async fn the_cache_refreshes_on_demand_while_kept_fresh() {
    let fake = fake(10).await;
    let ledger = xml(&fake);
    let cache = ChartCache::new(None);
    let keeper = cache.keep_fresh(&ledger, std::time::Duration::from_secs(3600));
    tokio::pin!(keeper);
    // The first refresh happens at once; a requested one follows without waiting an hour.
    let mut seen = Vec::new();
    for _ in 0..2 {
        let before = cache.snapshot().refreshed_at;
        if !seen.is_empty() {
            cache.request_refresh();
        }
        let waited = tokio::time::timeout(std::time::Duration::from_secs(10), async {
            loop {
                tokio::select! {
                    () = &mut keeper => unreachable!("keep_fresh never returns"),
                    () = tokio::task::yield_now() => {}
                }
                if cache.snapshot().refreshed_at != before {
                    break;
                }
            }
        })
        .await;
        assert!(waited.is_ok(), "the cache refreshed");
        seen.push(cache.snapshot().refreshed_at);
    }
    assert_ne!(seen[0], seen[1]);
}
