//! The nouns of a proposal, shared by the stages that make and judge it: the entry (lines,
//! codings, precedents), its issues, its routing, and the proposal record with its state.
//! `propose` builds them, `validate` finds issues, `route` decides; none imports another.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use ledgerline_core::company::Field;
use ledgerline_core::history::Date;
use ledgerline_extract::Extraction;

/// What a proposal books.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    JournalEntry,
    ApBill,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Debit,
    Credit,
}

/// The account and dimensions of one line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coding {
    pub account: String,
    pub department: Option<String>,
    pub location: Option<String>,
    pub project: Option<String>,
    pub class: Option<String>,
    pub vendor: Option<String>,
    pub customer: Option<String>,
}

impl Coding {
    /// A coded field by its name ("account", "department", ..., "vendor", "customer").
    pub fn value(&self, field: &str) -> Option<&str> {
        match field {
            "account" => Some(self.account.as_str()).filter(|a| !a.is_empty()),
            "department" => self.department.as_deref(),
            "location" => self.location.as_deref(),
            "project" => self.project.as_deref(),
            "class" => self.class.as_deref(),
            "vendor" => self.vendor.as_deref(),
            "customer" => self.customer.as_deref(),
            _ => None,
        }
    }

    pub fn dimension(&self, field: Field) -> Option<&str> {
        self.value(field.name())
    }

    pub(crate) fn set(&mut self, field: Field, value: Option<String>) {
        match field {
            Field::Account => self.account = value.unwrap_or_default(),
            Field::Department => self.department = value,
            Field::Location => self.location = value,
            Field::Project => self.project = value,
            Field::Class => self.class = value,
        }
    }
}

/// A historical line behind a coding: what a reviewer checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Precedent {
    pub source_id: String,
    pub memo: String,
    pub date: Date,
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    pub similarity: f32,
    pub coding: Coding,
}

/// One line of a bill or journal entry. `amount` is positive; `side` says which way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    pub line_no: u32,
    pub coding: Coding,
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    pub side: Side,
    pub memo: String,
    /// Calibrated confidence per coded field; empty on lines a rule coded or a person wrote.
    pub confidences: BTreeMap<String, f32>,
    pub precedents: Vec<Precedent>,
}

/// A proposed journal entry or AP bill.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub kind: Kind,
    /// Journal symbol (journal entries).
    pub journal: String,
    /// The Intacct vendor id (bills).
    pub vendor_id: String,
    /// Bill number or journal reference.
    pub number: String,
    pub date: Option<Date>,
    pub due_date: Option<Date>,
    pub po_number: String,
    pub payment_terms: String,
    pub description: String,
    pub currency: String,
    /// The document's total, to check the lines against.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub total: Option<Decimal>,
    /// Booked from a bank statement.
    #[serde(default)]
    pub statement: bool,
    pub lines: Vec<Line>,
}

impl Entry {
    pub fn debits(&self) -> Decimal {
        self.side_total(Side::Debit)
    }

    pub fn credits(&self) -> Decimal {
        self.side_total(Side::Credit)
    }

    fn side_total(&self, side: Side) -> Decimal {
        self.lines
            .iter()
            .filter(|l| l.side == side)
            .map(|l| l.amount)
            .sum()
    }

    /// The signed sum of a bill's lines (credits reduce it).
    pub fn bill_amount(&self) -> Decimal {
        self.debits() - self.credits()
    }
}

/// Where a proposal is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Validated and routed, neither stored nor posted (dry runs).
    Proposed,
    Pending,
    Approved,
    Edited,
    Rejected,
    Posted,
    Failed,
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::Proposed => "proposed",
            State::Pending => "pending",
            State::Approved => "approved",
            State::Edited => "edited",
            State::Rejected => "rejected",
            State::Posted => "posted",
            State::Failed => "failed",
        }
    }

    pub fn parse(name: &str) -> Option<State> {
        [
            State::Proposed,
            State::Pending,
            State::Approved,
            State::Edited,
            State::Rejected,
            State::Posted,
            State::Failed,
        ]
        .into_iter()
        .find(|s| s.name() == name)
    }

    /// Approved or edited but not yet posted: a posting is due (or was interrupted).
    pub fn awaits_posting(self) -> bool {
        matches!(self, State::Approved | State::Edited)
    }
}

/// What posting to Intacct produced.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Posting {
    pub record_no: String,
    pub control_id: String,
    pub posted_at: String,
    pub error: String,
}

/// A proposal and its history so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    pub id: String,
    /// Hex SHA-256 of the document's bytes.
    pub document_id: String,
    pub external_id: String,
    pub company: String,
    pub entity: Option<String>,
    pub entry: Entry,
    pub state: State,
    pub routing: Routing,
    pub issues: Vec<Issue>,
    pub extraction: Option<Extraction>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub posting: Option<Posting>,
    pub actor: String,
}

/// The proposal id for a document of a company: the same document always gets the same id, so
/// its Intacct control id is stable too.
pub fn proposal_id(company: &str, document_id: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("{company}\n{document_id}").as_bytes());
    format!("p-{}", &hex::encode(digest)[..24])
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueKind {
    Unbalanced,
    UnknownAccount,
    InactiveAccount,
    UnknownDimension,
    InactiveDimension,
    MissingDimension,
    PeriodClosed,
    Duplicate,
    UnusualAmount,
    Intercompany,
    Malformed,
    /// An e-invoice's data breaks its own arithmetic, or its printed page says otherwise.
    DocumentMismatch,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth a look; does not block posting by itself (routing still sends it to a person).
    Warning,
    /// Blocks posting.
    Error,
}

/// A correction for an issue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fix {
    pub field: String,
    pub value: String,
    pub confidence: f32,
    pub explanation: String,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Issue {
    pub kind: IssueKind,
    pub severity: Severity,
    /// Zero-based line index; -1 for the whole entry.
    pub line_index: i32,
    pub field: String,
    pub message: String,
    pub fixes: Vec<Fix>,
}

impl Issue {
    pub(crate) fn new(
        kind: IssueKind,
        severity: Severity,
        line: i32,
        field: &str,
        message: String,
    ) -> Issue {
        Issue {
            kind,
            severity,
            line_index: line,
            field: field.to_string(),
            message,
            fixes: Vec::new(),
        }
    }
}

/// Post now or ask a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Post,
    Review,
}

/// The decision and every reason behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Routing {
    pub action: Action,
    pub reasons: Vec<String>,
    pub policy_version: String,
}
