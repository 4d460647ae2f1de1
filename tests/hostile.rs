//! A received project folder is untrusted input (issue 15). Each test crafts a folder the way
//! a hostile sender or a damaged sync would, and checks that Tema neither touches anything
//! outside the project folder — a sentinel folder beside it is checksummed before and after —
//! nor loses data silently.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use tema::edit::Edit;
use tema::model::*;
use tema::store::{Store, StoreError};

mod common;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A folder outside the project holding files an attack would aim at.
struct Sentinel {
    dir: PathBuf,
    before: BTreeMap<String, String>,
}

impl Sentinel {
    fn new(scratch: &Path) -> std::io::Result<Sentinel> {
        let dir = scratch.join("sentinel");
        fs::create_dir_all(dir.join("docs"))?;
        fs::write(dir.join("victim"), "precious\n")?;
        fs::write(dir.join("victim.new"), "attacker's replacement\n")?;
        fs::write(dir.join("docs/letter.txt"), "a user's own text file\n")?;
        fs::write(dir.join("docs/notes.txt"), "another\n")?;
        let before = Self::sums(&dir)?;
        Ok(Sentinel { dir, before })
    }

    /// Every entry below the folder: its kind, and the hash of a file's content.
    fn sums(dir: &Path) -> std::io::Result<BTreeMap<String, String>> {
        let mut out = BTreeMap::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for entry in fs::read_dir(&d)? {
                let entry = entry?;
                let path = entry.path();
                let meta = fs::symlink_metadata(&path)?;
                let rel = path.strip_prefix(dir).unwrap_or(&path).display().to_string();
                let sum = if meta.is_dir() {
                    stack.push(path.clone());
                    "dir".to_string()
                } else if meta.file_type().is_symlink() {
                    format!("link {}", fs::read_link(&path)?.display())
                } else {
                    blake3::hash(&fs::read(&path)?).to_hex().to_string()
                };
                out.insert(rel, sum);
            }
        }
        Ok(out)
    }

    fn unchanged(&self) -> TestResult {
        let after = Self::sums(&self.dir)?;
        assert_eq!(self.before, after, "something outside the project folder changed");
        Ok(())
    }
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

/// Puts a symbolic link to `target` in the place of the project's file `name`.
#[cfg(unix)]
fn link_instead(dir: &Path, name: &str, target: &Path) -> std::io::Result<()> {
    fs::remove_file(dir.join(name))?;
    symlink(target, &dir.join(name))
}

/// A project with one document, one coder, one code and `codings` codings, saved.
fn project(dir: &Path, codings: usize) -> Result<Store, Box<dyn std::error::Error>> {
    let text = "I: Hvordan gikk det?\nJ4: Møtet var bra 😀, vi snakket om jobb.\n".repeat(4);
    let mut store = common::j4_store(dir, "Hostile", &text)?;
    for n in 0..codings {
        store.apply(coding(100 + n as u128, n * 3, n * 3 + 2))?;
    }
    store.save()?;
    Ok(store)
}

fn coding(id: u128, start: usize, end: usize) -> Edit {
    Edit::AddCoding { coding: common::j4_coding(id, start, end) }
}

/// A scratch folder holding the project `p` made by [`project`] with `codings` codings: the
/// start of most tests here. The folder lives as long as the returned `TempDir`.
fn scratch(codings: usize) -> Result<(tempfile::TempDir, PathBuf, Store), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("p");
    let store = project(&dir, codings)?;
    Ok((tmp, dir, store))
}

/// [`scratch`] with a [`Sentinel`] folder beside the project, the project closed: where an
/// attack starts.
fn beside_sentinel(codings: usize) -> Result<(tempfile::TempDir, Sentinel, PathBuf), Box<dyn std::error::Error>> {
    let (tmp, dir, store) = scratch(codings)?;
    drop(store);
    let sentinel = Sentinel::new(tmp.path())?;
    Ok((tmp, sentinel, dir))
}

