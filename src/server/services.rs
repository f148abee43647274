//! The proposal and review services (extraction and suggestion have their own files). Each handler only
//! translates between protobuf and a pipeline stage; RPCs whose stage is not built yet answer
//! UNIMPLEMENTED.

use tonic::{Request, Response, Status};

use super::status::not_built;
use crate::proto::v1::{
    self as pb, proposal_service_server::ProposalService, review_service_server::ReviewService,
};

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
