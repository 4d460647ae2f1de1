//! CSV: one row per quote, or one row per code — for spreadsheets, R and other tools.
//!
//! UTF-8 with a byte-order mark, so Excel reads æ, ø, å and emoji right; every field quoted
//! only when it needs to be (RFC 4180, as the csv crate writes it).

use super::build::{code_counts, code_order, examples, extract_info, quotes_in_scope, themes_of_code};
use super::{Audience, ExportError, Kind, Options, Summary, step};
use crate::export::escape::{csv_writer, write_row};
use crate::model::*;
use crate::progress::Progress;
use crate::quotes::{self, Attributor, Placement};

/// The columns of the quotes CSV before the participant attributes (one column each, named
/// by the attribute) and after them.
pub const QUOTE_COLUMNS: [&str; 12] = [
    "theme",
    "theme_path",
    "order",
    "quote_id",
    "document",
    "document_kind",
    "start",
    "end",
    "participants",
    "attribution",
    "groups",
    "code",
];
pub const QUOTE_TEXT_COLUMNS: [&str; 8] =
    ["text", "display_text", "translation", "starred", "words", "translation_words", "placement", "note"];

pub const CODEBOOK_COLUMNS: [&str; 17] = [
    "code",
    "path",
    "parent",
    "level",
    "colour",
    "definition",
    "inclusion",
    "exclusion",
    "example",
    "extracts",
    "documents",
    "participants",
    "themes",
    "example_extract_1",
    "example_attribution_1",
    "example_extract_2",
    "example_attribution_2",
];

pub(crate) fn finish(w: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, ExportError> {
    w.into_inner().map_err(|e| ExportError::format("CSV", e.error()))
}

/// The columns of the paper's quotes CSV: what the paper prints, nothing else.
pub const PAPER_QUOTE_COLUMNS: [&str; 6] = ["theme", "theme_path", "order", "quote", "translation", "attribution"];

/// The columns of the paper's codebook CSV (no counts, colours or levels).
pub const PAPER_CODEBOOK_COLUMNS: [&str; 11] = [
    "code",
    "path",
    "definition",
    "inclusion",
    "exclusion",
    "example",
    "themes",
    "example_extract_1",
    "example_attribution_1",
    "example_extract_2",
    "example_attribution_2",
];

/// Attribute names over all participants, in the order they first appear.
fn attribute_names(p: &Project) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for x in p.participants.values() {
        for k in x.props.attributes.keys() {
            if !names.contains(k) {
                names.push(k.clone());
            }
        }
    }
    names
}

/// Distinct values, in order, joined by `; `.
fn join_distinct<'a>(values: impl Iterator<Item = &'a str>) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for v in values {
        if !v.is_empty() && !seen.contains(&v) {
            seen.push(v);
        }
    }
    seen.join("; ")
}

