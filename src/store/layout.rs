//! The names of the files and folders in a project folder: the one place that spells them,
//! below both the snapshot (which reads and writes them) and the migrations (which name the
//! project file in their errors), so neither has to import the other for them.

pub const PROJECT_FILE: &str = "project.json";
pub const HISTORY_FILE: &str = "history.json";
pub const COMMIT_FILE: &str = "commit.json";
pub const CONSENSUS_FILE: &str = "consensus.json";
/// Format 1 kept the coders in one file; format 2 keeps each in their own codings file.
pub const LEGACY_CODERS_FILE: &str = "coders.json";
pub const TEXTS_DIR: &str = "texts";
pub const CODINGS_DIR: &str = "codings";
/// Added after format 1 without a format change: a project without it has no summaries.
pub const FRAMEWORK_FILE: &str = "framework.json";
/// Local to this copy: how many items each file of the last save held (see `snapshot`).
pub const MANIFEST_FILE: &str = "manifest.json";
/// Stops git from converting line endings in the project's files (a CRLF conversion changes
/// every checksum).
pub const GITATTRIBUTES: &str =
    "# Tema's files are compared byte for byte: never convert their line endings.\n* -text\n";

/// What a fresh project folder ignores when it is put under git: everything local to one copy.
pub const GITIGNORE: &str = "# Local to this copy of the project; Tema rebuilds or recovers them.\n.lock\njournal.jsonl\njournal.*.jsonl\nhistory.json\nmanifest.json\ncommit.json\n*.new\n*.tmp\nindex/\n";
