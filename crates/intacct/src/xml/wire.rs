//! The XML gateway's payloads: building GLBATCH and APBILL creates, reading response
//! statuses and records, and turning `<errormessage>` into the error a caller can act on.

use rust_decimal::Decimal;

use super::super::xmltree::Element;
use super::super::*;

pub(super) fn protocol(message: &str) -> LedgerError {
    LedgerError::Protocol {
        message: message.to_string(),
    }
}

/// Checks the control, authentication and result statuses of a one-function response.
pub(super) fn checked<'a>(
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
pub(super) fn classify(
    errors: Option<&Element>,
    entity: Option<&str>,
    accounts: &[&str],
) -> LedgerError {
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

pub(super) fn line_dimensions(mut e: Element, d: &Dimensions, names: [&str; 6]) -> Element {
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

pub(super) const GLENTRY_DIMS: [&str; 6] = [
    "LOCATION",
    "DEPARTMENT",
    "PROJECTID",
    "CUSTOMERID",
    "VENDORID",
    "CLASSID",
];
pub(super) const BILLITEM_DIMS: [&str; 6] = [
    "LOCATIONID",
    "DEPARTMENTID",
    "PROJECTID",
    "CUSTOMERID",
    "VENDORID",
    "CLASSID",
];

pub(super) fn read_dimensions(row: &Element, names: [&str; 6]) -> Dimensions {
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

pub(super) fn glbatch(entry: &JournalEntry, control_id: &str, state: GlBatchState) -> Element {
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

pub(super) fn apbill(bill: &ApBill, control_id: &str) -> Element {
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

pub(super) fn field<'a>(row: &'a Element, name: &str) -> Result<&'a str, LedgerError> {
    row.text_of(name)
        .ok_or_else(|| protocol(&format!("a record without {name}")))
}

pub(super) fn date(row: &Element, name: &str) -> Result<Date, LedgerError> {
    Date::parse(field(row, name)?).map_err(|e| protocol(&e.to_string()))
}

pub(super) fn decimal(row: &Element, name: &str) -> Result<Decimal, LedgerError> {
    field(row, name)?
        .parse()
        .map_err(|_| protocol(&format!("{name} is not a decimal")))
}

pub(super) fn active(row: &Element) -> bool {
    !row.text_of("STATUS")
        .is_some_and(|s| s.eq_ignore_ascii_case("inactive"))
}

pub(super) fn gl_record(
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

pub(super) fn journal_from_row(
    row: &Element,
    control_id: &str,
) -> Result<Stored<JournalEntry>, LedgerError> {
    let mut lines = Vec::new();
    for e in row
        .find("ENTRIES")
        .map(|e| e.find_all("GLENTRY").collect::<Vec<_>>())
        .unwrap_or_default()
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
    Ok(Stored {
        record_no: field(row, "RECORDNO")?.to_string(),
        control_id: control_id.to_string(),
        value: JournalEntry {
            journal: field(row, "JOURNAL")?.to_string(),
            posting_date: date(row, "BATCH_DATE")?,
            description: field(row, "BATCH_TITLE")?.to_string(),
            lines,
        },
    })
}

pub(super) fn bill_from_row(
    row: &Element,
    control_id: &str,
) -> Result<Stored<ApBill>, LedgerError> {
    let mut lines = Vec::new();
    for e in row
        .find("APBILLITEMS")
        .map(|e| e.find_all("APBILLITEM").collect::<Vec<_>>())
        .unwrap_or_default()
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
    Ok(Stored {
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
    })
}
