//! Classify: put each question in one of the three circles.
//!
//! The weighted rules of `mappings/circles.toml` vote; a confident match adds
//! the matched entry's own circle (and the Annex A theme of its controls),
//! scaled by the match confidence, because a curated entry knows its circle
//! better than keywords do.

use crate::bank::Entry;
use crate::mappings::Rule;
use crate::model::{Circle, Theme};

/// The circle and the reasons for it.
#[derive(Debug, Clone)]
pub struct Classification {
    pub circle: Circle,
    pub why: Vec<String>,
}

/// Weight of the matched entry's circle at confidence 1.0.
const ENTRY_WEIGHT: f64 = 2.5;
/// Weight of the Annex A theme of the matched entry's controls at confidence 1.0.
const THEME_WEIGHT: f64 = 0.5;

/// Rule votes only.
pub fn rule_scores(text: &str, rules: &[Rule]) -> ([f64; 3], Vec<String>) {
    let mut scores = [0.0; 3];
    let mut fired = Vec::new();
    for rule in rules {
        if rule.pattern.is_match(text) {
            scores[rule.circle.index()] += rule.weight;
            fired.push(format!("rule {}", rule.name));
        }
    }
    (scores, fired)
}

/// Classifies a question, given the entry it matched (with confidence), if any.
pub fn classify(text: &str, rules: &[Rule], matched: Option<(&Entry, f64)>) -> Classification {
    let (mut scores, mut why) = rule_scores(text, rules);
    if let Some((entry, confidence)) = matched {
        scores[entry.circle.index()] += ENTRY_WEIGHT * confidence;
        why.push(format!("entry {} is {}", entry.id, entry.circle));
        if let Some(theme) = dominant_theme(entry) {
            let circle = match theme {
                Theme::Technological => Circle::Product,
                _ => Circle::Isms,
            };
            scores[circle.index()] += THEME_WEIGHT * confidence;
            why.push(format!("controls {} ({circle})", theme.as_str()));
        }
    }
    // Ties go to the middle circle: the ISMS is where an unclear question is managed.
    let circle = [Circle::Isms, Circle::Product, Circle::Legal]
        .into_iter()
        .fold(Circle::Isms, |best, c| {
            if scores[c.index()] > scores[best.index()] {
                c
            } else {
                best
            }
        });
    if scores.iter().all(|s| *s == 0.0) {
        why.push("no rule fired: isms by default".into());
    } else {
        why.push(format!(
            "{circle} wins ({:.1} legal, {:.1} isms, {:.1} product)",
            scores[0], scores[1], scores[2]
        ));
    }
    Classification { circle, why }
}

fn dominant_theme(entry: &Entry) -> Option<Theme> {
    let mut counts = std::collections::BTreeMap::new();
    for c in &entry.controls {
        *counts.entry(c.theme()).or_insert(0) += 1;
    }
    counts.into_iter().max_by_key(|(_, n)| *n).map(|(t, _)| t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mappings::Mappings;

    #[test]
    fn rules_decide_and_are_named() {
        let m = Mappings::builtin().unwrap();
        let c = classify(
            "What is your cyber insurance coverage limit?",
            &m.rules,
            None,
        );
        assert_eq!(c.circle, Circle::Legal);
        assert!(
            c.why.iter().any(|w| w == "rule legal/insurance"),
            "{:?}",
            c.why
        );

        let c = classify(
            "Do you encrypt customer data at rest with AES-256?",
            &m.rules,
            None,
        );
        assert_eq!(c.circle, Circle::Product);

        let c = classify(
            "How often is your risk assessment reviewed by management?",
            &m.rules,
            None,
        );
        assert_eq!(c.circle, Circle::Isms);
    }

    #[test]
    fn nothing_fired_means_isms() {
        let c = classify("Lorem ipsum", &[], None);
        assert_eq!(c.circle, Circle::Isms);
        assert!(c.why[0].contains("default"));
    }
}
