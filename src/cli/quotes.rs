//! `quotes`, `report`, `codebook` (exports for the paper), `quote add`, `quote list` and
//! `attribution` (the project's attribution scheme).

use super::basic::{Passage, finish, open, open_for_reading};
use super::print_json;
use crate::edit::Edit;
use crate::edit::quotes::{QuoteHome, plan_quote};
use crate::export::report::{self, Audience, Format, Kind, Options, Request, Translations};
use crate::model::*;
use crate::progress::Progress;
use crate::quotes::{self, Attributor, Placement};
use anyhow::{Context, Result, bail};
use serde_json::json;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Options shared by the three export commands (quotes, report, codebook).
#[derive(Debug, clap::Args)]
pub struct ExportFlags {
    /// docx, md, tex, html or csv (default: from the output file's extension).
    #[arg(long)]
    pub format: Option<String>,
    /// The file to write (default: standard output).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// For translated quotes: both (translation, original beneath), only, or hide.
    #[arg(long, value_name = "both|only|hide")]
    pub translations: Option<String>,
    /// Also themes set aside as parked.
    #[arg(long)]
    pub include_parked: bool,
    /// A working copy for the team: also sources, positions, word counts, stars, notes,
    /// theme status, themes without quotes and the codebook's counts. Without it the export
    /// is for the paper: quotes, attribution, cuts and clarifications, translation.
    #[arg(long)]
    pub working: bool,
    /// Whose codings: the codebook counts their extracts, the quotes keep theirs.
    #[command(flatten)]
    pub coders: super::CodersFlag,
}

fn parse_format(args: &ExportFlags, kind: Kind) -> Result<Format> {
    let format = match (&args.format, &args.output) {
        (Some(f), _) => Format::parse(f).with_context(|| format!("unknown format {f:?}"))?,
        (None, Some(path)) => Format::from_path(path)
            .with_context(|| format!("cannot tell the format from {}; give --format", path.display()))?,
        (None, None) => bail!("give --format (one of: {})", names(kind.formats())),
    };
    if !kind.formats().contains(&format) {
        bail!("a {} cannot be written as {}; use one of: {}", kind.label(), format.label(), names(kind.formats()));
    }
    Ok(format)
}

fn names(formats: &[Format]) -> String {
    formats.iter().map(|f| f.extension()).collect::<Vec<_>>().join(", ")
}

fn parse_translations(s: Option<&str>) -> Result<Translations> {
    Ok(match s.map(|s| s.trim().to_lowercase()) {
        None => Translations::Both,
        Some(s) => match s.as_str() {
            "both" => Translations::Both,
            "only" | "translation" => Translations::Only,
            "hide" | "none" | "original" => Translations::Hide,
            _ => bail!("--translations must be both, only or hide, not {s:?}"),
        },
    })
}

/// Runs an export: to `-o FILE` (written all or nothing), else to standard output.
pub fn export(dir: &Path, kind: Kind, theme: Option<&str>, args: ExportFlags, examples: Option<usize>) -> Result<()> {
    let store = open_for_reading(dir)?;
    let p = store.project();
    let kind = match (kind, theme) {
        (Kind::Quotes { .. }, Some(name)) => {
            let t = p
                .theme_by_name(name)
                .with_context(|| format!("there is no theme named {name:?} in {}", dir.display()))?;
            Kind::Quotes { theme: Some(t.id) }
        }
        (kind, _) => kind,
    };
    let format = parse_format(&args, kind)?;
    let mut options = Options {
        audience: if args.working { Audience::Working } else { Audience::Paper },
        translations: parse_translations(args.translations.as_deref())?,
        include_parked: args.include_parked,
        coders: args.coders.scope(p)?,
        ..Options::default()
    };
    if let Some(n) = examples {
        options.examples_per_code = n;
    }
    let request = Request { kind, format, options };
    let progress = Progress::new();
    let summary = match &args.output {
        Some(path) => report::export_to_file(p, &request, path, &progress)
            .with_context(|| format!("cannot export the {} to {}", kind.label(), path.display()))?,
        None => {
            if format.is_binary() && std::io::stdout().is_terminal() {
                bail!("a {} file is not text; give -o FILE (or redirect the output to a file)", format.label());
            }
            let (bytes, summary) = report::export(p, &request, &progress)?;
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)?;
            out.flush()?;
            summary
        }
    };
    let what = match kind {
        Kind::Codebook => format!("{} codes", summary.codes),
        _ => format!("{} quotes in {} themes", summary.quotes, summary.themes),
    };
    let what = format!("{what}, {}", request.options.coders.label(p));
    let to = args.output.as_ref().map(|p| p.display().to_string()).unwrap_or_else(|| "standard output".into());
    eprintln!(
        "Wrote the {} ({what}, {}, {}) to {to}",
        kind.label(),
        format.label(),
        request.options.audience.label().to_lowercase()
    );
    Ok(())
}

