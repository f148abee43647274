//! The fake's synthetic company: a chart of accounts with some inactive accounts, dimensions,
//! vendors and N GL-detail lines, all generated from a seed so every run sees the same data.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;

use ledgerline_core::history::Date;
use ledgerline_intacct::{Dimensions, INACTIVE_ACCOUNT_ERRORNO};

/// A problem found in a payload: (errorno, message).
pub type Problem = (String, String);

fn err(code: &str, message: impl Into<String>) -> Problem {
    (code.to_string(), message.into())
}

/// A listed value (account, dimension value or vendor): id, name, active.
#[derive(Debug, Clone)]
pub struct Listed {
    pub id: String,
    pub name: String,
    pub active: bool,
}

/// One GL-detail line as the fake keeps it.
#[derive(Debug, Clone)]
pub struct GlLine {
    pub record_no: u64,
    pub entry_date: Date,
    /// 1 debit, -1 credit; `amount` is absolute, as on the wire.
    pub tr_type: i8,
    pub amount: Decimal,
    pub description: String,
    pub account: String,
    pub department: Option<String>,
    pub location: Option<String>,
    pub project: Option<String>,
    pub class: Option<String>,
    pub customer: Option<String>,
    pub vendor: Option<(String, String)>,
    /// Sortable `YYYY-MM-DD HH:MM:SS`; each API renders it its own way.
    pub modified: String,
}

/// Everything the fake serves that was not posted to it.
#[derive(Debug, Clone)]
pub struct Company {
    pub accounts: Vec<Listed>,
    pub departments: Vec<Listed>,
    pub locations: Vec<Listed>,
    pub projects: Vec<Listed>,
    pub classes: Vec<Listed>,
    pub vendors: Vec<Listed>,
    pub customers: Vec<String>,
    pub gl_lines: Vec<GlLine>,
}

fn listed(id: &str, name: &str, active: bool) -> Listed {
    Listed {
        id: id.into(),
        name: name.into(),
        active,
    }
}

const ACCOUNTS: [(&str, &str); 16] = [
    ("1000", "Cash in Bank, Operating"),
    ("1200", "Accounts Receivable"),
    ("1400", "Prepaid Expenses"),
    ("2000", "Accounts Payable"),
    ("2080", "Accrued Salaries"),
    ("4000", "Product Revenue"),
    ("5000", "Cost of Goods Sold"),
    ("6000", "Office Supplies"),
    ("6100", "Software Subscriptions"),
    ("6200", "Travel"),
    ("6220", "Meals and Entertainment"),
    ("6300", "Rent"),
    ("6400", "Utilities"),
    ("6500", "Salary Expense"),
    ("6600", "Professional Fees"),
    ("6700", "Telephone and Internet"),
];

const VENDOR_WORDS: [&str; 10] = [
    "Acme",
    "Northwind",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Tyrell",
    "Soylent",
    "Hooli",
];
const VENDOR_KINDS: [&str; 5] = [
    "Office Supply",
    "Software",
    "Travel",
    "Catering",
    "Consulting",
];

