//! Write: the filled questionnaire, the internal review workbook and JSON.
//!
//! Every output is built in memory first and only then written, each through a
//! temporary file in the target folder renamed into place, so a failed run
//! leaves no half-written file and never touches the input.

pub mod cells;
pub mod csv_out;
pub mod html;
pub mod json;
pub mod patch;
pub mod rebuild;
pub mod review;

use crate::ingest::{Format, Workbook};
use anyhow::{Context, Result, bail};
use cells::Placement;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Builds the buyer-facing filled questionnaire. The rebuilding writer is the
/// default; a writer that patches the buyer's own file can replace it.
pub trait FilledWriter {
    /// The file extension of the output.
    fn extension(&self, input: &Workbook) -> &'static str;
    /// The bytes of the filled questionnaire: the input with these cells set.
    fn render(&self, input: &Workbook, cells: &[Placement]) -> Result<Vec<u8>>;
}

/// The buyer's workbook with the answers, ready to write.
pub struct FilledCopy {
    pub extension: &'static str,
    pub bytes: Vec<u8>,
    /// Said to the user when the copy had to be rebuilt.
    pub note: Option<String>,
}

/// The buyer's workbook with these cells set: patched in place where the
/// format allows, else rebuilt, with a note for the user when formatting is
/// lost. `fill`, `batch` and `apply` all write through it.
pub fn render_filled(input: &Path, book: &Workbook, cells: &[Placement]) -> Result<FilledCopy> {
    let writer = filled_writer(book.format);
    match writer.render(book, cells) {
        Ok(bytes) => Ok(FilledCopy {
            extension: writer.extension(book),
            bytes,
            note: None,
        }),
        // A package the in-place writer cannot patch still gets its answers, in a rebuilt copy.
        Err(e) if matches!(book.format, Format::Xlsx | Format::Xlsm) => {
            let note = format!(
                "note: {}: could not patch the workbook in place ({e}); wrote a rebuilt copy without its formatting",
                input.display()
            );
            let rebuild = rebuild::RebuildWriter;
            Ok(FilledCopy {
                extension: rebuild.extension(book),
                bytes: rebuild.render(book, cells)?,
                note: Some(note),
            })
        }
        Err(e) => {
            Err(e).with_context(|| format!("{}: cannot write the filled copy", input.display()))
        }
    }
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
/// to a temporary file beside its target, and only when all are written
/// renames them into place. A failure before that leaves every earlier
/// output (from a previous run) as it was.
pub fn write_all(outputs: &[Output], input: &Path, force: bool) -> Result<()> {
    let input_key = same_file_key(input);
    for (i, o) in outputs.iter().enumerate() {
        if o.path == input || same_file_key(&o.path) == input_key {
            bail!(
                "{}: an output would overwrite the input; choose another -o DIR",
                o.path.display()
            );
        }
        if let Some(other) = outputs[..i]
            .iter()
            .find(|p| same_file_key(&p.path) == same_file_key(&o.path))
        {
            bail!(
                "{}: two outputs would be written to this one path ({} too); choose another --json PATH or -o DIR",
                o.path.display(),
                other.path.display()
            );
        }
        if o.path.is_dir() {
            bail!(
                "{}: is a folder; outputs are files inside it",
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
    let staged = outputs
        .iter()
        .map(|o| stage(&o.path, &o.bytes))
        .collect::<Result<Vec<_>>>()?;
    for (tmp, o) in staged.into_iter().zip(outputs) {
        tmp.persist(&o.path).map_err(|e| {
            anyhow::anyhow!("{}: cannot write the file: {}", o.path.display(), e.error)
        })?;
    }
    Ok(())
}

/// A path as the file system sees it, to tell when two paths are one file:
/// the canonical folder and the file name (the file itself may not exist yet).
fn same_file_key(path: &Path) -> Option<PathBuf> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path.file_name()?;
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let joined = dir.join(name);
    Some(std::fs::canonicalize(&joined).unwrap_or(joined))
}

/// The bytes written to a temporary file in the target's folder, not yet in place.
fn stage(path: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if dir.exists() && !dir.is_dir() {
        bail!(
            "{}: exists and is not a folder; -o names the folder the outputs go into",
            dir.display()
        );
    }
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("{}: cannot create the output folder", dir.display()))?;
    remove_stale_temporaries(&dir);
    let mut builder = tempfile::Builder::new();
    builder.prefix(".qfill-");
    // Outputs are ordinary files: read-write for all, less what the umask takes away.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder
        .tempfile_in(&dir)
        .with_context(|| format!("{}: cannot write in this folder", dir.display()))?;
    tmp.write_all(bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .with_context(|| format!("{}: cannot write the file", path.display()))?;
    Ok(tmp)
}

/// Temporary files a killed run left behind (`kill -9` skips every cleanup).
/// Only those an hour old go: a run writing now is never disturbed.
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for e in entries.flatten() {
        let ours = e.file_name().to_string_lossy().starts_with(".qfill-");
        let stale = e
            .metadata()
            .ok()
            .filter(|m| m.is_file())
            .and_then(|m| m.modified().ok())
            .is_some_and(|t| t < hour_ago);
        if ours && stale {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Writes through a temporary file in the same folder, then renames it into place.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    stage(path, bytes)?
        .persist(path)
        .map_err(|e| anyhow::anyhow!("{}: cannot write the file: {}", path.display(), e.error))?;
    Ok(())
}

/// Where an output called `name` goes when `-o` says `out`: inside `out`
/// when it is a folder (or names none yet), or `out` itself when it names a
/// file of the output's kind (`-o bank.xlsx`). `-o` is a folder everywhere;
/// a file name is the explicit choice.
pub fn file_in(out: &Path, name: &str) -> PathBuf {
    let ext = |p: &Path| p.extension().map(|e| e.to_ascii_lowercase());
    let names_a_file = !out.is_dir() && ext(out).is_some() && ext(out) == ext(Path::new(name));
    if names_a_file {
        out.to_path_buf()
    } else {
        out.join(name)
    }
}

/// `DIR/STEM.SUFFIX` for an input `.../STEM.ext`.
pub fn output_path(input: &Path, out_dir: Option<&Path>, suffix: &str) -> PathBuf {
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "questionnaire".into());
    output_path_named(&stem, input, out_dir, suffix)
}

/// `DIR/STEM.SUFFIX` with the stem given: `vendor.ods` when `vendor.xlsx`
/// sits beside it and would otherwise share its outputs.
pub fn output_path_named(
    stem: &str,
    input: &Path,
    out_dir: Option<&Path>,
    suffix: &str,
) -> PathBuf {
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
    fn o_is_a_folder_unless_it_names_a_file_of_the_outputs_kind() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        assert_eq!(
            file_in(&d.join("out"), "bank.xlsx"),
            d.join("out/bank.xlsx")
        );
        assert_eq!(
            file_in(&d.join("mine.xlsx"), "bank.xlsx"),
            d.join("mine.xlsx")
        );
        assert_eq!(
            file_in(&d.join("MINE.XLSX"), "bank.xlsx"),
            d.join("MINE.XLSX")
        );
        // Another kind of file name is a folder's name, and so is an existing folder.
        assert_eq!(
            file_in(&d.join("v1.2"), "soa.toml"),
            d.join("v1.2/soa.toml")
        );
        std::fs::create_dir(d.join("odd.toml")).unwrap();
        assert_eq!(
            file_in(&d.join("odd.toml"), "soa.toml"),
            d.join("odd.toml/soa.toml")
        );
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
