//! Applying edits: validation first, then the change, then the inverse.
//!
//! Composite edits (removing a document, deleting or merging codes and themes) are expanded
//! into primitive edits and applied as a batch, so their inverses are built by the same code
//! that undoes the primitives and cannot drift from it.

use super::{Edit, EditError};
use crate::model::*;
use indexmap::IndexMap;
use std::collections::HashSet;
use std::hash::Hash;

pub(super) type Applied = Result<Edit, EditError>;

/// Inserts at `index` (or appends), refusing an index past the end.
fn insert_at<K: Hash + Eq, V>(
    map: &mut IndexMap<K, V>,
    index: Option<usize>,
    key: K,
    value: V,
) -> Result<(), EditError> {
    let len = map.len();
    let index = index.unwrap_or(len);
    if index > len {
        return Err(EditError::BadIndex { index, len });
    }
    map.shift_insert(index, key, value);
    Ok(())
}

fn check_index(index: usize, len: usize) -> Result<(), EditError> {
    if index >= len { Err(EditError::BadIndex { index, len }) } else { Ok(()) }
}

/// The longest name (of a document, participant, coder, code or theme) accepted: names are
/// shown in lists, tables and file names derived from them, where longer ones break layouts
/// and file-name limits.
pub const MAX_NAME_CHARS: usize = 200;

/// Refuses an empty name, one too long, or one already used by another entity of the same kind.
pub(super) fn check_name<'a>(
    kind: &'static str,
    name: &str,
    others: impl Iterator<Item = &'a str>,
) -> Result<(), EditError> {
    let key = name_key(name);
    if key.is_empty() {
        return Err(EditError::EmptyName { kind });
    }
    let chars = name.trim().chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(EditError::NameTooLong { kind, chars, max: MAX_NAME_CHARS });
    }
    // ASCII pairs are compared in place; any other pair by its key (this one's built once).
    let ascii = name.is_ascii();
    if others.into_iter().any(|o| if ascii && o.is_ascii() { same_name(o, name) } else { name_key(o) == key }) {
        return Err(EditError::DuplicateName { kind, name: name.trim().to_string() });
    }
    Ok(())
}

/// Whether an edit changes what the search index holds: documents, their turns, the
/// participants the turns point to, or the language words are stemmed for.
fn touches_corpus(edit: &Edit) -> bool {
    match edit {
        Edit::Batch { edits, .. } => edits.iter().any(touches_corpus),
        Edit::SetSettings { .. }
        | Edit::AddDocument { .. }
        | Edit::RemoveDocument { .. }
        | Edit::UpdateDocument { .. }
        | Edit::MoveDocument { .. }
        | Edit::SetTurns { .. }
        | Edit::ReplaceText { .. }
        | Edit::AddParticipant { .. }
        | Edit::UpdateParticipant { .. }
        | Edit::RemoveParticipant { .. } => true,
        _ => false,
    }
}

impl Project {
    /// Validates and applies one edit, returning the edit that undoes it. On error the
    /// project is exactly as it was.
    pub fn apply(&mut self, edit: Edit) -> Applied {
        let corpus = touches_corpus(&edit);
        let inverse = self.apply_inner(edit)?;
        self.revisions.all += 1;
        if corpus {
            self.revisions.corpus += 1;
        }
        Ok(inverse)
    }

