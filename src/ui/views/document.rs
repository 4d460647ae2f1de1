//! The document view: a transcript to read and code. Speaker labels stand out, codings are
//! translucent highlights (overlaps mix), and the margin has one stripe per coding, in lanes,
//! that names the code on hover and selects the coding on click. Selecting text with the
//! mouse gives a char span; the keyboard does the rest (C, V, 1–9: see `UiCommand`).

use crate::model::*;
use crate::ui::command::{CommandSpec, Menu, cmd, key, mods::*, when};
use crate::ui::doc_layout::{DocLayout, LayoutStyle};
use crate::ui::widgets::icon_button;
use crate::ui::{Action, Item, TextSel, UiCommand, View, ViewCtx, ViewKind};
use egui::{Align, Id, Key, Pos2, Rect, Sense, Stroke, StrokeKind, Ui, pos2, vec2};
use std::sync::Arc;

/// Find in the document (Ctrl+F), and the next and previous match (F3, Shift+F3): this view's
/// commands.
pub const FIND: UiCommand = UiCommand::Of(ViewKind::Document, "find");
pub const FIND_NEXT: UiCommand = UiCommand::Of(ViewKind::Document, "find-next");
pub const FIND_PREVIOUS: UiCommand = UiCommand::Of(ViewKind::Document, "find-previous");
/// Select the next or previous speaker turn or sentence, or grow the selection by a sentence
/// (Alt+arrows): coding with the keyboard alone.
pub const NEXT_TURN: UiCommand = UiCommand::Of(ViewKind::Document, "next-turn");
pub const PREVIOUS_TURN: UiCommand = UiCommand::Of(ViewKind::Document, "previous-turn");
pub const NEXT_SENTENCE: UiCommand = UiCommand::Of(ViewKind::Document, "next-sentence");
pub const PREVIOUS_SENTENCE: UiCommand = UiCommand::Of(ViewKind::Document, "previous-sentence");
pub const EXTEND_BY_SENTENCE: UiCommand = UiCommand::Of(ViewKind::Document, "extend-by-sentence");

const COMMANDS: &[CommandSpec] = &[
    cmd(FIND, "Find in document…", "Find words in the open document")
        .words(&["search", "look"])
        .keys(&[key(CMD, Key::F)])
        .menu(Menu::Text, 0)
        .when(when::document),
    cmd(FIND_NEXT, "Find next", "Go to the next match")
        .words(&["search", "match"])
        .keys(&[key(NONE, Key::F3)])
        .menu(Menu::Text, 0)
        .when(when::document),
    cmd(FIND_PREVIOUS, "Find previous", "Go to the previous match")
        .words(&["search", "match"])
        .keys(&[key(SHIFT, Key::F3)])
        .menu(Menu::Text, 0)
        .when(when::document),
    cmd(
        NEXT_TURN,
        "Select the next turn",
        "Select the words of the next speaker turn (a line in field notes), to code it with the keyboard",
    )
    .words(&["speaker", "keyboard", "move"])
    .keys(&[key(ALT, Key::ArrowDown)])
    .menu(Menu::Text, 2)
    .when(reading),
    cmd(PREVIOUS_TURN, "Select the previous turn", "Select the words of the previous speaker turn")
        .words(&["speaker", "keyboard", "move"])
        .keys(&[key(ALT, Key::ArrowUp)])
        .menu(Menu::Text, 2)
        .when(reading),
    cmd(
        NEXT_SENTENCE,
        "Select the next sentence",
        "Select the next sentence (from a selected turn: its first sentence)",
    )
    .words(&["keyboard", "move", "grow"])
    .keys(&[key(ALT, Key::ArrowRight)])
    .menu(Menu::Text, 2)
    .when(reading),
    cmd(PREVIOUS_SENTENCE, "Select the previous sentence", "Select the previous sentence")
        .words(&["keyboard", "move", "grow"])
        .keys(&[key(ALT, Key::ArrowLeft)])
        .menu(Menu::Text, 2)
        .when(reading),
    cmd(EXTEND_BY_SENTENCE, "Extend the selection by a sentence", "Grow the selection to the end of the next sentence")
        .words(&["keyboard", "move", "grow"])
        .keys(&[key(ALT_SHIFT, Key::ArrowRight)])
        .menu(Menu::Text, 2)
        .when(reading),
];

/// The turn and sentence steps need a document open in this view.
fn reading(s: &crate::ui::command::CommandState) -> bool {
    s.document && s.view == ViewKind::Document
}

/// Width steps: a window resize re-lays out only when the column crosses a step.
const WIDTH_STEP: f32 = 40.0;
/// Paragraphs laid out beyond the viewport, in points, so scrolling rarely waits.
const OVERSCAN: f32 = 600.0;

