//! Every command a person can give the app, each defined once as a [`CommandSpec`]: label,
//! tooltip, palette synonyms, shortcuts, its place in the menu bar, when it is enabled. The
//! app's own commands are the table [`SHELL`]; each view (side panels included) contributes
//! its own through [`View::commands`](super::View::commands). The menu bar, the command palette,
//! tooltips, the enabled state and the shortcut table are all read from [`registry`], and
//! shortcuts are matched in one place ([`UiCommand::from_input`]), so a command cannot be in
//! one of them and missing from another.

use super::ViewKind;
use egui::{Key, KeyboardShortcut, Modifiers};
use std::sync::OnceLock;

/// What a command is, as the app dispatches it. The app's own commands are variants; a view's
/// commands are [`UiCommand::Show`] (bring the view forward) and [`UiCommand::Of`] (a command
/// the view defines and handles in its own file, named by a constant there).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UiCommand {
    NewProject,
    OpenProject,
    SaveNow,
    /// Re-anchor what points into texts changed outside Tema (`Store::open_repairing`).
    RepairProject,
    Quit,
    Undo,
    Redo,
    CommandPalette,
    CodeSelection,
    InVivoCode,
    /// Applies the n-th most recently used code (1–9) to the selection.
    RecentCode(u8),
    RemoveCoding,
    FitCodingToSelection,
    ClearSelection,
    ToggleRead,
    ImportFiles,
    ImportRefiProject,
    ImportRefiCodebook,
    ExportRefiProject,
    ExportRefiCodebook,
    ChangeCoder,
    ToggleDarkMode,
    ToggleNavigator,
    ToggleInspector,
    ToggleStripeNames,
    ZoomIn,
    ZoomOut,
    ZoomReset,
    /// Show a view: its tab, its menu entry and its shortcut (the view's file defines them).
    Show(ViewKind),
    /// A command a view owns and handles (`View::on_command`), by the view and its own name.
    Of(ViewKind, &'static str),
}

/// The menus of the menu bar, in their order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Menu {
    File,
    Edit,
    Code,
    Text,
    View,
}

impl Menu {
    pub const ALL: [Menu; 5] = [Menu::File, Menu::Edit, Menu::Code, Menu::Text, Menu::View];

    pub fn title(self) -> &'static str {
        match self {
            Menu::File => "File",
            Menu::Edit => "Edit",
            Menu::Code => "Code",
            Menu::Text => "Text",
            Menu::View => "View",
        }
    }
}

/// Where a command sits in the menu bar: a menu, a group within it (groups are drawn in
/// order with a separator between them; within a group, commands keep the registry's order),
/// and optionally a submenu of that group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MenuPlace {
    pub menu: Menu,
    pub group: u8,
    pub submenu: Option<&'static str>,
}

/// What the enabled, shown and checked tests of a command look at: a summary of the app's
/// state, built once per frame by the app, so the rules are plain functions a test can call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CommandState {
    /// A project is open.
    pub open: bool,
    /// A project is open and can be changed (not read-only).
    pub writable: bool,
    /// Text is selected (in the document view).
    pub text: bool,
    /// A coding is selected.
    pub coding: bool,
    /// A code is selected.
    pub code: bool,
    /// Anything is selected (an item or text).
    pub anything: bool,
    /// A document is open in the document view.
    pub document: bool,
    /// The view in the centre.
    pub view: ViewKind,
    pub can_undo: bool,
    pub can_redo: bool,
    /// How many recent codes the number keys can apply.
    pub recent_codes: usize,
    /// A text changed outside Tema, or something is still unanchored since one did.
    pub needs_repair: bool,
    pub navigator_shown: bool,
    pub inspector_shown: bool,
    pub stripe_names: bool,
}

impl Default for CommandState {
    fn default() -> Self {
        CommandState {
            open: false,
            writable: false,
            text: false,
            coding: false,
            code: false,
            anything: false,
            document: false,
            view: ViewKind::Document,
            can_undo: false,
            can_redo: false,
            recent_codes: 0,
            needs_repair: false,
            navigator_shown: true,
            inspector_shown: true,
            stripe_names: false,
        }
    }
}

