//! The vector index of historical GL lines: one seam, [`VectorIndex`], with two implementations
//! that share one collection schema and payload: [`EdgeIndex`] (embedded Qdrant Edge on disk
//! under the data directory, the default) and [`ServerIndex`] (a Qdrant server or cluster,
//! `--qdrant-url`).
//!
//! A point's id is derived from the company and line id, so indexing a line again replaces it
//! instead of adding a duplicate. Every query is filtered by company (and entity when given);
//! both fields carry a payload index.

mod edge;
mod payload;
mod server;

use rust_decimal::Decimal;

pub use edge::EdgeIndex;
pub use payload::{Payload, point_id};
pub use server::ServerIndex;

use ledgerline_core::history::HistoryRecord;

/// Name of the collection (server) and of the shard directory (edge).
pub const COLLECTION: &str = "ledgerline_history";

/// Why the index could not answer.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error(
        "the vector index at {target} cannot be reached after {attempts} attempts: {message}; check that Qdrant is running and --qdrant-url is right, then retry"
    )]
    Unavailable {
        target: String,
        attempts: u32,
        message: String,
    },
    #[error(
        "the embedded index at {path} cannot be opened: {message}; check the data directory, or move the index away and import the history again"
    )]
    Open { path: String, message: String },
    #[error("the vector index refused the operation: {0}; check the index's logs")]
    Operation(String),
    #[error("a stored point has a damaged payload: {0}; re-import the history")]
    Damaged(String),
}

/// A line to index: the record and its embedding.
#[derive(Debug, Clone)]
pub struct IndexedLine {
    pub record: HistoryRecord,
    pub vector: Vec<f32>,
}

/// One nearest neighbour.
#[derive(Debug, Clone)]
pub struct Neighbour {
    /// Cosine similarity to the query.
    pub similarity: f32,
    pub record: HistoryRecord,
}

/// What to search for.
#[derive(Debug, Clone)]
pub struct Query {
    pub company: String,
    pub entity: Option<String>,
    pub vector: Vec<f32>,
    pub limit: usize,
}

/// The seam between suggestion and the vector store.
#[tonic::async_trait]
pub trait VectorIndex: Send + Sync {
    /// Inserts or replaces lines (by company and line id); returns how many were written.
    async fn upsert(&self, lines: Vec<IndexedLine>) -> Result<usize, IndexError>;
    /// The nearest lines of one company, most similar first.
    async fn search(&self, query: Query) -> Result<Vec<Neighbour>, IndexError>;
    /// Lines indexed for a company.
    async fn count(&self, company: &str) -> Result<usize, IndexError>;
    /// Where the lines live, for messages: "the embedded index at PATH" or "the Qdrant server
    /// at URL".
    fn describe(&self) -> String;
    /// Builds search structures after a large import; a no-op where the store does it itself.
    async fn optimize(&self) -> Result<(), IndexError> {
        Ok(())
    }
}

/// The index a service uses: the Qdrant server at `qdrant_url` when one is given, otherwise the
/// embedded shard under `<data_dir>/index/edge`.
pub fn open(
    data_dir: &std::path::Path,
    qdrant_url: Option<&str>,
) -> Result<std::sync::Arc<dyn VectorIndex>, IndexError> {
    Ok(match qdrant_url {
        Some(url) => std::sync::Arc::new(ServerIndex::connect(
            url,
            std::time::Duration::from_secs(5),
        )?),
        None => std::sync::Arc::new(EdgeIndex::open(&data_dir.join("index").join("edge"))?),
    })
}

/// Amounts travel through payloads as decimal strings, never floats.
fn parse_amount(text: &str) -> Result<Decimal, IndexError> {
    text.parse()
        .map_err(|_| IndexError::Damaged(format!("amount {text:?} is not a decimal")))
}
