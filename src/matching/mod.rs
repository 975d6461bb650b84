//! Match: find the bank entry that answers a question, with a calibrated confidence.
//!
//! Two signals, each a retriever and a re-ranking feature. The lexical one
//! (`lexical.rs`) weighs what the question's words share with an entry's;
//! the semantic one (`semantic.rs`) how close they are in meaning, so that a
//! paraphrase with no shared word is still found. The union of both
//! retrievers' candidates is ranked by a blend of the two (`rerank.rs`), and
//! the leader's confidence is calibrated (`calibrate.rs`) from both signals,
//! its lead over the runner-up and the near-miss evidence.

mod analysis;
mod answerability;
pub mod cache;
mod calibrate;
pub mod followup;
mod lexical;
mod rerank;
mod retrieval;
pub mod semantic;

pub use analysis::{main_ask, normalise};
pub use answerability::Verdict;
pub use lexical::Lexical;
pub use rerank::{Candidate, Evidence};
pub use semantic::Closeness;

use crate::bank::Bank;
use crate::mappings::{Mappings, Thresholds};
use crate::model::Status;
use answerability::{Aspects, EntryAspects};
use anyhow::Result;
use followup::Leans;
use lexical::LexicalIndex;
use rayon::prelude::*;
use semantic::{BankVectors, LazyEncoder, Vectors};

/// Alternatives reported per question.
pub const ALTERNATIVES: usize = 3;

/// Which signals rank candidates: both in `fill`; one alone to measure it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Signals {
    #[default]
    Both,
    Lexical,
    Semantic,
}

/// Questions' vectors, for those that were encoded.
#[derive(Debug, Clone, Default)]
pub struct Encoded {
    vectors: Vectors,
    /// Per question, its row in `vectors`.
    rows: Vec<Option<usize>>,
}

impl Encoded {
    /// The `i`-th question as a query.
    pub fn query<'a>(&'a self, i: usize, text: &'a str) -> Query<'a> {
        Query {
            text,
            vector: self
                .rows
                .get(i)
                .copied()
                .flatten()
                .map(|r| self.vectors.row(r)),
        }
    }
}

/// A question to match: its text, and its vector when it was encoded.
#[derive(Debug, Clone, Copy)]
pub struct Query<'a> {
    pub text: &'a str,
    pub vector: Option<&'a [f32]>,
}

/// The outcome of matching one question.
#[derive(Debug, Clone)]
pub struct MatchResult {
    /// Best first; empty when nothing in the bank is near the question.
    pub candidates: Vec<Candidate>,
    pub status: Status,
    pub why: Vec<String>,
}

impl MatchResult {
    pub fn best(&self) -> Option<&Candidate> {
        self.candidates.first()
    }

    pub fn confidence(&self) -> f64 {
        self.best().map_or(0.0, |c| c.confidence)
    }
}

/// Both signals over a bank, built once and shared by every question.
pub struct Matcher {
    lexical: LexicalIndex,
    semantic: Option<BankVectors>,
    encoder: LazyEncoder,
    aspects: Aspects,
    /// What each entry says of the aspects, by entry.
    entry_aspects: Vec<EntryAspects>,
    thresholds: Thresholds,
}

impl Matcher {
    /// The lexical signal only; see [`Matcher::with_semantic`].
    pub fn new(bank: &Bank, mappings: &Mappings) -> Result<Matcher> {
        let aspects = Aspects::new(&mappings.answerability);
        // The entries' aspects and the lexical index do not depend on each other.
        let (entry_aspects, lexical) = rayon::join(
            || {
                bank.entries
                    .par_iter()
                    .map(|e| aspects.of_entry(&e.questions, &e.tags, &e.answer))
                    .collect()
            },
            || LexicalIndex::new(bank, mappings),
        );
        Ok(Matcher {
            lexical: lexical?,
            semantic: None,
            encoder: LazyEncoder::default(),
            aspects,
            entry_aspects,
            thresholds: mappings.thresholds,
        })
    }

    /// Whether, and why, a question leans on the one before it.
    pub fn leans(&self, question: &str) -> Option<Leans> {
        let main = main_ask(question).0;
        let stands_alone = self.aspects.stands_alone(&main, &analysis::is_stop_word);
        followup::leans(question, stands_alone)
    }

    /// Whether an entry speaks to everything a question asks.
    pub fn verdict(&self, question: &str, entry: usize) -> Verdict {
        self.aspects
            .verdict(self.aspects.asked(question), &self.entry_aspects[entry])
    }

