//! Triangulation: themes (or codes) × participant groups (or any attribute, or documents).
//! Each cell shows its extracts or its participants ("4 of 6"), shaded by coverage; a click
//! opens the cell's extracts with who says them and the researcher's summary of the cell; each
//! row carries a converge / diverge / silent mark. A second tab shows code co-occurrence, a
//! third the charts (`views::chart`).
//! The table exports to every format the core writes.
//!
//! The view model is [`Matrix`] (built and cached by [`MatrixCache`]); this file only draws it
//! and queues edits. The first build of the matrix, the attribution index and the
//! co-occurrence table (every document worked) runs on a worker (`ui::cold::Warm`), with the
//! last figure or "Counting…" shown meanwhile; after that an edit re-works only its document
//! in the frame.

use crate::analysis::cooccurrence::{Cooccurrence, CooccurrenceCache, CooccurrenceOptions, Scope};
use crate::analysis::{Extract, Matrix, MatrixCache, MatrixOptions, RowSource, retrieval};
use crate::edit::Edit;
use crate::export::table::{CellContent, TableFormat, export};
use crate::model::*;
use crate::ui::cold::{Warm, counting};
use crate::ui::widgets::{FrozenTable, TablePart};
use crate::ui::{Action, Item, Tokens, View, ViewCtx, ViewKind};
use egui::{Color32, RichText, Sense, Ui, vec2};
use std::path::PathBuf;
use std::sync::Arc;

/// What the cells say.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Show {
    /// How many coded extracts.
    #[default]
    Extracts,
    /// Distinct participants against the column's: "4 of 6".
    Participants,
    /// The researcher's summaries.
    Summaries,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
enum Tab {
    #[default]
    Matrix,
    Cooccurrence,
    Chart,
}

const CELL: egui::Vec2 = vec2(84.0, 30.0);
const SUMMARY_CELL: egui::Vec2 = vec2(170.0, 58.0);
/// The widest the row names of the matrix get.
const ROW_HEADER_MAX: f32 = 300.0;
/// The triangulation mark's column.
const MARK_WIDTH: f32 = 150.0;
/// One count of the co-occurrence table.
const COOCCURRENCE_CELL: egui::Vec2 = vec2(40.0, 24.0);

/// What the view keeps between frames, each part kept per document.
#[derive(Default)]
struct Figures {
    matrix: MatrixCache,
    /// Each document's part of the co-occurrence table, kept by revision.
    cooccurrence: CooccurrenceCache,
}

/// The key of the view's jobs: one build of its figures at a time.
const JOB: &str = "triangulation-figures";

#[derive(Default)]
pub struct TriangulationView {
    pub options: MatrixOptions,
    pub show: Show,
    tab: Tab,
    /// The cell whose extracts are shown.
    pub selected: Option<(RowKey, ColumnKey)>,
    /// The matrix cache (with the attribution index every tab reads) and the co-occurrence
    /// parts, built on a worker when cold.
    figures: Warm<Figures>,
    /// The matrix last shown: shown again while a worker builds the figures.
    matrix: Option<Arc<Matrix>>,
    /// The summary being typed for the selected cell.
    draft: String,
    draft_for: Option<(RowKey, ColumnKey)>,
    /// The extracts of the selected cell, with the matrix they were read from.
    extracts: Option<(usize, Arc<Matrix>, Arc<Vec<Extract>>)>,
    scope: Scope,
    /// The table last shown (a new one clears the chosen pair).
    cooccurrence: Option<Arc<Cooccurrence>>,
    /// The co-occurring pair (indices into the codes) whose passages are shown.
    pair: Option<(usize, usize)>,
    export_format: Option<TableFormat>,
    export_content: CellContent,
    export_path: String,
    export_message: Option<(String, bool)>,
    chart: super::chart::ChartPanel,
}

impl View for TriangulationView {
    fn kind(&self) -> ViewKind {
        ViewKind::Triangulation
    }

    fn needs_documents(&self) -> bool {
        true
    }

