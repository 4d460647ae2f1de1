//! The analysis trail: a timeline of decisions and reflexive journal entries (filtered by
//! theme, code, person and kind), the life of one theme, the thematic map at any date on a
//! slider, and Braun and Clarke's checklist with the author's answers. Also the small "why?"
//! prompt the app shows after a merge, a split or a status change.
//!
//! Everything shown is computed by the core (`crate::trail`); this file only draws it and
//! turns input into edits (checklist answers) or a reason for the store to record.

use crate::model::*;
use crate::trail::checklist::{Point, answer_edit, checklist};
use crate::trail::history::{ThemeLife, journal_near, theme_lives};
use crate::trail::{Decision, Filter, Kind, MapState, SubjectKind, Trail, map_at};
use crate::ui::{View, ViewCtx, ViewKind};
use egui::{RichText, Ui};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Timeline,
    Life,
    Map,
    Checklist,
}

impl Tab {
    const ALL: [Tab; 4] = [Tab::Timeline, Tab::Life, Tab::Map, Tab::Checklist];

    fn label(self) -> &'static str {
        match self {
            Tab::Timeline => "Timeline",
            Tab::Life => "Life of a theme",
            Tab::Map => "Map through time",
            Tab::Checklist => "Checklist",
        }
    }
}

/// One row of the timeline: a decision or a journal entry.
enum Row {
    Decision(usize),
    Journal(MemoId),
}

#[derive(Default)]
pub struct TrailView {
    pub tab: Tab,
    /// The trail as last read, with the revision it was read at, and how far its files were
    /// read: after an edit only what was appended is read.
    trail: Option<(u64, Trail)>,
    read_up_to: crate::trail::file::ReadUpTo,
    /// Set when something was added to the trail without an edit (a reason): read it again.
    pub stale: bool,
    theme: Option<ThemeId>,
    code: Option<CodeId>,
    who: Option<String>,
    kind: Option<Kind>,
    show_journal: bool,
    show_codings: bool,
    /// The theme whose life is shown.
    life: Option<ThemeId>,
    /// The position of the map slider: how many moments of the trail are folded in.
    moment: usize,
    map: Option<(usize, MapState)>,
    checklist: Option<(u64, Vec<Point>)>,
    answers: Vec<String>,
}

impl TrailView {
    fn trail(&mut self, cx: &ViewCtx<'_>) -> &Trail {
        use crate::trail::file::{load_up_to, read_appended};
        let rev = cx.project.revisions.all;
        if self.stale || self.trail.as_ref().is_none_or(|(r, _)| *r != rev) {
            // What was appended since the last read, when the files were only appended to;
            // else (and the first time) the whole trail.
            let added = match &mut self.trail {
                Some((at, t)) => match read_appended(cx.project_dir, &mut self.read_up_to) {
                    Ok(Some((new, warnings))) => {
                        let any = !new.is_empty() || !warnings.is_empty();
                        t.extend(new, warnings).then(|| {
                            *at = rev;
                            any
                        })
                    }
                    _ => None,
                },
                None => None,
            };
            if added.is_none() {
                let (t, read_up_to) = load_up_to(cx.project_dir).unwrap_or_default();
                self.trail = Some((rev, t));
                self.read_up_to = read_up_to;
            }
            self.stale = false;
            if added != Some(false) {
                self.map = None;
                self.checklist = None;
            }
        }
        static EMPTY: std::sync::OnceLock<Trail> = std::sync::OnceLock::new();
        self.trail.as_ref().map(|(_, t)| t).unwrap_or_else(|| EMPTY.get_or_init(Trail::default))
    }

    fn filter(&self) -> Filter {
        Filter {
            subject: self.theme.map(|t| t.0).or(self.code.map(|c| c.0)),
            who: self.who.clone(),
            kinds: self.kind.into_iter().collect(),
            hide_codings: !self.show_codings && self.kind != Some(Kind::Codings),
            ..Filter::default()
        }
    }

