//! The query language and the search.
//!
//! ```text
//! meeting                  a word (stemmed: finds "meetings" too)
//! "the first meeting"      a phrase (stemmed words in this order); "..."~2 allows 2 moves
//! meet*                    words starting with "meet" (unstemmed)
//! mæting~  mæting~2        words within 1 (or 2) edits (unstemmed)
//! a b   a AND b            both (AND is the default)
//! a OR b                   either
//! NOT a   -a               without
//! ( ... )                  grouping
//! group:therapist  doc:"FG1"  speaker:J3  kind:focus-group  site:Nordby
//! ```
//!
//! Field names are `group`, `doc`, `speaker` (also `participant`), `kind`, and any
//! participant attribute or document metadata name of the project. A `name:value` whose
//! name is none of these is searched as text, so "10:30" still finds the time. Filter
//! values match whole values, ignoring case (`group:therap*` for a prefix). Parsing never
//! fails: unbalanced quotes and brackets are closed at the end of the query, so a query
//! typed letter by letter always runs.

use super::kwic::{Highlighter, Hit, Leaf, UnitRef, build_hit, within_edits};
use super::schema::{Fields, columns, key};
use super::surface::SurfaceMatch;
use super::{IndexError, SearchIndex, Snapshot};
use crate::model::*;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query, RegexQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::{TextAnalyzer, TokenStream};
use tantivy::{DocAddress, Score, SegmentOrdinal, SegmentReader, TantivyError, Term};

/// How results are ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Order {
    /// Best match first (BM25).
    #[default]
    Relevance,
    /// In the order of the documents in the project, and of the text within each.
    Document,
}

impl Order {
    pub fn parse(s: &str) -> Option<Order> {
        match s.trim().to_lowercase().as_str() {
            "relevance" | "score" | "rank" => Some(Order::Relevance),
            "document" | "doc" | "documents" | "text" => Some(Order::Document),
            _ => None,
        }
    }
}

/// Keeps only matches in text coded (or not coded) in some way.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum CodingFilter {
    #[default]
    None,
    /// Only matches that no coding covers (any code; by `coder` only, when given).
    Uncoded { coder: Option<CoderId> },
    /// Only matches inside text coded with `code` or a code below it (by `coder`, when given).
    WithinCode { code: CodeId, coder: Option<CoderId> },
}

/// A filter given outside the query text (the command line's `--group`, a filter menu).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    /// `group`, `doc`, `speaker`, `kind`, or an attribute name.
    pub field: String,
    pub value: String,
}

impl Filter {
    pub fn new(field: impl Into<String>, value: impl Into<String>) -> Self {
        Filter { field: field.into(), value: value.into() }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchRequest {
    pub query: String,
    /// AND-ed with the query.
    pub filters: Vec<Filter>,
    pub order: Order,
    /// Passages to return; `None` for all of them (code all hits).
    pub limit: Option<usize>,
    pub coding: CodingFilter,
    /// Chars of context on each side of a match.
    pub context_chars: usize,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            filters: Vec::new(),
            order: Order::Relevance,
            limit: Some(50),
            coding: CodingFilter::None,
            context_chars: 60,
        }
    }
}

impl SearchRequest {
    pub fn new(query: impl Into<String>) -> Self {
        SearchRequest { query: query.into(), ..Default::default() }
    }
}

/// Passages found in one document.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DocCount {
    pub doc: DocId,
    pub name: String,
    pub passages: usize,
}

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct SearchResults {
    /// The passages, in the order asked for, at most `limit`.
    pub hits: Vec<Hit>,
    /// Passages found in the whole corpus.
    pub total: usize,
    /// Passages per document over the whole corpus, in project order.
    pub documents: Vec<DocCount>,
    /// Things the user may want to know about how the query was read.
    pub notes: Vec<String>,
    #[serde(skip)]
    pub elapsed: Duration,
}

impl SearchResults {
    /// The shown hits grouped by document, documents in the order of their first hit.
    pub fn grouped(&self) -> Vec<(DocId, Vec<&Hit>)> {
        let mut out: Vec<(DocId, Vec<&Hit>)> = Vec::new();
        for h in &self.hits {
            match out.iter_mut().find(|(d, _)| *d == h.doc) {
                Some((_, v)) => v.push(h),
                None => out.push((h.doc, vec![h])),
            }
        }
        out
    }

    /// Matches over the shown hits.
    pub fn match_count(&self) -> usize {
        self.hits.iter().map(|h| h.matches.len()).sum()
    }
}

// ---------------------------------------------------------------------------------------
// Parsing

/// The query as typed, before analysis.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Word(String),
    Phrase {
        text: String,
        slop: u32,
    },
    Prefix(String),
    Fuzzy {
        text: String,
        distance: u8,
    },
    /// `name:value`, resolved against the project's fields when the query is compiled.
    Field {
        name: String,
        value: String,
        prefix: bool,
        quoted: bool,
    },
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
}

#[derive(Clone, Debug, PartialEq)]
enum Lexeme {
    Open,
    Close,
    And,
    Or,
    Not,
    Atom(Node),
}

/// The longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 10_000;
/// How deep brackets and NOTs may nest. Every step over the query is recursive, so this
/// bounds the stack they use (20,000 nested brackets would overflow it).
pub const MAX_QUERY_DEPTH: usize = 64;

/// Why a query was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("the query is {chars} characters long; at most {max} are searched", max = MAX_QUERY_CHARS)]
    TooLong { chars: usize },
    #[error("the query nests brackets or NOTs more than {max} deep", max = MAX_QUERY_DEPTH)]
    TooDeep,
}

/// Parses a query; never fails (an empty query gives an empty `And`). A query over the
/// limits of [`try_parse`] gives an empty `And` too.
pub fn parse(input: &str) -> Node {
    try_parse(input).unwrap_or(Node::And(Vec::new()))
}

