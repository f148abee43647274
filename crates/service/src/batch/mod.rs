//! Clearing a backlog: every document of a folder or a manifest through the pipeline, a few at
//! a time, in this process or against running servers ([`remote`]). Results go to a JSON-lines file, one
//! line per document, written as each finishes; started again after a crash or a kill, the
//! batch skips what the file already reports and the pipeline's idempotency does the rest, so
//! every document is processed, reported and posted exactly once.

use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures::StreamExt;
use serde::{Deserialize, Serialize};

use crate::process::{DocumentInput, Pipeline};
use crate::propose::Kind;
use crate::proto::v1 as pb;
use ledgerline_read::decode::MediaType;

pub mod remote;

/// Why a batch could not run (a single bad document is not an error: it is reported).
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error("cannot read {path}: {source}; check the path")]
    Input {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} line {line}: {message}")]
    Manifest {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{0} holds no PDF, PNG, JPEG or TIFF documents")]
    Empty(PathBuf),
    #[error("the server refused the batch: {0}")]
    Refused(String),
    #[error("cannot write the results file {path}: {source}; check its directory and disk space")]
    Output {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// One document to process.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub path: PathBuf,
    /// Reported back and recorded in the audit log; unique within the batch.
    pub external_id: String,
    pub media_type: MediaType,
}

#[derive(Deserialize)]
struct ManifestLine {
    path: PathBuf,
    external_id: Option<String>,
    media_type: Option<String>,
}

/// The documents of a folder (sorted, not recursive), or of a manifest: one path per line, or
/// JSON lines `{"path": ..., "external_id": ..., "media_type": ...}`, relative to the manifest.
/// A document's external id is its file name unless the manifest names one.
pub fn discover(input: &Path) -> Result<Vec<Item>, BatchError> {
    let io = |source| BatchError::Input {
        path: input.to_path_buf(),
        source,
    };
    let mut items = Vec::new();
    if input.is_dir() {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(input)
            .map_err(io)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && MediaType::from_extension(p).is_some())
            .collect();
        paths.sort();
        for path in paths {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            items.push(Item {
                media_type: MediaType::from_extension(&path).expect("filtered above"),
                external_id: name,
                path,
            });
        }
    } else {
        let text = std::fs::read_to_string(input).map_err(io)?;
        let base = input.parent().unwrap_or(Path::new("."));
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = |message: String| BatchError::Manifest {
                path: input.to_path_buf(),
                line: n + 1,
                message,
            };
            let entry = if line.starts_with('{') {
                serde_json::from_str::<ManifestLine>(line)
                    .map_err(|e| bad(format!("{e}; expected {{\"path\": \"...\"}}")))?
            } else {
                ManifestLine {
                    path: PathBuf::from(line),
                    external_id: None,
                    media_type: None,
                }
            };
            let path = base.join(&entry.path);
            let media_type = match &entry.media_type {
                Some(m) => MediaType::parse(m).map_err(|e| bad(e.to_string()))?,
                None => MediaType::from_extension(&path).ok_or_else(|| {
                    bad(format!(
                        "cannot tell the media type of {}; add \"media_type\"",
                        entry.path.display()
                    ))
                })?,
            };
            let external_id = match entry.external_id {
                Some(id) => id,
                None => path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .ok_or_else(|| bad("the line names no file".into()))?,
            };
            if items.iter().any(|i: &Item| i.external_id == external_id) {
                return Err(bad(format!(
                    "a second document is called {external_id:?}; give each an \"external_id\""
                )));
            }
            items.push(Item {
                external_id,
                path,
                media_type,
            });
        }
    }
    let mut seen = HashSet::new();
    items.retain(|i| seen.insert(i.external_id.clone()));
    if items.is_empty() {
        return Err(BatchError::Empty(input.to_path_buf()));
    }
    Ok(items)
}

/// What happened to one document: one line of the results file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub external_id: String,
    pub path: String,
    pub document_id: String,
    pub proposal_id: String,
    /// pending, posted, failed, rejected, ... or "error" when the document could not be processed.
    pub state: String,
    pub record_no: String,
    pub reasons: Vec<String>,
    pub replayed: bool,
    pub error: String,
}

