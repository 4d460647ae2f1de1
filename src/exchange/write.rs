//! Exporting a project as QDPX (a zip with `project.qde` and `sources/<GUID>.txt`) or its
//! codebook as QDC, valid against the official schemas.
//!
//! - Elements are written in the schema's order and empty containers are left out (the
//!   schema rejects `<Sets/>`).
//! - GUIDs are Tema's own ids (UUIDs), and for things Tema has no id for (selections,
//!   variables) they are derived from what they stand for, so exporting twice gives the
//!   same GUIDs and, with fixed zip timestamps, the same bytes.
//! - Each source's `.txt` holds exactly the text the positions count: the normalised text
//!   (LF line ends, no BOM) in the `standard` profile, with code-point positions; the
//!   same text with CRLF line ends and UTF-16 positions in the `nvivo` profile.
//! - Themes become sets of codes (a subtheme's set says `Subtheme of: NAME` in its
//!   description), memos and quotes become notes, participants become cases with
//!   variables, linked to the documents they speak in.

use super::read::{Counts, SUBTHEME_PREFIX};
use super::{ExchangeError, derived_guid};
use crate::model::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{Cursor, Write};
use std::path::Path;
use uuid::Uuid;
use zip::CompressionMethod;
use zip::write::{SimpleFileOptions, ZipWriter};

/// How positions and line ends are written, for tools that count differently.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    /// The standard: LF text, positions in code points.
    #[default]
    Standard,
    /// For NVivo: CRLF text, positions in UTF-16 code units (a CRLF counts 2).
    Nvivo,
}

impl Profile {
    pub const ALL: [Profile; 2] = [Profile::Standard, Profile::Nvivo];
}

impl crate::model::Named for Profile {
    const WHAT: &'static str = "profile";
    const WORDS: &'static [Word<Self>] = &[
        word(Profile::Standard, "standard")
            .or(&["spec"])
            .about("LF text, positions in code points, as the standard says"),
        word(Profile::Nvivo, "nvivo").about("CRLF text, positions in UTF-16 code units, as NVivo counts"),
    ];
}

/// What an export wrote and what it could not carry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ExportReport {
    pub profile: Option<Profile>,
    pub counts: Counts,
    /// What REFI-QDA has no place for, and how it was carried or why not.
    pub notes: Vec<String>,
}

impl ExportReport {
    pub fn lines(&self) -> Vec<String> {
        let c = &self.counts;
        let mut out = vec![format!(
            "  {} sources, {} codes, {} codings, {} memos and quotes as notes, {} participants as cases, {} coders, {} themes as sets",
            c.sources, c.codes, c.codings, c.memos, c.participants, c.coders, c.themes
        )];
        out.extend(self.notes.iter().map(|n| format!("  note: {n}")));
        out
    }
}

fn guid(u: Uuid) -> String {
    u.hyphenated().to_string()
}

/// XML text, written by hand in the schema's order.
struct Xml {
    out: String,
    depth: usize,
}

fn escape(s: &str, attr: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            '\n' if attr => out.push_str("&#10;"),
            '\t' if attr => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            c if !crate::export::escape::xml_holds(c) => {}
            c => out.push(c),
        }
    }
    out
}

impl Xml {
    fn new() -> Self {
        Xml { out: String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"), depth: 0 }
    }

    fn tag(&mut self, name: &str, attrs: &[(&str, String)], close: &str) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attrs {
            self.out.push_str(&format!(" {k}=\"{}\"", escape(v, true)));
        }
        self.out.push_str(close);
        self.out.push('\n');
    }

    fn open(&mut self, name: &str, attrs: &[(&str, String)]) {
        self.tag(name, attrs, ">");
        self.depth += 1;
    }

    fn close(&mut self, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push_str(&format!("</{name}>\n"));
    }

    fn empty(&mut self, name: &str, attrs: &[(&str, String)]) {
        self.tag(name, attrs, "/>");
    }

    fn text(&mut self, name: &str, text: &str) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push_str(&format!("<{name}>{}</{name}>\n", escape(text, false)));
    }

    fn reference(&mut self, name: &str, target: String) {
        self.empty(name, &[("targetGUID", target)]);
    }
}

fn time(t: &Timestamp) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A code's description as one text: the definition, then labelled parts.
pub(crate) fn description_text(d: &CodeDescription) -> String {
    let mut out = d.definition.trim().to_string();
    for (label, part) in [("Inclusion", &d.inclusion), ("Exclusion", &d.exclusion), ("Example", &d.example)] {
        if !part.trim().is_empty() {
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(&format!("{label}: {}", part.trim()));
        }
    }
    out
}

