//! The XML gateway client: sender credentials on every request, a session opened with
//! `getAPISession` (from a login or a given session id) and renewed when it expires, generic
//! `create` of GLBATCH and APBILL with `uniqueid=true`, and `readByQuery`/`readMore` reads.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rust_decimal::Decimal;

use super::credentials::{Credentials, CredentialsError, Secret};
use super::limits::RateLimiter;
use super::xmltree::Element;
use super::*;

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
        let sender_id = Credentials::require(&creds.sender_id, "sender id", 0, "sender_id")?;
        let sender_password = Credentials::require(
            &creds.sender_password,
            "sender password",
            1,
            "sender_password",
        )?;
        if creds.session_id.is_none() {
            Credentials::require(&creds.user_id, "user id", 2, "user_id")?;
            Credentials::require(&creds.user_password, "user password", 3, "user_password")?;
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

fn protocol(message: &str) -> LedgerError {
    LedgerError::Protocol {
        message: message.to_string(),
    }
}

/// Checks the control, authentication and result statuses of a one-function response.
fn checked<'a>(
    root: &'a Element,
    entity: Option<&str>,
    accounts: &[&str],
) -> Result<(&'a Element, &'a Element), LedgerError> {
    let control_ok = root.path(&["control", "status"]).map(|s| s.text.as_str());
    if control_ok != Some("success") {
        return Err(classify(root.find("errormessage"), entity, accounts));
    }
    let operation = root
        .find("operation")
        .ok_or_else(|| protocol("response without an operation"))?;
    if operation
        .path(&["authentication", "status"])
        .map(|s| s.text.as_str())
        != Some("success")
    {
        return Err(classify(operation.find("errormessage"), entity, accounts));
    }
    let result = operation
        .find("result")
        .ok_or_else(|| protocol("operation without a result"))?;
    if result.text_of("status") != Some("success") {
        return Err(classify(result.find("errormessage"), entity, accounts));
    }
    Ok((operation, result))
}

/// Turns an `<errormessage>` into the error a caller can act on.
fn classify(errors: Option<&Element>, entity: Option<&str>, accounts: &[&str]) -> LedgerError {
    let list: Vec<&Element> = errors
        .map(|e| e.find_all("error").collect())
        .unwrap_or_default();
    let text = |e: &Element| {
        [e.non_empty("description"), e.non_empty("description2")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(": ")
    };
    for error in &list {
        let code = error.text_of("errorno").unwrap_or_default();
        let message = text(error);
        let lower = message.to_lowercase();
        if code == RATE_LIMITED_ERRORNO || lower.contains("rate limit") {
            return LedgerError::Transient { reason: message };
        }
        match code {
            SESSION_EXPIRED_ERRORNO => return LedgerError::SessionExpired,
            DUPLICATE_CONTROL_ID_ERRORNO => {
                return LedgerError::DuplicateControlId {
                    control_id: String::new(),
                };
            }
            SIGN_IN_FAILED_ERRORNO | "XMLGW_JPP0002" => {
                return LedgerError::Authentication { message };
            }
            UNKNOWN_ENTITY_ERRORNO => {
                return LedgerError::UnknownEntity {
                    entity: entity.unwrap_or_default().to_string(),
                };
            }
            INACTIVE_ACCOUNT_ERRORNO => {
                let account = accounts
                    .iter()
                    .find(|a| message.contains(**a))
                    .map(|a| a.to_string())
                    .unwrap_or_default();
                return LedgerError::InactiveAccount { account, message };
            }
            RESULT_ID_UNKNOWN_ERRORNO => return LedgerError::PagingExpired,
            _ => {}
        }
    }
    match list.first() {
        Some(first) => LedgerError::Rejected {
            code: first.text_of("errorno").unwrap_or_default().to_string(),
            message: list.iter().map(|e| text(e)).collect::<Vec<_>>().join("; "),
            correction: first.non_empty("correction").map(str::to_string),
        },
        None => protocol("a failure without an error message"),
    }
}

fn line_dimensions(mut e: Element, d: &Dimensions, names: [&str; 6]) -> Element {
    let values = [
        &d.location,
        &d.department,
        &d.project,
        &d.customer,
        &d.vendor,
        &d.class,
    ];
    for (name, value) in names.iter().zip(values) {
        e = e.opt_leaf(name, value.as_deref());
    }
    e
}

const GLENTRY_DIMS: [&str; 6] = [
    "LOCATION",
    "DEPARTMENT",
    "PROJECTID",
    "CUSTOMERID",
    "VENDORID",
    "CLASSID",
];
const BILLITEM_DIMS: [&str; 6] = [
    "LOCATIONID",
    "DEPARTMENTID",
    "PROJECTID",
    "CUSTOMERID",
    "VENDORID",
    "CLASSID",
];

fn read_dimensions(row: &Element, names: [&str; 6]) -> Dimensions {
    let get = |i: usize| row.non_empty(names[i]).map(str::to_string);
    Dimensions {
        location: get(0),
        department: get(1),
        project: get(2),
        customer: get(3),
        vendor: get(4),
        class: get(5),
    }
}

fn glbatch(entry: &JournalEntry, control_id: &str, state: GlBatchState) -> Element {
    let mut entries = Element::new("ENTRIES");
    for line in &entry.lines {
        let tr_type = if line.amount.is_sign_negative() {
            "-1"
        } else {
            "1"
        };
        let e = Element::new("GLENTRY")
            .child(Element::leaf("ACCOUNTNO", &line.account))
            .child(Element::leaf("TR_TYPE", tr_type))
            .child(Element::leaf("TRX_AMOUNT", line.amount.abs().to_string()))
            .child(Element::leaf("DESCRIPTION", &line.memo));
        entries = entries.child(line_dimensions(e, &line.dimensions, GLENTRY_DIMS));
    }
    Element::new("create").child(
        Element::new("GLBATCH")
            .child(Element::leaf("JOURNAL", &entry.journal))
            .child(Element::leaf("BATCH_DATE", entry.posting_date.us()))
            .child(Element::leaf("BATCH_TITLE", &entry.description))
            .child(Element::leaf("REFERENCENO", control_id))
            .child(Element::leaf("STATE", state.xml()))
            .child(entries),
    )
}

fn apbill(bill: &ApBill, control_id: &str) -> Element {
    let mut items = Element::new("APBILLITEMS");
    for line in &bill.lines {
        let e = Element::new("APBILLITEM")
            .child(Element::leaf("ACCOUNTNO", &line.account))
            .child(Element::leaf("TRX_AMOUNT", line.amount.to_string()))
            .child(Element::leaf("ENTRYDESCRIPTION", &line.memo));
        items = items.child(line_dimensions(e, &line.dimensions, BILLITEM_DIMS));
    }
    Element::new("create").child(
        Element::new("APBILL")
            .child(Element::leaf("WHENCREATED", bill.posting_date.us()))
            .child(Element::leaf("WHENPOSTED", bill.posting_date.us()))
            .child(Element::leaf("VENDORID", &bill.vendor_id))
            .child(Element::leaf("RECORDID", &bill.bill_number))
            // The reference number carries the control id so a duplicate can be found again.
            .child(Element::leaf("DOCNUMBER", control_id))
            .child(Element::leaf("DESCRIPTION", &bill.description))
            .child(Element::leaf("WHENDUE", bill.due_date.us()))
            .child(items),
    )
}

fn field<'a>(row: &'a Element, name: &str) -> Result<&'a str, LedgerError> {
    row.text_of(name)
        .ok_or_else(|| protocol(&format!("a record without {name}")))
}

