//! The audit log: an append-only, hash-chained record of every step a document goes through,
//! kept in the `audit_log` and `audit_head` tables of the service's database (see [`crate::db`]:
//! a SQLite file, or a PostgreSQL server shared by replicas) so that a state change and its entry
//! commit in one transaction.
//!
//! Each entry's hash is SHA-256 over an unambiguous encoding of its sequence number, time,
//! the previous entry's hash and the event, so [`verify`] notices an entry changed, inserted,
//! deleted or moved. The one-row `audit_head` table, updated with every append, records the last
//! entry, so that entries deleted from the end are noticed too. Someone able to rewrite the whole
//! file can recompute the chain and the head: compare the head hash `verify` reports with one
//! recorded elsewhere to notice that.
//!
//! Nothing secret belongs in an entry. Callers record digests (SHA-256 of a document, of an
//! extraction, of an Intacct request and response), identifiers and decisions, never the
//! documents, credentials or tokens themselves; an entry's `detail` is capped at
//! [`MAX_DETAIL_BYTES`] so that a whole document cannot slip in by mistake.

use crate::args;
use crate::db::{Conn, Sql, SqlError, Tx};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The largest `detail`, as canonical JSON: room for suggestions with their confidences and
/// reasons, too little for a document.
pub const MAX_DETAIL_BYTES: usize = 64 * 1024;

/// Separates this encoding from any other SHA-256 input, and versions it.
const DOMAIN: &[u8] = b"ledgerline.audit.v1\0";

/// What happened. `detail` carries the stage-specific facts (document hash, extraction digest,
/// model versions, suggestions and confidences, routing decision and reasons, reviewer action,
/// Intacct request/response digests...): digests and decisions, never documents or secrets.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Event {
    pub action: String,
    pub actor: String,
    pub document_id: Option<String>,
    pub proposal_id: Option<String>,
    pub detail: Value,
}

/// One entry of the log, as written.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    /// 1 for the first entry, then consecutive.
    pub seq: i64,
    /// RFC 3339, UTC, microseconds.
    pub at: String,
    pub event: Event,
    pub prev_hash: String,
    pub hash: String,
}

/// One thing [`verify`] found wrong.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// The entry where the problem shows.
    pub seq: i64,
    pub message: String,
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Verification {
    /// Entries checked.
    pub entries: u64,
    /// The last entry's hash ([`GENESIS`] for an empty log); record it elsewhere to notice a
    /// rewrite of the whole file later.
    pub head: String,
    pub problems: Vec<Problem>,
}

impl Verification {
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Why the audit log could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error(
        "the audit log could not be read or written: {0}; check the database file and free disk space, then run `ledgerline audit verify`"
    )]
    Db(#[from] SqlError),
    #[error(
        "the database has no audit log tables; check --data-dir, or start the service once so it creates them"
    )]
    NotInitialized,
    #[error(
        "the audit log has no head row: call audit::init at start-up, or, if the log already has entries, its head was deleted; run `ledgerline audit verify`"
    )]
    NoHead,
    #[error(
        "the audit detail is {size} bytes, more than the {MAX_DETAIL_BYTES} an entry may hold; record digests and identifiers, not documents"
    )]
    DetailTooLarge { size: usize },
    #[error("entry {seq}'s detail is not JSON ({source}); run `ledgerline audit verify`")]
    Serialize {
        seq: i64,
        #[source]
        source: serde_json::Error,
    },
}

/// An event whose detail would be over [`MAX_DETAIL_BYTES`] as several numbered ones: its
/// largest list (a statement's lines and their codings, a long document's issues) is spread
/// over parts (`"part"`, `"of"`), the other facts stay in the first. A document of any length is
/// recorded in full while every entry stays small. An event that no split can shrink (one item
/// over the limit) comes back whole, and `append` refuses it with its size.
pub fn split_oversized(event: Event) -> Vec<Event> {
    // Headroom for the part numbers and for canonical JSON's escaping differences.
    const BUDGET: usize = MAX_DETAIL_BYTES * 3 / 4;
    let size = |v: &Value| canonical_json(v).len();
    if size(&event.detail) <= BUDGET {
        return vec![event];
    }
    let Some(fields) = event.detail.as_object() else {
        return vec![event];
    };
    let largest = fields
        .iter()
        .filter_map(|(k, v)| Some((k.clone(), v.as_array()?.clone())))
        .filter(|(_, items)| items.len() > 1)
        .max_by_key(|(_, items)| size(&Value::Array(items.clone())));
    let Some((key, items)) = largest else {
        return vec![event];
    };
    let mut rest = fields.clone();
    rest.insert(key.clone(), Value::Array(Vec::new()));
    let room = BUDGET
        .saturating_sub(size(&Value::Object(rest.clone())))
        .max(1024);
    let mut chunks: Vec<Vec<Value>> = vec![Vec::new()];
    let mut used = 0;
    for item in items {
        let n = size(&item) + 1;
        if used + n > room && chunks.last().is_some_and(|c| !c.is_empty()) {
            chunks.push(Vec::new());
            used = 0;
        }
        used += n;
        if let Some(last) = chunks.last_mut() {
            last.push(item);
        }
    }
    let of = chunks.len();
    chunks
        .into_iter()
        .enumerate()
        .flat_map(|(i, chunk)| {
            let mut detail = if i == 0 {
                rest.clone()
            } else {
                serde_json::Map::new()
            };
            detail.insert(key.clone(), Value::Array(chunk));
            detail.insert("part".into(), Value::from(i + 1));
            detail.insert("of".into(), Value::from(of));
            split_oversized(Event {
                detail: Value::Object(detail),
                ..event.clone()
            })
        })
        .collect()
}

