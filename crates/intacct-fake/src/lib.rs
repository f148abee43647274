//! A fake Sage Intacct for tests and demos (`ledgerline fake-intacct`): the XML gateway and the
//! REST API as described in the shared Intacct notes, over a deterministic synthetic company.
//! It checks envelopes, payloads, sender and user authentication, sessions and their expiry,
//! control-id uniqueness and paging; keeps what was posted; and injects faults on demand
//! through [`FakeHandle::set_faults`].

pub mod company;
pub mod faults;
mod rest;
mod xml;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::response::Response;
use tokio::time::Instant;

pub use company::Company;
pub use faults::{Fault, Faults};
use ledgerline_intacct::{ApBill, JournalEntry};

/// Why the fake could not start.
#[derive(Debug, thiserror::Error)]
pub enum FakeError {
    #[error(
        "the fake Intacct cannot listen on {addr}: {source}; pick a free address with --listen"
    )]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("the fake Intacct stopped: {0}; restart it")]
    Serve(#[source] std::io::Error),
}

/// Who may sign in and what the company holds.
#[derive(Debug, Clone)]
pub struct FakeConfig {
    pub company_id: String,
    /// Entity ids of the multi-entity company.
    pub entities: Vec<String>,
    pub sender_id: String,
    pub sender_password: String,
    pub user_id: String,
    pub user_password: String,
    pub client_id: String,
    pub client_secret: String,
    pub seed: u64,
    pub gl_lines: usize,
    /// How long a session or access token lives without being expired by a fault.
    pub session_ttl: Duration,
    /// A refresh token the REST token endpoint accepts once (tokens rotate on use).
    pub refresh_token: String,
    /// The errorno of the duplicate-control-id rejection (UNCONFIRMED in Intacct's docs; see
    /// `intacct::DUPLICATE_CONTROL_ID_ERRORNO`).
    pub duplicate_errorno: String,
    /// Serve this company's chart (accounts, dimensions, vendors) instead of a generated one.
    pub chart: Option<ledgerline_core::company::Chart>,
}

impl Default for FakeConfig {
    fn default() -> Self {
        FakeConfig {
            company_id: "LEDGERCO".into(),
            entities: vec!["US".into(), "EU".into()],
            sender_id: "ledgerline-sender".into(),
            sender_password: "sender-pass-fake".into(),
            user_id: "apiuser".into(),
            user_password: "user-pass-fake".into(),
            client_id: "client-fake".into(),
            client_secret: "client-secret-fake".into(),
            seed: 42,
            gl_lines: 1_000,
            session_ttl: Duration::from_secs(3600),
            refresh_token: "refresh-fake".into(),
            duplicate_errorno: ledgerline_intacct::DUPLICATE_CONTROL_ID_ERRORNO.into(),
            chart: None,
        }
    }
}

/// A posting as the fake keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Posting {
    pub record_no: u64,
    /// The function control id (XML) or idempotency key (REST) it was created under.
    pub control_id: String,
    pub entity: Option<String>,
    /// REFERENCENO, DOCNUMBER or referenceNumber as sent: where clients look a record up.
    pub reference: String,
    pub record: Record,
}

/// What was posted.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Journal { state: String, entry: JournalEntry },
    Bill(ApBill),
}

impl Posting {
    fn is_journal(&self) -> bool {
        matches!(self.record, Record::Journal { .. })
    }
}

struct Session {
    entity: Option<String>,
    expires: Instant,
}

/// A paged read in progress (readMore), bound to the session that started it.
struct ResultSet<T> {
    session: String,
    rows: Vec<T>,
    list_type: String,
    total: usize,
    page_size: usize,
}

#[derive(Default)]
struct Mutable {
    sessions: HashMap<String, Session>,
    tokens: HashMap<String, Instant>,
    refresh_tokens: Vec<String>,
    initial_refresh_used: bool,
    /// Function control ids already executed with `uniqueid=true` (or REST idempotency keys),
    /// with the record they created. Scope: the whole company.
    used_control_ids: HashMap<String, u64>,
    postings: Vec<Posting>,
    next_record_no: u64,
    result_sets: HashMap<String, ResultSet<xml::Row>>,
    next_id: u64,
}

pub(crate) struct State {
    addr: SocketAddr,
    config: FakeConfig,
    company: Company,
    /// A std mutex: handlers never hold it across an await.
    data: Mutex<Mutable>,
    injector: Mutex<faults::Injector>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

impl State {
    fn data(&self) -> std::sync::MutexGuard<'_, Mutable> {
        self.data.lock().expect("not poisoned")
    }

    fn new_id(&self, prefix: &str) -> String {
        let mut data = self.data();
        data.next_id += 1;
        format!("{prefix}{:08}{:016x}", data.next_id, rand::random::<u64>())
    }

    fn entity_known(&self, entity: &str) -> bool {
        self.config.entities.iter().any(|e| e == entity)
    }

    /// Stores a posting unless its control id was used; returns the record number, or `Err`
    /// with the existing one.
    fn commit(&self, unique: bool, mut posting: Posting) -> Result<u64, u64> {
        let mut data = self.data();
        data.next_record_no += 1;
        let record_no = 500 + data.next_record_no;
        posting.record_no = record_no;
        let key = posting.control_id.clone();
        if unique {
            if let Some(existing) = data.used_control_ids.get(&key) {
                return Err(*existing);
            }
            data.used_control_ids.insert(key, record_no);
        }
        data.postings.push(posting);
        Ok(record_no)
    }

