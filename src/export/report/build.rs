//! Builds the format-neutral document of each export from the project.

use super::doc::{Block, Doc, Piece, QuoteBlock, QuoteMarks, trim_pieces};
use super::{Audience, ExportError, Kind, Options, Summary, Translations, step};
use crate::analysis::CoderScope;
use crate::analysis::extract::Extract;
use crate::analysis::retrieval::{Query, query};
use crate::analysis::scope::quote_in_scope;
use crate::model::*;
use crate::progress::Progress;
use crate::quotes::{self, Attributor, Placement, QuoteInfo, QuoteText};
use std::collections::{BTreeSet, HashMap};

/// How many steps an export counts (themes and quotes, or codes).
pub fn steps(p: &Project, kind: Kind, options: &Options) -> usize {
    match kind {
        Kind::Quotes { theme } => {
            let outline = quotes::theme_outline(p, theme, options.include_parked);
            outline.len() + outline.iter().map(|(t, _)| quotes_in_scope(p, *t, &options.coders).len()).sum::<usize>()
        }
        Kind::Report => {
            let outline = quotes::theme_outline(p, None, options.include_parked);
            outline.len() + outline.iter().map(|(t, _)| quotes_in_scope(p, *t, &options.coders).len()).sum::<usize>()
        }
        Kind::Codebook => p.codes.len(),
    }
}

/// A theme's quotes (in their order) that belong to the coder scope: every quote with all
/// coders, else those that come from an extract of the chosen coders
/// ([`quote_in_scope`]).
pub fn quotes_in_scope<'p>(p: &'p Project, theme: ThemeId, coders: &CoderScope) -> Vec<&'p Quote> {
    quotes::quotes_of(p, theme).filter(|q| quote_in_scope(p, q, coders)).collect()
}

/// The subtitle of an export, naming the coders when they are not everyone.
fn with_coders(p: &Project, subtitle: String, coders: &CoderScope) -> String {
    if coders.is_all() { subtitle } else { format!("{subtitle} (coded by {})", coders.label(p)) }
}

pub fn build(p: &Project, kind: Kind, options: &Options, progress: &Progress) -> Result<(Doc, Summary), ExportError> {
    match kind {
        Kind::Quotes { theme } => themes_doc(p, theme, false, options, progress),
        Kind::Report => themes_doc(p, None, true, options, progress),
        Kind::Codebook => codebook_doc(p, options, progress),
    }
}

/// The pieces of a quote's display text: source words and marks.
pub fn display_pieces(text: &QuoteText) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    for s in &text.segments {
        if s.space_before {
            push(&mut out, " ", false);
        }
        push(&mut out, &s.text, s.is_edit());
        if s.space_after {
            push(&mut out, " ", false);
        }
    }
    out
}

fn push(out: &mut Vec<Piece>, text: &str, mark: bool) {
    match out.last_mut() {
        Some(last) if last.mark == mark && !mark => last.text.push_str(text),
        _ => out.push(Piece { text: text.to_string(), mark }),
    }
}

/// Pieces with the quotation marks inside them turned into the inner marks.
fn inner(marks: &QuoteMarks, pieces: Vec<Piece>) -> Vec<Piece> {
    pieces.into_iter().map(|p| Piece { text: marks.inner(&p.text), mark: p.mark }).collect()
}

/// A quote as the paper shows it under the chosen handling of translations, with the
/// quotation marks inside it turned into the language's inner marks.
pub fn quote_block(info: &QuoteInfo, options: &Options, block_words: usize, marks: &QuoteMarks) -> QuoteBlock {
    let original = inner(marks, display_pieces(&info.text));
    let translation = info.translation.as_ref().filter(|_| options.translations != Translations::Hide);
    let (pieces, original, words) = match translation {
        Some(t) => {
            let shown = vec![Piece { text: marks.inner(t), mark: false }];
            let original = (options.translations == Translations::Both).then(|| trim_pieces(original));
            (shown, original, info.translation_words)
        }
        None => (original, None, info.words),
    };
    QuoteBlock {
        placement: Placement::for_words(words, block_words),
        pieces: trim_pieces(pieces),
        attribution: info.attribution.label.clone(),
        original,
    }
}

