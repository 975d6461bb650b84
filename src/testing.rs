//! Builders for the unit tests: an entry, a question or a bank with the
//! fields a test cares about, plain defaults for the rest. A test that names
//! only what it checks cannot be broken by a field it does not care about.

use crate::bank::{Bank, Entry, Origin};
use crate::ingest::{AnswerTarget, Question};
use crate::mappings::Mappings;
use crate::matching::Matcher;
use crate::model::{Circle, ControlId, Visibility};
use crate::pipeline::Loaded;

/// The built-in mappings and starter bank.
pub fn builtin() -> (Bank, Mappings) {
    let m = Mappings::builtin().expect("built-in mappings load");
    let bank = Bank::builtin(&m).expect("built-in bank loads");
    (bank, m)
}

/// The built-in bank and mappings with their matcher, lexical signal only
/// unless the test adds the semantic one.
pub fn loaded() -> Loaded {
    let (bank, mappings) = builtin();
    let matcher = Matcher::new(&bank, &mappings).expect("matcher builds");
    Loaded {
        bank,
        mappings,
        matcher,
    }
}

/// A bank of these entries, in this order.
pub fn bank(entries: Vec<Entry>) -> Bank {
    Bank {
        entries,
        version: "test".into(),
    }
}

/// An `isms` entry asking `question`, answered "Yes.", public.
pub fn entry(id: &str, question: &str) -> EntryBuilder {
    EntryBuilder(Entry {
        id: id.into(),
        circle: Circle::Isms,
        questions: vec![question.into()],
        answer: "Yes.".into(),
        short: None,
        controls: Vec::new(),
        scope: Vec::new(),
        visibility: Visibility::Public,
        owner: None,
        reviewed: None,
        tags: Vec::new(),
        origin: Origin {
            file: "test.toml".into(),
            line: 1,
            column: 1,
        },
        placeholder: None,
    })
}

pub struct EntryBuilder(Entry);

impl EntryBuilder {
    pub fn circle(mut self, circle: Circle) -> Self {
        self.0.circle = circle;
        self
    }

    /// Reviewed on this day, by this owner.
    pub fn reviewed(mut self, year: u16, month: u8, day: u8, owner: &str) -> Self {
        self.0.reviewed = Some(toml::value::Date { year, month, day });
        self.0.owner = Some(owner.into());
        self
    }

    /// The answer; a placeholder in it is found as the bank finds it.
    pub fn answer(mut self, answer: &str) -> Self {
        self.0.answer = answer.into();
        self
    }

    pub fn short(mut self, short: &str) -> Self {
        self.0.short = Some(short.into());
        self
    }

    pub fn tags(mut self, tags: &[&str]) -> Self {
        self.0.tags = tags.iter().map(|t| t.to_string()).collect();
        self
    }

    pub fn visibility(mut self, visibility: Visibility) -> Self {
        self.0.visibility = visibility;
        self
    }

    pub fn control(mut self, id: &str) -> Self {
        self.0
            .controls
            .push(id.parse::<ControlId>().expect("a control id"));
        self
    }

    pub fn build(mut self) -> Entry {
        self.0.placeholder =
            crate::bank::draft_placeholder(&self.0.answer, self.0.short.as_deref());
        self.0
    }
}

/// A question on row 2 of sheet `Questions`, with a free-text answer cell
/// in column C and nothing else known.
pub fn question(text: &str) -> QuestionBuilder {
    QuestionBuilder(Question {
        sheet: "Questions".into(),
        sheet_index: 0,
        row: 1,
        id: None,
        text: text.into(),
        existing: None,
        answer: AnswerTarget::Cell(2),
        comment_col: None,
        allowed: None,
        max_len: None,
    })
}

pub struct QuestionBuilder(Question);

impl QuestionBuilder {
    /// The sheet it is on, by position; named `S{index}`.
    pub fn sheet(mut self, index: usize) -> Self {
        self.0.sheet_index = index;
        self.0.sheet = format!("S{index}");
        self
    }

    /// The questionnaire's own id for it ("1.2a").
    pub fn id(mut self, id: &str) -> Self {
        self.0.id = Some(id.into());
        self
    }

    /// An answer already in its answer cell.
    pub fn existing(mut self, answer: &str) -> Self {
        self.0.existing = Some(answer.into());
        self
    }

    /// Its answer cell is a dropdown of these values.
    pub fn dropdown(mut self, values: &[&str]) -> Self {
        self.0.allowed = Some(values.iter().map(|v| v.to_string()).collect());
        self
    }

    /// Its answer cell takes at most this many characters.
    pub fn max_len(mut self, n: usize) -> Self {
        self.0.max_len = Some(n);
        self
    }

    pub fn answer(mut self, target: AnswerTarget) -> Self {
        self.0.answer = target;
        self
    }

    pub fn comment_col(mut self, col: u32) -> Self {
        self.0.comment_col = Some(col);
        self
    }

    pub fn build(self) -> Question {
        self.0
    }
}
