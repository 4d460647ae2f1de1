//! The Quotes view's "Attribution…" panel: how quotes are labelled (`J{n}`, `FG1, E3/E5`)
//! and when they are set as blocks — the project's [`QuoteSettings`], edited as a draft
//! with the labels it would give shown as you type, and applied as one undoable edit.

use crate::edit::Edit;
use crate::model::*;
use crate::quotes::{self, Attributor};
use crate::ui::{Tokens, ViewCtx};
use egui::{RichText, Ui};

/// A draft of the project's quote settings.
pub struct AttributionPanel {
    /// The template typed for each participant group of the project ("" = the default).
    groups: Vec<(String, String)>,
    draft: QuoteSettings,
    /// What the draft started from, to tell whether anything changed.
    base: QuoteSettings,
}

impl AttributionPanel {
    pub fn new(p: &Project) -> Self {
        let base = p.settings.quotes.clone();
        let groups = groups_of(p)
            .into_iter()
            .map(|g| {
                let key = name_key(&g);
                let typed = base
                    .attribution
                    .groups
                    .iter()
                    .find(|t| name_key(&t.group) == key)
                    .map(|t| t.template.clone())
                    .unwrap_or_default();
                (g, typed)
            })
            .collect();
        Self { groups, draft: base.clone(), base }
    }

    /// The settings the panel stands for now: group templates typed in the panel replace
    /// those of the same group; templates of groups the project no longer has are kept.
    fn settings(&self) -> QuoteSettings {
        let mut s = self.draft.clone();
        for (group, template) in &self.groups {
            let key = name_key(group);
            s.attribution.groups.retain(|t| name_key(&t.group) != key);
            if !template.trim().is_empty() {
                s.attribution.set_group(group, template.trim());
            }
        }
        s
    }

    /// Draws the panel; returns true when it should close.
    pub fn ui(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui) -> bool {
        // Changed elsewhere (undo, another window): follow, unless there is typing to keep.
        if cx.project.settings.quotes != self.base {
            if self.settings() == self.base {
                *self = Self::new(cx.project);
            } else {
                self.base = cx.project.settings.quotes.clone();
            }
        }
        let t = cx.tokens;
        let mut close = false;
        crate::ui::widgets::form_frame(t).show(ui, |ui| {
            ui.label(RichText::new("How quotes are attributed").strong());
            ui.label(
                RichText::new(
                    "Placeholders: {label} {n} (number within the group) {pseudonym} {group} {attr:NAME} {doc}; \
                     focus groups also {speakers}. Text without placeholders is a fixed label, such as CLI.",
                )
                .color(t.weak_text),
            );
            let current = self.settings();
            egui::Grid::new("attribution-templates").num_columns(3).spacing([10.0, 4.0]).show(ui, |ui| {
                ui.label(RichText::new("Who").color(t.weak_text));
                ui.label(RichText::new("Label").color(t.weak_text));
                ui.label(RichText::new("Example").color(t.weak_text));
                ui.end_row();
                for (group, template) in &mut self.groups {
                    template_field(ui, group, template, &current.attribution.default_template, 180.0);
                    example(ui, t, cx.project, &current, Some(group.as_str()));
                    ui.end_row();
                }
                template_field(ui, "Everyone else", &mut self.draft.attribution.default_template, "", 180.0);
                example(ui, t, cx.project, &current, None);
                ui.end_row();
                template_field(ui, "Focus groups", &mut self.draft.attribution.focus_group_template, "", 180.0);
                ui.label("");
                ui.end_row();
                let unattributed = &mut self.draft.attribution.unattributed_template;
                template_field(ui, "No speaker (field notes)", unattributed, "", 180.0);
                ui.label("");
                ui.end_row();
                template_field(ui, "Between speakers", &mut self.draft.attribution.speaker_separator, "", 60.0);
                ui.label("");
                ui.end_row();
            });
            ui.checkbox(&mut self.draft.attribution.use_pseudonyms, "Use a participant's pseudonym when they have one");
            ui.horizontal(|ui| {
                let l = ui.label("Set quotes of");
                ui.add(egui::DragValue::new(&mut self.draft.block_words).range(1..=1000)).labelled_by(l.id);
                ui.label("words or more as block quotes (APA: 40)");
            });
            let settings = self.settings();
            let problem = settings.problem();
            match &problem {
                Some(why) => {
                    ui.label(RichText::new(format!("Cannot apply: {why}")).color(t.danger));
                }
                None => preview(ui, t, cx.project, &settings),
            }
            ui.horizontal(|ui| {
                let changed = settings != self.base;
                let apply = egui::Button::new("Apply");
                if ui.add_enabled(changed && problem.is_none() && !cx.read_only, apply).clicked() {
                    let all = Settings { quotes: settings.clone(), ..cx.project.settings.clone() };
                    cx.edit(Edit::SetSettings { settings: all });
                    self.base = settings;
                }
                if ui.button("Defaults").on_hover_text("Labels as written, APA's 40-word blocks").clicked() {
                    self.draft = QuoteSettings::default();
                    for (_, template) in &mut self.groups {
                        template.clear();
                    }
                }
                if ui.button("Close").clicked() {
                    close = true;
                }
            });
        });
        close
    }
}