/// A rule over the [`CommandState`]: when a command is enabled, shown or checked.
pub type Rule = fn(&CommandState) -> bool;

/// Rules many commands share.
pub mod when {
    use super::CommandState;

    pub fn always(_: &CommandState) -> bool {
        true
    }
    pub fn open(s: &CommandState) -> bool {
        s.open
    }
    pub fn writable(s: &CommandState) -> bool {
        s.writable
    }
    pub fn text(s: &CommandState) -> bool {
        s.writable && s.text
    }
    pub fn coding(s: &CommandState) -> bool {
        s.writable && s.coding
    }
    pub fn document(s: &CommandState) -> bool {
        s.document
    }
    pub fn writable_document(s: &CommandState) -> bool {
        s.writable && s.document
    }
}

/// One command, defined once. Built with [`cmd`] and the `const` setters below, so a table of
/// them is a `const`.
#[derive(Clone, Copy, Debug)]
pub struct CommandSpec {
    pub command: UiCommand,
    /// The name in the palette and, unless [`CommandSpec::menu_label`] is set, in the menu.
    pub label: &'static str,
    /// A shorter name for the menu, where the menu's own name says the rest.
    pub menu_label: Option<&'static str>,
    pub tooltip: &'static str,
    /// Other words people type for the command in the palette (the label's own words count
    /// already): "graph" finds the thematic map, "kappa" the team comparison.
    pub synonyms: &'static [&'static str],
    /// Shortcuts; the first is shown in menus, tooltips and the palette.
    pub shortcuts: &'static [KeyboardShortcut],
    /// `None`: only in the palette (see [`CommandSpec::palette_only`]).
    pub menu: Option<MenuPlace>,
    pub enabled: Rule,
    /// Whether the menu lists it at all (a repair only when there is something to repair).
    pub shown: Rule,
    /// For a switch: whether it is on (the menu draws a check box).
    pub checked: Option<Rule>,
}

/// A command with its label and tooltip, in no menu, without shortcuts, always enabled.
pub const fn cmd(command: UiCommand, label: &'static str, tooltip: &'static str) -> CommandSpec {
    CommandSpec {
        command,
        label,
        menu_label: None,
        tooltip,
        synonyms: &[],
        shortcuts: &[],
        menu: None,
        enabled: when::always,
        shown: when::always,
        checked: None,
    }
}

/// The command that brings a centre view forward: listed first in the View menu, enabled
/// while a project is open (the view's file adds its words and shortcut).
pub const fn show(view: ViewKind, label: &'static str, tooltip: &'static str) -> CommandSpec {
    cmd(UiCommand::Show(view), label, tooltip).menu(Menu::View, 0).when(when::open)
}

impl CommandSpec {
    pub const fn words(mut self, synonyms: &'static [&'static str]) -> Self {
        self.synonyms = synonyms;
        self
    }

    pub const fn keys(mut self, shortcuts: &'static [KeyboardShortcut]) -> Self {
        self.shortcuts = shortcuts;
        self
    }

    pub const fn menu(mut self, menu: Menu, group: u8) -> Self {
        self.menu = Some(MenuPlace { menu, group, submenu: None });
        self
    }

    /// In a submenu of the place set by [`CommandSpec::menu`] (call that first).
    pub const fn submenu(mut self, name: &'static str) -> Self {
        if let Some(place) = &mut self.menu {
            place.submenu = Some(name);
        }
        self
    }

    pub const fn menu_label(mut self, label: &'static str) -> Self {
        self.menu_label = Some(label);
        self
    }

    pub const fn when(mut self, enabled: Rule) -> Self {
        self.enabled = enabled;
        self
    }

    pub const fn shown_when(mut self, shown: Rule) -> Self {
        self.shown = shown;
        self
    }

    pub const fn checked(mut self, on: Rule) -> Self {
        self.checked = Some(on);
        self
    }

    /// A command deliberately in no menu: the palette and its shortcut reach it. Only the
    /// palette itself is one today (its menu entry would open what is already open).
    pub fn palette_only(&self) -> bool {
        self.menu.is_none()
    }

    /// The first shortcut as text for menus and tooltips (`Ctrl+Shift+Z`), or empty.
    pub fn shortcut_text(&self, ctx: &egui::Context) -> String {
        self.shortcuts.first().map(|s| ctx.format_shortcut(s)).unwrap_or_default()
    }

    /// The tooltip with the shortcut appended.
    pub fn hover_text(&self, ctx: &egui::Context) -> String {
        let keys = self.shortcut_text(ctx);
        if keys.is_empty() { self.tooltip.to_string() } else { format!("{} ({keys})", self.tooltip) }
    }
}

