//! Search: type and see every passage that says it, keyword in context, with who said it.
//!
//! The view owns the project's search index and a [`SearchWorker`] that runs the newest
//! query off the UI thread, so typing never waits for a search. Bringing the index in line
//! with the project when documents change, and rebuilding a damaged index, run as app jobs
//! (keyed, so a newer sync replaces an older one) whose value comes back to the view;
//! coding all hits and "more like this" run as app jobs and come back as edits or results.

use crate::index::code_hits::{CodeHitsOptions, Scope, plan_code_hits};
use crate::index::query::Filter;
use crate::index::similar::{SimilarRequest, similar};
use crate::index::{
    CodingFilter, Hit, IndexError, Order, SearchIndex, SearchRequest, SearchResults, SearchWorker, SyncReport,
};
use crate::model::*;
use crate::ui::jobs::{JobSpec, Pending};
use crate::ui::widgets::{Runs, choice, kind_options, labelled_line, optional_choice};
use crate::ui::{Action, TextSel, View, ViewCtx, ViewKind};
use egui::{RichText, Ui};
use std::path::PathBuf;
use std::sync::Arc;

/// Passages listed at most; code-all-hits always takes every hit.
const SHOWN: usize = 200;

/// The job key of the index's sync and rebuild: a newer one replaces an older one.
const INDEX_JOB: &str = "search index";

/// What the list shows: the results of the query, or passages like a coding.
#[derive(Default)]
enum Listing {
    #[default]
    None,
    Results(SearchResults),
    Similar {
        coding: CodingId,
        hits: Vec<Hit>,
    },
}

/// The index of the open project and the workers over it.
struct Engine {
    dir: PathBuf,
    index: Arc<SearchIndex>,
    worker: SearchWorker,
    /// The running sync, an app job.
    sync: Option<Pending<Result<SyncReport, IndexError>>>,
    /// The corpus revision the index was last checked against.
    checked: Option<u64>,
    notice: Option<String>,
}

impl Engine {
    fn new(dir: PathBuf, index: SearchIndex, notice: Option<String>, ctx: &egui::Context) -> Result<Self, IndexError> {
        let repaint = ctx.clone();
        let worker =
            SearchWorker::spawn(move || repaint.request_repaint())
                .map_err(crate::files::FileIo::on::<IndexError>("start", "a search thread"))?;
        Ok(Engine { dir, index: Arc::new(index), worker, sync: None, checked: None, notice })
    }
}

impl Drop for Engine {
    /// A sync of an index no longer shown has nothing to give.
    fn drop(&mut self) {
        if let Some(sync) = &self.sync {
            sync.cancel();
        }
    }
}

/// A damaged index being replaced by an app job: the old one is dropped there (closing its
/// files), the folder discarded and an empty index made; the sync then fills it.
struct Rebuild {
    dir: PathBuf,
    done: Pending<Result<SearchIndex, IndexError>>,
    why: String,
}

#[derive(Default)]
pub struct SearchView {
    pub query: String,
    pub group: Option<String>,
    pub kind: Option<DocKind>,
    pub uncoded: bool,
    pub order_by_document: bool,
    /// The code that "Code all hits" applies (an existing name, or a new one).
    pub code_name: String,
    pub scope: Scope,
    engine: Option<Engine>,
    error: Option<String>,
    /// A snapshot of the project for the workers, by revision.
    shared: Option<(u64, Arc<Project>)>,
    /// The request last submitted, to submit only when it changes.
    submitted: Option<SearchRequest>,
    /// Set when the index changed under the last results.
    stale: bool,
    listing: Listing,
    focus_query: bool,
    rebuild: Option<Rebuild>,
}

/// What a "more like this" job hands back to the view.
struct SimilarFound {
    coding: CodingId,
    hits: Vec<Hit>,
}

impl SearchView {
    fn shared(&mut self, p: &Project) -> Arc<Project> {
        let rev = p.revisions.all;
        match &self.shared {
            Some((r, arc)) if *r == rev => Arc::clone(arc),
            _ => {
                let arc = Arc::new(p.clone());
                self.shared = Some((rev, Arc::clone(&arc)));
                arc
            }
        }
    }

