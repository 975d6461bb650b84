//! Match: find the bank entry that answers a question, with a calibrated confidence.
//!
//! Two stages. Retrieval: a tantivy in-memory index over every question
//! variant (answer text at a lower weight), English stemming, stop words and
//! synonym groups applied to both sides; queries are built from analysed tokens
//! as a BooleanQuery of TermQuery, so no user text is ever parsed as query
//! syntax. Re-ranking: for the top candidates, IDF-weighted overlap of the
//! distinctive terms plus strsim similarity of the normalised texts, against
//! each variant; the best variant speaks for the entry.

use crate::bank::{Bank, Entry};
use crate::mappings::{Mappings, Synonyms, Thresholds};
use crate::model::Status;
use anyhow::{Context, Result};
use regex::{Regex, RegexSet};
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::LazyLock;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer,
};
use tantivy::{Index, IndexReader, TantivyDocument, Term};

const ANALYZER: &str = "qfill";
/// Candidates taken from retrieval into re-ranking.
const RERANK_DEPTH: usize = 8;
/// Documents fetched per wanted entry: an entry has a document per question variant.
const HITS_PER_ENTRY: usize = 4;
/// Alternatives reported per question.
const ALTERNATIVES: usize = 3;
/// Weight of the answer text next to the question variants in retrieval.
const ANSWER_BOOST: f32 = 0.3;
/// Weight of the entry's tags and id words in retrieval.
const KEYWORD_BOOST: f32 = 0.5;
/// Weight of follow-up clauses ("If yes, …") next to the main ask.
const FOLLOW_UP_WEIGHT: f64 = 0.4;

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

/// The analysed form of a text: weighted distinct terms.
#[derive(Debug, Clone, Default)]
struct Terms {
    weights: BTreeMap<String, f64>,
    /// Σ weight × IDF, set once the bank's IDF is known (variants only).
    mass: f64,
}

impl Terms {
    fn keys(&self) -> impl Iterator<Item = &String> {
        self.weights.keys()
    }
}

/// The index over a bank, built once and shared by every question.
pub struct Matcher {
    reader: IndexReader,
    question: Field,
    keyword_field: Field,
    answer: Field,
    entry_field: &'static str,
    analyzer: TextAnalyzer,
    synonyms: CompiledSynonyms,
    /// Analysed variants per entry (and the answer), for re-ranking.
    variants: Vec<Vec<(Terms, String)>>,
    /// Tags and id words per entry: the curator's own keywords.
    keywords: Vec<Terms>,
    /// Per entry, where each of its terms appears: 1.0 in a question variant,
    /// 0.8 among the keywords, 0.5 only in the answer.
    places: Vec<FxHashMap<String, f64>>,
    answers: Vec<Terms>,
    idf: FxHashMap<String, f64>,
    max_idf: f64,
    /// Analysed words of every synonym term.
    synonym_words: HashSet<String>,
    thresholds: Thresholds,
}

/// Synonym groups compiled for matching: each group's token, and every phrase by its first word.
struct CompiledSynonyms {
    tokens: Vec<String>,
    by_first: HashMap<String, Vec<(usize, Vec<String>)>>,
}

impl Matcher {
    pub fn new(bank: &Bank, mappings: &Mappings) -> Result<Matcher> {
        let mut schema = Schema::builder();
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqs);
        let opts = TextOptions::default().set_indexing_options(indexing);
        let question = schema.add_text_field("question", opts.clone());
        let keywords = schema.add_text_field("keywords", opts.clone());
        let answer = schema.add_text_field("answer", opts);
        let entry_field = "entry";
        schema.add_u64_field(entry_field, FAST | STORED);
        let schema = schema.build();
        let index = Index::create_in_ram(schema.clone());
        let analyzer = analyzer();
        index.tokenizers().register(ANALYZER, analyzer.clone());
        let synonyms = compile_synonyms(&mappings.synonyms, &analyzer);
        let entry = schema.get_field(entry_field).context("schema")?;

