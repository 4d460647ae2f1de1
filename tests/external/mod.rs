//! Outside programs that some checks need (LibreOffice, pdflatex, pdftotext, the Python
//! reference implementations), and the one rule for when one is missing:
//!
//! - `TEMA_EXTERNAL_CHECKS=1` (set by `scripts/test`, which CI runs): the program is
//!   required, and a missing one fails the test that needed it;
//! - unset (a plain `cargo test`): the check is skipped and recorded, and when the test
//!   binary exits it prints one line to stderr naming what was skipped, e.g.
//!   `tema: 2 outside-program checks SKIPPED (pdflatex, soffice) — run scripts/test`;
//! - any other value is an error, so a typo (`TEMA_EXTERNAL_CHECKS=yes`, `=0`) never turns
//!   the checks off silently.
//!
//! Every check that needs one asks [`available`] first and returns early when it says no.
#![allow(dead_code)]

use std::process::Command;
use std::sync::{Mutex, Once};

/// An outside program: how to find out that it works, and what installs it.
pub struct Tool {
    /// The name in messages and in the summary line.
    pub name: &'static str,
    /// A command that succeeds only when the tool can do its job.
    pub probe: &'static [&'static str],
    /// What installs it.
    pub install: &'static str,
}

pub const SOFFICE: Tool =
    Tool { name: "soffice", probe: &["soffice", "--version"], install: "apt-get install libreoffice-writer" };
/// pdflatex with booktabs (the table exports use it).
pub const PDFLATEX: Tool = Tool {
    name: "pdflatex",
    probe: &["kpsewhich", "booktabs.sty"],
    install: "apt-get install texlive-latex-recommended",
};
pub const PDFTOTEXT: Tool =
    Tool { name: "pdftotext", probe: &["pdftotext", "-v"], install: "apt-get install poppler-utils" };
pub const PYTHON_REFERENCE: Tool = Tool {
    name: "python3 (krippendorff, scikit-learn, numpy)",
    probe: &["python3", "-c", "import krippendorff, sklearn, numpy"],
    install: "python3 -m pip install krippendorff scikit-learn numpy",
};

/// Whether outside programs are required (`TEMA_EXTERNAL_CHECKS=1`) or may be skipped
/// (unset). Panics on any other value.
pub fn required() -> bool {
    match std::env::var("TEMA_EXTERNAL_CHECKS") {
        Ok(v) if v == "1" => true,
        Err(std::env::VarError::NotPresent) => false,
        Ok(other) => panic!(
            "TEMA_EXTERNAL_CHECKS={other:?}: it must be 1 (outside programs required) or unset (skipped, \
             with a summary line); no other value is accepted"
        ),
        Err(e) => panic!("TEMA_EXTERNAL_CHECKS is not valid text: {e}"),
    }
}

/// What this test binary skipped and ran, for the line printed at exit.
static RECORD: Mutex<Record> = Mutex::new(Record { skipped: Vec::new(), ran: Vec::new() });
static AT_EXIT: Once = Once::new();

