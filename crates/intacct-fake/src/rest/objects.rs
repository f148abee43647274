//! The fake REST objects: journal entries and bills created (validated as the gateway
//! validates them, unique per idempotency key) and read back by key.

use super::*;

pub(super) fn id_of(v: &Value, path: &[&str]) -> Option<String> {
    path.iter()
        .try_fold(v, |v, k| v.get(k))?
        .as_str()
        .map(str::to_string)
}

pub(super) fn dims(v: &Value) -> Dimensions {
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

pub(super) fn rest_date(v: &Value, key: &str, errors: &mut Vec<(String, String)>) -> Date {
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

pub(super) fn parse_lines(
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
        let amount = state
            .company
            .check_line(&account, amount_text, &d, &mut xml_errors);
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

pub(super) async fn create_journal(
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

pub(super) async fn create_bill(
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

pub(super) fn create(
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
    let record = if journal {
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
        Record::Journal {
            state: state_name,
            entry,
        }
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
        Record::Bill(bill)
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
    let posting = Posting {
        record_no: 0,
        control_id: key.clone(),
        entity,
        reference,
        record,
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

pub(super) async fn read_journal(
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

pub(super) async fn read_bill(
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

pub(super) fn line_json(l: &EntryLine, journal: bool) -> Value {
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

pub(super) fn posting_json(p: &Posting) -> Value {
    let (record_no, reference) = (p.record_no, &p.reference);
    match &p.record {
        Record::Journal { state, entry } => json!({
            "key": record_no.to_string(), "id": record_no.to_string(), "glJournal": {"id": entry.journal},
            "postingDate": entry.posting_date.to_string(), "description": entry.description,
            "referenceNumber": reference, "state": state,
            "lines": entry.lines.iter().map(|l| line_json(l, true)).collect::<Vec<_>>()}),
        Record::Bill(bill) => json!({
            "key": record_no.to_string(), "id": record_no.to_string(), "vendor": {"id": bill.vendor_id},
            "billNumber": bill.bill_number, "referenceNumber": reference, "description": bill.description,
            "postingDate": bill.posting_date.to_string(), "dueDate": bill.due_date.to_string(), "state": "posted",
            "lines": bill.lines.iter().map(|l| line_json(l, false)).collect::<Vec<_>>()}),
    }
}

pub(super) fn read(
    state: &State,
    headers: &HeaderMap,
    key: &str,
    expire: bool,
    journal: bool,
) -> Response {
    let entity = match authorize(state, headers, expire) {
        Ok(e) => e,
        Err(r) => return *r,
    };
    let found = state
        .postings_for(entity.as_deref())
        .into_iter()
        .find(|p| p.record_no.to_string() == key && p.is_journal() == journal);
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
