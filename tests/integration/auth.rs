//! Access control against a real server: tokens, roles, refusals and what they record, TLS, and
//! the guarantee that a token never reaches the logs or the database file.

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{TestServer, create_token};
use ledgerline::auth::{Refusal, RefusalSink, Role};
use ledgerline::config::TlsFiles;
use ledgerline::proto::v1 as pb;
use pb::proposal_service_client::ProposalServiceClient;
use pb::review_service_client::ReviewServiceClient;
use tonic::Code;
use tonic_health::pb::{
    HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
};

/// A well-formed token that no server issued.
const STRANGER: &str = "llt_0000000000000000000000000000000000000000000000000000000000000000";

fn recorder() -> (RefusalSink, Arc<Mutex<Vec<Refusal>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink: RefusalSink = {
        let seen = seen.clone();
        Arc::new(move |refusal: &Refusal| seen.lock().unwrap().push(refusal.clone()))
    };
    (sink, seen)
}

fn list_pending() -> pb::ListPendingRequest {
    pb::ListPendingRequest::default()
}

/// An ingest RPC that answers without models or data: an empty draft is INVALID_ARGUMENT.
fn validate() -> pb::ValidateJournalEntryRequest {
    pb::ValidateJournalEntryRequest::default()
}

#[tokio::test]
async fn tokens_and_roles_decide_who_may_call_what_and_every_refusal_is_recorded() {
    let (sink, seen) = recorder();
    let server = TestServer::start_with(|_| {}, sink).await;
    let ingest = create_token(server.data_dir(), "uploader", Role::Ingest);
    let reviewer = create_token(server.data_dir(), "jane", Role::Reviewer);

    // No token.
    let status = ReviewServiceClient::new(server.plain_channel().await)
        .list_pending(list_pending())
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated, "{status:?}");
    assert!(
        status.message().contains("authorization: Bearer <token>")
            && status
                .message()
                .contains("ledgerline token create --role reviewer NAME"),
        "{}",
        status.message()
    );

    // A token nobody issued, and one that is not even shaped like a token.
    for token in [STRANGER, "hunter2"] {
        let status = ProposalServiceClient::new(server.channel_with(token).await)
            .validate_journal_entry(validate())
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::Unauthenticated, "{status:?}");
        assert!(
            status.message().contains("not known"),
            "{}",
            status.message()
        );
    }

    // The right token for the wrong service.
    let status = ReviewServiceClient::new(server.channel_with(&ingest).await)
        .list_pending(list_pending())
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");
    assert!(
        status.message().contains("role ingest") && status.message().contains("--role reviewer"),
        "{}",
        status.message()
    );
    let status = ProposalServiceClient::new(server.channel_with(&reviewer).await)
        .validate_journal_entry(validate())
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");

    // Past access control, the RPCs answer for themselves: not built yet.
    let status = ReviewServiceClient::new(server.channel_with(&reviewer).await)
        .list_pending(list_pending())
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    let status = ProposalServiceClient::new(server.channel_with(&ingest).await)
        .validate_journal_entry(validate())
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    // An admin may call both.
    let status = ReviewServiceClient::new(server.channel().await)
        .list_pending(list_pending())
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");

    // Health needs no token.
    let health = HealthClient::new(server.plain_channel().await)
        .check(HealthCheckRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(health.status, ServingStatus::Serving as i32);

    let seen = seen.lock().unwrap().clone();
    let summary: Vec<(&str, Code, Option<&str>)> = seen
        .iter()
        .map(|r| (r.method.as_str(), r.code, r.principal.as_deref()))
        .collect();
    let validate_path = "/ledgerline.v1.ProposalService/ValidateJournalEntry";
    let pending_path = "/ledgerline.v1.ReviewService/ListPending";
    assert_eq!(
        summary,
        [
            (pending_path, Code::Unauthenticated, None),
            (validate_path, Code::Unauthenticated, None),
            (validate_path, Code::Unauthenticated, None),
            (pending_path, Code::PermissionDenied, Some("uploader")),
            (validate_path, Code::PermissionDenied, Some("jane")),
        ]
    );
    for refusal in &seen {
        let peer = refusal.peer.as_deref().expect("the caller's address");
        assert!(peer.starts_with("127.0.0.1:"), "{peer}");
    }
    let recorded = format!("{seen:?}");
    for token in [&ingest, &reviewer, &server.admin_token] {
        assert!(!recorded.contains(&token[4..]), "a token in {recorded}");
    }
    assert!(!recorded.contains(&STRANGER[4..]), "a token in {recorded}");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_revoked_token_is_refused_within_the_cache_lifetime() {
    let (sink, seen) = recorder();
    let server = TestServer::start_with(|_| {}, sink).await;
    let token = create_token(server.data_dir(), "leaver", Role::Ingest);
    let mut client = ProposalServiceClient::new(server.channel_with(&token).await);
    let status = client.validate_journal_entry(validate()).await.unwrap_err();
    assert_eq!(
        status.code(),
        Code::InvalidArgument,
        "works before: {status:?}"
    );

    let mut conn = ledgerline::db::open_dir(server.data_dir()).unwrap();
    ledgerline::auth::revoke(&mut conn, "leaver").unwrap();
    let revoked = Instant::now();
    let status = loop {
        let status = client.validate_journal_entry(validate()).await.unwrap_err();
        if status.code() != Code::InvalidArgument || revoked.elapsed() > Duration::from_secs(10) {
            break status;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(status.code(), Code::Unauthenticated, "{status:?}");
    assert!(
        revoked.elapsed() <= ledgerline::auth::CACHE_TTL + Duration::from_secs(1),
        "refused only after {:?}",
        revoked.elapsed()
    );
    assert!(status.message().contains("revoked"), "{}", status.message());
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].principal.as_deref(), Some("leaver"));
    assert_eq!(seen[0].code, Code::Unauthenticated);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn with_access_control_off_no_token_is_needed() {
    let server = TestServer::start(|config| config.auth = false).await;
    let status = ReviewServiceClient::new(server.plain_channel().await)
        .list_pending(list_pending())
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    server.stop().await.unwrap();
}

fn tls_fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/tls")
        .join(name)
}

#[tokio::test]
async fn over_tls_a_client_trusting_the_ca_is_served_and_others_are_not() {
    use tonic::transport::{Certificate, ClientTlsConfig, Endpoint};
    let server = TestServer::start(|config| {
        config.tls = Some(TlsFiles {
            cert: tls_fixture("server.pem"),
            key: tls_fixture("server.key"),
        });
    })
    .await;
    let port = server.grpc_url.rsplit(':').next().unwrap().to_string();
    let https = format!("https://localhost:{port}");
    let trusting = ClientTlsConfig::new()
        .ca_certificate(Certificate::from_pem(
            std::fs::read(tls_fixture("ca.pem")).unwrap(),
        ))
        .domain_name("localhost");
    let channel = Endpoint::from_shared(https.clone())
        .unwrap()
        .tls_config(trusting)
        .unwrap()
        .connect()
        .await
        .unwrap();
    let health = HealthClient::new(channel.clone())
        .check(HealthCheckRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(health.status, ServingStatus::Serving as i32);
    // Tokens work over TLS like anywhere else.
    let authed = tonic::service::interceptor::InterceptedService::new(
        channel,
        common::Bearer::new(&server.admin_token),
    );
    let status = ReviewServiceClient::new(authed)
        .list_pending(list_pending())
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");

    // A plaintext client, and a TLS client that does not trust the CA, get nothing.
    let attempt = |endpoint: Endpoint| async move {
        let call = async {
            let channel = endpoint.connect().await.map_err(|e| e.to_string())?;
            HealthClient::new(channel)
                .check(HealthCheckRequest::default())
                .await
                .map_err(|e| e.to_string())
        };
        tokio::time::timeout(Duration::from_secs(10), call)
            .await
            .unwrap_or_else(|_| Err("timed out".into()))
    };
    let plaintext = Endpoint::from_shared(server.grpc_url.clone()).unwrap();
    assert!(attempt(plaintext).await.is_err(), "plaintext was served");
    let distrusting = Endpoint::from_shared(https)
        .unwrap()
        .tls_config(ClientTlsConfig::new().domain_name("localhost"))
        .unwrap();
    assert!(
        attempt(distrusting).await.is_err(),
        "a client without the CA was served"
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn an_unreadable_certificate_stops_start_up_with_the_file_named() {
    let server = TestServer::start(|config| {
        config.tls = Some(TlsFiles {
            cert: tls_fixture("absent.pem"),
            key: tls_fixture("server.key"),
        });
    })
    .await;
    let result = tokio::time::timeout(Duration::from_secs(30), server.task.unwrap())
        .await
        .expect("start-up fails at once")
        .unwrap();
    let error = result.unwrap_err().to_string();
    assert!(
        error.contains("absent.pem") && error.contains("--tls-cert"),
        "{error}"
    );
}

fn ledgerline() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_ledgerline"));
    // Nothing from the developer's environment may turn access control off or move the data.
    for name in [
        "LEDGERLINE_NO_AUTH",
        "LEDGERLINE_CONFIG",
        "LEDGERLINE_DATA_DIR",
        "LEDGERLINE_TLS_CERT",
        "LEDGERLINE_TLS_KEY",
    ] {
        command.env_remove(name);
    }
    command
}

#[test]
fn tokens_never_reach_the_logs_or_the_database_file() {
    use sha2::Digest;
    let work = tempfile::tempdir().unwrap();
    let data = work.path().join("data");
    let log_path = work.path().join("serve.log");

    let out = ledgerline()
        .args([
            "token",
            "create",
            "--role",
            "ingest",
            "uploader",
            "--data-dir",
        ])
        .arg(&data)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("cannot be shown again"), "{stderr}");
    let token = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(token.starts_with("llt_") && token.len() == 68, "{token}");
    let out = ledgerline()
        .args(["token", "list", "--data-dir"])
        .arg(&data)
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.contains("uploader") && listed.contains("ingest"),
        "{listed}"
    );
    assert!(!listed.contains(&token[4..]), "{listed}");

    let port = crate::common::free_port();
    let log = std::fs::File::create(&log_path).unwrap();
    let mut child = ledgerline()
        .args(["serve", "--metrics-listen", "off", "--log-format", "json"])
        .args(["--log-filter", "debug", "--listen"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("--data-dir")
        .arg(&data)
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    let read_log = || std::fs::read_to_string(&log_path).unwrap();

    let tokio = tokio::runtime::Runtime::new().unwrap();
    let url = format!("http://127.0.0.1:{port}");
    let wrong = format!("llt_{}", "ab".repeat(32));
    let result = tokio.block_on(async {
        let started = Instant::now();
        let channel = loop {
            if let Some(status) = child.try_wait().unwrap() {
                return Err(format!("serve exited with {status}"));
            }
            if started.elapsed() > Duration::from_secs(120) {
                return Err("serve did not answer within 120 s".to_string());
            }
            if let Ok(channel) = tonic::transport::Endpoint::from_shared(url.clone())
                .unwrap()
                .connect()
                .await
                && HealthClient::new(channel.clone())
                    .check(HealthCheckRequest::default())
                    .await
                    .is_ok()
            {
                break channel;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        let with = |token: &str| {
            tonic::service::interceptor::InterceptedService::new(
                channel.clone(),
                common::Bearer::new(token),
            )
        };
        let good = ProposalServiceClient::new(with(&token))
            .validate_journal_entry(validate())
            .await
            .unwrap_err();
        let bad = ProposalServiceClient::new(with(&wrong))
            .validate_journal_entry(validate())
            .await
            .unwrap_err();
        let denied = ReviewServiceClient::new(with(&token))
            .list_pending(list_pending())
            .await
            .unwrap_err();
        Ok([good.code(), bad.code(), denied.code()])
    });

    // SIGTERM: the graceful path, which flushes the logs and closes the database.
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let stopped = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if stopped.elapsed() > Duration::from_secs(40) {
            child.kill().unwrap();
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.wait();
    let logs = read_log();
    let codes = result.unwrap_or_else(|e| panic!("{e}\n{logs}"));
    assert_eq!(
        codes,
        [
            Code::InvalidArgument,
            Code::Unauthenticated,
            Code::PermissionDenied
        ],
        "{logs}"
    );

    // The logs are there, and they name the refusals...
    assert!(
        logs.contains("gRPC call refused by access control"),
        "{logs}"
    );
    assert!(logs.contains("uploader"), "{logs}");
    // ... but no token, whole or in part.
    for secret in [&token, &wrong] {
        assert!(
            !logs.contains(&secret[4..]),
            "a token is in the log:\n{logs}"
        );
    }

    // The database holds the token's hash, never the token.
    let mut bytes = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let path = data.join(format!("ledgerline.db{suffix}"));
        if let Ok(content) = std::fs::read(&path) {
            bytes.extend(content);
        }
    }
    let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    let hash = hex::encode(sha2::Sha256::digest(token.as_bytes()));
    assert!(contains(hash.as_bytes()), "the token's hash is stored");
    for secret in [&token, &wrong] {
        assert!(
            !contains(&secret.as_bytes()[4..]),
            "a token is in the database"
        );
    }
}
