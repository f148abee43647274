//! `index migrate`: a company's history from the embedded index to a Qdrant server, or back,
//! without embedding anything again.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use ledgerline::config::{ServeArgs, ServeConfig};
use ledgerline::index::{EdgeIndex, ServerIndex, VectorIndex, embedded_dir};

use super::Globals;

#[derive(Debug, clap::Subcommand)]
pub enum IndexCommand {
    /// Copy one company's history between index backends: `edge` (the embedded index under
    /// the data directory) or a Qdrant server's gRPC URL. Safe to run again: lines keep their
    /// ids, so a second run replaces what the first copied.
    Migrate {
        #[arg(long)]
        company: String,
        /// Where the history is now: edge, or a Qdrant URL [default: edge].
        #[arg(long, default_value = "edge")]
        from: String,
        /// Where it goes: edge, or a Qdrant URL [default: the configured --qdrant-url].
        #[arg(long)]
        to: Option<String>,
        #[command(flatten)]
        serve: ServeArgs,
    },
}

/// An index named on the command line; `--index-quantization` shapes it if it is new.
fn named(name: &str, config: &ServeConfig) -> anyhow::Result<Arc<dyn VectorIndex>> {
    Ok(if name == "edge" {
        Arc::new(EdgeIndex::open_with(
            &embedded_dir(&config.data_dir),
            config.index_quantization,
        )?)
    } else if name.starts_with("http://") || name.starts_with("https://") {
        Arc::new(
            ServerIndex::connect(name, Duration::from_secs(30))?
                .with_quantization(config.index_quantization),
        )
    } else {
        bail!("{name:?} names no index; use edge or a Qdrant gRPC URL such as http://qdrant:6334")
    })
}

pub fn run(command: IndexCommand, globals: &Globals) -> anyhow::Result<()> {
    let IndexCommand::Migrate {
        company,
        from,
        to,
        serve,
    } = command;
    let config = ServeConfig::resolve(&serve, globals.models_dir.clone())?;
    let Some(to) = to.or_else(|| config.qdrant_url.clone()) else {
        bail!("say where the history goes: --to edge or --to URL (or configure --qdrant-url)");
    };
    if to == from {
        bail!("--from and --to both name {from}; nothing to copy");
    }
    let (source, target) = (named(&from, &config)?, named(&to, &config)?);
    let done = globals.runtime()?.block_on(async {
        let bar = indicatif::ProgressBar::new(0);
        let done =
            ledgerline::index::migrate(source.as_ref(), target.as_ref(), &company, |n, of| {
                bar.set_length(of as u64);
                bar.set_position(n as u64);
            })
            .await;
        bar.finish_and_clear();
        done
    });
    let done = done.with_context(|| format!("cannot copy the history of {company}"))?;
    if done.source == 0 {
        bail!(
            "company {company} has no history in {}; nothing was copied (check --company and --from)",
            source.describe()
        );
    }
    println!(
        "copied {} lines of {company} from {} to {} (it now holds {})",
        done.copied,
        source.describe(),
        target.describe(),
        done.target
    );
    Ok(())
}
