//! Historical GL lines as the rest of ledgerline sees them: one plain record per line, with the
//! account and every dimension, pulled from Intacct by `intacct::sync` and kept as JSON lines.
//!
//! The vector index these records finally feed arrives with the suggestion issue; until then
//! [`JsonlStore`] keeps them on disk, one file per company, deduplicated by line id.

use std::collections::HashSet;
use std::fmt;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Why history could not be stored or read.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("cannot use the history file {path}: {source}; check the data directory's permissions")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "the history file {path} has a damaged line {line}: {message}; move the file away and run `ledgerline sync` again"
    )]
    Damaged {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{0:?} is not a date like 2024-03-31 or 03/31/2024; send ISO or US month/day/year")]
    BadDate(String),
}

/// A calendar date. Intacct writes `mm/dd/yyyy` on the XML gateway and `YYYY-MM-DD` on REST;
/// this type reads both and serialises as ISO.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn new(year: u16, month: u8, day: u8) -> Result<Date, HistoryError> {
        let leap =
            year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
        let days = match month {
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => 31,
        };
        if !(1..=12).contains(&month) || !(1..=days).contains(&day) {
            return Err(HistoryError::BadDate(format!("{year}-{month}-{day}")));
        }
        Ok(Date { year, month, day })
    }

    /// Reads `YYYY-MM-DD` or `mm/dd/yyyy`.
    pub fn parse(text: &str) -> Result<Date, HistoryError> {
        let bad = || HistoryError::BadDate(text.to_string());
        let num = |s: &str| s.parse::<u16>().map_err(|_| bad());
        let parts: Vec<&str> = if text.contains('-') {
            text.split('-').collect()
        } else {
            let p: Vec<&str> = text.split('/').collect();
            if p.len() != 3 {
                return Err(bad());
            }
            vec![p[2], p[0], p[1]]
        };
        if parts.len() != 3 || parts[0].len() != 4 {
            return Err(bad());
        }
        let month = u8::try_from(num(parts[1])?).map_err(|_| bad())?;
        let day = u8::try_from(num(parts[2])?).map_err(|_| bad())?;
        Date::new(num(parts[0])?, month, day).map_err(|_| bad())
    }

    /// The XML gateway's `mm/dd/yyyy`.
    pub fn us(&self) -> String {
        format!("{:02}/{:02}/{:04}", self.month, self.day, self.year)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Date::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A sortable form (`YYYY-MM-DD HH:MM:SS`) of a modification time as either API writes it
/// (`mm/dd/yyyy HH:MM:SS` or `YYYY-MM-DDTHH:MM:SSZ`), for finding the newest.
pub fn timestamp_key(text: &str) -> Option<String> {
    let text = text.trim_end_matches('Z');
    let (date, time) = text.split_once([' ', 'T'])?;
    Some(format!("{} {time}", Date::parse(date).ok()?))
}

/// One historical GL line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryRecord {
    /// Intacct's RECORDNO of the line: the identity used for deduplication.
    pub line_id: String,
    pub company: String,
    pub entity: Option<String>,
    pub posting_date: Date,
    /// Debits positive, credits negative, in the transaction currency.
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    pub memo: String,
    pub vendor_id: Option<String>,
    pub vendor_name: Option<String>,
    pub account: String,
    pub department: Option<String>,
    pub location: Option<String>,
    pub project: Option<String>,
    pub class: Option<String>,
    pub customer: Option<String>,
    /// WHENMODIFIED as Intacct wrote it; kept verbatim so the checkpoint can send it back.
    pub modified_at: String,
}

/// An append-only JSON-lines file of [`HistoryRecord`]s that never holds a line id twice, so a
/// sync interrupted after writing but before its checkpoint can simply run again.
pub struct JsonlStore {
    path: PathBuf,
    seen: HashSet<String>,
}

