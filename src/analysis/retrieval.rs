//! Retrieval: every coded extract of a code (and its children), or of any choice of codes,
//! themes, documents, group and coders, with who said it and who coded it. Extracts are
//! [`Extract`]s, merged across coders by the rule in [`super::scope`].

pub use super::extract::Extract;
use super::extract::{CountsFor, ExtractBuilder};
use super::scope::CoderScope;
use crate::model::*;
use std::collections::{BTreeMap, BTreeSet};

/// Which extracts to keep.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Also the codings of codes below the code in the codebook.
    pub include_children: bool,
    /// Only extracts a participant of this group speaks in.
    pub group: Option<String>,
    /// Only extracts a participant with this attribute value (`site` = `Nordby`) speaks in.
    pub attribute: Option<(String, String)>,
    /// Whose codings.
    pub coders: CoderScope,
}

/// A choice of extracts over the whole project.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    /// Only extracts of these codes; every code's when `None`.
    pub codes: Option<BTreeSet<CodeId>>,
    /// Only extracts in these documents; every document's when `None`.
    pub docs: Option<BTreeSet<DocId>>,
    pub group: Option<String>,
    pub attribute: Option<(String, String)>,
    pub coders: CoderScope,
}

impl Query {
    /// The codes of a theme, its subthemes' included.
    pub fn theme_codes(p: &Project, theme: ThemeId) -> BTreeSet<CodeId> {
        super::themes::theme_codes(p, theme).into_iter().map(|(c, _)| c).collect()
    }
}

/// The extracts of `code`, in document order and then text order.
pub fn extracts(p: &Project, code: CodeId, filter: &Filter) -> Vec<Extract> {
    let codes: BTreeSet<CodeId> =
        if filter.include_children { p.code_subtree(code).into_iter().collect() } else { BTreeSet::from([code]) };
    query(
        p,
        &Query {
            codes: Some(codes),
            docs: None,
            group: filter.group.clone(),
            attribute: filter.attribute.clone(),
            coders: filter.coders.clone(),
        },
    )
}

/// The extracts a query chooses, in document order and then text order.
pub fn query(p: &Project, q: &Query) -> Vec<Extract> {
    let mut builder = ExtractBuilder::new(p, &q.coders);
    if q.docs.as_ref().is_none_or(|d| d.len() > 1) {
        builder.load_all();
    }
    let mut out = Vec::new();
    for doc in p.documents.values() {
        if q.docs.as_ref().is_some_and(|d| !d.contains(&doc.id)) {
            continue;
        }
        let chosen: Vec<_> = builder
            .merged(doc.id)
            .iter()
            .filter(|m| q.codes.as_ref().is_none_or(|c| c.contains(&m.code)))
            .cloned()
            .collect();
        for m in chosen {
            let Some(e) = builder.build(doc.id, &m, &CountsFor::Everyone) else { continue };
            if let Some(group) = &q.group
                && !e.counted(p).any(|x| name_key(x.group()) == name_key(group))
            {
                continue;
            }
            if let Some((name, value)) = &q.attribute
                && !e.counted(p).any(|x| x.attribute(name).is_some_and(|v| name_key(v) == name_key(value)))
            {
                continue;
            }
            out.push(e);
        }
    }
    out
}

/// The span widened to whole lines (paragraphs), plus `extra` more lines on each side: the
/// context a reader needs to judge an extract.
pub fn context_span(text: &str, span: Span, extra: usize) -> Span {
    let index = TextIndex::new(text);
    let start_b = index.byte_of(text, span.start);
    let end_b = index.byte_of(text, span.end);
    let mut start = text[..start_b].rfind('\n').map_or(0, |i| i + 1);
    for _ in 0..extra {
        if start == 0 {
            break;
        }
        start = text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
    }
    let mut end = text[end_b..].find('\n').map_or(text.len(), |i| end_b + i);
    for _ in 0..extra {
        if end >= text.len() {
            break;
        }
        end = text[end + 1..].find('\n').map_or(text.len(), |i| end + 1 + i);
    }
    Span { start: index.char_of(text, start), end: index.char_of(text, end) }
}

/// Every participant group in use, sorted.
pub fn groups(p: &Project) -> Vec<String> {
    let set: BTreeSet<String> =
        p.participants.values().map(|x| x.group().to_string()).filter(|g| !g.trim().is_empty()).collect();
    set.into_iter().collect()
}

