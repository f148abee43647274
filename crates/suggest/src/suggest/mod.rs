//! Coding suggestions: for one line (description, vendor, amount, date), ranked candidates for
//! the GL account and every dimension, each with a calibrated confidence and the historical
//! lines that support it.
//!
//! [`Suggester`] ties the stages together: the description is embedded through the batching
//! [`EmbedQueue`], the nearest lines of the company come from the [`VectorIndex`], and
//! [`rank`] scores the candidates from those neighbours and the company's [`habits`] under its
//! [`Chart`] rules, with weights [`fit`] learnt from the company's latest period. Charts,
//! ledgers, rankers and calibrations live under `<data_dir>/companies/<company>/`.

pub mod boost;
pub mod calibrate;
pub mod fit;
pub mod habits;
pub mod rank;
mod vote;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use rust_decimal::Decimal;

pub use calibrate::Calibration;
pub use ledgerline_core::history::day_number;
pub use rank::{CompanyModel, Ranker, rank};
pub use vote::VoteParams;

use crate::embed::{EmbedError, EmbedQueue};
use crate::index::{IndexError, Query, VectorIndex};
use ledgerline_core::company::{Chart, CompanyError, Field};
use ledgerline_core::history::{Date, HistoryRecord};

/// Why a suggestion could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SuggestError {
    #[error(
        "company {0:?} has no history here; import it with `ledgerline history import` or the IndexHistory RPC first"
    )]
    UnknownCompany(String),
    #[error(
        "company {company:?} has no history in {index}; import it with `ledgerline history import --company {company} FILE` pointed at the same index (--qdrant-url / LEDGERLINE_QDRANT_URL), or check that this is the index you meant"
    )]
    NoHistory { company: String, index: String },
    #[error("the description is empty; send the line's text as printed on the document")]
    EmptyDescription,
    #[error(
        "reading the company's chart stopped unexpectedly ({0}); retry, and report it if it recurs"
    )]
    Interrupted(String),
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Embed(#[from] EmbedError),
    #[error(transparent)]
    Company(#[from] CompanyError),
}

/// One line to code.
#[derive(Debug, Clone, Default)]
pub struct LineQuery {
    pub company: String,
    pub entity: Option<String>,
    pub description: String,
    pub vendor: Option<String>,
    pub amount: Option<Decimal>,
    pub date: Option<Date>,
    pub max_candidates: usize,
}

/// A historical line supporting a candidate: the evidence a reviewer can check.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Precedent {
    /// Cosine similarity between the line's text and the request's.
    pub similarity: f32,
    pub line: HistoryRecord,
}

