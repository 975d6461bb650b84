//! Regular expressions for question text.

use regex::{Regex, RegexSet};

/// Compiles a pattern with ASCII word boundaries. A Unicode `\b` keeps the
/// regex crate off its fast DFA engines; questionnaires are matched on words
/// in Latin script, where the ASCII boundary gives the same answers.
pub fn regex(pattern: &str) -> Result<Regex, regex::Error> {
    Regex::new(&ascii_boundaries(pattern))
}

/// For patterns written in the source: they are known to be valid.
pub fn static_regex(pattern: &str) -> Regex {
    regex(pattern).expect("valid built-in regex")
}

/// For pattern sets written in the source: several patterns matched in one
/// pass, with ASCII word boundaries.
pub fn static_regex_set<'a>(patterns: impl IntoIterator<Item = &'a str>) -> RegexSet {
    RegexSet::new(patterns.into_iter().map(ascii_boundaries)).expect("valid built-in regex set")
}

fn ascii_boundaries(pattern: &str) -> String {
    pattern.replace(r"\b", r"(?-u:\b)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_boundaries_still_bound_words() {
        let r = static_regex(r"(?i)\b(mfa|gdpr)\b");
        assert!(r.is_match("Is MFA on?"));
        assert!(!r.is_match("gdprx"));
        assert!(r.is_match("über GDPR-Pflichten"));
    }
}
