//! `merge`, `agreement`, `compare`: team coding from the command line.

use super::basic::{apply_planned, open, open_for_reading};
use super::print_json;
use crate::model::*;
use crate::store::Store;
use crate::team::agreement::{AgreementOptions, agreement as compute_agreement};
use crate::team::compare::{Comparison, compare_all};
use crate::team::merge::plan_merge;
use anyhow::{Context, Result, bail};
use serde_json::json;
use std::path::Path;

/// How `tema agreement` prints its report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Table,
    Csv,
    Md,
}

/// Coders named on the command line (`--coders Ingrid,Tom`), in that order.
fn coders_by_name(p: &Project, list: Option<&str>) -> Result<Vec<CoderId>> {
    let Some(list) = list else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        match p.coder_by_name(name) {
            Some(c) => out.push(c.id),
            None => {
                let known: Vec<&str> = p.coders.values().map(|c| c.name.as_str()).collect();
                bail!("there is no coder named {name:?}; the coders are: {}", known.join(", "));
            }
        }
    }
    Ok(out)
}

fn document_by_name<'a>(p: &'a Project, dir: &Path, name: &str) -> Result<&'a Document> {
    p.document_by_name(name).with_context(|| format!("there is no document named {name:?} in {}", dir.display()))
}

pub fn merge(dir: &Path, other: &Path, dry_run: bool, json: bool) -> Result<()> {
    let same = match (dir.canonicalize(), other.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same {
        bail!("{} and {} are the same folder; name the other copy to merge from", dir.display(), other.display());
    }
    let theirs = Store::open_read_only(other).with_context(|| format!("cannot open project {}", other.display()))?;
    for w in theirs.warnings() {
        eprintln!("warning: {}: {w}", other.display());
    }
    let mut store = if dry_run { std::mem::ManuallyDrop::into_inner(open_for_reading(dir)?) } else { open(dir)? };
    let plan = plan_merge(store.project(), theirs.project());
    let applied = apply_planned(&mut store, plan.edit.as_ref(), dry_run)?;
    // Their analysis trail joins ours (union by decision, so merging again adds nothing).
    let decisions = if dry_run {
        0
    } else {
        crate::trail::merge_from(dir, other)
            .with_context(|| format!("cannot merge the analysis trail of {}", other.display()))?
    };
    let r = &plan.report;
    if json {
        return print_json(&json!({
            "from": other,
            "dry_run": dry_run,
            "applied": applied,
            "added": r.added,
            "matched": r.matched,
            "conflicts": r.conflicts,
            "trail_decisions": decisions,
        }));
    }
    let a = &r.added;
    let verb = if dry_run { "Would bring in" } else { "Brought in" };
    if r.is_noop() {
        println!("Nothing to bring in from {}: this project already holds all of it.", other.display());
    } else {
        println!(
            "{verb} from {}: {} codings, {} codes, {} themes ({} theme memberships), {} coders, {} participants, \
             {} quotes, {} memos, {} consensus entries, {} read marks.",
            other.display(),
            a.codings,
            a.codes,
            a.themes,
            a.theme_members,
            a.coders,
            a.participants,
            a.quotes,
            a.memos,
            a.consensus,
            a.read_marks
        );
        if applied {
            println!("One step: `tema undo {}` takes the whole merge back.", dir.display());
        }
    }
    if decisions > 0 {
        println!("Brought in {decisions} decisions of their analysis trail.");
    }
    let m = &r.matched;
    println!(
        "Matched {} documents by id or text ({} with another id, {} corrected in one copy), {} coders, {} codes \
         and {} themes by name, {} participants by label, {} codings already here.",
        m.documents,
        m.documents_by_text_only,
        m.documents_rebased,
        m.coders_by_name,
        m.codes_by_name,
        m.themes_by_name,
        m.participants_by_label,
        m.codings_by_content
    );
    if !r.conflicts.is_empty() {
        println!("{} things to look at (nothing here was overwritten):", r.conflicts.len());
        for c in &r.conflicts {
            println!("  - {}", c.message);
        }
    }
    Ok(())
}

#[derive(Debug, Clone, clap::Args)]
pub struct AgreementArgs {
    /// The coders to compare, separated by commas (default: every coder with codings).
    #[arg(long)]
    pub coders: Option<String>,
    /// Only this document (repeat for several).
    #[arg(long = "doc")]
    pub docs: Vec<String>,
    /// Only the documents of this set ("Wave 1"), with any named by --doc.
    #[arg(long)]
    pub set: Option<String>,
    /// Count every character as a unit, also text no coder coded.
    #[arg(long)]
    pub include_uncoded: bool,
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
    #[arg(long)]
    pub json: bool,
}

pub fn agreement(dir: &Path, args: AgreementArgs) -> Result<()> {
    let store = open_for_reading(dir)?;
    let p = store.project();
    let coders = coders_by_name(p, args.coders.as_deref())?;
    let mut docs = args.docs.iter().map(|d| document_by_name(p, dir, d).map(|d| d.id)).collect::<Result<Vec<_>>>()?;
    if let Some(name) = &args.set {
        let set = super::table::known_set(p, name)?;
        for d in crate::edit::documents_in_set(p, &set) {
            if !docs.contains(&d.id) {
                docs.push(d.id);
            }
        }
    }
    let opts = AgreementOptions { coders, docs, include_uncoded: args.include_uncoded };
    let report = compute_agreement(p, &opts)?;
    if args.json {
        return print_json(&report);
    }
    match args.format {
        ReportFormat::Table => print!("{}", report.to_table()),
        ReportFormat::Csv => print!("{}", report.to_csv()?),
        ReportFormat::Md => print!("{}", report.to_markdown()),
    }
    Ok(())
}

pub fn compare(dir: &Path, doc: &str, coders: &str, json: bool) -> Result<()> {
    let store = open_for_reading(dir)?;
    let p = store.project();
    let d = document_by_name(p, dir, doc)?;
    let coders = coders_by_name(p, Some(coders))?;
    if coders.len() < 2 {
        bail!("--coders needs two or more coder names, separated by commas (e.g. --coders Ingrid,Tom)");
    }
    let comparisons = compare_all(p, d.id, &coders)?;
    if json {
        return print_json(&json!({ "doc": d.id, "name": d.name(), "comparisons": comparisons }));
    }
    for c in &comparisons {
        print_comparison(c);
    }
    Ok(())
}

fn excerpt(text: &str) -> String {
    const MAX: usize = 60;
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= MAX {
        one_line
    } else {
        let cut: String = one_line.chars().take(MAX - 1).collect();
        format!("{cut}…")
    }
}

fn print_comparison(c: &Comparison) {
    let s = &c.summary;
    println!(
        "{}: {} (A) and {} (B) — {} agreements, {} only A, {} only B, {} with other boundaries, {} with another code; {} resolved",
        c.doc_name, c.a.name, c.b.name, s.agreements, s.only_a, s.only_b, s.boundaries, s.different_code, s.resolved
    );
    for (i, d) in c.differences.iter().enumerate() {
        let side = |v: &Option<crate::team::compare::CodingView>| match v {
            Some(v) => format!("“{}” {:?}", v.code_name, v.span),
            None => "—".to_string(),
        };
        let resolved = if d.resolved.is_some() { "  [resolved]" } else { "" };
        println!(
            "  {:>3}. {:<20} A: {:<28} B: {:<28} {:?}{resolved}",
            i + 1,
            d.kind.label(),
            side(&d.a),
            side(&d.b),
            excerpt(&d.text)
        );
    }
    let suggested: Vec<_> = c.mapping.iter().filter(|m| m.suggested).collect();
    if !suggested.is_empty() {
        println!("  Codes that seem to mean the same:");
        for m in suggested {
            println!(
                "    “{}” (A) ~ “{}” (B): Jaccard {:.2} ({} shared characters)",
                m.name_a, m.name_b, m.jaccard, m.overlap
            );
        }
    }
    for row in &c.log {
        let note = if row.entry.note.is_empty() { String::new() } else { format!(": {}", row.entry.note) };
        println!(
            "  Log {}: {} ({}){note}",
            row.entry.at.format("%Y-%m-%d"),
            row.resolution_label,
            row.entry.kind.label()
        );
    }
}