impl JsonlStore {
    /// Opens (or creates) the file, reading the line ids already there.
    pub fn open(path: &Path) -> Result<JsonlStore, HistoryError> {
        let io = |source| HistoryError::Io {
            path: path.to_path_buf(),
            source,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let mut seen = HashSet::new();
        if path.exists() {
            let file = std::fs::File::open(path).map_err(io)?;
            for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
                let line = line.map_err(io)?;
                if line.trim().is_empty() {
                    continue;
                }
                let record: HistoryRecord =
                    serde_json::from_str(&line).map_err(|e| HistoryError::Damaged {
                        path: path.to_path_buf(),
                        line: n + 1,
                        message: e.to_string(),
                    })?;
                seen.insert(record.line_id);
            }
        }
        Ok(JsonlStore {
            path: path.to_path_buf(),
            seen,
        })
    }

    /// Appends the records whose line id is new; returns how many were written.
    pub fn append(&mut self, records: &[HistoryRecord]) -> Result<usize, HistoryError> {
        let io = |source| HistoryError::Io {
            path: self.path.clone(),
            source,
        };
        let mut out = String::new();
        let mut added = Vec::new();
        for record in records {
            if self.seen.contains(&record.line_id) || added.contains(&&record.line_id) {
                continue;
            }
            out.push_str(&serde_json::to_string(record).expect("records serialise"));
            out.push('\n');
            added.push(&record.line_id);
        }
        if out.is_empty() {
            return Ok(0);
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(io)?;
        file.write_all(out.as_bytes()).map_err(io)?;
        // Durable before the caller moves the checkpoint past these lines.
        file.sync_data().map_err(io)?;
        let n = added.len();
        let added: Vec<String> = added.into_iter().cloned().collect();
        self.seen.extend(added);
        Ok(n)
    }

    pub fn len(&self) -> usize {
        self.seen.len()
    }

    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }
}

/// Days since 1970-01-01 (civil calendar), for ages between dates.
pub fn day_number(d: Date) -> i64 {
    let (y, m) = if d.month <= 2 {
        (d.year as i64 - 1, d.month as i64 + 9)
    } else {
        (d.year as i64, d.month as i64 - 3)
    };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d.day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_count_calendar_days() {
        let d = |y, m, dd| day_number(Date::new(y, m, dd).unwrap());
        assert_eq!(d(1970, 1, 1), 0);
        assert_eq!(d(2024, 3, 1) - d(2024, 2, 28), 2);
        assert_eq!(d(2025, 1, 1) - d(2024, 1, 1), 366);
    }

    fn record(id: &str) -> HistoryRecord {
        HistoryRecord {
            line_id: id.into(),
            company: "C".into(),
            entity: None,
            posting_date: Date::parse("03/31/2024").unwrap(),
            amount: Decimal::new(-12345, 2),
            memo: "Fish & chips".into(),
            vendor_id: None,
            vendor_name: None,
            account: "6000".into(),
            department: Some("ADM".into()),
            location: None,
            project: None,
            class: None,
            customer: None,
            modified_at: "04/01/2024 10:00:00".into(),
        }
    }

    #[test]
    fn dates_read_both_intacct_formats() {
        assert_eq!(
            Date::parse("2024-03-31").unwrap(),
            Date::new(2024, 3, 31).unwrap()
        );
        assert_eq!(Date::parse("03/31/2024").unwrap().to_string(), "2024-03-31");
        assert_eq!(Date::parse("2024-03-31").unwrap().us(), "03/31/2024");
        assert!(Date::parse("31.03.2024").is_err());
        assert!(Date::parse("2024-13-01").is_err());
        // Days that do not exist are refused, leap days kept.
        assert!(Date::parse("2025-02-30").is_err());
        assert!(Date::parse("2025-02-29").is_err());
        assert!(Date::parse("04/31/2025").is_err());
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(Date::parse("2000-02-29").is_ok());
        assert!(Date::parse("1900-02-29").is_err());
    }

    #[test]
    fn reopening_the_store_never_duplicates_a_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history").join("C.jsonl");
        let mut store = JsonlStore::open(&path).unwrap();
        assert_eq!(
            store
                .append(&[record("1"), record("2"), record("1")])
                .unwrap(),
            2
        );
        let mut again = JsonlStore::open(&path).unwrap();
        assert_eq!(again.append(&[record("2"), record("3")]).unwrap(), 1);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 3);
        let first: HistoryRecord = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(first, record("1"));
        assert!(text.contains("\"amount\":\"-123.45\""), "{text}");
    }
}
