//! `ledgerline.v1.ExtractionService`: reading runs on blocking threads (the models are CPU
//! bound), at most a few documents at once; a caller over that limit waits for a permit rather
//! than piling work onto the cores.

use std::collections::HashSet;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;

use futures::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;
use tonic::{Request, Response, Status, Streaming};

use super::admission::Admission;
use super::convert;
use super::status::read_error;
use crate::proto::v1::{self as pb, extraction_service_server::ExtractionService};
use ledgerline_read::decode::MediaType;
use ledgerline_read::read::Reader;

type ResponseStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send>>;

/// The extraction service.
pub struct Extraction {
    reader: Arc<Reader>,
    /// Where company charts live: a company without one is not set up here.
    data_dir: Arc<Path>,
    admission: Admission,
    permits: Arc<Semaphore>,
    /// Documents one ExtractStream works on at once.
    stream_concurrency: usize,
}

impl Extraction {
    /// `permits` are the reading slots shared with document processing.
    pub fn new(
        reader: Arc<Reader>,
        data_dir: &Path,
        permits: Arc<Semaphore>,
        admission: Admission,
        max_concurrent_documents: usize,
    ) -> Self {
        let stream_concurrency = max_concurrent_documents.max(1);
        Extraction {
            reader,
            data_dir: Arc::from(data_dir),
            admission,
            permits,
            stream_concurrency,
        }
    }
}

/// Validates the request, reads and extracts the document.
async fn extract_one(
    reader: Arc<Reader>,
    permits: Arc<Semaphore>,
    data_dir: Arc<Path>,
    admission: Admission,
    request: pb::ExtractRequest,
) -> Result<pb::ExtractResponse, Status> {
    let document = request.document.ok_or_else(|| {
        Status::invalid_argument("the request has no document; set ExtractRequest.document")
    })?;
    let company = request.company.unwrap_or_default();
    if company.company_id.trim().is_empty() {
        return Err(Status::invalid_argument("company.company_id is required"));
    }
    known_company(data_dir, company.company_id.clone()).await?;
    let media = MediaType::parse(&document.media_type)
        .map_err(|e| Status::invalid_argument(e.to_string()))?;
    if document.content.is_empty() {
        return Err(Status::invalid_argument("the document is empty (0 bytes)"));
    }
    let options = request.options.unwrap_or_default();
    // Held until the document is read: what waits for a reading slot counts against the budget.
    let _admitted = admission.admit(document.content.len())?;
    let document_id = hex::encode(Sha256::digest(&document.content));
    let _permit = permits
        .acquire_owned()
        .await
        .map_err(|_| Status::unavailable("the server is shutting down"))?;
    let span = tracing::info_span!("extract", document = %document_id, external_id = %document.external_id);
    let result = tokio::task::spawn_blocking(move || {
        let _entered = span.enter();
        // The request's own options: its PDF password, OCR forced, a render resolution.
        let mut decode = reader.decode_options().clone();
        if !document.password.is_empty() {
            decode.password = Some(document.password.clone());
        }
        decode.force_ocr |= options.force_ocr;
        if options.render_dpi > 0 {
            decode.render_dpi = (options.render_dpi as f32).clamp(72.0, 600.0);
        }
        let understood = reader.understand_with(&document.content, media, &decode)?;
        let (pages, extraction) = (understood.pages, understood.extraction);
        tracing::info!(pages = pages.len(), kind = ?extraction.kind, einvoice = understood.einvoice.is_some(), "extracted");
        Ok::<_, ledgerline_read::read::ReadError>(convert::extraction(
            document_id,
            document.external_id,
            &pages,
            &extraction,
            options.include_words,
            reader.backend().describe(),
        ))
    })
    .await
    .map_err(|e| Status::internal(format!("extraction task failed: {e}")))?;
    result.map_err(|e| read_error(&e))
}

/// NOT_FOUND unless the company is set up here (its chart was installed by a history import),
/// as `extraction.proto` promises: a typo in a company id must not pass unnoticed.
async fn known_company(data_dir: Arc<Path>, company: String) -> Result<(), Status> {
    tokio::task::spawn_blocking(move || {
        let path = ledgerline_core::company::Chart::path(&data_dir, &company)
            .map_err(|e| Status::invalid_argument(e.to_string()))?;
        if path.exists() {
            Ok(())
        } else {
            Err(Status::not_found(format!(
                "company {company:?} is not set up on this server; import its history with `ledgerline history import` or the IndexHistory RPC, or check the company id"
            )))
        }
    })
    .await
    .map_err(|e| Status::internal(format!("the company check failed: {e}")))?
}

#[tonic::async_trait]
impl ExtractionService for Extraction {
    async fn extract(
        &self,
        request: Request<pb::ExtractRequest>,
    ) -> Result<Response<pb::ExtractResponse>, Status> {
        extract_one(
            self.reader.clone(),
            self.permits.clone(),
            self.data_dir.clone(),
            self.admission.clone(),
            request.into_inner(),
        )
        .await
        .map(Response::new)
    }

    type ExtractStreamStream = ResponseStream<pb::ExtractStreamResponse>;

    async fn extract_stream(
        &self,
        request: Request<Streaming<pb::ExtractStreamRequest>>,
    ) -> Result<Response<Self::ExtractStreamStream>, Status> {
        let reader = self.reader.clone();
        let permits = self.permits.clone();
        let data_dir = self.data_dir.clone();
        let admission = self.admission.clone();
        let mut seen = HashSet::new();
        // buffer_unordered pulls at most `concurrency` documents off the wire at a time, so
        // memory stays bounded and HTTP/2 flow control holds the client back.
        let results = request
            .into_inner()
            .map(move |item| {
                let (reader, permits, data_dir, admission) = (
                    reader.clone(),
                    permits.clone(),
                    data_dir.clone(),
                    admission.clone(),
                );
                let duplicate = item
                    .as_ref()
                    .is_ok_and(|i| !seen.insert(i.request_id.clone()));
                async move {
                    let item = item?;
                    let id = item.request_id.clone();
                    let outcome = if duplicate {
                        Err(Status::invalid_argument(format!(
                            "request_id {id:?} was already used on this stream"
                        )))
                    } else {
                        match item.request {
                            Some(r) => extract_one(reader, permits, data_dir, admission, r).await,
                            None => Err(Status::invalid_argument("the item has no request")),
                        }
                    };
                    let outcome = match outcome {
                        Ok(result) => pb::extract_stream_response::Outcome::Result(result),
                        Err(status) => pb::extract_stream_response::Outcome::Error(pb::ItemError {
                            code: status.code() as i32,
                            message: status.message().to_string(),
                        }),
                    };
                    Ok(pb::ExtractStreamResponse {
                        request_id: id,
                        outcome: Some(outcome),
                    })
                }
            })
            .buffer_unordered(self.stream_concurrency);
        Ok(Response::new(Box::pin(results)))
    }
}
