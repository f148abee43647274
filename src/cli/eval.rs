//! `eval`: accuracy, speed and latency figures, each next to a baseline on the same data.

use std::path::{Path, PathBuf};

use anyhow::Context;
use ledgerline::company::{Chart, Field};
use ledgerline::embed::{EmbedQueue, Embedder, QueueParams};
use ledgerline::eval::latency;
use ledgerline::history::HistoryRecord;
use ledgerline::index::{EdgeIndex, Quantization, ServerIndex, VectorIndex};
use ledgerline::models::ModelCache;
use ledgerline::runtime::NativeRuntime;

use super::Globals;
use super::read::{ReadArgs, reader, reader_options};

#[derive(Debug, clap::Subcommand)]
pub enum EvalCommand {
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
    /// Precision, recall and F1 per header field, line-item F1 and transaction F1, per variant,
    /// on a generated corpus; on real corpora (receipt scans with `img/` and `key/`, e-invoice
    /// hybrid PDFs with `pdf/` and `gt/`, read from their pages alone) the accuracy of each
    /// field on a development and a validation part, next to a trivial baseline.
    Extract {
        /// Corpus directories: one generated corpus (fixtures/documents, or one generated with
        /// another seed), or any number of real ones (../shared/corpus/sroie-dev,
        /// ../shared/corpus/zugferd, fixtures/real/einvoice).
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Real corpora: list each document's wrong fields.
        #[arg(long)]
        per_doc: bool,
        /// Real corpora: keep each document's page model in this folder and reuse it on the
        /// next run (delete it when reading options or models change).
        #[arg(long)]
        pages_cache: Option<PathBuf>,
        /// Real corpora: corrections to hybrid truth files (fixtures/einvoice/zugferd-errata.json).
        #[arg(long)]
        errata: Option<PathBuf>,
        /// Real corpora: read only the development (dev) or the validation (val) part.
        #[arg(long, value_parser = ["dev", "val"])]
        part: Option<String>,
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
        /// Evaluate this history file (the `history import` format) instead: the lines before
        /// --split are imported, the lines from --split on are suggested.
        #[arg(long, requires = "split")]
        history: Option<PathBuf>,
        /// The first day held out (YYYY-MM-DD), with --history.
        #[arg(long, requires = "history")]
        split: Option<String>,
        /// The first day no longer held out (YYYY-MM-DD), with --split: "--split 2021-10-01
        /// --until 2022-01-01" scores one quarter, as a company served for a quarter after an
        /// import would be. Every line from --split on by default.
        #[arg(long, requires = "split")]
        until: Option<String>,
        /// The company the file's lines belong to, when it has no company column.
        #[arg(long, default_value = "LEDGER")]
        company: String,
        /// The company's chart; learnt from the history when absent.
        #[arg(long)]
        chart: Option<PathBuf>,
        /// The file writes amounts as 1.234,56.
        #[arg(long)]
        decimal_comma: bool,
        /// How the evaluation's index keeps its vectors: none or int8.
        #[arg(long, default_value = "none")]
        index_quantization: Quantization,
        /// With --history: write every held-out line, its truth and the top three candidates
        /// per field with their confidences to this CSV file.
        #[arg(long, requires = "history")]
        lines: Option<PathBuf>,
        /// Learn the held-out period a day at a time, after that day's lines are suggested, as
        /// the service learns the lines its reviewers approve; every line of the period is
        /// learnt, also with --limit. Without it the period is served from the import alone.
        #[arg(long)]
        learn: bool,
    },
    /// Suggestion search latency (p50, p99, excluding the embedding) and memory with N
    /// indexed lines of synthetic vectors in the embedded index (or a Qdrant server).
    IndexLatency {
        #[arg(long, default_value_t = 1_000_000)]
        lines: usize,
        #[arg(long, default_value_t = 1000)]
        queries: usize,
        /// none or int8.
        #[arg(long, default_value = "none")]
        index_quantization: Quantization,
        /// Measure a Qdrant server (gRPC URL) instead of the embedded index.
        #[arg(long, env = "LEDGERLINE_QDRANT_URL")]
        qdrant_url: Option<String>,
        /// With --qdrant-url: query the synthetic company an earlier run left on the server
        /// (it must hold exactly --lines lines) instead of importing it again.
        #[arg(long, requires = "qdrant_url")]
        reuse: bool,
        /// Time the queries this many times over and report each round: a p99 of 1,000
        /// queries is their tenth-slowest, and the first round after an import also pays for
        /// the server's caches filling.
        #[arg(long, default_value_t = 3)]
        rounds: usize,
        /// Internal: sample the embedded index in DIR and print the raw figures.
        #[arg(long, hide = true)]
        reopen: Option<PathBuf>,
    },
}

