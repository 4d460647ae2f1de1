//! Codebook planners: where a dragged or moved code lands. Creating a code is
//! [`super::plan::new_code`] / [`super::plan::code_or_new`]; renaming, recolouring, merging
//! and deleting are single edits the codebook sends as they are.

use super::Edit;
use crate::model::*;

/// Where a code is put, relative to another code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeDrop {
    Before(CodeId),
    After(CodeId),
    /// As the last child of this code.
    Into(CodeId),
    /// At the end of the top level.
    Top,
}

/// The edit that moves `id` to its new place among its new siblings; `None` when the target
/// is itself or unknown (apply refuses moving a code inside itself).
pub fn move_code(p: &Project, id: CodeId, drop: CodeDrop) -> Option<Edit> {
    let index_of = |c: CodeId| p.codes.get_index_of(&c);
    let from = index_of(id)?;
    let last = p.codes.len() - 1;
    let (parent, index) = match drop {
        CodeDrop::Into(t) if t == id => return None,
        CodeDrop::Into(t) => {
            index_of(t)?;
            (Some(t), last)
        }
        CodeDrop::Top => (None, last),
        CodeDrop::Before(t) | CodeDrop::After(t) if t == id => return None,
        CodeDrop::Before(t) => {
            let ti = index_of(t)?;
            (p.codes.get(&t)?.parent, if from < ti { ti - 1 } else { ti })
        }
        CodeDrop::After(t) => {
            let ti = index_of(t)?;
            (p.codes.get(&t)?.parent, if from <= ti { ti } else { ti + 1 })
        }
    };
    Some(Edit::MoveCode { id, parent, index })
}

/// The edit that moves a code one place up (`up`) or down among its siblings; `None` at the
/// end it moves towards.
pub fn move_among_siblings(p: &Project, id: CodeId, up: bool) -> Option<Edit> {
    let parent = p.codes.get(&id)?.parent;
    let siblings: Vec<CodeId> = p.code_children(parent).map(|c| c.id).collect();
    let pos = siblings.iter().position(|c| *c == id)?;
    let drop = if up {
        CodeDrop::Before(*siblings.get(pos.checked_sub(1)?)?)
    } else {
        CodeDrop::After(*siblings.get(pos + 1)?)
    };
    move_code(p, id, drop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::EditError;

    fn order(p: &Project) -> Vec<&str> {
        p.codes.values().map(|c| c.name()).collect()
    }

    /// Applies what `plan` returns for the project as it is; an error when it returns nothing.
    fn step(p: &mut Project, plan: impl Fn(&Project) -> Option<Edit>) -> Result<(), EditError> {
        let edit = plan(p).ok_or(EditError::BadIndex { index: 0, len: 0 })?;
        p.apply(edit).map(|_| ())
    }

    #[test]
    fn moves_land_where_dropped() -> Result<(), EditError> {
        let id = CodeId::from_u128;
        let mut p = crate::edit::plan::project_with_codes(&["A", "B", "C"])?;
        step(&mut p, |p| move_code(p, id(3), CodeDrop::Before(id(1))))?;
        assert_eq!(order(&p), ["C", "A", "B"]);
        step(&mut p, |p| move_code(p, id(3), CodeDrop::After(id(2))))?;
        assert_eq!(order(&p), ["A", "B", "C"]);
        step(&mut p, |p| move_code(p, id(1), CodeDrop::After(id(2))))?;
        assert_eq!(order(&p), ["B", "A", "C"]);
        step(&mut p, |p| move_code(p, id(2), CodeDrop::Into(id(3))))?;
        assert_eq!(p.codes.get(&id(2)).and_then(|c| c.parent), Some(id(3)));
        assert!(move_code(&p, id(2), CodeDrop::Before(id(2))).is_none());
        assert!(move_code(&p, id(2), CodeDrop::Into(id(2))).is_none());
        step(&mut p, |p| move_code(p, id(2), CodeDrop::Top))?;
        assert_eq!((order(&p), p.codes.get(&id(2)).and_then(|c| c.parent)), (vec!["A", "C", "B"], None));
        step(&mut p, |p| move_among_siblings(p, id(2), true))?;
        assert_eq!(order(&p), ["A", "B", "C"]);
        assert!(move_among_siblings(&p, id(1), true).is_none());
        assert!(move_among_siblings(&p, id(3), false).is_none());
        Ok(())
    }
}
