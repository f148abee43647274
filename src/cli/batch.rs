//! `batch`: a folder or manifest of documents through the pipeline, here or on a server, with
//! a summary of what was posted, what waits and why.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use ledgerline::batch::{Options, Summary, Target};
use ledgerline::config::{ServeArgs, ServeConfig};
use ledgerline::intacct::config::IntacctArgs;
use ledgerline::runtime::NativeRuntime;

use super::Globals;

#[derive(Debug, clap::Args)]
pub struct BatchArgs {
    /// A folder of documents (PDF, PNG, JPEG, TIFF) or a manifest: one path per line, or JSON
    /// lines {"path": ..., "external_id": ..., "media_type": ...}.
    input: PathBuf,
    /// Documents in flight at once.
    #[arg(long, default_value_t = 2)]
    concurrency: usize,
    /// Results, one JSON line per document; an existing file is resumed, not overwritten.
    #[arg(long, default_value = "ledgerline-batch.jsonl")]
    out: PathBuf,
    /// Send the documents to this running server (e.g. http://127.0.0.1:50051) instead of
    /// processing them here. Repeat it, or separate URLs with commas, for replicas that share
    /// one database: documents are spread over them, and one a server cannot take (down,
    /// restarting) goes to the next.
    #[arg(long, value_delimiter = ',')]
    server: Vec<String>,
    /// API token for --server (role ingest).
    #[arg(long, env = "LEDGERLINE_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Propose, validate and route, but neither store nor post.
    #[arg(long)]
    dry_run: bool,
    /// A Qdrant server or cluster (gRPC URL) holding the history, as for `serve`
    /// [default: the embedded index under the data directory].
    #[arg(long, env = "LEDGERLINE_QDRANT_URL")]
    qdrant_url: Option<String>,
    /// The PostgreSQL database holding the review queue and the audit log, as for `serve`
    /// [default: ledgerline.db under the data directory].
    #[arg(long, env = "LEDGERLINE_DATABASE_URL")]
    database_url: Option<String>,
    /// Inference backend for the OCR and layout networks: ort or candle [default: ort].
    #[arg(long, env = "LEDGERLINE_BACKEND")]
    backend: Option<String>,
    /// Device for the candle backend: cpu, cuda or cuda:N [default: cpu].
    #[arg(long, env = "LEDGERLINE_DEVICE")]
    device: Option<String>,
    /// Precision for the candle backend: f32 or f16 [default: f32].
    #[arg(long, env = "LEDGERLINE_PRECISION")]
    precision: Option<String>,
    /// The company the documents belong to (--company, required; its history must be
    /// imported) and, for in-process runs, the Intacct connection approved proposals are
    /// posted with. Without Intacct credentials nothing is posted: approved proposals wait.
    #[command(flatten)]
    intacct: IntacctArgs,
}

impl BatchArgs {
    /// The settings `serve` would resolve from the same flags, variables and file: one
    /// resolution, so a batch reads the index and models a server would.
    fn settings(&self, globals: &Globals) -> anyhow::Result<ServeConfig> {
        Ok(ServeConfig::resolve(
            &ServeArgs {
                config: self.intacct.config.clone(),
                data_dir: self.intacct.data_dir.clone(),
                qdrant_url: self.qdrant_url.clone(),
                database_url: self.database_url.clone(),
                backend: self.backend.clone(),
                device: self.device.clone(),
                precision: self.precision.clone(),
                ..ServeArgs::default()
            },
            globals.models_dir.clone(),
        )?)
    }
}

