//! The fake's REST API under `/ia/api/v1`: the OAuth 2.0 token endpoint (client credentials and
//! refresh token), journal entries and bills (create with an `Idempotency-Key`, read by key) and
//! the query service, answering errors in the `ia::error` envelope.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, State as AxumState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Json};
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};
use tokio::time::Instant;

use super::company::{Listed, rest_timestamp};
use super::faults::{Fault, status};
use super::{Condition, Posting, State, passes};
use crate::history::Date;
use crate::intacct::{ApBill, Dimensions, EntryLine, JournalEntry, UNKNOWN_ENTITY_ERRORNO};

/// The header that carries the idempotency key. UNCONFIRMED: Intacct documents 409 for a
/// repeated key but not the header's name; this is the conventional one.
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";
/// The header that picks the entity (well attested by clients, UNCONFIRMED officially).
pub const ENTITY_HEADER: &str = "X-IA-API-Param-Entity";

pub(super) fn routes(state: Arc<State>) -> axum::Router {
    axum::Router::new()
        .route("/ia/api/v1/oauth2/token", post(token))
        .route(
            "/ia/api/v1/objects/general-ledger/journal-entry",
            post(create_journal),
        )
        .route(
            "/ia/api/v1/objects/general-ledger/journal-entry/{key}",
            get(read_journal),
        )
        .route(
            "/ia/api/v1/objects/accounts-payable/bill",
            post(create_bill),
        )
        .route(
            "/ia/api/v1/objects/accounts-payable/bill/{key}",
            get(read_bill),
        )
        .route("/ia/api/v1/services/core/query", post(query))
        .with_state(state)
}

fn json_response(code: StatusCode, body: Value) -> Response {
    status(code, "application/json", body.to_string())
}

/// The `ia::error` envelope, with one detail per (errorId, message).
fn ia_error(code: StatusCode, kind: &str, message: &str, details: &[(String, String)]) -> Response {
    let details: Vec<Value> = details
        .iter()
        .map(|(id, m)| json!({"errorId": id, "code": "invalidRequest", "message": m}))
        .collect();
    let error_id = details
        .first()
        .and_then(|d| d["errorId"].as_str())
        .unwrap_or("REST-7001")
        .to_string();
    json_response(
        code,
        json!({"ia::result": {"ia::error": {"code": kind, "message": message, "errorId": error_id,
            "supportId": "fake", "details": details}},
            "ia::meta": {"totalCount": 1, "totalSuccess": 0, "totalError": 1}}),
    )
}

fn fault_body(fault: &Fault) -> Option<Response> {
    match fault {
        Fault::ServerError => Some(status(
            StatusCode::SERVICE_UNAVAILABLE,
            "text/html",
            "<html>503</html>".into(),
        )),
        Fault::TooManyRequests => Some(ia_error(
            StatusCode::TOO_MANY_REQUESTS,
            "rateLimitExceeded",
            "Too many requests",
            &[("GW-0010".into(), "API rate limit exceeded".into())],
        )),
        Fault::ErrorPayload => Some(ia_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "serviceUnavailable",
            "The service is temporarily unavailable",
            &[],
        )),
        _ => None,
    }
}

async fn token(
    AxumState(state): AxumState<Arc<State>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let inner = Arc::clone(&state);
    state
        .faulted(fault_body, |_| async move { issue_token(&inner, &form) })
        .await
}

fn issue_token(state: &State, form: &HashMap<String, String>) -> Response {
    let cfg = &state.config;
    let field = |k: &str| form.get(k).map(String::as_str);
    let denied = |message: &str| {
        json_response(
            StatusCode::UNAUTHORIZED,
            json!({"error": {"code": "invalidGrant", "message": message, "errorId": "REST-2101"}}),
        )
    };
    if field("client_id") != Some(cfg.client_id.as_str())
        || field("client_secret") != Some(cfg.client_secret.as_str())
    {
        return denied("The client id or secret is not valid");
    }
    let ok = match field("grant_type") {
        Some("client_credentials") => {
            field("username") == Some(format!("{}@{}", cfg.user_id, cfg.company_id).as_str())
        }
        Some("refresh_token") => field("refresh_token").is_some_and(|t| {
            t == cfg.refresh_token || state.data().refresh_tokens.iter().any(|r| r == t)
        }),
        _ => {
            return json_response(
                StatusCode::BAD_REQUEST,
                json!({"error": {"code": "unsupportedGrantType", "message": "grant_type must be client_credentials or refresh_token", "errorId": "REST-2100"}}),
            );
        }
    };
    if !ok {
        return denied("The user or refresh token is not valid");
    }
    let access = state.new_id("fake-access-");
    let refresh = state.new_id("fake-refresh-");
    {
        let mut data = state.data();
        data.tokens
            .insert(access.clone(), Instant::now() + cfg.session_ttl);
        data.refresh_tokens.push(refresh.clone());
    }
    json_response(
        StatusCode::OK,
        json!({"token_type": "Bearer", "access_token": access, "refresh_token": refresh,
               "expires_in": cfg.session_ttl.as_secs()}),
    )
}

