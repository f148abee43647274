//! How good the suggestions are: top-1 and top-3 accuracy per field, expected calibration
//! error, and the share of lines that could be posted without review at 99% and 99.5%
//! precision, on a time split (index the past, calibrate on the next period, test on the last).
//!
//! The posting threshold is chosen on the validation period and then applied to the test
//! period, so the reported precision is what a company would actually get.

use std::borrow::Cow;
use std::fmt;
use std::path::Path;

use super::baseline::ModeTable;
use ledgerline_core::company::{Chart, Field};
use ledgerline_core::history::HistoryRecord;
use ledgerline_suggest::embed::EmbedQueue;
use ledgerline_suggest::import::{ImportError, import_history};
use ledgerline_suggest::index::{IndexedLine, Query, VectorIndex};
use ledgerline_suggest::suggest::fit::query_of;
use ledgerline_suggest::suggest::habits::Habits;
use ledgerline_suggest::suggest::rank::FEATURE_NAMES;
use ledgerline_suggest::suggest::{
    CompanyModel, Ranker, SuggestError, Suggestion, VoteParams, calibrate, embedding_text, rank,
};

/// History cut in time.
pub struct Split {
    pub train: Vec<HistoryRecord>,
    pub validation: Vec<HistoryRecord>,
    pub test: Vec<HistoryRecord>,
    /// Every line of the test period (`test` may be a sample of them), learnt a day at a time
    /// after that day's lines are suggested, as a company's approved lines are: the service
    /// counts a posted line in the vendor's habits and indexes it at once. Empty: nothing is
    /// learnt, as for a company served for the whole period from one import.
    pub learnt: Vec<HistoryRecord>,
}

#[derive(Debug, Clone)]
pub struct FieldReport {
    pub field: Field,
    pub top1: f64,
    pub top3: f64,
    /// The vendor's most frequent value, on the same lines.
    pub vendor_mode: f64,
    /// The most frequent value for the vendor and description, on the same lines.
    pub vendor_text_mode: f64,
    /// The share of lines whose value the vendor used before: the most that choosing among a
    /// vendor's past values can reach.
    pub in_vendor_past: f64,
    /// Top-1 and vendor-mode on lines whose vendor the history knows, and on the others
    /// (`None` when there are none).
    pub known: Option<(f64, f64, usize)>,
    pub unknown: Option<(f64, f64, usize)>,
    /// The mean confidence of the top candidate: above `top1`, the field is overconfident.
    pub mean_confidence: f64,
}

/// Lines postable without review at a target precision.
#[derive(Debug, Clone, Copy)]
pub struct Postable {
    pub target: f64,
    pub threshold: f64,
    pub share: f64,
    pub precision: f64,
}

#[derive(Debug, Clone)]
pub struct SuggestReport {
    pub name: String,
    /// Lines imported; of these, the latest `fit` fitted the ranker and the `validation` after
    /// them the calibration.
    pub train: usize,
    pub fit: usize,
    pub validation: usize,
    pub test: usize,
    /// Lines of the test period learnt while it was suggested (see [`Split::learnt`]).
    pub learnt: usize,
    pub fields: Vec<FieldReport>,
    pub ece: f64,
    pub postable: Vec<Postable>,
    /// The ranker the import fitted, for reading what it relies on.
    pub ranker: Ranker,
    /// Every held-out line with what was suggested for it, in the test period's order.
    pub lines: Vec<(HistoryRecord, Suggestion)>,
}

