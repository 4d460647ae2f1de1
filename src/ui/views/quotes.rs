//! Quotes: each theme's quotes in reading order (main theme, then its subthemes), attributed
//! and placed (inline or block) as the paper will print them. A quote can be starred,
//! reordered, moved to another theme or removed; trimmed with cuts (`[...]`) and words in
//! brackets chosen on its source text; translated; and the quotes, the results skeleton or
//! the codebook exported as DOCX, Markdown, LaTeX, HTML or CSV on a worker thread.
//!
//! The pure part ([`sections`], [`NewQuote`], [`printed`]) is tested without egui; the
//! drawing only reads it and queues edits.

use super::quote_settings::AttributionPanel;
use crate::analysis::CoderScope;
use crate::edit::Edit;
use crate::edit::quotes::{QuoteHome, plan_quote};
use crate::export::report::{self, Audience, Format, Kind, Options, Request};
use crate::model::*;
use crate::quotes::{self, Attributor, Placement, QuoteInfo, QuoteText, SegmentKind};
use crate::ui::command::{CommandSpec, Menu, cmd, key, mods::*, when};
use crate::ui::widgets::{choice, edit_button, form_frame, icon_button, labelled_line};
use crate::ui::{Action, Item, Selection, Tokens, UiCommand, View, ViewCtx, ViewKind};
use egui::{Key, RichText, Ui};
use std::path::PathBuf;

/// One theme with its quotes, as the view lists it.
#[derive(Clone, Debug)]
pub struct Section {
    pub theme: ThemeId,
    pub name: String,
    /// 0 for a main theme, 1 for a subtheme, ...
    pub depth: usize,
    pub parked: bool,
    /// The quotes in their order; a quote whose passage no longer fits its document shows
    /// why instead.
    pub quotes: Vec<Result<QuoteInfo, (QuoteId, String)>>,
}

/// Every theme (parked ones last in their place, marked) with its quotes, in reading order.
pub fn sections(p: &Project) -> Vec<Section> {
    let attributor = Attributor::new(p);
    quotes::theme_outline(p, None, true)
        .into_iter()
        .filter_map(|(id, depth)| {
            let t = p.themes.get(&id)?;
            let quotes = quotes::quotes_of(p, id)
                .map(|q| quotes::describe(p, &attributor, q).map_err(|e| (q.id, e.to_string())))
                .collect();
            Some(Section {
                theme: id,
                name: t.name().to_string(),
                depth,
                parked: t.status() == ThemeStatus::Parked,
                quotes,
            })
        })
        .collect()
}

/// A quote as the paper prints it: inline in quotation marks with the attribution after, or
/// as a block with the attribution on its own.
pub fn printed(q: &QuoteInfo) -> String {
    let label = &q.attribution.label;
    match q.placement {
        Placement::Inline => format!("“{}” ({label})", q.paper_text()),
        Placement::Block => format!("{} ({label})", q.paper_text()),
    }
}

/// A quote about to be made from the selection ("Make quote"), waiting for its theme when
/// the code does not say which one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewQuote {
    pub doc: DocId,
    pub span: Span,
    /// The selected coding, when the quote is made from one.
    pub coding: Option<CodingId>,
    /// Themes whose codes include the coding's code, in theme order.
    pub candidates: Vec<ThemeId>,
    /// The theme chosen in the view.
    pub theme: Option<ThemeId>,
    /// The name of a new theme, when the project has none yet.
    pub new_theme: String,
}

impl NewQuote {
    /// From the selected coding, else from the selected text; `None` when neither is there.
    pub fn from_selection(sel: &Selection, p: &Project) -> Option<NewQuote> {
        let (doc, span, coding, code) = match sel.coding().and_then(|id| p.codings.get(&id)) {
            Some(c) => (c.doc, c.span, Some(c.id), Some(c.code)),
            None => {
                let t = sel.text?;
                (t.doc, t.span, None, None)
            }
        };
        let candidates = code.map(|code| crate::edit::quotes::themes_for_code(p, code)).unwrap_or_default();
        let new_theme = code.and_then(|c| p.codes.get(&c)).map(|c| c.name().to_string()).unwrap_or_default();
        Some(NewQuote { doc, span, coding, theme: candidates.first().copied(), candidates, new_theme })
    }

    /// True when there is exactly one theme it can go to, so no question needs asking.
    pub fn is_obvious(&self) -> bool {
        self.candidates.len() == 1
    }

    /// The edit that makes the quote in `theme` (a new theme of `new_theme`'s name when
    /// `theme` is `None`), at the end of the theme's quotes.
    pub fn edit(&self, p: &Project, theme: Option<ThemeId>) -> Result<Edit, crate::edit::EditError> {
        let home = match theme {
            Some(t) => QuoteHome::Theme(t),
            None => QuoteHome::NewTheme(&self.new_theme),
        };
        let props = QuoteProps { span: self.span, ..Default::default() };
        plan_quote(p, self.doc, self.coding, props, home).map(|(_, edit)| edit)
    }
}

