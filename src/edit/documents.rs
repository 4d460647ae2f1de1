//! Managing documents: the planners the app and the command line share for renaming,
//! re-classifying, filing into sets, editing attributes, reordering and deleting documents.

use super::{CoderRef, Edit, EditError, one_edit};
use crate::model::*;
use serde::Serialize;

/// The read toggle ("Mark as read", familiarisation), planned: `doc` marked read by the
/// coder `coder` names, or unread again when they have read it, with that coder added first
/// when the project does not have them yet. One undo step, named as the mark is.
pub fn toggle_read(p: &Project, doc: DocId, coder: CoderRef<'_>) -> Result<Edit, EditError> {
    let d = p.documents.get(&doc).ok_or_else(|| EditError::unknown("document", doc))?;
    let (coder, add) = coder.resolve(p)?;
    let mark = Edit::SetDocumentRead { id: doc, coder, read: !d.read_by.contains(&coder) };
    let label = mark.describe(p);
    Ok(one_edit(label, add.into_iter().chain([mark]).collect()))
}

/// What deleting a document takes with it (the confirmation names these counts).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DeletionCounts {
    pub codings: usize,
    pub quotes: usize,
    /// Memos on the document and notes on its passages (memos on its codings are counted with
    /// the codings' memos below).
    pub memos: usize,
    /// Memos written on its codings.
    pub coding_memos: usize,
    pub consensus: usize,
}

impl DeletionCounts {
    pub fn of(p: &Project, doc: DocId) -> DeletionCounts {
        let codings: std::collections::HashSet<CodingId> = p.codings_of_doc(doc).map(|c| c.id).collect();
        DeletionCounts {
            codings: codings.len(),
            quotes: p.quotes.values().filter(|q| q.doc == doc).count(),
            memos: p.memos.values().filter(|m| m.props.target.document() == Some(doc)).count(),
            coding_memos: p
                .memos
                .values()
                .filter(|m| matches!(m.props.target, MemoTarget::Coding(c) if codings.contains(&c)))
                .count(),
            consensus: p.consensus.values().filter(|e| e.doc == doc).count(),
        }
    }

    /// "12 codings, 2 quotes and 1 memo", or "nothing else" when there is nothing.
    pub fn describe(&self) -> String {
        let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut parts = Vec::new();
        if self.codings > 0 {
            parts.push(plural(self.codings, "coding", "codings"));
        }
        if self.quotes > 0 {
            parts.push(plural(self.quotes, "quote", "quotes"));
        }
        if self.memos + self.coding_memos > 0 {
            parts.push(plural(self.memos + self.coding_memos, "memo", "memos"));
        }
        if self.consensus > 0 {
            parts.push(plural(self.consensus, "consensus entry", "consensus entries"));
        }
        match parts.len() {
            0 => "nothing else".into(),
            1 => parts.remove(0),
            _ => {
                let last = parts.pop().unwrap_or_default();
                format!("{} and {last}", parts.join(", "))
            }
        }
    }
}

/// A change to a document's description; fields left `None` (or empty) stay as they are.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DocumentChange {
    pub name: Option<String>,
    pub kind: Option<DocKind>,
    /// `Some(None)` makes the document follow the project's language again.
    pub language: Option<Option<Language>>,
    /// Attributes to set (an empty value removes the attribute).
    pub attributes: Vec<(String, String)>,
    pub add_sets: Vec<String>,
    pub remove_sets: Vec<String>,
}

impl DocumentChange {
    /// The document's props after the change.
    pub fn apply_to(&self, props: &DocumentProps) -> DocumentProps {
        let mut props = props.clone();
        if let Some(name) = &self.name {
            props.name = name.trim().to_string();
        }
        if let Some(kind) = self.kind {
            props.kind = kind;
        }
        if let Some(language) = self.language {
            props.language = language;
        }
        for (key, value) in &self.attributes {
            let key = key.trim();
            if value.trim().is_empty() {
                props.metadata.remove(key);
            } else {
                props.metadata.insert(key.to_string(), value.trim().to_string());
            }
        }
        props.sets.retain(|s| !self.remove_sets.iter().any(|r| name_key(r) == name_key(s)));
        for set in &self.add_sets {
            if !set.trim().is_empty() && !props.in_set(set) {
                props.sets.push(set.trim().to_string());
            }
        }
        props
    }

