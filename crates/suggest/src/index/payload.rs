//! The payload schema both index implementations store, as plain JSON, and point ids.

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::{IndexError, parse_amount};
use ledgerline_core::history::{Date, HistoryRecord};

/// The payload of one point.
pub type Payload = Map<String, Value>;

/// A stable 64-bit id for a line: the first eight bytes of SHA-256 over company and line id, so
/// re-indexing replaces the point and two companies never collide on the same line number.
pub fn point_id(company: &str, line_id: &str) -> u64 {
    let digest = Sha256::new()
        .chain_update(company.as_bytes())
        .chain_update([0u8])
        .chain_update(line_id.as_bytes())
        .finalize();
    u64::from_be_bytes(digest[..8].try_into().expect("eight bytes"))
}

/// The schema: company, entity, account, the dimensions, vendor, customer, amount (decimal
/// string), date (ISO), memo and source id.
pub fn to_payload(r: &HistoryRecord) -> Payload {
    let value = json!({
        "company": r.company,
        "entity": r.entity,
        "account": r.account,
        "department": r.department,
        "location": r.location,
        "project": r.project,
        "class": r.class,
        "vendor": r.vendor_name.clone().or_else(|| r.vendor_id.clone()),
        "customer": r.customer,
        "amount": r.amount.to_string(),
        "date": r.posting_date.to_string(),
        "memo": r.memo,
        "source_id": r.line_id,
    });
    match value {
        Value::Object(map) => map,
        _ => unreachable!("a json! object literal"),
    }
}

pub fn from_payload(p: &Payload) -> Result<HistoryRecord, IndexError> {
    let text = |key: &str| p.get(key).and_then(Value::as_str).map(str::to_string);
    let required = |key: &str| {
        text(key).ok_or_else(|| IndexError::Damaged(format!("the payload has no {key}")))
    };
    let date = required("date")?;
    Ok(HistoryRecord {
        line_id: required("source_id")?,
        company: required("company")?,
        entity: text("entity"),
        posting_date: Date::parse(&date).map_err(|e| IndexError::Damaged(e.to_string()))?,
        amount: parse_amount(&required("amount")?)?,
        memo: text("memo").unwrap_or_default(),
        vendor_id: None,
        vendor_name: text("vendor"),
        account: required("account")?,
        department: text("department"),
        location: text("location"),
        project: text("project"),
        class: text("class"),
        customer: text("customer"),
        modified_at: String::new(),
    })
}
