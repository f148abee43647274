//! Evaluation: accuracy of each stage against the ground truth of a generated corpus, printed
//! by `ledgerline eval ...`. Tests guard floors below the figures these commands measure.

pub mod ocr;

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

/// Levenshtein distance over characters, in O(len(b)) memory.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == cb {
                diagonal
            } else {
                1 + diagonal.min(above).min(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
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
