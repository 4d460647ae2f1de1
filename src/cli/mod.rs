//! The command line: scripted and headless use of the same core the app uses.
//!
//! Each subcommand lives in its own file with a `run` function. Read commands take `--json`
//! and print one JSON document on stdout (shapes in `docs/CLI.md`); commands that change the
//! project return only after the change is on disk, and print what they did.

mod basic;
pub mod stress;
mod team;

use anyhow::Result;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "tema",
    version,
    about = "Tema: a workbench for qualitative thematic analysis",
    long_about = "Tema: a workbench for qualitative thematic analysis.\n\n\
                  With no command, opens the app. Every command takes the project folder as its first argument."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new, empty project folder.
    New {
        dir: PathBuf,
        /// The project's name (default: the folder's name).
        #[arg(long)]
        name: Option<String>,
        /// Language of the corpus, for search stemming: english or norwegian.
        #[arg(long)]
        language: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show what a project holds: documents, words, participants, codes, themes, codings...
    Info {
        dir: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Code a passage of a document (creates the code and the coder if they do not exist).
    Code {
        dir: PathBuf,
        /// The document's name.
        #[arg(long)]
        doc: String,
        /// First character of the passage (counted in Unicode characters from 0).
        #[arg(long)]
        start: usize,
        /// One past the last character of the passage.
        #[arg(long)]
        end: usize,
        /// The code's name.
        #[arg(long)]
        code: String,
        /// Who is coding (default: $TEMA_CODER, else the user name).
        #[arg(long)]
        coder: Option<String>,
        /// A comment on the coding.
        #[arg(long)]
        comment: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Take back the last change.
    Undo {
        dir: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Re-apply the last change taken back.
    Redo {
        dir: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Fold the journal of recent changes into the project files (do this before
    /// committing the folder to git or copying it).
    Save { dir: PathBuf },
    /// Bring another copy's codings, codes, themes, memos, quotes, participants and coders into
    /// this project, as one undoable step. Documents are matched by their text.
    Merge {
        dir: PathBuf,
        /// The other copy of the project.
        other: PathBuf,
        /// Show what would be brought in and the conflicts, without changing anything.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// Intercoder agreement: percent agreement, Cohen's kappa and Krippendorff's alpha per
    /// code and pooled, per document and overall (see docs/AGREEMENT.md).
    Agreement {
        dir: PathBuf,
        /// The coders to compare, separated by commas (default: every coder with codings).
        #[arg(long)]
        coders: Option<String>,
        /// Only this document (repeat for several).
        #[arg(long = "doc")]
        docs: Vec<String>,
        /// Count every character as a unit, also text no coder coded.
        #[arg(long)]
        include_uncoded: bool,
        #[arg(long, value_enum, default_value_t = team::ReportFormat::Table)]
        format: team::ReportFormat,
        #[arg(long)]
        json: bool,
    },
    /// Compare coders on one document: agreements, differences, code mapping suggestions.
    Compare {
        dir: PathBuf,
        #[arg(long)]
        doc: String,
        /// Two or more coders, separated by commas (every pair is compared).
        #[arg(long)]
        coders: String,
        #[arg(long)]
        json: bool,
    },
    /// Apply a deterministic stream of edits, printing `ack K` as each is durable (for
    /// crash tests).
    #[command(hide = true)]
    Stress {
        dir: PathBuf,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value_t = 0)]
        start: u64,
        #[arg(long, default_value_t = 1000)]
        count: u64,
        #[arg(long, default_value_t = 0)]
        save_every: u64,
    },
}

/// Runs a subcommand. `Ok(())` means it did its job; errors are printed by `main`.
pub fn run(command: Command) -> Result<()> {
    match command {
        Command::New { dir, name, language, json } => basic::new(&dir, name, language, json),
        Command::Info { dir, json } => basic::info(&dir, json),
        Command::Code { dir, doc, start, end, code, coder, comment, json } => {
            basic::code(&dir, &doc, start, end, &code, coder, comment, json)
        }
        Command::Undo { dir, json } => basic::undo(&dir, json, false),
        Command::Redo { dir, json } => basic::undo(&dir, json, true),
        Command::Save { dir } => basic::save(&dir),
        Command::Merge { dir, other, dry_run, json } => team::merge(&dir, &other, dry_run, json),
        Command::Agreement { dir, coders, docs, include_uncoded, format, json } => {
            team::agreement(&dir, team::AgreementArgs { coders, docs, include_uncoded, format, json })
        }
        Command::Compare { dir, doc, coders, json } => team::compare(&dir, &doc, &coders, json),
        Command::Stress { dir, seed, start, count, save_every } => stress::run(&dir, seed, start, count, save_every),
    }
}

/// Prints a value as pretty JSON on stdout.
pub(crate) fn print_json(value: &impl serde::Serialize) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}
