//! The embedded backend: one SQLite file, opened the same way everywhere (WAL so readers never
//! block the writer, a busy timeout so that concurrent writers queue instead of failing).

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;
use rusqlite::types::{ToSqlOutput, ValueRef};

use super::{DbError, Row, SqlError, Value};

pub(super) fn open(path: &Path) -> Result<Connection, DbError> {
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

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(v) => ToSqlOutput::Borrowed(ValueRef::Integer(*v)),
            Value::Text(v) => ToSqlOutput::Borrowed(ValueRef::Text(v.as_bytes())),
        })
    }
}

pub(super) fn execute(conn: &Connection, sql: &str, args: &[Value]) -> Result<u64, SqlError> {
    let changed = conn
        .prepare_cached(sql)?
        .execute(rusqlite::params_from_iter(args))?;
    Ok(changed as u64)
}

pub(super) fn query(conn: &Connection, sql: &str, args: &[Value]) -> Result<Vec<Row>, SqlError> {
    let mut statement = conn.prepare_cached(sql)?;
    let columns = statement.column_count();
    let mut rows = statement.query(rusqlite::params_from_iter(args))?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let mut values = Vec::with_capacity(columns);
        for i in 0..columns {
            values.push(match row.get_ref(i)? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(v) => Value::Int(v),
                ValueRef::Text(bytes) => match std::str::from_utf8(bytes) {
                    Ok(text) => Value::Text(text.to_string()),
                    Err(_) => {
                        return Err(SqlError::Type {
                            column: i,
                            expected: "UTF-8 text",
                            found: "bytes that are not UTF-8",
                        });
                    }
                },
                ValueRef::Real(_) => {
                    return Err(SqlError::Type {
                        column: i,
                        expected: "an integer or text",
                        found: "a real number",
                    });
                }
                ValueRef::Blob(_) => {
                    return Err(SqlError::Type {
                        column: i,
                        expected: "an integer or text",
                        found: "a blob",
                    });
                }
            });
        }
        out.push(Row(values));
    }
    Ok(out)
}
