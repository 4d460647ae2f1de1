//! `new`, `info`, `code`, `undo`, `redo`, `save`.

use super::print_json;
use crate::edit::{CodeRef, CoderRef, Edit, Planned, plan_coding};
use crate::model::*;
use crate::store::Store;
use anyhow::{Context, Result, bail};
use serde_json::json;
use std::path::Path;

/// Seconds a writing command waits for another Tema to close the project (`--wait`).
static WAIT_SECONDS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Sets how long writing commands wait for the project's lock (`tema --wait SECONDS ...`).
pub fn set_wait(seconds: u64) {
    WAIT_SECONDS.store(seconds, std::sync::atomic::Ordering::Relaxed);
}

/// Opens a project for writing and prints what opening it repaired.
pub(crate) fn open(dir: &Path) -> Result<Store> {
    let wait = std::time::Duration::from_secs(WAIT_SECONDS.load(std::sync::atomic::Ordering::Relaxed));
    let mut store = Store::open_waiting(dir, wait).with_context(|| format!("cannot open project {}", dir.display()))?;
    // The analysis trail names whoever the command acts for.
    store.set_actor(&CoderFlag::default().name());
    for w in store.take_warnings() {
        eprintln!("warning: {}", crate::terminal::clean(&w));
    }
    Ok(store)
}

/// Opens a project for reading only: never takes the lock and writes nothing, so it works
/// while another Tema writes, on a read-only medium and on a damaged project.
///
/// The store is never dropped: a read command ends the process soon after, and freeing a
/// large project piece by piece (hundreds of thousands of allocations) took a tenth of
/// `tema info`'s time at 2 M words; the operating system takes the memory back at once.
pub(crate) fn open_for_reading(dir: &Path) -> Result<std::mem::ManuallyDrop<Store>> {
    let store = Store::open_to_read(dir).with_context(|| format!("cannot open project {}", dir.display()))?;
    for w in store.warnings() {
        eprintln!("warning: {}", crate::terminal::clean(w));
    }
    Ok(std::mem::ManuallyDrop::new(store))
}

/// `tema repair DIR [--accept-loss]`: re-anchors the codings of texts changed outside Tema
/// (and what stayed unanchored before) and saves, reporting by name what it placed again and
/// what stays unanchored; lists damaged files, and with `--accept-loss` accepts their loss.
pub fn repair(dir: &Path, accept_loss: bool, json: bool) -> Result<()> {
    let opened = Store::open_repairing(dir, accept_loss);
    let store = match opened {
        Ok(store) => store,
        // Damaged files and no --accept-loss: nothing can be written; list what is wrong.
        Err(crate::store::StoreError::Damaged { .. }) => {
            Store::open_read_only(dir).with_context(|| format!("cannot open project {}", dir.display()))?
        }
        Err(e) => return Err(e).with_context(|| format!("cannot repair project {}", dir.display())),
    };
    let clean = |v: &[String]| v.iter().map(|d| crate::terminal::clean_line(d).into_owned()).collect::<Vec<String>>();
    let damage = clean(store.damage());
    let warnings: Vec<String> = store.warnings().iter().map(|w| crate::terminal::clean(w).into_owned()).collect();
    let report = store.anchoring();
    let (changed, reanchored, unanchored, moved) =
        (clean(&report.damaged), clean(&report.reanchored), clean(&report.unanchored), clean(&report.moved));
    let repaired = !store.is_read_only();
    if json {
        print_json(&json!({
            "damaged": damage,
            "accepted_loss": accept_loss && repaired,
            "changed_texts": changed,
            "reanchored": reanchored,
            "unanchored": unanchored,
            "moved": moved,
            "saved": repaired,
            "warnings": warnings,
        }))?;
    } else {
        for w in &warnings {
            println!("{w}");
        }
        for d in &changed {
            println!("Text {d}.");
        }
        if !reanchored.is_empty() {
            println!("Re-anchored {} coding{}:", reanchored.len(), if reanchored.len() == 1 { "" } else { "s" });
            for r in &reanchored {
                println!("  {r}");
            }
        }
        for m in &moved {
            println!("Moved: {m}");
        }
        if !unanchored.is_empty() {
            println!(
                "Still unanchored ({}; kept in {}, not shown or counted):",
                unanchored.len(),
                crate::store::quarantine::UNANCHORED_FILE
            );
            for u in &unanchored {
                println!("  {u}");
            }
        }
        if damage.is_empty() && changed.is_empty() && reanchored.is_empty() && unanchored.is_empty() && !accept_loss {
            println!("Nothing is damaged.");
        }
        if repaired && (accept_loss || !changed.is_empty() || !reanchored.is_empty()) {
            println!("The project was saved and can be changed again.");
        }
    }
    if !damage.is_empty() {
        bail!(
            "{} damaged file{}: restore {} or run `tema repair {} --accept-loss`",
            damage.len(),
            if damage.len() == 1 { "" } else { "s" },
            if damage.len() == 1 { "it" } else { "them" },
            dir.display()
        );
    }
    Ok(())
}

