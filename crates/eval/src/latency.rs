//! Search latency and memory at scale, with synthetic vectors (the embedding is excluded: it
//! is measured separately): N lines of one company in the embedded index or a Qdrant server,
//! then timed queries through the same [`VectorIndex`] call a suggestion makes. The embedded
//! index is sampled by a second process that reopens it, so its resident memory is what a
//! restarted service holds, not what the build left behind.

use std::fmt;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;

use ledgerline_core::history::{Date, HistoryRecord};
use ledgerline_suggest::embed::DIMENSIONS;
use ledgerline_suggest::index::{
    EdgeIndex, IndexError, IndexedLine, Quantization, Query, VectorIndex,
};
use ledgerline_suggest::suggest::VoteParams;

#[derive(Debug, Clone)]
pub struct LatencyReport {
    /// The index measured, in words.
    pub index: String,
    pub quantization: Quantization,
    pub lines: usize,
    pub queries: usize,
    /// How long the import took; `None` when an earlier run's index was queried again.
    pub build: Option<Duration>,
    pub p50: Duration,
    pub p99: Duration,
    /// Resident memory added by the index once reopened and queried, bytes: anonymous, and
    /// file-backed (mapped index files).
    pub rss_bytes: u64,
    pub rss_file_bytes: u64,
    pub disk_bytes: u64,
}

impl fmt::Display for LatencyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let per_million = |b: u64| b as f64 / self.lines.max(1) as f64 * 1e6 / (1 << 30) as f64;
        let built = match self.build {
            Some(took) => format!("indexed in {:.1} s", took.as_secs_f64()),
            None => "indexed by an earlier run".to_string(),
        };
        writeln!(
            f,
            "{}, vectors {}: {} lines {built}; {} queries (k = {}, company filter)",
            self.index,
            self.quantization,
            self.lines,
            self.queries,
            VoteParams::default().k
        )?;
        writeln!(
            f,
            "search latency p50 {:.2} ms, p99 {:.2} ms (embedding excluded)",
            self.p50.as_secs_f64() * 1e3,
            self.p99.as_secs_f64() * 1e3
        )?;
        // A server's index lives in its own process (and files): this one only holds a client.
        if self.disk_bytes == 0 {
            return writeln!(f, "memory: held by the server's process, not measured here");
        }
        writeln!(
            f,
            "memory, reopened and queried: {:.2} GiB resident per million lines ({:.2} GiB anonymous + {:.2} GiB of mapped index files; the write-ahead log not counted), {:.2} GiB on disk",
            per_million(self.rss_bytes + self.rss_file_bytes),
            per_million(self.rss_bytes),
            per_million(self.rss_file_bytes),
            per_million(self.disk_bytes)
        )
    }
}

/// Resident memory of this process, bytes: (anonymous, mapped files but the write-ahead log).
/// Qdrant Edge keeps its whole write-ahead log mapped; the kernel drops those clean pages when
/// memory is short, so they are no part of what the index needs resident.
fn rss() -> (u64, u64) {
    let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap_or_default();
    let (mut anon, mut file) = (0, 0);
    let mut mapped: Option<bool> = None; // Some(true): an index file, Some(false): the WAL
    for line in smaps.lines() {
        let mut words = line.split_whitespace();
        let first = words.next().unwrap_or("");
        if first.contains('-') && first.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            // A mapping's header: range, perms, offset, device, inode, then the path if any.
            let path = line.split_whitespace().nth(5);
            mapped = path
                .filter(|p| p.starts_with('/'))
                .map(|p| !p.contains("/wal/"));
            continue;
        }
        if first == "Rss:" {
            let bytes = words
                .next()
                .and_then(|kb| kb.parse::<u64>().ok())
                .unwrap_or(0)
                * 1024;
            match mapped {
                None => anon += bytes,
                Some(true) => file += bytes,
                Some(false) => {}
            }
        }
    }
    (anon, file)
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

/// The synthetic company's name.
pub const COMPANY: &str = "BENCH";

fn line(n: usize) -> HistoryRecord {
    HistoryRecord {
        line_id: format!("L{n}"),
        company: COMPANY.into(),
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

/// The query vectors' centres: the same seed in every process, so a measuring process that
/// reopens an index built by another queries near the same clusters.
fn centres() -> Vec<Vec<f32>> {
    let mut rng = StdRng::seed_from_u64(7);
    (0..3000)
        .map(|_| {
            (0..DIMENSIONS)
                .map(|_| rng.random_range(-1.0..1.0))
                .collect()
        })
        .collect()
}

/// Fills `index` with `lines` synthetic lines and optimises it; returns how long that took.
pub async fn build(index: &dyn VectorIndex, lines: usize) -> Result<Duration, IndexError> {
    let centres = centres();
    let mut rng = StdRng::seed_from_u64(8);
    let started = Instant::now();
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
    Ok(started.elapsed())
}

/// Latency percentiles of `queries` searches, and the resident memory they leave.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub p50: Duration,
    pub p99: Duration,
    /// Resident memory added since `baseline`, bytes: anonymous and file-backed.
    pub rss_anon: u64,
    pub rss_file: u64,
}

/// Times `queries` searches of the company [`build`] fills, as a suggestion makes them.
pub async fn query(
    index: &dyn VectorIndex,
    queries: usize,
    baseline: (u64, u64),
) -> Result<Sample, IndexError> {
    let centres = centres();
    let mut rng = StdRng::seed_from_u64(9);
    let mut times = Vec::with_capacity(queries.max(1));
    for _ in 0..queries.max(1) {
        let query = Query {
            company: COMPANY.into(),
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
    let now = rss();
    Ok(Sample {
        p50: at(0.5),
        p99: at(0.99),
        rss_anon: now.0.saturating_sub(baseline.0),
        rss_file: now.1.saturating_sub(baseline.1),
    })
}

/// This process's resident memory now, as [`query`] takes its baseline.
pub fn baseline() -> (u64, u64) {
    rss()
}

/// Opens the embedded index in `dir` as a restarted service would, and samples it: what stays
/// resident is measured here, in a process that never held the optimiser's working memory.
pub async fn reopen_and_query(dir: &std::path::Path, queries: usize) -> Result<Sample, IndexError> {
    let before = rss();
    let index = EdgeIndex::open(dir)?;
    query(&index, queries, before).await
}

/// The report of an index built by [`build`] and sampled by [`query`] or [`reopen_and_query`].
pub fn report(
    index: &dyn VectorIndex,
    quantization: Quantization,
    lines: usize,
    queries: usize,
    build: Option<Duration>,
    sample: Sample,
    disk_dir: Option<&std::path::Path>,
) -> LatencyReport {
    LatencyReport {
        index: index.describe(),
        quantization,
        lines,
        queries,
        build,
        p50: sample.p50,
        p99: sample.p99,
        rss_bytes: sample.rss_anon,
        rss_file_bytes: sample.rss_file,
        disk_bytes: disk_dir.map_or(0, disk),
    }
}