    /// Replaces a damaged index (a search or an update failed on its files, or the index
    /// library panicked): an app job closes and discards the old index and makes an empty
    /// one; the sync that follows re-indexes every document with progress, and the query is
    /// searched again. A search never fails because of the index.
    fn start_rebuild(&mut self, why: String, cx: &mut ViewCtx<'_>) {
        let Some(engine) = self.engine.take() else { return };
        let dir = engine.dir.clone();
        let index = Arc::clone(&engine.index);
        // Dropping the engine cancels its sync and ends its search thread.
        drop(engine);
        let folder = dir.clone();
        let (job, done) = JobSpec::returning("Rebuilding the search index", move |_| {
            let language = index.language();
            drop(index);
            if folder.as_os_str().is_empty() {
                SearchIndex::in_memory(language)
            } else {
                SearchIndex::rebuild(&folder, language).or_else(|_| SearchIndex::in_memory(language))
            }
        });
        cx.push(Action::Job(job.keyed(INDEX_JOB)));
        self.rebuild = Some(Rebuild { dir, done, why });
        self.error = None;
        self.stale = true;
    }

    /// Takes the rebuilt index once the job has made it.
    fn finish_rebuild(&mut self, ctx: &egui::Context) {
        let Some(r) = &mut self.rebuild else { return };
        let Some(fresh) = r.done.poll() else { return };
        let Some(Rebuild { dir, why, .. }) = self.rebuild.take() else { return };
        let made = fresh.unwrap_or(Err(IndexError::Cancelled)).and_then(|index| {
            Engine::new(dir, index, Some(format!("The search index failed ({why}) and was rebuilt")), ctx)
        });
        match made {
            Ok(engine) => self.engine = Some(engine),
            Err(e) => self.error = Some(format!("The search index failed ({why}) and could not be rebuilt: {e}")),
        }
    }

    /// Opens (or reopens, for another project) the index, and keeps it in step.
    fn engine(&mut self, cx: &mut ViewCtx<'_>, ctx: &egui::Context) {
        let (dir, p) = (cx.project_dir, cx.project);
        if self.engine.as_ref().is_some_and(|e| e.dir != dir || e.index.language() != p.settings.language) {
            self.engine = None;
            self.shared = None;
        }
        self.finish_rebuild(ctx);
        if self.rebuild.is_some() {
            return;
        }
        if self.engine.is_none() && self.error.is_none() {
            let opened = if dir.as_os_str().is_empty() {
                SearchIndex::in_memory(p.settings.language).map(|i| (i, None))
            } else {
                match SearchIndex::open(dir, p.settings.language) {
                    Ok((i, report)) => Ok((i, report.notice())),
                    // A folder we cannot write (a read-only copy): search from memory.
                    Err(IndexError::Io { .. }) => SearchIndex::in_memory(p.settings.language).map(|i| (i, None)),
                    Err(e) => Err(e),
                }
            };
            match opened.and_then(|(index, notice)| Engine::new(dir.to_path_buf(), index, notice, ctx)) {
                Ok(e) => self.engine = Some(e),
                Err(e) => self.error = Some(format!("The search index could not be opened: {e}")),
            }
        }
        // Codings do not change the index; only the corpus revision matters here.
        let rev = p.revisions.corpus;
        let needs_check = self.engine.as_ref().is_some_and(|e| e.sync.is_none() && e.checked != Some(rev));
        if needs_check {
            let shared = self.shared(p);
            if let Some(e) = &mut self.engine {
                e.checked = Some(rev);
                if !e.index.is_read_only() && !e.index.is_current(p) {
                    let index = Arc::clone(&e.index);
                    let (job, pending) =
                        JobSpec::returning("Updating the search index", move |progress| index.sync(&shared, progress));
                    cx.push(Action::Job(job.keyed(INDEX_JOB).quiet()));
                    e.sync = Some(pending);
                }
            }
        }
        let mut damaged = None;
        if let Some(e) = &mut self.engine
            && let Some(job) = &mut e.sync
            && let Some(result) = job.poll()
        {
            e.sync = None;
            match result.unwrap_or(Err(IndexError::Cancelled)) {
                Ok(report) if report.changed() => {
                    self.stale = true;
                    e.notice = e.notice.take().filter(|n| n.contains("rebuilt"));
                }
                Ok(_) => {}
                Err(err) if err.is_damage() => damaged = Some(err.to_string()),
                Err(err) => e.notice = Some(format!("The search index could not be updated: {err}")),
            }
        }
        if let Some(why) = damaged {
            self.start_rebuild(why, cx);
        }
    }

    fn request(&self, coder: Option<CoderId>) -> SearchRequest {
        let mut filters = Vec::new();
        if let Some(g) = &self.group {
            filters.push(Filter::new("group", g.clone()));
        }
        if let Some(k) = self.kind {
            filters.push(Filter::new("kind", k.slug()));
        }
        SearchRequest {
            query: self.query.trim().to_string(),
            filters,
            order: if self.order_by_document { Order::Document } else { Order::Relevance },
            limit: Some(SHOWN),
            coding: if self.uncoded { CodingFilter::Uncoded { coder } } else { CodingFilter::None },
            context_chars: 70,
        }
    }

