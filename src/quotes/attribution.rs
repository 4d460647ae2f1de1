//! Attribution labels: who a quote is from, written the way the paper writes it.
//!
//! The label comes from the speaker turns the quote's *shown* text lies in (cut text does not
//! count, nor a turn the quote touches only with spaces, punctuation or the speaker's name). Interviewers are left
//! out when anyone else speaks. A quote from a focus group is labelled with the focus-group
//! template, by default the document and the speakers: `FG1, E3`, or `FG1, E3/E5` when it
//! spans two speakers' turns. A quote from another kind of document with several speakers
//! lists them (`J1/J2`); one without any participant (field notes) uses the template for
//! unattributed quotes, by default the document's name.

use super::display::{QuoteText, SegmentKind};
use crate::model::*;
use std::collections::HashMap;

/// Who a quote is attributed to.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Attribution {
    /// The label as the paper prints it: `J1`, `CLI`, `FG1, E3/E5`.
    pub label: String,
    /// The participants who speak in the quote, in order of their first words.
    pub speakers: Vec<ParticipantId>,
}

/// The part of a turn that is speech: after the speaker's name as the transcript writes it
/// (`Sofie: `), so a quote that only reaches into the next turn's label is not that speaker's.
fn speech_span(doc: &Document, turn: &Turn) -> Span {
    let Some(text) = doc.slice(turn.span) else { return turn.span };
    let speaker = turn.speaker.trim();
    let Some(rest) = text.strip_prefix(speaker).filter(|_| !speaker.is_empty()) else { return turn.span };
    let after = rest.trim_start_matches([':', ' ', '\t']);
    let label = text.chars().count() - after.chars().count();
    Span { start: CharPos(turn.span.start.get() + label), end: turn.span.end }
}

/// Makes attribution labels for one project under its scheme.
pub struct Attributor<'a> {
    p: &'a Project,
    scheme: &'a AttributionScheme,
    /// Each participant's number within their group (`{n}`), from 1.
    numbers: HashMap<ParticipantId, usize>,
}

impl<'a> Attributor<'a> {
    pub fn new(p: &'a Project) -> Self {
        Self::with_scheme(p, &p.settings.quotes.attribution)
    }

    /// With another scheme than the project's (to preview a change before applying it).
    pub fn with_scheme(p: &'a Project, scheme: &'a AttributionScheme) -> Self {
        let mut counts: HashMap<String, usize> = HashMap::new();
        let numbers = p
            .participants
            .values()
            .map(|x| {
                let n = counts.entry(name_key(x.group())).or_insert(0);
                *n += 1;
                (x.id, *n)
            })
            .collect();
        Self { p, scheme, numbers }
    }

    /// The label of one participant, as it appears in a quote's attribution.
    pub fn participant_label(&self, x: &Participant, doc: Option<&Document>) -> String {
        if self.scheme.use_pseudonyms
            && let Some(name) = x.props.pseudonym.as_deref().filter(|s| !s.trim().is_empty())
        {
            return name.trim().to_string();
        }
        self.render(self.scheme.template_for(x.group()), Some(x), doc, None)
    }

    /// The attribution of a quote whose display text is `text`.
    pub fn quote(&self, doc: &Document, text: &QuoteText) -> Attribution {
        let speakers = self.speakers(doc, text);
        if speakers.is_empty() {
            let label = self.render(&self.scheme.unattributed_template, None, Some(doc), None);
            return Attribution { label, speakers };
        }
        let people: Vec<&Participant> = speakers.iter().filter_map(|id| self.p.participants.get(id)).collect();
        let labels: Vec<String> = people.iter().map(|x| self.participant_label(x, Some(doc))).collect();
        let joined = labels.join(&self.scheme.speaker_separator);
        let label = if doc.kind() == DocKind::FocusGroup {
            self.render(&self.scheme.focus_group_template, people.first().copied(), Some(doc), Some(&joined))
        } else {
            joined
        };
        Attribution { label, speakers }
    }

    /// Participants whose turns hold some of the quote's shown words, interviewers only
    /// when no one else speaks.
    fn speakers(&self, doc: &Document, text: &QuoteText) -> Vec<ParticipantId> {
        let mut found: Vec<ParticipantId> = Vec::new();
        for seg in text.segments.iter().filter(|s| s.kind == SegmentKind::Kept) {
            for turn in doc.turns_overlapping(seg.source) {
                let Some(id) = turn.participant else { continue };
                let speech = speech_span(doc, turn);
                let shared = Span { start: seg.source.start.max(speech.start), end: seg.source.end.min(speech.end) };
                if shared.is_empty() {
                    continue;
                }
                let says_something = doc.slice(shared).is_some_and(|t| t.chars().any(char::is_alphanumeric));
                if says_something && !found.contains(&id) {
                    found.push(id);
                }
            }
        }
        let is_interviewer = |id: &ParticipantId| self.p.participants.get(id).is_some_and(|x| x.props.interviewer);
        if found.iter().any(|id| !is_interviewer(id)) {
            found.retain(|id| !is_interviewer(id));
        }
        found
    }

    /// Fills a template's placeholders. A placeholder that does not apply is left empty, and
    /// an unknown one is kept as written (a hand-edited settings file cannot break exports).
    fn render(
        &self,
        template: &str,
        x: Option<&Participant>,
        doc: Option<&Document>,
        speakers: Option<&str>,
    ) -> String {
        let Ok(parts) = template_parts(template) else {
            return template.to_string();
        };
        let mut out = String::new();
        for part in parts {
            match part {
                TemplatePart::Text(t) => out.push_str(t),
                TemplatePart::Attribute(name) => {
                    out.push_str(x.and_then(|x| x.props.attributes.get(name)).map(String::as_str).unwrap_or(""))
                }
                TemplatePart::Field(field) => match field {
                    "label" => out.push_str(x.map(|x| x.label()).unwrap_or("")),
                    "n" => {
                        if let Some(n) = x.and_then(|x| self.numbers.get(&x.id)) {
                            out.push_str(&n.to_string());
                        }
                    }
                    "pseudonym" => out.push_str(
                        x.map(|x| x.props.pseudonym.as_deref().filter(|s| !s.trim().is_empty()).unwrap_or(x.label()))
                            .unwrap_or(""),
                    ),
                    "group" => out.push_str(x.map(|x| x.group()).unwrap_or("")),
                    "doc" => out.push_str(doc.map(|d| d.name()).unwrap_or("")),
                    "speakers" => out.push_str(speakers.unwrap_or("")),
                    other => {
                        out.push('{');
                        out.push_str(other);
                        out.push('}');
                    }
                },
            }
        }
        out.trim().to_string()
    }
}
