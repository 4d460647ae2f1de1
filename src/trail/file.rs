//! The trail on disk: `trail/<person>.jsonl`, one compact JSON decision per line, only ever
//! appended to.
//!
//! One file per person recording, so two copies of a project (git, a synced drive) each
//! append to their own file and merge without conflicts; [`merge_from`] brings another
//! copy's decisions in by id (union, so merging twice adds nothing). Files are opened as the
//! store opens everything in the folder ([`crate::store::safe`]): no links followed, regular
//! files only.

use super::{Decision, Trail};
use crate::store::safe;
use crate::store::{Result, StoreError};
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::Path;
use uuid::Uuid;

pub const TRAIL_DIR: &str = "trail";

/// The file of a person's decisions, relative to the project folder: `trail/<slug>.jsonl`
/// ([`crate::model::name_slug`], as coders' files are named; `unknown` for a name without
/// ASCII letters or digits).
pub fn trail_file_name(who: &str) -> String {
    let slug = crate::model::name_slug(who);
    format!("{TRAIL_DIR}/{}.jsonl", if slug.is_empty() { "unknown" } else { &slug })
}

/// Whether `rel` names a trail file (`trail/<plain name>.jsonl`).
pub fn is_trail_file(rel: &str) -> bool {
    rel.strip_prefix("trail/").and_then(|r| r.strip_suffix(".jsonl")).is_some_and(safe::is_plain_name)
}

fn encode(d: &Decision) -> Result<String> {
    serde_json::to_string(d).map_err(|e| StoreError::Corrupt { path: TRAIL_DIR.into(), reason: e.to_string() })
}

/// Appends decisions to `who`'s file and syncs it to disk.
pub fn append(dir: &Path, who: &str, decisions: &[Decision]) -> Result<()> {
    match append_unsynced(dir, who, decisions)? {
        Some((f, path)) => f.sync_data().map_err(StoreError::io("sync", &path)),
        None => Ok(()),
    }
}

/// Appends decisions to `who`'s file without waiting for the disk; returns the file (and its
/// path) for the caller to sync, `None` when there was nothing to write.
pub(crate) fn append_unsynced(
    dir: &Path,
    who: &str,
    decisions: &[Decision],
) -> Result<Option<(std::fs::File, std::path::PathBuf)>> {
    if decisions.is_empty() {
        return Ok(None);
    }
    let mut text = String::new();
    for d in decisions {
        text.push_str(&encode(d)?);
        text.push('\n');
    }
    append_lines(dir, &trail_file_name(who), &text).map(Some)
}

fn append_lines(dir: &Path, rel: &str, text: &str) -> Result<(std::fs::File, std::path::PathBuf)> {
    safe::ensure_dir(dir, TRAIL_DIR)?;
    let path = dir.join(rel);
    let mut f = safe::open_write(&path, std::fs::OpenOptions::new().create(true).append(true))?;
    // A torn last line (a crash mid-write) must not swallow the next decision.
    let len = f.metadata().map_err(StoreError::io("read", &path))?.len();
    let mut out = String::with_capacity(text.len() + 1);
    if len > 0 && !ends_with_newline(&path)? {
        out.push('\n');
    }
    out.push_str(text);
    f.write_all(out.as_bytes()).map_err(StoreError::io("write", &path))?;
    Ok((f, path))
}

fn ends_with_newline(path: &Path) -> Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    let Some(mut f) = safe::open_read(path)? else { return Ok(true) };
    f.seek(SeekFrom::End(-1)).map_err(StoreError::io("read", path))?;
    let mut b = [0u8; 1];
    f.read_exact(&mut b).map_err(StoreError::io("read", path))?;
    Ok(b[0] == b'\n')
}

/// Rewrites every trail file with `replace` applied to each line, atomically per file: the one
/// exception to "only ever appended to". A pseudonymisation in place must leave no original
/// in the folder, and earlier decisions name documents, codes and themes as they were then.
/// Returns how many files changed.
pub fn rewrite_lines(dir: &Path, replace: &dyn Fn(&str) -> String) -> Result<usize> {
    let mut changed = 0;
    for rel in files(dir)? {
        let path = dir.join(&rel);
        let Some(bytes) = safe::read(&path)? else { continue };
        let text = String::from_utf8_lossy(&bytes);
        let mut out = String::with_capacity(text.len());
        for line in text.split_inclusive('\n') {
            out.push_str(&replace(line));
        }
        if out.as_bytes() != bytes.as_slice() {
            crate::store::atomic::write_atomic(&path, out.as_bytes())?;
            changed += 1;
        }
    }
    Ok(changed)
}

/// The trail files of a project, relative (`trail/ingrid.jsonl`), sorted.
pub fn files(dir: &Path) -> Result<Vec<String>> {
    if !safe::real_dir(dir, TRAIL_DIR)? {
        return Ok(Vec::new());
    }
    let folder = dir.join(TRAIL_DIR);
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&folder).map_err(StoreError::io("read", &folder))? {
        let entry = entry.map_err(StoreError::io("read", &folder))?;
        let rel = format!("{TRAIL_DIR}/{}", entry.file_name().to_string_lossy());
        if is_trail_file(&rel) {
            out.push(rel);
        }
    }
    out.sort();
    Ok(out)
}

