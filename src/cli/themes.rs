//! `themes` (list the themes with status, definition, codes and counts) and `theme add`.

use super::basic::{finish, open, open_for_reading};
use super::print_json;
use crate::analysis::themes::{GroupBy, review, summaries};
use crate::edit::themes::plan_theme;
use crate::model::*;
use anyhow::{Result, bail};
use serde_json::json;
use std::collections::HashMap;
use std::path::Path;

/// Themes in tree order: each main theme followed by its subthemes, with their depth.
pub fn tree(p: &Project) -> Vec<(usize, &Theme)> {
    fn walk<'a>(p: &'a Project, parent: Option<ThemeId>, depth: usize, out: &mut Vec<(usize, &'a Theme)>) {
        for t in p.theme_children(parent) {
            out.push((depth, t));
            if depth < p.themes.len() {
                walk(p, Some(t.id), depth + 1, out);
            }
        }
    }
    let mut out = Vec::with_capacity(p.themes.len());
    walk(p, None, 0, &mut out);
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

pub fn list(dir: &Path, coders: &super::CodersFlag, json: bool) -> Result<()> {
    let store = open_for_reading(dir)?;
    let p = store.project();
    let scope = coders.scope(p)?;
    let counts: HashMap<ThemeId, _> = summaries(p, &scope).into_iter().map(|s| (s.id, s)).collect();
    let rows = tree(p);
    if json {
        let items: Vec<serde_json::Value> = rows
            .iter()
            .map(|(depth, t)| {
                let c = counts.get(&t.id);
                // Review marks per extract in the scope, as Review shows them (a mark on any
                // of an extract's codings is the extract's), not per coding.
                let (fits, misfits) = if t.review.is_empty() {
                    (0, 0)
                } else {
                    let r = review(p, t.id, GroupBy::Subtheme, &scope);
                    (r.fits, r.does_not_fit)
                };
                json!({
                    "id": t.id,
                    "name": t.name(),
                    "parent": t.parent.and_then(|id| p.themes.get(&id)).map(|x| x.name()),
                    "depth": depth,
                    "status": t.status(),
                    "definition": t.props.definition,
                    "former_names": t.props.former_names,
                    "codes": t.codes.iter().filter_map(|c| p.codes.get(c)).map(|c| c.name()).collect::<Vec<_>>(),
                    "extracts": c.map_or(0, |c| c.extracts),
                    "participants": c.map_or(0, |c| c.participants),
                    "documents": c.map_or(0, |c| c.documents),
                    "quotes": c.map_or(0, |c| c.quotes),
                    "fits": fits,
                    "does_not_fit": misfits,
                })
            })
            .collect();
        return print_json(&items);
    }
    if rows.is_empty() {
        println!("No themes yet; create one with `tema theme add {} NAME --codes A,B`", dir.display());
        return Ok(());
    }
    for (depth, t) in rows {
        let c = counts.get(&t.id);
        let indent = "  ".repeat(depth);
        println!(
            "{indent}{} [{}] — {}, {}, {}, {}",
            t.name(),
            t.status().label().to_lowercase(),
            plural(c.map_or(0, |c| c.extracts), "extract"),
            plural(c.map_or(0, |c| c.participants), "participant"),
            plural(c.map_or(0, |c| c.documents), "document"),
            plural(c.map_or(0, |c| c.quotes), "quote"),
        );
        if !t.props.definition.concept.trim().is_empty() {
            println!("{indent}    {}", t.props.definition.concept.trim());
        }
        let codes: Vec<&str> = t.codes.iter().filter_map(|c| p.codes.get(c)).map(|c| c.name()).collect();
        if !codes.is_empty() {
            println!("{indent}    codes: {}", codes.join(", "));
        }
    }
    Ok(())
}

/// What `tema theme add` was given.
#[derive(Debug, Clone, clap::Args)]
pub struct AddArgs {
    /// The theme's name.
    pub name: String,
    /// Member codes by name, comma-separated (they must exist).
    #[arg(long, value_delimiter = ',')]
    pub codes: Vec<String>,
    /// Make it a subtheme of this theme.
    #[arg(long)]
    pub parent: Option<String>,
    /// Where it stands (default: candidate).
    #[arg(long, value_parser = super::choice::Choice::<ThemeStatus>::new())]
    pub status: Option<ThemeStatus>,
    /// The central organising concept, in one sentence.
    #[arg(long)]
    pub definition: Option<String>,
    #[arg(long)]
    pub json: bool,
}

pub fn add(dir: &Path, args: AddArgs) -> Result<()> {
    let mut store = open(dir)?;
    let p = store.project();
    let name = args.name.trim();
    if let Some(t) = p.theme_by_name(name) {
        bail!("there is already a theme named “{}”", t.name());
    }
    let mut new = Theme::new(ThemeId::new(), name);
    for c in args.codes.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        let Some(code) = p.code_by_name(c) else {
            bail!("there is no code named {c:?} (codes are matched by name, ignoring case; see the codebook)");
        };
        new.codes.push(code.id);
    }
    if let Some(parent) = &args.parent {
        let Some(t) = p.theme_by_name(parent) else {
            bail!("there is no theme named {parent:?} to put “{name}” under (see `tema themes`)");
        };
        new.parent = Some(t.id);
    }
    if let Some(status) = args.status {
        new.props.status = status;
    }
    new.props.definition.concept = args.definition.unwrap_or_default().trim().to_string();
    let (id, status) = (new.id, new.status());
    // Subthemes go right after their main theme's family, as on the board.
    let edit = plan_theme(p, new)?;
    store.apply(edit)?;
    finish(&mut store);
    let codes = store.project().themes.get(&id).map_or(0, |t| t.codes.len());
    if args.json {
        return print_json(&json!({ "id": id, "name": name, "status": status, "codes": codes }));
    }
    let under = args.parent.as_deref().map(|p| format!(" under “{}”", p.trim())).unwrap_or_default();
    println!("Created {} theme “{name}”{under} with {}", status.label().to_lowercase(), plural(codes, "code"));
    Ok(())
}
