//! ledgerline turns finance documents into ledger entries for Sage Intacct.
//!
//! A document travels through one module per pipeline stage:
//!
//! - `decode` reads PDFs (text layer and page renderings) and images, within limits;
//! - `layout` finds tables, headers and footers; `ocr` reads pages without a text layer;
//! - `lines` turns words into invoice fields and line items, or statement transactions;
//! - `embed` and `index` find the nearest historical GL lines; `suggest` proposes the coding;
//! - `validate` and `route` decide between posting now and asking a person; `review` keeps the
//!   queue; `intacct` writes to the ledger; `audit` records every step.
//!
//! Reading: [`decode`] (documents to pages within limits), [`layout`] and [`ocr`] (the CDLA and
//! PP-OCRv5 networks through the [`infer`] backend seam), assembled by [`read`] into the
//! [`page`] model every later stage reads; [`eval`] measures them against the fixtures.
//!
//! The stages are added issue by issue. The foundation every stage stands on: [`config`] (one
//! typed configuration), [`models`] (the verified model cache), [`runtime`] (ONNX Runtime and
//! PDFium, bound once per process), [`telemetry`] and [`server`] (the gRPC surface of
//! [`proto`], the only module that knows protobuf). [`auth`] decides who may call what: API
//! tokens (stored hashed in [`db`]), their roles, and the layer that checks every call.
//!
//! Writing to the ledger: [`intacct`] is the seam to Sage Intacct (the `Ledger` trait over the
//! XML gateway and the REST API, exactly-once posting, limits, the chart-of-accounts cache and
//! the incremental history sync) and the only module that knows Intacct's wire formats, with
//! [`fake_intacct`], a faithful fake of both APIs for tests and trials. [`history`] holds the
//! plain historical GL-line records the sync produces.
//!
//! Coding lines: [`import`] validates history files (CSV or JSON lines) and feeds them, through
//! [`embed`] (MiniLM on candle, on its own thread behind a batching queue), into [`index`] (the
//! `VectorIndex` seam over embedded Qdrant Edge and a Qdrant server). [`suggest`] votes over the
//! nearest lines under the rules of the company's [`company`] chart and calibrates confidences;
//! `company::generate` builds the synthetic company that [`eval`] measures it on, beside the
//! Oxford payments corpus.
//!
//! Recording: [`audit`] keeps the append-only, hash-chained log of every step in the service's
//! one SQLite file, [`db`].

pub mod audit;
pub mod auth;
pub mod batch;
pub mod clock;
pub mod company;
pub mod config;
pub mod db;
pub mod decode;
pub mod einvoice;
pub mod embed;
pub mod eval;
pub mod fake_intacct;
pub mod history;
pub mod import;
pub mod index;
pub mod infer;
pub mod intacct;
pub mod layout;
pub mod lines;
pub mod models;
pub mod ocr;
pub mod page;
pub mod policy;
pub mod process;
pub mod proposal;
pub mod propose;
pub mod proto;
pub mod read;
pub mod review;
pub mod route;
pub mod runtime;
pub mod server;
pub mod suggest;
pub mod telemetry;
pub mod validate;
