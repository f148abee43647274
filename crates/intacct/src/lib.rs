//! Writing to and reading from Sage Intacct. [`Ledger`] is the one seam, with two
//! implementations: [`xml::XmlLedger`] (the XML gateway) and [`rest::RestLedger`] (the REST API
//! with OAuth 2.0). Both post exactly once per proposal (a control id derived from the proposal
//! id, checked by Intacct), retry transient failures with jittered backoff ([`retry`]), respect
//! per-company limits ([`limits`]) and renew expired sessions. [`cache`] keeps the chart of
//! accounts and dimensions; [`sync`] pulls GL history incrementally.
//!
//! Only this module (and the fake server used by tests) knows Intacct's wire formats.

pub mod cache;
pub mod config;
pub mod credentials;
pub mod limits;
pub mod rest;
pub mod retry;
pub mod sync;
pub mod xml;
pub mod xmltree;

use std::future::Future;

use rust_decimal::Decimal;
use sha2::Digest;

pub use config::{ApiKind, GlBatchState, IntacctConfig};
pub use credentials::{Credentials, Secret};
pub use ledgerline_core::history::{Date, HistoryRecord};

/// Error number the fake server sends, and the writer recognises, when a function control id was
/// already used with `uniqueid=true`. UNCONFIRMED: no public source shows Intacct's real code for
/// this rejection; this one is our choice, and the writer also recognises the wording.
pub const DUPLICATE_CONTROL_ID_ERRORNO: &str = "XL03000016";
/// Sent when an entity (LOCATIONENTITY) does not exist or the user may not reach it (our choice).
pub const UNKNOWN_ENTITY_ERRORNO: &str = "XL03000019";
/// Sent when a line names an inactive GL account (our choice).
pub const INACTIVE_ACCOUNT_ERRORNO: &str = "BL01001975";
/// Sent when a session id is unknown or past its timeout (our choice).
pub const SESSION_EXPIRED_ERRORNO: &str = "XL03000007";
/// Sent when the XML gateway's sign-in is refused (documented: XL03000006).
pub const SIGN_IN_FAILED_ERRORNO: &str = "XL03000006";
/// Sent when a readMore `resultId` is unknown, e.g. after its session ended (our choice).
pub const RESULT_ID_UNKNOWN_ERRORNO: &str = "XL03000020";
/// Throttling, on the XML gateway as in the HTTP 429 body (documented: GW-0010).
pub const RATE_LIMITED_ERRORNO: &str = "GW-0010";

/// Why an Intacct call failed. Messages say what to do; none carries a credential.
#[derive(Debug, Clone, thiserror::Error)]
pub enum LedgerError {
    #[error(
        "Intacct refused the credentials ({message}); check the sender id and password, the user id and password or the OAuth client, then run `ledgerline intacct check`"
    )]
    Authentication { message: String },
    #[error(
        "Intacct does not know the entity {entity:?} or the user may not reach it; use an entity id listed under Company > Entities, or none for the top level"
    )]
    UnknownEntity { entity: String },
    #[error(
        "the GL account {account} is inactive in Intacct ({message}); pick an active account or reactivate it"
    )]
    InactiveAccount { account: String, message: String },
    #[error("Intacct rejected the request: {code}: {message}{}; correct it and post again", correction.as_ref().map(|c| format!("; {c}")).unwrap_or_default())]
    Rejected {
        code: String,
        message: String,
        correction: Option<String>,
    },
    /// A failure worth retrying: timeout, dropped connection, 5xx, 429.
    #[error("Intacct is unavailable for now ({reason}); it will be retried")]
    Transient { reason: String },
    #[error(
        "Intacct stayed unavailable after {attempts} attempts (last: {last}); try again later or raise the retry limits"
    )]
    RetriesExhausted { attempts: u32, last: String },
    #[error("the Intacct session expired; a new one will be opened")]
    SessionExpired,
    /// Refused before anything was sent: the entry lacks what a posting needs.
    #[error("the entry cannot be posted: {what}; edit the proposal first")]
    Incomplete { what: String },
    #[error(
        "the control id {control_id} was already used, so the record exists; it will be looked up"
    )]
    DuplicateControlId { control_id: String },
    #[error(
        "Intacct said control id {control_id} was already used but no record carries it; check the company's audit trail before posting again"
    )]
    DuplicateNotFound { control_id: String },
    #[error("the paged read can no longer be continued; it restarts from the last checkpoint")]
    PagingExpired,
    #[error(
        "Intacct answered something ledgerline cannot read ({message}); check the endpoint URL and API kind"
    )]
    Protocol { message: String },
}

impl LedgerError {
    /// Whether trying the same request again may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            LedgerError::Transient { .. } | LedgerError::SessionExpired
        )
    }
}

/// Dimension values on a line. All optional: which are required is the company's setting.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dimensions {
    pub department: Option<String>,
    pub location: Option<String>,
    pub project: Option<String>,
    pub class: Option<String>,
    pub customer: Option<String>,
    pub vendor: Option<String>,
}

/// A journal-entry or bill line. On a journal entry debits are positive and credits negative; on
/// a bill every amount is a positive expense.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryLine {
    pub account: String,
    pub amount: Decimal,
    pub memo: String,
    pub dimensions: Dimensions,
}

