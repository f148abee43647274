//! The fake's XML gateway: `POST /ia/xml/xmlgw.phtml`. Control, authentication and result
//! failures are answered at the level Intacct answers them, with HTTP 200.

use std::sync::Arc;

use axum::extract::State as AxumState;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use rust_decimal::Decimal;
use tokio::time::Instant;

use super::company::{Listed, xml_timestamp};
use super::faults::{Fault, status};
use super::{Condition, Posting, ResultSet, State, passes};
use crate::history::Date;
use crate::intacct::xmltree::Element;
use crate::intacct::{
    ApBill, Dimensions, EntryLine, INACTIVE_ACCOUNT_ERRORNO, JournalEntry, RATE_LIMITED_ERRORNO,
    RESULT_ID_UNKNOWN_ERRORNO, SESSION_EXPIRED_ERRORNO, SIGN_IN_FAILED_ERRORNO,
    UNKNOWN_ENTITY_ERRORNO,
};

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

type Error = (String, String);

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

fn create(
    state: &State,
    caller: &Caller,
    call: &Element,
    controlid: &str,
    unique: bool,
) -> Result<Element, Vec<Error>> {
    let object = call
        .children
        .first()
        .ok_or_else(|| vec![err("XL03000003", "<create> is empty")])?;
    let entity = caller.entity.clone();
    let (reference, posting): (String, Box<dyn FnOnce(u64) -> Posting>) = match object.name.as_str()
    {
        "GLBATCH" => {
            let (state_name, entry) = parse_glbatch(state, object).map_err(|mut e| {
                e.push(err("BL01001973", "Could not create GLBatch record!"));
                e
            })?;
            let reference = object
                .text_of("REFERENCENO")
                .unwrap_or_default()
                .to_string();
            let (r, cid) = (reference.clone(), controlid.to_string());
            (
                reference,
                Box::new(move |record_no| Posting::Journal {
                    record_no,
                    control_id: cid,
                    entity,
                    state: state_name,
                    reference: r,
                    entry,
                }),
            )
        }
        "APBILL" => {
            let bill = parse_apbill(state, object).map_err(|mut e| {
                e.push(err("BL01001973", "Could not create Bill record!"));
                e
            })?;
            let reference = object.text_of("DOCNUMBER").unwrap_or_default().to_string();
            let (r, cid) = (reference.clone(), controlid.to_string());
            (
                reference,
                Box::new(move |record_no| Posting::Bill {
                    record_no,
                    control_id: cid,
                    entity,
                    reference: r,
                    bill,
                }),
            )
        }
        other => {
            return Err(vec![err(
                "BL01001973",
                format!("Creating {other} is not supported by the fake"),
            )]);
        }
    };
    tracing::debug!(object = %object.name, %reference, "fake Intacct create");
    match state.commit(unique, posting) {
        Ok(record_no) => Ok(Element::new("data")
            .attr("listtype", "objects")
            .attr("count", "1")
            .child(
                Element::new(object.name.to_lowercase())
                    .child(Element::leaf("RECORDNO", record_no.to_string())),
            )),
        Err(_) => Err(vec![err(
            &state.config.duplicate_errorno,
            format!("The request with control id {controlid} has already been used and executed"),
        )]),
    }
}

fn date_field(e: &Element, name: &str, errors: &mut Vec<Error>) -> Date {
    match e
        .non_empty(name)
        .map(|t| (t, t.contains('/')))
        .map(|(t, us)| (Date::parse(t), us))
    {
        Some((Ok(d), true)) => d,
        _ => {
            errors.push(err(
                "BL01001973",
                format!("{name} is required as mm/dd/yyyy"),
            ));
            Date {
                year: 1970,
                month: 1,
                day: 1,
            }
        }
    }
}