impl Company {
    /// The company for `seed` with `gl_lines` lines of history. Entities are the top-level
    /// locations.
    pub fn generate(seed: u64, gl_lines: usize, entities: &[String]) -> Company {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut accounts: Vec<Listed> = ACCOUNTS.iter().map(|(n, t)| listed(n, t, true)).collect();
        accounts.push(listed("6999", "Travel (retired)", false));
        accounts.push(listed("7999", "Legacy Clearing", false));
        accounts.push(listed("1999", "Old Suspense", false));
        let departments = vec![
            listed("ADM", "Administration", true),
            listed("SAL", "Sales", true),
            listed("ENG", "Engineering", true),
            listed("OPS", "Operations", true),
            listed("OLD", "Closed Department", false),
        ];
        let mut locations: Vec<Listed> = entities
            .iter()
            .map(|e| listed(e, &format!("Entity {e}"), true))
            .collect();
        locations.push(listed("NY", "New York Office", true));
        locations.push(listed("CA", "California Office", true));
        let projects: Vec<Listed> = (100..105)
            .map(|n| listed(&format!("P{n}"), &format!("Project {n}"), n != 104))
            .collect();
        let classes = vec![
            listed("RETAIL", "Retail", true),
            listed("WHOLESALE", "Wholesale", true),
            listed("GOV", "Government", true),
        ];
        let vendors: Vec<Listed> = (0..20)
            .map(|i| {
                let name = format!(
                    "{} {}",
                    VENDOR_WORDS[i % VENDOR_WORDS.len()],
                    VENDOR_KINDS[(i / 2) % VENDOR_KINDS.len()]
                );
                listed(&format!("V{:04}", i + 1), &name, i != 19)
            })
            .collect();
        let customers: Vec<String> = (1..=10).map(|i| format!("C{i:03}")).collect();
        let active_accounts: Vec<&Listed> = accounts.iter().filter(|a| a.active).collect();
        let pick = |rng: &mut StdRng, list: &[Listed]| -> Option<String> {
            rng.random_bool(0.8)
                .then(|| list[rng.random_range(0..list.len())].id.clone())
        };
        let gl_lines = (0..gl_lines)
            .map(|i| {
                let account = active_accounts[rng.random_range(0..active_accounts.len())];
                let vendor = rng
                    .random_bool(0.6)
                    .then(|| &vendors[rng.random_range(0..vendors.len())]);
                let month = 1 + (i * 12 / gl_lines.max(1)) as u8;
                let day = rng.random_range(1..=28u8);
                let cents: i64 = rng.random_range(100..5_000_000);
                GlLine {
                    record_no: 10_000 + i as u64,
                    entry_date: Date::new(2024, month, day).expect("valid date"),
                    tr_type: if rng.random_bool(0.7) { 1 } else { -1 },
                    amount: Decimal::new(cents, 2),
                    description: match vendor {
                        Some(v) => format!("{} invoice {}", v.name, 1000 + i),
                        None => format!("{} adjustment {}", account.name, i),
                    },
                    account: account.id.clone(),
                    department: pick(&mut rng, &departments),
                    location: pick(&mut rng, &locations),
                    project: pick(&mut rng, &projects),
                    class: pick(&mut rng, &classes),
                    customer: rng
                        .random_bool(0.2)
                        .then(|| customers[rng.random_range(0..customers.len())].clone()),
                    vendor: vendor.map(|v| (v.id.clone(), v.name.clone())),
                    modified: format!(
                        "2025-{:02}-{:02} {:02}:{:02}:{:02}",
                        month,
                        day,
                        rng.random_range(0..24),
                        rng.random_range(0..60),
                        rng.random_range(0..60)
                    ),
                }
            })
            .collect();
        Company {
            accounts,
            departments,
            locations,
            projects,
            classes,
            vendors,
            customers,
            gl_lines,
        }
    }

    /// The company a [`Chart`](ledgerline_core::company::Chart) describes (the synthetic company of the
    /// fixtures), with no GL history: what a trial of the whole pipeline posts into.
    pub fn from_chart(chart: &ledgerline_core::company::Chart) -> Company {
        let list = |values: &[ledgerline_core::company::Listed]| -> Vec<Listed> {
            values
                .iter()
                .map(|v| listed(&v.id, &v.name, v.active))
                .collect()
        };
        let mut locations = list(&chart.locations);
        // Entities are top-level locations in Intacct.
        locations.extend(list(&chart.entities));
        Company {
            accounts: chart
                .accounts
                .iter()
                .map(|a| listed(&a.id, &a.name, a.active))
                .collect(),
            departments: list(&chart.departments),
            locations,
            projects: list(&chart.projects),
            classes: list(&chart.classes),
            vendors: list(&chart.vendors),
            customers: Vec::new(),
            gl_lines: Vec::new(),
        }
    }

