//! Regular expressions for question text.

use regex::{Regex, RegexSet};
use regex_automata::meta;
use regex_automata::nfa::thompson::WhichCaptures;

/// Compiles a pattern with ASCII word boundaries. A Unicode `\b` keeps the
/// regex crate off its fast DFA engines. An ASCII boundary bounds words of
/// ASCII letters only: a word that ends in an accented letter ("qué",
/// "está") has none after it, so such a pattern ends in `(?:\W|$)` instead.
pub fn regex(pattern: &str) -> Result<Regex, regex::Error> {
    Regex::new(&ascii_boundaries(pattern))
}

/// Compiles a pattern that is only ever asked whether it matches, with ASCII
/// word boundaries. Without capture groups, a one-pass DFA, a backtracker or
/// a literal prefilter (case-insensitive word lists defeat it anyway), it
/// compiles in about half the time and matches no slower.
/// The error is the parser's explanation, for people.
pub fn match_only(pattern: &str) -> Result<meta::Regex, String> {
    let config = meta::Config::new()
        .which_captures(WhichCaptures::None)
        .onepass(false)
        .backtrack(false)
        .auto_prefilter(false);
    meta::Builder::new()
        .configure(config)
        .build(&ascii_boundaries(pattern))
        .map_err(|e| {
            e.syntax_error()
                .map_or_else(|| e.to_string(), ToString::to_string)
        })
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
    // Escapes are read in pairs, so `C:\\bin` (a backslash, then "bin") stays as it is.
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push_str(r"(?-u:\b)"),
            Some(next) => {
                out.push('\\');
                out.push(next);
            }
            None => out.push('\\'),
        }
    }
    out
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
        let m = match_only(r"(?i)\b(mfa|gdpr)\b").unwrap();
        assert!(m.is_match("Is MFA on?"));
        assert!(!m.is_match("gdprx"));
        assert!(m.is_match("über GDPR-Pflichten"));
    }

    #[test]
    fn an_ascii_boundary_does_not_follow_an_accented_letter() {
        assert!(!static_regex(r"(?i)^(qué|está)\b").is_match("Qué controles"));
        assert!(static_regex(r"(?i)^(qué|está)(?:\W|$)").is_match("Qué controles"));
        assert!(static_regex(r"(?i)^(qué|está)(?:\W|$)").is_match("está"));
        assert!(!static_regex(r"(?i)^(qué|está)(?:\W|$)").is_match("estás"));
    }

    #[test]
    fn escaped_backslashes_are_not_word_boundaries() {
        let m = match_only(r"C:\\bin").unwrap();
        assert!(m.is_match(r"C:\bin\tools"));
        assert_eq!(ascii_boundaries(r"\\b\b"), r"\\b(?-u:\b)");
    }
}
