//! The code picker: type a few letters, arrows to move, Enter to apply the highlighted code;
//! when no code matches (or on the “Create” row) Enter creates a code with the typed name.

use crate::model::*;
use crate::ui::fuzzy;
use crate::ui::widgets::swatch;
use crate::ui::{Action, Tokens};
use egui::{Id, Key, RichText};

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
        let modal = egui::Modal::new(Id::unique("code-picker")).show(ctx, |ui| {
            ui.set_width(420.0);
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
            if r.changed() {
                self.highlighted = 0;
            }
            let (down, up, enter, escape) = ui.input(|i| {
                (
                    i.key_pressed(Key::ArrowDown),
                    i.key_pressed(Key::ArrowUp),
                    i.key_pressed(Key::Enter),
                    i.key_pressed(Key::Escape),
                )
            });
            if down {
                self.highlighted = (self.highlighted + 1).min(choices.len().saturating_sub(1));
            }
            if up {
                self.highlighted = self.highlighted.saturating_sub(1);
            }
            if r.lost_focus() && !enter && !escape {
                r.request_focus();
            }
            ui.add_space(4.0);
            let mut clicked = None;
            egui::ScrollArea::vertical().max_height(320.0).show(ui, |ui| {
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

#[cfg(test)]
mod tests {
    use super::*;

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
