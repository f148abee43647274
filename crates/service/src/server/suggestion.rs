//! `ledgerline.v1.SuggestionService`: translates between protobuf and the [`suggest`] and
//! [`import`] stages.
//!
//! [`suggest`]: ledgerline_suggest::suggest
//! [`import`]: ledgerline_suggest::import

use std::sync::Arc;

use futures::StreamExt;
use rust_decimal::Decimal;
use tonic::{Request, Response, Status, Streaming};

use super::status::{import_status, suggest_status};
use crate::proto::v1::{self as pb, suggestion_service_server::SuggestionService};
use ledgerline_core::company::Field;
use ledgerline_core::history::{Date, HistoryRecord};
use ledgerline_suggest::import::import_history;
use ledgerline_suggest::suggest::{
    Candidate, LineQuery, MODEL_VERSION, Suggester, Suggestion as Coded,
};

/// Lines one IndexHistory stream may carry: the whole batch is validated before anything is
/// written, so it is held in memory; larger histories go in several streams.
const MAX_STREAM_LINES: usize = 200_000;

/// `ledgerline.v1.SuggestionService`.
pub struct Suggestion {
    pub suggester: Arc<Suggester>,
}

fn decimal(money: Option<&pb::Money>, what: &str) -> Result<Option<Decimal>, String> {
    match money.map(|m| m.amount.trim()).filter(|a| !a.is_empty()) {
        None => Ok(None),
        Some(text) => text
            .parse()
            .map(Some)
            .map_err(|_| format!("{what} {text:?} is not a decimal string like \"123.45\"")),
    }
}

fn pb_field(field: Field) -> pb::CodingField {
    match field {
        Field::Account => pb::CodingField::Account,
        Field::Department => pb::CodingField::Department,
        Field::Location => pb::CodingField::Location,
        Field::Project => pb::CodingField::Project,
        Field::Class => pb::CodingField::Class,
    }
}

fn coding(r: &HistoryRecord) -> pb::Coding {
    pb::Coding {
        account: r.account.clone(),
        department: r.department.clone().unwrap_or_default(),
        location: r.location.clone().unwrap_or_default(),
        project: r.project.clone().unwrap_or_default(),
        class_id: r.class.clone().unwrap_or_default(),
        vendor: r.vendor_id.clone().unwrap_or_default(),
        customer: r.customer.clone().unwrap_or_default(),
        custom: Default::default(),
    }
}

fn candidate(c: &Candidate, currency: &str) -> pb::Candidate {
    pb::Candidate {
        value: c.value.clone().unwrap_or_default(),
        label: c.label.clone(),
        confidence: c.confidence,
        precedents: c
            .precedents
            .iter()
            .map(|p| pb::Precedent {
                source_id: p.line.line_id.clone(),
                memo: p.line.memo.clone(),
                date: p.line.posting_date.to_string(),
                amount: Some(pb::Money {
                    amount: p.line.amount.to_string(),
                    currency: currency.to_string(),
                }),
                similarity: p.similarity,
                coding: Some(coding(&p.line)),
            })
            .collect(),
        reasons: c.reasons.clone(),
    }
}

fn response(s: &Coded, currency: &str) -> pb::SuggestResponse {
    let best = |f: Field| s.best(f).and_then(|c| c.value.clone()).unwrap_or_default();
    pb::SuggestResponse {
        best: Some(pb::Coding {
            account: best(Field::Account),
            department: best(Field::Department),
            location: best(Field::Location),
            project: best(Field::Project),
            class_id: best(Field::Class),
            ..Default::default()
        }),
        fields: s
            .fields
            .iter()
            .map(|f| pb::FieldSuggestion {
                field: pb_field(f.field) as i32,
                custom_name: String::new(),
                candidates: f
                    .candidates
                    .iter()
                    .map(|c| candidate(c, currency))
                    .collect(),
            })
            .collect(),
        model_version: MODEL_VERSION.to_string(),
    }
}

