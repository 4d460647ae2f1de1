//! `trail`, `checklist`, `appendix`: the analysis trail, Braun and Clarke's checklist and the
//! methods appendix (see docs/TRAIL.md).

use super::basic::{finish, open, open_for_reading};
use super::print_json;
use crate::export::appendix::{Appendix, AppendixFormat};
use crate::model::*;
use crate::trail::checklist::{answer_edit, checklist as build_checklist};
use crate::trail::{Filter, Kind, Trail, map_at};
use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use serde_json::json;
use std::path::Path;

fn parse_date(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .with_context(|| format!("{s:?} is not a date: write it as YYYY-MM-DD"))
}

fn load(dir: &Path) -> Result<Trail> {
    let trail =
        crate::trail::load(dir).with_context(|| format!("cannot read the analysis trail of {}", dir.display()))?;
    for w in &trail.warnings {
        eprintln!("warning: {}", crate::terminal::clean(w));
    }
    Ok(trail)
}

/// What `tema trail` was given.
#[derive(Debug, Clone, clap::Args)]
pub struct TrailArgs {
    /// Only decisions about this theme (its name now or an earlier one).
    #[arg(long)]
    pub theme: Option<String>,
    /// Only decisions on or after this day (YYYY-MM-DD).
    #[arg(long)]
    pub since: Option<String>,
    /// Only these kinds, separated by commas (e.g. theme_merged,theme_split).
    #[arg(long, value_delimiter = ',', value_parser = super::choice::Choice::<Kind>::new())]
    pub kind: Vec<Kind>,
    /// Only decisions this person made.
    #[arg(long)]
    pub coder: Option<String>,
    /// Also the number of codings added and removed per coder and day.
    #[arg(long)]
    pub codings: bool,
    /// Print the thematic map as it was at the end of this day (YYYY-MM-DD) instead.
    #[arg(long, value_name = "DATE")]
    pub map_at: Option<String>,
    #[arg(long)]
    pub json: bool,
}

pub fn trail(dir: &Path, args: TrailArgs) -> Result<()> {
    let store = open_for_reading(dir)?;
    let p = store.project();
    let trail = load(dir)?;
    if let Some(date) = &args.map_at {
        return print_map(p, &trail, parse_date(date)?, args.json);
    }
    let mut filter = Filter { hide_codings: !args.codings, ..Filter::default() };
    if let Some(name) = &args.theme {
        let key = name_key(name);
        let theme = p
            .theme_by_name(name)
            .or_else(|| p.themes.values().find(|t| t.props.former_names.iter().any(|f| name_key(&f.name) == key)));
        filter.subject = theme.map(|t| t.id.0);
        filter.name = Some(name.clone());
    }
    if let Some(s) = &args.since {
        filter.since = Some(parse_date(s)?);
    }
    filter.kinds = args.kind.clone();
    if filter.kinds.contains(&Kind::Codings) {
        filter.hide_codings = false;
    }
    filter.who = args.coder.clone();
    let shown: Vec<&crate::trail::Decision> = trail.filter(&filter).collect();
    if args.json {
        return print_json(&shown);
    }
    if shown.is_empty() {
        println!("No decisions recorded{}.", if trail.decisions.is_empty() { " yet" } else { " match" });
        return Ok(());
    }
    for d in shown {
        let line = format!("{}  {:<10} {}", d.at.format("%Y-%m-%d %H:%M"), d.who, d.summary());
        println!("{}", crate::terminal::clean_line(&line));
        if let Some(why) = &d.why {
            println!("{:>29}why: {}", "", crate::terminal::clean_line(why));
        }
    }
    Ok(())
}

fn print_map(p: &Project, trail: &Trail, date: NaiveDate, json: bool) -> Result<()> {
    let end = date.and_hms_opt(23, 59, 59).map(|t| t.and_utc()).context("not a day")?;
    let map = map_at(trail, end);
    if json {
        let themes: Vec<serde_json::Value> = map
            .themes
            .iter()
            .map(|(id, t)| {
                json!({
                    "id": id,
                    "name": t.name,
                    "status": t.status,
                    "parent": t.parent,
                    "codes": t.codes.iter().map(|c| map.code_label(p, *c)).collect::<Vec<_>>(),
                })
            })
            .collect();
        return print_json(&json!({ "date": date, "themes": themes }));
    }
    println!("The thematic map on {date}:");
    for (_, t, subs) in map.outline() {
        let codes: Vec<String> = t.codes.iter().map(|c| map.code_label(p, *c)).collect();
        println!("  {} [{}] {}", t.name, t.status.label().to_lowercase(), codes.join(", "));
        for (_, s) in subs {
            let codes: Vec<String> = s.codes.iter().map(|c| map.code_label(p, *c)).collect();
            println!("    {} [{}] {}", s.name, s.status.label().to_lowercase(), codes.join(", "));
        }
    }
    Ok(())
}

pub fn checklist(dir: &Path, answer: Option<u8>, text: Option<String>, json: bool) -> Result<()> {
    if let Some(n) = answer {
        let mut store = open(dir)?;
        let Some(edit) = answer_edit(store.project(), n, text.as_deref().unwrap_or("")) else {
            if !(1..=15).contains(&n) {
                bail!("the checklist has points 1 to 15, not {n}");
            }
            println!("Point {n} already has that answer.");
            return Ok(());
        };
        store.apply(edit)?;
        finish(&mut store);
        println!("Answered point {n} of the checklist.");
        return Ok(());
    }
    let store = open_for_reading(dir)?;
    let trail = load(dir)?;
    let points = build_checklist(store.project(), &trail);
    if json {
        return print_json(&points);
    }
    let mut section = "";
    for p in &points {
        if p.section != section {
            println!("\n{}", p.section);
            section = p.section;
        }
        println!("{:>3}. {}", p.number, p.criterion);
        for e in &p.evidence {
            println!("       {}", crate::terminal::clean_line(&e.text()));
        }
        match &p.answer {
            Some(a) => println!("       Author: {}", crate::terminal::clean_line(a)),
            None if p.evidence.is_empty() => {
                println!("       (your answer: tema checklist DIR --answer {} --text \"...\")", p.number)
            }
            None => {}
        }
    }
    Ok(())
}

pub fn appendix(dir: &Path, format: Option<String>, output: &Path, journal: bool) -> Result<()> {
    let format = match format.as_deref() {
        Some(f) => AppendixFormat::parse(f).with_context(|| format!("unknown format {f:?}: use docx, md or tex"))?,
        None => output
            .extension()
            .and_then(|e| e.to_str())
            .and_then(AppendixFormat::parse)
            .context("give --format docx, md or tex, or an output file ending in one of them")?,
    };
    let store = open_for_reading(dir)?;
    let trail = load(dir)?;
    let appendix = Appendix::build(store.project(), &trail, journal);
    let bytes = appendix.render(format)?;
    crate::export::write_export(output, &bytes).with_context(|| format!("cannot write {}", output.display()))?;
    println!(
        "Wrote the methods appendix ({} themes, {} decisions) to {}",
        appendix.themes.len(),
        trail.decisions.len(),
        output.display()
    );
    Ok(())
}