pub fn run(command: EvalCommand, globals: &Globals) -> anyhow::Result<()> {
    // A bar on a terminal; nothing when stderr is a file or a pipe.
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(indicatif::ProgressStyle::with_template(
        "{bar:40} {pos}/{len} documents eta {eta}",
    )?);
    let progress = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    match command {
        EvalCommand::Ocr {
            dir,
            limit,
            variants,
            read,
        } => {
            let reader = reader(globals, &read)?;
            let report = ledgerline::eval::ocr::evaluate(
                &reader,
                &dir,
                limit,
                variants.as_deref(),
                progress,
            )?;
            bar.finish_and_clear();
            print!("{report}");
        }
        EvalCommand::Extract {
            dirs,
            per_doc,
            pages_cache,
            errata,
            part,
            limit,
            variants,
            read,
        } => {
            let reader = reader(globals, &read)?;
            if dirs
                .iter()
                .any(|d| ledgerline::eval::real::detect(d).is_some())
            {
                let options = ledgerline::eval::real::Options {
                    per_doc,
                    pages_cache,
                    errata: errata
                        .as_deref()
                        .map(ledgerline::eval::einvoice::load_errata)
                        .transpose()?,
                    part: part.map(|p| match p.as_str() {
                        "dev" => ledgerline::eval::real::Part::Development,
                        _ => ledgerline::eval::real::Part::Validation,
                    }),
                };
                let report = ledgerline::eval::real::evaluate(&reader, &dirs, &options, progress)?;
                bar.finish_and_clear();
                print!("{report}");
                return Ok(());
            }
            let [dir] = dirs.as_slice() else {
                anyhow::bail!(
                    "a generated corpus is evaluated alone; give one directory, or real corpora only"
                );
            };
            let report = ledgerline::eval::extract::evaluate(
                &reader,
                dir,
                limit,
                variants.as_deref(),
                progress,
            )?;
            bar.finish_and_clear();
            print!("{report}");
        }
        EvalCommand::Einvoice {
            dirs,
            truth,
            errata,
            per_doc,
            read,
        } => {
            let reader = reader(globals, &read)?;
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
                progress,
            )?;
            bar.finish_and_clear();
            print!("{report}");
        }
        EvalCommand::Throughput {
            dir,
            pages,
            workers,
            det_batch,
            embed_lines,
            embed_batch,
            read,
        } => {
            let cache = globals.model_cache();
            let runtime = NativeRuntime::bind(&cache)?;
            let mut options = reader_options(&read)?;
            options.ocr.det_batch = det_batch;
            let reader = ledgerline::read::Reader::new(runtime.clone(), &cache, options)?;
            let embedder = Embedder::from_cache(&cache)?;
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
        EvalCommand::Suggest {
            company_dir,
            oxford,
            no_oxford,
            limit,
            history: Some(history),
            split: Some(split),
            until,
            company,
            chart,
            decimal_comma,
            index_quantization,
            lines,
            learn,
        } => {
            let split = ledgerline::history::Date::parse(&split)
                .with_context(|| format!("--split {split:?} is not a date; write it YYYY-MM-DD"))?;
            let until = until
                .map(|u| {
                    ledgerline::history::Date::parse(&u).with_context(|| {
                        format!("--until {u:?} is not a date; write it YYYY-MM-DD")
                    })
                })
                .transpose()?;
            if let Some(until) = until {
                anyhow::ensure!(
                    until > split,
                    "--until {until} is not after --split {split}: nothing would be held out"
                );
            }
            let mut records =
                ledgerline::import::read_file(&history, Some(&company), decimal_comma)?;
            records.retain(|r| until.is_none_or(|u| r.posting_date < u));
            let chart = chart.map(|p| Chart::load(&p)).transpose()?;
            let cache = globals.model_cache();
            let name = match until {
                Some(until) => format!("{} ({split} to {until} held out)", history.display()),
                None => format!("{} (from {split} held out)", history.display()),
            };
            let eval = FileEval {
                name: &name,
                split,
                chart,
                limit,
                quantization: index_quantization,
                lines: lines.as_deref(),
                learn,
            };
            globals
                .runtime()?
                .block_on(suggest_file(&cache, records, eval))?;
            let _ = (company_dir, oxford, no_oxford);
        }
        EvalCommand::Suggest {
            company_dir,
            oxford,
            no_oxford,
            limit,
            index_quantization,
            learn,
            ..
        } => {
            let cache = globals.model_cache();
            let oxford = (!no_oxford && oxford.is_dir()).then_some(oxford);
            globals.runtime()?.block_on(suggest(
                &cache,
                &company_dir,
                oxford.as_deref(),
                (limit, learn),
                index_quantization,
            ))?;
        }
        EvalCommand::IndexLatency {
            lines,
            queries,
            index_quantization,
            qdrant_url,
            reuse,
            rounds,
            reopen,
        } => {
            let runtime = globals.runtime()?;
            if let Some(dir) = reopen {
                // The measuring half: one line for the process that built the index.
                let s = runtime.block_on(latency::reopen_and_query(&dir, queries))?;
                println!(
                    "{} {} {} {}",
                    s.p50.as_nanos(),
                    s.p99.as_nanos(),
                    s.rss_anon,
                    s.rss_file
                );
                return Ok(());
            }
            let reports = match qdrant_url {
                Some(url) => runtime.block_on(async {
                    let index = ServerIndex::connect(&url, std::time::Duration::from_secs(60))?
                        .with_quantization(index_quantization);
                    let build = if reuse {
                        let held = index.count(latency::COMPANY).await?;
                        anyhow::ensure!(
                            held == lines,
                            "the server holds {held} lines of {}, not {lines}: run once without --reuse to import them",
                            latency::COMPANY
                        );
                        None
                    } else {
                        Some(latency::build(&index, lines).await?)
                    };
                    let mut reports = Vec::with_capacity(rounds.max(1));
                    for _ in 0..rounds.max(1) {
                        let sample = latency::query(&index, queries, latency::baseline()).await?;
                        reports.push(latency::report(
                            &index,
                            index_quantization,
                            lines,
                            queries,
                            build,
                            sample,
                            None,
                        ));
                    }
                    anyhow::Ok(reports)
                })?,
                None => {
                    let dir = tempfile::tempdir()?;
                    // Built and closed here, sampled by another process.
                    let build = runtime.block_on(async {
                        let index = EdgeIndex::open_with(dir.path(), index_quantization)?;
                        anyhow::Ok(latency::build(&index, lines).await?)
                    })?;
                    let mut reports = Vec::with_capacity(rounds.max(1));
                    for _ in 0..rounds.max(1) {
                        let sample = reopened_sample(dir.path(), queries)?;
                        let index = EdgeIndex::open(dir.path())?;
                        reports.push(latency::report(
                            &index,
                            index_quantization,
                            lines,
                            queries,
                            Some(build),
                            sample,
                            Some(dir.path()),
                        ));
                    }
                    reports
                }
            };
            for report in &reports {
                print!("{report}");
            }
        }
    }
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

/// What `eval suggest --history FILE` was asked beside the file's lines.
struct FileEval<'a> {
    name: &'a str,
    split: ledgerline::history::Date,
    chart: Option<Chart>,
    limit: Option<usize>,
    quantization: Quantization,
    lines: Option<&'a Path>,
    learn: bool,
}