        // One writer thread keeps document order, and so scores, repeatable.
        let mut writer = index
            .writer_with_num_threads::<TantivyDocument>(1, 15_000_000)
            .context("cannot create the search index")?;
        for (i, e) in bank.entries.iter().enumerate() {
            let answer_text = expand(&synonyms, &analyzer, &normalise(&e.answer));
            let keyword_text = expand(&synonyms, &analyzer, &keyword_text(e));
            for q in &e.questions {
                let mut doc = TantivyDocument::default();
                doc.add_text(
                    question,
                    expand(&synonyms, &analyzer, &normalise(&main_ask(q).0)),
                );
                doc.add_text(answer, &answer_text);
                doc.add_text(keywords, &keyword_text);
                doc.add_u64(entry, i as u64);
                writer.add_document(doc)?;
            }
        }
        writer.commit().context("cannot build the search index")?;
        let reader = index.reader()?;

        let mut m = Matcher {
            reader,
            question,
            keyword_field: keywords,
            answer,
            entry_field,
            analyzer,
            synonyms,
            variants: Vec::new(),
            keywords: Vec::new(),
            places: Vec::new(),
            answers: Vec::new(),
            idf: FxHashMap::default(),
            max_idf: 1.0,
            synonym_words: HashSet::new(),
            thresholds: mappings.thresholds,
        };
        m.variants = bank
            .entries
            .iter()
            .map(|e| {
                e.questions
                    .iter()
                    .map(|q| (m.terms(q), normalise(&main_ask(q).0).to_lowercase()))
                    .collect()
            })
            .collect();
        m.answers = bank
            .entries
            .iter()
            .map(|e| m.analyse_plain(&e.answer, 1.0))
            .collect();
        m.keywords = bank
            .entries
            .iter()
            .map(|e| m.analyse_plain(&keyword_text(e), 1.0))
            .collect();
        m.idf = idf_table(&m.variants, &m.answers, &m.keywords);
        m.places = (0..bank.entries.len())
            .map(|i| {
                let mut p: FxHashMap<String, f64> = FxHashMap::default();
                for (t, place) in m.answers[i]
                    .keys()
                    .map(|t| (t, 0.5))
                    .chain(m.keywords[i].keys().map(|t| (t, 0.8)))
                    .chain(
                        m.variants[i]
                            .iter()
                            .flat_map(|(v, _)| v.keys())
                            .map(|t| (t, 1.0)),
                    )
                {
                    let slot = p.entry(t.clone()).or_insert(0.0);
                    *slot = f64::max(*slot, place);
                }
                p
            })
            .collect();
        m.max_idf = idf(0, m.variants.iter().map(Vec::len).sum());
        let (idfs, max_idf) = (&m.idf, m.max_idf);
        for (v, _) in m.variants.iter_mut().flatten() {
            v.mass = v
                .weights
                .iter()
                .map(|(t, w)| w * idfs.get(t).copied().unwrap_or(max_idf))
                .sum();
        }
        m.synonym_words = mappings
            .synonyms
            .groups
            .iter()
            .flatten()
            .flat_map(|t| m.tokens(&normalise(t)))
            .filter(|t| !t.starts_with("qsyn"))
            .collect();
        Ok(m)
    }

    pub fn with_thresholds(mut self, t: Thresholds) -> Self {
        self.thresholds = t;
        self
    }

    /// Analysed tokens of a text, synonyms expanded.
    fn tokens(&self, text: &str) -> Vec<String> {
        analyse(
            &self.analyzer,
            &expand(&self.synonyms, &self.analyzer, text),
        )
    }

    fn analyse_plain(&self, text: &str, weight: f64) -> Terms {
        let mut t = Terms::default();
        for tok in self.tokens(&normalise(text)) {
            let w = t.weights.entry(tok).or_insert(0.0);
            *w = w.max(weight);
        }
        t
    }

    /// A question's terms: the main ask at full weight, follow-ups at less.
    fn terms(&self, question: &str) -> Terms {
        let (main, follow) = main_ask(question);
        let mut t = self.analyse_plain(&main, 1.0);
        for (k, w) in self.analyse_plain(&follow, FOLLOW_UP_WEIGHT).weights {
            t.weights.entry(k).or_insert(w);
        }
        t
    }

    /// A question's terms for scoring: a spelling the bank never uses but a
    /// synonym group knows ("2FA") is carried by the group's token and would
    /// otherwise count as an unmatched rare word.
    fn question_terms(&self, question: &str) -> Terms {
        let mut t = self.terms(question);
        t.weights
            .retain(|term, _| self.idf.contains_key(term) || !self.synonym_words.contains(term));
        t
    }

    fn idf_of(&self, term: &str) -> f64 {
        self.idf.get(term).copied().unwrap_or(self.max_idf)
    }

    /// Retrieval only: entries by BM25 score, best first, ties by bank order.
    pub fn retrieve(&self, question: &str, limit: usize) -> Vec<(usize, f32)> {
        self.retrieve_terms(&self.question_terms(question), limit)
    }

    fn retrieve_terms(&self, terms: &Terms, limit: usize) -> Vec<(usize, f32)> {
        if terms.weights.is_empty() {
            return Vec::new();
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (tok, w) in &terms.weights {
            for (field, boost) in [
                (self.question, 1.0f32),
                (self.keyword_field, KEYWORD_BOOST),
                (self.answer, ANSWER_BOOST),
            ] {
                let tq = TermQuery::new(
                    Term::from_field_text(field, tok),
                    IndexRecordOption::WithFreqs,
                );
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(tq), boost * *w as f32)),
                ));
            }
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let Ok(hits) = searcher.search(
            &query,
            &TopDocs::with_limit(limit * HITS_PER_ENTRY).order_by_score(),
        ) else {
            return Vec::new();
        };
        let mut best: FxHashMap<usize, f32> = FxHashMap::default();
        for (score, addr) in hits {
            // The entry number is a fast field: no stored document is loaded.
            let Some(entry) = searcher
                .segment_reader(addr.segment_ord)
                .fast_fields()
                .u64(self.entry_field)
                .ok()
                .and_then(|col| col.first(addr.doc_id))
            else {
                continue;
            };
            let slot = best.entry(entry as usize).or_insert(0.0);
            *slot = slot.max(score);
        }
        let mut ranked: Vec<(usize, f32)> = best.into_iter().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(limit);
        ranked
    }

    /// Retrieval plus re-ranking: up to `n` candidates, best first.
    pub fn rank(&self, question: &str, n: usize) -> Vec<Candidate> {
        let q_terms = self.question_terms(question);
        let (main, _) = main_ask(question);
        let q_text = normalise(&main).to_lowercase();
        let key_objects = self.key_objects(&main);
        let retrieved = self.retrieve_terms(&q_terms, RERANK_DEPTH.max(n));
        let top = retrieved.first().map_or(1.0, |r| r.1.max(f32::EPSILON));
        let mut candidates: Vec<Candidate> = retrieved
            .into_iter()
            .map(|(entry, retrieval)| {
                let evidence = self.evidence(&q_terms, &q_text, &key_objects, entry);
                // Mostly what the entry covers of the question, some of how
                // closely a variant says it, a little of the BM25 rank.
                let rel = f64::from(retrieval / top);
                let local =
                    COVERAGE_WEIGHT * evidence.covered + (1.0 - COVERAGE_WEIGHT) * evidence.variant;
                let similarity = (1.0 - RETRIEVAL_WEIGHT) * local + RETRIEVAL_WEIGHT * rel;
                Candidate {
                    entry,
                    confidence: 0.0,
                    similarity,
                    evidence,
                    retrieval,
                }
            })
            .collect();
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

    /// What an entry has in common with the question.
    fn evidence(&self, q: &Terms, q_text: &str, key_objects: &[String], entry: usize) -> Evidence {
        let q_mass: f64 = q.weights.iter().map(|(t, w)| w * self.idf_of(t)).sum();
        if q_mass == 0.0 {
            return Evidence::default();
        }
        let variants = &self.variants[entry];
        let places = &self.places[entry];
        let place = |t: &String| places.get(t).copied().unwrap_or(0.0);
        let covered = q
            .weights
            .iter()
            .map(|(t, w)| w * self.idf_of(t) * place(t))
            .sum::<f64>()
            / q_mass;
        let missing = key_objects
            .iter()
            .filter(|t| place(t) == 0.0)
            .map(|t| (t.clone(), self.idf_of(t) / self.max_idf))
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        let f1s: Vec<f64> = variants
            .iter()
            .map(|(v, _)| {
                let shared: f64 = q
                    .weights
                    .iter()
                    .filter(|(t, _)| v.weights.contains_key(*t))
                    .map(|(t, w)| w * self.idf_of(t))
                    .sum();
                let v_mass = v.mass;
                let cov_q = shared / q_mass;
                let cov_v = if v_mass > 0.0 { shared / v_mass } else { 0.0 };
                if shared > 0.0 {
                    2.0 * cov_q * cov_v / (cov_q + cov_v)
                } else {
                    0.0
                }
            })
            .collect();
        // String similarity (the costly part) only for the variants that share the most terms.
        let top = f1s.iter().copied().fold(0.0, f64::max);
        let variant = variants
            .iter()
            .zip(&f1s)
            .filter(|(_, f1)| **f1 >= top - 0.1)
            .map(|((_, v_text), f1)| 0.75 * f1 + 0.25 * strsim::sorensen_dice(q_text, v_text))
            .fold(0.0, f64::max);
        Evidence {
            covered: covered.min(1.0),
            variant,
            missing,
        }
    }

    /// The things a question is about, as analysed terms: the concepts of the
    /// synonym groups it names, and its acronyms and proper names (systems,
    /// regulators, standards, vendors). An entry that names none of them while
    /// other entries do is likely about something else.
    fn key_objects(&self, main_ask: &str) -> Vec<String> {
        let tokens = analyse(&self.analyzer, &normalise(main_ask));
        let mut out: Vec<String> = groups_in(&self.synonyms, &tokens)
            .into_iter()
            .cloned()
            .collect();
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
                    self.tokens(w)
                        .into_iter()
                        .filter(|t| !t.starts_with("qsyn") && !self.synonym_words.contains(t)),
                );
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// The analysed terms of a text.
    #[cfg(test)]
    pub fn analysed(&self, text: &str) -> Vec<String> {
        self.terms(text).keys().cloned().collect()
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

fn idf(df: usize, n: usize) -> f64 {
    (1.0 + (n as f64 - df as f64 + 0.5) / (df as f64 + 0.5)).ln()
}

/// IDF over the question variants and answers, counting each entry once.
fn idf_table(
    variants: &[Vec<(Terms, String)>],
    answers: &[Terms],
    keywords: &[Terms],
) -> FxHashMap<String, f64> {
    let mut df: HashMap<String, usize> = HashMap::new();
    for ((vs, a), k) in variants.iter().zip(answers).zip(keywords) {
        let mut seen: HashSet<&String> = HashSet::new();
        for (t, _) in vs {
            seen.extend(t.keys());
        }
        seen.extend(a.keys());
        seen.extend(k.keys());
        for t in seen {
            *df.entry(t.clone()).or_insert(0) += 1;
        }
    }
    let n = variants.len();
    df.into_iter().map(|(t, d)| (t, idf(d, n))).collect()
}

/// The curator's keywords: tags, and the words of the id (`people.offboarding`).
fn keyword_text(e: &Entry) -> String {
    let id_words = e.id.replace(['.', '-', '_'], " ");
    format!("{} {}", e.tags.join(" "), id_words)
}

fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(StopWordFilter::remove(
            STOP_WORDS.iter().map(|s| s.to_string()),
        ))
        .filter(Stemmer::new(Language::English))
        .build()
}

/// English function words plus questionnaire boilerplate that says nothing about the topic.
const STOP_WORDS: &[&str] = &[
    "a",
    "an",
    "and",
    "are",
    "as",
    "at",
    "be",
    "been",
    "being",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "for",
    "from",
    "had",
    "has",
    "have",
    "having",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "may",
    "me",
    "might",
    "must",
    "my",
    "no",
    "not",
    "of",
    "on",
    "or",
    "our",
    "ours",
    "shall",
    "should",
    "so",
    "such",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "to",
    "us",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yes",
    "please",
    "describe",
    "provide",
    "explain",
    "detail",
    "details",
    "outline",
    "confirm",
    "indicate",
    "specify",
    "state",
    "whether",
    "any",
    "all",
    "each",
    "every",
    "also",
    "about",
    "other",
    "there",
    "here",
    "some",
    "own",
    "company",
    "organization",
    "organisation",
    "vendor",
    "supplier",
    "service",
    "provider",
    "currently",
    "able",
    "within",
    "used",
    "use",
    "using",
    "ensure",
    "place",
    "way",
    "ways",
    "kind",
    "type",
    "types",
    "etc",
    "e.g",
    "eg",
    "i.e",
    "ie",
];

static NUMBERING: LazyLock<Regex> = LazyLock::new(|| {
    // "Q17:", "3.2", "(4)", "a)", "AC-01", "TPRM-2:" before the question itself.
    crate::text::static_regex(
        r"(?i)^\s*(q(uestion)?\s*\d+[a-z]?\s*[:.)\-]|\(?\d+(\.\d+)*[a-z]?\)|\d+(\.\d+)*[a-z]?\s*[:.)\-]?\s|[a-z]{1,6}([-.]\d+)+[a-z]?\s*[:.)]?\s|[a-z]\)\s)\s*",
    )
});

static BOILERPLATE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::static_regex(
        r"(?i)^\s*(please\s+)?(describe|explain|provide( details( of| on| about)?)?|confirm( that| whether)?|indicate( whether| if)?|state( whether| if)?|specify|outline|detail|tell us|let us know|can you (confirm|describe|explain|tell us)( whether| if| that)?)\b[:,]?\s*",
    )
});

