//! Regular expressions for question text.

use regex::Regex;

/// Compiles a pattern with ASCII word boundaries. A Unicode `\b` keeps the
/// regex crate off its fast DFA engines; questionnaires are matched on words
/// in Latin script, where the ASCII boundary gives the same answers.
pub fn regex(pattern: &str) -> Result<Regex, regex::Error> {
    Regex::new(&pattern.replace(r"\b", r"(?-u:\b)"))
}

/// For patterns written in the source: they are known to be valid.
pub fn static_regex(pattern: &str) -> Regex {
    regex(pattern).expect("valid built-in regex")
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
