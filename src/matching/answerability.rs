//! Answerability: does the entry speak to what the question asks, beyond
//! sharing its topic? "Is the continuity plan tested?" is not answered by
//! "Do you have a continuity plan?".
//!
//! The vocabularies are in `mappings/answerability.toml`: actions (tested,
//! reviewed, notified), qualifiers (annually, within hours, independent) and
//! populations (customers, staff, suppliers). A question that names an action
//! or qualifier needs an entry whose question variants or tags name it too
//! (its answer alone will do, and `why` says so); a question about one population is
//! not answered by an entry about another. Verbs listed three or more together
//! ("established, documented, approved and maintained") are one ask, so none
//! of them is compared on its own. The reverse for actions done to a thing
//! that exists (`narrows`: tested, reviewed, trained): an entry every variant
//! of which asks one answers something narrower than a question that does not.

use crate::mappings::{Answerability, AspectKind};
use rustc_hash::{FxHashMap, FxHashSet};
use tantivy::tokenizer::{Language, LowerCaser, SimpleTokenizer, Stemmer, TextAnalyzer, Token};

/// A set of aspects, one bit each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AspectSet(u64);

impl AspectSet {
    fn with(self, i: usize) -> AspectSet {
        AspectSet(self.0 | 1 << i)
    }

    fn and(self, other: AspectSet) -> AspectSet {
        AspectSet(self.0 & other.0)
    }

    fn without(self, other: AspectSet) -> AspectSet {
        AspectSet(self.0 & !other.0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// How many aspects the set holds.
    pub fn len(self) -> u32 {
        self.0.count_ones()
    }

    fn contains(self, i: usize) -> bool {
        self.0 & (1 << i) != 0
    }
}

/// What an entry says of the aspects, where.
#[derive(Debug, Clone, Copy, Default)]
pub struct EntryAspects {
    /// Named in its canonical question.
    canonical: AspectSet,
    /// Named in its question variants or tags.
    strong: AspectSet,
    /// Named in its answer.
    answer: AspectSet,
    /// Asked by every one of its question variants (governance lists left out).
    everywhere: AspectSet,
}

/// What an entry lacks of what a question asks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Verdict {
    /// Actions and qualifiers the entry never names.
    pub missing: AspectSet,
    /// Actions and qualifiers the entry names only in its answer.
    pub answer_only: AspectSet,
    /// The question's populations, when the entry is about others only.
    pub contrary: Option<(AspectSet, AspectSet)>,
    /// Aspects the entry's canonical question names that the question does
    /// not, whatever their kind: a feature for calibration (`qfill eval
    /// --features`); `narrower` is the part of it that holds an answer back.
    pub extra: AspectSet,
    /// Narrowing actions every variant of the entry asks and the question
    /// does not ("Do you have a policy?" / "Is the policy reviewed?").
    pub narrower: AspectSet,
}

impl Verdict {
    /// Whether the entry fails to answer what is asked.
    pub fn blocks(&self) -> bool {
        !self.missing.is_empty() || self.contrary.is_some() || !self.narrower.is_empty()
    }
}

/// A word of a text: its stem, and its form as written (lowercase).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Word {
    stem: String,
    form: String,
}

/// A term of an aspect.
struct Pattern {
    aspect: usize,
    words: Vec<Word>,
    /// Matched on forms, not stems: "suppliers" names a population, "the
    /// supplier" is the one answering.
    exact: bool,
}

impl Pattern {
    fn matches(&self, text: &[Word]) -> bool {
        text.len() >= self.words.len()
            && self.words.iter().zip(text).all(|(p, t)| {
                if self.exact {
                    p.form == t.form
                } else {
                    p.stem == t.stem
                }
            })
    }
}

