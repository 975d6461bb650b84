//! `qfill init DIR`: write the built-in bank and mappings out to edit.

use crate::cli::InitArgs;
use crate::source::{DEFAULT_BANK, DEFAULT_MAPPINGS};
use crate::write::write_atomic;
use anyhow::{Result, bail};

pub fn run(args: &InitArgs) -> Result<()> {
    let bank_dir = args.dir.join("answer-bank");
    if bank_dir.exists() && !args.force {
        bail!(
            "{}: already exists; pass --force to overwrite its files",
            bank_dir.display()
        );
    }
    let mut n = 0;
    for (dir, files) in [
        (&bank_dir, &DEFAULT_BANK),
        (&args.dir.join("mappings"), &DEFAULT_MAPPINGS),
    ] {
        for f in files.files() {
            write_atomic(&dir.join(f.path()), f.contents())?;
            n += 1;
        }
    }
    crate::say!(
        "wrote {n} files to {}; edit them, then: qfill fill QUESTIONNAIRE --bank {} --mappings {}",
        args.dir.display(),
        bank_dir.display(),
        args.dir.join("mappings").display()
    );
    Ok(())
}
