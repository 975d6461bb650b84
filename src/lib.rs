//! qfill: answer security questionnaires from an approved answer bank.
//!
//! The pipeline reads as the module tree: ingest → classify → matching →
//! compose → write, with one module per subcommand under `commands`. For
//! each question `pipeline` matches before it classifies, so that the
//! matched entry's circle can vote with the rules.

pub mod audit;
pub mod backlog;
pub mod bank;
pub mod classify;
pub mod cli;
pub mod commands;
pub mod compose;
pub mod confidential;
pub mod curation;
pub mod evaluate;
pub mod harvest;
pub mod ingest;
pub mod lint;
pub mod mappings;
pub mod matching;
pub mod messages;
pub mod model;
pub mod pipeline;
pub mod settings;
pub mod soa;
pub mod source;
#[cfg(test)]
pub(crate) mod testing;
pub mod text;
pub mod values;
pub mod write;