/// Modifier sets for shortcut tables (views' files use them too).
pub mod mods {
    use egui::Modifiers;
    pub const NONE: Modifiers = Modifiers::NONE;
    pub const CMD: Modifiers = Modifiers::COMMAND;
    pub const CMD_SHIFT: Modifiers = Modifiers { shift: true, ..Modifiers::COMMAND };
    pub const SHIFT: Modifiers = Modifiers::SHIFT;
    pub const ALT: Modifiers = Modifiers::ALT;
    pub const ALT_SHIFT: Modifiers = Modifiers { shift: true, ..Modifiers::ALT };
}

/// A shortcut, for shortcut tables (the app's here and the views').
pub const fn key(modifiers: Modifiers, key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(modifiers, key)
}

use mods::*;
use when::*;

fn undo(s: &CommandState) -> bool {
    s.writable && s.can_undo
}
fn redo(s: &CommandState) -> bool {
    s.writable && s.can_redo
}
fn fit(s: &CommandState) -> bool {
    s.writable && s.coding && s.text
}
fn anything(s: &CommandState) -> bool {
    s.anything
}
fn repair(s: &CommandState) -> bool {
    s.needs_repair
}
fn navigator_shown(s: &CommandState) -> bool {
    s.navigator_shown
}
fn inspector_shown(s: &CommandState) -> bool {
    s.inspector_shown
}
fn stripe_names(s: &CommandState) -> bool {
    s.stripe_names
}

/// "Apply recent code n": enabled with text selected and an n-th recent code, listed in the
/// Code menu (under the code's name) once there is an n-th recent code.
const fn recent(n: u8, label: &'static str, keys: &'static [KeyboardShortcut]) -> CommandSpec {
    const fn applies(s: &CommandState, n: u8) -> bool {
        s.recent_codes >= n as usize
    }
    let rules: [(Rule, Rule); 9] = [
        (|s| text(s) && applies(s, 1), |s| applies(s, 1)),
        (|s| text(s) && applies(s, 2), |s| applies(s, 2)),
        (|s| text(s) && applies(s, 3), |s| applies(s, 3)),
        (|s| text(s) && applies(s, 4), |s| applies(s, 4)),
        (|s| text(s) && applies(s, 5), |s| applies(s, 5)),
        (|s| text(s) && applies(s, 6), |s| applies(s, 6)),
        (|s| text(s) && applies(s, 7), |s| applies(s, 7)),
        (|s| text(s) && applies(s, 8), |s| applies(s, 8)),
        (|s| text(s) && applies(s, 9), |s| applies(s, 9)),
    ];
    let (enabled, shown) = rules[(n - 1) as usize];
    cmd(UiCommand::RecentCode(n), label, "Apply one of the codes used most recently to the selected text")
        .words(&["last", "apply", "tag"])
        .keys(keys)
        .menu(Menu::Code, 0)
        .when(enabled)
        .shown_when(shown)
}

