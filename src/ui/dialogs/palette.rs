//! The command palette: every command of the registry (`command::registry`, the one list the
//! menus and shortcuts come from too) with its shortcut, plus the documents and codes, found
//! by typing.

use crate::model::*;
use crate::ui::widgets::filter_list_keys;
use crate::ui::{Action, Item, Tokens, UiCommand, ViewKind, fuzzy};
use egui::{Id, RichText};

#[derive(Default)]
pub struct Palette {
    pub query: String,
    highlighted: usize,
    opened: bool,
    /// Which opening this is. egui remembers a window's last size by its id, so a palette
    /// reopened under the same id started at the height of the last, filtered, list.
    serial: u64,
}

#[derive(Clone, Debug)]
struct Entry {
    label: String,
    /// Other words that find the entry (a command's synonyms).
    synonyms: &'static [&'static str],
    keys: String,
    action: fn(&Entry) -> Vec<Action>,
    command: Option<UiCommand>,
    doc: Option<DocId>,
    code: Option<CodeId>,
}

fn entries(ctx: &egui::Context, p: Option<&Project>) -> Vec<Entry> {
    let mut out: Vec<Entry> = crate::ui::command::registry()
        .iter()
        .filter(|c| c.command != UiCommand::CommandPalette)
        .map(|c| Entry {
            label: c.label.to_string(),
            synonyms: c.synonyms,
            keys: c.shortcut_text(ctx),
            action: |e| e.command.map(Action::Command).into_iter().collect(),
            command: Some(c.command),
            doc: None,
            code: None,
        })
        .collect();
    if let Some(p) = p {
        out.extend(p.documents.values().map(|d| Entry {
            label: format!("Open document: {}", d.name()),
            synonyms: &[],
            keys: String::new(),
            action: |e| match e.doc {
                Some(doc) => {
                    vec![Action::OpenDocument { doc, reveal: None, coding: None }, Action::ShowView(ViewKind::Document)]
                }
                None => Vec::new(),
            },
            command: None,
            doc: Some(d.id),
            code: None,
        }));
        out.extend(p.codes.values().map(|c| Entry {
            label: format!("Show code: {}", p.code_path(c.id)),
            synonyms: &[],
            keys: String::new(),
            action: |e| match e.code {
                Some(code) => vec![
                    Action::Select(Some(Item::Code(code))),
                    Action::Retrieve(code),
                    Action::ShowView(ViewKind::Retrieval),
                ],
                None => Vec::new(),
            },
            command: None,
            doc: None,
            code: Some(c.id),
        }));
    }
    out
}

/// The entries that match `query`, best first (see [`fuzzy::rank_with`]).
fn ranked(query: &str, all: &[Entry]) -> Vec<usize> {
    fuzzy::rank_with(query, all.iter().map(|e| (e.label.as_str(), e.synonyms)))
}

impl Palette {
    /// A palette opened afresh: empty query, and an id of its own (see `serial`).
    pub fn new() -> Self {
        static OPENINGS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        Palette { serial: OPENINGS.fetch_add(1, std::sync::atomic::Ordering::Relaxed), ..Default::default() }
    }

