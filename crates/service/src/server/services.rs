//! `ledgerline.v1.ProposalService` and `ledgerline.v1.ReviewService`: each handler translates
//! between protobuf and the [`process`](crate::process) pipeline; the reviewer acting is the
//! name of the API token the call carried.

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;
use tonic::{Request, Response, Status};

use super::status::process_status;
use crate::process::{DocumentInput, Pipeline};
use crate::propose::{self, Coding, Entry, Kind, Line, Side, State};
use crate::proto::v1::{
    self as pb, proposal_service_server::ProposalService, review_service_server::ReviewService,
};
use crate::route::Action;
use crate::validate::{Issue, IssueKind, Severity};
use ledgerline_read::decode::MediaType;

/// `ledgerline.v1.ProposalService`.
pub struct Proposal {
    pub pipeline: Arc<Pipeline>,
    /// The server's budget of document bytes in flight, shared with extraction.
    pub admission: super::admission::Admission,
}

/// `ledgerline.v1.ReviewService`.
pub struct Review {
    pub pipeline: Arc<Pipeline>,
}

/// Who is acting: the API token's name, or "anonymous" when access control is off.
fn actor<T>(request: &Request<T>) -> String {
    crate::auth::principal(request)
        .map(|p| p.name.clone())
        .unwrap_or_else(|| "anonymous".to_string())
}

fn kind_from_pb(kind: i32) -> Option<Kind> {
    match pb::ProposalKind::try_from(kind).unwrap_or_default() {
        pb::ProposalKind::JournalEntry => Some(Kind::JournalEntry),
        pb::ProposalKind::ApBill => Some(Kind::ApBill),
        pb::ProposalKind::Unspecified => None,
    }
}

fn money(amount: Decimal, currency: &str) -> Option<pb::Money> {
    Some(pb::Money {
        amount: amount.to_string(),
        currency: currency.to_string(),
    })
}