/// A coding as drawn: where, in which colour, in which margin lane.
#[derive(Clone, Debug)]
struct Mark {
    id: CodingId,
    span: Span,
    colour: Colour,
    lane: usize,
    label: String,
    /// The code's own name, written beside the stripe when the person asks for it.
    name: String,
}

#[derive(Default)]
struct Marks {
    key: (u64, u64, crate::analysis::CoderScope),
    doc: Option<DocId>,
    items: Vec<Mark>,
    lanes: usize,
}

#[derive(Default)]
struct Find {
    open: bool,
    query: String,
    /// The query the matches were found for.
    found_for: String,
    matches: Vec<Span>,
    current: usize,
    focus: bool,
}

#[derive(Default)]
pub struct DocumentView {
    pub doc: Option<DocId>,
    layout: Option<DocLayout>,
    marks: Marks,
    /// Where a mouse selection started.
    anchor: Option<CharPos>,
    /// The selection being dragged (shown before it is committed on release).
    live: Option<Span>,
    /// A coding boundary being dragged: the coding, whether its start, the new position.
    handle: Option<(CodingId, bool, CharPos)>,
    reveal: Option<Span>,
    scroll_to: Option<f32>,
    find: Find,
    /// Lower-cased chars of the document, for find (built on first use).
    folded: Option<(DocId, Vec<char>)>,
    /// The document's speakers that no participant is known as, by document and
    /// `revisions.corpus` (turns change only with it).
    unknown_speakers: Option<((DocId, u64), Vec<String>)>,
}

fn fold(c: char) -> char {
    let mut l = c.to_lowercase();
    match (l.next(), l.next()) {
        (Some(x), None) => x,
        _ => c,
    }
}

impl DocumentView {
    /// The transcript's widget id: it takes the keyboard focus (click or Tab), and the app
    /// lets the one-key coding shortcuts act only while it has it or nothing has.
    pub fn text_id(doc: DocId) -> Id {
        Id::unique(("document-text", doc))
    }

    pub fn open(&mut self, doc: DocId, reveal: Option<Span>) {
        if self.doc != Some(doc) {
            self.doc = Some(doc);
            self.layout = None;
            self.anchor = None;
            self.live = None;
            self.find.found_for.clear();
            self.scroll_to = Some(0.0);
        }
        self.reveal = reveal;
    }

    /// The coding stripes of the codings in the status bar's coder scope.
    fn refresh_marks(&mut self, p: &Project, doc: DocId, coders: &crate::analysis::CoderScope) {
        let key = (p.revisions.doc(doc), p.revisions.codebook, coders.clone());
        if self.marks.doc == Some(doc) && self.marks.key == key {
            return;
        }
        let mut codings = p.codings_in(doc);
        codings.retain(|c| coders.includes(c.coder));
        // Longer first at the same start, so an enclosing coding takes the outer lane.
        codings.sort_by_key(|c| (c.span.start, std::cmp::Reverse(c.span.end), c.id));
        let mut lane_end: Vec<CharPos> = Vec::new();
        let mut items = Vec::with_capacity(codings.len());
        for c in codings {
            let lane = match lane_end.iter().position(|e| *e <= c.span.start) {
                Some(l) => l,
                None => {
                    lane_end.push(CharPos(0));
                    lane_end.len() - 1
                }
            };
            lane_end[lane] = c.span.end;
            let (colour, name, short) = p
                .codes
                .get(&c.code)
                .map(|k| (k.props.colour, p.code_path(k.id), k.name().to_string()))
                .unwrap_or_default();
            let coder = p.coders.get(&c.coder).map(|k| k.name.as_str()).unwrap_or_default();
            let mut label = format!("{name} (coded by {coder})");
            if !c.comment.is_empty() {
                label.push_str(&format!("\n“{}”", c.comment));
            }
            items.push(Mark { id: c.id, span: c.span, colour, lane, label, name: short });
        }
        self.marks = Marks { key, doc: Some(doc), lanes: lane_end.len(), items };
    }

    fn run_find(&mut self, doc: &Document) {
        if self.find.found_for == self.find.query && self.folded.as_ref().is_some_and(|(d, _)| *d == doc.id) {
            return;
        }
        if self.folded.as_ref().is_none_or(|(d, _)| *d != doc.id) {
            self.folded = Some((doc.id, doc.text.chars().map(fold).collect()));
        }
        self.find.found_for = self.find.query.clone();
        self.find.matches.clear();
        self.find.current = 0;
        let q: Vec<char> = self.find.query.chars().map(fold).collect();
        let Some((_, hay)) = &self.folded else { return };
        if q.is_empty() || q.len() > hay.len() {
            return;
        }
        let mut i = 0;
        while i + q.len() <= hay.len() {
            if hay[i..i + q.len()] == q[..] {
                self.find.matches.push(Span::new(i, i + q.len()));
                i += q.len();
            } else {
                i += 1;
            }
        }
    }

