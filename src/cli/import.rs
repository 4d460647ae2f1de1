//! `import`, `docs`, `text`.

use super::basic::{finish, open, open_for_reading};
use super::print_json;
use crate::edit::Edit;
use crate::import::{FileOutcome, ImportOptions, ImportPlan, KindSource, Mapping, ParticipantAction, plan_import};
use crate::model::*;
use crate::progress::Progress;
use anyhow::{Result, bail};
use serde_json::json;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

// `tema import`'s options after the project folder, parsed by clap straight into what
// `import` takes. (A plain comment: a doc comment here would become the command's help.)
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Files or folders to import.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The kind of every document (default: from the folder name, else from the number of
    /// speakers).
    #[arg(long, value_parser = super::choice::Choice::<DocKind>::new())]
    pub kind: Option<DocKind>,
    /// A participants sheet (.csv, .tsv or .xlsx): label first, then group, aliases,
    /// interviewer and any attributes.
    #[arg(long)]
    pub participants: Option<PathBuf>,
    /// A regular expression for speaker labels at the start of a line, with a named
    /// group `speaker` (and optionally `time`), instead of the built-in shapes.
    #[arg(long)]
    pub speaker_pattern: Option<String>,
    /// Refuse files whose speakers do not all map to participants.
    #[arg(long)]
    pub strict: bool,
    /// Import the files that can be read even if others cannot.
    #[arg(long)]
    pub skip_failed: bool,
    /// Import files whose text is already in the project (or earlier in this import)
    /// instead of skipping them as duplicates.
    #[arg(long)]
    pub keep_duplicates: bool,
    /// A documents sheet (.csv, .tsv or .xlsx) for the imported documents (and those
    /// already there): name first, then kind, language, sets and attributes; same step.
    #[arg(long, value_name = "SHEET")]
    pub documents: Option<PathBuf>,
    /// Show what would be imported (speakers and who they map to) without changing anything.
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long)]
    pub json: bool,
}

pub fn import(dir: &Path, args: ImportArgs) -> Result<()> {
    let kind = args.kind;
    let options = ImportOptions {
        kind,
        participants: args.participants.clone(),
        speaker_pattern: args.speaker_pattern.clone(),
        strict_speakers: args.strict,
        keep_duplicates: args.keep_duplicates,
        detect_language: true,
        ..Default::default()
    };
    let mut store = if args.dry_run { std::mem::ManuallyDrop::into_inner(open_for_reading(dir)?) } else { open(dir)? };
    let show_progress = !args.json && std::io::stderr().is_terminal();
    let progress = terminal_progress(show_progress);
    let plan = plan_import(store.project(), &args.paths, &options, &progress);
    if show_progress {
        eprint!("\r\x1b[K");
    }
    let plan = plan?;
    let failed = plan.failures().count();
    let apply = !args.dry_run && (failed == 0 || args.skip_failed);
    let sheet = match &args.documents {
        Some(path) => {
            Some(crate::import::document_sheet::plan_after_import(store.project(), plan.edit().as_ref(), path)?)
        }
        None => None,
    };
    let sheet_edit = sheet.as_ref().and_then(|s| s.edit.clone());
    let edit = if apply { crate::import::document_sheet::with_import(plan.edit(), sheet_edit) } else { None };
    let applied = match edit {
        Some(edit) => {
            store.apply(edit)?;
            finish(&mut store);
            true
        }
        None => false,
    };
    if args.json {
        let imported = plan.imported().count();
        print_json(&json!({
            "dry_run": args.dry_run,
            "applied": applied,
            "imported": if applied || args.dry_run { imported } else { 0 },
            "duplicates": plan.duplicates(),
            "failed": failed,
            "documents_sheet": sheet.as_ref().map(|s| json!({ "updated": s.updated, "unknown": s.unknown })),
            "plan": plan,
        }))?;
    } else {
        print_plan(&plan, dir);
        if let (Some(s), Some(path)) = (&sheet, &args.documents) {
            println!("documents sheet {}: sets {} documents", path.display(), s.updated.len());
            if !s.unknown.is_empty() {
                println!("  no document is named: {}", s.unknown.join(", "));
            }
        }
    }
    if args.dry_run {
        if !args.json {
            println!("Dry run: nothing was changed.");
        }
        return Ok(());
    }
    if failed > 0 && !args.skip_failed {
        bail!(
            "{failed} file{} could not be imported, so nothing was imported; fix or remove {}, \
             or add --skip-failed to import the others",
            if failed == 1 { "" } else { "s" },
            if failed == 1 { "it" } else { "them" }
        );
    }
    if !args.json {
        let n = plan.imported().count();
        if applied {
            println!(
                "Imported {n} document{} into {} (one step: `tema undo {}` takes it back).",
                if n == 1 { "" } else { "s" },
                dir.display(),
                dir.display()
            );
        } else {
            println!("Nothing to import.");
        }
    }
    Ok(())
}

