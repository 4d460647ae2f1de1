//! Analyses over the project, as pure view models: who an extract counts for
//! ([`attribution`]), the triangulation matrix ([`matrix`]), code co-occurrence
//! ([`cooccurrence`]) and the extracts a view opens from them ([`extract`]).

pub mod attribution;
pub mod cooccurrence;
pub mod extract;
pub mod matrix;

pub use attribution::{AttributedCoding, Attribution, AttributionIndex, Attributor};
pub use cooccurrence::{Cooccurrence, CooccurrenceOptions, Scope};
pub use extract::{CountsFor, Extract, ExtractBuilder, ExtractPart};
pub use matrix::{Cell, Column, ColumnKind, Matrix, MatrixCache, MatrixOptions, Row, RowSource};
