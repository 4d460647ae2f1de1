//! Tema: a workbench for qualitative thematic analysis.
//!
//! The crate is a UI-free core (`model`, `edit`, `store`, `analysis`, ...) with two thin
//! front ends over it: the command line (`cli`) and the egui app (`ui`). See
//! `docs/ARCHITECTURE.md`.

pub mod analysis;
pub mod cli;
pub mod edit;
pub mod exchange;
pub mod export;
pub mod files;
pub mod import;
pub mod index;
pub mod model;
pub mod progress;
pub mod pseudo;
pub mod quotes;
pub mod sample;
pub mod store;
pub mod team;
pub mod terminal;
#[cfg(feature = "testing")]
pub mod testing;
pub mod trail;
#[cfg(feature = "app")]
pub mod ui;
