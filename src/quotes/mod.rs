//! Quotes for the paper: display text with its edit marks, word count, inline or block
//! placement, and attribution labels. Pure functions over a [`Project`]; the app's Quotes
//! view and every export read quotes through [`QuoteInfo`].

pub mod attribution;
pub mod display;

pub use attribution::{Attribution, Attributor};
pub use display::{CUT_MARK, OutOfRange, QuoteText, Segment, SegmentKind};

use crate::model::*;

/// Where a quote goes in the running text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Placement {
    /// In quotation marks inside a paragraph.
    Inline,
    /// Set off as an indented block, without quotation marks.
    Block,
}

impl Placement {
    /// Block for `threshold` words or more (APA: 40), inline below.
    pub fn for_words(words: usize, threshold: usize) -> Self {
        if words >= threshold.max(1) { Placement::Block } else { Placement::Inline }
    }
}

/// Everything a view or an export shows about a quote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuoteInfo {
    pub id: QuoteId,
    pub theme: ThemeId,
    pub doc: DocId,
    /// The display text as segments, each tied to its source.
    pub text: QuoteText,
    /// The display text as one string, edit marks included.
    pub display: String,
    /// The source passage, unedited.
    pub source: String,
    /// Words of the display text.
    pub words: usize,
    /// The translation, when there is one (trimmed).
    pub translation: Option<String>,
    pub translation_words: usize,
    /// Inline or block, judged on the text the paper shows: the translation when there is
    /// one, else the display text.
    pub placement: Placement,
    pub attribution: Attribution,
    pub starred: bool,
    pub note: String,
}

impl QuoteInfo {
    /// The text a paper shows: the translation when there is one, else the display text.
    pub fn paper_text(&self) -> &str {
        self.translation.as_deref().unwrap_or(&self.display)
    }
}

/// Describes one quote with an attributor made for its project.
pub fn describe(p: &Project, attributor: &Attributor<'_>, q: &Quote) -> Result<QuoteInfo, OutOfRange> {
    let Some(doc) = p.documents.get(&q.doc) else {
        return Err(OutOfRange { doc: q.doc.to_string(), span: q.props.span });
    };
    let mut text = QuoteText::new(doc, &q.props)?;
    let attribution = attributor.quote(doc, &text);
    relabel(p, attributor, doc, &mut text);
    let display = text.display();
    let words = count_words(&display);
    let translation = Some(q.props.translation.trim()).filter(|t| !t.is_empty()).map(str::to_string);
    let translation_words = translation.as_deref().map(count_words).unwrap_or(0);
    let shown_words = if translation.is_some() { translation_words } else { words };
    Ok(QuoteInfo {
        id: q.id,
        theme: q.theme,
        doc: q.doc,
        source: doc.slice(q.props.span).unwrap_or_default().to_string(),
        attribution,
        text,
        display,
        words,
        translation,
        translation_words,
        placement: Placement::for_words(shown_words, p.settings.quotes.block_words),
        starred: q.props.starred,
        note: q.props.note.clone(),
    })
}

/// Puts the participants' labels in place of the names the transcript writes at the start
/// of turns inside a quote (see [`QuoteText::relabel_turns`]).
pub fn relabel(p: &Project, attributor: &Attributor<'_>, doc: &Document, text: &mut QuoteText) {
    text.relabel_turns(doc, |turn| {
        let x = p.participants.get(&turn.participant?)?;
        Some(attributor.participant_label(x, Some(doc)))
    });
}

/// Describes one quote (makes an attributor; use [`describe`] for many).
pub fn describe_one(p: &Project, q: &Quote) -> Result<QuoteInfo, OutOfRange> {
    describe(p, &Attributor::new(p), q)
}

/// The quotes of a theme, in their order.
pub fn quotes_of(p: &Project, theme: ThemeId) -> impl Iterator<Item = &Quote> {
    p.quotes.values().filter(move |q| q.theme == theme)
}

/// Themes in reading order: each main theme followed by its subthemes (depth first, in the
/// order of the themes list), with their depth (0 for a main theme). `root` limits the
/// outline to one theme and what lies below it; parked themes are left out unless asked for.
pub fn theme_outline(p: &Project, root: Option<ThemeId>, include_parked: bool) -> Vec<(ThemeId, usize)> {
    fn walk(p: &Project, parent: Option<ThemeId>, depth: usize, parked: bool, out: &mut Vec<(ThemeId, usize)>) {
        if depth > p.themes.len() {
            return; // a cycle in a damaged file
        }
        for t in p.theme_children(parent) {
            if t.status() == ThemeStatus::Parked && !parked {
                continue;
            }
            out.push((t.id, depth));
            walk(p, Some(t.id), depth + 1, parked, out);
        }
    }
    let mut out = Vec::new();
    match root {
        Some(id) => {
            if p.themes.contains_key(&id) {
                out.push((id, 0));
                walk(p, Some(id), 1, include_parked, &mut out);
            }
        }
        None => walk(p, None, 0, include_parked, &mut out),
    }
    out
}

/// `Main theme / Subtheme` path of a theme.
pub fn theme_path(p: &Project, id: ThemeId) -> String {
    let mut parts = Vec::new();
    let mut cur = p.themes.get(&id);
    while let Some(t) = cur {
        parts.push(t.name());
        if parts.len() > p.themes.len() {
            break;
        }
        cur = t.parent.and_then(|id| p.themes.get(&id));
    }
    parts.reverse();
    parts.join(" / ")
}

/// The coding a new quote of `theme` over `span` should name: a coding of one of the
/// theme's codes (or the codes below them) whose passage holds the quote, if there is one.
pub fn source_coding(p: &Project, theme: ThemeId, doc: DocId, span: Span) -> Option<CodingId> {
    let t = p.themes.get(&theme)?;
    let codes: Vec<CodeId> = t.codes.iter().flat_map(|c| p.code_subtree(*c)).collect();
    let holds = |c: &&Coding| c.doc == doc && c.span.contains_span(&span);
    p.codings
        .values()
        .filter(holds)
        .find(|c| codes.contains(&c.code))
        .or_else(|| p.codings.values().find(holds))
        .map(|c| c.id)
}
