//! Every command a person can give the app, with its label, tooltip and shortcuts. Menus,
//! the command palette and tooltips are generated from this one list, and shortcuts are
//! matched in one place ([`UiCommand::from_input`]).

use egui::{Key, KeyboardShortcut, Modifiers};

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
    CommentOnCoding,
    ClearSelection,
    ToggleRead,
    FindInDocument,
    FindNext,
    FindPrevious,
    NextDocument,
    PreviousDocument,
    /// Show the open document's details (name, kind, language, sets, attributes) to edit.
    EditDocument,
    DeleteDocument,
    CorrectText,
    AddNote,
    NewCode,
    RenameCode,
    FocusCodeSearch,
    ShowDocument,
    ShowRetrieval,
    ShowMemos,
    ShowSearch,
    ImportFiles,
    ImportRefiProject,
    ImportRefiCodebook,
    ExportRefiProject,
    ExportRefiCodebook,
    ShowQuotes,
    MakeQuote,
    ExportQuotes,
    ShowThemes,
    ShowThemeMap,
    ShowPhases,
    ShowTeam,
    ShowTriangulation,
    ShowTrail,
    ShowPseudonyms,
    NewJournalEntry,
    ChangeCoder,
    ToggleDarkMode,
    ToggleNavigator,
    ToggleInspector,
    ToggleStripeNames,
    ZoomIn,
    ZoomOut,
    ZoomReset,
    NextTurn,
    PreviousTurn,
    NextSentence,
    PreviousSentence,
    ExtendBySentence,
}

const fn sc(modifiers: Modifiers, key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(modifiers, key)
}

const NONE: Modifiers = Modifiers::NONE;
const CMD: Modifiers = Modifiers::COMMAND;
const CMD_SHIFT: Modifiers = Modifiers { shift: true, ..Modifiers::COMMAND };
const SHIFT: Modifiers = Modifiers::SHIFT;
const ALT: Modifiers = Modifiers::ALT;
const ALT_SHIFT: Modifiers = Modifiers { shift: true, ..Modifiers::ALT };

const DIGITS: [Key; 9] =
    [Key::Num1, Key::Num2, Key::Num3, Key::Num4, Key::Num5, Key::Num6, Key::Num7, Key::Num8, Key::Num9];

impl UiCommand {
    /// Every command, in the order the palette lists them.
    pub fn all() -> Vec<UiCommand> {
        use UiCommand::*;
        let mut v = vec![
            CodeSelection,
            InVivoCode,
            RemoveCoding,
            FitCodingToSelection,
            CommentOnCoding,
            ClearSelection,
            NextTurn,
            PreviousTurn,
            NextSentence,
            PreviousSentence,
            ExtendBySentence,
            ToggleRead,
            FindInDocument,
            FindNext,
            FindPrevious,
            NextDocument,
            PreviousDocument,
            EditDocument,
            DeleteDocument,
            CorrectText,
            AddNote,
            NewCode,
            RenameCode,
            FocusCodeSearch,
            ShowDocument,
            ShowRetrieval,
            ShowMemos,
            ShowSearch,
            ImportFiles,
            ImportRefiProject,
            ImportRefiCodebook,
            ExportRefiProject,
            ExportRefiCodebook,
            ShowQuotes,
            MakeQuote,
            ExportQuotes,
            ShowThemes,
            ShowThemeMap,
            ShowPhases,
            ShowTeam,
            ShowTriangulation,
            ShowTrail,
            ShowPseudonyms,
            NewJournalEntry,
            Undo,
            Redo,
            CommandPalette,
            NewProject,
            OpenProject,
            SaveNow,
            RepairProject,
            ChangeCoder,
            ToggleDarkMode,
            ToggleNavigator,
            ToggleInspector,
            ToggleStripeNames,
            ZoomIn,
            ZoomOut,
            ZoomReset,
            Quit,
        ];
        v.extend((1..=9).map(RecentCode));
        v
    }

