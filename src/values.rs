//! Answer values, in one place: what a short answer or a dropdown option
//! means (Yes, No, N/A in the languages questionnaires use), which of a
//! dropdown's values says the same, and how much of an answer a row can take.
//! The writers, the pipeline, harvest and lint all read values through here.

use crate::ingest::{AnswerTarget, Question};

/// Yes/No/N/A meaning of a short answer or a dropdown option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Polarity {
    Yes,
    No,
    NotApplicable,
}

pub fn polarity(value: &str) -> Option<Polarity> {
    // Ordinal prefixes such as "1) Yes" or "2 - No" are common in dropdowns.
    let v = value.trim().to_lowercase();
    let v = v
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .trim_start_matches([')', '.', '-', ':', ' '])
        .trim();
    match v {
        "yes" | "y" | "si" | "sí" | "oui" | "ja" | "true" | "x" | "implemented" => {
            Some(Polarity::Yes)
        }
        "no" | "n" | "non" | "nein" | "false" => Some(Polarity::No),
        "n/a" | "na" | "n.a." | "not applicable" | "no aplica" | "n/d" => {
            Some(Polarity::NotApplicable)
        }
        _ => None,
    }
}

/// What an answer says by its opening: "Yes. We enforce…" is Yes, "No –
/// we do not…" is No; a whole answer that is only a short value is that
/// value. A lone letter opening a sentence ("X-ray…") says nothing.
pub fn answer_polarity(answer: &str) -> Option<Polarity> {
    if let Some(p) = polarity(answer) {
        return Some(p);
    }
    let opening = answer
        .trim_start()
        .split(['.', ',', ';', ':', '!', '\n', '(', '\u{2013}', '\u{2014}'])
        .next()
        .unwrap_or("")
        .trim();
    let opening = opening.strip_suffix(" -").unwrap_or(opening).trim();
    match polarity(opening) {
        Some(_) if opening.chars().count() < 2 => None,
        p => p,
    }
}

/// The allowed value that says the same as `short`, if any.
pub fn pick_allowed(short: &str, allowed: &[String]) -> Option<String> {
    if let Some(exact) = allowed
        .iter()
        .find(|a| a.trim().eq_ignore_ascii_case(short.trim()))
    {
        return Some(exact.clone());
    }
    let p = polarity(short)?;
    allowed.iter().find(|a| polarity(a) == Some(p)).cloned()
}

/// How much of an answer a question's row can take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fit {
    /// The full answer has a cell.
    Full,
    /// Only the short answer (a dropdown value or a mark) fits.
    ShortOnly(String),
    /// No cell takes this answer.
    Nowhere,
}

/// Where the answer to `q` can go, given its short form.
pub fn fit(q: &Question, short: Option<&str>) -> Fit {
    if q.comment_col.is_some() {
        return Fit::Full;
    }
    let short_fit = |v: Option<String>| v.map_or(Fit::Nowhere, Fit::ShortOnly);
    match &q.answer {
        AnswerTarget::Cell(_) => match &q.allowed {
            Some(allowed) => short_fit(short.and_then(|s| pick_allowed(s, allowed))),
            None => Fit::Full,
        },
        AnswerTarget::Marks { na, .. } => short_fit(match short.and_then(polarity) {
            Some(Polarity::NotApplicable) if na.is_none() => None,
            Some(_) => short.map(str::to_string),
            None => None,
        }),
        AnswerTarget::None => Fit::Nowhere,
    }
}

impl Polarity {
    /// The bank's `short` for this meaning.
    pub fn short(self) -> &'static str {
        match self {
            Polarity::Yes => "Yes",
            Polarity::No => "No",
            Polarity::NotApplicable => "NA",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_says_yes_or_no_by_its_opening() {
        assert_eq!(
            answer_polarity("Yes. MFA is enforced."),
            Some(Polarity::Yes)
        );
        assert_eq!(answer_polarity("No, we do not."), Some(Polarity::No));
        assert_eq!(answer_polarity("No – not yet."), Some(Polarity::No));
        assert_eq!(answer_polarity("N/A"), Some(Polarity::NotApplicable));
        assert_eq!(
            answer_polarity("Not applicable: no offices."),
            Some(Polarity::NotApplicable)
        );
        assert_eq!(answer_polarity("Nobody has access."), None);
        assert_eq!(answer_polarity("X. Access is logged."), None);
        assert_eq!(answer_polarity("We encrypt data at rest."), None);
    }

    #[test]
    fn values_in_several_languages_and_numbered_dropdowns() {
        for (v, p) in [
            ("yes", Polarity::Yes),
            ("1) Yes", Polarity::Yes),
            ("Oui", Polarity::Yes),
            ("implemented", Polarity::Yes),
            ("2 - No", Polarity::No),
            ("nein", Polarity::No),
            ("N/A", Polarity::NotApplicable),
            ("no aplica", Polarity::NotApplicable),
        ] {
            assert_eq!(polarity(v), Some(p), "{v}");
        }
        assert_eq!(polarity("Partially"), None);
        assert_eq!(
            pick_allowed("Yes", &["1) Oui".into(), "2) Non".into()]).as_deref(),
            Some("1) Oui")
        );
    }
}
