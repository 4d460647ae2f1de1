//! Participants and the attributes that analyses group them by.

use super::ParticipantId;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ParticipantProps {
    /// The label papers attribute quotes with: `J1`, `T2`, `CLI`.
    pub label: String,
    /// The participant group (jobseeker, therapist, ...); empty when not yet assigned.
    #[serde(default)]
    pub group: String,
    /// Free attributes (site, age band, gender, ...), in the order of the participants sheet.
    #[serde(default)]
    pub attributes: IndexMap<String, String>,
    /// Other names the person goes by in transcripts (first names in a focus group).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// A pseudonym to show in exports instead of the label, when the paper uses one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pseudonym: Option<String>,
    /// Interviewers and moderators speak in transcripts but are left out of group counts.
    #[serde(default)]
    pub interviewer: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    pub id: ParticipantId,
    #[serde(flatten)]
    pub props: ParticipantProps,
}

impl Participant {
    pub fn new(id: ParticipantId, label: impl Into<String>, group: impl Into<String>) -> Self {
        Self { id, props: ParticipantProps { label: label.into(), group: group.into(), ..Default::default() } }
    }

    pub fn label(&self) -> &str {
        &self.props.label
    }

    pub fn group(&self) -> &str {
        &self.props.group
    }

    /// An attribute by name; `group` and `label` are attributes too, so analyses can
    /// treat every column of the participants sheet alike.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        match name {
            "group" => Some(self.props.group.as_str()),
            "label" => Some(self.props.label.as_str()),
            _ => self.props.attributes.get(name).map(String::as_str),
        }
    }

    /// Whether a speaker name written in a transcript refers to this participant.
    pub fn answers_to(&self, speaker: &str) -> bool {
        let speaker = speaker.trim();
        self.props.label.eq_ignore_ascii_case(speaker)
            || self.props.label.to_lowercase() == speaker.to_lowercase()
            || self.props.aliases.iter().any(|a| a.trim().to_lowercase() == speaker.to_lowercase())
    }
}
