//! Faults the fake injects on demand: a script of faults for the next requests, or random
//! faults drawn from a seeded RNG with a probability per request.

use std::collections::VecDeque;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// One injected failure. "After commit" faults let the request take effect first, so the client
/// cannot tell whether it did: the case control ids exist for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answers after this delay (the request is carried out first).
    Latency(Duration),
    /// Carries the request out, then cuts the connection half-way through the answer.
    DropAfterCommit,
    /// Answers 503 without doing anything.
    ServerError,
    /// Carries the request out, then answers 502 (a proxy losing the answer).
    ServerErrorAfterCommit,
    /// Answers 429 with Intacct's throttling error.
    TooManyRequests,
    /// Answers with an error payload: the XML gateway's HTTP 200 "API rate limit exceeded"
    /// control failure, or a REST 503 `ia::error` body.
    ErrorPayload,
    /// Expires the caller's session (or token) before handling the request.
    ExpireSession,
}

impl Fault {
    /// One of each kind, for random fault tests.
    pub fn all(latency: Duration) -> Vec<Fault> {
        vec![
            Fault::Latency(latency),
            Fault::DropAfterCommit,
            Fault::ServerError,
            Fault::ServerErrorAfterCommit,
            Fault::TooManyRequests,
            Fault::ErrorPayload,
            Fault::ExpireSession,
        ]
    }
}

/// What to inject. The script is used first, one fault per request; then, if set, each request
/// fails with `probability` with a fault drawn from `kinds`.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    pub script: VecDeque<Fault>,
    pub random: Option<RandomFaults>,
}

#[derive(Debug, Clone)]
pub struct RandomFaults {
    pub seed: u64,
    pub probability: f64,
    pub kinds: Vec<Fault>,
}

impl Faults {
    pub fn none() -> Faults {
        Faults::default()
    }

    pub fn script(faults: impl IntoIterator<Item = Fault>) -> Faults {
        Faults {
            script: faults.into_iter().collect(),
            random: None,
        }
    }

    pub fn random(seed: u64, probability: f64, kinds: Vec<Fault>) -> Faults {
        Faults {
            script: VecDeque::new(),
            random: Some(RandomFaults {
                seed,
                probability,
                kinds,
            }),
        }
    }
}

/// The injector's state: the plan and its RNG.
pub(super) struct Injector {
    faults: Faults,
    rng: StdRng,
    pub(super) injected: u64,
}

impl Injector {
    pub(super) fn new(faults: Faults) -> Injector {
        let seed = faults.random.as_ref().map_or(0, |r| r.seed);
        Injector {
            faults,
            rng: StdRng::seed_from_u64(seed),
            injected: 0,
        }
    }

    pub(super) fn next(&mut self) -> Option<Fault> {
        let fault = self.faults.script.pop_front().or_else(|| {
            let random = self.faults.random.as_ref()?;
            if random.kinds.is_empty() || !self.rng.random_bool(random.probability.clamp(0.0, 1.0))
            {
                return None;
            }
            Some(random.kinds[self.rng.random_range(0..random.kinds.len())].clone())
        });
        if fault.is_some() {
            self.injected += 1;
        }
        fault
    }
}

/// A response whose body stops half-way with an error, so the server drops the connection.
pub(super) fn truncated(response: Response) -> Response {
    let (parts, _) = response.into_parts();
    let head = Bytes::from_static(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><response><control>");
    let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(head),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "fault: connection dropped",
        )),
    ];
    let mut cut = Response::from_parts(parts, Body::from_stream(futures::stream::iter(chunks)));
    cut.headers_mut().remove(header::CONTENT_LENGTH);
    cut
}

pub(super) fn status(code: StatusCode, content_type: &'static str, body: String) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = code;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_comes_first_and_random_faults_repeat_per_seed() {
        let mut injector = Injector::new(Faults::script([Fault::ServerError]));
        assert_eq!(injector.next(), Some(Fault::ServerError));
        assert_eq!(injector.next(), None);

        let draw = |seed| {
            let mut i = Injector::new(Faults::random(seed, 0.5, Fault::all(Duration::ZERO)));
            (0..100).map(|_| i.next()).collect::<Vec<_>>()
        };
        assert_eq!(draw(3), draw(3));
        let hits = draw(3).iter().filter(|f| f.is_some()).count();
        assert!((20..80).contains(&hits), "{hits}");
    }
}