    /// Checks one line's account, amount and dimensions as Intacct would; problems are pushed
    /// as (errorno, message) and the amount (zero if unreadable) is returned.
    pub fn check_line(
        &self,
        account: &str,
        amount: &str,
        dims: &Dimensions,
        errors: &mut Vec<Problem>,
    ) -> Decimal {
        match self.account(account) {
            None => errors.push(err(
                "BL01001973",
                format!("Invalid account {account}: it does not exist"),
            )),
            Some(a) if !a.active => errors.push(err(
                INACTIVE_ACCOUNT_ERRORNO,
                format!("The GL account {account} is inactive and cannot be used"),
            )),
            Some(_) => {}
        }
        if let Some((dim, value)) = self.unknown_dimension(dims) {
            errors.push(err(
                "BL01001973",
                format!("Invalid {dim} {value}: it does not exist"),
            ));
        }
        match amount.parse::<Decimal>() {
            Ok(a) if a > Decimal::ZERO && a.scale() <= 2 => a,
            _ => {
                errors.push(err(
                    "BL01001973",
                    format!("Amount {amount:?} must be a positive decimal with at most 2 places"),
                ));
                Decimal::ZERO
            }
        }
    }

    pub fn account(&self, id: &str) -> Option<&Listed> {
        self.accounts.iter().find(|a| a.id == id)
    }

    /// Checks that every dimension value named on a line exists; returns the first unknown one
    /// as (dimension, value).
    pub fn unknown_dimension(&self, dims: &Dimensions) -> Option<(&'static str, String)> {
        let known = |list: &[Listed], v: &str| list.iter().any(|x| x.id == v);
        let checks: [(&'static str, &Option<String>, bool); 6] = [
            ("department", &dims.department, true),
            ("location", &dims.location, true),
            ("project", &dims.project, true),
            ("class", &dims.class, true),
            ("vendor", &dims.vendor, true),
            ("customer", &dims.customer, true),
        ];
        for (name, value, _) in checks {
            let Some(v) = value else { continue };
            let ok = match name {
                "department" => known(&self.departments, v),
                "location" => known(&self.locations, v),
                "project" => known(&self.projects, v),
                "class" => known(&self.classes, v),
                "vendor" => known(&self.vendors, v),
                _ => self.customers.contains(v),
            };
            if !ok {
                return Some((name, v.clone()));
            }
        }
        None
    }
}

/// Renders a sortable timestamp the XML gateway's way (`mm/dd/yyyy HH:MM:SS`).
pub fn xml_timestamp(sortable: &str) -> String {
    let (date, time) = sortable.split_once(' ').unwrap_or((sortable, "00:00:00"));
    let d = Date::parse(date).map(|d| d.us()).unwrap_or_default();
    format!("{d} {time}")
}

/// Renders a sortable timestamp the REST way (`YYYY-MM-DDTHH:MM:SSZ`).
pub fn rest_timestamp(sortable: &str) -> String {
    format!("{}Z", sortable.replacen(' ', "T", 1))
}

/// Reads either rendering back into the sortable form, for comparisons in filters.
pub fn sortable_timestamp(text: &str) -> Option<String> {
    ledgerline_core::history::timestamp_key(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_company() {
        let entities = vec!["US".to_string()];
        let a = Company::generate(7, 50, &entities);
        let b = Company::generate(7, 50, &entities);
        let c = Company::generate(8, 50, &entities);
        let key = |c: &Company| {
            c.gl_lines
                .iter()
                .map(|l| format!("{}{}{}", l.account, l.amount, l.modified))
                .collect::<String>()
        };
        assert_eq!(key(&a), key(&b));
        assert_ne!(key(&a), key(&c));
        assert!(a.accounts.iter().any(|x| !x.active));
        assert!(
            a.gl_lines
                .iter()
                .all(|l| a.account(&l.account).unwrap().active)
        );
    }

    #[test]
    fn timestamps_round_trip_through_both_renderings() {
        let t = "2025-03-07 09:05:01";
        assert_eq!(xml_timestamp(t), "03/07/2025 09:05:01");
        assert_eq!(sortable_timestamp(&xml_timestamp(t)).unwrap(), t);
        assert_eq!(sortable_timestamp(&rest_timestamp(t)).unwrap(), t);
    }
}
