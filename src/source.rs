//! Text files (bank and mappings) that come either from disk or from the
//! defaults embedded in the binary, and TOML parsing that reports `file:line:col`.

use anyhow::{Context, Result, bail};
use include_dir::{Dir, include_dir};
use serde::de::DeserializeOwned;
use std::ops::Range;
use std::path::{Path, PathBuf};

pub static DEFAULT_BANK: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/answer-bank");
pub static DEFAULT_MAPPINGS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/mappings");

/// One text file and the name to use for it in messages.
#[derive(Debug, Clone, Default)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    /// Byte offsets where lines start, computed on first use.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl SourceFile {
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read the file", path.display()))?;
        Ok(SourceFile::new(path.display().to_string(), text))
    }

    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
            line_starts: Default::default(),
        }
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        // A big bank has thousands of entries: find lines by binary search, not by rescanning.
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let offset = offset.min(self.text.len());
        let line = starts.partition_point(|s| *s <= offset);
        let start = starts[line - 1];
        let col = self
            .text
            .get(start..offset)
            .map_or(0, |l| l.chars().count())
            + 1;
        (line, col)
    }

    /// `file:line:col` of a byte span, for messages.
    pub fn at(&self, span: &Range<usize>) -> String {
        let (line, col) = self.line_col(span.start);
        format!("{}:{line}:{col}", self.name)
    }

    /// Parses the whole file, turning TOML and schema errors into one line
    /// that names the file, line and column.
    pub fn parse_toml<T: DeserializeOwned>(&self) -> Result<T> {
        toml::from_str(&self.text).map_err(|e| {
            let at = match e.span() {
                Some(span) => self.at(&span),
                None => self.name.clone(),
            };
            let msg = e.message().trim().replace('\n', " ");
            anyhow::anyhow!("{at}: {msg}")
        })
    }
}

/// The `*.toml` files of a directory, sorted by name so that loading is repeatable.
pub fn toml_files_in(dir: &Path) -> Result<Vec<SourceFile>> {
    if !dir.is_dir() {
        bail!("{}: not a directory", dir.display());
    }
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("{}: cannot list the directory", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    paths.iter().map(|p| SourceFile::read(p)).collect()
}

/// The `*.toml` files embedded at the top of a default directory.
pub fn embedded_toml_files(dir: &Dir<'_>, label: &str) -> Vec<SourceFile> {
    let mut files: Vec<SourceFile> = dir
        .files()
        .filter(|f| f.path().extension().is_some_and(|x| x == "toml"))
        .map(|f| {
            SourceFile::new(
                format!("{label}/{}", f.path().display()),
                f.contents_utf8().unwrap_or_default(),
            )
        })
        .collect();
    files.sort_by(|a, b| a.name.cmp(&b.name));
    files
}

/// One named embedded mappings file, e.g. `scope.toml`.
pub fn embedded_mapping(file: &str) -> Option<SourceFile> {
    DEFAULT_MAPPINGS.get_file(file).map(|f| {
        SourceFile::new(
            format!("(built-in) mappings/{file}"),
            f.contents_utf8().unwrap_or_default(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        let f = SourceFile::new("x.toml", "a = 1\nbb = 2\n");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(6), (2, 1));
        assert_eq!(f.line_col(9), (2, 4));
    }

    #[test]
    fn toml_errors_name_file_line_and_column() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct T {
            a: i64,
        }
        let f = SourceFile::new("bank/x.toml", "a = 1\nb = 2\n");
        let err = f.parse_toml::<T>().unwrap_err().to_string();
        assert!(
            err.starts_with("bank/x.toml:2:1: unknown field `b`"),
            "{err}"
        );
        assert!(!err.contains('\n'));
    }
}
