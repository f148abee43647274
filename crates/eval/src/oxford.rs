//! The Oxford City Council payments corpus (quarterly CSVs, 2014-2018) as history: supplier
//! name as the text, expenditure code as the account, organisational unit (later "service
//! area") as the department. Headers differ between quarters and some rows are unusable; every
//! skipped row is counted by reason.

use std::collections::BTreeMap;
use std::path::Path;

use rust_decimal::Decimal;

use ledgerline_core::history::{Date, HistoryRecord};

/// The company id the corpus is evaluated under.
pub const COMPANY: &str = "OXFORD";

/// Rows read and rows skipped, by reason.
#[derive(Debug, Default, Clone)]
pub struct Loaded {
    /// Quarters in time order: ((year, quarter), lines).
    pub quarters: Vec<((u16, u8), Vec<HistoryRecord>)>,
    pub skipped: BTreeMap<String, usize>,
    pub files: usize,
}

fn norm(h: &str) -> String {
    h.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// `expenditure-over-500-jan-mar-2014.csv` -> (2014, 1).
fn quarter_of(name: &str) -> Option<(u16, u8)> {
    let year: u16 = name
        .trim_end_matches(".csv")
        .rsplit('-')
        .next()?
        .parse()
        .ok()?;
    let q = ["jan-mar", "apr-jun", "jul-sep", "oct-dec"]
        .iter()
        .position(|m| name.contains(m))?;
    Some((year, q as u8 + 1))
}

/// UK `dd/mm/yyyy`.
fn uk_date(text: &str) -> Option<Date> {
    let mut parts = text.trim().split('/');
    let day: u8 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let year: u16 = parts.next()?.get(..4)?.parse().ok()?;
    Date::new(year, month, day).ok()
}

/// Reads every quarterly CSV in `dir`.
pub fn load(dir: &Path) -> std::io::Result<Loaded> {
    let mut out = Loaded::default();
    let mut files: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    let skip = |reason: &str, out: &mut Loaded| {
        *out.skipped.entry(reason.to_string()).or_default() += 1;
    };
    for path in files {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let Some(quarter) = quarter_of(&name) else {
            skip("file name without a quarter", &mut out);
            continue;
        };
        out.files += 1;
        // Some quarters are not UTF-8 (Windows-1252 pound signs); read bytes, decode lossily.
        let bytes = std::fs::read(&path)?;
        let text = String::from_utf8_lossy(&bytes);
        let mut csv = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let headers: Vec<String> = match csv.headers() {
            Ok(h) => h.iter().map(norm).collect(),
            Err(_) => {
                skip("unreadable header", &mut out);
                continue;
            }
        };
        let find = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| headers.iter().position(|h| h.as_str() == *n))
        };
        let code = find(&["expenditurecode"]);
        let unit = find(&["organisationalunit", "organisatonalunit", "servicearea"]);
        let date = find(&["paiddate"]);
        let amount = find(&["amount"]);
        let supplier = find(&["suppliername"]);
        let (Some(code), Some(date), Some(amount), Some(supplier)) = (code, date, amount, supplier)
        else {
            skip("file without the needed columns", &mut out);
            continue;
        };
        let mut lines = Vec::new();
        for (n, row) in csv.records().enumerate() {
            let Ok(row) = row else {
                skip("malformed row", &mut out);
                continue;
            };
            let cell = |i: usize| row.get(i).map(str::trim).filter(|s| !s.is_empty());
            let Some(paid) = cell(date).and_then(uk_date) else {
                skip("no usable paid date", &mut out);
                continue;
            };
            let Some(account) = cell(code) else {
                skip("no expenditure code", &mut out);
                continue;
            };
            let Some(name) = cell(supplier) else {
                skip("no supplier name", &mut out);
                continue;
            };
            let Some(value) = cell(amount)
                .map(|a| a.replace([',', '£'], ""))
                .and_then(|a| a.parse::<Decimal>().ok())
            else {
                skip("bad amount", &mut out);
                continue;
            };
            lines.push(HistoryRecord {
                line_id: format!("{}-{}-{}", quarter.0, quarter.1, n + 2),
                company: COMPANY.into(),
                entity: None,
                posting_date: paid,
                amount: value,
                memo: name.to_string(),
                vendor_id: None,
                vendor_name: Some(name.to_string()),
                account: account.to_string(),
                department: unit.and_then(cell).map(str::to_string),
                location: None,
                project: None,
                class: None,
                customer: None,
                modified_at: String::new(),
            });
        }
        out.quarters.push((quarter, lines));
    }
    out.quarters.sort_by_key(|q| q.0);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_and_dates_parse_from_the_corpus_conventions() {
        assert_eq!(
            quarter_of("expenditure-over-500-oct-dec-2017.csv"),
            Some((2017, 4))
        );
        assert_eq!(quarter_of("datapackage.csv"), None);
        assert_eq!(uk_date("07/04/2015"), Date::new(2015, 4, 7).ok());
        assert_eq!(uk_date("00:00:00"), None);
    }
}