/// Checks the bearer token and the entity header; returns the entity.
fn authorize(
    state: &State,
    headers: &HeaderMap,
    expire: bool,
) -> Result<Option<String>, Box<Response>> {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let valid = {
        let mut data = state.data();
        if expire {
            data.tokens.remove(token);
        }
        data.tokens
            .get(token)
            .is_some_and(|expires| *expires > Instant::now())
    };
    if !valid {
        return Err(Box::new(ia_error(
            StatusCode::UNAUTHORIZED,
            "tokenInvalid",
            "Token is not valid",
            &[("REST-2102".into(), "Token is not valid".into())],
        )));
    }
    match headers
        .get(super::rest::ENTITY_HEADER)
        .and_then(|v| v.to_str().ok())
    {
        None | Some("") => Ok(None),
        Some(e) if state.entity_known(e) => Ok(Some(e.to_string())),
        Some(e) => Err(Box::new(ia_error(
            StatusCode::BAD_REQUEST,
            "invalidRequest",
            &format!("Entity {e} does not exist"),
            &[(
                UNKNOWN_ENTITY_ERRORNO.into(),
                format!("Entity {e} does not exist"),
            )],
        ))),
    }
}

fn id_of(v: &Value, path: &[&str]) -> Option<String> {
    path.iter()
        .try_fold(v, |v, k| v.get(k))?
        .as_str()
        .map(str::to_string)
}

fn dims(v: &Value) -> Dimensions {
    let d = |k: &str| id_of(v, &["dimensions", k, "id"]);
    Dimensions {
        department: d("department"),
        location: d("location"),
        project: d("project"),
        class: d("class"),
        customer: d("customer"),
        vendor: d("vendor"),
    }
}

fn rest_date(v: &Value, key: &str, errors: &mut Vec<(String, String)>) -> Date {
    match v
        .get(key)
        .and_then(Value::as_str)
        .filter(|t| t.contains('-'))
        .map(Date::parse)
    {
        Some(Ok(d)) => d,
        _ => {
            errors.push((
                "REST-1001".into(),
                format!("{key} is required as YYYY-MM-DD"),
            ));
            Date {
                year: 1970,
                month: 1,
                day: 1,
            }
        }
    }
}

fn parse_lines(
    state: &State,
    v: &Value,
    journal: bool,
    errors: &mut Vec<(String, String)>,
) -> Vec<EntryLine> {
    let mut xml_errors = Vec::new();
    let mut lines = Vec::new();
    for line in v
        .get("lines")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let account = id_of(line, &["glAccount", "id"]).unwrap_or_default();
        let d = dims(line);
        // Amounts travel as decimal strings; a JSON number is refused, as floats lose cents.
        let amount_text = line
            .get("txnAmount")
            .and_then(Value::as_str)
            .unwrap_or("not a string");
        let amount = super::xml::check_line(state, &account, amount_text, &d, &mut xml_errors);
        let amount = match (journal, line.get("txnType").and_then(Value::as_str)) {
            (false, _) | (true, Some("debit")) => amount,
            (true, Some("credit")) => -amount,
            _ => {
                errors.push(("REST-1001".into(), "txnType must be debit or credit".into()));
                amount
            }
        };
        let memo_key = if journal { "description" } else { "memo" };
        lines.push(EntryLine {
            account,
            amount,
            memo: line
                .get(memo_key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            dimensions: d,
        });
    }
    errors.extend(xml_errors);
    lines
}

async fn create_journal(
    AxumState(state): AxumState<Arc<State>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let inner = Arc::clone(&state);
    state
        .faulted(fault_body, |expire| async move {
            create(&inner, &headers, &body, expire, true)
        })
        .await
}

async fn create_bill(
    AxumState(state): AxumState<Arc<State>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let inner = Arc::clone(&state);
    state
        .faulted(fault_body, |expire| async move {
            create(&inner, &headers, &body, expire, false)
        })
        .await
}

