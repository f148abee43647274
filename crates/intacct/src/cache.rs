//! A cache of the chart of accounts, the dimension values and the vendors of one company (and
//! entity), read by the suggestion and validation stages. Refreshed on a schedule
//! ([`ChartCache::keep_fresh`]) and on demand ([`ChartCache::request_refresh`]); readers get an
//! immutable snapshot and never wait for a refresh.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use tokio::sync::Notify;

use super::{Account, DimensionKind, DimensionValue, Ledger, LedgerError, Vendor};

/// One consistent view of the company's lists.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub accounts: Vec<Account>,
    pub dimensions: HashMap<DimensionKind, Vec<DimensionValue>>,
    pub vendors: Vec<Vendor>,
    /// None until the first successful refresh.
    pub refreshed_at: Option<SystemTime>,
}

impl Snapshot {
    pub fn account(&self, number: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.number == number)
    }

    pub fn dimension(&self, kind: DimensionKind, id: &str) -> Option<&DimensionValue> {
        self.dimensions.get(&kind)?.iter().find(|d| d.id == id)
    }

    pub fn vendor(&self, id: &str) -> Option<&Vendor> {
        self.vendors.iter().find(|v| v.id == id)
    }
}

/// The cache for one company and entity.
pub struct ChartCache {
    entity: Option<String>,
    /// A std lock: held only to swap or clone the `Arc`, never across an await.
    current: RwLock<Arc<Snapshot>>,
    wake: Notify,
}

impl ChartCache {
    pub fn new(entity: Option<String>) -> Self {
        ChartCache {
            entity,
            current: RwLock::new(Arc::new(Snapshot::default())),
            wake: Notify::new(),
        }
    }

    /// The latest snapshot (empty before the first refresh).
    pub fn snapshot(&self) -> Arc<Snapshot> {
        Arc::clone(&self.current.read().expect("not poisoned"))
    }

    /// Reads every list and swaps them in at once. A failed refresh keeps the previous
    /// snapshot, so readers always see a complete chart.
    pub async fn refresh<L: Ledger>(&self, ledger: &L) -> Result<Arc<Snapshot>, LedgerError> {
        let entity = self.entity.as_deref();
        let mut dimensions = HashMap::new();
        for kind in DimensionKind::ALL {
            dimensions.insert(kind, ledger.dimension_values(entity, kind).await?);
        }
        let snapshot = Arc::new(Snapshot {
            accounts: ledger.accounts(entity).await?,
            dimensions,
            vendors: ledger.vendors(entity).await?,
            refreshed_at: Some(SystemTime::now()),
        });
        *self.current.write().expect("not poisoned") = Arc::clone(&snapshot);
        tracing::info!(
            accounts = snapshot.accounts.len(),
            vendors = snapshot.vendors.len(),
            "chart of accounts refreshed"
        );
        Ok(snapshot)
    }

    /// Asks a running [`ChartCache::keep_fresh`] to refresh now.
    pub fn request_refresh(&self) {
        self.wake.notify_one();
    }

    /// Refreshes at once, then every `every` and whenever asked, until the future is dropped.
    /// Failures are logged and retried at the next turn.
    pub async fn keep_fresh<L: Ledger>(&self, ledger: &L, every: Duration) {
        loop {
            if let Err(e) = self.refresh(ledger).await {
                tracing::warn!(error = %e, "could not refresh the chart of accounts");
            }
            tokio::select! {
                () = tokio::time::sleep(every) => {}
                () = self.wake.notified() => {}
            }
        }
    }
}