/// Parses a query, refusing one longer than [`MAX_QUERY_CHARS`] or nested deeper than
/// [`MAX_QUERY_DEPTH`].
pub fn try_parse(input: &str) -> Result<Node, QueryError> {
    let chars = input.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(QueryError::TooLong { chars });
    }
    let lexemes = lex(input);
    let mut p = Parser { lexemes, at: 0, depth: 0, too_deep: false };
    let node = p.or();
    // Stray closing brackets: parse what follows them too.
    let mut rest = vec![node];
    while p.at < p.lexemes.len() && !p.too_deep {
        p.at += 1;
        rest.push(p.or());
    }
    if p.too_deep {
        return Err(QueryError::TooDeep);
    }
    Ok(simplify(if rest.len() == 1 { rest.remove(0) } else { Node::And(rest) }))
}

fn lex(input: &str) -> Vec<Lexeme> {
    let chars: Vec<char> = input.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let at_start = |i: usize| i == 0 || chars[i - 1].is_whitespace() || chars[i - 1] == '(';
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            out.push(Lexeme::Open);
            i += 1;
        } else if c == ')' {
            out.push(Lexeme::Close);
            i += 1;
        } else if c == '"' || c == '“' || c == '”' || c == '«' {
            let (text, next) = quoted(&chars, i + 1);
            let (slop, next) = tilde_number(&chars, next);
            out.push(Lexeme::Atom(Node::Phrase { text, slop: slop.unwrap_or(0) }));
            i = next;
        } else if (c == '-' || c == '+') && at_start(i) && chars.get(i + 1).is_some_and(|n| !n.is_whitespace()) {
            if c == '-' {
                out.push(Lexeme::Not);
            }
            i += 1;
        } else {
            let start = i;
            while i < chars.len() && !chars[i].is_whitespace() && !matches!(chars[i], '(' | ')' | '"' | '“' | '”' | '«')
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            // `name:"a value"`
            if word.ends_with(':') && word.len() > 1 && matches!(chars.get(i), Some('"' | '“' | '«')) {
                let (value, next) = quoted(&chars, i + 1);
                let name = word.trim_end_matches(':').to_string();
                out.push(Lexeme::Atom(Node::Field { name, value, prefix: false, quoted: true }));
                i = next;
                continue;
            }
            out.push(match word.as_str() {
                "AND" | "&&" => Lexeme::And,
                "OR" | "||" => Lexeme::Or,
                "NOT" => Lexeme::Not,
                _ => Lexeme::Atom(word_atom(&word)),
            });
        }
    }
    out
}

/// Reads a quoted stretch starting after its opening quote; returns it and the index after
/// the closing quote (or the end).
fn quoted(chars: &[char], from: usize) -> (String, usize) {
    let mut i = from;
    while i < chars.len() && !matches!(chars[i], '"' | '”' | '“' | '»') {
        i += 1;
    }
    (chars[from.min(chars.len())..i].iter().collect(), (i + 1).min(chars.len().max(i)))
}

/// `~N` right after a phrase.
fn tilde_number(chars: &[char], from: usize) -> (Option<u32>, usize) {
    if chars.get(from) != Some(&'~') {
        return (None, from);
    }
    let mut i = from + 1;
    let mut n = String::new();
    while i < chars.len() && chars[i].is_ascii_digit() {
        n.push(chars[i]);
        i += 1;
    }
    (Some(n.parse().unwrap_or(1).min(50)), i)
}

fn word_atom(word: &str) -> Node {
    if let Some((name, value)) = word.split_once(':')
        && !name.is_empty()
        && !value.is_empty()
        && name.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        && name.chars().next().is_some_and(char::is_alphabetic)
    {
        let prefix = value.ends_with('*');
        let value = value.trim_end_matches('*').to_string();
        return Node::Field { name: name.to_string(), value, prefix, quoted: false };
    }
    if let Some((text, d)) = word.rsplit_once('~')
        && !text.is_empty()
        && (d.is_empty() || d.chars().all(|c| c.is_ascii_digit()))
    {
        let distance = d.parse::<u8>().unwrap_or(1).clamp(1, 2);
        return Node::Fuzzy { text: text.to_string(), distance };
    }
    if word.ends_with('*') && word.trim_end_matches('*').chars().any(char::is_alphanumeric) {
        return Node::Prefix(word.trim_end_matches('*').to_string());
    }
    Node::Word(word.to_string())
}

struct Parser {
    lexemes: Vec<Lexeme>,
    at: usize,
    /// Brackets and NOTs open around the current position.
    depth: usize,
    /// The query nests deeper than [`MAX_QUERY_DEPTH`]: parsing stopped.
    too_deep: bool,
}

impl Parser {
    fn peek(&self) -> Option<&Lexeme> {
        self.lexemes.get(self.at)
    }

    fn or(&mut self) -> Node {
        let mut parts = vec![self.and()];
        while self.peek() == Some(&Lexeme::Or) {
            self.at += 1;
            parts.push(self.and());
        }
        if parts.len() == 1 { parts.remove(0) } else { Node::Or(parts) }
    }

    fn and(&mut self) -> Node {
        let mut parts = Vec::new();
        loop {
            match self.peek() {
                None | Some(Lexeme::Close) | Some(Lexeme::Or) => break,
                Some(Lexeme::And) => self.at += 1,
                _ => {
                    if let Some(n) = self.unary() {
                        parts.push(n);
                    }
                }
            }
        }
        if parts.len() == 1 { parts.remove(0) } else { Node::And(parts) }
    }

