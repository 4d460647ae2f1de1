//! Resolving a parsed query against the index and the project: stems in every language of
//! the corpus, prefix and fuzzy words looked up in the vocabulary, filters checked against
//! the project; the result is the [`Q`] tree tantivy runs and the highlighter follows.

use super::*;

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
            stem: crate::index::schema::stem_analyzer(index.language()),
            other_stems: languages.into_iter().map(|l| (l, crate::index::schema::stem_analyzer(l))).collect(),
            exact: crate::index::schema::exact_analyzer(),
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

    fn surface_of(&mut self, expansion: crate::index::vocabulary::Expansion) -> SurfaceMatch {
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

pub(super) fn and_of(mut parts: Vec<Q>) -> Option<Q> {
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