pub fn quotes(
    p: &Project,
    kind: Kind,
    options: &Options,
    progress: &Progress,
) -> Result<(Vec<u8>, Summary), ExportError> {
    let root = match kind {
        Kind::Quotes { theme } => theme,
        _ => None,
    };
    let attributor = Attributor::new(p);
    let attributes = attribute_names(p);
    let working = options.audience == Audience::Working;
    let mut w = csv_writer();
    let header: Vec<&str> = if working {
        QUOTE_COLUMNS
            .iter()
            .copied()
            .chain(attributes.iter().map(String::as_str))
            .chain(QUOTE_TEXT_COLUMNS.iter().copied())
            .collect()
    } else {
        PAPER_QUOTE_COLUMNS.to_vec()
    };
    write_row(&mut w, &header)?;
    let mut summary = Summary::default();
    for (theme_id, _) in quotes::theme_outline(p, root, options.include_parked) {
        step(progress)?;
        let Some(theme) = p.themes.get(&theme_id) else { continue };
        summary.themes += 1;
        let path = quotes::theme_path(p, theme_id);
        for (order, q) in quotes_in_scope(p, theme_id, &options.coders).into_iter().enumerate() {
            step(progress)?;
            let info = quotes::describe(p, &attributor, q)?;
            summary.quotes += 1;
            if !working {
                let marks = super::QuoteMarks::for_language(p.settings.language);
                write_row(
                    &mut w,
                    [
                        theme.name().to_string(),
                        path.clone(),
                        (order + 1).to_string(),
                        marks.inner(info.display.trim()),
                        info.translation.as_deref().map(|t| marks.inner(t.trim())).unwrap_or_default(),
                        info.attribution.label.clone(),
                    ],
                )?;
                continue;
            }
            let doc = p.documents.get(&q.doc);
            let people: Vec<&Participant> =
                info.attribution.speakers.iter().filter_map(|id| p.participants.get(id)).collect();
            let code = q.coding.and_then(|c| p.codings.get(&c)).map(|c| p.code_path(c.code)).unwrap_or_default();
            let mut row: Vec<String> = vec![
                theme.name().to_string(),
                path.clone(),
                (order + 1).to_string(),
                q.id.to_string(),
                doc.map(|d| d.name().to_string()).unwrap_or_default(),
                doc.map(|d| d.kind().slug().to_string()).unwrap_or_default(),
                q.props.span.start.to_string(),
                q.props.span.end.to_string(),
                join_distinct(people.iter().map(|x| x.label())),
                info.attribution.label.clone(),
                join_distinct(people.iter().map(|x| x.group())),
                code,
            ];
            for a in &attributes {
                row.push(join_distinct(people.iter().filter_map(|x| x.props.attributes.get(a)).map(String::as_str)));
            }
            row.extend([
                info.source.clone(),
                info.display.trim().to_string(),
                info.translation.clone().unwrap_or_default(),
                if info.starred { "yes" } else { "no" }.to_string(),
                info.words.to_string(),
                info.translation_words.to_string(),
                match info.placement {
                    Placement::Inline => "inline",
                    Placement::Block => "block",
                }
                .to_string(),
                info.note.clone(),
            ]);
            write_row(&mut w, &row)?;
        }
    }
    Ok((finish(w)?, summary))
}

pub fn codebook(p: &Project, options: &Options, progress: &Progress) -> Result<(Vec<u8>, Summary), ExportError> {
    let attributor = Attributor::new(p);
    let (counts, by_code) = code_counts(p, &options.coders);
    let working = options.audience == Audience::Working;
    let mut w = csv_writer();
    write_row(&mut w, if working { &CODEBOOK_COLUMNS[..] } else { &PAPER_CODEBOOK_COLUMNS[..] })?;
    let mut summary = Summary::default();
    for id in code_order(p) {
        step(progress)?;
        let Some(code) = p.codes.get(&id) else { continue };
        summary.codes += 1;
        let c = counts.get(&id).cloned().unwrap_or_default();
        let d = &code.props.description;
        let mut row = if working {
            vec![
                code.name().to_string(),
                p.code_path(id),
                code.parent.and_then(|x| p.codes.get(&x)).map(|x| x.name().to_string()).unwrap_or_default(),
                (p.code_depth(id) + 1).to_string(),
                code.props.colour.to_hex(),
                d.definition.clone(),
                d.inclusion.clone(),
                d.exclusion.clone(),
                d.example.clone(),
                c.extracts.to_string(),
                c.documents.to_string(),
                c.participants.to_string(),
                themes_of_code(p, id).join("; "),
            ]
        } else {
            vec![
                code.name().to_string(),
                p.code_path(id),
                d.definition.clone(),
                d.inclusion.clone(),
                d.exclusion.clone(),
                d.example.clone(),
                themes_of_code(p, id).join("; "),
            ]
        };
        let list = by_code.get(&id).map(Vec::as_slice).unwrap_or(&[]);
        let picked = examples(list, options.examples_per_code.min(2));
        for i in 0..2 {
            match picked.get(i) {
                Some(e) => {
                    let info = extract_info(p, &attributor, e)?;
                    row.push(info.display.trim().to_string());
                    row.push(info.attribution.label);
                }
                None => row.extend([String::new(), String::new()]),
            }
        }
        write_row(&mut w, &row)?;
    }
    Ok((finish(w)?, summary))
}
