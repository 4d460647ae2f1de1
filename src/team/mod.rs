//! Team coding: comparing coders, the consensus log, agreement figures, and merging another
//! copy of a project.
//!
//! Everything here is plain computation over a [`Project`](crate::model::Project): view models
//! that the app renders and the command line prints, and edits that the caller applies through
//! the store. Nothing here does I/O.

pub mod agreement;
pub mod compare;
pub mod merge;
mod spans;

pub use spans::Coverage;

use crate::model::{CoderId, Project};

/// Why a team computation could not be done. Messages reach the researcher as they are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TeamError {
    #[error("agreement needs at least two coders; {found} chosen")]
    TooFewCoders { found: usize },
    #[error("coder {0} is listed twice")]
    DuplicateCoder(String),
    #[error("there is no coder with id {0}")]
    UnknownCoder(CoderId),
    #[error("there is no such document")]
    UnknownDocument,
    #[error("the difference no longer matches the codings in the project (they changed since it was listed)")]
    StaleDifference,
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Edit(#[from] crate::edit::EditError),
}

/// The coders to compare: the given ones, or else every coder who has codings (in team order).
pub fn coders_or_all(p: &Project, coders: &[CoderId]) -> Result<Vec<CoderId>, TeamError> {
    let list: Vec<CoderId> = if coders.is_empty() {
        p.coders.keys().copied().filter(|c| p.coding_count_of_coder(*c) > 0).collect()
    } else {
        coders.to_vec()
    };
    for (i, c) in list.iter().enumerate() {
        let Some(coder) = p.coders.get(c) else { return Err(TeamError::UnknownCoder(*c)) };
        if list[..i].contains(c) {
            return Err(TeamError::DuplicateCoder(coder.name.clone()));
        }
    }
    if list.len() < 2 {
        return Err(TeamError::TooFewCoders { found: list.len() });
    }
    Ok(list)
}

#[cfg(test)]
pub(crate) mod testutil {
    //! Small projects built through edits, for the team tests.
    use crate::edit::Edit;
    use crate::model::*;

    pub const CODERS: [&str; 4] = ["Ingrid", "Tom", "Åse", "Kari"];

    pub fn coder_id(i: usize) -> CoderId {
        CoderId::from_u128(100 + i as u128)
    }

    pub fn doc_id(i: usize) -> DocId {
        DocId::from_u128(200 + i as u128)
    }

    /// A code's id from its name, so tests can refer to codes by name.
    pub fn code_id(name: &str) -> CodeId {
        CodeId::from_u128(u128::from(crc32fast::hash(name.as_bytes())) + 300)
    }

    /// A project with the given documents (name, text), `coders` coders and these codings:
    /// (coder, document, code name, start, end). Codes are created as they are first named.
    pub fn project(docs: &[(&str, &str)], coders: usize, codings: &[(usize, usize, &str, usize, usize)]) -> Project {
        let mut p = Project::new("Team test");
        let mut edits = Vec::new();
        for (i, name) in CODERS.iter().take(coders).enumerate() {
            let coder = Coder {
                id: coder_id(i),
                name: (*name).into(),
                colour: palette_colour(i),
                slug: name.to_lowercase().replace('å', "a"),
            };
            edits.push(Edit::AddCoder { coder, index: None });
        }
        for (i, (name, text)) in docs.iter().enumerate() {
            let d = Document::new(doc_id(i), *name, DocKind::Interview, *text);
            edits.push(Edit::AddDocument { document: Box::new(d), index: None });
        }
        let mut codes: Vec<&str> = Vec::new();
        for (n, &(coder, doc, code, start, end)) in codings.iter().enumerate() {
            if !codes.contains(&code) {
                codes.push(code);
                let c = Code::new(code_id(code), code, palette_colour(codes.len()));
                edits.push(Edit::CreateCode { code: c, index: None });
            }
            edits.push(Edit::AddCoding {
                coding: Coding {
                    // Ids differ between coders, so two test projects do not share one by accident.
                    id: CodingId::from_u128(1000 + 100 * coder as u128 + n as u128),
                    doc: doc_id(doc),
                    span: Span::new(start, end),
                    code: code_id(code),
                    coder: coder_id(coder),
                    created: chrono::DateTime::from_timestamp(1_700_000_000 + n as i64, 0).unwrap_or_default(),
                    comment: String::new(),
                },
            });
        }
        let applied = p.apply(Edit::batch("test project", edits));
        assert!(applied.is_ok(), "{applied:?}");
        p
    }
}
