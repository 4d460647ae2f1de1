//! `table`, `cooccurrence`, `summary`, `mark`: triangulation tables and their framework
//! cells from the command line.

use super::basic::{finish, open, open_for_reading};
use super::choice::Choice;
use super::print_json;
use crate::analysis::extract::ExtractBuilder;
use crate::analysis::{Cooccurrence, CooccurrenceOptions, CountsFor, Matrix, MatrixOptions, RowSource, Scope};
use crate::edit::Edit;
use crate::export::table::{CellContent, TableFormat, TableText};
use crate::model::*;
use anyhow::{Context, Result, bail};
use clap::ValueEnum;
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};

/// `--format`: one of the core's table formats, or the view model as JSON. Its values come from
/// `TableFormat::ALL`, so a new table format needs no change here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormatArg {
    Table(TableFormat),
    /// The whole view model, ids included, for scripts.
    Json,
}

/// Every `--format` value: the table formats in the core's order, then JSON.
const FORMAT_ARGS: [FormatArg; TableFormat::ALL.len() + 1] = {
    let mut all = [FormatArg::Json; TableFormat::ALL.len() + 1];
    let mut i = 0;
    while i < TableFormat::ALL.len() {
        all[i] = FormatArg::Table(TableFormat::ALL[i]);
        i += 1;
    }
    all
};

impl ValueEnum for FormatArg {
    fn value_variants<'a>() -> &'a [Self] {
        &FORMAT_ARGS
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(match self {
            FormatArg::Table(f) => clap::builder::PossibleValue::new(f.extension()).help(f.label()),
            FormatArg::Json => {
                clap::builder::PossibleValue::new("json").help("The whole view model, ids included, for scripts")
            }
        })
    }
}

/// What `tema table` was asked for (besides the project folder).
#[derive(Debug, Clone, clap::Args)]
pub struct TableArgs {
    /// What the rows are.
    #[arg(long, value_parser = Choice::<RowSource>::new(), default_value = "themes")]
    pub rows: RowSource,
    /// The columns: `group`, any participant attribute (`site`, `gender`, `label`...),
    /// `document`, or `set` (document sets, and "No set").
    #[arg(long, default_value = "group")]
    pub cols: String,
    /// Only the documents of this set ("Wave 1").
    #[arg(long)]
    pub set: Option<String>,
    /// What each cell says.
    #[arg(long, value_parser = Choice::<CellContent>::new(), default_value = "counts")]
    pub cells: CellContent,
    /// Output format (default: from the -o file's extension, else md).
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// The file to write; text formats go to stdout without it.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Include parked themes.
    #[arg(long)]
    pub include_parked: bool,
    /// Count each row's own codings only, not its subthemes' or child codes'.
    #[arg(long)]
    pub no_aggregate: bool,
    #[command(flatten)]
    pub coders: super::CodersFlag,
}

/// The column dimension a `--cols` value names: `document`, `set` (document sets), or a
/// participant attribute.
fn dimension(p: &Project, cols: &str) -> Result<Dimension> {
    let cols = cols.trim();
    if matches!(cols.to_lowercase().as_str(), "document" | "documents" | "doc" | "docs") {
        return Ok(Dimension::Document);
    }
    if matches!(cols.to_lowercase().as_str(), "set" | "sets" | "document-set" | "document-sets") {
        return Ok(Dimension::DocumentSet);
    }
    let known = attribute_names(p);
    match known.iter().find(|a| a.eq_ignore_ascii_case(cols)) {
        Some(name) => Ok(Dimension::attribute(name.as_str())),
        None => {
            bail!(
                "no participant has an attribute named {cols:?}; use group, document, set or one of: {}",
                known.join(", ")
            )
        }
    }
}

/// A document set by name (ignoring case and spacing), as the documents spell it.
pub fn known_set(p: &Project, name: &str) -> Result<String> {
    let sets = crate::edit::document_sets(p);
    match sets.iter().find(|s| name_key(s) == name_key(name)) {
        Some(s) => Ok(s.clone()),
        None if sets.is_empty() => bail!("no document is in a set named {name:?}; no document is in any set yet"),
        None => bail!("no document is in a set named {name:?}; the sets are: {}", sets.join(", ")),
    }
}

