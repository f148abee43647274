//! Shared set-up of the Intacct tests: a fake on 127.0.0.1:0 and clients configured for it with
//! short timeouts and backoff, so fault tests run in seconds.
#![allow(dead_code)]

use std::time::Duration;

use ledgerline::fake_intacct::{self, FakeConfig, FakeHandle};
use ledgerline::intacct::limits::RateLimits;
use ledgerline::intacct::rest::RestLedger;
use ledgerline::intacct::retry::RetryPolicy;
use ledgerline::intacct::xml::XmlLedger;
use ledgerline::intacct::{
    ApBill, ApiKind, Credentials, Date, Dimensions, EntryLine, IntacctConfig, JournalEntry, Secret,
};
use rust_decimal::Decimal;

pub async fn fake(gl_lines: usize) -> FakeHandle {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    fake_intacct::start(
        listener,
        FakeConfig {
            gl_lines,
            ..FakeConfig::default()
        },
    )
    .unwrap()
}

pub fn config(fake: &FakeHandle, api: ApiKind) -> IntacctConfig {
    let url = match api {
        ApiKind::Xml => fake.xml_url(),
        ApiKind::Rest => fake.rest_url(),
    };
    let mut config = IntacctConfig::new(&fake.config().company_id, api, &url, std::env::temp_dir());
    // Short enough that latency faults cost little, long enough for a loaded CI machine.
    config.timeout = Duration::from_millis(1000);
    config.retry = RetryPolicy {
        max_attempts: 20,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(20),
    };
    config.limits = RateLimits {
        max_concurrent: 8,
        requests_per_second: 0.0,
    };
    config
}

pub fn credentials(fake: &FakeHandle) -> Credentials {
    let c = fake.config();
    Credentials {
        sender_id: Some(c.sender_id.clone()),
        sender_password: Some(Secret::new(&c.sender_password)),
        user_id: Some(c.user_id.clone()),
        user_password: Some(Secret::new(&c.user_password)),
        session_id: None,
        client_id: Some(c.client_id.clone()),
        client_secret: Some(Secret::new(&c.client_secret)),
        refresh_token: None,
    }
}

pub fn xml(fake: &FakeHandle) -> XmlLedger {
    XmlLedger::new(config(fake, ApiKind::Xml), credentials(fake)).unwrap()
}

pub fn rest(fake: &FakeHandle) -> RestLedger {
    RestLedger::new(config(fake, ApiKind::Rest), credentials(fake)).unwrap()
}

pub fn money(text: &str) -> Decimal {
    text.parse().unwrap()
}

pub fn journal(description: &str, amount: &str) -> JournalEntry {
    JournalEntry {
        journal: "GJ".into(),
        posting_date: Date::parse("2024-03-31").unwrap(),
        description: description.into(),
        lines: vec![
            EntryLine {
                account: "6500".into(),
                amount: money(amount),
                memo: format!("{description} (debit)"),
                dimensions: Dimensions {
                    department: Some("ADM".into()),
                    location: Some("US".into()),
                    project: Some("P100".into()),
                    class: Some("RETAIL".into()),
                    ..Dimensions::default()
                },
            },
            EntryLine {
                account: "2080".into(),
                amount: -money(amount),
                memo: format!("{description} (credit)"),
                dimensions: Dimensions {
                    department: Some("ADM".into()),
                    location: Some("US".into()),
                    ..Dimensions::default()
                },
            },
        ],
    }
}

pub fn bill(description: &str) -> ApBill {
    ApBill {
        vendor_id: "V0003".into(),
        bill_number: "INV-2024-0042".into(),
        description: description.into(),
        posting_date: Date::parse("2024-02-21").unwrap(),
        due_date: Date::parse("2024-03-08").unwrap(),
        lines: vec![
            EntryLine {
                account: "6000".into(),
                amount: money("100.12"),
                memo: format!("{description} / paper"),
                dimensions: Dimensions {
                    location: Some("NY".into()),
                    department: Some("OPS".into()),
                    vendor: Some("V0003".into()),
                    customer: Some("C001".into()),
                    ..Dimensions::default()
                },
            },
            EntryLine {
                account: "6100".into(),
                amount: money("0.01"),
                memo: "rounding".into(),
                dimensions: Dimensions::default(),
            },
        ],
    }
}
