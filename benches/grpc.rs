//! The cost of the gRPC surface itself, before any stage runs: a health check round trip, and a
//! 1 MiB document passing the access and request-size layers to a handler. Stage benchmarks sit
//! beside it.

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ledgerline::config::ServeConfig;
use ledgerline::models::{Manifest, ModelCache};
use ledgerline::proto::v1 as pb;
use ledgerline::runtime::NativeRuntime;
use ledgerline::server::{self, Listeners};

fn grpc(c: &mut Criterion) {
    let tokio = tokio::runtime::Runtime::new().unwrap();
    let models = std::env::var_os("LEDGERLINE_MODELS_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(ModelCache::default_root);
    let runtime = NativeRuntime::bind(&ModelCache::new(models.clone(), Manifest::embedded()))
        .expect("models installed (cargo run -- models fetch)");
    let data = tempfile::tempdir().unwrap();
    let config = ServeConfig::with_dirs(data.path().to_path_buf(), models);
    // Access control is on, as in production: the upload carries an ingest token.
    let token = {
        let mut conn = ledgerline::db::open_dir(data.path()).unwrap();
        ledgerline::auth::create(&mut conn, "bench", ledgerline::auth::Role::Ingest)
            .unwrap()
            .1
    };
    let bearer: tonic::metadata::MetadataValue<_> = format!("Bearer {token}").parse().unwrap();

    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (channel, serving) = tokio.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let serving = tokio::spawn(async move {
            let listeners = Listeners {
                grpc: listener,
                metrics: None,
            };
            server::run(&config, runtime, listeners, None, async {
                let _ = stopped.await;
            })
            .await
        });
        let channel = tonic::transport::Endpoint::from_shared(url)
            .unwrap()
            .connect()
            .await
            .unwrap();
        (channel, serving)
    });

    let mut group = c.benchmark_group("grpc");
    group.measurement_time(Duration::from_secs(5));
    let mut health = tonic_health::pb::health_client::HealthClient::new(channel.clone());
    group.bench_function("health_check", |b| {
        b.iter(|| {
            tokio
                .block_on(health.check(tonic_health::pb::HealthCheckRequest::default()))
                .unwrap()
        })
    });

    let request = pb::ExtractRequest {
        document: Some(pb::Document {
            content: vec![0x25; 1 << 20],
            media_type: "application/pdf".into(),
            ..Default::default()
        }),
        ..Default::default()
    };
    let mut extraction = pb::extraction_service_client::ExtractionServiceClient::with_interceptor(
        channel,
        move |mut request: tonic::Request<()>| {
            request
                .metadata_mut()
                .insert("authorization", bearer.clone());
            Ok(request)
        },
    );
    // What is timed must be the handler's refusal, not access control's.
    let status = tokio
        .block_on(extraction.extract(request.clone()))
        .unwrap_err();
    assert_eq!(status.code(), tonic::Code::InvalidArgument, "{status:?}");
    group.throughput(Throughput::Bytes(1 << 20));
    group.bench_function("upload_1mib", |b| {
        b.iter(|| {
            // The bytes are no PDF, so the handler refuses them at once: the transfer and the
            // size layer are what is timed.
            let _ = tokio.block_on(extraction.extract(request.clone()));
        })
    });
    group.finish();
    let _ = stop.send(());
    // The embedded index flushes to the data directory on shutdown: the directory must outlive
    // the server.
    let _ = tokio.block_on(serving);
    drop(data);
}

criterion_group!(benches, grpc);
criterion_main!(benches);
