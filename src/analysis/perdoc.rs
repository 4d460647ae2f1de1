//! Keeping a derived figure per document, so that after an edit only the documents it touched
//! are worked again.
//!
//! Almost every figure Tema shows is a sum over documents: extracts per code, co-occurring
//! pairs, a theme's extracts under review, the attribution of codings. Recomputing one whole
//! after each edit costs tens of milliseconds at 2 M words (docs/BENCHMARKS.md), while an edit
//! touches one document. [`PerDoc`] keeps each document's part of a figure with the document's
//! revision (`Project.revisions.doc`, which every change to its codings, turns or text bumps)
//! and, on [`PerDoc::refresh`], recomputes only the parts of documents whose revision moved,
//! drops those of documents that are gone and adds those of new ones. A figure either keeps a
//! total beside the parts and is told of each change (subtract the old part, add the new), or
//! re-merges its totals from the kept parts when that is cheap.
//!
//! Whatever a part depends on besides its document (the coder scope, the participants'
//! interviewer marks, the codebook's names) goes into the keeper's context key: a different
//! key drops every part, which is the whole recomputation.

use crate::model::{DocId, Document, Project};
use std::collections::HashMap;

/// Each document's part of a figure, kept by the document's revision, for one context key.
/// A keeper belongs to one open project: revisions restart when a project is loaded, so make a
/// new keeper (or [`PerDoc::clear`] it) for another one.
#[derive(Clone, Debug)]
pub struct PerDoc<K, T> {
    key: Option<K>,
    parts: HashMap<DocId, (u64, T)>,
    /// `Project.revisions.documents` when last refreshed: while it stands, no part is stale.
    seen: Option<u64>,
}

impl<K, T> Default for PerDoc<K, T> {
    fn default() -> Self {
        Self { key: None, parts: HashMap::new(), seen: None }
    }
}

/// What a refresh did (what the benchmarks and tests report).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Refreshed {
    /// The context key changed (or this was the first refresh): every part was made anew.
    pub whole: bool,
    /// Parts computed.
    pub computed: usize,
    /// Parts dropped because their document is gone.
    pub dropped: usize,
}

impl<K: PartialEq, T> PerDoc<K, T> {
    /// Brings the parts up to date for `key`. `compute` makes a document's part; `change` is
    /// told of every part that goes or comes, with the old part (if any) and the new one (if
    /// any), so a total kept beside the parts can subtract and add. A new key first drops every
    /// part (each reported to `change` as going), so totals kept that way need no reset path.
    pub fn refresh(
        &mut self,
        p: &Project,
        key: K,
        mut compute: impl FnMut(&Document) -> T,
        mut change: impl FnMut(DocId, Option<T>, Option<&T>),
    ) -> Refreshed {
        let mut done = Refreshed::default();
        if self.key.as_ref() != Some(&key) {
            for (doc, (_, old)) in self.parts.drain() {
                change(doc, Some(old), None);
            }
            self.key = Some(key);
            self.seen = None;
            done.whole = true;
        }
        if self.seen == Some(p.revisions.documents) {
            return done;
        }
        let gone: Vec<DocId> = self.parts.keys().copied().filter(|id| !p.documents.contains_key(id)).collect();
        for id in gone {
            if let Some((_, old)) = self.parts.remove(&id) {
                change(id, Some(old), None);
                done.dropped += 1;
            }
        }
        for doc in p.documents.values() {
            let revision = p.revisions.doc(doc.id);
            if self.parts.get(&doc.id).is_some_and(|(r, _)| *r == revision) {
                continue;
            }
            let part = compute(doc);
            let old = self.parts.insert(doc.id, (revision, part)).map(|(_, old)| old);
            let new = self.parts.get(&doc.id).map(|(_, new)| new);
            change(doc.id, old, new);
            done.computed += 1;
        }
        self.seen = Some(p.revisions.documents);
        done
    }

