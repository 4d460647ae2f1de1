//! Checking a folder for originals: every file under it, as bytes decoded as text, and the
//! parts of zip-based files (Word, OpenDocument, spreadsheets, REFI-QDA projects) one by one,
//! case-insensitively and in inflected forms, with the same [`Matcher`] that replaced them.

use super::{Matcher, PseudoError};
use serde::Serialize;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Parts of zip files larger than this are not read (a hostile file could claim any size).
const MAX_PART: u64 = 512 << 20;

/// Originals found in one file (or one part of a zip file).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Relative to the checked folder; a zip part as `file.docx!word/document.xml`.
    pub file: String,
    pub original: String,
    /// The spellings found.
    pub forms: Vec<String>,
    pub count: usize,
    /// The first hit with up to 40 characters either side.
    pub context: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub files: usize,
    pub bytes: u64,
    pub findings: Vec<Finding>,
    /// Files that could not be read as text (a search index's compressed store, a damaged zip
    /// file); they may still hold originals and are named so the user can remove them.
    pub unreadable: Vec<String>,
}

impl Verification {
    /// No original anywhere, and nothing left unread.
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty() && self.unreadable.is_empty()
    }

    pub fn occurrences(&self) -> usize {
        self.findings.iter().map(|f| f.count).sum()
    }
}

/// The originals listed in a key file written by [`super::write_key`] (its `original` column).
pub fn read_key(path: &Path) -> Result<Vec<String>, PseudoError> {
    let bytes = std::fs::read(path).map_err(PseudoError::io("read", path))?;
    let sheet = |reason: String| PseudoError::Sheet { path: path.to_path_buf(), reason };
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes.as_slice());
    let headers = reader.headers().map_err(|e| sheet(e.to_string()))?.clone();
    let Some(col) = headers.iter().position(|h| h.trim().eq_ignore_ascii_case("original")) else {
        return Err(sheet("the first line must name an `original` column".into()));
    };
    let mut out: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for row in reader.records() {
        let row = row.map_err(|e| sheet(e.to_string()))?;
        if let Some(o) = row.get(col).map(str::trim).filter(|o| !o.is_empty())
            && seen.insert(super::key(o))
        {
            out.push(o.to_string());
        }
    }
    Ok(out)
}

/// Searches every file under `dir` for `originals` (symbolic links are not followed).
pub fn verify(dir: &Path, originals: &[String]) -> Result<Verification, PseudoError> {
    let matcher = Matcher::new(originals)?;
    let mut out = Verification::default();
    walk(dir, dir, &matcher, originals, &mut out)?;
    out.findings.sort_by(|a, b| a.file.cmp(&b.file).then_with(|| a.original.cmp(&b.original)));
    Ok(out)
}

fn walk(root: &Path, dir: &Path, m: &Matcher, originals: &[String], out: &mut Verification) -> Result<(), PseudoError> {
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).map_err(PseudoError::io("read", dir))?.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
        let rel = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().into_owned();
        if meta.is_dir() {
            walk(root, &path, m, originals, out)?;
        } else if meta.is_file() {
            let bytes = std::fs::read(&path).map_err(PseudoError::io("read", &path))?;
            out.files += 1;
            out.bytes += bytes.len() as u64;
            if bytes.starts_with(b"PK\x03\x04") {
                check_zip(&rel, &bytes, m, originals, out);
            } else {
                check(&rel, &String::from_utf8_lossy(&bytes), m, originals, out);
                // The search index keeps its text compressed: bytes cannot show what it holds.
                let in_index = Path::new(&rel).starts_with(crate::index::INDEX_DIR);
                if in_index && !rel.ends_with(".json") && !out.unreadable.iter().any(|u| u == crate::index::INDEX_DIR) {
                    out.unreadable.push(crate::index::INDEX_DIR.to_string());
                }
            }
        }
    }
    Ok(())
}

fn check_zip(rel: &str, bytes: &[u8], m: &Matcher, originals: &[String], out: &mut Verification) {
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        out.unreadable.push(rel.to_string());
        return;
    };
    for i in 0..zip.len() {
        let Ok(part) = zip.by_index(i) else {
            out.unreadable.push(rel.to_string());
            return;
        };
        let name = format!("{rel}!{}", part.name().unwrap_or_default());
        let mut data = Vec::new();
        if part.take(MAX_PART).read_to_end(&mut data).is_err() {
            out.unreadable.push(name);
            continue;
        }
        let text = String::from_utf8_lossy(&data);
        check(&name, &text, m, originals, out);
        // Word and OpenDocument text sits between tags; names split by markup are found
        // once the tags are taken out.
        if name.ends_with(".xml") {
            let plain = strip_tags(&text);
            let before = out.findings.len();
            check(&name, &plain, m, originals, out);
            dedupe(out, before);
        }
    }
}

/// Findings added after `from` that repeat an earlier one for the same file and original.
fn dedupe(out: &mut Verification, from: usize) {
    let later = out.findings.split_off(from);
    for f in later {
        if !out.findings.iter().any(|g| g.file == f.file && g.original == f.original) {
            out.findings.push(f);
        }
    }
}

fn strip_tags(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut in_tag = false;
    for c in xml.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn check(file: &str, text: &str, m: &Matcher, originals: &[String], out: &mut Verification) {
    let mut by_original: Vec<(usize, Vec<String>, usize, String)> = Vec::new();
    for o in m.find(text) {
        let form = text[o.start..o.end].to_string();
        match by_original.iter_mut().find(|x| x.0 == o.original) {
            Some(x) => {
                x.2 += 1;
                if !x.1.contains(&form) {
                    x.1.push(form);
                }
            }
            None => {
                let before: String = {
                    let b: Vec<char> = text[..o.start].chars().rev().take(40).collect();
                    b.into_iter().rev().collect()
                };
                let after: String = text[o.end..].chars().take(40).collect();
                let context = format!("{before}{form}{after}").replace(['\n', '\r'], " ");
                by_original.push((o.original, vec![form], 1, context));
            }
        }
    }
    for (i, forms, count, context) in by_original {
        let original = originals.get(i).cloned().unwrap_or_default();
        out.findings.push(Finding { file: file.to_string(), original, forms, count, context });
    }
}