fn history_record(line: pb::HistoryLine) -> Result<HistoryRecord, String> {
    if line.line_id.trim().is_empty() {
        return Err("line_id is empty".into());
    }
    let company = line.company.unwrap_or_default();
    if company.company_id.trim().is_empty() {
        return Err("company.company_id is empty".into());
    }
    let coding = line.coding.unwrap_or_default();
    if coding.account.trim().is_empty() {
        return Err("coding.account is empty".into());
    }
    let amount = decimal(line.amount.as_ref(), "amount")?.ok_or("amount is missing")?;
    let date = Date::parse(&line.date).map_err(|e| e.to_string())?;
    let some = |s: String| Some(s).filter(|s| !s.trim().is_empty());
    Ok(HistoryRecord {
        line_id: line.line_id,
        company: company.company_id,
        entity: some(company.entity_id),
        posting_date: date,
        amount,
        memo: line.memo,
        vendor_id: some(coding.vendor),
        vendor_name: some(line.vendor_name),
        account: coding.account,
        department: some(coding.department),
        location: some(coding.location),
        project: some(coding.project),
        class: some(coding.class_id),
        customer: some(coding.customer),
        modified_at: line.modified_at,
    })
}

#[tonic::async_trait]
impl SuggestionService for Suggestion {
    async fn suggest(
        &self,
        request: Request<pb::SuggestRequest>,
    ) -> Result<Response<pb::SuggestResponse>, Status> {
        let r = request.into_inner();
        let company = r.company.unwrap_or_default();
        if company.company_id.trim().is_empty() {
            return Err(Status::invalid_argument(
                "company.company_id is required: name the books to learn from",
            ));
        }
        let amount = decimal(r.amount.as_ref(), "amount").map_err(Status::invalid_argument)?;
        let date = match r.date.trim() {
            "" => None,
            text => Some(Date::parse(text).map_err(|e| Status::invalid_argument(e.to_string()))?),
        };
        let currency = r.amount.map(|m| m.currency).unwrap_or_default();
        let query = LineQuery {
            company: company.company_id,
            entity: Some(company.entity_id).filter(|e| !e.is_empty()),
            description: r.description,
            vendor: Some(r.vendor).filter(|v| !v.trim().is_empty()),
            amount,
            date,
            max_candidates: if r.max_candidates == 0 {
                3
            } else {
                r.max_candidates.min(20) as usize
            },
        };
        let suggestion = self
            .suggester
            .suggest(&query)
            .await
            .map_err(suggest_status)?;
        Ok(Response::new(response(&suggestion, &currency)))
    }

    async fn index_history(
        &self,
        request: Request<Streaming<pb::HistoryLine>>,
    ) -> Result<Response<pb::IndexHistoryResponse>, Status> {
        let mut stream = request.into_inner();
        let (mut records, mut rejected) = (Vec::new(), Vec::new());
        let mut position = 0u64;
        while let Some(line) = stream.next().await {
            let line = line?;
            if records.len() + rejected.len() >= MAX_STREAM_LINES {
                return Err(Status::resource_exhausted(format!(
                    "a stream may carry at most {MAX_STREAM_LINES} lines; send the history in several streams"
                )));
            }
            let line_id = line.line_id.clone();
            match history_record(line) {
                Ok(r) => records.push(r),
                Err(message) => rejected.push(pb::RejectedLine {
                    position,
                    line_id,
                    message,
                }),
            }
            position += 1;
        }
        if !rejected.is_empty() {
            return Ok(Response::new(pb::IndexHistoryResponse {
                received: position,
                indexed: 0,
                unchanged: 0,
                rejected,
            }));
        }
        let s = &self.suggester;
        let (report, _) = import_history(
            records,
            s.embed_queue(),
            s.index().as_ref(),
            s.data_dir(),
            None,
            None,
        )
        .await
        .map_err(import_status)?;
        for company in &report.companies {
            s.refresh(company);
        }
        Ok(Response::new(pb::IndexHistoryResponse {
            received: position,
            indexed: report.indexed as u64,
            unchanged: 0,
            rejected: Vec::new(),
        }))
    }
}
