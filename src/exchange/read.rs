//! Planning an import: a REFI-QDA project or codebook becomes one batch edit and a report.
//!
//! Nothing is changed here. [`plan_project_import`] reads the whole file and returns an
//! [`ImportPlan`] whose edit builds the project from empty; [`import_into_new_project`]
//! creates the folder and applies it as one step, removing the folder again if anything
//! fails. [`plan_codebook_import`] merges a `.qdc` into an open project by code name.
//! The report counts what came in and lists every item that could not, with the reason
//! (REFI-QDA 1.5 §7 asks importers to say what they dropped).

use super::container::Container;
use super::offsets::{self, Dialect};
use super::xml::{self, Element};
use super::{ExchangeError, Limits, guid_key, guid_uuid};
use crate::edit::Edit;
use crate::import::normalise::{normalise, normalise_with_map};
use crate::model::*;
use crate::progress::Progress;
use crate::store::Store;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// How many of each thing the import brings in.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub sources: usize,
    pub codes: usize,
    pub codings: usize,
    pub memos: usize,
    pub participants: usize,
    pub coders: usize,
    pub themes: usize,
    /// Attribute values of participants and documents.
    pub attributes: usize,
}

/// Something the file holds that Tema could not carry, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Dropped {
    pub item: String,
    pub reason: String,
}

/// How one source's positions were read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceOffsets {
    pub source: String,
    pub dialect: Dialect,
    pub dialect_label: &'static str,
    /// The data contradicted what the origin suggested, so another dialect was used.
    pub switched: bool,
    pub selections: usize,
    /// Selections that ran past the end of their text and were cut there.
    pub clamped: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub file: String,
    pub origin: String,
    pub counts: Counts,
    pub offsets: Vec<SourceOffsets>,
    /// Things done on the user's behalf (renamed duplicates, colours given, cut selections).
    pub notes: Vec<String>,
    pub dropped: Vec<Dropped>,
}

impl ImportReport {
    /// The report as lines of text, for the command line and the app's dialog.
    pub fn lines(&self) -> Vec<String> {
        let c = &self.counts;
        let mut out = vec![
            format!(
                "Imported {} (origin: {})",
                self.file,
                if self.origin.is_empty() { "not stated" } else { &self.origin }
            ),
            format!(
                "  {} sources, {} codes, {} codings, {} memos, {} participants, {} coders, {} themes, {} attribute values",
                c.sources, c.codes, c.codings, c.memos, c.participants, c.coders, c.themes, c.attributes
            ),
        ];
        for o in &self.offsets {
            out.push(format!(
                "  positions of “{}”: {}{}, {} selections{}",
                o.source,
                o.dialect_label,
                if o.switched { " (detected from the data)" } else { "" },
                o.selections,
                if o.clamped > 0 { format!(", {} cut at the end of the text", o.clamped) } else { String::new() }
            ));
        }
        for n in &self.notes {
            out.push(format!("  note: {n}"));
        }
        if self.dropped.is_empty() {
            out.push("  nothing was dropped".into());
        } else {
            out.push(format!("  not imported ({}):", self.dropped.len()));
            for d in &self.dropped {
                out.push(format!("    {}: {}", d.item, d.reason));
            }
        }
        out
    }
}

/// One import, ready to apply.
#[derive(Clone, Debug)]
pub struct ImportPlan {
    /// The project's name (for a new project).
    pub name: String,
    pub edit: Edit,
    pub report: ImportReport,
}

/// Names already taken, per kind, compared as the model compares them.
#[derive(Default)]
struct Names(HashSet<String>);

impl Names {
    fn from<'a>(names: impl Iterator<Item = &'a str>) -> Self {
        Names(names.map(name_key).collect())
    }

    /// `name` if free, else `name (2)`, `name (3)`...; `fallback` for a blank name.
    fn take(&mut self, name: &str, fallback: &str) -> String {
        let base = name.split_whitespace().collect::<Vec<_>>().join(" ");
        let base = if base.is_empty() { fallback.to_string() } else { base };
        let mut candidate = base.clone();
        let mut n = 2;
        while !self.0.insert(name_key(&candidate)) {
            candidate = format!("{base} ({n})");
            n += 1;
        }
        candidate
    }
}

fn parse_time(s: Option<&str>) -> Option<Timestamp> {
    chrono::DateTime::parse_from_rfc3339(s?.trim()).ok().map(|t| t.with_timezone(&chrono::Utc))
}

/// `#RGB` or `#RRGGBB`, any case.
/// Refuses a file whose root element is not `expected` (a `.qdc` given as a project, or any
/// other XML), naming what it is instead.
fn expect_root(root: &Element, path: &Path, expected: &'static str, what: &'static str) -> Result<(), ExchangeError> {
    if root.name == expected {
        return Ok(());
    }
    Err(ExchangeError::WrongRoot { path: path.to_path_buf(), found: root.name.clone(), expected, what })
}

fn parse_colour(s: &str) -> Option<Colour> {
    let hex = s.trim().trim_start_matches('#');
    if hex.len() == 3 && hex.is_ascii() {
        let d = |i: usize| u8::from_str_radix(&hex[i..i + 1], 16).ok().map(|v| v * 17);
        return Some(Colour::rgb(d(0)?, d(1)?, d(2)?));
    }
    Colour::parse(hex)
}

fn parse_xml(bytes: &[u8], path: &Path, entry: &str) -> Result<Element, ExchangeError> {
    let text = std::str::from_utf8(bytes).map_err(|e| ExchangeError::NotUtf8 {
        path: path.to_path_buf(),
        entry: entry.to_string(),
        offset: e.valid_up_to(),
    })?;
    xml::parse(text).map_err(|e| ExchangeError::Xml {
        path: path.to_path_buf(),
        entry: entry.to_string(),
        line: e.line,
        reason: e.reason,
    })
}

/// A code's description, split into the parts Tema's export labels (`Inclusion: ...`);
/// any other text is the definition.
fn parse_description(text: &str) -> CodeDescription {
    let mut d = CodeDescription::default();
    let mut parts = text.trim().split("\n\n").peekable();
    let mut definition = Vec::new();
    for part in parts.by_ref() {
        let slot = if let Some(r) = part.strip_prefix("Inclusion: ") {
            Some((&mut d.inclusion, r))
        } else if let Some(r) = part.strip_prefix("Exclusion: ") {
            Some((&mut d.exclusion, r))
        } else if let Some(r) = part.strip_prefix("Example: ") {
            Some((&mut d.example, r))
        } else {
            None
        };
        match slot {
            Some((field, rest)) if field.is_empty() => *field = rest.trim().to_string(),
            _ => definition.push(part),
        }
    }
    d.definition = definition.join("\n\n").trim().to_string();
    d
}

