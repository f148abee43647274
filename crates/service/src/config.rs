//! Service configuration: one typed value, resolved once from flags, `LEDGERLINE_*` environment
//! variables and an optional TOML file (in that order of precedence), then passed down.
//! Nothing below `main` reads the environment.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use ledgerline_models::ModelCache;
use ledgerline_suggest::index::Quantization;

pub use ledgerline_core::settings::ConfigError;

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log shippers.
    Json,
}

/// `ledgerline serve` flags. Every flag also reads a `LEDGERLINE_*` environment variable; a value
/// given neither way falls back to the configuration file, then to the default shown.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ServeArgs {
    /// TOML configuration file with any of the keys below (snake_case).
    #[arg(long, env = "LEDGERLINE_CONFIG")]
    pub config: Option<PathBuf>,
    /// gRPC listen address [default: 127.0.0.1:50051].
    #[arg(long, env = "LEDGERLINE_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// Prometheus /metrics listen address, or "off" [default: 127.0.0.1:9464].
    #[arg(long, env = "LEDGERLINE_METRICS_LISTEN")]
    pub metrics_listen: Option<String>,
    /// Where the index, review queue and audit log live [default: the user's data dir/ledgerline].
    #[arg(long, env = "LEDGERLINE_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Largest request message in bytes; larger ones get RESOURCE_EXHAUSTED [default: 33554432].
    #[arg(long, env = "LEDGERLINE_MAX_REQUEST_BYTES")]
    pub max_request_bytes: Option<usize>,
    /// Largest response message in bytes [default: 67108864].
    #[arg(long, env = "LEDGERLINE_MAX_RESPONSE_BYTES")]
    pub max_response_bytes: Option<usize>,
    /// Requests handled at once per connection before callers wait [default: 64].
    #[arg(long, env = "LEDGERLINE_MAX_CONCURRENT_REQUESTS")]
    pub max_concurrent_requests: Option<usize>,
    /// Open client connections at once; more are closed as they arrive [default: 1024].
    #[arg(long, env = "LEDGERLINE_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// Bytes of documents received and not yet finished, across all callers; a document beyond
    /// it gets RESOURCE_EXHAUSTED [default: 268435456].
    #[arg(long, env = "LEDGERLINE_MAX_WAITING_BYTES")]
    pub max_waiting_bytes: Option<usize>,
    /// Log format: text or json [default: text].
    #[arg(long, env = "LEDGERLINE_LOG_FORMAT", value_enum)]
    pub log_format: Option<LogFormat>,
    /// Log filter in tracing's env-filter syntax [default: info].
    #[arg(long, env = "LEDGERLINE_LOG")]
    pub log_filter: Option<String>,
    /// Seconds in-flight requests get to finish after SIGTERM or Ctrl-C [default: 30].
    #[arg(long, env = "LEDGERLINE_SHUTDOWN_GRACE_SECS")]
    pub shutdown_grace_secs: Option<u64>,
    /// A Qdrant server or cluster (gRPC URL, e.g. http://qdrant:6334) for the history index
    /// [default: none, the embedded Qdrant Edge index under the data directory].
    #[arg(long, env = "LEDGERLINE_QDRANT_URL")]
    pub qdrant_url: Option<String>,
    /// A PostgreSQL database (postgres://user:password@host:port/db) for the review queue, the
    /// audit log and the API tokens, shared by every replica [default: none, the SQLite file
    /// ledgerline.db under the data directory].
    #[arg(long, env = "LEDGERLINE_DATABASE_URL")]
    pub database_url: Option<String>,
    /// How a newly created history index keeps its vectors: none (f32 in RAM) or int8 (a
    /// quarter of the memory, originals on disk) [default: none].
    #[arg(long, env = "LEDGERLINE_INDEX_QUANTIZATION")]
    pub index_quantization: Option<Quantization>,
    /// Inference backend for the OCR and layout networks: ort or candle [default: ort].
    #[arg(long, env = "LEDGERLINE_BACKEND")]
    pub backend: Option<String>,
    /// Device for the candle backend: cpu, cuda or cuda:N [default: cpu].
    #[arg(long, env = "LEDGERLINE_DEVICE")]
    pub device: Option<String>,
    /// Precision for the candle backend: f32 or f16 [default: f32].
    #[arg(long, env = "LEDGERLINE_PRECISION")]
    pub precision: Option<String>,
    /// Serve without access control: every caller may call every RPC, no token needed. For
    /// trials on one machine only [default: access control on].
    #[arg(long, env = "LEDGERLINE_NO_AUTH", value_parser = clap::builder::FalseyValueParser::new())]
    pub no_auth: bool,
    /// Serve gRPC over TLS with this certificate chain (PEM); needs --tls-key [default: none,
    /// plaintext].
    #[arg(long, env = "LEDGERLINE_TLS_CERT")]
    pub tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert.
    #[arg(long, env = "LEDGERLINE_TLS_KEY")]
    pub tls_key: Option<PathBuf>,
}

