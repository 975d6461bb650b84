//! Match: find the bank entry that answers a question, with a calibrated confidence.
//!
//! Two stages. Retrieval (`retrieval.rs`): a tantivy in-memory index over
//! every question variant, with English stemming, stop words and synonym
//! groups applied to both sides (`analysis.rs`). Re-ranking: for the top
//! candidates, IDF-weighted overlap of the distinctive terms plus strsim
//! similarity of the normalised texts, against each variant; the best variant
//! speaks for the entry.

mod analysis;
mod retrieval;

pub use analysis::{main_ask, normalise};

use crate::bank::{Bank, Entry};
use crate::mappings::{Mappings, Thresholds};
use crate::model::Status;
use analysis::{Analysis, Terms};
use anyhow::Result;
use rayon::prelude::*;
use retrieval::{Doc, Retriever};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeSet;

/// Candidates taken from retrieval into re-ranking.
const RERANK_DEPTH: usize = 8;
/// Alternatives reported per question.
const ALTERNATIVES: usize = 3;

/// A candidate entry for a question.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub entry: usize,
    pub confidence: f64,
    /// Re-ranking similarity, before calibration.
    pub similarity: f64,
    pub evidence: Evidence,
    /// Retrieval (BM25) score, for `--stages` and explanations.
    pub retrieval: f32,
}

/// What the re-ranker saw in a candidate.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    /// Share of the question's distinctive terms the entry speaks to anywhere.
    pub covered: f64,
    /// How closely the best question variant says the same thing.
    pub variant: f64,
    /// The most distinctive question term this entry never uses though other
    /// entries do: the sign of a near miss (another system, law or data type).
    pub missing: Option<(String, f64)>,
}

/// The outcome of matching one question.
#[derive(Debug, Clone)]
pub struct MatchResult {
    /// Best first; empty when nothing in the bank shares a term with the question.
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

/// The index over a bank and what re-ranking knows of each entry, built once
/// and shared by every question.
pub struct Matcher {
    retriever: Retriever,
    analysis: Analysis,
    /// Every term of the bank, numbered, so that re-ranking compares numbers.
    vocabulary: FxHashMap<String, u32>,
    /// IDF by term number; a term the bank never uses has `max_idf`.
    idf: Vec<f64>,
    max_idf: f64,
    /// Question variants per entry.
    variants: Vec<Vec<Variant>>,
    /// Per entry, where each of its terms appears: 1.0 in a question variant,
    /// 0.8 among the keywords, 0.5 only in the answer.
    places: Vec<FxHashMap<u32, f64>>,
    /// Analysed words of every synonym term.
    synonym_words: FxHashSet<String>,
    thresholds: Thresholds,
}

/// The size of a text as Sørensen–Dice counts it: whitespace left out.
#[derive(Debug, Clone, Copy)]
struct DiceSize {
    chars: usize,
    bytes: usize,
}

impl DiceSize {
    fn of(text: &str) -> DiceSize {
        let kept = text.chars().filter(|c| !c.is_whitespace());
        let (chars, bytes) = kept.fold((0, 0), |(n, b), c| (n + 1, b + c.len_utf8()));
        DiceSize { chars, bytes }
    }

