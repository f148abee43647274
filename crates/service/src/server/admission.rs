//! What the server lets in, beyond one message's size: a cap on open connections (more are
//! closed as they arrive) and a budget of document bytes held by requests admitted and not yet
//! finished, so callers cannot queue more uploads than memory allows. Beyond the budget a
//! document is answered RESOURCE_EXHAUSTED at once and its bytes are dropped.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::{Stream, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tonic::Status;
use tonic::transport::server::{Connected, TcpConnectInfo};

/// The shared budget of document bytes, counted in KiB so that a semaphore can hold it.
#[derive(Clone)]
pub struct Admission {
    kib: Arc<Semaphore>,
    limit: usize,
}

/// Held while a document is in the server; returns its bytes to the budget when dropped.
pub struct Admitted(#[allow(dead_code)] OwnedSemaphorePermit);

impl Admission {
    pub fn new(max_waiting_bytes: usize) -> Admission {
        let kib = max_waiting_bytes.div_ceil(1024).min(Semaphore::MAX_PERMITS);
        Admission {
            kib: Arc::new(Semaphore::new(kib)),
            limit: max_waiting_bytes,
        }
    }

    /// Takes `bytes` from the budget, or refuses the document now.
    pub fn admit(&self, bytes: usize) -> Result<Admitted, Status> {
        let kib = u32::try_from(bytes.div_ceil(1024).max(1)).unwrap_or(u32::MAX);
        self.kib
            .clone()
            .try_acquire_many_owned(kib)
            .map(Admitted)
            .map_err(|_| {
                metrics::counter!("ledgerline_requests_refused_total", "reason" => "waiting_bytes")
                    .increment(1);
                Status::resource_exhausted(format!(
                    "the server already holds {} MiB of documents waiting to be read (its limit); \
                     retry with backoff, or send fewer documents at once",
                    self.limit >> 20
                ))
            })
    }
}

/// A connection counted against the connection cap until it closes.
pub struct LimitedConnection {
    inner: TcpStream,
    _slot: OwnedSemaphorePermit,
}

/// Accepted connections, at most `max` open at once; one over the cap is closed at once (the
/// client sees UNAVAILABLE and retries), never queued behind the others.
pub fn limit_connections(
    listener: TcpListener,
    max: usize,
) -> impl Stream<Item = std::io::Result<LimitedConnection>> {
    let slots = Arc::new(Semaphore::new(max.max(1)));
    tokio_stream::wrappers::TcpListenerStream::new(listener).filter_map(move |accepted| {
        let slots = slots.clone();
        async move {
            let stream = match accepted {
                Ok(stream) => stream,
                Err(e) => return Some(Err(e)),
            };
            match slots.try_acquire_owned() {
                Ok(slot) => Some(Ok(LimitedConnection {
                    inner: stream,
                    _slot: slot,
                })),
                Err(_) => {
                    metrics::counter!("ledgerline_connections_refused_total").increment(1);
                    tracing::warn!(peer = ?stream.peer_addr().ok(), "connection limit reached; closing a new connection");
                    None
                }
            }
        }
    })
}

impl Connected for LimitedConnection {
    type ConnectInfo = TcpConnectInfo;

    fn connect_info(&self) -> Self::ConnectInfo {
        self.inner.connect_info()
    }
}

impl AsyncRead for LimitedConnection {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for LimitedConnection {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_is_shared_and_returned_when_a_document_finishes() {
        let admission = Admission::new(100 * 1024);
        let first = admission.admit(60 * 1024).unwrap();
        let refused = admission.admit(60 * 1024).err().unwrap();
        assert_eq!(refused.code(), tonic::Code::ResourceExhausted);
        let small = admission.admit(30 * 1024).unwrap();
        drop(first);
        let _again = admission.admit(60 * 1024).unwrap();
        drop(small);
    }
}