    /// Draws the palette; `Some(actions)` when it closes (empty when cancelled).
    pub fn show(&mut self, ctx: &egui::Context, p: Option<&Project>, tokens: &Tokens) -> Option<Vec<Action>> {
        let all = entries(ctx, p);
        let order = ranked(&self.query, &all);
        self.highlighted = self.highlighted.min(order.len().saturating_sub(1));
        let mut result = None;
        let modal = super::modal(ctx, Id::unique(("command-palette", self.serial))).show(ctx, |ui| {
            ui.set_width(520.0);
            let r = ui.add(
                egui::TextEdit::singleline(&mut self.query)
                    .hint_text("Type a command, a document or a code")
                    .desired_width(f32::INFINITY),
            );
            r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Command"));
            if !self.opened {
                r.request_focus();
                self.opened = true;
            }
            let (enter, escape) = filter_list_keys(ui, &r, &mut self.highlighted, order.len());
            let mut clicked = None;
            egui::ScrollArea::vertical().max_height(380.0).show(ui, |ui| {
                for (n, i) in order.iter().enumerate().take(80) {
                    let e = &all[*i];
                    let on = n == self.highlighted;
                    let mut button = egui::Button::selectable(on, e.label.as_str());
                    if !e.keys.is_empty() {
                        button = button.shortcut_text(RichText::new(&e.keys).color(tokens.weak_text));
                    }
                    let mut r = ui.add_sized([ui.available_width(), 20.0], button);
                    if let Some(c) = e.command {
                        r = r.on_hover_text(c.tooltip());
                    }
                    if on {
                        r.scroll_to_me(None);
                    }
                    if r.clicked() {
                        clicked = Some(*i);
                    }
                }
            });
            let chosen = clicked.or(if enter { order.get(self.highlighted).copied() } else { None });
            if let Some(i) = chosen {
                result = Some((all[i].action)(&all[i]));
            }
            if escape {
                result = Some(Vec::new());
            }
        });
        if modal.should_close() && result.is_none() {
            result = Some(Vec::new());
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commands() -> Vec<Entry> {
        entries(&egui::Context::default(), None)
    }

    fn top(query: &str) -> Option<UiCommand> {
        let all = commands();
        ranked(query, &all).first().and_then(|i| all[*i].command)
    }

    #[test]
    fn a_word_finds_its_command() {
        // The review's case: "map" is a word of "Show thematic map" and of nothing else.
        let map = Some(UiCommand::Show(ViewKind::ThemeMap));
        assert_eq!(top("map"), map);
        assert_eq!(top("thematic map"), map);
        // Synonyms: words that are not in the label.
        assert_eq!(top("graph"), map);
        assert_eq!(top("kappa"), Some(UiCommand::Show(ViewKind::Team)));
        assert_eq!(top("night"), Some(UiCommand::ToggleDarkMode));
        assert_eq!(top("exit"), Some(UiCommand::Quit));
        assert_eq!(top("qualcoder"), Some(UiCommand::ImportRefiProject));
        assert_eq!(top("triang"), Some(UiCommand::Show(ViewKind::Triangulation)));
        // A label's own word ranks before a synonym: "journal" is in "New journal entry" and
        // "Show memos and journal", and only a synonym of "Save now".
        let all = commands();
        let order = ranked("journal", &all);
        let save = order.iter().position(|i| all[*i].command == Some(UiCommand::SaveNow));
        let entry = order.iter().position(|i| all[*i].command == Some(crate::ui::views::memos::NEW_ENTRY));
        assert!(entry < save, "{entry:?} {save:?}");
    }

    /// Words of an entry's label, and with `synonyms` its synonyms too, lower case.
    fn words_of(e: &Entry, synonyms: bool) -> Vec<String> {
        let label = e.label.split(|c: char| !c.is_alphanumeric()).map(str::to_lowercase);
        let more = e.synonyms.iter().filter(|_| synonyms).map(|w| w.to_lowercase());
        label.chain(more).filter(|w| !w.is_empty()).collect()
    }

    /// Typing `w` ranks `e` among the entries that have a word beginning with `w` (counted
    /// apart from the ranking, over labels and, with `synonyms`, synonyms too).
    fn assert_found(all: &[Entry], e: &Entry, w: &str, synonyms: bool) {
        let with_word = all.iter().filter(|o| words_of(o, synonyms).iter().any(|x| x.starts_with(w))).count();
        let order = ranked(w, all);
        let at = order.iter().position(|i| all[*i].command == e.command);
        assert!(
            at.is_some_and(|at| at < with_word),
            "\"{w}\" puts \"{}\" at {at:?}, not among the {with_word} commands with that word",
            e.label
        );
    }

    #[test]
    fn every_word_of_every_command_finds_it_among_the_commands_with_that_word() {
        let all = commands();
        for e in &all {
            for w in words_of(e, false).iter().filter(|w| w.chars().count() >= 3) {
                assert_found(&all, e, w, false);
            }
        }
    }

    #[test]
    fn every_command_is_in_the_palette_and_its_synonyms_find_it() {
        let all = commands();
        for spec in crate::ui::command::registry() {
            let listed = all.iter().filter(|e| e.command == Some(spec.command)).count();
            let expected = usize::from(spec.command != UiCommand::CommandPalette);
            assert_eq!(listed, expected, "{:?} is listed {listed} times", spec.command);
        }
        for e in &all {
            for word in e.synonyms {
                assert_found(&all, e, &word.to_lowercase(), true);
            }
        }
    }
}
