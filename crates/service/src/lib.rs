//! The ledgerline service, from a document to a ledger entry:
//!
//! - [`process`] runs a document through reading, extraction and [`propose`] (the proposal
//!   nouns live in [`proposal`] and [`policy`]), then [`validate`] and [`route`] decide between
//!   posting now and asking a person; [`review`] keeps the queue; the Intacct writer posts;
//!   [`audit`] records every step, hash-chained, in the service's one SQLite file, [`db`];
//! - [`server`] is the gRPC surface of [`proto`] and [`batch`] sends a folder through it or
//!   through a local pipeline; [`auth`] decides who may call what;
//! - [`config`] is the one typed configuration, [`telemetry`] logging and metrics.

pub mod audit;
pub mod auth;
pub mod batch;
pub mod config;
pub mod db;
pub mod policy;
pub mod process;
pub mod proposal;
pub mod propose;
pub mod proto;
pub mod review;
pub mod route;
pub mod server;
pub mod telemetry;
pub mod validate;
