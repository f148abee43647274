//! Request metrics for every RPC, and the Prometheus `/metrics` endpoint on its own port.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use metrics_exporter_prometheus::PrometheusHandle;
use tokio::net::TcpListener;

/// Counts requests and their latency per RPC and status code.
#[derive(Debug, Clone)]
pub struct RpcMetrics<S> {
    inner: S,
}

/// The tower layer that adds [`RpcMetrics`].
#[derive(Debug, Clone, Copy, Default)]
pub struct RpcMetricsLayer;

impl<S> tower::Layer<S> for RpcMetricsLayer {
    type Service = RpcMetrics<S>;
    fn layer(&self, inner: S) -> Self::Service {
        RpcMetrics { inner }
    }
}

impl<S, B, R> tower::Service<http::Request<B>> for RpcMetrics<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<R>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        // Only known services become label values, so a scanner probing random paths cannot
        // blow up the metric's cardinality.
        let path = request.uri().path();
        let rpc = if path.starts_with("/ledgerline.v1.") || path.starts_with("/grpc.") {
            path.trim_start_matches('/').to_string()
        } else {
            "other".to_string()
        };
        let started = Instant::now();
        let future = self.inner.call(request);
        Box::pin(async move {
            let result = future.await;
            // Errors of unary calls travel as headers ("trailers-only"); streamed answers carry
            // their status in trailers, which a layer cannot see without buffering, so they
            // count as "streamed".
            let code = match &result {
                Ok(response) => response
                    .headers()
                    .get("grpc-status")
                    .and_then(|v| v.to_str().ok())
                    .map(|v| {
                        tonic::Code::from_bytes(v.as_bytes())
                            .description()
                            .to_string()
                    })
                    .unwrap_or_else(|| "streamed".to_string()),
                Err(_) => "transport_error".to_string(),
            };
            metrics::counter!("ledgerline_grpc_requests_total", "rpc" => rpc.clone(), "code" => code)
                .increment(1);
            metrics::histogram!("ledgerline_grpc_request_seconds", "rpc" => rpc)
                .record(started.elapsed().as_secs_f64());
            result
        })
    }
}

/// Serves `GET /metrics` in the Prometheus text format until `shutdown` completes.
pub async fn serve_metrics(
    listener: TcpListener,
    handle: PrometheusHandle,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let handle = handle.clone();
            async move {
                (
                    [(http::header::CONTENT_TYPE, "text/plain; version=0.0.4")],
                    handle.render(),
                )
            }
        }),
    );
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