/// The quote being trimmed and translated: a draft of its properties, applied as one edit.
struct Draft {
    id: QuoteId,
    props: QuoteProps,
    /// Words for "Insert" and "Replace".
    words: String,
    /// The char range selected in the source text, relative to the passage.
    selected: Option<(usize, usize)>,
}

/// What a preview was made from: the settings, the coder scope and the project's revision.
type PreviewKey = (Kind, Format, Audience, CoderScope, u64);

/// What to export and where.
struct ExportPanel {
    kind: Kind,
    format: Format,
    audience: Audience,
    path: String,
    message: Option<String>,
    /// The first page, for the settings, coder scope and project revision it was made from
    /// (or why there is none).
    preview: Option<(PreviewKey, Result<report::FirstPage, String>)>,
}

impl ExportPanel {
    fn new(p: &Project) -> Self {
        let dir = dirs::document_dir().or_else(dirs::home_dir).unwrap_or_default();
        let mut panel = Self {
            kind: Kind::Quotes { theme: None },
            format: Format::Docx,
            audience: Audience::Paper,
            path: String::new(),
            message: None,
            preview: None,
        };
        panel.path = dir.join(panel.file_name(p)).display().to_string();
        panel
    }

    fn file_name(&self, p: &Project) -> String {
        let what = match self.kind {
            Kind::Quotes { .. } => "quotes",
            Kind::Report => "results",
            Kind::Codebook => "codebook",
        };
        let name: String = p
            .settings
            .name
            .chars()
            .map(|c| if c.is_alphanumeric() || c == ' ' || c == '-' { c } else { '_' })
            .collect();
        format!("{} {what}.{}", name.trim(), self.format.extension())
    }

    /// The export for the status bar's coder scope.
    fn request(&self, coders: &CoderScope) -> Request {
        Request {
            options: Options { audience: self.audience, coders: coders.clone(), ..Options::default() },
            ..Request::new(self.kind, self.format)
        }
    }

    /// The first page of the export, remade when a setting, the coder scope or the project
    /// changed.
    fn preview(&mut self, p: &Project, coders: &CoderScope) -> Option<&Result<report::FirstPage, String>> {
        let key = (self.kind, self.format, self.audience, coders.clone(), p.revisions.all);
        if self.preview.as_ref().is_none_or(|(k, _)| *k != key) {
            let page = report::first_page(p, &self.request(coders)).map_err(|e| format!("No preview: {e}"));
            self.preview = Some((key, page));
        }
        self.preview.as_ref().map(|(_, page)| page)
    }

    /// Keeps the file name's extension in step with the format.
    fn fit_extension(&mut self) {
        let path = PathBuf::from(self.path.trim());
        if path.file_name().is_some() {
            self.path = path.with_extension(self.format.extension()).display().to_string();
        }
    }
}

/// "Make quote" (Q): the selected coding or text as a quote, asking for its theme here.
pub const MAKE_QUOTE: UiCommand = UiCommand::Of(ViewKind::Quotes, "make-quote");
/// "Export quotes, results or codebook…" (Ctrl+Shift+E): this view's export panel.
pub const EXPORT: UiCommand = UiCommand::Of(ViewKind::Quotes, "export");

const COMMANDS: &[CommandSpec] = &[
    cmd(MAKE_QUOTE, "Make quote", "Use the selected coding (or the selected text) as a quote for a theme")
        .words(&["illustrative", "extract", "add"])
        .keys(&[key(NONE, Key::Q)])
        .menu(Menu::Code, 1)
        .when(|s| s.writable && (s.coding || s.text)),
    cmd(
        EXPORT,
        "Export quotes, results or codebook…",
        "Write the quotes, the results skeleton or the codebook as Word, Markdown, LaTeX, HTML or CSV",
    )
    .words(&["word", "docx", "latex", "markdown", "spreadsheet", "table", "report"])
    .keys(&[key(CMD_SHIFT, Key::E)])
    .menu(Menu::File, 2)
    .when(when::open),
];

#[derive(Default)]
pub struct QuotesView {
    cached: Option<(u64, Vec<Section>)>,
    editing: Option<Draft>,
    pending: Option<NewQuote>,
    export: Option<ExportPanel>,
    attribution: Option<AttributionPanel>,
}

impl View for QuotesView {
    fn kind(&self) -> ViewKind {
        ViewKind::Quotes
    }