    fn submit(&mut self, p: &Project, coder: Option<CoderId>) {
        let request = self.request(coder);
        if request.query.is_empty() && request.filters.is_empty() {
            self.submitted = None;
            if matches!(self.listing, Listing::Results(_)) {
                self.listing = Listing::None;
            }
            return;
        }
        if self.submitted.as_ref() == Some(&request) && !self.stale {
            return;
        }
        let shared = self.shared(p);
        let Some(engine) = &self.engine else { return };
        if engine.sync.is_some() {
            // Results would miss what is being indexed; search once it is done.
            return;
        }
        engine.worker.submit(Arc::clone(&engine.index), shared, request.clone());
        self.submitted = Some(request);
        self.stale = false;
    }

    fn poll(&mut self, cx: &mut ViewCtx<'_>) {
        let Some(engine) = &self.engine else { return };
        if let Some(outcome) = engine.worker.poll() {
            match outcome.result {
                Ok(results) => {
                    self.listing = Listing::Results(results);
                    self.error = None;
                }
                // The index's files failed, not the query: rebuild it and search again.
                Err(e) if e.is_damage() => self.start_rebuild(e.to_string(), cx),
                Err(e) => self.error = Some(e.to_string()),
            }
        }
    }

    fn controls(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui) {
        let p = cx.project;
        ui.horizontal(|ui| {
            let l = ui.label("Search for");
            let edit = egui::TextEdit::singleline(&mut self.query)
                .hint_text("Search: words, \"a phrase\", meet*, OR, -word, group:therapist …")
                .desired_width(ui.available_width().min(560.0));
            let r = ui.add(edit).labelled_by(l.id).on_hover_text(
                "Words are stemmed (meeting finds meetings). \"Phrases\", AND / OR / NOT (or -word), prefix*, fuzzy~, \
                 and filters: group:G doc:\"NAME\" speaker:S kind:focus-group or any participant attribute (site:Nordby)",
            );
            if self.focus_query {
                r.request_focus();
                self.focus_query = false;
            }
            if !self.query.is_empty() && ui.small_button("Clear").on_hover_text("Clear the search").clicked() {
                self.query.clear();
            }
        });
        ui.horizontal_wrapped(|ui| {
            let mut groups: Vec<String> =
                p.participants.values().map(|x| x.group().to_string()).filter(|g| !g.is_empty()).collect();
            groups.sort();
            groups.dedup();
            let groups: Vec<(String, String)> = groups.into_iter().map(|g| (g.clone(), g)).collect();
            optional_choice(ui, "search-group", "Group", &mut self.group, "All groups", &groups);
            optional_choice(ui, "search-kind", "Kind", &mut self.kind, "All documents", &kind_options());
            ui.checkbox(&mut self.uncoded, "Only uncoded text")
                .on_hover_text("Leave out matches in text that you have already coded");
            ui.checkbox(&mut self.order_by_document, "In document order")
                .on_hover_text("List hits in the order of the documents and their text, not by relevance");
        });
    }

    fn code_all_bar(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, total: usize) {
        let t = cx.tokens;
        ui.horizontal_wrapped(|ui| {
            labelled_line(ui, "Code all hits as", &mut self.code_name, "code name (new or existing)", 200.0);
            choice(
                ui,
                "search-scope",
                "coding",
                &mut self.scope,
                &[Scope::Match, Scope::Sentence, Scope::Turn],
                Scope::slug,
            );
            let ready = !self.code_name.trim().is_empty() && total > 0 && !cx.read_only;
            let label = format!("Code {total} hits");
            let r = ui
                .add_enabled(ready, egui::Button::new(label))
                .on_hover_text("Code every hit of this search in one step; one undo takes it back");
            if r.clicked() {
                self.code_all(cx);
            }
            if cx.read_only {
                ui.label(RichText::new("read-only").color(t.danger));
            }
        });
    }

