//! The command line: scripted and headless use of the same core the app uses.
//!
//! Each subcommand lives in its own file with a `run` function. Read commands take `--json`
//! and print one JSON document on stdout (shapes in `docs/CLI.md`); commands that change the
//! project return only after the change is on disk, and print what they did.

mod basic;
pub mod stress;
mod table;

use anyhow::Result;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use table::{CellsArg, FormatArg, RowsArg, ScopeArg};

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
    /// Print or export a triangulation table: themes (or codes) by participant group (or any
    /// attribute, or document).
    Table {
        dir: PathBuf,
        /// What the rows are.
        #[arg(long, value_enum, default_value = "themes")]
        rows: RowsArg,
        /// The columns: `group`, any participant attribute (`site`, `gender`, `label`...), or
        /// `document`.
        #[arg(long, default_value = "group")]
        cols: String,
        /// What each cell says.
        #[arg(long, value_enum, default_value = "counts")]
        cells: CellsArg,
        /// Output format (default: from the -o file's extension, else md).
        #[arg(long, value_enum)]
        format: Option<FormatArg>,
        /// The file to write; text formats go to stdout without it.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Include parked themes.
        #[arg(long)]
        include_parked: bool,
        /// Count each row's own codings only, not its subthemes' or child codes'.
        #[arg(long)]
        no_aggregate: bool,
        /// Only this coder's codings (repeat for several).
        #[arg(long)]
        coder: Vec<String>,
    },
    /// Which codes occur together, in overlapping extracts or in the same speaker turn.
    Cooccurrence {
        dir: PathBuf,
        #[arg(long, value_enum, default_value = "overlap")]
        scope: ScopeArg,
        /// Only this coder's codings (repeat for several).
        #[arg(long)]
        coder: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Write the summary of a cell of a triangulation table (an empty text clears it).
    Summary {
        dir: PathBuf,
        /// The row's theme.
        #[arg(long, conflicts_with = "code")]
        theme: Option<String>,
        /// The row's code (for tables of codes).
        #[arg(long)]
        code: Option<String>,
        /// The column: ATTRIBUTE=VALUE (group=Jobseeker), document=NAME, or unattributed[:ATTRIBUTE].
        #[arg(long)]
        col: String,
        #[arg(long)]
        text: String,
        #[arg(long)]
        json: bool,
    },
    /// Mark whether the columns of a row converge, diverge or are silent.
    Mark {
        dir: PathBuf,
        #[arg(long, conflicts_with = "code")]
        theme: Option<String>,
        #[arg(long)]
        code: Option<String>,
        /// The kind of table the mark is for: group, another attribute, or document.
        #[arg(long, default_value = "group")]
        across: String,
        /// converge, diverge, silent, not-applicable, or none to clear it.
        #[arg(long)]
        mark: String,
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
        Command::Table { dir, rows, cols, cells, format, output, include_parked, no_aggregate, coder } => {
            table::table(table::TableArgs {
                dir,
                rows,
                cols,
                cells,
                format,
                output,
                include_parked,
                no_aggregate,
                coders: coder,
            })
        }
        Command::Cooccurrence { dir, scope, coder, json } => table::cooccurrence(&dir, scope, &coder, json),
        Command::Summary { dir, theme, code, col, text, json } => {
            table::summary(&dir, theme.as_deref(), code.as_deref(), &col, &text, json)
        }
        Command::Mark { dir, theme, code, across, mark, json } => {
            table::mark(&dir, theme.as_deref(), code.as_deref(), &across, &mark, json)
        }
        Command::Stress { dir, seed, start, count, save_every } => stress::run(&dir, seed, start, count, save_every),
    }
}

/// Prints a value as pretty JSON on stdout.
pub(crate) fn print_json(value: &impl serde::Serialize) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}
