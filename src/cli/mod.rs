//! The command line: scripted and headless use of the same core the app uses.
//!
//! Each subcommand lives in its own file with a `run` function. Read commands take `--json`
//! and print one JSON document on stdout (shapes in `docs/CLI.md`); commands that change the
//! project return only after the change is on disk, and print what they did.

mod basic;
mod choice;
pub use basic::set_wait;
mod chart;
mod documents;
mod extracts;
mod generate;
mod import;
mod pseudo;
mod quotes;
mod refi;
mod sample;
mod search;
mod table;
mod team;
mod themes;
mod trail;

use crate::export::report::Kind;
use anyhow::Result;
use choice::Choice;
use clap::{Parser, Subcommand};
use extracts::CodersFlag;
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
    /// Commands that change the project wait up to this many seconds for another Tema to
    /// close it, instead of failing at once.
    #[arg(long, global = true, value_name = "SECONDS")]
    pub wait: Option<u64>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new, empty project folder.
    New {
        dir: PathBuf,
        /// The project's name (default: the folder's name).
        #[arg(long)]
        name: Option<String>,
        /// Language of the corpus, for search stemming (default: english).
        #[arg(long, value_parser = Choice::<crate::model::Language>::new())]
        language: Option<crate::model::Language>,
        #[arg(long)]
        json: bool,
    },
    /// Show what a project holds: documents (read, coded), words, participants, codes, themes,
    /// codings, extracts...
    Info {
        dir: PathBuf,
        /// Whose reading, codings and extracts count.
        #[command(flatten)]
        coders: CodersFlag,
        #[arg(long)]
        json: bool,
    },
    /// Repair a damaged project: re-anchor the codings of texts changed outside Tema where
    /// their text is found again (reporting by name what stays unanchored), list files found
    /// missing or emptied since the last save; with --accept-loss, accept that their content
    /// is lost so the project can be changed again.
    Repair {
        dir: PathBuf,
        /// Accept the loss of what the damaged files held, and save the project.
        #[arg(long)]
        accept_loss: bool,
        #[arg(long)]
        json: bool,
    },
    /// Reads a PDF on standard input and writes its text on standard output: the child
    /// process in which import reads PDFs, under a time and a memory limit.
    #[command(hide = true, name = "__extract-pdf")]
    ExtractPdf,
    /// Code a passage of a document (creates the code and the coder if they do not exist).
    Code {
        dir: PathBuf,
        #[command(flatten)]
        passage: basic::Passage,
        /// The code's name.
        #[arg(long)]
        code: String,
        #[command(flatten)]
        coder: basic::CoderFlag,
        /// A comment on the coding.
        #[arg(long)]
        comment: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Import transcripts, field notes and a participants sheet, as one undoable step.
    ///
    /// PATHs are files or folders (searched recursively) of .docx, .odt, .rtf, .pdf, .txt,
    /// .md, .html, .vtt and .srt files. Speaker turns are found and mapped to participants.
    /// If any file cannot be read, nothing is imported unless --skip-failed is given.
    Import {
        dir: PathBuf,
        #[command(flatten)]
        args: import::ImportArgs,
    },
    /// List the documents: kind, words, speaker turns, participants, sets, language and
    /// attributes.
    Docs {
        dir: PathBuf,
        /// Only the documents of this set (e.g. "Wave 1").
        #[arg(long)]
        set: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Export the journal, the memos and the notes on passages (with the passages' text).
    Memos {
        dir: PathBuf,
        /// md (the default) or json.
        #[arg(long, default_value = "md")]
        format: String,
        /// Write to this file instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Rename, delete or change a document (kind, language, attributes, sets, place).
    #[command(subcommand)]
    Doc(documents::DocCommand),
    /// Correct a transcription error: replace characters START..END of a document's text with
    /// TEXT, as one undoable step. Codings, turns, quotes and notes after it move with the text;
    /// ones that overlap it are clamped (and listed).
    Correct {
        dir: PathBuf,
        /// The document's name.
        #[arg(long)]
        doc: String,
        /// First character to replace (counted in Unicode characters from 0).
        #[arg(long)]
        start: usize,
        /// One past the last character to replace (equal to --start to insert).
        #[arg(long)]
        end: usize,
        /// The new text (empty to delete).
        #[arg(long, allow_hyphen_values = true)]
        text: String,
        /// Show which codings it would touch without changing anything.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// List a document's speakers as the transcript writes them and who each is; with
    /// --speaker, attribute all of that speaker's turns to a participant (one undoable step).
    ///
    /// For auto-transcripts ("Speaker 1", "Speaker 2") and names no participant is known by:
    /// `tema speakers DIR J7 --speaker "Speaker 1" --participant J7`.
    Speakers {
        dir: PathBuf,
        /// The document's name.
        doc: String,
        /// The speaker as the transcript writes it.
        #[arg(long)]
        speaker: Option<String>,
        /// The participant (label or alias) that speaker is.
        #[arg(long, requires = "speaker", conflicts_with = "nobody")]
        participant: Option<String>,
        /// Attribute that speaker's turns to nobody.
        #[arg(long, requires = "speaker")]
        nobody: bool,
        #[arg(long)]
        json: bool,
    },
    /// Print a document's normalised text exactly as character offsets count it.
    Text {
        dir: PathBuf,
        /// The document's name.
        doc: String,
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
    /// Open a project in the app (DIR is the project folder or its project.json, so that a
    /// file manager can open a project by double-clicking it).
    Open { dir: PathBuf },
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
        export: quotes::ExportFlags,
    },
    /// Export the results skeleton: themes as headings, their definitions and quotes.
    Report {
        dir: PathBuf,
        #[command(flatten)]
        export: quotes::ExportFlags,
    },
    /// Export the codebook: codes with definitions, criteria, counts and example extracts.
    Codebook {
        dir: PathBuf,
        #[command(flatten)]
        export: quotes::ExportFlags,
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
        #[command(flatten)]
        args: quotes::SchemeArgs,
    },
    /// Bring another copy's codings, codes, themes, memos, quotes, participants and coders into
    /// this project, as one undoable step. Documents are matched by id, then by their text (a
    /// document corrected in one copy only is one document; the other's codings are moved).
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
        #[command(flatten)]
        args: team::AgreementArgs,
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
    /// Print or export a triangulation table: themes (or codes) by participant group (or any
    /// attribute, or document).
    Table {
        dir: PathBuf,
        #[command(flatten)]
        args: table::TableArgs,
    },
    /// Draw a chart for the paper as SVG or PNG: themes by participant group, codes by group,
    /// or coding progress by document.
    Chart {
        dir: PathBuf,
        /// Which chart.
        #[arg(long, value_parser = Choice::<crate::export::chart::ChartKind>::new(), default_value = "themes-by-group")]
        kind: crate::export::chart::ChartKind,
        /// The file to write: .svg, or .png at --dpi.
        #[arg(short, long)]
        output: PathBuf,
        /// Resolution of a PNG (the SVG is 6.5 inches wide); 300 for print.
        #[arg(long, default_value_t = 300.0)]
        dpi: f32,
    },
    /// Which codes occur together, in overlapping extracts or in the same speaker turn.
    Cooccurrence {
        dir: PathBuf,
        #[arg(long, value_parser = Choice::<crate::analysis::cooccurrence::Scope>::new(), default_value = "overlap")]
        scope: crate::analysis::cooccurrence::Scope,
        #[command(flatten)]
        coders: CodersFlag,
        /// Only the documents of this set ("Wave 1").
        #[arg(long)]
        set: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Write the summary of a cell of a triangulation table (an empty text clears it).
    Summary {
        dir: PathBuf,
        #[command(flatten)]
        row: table::RowFlags,
        /// The column: ATTRIBUTE=VALUE (group=Jobseeker), document=NAME, set=NAME (set= for no
        /// set), or unattributed[:ATTRIBUTE].
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
        #[command(flatten)]
        row: table::RowFlags,
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
    /// crash tests; built only with the `testing` feature).
    #[cfg(feature = "testing")]
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
        /// Write each snapshot on a thread of its own while the stream goes on.
        #[arg(long)]
        background: bool,
    },
    /// Build the coded sample project from `sample-corpus/` (the app opens a copy on first run).
    #[command(subcommand)]
    Sample(SampleCommand),
    /// Print a shell completion script: `tema completions bash > /etc/bash_completion.d/tema`.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Write the man pages (tema.1 and one per subcommand) into a folder, for packaging.
    #[command(hide = true)]
    Manual { out: PathBuf },
    /// Exchange projects and codebooks with NVivo, ATLAS.ti, MAXQDA, QualCoder... (REFI-QDA).
    #[command(subcommand)]
    Refi(refi::RefiCommand),
    /// Pseudonymise a study: find names and identifiers, replace them in place or in a copy,
    /// keep the key apart, verify nothing is left (docs/PSEUDONYMS.md).
    #[command(subcommand)]
    Pseudo(pseudo::PseudoCommand),
    /// Search the documents: keyword in context, with who said it.
    #[command(long_about = "Search the documents: keyword in context, with who said it.\n\n\
                  QUERY is words (stemmed for the project's language), \"phrases\", AND / OR / NOT (or -word),\n\
                  prefix*, fuzzy~ (or fuzzy~2), ( ) for grouping, and filters: group:G doc:\"NAME\" speaker:S\n\
                  kind:focus-group or any participant attribute such as site:Nordby.")]
    Search {
        dir: PathBuf,
        query: String,
        #[command(flatten)]
        args: search::SearchArgs,
        /// Whose codings --uncoded and --within look at (default: everyone's).
        #[arg(long)]
        coder: Option<String>,
        /// Hits to show (0 for all).
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// How the hits are ordered.
        #[arg(long, value_parser = Choice::<crate::index::Order>::new(), default_value = "relevance")]
        order: crate::index::Order,
        /// Characters of context on each side of a match.
        #[arg(long, default_value_t = 60)]
        context: usize,
        #[arg(long)]
        json: bool,
    },
    /// Build or update the search index (it lives in DIR/index and is rebuilt when needed).
    Index {
        dir: PathBuf,
        /// Index every document again from scratch.
        #[arg(long)]
        rebuild: bool,
        #[arg(long)]
        json: bool,
    },
    /// Code every hit of a search in one step (undo takes it all back).
    CodeHits {
        dir: PathBuf,
        query: String,
        /// The code to apply (created if it does not exist).
        #[arg(long)]
        code: String,
        /// What gets coded around each match.
        #[arg(long, value_parser = Choice::<crate::index::code_hits::Scope>::new(), default_value = "match")]
        scope: crate::index::code_hits::Scope,
        #[command(flatten)]
        coder: basic::CoderFlag,
        #[command(flatten)]
        args: search::SearchArgs,
        /// Show what would be coded without changing the project.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// List the themes in tree order with status, definition, codes and counts of extracts,
    /// participants, documents and quotes.
    Themes {
        dir: PathBuf,
        #[command(flatten)]
        coders: CodersFlag,
        #[arg(long)]
        json: bool,
    },
    /// Export coded extracts (the coding report): by code, theme, document, group and coders,
    /// as CSV, Markdown, Word or JSON; one row per extract with document, participant, group,
    /// coders, code, start, end and text.
    Extracts(extracts::ExtractsArgs),
    /// Create a theme (`tema theme add DIR NAME ...`).
    #[command(subcommand)]
    Theme(ThemeCommand),
    /// The analysis trail: every code and theme decision with who, when, before and after
    /// (and why), oldest first; `--map-at DATE` prints the thematic map as it was that day.
    Trail {
        dir: PathBuf,
        #[command(flatten)]
        args: trail::TrailArgs,
    },
    /// Braun and Clarke's 15-point checklist with the evidence the project holds for each point;
    /// `--answer N --text "..."` stores your own answer to point N.
    Checklist {
        dir: PathBuf,
        /// The point (1-15) to answer.
        #[arg(long, value_name = "N")]
        answer: Option<u8>,
        /// Your answer (empty clears it).
        #[arg(long, requires = "answer")]
        text: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Write the methods appendix: phases with dates, the theme history, the checklist with
    /// evidence and, with --journal, the reflexive journal.
    Appendix {
        dir: PathBuf,
        /// docx, md or tex (default: from the output file's extension).
        #[arg(long)]
        format: Option<String>,
        #[arg(short, long)]
        output: PathBuf,
        /// Add the reflexive journal's entries.
        #[arg(long)]
        journal: bool,
    },
    /// Passages similar to a coded passage that are not yet coded with its code.
    Similar {
        dir: PathBuf,
        #[command(flatten)]
        passage: basic::Passage,
        /// The code; passages already coded with it are left out.
        #[arg(long)]
        code: String,
        /// Only this coder's codings count as already coded (default: anyone's).
        #[arg(long)]
        coder: Option<String>,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum QuoteAction {
    /// Mark a passage as a quote for a theme, with display edits. Positions count Unicode
    /// characters from the start of the document, like --start and --end.
    Add {
        dir: PathBuf,
        #[command(flatten)]
        args: quotes::AddArgs,
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

#[derive(Debug, Subcommand)]
pub enum SampleCommand {
    /// Import the corpus and apply the coding plans in `CORPUS/plan/`, reproducibly.
    Build {
        /// The corpus folder.
        #[arg(long, default_value = "sample-corpus")]
        corpus: PathBuf,
        /// Where the project goes (default: CORPUS/IPS-collaboration.tema).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace an existing project there.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ThemeCommand {
    /// Create a theme from existing codes.
    Add {
        dir: PathBuf,
        #[command(flatten)]
        args: themes::AddArgs,
    },
}

/// Runs a subcommand. `Ok(())` means it did its job; errors are printed by `main`.
pub fn run(command: Command) -> Result<()> {
    match command {
        Command::New { dir, name, language, json } => basic::new(&dir, name, language, json),
        Command::Repair { dir, accept_loss, json } => basic::repair(&dir, accept_loss, json),
        Command::ExtractPdf => {
            crate::import::pdf::serve_child(&mut std::io::stdin().lock(), &mut std::io::stdout().lock())?;
            Ok(())
        }
        Command::Info { dir, coders, json } => basic::info(&dir, &coders, json),
        Command::Code { dir, passage, code, coder, comment, json } => {
            basic::code(&dir, &passage, &code, &coder, comment, json)
        }
        Command::Import { dir, args } => import::import(&dir, args),
        Command::Docs { dir, set, json } => import::docs(&dir, set.as_deref(), json),
        Command::Doc(command) => documents::run(command),
        Command::Memos { dir, format, output } => documents::memos(&dir, &format, output.as_deref()),
        Command::Correct { dir, doc, start, end, text, dry_run, json } => {
            documents::correct(&dir, &doc, start, end, &text, dry_run, json)
        }
        Command::Text { dir, doc } => import::text(&dir, &doc),
        Command::Speakers { dir, doc, speaker, participant, nobody, json } => {
            import::speakers(&dir, &doc, speaker.as_deref(), participant.as_deref(), nobody, json)
        }
        Command::Undo { dir, json } => basic::undo(&dir, json, false),
        Command::Redo { dir, json } => basic::undo(&dir, json, true),
        Command::Save { dir } => basic::save(&dir),
        Command::Quotes { dir, theme, export } => {
            quotes::export(&dir, Kind::Quotes { theme: None }, theme.as_deref(), export, None)
        }
        Command::Report { dir, export } => quotes::export(&dir, Kind::Report, None, export, None),
        Command::Codebook { dir, export, examples } => quotes::export(&dir, Kind::Codebook, None, export, examples),
        Command::Quote { action: QuoteAction::Add { dir, args } } => quotes::add(&dir, args),
        Command::Quote { action: QuoteAction::List { dir, theme, json } } => quotes::list(&dir, theme.as_deref(), json),
        Command::Attribution { dir, args } => quotes::scheme(&dir, args),
        Command::Merge { dir, other, dry_run, json } => team::merge(&dir, &other, dry_run, json),
        Command::Agreement { dir, args } => team::agreement(&dir, args),
        Command::Compare { dir, doc, coders, json } => team::compare(&dir, &doc, &coders, json),
        Command::Table { dir, args } => table::table(&dir, args),
        Command::Chart { dir, kind, output, dpi } => chart::chart(&dir, kind, &output, dpi),
        Command::Cooccurrence { dir, scope, coders, set, json } => {
            table::cooccurrence(&dir, scope, &coders, set.as_deref(), json)
        }
        Command::Summary { dir, row, col, text, json } => table::summary(&dir, &row, &col, &text, json),
        Command::Mark { dir, row, across, mark, json } => table::mark(&dir, &row, &across, &mark, json),
        #[cfg(feature = "testing")]
        Command::Stress { dir, seed, start, count, save_every, background } => crate::testing::stress::run(
            &dir,
            seed,
            start,
            count,
            crate::testing::stress::Saves { every: save_every, background },
        ),
        Command::Open { dir } => open(dir),
        Command::Sample(SampleCommand::Build { corpus, out, force }) => {
            let out = out.unwrap_or_else(|| corpus.join(crate::sample::SAMPLE_NAME));
            sample::build(&corpus, &out, force)
        }
        Command::Completions { shell } => generate::completions(shell),
        Command::Manual { out } => generate::manual(&out),
        Command::Search { dir, query, args, coder, limit, order, context, json } => {
            search::search(&dir, &query, &args, coder, limit, order, context, json)
        }
        Command::Index { dir, rebuild, json } => search::index(&dir, rebuild, json),
        Command::CodeHits { dir, query, code, scope, coder, args, dry_run, json } => {
            search::code_hits(&dir, &query, &args, &code, scope, &coder, dry_run, json)
        }
        Command::Themes { dir, coders, json } => themes::list(&dir, &coders, json),
        Command::Trail { dir, args } => trail::trail(&dir, args),
        Command::Checklist { dir, answer, text, json } => trail::checklist(&dir, answer, text, json),
        Command::Appendix { dir, format, output, journal } => trail::appendix(&dir, format, &output, journal),
        Command::Extracts(args) => extracts::run(args),
        Command::Refi(command) => refi::run(command),
        Command::Pseudo(command) => pseudo::run(command),
        Command::Theme(ThemeCommand::Add { dir, args }) => themes::add(&dir, args),
        Command::Similar { dir, passage, code, coder, limit, json } => {
            search::similar(&dir, &passage, &code, coder, limit, json)
        }
    }
}

/// `tema open`: the project folder, or its `project.json` as a file manager passes it.
fn open(path: PathBuf) -> Result<()> {
    let dir = if path.file_name().is_some_and(|n| n == crate::store::snapshot::PROJECT_FILE) {
        path.parent().map(PathBuf::from).unwrap_or_default()
    } else {
        path
    };
    if !crate::store::is_project(&dir) {
        anyhow::bail!("{} is not a Tema project (no project.json); create one with `tema new`", dir.display());
    }
    open_app(dir)
}

#[cfg(feature = "app")]
fn open_app(dir: PathBuf) -> Result<()> {
    crate::ui::run(Some(dir))
}

#[cfg(not(feature = "app"))]
fn open_app(_dir: PathBuf) -> Result<()> {
    anyhow::bail!(
        "this tema was built without the app (cargo feature `app`); use the subcommands, or install the full build"
    )
}

/// Prints a value as pretty JSON on stdout.
pub(crate) fn print_json(value: &impl serde::Serialize) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}
