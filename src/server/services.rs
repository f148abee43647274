//! The four ledgerline services. Each handler only translates between protobuf and a pipeline
//! stage; RPCs whose stage is not built yet answer UNIMPLEMENTED.

use std::pin::Pin;

use futures::Stream;
use tonic::{Request, Response, Status, Streaming};

use super::status::not_built;
use crate::proto::v1::{
    self as pb, extraction_service_server::ExtractionService,
    proposal_service_server::ProposalService, review_service_server::ReviewService,
    suggestion_service_server::SuggestionService,
};

type ResponseStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send>>;

/// `ledgerline.v1.ExtractionService`.
#[derive(Debug, Default)]
pub struct Extraction;

#[tonic::async_trait]
impl ExtractionService for Extraction {
    async fn extract(
        &self,
        _request: Request<pb::ExtractRequest>,
    ) -> Result<Response<pb::ExtractResponse>, Status> {
        Err(not_built("ExtractionService/Extract", "extraction"))
    }

    type ExtractStreamStream = ResponseStream<pb::ExtractStreamResponse>;

    async fn extract_stream(
        &self,
        _request: Request<Streaming<pb::ExtractStreamRequest>>,
    ) -> Result<Response<Self::ExtractStreamStream>, Status> {
        Err(not_built("ExtractionService/ExtractStream", "extraction"))
    }
}

/// `ledgerline.v1.SuggestionService`.
#[derive(Debug, Default)]
pub struct Suggestion;

#[tonic::async_trait]
impl SuggestionService for Suggestion {
    async fn suggest(
        &self,
        _request: Request<pb::SuggestRequest>,
    ) -> Result<Response<pb::SuggestResponse>, Status> {
        Err(not_built("SuggestionService/Suggest", "suggestion"))
    }

    async fn index_history(
        &self,
        _request: Request<Streaming<pb::HistoryLine>>,
    ) -> Result<Response<pb::IndexHistoryResponse>, Status> {
        Err(not_built("SuggestionService/IndexHistory", "history index"))
    }
}

/// `ledgerline.v1.ProposalService`.
#[derive(Debug, Default)]
pub struct Proposal;

#[tonic::async_trait]
impl ProposalService for Proposal {
    async fn process_document(
        &self,
        _request: Request<pb::ProcessDocumentRequest>,
    ) -> Result<Response<pb::ProcessDocumentResponse>, Status> {
        Err(not_built("ProposalService/ProcessDocument", "proposal"))
    }

    async fn validate_journal_entry(
        &self,
        _request: Request<pb::ValidateJournalEntryRequest>,
    ) -> Result<Response<pb::ValidateJournalEntryResponse>, Status> {
        Err(not_built(
            "ProposalService/ValidateJournalEntry",
            "validation",
        ))
    }
}

/// `ledgerline.v1.ReviewService`.
#[derive(Debug, Default)]
pub struct Review;

#[tonic::async_trait]
impl ReviewService for Review {
    async fn list_pending(
        &self,
        _request: Request<pb::ListPendingRequest>,
    ) -> Result<Response<pb::ListPendingResponse>, Status> {
        Err(not_built("ReviewService/ListPending", "review queue"))
    }

    async fn get_proposal(
        &self,
        _request: Request<pb::GetProposalRequest>,
    ) -> Result<Response<pb::Proposal>, Status> {
        Err(not_built("ReviewService/GetProposal", "review queue"))
    }

    async fn approve(
        &self,
        _request: Request<pb::ApproveRequest>,
    ) -> Result<Response<pb::Proposal>, Status> {
        Err(not_built("ReviewService/Approve", "review queue"))
    }

    async fn edit(
        &self,
        _request: Request<pb::EditRequest>,
    ) -> Result<Response<pb::Proposal>, Status> {
        Err(not_built("ReviewService/Edit", "review queue"))
    }

    async fn reject(
        &self,
        _request: Request<pb::RejectRequest>,
    ) -> Result<Response<pb::Proposal>, Status> {
        Err(not_built("ReviewService/Reject", "review queue"))
    }
}
