//! Modal dialogs: the code picker, the command palette, new/open project, the coder, and
//! confirmations. Each draws itself with `egui::Modal` and reports what was chosen.

pub mod code_picker;
pub mod import;
pub mod palette;
pub mod project;
pub mod refi;

use crate::model::CodeId;
use crate::ui::Tokens;

/// A modal dialog over a backdrop that dims the app behind it (the tokens' `backdrop`), so the
/// dialog is plainly what the keyboard talks to; its frame has a visible border (the tokens'
/// visuals). Every dialog opens through here.
pub fn modal(ctx: &egui::Context, id: egui::Id) -> egui::Modal {
    let tokens = Tokens::for_dark_mode(ctx.global_style().visuals.dark_mode);
    egui::Modal::new(id).backdrop_color(tokens.backdrop)
}

/// The dialog that is open, if any (one at a time).
pub enum Dialog {
    Picker(code_picker::CodePicker),
    Palette(palette::Palette),
    Project(project::ProjectDialog),
    Coder(project::CoderDialog),
    ConfirmDelete { code: CodeId },
    Import(Box<import::ImportDialog>),
    Refi(Box<refi::RefiDialog>),
}