    fn unary(&mut self) -> Option<Node> {
        let lexeme = self.peek()?.clone();
        self.at += 1;
        if matches!(lexeme, Lexeme::Not | Lexeme::Open) {
            if self.depth >= MAX_QUERY_DEPTH {
                self.too_deep = true;
                self.at = self.lexemes.len();
                return None;
            }
            self.depth += 1;
            let node = self.nested(lexeme);
            self.depth -= 1;
            return node;
        }
        self.nested(lexeme)
    }

    fn nested(&mut self, lexeme: Lexeme) -> Option<Node> {
        match lexeme {
            Lexeme::Not => match self.peek() {
                None | Some(Lexeme::Close) | Some(Lexeme::Or) | Some(Lexeme::And) => None,
                _ => self.unary().map(|n| Node::Not(Box::new(n))),
            },
            Lexeme::Open => {
                let inner = self.or();
                if self.peek() == Some(&Lexeme::Close) {
                    self.at += 1;
                }
                Some(inner)
            }
            Lexeme::Atom(node) => Some(node),
            Lexeme::Close | Lexeme::And | Lexeme::Or => None,
        }
    }
}

fn simplify(node: Node) -> Node {
    match node {
        Node::And(parts) => {
            let mut flat = Vec::new();
            for p in parts.into_iter().map(simplify) {
                match p {
                    Node::And(inner) => flat.extend(inner),
                    other => flat.push(other),
                }
            }
            if flat.len() == 1 { flat.remove(0) } else { Node::And(flat) }
        }
        Node::Or(parts) => {
            let mut flat = Vec::new();
            for p in parts.into_iter().map(simplify) {
                match p {
                    Node::Or(inner) => flat.extend(inner),
                    Node::And(inner) if inner.is_empty() => {}
                    other => flat.push(other),
                }
            }
            if flat.len() == 1 { flat.remove(0) } else { Node::Or(flat) }
        }
        Node::Not(inner) => Node::Not(Box::new(simplify(*inner))),
        other => other,
    }
}

// ---------------------------------------------------------------------------------------
// Resolving against the index and the project

/// The query after analysis: what tantivy runs and what the highlighter looks for.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Q {
    Term(String),
    /// Stemmed words with their positions relative to the first.
    Phrase(Vec<(usize, String)>, u32),
    /// A word as written by its start, lower-cased, and the passages holding such words.
    Prefix(String, SurfaceMatch),
    /// A word as written within so many edits, and the passages holding such words.
    Fuzzy(String, u8, SurfaceMatch),
    Filter(FilterField, String, bool),
    And(Vec<Q>),
    Or(Vec<Q>),
    Not(Box<Q>),
    /// Matches no passage (a filter on a field that does not exist).
    Nothing,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum FilterField {
    Group,
    Doc,
    Speaker,
    Kind,
    Attr(String),
}

pub(crate) struct Resolver<'a> {
    stem: TextAnalyzer,
    /// Analysers of the other languages documents are written in: a word is looked up with
    /// each language's stem.
    other_stems: Vec<(Language, TextAnalyzer)>,
    exact: TextAnalyzer,
    attributes: HashSet<String>,
    pub notes: Vec<String>,
    snapshot: &'a Snapshot,
    project: &'a Project,
    fields: Fields,
    /// The index could not be read while working out a prefix or fuzzy word.
    pub failure: Option<TantivyError>,
}

impl<'a> Resolver<'a> {
    /// Resolves queries against one state of the index (the one the search then runs on).
    pub fn new(index: &SearchIndex, snapshot: &'a Snapshot, project: &'a Project) -> Self {
        let mut attributes = HashSet::new();
        for p in project.participants.values() {
            attributes.extend(p.props.attributes.keys().map(|k| key(k)));
        }
        for d in project.documents.values() {
            attributes.extend(d.props.metadata.keys().map(|k| key(k)));
            if !d.props.sets.is_empty() {
                attributes.insert("set".to_string());
            }
        }
        let mut languages: Vec<Language> =
            project.documents.values().filter_map(|d| d.props.language).filter(|l| *l != index.language()).collect();
        languages.sort();
        languages.dedup();
        Resolver {
            stem: super::schema::stem_analyzer(index.language()),
            other_stems: languages.into_iter().map(|l| (l, super::schema::stem_analyzer(l))).collect(),
            exact: super::schema::exact_analyzer(),
            attributes,
            notes: Vec::new(),
            snapshot,
            project,
            fields: *index.fields(),
            failure: None,
        }
    }

    /// What a prefix or fuzzy word matches: the vocabulary's words `keep` accepts.
    fn surface(&mut self, keep: impl FnMut(&str) -> bool) -> SurfaceMatch {
        let vocabulary = &self.snapshot.vocabulary;
        let expansion = vocabulary.expand(vocabulary.matching(keep));
        self.surface_of(expansion)
    }

    fn surface_of(&mut self, expansion: super::vocabulary::Expansion) -> SurfaceMatch {
        match SurfaceMatch::new(expansion, self.snapshot, self.project, &self.fields) {
            Ok(m) => m,
            Err(e) => {
                self.failure.get_or_insert(e);
                SurfaceMatch::default()
            }
        }
    }

    pub fn analyzers(&self) -> (TextAnalyzer, TextAnalyzer) {
        (self.stem.clone(), self.exact.clone())
    }

