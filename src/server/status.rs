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
