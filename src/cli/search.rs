//! `search`, `index`, `code-hits`, `similar`.

use super::basic::{CoderFlag, Passage, apply_planned, open, open_for_reading};
use super::print_json;
use crate::index::query::Filter;
use crate::index::*;
use crate::model::*;
use anyhow::{Context as _, Result, bail};
use serde_json::{Value, json};
use std::io::IsTerminal;
use std::path::Path;

/// Filters and options shared by `search` and `code-hits`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct SearchArgs {
    /// Only passages by participants in this group (repeat for several).
    #[arg(long)]
    pub group: Vec<String>,
    /// Only this document, by name (repeat for several).
    #[arg(long)]
    pub doc: Vec<String>,
    /// Only turns by this speaker or participant label (repeat for several).
    #[arg(long)]
    pub speaker: Vec<String>,
    /// Only documents of this kind.
    #[arg(long, value_parser = super::choice::Choice::<DocKind>::new())]
    pub kind: Option<DocKind>,
    /// Only matches in text nobody has coded yet (with --coder: that coder has not coded).
    #[arg(long)]
    pub uncoded: bool,
    /// Only matches inside text coded with this code (or a code below it).
    #[arg(long, value_name = "CODE")]
    pub within: Option<String>,
}

impl SearchArgs {
    /// The request for a query with these options. Several values of one option mean any
    /// of them: they are OR-ed into the query.
    fn request(&self, p: &Project, query: &str, coder: Option<CoderId>) -> Result<SearchRequest> {
        let mut query = query.to_string();
        let mut filters = Vec::new();
        for (field, values) in [("group", &self.group), ("doc", &self.doc), ("speaker", &self.speaker)] {
            match values.len() {
                0 => {}
                1 => filters.push(Filter::new(field, &values[0])),
                _ => {
                    let any: Vec<String> =
                        values.iter().map(|v| format!("{field}:\"{}\"", v.replace('"', ""))).collect();
                    query = format!("({query}) ({})", any.join(" OR "));
                }
            }
        }
        if let Some(k) = &self.kind {
            filters.push(Filter::new("kind", k.slug()));
        }
        if self.uncoded && self.within.is_some() {
            bail!("use either --uncoded or --within, not both");
        }
        let coding = if self.uncoded {
            CodingFilter::Uncoded { coder }
        } else if let Some(name) = &self.within {
            let code = p.code_by_name(name).with_context(|| format!("there is no code named {name:?}"))?;
            CodingFilter::WithinCode { code: code.id, coder }
        } else {
            CodingFilter::None
        };
        for d in &self.doc {
            if p.document_by_name(d).is_none() {
                eprintln!("warning: there is no document named {d:?}");
            }
        }
        Ok(SearchRequest { query, filters, coding, ..Default::default() })
    }
}

/// Opens the project's index and brings it up to date, showing progress on a terminal.
/// Falls back to an index in memory when the project folder cannot be written.
pub(crate) fn open_index(dir: &Path, project: &Project) -> Result<SearchIndex> {
    let language = project.settings.language;
    let index = match SearchIndex::open(dir, language) {
        Ok((index, report)) => {
            if let Some(n) = report.notice() {
                eprintln!("note: {n}");
            }
            index
        }
        Err(e @ IndexError::Io { .. }) => {
            eprintln!("note: {e}; searching with an index in memory");
            SearchIndex::in_memory(language)?
        }
        Err(e) => return Err(e.into()),
    };
    if index.is_read_only() {
        if !index.is_current(project) {
            eprintln!("warning: the search index is being updated by another Tema and may miss recent changes");
        }
        return Ok(index);
    }
    sync(&index, project)?;
    Ok(index)
}

