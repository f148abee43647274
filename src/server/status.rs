//! The one place where ledgerline's errors become gRPC statuses.

use tonic::Status;

/// The answer of an RPC whose stage has not been built into this version yet.
pub fn not_built(rpc: &str, stage: &str) -> Status {
    Status::unimplemented(format!(
        "{rpc} is not built in ledgerline {}: it arrives with the {stage} stage; \
         no request was processed and nothing was stored",
        env!("CARGO_PKG_VERSION")
    ))
}

/// How a document that could not be read is answered.
pub fn read_error(error: &crate::read::ReadError) -> Status {
    use crate::decode::DecodeError as D;
    use crate::read::ReadError as R;
    match error {
        R::Decode(D::TooLarge { .. } | D::TooManyPages { .. } | D::TooManyPixels { .. }) => {
            Status::resource_exhausted(error.to_string())
        }
        R::Decode(_) => Status::invalid_argument(error.to_string()),
        R::Models(_) => Status::failed_precondition(error.to_string()),
        R::Ocr(_) | R::Layout(_) | R::Backend(_) => {
            tracing::error!(%error, "reading failed inside the models");
            Status::internal(format!(
                "reading the document failed inside ledgerline: {error}"
            ))
        }
    }
}