/// The value of a `VariableValue`, whichever typed child holds it.
fn variable_value(v: &Element) -> Option<String> {
    ["TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue", "DateTimeValue"]
        .iter()
        .find_map(|k| v.child_text(k))
        .map(|s| s.trim().to_string())
}

struct Planner<'a> {
    container: Option<&'a mut Container>,
    base_path: Option<PathBuf>,
    report: ImportReport,
    now: Timestamp,
    ids: HashSet<Uuid>,
    coder_names: Names,
    coder_slugs: HashSet<String>,
    code_names: Names,
    doc_names: Names,
    participant_names: Names,
    theme_names: Names,
    coders: Vec<Coder>,
    coder_by_guid: HashMap<String, CoderId>,
    fallback_coder: Option<CoderId>,
    project_user: Option<String>,
    codes: Vec<Code>,
    code_by_guid: HashMap<String, CodeId>,
    variables: HashMap<String, String>,
    participants: Vec<Participant>,
    /// Sources a named case refers to: the document is that participant's.
    cases_of_source: HashMap<String, Vec<ParticipantId>>,
    doc_meta: HashMap<String, BTreeMap<String, String>>,
    docs: Vec<Document>,
    doc_by_guid: HashMap<String, DocId>,
    codings: Vec<Coding>,
    coding_keys: HashSet<(DocId, Span, CodeId, CoderId)>,
    coding_by_guid: HashMap<String, CodingId>,
    /// A selection's document and its first coding, for notes and links pointing at it.
    selections: HashMap<String, (DocId, Span, Option<CodingId>)>,
    themes: Vec<Theme>,
    theme_by_guid: HashMap<String, ThemeId>,
    note_guids: HashSet<String>,
    /// Where each note belongs: (note GUID, target), in the order found.
    note_targets: Vec<(String, MemoTarget)>,
    memos: Vec<Memo>,
    dialect: Dialect,
}

impl<'a> Planner<'a> {
    fn new(container: Option<&'a mut Container>, file: String) -> Self {
        Planner {
            container,
            base_path: None,
            report: ImportReport { file, ..Default::default() },
            now: chrono::Utc::now(),
            ids: HashSet::new(),
            coder_names: Names::default(),
            coder_slugs: HashSet::new(),
            code_names: Names::default(),
            doc_names: Names::default(),
            participant_names: Names::default(),
            theme_names: Names::default(),
            coders: Vec::new(),
            coder_by_guid: HashMap::new(),
            fallback_coder: None,
            project_user: None,
            codes: Vec::new(),
            code_by_guid: HashMap::new(),
            variables: HashMap::new(),
            participants: Vec::new(),
            cases_of_source: HashMap::new(),
            doc_meta: HashMap::new(),
            docs: Vec::new(),
            doc_by_guid: HashMap::new(),
            codings: Vec::new(),
            coding_keys: HashSet::new(),
            coding_by_guid: HashMap::new(),
            selections: HashMap::new(),
            themes: Vec::new(),
            theme_by_guid: HashMap::new(),
            note_guids: HashSet::new(),
            note_targets: Vec::new(),
            memos: Vec::new(),
            dialect: Dialect::STANDARD,
        }
    }

    fn drop(&mut self, item: impl Into<String>, reason: impl Into<String>) {
        self.report.dropped.push(Dropped { item: item.into(), reason: reason.into() });
    }

    /// The imported GUID as the id when it is a valid UUID not used yet (so a round trip
    /// keeps GUIDs), else a fresh one.
    /// Adds the code a REFI `<Code>` element describes, named `name` (already made unique),
    /// with its description, under the id its GUID gives; returns that id.
    fn add_code(&mut self, c: &Element, name: String, colour: Colour, parent: Option<CodeId>) -> CodeId {
        let id = CodeId(self.id_for(c.attr_trimmed("guid")));
        let mut code = Code::new(id, name, colour);
        code.parent = parent;
        code.props.description = parse_description(c.child_text("Description").unwrap_or(""));
        self.codes.push(code);
        id
    }

    fn id_for(&mut self, guid: Option<&str>) -> Uuid {
        if let Some(u) = guid.and_then(guid_uuid)
            && !u.is_nil()
            && self.ids.insert(u)
        {
            return u;
        }
        let u = Uuid::now_v7();
        self.ids.insert(u);
        u
    }

    fn coder_for(&mut self, guid: Option<&str>) -> CoderId {
        if let Some(id) = guid.and_then(|g| self.coder_by_guid.get(&guid_key(g))) {
            return *id;
        }
        if let Some(id) = self.project_user.as_ref().and_then(|g| self.coder_by_guid.get(g)) {
            return *id;
        }
        if let Some(id) = self.fallback_coder {
            return id;
        }
        let name = self.coder_names.take("Imported", "Imported");
        let id = CoderId(self.id_for(None));
        let slug = self.slug_for(&name);
        self.coders.push(Coder { id, name, colour: palette_colour(self.coders.len() + 3), slug });
        self.report.notes.push("codings with no known user are attributed to the coder “Imported”".into());
        self.fallback_coder = Some(id);
        id
    }

    // ---- users ----

    /// A codings-file name for a coder, unique among the imported coders.
    fn slug_for(&mut self, name: &str) -> String {
        let base: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
            .collect::<String>()
            .split('-')
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        let base = if base.is_empty() { "coder".to_string() } else { base };
        let mut slug = base.clone();
        let mut n = 2;
        while !self.coder_slugs.insert(slug.clone()) {
            slug = format!("{base}-{n}");
            n += 1;
        }
        slug
    }

    fn users(&mut self, root: &Element) {
        let Some(users) = root.child("Users") else { return };
        for (i, u) in users.children_named("User").enumerate() {
            let guid = u.attr_trimmed("guid");
            let name = self.coder_names.take(u.attr("name").unwrap_or(""), &format!("User {}", i + 1));
            let id = CoderId(self.id_for(guid));
            let slug = self.slug_for(&name);
            self.coders.push(Coder { id, name, colour: palette_colour(self.coders.len() + 3), slug });
            if let Some(g) = guid {
                self.coder_by_guid.insert(guid_key(g), id);
            }
        }
    }

    // ---- codes ----