fn opt(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

fn non_empty(value: &str) -> Option<String> {
    Some(value.trim().to_string()).filter(|v| !v.is_empty())
}

fn coding_to_pb(c: &Coding) -> pb::Coding {
    pb::Coding {
        account: c.account.clone(),
        department: opt(&c.department),
        location: opt(&c.location),
        project: opt(&c.project),
        class_id: opt(&c.class),
        vendor: opt(&c.vendor),
        customer: opt(&c.customer),
        custom: Default::default(),
    }
}

fn line_to_pb(l: &Line, currency: &str) -> pb::EntryLine {
    pb::EntryLine {
        line_no: l.line_no,
        coding: Some(coding_to_pb(&l.coding)),
        amount: money(l.amount, currency),
        side: match l.side {
            Side::Debit => pb::EntrySide::Debit,
            Side::Credit => pb::EntrySide::Credit,
        } as i32,
        memo: l.memo.clone(),
        confidences: l
            .confidences
            .iter()
            .map(|(field, confidence)| pb::FieldConfidence {
                field: field.clone(),
                confidence: *confidence,
            })
            .collect(),
        precedents: l
            .precedents
            .iter()
            .map(|p| pb::Precedent {
                source_id: p.source_id.clone(),
                memo: p.memo.clone(),
                date: p.date.to_string(),
                amount: money(p.amount, currency),
                similarity: p.similarity,
                coding: Some(coding_to_pb(&p.coding)),
            })
            .collect(),
    }
}

fn date_text(d: Option<ledgerline_core::history::Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn entry_to_pb(e: &Entry) -> pb::proposal::Entry {
    let lines = e.lines.iter().map(|l| line_to_pb(l, &e.currency)).collect();
    match e.kind {
        Kind::JournalEntry => pb::proposal::Entry::JournalEntry(pb::JournalEntry {
            journal: e.journal.clone(),
            posting_date: date_text(e.date),
            description: e.description.clone(),
            reference: e.number.clone(),
            lines,
        }),
        Kind::ApBill => pb::proposal::Entry::ApBill(pb::ApBill {
            vendor_id: e.vendor_id.clone(),
            bill_number: e.number.clone(),
            bill_date: date_text(e.date),
            due_date: date_text(e.due_date),
            po_number: e.po_number.clone(),
            payment_terms: e.payment_terms.clone(),
            description: e.description.clone(),
            total: e.total.and_then(|t| money(t, &e.currency)),
            lines,
        }),
    }
}

fn issue_to_pb(i: &Issue) -> pb::ValidationIssue {
    let kind = match i.kind {
        IssueKind::Unbalanced => pb::IssueKind::Unbalanced,
        IssueKind::UnknownAccount => pb::IssueKind::UnknownAccount,
        IssueKind::InactiveAccount => pb::IssueKind::InactiveAccount,
        IssueKind::UnknownDimension => pb::IssueKind::UnknownDimension,
        IssueKind::InactiveDimension => pb::IssueKind::InactiveDimension,
        IssueKind::MissingDimension => pb::IssueKind::MissingDimension,
        IssueKind::PeriodClosed => pb::IssueKind::PeriodClosed,
        IssueKind::Duplicate => pb::IssueKind::Duplicate,
        IssueKind::UnusualAmount => pb::IssueKind::UnusualAmount,
        IssueKind::Intercompany => pb::IssueKind::Intercompany,
        IssueKind::Malformed => pb::IssueKind::Malformed,
        IssueKind::DocumentMismatch => pb::IssueKind::DocumentMismatch,
    };
    pb::ValidationIssue {
        kind: kind as i32,
        severity: match i.severity {
            Severity::Warning => pb::Severity::Warning,
            Severity::Error => pb::Severity::Error,
        } as i32,
        line_index: i.line_index,
        field: i.field.clone(),
        message: i.message.clone(),
        fixes: i
            .fixes
            .iter()
            .map(|f| pb::SuggestedFix {
                field: f.field.clone(),
                value: f.value.clone(),
                confidence: f.confidence,
                explanation: f.explanation.clone(),
            })
            .collect(),
    }
}

fn state_to_pb(s: State) -> pb::ProposalState {
    match s {
        State::Proposed => pb::ProposalState::Unspecified,
        State::Pending => pb::ProposalState::Pending,
        State::Approved => pb::ProposalState::Approved,
        State::Edited => pb::ProposalState::Edited,
        State::Rejected => pb::ProposalState::Rejected,
        State::Posted => pb::ProposalState::Posted,
        State::Failed => pb::ProposalState::Failed,
    }
}

/// The protobuf form of a proposal. The extraction travels without page images or words.
pub fn proposal_to_pb(p: &propose::Proposal) -> pb::Proposal {
    pb::Proposal {
        proposal_id: p.id.clone(),
        document_id: p.document_id.clone(),
        external_id: p.external_id.clone(),
        company: Some(pb::CompanyRef {
            company_id: p.company.clone(),
            entity_id: opt(&p.entity),
        }),
        kind: match p.entry.kind {
            Kind::JournalEntry => pb::ProposalKind::JournalEntry,
            Kind::ApBill => pb::ProposalKind::ApBill,
        } as i32,
        state: state_to_pb(p.state) as i32,
        entry: Some(entry_to_pb(&p.entry)),
        routing: Some(pb::RoutingDecision {
            action: match p.routing.action {
                Action::Post => pb::RouteAction::Post,
                Action::Review => pb::RouteAction::Review,
            } as i32,
            reasons: p.routing.reasons.clone(),
            policy_version: p.routing.policy_version.clone(),
        }),
        issues: p.issues.iter().map(issue_to_pb).collect(),
        extraction: p.extraction.as_ref().map(|x| {
            super::convert::extraction(
                p.document_id.clone(),
                p.external_id.clone(),
                &[],
                x,
                false,
                String::new(),
            )
        }),
        version: p.version,
        created_at: p.created_at.clone(),
        updated_at: p.updated_at.clone(),
        posting: p.posting.as_ref().map(|x| pb::PostingResult {
            record_no: x.record_no.clone(),
            control_id: x.control_id.clone(),
            posted_at: x.posted_at.clone(),
            error: x.error.clone(),
        }),
        actor: p.actor.clone(),
    }
}

fn invalid(message: String) -> Status {
    Status::invalid_argument(message)
}

fn parse_date(text: &str, what: &str) -> Result<Option<ledgerline_core::history::Date>, Status> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    ledgerline_core::history::Date::parse(text.trim())
        .map(Some)
        .map_err(|e| invalid(format!("{what}: {e}")))
}

fn lines_from_pb(lines: &[pb::EntryLine], default_side: Side) -> Result<Vec<Line>, Status> {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let at = i + 1;
            let text = l.amount.as_ref().map(|m| m.amount.trim()).unwrap_or("");
            let amount: Decimal = text.parse().map_err(|_| {
                invalid(format!(
                    "line {at}: amount {text:?} is not a decimal string like \"123.45\""
                ))
            })?;
            let side = match pb::EntrySide::try_from(l.side).unwrap_or_default() {
                pb::EntrySide::Debit => Side::Debit,
                pb::EntrySide::Credit => Side::Credit,
                pb::EntrySide::Unspecified => default_side,
            };
            let c = l.coding.clone().unwrap_or_default();
            Ok(Line {
                line_no: l.line_no,
                coding: Coding {
                    account: c.account.trim().to_string(),
                    department: non_empty(&c.department),
                    location: non_empty(&c.location),
                    project: non_empty(&c.project),
                    class: non_empty(&c.class_id),
                    vendor: non_empty(&c.vendor),
                    customer: non_empty(&c.customer),
                },
                amount,
                side,
                memo: l.memo.clone(),
                confidences: BTreeMap::new(),
                precedents: Vec::new(),
            })
        })
        .collect()
}

