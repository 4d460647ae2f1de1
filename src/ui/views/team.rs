//! Team: who is coding, agreement between coders per code, the differences between two coders
//! on a document with their text (jump to the passage, settle each one into the consensus
//! log), codes that seem to mean the same, and bringing in another copy of the project.
//!
//! All figures and edits come from `crate::team`; this file only draws them and queues the
//! edits they produce. The agreement report is kept per document (`KeptAgreement`: after an
//! edit only the edited document is counted again), its first build runs on a worker
//! (`ui::cold::Warm`), the comparison is rebuilt only when its document changes, and coders'
//! counts come from the project's index: no frame walks every coding.

use crate::model::*;
use crate::store::Store;
use crate::team::agreement::{AgreementOptions, AgreementOverview, AgreementReport, Figures, KeptAgreement};
use crate::team::compare::{self, Choice, CodeChoice, Comparison, Decision, Difference, Target};
use crate::team::merge::{MergePlan, plan_merge};
use crate::ui::cold::{Warm, counting};
use crate::ui::widgets::swatch;
use crate::ui::{Action, Item, View, ViewCtx, ViewKind};
use egui::{RichText, Ui};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// A merge planned on a worker: what it would bring in, against which revision of the project.
pub struct MergePreview {
    pub from: PathBuf,
    pub revision: u64,
    pub plan: Result<MergePlan, String>,
}

/// Where a settled difference's outcome is recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// A separate "Consensus" coder: both independent codings stay as they were.
    Consensus,
    /// The first compared coder's codings change.
    CoderA,
    CoderB,
}

/// What identifies a difference across frames: the codings on its two sides.
type DiffKey = (Option<CodingId>, Option<CodingId>);

fn key(d: &Difference) -> DiffKey {
    (d.a.as_ref().map(|c| c.coding), d.b.as_ref().map(|c| c.coding))
}

#[derive(Default)]
pub struct TeamView {
    /// Coders in the agreement report (empty until chosen: every coder with codings).
    chosen: Vec<CoderId>,
    /// The pair compared on a document.
    pair: Option<(CoderId, CoderId)>,
    doc: Option<DocId>,
    include_uncoded: bool,
    /// Agreement over all documents, or over the compared document only.
    agreement_this_doc: bool,
    show_resolved: bool,
    outcome: Option<Outcome>,
    notes: HashMap<DiffKey, String>,
    new_codes: HashMap<DiffKey, String>,
    merge_path: String,
    merge: Option<MergePreview>,
    merging: bool,
    /// Each document's agreement counts, kept by revision; built on a worker the first time.
    kept: Warm<KeptAgreement>,
    /// The report's head (overall figures, documents left out), put together from the kept
    /// sums after each change; shared, so a frame takes it without copying. The whole report,
    /// with every document's figures, is made only when copied.
    report: Option<(ReportKey, Result<Arc<AgreementOverview>, String>)>,
    comparison: Option<(CompareKey, Result<Arc<Comparison>, String>)>,
    /// How many differences are listed (a page more on request): a document two coders coded
    /// differently in hundreds of places would otherwise lay out hundreds of cards every frame.
    differences_listed: usize,
    /// The height of a row of the agreement table, and of each difference's card, as last
    /// drawn: rows and cards out of view take that space without being laid out.
    agreement_row_height: Option<f32>,
    card_heights: HashMap<DiffKey, f32>,
}

/// Differences listed at first, and added by "Show more".
const DIFFERENCES_PAGE: usize = 30;

type ReportKey = (u64, Vec<CoderId>, bool, Option<DocId>);
/// What a comparison shows: the document's codings, text and consensus entries (its revision),
/// the codes' names and colours (the codebook's), the two coders' names and colours, and the
/// document's name.
type CompareKey = (DocId, CoderId, CoderId, u64, u64, [Option<(String, Colour)>; 2], Option<String>);

/// Coders who have coded something, in team order.
fn coding_coders(p: &Project) -> Vec<CoderId> {
    p.coders.keys().copied().filter(|c| p.coding_count_of_coder(*c) > 0).collect()
}