/// The app's own commands (a view's are in the view's file), in the order the palette lists
/// them before the views' commands, and the order of each menu group.
pub const SHELL: &[CommandSpec] = &[
    // File
    cmd(UiCommand::NewProject, "New project…", "Create an empty project folder")
        .words(&["create", "folder"])
        .keys(&[key(CMD, Key::N)])
        .menu(Menu::File, 0),
    cmd(UiCommand::OpenProject, "Open project…", "Open a project folder")
        .words(&["folder", "load", "recent"])
        .keys(&[key(CMD, Key::O)])
        .menu(Menu::File, 0),
    cmd(UiCommand::ImportFiles, "Import documents…", "Bring in transcripts, field notes and a participants sheet")
        .words(&["add", "transcripts", "files", "word", "docx", "pdf"])
        .keys(&[key(CMD, Key::I)])
        .menu(Menu::File, 1)
        .when(writable),
    cmd(
        UiCommand::ImportRefiProject,
        "Import project (REFI-QDA .qdpx)…",
        "Open a project from NVivo, ATLAS.ti, MAXQDA, QualCoder or another REFI-QDA tool as a new Tema project",
    )
    .words(&["nvivo", "atlas", "maxqda", "qualcoder", "exchange"])
    .menu(Menu::File, 1)
    .menu_label("Import project…"),
    cmd(
        UiCommand::ImportRefiCodebook,
        "Import codebook (REFI-QDA .qdc)…",
        "Add the codes of a REFI-QDA codebook to this project, matched by name",
    )
    .words(&["nvivo", "atlas", "maxqda", "qualcoder", "exchange"])
    .menu(Menu::File, 1)
    .menu_label("Import codebook…")
    .when(writable),
    cmd(
        UiCommand::ExportRefiProject,
        "Export REFI-QDA project (.qdpx)…",
        "Write the project for NVivo, ATLAS.ti, MAXQDA, QualCoder or an archive (REFI-QDA)",
    )
    .words(&["nvivo", "atlas", "maxqda", "qualcoder", "exchange", "save"])
    .menu(Menu::File, 1)
    .submenu("Export")
    .menu_label("REFI-QDA project (.qdpx)…")
    .when(open),
    cmd(
        UiCommand::ExportRefiCodebook,
        "Export REFI-QDA codebook (.qdc)…",
        "Write the codebook and themes for another tool (REFI-QDA)",
    )
    .words(&["nvivo", "atlas", "maxqda", "qualcoder", "exchange", "save"])
    .menu(Menu::File, 1)
    .submenu("Export")
    .menu_label("REFI-QDA codebook (.qdc)…")
    .when(open),
    cmd(
        UiCommand::SaveNow,
        "Save now",
        "Every change is saved the moment you make it; this also folds the change journal into the project files (do it before copying the folder or committing it to git)",
    )
    .words(&["write", "journal", "flush", "commit"])
    .keys(&[key(CMD, Key::S)])
    .menu(Menu::File, 2)
    .when(writable),
    cmd(
        UiCommand::RepairProject,
        "Repair changed texts…",
        "A text file of this project was changed outside Tema: take its new text, place each coding again where its words are found, and list what stays unanchored",
    )
    .words(&["fix", "damaged", "reanchor", "re-anchor", "changed", "text", "quarantine"])
    .menu(Menu::File, 2)
    .when(repair)
    .shown_when(repair),
    cmd(UiCommand::ChangeCoder, "Change coder…", "Choose whose codings you are making")
        .words(&["user", "researcher", "who"])
        .menu(Menu::File, 3),
    cmd(UiCommand::Quit, "Quit", "Close Tema (everything is already saved)")
        .words(&["exit", "close"])
        .keys(&[key(CMD, Key::Q)])
        .menu(Menu::File, 4),
    // Edit
    cmd(UiCommand::Undo, "Undo", "Take back the last change")
        .words(&["back", "revert"])
        .keys(&[key(CMD, Key::Z)])
        .menu(Menu::Edit, 0)
        .when(undo),
    cmd(UiCommand::Redo, "Redo", "Re-apply the last change taken back")
        .words(&["again", "repeat"])
        .keys(&[key(CMD_SHIFT, Key::Z), key(CMD, Key::Y)])
        .menu(Menu::Edit, 0)
        .when(redo),
    cmd(UiCommand::CommandPalette, "Command palette…", "Find any command, document or code by typing")
        .words(&["commands", "actions"])
        .keys(&[key(CMD, Key::K), key(CMD_SHIFT, Key::P)])
        .menu(Menu::Edit, 1),
    cmd(UiCommand::ClearSelection, "Clear selection", "Clear the text selection and the selected coding")
        .words(&["deselect", "unselect"])
        .keys(&[key(NONE, Key::Escape)])
        .menu(Menu::Edit, 1)
        .when(anything),
    // Code
    cmd(
        UiCommand::CodeSelection,
        "Code selection…",
        "Pick a code for the selected text; type to filter, Enter to apply or to create a new code",
    )
    .words(&["apply", "tag", "mark", "picker"])
    .keys(&[key(NONE, Key::C), key(CMD, Key::E)])
    .menu(Menu::Code, 0)
    .when(text),
    cmd(UiCommand::InVivoCode, "Code in vivo", "Create a code named after the selected words and apply it")
        .words(&["words", "verbatim", "new"])
        .keys(&[key(NONE, Key::V)])
        .menu(Menu::Code, 0)
        .when(text),
    recent(1, "Apply recent code 1", &[key(NONE, Key::Num1)]),
    recent(2, "Apply recent code 2", &[key(NONE, Key::Num2)]),
    recent(3, "Apply recent code 3", &[key(NONE, Key::Num3)]),
    recent(4, "Apply recent code 4", &[key(NONE, Key::Num4)]),
    recent(5, "Apply recent code 5", &[key(NONE, Key::Num5)]),
    recent(6, "Apply recent code 6", &[key(NONE, Key::Num6)]),
    recent(7, "Apply recent code 7", &[key(NONE, Key::Num7)]),
    recent(8, "Apply recent code 8", &[key(NONE, Key::Num8)]),
    recent(9, "Apply recent code 9", &[key(NONE, Key::Num9)]),
    cmd(UiCommand::RemoveCoding, "Remove coding", "Remove the selected coding from its passage")
        .words(&["delete", "untag", "uncode"])
        .keys(&[key(NONE, Key::Delete), key(NONE, Key::Backspace)])
        .menu(Menu::Code, 1)
        .when(coding),
    cmd(
        UiCommand::FitCodingToSelection,
        "Fit coding to selection",
        "Move the selected coding's boundaries to the selected text",
    )
    .words(&["resize", "boundaries", "adjust"])
    .keys(&[key(NONE, Key::B)])
    .menu(Menu::Code, 1)
    .when(fit),
    // Text
    cmd(
        UiCommand::ToggleRead,
        "Mark document read / unread",
        "Mark the open document as read (familiarisation) or unread again",
    )
    .words(&["familiarisation", "familiarization", "unread", "done"])
    .keys(&[key(CMD, Key::R)])
    .menu(Menu::Text, 0)
    .when(writable_document),
    // View
    cmd(
        UiCommand::ToggleNavigator,
        "Show or hide the navigator",
        "The left panel: documents, participants, themes and the codebook",
    )
    .words(&["sidebar", "left", "panel", "codebook"])
    .keys(&[key(CMD, Key::B)])
    .menu(Menu::View, 2)
    .when(open)
    .checked(navigator_shown),
    cmd(UiCommand::ToggleInspector, "Show or hide the inspector", "The right panel: the details of what is selected")
        .words(&["sidebar", "right", "panel", "details"])
        .keys(&[key(CMD_SHIFT, Key::B)])
        .menu(Menu::View, 2)
        .when(open)
        .checked(inspector_shown),
    cmd(
        UiCommand::ToggleStripeNames,
        "Code names beside the stripes",
        "Write each coding's code name in the margin beside its stripe, not only on hover",
    )
    .words(&["margin", "labels", "show"])
    .menu(Menu::View, 2)
    .when(open)
    .checked(stripe_names),
    cmd(UiCommand::ZoomIn, "Zoom in", "Make everything larger (remembered for next time)")
        .words(&["larger", "bigger", "font", "size", "scale"])
        .keys(&[key(CMD, Key::Plus), key(CMD, Key::Equals)])
        .menu(Menu::View, 3),
    cmd(UiCommand::ZoomOut, "Zoom out", "Make everything smaller (remembered for next time)")
        .words(&["smaller", "font", "size", "scale"])
        .keys(&[key(CMD, Key::Minus)])
        .menu(Menu::View, 3),
    cmd(UiCommand::ZoomReset, "Actual size", "Everything at its normal size")
        .words(&["zoom", "normal", "reset", "100"])
        .keys(&[key(CMD, Key::Num0)])
        .menu(Menu::View, 3),
    cmd(UiCommand::ToggleDarkMode, "Toggle dark mode", "Switch between light and dark mode")
        .words(&["light", "night", "appearance", "colours", "colors"])
        .menu(Menu::View, 3),
];

