//! Power loss, modelled from the system calls the store makes.
//!
//! A SIGKILL (tests/crash.rs) keeps everything the process wrote, fsynced or not: the page
//! cache survives. A power cut does not: only what was fsynced is on the disk. This test runs
//! `tema stress` (edits, undo, redo and snapshots) under `strace` and replays the trace
//! against the rules that make a write survive a power cut, at every moment the program
//! acknowledges something (`ack K` after a step, `saved` after a snapshot):
//!
//! 1. every file of the project written since it was last fsynced has been fsynced again
//!    (a write not fsynced is lost with the power);
//! 2. a file is fsynced before it is renamed over another (or the new name may point at
//!    empty or partial content after the cut);
//! 3. the folder of every rename has been fsynced after it (or the rename itself is lost).
//!
//! Dropping any one fsync of the store breaks one of these at the next acknowledgement.
//! Needs `strace`; `tests/external` decides whether its absence fails or skips.

mod external;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The path strace prints for a descriptor (`3</tmp/x/journal.jsonl>`) in an argument list.
fn fd_path(args: &str) -> Option<&str> {
    let start = args.find('<')? + 1;
    let end = start + args[start..].find('>')?;
    Some(&args[start..end])
}

/// The quoted strings of an argument list, in order.
fn quoted(args: &str) -> Vec<String> {
    args.split('"').skip(1).step_by(2).map(str::to_string).collect()
}

/// Checks a trace; returns the number of acknowledgements checked, or the first broken rule.
fn check(trace: &str, dir: &Path) -> Result<usize, String> {
    let ours = |p: &str| Path::new(p).starts_with(dir) && !p.ends_with(".lock");
    let mut unsynced: BTreeSet<String> = BTreeSet::new();
    let mut unsynced_dirs: BTreeSet<String> = BTreeSet::new();
    let mut acks = 0;
    for (n, line) in trace.lines().enumerate() {
        // "PID syscall(args) = result"
        let Some(call) = line.split_once(' ').map(|(_, rest)| rest.trim_start()) else { continue };
        let Some((name, args)) = call.split_once('(') else { continue };
        if call.ends_with("= -1") || call.contains(" = -1 ") {
            continue; // failed calls change nothing
        }
        match name {
            "write" | "writev" | "pwrite64" => {
                let Some(path) = fd_path(args) else { continue };
                if path.starts_with("pipe:") {
                    // stdout: an acknowledgement?
                    let text = quoted(args).concat();
                    if text.starts_with("ack ") || text.starts_with("saved") {
                        acks += 1;
                        if let Some(f) = unsynced.first() {
                            return Err(format!(
                                "line {}: {text:?} acknowledged with {f} written but not fsynced",
                                n + 1
                            ));
                        }
                        if let Some(d) = unsynced_dirs.first() {
                            return Err(format!(
                                "line {}: {text:?} acknowledged after a rename in {d} without fsyncing the folder",
                                n + 1
                            ));
                        }
                    }
                } else if ours(path) {
                    unsynced.insert(path.to_string());
                }
            }
            "ftruncate" => {
                if let Some(path) = fd_path(args).filter(|p| ours(p)) {
                    unsynced.insert(path.to_string());
                }
            }
            "fsync" | "fdatasync" => {
                if let Some(path) = fd_path(args) {
                    unsynced.remove(path);
                    unsynced_dirs.remove(path);
                }
            }
            "rename" | "renameat" | "renameat2" => {
                let names = quoted(args);
                let [from, to] = [names.first(), names.get(1)];
                let (Some(from), Some(to)) = (from, to) else { continue };
                if !ours(to) {
                    continue;
                }
                if unsynced.remove(from) {
                    return Err(format!("line {}: {from} renamed to {to} before it was fsynced", n + 1));
                }
                let parent = Path::new(to).parent().map(|p| p.display().to_string()).unwrap_or_default();
                unsynced_dirs.insert(parent);
            }
            _ => {}
        }
    }
    Ok(acks)
}