/// Appends `event` inside the caller's transaction, so a state change and its audit entry
/// commit together (or not at all).
///
/// The transaction is a writing one ([`Conn::write`]): it holds the writers' lock before the
/// head is read, so appenders on other connections, processes or replicas queue instead of
/// racing for the same sequence number.
pub fn append(tx: &mut Tx<'_>, event: &Event) -> Result<Entry, AuditError> {
    let detail = canonical_json(&event.detail);
    if detail.len() > MAX_DETAIL_BYTES {
        return Err(AuditError::DetailTooLarge { size: detail.len() });
    }
    let head = tx
        .query_opt("SELECT seq, hash FROM audit_head WHERE id = 1", &[])?
        .ok_or(AuditError::NoHead)?;
    let (last, prev_hash) = (head.int(0)?, head.text(1)?);
    let seq = last + 1;
    let at = ledgerline_core::clock::now_rfc3339();
    let hash = hash_fields(&Fields {
        seq,
        at: &at,
        prev_hash: &prev_hash,
        action: &event.action,
        actor: &event.actor,
        document_id: event.document_id.as_deref(),
        proposal_id: event.proposal_id.as_deref(),
        detail: &detail,
    });
    tx.execute(
        "INSERT INTO audit_log
             (seq, at, action, actor, document_id, proposal_id, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        args![
            seq,
            &at,
            &event.action,
            &event.actor,
            &event.document_id,
            &event.proposal_id,
            &detail,
            &prev_hash,
            &hash
        ],
    )?;
    tx.execute(
        "UPDATE audit_head SET seq = ?1, hash = ?2 WHERE id = 1",
        args![seq, &hash],
    )?;
    tracing::debug!(seq, action = %event.action, "audit entry appended");
    Ok(Entry {
        seq,
        at,
        event: event.clone(),
        prev_hash,
        hash,
    })
}

/// Appends `event` in a writing transaction of its own (see [`append`]).
pub fn append_now(conn: &mut Conn, event: &Event) -> Result<Entry, AuditError> {
    let mut tx = conn.write()?;
    let entry = append(&mut tx, event)?;
    tx.commit()?;
    Ok(entry)
}

/// Walks the whole chain, oldest first, and reports every problem it finds.
pub fn verify(conn: &mut Conn) -> Result<Verification, AuditError> {
    if !tables_exist(conn)? {
        return Err(AuditError::NotInitialized);
    }
    // One read transaction, so that the log and the head are seen at the same instant even
    // while the service appends.
    let mut tx = conn.read()?;
    let verification = walk(&mut tx)?;
    tx.commit()?;
    if !verification.is_intact() {
        tracing::warn!(
            problems = verification.problems.len(),
            "the audit log is not intact"
        );
    }
    Ok(verification)
}

/// Entries read at once while walking: memory stays bounded however long the log.
const WALK_PAGE: i64 = 5000;

fn walk(tx: &mut Tx<'_>) -> Result<Verification, AuditError> {
    let mut problems = Vec::new();
    let mut entries = 0u64;
    // The previous row: its sequence number and the hash it stores.
    let mut prev: Option<(i64, String)> = None;
    let mut after = i64::MIN;
    loop {
        let page = tx.query(
            "SELECT seq, at, action, actor, document_id, proposal_id, detail, prev_hash, hash
             FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            args![after, WALK_PAGE],
        )?;
        let Some(last) = page.last() else { break };
        after = last.int(0)?;
        for row in page {
            check_entry(&row, &mut prev, &mut problems)?;
            entries += 1;
        }
    }
    let head = tx.query_opt("SELECT seq, hash FROM audit_head WHERE id = 1", &[])?;
    let head = match head {
        Some(row) => Some((row.int(0)?, row.text(1)?)),
        None => None,
    };
    let (last, last_hash) = prev.unwrap_or_else(|| (0, GENESIS.to_string()));
    check_head(head, last, &last_hash, &mut problems);
    Ok(Verification {
        entries,
        head: last_hash,
        problems,
    })
}

/// Checks one entry against the one before it (`prev`, which it then becomes).
fn check_entry(
    row: &crate::db::Row,
    prev: &mut Option<(i64, String)>,
    problems: &mut Vec<Problem>,
) -> Result<(), AuditError> {
    let seq = row.int(0)?;
    let at = row.text(1)?;
    let action = row.text(2)?;
    let actor = row.text(3)?;
    let document_id = row.opt_text(4)?;
    let proposal_id = row.opt_text(5)?;
    let detail = row.text(6)?;
    let prev_hash = row.text(7)?;
    let hash = row.text(8)?;
    let mut problem = |message: String| problems.push(Problem { seq, message });
    let (expected_seq, expected_prev) = match prev.as_ref() {
        Some((p, h)) => (p + 1, h.as_str()),
        None => (1, GENESIS),
    };
    if seq != expected_seq {
        problem(match prev.as_ref() {
            Some((p, _)) => {
                format!("entry {seq} does not follow entry {p}: an entry was deleted or inserted")
            }
            None => format!(
                "the log starts at entry {seq}, not entry 1: its first entries were deleted"
            ),
        });
    } else if prev_hash != expected_prev {
        problem(match prev.as_ref() {
            Some((p, _)) => format!(
                "entry {seq} does not link to entry {p}: its prev_hash is not entry {p}'s hash, so entry {p} was rewritten or replaced, or entries were reordered"
            ),
            None => format!(
                "entry {seq} does not start the chain: its prev_hash is not the genesis hash"
            ),
        });
    }
    let computed = hash_fields(&Fields {
        seq,
        at: &at,
        prev_hash: &prev_hash,
        action: &action,
        actor: &actor,
        document_id: document_id.as_deref(),
        proposal_id: proposal_id.as_deref(),
        detail: &detail,
    });
    if computed != hash {
        problem(format!(
            "entry {seq} was changed after it was written: its hash does not match its content"
        ));
    }
    *prev = Some((seq, hash));
    Ok(())
}

/// Checks the head row against the last entry, so that entries deleted from the end show.
fn check_head(
    head: Option<(i64, String)>,
    last: i64,
    last_hash: &str,
    problems: &mut Vec<Problem>,
) {
    match head {
        None => problems.push(Problem {
            seq: last,
            message: "the head row of audit_head was deleted: entries deleted from the end of the log would go unnoticed".into(),
        }),
        Some((h, _)) if h > last => problems.push(Problem {
            seq: h,
            message: format!(
                "the log ends at entry {last} but the head records entry {h}: entries were deleted from the end"
            ),
        }),
        Some((h, _)) if h < last => problems.push(Problem {
            seq: last,
            message: format!(
                "the log runs to entry {last} but the head records entry {h}: entries were added without going through the log"
            ),
        }),
        Some((_, hash)) if hash != last_hash => problems.push(Problem {
            seq: last,
            message: format!(
                "the head's hash is not entry {last}'s: the last entry was replaced, or the head was rewritten"
            ),
        }),
        Some(_) => {}
    }
}

/// One document's entries, oldest first. Empty when the document has none.
pub fn trail(conn: &mut Conn, document_id: &str) -> Result<Vec<Entry>, AuditError> {
    if !tables_exist(conn)? {
        return Err(AuditError::NotInitialized);
    }
    let rows = conn.query(
        "SELECT seq, at, action, actor, document_id, proposal_id, detail, prev_hash, hash
         FROM audit_log WHERE document_id = ?1 ORDER BY seq",
        args![document_id],
    )?;
    rows.iter()
        .map(|row| {
            let seq = row.int(0)?;
            let detail = serde_json::from_str(&row.text(6)?)
                .map_err(|source| AuditError::Serialize { seq, source })?;
            Ok(Entry {
                seq,
                at: row.text(1)?,
                event: Event {
                    action: row.text(2)?,
                    actor: row.text(3)?,
                    document_id: row.opt_text(4)?,
                    proposal_id: row.opt_text(5)?,
                    detail,
                },
                prev_hash: row.text(7)?,
                hash: row.text(8)?,
            })
        })
        .collect()
}

/// The hash an entry with these fields gets, for verifiers outside this module (and tests that
/// forge entries).
pub fn entry_hash(seq: i64, at: &str, prev_hash: &str, event: &Event) -> String {
    hash_fields(&Fields {
        seq,
        at,
        prev_hash,
        action: &event.action,
        actor: &event.actor,
        document_id: event.document_id.as_deref(),
        proposal_id: event.proposal_id.as_deref(),
        detail: &canonical_json(&event.detail),
    })
}

/// JSON with object keys sorted (by their UTF-8 bytes) at every level and no whitespace: the
/// form `detail` is stored and hashed in. serde_json keeps insertion order here (a dependency
/// turns on its `preserve_order` feature), so the sorting cannot be left to it.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut pairs: Vec<(&String, &Value)> = map.iter().collect();
            pairs.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, value)) in pairs.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(value, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        // Scalars have one serialisation each.
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// The hashed fields, `detail` already in canonical JSON.
#[derive(Clone, Copy)]
struct Fields<'a> {
    seq: i64,
    at: &'a str,
    prev_hash: &'a str,
    action: &'a str,
    actor: &'a str,
    document_id: Option<&'a str>,
    proposal_id: Option<&'a str>,
    detail: &'a str,
}