/// Searches; if the index fails (damaged files, a panic in the index library), discards it,
/// rebuilds it and searches again, so a search never fails because of the index.
pub(crate) fn search_repairing(
    dir: &Path,
    project: &Project,
    index: SearchIndex,
    request: &crate::index::SearchRequest,
) -> Result<(SearchIndex, crate::index::SearchResults)> {
    match crate::index::search(&index, project, request) {
        Err(e) if e.is_damage() => {
            eprintln!("note: the search index failed ({e}); rebuilding it");
            drop(index);
            let fresh = match SearchIndex::rebuild(dir, project.settings.language) {
                Ok(i) => i,
                Err(_) => SearchIndex::in_memory(project.settings.language)?,
            };
            sync(&fresh, project)?;
            let results = crate::index::search(&fresh, project, request)?;
            Ok((fresh, results))
        }
        other => Ok((index, other?)),
    }
}

fn sync(index: &SearchIndex, project: &Project) -> Result<SyncReport> {
    let plan = index.plan(project);
    if plan.is_empty() {
        return Ok(SyncReport { unchanged: plan.unchanged, ..Default::default() });
    }
    let show = std::io::stderr().is_terminal();
    let report = index.sync(project, &super::import::terminal_progress(show));
    if show {
        eprint!("\r\x1b[K");
    }
    let report = report?;
    Ok(report)
}

#[allow(clippy::too_many_arguments)]
pub fn search(
    dir: &Path,
    query: &str,
    args: &SearchArgs,
    coder: Option<String>,
    limit: usize,
    order: Order,
    context: usize,
    json: bool,
) -> Result<()> {
    let store = open_for_reading(dir)?;
    let p = store.project();
    let coder = match coder {
        Some(name) => Some(p.coder_by_name(&name).with_context(|| format!("there is no coder named {name:?}"))?.id),
        None => None,
    };
    let mut request = args.request(p, query, coder)?;
    request.order = order;
    request.limit = (limit > 0).then_some(limit);
    request.context_chars = context;
    let index = open_index(dir, p)?;
    let (_index, results) = search_repairing(dir, p, index, &request)?;
    for n in &results.notes {
        eprintln!("note: {n}");
    }
    let rows = rows(p, &results, limit);
    if json {
        return print_json(&json!({
            "query": query,
            "order": order,
            "passages": results.total,
            "documents": results.documents.iter().map(|d| json!({ "document": d.name, "passages": d.passages })).collect::<Vec<_>>(),
            "hits": rows,
            "notes": results.notes,
        }));
    }
    print_human(&results, &rows);
    Ok(())
}

/// One JSON object per match (a passage without matches, from a query of filters only,
/// is one hit spanning the passage). At most `limit` of them (0: all).
fn rows(p: &Project, results: &SearchResults, limit: usize) -> Vec<Value> {
    let mut out = Vec::new();
    for h in &results.hits {
        let passage = json!({ "start": h.passage.start, "end": h.passage.end });
        let base = json!({
            "document": h.doc_name,
            "doc_id": h.doc,
            "kind": h.kind.slug(),
            "speaker": h.speaker,
            "participant": h.participant_label,
            "group": h.group,
            "turn": h.turn,
            "passage": passage,
            "score": h.score,
        });
        let mut push = |start: CharPos, end: CharPos, text: &str, c: Option<&Context>| {
            let mut row = base.clone();
            if let Value::Object(m) = &mut row {
                m.insert("start".into(), json!(start));
                m.insert("end".into(), json!(end));
                m.insert("text".into(), json!(text));
                m.insert("before".into(), json!(c.map(|c| c.before.as_str()).unwrap_or("")));
                m.insert("after".into(), json!(c.map(|c| c.after.as_str()).unwrap_or("")));
                let context = c.map(|c| c.marked(text, "**", "**")).unwrap_or_else(|| format!("**{text}**"));
                m.insert("context".into(), json!(context));
            }
            out.push(row);
        };
        if h.matches.is_empty() {
            let text = p.documents.get(&h.doc).and_then(|d| d.slice(h.passage)).unwrap_or_default();
            push(h.passage.start, h.passage.end, text, None);
        }
        for m in &h.matches {
            push(m.span.start, m.span.end, &m.text, Some(&m.context));
        }
    }
    if limit > 0 {
        out.truncate(limit);
    }
    out
}

