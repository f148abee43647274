//! A throwaway PostgreSQL server for the tests of shared state: `initdb` into a temporary
//! folder, `postgres` on a free loopback port, trust authentication, stopped (immediate
//! shutdown) and deleted on drop. The binaries come from Debian's `postgresql` package, which
//! `scripts/test.sh` installs when missing; PostgreSQL refuses to run as root, so under root the
//! server runs as the package's `postgres` user.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Postgres {
    /// `postgres://postgres@127.0.0.1:PORT/postgres`; for a TLS server, with
    /// `?sslmode=require&sslrootcert=<ca>` after it.
    pub url: String,
    /// The certificate authority that signed a TLS server's certificate.
    pub ca: Option<PathBuf>,
    port: u16,
    child: Child,
    bin: PathBuf,
    data: PathBuf,
    root: bool,
    _dir: tempfile::TempDir,
    _watchdog: super::Watchdog,
}

/// The newest `/usr/lib/postgresql/<version>/bin`.
fn bin_dir() -> PathBuf {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin).unwrap_or_else(|| {
        panic!(
            "no PostgreSQL under /usr/lib/postgresql: install Debian's postgresql package \
             (scripts/test.sh does)"
        )
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// `program args...`, as the `postgres` user when this process is root.
fn command(program: &Path, root: bool) -> Command {
    if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

/// Runs `openssl` with `args` in `dir`, for the TLS server's throwaway certificates.
fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl is installed (scripts/test.sh installs it)");
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA and a certificate for 127.0.0.1 signed by it, in `dir`; returns the server's
/// `-c` settings and the CA's PEM file.
fn certificates(dir: &Path) -> (Vec<String>, PathBuf) {
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let mut ca = vec![
        "req",
        "-x509",
        "-days",
        "2",
        "-subj",
        "/CN=ledgerline test CA",
    ];
    ca.extend(ec);
    ca.extend(["-keyout", "ca.key", "-out", "ca.pem"]);
    ca.extend(["-addext", "basicConstraints=critical,CA:TRUE"]);
    ca.extend(["-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
    openssl(dir, &ca);
    let mut request = vec!["req", "-subj", "/CN=127.0.0.1"];
    request.extend(ec);
    request.extend(["-keyout", "server.key", "-out", "server.csr"]);
    openssl(dir, &request);
    std::fs::write(
        dir.join("server.ext"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "server.ext",
            "-out",
            "server.crt",
        ],
    );
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        dir.join("server.key"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    let settings = vec![
        "ssl=on".to_string(),
        format!("ssl_cert_file={}", dir.join("server.crt").display()),
        format!("ssl_key_file={}", dir.join("server.key").display()),
    ];
    (settings, dir.join("ca.pem"))
}

impl Postgres {
    pub fn start() -> Postgres {
        Postgres::launch(false)
    }

    /// A server that offers TLS (and still accepts plain connections), with a certificate for
    /// 127.0.0.1 signed by a throwaway CA ([`Postgres::ca`]).
    pub fn start_tls() -> Postgres {
        Postgres::launch(true)
    }

    fn launch(tls: bool) -> Postgres {
        let bin = bin_dir();
        let root = is_root();
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let (settings, ca) = if tls {
            let (settings, ca) = certificates(dir.path());
            (settings, Some(ca))
        } else {
            (Vec::new(), None)
        };
        if root {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .unwrap();
            assert!(status.success(), "chown of the cluster folder failed");
        }
        let out = command(&bin.join("initdb"), root)
            .args(["-D"])
            .arg(&data)
            .args(["-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "initdb failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let port = super::free_port();
        let child = command(&bin.join("postgres"), root)
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string()])
            .args(["-c", "listen_addresses=127.0.0.1"])
            .args(["-c", "unix_socket_directories="])
            .args(["-c", "fsync=off", "-c", "max_connections=200"])
            .args(settings.iter().flat_map(|s| ["-c", s.as_str()]))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut url = format!("postgres://postgres@127.0.0.1:{port}/postgres");
        if let Some(ca) = &ca {
            url = format!("{url}?sslmode=require&sslrootcert={}", ca.display());
        }
        let as_postgres = if root { "runuser -u postgres -- " } else { "" };
        let watchdog = super::Watchdog::stop_after_this_process(&format!(
            "{as_postgres}'{}' stop -D '{}' -m immediate; rm -rf '{}'",
            bin.join("pg_ctl").display(),
            data.display(),
            dir.path().display()
        ));
        let server = Postgres {
            url,
            ca,
            _watchdog: watchdog,
            port,
            child,
            bin,
            data,
            root,
            _dir: dir,
        };
        server.wait_ready();
        server
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        let location = ledgerline::db::Location::Postgres(self.url.clone());
        loop {
            match ledgerline::db::connect(&location) {
                Ok(_) => return,
                Err(e) if Instant::now() > deadline => {
                    panic!("PostgreSQL on port {} never accepted: {e}", self.port)
                }
                Err(_) => std::thread::sleep(Duration::from_millis(200)),
            }
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// A new, empty database on this server, for one test's state.
    pub fn database(&self, name: &str) -> String {
        let mut conn =
            ledgerline::db::connect(&ledgerline::db::Location::Postgres(self.url.clone())).unwrap();
        ledgerline::db::Sql::batch(&mut conn, &format!("CREATE DATABASE {name}")).unwrap();
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }

    /// A server holding one database `name`, started on the blocking pool for async tests;
    /// returns the server (stopped on drop) and the database's URL.
    pub async fn with_database(name: &'static str) -> (Postgres, String) {
        tokio::task::spawn_blocking(move || {
            let server = Postgres::start();
            let url = server.database(name);
            (server, url)
        })
        .await
        .unwrap()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // Immediate shutdown: the backends go with the postmaster, nothing is flushed.
        let stopped = command(&self.bin.join("pg_ctl"), self.root)
            .arg("stop")
            .arg("-D")
            .arg(&self.data)
            .args(["-m", "immediate", "-w"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !stopped {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}
