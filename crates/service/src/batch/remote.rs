//! Sending a batch's documents to running servers: one, or several replicas that share one
//! PostgreSQL queue and one Qdrant index. Documents are spread over the servers in turn; one that
//! a server cannot take (it is down, restarting or full) goes to the next, round the list a few
//! times with a growing pause. The replicas share the queue, so a document a dying server had
//! already stored is found there by the next one (`replayed`) and never stored twice.

use std::time::Duration;

use tonic::metadata::{Ascii, MetadataValue};
use tonic::transport::Channel;

use crate::proto::v1 as pb;

/// One running ledgerline server.
pub struct Server {
    pub url: String,
    pub client: pb::proposal_service_client::ProposalServiceClient<Channel>,
}

impl Server {
    pub fn new(url: String, channel: Channel) -> Server {
        Server {
            url,
            client: pb::proposal_service_client::ProposalServiceClient::new(channel)
                .max_decoding_message_size(64 << 20)
                .max_encoding_message_size(64 << 20),
        }
    }
}

/// Times round the whole list of servers before a document is reported as failed.
const ROUNDS: usize = 5;

/// Whether another server (or the same one, a moment later) may take what this one could not.
fn retryable(status: &tonic::Status) -> bool {
    use tonic::Code::*;
    // Unknown: the connection broke mid-call (h2 or transport errors carry no gRPC status).
    matches!(
        status.code(),
        Unavailable | Cancelled | ResourceExhausted | Unknown
    )
}

/// Sends one document, starting with server `index` (mod the number of servers). The answer
/// of the first server that takes it, or the first status that another server would not
/// change (a bad document, a refused token), or the last one seen when every try failed.
pub async fn send(
    servers: &[Server],
    index: usize,
    request: &pb::ProcessDocumentRequest,
    authorization: Option<&MetadataValue<Ascii>>,
) -> Result<pb::ProcessDocumentResponse, tonic::Status> {
    if servers.is_empty() {
        return Err(tonic::Status::unavailable(
            "no server to send the document to",
        ));
    }
    let n = servers.len();
    let mut last = tonic::Status::unavailable("not sent");
    for attempt in 0..ROUNDS * n {
        if attempt > 0 && attempt % n == 0 {
            // Every server failed this round: give a restarting one time to come back.
            let round = (attempt / n) as u32;
            tokio::time::sleep(Duration::from_millis(250 * 2u64.pow(round.min(4)))).await;
        }
        let server = &servers[(index + attempt) % n];
        let mut call = tonic::Request::new(request.clone());
        if let Some(value) = authorization {
            call.metadata_mut().insert("authorization", value.clone());
        }
        match server.client.clone().process_document(call).await {
            Ok(response) => return Ok(response.into_inner()),
            Err(status) if retryable(&status) => {
                tracing::warn!(
                    server = %server.url,
                    code = ?status.code(),
                    message = %status.message(),
                    "a server could not take the document; trying the next"
                );
                last = status;
            }
            Err(status) => return Err(status),
        }
    }
    Err(last)
}
