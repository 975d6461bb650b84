//! The words of layout detection: which header labels name which column
//! role, what reads as a question, a footer, a template placeholder, an
//! answer value, an id, and which sheets hold no questions. English and
//! Spanish; `detect.rs` holds the method that uses them.

use regex::Regex;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Question,
    Id,
    Answer,
    Comment,
    /// A buyer-side or guidance column that must not be filled.
    Buyer,
    Yes,
    No,
    Na,
}

fn words(label: &str) -> Vec<String> {
    label
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric() && c != '#' && c != '/')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The role a header label names, with a strength (higher wins).
pub(super) fn role_of(label: &str) -> Option<(Role, u8)> {
    let l = label.trim().to_lowercase();
    let l = l.trim_end_matches(['*', ':']).trim();
    if l.is_empty() || l.len() > 80 {
        return None;
    }
    let w = words(l);
    let has = |k: &str| w.iter().any(|x| x == k);
    let has_any = |ks: &[&str]| ks.iter().any(|k| has(k));
    match l {
        "yes" | "sí" | "si" => return Some((Role::Yes, 3)),
        "no" => return Some((Role::No, 3)),
        "n/a" | "na" | "not applicable" | "n.a." => return Some((Role::Na, 3)),
        _ => {}
    }
    if has_any(&[
        "analyst", "buyer", "reviewer", "assessor", "auditor", "guidance", "scoring", "score",
        "weight", "internal",
    ]) {
        return Some((Role::Buyer, 3));
    }
    if has_any(&[
        "id", "ref", "ref_id", "#", "qid", "nº", "n°", "no.", "código", "code",
    ]) || l == "no"
        || l == "number"
        || l.ends_with(" id")
        || l.starts_with("id ")
        || l == "item #"
        || l == "reference"
    {
        let strength = if has("question") {
            4
        } else if has("control") {
            1
        } else {
            3
        };
        return Some((Role::Id, strength));
    }
    if has_any(&[
        "comment",
        "comments",
        "notes",
        "note",
        "explanation",
        "explain",
        "evidence",
        "details",
        "justification",
        "remarks",
        "observations",
        "comentarios",
        "observaciones",
    ]) || l.contains("additional info")
        || l.contains("implementation description")
        || l.contains("supporting")
    {
        return Some((Role::Comment, 3));
    }
    if has_any(&[
        "answer",
        "answers",
        "response",
        "responses",
        "respuesta",
        "yes/no",
        "compliant",
        "compliance",
    ]) || l.contains("yes / no")
        || l.contains("(yes/no")
    {
        return Some((Role::Answer, 3));
    }
    if has_any(&["question", "questions", "pregunta", "preguntas", "query"]) {
        return Some((Role::Question, 3));
    }
    if has_any(&[
        "requirement",
        "requirements",
        "criteria",
        "criterion",
        "statement",
    ]) {
        return Some((Role::Question, 2));
    }
    if has_any(&["description", "item", "control", "request", "descripción"]) {
        return Some((Role::Question, 1));
    }
    None
}

pub(super) static INTERROGATIVE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::static_regex(
        r"(?i)^(\W*\d+[\.\)]?\s*)?(do|does|did|is|are|was|were|has|have|had|can|could|will|would|should|shall|may|must|how|what|which|who|whom|whose|where|when|why|describe|explain|provide|list|please|state|confirm|indicate|specify|detail|outline|identify|attach|share|upload|give|tell|summari[sz]e|select|name|define|se|existe|dispone|tiene|cuenta|realiza|están|está|hay|cómo|qué|cuál)(?:\W|$)|^¿",
    )
});

pub(super) static FOOTER: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::static_regex(
        r"(?i)^(end of (the )?(standard|table|questionnaire|document|section|survey)|end table data|©|\(c\)\s|copyright\b|all rights reserved)",
    )
});

pub(super) static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::static_regex(
        r"(?i)^(vendor|product|company|supplier|contact)( contact)? (name|title|email|phone( number)?)$|^(mm|dd|yyyy)[/\-.](mm|dd|yyyy)[/\-.](mm|dd|yyyy)$|^\d{3}-\d{3}-\d{4}$|^https?://(www\.)?(vendor|example|company)\.|^(select|choose)( an?)?( item| option| one| answer)?\.*$|^please (select|choose|enter)|^enter (text|answer|response)|^click (here|to)|^\[.*\]$|^<.*>$|^(tbd|tbc|xxx+|\.\.\.|-+)$",
    )
});

/// Text already in an answer cell that a template put there, not a real answer.
pub(super) fn is_placeholder(text: &str) -> bool {
    PLACEHOLDER.is_match(text.trim())
}

/// Asks something outright: a question mark or an interrogative opening.
pub(super) fn asks(text: &str) -> bool {
    let t = text.trim();
    t.contains('?') || INTERROGATIVE.is_match(t)
}

/// Reads like something a vendor is asked: a question, a request, or a
/// statement long enough to be a requirement.
pub(super) fn looks_like_question(text: &str) -> bool {
    let t = text.trim();
    if t.is_empty() || FOOTER.is_match(t) {
        return false;
    }
    let n = t.split_whitespace().count();
    if t.contains('?') && n >= 2 {
        return true;
    }
    if n >= 3 && INTERROGATIVE.is_match(t) {
        return true;
    }
    n >= 7
}

pub(super) static ANSWER_WORD: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::static_regex(
        r"(?i)^(yes|no|n/?a|not applicable|partial(ly)?|x|y|n|true|false|implemented|planned|in progress|sí|si|oui|non)\b",
    )
});

/// Sheets that hold instructions, reference data or the buyer's own analysis,
/// not questions for the vendor. Naming a sheet with --sheet reads it anyway.
pub(super) static SKIP_SHEET: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::static_regex(
        r"(?i)\b(instructions?|cover|introduction|read ?me|guidance|glossary|definitions?|scoring|summary|about|overview|change ?log|version history|guiding principles|attribution|licen[cs]e|roadmap|analyst|institution evaluation|high-risk evaluation|report|crosswalk|reference|acknowledge?ments?|mappings?|lists?|lookups?|values|dropdowns?|backend|scorecard)\b",
    )
});

pub(super) static ID_LIKE: LazyLock<Regex> = LazyLock::new(|| {
    crate::text::static_regex(
        r"^[A-Za-z&]{0,8}[- .]?\d+([.\-]\d+)*[a-z]?$|^[A-Z]{1,6}(-[A-Z0-9]{1,6})+$",
    )
});

pub(super) static CODE: LazyLock<Regex> =
    LazyLock::new(|| crate::text::static_regex(r"^[A-Z][A-Z0-9_]{1,9}$"));
