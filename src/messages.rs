//! What qfill tells people on stderr besides errors: what it detected, what
//! it wrote, notes. `--quiet` silences these (and the progress bars);
//! errors and per-file failures are always said.

use std::sync::atomic::{AtomicBool, Ordering};

static QUIET: AtomicBool = AtomicBool::new(false);

/// Set once from `--quiet`, before any command runs.
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// Whether a progress bar may be drawn: on a terminal, and not `--quiet`.
pub fn progress_allowed() -> bool {
    use std::io::IsTerminal;
    !quiet() && std::io::stderr().is_terminal()
}

/// A line for people on stderr, unless `--quiet`.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {
        if !$crate::messages::quiet() {
            eprintln!($($arg)*);
        }
    };
}