/// `group`, `label` and every attribute some participant has, in the participants' order.
fn attribute_names(p: &Project) -> Vec<String> {
    let mut names = vec!["group".to_string(), "label".to_string()];
    for part in p.participants.values() {
        for k in part.props.attributes.keys() {
            if !names.iter().any(|n| n.eq_ignore_ascii_case(k)) {
                names.push(k.clone());
            }
        }
    }
    names
}

pub fn table(dir: &Path, args: TableArgs) -> Result<()> {
    let store = open_for_reading(dir)?;
    let p = store.project();
    let options = MatrixOptions {
        rows: args.rows,
        columns: dimension(p, &args.cols)?,
        include_parked: args.include_parked,
        aggregate: !args.no_aggregate,
        coders: args.coders.scope(p)?,
        set: args.set.as_deref().map(|s| known_set(p, s)).transpose()?,
    };
    let format = match (args.format, &args.output) {
        (Some(f), _) => f,
        (None, Some(path)) => format_of(path)?,
        (None, None) => FormatArg::Table(TableFormat::Markdown),
    };
    if let Some(path) = &args.output {
        crate::export::check_target(path)?;
    }
    let matrix = Matrix::build(p, &options);
    let table_format = match format {
        FormatArg::Table(f) => Some(f),
        FormatArg::Json => None,
    };
    let bytes = match table_format {
        None => {
            let mut v = serde_json::to_vec_pretty(&matrix)?;
            v.push(b'\n');
            v
        }
        Some(format) => {
            if format.is_binary() && args.output.is_none() {
                bail!(
                    "{} is not a text format: give a file to write with -o table.{}",
                    format.extension().to_uppercase(),
                    format.extension()
                );
            }
            TableText::new(&matrix, args.cells).render(format)?
        }
    };
    match &args.output {
        Some(path) => {
            crate::export::write_export(path, &bytes).with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("Wrote {} ({} rows × {} columns)", path.display(), matrix.rows.len(), matrix.columns.len());
        }
        None => std::io::stdout().write_all(&bytes)?,
    }
    if matrix.hidden_summaries > 0 {
        eprintln!(
            "note: {} summaries belong to columns no participant has any more; they are kept but not shown",
            matrix.hidden_summaries
        );
    }
    Ok(())
}

fn format_of(path: &Path) -> Result<FormatArg> {
    let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    if ext == "json" {
        return Ok(FormatArg::Json);
    }
    match TableFormat::parse(&ext) {
        Some(f) => Ok(FormatArg::Table(f)),
        None => {
            let names: Vec<&str> = TableFormat::ALL.iter().map(|f| f.extension()).chain(["json"]).collect();
            bail!("cannot tell the format from {}: add --format {}", path.display(), names.join("|"))
        }
    }
}

pub fn cooccurrence(
    dir: &Path,
    scope: Scope,
    coders: &super::CodersFlag,
    set: Option<&str>,
    json_out: bool,
) -> Result<()> {
    let store = open_for_reading(dir)?;
    let p = store.project();
    let options =
        CooccurrenceOptions { scope, coders: coders.scope(p)?, set: set.map(|s| known_set(p, s)).transpose()? };
    let co = Cooccurrence::build(p, &options);
    if json_out {
        let mut builder = ExtractBuilder::new(p, &options.coders);
        let pairs: Vec<_> = co
            .pairs
            .iter()
            .map(|pair| {
                let occurrences: Vec<_> = pair
                    .occurrences
                    .iter()
                    .map(|o| {
                        let doc = p.documents.get(&o.doc);
                        let text = doc.and_then(|d| d.slice(o.span)).unwrap_or_default();
                        let speakers: Vec<String> = o
                            .codings
                            .iter()
                            .filter_map(|c| builder.extract(*c, &CountsFor::Everyone))
                            .map(|x| x.speakers_label())
                            .collect();
                        json!({
                            "doc": o.doc, "doc_name": doc.map(|d| d.name()).unwrap_or_default(),
                            "start": o.span.start, "end": o.span.end, "text": text,
                            "codings": o.codings, "speakers": speakers,
                        })
                    })
                    .collect();
                json!({
                    "a": co.codes[pair.a].id, "a_name": co.codes[pair.a].name,
                    "b": co.codes[pair.b].id, "b_name": co.codes[pair.b].name,
                    "count": pair.count, "occurrences": occurrences,
                })
            })
            .collect();
        return print_json(&json!({ "scope": scope, "codes": co.codes, "pairs": pairs }));
    }
    let what = match scope {
        Scope::Overlap => "overlapping extracts",
        Scope::Turn => "the same speaker turn",
    };
    let mut pairs: Vec<_> = co.pairs.iter().collect();
    pairs.sort_by(|x, y| y.count.cmp(&x.count).then((x.a, x.b).cmp(&(y.a, y.b))));
    println!("Codes that meet in {what}: {} pairs", pairs.len());
    for pair in pairs {
        println!("{:>6}  {}  ×  {}", pair.count, co.codes[pair.a].path, co.codes[pair.b].path);
    }
    Ok(())
}

