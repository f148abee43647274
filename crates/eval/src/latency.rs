//! Search latency and memory at scale, with synthetic vectors (the embedding is excluded: it
//! is measured separately): N lines of one company in the embedded index, then timed queries
//! through the same [`VectorIndex`] call a suggestion makes.

use std::fmt;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;

use ledgerline_core::history::{Date, HistoryRecord};
use ledgerline_suggest::embed::DIMENSIONS;
use ledgerline_suggest::index::{EdgeIndex, IndexError, IndexedLine, Query, VectorIndex};
use ledgerline_suggest::suggest::VoteParams;

#[derive(Debug, Clone)]
pub struct LatencyReport {
    pub lines: usize,
    pub queries: usize,
    pub build: Duration,
    pub p50: Duration,
    pub p99: Duration,
    /// Resident memory added by the index, bytes.
    pub rss_bytes: u64,
    pub disk_bytes: u64,
}

impl fmt::Display for LatencyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let per_million = |b: u64| b as f64 / self.lines.max(1) as f64 * 1e6 / (1 << 30) as f64;
        writeln!(
            f,
            "{} lines indexed in {:.1} s; {} queries (k = {}, company filter)",
            self.lines,
            self.build.as_secs_f64(),
            self.queries,
            VoteParams::default().k
        )?;
        writeln!(
            f,
            "search latency p50 {:.2} ms, p99 {:.2} ms (embedding excluded)",
            self.p50.as_secs_f64() * 1e3,
            self.p99.as_secs_f64() * 1e3
        )?;
        writeln!(
            f,
            "memory: {:.2} GiB resident per million lines, {:.2} GiB on disk per million lines",
            per_million(self.rss_bytes),
            per_million(self.disk_bytes)
        )
    }
}

fn rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

fn disk(path: &std::path::Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => disk(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

/// A unit vector near one of a few thousand centres, like descriptions clustering by vendor.
fn vector(rng: &mut StdRng, centres: &[Vec<f32>]) -> Vec<f32> {
    let c = &centres[rng.random_range(0..centres.len())];
    let mut v: Vec<f32> = c
        .iter()
        .map(|x| x + rng.random_range(-0.05..0.05))
        .collect();
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    v.iter_mut().for_each(|x| *x /= norm);
    v
}

fn line(n: usize) -> HistoryRecord {
    HistoryRecord {
        line_id: format!("L{n}"),
        company: "BENCH".into(),
        entity: Some(["US", "UK", "DE"][n % 3].into()),
        posting_date: Date::new(2024, (n % 12) as u8 + 1, (n % 28) as u8 + 1).expect("date"),
        amount: Decimal::new((n % 100_000) as i64 + 100, 2),
        memo: format!("synthetic line {n}"),
        vendor_id: None,
        vendor_name: Some(format!("Vendor {}", n % 3000)),
        account: format!("{}", 6000 + (n % 50) * 10),
        department: Some(format!("D{}", n % 9)),
        location: Some(format!("L{}", n % 7)),
        project: None,
        class: Some(format!("C{}", n % 5)),
        customer: None,
        modified_at: String::new(),
    }
}

/// Builds an index of `lines` synthetic lines in a temporary directory and times `queries`.
pub async fn measure(lines: usize, queries: usize) -> Result<LatencyReport, IndexError> {
    let dir = tempfile::tempdir().map_err(|e| IndexError::Open {
        path: "a temporary directory".into(),
        message: e.to_string(),
    })?;
    let mut rng = StdRng::seed_from_u64(7);
    let centres: Vec<Vec<f32>> = (0..3000)
        .map(|_| {
            (0..DIMENSIONS)
                .map(|_| rng.random_range(-1.0..1.0))
                .collect()
        })
        .collect();
    let before = rss();
    let started = Instant::now();
    let index = EdgeIndex::open(dir.path())?;
    let mut n = 0;
    while n < lines {
        let batch: Vec<IndexedLine> = (n..(n + 10_000).min(lines))
            .map(|i| IndexedLine {
                record: line(i),
                vector: vector(&mut rng, &centres),
            })
            .collect();
        n += batch.len();
        index.upsert(batch).await?;
        tracing::info!(n, "indexed");
    }
    index.optimize().await?;
    let build = started.elapsed();
    let rss_bytes = rss().saturating_sub(before);
    let mut times = Vec::with_capacity(queries);
    for _ in 0..queries {
        let query = Query {
            company: "BENCH".into(),
            entity: None,
            vector: vector(&mut rng, &centres),
            limit: VoteParams::default().k,
        };
        let t = Instant::now();
        index.search(query).await?;
        times.push(t.elapsed());
    }
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    Ok(LatencyReport {
        lines,
        queries,
        build,
        p50: at(0.5),
        p99: at(0.99),
        rss_bytes,
        disk_bytes: disk(dir.path()),
    })
}
