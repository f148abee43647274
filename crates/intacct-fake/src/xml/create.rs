//! The fake gateway's `create`: GLBATCH and APBILL payloads checked as Intacct checks them
//! (required fields, dates, balanced lines, existing and active accounts and dimensions) and
//! control-id uniqueness.

use super::*;

pub(super) fn create(
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
    let (reference, record) = match object.name.as_str() {
        "GLBATCH" => {
            let (state_name, entry) = parse_glbatch(state, object).map_err(|mut e| {
                e.push(err("BL01001973", "Could not create GLBatch record!"));
                e
            })?;
            let record = Record::Journal {
                state: state_name,
                entry,
            };
            (object.text_of("REFERENCENO"), record)
        }
        "APBILL" => {
            let bill = parse_apbill(state, object).map_err(|mut e| {
                e.push(err("BL01001973", "Could not create Bill record!"));
                e
            })?;
            (object.text_of("DOCNUMBER"), Record::Bill(bill))
        }
        other => {
            return Err(vec![err(
                "BL01001973",
                format!("Creating {other} is not supported by the fake"),
            )]);
        }
    };
    let reference = reference.unwrap_or_default().to_string();
    tracing::debug!(object = %object.name, %reference, "fake Intacct create");
    let posting = Posting {
        record_no: 0,
        control_id: controlid.to_string(),
        entity: caller.entity.clone(),
        reference,
        record,
    };
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

pub(super) fn date_field(e: &Element, name: &str, errors: &mut Vec<Error>) -> Date {
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

pub(super) fn dims(e: &Element, names: [&str; 6]) -> Dimensions {
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

pub(super) fn parse_glbatch(
    state: &State,
    o: &Element,
) -> Result<(String, JournalEntry), Vec<Error>> {
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
        let amount = state.company.check_line(
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

pub(super) fn parse_apbill(state: &State, o: &Element) -> Result<ApBill, Vec<Error>> {
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
        let amount = state.company.check_line(
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
