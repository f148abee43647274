//! Access control: API tokens, the role each carries, which role may call which RPC, and the
//! tower layer that checks every gRPC call before it reaches a handler.
//!
//! A token is shown once, when it is created; the database keeps only its SHA-256, so a copy of
//! `ledgerline.db` (or of a backup) lets nobody in. Revoked tokens stay in the table, marked, so
//! that a caller still using one is named when it is refused.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::args;
use crate::db::{Conn, Sql, SqlError};

/// What a token may do. An admin may call everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Upstream systems: extraction, suggestions, proposals.
    Ingest,
    /// People working the review queue.
    Reviewer,
    /// Everything, including RPCs added for operators.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Ingest => "ingest",
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
        }
    }

    fn parse(text: &str) -> Option<Role> {
        [Role::Ingest, Role::Reviewer, Role::Admin]
            .into_iter()
            .find(|r| r.as_str() == text)
    }

    /// Whether a token with this role may call an RPC that requires `required`.
    pub fn permits(self, required: Role) -> bool {
        self == Role::Admin || self == required
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who made a call: the name and role of the token it carried. Handlers read it with
/// [`principal`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub name: String,
    pub role: Role,
}

/// A token as `ledgerline token list` shows it: never the token, nor its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    pub name: String,
    pub role: Role,
    /// UTC, RFC 3339.
    pub created_at: String,
    /// UTC, RFC 3339; None while the token works.
    pub revoked_at: Option<String>,
}

/// Why a token operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(
        "a token named {0:?} already exists; pick another name, or revoke it first with \
         `ledgerline token revoke {0}`"
    )]
    NameTaken(String),
    #[error("no active token is named {0:?}; `ledgerline token list` shows the tokens")]
    UnknownName(String),
    #[error(
        "{0:?} is not a usable token name: use 1 to 64 letters, digits, '.', '_' or '-' \
         (for example ci-uploader or jane.doe)"
    )]
    BadName(String),
    #[error("the operating system's random number generator failed: {0}; retry")]
    Random(String),
    #[error(
        "the api_tokens table of the database failed: {0}; check that the data directory (or \
         --database-url) is the service's and that the database is writable"
    )]
    Db(#[from] SqlError),
    #[error(
        "the api_tokens table holds the role {0:?}, which no ledgerline knows; the database was \
         edited by hand: revoke that token"
    )]
    BadRole(String),
    #[error(transparent)]
    Open(#[from] crate::db::DbError),
    #[error("the token lookup did not finish: {0}")]
    Lookup(String),
}

/// Every token starts with this, so that a leaked one is recognisable (secret scanners, logs).
const PREFIX: &str = "llt_";
/// Random bytes per token: 256 bits, out of reach of guessing.
const TOKEN_BYTES: usize = 32;

/// Creates a token; returns its description and the token itself, which is not stored and
/// cannot be shown again.
pub fn create(conn: &mut Conn, name: &str, role: Role) -> Result<(TokenInfo, String), AuthError> {
    check_name(name)?;
    let mut bytes = [0u8; TOKEN_BYTES];
    rand::TryRngCore::try_fill_bytes(&mut rand::rngs::OsRng, &mut bytes)
        .map_err(|e| AuthError::Random(e.to_string()))?;
    let token = format!("{PREFIX}{}", hex::encode(bytes));
    let created_at = now_seconds();
    let inserted = conn.execute(
        "INSERT INTO api_tokens (token_sha256, name, role, created_at) VALUES (?1, ?2, ?3, ?4)",
        args![hash(&token), name, role.as_str(), &created_at],
    );
    match inserted {
        Ok(_) => {}
        Err(e) if e.is_unique_violation() => {
            return Err(AuthError::NameTaken(name.to_string()));
        }
        Err(e) => return Err(e.into()),
    }
    let info = TokenInfo {
        name: name.to_string(),
        role,
        created_at,
        revoked_at: None,
    };
    Ok((info, token))
}

/// Every token, working ones first, by name.
pub fn list(conn: &mut Conn) -> Result<Vec<TokenInfo>, AuthError> {
    let rows = conn.query(
        "SELECT name, role, created_at, revoked_at FROM api_tokens
         ORDER BY revoked_at IS NOT NULL, name, created_at",
        &[],
    )?;
    rows.iter()
        .map(|row| {
            Ok(TokenInfo {
                name: row.text(0)?,
                role: parse_role(&row.text(1)?)?,
                created_at: row.text(2)?,
                revoked_at: row.opt_text(3)?,
            })
        })
        .collect()
}

