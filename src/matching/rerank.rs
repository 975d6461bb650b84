//! Re-ranking: the union of both retrievers' candidates, ranked by a blend
//! of the lexical and semantic signals, each leader's confidence calibrated
//! from the evidence and its lead over the runner-up.

use super::answerability::AspectSet;
use super::lexical::{Lexical, Partial, Prepared};
use super::semantic::Closeness;
use super::{Matcher, Query, Signals, Verdict, calibrate};

/// Candidates taken from each retriever into re-ranking.
pub(super) const RERANK_DEPTH: usize = 8;
/// Share of the semantic signal in the ranking similarity.
const SEMANTIC_WEIGHT: f64 = 0.55;
/// Share of the answer (vs the best question variant) in the semantic signal
/// (`scripts/calibrate.py` uses the same).
const ANSWER_WEIGHT: f64 = 0.4;

/// A candidate entry for a question.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub entry: usize,
    pub confidence: f64,
    /// The ranking similarity, before calibration.
    pub similarity: f64,
    pub evidence: Evidence,
}

/// What re-ranking saw in a candidate.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evidence {
    pub lexical: Lexical,
    /// `None` when the question was not encoded (it matched a variant word
    /// for word) or the semantic signal is off.
    pub semantic: Option<Closeness>,
    /// What the entry lacks of what the question asks.
    pub verdict: Verdict,
}

impl Evidence {
    /// The semantic similarity in [0, 1].
    pub fn semantic_similarity(&self) -> Option<f64> {
        self.semantic.map(semantic_similarity)
    }

    /// The ranking similarity.
    fn similarity(&self) -> f64 {
        blend(self.lexical.similarity(), self.semantic_similarity())
    }
}

/// How close in meaning, in [0, 1]: mostly the best variant, some of the answer.
fn semantic_similarity(c: Closeness) -> f64 {
    let s = (1.0 - ANSWER_WEIGHT) * f64::from(c.variant) + ANSWER_WEIGHT * f64::from(c.answer);
    s.clamp(0.0, 1.0)
}

/// The ranking similarity: both signals blended, or the lexical one alone.
fn blend(lexical: f64, semantic: Option<f64>) -> f64 {
    match semantic {
        Some(s) => (1.0 - SEMANTIC_WEIGHT) * lexical + SEMANTIC_WEIGHT * s,
        None => lexical,
    }
}

impl Matcher {
    /// Retrieval plus re-ranking: up to `n` candidates, best first.
    pub fn rank(&self, query: Query, n: usize, signals: Signals) -> Vec<Candidate> {
        let q = self.lexical.prepare(query.text);
        let closeness = match (&self.semantic, query.vector, signals) {
            (Some(s), Some(v), Signals::Both | Signals::Semantic) => Some(s.closeness(v)),
            _ => None,
        };
        // Every entry's BM25 share, so that a candidate found by meaning has
        // the same retrieval evidence as it would have had found by words:
        // its similarity must not depend on which retriever brought it.
        let shares = if signals == Signals::Semantic {
            Vec::new()
        } else {
            self.retrieval_shares(&q)
        };
        let depth = RERANK_DEPTH.max(n);
        let mut pool: Vec<Partial> = shares
            .iter()
            .take(depth)
            .map(|&(entry, share)| self.lexical.partial(&q, entry, share))
            .collect();
        if let Some(c) = &closeness {
            for entry in semantic_pool(c, depth) {
                if !pool.iter().any(|p| p.entry == entry) {
                    let share = shares.iter().find(|s| s.0 == entry).map_or(0.0, |s| s.1);
                    pool.push(self.lexical.partial(&q, entry, share));
                }
            }
        }
        let semantic = |entry: usize| closeness.as_ref().map(|c| c[entry]);
        let asked = self.aspects.asked(query.text);
        let mut candidates = self.finish_best(&q, pool, n, signals, &semantic, asked);
        candidates.sort_by(|a, b| {
            b.similarity
                .total_cmp(&a.similarity)
                .then(
                    b.evidence
                        .lexical
                        .retrieval
                        .total_cmp(&a.evidence.lexical.retrieval),
                )
                .then(a.entry.cmp(&b.entry))
        });
        let runner_up = candidates.get(1).map_or(0.0, |c| c.similarity);
        for (i, c) in candidates.iter_mut().enumerate() {
            // Only the leader has a margin; the others trail it.
            let margin = if i == 0 {
                c.similarity - runner_up
            } else {
                0.0
            };
            c.confidence = calibrate::confidence(margin, &c.evidence);
        }
        candidates.truncate(n);
        candidates
    }

    /// Every entry the words retrieve, best first, with its BM25 score as a
    /// share of the best one's.
    fn retrieval_shares(&self, q: &Prepared) -> Vec<(usize, f64)> {
        let retrieved = self.lexical.retrieve(q, usize::MAX);
        let top = retrieved.first().map_or(1.0, |r| r.1.max(f32::EPSILON));
        retrieved
            .into_iter()
            .map(|(entry, score)| (entry, f64::from(score / top)))
            .collect()
    }

    /// Finishes the candidates that can still be among the best `n` (the
    /// runner-up always, since the leader's confidence depends on it): string
    /// comparison can lift a candidate by at most its share, so candidates
    /// are taken by how high they could rise and the rest are skipped.
    fn finish_best(
        &self,
        q: &Prepared,
        mut pool: Vec<Partial>,
        n: usize,
        signals: Signals,
        semantic: &dyn Fn(usize) -> Option<Closeness>,
        asked: AspectSet,
    ) -> Vec<Candidate> {
        let lexical_on = signals != Signals::Semantic;
        let highest = |p: &Partial| {
            let lexical = if lexical_on { p.ceiling } else { 0.0 };
            blend(lexical, semantic(p.entry).map(semantic_similarity))
        };
        pool.sort_by(|a, b| highest(b).total_cmp(&highest(a)));
        let mut candidates: Vec<Candidate> = Vec::new();
        // The similarities so far, best first.
        let mut exact: Vec<f64> = Vec::new();
        let exact_needed = n.max(2);
        for partial in pool {
            if exact
                .get(exact_needed - 1)
                .is_some_and(|last| highest(&partial) < *last)
            {
                break;
            }
            let entry = partial.entry;
            let evidence = Evidence {
                lexical: if lexical_on {
                    self.lexical.finish(q, partial)
                } else {
                    Lexical::default()
                },
                semantic: semantic(entry),
                verdict: self.aspects.verdict(asked, &self.entry_aspects[entry]),
            };
            let similarity = evidence.similarity();
            let at = exact.partition_point(|s| *s >= similarity);
            exact.insert(at, similarity);
            candidates.push(Candidate {
                entry,
                confidence: 0.0,
                similarity,
                evidence,
            });
        }
        candidates
    }
}

/// The entries closest in meaning, best first, ties by bank order.
pub(super) fn semantic_pool(closeness: &[Closeness], depth: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..closeness.len()).collect();
    order.sort_by(|&a, &b| {
        semantic_similarity(closeness[b])
            .total_cmp(&semantic_similarity(closeness[a]))
            .then(a.cmp(&b))
    });
    order.truncate(depth);
    order
}