/// The keys a configuration file may hold; the same names as the flags.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<SocketAddr>,
    metrics_listen: Option<String>,
    data_dir: Option<PathBuf>,
    models_dir: Option<PathBuf>,
    max_request_bytes: Option<usize>,
    max_response_bytes: Option<usize>,
    max_concurrent_requests: Option<usize>,
    max_connections: Option<usize>,
    max_waiting_bytes: Option<usize>,
    log_format: Option<LogFormat>,
    log_filter: Option<String>,
    shutdown_grace_secs: Option<u64>,
    qdrant_url: Option<String>,
    database_url: Option<String>,
    index_quantization: Option<String>,
    backend: Option<String>,
    device: Option<String>,
    precision: Option<String>,
    auth: Option<bool>,
    tls_cert: Option<PathBuf>,
    tls_key: Option<PathBuf>,
    /// Read by the Intacct commands (`intacct::config`), not by `serve`.
    #[allow(dead_code)]
    intacct: Option<toml::Table>,
}

/// Bounds on what one request may cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// A scanned 3-page invoice at 300 DPI is a few MB; 32 MiB leaves room for long statements
    /// while refusing uploads that would only exhaust memory.
    pub max_request_bytes: usize,
    /// Responses carry page models with every word; twice the request limit.
    pub max_response_bytes: usize,
    /// Per-connection concurrency before callers queue.
    pub max_concurrent_requests: usize,
    /// Open connections: each holds buffers, and a caller could otherwise open thousands.
    pub max_connections: usize,
    /// Document bytes held by requests admitted and not finished (waiting for a reading slot
    /// or being read): twenty queued 32 MiB uploads must not hold a gigabyte.
    pub max_waiting_bytes: usize,
    /// Documents read at once across the server: reading is CPU bound, so more than the cores
    /// only adds memory and latency.
    pub max_concurrent_documents: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_request_bytes: 32 << 20,
            max_response_bytes: 64 << 20,
            max_concurrent_requests: 64,
            max_connections: 1024,
            max_waiting_bytes: 256 << 20,
            max_concurrent_documents: std::thread::available_parallelism().map_or(2, |n| n.get()),
        }
    }
}

/// The certificate chain and private key gRPC is served with, both PEM files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// The resolved configuration of `ledgerline serve`.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub listen: SocketAddr,
    /// None when metrics are switched off.
    pub metrics_listen: Option<SocketAddr>,
    pub data_dir: PathBuf,
    pub models_dir: PathBuf,
    pub limits: Limits,
    pub log_format: LogFormat,
    pub log_filter: String,
    pub shutdown_grace: Duration,
    /// None: the embedded Qdrant Edge index under `data_dir`.
    pub qdrant_url: Option<String>,
    /// None: the SQLite file under `data_dir`.
    pub database_url: Option<String>,
    /// The vector layout of an index this service creates.
    pub index_quantization: Quantization,
    /// What runs the OCR and layout networks.
    pub backend: ledgerline_read::infer::BackendChoice,
    /// Every RPC but health and reflection needs a bearer token (see `auth`).
    pub auth: bool,
    /// None: plaintext gRPC.
    pub tls: Option<TlsFiles>,
}

