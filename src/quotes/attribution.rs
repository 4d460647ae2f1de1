//! Attribution labels: who a quote is from, written the way the paper writes it.
//!
//! The label comes from who speaks in the quote's *shown* text (cut text does not count), by
//! the one rule of [`crate::analysis::Attributor`] that coded extracts are counted by too (a
//! turn the quote touches only with spaces, punctuation or the speaker's name does not
//! count). Interviewers are left out when anyone else speaks. A quote from a focus group is labelled with the focus-group
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

    /// Who speaks in the quote's shown text, by the same rule as every coded extract
    /// ([`crate::analysis::Attributor`]); interviewers only when no one else speaks.
    fn speakers(&self, doc: &Document, text: &QuoteText) -> Vec<ParticipantId> {
        let kept: Vec<Span> = text.segments.iter().filter(|s| s.kind == SegmentKind::Kept).map(|s| s.source).collect();
        crate::analysis::Attributor::new(doc).attribute_all(&kept).label_speakers(self.p)
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