static FOLLOW_UP: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::static_regex(
        r"(?i)(^|[.?;:]\s+|,\s*(and\s+)?)(if (yes|so|not|no|applicable|available|any)\b|where applicable|please (provide|describe|explain|attach|list|share|include|specify)|provide (details|evidence|a copy|examples?)|explain\b|describe\b|attach\b|include\b)",
    )
});

/// Splits a question into its main ask and its follow-up clauses.
pub fn main_ask(question: &str) -> (String, String) {
    let q = NUMBERING.replace(question.trim(), "");
    let q = BOILERPLATE.replace(&q, "").to_string();
    match FOLLOW_UP.find(&q) {
        Some(m) if m.start() > 15 => (q[..m.start()].to_string(), q[m.start()..].to_string()),
        _ => (q, String::new()),
    }
}

/// British spellings and their American forms, as (pattern, replacement).
const SPELLING_RULES: [(&str, &str); 6] = [
    (
        r"(?i)\b(\w{3,})is(ation|ations|e|ed|es|ing|er|ers)\b",
        "${1}iz${2}",
    ),
    (
        r"(?i)\b(behavi|col|fav|hon|lab|neighb|harb|hum|flav|arm|vig)our(s|ed|ing|able|ite|ites)?\b",
        "${1}or${2}",
    ),
    (r"(?i)\b(cent|met|lit|theat|fib)re(s|d)?\b", "${1}er${2}"),
    (r"(?i)\b(licen|defen|offen|pretens)ce(s)?\b", "${1}se${2}"),
    (
        r"(?i)\b(program|catalog|dialog|analog)ue?(me|ue)?(s)?\b",
        "${1}${3}",
    ),
    (r"(?i)\b(\w+[aeiou])ll(ed|ing|er)\b", "${1}l${2}"),
];