    /// Adds the semantic signal: the bank's vectors (from `cache` when it
    /// holds them), `progress` told (done, total) while encoding.
    pub fn with_semantic(
        mut self,
        bank: &Bank,
        cache: &cache::Cache,
        progress: &dyn Fn(usize, usize),
    ) -> Result<Matcher> {
        self.semantic = Some(BankVectors::build(bank, cache, &self.encoder, progress)?);
        Ok(self)
    }

    pub fn with_thresholds(mut self, t: Thresholds) -> Self {
        self.thresholds = t;
        self
    }

    pub fn thresholds(&self) -> Thresholds {
        self.thresholds
    }

    pub fn has_semantic(&self) -> bool {
        self.semantic.is_some()
    }

    /// Encodes the questions that need it, each distinct text once: none
    /// when the semantic signal is off, and no question a variant says word
    /// for word (a repeat questionnaire never loads the encoder).
    pub fn encode_questions(&self, texts: &[&str], signals: Signals) -> Result<Encoded> {
        if signals == Signals::Lexical {
            return Ok(Encoded::default());
        }
        let mut distinct: Vec<String> = Vec::new();
        let mut seen: rustc_hash::FxHashMap<String, usize> = Default::default();
        let mut rows = Vec::with_capacity(texts.len());
        for text in texts {
            // Measured alone, the semantic signal sees every question.
            let needs = self.semantic.is_some()
                && (signals == Signals::Semantic || !self.lexical.is_verbatim(text));
            rows.push(needs.then(|| {
                let prepared = semantic::prepare(text);
                *seen.entry(prepared.clone()).or_insert_with(|| {
                    distinct.push(prepared);
                    distinct.len() - 1
                })
            }));
        }
        let vectors = if distinct.is_empty() {
            Vectors::default()
        } else {
            let refs: Vec<&str> = distinct.iter().map(String::as_str).collect();
            self.encoder
                .get()?
                .encode(&refs, semantic::QUESTION_TOKENS, &|_| {})?
        };
        Ok(Encoded { vectors, rows })
    }

    /// Lexical retrieval only: entries by BM25 score, best first, ties by bank order.
    pub fn retrieve(&self, question: &str, limit: usize) -> Vec<(usize, f32)> {
        let q = self.lexical.prepare(question);
        self.lexical.retrieve(&q, limit)
    }

    /// The best candidate and alternatives, with a status.
    pub fn match_question(&self, query: Query, signals: Signals) -> MatchResult {
        let candidates = self.rank(query, ALTERNATIVES + 1, signals);
        let confidence = candidates.first().map_or(0.0, |c| c.confidence);
        let mut status = self.status_for(confidence);
        let mut why = vec![format!("match {confidence:.2}")];
        if let [first, rest @ ..] = candidates.as_slice() {
            let margin = first.similarity - rest.first().map_or(0.0, |c| c.similarity);
            let lex = &first.evidence.lexical;
            let semantic = match first.evidence.semantic {
                Some(c) => format!(
                    ", meaning {:.2} (variant {:.2}, answer {:.2})",
                    first.evidence.semantic_similarity().unwrap_or_default(),
                    c.variant,
                    c.answer
                ),
                None => String::new(),
            };
            why.push(format!(
                "similarity {:.2}: words {:.2} (coverage {:.2}, variant {:.2}){semantic}, margin {margin:.2}",
                first.similarity,
                lex.similarity(),
                lex.covered,
                lex.variant
            ));
            if let Some((term, weight)) = &lex.missing {
                why.push(format!("entry never mentions `{term}` ({weight:.2})"));
            }
            why.extend(self.aspects.explain(&first.evidence.verdict));
            // Said only where it holds an answer back: on a suggestion the
            // words may not match either.
            if let Some(c) = first.evidence.semantic
                && c.variant < calibrate::MEANING_FLOOR
                && !lex.concept
                && status == Status::Auto
            {
                status = status.min_with(Status::Review);
                why.push(format!(
                    "the words match but not the meaning (closeness {:.2} to the entry's questions) and no synonym group links them: a word may be used in another sense",
                    c.variant
                ));
            }
            // An entry on the topic that does not answer what is asked is a
            // suggestion for a person, however close it is.
            if first.evidence.verdict.blocks() {
                status = status.min_with(Status::Review);
            }
        }
        MatchResult {
            candidates,
            status,
            why,
        }
    }

