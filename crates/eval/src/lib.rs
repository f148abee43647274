//! Evaluation: accuracy of each stage against the ground truth of a generated corpus, printed
//! by `ledgerline eval ...`. Tests guard floors below the figures these commands measure.

pub mod baseline;
pub mod einvoice;
pub mod extract;
pub mod latency;
pub mod ocr;
pub mod oxford;
pub mod real;
pub mod suggest;
pub mod throughput;

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::DeserializeOwned;

use ledgerline_core::page::Page;
/// The OCR evaluation's character errors and the fuzzy matches share extraction's distance.
pub use ledgerline_extract::edit_distance;
use ledgerline_read::decode::MediaType;
use ledgerline_read::read::Reader;

/// The files of one generated document, per variant.
#[derive(Debug, Clone, Deserialize)]
pub struct Variants {
    pub text_pdf: String,
    pub scanned_pdf: String,
    pub png: Vec<String>,
    pub jpeg: Vec<String>,
}

/// Reads one variant of a document (every page file of it, in order). Returns the pages read
/// and, when a file could not be read, why.
pub fn read_variant(
    reader: &Reader,
    dir: &Path,
    variants: &Variants,
    name: &str,
) -> (Vec<Page>, Option<String>) {
    let files: Vec<PathBuf> = match name {
        "text_pdf" => vec![dir.join(&variants.text_pdf)],
        "scanned_pdf" => vec![dir.join(&variants.scanned_pdf)],
        "png" => variants.png.iter().map(|f| dir.join(f)).collect(),
        _ => variants.jpeg.iter().map(|f| dir.join(f)).collect(),
    };
    let mut pages = Vec::new();
    let mut failed = None;
    for file in &files {
        let read = std::fs::read(file)
            .map_err(|e| e.to_string())
            .and_then(|bytes| {
                let media = MediaType::from_extension(file)
                    .ok_or_else(|| "unknown extension".to_string())?;
                reader.read(&bytes, media).map_err(|e| e.to_string())
            });
        match read {
            Ok(p) => pages.extend(p),
            Err(e) => failed = Some(e),
        }
    }
    (pages, failed)
}

/// Loads every ground-truth JSON file of a corpus directory, sorted by name.
pub fn load_documents<T: DeserializeOwned>(
    dir: &Path,
    limit: Option<usize>,
) -> Result<Vec<T>, EvalError> {
    let io = |e: std::io::Error| EvalError::Io {
        path: dir.display().to_string(),
        message: e.to_string(),
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json") && !p.ends_with("manifest.json"))
        .collect();
    files.sort();
    if let Some(n) = limit {
        files.truncate(n);
    }
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).map_err(|e| EvalError::Io {
            path: file.display().to_string(),
            message: e.to_string(),
        })?;
        out.push(serde_json::from_str(&text).map_err(|e| EvalError::Truth {
            path: file.display().to_string(),
            message: e.to_string(),
        })?);
    }
    if out.is_empty() {
        return Err(EvalError::Empty(dir.display().to_string()));
    }
    Ok(out)
}

/// Similarity of two strings in [0, 1]: one minus the edit distance over the longer length.
pub fn similarity(a: &str, b: &str) -> f64 {
    let longest = a.chars().count().max(b.chars().count());
    if longest == 0 {
        return 1.0;
    }
    1.0 - edit_distance(a, b) as f64 / longest as f64
}

/// Why an evaluation could not run.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("cannot read {path}: {message}")]
    Io { path: String, message: String },
    #[error("{path} is not a ground-truth file ledgerline understands: {message}")]
    Truth { path: String, message: String },
    #[error(
        "no documents with ground truth in {0}; generate a corpus with scripts/corpus/generate.sh"
    )]
    Empty(String),
}

#[cfg(test)]
mod tests {
    #[test]
    fn edit_distance_counts_insertions_deletions_and_substitutions() {
        assert_eq!(super::edit_distance("kitten", "sitting"), 3);
        assert_eq!(super::edit_distance("", "abc"), 3);
        assert_eq!(super::edit_distance("£1,234.50", "£1,234.50"), 0);
    }
}
