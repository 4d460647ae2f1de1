//! The one `Extract` type: a coded extract as every view, count and export shows it — one or
//! more codings of one code merged by the rule in [`super::scope`], its text cut at speaker
//! turns with who said each part, who coded it, and who it counts for.

use super::attribution::{Attribution, Attributor, is_counted};
use super::scope::{CoderScope, Merged, Piece, merge};
use crate::model::*;
use serde::Serialize;
use std::collections::HashMap;

/// One coded extract, ready to show.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Extract {
    /// The extract's id: its first coding's (review marks and selection use it).
    pub coding: CodingId,
    /// Every coding merged into it, in text order.
    pub codings: Vec<CodingId>,
    pub doc: DocId,
    pub doc_name: String,
    /// The union of its codings' spans.
    pub span: Span,
    pub code: CodeId,
    pub code_name: String,
    /// Who coded it, in the project's order of coders.
    pub coder_ids: Vec<CoderId>,
    /// Their names: "coded by Ingrid, Tom".
    pub coders: Vec<String>,
    /// The codings' comments, each once, one per line.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub comment: String,
    /// Who speaks in it, by the one rule ([`Attributor`]).
    pub attribution: Attribution,
    /// The extract cut at turn boundaries, in text order.
    pub parts: Vec<ExtractPart>,
}

/// The stretch of an extract that lies in one speaker turn (or outside every turn).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExtractPart {
    pub span: Span,
    pub text: String,
    /// The speaker as written in the transcript; `None` outside every turn.
    pub speaker: Option<String>,
    pub participant: Option<ParticipantId>,
    /// The participant's label (`J1`), what a paper attributes quotes with.
    pub label: Option<String>,
    /// Spoken by an interviewer or moderator, so not counted.
    pub interviewer: bool,
    /// This part is why the extract is in the cell it was opened from (its speaker belongs
    /// to the column); parts by other speakers are context.
    pub counts_here: bool,
}

impl Extract {
    /// Who speaks in the extract, as a short list (`Moderator, J1`); parts without a
    /// speaker are left out.
    pub fn speakers_label(&self) -> String {
        let mut names: Vec<&str> = Vec::new();
        for part in &self.parts {
            let name = part.label.as_deref().or(part.speaker.as_deref()).filter(|s| !s.is_empty());
            if let Some(name) = name
                && !names.contains(&name)
            {
                names.push(name);
            }
        }
        names.join(", ")
    }

    /// "Ingrid, Tom": who coded it.
    pub fn coders_label(&self) -> String {
        self.coders.join(", ")
    }

    /// The whole text of the extract.
    pub fn text(&self) -> String {
        self.parts.iter().map(|p| p.text.as_str()).collect()
    }

    /// The participants it counts for (its speakers less interviewers), in text order.
    pub fn counted<'p>(&'p self, p: &'p Project) -> impl Iterator<Item = &'p Participant> + 'p {
        self.attribution.counted(p)
    }

    /// The first participant it counts for: where a list files it under one person.
    pub fn participant<'p>(&self, p: &'p Project) -> Option<&'p Participant> {
        self.attribution.speakers.iter().filter_map(|id| p.participants.get(id)).find(|x| is_counted(x))
    }
}

/// Which parts of an extract count for the cell it is shown for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CountsFor {
    /// Parts spoken by these participants.
    Participants(Vec<ParticipantId>),
    /// Parts spoken by no participant.
    Unattributed,
    /// Every part not spoken by an interviewer (a column per document).
    Everyone,
}

/// Builds extracts for one coder scope, merging each document's codings once.
pub struct ExtractBuilder<'a> {
    project: &'a Project,
    scope: CoderScope,
    /// Each document's extracts met so far, and which extract each coding is in.
    merged: HashMap<DocId, (Vec<Merged>, HashMap<CodingId, usize>)>,
}

impl<'a> ExtractBuilder<'a> {
    pub fn new(project: &'a Project, scope: &CoderScope) -> Self {
        Self { project, scope: scope.clone(), merged: HashMap::new() }
    }

    /// Merges every document's codings at once (one pass over the codings), for callers that
    /// will visit most documents.
    pub fn load_all(&mut self) {
        let mut by_doc: HashMap<DocId, Vec<Piece>> = HashMap::new();
        for c in self.project.codings.values() {
            by_doc.entry(c.doc).or_default().push(Piece::from(c));
        }
        for (doc, pieces) in by_doc {
            let list = merge(pieces, &self.scope);
            let of = list.iter().enumerate().flat_map(|(i, m)| m.codings.iter().map(move |c| (*c, i))).collect();
            self.merged.insert(doc, (list, of));
        }
        for doc in self.project.documents.keys() {
            self.merged.entry(*doc).or_default();
        }
    }

    /// A document's extracts in scope, in text order.
    pub fn merged(&mut self, doc: DocId) -> &[Merged] {
        &self.entry(doc).0
    }

    fn entry(&mut self, doc: DocId) -> &(Vec<Merged>, HashMap<CodingId, usize>) {
        let (p, scope) = (self.project, &self.scope);
        self.merged.entry(doc).or_insert_with(|| {
            let list = merge(p.codings_in(doc).into_iter().map(Piece::from), scope);
            let of = list.iter().enumerate().flat_map(|(i, m)| m.codings.iter().map(move |c| (*c, i))).collect();
            (list, of)
        })
    }

    /// The extract a coding is part of, `None` if the coding is gone. A coding outside the
    /// scope is shown on its own.
    pub fn extract(&mut self, coding: CodingId, counts: &CountsFor) -> Option<Extract> {
        let c = self.project.codings.get(&coding)?;
        let (list, of) = self.entry(c.doc);
        let m = match of.get(&coding).and_then(|i| list.get(*i)) {
            Some(m) => m.clone(),
            None => Merged { id: c.id, code: c.code, span: c.span, codings: vec![c.id], coders: vec![c.coder] },
        };
        self.build(c.doc, &m, counts)
    }

