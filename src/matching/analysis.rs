//! Text analysis shared by the index and the re-ranker: one analyser
//! (tokens, stop words, English stemming), British spellings made American,
//! numbering and boilerplate split off questions, and synonym groups.

use crate::mappings::Synonyms;
use regex::{Regex, RegexSet};
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::sync::LazyLock;
use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer,
};

/// The analysed form of a text: weighted distinct terms, in term order.
#[derive(Debug, Clone, Default)]
pub struct Terms {
    pub weights: BTreeMap<String, f64>,
}

impl Terms {
    /// The distinct tokens, each at `weight`.
    pub fn of(tokens: &[String], weight: f64) -> Terms {
        Terms {
            weights: tokens.iter().map(|t| (t.clone(), weight)).collect(),
        }
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.weights.keys()
    }

    /// Adds the terms of `other` that are not here yet.
    pub fn add_missing(&mut self, other: Terms) {
        for (k, w) in other.weights {
            self.weights.entry(k).or_insert(w);
        }
    }
}

/// The analyser and the synonym groups compiled for it.
pub struct Analysis {
    pub analyzer: TextAnalyzer,
    synonyms: CompiledSynonyms,
}

/// Synonym groups compiled for matching: each group's token, and every phrase by its first word.
struct CompiledSynonyms {
    tokens: Vec<String>,
    /// Each group's first term as written, to name the group to people.
    names: Vec<String>,
    by_first: FxHashMap<String, Vec<(usize, Vec<String>)>>,
}

impl Analysis {
    pub fn new(synonyms: &Synonyms) -> Analysis {
        let analyzer = analyzer();
        let synonyms = compile_synonyms(synonyms, &analyzer);
        Analysis { analyzer, synonyms }
    }

    /// Analysed tokens of a text, no synonyms.
    pub fn analyse(&self, text: &str) -> Vec<String> {
        let mut analyzer = self.analyzer.clone();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(tok) = stream.next() {
            out.push(tok.text.clone());
        }
        out
    }

    /// Analysed tokens of a text, then the tokens of the synonym groups it
    /// mentions: what the index makes of `expand(text)`.
    pub fn tokens(&self, text: &str) -> Vec<String> {
        let mut tokens = self.analyse(text);
        let groups: Vec<String> = self.groups_in(&tokens).into_iter().cloned().collect();
        tokens.extend(groups);
        tokens
    }

    /// The weighted terms of a text not normalised yet.
    pub fn terms(&self, text: &str, weight: f64) -> Terms {
        self.terms_of_normalised(&normalise(text), weight)
    }

    /// The weighted terms of a normalised text.
    pub fn terms_of_normalised(&self, text: &str, weight: f64) -> Terms {
        Terms::of(&self.tokens(text), weight)
    }

    /// Adds a question's follow-up terms, at less weight than its main ask.
    pub fn with_follow_up(&self, mut main: Terms, follow_up: &str) -> Terms {
        main.add_missing(self.terms(follow_up, FOLLOW_UP_WEIGHT));
        main
    }

    /// Every analysed word of every synonym phrase.
    /// A term as people read it: a synonym group's token becomes the
    /// group's first term ("qsyn3" → "multi-factor authentication").
    pub fn display(&self, term: &str) -> String {
        term.strip_prefix("qsyn")
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|i| self.synonyms.names.get(i))
            .cloned()
            .unwrap_or_else(|| term.to_string())
    }

    pub fn synonym_words(&self) -> impl Iterator<Item = &String> {
        self.synonyms
            .by_first
            .values()
            .flatten()
            .flat_map(|(_, phrase)| phrase)
    }

    /// Appends a group token for each synonym group the text mentions, so
    /// that any spelling of a concept meets any other, on both sides.
    pub fn expand(&self, text: &str) -> String {
        self.expand_and_tokens(text).0
    }

    /// The expanded text (what the index reads) and its tokens (what the
    /// index makes of it), from one analysis.
    pub fn expand_and_tokens(&self, text: &str) -> (String, Vec<String>) {
        let mut tokens = self.analyse(text);
        let groups: Vec<String> = self.groups_in(&tokens).into_iter().cloned().collect();
        let mut expanded = text.to_string();
        for group in &groups {
            expanded.push(' ');
            expanded.push_str(group);
        }
        tokens.extend(groups);
        (expanded, tokens)
    }

    /// The tokens of the groups one of whose phrases occurs in the token
    /// sequence, in group order.
    pub fn groups_in(&self, tokens: &[String]) -> Vec<&String> {
        let groups = &self.synonyms;
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
}

/// Weight of follow-up clauses ("If yes, …") next to the main ask.
const FOLLOW_UP_WEIGHT: f64 = 0.4;

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

/// Whether a lowercase word is one matching leaves out.
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.contains(&word)
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
        r"(?i)^\s*(q(uestion)?\s*\d*[a-z]?\s*[:.)\-]|\(?\d+(\.\d+)*[a-z]?\)|\d+(\.\d+)*[a-z]?\s*[:.)\-]?\s|[a-z]{1,6}([-.]\d+)+[a-z]?\s*[:.)]?\s|[a-z]\)\s)\s*",
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
    use rayon::prelude::*;
    let plain = Analysis {
        analyzer: analyzer.clone(),
        synonyms: CompiledSynonyms {
            tokens: Vec::new(),
            names: Vec::new(),
            by_first: FxHashMap::default(),
        },
    };
    let phrases: Vec<Vec<Vec<String>>> = s
        .groups
        .par_iter()
        .map(|g| g.iter().map(|t| plain.analyse(&normalise(t))).collect())
        .collect();
    let mut by_first: FxHashMap<String, Vec<(usize, Vec<String>)>> = FxHashMap::default();
    for (i, group) in phrases.into_iter().enumerate() {
        for phrase in group.into_iter().filter(|p| !p.is_empty()) {
            by_first
                .entry(phrase[0].clone())
                .or_default()
                .push((i, phrase));
        }
    }
    let tokens = (0..s.groups.len()).map(|i| format!("qsyn{i}")).collect();
    let names = s
        .groups
        .iter()
        .map(|g| g.first().cloned().unwrap_or_default())
        .collect();
    CompiledSynonyms {
        tokens,
        names,
        by_first,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_what_the_index_makes_of_the_expanded_text() {
        let synonyms = Synonyms {
            groups: vec![
                vec!["multi-factor authentication".into(), "2FA".into()],
                vec!["penetration test".into(), "pentest".into()],
            ],
        };
        let a = Analysis::new(&synonyms);
        // People read a group by its first term, never by its token.
        assert_eq!(a.display("qsyn1"), "penetration test");
        assert_eq!(a.display("qsyn9"), "qsyn9");
        assert_eq!(a.display("firewall"), "firewall");
        for text in [
            "Is 2FA enforced for admins?",
            "Do you run penetration tests and pentests yearly?",
            "Nothing to expand here",
            "",
        ] {
            assert_eq!(a.tokens(text), a.analyse(&a.expand(text)), "{text}");
            assert_eq!(a.expand_and_tokens(text), (a.expand(text), a.tokens(text)));
        }
        assert!(a.tokens("Is 2FA on?").contains(&"qsyn0".to_string()));
    }

    #[test]
    fn numbering_boilerplate_and_follow_ups_are_split_off() {
        let (main, follow) =
            main_ask("Q17: Please describe how backups are tested. If not, explain why.");
        assert_eq!(main.trim(), "how backups are tested");
        assert!(follow.contains("If not"));
        for q in [
            "Q: Do you encrypt data?",
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
}
