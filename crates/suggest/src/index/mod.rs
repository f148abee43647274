//! The vector index of historical GL lines: one seam, [`VectorIndex`], with two implementations
//! that share one collection schema and payload: [`EdgeIndex`] (embedded Qdrant Edge on disk
//! under the data directory, the default) and [`ServerIndex`] (a Qdrant server or cluster,
//! `--qdrant-url`).
//!
//! A point's id is derived from the company and line id, so indexing a line again replaces it
//! instead of adding a duplicate. Every query is filtered by company (and entity when given);
//! both fields carry a payload index.
//!
//! [`migrate`] copies a company's lines from one implementation to the other, and
//! [`Quantization`] trades a little accuracy for memory in both.

mod edge;
mod migrate;
mod payload;
mod server;

use rust_decimal::Decimal;

pub use edge::EdgeIndex;
pub use migrate::{Migration, migrate};
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

/// How the index keeps its vectors in memory.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Quantization {
    /// Full f32 vectors in RAM: the most accurate, 1.5 KiB per line.
    #[default]
    None,
    /// int8 scalar quantisation: a quarter of the memory, kept in RAM for the search, while the
    /// f32 originals move to disk and only rescore the few best candidates. Applies when the
    /// index is created; an existing one keeps the layout it was created with.
    Int8,
}

impl std::str::FromStr for Quantization {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "none" | "f32" | "" => Ok(Quantization::None),
            "int8" => Ok(Quantization::Int8),
            other => Err(format!(
                "unknown index quantisation {other:?}; use none or int8"
            )),
        }
    }
}

impl std::fmt::Display for Quantization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Quantization::None => "none",
            Quantization::Int8 => "int8",
        })
    }
}

/// One page of a company's lines, in id order, and where the next page starts.
#[derive(Debug, Clone)]
pub struct Page {
    pub lines: Vec<IndexedLine>,
    /// The id to pass as `after` for the next page; None after the last one.
    pub next: Option<u64>,
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
    /// Up to `limit` of a company's lines with their vectors, in point-id order from `after`
    /// (inclusive; None: from the start).
    async fn scroll(
        &self,
        company: &str,
        after: Option<u64>,
        limit: usize,
    ) -> Result<Page, IndexError>;
    /// Where the lines live, for messages: "the embedded index at PATH" or "the Qdrant server
    /// at URL".
    fn describe(&self) -> String;
    /// Builds search structures after a large import; a no-op where the store does it itself.
    async fn optimize(&self) -> Result<(), IndexError> {
        Ok(())
    }
}

/// The index a service uses: the Qdrant server at `qdrant_url` when one is given, otherwise the
/// embedded shard under `<data_dir>/index/edge`. `quantization` applies where the index is
/// created.
pub fn open(
    data_dir: &std::path::Path,
    qdrant_url: Option<&str>,
    quantization: Quantization,
) -> Result<std::sync::Arc<dyn VectorIndex>, IndexError> {
    Ok(match qdrant_url {
        Some(url) => std::sync::Arc::new(
            ServerIndex::connect(url, std::time::Duration::from_secs(5))?
                .with_quantization(quantization),
        ),
        None => std::sync::Arc::new(EdgeIndex::open_with(&embedded_dir(data_dir), quantization)?),
    })
}

/// Where the embedded index lives under a data directory.
pub fn embedded_dir(data_dir: &std::path::Path) -> std::path::PathBuf {
    data_dir.join("index").join("edge")
}

/// Amounts travel through payloads as decimal strings, never floats.
fn parse_amount(text: &str) -> Result<Decimal, IndexError> {
    text.parse()
        .map_err(|_| IndexError::Damaged(format!("amount {text:?} is not a decimal")))
}
