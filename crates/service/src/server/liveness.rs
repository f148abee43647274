//! Health follows the model threads: once the embedding thread has died, every service reports
//! NOT_SERVING, so load balancers and orchestrators stop sending work that can only fail and
//! restart the process.

use std::future::Future;
use std::time::Duration;

use tonic_health::ServingStatus;
use tonic_health::server::HealthReporter;

use crate::proto;
use ledgerline_suggest::embed::EmbedQueue;

/// How often the threads are looked at: a dead thread is noticed within this.
pub const PERIOD: Duration = Duration::from_secs(1);

/// Watches until `shutdown` completes or a thread dies; on a death, marks every service (and
/// the server, "") NOT_SERVING for good.
pub async fn watch(
    health: HealthReporter,
    embed: EmbedQueue,
    period: Duration,
    shutdown: impl Future<Output = ()>,
) {
    let died = async {
        let mut tick = tokio::time::interval(period);
        while embed.is_alive() {
            tick.tick().await;
        }
    };
    tokio::select! {
        () = died => {
            tracing::error!("the embedding thread has died: health is NOT_SERVING; restart the service");
            ::metrics::counter!("ledgerline_model_thread_deaths_total").increment(1);
            for name in proto::SERVICE_NAMES.into_iter().chain([""]) {
                health.set_service_status(name, ServingStatus::NotServing).await;
            }
        }
        () = shutdown => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ledgerline_suggest::embed::{EmbedError, QueueParams, TextEncoder};
    use tonic_health::pb::health_server::Health;
    use tonic_health::pb::{HealthCheckRequest, health_check_response};
    use tonic_health::server::HealthService;

    /// Panics on "boom", as a broken model would.
    struct Boom;

    impl TextEncoder for Boom {
        fn encode(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedError> {
            assert!(texts.iter().all(|t| t != "boom"), "the model broke");
            Ok(texts.iter().map(|_| vec![0.0]).collect())
        }
    }

    async fn status(health: &HealthReporter, service: &str) -> i32 {
        HealthService::from_health_reporter(health.clone())
            .check(tonic::Request::new(HealthCheckRequest {
                service: service.into(),
            }))
            .await
            .unwrap()
            .into_inner()
            .status
    }

    #[tokio::test]
    async fn health_turns_not_serving_when_the_embedding_thread_dies() {
        let (health, _) = tonic_health::server::health_reporter();
        for name in proto::SERVICE_NAMES.into_iter().chain([""]) {
            health
                .set_service_status(name, ServingStatus::Serving)
                .await;
        }
        let queue = EmbedQueue::start(Boom, QueueParams::default());
        let watcher = tokio::spawn(watch(
            health.clone(),
            queue.clone(),
            Duration::from_millis(10),
            std::future::pending(),
        ));
        queue.embed(vec!["fine".into()]).await.unwrap();
        let serving = health_check_response::ServingStatus::Serving as i32;
        assert_eq!(
            status(&health, "ledgerline.v1.SuggestionService").await,
            serving
        );
        assert!(queue.embed(vec!["boom".into()]).await.is_err());
        tokio::time::timeout(Duration::from_secs(5), watcher)
            .await
            .expect("the watcher notices the death")
            .unwrap();
        let not_serving = health_check_response::ServingStatus::NotServing as i32;
        for name in proto::SERVICE_NAMES.into_iter().chain([""]) {
            assert_eq!(status(&health, name).await, not_serving, "{name}");
        }
    }
}