/// Revokes the working token of that name: the next calls with it are refused (within the
/// layer's cache lifetime, [`CACHE_TTL`], on a running server).
pub fn revoke(conn: &mut Conn, name: &str) -> Result<(), AuthError> {
    let changed = conn.execute(
        "UPDATE api_tokens SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL",
        args![name, now_seconds()],
    )?;
    if changed == 0 {
        return Err(AuthError::UnknownName(name.to_string()));
    }
    Ok(())
}

/// Who a presented token belongs to; None when it is unknown or revoked.
pub fn authenticate(conn: &mut Conn, presented: &str) -> Result<Option<Principal>, AuthError> {
    Ok(match lookup(conn, presented)? {
        Lookup::Active(principal) => Some(principal),
        Lookup::Revoked(_) | Lookup::Unknown => None,
    })
}

/// The identity the access layer attached to a request; None when access control is off (or
/// for health checks and reflection, which need no token).
pub fn principal<T>(request: &tonic::Request<T>) -> Option<&Principal> {
    request.extensions().get::<Principal>()
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Lookup {
    Active(Principal),
    /// The token's name, to say who is still using it.
    Revoked(String),
    Unknown,
}

fn lookup(conn: &mut Conn, presented: &str) -> Result<Lookup, AuthError> {
    // Garbage never reaches the database.
    if !well_formed(presented) {
        return Ok(Lookup::Unknown);
    }
    // The lookup is by hash: the token itself is compared nowhere and stored nowhere.
    let row = conn.query_opt(
        "SELECT name, role, revoked_at FROM api_tokens WHERE token_sha256 = ?1",
        args![hash(presented)],
    )?;
    let Some(row) = row else {
        return Ok(Lookup::Unknown);
    };
    let name = row.text(0)?;
    Ok(if row.opt_text(2)?.is_some() {
        Lookup::Revoked(name)
    } else {
        Lookup::Active(Principal {
            name,
            role: parse_role(&row.text(1)?)?,
        })
    })
}

fn parse_role(text: &str) -> Result<Role, AuthError> {
    // The table's CHECK constraint makes this unreachable unless the file was edited by hand.
    Role::parse(text).ok_or_else(|| AuthError::BadRole(text.to_string()))
}

/// Now to the second, `2026-12-04T13:00:00Z`: the form token times have always had.
fn now_seconds() -> String {
    let now = ledgerline_core::clock::now_rfc3339();
    format!("{}Z", &now[..19])
}

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn well_formed(presented: &str) -> bool {
    presented.len() == PREFIX.len() + 2 * TOKEN_BYTES
        && presented.starts_with(PREFIX)
        && presented[PREFIX.len()..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn check_name(name: &str) -> Result<(), AuthError> {
    // Names go into logs and the audit trail: nothing that could forge a line or a field.
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(AuthError::BadName(name.to_string()))
    }
}

/// What a gRPC method needs from its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Health checks and reflection: load balancers and `grpcurl list` carry no token.
    Public,
    /// A token whose role permits this one.
    Requires(Role),
}

/// The access table: which role may call which method, by its HTTP/2 path
/// (`/package.Service/Method`). Anything not named here needs an admin, so a service added
/// later is closed until it is given a role.
pub fn required_access(path: &str) -> Access {
    let service = path
        .strip_prefix('/')
        .and_then(|p| p.split_once('/'))
        .map_or("", |(service, _)| service);
    match service {
        "grpc.health.v1.Health" | "grpc.reflection.v1.ServerReflection" => Access::Public,
        "ledgerline.v1.ExtractionService"
        | "ledgerline.v1.SuggestionService"
        | "ledgerline.v1.ProposalService" => Access::Requires(Role::Ingest),
        "ledgerline.v1.ReviewService" => Access::Requires(Role::Reviewer),
        _ => Access::Requires(Role::Admin),
    }
}

mod layer;

pub use layer::{
    AuthLayer, AuthService, Authenticator, CACHE_TTL, Refusal, RefusalSink, log_refusals,
};

#[cfg(test)]
mod tests {
    use super::layer::{bearer, truncate};
    use super::*;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    fn db() -> Conn {
        crate::db::open(&crate::db::Location::Sqlite(":memory:".into())).unwrap()
    }

    #[test]
    fn the_access_table_gives_each_service_its_role_and_closes_the_rest() {
        use Access::{Public, Requires};
        let cases = [
            ("/grpc.health.v1.Health/Check", Public),
            ("/grpc.health.v1.Health/Watch", Public),
            (
                "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
                Public,
            ),
            (
                "/ledgerline.v1.ExtractionService/Extract",
                Requires(Role::Ingest),
            ),
            (
                "/ledgerline.v1.SuggestionService/IndexHistory",
                Requires(Role::Ingest),
            ),
            (
                "/ledgerline.v1.ProposalService/ProcessDocument",
                Requires(Role::Ingest),
            ),
            (
                "/ledgerline.v1.ReviewService/ListPending",
                Requires(Role::Reviewer),
            ),
            (
                "/ledgerline.v1.AdminService/Anything",
                Requires(Role::Admin),
            ),
            (
                "/ledgerline.v2.ReviewService/Approve",
                Requires(Role::Admin),
            ),
            // Prefix tricks do not open a door.
            ("/grpc.health.v1.HealthX/Check", Requires(Role::Admin)),
            (
                "/ledgerline.v1.ReviewServiceX/Approve",
                Requires(Role::Admin),
            ),
            ("/other.Service/Method", Requires(Role::Admin)),
            ("/", Requires(Role::Admin)),
            ("", Requires(Role::Admin)),
        ];
        for (path, want) in cases {
            assert_eq!(required_access(path), want, "{path}");
        }
        assert!(Role::Admin.permits(Role::Reviewer) && Role::Admin.permits(Role::Ingest));
        assert!(Role::Reviewer.permits(Role::Reviewer) && !Role::Reviewer.permits(Role::Ingest));
        assert!(!Role::Ingest.permits(Role::Reviewer) && !Role::Ingest.permits(Role::Admin));
    }

    #[test]
    fn a_created_token_authenticates_by_hash_and_is_never_stored() {
        let mut conn = db();
        let (info, token) = create(&mut conn, "ci-uploader", Role::Ingest).unwrap();
        assert_eq!(
            (info.name.as_str(), info.role),
            ("ci-uploader", Role::Ingest)
        );
        assert!(token.starts_with("llt_") && token.len() == 68, "{token}");
        assert_eq!(
            authenticate(&mut conn, &token).unwrap(),
            Some(Principal {
                name: "ci-uploader".into(),
                role: Role::Ingest
            })
        );
        let stored: Vec<String> = conn
            .query(
                "SELECT token_sha256 || name || role || created_at FROM api_tokens",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| r.text(0).unwrap())
            .collect();
        assert!(
            !stored.iter().any(|row| row.contains(&token[4..])),
            "{stored:?}"
        );
        assert!(stored[0].starts_with(&hash(&token)));

        // One character off, a wrong prefix, garbage: nobody.
        let mut other = token.clone();
        other.replace_range(67.., if token.ends_with('0') { "1" } else { "0" });
        for presented in [other.as_str(), &token[4..], "", "llt_", "Bearer x"] {
            assert_eq!(
                authenticate(&mut conn, presented).unwrap(),
                None,
                "{presented}"
            );
        }
        let (_, second) = create(&mut conn, "second", Role::Admin).unwrap();
        assert_ne!(second, token);
    }

    #[test]
    fn names_are_unique_checked_and_reusable_after_revoking() {
        let mut conn = db();
        let (_, first) = create(&mut conn, "jane", Role::Reviewer).unwrap();
        let err = create(&mut conn, "jane", Role::Admin).unwrap_err();
        assert!(matches!(err, AuthError::NameTaken(_)), "{err}");
        assert!(
            err.to_string().contains("ledgerline token revoke jane"),
            "{err}"
        );
        for bad in ["", "has space", "new\nline", &"x".repeat(65), "ümlaut"] {
            assert!(matches!(
                create(&mut conn, bad, Role::Ingest),
                Err(AuthError::BadName(_))
            ));
        }

        revoke(&mut conn, "jane").unwrap();
        assert_eq!(authenticate(&mut conn, &first).unwrap(), None);
        assert_eq!(
            lookup(&mut conn, &first).unwrap(),
            Lookup::Revoked("jane".into())
        );
        assert!(matches!(
            revoke(&mut conn, "jane"),
            Err(AuthError::UnknownName(_))
        ));

        let (_, second) = create(&mut conn, "jane", Role::Reviewer).unwrap();
        assert_eq!(
            authenticate(&mut conn, &second).unwrap().unwrap().name,
            "jane"
        );
        let listed = list(&mut conn).unwrap();
        assert_eq!(listed.len(), 2);
        assert!(listed[0].revoked_at.is_none() && listed[1].revoked_at.is_some());
        assert!(
            listed
                .iter()
                .all(|t| t.name == "jane" && t.role == Role::Reviewer)
        );
        let json = serde_json::to_string(&listed).unwrap();
        assert!(
            !json.contains(&first[4..]) && !json.contains(&hash(&first)),
            "{json}"
        );
        assert!(json.contains("\"role\":\"reviewer\""), "{json}");
    }

    #[tokio::test]
    async fn the_cache_forgets_a_revoked_token_after_its_ttl() {
        let dir = tempfile::tempdir().unwrap();
        let location = crate::db::Location::new(dir.path(), None);
        let auth = Authenticator::open(&location).unwrap();
        // A lifetime no loaded CI machine outlasts between two lines; the entry is then aged by
        // hand, so the test does not depend on how fast the revoke's fsync is.
        let ttl = Duration::from_secs(60);
        let auth = Authenticator { ttl, ..auth };
        let mut conn = crate::db::open(&location).unwrap();
        let (_, token) = create(&mut conn, "svc", Role::Ingest).unwrap();
        assert!(matches!(
            auth.check(&token).await.unwrap(),
            Lookup::Active(_)
        ));
        revoke(&mut conn, "svc").unwrap();
        // Still cached for a moment, then refused.
        assert!(matches!(
            auth.check(&token).await.unwrap(),
            Lookup::Active(_)
        ));
        for (_, at) in auth.cache.lock().unwrap().values_mut() {
            *at = std::time::Instant::now()
                .checked_sub(ttl + Duration::from_millis(1))
                .unwrap();
        }
        assert_eq!(
            auth.check(&token).await.unwrap(),
            Lookup::Revoked("svc".into())
        );
    }

    #[tokio::test]
    async fn the_layer_hands_the_principal_to_the_handler_and_drops_the_header() {
        use tower::{Layer, ServiceExt};
        let dir = tempfile::tempdir().unwrap();
        let location = crate::db::Location::new(dir.path(), None);
        let auth = Authenticator::open(&location).unwrap();
        let mut conn = crate::db::open(&location).unwrap();
        let (_, token) = create(&mut conn, "jane", Role::Reviewer).unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let refusals: RefusalSink = {
            let seen = seen.clone();
            Arc::new(move |r: &Refusal| seen.lock().unwrap().push(r.clone()))
        };
        // A handler that answers with who called and whether it saw the token.
        let handler = tower::service_fn(|request: http::Request<()>| async move {
            let request = tonic::Request::from_http(request);
            let who = principal(&request).map(|p| format!("{}:{}", p.name, p.role));
            let header = request.metadata().get("authorization").is_some();
            Ok::<_, std::convert::Infallible>(http::Response::new(format!("{who:?} {header}")))
        });
        let service = AuthLayer::new(auth, refusals).layer(handler);
        let call = |path: &str, token: Option<&str>| {
            let mut request = http::Request::builder().uri(format!("http://x{path}"));
            if let Some(token) = token {
                request = request.header("authorization", format!("Bearer {token}"));
            }
            service.clone().oneshot(request.body(()).unwrap())
        };

        let answer = call("/ledgerline.v1.ReviewService/Approve", Some(&token))
            .await
            .unwrap();
        assert_eq!(answer.body(), "Some(\"jane:reviewer\") false");
        let answer = call("/grpc.health.v1.Health/Check", None).await.unwrap();
        assert_eq!(answer.body(), "None false");

        let refused = call("/ledgerline.v1.ExtractionService/Extract", Some(&token))
            .await
            .unwrap();
        assert_eq!(refused.headers()["grpc-status"], "7", "PERMISSION_DENIED");
        assert!(refused.body().is_empty(), "the handler never ran");
        let refused = call("/ledgerline.v1.ReviewService/Approve", None)
            .await
            .unwrap();
        assert_eq!(refused.headers()["grpc-status"], "16", "UNAUTHENTICATED");
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[0].principal.as_deref(), Some("jane"));
        assert_eq!(seen[0].code, tonic::Code::PermissionDenied);
        assert_eq!(seen[0].method, "/ledgerline.v1.ExtractionService/Extract");
        assert_eq!(
            (seen[1].principal.as_deref(), seen[1].code),
            (None, tonic::Code::Unauthenticated)
        );
    }

    #[test]
    fn the_bearer_header_is_parsed_whatever_the_scheme_case() {
        let mut headers = http::HeaderMap::new();
        assert_eq!(bearer(&headers), None);
        headers.insert("authorization", "Bearer llt_abc".parse().unwrap());
        assert_eq!(bearer(&headers).as_deref(), Some("llt_abc"));
        headers.insert("authorization", "bearer  llt_abc ".parse().unwrap());
        assert_eq!(bearer(&headers).as_deref(), Some("llt_abc"));
        headers.insert("authorization", "Basic dXNlcjpwYXNz".parse().unwrap());
        assert_eq!(bearer(&headers), None);
        assert_eq!(truncate("aé", 2), "a");
    }
}
