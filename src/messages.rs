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

/// Text from a file made safe for a terminal: control characters (an escape
/// sequence in a sheet name could rewrite the screen) are shown as `\u{1b}`.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\n') {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A line for people on stderr, unless `--quiet`; control characters shown, not sent.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {
        if !$crate::messages::quiet() {
            eprintln!("{}", $crate::messages::visible(&format!($($arg)*)));
        }
    };
}

/// A line on stderr said even under `--quiet`: errors, failed files, failed
/// bounds. Control characters shown, not sent.
#[macro_export]
macro_rules! alert {
    ($($arg:tt)*) => {
        eprintln!("{}", $crate::messages::visible(&format!($($arg)*)))
    };
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_are_shown_not_sent() {
        assert_eq!(super::visible("Sheet\u{1b}[2J"), "Sheet\\u{1b}[2J");
        assert_eq!(super::visible("two\nlines"), "two\nlines");
    }
}
