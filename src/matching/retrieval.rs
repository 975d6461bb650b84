//! Retrieval: a tantivy in-memory index with one document per question
//! variant (its entry's keywords and answer at lower weights). Queries are
//! built from analysed tokens as a BooleanQuery of term queries, so no user
//! text is ever parsed as query syntax; each term's BM25 weight is made once
//! per run, not once per question.

use super::analysis::Terms;
use anyhow::{Context, Result};
use rustc_hash::FxHashMap;
use std::sync::OnceLock;
use tantivy::DocSet;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{
    Bm25Weight, BooleanQuery, EmptyScorer, EnableScoring, Explanation, Occur, Query, Scorer, Weight,
};
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DocId, Index, Score, Searcher, SegmentOrdinal, SegmentReader, TantivyDocument, Term,
};

const ANALYZER: &str = "qfill";
const ENTRY: &str = "entry";
/// Weight of the entry's tags and id words in retrieval.
const KEYWORD_BOOST: f32 = 0.5;
/// Weight of the answer text next to the question variants in retrieval.
const ANSWER_BOOST: f32 = 0.3;

/// One document: a question variant of an entry, as analysable text.
pub struct Doc<'a> {
    pub entry: usize,
    pub question: &'a str,
    pub keywords: &'a str,
    pub answer: &'a str,
}

/// The index over a bank, opened once and read by every question.
pub struct Retriever {
    searcher: Searcher,
    /// The fields a query searches, with their boosts, in clause order.
    fields: [(Field, f32); 3],
    /// The entry number of each document, per segment.
    entries: Vec<Column<u64>>,
    /// The BM25 statistics, read once from the index.
    statistics: Statistics,
}

/// What BM25 needs to know about the index, kept at hand: tantivy would
/// otherwise look each term up and weigh it again for every query.
struct Statistics {
    docs: u64,
    /// Tokens per field (in `fields` order).
    tokens: [u64; 3],
    /// Per term, its place in each field. A query skips the fields where a
    /// term is absent: they could only add nothing.
    terms: FxHashMap<String, [FieldTerm; 3]>,
}

#[derive(Default)]
struct FieldTerm {
    /// Documents holding the term in this field.
    doc_freq: u64,
    /// Its BM25 weight, made the first time a question asks for it.
    bm25: OnceLock<Bm25Weight>,
}

impl Statistics {
    /// The BM25 weight of a term in the field at `slot`, as tantivy's own
    /// term query computes it.
    fn bm25(&self, term: &FieldTerm, slot: usize) -> Bm25Weight {
        term.bm25
            .get_or_init(|| {
                let average_fieldnorm = self.tokens[slot] as Score / self.docs as Score;
                Bm25Weight::for_one_term_without_explain(
                    term.doc_freq,
                    self.docs,
                    average_fieldnorm,
                )
            })
            .clone()
    }
}

/// A term query with its BM25 weight (boost included) made in advance.
#[derive(Clone)]
struct WeighedTermQuery {
    term: Term,
    bm25: Bm25Weight,
}

impl std::fmt::Debug for WeighedTermQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WeighedTermQuery({:?})", self.term)
    }
}

