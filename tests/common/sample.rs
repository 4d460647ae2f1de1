//! Builds the coded sample study from `sample-corpus/`: the files through the normal import
//! (with the participants sheet), then the coding plans (codebook, themes, codings, quotes,
//! memos) as edits. Shared by the triangulation app test and `examples/sample_project.rs`.

use std::path::{Path, PathBuf};
use tema::import::{ImportOptions, plan_import};
use tema::sample::{Plan, plan_edits};
use tema::store::Store;

pub fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-corpus")
}

/// [`build_sample`] as `sample.tema` in a new temporary folder, which lives as long as the
/// returned `TempDir`.
#[allow(dead_code)] // not every test binary that builds the sample wants a folder of its own
pub fn built_sample() -> anyhow::Result<(tempfile::TempDir, PathBuf)> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("sample.tema");
    build_sample(&dir)?;
    Ok((tmp, dir))
}

/// Creates the project at `dir` (which must not exist) and saves it.
pub fn build_sample(dir: &Path) -> anyhow::Result<()> {
    let corpus = corpus();
    let mut store = Store::create(dir, "Working together")?;
    let options = ImportOptions { participants: Some(corpus.join("participants.csv")), ..Default::default() };
    let folders: Vec<PathBuf> = ["interviews", "focus-groups", "field-notes"].iter().map(|f| corpus.join(f)).collect();
    let plan = plan_import(store.project(), &folders, &options, &tema::progress::Progress::new())?;
    if let Some(failed) = plan.failures().next() {
        anyhow::bail!("the sample corpus did not import: {failed:?}");
    }
    if let Some(edit) = plan.edit() {
        store.apply(edit)?;
    }
    let mut plans = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus.join("plan"))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    for path in files {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let plan: Plan = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
        plans.push((name, plan));
    }
    let edits = plan_edits(store.project(), &plans)?;
    store.apply(tema::edit::Edit::batch("Code the sample study", edits))?;
    store.save()?;
    Ok(())
}
