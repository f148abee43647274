//! Several replicas, one company: two `ledgerline serve` processes on one PostgreSQL database and
//! one Qdrant server, a batch spread over both with `batch --server A,B`, and one replica killed
//! at random moments and started again while the batch runs. In the end every document is
//! stored once, posted at most once, reported once; reviewers approving the same proposal on
//! both replicas at once make one decision; and the shared audit chain verifies.

use crate::common;
use crate::pipeline_support;

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ledgerline::db::{Location, Sql};
use ledgerline::proto::v1 as pb;
use rand::{Rng, SeedableRng};
use tonic::Code;

struct Replica {
    port: u16,
    child: Option<Child>,
}

impl Replica {
    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn start(
        &mut self,
        data: &std::path::Path,
        qdrant: &str,
        database: &str,
        fake: &ledgerline::fake_intacct::FakeHandle,
    ) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log(data))
            .unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_ledgerline"));
        command
            .arg("serve")
            .args(["--listen", &format!("127.0.0.1:{}", self.port)])
            .args(["--metrics-listen", "off"])
            .arg("--data-dir")
            .arg(data)
            .env("LEDGERLINE_QDRANT_URL", qdrant)
            .env("LEDGERLINE_DATABASE_URL", database)
            .env("LEDGERLINE_MODELS_DIR", common::model_cache().root())
            .env_remove("LEDGERLINE_CONFIG")
            .stdout(Stdio::null())
            .stderr(log);
        pipeline_support::intacct_env(&mut command, fake);
        let child = command.spawn().unwrap();
        self.child = Some(child);
    }

    /// The replica's log, kept across restarts, for a failure's message.
    fn log(&self, data: &std::path::Path) -> std::path::PathBuf {
        data.join(format!("replica-{}.log", self.port))
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Waits until the port accepts connections (the server listens once its models load).
    async fn wait_listening(&self) {
        let deadline = Instant::now() + Duration::from_secs(120);
        while tokio::net::TcpStream::connect(("127.0.0.1", self.port))
            .await
            .is_err()
        {
            assert!(
                Instant::now() < deadline,
                "replica {} never listened",
                self.port
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        self.kill();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_one_killed_at_random_process_post_and_audit_each_document_once() {
    let qdrant = tokio::task::spawn_blocking(common::QdrantServer::start)
        .await
        .unwrap();
    let (_postgres, database) = common::postgres::Postgres::with_database("replicas").await;
    // Both replicas read the chart and the policy from one data directory and the history from
    // the Qdrant server; the queue, the log and the tokens are in PostgreSQL.
    let data = tempfile::tempdir().unwrap();
    pipeline_support::company_data_dir_on(data.path(), common::embedder(), Some(&qdrant.url)).await;
    let fake = pipeline_support::fake_for_chart().await;
    let (token, reviewer) = {
        let database = database.clone();
        tokio::task::spawn_blocking(move || {
            use ledgerline::auth::{Role, create};
            let mut conn = ledgerline::db::open(&Location::Postgres(database)).unwrap();
            let ingest = create(&mut conn, "uploader", Role::Ingest).unwrap().1;
            (ingest, create(&mut conn, "jane", Role::Reviewer).unwrap().1)
        })
        .await
        .unwrap()
    };

    let input = tempfile::tempdir().unwrap();
    let ids = pipeline_support::backlog_ids();
    pipeline_support::copy_documents(&ids, input.path());

    let mut steady = Replica {
        port: crate::common::free_port(),
        child: None,
    };
    let mut victim = Replica {
        port: crate::common::free_port(),
        child: None,
    };
    steady.start(data.path(), &qdrant.url, &database, &fake);
    victim.start(data.path(), &qdrant.url, &database, &fake);
    steady.wait_listening().await;
    victim.wait_listening().await;

    let out = data.path().join("results.jsonl");
    let batch = Command::new(env!("CARGO_BIN_EXE_ledgerline"))
        .arg("batch")
        .arg(input.path())
        .args(["--company", "SYNTH", "--concurrency", "4"])
        .args(["--server", &format!("{},{}", steady.url(), victim.url())])
        .arg("--out")
        .arg(&out)
        .env("LEDGERLINE_TOKEN", &token)
        .env_remove("LEDGERLINE_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let batch = std::sync::Arc::new(std::sync::Mutex::new(batch));

    let seed: u64 = rand::rng().random();
    eprintln!("kill schedule seed {seed}");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut kills = 0;
    let finished = |batch: &std::sync::Mutex<Child>| batch.lock().unwrap().try_wait().unwrap();
    while finished(&batch).is_none() && kills < 4 {
        tokio::time::sleep(Duration::from_millis(rng.random_range(200..1500))).await;
        if finished(&batch).is_some() {
            break;
        }
        victim.kill();
        kills += 1;
        let reported = std::fs::read_to_string(&out)
            .unwrap_or_default()
            .lines()
            .count();
        eprintln!("kill {kills}: {reported} documents reported");
        tokio::time::sleep(Duration::from_millis(rng.random_range(100..1500))).await;
        victim.start(data.path(), &qdrant.url, &database, &fake);
    }
    assert!(
        kills > 0,
        "the batch finished before a replica could be killed"
    );
    let output = tokio::task::spawn_blocking(move || {
        let mut batch = batch.lock().unwrap();
        let status = batch.wait().unwrap();
        let mut stdout = String::new();
        let mut stderr = String::new();
        use std::io::Read;
        batch
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut stdout)
            .unwrap();
        batch
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        (status, stdout, stderr)
    })
    .await
    .unwrap();
    let (status, stdout, stderr) = output;
    let logs = || {
        [&steady, &victim]
            .map(|r| std::fs::read_to_string(r.log(data.path())).unwrap_or_default())
            .join("\n---\n")
    };
    assert!(
        status.success(),
        "after {kills} kills: {stdout}\n{stderr}\nreplicas:\n{}",
        logs()
    );
    // The restarted replica finishes what a kill left between approval and Intacct's answer.
    victim.wait_listening().await;

    // Two reviewers approve each waiting proposal at the same moment, one on each replica:
    // one decision each, the other reviewer is told someone acted first.
    let review = |replica: &Replica| {
        let channel = tonic::transport::Endpoint::from_shared(replica.url())
            .unwrap()
            .connect_lazy();
        pb::review_service_client::ReviewServiceClient::with_interceptor(
            channel,
            common::Bearer::new(&reviewer),
        )
    };
    let (mut on_steady, mut on_victim) = (review(&steady), review(&victim));
    let pending = on_steady
        .list_pending(pb::ListPendingRequest {
            company: Some(pb::CompanyRef {
                company_id: "SYNTH".into(),
                entity_id: String::new(),
            }),
            page_size: 500,
            page_token: String::new(),
        })
        .await
        .unwrap()
        .into_inner()
        .proposals;
    assert!(!pending.is_empty(), "the batch left nothing for review");
    let approve = |p: &pb::ProposalSummary| pb::ApproveRequest {
        proposal_id: p.proposal_id.clone(),
        expected_version: p.version,
        comment: String::new(),
    };
    let mut approved = 0;
    for p in &pending {
        let (a, b) = tokio::join!(on_steady.approve(approve(p)), on_victim.approve(approve(p)));
        let lost = match (a, b) {
            (Ok(_), Err(lost)) | (Err(lost), Ok(_)) => {
                approved += 1;
                lost
            }
            // A proposal that does not balance must be edited first; these are rejected, by
            // two reviewers at once too.
            (Err(a), Err(b))
                if [&a, &b]
                    .iter()
                    .all(|s| s.message().contains("edit it first")) =>
            {
                let reject = || pb::RejectRequest {
                    proposal_id: p.proposal_id.clone(),
                    expected_version: p.version,
                    reason: "does not balance".into(),
                };
                match tokio::join!(on_steady.reject(reject()), on_victim.reject(reject())) {
                    (Ok(_), Err(lost)) | (Err(lost), Ok(_)) => lost,
                    (a, b) => panic!("expected one rejection of {}: {a:?} / {b:?}", p.external_id),
                }
            }
            (a, b) => panic!("expected one decision for {}: {a:?} / {b:?}", p.external_id),
        };
        assert!(
            matches!(lost.code(), Code::Aborted | Code::FailedPrecondition),
            "{lost:?}"
        );
    }
    assert!(
        approved > 0,
        "no waiting proposal could be approved as it stood"
    );

    // The reviewer's token revoked with the admin command is refused by both running replicas
    // within the token cache's lifetime.
    let revoke = Command::new(env!("CARGO_BIN_EXE_ledgerline"))
        .args(["token", "revoke", "jane", "--database-url", &database])
        .env_remove("LEDGERLINE_CONFIG")
        .output()
        .unwrap();
    assert!(revoke.status.success(), "{revoke:?}");
    let revoked = Instant::now();
    let list = pb::ListPendingRequest {
        company: Some(pb::CompanyRef {
            company_id: "SYNTH".into(),
            entity_id: String::new(),
        }),
        page_size: 1,
        page_token: String::new(),
    };
    for client in [&mut on_steady, &mut on_victim] {
        let refused = loop {
            match client.list_pending(list.clone()).await {
                Err(status) if status.code() == Code::Unauthenticated => break status,
                _ if revoked.elapsed() > Duration::from_secs(10) => panic!("still served"),
                _ => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        assert!(refused.message().contains("revoked"), "{refused:?}");
    }
    assert!(
        revoked.elapsed() <= ledgerline::auth::CACHE_TTL + Duration::from_secs(1),
        "refused by both replicas only after {:?}",
        revoked.elapsed()
    );

    // Reported once each, and none failed.
    let records = pipeline_support::records_reported_once(&out, ids.len());
    assert!(records.iter().all(|r| r.state != "error"), "{stdout}");

    let database = Location::Postgres(database);
    let (counts, received, verification) = tokio::task::spawn_blocking(move || {
        let store = ledgerline::review::Store::open(&database).unwrap();
        let counts: HashMap<String, u64> = store.counts("SYNTH").unwrap().into_iter().collect();
        let mut conn = ledgerline::db::open(&database).unwrap();
        let received: Vec<i64> = conn
            .query(
                "SELECT count(*) FROM audit_log WHERE action = 'received'
                 GROUP BY document_id ORDER BY document_id",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| r.int(0).unwrap())
            .collect();
        let verification = ledgerline::audit::verify(&mut conn).unwrap();
        (counts, received, verification)
    })
    .await
    .unwrap();
    // Stored once each, and nothing left half-way between approval and posting.
    assert_eq!(counts.values().sum::<u64>(), ids.len() as u64, "{counts:?}");
    assert!(!counts.contains_key("approved"), "{counts:?}");
    assert!(!counts.contains_key("pending"), "{counts:?}");
    assert!(!counts.contains_key("failed"), "{counts:?}");
    assert_eq!(received.len(), ids.len());
    assert!(received.iter().all(|n| *n == 1), "{received:?}");
    assert!(verification.is_intact(), "{:?}", verification.problems);

    // Posted at most once each, and exactly the documents reported as posted.
    let per_control = fake.records_per_control_id();
    assert!(per_control.values().all(|n| *n == 1), "{per_control:?}");
    let posted = records.iter().filter(|r| r.state == "posted").count();
    assert!(posted > 0);
    assert_eq!(per_control.len(), posted + approved, "{stdout}");
}
