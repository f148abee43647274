//! Helpers shared by the integration tests: the real model cache, and an in-process server on
//! ephemeral ports with access control on, whose `channel()` carries an admin token.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ledgerline::auth::{self, RefusalSink, Role};
use ledgerline::config::ServeConfig;
use ledgerline::models::{Manifest, ModelCache};
use ledgerline::runtime::NativeRuntime;
use ledgerline::server::{self, Listeners};
use tokio::sync::oneshot;

pub mod postgres;

/// The `ledgerline` binary with an empty environment (but PATH): only what a test sets
/// reaches it.
pub fn ledgerline_command() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_ledgerline"));
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    command
}

/// A loopback port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The model cache the test command filled (`ledgerline models fetch`), honouring
/// `LEDGERLINE_MODELS_DIR` like the binary does.
pub fn model_cache() -> ModelCache {
    let root = std::env::var_os("LEDGERLINE_MODELS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(ModelCache::default_root);
    ModelCache::new(root, Manifest::embedded())
}

pub fn runtime() -> Arc<NativeRuntime> {
    NativeRuntime::bind(&model_cache()).unwrap_or_else(|e| {
        panic!("{e}\n(the tests need the real models: run `cargo run -- models fetch` first)")
    })
}

/// Creates a token in the database under `data_dir` and returns it.
pub fn create_token(data_dir: &Path, name: &str, role: Role) -> String {
    let mut conn = ledgerline::db::open_dir(data_dir).unwrap();
    auth::create(&mut conn, name, role).unwrap().1
}

/// Sends `authorization: Bearer <token>` with every call.
#[derive(Clone)]
pub struct Bearer(tonic::metadata::MetadataValue<tonic::metadata::Ascii>);

impl Bearer {
    pub fn new(token: &str) -> Self {
        Bearer(format!("Bearer {token}").parse().unwrap())
    }
}

impl tonic::service::Interceptor for Bearer {
    fn call(
        &mut self,
        mut request: tonic::Request<()>,
    ) -> Result<tonic::Request<()>, tonic::Status> {
        request
            .metadata_mut()
            .insert("authorization", self.0.clone());
        Ok(request)
    }
}

pub type AuthedChannel =
    tonic::service::interceptor::InterceptedService<tonic::transport::Channel, Bearer>;

/// A server running in this process until dropped or stopped.
pub struct TestServer {
    pub grpc_url: String,
    pub metrics_url: String,
    /// An admin token in the server's database, sent by [`TestServer::channel`].
    pub admin_token: String,
    stop: Option<oneshot::Sender<()>>,
    pub task: Option<tokio::task::JoinHandle<Result<(), server::ServerError>>>,
    data: tempfile::TempDir,
}

impl TestServer {
    pub async fn start(adjust: impl FnOnce(&mut ServeConfig)) -> TestServer {
        Self::start_with(adjust, auth::log_refusals()).await
    }

    /// Starts a server that reports refused calls to `refusals`.
    pub async fn start_with(
        adjust: impl FnOnce(&mut ServeConfig),
        refusals: RefusalSink,
    ) -> TestServer {
        Self::start_full(adjust, None, refusals).await
    }

    /// Starts a server that posts approved proposals with `writer`.
    pub async fn start_posting(
        adjust: impl FnOnce(&mut ServeConfig),
        writer: ledgerline::process::Writer,
    ) -> TestServer {
        Self::start_full(adjust, Some(writer), auth::log_refusals()).await
    }

    async fn start_full(
        adjust: impl FnOnce(&mut ServeConfig),
        writer: Option<ledgerline::process::Writer>,
        refusals: RefusalSink,
    ) -> TestServer {
        let data = tempfile::tempdir().unwrap();
        let mut config = ServeConfig::with_dirs(
            data.path().to_path_buf(),
            model_cache().root().to_path_buf(),
        );
        adjust(&mut config);
        // Extraction answers for companies set up here; the tests' documents belong to "acme".
        let acme = ledgerline::company::Chart::path(&config.data_dir, "acme").unwrap();
        if !acme.exists() {
            ledgerline::company::Chart::from_history("acme", &[])
                .save(&acme)
                .unwrap();
        }
        let admin_token = create_token(&config.data_dir, "tests-admin", Role::Admin);
        let runtime = runtime();
        let grpc = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let metrics = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let grpc_url = format!("http://{}", grpc.local_addr().unwrap());
        let metrics_url = format!("http://{}/metrics", metrics.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let shutdown = async move {
                let _ = stopped.await;
            };
            server::run_with_refusals(
                &config,
                runtime,
                Listeners {
                    grpc,
                    metrics: Some(metrics),
                },
                writer,
                shutdown,
                refusals,
            )
            .await
        });
        TestServer {
            grpc_url,
            metrics_url,
            admin_token,
            stop: Some(stop),
            task: Some(task),
            data,
        }
    }

    /// The server's data directory, where its tokens live.
    pub fn data_dir(&self) -> &Path {
        self.data.path()
    }

    /// A connection that sends the admin token.
    pub async fn channel(&self) -> AuthedChannel {
        self.channel_with(&self.admin_token).await
    }

    /// A connection that sends `token`.
    pub async fn channel_with(&self, token: &str) -> AuthedChannel {
        tonic::service::interceptor::InterceptedService::new(
            self.plain_channel().await,
            Bearer::new(token),
        )
    }

    /// A connection that sends no token.
    pub async fn plain_channel(&self) -> tonic::transport::Channel {
        tonic::transport::Endpoint::from_shared(self.grpc_url.clone())
            .unwrap()
            .connect()
            .await
            .unwrap()
    }

    /// Signals shutdown and waits for the server to return.
    pub async fn stop(mut self) -> Result<(), server::ServerError> {
        self.stop.take().unwrap().send(()).unwrap();
        self.task.take().unwrap().await.unwrap()
    }
}

