//! The `ledgerline` binary: configuration precedence and start-up failures, run as a user would.

use crate::common::ledgerline_command as ledgerline;

#[test]
fn flags_beat_environment_beats_file_beats_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ledgerline.toml");
    std::fs::write(
        &file,
        "listen = \"127.0.0.1:7001\"\nmax_request_bytes = 1111\nlog_filter = \"debug\"\nshutdown_grace_secs = 5\n",
    )
    .unwrap();
    let output = ledgerline()
        .args(["config", "--config"])
        .arg(&file)
        .args(["--listen", "127.0.0.1:7003"])
        .env("LEDGERLINE_LISTEN", "127.0.0.1:7002")
        .env("LEDGERLINE_MAX_REQUEST_BYTES", "2222")
        .env("LEDGERLINE_METRICS_LISTEN", "off")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed = String::from_utf8(output.stdout).unwrap();
    assert!(
        printed.contains("listen = \"127.0.0.1:7003\""),
        "flag wins:\n{printed}"
    );
    assert!(
        printed.contains("max_request_bytes = 2222"),
        "env beats file:\n{printed}"
    );
    assert!(
        printed.contains("log_filter = \"debug\""),
        "file beats default:\n{printed}"
    );
    assert!(printed.contains("shutdown_grace_secs = 5"), "{printed}");
    assert!(printed.contains("metrics_listen = \"off\""), "{printed}");
    assert!(
        printed.contains("max_response_bytes = 67108864"),
        "default:\n{printed}"
    );
}

#[test]
fn serve_without_models_stops_with_the_command_that_fixes_it() {
    let empty = tempfile::tempdir().unwrap();
    let output = ledgerline()
        .arg("--models-dir")
        .arg(empty.path())
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--metrics-listen",
            "off",
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("ledgerline models fetch"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
}

#[test]
fn models_verify_fails_on_an_empty_cache() {
    let empty = tempfile::tempdir().unwrap();
    let output = ledgerline()
        .arg("--models-dir")
        .arg(empty.path())
        .args(["models", "verify"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("missing") && stderr.contains("ledgerline models fetch"),
        "{stderr}"
    );
}

#[test]
fn a_bad_configuration_file_is_named_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.toml");
    std::fs::write(&file, "listen = 12\n").unwrap();
    let output = ledgerline()
        .args(["config", "--config"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("broken.toml"), "{stderr}");
}

#[test]
fn config_shows_access_control_and_tls_and_refuses_half_a_tls_pair() {
    let output = ledgerline().arg("config").output().unwrap();
    let printed = String::from_utf8(output.stdout).unwrap();
    assert!(
        printed.contains("auth = true") && printed.contains("# tls: off"),
        "{printed}"
    );

    let output = ledgerline()
        .args(["config", "--tls-cert", "chain.pem", "--tls-key", "key.pem"])
        .env("LEDGERLINE_NO_AUTH", "1")
        .output()
        .unwrap();
    let printed = String::from_utf8(output.stdout).unwrap();
    assert!(printed.contains("auth = false"), "{printed}");
    assert!(
        printed.contains("tls_cert = \"chain.pem\"") && printed.contains("tls_key = \"key.pem\""),
        "{printed}"
    );

    let output = ledgerline()
        .args(["config", "--tls-cert", "chain.pem"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--tls-key"), "{stderr}");
}

#[test]
fn token_commands_create_list_and_revoke() {
    let dir = tempfile::tempdir().unwrap();
    let token = |args: &[&str]| {
        ledgerline()
            .arg("token")
            .args(args)
            .arg("--data-dir")
            .arg(dir.path())
            .output()
            .unwrap()
    };
    let created = token(&["create", "--role", "reviewer", "jane"]);
    assert!(created.status.success());
    let secret = String::from_utf8(created.stdout).unwrap();
    assert_eq!(secret.lines().count(), 1, "the token alone on stdout");

    let again = token(&["create", "--role", "admin", "jane"]);
    assert!(!again.status.success());
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("already exists"), "{stderr}");

    assert!(token(&["revoke", "jane"]).status.success());
    let listed = String::from_utf8(token(&["list"]).stdout).unwrap();
    let row = listed.lines().find(|l| l.starts_with("jane")).unwrap();
    assert!(
        row.contains("reviewer") && !row.ends_with(" -"),
        "revoked: {listed}"
    );
    assert!(!listed.contains(secret.trim()), "{listed}");

    let again = token(&["revoke", "jane"]);
    assert!(!again.status.success());
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("ledgerline token list"), "{stderr}");
}
