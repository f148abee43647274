//! The XML gateway client: sender credentials on every request, a session opened with
//! `getAPISession` (from a login or a given session id) and renewed when it expires, generic
//! `create` of GLBATCH and APBILL with `uniqueid=true`, and `readByQuery`/`readMore` reads.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

mod wire;

use super::credentials::{Credentials, CredentialsError, Secret};
use super::limits::RateLimiter;
use super::xmltree::Element;
use super::*;
use wire::*;

/// An XML-gateway client for one company. Clones share the session, limits and connections.
#[derive(Clone)]
pub struct XmlLedger {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    config: IntacctConfig,
    sender_id: String,
    sender_password: Secret,
    creds: Credentials,
    limiter: RateLimiter,
    /// Sessions by entity. A std mutex: it is never held across an await.
    sessions: Mutex<HashMap<Option<String>, Session>>,
}

#[derive(Clone)]
struct Session {
    id: Secret,
    endpoint: String,
    identity: Identity,
}

impl XmlLedger {
    /// A client for `config.company`. Fails when the credentials lack what the gateway needs.
    pub fn new(config: IntacctConfig, creds: Credentials) -> Result<Self, CredentialsError> {
        let sender_id = Credentials::require(&creds.sender_id, "sender id", "sender_id")?;
        let sender_password =
            Credentials::require(&creds.sender_password, "sender password", "sender_password")?;
        if creds.session_id.is_none() {
            Credentials::require(&creds.user_id, "user id", "user_id")?;
            Credentials::require(&creds.user_password, "user password", "user_password")?;
        }
        Ok(XmlLedger {
            inner: Arc::new(Inner {
                http: http_client(&config),
                sender_id: sender_id.clone(),
                sender_password: sender_password.clone(),
                limiter: RateLimiter::new(&config.limits),
                config,
                creds,
                sessions: Mutex::new(HashMap::new()),
            }),
        })
    }

    fn entity<'a>(&'a self, entity: Option<&'a str>) -> Option<&'a str> {
        entity.or(self.inner.config.entity.as_deref())
    }

    fn envelope(&self, auth: Element, function: Element, unique: bool) -> String {
        let control = Element::new("control")
            .child(Element::leaf("senderid", &self.inner.sender_id))
            .child(Element::leaf(
                "password",
                self.inner.sender_password.expose(),
            ))
            .child(Element::leaf("controlid", request_id()))
            .child(Element::leaf(
                "uniqueid",
                if unique { "true" } else { "false" },
            ))
            .child(Element::leaf("dtdversion", "3.0"))
            .child(Element::leaf("includewhitespace", "false"));
        let operation = Element::new("operation")
            .attr("transaction", "false")
            .child(auth)
            .child(Element::new("content").child(function));
        Element::new("request")
            .child(control)
            .child(operation)
            .to_document()
    }

    /// One HTTP exchange within the company's limits; transport trouble becomes `Transient`.
    async fn send(&self, url: &str, body: String) -> Result<Element, LedgerError> {
        let _permit = self.inner.limiter.acquire().await;
        let response = self
            .inner
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/xml")
            .body(body)
            .send()
            .await
            .map_err(transport)?;
        let status = response.status();
        let text = response.text().await.map_err(transport)?;
        if status.as_u16() == 429 || status.is_server_error() {
            return Err(LedgerError::Transient {
                reason: format!("HTTP {status}"),
            });
        }
        Element::parse(&text).map_err(|message| LedgerError::Protocol {
            message: format!("HTTP {status}, unreadable XML: {message}"),
        })
    }