    /// Queues a job that runs the search for every hit and codes them as one edit.
    fn code_all(&mut self, cx: &mut ViewCtx<'_>) {
        let p = cx.project;
        let Some(engine) = &self.engine else { return };
        // No coder chosen yet (a blank name): the one default every front end uses.
        let me = crate::edit::default_coder(Some(cx.coder_name), None).0;
        let options = match CodeHitsOptions::named(p, &self.code_name, &me, self.scope) {
            Ok(o) => o,
            Err(e) => {
                cx.push(Action::Status { text: e.to_string(), error: true });
                return;
            }
        };
        let (name, coder) = (options.code_name.clone(), options.coder);
        let mut request = self.request(Some(coder));
        request.limit = None;
        let index = Arc::clone(&engine.index);
        let shared = self.shared(p);
        cx.push(Action::RunJob {
            name: format!("Coding hits as “{name}”"),
            work: Box::new(move |progress| {
                progress.set_message("searching");
                let results = match crate::index::search(&index, &shared, &request) {
                    Ok(r) => r,
                    Err(e) => return vec![Action::Status { text: format!("Search failed: {e}"), error: true }],
                };
                let plan = plan_code_hits(&shared, &results.hits, options);
                match plan.edit {
                    Some(edit) => vec![
                        Action::Edit { edit, coalesce: None },
                        Action::Status {
                            text: format!(
                                "Coded {} passages as “{name}”{}",
                                plan.spans.len(),
                                if plan.skipped > 0 {
                                    format!(" ({} already coded)", plan.skipped)
                                } else {
                                    String::new()
                                }
                            ),
                            error: false,
                        },
                    ],
                    None => {
                        vec![Action::Status { text: "Every hit is already coded with that code".into(), error: false }]
                    }
                }
            }),
        });
    }

    /// Queues a job for the passages most like a coding and not yet coded with its code.
    fn more_like(&mut self, cx: &mut ViewCtx<'_>, coding: CodingId) {
        let p = cx.project;
        let Some(c) = p.codings.get(&coding) else { return };
        let Some(engine) = &self.engine else { return };
        let request = SimilarRequest::for_coding(c, 30);
        let index = Arc::clone(&engine.index);
        let shared = self.shared(p);
        cx.push(Action::RunJob {
            name: "Finding similar passages".into(),
            work: Box::new(move |_| match similar(&index, &shared, &request) {
                Ok(hits) => {
                    vec![Action::ToView { view: ViewKind::Search, payload: Box::new(SimilarFound { coding, hits }) }]
                }
                Err(e) => vec![Action::Status { text: format!("Could not find similar passages: {e}"), error: true }],
            }),
        });
    }

    fn list(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, hits: &[Hit]) {
        let t = cx.tokens;
        let p = cx.project;
        egui::ScrollArea::vertical().id_salt("search-hits").auto_shrink(false).show(ui, |ui| {
            ui.set_max_width(ui.available_width().min(860.0));
            // In document order the hits of a document come together under its name; by
            // relevance they interleave, so each names its document.
            let grouped = self.order_by_document;
            let mut last_doc: Option<DocId> = None;
            for h in hits {
                if grouped && last_doc != Some(h.doc) {
                    last_doc = Some(h.doc);
                    ui.add_space(6.0);
                    let n = hits.iter().filter(|x| x.doc == h.doc).count();
                    ui.label(RichText::new(format!("{} · {} · {n}", h.doc_name, h.kind.label())).strong());
                }
                let person = match (&h.participant_label, &h.group, &h.speaker) {
                    (Some(l), Some(g), _) if !g.is_empty() => format!("{l} ({g})"),
                    (Some(l), _, _) => l.clone(),
                    (None, _, Some(s)) => s.clone(),
                    _ => String::new(),
                };
                let who = match (grouped, person.is_empty()) {
                    (true, _) => person,
                    (false, true) => h.doc_name.clone(),
                    (false, false) if person.starts_with(&h.doc_name) => person,
                    (false, false) => format!("{} · {person}", h.doc_name),
                };
                let matches: Vec<&crate::index::kwic::Match> =
                    if h.matches.is_empty() { Vec::new() } else { h.matches.iter().take(3).collect() };
                let mut line = Runs::new(t.body_size - 1.5);
                if !who.is_empty() {
                    line.text(&format!("{who}  "), t.speaker);
                }
                let target = match matches.first() {
                    Some(m) => {
                        let c = &m.context;
                        let flat = |s: &str| s.replace(['\n', '\r', '\t'], " ");
                        if c.more_before {
                            line.text("…", t.weak_text);
                        }
                        line.text(&flat(&c.before), t.text);
                        line.marked(&flat(&m.text), t.text, t.find_match);
                        line.text(&flat(&c.after), t.text);
                        if c.more_after {
                            line.text("…", t.weak_text);
                        }
                        m.span
                    }
                    None => {
                        let text = p
                            .documents
                            .get(&h.doc)
                            .and_then(|d| d.slice(h.passage))
                            .map(|s| s.chars().take(200).collect::<String>())
                            .unwrap_or_default();
                        line.text(&text.replace('\n', " "), t.text);
                        h.passage
                    }
                };
                if matches.len() > 1 {
                    line.text(&format!("  +{} more in this passage", h.matches.len() - 1), t.weak_text);
                }
                let r = ui
                    .add(egui::Label::new(line.job()).wrap().sense(egui::Sense::click()))
                    .on_hover_cursor(egui::CursorIcon::PointingHand)
                    .on_hover_text("Open the document here with the match selected, ready to code");
                ui.add_space(4.0);
                if r.clicked() {
                    cx.push(Action::OpenDocument { doc: h.doc, reveal: Some(target), coding: None });
                    cx.push(Action::SelectText(Some(TextSel { doc: h.doc, span: target })));
                }
            }
        });
    }
}

