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
use std::collections::HashSet;
use std::io::Write;
use std::path::Path;
use uuid::Uuid;

pub const TRAIL_DIR: &str = "trail";

/// The file of a person's decisions, relative to the project folder: `trail/<slug>.jsonl`,
/// the slug made of the name's ASCII letters and digits (as coders' files are named).
pub fn trail_file_name(who: &str) -> String {
    let mut slug = String::new();
    for c in who.trim().chars() {
        let c = if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' };
        if !(c == '-' && (slug.is_empty() || slug.ends_with('-'))) {
            slug.push(c);
        }
    }
    let slug: String = slug.chars().take(48).collect();
    let slug = slug.trim_end_matches('-');
    format!("{TRAIL_DIR}/{}.jsonl", if slug.is_empty() { "unknown" } else { slug })
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
    if decisions.is_empty() {
        return Ok(());
    }
    let mut text = String::new();
    for d in decisions {
        text.push_str(&encode(d)?);
        text.push('\n');
    }
    append_lines(dir, &trail_file_name(who), &text)
}

fn append_lines(dir: &Path, rel: &str, text: &str) -> Result<()> {
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
    f.sync_data().map_err(StoreError::io("sync", &path))
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
    let text = String::from_utf8_lossy(&bytes);
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i, l.trim_end_matches('\r')))
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
    Ok(out)
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
    let mut warnings = Vec::new();
    let mut all = Vec::new();
    for rel in files(dir)? {
        all.extend(read_file(dir, &rel, &mut warnings)?.into_iter().map(|(d, _)| d));
    }
    Ok(Trail::from_decisions(all, warnings))
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
            append_lines(ours, &rel, &text)?;
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
        assert!(is_trail_file("trail/ingrid.jsonl"));
        assert!(!is_trail_file("trail/../x.jsonl"));
        assert!(!is_trail_file("trail/a/b.jsonl"));
    }
}
