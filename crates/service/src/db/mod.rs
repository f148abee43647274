//! The service's shared state, the review queue, the audit log and the API tokens, in one
//! database: a SQLite file under the data directory by default, or a PostgreSQL server that
//! several replicas share (`--database-url`). The tables live side by side so that a state change
//! and its audit entry commit in one transaction.
//!
//! The modules that use the tables write their SQL once, in the dialect both accept, with `?N`
//! parameters; [`Conn`] rewrites the parameters for PostgreSQL. Writing transactions
//! ([`Conn::write`]) are serialised on both, SQLite by its write lock and PostgreSQL by a
//! transaction-scoped advisory lock, so that the audit chain has one order whatever the number
//! of writers. The schema is versioned ([`migrations`]) and brought up to date when a database
//! is opened.

mod migrations;
mod postgres;
mod sqlite;
mod value;

use std::path::{Path, PathBuf};

pub use migrations::LATEST as SCHEMA_VERSION;
pub use value::{Row, Value};

/// `&[Value]` from a list of expressions, for the parameters of [`Sql`] calls.
#[macro_export]
macro_rules! args {
    ($($value:expr),* $(,)?) => {
        &[$($crate::db::Value::from($value)),*]
    };
}

/// Where the shared state lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// `<data_dir>/ledgerline.db`, for one process (and batches on the same machine).
    Sqlite(PathBuf),
    /// A `postgres://` URL (or libpq key=value string), for several replicas.
    Postgres(String),
}

impl Location {
    /// The server named by `database_url`, else the SQLite file under `data_dir`.
    pub fn new(data_dir: &Path, database_url: Option<&str>) -> Location {
        match database_url {
            Some(url) => Location::Postgres(url.to_string()),
            None => Location::Sqlite(path(data_dir)),
        }
    }

    /// For messages and logs: the file, or the server without its password.
    pub fn describe(&self) -> String {
        match self {
            Location::Sqlite(path) => path.display().to_string(),
            Location::Postgres(url) => postgres::redact(url),
        }
    }
}

/// Which SQL a connection speaks, for the few statements that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// Why the database could not be opened.
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
    #[error(
        "cannot connect to the PostgreSQL database {server}: {source}; check --database-url (LEDGERLINE_DATABASE_URL), that the server runs and that it accepts this user, and for TLS that sslrootcert=<CA.pem> in the URL names the CA that signed the server's certificate"
    )]
    Connect {
        server: String,
        #[source]
        source: SqlError,
    },
    #[error(
        "cannot read the certificate authority {path} named by sslrootcert in the database URL: {reason}; point sslrootcert at the PEM file of the CA that signed the server's certificate"
    )]
    Certificate { path: PathBuf, reason: String },
    #[error(
        "cannot bring the schema of the database {location} up to date: {source}; check that this user may create tables there"
    )]
    Migrate {
        location: String,
        #[source]
        source: SqlError,
    },
    #[error(
        "the database {location} has schema version {found}, newer than this ledgerline knows ({known}); run the newer ledgerline that wrote it"
    )]
    NewerSchema {
        location: String,
        found: i64,
        known: i64,
    },
}

/// A statement failed.
#[derive(Debug, thiserror::Error)]
pub enum SqlError {
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{}", postgres::describe(.0))]
    Postgres(#[from] ::postgres::Error),
    #[error("column {column} holds {found}, not {expected}")]
    Type {
        column: usize,
        expected: &'static str,
        found: &'static str,
    },
    #[error("the query returned no row")]
    NoRow,
}

impl SqlError {
    /// A UNIQUE (or primary key) constraint refused the row.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            SqlError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
                e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                    || e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
            }
            SqlError::Postgres(e) => {
                e.code() == Some(&::postgres::error::SqlState::UNIQUE_VIOLATION)
            }
            _ => false,
        }
    }
}

/// Statements, on a connection or inside a transaction.
pub trait Sql {
    fn dialect(&self) -> Dialect;
    /// Runs one statement; the number of rows it changed.
    fn execute(&mut self, sql: &str, args: &[Value]) -> Result<u64, SqlError>;
    /// Runs one query; every row.
    fn query(&mut self, sql: &str, args: &[Value]) -> Result<Vec<Row>, SqlError>;
    /// Runs several statements without parameters (schema changes).
    fn batch(&mut self, sql: &str) -> Result<(), SqlError>;

