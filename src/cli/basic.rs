//! `new`, `info`, `code`, `undo`, `redo`, `save`.

use super::print_json;
use crate::edit::Edit;
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
    store.set_actor(&coder_name(None));
    for w in store.take_warnings() {
        eprintln!("warning: {}", crate::terminal::clean(&w));
    }
    Ok(store)
}

/// Opens a project for reading only: never takes the lock and writes nothing, so it works
/// while another Tema writes, on a read-only medium and on a damaged project.
pub(crate) fn open_for_reading(dir: &Path) -> Result<Store> {
    let store = Store::open_read_only(dir).with_context(|| format!("cannot open project {}", dir.display()))?;
    for w in store.warnings() {
        eprintln!("warning: {}", crate::terminal::clean(w));
    }
    Ok(store)
}

/// `tema repair DIR [--accept-loss]`: lists damaged files; with `--accept-loss`, opens the
/// project accepting that their content is lost and saves it, so it can be written again.
pub fn repair(dir: &Path, accept_loss: bool, json: bool) -> Result<()> {
    let store = if accept_loss {
        Store::open_accepting_loss(dir).with_context(|| format!("cannot open project {}", dir.display()))?
    } else {
        Store::open_read_only(dir).with_context(|| format!("cannot open project {}", dir.display()))?
    };
    let damage: Vec<String> = store.damage().iter().map(|d| crate::terminal::clean_line(d).into_owned()).collect();
    let warnings: Vec<String> = store.warnings().iter().map(|w| crate::terminal::clean(w).into_owned()).collect();
    if json {
        print_json(&json!({ "damaged": damage, "accepted_loss": accept_loss, "warnings": warnings }))?;
    } else {
        for w in &warnings {
            println!("{w}");
        }
        if damage.is_empty() && !accept_loss {
            println!("Nothing is damaged.");
        }
        if accept_loss {
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

pub fn new(dir: &Path, name: Option<String>, language: Option<String>, json: bool) -> Result<()> {
    let language = match language {
        Some(l) => Some(
            Language::parse(&l)
                .with_context(|| format!("unknown language {l:?}: use one of {}", Language::names().join(", ")))?,
        ),
        None => None,
    };
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
        "read_only": holder.is_some() || !store.damage().is_empty(),
        "held_by": holder,
        "damaged": store.damage(),
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
    Ok(())
}

/// The coder a command acts for: the flag, else $TEMA_CODER, else the user name.
pub(crate) fn coder_name(flag: Option<String>) -> String {
    flag.filter(|s| !s.trim().is_empty())
        .or_else(|| std::env::var("TEMA_CODER").ok().filter(|s| !s.trim().is_empty()))
        .or_else(|| std::env::var("USER").ok().filter(|s| !s.trim().is_empty()))
        .or_else(|| std::env::var("USERNAME").ok().filter(|s| !s.trim().is_empty()))
        .unwrap_or_else(|| "researcher".to_string())
}

/// The coder with this name, or the edit that creates them.
pub(crate) fn ensure_coder(p: &Project, name: &str) -> (CoderId, Option<Edit>) {
    if let Some(c) = p.coder_by_name(name) {
        return (c.id, None);
    }
    let coder = p.new_coder(name);
    (coder.id, Some(Edit::AddCoder { coder, index: None }))
}

#[allow(clippy::too_many_arguments)]
pub fn code(
    dir: &Path,
    doc: &str,
    start: usize,
    end: usize,
    code: &str,
    coder: Option<String>,
    comment: Option<String>,
    json: bool,
) -> Result<()> {
    let mut store = open(dir)?;
    let p = store.project();
    let Some(d) = p.document_by_name(doc) else {
        bail!("there is no document named {doc:?} in {} (see `tema docs`)", dir.display());
    };
    let span = Span::new(start, end);
    if start >= end {
        bail!("--start ({start}) must be less than --end ({end})");
    }
    if end > d.char_len {
        bail!("--end {end} is past the end of document {:?}, which has {} characters", d.name(), d.char_len);
    }
    let doc_id = d.id;
    let text = d.slice(span).unwrap_or_default().to_string();
    let mut edits = Vec::new();
    let (coder_id, add_coder) = ensure_coder(p, &coder_name(coder));
    let coder_created = add_coder.is_some();
    edits.extend(add_coder);
    let (code_id, code_created) = match p.code_by_name(code) {
        Some(c) => (c.id, false),
        None => {
            let c = Code::new(CodeId::new(), code.trim(), p.next_code_colour());
            let id = c.id;
            edits.push(Edit::CreateCode { code: c, index: None });
            (id, true)
        }
    };
    let coding = Coding {
        id: CodingId::new(),
        doc: doc_id,
        span,
        code: code_id,
        coder: coder_id,
        created: chrono::Utc::now(),
        comment: comment.unwrap_or_default(),
    };
    let coding_id = coding.id;
    edits.push(Edit::AddCoding { coding });
    let edit = if edits.len() == 1 {
        edits.remove(0)
    } else {
        Edit::batch(format!("Code passage as “{}”", code.trim()), edits)
    };
    store.apply(edit)?;
    finish(&mut store);
    if json {
        return print_json(&json!({
            "coding": coding_id, "doc": doc_id, "code": code_id, "code_created": code_created,
            "coder": coder_id, "coder_created": coder_created, "start": start, "end": end, "text": text,
        }));
    }
    let created = if code_created { " (new code)" } else { "" };
    println!("Coded {doc} [{start}, {end}) as “{}”{created}: {text:?}", code.trim());
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