    fn filters(&mut self, cx: &ViewCtx<'_>, ui: &mut Ui, people: &[String]) {
        let p = cx.project;
        ui.horizontal_wrapped(|ui| {
            let themes = p.themes.values().map(|t| (t.id, t.name().to_string()));
            any_of(ui, "Theme", "trail-theme", &mut self.theme, "any", themes);
            let codes = p.codes.values().map(|c| (c.id, c.name().to_string()));
            any_of(ui, "Code", "trail-code", &mut self.code, "any", codes);
            any_of(ui, "Who", "trail-who", &mut self.who, "anyone", people.iter().map(|w| (w.clone(), w.clone())));
            let kinds = Kind::ALL.into_iter().filter(|k| *k != Kind::Why).map(|k| (k, k.label().to_string()));
            any_of(ui, "Kind", "trail-kind", &mut self.kind, "any", kinds);
            ui.checkbox(&mut self.show_journal, "Journal entries");
            ui.checkbox(&mut self.show_codings, "Coding counts");
        });
    }

    fn timeline(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui) {
        let people = self.trail(cx).people();
        self.filters(cx, ui, &people);
        ui.separator();
        let filter = self.filter();
        let trail = self.trail.take().unwrap_or_default();
        let p = cx.project;
        let mut rows: Vec<(Timestamp, Row)> = trail
            .1
            .decisions
            .iter()
            .enumerate()
            .filter(|(_, d)| filter.matches(d))
            .map(|(i, d)| (d.at, Row::Decision(i)))
            .collect();
        if self.show_journal && self.kind.is_none() {
            for m in p.memos.values().filter(|m| m.props.target == MemoTarget::Journal) {
                rows.push((m.created, Row::Journal(m.id)));
            }
        }
        // Newest first: the decision just made is at the top.
        rows.sort_by_key(|r| std::cmp::Reverse(r.0));
        if rows.is_empty() {
            let text = if trail.1.decisions.is_empty() {
                "No decisions recorded yet. Creating, renaming, merging or splitting codes and themes, changing a \
                 theme's status or definition, settling a difference or correcting a text adds to the trail."
            } else {
                "No decisions match these filters."
            };
            ui.label(RichText::new(text).color(cx.tokens.weak_text));
        }
        let row_height = ui.text_style_height(&egui::TextStyle::Body) * 2.4;
        egui::ScrollArea::vertical().id_salt("trail-rows").auto_shrink([false, false]).show_rows(
            ui,
            row_height,
            rows.len(),
            |ui, range| {
                for (_, row) in &rows[range] {
                    match row {
                        Row::Decision(i) => self.decision_row(cx, ui, &trail.1.decisions[*i]),
                        Row::Journal(id) => {
                            if let Some(m) = p.memos.get(id) {
                                journal_row(cx, ui, m);
                            }
                        }
                    }
                }
            },
        );
        self.trail = Some(trail);
    }