/// `eval suggest --history FILE --split DATE`: any ledger in the import format, cut in time.
async fn suggest_file(
    cache: &ModelCache,
    records: Vec<HistoryRecord>,
    FileEval {
        name,
        split,
        chart,
        limit,
        quantization,
        lines,
        learn,
    }: FileEval<'_>,
) -> anyhow::Result<()> {
    use ledgerline::eval::suggest::{Split, evaluate, write_lines};
    let (train, test): (Vec<HistoryRecord>, Vec<HistoryRecord>) =
        records.into_iter().partition(|r| r.posting_date < split);
    anyhow::ensure!(
        !train.is_empty() && !test.is_empty(),
        "--split {split} leaves {} lines before it and {} from it on; pick a date inside the file's period",
        train.len(),
        test.len()
    );
    let companies: std::collections::BTreeSet<&str> =
        train.iter().map(|r| r.company.as_str()).collect();
    anyhow::ensure!(
        companies.len() == 1,
        "the file holds several companies ({companies:?}); evaluate one at a time"
    );
    let company = train[0].company.clone();
    let chart = match chart {
        Some(chart) if chart.company == company => chart,
        Some(chart) => anyhow::bail!(
            "the chart is for {}, the file for {company}; pass --company {}",
            chart.company,
            chart.company
        ),
        None => Chart::from_history(&company, &train),
    };
    // Dimensions the ledger never fills are not scored.
    let fields: Vec<Field> = Field::ALL
        .into_iter()
        .filter(|f| *f == Field::Account || train.iter().any(|r| f.of(r).is_some()))
        .collect();
    // Created before the minutes of evaluation, so a folder that is not there fails at once.
    let out = lines
        .map(|path| {
            std::fs::File::create(path).with_context(|| {
                format!("cannot create {}; check the folder exists", path.display())
            })
        })
        .transpose()?;
    let queue = EmbedQueue::start(Embedder::from_cache(cache)?, QueueParams::default());
    let work = tempfile::tempdir()?;
    let index = EdgeIndex::open_with(&work.path().join("index"), quantization)?.exact();
    println!("index vectors: {quantization}");
    let started = std::time::Instant::now();
    let split = Split {
        train,
        validation: Vec::new(),
        learnt: if learn { test.clone() } else { Vec::new() },
        test: thin(test, limit),
    };
    let report = evaluate(name, &chart, split, &fields, &queue, &index, work.path()).await?;
    print!("{report}");
    println!("  ({:.1} s)", started.elapsed().as_secs_f64());
    if let Some((path, file)) = lines.zip(out) {
        write_lines(&report, std::io::BufWriter::new(file))
            .with_context(|| format!("writing the held-out lines to {}", path.display()))?;
        println!("  held-out lines written to {}", path.display());
    }
    Ok(())
}

