//! Why an edit was refused. Each message names the thing and says what is wrong with it,
//! because it reaches the researcher as it is (in the app's status line or on stderr).

use crate::model::Span;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("there is no {kind} with id {id}")]
    Unknown { kind: &'static str, id: String },
    #[error("a {kind} with id {id} already exists")]
    DuplicateId { kind: &'static str, id: String },
    #[error("a {kind} named \"{name}\" already exists")]
    DuplicateName { kind: &'static str, name: String },
    #[error("a {kind} needs a name")]
    EmptyName { kind: &'static str },
    #[error("a {kind}'s name may have at most {max} characters; this one has {chars}")]
    NameTooLong { kind: &'static str, chars: usize, max: usize },
    #[error("the span {span:?} is outside document \"{doc}\", which has {len} characters")]
    SpanOutOfRange { doc: String, span: Span, len: usize },
    #[error("an empty span cannot be {what}")]
    EmptySpan { what: &'static str },
    #[error("moving \"{name}\" under \"{parent}\" would put it inside itself")]
    Cycle { name: String, parent: String },
    #[error("cannot merge \"{name}\" into itself or into something inside it")]
    MergeIntoSelf { name: String },
    #[error("this passage of \"{doc}\" is already coded with \"{code}\" by this coder")]
    DuplicateCoding { doc: String, code: String },
    #[error("coder \"{name}\" still has {count} codings; merge or delete them first")]
    CoderInUse { name: String, count: usize },
    #[error("coder \"{name}\" is named in {count} entries of the consensus log; remove those entries first")]
    CoderInConsensus { name: String, count: usize },
    #[error("the consensus entry is invalid: {reason}")]
    InvalidConsensus { reason: String },
    #[error("the speaker turns of \"{doc}\" are invalid: {reason}")]
    InvalidTurns { doc: String, reason: String },
    #[error("the project settings are invalid: {reason}")]
    InvalidSettings { reason: String },
    #[error("the quote is invalid: {reason}")]
    InvalidQuote { reason: String },
    #[error("the text of document \"{doc}\" does not match its recorded length ({expected} characters, found {found})")]
    TextMismatch { doc: String, expected: usize, found: usize },
    #[error("position {index} is out of range (there are {len})")]
    BadIndex { index: usize, len: usize },
    #[error("a coder file name must be letters, digits, '-' or '_': \"{slug}\"")]
    BadSlug { slug: String },
    #[error("a theme lists code {code} twice")]
    DuplicateMember { code: String },
    #[error("code \"{code}\" is not in theme \"{theme}\"")]
    NotAMember { code: String, theme: String },
    #[error("\"{name}\" is not a subtheme of \"{theme}\"")]
    NotASubtheme { name: String, theme: String },
    #[error("the correction of \"{doc}\" cannot be made: {reason}")]
    InvalidCorrection { doc: String, reason: String },
    #[error("splitting \"{name}\" needs at least one of its codes or subthemes to take along")]
    EmptySplit { name: String },
}

impl EditError {
    pub(crate) fn unknown(kind: &'static str, id: impl ToString) -> Self {
        EditError::Unknown { kind, id: id.to_string() }
    }
}