    /// The first row, if any.
    fn query_opt(&mut self, sql: &str, args: &[Value]) -> Result<Option<Row>, SqlError> {
        Ok(self.query(sql, args)?.into_iter().next())
    }

    /// The first row, which must exist.
    fn query_one(&mut self, sql: &str, args: &[Value]) -> Result<Row, SqlError> {
        self.query_opt(sql, args)?.ok_or(SqlError::NoRow)
    }

    /// Whether the table exists (in the current schema, on PostgreSQL).
    fn has_table(&mut self, name: &str) -> Result<bool, SqlError> {
        let sql = match self.dialect() {
            Dialect::Sqlite => {
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1"
            }
            Dialect::Postgres => {
                "SELECT count(*) FROM information_schema.tables
                 WHERE table_schema = current_schema() AND table_name = ?1"
            }
        };
        Ok(self.query_one(sql, args![name])?.int(0)? > 0)
    }
}

/// One open connection.
pub struct Conn {
    inner: Inner,
}

enum Inner {
    Sqlite(rusqlite::Connection),
    Postgres(postgres::Pg),
}

/// A transaction; dropped without [`Tx::commit`], it rolls back.
pub struct Tx<'c> {
    inner: TxInner<'c>,
}

enum TxInner<'c> {
    Sqlite(rusqlite::Transaction<'c>),
    Postgres(::postgres::Transaction<'c>),
}

/// `<data_dir>/ledgerline.db`.
pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join("ledgerline.db")
}

/// Opens the database and brings its schema up to date: what every command that writes does.
pub fn open(location: &Location) -> Result<Conn, DbError> {
    off_the_executor(location, || {
        let mut conn = connect_here(location)?;
        migrations::run(&mut conn, location)?;
        Ok(conn)
    })
}

/// Opens the database as it is, creating nothing in it: for inspecting (`audit verify`).
pub fn connect(location: &Location) -> Result<Conn, DbError> {
    off_the_executor(location, || connect_here(location))
}

/// Runs `f` on a thread of its own when called from async code with a PostgreSQL location:
/// the blocking client drives its own small runtime, which may not be started on an executor's
/// thread. Start-up opens the database from async code once; every later call runs on the
/// blocking pool already.
fn off_the_executor<T: Send>(location: &Location, f: impl FnOnce() -> T + Send) -> T {
    let on_executor = tokio::runtime::Handle::try_current().is_ok();
    if matches!(location, Location::Postgres(_)) && on_executor {
        std::thread::scope(|scope| {
            scope
                .spawn(f)
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    } else {
        f()
    }
}

fn connect_here(location: &Location) -> Result<Conn, DbError> {
    let inner = match location {
        Location::Sqlite(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|source| DbError::CreateDir {
                    path: dir.to_path_buf(),
                    source,
                })?;
            }
            Inner::Sqlite(sqlite::open(path)?)
        }
        Location::Postgres(url) => Inner::Postgres(postgres::connect(url)?),
    };
    Ok(Conn { inner })
}

/// The SQLite database under `data_dir`, its schema up to date: the embedded default.
pub fn open_dir(data_dir: &Path) -> Result<Conn, DbError> {
    open(&Location::Sqlite(path(data_dir)))
}

impl std::fmt::Debug for Conn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Conn")
            .field("dialect", &self.dialect())
            .finish_non_exhaustive()
    }
}

impl Conn {
    /// A transaction that holds the write lock from its start: writers queue (SQLite up to its
    /// busy timeout, PostgreSQL until the holder commits) instead of racing, so reading the
    /// audit head and appending after it cannot interleave with another writer.
    pub fn write(&mut self) -> Result<Tx<'_>, SqlError> {
        let inner = match &mut self.inner {
            Inner::Sqlite(conn) => TxInner::Sqlite(
                conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?,
            ),
            Inner::Postgres(client) => TxInner::Postgres(postgres::write(client.client())?),
        };
        Ok(Tx { inner })
    }

    /// A read-only transaction that sees one instant of the database, for reads that must
    /// agree with each other (the audit log and its head).
    pub fn read(&mut self) -> Result<Tx<'_>, SqlError> {
        let inner = match &mut self.inner {
            Inner::Sqlite(conn) => TxInner::Sqlite(conn.transaction()?),
            Inner::Postgres(client) => TxInner::Postgres(postgres::snapshot(client.client())?),
        };
        Ok(Tx { inner })
    }
}