fn date(row: &Element, name: &str) -> Result<Date, LedgerError> {
    Date::parse(field(row, name)?).map_err(|e| protocol(&e.to_string()))
}

fn decimal(row: &Element, name: &str) -> Result<Decimal, LedgerError> {
    field(row, name)?
        .parse()
        .map_err(|_| protocol(&format!("{name} is not a decimal")))
}

fn active(row: &Element) -> bool {
    !row.text_of("STATUS")
        .is_some_and(|s| s.eq_ignore_ascii_case("inactive"))
}

fn gl_record(
    row: &Element,
    company: &str,
    entity: Option<&str>,
) -> Result<HistoryRecord, LedgerError> {
    let amount = decimal(row, "TRX_AMOUNT")?.abs();
    let opt = |name: &str| row.non_empty(name).map(str::to_string);
    Ok(HistoryRecord {
        line_id: field(row, "RECORDNO")?.to_string(),
        company: company.to_string(),
        entity: entity.map(str::to_string),
        posting_date: date(row, "ENTRY_DATE")?,
        amount: if field(row, "TR_TYPE")? == "-1" {
            -amount
        } else {
            amount
        },
        memo: row.text_of("DESCRIPTION").unwrap_or_default().to_string(),
        vendor_id: opt("VENDORID"),
        vendor_name: opt("VENDORNAME"),
        account: field(row, "ACCOUNTNO")?.to_string(),
        department: opt("DEPARTMENTID"),
        location: opt("LOCATIONID"),
        project: opt("PROJECTID"),
        class: opt("CLASSID"),
        customer: opt("CUSTOMERID"),
        modified_at: field(row, "WHENMODIFIED")?.to_string(),
    })
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
        let mut lines = Vec::new();
        for e in row
            .find("ENTRIES")
            .map(|e| e.find_all("GLENTRY").collect())
            .unwrap_or_else(Vec::new)
        {
            let amount = decimal(e, "TRX_AMOUNT")?;
            lines.push(EntryLine {
                account: field(e, "ACCOUNTNO")?.to_string(),
                amount: if e.text_of("TR_TYPE") == Some("-1") {
                    -amount
                } else {
                    amount
                },
                memo: e.text_of("DESCRIPTION").unwrap_or_default().to_string(),
                dimensions: read_dimensions(e, GLENTRY_DIMS),
            });
        }
        Ok(Some(Stored {
            record_no: field(row, "RECORDNO")?.to_string(),
            control_id: control_id.to_string(),
            value: JournalEntry {
                journal: field(row, "JOURNAL")?.to_string(),
                posting_date: date(row, "BATCH_DATE")?,
                description: field(row, "BATCH_TITLE")?.to_string(),
                lines,
            },
        }))
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
        let mut lines = Vec::new();
        for e in row
            .find("APBILLITEMS")
            .map(|e| e.find_all("APBILLITEM").collect())
            .unwrap_or_else(Vec::new)
        {
            lines.push(EntryLine {
                account: field(e, "ACCOUNTNO")?.to_string(),
                amount: decimal(e, "TRX_AMOUNT")?,
                memo: e
                    .text_of("ENTRYDESCRIPTION")
                    .unwrap_or_default()
                    .to_string(),
                dimensions: read_dimensions(e, BILLITEM_DIMS),
            });
        }
        Ok(Some(Stored {
            record_no: field(row, "RECORDNO")?.to_string(),
            control_id: control_id.to_string(),
            value: ApBill {
                vendor_id: field(row, "VENDORID")?.to_string(),
                bill_number: field(row, "RECORDID")?.to_string(),
                description: row.text_of("DESCRIPTION").unwrap_or_default().to_string(),
                posting_date: date(row, "WHENPOSTED")?,
                due_date: date(row, "WHENDUE")?,
                lines,
            },
        }))
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
