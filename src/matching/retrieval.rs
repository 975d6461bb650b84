//! Retrieval: a tantivy in-memory index with one document per question
//! variant (its entry's keywords and answer at lower weights). Queries are
//! built from analysed tokens as a BooleanQuery of TermQuery, so no user text
//! is ever parsed as query syntax.

use super::analysis::Terms;
use anyhow::{Context, Result};
use rustc_hash::FxHashMap;
use tantivy::collector::TopDocs;
use tantivy::columnar::Column;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, Searcher, TantivyDocument, Term};

const ANALYZER: &str = "qfill";
const ENTRY: &str = "entry";
/// Documents fetched per wanted entry: an entry has a document per question variant.
const HITS_PER_ENTRY: usize = 4;
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
    /// Which fields hold each indexed term, a bit per field in `fields`
    /// order: a term a field lacks would only cost an empty clause.
    holders: FxHashMap<String, u8>,
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
        let mut holders: FxHashMap<String, u8> = FxHashMap::default();
        for segment in searcher.segment_readers() {
            entries.push(
                segment
                    .fast_fields()
                    .u64(ENTRY)
                    .context("cannot read the search index")?,
            );
            for (bit, (field, _)) in fields.iter().enumerate() {
                let inverted = segment.inverted_index(*field)?;
                let mut terms = inverted.terms().stream()?;
                while terms.advance() {
                    let term = String::from_utf8_lossy(terms.key()).into_owned();
                    *holders.entry(term).or_insert(0) |= 1 << bit;
                }
            }
        }
        Ok(Retriever {
            searcher,
            fields,
            entries,
            holders,
        })
    }

    /// Entries by BM25 score, best first, ties by bank order.
    pub fn retrieve(&self, terms: &Terms, limit: usize) -> Vec<(usize, f32)> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (tok, w) in &terms.weights {
            let held = self.holders.get(tok).copied().unwrap_or(0);
            for (bit, (field, boost)) in self.fields.iter().enumerate() {
                if held & (1 << bit) == 0 {
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
        let Ok(hits) = self.searcher.search(
            &query,
            &TopDocs::with_limit(limit * HITS_PER_ENTRY).order_by_score(),
        ) else {
            return Vec::new();
        };
        let mut best: FxHashMap<usize, f32> = FxHashMap::default();
        for (score, addr) in hits {
            // The entry number is a fast field: no stored document is loaded.
            let Some(entry) = self
                .entries
                .get(addr.segment_ord as usize)
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