static SPELLING: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    SPELLING_RULES
        .iter()
        .map(|(p, r)| (crate::text::static_regex(p), *r))
        .collect()
});

/// All spelling patterns in one automaton: most text has no British spelling,
/// and one pass says so instead of six.
static SPELLING_ANY: LazyLock<RegexSet> =
    LazyLock::new(|| crate::text::static_regex_set(SPELLING_RULES.iter().map(|(p, _)| *p)));

/// Words ending in -ise that are not British spellings of -ize.
const ISE_WORDS: &[&str] = &[
    "advise",
    "exercise",
    "premise",
    "premises",
    "enterprise",
    "otherwise",
    "promise",
    "raise",
    "surprise",
    "expertise",
    "franchise",
    "revise",
    "supervise",
    "televise",
    "compromise",
    "merchandise",
    "disguise",
    "concise",
    "precise",
    "improvise",
    "devise",
    "comprise",
    "rise",
    "wise",
    "noise",
    "cruise",
    "praise",
    "despise",
    "chemise",
    "treatise",
    "paradise",
];

/// Normalises text for matching: British to American spelling, stray symbols.
pub fn normalise(text: &str) -> String {
    let mut s = text.replace(['\u{2019}', '\u{2018}'], "'");
    let mut found = SPELLING_ANY.matches(&s);
    for (i, (re, rep)) in SPELLING.iter().enumerate() {
        if !found.matched(i) {
            continue;
        }
        s = re
            .replace_all(&s, |c: &regex::Captures| {
                let whole = &c[0];
                let lower = whole.to_lowercase();
                if ISE_WORDS.iter().any(|w| lower.starts_with(w)) || lower.starts_with("wise") {
                    whole.to_string()
                } else {
                    let mut out = String::new();
                    c.expand(rep, &mut out);
                    out
                }
            })
            .to_string();
        // A replacement may make or break a later pattern's match.
        found = SPELLING_ANY.matches(&s);
    }
    s
}