/// One reader per test binary: loading the four networks takes a moment, and they are
/// shared safely between threads.
pub fn reader() -> Arc<ledgerline::read::Reader> {
    static READER: std::sync::OnceLock<Arc<ledgerline::read::Reader>> = std::sync::OnceLock::new();
    READER
        .get_or_init(|| {
            let mut options = ledgerline::read::ReaderOptions::default();
            // Tests run two at a time on two cores.
            options.ort.intra_threads = 1;
            Arc::new(
                ledgerline::read::Reader::new(runtime(), &model_cache(), options)
                    .expect("OCR and layout models load"),
            )
        })
        .clone()
}

/// The committed document corpus.
pub fn documents() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/documents")
}

/// The real MiniLM embedder from the model cache.
pub fn embedder() -> ledgerline::embed::Embedder {
    ledgerline::embed::Embedder::from_cache(&model_cache()).unwrap_or_else(|e| {
        panic!("{e}\n(the tests need the real models: run `cargo run -- models fetch` first)")
    })
}

/// A watcher that runs `stop` (a shell command) once this test process has ended, so a server
/// it started does not outlive a run that was aborted or killed before the server's `Drop`. It
/// runs in a session of its own, out of reach of the Ctrl-C that ends the tests; kill it (on
/// drop) once the server was stopped the ordinary way.
pub struct Watchdog(std::process::Child);

impl Watchdog {
    pub fn stop_after_this_process(stop: &str) -> Watchdog {
        let pid = std::process::id();
        let child = std::process::Command::new("setsid")
            .arg("sh")
            .arg("-c")
            .arg(format!(
                "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {stop}"
            ))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("setsid and sh start");
        Watchdog(child)
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A throwaway Qdrant server from `../shared/tools/qdrant` (its `start.sh`), stopped on drop or,
/// when the tests are killed, by its [`Watchdog`].
pub struct QdrantServer {
    pub url: String,
    pid: u32,
    _watchdog: Watchdog,
}

impl QdrantServer {
    pub fn start() -> QdrantServer {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/qdrant/start.sh");
        assert!(
            script.exists(),
            "{} is missing: the tests need ../shared beside the repository",
            script.display()
        );
        let out = std::process::Command::new("bash")
            .arg(&script)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "start.sh failed: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let line = stdout.lines().last().unwrap_or_default();
        let (pid, url) = line
            .split_once(' ')
            .unwrap_or_else(|| panic!("start.sh printed {stdout:?}, not `PID URL`"));
        let pid: u32 = pid.parse().unwrap();
        QdrantServer {
            url: url.trim().to_string(),
            pid,
            _watchdog: Watchdog::stop_after_this_process(&format!("kill {pid}")),
        }
    }
}

impl Drop for QdrantServer {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill")
            .arg(self.pid.to_string())
            .status();
    }
}