fn coder_name(p: &Project, c: CoderId) -> String {
    p.coders.get(&c).map(|c| c.name.clone()).unwrap_or_default()
}

fn figure(v: Option<f64>, decimals: usize) -> String {
    v.map(|x| format!("{x:.decimals$}")).unwrap_or_else(|| "—".into())
}

/// At most `max` characters of a passage, on one line.
fn excerpt(text: &str, max: usize) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        one_line
    } else {
        let cut: String = one_line.chars().take(max).collect();
        format!("{}…", cut.trim_end())
    }
}

impl TeamView {
    /// Keeps the chosen coders, pair and document valid for the project as it is now.
    fn settle_choices(&mut self, p: &Project) {
        let coding = coding_coders(p);
        self.chosen.retain(|c| p.coders.contains_key(c));
        if self.chosen.len() < 2 {
            self.chosen = coding.iter().copied().take(2).collect();
        }
        let valid = |c: &CoderId| p.coders.contains_key(c);
        if self.pair.is_none_or(|(a, b)| a == b || !valid(&a) || !valid(&b)) {
            self.pair = match self.chosen.as_slice() {
                [a, b, ..] => Some((*a, *b)),
                _ => None,
            };
        }
        if self.doc.is_none_or(|d| !p.documents.contains_key(&d)) {
            // The first document both compared coders coded, else the first one.
            let both = self.pair.and_then(|(a, b)| {
                p.documents
                    .keys()
                    .copied()
                    .find(|d| p.codings_of_doc(*d).any(|c| c.coder == a) && p.codings_of_doc(*d).any(|c| c.coder == b))
            });
            self.doc = both.or_else(|| p.documents.keys().next().copied());
        }
    }

    /// The agreement options the view's choices make.
    fn options(&self) -> AgreementOptions {
        let doc = if self.agreement_this_doc { self.doc } else { None };
        AgreementOptions {
            coders: self.chosen.clone(),
            docs: doc.into_iter().collect(),
            include_uncoded: self.include_uncoded,
        }
    }

    /// The kept counts, ready to be brought up to date in the frame; `None` while a worker
    /// makes the first counts (or counts for other coders or units).
    fn kept(&mut self, cx: &mut ViewCtx<'_>, opts: &AgreementOptions) -> Option<&mut KeptAgreement> {
        let on_worker = opts.clone();
        self.kept.get(
            cx,
            "Counting agreement",
            "team-agreement",
            |k, p| k.is_cold(p, opts),
            move |k, p| {
                // An error (too few coders) is reported by the frame's own refresh.
                let _ = k.refresh(p, &on_worker);
            },
        )
    }

    /// The agreement overview and whether it is current: put together from the kept sums after
    /// each change (only edited documents are counted again, and subtracted and added to the
    /// sums); while a worker makes the first counts, the last overview (if any) and `false`.
    fn report(&mut self, cx: &mut ViewCtx<'_>) -> Option<(&Result<Arc<AgreementOverview>, String>, bool)> {
        let p = cx.project;
        let opts = self.options();
        let key = (p.revisions.all, opts.coders.clone(), opts.include_uncoded, opts.docs.first().copied());
        let current = self.report.as_ref().is_some_and(|(k, _)| *k == key);
        if !current && let Some(kept) = self.kept(cx, &opts) {
            self.report = Some((key, kept.overview(p, &opts).map(Arc::new).map_err(|e| e.to_string())));
            return self.report.as_ref().map(|(_, r)| (r, true));
        }
        self.report.as_ref().map(|(_, r)| (r, current))
    }

    /// The whole report, every document's figures included, from the kept counts (current:
    /// the overview was just made from them); an error goes to the status bar.
    fn whole_report(&mut self, cx: &mut ViewCtx<'_>) -> Option<AgreementReport> {
        let opts = self.options();
        let p = cx.project;
        match self.kept(cx, &opts)?.report(p, &opts) {
            Ok(report) => Some(report),
            Err(e) => {
                cx.push(Action::Status { text: e.to_string(), error: true });
                None
            }
        }
    }

