//! The fake's XML gateway: `POST /ia/xml/xmlgw.phtml`. Control, authentication and result
//! failures are answered at the level Intacct answers them, with HTTP 200.

mod create;
mod read;

use std::sync::Arc;

use axum::extract::State as AxumState;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use rust_decimal::Decimal;
use tokio::time::Instant;

use super::company::{Listed, xml_timestamp};
use super::faults::{Fault, status};
use super::{Condition, Posting, Record, ResultSet, State, passes};
use create::create;
use ledgerline_core::history::Date;
use ledgerline_intacct::xmltree::Element;
use ledgerline_intacct::{
    ApBill, Dimensions, EntryLine, JournalEntry, RATE_LIMITED_ERRORNO, RESULT_ID_UNKNOWN_ERRORNO,
    SESSION_EXPIRED_ERRORNO, SIGN_IN_FAILED_ERRORNO, UNKNOWN_ENTITY_ERRORNO,
};
use read::{read_by_query, read_more};

/// A row of a paged read: a GL-detail line by index (rendered only when sent, since there can
/// be tens of thousands), or a ready element.
pub(super) enum Row {
    Gl(usize),
    Ready(Element),
}

pub(super) fn routes(state: Arc<State>) -> axum::Router {
    axum::Router::new()
        .route("/ia/xml/xmlgw.phtml", post(gateway))
        .with_state(state)
}

type Error = super::company::Problem;

fn err(code: &str, message: impl Into<String>) -> Error {
    (code.to_string(), message.into())
}

fn error_message(errors: &[Error]) -> Element {
    errors
        .iter()
        .fold(Element::new("errormessage"), |m, (code, text)| {
            m.child(
                Element::new("error")
                    .child(Element::leaf("errorno", code))
                    .child(Element::leaf("description", ""))
                    .child(Element::leaf("description2", text))
                    .child(Element::leaf("correction", "")),
            )
        })
}

fn xml_response(code: StatusCode, root: Element) -> Response {
    status(code, "application/xml", root.to_document())
}

fn control_block(request: Option<&Element>, ok: bool) -> Element {
    let echo = |name: &str| {
        request
            .and_then(|c| c.text_of(name))
            .unwrap_or_default()
            .to_string()
    };
    Element::new("control")
        .child(Element::leaf(
            "status",
            if ok { "success" } else { "failure" },
        ))
        .child(Element::leaf("senderid", echo("senderid")))
        .child(Element::leaf("controlid", echo("controlid")))
        .child(Element::leaf("uniqueid", echo("uniqueid")))
        .child(Element::leaf("dtdversion", echo("dtdversion")))
}

fn control_failure(request: Option<&Element>, errors: &[Error]) -> Response {
    let root = Element::new("response")
        .child(control_block(request, false))
        .child(error_message(errors));
    xml_response(StatusCode::OK, root)
}

fn fault_body(fault: &Fault) -> Option<Response> {
    let throttled = err(RATE_LIMITED_ERRORNO, "API rate limit exceeded");
    match fault {
        Fault::ServerError => Some(status(
            StatusCode::SERVICE_UNAVAILABLE,
            "text/html",
            "<html>503 Service Unavailable</html>".into(),
        )),
        Fault::TooManyRequests => {
            let root = Element::new("response")
                .child(control_block(None, false))
                .child(error_message(&[throttled]));
            Some(xml_response(StatusCode::TOO_MANY_REQUESTS, root))
        }
        Fault::ErrorPayload => Some(control_failure(None, &[throttled])),
        _ => None,
    }
}

async fn gateway(AxumState(state): AxumState<Arc<State>>, body: String) -> Response {
    let inner = Arc::clone(&state);
    state
        .faulted(
            fault_body,
            |expire| async move { handle(&inner, &body, expire) },
        )
        .await
}

/// Who a request runs as.
struct Caller {
    entity: Option<String>,
    session: String,
}