impl fmt::Display for SuggestReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}: {} lines imported (the latest {} fit the ranker, the {} after them its calibration), {} held out",
            self.name, self.train, self.fit, self.validation, self.test
        )?;
        if self.learnt > 0 {
            writeln!(
                f,
                "  learning: the held-out period's {} lines were learnt a day at a time, after that day's lines were suggested, by the ranker's habits and index and by the baselines alike (weights and calibration stay the import's)",
                self.learnt
            )?;
        }
        writeln!(
            f,
            "  {:<12} {:>7} {:>7} {:>12} {:>12} {:>10}   {:>22}   {:>22}",
            "field",
            "top-1",
            "top-3",
            "vendor-mode",
            "vendor+text",
            "ceiling",
            "known vendors (n)",
            "new vendors (n)"
        )?;
        let subset = |s: Option<(f64, f64, usize)>| match s {
            Some((model, base, n)) => format!("{model:.4} vs {base:.4} ({n})"),
            None => "-".to_string(),
        };
        for r in &self.fields {
            writeln!(
                f,
                "  {:<12} {:>7.4} {:>7.4} {:>12.4} {:>12.4} {:>10.4}   {:>22}   {:>22}",
                r.field.name(),
                r.top1,
                r.top3,
                r.vendor_mode,
                r.vendor_text_mode,
                r.in_vendor_past,
                subset(r.known),
                subset(r.unknown),
            )?;
        }
        writeln!(
            f,
            "  (vendor-mode: the vendor's most frequent value in the history, else the company's; vendor+text: the same for vendor and description; ceiling: the line's value is among the vendor's past values, the most that choosing among them can reach; subsets: top-1 vs vendor-mode)"
        )?;
        let confidence: Vec<String> = self
            .fields
            .iter()
            .map(|r| {
                format!(
                    "{} {:.3} vs {:.3}",
                    r.field.name(),
                    r.mean_confidence,
                    r.top1
                )
            })
            .collect();
        writeln!(
            f,
            "  expected calibration error: {:.4} (mean confidence vs top-1: {})",
            self.ece,
            confidence.join(", ")
        )?;
        for p in &self.postable {
            // The threshold comes from the calibration period; when the held-out lines above it
            // fall short of the target, the share is no promise and says so.
            let missed = if p.precision < p.target {
                "; target missed on the held-out lines"
            } else {
                ""
            };
            writeln!(
                f,
                "  postable without review at {:.1}% precision: {:.1}% of lines (threshold {:.4}, held-out precision {:.4}{missed})",
                p.target * 100.0,
                p.share * 100.0,
                p.threshold,
                p.precision
            )?;
        }
        for r in &self.fields {
            let mut w: Vec<(f64, &str)> = self
                .ranker
                .weights(r.field)
                .into_iter()
                .zip(FEATURE_NAMES)
                .collect();
            w.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()));
            let top: Vec<String> = w
                .iter()
                .take(4)
                .map(|(w, name)| format!("{name} {w:+.2}"))
                .collect();
            let trees = self.ranker.trees.get(&r.field).map_or(0, Vec::len);
            writeln!(
                f,
                "  {} ranker relies most on: {}; {trees} boosted trees",
                r.field.name(),
                top.join(", ")
            )?;
        }
        Ok(())
    }
}

/// Suggestions for every line, through the same embedding, index and ranker as the service,
/// from `model` as it stands.
pub async fn suggest_all(
    lines: &[HistoryRecord],
    model: &CompanyModel,
    embed: &EmbedQueue,
    index: &dyn VectorIndex,
) -> Result<Vec<Suggestion>, SuggestError> {
    suggest_learning(lines, &[], Cow::Borrowed(model), embed, index).await
}

/// The held-out lines' positions in date order, each with how many of `learnt` (in date
/// order) come from the days before its own: what has been learnt when it is suggested.
fn learnt_before(test: &[HistoryRecord], learnt: &[HistoryRecord]) -> Vec<(usize, usize)> {
    let mut order: Vec<usize> = (0..test.len()).collect();
    order.sort_by_key(|&i| test[i].posting_date);
    order
        .into_iter()
        .map(|i| {
            let day = test[i].posting_date;
            (i, learnt.partition_point(|l| l.posting_date < day))
        })
        .collect()
}

