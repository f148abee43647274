//! The shared backend: a PostgreSQL server that several replicas use at once. Statements come in
//! the common dialect with `?N` parameters and are rewritten to `$N`; every writing transaction
//! first takes one advisory lock, the equivalent of SQLite's single writer, so that appends to
//! the audit chain from different replicas queue instead of racing for a sequence number.

use ::postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ::postgres::{Client, GenericClient, IsolationLevel, Transaction};
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

/// Connects over TLS when the server offers it (`sslmode=prefer`, the default) or demands it
/// (`sslmode=require`), verifying the server's certificate against Mozilla's roots and the CA in
/// `sslrootcert`, as libpq's `verify-full` does; `sslmode=disable` connects in the clear.
pub(super) fn connect(url: &str) -> Result<Pg, DbError> {
    let fail = |source: ::postgres::Error| DbError::Connect {
        server: redact(url),
        source: SqlError::Postgres(source),
    };
    let (url, root) = take_root_cert(url);
    let config: ::postgres::Config = url.parse().map_err(fail)?;
    let tls = tls(root.as_deref())?;
    Ok(Pg(Some(config.connect(tls).map_err(fail)?)))
}

/// Removes libpq's `sslrootcert` from a URL (`?sslrootcert=/ca.pem`) or key=value string, which
/// the client's parser does not know, and returns it apart.
fn take_root_cert(url: &str) -> (String, Option<PathBuf>) {
    let is_root = |pair: &str| {
        pair.split_once('=')
            .filter(|(key, _)| key.trim() == "sslrootcert")
            .map(|(_, value)| PathBuf::from(value.trim()))
    };
    if let Some((base, query)) = url.split_once('?') {
        let (mut kept, mut root) = (Vec::new(), None);
        for pair in query.split('&') {
            match is_root(pair) {
                Some(path) => root = Some(path),
                None => kept.push(pair),
            }
        }
        let url = match kept.is_empty() {
            true => base.to_string(),
            false => format!("{base}?{}", kept.join("&")),
        };
        return (url, root);
    }
    if url.contains("://") {
        return (url.to_string(), None);
    }
    let (mut kept, mut root) = (Vec::new(), None);
    for pair in url.split_whitespace() {
        match is_root(pair) {
            Some(path) => root = Some(path),
            None => kept.push(pair),
        }
    }
    (kept.join(" "), root)
}

fn tls(root: Option<&Path>) -> Result<tokio_postgres_rustls::MakeRustlsConnect, DbError> {
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    if let Some(path) = root {
        use rustls_pki_types::pem::PemObject;
        let certificate = |reason: String| DbError::Certificate {
            path: path.to_path_buf(),
            reason,
        };
        let certs = rustls_pki_types::CertificateDer::pem_file_iter(path)
            .map_err(|e| certificate(e.to_string()))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| certificate(e.to_string()))?;
        if certs.is_empty() {
            return Err(certificate("it holds no PEM certificate".into()));
        }
        for cert in certs {
            roots.add(cert).map_err(|e| certificate(e.to_string()))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
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

    #[test]
    fn the_root_certificate_is_taken_out_of_either_form_of_url() {
        assert_eq!(
            take_root_cert("postgres://u@h/db?sslmode=require&sslrootcert=/ca.pem"),
            (
                "postgres://u@h/db?sslmode=require".to_string(),
                Some(PathBuf::from("/ca.pem"))
            )
        );
        assert_eq!(
            take_root_cert("postgres://u@h/db?sslrootcert=/ca.pem"),
            (
                "postgres://u@h/db".to_string(),
                Some(PathBuf::from("/ca.pem"))
            )
        );
        assert_eq!(
            take_root_cert("host=h sslrootcert=/ca.pem user=u"),
            ("host=h user=u".to_string(), Some(PathBuf::from("/ca.pem")))
        );
        assert_eq!(
            take_root_cert("postgres://u@h/db"),
            ("postgres://u@h/db".to_string(), None)
        );
    }

    #[test]
    fn a_missing_or_empty_certificate_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate").unwrap();
        for path in [dir.path().join("missing.pem"), empty] {
            let message = tls(Some(&path)).err().unwrap().to_string();
            assert!(
                message.contains(&path.display().to_string()) && message.contains("sslrootcert"),
                "{message}"
            );
        }
    }
}