impl Query for WeighedTermQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for WeighedTermQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let field = self.term.field();
        let inverted = reader.inverted_index(field)?;
        let Some(info) = inverted.get_term_info(&self.term)? else {
            return Ok(Box::new(EmptyScorer));
        };
        let postings = inverted.read_postings_from_terminfo(&info, IndexRecordOption::WithFreqs)?;
        Ok(Box::new(WeighedScorer {
            postings,
            fieldnorms: reader.get_fieldnorms_reader(field)?,
            bm25: self.bm25.boost_by(boost),
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        Ok(Explanation::new("bm25", scorer.score()))
    }
}

impl Retriever {
    pub fn build<'a>(analyzer: &TextAnalyzer, docs: impl Iterator<Item = Doc<'a>>) -> Result<Self> {
        let mut schema = Schema::builder();
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqs);
        let opts = TextOptions::default().set_indexing_options(indexing);
        let question = schema.add_text_field("question", opts.clone());
        let keywords = schema.add_text_field("keywords", opts.clone());
        let answer = schema.add_text_field("answer", opts);
        let entry = schema.add_u64_field(ENTRY, FAST | STORED);
        let index = Index::create_in_ram(schema.build());
        index.tokenizers().register(ANALYZER, analyzer.clone());

        // One writer thread keeps document order, and so scores, repeatable.
        let mut writer = index
            .writer_with_num_threads::<TantivyDocument>(1, 15_000_000)
            .context("cannot create the search index")?;
        for d in docs {
            let mut doc = TantivyDocument::default();
            doc.add_text(question, d.question);
            doc.add_text(answer, d.answer);
            doc.add_text(keywords, d.keywords);
            doc.add_u64(entry, d.entry as u64);
            writer.add_document(doc)?;
        }
        writer.commit().context("cannot build the search index")?;
        let searcher = index.reader()?.searcher();
        let fields = [
            (question, 1.0),
            (keywords, KEYWORD_BOOST),
            (answer, ANSWER_BOOST),
        ];
        let mut entries = Vec::new();
        let mut statistics = Statistics {
            docs: 0,
            tokens: [0; 3],
            terms: FxHashMap::default(),
        };
        for segment in searcher.segment_readers() {
            entries.push(
                segment
                    .fast_fields()
                    .u64(ENTRY)
                    .context("cannot read the search index")?,
            );
            statistics.docs += u64::from(segment.max_doc());
            for (i, (field, _)) in fields.iter().enumerate() {
                let inverted = segment.inverted_index(*field)?;
                statistics.tokens[i] += inverted.total_num_tokens();
                let mut terms = inverted.terms().stream()?;
                while terms.advance() {
                    let term = String::from_utf8_lossy(terms.key()).into_owned();
                    statistics.terms.entry(term).or_default()[i].doc_freq +=
                        u64::from(terms.value().doc_freq);
                }
            }
        }
        Ok(Retriever {
            searcher,
            fields,
            entries,
            statistics,
        })
    }

    /// Entries by BM25 score, best first, ties by bank order.
    pub fn retrieve(&self, terms: &Terms, limit: usize) -> Vec<(usize, f32)> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (tok, w) in &terms.weights {
            let Some(held) = self.statistics.terms.get(tok) else {
                continue;
            };
            for (slot, ((field, boost), place)) in self.fields.iter().zip(held).enumerate() {
                if place.doc_freq == 0 {
                    continue;
                }
                let query = WeighedTermQuery {
                    term: Term::from_field_text(*field, tok),
                    bm25: self
                        .statistics
                        .bm25(place, slot)
                        .boost_by(boost * *w as f32),
                };
                clauses.push((Occur::Should, Box::new(query)));
            }
        }
        if clauses.is_empty() {
            return Vec::new();
        }
        let query = BooleanQuery::new(clauses);
        let collector = BestPerEntry {
            entries: &self.entries,
        };
        let Ok(best) = self.searcher.search(&query, &collector) else {
            return Vec::new();
        };
        let mut ranked: Vec<(usize, f32)> = best.into_iter().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(limit);
        ranked
    }
}

/// BM25 over one term's postings: what tantivy's term scorer computes.
struct WeighedScorer {
    postings: SegmentPostings,
    fieldnorms: FieldNormReader,
    bm25: Bm25Weight,
}

impl DocSet for WeighedScorer {
    fn advance(&mut self) -> DocId {
        self.postings.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.postings.seek(target)
    }

    fn doc(&self) -> DocId {
        self.postings.doc()
    }

    fn size_hint(&self) -> u32 {
        self.postings.size_hint()
    }
}

impl Scorer for WeighedScorer {
    fn score(&mut self) -> Score {
        let fieldnorm_id = self.fieldnorms.fieldnorm_id(self.postings.doc());
        self.bm25.score(fieldnorm_id, self.postings.term_freq())
    }
}