pub(super) fn check_line(
    state: &State,
    account: &str,
    amount: &str,
    dims: &Dimensions,
    errors: &mut Vec<Error>,
) -> Decimal {
    match state.company.account(account) {
        None => errors.push(err(
            "BL01001973",
            format!("Invalid account {account}: it does not exist"),
        )),
        Some(a) if !a.active => errors.push(err(
            INACTIVE_ACCOUNT_ERRORNO,
            format!("The GL account {account} is inactive and cannot be used"),
        )),
        Some(_) => {}
    }
    if let Some((dim, value)) = state.company.unknown_dimension(dims) {
        errors.push(err(
            "BL01001973",
            format!("Invalid {dim} {value}: it does not exist"),
        ));
    }
    match amount.parse::<Decimal>() {
        Ok(a) if a > Decimal::ZERO && a.scale() <= 2 => a,
        _ => {
            errors.push(err(
                "BL01001973",
                format!("Amount {amount:?} must be a positive decimal with at most 2 places"),
            ));
            Decimal::ZERO
        }
    }
}

fn dims(e: &Element, names: [&str; 6]) -> Dimensions {
    let get = |i: usize| e.non_empty(names[i]).map(str::to_string);
    Dimensions {
        location: get(0),
        department: get(1),
        project: get(2),
        customer: get(3),
        vendor: get(4),
        class: get(5),
    }
}

