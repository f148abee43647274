//! The REST API's payloads: JSON bodies of journal entries and bills, records read back,
//! query rows, and the `ia::error` envelopes turned into the error a caller can act on.

use reqwest::StatusCode;
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use super::super::*;

pub(super) fn protocol(message: &str) -> LedgerError {
    LedgerError::Protocol {
        message: message.to_string(),
    }
}

/// The error object of any of the envelopes seen: `ia::result.ia::error`, `ia::error`, `error`.
pub(super) fn error_parts(body: &Value) -> (Vec<String>, String) {
    let error = [
        &body["ia::result"]["ia::error"],
        &body["ia::error"],
        &body["error"],
    ]
    .into_iter()
    .find(|e| e.is_object())
    .cloned()
    .unwrap_or(Value::Null);
    let mut codes = vec![];
    let mut messages = vec![];
    for e in std::iter::once(&error).chain(error["details"].as_array().into_iter().flatten()) {
        if let Some(id) = e["errorId"].as_str() {
            codes.push(id.to_string());
        }
        if let Some(m) = e["message"].as_str() {
            messages.push(m.to_string());
        }
    }
    let message = if messages.is_empty() {
        "no error message".to_string()
    } else {
        messages.join("; ")
    };
    (codes, message)
}

pub(super) fn classify(
    body: &Value,
    status: StatusCode,
    entity: Option<&str>,
    accounts: &[&str],
) -> LedgerError {
    let (codes, message) = error_parts(body);
    if status == StatusCode::CONFLICT || codes.iter().any(|c| c == DUPLICATE_CONTROL_ID_ERRORNO) {
        return LedgerError::DuplicateControlId {
            control_id: String::new(),
        };
    }
    if codes.iter().any(|c| c == UNKNOWN_ENTITY_ERRORNO) {
        return LedgerError::UnknownEntity {
            entity: entity.unwrap_or_default().to_string(),
        };
    }
    if codes.iter().any(|c| c == INACTIVE_ACCOUNT_ERRORNO) {
        let account = accounts
            .iter()
            .find(|a| message.contains(**a))
            .map(|a| a.to_string())
            .unwrap_or_default();
        return LedgerError::InactiveAccount { account, message };
    }
    if status == StatusCode::FORBIDDEN {
        return LedgerError::Authentication { message };
    }
    LedgerError::Rejected {
        code: codes
            .last()
            .cloned()
            .unwrap_or_else(|| format!("HTTP {status}")),
        message,
        correction: None,
    }
}

pub(super) fn dimensions_json(d: &Dimensions) -> Value {
    let mut m = Map::new();
    for (k, v) in [
        ("department", &d.department),
        ("location", &d.location),
        ("project", &d.project),
        ("class", &d.class),
        ("customer", &d.customer),
        ("vendor", &d.vendor),
    ] {
        if let Some(v) = v {
            m.insert(k.to_string(), json!({"id": v}));
        }
    }
    Value::Object(m)
}

pub(super) fn read_dimensions(line: &Value) -> Dimensions {
    let d = |k: &str| line["dimensions"][k]["id"].as_str().map(str::to_string);
    Dimensions {
        department: d("department"),
        location: d("location"),
        project: d("project"),
        class: d("class"),
        customer: d("customer"),
        vendor: d("vendor"),
    }
}

pub(super) fn text(v: &Value, key: &str) -> Result<String, LedgerError> {
    v[key]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| protocol(&format!("a record without {key}")))
}

pub(super) fn rest_date(v: &Value, key: &str) -> Result<Date, LedgerError> {
    Date::parse(&text(v, key)?).map_err(|e| protocol(&e.to_string()))
}

pub(super) fn amount(v: &Value) -> Result<Decimal, LedgerError> {
    text(v, "txnAmount")?
        .parse()
        .map_err(|_| protocol("txnAmount is not a decimal"))
}

pub(super) fn lines(v: &Value, journal: bool) -> Result<Vec<EntryLine>, LedgerError> {
    v["lines"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|l| {
            let a = amount(l)?;
            Ok(EntryLine {
                account: l["glAccount"]["id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                amount: if journal && l["txnType"] == "credit" {
                    -a
                } else {
                    a
                },
                memo: l[if journal { "description" } else { "memo" }]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                dimensions: read_dimensions(l),
            })
        })
        .collect()
}

pub(super) fn listed(rows: &[Map<String, Value>]) -> Vec<(String, String, bool)> {
    rows.iter()
        .map(|r| {
            let s = |k: &str| {
                r.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            (s("id"), s("name"), s("status") != "inactive")
        })
        .collect()
}

pub(super) fn history(
    r: &Map<String, Value>,
    company: &str,
    entity: Option<&str>,
) -> Result<HistoryRecord, LedgerError> {
    let v = Value::Object(r.clone());
    let opt = |k: &str| {
        r.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let a = amount(&v)?;
    Ok(HistoryRecord {
        line_id: text(&v, "key")?,
        company: company.to_string(),
        entity: entity.map(str::to_string),
        posting_date: rest_date(&v, "entryDate")?,
        amount: if v["txnType"] == "credit" { -a } else { a },
        memo: opt("description").unwrap_or_default(),
        vendor_id: opt("dimensions.vendor.id"),
        vendor_name: opt("dimensions.vendor.name"),
        account: text(&v, "glAccount.id")?,
        department: opt("dimensions.department.id"),
        location: opt("dimensions.location.id"),
        project: opt("dimensions.project.id"),
        class: opt("dimensions.class.id"),
        customer: opt("dimensions.customer.id"),
        modified_at: text(&v, "audit.modifiedDateTime")?,
    })
}

pub(super) const GL_FIELDS: [&str; 14] = [
    "key",
    "entryDate",
    "txnType",
    "txnAmount",
    "description",
    "glAccount.id",
    "dimensions.department.id",
    "dimensions.location.id",
    "dimensions.project.id",
    "dimensions.class.id",
    "dimensions.customer.id",
    "dimensions.vendor.id",
    "dimensions.vendor.name",
    "audit.modifiedDateTime",
];

pub(super) fn journal_json(entry: &JournalEntry, control_id: &str, state: GlBatchState) -> Value {
    let lines: Vec<Value> = entry
        .lines
        .iter()
        .map(|l| {
            json!({
                "txnType": if l.amount.is_sign_negative() { "credit" } else { "debit" },
                "txnAmount": l.amount.abs().to_string(),
                "glAccount": {"id": l.account},
                "description": l.memo,
                "dimensions": dimensions_json(&l.dimensions),
            })
        })
        .collect();
    json!({
        "glJournal": {"id": entry.journal},
        "postingDate": entry.posting_date.to_string(),
        "description": entry.description,
        // The reference number carries the control id so a replay can be found again.
        "referenceNumber": control_id,
        "state": state.rest(),
        "lines": lines,
    })
}

pub(super) fn bill_json(bill: &ApBill, control_id: &str) -> Value {
    let lines: Vec<Value> = bill
        .lines
        .iter()
        .map(|l| {
            json!({
                "glAccount": {"id": l.account},
                "txnAmount": l.amount.to_string(),
                "memo": l.memo,
                "dimensions": dimensions_json(&l.dimensions),
            })
        })
        .collect();
    json!({
        "billNumber": bill.bill_number,
        "vendor": {"id": bill.vendor_id},
        "referenceNumber": control_id,
        "description": bill.description,
        "createdDate": bill.posting_date.to_string(),
        "postingDate": bill.posting_date.to_string(),
        "dueDate": bill.due_date.to_string(),
        "lines": lines,
    })
}
