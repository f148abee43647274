//! The tower layer that checks every gRPC call's token and role before it reaches a handler,
//! with a short cache of recent good tokens, and the sink that hears of every refusal.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use crate::db::{Conn, Location};

use super::{
    Access, AuthError, Lookup, Principal, hash, list, lookup, required_access, well_formed,
};

/// One refused call, as handed to the [`RefusalSink`]. Never carries the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The method's path, e.g. `/ledgerline.v1.ReviewService/Approve` (cut at 256 bytes).
    pub method: String,
    pub code: tonic::Code,
    /// The token's name when the token was recognised (wrong role, revoked).
    pub principal: Option<String>,
    /// The caller's address, when the connection has one.
    pub peer: Option<String>,
}

/// Receives every refusal (for the audit log). It is called on the request's task, so it
/// should return quickly and hand slow work (disk writes) off.
pub type RefusalSink = Arc<dyn Fn(&Refusal) + Send + Sync>;

/// A sink that logs each refusal at warn.
pub fn log_refusals() -> RefusalSink {
    Arc::new(|refusal: &Refusal| {
        tracing::warn!(
            method = %refusal.method,
            code = ?refusal.code,
            principal = refusal.principal.as_deref().unwrap_or("-"),
            peer = refusal.peer.as_deref().unwrap_or("-"),
            "gRPC call refused by access control"
        );
    })
}

/// How long a working token is trusted without asking the database again: a revoked token
/// stops working within this long on a running server.
pub const CACHE_TTL: Duration = Duration::from_secs(2);

/// Checks presented tokens against the database, with a short cache of recent good ones so that
/// most calls never touch the database.
#[derive(Clone)]
pub struct Authenticator {
    pub(super) conn: Arc<Mutex<Conn>>,
    /// Keyed by token hash; only working tokens are cached, so the map is bounded by the number
    /// of tokens, not by what strangers send.
    pub(super) cache: Arc<Mutex<HashMap<String, (Principal, Instant)>>>,
    pub(super) ttl: Duration,
}

impl fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authenticator")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl Authenticator {
    /// Opens the service's database, bringing its schema up to date.
    pub fn open(location: &Location) -> Result<Self, AuthError> {
        let conn = crate::db::open(location)?;
        Ok(Self::new(conn, CACHE_TTL))
    }

    /// Over an open connection whose table exists.
    pub fn new(conn: Conn, ttl: Duration) -> Self {
        Authenticator {
            conn: Arc::new(Mutex::new(conn)),
            cache: Arc::default(),
            ttl,
        }
    }

    /// Number of working tokens (off the executor: the database may wait on a lock or the
    /// network).
    pub async fn active_tokens(&self) -> Result<usize, AuthError> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = conn.lock().unwrap_or_else(|e| e.into_inner());
            Ok(list(&mut conn)?
                .iter()
                .filter(|t| t.revoked_at.is_none())
                .count())
        })
        .await
        .map_err(|e| AuthError::Lookup(e.to_string()))?
    }

    pub(super) async fn check(&self, presented: &str) -> Result<Lookup, AuthError> {
        if !well_formed(presented) {
            return Ok(Lookup::Unknown);
        }
        let key = hash(presented);
        {
            let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((principal, at)) = cache.get(&key)
                && at.elapsed() < self.ttl
            {
                return Ok(Lookup::Active(principal.clone()));
            }
        }
        // The entry's age counts from before the lookup: a token revoked while the lookup runs
        // must not live the lookup's duration beyond the documented lifetime.
        let asked = Instant::now();
        // The database may wait on a lock or the network: off the executor.
        let conn = self.conn.clone();
        let token = presented.to_string();
        let found = tokio::task::spawn_blocking(move || {
            let mut conn = conn.lock().unwrap_or_else(|e| e.into_inner());
            lookup(&mut conn, &token)
        })
        .await
        .map_err(|e| AuthError::Lookup(e.to_string()))??;
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        match &found {
            Lookup::Active(principal) => {
                cache.insert(key, (principal.clone(), asked));
            }
            Lookup::Revoked(_) | Lookup::Unknown => {
                cache.remove(&key);
            }
        }
        Ok(found)
    }
}

/// The tower layer that checks every call's token and role (see [`required_access`]).
#[derive(Clone)]
pub struct AuthLayer {
    auth: Authenticator,
    refusals: RefusalSink,
}

