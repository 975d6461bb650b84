//! Scoring qfill against labelled questionnaires: the metrics of `qfill eval`.
//!
//! The definitions follow the project's evaluation script: `detect` (labelled
//! questions found), `extra` (reported rows that are not labelled questions,
//! per labelled question), `circle` (over detected), `top1`/`top3` (right
//! entry, any status, over answerable detected), `auto_prec` (auto answers that
//! are right; auto on an unanswerable question is wrong), `auto_cov`
//! (answerable questions answered auto and right), `false_fill` (unanswerable
//! questions answered auto). A label may accept several entries: any one of
//! them counts as right.

use crate::model::{Circle, Status};
use serde::Serialize;
use std::collections::BTreeMap;

/// Where a labelled question sits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Place {
    pub file: String,
    pub sheet: String,
    pub row: u32,
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.sheet, self.row)
    }
}

/// What a person says the answer is.
#[derive(Debug, Clone)]
pub struct Label {
    pub place: Place,
    /// Every entry that answers the question; empty: the bank has no answer.
    pub expected: Vec<String>,
    pub expected_circle: Option<Circle>,
}

/// What qfill said (one stage of it).
#[derive(Debug, Clone)]
pub struct Prediction {
    pub place: Place,
    pub question: String,
    pub circle: Circle,
    pub status: Status,
    pub confidence: f64,
    pub bank_id: Option<String>,
    /// Best first, including `bank_id`.
    pub ranked: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct Metrics {
    pub detect: f64,
    pub extra: f64,
    /// `None` when no label names a circle.
    pub circle: Option<f64>,
    pub top1: f64,
    pub top3: f64,
    pub top4: f64,
    pub auto_prec: f64,
    pub auto_cov: f64,
    pub false_fill: f64,
}

impl Metrics {
    pub const NAMES: [&'static str; 9] = [
        "detect",
        "extra",
        "circle",
        "top1",
        "top3",
        "top4",
        "auto_prec",
        "auto_cov",
        "false_fill",
    ];

    pub fn get(&self, name: &str) -> Option<f64> {
        Some(match name {
            "detect" => self.detect,
            "extra" => self.extra,
            "circle" => return self.circle,
            "top1" => self.top1,
            "top3" => self.top3,
            "top4" => self.top4,
            "auto_prec" => self.auto_prec,
            "auto_cov" => self.auto_cov,
            "false_fill" => self.false_fill,
            _ => return None,
        })
    }

