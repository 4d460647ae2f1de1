//! `refi import` and `refi export`: REFI-QDA exchange (see docs/EXCHANGE.md).

use super::basic::{finish, open, open_for_reading};
use super::print_json;
use crate::exchange::{self, FileKind, Limits, Profile};
use crate::store::Store;
use anyhow::{Context, Result, bail};
use serde_json::json;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Subcommand)]
pub enum RefiCommand {
    /// Import a project (.qdpx, or a bare .qde) into a new project folder DIR, or a
    /// codebook (.qdc) into the project DIR (created if it does not exist).
    Import {
        dir: PathBuf,
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Export the project DIR as a REFI-QDA project (.qdpx) or codebook (.qdc).
    Export {
        dir: PathBuf,
        /// The file to write; its extension (.qdpx or .qdc) says which.
        #[arg(short, long)]
        output: PathBuf,
        /// How positions and line ends are written; projects only.
        #[arg(long, value_parser = super::choice::Choice::<Profile>::new(), default_value = "standard")]
        profile: Profile,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(command: RefiCommand) -> Result<()> {
    match command {
        RefiCommand::Import { dir, file, json } => import(&dir, &file, json),
        RefiCommand::Export { dir, output, profile, json } => export(&dir, &output, profile, json),
    }
}

fn is_project(dir: &Path) -> bool {
    dir.join("project.json").is_file()
}

fn import(dir: &Path, file: &Path, json: bool) -> Result<()> {
    let limits = Limits::default();
    let report = match FileKind::of(file) {
        Some(FileKind::Project) => {
            if dir.exists() && std::fs::read_dir(dir).map(|mut d| d.next().is_some()).unwrap_or(true) {
                bail!(
                    "{} is not empty: a REFI-QDA project is imported into a new project folder; name one that does not exist yet",
                    dir.display()
                );
            }
            let plan = exchange::plan_project_import(file, &limits, &crate::progress::Progress::new())?;
            let report = plan.report.clone();
            exchange::import_into_new_project(dir, plan)?;
            report
        }
        Some(FileKind::Codebook) => {
            let mut store = if is_project(dir) {
                open(dir)?
            } else {
                let name = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                Store::create(dir, &name).with_context(|| format!("cannot create project {}", dir.display()))?
            };
            let plan = exchange::plan_codebook_import(store.project(), file, &limits)?;
            store.apply(plan.edit).with_context(|| format!("cannot import {}", file.display()))?;
            finish(&mut store);
            plan.report
        }
        None => bail!("{}: unknown file type: use a .qdpx or .qde project, or a .qdc codebook", file.display()),
    };
    if json {
        print_json(&json!({ "project": dir, "report": report }))
    } else {
        for line in report.lines() {
            println!("{line}");
        }
        println!("Project: {}", dir.display());
        Ok(())
    }
}

fn export(dir: &Path, output: &Path, profile: Profile, json: bool) -> Result<()> {
    let store = open_for_reading(dir)?;
    let (bytes, report) = match FileKind::of(output) {
        Some(FileKind::Project) if output.extension().is_some_and(|e| e.eq_ignore_ascii_case("qdpx")) => {
            exchange::export_project(store.project(), profile)?
        }
        Some(FileKind::Codebook) => exchange::export_codebook(store.project())?,
        _ => bail!("{}: write a .qdpx (project) or a .qdc (codebook)", output.display()),
    };
    exchange::write_file(output, &bytes)?;
    if json {
        print_json(&json!({ "output": output, "bytes": bytes.len(), "report": report }))
    } else {
        println!("Wrote {} ({} bytes)", output.display(), bytes.len());
        for line in report.lines() {
            println!("{line}");
        }
        Ok(())
    }
}
