//! The embedded index: one Qdrant Edge shard on disk under the data directory, in process, with
//! no server. It survives restarts: opening an existing directory loads its segments and WAL.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use qdrant_edge::{
    Condition, CountRequest, CreateIndex, Distance, EdgeConfig, EdgeShard, EdgeVectorParams,
    FieldCondition, FieldIndexOperations, Filter, JsonPath, Match, NamedQuery, PayloadFieldSchema,
    PayloadSchemaType, PointId, PointInsertOperations, PointOperations, PointStruct,
    QuantizationConfig, QueryEnum, QueryRequest, ScalarQuantizationConfig, ScalarType,
    ScoringQuery, ScrollRequest, SearchParams, UpdateOperation, VectorInternal,
    VectorStructInternal, WithPayloadInterface, WithVector,
};

use super::payload::{from_payload, point_id, to_payload};
use super::{IndexError, IndexedLine, Neighbour, Page, Quantization, Query, VectorIndex};
use crate::embed::DIMENSIONS;

/// Qdrant Edge behind [`VectorIndex`]. Shard calls block, so each runs on the blocking pool.
#[derive(Clone)]
pub struct EdgeIndex {
    shard: Arc<EdgeShard>,
    path: PathBuf,
    /// Every search scans every vector (see [`EdgeIndex::exact`]).
    exact: bool,
}

fn op_err(e: impl std::fmt::Display) -> IndexError {
    IndexError::Operation(e.to_string())
}

fn key(name: &str) -> JsonPath {
    name.parse().expect("payload keys are plain identifiers")
}

/// Only points of `company` (and `entity`, when given).
pub(super) fn filter(company: &str, entity: Option<&str>) -> Filter {
    let mut must = vec![Condition::Field(FieldCondition::new_match(
        key("company"),
        Match::from(company.to_string()),
    ))];
    if let Some(entity) = entity {
        must.push(Condition::Field(FieldCondition::new_match(
            key("entity"),
            Match::from(entity.to_string()),
        )));
    }
    Filter {
        should: None,
        min_should: None,
        must: Some(must),
        must_not: None,
    }
}

/// int8 scalar quantisation held in RAM; the 0.99 quantile keeps a few outlying components
/// from stretching the scale of all the others.
fn int8() -> QuantizationConfig {
    QuantizationConfig::from(ScalarQuantizationConfig {
        r#type: ScalarType::Int8,
        quantile: Some(0.99),
        always_ram: Some(true),
    })
}

/// The dense vector of a scrolled record, named "" or unnamed.
fn dense(vector: Option<VectorStructInternal>) -> Option<Vec<f32>> {
    match vector? {
        VectorStructInternal::Single(v) => Some(v),
        VectorStructInternal::Named(mut named) => match named.remove("")? {
            VectorInternal::Dense(v) => Some(v),
            _ => None,
        },
        VectorStructInternal::MultiDense(_) => None,
    }
}

impl EdgeIndex {
    /// Opens the shard in `dir`, creating it (with its payload indexes) on first use.
    pub fn open(dir: &Path) -> Result<EdgeIndex, IndexError> {
        Self::open_with(dir, Quantization::None)
    }

    /// [`EdgeIndex::open`], creating a new shard with the given vector layout.
    pub fn open_with(dir: &Path, quantization: Quantization) -> Result<EdgeIndex, IndexError> {
        let open_err = |e: &dyn std::fmt::Display| IndexError::Open {
            path: dir.display().to_string(),
            message: e.to_string(),
        };
        std::fs::create_dir_all(dir).map_err(|e| open_err(&e))?;
        let exists = dir.join("edge_config.json").exists();
        let shard = if exists {
            EdgeShard::load(dir, None).map_err(|e| open_err(&e))?
        } else {
            let mut vector = EdgeVectorParams::builder(DIMENSIONS, Distance::Cosine);
            if quantization == Quantization::Int8 {
                vector = vector.on_disk(true).quantization_config(int8());
            }
            let config = EdgeConfig::builder().vector("", vector.build()).build();
            let shard = EdgeShard::new(dir, config).map_err(|e| open_err(&e))?;
            for field in ["company", "entity"] {
                shard
                    .update(UpdateOperation::FieldIndexOperation(
                        FieldIndexOperations::CreateIndex(CreateIndex {
                            field_name: key(field),
                            field_schema: Some(PayloadFieldSchema::FieldType(
                                PayloadSchemaType::Keyword,
                            )),
                        }),
                    ))
                    .map_err(|e| open_err(&e))?;
            }
            shard
        };
        Ok(EdgeIndex {
            shard: Arc::new(shard),
            path: dir.to_path_buf(),
            exact: false,
        })
    }

