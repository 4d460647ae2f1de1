//! Running the `tema` binary and reading what it printed, shared by the CLI tests.

use std::path::{Path, PathBuf};

/// Runs the `tema` binary as coder Ingrid (`TEMA_CODER`), as a researcher at a terminal
/// would. The one CLI runner of the integration tests.
pub fn tema(args: &[&str]) -> std::io::Result<std::process::Output> {
    std::process::Command::new(env!("CARGO_BIN_EXE_tema")).args(args).env("TEMA_CODER", "Ingrid").output()
}

/// The JSON a successful `tema … --json` printed; fails the test with its stderr otherwise.
pub fn json(out: &std::process::Output) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    assert!(out.status.success(), "failed: {}", String::from_utf8_lossy(&out.stderr));
    Ok(serde_json::from_slice(&out.stdout)?)
}

/// A new temporary folder (removed when the returned guard drops), the path of a project
/// `name` in it (not created yet), and that path as the argument the CLI takes.
pub fn project_path(name: &str) -> std::io::Result<(tempfile::TempDir, PathBuf, String)> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join(name);
    let arg = dir.to_string_lossy().into_owned();
    Ok((tmp, dir, arg))
}

/// What a run printed on stderr, as text.
pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Copies a project folder as a person would send it: everything but the lock, which
/// belongs to the running Tema on this machine.
pub fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        if entry.file_name() == ".lock" {
            continue;
        }
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// [`project_path`] with the project made there by `make` (the test file's own builder, whose
/// result is not needed): the opening of most command-line tests.
pub fn project_made<T, E: std::fmt::Display>(
    name: &str,
    make: impl FnOnce(&Path) -> Result<T, E>,
) -> anyhow::Result<(tempfile::TempDir, PathBuf, String)> {
    let (tmp, dir, arg) = project_path(name)?;
    make(&dir).map_err(|e| anyhow::anyhow!("making the project {name}: {e}"))?;
    Ok((tmp, dir, arg))
}
