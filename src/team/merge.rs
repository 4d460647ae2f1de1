//! Merging another copy of a project into this one.
//!
//! Two researchers who coded in their own copies (sent by e-mail, on a stick, in two folders
//! of a shared drive) bring the other's work in with one undoable edit. Things are matched, not
//! copied blindly:
//!
//! - documents by id first, then by the hash of their text (names may differ; a document that
//!   is not here is reported, and whatever hangs on it is left out). A document with the same
//!   id but another text was corrected in one copy: this copy's text is kept, and the other
//!   copy's codings, quotes, notes and turns on it are re-based onto it first — the
//!   differences between the two texts (a word diff) become one text correction of the other
//!   copy, planned by the one planner of corrections (`edit::plan_text_correction`), so a
//!   span moves and clamps exactly as if the correction had been made there,
//! - coders by id, then by name; codes and themes by id, then by name (ignoring case and
//!   spacing); participants by id, then by label,
//! - codings, quotes, memos and consensus entries by id, and codings also by what they say
//!   (the same coder, code and passage is the same coding, whatever its id).
//!
//! Where both copies hold the same thing with different content (a code renamed in one copy, a
//! memo edited in both), this copy's version is kept and the difference is listed as a
//! conflict for the researcher to look at; nothing is overwritten silently. Merging the same
//! copy again changes nothing, and merging A into B or B into A gives the same codings, codes
//! and themes (ids aside where things were matched by name).

use crate::edit::{Edit, plan_text_correction};
use crate::model::*;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

/// What kind of disagreement between the two copies a conflict is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictKind {
    /// A document of the other copy is not here (no document has the same id or text).
    DocumentMissing,
    /// The same document (by id) has another text there (corrected in one copy): this copy's
    /// text is kept and the other copy's codings are re-based onto it.
    DocumentTextDiffers,
    /// The same coder has another name or colour there.
    CoderDiffers,
    /// The same participant (by id or label) has other details there.
    ParticipantDiffers,
    /// The same code (by id) has another name or description there.
    CodeDiffers,
    /// The same code sits elsewhere in the code tree there.
    CodeMoved,
    /// A code there has the name of a code here with another id: they were taken to be the same.
    CodeMatchedByName,
    ThemeDiffers,
    ThemeMatchedByName,
    /// The same coding (by id) covers another passage or has another code there.
    CodingDiffers,
    QuoteDiffers,
    /// The same memo was edited in both copies.
    MemoDiffers,
    ConsensusDiffers,
    /// Something could not be brought in (it would break a rule of the project).
    NotMerged,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Conflict {
    pub kind: ConflictKind,
    /// What differs and what was done about it, naming the things involved.
    pub message: String,
}