/// Every term of every group as a sequence of analysed (stemmed) tokens, so
/// that "pentests" meets "pentest" and "penetration testing" meets
/// "penetration test"; indexed by first token for a single pass over a text.
fn compile_synonyms(s: &Synonyms, analyzer: &TextAnalyzer) -> CompiledSynonyms {
    let mut by_first: HashMap<String, Vec<(usize, Vec<String>)>> = HashMap::new();
    let mut tokens = Vec::new();
    for (i, g) in s.groups.iter().enumerate() {
        tokens.push(format!("qsyn{i}"));
        for phrase in g
            .iter()
            .map(|t| analyse(analyzer, &normalise(t)))
            .filter(|p| !p.is_empty())
        {
            by_first
                .entry(phrase[0].clone())
                .or_default()
                .push((i, phrase));
        }
    }
    CompiledSynonyms { tokens, by_first }
}

/// Analysed tokens of a text, no synonyms.
fn analyse(analyzer: &TextAnalyzer, text: &str) -> Vec<String> {
    let mut analyzer = analyzer.clone();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(tok) = stream.next() {
        out.push(tok.text.clone());
    }
    out
}

/// The tokens of the groups one of whose phrases occurs in the token sequence, in group order.
fn groups_in<'g>(groups: &'g CompiledSynonyms, tokens: &[String]) -> Vec<&'g String> {
    let mut found: Vec<usize> = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        for (g, phrase) in groups
            .by_first
            .get(t)
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            if tokens[i..].starts_with(phrase) {
                found.push(*g);
            }
        }
    }
    found.sort_unstable();
    found.dedup();
    found.into_iter().map(|g| &groups.tokens[g]).collect()
}

