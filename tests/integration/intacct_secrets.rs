//! Credentials never leak: not through Debug, not through a failing login's error, not through
//! anything traced while signing in and posting.

use crate::intacct_support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use intacct_support::*;
use ledgerline::intacct::rest::RestLedger;
use ledgerline::intacct::xml::XmlLedger;
use ledgerline::intacct::{ApiKind, Ledger, Secret};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// A current-thread runtime keeps the fake, the client and the thread-local subscriber together.
#[tokio::test(flavor = "current_thread")]
async fn no_secret_reaches_errors_debug_output_or_logs() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let fake = fake(10).await;
    let good = credentials(&fake);
    let wrong_password = "wrong-user-password-7731";
    let wrong_secret = "wrong-client-secret-9924";

    let mut creds = good.clone();
    creds.user_password = Some(Secret::new(wrong_password));
    let debug = format!("{creds:?}");
    let bad_xml = XmlLedger::new(config(&fake, ApiKind::Xml), creds).unwrap();
    let xml_err = bad_xml.accounts(None).await.unwrap_err();

    let mut creds = good.clone();
    creds.client_secret = Some(Secret::new(wrong_secret));
    let bad_rest = RestLedger::new(config(&fake, ApiKind::Rest), creds).unwrap();
    let rest_err = bad_rest.accounts(None).await.unwrap_err();

    // Successful sessions and postings are traced too.
    xml(&fake)
        .post_journal_entry(None, "traced-xml", &journal("traced", "1.00"))
        .await
        .unwrap();
    rest(&fake)
        .post_journal_entry(None, "traced-rest", &journal("traced", "1.00"))
        .await
        .unwrap();

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("posted to Intacct"),
        "the capture works: {logs}"
    );
    let c = fake.config();
    let secrets = [
        wrong_password,
        wrong_secret,
        c.sender_password.as_str(),
        c.user_password.as_str(),
        c.client_secret.as_str(),
    ];
    let texts = [
        ("debug", debug),
        ("xml error", format!("{xml_err} {xml_err:?}")),
        ("rest error", format!("{rest_err} {rest_err:?}")),
        ("logs", logs),
    ];
    for (what, text) in &texts {
        for secret in secrets {
            assert!(!text.contains(secret), "{what} leaks {secret}: {text}");
        }
        // Session ids and tokens the fake hands out are credentials too.
        assert!(!text.contains("fake-session-"), "{what} leaks a session id");
        assert!(
            !text.contains("fake-access-"),
            "{what} leaks an access token"
        );
    }
}
