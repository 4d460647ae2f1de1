//! Outside programs some checks need (pdflatex, LibreOffice). `scripts/test` installs them
//! and sets `TEMA_EXTERNAL_CHECKS=1`, under which a missing one fails the test rather than
//! skipping it; a plain `cargo test` skips with a line saying so.

/// Whether `program --version` runs; `package` is what to install when it does not.
pub fn available(program: &str, package: &str) -> bool {
    let found = std::process::Command::new(program).arg("--version").output().is_ok_and(|o| o.status.success());
    if !found {
        assert!(std::env::var_os("TEMA_EXTERNAL_CHECKS").is_none(), "{program} is needed: apt-get install {package}");
        eprintln!("skipped: {program} is not installed");
    }
    found
}
