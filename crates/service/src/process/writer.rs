//! The Intacct writer: a proposal's entry as an AP bill or a journal entry, posted over the
//! XML or REST API under the control id derived from the proposal, so a retry never posts twice.

use crate::propose::{self, Entry, Kind, Side};
use ledgerline_intacct::rest::RestLedger;
use ledgerline_intacct::xml::XmlLedger;
use ledgerline_intacct::{self as intacct, Ledger, LedgerError, Posted};

/// The Intacct writer the pipeline posts with, over either API, for one company.
#[derive(Clone)]
pub struct Writer {
    company: String,
    ledger: Api,
}

#[derive(Clone)]
enum Api {
    Xml(XmlLedger),
    Rest(RestLedger),
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let api = match self.ledger {
            Api::Xml(_) => "xml",
            Api::Rest(_) => "rest",
        };
        write!(f, "Writer {{ company: {:?}, api: {api} }}", self.company)
    }
}

impl Writer {
    /// A writer for the configured company over the configured API.
    pub fn connect(
        config: intacct::IntacctConfig,
        credentials: intacct::Credentials,
    ) -> Result<Writer, intacct::credentials::CredentialsError> {
        let company = config.company.clone();
        let ledger = match config.api {
            intacct::ApiKind::Xml => Api::Xml(XmlLedger::new(config, credentials)?),
            intacct::ApiKind::Rest => Api::Rest(RestLedger::new(config, credentials)?),
        };
        Ok(Writer { company, ledger })
    }

    pub fn company(&self) -> &str {
        &self.company
    }

    pub(super) async fn post(
        &self,
        entity: Option<&str>,
        proposal_id: &str,
        entry: &Entry,
    ) -> Result<Posted, LedgerError> {
        // Nothing is posted with a made-up date: an entry without one waits for an edit.
        let date = entry.date.ok_or_else(|| LedgerError::Incomplete {
            what: "it has no date".into(),
        })?;
        match entry.kind {
            Kind::ApBill => {
                let bill = to_bill(entry, date);
                match &self.ledger {
                    Api::Xml(l) => l.post_ap_bill(entity, proposal_id, &bill).await,
                    Api::Rest(l) => l.post_ap_bill(entity, proposal_id, &bill).await,
                }
            }
            Kind::JournalEntry => {
                let je = to_journal(entry, date);
                match &self.ledger {
                    Api::Xml(l) => l.post_journal_entry(entity, proposal_id, &je).await,
                    Api::Rest(l) => l.post_journal_entry(entity, proposal_id, &je).await,
                }
            }
        }
    }
}

fn dimensions(c: &propose::Coding) -> intacct::Dimensions {
    intacct::Dimensions {
        department: c.department.clone(),
        location: c.location.clone(),
        project: c.project.clone(),
        class: c.class.clone(),
        customer: c.customer.clone(),
        vendor: c.vendor.clone(),
    }
}

fn to_bill(entry: &Entry, date: intacct::Date) -> intacct::ApBill {
    intacct::ApBill {
        vendor_id: entry.vendor_id.clone(),
        bill_number: entry.number.clone(),
        description: entry.description.clone(),
        posting_date: date,
        due_date: entry.due_date.unwrap_or(date),
        lines: entry
            .lines
            .iter()
            .map(|l| intacct::EntryLine {
                account: l.coding.account.clone(),
                amount: l.amount,
                memo: l.memo.clone(),
                // The bill names the vendor once, on its header.
                dimensions: intacct::Dimensions {
                    vendor: None,
                    ..dimensions(&l.coding)
                },
            })
            .collect(),
    }
}

fn to_journal(entry: &Entry, date: intacct::Date) -> intacct::JournalEntry {
    intacct::JournalEntry {
        journal: entry.journal.clone(),
        posting_date: date,
        description: entry.description.clone(),
        lines: entry
            .lines
            .iter()
            .map(|l| intacct::EntryLine {
                account: l.coding.account.clone(),
                amount: match l.side {
                    Side::Debit => l.amount,
                    Side::Credit => -l.amount,
                },
                memo: l.memo.clone(),
                dimensions: dimensions(&l.coding),
            })
            .collect(),
    }
}
