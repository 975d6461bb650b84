//! What a reader without an NDA must never see: the sentences of NDA-only
//! entries and the SoA's justifications. `bank lint` finds them quoted in
//! public entries; the public boundary report withholds answers that quote
//! them. One automaton holds them all, so each text is read once.

use crate::bank::Bank;
use crate::mappings::Mappings;
use crate::matching::normalise;
use crate::model::{ControlId, Visibility};

/// Where a confidential text comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Secret {
    /// A sentence of the NDA entry at this place in the bank.
    Entry(usize),
    Justification(ControlId),
}

pub struct Secrets {
    automaton: Option<aho_corasick::AhoCorasick>,
    /// Per pattern: where it comes from, and the text (normalised, lower case).
    sources: Vec<(Secret, String)>,
}

/// An answer's sentences, each with its closing mark.
pub fn sentences(text: &str) -> impl Iterator<Item = &str> {
    text.split_inclusive(['.', '!', '?', '\n'])
        .filter(|s| !s.trim().is_empty())
}

/// A text as the automaton reads it: whitespace and case set aside.
fn key(text: &str) -> String {
    normalise(text).to_lowercase()
}

impl Secrets {
    /// The bank's and the SoA's confidential texts of at least `shortest`
    /// bytes: shorter ones ("Yes.") are said publicly too.
    pub fn of(bank: &Bank, m: &Mappings, shortest: usize) -> Secrets {
        let mut sources: Vec<(Secret, String)> = Vec::new();
        for c in &m.soa.control {
            let j = key(&c.justification);
            let j = j.trim().trim_end_matches('.');
            if j.len() >= shortest {
                sources.push((Secret::Justification(c.id), j.to_string()));
            }
        }
        for (i, e) in bank.entries.iter().enumerate() {
            if e.visibility != Visibility::Nda {
                continue;
            }
            for s in sentences(&e.answer) {
                let s = key(s).trim().to_string();
                if s.len() >= shortest {
                    sources.push((Secret::Entry(i), s));
                }
            }
        }
        let automaton = aho_corasick::AhoCorasick::new(sources.iter().map(|(_, t)| t)).ok();
        Secrets { automaton, sources }
    }

    /// The confidential texts `text` quotes, one per source, in the order found.
    pub fn quoted_in(&self, text: &str) -> Vec<(Secret, &str)> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let mut seen = std::collections::BTreeSet::new();
        automaton
            .find_overlapping_iter(&key(text))
            .map(|hit| &self.sources[hit.pattern().as_usize()])
            .filter(|(source, _)| seen.insert(*source))
            .map(|(source, t)| (*source, t.as_str()))
            .collect()
    }

    /// Whether `text` quotes any confidential text.
    pub fn any_in(&self, text: &str) -> bool {
        self.automaton
            .as_ref()
            .is_some_and(|a| a.is_match(&key(text)))
    }
}