    fn codes(&mut self, codes: &Element, parent: Option<CodeId>, path: &str) {
        let mut uncoloured = 0;
        let mut folders = 0;
        let mut renamed = Vec::new();
        self.code_level(codes, parent, path, &mut uncoloured, &mut folders, &mut renamed);
        if uncoloured > 0 {
            self.report.notes.push(format!("{uncoloured} codes had no colour and were given palette colours"));
        }
        if folders > 0 {
            self.report.notes.push(format!(
                "{folders} codes were marked as folders (isCodable=\"false\"); Tema has no folders, so they are ordinary codes"
            ));
        }
        if !renamed.is_empty() {
            self.report
                .notes
                .push(format!("code names must be unique in Tema, so these were renamed: {}", renamed.join("; ")));
        }
    }

    fn code_level(
        &mut self,
        el: &Element,
        parent: Option<CodeId>,
        path: &str,
        uncoloured: &mut usize,
        folders: &mut usize,
        renamed: &mut Vec<String>,
    ) {
        for c in el.children_named("Code") {
            let raw = c.attr("name").unwrap_or("").trim().to_string();
            let name = self.code_names.take(&raw, "Unnamed code");
            if name != raw && !raw.is_empty() {
                renamed.push(format!("“{path}{raw}” → “{name}”"));
            }
            let colour = match c.attr("color").and_then(parse_colour) {
                Some(col) => col,
                None => {
                    *uncoloured += 1;
                    palette_colour(self.codes.len())
                }
            };
            if c.attr("isCodable").is_some_and(|v| v.trim() == "false" || v.trim() == "0") {
                *folders += 1;
            }
            let guid = c.attr_trimmed("guid");
            let id = self.add_code(c, name, colour, parent);
            if let Some(g) = guid {
                self.code_by_guid.insert(guid_key(g), id);
            }
            for r in c.children_named("NoteRef") {
                if let Some(t) = r.attr_trimmed("targetGUID") {
                    self.note_targets.push((guid_key(t), MemoTarget::Code(id)));
                }
            }
            let sub_path = format!("{path}{raw} / ");
            self.code_level(c, Some(id), &sub_path, uncoloured, folders, renamed);
        }
    }

    // ---- variables and cases ----

    fn variables(&mut self, root: &Element) {
        let Some(vars) = root.child("Variables") else { return };
        for v in vars.children_named("Variable") {
            if let (Some(g), Some(n)) = (v.attr_trimmed("guid"), v.attr_trimmed("name")) {
                self.variables.insert(guid_key(g), n.to_string());
            }
        }
    }

    /// The (name, value) pairs of an element's `VariableValue`s.
    fn values_of(&mut self, el: &Element, owner: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for v in el.children_named("VariableValue") {
            let guid = v.child("VariableRef").and_then(|r| r.attr_trimmed("targetGUID")).map(guid_key);
            let Some(name) = guid.as_ref().and_then(|g| self.variables.get(g)).cloned() else {
                self.drop(format!("a value of {owner}"), "it refers to a variable the project does not declare");
                continue;
            };
            match variable_value(v) {
                Some(value) => out.push((name, value)),
                None => self.drop(format!("“{name}” of {owner}"), "the value is empty or of an unknown type"),
            }
        }
        out
    }

    fn cases(&mut self, root: &Element) {
        let Some(cases) = root.child("Cases") else { return };
        for (i, c) in cases.children_named("Case").enumerate() {
            let sources: Vec<String> =
                c.children_named("SourceRef").filter_map(|r| r.attr_trimmed("targetGUID")).map(guid_key).collect();
            let name = c.attr("name").map(str::trim).unwrap_or("");
            let owner = if name.is_empty() { format!("case {}", i + 1) } else { format!("case “{name}”") };
            let values = self.values_of(c, &owner);
            // Quirkos keeps a file's values in an unnamed case with that one file.
            if name.is_empty() && sources.len() == 1 {
                let meta = self.doc_meta.entry(sources[0].clone()).or_default();
                self.report.counts.attributes += values.len();
                meta.extend(values);
                continue;
            }
            let label = self.participant_names.take(name, &format!("Case {}", i + 1));
            let id = ParticipantId(self.id_for(c.attr_trimmed("guid")));
            let mut p = Participant::new(id, label, "");
            for (k, v) in values {
                self.report.counts.attributes += 1;
                if k.trim().eq_ignore_ascii_case("group") {
                    p.props.group = v;
                } else {
                    p.props.attributes.insert(k, v);
                }
            }
            let description = c.child_text("Description").unwrap_or("").trim();
            if !description.is_empty() {
                p.props.attributes.insert("description".into(), description.to_string());
            }
            for s in sources {
                self.cases_of_source.entry(s).or_default().push(id);
            }
            let code_refs = c.children_named("CodeRef").count();
            if code_refs > 0 {
                self.drop(
                    format!("{code_refs} codes linked to {owner}"),
                    "Tema links participants to passages, not to codes",
                );
            }
            let sel_refs = c.children_named("SelectionRef").count();
            if sel_refs > 0 {
                self.drop(
                    format!("{sel_refs} selections linked to {owner}"),
                    "Tema links participants to whole documents (speaker turns), not to single selections",
                );
            }
            self.participants.push(p);
        }
    }

    /// Sets of sources: `attribute: value` (ATLAS.ti's document attributes) or plain groups.
    fn source_sets(&mut self, root: &Element) {
        let Some(sets) = root.child("Sets") else { return };
        for s in sets.children_named("Set") {
            let name = s.attr("name").unwrap_or("").trim().to_string();
            for m in s.children_named("MemberSource") {
                let Some(t) = m.attr_trimmed("targetGUID") else { continue };
                let meta = self.doc_meta.entry(guid_key(t)).or_default();
                self.report.counts.attributes += 1;
                match name.split_once(':') {
                    Some((k, v)) if !k.trim().is_empty() && !v.trim().is_empty() => {
                        meta.insert(k.trim().to_string(), v.trim().to_string());
                    }
                    _ => {
                        let entry = meta.entry("sets".into()).or_default();
                        if !entry.is_empty() {
                            entry.push_str("; ");
                        }
                        entry.push_str(&name);
                    }
                }
            }
        }
    }

    // ---- sources ----