    fn commands(&self) -> &'static [CommandSpec] {
        COMMANDS
    }

    fn ui(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui) {
        let p = cx.project;
        if self.cached.as_ref().is_none_or(|(rev, _)| *rev != p.revisions.all) {
            self.cached = Some((p.revisions.all, sections(p)));
        }
        let sections = self.cached.as_ref().map(|(_, s)| s.clone()).unwrap_or_default();
        let count: usize = sections.iter().map(|s| s.quotes.len()).sum();
        ui.horizontal(|ui| {
            ui.heading("Quotes");
            ui.label(RichText::new(format!("{count} quotes in {} themes", sections.len())).color(cx.tokens.weak_text));
            let open = self.export.is_some();
            if ui.selectable_label(open, "Export…").on_hover_text(EXPORT.tooltip()).clicked() {
                self.export = if open { None } else { Some(ExportPanel::new(p)) };
            }
            let open = self.attribution.is_some();
            if ui
                .selectable_label(open, "Attribution…")
                .on_hover_text("How quotes are labelled (J1, FG1, E3/E5) and when they are set as blocks")
                .clicked()
            {
                self.attribution = if open { None } else { Some(AttributionPanel::new(p)) };
            }
        });
        if let Some(panel) = &mut self.attribution
            && panel.ui(cx, ui)
        {
            self.attribution = None;
        }
        if let Some(panel) = &mut self.export {
            let close = export_panel(cx, ui, panel);
            if close {
                self.export = None;
            }
        }
        if let Some(new) = &mut self.pending {
            let done = new_quote_panel(cx, ui, new);
            if done {
                self.pending = None;
            }
        }
        ui.separator();
        if sections.is_empty() {
            ui.add_space(30.0);
            ui.label(
                RichText::new(
                    "No themes yet. Select a coding (or some text) in a document and choose “Make quote” \
                     (Q) to start collecting quotes; the first one can create its theme.",
                )
                .color(cx.tokens.weak_text),
            );
            return;
        }
        egui::ScrollArea::vertical().id_salt("quotes").auto_shrink(false).show(ui, |ui| {
            ui.set_max_width(ui.available_width().min(780.0));
            for s in &sections {
                self.section(cx, ui, s);
            }
        });
    }

    fn on_command(&mut self, command: UiCommand, cx: &mut ViewCtx<'_>) {
        match command {
            MAKE_QUOTE => {
                if let Some(new) = NewQuote::from_selection(cx.selection, cx.project) {
                    self.pending = Some(new);
                }
            }
            EXPORT if self.export.is_none() => self.export = Some(ExportPanel::new(cx.project)),
            _ => {}
        }
    }

    fn on_action(&mut self, _action: &Action, p: &Project) {
        if self.editing.as_ref().is_some_and(|d| !p.quotes.contains_key(&d.id)) {
            self.editing = None;
        }
    }
}

impl QuotesView {
    fn section(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, s: &Section) {
        let t = cx.tokens;
        ui.add_space(if s.depth == 0 { 14.0 } else { 8.0 });
        let size = if s.depth == 0 { 20.0 } else { 16.5 };
        ui.horizontal(|ui| {
            ui.add_space(s.depth as f32 * 18.0);
            let mut title = RichText::new(&s.name).size(size).strong();
            if s.parked {
                title = title.color(t.weak_text);
            }
            ui.label(title);
            let mut note = match s.quotes.len() {
                0 => "no quotes yet".to_string(),
                1 => "1 quote".to_string(),
                n => format!("{n} quotes"),
            };
            if s.parked {
                note.push_str(" · parked (left out of exports)");
            }
            ui.label(RichText::new(note).color(t.weak_text).size(t.small_size));
        });
        let ids: Vec<QuoteId> = s.quotes.iter().map(|q| q.as_ref().map_or_else(|(id, _)| *id, |q| q.id)).collect();
        for (i, q) in s.quotes.iter().enumerate() {
            ui.indent(("quote-indent", s.theme, i), |ui| match q {
                Ok(q) => self.card(cx, ui, q, &ids, i),
                Err((id, why)) => {
                    ui.horizontal(|ui| {
                        ui.label(RichText::new(format!("This quote cannot be shown: {why}")).color(t.danger));
                        if ui.button("Remove").clicked() {
                            cx.edit(Edit::RemoveQuote { id: *id });
                        }
                    });
                }
            });
        }
    }