    fn ui(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui) {
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.tab, Tab::Matrix, "Themes × groups");
            ui.selectable_value(&mut self.tab, Tab::Cooccurrence, "Co-occurrence");
            ui.selectable_value(&mut self.tab, Tab::Chart, "Chart");
        });
        match self.tab {
            Tab::Matrix => self.matrix_tab(cx, ui),
            Tab::Cooccurrence => self.cooccurrence_tab(cx, ui),
            Tab::Chart => {
                let p = cx.project;
                let cold = |f: &Figures, _: &Project| f.matrix.is_cold();
                let build = |f: &mut Figures, p: &Project| {
                    f.matrix.fresh_index(p);
                };
                match self.figures.get(cx, "Attributing codings", JOB, cold, build) {
                    Some(f) => self.chart.ui(cx, ui, f.matrix.fresh_index(p)),
                    None => counting(ui, cx.tokens),
                }
            }
        }
    }
}

impl TriangulationView {
    fn matrix_tab(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui) {
        let p = cx.project;
        self.options_bar(p, ui);
        self.options.coders = cx.coders.clone();
        // The matrix for the current options, rebuilt only after edits that change it; the
        // first build on a worker, the last matrix shown meanwhile.
        let options = self.options.clone();
        let on_worker = options.clone();
        let cold = |f: &Figures, _: &Project| f.matrix.is_cold();
        let build = move |f: &mut Figures, p: &Project| {
            f.matrix.get(p, &on_worker);
        };
        let m = match self.figures.get(cx, "Building the triangulation table", JOB, cold, build) {
            Some(f) => {
                let m = f.matrix.get(p, &options);
                self.matrix = Some(Arc::clone(&m));
                m
            }
            None => {
                counting(ui, cx.tokens);
                match &self.matrix {
                    Some(m) => Arc::clone(m),
                    None => return,
                }
            }
        };
        self.export_bar(cx, ui, &m);
        ui.separator();
        if m.rows.is_empty() {
            let what = match self.options.rows {
                RowSource::Themes => "No themes yet: group codes into themes, or show codes as rows.",
                RowSource::Codes => "No codes yet.",
            };
            ui.label(RichText::new(what).color(cx.tokens.weak_text));
            return;
        }
        let selected = self.selected.as_ref().and_then(|(r, c)| Some((m.row_index(*r)?, m.column_index(c)?)));
        // The matrix takes the width (tables grow sideways); a clicked cell opens below it.
        if let Some((r, c)) = selected {
            let height = ui.available_height();
            egui::Panel::bottom("triangulation-cell")
                .resizable(true)
                .default_size(height * 0.5)
                .min_size(160.0)
                .show(ui, |ui| self.cell_panel(cx, ui, &m, r, c));
        }
        egui::CentralPanel::default().frame(egui::Frame::NONE).show(ui, |ui| {
            if selected.is_none() {
                ui.label(
                    RichText::new("Click a cell to see its extracts, with who says them, and to write its summary.")
                        .color(cx.tokens.weak_text),
                );
            }
            self.grid(cx, ui, &m, selected);
        });
    }

