//! Per-company request limits: Intacct counts concurrent requests per company (performance
//! tiers) and throttles with 429, so each client holds one [`RateLimiter`] for its company and
//! clones of the client share it.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Mutex, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// The limits for one company.
#[derive(Debug, Clone, PartialEq)]
pub struct RateLimits {
    /// Requests in flight at once. Third parties report 2 as Intacct's default tier.
    pub max_concurrent: usize,
    /// Requests started per second, spread evenly; 0 switches the rate limit off.
    pub requests_per_second: f64,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            max_concurrent: 2,
            requests_per_second: 10.0,
        }
    }
}

/// Admits requests within [`RateLimits`].
#[derive(Debug, Clone)]
pub struct RateLimiter {
    slots: Arc<Semaphore>,
    /// When the next request may start. A tokio mutex: it is held across the wait so that
    /// callers queue in order instead of all waking at once.
    next_start: Arc<Mutex<Instant>>,
    spacing: Duration,
}

impl RateLimiter {
    pub fn new(limits: &RateLimits) -> Self {
        let spacing = if limits.requests_per_second > 0.0 {
            Duration::from_secs_f64(1.0 / limits.requests_per_second)
        } else {
            Duration::ZERO
        };
        RateLimiter {
            slots: Arc::new(Semaphore::new(limits.max_concurrent.max(1))),
            next_start: Arc::new(Mutex::new(Instant::now())),
            spacing,
        }
    }

    /// Waits for a slot and for the request's turn; the slot is held until the permit drops.
    pub async fn acquire(&self) -> OwnedSemaphorePermit {
        let permit = Arc::clone(&self.slots)
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        let mut next = self.next_start.lock().await;
        let now = Instant::now();
        if *next > now {
            tokio::time::sleep_until(*next).await;
        }
        *next = (*next).max(now) + self.spacing;
        permit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // On the real clock: a paused one needs tokio's test-util, which would make the production
    // build compile tokio, and all that sits on it, a second time.
    #[tokio::test]
    async fn requests_are_spread_to_the_rate() {
        let limiter = RateLimiter::new(&RateLimits {
            max_concurrent: 10,
            requests_per_second: 10.0,
        });
        let start = Instant::now();
        for _ in 0..5 {
            drop(limiter.acquire().await);
        }
        // Five starts at 100 ms spacing: the fifth waits 400 ms.
        assert!(start.elapsed() >= Duration::from_millis(400));
        // Under the 800 ms that half the rate would take; a busy machine adds a little to 400.
        assert!(start.elapsed() < Duration::from_millis(800));
    }

    #[tokio::test]
    async fn concurrency_is_capped() {
        let limiter = RateLimiter::new(&RateLimits {
            max_concurrent: 2,
            requests_per_second: 0.0,
        });
        let a = limiter.acquire().await;
        let _b = limiter.acquire().await;
        let third = tokio::time::timeout(Duration::from_millis(50), limiter.acquire()).await;
        assert!(third.is_err(), "a third request must wait");
        drop(a);
        let third = tokio::time::timeout(Duration::from_secs(5), limiter.acquire()).await;
        assert!(third.is_ok());
    }
}
