//! The schema, versioned: each migration runs once, in order, inside the writers' lock, and is
//! recorded in `schema_migrations`; a database opened by several replicas at once is migrated by
//! the first and found up to date by the others. A migration is never edited once released;
//! a change is a new one, written for both dialects.

use super::{Conn, DbError, Dialect, Location, Sql};

struct Migration {
    version: i64,
    sqlite: &'static str,
    postgres: &'static str,
}

/// The newest schema this build knows.
pub const LATEST: i64 = 1;

/// Version 1: the review queue, the audit log and the API tokens. The SQLite statements are the
/// ones databases written before migrations existed were created with (`IF NOT EXISTS`), so
/// those are adopted as version 1 unchanged.
const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    sqlite: "
CREATE TABLE IF NOT EXISTS proposals (
    id TEXT PRIMARY KEY,
    company TEXT NOT NULL,
    document_id TEXT NOT NULL,
    state TEXT NOT NULL,
    version INTEGER NOT NULL,
    vendor TEXT NOT NULL,
    number TEXT NOT NULL,
    created_at TEXT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (company, document_id)
);
CREATE INDEX IF NOT EXISTS proposals_pending ON proposals (company, state, created_at, id);
CREATE INDEX IF NOT EXISTS proposals_vendor ON proposals (company, vendor);
-- STRICT: a value of the wrong type is refused rather than converted, so what is hashed is
-- what is stored.
CREATE TABLE IF NOT EXISTS audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    document_id TEXT,
    proposal_id TEXT,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS audit_log_document ON audit_log (document_id, seq);
CREATE TABLE IF NOT EXISTS audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
) STRICT;
-- Only an empty log gets a fresh head (audit::GENESIS): recreating a deleted head over
-- existing entries would hide the deletion of entries from the end.
INSERT OR IGNORE INTO audit_head (id, seq, hash)
SELECT 1, 0, '0000000000000000000000000000000000000000000000000000000000000000'
WHERE NOT EXISTS (SELECT 1 FROM audit_log);
CREATE TABLE IF NOT EXISTS api_tokens (
    token_sha256 TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('ingest', 'reviewer', 'admin')),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    revoked_at TEXT
);
-- A name is unique among working tokens; a revoked token keeps its row (so that its later use
-- is named in the refusal) and its name may be given to a successor.
CREATE UNIQUE INDEX IF NOT EXISTS api_tokens_active_name
    ON api_tokens (name) WHERE revoked_at IS NULL;
",
    postgres: "
CREATE TABLE IF NOT EXISTS proposals (
    id TEXT PRIMARY KEY,
    company TEXT NOT NULL,
    document_id TEXT NOT NULL,
    state TEXT NOT NULL,
    version BIGINT NOT NULL,
    vendor TEXT NOT NULL,
    number TEXT NOT NULL,
    created_at TEXT COLLATE \"C\" NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (company, document_id)
);
CREATE INDEX IF NOT EXISTS proposals_pending ON proposals (company, state, created_at, id);
CREATE INDEX IF NOT EXISTS proposals_vendor ON proposals (company, vendor);
CREATE TABLE IF NOT EXISTS audit_log (
    seq BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    document_id TEXT,
    proposal_id TEXT,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_document ON audit_log (document_id, seq);
CREATE TABLE IF NOT EXISTS audit_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
SELECT 1, 0, '0000000000000000000000000000000000000000000000000000000000000000'
WHERE NOT EXISTS (SELECT 1 FROM audit_log)
ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS api_tokens (
    token_sha256 TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('ingest', 'reviewer', 'admin')),
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS api_tokens_active_name
    ON api_tokens (name) WHERE revoked_at IS NULL;
",
}];

/// Applies the migrations `conn` has not had yet.
pub(super) fn run(conn: &mut Conn, location: &Location) -> Result<(), DbError> {
    let fail = |source| DbError::Migrate {
        location: location.describe(),
        source,
    };
    let mut tx = conn.write().map_err(fail)?;
    tx.batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version BIGINT PRIMARY KEY,
             applied_at TEXT NOT NULL
         )",
    )
    .map_err(fail)?;
    let current = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )
        .and_then(|row| row.int(0))
        .map_err(fail)?;
    if current > LATEST {
        return Err(DbError::NewerSchema {
            location: location.describe(),
            found: current,
            known: LATEST,
        });
    }
    for migration in MIGRATIONS.iter().filter(|m| m.version > current) {
        let sql = match tx.dialect() {
            Dialect::Sqlite => migration.sqlite,
            Dialect::Postgres => migration.postgres,
        };
        tx.batch(sql).map_err(fail)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
            crate::args![migration.version, ledgerline_core::clock::now_rfc3339()],
        )
        .map_err(fail)?;
        tracing::info!(
            version = migration.version,
            database = %location.describe(),
            "database schema migrated"
        );
    }
    tx.commit().map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_genesis_head_is_the_audit_logs_genesis() {
        for m in MIGRATIONS {
            assert!(m.sqlite.contains(crate::audit::GENESIS));
            assert!(m.postgres.contains(crate::audit::GENESIS));
        }
        assert_eq!(MIGRATIONS.last().map(|m| m.version), Some(LATEST));
    }

    #[test]
    fn a_database_from_a_newer_build_is_refused_and_reopening_migrates_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let location = Location::Sqlite(super::super::path(dir.path()));
        let mut conn = super::super::open(&location).unwrap();
        super::super::open(&location).unwrap();
        let applied = conn
            .query_one("SELECT count(*) FROM schema_migrations", &[])
            .unwrap();
        assert_eq!(applied.int(0).unwrap(), LATEST);
        conn.execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, 'later')",
            crate::args![LATEST + 1],
        )
        .unwrap();
        let err = super::super::open(&location).unwrap_err();
        assert!(matches!(err, DbError::NewerSchema { found, .. } if found == LATEST + 1));
        assert!(err.to_string().contains("newer"), "{err}");
    }
}
