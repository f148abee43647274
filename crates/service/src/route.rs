//! Routing: whether a proposal is posted to Intacct at once or waits for a person. Each company
//! has a policy (`<data_dir>/companies/<company>/policy.toml`, defaults when absent): minimum
//! confidence per coded field, an amount above which a person always looks, accounts that always
//! need a person, and the accounts the proposals themselves use (bank, payables, tax). A proposal
//! is posted without review only when every line clears the policy and validation found no
//! error; the reasons for either outcome are kept with the proposal.

pub use crate::policy::{Policy, PolicyError};
pub use crate::proposal::{Action, Routing};
use crate::proposal::{Entry, Issue, Kind, Severity};

/// Decides for one proposal. `credit_note` marks an entry that reverses a payable.
pub fn decide(entry: &Entry, issues: &[Issue], policy: &Policy, credit_note: bool) -> Routing {
    let mut review = Vec::new();
    for issue in issues.iter().filter(|i| i.severity == Severity::Error) {
        review.push(format!("validation: {}", issue.message));
    }
    for issue in issues.iter().filter(|i| i.severity == Severity::Warning) {
        review.push(format!("worth a look: {}", issue.message));
    }
    if credit_note && policy.credit_notes_need_review {
        review.push("credit notes are booked by a person (policy)".into());
    }
    if entry.kind == Kind::JournalEntry && entry.statement && policy.statements_need_review {
        review.push("bank statements are reconciled by a person (policy)".into());
    }
    if entry.lines.is_empty() {
        review.push("nothing to book: no lines were read from the document".into());
    }
    let total = entry.total.unwrap_or_else(|| entry.debits());
    if let Some(limit) = policy.review_above
        && total.abs() > limit
    {
        review.push(format!(
            "total {} {} is above the review threshold {limit}",
            total, entry.currency
        ));
    }
    let mut lowest: Option<(f32, String, u32)> = None;
    for line in &entry.lines {
        if policy.always_review_accounts.contains(&line.coding.account) {
            review.push(format!(
                "line {}: account {} always needs review (policy)",
                line.line_no, line.coding.account
            ));
        }
        for (field, confidence) in &line.confidences {
            let floor = policy.min_confidence(field);
            if *confidence < floor {
                review.push(format!(
                    "line {}: {} {} has confidence {:.2}, below {:.2}",
                    line.line_no,
                    field,
                    line.coding.value(field).unwrap_or("(empty)"),
                    confidence,
                    floor
                ));
            }
            if lowest.as_ref().is_none_or(|(c, _, _)| confidence < c) {
                lowest = Some((*confidence, field.clone(), line.line_no));
            }
        }
    }
    if review.is_empty() {
        let mut reasons = vec!["validation found no issue".to_string()];
        if let Some((c, field, line)) = lowest {
            reasons.push(format!(
                "every line clears the policy; the least confident field is {field} on line {line} at {c:.2}"
            ));
        }
        if let Some(limit) = policy.review_above {
            reasons.push(format!(
                "total {} {} is within the review threshold {limit}",
                total, entry.currency
            ));
        }
        Routing {
            action: Action::Post,
            reasons,
            policy_version: policy.version.clone(),
        }
    } else {
        Routing {
            action: Action::Review,
            reasons: review,
            policy_version: policy.version.clone(),
        }
    }
}