fn parse_glbatch(state: &State, o: &Element) -> Result<(String, JournalEntry), Vec<Error>> {
    let mut errors = Vec::new();
    let journal = o.non_empty("JOURNAL").unwrap_or_else(|| {
        errors.push(err("BL01001973", "JOURNAL is required"));
        ""
    });
    let title = o.non_empty("BATCH_TITLE").unwrap_or_else(|| {
        errors.push(err("BL01001973", "BATCH_TITLE is required"));
        ""
    });
    let posting_date = date_field(o, "BATCH_DATE", &mut errors);
    let state_name = o.non_empty("STATE").unwrap_or("Posted");
    if !["Draft", "Submitted", "Posted"].contains(&state_name) {
        errors.push(err(
            "BL01001973",
            format!("STATE {state_name} must be Draft, Submitted or Posted"),
        ));
    }
    let entries: Vec<&Element> = o
        .find("ENTRIES")
        .map(|e| e.find_all("GLENTRY").collect())
        .unwrap_or_default();
    if entries.len() < 2 {
        errors.push(err(
            "BL01001973",
            "A journal entry needs at least 2 GLENTRY lines",
        ));
    }
    let mut lines = Vec::new();
    let mut balance = Decimal::ZERO;
    for e in entries {
        let account = e.text_of("ACCOUNTNO").unwrap_or_default();
        let d = dims(
            e,
            [
                "LOCATION",
                "DEPARTMENT",
                "PROJECTID",
                "CUSTOMERID",
                "VENDORID",
                "CLASSID",
            ],
        );
        let amount = check_line(
            state,
            account,
            e.text_of("TRX_AMOUNT").unwrap_or_default(),
            &d,
            &mut errors,
        );
        let signed = match e.text_of("TR_TYPE") {
            Some("1") => amount,
            Some("-1") => -amount,
            _ => {
                errors.push(err(
                    "BL01001973",
                    "TR_TYPE must be 1 (debit) or -1 (credit)",
                ));
                amount
            }
        };
        balance += signed;
        lines.push(EntryLine {
            account: account.to_string(),
            amount: signed,
            memo: e.text_of("DESCRIPTION").unwrap_or(title).to_string(),
            dimensions: d,
        });
    }
    if !balance.is_zero() {
        errors.push(err(
            "BL01001973",
            format!("Transactions do not balance: debits exceed credits by {balance}"),
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let entry = JournalEntry {
        journal: journal.into(),
        posting_date,
        description: title.into(),
        lines,
    };
    Ok((state_name.to_string(), entry))
}

fn parse_apbill(state: &State, o: &Element) -> Result<ApBill, Vec<Error>> {
    let mut errors = Vec::new();
    let vendor = o.non_empty("VENDORID").unwrap_or_default();
    if !state
        .company
        .vendors
        .iter()
        .any(|v| v.id == vendor && v.active)
    {
        errors.push(err(
            "BL01001973",
            format!("Vendor {vendor:?} does not exist or is inactive"),
        ));
    }
    let created = date_field(o, "WHENCREATED", &mut errors);
    let posted = if o.non_empty("WHENPOSTED").is_some() {
        date_field(o, "WHENPOSTED", &mut errors)
    } else {
        created
    };
    let due = date_field(o, "WHENDUE", &mut errors);
    let items: Vec<&Element> = o
        .find("APBILLITEMS")
        .map(|e| e.find_all("APBILLITEM").collect())
        .unwrap_or_default();
    if items.is_empty() {
        errors.push(err("BL01001973", "A bill needs at least one APBILLITEM"));
    }
    let mut lines = Vec::new();
    for e in items {
        let account = e.text_of("ACCOUNTNO").unwrap_or_default();
        let d = dims(
            e,
            [
                "LOCATIONID",
                "DEPARTMENTID",
                "PROJECTID",
                "CUSTOMERID",
                "VENDORID",
                "CLASSID",
            ],
        );
        let amount = check_line(
            state,
            account,
            e.text_of("TRX_AMOUNT").unwrap_or_default(),
            &d,
            &mut errors,
        );
        lines.push(EntryLine {
            account: account.into(),
            amount,
            memo: e.text_of("ENTRYDESCRIPTION").unwrap_or_default().into(),
            dimensions: d,
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ApBill {
        vendor_id: vendor.into(),
        bill_number: o.text_of("RECORDID").unwrap_or_default().into(),
        description: o.text_of("DESCRIPTION").unwrap_or_default().into(),
        posting_date: posted,
        due_date: due,
        lines,
    })
}

/// Parses the readByQuery language the writer uses: empty, or clauses `FIELD = 'text'` /
/// `FIELD > value` joined by one kind of `OR`/`AND`.
fn parse_query(query: &str) -> Result<(Vec<Condition>, bool), Error> {
    let query = query.trim();
    if query.is_empty() {
        return Ok((Vec::new(), false));
    }
    let any = query.contains(" OR ");
    let clauses: Vec<&str> = if any {
        query.split(" OR ").collect()
    } else {
        query.split(" AND ").collect()
    };
    let bad = || err("Query Failed", format!("Invalid query: {query}"));
    let mut out = Vec::new();
    for clause in clauses {
        let (field, op, value) = ["=", ">"]
            .iter()
            .find_map(|op| {
                clause
                    .split_once(&format!(" {op} "))
                    .map(|(f, v)| (f, *op, v))
            })
            .ok_or_else(bad)?;
        let value = value.trim();
        let value = match value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
            Some(quoted) => quoted.replace("\\'", "'"),
            None if value.parse::<u64>().is_ok() => value.to_string(),
            None => return Err(bad()),
        };
        out.push(Condition {
            field: field.trim().to_string(),
            greater: op == ">",
            value,
        });
    }
    Ok((out, any))
}

fn listed_rows(list: &[Listed], id: &str, name: &str) -> Vec<Element> {
    list.iter()
        .enumerate()
        .map(|(i, l)| {
            Element::new("row")
                .child(Element::leaf("RECORDNO", (i + 1).to_string()))
                .child(Element::leaf(id, &l.id))
                .child(Element::leaf(name, &l.name))
                .child(Element::leaf(
                    "STATUS",
                    if l.active { "active" } else { "inactive" },
                ))
        })
        .collect()
}

fn gl_field(state: &State, index: usize, field: &str) -> Option<String> {
    let l = &state.company.gl_lines[index];
    match field {
        "RECORDNO" => Some(l.record_no.to_string()),
        "WHENMODIFIED" => Some(xml_timestamp(&l.modified)),
        _ => None,
    }
}

fn gl_row(state: &State, index: usize) -> Element {
    let l = &state.company.gl_lines[index];
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    Element::new("gldetail")
        .child(Element::leaf("RECORDNO", l.record_no.to_string()))
        .child(Element::leaf("ENTRY_DATE", l.entry_date.us()))
        .child(Element::leaf("TR_TYPE", l.tr_type.to_string()))
        .child(Element::leaf("TRX_AMOUNT", l.amount.to_string()))
        .child(Element::leaf("DESCRIPTION", &l.description))
        .child(Element::leaf("ACCOUNTNO", &l.account))
        .child(Element::leaf("DEPARTMENTID", opt(&l.department)))
        .child(Element::leaf("LOCATIONID", opt(&l.location)))
        .child(Element::leaf("PROJECTID", opt(&l.project)))
        .child(Element::leaf("CLASSID", opt(&l.class)))
        .child(Element::leaf("CUSTOMERID", opt(&l.customer)))
        .child(Element::leaf(
            "VENDORID",
            l.vendor.as_ref().map(|v| v.0.clone()).unwrap_or_default(),
        ))
        .child(Element::leaf(
            "VENDORNAME",
            l.vendor.as_ref().map(|v| v.1.clone()).unwrap_or_default(),
        ))
        .child(Element::leaf("WHENMODIFIED", xml_timestamp(&l.modified)))
}

fn line_element(
    name: &str,
    line: &EntryLine,
    names: [&str; 6],
    amount: String,
    extra: Vec<Element>,
    memo: &str,
) -> Element {
    let d = &line.dimensions;
    let values = [
        &d.location,
        &d.department,
        &d.project,
        &d.customer,
        &d.vendor,
        &d.class,
    ];
    let mut e = Element::new(name)
        .child(Element::leaf("ACCOUNTNO", &line.account))
        .child(Element::leaf(memo, &line.memo));
    e.children.push(Element::leaf("TRX_AMOUNT", amount));
    e.children.extend(extra);
    for (n, v) in names.iter().zip(values) {
        e = e.opt_leaf(n, v.as_deref());
    }
    e
}

fn posting_row(p: &Posting) -> (String, Element) {
    match p {
        Posting::Journal {
            record_no,
            state,
            reference,
            entry,
            ..
        } => {
            let entries = entry.lines.iter().fold(Element::new("ENTRIES"), |es, l| {
                let tr = if l.amount.is_sign_negative() {
                    "-1"
                } else {
                    "1"
                };
                es.child(line_element(
                    "GLENTRY",
                    l,
                    [
                        "LOCATION",
                        "DEPARTMENT",
                        "PROJECTID",
                        "CUSTOMERID",
                        "VENDORID",
                        "CLASSID",
                    ],
                    l.amount.abs().to_string(),
                    vec![Element::leaf("TR_TYPE", tr)],
                    "DESCRIPTION",
                ))
            });
            (
                "GLBATCH".into(),
                Element::new("glbatch")
                    .child(Element::leaf("RECORDNO", record_no.to_string()))
                    .child(Element::leaf("JOURNAL", &entry.journal))
                    .child(Element::leaf("BATCH_DATE", entry.posting_date.us()))
                    .child(Element::leaf("BATCH_TITLE", &entry.description))
                    .child(Element::leaf("REFERENCENO", reference))
                    .child(Element::leaf("STATE", state))
                    .child(entries),
            )
        }
        Posting::Bill {
            record_no,
            reference,
            bill,
            ..
        } => {
            let items = bill
                .lines
                .iter()
                .fold(Element::new("APBILLITEMS"), |es, l| {
                    es.child(line_element(
                        "APBILLITEM",
                        l,
                        [
                            "LOCATIONID",
                            "DEPARTMENTID",
                            "PROJECTID",
                            "CUSTOMERID",
                            "VENDORID",
                            "CLASSID",
                        ],
                        l.amount.to_string(),
                        vec![],
                        "ENTRYDESCRIPTION",
                    ))
                });
            (
                "APBILL".into(),
                Element::new("apbill")
                    .child(Element::leaf("RECORDNO", record_no.to_string()))
                    .child(Element::leaf("VENDORID", &bill.vendor_id))
                    .child(Element::leaf("RECORDID", &bill.bill_number))
                    .child(Element::leaf("DOCNUMBER", reference))
                    .child(Element::leaf("DESCRIPTION", &bill.description))
                    .child(Element::leaf("WHENPOSTED", bill.posting_date.us()))
                    .child(Element::leaf("WHENDUE", bill.due_date.us()))
                    .child(items),
            )
        }
    }
}

fn read_by_query(state: &State, caller: &Caller, call: &Element) -> Result<Element, Vec<Error>> {
    let object = call.non_empty("object").unwrap_or_default().to_string();
    let page_size: usize = match call.non_empty("pagesize").map(str::parse) {
        None => 100,
        Some(Ok(n)) if (1..=1000).contains(&n) => n,
        _ => {
            return Err(vec![err(
                "XL03000003",
                "pagesize must be between 1 and 1000",
            )]);
        }
    };
    if call.find("query").is_none() {
        return Err(vec![err(
            "XL03000003",
            "readByQuery requires <query> (it may be empty)",
        )]);
    }
    let (conditions, any) =
        parse_query(call.text_of("query").unwrap_or_default()).map_err(|e| vec![e])?;
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
    let company = &state.company;
    let ready = |rows: Vec<Element>, name: &str| -> Vec<Row> {
        rows.into_iter()
            .map(|mut r| {
                r.name = name.to_string();
                r
            })
            .filter(|r| keep(&|f| r.text_of(f).map(str::to_string)))
            .map(Row::Ready)
            .collect()
    };
    let rows: Vec<Row> = match object.as_str() {
        "GLACCOUNT" => ready(
            listed_rows(&company.accounts, "ACCOUNTNO", "TITLE"),
            "glaccount",
        ),
        "DEPARTMENT" => ready(
            listed_rows(&company.departments, "DEPARTMENTID", "TITLE"),
            "department",
        ),
        "LOCATION" => ready(
            listed_rows(&company.locations, "LOCATIONID", "NAME"),
            "location",
        ),
        "PROJECT" => ready(
            listed_rows(&company.projects, "PROJECTID", "NAME"),
            "project",
        ),
        "CLASS" => ready(listed_rows(&company.classes, "CLASSID", "NAME"), "class"),
        "VENDOR" => ready(listed_rows(&company.vendors, "VENDORID", "NAME"), "vendor"),
        "GLDETAIL" => (0..company.gl_lines.len())
            .filter(|i| keep(&|f| gl_field(state, *i, f)))
            .map(Row::Gl)
            .collect(),
        "GLBATCH" | "APBILL" => {
            let rows = state
                .postings_for(caller.entity.as_deref())
                .iter()
                .map(posting_row)
                .filter(|(o, _)| *o == object)
                .map(|(_, r)| r)
                .collect();
            ready(rows, &object.to_lowercase())
        }
        other => {
            return Err(vec![err(
                "Query Failed",
                format!("Object definition {other} not found"),
            )]);
        }
    };
    let total = rows.len();
    let set = ResultSet {
        session: caller.session.clone(),
        rows,
        list_type: object.to_lowercase(),
        total,
        page_size,
    };
    Ok(emit_page(state, set, None))
}

fn emit_page(state: &State, mut set: ResultSet<Row>, id: Option<String>) -> Element {
    let rest = set.rows.split_off(set.page_size.min(set.rows.len()));
    let page = std::mem::replace(&mut set.rows, rest);
    let remaining = set.rows.len();
    let id = id.unwrap_or_else(|| state.new_id("fake-result-"));
    let mut data = Element::new("data")
        .attr("listtype", &set.list_type)
        .attr("count", page.len().to_string())
        .attr("totalcount", set.total.to_string())
        .attr("numremaining", remaining.to_string())
        .attr(
            "resultId",
            if remaining > 0 {
                id.clone()
            } else {
                String::new()
            },
        );
    for row in page {
        data.children.push(match row {
            Row::Gl(i) => gl_row(state, i),
            Row::Ready(e) => e,
        });
    }
    if remaining > 0 {
        state.data().result_sets.insert(id, set);
    }
    data
}

fn read_more(state: &State, caller: &Caller, call: &Element) -> Result<Element, Vec<Error>> {
    let id = call.non_empty("resultId").unwrap_or_default().to_string();
    let set = {
        let mut data = state.data();
        match data.result_sets.get(&id) {
            // A result set belongs to the session that started it.
            Some(set) if set.session == caller.session => data.result_sets.remove(&id),
            _ => None,
        }
    };
    let set = set.ok_or_else(|| {
        vec![err(
            RESULT_ID_UNKNOWN_ERRORNO,
            format!("resultId {id} is not valid for this session; run the query again"),
        )]
    })?;
    Ok(emit_page(state, set, Some(id)))
}
