//! The planners every front end shares for coders, codes and codings: "find or create the
//! coder", "find or create the code", coding a passage, fresh names and who the default
//! coder is. They read the project and return the [`Edit`]s to apply (with the ids they
//! create); they never apply anything. The app, its views, the command line, search and team
//! coding call these and decide nothing of their own, so each rule has exactly one home.

use super::apply::check_name;
use super::{Edit, EditError};
use crate::model::*;

/// The coder called `name`, or the edit that adds them. Names match ignoring case and
/// spacing, as [`Project::apply`] compares them; a coder who was removed is gone, so their
/// name gives a new coder (with a new id and a codings file name not in use).
pub fn coder_or_new(p: &Project, name: &str) -> Result<(CoderId, Option<Edit>), EditError> {
    if let Some(c) = p.coder_by_name(name) {
        return Ok((c.id, None));
    }
    check_name("coder", name, std::iter::empty())?;
    let coder = p.new_coder(name);
    Ok((coder.id, Some(Edit::AddCoder { coder, index: None })))
}

/// The code called `name` (anywhere in the codebook: names are unique across it), or the
/// edit that creates it under `parent` with a colour unlike its neighbours'.
pub fn code_or_new(p: &Project, name: &str, parent: Option<CodeId>) -> Result<(CodeId, Option<Edit>), EditError> {
    if let Some(c) = p.code_by_name(name) {
        return Ok((c.id, None));
    }
    check_name("code", name, std::iter::empty())?;
    let code = new_code_named(p, name.trim(), parent);
    Ok((code.id, Some(Edit::CreateCode { code, index: None })))
}

/// A code of this name under `parent`, not yet added.
fn new_code_named(p: &Project, name: &str, parent: Option<CodeId>) -> Code {
    let mut code = Code::new(CodeId::new(), name, p.code_colour_under(parent));
    code.parent = parent;
    code
}

/// A new code under `parent` with a fresh name (“New code”, “New code 2”...), for the
/// codebook's "New code": its id, its name (for renaming it at once) and the edit.
pub fn new_code(p: &Project, parent: Option<CodeId>) -> (CodeId, String, Edit) {
    let name = fresh_name("New code", |n| p.code_by_name(n).is_some());
    let code = new_code_named(p, &name, parent);
    (code.id, name, Edit::CreateCode { code, index: None })
}

/// `base`, or `base 2`, `base 3`... : the first that `taken` does not refuse. Callers pass the
/// look-up of their kind (`Project::code_by_name`, `theme_by_name`), which ignores case and
/// spacing, so “new code” is taken when “New Code” exists.
pub fn fresh_name(base: &str, taken: impl Fn(&str) -> bool) -> String {
    let base = base.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut name = base.clone();
    let mut n = 2;
    while taken(&name) {
        name = format!("{base} {n}");
        n += 1;
    }
    name
}

/// A code named by id (chosen in a picker) or by name (typed: found or created).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeRef<'a> {
    Id(CodeId),
    Name(&'a str),
}

/// A coder named by id or by name (found or created).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoderRef<'a> {
    Id(CoderId),
    Name(&'a str),
}

impl CoderRef<'_> {
    /// The coder's id, and the edit that adds them when they are named and new; an id the
    /// project does not know is refused.
    pub fn resolve(self, p: &Project) -> Result<(CoderId, Option<Edit>), EditError> {
        match self {
            CoderRef::Id(id) if p.coders.contains_key(&id) => Ok((id, None)),
            CoderRef::Id(id) => Err(EditError::unknown("coder", id)),
            CoderRef::Name(name) => coder_or_new(p, name),
        }
    }
}

/// Coding a passage, planned: one edit (a batch when the code or coder is created with it)
/// and the ids it uses or creates.
#[derive(Clone, Debug, PartialEq)]
pub struct Planned {
    pub edit: Edit,
    pub coding: CodingId,
    pub code: CodeId,
    pub coder: CoderId,
    pub code_created: bool,
    pub coder_created: bool,
}