/// The compiled vocabularies.
pub struct Aspects {
    analyzer: TextAnalyzer,
    kinds: Vec<(String, AspectKind)>,
    /// Every term of every aspect, by the stem of its first word.
    phrases: FxHashMap<String, Vec<Pattern>>,
    /// Per aspect, the phrases in which its terms mean something else.
    not: Vec<Vec<Vec<Word>>>,
    governance: FxHashSet<String>,
    generic: FxHashSet<String>,
    /// The aspects of each exclusive kind: an entry about another of them only is off.
    exclusive: Vec<AspectSet>,
    /// Aspects never required of an entry.
    optional: AspectSet,
    /// Actions done to a thing that exists (tested, reviewed): an entry that
    /// asks one the question does not answers something narrower.
    narrowing: AspectSet,
}

impl Aspects {
    pub fn new(vocabulary: &Answerability) -> Aspects {
        let analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(Stemmer::new(Language::English))
            .build();
        let mut out = Aspects {
            analyzer,
            kinds: Vec::new(),
            phrases: FxHashMap::default(),
            not: Vec::new(),
            governance: FxHashSet::default(),
            generic: FxHashSet::default(),
            exclusive: Vec::new(),
            optional: AspectSet::default(),
            narrowing: AspectSet::default(),
        };
        for kind in [AspectKind::Population, AspectKind::Domain] {
            let set = vocabulary
                .aspect
                .iter()
                .enumerate()
                .filter(|(_, a)| a.kind == kind)
                .fold(AspectSet::default(), |s, (i, _)| s.with(i));
            out.exclusive.push(set);
        }
        for (i, aspect) in vocabulary.aspect.iter().enumerate() {
            out.kinds.push((aspect.name.clone(), aspect.kind));
            if aspect.kind == AspectKind::Domain {
                out.optional = out.optional.with(i);
            }
            if aspect.narrows {
                out.narrowing = out.narrowing.with(i);
            }
            let not = aspect.not.iter().map(|p| out.words(p)).collect();
            out.not.push(not);
            for term in &aspect.terms {
                let words = out.words(term);
                if let Some(first) = words.first() {
                    out.phrases
                        .entry(first.stem.clone())
                        .or_default()
                        .push(Pattern {
                            aspect: i,
                            words,
                            exact: aspect.exact,
                        });
                }
            }
        }
        out.governance = vocabulary
            .governance
            .iter()
            .flat_map(|w| out.stems(w))
            .collect();
        out.generic = vocabulary
            .generic
            .iter()
            .flat_map(|w| out.stems(w))
            .collect();
        out
    }

