//! The command line: scripted and headless use of the same core the app uses.
//!
//! Each subcommand lives in its own file with a `run` function. Read commands take `--json`
//! and print one JSON document on stdout (shapes in `docs/CLI.md`); commands that change the
//! project return only after the change is on disk, and print what they did.

mod basic;
mod quotes;
pub mod stress;

use crate::export::report::Kind;
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
    /// Export the quotes by theme (all themes, or one theme and its subthemes).
    Quotes {
        dir: PathBuf,
        /// Only this theme and its subthemes.
        #[arg(long)]
        theme: Option<String>,
        #[command(flatten)]
        export: ExportFlags,
    },
    /// Export the results skeleton: themes as headings, their definitions and quotes.
    Report {
        dir: PathBuf,
        #[command(flatten)]
        export: ExportFlags,
    },
    /// Export the codebook: codes with definitions, criteria, counts and example extracts.
    Codebook {
        dir: PathBuf,
        #[command(flatten)]
        export: ExportFlags,
        /// Example extracts per code (default 2).
        #[arg(long)]
        examples: Option<usize>,
    },
    /// Add or list quotes.
    Quote {
        #[command(subcommand)]
        action: QuoteAction,
    },
    /// Show or change how quotes are attributed (labels per group, pseudonyms, focus groups)
    /// and from how many words a quote is set as a block.
    Attribution {
        dir: PathBuf,
        /// A group's label template, e.g. `Jobseeker=J{n}` or `Employer=EMP` (repeatable).
        #[arg(long = "group", value_name = "GROUP=TEMPLATE")]
        groups: Vec<String>,
        /// The template for groups without their own (default `{label}`).
        #[arg(long = "default", value_name = "TEMPLATE")]
        default_template: Option<String>,
        /// Attribute participants who have a pseudonym by it: yes or no.
        #[arg(long, value_name = "yes|no")]
        pseudonyms: Option<String>,
        /// The label of a focus-group quote (default `{doc}, {speakers}`).
        #[arg(long, value_name = "TEMPLATE")]
        focus_group: Option<String>,
        /// The label of a quote without a participant (default `{doc}`).
        #[arg(long, value_name = "TEMPLATE")]
        unattributed: Option<String>,
        /// Between the labels of several speakers (default `/`).
        #[arg(long)]
        separator: Option<String>,
        /// Quotes of this many words or more are block quotes (default 40, as APA).
        #[arg(long)]
        block_words: Option<usize>,
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

/// Options of the export commands.
#[derive(Debug, clap::Args)]
pub struct ExportFlags {
    /// docx, md, tex, html or csv (default: from the output file's extension).
    #[arg(long)]
    pub format: Option<String>,
    /// The file to write (default: standard output).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// For translated quotes: both (translation, original beneath), only, or hide.
    #[arg(long, value_name = "both|only|hide")]
    pub translations: Option<String>,
    /// Also themes set aside as parked.
    #[arg(long)]
    pub include_parked: bool,
}

impl ExportFlags {
    fn args(self, examples: Option<usize>) -> quotes::ExportArgs {
        quotes::ExportArgs {
            format: self.format,
            output: self.output,
            translations: self.translations,
            include_parked: self.include_parked,
            examples,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum QuoteAction {
    /// Mark a passage as a quote for a theme, with display edits. Positions count Unicode
    /// characters from the start of the document, like --start and --end.
    Add {
        dir: PathBuf,
        /// The theme or subtheme the quote illustrates.
        #[arg(long)]
        theme: String,
        /// The document's name.
        #[arg(long)]
        doc: String,
        #[arg(long)]
        start: usize,
        #[arg(long)]
        end: usize,
        /// Leave out START:END, shown as [...] (repeatable).
        #[arg(long = "cut", value_name = "START:END")]
        cuts: Vec<String>,
        /// Add words in brackets at POS; at a cut's start they replace it (repeatable).
        #[arg(long = "insert", value_name = "POS:TEXT")]
        inserts: Vec<String>,
        #[arg(long)]
        translation: Option<String>,
        /// Mark it as the strongest quote of its theme.
        #[arg(long)]
        star: bool,
        #[arg(long)]
        note: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// List quotes by theme with their display text and attribution.
    List {
        dir: PathBuf,
        #[arg(long)]
        theme: Option<String>,
        #[arg(long)]
        json: bool,
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
        Command::Quotes { dir, theme, export } => {
            quotes::export(&dir, Kind::Quotes { theme: None }, theme.as_deref(), export.args(None))
        }
        Command::Report { dir, export } => quotes::export(&dir, Kind::Report, None, export.args(None)),
        Command::Codebook { dir, export, examples } => {
            quotes::export(&dir, Kind::Codebook, None, export.args(examples))
        }
        Command::Quote {
            action: QuoteAction::Add { dir, theme, doc, start, end, cuts, inserts, translation, star, note, json },
        } => {
            quotes::add(&dir, quotes::AddArgs { theme, doc, start, end, cuts, inserts, translation, star, note, json })
        }
        Command::Quote { action: QuoteAction::List { dir, theme, json } } => quotes::list(&dir, theme.as_deref(), json),
        Command::Attribution {
            dir,
            groups,
            default_template,
            pseudonyms,
            focus_group,
            unattributed,
            separator,
            block_words,
            json,
        } => quotes::scheme(
            &dir,
            quotes::SchemeArgs {
                groups,
                default_template,
                pseudonyms,
                focus_group,
                unattributed,
                separator,
                block_words,
                json,
            },
        ),
        Command::Stress { dir, seed, start, count, save_every } => stress::run(&dir, seed, start, count, save_every),
    }
}

/// Prints a value as pretty JSON on stdout.
pub(crate) fn print_json(value: &impl serde::Serialize) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}