/// Plans coding `span` of `doc` with a code for a coder, creating either when named and new.
/// Refuses what [`Project::apply`] would refuse, before anything is created: an unknown
/// document, code or coder, an empty span, a span past the text's end, and a passage this
/// coder already coded with this code.
pub fn plan_coding(
    p: &Project,
    doc: DocId,
    span: Span,
    code: CodeRef<'_>,
    coder: CoderRef<'_>,
    comment: &str,
) -> Result<Planned, EditError> {
    let d = p.documents.get(&doc).ok_or_else(|| EditError::unknown("document", doc))?;
    if span.is_empty() {
        return Err(EditError::EmptySpan { what: "coded" });
    }
    if span.end.get() > d.char_len {
        return Err(EditError::SpanOutOfRange { doc: d.name().to_string(), span, len: d.char_len });
    }
    let mut edits = Vec::new();
    let (coder, add_coder) = coder.resolve(p)?;
    let coder_created = add_coder.is_some();
    edits.extend(add_coder);
    let (code, code_name, code_created) = match code {
        CodeRef::Id(id) => {
            let c = p.codes.get(&id).ok_or_else(|| EditError::unknown("code", id))?;
            (id, c.name().to_string(), false)
        }
        CodeRef::Name(name) => {
            let (id, create) = code_or_new(p, name, None)?;
            let name = p.codes.get(&id).map_or_else(|| name.trim().to_string(), |c| c.name().to_string());
            let created = create.is_some();
            edits.extend(create);
            (id, name, created)
        }
    };
    if p.find_coding(doc, span, code, coder).is_some() {
        return Err(EditError::DuplicateCoding { doc: d.name().to_string(), code: code_name });
    }
    let coding = Coding {
        id: CodingId::new(),
        doc,
        span,
        code,
        coder,
        created: chrono::Utc::now(),
        comment: comment.to_string(),
    };
    let id = coding.id;
    edits.push(Edit::AddCoding { coding });
    let edit = one_edit(format!("Code passage as “{code_name}”"), edits);
    Ok(Planned { edit, coding: id, code, coder, code_created, coder_created })
}

/// The edit that moves a coding's boundaries to `span` (dragging its handles, "Fit to
/// selection"); `None` when the coding is unknown, lies in another document than `doc`, or
/// the span is empty or unchanged.
pub fn resize_coding(p: &Project, id: CodingId, doc: DocId, span: Span) -> Option<Edit> {
    let c = p.codings.get(&id).filter(|c| c.doc == doc && c.span != span && !span.is_empty())?;
    Some(Edit::UpdateCoding { id, props: CodingProps { span, ..c.props() } })
}

/// The edits as one undo step: the edit itself when there is one, else a batch so labelled.
pub fn one_edit(label: impl Into<String>, mut edits: Vec<Edit>) -> Edit {
    if edits.len() == 1 { edits.remove(0) } else { Edit::batch(label, edits) }
}

/// Where the name of the coder Tema acts for came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoderSource {
    /// `--coder` on the command line.
    Flag,
    /// The app's remembered choice (its preferences).
    Remembered,
    /// `$TEMA_CODER`.
    Environment,
    /// The login name (`$USER`, `$USERNAME`): a guess the app asks to confirm.
    Login,
    /// Nothing said who: “researcher”.
    Fallback,
}

impl CoderSource {
    /// Whether the researcher said who they are (so the app need not ask).
    pub fn is_chosen(self) -> bool {
        matches!(self, CoderSource::Flag | CoderSource::Remembered | CoderSource::Environment)
    }
}

/// The coder's name when nothing says who: one word every front end uses alike.
pub const FALLBACK_CODER: &str = "researcher";

/// The coder to act for, and where the name came from: the flag, else the remembered choice,
/// else `$TEMA_CODER`, else the login name, else [`FALLBACK_CODER`]. Blank values count as
/// absent. The app and the command line both ask this, so the same person codes as the same
/// coder in both.
pub fn default_coder(flag: Option<&str>, remembered: Option<&str>) -> (String, CoderSource) {
    default_coder_from(flag, remembered, |var| std::env::var(var).ok())
}

/// [`default_coder`] over any environment (the tests give their own).
pub fn default_coder_from(
    flag: Option<&str>,
    remembered: Option<&str>,
    env: impl Fn(&str) -> Option<String>,
) -> (String, CoderSource) {
    let given = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let sources = [
        (CoderSource::Flag, given(flag.map(str::to_string))),
        (CoderSource::Remembered, given(remembered.map(str::to_string))),
        (CoderSource::Environment, given(env("TEMA_CODER"))),
        (CoderSource::Login, given(env("USER")).or_else(|| given(env("USERNAME")))),
    ];
    sources
        .into_iter()
        .find_map(|(source, name)| name.map(|n| (n, source)))
        .unwrap_or_else(|| (FALLBACK_CODER.to_string(), CoderSource::Fallback))
}

