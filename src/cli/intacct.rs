//! `sync` and `intacct check`, and the Intacct writer `serve` and `batch` post with.

use std::io::Write;

use ledgerline::config::ConfigError;
use ledgerline::history::JsonlStore;
use ledgerline::intacct::config::IntacctArgs;
use ledgerline::intacct::rest::RestLedger;
use ledgerline::intacct::sync::sync_history;
use ledgerline::intacct::xml::XmlLedger;
use ledgerline::intacct::{ApiKind, Credentials, IntacctConfig, Ledger};

use super::Globals;

#[derive(Debug, clap::Subcommand)]
pub enum IntacctCommand {
    /// Sign in with the configured credentials and print the company, entity and user reached.
    Check(IntacctArgs),
}

pub fn run(command: IntacctCommand, globals: &Globals) -> anyhow::Result<()> {
    let IntacctCommand::Check(args) = command;
    let (config, creds) = setup(&args)?;
    let identity = globals.runtime()?.block_on(async {
        anyhow::Ok(match config.api {
            ApiKind::Xml => {
                XmlLedger::new(config.clone(), creds)?
                    .identity(None)
                    .await?
            }
            ApiKind::Rest => {
                RestLedger::new(config.clone(), creds)?
                    .identity(None)
                    .await?
            }
        })
    })?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "company: {}", identity.company)?;
    writeln!(
        out,
        "entity: {}",
        identity.entity.as_deref().unwrap_or("(top level)")
    )?;
    writeln!(out, "user: {}", identity.user)?;
    Ok(())
}

pub fn sync(args: &IntacctArgs, globals: &Globals) -> anyhow::Result<()> {
    let (config, creds) = setup(args)?;
    globals.runtime()?.block_on(async {
        match config.api {
            ApiKind::Xml => {
                let ledger = XmlLedger::new(config.clone(), creds)?;
                pull(&ledger, &config).await
            }
            ApiKind::Rest => {
                let ledger = RestLedger::new(config.clone(), creds)?;
                pull(&ledger, &config).await
            }
        }
    })
}

/// Resolves the Intacct configuration and credentials: the environment first, then the
/// secrets file.
fn setup(args: &IntacctArgs) -> anyhow::Result<(IntacctConfig, Credentials)> {
    let config = IntacctConfig::resolve(args, ledgerline::config::default_data_dir())?;
    let creds = credentials(&config)?;
    Ok((config, creds))
}

fn credentials(config: &IntacctConfig) -> anyhow::Result<Credentials> {
    let mut creds = Credentials::from_lookup(|name| std::env::var(name).ok());
    if let Some(path) = &config.secrets_file {
        creds = creds.or(Credentials::from_file(path)?);
    }
    Ok(creds)
}

/// The Intacct writer the flags, environment and file configure, or `None` when they name no
/// company.
pub fn writer(args: &IntacctArgs) -> anyhow::Result<Option<ledgerline::process::Writer>> {
    let config = match IntacctConfig::resolve(args, ledgerline::config::default_data_dir()) {
        Ok(config) => config,
        Err(ConfigError::Invalid { key: "company", .. }) if args.company.is_none() => {
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    };
    let creds = credentials(&config)?;
    if creds.sender_id.is_none() && creds.client_id.is_none() && creds.session_id.is_none() {
        tracing::warn!(
            company = %config.company,
            "no Intacct credentials are configured: approved proposals wait until they are (see README, Intacct)"
        );
        return Ok(None);
    }
    tracing::info!(company = %config.company, api = ?config.api, endpoint = %config.endpoint, "posting to Intacct");
    Ok(Some(ledgerline::process::Writer::connect(config, creds)?))
}

/// Pulls new GL lines into the company's history file, with a progress bar.
async fn pull<L: Ledger>(ledger: &L, config: &IntacctConfig) -> anyhow::Result<()> {
    let path = config.history_path();
    let mut store = JsonlStore::open(&path)?;
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {pos}/{len} GL lines {wide_bar} {eta}")
            .expect("a valid template"),
    );
    let mut added = 0;
    let report = sync_history(
        ledger,
        None,
        &config.checkpoint_path(),
        &mut |records, progress| {
            added += store.append(records)?;
            bar.set_length(progress.delivered + progress.remaining.unwrap_or(0));
            bar.set_position(progress.delivered);
            Ok(())
        },
    )
    .await;
    bar.finish_and_clear();
    let report = report?;
    writeln!(
        std::io::stdout(),
        "synced {} GL lines ({added} new) for {} into {}",
        report.delivered,
        config.company,
        path.display()
    )?;
    Ok(())
}
