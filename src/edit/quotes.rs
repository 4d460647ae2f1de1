//! Quote planners: which theme a new quote belongs to and the edit that makes it. The display
//! edits of a quote (cuts, words in brackets) keep their invariant in
//! [`QuoteProps`](crate::model::QuoteProps)'s own methods.

use super::plan::one_edit;
use super::{Edit, EditError};
use crate::model::*;

/// The themes a quote of a coding of `code` can go to: those holding the code or one above it
/// in the codebook, in reading order (main theme, then its subthemes).
pub fn themes_for_code(p: &Project, code: CodeId) -> Vec<ThemeId> {
    crate::quotes::theme_outline(p, None, true)
        .into_iter()
        .filter(|(t, _)| p.themes.get(t).is_some_and(|t| t.codes.iter().any(|c| p.code_subtree(*c).contains(&code))))
        .map(|(t, _)| t)
        .collect()
}

/// Where a new quote goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuoteHome<'a> {
    Theme(ThemeId),
    /// A new theme of this name, made in the same step (the first quote of a study).
    NewTheme(&'a str),
}

/// A quote of `props.span` in `doc`, at the end of its theme's quotes. It remembers `coding`,
/// else the coding of the theme's codes (or any coding) that holds the passage.
pub fn plan_quote(
    p: &Project,
    doc: DocId,
    coding: Option<CodingId>,
    props: QuoteProps,
    home: QuoteHome<'_>,
) -> Result<(QuoteId, Edit), EditError> {
    let (theme, create) = match home {
        QuoteHome::Theme(t) if p.themes.contains_key(&t) => (t, None),
        QuoteHome::Theme(t) => return Err(EditError::unknown("theme", t)),
        QuoteHome::NewTheme(name) => {
            super::apply::check_name("theme", name, p.themes.values().map(|t| t.name()))?;
            let t = Theme::new(ThemeId::new(), name.trim());
            (t.id, Some(t))
        }
    };
    let coding = coding.or_else(|| crate::quotes::source_coding(p, theme, doc, props.span));
    let quote = Quote { id: QuoteId::new(), theme, doc, coding, props };
    let id = quote.id;
    let label = create.as_ref().map(|t| format!("Make a quote for the new theme “{}”", t.name())).unwrap_or_default();
    let mut edits: Vec<Edit> = create.into_iter().map(|theme| Edit::CreateTheme { theme, index: None }).collect();
    edits.push(Edit::AddQuote { quote, index: None });
    Ok((id, one_edit(label, edits)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::{CodeRef, CoderRef, plan_coding};

    #[test]
    fn a_quote_finds_its_coding_or_makes_its_theme() -> Result<(), Box<dyn std::error::Error>> {
        let mut p = Project::new("t");
        let d = Document::new(DocId::from_u128(1), "J1", DocKind::Interview, "J1: Jeg følte meg sett.\n");
        p.apply(Edit::AddDocument { document: Box::new(d), index: None })?;
        let (parent, child) = (CodeId::from_u128(2), CodeId::from_u128(3));
        p.apply(Edit::CreateCode { code: Code::new(parent, "Seen", PALETTE[0]), index: None })?;
        let mut c = Code::new(child, "Seen late", PALETTE[1]);
        c.parent = Some(parent);
        p.apply(Edit::CreateCode { code: c, index: None })?;
        let (doc, coder) = (DocId::from_u128(1), CoderRef::Name("Ingrid"));
        let plan = plan_coding(&p, doc, Span::new(4, 23), CodeRef::Id(child), coder, "")?;
        p.apply(plan.edit)?;
        assert!(themes_for_code(&p, child).is_empty());
        let props = QuoteProps { span: Span::new(8, 20), ..Default::default() };
        let blank = plan_quote(&p, DocId::from_u128(1), None, props.clone(), QuoteHome::NewTheme(" "));
        assert_eq!(blank.err(), Some(EditError::EmptyName { kind: "theme" }));
        let (q, edit) = plan_quote(&p, DocId::from_u128(1), None, props.clone(), QuoteHome::NewTheme("Being seen"))?;
        p.apply(edit)?;
        let quote = p.quotes.get(&q).ok_or("made")?;
        assert_eq!(quote.coding, None, "a new theme has no codes to find a coding by");
        let theme = quote.theme;
        p.apply(Edit::SetThemeCodes { id: theme, codes: vec![parent] })?;
        assert_eq!(themes_for_code(&p, child), vec![theme], "a theme holding the parent code");
        let clash = plan_quote(&p, DocId::from_u128(1), None, props.clone(), QuoteHome::NewTheme("being SEEN"));
        assert!(matches!(clash, Err(EditError::DuplicateName { .. })));
        let (q, edit) = plan_quote(&p, DocId::from_u128(1), None, props, QuoteHome::Theme(theme))?;
        assert!(matches!(edit, Edit::AddQuote { .. }));
        p.apply(edit)?;
        let quote = p.quotes.get(&q).ok_or("made")?;
        assert_eq!(quote.coding, Some(plan.coding), "the coding of the theme's codes holding the passage");
        let ghost = plan_quote(&p, DocId::from_u128(1), None, QuoteProps::default(), QuoteHome::Theme(ThemeId::new()));
        assert!(matches!(ghost, Err(EditError::Unknown { kind: "theme", .. })));
        Ok(())
    }
}