/// How many things of each kind the merge brings in.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub coders: usize,
    pub participants: usize,
    pub codes: usize,
    pub themes: usize,
    pub theme_members: usize,
    pub codings: usize,
    pub read_marks: usize,
    pub quotes: usize,
    pub memos: usize,
    pub consensus: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Matched {
    /// Documents found here by the hash of their text.
    pub documents: usize,
    /// Of those, documents with another id here (imported separately in each copy).
    pub documents_by_text_only: usize,
    /// Documents matched by id whose text differs (corrected in one copy): the other copy's
    /// codings on them were re-based onto this copy's text.
    pub documents_rebased: usize,
    pub coders_by_name: usize,
    pub codes_by_name: usize,
    pub themes_by_name: usize,
    pub participants_by_label: usize,
    /// Codings already here under another id (same coder, code and passage).
    pub codings_by_content: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MergeReport {
    pub added: Counts,
    pub matched: Matched,
    pub conflicts: Vec<Conflict>,
}

impl MergeReport {
    /// True when the merge brings nothing in.
    pub fn is_noop(&self) -> bool {
        self.added == Counts::default()
    }
}

/// The merge: what it would do, and the edit that does it (`None` when there is nothing to
/// bring in).
#[derive(Clone, Debug)]
pub struct MergePlan {
    pub edit: Option<Edit>,
    pub report: MergeReport,
}

/// Plans merging `theirs` into `ours`. Applying `plan.edit` to `ours` does the merge.
pub fn plan_merge(ours: &Project, theirs: &Project) -> MergePlan {
    let mut m = Merger { work: ours.clone(), edits: Vec::new(), report: MergeReport::default(), ..Default::default() };
    let theirs = &*m.rebase_corrected(theirs);
    m.documents(theirs);
    m.coders(theirs);
    m.participants(theirs);
    m.codes(theirs);
    m.themes(theirs);
    m.codings(theirs);
    m.read_marks(theirs);
    m.quotes(theirs);
    m.memos(theirs);
    m.consensus(theirs);
    m.report_missing_documents(theirs);
    let edit = (!m.edits.is_empty()).then(|| Edit::batch(label(theirs), m.edits));
    MergePlan { edit, report: m.report }
}

fn label(theirs: &Project) -> String {
    format!("Merge “{}”", theirs.settings.name)
}

#[derive(Default)]
struct Merger {
    /// This project with the merge's edits applied so far: each edit is checked as it is made.
    work: Project,
    edits: Vec<Edit>,
    report: MergeReport,
    docs: HashMap<DocId, DocId>,
    coders: HashMap<CoderId, CoderId>,
    participants: HashMap<ParticipantId, ParticipantId>,
    codes: HashMap<CodeId, CodeId>,
    themes: HashMap<ThemeId, ThemeId>,
    codings: HashMap<CodingId, CodingId>,
    /// Per document of theirs that is missing here: what was left out because of it.
    left_out: BTreeMap<DocId, (usize, usize, usize)>,
}

impl Merger {
    fn conflict(&mut self, kind: ConflictKind, message: String) {
        self.report.conflicts.push(Conflict { kind, message });
    }

    /// Applies an edit to the working copy and keeps it; reports it when it is refused.
    fn push(&mut self, edit: Edit, what: impl FnOnce() -> String) -> bool {
        match self.work.apply(edit.clone()) {
            Ok(_) => {
                self.edits.push(edit);
                true
            }
            Err(e) => {
                let what = what();
                self.conflict(ConflictKind::NotMerged, format!("{what} was not brought in: {e}"));
                false
            }
        }
    }

    /// The other copy with each document that has the same id here but another text corrected
    /// to this copy's text, so everything on it lands on the same words here.
    fn rebase_corrected<'t>(&mut self, theirs: &'t Project) -> Cow<'t, Project> {
        let mut out = Cow::Borrowed(theirs);
        for d in theirs.documents.values() {
            let Some(ours) = self.work.documents.get(&d.id) else { continue };
            if ours.text_hash == d.text_hash {
                continue;
            }
            let (name, target) = (ours.name().to_string(), ours.text_hash.clone());
            let changes = changes_between(&d.text, &ours.text);
            let planned = plan_text_correction(&out, d.id, changes);
            let result = planned.and_then(|c| {
                let mut next = out.clone().into_owned();
                next.apply(c.edit.clone())?;
                Ok((next, c))
            });
            match result {
                Ok((next, c)) if next.documents.get(&d.id).is_some_and(|x| x.text_hash == target) => {
                    let codings = theirs.codings.values().filter(|x| x.doc == d.id).count();
                    let clamped = c.touched.iter().filter(|t| t.after.is_some()).count();
                    let removed = c.touched.len() - clamped;
                    self.report.matched.documents_rebased += 1;
                    self.conflict(
                        ConflictKind::DocumentTextDiffers,
                        format!(
                            "document “{name}” has another text in the other copy (corrected in one of them); kept \
                             this copy's text and moved the other copy's {codings} codings onto it ({clamped} \
                             touched a changed passage and were fitted to it, {removed} lay only in text that is \
                             not here and were left out)"
                        ),
                    );
                    out = Cow::Owned(next);
                }
                _ => self.conflict(
                    ConflictKind::DocumentTextDiffers,
                    format!(
                        "document “{name}” has another text in the other copy, and its codings could not be moved \
                         onto this copy's text; they are matched by text only"
                    ),
                ),
            }
        }
        out
    }

    fn documents(&mut self, theirs: &Project) {
        let mut by_hash: HashMap<&str, Vec<&Document>> = HashMap::new();
        for d in self.work.documents.values() {
            by_hash.entry(d.text_hash.as_str()).or_default().push(d);
        }
        let mut found = Vec::new();
        for d in theirs.documents.values() {
            let Some(candidates) = by_hash.get(d.text_hash.as_str()) else { continue };
            let best = candidates
                .iter()
                .find(|c| c.id == d.id)
                .or_else(|| candidates.iter().find(|c| name_key(c.name()) == name_key(d.name())))
                .or(candidates.first());
            if let Some(c) = best {
                found.push((d.id, c.id));
            }
        }
        for (theirs_id, ours_id) in found {
            self.report.matched.documents += 1;
            self.report.matched.documents_by_text_only += usize::from(theirs_id != ours_id);
            self.docs.insert(theirs_id, ours_id);
        }
    }

    fn doc(&mut self, theirs: DocId, what: usize) -> Option<DocId> {
        let found = self.docs.get(&theirs).copied();
        if found.is_none() {
            let e = self.left_out.entry(theirs).or_default();
            match what {
                0 => e.0 += 1,
                1 => e.1 += 1,
                _ => e.2 += 1,
            }
        }
        found
    }

    fn report_missing_documents(&mut self, theirs: &Project) {
        let missing: Vec<&Document> = theirs.documents.values().filter(|d| !self.docs.contains_key(&d.id)).collect();
        for d in missing {
            let (codings, quotes, memos) = self.left_out.get(&d.id).copied().unwrap_or_default();
            let mut parts = Vec::new();
            for (n, what) in [(codings, "codings"), (quotes, "quotes"), (memos, "memos")] {
                if n > 0 {
                    parts.push(format!("{n} {what}"));
                }
            }
            let left =
                if parts.is_empty() { String::new() } else { format!("; its {} were left out", parts.join(", ")) };
            self.conflict(
                ConflictKind::DocumentMissing,
                format!(
                    "document “{}” ({} characters) is not in this project (no document has the same text){left}; \
                     import it here and merge again to bring them in",
                    d.name(),
                    d.char_len
                ),
            );
        }
    }

    fn coders(&mut self, theirs: &Project) {
        for c in theirs.coders.values() {
            if let Some(ours) = self.work.coders.get(&c.id).map(|o| o.name.clone()) {
                if ours != c.name {
                    let msg = format!("coder “{ours}” is called “{}” in the other copy; kept “{ours}”", c.name);
                    self.conflict(ConflictKind::CoderDiffers, msg);
                }
                self.coders.insert(c.id, c.id);
            } else if let Some(ours) = self.work.coder_by_name(&c.name).map(|o| o.id) {
                self.report.matched.coders_by_name += 1;
                self.coders.insert(c.id, ours);
            } else {
                // Their file name may be taken here by someone else.
                let taken = self.work.coders.values().any(|x| x.slug.eq_ignore_ascii_case(&c.slug));
                let slug = if taken { self.work.new_coder(&c.name).slug } else { c.slug.clone() };
                let coder = Coder { slug, ..c.clone() };
                if self.push(Edit::AddCoder { coder, index: None }, || format!("coder “{}”", c.name)) {
                    self.report.added.coders += 1;
                    self.coders.insert(c.id, c.id);
                }
            }
        }
    }

    fn participants(&mut self, theirs: &Project) {
        for x in theirs.participants.values() {
            let ours = self.work.participants.get(&x.id).or_else(|| self.work.participant_by_label(x.label())).cloned();
            match ours {
                Some(ours) => {
                    let id = ours.id;
                    if ours.id != x.id {
                        self.report.matched.participants_by_label += 1;
                    }
                    if ours.props != x.props {
                        let msg = format!(
                            "participant {} has other details in the other copy (group, attributes or aliases); kept these",
                            ours.label()
                        );
                        self.conflict(ConflictKind::ParticipantDiffers, msg);
                    }
                    self.participants.insert(x.id, id);
                }
                None => {
                    if self.push(Edit::AddParticipant { participant: x.clone(), index: None }, || {
                        format!("participant {}", x.label())
                    }) {
                        self.report.added.participants += 1;
                        self.participants.insert(x.id, x.id);
                    }
                }
            }
        }
    }

    fn codes(&mut self, theirs: &Project) {
        // Parents before children, so a new child can name its (new or matched) parent.
        let order = parents_first(theirs.codes.values().map(|c| (c.id, c.parent)).collect());
        let path = |p: &Project, id: CodeId| p.code_path(id);
        for id in order {
            let Some(c) = theirs.codes.get(&id) else { continue };
            let parent = c.parent.and_then(|p| self.codes.get(&p).copied());
            if let Some(ours) = self.work.codes.get(&c.id) {
                let ours = ours.clone();
                self.code_differences(c, &ours, parent, path(theirs, c.id));
                self.codes.insert(c.id, c.id);
            } else if let Some(ours) = self.work.code_by_name(c.name()).cloned() {
                self.report.matched.codes_by_name += 1;
                self.conflict(
                    ConflictKind::CodeMatchedByName,
                    format!(
                        "code “{}” has another id in each copy; taken to be the same code",
                        path(&self.work, ours.id)
                    ),
                );
                self.code_differences(c, &ours, parent, path(theirs, c.id));
                self.codes.insert(c.id, ours.id);
            } else {
                let code = Code { parent, ..c.clone() };
                if self.push(Edit::CreateCode { code, index: None }, || format!("code “{}”", c.name())) {
                    self.report.added.codes += 1;
                    self.codes.insert(c.id, c.id);
                }
            }
        }
    }

    fn code_differences(&mut self, c: &Code, ours: &Code, parent: Option<CodeId>, their_path: String) {
        let here = self.work.code_path(ours.id);
        if name_key(ours.name()) != name_key(c.name()) || ours.props.description != c.props.description {
            let what = if name_key(ours.name()) != name_key(c.name()) {
                format!("is called “{}” in the other copy", c.name())
            } else {
                "has another description in the other copy".to_string()
            };
            self.conflict(ConflictKind::CodeDiffers, format!("code “{here}” {what}; kept this copy's"));
        }
        if ours.parent != parent {
            self.conflict(
                ConflictKind::CodeMoved,
                format!("code “{here}” sits at “{their_path}” in the other copy; kept its place here"),
            );
        }
    }

    fn themes(&mut self, theirs: &Project) {
        let order = parents_first(theirs.themes.values().map(|t| (t.id, t.parent)).collect());
        for id in order {
            let Some(t) = theirs.themes.get(&id) else { continue };
            let mut members: Vec<CodeId> = Vec::new();
            for c in t.codes.iter().filter_map(|c| self.codes.get(c)) {
                if !members.contains(c) {
                    members.push(*c);
                }
            }
            let ours = self.work.themes.get(&t.id).or_else(|| self.work.theme_by_name(t.name())).cloned();
            match ours {
                Some(ours) => {
                    if ours.id != t.id {
                        self.report.matched.themes_by_name += 1;
                        self.conflict(
                            ConflictKind::ThemeMatchedByName,
                            format!("theme “{}” has another id in each copy; taken to be the same theme", ours.name()),
                        );
                    }
                    if name_key(&ours.props.name) != name_key(&t.props.name)
                        || ours.props.status != t.props.status
                        || ours.props.definition != t.props.definition
                    {
                        self.conflict(
                            ConflictKind::ThemeDiffers,
                            format!(
                                "theme “{}” has another name, status or definition in the other copy (“{}”, {}); kept this copy's",
                                ours.name(),
                                t.name(),
                                t.status().label().to_lowercase()
                            ),
                        );
                    }
                    self.themes.insert(t.id, ours.id);
                    // Codes the other copy put in the theme join it; none leave.
                    let mut codes = ours.codes.clone();
                    let extra: Vec<CodeId> = members.into_iter().filter(|c| !ours.codes.contains(c)).collect();
                    if !extra.is_empty() {
                        let n = extra.len();
                        codes.extend(extra);
                        if self.push(Edit::SetThemeCodes { id: ours.id, codes }, || {
                            format!("codes of theme “{}”", ours.name())
                        }) {
                            self.report.added.theme_members += n;
                        }
                    }
                }
                None => {
                    let parent = t.parent.and_then(|p| self.themes.get(&p).copied());
                    let theme = Theme { parent, codes: members, ..t.clone() };
                    if self.push(Edit::CreateTheme { theme, index: None }, || format!("theme “{}”", t.name())) {
                        self.report.added.themes += 1;
                        self.themes.insert(t.id, t.id);
                    }
                }
            }
        }
    }

    fn codings(&mut self, theirs: &Project) {
        for c in theirs.codings.values() {
            let Some(doc) = self.doc(c.doc, 0) else { continue };
            let (Some(&code), Some(&coder)) = (self.codes.get(&c.code), self.coders.get(&c.coder)) else { continue };
            let mapped = Coding { doc, code, coder, ..c.clone() };
            if let Some(ours) = self.work.codings.get(&c.id).cloned() {
                if (ours.doc, ours.span, ours.code, ours.coder) != (doc, c.span, code, coder) {
                    let doc_name = self.work.documents.get(&doc).map(|d| d.name().to_string()).unwrap_or_default();
                    let coder_name = self.work.coders.get(&ours.coder).map(|x| x.name.clone()).unwrap_or_default();
                    self.conflict(
                        ConflictKind::CodingDiffers,
                        format!(
                            "a coding by {coder_name} in “{doc_name}” was changed in the other copy (now {:?} as “{}”); kept it as it is here ({:?} as “{}”)",
                            c.span,
                            self.work.code_path(code),
                            ours.span,
                            self.work.code_path(ours.code)
                        ),
                    );
                }
                self.codings.insert(c.id, c.id);
            } else if let Some(existing) = self.work.find_coding(doc, c.span, code, coder) {
                self.report.matched.codings_by_content += 1;
                self.codings.insert(c.id, existing);
            } else if self.push(Edit::AddCoding { coding: mapped }, || "a coding".to_string()) {
                self.report.added.codings += 1;
                self.codings.insert(c.id, c.id);
            }
        }
    }

    fn read_marks(&mut self, theirs: &Project) {
        for d in theirs.documents.values() {
            let Some(&doc) = self.docs.get(&d.id) else { continue };
            let readers: Vec<CoderId> = d.read_by.iter().filter_map(|c| self.coders.get(c).copied()).collect();
            for coder in readers {
                let read = self.work.documents.get(&doc).is_some_and(|x| x.read_by.contains(&coder));
                if !read && self.push(Edit::SetDocumentRead { id: doc, coder, read: true }, || "a read mark".into()) {
                    self.report.added.read_marks += 1;
                }
            }
        }
    }

    fn quotes(&mut self, theirs: &Project) {
        for q in theirs.quotes.values() {
            let Some(doc) = self.doc(q.doc, 1) else { continue };
            let Some(&theme) = self.themes.get(&q.theme) else { continue };
            let coding = q.coding.and_then(|c| self.codings.get(&c).copied());
            let mapped = Quote { doc, theme, coding, ..q.clone() };
            if let Some(ours) = self.work.quotes.get(&q.id).cloned() {
                if ours.props != mapped.props || ours.theme != theme {
                    let theme_name =
                        self.work.themes.get(&ours.theme).map(|t| t.name().to_string()).unwrap_or_default();
                    self.conflict(
                        ConflictKind::QuoteDiffers,
                        format!("a quote of theme “{theme_name}” was edited in the other copy; kept this copy's"),
                    );
                }
            } else if self.push(Edit::AddQuote { quote: mapped, index: None }, || "a quote".into()) {
                self.report.added.quotes += 1;
            }
        }
    }

    fn memos(&mut self, theirs: &Project) {
        for m in theirs.memos.values() {
            let target = match m.props.target {
                MemoTarget::Journal => Some(MemoTarget::Journal),
                MemoTarget::Document(d) => self.doc(d, 2).map(MemoTarget::Document),
                MemoTarget::Passage { doc, span } => self.doc(doc, 2).map(|doc| MemoTarget::Passage { doc, span }),
                MemoTarget::Code(c) => self.codes.get(&c).copied().map(MemoTarget::Code),
                MemoTarget::Theme(t) => self.themes.get(&t).copied().map(MemoTarget::Theme),
                MemoTarget::Coding(c) => match theirs.codings.get(&c) {
                    Some(x) if !self.docs.contains_key(&x.doc) => {
                        self.doc(x.doc, 2);
                        None
                    }
                    _ => self.codings.get(&c).copied().map(MemoTarget::Coding),
                },
            };
            let Some(target) = target else { continue };
            let author = m.author.and_then(|a| self.coders.get(&a).copied());
            let mapped = Memo { author, props: MemoProps { target, ..m.props.clone() }, ..m.clone() };
            if let Some(ours) = self.work.memos.get(&m.id).cloned() {
                if ours.props != mapped.props {
                    let title = if ours.props.title.is_empty() {
                        "untitled".to_string()
                    } else {
                        format!("“{}”", ours.props.title)
                    };
                    self.conflict(
                        ConflictKind::MemoDiffers,
                        format!("memo {title} was edited in both copies; kept this copy's (the other's text is in the other copy)"),
                    );
                }
            } else if self.push(Edit::AddMemo { memo: mapped, index: None }, || "a memo".into()) {
                self.report.added.memos += 1;
            }
        }
    }

    fn consensus(&mut self, theirs: &Project) {
        for e in theirs.consensus.values() {
            let Some(doc) = self.docs.get(&e.doc).copied() else { continue };
            let coder = |c: CoderId| self.coders.get(&c).copied();
            let (Some(a), Some(b), Some(target)) = (coder(e.coder_a), coder(e.coder_b), coder(e.target)) else {
                continue;
            };
            let snap = |s: &Option<CodingSnapshot>| {
                s.as_ref().map(|s| CodingSnapshot {
                    coding: self.codings.get(&s.coding).copied().unwrap_or(s.coding),
                    code: self.codes.get(&s.code).copied().unwrap_or(s.code),
                    ..s.clone()
                })
            };
            let resolution = match &e.resolution {
                Resolution::NewCode { code, code_name, span } => Resolution::NewCode {
                    code: self.codes.get(code).copied().unwrap_or(*code),
                    code_name: code_name.clone(),
                    span: *span,
                },
                r => r.clone(),
            };
            let mapped = ConsensusEntry {
                doc,
                coder_a: a,
                coder_b: b,
                target,
                author: e.author.and_then(coder),
                a: snap(&e.a),
                b: snap(&e.b),
                resolution,
                ..e.clone()
            };
            if let Some(differs) = self.work.consensus.get(&e.id).map(|o| o.note != mapped.note) {
                if differs {
                    self.conflict(
                        ConflictKind::ConsensusDiffers,
                        "a consensus note was edited in both copies; kept this copy's".to_string(),
                    );
                }
            } else if self
                .push(Edit::AddConsensus { entry: Box::new(mapped), index: None }, || "a consensus entry".into())
            {
                self.report.added.consensus += 1;
            }
        }
    }
}