    fn step_find(&mut self, forward: bool) {
        let n = self.find.matches.len();
        if n == 0 {
            return;
        }
        self.find.current = if forward { (self.find.current + 1) % n } else { (self.find.current + n - 1) % n };
        self.reveal = self.find.matches.get(self.find.current).copied();
    }

    /// Moves the text selection by a turn or a sentence (see [`crate::model::reading`]),
    /// scrolls to it and says what it selected in the status bar, which screen readers read.
    fn step_selection(&mut self, c: UiCommand, cx: &mut ViewCtx<'_>) {
        use crate::model::reading;
        let Some(doc) = self.doc.and_then(|d| cx.project.documents.get(&d)) else { return };
        let current = cx.selection.text.filter(|t| t.doc == doc.id).map(|t| t.span);
        let next = match c {
            NEXT_TURN | PREVIOUS_TURN => reading::step(&reading::turn_spans(doc), current, c == NEXT_TURN),
            EXTEND_BY_SENTENCE => {
                let sentences = reading::sentence_spans(doc);
                match current {
                    Some(cur) => reading::extend(&sentences, cur),
                    None => reading::step(&sentences, None, true),
                }
            }
            _ => reading::step(&reading::sentence_spans(doc), current, c == NEXT_SENTENCE),
        };
        let Some(span) = next else {
            cx.push(Action::Status { text: "No more in this direction".into(), error: false });
            return;
        };
        let words = doc.slice(span).unwrap_or_default();
        let who = doc.turn_at(span.start).map(|t| format!("{}: ", t.speaker)).unwrap_or_default();
        let shown: String = words.chars().take(140).collect();
        let more = if words.chars().count() > 140 { "…" } else { "" };
        cx.push(Action::Status { text: format!("Selected {who}“{shown}{more}”"), error: false });
        cx.push(Action::SelectText(Some(TextSel { doc: doc.id, span })));
        cx.push(Action::OpenDocument { doc: doc.id, reveal: Some(span), coding: None });
    }

    /// Handles the find commands.
    pub fn command(&mut self, command: UiCommand) {
        match command {
            FIND => {
                self.find.open = true;
                self.find.focus = true;
            }
            FIND_NEXT => self.step_find(true),
            FIND_PREVIOUS => self.step_find(false),
            _ => {}
        }
    }