/// SHA-256, hex, over the domain tag and each field as a presence byte followed, when present,
/// by its length (8 bytes, big-endian) and bytes: no two field lists encode alike, so no
/// boundary can be shifted and an absent id differs from an empty one.
fn hash_fields(f: &Fields) -> String {
    let mut hasher = Sha256::new();
    hasher.update(DOMAIN);
    let seq = f.seq.to_string();
    for field in [
        Some(seq.as_str()),
        Some(f.at),
        Some(f.prev_hash),
        Some(f.action),
        Some(f.actor),
        f.document_id,
        f.proposal_id,
        Some(f.detail),
    ] {
        match field {
            None => hasher.update([0u8]),
            Some(text) => {
                hasher.update([1u8]);
                hasher.update((text.len() as u64).to_be_bytes());
                hasher.update(text.as_bytes());
            }
        }
    }
    hex::encode(hasher.finalize())
}

fn tables_exist(conn: &mut Conn) -> Result<bool, AuditError> {
    // With one of the two present the log exists and `verify` reports what is missing.
    Ok(conn.has_table("audit_log")? || conn.has_table("audit_head")?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(action: &str, doc: Option<&str>, detail: Value) -> Event {
        Event {
            action: action.into(),
            actor: "test".into(),
            document_id: doc.map(str::to_string),
            proposal_id: None,
            detail,
        }
    }

    fn memory() -> Conn {
        crate::db::open(&crate::db::Location::Sqlite(":memory:".into())).unwrap()
    }

    #[test]
    fn canonical_json_sorts_keys_at_every_level() {
        let a = json!({"b": 1, "a": {"z": [true, null], "y": "é\"\n"}, "c": 1.5});
        let mut b = serde_json::Map::new();
        b.insert("c".into(), json!(1.5));
        b.insert("a".into(), json!({"y": "é\"\n", "z": [true, null]}));
        b.insert("b".into(), json!(1));
        let text = canonical_json(&a);
        assert_eq!(text, r#"{"a":{"y":"é\"\n","z":[true,null]},"b":1,"c":1.5}"#);
        assert_eq!(canonical_json(&Value::Object(b)), text);
    }

    #[test]
    fn field_boundaries_cannot_shift() {
        let base = Fields {
            seq: 1,
            at: "t",
            prev_hash: GENESIS,
            action: "ab",
            actor: "c",
            document_id: None,
            proposal_id: None,
            detail: "{}",
        };
        let shifted = Fields {
            action: "a",
            actor: "bc",
            ..base
        };
        let empty_document = Fields {
            document_id: Some(""),
            ..base
        };
        let empty_proposal = Fields {
            proposal_id: Some(""),
            ..base
        };
        let hashes = [base, shifted, empty_document, empty_proposal].map(|f| hash_fields(&f));
        for (i, a) in hashes.iter().enumerate() {
            for b in &hashes[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn appends_a_chain_that_verifies_and_trails_per_document() {
        let mut conn = memory();
        let first = append_now(&mut conn, &event("received", Some("d1"), json!({"n": 1}))).unwrap();
        let second = append_now(&mut conn, &event("received", Some("d2"), json!({}))).unwrap();
        let third = append_now(&mut conn, &event("read", Some("d1"), json!({"n": 2}))).unwrap();
        assert_eq!((first.seq, second.seq, third.seq), (1, 2, 3));
        assert_eq!(first.prev_hash, GENESIS);
        assert_eq!(second.prev_hash, first.hash);
        assert_eq!(third.prev_hash, second.hash);
        assert_eq!(
            first.hash,
            entry_hash(1, &first.at, GENESIS, &first.event),
            "the returned hash is the documented one"
        );
        let verification = verify(&mut conn).unwrap();
        assert!(verification.is_intact(), "{:?}", verification.problems);
        assert_eq!(verification.entries, 3);
        assert_eq!(verification.head, third.hash);
        assert_eq!(trail(&mut conn, "d1").unwrap(), vec![first, third]);
        assert!(trail(&mut conn, "d3").unwrap().is_empty());
    }

    #[test]
    fn a_rolled_back_transaction_leaves_no_entry() {
        let mut conn = memory();
        append_now(&mut conn, &event("a", None, json!({}))).unwrap();
        let mut tx = conn.write().unwrap();
        append(&mut tx, &event("b", None, json!({}))).unwrap();
        drop(tx);
        let next = append_now(&mut conn, &event("c", None, json!({}))).unwrap();
        assert_eq!(next.seq, 2);
        assert!(verify(&mut conn).unwrap().is_intact());
    }

    #[test]
    fn a_changed_detail_is_reported_at_its_entry() {
        let mut conn = memory();
        for i in 0..5 {
            append_now(&mut conn, &event("a", None, json!({ "i": i }))).unwrap();
        }
        conn.execute(
            "UPDATE audit_log SET detail = '{\"i\":9}' WHERE seq = 3",
            &[],
        )
        .unwrap();
        let verification = verify(&mut conn).unwrap();
        assert_eq!(
            verification.problems,
            vec![Problem {
                seq: 3,
                message:
                    "entry 3 was changed after it was written: its hash does not match its content"
                        .into()
            }]
        );
    }

    #[test]
    fn a_large_detail_is_refused() {
        let mut conn = memory();
        let big = json!({ "document": "x".repeat(MAX_DETAIL_BYTES) });
        let err = append_now(&mut conn, &event("a", None, big)).unwrap_err();
        assert!(matches!(err, AuditError::DetailTooLarge { .. }), "{err}");
        assert_eq!(verify(&mut conn).unwrap().entries, 0);
    }

    #[test]
    fn a_deleted_head_is_not_recreated_over_existing_entries() {
        let mut conn = memory();
        append_now(&mut conn, &event("a", None, json!({}))).unwrap();
        conn.execute("DELETE FROM audit_head", &[]).unwrap();
        assert!(matches!(
            append_now(&mut conn, &event("b", None, json!({}))),
            Err(AuditError::NoHead)
        ));
        let problems = verify(&mut conn).unwrap().problems;
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].message.contains("head row"), "{problems:?}");
    }

    #[test]
    fn an_uninitialised_database_is_an_error() {
        let mut conn = crate::db::connect(&crate::db::Location::Sqlite(":memory:".into())).unwrap();
        assert!(matches!(verify(&mut conn), Err(AuditError::NotInitialized)));
        assert!(matches!(
            trail(&mut conn, "d"),
            Err(AuditError::NotInitialized)
        ));
    }

    #[test]
    fn a_long_document_is_recorded_in_parts_that_each_fit() {
        let lines: Vec<Value> = (0..3000)
            .map(|i| json!({ "line": i, "coding": { "account": "6100", "department": "OPS" }, "precedents": ["h-1", "h-2", "h-3"] }))
            .collect();
        let event = Event {
            action: "suggested".into(),
            actor: "system".into(),
            document_id: Some("d".into()),
            proposal_id: Some("p".into()),
            detail: json!({ "lines": lines, "model": "v1" }),
        };
        assert!(canonical_json(&event.detail).len() > MAX_DETAIL_BYTES);
        let parts = split_oversized(event);
        assert!(parts.len() > 1);
        let mut seen = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            assert!(canonical_json(&part.detail).len() <= MAX_DETAIL_BYTES);
            assert_eq!(part.detail["part"], json!(i + 1));
            assert_eq!(part.detail["of"], json!(parts.len()));
            seen.extend(
                part.detail["lines"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|l| l["line"].clone()),
            );
        }
        assert_eq!(parts[0].detail["model"], "v1");
        assert_eq!(seen, (0..3000).map(|i| json!(i)).collect::<Vec<_>>());
        let mut conn = memory();
        let mut tx = conn.write().unwrap();
        for part in &parts {
            append(&mut tx, part).unwrap();
        }
        tx.commit().unwrap();
        let verified = verify(&mut conn).unwrap();
        assert!(verified.is_intact());
        assert_eq!(verified.entries, parts.len() as u64);
    }
}
