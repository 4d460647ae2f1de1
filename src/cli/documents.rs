//! `correct` and `doc rename|delete|set`: managing and correcting documents.

use super::basic::{finish, open, open_for_reading};
use super::print_json;
use crate::edit::{Correction, DeletionCounts, DocumentChange, Edit, plan_text_correction};
use crate::model::*;
use anyhow::{Result, bail};
use clap::Subcommand;
use serde_json::json;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum DocCommand {
    /// Rename a document (one undoable step).
    Rename {
        dir: PathBuf,
        /// The document's name.
        doc: String,
        /// Its new name.
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Delete a document with its codings, quotes and memos, as one undoable step
    /// (`tema undo` brings everything back). A document with codings needs --yes.
    Delete {
        dir: PathBuf,
        doc: String,
        /// Delete even though it has codings, quotes or memos.
        #[arg(long)]
        yes: bool,
        #[arg(long)]
        json: bool,
    },
    /// Change a document's kind, language, attributes, sets or place in the list (all given
    /// changes as one undoable step).
    Set {
        dir: PathBuf,
        doc: String,
        /// What the document is.
        #[arg(long, value_parser = super::choice::Choice::<DocKind>::new())]
        kind: Option<DocKind>,
        /// The language its words are stemmed in (english, norwegian, ...), or "project" to
        /// follow the project's language.
        #[arg(long)]
        language: Option<String>,
        /// An attribute as KEY=VALUE (repeatable); an empty VALUE removes the attribute.
        #[arg(long = "attr", value_name = "KEY=VALUE")]
        attributes: Vec<String>,
        /// Put the document in a set such as "Wave 1" (repeatable).
        #[arg(long = "add-set", value_name = "SET")]
        add_sets: Vec<String>,
        /// Take the document out of a set (repeatable).
        #[arg(long = "remove-set", value_name = "SET")]
        remove_sets: Vec<String>,
        /// Move it to this place in the document list (1 is the first).
        #[arg(long)]
        position: Option<usize>,
        #[arg(long)]
        json: bool,
    },
    /// Set documents' attributes, sets, kind and language from a sheet (.csv, .tsv, .xlsx):
    /// the document's name first, then `kind`, `language`, `sets` (separated by `;`) and any
    /// attribute columns (date, interviewer, site...). One undoable step.
    Sheet {
        dir: PathBuf,
        sheet: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(command: DocCommand) -> Result<()> {
    match command {
        DocCommand::Rename { dir, doc, name, json } => {
            let change = DocumentChange { name: Some(name), ..Default::default() };
            set(&dir, &doc, change, None, json)
        }
        DocCommand::Delete { dir, doc, yes, json } => delete(&dir, &doc, yes, json),
        DocCommand::Sheet { dir, sheet, json } => sheet_import(&dir, &sheet, json),
        DocCommand::Set { dir, doc, kind, language, attributes, add_sets, remove_sets, position, json } => {
            let language = match language {
                Some(l) if matches!(l.trim().to_lowercase().as_str(), "project" | "default" | "") => Some(None),
                Some(l) => Some(Some(Language::named(&l).map_err(|e| anyhow::anyhow!("{e}, or project"))?)),
                None => None,
            };
            let mut attrs = Vec::new();
            for a in attributes {
                let Some((k, v)) = a.split_once('=') else { bail!("--attr {a:?} is not KEY=VALUE") };
                if k.trim().is_empty() {
                    bail!("--attr {a:?} has no key");
                }
                attrs.push((k.trim().to_string(), v.trim().to_string()));
            }
            let change = DocumentChange { kind, language, attributes: attrs, add_sets, remove_sets, name: None };
            set(&dir, &doc, change, position, json)
        }
    }
}

fn find(p: &Project, dir: &Path, doc: &str) -> Result<DocId> {
    match p.document_by_name(doc) {
        Some(d) => Ok(d.id),
        None => bail!("there is no document named {doc:?} in {} (see `tema docs`)", dir.display()),
    }
}

fn set(dir: &Path, doc: &str, change: DocumentChange, position: Option<usize>, json: bool) -> Result<()> {
    let mut store = open(dir)?;
    let p = store.project();
    let id = find(p, dir, doc)?;
    let mut edits: Vec<Edit> = change.edit(p, id)?.into_iter().collect();
    if let Some(pos) = position {
        if pos == 0 || pos > p.documents.len() {
            bail!("--position must be between 1 and {}", p.documents.len());
        }
        if p.documents.get_index_of(&id) != Some(pos - 1) {
            edits.push(Edit::MoveDocument { id, index: pos - 1 });
        }
    }
    let label = match edits.len() {
        0 => None,
        1 => Some(store.apply(edits.remove(0))?),
        _ => Some(store.apply(Edit::batch(format!("Edit document “{doc}”"), edits))?),
    };
    finish(&mut store);
    let d = &store.project().documents[&id];
    if json {
        return print_json(&json!({ "changed": label.is_some(), "document": document_json(store.project(), d) }));
    }
    match label {
        Some(l) => println!("{l}"),
        None => println!("Nothing to change in {}", d.name()),
    }
    Ok(())
}

fn sheet_import(dir: &Path, sheet: &Path, json: bool) -> Result<()> {
    let mut store = open(dir)?;
    let plan = crate::import::document_sheet::plan_document_sheet(store.project(), sheet)?;
    if let Some(edit) = plan.edit {
        store.apply(edit)?;
        finish(&mut store);
    }
    if json {
        return print_json(&json!({ "updated": plan.updated, "unknown": plan.unknown }));
    }
    println!("Updated {} documents from {}", plan.updated.len(), sheet.display());
    if !plan.unknown.is_empty() {
        println!("No document is named: {}", plan.unknown.join(", "));
    }
    Ok(())
}

fn delete(dir: &Path, doc: &str, yes: bool, json: bool) -> Result<()> {
    let mut store = open(dir)?;
    let p = store.project();
    let id = find(p, dir, doc)?;
    let counts = DeletionCounts::of(p, id);
    let name = p.documents[&id].name().to_string();
    if !yes && counts != DeletionCounts::default() {
        bail!(
            "document {name:?} has {}; deleting it deletes them too (one step, `tema undo` brings them back): add --yes",
            counts.describe()
        );
    }
    store.apply(Edit::RemoveDocument { id })?;
    finish(&mut store);
    if json {
        return print_json(&json!({ "deleted": name, "with": counts }));
    }
    println!("Deleted document “{name}” with {} (undo with `tema undo`)", counts.describe());
    Ok(())
}

/// A document for `tema docs --json` and the commands here: attributes, sets and language
/// beside what `docs` always showed.
pub(crate) fn document_json(p: &Project, d: &Document) -> serde_json::Value {
    json!({
        "id": d.id,
        "name": d.name(),
        "kind": d.kind().slug(),
        "language": d.props.language.unwrap_or(p.settings.language).slug(),
        "language_set": d.props.language.is_some(),
        "attributes": d.props.metadata,
        "sets": d.props.sets,
        "words": d.words,
        "chars": d.char_len,
    })
}

/// `tema correct`: replaces one passage of a document's text (see `Command::Correct`).
#[allow(clippy::too_many_arguments)]
pub fn correct(dir: &Path, doc: &str, start: usize, end: usize, text: &str, dry_run: bool, json: bool) -> Result<()> {
    let mut store = open(dir)?;
    let p = store.project();
    let id = find(p, dir, doc)?;
    let d = &p.documents[&id];
    if start > end {
        bail!("--start ({start}) must not be after --end ({end})");
    }
    if end > d.char_len {
        bail!("--end {end} is past the end of document {:?}, which has {} characters", d.name(), d.char_len);
    }
    let old = d.slice(Span::new(start, end)).unwrap_or_default().to_string();
    let correction = plan_text_correction(p, id, vec![TextChange { span: Span::new(start, end), text: text.into() }])?;
    let touched = touched_json(p, &correction);
    if !dry_run {
        store.apply(correction.edit.clone())?;
        finish(&mut store);
    }
    if json {
        return print_json(&json!({
            "applied": !dry_run, "doc": doc, "start": start, "end": end, "old": old, "new": text,
            "codings": touched, "quotes": correction.quotes, "turns": correction.turns,
        }));
    }
    let verb = if dry_run { "Would correct" } else { "Corrected" };
    println!("{verb} {doc} [{start}, {end}): {old:?} → {text:?}");
    if correction.touched.is_empty() {
        println!("No coding overlaps or touches the changed text.");
    } else {
        println!("Codings that overlap the changed text:");
        for t in &touched {
            println!(
                "  {} ({}): [{}, {}) → {}",
                t["code"].as_str().unwrap_or_default(),
                t["coder"].as_str().unwrap_or_default(),
                t["before"][0],
                t["before"][1],
                match t["after"].as_array() {
                    Some(a) => format!("[{}, {})", a[0], a[1]),
                    None => "removed (it lay wholly in the deleted text)".into(),
                }
            );
        }
    }
    if correction.quotes > 0 || correction.turns > 0 {
        println!("Also adjusted: {} quotes, {} speaker turns.", correction.quotes, correction.turns);
    }
    if !dry_run {
        println!("Undo with `tema undo`.");
    }
    Ok(())
}

fn touched_json(p: &Project, c: &Correction) -> Vec<serde_json::Value> {
    c.touched
        .iter()
        .map(|t| {
            let coding = p.codings.get(&t.coding);
            json!({
                "coding": t.coding,
                "code": coding.and_then(|c| p.codes.get(&c.code)).map(|c| c.name()),
                "coder": coding.and_then(|c| p.coders.get(&c.coder)).map(|c| c.name.as_str()),
                "before": [t.before.start.get(), t.before.end.get()],
                "after": t.after.map(|s| [s.start.get(), s.end.get()]),
            })
        })
        .collect()
}

/// `tema memos`: the journal, memos and notes on passages as Markdown or JSON.
pub fn memos(dir: &Path, format: &str, output: Option<&Path>) -> Result<()> {
    let store = open_for_reading(dir)?;
    let p = store.project();
    let text = match format {
        "md" | "markdown" => crate::export::memos::memos_markdown(p),
        "json" => serde_json::to_string_pretty(&crate::export::memos::memo_rows(p))? + "\n",
        other => bail!("unknown format {other:?}: use md or json"),
    };
    match output {
        Some(path) => {
            crate::export::write_export(path, text.as_bytes())?;
            println!("Wrote the memos to {}", path.display());
        }
        None => print!("{text}"),
    }
    Ok(())
}
