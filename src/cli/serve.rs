//! `serve` and `config`: the gRPC service and the configuration it resolves.

use anyhow::Context;
use clap::Parser;
use ledgerline::config::{ServeArgs, ServeConfig};
use ledgerline::intacct::config::IntacctArgs;
use ledgerline::runtime::NativeRuntime;
use ledgerline::server::{self, Listeners};

use super::Globals;

/// The Intacct settings `serve` reads from the environment and the configuration file.
#[derive(Debug, Parser)]
struct IntacctFromEnv {
    #[command(flatten)]
    intacct: IntacctArgs,
}

pub fn serve(args: &ServeArgs, globals: &Globals) -> anyhow::Result<()> {
    let config = ServeConfig::resolve(args, globals.models_dir.clone())?;
    ledgerline::telemetry::init_logging(config.log_format, &config.log_filter)
        .with_context(|| format!("invalid log filter {:?}", config.log_filter))?;
    let mut intacct = IntacctFromEnv::parse_from(["ledgerline"]).intacct;
    intacct.config = intacct.config.or(args.config.clone());
    let writer = super::intacct::writer(&intacct)?;
    let cache = ledgerline::models::ModelCache::new(
        config.models_dir.clone(),
        ledgerline::models::Manifest::embedded(),
    );
    // Bound before the sockets open: a missing model stops start-up with the command that
    // fixes it, and health is SERVING only once the libraries are really loaded.
    let runtime = NativeRuntime::bind(&cache)?;
    globals.runtime()?.block_on(async {
        let grpc = tokio::net::TcpListener::bind(config.listen)
            .await
            .with_context(|| {
                format!("cannot listen on {} (in use? try --listen)", config.listen)
            })?;
        let metrics = match config.metrics_listen {
            Some(address) => Some(tokio::net::TcpListener::bind(address).await.with_context(
                || {
                    format!(
                        "cannot listen on {address} for metrics (try --metrics-listen or \"off\")"
                    )
                },
            )?),
            None => None,
        };
        server::run(
            &config,
            runtime,
            Listeners { grpc, metrics },
            writer,
            shutdown_signal(),
        )
        .await?;
        Ok(())
    })
}

pub fn config(args: &ServeArgs, globals: &Globals) -> anyhow::Result<()> {
    let config = ServeConfig::resolve(args, globals.models_dir.clone())?;
    print!("{}", render_config(&config));
    Ok(())
}

fn render_config(config: &ServeConfig) -> String {
    let metrics = config
        .metrics_listen
        .map_or_else(|| "off".to_string(), |a| a.to_string());
    format!(
        "listen = \"{}\"\nmetrics_listen = \"{metrics}\"\ndata_dir = {:?}\nmodels_dir = {:?}\n\
         max_request_bytes = {}\nmax_response_bytes = {}\nmax_concurrent_requests = {}\n\
         max_connections = {}\nmax_waiting_bytes = {}\n\
         log_format = \"{:?}\"\nlog_filter = {:?}\nshutdown_grace_secs = {}\n",
        config.listen,
        config.data_dir,
        config.models_dir,
        config.limits.max_request_bytes,
        config.limits.max_response_bytes,
        config.limits.max_concurrent_requests,
        config.limits.max_connections,
        config.limits.max_waiting_bytes,
        config.log_format,
        config.log_filter,
        config.shutdown_grace.as_secs(),
    )
    .replace("\"Text\"", "\"text\"")
    .replace("\"Json\"", "\"json\"")
        + &config
            .qdrant_url
            .as_ref()
            .map(|url| format!("qdrant_url = {url:?}\n"))
            .unwrap_or_default()
        + &config
            .database_url
            .as_ref()
            // The password stays out of what is printed (and pasted into tickets).
            .map(|_| format!("database_url = {:?}\n", config.database().describe()))
            .unwrap_or_default()
        + &format!("index_quantization = \"{}\"\n", config.index_quantization)
        + &format!("auth = {}\n", config.auth)
        + &match &config.tls {
            Some(tls) => format!("tls_cert = {:?}\ntls_key = {:?}\n", tls.cert, tls.key),
            None => "# tls: off (plaintext gRPC)\n".to_string(),
        }
}

/// Completes on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C received"),
        () = terminate => tracing::info!("SIGTERM received"),
    }
}
