//! Incremental GL-history sync: pulls GL detail after the last checkpoint (record number and
//! modification time), hands each page to a caller-supplied sink, then moves the checkpoint.
//! The sink is written before the checkpoint, so a crash between the two re-delivers a page
//! rather than losing one; sinks deduplicate by line id.
//!
//! Where the lines go is the caller's business: the CLI appends them to a JSON-lines file
//! ([`ledgerline_core::history::JsonlStore`]); ingestion into the vector index arrives with the
//! suggestion issue.

use std::path::{Path, PathBuf};

use super::{HistoryRecord, Ledger, LedgerError, SyncPoint};
use ledgerline_core::history::timestamp_key;

/// An error from the caller's sink.
pub type SinkError = Box<dyn std::error::Error + Send + Sync>;

/// The caller's sink: a page of lines and the progress so far.
pub type Sink<'a> = dyn FnMut(&[HistoryRecord], Progress) -> Result<(), SinkError> + 'a;

/// Why a sync stopped. Everything delivered before it is checkpointed; run it again.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error("cannot use the sync checkpoint {path}: {source}; check the data directory")]
    Checkpoint {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "the sync checkpoint {path} is damaged ({message}); delete it to sync from the start (lines already stored are not duplicated)"
    )]
    Damaged { path: PathBuf, message: String },
    #[error("the history sink failed: {0}; fix it and sync again, nothing is lost")]
    Sink(#[source] SinkError),
    #[error("the paged read broke off {0} times without progress; try again later")]
    NoProgress(u32),
}

/// How far a sync has come, for progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub delivered: u64,
    /// Lines the current read still has to deliver, when the API says.
    pub remaining: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncReport {
    pub delivered: u64,
    pub pages: u64,
    /// Times a paged read had to start again from the checkpoint (e.g. after a session expired).
    pub restarts: u32,
    pub checkpoint: SyncPoint,
}

/// Reads the checkpoint; a missing file means "from the start".
pub fn load_checkpoint(path: &Path) -> Result<SyncPoint, SyncError> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| SyncError::Damaged {
            path: path.to_path_buf(),
            message: e.to_string(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(SyncPoint::default()),
        Err(source) => Err(SyncError::Checkpoint {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Writes the checkpoint atomically (a temporary file renamed over the old one).
pub fn save_checkpoint(path: &Path, point: &SyncPoint) -> Result<(), SyncError> {
    let io = |source| SyncError::Checkpoint {
        path: path.to_path_buf(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    serde_json::to_writer(&mut file, point).map_err(|e| io(e.into()))?;
    file.as_file().sync_data().map_err(io)?;
    file.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// Moves the point past `records`.
fn advance(point: &mut SyncPoint, records: &[HistoryRecord]) {
    for r in records {
        if let Ok(n) = r.line_id.parse::<u64>() {
            point.last_record_no = point.last_record_no.max(n);
        }
        let newer = match (&point.last_modified, timestamp_key(&r.modified_at)) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(old), Some(new)) => timestamp_key(old).is_none_or(|old| new > old),
        };
        if newer {
            point.last_modified = Some(r.modified_at.clone());
        }
    }
}

/// How many consecutive restarts without a delivered page are tolerated.
const MAX_RESTARTS_WITHOUT_PROGRESS: u32 = 5;

/// Syncs GL detail of `entity` after the checkpoint at `checkpoint_path`, page by page, into
/// `sink`. Returns when the read is complete.
pub async fn sync_history<L: Ledger>(
    ledger: &L,
    entity: Option<&str>,
    checkpoint_path: &Path,
    sink: &mut Sink<'_>,
) -> Result<SyncReport, SyncError> {
    let mut point = load_checkpoint(checkpoint_path)?;
    let mut report = SyncReport {
        delivered: 0,
        pages: 0,
        restarts: 0,
        checkpoint: point.clone(),
    };
    let mut stalled = 0;
    'read: loop {
        // Each read is defined by the checkpoint it starts from.
        let since = point.clone();
        let mut continuation: Option<String> = None;
        loop {
            let page = match ledger
                .gl_detail(entity, &since, continuation.as_deref())
                .await
            {
                Ok(page) => page,
                Err(LedgerError::PagingExpired) => {
                    stalled += 1;
                    report.restarts += 1;
                    if stalled > MAX_RESTARTS_WITHOUT_PROGRESS {
                        return Err(SyncError::NoProgress(stalled));
                    }
                    tracing::info!(
                        from = point.last_record_no,
                        "paged read expired; restarting from the checkpoint"
                    );
                    continue 'read;
                }
                Err(e) => return Err(e.into()),
            };
            report.pages += 1;
            report.delivered += page.records.len() as u64;
            sink(
                &page.records,
                Progress {
                    delivered: report.delivered,
                    remaining: page.remaining,
                },
            )
            .map_err(SyncError::Sink)?;
            if !page.records.is_empty() {
                stalled = 0;
                advance(&mut point, &page.records);
                save_checkpoint(checkpoint_path, &point)?;
            }
            match page.next {
                Some(next) => continuation = Some(next),
                None => break 'read,
            }
        }
    }
    report.checkpoint = point;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checkpoint_survives_a_round_trip_and_starts_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h").join("C.checkpoint.json");
        assert_eq!(load_checkpoint(&path).unwrap(), SyncPoint::default());
        let point = SyncPoint {
            last_record_no: 42,
            last_modified: Some("03/07/2025 09:05:01".into()),
        };
        save_checkpoint(&path, &point).unwrap();
        assert_eq!(load_checkpoint(&path).unwrap(), point);
        std::fs::write(&path, "{").unwrap();
        assert!(matches!(
            load_checkpoint(&path),
            Err(SyncError::Damaged { .. })
        ));
    }
}