impl View for SearchView {
    fn kind(&self) -> ViewKind {
        ViewKind::Search
    }

    fn ui(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        self.engine(cx, &ctx);
        self.controls(cx, ui);
        self.submit(cx.project, cx.coder);
        self.poll(cx);
        let t = cx.tokens;
        if let Some(r) = &self.rebuild {
            ui.label(RichText::new(format!("The search index failed ({}); rebuilding it…", r.why)).color(t.weak_text));
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        if let Some(e) = &self.engine {
            // The status bar shows the sync with its counts and Cancel, like every job; the
            // view only waits for it before searching.
            if e.sync.is_some() {
                ctx.request_repaint_after(std::time::Duration::from_millis(100));
            }
            if let Some(n) = &e.notice {
                ui.label(RichText::new(n).color(t.weak_text));
            }
        }
        if let Some(err) = &self.error {
            ui.label(RichText::new(err).color(t.danger));
        }
        if let Some(coding) = cx.selection.coding()
            && let Some(c) = cx.project.codings.get(&coding)
        {
            let code = cx.project.codes.get(&c.code).map(|c| c.name().to_string()).unwrap_or_default();
            let r = ui
                .button(format!("More like the selected coding (“{code}”)"))
                .on_hover_text("Passages that resemble the selected coding and are not yet coded with its code");
            if r.clicked() {
                self.more_like(cx, coding);
            }
        }
        ui.separator();
        match std::mem::take(&mut self.listing) {
            Listing::None => {
                ui.add_space(30.0);
                let searching = self.engine.as_ref().is_some_and(|e| e.worker.progress().phase() == "searching");
                ui.vertical_centered(|ui| {
                    let hint = if searching {
                        "Searching…"
                    } else {
                        "Type a word or a phrase to see every passage that says it, with who said it."
                    };
                    ui.label(RichText::new(hint).color(t.weak_text));
                });
            }
            Listing::Results(results) => {
                let shown = results.hits.len();
                let mut line = format!(
                    "{} passages in {} documents · {} ms",
                    results.total,
                    results.documents.len(),
                    results.elapsed.as_millis()
                );
                if shown < results.total {
                    line.push_str(&format!(" · showing the first {shown}"));
                }
                ui.label(RichText::new(line).strong());
                for n in &results.notes {
                    ui.label(RichText::new(n).color(t.weak_text));
                }
                self.code_all_bar(cx, ui, results.total);
                ui.separator();
                self.list(cx, ui, &results.hits);
                self.listing = Listing::Results(results);
            }
            Listing::Similar { coding, hits } => {
                let code = cx
                    .project
                    .codings
                    .get(&coding)
                    .and_then(|c| cx.project.codes.get(&c.code))
                    .map(|c| c.name().to_string())
                    .unwrap_or_default();
                let mut back = false;
                ui.horizontal(|ui| {
                    ui.label(
                        RichText::new(format!(
                            "{} passages like the selected coding, not yet coded “{code}”",
                            hits.len()
                        ))
                        .strong(),
                    );
                    back = ui.small_button("Back to the search").clicked();
                });
                if back {
                    self.submitted = None;
                } else {
                    ui.separator();
                    self.list(cx, ui, &hits);
                    self.listing = Listing::Similar { coding, hits };
                }
            }
        }
    }

    fn background(&mut self, cx: &mut ViewCtx<'_>, ctx: &egui::Context) {
        self.engine(cx, ctx);
    }

    fn on_action(&mut self, action: &Action, _project: &Project) {
        match action {
            Action::ToView { view: ViewKind::Search, payload } => {
                if let Some(found) = (**payload).downcast_ref::<SimilarFound>() {
                    self.listing = Listing::Similar { coding: found.coding, hits: found.hits.clone() };
                }
            }
            Action::ShowView(ViewKind::Search) => self.focus_query = true,
            _ => {}
        }
    }
}