fn print_human(results: &SearchResults, rows: &[Value]) {
    let tty = std::io::stdout().is_terminal();
    let (open, close) = if tty { ("\x1b[1;33m", "\x1b[0m") } else { ("**", "**") };
    let docs = results.documents.len();
    println!(
        "{} {} in {docs} {} ({} shown, {:.1} ms)",
        results.total,
        if results.total == 1 { "passage" } else { "passages" },
        if docs == 1 { "document" } else { "documents" },
        rows.len(),
        results.elapsed.as_secs_f64() * 1000.0
    );
    let mut last_doc = String::new();
    for r in rows {
        let s = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let doc = s("document");
        if doc != last_doc {
            let n = results.documents.iter().find(|d| d.name == doc).map_or(0, |d| d.passages);
            println!("\n{doc} ({n} {})", if n == 1 { "passage" } else { "passages" });
            last_doc = doc;
        }
        let who = match (r.get("speaker").and_then(Value::as_str), r.get("group").and_then(Value::as_str)) {
            (Some(sp), Some(g)) => format!("{sp} [{g}]"),
            (Some(sp), None) => sp.to_string(),
            _ => "—".to_string(),
        };
        let text = s("text").replace('\n', " ");
        let before = s("before").replace('\n', " ");
        let after = s("after").replace('\n', " ");
        let start = r.get("start").and_then(Value::as_u64).unwrap_or(0);
        println!("  {who:<18} {start:>8}  {before}{open}{text}{close}{after}");
    }
}