    pub(super) fn apply_inner(&mut self, edit: Edit) -> Applied {
        match edit {
            Edit::Batch { label, edits } => self.apply_batch(label, edits),
            Edit::SetSettings { settings } => {
                if settings.name.trim().is_empty() {
                    return Err(EditError::EmptyName { kind: "project" });
                }
                if let Some(reason) = settings.quotes.problem() {
                    return Err(EditError::InvalidSettings { reason });
                }
                let old = std::mem::replace(&mut self.settings, settings);
                Ok(Edit::SetSettings { settings: old })
            }

            Edit::AddDocument { document, index } => self.add_document(*document, index),
            Edit::RemoveDocument { id } => self.remove_document(id),
            Edit::UpdateDocument { id, props } => {
                let others = self.documents.values().filter(|d| d.id != id).map(|d| d.name());
                check_name("document", &props.name, others)?;
                let doc = self.documents.get_mut(&id).ok_or_else(|| EditError::unknown("document", id))?;
                let old = std::mem::replace(&mut doc.props, props);
                self.revisions.documents += 1;
                Ok(Edit::UpdateDocument { id, props: old })
            }
            Edit::MoveDocument { id, index } => {
                let from = self.documents.get_index_of(&id).ok_or_else(|| EditError::unknown("document", id))?;
                check_index(index, self.documents.len())?;
                self.documents.move_index(from, index);
                self.revisions.documents += 1;
                Ok(Edit::MoveDocument { id, index: from })
            }
            Edit::SetDocumentRead { id, coder, read } => {
                if !self.coders.contains_key(&coder) {
                    return Err(EditError::unknown("coder", coder));
                }
                let doc = self.documents.get_mut(&id).ok_or_else(|| EditError::unknown("document", id))?;
                let was = if read { !doc.read_by.insert(coder) } else { doc.read_by.remove(&coder) };
                Ok(Edit::SetDocumentRead { id, coder, read: was })
            }
            Edit::ReplaceText { doc, changes, respans } => self.replace_text(doc, changes, respans),
            Edit::SetTurns { id, turns } => {
                let doc = self.documents.get(&id).ok_or_else(|| EditError::unknown("document", id))?;
                self.check_turns(doc.name(), doc.char_len, &turns)?;
                let doc = self.documents.get_mut(&id).ok_or_else(|| EditError::unknown("document", id))?;
                let old = std::mem::replace(&mut doc.turns, turns);
                self.bump_doc(id);
                Ok(Edit::SetTurns { id, turns: old })
            }

            Edit::AddParticipant { participant, index } => {
                if self.participants.contains_key(&participant.id) {
                    return Err(EditError::DuplicateId { kind: "participant", id: participant.id.to_string() });
                }
                check_name("participant", participant.label(), self.participants.values().map(|p| p.label()))?;
                let id = participant.id;
                insert_at(&mut self.participants, index, id, participant)?;
                self.revisions.participants += 1;
                Ok(Edit::RemoveParticipant { id })
            }
            Edit::UpdateParticipant { id, props } => {
                let others = self.participants.values().filter(|p| p.id != id).map(|p| p.label());
                check_name("participant", &props.label, others)?;
                let p = self.participants.get_mut(&id).ok_or_else(|| EditError::unknown("participant", id))?;
                let old = std::mem::replace(&mut p.props, props);
                self.revisions.participants += 1;
                Ok(Edit::UpdateParticipant { id, props: old })
            }
            Edit::RemoveParticipant { id } => self.remove_participant(id),

            Edit::AddCoder { coder, index } => {
                if self.coders.contains_key(&coder.id) {
                    return Err(EditError::DuplicateId { kind: "coder", id: coder.id.to_string() });
                }
                check_name("coder", &coder.name, self.coders.values().map(|c| c.name.as_str()))?;
                let slug_ok = !coder.slug.is_empty()
                    && coder.slug.len() <= 64
                    && coder.slug.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                if !slug_ok || self.coders.values().any(|c| c.slug.eq_ignore_ascii_case(&coder.slug)) {
                    return Err(EditError::BadSlug { slug: coder.slug });
                }
                let id = coder.id;
                insert_at(&mut self.coders, index, id, coder)?;
                Ok(Edit::RemoveCoder { id })
            }
            Edit::UpdateCoder { id, name, colour } => {
                let others = self.coders.values().filter(|c| c.id != id).map(|c| c.name.as_str());
                check_name("coder", &name, others)?;
                let c = self.coders.get_mut(&id).ok_or_else(|| EditError::unknown("coder", id))?;
                let old_name = std::mem::replace(&mut c.name, name);
                let old_colour = std::mem::replace(&mut c.colour, colour);
                Ok(Edit::UpdateCoder { id, name: old_name, colour: old_colour })
            }
            Edit::RemoveCoder { id } => self.remove_coder(id),

            Edit::CreateCode { code, index } => {
                if self.codes.contains_key(&code.id) {
                    return Err(EditError::DuplicateId { kind: "code", id: code.id.to_string() });
                }
                check_name("code", code.name(), self.codes.values().map(|c| c.name()))?;
                if let Some(p) = code.parent
                    && !self.codes.contains_key(&p)
                {
                    return Err(EditError::unknown("code", p));
                }
                let id = code.id;
                insert_at(&mut self.codes, index, id, code)?;
                self.revisions.codebook += 1;
                Ok(Edit::DeleteCode { id })
            }
            Edit::UpdateCode { id, props } => {
                let others = self.codes.values().filter(|c| c.id != id).map(|c| c.name());
                check_name("code", &props.name, others)?;
                let code = self.codes.get_mut(&id).ok_or_else(|| EditError::unknown("code", id))?;
                let old = std::mem::replace(&mut code.props, props);
                self.revisions.codebook += 1;
                Ok(Edit::UpdateCode { id, props: old })
            }
            Edit::MoveCode { id, parent, index } => {
                let from = self.codes.get_index_of(&id).ok_or_else(|| EditError::unknown("code", id))?;
                check_index(index, self.codes.len())?;
                if let Some(p) = parent {
                    if !self.codes.contains_key(&p) {
                        return Err(EditError::unknown("code", p));
                    }
                    if self.code_subtree(id).contains(&p) {
                        return Err(EditError::Cycle { name: self.code_path(id), parent: self.code_path(p) });
                    }
                }
                let old_parent = match self.codes.get_mut(&id) {
                    Some(code) => std::mem::replace(&mut code.parent, parent),
                    None => return Err(EditError::unknown("code", id)),
                };
                self.codes.move_index(from, index);
                self.revisions.codebook += 1;
                Ok(Edit::MoveCode { id, parent: old_parent, index: from })
            }
            Edit::DeleteCode { id } => self.delete_code(id),
            Edit::MergeCodes { from, into } => self.merge_codes(from, into),

            Edit::AddCoding { coding } => {
                if self.codings.contains_key(&coding.id) {
                    return Err(EditError::DuplicateId { kind: "coding", id: coding.id.to_string() });
                }
                if !self.coders.contains_key(&coding.coder) {
                    return Err(EditError::unknown("coder", coding.coder));
                }
                self.check_coding(coding.id, coding.doc, coding.span, coding.code, coding.coder)?;
                let (id, doc) = (coding.id, coding.doc);
                self.derived.insert(&coding);
                self.codings.insert(id, coding);
                self.bump_doc(doc);
                Ok(Edit::RemoveCoding { id })
            }
            Edit::UpdateCoding { id, props } => {
                let (doc, coder) = match self.codings.get(&id) {
                    Some(c) => (c.doc, c.coder),
                    None => return Err(EditError::unknown("coding", id)),
                };
                self.check_coding(id, doc, props.span, props.code, coder)?;
                let Some(c) = self.codings.get_mut(&id) else {
                    return Err(EditError::unknown("coding", id));
                };
                let old = c.props();
                self.derived.remove(c);
                c.span = props.span;
                c.code = props.code;
                c.comment = props.comment;
                self.derived.insert(c);
                self.bump_doc(doc);
                Ok(Edit::UpdateCoding { id, props: old })
            }
            Edit::RemoveCoding { id } => self.remove_coding(id),
            Edit::AddCodings { codings } => self.add_codings(codings),
            Edit::RemoveCodings { ids } => self.remove_codings(ids),

            Edit::CreateTheme { theme, index } => {
                if self.themes.contains_key(&theme.id) {
                    return Err(EditError::DuplicateId { kind: "theme", id: theme.id.to_string() });
                }
                check_name("theme", theme.name(), self.themes.values().map(|t| t.name()))?;
                if let Some(p) = theme.parent
                    && !self.themes.contains_key(&p)
                {
                    return Err(EditError::unknown("theme", p));
                }
                self.check_members(&theme.codes)?;
                let id = theme.id;
                insert_at(&mut self.themes, index, id, theme)?;
                self.revisions.themes += 1;
                Ok(Edit::DeleteTheme { id })
            }
            Edit::UpdateTheme { id, props } => {
                let others = self.themes.values().filter(|t| t.id != id).map(|t| t.name());
                check_name("theme", &props.name, others)?;
                let t = self.themes.get_mut(&id).ok_or_else(|| EditError::unknown("theme", id))?;
                let old = std::mem::replace(&mut t.props, props);
                self.revisions.themes += 1;
                Ok(Edit::UpdateTheme { id, props: old })
            }
            Edit::MoveTheme { id, parent, index } => {
                let from = self.themes.get_index_of(&id).ok_or_else(|| EditError::unknown("theme", id))?;
                check_index(index, self.themes.len())?;
                if let Some(p) = parent {
                    if !self.themes.contains_key(&p) {
                        return Err(EditError::unknown("theme", p));
                    }
                    if self.theme_subtree(id).contains(&p) {
                        let name = |t: ThemeId| self.themes.get(&t).map(|t| t.name().to_string()).unwrap_or_default();
                        return Err(EditError::Cycle { name: name(id), parent: name(p) });
                    }
                }
                let old_parent = match self.themes.get_mut(&id) {
                    Some(t) => std::mem::replace(&mut t.parent, parent),
                    None => return Err(EditError::unknown("theme", id)),
                };
                self.themes.move_index(from, index);
                self.revisions.themes += 1;
                Ok(Edit::MoveTheme { id, parent: old_parent, index: from })
            }
            Edit::SetThemeCodes { id, codes } => {
                self.check_members(&codes)?;
                let t = self.themes.get_mut(&id).ok_or_else(|| EditError::unknown("theme", id))?;
                let old = std::mem::replace(&mut t.codes, codes);
                self.revisions.themes += 1;
                Ok(Edit::SetThemeCodes { id, codes: old })
            }
            Edit::DeleteTheme { id } => self.delete_theme(id),
            Edit::MergeThemes { from, into } => self.merge_themes(from, into),
            Edit::SplitTheme { id, new, subthemes } => self.split_theme(id, *new, subthemes),
            Edit::SetReviewMark { theme, coding, mark } => {
                if mark.is_some() && !self.codings.contains_key(&coding) {
                    return Err(EditError::unknown("coding", coding));
                }
                let t = self.themes.get_mut(&theme).ok_or_else(|| EditError::unknown("theme", theme))?;
                let old = match mark {
                    Some(m) => t.review.insert(coding, m),
                    None => t.review.remove(&coding),
                };
                self.revisions.themes += 1;
                Ok(Edit::SetReviewMark { theme, coding, mark: old })
            }
            Edit::SetMapPosition { theme, code, pos } => {
                let t = self.themes.get_mut(&theme).ok_or_else(|| EditError::unknown("theme", theme))?;
                let old = match (code, pos) {
                    (None, _) => std::mem::replace(&mut t.map_pos, pos),
                    (Some(c), Some(at)) => {
                        if !t.codes.contains(&c) {
                            let code =
                                self.codes.get(&c).map(|x| x.name().to_string()).unwrap_or_else(|| c.to_string());
                            return Err(EditError::NotAMember { code, theme: t.name().to_string() });
                        }
                        t.code_pos.insert(c, at)
                    }
                    (Some(c), None) => t.code_pos.remove(&c),
                };
                self.revisions.themes += 1;
                Ok(Edit::SetMapPosition { theme, code, pos: old })
            }

            Edit::AddQuote { quote, index } => {
                if self.quotes.contains_key(&quote.id) {
                    return Err(EditError::DuplicateId { kind: "quote", id: quote.id.to_string() });
                }
                if !self.themes.contains_key(&quote.theme) {
                    return Err(EditError::unknown("theme", quote.theme));
                }
                self.check_quote(quote.doc, &quote.props)?;
                let id = quote.id;
                insert_at(&mut self.quotes, index, id, quote)?;
                Ok(Edit::RemoveQuote { id })
            }
            Edit::UpdateQuote { id, props } => {
                let doc = self.quotes.get(&id).map(|q| q.doc).ok_or_else(|| EditError::unknown("quote", id))?;
                self.check_quote(doc, &props)?;
                let q = self.quotes.get_mut(&id).ok_or_else(|| EditError::unknown("quote", id))?;
                let old = std::mem::replace(&mut q.props, props);
                Ok(Edit::UpdateQuote { id, props: old })
            }
            Edit::MoveQuote { id, theme, index } => {
                let from = self.quotes.get_index_of(&id).ok_or_else(|| EditError::unknown("quote", id))?;
                check_index(index, self.quotes.len())?;
                if !self.themes.contains_key(&theme) {
                    return Err(EditError::unknown("theme", theme));
                }
                let old_theme = match self.quotes.get_mut(&id) {
                    Some(q) => std::mem::replace(&mut q.theme, theme),
                    None => return Err(EditError::unknown("quote", id)),
                };
                self.quotes.move_index(from, index);
                Ok(Edit::MoveQuote { id, theme: old_theme, index: from })
            }
            Edit::RemoveQuote { id } => {
                let (index, _, quote) =
                    self.quotes.shift_remove_full(&id).ok_or_else(|| EditError::unknown("quote", id))?;
                Ok(Edit::AddQuote { quote, index: Some(index) })
            }

            Edit::AddMemo { memo, index } => {
                if self.memos.contains_key(&memo.id) {
                    return Err(EditError::DuplicateId { kind: "memo", id: memo.id.to_string() });
                }
                self.check_target(memo.props.target)?;
                let id = memo.id;
                insert_at(&mut self.memos, index, id, memo)?;
                Ok(Edit::RemoveMemo { id })
            }
            Edit::UpdateMemo { id, props } => {
                self.check_target(props.target)?;
                let m = self.memos.get_mut(&id).ok_or_else(|| EditError::unknown("memo", id))?;
                let old = std::mem::replace(&mut m.props, props);
                Ok(Edit::UpdateMemo { id, props: old })
            }
            Edit::RemoveMemo { id } => {
                let (index, _, memo) =
                    self.memos.shift_remove_full(&id).ok_or_else(|| EditError::unknown("memo", id))?;
                Ok(Edit::AddMemo { memo, index: Some(index) })
            }

            Edit::AddConsensus { entry, index } => {
                if self.consensus.contains_key(&entry.id) {
                    return Err(EditError::DuplicateId { kind: "consensus entry", id: entry.id.to_string() });
                }
                self.check_consensus(&entry)?;
                let (id, doc) = (entry.id, entry.doc);
                insert_at(&mut self.consensus, index, id, *entry)?;
                self.bump_doc(doc);
                Ok(Edit::RemoveConsensus { id })
            }
            Edit::UpdateConsensus { id, note } => {
                let e = self.consensus.get_mut(&id).ok_or_else(|| EditError::unknown("consensus entry", id))?;
                let old = std::mem::replace(&mut e.note, note);
                let doc = e.doc;
                self.bump_doc(doc);
                Ok(Edit::UpdateConsensus { id, note: old })
            }
            Edit::RemoveConsensus { id } => {
                let (index, _, entry) =
                    self.consensus.shift_remove_full(&id).ok_or_else(|| EditError::unknown("consensus entry", id))?;
                self.bump_doc(entry.doc);
                Ok(Edit::AddConsensus { entry: Box::new(entry), index: Some(index) })
            }
            Edit::SetCellSummary { row, column, text } => self.set_cell_summary(row, column, text),
            Edit::SetRowMark { row, across, mark } => self.set_row_mark(row, across, mark),
        }
    }