    fn comparison(&mut self, p: &Project) -> Option<&Result<Arc<Comparison>, String>> {
        let ((a, b), doc) = (self.pair?, self.doc?);
        let coder = |c: CoderId| p.coders.get(&c).map(|c| (c.name.clone(), c.colour));
        let doc_name = p.documents.get(&doc).map(|d| d.name().to_string());
        let key = (doc, a, b, p.revisions.doc(doc), p.revisions.codebook, [coder(a), coder(b)], doc_name);
        if self.comparison.as_ref().is_none_or(|(k, _)| *k != key) {
            if self.comparison.as_ref().is_some_and(|(k, _)| k.0 != doc) {
                self.card_heights.clear();
            }
            self.comparison = Some((key, Comparison::build(p, doc, a, b).map(Arc::new).map_err(|e| e.to_string())));
        }
        self.comparison.as_ref().map(|(_, c)| c)
    }

    // ---- sections ----

    fn coders_section(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui) {
        let p = cx.project;
        ui.horizontal_wrapped(|ui| {
            let l = ui.label("Coding as");
            let current = if cx.coder_name.is_empty() { "nobody yet".to_string() } else { cx.coder_name.to_string() };
            let mut chosen: Option<String> = None;
            egui::ComboBox::from_id_salt("team-coding-as")
                .selected_text(current)
                .show_ui(ui, |ui| {
                    for c in p.coders.values() {
                        if ui.selectable_label(c.name == cx.coder_name, &c.name).clicked() {
                            chosen = Some(c.name.clone());
                        }
                    }
                })
                .response
                .labelled_by(l.id)
                .on_hover_text("Whose codings you make from now on; each coder's codings live in their own file");
            if let Some(name) = chosen {
                cx.push(Action::SetCoder(name));
            }
            if ui.button("Another coder…").on_hover_text("Code under a new name").clicked() {
                cx.command(crate::ui::UiCommand::ChangeCoder);
            }
        });
        ui.horizontal_wrapped(|ui| {
            ui.label("Compare");
            for c in p.coders.values() {
                let mut on = self.chosen.contains(&c.id);
                let n = p.coding_count_of_coder(c.id);
                let r = ui
                    .checkbox(&mut on, format!("{} ({n})", c.name))
                    .on_hover_text(format!("Include {} in the agreement figures", c.name));
                if r.changed() {
                    if on {
                        self.chosen.push(c.id);
                    } else {
                        self.chosen.retain(|x| *x != c.id);
                    }
                }
            }
        });
    }

