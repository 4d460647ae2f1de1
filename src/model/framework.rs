//! Framework cells: what the researcher writes into a triangulation table.
//!
//! A summary per cell (a theme or code against one column: a participant group, a value of
//! any attribute, the unattributed column, or a document) and a mark per row saying whether
//! the columns converge, diverge or are silent. Both are keyed by ids and attribute values,
//! never by display names, so renaming a theme or a code keeps them; a table by another
//! attribute (site instead of group) has its own cells and marks.

use super::{CodeId, DocId, ThemeId};
use super::{Named, Word, word};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a table row stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowKey {
    Theme(ThemeId),
    Code(CodeId),
}

/// What a table's columns are drawn from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Dimension {
    /// A participant attribute: `group`, `label`, or any column of the participants sheet.
    Attribute { name: String },
    /// One column per document.
    Document,
    /// One column per document set ("Wave 1", "Site Nordby"), and one for documents in no set;
    /// a document in two sets counts in both.
    DocumentSet,
}

impl Dimension {
    pub fn attribute(name: impl Into<String>) -> Self {
        Dimension::Attribute { name: name.into() }
    }

    pub fn group() -> Self {
        Dimension::attribute("group")
    }
}

/// One column of a table, independent of how it is labelled.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ColumnKey {
    /// Participants whose attribute has this value (an empty value: participants without one).
    Value {
        attribute: String,
        value: String,
    },
    /// Extracts spoken by no participant (field notes, unmapped speakers), in a table by an
    /// attribute.
    Unattributed {
        attribute: String,
    },
    Document {
        id: DocId,
    },
    /// The documents of a set (matched ignoring case and spacing); an empty name: the
    /// documents in no set.
    DocumentSet {
        set: String,
    },
}

impl ColumnKey {
    pub fn value(attribute: impl Into<String>, value: impl Into<String>) -> Self {
        ColumnKey::Value { attribute: attribute.into(), value: value.into() }
    }

    /// The kind of table this column belongs to.
    pub fn dimension(&self) -> Dimension {
        match self {
            ColumnKey::Value { attribute, .. } | ColumnKey::Unattributed { attribute } => {
                Dimension::Attribute { name: attribute.clone() }
            }
            ColumnKey::Document { .. } => Dimension::Document,
            ColumnKey::DocumentSet { .. } => Dimension::DocumentSet,
        }
    }
}

/// How the columns of a row compare: the triangulation judgement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowMark {
    /// The groups say the same thing.
    Converge,
    /// They disagree.
    Diverge,
    /// Some group says nothing about it.
    Silent,
    NotApplicable,
}

impl RowMark {
    pub const ALL: [RowMark; 4] = [RowMark::Converge, RowMark::Diverge, RowMark::Silent, RowMark::NotApplicable];

    pub fn label(self) -> &'static str {
        match self {
            RowMark::Converge => "Converge",
            RowMark::Diverge => "Diverge",
            RowMark::Silent => "Silent",
            RowMark::NotApplicable => "Not applicable",
        }
    }
}

impl Named for RowMark {
    const WHAT: &'static str = "mark";
    const WORDS: &'static [Word<Self>] = &[
        word(RowMark::Converge, "converge").or(&["convergence", "converging"]).about("The groups say the same thing"),
        word(RowMark::Diverge, "diverge").or(&["divergence", "diverging"]).about("They disagree"),
        word(RowMark::Silent, "silent").or(&["silence"]).about("Some group says nothing about it"),
        word(RowMark::NotApplicable, "not-applicable").or(&["n/a", "na"]).about("The comparison does not apply"),
    ];
}

/// Every summary and mark of the project. Empty summaries are not stored.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(from = "FrameworkFile", into = "FrameworkFile")]
pub struct Framework {
    pub summaries: BTreeMap<(RowKey, ColumnKey), String>,
    pub marks: BTreeMap<(RowKey, Dimension), RowMark>,
}

impl Framework {
    pub fn is_empty(&self) -> bool {
        self.summaries.is_empty() && self.marks.is_empty()
    }

    pub fn summary(&self, row: RowKey, column: &ColumnKey) -> Option<&str> {
        self.summaries.get(&(row, column.clone())).map(String::as_str)
    }

    pub fn mark(&self, row: RowKey, across: &Dimension) -> Option<RowMark> {
        self.marks.get(&(row, across.clone())).copied()
    }

    /// Whether any summary or mark belongs to this row.
    pub fn mentions_row(&self, row: RowKey) -> bool {
        self.summaries.keys().any(|(r, _)| *r == row) || self.marks.keys().any(|(r, _)| *r == row)
    }
}

/// `framework.json` as it is on disk: two lists, since JSON maps need string keys.
#[derive(Serialize, Deserialize, Default)]
struct FrameworkFile {
    #[serde(default)]
    summaries: Vec<SummaryEntry>,
    #[serde(default)]
    marks: Vec<MarkEntry>,
}

#[derive(Serialize, Deserialize)]
struct SummaryEntry {
    row: RowKey,
    column: ColumnKey,
    text: String,
}

#[derive(Serialize, Deserialize)]
struct MarkEntry {
    row: RowKey,
    across: Dimension,
    mark: RowMark,
}

impl From<FrameworkFile> for Framework {
    fn from(f: FrameworkFile) -> Self {
        Framework {
            summaries: f.summaries.into_iter().map(|e| ((e.row, e.column), e.text)).collect(),
            marks: f.marks.into_iter().map(|e| ((e.row, e.across), e.mark)).collect(),
        }
    }
}

impl From<Framework> for FrameworkFile {
    fn from(f: Framework) -> Self {
        FrameworkFile {
            summaries: f
                .summaries
                .into_iter()
                .map(|((row, column), text)| SummaryEntry { row, column, text })
                .collect(),
            marks: f.marks.into_iter().map(|((row, across), mark)| MarkEntry { row, across, mark }).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shape_is_two_readable_lists() -> Result<(), serde_json::Error> {
        let mut f = Framework::default();
        let row = RowKey::Theme(ThemeId::from_u128(7));
        f.summaries.insert((row, ColumnKey::value("group", "Jobseeker")), "Feel talked about".into());
        f.marks.insert((row, Dimension::group()), RowMark::Diverge);
        let json = serde_json::to_value(&f)?;
        assert_eq!(
            json["summaries"][0]["column"],
            serde_json::json!({"kind": "value", "attribute": "group", "value": "Jobseeker"})
        );
        assert_eq!(json["summaries"][0]["row"]["theme"], "00000000-0000-0000-0000-000000000007");
        assert_eq!(json["marks"][0]["across"], serde_json::json!({"kind": "attribute", "name": "group"}));
        assert_eq!(json["marks"][0]["mark"], "diverge");
        let back: Framework = serde_json::from_value(json)?;
        assert_eq!(back, f);
        // An empty object (or a file from a later version with only one list) loads.
        let empty: Framework = serde_json::from_str("{}")?;
        assert!(empty.is_empty());
        Ok(())
    }

    #[test]
    fn marks_parse_their_slugs_and_labels() {
        use crate::model::Named;
        for m in RowMark::ALL {
            assert_eq!(RowMark::parse(m.slug()), Some(m));
            assert_eq!(RowMark::parse(m.label()), Some(m));
        }
        assert_eq!(RowMark::parse("maybe"), None);
    }
}
