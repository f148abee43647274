//! The shared backend: a PostgreSQL server that several replicas use at once. Statements come in
//! the common dialect with `?N` parameters and are rewritten to `$N`; every writing transaction
//! first takes one advisory lock, the equivalent of SQLite's single writer, so that appends to
//! the audit chain from different replicas queue instead of racing for a sequence number.

use ::postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use ::postgres::{Client, GenericClient, IsolationLevel, NoTls, Transaction};
use bytes::BytesMut;

use super::{DbError, Row, SqlError, Value};

/// The advisory lock every writer holds until it commits (an arbitrary constant: "ledger" in
/// ASCII), the same on every replica.
const WRITE_LOCK: i64 = 0x6c65_6467_6572;

/// A client that may be dropped anywhere: the blocking client closes its connection by
/// driving its own runtime, which may not happen on an executor's thread, so a client dropped
/// there (a server shutting down) is closed on a thread of its own.
pub(super) struct Pg(Option<Client>);

impl Pg {
    pub(super) fn client(&mut self) -> &mut Client {
        self.0
            .as_mut()
            .expect("the client is only taken out when the connection is dropped")
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        if let Some(client) = self.0.take()
            && tokio::runtime::Handle::try_current().is_ok()
        {
            std::thread::spawn(move || drop(client));
        }
    }
}

pub(super) fn connect(url: &str) -> Result<Pg, DbError> {
    let fail = |source: ::postgres::Error| DbError::Connect {
        server: redact(url),
        source: SqlError::Postgres(source),
    };
    let config: ::postgres::Config = url.parse().map_err(fail)?;
    Ok(Pg(Some(config.connect(NoTls).map_err(fail)?)))
}

pub(super) fn write(client: &mut Client) -> Result<Transaction<'_>, SqlError> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])?;
    Ok(tx)
}

pub(super) fn snapshot(client: &mut Client) -> Result<Transaction<'_>, SqlError> {
    Ok(client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()?)
}

pub(super) fn execute(
    client: &mut impl GenericClient,
    sql: &str,
    args: &[Value],
) -> Result<u64, SqlError> {
    Ok(client.execute(translate(sql).as_str(), &refs(args))?)
}

pub(super) fn query(
    client: &mut impl GenericClient,
    sql: &str,
    args: &[Value],
) -> Result<Vec<Row>, SqlError> {
    let rows = client.query(translate(sql).as_str(), &refs(args))?;
    rows.iter().map(row).collect()
}

fn refs(args: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    args.iter().map(|a| a as &(dyn ToSql + Sync)).collect()
}

fn row(row: &::postgres::Row) -> Result<Row, SqlError> {
    let mut values = Vec::with_capacity(row.len());
    for (i, column) in row.columns().iter().enumerate() {
        let ty = column.type_();
        let value = if *ty == Type::INT8 {
            row.try_get::<_, Option<i64>>(i)?.map(Value::Int)
        } else if *ty == Type::INT4 {
            row.try_get::<_, Option<i32>>(i)?
                .map(|v| Value::Int(v.into()))
        } else if *ty == Type::INT2 {
            row.try_get::<_, Option<i16>>(i)?
                .map(|v| Value::Int(v.into()))
        } else if *ty == Type::BOOL {
            row.try_get::<_, Option<bool>>(i)?
                .map(|v| Value::Int(v.into()))
        } else if [Type::TEXT, Type::VARCHAR, Type::BPCHAR, Type::NAME].contains(ty) {
            row.try_get::<_, Option<String>>(i)?.map(Value::Text)
        } else {
            return Err(SqlError::Type {
                column: i,
                expected: "an integer or text",
                found: "another PostgreSQL type",
            });
        };
        values.push(value.unwrap_or(Value::Null));
    }
    Ok(Row(values))
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            // The server infers a parameter's type from where it stands: narrow when it asks.
            Value::Int(v) if *ty == Type::INT4 => i32::try_from(*v)?.to_sql(ty, out),
            Value::Int(v) => v.to_sql(ty, out),
            Value::Text(v) => v.as_str().to_sql(ty, out),
        }
    }

    fn accepts(ty: &Type) -> bool {
        <i64 as ToSql>::accepts(ty) || <i32 as ToSql>::accepts(ty) || <&str as ToSql>::accepts(ty)
    }

    to_sql_checked!();
}

/// `?1` -> `$1` outside quoted strings and identifiers.
fn translate(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) => {
                out.push('$');
                continue;
            }
            None => {}
        }
        out.push(c);
    }
    out
}

/// A server's error with its detail and hint, which the driver's Display leaves out.
pub(super) fn describe(error: &::postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => {
            let mut text = format!("{}: {}", db.severity(), db.message());
            if let Some(detail) = db.detail() {
                text.push_str(&format!(" ({detail})"));
            }
            if let Some(hint) = db.hint() {
                text.push_str(&format!("; {hint}"));
            }
            text
        }
        None => error.to_string(),
    }
}

/// The URL without its password (`postgres://user:***@host/db`, `password=***`).
pub(super) fn redact(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        let (authority, tail) = rest
            .split_once('@')
            .map_or((None, rest), |(a, t)| (Some(a), t));
        return match authority.and_then(|a| a.split_once(':')) {
            Some((user, _)) => format!("{scheme}://{user}:***@{tail}"),
            None => url.to_string(),
        };
    }
    url.split_whitespace()
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_numbered_the_postgres_way_outside_quotes() {
        assert_eq!(
            translate("SELECT a FROM t WHERE b = ?1 AND c = '?2' AND \"?3\" = ?10"),
            "SELECT a FROM t WHERE b = $1 AND c = '?2' AND \"?3\" = $10"
        );
        assert_eq!(translate("SELECT '?' || ?2"), "SELECT '?' || $2");
    }
}