fn themes_doc(
    p: &Project,
    root: Option<ThemeId>,
    report: bool,
    options: &Options,
    progress: &Progress,
) -> Result<(Doc, Summary), ExportError> {
    let attributor = Attributor::new(p);
    let block_words = p.settings.quotes.block_words;
    let marks = QuoteMarks::for_language(p.settings.language);
    let working = options.audience == Audience::Working;
    let mut outline = quotes::theme_outline(p, root, options.include_parked);
    if !working {
        outline = with_quotes(p, &outline, &options.coders);
    }
    let mut doc = Doc {
        title: p.settings.name.clone(),
        marks,
        subtitle: with_coders(
            p,
            match (report, root.and_then(|t| p.themes.get(&t))) {
                (true, _) => "Results".into(),
                (false, Some(t)) => format!("Quotes: {}", t.name()),
                (false, None) => "Quotes by theme".into(),
            },
            &options.coders,
        ),
        blocks: Vec::new(),
    };
    let mut summary = Summary::default();
    for (id, depth) in outline {
        step(progress)?;
        let Some(theme) = p.themes.get(&id) else { continue };
        summary.themes += 1;
        doc.blocks.push(Block::Heading { level: (depth + 1).min(3), text: theme.name().to_string() });
        let def = &theme.props.definition;
        if report {
            if !def.concept.trim().is_empty() {
                doc.blocks.push(Block::Para {
                    label: Some("Central organising concept:".into()),
                    text: def.concept.trim().to_string(),
                });
            }
            if !def.scope.trim().is_empty() {
                doc.blocks.push(Block::Para { label: Some("Scope:".into()), text: def.scope.trim().to_string() });
            }
        } else if working {
            let status = theme.status().label();
            let count = quotes_in_scope(p, id, &options.coders).len();
            let mut note = format!("{status} theme · {count} {}", if count == 1 { "quote" } else { "quotes" });
            if !def.concept.trim().is_empty() {
                note = format!("{} — {note}", def.concept.trim());
            }
            doc.blocks.push(Block::Note(note));
        }
        for q in quotes_in_scope(p, id, &options.coders) {
            step(progress)?;
            let info = quotes::describe(p, &attributor, q)?;
            summary.quotes += 1;
            doc.blocks.push(Block::Quote(quote_block(&info, options, block_words, &marks)));
            if working && !report {
                doc.blocks.push(Block::Note(source_note(p, q, &info)));
            }
        }
    }
    Ok((doc, summary))
}

/// The themes of an outline that have quotes, themselves or in a subtheme below them: the
/// paper leaves out a theme it has nothing to show for.
fn with_quotes(p: &Project, outline: &[(ThemeId, usize)], coders: &CoderScope) -> Vec<(ThemeId, usize)> {
    let own: Vec<bool> = outline.iter().map(|(t, _)| !quotes_in_scope(p, *t, coders).is_empty()).collect();
    outline
        .iter()
        .enumerate()
        .filter(|(i, (_, depth))| {
            let below = outline[i + 1..].iter().take_while(|(_, d)| d > depth).count();
            own[*i..=*i + below].iter().any(|x| *x)
        })
        .map(|(_, x)| *x)
        .collect()
}

/// Where a quote comes from, for the quotes export: `Interview J1, characters 120–188 ·
/// 52 words · block · starred · note`.
fn source_note(p: &Project, q: &Quote, info: &QuoteInfo) -> String {
    let doc = p.documents.get(&q.doc);
    let mut parts = vec![format!(
        "{} {}, characters {}–{}",
        doc.map(|d| d.kind().label()).unwrap_or("Document"),
        doc.map(|d| d.name()).unwrap_or("?"),
        q.props.span.start,
        q.props.span.end
    )];
    let words = if info.translation.is_some() {
        format!("{} words ({} translated)", info.words, info.translation_words)
    } else {
        format!("{} words", info.words)
    };
    parts.push(words);
    parts.push(match info.placement {
        Placement::Inline => "inline".into(),
        Placement::Block => "block".into(),
    });
    if info.starred {
        parts.push("★ strongest".into());
    }
    if !info.note.trim().is_empty() {
        parts.push(format!("Note: {}", info.note.trim()));
    }
    parts.join(" · ")
}

/// Counts of a code's own extracts (not its child codes') in a coder scope.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CodeCounts {
    /// Extracts: codings of the code on overlapping text are one, whoever made them
    /// (`analysis::scope::merge`).
    pub extracts: usize,
    pub documents: usize,
    /// Participants (not interviewers) who speak in them, by the one attribution rule.
    pub participants: usize,
}

/// Counts for every code in a coder scope, and each code's extracts in document order and
/// then text order.
pub fn code_counts(p: &Project, coders: &CoderScope) -> (HashMap<CodeId, CodeCounts>, HashMap<CodeId, Vec<Extract>>) {
    let mut by_code: HashMap<CodeId, Vec<Extract>> = HashMap::new();
    for e in query(p, &Query { coders: coders.clone(), ..Default::default() }) {
        by_code.entry(e.code).or_default().push(e);
    }
    let mut counts = HashMap::new();
    for (code, list) in &by_code {
        let docs: BTreeSet<DocId> = list.iter().map(|e| e.doc).collect();
        let people: BTreeSet<ParticipantId> = list.iter().flat_map(|e| e.counted(p)).map(|x| x.id).collect();
        counts.insert(*code, CodeCounts { extracts: list.len(), documents: docs.len(), participants: people.len() });
    }
    (counts, by_code)
}

