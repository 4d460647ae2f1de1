//! The code picker: type a few letters, arrows to move, Enter to apply the highlighted code;
//! when no code matches (or on the “Create” row) Enter creates a code with the typed name.

use crate::model::*;
use crate::ui::fuzzy;
use crate::ui::widgets::{filter_list_keys, swatch};
use crate::ui::{Action, Tokens};
use egui::{Id, Pos2, Rect, RichText, Vec2, pos2, vec2};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Code the selected text.
    Apply,
    /// Merge this code into the one picked.
    MergeFrom(CodeId),
}

pub struct CodePicker {
    pub purpose: Purpose,
    pub query: String,
    pub highlighted: usize,
    focus: bool,
}

/// One choice in the list.
#[derive(Clone, Debug, PartialEq)]
pub enum Choice {
    Code(CodeId),
    Create(String),
}

impl CodePicker {
    pub fn new(purpose: Purpose) -> Self {
        Self { purpose, query: String::new(), highlighted: 0, focus: true }
    }

    /// The choices for the current query: recent codes first when nothing is typed, else
    /// the best matches; a “Create” row when the name is new (applying only).
    pub fn choices(&self, p: &Project, recent: &[CodeId]) -> Vec<Choice> {
        let excluded: Vec<CodeId> = match self.purpose {
            Purpose::MergeFrom(from) => p.code_subtree(from),
            Purpose::Apply => Vec::new(),
        };
        let codes: Vec<&Code> = p.codes.values().filter(|c| !excluded.contains(&c.id)).collect();
        let mut out: Vec<Choice> = Vec::new();
        if self.query.trim().is_empty() {
            out.extend(recent.iter().filter(|c| codes.iter().any(|k| k.id == **c)).map(|c| Choice::Code(*c)));
            out.extend(codes.iter().filter(|c| !recent.contains(&c.id)).map(|c| Choice::Code(c.id)));
        } else {
            let names: Vec<String> = codes.iter().map(|c| p.code_path(c.id)).collect();
            let mut ranked = fuzzy::rank(&self.query, names.iter().map(String::as_str));
            // Among equal scores the recently used come first.
            ranked.sort_by_key(|i| {
                let s = fuzzy::score(&self.query, &names[*i]).unwrap_or(0);
                (std::cmp::Reverse(s), recent.iter().position(|r| *r == codes[*i].id).unwrap_or(usize::MAX))
            });
            out.extend(ranked.into_iter().map(|i| Choice::Code(codes[i].id)));
            if self.purpose == Purpose::Apply && p.code_by_name(&self.query).is_none() {
                out.push(Choice::Create(self.query.trim().to_string()));
            }
        }
        out
    }

