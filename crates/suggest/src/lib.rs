//! Coding lines from the company's own history: [`import`] validates history files (CSV or
//! JSON lines) and feeds them, through [`embed`] (MiniLM on candle, on its own thread behind a
//! batching queue), into [`index`] (the `VectorIndex` seam over embedded Qdrant Edge and a
//! Qdrant server) and the company's ledger; [`suggest`] ranks candidate codes with the ranker
//! learnt per company at import, under the rules of the company's chart, and calibrates its
//! confidences.

pub mod embed;
pub mod import;
pub mod index;
pub mod suggest;