    fn header(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, doc: &Document) {
        ui.horizontal(|ui| {
            ui.heading(doc.name());
            ui.label(
                egui::RichText::new(format!(
                    "{} · {} words · {} turns",
                    doc.kind().label(),
                    doc.words,
                    doc.turns.len()
                ))
                .color(cx.tokens.weak_text),
            );
            // Speakers no one is known as ("Speaker 1" of an auto-transcript): their words
            // count for no one in triangulation and quotes until the researcher says who.
            let key = (doc.id, cx.project.revisions.corpus);
            if self.unknown_speakers.as_ref().is_none_or(|(k, _)| *k != key) {
                let names = doc
                    .speakers()
                    .into_iter()
                    .filter(|s| s.participants == [None])
                    .map(|s| format!("“{}”", s.label))
                    .collect();
                self.unknown_speakers = Some((key, names));
            }
            let unknown = self.unknown_speakers.as_ref().map(|(_, n)| n.clone()).unwrap_or_default();
            if !unknown.is_empty() {
                let text = match unknown.len() {
                    1 => format!("{} not attributed", unknown[0]),
                    n => format!("{n} speakers not attributed"),
                };
                let hover = format!(
                    "Say who {} {} under Speakers in the panel on the right: until then their words count for \
                     no one in triangulation and quote attributions",
                    unknown.join(", "),
                    if unknown.len() == 1 { "is" } else { "are" }
                );
                let link = egui::Button::new(egui::RichText::new(text).color(cx.tokens.danger)).frame(false);
                if ui.add(link).on_hover_text(hover).clicked() {
                    cx.push(Action::Select(Some(Item::Document(doc.id))));
                }
            }
            ui.with_layout(egui::Layout::right_to_left(Align::Center), |ui| {
                let read = cx.coder.is_some_and(|c| doc.read_by.contains(&c));
                let label = if read { "✔ Read" } else { "Mark as read" };
                let hover = UiCommand::ToggleRead.hover_text(ui.ctx());
                if ui.add_enabled(!cx.read_only, egui::Button::new(label).selected(read)).on_hover_text(hover).clicked()
                {
                    cx.command(UiCommand::ToggleRead);
                }
                if icon_button(ui, "🔍", "Find in document").clicked() {
                    self.command(FIND);
                }
            });
        });
        if self.find.open {
            ui.horizontal(|ui| {
                ui.label("Find:");
                let edit = egui::TextEdit::singleline(&mut self.find.query)
                    .hint_text("words in this document")
                    .desired_width(240.0);
                let r = ui.add(edit).on_hover_text("Words to find in this document");
                r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Find text"));
                if self.find.focus {
                    r.request_focus();
                    self.find.focus = false;
                }
                self.run_find(doc);
                if r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                    let back = ui.input(|i| i.modifiers.shift);
                    self.step_find(!back);
                    r.request_focus();
                }
                if r.changed() && !self.find.matches.is_empty() {
                    self.reveal = self.find.matches.first().copied();
                }
                let n = self.find.matches.len();
                let status = if self.find.query.is_empty() {
                    String::new()
                } else if n == 0 {
                    "no matches".into()
                } else {
                    format!("{} of {n}", self.find.current + 1)
                };
                ui.label(egui::RichText::new(status).color(cx.tokens.weak_text));
                if icon_button(ui, "⏶", "Previous match").clicked() {
                    self.step_find(false);
                }
                if icon_button(ui, "⏷", "Next match").clicked() {
                    self.step_find(true);
                }
                if icon_button(ui, "✖", "Close find").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                    self.find.open = false;
                    self.find.query.clear();
                }
            });
        }
        ui.separator();
    }

    /// Draws the transcript (the part of it on screen).
    pub fn body(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, doc: &Document) {
        let t = cx.tokens;
        self.refresh_marks(cx.project, doc.id, &cx.coders);
        let lanes = self.marks.lanes.min(t.max_stripes);
        let names = if t.stripe_names { t.stripe_name_width } else { 0.0 };
        let margin = 12.0 + lanes as f32 * (t.stripe_width + 2.0) + names;
        let avail = ui.available_width();
        let width = ((avail - margin - 48.0).min(t.max_text_width) / WIDTH_STEP).floor().max(6.0) * WIDTH_STEP;
        let left = ((avail - width - margin) / 2.0).max(8.0) + margin;
        let layout = self.layout.get_or_insert_with(|| DocLayout::new(doc));
        layout.set_style(LayoutStyle {
            width,
            font_size: t.body_size,
            line_gap: t.line_gap,
            para_gap: t.para_gap,
            turn_gap: t.turn_gap,
            text: t.text,
            speaker: t.speaker,
        });
        if let Some(span) = self.reveal.take() {
            let i = layout.para_of(span.start);
            layout.ensure(i.saturating_sub(2)..i + 3, &mut |job| ui.fonts_mut(|f| f.layout_job(job)));
            let y = layout.char_rect(span.start).top();
            self.scroll_to = Some((y - ui.available_height() * 0.3).max(0.0));
        }
        let mut area = egui::ScrollArea::vertical().id_salt(("document", doc.id)).auto_shrink(false).scroll_source(
            egui::containers::scroll_area::ScrollSource {
                drag: Default::default(),
                ..egui::containers::scroll_area::ScrollSource::ALL
            },
        );
        if let Some(y) = self.scroll_to.take() {
            area = area.vertical_scroll_offset(y);
        }
        area.show_viewport(ui, |ui, viewport| self.paint(cx, ui, doc, viewport, left, width));
    }

    #[allow(clippy::too_many_arguments)]
    fn paint(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, doc: &Document, viewport: Rect, left: f32, width: f32) {
        let Some(layout) = self.layout.as_mut() else { return };
        let t = cx.tokens;
        // Lay out what is on screen (and a margin), keeping the first visible paragraph
        // where it was if paragraphs above it turned out taller or shorter than estimated.
        let anchor = layout.para_at_y(viewport.min.y);
        let anchor_offset = viewport.min.y - layout.top(anchor);
        let mut range = layout.range_for(viewport.min.y - OVERSCAN, viewport.max.y + OVERSCAN);
        for _ in 0..3 {
            if !layout.ensure(range.clone(), &mut |job| ui.fonts_mut(|f| f.layout_job(job))) {
                break;
            }
            range = layout.range_for(viewport.min.y - OVERSCAN, viewport.max.y + OVERSCAN);
        }
        let shift = layout.top(anchor) + anchor_offset - viewport.min.y;
        let total = layout.total_height() + 40.0;
        ui.set_min_height(total);
        ui.set_min_width(ui.available_width());
        if shift.abs() > 0.5 && viewport.min.y > 0.0 {
            self.scroll_to = Some(viewport.min.y + shift);
            ui.ctx().request_repaint();
        }
        let shift = if viewport.min.y > 0.0 { shift } else { 0.0 };
        // Document coordinates → screen.
        let origin = ui.max_rect().min + vec2(left, 8.0 - shift);
        let to_screen = |r: Rect| r.translate(origin.to_vec2());
        let visible = layout.range_for(viewport.min.y + shift - 8.0, viewport.max.y + shift);
        let screen_view = viewport.translate(ui.max_rect().min.to_vec2());
        let painter = ui.painter_at(screen_view);

        // Input on the text column: select by dragging, click a highlight to select it.
        let text_rect = Rect::from_min_max(
            pos2(origin.x - 4.0, screen_view.top()),
            pos2(origin.x + width + 8.0, screen_view.bottom()),
        );
        let id = Self::text_id(doc.id);
        let response = ui.interact(text_rect, id, Sense::click_and_drag());
        // For screen readers: the selected words and the codes they already have.
        let selected_words = cx.selection.text.filter(|s| s.doc == doc.id).and_then(|s| {
            let words = doc.slice(s.span)?;
            let codes = codes_over(&self.marks.items, s.span);
            Some(if codes.is_empty() {
                format!("Selected: {words}")
            } else {
                format!("Selected: {words} (coded {codes})")
            })
        });
        response.widget_info(|| {
            let mut info = egui::WidgetInfo::labeled(egui::Role::Document, true, format!("Text of {}", doc.name()));
            info.current_text_value = selected_words.clone();
            info
        });
        let response = response.on_hover_cursor(egui::CursorIcon::Text);
        // Pressing in the transcript gives it the keyboard (a field that had it lets go), so
        // the one-key coding shortcuts act on what was just selected.
        if response.drag_started() || response.clicked() {
            response.request_focus();
        }
        let to_doc = |p: Pos2| pos2(p.x - origin.x, p.y - origin.y);
        let (primary_down, press, pointer) =
            ui.input(|i| (i.pointer.primary_down(), i.pointer.press_origin(), i.pointer.interact_pos()));
        if self.anchor.is_none()
            && self.handle.is_none()
            && response.is_pointer_button_down_on()
            && primary_down
            && let Some(press) = press
        {
            let at = layout.hit(to_doc(press));
            let extend = ui.input(|i| i.modifiers.shift);
            self.anchor = match (extend, cx.selection.text) {
                (true, Some(s)) if s.doc == doc.id => Some(s.span.start),
                _ => Some(at),
            };
        }
        if primary_down && let (Some(a), Some(p)) = (self.anchor, pointer) {
            let b = layout.hit(to_doc(p));
            let span = Span { start: a.min(b), end: a.max(b) };
            if self.live != Some(span) && !span.is_empty() {
                cx.push(Action::SelectText(Some(TextSel { doc: doc.id, span })));
            }
            self.live = Some(span);
            // Scroll while dragging past the top or bottom edge.
            let edge = 24.0;
            if p.y < screen_view.top() + edge {
                ui.scroll_with_delta(vec2(0.0, (screen_view.top() + edge - p.y).min(40.0)));
            } else if p.y > screen_view.bottom() - edge {
                ui.scroll_with_delta(vec2(0.0, -(p.y - screen_view.bottom() + edge).min(40.0)));
            }
        }
        if !primary_down && self.anchor.is_some() {
            let span = self.live.take().filter(|s| !s.is_empty());
            self.anchor = None;
            if let Some(span) = span {
                cx.push(Action::SelectText(Some(TextSel { doc: doc.id, span })));
            }
        }
        if response.clicked()
            && !response.double_clicked()
            && let Some(p) = response.interact_pointer_pos()
        {
            let at = layout.hit(to_doc(p));
            if ui.input(|i| i.modifiers.shift)
                && let Some(s) = cx.selection.text.filter(|s| s.doc == doc.id)
            {
                let span = Span { start: s.span.start.min(at), end: s.span.end.max(at) };
                cx.push(Action::SelectText(Some(TextSel { doc: doc.id, span })));
            } else {
                cx.push(Action::SelectText(None));
                // The innermost coding under the pointer, if any.
                let hit = self
                    .marks
                    .items
                    .iter()
                    .filter(|m| m.span.contains(at))
                    .min_by_key(|m| m.span.len())
                    .map(|m| Item::Coding(m.id));
                cx.push(Action::Select(hit.or(Some(Item::Document(doc.id)))));
            }
        }
        if (response.double_clicked() || response.triple_clicked())
            && let Some(p) = response.interact_pointer_pos()
        {
            let at = layout.hit(to_doc(p));
            let i = layout.para_of(at);
            let para = layout.paras[i].span;
            let span = if response.triple_clicked() { para } else { word_at(&doc.text, para, at) };
            if !span.is_empty() {
                cx.push(Action::SelectText(Some(TextSel { doc: doc.id, span })));
            }
        }

        // Backgrounds: find matches, codings, the selection.
        let vis_span = match (layout.paras.get(visible.start), layout.paras.get(visible.end.saturating_sub(1))) {
            (Some(a), Some(b)) => Span { start: a.span.start, end: b.span.end },
            _ => Span::default(),
        };
        let mut rects = Vec::new();
        if self.find.open {
            let first = self.find.matches.partition_point(|m| m.end <= vis_span.start);
            for (k, m) in self.find.matches.iter().enumerate().skip(first) {
                if m.start >= vis_span.end {
                    break;
                }
                rects.clear();
                layout.span_rects(*m, visible.clone(), &mut rects);
                for r in &rects {
                    painter.rect_filled(to_screen(*r), 2.0, t.find_match);
                    if k == self.find.current {
                        painter.rect_stroke(to_screen(*r), 2.0, Stroke::new(2.0, t.find_current), StrokeKind::Outside);
                    }
                }
            }
        }
        let selected = cx.selection.coding();
        for m in self.marks.items.iter().filter(|m| m.span.overlaps(&vis_span)) {
            rects.clear();
            let span = match self.handle {
                Some((id, start, pos)) if id == m.id => resize(m.span, start, pos),
                _ => m.span,
            };
            layout.span_rects(span, visible.clone(), &mut rects);
            for r in &rects {
                painter.rect_filled(to_screen(*r), 0.0, t.highlight(m.colour));
            }
        }
        let sel = self.live.or(cx.selection.text.filter(|s| s.doc == doc.id).map(|s| s.span));
        if let Some(sel) = sel {
            rects.clear();
            layout.span_rects(sel, visible.clone(), &mut rects);
            for r in &rects {
                painter.rect_filled(to_screen(*r), 0.0, t.selection);
            }
            // Where the passage is on screen, for the code picker to open beside it.
            let on_screen = rects
                .iter()
                .map(|r| to_screen(*r).intersect(ui.clip_rect()))
                .filter(|r| r.is_positive())
                .reduce(Rect::union);
            crate::ui::dialogs::code_picker::note_selection_on_screen(ui.ctx(), on_screen);
        }

        // The text itself; each paragraph on screen is a node for screen readers.
        let accessible = ui.ctx().has_accesskit_node(response.id);
        for i in visible.clone() {
            let top = layout.text_top(i);
            if let Some(g) = layout.galley(i) {
                let pos = origin + vec2(0.0, top);
                if accessible {
                    let r = ui.interact(Rect::from_min_size(pos, g.size()), id.with(("paragraph", i)), Sense::hover());
                    // The words, and which codes they carry, as a screen reader should say them.
                    let codes = codes_over(&self.marks.items, layout.paras[i].span);
                    let text =
                        if codes.is_empty() { g.job.text.clone() } else { format!("{} (coded {codes})", g.job.text) };
                    r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Paragraph, true, &text));
                }
                painter.galley(pos, Arc::clone(g), t.text);
            }
        }

        // The selected coding: outline and boundary handles.
        if let Some(m) = selected.and_then(|id| self.marks.items.iter().find(|m| m.id == id)).cloned() {
            let span = match self.handle {
                Some((id, start, pos)) if id == m.id => resize(m.span, start, pos),
                _ => m.span,
            };
            rects.clear();
            layout.span_rects(span, visible.clone(), &mut rects);
            for r in &rects {
                painter.rect_stroke(to_screen(*r), 1.0, Stroke::new(1.5, t.focus), StrokeKind::Outside);
            }
            for start in [true, false] {
                let at = if start { span.start } else { span.end };
                let r = to_screen(layout.char_rect(at));
                if !screen_view.intersects(r) {
                    continue;
                }
                let handle = Rect::from_center_size(pos2(r.center().x, r.center().y), vec2(8.0, r.height() + 6.0));
                let name = if start { "Start of the selected coding" } else { "End of the selected coding" };
                let hid = id.with(("handle", start));
                let h = ui.interact(handle, hid, Sense::drag()).on_hover_text(format!("{name}: drag to move it"));
                h.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, name));
                let h = h.on_hover_cursor(egui::CursorIcon::ResizeHorizontal);
                painter.line_segment(
                    [pos2(r.center().x, r.top() - 2.0), pos2(r.center().x, r.bottom() + 2.0)],
                    Stroke::new(2.0, t.focus),
                );
                let knob = if start { pos2(r.center().x, r.top() - 3.0) } else { pos2(r.center().x, r.bottom() + 3.0) };
                painter.circle_filled(knob, 3.5, t.focus);
                if h.dragged()
                    && let Some(p) = h.interact_pointer_pos()
                {
                    self.handle = Some((m.id, start, layout.hit(to_doc(p))));
                }
                if h.drag_stopped()
                    && let Some((cid, s, pos)) = self.handle.take()
                {
                    let new = resize(m.span, s, pos);
                    if let Some(e) = crate::edit::plan::resize_coding(cx.project, cid, doc.id, new) {
                        cx.edit(e);
                    }
                }
            }
        }

        // Coding stripes in the margin, one lane per overlapping coding.
        let lanes = self.marks.lanes.min(t.max_stripes);
        for m in self.marks.items.iter().filter(|m| m.span.overlaps(&vis_span) && m.lane < lanes) {
            let y0 = layout.char_rect(m.span.start.max(vis_span.start)).top();
            let end = m.span.end.min(vis_span.end);
            let y1 = layout.char_rect(end).bottom();
            let x = origin.x - 10.0 - (m.lane as f32 + 1.0) * (t.stripe_width + 2.0);
            let r = to_screen(Rect::from_min_max(
                pos2(x - origin.x, y0),
                pos2(x - origin.x + t.stripe_width, y1.max(y0 + 4.0)),
            ));
            let chosen = selected == Some(m.id);
            painter.rect_filled(r, 2.0, t.code(m.colour));
            if chosen {
                painter.rect_stroke(r, 2.0, Stroke::new(1.5, t.focus), StrokeKind::Outside);
            }
            let s = ui.interact(r.expand2(vec2(1.0, 0.0)), id.with(("stripe", m.id)), Sense::click());
            let name = m.label.lines().next().unwrap_or_default().to_string();
            s.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, format!("Coding: {name}")));
            let s = s.on_hover_text(&m.label);
            if s.clicked() {
                cx.push(Action::Select(Some(Item::Coding(m.id))));
            }
        }
        if t.stripe_names {
            stripe_names(&self.marks.items, ui, &painter, layout, vis_span, origin, lanes, t);
        }
        if self.marks.lanes > lanes {
            let extra = self.marks.lanes - lanes;
            painter.text(
                pos2(origin.x - 10.0 - (lanes as f32 + 1.0) * (t.stripe_width + 2.0), screen_view.top() + 4.0),
                egui::Align2::RIGHT_TOP,
                format!("+{extra}"),
                t.small_font(),
                t.weak_text,
            );
        }
        // Notes on passages: a mark in the right margin beside the passage's first line.
        for m in cx.project.memos.values() {
            let MemoTarget::Passage { doc: on, span } = m.props.target else { continue };
            let visible = span.overlaps(&vis_span) || (span.is_empty() && vis_span.contains(span.start));
            if on != doc.id || !visible {
                continue;
            }
            let y = layout.char_rect(span.start.max(vis_span.start)).top();
            let r = to_screen(Rect::from_min_size(pos2(width + 8.0, y + 2.0), vec2(10.0, 10.0)));
            painter.rect_filled(r, 2.0, t.focus);
            let s = ui.interact(r, id.with(("note", m.id)), Sense::click());
            s.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, "Note on this passage"));
            let body = if m.props.body.trim().is_empty() { "(empty note)" } else { m.props.body.as_str() };
            if s.on_hover_text(body).clicked() {
                cx.push(Action::Select(Some(Item::Memo(m.id))));
            }
        }
        // Hover on a speaker label names the participant.
        if let Some(p) = ui.input(|i| i.pointer.hover_pos())
            && text_rect.contains(p)
        {
            let at = layout.hit(to_doc(p));
            let i = layout.para_of(at);
            let para = &layout.paras[i];
            if para.speaker_chars > 0 && at.get() < para.span.start.get() + para.speaker_chars {
                let who = doc.turn_at(at).and_then(|t| t.participant).and_then(|id| cx.project.participants.get(&id));
                let text = match who {
                    Some(w) if !w.group().is_empty() => format!("{} · {}", w.label(), w.group()),
                    Some(w) => w.label().to_string(),
                    None => "Speaker not linked to a participant".into(),
                };
                let _ = response.clone().on_hover_text_at_pointer(text);
            }
        }
    }
}

