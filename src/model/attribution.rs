//! How quotes are attributed and laid out in a paper: the project's choice, stored in
//! [`Settings`](super::Settings). The labels themselves are computed in [`crate::quotes`].

use serde::{Deserialize, Serialize};

/// The label template for the participants of one group (`Jobseeker` → `J{n}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupTemplate {
    /// The participant group, matched ignoring case and spacing.
    pub group: String,
    pub template: String,
}

/// How a quote's attribution label is made.
///
/// A template is text with placeholders:
/// - `{label}` the participant's label (`J1`);
/// - `{n}` the participant's number within their group, counting from 1 in the order of
///   the participants list;
/// - `{pseudonym}` the participant's pseudonym, or their label when they have none;
/// - `{group}` the participant's group;
/// - `{attr:NAME}` one of the participant's attributes (`{attr:site}`);
/// - `{doc}` the document's name.
///
/// The focus-group template also takes `{speakers}`: the labels of everyone who speaks in
/// the quote, joined by [`speaker_separator`](Self::speaker_separator).
/// A template without placeholders is a fixed label (`CLI`, `EMP`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributionScheme {
    /// Per-group templates; groups not listed use [`default_template`](Self::default_template).
    #[serde(default)]
    pub groups: Vec<GroupTemplate>,
    #[serde(default = "default_template")]
    pub default_template: String,
    /// Attribute participants who have a pseudonym by the pseudonym instead of the template.
    #[serde(default)]
    pub use_pseudonyms: bool,
    /// The label of a quote from a focus group.
    #[serde(default = "focus_group_template")]
    pub focus_group_template: String,
    /// The label of a quote no participant speaks in (field notes, unattributed turns).
    #[serde(default = "unattributed_template")]
    pub unattributed_template: String,
    /// Between the labels of several speakers of one quote (`E3/E5`).
    #[serde(default = "speaker_separator")]
    pub speaker_separator: String,
}

fn default_template() -> String {
    "{label}".into()
}
fn focus_group_template() -> String {
    "{doc}, {speakers}".into()
}
fn unattributed_template() -> String {
    "{doc}".into()
}
fn speaker_separator() -> String {
    "/".into()
}

impl Default for AttributionScheme {
    fn default() -> Self {
        Self {
            groups: Vec::new(),
            default_template: default_template(),
            use_pseudonyms: false,
            focus_group_template: focus_group_template(),
            unattributed_template: unattributed_template(),
            speaker_separator: speaker_separator(),
        }
    }
}

/// Placeholders a participant template may use.
const PARTICIPANT_FIELDS: [&str; 4] = ["label", "n", "pseudonym", "group"];

impl AttributionScheme {
    /// The template for a group.
    pub fn template_for(&self, group: &str) -> &str {
        let key = super::name_key(group);
        self.groups
            .iter()
            .find(|g| super::name_key(&g.group) == key)
            .map(|g| g.template.as_str())
            .unwrap_or(&self.default_template)
    }

    /// Sets the template of a group (replacing an earlier one for the same group).
    pub fn set_group(&mut self, group: &str, template: &str) {
        let key = super::name_key(group);
        match self.groups.iter_mut().find(|g| super::name_key(&g.group) == key) {
            Some(g) => g.template = template.to_string(),
            None => self.groups.push(GroupTemplate { group: group.trim().to_string(), template: template.to_string() }),
        }
    }

    /// Why the scheme cannot be used, if it cannot: a template that is empty or names an
    /// unknown placeholder, or a group listed twice.
    pub fn problem(&self) -> Option<String> {
        let mut seen = Vec::new();
        for g in &self.groups {
            let key = super::name_key(&g.group);
            if key.is_empty() {
                return Some("a group template needs a group name".into());
            }
            if seen.contains(&key) {
                return Some(format!("group \"{}\" has two templates", g.group.trim()));
            }
            seen.push(key);
            if let Some(p) = template_problem(&g.template, false) {
                return Some(format!("the template for \"{}\" {p}", g.group.trim()));
            }
        }
        let checks = [
            ("default template", &self.default_template, false),
            ("focus-group template", &self.focus_group_template, true),
            ("template for unattributed quotes", &self.unattributed_template, false),
        ];
        for (what, template, speakers) in checks {
            if let Some(p) = template_problem(template, speakers) {
                return Some(format!("the {what} {p}"));
            }
        }
        None
    }
}