    pub fn label(self) -> String {
        use UiCommand::*;
        match self {
            NewProject => "New project…".into(),
            OpenProject => "Open project…".into(),
            SaveNow => "Save now".into(),
            RepairProject => "Repair changed texts…".into(),
            Quit => "Quit".into(),
            Undo => "Undo".into(),
            Redo => "Redo".into(),
            CommandPalette => "Command palette…".into(),
            CodeSelection => "Code selection…".into(),
            InVivoCode => "Code in vivo".into(),
            RecentCode(n) => format!("Apply recent code {n}"),
            RemoveCoding => "Remove coding".into(),
            FitCodingToSelection => "Fit coding to selection".into(),
            CommentOnCoding => "Comment on coding".into(),
            ClearSelection => "Clear selection".into(),
            ToggleRead => "Mark document read / unread".into(),
            FindInDocument => "Find in document…".into(),
            FindNext => "Find next".into(),
            FindPrevious => "Find previous".into(),
            NextDocument => "Next document".into(),
            EditDocument => "Document details…".into(),
            DeleteDocument => "Delete document…".into(),
            CorrectText => "Correct selected text…".into(),
            AddNote => "Note on selected passage".into(),
            PreviousDocument => "Previous document".into(),
            NewCode => "New code…".into(),
            RenameCode => "Rename code…".into(),
            FocusCodeSearch => "Search the codebook".into(),
            ShowDocument => "Show document".into(),
            ShowRetrieval => "Show coded extracts".into(),
            ShowMemos => "Show memos and journal".into(),
            ShowSearch => "Search the documents".into(),
            ImportFiles => "Import documents…".into(),
            ImportRefiProject => "Import project (REFI-QDA .qdpx)…".into(),
            ImportRefiCodebook => "Import codebook (REFI-QDA .qdc)…".into(),
            ExportRefiProject => "Export REFI-QDA project (.qdpx)…".into(),
            ExportRefiCodebook => "Export REFI-QDA codebook (.qdc)…".into(),
            ShowQuotes => "Show quotes".into(),
            MakeQuote => "Make quote".into(),
            ExportQuotes => "Export quotes, results or codebook…".into(),
            ShowThemes => "Show themes board".into(),
            ShowThemeMap => "Show thematic map".into(),
            ShowPhases => "Show phase tracker".into(),
            ShowTeam => "Show team comparison".into(),
            ShowTriangulation => "Show triangulation table".into(),
            ShowTrail => "Show analysis trail, timeline and checklist".into(),
            ShowPseudonyms => "Pseudonymise…".into(),
            NewJournalEntry => "New journal entry".into(),
            ChangeCoder => "Change coder…".into(),
            ToggleDarkMode => "Toggle dark mode".into(),
            ToggleNavigator => "Show or hide the navigator".into(),
            ToggleInspector => "Show or hide the inspector".into(),
            ToggleStripeNames => "Code names beside the stripes".into(),
            ZoomIn => "Zoom in".into(),
            ZoomOut => "Zoom out".into(),
            ZoomReset => "Actual size".into(),
            NextTurn => "Select the next turn".into(),
            PreviousTurn => "Select the previous turn".into(),
            NextSentence => "Select the next sentence".into(),
            PreviousSentence => "Select the previous sentence".into(),
            ExtendBySentence => "Extend the selection by a sentence".into(),
        }
    }

