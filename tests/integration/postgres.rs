//! Shared state on a real PostgreSQL server (a throwaway one, see `common::postgres`): the audit
//! chain stays one chain with writers on several connections, as replicas have; tokens created
//! on one replica are checked and revoked on another; the schema migrates once however many
//! replicas start at once; and the admin commands reach the server from the flag or the
//! environment. The pipeline's own invariants on PostgreSQL are in `process.rs`.

use ledgerline::audit::{self, Event};
use ledgerline::auth::{self, AuthError, Role};
use ledgerline::db::{self, Location, Sql};
use serde_json::json;

use crate::common::postgres::Postgres;

fn event(replica: usize, n: usize) -> Event {
    Event {
        action: "route".into(),
        actor: format!("replica-{replica}"),
        document_id: Some(format!("doc-{replica}")),
        proposal_id: None,
        detail: json!({ "n": n }),
    }
}

#[test]
fn replicas_appending_at_once_keep_one_chain_and_tampering_shows() {
    let server = Postgres::start();
    let location = Location::Postgres(server.database("chain"));
    // Four replicas start together: each migrates or finds the schema migrated.
    let threads: Vec<_> = (0..4)
        .map(|replica| {
            let location = location.clone();
            std::thread::spawn(move || {
                let mut conn = db::open(&location).unwrap();
                (0..50)
                    .map(|n| audit::append_now(&mut conn, &event(replica, n)).unwrap())
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let per_replica: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();

    let mut conn = db::open(&location).unwrap();
    let migrations = conn
        .query_one("SELECT count(*) FROM schema_migrations", &[])
        .unwrap();
    assert_eq!(migrations.int(0).unwrap(), db::SCHEMA_VERSION);
    let verification = audit::verify(&mut conn).unwrap();
    assert!(verification.is_intact(), "{:?}", verification.problems);
    assert_eq!(verification.entries, 200);
    let mut seqs: Vec<i64> = per_replica.iter().flatten().map(|e| e.seq).collect();
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=200).collect::<Vec<_>>());
    for (replica, entries) in per_replica.iter().enumerate() {
        assert_eq!(
            &audit::trail(&mut conn, &format!("doc-{replica}")).unwrap(),
            entries,
            "each replica's entries, in its order, are its document's trail"
        );
    }

    conn.execute(
        "UPDATE audit_log SET detail = ?1 WHERE seq = ?2",
        &[db::Value::from("{\"n\":99}"), db::Value::from(77i64)],
    )
    .unwrap();
    let problems = audit::verify(&mut conn).unwrap().problems;
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].seq, 77);
}

#[test]
fn a_token_made_on_one_replica_is_checked_and_revoked_on_another() {
    let server = Postgres::start();
    let location = Location::Postgres(server.database("tokens"));
    let mut one = db::open(&location).unwrap();
    let mut other = db::open(&location).unwrap();
    let (info, token) = auth::create(&mut one, "uploader", Role::Ingest).unwrap();
    assert_eq!(info.role, Role::Ingest);
    assert_eq!(
        auth::authenticate(&mut other, &token)
            .unwrap()
            .map(|p| p.name),
        Some("uploader".to_string())
    );
    let taken = auth::create(&mut other, "uploader", Role::Admin).unwrap_err();
    assert!(matches!(taken, AuthError::NameTaken(_)), "{taken}");
    auth::revoke(&mut other, "uploader").unwrap();
    assert_eq!(auth::authenticate(&mut one, &token).unwrap(), None);
    let listed = auth::list(&mut one).unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].revoked_at.is_some());
    // The name is free again once its token is revoked.
    auth::create(&mut one, "uploader", Role::Ingest).unwrap();
}

use crate::common::ledgerline_command as ledgerline;