/// [`scratch`] with `saved` codings, then `unsaved` more (ids 500…, ten characters apart)
/// that live only in the journal, the project closed.
fn with_unsaved(saved: usize, unsaved: usize) -> Result<(tempfile::TempDir, PathBuf), Box<dyn std::error::Error>> {
    let (tmp, dir, mut store) = scratch(saved)?;
    for n in 0..unsaved {
        store.apply(coding(500 + n as u128, 40 + 10 * n, 45 + 10 * n))?;
    }
    Ok((tmp, dir))
}

fn err_text<T>(r: Result<T, StoreError>) -> String {
    match r {
        Ok(_) => "opened".to_string(),
        Err(e) => e.to_string(),
    }
}

/// The open failed, naming `what` as a symbolic link it will not follow.
#[cfg(unix)]
fn refused_as_link<T>(r: Result<T, StoreError>, what: &str) {
    let msg = err_text(r);
    assert!(msg.contains(what) && msg.contains("symbolic link"), "{msg}");
}

// ---------------------------------------------------------------------------------------
// 1. Nothing outside the folder is touched

#[test]
fn a_crafted_commit_file_cannot_delete_or_replace_outside_files() -> TestResult {
    let (_tmp, sentinel, dir) = beside_sentinel(2)?;
    // What a hostile sender puts in commit.json: delete any path, rename X.new over X.
    let victim = sentinel.dir.join("victim");
    let record = serde_json::json!({
        "install": ["../sentinel/victim", victim.to_string_lossy()],
        "delete": ["../sentinel/docs/letter.txt", sentinel.dir.join("docs/notes.txt").to_string_lossy()],
    });
    fs::write(dir.join("commit.json"), serde_json::to_vec(&record)?)?;
    let msg = err_text(Store::open(&dir));
    assert!(msg.contains("commit.json") && msg.contains("not a file Tema writes"), "{msg}");
    // Read-only opening refuses it too, without acting on it.
    let msg = err_text(Store::open_read_only(&dir));
    assert!(msg.contains("not a file Tema writes"), "{msg}");
    sentinel.unchanged()?;
    assert!(dir.join("commit.json").exists(), "the evidence was removed");
    Ok(())
}

#[cfg(unix)]
#[test]
fn lock_and_journal_links_are_never_followed() -> TestResult {
    let (_tmp, sentinel, dir) = beside_sentinel(2)?;
    let victim = sentinel.dir.join("victim");

    link_instead(&dir, ".lock", &victim)?;
    refused_as_link(Store::open(&dir), ".lock");
    // Reading needs no lock: it works, and still leaves the target alone.
    let store = Store::open_read_only(&dir)?;
    assert_eq!(store.project().codings.len(), 2);
    drop(store);
    fs::remove_file(dir.join(".lock"))?;

    link_instead(&dir, "journal.jsonl", &victim)?;
    refused_as_link(Store::open(&dir), "journal.jsonl");
    refused_as_link(Store::open_read_only(&dir), "journal.jsonl");
    sentinel.unchanged()
}

#[cfg(unix)]
#[test]
fn linked_texts_or_codings_folders_are_refused_and_their_files_kept() -> TestResult {
    let (tmp, sentinel, dir) = beside_sentinel(2)?;
    // `texts` replaced by a link to a folder of the user's own *.txt files: a save used to
    // delete every one of them as an unused text.
    let texts = dir.join("texts");
    for entry in fs::read_dir(&texts)? {
        fs::copy(entry?.path(), sentinel.dir.join("docs").join("copied.txt"))?;
    }
    let sentinel = Sentinel { before: Sentinel::sums(&sentinel.dir)?, dir: sentinel.dir };
    fs::rename(&texts, tmp.path().join("texts-aside"))?;
    symlink(&sentinel.dir.join("docs"), &texts)?;
    refused_as_link(Store::open(&dir), "texts");
    fs::remove_file(&texts)?;
    fs::rename(tmp.path().join("texts-aside"), &texts)?;

    let codings = dir.join("codings");
    fs::rename(&codings, tmp.path().join("codings-aside"))?;
    symlink(&sentinel.dir.join("docs"), &codings)?;
    refused_as_link(Store::open(&dir), "codings");
    sentinel.unchanged()
}