/// A draft or an edit as an entry.
fn entry_from_pb(entry: Option<pb::proposal::Entry>) -> Result<Entry, Status> {
    match entry {
        None => Err(invalid(
            "no entry was sent; set journal_entry or ap_bill".into(),
        )),
        Some(pb::proposal::Entry::JournalEntry(je)) => Ok(Entry {
            kind: Kind::JournalEntry,
            journal: je.journal,
            vendor_id: String::new(),
            number: je.reference,
            date: parse_date(&je.posting_date, "posting_date")?,
            due_date: None,
            po_number: String::new(),
            payment_terms: String::new(),
            description: je.description,
            currency: je
                .lines
                .iter()
                .find_map(|l| l.amount.as_ref().map(|m| m.currency.clone()))
                .unwrap_or_default(),
            total: None,
            statement: false,
            lines: lines_from_pb(&je.lines, Side::Debit)?,
        }),
        Some(pb::proposal::Entry::ApBill(bill)) => {
            let total = match bill.total.as_ref().map(|m| m.amount.trim()) {
                None | Some("") => None,
                Some(t) => Some(t.parse().map_err(|_| {
                    invalid(format!(
                        "total {t:?} is not a decimal string like \"123.45\""
                    ))
                })?),
            };
            Ok(Entry {
                kind: Kind::ApBill,
                journal: String::new(),
                vendor_id: bill.vendor_id,
                number: bill.bill_number,
                date: parse_date(&bill.bill_date, "bill_date")?,
                due_date: parse_date(&bill.due_date, "due_date")?,
                po_number: bill.po_number,
                payment_terms: bill.payment_terms,
                description: bill.description,
                currency: bill.total.map(|m| m.currency).unwrap_or_default(),
                total,
                statement: false,
                lines: lines_from_pb(&bill.lines, Side::Debit)?,
            })
        }
    }
}

fn validate_entry_to_proposal_entry(
    e: Option<pb::validate_journal_entry_request::Entry>,
) -> Option<pb::proposal::Entry> {
    e.map(|e| match e {
        pb::validate_journal_entry_request::Entry::JournalEntry(x) => {
            pb::proposal::Entry::JournalEntry(x)
        }
        pb::validate_journal_entry_request::Entry::ApBill(x) => pb::proposal::Entry::ApBill(x),
    })
}

fn edit_entry_to_proposal_entry(e: Option<pb::edit_request::Entry>) -> Option<pb::proposal::Entry> {
    e.map(|e| match e {
        pb::edit_request::Entry::JournalEntry(x) => pb::proposal::Entry::JournalEntry(x),
        pb::edit_request::Entry::ApBill(x) => pb::proposal::Entry::ApBill(x),
    })
}

fn company(c: Option<pb::CompanyRef>) -> Result<(String, Option<String>), Status> {
    let c = c.unwrap_or_default();
    if c.company_id.trim().is_empty() {
        return Err(invalid(
            "company.company_id is required; name the Intacct company".into(),
        ));
    }
    Ok((c.company_id.trim().to_string(), non_empty(&c.entity_id)))
}

#[tonic::async_trait]
impl ProposalService for Proposal {
    async fn process_document(
        &self,
        request: Request<pb::ProcessDocumentRequest>,
    ) -> Result<Response<pb::ProcessDocumentResponse>, Status> {
        let r = request.into_inner();
        let document = r.document.ok_or_else(|| {
            invalid("the request has no document; set ProcessDocumentRequest.document".into())
        })?;
        let (company, entity) = company(r.company)?;
        let media_type = MediaType::parse(&document.media_type)
            .map_err(|e| Status::invalid_argument(e.to_string()))?;
        let _admitted = self.admission.admit(document.content.len())?;
        let outcome = self
            .pipeline
            .process(DocumentInput {
                content: document.content,
                media_type,
                external_id: document.external_id,
                company,
                entity,
                kind: kind_from_pb(r.kind),
                dry_run: r.dry_run,
            })
            .await
            .map_err(process_status)?;
        Ok(Response::new(pb::ProcessDocumentResponse {
            proposal: Some(proposal_to_pb(&outcome.proposal)),
            replayed: outcome.replayed,
        }))
    }

