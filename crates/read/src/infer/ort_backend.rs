//! The ONNX Runtime backend: one session per network, loaded from the model cache.

use std::sync::Mutex;

use ort::session::Session;
use ort::session::builder::GraphOptimizationLevel;
use ort::value::Tensor as OrtTensor;

use super::{Backend, BackendError, Net, Tensor};
use crate::runtime::NativeRuntime;
use ledgerline_models::ModelCache;

/// ONNX Runtime settings.
#[derive(Debug, Clone)]
pub struct OrtOptions {
    /// Threads inside one model call. One page at a time uses them all; callers that run many
    /// pages in parallel should lower it so the total stays at the core count.
    pub intra_threads: usize,
}

impl Default for OrtOptions {
    fn default() -> Self {
        OrtOptions {
            intra_threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        }
    }
}

/// Sessions for the four networks. `Session::run` needs `&mut`, so each sits behind a mutex:
/// calls to one network serialise, calls to different networks run side by side.
pub struct OrtBackend {
    sessions: Vec<(Net, Mutex<Session>)>,
    description: String,
}

impl OrtBackend {
    /// Loads the given networks from the cache.
    pub fn load(
        runtime: &NativeRuntime,
        cache: &ModelCache,
        nets: &[Net],
        options: &OrtOptions,
    ) -> Result<Self, BackendError> {
        let mut sessions = Vec::new();
        for &net in nets {
            let path = super::model_path(cache, net)?;
            let load_error = |message: String| BackendError::Load {
                net,
                path: path.display().to_string(),
                message,
            };
            let session = Session::builder(runtime.environment())
                .map_err(|e| load_error(e.to_string()))?
                .with_optimization_level(GraphOptimizationLevel::Level3)
                .map_err(|e| load_error(e.to_string()))?
                .with_intra_threads(options.intra_threads.max(1))
                .map_err(|e| load_error(e.to_string()))?
                .commit_from_file(&path)
                .map_err(|e| load_error(e.to_string()))?;
            sessions.push((net, Mutex::new(session)));
        }
        Ok(OrtBackend {
            sessions,
            description: format!(
                "onnxruntime {} cpu, {} threads",
                runtime.onnxruntime_version, options.intra_threads
            ),
        })
    }
}

impl Backend for OrtBackend {
    fn describe(&self) -> String {
        self.description.clone()
    }

    fn run(&self, net: Net, input: Tensor) -> Result<Vec<Tensor>, BackendError> {
        let shape = input.shape.clone();
        let run_error = |message: String| BackendError::run(net, &shape, message);
        let session = super::loaded(&self.sessions, net, &shape)?;
        let dims: Vec<i64> = input.shape.iter().map(|&d| d as i64).collect();
        let value =
            OrtTensor::from_array((dims, input.data)).map_err(|e| run_error(e.to_string()))?;
        // A poisoned lock only means another call panicked mid-run; the session itself holds
        // no state between runs, so it is safe to keep using.
        let mut session = session.lock().unwrap_or_else(|p| p.into_inner());
        let started = std::time::Instant::now();
        let outputs = session
            .run(ort::inputs![value])
            .map_err(|e| run_error(e.to_string()))?;
        let mut tensors = Vec::with_capacity(outputs.len());
        for (_, output) in outputs.iter() {
            let (out_shape, data) = output
                .try_extract_tensor::<f32>()
                .map_err(|e| run_error(e.to_string()))?;
            tensors.push(Tensor::new(
                out_shape.iter().map(|&d| d.max(0) as usize).collect(),
                data.to_vec(),
            ));
        }
        super::record_inference(net, started);
        Ok(tensors)
    }
}
