//! `extracts` (the coding report) and the `--coders` flag every counting command shares.

use super::basic::open_for_reading;
use crate::analysis::CoderScope;
use crate::analysis::retrieval::{Query, query};
use crate::export::extracts::{ExtractsFormat, export, export_to_file};
use crate::model::*;
use anyhow::{Context, Result, bail};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;

/// Whose codings a command counts or exports.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct CodersFlag {
    /// Only these coders' codings, separated by commas (`--coders Ingrid,Tom`; default: every
    /// coder). Codings of one code on overlapping text are one extract, whoever made them.
    #[arg(long = "coders", alias = "coder", value_delimiter = ',', value_name = "A,B")]
    pub coders: Vec<String>,
}

impl CodersFlag {
    pub fn scope(&self, p: &Project) -> Result<CoderScope> {
        Ok(CoderScope::from_names(p, &self.coders)?)
    }
}

/// What `tema extracts` was given.
#[derive(Debug, clap::Args)]
pub struct ExtractsArgs {
    pub dir: PathBuf,
    /// Only this code (and the codes below it); repeat for several.
    #[arg(long = "code")]
    pub codes: Vec<String>,
    /// Only the codes of this theme (and its subthemes); repeat for several.
    #[arg(long = "theme")]
    pub themes: Vec<String>,
    /// Only this document; repeat for several.
    #[arg(long = "doc")]
    pub docs: Vec<String>,
    /// Only the documents of this set ("Wave 1"); with --doc, the documents named that are in it.
    #[arg(long)]
    pub set: Option<String>,
    /// Only extracts a participant of this group speaks in.
    #[arg(long)]
    pub group: Option<String>,
    #[command(flatten)]
    pub coders: CodersFlag,
    /// csv, md, docx or json (default: from the -o file's extension, else csv).
    #[arg(long)]
    pub format: Option<String>,
    /// The file to write (default: standard output; Word files need one).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Print the rows as JSON (the same as --format json).
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: ExtractsArgs) -> Result<()> {
    let store = open_for_reading(&args.dir)?;
    let p = store.project();
    let coders = args.coders.scope(p)?;
    let mut what: Vec<String> = Vec::new();
    let mut codes: Option<BTreeSet<CodeId>> = None;
    for name in &args.codes {
        let Some(code) = p.code_by_name(name) else {
            bail!("there is no code named {name:?} (codes are matched by name, ignoring case; see the codebook)");
        };
        codes.get_or_insert_default().extend(p.code_subtree(code.id));
        what.push(code.name().to_string());
    }
    for name in &args.themes {
        let Some(theme) = p.theme_by_name(name) else {
            bail!("there is no theme named {name:?} (see `tema themes`)");
        };
        codes.get_or_insert_default().extend(Query::theme_codes(p, theme.id));
        what.push(theme.name().to_string());
    }
    let mut docs: Option<BTreeSet<DocId>> = None;
    for name in &args.docs {
        let Some(doc) = p.document_by_name(name) else {
            bail!("there is no document named {name:?} (see `tema docs {}`)", args.dir.display());
        };
        docs.get_or_insert_default().insert(doc.id);
        what.push(doc.name().to_string());
    }
    if let Some(name) = &args.set {
        let set = super::table::known_set(p, name)?;
        let in_set: BTreeSet<DocId> = crate::edit::documents_in_set(p, &set).map(|d| d.id).collect();
        docs = Some(match docs {
            Some(named) => named.intersection(&in_set).copied().collect(),
            None => in_set,
        });
        what.push(set);
    }
    if let Some(g) = &args.group {
        let Some(x) = p.participants.values().find(|x| name_key(x.group()) == name_key(g)) else {
            bail!("no participant is in a group named {g:?}");
        };
        what.push(x.group().trim().to_string());
    }
    let format = match (&args.format, &args.output, args.json) {
        (_, _, true) => ExtractsFormat::Json,
        (Some(f), _, _) => {
            ExtractsFormat::parse(f).with_context(|| format!("unknown format {f:?}: use csv, md, docx or json"))?
        }
        (None, Some(path), _) => {
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
            ExtractsFormat::parse(ext).with_context(|| {
                format!("cannot tell the format from {}: give --format csv, md, docx or json", path.display())
            })?
        }
        (None, None, _) => ExtractsFormat::Csv,
    };
    if format == ExtractsFormat::Docx && args.output.is_none() {
        bail!("a Word file needs a file to go to: add -o FILE.docx");
    }
    let q = Query { codes, docs, group: args.group.clone(), attribute: None, coders: coders.clone() };
    let mut extracts = query(p, &q);
    // By code in codebook order, then document and text order (query's order) within a code.
    let code_order: std::collections::HashMap<CodeId, usize> =
        p.codes.keys().enumerate().map(|(i, c)| (*c, i)).collect();
    extracts.sort_by_key(|e| code_order.get(&e.code).copied().unwrap_or(usize::MAX));
    what.push(coders.label(p));
    let title = format!("Coded extracts: {}", what.join(" · "));
    match &args.output {
        Some(path) => {
            export_to_file(p, &extracts, &title, format, path)?;
            if !args.json {
                eprintln!(
                    "Wrote {} extract{} as {} to {}",
                    extracts.len(),
                    if extracts.len() == 1 { "" } else { "s" },
                    format.label(),
                    path.display()
                );
            }
        }
        None => {
            let bytes = export(p, &extracts, &title, format)?;
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)?;
            if !bytes.ends_with(b"\n") {
                out.write_all(b"\n")?;
            }
        }
    }
    Ok(())
}