/// Folds a long journal into the snapshot after a command; a failure here loses nothing
/// (the journal still holds every change), so it is only reported.
pub(crate) fn finish(store: &mut Store) {
    if let Err(e) = store.maybe_save() {
        eprintln!("warning: could not save a snapshot ({e}); your changes are safe in the journal");
    }
}

/// Applies a planned `edit` (if the plan found anything to do) unless this is a dry run, and
/// folds the journal as every command does; returns whether the project changed — what the
/// commands that preview with `--dry-run` report.
pub(crate) fn apply_planned(store: &mut Store, edit: Option<&Edit>, dry_run: bool) -> Result<bool> {
    match (edit, dry_run) {
        (Some(edit), false) => {
            store.apply(edit.clone())?;
            finish(store);
            Ok(true)
        }
        _ => Ok(false),
    }
}

pub fn new(dir: &Path, name: Option<String>, language: Option<Language>, json: bool) -> Result<()> {
    let mut store = Store::create(dir, name.as_deref().unwrap_or(""))?;
    if let Some(language) = language {
        let settings = Settings { language, ..store.project().settings.clone() };
        store.apply(Edit::SetSettings { settings })?;
        store.save()?;
    }
    let name = store.project().settings.name.clone();
    if json {
        print_json(&json!({ "path": dir, "name": name }))
    } else {
        println!("Created project “{name}” in {}", dir.display());
        Ok(())
    }
}

pub fn info(dir: &Path, coders: &super::CodersFlag, json: bool) -> Result<()> {
    let store = open_for_reading(dir)?;
    let holder = crate::store::held_by(dir);
    let p = store.project();
    let scope = coders.scope(p)?;
    // Read and coded are counted by the same core function as the navigator and the phases.
    let progress = crate::analysis::phases::DocProgress::all(p, &scope);
    let extracts: usize = crate::analysis::scope::extract_counts(p, &scope).values().sum();
    // Documents whose text changed outside Tema, and what is unanchored (by name).
    let changed: Vec<String> = store
        .changed_documents()
        .iter()
        .filter_map(|id| p.documents.get(id))
        .map(|d| crate::terminal::clean_line(d.name()).into_owned())
        .collect();
    let unanchored = unanchored_lines(&store);
    let kinds: std::collections::BTreeMap<&str, usize> = DocKind::ALL
        .iter()
        .map(|k| (k.slug(), p.documents.values().filter(|d| d.kind() == *k).count()))
        .filter(|(_, n)| *n > 0)
        .collect();
    let value = json!({
        "path": dir,
        "name": crate::terminal::clean_line(&p.settings.name),
        "language": p.settings.language,
        "documents": p.documents.len(),
        "documents_by_kind": kinds,
        "documents_read": progress.read,
        "documents_coded": progress.coded,
        "coder_scope": scope.label(p),
        "words": p.word_count(),
        "participants": p.participants.len(),
        "coders": p.coders.len(),
        "codes": p.codes.len(),
        "themes": p.themes.len(),
        "codings": p.codings.len(),
        "extracts": extracts,
        "quotes": p.quotes.len(),
        "memos": p.memos.len(),
        "unsaved_changes": store.unsaved(),
        "read_only": holder.is_some() || !store.damage().is_empty() || !store.changed_documents().is_empty(),
        "held_by": holder,
        "damaged": store.damage(),
        "changed_texts": changed,
        "unanchored": unanchored,
    });
    if json {
        return print_json(&value);
    }
    println!("{} ({})", p.settings.name, dir.display());
    println!("  documents     {:>8}   {} words", p.documents.len(), p.word_count());
    for (k, n) in &kinds {
        println!("    {k:<12}{n:>8}");
    }
    println!("    read        {:>8}   by {}", progress.read, scope.label(p));
    println!("    coded       {:>8}", progress.coded);
    println!("  participants  {:>8}", p.participants.len());
    println!("  coders        {:>8}", p.coders.len());
    println!("  codes         {:>8}", p.codes.len());
    println!("  themes        {:>8}", p.themes.len());
    println!("  codings       {:>8}", p.codings.len());
    println!("  extracts      {:>8}   coded by {}", extracts, scope.label(p));
    println!("  quotes        {:>8}", p.quotes.len());
    println!("  memos         {:>8}", p.memos.len());
    if let Some(holder) = &holder {
        println!("  (another Tema has this project open: {})", crate::terminal::clean_line(holder));
    }
    for d in store.damage() {
        println!("  damaged: {}", crate::terminal::clean_line(d));
    }
    for d in &changed {
        println!("  damaged: the text of “{d}” changed outside Tema; run `tema repair {}`", dir.display());
    }
    if !unanchored.is_empty() {
        println!("  unanchored    {:>8}   (not shown or counted)", unanchored.len());
        for u in &unanchored {
            println!("    {u}");
        }
    }
    Ok(())
}

/// What is unanchored since a text changed outside Tema, one line each, by name.
fn unanchored_lines(store: &Store) -> Vec<String> {
    let lines = store.unanchored().describe(store.project());
    lines.iter().map(|l| crate::terminal::clean_line(l).into_owned()).collect()
}

