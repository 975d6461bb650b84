//! The lexical signal: what an entry's words share with a question's.
//!
//! Retrieval (`retrieval.rs`) finds entries by BM25 over every question
//! variant; re-ranking then weighs, for each candidate, the share of the
//! question's distinctive terms the entry speaks to (IDF-weighted), how
//! closely its best variant says the same thing (term F1 and string
//! similarity), and the distinctive objects of the question it never names.

use super::analysis::{Analysis, Terms, main_ask, normalise};
use super::retrieval::{Doc, Retriever};
use crate::bank::{Bank, Entry};
use crate::mappings::Mappings;
use anyhow::Result;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeSet;

/// Share of coverage (vs closest-variant similarity) in the lexical similarity.
const COVERAGE_WEIGHT: f64 = 0.8;
/// Share of the BM25 rank in the lexical similarity.
const RETRIEVAL_WEIGHT: f64 = 0.1;
/// Share of term overlap (vs string similarity) in a variant's similarity.
const VARIANT_F1_WEIGHT: f64 = 0.75;

/// What the lexical re-ranker saw in a candidate.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lexical {
    /// Share of the question's distinctive terms the entry speaks to anywhere.
    pub covered: f64,
    /// How closely the best question variant says the same thing.
    pub variant: f64,
    /// The BM25 score as a share of the best retrieved entry's (0 when the
    /// entry was not retrieved lexically).
    pub retrieval: f64,
    /// Share of the closest variant's terms the question uses: low when the
    /// entry asks something narrower or else ("privacy settings" for
    /// "secure settings").
    pub reverse: f64,
    /// The most distinctive question term this entry never uses though other
    /// entries do: the sign of a near miss (another system, law or data type).
    pub missing: Option<(String, f64)>,
    /// Whether the entry names a concept of a synonym group the question
    /// names: a curated meaning shared, not only a word that may have another.
    pub concept: bool,
}

impl Lexical {
    /// The lexical similarity in [0, 1].
    pub fn similarity(&self) -> f64 {
        let local = COVERAGE_WEIGHT * self.covered + (1.0 - COVERAGE_WEIGHT) * self.variant;
        (1.0 - RETRIEVAL_WEIGHT) * local + RETRIEVAL_WEIGHT * self.retrieval
    }

    /// The highest similarity a candidate could reach once its strings are
    /// compared: string similarity can lift it by at most its share.
    fn ceiling(overlap: &Overlap, retrieval: f64) -> f64 {
        Lexical {
            covered: overlap.covered,
            variant: overlap.variant_ceiling(),
            retrieval,
            reverse: overlap.reverse,
            missing: None,
            concept: overlap.concept,
        }
        .similarity()
    }
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

/// A question made ready for lexical matching, once.
pub struct Prepared {
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
    /// The synonym groups the question names, by term number.
    concepts: Vec<u32>,
}

struct Scored {
    term: Option<u32>,
    weight: f64,
    idf: f64,
}

/// A candidate's shared terms, before any string comparison.
#[derive(Default)]
pub struct Overlap {
    covered: f64,
    reverse: f64,
    missing: Option<(String, f64)>,
    concept: bool,
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

/// The index over a bank and what re-ranking knows of each entry, built once
/// and shared by every question.
pub struct LexicalIndex {
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
    /// Every variant's normalised text, lowercased.
    verbatim: FxHashSet<String>,
}

/// A lexical candidate, its evidence partly computed.
pub struct Partial {
    pub entry: usize,
    pub retrieval: f64,
    overlap: Overlap,
    /// The highest lexical similarity string comparison could give it.
    pub ceiling: f64,
}

impl LexicalIndex {
    pub fn new(bank: &Bank, mappings: &Mappings) -> Result<LexicalIndex> {
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
        let verbatim = analysed
            .iter()
            .flat_map(|a| a.variants.iter().map(|v| v.text.clone()))
            .collect();
        Ok(LexicalIndex {
            retriever,
            analysis,
            vocabulary,
            idf,
            max_idf,
            variants,
            places,
            synonym_words,
            verbatim,
        })
    }

    /// Whether some variant says exactly what the question says.
    pub fn is_verbatim(&self, question: &str) -> bool {
        self.verbatim
            .contains(&normalise(&main_ask(question).0).to_lowercase())
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

    pub fn prepare(&self, question: &str) -> Prepared {
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
        let concepts = groups
            .iter()
            .filter_map(|g| self.vocabulary.get(g).copied())
            .collect();
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
            concepts,
        }
    }

    fn idf_of(&self, term: Option<u32>) -> f64 {
        term.map_or(self.max_idf, |t| self.idf[t as usize])
    }

    /// Entries by BM25 score, best first, ties by bank order.
    pub fn retrieve(&self, q: &Prepared, limit: usize) -> Vec<(usize, f32)> {
        self.retriever.retrieve(&q.terms, limit)
    }

    /// What an entry shares with the question, term by term, and the highest
    /// similarity its strings could add.
    pub fn partial(&self, q: &Prepared, entry: usize, retrieval: f64) -> Partial {
        let overlap = self.overlap(q, entry);
        Partial {
            entry,
            retrieval,
            ceiling: Lexical::ceiling(&overlap, retrieval),
            overlap,
        }
    }

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
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|(t, w)| (self.analysis.display(&t), w));
        let concept = q.concepts.iter().any(|&t| place(Some(t)) > 0.0);
        let variants = &self.variants[entry];
        // Per variant: F1 of the shared terms, and the variant's share of them.
        let scores: Vec<(f64, f64)> = variants
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
                let f1 = if shared > 0.0 {
                    2.0 * cov_q * cov_v / (cov_q + cov_v)
                } else {
                    0.0
                };
                (f1, cov_v.min(1.0))
            })
            .collect();
        let f1s: Vec<f64> = scores.iter().map(|s| s.0).collect();
        let reverse = scores
            .iter()
            .copied()
            .max_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)))
            .map_or(0.0, |s| s.1);
        // Only the variants that share the most terms are compared as strings.
        let top = f1s.iter().copied().fold(0.0, f64::max);
        Overlap {
            covered: covered.min(1.0),
            reverse,
            missing,
            concept,
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
    pub fn finish(&self, q: &Prepared, partial: Partial) -> Lexical {
        let variants = &self.variants[partial.entry];
        let mut closest = partial.overlap.closest;
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
        Lexical {
            covered: partial.overlap.covered,
            variant,
            retrieval: partial.retrieval,
            reverse: partial.overlap.reverse,
            missing: partial.overlap.missing,
            concept: partial.overlap.concept,
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

    proptest::proptest! {
        #[test]
        fn the_dice_ceiling_is_never_below_strsim(a in "[ a-cé\t]{0,12}", b in "[ a-cé]{0,12}") {
            let ceiling = DiceSize::of(&a).ceiling(DiceSize::of(&b));
            proptest::prop_assert!(ceiling >= strsim::sorensen_dice(&a, &b), "{a:?} {b:?}");
        }
    }

    #[test]
    fn synonyms_meet_across_spellings() {
        let (bank, m) = crate::testing::builtin();
        let index = LexicalIndex::new(&bank, &m).unwrap();
        let a = index.analysed("Is 2FA required?");
        let b = index.analysed("Is multi-factor authentication required?");
        let shared: Vec<_> = a.iter().filter(|t| b.contains(t)).collect();
        assert!(shared.iter().any(|t| t.starts_with("qsyn")), "{a:?} {b:?}");
    }
}