/// The decisions of one file with their lines; unreadable lines become warnings.
fn read_file(dir: &Path, rel: &str, warnings: &mut Vec<String>) -> Result<Vec<(Decision, String)>> {
    let Some(bytes) = safe::read(&dir.join(rel))? else { return Ok(Vec::new()) };
    Ok(parse(rel, &bytes, 0, warnings))
}

/// The decisions of `bytes` of the file `rel` (whose first line is line `first` + 1), with
/// their lines; unreadable lines become warnings.
fn parse(rel: &str, bytes: &[u8], first: usize, warnings: &mut Vec<String>) -> Vec<(Decision, String)> {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (first + i, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    // A four-year trail is tens of thousands of lines: parse them on every core.
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(8);
    let chunk = lines.len().div_ceil(threads).max(1024);
    let parse = |part: &[(usize, &str)]| -> Vec<(usize, std::result::Result<Decision, String>)> {
        part.iter().map(|(i, l)| (*i, serde_json::from_str::<Decision>(l).map_err(|e| e.to_string()))).collect()
    };
    let parsed: Vec<(usize, std::result::Result<Decision, String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = lines.chunks(chunk).map(|part| scope.spawn(move || parse(part))).collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    });
    let mut out = Vec::with_capacity(parsed.len());
    for ((i, result), (_, line)) in parsed.into_iter().zip(&lines) {
        match result {
            Ok(d) => out.push((d, line.to_string())),
            Err(e) => warnings.push(format!("{rel} line {}: not a decision ({e}); skipped", i + 1)),
        }
    }
    out
}

/// How far each trail file has been read: its bytes up to the end of its last whole line,
/// and the lines in them. The files are only ever appended to, so a reader that keeps this
/// reads only what was appended since ([`read_appended`]): the Trail view read and parsed the
/// whole trail again after every edit, which costs more the longer a study runs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadUpTo {
    files: HashMap<String, (u64, usize)>,
}

impl ReadUpTo {
    /// Notes that `bytes` were read from the start of the file `rel`.
    fn note(&mut self, rel: &str, from: (u64, usize), bytes: &[u8]) {
        let whole = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        let lines = bytes[..whole].iter().filter(|b| **b == b'\n').count();
        self.files.insert(rel.to_string(), (from.0 + whole as u64, from.1 + lines));
    }
}

/// Reads every person's trail of the project in `dir`, with how far each file was read (for
/// [`read_appended`]).
pub fn load_up_to(dir: &Path) -> Result<(Trail, ReadUpTo)> {
    let mut warnings = Vec::new();
    let mut all = Vec::new();
    let mut upto = ReadUpTo::default();
    for rel in files(dir)? {
        let Some(bytes) = safe::read(&dir.join(&rel))? else { continue };
        all.extend(parse(&rel, &bytes, 0, &mut warnings).into_iter().map(|(d, _)| d));
        upto.note(&rel, (0, 0), &bytes);
    }
    Ok((Trail::from_decisions(all, warnings), upto))
}

/// The decisions appended to the trail files since `upto` (which moves past them), with the
/// lines that could not be read; `None` when a file read before has shrunk or is gone (it was
/// rewritten, not appended to: read the whole trail again). A last line not yet ended is left
/// for the next read.
pub fn read_appended(dir: &Path, upto: &mut ReadUpTo) -> Result<Option<(Vec<Decision>, Vec<String>)>> {
    use std::io::{Read, Seek, SeekFrom};
    let rels = files(dir)?;
    if upto.files.keys().any(|k| !rels.contains(k)) {
        return Ok(None);
    }
    let (mut all, mut warnings) = (Vec::new(), Vec::new());
    for rel in rels {
        let path = dir.join(&rel);
        let Some(mut f) = safe::open_read(&path)? else { return Ok(None) };
        let from = upto.files.get(&rel).copied().unwrap_or((0, 0));
        let len = f.metadata().map_err(StoreError::io("read", &path))?.len();
        if len < from.0 {
            return Ok(None);
        }
        if len == from.0 {
            continue;
        }
        f.seek(SeekFrom::Start(from.0)).map_err(StoreError::io("read", &path))?;
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).map_err(StoreError::io("read", &path))?;
        let whole = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        all.extend(parse(&rel, &bytes[..whole], from.1, &mut warnings).into_iter().map(|(d, _)| d));
        upto.note(&rel, from, &bytes[..whole]);
    }
    Ok(Some((all, warnings)))
}

/// The number of lines of each trail file, for the save manifest.
pub fn line_counts(dir: &Path) -> Result<Vec<(String, usize)>> {
    let mut out = Vec::new();
    for rel in files(dir)? {
        let n = safe::read(&dir.join(&rel))?
            .map(|b| b.split(|c| *c == b'\n').filter(|l| !l.iter().all(u8::is_ascii_whitespace)).count())
            .unwrap_or(0);
        out.push((rel, n));
    }
    Ok(out)
}

