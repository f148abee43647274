//! The integration tests, one module per area, linked into one test binary: each binary links
//! the whole of ledgerline (candle, ONNX Runtime, PDFium, Qdrant Edge), so one link instead of
//! one per file saves minutes on every build. They read real models, real documents, a real
//! embedded Qdrant and a Qdrant server from `../shared/tools/qdrant`, SQLite files and the fake
//! Intacct; the support modules start and share them.

mod common;
mod intacct_support;
mod pipeline_support;

mod audit;
mod auth;
mod batch;
mod candle;
mod cli;
mod einvoice;
mod embed;
mod extract;
mod index;
mod intacct_cli;
mod intacct_fake;
mod intacct_faults;
mod intacct_posting;
mod intacct_secrets;
mod intacct_sync;
mod models;
mod postgres;
mod process;
mod proposal_server;
mod read;
mod replicas;
mod server;
mod suggest;
mod suggest_server;
