//! Modal dialogs: the code picker, the command palette, new/open project, the coder, and
//! confirmations. Each draws itself with `egui::Modal` and reports what was chosen.

pub mod code_picker;
pub mod import;
pub mod palette;
pub mod project;
pub mod refi;

use crate::model::CodeId;

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