/// Every participant attribute with the values it takes, for filter menus.
pub fn attributes(p: &Project) -> BTreeMap<String, BTreeSet<String>> {
    let mut m: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for x in p.participants.values() {
        for (k, v) in &x.props.attributes {
            if !v.trim().is_empty() {
                m.entry(k.clone()).or_default().insert(v.clone());
            }
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::Edit;

    /// A two-speaker interview in Norwegian with two codes, one nested.
    fn project() -> Result<(Project, CodeId, CodeId), crate::edit::EditError> {
        let mut p = Project::new("t");
        let coder = p.new_coder("Åse");
        let coder_id = coder.id;
        p.apply(Edit::AddCoder { coder, index: None })?;
        let mut j1 = Participant::new(ParticipantId::from_u128(1), "J1", "Jobbsøker");
        j1.props.attributes.insert("site".into(), "Sørvik".into());
        p.apply(Edit::AddParticipant { participant: j1, index: None })?;
        let text = "I: Hvordan gikk møtet?\nJ1: Det gikk bra 😀, vi snakket om jobb.\nI: Og så?\n";
        let mut d = Document::new(DocId::from_u128(1), "J1", DocKind::Interview, text);
        d.turns = vec![
            Turn { span: Span::new(0, 23), speaker: "I".into(), participant: None, start_ms: None, end_ms: None },
            Turn {
                span: Span::new(23, 63),
                speaker: "J1".into(),
                participant: Some(ParticipantId::from_u128(1)),
                start_ms: None,
                end_ms: None,
            },
        ];
        p.apply(Edit::AddDocument { document: Box::new(d), index: None })?;
        let parent = Code::new(CodeId::from_u128(1), "Møter", PALETTE[0]);
        let mut child = Code::new(CodeId::from_u128(2), "Gode møter", PALETTE[1]);
        child.parent = Some(parent.id);
        let (pid, cid) = (parent.id, child.id);
        p.apply(Edit::CreateCode { code: parent, index: None })?;
        p.apply(Edit::CreateCode { code: child, index: None })?;
        let coding = |n: u128, code, a, b| Coding {
            id: CodingId::from_u128(n),
            doc: DocId::from_u128(1),
            span: Span::new(a, b),
            code,
            coder: coder_id,
            created: chrono::Utc::now(),
            comment: String::new(),
        };
        p.apply(Edit::AddCoding { coding: coding(1, cid, 27, 41) })?;
        p.apply(Edit::AddCoding { coding: coding(2, pid, 3, 21) })?;
        Ok((p, pid, cid))
    }

    #[test]
    fn extracts_with_children_speaker_and_filters() -> Result<(), crate::edit::EditError> {
        let (p, parent, _) = project()?;
        let own = extracts(&p, parent, &Filter::default());
        assert_eq!(own.len(), 1);
        assert_eq!(own[0].text(), "Hvordan gikk møtet");
        assert_eq!(own[0].parts[0].speaker.as_deref(), Some("I"));
        let all = extracts(&p, parent, &Filter { include_children: true, ..Default::default() });
        assert_eq!(all.iter().map(|e| e.text()).collect::<Vec<_>>(), ["Hvordan gikk møtet", "Det gikk bra 😀"]);
        let group = Filter { include_children: true, group: Some("jobbsøker".into()), ..Default::default() };
        let by_group = extracts(&p, parent, &group);
        assert_eq!(by_group.len(), 1);
        assert_eq!(by_group[0].participant(&p).map(|x| x.id), Some(ParticipantId::from_u128(1)));
        let site = |v: &str| Filter {
            include_children: true,
            attribute: Some(("site".into(), v.into())),
            ..Default::default()
        };
        assert_eq!(extracts(&p, parent, &site("Sørvik")).len(), 1);
        assert_eq!(extracts(&p, parent, &site("Nordby")).len(), 0);
        assert_eq!(groups(&p), ["Jobbsøker"]);
        assert_eq!(attributes(&p).get("site").map(|s| s.len()), Some(1));
        Ok(())
    }

    #[test]
    fn context_widens_to_lines() {
        let text = "én\nto 😀 tre\nfire\nfem";
        // "😀" is char 6.
        let s = context_span(text, Span::new(6, 7), 0);
        assert_eq!(crate::model::text::slice(text, s), Some("to 😀 tre"));
        let s = context_span(text, Span::new(6, 7), 1);
        assert_eq!(crate::model::text::slice(text, s), Some("én\nto 😀 tre\nfire"));
        let s = context_span(text, Span::new(0, 1), 5);
        assert_eq!(crate::model::text::slice(text, s), Some(text));
    }
}
