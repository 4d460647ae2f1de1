//! The journal, the memos and the notes on passages, as Markdown or JSON: what a researcher
//! hands to a supervisor or keeps as the audit trail of the analysis.

use crate::model::*;
use serde::Serialize;

/// One memo as exported: what it is about, with the passage's text for a note on a passage.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MemoRow {
    /// journal, document, passage, code, theme or coding.
    pub kind: &'static str,
    /// The document, code or theme it is about ("" for the journal).
    pub about: String,
    /// For notes on passages and memos on codings: the passage and its text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<[usize; 2]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passage: Option<String>,
    pub title: String,
    pub body: String,
    pub author: Option<String>,
    pub created: Timestamp,
    pub modified: Timestamp,
}

/// Every memo, in the order of the project (the journal first, newest last).
pub fn memo_rows(p: &Project) -> Vec<MemoRow> {
    let passage = |doc: DocId, span: Span| {
        let d = p.documents.get(&doc);
        (
            d.map(|d| d.name().to_string()).unwrap_or_default(),
            Some([span.start.get(), span.end.get()]),
            d.and_then(|d| d.slice(span)).map(String::from),
        )
    };
    let mut rows: Vec<(u8, MemoRow)> = p
        .memos
        .values()
        .map(|m| {
            let (order, kind, (about, span, text)) = match m.props.target {
                MemoTarget::Journal => (0, "journal", (String::new(), None, None)),
                MemoTarget::Document(d) => {
                    (1, "document", (p.documents.get(&d).map(|d| d.name().to_string()).unwrap_or_default(), None, None))
                }
                MemoTarget::Passage { doc, span } => (2, "passage", passage(doc, span)),
                MemoTarget::Coding(c) => match p.codings.get(&c) {
                    Some(c) => (3, "coding", passage(c.doc, c.span)),
                    None => (3, "coding", (String::new(), None, None)),
                },
                MemoTarget::Code(c) => {
                    (4, "code", (p.codes.get(&c).map(|c| c.name().to_string()).unwrap_or_default(), None, None))
                }
                MemoTarget::Theme(t) => {
                    (5, "theme", (p.themes.get(&t).map(|t| t.name().to_string()).unwrap_or_default(), None, None))
                }
            };
            let row = MemoRow {
                kind,
                about,
                span,
                passage: text,
                title: m.props.title.clone(),
                body: m.props.body.clone(),
                author: m.author.and_then(|a| p.coders.get(&a)).map(|c| c.name.clone()),
                created: m.created,
                modified: m.props.modified,
            };
            (order, row)
        })
        .collect();
    rows.sort_by_key(|(order, _)| *order);
    rows.into_iter().map(|(_, r)| r).collect()
}

/// The memos as Markdown, one section per kind.
pub fn memos_markdown(p: &Project) -> String {
    let mut out = format!("# Memos of {}\n", p.settings.name);
    let mut section = "";
    for r in memo_rows(p) {
        let heading = match r.kind {
            "journal" => "Reflexive journal",
            "document" => "Memos on documents",
            "passage" => "Notes on passages",
            "coding" => "Memos on coded passages",
            "code" => "Memos on codes",
            _ => "Memos on themes",
        };
        if heading != section {
            out.push_str(&format!("\n## {heading}\n"));
            section = heading;
        }
        let mut title = r.title.clone();
        if title.is_empty() {
            title = match (&r.about, r.span) {
                (about, Some([s, e])) => format!("{about}, characters {s}–{e}"),
                (about, None) if !about.is_empty() => about.clone(),
                _ => r.created.format("%Y-%m-%d %H:%M").to_string(),
            };
        } else if !r.about.is_empty() {
            title = format!("{title} ({})", r.about);
        }
        out.push_str(&format!("\n### {title}\n\n"));
        if let Some(text) = &r.passage {
            for line in text.lines() {
                out.push_str(&format!("> {line}\n"));
            }
            out.push('\n');
        }
        if !r.body.trim().is_empty() {
            out.push_str(r.body.trim_end());
            out.push('\n');
        }
        let by = r.author.as_deref().map(|a| format!(" by {a}")).unwrap_or_default();
        out.push_str(&format!("\n*Written {}{by}.*\n", r.created.format("%Y-%m-%d")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::Edit;

    #[test]
    fn a_note_on_a_passage_is_exported_with_its_text() {
        let mut p = Project::new("Study");
        let doc = DocId::from_u128(1);
        let d = Document::new(doc, "J4", DocKind::Interview, "Jeg ble hørt for første gang.");
        assert!(p.apply(Edit::AddDocument { document: Box::new(d), index: None }).is_ok());
        let at = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
        let memo = Memo {
            id: MemoId::from_u128(2),
            created: at,
            author: None,
            props: MemoProps {
                target: MemoTarget::Passage { doc, span: Span::new(8, 12) },
                title: String::new(),
                body: "Check the recording".into(),
                modified: at,
            },
        };
        assert!(p.apply(Edit::AddMemo { memo, index: None }).is_ok());
        let rows = memo_rows(&p);
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].kind, rows[0].passage.as_deref()), ("passage", Some("hørt")));
        let md = memos_markdown(&p);
        assert!(md.contains("## Notes on passages"), "{md}");
        assert!(md.contains("### J4, characters 8–12\n\n> hørt\n\nCheck the recording"), "{md}");
    }
}
