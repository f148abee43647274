//! The generated gRPC types of the `ledgerline.v1` API. Only `server/` and clients use them;
//! the pipeline stages have their own types.

#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod v1 {
    tonic::include_proto!("ledgerline.v1");
}

/// The encoded descriptor set of the API, served by gRPC reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("ledgerline_descriptor");

/// The fully qualified names of the four ledgerline services.
pub const SERVICE_NAMES: [&str; 4] = [
    "ledgerline.v1.ExtractionService",
    "ledgerline.v1.SuggestionService",
    "ledgerline.v1.ProposalService",
    "ledgerline.v1.ReviewService",
];