/// `Project@origin`: the nvivo profile says so, which tells importers (Tema's among them)
/// to read its positions as NVivo's.
fn origin(profile: Option<Profile>) -> String {
    match profile {
        Some(Profile::Nvivo) => format!("Tema {} (NVivo profile)", env!("CARGO_PKG_VERSION")),
        _ => format!("Tema {}", env!("CARGO_PKG_VERSION")),
    }
}

fn code_tree(x: &mut Xml, p: &Project, parent: Option<CodeId>, notes: &BTreeMap<CodeId, Vec<MemoId>>) {
    for c in p.code_children(parent) {
        let attrs = [
            ("guid", guid(c.id.0)),
            ("name", c.name().to_string()),
            ("isCodable", "true".to_string()),
            ("color", c.props.colour.to_hex().to_uppercase()),
        ];
        let description = description_text(&c.props.description);
        let memos = notes.get(&c.id).map(Vec::as_slice).unwrap_or(&[]);
        let has_children = p.code_children(Some(c.id)).next().is_some();
        if description.is_empty() && memos.is_empty() && !has_children {
            x.empty("Code", &attrs);
            continue;
        }
        x.open("Code", &attrs);
        if !description.is_empty() {
            x.text("Description", &description);
        }
        for m in memos {
            x.reference("NoteRef", guid(m.0));
        }
        code_tree(x, p, Some(c.id), notes);
        x.close("Code");
    }
}

/// UTF-16 positions of char offsets of `text` once every LF is written as CRLF.
fn nvivo_positions(text: &str, chars: &[usize]) -> Vec<u64> {
    let mut order: Vec<usize> = (0..chars.len()).collect();
    order.sort_by_key(|&i| chars[i]);
    let mut out = vec![0u64; chars.len()];
    let mut k = 0;
    let mut pos = 0u64;
    for (ci, c) in text.chars().enumerate() {
        while k < order.len() && chars[order[k]] <= ci {
            out[order[k]] = pos;
            k += 1;
        }
        pos += c.len_utf16() as u64 + u64::from(c == '\n');
    }
    for &i in &order[k..] {
        out[i] = pos;
    }
    out
}

struct Memos {
    journal: Vec<MemoId>,
    documents: BTreeMap<DocId, Vec<MemoId>>,
    codes: BTreeMap<CodeId, Vec<MemoId>>,
    themes: BTreeMap<ThemeId, Vec<Uuid>>,
    codings: BTreeMap<CodingId, Vec<MemoId>>,
    /// Notes on passages, by document: written as selections that hold notes and no coding.
    passages: BTreeMap<DocId, Vec<(Span, MemoId)>>,
}

fn sort_memos(p: &Project) -> Memos {
    let mut m = Memos {
        journal: Vec::new(),
        documents: BTreeMap::new(),
        codes: BTreeMap::new(),
        themes: BTreeMap::new(),
        codings: BTreeMap::new(),
        passages: BTreeMap::new(),
    };
    for memo in p.memos.values() {
        match memo.props.target {
            MemoTarget::Journal => m.journal.push(memo.id),
            MemoTarget::Document(d) => m.documents.entry(d).or_default().push(memo.id),
            MemoTarget::Code(c) => m.codes.entry(c).or_default().push(memo.id),
            MemoTarget::Theme(t) => m.themes.entry(t).or_default().push(memo.id.0),
            MemoTarget::Coding(c) => m.codings.entry(c).or_default().push(memo.id),
            MemoTarget::Passage { doc, span } => m.passages.entry(doc).or_default().push((span, memo.id)),
        }
    }
    for q in p.quotes.values() {
        m.themes.entry(q.theme).or_default().push(q.id.0);
    }
    m
}