    /// The highest `strsim::sorensen_dice` two texts of these sizes can
    /// reach: every bigram of the shorter shared, over the same denominator.
    fn ceiling(self, other: DiceSize) -> f64 {
        if self.chars == other.chars && self.bytes == other.bytes {
            return 1.0; // the texts may be equal
        }
        if self.bytes < 2 || other.bytes < 2 {
            return 0.0;
        }
        let shared = self.chars.min(other.chars).saturating_sub(1);
        (2 * shared) as f64 / (self.bytes + other.bytes - 2) as f64
    }
}

/// A question variant as re-ranking reads it.
struct Variant {
    /// Its term numbers, sorted.
    terms: Vec<u32>,
    /// Σ weight × IDF of its terms.
    mass: f64,
    /// The normalised main ask, lowercased, for string similarity.
    text: String,
    size: DiceSize,
}

/// An entry analysed once, for both the index and the re-ranker.
struct AnalysedEntry {
    variants: Vec<AnalysedVariant>,
    answer: Terms,
    answer_doc: String,
    keywords: Terms,
    keyword_doc: String,
}

struct AnalysedVariant {
    terms: Terms,
    text: String,
    /// The main ask with its synonym tokens, as indexed.
    doc: String,
}

impl AnalysedEntry {
    fn new(analysis: &Analysis, e: &Entry) -> AnalysedEntry {
        let keyword_text = keyword_text(e);
        let (answer_doc, answer_tokens) = analysis.expand_and_tokens(&normalise(&e.answer));
        AnalysedEntry {
            variants: e
                .questions
                .iter()
                .map(|q| {
                    let (main, follow) = main_ask(q);
                    let main = normalise(&main);
                    let (doc, tokens) = analysis.expand_and_tokens(&main);
                    AnalysedVariant {
                        terms: analysis.with_follow_up(Terms::of(&tokens, 1.0), &follow),
                        text: main.to_lowercase(),
                        doc,
                    }
                })
                .collect(),
            answer: Terms::of(&answer_tokens, 1.0),
            answer_doc,
            keywords: analysis.terms(&keyword_text, 1.0),
            keyword_doc: analysis.expand(&keyword_text),
        }
    }

    /// Every distinct term of the entry.
    fn terms(&self) -> BTreeSet<&String> {
        self.variants
            .iter()
            .flat_map(|v| v.terms.keys())
            .chain(self.answer.keys())
            .chain(self.keywords.keys())
            .collect()
    }
}

/// A question made ready for matching, once.
struct Prepared {
    /// Weighted terms, for retrieval.
    terms: Terms,
    /// The same terms, in the same order, as re-ranking reads them.
    scored: Vec<Scored>,
    /// Σ weight × IDF.
    mass: f64,
    /// The normalised main ask, lowercased, for string similarity.
    text: String,
    size: DiceSize,
    /// What the question is about (see `key_objects`), with term numbers.
    key_objects: Vec<(String, Option<u32>)>,
}

/// A candidate's shared terms, before any string comparison.
#[derive(Default)]
struct Overlap {
    covered: f64,
    missing: Option<(String, f64)>,
    /// The variants sharing the most terms with the question: their F1 and
    /// the highest similarity string comparison could give them.
    closest: Vec<Closest>,
}

struct Closest {
    variant: usize,
    f1: f64,
    ceiling: f64,
}

impl Overlap {
    /// The highest closest-variant similarity the strings could give.
    fn variant_ceiling(&self) -> f64 {
        self.closest.iter().map(|c| c.ceiling).fold(0.0, f64::max)
    }
}

struct Scored {
    term: Option<u32>,
    weight: f64,
    idf: f64,
}

impl Matcher {
    pub fn new(bank: &Bank, mappings: &Mappings) -> Result<Matcher> {
        let analysis = Analysis::new(&mappings.synonyms);
        let analysed: Vec<AnalysedEntry> = bank
            .entries
            .par_iter()
            .map(|e| AnalysedEntry::new(&analysis, e))
            .collect();
        let docs = analysed.iter().enumerate().flat_map(|(entry, a)| {
            a.variants.iter().map(move |v| Doc {
                entry,
                question: &v.doc,
                keywords: &a.keyword_doc,
                answer: &a.answer_doc,
            })
        });
        // The index and the re-ranking tables do not depend on each other.
        let (retriever, (vocabulary, idf)) = rayon::join(
            || Retriever::build(&analysis.analyzer, docs),
            || idf_table(&analysed),
        );
        let retriever = retriever?;
        let max_idf = idf_value(0, analysed.iter().map(|a| a.variants.len()).sum());
        let variants = variant_table(&analysed, &vocabulary, &idf);
        let places = place_table(&analysed, &vocabulary);
        let synonym_words = analysis
            .synonym_words()
            .filter(|t| !t.starts_with("qsyn"))
            .cloned()
            .collect();
        Ok(Matcher {
            retriever,
            analysis,
            vocabulary,
            idf,
            max_idf,
            variants,
            places,
            synonym_words,
            thresholds: mappings.thresholds,
        })
    }