    /// A highlighter for these leaves that stems each passage in its document's language.
    pub fn highlighter(&self, leaves: Vec<Leaf>) -> Highlighter {
        let (stem, exact) = self.analyzers();
        Highlighter::new(stem, exact, leaves).with_languages(self.other_stems.clone())
    }

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            let t = stream.token();
            out.push((t.position, t.text.clone()));
        }
        out
    }

    /// Words (one, or a phrase) stemmed in the project's language, or in any language a
    /// document is written in.
    fn words(&mut self, text: &str, slop: u32) -> Option<Q> {
        let first = Self::words_in(&mut self.stem, text, slop)?;
        let mut all = vec![first];
        for (_, analyzer) in &mut self.other_stems {
            if let Some(q) = Self::words_in(analyzer, text, slop)
                && !all.contains(&q)
            {
                all.push(q);
            }
        }
        if all.len() == 1 { all.pop() } else { Some(Q::Or(all)) }
    }

    fn words_in(analyzer: &mut TextAnalyzer, text: &str, slop: u32) -> Option<Q> {
        let mut toks = Self::tokens(analyzer, text);
        match toks.len() {
            0 => None,
            1 => toks.pop().map(|(_, t)| Q::Term(t)),
            _ => {
                let first = toks[0].0;
                Some(Q::Phrase(toks.into_iter().map(|(p, t)| (p - first, t)).collect(), slop))
            }
        }
    }

    fn field(&self, name: &str) -> Option<FilterField> {
        let name = key(name);
        Some(match name.as_str() {
            "group" | "groups" => FilterField::Group,
            "doc" | "document" | "docs" | "documents" => FilterField::Doc,
            "speaker" | "participant" | "who" => FilterField::Speaker,
            "kind" | "type" => FilterField::Kind,
            _ if self.attributes.contains(&name) => FilterField::Attr(name),
            _ => return None,
        })
    }

    fn filter_value(field: &FilterField, value: &str) -> String {
        match field {
            FilterField::Kind => DocKind::parse(value).map(|k| k.slug().to_string()).unwrap_or_else(|| key(value)),
            FilterField::Attr(name) => format!("{name}={}", key(value)),
            _ => key(value),
        }
    }

    pub fn filter(&mut self, f: &Filter) -> Q {
        match self.field(&f.field) {
            Some(field) => {
                let prefix = f.value.ends_with('*');
                let value = Self::filter_value(&field, f.value.trim_end_matches('*'));
                Q::Filter(field, value, prefix)
            }
            // An unknown attribute matches nothing, rather than everything.
            None => {
                self.notes.push(format!("there is no field or attribute “{}”, so nothing matches it", f.field));
                Q::Nothing
            }
        }
    }

    pub fn resolve(&mut self, node: &Node) -> Option<Q> {
        match node {
            Node::Word(w) => self.words(w, 0),
            Node::Phrase { text, slop } => self.words(text, *slop),
            Node::Prefix(text) => {
                let toks = Self::tokens(&mut self.exact, text);
                let n = toks.len();
                let mut parts: Vec<Q> = Vec::new();
                for (i, (_, t)) in toks.into_iter().enumerate() {
                    if i + 1 == n {
                        let vocabulary = Arc::clone(&self.snapshot.vocabulary);
                        let m = self.surface_of(vocabulary.expand(vocabulary.with_prefix(&t)));
                        parts.push(Q::Prefix(t, m));
                    } else {
                        parts.extend(self.words(&t, 0));
                    }
                }
                and_of(parts)
            }
            Node::Fuzzy { text, distance } => {
                let toks = Self::tokens(&mut self.exact, text);
                let mut parts = Vec::with_capacity(toks.len());
                for (_, t) in toks {
                    let chars: Vec<char> = t.chars().collect();
                    let d = *distance;
                    // Cheap length check first: most words are too long or too short.
                    let m = self.surface(|w| w.len().abs_diff(t.len()) <= 4 * d as usize && within_edits(&chars, w, d));
                    parts.push(Q::Fuzzy(t, d, m));
                }
                and_of(parts)
            }
            Node::Field { name, value, prefix, quoted } => match self.field(name) {
                Some(field) => {
                    let v = Self::filter_value(&field, value);
                    Some(Q::Filter(field, v, *prefix))
                }
                None => {
                    if name.chars().all(char::is_alphabetic) {
                        self.notes.push(format!("there is no field “{name}”; “{name}:{value}” was searched as text"));
                    }
                    let text = if *quoted { format!("{name} {value}") } else { format!("{name}:{value}") };
                    self.words(&text, 0)
                }
            },
            Node::And(parts) => and_of(parts.iter().filter_map(|p| self.resolve(p)).collect()),
            Node::Or(parts) => {
                let mut v: Vec<Q> = parts.iter().filter_map(|p| self.resolve(p)).collect();
                match v.len() {
                    0 => None,
                    1 => v.pop(),
                    _ => Some(Q::Or(v)),
                }
            }
            Node::Not(inner) => self.resolve(inner).map(|q| Q::Not(Box::new(q))),
        }
    }
}

fn and_of(mut parts: Vec<Q>) -> Option<Q> {
    match parts.len() {
        0 => None,
        1 => parts.pop(),
        _ => Some(Q::And(parts)),
    }
}

impl Q {
    /// The leaves that mark text in a hit (not those under NOT, not filters).
    pub(crate) fn leaves(&self, out: &mut Vec<Leaf>) {
        match self {
            Q::Term(t) => out.push(Leaf::Term(t.clone())),
            Q::Phrase(words, slop) => out.push(Leaf::Phrase(words.clone(), *slop)),
            Q::Prefix(p, _) => out.push(Leaf::Prefix(p.clone())),
            Q::Fuzzy(w, d, _) => out.push(Leaf::Fuzzy(w.clone(), *d)),
            Q::And(parts) | Q::Or(parts) => parts.iter().for_each(|p| p.leaves(out)),
            Q::Filter(..) | Q::Not(_) | Q::Nothing => {}
        }
    }