    /// One quote: star, attribution as printed, placement and words, actions, and the edit
    /// panel when it is open.
    fn card(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, q: &QuoteInfo, ids: &[QuoteId], i: usize) {
        let p = cx.project;
        let t = cx.tokens;
        let Some(quote) = p.quotes.get(&q.id) else { return };
        let doc_name = p.documents.get(&q.doc).map(|d| d.name().to_string()).unwrap_or_default();
        let editing = self.editing.as_ref().is_some_and(|d| d.id == q.id);
        let stroke = if editing { egui::Stroke::new(1.5, t.focus) } else { egui::Stroke::NONE };
        egui::Frame::new().fill(t.page).stroke(stroke).inner_margin(10.0).corner_radius(4.0).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                let (icon, name) =
                    if q.starred { ("★", "Unstar quote") } else { ("☆", "Star as the strongest quote") };
                if icon_button(ui, icon, name).clicked() && !cx.read_only {
                    let props = QuoteProps { starred: !q.starred, ..quote.props.clone() };
                    cx.edit(Edit::UpdateQuote { id: q.id, props });
                }
                ui.label(RichText::new(&q.attribution.label).strong());
                let placement = match q.placement {
                    Placement::Inline => "inline",
                    Placement::Block => "block",
                };
                let words = if q.translation.is_some() { q.translation_words } else { q.words };
                ui.label(
                    RichText::new(format!("· {doc_name} · {words} words · {placement}"))
                        .color(t.weak_text)
                        .size(t.small_size),
                );
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.add_enabled_ui(!cx.read_only, |ui| {
                        if icon_button(ui, "✖", "Remove quote").clicked() {
                            cx.edit(Edit::RemoveQuote { id: q.id });
                        }
                        let move_to = |index| Edit::MoveQuote { id: q.id, theme: q.theme, index };
                        let below = ids.get(i + 1).and_then(|id| p.quotes.get_index_of(id));
                        let down = egui::Button::new("⏷").frame(false);
                        edit_button(ui, cx, down, "Move quote down", below.map(move_to));
                        let above = i.checked_sub(1).and_then(|j| ids.get(j)).and_then(|id| p.quotes.get_index_of(id));
                        let up = egui::Button::new("⏶").frame(false);
                        edit_button(ui, cx, up, "Move quote up", above.map(move_to));
                        move_menu(cx, ui, q);
                        if ui.small_button("Go to source").on_hover_text("Open the document at this passage").clicked()
                        {
                            cx.push(Action::OpenDocument {
                                doc: q.doc,
                                reveal: Some(q.text.span),
                                coding: quote.coding,
                            });
                            if let Some(c) = quote.coding {
                                cx.push(Action::Select(Some(Item::Coding(c))));
                            }
                        }
                        let label = if editing { "Close editor" } else { "Edit" };
                        if ui
                            .small_button(label)
                            .on_hover_text("Trim the quote with cuts and words in brackets, and translate it")
                            .clicked()
                        {
                            self.editing = if editing {
                                None
                            } else {
                                Some(Draft {
                                    id: q.id,
                                    props: quote.props.clone(),
                                    words: String::new(),
                                    selected: None,
                                })
                            };
                        }
                    });
                });
            });
            quote_text(ui, t, q);
            if !q.note.is_empty() {
                ui.label(RichText::new(format!("Note: {}", q.note)).italics().color(t.weak_text));
            }
            if let Some(d) = self.editing.as_mut().filter(|d| d.id == q.id)
                && editor(cx, ui, d, q)
            {
                self.editing = None;
            }
        });
        ui.add_space(6.0);
    }
}

/// The quote as printed, with the marks the researcher made in a colour of their own, and
/// the original under a translation.
fn quote_text(ui: &mut Ui, t: &Tokens, q: &QuoteInfo) {
    let font = t.body_font();
    let plain = egui::TextFormat { font_id: font.clone(), color: t.text, ..Default::default() };
    let mark = egui::TextFormat { font_id: font.clone(), color: t.speaker, ..Default::default() };
    let weak = egui::TextFormat { font_id: t.small_font(), color: t.weak_text, ..Default::default() };
    let block = q.placement == Placement::Block;
    let mut job = egui::text::LayoutJob::default();
    let (open, close) = if block { ("", "") } else { ("“", "”") };
    job.append(open, 0.0, plain.clone());
    match &q.translation {
        Some(tr) => job.append(tr, 0.0, plain.clone()),
        None => {
            for s in &q.text.segments {
                let f = if s.kind == SegmentKind::Kept { plain.clone() } else { mark.clone() };
                job.append(&s.display(), 0.0, f);
            }
        }
    }
    job.append(close, 0.0, plain.clone());
    job.append(&format!(" ({})", q.attribution.label), 0.0, plain);
    if q.translation.is_some() {
        job.append(&format!("\nOriginal: “{}”", q.display), 0.0, weak);
    }
    ui.horizontal(|ui| {
        if block {
            ui.add_space(24.0);
        }
        ui.add(egui::Label::new(job).wrap());
    });
}

/// "Move to theme" for one quote.
fn move_menu(cx: &mut ViewCtx<'_>, ui: &mut Ui, q: &QuoteInfo) {
    let p = cx.project;
    let mut chosen = None;
    ui.menu_button("Move to…", |ui| {
        for (id, depth) in quotes::theme_outline(p, None, true) {
            if id == q.theme {
                continue;
            }
            let name = p.themes.get(&id).map(|t| t.name().to_string()).unwrap_or_default();
            if ui.button(format!("{}{name}", "  ".repeat(depth))).clicked() {
                chosen = Some(id);
            }
        }
    })
    .response
    .on_hover_text("Move the quote to another theme (it goes last there)");
    if let Some(theme) = chosen {
        cx.edit(Edit::MoveQuote { id: q.id, theme, index: p.quotes.len().saturating_sub(1) });
    }
}