    fn options_bar(&mut self, p: &Project, ui: &mut Ui) {
        ui.horizontal_wrapped(|ui| {
            let l = ui.label("Rows");
            egui::ComboBox::from_id_salt("triangulation-rows")
                .selected_text(match self.options.rows {
                    RowSource::Themes => "Themes",
                    RowSource::Codes => "Codes",
                })
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.options.rows, RowSource::Themes, "Themes");
                    ui.selectable_value(&mut self.options.rows, RowSource::Codes, "Codes");
                })
                .response
                .labelled_by(l.id);
            let l = ui.label("Columns");
            let mut choices = vec![Dimension::group()];
            choices.extend(retrieval::attributes(p).into_keys().filter(|k| k != "group").map(Dimension::attribute));
            choices.push(Dimension::Document);
            let sets = crate::edit::document_sets(p);
            if !sets.is_empty() {
                choices.push(Dimension::DocumentSet);
            }
            egui::ComboBox::from_id_salt("triangulation-columns")
                .selected_text(dimension_label(&self.options.columns))
                .show_ui(ui, |ui| {
                    for d in choices {
                        let label = dimension_label(&d);
                        ui.selectable_value(&mut self.options.columns, d, label);
                    }
                })
                .response
                .labelled_by(l.id);
            if !sets.is_empty() || self.options.set.is_some() {
                let l = ui.label("Which documents");
                let set_label = |s: &str| format!("Set “{s}”");
                egui::ComboBox::from_id_salt("triangulation-set")
                    .selected_text(self.options.set.as_deref().map_or_else(|| "All documents".into(), set_label))
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut self.options.set, None, "All documents");
                        for s in sets {
                            let label = set_label(&s);
                            ui.selectable_value(&mut self.options.set, Some(s), label);
                        }
                    })
                    .response
                    .on_hover_text("Only the documents of one set (\"Wave 1\"): counts, N and cells")
                    .labelled_by(l.id);
            }
            let l = ui.label("Cells");
            egui::ComboBox::from_id_salt("triangulation-show")
                .selected_text(show_label(self.show))
                .show_ui(ui, |ui| {
                    for s in [Show::Extracts, Show::Participants, Show::Summaries] {
                        ui.selectable_value(&mut self.show, s, show_label(s));
                    }
                })
                .response
                .labelled_by(l.id);
            ui.checkbox(&mut self.options.aggregate, "Include subthemes")
                .on_hover_text("A row also counts the extracts of the subthemes (child codes) under it");
            if self.options.rows == RowSource::Themes {
                ui.checkbox(&mut self.options.include_parked, "Parked themes");
            }
        });
    }

    fn export_bar(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, m: &Matrix) {
        ui.horizontal_wrapped(|ui| {
            let l = ui.label("Export");
            let format = self.export_format.unwrap_or(TableFormat::Xlsx);
            egui::ComboBox::from_id_salt("triangulation-export-format")
                .selected_text(TableFormat::label(format))
                .show_ui(ui, |ui| {
                    for f in TableFormat::ALL {
                        if ui.selectable_label(format == f, TableFormat::label(f)).clicked() {
                            self.export_format = Some(f);
                            self.set_extension(f);
                        }
                    }
                })
                .response
                .labelled_by(l.id);
            egui::ComboBox::from_id_salt("triangulation-export-content")
                .selected_text(self.export_content.label())
                .show_ui(ui, |ui| {
                    for c in CellContent::ALL {
                        ui.selectable_value(&mut self.export_content, c, c.label());
                    }
                })
                .response
                .on_hover_text("What each cell of the exported table says");
            let l = ui.label("File");
            if self.export_path.is_empty() {
                let name = format!("table.{}", format.extension());
                let folder = dirs::document_dir().or_else(dirs::home_dir).unwrap_or_default();
                self.export_path = folder.join(name).display().to_string();
            }
            ui.add(egui::TextEdit::singleline(&mut self.export_path).desired_width(220.0)).labelled_by(l.id);
            if ui.button("Browse…").on_hover_text("Choose where to save with your system's file dialog").clicked() {
                let picked = rfd::FileDialog::new()
                    .set_title("Export the table")
                    .set_file_name(self.export_path.clone())
                    .add_filter(TableFormat::label(format), &[format.extension()])
                    .save_file();
                match picked {
                    Some(path) => self.export_path = path.display().to_string(),
                    None => {
                        self.export_message = Some(("No file chosen: type the path instead.".into(), false));
                    }
                }
            }
            let some = !m.rows.is_empty() && !m.columns.is_empty();
            let export = ui.add_enabled(some, egui::Button::new("Export table"));
            let export = export.on_disabled_hover_text("Nothing to export yet: the table has no rows");
            if export.on_hover_text("Write the table to the file").clicked() {
                let outcome = self.write_export(m, format);
                let (text, error) = match outcome {
                    Ok(path) => (format!("Table written to {}", path.display()), false),
                    Err(e) => (e, true),
                };
                cx.push(Action::Status { text: text.clone(), error });
                self.export_message = Some((text, error));
            }
            if let Some((text, error)) = &self.export_message {
                let colour = if *error { cx.tokens.danger } else { cx.tokens.weak_text };
                ui.label(RichText::new(text).color(colour).size(cx.tokens.small_size));
            }
        });
    }

    /// Gives the typed file name the extension of a newly chosen format.
    fn set_extension(&mut self, f: TableFormat) {
        let path = PathBuf::from(self.export_path.trim());
        if !self.export_path.trim().is_empty() {
            self.export_path = path.with_extension(f.extension()).display().to_string();
        }
    }

    fn write_export(&self, m: &Matrix, format: TableFormat) -> Result<PathBuf, String> {
        let path = PathBuf::from(self.export_path.trim());
        if path.as_os_str().is_empty() {
            return Err("Type a file name to export to.".into());
        }
        let bytes = export(m, self.export_content, format).map_err(|e| e.to_string())?;
        crate::export::write_export(&path, &bytes).map_err(|e| e.to_string())?;
        Ok(path)
    }

    fn grid(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, m: &Matrix, selected: Option<(usize, usize)>) {
        let t = cx.tokens;
        let size = if self.show == Show::Summaries { SUMMARY_CELL } else { CELL };
        // Row names as wide as the longest needs (within bounds), so few are cut; the column
        // heads wrap onto two lines above their "N =" line.
        let body = egui::TextStyle::Body.resolve(ui.style());
        let widest = m
            .rows
            .iter()
            .map(|r| {
                18.0 * r.depth as f32
                    + ui.fonts_mut(|f| f.layout_no_wrap(r.label.clone(), body.clone(), t.text).size().x)
            })
            .fold(120.0_f32, f32::max);
        let row_head = (widest + 12.0).min(ROW_HEADER_MAX);
        let line = ui.text_style_height(&egui::TextStyle::Body);
        let head = 3.0 * line + 10.0;
        let mut widths = vec![size.x; m.columns.len()];
        widths.push(MARK_WIDTH);
        let marks = m.columns.len();
        let table = FrozenTable {
            row_head_width: row_head,
            column_head_height: head,
            column_widths: widths,
            row_height: size.y,
            rows: m.rows.len(),
            gap: 4.0,
        };
        table.show(ui, "triangulation-matrix", |ui, part| match part {
            TablePart::Corner => {
                ui.with_layout(egui::Layout::left_to_right(egui::Align::Max), |ui| {
                    ui.label(RichText::new(m.total_participants.to_string() + " participants").color(t.weak_text));
                });
            }
            TablePart::ColumnHead(c) if c == marks => {
                ui.with_layout(egui::Layout::bottom_up(egui::Align::Min), |ui| {
                    ui.label(RichText::new("Triangulation").strong())
                        .on_hover_text("Whether the columns converge, diverge or are silent on the row");
                });
            }
            TablePart::ColumnHead(c) => {
                let col = &m.columns[c];
                let n = if col.total() > 0 { format!("N = {}", col.total()) } else { "no participants".into() };
                ui.with_layout(egui::Layout::bottom_up(egui::Align::Min), |ui| {
                    ui.label(RichText::new(n).color(t.weak_text).size(t.small_size));
                    ui.add(egui::Label::new(RichText::new(&col.label).strong()).wrap()).on_hover_text(&col.label);
                });
            }
            TablePart::RowHead(r) => {
                let row = &m.rows[r];
                ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                    ui.add_space(18.0 * row.depth as f32);
                    let text = RichText::new(&row.label);
                    let text = if row.depth == 0 && m.is_hierarchical() { text.strong() } else { text };
                    ui.add(egui::Label::new(text).truncate()).on_hover_text(&row.label);
                });
            }
            TablePart::Cell(r, c) if c == marks => {
                ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| self.mark_picker(cx, ui, m, r));
            }
            TablePart::Cell(r, c) => {
                let (row, cell) = (&m.rows[r], &m.rows[r].cells[c]);
                let text = match self.show {
                    Show::Extracts => cell.extracts.len().to_string(),
                    Show::Participants => cell.participants_label(),
                    Show::Summaries => cell.summary.clone(),
                };
                let name = format!("{} × {}", row.label, m.columns[c].label);
                let detail = format!(
                    "{}: {} extract{}, {}{}",
                    name,
                    cell.extracts.len(),
                    if cell.extracts.len() == 1 { "" } else { "s" },
                    cell.participants_label(),
                    if cell.summary.is_empty() { String::new() } else { format!("\nSummary: {}", cell.summary) },
                );
                let on = selected == Some((r, c));
                if cell_button(ui, t, size, &text, &name, &detail, cell.shade, on, !cell.summary.is_empty()).clicked() {
                    self.selected = Some((row.key, m.columns[c].key.clone()));
                }
            }
        });
    }

    fn mark_picker(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, m: &Matrix, r: usize) {
        let row = &m.rows[r];
        let current = row.mark.map(RowMark::label).unwrap_or("—");
        let mut chosen = None;
        ui.add_enabled_ui(!cx.read_only, |ui| {
            egui::ComboBox::from_id_salt(("triangulation-mark", r))
                .selected_text(current)
                .width(130.0)
                .show_ui(ui, |ui| {
                    if ui.selectable_label(row.mark.is_none(), "—").clicked() {
                        chosen = Some(None);
                    }
                    for mark in RowMark::ALL {
                        if ui.selectable_label(row.mark == Some(mark), mark.label()).clicked() {
                            chosen = Some(Some(mark));
                        }
                    }
                })
                .response
                .on_hover_text(format!("How the columns of “{}” compare", row.label))
                // Named by its row (its text is only the mark), for screen readers and tests.
                .widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::ComboBox, !cx.read_only, format!("Mark of “{}”", row.label))
                });
        });
        if let Some(mark) = chosen
            && mark != row.mark
        {
            cx.edit(Edit::SetRowMark { row: row.key, across: m.options.columns.clone(), mark });
        }
    }

    fn cell_panel(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, m: &Arc<Matrix>, r: usize, c: usize) {
        let (row, column) = (&m.rows[r], &m.columns[c]);
        let Some(cell) = m.cell(r, c) else { return };
        let key = (row.key, column.key.clone());
        let stale =
            self.extracts.as_ref().is_none_or(|(at, mm, _)| *at != r * m.columns.len() + c || !Arc::ptr_eq(mm, m));
        if stale {
            let extracts = Arc::new(m.extracts(cx.project, r, c));
            self.extracts = Some((r * m.columns.len() + c, Arc::clone(m), extracts));
        }
        let extracts = self.extracts.as_ref().map(|(_, _, x)| Arc::clone(x)).unwrap_or_default();
        egui::Panel::left("triangulation-cell-summary").resizable(true).default_size(320.0).min_size(220.0).show(
            ui,
            |ui| {
                ui.add_space(4.0);
                ui.horizontal(|ui| {
                    ui.heading(&row.label);
                    if ui.small_button("Close").on_hover_text("Close the cell").clicked() {
                        self.selected = None;
                    }
                });
                ui.label(RichText::new(&column.label).strong());
                ui.label(
                    RichText::new(format!(
                        "{} extract{} · {}",
                        cell.extracts.len(),
                        if cell.extracts.len() == 1 { "" } else { "s" },
                        cell.participants_label()
                    ))
                    .color(cx.tokens.weak_text),
                );
                ui.add_space(6.0);
                self.summary_editor(cx, ui, key, &cell.summary);
            },
        );
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical().id_salt("triangulation-extracts").auto_shrink(false).show(ui, |ui| {
                if extracts.is_empty() {
                    ui.label(RichText::new("No extracts in this cell.").color(cx.tokens.weak_text));
                }
                for e in extracts.iter() {
                    extract_card(cx, ui, e);
                }
            });
        });
    }

    /// The cell's summary, typed straight into the project: one undo step per cell and gesture.
    fn summary_editor(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, key: (RowKey, ColumnKey), stored: &str) {
        let l = ui.label(RichText::new("Summary").strong());
        let id = egui::Id::unique("triangulation-summary");
        let editing = ui.memory(|mem| mem.has_focus(id));
        // Follow the project (undo, another cell) unless the researcher is typing.
        if self.draft_for.as_ref() != Some(&key) || (!editing && self.draft != stored) {
            self.draft = stored.to_string();
            self.draft_for = Some(key.clone());
        }
        let edit = egui::TextEdit::multiline(&mut self.draft)
            .id(id)
            .hint_text("What this group says about the theme")
            .desired_rows(5)
            .desired_width(f32::INFINITY);
        let response = ui.add_enabled(!cx.read_only, edit).labelled_by(l.id);
        if response.changed() {
            let coalesce = format!("summary {:?} {:?}", key.0, key.1);
            cx.edit_coalescing(Edit::SetCellSummary { row: key.0, column: key.1, text: self.draft.clone() }, coalesce);
        }
    }

    fn cooccurrence_tab(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui) {
        let p = cx.project;
        let t = cx.tokens;
        ui.horizontal(|ui| {
            let l = ui.label("Codes meet");
            egui::ComboBox::from_id_salt("cooccurrence-scope")
                .selected_text(scope_label(self.scope))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.scope, Scope::Overlap, scope_label(Scope::Overlap));
                    ui.selectable_value(&mut self.scope, Scope::Turn, scope_label(Scope::Turn));
                })
                .response
                .labelled_by(l.id);
        });
        let options = CooccurrenceOptions { scope: self.scope, coders: cx.coders.clone(), set: None };
        // The matrix cache keeps the attribution index up to date by re-working only the
        // documents an edit touched, and the co-occurrence cache likewise works only their
        // parts of the table again; the first build of either runs on a worker.
        let on_worker = options.clone();
        let cold = |f: &Figures, _: &Project| f.matrix.is_cold() || f.cooccurrence.is_cold(&options);
        let build = move |f: &mut Figures, p: &Project| {
            f.cooccurrence.get(p, f.matrix.fresh_index(p), &on_worker);
        };
        let co = match self.figures.get(cx, "Counting co-occurrences", JOB, cold, build) {
            Some(f) => f.cooccurrence.get(p, f.matrix.fresh_index(p), &options),
            None => {
                counting(ui, t);
                match &self.cooccurrence {
                    Some(co) => Arc::clone(co),
                    None => return,
                }
            }
        };
        if self.cooccurrence.as_ref().is_none_or(|last| !Arc::ptr_eq(last, &co)) {
            self.cooccurrence = Some(Arc::clone(&co));
            self.pair = None;
        }
        ui.separator();
        if co.pairs.is_empty() {
            ui.label(RichText::new("No two codes meet yet.").color(t.weak_text));
            return;
        }
        // Only codes that meet some other code, so the table stays readable.
        let shown: Vec<usize> =
            (0..co.codes.len()).filter(|i| co.pairs.iter().any(|x| x.a == *i || x.b == *i)).collect();
        let busiest = co.pairs.iter().map(|x| x.count).max().unwrap_or(1).max(1);
        // The passages of a clicked pair open below the table, as a matrix cell's extracts do.
        if let Some(x) = self.pair.and_then(|(a, b)| co.pairs.iter().find(|x| x.a == a && x.b == b)) {
            let height = ui.available_height();
            egui::Panel::bottom("cooccurrence-pair").resizable(true).default_size(height * 0.45).min_size(140.0).show(
                ui,
                |ui| {
                    ui.horizontal(|ui| {
                        ui.heading(format!("{} + {}", co.codes[x.a].name, co.codes[x.b].name));
                        ui.label(
                            RichText::new(format!("{} time{}", x.count, if x.count == 1 { "" } else { "s" }))
                                .color(t.weak_text),
                        );
                        if ui.small_button("Close").on_hover_text("Close the passages").clicked() {
                            self.pair = None;
                        }
                    });
                    egui::ScrollArea::vertical().id_salt("cooccurrence-passages").auto_shrink(false).show(ui, |ui| {
                        ui.set_max_width(ui.available_width().min(760.0));
                        for o in &x.occurrences {
                            occurrence_card(cx, ui, o.doc, o.span, o.codings.first().copied());
                        }
                    });
                },
            );
        }
        egui::CentralPanel::default().frame(egui::Frame::NONE).show(ui, |ui| {
            if self.pair.is_none() {
                ui.label(RichText::new("Click a count to see where the two codes meet.").color(t.weak_text));
            }
            // Column heads are the codes' whole names written upwards, so the table stays
            // narrow and both axes are named; heads and row names stay in view while the
            // counts scroll under them.
            let font = t.small_font();
            let measure = |ui: &Ui, text: &str, font: &egui::FontId| {
                ui.fonts_mut(|f| f.layout_no_wrap(text.to_string(), font.clone(), t.text).size().x)
            };
            let names: Vec<String> = shown.iter().map(|&j| short_name(&co.codes[j].name, 48)).collect();
            let head = names.iter().map(|n| measure(ui, n, &font)).fold(20.0_f32, f32::max) + 8.0;
            let body = egui::TextStyle::Body.resolve(ui.style());
            let row_head =
                shown.iter().map(|&i| measure(ui, &co.codes[i].name, &body)).fold(80.0_f32, f32::max).min(280.0) + 8.0;
            let table = FrozenTable {
                row_head_width: row_head,
                column_head_height: head,
                column_widths: vec![COOCCURRENCE_CELL.x; shown.len()],
                row_height: COOCCURRENCE_CELL.y,
                rows: shown.len(),
                gap: 3.0,
            };
            table.show(ui, "cooccurrence-table", |ui, part| match part {
                TablePart::Corner => {}
                TablePart::ColumnHead(c) => {
                    let j = shown[c];
                    let rect = ui.max_rect();
                    let r = ui.allocate_rect(rect, Sense::hover());
                    let galley = ui.fonts_mut(|f| f.layout_no_wrap(names[c].clone(), font.clone(), t.text));
                    let at = egui::pos2(rect.center().x - galley.size().y / 2.0, rect.bottom() - 4.0);
                    ui.painter()
                        .add(egui::epaint::TextShape::new(at, galley, t.text).with_angle(-std::f32::consts::FRAC_PI_2));
                    let path = co.codes[j].path.clone();
                    r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::ColumnHeader, true, &path));
                    r.on_hover_text(&co.codes[j].path);
                }
                TablePart::RowHead(r) => {
                    let entry = &co.codes[shown[r]];
                    ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                        let r = ui.add(egui::Label::new(&entry.name).truncate());
                        r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::RowHeader, true, &entry.path));
                        r.on_hover_text(format!("{} ({} in all)", entry.path, entry.total));
                    });
                }
                TablePart::Cell(r, c) => {
                    let (i, j) = (shown[r], shown[c]);
                    let (a, b) = (i.min(j), i.max(j));
                    let n = if i == j { 0 } else { co.count(co.codes[a].id, co.codes[b].id) };
                    let name = format!("{} + {}", co.codes[a].name, co.codes[b].name);
                    let shade = if n == 0 { 0 } else { (1 + 3 * n / busiest).min(4) as u8 };
                    let text = if i == j || n == 0 { String::new() } else { n.to_string() };
                    let on = self.pair == Some((a, b));
                    let hover = format!("{name}: {n}");
                    let r = cell_button(ui, t, COOCCURRENCE_CELL, &text, &name, &hover, shade, on, false);
                    if r.clicked() && n > 0 {
                        self.pair = Some((a, b));
                    }
                }
            });
        });
    }
}