/// What `tema quote add` was given.
#[derive(Debug, Clone, clap::Args)]
pub struct AddArgs {
    /// The theme or subtheme the quote illustrates.
    #[arg(long)]
    pub theme: String,
    #[command(flatten)]
    pub passage: Passage,
    /// Leave out START:END, shown as [...] (repeatable).
    #[arg(long = "cut", value_name = "START:END")]
    pub cuts: Vec<String>,
    /// Add words in brackets at POS; at a cut's start they replace it (repeatable).
    #[arg(long = "insert", value_name = "POS:TEXT")]
    pub inserts: Vec<String>,
    #[arg(long)]
    pub translation: Option<String>,
    /// Mark it as the strongest quote of its theme.
    #[arg(long)]
    pub star: bool,
    #[arg(long)]
    pub note: Option<String>,
    #[arg(long)]
    pub json: bool,
}

fn parse_cut(s: &str) -> Result<Span> {
    let (a, b) = s.split_once(':').with_context(|| format!("--cut takes START:END, not {s:?}"))?;
    let a: usize = a.trim().parse().with_context(|| format!("--cut {s:?}: {a:?} is not a position"))?;
    let b: usize = b.trim().parse().with_context(|| format!("--cut {s:?}: {b:?} is not a position"))?;
    Ok(Span::new(a, b))
}

fn parse_insert(s: &str) -> Result<Insertion> {
    let (pos, text) = s.split_once(':').with_context(|| format!("--insert takes POS:TEXT, not {s:?}"))?;
    let at: usize = pos.trim().parse().with_context(|| format!("--insert {s:?}: {pos:?} is not a position"))?;
    Ok(Insertion { at: CharPos(at), text: text.to_string() })
}

pub fn add(dir: &Path, args: AddArgs) -> Result<()> {
    let mut store = open(dir)?;
    let p = store.project();
    let theme = p
        .theme_by_name(&args.theme)
        .with_context(|| format!("there is no theme named {:?} in {}", args.theme, dir.display()))?;
    let (doc, span) = args.passage.resolve(p, dir)?;
    let mut props = QuoteProps {
        span,
        insertions: args.inserts.iter().map(|s| parse_insert(s)).collect::<Result<_>>()?,
        translation: args.translation.unwrap_or_default(),
        starred: args.star,
        note: args.note.unwrap_or_default(),
        ..QuoteProps::default()
    };
    // Overlapping or touching cuts merge into one, as in the app.
    for cut in &args.cuts {
        props.add_cut(parse_cut(cut)?);
    }
    let theme_name = theme.name().to_string();
    let (id, edit) = plan_quote(p, doc.id, None, props, QuoteHome::Theme(theme.id))?;
    store.apply(edit)?;
    finish(&mut store);
    let p = store.project();
    let q = p.quotes.get(&id).context("the quote was not added")?;
    let info = quotes::describe_one(p, q)?;
    if args.json {
        return print_json(&quote_json(p, q, &info));
    }
    println!("Added a quote to “{theme_name}” ({}): {}", info.attribution.label, info.display.trim());
    Ok(())
}

fn quote_json(p: &Project, q: &Quote, info: &quotes::QuoteInfo) -> serde_json::Value {
    json!({
        "id": q.id,
        "theme": p.themes.get(&q.theme).map(|t| t.name()),
        "theme_path": quotes::theme_path(p, q.theme),
        "doc": p.documents.get(&q.doc).map(|d| d.name()),
        "coding": q.coding,
        "start": q.props.span.start,
        "end": q.props.span.end,
        "text": info.source,
        "display": info.display,
        "segments": info.text.segments.iter().map(|s| json!({
            "kind": format!("{:?}", s.kind).to_lowercase(),
            "start": s.source.start,
            "end": s.source.end,
            "text": s.text,
        })).collect::<Vec<_>>(),
        "words": info.words,
        "translation": info.translation,
        "translation_words": info.translation_words,
        "placement": match info.placement { Placement::Inline => "inline", Placement::Block => "block" },
        "attribution": info.attribution.label,
        "speakers": info.attribution.speakers.iter()
            .filter_map(|id| p.participants.get(id)).map(|x| x.label()).collect::<Vec<_>>(),
        "starred": info.starred,
        "note": info.note,
    })
}