/// Who a command that codes acts for (`code`, `code-hits`), defined once for both.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct CoderFlag {
    /// Who is coding (default: $TEMA_CODER, else the user name).
    #[arg(long)]
    pub coder: Option<String>,
}

impl CoderFlag {
    /// The coder's name: the flag, else the one rule every front end uses
    /// ([`crate::edit::default_coder`]: $TEMA_CODER, the login name, “researcher”).
    pub fn name(&self) -> String {
        crate::edit::default_coder(self.coder.as_deref(), None).0
    }
}

/// A passage named on the command line — a document and a character range — for the commands
/// that start from one (`code`, `similar`), with the one check of it they share.
#[derive(Debug, Clone, clap::Args)]
pub struct Passage {
    /// The document's name.
    #[arg(long)]
    pub doc: String,
    /// First character of the passage (counted in Unicode characters from 0).
    #[arg(long)]
    pub start: usize,
    /// One past the last character of the passage.
    #[arg(long)]
    pub end: usize,
}

impl Passage {
    /// The document and the span in `p`, or why there is none: no such document (in the
    /// project at `dir`), an empty or reversed range, or one running past the text's end.
    pub fn resolve<'p>(&self, p: &'p Project, dir: &Path) -> Result<(&'p Document, Span)> {
        let (doc, start, end) = (&self.doc, self.start, self.end);
        let Some(d) = p.document_by_name(doc) else {
            bail!("there is no document named {doc:?} in {} (see `tema docs`)", dir.display());
        };
        if start >= end {
            bail!("--start ({start}) must be less than --end ({end})");
        }
        if end > d.char_len {
            bail!("--end {end} is past the end of document {:?}, which has {} characters", d.name(), d.char_len);
        }
        Ok((d, Span::new(start, end)))
    }
}

pub fn code(
    dir: &Path,
    passage: &Passage,
    code: &str,
    coder: &CoderFlag,
    comment: Option<String>,
    json: bool,
) -> Result<()> {
    let mut store = open(dir)?;
    let p = store.project();
    let (d, span) = passage.resolve(p, dir)?;
    let doc_id = d.id;
    let text = d.slice(span).unwrap_or_default().to_string();
    let coder = coder.name();
    let plan =
        plan_coding(p, doc_id, span, CodeRef::Name(code), CoderRef::Name(&coder), comment.as_deref().unwrap_or(""))?;
    let Planned { edit, coding: coding_id, code: code_id, coder: coder_id, code_created, coder_created } = plan;
    store.apply(edit)?;
    finish(&mut store);
    if json {
        return print_json(&json!({
            "coding": coding_id, "doc": doc_id, "code": code_id, "code_created": code_created,
            "coder": coder_id, "coder_created": coder_created, "start": passage.start, "end": passage.end, "text": text,
        }));
    }
    let created = if code_created { " (new code)" } else { "" };
    println!("Coded {} [{}, {}) as “{}”{created}: {text:?}", passage.doc, passage.start, passage.end, code.trim());
    Ok(())
}

pub fn undo(dir: &Path, json: bool, redo: bool) -> Result<()> {
    let mut store = open(dir)?;
    let label = if redo { store.redo()? } else { store.undo()? };
    finish(&mut store);
    let verb = if redo { "redone" } else { "undone" };
    if json {
        return print_json(&json!({ verb: label }));
    }
    match label {
        Some(l) => println!("{}: {l}", if redo { "Redone" } else { "Undone" }),
        None => println!("Nothing to {}", if redo { "redo" } else { "undo" }),
    }
    Ok(())
}

pub fn save(dir: &Path) -> Result<()> {
    let mut store = open(dir)?;
    let n = store.unsaved();
    store.save()?;
    println!("Saved {} ({n} changes folded into the project files)", dir.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passage(doc: &str, start: usize, end: usize) -> Passage {
        Passage { doc: doc.into(), start, end }
    }

    /// `tema code` and `tema similar` take a passage through this one check: a passage inside
    /// the text resolves to its document and span; a missing document, an empty or reversed
    /// range and one past the end are refused with what is wrong.
    #[test]
    fn a_passage_resolves_inside_its_document_and_is_refused_otherwise() {
        let mut p = Project::new("P");
        let d = Document::new(DocId::from_u128(1), "J1", DocKind::Interview, "J1: hello there\n");
        p.documents.insert(d.id, d);
        let dir = Path::new("study.tema");
        let (d, span) = passage("J1", 4, 9).resolve(&p, dir).expect("inside the text");
        assert_eq!((d.id, d.slice(span)), (DocId::from_u128(1), Some("hello")));
        let refused = |x: Passage| x.resolve(&p, dir).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(refused(passage("J9", 0, 3)).contains("no document named \"J9\""));
        assert!(refused(passage("J1", 5, 5)).contains("must be less than --end"));
        assert!(refused(passage("J1", 6, 2)).contains("must be less than --end"));
        assert!(refused(passage("J1", 0, 17)).contains("is past the end of document"));
    }
}
