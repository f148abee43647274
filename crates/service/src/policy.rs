//! A company's routing policy (`<data_dir>/companies/<company>/policy.toml`, defaults when
//! absent): minimum confidence per coded field, an amount above which a person always looks,
//! accounts that always need a person, and the accounts the proposals themselves use (bank,
//! payables, tax).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use ledgerline_core::company::Chart;
use ledgerline_core::history::Date;

/// Why a policy could not be used.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("cannot read the routing policy {path}: {source}; check its permissions")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the routing policy {path} is invalid: {message}; fix it (see README, Routing policy)")]
    Parse { path: PathBuf, message: String },
    #[error(transparent)]
    Company(#[from] ledgerline_core::company::CompanyError),
}

/// A company's routing policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Recorded with every decision, so a reviewer knows which rules applied.
    pub version: String,
    /// Lowest calibrated confidence per field ("account", "department", ...) for posting
    /// without review; a field not named uses `default_min_confidence`.
    pub min_confidence: BTreeMap<String, f32>,
    pub default_min_confidence: f32,
    /// Documents whose total is above this always wait for a person.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub review_above: Option<Decimal>,
    /// Accounts that always need a person (equity, intercompany, suspense, ...).
    pub always_review_accounts: Vec<String>,
    /// Accounts that cross entities; lines on them are flagged.
    pub intercompany_accounts: Vec<String>,
    /// Credit notes reverse a payable: a person books them.
    pub credit_notes_need_review: bool,
    /// Bank statements are reconciled by a person.
    pub statements_need_review: bool,
    /// Periods up to and including this date are closed.
    pub closed_through: Option<Date>,
    /// Same vendor and same amount within this many days is a probable duplicate.
    pub duplicate_window_days: u32,
    /// Robust z-score above which an amount is unusual for its account and vendor.
    pub unusual_amount_z: f64,
    /// The bank account statement lines are booked against.
    pub bank_account: String,
    /// The payables account credit notes reverse.
    pub ap_account: String,
    /// Where invoice tax goes; without one, tax stays inside the expense lines' total check.
    pub tax_account: Option<String>,
    /// The journal symbol of journal entries.
    pub journal: String,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            version: "default-1".into(),
            min_confidence: BTreeMap::from([("account".to_string(), 0.9)]),
            default_min_confidence: 0.8,
            review_above: Some(Decimal::new(10_000_000, 2)),
            always_review_accounts: Vec::new(),
            intercompany_accounts: Vec::new(),
            credit_notes_need_review: true,
            statements_need_review: true,
            closed_through: None,
            duplicate_window_days: 7,
            unusual_amount_z: 3.5,
            bank_account: "1010".into(),
            ap_account: "2000".into(),
            tax_account: None,
            journal: "GJ".into(),
        }
    }
}

impl Policy {
    /// `<data_dir>/companies/<company>/policy.toml`.
    pub fn path(data_dir: &Path, company: &str) -> Result<PathBuf, PolicyError> {
        Ok(Chart::path(data_dir, company)?.with_file_name("policy.toml"))
    }

    /// The company's policy, or the defaults when it has none.
    pub fn load(data_dir: &Path, company: &str) -> Result<Policy, PolicyError> {
        let path = Policy::path(data_dir, company)?;
        if !path.exists() {
            return Ok(Policy::default());
        }
        Policy::read(&path)
    }

    pub fn read(path: &Path) -> Result<Policy, PolicyError> {
        let text = std::fs::read_to_string(path).map_err(|source| PolicyError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| PolicyError::Parse {
            path: path.to_path_buf(),
            message: e.message().to_string(),
        })
    }

    pub fn min_confidence(&self, field: &str) -> f32 {
        self.min_confidence
            .get(field)
            .copied()
            .unwrap_or(self.default_min_confidence)
    }
}
