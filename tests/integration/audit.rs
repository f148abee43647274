//! The audit log on real SQLite files: concurrent appenders keep one chain, every kind of
//! tampering is caught at the right entry, and the `ledgerline audit` commands as a user runs them.

use std::path::Path;

use ledgerline::audit::{self, Entry, Event, GENESIS};
use rusqlite::{Connection, params};
use serde_json::json;

fn event(action: &str, document: &str, n: usize) -> Event {
    Event {
        action: action.into(),
        actor: "pipeline".into(),
        document_id: Some(document.into()),
        proposal_id: n.is_multiple_of(2).then(|| format!("proposal-{n}")),
        detail: json!({ "n": n, "document_sha256": format!("{n:064x}"), "confidence": 0.75 }),
    }
}

/// The database under `dir` as a tamperer sees it: the raw SQLite file, schema in place.
fn open(dir: &Path) -> Connection {
    ledgerline::db::open_dir(dir).unwrap();
    let conn = Connection::open(ledgerline::db::path(dir)).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .unwrap();
    conn
}

/// The service's own connection to the file `conn` has open.
fn ours(conn: &Connection) -> ledgerline::db::Conn {
    let path = conn.path().expect("a file database");
    ledgerline::db::open(&ledgerline::db::Location::Sqlite(path.into())).unwrap()
}

/// A log of `n` entries over documents doc-0 to doc-4.
/// The one problem verification finds; fails the test if it finds none or several.
fn only_problem(conn: &Connection) -> audit::Problem {
    let verification = audit::verify(&mut ours(conn)).unwrap();
    assert_eq!(
        verification.problems.len(),
        1,
        "{:?}",
        verification.problems
    );
    verification.problems.into_iter().next().unwrap()
}

fn seeded(n: usize) -> (tempfile::TempDir, Vec<Entry>) {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = ledgerline::db::open_dir(dir.path()).unwrap();
    let entries = (0..n)
        .map(|i| {
            audit::append_now(&mut conn, &event("read", &format!("doc-{}", i % 5), i)).unwrap()
        })
        .collect();
    (dir, entries)
}

fn problem_seqs(conn: &Connection) -> Vec<i64> {
    let verification = audit::verify(&mut ours(conn)).unwrap();
    assert!(!verification.is_intact());
    verification.problems.iter().map(|p| p.seq).collect()
}

