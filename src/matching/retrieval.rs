//! Retrieval: a tantivy in-memory index with one document per question
//! variant (its entry's keywords and answer at lower weights). Queries are
//! built from analysed tokens as a BooleanQuery of TermQuery, so no user text
//! is ever parsed as query syntax.

use super::analysis::Terms;
use anyhow::{Context, Result};
use rustc_hash::FxHashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::{Bm25StatisticsProvider, BooleanQuery, BoostQuery, Occur, Query, TermQuery};
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
/// otherwise look each term up again for every query.
struct Statistics {
    fields: [Field; 3],
    docs: u64,
    /// Tokens per field.
    tokens: [u64; 3],
    /// Documents holding each term, per field (in `fields` order). A query
    /// skips the fields where a term is absent: they could only add nothing.
    doc_freq: FxHashMap<String, [u64; 3]>,
}

impl Statistics {
    fn slot(&self, field: Field) -> Option<usize> {
        self.fields.iter().position(|f| *f == field)
    }
}

impl Bm25StatisticsProvider for Statistics {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        Ok(self.slot(field).map_or(0, |i| self.tokens[i]))
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.docs)
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let held = term
            .value()
            .as_str()
            .and_then(|t| self.doc_freq.get(t))
            .zip(self.slot(term.field()));
        Ok(held.map_or(0, |(df, i)| df[i]))
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
            fields: fields.map(|(f, _)| f),
            docs: 0,
            tokens: [0; 3],
            doc_freq: FxHashMap::default(),
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
                    statistics.doc_freq.entry(term).or_default()[i] +=
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
            let Some(held) = self.statistics.doc_freq.get(tok) else {
                continue;
            };
            for ((field, boost), df) in self.fields.iter().zip(held) {
                if *df == 0 {
                    continue;
                }
                let tq = TermQuery::new(
                    Term::from_field_text(*field, tok),
                    IndexRecordOption::WithFreqs,
                );
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(tq), boost * *w as f32)),
                ));
            }
        }
        if clauses.is_empty() {
            return Vec::new();
        }
        let query = BooleanQuery::new(clauses);
        let collector = BestPerEntry {
            entries: &self.entries,
        };
        let Ok(best) =
            self.searcher
                .search_with_statistics_provider(&query, &collector, &self.statistics)
        else {
            return Vec::new();
        };
        let mut ranked: Vec<(usize, f32)> = best.into_iter().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(limit);
        ranked
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
    }
}