/// Every command: the app's own, then each view's and each side panel's, in the order of
/// [`super::app::main_views`] and [`super::app::side_panels`]. Built once: a view's commands
/// are `'static` and do not depend on its state.
pub fn registry() -> &'static [CommandSpec] {
    static ALL: OnceLock<Vec<CommandSpec>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut all = SHELL.to_vec();
        for view in super::app::main_views().iter().chain(super::app::side_panels().iter()) {
            all.extend(view.kind().show_command().copied());
            all.extend_from_slice(view.commands());
        }
        all
    })
}

impl UiCommand {
    /// The command's definition (every command has one: a test checks it).
    pub fn spec(self) -> Option<&'static CommandSpec> {
        registry().iter().find(|s| s.command == self)
    }

    pub fn label(self) -> &'static str {
        self.spec().map(|s| s.label).unwrap_or_default()
    }

    pub fn tooltip(self) -> &'static str {
        self.spec().map(|s| s.tooltip).unwrap_or_default()
    }

    pub fn synonyms(self) -> &'static [&'static str] {
        self.spec().map(|s| s.synonyms).unwrap_or_default()
    }

    /// Shortcuts, the first one shown in menus.
    pub fn shortcuts(self) -> &'static [KeyboardShortcut] {
        self.spec().map(|s| s.shortcuts).unwrap_or_default()
    }

    /// The first shortcut as text for menus and tooltips (`Ctrl+Shift+Z`), or empty.
    pub fn shortcut_text(self, ctx: &egui::Context) -> String {
        self.spec().map(|s| s.shortcut_text(ctx)).unwrap_or_default()
    }

    /// The tooltip with the shortcut appended.
    pub fn hover_text(self, ctx: &egui::Context) -> String {
        self.spec().map(|s| s.hover_text(ctx)).unwrap_or_default()
    }

    /// The commands whose shortcut was pressed this frame, consuming the key presses.
    ///
    /// Nothing but the palette matches while a text field has focus: the keys are the field's. The
    /// one-key coding shortcuts ([`is_document_key`]: C, V, 1–9, Delete...) match only when
    /// `document_focus` says the transcript is what the keyboard is talking to, so letters
    /// typed anywhere else never code text. Escape is left to an open menu or popup, which
    /// closes on it, before it clears the selection.
    pub fn from_input(ctx: &egui::Context, document_focus: bool) -> Vec<UiCommand> {
        if ctx.text_edit_focused() {
            return Self::palette_from_input(ctx);
        }
        let popup_open = egui::Popup::is_any_open(ctx);
        let mut table: Vec<(KeyboardShortcut, UiCommand)> = registry()
            .iter()
            .flat_map(|c| c.shortcuts.iter().map(move |s| (*s, c.command)))
            .filter(|(s, _)| document_focus || !is_document_key(s))
            .filter(|(s, _)| !(popup_open && s.logical_key == Key::Escape))
            .collect();
        // Most specific first, so Ctrl+Shift+Z is not taken for Ctrl+Z.
        table.sort_by_key(|(s, _)| std::cmp::Reverse(modifier_count(s.modifiers)));
        let mut out = Vec::new();
        ctx.input_mut(|i| {
            for (s, c) in &table {
                if i.consume_shortcut(s) && !out.contains(c) {
                    out.push(*c);
                }
            }
        });
        out
    }

    /// The palette's shortcut (Ctrl+K, Ctrl+Shift+P: keys no text field uses), the one
    /// command that also works while a text field has the keyboard, so that the palette opens
    /// from the search box or a memo as from anywhere else.
    pub fn palette_from_input(ctx: &egui::Context) -> Vec<UiCommand> {
        let palette = UiCommand::CommandPalette.shortcuts();
        let pressed = ctx.input_mut(|i| palette.iter().any(|s| i.consume_shortcut(s)));
        if pressed { vec![UiCommand::CommandPalette] } else { Vec::new() }
    }
}