/// The editor of one quote; true when it is done (saved or cancelled).
fn editor(cx: &mut ViewCtx<'_>, ui: &mut Ui, d: &mut Draft, q: &QuoteInfo) -> bool {
    let t = cx.tokens;
    let p = cx.project;
    let span = d.props.span;
    ui.separator();
    ui.label(RichText::new("Source passage: select words to cut or replace, or click where words go").strong());
    let mut source: &str = &q.source;
    let out = egui::TextEdit::multiline(&mut source)
        .desired_width(f32::INFINITY)
        .desired_rows(1)
        .font(t.body_font())
        .id_salt(("quote-source", d.id))
        .show(ui);
    out.response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::MultilineTextInput, true, "Source passage"));
    if let Some(r) = out.cursor_range {
        let range = r.as_sorted_char_range();
        d.selected = Some((range.start.0, range.end.0));
    }
    let (from, to) = d.selected.unwrap_or((0, 0));
    let at = |i: usize| CharPos(span.start.get() + i);
    ui.horizontal_wrapped(|ui| {
        if ui
            .add_enabled(to > from, egui::Button::new("Cut selection"))
            .on_hover_text("Leave the selected words out; the paper shows [...]")
            .clicked()
        {
            d.props.add_cut(Span { start: at(from), end: at(to) });
        }
        labelled_line(ui, "Words", &mut d.words, "the social worker", 180.0);
        let words = d.words.trim().to_string();
        if ui
            .add_enabled(to > from && !words.is_empty(), egui::Button::new("Replace selection"))
            .on_hover_text("Show the words in brackets instead of the selected text: [the social worker]")
            .clicked()
        {
            d.props.replace(Span { start: at(from), end: at(to) }, &words);
            d.words.clear();
        }
        if ui
            .add_enabled(!words.is_empty(), egui::Button::new("Insert at cursor"))
            .on_hover_text("Add the words in brackets where the cursor is: a clarification")
            .clicked()
        {
            d.props.insert(at(from), &words);
            d.words.clear();
        }
    });
    // The edits so far, each with a remove button.
    let text_of = |s: Span| p.documents.get(&q.doc).and_then(|doc| doc.slice(s)).unwrap_or_default().to_string();
    let mut remove_cut = None;
    for (k, c) in d.props.cuts.iter().enumerate() {
        let what = if d.props.insertions.iter().any(|i| i.at == c.start) { "Replaced" } else { "Cut" };
        if removable(ui, t, &format!("Remove cut {}", k + 1), format!("{what}: “{}”", text_of(*c))) {
            remove_cut = Some(k);
        }
    }
    if let Some(k) = remove_cut {
        d.props.remove_cut(k);
    }
    let mut remove_ins = None;
    for (k, i) in d.props.insertions.iter().enumerate() {
        let what = if d.props.cuts.iter().any(|c| c.start == i.at) { "Shown instead" } else { "Added" };
        if removable(ui, t, &format!("Remove bracketed words {}", k + 1), format!("{what}: [{}]", i.text)) {
            remove_ins = Some(k);
        }
    }
    if let Some(k) = remove_ins {
        d.props.insertions.remove(k);
    }
    let l = ui.label("Translation");
    ui.add(
        egui::TextEdit::multiline(&mut d.props.translation)
            .desired_rows(2)
            .desired_width(f32::INFINITY)
            .hint_text("The quote in the paper's language; the original stays with it"),
    )
    .labelled_by(l.id);
    labelled_line(ui, "Note", &mut d.props.note, "", f32::INFINITY);
    // A preview of the result, or why it cannot be.
    let problem = p.check_quote(q.doc, &d.props).err();
    match (&problem, QuoteText::from_source(&q.source, &d.props)) {
        (None, Some(mut text)) => {
            // As the paper will print it: transcribed names inside become labels.
            if let Some(doc) = p.documents.get(&q.doc) {
                quotes::relabel(p, &Attributor::new(p), doc, &mut text);
            }
            ui.label(RichText::new(format!("Preview: “{}”", text.display())).color(t.text));
        }
        (Some(e), _) => {
            ui.label(RichText::new(e.to_string()).color(t.danger));
        }
        (None, None) => {
            ui.label(RichText::new("These edits do not fit the passage").color(t.danger));
        }
    }
    let mut done = false;
    ui.horizontal(|ui| {
        let changed = p.quotes.get(&d.id).is_some_and(|q| q.props != d.props);
        if ui.add_enabled(problem.is_none() && changed && !cx.read_only, egui::Button::new("Save quote")).clicked() {
            cx.edit(Edit::UpdateQuote { id: d.id, props: d.props.clone() });
            done = true;
        }
        if ui.button("Cancel").on_hover_text("Close the editor without saving").clicked() {
            done = true;
        }
    });
    done
}

/// Queues a planned edit, or shows why it was refused.
fn queue(cx: &mut ViewCtx<'_>, planned: Result<Edit, crate::edit::EditError>) {
    match planned {
        Ok(edit) => cx.edit(edit),
        Err(e) => cx.push(Action::Status { text: e.to_string(), error: true }),
    }
}

