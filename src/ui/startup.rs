//! Which project the app opens when it starts: the one named on the command line, else the
//! last one opened, else (first run) a copy of the coded sample study in the user's data
//! folder, else nothing (the welcome screen offers New and Open).

use crate::model::Document;
use crate::progress::Progress;
use crate::store::snapshot::DocumentHead;
use crate::store::{LOCK_FILE, Store, StoreError};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

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

/// What the opening worker found first: the project's name and its documents list.
type Preview = Option<(String, Vec<DocumentHead>)>;

/// A project opening on a worker thread, so the window paints at once however large the
/// project: the first frame shows the folder, then (within milliseconds) the project's name
/// and documents list, and what is being read, until the whole project is there.
///
/// The worker opens it as the app always does (`Store::open_or_read_only`: for writing, else
/// read-only with the reason); the store moves to the UI thread when it is done.
pub struct Opening {
    pub dir: PathBuf,
    pub started: Instant,
    progress: Progress,
    preview: Arc<Mutex<Preview>>,
    rx: mpsc::Receiver<Result<(Store, bool), StoreError>>,
}

impl Opening {
    /// Starts opening `dir` on a worker; `ctx` is asked to repaint at each step.
    pub fn start(ctx: &egui::Context, dir: &Path) -> Opening {
        let (tx, rx) = mpsc::channel();
        let progress = Progress::new();
        let preview: Arc<Mutex<Preview>> = Arc::default();
        let (worker_progress, worker_preview, worker_dir, ctx) =
            (progress.clone(), preview.clone(), dir.to_path_buf(), ctx.clone());
        let spawned = std::thread::Builder::new().name("tema: open project".into()).spawn(move || {
            worker_progress.set_message("reading the documents list");
            // The list as soon as the open has read it; a list that cannot be read is no
            // preview, and the open says why.
            let show_list = |name: &str, docs: &[Document]| {
                if let Ok(mut p) = worker_preview.lock() {
                    *p = Some((name.to_string(), docs.iter().map(DocumentHead::of).collect()));
                }
                worker_progress.set_message("reading texts and codings");
                ctx.request_repaint();
            };
            let opened = Store::open_for_app(&worker_dir, &show_list);
            // The app may have gone on to another project meanwhile: then nobody receives it.
            let _ = tx.send(opened);
            ctx.request_repaint();
        });
        if let Err(e) = spawned {
            // No thread to spare: open here, as before.
            progress.set_message(format!("opening without a worker ({e})"));
            let (tx, rx2) = mpsc::channel();
            let _ = tx.send(Store::open_for_app(dir, &|_, _| {}));
            return Opening { dir: dir.to_path_buf(), started: Instant::now(), progress, preview, rx: rx2 };
        }
        Opening { dir: dir.to_path_buf(), started: Instant::now(), progress, preview, rx }
    }

    /// The opened project (and whether it is read-only) or why it could not be opened, once
    /// the worker is done; `None` while it works.
    pub fn poll(&self) -> Option<Result<(Store, bool), StoreError>> {
        match self.rx.try_recv() {
            Ok(result) => Some(result),
            Err(mpsc::TryRecvError::Empty) => None,
            Err(mpsc::TryRecvError::Disconnected) => Some(Err(StoreError::io("open", &self.dir)(
                std::io::Error::other("the worker opening the project stopped unexpectedly"),
            ))),
        }
    }

    /// Whether the documents list has been read (the first usable picture of the project).
    pub fn has_list(&self) -> bool {
        self.preview.lock().is_ok_and(|p| p.is_some())
    }

    /// The opening screen: the project's name, what is being read, and its documents.
    pub fn ui(&self, ui: &mut egui::Ui) {
        let preview = self.preview.lock().ok().and_then(|p| p.clone());
        let name = preview.as_ref().map(|(n, _)| n.clone()).unwrap_or_else(|| self.dir.display().to_string());
        ui.add_space(24.0);
        ui.horizontal(|ui| {
            ui.spinner();
            ui.heading(format!("Opening “{name}”"));
        });
        let seconds = self.started.elapsed().as_secs_f32();
        ui.label(format!("{} ({seconds:.1} s)", self.progress.message()));
        if let Some((_, docs)) = &preview {
            let words: usize = docs.iter().map(|d| d.words).sum();
            ui.add_space(8.0);
            ui.label(format!("{} documents, {words} words", docs.len()));
            ui.separator();
            // Only the rows on screen are laid out: a list of thousands stays one frame.
            let row = ui.text_style_height(&egui::TextStyle::Body);
            egui::ScrollArea::vertical().auto_shrink(false).show_rows(ui, row, docs.len(), |ui, rows| {
                for d in &docs[rows] {
                    ui.label(format!("{}  ·  {} · {} words", d.name, d.kind.label(), d.words));
                }
            });
        }
        // Elapsed seconds tick even if the worker has nothing new to say.
        ui.ctx().request_repaint_after(Duration::from_millis(100));
    }
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