    /// Searches that scan every vector instead of walking the HNSW graph. The graph is built
    /// from a random seed, so among lines whose texts tie (a vendor's hundreds of identical
    /// names) each build finds other neighbours: an evaluation that must give the same figures
    /// on every run searches exactly, at the cost of time.
    pub fn exact(mut self) -> EdgeIndex {
        self.exact = true;
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&EdgeShard) -> Result<T, IndexError> + Send + 'static,
    ) -> Result<T, IndexError> {
        let shard = self.shard.clone();
        tokio::task::spawn_blocking(move || work(&shard))
            .await
            .map_err(op_err)?
    }
}

#[tonic::async_trait]
impl VectorIndex for EdgeIndex {
    async fn upsert(&self, lines: Vec<IndexedLine>) -> Result<usize, IndexError> {
        let n = lines.len();
        if n == 0 {
            return Ok(0);
        }
        self.blocking(move |shard| {
            let points = lines
                .into_iter()
                .map(|line| {
                    let id = point_id(&line.record.company, &line.record.line_id);
                    let payload = serde_json::Value::Object(to_payload(&line.record));
                    PointStruct::new(id, line.vector, payload).into()
                })
                .collect();
            shard
                .update(UpdateOperation::PointOperation(
                    PointOperations::UpsertPoints(PointInsertOperations::PointsList(points)),
                ))
                .map_err(op_err)
        })
        .await?;
        Ok(n)
    }

    async fn search(&self, query: Query) -> Result<Vec<Neighbour>, IndexError> {
        let params = self.exact.then(|| SearchParams {
            exact: true,
            ..SearchParams::default()
        });
        self.blocking(move |shard| {
            let request = QueryRequest {
                prefetches: vec![],
                query: Some(ScoringQuery::Vector(QueryEnum::Nearest(NamedQuery {
                    query: query.vector.into(),
                    using: None,
                }))),
                filter: Some(filter(&query.company, query.entity.as_deref())),
                score_threshold: None,
                limit: query.limit,
                offset: 0,
                params,
                with_vector: WithVector::Bool(false),
                with_payload: WithPayloadInterface::Bool(true),
            };
            let points = shard.query(request).map_err(op_err)?;
            points
                .into_iter()
                .map(|p| {
                    let payload = p
                        .payload
                        .ok_or_else(|| IndexError::Damaged("a point without payload".into()))?;
                    Ok(Neighbour {
                        similarity: p.score,
                        record: from_payload(&payload.0.into_iter().collect())?,
                    })
                })
                .collect()
        })
        .await
    }

    async fn count(&self, company: &str) -> Result<usize, IndexError> {
        let company = company.to_string();
        self.blocking(move |shard| {
            shard
                .count(CountRequest {
                    filter: Some(filter(&company, None)),
                    exact: true,
                })
                .map_err(op_err)
        })
        .await
    }

    async fn scroll(
        &self,
        company: &str,
        after: Option<u64>,
        limit: usize,
    ) -> Result<Page, IndexError> {
        let company = company.to_string();
        self.blocking(move |shard| {
            let (records, next) = shard
                .scroll(ScrollRequest {
                    offset: after.map(PointId::NumId),
                    limit: Some(limit.max(1)),
                    filter: Some(filter(&company, None)),
                    with_payload: Some(WithPayloadInterface::Bool(true)),
                    with_vector: WithVector::Bool(true),
                    order_by: None,
                })
                .map_err(op_err)?;
            let lines = records
                .into_iter()
                .map(|r| {
                    let payload = r
                        .payload
                        .ok_or_else(|| IndexError::Damaged("a point without payload".into()))?;
                    Ok(IndexedLine {
                        record: from_payload(&payload.0.into_iter().collect())?,
                        vector: dense(r.vector).ok_or_else(|| {
                            IndexError::Damaged("a point without its vector".into())
                        })?,
                    })
                })
                .collect::<Result<Vec<_>, IndexError>>()?;
            let next = match next {
                None => None,
                Some(PointId::NumId(id)) => Some(id),
                Some(other) => {
                    return Err(IndexError::Damaged(format!(
                        "point id {other:?} is not one this index writes"
                    )));
                }
            };
            Ok(Page { lines, next })
        })
        .await
    }

    fn describe(&self) -> String {
        format!("the embedded index at {}", self.path.display())
    }

    async fn optimize(&self) -> Result<(), IndexError> {
        self.blocking(|shard| shard.optimize().map(|_| ()).map_err(op_err))
            .await
    }
}
