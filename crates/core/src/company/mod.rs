//! What suggestion knows about a company besides its history: the chart of accounts (which
//! accounts are active, which dimensions each requires), the dimension values and whether they
//! are active, and each vendor's default account. Kept as `chart.json` per company under the
//! data directory; [`generate`] builds the synthetic company the evaluation and tests use.

pub mod generate;

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::history::HistoryRecord;

/// Why a company's files could not be used.
#[derive(Debug, thiserror::Error)]
pub enum CompanyError {
    #[error("cannot use {path}: {source}; check the path and its permissions")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} line {line} is not valid: {message}; regenerate the file")]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{0:?} is not a safe company id; use letters, digits, '-' and '_' only")]
    BadId(String),
}

/// The coding fields suggestions are made for, in the order they are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    Account,
    Department,
    Location,
    Project,
    Class,
}

impl Field {
    pub const ALL: [Field; 5] = [
        Field::Account,
        Field::Department,
        Field::Location,
        Field::Project,
        Field::Class,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Field::Account => "account",
            Field::Department => "department",
            Field::Location => "location",
            Field::Project => "project",
            Field::Class => "class",
        }
    }

    /// The record's value for this field; `None` means "left empty".
    pub fn of(self, r: &HistoryRecord) -> Option<&str> {
        match self {
            Field::Account => Some(r.account.as_str()),
            Field::Department => r.department.as_deref(),
            Field::Location => r.location.as_deref(),
            Field::Project => r.project.as_deref(),
            Field::Class => r.class.as_deref(),
        }
    }
}

/// An account, dimension value, entity or vendor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listed {
    pub id: String,
    pub name: String,
    pub active: bool,
}

/// A GL account and the dimensions a line posted to it must carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    pub name: String,
    pub active: bool,
    #[serde(default)]
    pub requires: Vec<Field>,
}

/// The rules of one company.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chart {
    pub company: String,
    pub entities: Vec<Listed>,
    pub accounts: Vec<Account>,
    pub departments: Vec<Listed>,
    pub locations: Vec<Listed>,
    pub projects: Vec<Listed>,
    pub classes: Vec<Listed>,
    pub vendors: Vec<Listed>,
    /// Vendor name -> its default GL account.
    pub vendor_defaults: BTreeMap<String, String>,
}

impl Chart {
    /// The values of a dimension, or the accounts.
    pub fn values(&self, field: Field) -> Vec<&Listed> {
        match field {
            Field::Account => Vec::new(),
            Field::Department => self.departments.iter().collect(),
            Field::Location => self.locations.iter().collect(),
            Field::Project => self.projects.iter().collect(),
            Field::Class => self.classes.iter().collect(),
        }
    }

    /// Whether `value` may be suggested for `field`: known to the chart and active. A chart
    /// that lists no values for a dimension (history imported without one) allows any value.
    pub fn allows(&self, field: Field, value: &str) -> bool {
        match field {
            Field::Account => match self.accounts.iter().find(|a| a.id == value) {
                Some(a) => a.active,
                None => self.accounts.is_empty(),
            },
            _ => {
                let values = self.values(field);
                values.is_empty() || values.iter().any(|l| l.id == value && l.active)
            }
        }
    }

    /// The display name of a value.
    pub fn label(&self, field: Field, value: &str) -> String {
        let name = match field {
            Field::Account => self
                .accounts
                .iter()
                .find(|a| a.id == value)
                .map(|a| a.name.clone()),
            _ => self
                .values(field)
                .into_iter()
                .find(|l| l.id == value)
                .map(|l| l.name.clone()),
        };
        name.unwrap_or_default()
    }

    pub fn requires(&self, account: &str, field: Field) -> bool {
        self.accounts
            .iter()
            .any(|a| a.id == account && a.requires.contains(&field))
    }