/// Where documents are sent.
pub enum Target {
    /// This process runs the pipeline.
    Local(Arc<Pipeline>),
    /// Running ledgerline servers (replicas of one service), with an optional API token.
    Remote {
        servers: Vec<remote::Server>,
        token: Option<String>,
    },
}

/// How to run a batch.
#[derive(Debug, Clone)]
pub struct Options {
    pub company: String,
    pub entity: Option<String>,
    pub kind: Option<Kind>,
    pub concurrency: usize,
    pub out: PathBuf,
    pub dry_run: bool,
}

/// Counts and reasons over the whole results file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub states: BTreeMap<String, usize>,
    /// Why documents wait for review, by how often.
    pub review_reasons: BTreeMap<String, usize>,
    pub errors: Vec<(String, String)>,
    /// Posted documents and their Intacct record numbers.
    pub posted: Vec<(String, String)>,
    /// Documents waiting for review and the first reason why.
    pub pending: Vec<(String, String)>,
    /// Documents skipped because an earlier run reported them.
    pub resumed: usize,
}

impl Summary {
    fn add(&mut self, r: &Record) {
        *self.states.entry(r.state.clone()).or_default() += 1;
        if r.state == "pending" {
            let classes: std::collections::BTreeSet<String> = r
                .reasons
                .iter()
                .map(|reason| reason_class(reason))
                .collect();
            for class in classes {
                *self.review_reasons.entry(class).or_default() += 1;
            }
            self.pending.push((
                r.external_id.clone(),
                r.reasons.first().cloned().unwrap_or_default(),
            ));
        }
        if r.state == "posted" {
            self.posted
                .push((r.external_id.clone(), r.record_no.clone()));
        }
        if r.state == "error" || r.state == "failed" {
            self.errors.push((r.external_id.clone(), r.error.clone()));
        }
    }

    /// Documents that could not be processed or posted.
    pub fn failures(&self) -> usize {
        self.errors.len()
    }
}

/// A reason with its particulars (line numbers, amounts, values) taken out, so that reasons of
/// the same kind are counted together.
fn reason_class(reason: &str) -> String {
    // "line 3: location LON has confidence 0.52, below 0.80" -> "low confidence in location"
    if let Some((head, _)) = reason.split_once(" has confidence ") {
        let field = head
            .split_once(": ")
            .map_or(head, |(_, rest)| rest)
            .split(' ')
            .next()
            .unwrap_or("");
        return format!("a line's {field} is below the policy's confidence floor");
    }
    let mut out = String::new();
    let mut in_number = false;
    for c in reason.chars() {
        if c.is_ascii_digit() || (in_number && (c == '.' || c == ',')) {
            if !in_number {
                out.push('#');
            }
            in_number = true;
        } else {
            in_number = false;
            out.push(c);
        }
    }
    out
}