/// One candidate value; `None` means "leave the field empty".
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Candidate {
    pub value: Option<String>,
    pub label: String,
    /// The raw vote share.
    pub score: f32,
    /// Calibrated probability that this value is right.
    pub confidence: f32,
    pub precedents: Vec<Precedent>,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FieldSuggestion {
    pub field: Field,
    pub candidates: Vec<Candidate>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Suggestion {
    pub fields: Vec<FieldSuggestion>,
}

impl Suggestion {
    pub fn best(&self, field: Field) -> Option<&Candidate> {
        self.fields
            .iter()
            .find(|f| f.field == field)
            .and_then(|f| f.candidates.first())
    }

    /// The least confident of the fields' best candidates: a line may be posted without
    /// review only if every field is confident.
    pub fn joint_confidence(&self) -> f32 {
        self.fields
            .iter()
            .map(|f| f.candidates.first().map_or(1.0, |c| c.confidence))
            .fold(1.0, f32::min)
    }
}

/// The text a line is embedded as, the same at indexing and at query time.
pub fn embedding_text(vendor: Option<&str>, description: &str) -> String {
    let description = description.trim();
    match vendor.map(str::trim) {
        Some(v) if !v.is_empty() && !description.is_empty() && v != description => {
            format!("{v}: {description}")
        }
        Some(v) if !v.is_empty() => v.to_string(),
        _ => description.to_string(),
    }
}

/// Suggestions for every company this service holds history for.
pub struct Suggester {
    embed: EmbedQueue,
    index: Arc<dyn VectorIndex>,
    data_dir: PathBuf,
    params: VoteParams,
    companies: RwLock<HashMap<String, Arc<CompanyModel>>>,
    /// Companies whose ranker is being refitted in the background.
    refitting: Mutex<HashSet<String>>,
}

/// Lines learnt since the ranker's last fit that make it fit again: about an eighth of the
/// period a large company's fit replays, so the weights and the calibration follow the
/// reviewers' latest coding without refitting on every decision.
pub const REFIT_AFTER: usize = 500;

/// A company's mark in [`Suggester::refitting`], cleared when its background fit ends, however
/// it ends (a panic in the fit included), so that later lines can start another.
struct Refitting {
    suggester: Arc<Suggester>,
    company: String,
}

impl Drop for Refitting {
    fn drop(&mut self) {
        self.suggester
            .refitting
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&self.company);
    }
}

/// Identifies the embedding model and the vote in responses, for the audit log.
pub const MODEL_VERSION: &str = "all-MiniLM-L6-v2/ranker-2";

/// `<data_dir>/companies/<company>/calibration.json`.
pub fn calibration_path(data_dir: &Path, company: &str) -> Result<PathBuf, CompanyError> {
    Ok(Chart::path(data_dir, company)?.with_file_name("calibration.json"))
}

impl Suggester {
    pub fn new(embed: EmbedQueue, index: Arc<dyn VectorIndex>, data_dir: &Path) -> Suggester {
        Suggester {
            embed,
            index,
            data_dir: data_dir.to_path_buf(),
            params: VoteParams::default(),
            companies: RwLock::new(HashMap::new()),
            refitting: Mutex::new(HashSet::new()),
        }
    }

    pub fn index(&self) -> &Arc<dyn VectorIndex> {
        &self.index
    }

    pub fn embed_queue(&self) -> &EmbedQueue {
        &self.embed
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Forgets cached charts and calibrations, after an import or a new calibration.
    pub fn refresh(&self, company: &str) {
        self.companies
            .write()
            .expect("no panics while holding the lock")
            .remove(company);
    }

    /// Counts lines just learnt (a posted proposal's, already appended to the company's ledger)
    /// in the cached habits, so the next suggestion knows the vendor's latest coding without
    /// reading the whole ledger again. Once [`REFIT_AFTER`] lines have been learnt since the
    /// ranker was fitted, its weights and calibration are fitted again in the background from
    /// the ledger, which holds the learnt lines (see [`Suggester::refit`]). A company not
    /// cached has nothing to update: its next load reads the ledger.
    pub async fn learned(self: &Arc<Self>, company: &str, records: Vec<HistoryRecord>) {
        let cached = self
            .companies
            .write()
            .expect("no panics while holding the lock")
            .remove(company);
        let Some(mut model) = cached else { return };
        let counted = tokio::task::spawn_blocking(move || {
            // Copied only while a ranking still holds the old model.
            let habits = &mut Arc::make_mut(&mut model).habits;
            for record in &records {
                habits.add(record);
            }
            model
        })
        .await;
        let Ok(model) = counted else { return };
        let stale = model.habits.lines() >= model.ranker.history_lines + REFIT_AFTER;
        // A load from the ledger while this ran holds the lines too; either may stay.
        self.companies
            .write()
            .expect("no panics while holding the lock")
            .entry(company.to_string())
            .or_insert(model);
        if stale {
            self.refit(company);
        }
    }

    /// Fits the company's ranker and calibration again from its ledger, in the background,
    /// unless a fit is already running; the cached model is dropped when the fit is saved, so
    /// the next suggestion uses it. A failed fit keeps the old weights and is logged; the next
    /// lines learnt try again.
    pub fn refit(self: &Arc<Self>, company: &str) {
        let fresh = self
            .refitting
            .lock()
            .expect("no panics while holding the lock")
            .insert(company.to_string());
        if !fresh {
            return;
        }
        let (this, company) = (Arc::clone(self), company.to_string());
        tokio::spawn(async move {
            let _mark = Refitting {
                suggester: Arc::clone(&this),
                company: company.clone(),
            };
            let started = std::time::Instant::now();
            match fit::refit(&this.data_dir, &company, &this.embed, this.index.as_ref()).await {
                Ok(fitted) => {
                    this.refresh(&company);
                    tracing::info!(
                        company,
                        history_lines = fitted.ranker.history_lines,
                        fit_lines = fitted.fit_lines,
                        calibration_lines = fitted.calibration_lines,
                        seconds = started.elapsed().as_secs_f64(),
                        "ranker refitted after lines were learnt"
                    );
                }
                Err(e) => tracing::warn!(
                    company,
                    error = %e,
                    "refitting the ranker failed; the previous weights stay in use"
                ),
            }
        });
    }

    /// Whether a background refit of `company` is running. For health reports and tests.
    pub fn refitting(&self, company: &str) -> bool {
        self.refitting
            .lock()
            .expect("no panics while holding the lock")
            .contains(company)
    }

    /// How many history lines the cached habits of `company` count; None when it is not
    /// loaded. For health reports and tests.
    pub fn habit_lines(&self, company: &str) -> Option<usize> {
        self.companies
            .read()
            .expect("no panics while holding the lock")
            .get(company)
            .map(|m| m.habits.lines())
    }

    /// The company's chart, habits, ranker and calibration, read once (off the executor), after
    /// checking that the index holds its history: an empty index would code every line as
    /// "no account".
    async fn company(&self, company: &str) -> Result<Arc<CompanyModel>, SuggestError> {
        if let Some(state) = self
            .companies
            .read()
            .expect("no panics while holding the lock")
            .get(company)
        {
            return Ok(state.clone());
        }
        let path = Chart::path(&self.data_dir, company)
            .map_err(|_| SuggestError::UnknownCompany(company.to_string()))?;
        let calibration = calibration_path(&self.data_dir, company)?;
        let ranker = fit::ranker_path(&self.data_dir, company)?;
        let ledger = habits::ledger_path(&self.data_dir, company)?;
        let unknown = company.to_string();
        let model = tokio::task::spawn_blocking(move || {
            if !path.exists() {
                return Err(SuggestError::UnknownCompany(unknown));
            }
            Ok(CompanyModel {
                chart: Chart::load(&path)?,
                habits: habits::Habits::from_records(&habits::read_ledger(&ledger)?),
                ranker: Ranker::load(&ranker)?.unwrap_or_default(),
                calibration: Calibration::load(&calibration)?.unwrap_or_default(),
            })
        })
        .await
        .map_err(|e| SuggestError::Interrupted(e.to_string()))??;
        if self.index.count(company).await? == 0 {
            return Err(SuggestError::NoHistory {
                company: company.to_string(),
                index: self.index.describe(),
            });
        }
        let state = Arc::new(model);
        self.companies
            .write()
            .expect("no panics while holding the lock")
            .insert(company.to_string(), state.clone());
        Ok(state)
    }

    /// Ranked candidates for every field of one line.
    pub async fn suggest(&self, query: &LineQuery) -> Result<Suggestion, SuggestError> {
        if query.description.trim().is_empty() {
            return Err(SuggestError::EmptyDescription);
        }
        let state = self.company(&query.company).await?;
        let text = embedding_text(query.vendor.as_deref(), &query.description);
        let vector = self
            .embed
            .embed(vec![text])
            .await?
            .pop()
            .ok_or_else(|| EmbedError::Model("no vector came back".into()))?;
        self.rank(&state, query, vector).await
    }

    /// Suggestions for many lines, in order: their texts go to the embedder as one job, so a
    /// statement of thousands of lines takes one queue slot, not thousands. A line without
    /// words gets `EmptyDescription`; the others succeed or fail together.
    pub async fn suggest_many(
        &self,
        queries: &[LineQuery],
    ) -> Result<Vec<Result<Suggestion, SuggestError>>, SuggestError> {
        let mut states = HashMap::new();
        for query in queries.iter().filter(|q| !q.description.trim().is_empty()) {
            if !states.contains_key(&query.company) {
                states.insert(query.company.clone(), self.company(&query.company).await?);
            }
        }
        let texts: Vec<String> = queries
            .iter()
            .filter(|q| !q.description.trim().is_empty())
            .map(|q| embedding_text(q.vendor.as_deref(), &q.description))
            .collect();
        let expected = texts.len();
        let mut vectors = if texts.is_empty() {
            Vec::new()
        } else {
            self.embed.embed(texts).await?
        }
        .into_iter();
        if vectors.len() != expected {
            return Err(EmbedError::Model(format!(
                "{} vectors came back for {expected} lines",
                vectors.len()
            ))
            .into());
        }
        // Searches run a few at a time: one document must not monopolise the index.
        let mut results = Vec::with_capacity(queries.len());
        let mut work = queries.iter().map(|query| {
            let vector = if query.description.trim().is_empty() {
                None
            } else {
                vectors.next()
            };
            (query, vector, states.get(&query.company).cloned())
        });
        loop {
            let chunk: Vec<_> = work.by_ref().take(8).collect();
            if chunk.is_empty() {
                break;
            }
            let searches = chunk.into_iter().map(|(query, vector, state)| async move {
                match (vector, state) {
                    (Some(vector), Some(state)) => self.rank(&state, query, vector).await,
                    _ => Err(SuggestError::EmptyDescription),
                }
            });
            results.extend(futures::future::join_all(searches).await);
        }
        Ok(results)
    }

    async fn rank(
        &self,
        state: &CompanyModel,
        query: &LineQuery,
        vector: Vec<f32>,
    ) -> Result<Suggestion, SuggestError> {
        let neighbours = self
            .index
            .search(Query {
                company: query.company.clone(),
                entity: query.entity.clone(),
                vector,
                limit: self.params.k,
            })
            .await?;
        Ok(rank(state, &self.params, query, &neighbours))
    }
}