    fn agreement_section(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui) {
        let t = cx.tokens;
        ui.heading("Agreement");
        ui.horizontal_wrapped(|ui| {
            ui.checkbox(&mut self.include_uncoded, "Count text nobody coded")
                .on_hover_text("Units are every character, not only characters some coder coded");
            let doc_name = self.doc.and_then(|d| cx.project.documents.get(&d)).map(|d| d.name().to_string());
            if let Some(name) = doc_name {
                ui.checkbox(&mut self.agreement_this_doc, format!("This document only ({name})"))
                    .on_hover_text("Figures for the compared document only, instead of all documents");
            }
        });
        if self.chosen.len() < 2 {
            ui.label(RichText::new("Choose two or more coders to compare.").color(t.weak_text));
            return;
        }
        let p = cx.project;
        let lost = self.kept.lost(p);
        let Some((report, current)) = self.report(cx) else {
            if lost {
                ui.label(
                    RichText::new("The agreement could not be counted (the status bar says why).").color(t.danger),
                );
            } else {
                counting(ui, t);
            }
            return;
        };
        if !current {
            counting(ui, t);
        }
        let report = match report {
            Ok(r) => Arc::clone(r),
            Err(e) => {
                ui.label(RichText::new(e).color(t.danger));
                return;
            }
        };
        let f: &Figures = &report.overall;
        let scope = match (&report.only_document, report.documents) {
            (Some(name), 1) => name.clone(),
            (_, n) => format!("{n} documents"),
        };
        ui.label(
            RichText::new(format!(
                "{scope}, {} characters. Each code is a yes/no per character; κ is Cohen's{}; α is Krippendorff's (nominal).",
                f.units,
                if report.coders.len() > 2 { " (mean over pairs)" } else { "" }
            ))
            .color(t.weak_text),
        );
        egui::Grid::new("team-agreement").striped(true).num_columns(4 + report.coders.len()).show(ui, |ui| {
            ui.label(RichText::new("Code").strong());
            for c in &report.coders {
                ui.label(RichText::new(&c.name).strong()).on_hover_text(format!("Characters {} coded", c.name));
            }
            ui.label(RichText::new("% agreement").strong());
            ui.label(RichText::new("Cohen's κ").strong());
            ui.label(RichText::new("Krippendorff's α").strong());
            ui.end_row();
            for c in &f.codes {
                // A row out of view takes its height only: a codebook of hundreds of codes made
                // hundreds of labels every frame (most of the view's frame at 2 M words).
                let height = self.agreement_row_height.unwrap_or(ui.spacing().interact_size.y);
                let row = egui::Rect::from_min_size(ui.cursor().min, egui::vec2(ui.available_width(), height));
                if !ui.is_rect_visible(row) {
                    ui.allocate_space(egui::vec2(0.0, height));
                    ui.end_row();
                    continue;
                }
                let top = ui.cursor().top();
                ui.horizontal(|ui| {
                    if let Some(code) = p.codes.get(&c.code) {
                        swatch(ui, t, code.props.colour, 10.0);
                    }
                    ui.label(&c.name);
                });
                for n in &c.coded {
                    ui.label(n.to_string());
                }
                ui.label(figure(c.stats.percent_agreement, 1));
                ui.label(figure(c.stats.kappa, 3));
                ui.label(figure(c.stats.alpha, 3));
                ui.end_row();
                self.agreement_row_height = Some(ui.cursor().top() - top - ui.spacing().item_spacing.y);
            }
            ui.label(RichText::new("All codes (pooled)").strong());
            for _ in &report.coders {
                ui.label("");
            }
            ui.label(RichText::new(figure(f.pooled.percent_agreement, 1)).strong());
            ui.label(RichText::new(figure(f.pooled.kappa, 3)).strong());
            ui.label(RichText::new(figure(f.pooled.alpha, 3)).strong());
            ui.end_row();
        });
        if !report.skipped.is_empty() {
            let names: Vec<String> = report.skipped.iter().map(|s| format!("{} ({})", s.name, s.reason)).collect();
            ui.label(RichText::new(format!("Left out: {}", names.join("; "))).color(t.weak_text));
        }
        ui.horizontal(|ui| {
            if ui.button("Copy as Markdown").on_hover_text("The report as Markdown tables, for a paper").clicked()
                && let Some(report) = self.whole_report(cx)
            {
                ui.ctx().copy_text(report.to_markdown());
                cx.push(Action::Status { text: "Agreement report copied as Markdown".into(), error: false });
            }
            if ui.button("Copy as CSV").on_hover_text("Every figure at full precision, for a spreadsheet").clicked()
                && let Some(report) = self.whole_report(cx)
            {
                match report.to_csv() {
                    Ok(csv) => {
                        ui.ctx().copy_text(csv);
                        cx.push(Action::Status { text: "Agreement report copied as CSV".into(), error: false });
                    }
                    Err(e) => cx.push(Action::Status { text: format!("Could not write the CSV: {e}"), error: true }),
                }
            }
        });
    }