struct Record {
    /// (tool, test) of every skipped check.
    skipped: Vec<(&'static str, String)>,
    ran: Vec<(&'static str, String)>,
}

/// Whether every one of `tools` works. When one does not: under `TEMA_EXTERNAL_CHECKS=1`
/// this panics (the test fails, naming what to install); otherwise the skip is recorded for
/// the summary at exit and `false` is returned, and the caller returns without checking.
pub fn available(tools: &[&Tool]) -> bool {
    let required = required();
    AT_EXIT.call_once(|| {
        // SAFETY: `atexit` is the C library's; the handler is a plain function that only
        // locks a static and writes to stderr, and is registered once.
        unsafe {
            atexit(print_summary);
        }
    });
    let test = std::thread::current().name().unwrap_or("?").to_string();
    let missing: Vec<&Tool> = tools.iter().copied().filter(|t| !works(t)).collect();
    let mut record = RECORD.lock().unwrap_or_else(|e| e.into_inner());
    if missing.is_empty() {
        record.ran.extend(tools.iter().map(|t| (t.name, test.clone())));
        return true;
    }
    let names: Vec<String> = missing.iter().map(|t| format!("{} ({})", t.name, t.install)).collect();
    assert!(!required, "{test}: TEMA_EXTERNAL_CHECKS=1 but this check needs {}", names.join(", "));
    eprintln!("SKIPPED {test}: needs {}; run scripts/test to run it", names.join(", "));
    record.skipped.extend(missing.iter().map(|t| (t.name, test.clone())));
    false
}

fn works(tool: &Tool) -> bool {
    let Some((program, args)) = tool.probe.split_first() else { return false };
    Command::new(program).args(args).output().is_ok_and(|o| o.status.success())
}

unsafe extern "C" {
    fn atexit(f: extern "C" fn()) -> std::os::raw::c_int;
}

extern "C" fn print_summary() {
    use std::io::Write;
    let record = RECORD.lock().unwrap_or_else(|e| e.into_inner());
    let names = |list: &[(&'static str, String)]| {
        let mut names: Vec<&str> = list.iter().map(|(t, _)| *t).collect();
        names.sort_unstable();
        names.dedup();
        names.join(", ")
    };
    let mut err = std::io::stderr().lock();
    if !record.ran.is_empty() {
        let tests: std::collections::BTreeSet<&str> = record.ran.iter().map(|(_, t)| t.as_str()).collect();
        let _ = writeln!(err, "tema: {} outside-program checks ran ({})", tests.len(), names(&record.ran));
    }
    if !record.skipped.is_empty() {
        let tests: std::collections::BTreeSet<&str> = record.skipped.iter().map(|(_, t)| t.as_str()).collect();
        let _ = writeln!(
            err,
            "tema: {} outside-program checks SKIPPED ({}): {} — run scripts/test to run them",
            tests.len(),
            names(&record.skipped),
            tests.into_iter().collect::<Vec<_>>().join(", ")
        );
    }
}

/// The text of a PDF as `pdftotext` reads it (an independent reader: poppler), with words
/// broken at a line end by a hyphen joined again and every run of white space made one space.
pub fn pdf_text(pdf: &std::path::Path) -> Result<String, String> {
    let text = pdf_lines(pdf, false)?;
    Ok(text.replace("-\n", "").split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The text of a PDF as `pdftotext` writes it, lines kept; with `layout`, laid out as on the
/// page (`-layout`), so that a check can see what stands on one line.
pub fn pdf_lines(pdf: &std::path::Path, layout: bool) -> Result<String, String> {
    let mut command = Command::new("pdftotext");
    command.args(["-enc", "UTF-8"]);
    if layout {
        command.arg("-layout");
    }
    let out = command.arg(pdf).arg("-").output().map_err(|e| format!("pdftotext: {e}"))?;
    if !out.status.success() {
        return Err(format!("pdftotext {}: {}", pdf.display(), String::from_utf8_lossy(&out.stderr)));
    }
    String::from_utf8(out.stdout).map_err(|e| format!("pdftotext wrote no UTF-8: {e}"))
}

/// Converts `input` with LibreOffice (`soffice --headless --convert-to to`, with a profile of
/// its own in `out_dir`, so that runs do not share one) into `out_dir`, and returns the
/// converted file's path; fails with what soffice printed.
pub fn soffice_convert(
    input: &std::path::Path,
    to: &str,
    out_dir: &std::path::Path,
) -> Result<std::path::PathBuf, String> {
    let profile = out_dir.join("lo-profile");
    let out = Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--convert-to", to, "--outdir"])
        .arg(out_dir)
        .arg(input)
        .output()
        .map_err(|e| format!("soffice: {e}"))?;
    if !out.status.success() {
        return Err(format!("soffice failed on {}: {}", input.display(), String::from_utf8_lossy(&out.stderr)));
    }
    let ext = to.split(':').next().unwrap_or(to);
    let stem = input.file_stem().ok_or_else(|| format!("{} has no file name", input.display()))?;
    Ok(out_dir.join(stem).with_extension(ext))
}
