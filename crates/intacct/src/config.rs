//! The Intacct side of the configuration: one typed [`IntacctConfig`], resolved in `main` from
//! flags (which clap merges with `LEDGERLINE_*` variables), then the `[intacct]` table of the
//! TOML file, then defaults.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use super::limits::RateLimits;
use super::retry::RetryPolicy;
use ledgerline_core::settings::ConfigError;

/// Which Intacct API to speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ApiKind {
    /// The XML gateway (`/ia/xml/xmlgw.phtml`), sender + user credentials.
    Xml,
    /// The REST API (`/ia/api/v1`), OAuth 2.0.
    Rest,
}

/// The state a journal entry is created in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum GlBatchState {
    Draft,
    Submitted,
    Posted,
}

impl GlBatchState {
    /// The XML gateway's spelling (GLBATCH STATE).
    pub fn xml(self) -> &'static str {
        match self {
            GlBatchState::Draft => "Draft",
            GlBatchState::Submitted => "Submitted",
            GlBatchState::Posted => "Posted",
        }
    }

    /// The REST API's spelling (journal-entry `state`).
    pub fn rest(self) -> &'static str {
        match self {
            GlBatchState::Draft => "draft",
            GlBatchState::Submitted => "submitted",
            GlBatchState::Posted => "posted",
        }
    }
}

/// Flags of the commands that talk to Intacct (`sync`, `intacct check`).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct IntacctArgs {
    /// TOML configuration file; its `[intacct]` table holds these keys.
    #[arg(long, env = "LEDGERLINE_CONFIG")]
    pub config: Option<PathBuf>,
    /// Intacct company id.
    #[arg(long, env = "LEDGERLINE_INTACCT_COMPANY")]
    pub company: Option<String>,
    /// Entity id of a multi-entity company [default: the top level].
    #[arg(long, env = "LEDGERLINE_INTACCT_ENTITY")]
    pub entity: Option<String>,
    /// API to use: xml or rest [default: xml].
    #[arg(long, env = "LEDGERLINE_INTACCT_API", value_enum)]
    pub api: Option<ApiKind>,
    /// Gateway URL (xml) or API base URL (rest) [default: Intacct's public endpoint].
    #[arg(long, env = "LEDGERLINE_INTACCT_ENDPOINT")]
    pub endpoint: Option<String>,
    /// State new journal entries are created in: draft, submitted or posted [default: draft].
    #[arg(long, env = "LEDGERLINE_INTACCT_GLBATCH_STATE", value_enum)]
    pub glbatch_state: Option<GlBatchState>,
    /// Requests in flight at once for the company [default: 2].
    #[arg(long, env = "LEDGERLINE_INTACCT_MAX_CONCURRENT")]
    pub max_concurrent: Option<usize>,
    /// Requests started per second for the company [default: 10].
    #[arg(long, env = "LEDGERLINE_INTACCT_REQUESTS_PER_SECOND")]
    pub requests_per_second: Option<f64>,
    /// Seconds before one request is abandoned and retried [default: 60].
    #[arg(long, env = "LEDGERLINE_INTACCT_TIMEOUT_SECS")]
    pub timeout_secs: Option<u64>,
    /// Attempts per call, the first included [default: 8].
    #[arg(long, env = "LEDGERLINE_INTACCT_RETRY_ATTEMPTS")]
    pub retry_attempts: Option<u32>,
    /// TOML file with the credentials; must be readable by its owner only.
    #[arg(long, env = "LEDGERLINE_INTACCT_SECRETS_FILE")]
    pub secrets_file: Option<PathBuf>,
    /// Where history and checkpoints live [default: the user's data dir/ledgerline].
    #[arg(long, env = "LEDGERLINE_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
struct FileRoot {
    #[serde(default)]
    intacct: FileIntacct,
    data_dir: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileIntacct {
    company: Option<String>,
    entity: Option<String>,
    api: Option<ApiKind>,
    endpoint: Option<String>,
    glbatch_state: Option<GlBatchState>,
    max_concurrent: Option<usize>,
    requests_per_second: Option<f64>,
    timeout_secs: Option<u64>,
    retry_attempts: Option<u32>,
    secrets_file: Option<PathBuf>,
}

/// Everything the Intacct clients need, credentials aside.
#[derive(Debug, Clone)]
pub struct IntacctConfig {
    pub company: String,
    pub entity: Option<String>,
    pub api: ApiKind,
    /// The XML gateway URL or the REST base URL (without a trailing slash).
    pub endpoint: String,
    pub glbatch_state: GlBatchState,
    pub limits: RateLimits,
    pub timeout: Duration,
    pub retry: RetryPolicy,
    /// Rows per page on paged reads (readByQuery allows 1000, the REST query service more).
    pub page_size: u32,
    pub secrets_file: Option<PathBuf>,
    pub data_dir: PathBuf,
}

pub const XML_ENDPOINT: &str = "https://api.intacct.com/ia/xml/xmlgw.phtml";
pub const REST_ENDPOINT: &str = "https://api.intacct.com/ia/api/v1";

impl IntacctConfig {
    /// Defaults for a company on one API: what tests start from.
    pub fn new(company: &str, api: ApiKind, endpoint: &str, data_dir: PathBuf) -> Self {
        IntacctConfig {
            company: company.to_string(),
            entity: None,
            api,
            endpoint: endpoint.trim_end_matches('/').to_string(),
            // Draft keeps a person in the loop until the company chooses otherwise.
            glbatch_state: GlBatchState::Draft,
            limits: RateLimits::default(),
            timeout: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            page_size: 1000,
            secrets_file: None,
            data_dir,
        }
    }

