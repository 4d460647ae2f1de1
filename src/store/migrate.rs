//! Upgrading project folders written by older versions of Tema.
//!
//! Each format change adds one step to [`STEPS`]: a function that takes the project file's
//! JSON (and the folder, when files move) in format N and returns it in format N+1. A project
//! from any earlier version is brought forward one step at a time when it is opened, and
//! written back in the current format at the next snapshot. Format 1 is the first format.
//!
//! Files that move between formats are read in both layouts by the loader (see `snapshot`),
//! and the next save writes the new layout and deletes the old files in the same all-or-nothing
//! commit; a step never rewrites files in place, so a crash while opening cannot damage them.
//!
//! - 1 → 2: `project.json` no longer carries the snapshot id and journal sequence number
//!   (they changed at every save, so two copies synced through git always conflicted there);
//!   a snapshot is named by a digest of its files, kept in the journal header. Coders move
//!   from `coders.json` into their own `codings/<slug>.json`, with their read marks (which
//!   leave `documents.json`). The old id is kept as `legacy_snapshot` for one opening, so a
//!   journal written by format 1 on top of it is still replayed.

use super::error::{Result, StoreError};
use super::layout::PROJECT_FILE;
use serde_json::Value;
use std::path::Path;

/// A migration from format N to N+1.
pub type Step = fn(&Path, Value) -> Result<Value>;

/// `STEPS[i]` upgrades format `i + 1` to `i + 2`.
pub const STEPS: &[Step] = &[v1_to_v2];

/// The format written by this version of Tema: one after the last step's, so a format change
/// cannot be made without its migration.
pub const FORMAT: u32 = STEPS.len() as u32 + 1;

/// Format 2 names snapshots by content; keep format 1's id and sequence number aside for the
/// journal that may have been written on top of them.
fn v1_to_v2(_: &Path, mut value: Value) -> Result<Value> {
    if let Some(o) = value.as_object_mut() {
        if let Some(id) = o.remove("snapshot") {
            o.insert("legacy_snapshot".into(), id);
        }
        if let Some(seq) = o.remove("seq") {
            o.insert("legacy_seq".into(), seq);
        }
    }
    Ok(value)
}

/// Brings the project file's JSON from format `found` up to [`FORMAT`].
pub fn upgrade(dir: &Path, found: u32, value: Value) -> Result<Value> {
    run(STEPS, dir, found, value)
}

fn run(steps: &[Step], dir: &Path, found: u32, mut value: Value) -> Result<Value> {
    if found == 0 {
        return Err(StoreError::Corrupt { path: dir.join(PROJECT_FILE), reason: "it has no format version".into() });
    }
    for step in steps.iter().skip(found as usize - 1) {
        value = step(dir, value)?;
    }
    if let Some(obj) = value.as_object_mut() {
        obj.insert("format".into(), Value::from(steps.len() as u64 + 1));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn rename_title(_: &Path, mut v: Value) -> Result<Value> {
        if let Some(o) = v.as_object_mut()
            && let Some(t) = o.remove("title")
        {
            o.insert("name".into(), t);
        }
        Ok(v)
    }

    fn add_language(_: &Path, mut v: Value) -> Result<Value> {
        if let Some(o) = v.as_object_mut() {
            o.entry("language").or_insert(Value::from("english"));
        }
        Ok(v)
    }

    #[test]
    fn steps_run_from_the_found_version_onwards() {
        let steps: &[Step] = &[rename_title, add_language];
        let dir = PathBuf::from("/nowhere");
        let v1 = serde_json::json!({"format": 1, "title": "Study"});
        let up = run(steps, &dir, 1, v1).unwrap_or_default();
        assert_eq!(up, serde_json::json!({"format": 3, "name": "Study", "language": "english"}));
        // A format-2 file skips the first step.
        let v2 = serde_json::json!({"format": 2, "title": "kept"});
        let up = run(steps, &dir, 2, v2).unwrap_or_default();
        assert_eq!(up, serde_json::json!({"format": 3, "title": "kept", "language": "english"}));
    }

    #[test]
    fn format_1_keeps_its_snapshot_id_aside() {
        let v1 = serde_json::json!({"format": 1, "snapshot": "abc", "seq": 7, "settings": {"name": "S"}});
        let up = upgrade(Path::new("/p"), 1, v1).unwrap_or_default();
        assert_eq!(
            up,
            serde_json::json!({"format": 2, "legacy_snapshot": "abc", "legacy_seq": 7, "settings": {"name": "S"}})
        );
    }

    #[test]
    fn a_file_without_format_is_refused() {
        let err = run(&[], Path::new("/p"), 0, serde_json::json!({}));
        assert!(matches!(err, Err(StoreError::Corrupt { .. })));
    }
}