/// A project holding top-level codes of these names, with ids 1, 2, 3... (for the
/// planners' tests).
#[cfg(test)]
pub(crate) fn project_with_codes(names: &[&str]) -> Result<Project, EditError> {
    let mut p = Project::new("t");
    for (n, name) in (1..).zip(names) {
        p.apply(Edit::CreateCode { code: Code::new(CodeId::from_u128(n), *name, PALETTE[0]), index: None })?;
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::apply::MAX_NAME_CHARS;

    fn project() -> Result<Project, EditError> {
        let mut p = Project::new("t");
        let d = Document::new(DocId::from_u128(1), "J1", DocKind::Interview, "Jeg følte meg sett.\n");
        p.apply(Edit::AddDocument { document: Box::new(d), index: None })?;
        let code = Code::new(CodeId::from_u128(2), "Being seen", PALETTE[0]);
        p.apply(Edit::CreateCode { code, index: None })?;
        let coder = p.new_coder("Ingrid Berg");
        p.apply(Edit::AddCoder { coder, index: None })?;
        Ok(p)
    }

    #[test]
    fn coders_are_found_ignoring_case_and_spacing_and_made_once() -> Result<(), EditError> {
        let mut p = project()?;
        let ingrid = p.coder_by_name("Ingrid Berg").map(|c| c.id);
        let (id, edit) = coder_or_new(&p, "  ingrid   BERG ")?;
        assert_eq!((Some(id), edit), (ingrid, None));
        let (id, edit) = coder_or_new(&p, " Ola ")?;
        p.apply(edit.ok_or(EditError::EmptyName { kind: "edit" })?)?;
        assert_eq!(p.coders.get(&id).map(|c| c.name.as_str()), Some("Ola"));
        assert_eq!(coder_or_new(&p, "OLA")?, (id, None));
        assert_eq!(coder_or_new(&p, " \t"), Err(EditError::EmptyName { kind: "coder" }));
        Ok(())
    }

    #[test]
    fn a_removed_coders_name_makes_a_new_coder() -> Result<(), EditError> {
        let mut p = project()?;
        let (old, edit) = coder_or_new(&p, "Kari")?;
        p.apply(edit.ok_or(EditError::EmptyName { kind: "edit" })?)?;
        p.apply(Edit::RemoveCoder { id: old })?;
        let (new, edit) = coder_or_new(&p, "kari")?;
        assert_ne!(new, old);
        p.apply(edit.ok_or(EditError::EmptyName { kind: "edit" })?)?;
        assert_eq!(p.coder_by_name("Kari").map(|c| c.id), Some(new));
        Ok(())
    }

    #[test]
    fn codes_are_found_anywhere_or_made_under_their_parent() -> Result<(), EditError> {
        let mut p = project()?;
        let seen = CodeId::from_u128(2);
        assert_eq!(code_or_new(&p, "BEING  seen", None)?, (seen, None));
        let (id, edit) = code_or_new(&p, " Recognised ", Some(seen))?;
        p.apply(edit.ok_or(EditError::EmptyName { kind: "edit" })?)?;
        let c = p.codes.get(&id).ok_or(EditError::unknown("code", id))?;
        assert_eq!((c.name(), c.parent), ("Recognised", Some(seen)));
        assert_ne!(c.props.colour, PALETTE[0], "a child's colour differs from its parent's");
        assert_eq!(code_or_new(&p, "", None), Err(EditError::EmptyName { kind: "code" }));
        let long = "x".repeat(MAX_NAME_CHARS + 1);
        assert!(matches!(code_or_new(&p, &long, None), Err(EditError::NameTooLong { .. })));
        Ok(())
    }

    #[test]
    fn fresh_names_skip_every_spelling_of_a_taken_name() -> Result<(), EditError> {
        let mut p = project()?;
        let taken = |p: &Project| fresh_name("New code", |n| p.code_by_name(n).is_some());
        assert_eq!(taken(&p), "New code");
        p.apply(Edit::CreateCode { code: Code::new(CodeId::from_u128(7), "NEW  CODE", PALETTE[1]), index: None })?;
        assert_eq!(taken(&p), "New code 2");
        p.apply(Edit::CreateCode { code: Code::new(CodeId::from_u128(8), "new code 2", PALETTE[2]), index: None })?;
        assert_eq!(taken(&p), "New code 3");
        let (id, name, edit) = new_code(&p, Some(CodeId::from_u128(2)));
        p.apply(edit)?;
        assert_eq!(
            (name.as_str(), p.codes.get(&id).and_then(|c| c.parent)),
            ("New code 3", Some(CodeId::from_u128(2)))
        );
        Ok(())
    }

    #[test]
    fn coding_a_passage_creates_what_is_named_in_one_step() -> Result<(), Box<dyn std::error::Error>> {
        let mut p = project()?;
        let doc = DocId::from_u128(1);
        let plan = plan_coding(&p, doc, Span::new(0, 3), CodeRef::Name("Voice"), CoderRef::Name("Ola"), "first")?;
        assert!(plan.code_created && plan.coder_created);
        assert!(
            matches!(&plan.edit, Edit::Batch { label, edits } if label == "Code passage as “Voice”" && edits.len() == 3)
        );
        p.apply(plan.edit.clone())?;
        let c = p.codings.get(&plan.coding).ok_or("coded")?;
        assert_eq!((c.code, c.coder, c.comment.as_str()), (plan.code, plan.coder, "first"));
        // Known code and coder: a single AddCoding.
        let again = plan_coding(&p, doc, Span::new(4, 9), CodeRef::Name(" voice"), CoderRef::Id(plan.coder), "")?;
        assert!(!again.code_created && !again.coder_created && again.code == plan.code);
        assert!(matches!(again.edit, Edit::AddCoding { .. }));
        // The same passage again, and what apply would refuse, is refused first.
        let twice = plan_coding(&p, doc, Span::new(0, 3), CodeRef::Id(plan.code), CoderRef::Name("OLA"), "");
        assert!(matches!(twice, Err(EditError::DuplicateCoding { .. })), "{twice:?}");
        let empty = plan_coding(&p, doc, Span::new(2, 2), CodeRef::Id(plan.code), CoderRef::Name("Ola"), "");
        assert_eq!(empty, Err(EditError::EmptySpan { what: "coded" }));
        let past = plan_coding(&p, doc, Span::new(2, 99), CodeRef::Id(plan.code), CoderRef::Name("Ola"), "");
        assert!(matches!(past, Err(EditError::SpanOutOfRange { .. })));
        let nameless = plan_coding(&p, doc, Span::new(0, 3), CodeRef::Name("  "), CoderRef::Name("Ola"), "");
        assert_eq!(nameless, Err(EditError::EmptyName { kind: "code" }));
        let nobody = plan_coding(&p, doc, Span::new(0, 3), CodeRef::Id(plan.code), CoderRef::Name(""), "");
        assert_eq!(nobody, Err(EditError::EmptyName { kind: "coder" }));
        let moved = resize_coding(&p, plan.coding, doc, Span::new(0, 5)).ok_or("a resize")?;
        assert!(resize_coding(&p, plan.coding, DocId::from_u128(9), Span::new(0, 5)).is_none());
        assert!(resize_coding(&p, plan.coding, doc, Span::new(0, 3)).is_none(), "unchanged");
        assert!(resize_coding(&p, plan.coding, doc, Span::new(4, 4)).is_none(), "empty");
        p.apply(moved)?;
        assert_eq!(p.codings.get(&plan.coding).map(|c| c.span), Some(Span::new(0, 5)));
        let ghost = plan_coding(&p, doc, Span::new(0, 3), CodeRef::Id(plan.code), CoderRef::Id(CoderId::new()), "");
        assert!(matches!(ghost, Err(EditError::Unknown { kind: "coder", .. })));
        Ok(())
    }

    #[test]
    fn the_default_coder_comes_from_the_first_source_that_names_one() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| vars.iter().find(|(v, _)| *v == k).map(|(_, x)| x.to_string())
        };
        let all = env(&[("TEMA_CODER", "Env"), ("USER", "login"), ("USERNAME", "win")]);
        assert_eq!(default_coder_from(Some(" Flag "), Some("Kept"), all), ("Flag".into(), CoderSource::Flag));
        assert_eq!(default_coder_from(Some(" "), Some("Kept"), all), ("Kept".into(), CoderSource::Remembered));
        assert_eq!(default_coder_from(None, None, all), ("Env".into(), CoderSource::Environment));
        let login = env(&[("TEMA_CODER", " "), ("USERNAME", "win")]);
        assert_eq!(default_coder_from(None, None, login), ("win".into(), CoderSource::Login));
        let nothing = env(&[]);
        assert_eq!(default_coder_from(None, Some(""), nothing), (FALLBACK_CODER.into(), CoderSource::Fallback));
        assert!(CoderSource::Environment.is_chosen() && !CoderSource::Login.is_chosen());
    }
}