impl ServeConfig {
    /// Defaults for everything, with the given directories: what tests start from.
    pub fn with_dirs(data_dir: PathBuf, models_dir: PathBuf) -> Self {
        ServeConfig {
            listen: "127.0.0.1:50051".parse().expect("valid address"),
            metrics_listen: Some("127.0.0.1:9464".parse().expect("valid address")),
            data_dir,
            models_dir,
            limits: Limits::default(),
            log_format: LogFormat::Text,
            log_filter: "info".to_string(),
            shutdown_grace: Duration::from_secs(30),
            qdrant_url: None,
            database_url: None,
            index_quantization: Quantization::None,
            backend: ledgerline_read::infer::BackendChoice::Ort,
            auth: true,
            tls: None,
        }
    }

    /// Resolves flags (which clap has already merged with the environment) over the file named by
    /// `--config`, over the defaults. `models_dir` is the global `--models-dir`, if given.
    pub fn resolve(args: &ServeArgs, models_dir: Option<PathBuf>) -> Result<Self, ConfigError> {
        let file = match &args.config {
            Some(path) => read_file(path)?,
            None => FileConfig::default(),
        };
        let defaults = ServeConfig::with_dirs(default_data_dir(), ModelCache::default_root());
        let metrics_listen = match args.metrics_listen.clone().or(file.metrics_listen) {
            None => defaults.metrics_listen,
            Some(text) => parse_optional_addr(&text)?,
        };
        let limits = Limits {
            max_request_bytes: args
                .max_request_bytes
                .or(file.max_request_bytes)
                .unwrap_or(defaults.limits.max_request_bytes),
            max_response_bytes: args
                .max_response_bytes
                .or(file.max_response_bytes)
                .unwrap_or(defaults.limits.max_response_bytes),
            max_concurrent_requests: args
                .max_concurrent_requests
                .or(file.max_concurrent_requests)
                .unwrap_or(defaults.limits.max_concurrent_requests),
            max_connections: args
                .max_connections
                .or(file.max_connections)
                .unwrap_or(defaults.limits.max_connections),
            max_waiting_bytes: args
                .max_waiting_bytes
                .or(file.max_waiting_bytes)
                .unwrap_or(defaults.limits.max_waiting_bytes),
            max_concurrent_documents: defaults.limits.max_concurrent_documents,
        };
        if limits.max_request_bytes == 0 || limits.max_response_bytes == 0 {
            return Err(ConfigError::Invalid {
                key: "max_request_bytes / max_response_bytes",
                message: "must be greater than zero".into(),
            });
        }
        if limits.max_waiting_bytes < limits.max_request_bytes || limits.max_connections == 0 {
            return Err(ConfigError::Invalid {
                key: "max_waiting_bytes / max_connections",
                message: format!(
                    "max_waiting_bytes ({}) must be at least max_request_bytes ({}), or the largest \
                     allowed document could never be admitted; max_connections must be above zero",
                    limits.max_waiting_bytes, limits.max_request_bytes
                ),
            });
        }
        let tls = match (
            args.tls_cert.clone().or(file.tls_cert),
            args.tls_key.clone().or(file.tls_key),
        ) {
            (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
            (None, None) => None,
            (Some(_), None) | (None, Some(_)) => {
                return Err(ConfigError::Invalid {
                    key: "tls_cert / tls_key",
                    message: "TLS needs both the certificate (--tls-cert) and its private key \
                              (--tls-key); give both, or neither for plaintext"
                        .into(),
                });
            }
        };
        let backend = ledgerline_read::infer::BackendChoice::from_flags(
            args.backend
                .as_deref()
                .or(file.backend.as_deref())
                .unwrap_or("ort"),
            args.device
                .as_deref()
                .or(file.device.as_deref())
                .unwrap_or("cpu"),
            args.precision
                .as_deref()
                .or(file.precision.as_deref())
                .unwrap_or("f32"),
        )
        .map_err(|message| ConfigError::Invalid {
            key: "backend / device / precision",
            message,
        })?;
        let index_quantization = match (args.index_quantization, file.index_quantization) {
            (Some(q), _) => q,
            (None, Some(text)) => text.parse().map_err(|message| ConfigError::Invalid {
                key: "index_quantization",
                message,
            })?,
            (None, None) => defaults.index_quantization,
        };
        Ok(ServeConfig {
            listen: args.listen.or(file.listen).unwrap_or(defaults.listen),
            metrics_listen,
            data_dir: args
                .data_dir
                .clone()
                .or(file.data_dir)
                .unwrap_or(defaults.data_dir),
            models_dir: models_dir
                .or(file.models_dir)
                .unwrap_or(defaults.models_dir),
            limits,
            log_format: args
                .log_format
                .or(file.log_format)
                .unwrap_or(defaults.log_format),
            log_filter: args
                .log_filter
                .clone()
                .or(file.log_filter)
                .unwrap_or(defaults.log_filter),
            shutdown_grace: Duration::from_secs(
                args.shutdown_grace_secs
                    .or(file.shutdown_grace_secs)
                    .unwrap_or(defaults.shutdown_grace.as_secs()),
            ),
            qdrant_url: args.qdrant_url.clone().or(file.qdrant_url),
            database_url: args.database_url.clone().or(file.database_url),
            index_quantization,
            backend,
            // The flag only ever turns access control off; left out, the file decides.
            auth: !args.no_auth && file.auth.unwrap_or(defaults.auth),
            tls,
        })
    }
}

impl ServeConfig {
    /// Where the review queue, the audit log and the tokens live.
    pub fn database(&self) -> crate::db::Location {
        crate::db::Location::new(&self.data_dir, self.database_url.as_deref())
    }
}

/// The default data directory: `ledgerline` under the user's data directory.
pub fn default_data_dir() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("ledgerline")
}

