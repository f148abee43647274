//! `ledgerline batch` killed at random moments and started again: in the end every document is
//! reported once, stored once and posted at most once.

use crate::common;
use crate::pipeline_support;

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ledgerline::batch::Record;
use rand::{Rng, SeedableRng};

fn batch(
    input: &std::path::Path,
    out: &std::path::Path,
    data: &std::path::Path,
    fake: &ledgerline::fake_intacct::FakeHandle,
) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ledgerline"));
    command
        .arg("batch")
        .arg(input)
        .args(["--company", "SYNTH", "--concurrency", "3"])
        .arg("--out")
        .arg(out)
        .arg("--data-dir")
        .arg(data)
        .env("LEDGERLINE_MODELS_DIR", common::model_cache().root())
        .env_remove("LEDGERLINE_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    pipeline_support::intacct_env(&mut command, fake);
    command.spawn().unwrap()
}

/// `batch` in this process over `input`, results in `data`/out.jsonl; the test adds the rest.
fn local_batch(input: &std::path::Path, data: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ledgerline"));
    command
        .arg("batch")
        .arg(input)
        .args(["--company", "SYNTH"])
        .arg("--out")
        .arg(data.join("out.jsonl"))
        .arg("--data-dir")
        .arg(data)
        .env("LEDGERLINE_MODELS_DIR", common::model_cache().root());
    command
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_killed_ten_times_still_processes_every_document_exactly_once() {
    let data = tempfile::tempdir().unwrap();
    pipeline_support::company_data_dir(data.path(), common::embedder()).await;
    let fake = pipeline_support::fake_for_chart().await;

    // A backlog of text PDFs: invoices of every family, credit notes and statements.
    let input = tempfile::tempdir().unwrap();
    let ids = pipeline_support::backlog_ids();
    pipeline_support::copy_documents(&ids, input.path());
    let out = data.path().join("results.jsonl");

    let seed: u64 = rand::rng().random();
    eprintln!("kill schedule seed {seed}");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut kills = 0;
    let reported = || {
        std::fs::read_to_string(&out)
            .unwrap_or_default()
            .lines()
            .count()
    };
    while kills < 10 {
        let before = reported();
        let mut child = batch(input.path(), &out, data.path(), &fake);
        // Start-up (models, index) takes about half a second; kills land before, during and
        // between documents. A run is also killed soon after its first report, so that how
        // fast the machine is never lets the backlog finish before the tenth kill.
        let mut after = Duration::from_millis(rng.random_range(50..1000));
        let started = Instant::now();
        let (mut finished, mut cut) = (false, false);
        while started.elapsed() < after {
            if child.try_wait().unwrap().is_some() {
                finished = true;
                break;
            }
            if !cut && reported() > before {
                cut = true;
                after =
                    after.min(started.elapsed() + Duration::from_millis(rng.random_range(0..60)));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        if finished {
            break;
        }
        child.kill().unwrap();
        child.wait().unwrap();
        kills += 1;
        eprintln!(
            "kill {kills} after {:?}: {} documents reported",
            started.elapsed(),
            reported()
        );
    }
    assert_eq!(
        kills, 10,
        "the batch finished before it could be killed ten times"
    );
    let child = batch(input.path(), &out, data.path(), &fake);
    let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "after {kills} kills: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("posted"), "{stdout}");

    // Reported once each.
    let records = pipeline_support::records_reported_once(&out, ids.len());

    // Stored once each, and nothing left half-way between approval and posting.
    let store =
        ledgerline::review::Store::open(&ledgerline::db::Location::new(data.path(), None)).unwrap();
    let counts: HashMap<String, u64> = store.counts("SYNTH").unwrap().into_iter().collect();
    assert_eq!(counts.values().sum::<u64>(), ids.len() as u64, "{counts:?}");
    assert!(!counts.contains_key("approved"), "{counts:?}");
    assert!(!counts.contains_key("failed"), "{counts:?}");

    // Posted at most once each, and exactly the documents reported as posted.
    let per_control = fake.records_per_control_id();
    assert!(per_control.values().all(|n| *n == 1), "{per_control:?}");
    let posted: Vec<&Record> = records.iter().filter(|r| r.state == "posted").collect();
    assert!(!posted.is_empty());
    assert_eq!(per_control.len(), posted.len());
    for r in posted {
        assert_eq!(
            per_control.get(&ledgerline::intacct::control_id(&r.proposal_id)),
            Some(&1),
            "{}",
            r.external_id
        );
    }
    let mut conn = ledgerline::db::open_dir(data.path()).unwrap();
    assert!(ledgerline::audit::verify(&mut conn).unwrap().is_intact());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn against_a_server_a_batch_sends_its_token_and_stops_when_refused() {
    let data = tempfile::tempdir().unwrap();
    pipeline_support::company_data_dir(data.path(), common::embedder()).await;
    let dir = data.path().to_path_buf();
    let server = common::TestServer::start(move |c| c.data_dir = dir).await;
    let token = common::create_token(data.path(), "uploader", ledgerline::auth::Role::Ingest);
    let input = tempfile::tempdir().unwrap();
    pipeline_support::copy_documents(&pipeline_support::document_ids("inv-")[..3], input.path());
    let run = |token: &str, out: &str| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ledgerline"));
        command
            .arg("batch")
            .arg(input.path())
            .args([
                "--company",
                "SYNTH",
                "--server",
                &server.grpc_url,
                "--token",
                token,
            ])
            .arg("--out")
            .arg(data.path().join(out));
        command
    };
    let mut command = run("llt_wrong", "refused.jsonl");
    let refused = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("refused the batch"), "{stderr}");
    let mut command = run(&token, "ok.jsonl");
    let accepted = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&accepted.stdout);
    // Without an Intacct connection nothing is posted: documents wait or stay approved.
    assert!(accepted.status.success(), "{stdout}");
    let lines = std::fs::read_to_string(data.path().join("ok.jsonl")).unwrap();
    let records: Vec<Record> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 3, "{lines}");
    assert!(records.iter().all(|r| !r.proposal_id.is_empty()), "{lines}");
    server.stop().await.unwrap();
}

