//! A company's coding habits: how often, how recently and at what amounts each vendor (and each
//! vendor with a given description) used each value of each field, and which dimension values
//! occur with which account. They are counted from the company's history in date order, so the
//! ranker can ask "what did this vendor do up to that day" both when it serves a line and when
//! it learns from the company's latest period.
//!
//! The history is kept per company in `<data_dir>/companies/<company>/ledger.jsonl`, appended at
//! every import and learnt line; a line id seen twice counts once (the later copy wins), so
//! re-importing a file changes nothing.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use rust_decimal::prelude::ToPrimitive;

use ledgerline_core::company::{Chart, CompanyError, Field};
use ledgerline_core::history::HistoryRecord;
use ledgerline_core::history::day_number;

/// Age, in days, at which a precedent's weight in the recency-weighted share halves.
const HALF_LIFE_DAYS: f64 = 180.0;
/// The same for the short memory: a vendor whose coding moved last quarter is coded the new way
/// sooner than the half-year memory allows.
const SHORT_HALF_LIFE_DAYS: f64 = 60.0;
/// Amounts kept per vendor and value: enough to see a recurring bill and the bands a merchant
/// bills in, small enough to scan.
const AMOUNTS_KEPT: usize = 48;
/// Age, in days, at which a kept amount's weight in [`Usage::recent_amount_density`] halves:
/// a merchant's prices and the sizes of the orders it gets move within a year.
const AMOUNT_HALF_LIFE_DAYS: f64 = 90.0;

/// The key a vendor is counted under: its name (else id), trimmed and lower-cased.
pub fn vendor_key(name: Option<&str>, id: Option<&str>) -> String {
    name.or(id).unwrap_or_default().trim().to_lowercase()
}

