//! One file per view.

pub mod chart;
pub mod codebook;
pub mod document;
pub mod inspector;
pub mod map;
pub mod memos;
pub mod navigator;
pub mod phases;
pub mod pseudonyms;
pub mod quote_settings;
pub mod quotes;
pub mod retrieval;
pub mod review;
pub mod search;
pub mod team;
pub mod themes;
pub mod trail;
pub mod triangulation;
