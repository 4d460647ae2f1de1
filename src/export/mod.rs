//! Exports: one module per kind of output. Each writes from a `&Project` on the calling
//! thread; long ones report progress through [`crate::progress::Progress`] and stop when
//! cancelled, so the app runs them on a worker thread.
//!
//! [`report`] writes quotes, the results skeleton and the codebook; [`table`] writes a
//! triangulation matrix (Table 1 of a paper) as Markdown, CSV, XLSX, DOCX and LaTeX;
//! [`extracts`] the coding report (coded extracts as CSV, Markdown, DOCX or JSON).

pub mod extracts;
pub mod memos;
pub mod report;
pub mod table;
