//! The batching queue in front of the model: the [`Embedder`] lives on its own OS thread, fed by
//! a bounded channel; each request carries a one-shot reply. The thread takes the first waiting
//! request, then keeps collecting until the batch is full or the oldest request has waited
//! `max_wait`, so concurrent callers share model calls instead of queueing behind each other.
//!
//! The thread's liveness is visible ([`EmbedQueue::is_alive`]): if the model panics, the thread
//! ends, every caller gets `Stopped`, and the server's health turns NOT_SERVING.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError, sync_channel};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use super::{EmbedError, Embedder};

/// Sizes of the queue.
#[derive(Debug, Clone, Copy)]
pub struct QueueParams {
    /// Most texts in one model call: 32 is where MiniLM's CPU throughput stops growing.
    pub max_batch: usize,
    /// Longest a request waits for company before the batch runs anyway: a few milliseconds is
    /// small against a suggestion's budget and large against the arrival gap under load.
    pub max_wait: Duration,
    /// Requests waiting at most; beyond it callers are told the service is overloaded.
    pub capacity: usize,
}

impl Default for QueueParams {
    fn default() -> Self {
        QueueParams {
            max_batch: 32,
            max_wait: Duration::from_millis(5),
            capacity: 1024,
        }
    }
}

/// The model behind the queue: [`Embedder`] in the service, a fake in the queue's own tests.
pub trait TextEncoder: Send + 'static {
    fn encode(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedError>;
}

impl TextEncoder for Embedder {
    fn encode(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedError> {
        self.embed(texts)
    }
}

/// Clears the liveness flag when the thread ends, by return or by panic.
struct AliveGuard(Arc<AtomicBool>);

impl Drop for AliveGuard {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
        if std::thread::panicking() {
            tracing::error!("the embedding thread panicked; suggestions fail until a restart");
        }
    }
}

type Reply = oneshot::Sender<Result<Vec<Vec<f32>>, EmbedError>>;

struct Job {
    texts: Vec<String>,
    reply: Reply,
}

/// A cheap handle to the model thread; clone it into every request handler.
#[derive(Clone)]
pub struct EmbedQueue {
    sender: SyncSender<Job>,
    calls: Arc<AtomicU64>,
    alive: Arc<AtomicBool>,
}

impl EmbedQueue {
    /// Moves the model onto its own thread. The thread ends when every handle is dropped.
    pub fn start(encoder: impl TextEncoder, params: QueueParams) -> EmbedQueue {
        let (sender, receiver) = sync_channel(params.capacity);
        let calls = Arc::new(AtomicU64::new(0));
        let alive = Arc::new(AtomicBool::new(true));
        let (counter, guard) = (calls.clone(), AliveGuard(alive.clone()));
        std::thread::Builder::new()
            .name("embed".into())
            .spawn(move || {
                let _guard = guard;
                run(encoder, receiver, params, &counter)
            })
            .expect("the OS can start the embedding thread");
        EmbedQueue {
            sender,
            calls,
            alive,
        }
    }

    /// False once the model thread has ended (a panic in the model): nothing can be embedded.
    pub fn is_alive(&self) -> bool {
        self.alive.load(Ordering::Acquire)
    }

    /// Model calls made so far: fewer than requests when batching works.
    pub fn model_calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// Embeds each distinct text once: history repeats the same memo from the same vendor
    /// often.
    pub async fn embed_unique(&self, texts: Vec<String>) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut unique: Vec<String> = texts.clone();
        unique.sort();
        unique.dedup();
        let vectors = self.embed(unique.clone()).await?;
        let at: std::collections::HashMap<&String, &Vec<f32>> =
            unique.iter().zip(&vectors).collect();
        Ok(texts.iter().map(|t| at[t].clone()).collect())
    }

    /// Embeds `texts`; never blocks the async executor (the send is non-blocking and the
    /// answer arrives on a one-shot channel).
    pub async fn embed(&self, texts: Vec<String>) -> Result<Vec<Vec<f32>>, EmbedError> {
        let (reply, answer) = oneshot::channel();
        match self.sender.try_send(Job { texts, reply }) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => return Err(EmbedError::Overloaded),
            Err(TrySendError::Disconnected(_)) => return Err(EmbedError::Stopped),
        }
        answer.await.map_err(|_| EmbedError::Stopped)?
    }
}

fn run(encoder: impl TextEncoder, receiver: Receiver<Job>, params: QueueParams, calls: &AtomicU64) {
    while let Ok(first) = receiver.recv() {
        let deadline = Instant::now() + params.max_wait;
        let mut jobs = vec![first];
        let mut texts: usize = jobs[0].texts.len();
        while texts < params.max_batch {
            let left = deadline.saturating_duration_since(Instant::now());
            match receiver.recv_timeout(left) {
                Ok(job) => {
                    texts += job.texts.len();
                    jobs.push(job);
                }
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        // A caller that has gone away (timeout, cancelled RPC) costs nothing.
        jobs.retain(|job| !job.reply.is_closed());
        let all: Vec<String> = jobs.iter().flat_map(|j| j.texts.iter().cloned()).collect();
        let mut result = Ok(Vec::with_capacity(all.len()));
        for chunk in all.chunks(params.max_batch.max(1)) {
            calls.fetch_add(1, Ordering::Relaxed);
            match (result.as_mut(), encoder.encode(chunk)) {
                (Ok(out), Ok(vectors)) => out.extend(vectors),
                (_, Err(e)) => {
                    result = Err(e.to_string());
                    break;
                }
                (Err(_), _) => break,
            }
        }
        tracing::trace!(requests = jobs.len(), texts = all.len(), "embedded a batch");
        let mut at = 0;
        for job in jobs {
            let n = job.texts.len();
            let answer = match &result {
                Ok(vectors) => Ok(vectors[at..at + n].to_vec()),
                Err(message) => Err(EmbedError::Model(message.clone())),
            };
            at += n;
            let _ = job.reply.send(answer);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Vectors of the texts' lengths; panics on the text "boom", as a broken model would.
    struct Fake;

    impl TextEncoder for Fake {
        fn encode(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedError> {
            assert!(texts.iter().all(|t| t != "boom"), "the model broke");
            Ok(texts.iter().map(|t| vec![t.len() as f32]).collect())
        }
    }

    #[tokio::test]
    async fn a_panicking_model_ends_the_thread_visibly_and_callers_get_stopped() {
        let queue = EmbedQueue::start(Fake, QueueParams::default());
        let vectors = queue.embed(vec!["ab".into(), "abc".into()]).await.unwrap();
        assert_eq!(vectors, vec![vec![2.0], vec![3.0]]);
        assert!(queue.is_alive());
        let err = queue.embed(vec!["boom".into()]).await.unwrap_err();
        assert!(matches!(err, EmbedError::Stopped), "{err}");
        // The guard runs as the thread unwinds, just after the reply channel is dropped.
        for _ in 0..200 {
            if !queue.is_alive() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(!queue.is_alive());
        assert!(matches!(
            queue.embed(vec!["ab".into()]).await.unwrap_err(),
            EmbedError::Stopped
        ));
    }
}
