//! Intacct credentials: where they come from (a lookup the caller supplies, usually the
//! environment, or a TOML secrets file only the owner may read) and how they are kept out of
//! logs, errors and Debug output ([`Secret`]).

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Why credentials could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum CredentialsError {
    #[error("cannot read the secrets file {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "the secrets file {path} can be read by group or others (mode {mode:o}); run `chmod 600 {path}`"
    )]
    TooOpen { path: PathBuf, mode: u32 },
    #[error("the secrets file {path} is invalid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error(
        "no Intacct {what} configured; set LEDGERLINE_INTACCT_{} or add `{key}` to the secrets file (--secrets-file)",
        key.to_uppercase()
    )]
    Missing {
        what: &'static str,
        key: &'static str,
    },
}

/// A credential. Debug and Display print `[redacted]`; only [`Secret::expose`] reveals it, at
/// the point it goes on the wire.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Everything needed to reach a company. The XML gateway needs the sender and the user (or a
/// session id); REST needs the OAuth client and the user, or a refresh token.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub sender_id: Option<String>,
    pub sender_password: Option<Secret>,
    pub user_id: Option<String>,
    pub user_password: Option<Secret>,
    /// An existing XML session (from `getAPISession` elsewhere); used instead of a login.
    pub session_id: Option<Secret>,
    pub client_id: Option<String>,
    pub client_secret: Option<Secret>,
    pub refresh_token: Option<Secret>,
}

/// The environment variable names, for the caller that does the lookup.
pub const ENV_NAMES: [&str; 8] = [
    "LEDGERLINE_INTACCT_SENDER_ID",
    "LEDGERLINE_INTACCT_SENDER_PASSWORD",
    "LEDGERLINE_INTACCT_USER_ID",
    "LEDGERLINE_INTACCT_USER_PASSWORD",
    "LEDGERLINE_INTACCT_SESSION_ID",
    "LEDGERLINE_INTACCT_CLIENT_ID",
    "LEDGERLINE_INTACCT_CLIENT_SECRET",
    "LEDGERLINE_INTACCT_REFRESH_TOKEN",
];

impl Credentials {
    /// Reads credentials through `lookup` (main passes the environment), by [`ENV_NAMES`].
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Credentials {
        let get = |i: usize| lookup(ENV_NAMES[i]).filter(|v| !v.is_empty());
        Credentials {
            sender_id: get(0),
            sender_password: get(1).map(Secret),
            user_id: get(2),
            user_password: get(3).map(Secret),
            session_id: get(4).map(Secret),
            client_id: get(5),
            client_secret: get(6).map(Secret),
            refresh_token: get(7).map(Secret),
        }
    }

    /// Reads a TOML secrets file, refusing one that group or others may read.
    pub fn from_file(path: &Path) -> Result<Credentials, CredentialsError> {
        let read = |source| CredentialsError::Read {
            path: path.to_path_buf(),
            source,
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path).map_err(read)?.permissions().mode();
            if mode & 0o077 != 0 {
                return Err(CredentialsError::TooOpen {
                    path: path.to_path_buf(),
                    mode: mode & 0o777,
                });
            }
        }
        let text = std::fs::read_to_string(path).map_err(read)?;
        // toml's message can quote the offending line, which may hold a secret: keep only where.
        toml::from_str(&text).map_err(|e: toml::de::Error| CredentialsError::Parse {
            path: path.to_path_buf(),
            message: match e.span() {
                Some(span) => format!(
                    "syntax or unknown key near byte {}; keys are {}",
                    span.start,
                    "sender_id, sender_password, user_id, user_password, session_id, client_id, client_secret, refresh_token"
                ),
                None => "not a table of credential keys".into(),
            },
        })
    }

    /// Fills what `self` lacks from `other` (the environment wins over the file).
    pub fn or(self, other: Credentials) -> Credentials {
        Credentials {
            sender_id: self.sender_id.or(other.sender_id),
            sender_password: self.sender_password.or(other.sender_password),
            user_id: self.user_id.or(other.user_id),
            user_password: self.user_password.or(other.user_password),
            session_id: self.session_id.or(other.session_id),
            client_id: self.client_id.or(other.client_id),
            client_secret: self.client_secret.or(other.client_secret),
            refresh_token: self.refresh_token.or(other.refresh_token),
        }
    }

    /// The value, or an error naming the environment variable and file key that provide it.
    pub(crate) fn require<'a, T>(
        value: &'a Option<T>,
        what: &'static str,
        key: &'static str,
    ) -> Result<&'a T, CredentialsError> {
        value
            .as_ref()
            .ok_or(CredentialsError::Missing { what, key })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_show_in_debug_or_display() {
        let creds = Credentials {
            user_password: Some(Secret::new("hunter2-very-secret")),
            client_secret: Some(Secret::new("cs-very-secret")),
            ..Credentials::default()
        };
        let shown = format!("{creds:?} {}", creds.user_password.as_ref().unwrap());
        assert!(!shown.contains("very-secret"), "{shown}");
        assert!(shown.contains("[redacted]"));
        assert_eq!(creds.user_password.unwrap().expose(), "hunter2-very-secret");
    }

    #[cfg(unix)]
    #[test]
    fn a_secrets_file_readable_by_others_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.toml");
        std::fs::write(&path, "user_id = \"u\"\nuser_password = \"pw-secret\"\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        let err = Credentials::from_file(&path).unwrap_err().to_string();
        assert!(err.contains("chmod 600"), "{err}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let creds = Credentials::from_file(&path).unwrap();
        assert_eq!(creds.user_id.as_deref(), Some("u"));

        std::fs::write(&path, "user_password = \"pw-secret\"\nbogus = 1\n").unwrap();
        let err = Credentials::from_file(&path).unwrap_err().to_string();
        assert!(!err.contains("pw-secret"), "{err}");
    }

    #[test]
    fn a_missing_credential_names_where_to_put_it() {
        let err = Credentials::require(&None::<String>, "sender id", "sender_id")
            .unwrap_err()
            .to_string();
        assert!(err.contains("LEDGERLINE_INTACCT_SENDER_ID"), "{err}");
        assert!(ENV_NAMES.contains(&"LEDGERLINE_INTACCT_SENDER_ID"));
        assert!(err.contains("`sender_id`"), "{err}");
    }

    #[test]
    fn the_lookup_wins_over_the_file() {
        let env = Credentials::from_lookup(|name| {
            (name == "LEDGERLINE_INTACCT_USER_ID").then(|| "env-user".to_string())
        });
        let file = Credentials {
            user_id: Some("file-user".into()),
            sender_id: Some("file-sender".into()),
            ..Credentials::default()
        };
        let merged = env.or(file);
        assert_eq!(merged.user_id.as_deref(), Some("env-user"));
        assert_eq!(merged.sender_id.as_deref(), Some("file-sender"));
    }
}
