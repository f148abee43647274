//! Request size limits enforced on the wire, before a message is buffered.
//!
//! tonic refuses an oversized message with OUT_OF_RANGE; gRPC clients expect RESOURCE_EXHAUSTED
//! for "too large", which is also what every other limit in ledgerline answers. This layer reads
//! the five-byte gRPC frame headers as they stream past and fails the body with that status as
//! soon as a header announces more than the limit, so the message is never allocated. tonic
//! passes a `Status` found in a body error through unchanged.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use tonic::Status;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Wraps every request body of the server in a [`FrameLimitBody`].
pub fn request_limit_layer(
    limit: usize,
) -> tower::util::MapRequestLayer<
    impl Fn(http::Request<tonic::body::Body>) -> http::Request<tonic::body::Body> + Clone,
> {
    tower::util::MapRequestLayer::new(move |request: http::Request<tonic::body::Body>| {
        request.map(|body| tonic::body::Body::new(FrameLimitBody::new(body, limit)))
    })
}

pin_project_lite::pin_project! {
    /// A request body that fails with RESOURCE_EXHAUSTED when a gRPC message is over the limit.
    pub struct FrameLimitBody<B> {
        #[pin]
        inner: B,
        scanner: FrameScanner,
    }
}

impl<B> FrameLimitBody<B> {
    pub fn new(inner: B, limit: usize) -> Self {
        FrameLimitBody {
            inner,
            scanner: FrameScanner::new(limit),
        }
    }
}

impl<B> Body for FrameLimitBody<B>
where
    B: Body<Data = Bytes>,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.project();
        match this.inner.poll_frame(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e.into()))),
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref()
                    && let Err(status) = this.scanner.scan(data)
                {
                    metrics::counter!("ledgerline_requests_refused_total", "reason" => "too_large")
                        .increment(1);
                    return Poll::Ready(Some(Err(Box::new(status))));
                }
                Poll::Ready(Some(Ok(frame)))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Follows gRPC length-prefixed framing across arbitrary chunk boundaries.
#[derive(Debug)]
pub(crate) struct FrameScanner {
    limit: usize,
    header: [u8; 5],
    header_len: usize,
    body_remaining: u64,
}

impl FrameScanner {
    pub(crate) fn new(limit: usize) -> Self {
        FrameScanner {
            limit,
            header: [0; 5],
            header_len: 0,
            body_remaining: 0,
        }
    }

    pub(crate) fn scan(&mut self, mut data: &[u8]) -> Result<(), Status> {
        while !data.is_empty() {
            if self.body_remaining > 0 {
                let n = (self.body_remaining.min(data.len() as u64)) as usize;
                self.body_remaining -= n as u64;
                data = &data[n..];
                continue;
            }
            let n = (5 - self.header_len).min(data.len());
            self.header[self.header_len..self.header_len + n].copy_from_slice(&data[..n]);
            self.header_len += n;
            data = &data[n..];
            if self.header_len == 5 {
                self.header_len = 0;
                let len = u32::from_be_bytes([
                    self.header[1],
                    self.header[2],
                    self.header[3],
                    self.header[4],
                ]);
                if len as usize > self.limit {
                    return Err(Status::resource_exhausted(format!(
                        "request message is {len} bytes, over this server's limit of {} bytes; \
                         send a smaller document or raise --max-request-bytes",
                        self.limit
                    )));
                }
                self.body_remaining = u64::from(len);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(len: u32) -> Vec<u8> {
        let mut bytes = vec![0u8];
        bytes.extend_from_slice(&len.to_be_bytes());
        bytes.extend(std::iter::repeat_n(7u8, len as usize));
        bytes
    }

    #[test]
    fn accepts_messages_up_to_the_limit_split_anywhere() {
        let mut wire = frame(10);
        wire.extend(frame(0));
        wire.extend(frame(10));
        for split in 0..wire.len() {
            let mut scanner = FrameScanner::new(10);
            scanner.scan(&wire[..split]).unwrap();
            scanner.scan(&wire[split..]).unwrap();
        }
    }

    #[test]
    fn refuses_an_oversized_header_even_when_it_arrives_byte_by_byte() {
        let mut wire = frame(3);
        wire.extend(frame(11));
        let mut scanner = FrameScanner::new(10);
        let mut refused = None;
        for (i, byte) in wire.iter().enumerate() {
            if let Err(status) = scanner.scan(std::slice::from_ref(byte)) {
                refused = Some((i, status));
                break;
            }
        }
        let (at, status) = refused.expect("refused");
        assert_eq!(
            at,
            8 + 4,
            "refused on the last header byte of the second frame"
        );
        assert_eq!(status.code(), tonic::Code::ResourceExhausted);
    }
}