#[test]
fn appenders_on_several_connections_keep_one_intact_chain() {
    let dir = tempfile::tempdir().unwrap();
    open(dir.path());
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let dir = dir.path().to_path_buf();
            std::thread::spawn(move || {
                let mut conn = ledgerline::db::open_dir(&dir).unwrap();
                (0..75)
                    .map(|i| {
                        audit::append_now(&mut conn, &event("route", &format!("thread-{t}"), i))
                            .unwrap()
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let per_thread: Vec<Vec<Entry>> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let conn = open(dir.path());
    let verification = audit::verify(&mut ours(&conn)).unwrap();
    assert!(verification.is_intact(), "{:?}", verification.problems);
    assert_eq!(verification.entries, 300);
    let mut seqs: Vec<i64> = per_thread.iter().flatten().map(|e| e.seq).collect();
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=300).collect::<Vec<_>>());
    let last = per_thread.iter().flatten().max_by_key(|e| e.seq).unwrap();
    assert_eq!(verification.head, last.hash);
    // Each thread's own entries, in the order it appended them, are its document's trail.
    for (t, entries) in per_thread.iter().enumerate() {
        assert_eq!(
            &audit::trail(&mut ours(&conn), &format!("thread-{t}")).unwrap(),
            entries
        );
    }
}

#[test]
fn a_changed_detail_is_caught_at_that_entry() {
    let (dir, _) = seeded(40);
    let conn = open(dir.path());
    assert!(audit::verify(&mut ours(&conn)).unwrap().is_intact());
    conn.execute(
        "UPDATE audit_log SET detail = replace(detail, '0.75', '0.99') WHERE seq = 17",
        [],
    )
    .unwrap();
    let problem = only_problem(&conn);
    assert_eq!(problem.seq, 17);
    assert_eq!(
        problem.message,
        "entry 17 was changed after it was written: its hash does not match its content"
    );
}

#[test]
fn a_deleted_middle_entry_is_caught_where_the_gap_is() {
    let (dir, _) = seeded(40);
    let conn = open(dir.path());
    conn.execute("DELETE FROM audit_log WHERE seq = 18", [])
        .unwrap();
    let problem = only_problem(&conn);
    assert_eq!(problem.seq, 19);
    assert_eq!(
        problem.message,
        "entry 19 does not follow entry 17: an entry was deleted or inserted"
    );
}

#[test]
fn a_forged_entry_inserted_with_a_correct_looking_hash_is_caught() {
    let (dir, entries) = seeded(40);
    let conn = open(dir.path());
    // Make room after entry 20 and insert an entry whose own hash and link are right.
    conn.execute_batch(
        "UPDATE audit_log SET seq = -seq WHERE seq > 20;
         UPDATE audit_log SET seq = 1 - seq WHERE seq < 0;",
    )
    .unwrap();
    let forged = event("posted", "doc-0", 999);
    let at = "2025-06-21T10:35:30.000000Z";
    let hash = audit::entry_hash(21, at, &entries[19].hash, &forged);
    conn.execute(
        "INSERT INTO audit_log
             (seq, at, action, actor, document_id, proposal_id, detail, prev_hash, hash)
         VALUES (21, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            at,
            forged.action,
            forged.actor,
            forged.document_id,
            forged.proposal_id,
            audit::canonical_json(&forged.detail),
            entries[19].hash,
            hash
        ],
    )
    .unwrap();
    let seqs = problem_seqs(&conn);
    // The forged entry itself checks out; the one it displaced does not link to it, and every
    // renumbered entry's hash no longer matches.
    assert_eq!(seqs.first(), Some(&22), "{seqs:?}");
    assert!(seqs.contains(&41), "{seqs:?}");
    let verification = audit::verify(&mut ours(&conn)).unwrap();
    assert!(
        verification.problems[0]
            .message
            .starts_with("entry 22 does not link to entry 21"),
        "{:?}",
        verification.problems
    );
}

#[test]
fn a_forged_entry_appended_behind_the_head_is_caught() {
    let (dir, entries) = seeded(40);
    let conn = open(dir.path());
    let forged = event("posted", "doc-0", 999);
    let at = "2025-06-21T10:35:30.000000Z";
    let hash = audit::entry_hash(41, at, &entries[39].hash, &forged);
    conn.execute(
        "INSERT INTO audit_log
             (seq, at, action, actor, document_id, proposal_id, detail, prev_hash, hash)
         VALUES (41, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            at,
            forged.action,
            forged.actor,
            forged.document_id,
            forged.proposal_id,
            audit::canonical_json(&forged.detail),
            entries[39].hash,
            hash
        ],
    )
    .unwrap();
    let verification = audit::verify(&mut ours(&conn)).unwrap();
    assert_eq!(
        verification.problems.len(),
        1,
        "{:?}",
        verification.problems
    );
    assert_eq!(verification.problems[0].seq, 41);
    assert!(
        verification.problems[0]
            .message
            .contains("the head records entry 40"),
        "{:?}",
        verification.problems
    );
}

#[test]
fn entries_deleted_from_the_end_are_caught_by_the_head() {
    let (dir, _) = seeded(40);
    let conn = open(dir.path());
    conn.execute("DELETE FROM audit_log WHERE seq = 40", [])
        .unwrap();
    let problem = only_problem(&conn);
    assert_eq!(problem.seq, 40);
    assert_eq!(
        problem.message,
        "the log ends at entry 39 but the head records entry 40: entries were deleted from the end"
    );
}

#[test]
fn two_entries_swapped_are_caught_at_both_places() {
    let (dir, _) = seeded(40);
    let conn = open(dir.path());
    // Everything but the sequence number trades places: the entries are reordered.
    conn.execute_batch(
        "UPDATE audit_log SET seq = -10 WHERE seq = 10;
         UPDATE audit_log SET seq = 10 WHERE seq = 20;
         UPDATE audit_log SET seq = 20 WHERE seq = -10;",
    )
    .unwrap();
    let mut seqs = problem_seqs(&conn);
    seqs.dedup();
    assert_eq!(seqs, vec![10, 11, 20, 21]);
}

#[test]
fn two_events_swapped_under_their_hashes_are_caught() {
    let (dir, _) = seeded(40);
    let conn = open(dir.path());
    // Only the events trade places; hashes and links stay where they were.
    conn.execute_batch(
        "CREATE TEMP TABLE saved AS SELECT * FROM audit_log WHERE seq IN (10, 20);
         UPDATE audit_log SET (action, actor, document_id, proposal_id, detail) =
             (SELECT action, actor, document_id, proposal_id, detail FROM saved
              WHERE saved.seq = 30 - audit_log.seq)
         WHERE seq IN (10, 20);",
    )
    .unwrap();
    assert_eq!(problem_seqs(&conn), vec![10, 20]);
}

#[test]
fn a_whole_chain_recomputed_verifies_but_its_head_differs_from_the_recorded_one() {
    let (dir, entries) = seeded(10);
    let conn = open(dir.path());
    let recorded = audit::verify(&mut ours(&conn)).unwrap().head;
    // Someone who can write the file rewrites entry 3 and recomputes every later hash and the
    // head: this is the limit the recorded head is for.
    let mut prev = GENESIS.to_string();
    for entry in &entries {
        let mut event = entry.event.clone();
        if entry.seq == 3 {
            event.detail = json!({ "rewritten": true });
        }
        let hash = audit::entry_hash(entry.seq, &entry.at, &prev, &event);
        conn.execute(
            "UPDATE audit_log SET detail = ?1, prev_hash = ?2, hash = ?3 WHERE seq = ?4",
            params![audit::canonical_json(&event.detail), prev, hash, entry.seq],
        )
        .unwrap();
        prev = hash;
    }
    conn.execute("UPDATE audit_head SET hash = ?1", [&prev])
        .unwrap();
    let verification = audit::verify(&mut ours(&conn)).unwrap();
    assert!(verification.is_intact(), "{:?}", verification.problems);
    assert_ne!(verification.head, recorded);
}

use crate::common::ledgerline_command as ledgerline;

#[test]
fn cli_verify_exits_0_when_intact_and_1_when_tampered() {
    let (dir, entries) = seeded(30);
    let output = ledgerline()
        .args(["audit", "verify", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("entries checked: 30"), "{stdout}");
    assert!(
        stdout.contains(&format!("head: {}", entries[29].hash)),
        "{stdout}"
    );

    open(dir.path())
        .execute("UPDATE audit_log SET actor = 'someone' WHERE seq = 5", [])
        .unwrap();
    // The data directory from the environment, as `serve` reads it.
    let output = ledgerline()
        .args(["audit", "verify"])
        .env("LEDGERLINE_DATA_DIR", dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("problem: entry 5 was changed after it was written"),
        "{stdout}"
    );
}

#[test]
fn cli_verify_refuses_a_directory_without_a_database() {
    let empty = tempfile::tempdir().unwrap();
    let output = ledgerline()
        .args(["audit", "verify", "--data-dir"])
        .arg(empty.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no database at"), "{stderr}");
    assert!(!ledgerline::db::path(empty.path()).exists());
}

#[test]
fn cli_show_prints_a_documents_trail_as_json_lines() {
    let (dir, entries) = seeded(30);
    let output = ledgerline()
        .args(["audit", "show", "--document", "doc-2", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let shown: Vec<Entry> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let expected: Vec<Entry> = entries
        .into_iter()
        .filter(|e| e.event.document_id.as_deref() == Some("doc-2"))
        .collect();
    assert_eq!(expected.len(), 6);
    assert_eq!(shown, expected);

    let output = ledgerline()
        .args(["audit", "show", "--document", "doc-9", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no audit entries for document \"doc-9\""),
        "{stderr}"
    );
}
