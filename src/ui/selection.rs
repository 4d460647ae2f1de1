//! What is selected: one item (a document, code, coding, ...) and, in the document view, a
//! span of text. It changes only through [`super::Action`]s applied by the app; ids that no
//! longer exist (after an undo, a merge, a delete) are dropped at the start of each frame.

use crate::model::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Item {
    Document(DocId),
    Participant(ParticipantId),
    Code(CodeId),
    Coding(CodingId),
    Memo(MemoId),
}

/// Selected text of a document, in chars.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextSel {
    pub doc: DocId,
    pub span: Span,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selection {
    pub item: Option<Item>,
    pub text: Option<TextSel>,
}

impl Selection {
    /// Forgets anything the project no longer has.
    pub fn drop_stale(&mut self, p: &Project) {
        let alive = match self.item {
            None => true,
            Some(Item::Document(id)) => p.documents.contains_key(&id),
            Some(Item::Participant(id)) => p.participants.contains_key(&id),
            Some(Item::Code(id)) => p.codes.contains_key(&id),
            Some(Item::Coding(id)) => p.codings.contains_key(&id),
            Some(Item::Memo(id)) => p.memos.contains_key(&id),
        };
        if !alive {
            self.item = None;
        }
        if let Some(t) = self.text
            && p.documents.get(&t.doc).is_none_or(|d| t.span.end.get() > d.char_len || t.span.is_empty())
        {
            self.text = None;
        }
    }

    pub fn coding(&self) -> Option<CodingId> {
        match self.item {
            Some(Item::Coding(id)) => Some(id),
            _ => None,
        }
    }

    pub fn code(&self) -> Option<CodeId> {
        match self.item {
            Some(Item::Code(id)) => Some(id),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_ids_are_dropped() {
        let mut p = Project::new("t");
        let d = Document::new(DocId::from_u128(1), "d", DocKind::Other, "abc");
        p.documents.insert(d.id, d);
        let mut s = Selection {
            item: Some(Item::Code(CodeId::from_u128(9))),
            text: Some(TextSel { doc: DocId::from_u128(1), span: Span::new(1, 3) }),
        };
        s.drop_stale(&p);
        assert_eq!(s.item, None);
        assert!(s.text.is_some());
        s.text = Some(TextSel { doc: DocId::from_u128(1), span: Span::new(1, 4) });
        s.drop_stale(&p);
        assert_eq!(s.text, None);
    }
}
