//! The small vocabulary types shared by every stage of the pipeline.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The three circles of what a question is about, from the outside in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Circle {
    Legal,
    Isms,
    Product,
}

impl Circle {
    pub const ALL: [Circle; 3] = [Circle::Legal, Circle::Isms, Circle::Product];

    pub fn as_str(self) -> &'static str {
        match self {
            Circle::Legal => "legal",
            Circle::Isms => "isms",
            Circle::Product => "product",
        }
    }

    pub fn display_name(self) -> &'static str {
        match self {
            Circle::Legal => "Business & legal (outer)",
            Circle::Isms => "ISMS – certified (middle)",
            Circle::Product => "Product & infrastructure (inner)",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Circle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Circle {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "legal" => Ok(Circle::Legal),
            "isms" => Ok(Circle::Isms),
            "product" => Ok(Circle::Product),
            other => Err(format!(
                "unknown circle `{other}`: use legal, isms or product"
            )),
        }
    }
}

/// What happened to a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Confident: written into the filled workbook.
    Auto,
    /// A suggestion for a person.
    Review,
    /// No approved answer.
    None,
    /// The input already held an answer.
    Kept,
}

impl Status {
    pub const ALL: [Status; 4] = [Status::Auto, Status::Review, Status::None, Status::Kept];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Auto => "auto",
            Status::Review => "review",
            Status::None => "none",
            Status::Kept => "kept",
        }
    }

    /// The less confident of two statuses (auto > review > none).
    pub fn min_with(self, cap: Status) -> Status {
        let rank = |s: Status| match s {
            Status::Auto => 2,
            Status::Review => 1,
            Status::None | Status::Kept => 0,
        };
        if rank(self) <= rank(cap) { self } else { cap }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who will read the filled workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    /// Anyone: NDA entries and SoA justifications are withheld.
    #[default]
    Public,
    /// A buyer under NDA: confidential entries may be used.
    Nda,
}

/// Who may see a bank entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    #[default]
    Public,
    Nda,
}

impl Visibility {
    pub fn allowed_for(self, audience: Audience) -> bool {
        self == Visibility::Public || audience == Audience::Nda
    }
}

/// Annex A themes of ISO/IEC 27001:2022.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Theme {
    Organizational,
    People,
    Physical,
    Technological,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Organizational => "Organizational",
            Theme::People => "People",
            Theme::Physical => "Physical",
            Theme::Technological => "Technological",
        }
    }
}

/// An Annex A (2022) control id such as `A.8.24`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ControlId {
    clause: u8,
    number: u8,
}

/// How many controls each clause of Annex A (2022) holds: 37 organizational,
/// 8 people, 14 physical and 34 technological, 93 in all.
const CONTROLS_PER_CLAUSE: [(u8, u8); 4] = [(5, 37), (6, 8), (7, 14), (8, 34)];

impl ControlId {
    /// For the built-in catalogue only; user input goes through `FromStr`.
    pub const fn new_unchecked(clause: u8, number: u8) -> Self {
        ControlId { clause, number }
    }

    /// The control, if Annex A (2022) has it.
    pub fn new(clause: u8, number: u8) -> Option<Self> {
        CONTROLS_PER_CLAUSE
            .iter()
            .any(|&(c, n)| c == clause && (1..=n).contains(&number))
            .then_some(ControlId { clause, number })
    }

    /// Every control of Annex A (2022), in order.
    pub fn all() -> impl Iterator<Item = ControlId> {
        CONTROLS_PER_CLAUSE
            .iter()
            .flat_map(|&(c, n)| (1..=n).map(move |number| ControlId { clause: c, number }))
    }

    pub fn theme(self) -> Theme {
        match self.clause {
            5 => Theme::Organizational,
            6 => Theme::People,
            7 => Theme::Physical,
            _ => Theme::Technological,
        }
    }
}

impl fmt::Display for ControlId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "A.{}.{}", self.clause, self.number)
    }
}

impl FromStr for ControlId {
    type Err = String;
    /// Accepts `A.5.1`, `A5.1` and `5.1`; the id must exist in Annex A (2022).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let body = t
            .strip_prefix("A.")
            .or_else(|| t.strip_prefix("a."))
            .or_else(|| t.strip_prefix('A'))
            .or_else(|| t.strip_prefix('a'))
            .unwrap_or(t);
        let parsed = body
            .split_once('.')
            .and_then(|(c, n)| Some((c.parse::<u8>().ok()?, n.parse::<u8>().ok()?)));
        match parsed.and_then(|(c, n)| ControlId::new(c, n)) {
            Some(id) => Ok(id),
            None => Err(format!(
                "`{s}` is not an ISO/IEC 27001:2022 Annex A control (A.5.1 … A.8.34)"
            )),
        }
    }
}

impl Serialize for ControlId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ControlId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_ids_accept_the_three_spellings() {
        let want = ControlId::new_unchecked(5, 10);
        for s in ["A.5.10", "A5.10", "5.10", " a.5.10 "] {
            assert_eq!(s.parse::<ControlId>().unwrap(), want, "{s}");
        }
        assert_eq!(want.to_string(), "A.5.10");
    }

    #[test]
    fn control_ids_outside_annex_a_are_rejected() {
        for s in [
            "A.5.38", "A.6.9", "A.7.15", "A.8.35", "A.9.1", "A.8.0", "x", "A.8", "",
        ] {
            assert!(s.parse::<ControlId>().is_err(), "{s}");
        }
    }

    #[test]
    fn circles_parse_and_print() {
        for c in Circle::ALL {
            assert_eq!(c.as_str().parse::<Circle>().unwrap(), c);
        }
        assert!("inner".parse::<Circle>().is_err());
    }
}