/// Reads every person's trail of the project in `dir`.
pub fn load(dir: &Path) -> Result<Trail> {
    load_up_to(dir).map(|(trail, _)| trail)
}

/// Appends to this project's trail files the decisions of `theirs` (another copy) that it
/// does not hold, each to the file of the same name; returns how many. Idempotent.
pub fn merge_from(ours: &Path, theirs: &Path) -> Result<usize> {
    let mut warnings = Vec::new();
    let mut have: HashSet<Uuid> = HashSet::new();
    for rel in files(ours)? {
        have.extend(read_file(ours, &rel, &mut warnings)?.into_iter().map(|(d, _)| d.id));
    }
    let mut added = 0;
    for rel in files(theirs)? {
        let mut text = String::new();
        for (d, line) in read_file(theirs, &rel, &mut warnings)? {
            if have.insert(d.id) {
                text.push_str(&line);
                text.push('\n');
                added += 1;
            }
        }
        if !text.is_empty() {
            let (f, path) = append_lines(ours, &rel, &text)?;
            f.sync_data().map_err(StoreError::io("sync", &path))?;
        }
    }
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_plain() {
        assert_eq!(trail_file_name("Ingrid Ås"), "trail/ingrid-s.jsonl");
        assert_eq!(trail_file_name("../../etc"), "trail/etc.jsonl");
        assert_eq!(trail_file_name("ÆØÅ"), "trail/unknown.jsonl");
        assert_eq!(trail_file_name(&"a".repeat(60)), format!("trail/{}.jsonl", "a".repeat(48)));
        assert!(is_trail_file("trail/ingrid.jsonl"));
        assert!(!is_trail_file("trail/../x.jsonl"));
        assert!(!is_trail_file("trail/a/b.jsonl"));
    }

    /// A trail kept by reading only what was appended (two people's files, a reason for an
    /// earlier decision, a reason before its decision, a torn line) equals the whole trail read
    /// again after every step; a file rewritten shorter, or a decision older than those held,
    /// asks for the whole trail.
    #[test]
    fn reading_what_was_appended_equals_reading_it_all() -> Result<()> {
        use super::super::Kind;
        let tmp = tempfile::tempdir().map_err(StoreError::io("create", Path::new("tmp")))?;
        let dir = tmp.path();
        let at = |s: i64| chrono::DateTime::from_timestamp(1_700_000_000 + s, 0).unwrap_or_default();
        let decision = |s: i64, who: &str| Decision::new(at(s), who, Kind::CodeCreated);
        let why = |s: i64, who: &str, of: &Decision, text: &str| Decision {
            refers: Some(of.id),
            why: Some(text.into()),
            ..Decision::new(at(s), who, Kind::Why)
        };
        let first = decision(1, "Ingrid");
        let later = decision(10, "Tom");
        let steps: Vec<Vec<Decision>> = vec![
            vec![first.clone(), decision(2, "Ingrid")],
            vec![decision(3, "Tom")],
            vec![why(4, "Ingrid", &first, "it recurs"), decision(5, "Ingrid")],
            vec![why(6, "Tom", &later, "asked first")],
            vec![later.clone(), why(11, "Ingrid", &first, "it recurs often")],
        ];
        let (mut kept, mut upto) = load_up_to(dir)?;
        for step in &steps {
            for d in step {
                append(dir, &d.who, std::slice::from_ref(d))?;
            }
            let (new, warnings) = read_appended(dir, &mut upto)?.unwrap_or_default();
            assert!(kept.extend(new, warnings));
            assert_eq!(kept, load(dir)?);
        }
        assert_eq!(
            kept.decisions.iter().find(|d| d.id == later.id).and_then(|d| d.why.clone()).as_deref(),
            Some("asked first")
        );
        // A torn line is left until it is ended; then read, as a warning, once.
        safe::open_write(&dir.join("trail/tom.jsonl"), std::fs::OpenOptions::new().append(true))?
            .write_all(b"{\"id\": ")
            .map_err(StoreError::io("write", dir))?;
        let (new, warnings) = read_appended(dir, &mut upto)?.unwrap_or_default();
        assert!(new.is_empty() && warnings.is_empty());
        append(dir, "Tom", &[decision(12, "Tom")])?;
        let (new, warnings) = read_appended(dir, &mut upto)?.unwrap_or_default();
        assert_eq!((new.len(), warnings.len()), (1, 1));
        assert!(kept.extend(new, warnings));
        assert_eq!(kept, load(dir)?);
        // Older than what is held: the whole trail is read again.
        append(dir, "Ingrid", &[decision(0, "Ingrid")])?;
        let (new, warnings) = read_appended(dir, &mut upto)?.unwrap_or_default();
        assert!(!kept.extend(new, warnings));
        // A file rewritten shorter: likewise.
        std::fs::write(dir.join("trail/tom.jsonl"), b"").map_err(StoreError::io("write", dir))?;
        assert_eq!(read_appended(dir, &mut upto)?, None);
        Ok(())
    }
}