    /// Flags over the file's `[intacct]` table over defaults.
    pub fn resolve(args: &IntacctArgs, default_data_dir: PathBuf) -> Result<Self, ConfigError> {
        let root = match &args.config {
            Some(path) => read_file(path)?,
            None => FileRoot::default(),
        };
        let file = root.intacct;
        let company = args
            .company
            .clone()
            .or(file.company)
            .ok_or(ConfigError::Invalid {
                key: "company",
                message: "no Intacct company; pass --company or set LEDGERLINE_INTACCT_COMPANY"
                    .into(),
            })?;
        let api = args.api.or(file.api).unwrap_or(ApiKind::Xml);
        let endpoint = args.endpoint.clone().or(file.endpoint).unwrap_or_else(|| {
            match api {
                ApiKind::Xml => XML_ENDPOINT,
                ApiKind::Rest => REST_ENDPOINT,
            }
            .to_string()
        });
        let data_dir = args
            .data_dir
            .clone()
            .or(root.data_dir)
            .unwrap_or(default_data_dir);
        let mut config = IntacctConfig::new(&company, api, &endpoint, data_dir);
        config.entity = args.entity.clone().or(file.entity);
        if let Some(state) = args.glbatch_state.or(file.glbatch_state) {
            config.glbatch_state = state;
        }
        if let Some(n) = args.max_concurrent.or(file.max_concurrent) {
            config.limits.max_concurrent = n;
        }
        if let Some(rps) = args.requests_per_second.or(file.requests_per_second) {
            config.limits.requests_per_second = rps;
        }
        if let Some(secs) = args.timeout_secs.or(file.timeout_secs) {
            config.timeout = Duration::from_secs(secs);
        }
        if let Some(n) = args.retry_attempts.or(file.retry_attempts) {
            config.retry.max_attempts = n;
        }
        config.secrets_file = args.secrets_file.clone().or(file.secrets_file);
        if config.limits.max_concurrent == 0 || config.timeout.is_zero() {
            return Err(ConfigError::Invalid {
                key: "max_concurrent / timeout_secs",
                message: "must be greater than zero".into(),
            });
        }
        Ok(config)
    }

    /// The JSON-lines history file of this company.
    pub fn history_path(&self) -> PathBuf {
        self.data_dir
            .join("history")
            .join(format!("{}.jsonl", safe_name(&self.company)))
    }

    /// The sync checkpoint of this company.
    pub fn checkpoint_path(&self) -> PathBuf {
        self.data_dir
            .join("history")
            .join(format!("{}.checkpoint.json", safe_name(&self.company)))
    }
}

/// Company ids become file names: anything but letters, digits, `-` and `_` is replaced.
fn safe_name(company: &str) -> String {
    company
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn read_file(path: &Path) -> Result<FileRoot, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    // The rest of the file belongs to `serve`; only our table and data_dir are read here.
    let value: toml::Table = toml::from_str(&text).map_err(|e| ConfigError::Parse {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let mut root = FileRoot::default();
    if let Some(dir) = value.get("data_dir").and_then(|v| v.as_str()) {
        root.data_dir = Some(PathBuf::from(dir));
    }
    if let Some(table) = value.get("intacct") {
        root.intacct =
            table
                .clone()
                .try_into()
                .map_err(|e: toml::de::Error| ConfigError::Parse {
                    path: path.to_path_buf(),
                    message: format!("[intacct]: {e}"),
                })?;
    }
    Ok(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_intacct_table() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledgerline.toml");
        std::fs::write(
            &path,
            "listen = \"127.0.0.1:1\"\n[intacct]\ncompany = \"FILECO\"\napi = \"rest\"\nmax_concurrent = 4\nglbatch_state = \"posted\"\n",
        )
        .unwrap();
        let args = IntacctArgs {
            config: Some(path.clone()),
            company: Some("FLAGCO".into()),
            ..IntacctArgs::default()
        };
        let config = IntacctConfig::resolve(&args, dir.path().into()).unwrap();
        assert_eq!(config.company, "FLAGCO");
        assert_eq!(config.api, ApiKind::Rest);
        assert_eq!(config.endpoint, REST_ENDPOINT);
        assert_eq!(config.limits.max_concurrent, 4);
        assert_eq!(config.glbatch_state, GlBatchState::Posted);
        assert!(config.history_path().ends_with("history/FLAGCO.jsonl"));

        std::fs::write(&path, "[intacct]\ncompnay = \"X\"\n").unwrap();
        let err = IntacctConfig::resolve(&args, dir.path().into())
            .unwrap_err()
            .to_string();
        assert!(err.contains("compnay"), "{err}");
        let err = IntacctConfig::resolve(&IntacctArgs::default(), dir.path().into())
            .unwrap_err()
            .to_string();
        assert!(err.contains("--company"), "{err}");
    }
}