    fn pair_and_doc(&mut self, cx: &ViewCtx<'_>, ui: &mut Ui) {
        let p = cx.project;
        let Some((mut a, mut b)) = self.pair else { return };
        ui.horizontal_wrapped(|ui| {
            for (label, salt, value) in [("Coder A", "team-coder-a", &mut a), ("Coder B", "team-coder-b", &mut b)] {
                let l = ui.label(label);
                egui::ComboBox::from_id_salt(salt)
                    .selected_text(coder_name(p, *value))
                    .show_ui(ui, |ui| {
                        for c in p.coders.values() {
                            ui.selectable_value(value, c.id, &c.name);
                        }
                    })
                    .response
                    .labelled_by(l.id);
            }
            let l = ui.label("Document");
            let current = self.doc.and_then(|d| p.documents.get(&d)).map(|d| d.name().to_string()).unwrap_or_default();
            egui::ComboBox::from_id_salt("team-document")
                .selected_text(current)
                .show_ui(ui, |ui| {
                    for d in p.documents.values() {
                        ui.selectable_value(&mut self.doc, Some(d.id), d.name());
                    }
                })
                .response
                .labelled_by(l.id);
        });
        if a != b {
            self.pair = Some((a, b));
        }
    }

    fn differences_section(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui) {
        let t = cx.tokens;
        ui.heading("Differences");
        if self.pair.is_none() {
            ui.label(
                RichText::new(
                    "Two coders must code before they can be compared. Each codes under their own name \
                     (Coding as, above), in this project or in their own copy brought in below.",
                )
                .color(t.weak_text),
            );
            return;
        }
        self.pair_and_doc(cx, ui);
        let p = cx.project;
        let Some(cmp) = self.comparison(p) else { return };
        let cmp = match cmp {
            Ok(c) => Arc::clone(c),
            Err(e) => {
                ui.label(RichText::new(e).color(t.danger));
                return;
            }
        };
        let (name_a, name_b) = (cmp.a.name.clone(), cmp.b.name.clone());
        let s = &cmp.summary;
        ui.label(format!(
            "{} agreements · {} only {name_a} · {} only {name_b} · {} different boundaries · {} different code · {} resolved",
            s.agreements, s.only_a, s.only_b, s.boundaries, s.different_code, s.resolved
        ));
        ui.horizontal_wrapped(|ui| {
            ui.checkbox(&mut self.show_resolved, "Show resolved");
            let l = ui.label("Record decisions");
            let outcome = self.outcome.unwrap_or(Outcome::Consensus);
            let text = |o: Outcome| match o {
                Outcome::Consensus => "as a Consensus coder (keeps both codings)".to_string(),
                Outcome::CoderA => format!("in {name_a}'s codings"),
                Outcome::CoderB => format!("in {name_b}'s codings"),
            };
            let mut chosen = outcome;
            egui::ComboBox::from_id_salt("team-outcome")
                .selected_text(text(outcome))
                .show_ui(ui, |ui| {
                    for o in [Outcome::Consensus, Outcome::CoderA, Outcome::CoderB] {
                        ui.selectable_value(&mut chosen, o, text(o));
                    }
                })
                .response
                .labelled_by(l.id);
            self.outcome = Some(chosen);
        });
        ui.separator();
        let shown: Vec<&Difference> =
            cmp.differences.iter().filter(|d| self.show_resolved || d.resolved.is_none()).collect();
        if shown.is_empty() {
            let text = if cmp.differences.is_empty() {
                format!("{name_a} and {name_b} coded {} alike.", cmp.doc_name)
            } else {
                "Every difference is resolved.".to_string()
            };
            ui.label(RichText::new(text).color(t.weak_text));
        }
        let listed = self.differences_listed.max(DIFFERENCES_PAGE);
        for d in shown.iter().take(listed) {
            // A card out of view takes the height it had when last drawn: thirty cards of
            // buttons and fields made every frame cost as much as the rest of the view.
            let k = key(d);
            let top = ui.cursor().top();
            if let Some(height) = self.card_heights.get(&k).copied() {
                let rect = egui::Rect::from_min_size(ui.cursor().min, egui::vec2(ui.available_width(), height));
                if !ui.is_rect_visible(rect) {
                    ui.allocate_space(egui::vec2(0.0, height));
                    continue;
                }
            }
            self.difference_card(cx, ui, &cmp, d);
            self.card_heights.insert(k, ui.cursor().top() - top - ui.spacing().item_spacing.y);
        }
        let left = shown.len().saturating_sub(listed);
        if left > 0
            && ui
                .button(format!("Show {} more ({left} not listed)", left.min(DIFFERENCES_PAGE)))
                .on_hover_text("List the next differences of this document")
                .clicked()
        {
            self.differences_listed = listed + DIFFERENCES_PAGE;
        }
        if !cmp.mapping.iter().any(|m| m.suggested) && cmp.log.is_empty() {
            return;
        }
        let suggested: Vec<_> = cmp.mapping.iter().filter(|m| m.suggested).collect();
        if !suggested.is_empty() {
            ui.add_space(8.0);
            ui.label(RichText::new("Codes that seem to mean the same").strong());
            for m in suggested {
                ui.horizontal_wrapped(|ui| {
                    ui.label(format!(
                        "{name_a}'s “{}” and {name_b}'s “{}” cover much of the same text ({:.0}% overlap)",
                        m.name_a,
                        m.name_b,
                        m.jaccard * 100.0
                    ));
                    let label = format!("Merge “{}” into “{}”", m.name_b, m.name_a);
                    if ui
                        .add_enabled(!cx.read_only, egui::Button::new(label))
                        .on_hover_text(
                            "Fold the second code into the first: its codings, memos and sub-codes move over",
                        )
                        .clicked()
                    {
                        cx.edit(crate::edit::Edit::MergeCodes { from: m.code_b, into: m.code_a });
                    }
                });
            }
        }
        if !cmp.log.is_empty() {
            ui.add_space(8.0);
            ui.label(RichText::new("Consensus log").strong());
            egui::Grid::new("team-log").striped(true).num_columns(4).show(ui, |ui| {
                for row in &cmp.log {
                    ui.label(row.entry.at.format("%Y-%m-%d %H:%M").to_string());
                    ui.label(format!("{}: {}", row.entry.kind.label(), row.resolution_label));
                    ui.label(excerpt(&row.text, 80));
                    ui.label(RichText::new(&row.entry.note).italics());
                    ui.end_row();
                }
            });
        }
    }

