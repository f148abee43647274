//! The trivial rules a suggestion model has to beat, fitted on the same history and scored on
//! the same held-out lines: the vendor's most frequent value (else the company's), and the most
//! frequent value for the same vendor and description (else the vendor's, else the company's).
//! A model that loses to them on a real ledger should not ship.

use std::collections::HashMap;

use ledgerline_core::company::Field;
use ledgerline_core::history::HistoryRecord;
use ledgerline_suggest::suggest::habits;

/// Most frequent values of one field, by vendor and by vendor and description.
#[derive(Debug, Default)]
pub struct ModeTable {
    by_vendor: HashMap<String, HashMap<Option<String>, usize>>,
    by_vendor_text: HashMap<(String, String), HashMap<Option<String>, usize>>,
    overall: HashMap<Option<String>, usize>,
}

fn vendor_key(r: &HistoryRecord) -> String {
    habits::vendor_key(r.vendor_name.as_deref(), r.vendor_id.as_deref())
}

fn text_key(r: &HistoryRecord) -> String {
    habits::text_key(&r.memo)
}

/// The most frequent value; ties go to the smaller value, so the rule is deterministic.
fn mode(counts: &HashMap<Option<String>, usize>) -> Option<Option<String>> {
    counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(v, _)| v.clone())
}

impl ModeTable {
    pub fn fit(history: &[HistoryRecord], field: Field) -> ModeTable {
        let mut table = ModeTable::default();
        for r in history {
            table.add(r, field);
        }
        table
    }

    /// Counts one more line, as a company's history grows by the lines its reviewers approve.
    pub fn add(&mut self, r: &HistoryRecord, field: Field) {
        let value = field.of(r).map(str::to_string);
        *self.overall.entry(value.clone()).or_default() += 1;
        let vendor = vendor_key(r);
        if vendor.is_empty() {
            return;
        }
        *self
            .by_vendor
            .entry(vendor.clone())
            .or_default()
            .entry(value.clone())
            .or_default() += 1;
        *self
            .by_vendor_text
            .entry((vendor, text_key(r)))
            .or_default()
            .entry(value)
            .or_default() += 1;
    }

    pub fn knows_vendor(&self, r: &HistoryRecord) -> bool {
        self.by_vendor.contains_key(&vendor_key(r))
    }

    /// The vendor's most frequent value, else the company's.
    pub fn vendor_mode(&self, r: &HistoryRecord) -> Option<String> {
        self.by_vendor
            .get(&vendor_key(r))
            .and_then(mode)
            .or_else(|| mode(&self.overall))
            .flatten()
    }

    /// Whether the vendor used `value` anywhere in the history: a rule that picks among the
    /// vendor's past values can be right at most on the lines where this holds.
    pub fn vendor_used(&self, r: &HistoryRecord, value: Option<&str>) -> bool {
        self.by_vendor
            .get(&vendor_key(r))
            .is_some_and(|counts| counts.contains_key(&value.map(str::to_string)))
    }

    /// The most frequent value for the vendor and description, else the vendor's, else the
    /// company's.
    pub fn vendor_text_mode(&self, r: &HistoryRecord) -> Option<String> {
        match self
            .by_vendor_text
            .get(&(vendor_key(r), text_key(r)))
            .and_then(mode)
        {
            Some(value) => value,
            None => self.vendor_mode(r),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use ledgerline_core::history::Date;

    /// A line of vendor `vendor` with description `memo` coded to `account`, on 2024-01-01.
    pub(crate) fn line(vendor: &str, memo: &str, account: &str) -> HistoryRecord {
        HistoryRecord {
            line_id: format!("{vendor}-{memo}-{account}"),
            company: "C".into(),
            entity: None,
            posting_date: Date::new(2024, 1, 1).unwrap(),
            amount: rust_decimal::Decimal::ONE,
            memo: memo.into(),
            vendor_id: None,
            vendor_name: Some(vendor.into()),
            account: account.into(),
            department: None,
            location: None,
            project: None,
            class: None,
            customer: None,
            modified_at: String::new(),
        }
    }

    #[test]
    fn modes_fall_back_from_text_to_vendor_to_company() {
        let history = vec![
            line("Acme", "paper", "6010"),
            line("Acme", "paper", "6010"),
            line("Acme", "toner", "6020"),
            line("Globex", "licence", "6300"),
            line("Globex", "licence", "6300"),
            line("Initech", "x", "6300"),
        ];
        let t = ModeTable::fit(&history, Field::Account);
        let q = |v: &str, m: &str| line(v, m, "?");
        assert_eq!(
            t.vendor_mode(&q("ACME ", "anything")).as_deref(),
            Some("6010")
        );
        assert_eq!(
            t.vendor_text_mode(&q("Acme", "Toner")).as_deref(),
            Some("6020")
        );
        assert_eq!(
            t.vendor_text_mode(&q("Acme", "ink")).as_deref(),
            Some("6010")
        );
        assert_eq!(t.vendor_mode(&q("Nobody", "x")).as_deref(), Some("6300"));
        assert!(!t.knows_vendor(&q("Nobody", "x")));
        assert!(t.vendor_used(&q("acme", "x"), Some("6020")));
        assert!(!t.vendor_used(&q("Acme", "x"), Some("6300")));
        assert!(!t.vendor_used(&q("Nobody", "x"), Some("6300")));
    }
}