/// The panel for a quote made from the selection; true when it is done.
fn new_quote_panel(cx: &mut ViewCtx<'_>, ui: &mut Ui, new: &mut NewQuote) -> bool {
    let p = cx.project;
    let t = cx.tokens;
    if new.is_obvious() {
        queue(cx, new.edit(p, new.theme));
        return true;
    }
    let mut done = false;
    form_frame(t).show(ui, |ui| {
        ui.label(RichText::new("New quote").strong());
        let text = p.documents.get(&new.doc).and_then(|d| d.slice(new.span)).unwrap_or_default();
        let short: String = text.chars().take(160).collect();
        let more = if text.chars().count() > 160 { "…" } else { "" };
        ui.label(RichText::new(format!("“{short}{more}”")).color(t.weak_text));
        if p.themes.is_empty() {
            ui.horizontal(|ui| {
                labelled_line(ui, "New theme", &mut new.new_theme, "", 260.0);
                let ok = !new.new_theme.trim().is_empty();
                if ui.add_enabled(ok, egui::Button::new("Create theme and add quote")).clicked() {
                    queue(cx, new.edit(p, None));
                    done = true;
                }
            });
        } else {
            ui.horizontal(|ui| {
                let current = new.theme.and_then(|id| p.themes.get(&id)).map(|t| t.name().to_string());
                let l = ui.label("Theme");
                egui::ComboBox::from_id_salt("new-quote-theme")
                    .selected_text(current.unwrap_or_else(|| "Choose a theme".into()))
                    .show_ui(ui, |ui| {
                        for (id, depth) in quotes::theme_outline(p, None, true) {
                            let name = p.themes.get(&id).map(|t| t.name().to_string()).unwrap_or_default();
                            let mark = if new.candidates.contains(&id) { " (holds the code)" } else { "" };
                            ui.selectable_value(
                                &mut new.theme,
                                Some(id),
                                format!("{}{name}{mark}", "  ".repeat(depth)),
                            );
                        }
                    })
                    .response
                    .labelled_by(l.id);
                if ui.add_enabled(new.theme.is_some(), egui::Button::new("Add quote")).clicked() {
                    queue(cx, new.edit(p, new.theme));
                    done = true;
                }
            });
        }
        if ui.button("Cancel").on_hover_text("Do not make this quote").clicked() {
            done = true;
        }
    });
    done
}

/// The export panel; true when it should close.
fn export_panel(cx: &mut ViewCtx<'_>, ui: &mut Ui, panel: &mut ExportPanel) -> bool {
    let p = cx.project;
    let t = cx.tokens;
    let mut close = false;
    form_frame(t).show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            let before = (panel.kind, panel.format);
            let kinds = [Kind::Quotes { theme: None }, Kind::Report, Kind::Codebook];
            choice(ui, "export-kind", "What to export", &mut panel.kind, &kinds, kind_label);
            if !panel.kind.formats().contains(&panel.format) {
                panel.format = Format::Docx;
            }
            choice(ui, "export-format", "Format", &mut panel.format, panel.kind.formats(), Format::label);
            ui.separator();
            for a in Audience::ALL {
                ui.radio_value(&mut panel.audience, a, a.label()).on_hover_text(a.hint());
            }
            ui.separator();
            ui.label(format!("Coders: {}", cx.coders.label(p))).on_hover_text(
                "The codebook counts these coders' extracts; quotes and results keep the quotes from their \
                 extracts. Change it with the Coders switch in the status bar.",
            );
            if (panel.kind, panel.format) != before {
                if panel.kind != before.0 {
                    let dir = PathBuf::from(panel.path.trim()).parent().map(PathBuf::from).unwrap_or_default();
                    panel.path = dir.join(panel.file_name(p)).display().to_string();
                } else {
                    panel.fit_extension();
                }
            }
        });
        ui.horizontal(|ui| {
            labelled_line(ui, "Save to", &mut panel.path, "", 420.0);
            if ui.button("Choose…").on_hover_text("Choose where to save with your system's file dialog").clicked() {
                let current = PathBuf::from(panel.path.trim());
                let mut dialog = rfd::FileDialog::new()
                    .set_title("Export")
                    .add_filter(panel.format.label(), &[panel.format.extension()])
                    .set_file_name(panel.file_name(p));
                if let Some(dir) = current.parent().filter(|d| d.is_dir()) {
                    dialog = dialog.set_directory(dir);
                }
                match dialog.save_file() {
                    Some(path) => {
                        panel.path = path.display().to_string();
                        panel.message = None;
                    }
                    None => panel.message = Some("No file chosen: type the path above instead.".into()),
                }
            }
        });
        if let Some(m) = &panel.message {
            ui.label(RichText::new(m).color(t.weak_text));
        }
        ui.horizontal(|ui| {
            if ui.button("Export").on_hover_text("Write the file; progress shows in the status bar").clicked() {
                let path = PathBuf::from(panel.path.trim());
                if panel.path.trim().is_empty() || path.file_name().is_none() {
                    panel.message = Some("Type a file name first.".into());
                } else if path.parent().is_some_and(|d| !d.as_os_str().is_empty() && !d.is_dir()) {
                    panel.message = Some(format!("There is no folder {}", path.parent().unwrap_or(&path).display()));
                } else {
                    cx.push(export_job(p.clone(), panel.request(&cx.coders), path));
                    close = true;
                }
            }
            if ui.button("Close").clicked() {
                close = true;
            }
        });
        ui.label(RichText::new("Preview of the first page").color(t.weak_text))
            .on_hover_text("What the first page holds, in the export's order and styles; the app's font stands in for Calibri or Latin Modern");
        let preview = panel.preview(p, &cx.coders).cloned();
        egui::ScrollArea::vertical().id_salt("export-preview").max_height(320.0).show(ui, |ui| match preview {
            Some(Ok(page)) => first_page(ui, t, &page),
            Some(Err(e)) => {
                ui.label(RichText::new(e).color(t.weak_text));
            }
            None => {}
        });
    });
    close
}

