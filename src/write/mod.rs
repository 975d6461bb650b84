//! Write: the filled questionnaire, the internal review workbook and JSON.
//!
//! Every output is built in memory first and only then written, each through a
//! temporary file in the target folder renamed into place, so a failed run
//! leaves no half-written file and never touches the input.

pub mod cells;
pub mod csv_out;
pub mod json;
pub mod patch;
pub mod rebuild;
pub mod review;

use crate::ingest::{Format, Workbook};
use crate::pipeline::Outcome;
use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Builds the buyer-facing filled questionnaire. The rebuilding writer is the
/// default; a writer that patches the buyer's own file can replace it.
pub trait FilledWriter {
    /// The file extension of the output.
    fn extension(&self, input: &Workbook) -> &'static str;
    /// The bytes of the filled questionnaire.
    fn render(
        &self,
        input: &Workbook,
        outcomes: &[Outcome],
        include_review: bool,
    ) -> Result<Vec<u8>>;
}

/// Picks the filled-workbook writer for an input format.
pub fn filled_writer(format: Format) -> Box<dyn FilledWriter> {
    match format {
        Format::Csv => Box::new(csv_out::CsvWriter),
        Format::Xlsx | Format::Xlsm => Box::new(patch::PatchWriter),
        Format::Xls | Format::Xlsb | Format::Ods => Box::new(rebuild::RebuildWriter),
    }
}

/// One output file waiting to be written.
pub struct Output {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// Writes every output, or none: checks all paths first, then writes each
/// atomically, removing the ones already written if a later one fails.
pub fn write_all(outputs: &[Output], input: &Path, force: bool) -> Result<()> {
    let input_abs = std::fs::canonicalize(input).ok();
    for o in outputs {
        let same = o.path == input
            || input_abs.is_some()
                && std::fs::canonicalize(&o.path).ok().as_ref() == input_abs.as_ref();
        if same {
            bail!(
                "{}: an output would overwrite the input; choose another -o DIR",
                o.path.display()
            );
        }
        if o.path.exists() && !force {
            bail!(
                "{}: already exists; pass --force to replace it",
                o.path.display()
            );
        }
    }
    let mut written: Vec<&Path> = Vec::new();
    for o in outputs {
        if let Err(e) = write_atomic(&o.path, &o.bytes) {
            for p in written {
                let _ = std::fs::remove_file(p);
            }
            return Err(e);
        }
        written.push(&o.path);
    }
    Ok(())
}

/// Writes through a temporary file in the same folder, then renames it into place.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("{}: cannot create the output folder", dir.display()))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".qfill-")
        .tempfile_in(&dir)
        .with_context(|| format!("{}: cannot write in this folder", dir.display()))?;
    tmp.write_all(bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .with_context(|| format!("{}: cannot write the file", path.display()))?;
    tmp.persist(path)
        .map_err(|e| anyhow::anyhow!("{}: cannot write the file: {}", path.display(), e.error))?;
    Ok(())
}

/// `DIR/STEM.SUFFIX` for an input `.../STEM.ext`.
pub fn output_path(input: &Path, out_dir: Option<&Path>, suffix: &str) -> PathBuf {
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "questionnaire".into());
    let dir = out_dir
        .map(Path::to_path_buf)
        .or_else(|| input.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    dir.join(format!("{stem}.{suffix}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_sit_next_to_the_input_unless_told() {
        let p = output_path(Path::new("in/vendor q.xlsx"), None, "filled.xlsx");
        assert_eq!(p, PathBuf::from("in/vendor q.filled.xlsx"));
        let p = output_path(
            Path::new("in/v.xlsx"),
            Some(Path::new("out")),
            "review.xlsx",
        );
        assert_eq!(p, PathBuf::from("out/v.review.xlsx"));
    }

    #[test]
    fn nothing_is_written_when_one_output_exists() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.txt");
        let b = dir.path().join("b.txt");
        std::fs::write(&b, "keep").unwrap();
        let outs = [
            Output {
                path: a.clone(),
                bytes: b"x".to_vec(),
            },
            Output {
                path: b.clone(),
                bytes: b"y".to_vec(),
            },
        ];
        let err = write_all(&outs, Path::new("input.xlsx"), false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("--force"), "{err}");
        assert!(!a.exists());
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "keep");
        write_all(&outs, Path::new("input.xlsx"), true).unwrap();
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "y");
    }
}
