//! Both vector indexes behind the one seam: embedded Qdrant Edge on a temporary directory
//! always; a real Qdrant server (QDRANT_URL, else one started from ../shared/tools/qdrant); and a
//! server that is down.

use crate::common;

use std::time::{Duration, Instant};

use ledgerline::embed::DIMENSIONS;
use ledgerline::history::{Date, HistoryRecord};
use ledgerline::index::{
    EdgeIndex, IndexError, IndexedLine, Quantization, Query, ServerIndex, VectorIndex, migrate,
};
use rust_decimal::Decimal;

fn record(company: &str, entity: &str, id: &str, account: &str) -> HistoryRecord {
    HistoryRecord {
        line_id: id.into(),
        company: company.into(),
        entity: Some(entity.into()),
        posting_date: Date::new(2025, 3, 14).unwrap(),
        amount: Decimal::new(-123_456, 2),
        memo: format!("memo {id}"),
        vendor_id: None,
        vendor_name: Some("Acme".into()),
        account: account.into(),
        department: Some("ENG".into()),
        location: None,
        project: Some("P100".into()),
        class: None,
        customer: None,
        modified_at: String::new(),
    }
}

/// A unit vector pointing mostly along axis `i`.
fn axis(i: usize) -> Vec<f32> {
    let mut v = vec![0.01f32; DIMENSIONS];
    v[i] = 1.0;
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    v.into_iter().map(|x| x / n).collect()
}

fn line(company: &str, entity: &str, id: &str, account: &str, i: usize) -> IndexedLine {
    IndexedLine {
        record: record(company, entity, id, account),
        vector: axis(i),
    }
}

fn query(company: &str, entity: Option<&str>, i: usize) -> Query {
    Query {
        company: company.into(),
        entity: entity.map(str::to_string),
        vector: axis(i),
        limit: 10,
    }
}

/// What every implementation must do: filter by company and entity, rank by similarity, keep
/// the payload exactly, and replace (not duplicate) a re-indexed line.
async fn contract(index: &dyn VectorIndex, company: &str) {
    let other = format!("{company}-other");
    let lines = vec![
        line(company, "US", "1", "6100", 0),
        line(company, "US", "2", "6200", 1),
        line(company, "UK", "3", "6300", 0),
        line(&other, "US", "1", "9999", 0),
    ];
    assert_eq!(index.upsert(lines).await.unwrap(), 4);
    let hits = index.search(query(company, None, 0)).await.unwrap();
    assert_eq!(hits.len(), 3, "only the company's lines");
    assert!(hits.iter().all(|h| h.record.company == company));
    assert!(
        hits[0].similarity > 0.99 && hits[2].similarity < 0.5,
        "{hits:?}"
    );
    let us = index.search(query(company, Some("US"), 0)).await.unwrap();
    assert_eq!(us.len(), 2);
    assert_eq!(us[0].record, {
        let mut r = record(company, "US", "1", "6100");
        r.vendor_name = Some("Acme".into());
        r
    });
    // Same line id again, new coding: replaced.
    index
        .upsert(vec![line(company, "US", "1", "6150", 0)])
        .await
        .unwrap();
    assert_eq!(index.count(company).await.unwrap(), 3);
    let top = index.search(query(company, Some("US"), 0)).await.unwrap();
    assert_eq!(top[0].record.account, "6150");
}

#[tokio::test]
async fn edge_index_filters_ranks_replaces_and_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = EdgeIndex::open(dir.path()).unwrap();
        contract(&index, "ACME").await;
    }
    let reopened = EdgeIndex::open(dir.path()).unwrap();
    assert_eq!(reopened.count("ACME").await.unwrap(), 3);
    let hits = reopened.search(query("ACME", Some("US"), 1)).await.unwrap();
    assert_eq!(hits[0].record.line_id, "2");
}

#[tokio::test]
async fn qdrant_server_index_keeps_the_same_contract() {
    // QDRANT_URL names a server to test against; without it, a throwaway one is started from
    // ../shared/tools/qdrant, so the server path runs in every test run.
    let (url, _server) = match std::env::var("QDRANT_URL") {
        Ok(url) => (url, None),
        Err(_) => {
            let server = tokio::task::spawn_blocking(common::QdrantServer::start)
                .await
                .unwrap();
            (server.url.clone(), Some(server))
        }
    };
    let index = ServerIndex::connect(&url, Duration::from_secs(5)).unwrap();
    assert_eq!(
        index.describe(),
        format!("the Qdrant server at {url}"),
        "messages name the server"
    );
    // A fresh company per run so earlier runs' points do not count.
    let company = format!("T{}", std::process::id());
    contract(&index, &company).await;
}