    /// The edit that makes the change, or `None` when it changes nothing.
    pub fn edit(&self, p: &Project, doc: DocId) -> Result<Option<Edit>, EditError> {
        let d = p.documents.get(&doc).ok_or_else(|| EditError::unknown("document", doc))?;
        if self.attributes.iter().any(|(k, _)| k.trim().is_empty()) {
            return Err(EditError::EmptyName { kind: "document attribute" });
        }
        let props = self.apply_to(&d.props);
        Ok((props != d.props).then_some(Edit::UpdateDocument { id: doc, props }))
    }
}

/// The sets used by any document, in order of first use.
pub fn document_sets(p: &Project) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for d in p.documents.values() {
        for s in &d.props.sets {
            if !out.iter().any(|o| name_key(o) == name_key(s)) {
                out.push(s.clone());
            }
        }
    }
    out
}

/// The documents of a set, in project order.
pub fn documents_in_set<'a>(p: &'a Project, set: &'a str) -> impl Iterator<Item = &'a Document> + 'a {
    p.documents.values().filter(move |d| d.props.in_set(set))
}

/// A new participant `label` (in `group`) for a transcript's speaker, with the speaker's turns
/// in `doc` attributed to them, as one step; refused when the label is empty or taken.
pub fn participant_for_speaker(
    p: &Project,
    doc: DocId,
    speaker: &str,
    label: &str,
    group: &str,
) -> Result<Edit, EditError> {
    let d = p.documents.get(&doc).ok_or_else(|| EditError::unknown("document", doc))?;
    super::apply::check_name("participant", label, p.participants.values().map(|x| x.label()))?;
    let x = Participant::new(ParticipantId::new(), label.trim(), group.trim());
    let turns = d.turns_with_speaker(speaker, Some(x.id));
    let mut edits = vec![Edit::AddParticipant { participant: x, index: None }];
    edits.extend(turns.map(|turns| Edit::SetTurns { id: doc, turns }));
    Ok(Edit::batch(format!("{} is {}", speaker.trim(), label.trim()), edits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_read_toggle_adds_a_new_coder_then_marks_and_unmarks() -> Result<(), EditError> {
        let mut p = Project::new("t");
        let doc = DocId::from_u128(1);
        let d = Document::new(doc, "J4", DocKind::Interview, "Hei.");
        p.apply(Edit::AddDocument { document: Box::new(d), index: None })?;
        // A coder the project does not have yet is added with the mark, as one undo step.
        let edit = toggle_read(&p, doc, CoderRef::Name("Ingrid"))?;
        let first = matches!(&edit, Edit::Batch { label, edits } if label == "Mark “J4” as read" && edits.len() == 2);
        assert!(first, "{edit:?}");
        p.apply(edit)?;
        let Some(ingrid) = p.coder_by_name("Ingrid").map(|c| c.id) else { panic!("Ingrid was not added") };
        assert!(p.documents[&doc].read_by.contains(&ingrid));
        // The same coder, named in other case and spacing: the mark comes off, nobody is added.
        let edit = toggle_read(&p, doc, CoderRef::Name(" INGRID "))?;
        assert_eq!(edit, Edit::SetDocumentRead { id: doc, coder: ingrid, read: false });
        p.apply(edit)?;
        assert!(p.documents[&doc].read_by.is_empty());
        // What apply would refuse is refused before anything is planned.
        let unknown_doc = toggle_read(&p, DocId::from_u128(9), CoderRef::Id(ingrid));
        assert!(matches!(unknown_doc, Err(EditError::Unknown { kind: "document", .. })), "{unknown_doc:?}");
        let unknown_coder = toggle_read(&p, doc, CoderRef::Id(CoderId::from_u128(9)));
        assert!(matches!(unknown_coder, Err(EditError::Unknown { kind: "coder", .. })), "{unknown_coder:?}");
        Ok(())
    }

    #[test]
    fn a_change_touches_only_what_it_names() {
        let mut p = Project::new("t");
        let id = DocId::from_u128(1);
        let mut d = Document::new(id, "FN1", DocKind::Interview, "Field notes.");
        d.props.metadata.insert("site".into(), "Nordby".into());
        d.props.sets.push("Wave 1".into());
        assert!(p.apply(Edit::AddDocument { document: Box::new(d), index: None }).is_ok());
        let change = DocumentChange {
            kind: Some(DocKind::FieldNotes),
            attributes: vec![("date".into(), "2024-03-01".into()), ("site".into(), " ".into())],
            add_sets: vec!["wave 1".into(), "Site Nordby".into()],
            ..Default::default()
        };
        let Ok(Some(edit)) = change.edit(&p, id) else { panic!("expected an edit") };
        assert!(p.apply(edit).is_ok());
        let props = &p.documents[&id].props;
        assert_eq!(props.name, "FN1");
        assert_eq!(props.kind, DocKind::FieldNotes);
        assert_eq!(props.metadata.get("date").map(String::as_str), Some("2024-03-01"));
        assert!(!props.metadata.contains_key("site"), "an empty value removes the attribute");
        assert_eq!(props.sets, ["Wave 1", "Site Nordby"], "\"wave 1\" is the set it is already in");
        assert_eq!(change.edit(&p, id), Ok(None), "a second time changes nothing");
        assert_eq!(documents_in_set(&p, "WAVE 1").count(), 1);
        assert_eq!(document_sets(&p), ["Wave 1", "Site Nordby"]);
    }

    #[test]
    fn counts_read_as_a_sentence() {
        let c = DeletionCounts { codings: 12, quotes: 2, memos: 1, coding_memos: 0, consensus: 0 };
        assert_eq!(c.describe(), "12 codings, 2 quotes and 1 memo");
        assert_eq!(DeletionCounts::default().describe(), "nothing else");
    }

    #[test]
    fn a_new_participant_takes_a_speakers_turns_in_one_step() -> Result<(), EditError> {
        let mut p = Project::new("t");
        let mut d = Document::new(DocId::from_u128(1), "FG1", DocKind::FocusGroup, "Kari: Ja.\nOla: Nei.\n");
        for (start, end, speaker) in [(0, 10, "Kari"), (10, 20, "Ola")] {
            let span = Span::new(start, end);
            d.turns.push(Turn { span, speaker: speaker.into(), participant: None, start_ms: None, end_ms: None });
        }
        p.apply(Edit::AddDocument { document: Box::new(d), index: None })?;
        let edit = participant_for_speaker(&p, DocId::from_u128(1), " Kari ", " E5 ", "employee")?;
        assert_eq!(edit.describe(&p), "Kari is E5");
        p.apply(edit)?;
        let e5 = p.participant_by_label("e5").map(|x| (x.id, x.group().to_string()));
        let turns = &p.documents[&DocId::from_u128(1)].turns;
        assert_eq!(turns[0].participant, e5.as_ref().map(|x| x.0));
        assert_eq!((turns[1].participant, e5.map(|x| x.1)), (None, Some("employee".to_string())));
        let taken = participant_for_speaker(&p, DocId::from_u128(1), "Ola", "E5", "");
        assert!(matches!(taken, Err(EditError::DuplicateName { .. })));
        let blank = participant_for_speaker(&p, DocId::from_u128(1), "Ola", " ", "");
        assert_eq!(blank, Err(EditError::EmptyName { kind: "participant" }));
        Ok(())
    }
}
