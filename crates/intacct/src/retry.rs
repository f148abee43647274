//! Retrying transient failures with jittered exponential backoff. Only errors that
//! [`LedgerError::is_transient`] says may succeed on a second try are retried; a postings's
//! safety against double execution comes from its control id, not from here.

use std::future::Future;
use std::time::Duration;

use rand::Rng;

use super::LedgerError;

/// How often and how patiently to retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// Upper bound of the first wait; doubles with each attempt.
    pub base_delay: Duration,
    /// No wait is longer than this.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// Eight attempts over about a minute at most: long enough to ride out a gateway restart or
    /// a throttling window, short enough that a stuck posting surfaces to a person.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 8,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(20),
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `attempt + 1`: "full jitter", uniform in [0, min(max, base·2^n)],
    /// so clients that failed together do not retry together.
    pub fn delay(&self, attempt: u32) -> Duration {
        let ceiling = self
            .base_delay
            .saturating_mul(1u32 << attempt.min(20))
            .min(self.max_delay);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(rand::rng().random_range(0..=nanos))
    }

    /// Runs `op` until it succeeds, fails for good, or the attempts are spent. An expired
    /// session is renewed at once (the operation itself drops the stale session) and does not
    /// wait.
    pub async fn run<T, F, Fut>(&self, what: &str, mut op: F) -> Result<T, LedgerError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, LedgerError>>,
    {
        let mut attempt = 0;
        loop {
            match op().await {
                Ok(value) => return Ok(value),
                Err(err) if err.is_transient() => {
                    attempt += 1;
                    if attempt >= self.max_attempts.max(1) {
                        return Err(LedgerError::RetriesExhausted {
                            attempts: attempt,
                            last: err.to_string(),
                        });
                    }
                    let wait = if matches!(err, LedgerError::SessionExpired) {
                        Duration::ZERO
                    } else {
                        self.delay(attempt - 1)
                    };
                    tracing::debug!(what, attempt, ?wait, error = %err, "retrying Intacct call");
                    tokio::time::sleep(wait).await;
                }
                Err(err) => return Err(err),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_but_stay_under_the_cap() {
        let policy = RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(350),
        };
        for _ in 0..200 {
            assert!(policy.delay(0) <= Duration::from_millis(100));
            assert!(policy.delay(1) <= Duration::from_millis(200));
            assert!(policy.delay(10) <= Duration::from_millis(350));
        }
        let spread: std::collections::HashSet<_> = (0..50).map(|_| policy.delay(3)).collect();
        assert!(spread.len() > 1, "jitter must vary the waits");
    }

    #[tokio::test]
    async fn transient_errors_are_retried_and_others_are_not() {
        let policy = RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
        };
        let mut calls = 0;
        let result = policy
            .run("test", || {
                calls += 1;
                let n = calls;
                async move {
                    if n < 3 {
                        Err(LedgerError::Transient {
                            reason: "503".into(),
                        })
                    } else {
                        Ok(n)
                    }
                }
            })
            .await;
        assert_eq!(result.unwrap(), 3);

        let mut calls = 0;
        let result: Result<(), _> = policy
            .run("test", || {
                calls += 1;
                async {
                    Err(LedgerError::Transient {
                        reason: "503".into(),
                    })
                }
            })
            .await;
        assert!(matches!(
            result,
            Err(LedgerError::RetriesExhausted { attempts: 4, .. })
        ));
        assert_eq!(calls, 4);

        let mut calls = 0;
        let result: Result<(), _> = policy
            .run("test", || {
                calls += 1;
                async {
                    Err(LedgerError::Authentication {
                        message: "no".into(),
                    })
                }
            })
            .await;
        assert!(matches!(result, Err(LedgerError::Authentication { .. })));
        assert_eq!(calls, 1);
    }
}