fn mapping_text(m: &Mapping) -> String {
    match m {
        Mapping::Label { participant } => format!("{participant} (label)"),
        Mapping::Alias { participant } => format!("{participant} (alias)"),
        Mapping::FileName { participant } => format!("{participant} (named in the file name)"),
        Mapping::Interviewer { participant, created: true } => format!("{participant} (interviewer, new)"),
        Mapping::Interviewer { participant, created: false } => format!("{participant} (interviewer)"),
        Mapping::Unmapped => "no participant: turns stay unattributed".into(),
    }
}

fn print_plan(plan: &ImportPlan, dir: &Path) {
    if let Some(sheet) = &plan.participants_file {
        let count = |a: ParticipantAction| plan.participants.iter().filter(|p| p.action == a).count();
        println!(
            "participants from {}: {} added, {} updated, {} unchanged",
            sheet.display(),
            count(ParticipantAction::Added),
            count(ParticipantAction::Updated),
            count(ParticipantAction::Unchanged)
        );
    }
    for f in &plan.files {
        match &f.outcome {
            FileOutcome::Imported { document: d } => {
                let from = match &d.kind_from {
                    KindSource::Given => "as asked".to_string(),
                    KindSource::Folder { folder } => format!("folder {folder}/"),
                    KindSource::Speakers { speakers } => format!("{speakers} speakers besides interviewers"),
                    KindSource::NoSpeakers => "no speakers".into(),
                    KindSource::FileName => "named after a participant".into(),
                };
                let enc = d.encoding.as_deref().map(|e| format!(", {e}")).unwrap_or_default();
                let renamed = if d.renamed { " (name taken: numbered)" } else { "" };
                println!(
                    "imported   {} → {}{renamed}: {} ({from}), {}{enc}, {} words, {} turns",
                    f.path.display(),
                    d.name,
                    d.kind.slug(),
                    d.format.slug(),
                    d.words,
                    d.turns
                );
                for s in &d.speakers {
                    println!("             {:<16} {:>4} turns → {}", s.speaker, s.turns, mapping_text(&s.mapping));
                }
            }
            FileOutcome::Duplicate { duplicate_of, same_text } => {
                let same = if *same_text { "text" } else { "file" };
                println!(
                    "duplicate  {}: same {same} as “{duplicate_of}”, skipped (--keep-duplicates imports it)",
                    f.path.display()
                );
            }
            FileOutcome::Failed { error } => println!("failed     {}: {error}", f.path.display()),
        }
    }
    for p in plan.participants.iter().filter(|p| p.action == ParticipantAction::AddedInterviewer) {
        println!("new interviewer participant {} (left out of group counts)", p.label);
    }
    if !plan.ignored.is_empty() {
        println!("ignored {} files that are not documents Tema reads (in {})", plan.ignored.len(), dir.display());
    }
}

pub fn docs(dir: &Path, set: Option<&str>, json: bool) -> Result<()> {
    let store = open_for_reading(dir)?;
    let p = store.project();
    let docs: Vec<&Document> = p.documents.values().filter(|d| set.is_none_or(|s| d.props.in_set(s))).collect();
    let rows: Vec<serde_json::Value> = docs
        .iter()
        .map(|d| {
            let mut participants: Vec<&str> = Vec::new();
            let mut interviewers: Vec<&str> = Vec::new();
            for t in &d.turns {
                if let Some(pp) = t.participant.and_then(|id| p.participants.get(&id)) {
                    let list = if pp.props.interviewer { &mut interviewers } else { &mut participants };
                    if !list.contains(&pp.label()) {
                        list.push(pp.label());
                    }
                }
            }
            let mut row = super::documents::document_json(p, d);
            let more = json!({
                "turns": d.turns.len(),
                "unattributed_turns": d.turns.iter().filter(|t| t.participant.is_none()).count(),
                "participants": participants,
                "interviewers": interviewers,
                "source": d.source.as_ref().map(|s| json!({
                    "file_name": s.file_name, "format": s.format, "encoding": s.encoding,
                })),
            });
            if let (Some(o), serde_json::Value::Object(more)) = (row.as_object_mut(), more) {
                o.extend(more);
            }
            row
        })
        .collect();
    if json {
        return print_json(&rows);
    }
    if rows.is_empty() {
        println!("No documents in {} (add some with `tema import`).", dir.display());
        return Ok(());
    }
    println!("{:<28} {:<12} {:>8} {:>6}  participants", "document", "kind", "words", "turns");
    for (d, r) in docs.iter().zip(&rows) {
        let who =
            r["participants"].as_array().map(|a| a.iter().filter_map(|v| v.as_str()).collect::<Vec<_>>().join(", "));
        println!(
            "{:<28} {:<12} {:>8} {:>6}  {}",
            d.name(),
            d.kind().slug(),
            d.words,
            d.turns.len(),
            who.unwrap_or_default()
        );
        if !d.props.sets.is_empty() || !d.props.metadata.is_empty() {
            let attrs: Vec<String> = d.props.metadata.iter().map(|(k, v)| format!("{k}={v}")).collect();
            println!("{:<28} sets: {}  {}", "", d.props.sets.join(", "), attrs.join("  "));
        }
    }
    Ok(())
}

