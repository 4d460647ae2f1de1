//! `tema pseudo scan|apply|verify`: pseudonymising a study (docs/PSEUDONYMS.md).

use super::basic::{open, open_for_reading};
use super::print_json;
use crate::progress::Progress;
use crate::pseudo::{self, Map, ScanOptions, Verification};
use anyhow::{Context, Result, bail};
use clap::Subcommand;
use serde_json::json;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum PseudoCommand {
    /// List candidates for pseudonymisation: participants' names and aliases, speaker names,
    /// recurring capitalised words, e-mails, phone numbers, fødselsnummer, NI numbers, URLs,
    /// street addresses and dates of birth, each with its count, forms and contexts.
    Scan {
        dir: PathBuf,
        /// A word or phrase to list too (repeatable).
        #[arg(long = "word", value_name = "WORD")]
        words: Vec<String>,
        /// A regular expression whose matches are listed too (repeatable).
        #[arg(long = "pattern", value_name = "REGEX")]
        patterns: Vec<String>,
        /// How often a capitalised word must occur where no sentence starts to be listed.
        #[arg(long, default_value_t = 2)]
        min_count: usize,
        /// Write a map to edit (original, replacement, kind, reject) with the suggestions.
        #[arg(long, value_name = "MAP.csv")]
        template: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Replace every original of a map, in the project (one step) or into a new copy, and
    /// write the key (original, replacement, place, positions) apart from both.
    #[command(group(clap::ArgGroup::new("mode").required(true).args(["in_place", "copy"])))]
    Apply {
        dir: PathBuf,
        /// The map: a CSV with the columns original and replacement (and kind, reject).
        #[arg(long, value_name = "MAP.csv")]
        map: PathBuf,
        /// Change this project. It is saved at once, which forgets the undo history and the
        /// journal so the originals leave the folder (see --no-save).
        #[arg(long)]
        in_place: bool,
        /// Write a pseudonymised copy into this new folder instead (no journal, history or
        /// index); the project is not changed.
        #[arg(long, value_name = "OUT")]
        copy: Option<PathBuf>,
        /// Where the key goes: never inside the project or the copy.
        #[arg(long, value_name = "KEY.csv")]
        key: PathBuf,
        /// With --in-place: do not save, so `tema undo` can still take it back; the originals
        /// stay in the folder until the next `tema save`.
        #[arg(long, requires = "in_place")]
        no_save: bool,
        #[arg(long)]
        json: bool,
    },
    /// Search every file under a folder for the originals of a key (case-insensitively, in
    /// inflected forms, inside Word and other zip files too). Fails when any remain.
    Verify {
        dir: PathBuf,
        #[arg(long, value_name = "KEY.csv")]
        key: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(command: PseudoCommand) -> Result<()> {
    match command {
        PseudoCommand::Scan { dir, words, patterns, min_count, template, json } => {
            scan(&dir, ScanOptions { words, patterns, min_count, ..Default::default() }, template.as_deref(), json)
        }
        PseudoCommand::Apply { dir, map, in_place, copy, key, no_save, json } => {
            apply(&dir, &map, if in_place { None } else { copy.as_deref() }, &key, no_save, json)
        }
        PseudoCommand::Verify { dir, key, json } => {
            let originals = pseudo::read_key(&key)?;
            let report = pseudo::verify(&dir, &originals)?;
            if json {
                print_json(&json!({ "originals": originals.len(), "report": report }))?;
            } else {
                print_verification(&dir, originals.len(), &report);
            }
            if !report.is_clean() {
                bail!("{} occurrence(s) of originals remain under {}", report.occurrences(), dir.display());
            }
            Ok(())
        }
    }
}

fn scan(dir: &Path, options: ScanOptions, template: Option<&Path>, json: bool) -> Result<()> {
    let store = open_for_reading(dir)?;
    let scan = pseudo::scan(store.project(), &options, &Progress::new())?;
    if let Some(path) = template {
        let map = Map::suggested(&scan.candidates);
        std::fs::write(path, map.to_csv(&[])?).with_context(|| format!("cannot write {}", path.display()))?;
    }
    if json {
        return print_json(&scan);
    }
    println!("{} candidates in {} documents ({} words):", scan.candidates.len(), scan.documents, scan.words);
    for c in &scan.candidates {
        let forms: Vec<String> = c.forms.iter().map(|(f, n)| format!("{f} {n}")).collect();
        println!(
            "{:<14} {:<30} {:>5} in {:>3} docs  [{}]  → {}",
            c.kind.label(),
            crate::terminal::clean_line(&c.original),
            c.count,
            c.documents,
            crate::terminal::clean_line(&forms.join(", ")),
            crate::terminal::clean_line(&c.suggestion)
        );
        for x in &c.contexts {
            println!(
                "    {}: …{}[{}]{}…",
                crate::terminal::clean_line(&x.doc),
                crate::terminal::clean_line(&x.before),
                crate::terminal::clean_line(&x.hit),
                crate::terminal::clean_line(&x.after)
            );
        }
    }
    if let Some(path) = template {
        println!("Wrote a map to edit to {}", path.display());
    }
    Ok(())
}

fn apply(dir: &Path, map_path: &Path, copy: Option<&Path>, key: &Path, no_save: bool, json: bool) -> Result<()> {
    let map = Map::read(map_path)?;
    let originals: Vec<String> = map.entries.iter().map(|e| e.original.clone()).collect();
    let (plan, checked) = match copy {
        Some(out) => {
            let store = open_for_reading(dir)?;
            let plan = pseudo::plan(store.project(), &map, &Progress::new())?;
            pseudo::write_key(key, &plan.key, &[dir, out])?;
            pseudo::write_copy(&plan, out).with_context(|| format!("cannot write the copy {}", out.display()))?;
            (plan, out.to_path_buf())
        }
        None => {
            let mut store = open(dir)?;
            let plan = pseudo::plan(store.project(), &map, &Progress::new())?;
            pseudo::write_key(key, &plan.key, &[dir])?;
            if let Some(edit) = plan.edit.clone() {
                store.apply(edit)?;
                // The analysis trail names things as they were: it is rewritten too.
                store.rewrite_trail(&pseudo::json_replacer(&map)?)?;
            }
            if !no_save {
                store.save()?;
                pseudo::remove_local_files(dir)?;
            }
            (plan, dir.to_path_buf())
        }
    };
    let mut all = originals;
    all.extend(plan.key.iter().map(|r| r.original.clone()));
    let report = if copy.is_none() && no_save { None } else { Some(pseudo::verify(&checked, &all)?) };
    if json {
        return print_json(&json!({
            "replaced": plan.replaced,
            "documents": plan.documents,
            "key": key,
            "key_rows": plan.key.len(),
            "copy": copy,
            "saved": copy.is_some() || !no_save,
            "left_in_place": if copy.is_none() { plan.left_in_place.clone() } else { Vec::new() },
            "verification": report,
        }));
    }
    let label = plan.edit.as_ref().map(|e| e.describe(&plan.result)).unwrap_or_else(|| "Nothing to replace".into());
    println!("{label}");
    println!("Wrote the key ({} rows) to {}: keep it apart from the data.", plan.key.len(), key.display());
    match (copy, no_save) {
        (Some(out), _) => println!("Wrote the pseudonymised copy to {}", out.display()),
        (None, false) => println!(
            "Saved: the undo history and the journal were cleared and the search index removed, \
             so the originals are no longer in {} (this step cannot be undone).",
            dir.display()
        ),
        (None, true) => println!(
            "Not saved: `tema undo` takes it back; the originals stay in the folder's history until `tema save`."
        ),
    }
    if copy.is_none() && !plan.left_in_place.is_empty() {
        println!("Not changed in place (import records of where a text came from; a copy replaces them):");
        for l in &plan.left_in_place {
            println!("  {}", crate::terminal::clean_line(l));
        }
    }
    if let Some(report) = &report {
        print_verification(&checked, all.len(), report);
    }
    Ok(())
}

fn print_verification(dir: &Path, originals: usize, report: &Verification) {
    if report.is_clean() {
        println!(
            "Verified: none of {originals} originals in {} files ({} bytes) under {}.",
            report.files,
            report.bytes,
            dir.display()
        );
        return;
    }
    println!("Found originals under {}:", dir.display());
    for f in &report.findings {
        println!(
            "  {}: {} ×{} ({})  …{}…",
            crate::terminal::clean_line(&f.file),
            crate::terminal::clean_line(&f.original),
            f.count,
            crate::terminal::clean_line(&f.forms.join(", ")),
            crate::terminal::clean_line(&f.context)
        );
    }
    for u in &report.unreadable {
        println!("  {}: cannot be read as text and may hold originals (delete it)", crate::terminal::clean_line(u));
    }
}