impl Tx<'_> {
    pub fn commit(self) -> Result<(), SqlError> {
        match self.inner {
            TxInner::Sqlite(tx) => tx.commit()?,
            TxInner::Postgres(tx) => tx.commit()?,
        }
        Ok(())
    }
}

impl Sql for Conn {
    fn dialect(&self) -> Dialect {
        match self.inner {
            Inner::Sqlite(_) => Dialect::Sqlite,
            Inner::Postgres(_) => Dialect::Postgres,
        }
    }

    fn execute(&mut self, sql: &str, args: &[Value]) -> Result<u64, SqlError> {
        match &mut self.inner {
            Inner::Sqlite(conn) => sqlite::execute(conn, sql, args),
            Inner::Postgres(client) => postgres::execute(client.client(), sql, args),
        }
    }

    fn query(&mut self, sql: &str, args: &[Value]) -> Result<Vec<Row>, SqlError> {
        match &mut self.inner {
            Inner::Sqlite(conn) => sqlite::query(conn, sql, args),
            Inner::Postgres(client) => postgres::query(client.client(), sql, args),
        }
    }

    fn batch(&mut self, sql: &str) -> Result<(), SqlError> {
        match &mut self.inner {
            Inner::Sqlite(conn) => Ok(conn.execute_batch(sql)?),
            Inner::Postgres(client) => Ok(client.client().batch_execute(sql)?),
        }
    }
}

impl Sql for Tx<'_> {
    fn dialect(&self) -> Dialect {
        match self.inner {
            TxInner::Sqlite(_) => Dialect::Sqlite,
            TxInner::Postgres(_) => Dialect::Postgres,
        }
    }

    fn execute(&mut self, sql: &str, args: &[Value]) -> Result<u64, SqlError> {
        match &mut self.inner {
            TxInner::Sqlite(tx) => sqlite::execute(tx, sql, args),
            TxInner::Postgres(tx) => postgres::execute(tx, sql, args),
        }
    }

    fn query(&mut self, sql: &str, args: &[Value]) -> Result<Vec<Row>, SqlError> {
        match &mut self.inner {
            TxInner::Sqlite(tx) => sqlite::query(tx, sql, args),
            TxInner::Postgres(tx) => postgres::query(tx, sql, args),
        }
    }

    fn batch(&mut self, sql: &str) -> Result<(), SqlError> {
        match &mut self.inner {
            TxInner::Sqlite(tx) => Ok(tx.execute_batch(sql)?),
            TxInner::Postgres(tx) => Ok(tx.batch_execute(sql)?),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_in_wal_mode_and_creates_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b");
        let mut conn = open_dir(&nested).unwrap();
        let mode = conn.query_one("PRAGMA journal_mode", &[]).unwrap();
        assert_eq!(mode.text(0).unwrap(), "wal");
        assert!(path(&nested).exists());
        assert!(conn.has_table("proposals").unwrap());
        assert!(!conn.has_table("no_such_table").unwrap());
    }

    #[test]
    fn a_unique_violation_is_recognised() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = open_dir(dir.path()).unwrap();
        let insert = "INSERT INTO api_tokens (token_sha256, name, role, created_at) VALUES (?1, ?2, 'admin', ?3)";
        conn.execute(insert, args!["h", "a", "t"]).unwrap();
        let err = conn.execute(insert, args!["h", "b", "t"]).unwrap_err();
        assert!(err.is_unique_violation(), "{err}");
        let err = conn
            .execute("INSERT INTO nowhere VALUES (1)", &[])
            .unwrap_err();
        assert!(!err.is_unique_violation());
    }

    #[test]
    fn a_password_never_reaches_a_message() {
        let location = Location::new(
            Path::new("/x"),
            Some("postgres://ledger:s3cret@db.example:5432/ledgerline"),
        );
        assert_eq!(
            location.describe(),
            "postgres://ledger:***@db.example:5432/ledgerline"
        );
        let location = Location::new(Path::new("/x"), Some("host=db password=s3cret user=a"));
        assert!(!location.describe().contains("s3cret"));
    }
}