    pub(crate) fn to_tantivy(&self, f: &Fields) -> Box<dyn Query> {
        match self {
            Q::Term(t) => Box::new(TermQuery::new(Term::from_field_text(f.text, t), IndexRecordOption::WithFreqs)),
            Q::Phrase(words, slop) => {
                let terms: Vec<(usize, Term)> =
                    words.iter().map(|(p, w)| (*p, Term::from_field_text(f.text, w))).collect();
                if terms.len() < 2 {
                    return match words.first() {
                        Some((_, w)) => Q::Term(w.clone()).to_tantivy(f),
                        None => Box::new(EmptyQuery),
                    };
                }
                Box::new(PhraseQuery::new_with_offset_and_slop(terms, *slop))
            }
            Q::Prefix(_, m) | Q::Fuzzy(_, _, m) => m.to_tantivy(f),
            Q::Filter(field, value, prefix) => {
                let field = match field {
                    FilterField::Group => f.group,
                    FilterField::Doc => f.doc_name,
                    FilterField::Speaker => f.speaker,
                    FilterField::Kind => f.kind,
                    FilterField::Attr(_) => f.attr,
                };
                let q: Box<dyn Query> = if *prefix {
                    regex_prefix(field, value)
                } else {
                    Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic))
                };
                // Filters narrow; they do not change how well a passage matches.
                Box::new(ConstScoreQuery::new(q, 0.0))
            }
            Q::And(parts) => {
                let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                for p in parts {
                    match p {
                        Q::Not(inner) => clauses.push((Occur::MustNot, inner.to_tantivy(f))),
                        other => clauses.push((Occur::Must, other.to_tantivy(f))),
                    }
                }
                if clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
                    clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(Box::new(AllQuery), 0.0))));
                }
                Box::new(BooleanQuery::new(clauses))
            }
            Q::Or(parts) => {
                Box::new(BooleanQuery::new(parts.iter().map(|p| (Occur::Should, p.to_tantivy(f))).collect()))
            }
            Q::Nothing => Box::new(EmptyQuery),
            Q::Not(inner) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, Box::new(ConstScoreQuery::new(Box::new(AllQuery), 0.0))),
                (Occur::MustNot, inner.to_tantivy(f)),
            ])),
        }
    }
}

fn regex_prefix(field: Field, prefix: &str) -> Box<dyn Query> {
    match RegexQuery::from_pattern(&format!("{}.*", regex::escape(prefix)), field) {
        Ok(q) => Box::new(q),
        Err(_) => Box::new(EmptyQuery),
    }
}

// ---------------------------------------------------------------------------------------
// Searching

/// Runs a search on the index's current state. Fast enough to run on every keystroke for
/// a few million words, but it still belongs on a worker thread: see [`super::SearchWorker`].
///
/// tantivy is not panic-free on a damaged index (a truncated segment): a panic here becomes
/// an error for which [`IndexError::is_damage`] is true, and the caller rebuilds the index.
pub fn search(index: &SearchIndex, project: &Project, request: &SearchRequest) -> Result<SearchResults, IndexError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| search_unguarded(index, project, request))).unwrap_or_else(
        |_| {
            Err(IndexError::Tantivy {
                path: index.path().to_path_buf(),
                source: TantivyError::InternalError("the index library failed reading the index".into()),
            })
        },
    )
}

fn search_unguarded(
    index: &SearchIndex,
    project: &Project,
    request: &SearchRequest,
) -> Result<SearchResults, IndexError> {
    let started = Instant::now();
    let snapshot = index.snapshot();
    let mut resolver = Resolver::new(index, &snapshot, project);
    let parsed = try_parse(&request.query).map_err(IndexError::Query)?;
    let text_query = resolver.resolve(&parsed);
    if let Some(source) = resolver.failure.take() {
        return Err(IndexError::Tantivy { path: index.path().to_path_buf(), source });
    }
    let mut parts: Vec<Q> = text_query.iter().cloned().collect();
    parts.extend(request.filters.iter().map(|f| resolver.filter(f)));
    let Some(q) = and_of(parts) else {
        return Ok(SearchResults { notes: resolver.notes, elapsed: started.elapsed(), ..Default::default() });
    };
    let mut leaves = Vec::new();
    if let Some(t) = &text_query {
        t.leaves(&mut leaves);
    }
    let mut highlighter = resolver.highlighter(leaves);
    let tantivy_query = q.to_tantivy(index.fields());
    let ranks = Ranks::new(&snapshot, project);
    let mut results = match &request.coding {
        CodingFilter::None => run_plain(index, &snapshot, project, request, &*tantivy_query, &ranks, &mut highlighter)?,
        filter => {
            let coded = CodedSpans::new(project, filter);
            run_coding_filtered(index, &snapshot, project, request, &*tantivy_query, &ranks, &mut highlighter, &coded)?
        }
    };
    results.notes = resolver.notes;
    results.elapsed = started.elapsed();
    Ok(results)
}

/// Document order by slot: `rank[slot]` is the document's position in the project, or
/// `u32::MAX` for a slot whose document is gone (the index is behind the project).
pub(crate) struct Ranks {
    pub rank: Arc<Vec<u32>>,
    pub docs: Vec<Option<DocId>>,
}

impl Ranks {
    pub fn new(snapshot: &Snapshot, project: &Project) -> Ranks {
        let len = snapshot.manifest.next_slot as usize + 1;
        let mut rank = vec![u32::MAX; len];
        let mut docs = vec![None; len];
        for (i, id) in project.documents.keys().enumerate() {
            if let Some(e) = snapshot.manifest.docs.get(id)
                && let Some(r) = rank.get_mut(e.slot as usize)
            {
                *r = i as u32;
                docs[e.slot as usize] = Some(*id);
            }
        }
        Ranks { rank: Arc::new(rank), docs }
    }
}

fn tantivy_err(index: &SearchIndex) -> impl Fn(tantivy::TantivyError) -> IndexError + '_ {
    move |source| IndexError::Tantivy { path: index.path().to_path_buf(), source }
}

