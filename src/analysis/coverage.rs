//! How much of a document is coded: the navigator's coding progress.

use crate::model::*;

/// Fraction of a document's characters inside at least one coding (of one coder, or of
/// anyone when `coder` is `None`).
pub fn coverage(p: &Project, doc: DocId, coder: Option<CoderId>) -> f32 {
    let Some(d) = p.documents.get(&doc) else { return 0.0 };
    if d.char_len == 0 {
        return 0.0;
    }
    let mut spans: Vec<Span> =
        p.codings_of_doc(doc).filter(|c| coder.is_none_or(|k| k == c.coder)).map(|c| c.span).collect();
    spans.sort();
    let mut covered = 0;
    let mut cur: Option<Span> = None;
    for s in spans {
        match &mut cur {
            Some(c) if s.start <= c.end => c.end = c.end.max(s.end),
            _ => {
                if let Some(c) = cur {
                    covered += c.len();
                }
                cur = Some(s);
            }
        }
    }
    if let Some(c) = cur {
        covered += c.len();
    }
    covered as f32 / d.char_len as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::Edit;

    #[test]
    fn overlapping_codings_count_once() -> Result<(), crate::edit::EditError> {
        let mut p = Project::new("t");
        let coder = p.new_coder("a");
        let k = coder.id;
        p.apply(Edit::AddCoder { coder, index: None })?;
        let d = Document::new(DocId::from_u128(1), "d", DocKind::Other, "æøå ".repeat(25));
        let doc = d.id;
        p.apply(Edit::AddDocument { document: Box::new(d), index: None })?;
        for (n, name) in ["a", "b"].iter().enumerate() {
            p.apply(Edit::CreateCode {
                code: Code::new(CodeId::from_u128(n as u128), *name, PALETTE[n]),
                index: None,
            })?;
        }
        for (n, (code, a, b)) in [(0, 0, 20), (1, 10, 30), (0, 50, 60)].into_iter().enumerate() {
            let coding = Coding {
                id: CodingId::from_u128(n as u128),
                doc,
                span: Span::new(a, b),
                code: CodeId::from_u128(code),
                coder: k,
                created: chrono::Utc::now(),
                comment: String::new(),
            };
            p.apply(Edit::AddCoding { coding })?;
        }
        assert!((coverage(&p, doc, None) - 0.4).abs() < 1e-6);
        assert!((coverage(&p, doc, Some(CoderId::from_u128(9))) - 0.0).abs() < 1e-6);
        Ok(())
    }
}