/// Code names in the margin, left of the stripes, each at the line where its coding
/// starts; a name that would overlap the one above is left out (the stripe still names it
/// on hover and to screen readers).
#[allow(clippy::too_many_arguments)]
fn stripe_names(
    marks: &[Mark],
    ui: &Ui,
    painter: &egui::Painter,
    layout: &mut DocLayout,
    vis_span: Span,
    origin: Pos2,
    lanes: usize,
    t: &crate::ui::Tokens,
) {
    let right = origin.x - 14.0 - lanes as f32 * (t.stripe_width + 2.0);
    let font = t.small_font();
    let row = ui.fonts_mut(|f| f.row_height(&font));
    let most = ((t.stripe_name_width - 12.0) / (t.small_size * 0.5)).floor().max(4.0) as usize;
    let mut free_from = f32::NEG_INFINITY;
    for m in marks.iter().filter(|m| m.span.start >= vis_span.start && m.span.start < vis_span.end) {
        let y = origin.y + layout.char_rect(m.span.start).top();
        if y < free_from {
            continue;
        }
        let name = if m.name.chars().count() > most {
            m.name.chars().take(most - 1).collect::<String>() + "…"
        } else {
            m.name.clone()
        };
        let r = painter.text(pos2(right, y), egui::Align2::RIGHT_TOP, name, font.clone(), t.text);
        painter.rect_filled(
            Rect::from_min_size(pos2(r.left() - 7.0, y + row * 0.25), vec2(4.0, row * 0.5)),
            1.0,
            t.code(m.colour),
        );
        free_from = y + row + 1.0;
    }
}