/// Suggestions for every line as a company in service gets them: the lines of the days before
/// each line's (`learnt`, in date order) are counted in `model`'s habits and indexed first.
/// With nothing to learn the model is only read.
async fn suggest_learning(
    lines: &[HistoryRecord],
    learnt: &[HistoryRecord],
    mut model: Cow<'_, CompanyModel>,
    embed: &EmbedQueue,
    index: &dyn VectorIndex,
) -> Result<Vec<Suggestion>, SuggestError> {
    let params = VoteParams::default();
    // One call for both: the held-out lines are among the learnt ones, and each distinct text
    // is embedded once.
    let texts = learnt
        .iter()
        .chain(lines)
        .map(|r| embedding_text(r.vendor_name.as_deref(), &r.memo))
        .collect();
    let mut learnt_vectors = embed.embed_unique(texts).await?;
    let vectors = learnt_vectors.split_off(learnt.len());
    let mut out: Vec<Option<Suggestion>> = vec![None; lines.len()];
    let mut done = 0;
    for (i, upto) in learnt_before(lines, learnt) {
        if upto > done {
            let model = model.to_mut();
            for r in &learnt[done..upto] {
                model.habits.add(r);
            }
            let indexed = learnt[done..upto]
                .iter()
                .zip(&learnt_vectors[done..upto])
                .map(|(record, vector)| IndexedLine {
                    record: record.clone(),
                    vector: vector.clone(),
                })
                .collect();
            index.upsert(indexed).await?;
            done = upto;
        }
        let r = &lines[i];
        let neighbours = index
            .search(Query {
                company: r.company.clone(),
                entity: r.entity.clone(),
                vector: vectors[i].clone(),
                limit: params.k,
            })
            .await?;
        out[i] = Some(rank(&model, &params, &query_of(r), &neighbours));
    }
    Ok(out.into_iter().flatten().collect())
}

/// What the baselines said about one held-out line, from the history as it stood when the
/// line was suggested.
struct Baseline {
    vendor_mode: Option<String>,
    vendor_text_mode: Option<String>,
    known_vendor: bool,
    vendor_used: bool,
}

fn baselines(
    history: &[HistoryRecord],
    learnt: &[HistoryRecord],
    test: &[HistoryRecord],
    field: Field,
) -> Vec<Baseline> {
    let mut table = ModeTable::fit(history, field);
    let mut out: Vec<Option<Baseline>> = (0..test.len()).map(|_| None).collect();
    let mut done = 0;
    for (i, upto) in learnt_before(test, learnt) {
        for r in learnt.get(done..upto).unwrap_or_default() {
            table.add(r, field);
        }
        done = done.max(upto);
        let r = &test[i];
        out[i] = Some(Baseline {
            vendor_mode: table.vendor_mode(r),
            vendor_text_mode: table.vendor_text_mode(r),
            known_vendor: table.knows_vendor(r),
            vendor_used: table.vendor_used(r, field.of(r)),
        });
    }
    out.into_iter().flatten().collect()
}

fn right(s: &Suggestion, r: &HistoryRecord, field: Field, top: usize) -> bool {
    let truth = field.of(r);
    s.fields.iter().find(|f| f.field == field).is_some_and(|f| {
        f.candidates
            .iter()
            .take(top)
            .any(|c| c.value.as_deref() == truth)
    })
}

fn all_right(s: &Suggestion, r: &HistoryRecord, fields: &[Field]) -> bool {
    fields.iter().all(|f| right(s, r, *f, 1))
}

/// The lowest joint confidence at which the lines above it reach `target` precision.
fn threshold_for(pairs: &[(f64, bool)], target: f64) -> f64 {
    let mut sorted = pairs.to_vec();
    sorted.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (mut right, mut best) = (0usize, f64::INFINITY);
    for (i, (conf, ok)) in sorted.iter().enumerate() {
        right += usize::from(*ok);
        let next_differs = sorted.get(i + 1).is_none_or(|n| n.0 < *conf);
        if next_differs && right as f64 / (i + 1) as f64 >= target {
            best = *conf;
        }
    }
    best
}