fn handle(state: &State, body: &str, expire: bool) -> Response {
    let root = match Element::parse(body) {
        Ok(root) if root.name == "request" => root,
        Ok(_) => {
            return control_failure(
                None,
                &[err("XL03000003", "The root element must be <request>")],
            );
        }
        Err(e) => {
            return control_failure(None, &[err("XL03000003", format!("XML parse error: {e}"))]);
        }
    };
    let Some(control) = root.find("control") else {
        return control_failure(None, &[err("XL03000003", "Missing <control>")]);
    };
    let cfg = &state.config;
    if control.text_of("senderid") != Some(cfg.sender_id.as_str())
        || control.text_of("password") != Some(cfg.sender_password.as_str())
    {
        return control_failure(
            Some(control),
            &[err(
                SIGN_IN_FAILED_ERRORNO,
                "Invalid Web Services Authorization: the sender is not authorized",
            )],
        );
    }
    let controlid_len = control.text_of("controlid").map_or(0, str::len);
    if !(1..=256).contains(&controlid_len) || control.text_of("dtdversion") != Some("3.0") {
        return control_failure(
            Some(control),
            &[err(
                "XL03000003",
                "control needs a controlid of 1 to 256 characters and dtdversion 3.0",
            )],
        );
    }
    let unique = match control.text_of("uniqueid") {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            return control_failure(
                Some(control),
                &[err("XL03000003", "uniqueid must be true or false")],
            );
        }
    };
    let Some(operation) = root.find("operation") else {
        return control_failure(Some(control), &[err("XL03000003", "Missing <operation>")]);
    };
    let caller = match authenticate(state, operation.find("authentication"), expire) {
        Ok(caller) => caller,
        Err(e) => {
            let root = Element::new("response")
                .child(control_block(Some(control), true))
                .child(
                    Element::new("operation")
                        .child(
                            Element::new("authentication")
                                .child(Element::leaf("status", "failure")),
                        )
                        .child(error_message(&[e])),
                );
            return xml_response(StatusCode::OK, root);
        }
    };
    let functions: Vec<&Element> = operation
        .find("content")
        .map(|c| c.find_all("function").collect())
        .unwrap_or_default();
    if functions.is_empty() {
        return control_failure(
            Some(control),
            &[err("XL03000003", "<content> holds no <function>")],
        );
    }
    let authentication = Element::new("authentication")
        .child(Element::leaf("status", "success"))
        .child(Element::leaf("userid", &cfg.user_id))
        .child(Element::leaf("companyid", &cfg.company_id))
        .child(Element::leaf(
            "locationid",
            caller.entity.clone().unwrap_or_default(),
        ))
        .child(Element::leaf(
            "sessiontimestamp",
            "2026-01-01T00:00:00+00:00",
        ));
    let mut out = Element::new("operation").child(authentication);
    for function in functions {
        let controlid = function
            .get_attr("controlid")
            .unwrap_or_default()
            .to_string();
        let result = match function.children.first() {
            Some(call) if controlid.len() <= 256 && function.children.len() == 1 => {
                run(state, &caller, call, &controlid, unique)
            }
            _ => Err(vec![err(
                "XL03000003",
                "a <function> needs a controlid and exactly one call",
            )]),
        };
        let name = function.children.first().map_or("", |c| c.name.as_str());
        let base = Element::new("result");
        out = out.child(match result {
            Ok(data) => base
                .child(Element::leaf("status", "success"))
                .child(Element::leaf("function", name))
                .child(Element::leaf("controlid", &controlid))
                .child(data),
            Err(errors) => base
                .child(Element::leaf("status", "failure"))
                .child(Element::leaf("function", name))
                .child(Element::leaf("controlid", &controlid))
                .child(error_message(&errors)),
        });
    }
    let root = Element::new("response")
        .child(control_block(Some(control), true))
        .child(out);
    xml_response(StatusCode::OK, root)
}

fn authenticate(state: &State, auth: Option<&Element>, expire: bool) -> Result<Caller, Error> {
    let cfg = &state.config;
    let auth = auth.ok_or_else(|| err("XL03000003", "Missing <authentication>"))?;
    if let Some(login) = auth.find("login") {
        if login.text_of("userid") != Some(cfg.user_id.as_str())
            || login.text_of("companyid") != Some(cfg.company_id.as_str())
            || login.text_of("password") != Some(cfg.user_password.as_str())
        {
            return Err(err(
                SIGN_IN_FAILED_ERRORNO,
                "Sign-in information is incorrect",
            ));
        }
        let entity = login.non_empty("locationid").map(str::to_string);
        if let Some(e) = &entity
            && !state.entity_known(e)
        {
            return Err(err(
                UNKNOWN_ENTITY_ERRORNO,
                format!("Entity {e} does not exist"),
            ));
        }
        return Ok(Caller {
            entity,
            session: String::new(),
        });
    }
    let id = auth.non_empty("sessionid").ok_or_else(|| {
        err(
            "XL03000003",
            "<authentication> needs <login> or <sessionid>",
        )
    })?;
    let mut data = state.data();
    if expire {
        data.sessions.remove(id);
    }
    match data.sessions.get(id) {
        Some(session) if session.expires > Instant::now() => Ok(Caller {
            entity: session.entity.clone(),
            session: id.to_string(),
        }),
        _ => Err(err(
            SESSION_EXPIRED_ERRORNO,
            "Invalid session: the session has expired or does not exist",
        )),
    }
}

fn run(
    state: &State,
    caller: &Caller,
    call: &Element,
    controlid: &str,
    unique: bool,
) -> Result<Element, Vec<Error>> {
    match call.name.as_str() {
        "getAPISession" => {
            let entity = call
                .non_empty("locationid")
                .map(str::to_string)
                .or_else(|| caller.entity.clone());
            if let Some(e) = &entity
                && !state.entity_known(e)
            {
                return Err(vec![err(
                    UNKNOWN_ENTITY_ERRORNO,
                    format!("Entity {e} does not exist"),
                )]);
            }
            let id = state.new_id("fake-session-");
            state.data().sessions.insert(
                id.clone(),
                super::Session {
                    entity: entity.clone(),
                    expires: Instant::now() + state.config.session_ttl,
                },
            );
            Ok(Element::new("data").child(
                Element::new("api")
                    .child(Element::leaf("sessionid", id))
                    .child(Element::leaf(
                        "endpoint",
                        format!("http://{}/ia/xml/xmlgw.phtml", state.addr),
                    ))
                    .child(Element::leaf("locationid", entity.unwrap_or_default())),
            ))
        }
        "create" => create(state, caller, call, controlid, unique),
        "readByQuery" => read_by_query(state, caller, call),
        "readMore" => read_more(state, caller, call),
        other => Err(vec![err(
            "XL03000003",
            format!("Unsupported function {other}"),
        )]),
    }
}
