//! The one place where ledgerline's errors become gRPC statuses.

use tonic::Status;

use ledgerline_core::company::CompanyError;
use ledgerline_suggest::embed::EmbedError;
use ledgerline_suggest::import::ImportError;
use ledgerline_suggest::index::IndexError;
use ledgerline_suggest::suggest::SuggestError;

/// A failure inside the server: the client gets what failed and a reference, never the error
/// itself (it can hold file paths of the data directory, or a library's debug output); the log
/// gets the whole error under the same reference.
fn internal(what: &str, error: &dyn std::fmt::Display) -> Status {
    use sha2::Digest;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let reference = hex::encode(&sha2::Sha256::digest(format!("{error}{nanos}"))[..4]);
    tracing::error!(%reference, %error, "{what} failed inside ledgerline");
    Status::internal(format!(
        "{what} failed inside ledgerline (reference {reference}); the server's log has the details under that reference"
    ))
}

/// How a document that could not be read is answered.
pub fn read_error(error: &ledgerline_read::read::ReadError) -> Status {
    use ledgerline_read::decode::DecodeError as D;
    use ledgerline_read::read::ReadError as R;
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
            ledgerline_read::einvoice::EInvoiceError::TooLarge { .. }
            | ledgerline_read::einvoice::EInvoiceError::AttachmentTooLarge { .. }
            | ledgerline_read::einvoice::EInvoiceError::Limit(_),
        ) => Status::resource_exhausted(error.to_string()),
        R::EInvoice(_) => Status::invalid_argument(error.to_string()),
        R::Panicked(_) | R::Ocr(_) | R::Layout(_) | R::Backend(_) => {
            internal("reading the document", error)
        }
    }
}

fn index_status(e: &IndexError) -> Status {
    match e {
        IndexError::Unavailable { attempts, .. } => {
            // Where the index lives is for the operator's log, not for callers.
            tracing::error!(error = %e, "the history index is unavailable");
            Status::unavailable(format!(
                "the history index cannot be reached after {attempts} attempts; retry with backoff"
            ))
        }
        _ => internal("the history index", e),
    }
}

fn embed_status(e: &EmbedError) -> Status {
    match e {
        EmbedError::Overloaded => Status::resource_exhausted(e.to_string()),
        EmbedError::Stopped => Status::unavailable(e.to_string()),
        _ => internal("embedding the text", e),
    }
}

/// Suggestion errors: an unknown company is NOT_FOUND, an empty description INVALID_ARGUMENT, an
/// index that cannot be reached UNAVAILABLE (the caller may retry).
pub fn suggest_status(e: SuggestError) -> Status {
    match &e {
        SuggestError::UnknownCompany(_) | SuggestError::NoHistory { .. } => {
            Status::not_found(e.to_string())
        }
        SuggestError::Interrupted(_) => internal("suggesting", &e),
        SuggestError::EmptyDescription => Status::invalid_argument(e.to_string()),
        SuggestError::Index(inner) => index_status(inner),
        SuggestError::Embed(inner) => embed_status(inner),
        SuggestError::Company(CompanyError::BadId(_)) => Status::invalid_argument(e.to_string()),
        SuggestError::Company(_) => internal("reading the company's chart", &e),
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
        _ => internal("importing the history", &e),
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
        P::Policy(_) | P::Company(_) => {
            let reference = internal("reading the company's set-up", &e);
            Status::failed_precondition(format!(
                "the company's chart or routing policy cannot be read; an administrator can fix it \
                 ({})",
                reference.message()
            ))
        }
        P::Review(_) | P::Task(_) => internal("processing", &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_inside_the_server_reach_clients_without_paths_or_internals() {
        let e = crate::process::ProcessError::Company(CompanyError::Io {
            path: "/srv/ledgerline-data/companies/ACME/chart.json".into(),
            source: std::io::Error::other("permission denied"),
        });
        let status = process_status(e);
        assert_eq!(status.code(), tonic::Code::FailedPrecondition);
        assert!(!status.message().contains("/srv"), "{}", status.message());
        assert!(
            status.message().contains("reference "),
            "{}",
            status.message()
        );
        let e =
            crate::process::ProcessError::Task("thread panicked at src/x.rs:1\nbacktrace".into());
        let status = process_status(e);
        assert_eq!(status.code(), tonic::Code::Internal);
        assert!(!status.message().contains('\n'), "{}", status.message());
        assert!(
            !status.message().contains("src/x.rs"),
            "{}",
            status.message()
        );
    }
}
