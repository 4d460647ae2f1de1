//! Pseudonymising a study before it is shared: find the names and other identifiers
//! ([`scan`]), decide a replacement for each ([`Map`]), replace them everywhere — in place as
//! one undoable edit, or into a copy of the project ([`plan`], [`write_copy`]) — with the key
//! kept apart ([`write_key`]), and check that nothing is left ([`verify`]).
//!
//! One [`Matcher`] decides what an occurrence is for all four steps: case-insensitive, whole
//! words, inflected forms included ("Kari", "Karis", "Kari's"). See docs/PSEUDONYMS.md.

mod apply;
mod map;
mod matcher;
mod scan;
mod verify;

pub use apply::{KeyRow, Plan, json_replacer, plan, remove_local_files, write_copy, write_key};
pub use map::{Map, MapEntry};
pub use matcher::{Matcher, Occurrence, key};
pub use scan::{Candidate, Context, Kind, Scan, ScanOptions, fodselsnummer_is_valid, scan};
pub use verify::{Finding, Verification, read_key, verify};

use std::path::PathBuf;

/// What an in-place pseudonymisation's undo step is called; the store forgets the undo history
/// up to such a step when it saves (see [`crate::edit::History::forget_pseudonymised`]).
pub use crate::edit::PSEUDONYMISE_PREFIX;

#[derive(Debug, thiserror::Error)]
pub enum PseudoError {
    #[error(transparent)]
    Io(#[from] crate::files::FileIo),
    #[error("{path}: {reason}")]
    Sheet { path: PathBuf, reason: String },
    #[error("the pattern {pattern:?} is not valid: {reason}")]
    Pattern { pattern: String, reason: String },
    #[error("the map: {0}")]
    Map(String),
    #[error("the key {key} would be written inside {folder}: write it somewhere apart from the project and its copy")]
    KeyInside { key: PathBuf, folder: PathBuf },
    #[error("{path} is not empty: a pseudonymised copy goes into a new folder")]
    NotEmpty { path: PathBuf },
    #[error("cancelled")]
    Cancelled,
    #[error(transparent)]
    Edit(#[from] crate::edit::EditError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl PseudoError {
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> PseudoError {
        crate::files::FileIo::on(action, path)
    }
}