pub fn run(args: BatchArgs, globals: &Globals) -> anyhow::Result<ExitCode> {
    let items = ledgerline::batch::discover(&args.input)?;
    let company = args
        .intacct
        .company
        .clone()
        .context("--company is required: the Intacct company the documents belong to")?;
    let options = Options {
        company,
        entity: args.intacct.entity.clone(),
        kind: None,
        concurrency: args.concurrency,
        out: args.out.clone(),
        dry_run: args.dry_run,
    };
    let summary = globals.runtime()?.block_on(async {
        let target = if args.server.is_empty() {
            local(&args, globals).await?
        } else {
            remote(&args.server, args.token.clone()).await?
        };
        let bar = indicatif::ProgressBar::new(items.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {pos}/{len} documents {wide_bar} {per_sec} ETA {eta}",
            )
            .expect("a valid template"),
        );
        let summary = ledgerline::batch::run(items, &target, &options, &bar).await?;
        bar.finish_and_clear();
        anyhow::Ok(summary)
    })?;
    report(&args, &summary)?;
    Ok(if summary.failures() > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Connects to every server; one that is down now is connected to when it is back, so the
/// batch starts as long as one answers.
async fn remote(urls: &[String], token: Option<String>) -> anyhow::Result<Target> {
    let mut servers = Vec::new();
    let mut reached = 0;
    for url in urls {
        let endpoint = tonic::transport::Endpoint::from_shared(url.clone())
            .with_context(|| format!("{url} is not a server URL like http://127.0.0.1:50051"))?
            .connect_timeout(std::time::Duration::from_secs(5));
        let channel = match endpoint.connect().await {
            Ok(channel) => {
                reached += 1;
                channel
            }
            Err(e) => {
                tracing::warn!(server = %url, error = %e, "cannot reach this server now; the others take its documents until it is back");
                endpoint.connect_lazy()
            }
        };
        servers.push(ledgerline::batch::remote::Server::new(url.clone(), channel));
    }
    anyhow::ensure!(
        reached > 0,
        "cannot reach the ledgerline server{} at {}; is it running?",
        if urls.len() > 1 { "s" } else { "" },
        urls.join(", ")
    );
    Ok(Target::Remote { servers, token })
}

async fn local(args: &BatchArgs, globals: &Globals) -> anyhow::Result<Target> {
    let config = args.settings(globals)?;
    let cache = ledgerline::models::ModelCache::new(
        config.models_dir.clone(),
        ledgerline::models::Manifest::embedded(),
    );
    let runtime = NativeRuntime::bind(&cache)?;
    let writer = super::intacct::writer(&args.intacct)?;
    let pipeline = ledgerline::process::open(&config, runtime, writer)?.pipeline;
    pipeline.resume_postings().await?;
    Ok(Target::Local(pipeline))
}

/// What happened, for the person who ran the batch: counts, postings and review reasons.
fn report(args: &BatchArgs, summary: &Summary) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "results: {}", args.out.display())?;
    if summary.resumed > 0 {
        writeln!(
            out,
            "resumed: {} documents were reported by an earlier run",
            summary.resumed
        )?;
    }
    for (state, n) in &summary.states {
        let label = match state.as_str() {
            "pending" => "queued for review",
            "error" => "could not be processed",
            other => other,
        };
        writeln!(out, "{label}: {n}")?;
    }
    const SHOWN: usize = 25;
    if !summary.posted.is_empty() {
        writeln!(out, "posted to Intacct:")?;
        for (document, record_no) in summary.posted.iter().take(SHOWN) {
            writeln!(out, "  {document} -> record {record_no}")?;
        }
        if summary.posted.len() > SHOWN {
            writeln!(out, "  ... and {} more", summary.posted.len() - SHOWN)?;
        }
    }
    if !summary.pending.is_empty() {
        writeln!(out, "waiting for review (first reason):")?;
        for (document, reason) in summary.pending.iter().take(SHOWN) {
            writeln!(out, "  {document}: {reason}")?;
        }
        if summary.pending.len() > SHOWN {
            writeln!(out, "  ... and {} more", summary.pending.len() - SHOWN)?;
        }
        writeln!(out, "why documents wait for review (documents per reason):")?;
        let mut reasons: Vec<_> = summary.review_reasons.iter().collect();
        reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (reason, n) in reasons.into_iter().take(12) {
            writeln!(out, "  {n:>4}  {reason}")?;
        }
    }
    for (document, error) in &summary.errors {
        writeln!(out, "failed: {document}: {error}")?;
    }
    Ok(())
}
