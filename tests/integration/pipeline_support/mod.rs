//! The whole pipeline over the fixtures: the synthetic company's chart and routing policy, the
//! history of the document corpus's suppliers in a real embedded Qdrant Edge index, the real
//! reading models and MiniLM, a real SQLite queue, and a fake Intacct serving the same chart.
//! Test binaries that use it also declare `mod intacct_support;`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ledgerline::company::{Chart, read_history};
use ledgerline::embed::{EmbedQueue, Embedder, QueueParams};
use ledgerline::fake_intacct::{self, FakeConfig, FakeHandle};
use ledgerline::history::HistoryRecord;
use ledgerline::intacct::ApiKind;
use ledgerline::process::{Pipeline, Writer};
use ledgerline::read::{Reader, ReaderOptions};
use ledgerline::review::Store;
use ledgerline::route::Policy;
use ledgerline::suggest::Suggester;

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

pub fn chart() -> Chart {
    Chart::load(&fixtures().join("company/chart.json")).unwrap()
}

/// The company's history of the items the documents sell (the rest of its history adds time,
/// not coverage, to these tests).
pub fn supplier_history() -> Vec<HistoryRecord> {
    read_history(&fixtures().join("company/supplier-history.jsonl.gz")).unwrap()
}

/// A data directory holding the company: chart, policy and indexed supplier history. The
/// index is closed again before this returns, so another process may open it.
pub async fn company_data_dir(dir: &Path, embedder: Embedder) {
    company_data_dir_on(dir, embedder, None).await
}

/// [`company_data_dir`] with the history in the Qdrant server at `qdrant_url` when given.
pub async fn company_data_dir_on(dir: &Path, embedder: Embedder, qdrant_url: Option<&str>) {
    let chart = chart();
    let queue = EmbedQueue::start(embedder, QueueParams::default());
    let index = ledgerline::index::open(dir, qdrant_url, Default::default()).unwrap();
    ledgerline::import::index_records(
        supplier_history(),
        &queue,
        index.as_ref(),
        dir,
        Some(&chart),
        None,
    )
    .await
    .unwrap();
    let policy = Policy::path(dir, &chart.company).unwrap();
    std::fs::copy(fixtures().join("company/policy.toml"), policy).unwrap();
}

pub async fn fake_for_chart() -> FakeHandle {
    let chart = chart();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    fake_intacct::start(
        listener,
        FakeConfig {
            company_id: chart.company.clone(),
            entities: chart.entities.iter().map(|e| e.id.clone()).collect(),
            chart: Some(chart),
            ..FakeConfig::default()
        },
    )
    .unwrap()
}

/// A writer posting into `fake` over the XML gateway.
pub fn writer(fake: &FakeHandle) -> Writer {
    Writer::connect(
        crate::intacct_support::config(fake, ApiKind::Xml),
        crate::intacct_support::credentials(fake),
    )
    .unwrap()
}

/// The environment that points a `ledgerline` child process at `fake` over the XML gateway.
pub fn intacct_env(command: &mut std::process::Command, fake: &FakeHandle) {
    let c = fake.config();
    command
        .env("LEDGERLINE_INTACCT_COMPANY", &c.company_id)
        .env("LEDGERLINE_INTACCT_ENDPOINT", fake.xml_url())
        .env("LEDGERLINE_INTACCT_API", "xml")
        .env("LEDGERLINE_INTACCT_SENDER_ID", &c.sender_id)
        .env("LEDGERLINE_INTACCT_SENDER_PASSWORD", &c.sender_password)
        .env("LEDGERLINE_INTACCT_USER_ID", &c.user_id)
        .env("LEDGERLINE_INTACCT_USER_PASSWORD", &c.user_password);
}

/// A pipeline posting into `fake`, over a fresh data directory.
pub struct World {
    pub fake: FakeHandle,
    pub pipeline: Arc<Pipeline>,
    pub data: tempfile::TempDir,
    /// Where the queue and the audit log are: SQLite under `data`, or a PostgreSQL database.
    pub database: ledgerline::db::Location,
}

pub async fn world(
    runtime: Arc<ledgerline::runtime::NativeRuntime>,
    cache: &ledgerline::models::ModelCache,
) -> World {
    world_on(runtime, cache, None, None).await
}

/// [`world`] over the Qdrant server at `qdrant_url` when given, the embedded index otherwise,
/// and the PostgreSQL database at `database_url` when given, SQLite otherwise.
pub async fn world_on(
    runtime: Arc<ledgerline::runtime::NativeRuntime>,
    cache: &ledgerline::models::ModelCache,
    qdrant_url: Option<&str>,
    database_url: Option<&str>,
) -> World {
    let data = tempfile::tempdir().unwrap();
    company_data_dir_on(
        data.path(),
        Embedder::from_cache(cache).unwrap(),
        qdrant_url,
    )
    .await;
    let fake = fake_for_chart().await;
    let writer = writer(&fake);
    let reader = Arc::new(Reader::new(runtime, cache, ReaderOptions::default()).unwrap());
    let queue = EmbedQueue::start(Embedder::from_cache(cache).unwrap(), QueueParams::default());
    let index = ledgerline::index::open(data.path(), qdrant_url, Default::default()).unwrap();
    let suggester = Arc::new(Suggester::new(queue, index, data.path()));
    let database = ledgerline::db::Location::new(data.path(), database_url);
    let store = {
        let database = database.clone();
        Arc::new(
            tokio::task::spawn_blocking(move || Store::open(&database).unwrap())
                .await
                .unwrap(),
        )
    };
    let pipeline = Arc::new(Pipeline::new(reader, suggester, store, Some(writer), 2));
    World {
        fake,
        pipeline,
        data,
        database,
    }
}

/// A mixed backlog: every third invoice of every family and every fifth statement.
pub fn backlog_ids() -> Vec<String> {
    document_ids("inv-")
        .into_iter()
        .step_by(3)
        .chain(document_ids("stm-").into_iter().step_by(5))
        .collect()
}

/// Copies the text PDFs of `ids` into `dir`, as a folder a batch reads.
pub fn copy_documents(ids: &[String], dir: &Path) {
    for id in ids {
        std::fs::copy(
            fixtures().join(format!("documents/{id}.pdf")),
            dir.join(format!("{id}.pdf")),
        )
        .unwrap();
    }
}

/// The records of a batch's results file, after checking that each of `expected` documents
/// is reported exactly once.
pub fn records_reported_once(out: &Path, expected: usize) -> Vec<ledgerline::batch::Record> {
    let records: Vec<ledgerline::batch::Record> = std::fs::read_to_string(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut reported: std::collections::HashMap<&str, usize> = Default::default();
    for r in &records {
        *reported.entry(r.external_id.as_str()).or_default() += 1;
    }
    assert_eq!(reported.len(), expected, "{reported:?}");
    assert!(reported.values().all(|n| *n == 1), "{reported:?}");
    records
}

/// A fixture document's ground truth.
pub fn truth(id: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(fixtures().join(format!("documents/{id}.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Ids of the fixture documents of one kind ("invoice" or "statement"), sorted.
pub fn document_ids(prefix: &str) -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(fixtures().join("documents"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            name.strip_suffix(".json")
                .filter(|id| id.starts_with(prefix))
                .map(str::to_string)
        })
        .collect();
    ids.sort();
    ids
}