    pub fn with_thresholds(mut self, t: Thresholds) -> Self {
        self.thresholds = t;
        self
    }

    /// A question's terms for scoring: a spelling the bank never uses but a
    /// synonym group knows ("2FA") is carried by the group's token and would
    /// otherwise count as an unmatched rare word.
    fn known_or_plain(&self, mut t: Terms) -> Terms {
        t.weights.retain(|term, _| {
            self.vocabulary.contains_key(term) || !self.synonym_words.contains(term)
        });
        t
    }

    fn prepare(&self, question: &str) -> Prepared {
        let (main, follow) = main_ask(question);
        let normalised = normalise(&main);
        // Analysed once: the tokens and the synonym groups they name serve
        // both the terms and the key objects.
        let tokens = self.analysis.analyse(&normalised);
        let groups: Vec<String> = self
            .analysis
            .groups_in(&tokens)
            .into_iter()
            .cloned()
            .collect();
        let mut main_terms = Terms::of(&tokens, 1.0);
        main_terms.add_missing(Terms::of(&groups, 1.0));
        let terms = self.known_or_plain(self.analysis.with_follow_up(main_terms, &follow));
        let scored: Vec<Scored> = terms
            .weights
            .iter()
            .map(|(t, w)| {
                let term = self.vocabulary.get(t).copied();
                Scored {
                    term,
                    weight: *w,
                    idf: self.idf_of(term),
                }
            })
            .collect();
        let mass = scored.iter().map(|s| s.weight * s.idf).sum();
        let key_objects = self
            .key_objects(&main, groups)
            .into_iter()
            .map(|t| {
                let n = self.vocabulary.get(&t).copied();
                (t, n)
            })
            .collect();
        let text = normalised.to_lowercase();
        Prepared {
            terms,
            scored,
            mass,
            size: DiceSize::of(&text),
            text,
            key_objects,
        }
    }

    fn idf_of(&self, term: Option<u32>) -> f64 {
        term.map_or(self.max_idf, |t| self.idf[t as usize])
    }

    /// Retrieval only: entries by BM25 score, best first, ties by bank order.
    pub fn retrieve(&self, question: &str, limit: usize) -> Vec<(usize, f32)> {
        self.retriever
            .retrieve(&self.prepare(question).terms, limit)
    }

