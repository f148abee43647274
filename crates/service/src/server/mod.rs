//! The gRPC server: wires the services, health, reflection, limits and metrics together and runs
//! them until the caller's shutdown future completes. Only this module knows protobuf.

mod admission;
mod convert;
mod extraction;
mod limits;
mod liveness;
mod metrics;
mod refusals;

use ::metrics as metrics_api;
pub mod services;
mod status;
mod suggestion;
mod tls;

use std::future::Future;
use std::sync::Arc;

use futures::FutureExt;
use tokio::net::TcpListener;
use tonic_health::ServingStatus;

use crate::config::ServeConfig;
use crate::proto::{self, v1 as pb};
use ledgerline_read::runtime::NativeRuntime;

pub use limits::FrameLimitBody;
pub use tls::TlsError;

/// Why the server stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("the gRPC server failed: {0}")]
    Transport(#[from] tonic::transport::Error),
    #[error("the metrics endpoint failed: {0}")]
    Metrics(#[source] std::io::Error),
    #[error("server reflection could not be built: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
    #[error(transparent)]
    Stages(#[from] crate::process::OpenError),
    #[error(transparent)]
    Review(#[from] crate::review::ReviewError),
    #[error(transparent)]
    Tls(#[from] TlsError),
    #[error("access control could not start: {0}")]
    Auth(#[from] crate::auth::AuthError),
}

/// The sockets the server answers on, bound by the caller so that tests can use port 0.
pub struct Listeners {
    pub grpc: TcpListener,
    /// None when metrics are switched off.
    pub metrics: Option<TcpListener>,
}

/// Runs the server until `shutdown` completes, then stops taking requests, lets in-flight ones
/// finish for up to the configured grace period, and returns.
///
/// The runtime must already be bound: health reports SERVING from the first request because the
/// models it depends on were loaded before the sockets were handed over.
///
/// Calls refused by access control are logged and tallied into the audit log, one row per caller
/// and minute (`refusals`); [`run_with_refusals`] also hands them elsewhere.
///
/// `writer` posts approved proposals to Intacct; without one they stay approved until a server
/// with one runs. It is a live client, so it comes beside the configuration, not inside it.
pub async fn run(
    config: &ServeConfig,
    runtime: Arc<NativeRuntime>,
    listeners: Listeners,
    writer: Option<crate::process::Writer>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    run_with_refusals(
        config,
        runtime,
        listeners,
        writer,
        shutdown,
        crate::auth::log_refusals(),
    )
    .await
}

/// [`run`], with every call refused by access control also reported to `refusals`.
pub async fn run_with_refusals(
    config: &ServeConfig,
    runtime: Arc<NativeRuntime>,
    listeners: Listeners,
    writer: Option<crate::process::Writer>,
    shutdown: impl Future<Output = ()> + Send + 'static,
    refusals: crate::auth::RefusalSink,
) -> Result<(), ServerError> {
    // Files and the token table first: a configuration mistake stops start-up before the
    // models load.
    let builder = tls::builder(config.tls.as_ref())?;
    let conn = crate::db::open(&config.database()).map_err(crate::review::ReviewError::from)?;
    // Both servers, the grace timer and the refusal audit wait on the same signal.
    let shutdown = shutdown.boxed().shared();
    let (refusals, refusal_audit) =
        refusals::audit(conn, refusals, refusals::WINDOW, shutdown.clone());
    let access = access_layer(config, &listeners.grpc, refusals).await?;

    // The models load before health says SERVING: the first request never waits for them.
    let crate::process::Stages {
        reader,
        suggester,
        pipeline,
    } = crate::process::open(config, runtime.clone(), writer)?;
    let admission = admission::Admission::new(config.limits.max_waiting_bytes);
    let extraction = extraction::Extraction::new(
        reader.clone(),
        &config.data_dir,
        pipeline.permits(),
        admission.clone(),
        config.limits.max_concurrent_documents,
    );
    // A previous run may have stopped between a decision and Intacct's answer.
    match pipeline.resume_postings().await {
        Ok(0) => {}
        Ok(n) => tracing::info!(proposals = n, "resumed interrupted postings"),
        Err(e) => tracing::warn!(error = %e, "interrupted postings could not be resumed"),
    }

    let (health, health_service) = tonic_health::server::health_reporter();
    for name in proto::SERVICE_NAMES {
        health
            .set_service_status(name, ServingStatus::Serving)
            .await;
    }
    health.set_service_status("", ServingStatus::Serving).await;
    tokio::spawn(liveness::watch(
        health.clone(),
        suggester.embed_queue().clone(),
        liveness::PERIOD,
        shutdown.clone(),
    ));

    let reflection = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()?;

    let limits = &config.limits;
    macro_rules! limited {
        ($server:expr) => {
            $server
                .max_decoding_message_size(limits.max_request_bytes)
                .max_encoding_message_size(limits.max_response_bytes)
        };
    }

    let metrics_task = listeners.metrics.map(|listener| {
        let address = listener.local_addr().ok();
        tracing::info!(?address, "serving Prometheus metrics on /metrics");
        tokio::spawn(metrics::serve_metrics(
            listener,
            crate::telemetry::metrics_handle(),
            shutdown.clone(),
        ))
    });

    metrics_api::gauge!(
        "ledgerline_build_info",
        "version" => env!("CARGO_PKG_VERSION"),
        "onnxruntime" => runtime.onnxruntime_version.clone(),
        "pdfium" => runtime.pdfium_version.clone()
    )
    .set(1.0);
    let address = listeners.grpc.local_addr().ok();
    tracing::info!(
        ?address,
        onnxruntime = %runtime.onnxruntime_version,
        pdfium = %runtime.pdfium_version,
        "ledgerline gRPC server listening"
    );
    let draining = {
        let health = health.clone();
        shutdown.clone().then(move |()| async move {
            tracing::info!("shutting down: refusing new requests, draining in-flight ones");
            for name in proto::SERVICE_NAMES.into_iter().chain([""]) {
                health
                    .set_service_status(name, ServingStatus::NotServing)
                    .await;
            }
        })
    };
    let server = builder
        .concurrency_limit_per_connection(limits.max_concurrent_requests)
        .layer(metrics::RpcMetricsLayer)
        .layer(tower::util::option_layer(access))
        .layer(limits::request_limit_layer(limits.max_request_bytes))
        .add_service(health_service)
        .add_service(reflection)
        .add_service(limited!(
            pb::extraction_service_server::ExtractionServiceServer::new(extraction)
        ))
        .add_service(limited!(
            pb::suggestion_service_server::SuggestionServiceServer::new(suggestion::Suggestion {
                suggester
            })
        ))
        .add_service(limited!(
            pb::proposal_service_server::ProposalServiceServer::new(services::Proposal {
                pipeline: pipeline.clone(),
                admission,
            })
        ))
        .add_service(limited!(
            pb::review_service_server::ReviewServiceServer::new(services::Review { pipeline })
        ))
        .serve_with_incoming_shutdown(
            admission::limit_connections(listeners.grpc, limits.max_connections),
            draining,
        );

    let grace = config.shutdown_grace;
    let deadline = shutdown.clone().then(move |()| tokio::time::sleep(grace));
    tokio::select! {
        result = server => result?,
        () = deadline => tracing::warn!(?grace, "grace period over; abandoning requests still in flight"),
    }
    if let Some(task) = metrics_task {
        match task.await {
            Ok(result) => result.map_err(ServerError::Metrics)?,
            Err(e) => tracing::error!(error = %e, "metrics task ended abnormally"),
        }
    }
    // The last refusals tallied are written before the database closes.
    if let Err(e) = refusal_audit.await {
        tracing::error!(error = %e, "the refusal audit ended abnormally");
    }
    tracing::info!("ledgerline stopped");
    Ok(())
}

/// The access-control layer, or None (with a loud warning) when it is switched off.
async fn access_layer(
    config: &ServeConfig,
    grpc: &TcpListener,
    refusals: crate::auth::RefusalSink,
) -> Result<Option<crate::auth::AuthLayer>, ServerError> {
    if !config.auth {
        tracing::warn!(
            "ACCESS CONTROL IS OFF (--no-auth): anyone who can reach this port may call every \
             RPC, approve entries included; never run this way outside a trial on one machine"
        );
        return Ok(None);
    }
    let auth = crate::auth::Authenticator::open(&config.database())?;
    if auth.active_tokens().await? == 0 {
        tracing::warn!(
            database = %config.database().describe(),
            "no API tokens exist, so every call but health and reflection will be refused; \
             create one with `ledgerline token create --role admin NAME`"
        );
    }
    let exposed = grpc.local_addr().is_ok_and(|a| !a.ip().is_loopback());
    if exposed && config.tls.is_none() {
        tracing::warn!(
            "bearer tokens travel in clear text on a non-loopback address; serve TLS with \
             --tls-cert and --tls-key"
        );
    }
    Ok(Some(crate::auth::AuthLayer::new(auth, refusals)))
}
