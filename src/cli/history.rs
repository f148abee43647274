//! `history import` and `suggest`: the company's coded history into the index, and one line's
//! coding out of it.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use ledgerline::company::Chart;
use ledgerline::config::{ServeArgs, ServeConfig};
use ledgerline::embed::{EmbedQueue, Embedder, QueueParams};
use ledgerline::history::Date;
use ledgerline::index::VectorIndex;
use ledgerline::models::ModelCache;
use ledgerline::suggest::{LineQuery, Suggester};

use super::Globals;

#[derive(Debug, clap::Subcommand)]
pub enum HistoryCommand {
    /// Import a CSV (GLDETAIL-like columns: RECORDNO, ENTRY_DATE, AMOUNT, ACCOUNTNO,
    /// DESCRIPTION, DEPARTMENTID, ...) or JSON-lines file, optionally gzipped. Every line is
    /// validated first: one bad line and nothing is imported.
    Import {
        file: PathBuf,
        /// Company of lines that carry none.
        #[arg(long)]
        company: Option<String>,
        /// CSV amounts use ',' as the decimal separator ("1.234,56"), as European exports do.
        /// Without it, an amount such as "12,50" is refused as ambiguous.
        #[arg(long)]
        decimal_comma: bool,
        /// The company's chart (chart.json): active accounts and dimensions, required
        /// dimensions, vendor defaults. Without one, a chart is learnt from the history. A policy.toml
        /// beside it (routing policy) is installed with it.
        #[arg(long)]
        chart: Option<PathBuf>,
        #[command(flatten)]
        serve: ServeArgs,
    },
}

#[derive(Debug, clap::Args)]
pub struct SuggestArgs {
    /// The line's description.
    description: String,
    #[arg(long)]
    company: String,
    #[arg(long)]
    entity: Option<String>,
    #[arg(long)]
    vendor: Option<String>,
    /// Decimal amount, e.g. 123.45.
    #[arg(long)]
    amount: Option<rust_decimal::Decimal>,
    /// Document date, YYYY-MM-DD.
    #[arg(long)]
    date: Option<String>,
    #[arg(long, default_value_t = 3)]
    candidates: usize,
    #[command(flatten)]
    serve: ServeArgs,
}

pub fn run(command: HistoryCommand, globals: &Globals) -> anyhow::Result<()> {
    let HistoryCommand::Import {
        file,
        company,
        decimal_comma,
        chart,
        serve,
    } = command;
    let config = ServeConfig::resolve(&serve, globals.models_dir.clone())?;
    let records = ledgerline::import::read_file(&file, company.as_deref(), decimal_comma)?;
    // A routing policy beside the chart is installed with it.
    let policy = chart
        .as_ref()
        .map(|p| p.with_file_name("policy.toml"))
        .filter(|p| p.exists())
        .map(|p| ledgerline::route::Policy::read(&p).map(|policy| (p, policy)))
        .transpose()?;
    let chart = chart.map(|p| Chart::load(&p)).transpose()?;
    if let (Some((from, _)), Some(chart)) = (&policy, &chart) {
        let to = ledgerline::route::Policy::path(&config.data_dir, &chart.company)?;
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::copy(from, &to)
            .with_context(|| format!("cannot install the policy at {}", to.display()))?;
    }
    let cache = globals.model_cache();
    let report = globals.runtime()?.block_on(async {
        let (queue, index) = suggest_stages(&cache, &config)?;
        let bar = indicatif::ProgressBar::new(records.len() as u64);
        let (report, fitted) = ledgerline::import::import_history(
            records,
            &queue,
            index.as_ref(),
            &config.data_dir,
            chart.as_ref(),
            Some(&bar),
        )
        .await?;
        bar.finish_and_clear();
        for (company, f) in report.companies.iter().zip(&fitted) {
            tracing::info!(
                company,
                fit_lines = f.fit_lines,
                calibration_lines = f.calibration_lines,
                "ranker and calibration fitted on the latest period"
            );
        }
        anyhow::Ok((report, index.describe()))
    })?;
    let (report, index) = report;
    println!(
        "imported {} lines for {} into {index}",
        report.indexed,
        report.companies.join(", ")
    );
    Ok(())
}

pub fn suggest(args: SuggestArgs, globals: &Globals) -> anyhow::Result<()> {
    let config = ServeConfig::resolve(&args.serve, globals.models_dir.clone())?;
    let cache = globals.model_cache();
    let date = args.date.as_deref().map(Date::parse).transpose()?;
    let suggestion = globals.runtime()?.block_on(async {
        let (queue, index) = suggest_stages(&cache, &config)?;
        let suggester = Suggester::new(queue, index, &config.data_dir);
        let query = LineQuery {
            company: args.company,
            entity: args.entity,
            description: args.description,
            vendor: args.vendor,
            amount: args.amount,
            date,
            max_candidates: args.candidates,
        };
        anyhow::Ok(suggester.suggest(&query).await?)
    })?;
    println!("{}", serde_json::to_string_pretty(&suggestion)?);
    Ok(())
}

/// The embedding queue and the index the configuration names.
pub fn suggest_stages(
    cache: &ModelCache,
    config: &ServeConfig,
) -> anyhow::Result<(EmbedQueue, Arc<dyn VectorIndex>)> {
    let queue = EmbedQueue::start(Embedder::from_cache(cache)?, QueueParams::default());
    let index = ledgerline::index::open(
        &config.data_dir,
        config.qdrant_url.as_deref(),
        config.index_quantization,
    )?;
    Ok((queue, index))
}