    /// Applies edits in order; if one fails, undoes those already applied.
    fn apply_batch(&mut self, label: String, edits: Vec<Edit>) -> Applied {
        let mut inverses = Vec::with_capacity(edits.len());
        for edit in edits {
            match self.apply_inner(edit) {
                Ok(inverse) => inverses.push(inverse),
                Err(err) => {
                    self.roll_back(inverses);
                    return Err(err);
                }
            }
        }
        inverses.reverse();
        Ok(Edit::Batch { label, edits: inverses })
    }

    /// Applies inverses of already-applied edits, newest first. They cannot fail on the
    /// state their edits produced; if one does, that is a bug in an inverse, caught by the
    /// property tests, and the rest are still applied.
    fn roll_back(&mut self, inverses: Vec<Edit>) {
        for inverse in inverses.into_iter().rev() {
            let result = self.apply_inner(inverse);
            debug_assert!(result.is_ok(), "inverse failed during roll-back: {result:?}");
        }
    }

    /// Applies a composite edit's expansion: the dependent changes, then the edit itself.
    fn expand(&mut self, label: String, mut steps: Vec<Edit>, last: Edit) -> Applied {
        steps.push(last);
        self.apply_batch(label, steps)
    }

    pub(super) fn bump_doc(&mut self, doc: DocId) {
        *self.revisions.docs.entry(doc).or_insert(0) += 1;
        self.revisions.documents += 1;
    }

