//! `tema sample build`: makes the coded sample project from `sample-corpus/`.
//!
//! The files are imported with the normal import path (so the sample also exercises every
//! reader), then the coding plans become edits. Ids and times that import would draw at
//! random are replaced by ones derived from names, so a rebuild gives the same project files
//! and a diff of the committed sample shows only real changes.

use crate::edit::Edit;
use crate::import::{ImportOptions, plan_import};
use crate::model::*;
use crate::progress::Progress;
use crate::sample::{Plan, plan_edits, stable_uuid};
use crate::store::Store;
use anyhow::{Context, Result, bail};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The study's folders, in the order the navigator shows them.
const FOLDERS: [&str; 3] = ["interviews", "focus-groups", "field-notes"];

pub fn build(corpus: &Path, out: &Path, force: bool) -> Result<()> {
    if out.exists() && !force {
        bail!("{} already exists; pass --force to build it again", out.display());
    }
    let plans = read_plans(&corpus.join("plan"))?;
    // Build beside the target and move it into place at the end, so a failed build never
    // leaves half a sample where the app looks for one.
    let tmp = out.with_extension("building");
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).with_context(|| format!("could not remove {}", tmp.display()))?;
    }
    let mut store = Store::create(&tmp, "Working together (sample study)")?;
    let settings = Settings {
        description: "A fictional study of collaboration meetings in Individual Placement and Support: \
                      interviews with jobseekers, therapists and social workers, two focus groups with \
                      employment specialists, and field notes."
            .into(),
        ..store.project().settings.clone()
    };
    store.apply(Edit::SetSettings { settings })?;

    let options = ImportOptions { participants: Some(corpus.join("participants.csv")), ..Default::default() };
    let paths: Vec<PathBuf> = FOLDERS.iter().map(|f| corpus.join(f)).collect();
    let plan = plan_import(store.project(), &paths, &options, &Progress::new())?;
    if let Some(failed) = plan.failures().next() {
        bail!("{}", failed.error_message().unwrap_or_default());
    }
    let Some(import) = plan.edit() else { bail!("{} holds no documents", corpus.display()) };
    store.apply(stabilise(import))?;

    let edits = plan_edits(store.project(), &plans)?;
    store.apply(Edit::batch("Code the sample study", edits))?;
    store.save()?;
    let p = store.project();
    let summary = format!(
        "{} documents, {} participants, {} codes, {} themes, {} codings, {} quotes, {} memos",
        p.documents.len(),
        p.participants.len(),
        p.codes.len(),
        p.themes.len(),
        p.codings.len(),
        p.quotes.len(),
        p.memos.len()
    );
    drop(store);
    // The local files (journal, undo history, lock) are not part of the shipped sample.
    // Nor is the analysis trail of its generation (with the manifest that counts its lines):
    // the sample's trail starts with the first decision a user makes in it.
    for local in [
        crate::store::journal::JOURNAL_FILE,
        crate::store::snapshot::HISTORY_FILE,
        crate::store::LOCK_FILE,
        crate::store::snapshot::MANIFEST_FILE,
    ] {
        let p = tmp.join(local);
        if p.exists() {
            std::fs::remove_file(&p).with_context(|| format!("could not remove {}", p.display()))?;
        }
    }
    let trail = tmp.join(crate::trail::TRAIL_DIR);
    if trail.is_dir() {
        std::fs::remove_dir_all(&trail).with_context(|| format!("could not remove {}", trail.display()))?;
    }
    if out.exists() {
        std::fs::remove_dir_all(out).with_context(|| format!("could not remove {}", out.display()))?;
    }
    std::fs::rename(&tmp, out).with_context(|| format!("could not move {} into place", out.display()))?;
    println!("Built {}: {summary}", out.display());
    Ok(())
}

/// Reads `plan/*.json` in name order (the order decides ids and colours).
fn read_plans(dir: &Path) -> Result<Vec<(String, Plan)>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
            let plan: Plan =
                serde_json::from_str(&text).with_context(|| format!("{}: not a valid plan", path.display()))?;
            Ok((name, plan))
        })
        .collect()
}

/// Gives the import's documents and participants ids derived from their names, and a fixed
/// import time.
fn stabilise(edit: Edit) -> Edit {
    let fixed = chrono::DateTime::parse_from_rfc3339("2026-02-01T08:00:00Z").map(|t| t.to_utc()).unwrap_or_default();
    let Edit::Batch { label, edits } = edit else { return edit };
    let mut people: HashMap<ParticipantId, ParticipantId> = HashMap::new();
    let mut out = Vec::with_capacity(edits.len());
    for e in edits {
        out.push(match e {
            Edit::AddParticipant { mut participant, index } => {
                let id = ParticipantId(stable_uuid("participant", participant.label()));
                people.insert(participant.id, id);
                participant.id = id;
                Edit::AddParticipant { participant, index }
            }
            Edit::AddDocument { mut document, index } => {
                document.id = DocId(stable_uuid("document", document.name()));
                if let Some(source) = &mut document.source {
                    source.imported_at = fixed;
                }
                for turn in &mut document.turns {
                    if let Some(p) = turn.participant {
                        turn.participant = Some(people.get(&p).copied().unwrap_or(p));
                    }
                }
                Edit::AddDocument { document, index }
            }
            other => other,
        });
    }
    Edit::Batch { label, edits: out }
}