async fn suggest(
    cache: &ModelCache,
    company_dir: &Path,
    oxford: Option<&Path>,
    (limit, learn): (Option<usize>, bool),
    quantization: Quantization,
) -> anyhow::Result<()> {
    println!("index vectors: {quantization}");
    use ledgerline::eval::suggest::{Split, evaluate};
    let queue = EmbedQueue::start(Embedder::from_cache(cache)?, QueueParams::default());
    let chart = Chart::load(&company_dir.join("chart.json"))?;
    let history = ledgerline::company::read_history(&company_dir.join("history.jsonl.gz"))?;
    let [train, validation, test] = ledgerline::company::generate::split(&history);
    let work = tempfile::tempdir()?;
    let run = |name: &'static str, dir: &'static str, chart: Chart, split: Split, fields| {
        let (queue, work) = (&queue, work.path());
        async move {
            let index = EdgeIndex::open_with(&work.join(dir), quantization)?.exact();
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
        learnt: if learn { test.clone() } else { Vec::new() },
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
        learnt: if learn { test.clone() } else { Vec::new() },
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

/// Samples the embedded index in `dir` from a fresh process of this binary, so the resident
/// memory measured is the reopened index's alone.
fn reopened_sample(dir: &Path, queries: usize) -> anyhow::Result<latency::Sample> {
    let out = std::process::Command::new(std::env::current_exe()?)
        .args([
            "eval",
            "index-latency",
            "--queries",
            &queries.to_string(),
            "--reopen",
        ])
        .arg(dir)
        .env_remove("LEDGERLINE_QDRANT_URL")
        .output()
        .context("cannot start the measuring process")?;
    anyhow::ensure!(
        out.status.success(),
        "the measuring process failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let n: Vec<u64> = text
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .with_context(|| format!("the measuring process printed {text:?}"))?;
    anyhow::ensure!(n.len() == 4, "the measuring process printed {text:?}");
    Ok(latency::Sample {
        p50: std::time::Duration::from_nanos(n[0]),
        p99: std::time::Duration::from_nanos(n[1]),
        rss_anon: n[2],
        rss_file: n[3],
    })
}
