//! Charts in the app (the Triangulation view's Chart tab): the same [`Chart`] view model the
//! SVG and PNG exports write, drawn with egui's painter, and exported from here.

use crate::analysis::AttributionIndex;
use crate::export::chart::{self, Chart, ChartKind};
use crate::export::image::PRINT_SCALE;
use crate::model::{Named, Project};
use crate::ui::ViewCtx;
use egui::{Align2, Color32, FontId, RichText, Sense, Stroke, Ui, pos2, vec2};
use std::sync::Arc;

const LABEL_WIDTH: f32 = 220.0;
const BAR: f32 = 13.0;
const GAP: f32 = 8.0;

/// The Chart tab's state: which chart, the chart for the project revision it was built
/// from, and where to export it.
#[derive(Default)]
pub struct ChartPanel {
    kind: Option<ChartKind>,
    cached: Option<((ChartKind, u64), Arc<Chart>)>,
    path: String,
}

impl ChartPanel {
    /// The chart, built from the Triangulation view's attribution index (refreshed per
    /// edited document) rather than attributing every coding again after each edit.
    fn chart(&mut self, p: &Project, index: &AttributionIndex, kind: ChartKind) -> Arc<Chart> {
        let key = (kind, p.revisions.all);
        match &self.cached {
            Some((k, c)) if *k == key => c.clone(),
            _ => {
                let c = Arc::new(Chart::build_with(p, index, kind));
                self.cached = Some((key, c.clone()));
                c
            }
        }
    }

    pub fn ui(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, index: &AttributionIndex) {
        let p = cx.project;
        let t = cx.tokens;
        let mut kind = self.kind.unwrap_or(ChartKind::ThemesByGroup);
        ui.horizontal_wrapped(|ui| {
            for k in ChartKind::ALL {
                ui.selectable_value(&mut kind, k, k.label());
            }
        });
        self.kind = Some(kind);
        let c = self.chart(p, index, kind);
        ui.horizontal(|ui| {
            if self.path.is_empty() {
                let folder = dirs::document_dir().or_else(dirs::home_dir).unwrap_or_default();
                self.path = folder.join(format!("{}.svg", kind.slug())).display().to_string();
            }
            let l = ui.label("Export to");
            ui.add(egui::TextEdit::singleline(&mut self.path).desired_width(260.0)).labelled_by(l.id);
            for png in [false, true] {
                let (label, hint) = if png {
                    ("Export PNG", "A PNG at 300 dpi, 6.5 inches wide, for print")
                } else {
                    ("Export SVG", "An SVG, 6.5 inches wide, that scales without loss")
                };
                if ui.button(label).on_hover_text(hint).clicked() {
                    self.export(cx, &c, kind, png);
                }
            }
        });
        ui.separator();
        if c.categories.is_empty() {
            ui.label(RichText::new("Nothing to chart yet.").color(t.weak_text));
            return;
        }
        // Legend.
        ui.horizontal_wrapped(|ui| {
            for (i, name) in c.series.iter().enumerate() {
                let (rect, _) = ui.allocate_exact_size(vec2(12.0, 12.0), Sense::hover());
                ui.painter().rect_filled(rect, 2.0, colour(i));
                ui.label(name);
            }
        });
        egui::ScrollArea::vertical().id_salt("chart-bars").auto_shrink(false).show(ui, |ui| draw(ui, cx, &c));
    }

    fn export(&mut self, cx: &mut ViewCtx<'_>, c: &Chart, kind: ChartKind, png: bool) {
        let svg = chart::svg(c, &format!("{}: {}", cx.project.settings.name, kind.label()));
        super::export_picture(cx, &mut self.path, "the chart", svg, png.then_some(PRINT_SCALE));
    }
}

fn colour(i: usize) -> Color32 {
    Color32::from_hex(chart::series_colour(i)).unwrap_or(Color32::GRAY)
}

/// One row per category: its label, then one bar per series with its figure.
fn draw(ui: &mut Ui, cx: &ViewCtx<'_>, c: &Chart) {
    let t = cx.tokens;
    let font = FontId::proportional(t.small_size);
    let plot = (ui.available_width() - LABEL_WIDTH - 60.0).max(120.0);
    for cat in &c.categories {
        let n = cat.bars.len().max(1) as f32;
        let height = (n * BAR).max(t.small_size * 1.4) + GAP;
        let (rect, response) = ui.allocate_exact_size(vec2(LABEL_WIDTH + plot + 60.0, height), Sense::hover());
        let painter = ui.painter_at(rect);
        let indent = 12.0 * cat.depth as f32;
        painter.text(
            pos2(rect.left() + indent, rect.center().y),
            Align2::LEFT_CENTER,
            &cat.label,
            font.clone(),
            t.text,
        );
        let x0 = rect.left() + LABEL_WIDTH;
        painter.line_segment([pos2(x0, rect.top()), pos2(x0, rect.bottom())], Stroke::new(1.0, t.weak_text));
        let top = rect.top() + (height - n * BAR) / 2.0;
        let mut tip = Vec::new();
        for (i, bar) in cat.bars.iter().enumerate() {
            let len = if c.max > 0.0 { (bar.value / c.max).clamp(0.0, 1.0) as f32 * plot } else { 0.0 };
            let y = top + i as f32 * BAR;
            let r = egui::Rect::from_min_size(pos2(x0, y), vec2(len, BAR - 2.0));
            painter.rect_filled(r, 1.0, colour(i));
            painter.text(
                pos2(x0 + len + 4.0, r.center().y),
                Align2::LEFT_CENTER,
                &bar.label,
                font.clone(),
                t.weak_text,
            );
            tip.push(format!("{}: {}", c.series.get(i).map(String::as_str).unwrap_or(""), bar.label));
        }
        // What a screen reader says for the row (and what a test finds): the figures, in words.
        let spoken = format!("{}: {}", cat.label, tip.join(", "));
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, spoken.clone()));
        response.on_hover_text(format!("{}\n{}", cat.label, tip.join("\n")));
    }
    ui.label(RichText::new(&c.axis).color(t.weak_text).size(t.small_size));
}