/// The first page of an export drawn as a page: title, headings, body text, small notes and
/// indented quotes in the language's marks with their attribution (edit marks such as
/// `[...]` weaker), or a CSV file's first rows as a grid.
fn first_page(ui: &mut Ui, t: &Tokens, page: &report::FirstPage) {
    use report::{Block, FirstPage};
    egui::Frame::new()
        .fill(t.page)
        .stroke(egui::Stroke::new(1.0, t.input_border))
        .inner_margin(egui::Margin::same(18))
        .show(ui, |ui| match page {
            FirstPage::Rows { rows, more } => {
                egui::Grid::new("export-preview-rows").striped(true).show(ui, |ui| {
                    for (i, row) in rows.iter().enumerate() {
                        for cell in row.iter().take(8) {
                            let cut: String = cell.chars().take(40).collect();
                            let text = RichText::new(cut).size(t.small_size).color(t.text);
                            ui.label(if i == 0 { text.strong() } else { text });
                        }
                        ui.end_row();
                    }
                });
                if *more {
                    ui.label(RichText::new("…").color(t.weak_text));
                }
            }
            FirstPage::Page { doc, more } => {
                let body = t.small_size.max(12.0);
                ui.label(RichText::new(&doc.title).size(body * 2.0).color(t.text));
                if !doc.subtitle.is_empty() {
                    ui.label(RichText::new(&doc.subtitle).size(body * 1.2).color(t.weak_text));
                }
                for block in &doc.blocks {
                    match block {
                        Block::Heading { level, text } => {
                            ui.add_space(body * 0.6);
                            let size = match level {
                                0 | 1 => body * 1.45,
                                2 => body * 1.25,
                                _ => body * 1.1,
                            };
                            ui.label(RichText::new(text).size(size).strong().color(t.text));
                        }
                        Block::Para { label, text } => {
                            ui.horizontal_wrapped(|ui| {
                                if let Some(label) = label {
                                    ui.label(RichText::new(label).size(body).strong().color(t.text));
                                }
                                ui.label(RichText::new(text).size(body).color(t.text));
                            });
                        }
                        Block::Note(text) => {
                            ui.label(RichText::new(text).size(body * 0.82).color(t.weak_text));
                        }
                        Block::Quote(q) => {
                            let mut job = egui::text::LayoutJob::default();
                            let format = |colour| egui::TextFormat {
                                font_id: egui::FontId::proportional(body),
                                color: colour,
                                ..Default::default()
                            };
                            let lines = q.shown_lines();
                            let inline = q.placement == crate::quotes::Placement::Inline;
                            if inline {
                                job.append(doc.marks.open, 0.0, format(t.text));
                            }
                            for (i, line) in lines.iter().enumerate() {
                                if i > 0 {
                                    job.append("\n", 0.0, format(t.text));
                                }
                                for piece in line {
                                    job.append(&piece.text, 0.0, format(if piece.mark { t.weak_text } else { t.text }));
                                }
                            }
                            if inline {
                                job.append(doc.marks.close, 0.0, format(t.text));
                            }
                            if !q.attribution.is_empty() {
                                job.append(&format!(" ({})", q.attribution), 0.0, format(t.text));
                            }
                            egui::Frame::new().inner_margin(egui::Margin::symmetric(28, 4)).show(ui, |ui| {
                                ui.label(job);
                                if let Some(original) = &q.original {
                                    let text: String = original.iter().map(|p| p.text.as_str()).collect();
                                    ui.label(RichText::new(text).size(body * 0.82).color(t.weak_text));
                                }
                            });
                        }
                    }
                }
                if *more {
                    ui.label(RichText::new("…").color(t.weak_text));
                }
            }
        });
}

/// A row of the quote editor's cuts and insertions: a remove button named `name`, then
/// `text`. Whether the button was clicked.
fn removable(ui: &mut Ui, t: &Tokens, name: &str, text: String) -> bool {
    ui.horizontal(|ui| {
        let clicked = icon_button(ui, "✖", name).clicked();
        ui.label(RichText::new(text).color(t.weak_text));
        clicked
    })
    .inner
}

fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Quotes { .. } => "Quotes by theme",
        Kind::Report => "Results skeleton",
        Kind::Codebook => "Codebook",
    }
}