fn create(
    state: &State,
    headers: &HeaderMap,
    body: &Value,
    expire: bool,
    journal: bool,
) -> Response {
    let entity = match authorize(state, headers, expire) {
        Ok(e) => e,
        Err(r) => return *r,
    };
    let key = headers
        .get(IDEMPOTENCY_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let mut errors = Vec::new();
    let lines = parse_lines(state, body, journal, &mut errors);
    let text = |k: &str| {
        body.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let reference = text("referenceNumber");
    let posting: Box<dyn FnOnce(u64) -> Posting> = if journal {
        let journal_id = id_of(body, &["glJournal", "id"]).unwrap_or_default();
        let date = rest_date(body, "postingDate", &mut errors);
        if journal_id.is_empty() || lines.len() < 2 {
            errors.push((
                "REST-1001".into(),
                "glJournal.id and at least 2 lines are required".into(),
            ));
        }
        let balance: Decimal = lines.iter().map(|l| l.amount).sum();
        if !balance.is_zero() {
            errors.push((
                "GL-1009".into(),
                format!("Transactions do not balance by {balance}"),
            ));
        }
        let state_name = match body
            .get("state")
            .and_then(Value::as_str)
            .unwrap_or("posted")
        {
            s @ ("draft" | "submitted" | "posted") => s.to_string(),
            other => {
                errors.push((
                    "REST-1001".into(),
                    format!("state {other} must be draft, submitted or posted"),
                ));
                String::new()
            }
        };
        let entry = JournalEntry {
            journal: journal_id,
            posting_date: date,
            description: text("description"),
            lines,
        };
        let (k, e, r) = (key.clone(), entity, reference);
        Box::new(move |record_no| Posting::Journal {
            record_no,
            control_id: k,
            entity: e,
            state: state_name,
            reference: r,
            entry,
        })
    } else {
        let vendor = id_of(body, &["vendor", "id"]).unwrap_or_default();
        if !state
            .company
            .vendors
            .iter()
            .any(|v| v.id == vendor && v.active)
        {
            errors.push((
                "REST-1001".into(),
                format!("Vendor {vendor:?} does not exist or is inactive"),
            ));
        }
        if lines.is_empty() {
            errors.push(("REST-1001".into(), "a bill needs at least one line".into()));
        }
        let bill = ApBill {
            vendor_id: vendor,
            bill_number: text("billNumber"),
            description: text("description"),
            posting_date: rest_date(body, "postingDate", &mut errors),
            due_date: rest_date(body, "dueDate", &mut errors),
            lines,
        };
        let (k, e, r) = (key.clone(), entity, reference);
        Box::new(move |record_no| Posting::Bill {
            record_no,
            control_id: k,
            entity: e,
            reference: r,
            bill,
        })
    };
    if !errors.is_empty() {
        return ia_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "operationFailed",
            "POST request was unsuccessful",
            &errors,
        );
    }
    let path = if journal {
        "general-ledger/journal-entry"
    } else {
        "accounts-payable/bill"
    };
    match state.commit(!key.is_empty(), posting) {
        Ok(record_no) => json_response(
            StatusCode::CREATED,
            json!({"ia::result": {"key": record_no.to_string(), "id": record_no.to_string(),
                   "href": format!("/objects/{path}/{record_no}")},
                   "ia::meta": {"totalCount": 1, "totalSuccess": 1, "totalError": 0}}),
        ),
        Err(_) => ia_error(
            StatusCode::CONFLICT,
            "conflict",
            "Two requests from the same user have the same idempotency key",
            &[(
                state.config.duplicate_errorno.clone(),
                format!("Idempotency key {key} was already used"),
            )],
        ),
    }
}

async fn read_journal(
    AxumState(state): AxumState<Arc<State>>,
    headers: HeaderMap,
    Path(key): Path<String>,
) -> Response {
    let inner = Arc::clone(&state);
    state
        .faulted(fault_body, |expire| async move {
            read(&inner, &headers, &key, expire, true)
        })
        .await
}

async fn read_bill(
    AxumState(state): AxumState<Arc<State>>,
    headers: HeaderMap,
    Path(key): Path<String>,
) -> Response {
    let inner = Arc::clone(&state);
    state
        .faulted(fault_body, |expire| async move {
            read(&inner, &headers, &key, expire, false)
        })
        .await
}

fn line_json(l: &EntryLine, journal: bool) -> Value {
    let d = &l.dimensions;
    let mut dims = Map::new();
    for (k, v) in [
        ("department", &d.department),
        ("location", &d.location),
        ("project", &d.project),
        ("class", &d.class),
        ("customer", &d.customer),
        ("vendor", &d.vendor),
    ] {
        if let Some(v) = v {
            dims.insert(k.into(), json!({"id": v}));
        }
    }
    let mut line = json!({"glAccount": {"id": l.account}, "txnAmount": l.amount.abs().to_string(), "dimensions": dims});
    if journal {
        line["txnType"] = json!(if l.amount.is_sign_negative() {
            "credit"
        } else {
            "debit"
        });
        line["description"] = json!(l.memo);
    } else {
        line["memo"] = json!(l.memo);
    }
    line
}

fn posting_json(p: &Posting) -> Value {
    match p {
        Posting::Journal {
            record_no,
            state,
            reference,
            entry,
            ..
        } => json!({
            "key": record_no.to_string(), "id": record_no.to_string(), "glJournal": {"id": entry.journal},
            "postingDate": entry.posting_date.to_string(), "description": entry.description,
            "referenceNumber": reference, "state": state,
            "lines": entry.lines.iter().map(|l| line_json(l, true)).collect::<Vec<_>>()}),
        Posting::Bill {
            record_no,
            reference,
            bill,
            ..
        } => json!({
            "key": record_no.to_string(), "id": record_no.to_string(), "vendor": {"id": bill.vendor_id},
            "billNumber": bill.bill_number, "referenceNumber": reference, "description": bill.description,
            "postingDate": bill.posting_date.to_string(), "dueDate": bill.due_date.to_string(), "state": "posted",
            "lines": bill.lines.iter().map(|l| line_json(l, false)).collect::<Vec<_>>()}),
    }
}

fn read(state: &State, headers: &HeaderMap, key: &str, expire: bool, journal: bool) -> Response {
    let entity = match authorize(state, headers, expire) {
        Ok(e) => e,
        Err(r) => return *r,
    };
    let found = state.postings_for(entity.as_deref()).into_iter().find(|p| {
        p.record_no().to_string() == key && matches!(p, Posting::Journal { .. }) == journal
    });
    match found {
        Some(p) => json_response(StatusCode::OK, json!({"ia::result": posting_json(&p)})),
        None => ia_error(
            StatusCode::NOT_FOUND,
            "notFound",
            &format!("No record with key {key}"),
            &[],
        ),
    }
}

async fn query(
    AxumState(state): AxumState<Arc<State>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let inner = Arc::clone(&state);
    state
        .faulted(fault_body, |expire| async move {
            run_query(&inner, &headers, &body, expire)
        })
        .await
}

fn listed_rows(list: &[Listed]) -> Vec<Map<String, Value>> {
    list.iter()
        .enumerate()
        .map(|(i, l)| {
            let mut m = Map::new();
            m.insert("key".into(), json!((i + 1).to_string()));
            m.insert("id".into(), json!(l.id));
            m.insert("name".into(), json!(l.name));
            m.insert(
                "status".into(),
                json!(if l.active { "active" } else { "inactive" }),
            );
            m
        })
        .collect()
}

fn gl_row(state: &State, index: usize) -> Map<String, Value> {
    let l = &state.company.gl_lines[index];
    let mut m = Map::new();
    let mut put = |k: &str, v: Option<String>| {
        m.insert(k.into(), v.map_or(Value::Null, Value::String));
    };
    put("key", Some(l.record_no.to_string()));
    put("entryDate", Some(l.entry_date.to_string()));
    put(
        "txnType",
        Some(if l.tr_type < 0 { "credit" } else { "debit" }.into()),
    );
    put("txnAmount", Some(l.amount.to_string()));
    put("description", Some(l.description.clone()));
    put("glAccount.id", Some(l.account.clone()));
    put("dimensions.department.id", l.department.clone());
    put("dimensions.location.id", l.location.clone());
    put("dimensions.project.id", l.project.clone());
    put("dimensions.class.id", l.class.clone());
    put("dimensions.customer.id", l.customer.clone());
    put(
        "dimensions.vendor.id",
        l.vendor.as_ref().map(|v| v.0.clone()),
    );
    put(
        "dimensions.vendor.name",
        l.vendor.as_ref().map(|v| v.1.clone()),
    );
    put("audit.modifiedDateTime", Some(rest_timestamp(&l.modified)));
    m
}

fn run_query(state: &State, headers: &HeaderMap, body: &Value, expire: bool) -> Response {
    let entity = match authorize(state, headers, expire) {
        Ok(e) => e,
        Err(r) => return *r,
    };
    let bad = |m: &str| {
        ia_error(
            StatusCode::BAD_REQUEST,
            "invalidRequest",
            m,
            &[("REST-1001".into(), m.into())],
        )
    };
    let start = body
        .get("start")
        .and_then(Value::as_u64)
        .unwrap_or(1)
        .max(1) as usize;
    let size = body.get("size").and_then(Value::as_u64).unwrap_or(100) as usize;
    if !(1..=4000).contains(&size) {
        return bad("size must be between 1 and 4000");
    }
    let mut conditions = Vec::new();
    for filter in body
        .get("filters")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let Some((op, inner)) = filter.as_object().and_then(|o| o.iter().next()) else {
            return bad("a filter must be an object");
        };
        let Some((field, value)) = inner.as_object().and_then(|o| o.iter().next()) else {
            return bad("a filter needs a field");
        };
        let value = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let greater = match op.as_str() {
            "$eq" => false,
            "$gt" => true,
            other => return bad(&format!("the fake supports $eq and $gt, not {other}")),
        };
        conditions.push(Condition {
            field: field.clone(),
            greater,
            value,
        });
    }
    let any = body
        .get("filterExpression")
        .and_then(Value::as_str)
        .is_some_and(|e| e.contains(" or "));
    let keep = |get: &dyn Fn(&str) -> Option<String>| {
        conditions.is_empty()
            || if any {
                conditions
                    .iter()
                    .any(|c| passes(c, get(&c.field).as_deref()))
            } else {
                conditions
                    .iter()
                    .all(|c| passes(c, get(&c.field).as_deref()))
            }
    };
    let from_map =
        |m: &Map<String, Value>, f: &str| m.get(f).and_then(Value::as_str).map(str::to_string);
    let company = &state.company;
    let object = body
        .get("object")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let rows: Vec<Map<String, Value>> = match object {
        "general-ledger/journal-entry-line" => {
            let lines = &company.gl_lines;
            let matching: Vec<usize> = (0..lines.len())
                .filter(|i| {
                    keep(&|f| match f {
                        "key" => Some(lines[*i].record_no.to_string()),
                        "audit.modifiedDateTime" => Some(rest_timestamp(&lines[*i].modified)),
                        _ => None,
                    })
                })
                .collect();
            return page(
                body,
                start,
                size,
                matching.len(),
                matching
                    .iter()
                    .skip(start - 1)
                    .take(size)
                    .map(|i| gl_row(state, *i))
                    .collect(),
            );
        }
        "general-ledger/account" => listed_rows(&company.accounts),
        "company-config/department" => listed_rows(&company.departments),
        "company-config/location" => listed_rows(&company.locations),
        "company-config/class" => listed_rows(&company.classes),
        "projects/project" => listed_rows(&company.projects),
        "accounts-payable/vendor" => listed_rows(&company.vendors),
        "general-ledger/journal-entry" | "accounts-payable/bill" => state
            .postings_for(entity.as_deref())
            .iter()
            .filter(|p| {
                matches!(p, Posting::Journal { .. }) == (object == "general-ledger/journal-entry")
            })
            .filter_map(|p| posting_json(p).as_object().cloned())
            .collect(),
        other => return bad(&format!("Unknown object {other}")),
    };
    let rows: Vec<_> = rows
        .into_iter()
        .filter(|m| keep(&|f| from_map(m, f)))
        .collect();
    let total = rows.len();
    page(
        body,
        start,
        size,
        total,
        rows.into_iter().skip(start - 1).take(size).collect(),
    )
}

fn page(
    body: &Value,
    start: usize,
    size: usize,
    total: usize,
    rows: Vec<Map<String, Value>>,
) -> Response {
    let fields: Vec<&str> = body
        .get("fields")
        .and_then(Value::as_array)
        .map(|f| f.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let rows: Vec<Value> = rows
        .into_iter()
        .map(|m| {
            if fields.is_empty() {
                Value::Object(m)
            } else {
                Value::Object(
                    fields
                        .iter()
                        .map(|f| (f.to_string(), m.get(*f).cloned().unwrap_or(Value::Null)))
                        .collect(),
                )
            }
        })
        .collect();
    let next = (start - 1 + size < total).then_some(start + size);
    json_response(
        StatusCode::OK,
        json!({"ia::result": rows, "ia::meta": {"totalCount": total, "start": start, "pageSize": size,
               "next": next, "previous": (start > 1).then(|| start.saturating_sub(size).max(1))}}),
    )
}