/// The Qdrant URL in the environment reaches the index `batch` reads (it used to be ignored,
/// and the embedded index under the data directory was read instead), and a company with no
/// history there is an error naming that index, not a batch of lines with no account.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_reads_the_qdrant_server_in_the_environment_and_refuses_an_empty_one() {
    let data = tempfile::tempdir().unwrap();
    // History in the embedded index only: the server below holds none.
    pipeline_support::company_data_dir(data.path(), common::embedder()).await;
    let qdrant = tokio::task::spawn_blocking(common::QdrantServer::start)
        .await
        .unwrap();
    let input = tempfile::tempdir().unwrap();
    pipeline_support::copy_documents(&pipeline_support::document_ids("inv-")[..2], input.path());
    let mut command = local_batch(input.path(), data.path());
    command
        .env("LEDGERLINE_QDRANT_URL", &qdrant.url)
        .env_remove("LEDGERLINE_CONFIG")
        .env_remove("LEDGERLINE_INTACCT_COMPANY");
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "{stdout}");
    let expected = format!("has no history in the Qdrant server at {}", qdrant.url);
    assert_eq!(
        stdout.matches(&expected).count(),
        2,
        "every document fails naming the server:\n{stdout}"
    );
}

/// The database URL in the environment reaches an in-process batch: its proposals and audit
/// entries go to PostgreSQL, and no SQLite file appears under the data directory.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_stores_in_the_postgresql_database_of_the_environment() {
    let data = tempfile::tempdir().unwrap();
    pipeline_support::company_data_dir(data.path(), common::embedder()).await;
    let (_postgres, url) = common::postgres::Postgres::with_database("batch").await;
    let input = tempfile::tempdir().unwrap();
    pipeline_support::copy_documents(&pipeline_support::document_ids("inv-")[..2], input.path());
    let mut command = local_batch(input.path(), data.path());
    command
        .env("LEDGERLINE_DATABASE_URL", &url)
        .env_remove("LEDGERLINE_CONFIG")
        .env_remove("LEDGERLINE_QDRANT_URL")
        .env_remove("LEDGERLINE_INTACCT_COMPANY");
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        !ledgerline::db::path(data.path()).exists(),
        "nothing went to the SQLite file"
    );
    let counts = tokio::task::spawn_blocking(move || {
        let store =
            ledgerline::review::Store::open(&ledgerline::db::Location::Postgres(url)).unwrap();
        store.counts("SYNTH").unwrap()
    })
    .await
    .unwrap();
    assert_eq!(counts.iter().map(|(_, n)| n).sum::<u64>(), 2, "{counts:?}");
}
