//! REFI-QDA exchange: projects (`.qdpx`, or a bare `.qde`) and codebooks (`.qdc`) to and from
//! NVivo, ATLAS.ti, MAXQDA, QualCoder, Taguette and any conformant tool.
//!
//! - [`container`] opens the zip (or a bare `.qde`) without trusting it: size limits, no
//!   `../` names, the `.qde` and the `sources/` folder found whatever their case.
//! - [`xml`] parses the XML into a small tree matched by local name, so namespace versions
//!   (`1.0`, `0:4`, ...) and element order do not matter.
//! - [`offsets`] turns a tool's text positions (code points or UTF-16 units, CRLF as one or
//!   two) into Tema's char offsets, detecting the dialect per source.
//! - [`read`] plans an import: one batch [`Edit`](crate::edit::Edit) and a report of what
//!   came in and everything that could not.
//! - [`write`] exports a project as `.qdpx` or its codebook as `.qdc`.
//!
//! docs/EXCHANGE.md says what maps to what and why.

pub mod container;
pub mod offsets;
pub mod read;
pub mod write;
pub mod xml;

pub use container::Limits;
pub use offsets::{Crlf, Dialect, Unit};
pub use read::{
    Counts, Dropped, ImportPlan, ImportReport, import_into_new_project, plan_codebook_import, plan_project_import,
};
pub use write::{ExportReport, Profile, export_codebook, export_project, project_files, write_file};

use std::path::PathBuf;
use uuid::Uuid;

/// Why a REFI-QDA file could not be read or written. Every message names the file.
#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    #[error(transparent)]
    Io(#[from] crate::files::FileIo),
    #[error("{path}: not a REFI-QDA project archive (.qdpx): {reason}")]
    NotZip { path: PathBuf, reason: String },
    #[error("{path}: the archive holds no project file (*.qde); is it a REFI-QDA project?")]
    NoQde { path: PathBuf },
    #[error("{path}: the archive holds several project files ({names}) and none is named project.qde")]
    SeveralQde { path: PathBuf, names: String },
    #[error(
        "{path}: refused: the archive entry “{entry}” points outside the archive (a zip-slip attack or a broken archive)"
    )]
    UnsafeEntry { path: PathBuf, entry: String },
    #[error("{path}: refused: “{entry}” unpacks to {size} bytes, over the limit of {limit} bytes")]
    TooLarge { path: PathBuf, entry: String, size: u64, limit: u64 },
    #[error(
        "{path}: refused: “{entry}” unpacks to more than {ratio} times its packed size ({packed} bytes packed); it looks like a zip bomb"
    )]
    Bomb { path: PathBuf, entry: String, packed: u64, ratio: u64 },
    #[error("{path}: “{entry}” cannot be unpacked: {reason}")]
    Unpack { path: PathBuf, entry: String, reason: String },
    #[error("{path}: “{entry}” is not valid XML (line {line}): {reason}")]
    Xml { path: PathBuf, entry: String, line: usize, reason: String },
    #[error("{path}: “{entry}” is not UTF-8 text (byte {offset}); REFI-QDA files are UTF-8")]
    NotUtf8 { path: PathBuf, entry: String, offset: usize },
    #[error("{path}: the root element is <{found}>, expected <{expected}>; is it a REFI-QDA {what}?")]
    WrongRoot { path: PathBuf, found: String, expected: &'static str, what: &'static str },
    #[error("{path}: the codebook has no codes")]
    NoCodes { path: PathBuf },
    #[error("{path}: unknown file type: use a .qdpx or .qde project, or a .qdc codebook")]
    UnknownKind { path: PathBuf },
    #[error("{path}: {message}")]
    Export { path: PathBuf, message: String },
    #[error("{path}: {source}")]
    Store {
        path: PathBuf,
        #[source]
        source: crate::store::StoreError,
    },
    /// The work was cancelled (the app's Cancel button).
    #[error("cancelled")]
    Cancelled,
    #[error("the import does not fit the project: {0}")]
    Edit(#[from] crate::edit::EditError),
}

impl ExchangeError {
    pub(crate) fn io(action: &'static str, path: &std::path::Path) -> impl FnOnce(std::io::Error) -> Self {
        crate::files::FileIo::on(action, path)
    }
}

/// What kind of REFI-QDA file a path is, by its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// `.qdpx` (a zip) or a bare `.qde`.
    Project,
    /// `.qdc`.
    Codebook,
}

impl FileKind {
    pub fn of(path: &std::path::Path) -> Option<FileKind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "qdpx" | "qde" => Some(FileKind::Project),
            "qdc" => Some(FileKind::Codebook),
            _ => None,
        }
    }
}

/// A GUID compared the way REFI-QDA asks: lower case, braces stripped.
pub(crate) fn guid_key(guid: &str) -> String {
    guid.trim().trim_start_matches('{').trim_end_matches('}').to_ascii_lowercase()
}

/// The UUID a REFI GUID spells, if it is a valid one.
pub(crate) fn guid_uuid(guid: &str) -> Option<Uuid> {
    Uuid::parse_str(&guid_key(guid)).ok()
}

/// A GUID derived from what it stands for, so that exporting twice gives the same GUIDs.
pub(crate) fn derived_guid(kind: &str, key: &str) -> Uuid {
    let hash = blake3::hash(format!("tema-refi:{kind}:{key}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&hash.as_bytes()[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}
