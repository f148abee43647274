//! The fake REST query service: `$eq`/`$gt` filters joined by `and` or `or`, 1-based `start`
//! and `size` paging with `ia::meta.next`, rows keyed by the dotted field names asked for.

use super::*;
use objects::posting_json;

pub(super) async fn query(
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

pub(super) fn listed_rows(list: &[Listed]) -> Vec<Map<String, Value>> {
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

pub(super) fn gl_row(state: &State, index: usize) -> Map<String, Value> {
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

pub(super) fn run_query(
    state: &State,
    headers: &HeaderMap,
    body: &Value,
    expire: bool,
) -> Response {
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
            .filter(|p| p.is_journal() == (object == "general-ledger/journal-entry"))
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

pub(super) fn page(
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