    /// How many documents' parts the next [`PerDoc::refresh`] for `key` would compute: a
    /// view asks, to send a refresh that works most documents to a worker.
    pub fn stale(&self, p: &Project, key: &K) -> usize {
        self.stale_by(p, key, |_| 1)
    }

    /// [`PerDoc::stale`] with each document weighed (by its codings, say: the work its part
    /// costs).
    pub fn stale_by(&self, p: &Project, key: &K, weight: impl Fn(DocId) -> usize) -> usize {
        if self.key.as_ref() != Some(key) {
            return p.documents.keys().map(|id| weight(*id)).sum();
        }
        if self.seen == Some(p.revisions.documents) {
            return 0;
        }
        let current = |id: &DocId| self.parts.get(id).is_some_and(|(r, _)| *r == p.revisions.doc(*id));
        p.documents.keys().filter(|id| !current(id)).map(|id| weight(*id)).sum()
    }

    /// A document's part, as of the last refresh.
    pub fn get(&self, doc: DocId) -> Option<&T> {
        self.parts.get(&doc).map(|(_, part)| part)
    }

    /// The context key of the kept parts.
    pub fn key(&self) -> Option<&K> {
        self.key.as_ref()
    }

    /// Forgets every part (another project was opened).
    pub fn clear(&mut self) {
        *self = Self { key: None, parts: HashMap::new(), seen: None };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::Edit;
    use crate::model::*;

    fn doc(n: u128, text: &str) -> Edit {
        Edit::AddDocument {
            document: Box::new(Document::new(DocId::from_u128(n), format!("D{n}"), DocKind::Other, text)),
            index: None,
        }
    }

    /// A kept total of characters over documents: only changed documents are counted again,
    /// a new key counts every document again, and the total always equals a fresh sum.
    #[test]
    fn only_changed_documents_are_computed_again() -> Result<(), crate::edit::EditError> {
        let mut p = Project::new("t");
        p.apply(Edit::batch("docs", vec![doc(1, "én to"), doc(2, "tre 😀"), doc(3, "fire")]))?;
        let mut kept: PerDoc<u8, usize> = PerDoc::default();
        let total = std::cell::Cell::new(0i64);
        let run = |kept: &mut PerDoc<u8, usize>, p: &Project, key: u8| {
            kept.refresh(
                p,
                key,
                |d| d.char_len,
                |_, old, new| total.set(total.get() + new.map_or(0, |n| *n as i64) - old.map_or(0, |n| n as i64)),
            )
        };
        let fresh = |p: &Project| p.documents.values().map(|d| d.char_len as i64).sum::<i64>();
        // `stale` foretells what each refresh computes.
        assert_eq!(kept.stale(&p, &0), 3);
        assert_eq!(run(&mut kept, &p, 0), Refreshed { whole: true, computed: 3, dropped: 0 });
        assert_eq!(kept.stale(&p, &0), 0);
        assert_eq!(run(&mut kept, &p, 0), Refreshed::default());
        p.apply(Edit::RemoveDocument { id: DocId::from_u128(2) })?;
        p.apply(doc(4, "fem seks sju"))?;
        assert_eq!(kept.stale(&p, &0), 1, "the new document; the removed one is only dropped");
        assert_eq!(run(&mut kept, &p, 0), Refreshed { whole: false, computed: 1, dropped: 1 });
        assert_eq!(kept.stale(&p, &1), 3, "another key");
        let chars = |id: DocId| p.documents.get(&id).map_or(0, |d| d.char_len);
        assert_eq!(kept.stale_by(&p, &1, chars), 5 + 4 + 12, "weighed: every document's characters");
        assert_eq!(run(&mut kept, &p, 1), Refreshed { whole: true, computed: 3, dropped: 0 });
        assert_eq!(total.get(), fresh(&p));
        assert_eq!(kept.get(DocId::from_u128(4)), Some(&12));
        assert_eq!(kept.key(), Some(&1));
        Ok(())
    }
}
