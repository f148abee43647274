//! TLS for the gRPC port (rustls through tonic): the certificate and key are read and checked
//! before anything else starts, so that a wrong path or a damaged file stops start-up at once
//! with the file named, not at the first handshake.

use std::path::{Path, PathBuf};

use tonic::transport::{Identity, Server, ServerTlsConfig};

use crate::config::TlsFiles;

/// Why TLS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read the TLS {what} {path}: {source}; check {flag} and the file's permissions")]
    Read {
        what: &'static str,
        flag: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} holds no PEM {what} (a `-----BEGIN {label}` block); {flag} takes a PEM file")]
    NotPem {
        what: &'static str,
        label: &'static str,
        flag: &'static str,
        path: PathBuf,
    },
    #[error(
        "the TLS certificate {cert} and key {key} were refused: {message}; check that both are \
         PEM and that the key belongs to the certificate"
    )]
    Refused {
        cert: PathBuf,
        key: PathBuf,
        message: String,
    },
}

/// A server builder that serves TLS with the given files, or plaintext without.
pub fn builder(files: Option<&TlsFiles>) -> Result<Server, TlsError> {
    let server = Server::builder();
    let Some(files) = files else {
        return Ok(server);
    };
    let cert = read(&files.cert, "certificate", "--tls-cert")?;
    let key = read(&files.key, "private key", "--tls-key")?;
    // tonic's own errors for these cases do not say which file is wrong.
    if !contains(&cert, b"-----BEGIN CERTIFICATE-----") {
        return Err(TlsError::NotPem {
            what: "certificate",
            label: "CERTIFICATE",
            flag: "--tls-cert",
            path: files.cert.clone(),
        });
    }
    if !contains(&key, b"PRIVATE KEY-----") {
        return Err(TlsError::NotPem {
            what: "private key",
            label: "PRIVATE KEY",
            flag: "--tls-key",
            path: files.key.clone(),
        });
    }
    let config = ServerTlsConfig::new().identity(Identity::from_pem(cert, key));
    // The rustls configuration is built here, so a key that does not parse or does not match
    // fails now.
    server.tls_config(config).map_err(|e| TlsError::Refused {
        cert: files.cert.clone(),
        key: files.key.clone(),
        message: error_chain(&e),
    })
}

fn read(path: &Path, what: &'static str, flag: &'static str) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read {
        what,
        flag,
        path: path.to_path_buf(),
        source,
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/tls")
            .join(name)
    }

    fn files(cert: PathBuf, key: PathBuf) -> TlsFiles {
        TlsFiles { cert, key }
    }

    #[test]
    fn the_fixture_certificate_is_accepted() {
        builder(Some(&files(fixture("server.pem"), fixture("server.key")))).unwrap();
        builder(None).unwrap();
    }

    #[test]
    fn missing_swapped_and_damaged_files_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.pem");
        let err = builder(Some(&files(missing.clone(), fixture("server.key"))))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("nope.pem") && err.contains("--tls-cert"),
            "{err}"
        );

        // Certificate and key swapped.
        let err = builder(Some(&files(fixture("server.key"), fixture("server.pem"))))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("server.key") && err.contains("no PEM certificate"),
            "{err}"
        );

        // A key whose body is damaged.
        let broken = dir.path().join("broken.key");
        std::fs::write(
            &broken,
            "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n",
        )
        .unwrap();
        let err = builder(Some(&files(fixture("server.pem"), broken)))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("broken.key") && err.contains("refused"),
            "{err}"
        );
    }
}