    /// Retrieval plus re-ranking: up to `n` candidates, best first.
    pub fn rank(&self, question: &str, n: usize) -> Vec<Candidate> {
        let q = self.prepare(question);
        let retrieved = self.retriever.retrieve(&q.terms, RERANK_DEPTH.max(n));
        let top = retrieved.first().map_or(1.0, |r| r.1.max(f32::EPSILON));
        // Mostly what the entry covers of the question, some of how closely a
        // variant says it, a little of the BM25 rank.
        let similarity = |covered: f64, variant: f64, retrieval: f32| {
            let local = COVERAGE_WEIGHT * covered + (1.0 - COVERAGE_WEIGHT) * variant;
            (1.0 - RETRIEVAL_WEIGHT) * local + RETRIEVAL_WEIGHT * f64::from(retrieval / top)
        };
        // String similarity can lift a candidate by at most its share: taken
        // in order of how high they could rise, candidates stop being compared
        // character by character once `n` are known to be better.
        let mut overlaps: Vec<(usize, f32, Overlap, f64)> = retrieved
            .into_iter()
            .map(|(entry, retrieval)| {
                let o = self.overlap(&q, entry);
                let highest = similarity(o.covered, o.variant_ceiling(), retrieval);
                (entry, retrieval, o, highest)
            })
            .collect();
        overlaps.sort_by(|a, b| b.3.total_cmp(&a.3));
        let mut candidates: Vec<Candidate> = Vec::new();
        // The similarities so far, best first. The runner-up is always exact:
        // the leader's confidence depends on it.
        let mut exact: Vec<f64> = Vec::new();
        let exact_needed = n.max(2);
        for (entry, retrieval, overlap, highest) in overlaps {
            if exact
                .get(exact_needed - 1)
                .is_some_and(|last| highest < *last)
            {
                break;
            }
            let evidence = self.finish(&q, entry, overlap);
            let similarity = similarity(evidence.covered, evidence.variant, retrieval);
            let at = exact.partition_point(|s| *s >= similarity);
            exact.insert(at, similarity);
            candidates.push(Candidate {
                entry,
                confidence: 0.0,
                similarity,
                evidence,
                retrieval,
            });
        }
        candidates.sort_by(|a, b| {
            b.similarity
                .total_cmp(&a.similarity)
                .then(b.retrieval.total_cmp(&a.retrieval))
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
            c.confidence = calibrate(c.similarity, margin, &c.evidence);
        }
        candidates.truncate(n);
        candidates
    }

    /// The best candidate and alternatives, with a status.
    pub fn match_question(&self, question: &str) -> MatchResult {
        let candidates = self.rank(question, ALTERNATIVES + 1);
        let confidence = candidates.first().map_or(0.0, |c| c.confidence);
        let status = self.status_for(confidence);
        let mut why = vec![format!("match {confidence:.2}")];
        if let [first, rest @ ..] = candidates.as_slice() {
            let margin = first.similarity - rest.first().map_or(0.0, |c| c.similarity);
            why.push(format!(
                "similarity {:.2} (coverage {:.2}, variant {:.2}), margin {margin:.2}",
                first.similarity, first.evidence.covered, first.evidence.variant
            ));
            if let Some((term, weight)) = &first.evidence.missing {
                why.push(format!("entry never mentions `{term}` ({weight:.2})"));
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

    /// What an entry shares with the question, term by term.
    fn overlap(&self, q: &Prepared, entry: usize) -> Overlap {
        if q.mass == 0.0 {
            return Overlap::default();
        }
        let places = &self.places[entry];
        let place = |t: Option<u32>| t.and_then(|t| places.get(&t)).copied().unwrap_or(0.0);
        let covered = q
            .scored
            .iter()
            .map(|s| s.weight * s.idf * place(s.term))
            .sum::<f64>()
            / q.mass;
        let missing = q
            .key_objects
            .iter()
            .filter(|(_, n)| place(*n) == 0.0)
            .map(|(t, n)| (t.clone(), self.idf_of(*n) / self.max_idf))
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        let variants = &self.variants[entry];
        let f1s: Vec<f64> = variants
            .iter()
            .map(|v| {
                let shared: f64 = q
                    .scored
                    .iter()
                    .filter(|s| s.term.is_some_and(|t| v.terms.binary_search(&t).is_ok()))
                    .map(|s| s.weight * s.idf)
                    .sum();
                let cov_q = shared / q.mass;
                let cov_v = if v.mass > 0.0 { shared / v.mass } else { 0.0 };
                if shared > 0.0 {
                    2.0 * cov_q * cov_v / (cov_q + cov_v)
                } else {
                    0.0
                }
            })
            .collect();
        // Only the variants that share the most terms are compared as strings.
        let top = f1s.iter().copied().fold(0.0, f64::max);
        Overlap {
            covered: covered.min(1.0),
            missing,
            closest: f1s
                .into_iter()
                .enumerate()
                .filter(|(_, f1)| *f1 >= top - 0.1)
                .map(|(i, f1)| Closest {
                    variant: i,
                    f1,
                    ceiling: VARIANT_F1_WEIGHT * f1
                        + (1.0 - VARIANT_F1_WEIGHT) * q.size.ceiling(variants[i].size),
                })
                .collect(),
        }
    }

    /// The evidence: the overlap plus how closely the closest variant says the same thing.
    fn finish(&self, q: &Prepared, entry: usize, overlap: Overlap) -> Evidence {
        let variants = &self.variants[entry];
        let mut closest = overlap.closest;
        closest.sort_by(|a, b| b.ceiling.total_cmp(&a.ceiling));
        let mut variant: f64 = 0.0;
        for c in closest {
            // Taken by how high they could reach: the rest cannot beat the best.
            if c.ceiling <= variant {
                break;
            }
            let string_part = (1.0 - VARIANT_F1_WEIGHT)
                * strsim::sorensen_dice(&q.text, &variants[c.variant].text);
            variant = variant.max(VARIANT_F1_WEIGHT * c.f1 + string_part);
        }
        Evidence {
            covered: overlap.covered,
            variant,
            missing: overlap.missing,
        }
    }

    /// The things a question is about, as analysed terms: the concepts of the
    /// synonym groups it names, and its acronyms and proper names (systems,
    /// regulators, standards, vendors). An entry that names none of them while
    /// other entries do is likely about something else.
    fn key_objects(&self, main_ask: &str, groups: Vec<String>) -> Vec<String> {
        let mut out = groups;
        let mut sentence_start = true;
        for word in main_ask.split_whitespace() {
            let w = word.trim_matches(|c: char| !c.is_alphanumeric());
            // "(IRP)" spells out the words before it; it names nothing new.
            let defined = word.starts_with('(');
            let acronym = !defined
                && w.len() >= 2
                && w.chars().filter(|c| c.is_ascii_uppercase()).count() >= 2;
            let proper =
                !sentence_start && w.chars().next().is_some_and(char::is_uppercase) && w.len() > 2;
            sentence_start = word.ends_with(['.', '?', '!', ':']);
            // Standard numbers such as 22301 or 27701 name what is asked about.
            let number = w.len() >= 4 && w.chars().all(|c| c.is_ascii_digit());
            if acronym || proper || number {
                out.extend(
                    self.analysis
                        .tokens(w)
                        .into_iter()
                        .filter(|t| !t.starts_with("qsyn") && !self.synonym_words.contains(t)),
                );
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// The terms a question is matched by.
    #[cfg(test)]
    pub fn analysed(&self, text: &str) -> Vec<String> {
        self.prepare(text).terms.keys().cloned().collect()
    }
}

/// Turns similarity, lead over the runner-up and near-miss evidence into a
/// confidence in [0, 1]. Calibrated with `qfill eval` so that `auto` answers
/// (at the shipped threshold) are right at least 98% of the time.
fn calibrate(similarity: f64, margin: f64, evidence: &Evidence) -> f64 {
    let miss = evidence.missing.as_ref().map_or(0.0, |(_, w)| *w);
    let raw = similarity + MARGIN_WEIGHT * margin - MISSING_WEIGHT * miss;
    1.0 / (1.0 + (-CAL_SLOPE * (raw - CAL_MIDPOINT)).exp())
}

// Calibration, fitted with `qfill eval` on the development set (see README,
// "Quality"): a few global weights, never per-question rules.
const MARGIN_WEIGHT: f64 = 2.0;
const MISSING_WEIGHT: f64 = 0.4;
const CAL_SLOPE: f64 = 8.0;
const CAL_MIDPOINT: f64 = 0.672;
/// Share of coverage (vs closest-variant similarity) in the local similarity.
const COVERAGE_WEIGHT: f64 = 0.8;
/// Share of the BM25 rank in the similarity.
const RETRIEVAL_WEIGHT: f64 = 0.1;
/// Share of term overlap (vs string similarity) in a variant's similarity.
const VARIANT_F1_WEIGHT: f64 = 0.75;

fn idf_value(df: usize, n: usize) -> f64 {
    (1.0 + (n as f64 - df as f64 + 0.5) / (df as f64 + 0.5)).ln()
}

/// Numbers every term of the bank (in term order) with its IDF over the
/// entries, each entry counted once.
fn idf_table(analysed: &[AnalysedEntry]) -> (FxHashMap<String, u32>, Vec<f64>) {
    let mut df: std::collections::BTreeMap<&String, usize> = Default::default();
    for a in analysed {
        for t in a.terms() {
            *df.entry(t).or_insert(0) += 1;
        }
    }
    let n = analysed.len();
    let mut vocabulary = FxHashMap::default();
    let mut idf = Vec::with_capacity(df.len());
    for (i, (t, d)) in df.into_iter().enumerate() {
        vocabulary.insert(t.clone(), i as u32);
        idf.push(idf_value(d, n));
    }
    (vocabulary, idf)
}

/// Every entry's question variants as re-ranking reads them.
fn variant_table(
    analysed: &[AnalysedEntry],
    vocabulary: &FxHashMap<String, u32>,
    idf: &[f64],
) -> Vec<Vec<Variant>> {
    // Every analysed term is in the vocabulary: it was made from them.
    let number = |t: &String| vocabulary[t];
    let variant = |v: &AnalysedVariant| {
        let mut terms: Vec<u32> = v.terms.keys().map(number).collect();
        terms.sort_unstable();
        Variant {
            terms,
            mass: v
                .terms
                .weights
                .iter()
                .map(|(t, w)| w * idf[number(t) as usize])
                .sum(),
            text: v.text.clone(),
            size: DiceSize::of(&v.text),
        }
    };
    analysed
        .iter()
        .map(|a| a.variants.iter().map(variant).collect())
        .collect()
}

/// Per entry, where each of its terms appears: 1.0 in a question variant,
/// 0.8 among the keywords, 0.5 only in the answer.
fn place_table(
    analysed: &[AnalysedEntry],
    vocabulary: &FxHashMap<String, u32>,
) -> Vec<FxHashMap<u32, f64>> {
    let places = |a: &AnalysedEntry| {
        let mut p: FxHashMap<u32, f64> = FxHashMap::default();
        let variant_terms = a.variants.iter().flat_map(|v| v.terms.keys());
        for (t, place) in a
            .answer
            .keys()
            .map(|t| (t, 0.5))
            .chain(a.keywords.keys().map(|t| (t, 0.8)))
            .chain(variant_terms.map(|t| (t, 1.0)))
        {
            let slot = p.entry(vocabulary[t]).or_insert(0.0);
            *slot = f64::max(*slot, place);
        }
        p
    };
    analysed.iter().map(places).collect()
}

/// The curator's keywords: tags, and the words of the id (`people.offboarding`).
fn keyword_text(e: &Entry) -> String {
    let id_words = e.id.replace(['.', '-', '_'], " ");
    format!("{} {}", e.tags.join(" "), id_words)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{DEFAULT_BANK, embedded_toml_files};

    fn matcher() -> (Bank, Matcher) {
        let m = Mappings::builtin().unwrap();
        let bank = Bank::load(&embedded_toml_files(&DEFAULT_BANK, "answer-bank"), &m).unwrap();
        let matcher = Matcher::new(&bank, &m).unwrap();
        (bank, matcher)
    }

    proptest::proptest! {
        #[test]
        fn the_dice_ceiling_is_never_below_strsim(a in "[ a-cé\t]{0,12}", b in "[ a-cé]{0,12}") {
            let ceiling = DiceSize::of(&a).ceiling(DiceSize::of(&b));
            proptest::prop_assert!(ceiling >= strsim::sorensen_dice(&a, &b), "{a:?} {b:?}");
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
            let all = m.rank(q, RERANK_DEPTH);
            let shown = m.rank(q, ALTERNATIVES + 1);
            let key = |c: &Candidate| (c.entry, c.similarity, c.confidence);
            let expected: Vec<_> = all.iter().take(ALTERNATIVES + 1).map(key).collect();
            assert_eq!(shown.iter().map(key).collect::<Vec<_>>(), expected, "{q}");
            assert_eq!(key(&m.rank(q, 1)[0]), key(&all[0]), "{q}");
        }
        assert!(m.rank("Do you encrypt data?", 0).is_empty());
    }

    #[test]
    fn synonyms_meet_across_spellings() {
        let (_, m) = matcher();
        let a = m.analysed("Is 2FA required?");
        let b = m.analysed("Is multi-factor authentication required?");
        let shared: Vec<_> = a.iter().filter(|t| b.contains(t)).collect();
        assert!(shared.iter().any(|t| t.starts_with("qsyn")), "{a:?} {b:?}");
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
            let r = m.match_question(q);
            assert!(r.confidence() < 0.8, "{q}: {}", r.confidence());
        }
    }

    #[test]
    fn results_are_repeatable_and_ties_break_by_bank_order() {
        let (_, m) = matcher();
        let q = "Do you encrypt customer data at rest?";
        let a: Vec<_> = m.retrieve(q, 8);
        let b: Vec<_> = m.retrieve(q, 8);
        assert_eq!(a, b);
    }
}