/// One cell of a table: a shaded, clickable box whose accessible name is `name`.
#[allow(clippy::too_many_arguments)]
fn cell_button(
    ui: &mut Ui,
    t: &Tokens,
    size: egui::Vec2,
    text: &str,
    name: &str,
    hover: &str,
    shade: u8,
    selected: bool,
    has_summary: bool,
) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(size, Sense::click());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, name));
    let painter = ui.painter_at(rect);
    let fill = if shade == 0 { Color32::TRANSPARENT } else { t.speaker.gamma_multiply(0.08 + 0.1 * f32::from(shade)) };
    painter.rect_filled(rect, 3.0, fill);
    let stroke = if selected {
        egui::Stroke::new(2.0, t.focus)
    } else if response.hovered() {
        egui::Stroke::new(1.0, t.weak_text)
    } else {
        egui::Stroke::new(0.5, t.weak_text.gamma_multiply(0.4))
    };
    painter.rect_stroke(rect, 3.0, stroke, egui::StrokeKind::Inside);
    if has_summary {
        // A dot in the corner: this cell has a written summary.
        painter.circle_filled(rect.right_top() + vec2(-6.0, 6.0), 3.0, t.speaker);
    }
    let font = egui::FontId::proportional(if text.len() > 12 { t.small_size } else { t.body_size - 1.0 });
    let galley = ui.painter().layout(text.to_string(), font, t.text, size.x - 10.0);
    let at = if galley.size().y > size.y - 6.0 {
        rect.left_top() + vec2(5.0, 3.0)
    } else {
        rect.center() - galley.size() / 2.0
    };
    painter.galley(at, galley, t.text);
    if response.hovered() && !hover.is_empty() {
        response.clone().on_hover_text(hover);
    }
    response.on_hover_cursor(egui::CursorIcon::PointingHand)
}

