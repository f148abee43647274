//! The review queue: every proposal that was stored, durable in the service's database, with
//! its state (pending -> approved, edited or rejected -> posted or failed). Each change checks
//! the version the actor saw (optimistic concurrency: of two reviewers acting on one proposal,
//! the second is told someone else acted first) and commits together with its audit entries, so
//! no state change is ever unaudited and no audit entry describes a change that did not happen.

use std::sync::Mutex;

use crate::args;
use crate::audit::{self, Event};
use crate::db::{Conn, Location, Sql, SqlError};
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
        "the review database failed: {0}; check the database's disk space, permissions and connection"
    )]
    Sql(#[from] SqlError),
    #[error(transparent)]
    Audit(#[from] audit::AuditError),
    #[error("a stored proposal could not be read back ({0}); the database may be damaged")]
    Corrupt(String),
}

/// The queue. One connection per store; other processes (a batch next to the server, other
/// replicas on PostgreSQL) open their own, and the writers' lock orders them.
pub struct Store {
    conn: Mutex<Conn>,
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
    /// Opens the queue in `location`, bringing the schema up to date.
    pub fn open(location: &Location) -> Result<Store, ReviewError> {
        let conn = crate::db::open(location)?;
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Conn> {
        // A panic while holding the connection leaves no half transaction behind (a dropped
        // transaction rolls back), so the connection stays usable.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn get(&self, id: &str) -> Result<Proposal, ReviewError> {
        let row = self
            .conn()
            .query_opt("SELECT body FROM proposals WHERE id = ?1", args![id])?;
        decode(
            row.ok_or_else(|| ReviewError::NotFound(id.to_string()))?
                .text(0)?,
        )
    }

    pub fn find_by_document(
        &self,
        company: &str,
        document_id: &str,
    ) -> Result<Option<Proposal>, ReviewError> {
        let row = self.conn().query_opt(
            "SELECT body FROM proposals WHERE company = ?1 AND document_id = ?2",
            args![company, document_id],
        )?;
        row.map(|r| decode(r.text(0)?)).transpose()
    }

    /// Stores a new proposal with its audit events, or returns the one the document already
    /// has: the same document is never queued twice.
    pub fn insert(&self, proposal: Proposal, events: &[Event]) -> Result<Inserted, ReviewError> {
        let mut conn = self.conn();
        let mut tx = conn.write()?;
        let existing = tx.query_opt(
            "SELECT body FROM proposals WHERE company = ?1 AND document_id = ?2",
            args![&proposal.company, &proposal.document_id],
        )?;
        if let Some(row) = existing {
            return Ok(Inserted::Existing(decode(row.text(0)?)?));
        }
        tx.execute(
            "INSERT INTO proposals (id, company, document_id, state, version, vendor, number, created_at, body)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            args![
                &proposal.id,
                &proposal.company,
                &proposal.document_id,
                proposal.state.name(),
                proposal.version,
                &proposal.entry.vendor_id,
                &proposal.entry.number,
                &proposal.created_at,
                encode(&proposal)?
            ],
        )?;
        for event in events {
            audit::append(&mut tx, event)?;
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
        let mut tx = conn.write()?;
        let row = tx.query_opt("SELECT body FROM proposals WHERE id = ?1", args![id])?;
        let mut proposal = decode(
            row.ok_or_else(|| ReviewError::NotFound(id.to_string()))?
                .text(0)?,
        )?;
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
            args![
                proposal.state.name(),
                proposal.version,
                &proposal.entry.vendor_id,
                &proposal.entry.number,
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
            audit::append(&mut tx, &event)?;
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
        let mut conn = self.conn();
        let total = conn
            .query_one(
                "SELECT COUNT(*) FROM proposals WHERE company = ?1 AND state = 'pending'",
                args![company],
            )?
            .int(0)?;
        let (created, last) = match after {
            Some(id) => {
                let row = conn
                    .query_opt(
                        "SELECT created_at, id FROM proposals WHERE id = ?1",
                        args![id],
                    )?
                    .ok_or_else(|| ReviewError::NotFound(id.to_string()))?;
                (row.text(0)?, row.text(1)?)
            }
            None => (String::new(), String::new()),
        };
        let rows = conn.query(
            "SELECT body FROM proposals WHERE company = ?1 AND state = 'pending'
               AND (created_at, id) > (?2, ?3)
             ORDER BY created_at, id LIMIT ?4",
            args![company, created, last, page_size.saturating_add(1)],
        )?;
        let mut proposals = bodies(rows)?;
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
        let rows = self.conn().query(
            "SELECT body FROM proposals WHERE company = ?1 AND vendor = ?2 AND document_id <> ?3
               AND state <> 'rejected'",
            args![company, vendor, except_document],
        )?;
        Ok(bodies(rows)?
            .into_iter()
            .map(|p| Booked {
                proposal_id: p.id,
                vendor_id: p.entry.vendor_id,
                number: p.entry.number,
                total: p.entry.total,
                date: p.entry.date,
                state: p.state.name().to_string(),
            })
            .collect())
    }

    /// Proposals approved or edited whose posting has not finished: a process stopped between
    /// the decision and Intacct's answer. They are posted again under the same control id.
    pub fn awaiting_posting(&self) -> Result<Vec<Proposal>, ReviewError> {
        let rows = self.conn().query(
            "SELECT body FROM proposals WHERE state IN ('approved', 'edited')",
            &[],
        )?;
        bodies(rows)
    }

    /// Counts per state, for summaries.
    pub fn counts(&self, company: &str) -> Result<Vec<(String, u64)>, ReviewError> {
        let rows = self.conn().query(
            "SELECT state, COUNT(*) FROM proposals WHERE company = ?1 GROUP BY state ORDER BY state",
            args![company],
        )?;
        rows.iter()
            .map(|r| Ok((r.text(0)?, r.int(1)?.max(0) as u64)))
            .collect()
    }
}

/// The proposals stored in the first column of `rows`.
fn bodies(rows: Vec<crate::db::Row>) -> Result<Vec<Proposal>, ReviewError> {
    rows.iter().map(|r| decode(r.text(0)?)).collect()
}