    fn decision_row(&mut self, cx: &ViewCtx<'_>, ui: &mut Ui, d: &Decision) {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(d.at.format("%Y-%m-%d %H:%M").to_string()).color(cx.tokens.weak_text).monospace());
            ui.label(RichText::new(&d.who).color(cx.tokens.weak_text));
            ui.label(RichText::new(d.kind.label()).strong());
            for s in &d.subjects {
                if s.kind == SubjectKind::Theme {
                    let r = ui.link(&s.name).on_hover_text("Show the life of this theme");
                    if r.clicked() {
                        self.life = Some(ThemeId(s.id));
                        self.tab = Tab::Life;
                    }
                } else if !s.name.is_empty() {
                    ui.label(format!("“{}”", s.name));
                }
            }
            match (&d.before, &d.after) {
                (Some(b), Some(a)) => {
                    ui.label(format!("{b} ⏵ {a}"));
                }
                // A creation names what it made: the subject already says it.
                (None, Some(a)) if !d.subjects.iter().any(|s| &s.name == a) => {
                    ui.label(a);
                }
                (None, Some(_)) => {}
                (Some(b), None) => {
                    ui.label(format!("was {b}"));
                }
                (None, None) => {}
            }
            if d.kind == Kind::Codings {
                ui.label(format!("+{} −{}", d.count.unwrap_or(0), d.removed.unwrap_or(0)));
            } else if let Some(n) = d.count {
                ui.label(format!("{n} replacement{}", if n == 1 { "" } else { "s" }));
            }
        });
        if let Some(why) = &d.why {
            ui.label(RichText::new(format!("    why: {why}")).italics());
        }
    }

    fn life(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui) {
        let p = cx.project;
        let lives: Vec<ThemeLife> = theme_lives(self.trail(cx), p);
        if self.life.is_none() {
            self.life = lives.first().map(|l| l.id);
        }
        let current = lives.iter().find(|l| Some(l.id) == self.life);
        egui::ComboBox::from_label("Theme")
            .selected_text(current.map(|l| l.name().to_string()).unwrap_or_default())
            .show_ui(ui, |ui| {
                for l in &lives {
                    let name = if l.exists { l.name().to_string() } else { format!("{} (gone)", l.name()) };
                    ui.selectable_value(&mut self.life, Some(l.id), name);
                }
            });
        ui.separator();
        let Some(l) = current else {
            ui.label(RichText::new("No themes yet.").color(cx.tokens.weak_text));
            return;
        };
        egui::ScrollArea::vertical().id_salt("trail-life").auto_shrink([false, false]).show(ui, |ui| {
            ui.label(RichText::new(l.name()).size(cx.tokens.heading_size).strong());
            if l.names.len() > 1 {
                ui.label(format!("Names: {}", l.names.join(" ⏵ ")));
            }
            ui.label(drawable(&format!("Status: {}", l.status_path())));
            if let Some(t) = p.themes.get(&l.id) {
                let codes: Vec<&str> = t.codes.iter().filter_map(|c| p.codes.get(c)).map(|c| c.name()).collect();
                ui.label(format!("Codes now: {}", if codes.is_empty() { "none".into() } else { codes.join(", ") }));
                if !t.props.definition.concept.trim().is_empty() {
                    ui.label(format!("Definition: {}", t.props.definition.concept.trim()));
                }
            }
            ui.add_space(6.0);
            if l.events.is_empty() {
                ui.label(RichText::new("The trail records no decisions about this theme.").color(cx.tokens.weak_text));
            }
            for e in &l.events {
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(e.at.format("%Y-%m-%d").to_string()).monospace().color(cx.tokens.weak_text));
                    ui.label(drawable(&e.what));
                });
                if let Some(why) = &e.why {
                    ui.label(RichText::new(format!("    why: {why}")).italics());
                }
                for m in journal_near(p, e.at, 1) {
                    let title = if m.props.title.trim().is_empty() { "Journal" } else { m.props.title.trim() };
                    let body: String = m.props.body.chars().take(240).collect();
                    ui.label(RichText::new(format!("    📓 {title}: {body}")).color(cx.tokens.weak_text));
                }
            }
        });
    }

    fn map(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui) {
        let moments: Vec<Timestamp> = {
            let t = self.trail(cx);
            let mut m: Vec<Timestamp> = t.decisions.iter().filter(|d| !d.map.is_empty()).map(|d| d.at).collect();
            m.dedup();
            m
        };
        if moments.is_empty() {
            ui.label(
                RichText::new("The trail holds no changes to the map yet: the map through time starts with the first decision about a code or theme.")
                    .color(cx.tokens.weak_text),
            );
            return;
        }
        if self.moment == 0 || self.moment > moments.len() {
            self.moment = moments.len();
        }
        ui.horizontal(|ui| {
            ui.label("Date");
            let r = ui.add(egui::Slider::new(&mut self.moment, 1..=moments.len()).show_value(false));
            r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Slider, true, "Map date"));
            let at = moments[self.moment - 1];
            ui.label(RichText::new(at.format("%Y-%m-%d %H:%M").to_string()).strong());
            ui.label(
                RichText::new(format!("(change {} of {})", self.moment, moments.len())).color(cx.tokens.weak_text),
            );
        });
        let at = moments[self.moment - 1];
        if self.map.as_ref().is_none_or(|(m, _)| *m != self.moment) {
            let map = map_at(self.trail(cx), at);
            self.map = Some((self.moment, map));
        }
        let Some((_, map)) = &self.map else { return };
        ui.separator();
        egui::ScrollArea::vertical().id_salt("trail-map").auto_shrink([false, false]).show(ui, |ui| {
            if map.themes.is_empty() {
                ui.label(RichText::new("No themes on this date.").color(cx.tokens.weak_text));
            }
            for (_, t, subs) in map.outline() {
                egui::Frame::group(ui.style()).show(ui, |ui| {
                    ui.set_width(ui.available_width().min(560.0));
                    ui.label(RichText::new(format!("{} · {}", t.name, t.status.label())).strong());
                    let codes: Vec<String> = t.codes.iter().map(|c| map.code_label(cx.project, *c)).collect();
                    if !codes.is_empty() {
                        ui.label(RichText::new(codes.join(", ")).color(cx.tokens.weak_text));
                    }
                    for (_, s) in subs {
                        ui.indent(("sub", &s.name), |ui| {
                            ui.label(format!("{} · {}", s.name, s.status.label()));
                            let codes: Vec<String> = s.codes.iter().map(|c| map.code_label(cx.project, *c)).collect();
                            if !codes.is_empty() {
                                ui.label(RichText::new(codes.join(", ")).color(cx.tokens.weak_text));
                            }
                        });
                    }
                });
            }
        });
    }

    fn checklist(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui) {
        let rev = cx.project.revisions.all;
        if self.checklist.as_ref().is_none_or(|(r, _)| *r != rev) {
            let points = checklist(cx.project, self.trail(cx));
            self.checklist = Some((rev, points));
        }
        let points = self.checklist.as_ref().map(|(_, p)| p.clone()).unwrap_or_default();
        if self.answers.len() != points.len() {
            self.answers = points.iter().map(|p| p.answer.clone().unwrap_or_default()).collect();
        }
        ui.label(
            RichText::new("Braun & Clarke's 15-point checklist, with what the project can show for each point and your own answer.")
                .color(cx.tokens.weak_text),
        );
        egui::ScrollArea::vertical().id_salt("trail-checklist").auto_shrink([false, false]).show(ui, |ui| {
            let mut section = "";
            for (i, pt) in points.iter().enumerate() {
                if pt.section != section {
                    ui.add_space(6.0);
                    ui.label(RichText::new(pt.section).size(cx.tokens.heading_size).strong());
                    section = pt.section;
                }
                ui.label(RichText::new(format!("{}. {}", pt.number, pt.criterion)).strong());
                ui.indent(("point", pt.number), |ui| {
                    for e in &pt.evidence {
                        ui.label(e.text());
                    }
                    let answer = &mut self.answers[i];
                    let r = ui.add(
                        egui::TextEdit::multiline(answer)
                            .desired_rows(1)
                            .desired_width(ui.available_width().min(640.0))
                            .hint_text("Your answer"),
                    );
                    r.widget_info(|| {
                        egui::WidgetInfo::labeled(egui::Role::TextInput, true, format!("Answer to point {}", pt.number))
                    });
                    if r.changed()
                        && !cx.read_only
                        && let Some(edit) = answer_edit(cx.project, pt.number, answer)
                    {
                        cx.edit_coalescing(edit, format!("checklist-{}", pt.number));
                    }
                    if !r.has_focus() && pt.answer.as_deref().unwrap_or("") != answer.trim() && !r.changed() {
                        *answer = pt.answer.clone().unwrap_or_default();
                    }
                });
            }
        });
    }
}

