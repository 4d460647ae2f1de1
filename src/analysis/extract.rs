//! Coded extracts as a view shows them after a click: the text split at speaker turns, each
//! part with who said it.

use super::attribution::is_counted;
use crate::model::*;
use serde::Serialize;

/// One coded extract, ready to show.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Extract {
    pub coding: CodingId,
    pub doc: DocId,
    pub doc_name: String,
    pub span: Span,
    pub code: CodeId,
    pub code_name: String,
    pub coder: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub comment: String,
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

    /// The whole text of the extract.
    pub fn text(&self) -> String {
        self.parts.iter().map(|p| p.text.as_str()).collect()
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

/// Builds extracts, keeping one char→byte table per document it has met.
pub struct ExtractBuilder<'a> {
    project: &'a Project,
}

impl<'a> ExtractBuilder<'a> {
    pub fn new(project: &'a Project) -> Self {
        Self { project }
    }

    /// The extract of one coding, `None` if the coding is gone.
    pub fn extract(&mut self, coding: CodingId, counts: &CountsFor) -> Option<Extract> {
        let p = self.project;
        let c = p.codings.get(&coding)?;
        let doc = p.documents.get(&c.doc)?;
        let index = doc.text_index();
        let text_of = |span: Span| doc.text.get(index.byte_range(&doc.text, span)).unwrap_or_default().to_string();
        let mut parts = Vec::new();
        let mut at = c.span.start;
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
        for turn in doc.turns_overlapping(c.span) {
            if turn.span.start > at {
                push(Span { start: at, end: turn.span.start }, None);
            }
            let start = at.max(turn.span.start);
            let end = c.span.end.min(turn.span.end);
            push(Span { start, end }, Some(turn));
            at = end;
        }
        push(Span { start: at, end: c.span.end }, None);
        Some(Extract {
            coding,
            doc: doc.id,
            doc_name: doc.name().to_string(),
            span: c.span,
            code: c.code,
            code_name: p.codes.get(&c.code).map(|x| x.name().to_string()).unwrap_or_default(),
            coder: p.coders.get(&c.coder).map(|x| x.name.clone()).unwrap_or_default(),
            comment: c.comment.clone(),
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
        let mut b = ExtractBuilder::new(&p);
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
