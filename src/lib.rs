//! ledgerline turns finance documents into ledger entries for Sage Intacct.
//!
//! The work lives in one crate per stage family (see ARCHITECTURE.md); this crate is the
//! `ledgerline` binary's command line and one name for all of them, so that the binary, the
//! integration tests and the benchmarks read a stage the same way (`ledgerline::decode`):
//!
//! - `ledgerline-core`: the shared nouns (history records and dates, the page model, the chart);
//! - `ledgerline-read`: documents to pages (decoding, inference backends, OCR, layout);
//! - `ledgerline-extract`: words to fields, line items and transactions (`lines`);
//! - `ledgerline-suggest`: the embedder, the vector index, the ranker and history import;
//! - `ledgerline-intacct` and `ledgerline-intacct-fake`: the ledger and its fake;
//! - `ledgerline-service`: proposals, validation, routing, review, audit, auth, gRPC, batch;
//! - `ledgerline-eval`: the evaluation commands.
//!
//! The `dev` feature (on by default) adds the development commands and their crates: `eval`,
//! `company generate` and `fake-intacct`. A production image leaves it out
//! (`--no-default-features`).

pub use ledgerline_core::{clock, company, history, page, settings};
#[cfg(feature = "dev")]
pub use ledgerline_eval as eval;
pub use ledgerline_extract as lines;
pub use ledgerline_intacct as intacct;
#[cfg(feature = "dev")]
pub use ledgerline_intacct_fake as fake_intacct;
pub use ledgerline_models as models;
pub use ledgerline_read::{decode, einvoice, infer, layout, ocr, read, runtime};
pub use ledgerline_service::{
    audit, auth, batch, config, db, policy, process, proposal, propose, proto, review, route,
    server, telemetry, validate,
};
pub use ledgerline_suggest::{embed, import, index, suggest};