    fn tokens(&self, text: &str) -> Vec<Token> {
        let mut analyzer = self.analyzer.clone();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push(t.clone());
        }
        out
    }

    fn stems(&self, text: &str) -> Vec<String> {
        self.tokens(text).into_iter().map(|t| t.text).collect()
    }

    fn word(text: &str, t: Token) -> Word {
        Word {
            form: text
                .get(t.offset_from..t.offset_to)
                .unwrap_or("")
                .to_lowercase(),
            stem: t.text,
        }
    }

    fn words(&self, text: &str) -> Vec<Word> {
        self.tokens(text)
            .into_iter()
            .map(|t| Self::word(text, t))
            .collect()
    }

    /// The aspects a text names, every word counted.
    pub fn named(&self, text: &str) -> AspectSet {
        self.find(&self.words(text))
    }

    /// The aspects a question asks about: words in a governance list left out.
    pub fn asked(&self, question: &str) -> AspectSet {
        let tokens = self.tokens(question);
        let listed = self.governance_lists(question, &tokens);
        let words: Vec<Word> = tokens
            .into_iter()
            .enumerate()
            // A listed word becomes a gap no phrase can span.
            .map(|(i, t)| {
                if listed[i] {
                    Word::default()
                } else {
                    Self::word(question, t)
                }
            })
            .collect();
        self.find(&words)
    }

    fn find(&self, words: &[Word]) -> AspectSet {
        let mut set = AspectSet::default();
        for (i, w) in words.iter().enumerate() {
            let patterns = self.phrases.get(&w.stem).map(Vec::as_slice);
            for p in patterns.unwrap_or_default() {
                if p.matches(&words[i..]) && !self.means_else(p.aspect, words, i) {
                    set = set.with(p.aspect);
                }
            }
        }
        set
    }

    /// Whether the words at `at` sit in one of the aspect's `not` phrases.
    fn means_else(&self, aspect: usize, words: &[Word], at: usize) -> bool {
        let same = |p: &[Word], t: &[Word]| {
            t.len() >= p.len() && p.iter().zip(t).all(|(a, b)| a.stem == b.stem)
        };
        self.not[aspect].iter().any(|p| {
            (0..p.len()).any(|back| at.checked_sub(back).is_some_and(|s| same(p, &words[s..])))
        })
    }

    /// Which tokens belong to a list of three or more governance verbs,
    /// joined only by commas, slashes, "and" or "or".
    fn governance_lists(&self, text: &str, tokens: &[Token]) -> Vec<bool> {
        let mut listed = vec![false; tokens.len()];
        let mut run: Vec<usize> = Vec::new();
        let close = |run: &mut Vec<usize>, listed: &mut Vec<bool>| {
            if run.len() >= 3 {
                for &i in run.iter() {
                    listed[i] = true;
                }
            }
            run.clear();
        };
        let mut last_end = 0;
        for (i, t) in tokens.iter().enumerate() {
            let connector = matches!(t.text.as_str(), "and" | "or");
            let gap = text.get(last_end..t.offset_from).unwrap_or("");
            let joined = gap.chars().all(|c| c.is_whitespace() || ",;/".contains(c));
            if connector && joined {
                last_end = t.offset_to;
                continue;
            }
            if self.governance.contains(&t.text) {
                if !joined {
                    close(&mut run, &mut listed);
                }
                run.push(i);
            } else {
                close(&mut run, &mut listed);
            }
            last_end = t.offset_to;
        }
        close(&mut run, &mut listed);
        listed
    }

    /// Where an entry names the aspects.
    pub fn of_entry(&self, questions: &[String], tags: &[String], answer: &str) -> EntryAspects {
        let strong = questions
            .iter()
            .chain(tags)
            .fold(AspectSet::default(), |s, t| {
                AspectSet(s.0 | self.named(t).0)
            });
        let everywhere = questions
            .iter()
            .map(|q| self.asked(q))
            .reduce(AspectSet::and)
            .unwrap_or_default();
        EntryAspects {
            canonical: questions.first().map(|q| self.named(q)).unwrap_or_default(),
            strong,
            answer: self.named(answer),
            everywhere,
        }
    }

    /// What the entry lacks of what the question asks.
    pub fn verdict(&self, asked: AspectSet, entry: &EntryAspects) -> Verdict {
        let compared = asked.without(self.optional);
        let contrary = self.exclusive.iter().find_map(|&group| {
            let (q, e) = (asked.and(group), entry.strong.and(group));
            (!q.is_empty() && !e.is_empty() && q.and(e).is_empty()).then_some((q, e))
        });
        // A contrary population is said once, not also as missing.
        let compared = compared.without(contrary.map(|c| c.0).unwrap_or_default());
        Verdict {
            missing: compared.without(entry.strong).without(entry.answer),
            answer_only: compared.without(entry.strong).and(entry.answer),
            contrary,
            extra: entry.canonical.without(asked),
            narrower: entry.everywhere.and(self.narrowing).without(asked),
        }
    }

    /// The names of a set's aspects, in vocabulary order.
    pub fn names(&self, set: AspectSet) -> Vec<&str> {
        self.kinds
            .iter()
            .enumerate()
            .filter(|(i, _)| set.contains(*i))
            .map(|(_, (name, _))| name.as_str())
            .collect()
    }

    /// Whether a question names something of its own: a word that is
    /// neither common (`stop`) nor generic ("process", "policy").
    pub fn stands_alone(&self, question: &str, stop: &dyn Fn(&str) -> bool) -> bool {
        self.tokens(question).iter().any(|t| {
            let raw = question
                .get(t.offset_from..t.offset_to)
                .unwrap_or("")
                .to_lowercase();
            !stop(&raw)
                && !self.generic.contains(&t.text)
                && t.text.chars().any(char::is_alphabetic)
        })
    }

    /// Why a verdict blocks, for `why`.
    pub fn explain(&self, v: &Verdict) -> Vec<String> {
        let mut out = Vec::new();
        if !v.missing.is_empty() {
            out.push(format!(
                "the entry never speaks to what is asked: {}",
                self.names(v.missing).join(", ")
            ));
        }
        if let Some((asked, entry)) = v.contrary {
            out.push(format!(
                "asks about {}; the entry is about {}",
                self.names(asked).join(", "),
                self.names(entry).join(", ")
            ));
        }
        if !v.narrower.is_empty() {
            out.push(format!(
                "the entry asks something narrower: {}, which the question does not ask",
                self.names(v.narrower).join(", ")
            ));
        }
        if !v.answer_only.is_empty() {
            out.push(format!(
                "only the entry's answer speaks to {}",
                self.names(v.answer_only).join(", ")
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mappings::Mappings;

    fn aspects() -> Aspects {
        Aspects::new(&Mappings::builtin().unwrap().answerability)
    }

    /// An entry with one question variant, no tags, and this answer.
    fn asking(a: &Aspects, question: &str, answer: &str) -> EntryAspects {
        a.of_entry(&[question.to_string()], &[], answer)
    }

    fn names(a: &Aspects, set: AspectSet) -> Vec<String> {
        a.names(set).into_iter().map(str::to_string).collect()
    }

    #[test]
    fn a_question_names_actions_qualifiers_and_populations() {
        let a = aspects();
        let asked = a.asked(
            "Is the business continuity plan tested at least annually by an independent party?",
        );
        assert_eq!(names(&a, asked), ["testing", "frequency", "independence"]);
        let asked = a.asked("Are customers notified within 72 hours of a breach?");
        assert_eq!(
            names(&a, asked),
            ["notification", "time limit", "customers"]
        );
    }

    #[test]
    fn governance_lists_ask_one_thing() {
        let a = aspects();
        let asked = a.asked(
            "Are policies established, documented, approved, communicated, applied, evaluated, and maintained?",
        );
        assert!(asked.is_empty(), "{:?}", names(&a, asked));
        // Two verbs are not a list: each is asked.
        let asked = a.asked("Are policies reviewed and updated at least annually?");
        assert_eq!(names(&a, asked), ["review", "frequency"]);
        // A list of other words does not hide a governance verb after it.
        let asked = a.asked("Are laptops, phones, and tablets tested?");
        assert_eq!(names(&a, asked), ["testing"]);
    }

    #[test]
    fn an_entry_must_name_the_action_asked_somewhere() {
        let a = aspects();
        let asked = a.asked("Is the incident response plan tested?");
        let has_plan = asking(
            &a,
            "Do you have an incident response plan?",
            "Yes, it is approved by the CISO.",
        );
        let v = a.verdict(asked, &has_plan);
        assert!(v.blocks());
        assert_eq!(names(&a, v.missing), ["testing"]);
        let tested_in_answer = asking(
            &a,
            "Do you have an incident response plan?",
            "Yes, and we run a tabletop exercise every year.",
        );
        let v = a.verdict(asked, &tested_in_answer);
        assert!(!v.blocks());
        assert_eq!(names(&a, v.answer_only), ["testing"]);
        let tested = asking(&a, "Is the IR plan tested?", "Yes.");
        assert_eq!(a.verdict(asked, &tested), Verdict::default());
        // The reverse: an entry about testing for a question that does not ask it.
        let plain = a.asked("Do you have an incident response plan?");
        assert_eq!(names(&a, a.verdict(plain, &tested).extra), ["testing"]);
    }

    #[test]
    fn an_entry_every_variant_of_which_asks_a_review_is_narrower() {
        let a = aspects();
        let plain = a.asked("Do you have a privacy policy?");
        let reviewed = asking(
            &a,
            "Is the privacy policy reviewed and updated at least annually?",
            "Yes.",
        );
        let v = a.verdict(plain, &reviewed);
        assert!(v.blocks());
        assert_eq!(names(&a, v.narrower), ["review"]);
        assert_eq!(
            a.explain(&v),
            ["the entry asks something narrower: review, which the question does not ask"]
        );
        // Asked, it is not narrower.
        let asked = a.asked("Is the privacy policy reviewed every year?");
        assert!(!a.verdict(asked, &reviewed).blocks());
        // A variant without it says the entry also answers the plain question.
        let both = a.of_entry(
            &[
                "Is the privacy policy reviewed annually?".to_string(),
                "Do you have a privacy policy?".to_string(),
            ],
            &[],
            "Yes.",
        );
        assert!(!a.verdict(plain, &both).blocks());
        // A governance list is one ask ("there is a governed policy"), not a review.
        let governed = asking(
            &a,
            "Are privacy policies established, documented, approved, communicated and reviewed?",
            "Yes.",
        );
        assert!(!a.verdict(plain, &governed).blocks());
        // Encrypting is what is done, not something done to a thing that exists.
        let encrypted = asking(&a, "Do you encrypt customer data at rest?", "Yes.");
        let stored = a.asked("How is stored customer data protected?");
        assert!(!a.verdict(stored, &encrypted).blocks());
    }

    #[test]
    fn words_that_name_things_are_not_the_actions() {
        let a = aspects();
        for text in [
            "Are data at rest protected with libraries certified to approved standards?",
            "Are development, test and production environments separated?",
            "Is production data used in testing?",
            "Does the application keep an audit log of administrator actions?",
        ] {
            let v = a.verdict(a.asked("Do you have a policy?"), &asking(&a, text, "Yes."));
            assert!(v.narrower.is_empty(), "{text}: {:?}", names(&a, v.narrower));
        }
    }

    #[test]
    fn a_training_entry_answers_training_and_a_model_is_not_trained_people() {
        let a = aspects();
        let training = asking(
            &a,
            "Is a security awareness training program established for all employees?",
            "Yes.",
        );
        let program = a.asked("Does a formal personnel security program exist?");
        assert_eq!(
            names(&a, a.verdict(program, &training).narrower),
            ["training"]
        );
        let aware = a.asked("Do you have an information security awareness program?");
        assert!(!a.verdict(aware, &training).blocks());
        // Teaching a model is not training people: neither side names it.
        let model = asking(&a, "Do you use our data to train AI models?", "No.");
        let asked = a.asked("Is user input data used to influence your AI model?");
        assert!(!a.verdict(asked, &model).blocks());
        assert!(
            a.named("Is customer data used for training machine learning models?")
                .is_empty()
        );
    }

    #[test]
    fn stemming_never_turns_a_word_into_an_aspect_it_does_not_ask() {
        let a = aspects();
        // Words that share a stem with a term and mean something else.
        for (text, not) in [
            (
                "Are SMS one-time codes accepted as a second factor?",
                "time limit",
            ),
            ("Is the date/time of each sign-in recorded?", "time limit"),
            (
                "Is a background check run before the first day of work?",
                "time limit",
            ),
            (
                "Do you keep an inventory of critical assets?",
                "prioritization",
            ),
            ("Do several people hold the keys?", "prioritization"),
            ("Do you have a business continuity plan?", "frequency"),
            ("Is data deleted after 12 months?", "frequency"),
            ("Have you had a breach in the last 5 years?", "frequency"),
            ("What is the retention period for backups?", "frequency"),
            ("Do you hold a valid ISO 27001 certificate?", "validation"),
        ] {
            let asked = names(&a, a.asked(text));
            assert!(!asked.contains(&not.to_string()), "{text}: {asked:?}");
        }
        for (text, is) in [
            ("Are invoices paid in a timely manner?", "time limit"),
            ("Are breaches reported within one hour?", "time limit"),
            ("Are vulnerabilities prioritized?", "prioritization"),
            ("Is the network continuously watched?", "frequency"),
            ("Are plans revisited monthly?", "frequency"),
            ("Is the training data vetted?", "validation"),
        ] {
            let asked = names(&a, a.asked(text));
            assert!(asked.contains(&is.to_string()), "{text}: {asked:?}");
        }
    }

    #[test]
    fn remote_is_a_qualifier_an_entry_must_name() {
        let a = aspects();
        let asked = a.asked("Can employees access customer data remotely?");
        let count = asking(&a, "How many staff can access customer data?", "Four.");
        assert_eq!(names(&a, a.verdict(asked, &count).missing), ["remote"]);
        let remote = asking(
            &a,
            "Can staff reach customer data from home?",
            "Yes, over VPN.",
        );
        assert!(!a.verdict(asked, &remote).blocks());
    }

    #[test]
    fn publicly_available_asks_for_sharing_and_having_is_not_it() {
        let a = aspects();
        let asked = a.asked("Is your information security policy publicly available?");
        assert_eq!(names(&a, asked), ["sharing", "security"]);
        let shared = asking(
            &a,
            "Is your information security policy made available to customers?",
            "Yes.",
        );
        assert!(!a.verdict(asked, &shared).blocks());
        let exists = asking(&a, "Do you have an information security policy?", "Yes.");
        assert_eq!(names(&a, a.verdict(asked, &exists).missing), ["sharing"]);
    }

    #[test]
    fn another_population_is_contrary_no_population_is_not() {
        let a = aspects();
        let asked = a.asked("Is MFA enforced for customers?");
        let staff = asking(&a, "Is MFA enforced for employees?", "Yes.");
        let v = a.verdict(asked, &staff);
        assert!(v.blocks());
        assert_eq!(
            a.explain(&v),
            ["asks about customers; the entry is about staff"]
        );
        // An entry that names no population at all does not say it covers customers.
        let anyone = asking(&a, "Do you support MFA?", "Yes.");
        assert_eq!(names(&a, a.verdict(asked, &anyone).missing), ["customers"]);
        let customers_in_answer = asking(&a, "Do you support MFA?", "Yes, for all customers.");
        assert!(!a.verdict(asked, &customers_in_answer).blocks());
        let both = asking(&a, "Is MFA enforced for employees and customers?", "Yes.");
        assert!(!a.verdict(asked, &both).blocks());
    }

    #[test]
    fn a_privacy_entry_does_not_answer_a_security_question() {
        let a = aspects();
        let asked = a.asked("Are offerings configured with secure settings by default?");
        let privacy = asking(
            &a,
            "Are systems' privacy settings configured by default?",
            "Yes.",
        );
        assert!(a.verdict(asked, &privacy).blocks());
        // "test data" is a thing, not testing.
        assert!(
            a.named("Is production separated from test environments?")
                .is_empty()
        );
        assert!(!a.named("Is the plan tested?").is_empty());
        // Security is never required: most entries do not say it.
        let plain = asking(&a, "Are settings configured by default?", "Yes.");
        assert!(!a.verdict(asked, &plain).blocks());
    }

    #[test]
    fn questions_made_of_generic_words_do_not_stand_alone() {
        let a = aspects();
        let stop = |w: &str| {
            matches!(
                w,
                "what"
                    | "is"
                    | "your"
                    | "how"
                    | "have"
                    | "you"
                    | "it"
                    | "please"
                    | "describe"
                    | "that"
                    | "do"
                    | "use"
            )
        };
        for q in [
            "What is your strategy?",
            "How have you implemented it?",
            "Please describe your policy.",
            "What is your process?",
            "Is that process documented?",
        ] {
            assert!(!a.stands_alone(q, &stop), "{q}");
        }
        for q in ["Do you use MDM?", "Is employee access managed by role?"] {
            assert!(a.stands_alone(q, &stop), "{q}");
        }
    }
}