/// The core's texts with the arrow egui's bundled fonts cannot draw (U+2192) as one they can.
/// A filter's combo box: `any` (`None`) or one of `options` (a value and its label), named
/// `label` for screen readers and tests.
fn any_of<T: PartialEq + Clone>(
    ui: &mut Ui,
    label: &str,
    id: &str,
    value: &mut Option<T>,
    any: &str,
    options: impl Iterator<Item = (T, String)>,
) {
    let options: Vec<(T, String)> = options.collect();
    let shown = value.as_ref().and_then(|v| options.iter().find(|(o, _)| o == v)).map(|(_, l)| l.clone());
    ui.label(label);
    let r =
        egui::ComboBox::from_id_salt(id).selected_text(shown.unwrap_or_else(|| any.to_string())).show_ui(ui, |ui| {
            ui.selectable_value(value, None, any);
            for (o, l) in &options {
                ui.selectable_value(value, Some(o.clone()), l.as_str());
            }
        });
    r.response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, label));
}

fn drawable(s: &str) -> String {
    s.replace('\u{2192}', "⏵")
}

fn journal_row(cx: &ViewCtx<'_>, ui: &mut Ui, m: &Memo) {
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(m.created.format("%Y-%m-%d %H:%M").to_string()).color(cx.tokens.weak_text).monospace());
        ui.label(RichText::new("journal").strong());
        let title = if m.props.title.trim().is_empty() { String::new() } else { format!("{}: ", m.props.title.trim()) };
        let body: String = m.props.body.chars().take(160).collect();
        ui.label(RichText::new(format!("{title}{body}")).italics());
    });
}