/// The participant groups of a project, in the order of the participants list.
/// A field of the templates grid after its label, which names it; an empty `hint` shows none.
fn template_field(ui: &mut Ui, label: &str, text: &mut String, hint: &str, width: f32) {
    let l = ui.label(label);
    let mut field = egui::TextEdit::singleline(text);
    if !hint.is_empty() {
        field = field.hint_text(hint);
    }
    ui.add_sized([width, 20.0], field).labelled_by(l.id);
}

fn groups_of(p: &Project) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for x in p.participants.values() {
        let g = x.group().trim();
        if !g.is_empty() && !out.iter().any(|o| name_key(o) == name_key(g)) {
            out.push(g.to_string());
        }
    }
    out
}

/// The label the first participant of a group (or of no listed group) would get.
fn example(ui: &mut Ui, t: &Tokens, p: &Project, settings: &QuoteSettings, group: Option<&str>) {
    let listed: Vec<String> = settings.attribution.groups.iter().map(|g| name_key(&g.group)).collect();
    let who = p.participants.values().find(|x| match group {
        Some(g) => name_key(x.group()) == name_key(g),
        None => !x.props.interviewer && !listed.contains(&name_key(x.group())),
    });
    let text = match who {
        Some(x) if settings.problem().is_none() => {
            let a = Attributor::with_scheme(p, &settings.attribution);
            format!("{} as {}", x.label(), a.participant_label(x, None))
        }
        _ => String::new(),
    };
    ui.label(RichText::new(text).color(t.weak_text));
}

/// How the first few quotes of the project would be attributed.
fn preview(ui: &mut Ui, t: &Tokens, p: &Project, settings: &QuoteSettings) {
    let a = Attributor::with_scheme(p, &settings.attribution);
    // The first quotes are enough to see the scheme at work (this runs every frame).
    let labels: Vec<String> = p
        .quotes
        .values()
        .take(60)
        .filter_map(|q| {
            let doc = p.documents.get(&q.doc)?;
            let text = quotes::QuoteText::new(doc, &q.props).ok()?;
            Some(a.quote(doc, &text).label)
        })
        .fold(Vec::new(), |mut seen, l| {
            if !seen.contains(&l) {
                seen.push(l);
            }
            seen
        });
    if labels.is_empty() {
        return;
    }
    let shown: Vec<String> = labels.iter().take(8).map(|l| format!("({l})")).collect();
    let more = if labels.len() > 8 { format!(" and {} more", labels.len() - 8) } else { String::new() };
    ui.label(RichText::new(format!("Your quotes would read: {}{more}", shown.join(" "))).color(t.text));
}
