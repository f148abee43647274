//! The pipeline built one way from the resolved configuration, so that `serve` and a local
//! `batch` read, suggest, queue and post alike: the same reader options, the same index (the
//! configured server or the embedded one, with its quantisation), the same review store.

use std::sync::Arc;

use ledgerline_models::{Manifest, ModelCache};
use ledgerline_read::read::{ReadError, Reader, ReaderOptions};
use ledgerline_read::runtime::NativeRuntime;
use ledgerline_suggest::embed::{EmbedError, EmbedQueue, Embedder, QueueParams};
use ledgerline_suggest::index::IndexError;
use ledgerline_suggest::suggest::Suggester;

use super::{Pipeline, Writer};
use crate::config::ServeConfig;
use crate::review::{ReviewError, Store};

/// Why the pipeline's stages could not be built.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("the reading models could not be loaded: {0}")]
    Models(#[from] ReadError),
    #[error(transparent)]
    Embed(#[from] EmbedError),
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Review(#[from] ReviewError),
}

/// The stages a process holds once: the pipeline, and the reader and suggester it shares with
/// the services that only read or only suggest.
pub struct Stages {
    pub reader: Arc<Reader>,
    pub suggester: Arc<Suggester>,
    pub pipeline: Arc<Pipeline>,
}

/// Loads the models, opens the index and the review store, and builds the pipeline.
pub fn open(
    config: &ServeConfig,
    runtime: Arc<NativeRuntime>,
    writer: Option<Writer>,
) -> Result<Stages, OpenError> {
    let cache = ModelCache::new(config.models_dir.clone(), Manifest::embedded());
    let reader = Arc::new(Reader::new(
        runtime,
        &cache,
        ReaderOptions {
            backend: config.backend,
            ..Default::default()
        },
    )?);
    let embed = EmbedQueue::start(Embedder::from_cache(&cache)?, QueueParams::default());
    let index = ledgerline_suggest::index::open(
        &config.data_dir,
        config.qdrant_url.as_deref(),
        config.index_quantization,
    )?;
    tracing::info!(index = %index.describe(), "suggesting from");
    let suggester = Arc::new(Suggester::new(embed, index, &config.data_dir));
    let store = Arc::new(Store::open(&config.database())?);
    let pipeline = Arc::new(Pipeline::new(
        reader.clone(),
        suggester.clone(),
        store,
        writer,
        config.limits.max_concurrent_documents,
    ));
    Ok(Stages {
        reader,
        suggester,
        pipeline,
    })
}