    // ---- documents ----

    fn add_document(&mut self, document: Document, index: Option<usize>) -> Applied {
        if self.documents.contains_key(&document.id) {
            return Err(EditError::DuplicateId { kind: "document", id: document.id.to_string() });
        }
        check_name("document", document.name(), self.documents.values().map(|d| d.name()))?;
        let found = document.text.chars().count();
        if found != document.char_len {
            return Err(EditError::TextMismatch {
                doc: document.name().to_string(),
                expected: document.char_len,
                found,
            });
        }
        self.check_turns(document.name(), document.char_len, &document.turns)?;
        if let Some(c) = document.read_by.iter().find(|c| !self.coders.contains_key(*c)) {
            return Err(EditError::unknown("coder", c));
        }
        let id = document.id;
        insert_at(&mut self.documents, index, id, document)?;
        self.bump_doc(id);
        Ok(Edit::RemoveDocument { id })
    }

    fn remove_document(&mut self, id: DocId) -> Applied {
        let name =
            self.documents.get(&id).map(|d| d.name().to_string()).ok_or_else(|| EditError::unknown("document", id))?;
        let mut steps: Vec<Edit> = Vec::new();
        steps.extend(self.quotes.values().filter(|q| q.doc == id).map(|q| Edit::RemoveQuote { id: q.id }));
        steps.extend(
            self.memos
                .values()
                .filter(|m| m.props.target.document() == Some(id))
                .map(|m| Edit::RemoveMemo { id: m.id }),
        );
        steps.extend(self.codings_of_doc(id).map(|c| Edit::RemoveCoding { id: c.id }));
        steps.extend(self.consensus.values().filter(|e| e.doc == id).map(|e| Edit::RemoveConsensus { id: e.id }));
        steps.extend(self.clear_document_framework(id));
        if !steps.is_empty() {
            return self.expand(format!("Remove document “{name}”"), steps, Edit::RemoveDocument { id });
        }
        let (index, _, document) =
            self.documents.shift_remove_full(&id).ok_or_else(|| EditError::unknown("document", id))?;
        self.bump_doc(id);
        Ok(Edit::AddDocument { document: Box::new(document), index: Some(index) })
    }

    pub(super) fn check_turns(&self, doc: &str, char_len: usize, turns: &[Turn]) -> Result<(), EditError> {
        let invalid = |reason: String| EditError::InvalidTurns { doc: doc.to_string(), reason };
        let mut prev_end = 0;
        for (i, t) in turns.iter().enumerate() {
            if t.span.is_empty() {
                return Err(invalid(format!("turn {} is empty", i + 1)));
            }
            if t.span.start.get() < prev_end {
                return Err(invalid(format!("turn {} overlaps the turn before it", i + 1)));
            }
            if t.span.end.get() > char_len {
                return Err(invalid(format!(
                    "turn {} ends at {}, past the end of the text ({char_len})",
                    i + 1,
                    t.span.end
                )));
            }
            if let Some(p) = t.participant
                && !self.participants.contains_key(&p)
            {
                return Err(invalid(format!("turn {} names an unknown participant {p}", i + 1)));
            }
            prev_end = t.span.end.get();
        }
        Ok(())
    }

    // ---- participants and coders ----

