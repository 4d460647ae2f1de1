//! Analyses over a project: pure functions from `&Project` to plain results, tested without
//! a window and shared by the app and the command line.

pub mod coverage;
pub mod retrieval;