    async fn open_session(&self, entity: Option<&str>) -> Result<Session, LedgerError> {
        let creds = &self.inner.creds;
        let auth = match &creds.session_id {
            Some(id) => {
                Element::new("authentication").child(Element::leaf("sessionid", id.expose()))
            }
            None => Element::new("authentication").child(
                Element::new("login")
                    .child(Element::leaf(
                        "userid",
                        creds.user_id.clone().unwrap_or_default(),
                    ))
                    .child(Element::leaf("companyid", &self.inner.config.company))
                    .child(Element::leaf(
                        "password",
                        creds
                            .user_password
                            .as_ref()
                            .map(|p| p.expose())
                            .unwrap_or(""),
                    ))
                    .opt_leaf("locationid", entity),
            ),
        };
        let function = Element::new("function").attr("controlid", "session").child(
            Element::new("getAPISession").child(Element::leaf("locationid", entity.unwrap_or(""))),
        );
        let root = self
            .send(
                &self.inner.config.endpoint,
                self.envelope(auth, function, false),
            )
            .await?;
        let (operation, result) = checked(&root, entity, &[])?;
        let api = result
            .path(&["data", "api"])
            .ok_or_else(|| protocol("getAPISession without data/api"))?;
        let authn = operation.find("authentication");
        let id = api
            .non_empty("sessionid")
            .ok_or_else(|| protocol("getAPISession without a session id"))?;
        tracing::debug!(company = %self.inner.config.company, entity, "opened an Intacct session");
        Ok(Session {
            id: Secret::new(id),
            endpoint: api
                .non_empty("endpoint")
                .unwrap_or(&self.inner.config.endpoint)
                .to_string(),
            identity: Identity {
                company: authn
                    .and_then(|a| a.non_empty("companyid"))
                    .unwrap_or(&self.inner.config.company)
                    .to_string(),
                entity: api.non_empty("locationid").map(str::to_string),
                user: authn
                    .and_then(|a| a.non_empty("userid"))
                    .unwrap_or_default()
                    .to_string(),
            },
        })
    }

    async fn session(&self, entity: Option<&str>) -> Result<Session, LedgerError> {
        let key = entity.map(str::to_string);
        if let Some(session) = self.inner.sessions.lock().expect("not poisoned").get(&key) {
            return Ok(session.clone());
        }
        let session = self.open_session(entity).await?;
        self.inner
            .sessions
            .lock()
            .expect("not poisoned")
            .insert(key, session.clone());
        Ok(session)
    }

    /// One function in the entity's session. An expired session is dropped so the retry opens
    /// a new one.
    async fn call(
        &self,
        entity: Option<&str>,
        controlid: &str,
        body: Element,
        unique: bool,
        accounts: &[&str],
    ) -> Result<Element, LedgerError> {
        let session = self.session(entity).await?;
        let auth =
            Element::new("authentication").child(Element::leaf("sessionid", session.id.expose()));
        let function = Element::new("function")
            .attr("controlid", controlid)
            .child(body);
        let root = self
            .send(&session.endpoint, self.envelope(auth, function, unique))
            .await?;
        match checked(&root, entity, accounts) {
            Ok((_, result)) => Ok(result.clone()),
            Err(LedgerError::SessionExpired) => {
                let mut sessions = self.inner.sessions.lock().expect("not poisoned");
                let key = entity.map(str::to_string);
                // Another task may already have replaced it; only drop the one that failed.
                if sessions.get(&key).is_some_and(|s| s.id == session.id) {
                    sessions.remove(&key);
                }
                Err(LedgerError::SessionExpired)
            }
            Err(LedgerError::DuplicateControlId { .. }) => Err(LedgerError::DuplicateControlId {
                control_id: controlid.to_string(),
            }),
            Err(e) => Err(e),
        }
    }

    /// `call` under the retry policy.
    async fn call_retried(
        &self,
        entity: Option<&str>,
        controlid: &str,
        body: &Element,
        unique: bool,
        accounts: &[&str],
    ) -> Result<Element, LedgerError> {
        self.inner
            .config
            .retry
            .run(controlid, || {
                self.call(entity, controlid, body.clone(), unique, accounts)
            })
            .await
    }