    /// Draws the picker; returns the action chosen, or `Some(None)` when it was closed.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        p: &Project,
        recent: &[CodeId],
        tokens: &Tokens,
    ) -> Option<Option<Action>> {
        let choices = self.choices(p, recent);
        self.highlighted = self.highlighted.min(choices.len().saturating_sub(1));
        let mut result = None;
        let title = match self.purpose {
            Purpose::Apply => "Code the selection".to_string(),
            Purpose::MergeFrom(c) => format!("Merge “{}” into…", p.codes.get(&c).map(|c| c.name()).unwrap_or("?")),
        };
        // Beside the passage being coded, never over it: the researcher reads it while choosing.
        let id = Id::unique("code-picker");
        let mut area = egui::Modal::default_area(id);
        let mut list = LIST_HEIGHT;
        if let Some(anchor) = selection_on_screen(ctx) {
            let (at, fits) = placement(anchor, ctx.content_rect(), vec2(WIDTH + 16.0, CHROME), LIST_HEIGHT);
            area = area.anchor(egui::Align2::LEFT_TOP, at.to_vec2());
            list = fits;
        }
        // A lighter backdrop than other dialogs': the passage stays readable beside the picker.
        let backdrop = Tokens::for_dark_mode(ctx.global_style().visuals.dark_mode).backdrop.gamma_multiply(0.5);
        let modal = egui::Modal::new(id).area(area).backdrop_color(backdrop).show(ctx, |ui| {
            ui.set_width(WIDTH);
            ui.label(RichText::new(title).strong());
            let edit = egui::TextEdit::singleline(&mut self.query)
                .hint_text("Type to find a code, or a new name")
                .desired_width(f32::INFINITY);
            let r = ui.add(edit);
            r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Code name"));
            if self.focus {
                r.request_focus();
                self.focus = false;
            }
            let (enter, escape) = filter_list_keys(ui, &r, &mut self.highlighted, choices.len());
            ui.add_space(4.0);
            let mut clicked = None;
            egui::ScrollArea::vertical().max_height(list).show(ui, |ui| {
                for (i, choice) in choices.iter().enumerate().take(60) {
                    let on = i == self.highlighted;
                    ui.horizontal(|ui| match choice {
                        Choice::Code(id) => {
                            let colour = p.codes.get(id).map(|c| c.props.colour).unwrap_or_default();
                            swatch(ui, tokens, colour, 12.0);
                            let hint = recent.iter().position(|r| r == id).filter(|n| *n < 9 && self.query.is_empty());
                            let label = match hint {
                                Some(n) => format!("{}   ({})", p.code_path(*id), n + 1),
                                None => p.code_path(*id),
                            };
                            let r = ui.selectable_label(on, label);
                            if on {
                                r.scroll_to_me(None);
                            }
                            if r.clicked() {
                                clicked = Some(i);
                            }
                        }
                        Choice::Create(name) => {
                            if ui.selectable_label(on, format!("➕ Create code “{name}”")).clicked() {
                                clicked = Some(i);
                            }
                        }
                    });
                }
            });
            ui.label(
                RichText::new("Up and Down to choose · Enter to apply · Esc to cancel")
                    .color(tokens.weak_text)
                    .size(tokens.small_size),
            );
            let chosen = clicked.or((enter && !choices.is_empty()).then_some(self.highlighted));
            if let Some(i) = chosen {
                result = Some(choices.get(i).map(|c| self.action(c)));
            } else if enter && choices.is_empty() {
                result = Some(None);
            }
            if escape {
                result = Some(None);
            }
        });
        if modal.should_close() && result.is_none() {
            result = Some(None);
        }
        result
    }

    fn action(&self, choice: &Choice) -> Action {
        match (self.purpose, choice) {
            (Purpose::Apply, Choice::Code(id)) => Action::ApplyCode(*id),
            (Purpose::Apply, Choice::Create(name)) => Action::CreateAndApplyCode(name.clone()),
            (Purpose::MergeFrom(from), Choice::Code(into)) => {
                Action::Edit { edit: crate::edit::Edit::MergeCodes { from, into: *into }, coalesce: None }
            }
            (Purpose::MergeFrom(_), Choice::Create(_)) => {
                Action::Status { text: "Pick an existing code to merge into".into(), error: true }
            }
        }
    }
}

/// The picker's width, the height of its list at most and at least, and of the rest (title,
/// field, hint line, margins), in points.
const WIDTH: f32 = 420.0;
const LIST_HEIGHT: f32 = 320.0;
const MIN_LIST_HEIGHT: f32 = 96.0;
const CHROME: f32 = 110.0;
/// The gap between the passage and the picker.
const GAP: f32 = 10.0;

fn anchor_id() -> Id {
    Id::unique("tema-selection-on-screen")
}

/// Notes where the selected text is on screen this frame (the document view does, as it draws
/// the selection; the app clears it at the start of each frame), for the picker to stay clear
/// of it.
pub fn note_selection_on_screen(ctx: &egui::Context, rect: Option<Rect>) {
    ctx.data_mut(|d| match rect {
        Some(r) => {
            d.insert_temp(anchor_id(), r);
        }
        None => {
            d.remove::<Rect>(anchor_id());
        }
    });
}

fn selection_on_screen(ctx: &egui::Context) -> Option<Rect> {
    ctx.data(|d| d.get_temp::<Rect>(anchor_id()))
}