    /// An extract from its merged codings.
    pub fn build(&self, doc: DocId, m: &Merged, counts: &CountsFor) -> Option<Extract> {
        let p = self.project;
        let doc = p.documents.get(&doc)?;
        let span = m.span;
        let text_of = |span: Span| doc.slice(span).unwrap_or_default().to_string();
        let mut parts = Vec::new();
        let mut at = span.start;
        let mut push = |span: Span, turn: Option<&Turn>| {
            if span.is_empty() {
                return;
            }
            let participant = turn.and_then(|t| t.participant).and_then(|id| p.participants.get(&id));
            let interviewer = participant.is_some_and(|x| !is_counted(x));
            let counts_here = match counts {
                CountsFor::Participants(ids) => participant.is_some_and(|x| !interviewer && ids.contains(&x.id)),
                CountsFor::Unattributed => participant.is_none(),
                CountsFor::Everyone => !interviewer,
            };
            parts.push(ExtractPart {
                span,
                text: text_of(span),
                speaker: turn.map(|t| t.speaker.clone()),
                participant: participant.map(|x| x.id),
                label: participant.map(|x| x.label().to_string()),
                interviewer,
                counts_here,
            });
        };
        for turn in doc.turns_overlapping(span) {
            if turn.span.start > at {
                push(Span { start: at, end: turn.span.start }, None);
            }
            let start = at.max(turn.span.start);
            let end = span.end.min(turn.span.end);
            push(Span { start, end }, Some(turn));
            at = end;
        }
        push(Span { start: at, end: span.end }, None);
        let mut coder_ids = m.coders.clone();
        coder_ids.sort_by_key(|k| p.coders.get_index_of(k));
        let mut comment = String::new();
        for c in m.codings.iter().filter_map(|id| p.codings.get(id)) {
            let text = c.comment.trim();
            if !text.is_empty() && !comment.lines().any(|l| l == text) {
                if !comment.is_empty() {
                    comment.push('\n');
                }
                comment.push_str(text);
            }
        }
        Some(Extract {
            coding: m.id,
            codings: m.codings.clone(),
            doc: doc.id,
            doc_name: doc.name().to_string(),
            span,
            code: m.code,
            code_name: p.codes.get(&m.code).map(|x| x.name().to_string()).unwrap_or_default(),
            coders: coder_ids.iter().filter_map(|k| p.coders.get(k)).map(|k| k.name.clone()).collect(),
            coder_ids,
            comment,
            attribution: Attributor::new(doc).attribute(span),
            parts,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::Edit;

    #[test]
    fn an_extract_across_turns_is_cut_at_each_turn_with_its_speaker() -> Result<(), crate::edit::EditError> {
        let text = "Intro.\nM: Og dere?\nKari: Vi følte oss sett 😀.\n";
        let mut p = Project::new("x");
        let (m, kari) = (ParticipantId::from_u128(1), ParticipantId::from_u128(2));
        let mut moderator = Participant::new(m, "Moderator", "");
        moderator.props.interviewer = true;
        let mut d = Document::new(DocId::from_u128(3), "FG1", DocKind::FocusGroup, text);
        let t = |a: usize, b: usize, s: &str, who| Turn {
            span: Span::new(a, b),
            speaker: s.into(),
            participant: Some(who),
            start_ms: None,
            end_ms: None,
        };
        d.turns = vec![t(7, 19, "M", m), t(19, 46, "Kari", kari)];
        let coder =
            Coder { id: CoderId::from_u128(4), name: "Ingrid".into(), colour: Colour::default(), slug: "i".into() };
        let code = Code::new(CodeId::from_u128(5), "Being seen", Colour::default());
        let coding = Coding {
            id: CodingId::from_u128(6),
            doc: d.id,
            span: Span::new(2, 44),
            code: code.id,
            coder: coder.id,
            created: chrono::DateTime::from_timestamp(0, 0).unwrap_or_default(),
            comment: String::new(),
        };
        p.apply(Edit::batch(
            "setup",
            vec![
                Edit::AddCoder { coder, index: None },
                Edit::AddParticipant { participant: moderator, index: None },
                Edit::AddParticipant { participant: Participant::new(kari, "T2", "Therapist"), index: None },
                Edit::AddDocument { document: Box::new(d), index: None },
                Edit::CreateCode { code, index: None },
                Edit::AddCoding { coding },
            ],
        ))?;
        let mut b = ExtractBuilder::new(&p, &CoderScope::All);
        let x = b.extract(CodingId::from_u128(6), &CountsFor::Participants(vec![kari]));
        let x = x.ok_or(crate::edit::EditError::unknown("coding", 6))?;
        let texts: Vec<&str> = x.parts.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, ["tro.\n", "M: Og dere?\n", "Kari: Vi følte oss sett 😀"]);
        assert_eq!(x.text(), "tro.\nM: Og dere?\nKari: Vi følte oss sett 😀");
        let counts: Vec<bool> = x.parts.iter().map(|p| p.counts_here).collect();
        assert_eq!(counts, [false, false, true]);
        assert!(x.parts[1].interviewer);
        assert_eq!(x.parts[2].label.as_deref(), Some("T2"));
        assert_eq!(x.parts[2].speaker.as_deref(), Some("Kari"));
        assert_eq!(x.speakers_label(), "Moderator, T2");
        let un = b.extract(CodingId::from_u128(6), &CountsFor::Unattributed).map(|x| x.parts[0].counts_here);
        assert_eq!(un, Some(true));
        Ok(())
    }
}