    fn difference_card(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, cmp: &Comparison, d: &Difference) {
        let t = cx.tokens;
        let p = cx.project;
        let k = key(d);
        let (name_a, name_b) = (&cmp.a.name, &cmp.b.name);
        let kind = match d.kind {
            DifferenceKind::OnlyA => format!("Only {name_a}"),
            DifferenceKind::OnlyB => format!("Only {name_b}"),
            other => other.label().to_string(),
        };
        egui::Frame::new().fill(t.panel).inner_margin(8.0).corner_radius(4.0).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(&kind).strong());
                for (who, side) in [(name_a, &d.a), (name_b, &d.b)] {
                    if let Some(c) = side {
                        swatch(ui, t, c.colour, 10.0);
                        ui.label(format!("{who}: {} ({}–{})", c.code_name, c.span.start.get(), c.span.end.get()));
                    }
                }
            });
            ui.label(RichText::new(format!("“{}”", excerpt(&d.text, 320))).color(t.text));
            if let Some(id) = d.resolved {
                let entry = p.consensus.get(&id);
                let how = entry.map(|e| e.resolution.label()).unwrap_or("Resolved");
                let note = entry.map(|e| e.note.as_str()).filter(|n| !n.is_empty());
                let text = match note {
                    Some(n) => format!("Resolved: {how} — {n}"),
                    None => format!("Resolved: {how}"),
                };
                ui.label(RichText::new(text).color(t.ok));
            }
            ui.horizontal_wrapped(|ui| {
                if ui.button("Go to passage").on_hover_text("Open the document at this passage").clicked() {
                    let coding = d.a.as_ref().or(d.b.as_ref()).map(|c| c.coding);
                    cx.push(Action::OpenDocument { doc: cmp.doc, reveal: Some(d.span), coding });
                    if let Some(c) = coding {
                        cx.push(Action::Select(Some(Item::Coding(c))));
                    }
                    cx.push(Action::ShowView(ViewKind::Document));
                }
                if d.resolved.is_some() || cx.read_only {
                    return;
                }
                let note = self.notes.entry(k).or_default();
                let l = ui.label("Note");
                ui.add(egui::TextEdit::singleline(note).hint_text("why").desired_width(160.0))
                    .labelled_by(l.id)
                    .on_hover_text("What the team decided and why; kept in the consensus log");
                let (has_a, has_b) = (d.a.is_some(), d.b.is_some());
                let mut choice = None;
                if has_a
                    && ui.button(format!("Keep {name_a}'s")).on_hover_text("The first coder's coding stands").clicked()
                {
                    choice = Some(Choice::KeepA);
                }
                if has_b
                    && ui.button(format!("Keep {name_b}'s")).on_hover_text("The second coder's coding stands").clicked()
                {
                    choice = Some(Choice::KeepB);
                }
                if has_a && !has_b && ui.button("Not coded").on_hover_text("Neither coding stands").clicked() {
                    choice = Some(Choice::KeepB);
                }
                if has_b && !has_a && ui.button("Not coded").on_hover_text("Neither coding stands").clicked() {
                    choice = Some(Choice::KeepA);
                }
                if has_a && has_b && ui.button("Keep both").on_hover_text("Both codings stand").clicked() {
                    choice = Some(Choice::Both);
                }
                let name = self.new_codes.entry(k).or_default();
                let l = ui.label("Other code");
                ui.add(egui::TextEdit::singleline(name).hint_text("name").desired_width(120.0))
                    .labelled_by(l.id)
                    .on_hover_text("A code (new or existing) for the passage instead");
                let named = name.trim().to_string();
                if ui
                    .add_enabled(!named.is_empty(), egui::Button::new("Use this code"))
                    .on_hover_text("Code the passage both cover with the code named to the left")
                    .clicked()
                {
                    choice = Some(Choice::NewCode { code: CodeChoice::Named(named), span: None });
                }
                if let Some(choice) = choice {
                    self.resolve(cx, cmp, d, choice);
                }
            });
        });
        ui.add_space(6.0);
    }

    fn resolve(&mut self, cx: &mut ViewCtx<'_>, cmp: &Comparison, d: &Difference, choice: Choice) {
        let k = key(d);
        let target = match self.outcome.unwrap_or(Outcome::Consensus) {
            Outcome::Consensus => Target::default(),
            Outcome::CoderA => Target::Coder(cmp.a.coder),
            Outcome::CoderB => Target::Coder(cmp.b.coder),
        };
        let decision = Decision {
            choice,
            note: self.notes.get(&k).cloned().unwrap_or_default(),
            target,
            author: cx.coder,
            at: chrono::Utc::now(),
        };
        match compare::resolve(cx.project, cmp, d, &decision) {
            Ok(edit) => {
                cx.edit(edit);
                self.notes.remove(&k);
                self.new_codes.remove(&k);
            }
            Err(e) => cx.push(Action::Status { text: e.to_string(), error: true }),
        }
    }

    fn merge_section(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui) {
        let t = cx.tokens;
        ui.heading("Bring in another copy");
        ui.label(
            RichText::new(
                "Another coder's copy of this project (a folder): their coders, codes, codings, memos and \
                 consensus entries come in as one step you can undo. Nothing here is overwritten.",
            )
            .color(t.weak_text),
        );
        ui.horizontal(|ui| {
            let l = ui.label("Project folder");
            ui.add(
                egui::TextEdit::singleline(&mut self.merge_path)
                    .hint_text("/path/to/their-copy.tema")
                    .desired_width(360.0),
            )
            .labelled_by(l.id);
            if ui.button("Browse…").on_hover_text("Choose the other copy's folder").clicked()
                && let Some(dir) = rfd::FileDialog::new().pick_folder()
            {
                self.merge_path = dir.display().to_string();
            }
            let path = self.merge_path.trim().to_string();
            if ui
                .add_enabled(!path.is_empty() && !self.merging, egui::Button::new("Preview merge"))
                .on_hover_text("See what the other copy would bring in, without changing anything")
                .clicked()
            {
                self.merging = true;
                self.merge = None;
                let ours = cx.project.clone();
                let revision = cx.project.revisions.all;
                let from = PathBuf::from(path);
                cx.push(Action::RunJob {
                    name: "Reading the other copy".into(),
                    work: Box::new(move |_progress| {
                        let plan = Store::open_read_only(&from)
                            .map(|theirs| plan_merge(&ours, theirs.project()))
                            .map_err(|e| format!("Could not open {}: {e}", from.display()));
                        let preview = MergePreview { from, revision, plan };
                        vec![Action::ToView {
                            view: ViewKind::Team,
                            payload: Box::new(std::sync::Mutex::new(Some(preview))),
                        }]
                    }),
                });
            }
        });
        if self.merging {
            ui.label(RichText::new("Reading the other copy…").color(t.weak_text));
        }
        let Some(preview) = &self.merge else { return };
        let plan = match &preview.plan {
            Ok(plan) => plan,
            Err(e) => {
                ui.label(RichText::new(e).color(t.danger));
                return;
            }
        };
        let r = &plan.report;
        let a = &r.added;
        if r.is_noop() {
            ui.label(format!(
                "Nothing to bring in from {}: this project already holds all of it.",
                preview.from.display()
            ));
        } else {
            ui.label(format!(
                "From {}: {} coders, {} codes, {} themes, {} codings, {} memos, {} consensus entries, {} read marks, {} participants, {} quotes.",
                preview.from.display(),
                a.coders,
                a.codes,
                a.themes,
                a.codings,
                a.memos,
                a.consensus,
                a.read_marks,
                a.participants,
                a.quotes
            ));
        }
        if !r.conflicts.is_empty() {
            ui.label(RichText::new(format!("{} conflicts (this copy's version is kept):", r.conflicts.len())).strong());
            for c in r.conflicts.iter().take(50) {
                ui.label(format!("• {}", c.message));
            }
            if r.conflicts.len() > 50 {
                ui.label(format!("… and {} more (tema merge --dry-run lists them all)", r.conflicts.len() - 50));
            }
        }
        let stale = preview.revision != cx.project.revisions.all;
        if stale {
            ui.label(RichText::new("The project changed since this preview; preview again.").color(t.danger));
        }
        if let Some(edit) = &plan.edit
            && ui
                .add_enabled(!stale && !cx.read_only, egui::Button::new("Merge"))
                .on_hover_text("Bring all of it in as one step (Undo takes it back)")
                .clicked()
        {
            cx.edit(edit.clone());
            self.merge = None;
        }
    }
}