/// Where a picker of `size` (its list aside) goes so that it does not cover `anchor` on
/// `screen`, and how tall its list may be there (`list` at most): below the passage if the
/// whole picker fits there, else above, else beside it (right, then left); failing those,
/// on the side above or below with the most room, its list shortened to fit (never below
/// [`MIN_LIST_HEIGHT`]; only on a screen too small for that does it overlap).
pub fn placement(anchor: Rect, screen: Rect, size: Vec2, list: f32) -> (Pos2, f32) {
    let full = size.y + list;
    let below = screen.bottom() - anchor.bottom() - 2.0 * GAP;
    let above = anchor.top() - screen.top() - 2.0 * GAP;
    let x = anchor.left().clamp(screen.left() + GAP, (screen.right() - size.x - GAP).max(screen.left()));
    let top_for =
        |h: f32| (anchor.center().y - h / 2.0).clamp(screen.top() + GAP, (screen.bottom() - h - GAP).max(0.0));
    if below >= full {
        return (pos2(x, anchor.bottom() + GAP), list);
    }
    if above >= full {
        return (pos2(x, anchor.top() - GAP - full), list);
    }
    if screen.right() - anchor.right() - 2.0 * GAP >= size.x {
        return (pos2(anchor.right() + GAP, top_for(full)), list);
    }
    if anchor.left() - screen.left() - 2.0 * GAP >= size.x {
        return (pos2(anchor.left() - GAP - size.x, top_for(full)), list);
    }
    let fits = (below.max(above) - size.y).clamp(MIN_LIST_HEIGHT, list);
    if below >= above {
        (pos2(x, anchor.bottom() + GAP), fits)
    } else {
        (pos2(x, (anchor.top() - GAP - size.y - fits).max(screen.top())), fits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_picker_never_covers_the_passage() {
        let screen = Rect::from_min_size(Pos2::ZERO, vec2(1280.0, 720.0));
        let size = vec2(WIDTH + 16.0, CHROME);
        let picker = |(at, list): (Pos2, f32)| Rect::from_min_size(at, size + vec2(0.0, list));
        // A line of text near the top: the whole picker goes below it.
        let top_line = Rect::from_min_max(pos2(330.0, 120.0), pos2(900.0, 140.0));
        let (at, list) = placement(top_line, screen, size, LIST_HEIGHT);
        assert_eq!((at, list), (pos2(330.0, 150.0), LIST_HEIGHT));
        // Near the bottom: above it, its bottom edge a gap above the text.
        let low_line = Rect::from_min_max(pos2(330.0, 600.0), pos2(900.0, 620.0));
        let r = picker(placement(low_line, screen, size, LIST_HEIGHT));
        assert_eq!(r.bottom(), 590.0);
        // In the middle of a 720 px window: 300 px above and 360 below, neither holds the
        // 430 px picker, and the text column leaves no 436 px beside it; so it goes below,
        // its list cut to 360 - 2 gaps of 10 - 110 of chrome = 230 px.
        let middle = Rect::from_min_max(pos2(330.0, 300.0), pos2(960.0, 360.0));
        let (at, list) = placement(middle, screen, size, LIST_HEIGHT);
        assert_eq!((at.y, list), (370.0, 230.0));
        // A short selection at the left of a wide screen: beside it, on the right.
        let wide = Rect::from_min_size(Pos2::ZERO, vec2(1920.0, 720.0));
        let word = Rect::from_min_max(pos2(330.0, 300.0), pos2(400.0, 360.0));
        let (at, _) = placement(word, wide, size, LIST_HEIGHT);
        assert_eq!(at.x, 410.0);
        // Whatever the passage, on a laptop's screen the picker and the passage never meet.
        for top in (40..640).step_by(20) {
            for (left, right) in [(270.0, 960.0), (600.0, 700.0), (900.0, 1270.0)] {
                let passage = Rect::from_min_max(pos2(left, top as f32), pos2(right, top as f32 + 60.0));
                let r = picker(placement(passage, screen, size, LIST_HEIGHT));
                assert!(!r.intersects(passage), "{passage:?} covered by {r:?}");
                assert!(screen.contains_rect(r), "{r:?} off the screen for {passage:?}");
            }
        }
    }

    #[test]
    fn recent_first_then_matches_then_create() {
        let mut p = Project::new("t");
        for (n, name) in [(1, "Meeting practice"), (2, "Work and identity"), (3, "Money and benefits")] {
            let c = Code::new(CodeId::from_u128(n), name, PALETTE[0]);
            p.codes.insert(c.id, c);
        }
        let recent = [CodeId::from_u128(3)];
        let mut picker = CodePicker::new(Purpose::Apply);
        assert_eq!(picker.choices(&p, &recent)[0], Choice::Code(CodeId::from_u128(3)));
        picker.query = "wo".into();
        let c = picker.choices(&p, &recent);
        assert_eq!(c[0], Choice::Code(CodeId::from_u128(2)));
        assert_eq!(c.last(), Some(&Choice::Create("wo".into())));
        picker.query = "Work and identity".into();
        assert!(!picker.choices(&p, &recent).contains(&Choice::Create("Work and identity".into())));
        let merge = CodePicker { query: String::new(), ..CodePicker::new(Purpose::MergeFrom(CodeId::from_u128(1))) };
        assert!(!merge.choices(&p, &recent).contains(&Choice::Code(CodeId::from_u128(1))));
    }
}