impl View for TrailView {
    fn kind(&self) -> ViewKind {
        ViewKind::Trail
    }

    fn trail_changed(&mut self) {
        self.stale = true;
    }

    fn ui(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui) {
        ui.horizontal(|ui| {
            for t in Tab::ALL {
                ui.selectable_value(&mut self.tab, t, t.label());
            }
        });
        ui.separator();
        match self.tab {
            Tab::Timeline => self.timeline(cx, ui),
            Tab::Life => self.life(cx, ui),
            Tab::Map => self.map(cx, ui),
            Tab::Checklist => self.checklist(cx, ui),
        }
    }
}

/// The small prompt after a merge, a split or a status change: why? (skippable).
#[derive(Clone, Debug)]
pub struct WhyPrompt {
    pub decision: uuid::Uuid,
    pub summary: String,
    pub text: String,
}

/// What the researcher did with the prompt.
pub enum WhyOutcome {
    Save(uuid::Uuid, String),
    Skip,
}

impl WhyPrompt {
    /// A prompt for the first decision that asks for a reason, if any.
    pub fn after(decisions: &[Decision]) -> Option<WhyPrompt> {
        decisions.iter().find(|d| d.kind.asks_why()).map(|d| WhyPrompt {
            decision: d.id,
            summary: drawable(&d.summary()),
            text: String::new(),
        })
    }

    pub fn show(&mut self, ctx: &egui::Context) -> Option<WhyOutcome> {
        let mut out = None;
        egui::Window::new("Why?")
            .id(egui::Id::unique("why-prompt"))
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::RIGHT_BOTTOM, egui::vec2(-16.0, -40.0))
            .show(ctx, |ui| {
                ui.set_max_width(380.0);
                ui.label(&self.summary);
                ui.label("Why? A sentence for the analysis trail (optional).");
                let r = ui.add(egui::TextEdit::multiline(&mut self.text).desired_rows(2).hint_text("Because…"));
                r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Reason"));
                ui.horizontal(|ui| {
                    if ui.button("Record reason").clicked() && !self.text.trim().is_empty() {
                        out = Some(WhyOutcome::Save(self.decision, self.text.trim().to_string()));
                    }
                    if ui.button("Skip").clicked() {
                        out = Some(WhyOutcome::Skip);
                    }
                });
            });
        out
    }
}