#[test]
fn every_acknowledgement_survives_a_power_cut() -> Result<(), Box<dyn std::error::Error>> {
    const STRACE: external::Tool =
        external::Tool { name: "strace", probe: &["strace", "-V"], install: "apt-get install strace" };
    if !external::available(&[&STRACE]) {
        return Ok(());
    }
    let tmp = tempfile::tempdir()?;
    let dir: PathBuf = tmp.path().canonicalize()?.join("power.tema");
    let trace = tmp.path().join("trace.txt");
    // The project is created and opened once, then opened again: both paths are traced.
    for start in [0u64, 60] {
        let out = Command::new("strace")
            .args(["-f", "-y", "-s", "64", "-o"])
            .arg(&trace)
            .args(["-e", "trace=write,writev,pwrite64,ftruncate,fsync,fdatasync,rename,renameat,renameat2"])
            .arg(env!("CARGO_BIN_EXE_tema"))
            .args(["stress", &dir.to_string_lossy(), "--seed", "3", "--start", &start.to_string(), "--count", "60"])
            .args(["--save-every", "7"])
            .output()?;
        assert!(out.status.success(), "stress failed: {}", String::from_utf8_lossy(&out.stderr));
        let text = std::fs::read_to_string(&trace)?;
        let acks = check(&text, &dir).map_err(|e| format!("run from step {start}: {e}"))?;
        // 60 steps acknowledged, and a snapshot after each step k with k + 1 a multiple of 7:
        // 8 in steps 0..60 (7, 14, ..., 56), 9 in steps 60..120 (63, 70, ..., 119).
        let saves = (start + 1..=start + 60).filter(|k| k % 7 == 0).count();
        assert_eq!(saves, if start == 0 { 8 } else { 9 });
        assert_eq!(acks, 60 + saves, "run from step {start}: acknowledgements seen in the trace");
    }
    Ok(())
}

#[test]
fn the_trace_rules_catch_what_they_name() {
    let dir = Path::new("/p");
    // A write acknowledged before its fsync.
    let t = "1 write(3</p/journal.jsonl>, \"{}\\n\", 3) = 3\n1 write(1<pipe:[9]>, \"ack 0\\n\", 6) = 6\n";
    assert!(check(t, dir).is_err_and(|e| e.contains("not fsynced")));
    let t = "1 write(3</p/journal.jsonl>, \"{}\\n\", 3) = 3\n1 fdatasync(3</p/journal.jsonl>) = 0\n\
             1 write(1<pipe:[9]>, \"ack 0\\n\", 6) = 6\n";
    assert_eq!(check(t, dir), Ok(1));
    // A rename before the fsync of the renamed file.
    let t = "1 write(3</p/a.json.tmp>, \"x\", 1) = 1\n\
             1 renameat2(AT_FDCWD</>, \"/p/a.json.tmp\", AT_FDCWD</>, \"/p/a.json\", 0) = 0\n";
    assert!(check(t, dir).is_err_and(|e| e.contains("before it was fsynced")));
    // A rename whose folder is not fsynced before the acknowledgement.
    let t = "1 write(3</p/a.json.tmp>, \"x\", 1) = 1\n1 fsync(3</p/a.json.tmp>) = 0\n\
             1 rename(\"/p/a.json.tmp\", \"/p/a.json\") = 0\n1 write(1<pipe:[9]>, \"saved\\n\", 6) = 6\n";
    assert!(check(t, dir).is_err_and(|e| e.contains("without fsyncing the folder")));
    let t = "1 write(3</p/a.json.tmp>, \"x\", 1) = 1\n1 fsync(3</p/a.json.tmp>) = 0\n\
             1 rename(\"/p/a.json.tmp\", \"/p/a.json\") = 0\n1 fsync(4</p>) = 0\n\
             1 write(1<pipe:[9]>, \"saved\\n\", 6) = 6\n";
    assert_eq!(check(t, dir), Ok(1));
}
