//! The Intacct commands run as a user would: `fake-intacct` in a child process, then
//! `intacct check` and `sync` against it, with credentials from the environment or a secrets
//! file.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use ledgerline::fake_intacct::FakeConfig;

use crate::common::ledgerline_command as ledgerline;

/// Kills the fake when the test ends, however it ends.
struct Fake {
    child: Child,
    addr: String,
    /// Held open: the fake must be able to finish writing its banner.
    _stdout: BufReader<std::process::ChildStdout>,
}

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_fake(gl_lines: usize) -> Fake {
    let mut child = ledgerline()
        .args(["fake-intacct", "--listen", "127.0.0.1:0", "--gl-lines"])
        .arg(gl_lines.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let addr = first
        .trim()
        .strip_prefix("fake Intacct listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_string();
    Fake {
        child,
        addr,
        _stdout: stdout,
    }
}

fn with_credentials(command: &mut Command) -> &mut Command {
    let c = FakeConfig::default();
    command
        .env("LEDGERLINE_INTACCT_SENDER_ID", &c.sender_id)
        .env("LEDGERLINE_INTACCT_SENDER_PASSWORD", &c.sender_password)
        .env("LEDGERLINE_INTACCT_USER_ID", &c.user_id)
        .env("LEDGERLINE_INTACCT_USER_PASSWORD", &c.user_password)
        .env("LEDGERLINE_INTACCT_CLIENT_ID", &c.client_id)
        .env("LEDGERLINE_INTACCT_CLIENT_SECRET", &c.client_secret)
        .env("LEDGERLINE_INTACCT_COMPANY", &c.company_id)
}

fn run(command: &mut Command) -> (bool, String, String) {
    let output = command.output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn intacct_check_reports_company_entity_and_user_on_both_apis() {
    let fake = start_fake(10);
    let xml = format!("http://{}/ia/xml/xmlgw.phtml", fake.addr);
    let rest = format!("http://{}/ia/api/v1", fake.addr);
    let (ok, out, err) = run(with_credentials(&mut ledgerline()).args([
        "intacct",
        "check",
        "--entity",
        "EU",
        "--endpoint",
        &xml,
    ]));
    assert!(ok, "{err}");
    assert!(out.contains("company: LEDGERCO"), "{out}");
    assert!(out.contains("entity: EU"), "{out}");
    assert!(out.contains("user: apiuser"), "{out}");

    let (ok, out, err) = run(with_credentials(&mut ledgerline()).args([
        "intacct",
        "check",
        "--api",
        "rest",
        "--endpoint",
        &rest,
    ]));
    assert!(ok, "{err}");
    assert!(out.contains("entity: (top level)"), "{out}");

    let (ok, _, err) = run(with_credentials(&mut ledgerline()).args([
        "intacct",
        "check",
        "--entity",
        "MARS",
        "--endpoint",
        &xml,
    ]));
    assert!(!ok);
    assert!(err.contains("MARS"), "{err}");

    let (ok, _, err) = run(with_credentials(&mut ledgerline())
        .env("LEDGERLINE_INTACCT_USER_PASSWORD", "not-the-password-5512")
        .args(["intacct", "check", "--endpoint", &xml]));
    assert!(!ok);
    assert!(err.contains("refused the credentials"), "{err}");
    assert!(!err.contains("not-the-password-5512"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_secrets_file_must_be_private() {
    use std::os::unix::fs::PermissionsExt;
    let fake = start_fake(10);
    let c = FakeConfig::default();
    let dir = tempfile::tempdir().unwrap();
    let secrets = dir.path().join("intacct-secrets.toml");
    std::fs::write(
        &secrets,
        format!(
            "sender_id = \"{}\"\nsender_password = \"{}\"\nuser_id = \"{}\"\nuser_password = \"{}\"\n",
            c.sender_id, c.sender_password, c.user_id, c.user_password
        ),
    )
    .unwrap();
    std::fs::set_permissions(&secrets, std::fs::Permissions::from_mode(0o644)).unwrap();
    let xml = format!("http://{}/ia/xml/xmlgw.phtml", fake.addr);
    let mut check = ledgerline();
    check
        .args([
            "intacct",
            "check",
            "--company",
            "LEDGERCO",
            "--endpoint",
            &xml,
        ])
        .arg("--secrets-file")
        .arg(&secrets);
    let (ok, _, err) = run(&mut check);
    assert!(!ok);
    assert!(err.contains("chmod 600"), "{err}");
    assert!(!err.contains(&c.user_password), "{err}");

    std::fs::set_permissions(&secrets, std::fs::Permissions::from_mode(0o600)).unwrap();
    let (ok, out, err) = run(&mut check);
    assert!(ok, "{err}");
    assert!(out.contains("user: apiuser"), "{out}");
}

#[test]
fn sync_appends_history_as_json_lines_once() {
    let fake = start_fake(2_500);
    let dir = tempfile::tempdir().unwrap();
    let xml = format!("http://{}/ia/xml/xmlgw.phtml", fake.addr);
    let mut sync = ledgerline();
    with_credentials(&mut sync)
        .args(["sync", "--endpoint", &xml, "--data-dir"])
        .arg(dir.path());
    let (ok, out, err) = run(&mut sync);
    assert!(ok, "{err}");
    assert!(out.contains("synced 2500 GL lines (2500 new)"), "{out}");
    let path = dir.path().join("history").join("LEDGERCO.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().count(), 2_500);
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(first["company"], "LEDGERCO");
    assert!(first["amount"].is_string(), "money is a decimal string");

    // Incremental: nothing new the second time, and the file is unchanged.
    let (ok, out, err) = run(&mut sync);
    assert!(ok, "{err}");
    assert!(out.contains("synced 0 GL lines (0 new)"), "{out}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);

    // Without the checkpoint (as after losing it) everything is read again, nothing duplicated.
    std::fs::remove_file(dir.path().join("history").join("LEDGERCO.checkpoint.json")).unwrap();
    let (ok, out, err) = run(&mut sync);
    assert!(ok, "{err}");
    assert!(out.contains("synced 2500 GL lines (0 new)"), "{out}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}