/// One menu as it is drawn: its groups in order (a separator between them), each a list of
/// entries: a command, or a submenu holding commands.
pub fn menu_groups(menu: Menu) -> Vec<Vec<MenuEntry>> {
    let mut groups: Vec<(u8, Vec<MenuEntry>)> = Vec::new();
    for spec in registry() {
        let Some(place) = spec.menu.filter(|p| p.menu == menu) else { continue };
        let at = match groups.iter().position(|(g, _)| *g == place.group) {
            Some(at) => at,
            None => {
                groups.push((place.group, Vec::new()));
                groups.len() - 1
            }
        };
        let entries = &mut groups[at].1;
        match place.submenu {
            None => entries.push(MenuEntry::Command(spec)),
            Some(name) => match entries.iter_mut().find_map(|e| match e {
                MenuEntry::Submenu(n, list) if *n == name => Some(list),
                _ => None,
            }) {
                Some(list) => list.push(spec),
                None => entries.push(MenuEntry::Submenu(name, vec![spec])),
            },
        }
    }
    groups.sort_by_key(|(g, _)| *g);
    groups.into_iter().map(|(_, entries)| entries).collect()
}

/// An entry of a menu (see [`menu_groups`]).
#[derive(Clone, Debug)]
pub enum MenuEntry {
    Command(&'static CommandSpec),
    Submenu(&'static str, Vec<&'static CommandSpec>),
}

/// A shortcut of one key without modifiers that acts on the transcript (a letter, a digit,
/// Delete or Backspace): these would fire while a person types, so they act only while the
/// document view has the keyboard.
pub fn is_document_key(s: &KeyboardShortcut) -> bool {
    let name = s.logical_key.name();
    s.modifiers.is_none()
        && (matches!(s.logical_key, Key::Delete | Key::Backspace)
            || (name.chars().count() == 1 && name.chars().all(|c| c.is_ascii_alphanumeric())))
}

fn modifier_count(m: Modifiers) -> u8 {
    u8::from(m.alt) + u8::from(m.ctrl) + u8::from(m.shift) + u8::from(m.mac_cmd) + u8::from(m.command)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn no_two_commands_share_a_shortcut() {
        let mut seen: HashMap<(bool, bool, bool, bool, Key), UiCommand> = HashMap::new();
        for c in registry() {
            for s in c.shortcuts {
                let m = s.modifiers;
                let key = (m.alt, m.ctrl || m.command, m.shift, m.mac_cmd, s.logical_key);
                if let Some(other) = seen.insert(key, c.command) {
                    assert!(other == c.command, "{other:?} and {:?} share the shortcut {s:?}", c.command);
                }
            }
        }
        // The table is what the app matches: a view's shortcut is in it (Ctrl+1 shows the document).
        assert!(seen.contains_key(&(false, true, false, false, Key::Num1)));
    }

    #[test]
    fn every_command_is_defined_once_with_words() {
        let all = registry();
        for (n, c) in all.iter().enumerate() {
            assert!(!c.label.is_empty(), "{:?} has no label", c.command);
            assert!(!c.tooltip.is_empty(), "{:?} has no tooltip", c.command);
            assert!(
                !all[..n].iter().any(|o| o.command == c.command),
                "{:?} is defined twice (two views claim it?)",
                c.command
            );
            assert!(!all[..n].iter().any(|o| o.label == c.label), "two commands are called “{}”", c.label);
            assert_eq!(c.command.spec().map(|s| s.label), Some(c.label));
        }
        // Every centre view can be brought forward by a command of its own; a side panel cannot.
        for view in super::super::app::main_views() {
            assert!(UiCommand::Show(view.kind()).spec().is_some(), "{:?} has no Show command", view.kind());
        }
        for panel in super::super::app::side_panels() {
            assert!(panel.kind().show_command().is_none(), "{:?} is a side panel", panel.kind());
        }
        // Each Show command is of a view the app has (none is left in the table unused).
        let kinds: Vec<ViewKind> = super::super::app::main_views().iter().map(|v| v.kind()).collect();
        for spec in super::super::view::SHOW {
            assert!(matches!(spec.command, UiCommand::Show(v) if kinds.contains(&v)), "{:?}", spec.command);
        }
        assert_eq!(UiCommand::RecentCode(3).shortcuts(), &[key(NONE, Key::Num3)]);
        assert!(UiCommand::RecentCode(0).shortcuts().is_empty());
    }

    #[test]
    fn every_command_is_in_exactly_one_menu_or_palette_only() {
        let mut listed: HashMap<UiCommand, usize> = HashMap::new();
        for menu in Menu::ALL {
            let groups = menu_groups(menu);
            assert!(!groups.is_empty(), "the {} menu is empty", menu.title());
            for entry in groups.iter().flatten() {
                let specs = match entry {
                    MenuEntry::Command(s) => vec![*s],
                    MenuEntry::Submenu(_, list) => list.clone(),
                };
                for s in specs {
                    *listed.entry(s.command).or_default() += 1;
                }
            }
        }
        for c in registry() {
            let times = listed.get(&c.command).copied().unwrap_or(0);
            if c.palette_only() {
                assert_eq!(times, 0, "{:?} is palette-only yet listed", c.command);
                assert_eq!(c.command, UiCommand::CommandPalette, "{:?} is in no menu", c.command);
            } else {
                assert_eq!(times, 1, "{:?} is in {times} menus", c.command);
            }
        }
    }

    #[test]
    fn rules_follow_the_state() {
        let none = CommandState::default();
        let editing = CommandState { open: true, writable: true, text: true, recent_codes: 2, ..none };
        let enabled = |c: UiCommand, s: &CommandState| c.spec().is_some_and(|spec| (spec.enabled)(s));
        assert!(enabled(UiCommand::OpenProject, &none));
        assert!(!enabled(UiCommand::SaveNow, &none));
        assert!(enabled(UiCommand::CodeSelection, &editing));
        assert!(enabled(UiCommand::RecentCode(2), &editing));
        assert!(!enabled(UiCommand::RecentCode(3), &editing));
        let read_only = CommandState { writable: false, ..editing };
        assert!(!enabled(UiCommand::CodeSelection, &read_only));
        let shown = |c: UiCommand, s: &CommandState| c.spec().is_some_and(|spec| (spec.shown)(s));
        assert!(!shown(UiCommand::RepairProject, &editing));
        assert!(shown(UiCommand::RepairProject, &CommandState { needs_repair: true, ..editing }));
        assert!(!shown(UiCommand::RecentCode(2), &none));
        assert!(shown(UiCommand::RecentCode(2), &editing));
    }

    #[test]
    fn shift_variant_wins_over_plain() {
        let ctx = egui::Context::default();
        let press = |modifiers: Modifiers| {
            let mut input = egui::RawInput::default();
            input.events.push(egui::Event::Key {
                key: Key::Z,
                physical_key: None,
                pressed: true,
                repeat: false,
                modifiers,
            });
            let mut got = Vec::new();
            let mut out = ctx.run_ui(input, |ui| got = UiCommand::from_input(ui.ctx(), true));
            out.textures_delta.clear();
            got
        };
        assert_eq!(press(CMD_SHIFT), vec![UiCommand::Redo]);
        assert_eq!(press(CMD), vec![UiCommand::Undo]);
    }
}