/// The replacements (char positions of `from`) that turn `from` into `to`, from a word diff:
/// each run of deleted and inserted words between equal ones is one replacement. A diff that
/// takes too long (texts that differ almost everywhere) comes out coarser, never wrong.
pub fn changes_between(from: &str, to: &str) -> Vec<TextChange> {
    let diff = similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Myers)
        .timeout(Duration::from_secs(2))
        .diff_words(from, to);
    let mut out = Vec::new();
    let mut pos = 0usize;
    // (start, end) in chars of `from`, and the new text.
    let mut pending: Option<(usize, usize, String)> = None;
    let flush = |pending: &mut Option<(usize, usize, String)>, out: &mut Vec<TextChange>| {
        if let Some((start, end, text)) = pending.take() {
            out.push(TextChange { span: Span::new(start, end), text });
        }
    };
    for change in diff.iter_all_changes() {
        let value = change.value();
        let n = value.chars().count();
        match change.tag() {
            similar::ChangeTag::Equal => {
                flush(&mut pending, &mut out);
                pos += n;
            }
            similar::ChangeTag::Delete => {
                pending.get_or_insert_with(|| (pos, pos, String::new())).1 += n;
                pos += n;
            }
            similar::ChangeTag::Insert => pending.get_or_insert_with(|| (pos, pos, String::new())).2.push_str(value),
        }
    }
    flush(&mut pending, &mut out);
    out
}