#[test]
fn the_admin_commands_reach_the_server_by_flag_or_environment() {
    let server = Postgres::start();
    let url = server.database("admin");
    let data = tempfile::tempdir().unwrap();
    let created = ledgerline()
        .args([
            "token",
            "create",
            "--role",
            "admin",
            "ops",
            "--database-url",
            &url,
        ])
        .arg("--data-dir")
        .arg(data.path())
        .output()
        .unwrap();
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let token = String::from_utf8_lossy(&created.stdout).trim().to_string();
    let stderr = String::from_utf8_lossy(&created.stderr);
    assert!(
        stderr.contains("postgres://postgres@127.0.0.1"),
        "the message names the server: {stderr}"
    );
    assert!(
        !ledgerline::db::path(data.path()).exists(),
        "nothing went to the SQLite file"
    );
    let mut conn = db::open(&Location::Postgres(url.clone())).unwrap();
    assert!(auth::authenticate(&mut conn, &token).unwrap().is_some());
    audit::append_now(&mut conn, &event(0, 0)).unwrap();

    // The URL from the environment only, as a replica's unit file would set it.
    let verified = ledgerline()
        .args(["audit", "verify"])
        .env("LEDGERLINE_DATABASE_URL", &url)
        .env("LEDGERLINE_DATA_DIR", data.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&verified.stdout);
    assert_eq!(verified.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("entries checked: 1"), "{stdout}");
    assert!(stdout.contains("intact"), "{stdout}");

    // A server that is not there is an error naming it, without a password.
    let refused = ledgerline()
        .args(["audit", "verify", "--database-url"])
        .arg("postgres://ops:s3cret@127.0.0.1:1/none")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_ne!(refused.status.code(), Some(0));
    assert!(
        stderr.contains("cannot connect to the PostgreSQL database"),
        "{stderr}"
    );
    assert!(!stderr.contains("s3cret"), "{stderr}");
}

/// TLS to the database: the URL's `sslrootcert` names the CA the server's certificate is checked
/// against; without it the connection is refused rather than left unverified, and
/// `sslmode=disable` still connects in the clear.
#[test]
fn the_database_is_reached_over_tls_checked_against_the_urls_certificate_authority() {
    let server = Postgres::start_tls();
    let encrypted = |url: &str| {
        let mut conn = db::open(&Location::Postgres(url.to_string())).unwrap();
        conn.query_one(
            "SELECT CASE WHEN ssl THEN 1 ELSE 0 END FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .unwrap()
        .int(0)
        .unwrap()
            == 1
    };
    assert!(
        encrypted(&server.url),
        "{} connected in the clear",
        server.url
    );
    let plain = server.url.split_once('?').unwrap().0;
    assert!(!encrypted(&format!("{plain}?sslmode=disable")));
    let refused = db::connect(&Location::Postgres(format!("{plain}?sslmode=require")))
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("certificate") && refused.contains("sslrootcert"),
        "{refused}"
    );
}

/// Started by the next test in a process of its own, which it then kills: holds a server and
/// writes its port to the file named by `LEDGERLINE_TEST_PORT_FILE`.
#[test]
#[ignore = "a helper process of a_killed_test_run_leaves_no_postgresql_behind"]
fn holds_a_postgresql_server_until_killed() {
    let server = Postgres::start();
    let file = std::env::var_os("LEDGERLINE_TEST_PORT_FILE").expect("run by the killing test");
    std::fs::write(file, server.port().to_string()).unwrap();
    std::thread::sleep(std::time::Duration::from_secs(600));
}

/// A test run killed before its servers' `Drop` (Ctrl-C, a CI timeout) leaves no PostgreSQL
/// running: each server's watchdog stops it once the process is gone.
#[test]
fn a_killed_test_run_leaves_no_postgresql_behind() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("port");
    let mut holder = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "postgres::holds_a_postgresql_server_until_killed",
            "--exact",
        ])
        .args(["--ignored", "--test-threads", "1"])
        .env("LEDGERLINE_TEST_PORT_FILE", &file)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let port: u16 = loop {
        if let Some(port) = std::fs::read_to_string(&file)
            .ok()
            .and_then(|p| p.parse().ok())
        {
            break port;
        }
        assert!(
            started.elapsed().as_secs() < 120,
            "the helper never started its server"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let up = || {
        std::net::TcpStream::connect_timeout(&address, std::time::Duration::from_secs(1)).is_ok()
    };
    assert!(up(), "the helper's server accepts connections");
    holder.kill().unwrap();
    holder.wait().unwrap();
    let killed = std::time::Instant::now();
    while up() {
        assert!(
            killed.elapsed().as_secs() < 30,
            "PostgreSQL on port {port} still runs 30 s after its test process was killed"
        );
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
}
