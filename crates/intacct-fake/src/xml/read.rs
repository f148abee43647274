//! The fake gateway's reads: `readByQuery` over every object the writer reads, in pages of
//! `pagesize`, and `readMore` continuing a result set within the session that started it.

use super::*;

/// Parses the readByQuery language the writer uses: empty, or clauses `FIELD = 'text'` /
/// `FIELD > value` joined by one kind of `OR`/`AND`.
pub(super) fn parse_query(query: &str) -> Result<(Vec<Condition>, bool), Error> {
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

pub(super) fn listed_rows(list: &[Listed], id: &str, name: &str) -> Vec<Element> {
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

pub(super) fn gl_field(state: &State, index: usize, field: &str) -> Option<String> {
    let l = &state.company.gl_lines[index];
    match field {
        "RECORDNO" => Some(l.record_no.to_string()),
        "WHENMODIFIED" => Some(xml_timestamp(&l.modified)),
        _ => None,
    }
}

pub(super) fn gl_row(state: &State, index: usize) -> Element {
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

pub(super) fn line_element(
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

pub(super) fn posting_row(p: &Posting) -> (String, Element) {
    let (record_no, reference) = (p.record_no, &p.reference);
    match &p.record {
        Record::Journal { state, entry } => {
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
        Record::Bill(bill) => {
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

pub(super) fn read_by_query(
    state: &State,
    caller: &Caller,
    call: &Element,
) -> Result<Element, Vec<Error>> {
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

pub(super) fn emit_page(state: &State, mut set: ResultSet<Row>, id: Option<String>) -> Element {
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

pub(super) fn read_more(
    state: &State,
    caller: &Caller,
    call: &Element,
) -> Result<Element, Vec<Error>> {
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