/// Collects every matching document's score as its entry's best score.
/// A bank's index is small: scoring every match costs less than pruning
/// towards a top-k, and an entry with many variants cannot crowd others out.
struct BestPerEntry<'a> {
    entries: &'a [Column<u64>],
}

struct SegmentBest {
    entries: Option<Column<u64>>,
    best: FxHashMap<usize, f32>,
}

impl Collector for BestPerEntry<'_> {
    type Fruit = FxHashMap<usize, f32>;
    type Child = SegmentBest;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        _: &SegmentReader,
    ) -> tantivy::Result<SegmentBest> {
        Ok(SegmentBest {
            entries: self.entries.get(segment as usize).cloned(),
            best: FxHashMap::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, segments: Vec<FxHashMap<usize, f32>>) -> tantivy::Result<Self::Fruit> {
        let mut best: FxHashMap<usize, f32> = FxHashMap::default();
        for (entry, score) in segments.into_iter().flatten() {
            let slot = best.entry(entry).or_insert(score);
            *slot = slot.max(score);
        }
        Ok(best)
    }
}

impl SegmentCollector for SegmentBest {
    type Fruit = FxHashMap<usize, f32>;

    fn collect(&mut self, doc: DocId, score: Score) {
        // The entry number is a fast field: no stored document is loaded.
        if let Some(entry) = self.entries.as_ref().and_then(|c| c.first(doc)) {
            let slot = self.best.entry(entry as usize).or_insert(score);
            *slot = slot.max(score);
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer};

    fn terms(words: &[&str]) -> Terms {
        Terms {
            weights: words.iter().map(|w| (w.to_string(), 1.0)).collect(),
        }
    }

    #[test]
    fn every_field_is_searched_and_unknown_terms_cost_nothing() {
        let analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .build();
        let docs = [
            ("backup restore", "ops", "we test restores"),
            ("encryption at rest", "crypto", "aes keys in a vault"),
            ("encryption in transit", "tls", "modern ciphers"),
        ];
        let r = Retriever::build(
            &analyzer,
            docs.iter().enumerate().map(|(entry, (q, k, a))| Doc {
                entry,
                question: q,
                keywords: k,
                answer: a,
            }),
        )
        .unwrap();
        // In a question, among the keywords, only in an answer.
        assert_eq!(r.retrieve(&terms(&["backup"]), 3)[0].0, 0);
        assert_eq!(r.retrieve(&terms(&["crypto"]), 3)[0].0, 1);
        assert_eq!(r.retrieve(&terms(&["ciphers"]), 3)[0].0, 2);
        let both: Vec<usize> = r
            .retrieve(&terms(&["encryption"]), 3)
            .into_iter()
            .map(|(e, _)| e)
            .collect();
        assert_eq!(both, vec![1, 2], "equal scores keep bank order");
        assert!(r.retrieve(&terms(&["nowhere"]), 3).is_empty());
        assert!(r.retrieve(&terms(&[]), 3).is_empty());

        // The same scores as tantivy's own boosted term queries.
        let words = ["encryption", "rest", "crypto", "keys"];
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for w in words {
            for (field, boost) in r.fields {
                let q = tantivy::query::TermQuery::new(
                    Term::from_field_text(field, w),
                    IndexRecordOption::WithFreqs,
                );
                let boosted = tantivy::query::BoostQuery::new(Box::new(q), boost * 0.4);
                clauses.push((Occur::Should, Box::new(boosted)));
            }
        }
        let top = tantivy::collector::TopDocs::with_limit(1).order_by_score();
        let theirs = r
            .searcher
            .search(&BooleanQuery::new(clauses), &top)
            .unwrap();
        let mut weighed = terms(&words);
        weighed.weights.values_mut().for_each(|w| *w = 0.4);
        let (entry, ours) = r.retrieve(&weighed, 1)[0];
        assert_eq!(entry, 1);
        // Summed in another order: equal but for the last bit.
        assert!(
            (ours - theirs[0].0).abs() < 1e-5,
            "{ours} vs {}",
            theirs[0].0
        );
    }
}