/// The export as a worker job: the file is written all or nothing, and the status bar says
/// how it went.
fn export_job(project: Project, request: Request, path: PathBuf) -> Action {
    let name = format!("Export {}", request.kind.label());
    Action::RunJob {
        name,
        work: Box::new(move |progress| {
            let (text, error) = match report::export_to_file(&project, &request, &path, progress) {
                Ok(s) => {
                    let what = match request.kind {
                        Kind::Codebook => format!("{} codes", s.codes),
                        _ => format!("{} quotes in {} themes", s.quotes, s.themes),
                    };
                    (format!("Exported {what} to {}", path.display()), false)
                }
                Err(report::ExportError::Cancelled) => ("Export cancelled; no file was written".to_string(), false),
                Err(e) => (format!("Export failed: {e}"), true),
            };
            vec![Action::Status { text, error }]
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> Result<(Project, CodingId, CodeId), crate::edit::EditError> {
        let mut p = Project::new("Study");
        let d = Document::new(DocId::from_u128(1), "J1", DocKind::Interview, "J1: Jeg følte meg sett 😀 – endelig.\n");
        p.apply(Edit::AddDocument { document: Box::new(d), index: None })?;
        let code = Code::new(CodeId::from_u128(2), "Seen", Colour::rgb(1, 2, 3));
        p.apply(Edit::CreateCode { code, index: None })?;
        let coder = p.new_coder("Ingrid");
        let coder_id = coder.id;
        p.apply(Edit::AddCoder { coder, index: None })?;
        let coding = Coding {
            id: CodingId::from_u128(3),
            doc: DocId::from_u128(1),
            span: Span::new(4, 35),
            code: CodeId::from_u128(2),
            coder: coder_id,
            created: chrono::Utc::now(),
            comment: String::new(),
        };
        p.apply(Edit::AddCoding { coding })?;
        Ok((p, CodingId::from_u128(3), CodeId::from_u128(2)))
    }

    #[test]
    fn make_quote_from_a_coding_finds_its_theme_or_makes_one() -> Result<(), Box<dyn std::error::Error>> {
        let (mut p, coding, code) = project()?;
        let sel = Selection { item: Some(Item::Coding(coding)), text: None };
        // No theme yet: the quote asks for a new one, named after the code.
        let new = NewQuote::from_selection(&sel, &p).ok_or("a coding is selected")?;
        assert_eq!((new.candidates.len(), new.new_theme.as_str()), (0, "Seen"));
        p.apply(new.edit(&p, None)?)?;
        assert_eq!((p.themes.len(), p.quotes.len()), (1, 1));
        let q = p.quotes.values().next().ok_or("a quote")?;
        assert_eq!((q.coding, q.props.span), (Some(coding), Span::new(4, 35)));
        // A theme holding the code is the obvious home.
        let theme = Theme { codes: vec![code], ..Theme::new(ThemeId::from_u128(9), "Being seen") };
        p.apply(Edit::CreateTheme { theme, index: None })?;
        let new = NewQuote::from_selection(&sel, &p).ok_or("a coding is selected")?;
        assert!(new.is_obvious());
        assert_eq!(new.theme, Some(ThemeId::from_u128(9)));
        // Plain selected text: no code, so no candidate.
        let sel = Selection {
            item: None,
            text: Some(crate::ui::TextSel { doc: DocId::from_u128(1), span: Span::new(4, 8) }),
        };
        let new = NewQuote::from_selection(&sel, &p).ok_or("text is selected")?;
        assert_eq!((new.coding, new.candidates.len()), (None, 0));
        assert!(NewQuote::from_selection(&Selection::default(), &p).is_none());
        Ok(())
    }

    #[test]
    fn sections_print_quotes_as_the_paper_does() -> Result<(), Box<dyn std::error::Error>> {
        let (mut p, coding, code) = project()?;
        let theme = Theme { codes: vec![code], ..Theme::new(ThemeId::from_u128(9), "Being seen") };
        p.apply(Edit::CreateTheme { theme, index: None })?;
        let sel = Selection { item: Some(Item::Coding(coding)), text: None };
        let new = NewQuote::from_selection(&sel, &p).ok_or("selected")?;
        p.apply(new.edit(&p, new.theme)?)?;
        let s = sections(&p);
        assert_eq!(s.len(), 1);
        let q = s[0].quotes[0].as_ref().map_err(|e| e.1.clone())?;
        assert_eq!(printed(q), "“Jeg følte meg sett 😀 – endelig.” (J1)");
        // Cuts over "sett" and " 😀" touch, so they merge into one, shown as [...].
        let mut props = p.quotes[&q.id].props.clone();
        props.add_cut(Span::new(21, 24));
        props.add_cut(Span::new(18, 21));
        assert_eq!(props.cuts, vec![Span::new(18, 24)]);
        p.apply(Edit::UpdateQuote { id: q.id, props })?;
        let s = sections(&p);
        let q = s[0].quotes[0].as_ref().map_err(|e| e.1.clone())?;
        assert_eq!(printed(q), "“Jeg følte meg [...] – endelig.” (J1)");
        Ok(())
    }
}