/// Reads the results of an earlier run and opens the file for appending. Kept: every complete
/// line of a document that was processed. Dropped: a last line a kill cut short, and documents
/// that could not be processed, which this run tries again (the file is rewritten without them
/// first, so each document still ends up with one line).
fn resume(out: &Path) -> Result<(Vec<Record>, std::fs::File), BatchError> {
    let fail = |source| BatchError::Output {
        path: out.to_path_buf(),
        source,
    };
    let mut done = Vec::new();
    let mut dropped = false;
    if out.exists() {
        let file = std::fs::File::open(out).map_err(fail)?;
        let mut reader = std::io::BufReader::new(file);
        let mut line = String::new();
        loop {
            line.clear();
            let n = reader.read_line(&mut line).map_err(fail)?;
            if n == 0 {
                break;
            }
            match serde_json::from_str::<Record>(line.trim_end()) {
                Ok(r) if line.ends_with('\n') && r.state != "error" => done.push(r),
                _ => dropped = true,
            }
        }
    }
    if dropped {
        let rewritten = out.with_extension("rewrite");
        let mut text = String::new();
        for r in &done {
            text.push_str(&serde_json::to_string(r).expect("records serialise"));
            text.push('\n');
        }
        std::fs::write(&rewritten, text).map_err(fail)?;
        std::fs::rename(&rewritten, out).map_err(fail)?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(out)
        .map_err(fail)?;
    Ok((done, file))
}

/// Processes one document. A problem with the document is reported in its record; only a
/// server that refuses the batch itself (bad token, wrong role) stops the run.
async fn process_one(
    target: &Target,
    index: usize,
    item: &Item,
    options: &Options,
) -> Result<Record, BatchError> {
    let mut record = Record {
        external_id: item.external_id.clone(),
        path: item.path.to_string_lossy().into_owned(),
        ..Record::default()
    };
    let fail = |mut record: Record, error: String| {
        record.state = "error".into();
        record.error = error;
        Ok(record)
    };
    let content = match tokio::fs::read(&item.path).await {
        Ok(c) => c,
        Err(e) => return fail(record, format!("cannot read the file: {e}")),
    };
    // An e-invoice is XML whatever its file is called.
    let media_type = match MediaType::sniff(&content) {
        Some(MediaType::Xml) => MediaType::Xml,
        _ => item.media_type,
    };
    let proposal = match target {
        Target::Local(pipeline) => {
            match pipeline
                .process(DocumentInput {
                    content,
                    media_type,
                    external_id: item.external_id.clone(),
                    company: options.company.clone(),
                    entity: options.entity.clone(),
                    kind: options.kind,
                    dry_run: options.dry_run,
                })
                .await
            {
                Ok(outcome) => {
                    record.replayed = outcome.replayed;
                    crate::server::services::proposal_to_pb(&outcome.proposal)
                }
                Err(e) => return fail(record, e.to_string()),
            }
        }
        Target::Remote { servers, token } => {
            let request = pb::ProcessDocumentRequest {
                document: Some(pb::Document {
                    content,
                    media_type: media_type.mime().to_string(),
                    external_id: item.external_id.clone(),
                    password: String::new(),
                }),
                company: Some(pb::CompanyRef {
                    company_id: options.company.clone(),
                    entity_id: options.entity.clone().unwrap_or_default(),
                }),
                kind: match options.kind {
                    None => pb::ProposalKind::Unspecified,
                    Some(Kind::ApBill) => pb::ProposalKind::ApBill,
                    Some(Kind::JournalEntry) => pb::ProposalKind::JournalEntry,
                } as i32,
                dry_run: options.dry_run,
            };
            let authorization = match token.as_ref().map(|t| format!("Bearer {t}").parse()) {
                None => None,
                Some(Ok(value)) => Some(value),
                Some(Err(_)) => {
                    return fail(
                        record,
                        "the API token has characters a header cannot carry".into(),
                    );
                }
            };
            match remote::send(servers, index, &request, authorization.as_ref()).await {
                Ok(response) => {
                    record.replayed = response.replayed;
                    response.proposal.unwrap_or_default()
                }
                Err(status)
                    if matches!(
                        status.code(),
                        tonic::Code::Unauthenticated | tonic::Code::PermissionDenied
                    ) =>
                {
                    return Err(BatchError::Refused(format!(
                        "{:?}: {}; pass an ingest token with --token or LEDGERLINE_TOKEN",
                        status.code(),
                        status.message()
                    )));
                }
                Err(status) => {
                    return fail(record, format!("{:?}: {}", status.code(), status.message()));
                }
            }
        }
    };
    record.document_id = proposal.document_id.clone();
    record.proposal_id = proposal.proposal_id.clone();
    record.state = match pb::ProposalState::try_from(proposal.state).unwrap_or_default() {
        pb::ProposalState::Unspecified => "proposed",
        pb::ProposalState::Pending => "pending",
        pb::ProposalState::Approved => "approved",
        pb::ProposalState::Edited => "edited",
        pb::ProposalState::Rejected => "rejected",
        pb::ProposalState::Posted => "posted",
        pb::ProposalState::Failed => "failed",
    }
    .to_string();
    record.reasons = proposal.routing.map(|r| r.reasons).unwrap_or_default();
    if let Some(posting) = proposal.posting {
        record.record_no = posting.record_no;
        record.error = posting.error;
    }
    Ok(record)
}

/// Runs the batch: what the results file already reports is skipped, the rest is processed
/// `concurrency` at a time and appended as each document finishes.
pub async fn run(
    items: Vec<Item>,
    target: &Target,
    options: &Options,
    progress: &indicatif::ProgressBar,
) -> Result<Summary, BatchError> {
    let (done, mut file) = resume(&options.out)?;
    let mut summary = Summary::default();
    let reported: HashSet<String> = done.iter().map(|r| r.external_id.clone()).collect();
    for r in &done {
        summary.add(r);
    }
    let todo: Vec<Item> = items
        .into_iter()
        .filter(|i| !reported.contains(&i.external_id))
        .collect();
    summary.resumed = reported.len();
    progress.set_length((todo.len() + reported.len()) as u64);
    progress.set_position(reported.len() as u64);
    progress.reset_eta();
    let mut results = futures::stream::iter(todo.iter().enumerate())
        .map(|(index, item)| process_one(target, index, item, options))
        .buffer_unordered(options.concurrency.max(1));
    while let Some(record) = results.next().await {
        let record = record?;
        let mut line = serde_json::to_string(&record).expect("records serialise");
        line.push('\n');
        // One write per line: a kill leaves at most a cut last line, which resume drops.
        file.write_all(line.as_bytes())
            .and_then(|()| file.flush())
            .map_err(|source| BatchError::Output {
                path: options.out.clone(),
                source,
            })?;
        tracing::info!(
            document = %record.external_id,
            state = %record.state,
            replayed = record.replayed,
            "processed"
        );
        summary.add(&record);
        progress.inc(1);
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_last_line_and_failed_documents_are_dropped_and_the_rest_kept() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("r.jsonl");
        let r = Record {
            external_id: "a.pdf".into(),
            state: "posted".into(),
            ..Record::default()
        };
        let failed = Record {
            external_id: "c.pdf".into(),
            state: "error".into(),
            error: "cannot read the file".into(),
            ..Record::default()
        };
        let mut text = String::new();
        for record in [&failed, &r] {
            text.push_str(&serde_json::to_string(record).unwrap());
            text.push('\n');
        }
        text.push_str("{\"external_id\":\"b.p");
        std::fs::write(&out, &text).unwrap();
        let (done, _file) = resume(&out).unwrap();
        assert_eq!(done, vec![r.clone()]);
        // The failed document will be tried again; the file holds only what stays done.
        let left = std::fs::read_to_string(&out).unwrap();
        assert_eq!(left, format!("{}\n", serde_json::to_string(&r).unwrap()));
    }

    #[test]
    fn manifests_take_paths_or_json_and_refuse_unknown_types() {
        let dir = tempfile::tempdir().unwrap();
        let m = dir.path().join("m.txt");
        std::fs::write(
            &m,
            "# backlog\na.pdf\n{\"path\": \"b.png\", \"external_id\": \"B\"}\n",
        )
        .unwrap();
        let items = discover(&m).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].external_id, "B");
        assert_eq!(items[1].media_type, MediaType::Png);
        std::fs::write(&m, "notes.docx\n").unwrap();
        let e = discover(&m).unwrap_err().to_string();
        assert!(e.contains("line 1") && e.contains("media type"), "{e}");
    }

    #[test]
    fn reasons_of_a_kind_count_together() {
        assert_eq!(
            reason_class("line 3: account 6010 has confidence 0.42, below 0.90"),
            reason_class("line 12: account 6110 has confidence 0.71, below 0.90")
        );
        assert_ne!(
            reason_class("line 3: account 6010 has confidence 0.42, below 0.90"),
            reason_class("line 3: location LON has confidence 0.42, below 0.80")
        );
        assert_eq!(
            reason_class("total 120000.00 USD is above the review threshold 100000.00"),
            reason_class("total 250310.12 USD is above the review threshold 100000.00")
        );
    }
}