/// The names of the codes of the codings that overlap `span`, each once, in order.
fn codes_over(marks: &[Mark], span: Span) -> String {
    let mut names: Vec<&str> = Vec::new();
    for m in marks.iter().filter(|m| m.span.overlaps(&span)) {
        if !names.contains(&m.name.as_str()) {
            names.push(&m.name);
        }
    }
    names.join(", ")
}

/// What an empty project shows: how Tema works, in two lines, and the way in (Import). The
/// views that measure or draw the data (phases, map, triangulation) show it too while there is
/// no document, rather than a wall of zeros or exports of nothing.
pub(crate) fn first_steps(cx: &mut ViewCtx<'_>, ui: &mut Ui) {
    ui.add_space(48.0);
    ui.vertical_centered(|ui| {
        ui.set_max_width(ui.available_width().min(560.0));
        ui.heading("No documents yet");
        ui.add_space(8.0);
        ui.label("Import transcripts and field notes, then select a passage and press C to code it.");
        ui.label(
            "Cluster the codes into themes on the Themes board, review them against the data, and \
             export the quotes and tables for your paper.",
        );
        ui.add_space(16.0);
        let import = egui::Button::new(egui::RichText::new("Import documents…").size(cx.tokens.heading_size - 2.0));
        let hover = UiCommand::ImportFiles.hover_text(ui.ctx());
        if ui.add_enabled(!cx.read_only, import).on_hover_text(hover).clicked() {
            cx.command(UiCommand::ImportFiles);
        }
    });
}