/// Lists a document's speakers, or attributes one speaker's turns (see `Command::Speakers`).
pub fn speakers(
    dir: &Path,
    doc: &str,
    speaker: Option<&str>,
    participant: Option<&str>,
    nobody: bool,
    json: bool,
) -> Result<()> {
    let mut store =
        if speaker.is_some() { open(dir)? } else { std::mem::ManuallyDrop::into_inner(open_for_reading(dir)?) };
    let p = store.project();
    let Some(d) = p.document_by_name(doc) else {
        bail!("there is no document named {doc:?} in {} (see `tema docs`)", dir.display());
    };
    let doc_id = d.id;
    let mut changed = None;
    if let Some(label) = speaker {
        let known: Vec<String> = d.speakers().into_iter().map(|s| s.label).collect();
        if !known.iter().any(|k| k == label.trim()) {
            bail!("{:?} has no speaker {label:?}; its speakers are: {}", d.name(), known.join(", "));
        }
        let who = match (participant, nobody) {
            (Some(name), _) => {
                let Some(x) = p.participant_for_speaker(name) else {
                    bail!("there is no participant {name:?} in {} (see `tema info`)", dir.display());
                };
                Some(x.id)
            }
            (None, true) => None,
            (None, false) => bail!("say who {label:?} is with --participant LABEL, or --nobody"),
        };
        let turns = d.turns_with_speaker(label, who);
        let n = d.turns.iter().filter(|t| t.speaker.trim() == label.trim()).count();
        let did = turns.is_some();
        if let Some(turns) = turns {
            store.apply(Edit::SetTurns { id: doc_id, turns })?;
            finish(&mut store);
        }
        changed = Some((label.trim().to_string(), n, did));
    }
    let p = store.project();
    let Some(d) = p.documents.get(&doc_id) else { bail!("the document went away") };
    let name_of = |who: &Option<ParticipantId>| match who.and_then(|id| p.participants.get(&id)) {
        Some(x) => x.label().to_string(),
        None => "nobody".to_string(),
    };
    let rows: Vec<serde_json::Value> = d
        .speakers()
        .iter()
        .map(|s| {
            json!({
                "speaker": s.label,
                "turns": s.turns,
                "participants": s.participants.iter().map(|w| w.and_then(|id| p.participants.get(&id)).map(|x| x.label())).collect::<Vec<_>>(),
            })
        })
        .collect();
    if json {
        return print_json(&json!({ "document": d.name(), "speakers": rows }));
    }
    match changed {
        Some((label, n, true)) => println!("Attributed the {n} turns of {label:?}; `tema undo` takes it back."),
        Some((label, _, false)) => println!("{label:?} was already attributed so; nothing changed."),
        None => {}
    }
    println!("{:<24} {:>6}  attributed to", "speaker", "turns");
    for s in d.speakers() {
        let who: Vec<String> = s.participants.iter().map(name_of).collect();
        println!("{:<24} {:>6}  {}", s.label, s.turns, who.join(", "));
    }
    Ok(())
}

pub fn text(dir: &Path, doc: &str) -> Result<()> {
    let store = open_for_reading(dir)?;
    let Some(d) = store.project().document_by_name(doc) else {
        bail!("there is no document named {doc:?} in {} (see `tema docs`)", dir.display());
    };
    let mut out = std::io::stdout().lock();
    match out.write_all(d.text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        // `tema text ... | head` closes the pipe early: not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// A [`Progress`] that redraws one line on standard error as it moves (`[2/5]  40% reading
/// J3.docx`) when `show` is set; the caller clears the line with `\r\x1b[K` when done. The
/// import and the index sync report through it.
pub(super) fn terminal_progress(show: bool) -> Progress {
    if !show {
        return Progress::new();
    }
    Progress::observed(|p| {
        let items =
            if p.items() > 0 { format!("[{}/{}] ", (p.item() + 1).min(p.items()), p.items()) } else { String::new() };
        let pct = p.fraction().map(|f| format!("{:>3.0}% ", f * 100.0)).unwrap_or_default();
        let what = crate::terminal::clean_line(&p.message()).into_owned();
        eprint!("\r\x1b[K{items}{pct}{} {what}", p.phase());
    })
}