/// The ids of a tree's items, `(id, parent)`, ordered so that every parent comes before its
/// children (a parent that is not among the items counts as placed): the order in which the
/// merge brings codes and themes in. Items in a cycle, which a project that loaded cannot
/// have, are left out.
fn parents_first<Id: Copy + Eq + std::hash::Hash>(items: Vec<(Id, Option<Id>)>) -> Vec<Id> {
    let ids: HashSet<Id> = items.iter().map(|(id, _)| *id).collect();
    let mut order = Vec::with_capacity(items.len());
    let mut placed = HashSet::new();
    while order.len() < items.len() {
        let before = order.len();
        for &(id, parent) in &items {
            let ready = parent.is_none_or(|p| placed.contains(&p) || !ids.contains(&p));
            if ready && placed.insert(id) {
                order.push(id);
            }
        }
        if order.len() == before {
            break;
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::team::testutil::*;

    const J1: &str = "Møtet på NAV 😀 var greit. De snakket om meg, ikke med meg.";
    const J2: &str = "Jeg håper på jobb 🇳🇴 til våren, ærlig talt.";

    fn merged(ours: &Project, theirs: &Project) -> (Project, MergeReport) {
        let plan = plan_merge(ours, theirs);
        let mut p = ours.clone();
        if let Some(edit) = plan.edit {
            let r = p.apply(edit);
            assert!(r.is_ok(), "{r:?}");
        }
        (p, plan.report)
    }

    #[test]
    fn brings_in_the_other_coders_work() -> Result<(), Box<dyn std::error::Error>> {
        // Ingrid coded in her copy; Tom in his, where he also created a code and a theme,
        // wrote a memo on a coding and chose a quote.
        let ours = project(&[("J1", J1), ("J2", J2)], 1, &[(0, 0, "Stemme", 0, 5)]);
        let mut theirs = project(&[("J1", J1), ("J2", J2)], 2, &[(1, 0, "Stemme", 0, 8), (1, 1, "Håp", 4, 10)]);
        let hope = code_id("Håp");
        let theme = ThemeId::from_u128(77);
        let mut t = Theme::new(theme, "Å bli sett");
        t.codes = vec![code_id("Stemme"), hope];
        let at = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let memo = Memo {
            id: MemoId::from_u128(88),
            created: at,
            author: Some(coder_id(1)),
            props: MemoProps {
                target: MemoTarget::Coding(CodingId::from_u128(1101)),
                title: "Håp".into(),
                body: "😀".into(),
                modified: at,
            },
        };
        let quote = Quote {
            id: QuoteId::from_u128(99),
            theme,
            doc: doc_id(1),
            coding: Some(CodingId::from_u128(1101)),
            props: QuoteProps { span: Span::new(4, 10), ..Default::default() },
        };
        theirs.apply(Edit::batch(
            "Tom's analysis",
            vec![
                Edit::CreateTheme { theme: t, index: None },
                Edit::AddMemo { memo, index: None },
                Edit::AddQuote { quote, index: None },
                Edit::SetDocumentRead { id: doc_id(0), coder: coder_id(1), read: true },
            ],
        ))?;
        let (p, report) = merged(&ours, &theirs);
        assert_eq!(
            report.added,
            Counts {
                coders: 1,
                codes: 1,
                themes: 1,
                codings: 2,
                read_marks: 1,
                quotes: 1,
                memos: 1,
                ..Default::default()
            }
        );
        assert!(report.conflicts.is_empty(), "{:?}", report.conflicts);
        assert_eq!(p.codings.len(), 3);
        assert!(p.check_integrity().is_ok());
        assert!(p.documents[&doc_id(0)].read_by.contains(&coder_id(1)));

        // Idempotent: a second merge has nothing to do.
        let again = plan_merge(&p, &theirs);
        assert!(again.edit.is_none() && again.report.is_noop(), "{:?}", again.report);
        Ok(())
    }

    #[test]
    fn documents_match_by_text_and_codes_by_name() -> Result<(), Box<dyn std::error::Error>> {
        // The other copy imported the same transcripts itself: other ids, other names, and it
        // created "stemme" on its own.
        let ours = project(&[("J1", J1), ("J2", J2)], 1, &[(0, 0, "Stemme", 0, 5)]);
        let mut theirs = Project::new("Tom's copy");
        let tom =
            Coder { id: CoderId::from_u128(555), name: "Tom".into(), colour: palette_colour(2), slug: "tom".into() };
        let own_code = Code::new(CodeId::from_u128(556), "stemme", palette_colour(3));
        let d = Document::new(DocId::from_u128(557), "Intervju J2", DocKind::Interview, J2);
        let x = Document::new(DocId::from_u128(558), "Feltnotat", DocKind::FieldNotes, "Bare hos Tom.");
        let coding = |id: u128, doc: DocId, s: usize, e: usize| Edit::AddCoding {
            coding: Coding {
                id: CodingId::from_u128(id),
                doc,
                span: Span::new(s, e),
                code: own_code.id,
                coder: tom.id,
                created: chrono::Utc::now(),
                comment: "Tom".into(),
            },
        };
        theirs.apply(Edit::batch(
            "setup",
            vec![
                Edit::AddCoder { coder: tom.clone(), index: None },
                Edit::CreateCode { code: own_code.clone(), index: None },
                Edit::AddDocument { document: Box::new(d), index: None },
                Edit::AddDocument { document: Box::new(x), index: None },
                coding(600, DocId::from_u128(557), 0, 3),
                coding(601, DocId::from_u128(558), 0, 4),
            ],
        ))?;
        let (p, report) = merged(&ours, &theirs);
        assert_eq!(report.matched.documents, 1);
        assert_eq!(report.matched.documents_by_text_only, 1);
        assert_eq!(report.matched.codes_by_name, 1);
        assert_eq!(report.added.codings, 1);
        let kinds: Vec<ConflictKind> = report.conflicts.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, [ConflictKind::CodeMatchedByName, ConflictKind::DocumentMissing]);
        assert!(
            report.conflicts[1].message.contains("“Feltnotat”") && report.conflicts[1].message.contains("1 codings")
        );
        let c = p.codings.get(&CodingId::from_u128(600)).ok_or("Tom's coding is missing")?;
        assert_eq!((c.doc, c.code), (doc_id(1), code_id("Stemme")), "mapped onto this copy's document and code");
        assert!(plan_merge(&p, &theirs).edit.is_none(), "idempotent");
        Ok(())
    }

    /// The text of every coding by `coder`, in text order.
    fn coded(p: &Project, coder: usize) -> Vec<String> {
        let mut v: Vec<&Coding> = p.codings.values().filter(|c| c.coder == coder_id(coder)).collect();
        v.sort_by_key(|c| (c.doc, c.span.start));
        v.iter().filter_map(|c| p.documents.get(&c.doc)?.slice(c.span).map(str::to_string)).collect()
    }

    #[test]
    fn a_document_corrected_in_one_copy_is_one_document_and_codings_are_rebased()
    -> Result<(), Box<dyn std::error::Error>> {
        // Here "NAV" was corrected to "NAV-kontoret" (9 more characters); the other copy still
        // has the old text. Positions in the old J1: "Møtet" 0..5, "NAV" 9..12, "De snakket om
        // meg" 26..43; in the corrected text the last is 35..52.
        let fixed = J1.replace("NAV", "NAV-kontoret");
        let ours = project(&[("J1", &fixed), ("J2", J2)], 1, &[(0, 0, "Stemme", 0, 5)]);
        let theirs = project(
            &[("J1", J1), ("J2", J2)],
            2,
            &[(1, 0, "Stemme", 0, 5), (1, 0, "Sted", 9, 12), (1, 0, "Snakket om", 26, 43)],
        );
        let (p, report) = merged(&ours, &theirs);
        // One J1 (matched by id), this copy's text, nothing reported missing.
        assert_eq!(p.documents.len(), 2);
        assert_eq!(p.documents.get(&doc_id(0)).map(|d| d.text.to_string()), Some(fixed.clone()));
        assert!(report.conflicts.iter().all(|c| c.kind != ConflictKind::DocumentMissing), "{:?}", report.conflicts);
        assert_eq!(report.matched.documents_rebased, 1);
        assert_eq!(report.added.codings, 3);
        // Tom's codings land on the same words: before the correction unchanged, after it moved
        // by 9, and the one on the corrected word covers the corrected word.
        assert_eq!(coded(&p, 1), ["Møtet", "NAV-kontoret", "De snakket om meg"]);
        let moved = p.codings.values().find(|c| c.code == code_id("Snakket om")).map(|c| c.span);
        assert_eq!(moved, Some(Span::new(35, 52)));
        let msg = report.conflicts.iter().find(|c| c.kind == ConflictKind::DocumentTextDiffers);
        assert!(msg.is_some_and(|c| c.message.contains("moved the other copy's 3 codings")), "{:?}", report.conflicts);

        // The other way round: the other copy has the corrected text, this one the old. Tom's
        // "snakket" there (38..45 of the corrected text) is "snakket" here (29..36).
        let ours = project(&[("J1", J1), ("J2", J2)], 1, &[(0, 0, "Stemme", 26, 43)]);
        let theirs = project(&[("J1", &fixed), ("J2", J2)], 2, &[(1, 0, "Snakket om", 38, 45)]);
        let (p, report) = merged(&ours, &theirs);
        assert_eq!(p.documents.len(), 2);
        assert_eq!(p.documents.get(&doc_id(0)).map(|d| d.text.to_string()), Some(J1.to_string()));
        assert_eq!(coded(&p, 1), ["snakket"]);
        assert_eq!(p.codings.values().find(|c| c.coder == coder_id(1)).map(|c| c.span), Some(Span::new(29, 36)));
        // Merging again changes nothing.
        assert!(plan_merge(&p, &theirs).report.is_noop());
        assert_eq!(report.matched.documents_rebased, 1);
        Ok(())
    }

    #[test]
    fn the_word_diff_gives_replacements_in_chars() {
        let from = "Han sa at møtet 😀 var bra.";
        let to = "Han sa at møtene 😀 var svært bra.";
        let got: Vec<(usize, usize, String)> =
            changes_between(from, to).into_iter().map(|c| (c.span.start.get(), c.span.end.get(), c.text)).collect();
        // "møtet" is chars 10..15 of `from`; "svært " goes in before "bra" (char 22, after "var ").
        assert_eq!(got, [(10, 15, "møtene".to_string()), (22, 22, "svært ".to_string())]);
    }

    #[test]
    fn nothing_is_overwritten_silently() -> Result<(), Box<dyn std::error::Error>> {
        let base = project(&[("J1", J1)], 2, &[(0, 0, "Stemme", 0, 5), (1, 0, "Håp", 6, 12)]);
        let at = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let memo = |body: &str| Memo {
            id: MemoId::from_u128(5),
            created: at,
            author: None,
            props: MemoProps {
                target: MemoTarget::Journal,
                title: "Refleksjon".into(),
                body: body.into(),
                modified: at,
            },
        };
        let mut ours = base.clone();
        ours.apply(Edit::AddMemo { memo: memo("Min versjon"), index: None })?;
        let mut theirs = base.clone();
        theirs.apply(Edit::AddMemo { memo: memo("Hans versjon"), index: None })?;
        let mut props = theirs.codes[&code_id("Stemme")].props.clone();
        props.name = "Å bli hørt".into();
        theirs.apply(Edit::UpdateCode { id: code_id("Stemme"), props })?;
        let moved = CodingProps { span: Span::new(0, 9), code: code_id("Stemme"), comment: String::new() };
        theirs.apply(Edit::UpdateCoding { id: CodingId::from_u128(1000), props: moved })?;

        let (p, report) = merged(&ours, &theirs);
        assert_eq!(p, ours, "all three differ, so nothing changes");
        let kinds: Vec<ConflictKind> = report.conflicts.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, [ConflictKind::CodeDiffers, ConflictKind::CodingDiffers, ConflictKind::MemoDiffers]);
        assert!(report.conflicts[0].message.contains("“Å bli hørt”"), "{}", report.conflicts[0].message);
        Ok(())
    }

    #[test]
    fn merging_both_ways_gives_the_same_content() -> Result<(), Box<dyn std::error::Error>> {
        let a = project(&[("J1", J1)], 1, &[(0, 0, "Stemme", 0, 5), (0, 0, "Tillit", 8, 20)]);
        let mut b = project(&[("J1", J1)], 2, &[(1, 0, "Tillit", 2, 9), (1, 0, "Håp", 30, 40)]);
        // Tom created "Stemme" in his copy too: same name, another id.
        let own = Code::new(CodeId::from_u128(4242), "Stemme", palette_colour(5));
        let mut t = Theme::new(ThemeId::from_u128(7), "Å bli sett");
        t.codes = vec![own.id, code_id("Håp")];
        b.apply(Edit::batch(
            "Tom",
            vec![
                Edit::CreateCode { code: own.clone(), index: None },
                Edit::CreateTheme { theme: t, index: None },
                Edit::AddCoding {
                    coding: Coding {
                        id: CodingId::from_u128(4243),
                        doc: doc_id(0),
                        span: Span::new(0, 5),
                        code: own.id,
                        coder: coder_id(1),
                        created: chrono::Utc::now(),
                        comment: String::new(),
                    },
                },
            ],
        ))?;
        let (ab, r1) = merged(&a, &b);
        let (ba, r2) = merged(&b, &a);
        assert_eq!(content(&ab), content(&ba));
        assert_eq!(ab.codings.len(), 5);
        assert_eq!(r1.matched.codes_by_name, 1);
        assert_eq!(r2.matched.codes_by_name, 1);
        Ok(())
    }

    /// Codings, codes and themes by name: what two merges must agree on.
    fn content(p: &Project) -> (Vec<String>, Vec<String>, Vec<String>) {
        let code = |c: &CodeId| p.code_path(*c);
        let mut codings: Vec<String> = p
            .codings
            .values()
            .map(|c| {
                let doc = &p.documents[&c.doc].text_hash;
                format!("{doc} {:?} {} {}", c.span, code(&c.code), p.coders[&c.coder].name)
            })
            .collect();
        codings.sort();
        let mut codes: Vec<String> = p.codes.keys().map(code).collect();
        codes.sort();
        let mut themes: Vec<String> = p
            .themes
            .values()
            .map(|t| {
                let mut members: Vec<String> = t.codes.iter().map(code).collect();
                members.sort();
                format!("{} [{}]", t.name(), members.join(", "))
            })
            .collect();
        themes.sort();
        (codings, codes, themes)
    }
}