/// One extract of a cell: who says it and where, its text cut at speaker turns (parts that put
/// it in this cell in full colour, the rest as context), and a jump to the source.
fn extract_card(cx: &mut ViewCtx<'_>, ui: &mut Ui, e: &Extract) {
    let t = cx.tokens;
    egui::Frame::new().fill(t.page).inner_margin(8.0).corner_radius(4.0).show(ui, |ui| {
        ui.set_width(ui.available_width());
        // Who says it, then where: one label, so a screen reader reads it as one line.
        let who = e.speakers_label();
        let who = if who.is_empty() { "Unattributed".to_string() } else { who };
        let mut head = egui::text::LayoutJob::default();
        let strong = egui::TextFormat { font_id: t.body_font(), color: t.text, ..Default::default() };
        let weak = egui::TextFormat { font_id: t.body_font(), color: t.weak_text, ..Default::default() };
        head.append(&who, 0.0, strong);
        head.append(&format!(" · {} · {} · coded by {}", e.doc_name, e.code_name, e.coders_label()), 0.0, weak);
        ui.label(head);
        let mut job = egui::text::LayoutJob::default();
        let font = egui::FontId::proportional(t.body_size - 1.0);
        for part in &e.parts {
            let colour = if part.counts_here { t.text } else { t.weak_text };
            let format = egui::TextFormat { font_id: font.clone(), color: colour, ..Default::default() };
            job.append(&part.text, 0.0, format);
        }
        job.wrap.max_width = ui.available_width();
        ui.label(job);
        if !e.comment.is_empty() {
            ui.label(RichText::new(format!("Comment: {}", e.comment)).italics().color(t.weak_text));
        }
        if ui.small_button("Go to source").on_hover_text("Open the document at this passage").clicked() {
            cx.push(Action::OpenDocument { doc: e.doc, reveal: Some(e.span), coding: Some(e.coding) });
            cx.push(Action::Select(Some(Item::Coding(e.coding))));
            cx.push(Action::ShowView(ViewKind::Document));
        }
    });
    ui.add_space(6.0);
}