    /// The first page of `readByQuery`, or the next one of `readMore`.
    async fn page(
        &self,
        entity: Option<&str>,
        object: &str,
        query: &str,
        continuation: Option<&str>,
    ) -> Result<(Vec<Element>, Option<String>, Option<u64>), LedgerError> {
        let body = match continuation {
            Some(id) => Element::new("readMore").child(Element::leaf("resultId", id)),
            None => Element::new("readByQuery")
                .child(Element::leaf("object", object))
                .child(Element::leaf("fields", "*"))
                .child(Element::leaf("query", query))
                .child(Element::leaf(
                    "pagesize",
                    self.inner.config.page_size.clamp(1, 1000).to_string(),
                )),
        };
        let result = self.call_retried(entity, "read", &body, false, &[]).await?;
        let data = result
            .find("data")
            .ok_or_else(|| protocol("read result without data"))?;
        let remaining: u64 = data
            .get_attr("numremaining")
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let next = data
            .get_attr("resultId")
            .filter(|id| remaining > 0 && !id.is_empty())
            .map(str::to_string);
        Ok((data.children.clone(), next, Some(remaining)))
    }

    async fn read_all(
        &self,
        entity: Option<&str>,
        object: &str,
        query: &str,
    ) -> Result<Vec<Element>, LedgerError> {
        let entity = self.entity(entity);
        let mut rows = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let (page, more, _) = self.page(entity, object, query, next.as_deref()).await?;
            rows.extend(page);
            match more {
                Some(id) => next = Some(id),
                None => return Ok(rows),
            }
        }
    }

    async fn post(
        &self,
        entity: Option<&str>,
        proposal_id: &str,
        body: Element,
        object: &str,
        accounts: &[&str],
    ) -> Result<Posted, LedgerError> {
        let entity = self.entity(entity);
        let control_id = control_id(proposal_id);
        match self
            .call_retried(entity, &control_id, &body, true, accounts)
            .await
        {
            Ok(result) => {
                let record_no = result
                    .path(&["data", &object.to_lowercase()])
                    .and_then(|o| o.non_empty("RECORDNO"))
                    .ok_or_else(|| protocol("create result without a RECORDNO"))?;
                tracing::info!(object, %control_id, record_no, "posted to Intacct");
                Ok(Posted {
                    record_no: record_no.to_string(),
                    control_id,
                    already_posted: false,
                })
            }
            Err(LedgerError::DuplicateControlId { .. }) => {
                let field = if object == "GLBATCH" {
                    "REFERENCENO"
                } else {
                    "DOCNUMBER"
                };
                let rows = self
                    .read_all(entity, object, &format!("{field} = '{control_id}'"))
                    .await?;
                let record_no = rows
                    .first()
                    .and_then(|r| r.non_empty("RECORDNO"))
                    .ok_or_else(|| LedgerError::DuplicateNotFound {
                        control_id: control_id.clone(),
                    })?;
                tracing::info!(object, %control_id, record_no, "already posted; found the record");
                Ok(Posted {
                    record_no: record_no.to_string(),
                    control_id,
                    already_posted: true,
                })
            }
            Err(e) => Err(e),
        }
    }
}

