//! The phase tracker: Braun and Clarke's six phases with progress measured from the project
//! (documents read, documents coded, codes in no theme, themes without a definition, themes
//! not yet reviewed, quotes per final theme). Every figure opens to the items behind it, and
//! each item is a link to where it can be worked on.

use crate::analysis::phases::{Figure, PhaseProgress, Ref, tracker_with};
use crate::model::*;
use crate::ui::{Action, Item, View, ViewCtx, ViewKind};
use egui::{RichText, Sense, Ui, vec2};

/// What the phases were measured at: the revision and the coder scope.
type PhasesKey = (u64, crate::analysis::CoderScope);

#[derive(Default)]
pub struct PhasesView {
    /// The phases for the revision and coder scope they were measured at (shared, so a frame
    /// copies nothing).
    cached: Option<(PhasesKey, std::rc::Rc<Vec<PhaseProgress>>)>,
}

fn name(p: &Project, r: Ref) -> String {
    match r {
        Ref::Document(d) => p.documents.get(&d).map(|d| d.name().to_string()),
        Ref::Code(c) => Some(p.code_path(c)),
        Ref::Theme(t) => p.themes.get(&t).map(|t| t.name().to_string()),
        Ref::Quote(q) => p.quotes.get(&q).and_then(|q| {
            let d = p.documents.get(&q.doc)?;
            let text = d.slice(q.props.span)?;
            let short: String = text.chars().take(60).collect();
            Some(format!("{} — “{short}{}”", d.name(), if short.len() < text.len() { "…" } else { "" }))
        }),
    }
    .unwrap_or_else(|| "?".into())
}

/// Where a click on an item goes.
fn open(cx: &mut ViewCtx<'_>, r: Ref) {
    match r {
        Ref::Document(doc) => cx.push(Action::OpenDocument { doc, reveal: None, coding: None }),
        Ref::Code(code) => cx.push(Action::Retrieve(code)),
        Ref::Theme(t) => {
            cx.push(Action::Select(Some(Item::Theme(t))));
            cx.push(Action::ShowView(ViewKind::Themes));
        }
        Ref::Quote(q) => {
            if let Some(quote) = cx.project.quotes.get(&q) {
                cx.push(Action::OpenDocument { doc: quote.doc, reveal: Some(quote.props.span), coding: quote.coding });
            }
        }
    }
}

impl PhasesView {
    fn figure(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, phase: usize, i: usize, f: &Figure) {
        let tk = cx.tokens;
        let p = cx.project;
        if f.is_count() {
            // A plain count (quotes of one final theme): the line itself opens to the items.
            if f.done.is_empty() {
                ui.label(RichText::new(f.text()).color(tk.danger));
                return;
            }
            egui::CollapsingHeader::new(f.text()).id_salt(("phase-figure", phase, i)).default_open(false).show(
                ui,
                |ui| {
                    for r in &f.done {
                        if ui.link(name(p, *r)).clicked() {
                            open(cx, *r);
                        }
                    }
                },
            );
            return;
        }
        if f.total() == 0 {
            // Nothing to count yet: no empty bar, the line says so.
            ui.label(RichText::new(f.text()).color(tk.weak_text));
            return;
        }
        ui.horizontal(|ui| {
            let fraction = f.done.len() as f32 / f.total() as f32;
            let (rect, _) = ui.allocate_exact_size(vec2(120.0, 8.0), Sense::hover());
            ui.painter().rect_filled(rect, 3.0, tk.weak_text.gamma_multiply(0.25));
            let mut done = rect;
            done.set_width(rect.width() * fraction);
            ui.painter().rect_filled(done, 3.0, tk.ok);
            let mark = if f.complete() { "✔ " } else { "" };
            ui.label(RichText::new(format!("{mark}{}", f.text())));
        });
        let items = f.done.len() + f.todo.len();
        if items == 0 {
            return;
        }
        let title = if f.todo.is_empty() {
            format!("show the {}", f.done.len())
        } else {
            format!("{} {}", f.todo.len(), f.todo_label)
        };
        egui::CollapsingHeader::new(RichText::new(title).small())
            .id_salt(("phase-figure", phase, i))
            .default_open(false)
            .show(ui, |ui| {
                if !f.todo.is_empty() {
                    ui.label(RichText::new(f.todo_label).small().strong());
                    for r in &f.todo {
                        if ui.link(name(p, *r)).clicked() {
                            open(cx, *r);
                        }
                    }
                }
                if !f.done.is_empty() && !f.todo.is_empty() {
                    ui.add_space(4.0);
                    ui.label(RichText::new("done").small().strong());
                }
                for r in &f.done {
                    if ui.link(name(p, *r)).clicked() {
                        open(cx, *r);
                    }
                }
            });
    }
}

impl View for PhasesView {
    fn kind(&self) -> ViewKind {
        ViewKind::Phases
    }

    fn needs_documents(&self) -> bool {
        true
    }

    fn ui(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui) {
        let key = (cx.project.revisions.all, cx.coders.clone());
        if self.cached.as_ref().is_none_or(|(k, _)| *k != key) {
            let coded = cx.cache.coded_documents(cx.project, &cx.coders);
            self.cached = Some((key.clone(), std::rc::Rc::new(tracker_with(cx.project, &cx.coders, coded))));
        }
        let phases = self.cached.as_ref().map(|(_, v)| std::rc::Rc::clone(v)).unwrap_or_default();
        egui::ScrollArea::vertical().id_salt("phases").auto_shrink([false, false]).show(ui, |ui| {
            ui.label(
                RichText::new(
                    "How far each phase has come, measured from the project. Open a figure to see the items behind it.",
                )
                .color(cx.tokens.weak_text),
            );
            ui.add_space(6.0);
            for (n, ph) in phases.iter().enumerate() {
                ui.label(RichText::new(format!("{}. {}", ph.phase.number(), ph.phase.label())).strong().size(16.0));
                ui.indent(("phase", n), |ui| {
                    for (i, f) in ph.figures.iter().enumerate() {
                        self.figure(cx, ui, n, i, f);
                    }
                });
                ui.add_space(8.0);
            }
        });
    }
}
