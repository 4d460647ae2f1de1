//! Files generated from the command-line definitions themselves, so they never drift from
//! what `tema` accepts: shell completions and man pages (used by `scripts/package-deb`).

use super::Cli;
use anyhow::{Context, Result};
use clap::CommandFactory;
use std::path::Path;

/// `tema completions SHELL`: the completion script on stdout.
pub fn completions(shell: clap_complete::Shell) -> Result<()> {
    let mut command = Cli::command();
    clap_complete::generate(shell, &mut command, "tema", &mut std::io::stdout());
    Ok(())
}

/// `tema manual OUT`: `tema.1` and `tema-<subcommand>.1` for every visible subcommand.
pub fn manual(out: &Path) -> Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let command = Cli::command();
    clap_mangen::generate_to(command, out)
        .with_context(|| format!("cannot write the man pages into {}", out.display()))?;
    Ok(())
}