/// The project XML (`project.qde`) and the source files (`sources/<GUID>.txt`, bytes).
pub fn project_files(p: &Project, profile: Profile) -> (String, Vec<(String, Vec<u8>)>, ExportReport) {
    let mut report = ExportReport { profile: Some(profile), ..Default::default() };
    let memos = sort_memos(p);
    let mut x = Xml::new();
    x.open(
        "Project",
        &[
            ("xmlns", "urn:QDA-XML:project:1.0".to_string()),
            ("name", p.settings.name.clone()),
            ("origin", origin(Some(profile))),
        ],
    );
    if !p.coders.is_empty() {
        x.open("Users", &[]);
        for c in p.coders.values() {
            x.empty("User", &[("guid", guid(c.id.0)), ("name", c.name.clone())]);
        }
        x.close("Users");
    }
    if !p.codes.is_empty() {
        x.open("CodeBook", &[]);
        x.open("Codes", &[]);
        code_tree(&mut x, p, None, &memos.codes);
        x.close("Codes");
        x.close("CodeBook");
    }
    // Variables: participants' group and attributes, documents' metadata.
    let mut variables: Vec<String> = Vec::new();
    let mut add_var = |name: &str| {
        if !variables.iter().any(|v| name_key(v) == name_key(name)) {
            variables.push(name.to_string());
        }
    };
    if p.participants.values().any(|x| !x.group().is_empty()) {
        add_var("group");
    }
    for part in p.participants.values() {
        for (k, v) in &part.props.attributes {
            if !v.is_empty() {
                add_var(k);
            }
        }
    }
    for d in p.documents.values() {
        for (k, v) in &d.props.metadata {
            if k != "description" && !v.is_empty() {
                add_var(k);
            }
        }
    }
    let var_guid = |name: &str| guid(derived_guid("variable", &name_key(name)));
    if !variables.is_empty() {
        x.open("Variables", &[]);
        for v in &variables {
            x.empty("Variable", &[("guid", var_guid(v)), ("name", v.clone()), ("typeOfVariable", "Text".into())]);
        }
        x.close("Variables");
    }
    let value = |x: &mut Xml, name: &str, value: &str| {
        x.open("VariableValue", &[]);
        x.reference("VariableRef", var_guid(name));
        x.text("TextValue", value);
        x.close("VariableValue");
    };
    if !p.participants.is_empty() {
        x.open("Cases", &[]);
        for part in p.participants.values() {
            let docs: Vec<DocId> = p
                .documents
                .values()
                .filter(|d| d.turns.iter().any(|t| t.participant == Some(part.id)))
                .map(|d| d.id)
                .collect();
            let attrs = [("guid", guid(part.id.0)), ("name", part.label().to_string())];
            let values: Vec<(&str, &str)> = std::iter::once(("group", part.group()))
                .chain(part.props.attributes.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                .filter(|(_, v)| !v.is_empty())
                .collect();
            if values.is_empty() && docs.is_empty() {
                x.empty("Case", &attrs);
                continue;
            }
            x.open("Case", &attrs);
            for (k, v) in values {
                value(&mut x, k, v);
            }
            for d in docs {
                x.reference("SourceRef", guid(d.0));
            }
            x.close("Case");
        }
        x.close("Cases");
        report.counts.participants = p.participants.len();
        if p.participants
            .values()
            .any(|x| !x.props.aliases.is_empty() || x.props.pseudonym.is_some() || x.props.interviewer)
        {
            report
                .notes
                .push("participants' aliases, pseudonyms and interviewer marks have no place in REFI-QDA".into());
        }
    }
    let mut files = Vec::new();
    if !p.documents.is_empty() {
        x.open("Sources", &[]);
        for d in p.documents.values() {
            let g = guid(d.id.0);
            let file = format!("{g}.txt");
            let text: String = match profile {
                Profile::Standard => d.text.to_string(),
                Profile::Nvivo => d.text.replace('\n', "\r\n"),
            };
            files.push((file.clone(), text.into_bytes()));
            x.open(
                "TextSource",
                &[("guid", g), ("name", d.name().to_string()), ("plainTextPath", format!("internal://{file}"))],
            );
            if let Some(desc) = d.props.metadata.get("description").filter(|s| !s.trim().is_empty()) {
                x.text("Description", desc);
            }
            // One selection per coded span and comment (a selection has one Description,
            // so codings of one span with different comments need a selection each).
            let mut spans: BTreeMap<(Span, &str), Vec<&Coding>> = BTreeMap::new();
            for c in p.codings_of_doc(d.id) {
                spans.entry((c.span, c.comment.trim())).or_default().push(c);
            }
            let chars: Vec<usize> = spans.keys().flat_map(|(s, _)| [s.start.get(), s.end.get()]).collect();
            let positions: Vec<u64> = match profile {
                Profile::Standard => chars.iter().map(|&c| c as u64).collect(),
                Profile::Nvivo => nvivo_positions(&d.text, &chars),
            };
            for (i, ((span, comment), codings)) in spans.iter().enumerate() {
                let key = format!("{}:{}:{}:{}", d.id, span.start, span.end, blake3::hash(comment.as_bytes()).to_hex());
                let sel_guid = guid(derived_guid("selection", &key));
                let mut attrs = vec![
                    ("guid", sel_guid),
                    ("startPosition", positions[2 * i].to_string()),
                    ("endPosition", positions[2 * i + 1].to_string()),
                ];
                if let Some(first) = codings.first() {
                    attrs.push(("creatingUser", guid(first.coder.0)));
                    attrs.push(("creationDateTime", time(&first.created)));
                }
                x.open("PlainTextSelection", &attrs);
                if !comment.is_empty() {
                    x.text("Description", comment);
                }
                for c in codings {
                    let attrs = [
                        ("guid", guid(c.id.0)),
                        ("creatingUser", guid(c.coder.0)),
                        ("creationDateTime", time(&c.created)),
                    ];
                    x.open("Coding", &attrs);
                    x.reference("CodeRef", guid(c.code.0));
                    for m in memos.codings.get(&c.id).map(Vec::as_slice).unwrap_or(&[]) {
                        x.reference("NoteRef", guid(m.0));
                    }
                    x.close("Coding");
                }
                x.close("PlainTextSelection");
            }
            // Notes on passages: a selection with the note and no coding.
            let notes = memos.passages.get(&d.id).map(Vec::as_slice).unwrap_or(&[]);
            let chars: Vec<usize> = notes.iter().flat_map(|(s, _)| [s.start.get(), s.end.get()]).collect();
            let positions: Vec<u64> = match profile {
                Profile::Standard => chars.iter().map(|&c| c as u64).collect(),
                Profile::Nvivo => nvivo_positions(&d.text, &chars),
            };
            for (i, (_, m)) in notes.iter().enumerate() {
                let attrs = [
                    ("guid", guid(derived_guid("note-selection", &m.to_string()))),
                    ("startPosition", positions[2 * i].to_string()),
                    ("endPosition", positions[2 * i + 1].to_string()),
                ];
                x.open("PlainTextSelection", &attrs);
                x.reference("NoteRef", guid(m.0));
                x.close("PlainTextSelection");
            }
            for m in memos.documents.get(&d.id).map(Vec::as_slice).unwrap_or(&[]) {
                x.reference("NoteRef", guid(m.0));
            }
            for (k, v) in &d.props.metadata {
                if k != "description" && !v.is_empty() {
                    value(&mut x, k, v);
                }
            }
            x.close("TextSource");
        }
        x.close("Sources");
        report.counts.sources = p.documents.len();
        report.counts.codings = p.codings.len();
        if p.documents.values().any(|d| !d.turns.is_empty()) {
            report.notes.push(
                "speaker turns have no place in REFI-QDA; each participant's case lists the documents they speak in"
                    .into(),
            );
        }
    }
    if !p.memos.is_empty() || !p.quotes.is_empty() {
        x.open("Notes", &[]);
        for m in p.memos.values() {
            let title = if m.props.title.trim().is_empty() {
                if m.props.target == MemoTarget::Journal { "Journal entry" } else { "Memo" }.to_string()
            } else {
                m.props.title.clone()
            };
            let mut attrs = vec![("guid", guid(m.id.0)), ("name", title)];
            if let Some(a) = m.author {
                attrs.push(("creatingUser", guid(a.0)));
            }
            attrs.push(("creationDateTime", time(&m.created)));
            attrs.push(("modifiedDateTime", time(&m.props.modified)));
            x.open("Note", &attrs);
            x.text("PlainTextContent", &m.props.body);
            x.close("Note");
        }
        for q in p.quotes.values() {
            let passage = p.documents.get(&q.doc).and_then(|d| d.slice(q.props.span)).unwrap_or("");
            let doc = p.documents.get(&q.doc).map(|d| d.name()).unwrap_or("");
            let mut body = format!("“{passage}” ({doc}, characters {}–{})", q.props.span.start, q.props.span.end);
            if !q.props.translation.trim().is_empty() {
                body.push_str(&format!("\n\nTranslation: {}", q.props.translation.trim()));
            }
            if !q.props.note.trim().is_empty() {
                body.push_str(&format!("\n\nNote: {}", q.props.note.trim()));
            }
            let name = if q.props.starred { "Quote (strongest)" } else { "Quote" };
            x.open("Note", &[("guid", guid(q.id.0)), ("name", name.to_string())]);
            x.text("PlainTextContent", &body);
            x.close("Note");
        }
        x.close("Notes");
        report.counts.memos = p.memos.len() + p.quotes.len();
        if !p.quotes.is_empty() {
            report
                .notes
                .push("quotes are notes in their theme's set (their cuts and insertions are not carried)".into());
        }
    }
    if !p.themes.is_empty() {
        x.open("Sets", &[]);
        for t in p.themes.values() {
            x.open("Set", &[("guid", guid(t.id.0)), ("name", t.name().to_string())]);
            let mut description = String::new();
            if let Some(parent) = t.parent.and_then(|id| p.themes.get(&id)) {
                description.push_str(&format!("{SUBTHEME_PREFIX}{}\n", parent.name()));
            }
            description.push_str(t.props.definition.concept.trim());
            if !description.trim().is_empty() {
                x.text("Description", description.trim_end());
            }
            for c in &t.codes {
                x.reference("MemberCode", guid(c.0));
            }
            for n in memos.themes.get(&t.id).map(Vec::as_slice).unwrap_or(&[]) {
                x.reference("MemberNote", guid(*n));
            }
            x.close("Set");
        }
        x.close("Sets");
        report.counts.themes = p.themes.len();
        report
            .notes
            .push("themes are sets of codes; their status, review marks and map positions are not carried".into());
    }
    if !p.settings.description.trim().is_empty() {
        x.text("Description", &p.settings.description);
    }
    for m in &memos.journal {
        x.reference("NoteRef", guid(m.0));
    }
    x.close("Project");
    report.counts.codes = p.codes.len();
    report.counts.coders = p.coders.len();
    (x.out, files, report)
}

/// A whole project as QDPX bytes.
pub fn export_project(p: &Project, profile: Profile) -> Result<(Vec<u8>, ExportReport), ExchangeError> {
    let (qde, files, report) = project_files(p, profile);
    let zip_err =
        |e: zip::result::ZipError| ExchangeError::Export { path: "project.qdpx".into(), message: e.to_string() };
    let io_err = |e: std::io::Error| ExchangeError::Export { path: "project.qdpx".into(), message: e.to_string() };
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::DEFAULT.compression_method(CompressionMethod::Deflated).large_file(false);
    zip.start_file("project.qde", options).map_err(zip_err)?;
    zip.write_all(qde.as_bytes()).map_err(io_err)?;
    for (name, bytes) in files {
        if bytes.len() as u64 > (1 << 31) - 1 {
            return Err(ExchangeError::Export {
                path: name.into(),
                message: "a source is over 2³¹−1 bytes, more than REFI-QDA allows inside an archive".into(),
            });
        }
        zip.start_file(format!("sources/{name}"), options).map_err(zip_err)?;
        zip.write_all(&bytes).map_err(io_err)?;
    }
    let bytes = zip.finish().map_err(zip_err)?.into_inner();
    Ok((bytes, report))
}

/// The codebook (codes and themes as sets) as QDC bytes.
pub fn export_codebook(p: &Project) -> Result<(Vec<u8>, ExportReport), ExchangeError> {
    if p.codes.is_empty() {
        return Err(ExchangeError::NoCodes { path: p.settings.name.clone().into() });
    }
    let mut x = Xml::new();
    x.open("CodeBook", &[("xmlns", "urn:QDA-XML:codebook:1.0".to_string()), ("origin", origin(None))]);
    x.open("Codes", &[]);
    code_tree(&mut x, p, None, &BTreeMap::new());
    x.close("Codes");
    if !p.themes.is_empty() {
        x.open("Sets", &[]);
        for t in p.themes.values() {
            let attrs = [("guid", guid(t.id.0)), ("name", t.name().to_string())];
            let mut description = String::new();
            if let Some(parent) = t.parent.and_then(|id| p.themes.get(&id)) {
                description.push_str(&format!("{SUBTHEME_PREFIX}{}\n", parent.name()));
            }
            description.push_str(t.props.definition.concept.trim());
            if description.trim().is_empty() && t.codes.is_empty() {
                x.empty("Set", &attrs);
                continue;
            }
            x.open("Set", &attrs);
            if !description.trim().is_empty() {
                x.text("Description", description.trim_end());
            }
            for c in &t.codes {
                x.empty("MemberCode", &[("guid", guid(c.0))]);
            }
            x.close("Set");
        }
        x.close("Sets");
    }
    x.close("CodeBook");
    let report = ExportReport {
        profile: None,
        counts: Counts { codes: p.codes.len(), themes: p.themes.len(), ..Default::default() },
        notes: vec!["a codebook holds codes and sets only: no documents, codings or memos".into()],
    };
    Ok((x.out.into_bytes(), report))
}

/// Writes `bytes` to `path` through a temporary file beside it, so a failed export never
/// leaves half a file under the real name.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ExchangeError> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp);
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        ExchangeError::io("write", path)(e)
    })
}