    pub fn status_for(&self, confidence: f64) -> Status {
        if confidence >= self.thresholds.auto {
            Status::Auto
        } else if confidence >= self.thresholds.review {
            Status::Review
        } else {
            Status::None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::rerank::{RERANK_DEPTH, semantic_pool};
    use super::*;

    fn matcher() -> (Bank, Matcher) {
        let l = crate::testing::loaded();
        (l.bank, l.matcher)
    }

    fn text(q: &str) -> Query<'_> {
        Query {
            text: q,
            vector: None,
        }
    }

    #[test]
    fn skipping_string_comparisons_never_changes_the_ranking() {
        let (_, m) = matcher();
        for q in [
            "Do you encrypt customer data at rest?",
            "Is multi-factor authentication enforced for administrators?",
            "How often do you run penetration tests?",
            "Describe your incident response process.",
            "Does your certification cover the mobile app?",
        ] {
            // Asked for all it retrieves, nothing can be skipped: the oracle.
            let all = m.rank(text(q), RERANK_DEPTH, Signals::Both);
            let shown = m.rank(text(q), ALTERNATIVES + 1, Signals::Both);
            let key = |c: &Candidate| (c.entry, c.similarity, c.confidence);
            let expected: Vec<_> = all.iter().take(ALTERNATIVES + 1).map(key).collect();
            assert_eq!(shown.iter().map(key).collect::<Vec<_>>(), expected, "{q}");
            assert_eq!(
                key(&m.rank(text(q), 1, Signals::Both)[0]),
                key(&all[0]),
                "{q}"
            );
        }
        assert!(
            m.rank(text("Do you encrypt data?"), 0, Signals::Both)
                .is_empty()
        );
    }

    #[test]
    fn a_candidates_similarity_does_not_depend_on_how_deep_the_pools_are() {
        let (bank, m) = matcher();
        let m = m
            .with_semantic(&bank, &cache::Cache::none(), &|_, _| {})
            .unwrap();
        for q in [
            "How soon after an involuntary termination is the person's account disabled?",
            "What technical measures detect or block the exfiltration of confidential documents?",
            "CCTV coverage and badge access for your server rooms",
            "Who signs off production deployments?",
        ] {
            let encoded = m.encode_questions(&[q], Signals::Both).unwrap();
            let deep = m.rank(encoded.query(0, q), 60, Signals::Both);
            assert!(deep.iter().all(|c| c.evidence.semantic.is_some()), "{q}");
            // Every candidate shallower pools finish is scored as the deep ones score it.
            for n in [1, RERANK_DEPTH] {
                let shallow = m.rank(encoded.query(0, q), n, Signals::Both);
                assert!(!shallow.is_empty(), "{q}");
                for c in &shallow {
                    let d = deep.iter().find(|d| d.entry == c.entry).unwrap();
                    assert_eq!(
                        c.similarity, d.similarity,
                        "{q} (n = {n}): entry {}",
                        c.entry
                    );
                }
            }
        }
    }

    #[test]
    fn query_syntax_in_questions_is_just_text() {
        let (_, m) = matcher();
        for q in [
            "\"unbalanced",
            "title:foo AND (bar",
            "*",
            "a:b:c [x TO y] ^2 ~",
            "",
            "??",
        ] {
            let r = m.match_question(text(q), Signals::Both);
            assert!(r.confidence() < 0.8, "{q}: {}", r.confidence());
        }
    }

    #[test]
    fn equal_scores_rank_in_bank_order() {
        let m = Mappings::builtin().unwrap();
        let entry = |id: &str| crate::testing::entry(id, "Do you keep a risk register?").build();
        // Two entries that say exactly the same: the first in the bank leads,
        // whichever way round the files list them.
        for (a, b) in [("zeta.same", "alpha.same"), ("alpha.same", "zeta.same")] {
            let bank = crate::testing::bank(vec![entry(a), entry(b)]);
            let matcher = Matcher::new(&bank, &m).unwrap();
            let ranked = matcher.rank(text("Do you keep a risk register?"), 2, Signals::Both);
            assert_eq!(ranked[0].similarity, ranked[1].similarity);
            assert_eq!(
                bank.entries[ranked[0].entry].id, a,
                "first in the bank first"
            );
        }
    }

    #[test]
    fn the_semantic_pool_is_by_blended_closeness_then_bank_order() {
        let c = [
            Closeness {
                variant: 0.5,
                answer: 0.5,
            },
            Closeness {
                variant: 0.9,
                answer: 0.1,
            },
            Closeness {
                variant: 0.5,
                answer: 0.5,
            },
        ];
        // 0.5, 0.66, 0.5: the second first, then the two equal ones in order.
        assert_eq!(semantic_pool(&c, 3), vec![1, 0, 2]);
        assert_eq!(semantic_pool(&c, 1), vec![1]);
    }
}
