//! The nouns every stage of ledgerline shares, with no stage logic and no heavy dependency:
//! [`history`] (dates and the historical GL-line records every later stage codes from),
//! [`page`] (the page model that reading produces and extraction reads), [`company`] (the chart
//! of accounts and its dimensions, and the synthetic company the evaluations use), [`clock`]
//! (time as the audit log writes it) and [`settings`] (the error of every configuration
//! resolver).

pub mod clock;
pub mod company;
pub mod history;
pub mod page;
pub mod settings;
