//! Native runtimes: ONNX Runtime and PDFium, bound once per process from the model cache.
//!
//! Both libraries keep process-global state (ORT allows one environment per process, PDFium one
//! set of bindings), so binding is done here, once, and every stage shares the result.

use std::path::Path;
use std::sync::{Arc, Mutex};

use ledgerline_models::{ModelCache, ModelError};

/// Why the native libraries could not be bound.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    #[error(transparent)]
    Models(#[from] ModelError),
    #[error(
        "could not load ONNX Runtime from {path}: {message}; run `ledgerline models fetch` to reinstall it"
    )]
    OnnxRuntime { path: String, message: String },
    #[error(
        "could not load PDFium from {path}: {message}; run `ledgerline models fetch` to reinstall it"
    )]
    Pdfium { path: String, message: String },
}

/// The bound native libraries and their versions.
pub struct NativeRuntime {
    /// ONNX Runtime's version, e.g. "1.32.0".
    pub onnxruntime_version: String,
    /// PDFium's build, e.g. "159.0.8149.0".
    pub pdfium_version: String,
    environment: ort::environment::Environment,
    pdfium: pdfium_render::prelude::Pdfium,
}

impl std::fmt::Debug for NativeRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NativeRuntime")
            .field("onnxruntime_version", &self.onnxruntime_version)
            .field("pdfium_version", &self.pdfium_version)
            .finish_non_exhaustive()
    }
}

// A failed bind is not remembered, so that fixing the cache and retrying works in-process.
static BOUND: Mutex<Option<Arc<NativeRuntime>>> = Mutex::new(None);

impl NativeRuntime {
    /// Binds ONNX Runtime and PDFium from the cache, or returns the runtime bound earlier in this
    /// process (the libraries cannot be loaded twice).
    pub fn bind(cache: &ModelCache) -> Result<Arc<NativeRuntime>, RuntimeError> {
        let mut bound = BOUND.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(runtime) = bound.as_ref() {
            return Ok(runtime.clone());
        }
        let ort_path = cache.path("lib.onnxruntime")?;
        let pdfium_path = cache.path("lib.pdfium")?;
        let pdfium_version = pdfium_version(&cache.path("lib.pdfium-version")?);

        let ort_error = |message: String| RuntimeError::OnnxRuntime {
            path: ort_path.display().to_string(),
            message,
        };
        let environment = ort::init_from(&ort_path)
            .map_err(|e| ort_error(e.to_string()))?
            .with_name("ledgerline")
            .build()
            .map_err(|e| ort_error(e.to_string()))?;
        let onnxruntime_version = onnxruntime_version(&ort_path).map_err(ort_error)?;

        let bindings =
            pdfium_render::prelude::Pdfium::bind_to_library(&pdfium_path).map_err(|e| {
                RuntimeError::Pdfium {
                    path: pdfium_path.display().to_string(),
                    message: e.to_string(),
                }
            })?;
        let pdfium = pdfium_render::prelude::Pdfium::new(bindings);

        tracing::info!(version = %onnxruntime_version, path = %ort_path.display(), "ONNX Runtime bound");
        tracing::info!(version = %pdfium_version, path = %pdfium_path.display(), "PDFium bound");
        let runtime = Arc::new(NativeRuntime {
            onnxruntime_version,
            pdfium_version,
            environment,
            pdfium,
        });
        *bound = Some(runtime.clone());
        Ok(runtime)
    }

    /// The process's ONNX Runtime environment, for building sessions.
    pub fn environment(&self) -> &ort::environment::Environment {
        &self.environment
    }

    /// The PDFium handle, for opening documents.
    pub fn pdfium(&self) -> &pdfium_render::prelude::Pdfium {
        &self.pdfium
    }
}

/// Asks the library itself for its version. ORT's build-info string does not carry it for every
/// build, but `OrtGetApiBase()->GetVersionString()` always does. The library is already loaded by
/// `ort`, so this dlopen only takes another reference to it.
fn onnxruntime_version(path: &Path) -> Result<String, String> {
    // SAFETY: the file's hash was verified against the manifest's pinned ONNX Runtime build, whose
    // `OrtGetApiBase` has exactly this signature and returns a pointer to a static table whose
    // `GetVersionString` returns a static NUL-terminated string.
    unsafe {
        let library = libloading::Library::new(path).map_err(|e| e.to_string())?;
        let get_api_base: libloading::Symbol<
            unsafe extern "C" fn() -> *const ort::sys::OrtApiBase,
        > = library.get(b"OrtGetApiBase").map_err(|e| e.to_string())?;
        let base = get_api_base();
        if base.is_null() {
            return Err("OrtGetApiBase returned null".into());
        }
        let version = ((*base).GetVersionString)();
        Ok(std::ffi::CStr::from_ptr(version)
            .to_string_lossy()
            .into_owned())
    }
}

/// pypdfium2 ships the PDFium build number as JSON beside the library.
fn pdfium_version(path: &Path) -> String {
    let parsed = std::fs::read_to_string(path)
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok());
    let part = |v: &serde_json::Value, key: &str| v[key].as_u64().unwrap_or(0);
    match parsed {
        Some(v) => format!(
            "{}.{}.{}.{}",
            part(&v, "major"),
            part(&v, "minor"),
            part(&v, "build"),
            part(&v, "patch")
        ),
        None => "unknown".to_string(),
    }
}