/// The placeholders of a template, in order, or why it cannot be parsed.
pub fn template_parts(template: &str) -> Result<Vec<TemplatePart<'_>>, String> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err("has a '}' without a '{'".into());
        }
        if open > 0 {
            parts.push(TemplatePart::Text(&rest[..open]));
        }
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err("has a '{' without a '}'".into());
        };
        let name = after[..close].trim();
        parts.push(match name.strip_prefix("attr:") {
            Some(attr) if !attr.trim().is_empty() => TemplatePart::Attribute(attr.trim()),
            _ => TemplatePart::Field(name),
        });
        rest = &after[close + 1..];
    }
    if !rest.is_empty() {
        parts.push(TemplatePart::Text(rest));
    }
    Ok(parts)
}

/// A piece of a template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TemplatePart<'a> {
    Text(&'a str),
    /// `{label}`, `{n}`, `{pseudonym}`, `{group}`, `{doc}`, `{speakers}`.
    Field(&'a str),
    /// `{attr:NAME}`.
    Attribute(&'a str),
}

fn template_problem(template: &str, speakers: bool) -> Option<String> {
    if template.trim().is_empty() {
        return Some("is empty".into());
    }
    let parts = match template_parts(template) {
        Ok(parts) => parts,
        Err(e) => return Some(e),
    };
    for part in parts {
        if let TemplatePart::Field(name) = part {
            let known = PARTICIPANT_FIELDS.contains(&name) || name == "doc" || (speakers && name == "speakers");
            if !known {
                let hint = if speakers { ", {speakers}" } else { "" };
                return Some(format!(
                    "uses an unknown placeholder {{{name}}} (known: {{label}}, {{n}}, {{pseudonym}}, {{group}}, \
                     {{attr:NAME}}, {{doc}}{hint})"
                ));
            }
        }
    }
    None
}

/// How quotes are laid out in a paper.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteSettings {
    /// Quotes of this many words or more are set as a block, shorter ones inline (APA: 40).
    #[serde(default = "block_words")]
    pub block_words: usize,
    #[serde(default)]
    pub attribution: AttributionScheme,
}

fn block_words() -> usize {
    40
}

impl Default for QuoteSettings {
    fn default() -> Self {
        Self { block_words: block_words(), attribution: AttributionScheme::default() }
    }
}

impl QuoteSettings {
    pub fn problem(&self) -> Option<String> {
        if self.block_words == 0 {
            return Some("the block-quote threshold must be at least one word".into());
        }
        self.attribution.problem()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_parse_and_check() {
        assert_eq!(
            template_parts("J{n} ({attr:site})"),
            Ok(vec![
                TemplatePart::Text("J"),
                TemplatePart::Field("n"),
                TemplatePart::Text(" ("),
                TemplatePart::Attribute("site"),
                TemplatePart::Text(")"),
            ])
        );
        assert_eq!(template_parts("CLI"), Ok(vec![TemplatePart::Text("CLI")]));
        assert!(template_parts("J{n").is_err());
        assert!(template_parts("J}n").is_err());

        let mut s = AttributionScheme::default();
        assert_eq!(s.problem(), None);
        s.set_group("Jobseeker", "J{n}");
        s.set_group(" jobseeker ", "JS{n}");
        assert_eq!(s.groups.len(), 1, "the same group, named differently, is replaced");
        assert_eq!(s.template_for("JOBSEEKER"), "JS{n}");
        assert_eq!(s.template_for("Therapist"), "{label}");
        s.set_group("Therapist", "T{nr}");
        assert!(s.problem().is_some_and(|p| p.contains("{nr}")), "{:?}", s.problem());
        s.set_group("Therapist", "T{n}");
        s.default_template = "{speakers}".into();
        assert!(s.problem().is_some(), "{{speakers}} belongs to the focus-group template only");
        s.default_template = " ".into();
        assert!(s.problem().is_some_and(|p| p.contains("empty")));
        assert!(QuoteSettings { block_words: 0, ..Default::default() }.problem().is_some());
    }

    #[test]
    fn old_settings_load_with_defaults() -> Result<(), serde_json::Error> {
        let s: QuoteSettings = serde_json::from_str("{}")?;
        assert_eq!(s, QuoteSettings::default());
        let a: AttributionScheme = serde_json::from_str(r#"{"groups":[{"group":"Employer","template":"EMP"}]}"#)?;
        assert_eq!(a.template_for("employer"), "EMP");
        assert_eq!(a.focus_group_template, "{doc}, {speakers}");
        Ok(())
    }
}