    /// A chart learnt from history alone: every account seen is active, and a vendor whose
    /// lines went to one account at least 90% of the time (five lines or more) defaults to it.
    pub fn from_history(company: &str, records: &[HistoryRecord]) -> Chart {
        let mut accounts: BTreeMap<&str, ()> = BTreeMap::new();
        let mut by_vendor: HashMap<&str, HashMap<&str, usize>> = HashMap::new();
        for r in records {
            accounts.insert(&r.account, ());
            if let Some(v) = r.vendor_name.as_deref() {
                *by_vendor
                    .entry(v)
                    .or_default()
                    .entry(&r.account)
                    .or_default() += 1;
            }
        }
        let mut chart = Chart {
            company: company.to_string(),
            accounts: accounts
                .keys()
                .map(|id| Account {
                    id: id.to_string(),
                    name: String::new(),
                    active: true,
                    requires: Vec::new(),
                })
                .collect(),
            ..Chart::default()
        };
        chart.vendor_defaults = vendor_defaults(&by_vendor);
        chart
    }

    /// `<data_dir>/companies/<company>/chart.json`.
    pub fn path(data_dir: &Path, company: &str) -> Result<PathBuf, CompanyError> {
        let safe = !company.is_empty()
            && company
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !safe {
            return Err(CompanyError::BadId(company.to_string()));
        }
        Ok(data_dir.join("companies").join(company).join("chart.json"))
    }

    pub fn load(path: &Path) -> Result<Chart, CompanyError> {
        load_json(path)?.ok_or_else(|| CompanyError::Io {
            path: path.to_path_buf(),
            source: std::io::ErrorKind::NotFound.into(),
        })
    }

    pub fn save(&self, path: &Path) -> Result<(), CompanyError> {
        save_json(path, self)
    }
}

/// Reads one of a company's JSON files (chart, ranker, calibration); `None` when it is absent.
pub fn load_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>, CompanyError> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| CompanyError::Parse {
                path: path.to_path_buf(),
                line: e.line(),
                message: e.to_string(),
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(CompanyError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Writes one of a company's JSON files, creating its folder.
pub fn save_json<T: Serialize>(path: &Path, value: &T) -> Result<(), CompanyError> {
    let io = |source| CompanyError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let text = serde_json::to_string_pretty(value).expect("company files serialise");
    // Written aside and renamed: a reader (a suggestion loading the ranker while a refit saves
    // it) sees the old file or the new one, never half of one.
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let aside = path.with_extension(format!("{}-{n}.partial", std::process::id()));
    std::fs::write(&aside, text).map_err(io)?;
    std::fs::rename(&aside, path).map_err(io)
}

fn vendor_defaults(by_vendor: &HashMap<&str, HashMap<&str, usize>>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (vendor, counts) in by_vendor {
        let total: usize = counts.values().sum();
        if let Some((account, n)) = counts
            .iter()
            .max_by_key(|(a, n)| (**n, std::cmp::Reverse(**a)))
            && total >= 5
            && *n * 10 >= total * 9
        {
            out.insert(vendor.to_string(), account.to_string());
        }
    }
    out
}

/// Opens a file, gunzipping it when its name ends in `.gz`.
pub fn open_maybe_gz(path: &Path) -> Result<Box<dyn BufRead>, CompanyError> {
    let file = std::fs::File::open(path).map_err(|source| CompanyError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let reader: Box<dyn Read> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::read::GzDecoder::new(file))
    } else {
        Box::new(file)
    };
    Ok(Box::new(BufReader::new(reader)))
}

/// Reads a JSON-lines file of [`HistoryRecord`]s (gzipped or not).
pub fn read_history(path: &Path) -> Result<Vec<HistoryRecord>, CompanyError> {
    let mut out = Vec::new();
    for (n, line) in open_maybe_gz(path)?.lines().enumerate() {
        let line = line.map_err(|source| CompanyError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        out.push(
            serde_json::from_str(&line).map_err(|e| CompanyError::Parse {
                path: path.to_path_buf(),
                line: n + 1,
                message: e.to_string(),
            })?,
        );
    }
    Ok(out)
}