/// Runs the whole evaluation on `index` (which should start empty) and returns the report:
/// the history (training and validation periods) is imported as `history import` would, which
/// fits the ranker and calibration on its latest period, then the test period is suggested.
pub async fn evaluate(
    name: &str,
    chart: &Chart,
    split: Split,
    fields: &[Field],
    embed: &EmbedQueue,
    index: &dyn VectorIndex,
    data_dir: &Path,
) -> Result<SuggestReport, ImportError> {
    let history: Vec<HistoryRecord> = split
        .train
        .iter()
        .chain(&split.validation)
        .cloned()
        .collect();
    let (_, mut fitted) =
        import_history(history.clone(), embed, index, data_dir, Some(chart), None).await?;
    let fitted = fitted.pop().unwrap_or_default();
    let model = CompanyModel {
        chart: chart.clone(),
        habits: Habits::from_records(&history),
        ranker: fitted.ranker.clone(),
        calibration: fitted.calibration.clone(),
    };
    let validation_pairs: Vec<(f64, bool)> = fitted
        .outcomes
        .iter()
        .map(|line| {
            line.iter()
                .filter(|(f, _, _)| fields.contains(f))
                .fold((1.0f64, true), |(c, ok), (_, conf, right)| {
                    (c.min(*conf), ok && *right)
                })
        })
        .collect();
    let mut learnt = split.learnt;
    learnt.sort_by_key(|r| r.posting_date);
    let test = suggest_learning(&split.test, &learnt, Cow::Owned(model), embed, index).await?;
    let n = split.test.len().max(1) as f64;
    let mut reports = Vec::new();
    let mut conf_pairs = Vec::new();
    for field in fields {
        let count = |top| {
            test.iter()
                .zip(&split.test)
                .filter(|(s, r)| right(s, r, *field, top))
                .count() as f64
        };
        let base = baselines(&history, &learnt, &split.test, *field);
        let share = |rule: &dyn Fn(&Baseline) -> &Option<String>| {
            base.iter()
                .zip(&split.test)
                .filter(|(b, r)| rule(b).as_deref() == field.of(r))
                .count() as f64
                / n
        };
        let subset = |known: bool| {
            let lines: Vec<(&Suggestion, &HistoryRecord, &Baseline)> = test
                .iter()
                .zip(&split.test)
                .zip(&base)
                .filter(|((_, _), b)| b.known_vendor == known)
                .map(|((s, r), b)| (s, r, b))
                .collect();
            let m = lines.len();
            (m > 0).then(|| {
                let model = lines
                    .iter()
                    .filter(|(s, r, _)| right(s, r, *field, 1))
                    .count();
                let base = lines
                    .iter()
                    .filter(|(_, r, b)| b.vendor_mode.as_deref() == field.of(r))
                    .count();
                (model as f64 / m as f64, base as f64 / m as f64, m)
            })
        };
        reports.push(FieldReport {
            field: *field,
            top1: count(1) / n,
            top3: count(3) / n,
            vendor_mode: share(&|b| &b.vendor_mode),
            vendor_text_mode: share(&|b| &b.vendor_text_mode),
            in_vendor_past: base.iter().filter(|b| b.vendor_used).count() as f64 / n,
            known: subset(true),
            unknown: subset(false),
            mean_confidence: test
                .iter()
                .filter_map(|s| s.best(*field))
                .map(|c| c.confidence as f64)
                .sum::<f64>()
                / n,
        });
        for (s, r) in test.iter().zip(&split.test) {
            if let Some(c) = s.best(*field) {
                conf_pairs.push((c.confidence as f64, right(s, r, *field, 1)));
            }
        }
    }
    let test_pairs: Vec<(f64, bool)> = test
        .iter()
        .zip(&split.test)
        .map(|(s, r)| (joint(s, fields), all_right(s, r, fields)))
        .collect();
    let postable = [0.99, 0.995]
        .into_iter()
        .map(|target| {
            let threshold = threshold_for(&validation_pairs, target);
            let passed: Vec<&(f64, bool)> =
                test_pairs.iter().filter(|p| p.0 >= threshold).collect();
            let ok = passed.iter().filter(|p| p.1).count();
            Postable {
                target,
                threshold,
                share: passed.len() as f64 / n,
                precision: if passed.is_empty() {
                    1.0
                } else {
                    ok as f64 / passed.len() as f64
                },
            }
        })
        .collect();
    Ok(SuggestReport {
        name: name.to_string(),
        train: history.len(),
        fit: fitted.fit_lines,
        validation: fitted.calibration_lines,
        test: split.test.len(),
        learnt: learnt.len(),
        fields: reports,
        ece: calibrate::expected_calibration_error(&conf_pairs),
        postable,
        ranker: fitted.ranker,
        lines: split.test.into_iter().zip(test).collect(),
    })
}