fn read_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| ConfigError::Parse {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

fn parse_optional_addr(text: &str) -> Result<Option<SocketAddr>, ConfigError> {
    if text.is_empty() || text.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    text.parse().map(Some).map_err(|e| ConfigError::Invalid {
        key: "metrics_listen",
        message: format!("{text:?} is not an address like 127.0.0.1:9464 or \"off\": {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledgerline.toml");
        std::fs::write(
            &path,
            "listen = \"127.0.0.1:7000\"\nmax_request_bytes = 1000\nlog_format = \"json\"\nmetrics_listen = \"off\"\nindex_quantization = \"int8\"\n",
        )
        .unwrap();
        let args = ServeArgs {
            config: Some(path),
            listen: Some("127.0.0.1:8000".parse().unwrap()),
            ..ServeArgs::default()
        };
        let config = ServeConfig::resolve(&args, None).unwrap();
        assert_eq!(config.listen, "127.0.0.1:8000".parse().unwrap());
        assert_eq!(config.limits.max_request_bytes, 1000);
        assert_eq!(config.log_format, LogFormat::Json);
        assert_eq!(config.metrics_listen, None);
        assert_eq!(config.limits.max_response_bytes, 64 << 20);
        assert_eq!(config.shutdown_grace, Duration::from_secs(30));
        assert_eq!(config.index_quantization, Quantization::Int8);
    }

    #[test]
    fn unknown_keys_and_bad_values_are_refused_with_the_file_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, "listne = \"127.0.0.1:7000\"\n").unwrap();
        let args = ServeArgs {
            config: Some(path.clone()),
            ..ServeArgs::default()
        };
        let err = ServeConfig::resolve(&args, None).unwrap_err().to_string();
        assert!(err.contains("bad.toml") && err.contains("listne"), "{err}");

        let args = ServeArgs {
            metrics_listen: Some("nowhere".into()),
            ..ServeArgs::default()
        };
        let err = ServeConfig::resolve(&args, None).unwrap_err().to_string();
        assert!(err.contains("metrics_listen"), "{err}");

        std::fs::write(&path, "index_quantization = \"int4\"\n").unwrap();
        let args = ServeArgs {
            config: Some(path.clone()),
            ..ServeArgs::default()
        };
        let err = ServeConfig::resolve(&args, None).unwrap_err().to_string();
        assert!(
            err.contains("index_quantization") && err.contains("int8"),
            "{err}"
        );
    }

    #[test]
    fn access_control_is_on_unless_turned_off_and_tls_needs_both_files() {
        let dir = tempfile::tempdir().unwrap();
        let config = ServeConfig::resolve(&ServeArgs::default(), None).unwrap();
        assert!(config.auth);
        assert_eq!(config.tls, None);

        let path = dir.path().join("ledgerline.toml");
        std::fs::write(
            &path,
            "auth = false\ntls_cert = \"c.pem\"\ntls_key = \"k.pem\"\n",
        )
        .unwrap();
        let args = ServeArgs {
            config: Some(path.clone()),
            ..ServeArgs::default()
        };
        let config = ServeConfig::resolve(&args, None).unwrap();
        assert!(!config.auth);
        let tls = config.tls.unwrap();
        assert_eq!((tls.cert, tls.key), ("c.pem".into(), "k.pem".into()));

        let args = ServeArgs {
            no_auth: true,
            ..ServeArgs::default()
        };
        assert!(!ServeConfig::resolve(&args, None).unwrap().auth);

        let args = ServeArgs {
            tls_cert: Some("c.pem".into()),
            ..ServeArgs::default()
        };
        let err = ServeConfig::resolve(&args, None).unwrap_err().to_string();
        assert!(err.contains("--tls-key"), "{err}");
        let args = ServeArgs {
            tls_key: Some("k.pem".into()),
            ..ServeArgs::default()
        };
        let err = ServeConfig::resolve(&args, None).unwrap_err().to_string();
        assert!(err.contains("--tls-cert"), "{err}");
    }

    #[test]
    fn the_backend_comes_from_the_file_or_the_flags_and_bad_choices_are_refused() {
        use ledgerline_read::infer::{BackendChoice, CandleOptions, DeviceKind, Precision};
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            ServeConfig::resolve(&ServeArgs::default(), None)
                .unwrap()
                .backend,
            BackendChoice::Ort
        );
        let path = dir.path().join("ledgerline.toml");
        std::fs::write(&path, "backend = \"candle\"\ndevice = \"cuda:1\"\n").unwrap();
        let args = ServeArgs {
            config: Some(path),
            precision: Some("f16".into()),
            ..ServeArgs::default()
        };
        assert_eq!(
            ServeConfig::resolve(&args, None).unwrap().backend,
            BackendChoice::Candle(CandleOptions {
                device: DeviceKind::Cuda(1),
                precision: Precision::F16
            })
        );
        for (backend, device, hint) in [
            ("tensorrt", "cpu", "use ort or candle"),
            ("candle", "gpu", "cpu, cuda or cuda:N"),
            ("ort", "cuda", "--backend candle"),
        ] {
            let args = ServeArgs {
                backend: Some(backend.into()),
                device: Some(device.into()),
                ..ServeArgs::default()
            };
            let err = ServeConfig::resolve(&args, None).unwrap_err().to_string();
            assert!(err.contains(hint), "{err}");
        }
    }
}