/// A table row named on the command line: a theme, or a code with `--code`.
/// The row of a triangulation table that `summary` and `mark` write to.
#[derive(Debug, Clone, clap::Args)]
pub struct RowFlags {
    /// The row's theme.
    #[arg(long, conflicts_with = "code")]
    pub theme: Option<String>,
    /// The row's code (for tables of codes).
    #[arg(long)]
    pub code: Option<String>,
}

impl RowFlags {
    fn key(&self, p: &Project) -> Result<RowKey> {
        match (self.theme.as_deref(), self.code.as_deref()) {
            (Some(t), None) => {
                Ok(RowKey::Theme(p.theme_by_name(t).with_context(|| format!("there is no theme named {t:?}"))?.id))
            }
            (None, Some(c)) => {
                Ok(RowKey::Code(p.code_by_name(c).with_context(|| format!("there is no code named {c:?}"))?.id))
            }
            _ => bail!("name the row with either --theme or --code"),
        }
    }
}

/// A column named on the command line: `ATTRIBUTE=VALUE`, `ATTRIBUTE=` (no value),
/// `unattributed` (by group) or `unattributed:ATTRIBUTE`, `document=NAME`, or `set=NAME`
/// (`set=` for the documents in no set).
fn column_key(p: &Project, col: &str) -> Result<ColumnKey> {
    let col = col.trim();
    if let Some(rest) = col.strip_prefix("unattributed") {
        let attribute = rest.strip_prefix(':').map(str::trim).filter(|a| !a.is_empty()).unwrap_or("group");
        let Dimension::Attribute { name } = dimension(p, attribute)? else {
            bail!("documents and sets have no unattributed column");
        };
        return Ok(ColumnKey::Unattributed { attribute: name });
    }
    let Some((attribute, value)) = col.split_once('=') else {
        bail!("give the column as ATTRIBUTE=VALUE (e.g. group=Jobseeker), document=NAME, set=NAME or unattributed");
    };
    match dimension(p, attribute)? {
        Dimension::Document => {
            let d = p.document_by_name(value).with_context(|| format!("there is no document named {value:?}"))?;
            Ok(ColumnKey::Document { id: d.id })
        }
        Dimension::DocumentSet if value.trim().is_empty() => Ok(ColumnKey::DocumentSet { set: String::new() }),
        Dimension::DocumentSet => Ok(ColumnKey::DocumentSet { set: known_set(p, value)? }),
        Dimension::Attribute { name } => Ok(ColumnKey::value(name, value.trim())),
    }
}

pub fn summary(dir: &Path, row: &RowFlags, col: &str, text: &str, json_out: bool) -> Result<()> {
    let mut store = open(dir)?;
    let p = store.project();
    let row = row.key(p)?;
    let column = column_key(p, col)?;
    done(&mut store, Edit::SetCellSummary { row, column, text: text.to_string() }, json_out)
}

/// Applies the edit `summary` or `mark` made, and says what was done: its undo label, as a
/// line or as `{"done": label}`.
fn done(store: &mut crate::store::Store, edit: Edit, json_out: bool) -> Result<()> {
    let label = store.apply(edit)?;
    finish(store);
    if json_out {
        return print_json(&json!({ "done": label }));
    }
    println!("{label}");
    Ok(())
}

pub fn mark(dir: &Path, row: &RowFlags, across: &str, mark: &str, json_out: bool) -> Result<()> {
    let mut store = open(dir)?;
    let p = store.project();
    let row = row.key(p)?;
    let across = dimension(p, across)?;
    let mark = match mark.trim().to_lowercase().as_str() {
        "none" | "clear" | "" => None,
        m => Some(RowMark::named(m).map_err(|e| anyhow::anyhow!("{e}, or none to clear it"))?),
    };
    done(&mut store, Edit::SetRowMark { row, across, mark }, json_out)
}