/// Appends a group token for each synonym group the text mentions, so that
/// any spelling of a concept meets any other, on both sides.
fn expand(groups: &CompiledSynonyms, analyzer: &TextAnalyzer, text: &str) -> String {
    let tokens = analyse(analyzer, text);
    let mut out = text.to_string();
    for token in groups_in(groups, &tokens) {
        out.push(' ');
        out.push_str(token);
    }
    out
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

    #[test]
    fn numbering_boilerplate_and_follow_ups_are_split_off() {
        let (main, follow) =
            main_ask("Q17: Please describe how backups are tested. If not, explain why.");
        assert_eq!(main.trim(), "how backups are tested");
        assert!(follow.contains("If not"));
        for q in [
            "3.2 Do you encrypt data?",
            "AC-01 Do you encrypt data?",
            "TPRM-2: Do you encrypt data?",
            "(4) Do you encrypt data?",
        ] {
            assert_eq!(main_ask(q).0, "Do you encrypt data?", "{q}");
        }
        assert_eq!(
            main_ask("SOC2 reports: do you have one?").0,
            "SOC2 reports: do you have one?"
        );
    }

    #[test]
    fn british_spelling_meets_american() {
        assert_eq!(
            normalise("organisation authorised behaviour centre licence"),
            "organization authorized behavior center license"
        );
        assert_eq!(
            normalise("advise premises enterprise"),
            "advise premises enterprise"
        );
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
