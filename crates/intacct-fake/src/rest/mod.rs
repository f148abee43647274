//! The fake's REST API under `/ia/api/v1`: the OAuth 2.0 token endpoint (client credentials and
//! refresh token), journal entries and bills (create with an `Idempotency-Key`, read by key) and
//! the query service, answering errors in the `ia::error` envelope.

mod objects;
mod query;

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
use super::{Condition, Posting, Record, State, passes};
use ledgerline_core::history::Date;
use ledgerline_intacct::{ApBill, Dimensions, EntryLine, JournalEntry, UNKNOWN_ENTITY_ERRORNO};

// The header names are conventions the writer and the fake share (see `intacct::rest`).
use ledgerline_intacct::rest::{ENTITY_HEADER, IDEMPOTENCY_HEADER};

use objects::{create_bill, create_journal, read_bill, read_journal};
use query::query;

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
        // Refresh tokens rotate: each one is good for a single use, the configured one included.
        Some("refresh_token") => field("refresh_token").is_some_and(|t| {
            let mut data = state.data();
            if t == cfg.refresh_token && !data.initial_refresh_used {
                data.initial_refresh_used = true;
                return true;
            }
            let before = data.refresh_tokens.len();
            data.refresh_tokens.retain(|r| r != t);
            data.refresh_tokens.len() < before
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
    match headers.get(ENTITY_HEADER).and_then(|v| v.to_str().ok()) {
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
