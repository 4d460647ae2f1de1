//! Analyses over a project: pure functions and view models from `&Project` to plain results,
//! tested without a window and shared by the app and the command line.
//!
//! - [`coverage`] and [`retrieval`]: how much of each document is coded, and the extracts of a
//!   code or theme.
//! - [`attribution`]: who an extract counts for (the speaker of each turn it overlaps, or the
//!   document's participant).
//! - [`matrix`]: the triangulation matrix of themes or codes by participant group, attribute or
//!   document, with the researcher's framework cells.
//! - [`cooccurrence`]: code × code overlaps, and [`extract`]: the one `Extract` type.
//! - [`perdoc`]: keeping a figure's part per document, so an edit recomputes one document;
//!   [`counts`] (extracts, documents and participants per code) is kept that way.
//! - [`scope`]: whose codings count ([`CoderScope`]) and the one rule that merges codings of
//!   a code on overlapping text into one extract.

pub mod attribution;
pub mod cooccurrence;
pub mod counts;
pub mod coverage;
pub mod extract;
pub mod map;
pub mod matrix;
pub mod perdoc;
pub mod phases;
pub mod retrieval;
pub mod scope;
pub mod themes;

pub use attribution::{AttributedCoding, AttributedExtract, Attribution, AttributionIndex, Attributor};
pub use cooccurrence::{Cooccurrence, CooccurrenceOptions, Scope};
pub use counts::CodeCounts;
pub use extract::{CountsFor, Extract, ExtractBuilder, ExtractPart};
pub use matrix::{Cell, Column, ColumnKind, Matrix, MatrixCache, MatrixOptions, Row, RowSource};
pub use perdoc::{PerDoc, Refreshed};
pub use scope::{CoderScope, UnknownCoder};