    /// `extra` and `false_fill` are better low; a bound on them is a maximum.
    pub fn lower_is_better(name: &str) -> bool {
        matches!(name, "extra" | "false_fill")
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Miss {
    pub kind: &'static str,
    pub place: Place,
    pub question: String,
    pub expected: Option<String>,
    pub got: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Score {
    pub questions: usize,
    pub metrics: Metrics,
    /// expected circle → predicted circle → count, over detected questions.
    pub confusion: BTreeMap<Circle, BTreeMap<Circle, usize>>,
    /// How often the best candidate is right, by confidence band.
    pub calibration: Vec<Band>,
    pub misses: Vec<Miss>,
}

/// Questions whose best candidate had a confidence in `[low, high)` (the
/// last band includes 1.0): how many, and how many of those were right.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Band {
    pub low: f64,
    pub high: f64,
    pub questions: usize,
    pub right: usize,
    /// `right / questions`; 0 for an empty band.
    pub precision: f64,
}

/// Confidence bands of the calibration table.
pub const BANDS: usize = 10;

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// The band a confidence falls in.
fn band_of(confidence: f64) -> usize {
    ((confidence.clamp(0.0, 1.0) * BANDS as f64) as usize).min(BANDS - 1)
}

/// Scores predictions against labels.
pub fn score(labels: &[Label], predictions: &[Prediction]) -> Score {
    let by_place: BTreeMap<&Place, &Prediction> =
        predictions.iter().map(|p| (&p.place, p)).collect();
    let labelled: std::collections::HashSet<&Place> = labels.iter().map(|l| &l.place).collect();
    let extra = predictions
        .iter()
        .filter(|p| !labelled.contains(&p.place))
        .count();
    let (mut det, mut circle_ok, mut circle_n) = (0, 0, 0);
    let (mut answerable, mut ans_det, mut top1, mut top3, mut top4) = (0, 0, 0, 0, 0);
    let (mut auto, mut auto_ok, mut unanswerable, mut false_fill) = (0, 0, 0, 0);
    let mut bands = [(0usize, 0usize); BANDS];
    let mut confusion: BTreeMap<Circle, BTreeMap<Circle, usize>> = BTreeMap::new();
    let mut misses = Vec::new();
    let miss = |kind, l: &Label, q: &str, expected: Option<String>, got: Option<String>| Miss {
        kind,
        place: l.place.clone(),
        question: q.to_string(),
        expected,
        got,
    };
    for l in labels {
        let expected = (!l.expected.is_empty()).then(|| l.expected.join(";"));
        let right = |id: &str| l.expected.iter().any(|e| e == id);
        if l.expected.is_empty() {
            unanswerable += 1;
        } else {
            answerable += 1;
        }
        let Some(p) = by_place.get(&l.place) else {
            misses.push(miss("undetected", l, "", expected, None));
            continue;
        };
        det += 1;
        if let Some(c) = l.expected_circle {
            circle_n += 1;
            *confusion.entry(c).or_default().entry(p.circle).or_default() += 1;
            if c == p.circle {
                circle_ok += 1;
            } else {
                misses.push(miss(
                    "circle",
                    l,
                    &p.question,
                    Some(c.to_string()),
                    Some(p.circle.to_string()),
                ));
            }
        }
        let got = || {
            p.bank_id
                .as_ref()
                .map(|id| format!("{id} ({} {:.2})", p.status, p.confidence))
        };
        let best_right = p.bank_id.as_deref().is_some_and(right);
        let band = &mut bands[band_of(p.confidence)];
        band.0 += 1;
        band.1 += usize::from(best_right);
        if !l.expected.is_empty() {
            ans_det += 1;
            if best_right {
                top1 += 1;
            } else {
                misses.push(miss("match", l, &p.question, expected.clone(), got()));
            }
            let within = |n: usize| p.ranked.iter().take(n).any(|id| right(id));
            top3 += usize::from(within(3));
            top4 += usize::from(within(4));
        }
        if p.status == Status::Auto {
            auto += 1;
            if best_right {
                auto_ok += 1;
            } else if l.expected.is_empty() {
                false_fill += 1;
                misses.push(miss("false-fill", l, &p.question, None, got()));
            }
        }
    }
    Score {
        questions: labels.len(),
        metrics: Metrics {
            detect: ratio(det, labels.len()),
            extra: ratio(extra, labels.len()),
            circle: (circle_n > 0).then(|| ratio(circle_ok, circle_n)),
            top1: ratio(top1, ans_det),
            top3: ratio(top3, ans_det),
            top4: ratio(top4, ans_det),
            auto_prec: ratio(auto_ok, auto),
            auto_cov: ratio(auto_ok, answerable),
            false_fill: ratio(false_fill, unanswerable),
        },
        confusion,
        calibration: bands
            .iter()
            .enumerate()
            .map(|(i, &(questions, right))| Band {
                low: i as f64 / BANDS as f64,
                high: (i + 1) as f64 / BANDS as f64,
                questions,
                right,
                precision: ratio(right, questions),
            })
            .collect(),
        misses,
    }
}

/// A `--min METRIC=VALUE` bound.
#[derive(Debug, Clone, PartialEq)]
pub struct Bound {
    pub metric: String,
    pub value: f64,
}

impl std::str::FromStr for Bound {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (m, v) = s
            .split_once('=')
            .ok_or_else(|| format!("`{s}`: write METRIC=VALUE, e.g. top1=0.9"))?;
        let metric = m.trim().to_string();
        if !Metrics::NAMES.contains(&metric.as_str()) {
            return Err(format!(
                "unknown metric `{metric}`; use one of {}",
                Metrics::NAMES.join(", ")
            ));
        }
        let value = v
            .trim()
            .parse()
            .map_err(|_| format!("`{v}` is not a number"))?;
        Ok(Bound { metric, value })
    }
}

impl Bound {
    /// The failure message if the metrics break this bound (a metric that
    /// was not measured, such as circle without circle labels, cannot).
    pub fn check(&self, m: &Metrics) -> Option<String> {
        let got = m.get(&self.metric)?;
        let fails = if Metrics::lower_is_better(&self.metric) {
            got > self.value
        } else {
            got < self.value
        };
        fails.then(|| {
            let rel = if Metrics::lower_is_better(&self.metric) {
                "above the maximum"
            } else {
                "below the minimum"
            };
            format!("{} = {got:.3} is {rel} {}", self.metric, self.value)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(row: u32) -> Place {
        Place {
            file: "f.xlsx".into(),
            sheet: "S".into(),
            row,
        }
    }

    fn label(row: u32, id: Option<&str>, c: Circle) -> Label {
        Label {
            place: place(row),
            expected: id.map(str::to_string).into_iter().collect(),
            expected_circle: Some(c),
        }
    }

    fn pred(row: u32, id: Option<&str>, status: Status, c: Circle, ranked: &[&str]) -> Prediction {
        Prediction {
            place: place(row),
            question: format!("q{row}"),
            circle: c,
            status,
            confidence: 0.5,
            bank_id: id.map(str::to_string),
            ranked: ranked.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn metrics_follow_their_definitions() {
        use Circle::*;
        let labels = [
            label(1, Some("a"), Isms),
            label(2, Some("b"), Product),
            label(3, None, Legal),
            label(4, Some("d"), Isms), // not detected
        ];
        let preds = [
            pred(1, Some("a"), Status::Auto, Isms, &["a", "x"]),
            pred(2, Some("x"), Status::Auto, Isms, &["x", "y", "b"]),
            pred(3, Some("c"), Status::Auto, Legal, &["c"]),
            pred(9, None, Status::None, Isms, &[]), // not labelled
        ];
        let s = score(&labels, &preds);
        let m = s.metrics;
        assert_eq!(m.detect, 0.75);
        assert_eq!(m.extra, 0.25);
        assert_eq!(m.circle, Some(2.0 / 3.0));
        assert_eq!(m.top1, 0.5);
        assert_eq!(m.top3, 1.0);
        assert_eq!(m.auto_prec, 1.0 / 3.0);
        assert_eq!(m.auto_cov, 1.0 / 3.0);
        assert_eq!(m.false_fill, 1.0);
        assert_eq!(s.confusion[&Product][&Isms], 1);
        let kinds: Vec<_> = s.misses.iter().map(|m| m.kind).collect();
        assert_eq!(kinds, ["circle", "match", "false-fill", "undetected"]);
    }

    #[test]
    fn any_of_several_acceptable_entries_is_right() {
        let mut labels = vec![label(1, None, Circle::Isms), label(2, None, Circle::Isms)];
        labels[0].expected = vec!["a".into(), "b".into()];
        labels[1].expected_circle = None;
        let mut p1 = pred(1, Some("b"), Status::Auto, Circle::Legal, &["b", "c"]);
        p1.confidence = 0.95;
        let mut p2 = pred(2, Some("z"), Status::Review, Circle::Legal, &["z"]);
        p2.confidence = 0.31;
        let s = score(&labels, &[p1, p2]);
        assert_eq!(s.metrics.top1, 1.0);
        assert_eq!(s.metrics.auto_prec, 1.0);
        // Only the first label scores circles: one of one wrong.
        assert_eq!(s.metrics.circle, Some(0.0));
        let bands: Vec<(usize, usize)> = s
            .calibration
            .iter()
            .map(|b| (b.questions, b.right))
            .collect();
        assert_eq!(bands[9], (1, 1));
        assert_eq!(bands[3], (1, 0));
        assert_eq!(bands.iter().map(|b| b.0).sum::<usize>(), 2);
        assert_eq!(s.calibration[3].low, 0.3);
    }

    #[test]
    fn bounds_are_minimums_except_for_extra_and_false_fill() {
        let m = Metrics {
            top1: 0.8,
            false_fill: 0.1,
            ..Metrics::default()
        };
        assert!("top1=0.9".parse::<Bound>().unwrap().check(&m).is_some());
        assert!("top1=0.8".parse::<Bound>().unwrap().check(&m).is_none());
        assert!(
            "false_fill=0.05"
                .parse::<Bound>()
                .unwrap()
                .check(&m)
                .is_some()
        );
        assert!(
            "false_fill=0.2"
                .parse::<Bound>()
                .unwrap()
                .check(&m)
                .is_none()
        );
        assert!("nope=1".parse::<Bound>().is_err());
        assert!("top1".parse::<Bound>().is_err());
    }
}
