//! Which project the app opens when it starts: the one named on the command line, else the
//! last one opened, else (first run) a copy of the coded sample study in the user's data
//! folder, else nothing (the welcome screen offers New and Open).

use crate::store::LOCK_FILE;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

pub use crate::sample::SAMPLE_NAME;
pub use crate::store::is_project;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Startup {
    Open(PathBuf),
    /// The first run and the sample is not there: ask.
    Welcome,
}

/// Where to look for things at start-up; tests point these at temporary folders.
#[derive(Clone, Debug, Default)]
pub struct Places {
    /// The sample project shipped with Tema, if found.
    pub sample: Option<PathBuf>,
    /// Where Tema keeps the user's copy of the sample (`<data dir>/tema`).
    pub data_dir: Option<PathBuf>,
}

impl Places {
    /// The real places: `$TEMA_SAMPLE`, `sample-corpus/` beside the executable or in the
    /// source tree it was built from, and the platform's data folder.
    pub fn discover() -> Self {
        let mut candidates: Vec<PathBuf> = Vec::new();
        if let Some(p) = std::env::var_os("TEMA_SAMPLE") {
            candidates.push(PathBuf::from(p));
        }
        if let Ok(exe) = std::env::current_exe()
            && let Some(dir) = exe.parent()
        {
            candidates.push(dir.join("sample-corpus").join(SAMPLE_NAME));
            candidates.push(dir.join("../share/tema/sample-corpus").join(SAMPLE_NAME));
        }
        candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-corpus").join(SAMPLE_NAME));
        Self {
            sample: candidates.into_iter().find(|p| is_project(p)),
            data_dir: dirs::data_dir().map(|d| d.join("tema")),
        }
    }
}

/// Decides what to open. `last` is the last project from the preferences; it is skipped
/// when it is gone. On the first run the sample is copied into the data folder (once: a
/// copy already there is the user's own work and is opened as it is).
pub fn choose(last: Option<&Path>, places: &Places) -> Result<Startup> {
    if let Some(last) = last
        && is_project(last)
    {
        return Ok(Startup::Open(last.to_path_buf()));
    }
    let (Some(sample), Some(data)) = (&places.sample, &places.data_dir) else { return Ok(Startup::Welcome) };
    let copy = data.join(SAMPLE_NAME);
    if !is_project(&copy) {
        copy_project(sample, &copy)
            .with_context(|| format!("could not copy the sample project to {}", copy.display()))?;
    }
    Ok(Startup::Open(copy))
}

/// Copies a project folder, leaving out what belongs to one running copy (its lock and
/// the search index, which is rebuilt).
pub fn copy_project(from: &Path, to: &Path) -> Result<()> {
    let tmp = to.with_extension("copying");
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).with_context(|| format!("could not remove {}", tmp.display()))?;
    }
    copy_dir(from, &tmp)?;
    std::fs::rename(&tmp, to).with_context(|| format!("could not move {} into place", to.display()))?;
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("could not create {}", to.display()))?;
    for entry in std::fs::read_dir(from).with_context(|| format!("could not read {}", from.display()))? {
        let entry = entry?;
        let name = entry.file_name();
        if name == LOCK_FILE || name == "index" {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        if entry.file_type()?.is_dir() {
            copy_dir(&src, &dst)?;
        } else {
            std::fs::copy(&src, &dst).with_context(|| format!("could not copy {}", src.display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::Edit;
    use crate::model::*;
    use crate::store::Store;

    fn sample(dir: &Path) -> Result<PathBuf> {
        let path = dir.join("sample-corpus").join(SAMPLE_NAME);
        let mut store = Store::create(&path, "Sample")?;
        let d = Document::new(DocId::new(), "J1", DocKind::Interview, "J1: Det gikk bra på møtet.\n");
        store.apply(Edit::AddDocument { document: Box::new(d), index: None })?;
        store.save()?;
        Ok(path)
    }

    #[test]
    fn first_run_copies_the_sample_once() -> Result<()> {
        let tmp = tempfile::tempdir()?;
        let places = Places { sample: Some(sample(tmp.path())?), data_dir: Some(tmp.path().join("data/tema")) };
        let copy = tmp.path().join("data/tema").join(SAMPLE_NAME);
        assert_eq!(choose(None, &places)?, Startup::Open(copy.clone()));
        let store = Store::open(&copy)?;
        assert_eq!(store.project().documents.len(), 1);
        drop(store);
        // The copy is the user's now: a second start opens it without copying again.
        std::fs::write(copy.join("marker"), "mine")?;
        assert_eq!(choose(None, &places)?, Startup::Open(copy.clone()));
        assert!(copy.join("marker").exists());
        Ok(())
    }

    #[test]
    fn last_project_wins_and_a_missing_one_is_skipped() -> Result<()> {
        let tmp = tempfile::tempdir()?;
        let mine = tmp.path().join("mine");
        Store::create(&mine, "Mine")?;
        let places = Places { sample: None, data_dir: Some(tmp.path().join("data")) };
        assert_eq!(choose(Some(&mine), &places)?, Startup::Open(mine.clone()));
        assert_eq!(choose(Some(&tmp.path().join("gone")), &places)?, Startup::Welcome);
        Ok(())
    }

    #[test]
    fn no_sample_means_welcome() -> Result<()> {
        let tmp = tempfile::tempdir()?;
        let places = Places { sample: None, data_dir: Some(tmp.path().to_path_buf()) };
        assert_eq!(choose(None, &places)?, Startup::Welcome);
        Ok(())
    }
}