fn http_client(config: &IntacctConfig) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(config.timeout)
        .connect_timeout(config.timeout)
        .user_agent(concat!("ledgerline/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("the TLS backend initialises")
}

/// A request-level control id: only for matching answers, Intacct does not check it.
fn request_id() -> String {
    format!("ll-req-{:016x}", rand::random::<u64>())
}

pub(super) fn transport(e: reqwest::Error) -> LedgerError {
    let reason = if e.is_timeout() {
        "the request timed out".to_string()
    } else {
        // Without the URL: it is configuration, and a session endpoint can be long.
        format!("connection failed: {}", e.without_url())
    };
    LedgerError::Transient { reason }
}

impl Ledger for XmlLedger {
    async fn post_journal_entry(
        &self,
        entity: Option<&str>,
        proposal_id: &str,
        entry: &JournalEntry,
    ) -> Result<Posted, LedgerError> {
        let body = glbatch(
            entry,
            &control_id(proposal_id),
            self.inner.config.glbatch_state,
        );
        let accounts: Vec<&str> = entry.lines.iter().map(|l| l.account.as_str()).collect();
        self.post(entity, proposal_id, body, "GLBATCH", &accounts)
            .await
    }

    async fn post_ap_bill(
        &self,
        entity: Option<&str>,
        proposal_id: &str,
        bill: &ApBill,
    ) -> Result<Posted, LedgerError> {
        let body = apbill(bill, &control_id(proposal_id));
        let accounts: Vec<&str> = bill.lines.iter().map(|l| l.account.as_str()).collect();
        self.post(entity, proposal_id, body, "APBILL", &accounts)
            .await
    }

    async fn find_journal_entry(
        &self,
        entity: Option<&str>,
        control_id: &str,
    ) -> Result<Option<Stored<JournalEntry>>, LedgerError> {
        let query = format!("REFERENCENO = '{}'", control_id.replace('\'', "\\'"));
        let rows = self.read_all(entity, "GLBATCH", &query).await?;
        let Some(row) = rows.first() else {
            return Ok(None);
        };
        journal_from_row(row, control_id).map(Some)
    }

    async fn find_ap_bill(
        &self,
        entity: Option<&str>,
        control_id: &str,
    ) -> Result<Option<Stored<ApBill>>, LedgerError> {
        let query = format!("DOCNUMBER = '{}'", control_id.replace('\'', "\\'"));
        let rows = self.read_all(entity, "APBILL", &query).await?;
        let Some(row) = rows.first() else {
            return Ok(None);
        };
        bill_from_row(row, control_id).map(Some)
    }

    async fn accounts(&self, entity: Option<&str>) -> Result<Vec<Account>, LedgerError> {
        let rows = self.read_all(entity, "GLACCOUNT", "").await?;
        rows.iter()
            .map(|r| {
                Ok(Account {
                    number: field(r, "ACCOUNTNO")?.to_string(),
                    title: r.text_of("TITLE").unwrap_or_default().to_string(),
                    active: active(r),
                })
            })
            .collect()
    }

    async fn dimension_values(
        &self,
        entity: Option<&str>,
        kind: DimensionKind,
    ) -> Result<Vec<DimensionValue>, LedgerError> {
        let (object, id, name) = match kind {
            DimensionKind::Department => ("DEPARTMENT", "DEPARTMENTID", "TITLE"),
            DimensionKind::Location => ("LOCATION", "LOCATIONID", "NAME"),
            DimensionKind::Project => ("PROJECT", "PROJECTID", "NAME"),
            DimensionKind::Class => ("CLASS", "CLASSID", "NAME"),
        };
        let rows = self.read_all(entity, object, "").await?;
        rows.iter()
            .map(|r| {
                Ok(DimensionValue {
                    id: field(r, id)?.to_string(),
                    name: r.text_of(name).unwrap_or_default().to_string(),
                    active: active(r),
                })
            })
            .collect()
    }

    async fn vendors(&self, entity: Option<&str>) -> Result<Vec<Vendor>, LedgerError> {
        let rows = self.read_all(entity, "VENDOR", "").await?;
        rows.iter()
            .map(|r| {
                Ok(Vendor {
                    id: field(r, "VENDORID")?.to_string(),
                    name: r.text_of("NAME").unwrap_or_default().to_string(),
                    active: active(r),
                })
            })
            .collect()
    }

    async fn gl_detail(
        &self,
        entity: Option<&str>,
        since: &SyncPoint,
        continuation: Option<&str>,
    ) -> Result<GlDetailPage, LedgerError> {
        let entity = self.entity(entity);
        let mut query = format!("RECORDNO > {}", since.last_record_no);
        if let Some(ts) = &since.last_modified {
            query.push_str(&format!(" OR WHENMODIFIED > '{}'", ts.replace('\'', "\\'")));
        }
        let (rows, next, remaining) = self.page(entity, "GLDETAIL", &query, continuation).await?;
        let records = rows
            .iter()
            .map(|r| gl_record(r, &self.inner.config.company, entity))
            .collect::<Result<_, _>>()?;
        Ok(GlDetailPage {
            records,
            next,
            remaining,
        })
    }

    async fn identity(&self, entity: Option<&str>) -> Result<Identity, LedgerError> {
        let entity = self.entity(entity);
        let session = self
            .inner
            .config
            .retry
            .run("session", || self.open_session(entity))
            .await?;
        Ok(session.identity)
    }
}