#[tokio::test]
async fn a_qdrant_server_that_is_down_is_unavailable_after_retries() {
    // Bind then drop: a port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let index =
        ServerIndex::connect(&format!("http://127.0.0.1:{port}"), Duration::from_secs(1)).unwrap();
    let started = Instant::now();
    let err = index.search(query("ACME", None, 0)).await.unwrap_err();
    match &err {
        IndexError::Unavailable { attempts, .. } => assert_eq!(*attempts, 3),
        other => panic!("expected Unavailable, got {other:?}"),
    }
    assert!(err.to_string().contains("--qdrant-url"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

/// A company's history moves from the embedded index to a server and back, in pages, vectors
/// and payloads intact, with int8 vectors on both sides; another company stays behind, and a
/// second run changes nothing.
#[tokio::test]
async fn history_migrates_between_the_embedded_index_and_a_server_and_back() {
    let server = tokio::task::spawn_blocking(common::QdrantServer::start)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let edge = EdgeIndex::open_with(&dir.path().join("a"), Quantization::Int8).unwrap();
    // More lines than one page of the copy, so the paging is exercised.
    let lines: Vec<IndexedLine> = (0..700)
        .map(|n| {
            let account = format!("{}", 6000 + n % 7);
            line("MOVE", "US", &format!("L{n}"), &account, n % DIMENSIONS)
        })
        .chain([line("STAY", "US", "1", "9999", 0)])
        .collect();
    edge.upsert(lines).await.unwrap();
    edge.optimize().await.unwrap();
    let remote = ServerIndex::connect(&server.url, Duration::from_secs(5))
        .unwrap()
        .with_quantization(Quantization::Int8);
    let mut seen = Vec::new();
    let done = migrate(&edge, &remote, "MOVE", |n, of| seen.push((n, of)))
        .await
        .unwrap();
    assert_eq!((done.source, done.copied, done.target), (700, 700, 700));
    assert_eq!(seen.last(), Some(&(700, 700)));
    assert!(seen.len() >= 3, "copied in pages: {seen:?}");
    assert_eq!(
        remote.count("STAY").await.unwrap(),
        0,
        "only the company asked for"
    );

    let back = EdgeIndex::open(&dir.path().join("b")).unwrap();
    migrate(&remote, &back, "MOVE", |_, _| {}).await.unwrap();
    // Again: ids are kept, so lines are replaced, not doubled.
    let again = migrate(&remote, &back, "MOVE", |_, _| {}).await.unwrap();
    assert_eq!((again.copied, again.target), (700, 700));
    // Axes past 700 - 384 hold one line each, so the best hit is the same line on every side.
    for i in [320, 350, 383] {
        let (a, b) = (
            edge.search(query("MOVE", None, i)).await.unwrap(),
            back.search(query("MOVE", None, i)).await.unwrap(),
        );
        assert_eq!(a[0].record, b[0].record, "axis {i}");
        assert!((a[0].similarity - b[0].similarity).abs() < 0.02, "axis {i}");
    }
    // Nothing to copy is no error here; the command turns it into one.
    let none = migrate(&edge, &back, "NOBODY", |_, _| {}).await.unwrap();
    assert_eq!((none.source, none.copied), (0, 0));
}

/// `eval index-latency` against a server: every round is printed, and `--reuse` queries what
/// an earlier run left instead of importing again, refusing a server that holds another count.
#[test]
fn index_latency_rounds_and_reuses_the_servers_lines() {
    let server = common::QdrantServer::start();
    let run = |extra: &[&str]| {
        let output = common::ledgerline_command()
            .args(["eval", "index-latency", "--queries", "20", "--qdrant-url"])
            .arg(&server.url)
            .args(extra)
            .output()
            .unwrap();
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let rounds = |out: &str| out.matches("search latency p50").count();

    let (ok, out, err) = run(&["--lines", "1500", "--rounds", "2"]);
    assert!(ok, "{err}");
    assert_eq!(rounds(&out), 2, "{out}");
    assert!(out.contains("1500 lines indexed in"), "{out}");

    let (ok, out, err) = run(&["--lines", "1500", "--rounds", "1", "--reuse"]);
    assert!(ok, "{err}");
    assert_eq!(rounds(&out), 1, "{out}");
    assert!(out.contains("indexed by an earlier run"), "{out}");

    let (ok, _, err) = run(&["--lines", "2000", "--reuse"]);
    assert!(!ok);
    assert!(err.contains("holds 1500 lines"), "{err}");
}
