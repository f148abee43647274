//! The review queue: every proposal that was stored, durable in the service's SQLite file, with
//! its state (pending -> approved, edited or rejected -> posted or failed). Each change checks
//! the version the actor saw (optimistic concurrency: of two reviewers acting on one proposal,
//! the second is told someone else acted first) and commits together with its audit entries, so
//! no state change is ever unaudited and no audit entry describes a change that did not happen.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::audit::{self, Event};
use crate::propose::{Proposal, State};
use crate::validate::Booked;

/// Why the queue refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("no proposal {0}; list pending proposals with ListPending")]
    NotFound(String),
    #[error(
        "proposal {id} is at version {current}, not {expected}: someone else acted on it first; fetch it again and decide on what it is now"
    )]
    VersionConflict {
        id: String,
        expected: i64,
        current: i64,
    },
    #[error("proposal {id} is {state}, so it cannot be {action}; only pending proposals can")]
    WrongState {
        id: String,
        state: &'static str,
        action: &'static str,
    },
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
    #[error(
        "the review database failed: {0}; check the data directory's disk space and permissions"
    )]
    Sql(#[from] rusqlite::Error),
    #[error(transparent)]
    Audit(#[from] audit::AuditError),
    #[error("a stored proposal could not be read back ({0}); the database may be damaged")]
    Corrupt(String),
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS proposals (
    id TEXT PRIMARY KEY,
    company TEXT NOT NULL,
    document_id TEXT NOT NULL,
    state TEXT NOT NULL,
    version INTEGER NOT NULL,
    vendor TEXT NOT NULL,
    number TEXT NOT NULL,
    created_at TEXT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (company, document_id)
);
CREATE INDEX IF NOT EXISTS proposals_pending ON proposals (company, state, created_at, id);
CREATE INDEX IF NOT EXISTS proposals_vendor ON proposals (company, vendor);
";

/// The queue. One connection per store; other processes (a batch next to the server) open
/// their own, and SQLite's write lock orders them.
pub struct Store {
    conn: Mutex<Connection>,
}

/// What `insert` found.
pub enum Inserted {
    New(Proposal),
    /// The document had a proposal already (perhaps inserted a moment ago by someone else).
    Existing(Proposal),
}

/// One page of pending proposals.
pub struct Page {
    pub proposals: Vec<Proposal>,
    pub next: Option<String>,
    pub total: u64,
}

fn decode(body: String) -> Result<Proposal, ReviewError> {
    serde_json::from_str(&body).map_err(|e| ReviewError::Corrupt(e.to_string()))
}

fn encode(p: &Proposal) -> Result<String, ReviewError> {
    serde_json::to_string(p).map_err(|e| ReviewError::Corrupt(e.to_string()))
}

impl Store {
    pub fn open(data_dir: &Path) -> Result<Store, ReviewError> {
        let conn = crate::db::open(data_dir)?;
        conn.execute_batch(SCHEMA)?;
        audit::init(&conn)?;
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the connection leaves no half transaction behind (rusqlite
        // rolls back on drop), so the connection stays usable.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn get(&self, id: &str) -> Result<Proposal, ReviewError> {
        let body: Option<String> = self
            .conn()
            .query_row("SELECT body FROM proposals WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?;
        decode(body.ok_or_else(|| ReviewError::NotFound(id.to_string()))?)
    }

    pub fn find_by_document(
        &self,
        company: &str,
        document_id: &str,
    ) -> Result<Option<Proposal>, ReviewError> {
        let body: Option<String> = self
            .conn()
            .query_row(
                "SELECT body FROM proposals WHERE company = ?1 AND document_id = ?2",
                [company, document_id],
                |r| r.get(0),
            )
            .optional()?;
        body.map(decode).transpose()
    }

    /// Stores a new proposal with its audit events, or returns the one the document already
    /// has: the same document is never queued twice.
    pub fn insert(&self, proposal: Proposal, events: &[Event]) -> Result<Inserted, ReviewError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let existing: Option<String> = tx
            .query_row(
                "SELECT body FROM proposals WHERE company = ?1 AND document_id = ?2",
                [&proposal.company, &proposal.document_id],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(body) = existing {
            return Ok(Inserted::Existing(decode(body)?));
        }
        tx.execute(
            "INSERT INTO proposals (id, company, document_id, state, version, vendor, number, created_at, body)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                proposal.id,
                proposal.company,
                proposal.document_id,
                proposal.state.name(),
                proposal.version,
                proposal.entry.vendor_id,
                proposal.entry.number,
                proposal.created_at,
                encode(&proposal)?
            ],
        )?;
        for event in events {
            audit::append(&tx, event)?;
        }
        tx.commit()?;
        Ok(Inserted::New(proposal))
    }

    /// Changes a proposal if it is at `expected_version` (any version when `None`) and in one
    /// of the states `from`; the change, the version bump and the audit events commit together.
    pub fn transition(
        &self,
        id: &str,
        expected_version: Option<i64>,
        from: &[State],
        action: &'static str,
        change: impl FnOnce(&mut Proposal),
        events: impl FnOnce(&Proposal) -> Vec<Event>,
    ) -> Result<Proposal, ReviewError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let body: Option<String> = tx
            .query_row("SELECT body FROM proposals WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?;
        let mut proposal = decode(body.ok_or_else(|| ReviewError::NotFound(id.to_string()))?)?;
        if let Some(expected) = expected_version
            && expected != proposal.version
        {
            return Err(ReviewError::VersionConflict {
                id: id.to_string(),
                expected,
                current: proposal.version,
            });
        }
        if !from.contains(&proposal.state) {
            return Err(ReviewError::WrongState {
                id: id.to_string(),
                state: proposal.state.name(),
                action,
            });
        }
        let before = proposal.version;
        change(&mut proposal);
        proposal.version = before + 1;
        proposal.updated_at = ledgerline_core::clock::now_rfc3339();
        let updated = tx.execute(
            "UPDATE proposals SET state = ?1, version = ?2, vendor = ?3, number = ?4, body = ?5
             WHERE id = ?6 AND version = ?7",
            params![
                proposal.state.name(),
                proposal.version,
                proposal.entry.vendor_id,
                proposal.entry.number,
                encode(&proposal)?,
                id,
                before
            ],
        )?;
        if updated != 1 {
            // Unreachable while the write lock is held; kept so a schema change cannot turn
            // optimistic concurrency into last-writer-wins silently.
            return Err(ReviewError::VersionConflict {
                id: id.to_string(),
                expected: before,
                current: before + 1,
            });
        }
        for event in events(&proposal) {
            audit::append(&tx, &event)?;
        }
        tx.commit()?;
        Ok(proposal)
    }

    /// Pending proposals of a company, oldest first. The page token is the last id returned.
    pub fn pending(
        &self,
        company: &str,
        page_size: usize,
        after: Option<&str>,
    ) -> Result<Page, ReviewError> {
        let conn = self.conn();
        let total: i64 = conn.query_row(
            "SELECT COUNT(*) FROM proposals WHERE company = ?1 AND state = 'pending'",
            [company],
            |r| r.get(0),
        )?;
        let (created, last) = match after {
            Some(id) => conn
                .query_row(
                    "SELECT created_at, id FROM proposals WHERE id = ?1",
                    [id],
                    |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
                )
                .optional()?
                .ok_or_else(|| ReviewError::NotFound(id.to_string()))?,
            None => (String::new(), String::new()),
        };
        let mut stmt = conn.prepare(
            "SELECT body FROM proposals WHERE company = ?1 AND state = 'pending'
               AND (created_at, id) > (?2, ?3)
             ORDER BY created_at, id LIMIT ?4",
        )?;
        let bodies: Vec<String> = stmt
            .query_map(params![company, created, last, page_size as i64 + 1], |r| {
                r.get(0)
            })?
            .collect::<Result<_, _>>()?;
        let mut proposals = bodies
            .into_iter()
            .map(decode)
            .collect::<Result<Vec<_>, _>>()?;
        let next = if proposals.len() > page_size {
            proposals.truncate(page_size);
            proposals.last().map(|p| p.id.clone())
        } else {
            None
        };
        Ok(Page {
            proposals,
            next,
            total: total as u64,
        })
    }

    /// The company's other proposals from `vendor` that are not rejected: what a new invoice
    /// may duplicate.
    pub fn booked(
        &self,
        company: &str,
        vendor: &str,
        except_document: &str,
    ) -> Result<Vec<Booked>, ReviewError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT body FROM proposals WHERE company = ?1 AND vendor = ?2 AND document_id <> ?3
               AND state <> 'rejected'",
        )?;
        let bodies: Vec<String> = stmt
            .query_map(params![company, vendor, except_document], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        bodies
            .into_iter()
            .map(|b| {
                let p = decode(b)?;
                Ok(Booked {
                    proposal_id: p.id,
                    vendor_id: p.entry.vendor_id,
                    number: p.entry.number,
                    total: p.entry.total,
                    date: p.entry.date,
                    state: p.state.name().to_string(),
                })
            })
            .collect()
    }

    /// Proposals approved or edited whose posting has not finished: a process stopped between
    /// the decision and Intacct's answer. They are posted again under the same control id.
    pub fn awaiting_posting(&self) -> Result<Vec<Proposal>, ReviewError> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare("SELECT body FROM proposals WHERE state IN ('approved', 'edited')")?;
        let bodies: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        bodies.into_iter().map(decode).collect()
    }

    /// Counts per state, for summaries.
    pub fn counts(&self, company: &str) -> Result<Vec<(String, u64)>, ReviewError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT state, COUNT(*) FROM proposals WHERE company = ?1 GROUP BY state ORDER BY state",
        )?;
        let rows = stmt
            .query_map([company], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }
}