/// Where two codes meet: the passage, and a jump to it.
fn occurrence_card(cx: &mut ViewCtx<'_>, ui: &mut Ui, doc: DocId, span: Span, coding: Option<CodingId>) {
    let t = cx.tokens;
    let Some(d) = cx.project.documents.get(&doc) else { return };
    let speaker = d.turn_at(span.start).map(|x| x.speaker.clone()).unwrap_or_default();
    egui::Frame::new().fill(t.page).inner_margin(8.0).corner_radius(4.0).show(ui, |ui| {
        ui.set_width(ui.available_width());
        let place = if speaker.is_empty() { d.name().to_string() } else { format!("{speaker} · {}", d.name()) };
        ui.label(RichText::new(place).color(t.weak_text));
        ui.label(RichText::new(d.slice(span).unwrap_or_default()).size(t.body_size - 1.0));
        if ui.small_button("Go to source").on_hover_text("Open the document at this passage").clicked() {
            cx.push(Action::OpenDocument { doc, reveal: Some(span), coding });
            cx.push(Action::ShowView(ViewKind::Document));
        }
    });
    ui.add_space(6.0);
}

fn dimension_label(d: &Dimension) -> String {
    match d {
        Dimension::Attribute { name } if name == "group" => "Participant group".into(),
        Dimension::Attribute { name } => {
            let mut s = name.clone();
            if let Some(first) = s.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            s
        }
        Dimension::Document => "Document".into(),
        Dimension::DocumentSet => "Document set".into(),
    }
}

fn show_label(s: Show) -> &'static str {
    match s {
        Show::Extracts => "Extracts",
        Show::Participants => "Participants (n of N)",
        Show::Summaries => "Summaries",
    }
}

fn scope_label(s: Scope) -> &'static str {
    match s {
        Scope::Overlap => "in overlapping codings",
        Scope::Turn => "in the same speaker turn",
    }
}

/// A name cut to `most` chars with "…", for a column head.
fn short_name(name: &str, most: usize) -> String {
    if name.chars().count() > most { name.chars().take(most - 1).collect::<String>() + "…" } else { name.to_string() }
}
