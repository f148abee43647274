//! Calls refused by access control, in the audit log without letting a refused caller make the
//! server write: refusals are tallied in memory per caller (token name, else the peer's address
//! without its port) and written as one aggregated row per caller and window (a minute), plus a
//! last flush at shutdown. A thousand bad tokens a second cost one row a minute, not a thousand
//! fsyncs.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::auth::{Refusal, RefusalSink};

/// How long refusals are tallied before their row is written.
pub const WINDOW: Duration = Duration::from_secs(60);

/// Callers tallied separately in one window; the rest share one row, so a flood of forged
/// addresses cannot grow memory.
const MAX_CALLERS: usize = 10_000;

/// Distinct methods and peers kept per caller and window.
const MAX_DISTINCT: usize = 16;

#[derive(Debug, Default)]
struct Tally {
    calls: u64,
    first: String,
    last: String,
    methods: BTreeMap<String, u64>,
    codes: BTreeMap<String, u64>,
    peers: BTreeMap<String, u64>,
}

impl Tally {
    fn add(&mut self, refusal: &Refusal) {
        let now = ledgerline_core::clock::now_rfc3339();
        if self.calls == 0 {
            self.first = now.clone();
        }
        self.calls += 1;
        self.last = now;
        bump(&mut self.methods, &refusal.method);
        bump(&mut self.codes, &format!("{:?}", refusal.code));
        if let Some(peer) = &refusal.peer {
            bump(&mut self.peers, peer);
        }
    }
}

fn bump(counts: &mut BTreeMap<String, u64>, key: &str) {
    if let Some(n) = counts.get_mut(key) {
        *n += 1;
    } else if counts.len() < MAX_DISTINCT {
        counts.insert(key.to_string(), 1);
    } else {
        *counts.entry("(others)".to_string()).or_default() += 1;
    }
}

/// Who a refusal is counted against: the token's name when it was recognised, else the
/// caller's address without the port (a client reconnecting is still one caller).
fn caller(refusal: &Refusal) -> String {
    if let Some(name) = &refusal.principal {
        return name.clone();
    }
    match &refusal.peer {
        Some(peer) => peer
            .parse::<std::net::SocketAddr>()
            .map_or_else(|_| peer.clone(), |a| a.ip().to_string()),
        None => "unknown".to_string(),
    }
}

type Tallies = Arc<Mutex<HashMap<String, Tally>>>;

/// A sink that hands each refusal to `then` (logging) and tallies it, and the task that writes
/// the tallies every `window` until `shutdown`, then once more.
pub fn audit(
    conn: crate::db::Conn,
    then: RefusalSink,
    window: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> (RefusalSink, tokio::task::JoinHandle<()>) {
    let tallies: Tallies = Arc::default();
    let sink = {
        let tallies = tallies.clone();
        Arc::new(move |refusal: &Refusal| {
            then(refusal);
            let mut tallies = tallies.lock().unwrap_or_else(|p| p.into_inner());
            let key = caller(refusal);
            let key = if tallies.len() >= MAX_CALLERS && !tallies.contains_key(&key) {
                "(other callers)".to_string()
            } else {
                key
            };
            tallies.entry(key).or_default().add(refusal);
        }) as RefusalSink
    };
    let conn = Arc::new(Mutex::new(conn));
    let task = tokio::spawn(async move {
        let mut tick = tokio::time::interval(window);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tick.tick().await;
        tokio::pin!(shutdown);
        loop {
            let stopping = tokio::select! {
                _ = tick.tick() => false,
                () = &mut shutdown => true,
            };
            flush(&tallies, &conn).await;
            if stopping {
                break;
            }
        }
    });
    (sink, task)
}

/// Writes one row per caller tallied since the last flush.
async fn flush(tallies: &Tallies, conn: &Arc<Mutex<crate::db::Conn>>) {
    let drained: Vec<(String, Tally)> = {
        let mut tallies = tallies.lock().unwrap_or_else(|p| p.into_inner());
        tallies.drain().collect()
    };
    if drained.is_empty() {
        return;
    }
    let conn = conn.clone();
    let written = tokio::task::spawn_blocking(move || {
        let mut conn = conn.lock().unwrap_or_else(|p| p.into_inner());
        for (actor, tally) in drained {
            let event = crate::audit::Event {
                action: "refused".into(),
                actor,
                document_id: None,
                proposal_id: None,
                detail: serde_json::json!({
                    "calls": tally.calls,
                    "first": tally.first,
                    "last": tally.last,
                    "methods": tally.methods,
                    "codes": tally.codes,
                    "peers": tally.peers,
                }),
            };
            if let Err(e) = crate::audit::append_now(&mut conn, &event) {
                tracing::error!(error = %e, "refused calls could not be audited");
            }
        }
    })
    .await;
    if let Err(e) = written {
        tracing::error!(error = %e, "the audit of refused calls stopped unexpectedly");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(principal: Option<&str>, peer: &str, method: &str) -> Refusal {
        Refusal {
            method: method.into(),
            code: tonic::Code::Unauthenticated,
            principal: principal.map(str::to_string),
            peer: Some(peer.into()),
        }
    }

    fn rows(dir: &std::path::Path) -> Vec<(String, serde_json::Value)> {
        use crate::db::Sql;
        let mut conn = crate::db::open_dir(dir).unwrap();
        conn.query(
            "SELECT actor, detail FROM audit_log WHERE action = 'refused' ORDER BY seq",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| {
            let detail = r.text(1).unwrap();
            (r.text(0).unwrap(), serde_json::from_str(&detail).unwrap())
        })
        .collect()
    }

    #[tokio::test]
    async fn a_thousand_refusals_become_one_row_per_caller_and_window() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::db::open_dir(dir.path()).unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (sink, task) = audit(
            conn,
            crate::auth::log_refusals(),
            Duration::from_secs(3600),
            async move {
                let _ = stopped.await;
            },
        );
        for i in 0..1_000 {
            // One client, reconnecting from many ports.
            sink(&refusal(None, &format!("10.0.0.7:{}", 40_000 + i), "/a/B"));
        }
        for _ in 0..3 {
            sink(&refusal(
                Some("uploader"),
                "10.0.0.8:5000",
                "/ledgerline.v1.ReviewService/Approve",
            ));
        }
        // Nothing is written while the window is open.
        assert!(rows(dir.path()).is_empty());
        stop.send(()).unwrap();
        task.await.unwrap();
        let mut rows = rows(dir.path());
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(rows[0].0, "10.0.0.7");
        assert_eq!(rows[0].1["calls"], 1_000);
        assert_eq!(rows[0].1["methods"]["/a/B"], 1_000);
        // Distinct peers are capped; the rest are counted together.
        assert_eq!(
            rows[0].1["peers"].as_object().unwrap().len(),
            MAX_DISTINCT + 1
        );
        assert_eq!(rows[1].0, "uploader");
        assert_eq!(rows[1].1["calls"], 3);
        assert_eq!(rows[1].1["codes"]["Unauthenticated"], 3);
        let mut conn = crate::db::open_dir(dir.path()).unwrap();
        assert!(crate::audit::verify(&mut conn).unwrap().is_intact());
    }
}