fn run_plain(
    index: &SearchIndex,
    snapshot: &Snapshot,
    project: &Project,
    request: &SearchRequest,
    query: &dyn Query,
    ranks: &Ranks,
    highlighter: &mut Highlighter,
) -> Result<SearchResults, IndexError> {
    let searcher = &snapshot.searcher;
    let err = tantivy_err(index);
    // One pass collects the passages to show and counts every match per document.
    let keep = match (request.order, request.limit) {
        (_, Some(0)) => Keep::None,
        (Order::Relevance, Some(n)) => Keep::Best(n),
        (Order::Document, Some(n)) => Keep::First(n),
        (order, None) => Keep::All { scored: order == Order::Relevance },
    };
    let (mut units, counts) = searcher.search(query, &UnitCollector::new(ranks, keep)).map_err(&err)?;
    sort_units(&mut units, request.order);
    let raw: Vec<(Score, DocAddress)> = units.into_iter().map(|u| (u.score, u.addr)).collect();
    let mut reader = ColumnCache::new(snapshot);
    let mut hits = Vec::with_capacity(raw.len());
    for (score, addr) in raw {
        let Some(unit) = reader.unit(addr, score, ranks).map_err(&err)? else { continue };
        let Some(doc) = project.documents.get(&unit.doc) else { continue };
        let Some(text) = unit_text(doc, &unit) else { continue };
        let matches = highlighter.matches_in(text, doc.props.language);
        hits.push(build_hit(project, doc, &unit, text, &matches, request.context_chars));
    }
    let (total, documents) = doc_counts(project, ranks, &counts);
    Ok(SearchResults { hits, total, documents, ..Default::default() })
}

fn sort_units(units: &mut [RawUnit], order: Order) {
    match order {
        Order::Relevance => {
            units.sort_by(|a, b| b.score.total_cmp(&a.score).then((a.rank, a.start).cmp(&(b.rank, b.start))))
        }
        Order::Document => units.sort_by_key(|u| (u.rank, u.start)),
    }
}

/// The unit's text, if the index agrees with the document (it always does once synced).
pub(crate) fn unit_text<'d>(doc: &'d Document, unit: &UnitRef) -> Option<&'d str> {
    let text: &str = &doc.text;
    if unit.bytes.end > text.len()
        || !text.is_char_boundary(unit.bytes.start)
        || !text.is_char_boundary(unit.bytes.end)
        || unit.span.end.get() > doc.char_len
    {
        return None;
    }
    text.get(unit.bytes.clone())
}

fn doc_counts(project: &Project, ranks: &Ranks, counts: &[u32]) -> (usize, Vec<DocCount>) {
    let mut documents: Vec<(u32, DocCount)> = Vec::new();
    let mut total = 0;
    for (slot, &n) in counts.iter().enumerate() {
        if n == 0 {
            continue;
        }
        let Some(Some(id)) = ranks.docs.get(slot) else { continue };
        let Some(doc) = project.documents.get(id) else { continue };
        total += n as usize;
        documents.push((ranks.rank[slot], DocCount { doc: *id, name: doc.name().to_string(), passages: n as usize }));
    }
    documents.sort_by_key(|(r, _)| *r);
    (total, documents.into_iter().map(|(_, d)| d).collect())
}

#[allow(clippy::too_many_arguments)]
fn run_coding_filtered(
    index: &SearchIndex,
    snapshot: &Snapshot,
    project: &Project,
    request: &SearchRequest,
    query: &dyn Query,
    ranks: &Ranks,
    highlighter: &mut Highlighter,
    coded: &CodedSpans,
) -> Result<SearchResults, IndexError> {
    let err = tantivy_err(index);
    let collector = UnitCollector::new(ranks, Keep::All { scored: request.order == Order::Relevance });
    let (mut units, _) = snapshot.searcher.search(query, &collector).map_err(&err)?;
    sort_units(&mut units, request.order);
    let mut reader = ColumnCache::new(snapshot);
    let limit = request.limit.unwrap_or(usize::MAX);
    let mut counts = vec![0u32; ranks.rank.len()];
    let mut hits = Vec::new();
    for raw in units {
        let Some(unit) = reader.unit(raw.addr, raw.score, ranks).map_err(&err)? else { continue };
        let Some(doc) = project.documents.get(&unit.doc) else { continue };
        let Some(text) = unit_text(doc, &unit) else { continue };
        let verdict = coded.judge(unit.doc, unit.span);
        if verdict == Verdict::Drop {
            continue;
        }
        let shown = hits.len() < limit;
        // A unit wholly in (or out of) the filter counts without looking at its words.
        if verdict == Verdict::KeepAll && !shown {
            counts[unit.slot as usize] += 1;
            continue;
        }
        let mut matches = highlighter.matches_in(text, doc.props.language);
        if verdict == Verdict::Check && highlighter.has_leaves() {
            let base = unit.span.start.get();
            let index = TextIndex::new(text);
            matches.retain(|m| {
                let span = Span {
                    start: CharPos(base + index.char_of(text, m.start).get()),
                    end: CharPos(base + index.char_of(text, m.end).get()),
                };
                coded.keeps(unit.doc, span)
            });
            if matches.is_empty() {
                continue;
            }
        }
        counts[unit.slot as usize] += 1;
        if shown {
            hits.push(build_hit(project, doc, &unit, text, &matches, request.context_chars));
        }
    }
    let (total, documents) = doc_counts(project, ranks, &counts);
    Ok(SearchResults { hits, total, documents, ..Default::default() })
}

/// Coded text for a [`CodingFilter`]: per document, the merged spans of the codings it
/// is about.
pub(crate) struct CodedSpans {
    within: bool,
    spans: HashMap<DocId, Vec<Span>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// No match in the unit can pass.
    Drop,
    /// Every match in the unit passes.
    KeepAll,
    /// Each match must be checked.
    Check,
}

