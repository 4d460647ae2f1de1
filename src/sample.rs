//! The sample study: a coded project built reproducibly from `sample-corpus/`.
//!
//! The corpus folder holds the study's files as a researcher would have them (Word, PDF,
//! WebVTT, text in two encodings...), a participants sheet, and coding plans
//! (`plan/*.json`, described in `sample-corpus/plan/SCHEMA.md`): the codebook, themes,
//! codings given as exact excerpts, quotes, memos and read marks. Building imports the files
//! with the normal import path, then turns the plans into edits. Ids are derived from names
//! and times are fixed, so the same corpus always gives the same project files.

/// The sample project's folder name, in `sample-corpus/`, in an installed Tema's
/// `share/tema/sample-corpus/`, and in the user's data folder.
pub const SAMPLE_NAME: &str = "IPS-collaboration.tema";

use crate::edit::Edit;
use crate::model::*;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A problem with the plan files: which one, and what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
}

/// One plan file; each part is optional, so a file may hold only some of them.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Plan {
    pub codes: Vec<PlanCode>,
    pub themes: Vec<PlanTheme>,
    pub codings: Vec<PlanCoding>,
    pub quotes: Vec<PlanQuote>,
    pub memos: Vec<PlanMemo>,
    pub read: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanCode {
    pub name: String,
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub definition: String,
    #[serde(default)]
    pub inclusion: String,
    #[serde(default)]
    pub exclusion: String,
    #[serde(default)]
    pub example: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanTheme {
    pub name: String,
    #[serde(default)]
    pub parent: Option<String>,
    pub status: String,
    #[serde(default)]
    pub concept: String,
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub codes: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanCoding {
    pub doc: String,
    pub code: String,
    pub coder: String,
    pub text: String,
    #[serde(default)]
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanQuote {
    pub theme: String,
    pub doc: String,
    pub text: String,
    #[serde(default)]
    pub starred: bool,
    #[serde(default)]
    pub translation: Option<String>,
    #[serde(default)]
    pub cuts: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanMemo {
    pub kind: String,
    #[serde(default)]
    pub target: Option<String>,
    pub date: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
}

/// An id derived from a name, so rebuilding the sample gives the same files.
pub fn stable_uuid(kind: &str, key: &str) -> uuid::Uuid {
    let hash = blake3::hash(format!("tema-sample\0{kind}\0{key}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&hash.as_bytes()[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// Finds an excerpt in a text, treating any run of whitespace as one space, and returns its
/// span in the text. The excerpt must occur exactly once.
pub fn find_excerpt(text: &str, excerpt: &str) -> Result<Span, String> {
    // The text with whitespace runs collapsed, and for each of its chars the char position
    // in the original text.
    let mut collapsed: Vec<char> = Vec::with_capacity(text.len());
    let mut origin: Vec<usize> = Vec::with_capacity(text.len());
    let mut in_space = false;
    for (i, c) in text.chars().enumerate() {
        if c.is_whitespace() {
            if !in_space {
                collapsed.push(' ');
                origin.push(i);
            }
            in_space = true;
        } else {
            collapsed.push(c);
            origin.push(i);
            in_space = false;
        }
    }
    let needle: Vec<char> = excerpt.split_whitespace().collect::<Vec<_>>().join(" ").chars().collect();
    if needle.is_empty() {
        return Err("the excerpt is empty".into());
    }
    let mut found = Vec::new();
    if needle.len() <= collapsed.len() {
        for start in 0..=collapsed.len() - needle.len() {
            if collapsed[start..start + needle.len()] == needle[..] {
                found.push(start);
            }
        }
    }
    match found.as_slice() {
        [start] => {
            let first = origin[*start];
            let last = origin[*start + needle.len() - 1];
            Ok(Span::new(first, last + 1))
        }
        [] => Err(format!("the excerpt does not occur in the text: {excerpt:?}")),
        many => Err(format!("the excerpt occurs {} times; make it longer so it is unique: {excerpt:?}", many.len())),
    }
}

fn date(file: &str, s: &str) -> Result<Timestamp, PlanError> {
    let d = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| PlanError::Invalid { file: file.into(), message: format!("bad date {s:?}: {e}") })?;
    Ok(d.and_hms_opt(9, 0, 0).unwrap_or_default().and_utc())
}

/// Turns coding plans into edits on a project that already holds the plan's documents.
/// `plans` are (file name, plan) pairs; codes and themes are taken from all plans first.
pub fn plan_edits(project: &Project, plans: &[(String, Plan)]) -> Result<Vec<Edit>, PlanError> {
    let mut edits = Vec::new();
    let invalid = |file: &str, message: String| PlanError::Invalid { file: file.to_string(), message };
    let base_time = date("built-in", "2026-02-01")?;

    // Coders, in order of first appearance.
    let mut coders: BTreeMap<String, CoderId> = project.coders.values().map(|c| (name_key(&c.name), c.id)).collect();
    let mut scratch = project.clone();
    for (_, plan) in plans {
        for c in &plan.codings {
            if !coders.contains_key(&name_key(&c.coder)) {
                let mut coder = scratch.new_coder(&c.coder);
                coder.id = CoderId(stable_uuid("coder", &c.coder));
                coder.colour = palette_colour(coders.len() * 5 + 2);
                coders.insert(name_key(&c.coder), coder.id);
                let e = Edit::AddCoder { coder, index: None };
                scratch.apply(e.clone()).map_err(|e| invalid("coders", e.to_string()))?;
                edits.push(e);
            }
        }
    }

    // Codes: parents before children, whatever the order in the file.
    let mut code_ids: BTreeMap<String, CodeId> = BTreeMap::new();
    let all_codes: Vec<(&str, &PlanCode)> =
        plans.iter().flat_map(|(f, p)| p.codes.iter().map(move |c| (f.as_str(), c))).collect();
    for (_, c) in &all_codes {
        code_ids.insert(name_key(&c.name), CodeId(stable_uuid("code", &c.name)));
    }
    let mut pending: Vec<(&str, &PlanCode)> = all_codes.clone();
    while !pending.is_empty() {
        let before = pending.len();
        let mut rest = Vec::new();
        for (file, c) in pending {
            let parent = match &c.parent {
                None => None,
                Some(p) => match code_ids.get(&name_key(p)) {
                    Some(id) if scratch.codes.contains_key(id) => Some(*id),
                    Some(_) => {
                        rest.push((file, c));
                        continue;
                    }
                    None => return Err(invalid(file, format!("code {:?} has an unknown parent {p:?}", c.name))),
                },
            };
            let mut code = Code::new(code_ids[&name_key(&c.name)], c.name.trim(), scratch.code_colour_under(parent));
            code.parent = parent;
            code.props.description = CodeDescription {
                definition: c.definition.clone(),
                inclusion: c.inclusion.clone(),
                exclusion: c.exclusion.clone(),
                example: c.example.clone(),
            };
            let e = Edit::CreateCode { code, index: None };
            scratch.apply(e.clone()).map_err(|e| invalid(file, format!("code {:?}: {e}", c.name)))?;
            edits.push(e);
        }
        if rest.len() == before {
            return Err(invalid("codebook", "the code parents form a cycle".into()));
        }
        pending = rest;
    }
    let code_of = |file: &str, name: &str| {
        code_ids.get(&name_key(name)).copied().ok_or_else(|| invalid(file, format!("unknown code {name:?}")))
    };

    // Themes, main themes before subthemes.
    let mut theme_ids: BTreeMap<String, ThemeId> = BTreeMap::new();
    for (_, p) in plans {
        for t in &p.themes {
            theme_ids.insert(name_key(&t.name), ThemeId(stable_uuid("theme", &t.name)));
        }
    }
    let theme_of = |file: &str, name: &str| {
        theme_ids.get(&name_key(name)).copied().ok_or_else(|| invalid(file, format!("unknown theme {name:?}")))
    };
    let mut ordered: Vec<(&str, &PlanTheme)> = Vec::new();
    for (f, p) in plans {
        ordered.extend(p.themes.iter().filter(|t| t.parent.is_none()).map(|t| (f.as_str(), t)));
    }
    for (f, p) in plans {
        ordered.extend(p.themes.iter().filter(|t| t.parent.is_some()).map(|t| (f.as_str(), t)));
    }
    for (file, t) in ordered {
        let status = ThemeStatus::parse(&t.status)
            .ok_or_else(|| invalid(file, format!("theme {:?} has an unknown status {:?}", t.name, t.status)))?;
        let codes = t.codes.iter().map(|c| code_of(file, c)).collect::<Result<Vec<_>, _>>()?;
        let parent = match &t.parent {
            Some(p) => Some(theme_of(file, p)?),
            None => None,
        };
        let theme = Theme {
            id: theme_of(file, &t.name)?,
            parent,
            props: ThemeProps {
                name: t.name.trim().to_string(),
                status,
                definition: ThemeDefinition {
                    concept: t.concept.clone(),
                    scope: t.scope.clone(),
                    notes: t.notes.clone(),
                },
                former_names: Vec::new(),
            },
            codes,
            ..Theme::new(ThemeId::from_u128(0), "")
        };
        // Subthemes go right after their main theme's last subtheme.
        let index = parent.and_then(|p| {
            let family = scratch.theme_subtree(p);
            family.iter().filter_map(|id| scratch.themes.get_index_of(id)).max().map(|i| i + 1)
        });
        let e = Edit::CreateTheme { theme, index };
        scratch.apply(e.clone()).map_err(|e| invalid(file, format!("theme {:?}: {e}", t.name)))?;
        edits.push(e);
    }

    // Codings, quotes, memos and read marks refer to documents by name.
    let doc_of = |file: &str, name: &str| {
        scratch
            .document_by_name(name)
            .map(|d| (d.id, d.text.clone()))
            .ok_or_else(|| invalid(file, format!("unknown document {name:?}")))
    };
    let mut n = 0i64;
    for (file, p) in plans {
        for c in &p.codings {
            let (doc, text) = doc_of(file, &c.doc)?;
            let span =
                find_excerpt(&text, &c.text).map_err(|m| invalid(file, format!("{} / {}: {m}", c.doc, c.code)))?;
            n += 1;
            let coder = coders[&name_key(&c.coder)];
            let key = format!("{}\0{}\0{}\0{}", c.doc, c.code, c.coder, c.text);
            edits.push(Edit::AddCoding {
                coding: Coding {
                    id: CodingId(stable_uuid("coding", &key)),
                    doc,
                    span,
                    code: code_of(file, &c.code)?,
                    coder,
                    created: base_time + chrono::Duration::minutes(n * 7),
                    comment: c.comment.clone().unwrap_or_default(),
                },
            });
        }
    }
    for (file, p) in plans {
        for q in &p.quotes {
            let (doc, text) = doc_of(file, &q.doc)?;
            let span = find_excerpt(&text, &q.text).map_err(|m| invalid(file, format!("quote in {}: {m}", q.doc)))?;
            let quoted = text::slice(&text, span).unwrap_or_default();
            let mut cuts = Vec::new();
            for cut in &q.cuts {
                let inner = find_excerpt(quoted, cut)
                    .map_err(|m| invalid(file, format!("cut in a quote of {}: {m}", q.doc)))?;
                cuts.push(Span::new(span.start.get() + inner.start.get(), span.start.get() + inner.end.get()));
            }
            cuts.sort();
            edits.push(Edit::AddQuote {
                quote: Quote {
                    id: QuoteId(stable_uuid("quote", &format!("{}\0{}", q.doc, q.text))),
                    theme: theme_of(file, &q.theme)?,
                    doc,
                    coding: None,
                    props: QuoteProps {
                        span,
                        cuts,
                        insertions: Vec::new(),
                        translation: q.translation.clone().unwrap_or_default(),
                        starred: q.starred,
                        note: String::new(),
                    },
                },
                index: None,
            });
        }
    }
    let mut memos: Vec<(Timestamp, Edit)> = Vec::new();
    for (file, p) in plans {
        for m in &p.memos {
            let at = date(file, &m.date)?;
            let target_name = m.target.clone().unwrap_or_default();
            let target = match m.kind.as_str() {
                "journal" => MemoTarget::Journal,
                "document" => MemoTarget::Document(doc_of(file, &target_name)?.0),
                "code" => MemoTarget::Code(code_of(file, &target_name)?),
                "theme" => MemoTarget::Theme(theme_of(file, &target_name)?),
                other => return Err(invalid(file, format!("unknown memo kind {other:?}"))),
            };
            let author = coders.get(&name_key("Ingrid")).copied();
            memos.push((
                at,
                Edit::AddMemo {
                    memo: Memo {
                        id: MemoId(stable_uuid("memo", &format!("{}\0{}\0{}", m.kind, m.date, m.title))),
                        created: at,
                        author,
                        props: MemoProps { target, title: m.title.clone(), body: m.body.clone(), modified: at },
                    },
                    index: None,
                },
            ));
        }
    }
    memos.sort_by_key(|(at, _)| *at);
    edits.extend(memos.into_iter().map(|(_, e)| e));
    let reader = coders.get(&name_key("Ingrid")).copied();
    for (file, p) in plans {
        for name in &p.read {
            let (doc, _) = doc_of(file, name)?;
            if let Some(coder) = reader {
                edits.push(Edit::SetDocumentRead { id: doc, coder, read: true });
            }
        }
    }
    Ok(edits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_match_across_line_breaks_and_must_be_unique() {
        let text = "J1: Det var   fint.\nJeg følte meg\n\nsett 😀 i møtet. Fint.";
        let span = find_excerpt(text, "følte meg sett 😀 i").unwrap_or_default();
        assert_eq!(text::slice(text, span), Some("følte meg\n\nsett 😀 i"));
        assert!(find_excerpt(text, "Fint").is_ok(), "case matters: 'Fint' occurs once");
        assert!(find_excerpt(text, "int.").unwrap_err().contains("2 times"));
        assert!(find_excerpt(text, "nowhere").unwrap_err().contains("does not occur"));
    }

    #[test]
    fn stable_ids_depend_only_on_the_name() {
        assert_eq!(stable_uuid("code", "Hope"), stable_uuid("code", "Hope"));
        assert_ne!(stable_uuid("code", "Hope"), stable_uuid("theme", "Hope"));
    }
}