/// Writes one CSV row per held-out line: the line, then per scored field the truth, the top
/// three candidates with their confidences, and whether the first was right; for reading the
/// misses as an accountant would, in a spreadsheet.
pub fn write_lines(report: &SuggestReport, out: impl std::io::Write) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let mut header = vec![
        "date".to_string(),
        "vendor".into(),
        "description".into(),
        "amount".into(),
    ];
    let scored: Vec<Field> = report.fields.iter().map(|r| r.field).collect();
    for field in &scored {
        let name = field.name();
        header.push(name.to_string());
        for k in 1..=3 {
            header.push(format!("{name} {k}"));
            header.push(format!("{name} {k} confidence"));
        }
        header.push(format!("{name} right"));
    }
    w.write_record(&header)?;
    for (line, suggestion) in &report.lines {
        let mut row = vec![
            line.posting_date.to_string(),
            line.vendor_name.clone().unwrap_or_default(),
            line.memo.clone(),
            line.amount.to_string(),
        ];
        for field in &scored {
            row.push(field.of(line).unwrap_or_default().to_string());
            let candidates = suggestion
                .fields
                .iter()
                .find(|f| f.field == *field)
                .map_or(&[][..], |f| &f.candidates[..]);
            for k in 0..3 {
                let c = candidates.get(k);
                row.push(c.and_then(|c| c.value.clone()).unwrap_or_default());
                row.push(
                    c.map(|c| format!("{:.4}", c.confidence))
                        .unwrap_or_default(),
                );
            }
            row.push(right(suggestion, line, *field, 1).to_string());
        }
        w.write_record(&row)?;
    }
    w.flush()?;
    Ok(())
}

/// The joint confidence over the evaluated fields only.
fn joint(s: &Suggestion, fields: &[Field]) -> f64 {
    fields
        .iter()
        .map(|f| s.best(*f).map_or(1.0, |c| c.confidence as f64))
        .fold(1.0, f64::min)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_keeps_the_most_confident_lines_that_reach_the_target() {
        let pairs = vec![(0.99, true), (0.98, true), (0.9, false), (0.8, true)];
        assert_eq!(threshold_for(&pairs, 0.99), 0.98);
        assert_eq!(threshold_for(&pairs, 0.7), 0.8);
        assert!(threshold_for(&[(0.5, false)], 0.99).is_infinite());
    }

    fn line(id: &str, month: u8, day: u8, vendor: &str, account: &str) -> HistoryRecord {
        HistoryRecord {
            line_id: id.into(),
            posting_date: ledgerline_core::history::Date::new(2024, month, day).unwrap(),
            ..crate::baseline::tests::line(vendor, "", account)
        }
    }

    #[test]
    fn learnt_lines_count_for_the_baselines_from_the_next_day_on() {
        // Acme moves from 6010 to 6020 in the held-out period. Learnt, its mode follows from
        // the day after its first two new lines, never on their own day; served from the
        // import alone, it stays 6010.
        let history = vec![line("h1", 1, 1, "Acme", "6010")];
        let test = vec![
            line("t3", 2, 2, "Acme", "6020"),
            line("t1", 2, 1, "Acme", "6020"),
            line("t2", 2, 1, "Acme", "6020"),
            line("t4", 2, 2, "Globex", "6300"),
        ];
        let mut learnt = test.clone();
        learnt.sort_by_key(|r| r.posting_date);
        let order: Vec<(usize, usize)> = learnt_before(&test, &learnt);
        assert_eq!(order, vec![(1, 0), (2, 0), (0, 2), (3, 2)]);
        let b = baselines(&history, &learnt, &test, Field::Account);
        let modes: Vec<Option<&str>> = b.iter().map(|b| b.vendor_mode.as_deref()).collect();
        assert_eq!(
            modes,
            [Some("6020"), Some("6010"), Some("6010"), Some("6020")]
        );
        let used: Vec<bool> = b.iter().map(|b| b.vendor_used).collect();
        assert_eq!(used, [true, false, false, false]);
        // Globex is new on its first day even though Acme's lines were learnt.
        assert!(!b[3].known_vendor && b[0].known_vendor);
        let still = baselines(&history, &[], &test, Field::Account);
        assert!(
            still
                .iter()
                .take(3)
                .all(|b| b.vendor_mode.as_deref() == Some("6010"))
        );
    }
}
