//! Copying one company's history from one index to another (embedded to server when a company
//! outgrows one machine, and back), vectors included, so nothing is embedded twice. Points keep
//! their ids, so a copy interrupted halfway is finished by running it again, and lines already
//! in the target are replaced rather than doubled.

use super::{IndexError, VectorIndex};

/// Lines read and written per round trip: large enough to amortise a server round trip, small
/// enough that a page of 384-float vectors stays well under a megabyte.
const PAGE: usize = 256;

/// What a migration did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    /// Lines the source holds for the company.
    pub source: usize,
    /// Lines copied.
    pub copied: usize,
    /// Lines the target holds for the company afterwards.
    pub target: usize,
}

/// Copies every line of `company` from `from` to `to`, calling `progress` with the lines copied
/// so far and the total. Fails when the target holds fewer lines than the source afterwards.
pub async fn migrate(
    from: &dyn VectorIndex,
    to: &dyn VectorIndex,
    company: &str,
    mut progress: impl FnMut(usize, usize),
) -> Result<Migration, IndexError> {
    let source = from.count(company).await?;
    let mut copied = 0;
    let mut after = None;
    loop {
        let page = from.scroll(company, after, PAGE).await?;
        copied += to.upsert(page.lines).await?;
        progress(copied, source);
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    to.optimize().await?;
    let target = to.count(company).await?;
    if target < source {
        return Err(IndexError::Operation(format!(
            "after copying company {company} from {} to {}, the target holds {target} of its {source} lines; run the migration again",
            from.describe(),
            to.describe()
        )));
    }
    Ok(Migration {
        source,
        copied,
        target,
    })
}
