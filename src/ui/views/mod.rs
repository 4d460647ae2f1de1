//! One file per view.

pub mod codebook;
pub mod document;
pub mod inspector;
pub mod memos;
pub mod navigator;
pub mod retrieval;
pub mod triangulation;
