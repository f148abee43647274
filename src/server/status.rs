//! The one place where ledgerline's errors become gRPC statuses.

use tonic::Status;

use crate::company::CompanyError;
use crate::embed::EmbedError;
use crate::import::ImportError;
use crate::index::IndexError;
use crate::suggest::SuggestError;

/// How a document that could not be read is answered.
pub fn read_error(error: &crate::read::ReadError) -> Status {
    use crate::decode::DecodeError as D;
    use crate::read::ReadError as R;
    match error {
        R::Decode(
            D::TooLarge { .. }
            | D::TooManyPages { .. }
            | D::TooManyPixels { .. }
            | D::DocumentTooManyPixels { .. },
        ) => Status::resource_exhausted(error.to_string()),
        R::Decode(_) => Status::invalid_argument(error.to_string()),
        R::Models(_) => Status::failed_precondition(error.to_string()),
        R::EInvoice(
            crate::einvoice::EInvoiceError::TooLarge { .. }
            | crate::einvoice::EInvoiceError::AttachmentTooLarge { .. }
            | crate::einvoice::EInvoiceError::Limit(_),
        ) => Status::resource_exhausted(error.to_string()),
        R::EInvoice(_) => Status::invalid_argument(error.to_string()),
        R::Panicked(_) => Status::internal(error.to_string()),
        R::Ocr(_) | R::Layout(_) | R::Backend(_) => {
            tracing::error!(%error, "reading failed inside the models");
            Status::internal(format!(
                "reading the document failed inside ledgerline: {error}"
            ))
        }
    }
}

fn index_status(e: &IndexError) -> Status {
    match e {
        IndexError::Unavailable { .. } => Status::unavailable(e.to_string()),
        _ => Status::internal(e.to_string()),
    }
}

fn embed_status(e: &EmbedError) -> Status {
    match e {
        EmbedError::Overloaded => Status::resource_exhausted(e.to_string()),
        EmbedError::Stopped => Status::unavailable(e.to_string()),
        _ => Status::internal(e.to_string()),
    }
}

/// Suggestion errors: an unknown company is NOT_FOUND, an empty description INVALID_ARGUMENT, an
/// index that cannot be reached UNAVAILABLE (the caller may retry).
pub fn suggest_status(e: SuggestError) -> Status {
    match &e {
        SuggestError::UnknownCompany(_) | SuggestError::NoHistory { .. } => {
            Status::not_found(e.to_string())
        }
        SuggestError::Interrupted(_) => Status::internal(e.to_string()),
        SuggestError::EmptyDescription => Status::invalid_argument(e.to_string()),
        SuggestError::Index(inner) => index_status(inner),
        SuggestError::Embed(inner) => embed_status(inner),
        SuggestError::Company(CompanyError::BadId(_)) => Status::invalid_argument(e.to_string()),
        SuggestError::Company(_) => Status::internal(e.to_string()),
    }
}

/// History import errors.
pub fn import_status(e: ImportError) -> Status {
    match &e {
        ImportError::Index(inner) => index_status(inner),
        ImportError::Embed(inner) => embed_status(inner),
        ImportError::Company(CompanyError::BadId(_)) | ImportError::Invalid { .. } => {
            Status::invalid_argument(e.to_string())
        }
        _ => Status::internal(e.to_string()),
    }
}

/// Pipeline errors: bad requests INVALID_ARGUMENT, an unknown company or proposal NOT_FOUND, a
/// reviewer who lost the race ABORTED, a decision on a proposal no longer pending
/// FAILED_PRECONDITION.
pub fn process_status(e: crate::process::ProcessError) -> Status {
    use crate::process::ProcessError as P;
    use crate::review::ReviewError as R;
    match e {
        P::BadRequest(_) | P::Invalid(_) => Status::invalid_argument(e.to_string()),
        P::UnknownCompany(_) => Status::not_found(e.to_string()),
        P::Read(inner) => read_error(&inner),
        P::Suggest(inner) => suggest_status(inner),
        P::Review(R::NotFound(_)) => Status::not_found(e.to_string()),
        P::Review(R::VersionConflict { .. }) => Status::aborted(e.to_string()),
        P::Review(R::WrongState { .. }) | P::NeedsEdit(_) => {
            Status::failed_precondition(e.to_string())
        }
        P::Policy(_) | P::Company(_) => Status::failed_precondition(e.to_string()),
        P::Review(_) | P::Task(_) => {
            tracing::error!(error = %e, "processing failed inside ledgerline");
            Status::internal(e.to_string())
        }
    }
}
