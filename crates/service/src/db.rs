//! The service's one SQLite file, `<data_dir>/ledgerline.db`: the review queue, the audit log and
//! the API tokens live side by side so that a state change and its audit entry commit in one
//! transaction. Each of those modules creates its own tables; this module only opens the file
//! the same way everywhere (WAL so readers never block the writer, a busy timeout so that
//! concurrent writers queue instead of failing).

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::Connection;

/// Why the database could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(
        "cannot create the data directory {path}: {source}; check --data-dir and its permissions"
    )]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "cannot open the database {path}: {source}; check the file's permissions, or move it aside if it is damaged"
    )]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
}

/// `<data_dir>/ledgerline.db`.
pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join("ledgerline.db")
}

/// Opens (creating if needed) the database under `data_dir`.
pub fn open(data_dir: &Path) -> Result<Connection, DbError> {
    std::fs::create_dir_all(data_dir).map_err(|source| DbError::CreateDir {
        path: data_dir.to_path_buf(),
        source,
    })?;
    open_file(&path(data_dir))
}

/// Opens (creating if needed) one database file.
pub fn open_file(path: &Path) -> Result<Connection, DbError> {
    let fail = |source| DbError::Open {
        path: path.to_path_buf(),
        source,
    };
    let conn = Connection::open(path).map_err(fail)?;
    conn.busy_timeout(Duration::from_secs(30)).map_err(fail)?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(fail)?;
    // Every commit survives a power cut once it returns: the queue and the audit log promise it.
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(fail)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(fail)?;
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_in_wal_mode_and_creates_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b");
        let conn = open(&nested).unwrap();
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        assert!(path(&nested).exists());
    }
}