#[cfg(unix)]
#[test]
fn a_linked_snapshot_file_is_not_read_through() -> TestResult {
    let (_tmp, sentinel, dir) = beside_sentinel(1)?;
    link_instead(&dir, "memos.json", &sentinel.dir.join("victim"))?;
    refused_as_link(Store::open_read_only(&dir), "memos.json");
    sentinel.unchanged()
}

#[test]
fn opening_keeps_the_users_own_tmp_and_new_files() -> TestResult {
    let (_tmp, dir, store) = scratch(1)?;
    drop(store);
    fs::write(dir.join("draft.tmp"), "mine")?;
    fs::write(dir.join("ideas.new"), "mine too")?;
    fs::write(dir.join("texts/reading-list.txt"), "and this")?;
    // What a crash leaves behind is still cleaned up.
    fs::write(dir.join("codebook.json.new"), "half a save")?;
    let mut store = Store::open(&dir)?;
    store.apply(coding(900, 30, 35))?;
    store.save()?;
    drop(store);
    assert_eq!(fs::read_to_string(dir.join("draft.tmp"))?, "mine");
    assert_eq!(fs::read_to_string(dir.join("ideas.new"))?, "mine too");
    assert_eq!(fs::read_to_string(dir.join("texts/reading-list.txt"))?, "and this");
    assert!(!dir.join("codebook.json.new").exists());
    Ok(())
}

/// Builds the search index of the project at `dir` and closes it again.
fn build_index(dir: &Path, store: &Store) -> TestResult {
    let (index, _) = tema::index::SearchIndex::open(dir, store.project().settings.language)?;
    index.sync(store.project(), &tema::progress::Progress::new())?;
    Ok(())
}

/// Opening the damaged index at `dir` says it rebuilt a corrupt one, and the rebuilt index
/// finds the word "jobb" in each of the 4 repeats of the project's text.
fn rebuilt_and_searchable(dir: &Path, store: &Store) -> TestResult {
    let (index, report) = tema::index::SearchIndex::open(dir, store.project().settings.language)?;
    assert!(matches!(report.rebuilt, Some(tema::index::Rebuilt::Corrupt { .. })), "{:?}", report.rebuilt);
    index.sync(store.project(), &tema::progress::Progress::new())?;
    let hits = tema::index::search(&index, store.project(), &tema::index::SearchRequest::new("jobb"))?;
    assert_eq!(hits.match_count(), 4, "the rebuilt index finds the word in each of the 4 repeats");
    Ok(())
}

#[test]
fn an_index_whose_manifest_names_outside_files_is_rebuilt_not_cleaned() -> TestResult {
    let (_tmp, sentinel, dir) = beside_sentinel(1)?;
    let store = Store::open_read_only(&dir)?;
    build_index(&dir, &store)?;
    let managed = dir.join("index/tantivy/.managed.json");
    let mut names: Vec<String> = serde_json::from_slice(&fs::read(&managed)?)?;
    names.push("../../../sentinel/victim".into());
    names.push(sentinel.dir.join("docs/letter.txt").display().to_string());
    fs::write(&managed, serde_json::to_vec(&names)?)?;
    rebuilt_and_searchable(&dir, &store)?;
    sentinel.unchanged()
}

#[test]
fn a_truncated_index_segment_is_rebuilt_and_search_works() -> TestResult {
    let (_tmp, dir, store) = scratch(1)?;
    build_index(&dir, &store)?;
    // Cut every segment file of the index in half.
    let mut cut = 0;
    for entry in fs::read_dir(dir.join("index/tantivy"))? {
        let path = entry?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if !name.starts_with('.') && !name.ends_with(".json") {
            let bytes = fs::read(&path)?;
            fs::write(&path, &bytes[..bytes.len() / 2])?;
            cut += 1;
        }
    }
    assert!(cut > 0);
    rebuilt_and_searchable(&dir, &store)
}

// ---------------------------------------------------------------------------------------
// 2. Damage is reported and repaired, never silently made permanent