    pub fn tooltip(self) -> &'static str {
        use UiCommand::*;
        match self {
            NewProject => "Create an empty project folder",
            OpenProject => "Open a project folder",
            SaveNow => {
                "Every change is saved the moment you make it; this also folds the change journal into the project files (do it before copying the folder or committing it to git)"
            }
            RepairProject => {
                "A text file of this project was changed outside Tema: take its new text, place each coding again where its words are found, and list what stays unanchored"
            }
            Quit => "Close Tema (everything is already saved)",
            Undo => "Take back the last change",
            Redo => "Re-apply the last change taken back",
            CommandPalette => "Find any command, document or code by typing",
            CodeSelection => {
                "Pick a code for the selected text; type to filter, Enter to apply or to create a new code"
            }
            InVivoCode => "Create a code named after the selected words and apply it",
            RecentCode(_) => "Apply one of the codes used most recently to the selected text",
            RemoveCoding => "Remove the selected coding from its passage",
            FitCodingToSelection => "Move the selected coding's boundaries to the selected text",
            CommentOnCoding => "Write a comment on the selected coding",
            ClearSelection => "Clear the text selection and the selected coding",
            ToggleRead => "Mark the open document as read (familiarisation) or unread again",
            FindInDocument => "Find words in the open document",
            FindNext => "Go to the next match",
            FindPrevious => "Go to the previous match",
            NextDocument => "Open the next document in the navigator",
            EditDocument => "Rename the open document, change its kind, language, sets and attributes",
            DeleteDocument => "Delete the open document with its codings (asks first; undo brings it back)",
            CorrectText => "Fix a transcription error in the selected text; shows the codings it touches first",
            AddNote => "Write a note anchored to the selected passage (shown in the margin, listed with memos)",
            PreviousDocument => "Open the previous document in the navigator",
            NewCode => "Add a code to the codebook",
            RenameCode => "Rename the selected code",
            FocusCodeSearch => "Filter the codebook tree by name",
            ShowDocument => "Read and code the open document",
            ShowRetrieval => "Every coded extract of the selected code, with who said it",
            ShowMemos => "The reflexive journal and the memos on documents and codes",
            ShowSearch => "Every passage that says a word or phrase, in context, with who said it",
            ImportFiles => "Bring in transcripts, field notes and a participants sheet",
            ImportRefiProject => {
                "Open a project from NVivo, ATLAS.ti, MAXQDA, QualCoder or another REFI-QDA tool as a new Tema project"
            }
            ImportRefiCodebook => "Add the codes of a REFI-QDA codebook to this project, matched by name",
            ExportRefiProject => "Write the project for NVivo, ATLAS.ti, MAXQDA, QualCoder or an archive (REFI-QDA)",
            ExportRefiCodebook => "Write the codebook and themes for another tool (REFI-QDA)",
            ShowQuotes => "The quotes of each theme, attributed as the paper will print them",
            MakeQuote => "Use the selected coding (or the selected text) as a quote for a theme",
            ExportQuotes => {
                "Write the quotes, the results skeleton or the codebook as Word, Markdown, LaTeX, HTML or CSV"
            }
            ShowThemes => "Candidate, reviewed and final themes: cluster codes, define, review, merge and split",
            ShowThemeMap => "Themes, subthemes and codes as a graph you arrange; export as SVG or PNG",
            ShowPhases => "How far each of the six phases has come, measured from the project",
            ShowTeam => "Compare coders: agreement per code, differences to settle, merging another copy",
            ShowTrail => {
                "Every decision about codes and themes with the journal on one timeline, the map at any date, and Braun & Clarke's checklist"
            }
            ShowTriangulation => {
                "Themes or codes by participant group, attribute or document, with extracts and summaries"
            }
            ShowPseudonyms => {
                "Find names and identifiers, replace them consistently in place or in a copy, keep the key apart, verify"
            }
            NewJournalEntry => "Write a dated entry in the reflexive journal",
            ChangeCoder => "Choose whose codings you are making",
            ToggleDarkMode => "Switch between light and dark mode",
            ToggleNavigator => "The left panel: documents, participants, themes and the codebook",
            ToggleInspector => "The right panel: the details of what is selected",
            ToggleStripeNames => "Write each coding's code name in the margin beside its stripe, not only on hover",
            ZoomIn => "Make everything larger (remembered for next time)",
            ZoomOut => "Make everything smaller (remembered for next time)",
            ZoomReset => "Everything at its normal size",
            NextTurn => {
                "Select the words of the next speaker turn (a line in field notes), to code it with the keyboard"
            }
            PreviousTurn => "Select the words of the previous speaker turn",
            NextSentence => "Select the next sentence (from a selected turn: its first sentence)",
            PreviousSentence => "Select the previous sentence",
            ExtendBySentence => "Grow the selection to the end of the next sentence",
        }
    }

    /// Other words people type for the command in the palette (the label's own words count
    /// already): "graph" finds the thematic map, "kappa" the team comparison.
    pub fn synonyms(self) -> &'static [&'static str] {
        use UiCommand::*;
        match self {
            NewProject => &["create", "folder"],
            OpenProject => &["folder", "load", "recent"],
            SaveNow => &["write", "journal", "flush", "commit"],
            Quit => &["exit", "close"],
            RepairProject => &["fix", "damaged", "reanchor", "re-anchor", "changed", "text", "quarantine"],
            Undo => &["back", "revert"],
            Redo => &["again", "repeat"],
            CommandPalette => &["commands", "actions"],
            CodeSelection => &["apply", "tag", "mark", "picker"],
            InVivoCode => &["words", "verbatim", "new"],
            RecentCode(_) => &["last", "apply", "tag"],
            RemoveCoding => &["delete", "untag", "uncode"],
            FitCodingToSelection => &["resize", "boundaries", "adjust"],
            CommentOnCoding => &["note", "remark"],
            ClearSelection => &["deselect", "unselect"],
            ToggleRead => &["familiarisation", "familiarization", "unread", "done"],
            FindInDocument => &["search", "look"],
            FindNext | FindPrevious => &["search", "match"],
            NextDocument | PreviousDocument => &["transcript", "file"],
            EditDocument => &["rename", "attributes", "properties", "sets", "language"],
            DeleteDocument => &["remove", "transcript"],
            CorrectText => &["fix", "typo", "transcription", "edit"],
            AddNote => &["annotate", "comment", "memo"],
            NewCode => &["create", "add", "codebook"],
            RenameCode => &["name", "edit"],
            FocusCodeSearch => &["codes", "filter", "find"],
            ShowDocument => &["transcript", "read", "text"],
            ShowRetrieval => &["retrieval", "passages", "segments", "quotes"],
            ShowMemos => &["notes", "reflexive", "diary"],
            ShowSearch => &["find", "full", "text", "query"],
            ImportFiles => &["add", "transcripts", "files", "word", "docx", "pdf"],
            ImportRefiProject | ImportRefiCodebook => &["nvivo", "atlas", "maxqda", "qualcoder", "exchange"],
            ExportRefiProject | ExportRefiCodebook => &["nvivo", "atlas", "maxqda", "qualcoder", "exchange", "save"],
            ShowQuotes => &["illustrative", "extracts", "writing"],
            MakeQuote => &["illustrative", "extract", "add"],
            ExportQuotes => &["word", "docx", "latex", "markdown", "spreadsheet", "table", "report"],
            ShowThemes => &["board", "candidate", "review", "subthemes"],
            ShowThemeMap => &["graph", "network", "diagram", "mind"],
            ShowPhases => &["progress", "braun", "clarke", "six", "steps"],
            ShowPseudonyms => &["anonymise", "anonymize", "pseudonymize", "names", "gdpr", "deidentify", "privacy"],
            ShowTrail => &["audit", "decisions", "history", "timeline", "checklist", "appendix", "methods"],
            ShowTeam => &["coders", "agreement", "kappa", "compare", "merge"],
            ShowTriangulation => &["groups", "converge", "diverge", "matrix", "cooccurrence", "co", "occurrence"],
            NewJournalEntry => &["reflexive", "diary", "memo", "write"],
            ChangeCoder => &["user", "researcher", "who"],
            ToggleDarkMode => &["light", "night", "appearance", "colours", "colors"],
            ToggleNavigator => &["sidebar", "left", "panel", "codebook"],
            ToggleInspector => &["sidebar", "right", "panel", "details"],
            ToggleStripeNames => &["margin", "labels", "show"],
            ZoomIn => &["larger", "bigger", "font", "size", "scale"],
            ZoomOut => &["smaller", "font", "size", "scale"],
            ZoomReset => &["zoom", "normal", "reset", "100"],
            NextTurn | PreviousTurn => &["speaker", "keyboard", "move"],
            NextSentence | PreviousSentence | ExtendBySentence => &["keyboard", "move", "grow"],
        }
    }

    /// Shortcuts, the first one shown in menus.
    pub fn shortcuts(self) -> Vec<KeyboardShortcut> {
        use UiCommand::*;
        match self {
            NewProject => vec![sc(CMD, Key::N)],
            OpenProject => vec![sc(CMD, Key::O)],
            SaveNow => vec![sc(CMD, Key::S)],
            Quit => vec![sc(CMD, Key::Q)],
            Undo => vec![sc(CMD, Key::Z)],
            Redo => vec![sc(CMD_SHIFT, Key::Z), sc(CMD, Key::Y)],
            CommandPalette => vec![sc(CMD, Key::K), sc(CMD_SHIFT, Key::P)],
            CodeSelection => vec![sc(NONE, Key::C), sc(CMD, Key::E)],
            InVivoCode => vec![sc(NONE, Key::V)],
            RecentCode(n) => DIGITS.get(usize::from(n).wrapping_sub(1)).map(|k| vec![sc(NONE, *k)]).unwrap_or_default(),
            RemoveCoding => vec![sc(NONE, Key::Delete), sc(NONE, Key::Backspace)],
            FitCodingToSelection => vec![sc(NONE, Key::B)],
            CommentOnCoding => vec![sc(NONE, Key::M)],
            ClearSelection => vec![sc(NONE, Key::Escape)],
            ToggleRead => vec![sc(CMD, Key::R)],
            FindInDocument => vec![sc(CMD, Key::F)],
            FindNext => vec![sc(NONE, Key::F3)],
            FindPrevious => vec![sc(SHIFT, Key::F3)],
            NextDocument => vec![sc(CMD, Key::PageDown)],
            PreviousDocument => vec![sc(CMD, Key::PageUp)],
            NewCode => vec![sc(CMD_SHIFT, Key::N)],
            RenameCode => vec![sc(NONE, Key::F2)],
            FocusCodeSearch => vec![sc(CMD, Key::L)],
            ShowDocument => vec![sc(CMD, Key::Num1)],
            ShowRetrieval => vec![sc(CMD, Key::Num2)],
            ShowMemos => vec![sc(CMD, Key::Num3)],
            ShowSearch => vec![sc(CMD_SHIFT, Key::F), sc(CMD, Key::Num4)],
            ImportFiles => vec![sc(CMD, Key::I)],
            ShowQuotes => vec![sc(CMD, Key::Num5)],
            MakeQuote => vec![sc(NONE, Key::Q)],
            ExportQuotes => vec![sc(CMD_SHIFT, Key::E)],
            NewJournalEntry => vec![sc(CMD, Key::J)],
            ImportRefiProject | ImportRefiCodebook | ExportRefiProject | ExportRefiCodebook => vec![],
            RepairProject => vec![],
            ToggleNavigator => vec![sc(CMD, Key::B)],
            ToggleInspector => vec![sc(CMD_SHIFT, Key::B)],
            ZoomIn => vec![sc(CMD, Key::Plus), sc(CMD, Key::Equals)],
            ZoomOut => vec![sc(CMD, Key::Minus)],
            ZoomReset => vec![sc(CMD, Key::Num0)],
            NextTurn => vec![sc(ALT, Key::ArrowDown)],
            PreviousTurn => vec![sc(ALT, Key::ArrowUp)],
            NextSentence => vec![sc(ALT, Key::ArrowRight)],
            PreviousSentence => vec![sc(ALT, Key::ArrowLeft)],
            ExtendBySentence => vec![sc(ALT_SHIFT, Key::ArrowRight)],
            ToggleStripeNames | ChangeCoder | ToggleDarkMode | ShowThemes | ShowThemeMap | ShowPhases | ShowTeam
            | ShowTriangulation | ShowTrail | ShowPseudonyms => {
                vec![]
            }
            EditDocument | DeleteDocument | CorrectText | AddNote => vec![],
        }
    }

    /// The first shortcut as text for menus and tooltips (`Ctrl+Shift+Z`), or empty.
    pub fn shortcut_text(self, ctx: &egui::Context) -> String {
        self.shortcuts().first().map(|s| ctx.format_shortcut(s)).unwrap_or_default()
    }

    /// The tooltip with the shortcut appended.
    pub fn hover_text(self, ctx: &egui::Context) -> String {
        let keys = self.shortcut_text(ctx);
        if keys.is_empty() { self.tooltip().to_string() } else { format!("{} ({keys})", self.tooltip()) }
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
        let mut table: Vec<(KeyboardShortcut, UiCommand)> = Self::all()
            .into_iter()
            .flat_map(|c| c.shortcuts().into_iter().map(move |s| (s, c)))
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
}

