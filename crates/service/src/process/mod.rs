//! The whole job for one document: read -> extract -> propose (suggest) -> validate -> route ->
//! queue for review or post to Intacct, every step audited; and the reviewer's decisions that
//! follow (approve, edit, reject), which post and teach the index.
//!
//! Idempotent by document: a document already seen returns its proposal (`replayed`), and a
//! proposal approved but not yet confirmed by Intacct (the process stopped in between) is
//! posted again under the same control id, which Intacct refuses to execute twice.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use crate::audit::Event;
use crate::propose::{self, Entry, Kind, Posting, Proposal, State};
use crate::review::{Inserted, ReviewError, Store};
use crate::route::{self, Action, Policy, PolicyError};
use crate::validate::{self, Context, Issue, Severity};
use ledgerline_core::company::{Chart, CompanyError};
use ledgerline_core::history::HistoryRecord;
use ledgerline_intacct as intacct;
use ledgerline_read::decode::MediaType;
use ledgerline_read::read::{ReadError, Reader};
use ledgerline_suggest::suggest::{SuggestError, Suggester};

mod open;
mod writer;

pub use open::{OpenError, Stages, open};
pub use writer::Writer;

/// Why a document or a decision could not be processed. Posting failures are not errors: they
/// are recorded on the proposal (state `failed`, with Intacct's reason).
#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    #[error("{0}")]
    BadRequest(String),
    #[error(
        "company {0:?} is not set up here; import its history (with its chart) with `ledgerline history import` first"
    )]
    UnknownCompany(String),
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(transparent)]
    Suggest(#[from] SuggestError),
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error(transparent)]
    Company(#[from] CompanyError),
    #[error(transparent)]
    Review(#[from] ReviewError),
    #[error("the edited entry is not valid: {}", .0.iter().map(|i| i.message.as_str()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<Issue>),
    #[error("reading the document stopped unexpectedly: {0}")]
    Task(String),
    #[error(
        "the proposal cannot be approved as it is: {0}; edit it first (EditAndApprove), then it posts"
    )]
    NeedsEdit(String),
}

/// One document as a caller sends it.
#[derive(Debug, Clone)]
pub struct DocumentInput {
    pub content: Vec<u8>,
    pub media_type: MediaType,
    pub external_id: String,
    pub company: String,
    pub entity: Option<String>,
    pub kind: Option<Kind>,
    /// Propose, validate and route, but neither store nor post.
    pub dry_run: bool,
}

/// The proposal for a document, and whether it had been made before.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub proposal: Proposal,
    pub replayed: bool,
}

/// The stages, loaded once per process.
pub struct Pipeline {
    reader: Arc<Reader>,
    suggester: Arc<Suggester>,
    store: Arc<Store>,
    writer: Option<Writer>,
    permits: Arc<Semaphore>,
}

fn event(action: &str, actor: &str, p: &Proposal, detail: serde_json::Value) -> Event {
    Event {
        action: action.to_string(),
        actor: actor.to_string(),
        document_id: Some(p.document_id.clone()),
        proposal_id: Some(p.id.clone()),
        detail,
    }
}