#[test]
fn an_emptied_or_missing_codings_file_is_damage_not_an_empty_list() -> TestResult {
    let (_tmp, dir, store) = scratch(5)?;
    drop(store);
    let file = dir.join("codings/ingrid.json");
    let kept = fs::read(&file)?;
    for (damage, state) in [(Some(&b""[..]), "is empty"), (None, "is missing")] {
        match damage {
            Some(bytes) => fs::write(&file, bytes)?,
            None => fs::remove_file(&file)?,
        }
        // Opening to write is refused, naming the file and what it held.
        let msg = err_text(Store::open(&dir));
        assert!(
            msg.contains("codings/ingrid.json held 5 codings at the last save and") && msg.contains(state),
            "{msg}"
        );
        assert!(msg.contains("--accept-loss"), "{msg}");
        // Read-only works and says the same.
        let store = Store::open_read_only(&dir)?;
        assert!(store.is_read_only());
        assert_eq!(store.damage().len(), 1);
        drop(store);
        // Restoring the file is the repair.
        fs::write(&file, &kept)?;
        let store = Store::open(&dir)?;
        assert_eq!(store.project().codings.len(), 5);
        drop(store);
    }
    // Or the loss is accepted explicitly: saved, and the project opens normally again.
    fs::write(&file, b"")?;
    let msg = err_text(Store::open(&dir));
    assert!(msg.contains("damaged"), "{msg}");
    let store = Store::open_accepting_loss(&dir)?;
    assert!(!store.is_read_only());
    assert!(store.warnings().iter().any(|w| w.contains("accepted as lost")), "{:?}", store.warnings());
    drop(store);
    let store = Store::open(&dir)?;
    assert_eq!(store.project().codings.len(), 0);
    Ok(())
}

#[test]
fn the_sample_with_an_emptied_coder_file_is_reported_not_emptied() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("sample.tema");
    common::sample_copy(&dir)?;
    let mut store = Store::open(&dir)?;
    let total = store.project().codings.len();
    let ingrid = store.project().coders.values().find(|c| c.slug == "ingrid").map(|c| c.id).ok_or("no ingrid")?;
    let hers = store.project().codings.values().filter(|c| c.coder == ingrid).count();
    store.save()?; // writes the manifest (the shipped sample predates it)
    drop(store);
    fs::write(dir.join("codings/ingrid.json"), b"")?;
    let msg = err_text(Store::open(&dir));
    assert!(msg.contains(&format!("codings/ingrid.json held {hers} codings")), "{msg}");
    let store = Store::open_read_only(&dir)?;
    assert_eq!(store.project().codings.len(), total - hers);
    Ok(())
}

#[test]
fn crlf_converted_texts_and_json_open_with_every_unsaved_edit() -> TestResult {
    // Unsaved edits in the journal, on top of the snapshot.
    let (_tmp, dir) = with_unsaved(2, 2)?;
    // What git with core.autocrlf=true does to a checkout.
    let mut converted = 0;
    for sub in ["", "texts", "codings"] {
        for entry in fs::read_dir(dir.join(sub))? {
            let path = entry?.path();
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if path.is_file() && (name.ends_with(".json") || name.ends_with(".txt")) {
                let text = fs::read_to_string(&path)?;
                fs::write(&path, text.replace('\n', "\r\n"))?;
                converted += 1;
            }
        }
    }
    assert!(converted >= 10, "{converted}");
    let store = Store::open(&dir)?;
    assert_eq!(store.project().codings.len(), 4, "{:?}", store.warnings());
    assert!(store.warnings().is_empty(), "{:?}", store.warnings());
    let doc = store.project().documents.values().next().ok_or("no document")?;
    assert!(!doc.text.contains('\r'));
    assert!(dir.join(".gitattributes").exists());
    assert!(fs::read_to_string(dir.join(".gitattributes"))?.contains("* -text"));
    Ok(())
}

/// The journal's lines: header, then one per entry.
fn journal_lines(dir: &Path) -> std::io::Result<Vec<String>> {
    Ok(fs::read_to_string(dir.join("journal.jsonl"))?.lines().map(|l| format!("{l}\n")).collect())
}

/// Writes `lines` as the journal at `dir` and opens the project on it.
fn open_on_journal(dir: &Path, lines: &[String]) -> Result<Store, Box<dyn std::error::Error>> {
    fs::write(dir.join("journal.jsonl"), lines.concat())?;
    Ok(Store::open(dir)?)
}