    /// Postings visible to a session: all at the top level, the entity's own in an entity.
    fn postings_for(&self, entity: Option<&str>) -> Vec<Posting> {
        self.data()
            .postings
            .iter()
            .filter(|p| entity.is_none() || p.entity.as_deref() == entity)
            .cloned()
            .collect()
    }

    /// Runs one request under the fault plan.
    async fn faulted<Fut: std::future::Future<Output = Response>>(
        self: &Arc<Self>,
        fault_body: impl Fn(&Fault) -> Option<Response>,
        work: impl FnOnce(bool) -> Fut,
    ) -> Response {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        // A guard, because a client that gives up drops this future mid-way.
        let _in_flight = InFlight(self);
        let fault = self.injector.lock().expect("not poisoned").next();
        match &fault {
            Some(f @ (Fault::ServerError | Fault::TooManyRequests | Fault::ErrorPayload)) => {
                fault_body(f).expect("pre-commit faults have a body")
            }
            _ => {
                let response = work(fault == Some(Fault::ExpireSession)).await;
                match fault {
                    Some(Fault::DropAfterCommit) => faults::truncated(response),
                    Some(Fault::ServerErrorAfterCommit) => faults::status(
                        axum::http::StatusCode::BAD_GATEWAY,
                        "text/html",
                        "<html>502 Bad Gateway</html>".into(),
                    ),
                    Some(Fault::Latency(delay)) => {
                        tokio::time::sleep(delay).await;
                        response
                    }
                    _ => response,
                }
            }
        }
    }
}

struct InFlight<'a>(&'a State);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A running fake. Dropping the handle does not stop it; call [`FakeHandle::shutdown`].
#[derive(Clone)]
pub struct FakeHandle {
    addr: SocketAddr,
    state: Arc<State>,
    stop: Arc<tokio::sync::Notify>,
}

impl FakeHandle {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The XML gateway URL.
    pub fn xml_url(&self) -> String {
        format!("http://{}/ia/xml/xmlgw.phtml", self.addr)
    }

    /// The REST API base URL.
    pub fn rest_url(&self) -> String {
        format!("http://{}/ia/api/v1", self.addr)
    }

    pub fn config(&self) -> &FakeConfig {
        &self.state.config
    }

    pub fn company(&self) -> &Company {
        &self.state.company
    }

    /// Replaces the fault plan.
    pub fn set_faults(&self, faults: Faults) {
        *self.state.injector.lock().expect("not poisoned") = faults::Injector::new(faults);
    }

    /// Faults injected since the plan was last set.
    pub fn faults_injected(&self) -> u64 {
        self.state.injector.lock().expect("not poisoned").injected
    }

    /// Expires every session and access token now, and with them the paged reads they held.
    pub fn expire_sessions(&self) {
        let mut data = self.state.data();
        data.sessions.clear();
        data.tokens.clear();
        data.result_sets.clear();
    }

    /// Everything posted so far, in order.
    pub fn postings(&self) -> Vec<Posting> {
        self.state.data().postings.clone()
    }

    /// How many records carry each control id.
    pub fn records_per_control_id(&self) -> HashMap<String, usize> {
        let mut counts = HashMap::new();
        for p in self.state.data().postings.iter() {
            *counts.entry(p.control_id.clone()).or_default() += 1;
        }
        counts
    }

    /// The most requests that were in flight at once.
    pub fn max_in_flight(&self) -> usize {
        self.state.max_in_flight.load(Ordering::SeqCst)
    }

    pub fn shutdown(&self) {
        self.stop.notify_one();
    }
}

/// Starts the fake on `listener` in the current runtime and returns its handle.
pub fn start(
    listener: tokio::net::TcpListener,
    config: FakeConfig,
) -> Result<FakeHandle, FakeError> {
    let addr = listener.local_addr().map_err(FakeError::Serve)?;
    let company = match &config.chart {
        Some(chart) => Company::from_chart(chart),
        None => Company::generate(config.seed, config.gl_lines, &config.entities),
    };
    let state = Arc::new(State {
        addr,
        config,
        company,
        data: Mutex::new(Mutable::default()),
        injector: Mutex::new(faults::Injector::new(Faults::none())),
        in_flight: AtomicUsize::new(0),
        max_in_flight: AtomicUsize::new(0),
    });
    let stop = Arc::new(tokio::sync::Notify::new());
    let app: Router = xml::routes(Arc::clone(&state)).merge(rest::routes(Arc::clone(&state)));
    let stopped = Arc::clone(&stop);
    tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async move { stopped.notified().await })
            .await;
        if let Err(e) = served {
            tracing::error!(error = %e, "the fake Intacct stopped");
        }
    });
    tracing::info!(%addr, "fake Intacct listening");
    Ok(FakeHandle { addr, state, stop })
}

/// Binds `addr` and starts the fake there.
pub async fn bind(addr: SocketAddr, config: FakeConfig) -> Result<FakeHandle, FakeError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| FakeError::Bind { addr, source })?;
    start(listener, config)
}

/// A filter condition shared by both APIs' query languages.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Condition {
    pub field: String,
    pub greater: bool,
    pub value: String,
}

/// Whether `actual` passes `cond`: numbers compare as numbers, timestamps as timestamps,
/// anything else by equality.
pub(crate) fn passes(cond: &Condition, actual: Option<&str>) -> bool {
    let Some(actual) = actual else { return false };
    if !cond.greater {
        return actual == cond.value;
    }
    if let (Ok(a), Ok(b)) = (actual.parse::<u64>(), cond.value.parse::<u64>()) {
        return a > b;
    }
    match (
        company::sortable_timestamp(actual),
        company::sortable_timestamp(&cond.value),
    ) {
        (Some(a), Some(b)) => a > b,
        _ => actual > cond.value.as_str(),
    }
}