    /// The raw text of a text source (inline, taken out of `el`, or a file read now) with the
    /// hash of its bytes, or why there is none. The text is handed over, never copied.
    fn source_text(
        &mut self,
        el: &mut Element,
        label: &str,
    ) -> Result<Result<(String, blake3::Hash), String>, ExchangeError> {
        if let Some(inline) = el.children.iter_mut().find(|c| c.name == "PlainTextContent") {
            let text = std::mem::take(&mut inline.text);
            let hash = blake3::hash(text.as_bytes());
            return Ok(Ok((text, hash)));
        }
        let Some(path) = el.attr_trimmed("plainTextPath") else {
            return Ok(Err(if el.attr_trimmed("richTextPath").is_some() {
                "it has a rich-text file but no plain-text rendering, which positions count in".into()
            } else {
                "it has no text (no PlainTextContent and no plainTextPath)".into()
            }));
        };
        let bytes = if let Some(name) = path.strip_prefix("internal://") {
            self.embedded(name.trim(), label)?
        } else if let Some(rest) = path.strip_prefix("relative://") {
            let rel = rest.trim_start_matches('/');
            match self.base_path.clone() {
                Some(base) => self.external(&base.join(rel))?,
                None => {
                    return Ok(Err(format!(
                        "its text is outside the archive ({path}) and the project has no basePath"
                    )));
                }
            }
        } else if let Some(rest) = path.strip_prefix("absolute://") {
            let mut p = rest.to_string();
            if p.as_bytes().get(2) == Some(&b':') {
                p.remove(0); // `/C:/...` on Windows
            }
            self.external(Path::new(&p))?
        } else {
            self.report
                .notes
                .push(format!("“{label}”: plainTextPath “{path}” has no scheme; read as an embedded file"));
            self.embedded(path, label)?
        };
        let Some(bytes) = bytes else {
            return Ok(Err(format!("its text file ({path}) is not in the archive or on disk")));
        };
        let hash = blake3::hash(&bytes);
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                return Ok(Err(format!(
                    "its text file ({path}) is not UTF-8 (byte {}); decoding it any other way would shift every position",
                    e.utf8_error().valid_up_to()
                )));
            }
        };
        Ok(Ok((text, hash)))
    }

    fn embedded(&mut self, name: &str, label: &str) -> Result<Option<Vec<u8>>, ExchangeError> {
        let Some(c) = self.container.as_deref_mut() else { return Ok(None) };
        match c.read_source(name) {
            Ok(found) => Ok(found.map(|(_, b)| b)),
            Err(ExchangeError::UnsafeEntry { entry, .. }) => {
                self.report
                    .notes
                    .push(format!("“{label}”: refused the file name “{entry}”, which leaves the sources folder"));
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    fn external(&mut self, path: &Path) -> Result<Option<Vec<u8>>, ExchangeError> {
        match self.container.as_deref_mut() {
            Some(c) => c.read_external(path),
            None => Ok(None),
        }
    }

    /// The `i`-th child of `<Sources>`, read as the XML is streamed (so only one source's
    /// selections are in memory at a time).
    fn source(&mut self, mut s: Element, i: usize) -> Result<(), ExchangeError> {
        {
            let name = s.attr("name").map(str::trim).filter(|n| !n.is_empty()).map(str::to_string);
            let label = name.clone().unwrap_or_else(|| format!("source {}", i + 1));
            match s.name.as_str() {
                "TextSource" => self.text_source(&mut s, None, &label)?,
                "PDFSource" => {
                    let pdf_sel = s.children_named("PDFSelection").count();
                    if pdf_sel > 0 {
                        self.drop(
                            format!("{pdf_sel} area selections in PDF “{label}”"),
                            "Tema codes text, not areas of a page",
                        );
                    }
                    match s.children.iter().position(|c| c.name == "Representation") {
                        Some(rep) => self.text_source(&mut s, Some(rep), &label)?,
                        None => self.drop(format!("PDF “{label}”"), "it has no plain-text rendering (Representation)"),
                    }
                }
                "PictureSource" | "AudioSource" | "VideoSource" => {
                    let what = match s.name.as_str() {
                        "PictureSource" => "picture",
                        "AudioSource" => "audio",
                        _ => "video",
                    };
                    let selections = s
                        .children
                        .iter()
                        .filter(|c| c.name.ends_with("Selection"))
                        .map(|c| c.children_named("Coding").count().max(1))
                        .sum::<usize>();
                    let extra = if selections > 0 {
                        format!(" with {selections} coded regions or clips")
                    } else {
                        String::new()
                    };
                    self.drop(
                        format!("{what} “{label}”{extra}"),
                        format!("Tema holds text only; {what}s are not imported"),
                    );
                    // A transcript of the recording is text and comes in.
                    for (k, t) in s.children.iter_mut().filter(|c| c.name == "Transcript").enumerate() {
                        let tl = format!("{label} (transcript {})", k + 1);
                        self.text_source(t, None, &tl)?;
                    }
                }
                other => self.drop(format!("<{other}> “{label}”"), "not a source type of REFI-QDA 1.5"),
            }
        }
        Ok(())
    }

    /// One text source: `owner` holds the GUID, name, notes and values; its child at `text_at`
    /// (a PDF's Representation), or else `owner` itself, holds the text and selections.
    fn text_source(&mut self, owner: &mut Element, text_at: Option<usize>, label: &str) -> Result<(), ExchangeError> {
        let text_read = match text_at.and_then(|i| owner.children.get_mut(i)) {
            Some(text_el) => self.source_text(text_el, label)?,
            None => self.source_text(owner, label)?,
        };
        let owner = &*owner;
        let text_el = text_at.and_then(|i| owner.children.get(i)).unwrap_or(owner);
        let guid = owner.attr_trimmed("guid").map(guid_key);
        let selections: Vec<&Element> = text_el.children_named("PlainTextSelection").collect();
        let raw = match text_read {
            Ok(read) => read,
            Err(reason) => {
                let extra = if selections.is_empty() {
                    String::new()
                } else {
                    format!(" and its {} selections", selections.len())
                };
                self.drop(format!("source “{label}”{extra}"), reason);
                return Ok(());
            }
        };
        let (mut raw, hash) = raw;
        if raw.starts_with('\u{FEFF}') {
            raw.drain(..'\u{FEFF}'.len_utf8());
        }
        let (text, map) = normalise_with_map(&raw);
        if text.is_empty() {
            let extra =
                if selections.is_empty() { String::new() } else { format!(" and its {} selections", selections.len()) };
            self.drop(
                format!("source “{label}”{extra}"),
                "its text is empty (the text may have been lost in an earlier export)",
            );
            return Ok(());
        }
        let name = self.doc_names.take(label, "Untitled source");
        let id = DocId(self.id_for(guid.as_deref()));
        let mut doc = Document::new(id, name.clone(), DocKind::default(), text);
        doc.source = Some(SourceInfo {
            file_name: label.to_string(),
            format: "refi-qda".into(),
            file_hash: hash.to_hex().to_string(),
            encoding: Some("utf-8".into()),
            imported_at: self.now,
        });
        let description = owner.child_text("Description").unwrap_or("").trim();
        if !description.is_empty() {
            doc.props.metadata.insert("description".into(), description.to_string());
        }
        let values = self.values_of(owner, &format!("source “{label}”"));
        self.report.counts.attributes += values.len();
        doc.props.metadata.extend(values);
        if let Some(meta) = guid.as_ref().and_then(|g| self.doc_meta.remove(g)) {
            doc.props.metadata.extend(meta);
        }
        if let Some(cases) = guid.as_ref().and_then(|g| self.cases_of_source.get(g))
            && let [one] = cases.as_slice()
            && let Some(p) = self.participants.iter().find(|p| p.id == *one)
        {
            doc.turns = vec![Turn {
                span: doc.full_span(),
                speaker: p.label().to_string(),
                participant: Some(p.id),
                start_ms: None,
                end_ms: None,
            }];
        }
        if let Some(g) = &guid {
            self.doc_by_guid.insert(g.clone(), id);
        }
        for r in owner.children_named("NoteRef") {
            if let Some(t) = r.attr_trimmed("targetGUID") {
                self.note_targets.push((guid_key(t), MemoTarget::Document(id)));
            }
        }

        // Selections: every position in the dialect the data supports.
        let mut positions = Vec::with_capacity(selections.len() * 2);
        let mut parsed = Vec::with_capacity(selections.len());
        for s in &selections {
            let start = s.attr("startPosition").and_then(|v| v.trim().parse::<u64>().ok());
            let end = s.attr("endPosition").and_then(|v| v.trim().parse::<u64>().ok());
            match (start, end) {
                (Some(a), Some(b)) => {
                    let (a, b) = (a.min(b), a.max(b));
                    positions.push(a);
                    positions.push(b);
                    parsed.push(Some((a, b)));
                }
                _ => parsed.push(None),
            }
        }
        let (dialect, switched) = offsets::detect(&raw, &positions, self.dialect);
        let hits = offsets::to_chars(&raw, dialect, &positions);
        let raw_len = dialect.len(&raw);
        let end_char = map.len() - 1;
        let mut clamped = 0;
        let mut k = 0;
        for (s, range) in selections.iter().zip(parsed) {
            let sel_guid = s.attr_trimmed("guid").map(guid_key);
            let what = format!("selection {} in “{label}”", s.attr("guid").unwrap_or("(no GUID)"));
            let Some((a, b)) = range else {
                self.drop(what, "its startPosition or endPosition is not a whole number");
                continue;
            };
            let (ha, hb) = (hits[k], hits[k + 1]);
            k += 2;
            let Some(ha) = ha else {
                self.drop(what, format!("it starts at {a}, past the end of its source ({raw_len} positions)"));
                continue;
            };
            let end = match hb {
                Some(h) => map[h.char],
                None => {
                    clamped += 1;
                    self.report.notes.push(format!(
                        "{what}: ends at {b}, past the end of its source ({raw_len} positions); cut at the end"
                    ));
                    map[end_char]
                }
            };
            let span = Span::new(map[ha.char], end);
            if span.is_empty() {
                self.drop(what, "it covers no text (empty, or only line breaks and spaces the text lost on import)");
                continue;
            }
            let comment = s.child_text("Description").unwrap_or("").trim().to_string();
            let sel_user = s.attr_trimmed("creatingUser").map(str::to_string);
            let sel_time = parse_time(s.attr("creationDateTime"));
            let mut first: Option<CodingId> = None;
            for c in s.children_named("Coding") {
                if let Some(cid) = self.coding(c, id, span, &comment, sel_user.as_deref(), sel_time, &what) {
                    first.get_or_insert(cid);
                }
            }
            if s.children_named("Coding").next().is_none() {
                if !comment.is_empty() {
                    let memo_id = MemoId(self.id_for(None));
                    self.memos.push(Memo {
                        id: memo_id,
                        created: sel_time.unwrap_or(self.now),
                        author: sel_user.as_deref().and_then(|g| self.coder_by_guid.get(&guid_key(g)).copied()),
                        props: MemoProps {
                            target: MemoTarget::Passage { doc: id, span },
                            title: "Note on a passage".into(),
                            body: comment.clone(),
                            modified: sel_time.unwrap_or(self.now),
                        },
                    });
                } else if s.children_named("NoteRef").next().is_none() {
                    self.drop(what.clone(), "it has no code and no memo; Tema keeps coded passages only");
                }
            }
            let target = first.map(MemoTarget::Coding).unwrap_or(MemoTarget::Passage { doc: id, span });
            for r in s.children_named("NoteRef") {
                if let Some(t) = r.attr_trimmed("targetGUID") {
                    self.note_targets.push((guid_key(t), target));
                }
            }
            if let Some(g) = sel_guid {
                self.selections.insert(g, (id, span, first));
            }
        }
        // Codings directly under the source code the whole text.
        for c in owner.children_named("Coding") {
            let what = format!("coding of the whole of “{label}”");
            self.coding(c, id, doc.full_span(), "", None, None, &what);
        }
        self.report.offsets.push(SourceOffsets {
            source: name,
            dialect,
            dialect_label: dialect.label(),
            switched,
            selections: selections.len(),
            clamped,
        });
        self.report.counts.sources += 1;
        self.docs.push(doc);
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn coding(
        &mut self,
        c: &Element,
        doc: DocId,
        span: Span,
        comment: &str,
        sel_user: Option<&str>,
        sel_time: Option<Timestamp>,
        what: &str,
    ) -> Option<CodingId> {
        let code_guid = c.child("CodeRef").and_then(|r| r.attr_trimmed("targetGUID"));
        let Some(code) = code_guid.and_then(|g| self.code_by_guid.get(&guid_key(g)).copied()) else {
            self.drop(
                format!("a coding of {what}"),
                format!("it refers to code {}, which the codebook does not have", code_guid.unwrap_or("(none)")),
            );
            return None;
        };
        let user = c.attr_trimmed("creatingUser").or(sel_user);
        let coder = self.coder_for(user);
        let key = (doc, span, code, coder);
        let guid = c.attr_trimmed("guid").map(guid_key);
        if !self.coding_keys.insert(key) {
            // The same code on the same words by the same coder (NVivo repeats selections).
            let existing = self.codings.iter().find(|x| (x.doc, x.span, x.code, x.coder) == key).map(|x| x.id);
            if let (Some(g), Some(e)) = (guid, existing) {
                self.coding_by_guid.insert(g, e);
            }
            return existing;
        }
        let id = CodingId(self.id_for(guid.as_deref()));
        let created = parse_time(c.attr("creationDateTime")).or(sel_time).unwrap_or(self.now);
        self.codings.push(Coding { id, doc, span, code, coder, created, comment: comment.to_string() });
        if let Some(g) = guid {
            self.coding_by_guid.insert(g, id);
        }
        for r in c.children_named("NoteRef") {
            if let Some(t) = r.attr_trimmed("targetGUID") {
                self.note_targets.push((guid_key(t), MemoTarget::Coding(id)));
            }
        }
        Some(id)
    }

    // ---- sets as themes ----

    fn code_sets(&mut self, root: &Element, member_attr: &str) {
        let Some(sets) = root.child("Sets") else { return };
        let mut parents: Vec<(ThemeId, String)> = Vec::new();
        for s in sets.children_named("Set") {
            let raw = s.attr("name").unwrap_or("").trim().to_string();
            let codes: Vec<CodeId> = s
                .children_named("MemberCode")
                .filter_map(|m| m.attr_trimmed(member_attr).or_else(|| m.attr_trimmed("targetGUID")))
                .filter_map(|g| self.code_by_guid.get(&guid_key(g)).copied())
                .fold(Vec::new(), |mut v, c| {
                    if !v.contains(&c) {
                        v.push(c);
                    }
                    v
                });
            let notes: Vec<String> =
                s.children_named("MemberNote").filter_map(|m| m.attr_trimmed("targetGUID")).map(guid_key).collect();
            let has_sources = s.children_named("MemberSource").next().is_some();
            if codes.is_empty() && (has_sources || notes.is_empty()) {
                if !has_sources {
                    self.drop(format!("set “{raw}”"), "it has no member codes Tema knows");
                }
                continue;
            }
            let name = self.theme_names.take(&raw, "Unnamed set");
            let id = ThemeId(self.id_for(s.attr_trimmed("guid")));
            let mut theme = Theme::new(id, name);
            let description = s.child_text("Description").unwrap_or("").trim().to_string();
            let mut concept = description.as_str();
            if let Some(rest) = description.strip_prefix(SUBTHEME_PREFIX) {
                let (parent, after) = rest.split_once('\n').unwrap_or((rest, ""));
                parents.push((id, parent.trim().to_string()));
                concept = after.trim();
            }
            theme.props.definition.concept = concept.to_string();
            theme.codes = codes;
            if let Some(g) = s.attr_trimmed("guid") {
                self.theme_by_guid.insert(guid_key(g), id);
            }
            for n in notes {
                self.note_targets.push((n, MemoTarget::Theme(id)));
            }
            self.themes.push(theme);
        }
        // "Subtheme of: NAME" (how Tema exports its subthemes) nests the set again.
        for (child, parent) in parents {
            let key = name_key(&parent);
            let pid = self.themes.iter().find(|t| name_key(t.name()) == key).map(|t| t.id);
            if let Some(pid) = pid.filter(|p| *p != child)
                && let Some(t) = self.themes.iter_mut().find(|t| t.id == child)
            {
                t.parent = Some(pid);
            }
        }
        // Parents before children, as CreateTheme needs; a cycle is broken by dropping parents.
        let mut ordered: Vec<Theme> = Vec::with_capacity(self.themes.len());
        let mut pending = std::mem::take(&mut self.themes);
        while !pending.is_empty() {
            let before = pending.len();
            let (ready, rest): (Vec<Theme>, Vec<Theme>) =
                pending.into_iter().partition(|t| t.parent.is_none_or(|p| ordered.iter().any(|o| o.id == p)));
            ordered.extend(ready);
            pending = rest;
            if pending.len() == before {
                for t in &mut pending {
                    t.parent = None;
                }
            }
        }
        self.themes = ordered;
    }

    // ---- notes ----

    fn notes(&mut self, root: &mut Element) -> Result<(), ExchangeError> {
        for r in root.children_named("NoteRef") {
            if let Some(t) = r.attr_trimmed("targetGUID") {
                self.note_targets.push((guid_key(t), MemoTarget::Journal));
            }
        }
        if let Some(links) = root.child("Links") {
            for l in links.children_named("Link") {
                let origin = l.attr_trimmed("originGUID").map(guid_key).unwrap_or_default();
                let target = l.attr_trimmed("targetGUID").map(guid_key).unwrap_or_default();
                let (note, other) = if self.note_guids.contains(&origin) {
                    (origin, target)
                } else if self.note_guids.contains(&target) {
                    (target, origin)
                } else {
                    let name = l.attr("name").unwrap_or("").trim();
                    self.drop(format!("link “{name}”"), "relations between objects other than memos are not carried");
                    continue;
                };
                match self.target_of(&other) {
                    Some(t) => self.note_targets.push((note, t)),
                    None => self.drop("a link from a note", "it points at something Tema did not import"),
                }
            }
        }
        if let Some(graphs) = root.child("Graphs") {
            let n = graphs.children_named("Graph").count();
            if n > 0 {
                self.drop(format!("{n} graphs"), "diagrams are not carried (the thematic map is drawn from themes)");
            }
        }
        let Some(notes) = root.children.iter_mut().find(|c| c.name == "Notes") else { return Ok(()) };
        let mut targets: HashMap<String, Vec<MemoTarget>> = HashMap::new();
        for (g, t) in std::mem::take(&mut self.note_targets) {
            let list = targets.entry(g).or_default();
            if !list.contains(&t) {
                list.push(t);
            }
        }
        for (i, n) in notes.children.iter_mut().filter(|c| c.name == "Note").enumerate() {
            let title = n.attr("name").unwrap_or("").trim().to_string();
            let label = if title.is_empty() { format!("note {}", i + 1) } else { format!("note “{title}”") };
            let body = match self.source_text(n, &label)? {
                Ok((mut text, _)) => {
                    if text.starts_with('\u{FEFF}') {
                        text.drain(..'\u{FEFF}'.len_utf8());
                    }
                    normalise(text)
                }
                Err(reason) => {
                    self.drop(label, reason);
                    continue;
                }
            };
            let guid = n.attr_trimmed("guid").map(guid_key).unwrap_or_default();
            let list = targets.remove(&guid).unwrap_or_else(|| vec![MemoTarget::Journal]);
            let author = n.attr_trimmed("creatingUser").and_then(|g| self.coder_by_guid.get(&guid_key(g)).copied());
            let created = parse_time(n.attr("creationDateTime")).unwrap_or(self.now);
            let modified = parse_time(n.attr("modifiedDateTime")).unwrap_or(created);
            for (k, target) in list.into_iter().enumerate() {
                let id = MemoId(self.id_for(if k == 0 { Some(guid.as_str()) } else { None }));
                self.memos.push(Memo {
                    id,
                    created,
                    author,
                    props: MemoProps { target, title: title.clone(), body: body.clone(), modified },
                });
            }
        }
        Ok(())
    }

    /// What a GUID stands for, as a memo target (selections first: ATLAS.ti reuses GUIDs).
    fn target_of(&self, guid: &str) -> Option<MemoTarget> {
        if let Some((doc, span, coding)) = self.selections.get(guid) {
            return Some(coding.map(MemoTarget::Coding).unwrap_or(MemoTarget::Passage { doc: *doc, span: *span }));
        }
        self.coding_by_guid
            .get(guid)
            .map(|c| MemoTarget::Coding(*c))
            .or_else(|| self.code_by_guid.get(guid).map(|c| MemoTarget::Code(*c)))
            .or_else(|| self.doc_by_guid.get(guid).map(|d| MemoTarget::Document(*d)))
            .or_else(|| self.theme_by_guid.get(guid).map(|t| MemoTarget::Theme(*t)))
    }

    fn finish(mut self, settings: Option<Settings>, label: String) -> (Edit, ImportReport) {
        let leftover = self.doc_meta.len();
        if leftover > 0 {
            self.drop(format!("attributes of {leftover} sources"), "the sources they belong to were not imported");
        }
        let c = &mut self.report.counts;
        c.coders = self.coders.len();
        c.codes = self.codes.len();
        c.participants = self.participants.len();
        c.codings = self.codings.len();
        c.themes = self.themes.len();
        c.memos = self.memos.len();
        // The look-up tables are done with: free them before the edit is built.
        let (report, coders, codes, participants, docs, codings, themes, memos) = {
            let planner = self;
            let Planner { report, coders, codes, participants, docs, codings, themes, memos, .. } = planner;
            (report, coders, codes, participants, docs, codings, themes, memos)
        };
        let mut edits = Vec::new();
        if let Some(settings) = settings {
            edits.push(Edit::SetSettings { settings });
        }
        edits.extend(coders.into_iter().map(|coder| Edit::AddCoder { coder, index: None }));
        edits.extend(codes.into_iter().map(|code| Edit::CreateCode { code, index: None }));
        edits.extend(participants.into_iter().map(|participant| Edit::AddParticipant { participant, index: None }));
        edits.extend(docs.into_iter().map(|d| Edit::AddDocument { document: Box::new(d), index: None }));
        // One edit for all codings: an edit per coding would take twice their memory, and
        // so would the inverse kept for undo.
        if !codings.is_empty() {
            edits.push(Edit::AddCodings { codings });
        }
        edits.extend(themes.into_iter().map(|theme| Edit::CreateTheme { theme, index: None }));
        edits.extend(memos.into_iter().map(|memo| Edit::AddMemo { memo, index: None }));
        (Edit::batch(label, edits), report)
    }
}

/// Where a Tema subtheme's set says which theme it belongs to (first line of its Description).
pub(crate) const SUBTHEME_PREFIX: &str = "Subtheme of: ";

fn file_label(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
}

/// Whether an element that just ended is a source: a child of `<Project><Sources>`.
fn is_source(open: &[Element]) -> bool {
    matches!(open, [_, sources] if sources.name == "Sources")
}

fn stream_error(path: &Path, entry: &str, stop: xml::Stop<ExchangeError>) -> ExchangeError {
    match stop {
        xml::Stop::Xml(e) => {
            ExchangeError::Xml { path: path.to_path_buf(), entry: entry.to_string(), line: e.line, reason: e.reason }
        }
        xml::Stop::NotUtf8(at) => ExchangeError::NotUtf8 {
            path: path.to_path_buf(),
            entry: entry.to_string(),
            offset: usize::try_from(at).unwrap_or(usize::MAX),
        },
        xml::Stop::Sink(e) => e,
    }
}

/// Reads a `.qdpx` (or a bare `.qde`) and plans a new project from it.
///
/// The `.qde` is streamed twice and never held whole: first everything but the sources
/// (users, codebook, cases, sets, notes: small, and needed before any source, though the
/// schema puts `<Sets>` and `<Notes>` after `<Sources>`), then the sources one at a time,
/// each text read from the archive when its source is reached.
///
/// `progress` has the phase `reading the project`, then `reading sources` counting the
/// sources done of all; cancelling it stops the import with [`ExchangeError::Cancelled`]
/// before the next source.
pub fn plan_project_import(path: &Path, limits: &Limits, progress: &Progress) -> Result<ImportPlan, ExchangeError> {
    progress.set_message(file_label(path));
    progress.set_phase("reading the project");
    let mut container = Container::open(path, limits)?;
    let qde = container.qde()?;
    let entry = qde.entry().to_string();
    let mut sources = 0u64;
    let mut root = qde.read(|input| {
        xml::parse_reader(input, |open, el| {
            if is_source(open) {
                sources += 1;
                return Ok(None);
            }
            Ok(Some(el))
        })
        .map_err(|stop| stream_error(path, &entry, stop))
    })?;
    expect_root(&root, path, "Project", "project")?;
    let mut planner = Planner::new(Some(&mut container), file_label(path));
    let origin = root.attr("origin").unwrap_or("").trim().to_string();
    planner.report.origin = origin.clone();
    planner.dialect = Dialect::for_origin(&origin);
    planner.base_path = root.attr_trimmed("basePath").map(PathBuf::from);
    planner.project_user = root.attr_trimmed("creatingUserGUID").map(guid_key);
    planner.users(&root);
    if let Some(codes) = root.child("CodeBook").and_then(|c| c.child("Codes")) {
        planner.codes(codes, None, "");
    }
    planner.variables(&root);
    planner.cases(&root);
    planner.source_sets(&root);
    if let Some(notes) = root.child("Notes") {
        planner.note_guids =
            notes.children_named("Note").filter_map(|n| n.attr_trimmed("guid")).map(guid_key).collect();
    }
    let mut index = 0;
    progress.set_total(sources);
    progress.set_item(0, sources);
    progress.set_phase("reading sources");
    qde.read(|input| {
        xml::parse_reader(input, |open, el| {
            if is_source(open) {
                progress.check().map_err(|_| ExchangeError::Cancelled)?;
                planner.source(el, index)?;
                index += 1;
                progress.set_item(index as u64, sources);
                progress.set_done(index as u64);
                Ok(None)
            } else if open.len() == 1 {
                Ok(None) // not a source: read in the first pass
            } else {
                Ok(Some(el))
            }
        })
        .map(drop)
        .map_err(|stop| stream_error(path, &entry, stop))
    })?;
    planner.code_sets(&root, "targetGUID");
    planner.notes(&mut root)?;
    let name = root.attr("name").map(str::trim).filter(|n| !n.is_empty()).map(str::to_string).unwrap_or_else(|| {
        path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "Imported project".into())
    });
    let settings = Settings {
        name: name.clone(),
        description: root.child_text("Description").unwrap_or("").trim().to_string(),
        ..Default::default()
    };
    let label = format!("Import REFI-QDA project “{}”", file_label(path));
    let (edit, report) = planner.finish(Some(settings), label);
    Ok(ImportPlan { name, edit, report })
}

/// Reads a `.qdc` codebook and plans merging it into `project`: codes are matched by name
/// (a code already there is kept as it is), new codes keep their place in the tree, and
/// sets become themes (an existing theme of that name gains the set's codes).
pub fn plan_codebook_import(project: &Project, path: &Path, limits: &Limits) -> Result<ImportPlan, ExchangeError> {
    let size = std::fs::metadata(path).map_err(ExchangeError::io("read", path))?.len();
    if size > limits.max_member {
        return Err(ExchangeError::TooLarge {
            path: path.to_path_buf(),
            entry: file_label(path),
            size,
            limit: limits.max_member,
        });
    }
    let bytes = std::fs::read(path).map_err(ExchangeError::io("read", path))?;
    let root = parse_xml(&bytes, path, &file_label(path))?;
    expect_root(&root, path, "CodeBook", "codebook")?;
    let Some(codes) = root.child("Codes").filter(|c| c.child("Code").is_some()) else {
        return Err(ExchangeError::NoCodes { path: path.to_path_buf() });
    };
    let mut planner = Planner::new(None, file_label(path));
    planner.report.origin = root.attr("origin").unwrap_or("").trim().to_string();
    planner.ids.extend(project.codes.keys().map(|c| c.0));
    planner.ids.extend(project.themes.keys().map(|t| t.0));
    planner.code_names = Names::from(project.codes.values().map(|c| c.name()));
    planner.theme_names = Names::from(project.themes.values().map(|t| t.name()));
    let mut kept = 0;
    merge_codes(&mut planner, project, codes, None, &mut kept);
    if kept > 0 {
        planner
            .report
            .notes
            .push(format!("{kept} codes were already in the project (matched by name) and were left as they are"));
    }
    // Sets: into existing themes by name, else new themes.
    let mut updates = Vec::new();
    if let Some(sets) = root.child("Sets") {
        let mut fresh = Element { name: "Root".into(), ..Default::default() };
        let mut fresh_sets = Element { name: "Sets".into(), ..Default::default() };
        for s in sets.children_named("Set") {
            let name = s.attr("name").unwrap_or("");
            match project.theme_by_name(name) {
                Some(t) => {
                    let mut codes = t.codes.clone();
                    for g in s
                        .children_named("MemberCode")
                        .filter_map(|m| m.attr_trimmed("guid").or(m.attr_trimmed("targetGUID")))
                    {
                        if let Some(c) = planner.code_by_guid.get(&guid_key(g))
                            && !codes.contains(c)
                        {
                            codes.push(*c);
                        }
                    }
                    if codes != t.codes {
                        updates.push(Edit::SetThemeCodes { id: t.id, codes });
                    }
                }
                None => fresh_sets.children.push(s.clone()),
            }
        }
        fresh.children.push(fresh_sets);
        planner.code_sets(&fresh, "guid");
    }
    let label = format!("Import codebook “{}”", file_label(path));
    let (edit, mut report) = planner.finish(None, label.clone());
    report.counts.themes += updates.len();
    let edit = match edit {
        Edit::Batch { edits, .. } => Edit::batch(label, edits.into_iter().chain(updates).collect()),
        other => other,
    };
    Ok(ImportPlan { name: project.settings.name.clone(), edit, report })
}

fn merge_codes(planner: &mut Planner<'_>, project: &Project, el: &Element, parent: Option<CodeId>, kept: &mut usize) {
    for c in el.children_named("Code") {
        let raw = c.attr("name").unwrap_or("").trim();
        let guid = c.attr_trimmed("guid");
        let id = match project.code_by_name(raw) {
            Some(existing) if !raw.is_empty() => {
                *kept += 1;
                existing.id
            }
            _ => {
                let name = planner.code_names.take(raw, "Unnamed code");
                let colour = c
                    .attr("color")
                    .and_then(parse_colour)
                    .unwrap_or_else(|| palette_colour(project.codes.len() + planner.codes.len()));
                planner.add_code(c, name, colour, parent)
            }
        };
        if let Some(g) = guid {
            planner.code_by_guid.insert(guid_key(g), id);
        }
        merge_codes(planner, project, c, Some(id), kept);
    }
}

/// Creates a project in `dir` (which must not exist or be empty) and applies the plan as
/// one undoable step. If anything fails, a folder this call created is removed again, so
/// nothing half-written is left behind.
pub fn import_into_new_project(dir: &Path, plan: ImportPlan) -> Result<Store, ExchangeError> {
    let existed = dir.exists();
    let cleanup = |store: Option<Store>| {
        drop(store);
        if !existed {
            let _ = std::fs::remove_dir_all(dir);
        }
    };
    let store_err = |source: crate::store::StoreError| ExchangeError::Store { path: dir.to_path_buf(), source };
    let mut store = match Store::create(dir, &plan.name) {
        Ok(s) => s,
        Err(e) => {
            if !matches!(e, crate::store::StoreError::NotEmpty { .. }) {
                cleanup(None);
            }
            return Err(store_err(e));
        }
    };
    if let Err(e) = store.apply(plan.edit) {
        cleanup(Some(store));
        return Err(store_err(e));
    }
    if let Err(e) = store.save() {
        cleanup(Some(store));
        return Err(store_err(e));
    }
    Ok(store)
}