/// A journal entry (Intacct GLBATCH).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    /// Journal symbol, e.g. `GJ`.
    pub journal: String,
    pub posting_date: Date,
    pub description: String,
    pub lines: Vec<EntryLine>,
}

/// An AP bill (Intacct APBILL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApBill {
    pub vendor_id: String,
    pub bill_number: String,
    pub description: String,
    pub posting_date: Date,
    pub due_date: Date,
    pub lines: Vec<EntryLine>,
}

/// What a posting produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posted {
    /// Intacct's record key (RECORDNO).
    pub record_no: String,
    pub control_id: String,
    /// True when an earlier attempt had already created the record and it was looked up.
    pub already_posted: bool,
}

/// A record read back from Intacct, with the key and control id it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored<T> {
    pub record_no: String,
    pub control_id: String,
    pub value: T,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub number: String,
    pub title: String,
    pub active: bool,
}

/// The standard dimensions ledgerline reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DimensionKind {
    Department,
    Location,
    Project,
    Class,
}

impl DimensionKind {
    pub const ALL: [DimensionKind; 4] = [
        DimensionKind::Department,
        DimensionKind::Location,
        DimensionKind::Project,
        DimensionKind::Class,
    ];
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DimensionValue {
    pub id: String,
    pub name: String,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vendor {
    pub id: String,
    pub name: String,
    pub active: bool,
}

/// Where an incremental GL-detail read starts: lines after this record number, or modified
/// after this time.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SyncPoint {
    pub last_record_no: u64,
    /// WHENMODIFIED of the newest line seen, as Intacct wrote it (`mm/dd/yyyy HH:MM:SS`).
    pub last_modified: Option<String>,
}

/// One page of GL detail. `next` continues the same read; `None` means the read is complete.
#[derive(Debug, Clone)]
pub struct GlDetailPage {
    pub records: Vec<HistoryRecord>,
    pub next: Option<String>,
    /// Lines still to come after this page, when the API says.
    pub remaining: Option<u64>,
}

/// Who a set of credentials reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub company: String,
    pub entity: Option<String>,
    pub user: String,
}

/// The ledger seam. `entity` picks the entity of a multi-entity company for one call; `None`
/// uses the configured entity (itself `None` for the top level).
pub trait Ledger {
    /// Posts a journal entry once per `proposal_id`, whatever retries happen.
    fn post_journal_entry(
        &self,
        entity: Option<&str>,
        proposal_id: &str,
        entry: &JournalEntry,
    ) -> impl Future<Output = Result<Posted, LedgerError>> + Send;
    /// Posts an AP bill once per `proposal_id`.
    fn post_ap_bill(
        &self,
        entity: Option<&str>,
        proposal_id: &str,
        bill: &ApBill,
    ) -> impl Future<Output = Result<Posted, LedgerError>> + Send;
    fn find_journal_entry(
        &self,
        entity: Option<&str>,
        control_id: &str,
    ) -> impl Future<Output = Result<Option<Stored<JournalEntry>>, LedgerError>> + Send;
    fn find_ap_bill(
        &self,
        entity: Option<&str>,
        control_id: &str,
    ) -> impl Future<Output = Result<Option<Stored<ApBill>>, LedgerError>> + Send;
    fn accounts(
        &self,
        entity: Option<&str>,
    ) -> impl Future<Output = Result<Vec<Account>, LedgerError>> + Send;
    fn dimension_values(
        &self,
        entity: Option<&str>,
        kind: DimensionKind,
    ) -> impl Future<Output = Result<Vec<DimensionValue>, LedgerError>> + Send;
    fn vendors(
        &self,
        entity: Option<&str>,
    ) -> impl Future<Output = Result<Vec<Vendor>, LedgerError>> + Send;
    /// One page of GL detail after `since`; pass the previous page's `next` to continue.
    fn gl_detail(
        &self,
        entity: Option<&str>,
        since: &SyncPoint,
        continuation: Option<&str>,
    ) -> impl Future<Output = Result<GlDetailPage, LedgerError>> + Send;
    /// Signs in and reports who the credentials reach.
    fn identity(
        &self,
        entity: Option<&str>,
    ) -> impl Future<Output = Result<Identity, LedgerError>> + Send;
}

/// The control id a proposal is posted under: stable across retries and restarts, so Intacct
/// can refuse a second execution. Ids that are short and plain are kept readable; others are
/// hashed to stay within Intacct's 256 characters and its allowed characters.
pub fn control_id(proposal_id: &str) -> String {
    let plain = proposal_id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if plain && !proposal_id.is_empty() && proposal_id.len() <= 100 {
        format!("ll-{proposal_id}")
    } else {
        let digest = sha2::Sha256::digest(proposal_id.as_bytes());
        format!("ll-h-{}", hex::encode(&digest[..16]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_ids_are_stable_bounded_and_distinct() {
        assert_eq!(control_id("p-42"), "ll-p-42");
        assert_eq!(control_id("p-42"), control_id("p-42"));
        let long = "x".repeat(500);
        assert!(control_id(&long).len() <= 64);
        assert_ne!(control_id("a b"), control_id("a  b"));
        assert!(control_id("<&>").starts_with("ll-h-"));
    }
}
