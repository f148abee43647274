//! Development commands: the synthetic company and a fake Intacct to try the service against.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use ledgerline::company::Chart;
use ledgerline::fake_intacct::FakeConfig;

use super::Globals;

#[derive(Debug, clap::Subcommand)]
pub enum CompanyCommand {
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

#[derive(Debug, clap::Args)]
pub struct FakeArgs {
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

pub fn company(command: CompanyCommand) -> anyhow::Result<()> {
    let CompanyCommand::Generate {
        seed,
        out,
        lines,
        vendors,
    } = command;
    let spec = ledgerline::company::generate::Spec {
        seed,
        lines,
        vendors,
        ..Default::default()
    };
    write_company(&ledgerline::company::generate::generate(&spec), &out)
}

pub fn fake_intacct(args: FakeArgs, globals: &Globals) -> anyhow::Result<()> {
    globals.runtime()?.block_on(serve_fake(args))
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

async fn serve_fake(args: FakeArgs) -> anyhow::Result<()> {
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
    super::serve::shutdown_signal().await;
    fake.shutdown();
    Ok(())
}