impl AuthLayer {
    pub fn new(auth: Authenticator, refusals: RefusalSink) -> Self {
        AuthLayer { auth, refusals }
    }
}

impl<S> tower::Layer<S> for AuthLayer {
    type Service = AuthService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        AuthService {
            inner,
            auth: self.auth.clone(),
            refusals: self.refusals.clone(),
        }
    }
}

/// The service [`AuthLayer`] wraps around the server's routes.
#[derive(Clone)]
pub struct AuthService<S> {
    inner: S,
    auth: Authenticator,
    refusals: RefusalSink,
}

impl<S, B, R> tower::Service<http::Request<B>> for AuthService<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<R>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
    R: Default + Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<B>) -> Self::Future {
        let Access::Requires(required) = required_access(request.uri().path()) else {
            return Box::pin(self.inner.call(request));
        };
        // The clone is the one that was not polled ready; the ready one goes into the future.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let (auth, refusals) = (self.auth.clone(), self.refusals.clone());
        Box::pin(async move {
            let presented = bearer(request.headers());
            // Once read, the header goes: no handler can log or forward it.
            request.headers_mut().remove(http::header::AUTHORIZATION);
            let verdict = match presented.as_deref() {
                Some(token) => auth.check(token).await,
                None => Ok(Lookup::Unknown),
            };
            let path = request.uri().path().to_string();
            let (status, principal) = match verdict {
                Ok(Lookup::Active(principal)) if principal.role.permits(required) => {
                    request.extensions_mut().insert(principal);
                    return inner.call(request).await;
                }
                Ok(Lookup::Active(principal)) => (
                    tonic::Status::permission_denied(format!(
                        "token {:?} has role {}; {} needs a {required} or admin token: create \
                         one with `ledgerline token create --role {required} NAME`",
                        principal.name,
                        principal.role,
                        path.trim_start_matches('/'),
                    )),
                    Some(principal.name),
                ),
                Ok(Lookup::Revoked(name)) => (
                    tonic::Status::unauthenticated(format!(
                        "this bearer token was revoked; create a new one with `ledgerline token \
                         create --role {required} NAME` and send `authorization: Bearer <token>`"
                    )),
                    Some(name),
                ),
                Ok(Lookup::Unknown) if presented.is_none() => (
                    tonic::Status::unauthenticated(format!(
                        "send `authorization: Bearer <token>`; create one with `ledgerline token \
                         create --role {required} NAME`"
                    )),
                    None,
                ),
                Ok(Lookup::Unknown) => (
                    tonic::Status::unauthenticated(format!(
                        "this bearer token is not known to this server (mistyped, or created for \
                         another data directory); send `authorization: Bearer <token>` with a \
                         token from `ledgerline token create --role {required} NAME`"
                    )),
                    None,
                ),
                Err(error) => {
                    tracing::error!(%error, "cannot check a bearer token");
                    (
                        tonic::Status::unavailable(
                            "the server cannot check bearer tokens right now; retry, and if it \
                             persists the operator should read the server's log",
                        ),
                        None,
                    )
                }
            };
            let reason = match status.code() {
                tonic::Code::PermissionDenied => "permission_denied",
                tonic::Code::Unauthenticated => "unauthenticated",
                _ => "auth_unavailable",
            };
            metrics::counter!("ledgerline_requests_refused_total", "reason" => reason).increment(1);
            refusals(&Refusal {
                method: truncate(&path, 256).to_string(),
                code: status.code(),
                principal,
                peer: peer(request.extensions()),
            });
            Ok(status.into_http())
        })
    }
}

/// The token of an `authorization: Bearer <token>` header; None when absent or another scheme.
pub(super) fn bearer(headers: &http::HeaderMap) -> Option<String> {
    let value = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

fn peer(extensions: &http::Extensions) -> Option<String> {
    use tonic::transport::server::{TcpConnectInfo, TlsConnectInfo};
    extensions
        .get::<TcpConnectInfo>()
        .or_else(|| {
            extensions
                .get::<TlsConnectInfo<TcpConnectInfo>>()
                .map(|tls| tls.get_ref())
        })
        .and_then(|info| info.remote_addr())
        .map(|addr| addr.to_string())
}

pub(super) fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}