#[test]
fn a_flipped_bit_in_the_last_journal_line_is_kept_aside() -> TestResult {
    let (_tmp, dir) = with_unsaved(1, 2)?;
    let mut lines = journal_lines(&dir)?;
    let last = lines.pop().ok_or("empty journal")?;
    let flipped = last.replacen("\"start\":50", "\"start\":51", 1);
    assert_ne!(flipped, last);
    lines.push(flipped.clone());
    let store = open_on_journal(&dir, &lines)?;
    assert_eq!(store.project().codings.len(), 2, "the good line is applied, the damaged one is not");
    let kept: Vec<PathBuf> = fs::read_dir(&dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<Vec<PathBuf>, _>>()?
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("journal.damaged-")))
        .collect();
    assert_eq!(kept.len(), 1, "{:?}", store.warnings());
    assert_eq!(fs::read_to_string(&kept[0])?, flipped);
    assert!(store.warnings().iter().any(|w| w.contains("fails its checksum")), "{:?}", store.warnings());
    Ok(())
}

#[test]
fn a_duplicated_journal_line_is_applied_once_and_later_edits_kept() -> TestResult {
    let (_tmp, dir) = with_unsaved(1, 3)?;
    let mut lines = journal_lines(&dir)?;
    assert_eq!(lines.len(), 4, "header and three entries");
    let second = lines[2].clone();
    lines.insert(2, second);
    let store = open_on_journal(&dir, &lines)?;
    assert_eq!(store.project().codings.len(), 4, "{:?}", store.warnings());
    assert!(store.warnings().iter().any(|w| w.contains("written twice")), "{:?}", store.warnings());
    Ok(())
}

// ---------------------------------------------------------------------------------------
// 4. Read-only works, and the lock says who holds it

#[test]
fn reading_takes_no_lock_and_writes_nothing() -> TestResult {
    let (_tmp, dir, mut writer) = scratch(2)?;
    writer.apply(coding(500, 40, 45))?;
    let before = Sentinel::sums(&dir)?;
    let reader = Store::open_read_only(&dir)?;
    assert_eq!(reader.project().codings.len(), 3, "the reader sees the journaled edit");
    assert_eq!(Sentinel::sums(&dir)?, before, "a read-only opening wrote to the folder");
    // The writer goes on while the reader is open.
    writer.apply(coding(501, 50, 55))?;
    drop(reader);
    // And a second writer is told who holds the project: process, host and since when.
    let msg = err_text(Store::open(&dir));
    assert!(msg.contains(&format!("process {} on ", std::process::id())) && msg.contains(" since "), "{msg}");
    assert_eq!(tema::store::held_by(&dir).map(|h| h.contains("process")), Some(true));
    drop(writer);
    assert_eq!(tema::store::held_by(&dir), None);
    Ok(())
}

#[test]
fn a_writer_can_wait_for_the_lock() -> TestResult {
    let (_tmp, dir, holder) = scratch(1)?;
    let started = std::time::Instant::now();
    let msg = err_text(Store::open_waiting(&dir, std::time::Duration::from_millis(300)));
    assert!(msg.contains("open in another Tema"), "{msg}");
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));
    let release = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(300));
        drop(holder);
    });
    let store = Store::open_waiting(&dir, std::time::Duration::from_secs(20))?;
    assert_eq!(store.project().codings.len(), 1);
    release.join().map_err(|_| "the releasing thread failed")?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Names

#[test]
fn overlong_names_are_refused_and_file_names_stay_short() -> TestResult {
    let (_tmp, _dir, mut store) = scratch(0)?;
    let long = "Å".repeat(300);
    let coder = store.project().new_coder(&long);
    let err = store.apply(Edit::AddCoder { coder, index: None }).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("at most 200 characters") && err.contains("300"), "{err}");
    // A name at the limit is fine, and its file name is bounded (48 characters of slug).
    let coder = store.project().new_coder(&"a".repeat(200));
    assert_eq!(coder.slug.len(), 48);
    store.apply(Edit::AddCoder { coder, index: None })?;
    store.save()?;
    let code = Code::new(CodeId::new(), "x".repeat(201), palette_colour(1));
    assert!(store.apply(Edit::CreateCode { code, index: None }).is_err());
    Ok(())
}
