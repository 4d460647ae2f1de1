//! The query language as typed: lexing, parsing and simplifying it into a [`Node`] tree.
//! Parsing never fails (see the module above); [`try_parse`] reports only the limits.

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