pub fn list(dir: &Path, theme: Option<&str>, json: bool) -> Result<()> {
    let store = open_for_reading(dir)?;
    let p = store.project();
    let root = match theme {
        Some(name) => Some(
            p.theme_by_name(name).with_context(|| format!("there is no theme named {name:?} in {}", dir.display()))?.id,
        ),
        None => None,
    };
    let attributor = Attributor::new(p);
    let mut rows = Vec::new();
    for (t, depth) in quotes::theme_outline(p, root, true) {
        let name = p.themes.get(&t).map(|t| t.name()).unwrap_or_default();
        if !json {
            println!("{}{name}", "  ".repeat(depth));
        }
        for q in quotes::quotes_of(p, t) {
            let info = quotes::describe(p, &attributor, q)?;
            if json {
                rows.push(quote_json(p, q, &info));
            } else {
                let star = if info.starred { "★ " } else { "" };
                println!("{}  {star}“{}” ({})", "  ".repeat(depth), info.display.trim(), info.attribution.label);
            }
        }
    }
    if json {
        print_json(&rows)?;
    }
    Ok(())
}

/// What `tema attribution` was given; nothing set prints the scheme.
#[derive(Debug, Clone, clap::Args)]
pub struct SchemeArgs {
    /// A group's label template, e.g. `Jobseeker=J{n}` or `Employer=EMP` (repeatable).
    #[arg(long = "group", value_name = "GROUP=TEMPLATE")]
    pub groups: Vec<String>,
    /// The template for groups without their own (default `{label}`).
    #[arg(long = "default", value_name = "TEMPLATE")]
    pub default_template: Option<String>,
    /// Attribute participants who have a pseudonym by it: yes or no.
    #[arg(long, value_name = "yes|no")]
    pub pseudonyms: Option<String>,
    /// The label of a focus-group quote (default `{doc}, {speakers}`).
    #[arg(long, value_name = "TEMPLATE")]
    pub focus_group: Option<String>,
    /// The label of a quote without a participant (default `{doc}`).
    #[arg(long, value_name = "TEMPLATE")]
    pub unattributed: Option<String>,
    /// Between the labels of several speakers (default `/`).
    #[arg(long)]
    pub separator: Option<String>,
    /// Quotes of this many words or more are block quotes (default 40, as APA).
    #[arg(long)]
    pub block_words: Option<usize>,
    #[arg(long)]
    pub json: bool,
}

fn parse_bool(s: &str) -> Result<bool> {
    match s.trim().to_lowercase().as_str() {
        "yes" | "on" | "true" | "1" => Ok(true),
        "no" | "off" | "false" | "0" => Ok(false),
        _ => bail!("--pseudonyms takes yes or no, not {s:?}"),
    }
}

pub fn scheme(dir: &Path, args: SchemeArgs) -> Result<()> {
    let changes = !args.groups.is_empty()
        || args.default_template.is_some()
        || args.pseudonyms.is_some()
        || args.focus_group.is_some()
        || args.unattributed.is_some()
        || args.separator.is_some()
        || args.block_words.is_some();
    let mut store = if changes { open(dir)? } else { std::mem::ManuallyDrop::into_inner(open_for_reading(dir)?) };
    if changes {
        let mut settings = store.project().settings.clone();
        let q = &mut settings.quotes;
        for g in &args.groups {
            let (group, template) =
                g.split_once('=').with_context(|| format!("--group takes GROUP=TEMPLATE, not {g:?}"))?;
            q.attribution.set_group(group, template.trim());
        }
        if let Some(t) = args.default_template {
            q.attribution.default_template = t;
        }
        if let Some(b) = args.pseudonyms {
            q.attribution.use_pseudonyms = parse_bool(&b)?;
        }
        if let Some(t) = args.focus_group {
            q.attribution.focus_group_template = t;
        }
        if let Some(t) = args.unattributed {
            q.attribution.unattributed_template = t;
        }
        if let Some(s) = args.separator {
            q.attribution.speaker_separator = s;
        }
        if let Some(n) = args.block_words {
            q.block_words = n;
        }
        store.apply(Edit::SetSettings { settings })?;
        finish(&mut store);
    }
    let p = store.project();
    let s = &p.settings.quotes;
    let attributor = Attributor::new(p);
    let labels: Vec<(String, String, String)> = p
        .participants
        .values()
        .map(|x| (x.label().to_string(), x.group().to_string(), attributor.participant_label(x, None)))
        .collect();
    if args.json {
        return print_json(&json!({
            "block_words": s.block_words,
            "scheme": s.attribution,
            "participants": labels.iter().map(|(l, g, a)| json!({ "label": l, "group": g, "attribution": a }))
                .collect::<Vec<_>>(),
        }));
    }
    let a = &s.attribution;
    println!("Block quotes from {} words", s.block_words);
    for g in &a.groups {
        println!("  {:<24} {}", g.group, g.template);
    }
    println!("  {:<24} {}", "(other groups)", a.default_template);
    println!("  {:<24} {}", "focus groups", a.focus_group_template);
    println!("  {:<24} {}", "unattributed", a.unattributed_template);
    println!("  pseudonyms: {}", if a.use_pseudonyms { "used where set" } else { "not used" });
    for (label, group, shown) in labels {
        println!("    {label:<10} {group:<24} → {shown}");
    }
    Ok(())
}
