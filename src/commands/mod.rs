//! One module per subcommand. What they share, from flags to settings, is
//! in `settings.rs`.

pub mod apply;
pub mod audit;
pub mod bank;
pub mod batch;
pub mod completions;
pub mod eval;
pub mod fill;
pub mod init;
pub mod learn;
pub mod report;
pub mod search;
pub mod soa;

pub use crate::pipeline::Loaded;