/// The key a description is counted under: words joined by one space, lower-cased.
pub fn text_key(memo: &str) -> String {
    memo.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The words a line is known by: those of its vendor's name and of its description,
/// lower-cased, of three characters or more with a letter among them, each once. A new vendor
/// is coded by the values its words went with ("college", "hotel", "borough of").
pub fn words(vendor: Option<&str>, memo: &str) -> Vec<String> {
    let mut out: Vec<String> = vendor
        .unwrap_or_default()
        .split(|c: char| !c.is_alphanumeric())
        .chain(memo.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().count() >= 3 && w.chars().any(char::is_alphabetic))
        .map(str::to_lowercase)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Lines a word must have been seen on before it says anything.
const MIN_WORD_LINES: u32 = 3;

/// What a line's words say about each value of a field: `(shares[value] + prior(value) * base)
/// / words` is the mean over its known words of the value's smoothed share among their lines.
#[derive(Debug, Clone, Default)]
pub struct WordShares {
    pub shares: HashMap<Option<String>, f64>,
    pub base: f64,
    pub words: usize,
}

impl WordShares {
    /// The value's share, given its share of all the company's lines; `None` when none of the
    /// line's words is known.
    pub fn share(&self, value: &Option<String>, prior: f64) -> Option<f64> {
        (self.words > 0).then(|| {
            (self.shares.get(value).copied().unwrap_or(0.0) + prior * self.base) / self.words as f64
        })
    }
}

/// `ln(1 + |amount|)`, the scale amounts are compared on.
pub fn log_amount(amount: rust_decimal::Decimal) -> f64 {
    amount.abs().to_f64().unwrap_or(0.0).ln_1p()
}

/// How one value was used by one vendor (or by the whole company).
#[derive(Debug, Clone, Default)]
pub struct Usage {
    pub count: u32,
    /// Recency-weighted count as of `last_day`.
    pub decayed: f64,
    /// The same with the short half-life.
    pub recent: f64,
    pub last_day: i64,
    /// The latest amounts, as [`log_amount`], and the days they were used on.
    pub amounts: Vec<f64>,
    pub amount_days: Vec<i64>,
    /// Uses per calendar month (January first).
    pub months: [u32; 12],
}

impl Usage {
    fn add(&mut self, day: i64, month: u8, amount: f64, keep_amounts: bool) {
        self.decayed = self.decayed_at(day) + 1.0;
        self.recent = self.recent_at(day) + 1.0;
        self.months[usize::from(month.clamp(1, 12) - 1)] += 1;
        self.count += 1;
        self.last_day = self.last_day.max(day);
        if keep_amounts {
            if self.amounts.len() == AMOUNTS_KEPT {
                self.amounts.remove(0);
                self.amount_days.remove(0);
            }
            self.amounts.push(amount);
            self.amount_days.push(day);
        }
    }

    /// Uses in `month` and the months either side of it.
    pub fn around(&self, month: u8) -> u32 {
        let m = usize::from(month.clamp(1, 12) - 1);
        self.months[(m + 11) % 12] + self.months[m] + self.months[(m + 1) % 12]
    }

    /// The recency-weighted count on `day` (never more than it was on the last use).
    pub fn decayed_at(&self, day: i64) -> f64 {
        if self.count == 0 {
            return 0.0;
        }
        let age = (day - self.last_day).max(0) as f64;
        self.decayed * 0.5f64.powf(age / HALF_LIFE_DAYS)
    }

    /// The recency-weighted count on `day` with the short half-life.
    pub fn recent_at(&self, day: i64) -> f64 {
        if self.count == 0 {
            return 0.0;
        }
        let age = (day - self.last_day).max(0) as f64;
        self.recent * 0.5f64.powf(age / SHORT_HALF_LIFE_DAYS)
    }

    /// How likely `amount` is among the kept amounts: the mean of a Gaussian kernel of
    /// `width` on the [`log_amount`] scale (0 when none are kept).
    pub fn amount_density(&self, amount: f64, width: f64) -> f64 {
        if self.amounts.is_empty() {
            return 0.0;
        }
        let sum: f64 = self.amounts.iter().map(|b| kernel(amount, *b, width)).sum();
        sum / self.amounts.len() as f64
    }

    /// The same density with each kept amount weighted by its recency on `day`, times the
    /// short memory's count: proportional to how likely the vendor's next line at `amount` is
    /// to go to this value. Across a vendor's values these make a posterior over them, where
    /// [`Usage::amount_density`] is a likelihood whose prior the ranker has to weigh on its own.
    pub fn recent_amount_density(&self, day: i64, amount: f64, width: f64) -> f64 {
        let (mut sum, mut weights) = (0.0, 0.0);
        for (b, used) in self.amounts.iter().zip(&self.amount_days) {
            let w = 0.5f64.powf((day - used).max(0) as f64 / AMOUNT_HALF_LIFE_DAYS);
            sum += w * kernel(amount, *b, width);
            weights += w;
        }
        if weights > 0.0 {
            self.recent_at(day) * sum / weights
        } else {
            0.0
        }
    }
}

/// A Gaussian kernel of `width` around a kept amount `at`, on the [`log_amount`] scale.
fn kernel(amount: f64, at: f64, width: f64) -> f64 {
    (-(amount - at).powi(2) / (2.0 * width * width)).exp()
}

/// A vendor's (or the company's) uses of each value.
pub type Values = HashMap<Option<String>, Usage>;

/// Counts for one field.
#[derive(Debug, Clone, Default)]
pub struct FieldHabits {
    pub by_vendor: HashMap<String, Values>,
    pub by_vendor_text: HashMap<(String, String), HashMap<Option<String>, u32>>,
    pub overall: Values,
    /// The vendor's latest day and value.
    pub vendor_last: HashMap<String, (i64, Option<String>)>,
    /// (account, value) co-occurrences, for dimensions.
    pub with_account: HashMap<(String, Option<String>), Usage>,
    /// The vendor's values with each account, for dimensions.
    pub by_vendor_account: HashMap<(String, String), HashMap<Option<String>, u32>>,
    /// Per word (see [`words`]): its values on the lines it was on.
    pub by_word: HashMap<String, HashMap<Option<String>, u32>>,
}

/// Every field's counts for one company.
#[derive(Debug, Clone, Default)]
pub struct Habits {
    fields: HashMap<Field, FieldHabits>,
    account_counts: HashMap<String, Usage>,
    /// Per word, the lines it was on: the same for every field, so counted once.
    word_lines: HashMap<String, u32>,
    lines: usize,
}

impl Habits {
    /// Counts `records` in date order.
    pub fn from_records(records: &[HistoryRecord]) -> Habits {
        let mut sorted: Vec<&HistoryRecord> = records.iter().collect();
        sorted.sort_by_key(|r| r.posting_date);
        let mut habits = Habits::default();
        for r in sorted {
            habits.add(r);
        }
        habits
    }

    pub fn lines(&self) -> usize {
        self.lines
    }

    /// Counts one more line.
    pub fn add(&mut self, r: &HistoryRecord) {
        let day = day_number(r.posting_date);
        let month = r.posting_date.month;
        let amount = log_amount(r.amount);
        let vendor = vendor_key(r.vendor_name.as_deref(), r.vendor_id.as_deref());
        let text = text_key(&r.memo);
        let words = words(r.vendor_name.as_deref(), &r.memo);
        for w in &words {
            *self.word_lines.entry(w.clone()).or_default() += 1;
        }
        for field in Field::ALL {
            let value = field.of(r).map(str::to_string);
            let h = self.fields.entry(field).or_default();
            for w in &words {
                *h.by_word
                    .entry(w.clone())
                    .or_default()
                    .entry(value.clone())
                    .or_default() += 1;
            }
            h.overall
                .entry(value.clone())
                .or_default()
                .add(day, month, amount, false);
            if field != Field::Account {
                h.with_account
                    .entry((r.account.clone(), value.clone()))
                    .or_default()
                    .add(day, month, amount, false);
            }
            if vendor.is_empty() {
                continue;
            }
            h.by_vendor
                .entry(vendor.clone())
                .or_default()
                .entry(value.clone())
                .or_default()
                .add(day, month, amount, true);
            if field != Field::Account {
                *h.by_vendor_account
                    .entry((vendor.clone(), r.account.clone()))
                    .or_default()
                    .entry(value.clone())
                    .or_default() += 1;
            }
            *h.by_vendor_text
                .entry((vendor.clone(), text.clone()))
                .or_default()
                .entry(value.clone())
                .or_default() += 1;
            let last = h.vendor_last.entry(vendor.clone()).or_insert((day, None));
            if day >= last.0 {
                *last = (day, value);
            }
        }
        self.account_counts
            .entry(r.account.clone())
            .or_default()
            .add(day, month, amount, false);
        self.lines += 1;
    }

    pub fn field(&self, field: Field) -> Option<&FieldHabits> {
        self.fields.get(&field)
    }

    /// What `words` say about each value of `field` (see [`WordShares`]).
    pub fn word_shares(&self, field: Field, words: &[String]) -> WordShares {
        let mut out = WordShares::default();
        let Some(h) = self.fields.get(&field) else {
            return out;
        };
        for w in words {
            let Some(lines) = self.word_lines.get(w).filter(|n| **n >= MIN_WORD_LINES) else {
                continue;
            };
            let Some(values) = h.by_word.get(w) else {
                continue;
            };
            let denominator = f64::from(*lines) + 1.0;
            for (value, count) in values {
                *out.shares.entry(value.clone()).or_default() += f64::from(*count) / denominator;
            }
            out.base += 1.0 / denominator;
            out.words += 1;
        }
        out
    }

    /// How often `value` occurred with `account`, among the account's lines (0 when unknown),
    /// counting all time and, second, weighted by recency as of `day`.
    pub fn share_with_account(
        &self,
        field: Field,
        account: &str,
        value: Option<&str>,
        day: Option<i64>,
    ) -> (f64, f64) {
        let Some(total) = self.account_counts.get(account).filter(|u| u.count > 0) else {
            return (0.0, 0.0);
        };
        let Some(u) = self.fields.get(&field).and_then(|h| {
            h.with_account
                .get(&(account.to_string(), value.map(str::to_string)))
        }) else {
            return (0.0, 0.0);
        };
        let at = |u: &Usage| u.decayed_at(day.unwrap_or(total.last_day));
        let recent = if at(total) > 0.0 {
            at(u) / at(total)
        } else {
            0.0
        };
        (u.count as f64 / total.count as f64, recent)
    }
}

/// `<data_dir>/companies/<company>/ledger.jsonl`.
pub fn ledger_path(data_dir: &Path, company: &str) -> Result<PathBuf, CompanyError> {
    Ok(Chart::path(data_dir, company)?.with_file_name("ledger.jsonl"))
}

/// Appends lines to the company's ledger.
pub fn append_ledger(path: &Path, records: &[HistoryRecord]) -> Result<(), CompanyError> {
    let io = |source| CompanyError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let mut out = std::io::BufWriter::new(
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(io)?,
    );
    for r in records {
        serde_json::to_writer(&mut out, r).expect("a history record serialises");
        out.write_all(b"\n").map_err(io)?;
    }
    out.flush().map_err(io)
}

/// The company's ledger, one line per id (the latest copy), in date order; empty when none.
pub fn read_ledger(path: &Path) -> Result<Vec<HistoryRecord>, CompanyError> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<HistoryRecord> = Vec::new();
    for r in ledgerline_core::company::read_history(path)? {
        match by_id.get(&r.line_id) {
            Some(&i) => out[i] = r,
            None => {
                by_id.insert(r.line_id.clone(), out.len());
                out.push(r);
            }
        }
    }
    out.sort_by(|a, b| {
        a.posting_date
            .cmp(&b.posting_date)
            .then_with(|| a.line_id.cmp(&b.line_id))
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ledgerline_core::history::Date;
    use rust_decimal::Decimal;

    fn line(id: &str, day: u8, vendor: &str, account: &str, dept: Option<&str>) -> HistoryRecord {
        HistoryRecord {
            line_id: id.into(),
            company: "C".into(),
            entity: None,
            posting_date: Date::new(2025, 1, day).unwrap(),
            amount: Decimal::new(12_000, 2),
            memo: "Paper  A4".into(),
            vendor_id: None,
            vendor_name: Some(vendor.into()),
            account: account.into(),
            department: dept.map(str::to_string),
            location: None,
            project: None,
            class: None,
            customer: None,
            modified_at: String::new(),
        }
    }

    #[test]
    fn a_new_vendors_words_say_what_the_lines_they_were_on_went_to() {
        assert_eq!(
            words(Some("Newham College (F.E.)"), "fees 2021 Q3"),
            ["college", "fees", "newham"]
        );
        let mut lines = Vec::new();
        for (n, vendor) in ["Barnet College", "Lambeth College", "Morley College"]
            .iter()
            .enumerate()
        {
            lines.push(line(&format!("c{n}"), 1, vendor, "544075", None));
        }
        for n in 0..6 {
            lines.push(line(&format!("h{n}"), 2, "Waterloo Hotel", "537000", None));
        }
        let h = Habits::from_records(&lines);
        let said = h.word_shares(Field::Account, &words(Some("Newham College"), ""));
        // "college" is known (three lines), "newham" is not.
        assert_eq!(said.words, 1);
        let college = said.share(&Some("544075".into()), 3.0 / 9.0).unwrap();
        let hotel = said.share(&Some("537000".into()), 6.0 / 9.0).unwrap();
        assert!(college > 0.8 && hotel < 0.2, "{college} {hotel}");
        assert!(
            h.word_shares(Field::Account, &words(Some("Acme"), ""))
                .share(&None, 0.5)
                .is_none()
        );
    }

    #[test]
    fn the_amount_posterior_follows_the_vendors_recent_bands() {
        // A builders' merchant: years of small orders to one account, and lately its large
        // orders to another. A large amount belongs to the second, though the first has far
        // more lines; a small one still to the first.
        let mut h = Habits::default();
        let order = |id: String, month: u8, cents: i64, account: &str| {
            let mut r = line(&id, 1, "Merchant", account, None);
            r.posting_date = Date::new(2024, month, 1).unwrap();
            r.amount = Decimal::new(cents, 2);
            r
        };
        for m in 1..=12u8 {
            for k in 0..5 {
                h.add(&order(
                    format!("s{m}-{k}"),
                    m,
                    60_000 + 1_000 * k,
                    "SUPPLIES",
                ));
            }
        }
        for m in 9..=12u8 {
            h.add(&order(format!("l{m}"), m, 250_000, "MATERIALS"));
        }
        let values = &h.field(Field::Account).unwrap().by_vendor["merchant"];
        let day = day_number(Date::new(2025, 1, 2).unwrap());
        let mass = |account: &str, cents: i64| {
            values[&Some(account.to_string())].recent_amount_density(
                day,
                log_amount(Decimal::new(cents, 2)),
                0.3,
            )
        };
        assert!(mass("MATERIALS", 300_000) > 10.0 * mass("SUPPLIES", 300_000));
        assert!(mass("SUPPLIES", 62_000) > 10.0 * mass("MATERIALS", 62_000));
    }

    #[test]
    fn habits_count_vendor_values_text_and_account_pairs() {
        let h = Habits::from_records(&[
            line("3", 3, "Acme", "6020", Some("OPS")),
            line("1", 1, "ACME ", "6010", Some("ADM")),
            line("2", 2, "acme", "6010", Some("ADM")),
        ]);
        let account = h.field(Field::Account).unwrap();
        let acme = &account.by_vendor["acme"];
        assert_eq!(acme[&Some("6010".to_string())].count, 2);
        // Lines are counted in date order, so the latest value is the vendor's last.
        assert_eq!(account.vendor_last["acme"].1.as_deref(), Some("6020"));
        assert_eq!(
            account.by_vendor_text[&("acme".to_string(), "paper a4".to_string())]
                [&Some("6010".to_string())],
            2
        );
        assert_eq!(
            h.share_with_account(Field::Department, "6010", Some("ADM"), None),
            (1.0, 1.0)
        );
        assert_eq!(
            h.share_with_account(Field::Department, "6020", Some("ADM"), None)
                .0,
            0.0
        );
        // A use ages: a day later it weighs less than on the day.
        let u = &acme[&Some("6010".to_string())];
        assert!(u.decayed_at(u.last_day + 180) < u.decayed_at(u.last_day) * 0.51);
        // The short memory forgets three times as fast.
        assert!(u.recent_at(u.last_day + 60) < u.recent_at(u.last_day) * 0.51);
        assert!(u.recent_at(u.last_day + 60) > u.decayed_at(u.last_day + 180) * 0.99);
        // Every kept amount is 120.00: that amount is as usual as can be, ten times it is not.
        let usual = u.amount_density(log_amount(Decimal::new(12_000, 2)), 0.3);
        let unusual = u.amount_density(log_amount(Decimal::new(120_000, 2)), 0.3);
        assert!(
            (usual - 1.0).abs() < 1e-9 && unusual < 1e-6,
            "{usual} {unusual}"
        );
    }

    #[test]
    fn the_ledger_keeps_one_copy_per_line_id_in_date_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.jsonl");
        append_ledger(&path, &[line("b", 2, "Acme", "6010", None)]).unwrap();
        append_ledger(
            &path,
            &[
                line("a", 5, "Acme", "6010", None),
                line("b", 2, "Acme", "6020", None),
            ],
        )
        .unwrap();
        let ledger = read_ledger(&path).unwrap();
        let ids: Vec<(&str, &str)> = ledger
            .iter()
            .map(|r| (r.line_id.as_str(), r.account.as_str()))
            .collect();
        assert_eq!(ids, vec![("b", "6020"), ("a", "6010")]);
        assert!(
            read_ledger(&dir.path().join("none.jsonl"))
                .unwrap()
                .is_empty()
        );
    }
}