    fn remove_participant(&mut self, id: ParticipantId) -> Applied {
        let label = self
            .participants
            .get(&id)
            .map(|p| p.label().to_string())
            .ok_or_else(|| EditError::unknown("participant", id))?;
        let steps: Vec<Edit> = self
            .documents
            .values()
            .filter(|d| d.turns.iter().any(|t| t.participant == Some(id)))
            .map(|d| Edit::SetTurns {
                id: d.id,
                turns: d
                    .turns
                    .iter()
                    .map(|t| Turn { participant: t.participant.filter(|p| *p != id), ..t.clone() })
                    .collect(),
            })
            .collect();
        if !steps.is_empty() {
            return self.expand(format!("Remove participant {label}"), steps, Edit::RemoveParticipant { id });
        }
        let (index, _, participant) =
            self.participants.shift_remove_full(&id).ok_or_else(|| EditError::unknown("participant", id))?;
        self.revisions.participants += 1;
        Ok(Edit::AddParticipant { participant, index: Some(index) })
    }

    fn remove_coder(&mut self, id: CoderId) -> Applied {
        let name = self.coders.get(&id).map(|c| c.name.clone()).ok_or_else(|| EditError::unknown("coder", id))?;
        let count = self.codings.values().filter(|c| c.coder == id).count();
        if count > 0 {
            return Err(EditError::CoderInUse { name, count });
        }
        let named = self.consensus.values().filter(|e| e.names_coder(id)).count();
        if named > 0 {
            return Err(EditError::CoderInConsensus { name, count: named });
        }
        let steps: Vec<Edit> = self
            .documents
            .values()
            .filter(|d| d.read_by.contains(&id))
            .map(|d| Edit::SetDocumentRead { id: d.id, coder: id, read: false })
            .collect();
        if !steps.is_empty() {
            return self.expand(format!("Remove coder {name}"), steps, Edit::RemoveCoder { id });
        }
        let (index, _, coder) = self.coders.shift_remove_full(&id).ok_or_else(|| EditError::unknown("coder", id))?;
        Ok(Edit::AddCoder { coder, index: Some(index) })
    }

    // ---- memos that go with what they are about ----