impl UiCommand {
    /// The palette's shortcut (Ctrl+K, Ctrl+Shift+P: keys no text field uses), the one
    /// command that also works while a text field has the keyboard, so that the palette opens
    /// from the search box or a memo as from anywhere else.
    pub fn palette_from_input(ctx: &egui::Context) -> Vec<UiCommand> {
        let palette = UiCommand::CommandPalette.shortcuts();
        let pressed = ctx.input_mut(|i| palette.iter().any(|s| i.consume_shortcut(s)));
        if pressed { vec![UiCommand::CommandPalette] } else { Vec::new() }
    }
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
        for c in UiCommand::all() {
            for s in c.shortcuts() {
                let m = s.modifiers;
                let key = (m.alt, m.ctrl || m.command, m.shift, m.mac_cmd, s.logical_key);
                if let Some(other) = seen.insert(key, c) {
                    assert!(other == c, "{other:?} and {c:?} share the shortcut {s:?}");
                }
            }
        }
    }

    #[test]
    fn every_command_has_words() {
        for c in UiCommand::all() {
            assert!(!c.label().is_empty(), "{c:?} has no label");
            assert!(!c.tooltip().is_empty(), "{c:?} has no tooltip");
        }
        assert_eq!(UiCommand::RecentCode(3).shortcuts(), vec![sc(NONE, Key::Num3)]);
        assert!(UiCommand::RecentCode(0).shortcuts().is_empty());
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
