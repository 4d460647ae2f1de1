//! Reviewing a theme against its data (phase 4): every extract of its codes (subthemes
//! included) grouped by subtheme, code or participant, with "fits" / "does not fit" marks,
//! counts of extracts and participants by participant group, and a warning when the theme
//! rests on one participant or one document. A mode of the themes board.

use crate::analysis::themes::{GroupBy, ReviewCache};
use crate::edit::themes;
use crate::model::*;
use crate::ui::{Action, ViewCtx};
use egui::{RichText, Ui};

#[derive(Default)]
pub struct ReviewPanel {
    pub group_by: GroupBy,
    /// Each document's extracts of the theme, kept by revision, and the last review.
    cache: ReviewCache,
}

impl ReviewPanel {
    pub fn ui(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, theme: ThemeId) {
        let p = cx.project;
        let Some(t) = p.themes.get(&theme) else { return };
        let r = self.cache.get(p, theme, self.group_by, &cx.coders);
        let tk = cx.tokens;
        ui.heading(format!("Reviewing “{}”", t.name()));
        if !t.props.definition.concept.trim().is_empty() {
            ui.label(RichText::new(t.props.definition.concept.trim()).italics().color(tk.weak_text));
        }
        ui.label(
            RichText::new(format!(
                "{} extracts from {} documents, {} participants — {} fit, {} do not fit, {} not yet marked",
                r.extracts.len(),
                r.documents,
                r.participants,
                r.fits,
                r.does_not_fit,
                r.unmarked()
            ))
            .strong(),
        );
        for w in &r.warnings {
            ui.label(RichText::new(format!("⚠ {}", w.message())).color(tk.danger));
        }
        if !r.by_group.is_empty() {
            egui::Grid::new("review-by-group").striped(true).num_columns(3).show(ui, |ui| {
                ui.label(RichText::new("Group").strong());
                ui.label(RichText::new("Extracts").strong());
                ui.label(RichText::new("Participants").strong());
                ui.end_row();
                for g in &r.by_group {
                    let name = if g.group.is_empty() { "No group / unattributed" } else { g.group.as_str() };
                    ui.label(name);
                    ui.label(g.extracts.to_string());
                    ui.label(if g.of > 0 {
                        format!("{} of {}", g.participants, g.of)
                    } else {
                        g.participants.to_string()
                    });
                    ui.end_row();
                }
            });
        }
        ui.horizontal(|ui| {
            ui.label("Group by");
            for g in GroupBy::ALL {
                ui.selectable_value(&mut self.group_by, g, g.label());
            }
        });
        ui.separator();
        if r.extracts.is_empty() {
            ui.label(RichText::new("Add codes to this theme to see their extracts here.").color(tk.weak_text));
            return;
        }
        egui::ScrollArea::vertical().id_salt(("review", theme)).auto_shrink([false, false]).show(ui, |ui| {
            for g in &r.groups {
                let title = format!(
                    "{} — {} extracts, {} participant{}",
                    g.label,
                    g.extracts.len(),
                    g.participants,
                    if g.participants == 1 { "" } else { "s" }
                );
                egui::CollapsingHeader::new(title).id_salt(("review-group", &g.label)).default_open(true).show(
                    ui,
                    |ui| {
                        for i in &g.extracts {
                            let Some(e) = r.extracts.get(*i) else { continue };
                            self.extract(cx, ui, theme, e);
                        }
                    },
                );
            }
        });
    }

    fn extract(
        &mut self,
        cx: &mut ViewCtx<'_>,
        ui: &mut Ui,
        theme: ThemeId,
        e: &crate::analysis::themes::ReviewExtract,
    ) {
        let p = cx.project;
        let tk = cx.tokens;
        let x = &e.extract;
        let doc = p.documents.get(&x.doc).map(|d| d.name()).unwrap_or("?");
        let who = x.speakers_label();
        let who = if who.is_empty() { "unattributed".to_string() } else { who };
        let text = x.text();
        let code = p.codes.get(&x.code).map(|c| c.name()).unwrap_or("?");
        let frame = egui::Frame::new().inner_margin(egui::Margin::same(6)).corner_radius(4.0).fill(match e.mark {
            Some(Fit::Fits) => tk.ok.gamma_multiply(0.12),
            Some(Fit::DoesNotFit) => tk.danger.gamma_multiply(0.12),
            None => tk.page,
        });
        frame.show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(RichText::new(format!("“{}”", text.trim())).size(tk.body_size - 1.0));
            ui.horizontal_wrapped(|ui| {
                let by = x.coders_label();
                ui.label(RichText::new(format!("{who} · {doc} · {code} · coded by {by}")).small().color(tk.weak_text));
                let start: String = text.split_whitespace().take(5).collect::<Vec<_>>().join(" ");
                for (mark, label) in [(Fit::Fits, "✔ Fits"), (Fit::DoesNotFit, "✖ Does not fit")] {
                    let on = e.mark == Some(mark);
                    let r = ui.add_enabled(!cx.read_only, egui::Button::selectable(on, label));
                    let verdict = if mark == Fit::Fits { "Fits" } else { "Does not fit" };
                    let name = format!("{verdict}: {start}");
                    r.widget_info(|| egui::WidgetInfo::selected(egui::Role::Button, true, on, &name));
                    if r.clicked() {
                        let others = x.codings.get(1..).unwrap_or_default();
                        cx.edit(themes::review_mark(p, theme, x.coding, others, (!on).then_some(mark)));
                    }
                }
                if ui.link("Open in document").clicked() {
                    cx.push(Action::OpenDocument { doc: x.doc, reveal: Some(x.span), coding: Some(x.coding) });
                }
            });
        });
        ui.add_space(4.0);
    }
}