fn digest(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn json_digest<T: serde::Serialize>(value: &T) -> String {
    digest(&serde_json::to_vec(value).unwrap_or_default())
}

/// Who acts when no person does.
pub const SYSTEM_ACTOR: &str = "ledgerline";

impl Pipeline {
    pub fn new(
        reader: Arc<Reader>,
        suggester: Arc<Suggester>,
        store: Arc<Store>,
        writer: Option<Writer>,
        max_concurrent_documents: usize,
    ) -> Pipeline {
        Pipeline {
            reader,
            suggester,
            store,
            writer,
            permits: Arc::new(Semaphore::new(max_concurrent_documents.max(1))),
        }
    }

    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// One page of the company's pending proposals, read off the executor.
    pub async fn pending(
        &self,
        company: &str,
        page_size: usize,
        after: Option<&str>,
    ) -> Result<crate::review::Page, ProcessError> {
        let (company, after) = (company.to_string(), after.map(str::to_string));
        self.blocking(move |s| Ok(s.pending(&company, page_size, after.as_deref())?))
            .await
    }

    /// One proposal in any state, read off the executor.
    pub async fn proposal(&self, id: &str) -> Result<Proposal, ProcessError> {
        let id = id.to_string();
        self.blocking(move |s| Ok(s.get(&id)?)).await
    }

    pub fn reader(&self) -> &Arc<Reader> {
        &self.reader
    }

    pub fn suggester(&self) -> &Arc<Suggester> {
        &self.suggester
    }

    /// The reading slots every document service shares: extraction and processing together
    /// never read more documents at once than the cores can.
    pub fn permits(&self) -> Arc<Semaphore> {
        self.permits.clone()
    }

    /// Runs SQLite and file work on the blocking pool: a transaction may wait seconds on a busy
    /// database, which must never stall an executor thread.
    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Store) -> Result<T, ProcessError> + Send + 'static,
    ) -> Result<T, ProcessError> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || work(&store))
            .await
            .map_err(|e| ProcessError::Task(e.to_string()))?
    }

    fn data_dir(&self) -> PathBuf {
        self.suggester.data_dir().to_path_buf()
    }

    /// Reads, proposes, validates, routes, and queues or posts one document.
    pub async fn process(&self, input: DocumentInput) -> Result<Outcome, ProcessError> {
        let started = Instant::now();
        if input.company.trim().is_empty() {
            return Err(ProcessError::BadRequest(
                "company.company_id is required; name the Intacct company the document belongs to"
                    .into(),
            ));
        }
        if input.content.is_empty() {
            return Err(ProcessError::BadRequest(
                "the document is empty (0 bytes)".into(),
            ));
        }
        let document_id = digest(&input.content);
        if !input.dry_run {
            let (company, id) = (input.company.clone(), document_id.clone());
            let existing = self
                .blocking(move |s| Ok(s.find_by_document(&company, &id)?))
                .await?;
            if let Some(existing) = existing {
                let proposal = self.finish_posting(existing).await?;
                return Ok(Outcome {
                    proposal,
                    replayed: true,
                });
            }
        }
        let (dir, company) = (self.data_dir(), input.company.clone());
        let (chart, policy) = self
            .blocking(move |_| {
                let chart = company_chart(&dir, &company)?;
                Ok((chart, Policy::load(&dir, &company)?))
            })
            .await?;

        let understood = {
            let _permit = self
                .permits
                .acquire()
                .await
                .map_err(|_| ProcessError::Task("the pipeline is shutting down".into()))?;
            let reader = self.reader.clone();
            let content = input.content.clone();
            let media = input.media_type;
            tokio::task::spawn_blocking(move || reader.understand(&content, media))
                .await
                .map_err(|e| ProcessError::Task(e.to_string()))??
        };
        let extraction = understood.extraction;
        let built = propose::build(
            &extraction,
            &input.company,
            input.entity.as_deref(),
            input.kind,
            &chart,
            &policy,
            &self.suggester,
        )
        .await?;
        // Validation reads the queue's bookings: SQLite, so off the executor with the rest.
        let (company, id, checks) = (
            input.company.clone(),
            document_id.clone(),
            extraction.checks.clone(),
        );
        let (entry, issues, routing) = self
            .blocking(move |s| {
                let booked = s.booked(&company, &built.entry.vendor_id, &id)?;
                let mut issues = validate::validate(
                    &built.entry,
                    &Context {
                        chart: &chart,
                        policy: &policy,
                        booked: &booked,
                        suggestions: &built.suggestions,
                    },
                );
                issues.extend(validate::document_checks(&checks));
                let routing = route::decide(&built.entry, &issues, &policy, built.credit_note);
                Ok((built.entry, issues, routing))
            })
            .await?;
        let now = ledgerline_core::clock::now_rfc3339();
        let proposal = Proposal {
            id: propose::proposal_id(&input.company, &document_id),
            document_id: document_id.clone(),
            external_id: input.external_id.clone(),
            company: input.company.clone(),
            entity: input.entity.clone(),
            entry,
            state: match (input.dry_run, routing.action) {
                (true, _) => State::Proposed,
                (false, Action::Post) => State::Approved,
                (false, Action::Review) => State::Pending,
            },
            routing,
            issues,
            extraction: Some(extraction),
            version: 1,
            created_at: now.clone(),
            updated_at: now,
            posting: None,
            actor: SYSTEM_ACTOR.into(),
        };
        metrics::counter!(
            "ledgerline_proposals_total",
            "action" => match proposal.routing.action { Action::Post => "post", Action::Review => "review" }
        )
        .increment(1);
        metrics::histogram!("ledgerline_process_seconds").record(started.elapsed().as_secs_f64());
        tracing::info!(
            proposal = %proposal.id,
            document = %document_id,
            external_id = %input.external_id,
            action = ?proposal.routing.action,
            lines = proposal.entry.lines.len(),
            issues = proposal.issues.len(),
            "proposed"
        );
        if input.dry_run {
            return Ok(Outcome {
                proposal,
                replayed: false,
            });
        }
        let ocr = self.reader.ocr().params().recognizer.describe();
        let events = proposal_events(&proposal, input.content.len(), input.media_type, ocr);
        match self
            .blocking(move |s| Ok(s.insert(proposal, &events)?))
            .await?
        {
            Inserted::New(p) => Ok(Outcome {
                proposal: self.finish_posting(p).await?,
                replayed: false,
            }),
            Inserted::Existing(p) => Ok(Outcome {
                proposal: self.finish_posting(p).await?,
                replayed: true,
            }),
        }
    }

    /// Posts a proposal that was approved (by routing or a person) and not yet posted; any
    /// other proposal comes back as it is.
    async fn finish_posting(&self, p: Proposal) -> Result<Proposal, ProcessError> {
        if !p.state.awaits_posting() {
            return Ok(p);
        }
        let Some(writer) = self.writer.as_ref().filter(|w| w.company() == p.company) else {
            tracing::warn!(
                proposal = %p.id,
                company = %p.company,
                "approved, but no Intacct connection is configured for this company; it will be posted once one is"
            );
            return Ok(p);
        };
        let started = Instant::now();
        let result = writer.post(p.entity.as_deref(), &p.id, &p.entry).await;
        metrics::histogram!("ledgerline_post_seconds").record(started.elapsed().as_secs_f64());
        let control_id = intacct::control_id(&p.id);
        let request_digest = json_digest(&(&control_id, &p.entry));
        let posted = match result {
            Ok(posted) => {
                let response_digest =
                    json_digest(&(&posted.record_no, &posted.control_id, posted.already_posted));
                let id = p.id.clone();
                self.blocking(move |s| {
                    let recorded = s.transition(
                        &id,
                        None,
                        &[State::Approved, State::Edited],
                        "posted",
                        |p| {
                            p.state = State::Posted;
                            p.posting = Some(Posting {
                                record_no: posted.record_no.clone(),
                                control_id: posted.control_id.clone(),
                                posted_at: ledgerline_core::clock::now_rfc3339(),
                                error: String::new(),
                            });
                        },
                        |p| {
                            vec![event(
                                "posted",
                                SYSTEM_ACTOR,
                                p,
                                serde_json::json!({
                                    "control_id": posted.control_id,
                                    "record_no": posted.record_no,
                                    "already_posted": posted.already_posted,
                                    "request_digest": request_digest,
                                    "response_digest": response_digest,
                                }),
                            )]
                        },
                    );
                    match recorded {
                        // Another process (a replica answering the same document, or one
                        // resuming at start-up) recorded this posting first: Intacct ran the
                        // control id once, and the proposal already says so.
                        Err(e @ ReviewError::WrongState { .. }) => {
                            let current = s.get(&id)?;
                            if current.state == State::Posted {
                                Ok(current)
                            } else {
                                Err(e.into())
                            }
                        }
                        other => Ok(other?),
                    }
                })
                .await?
            }
            Err(e) => {
                tracing::warn!(proposal = %p.id, error = %e, "posting failed");
                let message = e.to_string();
                let id = p.id.clone();
                self.blocking(move |s| {
                    Ok(s.transition(
                        &id,
                        None,
                        &[State::Approved, State::Edited],
                        "failed",
                        |p| {
                            p.state = State::Failed;
                            p.posting = Some(Posting {
                                record_no: String::new(),
                                control_id: control_id.clone(),
                                posted_at: String::new(),
                                error: message.clone(),
                            });
                        },
                        |p| {
                            vec![event(
                                "post_failed",
                                SYSTEM_ACTOR,
                                p,
                                serde_json::json!({
                                    "control_id": control_id,
                                    "error": message,
                                    "request_digest": request_digest,
                                }),
                            )]
                        },
                    )?)
                })
                .await?
            }
        };
        metrics::counter!("ledgerline_postings_total", "state" => posted.state.name()).increment(1);
        Ok(posted)
    }

    /// Posts every proposal a stopped process left approved but unposted.
    pub async fn resume_postings(&self) -> Result<usize, ProcessError> {
        let waiting = self.blocking(|s| Ok(s.awaiting_posting()?)).await?;
        let n = waiting.len();
        for p in waiting {
            self.finish_posting(p).await?;
        }
        Ok(n)
    }

    /// A reviewer approves a pending proposal as it stands; it is posted and its lines become
    /// history at once.
    pub async fn approve(
        &self,
        id: &str,
        expected_version: i64,
        actor: &str,
        comment: &str,
    ) -> Result<Proposal, ProcessError> {
        let (id, actor, comment) = (id.to_string(), actor.to_string(), comment.to_string());
        let p = self
            .blocking(move |s| {
                // Approval vouches for the entry as it is; it cannot overrule what validation refused.
                let current = s.get(&id)?;
                let refused: Vec<&str> = current
                    .issues
                    .iter()
                    .filter(|i| i.severity == Severity::Error)
                    .map(|i| i.message.as_str())
                    .collect();
                if !refused.is_empty() {
                    return Err(ProcessError::NeedsEdit(refused.join("; ")));
                }
                Ok(s.transition(
                    &id,
                    Some(expected_version),
                    &[State::Pending],
                    "approved",
                    |p| {
                        p.state = State::Approved;
                        p.actor = actor.clone();
                    },
                    |p| {
                        vec![event(
                            "approved",
                            &actor,
                            p,
                            serde_json::json!({ "comment": comment, "version": expected_version }),
                        )]
                    },
                )?)
            })
            .await?;
        let p = self.finish_posting(p).await?;
        self.learn(&p).await;
        Ok(p)
    }

    /// A reviewer replaces a pending proposal's entry (validated first) and approves it.
    pub async fn edit(
        &self,
        id: &str,
        expected_version: i64,
        actor: &str,
        mut entry: Entry,
        comment: &str,
    ) -> Result<Proposal, ProcessError> {
        let (id, actor, comment, dir) = (
            id.to_string(),
            actor.to_string(),
            comment.to_string(),
            self.data_dir(),
        );
        let p = self
            .blocking(move |s| {
                let current = s.get(&id)?;
                if current.entry.kind != entry.kind {
                    return Err(ProcessError::BadRequest(format!(
                        "the edited entry is a {:?} but the proposal is a {:?}; send the same kind",
                        entry.kind, current.entry.kind
                    )));
                }
                for (i, line) in entry.lines.iter_mut().enumerate() {
                    line.line_no = i as u32 + 1;
                }
                let issues = check(s, &dir, &current.company, &current.document_id, &entry, &[])?;
                if issues.iter().any(|i| i.severity == Severity::Error) {
                    return Err(ProcessError::Invalid(issues));
                }
                let before = json_digest(&current.entry);
                let after = json_digest(&entry);
                Ok(s.transition(
                    &id,
                    Some(expected_version),
                    &[State::Pending],
                    "edited",
                    |p| {
                        p.entry = entry;
                        p.issues = issues;
                        p.state = State::Edited;
                        p.actor = actor.clone();
                    },
                    |p| {
                        vec![event(
                            "edited",
                            &actor,
                            p,
                            serde_json::json!({
                                "comment": comment,
                                "version": expected_version,
                                "entry_before_digest": before,
                                "entry_after_digest": after,
                            }),
                        )]
                    },
                )?)
            })
            .await?;
        let p = self.finish_posting(p).await?;
        self.learn(&p).await;
        Ok(p)
    }

    /// A reviewer rejects a pending proposal; it is never posted.
    pub async fn reject(
        &self,
        id: &str,
        expected_version: i64,
        actor: &str,
        reason: &str,
    ) -> Result<Proposal, ProcessError> {
        if reason.trim().is_empty() {
            return Err(ProcessError::BadRequest(
                "a rejection needs a reason; it is kept in the audit log".into(),
            ));
        }
        let (id, actor, reason) = (id.to_string(), actor.to_string(), reason.to_string());
        self.blocking(move |s| {
            Ok(s.transition(
                &id,
                Some(expected_version),
                &[State::Pending],
                "rejected",
                |p| {
                    p.state = State::Rejected;
                    p.actor = actor.clone();
                },
                |p| {
                    vec![event(
                        "rejected",
                        &actor,
                        p,
                        serde_json::json!({ "reason": reason, "version": expected_version }),
                    )]
                },
            )?)
        })
        .await
    }

    /// Validation of a draft the way `process` validates a proposal, with corrections from
    /// the suggestions for its lines.
    pub async fn validate_draft(
        &self,
        company: &str,
        entity: Option<&str>,
        entry: &Entry,
    ) -> Result<Vec<Issue>, ProcessError> {
        let mut suggestions = Vec::with_capacity(entry.lines.len());
        for line in &entry.lines {
            let query = ledgerline_suggest::suggest::LineQuery {
                company: company.to_string(),
                entity: entity.map(str::to_string),
                description: line.memo.clone(),
                vendor: Some(entry.vendor_id.clone()).filter(|v| !v.is_empty()),
                amount: Some(line.amount),
                date: entry.date,
                max_candidates: 3,
            };
            suggestions.push(match self.suggester.suggest(&query).await {
                Ok(s) => Some(s),
                Err(SuggestError::EmptyDescription) => None,
                Err(e) => return Err(e.into()),
            });
        }
        let (dir, company, entry) = (self.data_dir(), company.to_string(), entry.clone());
        self.blocking(move |s| check(s, &dir, &company, "", &entry, &suggestions))
            .await
    }

    /// Indexes a decided proposal's coded lines as history, so the next similar line is
    /// suggested better. A failure here costs accuracy, not the decision: it is logged.
    async fn learn(&self, p: &Proposal) {
        // Only what Intacct accepted is history: a refused or failed posting teaches nothing.
        if p.state != State::Posted {
            return;
        }
        let Some(date) = p.entry.date else { return };
        let (dir, company) = (self.data_dir(), p.company.clone());
        let policy = self
            .blocking(move |_| Ok(Policy::load(&dir, &company).unwrap_or_default()))
            .await
            .unwrap_or_default();
        let rule_accounts = [
            Some(policy.bank_account.as_str()),
            Some(policy.ap_account.as_str()),
            policy.tax_account.as_deref(),
        ];
        let records: Vec<HistoryRecord> = p
            .entry
            .lines
            .iter()
            .filter(|l| !rule_accounts.contains(&Some(l.coding.account.as_str())))
            .map(|l| HistoryRecord {
                line_id: format!("{}-{}", p.id, l.line_no),
                company: p.company.clone(),
                entity: p.entity.clone(),
                posting_date: date,
                amount: l.amount,
                memo: l.memo.clone(),
                vendor_id: None,
                vendor_name: Some(p.entry.vendor_id.clone()).filter(|v| !v.is_empty()),
                account: l.coding.account.clone(),
                department: l.coding.department.clone(),
                location: l.coding.location.clone(),
                project: l.coding.project.clone(),
                class: l.coding.class.clone(),
                customer: l.coding.customer.clone(),
                modified_at: p.updated_at.clone(),
            })
            .collect();
        if records.is_empty() {
            return;
        }
        let learnt = records.clone();
        if let Err(e) = ledgerline_suggest::import::index_records(
            records,
            self.suggester.embed_queue(),
            self.suggester.index().as_ref(),
            self.suggester.data_dir(),
            None,
            None,
        )
        .await
        {
            tracing::warn!(proposal = %p.id, error = %e, "the decided lines could not be added to the index");
            return;
        }
        self.suggester.learned(&p.company, learnt).await;
    }
}