impl CodedSpans {
    pub fn new(project: &Project, filter: &CodingFilter) -> CodedSpans {
        let (within, codes, coder) = match filter {
            CodingFilter::None => (false, None, None),
            CodingFilter::Uncoded { coder } => (false, None, *coder),
            CodingFilter::WithinCode { code, coder } => {
                (true, Some(project.code_subtree(*code).into_iter().collect::<HashSet<_>>()), *coder)
            }
        };
        let mut spans: HashMap<DocId, Vec<Span>> = HashMap::new();
        for c in project.codings.values() {
            if coder.is_some_and(|k| k != c.coder) || codes.as_ref().is_some_and(|s| !s.contains(&c.code)) {
                continue;
            }
            spans.entry(c.doc).or_default().push(c.span);
        }
        for v in spans.values_mut() {
            v.sort();
            let mut merged: Vec<Span> = Vec::with_capacity(v.len());
            for s in v.drain(..) {
                match merged.last_mut() {
                    Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
                    _ => merged.push(s),
                }
            }
            *v = merged;
        }
        CodedSpans { within, spans }
    }

    /// The merged coded span that overlaps `span` first, if any.
    fn overlapping(&self, doc: DocId, span: Span) -> (bool, bool) {
        let Some(v) = self.spans.get(&doc) else { return (false, false) };
        let i = v.partition_point(|s| s.end <= span.start);
        match v.get(i) {
            Some(s) if s.start < span.end => (true, s.contains_span(&span)),
            _ => (false, false),
        }
    }

    pub fn judge(&self, doc: DocId, unit: Span) -> Verdict {
        let (overlaps, covers) = self.overlapping(doc, unit);
        match (self.within, overlaps, covers) {
            (true, false, _) => Verdict::Drop,
            (true, true, true) => Verdict::KeepAll,
            (false, _, true) => Verdict::Drop,
            (false, false, _) => Verdict::KeepAll,
            _ => Verdict::Check,
        }
    }

    /// Whether a match passes: inside coded text (within) or touching none (uncoded).
    pub fn keeps(&self, doc: DocId, span: Span) -> bool {
        let (overlaps, covers) = self.overlapping(doc, span);
        if self.within { covers } else { !overlaps }
    }

    /// Whether any of this coded text overlaps a span.
    pub fn overlaps(&self, doc: DocId, span: Span) -> bool {
        self.overlapping(doc, span).0
    }
}

// ---------------------------------------------------------------------------------------
// Collecting

#[derive(Clone, Copy, Debug)]
pub(crate) enum Keep {
    /// Count only.
    None,
    /// The `n` best scored.
    Best(usize),
    /// The first `n` in document order.
    First(usize),
    /// Every unit, with its score when `scored`.
    All { scored: bool },
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct RawUnit {
    pub rank: u32,
    pub start: u64,
    pub score: Score,
    pub addr: DocAddress,
}

impl RawUnit {
    fn doc_order(&self) -> (u32, u64, DocAddress) {
        (self.rank, self.start, self.addr)
    }
}

/// Orders units so that the one to drop first is the greatest: by document order, or by
/// score (a lower score is "greater"; ties go to document order).
#[derive(Clone, Copy, Debug)]
struct Ranked {
    unit: RawUnit,
    by_score: bool,
}

impl PartialEq for Ranked {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == std::cmp::Ordering::Equal
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Ranked {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        if self.by_score {
            o.unit.score.total_cmp(&self.unit.score).then(self.unit.doc_order().cmp(&o.unit.doc_order()))
        } else {
            self.unit.doc_order().cmp(&o.unit.doc_order())
        }
    }
}

/// Counts matching units per document slot and keeps some of them, reading the slot and
/// start columns. Units of documents no longer in the project are skipped.
pub(crate) struct UnitCollector {
    rank: Arc<Vec<u32>>,
    keep: Keep,
}

impl UnitCollector {
    pub fn new(ranks: &Ranks, keep: Keep) -> Self {
        UnitCollector { rank: Arc::clone(&ranks.rank), keep }
    }
}

pub(crate) struct UnitSegment {
    ord: SegmentOrdinal,
    slot: Column<u64>,
    start: Column<u64>,
    rank: Arc<Vec<u32>>,
    keep: Keep,
    heap: BinaryHeap<Ranked>,
    all: Vec<RawUnit>,
    counts: Vec<u32>,
}

impl Collector for UnitCollector {
    type Fruit = (Vec<RawUnit>, Vec<u32>);
    type Child = UnitSegment;

    fn for_segment(&self, ord: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<UnitSegment> {
        let ff = segment.fast_fields();
        Ok(UnitSegment {
            ord,
            slot: ff.u64(columns::DOC_SLOT)?,
            start: ff.u64(columns::START)?,
            rank: Arc::clone(&self.rank),
            keep: self.keep,
            heap: BinaryHeap::new(),
            all: Vec::new(),
            counts: vec![0; self.rank.len()],
        })
    }

    fn requires_scoring(&self) -> bool {
        matches!(self.keep, Keep::All { scored: true } | Keep::Best(_))
    }

    fn merge_fruits(&self, fruits: Vec<(Vec<RawUnit>, Vec<u32>)>) -> tantivy::Result<Self::Fruit> {
        let mut counts = vec![0u32; self.rank.len()];
        let mut units = Vec::new();
        for (u, c) in fruits {
            units.extend(u);
            for (a, b) in counts.iter_mut().zip(c) {
                *a += b;
            }
        }
        match self.keep {
            Keep::First(n) => {
                sort_units(&mut units, Order::Document);
                units.truncate(n);
            }
            Keep::Best(n) => {
                sort_units(&mut units, Order::Relevance);
                units.truncate(n);
            }
            Keep::None | Keep::All { .. } => {}
        }
        Ok((units, counts))
    }
}

impl SegmentCollector for UnitSegment {
    type Fruit = (Vec<RawUnit>, Vec<u32>);