    /// The edits that remove every memo written on `target`, when it is deleted.
    fn remove_memos_on(&self, target: MemoTarget) -> impl Iterator<Item = Edit> + '_ {
        self.memos.values().filter(move |m| m.props.target == target).map(|m| Edit::RemoveMemo { id: m.id })
    }

    /// The edits that move every memo on `from` onto `into`, when `from` is merged into it.
    fn move_memos(&self, from: MemoTarget, into: MemoTarget) -> impl Iterator<Item = Edit> + '_ {
        self.memos
            .values()
            .filter(move |m| m.props.target == from)
            .map(move |m| Edit::UpdateMemo { id: m.id, props: MemoProps { target: into, ..m.props.clone() } })
    }

    // ---- codes ----

    fn delete_code(&mut self, id: CodeId) -> Applied {
        let code = self.codes.get(&id).cloned().ok_or_else(|| EditError::unknown("code", id))?;
        let mut steps: Vec<Edit> = Vec::new();
        steps.extend(self.codings_of_code(id).map(|c| Edit::RemoveCoding { id: c.id }));
        steps.extend(
            self.themes.values().filter(|t| t.codes.contains(&id)).map(|t| Edit::SetThemeCodes {
                id: t.id,
                codes: t.codes.iter().copied().filter(|c| *c != id).collect(),
            }),
        );
        steps.extend(self.remove_memos_on(MemoTarget::Code(id)));
        // Children move up to the deleted code's parent and keep their place.
        steps.extend(
            self.codes
                .iter()
                .enumerate()
                .filter(|(_, (_, c))| c.parent == Some(id))
                .map(|(index, (cid, _))| Edit::MoveCode { id: *cid, parent: code.parent, index }),
        );
        steps.extend(self.clear_row_framework(RowKey::Code(id)));
        if !steps.is_empty() {
            return self.expand(format!("Delete code “{}”", code.name()), steps, Edit::DeleteCode { id });
        }
        let (index, _, code) = self.codes.shift_remove_full(&id).ok_or_else(|| EditError::unknown("code", id))?;
        self.revisions.codebook += 1;
        Ok(Edit::CreateCode { code, index: Some(index) })
    }

    fn merge_codes(&mut self, from: CodeId, into: CodeId) -> Applied {
        let from_name =
            self.codes.get(&from).map(|c| c.name().to_string()).ok_or_else(|| EditError::unknown("code", from))?;
        let into_name =
            self.codes.get(&into).map(|c| c.name().to_string()).ok_or_else(|| EditError::unknown("code", into))?;
        if self.code_subtree(from).contains(&into) {
            return Err(EditError::MergeIntoSelf { name: from_name });
        }
        let mut steps = Vec::new();
        let existing: HashSet<(DocId, Span, CoderId)> =
            self.codings_of_code(into).map(|c| (c.doc, c.span, c.coder)).collect();
        for c in self.codings_of_code(from) {
            if existing.contains(&(c.doc, c.span, c.coder)) {
                steps.push(Edit::RemoveCoding { id: c.id });
            } else {
                steps.push(Edit::UpdateCoding { id: c.id, props: CodingProps { code: into, ..c.props() } });
            }
        }
        for t in self.themes.values().filter(|t| t.codes.contains(&from)) {
            let mut codes = Vec::with_capacity(t.codes.len());
            for &c in &t.codes {
                let c = if c == from { into } else { c };
                if !codes.contains(&c) {
                    codes.push(c);
                }
            }
            steps.push(Edit::SetThemeCodes { id: t.id, codes });
        }
        steps.extend(self.move_memos(MemoTarget::Code(from), MemoTarget::Code(into)));
        for (index, (cid, _)) in self.codes.iter().enumerate().filter(|(_, (_, c))| c.parent == Some(from)) {
            steps.push(Edit::MoveCode { id: *cid, parent: Some(into), index });
        }
        steps.extend(self.merge_row_framework(RowKey::Code(from), RowKey::Code(into)));
        self.expand(format!("Merge code “{from_name}” into “{into_name}”"), steps, Edit::DeleteCode { id: from })
    }

    // ---- codings ----

    /// The document and code exist and the span is a non-empty part of the text.
    fn check_coding_target(&self, doc: DocId, span: Span, code: CodeId) -> Result<(), EditError> {
        let d = self.documents.get(&doc).ok_or_else(|| EditError::unknown("document", doc))?;
        if !self.codes.contains_key(&code) {
            return Err(EditError::unknown("code", code));
        }
        if span.is_empty() {
            return Err(EditError::EmptySpan { what: "coded" });
        }
        if span.end.get() > d.char_len {
            return Err(EditError::SpanOutOfRange { doc: d.name().to_string(), span, len: d.char_len });
        }
        Ok(())
    }

    /// A coding may be made or changed: its target is valid and the same coder has not
    /// applied the same code to exactly the same span.
    fn check_coding(
        &self,
        id: CodingId,
        doc: DocId,
        span: Span,
        code: CodeId,
        coder: CoderId,
    ) -> Result<(), EditError> {
        self.check_coding_target(doc, span, code)?;
        if self.find_coding(doc, span, code, coder).is_some_and(|other| other != id) {
            let doc = self.documents.get(&doc).map(|d| d.name().to_string()).unwrap_or_default();
            let code = self.codes.get(&code).map(|c| c.name().to_string()).unwrap_or_default();
            return Err(EditError::DuplicateCoding { doc, code });
        }
        Ok(())
    }

    fn remove_coding(&mut self, id: CodingId) -> Applied {
        if !self.codings.contains_key(&id) {
            return Err(EditError::unknown("coding", id));
        }
        let steps: Vec<Edit> = self.remove_memos_on(MemoTarget::Coding(id)).collect();
        if !steps.is_empty() {
            return self.expand("Remove coding".into(), steps, Edit::RemoveCoding { id });
        }
        let coding = self.codings.remove(&id).ok_or_else(|| EditError::unknown("coding", id))?;
        self.derived.remove(&coding);
        self.bump_doc(coding.doc);
        Ok(Edit::AddCoding { coding })
    }

    /// Adds each coding as [`Edit::AddCoding`] would; on the first that fails, takes back
    /// those already added.
    fn add_codings(&mut self, codings: Vec<Coding>) -> Applied {
        let mut ids = Vec::with_capacity(codings.len());
        for coding in codings {
            let id = coding.id;
            if let Err(err) = self.apply_inner(Edit::AddCoding { coding }) {
                self.roll_back(ids.into_iter().map(|id| Edit::RemoveCoding { id }).collect());
                return Err(err);
            }
            ids.push(id);
        }
        ids.reverse();
        Ok(Edit::RemoveCodings { ids })
    }

    /// Removes each coding as [`Edit::RemoveCoding`] would (memos on a coding go with it);
    /// on the first that fails, puts back those already removed.
    fn remove_codings(&mut self, ids: Vec<CodingId>) -> Applied {
        let label = format!("Remove {} codings", ids.len());
        let mut inverses = Vec::with_capacity(ids.len());
        for id in ids {
            match self.apply_inner(Edit::RemoveCoding { id }) {
                Ok(inverse) => inverses.push(inverse),
                Err(err) => {
                    self.roll_back(inverses);
                    return Err(err);
                }
            }
        }
        inverses.reverse();
        // With no memo on any of them, the inverse is the codings themselves, kept small.
        if inverses.iter().all(|e| matches!(e, Edit::AddCoding { .. })) {
            let codings = inverses
                .into_iter()
                .filter_map(|e| match e {
                    Edit::AddCoding { coding } => Some(coding),
                    _ => None,
                })
                .collect();
            return Ok(Edit::AddCodings { codings });
        }
        Ok(Edit::Batch { label, edits: inverses })
    }

    // ---- themes ----

    fn check_members(&self, codes: &[CodeId]) -> Result<(), EditError> {
        let mut seen = HashSet::new();
        for c in codes {
            if !self.codes.contains_key(c) {
                return Err(EditError::unknown("code", c));
            }
            if !seen.insert(c) {
                return Err(EditError::DuplicateMember { code: self.code_path(*c) });
            }
        }
        Ok(())
    }

    fn delete_theme(&mut self, id: ThemeId) -> Applied {
        let theme = self.themes.get(&id).cloned().ok_or_else(|| EditError::unknown("theme", id))?;
        let mut steps: Vec<Edit> = Vec::new();
        steps.extend(self.quotes.values().filter(|q| q.theme == id).map(|q| Edit::RemoveQuote { id: q.id }));
        steps.extend(self.remove_memos_on(MemoTarget::Theme(id)));
        steps.extend(
            self.themes
                .iter()
                .enumerate()
                .filter(|(_, (_, t))| t.parent == Some(id))
                .map(|(index, (tid, _))| Edit::MoveTheme { id: *tid, parent: theme.parent, index }),
        );
        steps.extend(self.clear_row_framework(RowKey::Theme(id)));
        if !steps.is_empty() {
            return self.expand(format!("Delete theme “{}”", theme.name()), steps, Edit::DeleteTheme { id });
        }
        let (index, _, theme) = self.themes.shift_remove_full(&id).ok_or_else(|| EditError::unknown("theme", id))?;
        self.revisions.themes += 1;
        Ok(Edit::CreateTheme { theme, index: Some(index) })
    }

    fn merge_themes(&mut self, from: ThemeId, into: ThemeId) -> Applied {
        let source = self.themes.get(&from).cloned().ok_or_else(|| EditError::unknown("theme", from))?;
        let target = self.themes.get(&into).cloned().ok_or_else(|| EditError::unknown("theme", into))?;
        if self.theme_subtree(from).contains(&into) {
            return Err(EditError::MergeIntoSelf { name: source.name().to_string() });
        }
        let mut steps = Vec::new();
        let mut codes = target.codes.clone();
        codes.extend(source.codes.iter().copied().filter(|c| !target.codes.contains(c)));
        if codes != target.codes {
            steps.push(Edit::SetThemeCodes { id: into, codes });
        }
        for (index, (tid, _)) in self.themes.iter().enumerate().filter(|(_, (_, t))| t.parent == Some(from)) {
            steps.push(Edit::MoveTheme { id: *tid, parent: Some(into), index });
        }
        for (index, (qid, _)) in self.quotes.iter().enumerate().filter(|(_, (_, q))| q.theme == from) {
            steps.push(Edit::MoveQuote { id: *qid, theme: into, index });
        }
        steps.extend(self.move_memos(MemoTarget::Theme(from), MemoTarget::Theme(into)));
        // The target keeps its own verdicts and positions where it has them.
        for (coding, mark) in &source.review {
            if !target.review.contains_key(coding) && self.codings.contains_key(coding) {
                steps.push(Edit::SetReviewMark { theme: into, coding: *coding, mark: Some(*mark) });
            }
        }
        for (code, pos) in &source.code_pos {
            if !target.code_pos.contains_key(code) && source.codes.contains(code) {
                steps.push(Edit::SetMapPosition { theme: into, code: Some(*code), pos: Some(*pos) });
            }
        }
        steps.extend(self.merge_row_framework(RowKey::Theme(from), RowKey::Theme(into)));
        self.expand(
            format!("Merge theme “{}” into “{}”", source.name(), target.name()),
            steps,
            Edit::DeleteTheme { id: from },
        )
    }

    fn split_theme(&mut self, id: ThemeId, mut new: Theme, subthemes: Vec<ThemeId>) -> Applied {
        let source = self.themes.get(&id).cloned().ok_or_else(|| EditError::unknown("theme", id))?;
        if new.codes.is_empty() && subthemes.is_empty() {
            return Err(EditError::EmptySplit { name: source.name().to_string() });
        }
        if let Some(c) = new.codes.iter().find(|c| !source.codes.contains(c)) {
            let code = self.codes.get(c).map(|x| x.name().to_string()).unwrap_or_else(|| c.to_string());
            return Err(EditError::NotAMember { code, theme: source.name().to_string() });
        }
        let name = |t: ThemeId| self.themes.get(&t).map(|x| x.name().to_string()).unwrap_or_else(|| t.to_string());
        if let Some(s) = subthemes.iter().find(|s| self.themes.get(*s).is_none_or(|t| t.parent != Some(id))) {
            return Err(EditError::NotASubtheme { name: name(*s), theme: source.name().to_string() });
        }
        // The codes that go: the new theme's own and those of the subthemes it takes.
        let mut leaving: HashSet<CodeId> = new.codes.iter().copied().collect();
        for s in &subthemes {
            for t in self.theme_subtree(*s) {
                leaving.extend(self.themes.get(&t).map(|t| t.codes.clone()).unwrap_or_default());
            }
        }
        let marks: Vec<(CodingId, Fit)> = source
            .review
            .iter()
            .filter(|(c, _)| self.codings.get(c).is_some_and(|c| leaving.contains(&c.code)))
            .map(|(c, m)| (*c, *m))
            .collect();
        for (c, m) in &marks {
            new.review.entry(*c).or_insert(*m);
        }
        for c in &new.codes {
            if let Some(pos) = source.code_pos.get(c) {
                new.code_pos.entry(*c).or_insert(*pos);
            }
        }
        let new_id = new.id;
        let label = format!("Split “{}” off theme “{}”", new.name(), source.name());
        let at = self.themes.get_index_of(&id).map(|i| i + 1);
        let mut steps = vec![Edit::CreateTheme { theme: new.clone(), index: at }];
        let staying: Vec<CodeId> = source.codes.iter().copied().filter(|c| !new.codes.contains(c)).collect();
        if staying != source.codes {
            steps.push(Edit::SetThemeCodes { id, codes: staying });
        }
        steps.extend(marks.iter().map(|(c, _)| Edit::SetReviewMark { theme: id, coding: *c, mark: None }));
        for s in &subthemes {
            // Its index after the new theme was inserted in front of it (or not).
            let index = self.themes.get_index_of(s).map(|i| if at.is_some_and(|a| i >= a) { i + 1 } else { i });
            steps.push(Edit::MoveTheme { id: *s, parent: Some(new_id), index: index.unwrap_or(0) });
        }
        self.apply_batch(label, steps)
    }

    // ---- quotes and memos ----

    /// Checks display edits before they are applied (the Quotes view previews with it).
    pub fn check_quote(&self, doc: DocId, props: &QuoteProps) -> Result<(), EditError> {
        let d = self.documents.get(&doc).ok_or_else(|| EditError::unknown("document", doc))?;
        self.check_quote_in(d.name(), d.char_len, props)
    }

    /// Checks a quote's display edits against a text of `char_len` chars.
    pub(crate) fn check_quote_in(&self, doc: &str, char_len: usize, props: &QuoteProps) -> Result<(), EditError> {
        let span = props.span;
        if span.is_empty() {
            return Err(EditError::EmptySpan { what: "quoted" });
        }
        if span.end.get() > char_len {
            return Err(EditError::SpanOutOfRange { doc: doc.to_string(), span, len: char_len });
        }
        let invalid = |reason: &str| EditError::InvalidQuote { reason: reason.to_string() };
        let mut prev_end = span.start;
        for cut in &props.cuts {
            if cut.is_empty() || !span.contains_span(cut) {
                return Err(invalid("a cut must be a non-empty part of the quoted passage"));
            }
            if cut.start < prev_end {
                return Err(invalid("cuts must be in order and must not overlap"));
            }
            prev_end = cut.end;
        }
        for ins in &props.insertions {
            if ins.at < span.start || ins.at > span.end {
                return Err(invalid("an insertion must be inside the quoted passage"));
            }
            if ins.text.trim().is_empty() {
                return Err(invalid("an insertion needs some text"));
            }
            if ins.text.contains(['[', ']', '\n']) {
                return Err(invalid("an insertion cannot contain brackets or line breaks"));
            }
            if props.cuts.iter().any(|c| c.start < ins.at && ins.at < c.end) {
                return Err(invalid(
                    "an insertion cannot sit inside a cut (put it at the cut's start to replace the cut)",
                ));
            }
        }
        Ok(())
    }

    fn check_target(&self, target: MemoTarget) -> Result<(), EditError> {
        let ok = match target {
            MemoTarget::Journal => true,
            MemoTarget::Document(id) => self.documents.contains_key(&id),
            MemoTarget::Code(id) => self.codes.contains_key(&id),
            MemoTarget::Theme(id) => self.themes.contains_key(&id),
            MemoTarget::Coding(id) => self.codings.contains_key(&id),
            MemoTarget::Passage { doc, span } => {
                self.documents.get(&doc).is_some_and(|d| span.start <= span.end && span.end.get() <= d.char_len)
            }
        };
        if ok { Ok(()) } else { Err(EditError::Unknown { kind: "memo target", id: format!("{target:?}") }) }
    }

    // ---- the consensus log ----

    fn check_consensus(&self, e: &ConsensusEntry) -> Result<(), EditError> {
        let invalid = |reason: String| EditError::InvalidConsensus { reason };
        let d = self.documents.get(&e.doc).ok_or_else(|| EditError::unknown("document", e.doc))?;
        for coder in [Some(e.coder_a), Some(e.coder_b), Some(e.target), e.author].into_iter().flatten() {
            if !self.coders.contains_key(&coder) {
                return Err(EditError::unknown("coder", coder));
            }
        }
        if e.coder_a == e.coder_b {
            return Err(invalid("it compares a coder with themself".into()));
        }
        if (e.a.is_some(), e.b.is_some()) != e.kind.sides() {
            return Err(invalid(format!("a difference of kind \"{}\" has the wrong sides", e.kind.label())));
        }
        let mut spans: Vec<Span> = e.a.iter().chain(&e.b).map(|s| s.span).collect();
        if let Resolution::NewCode { span, .. } = &e.resolution {
            spans.push(*span);
        }
        for span in spans {
            if span.is_empty() {
                return Err(EditError::EmptySpan { what: "resolved" });
            }
            if span.end.get() > d.char_len {
                return Err(EditError::SpanOutOfRange { doc: d.name().to_string(), span, len: d.char_len });
            }
        }
        Ok(())
    }

    /// Checks every invariant over the whole project: what a loaded project must satisfy
    /// before Tema trusts it (files can be edited by hand or damaged by a sync tool).
    ///
    /// The small, structural parts (coders, participants, code and theme trees) are rebuilt
    /// through the edit path, so one place defines what "valid" means for them. Documents,
    /// codings, quotes and memos — the bulk of a large project — are checked in place by the
    /// same check functions the edits use, which keeps opening a large project fast.
    pub fn check_integrity(&self) -> Result<(), EditError> {
        let mut fresh = Project { settings: self.settings.clone(), ..Default::default() };
        for c in self.coders.values() {
            fresh.apply_inner(Edit::AddCoder { coder: c.clone(), index: None })?;
        }
        for p in self.participants.values() {
            fresh.apply_inner(Edit::AddParticipant { participant: p.clone(), index: None })?;
        }
        // Codes and themes may list a parent that comes later in the file: add them flat
        // first, then set parents, so order in the file is not an invariant.
        for c in self.codes.values() {
            fresh.apply_inner(Edit::CreateCode { code: Code { parent: None, ..c.clone() }, index: None })?;
        }
        for (index, c) in self.codes.values().enumerate() {
            if c.parent.is_some() {
                fresh.apply_inner(Edit::MoveCode { id: c.id, parent: c.parent, index })?;
            }
        }
        for t in self.themes.values() {
            fresh.apply_inner(Edit::CreateTheme { theme: Theme { parent: None, ..t.clone() }, index: None })?;
        }
        for (index, t) in self.themes.values().enumerate() {
            if t.parent.is_some() {
                fresh.apply_inner(Edit::MoveTheme { id: t.id, parent: t.parent, index })?;
            }
        }

        let mut names = HashSet::with_capacity(self.documents.len());
        for (id, d) in &self.documents {
            if *id != d.id {
                return Err(EditError::unknown("document", id));
            }
            let key = name_key(d.name());
            if key.is_empty() {
                return Err(EditError::EmptyName { kind: "document" });
            }
            if !names.insert(key) {
                return Err(EditError::DuplicateName { kind: "document", name: d.name().to_string() });
            }
            let found = d.text.chars().count();
            if found != d.char_len {
                return Err(EditError::TextMismatch { doc: d.name().to_string(), expected: d.char_len, found });
            }
            self.check_turns(d.name(), d.char_len, &d.turns)?;
            if let Some(c) = d.read_by.iter().find(|c| !self.coders.contains_key(*c)) {
                return Err(EditError::unknown("coder", c));
            }
        }
        // The look-up tables already hold each coding's key: a set of them is built only
        // when they show a duplicate (to name it) or are not in step.
        let mut seen = self.may_have_duplicate_codings().then(|| HashSet::with_capacity(self.codings.len()));
        for (id, c) in &self.codings {
            if *id != c.id {
                return Err(EditError::unknown("coding", id));
            }
            if !self.coders.contains_key(&c.coder) {
                return Err(EditError::unknown("coder", c.coder));
            }
            self.check_coding_target(c.doc, c.span, c.code)?;
            if seen.as_mut().is_some_and(|seen| !seen.insert((c.doc, c.span, c.code, c.coder))) {
                let doc = self.documents.get(&c.doc).map(|d| d.name().to_string()).unwrap_or_default();
                let code = self.codes.get(&c.code).map(|x| x.name().to_string()).unwrap_or_default();
                return Err(EditError::DuplicateCoding { doc, code });
            }
        }
        for q in self.quotes.values() {
            if !self.themes.contains_key(&q.theme) {
                return Err(EditError::unknown("theme", q.theme));
            }
            self.check_quote(q.doc, &q.props)?;
        }
        for m in self.memos.values() {
            self.check_target(m.props.target)?;
        }
        // Against this project: the entries name its documents, which `fresh` does not hold.
        for (id, e) in &self.consensus {
            if *id != e.id {
                return Err(EditError::unknown("consensus entry", id));
            }
            self.check_consensus(e)?;
        }
        // Framework cells name themes, codes and documents: check them here too.
        self.check_framework()
    }
}