    async fn validate_journal_entry(
        &self,
        request: Request<pb::ValidateJournalEntryRequest>,
    ) -> Result<Response<pb::ValidateJournalEntryResponse>, Status> {
        let r = request.into_inner();
        let (company, entity) = company(r.company)?;
        let entry = entry_from_pb(validate_entry_to_proposal_entry(r.entry))?;
        let issues = self
            .pipeline
            .validate_draft(&company, entity.as_deref(), &entry)
            .await
            .map_err(process_status)?;
        Ok(Response::new(pb::ValidateJournalEntryResponse {
            is_valid: !issues.iter().any(|i| i.severity == Severity::Error),
            issues: issues.iter().map(issue_to_pb).collect(),
        }))
    }
}

fn summary(p: &propose::Proposal) -> pb::ProposalSummary {
    pb::ProposalSummary {
        proposal_id: p.id.clone(),
        external_id: p.external_id.clone(),
        kind: match p.entry.kind {
            Kind::JournalEntry => pb::ProposalKind::JournalEntry,
            Kind::ApBill => pb::ProposalKind::ApBill,
        } as i32,
        counterparty: p.entry.vendor_id.clone(),
        total: money(
            p.entry.total.unwrap_or_else(|| p.entry.debits()),
            &p.entry.currency,
        ),
        reasons: p.routing.reasons.clone(),
        created_at: p.created_at.clone(),
        version: p.version,
    }
}

fn required_id(id: &str) -> Result<&str, Status> {
    let id = id.trim();
    if id.is_empty() {
        return Err(invalid("proposal_id is required".into()));
    }
    Ok(id)
}

#[tonic::async_trait]
impl ReviewService for Review {
    async fn list_pending(
        &self,
        request: Request<pb::ListPendingRequest>,
    ) -> Result<Response<pb::ListPendingResponse>, Status> {
        let r = request.into_inner();
        let (company, _) = company(r.company)?;
        let size = match r.page_size {
            0 => 50,
            n => n.min(500) as usize,
        };
        let after = Some(r.page_token.as_str()).filter(|t| !t.is_empty());
        let page = self
            .pipeline
            .pending(&company, size, after)
            .await
            .map_err(process_status)?;
        Ok(Response::new(pb::ListPendingResponse {
            proposals: page.proposals.iter().map(summary).collect(),
            next_page_token: page.next.unwrap_or_default(),
            total: page.total,
        }))
    }

    async fn get_proposal(
        &self,
        request: Request<pb::GetProposalRequest>,
    ) -> Result<Response<pb::Proposal>, Status> {
        let r = request.into_inner();
        let p = self
            .pipeline
            .proposal(required_id(&r.proposal_id)?)
            .await
            .map_err(process_status)?;
        Ok(Response::new(proposal_to_pb(&p)))
    }

    async fn approve(
        &self,
        request: Request<pb::ApproveRequest>,
    ) -> Result<Response<pb::Proposal>, Status> {
        let actor = actor(&request);
        let r = request.into_inner();
        let p = self
            .pipeline
            .approve(
                required_id(&r.proposal_id)?,
                r.expected_version,
                &actor,
                &r.comment,
            )
            .await
            .map_err(process_status)?;
        Ok(Response::new(proposal_to_pb(&p)))
    }

    async fn edit(
        &self,
        request: Request<pb::EditRequest>,
    ) -> Result<Response<pb::Proposal>, Status> {
        let actor = actor(&request);
        let r = request.into_inner();
        let entry = entry_from_pb(edit_entry_to_proposal_entry(r.entry))?;
        let p = self
            .pipeline
            .edit(
                required_id(&r.proposal_id)?,
                r.expected_version,
                &actor,
                entry,
                &r.comment,
            )
            .await
            .map_err(process_status)?;
        Ok(Response::new(proposal_to_pb(&p)))
    }

    async fn reject(
        &self,
        request: Request<pb::RejectRequest>,
    ) -> Result<Response<pb::Proposal>, Status> {
        let actor = actor(&request);
        let r = request.into_inner();
        let p = self
            .pipeline
            .reject(
                required_id(&r.proposal_id)?,
                r.expected_version,
                &actor,
                &r.reason,
            )
            .await
            .map_err(process_status)?;
        Ok(Response::new(proposal_to_pb(&p)))
    }
}
