//! Logs and metrics: `tracing` to stderr (text or JSON) and a Prometheus recorder whose
//! rendering the server exposes on its own HTTP port.

use std::sync::OnceLock;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Installs the global tracing subscriber. Calling it again is harmless (the first one stays),
/// which keeps tests that start several servers simple. A malformed filter is refused.
pub fn init_logging(
    format: LogFormat,
    filter: &str,
) -> Result<(), tracing_subscriber::filter::ParseError> {
    let mut filter = EnvFilter::try_new(filter)?;
    // Qdrant Edge warns about process-wide flags that only its own server binary initialises
    // (they are private to the crate); the defaults are the ones we want, so those lines are
    // noise. A filter that names qdrant_edge itself still wins.
    if !filter.to_string().contains("qdrant_edge") {
        filter = filter.add_directive("qdrant_edge=error".parse()?);
    }
    // Colour only for a person at a terminal: a log file or a pipe gets plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
    Ok(())
}

static RECORDER: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process's Prometheus recorder, installed on first use. `metrics` allows one global
/// recorder per process, so every server in the process shares it.
pub fn metrics_handle() -> PrometheusHandle {
    RECORDER
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            // Another recorder may already be installed by an embedding application; ours then
            // renders nothing, which is better than failing to start.
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!("a metrics recorder was already installed; /metrics will be empty");
            }
            handle
        })
        .clone()
}
