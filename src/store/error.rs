//! What can go wrong with a project folder. Every message names the file and says what to do.

use crate::edit::EditError;
use crate::files::FileIo;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Io(#[from] FileIo),
    #[error("{path} is not valid Tema project data: {reason}")]
    Corrupt { path: PathBuf, reason: String },
    #[error("{path} is not a Tema project (no project.json); create one with `tema new`")]
    NotAProject { path: PathBuf },
    #[error("{path} already exists and is not empty; choose a new folder for the project")]
    NotEmpty { path: PathBuf },
    #[error("the project {path} is open in another Tema ({holder}); close it there first, or open this copy read-only")]
    Locked { path: PathBuf, holder: String },
    #[error(
        "the project {path} was written by a newer Tema (format {found}, this Tema reads up to {supported}); update Tema"
    )]
    NewerFormat { path: PathBuf, found: u32, supported: u32 },
    #[error("the project is open read-only; nothing can be changed")]
    ReadOnly,
    #[error(
        "{path} {reason}; Tema does not follow links or open special files inside a project folder \
         (replace it with a regular file or folder)"
    )]
    Unsafe { path: PathBuf, reason: String },
    #[error(
        "the project {path} is damaged: {}; it can be opened read-only. Restore the file{} (from a backup, \
         the other copy or git), or accept the loss with `tema repair {} --accept-loss`",
        .damage.join("; "),
        if .damage.len() == 1 { "" } else { "s" },
        .path.display()
    )]
    Damaged { path: PathBuf, damage: Vec<String> },
    #[error(
        "the text of {} in {path} changed outside Tema (edited, cut short or replaced); the project can be \
         opened read-only, with what no longer matches unanchored. Run `tema repair {}` to re-anchor each coding \
         where its text is found again, or restore the text file{} from a backup",
        .documents.join(", "),
        .path.display(),
        if .documents.len() == 1 { "" } else { "s" }
    )]
    TextsChanged { path: PathBuf, documents: Vec<String> },
    #[error("the project is being saved already; wait for that save to finish")]
    SaveRunning,
    #[error("the save stopped before it finished; your changes are safe in the journal and the next save writes them")]
    SaveStopped,
    #[error(transparent)]
    Edit(#[from] EditError),
}

impl StoreError {
    /// Whether the project can still be opened read-only after this error from opening it
    /// for writing: another Tema holds it, files are damaged, or the folder (or the medium it
    /// is on) cannot be written.
    pub fn allows_reading(&self) -> bool {
        match self {
            StoreError::Locked { .. } | StoreError::Damaged { .. } | StoreError::TextsChanged { .. } => true,
            StoreError::Io(FileIo { source, .. }) => {
                matches!(source.kind(), std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem)
                    || source.raw_os_error() == Some(30)
            } // EROFS, where the kind is not mapped
            _ => false,
        }
    }

    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> StoreError {
        FileIo::on(action, path)
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