/// Up to `n` example extracts of a code, from different documents where it can, each no
/// longer than [`EXAMPLE_WORDS`] words (longer ones are cut at the end, marked `[...]`).
pub fn examples(extracts: &[Extract], n: usize) -> Vec<&Extract> {
    let mut picked: Vec<&Extract> = Vec::new();
    for e in extracts {
        if picked.len() < n && !picked.iter().any(|x| x.doc == e.doc) {
            picked.push(e);
        }
    }
    for e in extracts {
        if picked.len() < n && !picked.iter().any(|x| x.doc == e.doc && x.span == e.span) {
            picked.push(e);
        }
    }
    picked
}

pub const EXAMPLE_WORDS: usize = 80;

/// An extract as a quote (no edits), shortened to [`EXAMPLE_WORDS`] words.
pub fn extract_info(p: &Project, attributor: &Attributor<'_>, e: &Extract) -> Result<QuoteInfo, ExportError> {
    let mut props = QuoteProps { span: e.span, ..Default::default() };
    if let Some(doc) = p.documents.get(&e.doc)
        && let Some(text) = doc.slice(e.span)
    {
        // Cut after the EXAMPLE_WORDS-th word.
        let mut words = 0;
        let mut in_word = false;
        for (i, ch) in text.chars().enumerate() {
            let w = !ch.is_whitespace();
            if w && !in_word {
                words += 1;
                if words > EXAMPLE_WORDS {
                    let start = CharPos(e.span.start.get() + i);
                    props.cuts.push(Span { start, end: e.span.end });
                    break;
                }
            }
            in_word = w;
        }
    }
    let quote =
        Quote { id: QuoteId::from_u128(0), theme: ThemeId::from_u128(0), doc: e.doc, coding: Some(e.coding), props };
    Ok(quotes::describe(p, attributor, &quote)?)
}

fn codebook_doc(p: &Project, options: &Options, progress: &Progress) -> Result<(Doc, Summary), ExportError> {
    let attributor = Attributor::new(p);
    let (counts, by_code) = code_counts(p, &options.coders);
    let block_words = p.settings.quotes.block_words;
    let marks = QuoteMarks::for_language(p.settings.language);
    let working = options.audience == Audience::Working;
    let subtitle = with_coders(p, "Codebook".into(), &options.coders);
    let mut doc = Doc { title: p.settings.name.clone(), subtitle, marks, blocks: Vec::new() };
    let mut summary = Summary::default();
    for id in code_order(p) {
        step(progress)?;
        let Some(code) = p.codes.get(&id) else { continue };
        summary.codes += 1;
        let level = (p.code_depth(id) + 1).min(3);
        doc.blocks.push(Block::Heading { level, text: code.name().to_string() });
        let d = &code.props.description;
        for (label, text) in [
            ("Definition:", &d.definition),
            ("Include:", &d.inclusion),
            ("Exclude:", &d.exclusion),
            ("Example:", &d.example),
        ] {
            if !text.trim().is_empty() {
                doc.blocks.push(Block::Para { label: Some(label.into()), text: text.trim().to_string() });
            }
        }
        let c = counts.get(&id).cloned().unwrap_or_default();
        let mut note = format!(
            "{} {} in {} {} from {} {}",
            c.extracts,
            plural(c.extracts, "extract", "extracts"),
            c.documents,
            plural(c.documents, "document", "documents"),
            c.participants,
            plural(c.participants, "participant", "participants")
        );
        let themes = themes_of_code(p, id);
        if !themes.is_empty() {
            note.push_str(&format!(" · Themes: {}", themes.join(", ")));
        }
        if working {
            doc.blocks.push(Block::Note(note));
        }
        let list = by_code.get(&id).map(Vec::as_slice).unwrap_or(&[]);
        for e in examples(list, options.examples_per_code) {
            let info = extract_info(p, &attributor, e)?;
            let options = Options { translations: Translations::Hide, ..options.clone() };
            doc.blocks.push(Block::Quote(quote_block(&info, &options, block_words, &marks)));
        }
    }
    Ok((doc, summary))
}

/// Codes in codebook reading order: each code followed by the codes below it.
pub fn code_order(p: &Project) -> Vec<CodeId> {
    fn walk(p: &Project, parent: Option<CodeId>, depth: usize, out: &mut Vec<CodeId>) {
        if depth > p.codes.len() {
            return;
        }
        for c in p.code_children(parent) {
            out.push(c.id);
            walk(p, Some(c.id), depth + 1, out);
        }
    }
    let mut out = Vec::with_capacity(p.codes.len());
    walk(p, None, 0, &mut out);
    out
}

/// Names of the themes a code belongs to, in theme order.
pub fn themes_of_code(p: &Project, code: CodeId) -> Vec<String> {
    p.themes.values().filter(|t| t.codes.contains(&code)).map(|t| t.name().to_string()).collect()
}

pub fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}
