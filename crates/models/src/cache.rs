//! The model cache on disk: where each file lives and whether it is intact.

use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{Manifest, ModelError, ModelFile, Package};

/// The directory that holds every model file and native library, as laid out by `fetch`.
#[derive(Debug, Clone)]
pub struct ModelCache {
    root: PathBuf,
    manifest: Manifest,
}

/// What `verify` found for one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileState {
    /// Present with the pinned hash (or, for a quick check, the pinned size).
    Ok,
    /// Not there at all.
    Missing,
    /// There, but its size or hash differs from the manifest.
    Corrupt { detail: String },
}

/// One file's verification result.
#[derive(Debug, Clone)]
pub struct FileStatus {
    pub id: String,
    pub path: PathBuf,
    pub state: FileState,
}

impl ModelCache {
    /// A cache rooted at `root` for the files in `manifest`. Nothing is read yet.
    pub fn new(root: impl Into<PathBuf>, manifest: Manifest) -> Self {
        ModelCache {
            root: root.into(),
            manifest,
        }
    }

    /// The default location: `ledgerline/models` under the user's cache directory
    /// (`$XDG_CACHE_HOME` or `~/.cache` on Linux).
    pub fn default_root() -> PathBuf {
        dirs::cache_dir()
            .unwrap_or_else(std::env::temp_dir)
            .join("ledgerline")
            .join("models")
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The Hugging Face hub cache inside this cache, where the embedding model is laid out so
    /// that `hf-hub` resolves it without a network.
    pub fn hf_hub_dir(&self) -> PathBuf {
        self.root.join("huggingface")
    }

    /// An hf-hub cache handle over [`Self::hf_hub_dir`].
    pub fn hf_cache(&self) -> hf_hub::Cache {
        hf_hub::Cache::new(self.hf_hub_dir())
    }

    /// Where a file of a package lives in the cache.
    pub fn location(&self, package: &Package, file: &ModelFile) -> PathBuf {
        match (&package.hf_repo, &package.hf_revision, &file.hf_file) {
            (Some(repo), Some(revision), Some(name)) => self
                .hf_repo_dir(repo)
                .join("snapshots")
                .join(revision)
                .join(name),
            _ => self
                .root
                .join("files")
                .join(format!("{}-{}", package.name, package.version))
                .join(&file.path),
        }
    }

    /// The hf-hub directory of a repository: `models--ORG--NAME`.
    pub(crate) fn hf_repo_dir(&self, repo: &str) -> PathBuf {
        self.hf_hub_dir()
            .join(format!("models--{}", repo.replace('/', "--")))
    }

    /// The path of an installed file, after a cheap presence and size check. A file that is not
    /// there gives an error naming the command that installs it.
    pub fn path(&self, id: &str) -> Result<PathBuf, ModelError> {
        let (package, file) = self.manifest.find(id)?;
        let path = self.location(package, file);
        match quick_state(&path, file) {
            FileState::Ok => Ok(path),
            _ => Err(ModelError::NotInstalled {
                id: id.to_string(),
                path,
            }),
        }
    }

    /// Checks every file. `deep` hashes each one (about a second per 250 MB); otherwise only
    /// presence and size are checked, which is what start-up does.
    pub fn verify(&self, deep: bool) -> Vec<FileStatus> {
        self.manifest
            .packages
            .iter()
            .flat_map(|p| p.files.iter().map(move |f| (p, f)))
            .map(|(package, file)| {
                let path = self.location(package, file);
                let state = if deep {
                    deep_state(&path, file)
                } else {
                    quick_state(&path, file)
                };
                FileStatus {
                    id: file.id.clone(),
                    path,
                    state,
                }
            })
            .collect()
    }
}

fn quick_state(path: &Path, file: &ModelFile) -> FileState {
    match std::fs::metadata(path) {
        Err(_) => FileState::Missing,
        Ok(meta) if meta.len() != file.size => FileState::Corrupt {
            detail: format!("{} bytes, expected {}", meta.len(), file.size),
        },
        Ok(_) => FileState::Ok,
    }
}

pub(crate) fn deep_state(path: &Path, file: &ModelFile) -> FileState {
    match quick_state(path, file) {
        FileState::Ok => {}
        other => return other,
    }
    match sha256_file(path) {
        Err(e) => FileState::Corrupt {
            detail: format!("unreadable: {e}"),
        },
        Ok(actual) if actual != file.sha256 => FileState::Corrupt {
            detail: format!("sha256 {actual}, expected {}", file.sha256),
        },
        Ok(_) => FileState::Ok,
    }
}

/// Hex SHA-256 of a file, streamed so that large models are not read into memory at once.
pub(crate) fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}
