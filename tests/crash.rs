//! Kill a writer at random moments; every acknowledged edit must survive.
//!
//! A child `tema stress` process applies a deterministic stream of edits (with snapshots
//! every few steps, so some kills land mid-snapshot) and prints `ack K` once step K is on
//! disk. The test SIGKILLs it after a random delay, reopens the project, and checks that it
//! equals the in-memory replay of the stream up to the last acknowledged step — or one step
//! further, when the kill landed between the fsync and the print.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use tema::cli::stress;
use tema::edit::History;
use tema::model::Project;
use tema::store::Store;

mod common;
use common::canonical;

const KILLS: usize = 220;

#[test]
fn every_acknowledged_edit_survives_sigkill() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("crash.tema");
    let seed = 7;
    // States after each step, computed in-process: states[n] is the project after n steps.
    let mut project = Project::new("stress");
    let mut history = History::default();
    let t0 = chrono::DateTime::from_timestamp(1_600_000_000, 0).unwrap_or_default();
    history.apply(&mut project, stress::base_edit(), None, t0)?;
    let mut states = vec![canonical(&project)];
    let mut applied: u64 = 0; // steps the project on disk holds
    let mut rng = 0x5eed_u64;
    let mut kills = 0;
    let mut mid_step = 0; // kills after which the in-flight step had reached the disk
    let started = Instant::now();
    while kills < KILLS {
        rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let delay = Duration::from_micros(2_000 + (rng >> 33) % 25_000);
        let mut child = Command::new(env!("CARGO_BIN_EXE_tema"))
            .args(["stress", &dir.to_string_lossy(), "--seed", &seed.to_string(), "--start", &applied.to_string()])
            .args(["--count", "100000", "--save-every", "7"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (tx, rx) = mpsc::channel();
        let (ready_tx, ready_rx) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line == "ready" {
                    let _ = ready_tx.send(());
                } else if let Some(k) = line.strip_prefix("ack ").and_then(|k| k.parse::<u64>().ok()) {
                    let _ = tx.send(k);
                }
            }
        });
        // Most kills land while edits stream; one in eight lands during start-up and
        // recovery, before the child says it is ready.
        if !rng.is_multiple_of(8) {
            ready_rx.recv_timeout(Duration::from_secs(60)).map_err(|_| "the stress child never became ready")?;
        }
        std::thread::sleep(delay);
        child.kill()?; // SIGKILL on Unix
        kills += 1;
        let status = child.wait()?;
        let _ = reader.join();
        let acked: Vec<u64> = rx.try_iter().collect();
        if status.success() {
            return Err("the stress child finished before it was killed; raise --count".into());
        }
        let last_ack = acked.last().map(|k| k + 1).unwrap_or(applied);
        // Extend the in-process replay far enough to compare.
        while (states.len() as u64) <= last_ack + 1 {
            let k = states.len() as u64 - 1;
            stress::apply_in_memory(seed, k, &mut project, &mut history);
            states.push(canonical(&project));
        }
        let store = match Store::open(&dir) {
            Ok(s) => s,
            // Killed before the project folder was created at all.
            Err(tema::store::StoreError::NotAProject { .. }) if applied == 0 && acked.is_empty() => {
                let _ = std::fs::remove_dir_all(&dir);
                continue;
            }
            Err(e) => return Err(format!("kill {kills}: project does not open: {e}").into()),
        };
        let on_disk = canonical(store.project());
        drop(store);
        if applied == 0 && acked.is_empty() && on_disk == canonical(&Project::new("stress")) {
            // Killed after creating the folder but before the first step.
            let _ = std::fs::remove_dir_all(&dir);
            continue;
        }
        if on_disk == states[last_ack as usize] {
            applied = last_ack;
        } else if on_disk == states[last_ack as usize + 1] {
            applied = last_ack + 1;
            mid_step += 1;
        } else {
            return Err(format!(
                "kill {kills}: the project on disk matches neither step {last_ack} (last acknowledged) nor the one after"
            )
            .into());
        }
    }
    eprintln!(
        "{kills} kills in {:.1}s, {applied} steps survived, {mid_step} kills landed after a write but before its ack",
        started.elapsed().as_secs_f64()
    );
    assert!(applied > 50, "too few steps ran to mean anything: {applied}");
    Ok(())
}
