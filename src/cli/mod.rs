//! The command line: the argument types, the settings every command shares ([`Globals`]) and
//! the dispatch to one module per command group.

mod admin;
mod batch;
#[cfg(feature = "dev")]
mod dev;
#[cfg(feature = "dev")]
mod eval;
mod history;
mod index;
mod intacct;
mod read;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use ledgerline::config::{LogFormat, ServeArgs};
use ledgerline::intacct::config::IntacctArgs;
use ledgerline::models::{Manifest, ModelCache};

/// ledgerline: finance documents in, Sage Intacct ledger entries out.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    /// Model cache directory [default: the user's cache dir/ledgerline/models].
    #[arg(long, global = true, env = "LEDGERLINE_MODELS_DIR")]
    models_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the gRPC service.
    Serve(ServeArgs),
    /// Print the configuration `serve` would run with, as resolved from flags, environment
    /// and file.
    Config(ServeArgs),
    /// Install and check the model files and native libraries.
    #[command(subcommand)]
    Models(admin::ModelsCommand),
    /// Read documents (PDF, PNG, JPEG, TIFF) and print their page models as JSON.
    Ocr {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print throughput (pages per second after a warm-up read) instead of the pages.
        #[arg(long)]
        summary: bool,
        #[command(flatten)]
        read: read::ReadArgs,
    },
    /// Read documents and print what they say (invoice fields and lines, or statement
    /// transactions, with checks) as JSON.
    Extract {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        read: read::ReadArgs,
    },
    /// Evaluation commands: print accuracy figures against the fixtures' ground truth.
    #[cfg(feature = "dev")]
    #[command(subcommand)]
    Eval(eval::EvalCommand),
    /// Pull the company's GL history from Intacct, incrementally, into
    /// <data_dir>/history/<company>.jsonl.
    Sync(IntacctArgs),
    /// Historical GL lines: import them into the vector index suggestions learn from.
    #[command(subcommand)]
    History(history::HistoryCommand),
    /// The history index: copy a company between the embedded index and a Qdrant server.
    #[command(subcommand)]
    Index(index::IndexCommand),
    /// Suggest the GL account and dimensions of one line; prints JSON.
    Suggest(history::SuggestArgs),
    /// The synthetic company used by tests and evaluation.
    #[cfg(feature = "dev")]
    #[command(subcommand)]
    Company(dev::CompanyCommand),
    /// Talk to Intacct.
    #[command(subcommand)]
    Intacct(intacct::IntacctCommand),
    /// Run a fake Intacct (XML gateway and REST API) over a synthetic company, for trials.
    #[cfg(feature = "dev")]
    FakeIntacct(dev::FakeArgs),
    /// Clear a backlog: process every document of a folder or manifest (read, code, validate,
    /// route, post or queue for review), in this process or against a running server.
    Batch(batch::BatchArgs),
    /// The audit log: check its hash chain, or print one document's entries.
    #[command(subcommand)]
    Audit(admin::AuditCommand),
    /// API tokens for the gRPC service: create, list, revoke.
    #[command(subcommand)]
    Token(admin::TokenCommand),
}

/// What every command shares: the model cache, logging and the async runtime.
pub struct Globals {
    models_dir: Option<PathBuf>,
}

impl Globals {
    /// The model cache named by `--models-dir` (or its variable), else the default one.
    fn model_cache(&self) -> ModelCache {
        ModelCache::new(
            self.models_dir
                .clone()
                .unwrap_or_else(ModelCache::default_root),
            Manifest::embedded(),
        )
    }

    /// The multi-threaded runtime a command's async work runs on.
    fn runtime(&self) -> anyhow::Result<tokio::runtime::Runtime> {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .context("could not start the async runtime")
    }
}

/// Human-readable logs at `level` on stderr; `serve` sets its own from its configuration.
fn logging(level: &str) -> anyhow::Result<()> {
    ledgerline::telemetry::init_logging(LogFormat::Text, level)?;
    Ok(())
}

/// Runs one command; the exit code says whether it did what was asked.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let globals = Globals {
        models_dir: cli.models_dir,
    };
    // Commands that talk about their progress log at info; the rest only warn. `serve` and
    // `config` take the format and filter from the configuration they resolve.
    match &cli.command {
        Command::Serve(_) | Command::Config(_) => {}
        Command::Models(_) => logging("info")?,
        #[cfg(feature = "dev")]
        Command::FakeIntacct(_) => logging("info")?,
        _ => logging("warn")?,
    }
    match cli.command {
        Command::Serve(args) => serve::serve(&args, &globals)?,
        Command::Config(args) => serve::config(&args, &globals)?,
        Command::Models(command) => return admin::models(command, &globals),
        Command::Ocr {
            files,
            summary,
            read,
        } => read::ocr(&files, summary, &read, &globals)?,
        Command::Extract { files, read } => read::extract(&files, &read, &globals)?,
        #[cfg(feature = "dev")]
        Command::Eval(command) => eval::run(command, &globals)?,
        Command::Sync(args) => intacct::sync(&args, &globals)?,
        Command::Intacct(command) => intacct::run(command, &globals)?,
        Command::History(command) => history::run(command, &globals)?,
        Command::Index(command) => index::run(command, &globals)?,
        Command::Suggest(args) => history::suggest(args, &globals)?,
        #[cfg(feature = "dev")]
        Command::Company(command) => dev::company(command)?,
        #[cfg(feature = "dev")]
        Command::FakeIntacct(args) => dev::fake_intacct(args, &globals)?,
        Command::Batch(args) => return batch::run(args, &globals),
        Command::Audit(command) => return admin::audit(command, &globals),
        Command::Token(command) => admin::token(command, &globals)?,
    }
    Ok(ExitCode::SUCCESS)
}