impl View for TeamView {
    fn kind(&self) -> ViewKind {
        ViewKind::Team
    }

    fn ui(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui) {
        self.settle_choices(cx.project);
        egui::ScrollArea::vertical().id_salt("team").auto_shrink(false).show(ui, |ui| {
            // Never wider than the panel: set_max_width alone can widen the ui past it.
            ui.set_max_width(ui.available_width().min(900.0));
            self.coders_section(cx, ui);
            ui.separator();
            self.agreement_section(cx, ui);
            ui.separator();
            self.differences_section(cx, ui);
            ui.separator();
            self.merge_section(cx, ui);
        });
    }

    fn on_action(&mut self, action: &Action, _project: &Project) {
        if let Action::ToView { view: ViewKind::Team, payload } = action
            && let Some(slot) = payload.downcast_ref::<std::sync::Mutex<Option<MergePreview>>>()
            && let Ok(mut slot) = slot.lock()
            && let Some(preview) = slot.take()
        {
            self.merging = false;
            self.merge = Some(preview);
        }
        if let Action::OpenDocument { doc, .. } = action {
            // The compared document follows the one opened elsewhere.
            self.doc = Some(*doc);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_is_one_line_and_cut_at_chars() {
        assert_eq!(excerpt("Vi  møttes\n på NAV", 40), "Vi møttes på NAV");
        assert_eq!(excerpt("Æøå 😀 æøå æøå", 6), "Æøå 😀…");
    }
}