pub fn index(dir: &Path, rebuild: bool, json: bool) -> Result<()> {
    let store = open_for_reading(dir)?;
    let p = store.project();
    let (index, report) = SearchIndex::open(dir, p.settings.language)?;
    if let Some(n) = report.notice() {
        eprintln!("note: {n}");
    }
    if index.is_read_only() {
        bail!("another Tema is updating the search index of {}; close it there first", dir.display());
    }
    if rebuild && report.rebuilt.is_none() {
        index.clear()?;
    }
    let done = sync(&index, p)?;
    let snapshot = index.snapshot();
    let m = snapshot.manifest();
    let secs = done.elapsed.as_secs_f64();
    let mb_s = if secs > 0.0 { done.bytes as f64 / 1e6 / secs } else { 0.0 };
    if json {
        return print_json(&json!({
            "path": index.path(),
            "documents": m.docs.len(),
            "passages": m.units(),
            "bytes": m.bytes(),
            "indexed": done.indexed,
            "removed": done.removed,
            "unchanged": done.unchanged,
            "seconds": secs,
            "mb_per_second": mb_s,
            "index_bytes": index.size_on_disk(),
            "rebuilt": report.rebuilt.as_ref().map(|r| r.to_string()),
        }));
    }
    println!(
        "Search index of {}: {} documents, {} passages, {:.1} MB of text, {:.1} MB on disk",
        dir.display(),
        m.docs.len(),
        m.units(),
        m.bytes() as f64 / 1e6,
        index.size_on_disk() as f64 / 1e6
    );
    if done.changed() {
        println!(
            "  indexed {} documents ({:.1} MB) in {:.2} s ({mb_s:.0} MB/s); removed {}; {} unchanged",
            done.indexed,
            done.bytes as f64 / 1e6,
            secs,
            done.removed,
            done.unchanged
        );
    } else {
        println!("  up to date");
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub fn code_hits(
    dir: &Path,
    query: &str,
    args: &SearchArgs,
    code: &str,
    scope: Scope,
    coder: &CoderFlag,
    dry_run: bool,
    json: bool,
) -> Result<()> {
    if code.trim().is_empty() {
        bail!("--code needs a code name");
    }
    let mut store = open(dir)?;
    let p = store.project();
    let coder_name = coder.name();
    let options = CodeHitsOptions::named(p, code, &coder_name, scope)?;
    // --uncoded and --within look at this coder's codings.
    let filter_coder = (!options.creates_coder()).then_some(options.coder);
    let mut request = args.request(p, query, filter_coder)?;
    request.limit = None;
    let index = open_index(dir, p)?;
    let (_index, results) = search_repairing(dir, p, index, &request)?;
    let code_created = options.creates_code();
    let plan = plan_code_hits(p, &results.hits, options);
    let passages: Vec<Value> = plan
        .spans
        .iter()
        .map(|(doc, span)| {
            let d = p.documents.get(doc);
            json!({
                "document": d.map(|d| d.name()),
                "start": span.start,
                "end": span.end,
                "text": d.and_then(|d| d.slice(*span)),
            })
        })
        .collect();
    let coded = plan.spans.len();
    let applied = apply_planned(&mut store, plan.edit.as_ref(), dry_run)?;
    if json {
        return print_json(&json!({
            "query": query,
            "code": code.trim(),
            "code_created": code_created && applied,
            "coder": coder_name,
            "scope": scope,
            "coded": coded,
            "skipped": plan.skipped,
            "dry_run": dry_run,
            "passages": passages,
        }));
    }
    let verb = if dry_run { "Would code" } else { "Coded" };
    println!(
        "{verb} {coded} {} as “{}” ({} scope, coder {coder_name}); {} already coded",
        if coded == 1 { "passage" } else { "passages" },
        code.trim(),
        scope.slug(),
        plan.skipped
    );
    if applied {
        println!("Undo with: tema undo {}", dir.display());
    }
    Ok(())
}

pub fn similar(
    dir: &Path,
    passage: &Passage,
    code: &str,
    coder: Option<String>,
    limit: usize,
    json: bool,
) -> Result<()> {
    let store = open_for_reading(dir)?;
    let p = store.project();
    let (d, span) = passage.resolve(p, dir)?;
    let code = p.code_by_name(code).with_context(|| format!("there is no code named {code:?}"))?;
    let coder = match coder {
        Some(name) => Some(p.coder_by_name(&name).with_context(|| format!("there is no coder named {name:?}"))?.id),
        None => None,
    };
    let index = open_index(dir, p)?;
    let request =
        SimilarRequest { doc: d.id, span, code: code.id, coder, limit, filters: Vec::new(), context_chars: 60 };
    let found = crate::index::similar(&index, p, &request)?;
    let rows: Vec<Value> = found
        .iter()
        .map(|h| {
            json!({
                "document": h.doc_name,
                "speaker": h.speaker,
                "participant": h.participant_label,
                "group": h.group,
                "start": h.passage.start,
                "end": h.passage.end,
                "score": h.score,
                "shared_words": h.matches.iter().map(|m| m.text.to_lowercase()).collect::<std::collections::BTreeSet<_>>(),
                "text": p.documents.get(&h.doc).and_then(|d| d.slice(h.passage)),
            })
        })
        .collect();
    if json {
        return print_json(&json!({ "code": code.name(), "similar": rows }));
    }
    println!(
        "{} passages like {} [{}, {}) not yet coded “{}”",
        rows.len(),
        d.name(),
        passage.start,
        passage.end,
        code.name()
    );
    for r in &rows {
        let s = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let text: String = s("text").replace('\n', " ").chars().take(160).collect();
        println!(
            "\n{} {} [{}, {})  score {:.2}\n  {text}",
            s("document"),
            s("speaker"),
            r.get("start").and_then(Value::as_u64).unwrap_or(0),
            r.get("end").and_then(Value::as_u64).unwrap_or(0),
            r.get("score").and_then(Value::as_f64).unwrap_or(0.0)
        );
    }
    Ok(())
}