/// The span with one boundary moved (the other stays), ordered.
fn resize(span: Span, start: bool, pos: CharPos) -> Span {
    let (a, b) = if start { (pos, span.end) } else { (span.start, pos) };
    Span { start: a.min(b), end: a.max(b) }
}

/// The word around a char position, within its paragraph.
fn word_at(text: &str, para: Span, at: CharPos) -> Span {
    let chars: Vec<char> = crate::model::text::slice(text, para).unwrap_or_default().chars().collect();
    let is_word = |c: char| c.is_alphanumeric() || c == '\'' || c == '’' || c == '-';
    let i = at.get().saturating_sub(para.start.get()).min(chars.len());
    let mut a = i;
    while a > 0 && is_word(chars[a - 1]) {
        a -= 1;
    }
    let mut b = i;
    while b < chars.len() && is_word(chars[b]) {
        b += 1;
    }
    Span::new(para.start.get() + a, para.start.get() + b)
}

impl View for DocumentView {
    fn kind(&self) -> ViewKind {
        ViewKind::Document
    }

    fn needs_documents(&self) -> bool {
        true
    }

    fn commands(&self) -> &'static [CommandSpec] {
        COMMANDS
    }

    fn ui(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui) {
        let Some(doc) = self.doc.and_then(|d| cx.project.documents.get(&d)) else {
            ui.add_space(40.0);
            ui.vertical_centered(|ui| {
                ui.label(
                    egui::RichText::new("Choose a document in the navigator to read and code it.")
                        .color(cx.tokens.weak_text),
                );
            });
            return;
        };
        self.header(cx, ui, doc);
        self.body(cx, ui, doc);
    }

    fn on_command(&mut self, command: UiCommand, cx: &mut ViewCtx<'_>) {
        match command {
            NEXT_TURN | PREVIOUS_TURN | NEXT_SENTENCE | PREVIOUS_SENTENCE | EXTEND_BY_SENTENCE => {
                self.step_selection(command, cx)
            }
            _ => self.command(command),
        }
    }

    fn on_action(&mut self, action: &Action, _project: &Project) {
        if let Action::OpenDocument { doc, reveal, .. } = action {
            self.open(*doc, *reveal);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_resizing() {
        let text = "J4: Det går bra, sa Åse-Marie.";
        let para = Span::new(0, text.chars().count());
        assert_eq!(crate::model::text::slice(text, word_at(text, para, CharPos(9))), Some("går"));
        assert_eq!(crate::model::text::slice(text, word_at(text, para, CharPos(22))), Some("Åse-Marie"));
        assert_eq!(resize(Span::new(5, 10), true, CharPos(12)), Span::new(10, 12));
        assert_eq!(resize(Span::new(5, 10), false, CharPos(8)), Span::new(5, 8));
        assert_eq!(fold('Ø'), 'ø');
    }
}