    fn collect(&mut self, doc: tantivy::DocId, score: Score) {
        let Some(slot) = self.slot.first(doc) else { return };
        let rank = self.rank.get(slot as usize).copied().unwrap_or(u32::MAX);
        if rank == u32::MAX {
            return;
        }
        self.counts[slot as usize] += 1;
        let unit = |start| RawUnit { rank, start, score, addr: DocAddress::new(self.ord, doc) };
        let (n, by_score) = match self.keep {
            Keep::None => return,
            Keep::All { .. } => {
                let u = unit(self.start.first(doc).unwrap_or(0));
                self.all.push(u);
                return;
            }
            Keep::First(n) => (n, false),
            Keep::Best(n) => (n, true),
        };
        // With scores, the start is only a tie-break: read it only when the unit gets in.
        let full = self.heap.len() >= n;
        if by_score && full && self.heap.peek().is_some_and(|worst| score < worst.unit.score) {
            return;
        }
        let u = Ranked { unit: unit(self.start.first(doc).unwrap_or(0)), by_score };
        if !full {
            self.heap.push(u);
        } else if self.heap.peek().is_some_and(|worst| u < *worst) {
            self.heap.pop();
            self.heap.push(u);
        }
    }

    fn harvest(self) -> Self::Fruit {
        let mut units = self.all;
        units.extend(self.heap.into_vec().into_iter().map(|r| r.unit));
        (units, self.counts)
    }
}

/// FAST columns of each segment, opened once per search.
pub(crate) struct ColumnCache<'s> {
    snapshot: &'s Snapshot,
    segments: HashMap<SegmentOrdinal, UnitColumns>,
}

struct UnitColumns {
    slot: Column<u64>,
    turn: Column<i64>,
    start: Column<u64>,
    end: Column<u64>,
    start_byte: Column<u64>,
    end_byte: Column<u64>,
}

impl<'s> ColumnCache<'s> {
    pub fn new(snapshot: &'s Snapshot) -> Self {
        ColumnCache { snapshot, segments: HashMap::new() }
    }

    /// The unit at an address, or `None` when its document left the project.
    pub fn unit(&mut self, addr: DocAddress, score: Score, ranks: &Ranks) -> tantivy::Result<Option<UnitRef>> {
        let cols = match self.segments.entry(addr.segment_ord) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                let ff = self.snapshot.searcher.segment_reader(addr.segment_ord).fast_fields();
                v.insert(UnitColumns {
                    slot: ff.u64(columns::DOC_SLOT)?,
                    turn: ff.i64(columns::TURN)?,
                    start: ff.u64(columns::START)?,
                    end: ff.u64(columns::END)?,
                    start_byte: ff.u64(columns::START_BYTE)?,
                    end_byte: ff.u64(columns::END_BYTE)?,
                })
            }
        };
        let d = addr.doc_id;
        let Some(slot) = cols.slot.first(d) else { return Ok(None) };
        let Some(Some(doc)) = ranks.docs.get(slot as usize) else { return Ok(None) };
        let get = |c: &Column<u64>| c.first(d).unwrap_or(0) as usize;
        Ok(Some(UnitRef {
            doc: *doc,
            slot,
            turn: cols.turn.first(d).filter(|t| *t >= 0).map(|t| t as usize),
            span: Span::new(get(&cols.start), get(&cols.end)),
            bytes: get(&cols.start_byte)..get(&cols.end_byte),
            score,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Node {
        Node::Word(s.into())
    }

    #[test]
    fn parses_the_query_language() {
        assert_eq!(parse("meeting boss"), Node::And(vec![w("meeting"), w("boss")]));
        assert_eq!(parse("a OR b c"), Node::Or(vec![w("a"), Node::And(vec![w("b"), w("c")])]));
        assert_eq!(parse("a AND NOT b"), Node::And(vec![w("a"), Node::Not(Box::new(w("b")))]));
        assert_eq!(parse("a -b"), Node::And(vec![w("a"), Node::Not(Box::new(w("b")))]));
        assert_eq!(parse("well-being"), w("well-being"));
        assert_eq!(parse("\"first meeting\"~2"), Node::Phrase { text: "first meeting".into(), slop: 2 });
        assert_eq!(parse("meet*"), Node::Prefix("meet".into()));
        assert_eq!(parse("meting~"), Node::Fuzzy { text: "meting".into(), distance: 1 });
        assert_eq!(parse("meting~2"), Node::Fuzzy { text: "meting".into(), distance: 2 });
        assert_eq!(
            parse("doc:\"FG 1\" group:ther*"),
            Node::And(vec![
                Node::Field { name: "doc".into(), value: "FG 1".into(), prefix: false, quoted: true },
                Node::Field { name: "group".into(), value: "ther".into(), prefix: true, quoted: false },
            ])
        );
        assert_eq!(parse("(a OR b) c"), Node::And(vec![Node::Or(vec![w("a"), w("b")]), w("c")]));
    }

    #[test]
    fn half_typed_queries_still_parse() {
        assert_eq!(parse("\"first meet"), Node::Phrase { text: "first meet".into(), slop: 0 });
        assert_eq!(parse("(a OR b"), Node::Or(vec![w("a"), w("b")]));
        assert_eq!(parse("a)"), w("a"));
        assert_eq!(parse("a OR"), w("a"));
        assert_eq!(parse("NOT"), Node::And(vec![]));
        assert_eq!(parse(""), Node::And(vec![]));
        assert_eq!(parse("a) b"), Node::And(vec![w("a"), w("b")]));
        assert_eq!(parse("10:30"), Node::Word("10:30".into()));
    }
}
