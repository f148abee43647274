//! History import: a CSV or JSON-lines file of GL lines with Intacct GLDETAIL-like columns
//! becomes [`HistoryRecord`]s, then embeddings in the vector index. Every line is validated
//! before anything is written, so a file with one bad line imports nothing and the report names
//! every bad line; re-importing a file replaces its lines (ids are derived from line ids).

use std::collections::HashMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use indicatif::ProgressBar;
use rust_decimal::Decimal;

use crate::embed::{EmbedError, EmbedQueue};
use crate::index::{IndexError, IndexedLine, VectorIndex};
use crate::suggest::fit::{Fitted, refit};
use crate::suggest::habits::{append_ledger, ledger_path};
use crate::suggest::{SuggestError, embedding_text};
use ledgerline_core::company::{Chart, CompanyError, open_maybe_gz};
use ledgerline_core::history::{Date, HistoryRecord};

/// Why a history file was not imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {path}: {source}; check the path")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} was not imported (nothing was written); fix these lines and import it again:\n{}", list(.problems))]
    Invalid {
        path: PathBuf,
        problems: Vec<(usize, String)>,
    },
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Embed(#[from] EmbedError),
    #[error(transparent)]
    Company(#[from] CompanyError),
    #[error(transparent)]
    Fit(#[from] SuggestError),
}

fn list(problems: &[(usize, String)]) -> String {
    let mut out: Vec<String> = problems
        .iter()
        .take(20)
        .map(|(line, m)| format!("  line {line}: {m}"))
        .collect();
    if problems.len() > 20 {
        out.push(format!("  ... and {} more", problems.len() - 20));
    }
    out.join("\n")
}

/// The columns a CSV header may use for each record field (compared lower-case, without
/// punctuation), GLDETAIL's names first.
const COLUMNS: &[(&str, &[&str])] = &[
    ("line_id", &["recordno", "lineid", "id"]),
    ("company", &["company", "companyid"]),
    ("entity", &["entity", "entityid", "megaentityid"]),
    ("date", &["entrydate", "postingdate", "date"]),
    ("amount", &["amount", "trxamount"]),
    ("memo", &["description", "memo"]),
    ("account", &["accountno", "account", "glaccountno"]),
    ("department", &["departmentid", "department"]),
    ("location", &["locationid", "location"]),
    ("project", &["projectid", "project"]),
    ("class", &["classid", "class"]),
    ("customer", &["customerid", "customer"]),
    ("vendor_id", &["vendorid"]),
    ("vendor_name", &["vendorname", "vendor"]),
];

fn norm(h: &str) -> String {
    h.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Reads and validates a whole file. `company` fills in lines that carry none; with
/// `decimal_comma`, CSV amounts are read the European way ("1.234,56").
pub fn read_file(
    path: &Path,
    company: Option<&str>,
    decimal_comma: bool,
) -> Result<Vec<HistoryRecord>, ImportError> {
    let name = path.to_string_lossy().trim_end_matches(".gz").to_string();
    let reader = open_maybe_gz(path).map_err(|e| match e {
        CompanyError::Io { path, source } => ImportError::Io { path, source },
        other => ImportError::Company(other),
    })?;
    let (records, problems) = if name.ends_with(".jsonl") || name.ends_with(".json") {
        read_jsonl(reader, company)
    } else {
        read_csv(reader, company, decimal_comma)
    };
    if problems.is_empty() {
        Ok(records)
    } else {
        Err(ImportError::Invalid {
            path: path.to_path_buf(),
            problems,
        })
    }
}

type Parsed = (Vec<HistoryRecord>, Vec<(usize, String)>);

fn read_jsonl(reader: Box<dyn BufRead>, company: Option<&str>) -> Parsed {
    let (mut records, mut problems) = (Vec::new(), Vec::new());
    for (n, line) in reader.lines().enumerate() {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                problems.push((n + 1, e.to_string()));
                break;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let mut value: serde_json::Value = match serde_json::from_str(&line) {
            Ok(v) => v,
            Err(e) => {
                problems.push((n + 1, e.to_string()));
                continue;
            }
        };
        if let (Some(c), Some(obj)) = (company, value.as_object_mut()) {
            obj.entry("company").or_insert(c.into());
        }
        if let Some(obj) = value.as_object_mut() {
            obj.entry("modified_at").or_insert("".into());
        }
        match serde_json::from_value::<HistoryRecord>(value) {
            Ok(r) => records.push(r),
            Err(e) => problems.push((n + 1, e.to_string())),
        }
    }
    (records, problems)
}

fn read_csv(reader: Box<dyn BufRead>, company: Option<&str>, decimal_comma: bool) -> Parsed {
    let (mut records, mut problems) = (Vec::new(), Vec::new());
    let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
    let headers: Vec<String> = match csv.headers() {
        Ok(h) => h.iter().map(norm).collect(),
        Err(e) => return (records, vec![(1, e.to_string())]),
    };
    let mut at: HashMap<&str, usize> = HashMap::new();
    for (field, names) in COLUMNS {
        if let Some(i) = names
            .iter()
            .find_map(|n| headers.iter().position(|h| h.as_str() == *n))
        {
            at.insert(field, i);
        }
    }
    let mut missing: Vec<&str> = ["line_id", "date", "amount", "account"]
        .into_iter()
        .filter(|f| !at.contains_key(f))
        .collect();
    if company.is_none() && !at.contains_key("company") {
        missing.push("company (or pass --company)");
    }
    if !missing.is_empty() {
        let message = format!("missing columns: {}", missing.join(", "));
        return (records, vec![(1, message)]);
    }
    for (n, row) in csv.records().enumerate() {
        let line = n + 2;
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                problems.push((line, e.to_string()));
                continue;
            }
        };
        let get = |f: &str| {
            at.get(f)
                .and_then(|i| row.get(*i))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        match record(&get, company, decimal_comma) {
            Ok(r) => records.push(r),
            Err(m) => problems.push((line, m)),
        }
    }
    (records, problems)
}

fn record(
    get: &dyn Fn(&str) -> Option<String>,
    company: Option<&str>,
    decimal_comma: bool,
) -> Result<HistoryRecord, String> {
    let need = |f: &str| get(f).ok_or_else(|| format!("{f} is empty"));
    let amount = ledger_amount(&need("amount")?, decimal_comma)?;
    let date = Date::parse(&need("date")?).map_err(|e| e.to_string())?;
    Ok(HistoryRecord {
        line_id: need("line_id")?,
        company: get("company")
            .or(company.map(str::to_string))
            .ok_or("company is empty")?,
        entity: get("entity"),
        posting_date: date,
        amount,
        memo: get("memo").unwrap_or_default(),
        vendor_id: get("vendor_id"),
        vendor_name: get("vendor_name"),
        account: need("account")?,
        department: get("department"),
        location: get("location"),
        project: get("project"),
        class: get("class"),
        customer: get("customer"),
        modified_at: String::new(),
    })
}

/// An amount as a ledger export writes it: an optional sign, digits, thousands separators only
/// between groups of three, and one decimal separator ('.', or ',' with `decimal_comma`).
/// Anything else is refused, never guessed: "12,50" is 12.50 in one file and 1250 in another.
fn ledger_amount(text: &str, decimal_comma: bool) -> Result<Decimal, String> {
    let t = text.trim();
    let (negative, body) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (decimal, hint) = if decimal_comma {
        (
            ',',
            "this file is read with --decimal-comma (1.234,56); drop it if '.' is the decimal separator",
        )
    } else {
        (
            '.',
            "if ',' is the decimal separator in this file, import it with --decimal-comma",
        )
    };
    let is_thousands =
        |c: char| matches!(c, ' ' | '\'' | '\u{a0}') || (c != decimal && matches!(c, '.' | ','));
    let (int, frac) = match body.split_once(decimal) {
        Some((i, f)) => (i, f),
        None => (body, ""),
    };
    let not_number = || format!("amount {text:?} is not a decimal number");
    if body.ends_with(decimal) || !frac.chars().all(|c| c.is_ascii_digit()) {
        return Err(not_number());
    }
    let groups: Vec<&str> = int.split(is_thousands).collect();
    if groups
        .iter()
        .any(|g| g.is_empty() || !g.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(not_number());
    }
    if groups.len() > 1 && (groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3)) {
        return Err(format!(
            "amount {text:?} is ambiguous: its separators do not group thousands; {hint}"
        ));
    }
    let digits = format!(
        "{}{}{}{}",
        if negative { "-" } else { "" },
        groups.concat(),
        if frac.is_empty() { "" } else { "." },
        frac
    );
    digits.parse().map_err(|_| not_number())
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub received: usize,
    pub indexed: usize,
    pub companies: Vec<String>,
}

/// Texts whose vectors an import keeps for the lines after them (about 60 MB of vectors).
const KNOWN_TEXTS: usize = 40_000;
/// Lines embedded and upserted together.
const BATCH: usize = 512;

/// Records the company's chart (the one given, else the existing one, else one learnt from
/// this history), then embeds and upserts every record, in batches, ticking `progress`.
pub async fn index_records(
    records: Vec<HistoryRecord>,
    embed: &EmbedQueue,
    index: &dyn VectorIndex,
    data_dir: &Path,
    chart: Option<&Chart>,
    progress: Option<&ProgressBar>,
) -> Result<ImportReport, ImportError> {
    let mut by_company: HashMap<String, Vec<HistoryRecord>> = HashMap::new();
    for r in &records {
        by_company
            .entry(r.company.clone())
            .or_default()
            .push(r.clone());
    }
    let mut companies: Vec<String> = by_company.keys().cloned().collect();
    companies.sort();
    for (company, lines) in &by_company {
        let path = Chart::path(data_dir, company)?;
        match chart.filter(|c| &c.company == company) {
            Some(given) => given.save(&path)?,
            None if !path.exists() => Chart::from_history(company, lines).save(&path)?,
            None => {}
        }
    }
    if let Some(bar) = progress {
        bar.set_length(records.len() as u64);
    }
    let received = records.len();
    let mut indexed = 0;
    // A ledger repeats its texts (a vendor's name, a recurring description) across the whole
    // file, not only within one batch: each is embedded once.
    let mut known: HashMap<String, Vec<f32>> = HashMap::new();
    for batch in records.chunks(BATCH) {
        if known.len() + BATCH > KNOWN_TEXTS {
            known.clear();
        }
        let texts: Vec<String> = batch
            .iter()
            .map(|r| embedding_text(r.vendor_name.as_deref(), &r.memo))
            .collect();
        let mut new: Vec<String> = texts
            .iter()
            .filter(|t| !known.contains_key(*t))
            .cloned()
            .collect();
        new.sort();
        new.dedup();
        if !new.is_empty() {
            let vectors = embed.embed(new.clone()).await?;
            known.extend(new.into_iter().zip(vectors));
        }
        let lines = batch
            .iter()
            .cloned()
            .zip(&texts)
            .map(|(record, text)| IndexedLine {
                record,
                // Every text of the batch was known or has just been embedded.
                vector: known[text].clone(),
            })
            .collect();
        indexed += index.upsert(lines).await?;
        if let Some(bar) = progress {
            bar.inc(batch.len() as u64);
        }
    }
    index.optimize().await?;
    // The ledger follows the index, so habits never count a line the index lacks.
    for (company, lines) in by_company {
        let path = ledger_path(data_dir, &company)?;
        tokio::task::spawn_blocking(move || append_ledger(&path, &lines))
            .await
            .map_err(|e| SuggestError::Interrupted(e.to_string()))??;
    }
    Ok(ImportReport {
        received,
        indexed,
        companies,
    })
}

/// [`index_records`], then a new ranker and calibration for every company imported, learnt
/// from its latest period (see `suggest::fit`).
pub async fn import_history(
    records: Vec<HistoryRecord>,
    embed: &EmbedQueue,
    index: &dyn VectorIndex,
    data_dir: &Path,
    chart: Option<&Chart>,
    progress: Option<&ProgressBar>,
) -> Result<(ImportReport, Vec<Fitted>), ImportError> {
    let report = index_records(records, embed, index, data_dir, chart, progress).await?;
    let mut fitted = Vec::new();
    for company in &report.companies {
        fitted.push(refit(data_dir, company, embed, index).await?);
    }
    Ok((report, fitted))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embed::{DIMENSIONS, QueueParams, TextEncoder};
    use crate::index::EdgeIndex;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Counts the texts it is asked to embed; each text gets its own direction.
    struct Counting(Arc<AtomicUsize>);

    impl TextEncoder for Counting {
        fn encode(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedError> {
            self.0.fetch_add(texts.len(), Ordering::SeqCst);
            Ok(texts
                .iter()
                .map(|t| {
                    let mut v = vec![0.0; DIMENSIONS];
                    v[t.len() % DIMENSIONS] = 1.0;
                    v
                })
                .collect())
        }
    }

    #[tokio::test]
    async fn a_text_repeated_across_batches_is_embedded_once() {
        let dir = tempfile::tempdir().unwrap();
        let index = EdgeIndex::open(&dir.path().join("index")).unwrap();
        let seen = Arc::new(AtomicUsize::new(0));
        let embed = EmbedQueue::start(Counting(seen.clone()), QueueParams::default());
        // Three vendors over five batches' worth of lines.
        let records: Vec<HistoryRecord> = (0..BATCH * 5)
            .map(|n| HistoryRecord {
                line_id: n.to_string(),
                company: "C".into(),
                entity: None,
                posting_date: Date::new(2025, 1, 1 + (n % 28) as u8).unwrap(),
                amount: Decimal::new(100 + n as i64, 2),
                memo: String::new(),
                vendor_id: None,
                vendor_name: Some(["Acme", "Globex Ltd", "Initech plc"][n % 3].into()),
                account: "6010".into(),
                department: None,
                location: None,
                project: None,
                class: None,
                customer: None,
                modified_at: String::new(),
            })
            .collect();
        let report = index_records(records, &embed, &index, dir.path(), None, None)
            .await
            .unwrap();
        assert_eq!(report.indexed, BATCH * 5);
        assert_eq!(index.count("C").await.unwrap(), BATCH * 5);
        assert_eq!(seen.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn amounts_are_read_exactly_or_refused() {
        let ok = |t: &str, comma: bool| ledger_amount(t, comma).unwrap().to_string();
        assert_eq!(ok("1,234.56", false), "1234.56");
        assert_eq!(ok("-12.5", false), "-12.5");
        assert_eq!(ok("1 234 567", false), "1234567");
        assert_eq!(ok("1234", false), "1234");
        assert_eq!(ok("12,50", true), "12.50");
        assert_eq!(ok("1.234,56", true), "1234.56");
        assert_eq!(ok("-0,5", true), "-0.5");
        for (bad, comma) in [
            ("12,50", false),
            ("12,34,5.6", false),
            ("1,234.56", true),
            ("1.2.3", false),
            ("12.", false),
            ("abc", false),
            ("", false),
            ("1e3", false),
        ] {
            assert!(
                ledger_amount(bad, comma).is_err(),
                "{bad} (decimal comma: {comma})"
            );
        }
        let message = ledger_amount("12,50", false).unwrap_err();
        assert!(message.contains("--decimal-comma"), "{message}");
    }
}