/// The company's chart; a company without one is not set up here.
fn company_chart(data_dir: &Path, company: &str) -> Result<Chart, ProcessError> {
    let path = Chart::path(data_dir, company)
        .map_err(|_| ProcessError::UnknownCompany(company.to_string()))?;
    if !path.exists() {
        return Err(ProcessError::UnknownCompany(company.to_string()));
    }
    Ok(Chart::load(&path)?)
}

/// Validation of an entry under the company's chart and policy and the queue's bookings.
fn check(
    store: &Store,
    data_dir: &Path,
    company: &str,
    document_id: &str,
    entry: &Entry,
    suggestions: &[Option<ledgerline_suggest::suggest::Suggestion>],
) -> Result<Vec<Issue>, ProcessError> {
    let chart = company_chart(data_dir, company)?;
    let policy = Policy::load(data_dir, company)?;
    let booked = store.booked(company, &entry.vendor_id, document_id)?;
    Ok(validate::validate(
        entry,
        &Context {
            chart: &chart,
            policy: &policy,
            booked: &booked,
            suggestions,
        },
    ))
}

/// The audit entries of a new proposal: what came in, what was read, how it was coded, what
/// validation found and where it was routed. Digests stand in for the document and its text.
fn proposal_events(p: &Proposal, bytes: usize, media: MediaType, ocr: &str) -> Vec<Event> {
    let codings: Vec<serde_json::Value> = p
        .entry
        .lines
        .iter()
        .map(|l| {
            serde_json::json!({
                "line": l.line_no,
                "coding": l.coding,
                "confidences": l.confidences,
                "precedents": l.precedents.iter().map(|x| &x.source_id).collect::<Vec<_>>(),
            })
        })
        .collect();
    // A long statement codes hundreds of lines: its events are split to fit the audit log.
    [
        event(
            "received",
            SYSTEM_ACTOR,
            p,
            serde_json::json!({
                "document_sha256": p.document_id,
                "external_id": p.external_id,
                "media_type": media.to_string(),
                "bytes": bytes,
            }),
        ),
        event(
            "extracted",
            SYSTEM_ACTOR,
            p,
            serde_json::json!({
                "extraction_digest": json_digest(&p.extraction),
                "kind": p.extraction.as_ref().map(|x| x.kind),
                // Where the header and lines came from: the page, or e-invoice XML.
                "source": p.extraction.as_ref().map(|x| x.source().as_str()),
                "models": {
                    "ocr": ocr,
                    "layout": "PicoDet CDLA",
                    "suggest": ledgerline_suggest::suggest::MODEL_VERSION,
                },
            }),
        ),
        event(
            "suggested",
            SYSTEM_ACTOR,
            p,
            serde_json::json!({ "lines": codings }),
        ),
        event(
            "routed",
            SYSTEM_ACTOR,
            p,
            serde_json::json!({
                "action": p.routing.action,
                "reasons": p.routing.reasons,
                "policy_version": p.routing.policy_version,
                "issues": p.issues.iter().map(|i| (&i.kind, &i.severity, &i.message)).collect::<Vec<_>>(),
                "entry_digest": json_digest(&p.entry),
            }),
        ),
        ]
    .into_iter()
    .flat_map(crate::audit::split_oversized)
    .collect()
}
