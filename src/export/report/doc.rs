//! The format-neutral document every renderer writes: what is said, not how it looks.

use crate::model::Language;
use crate::quotes::Placement;

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Doc {
    pub title: String,
    pub subtitle: String,
    /// The quotation marks of the project's language, for inline quotes.
    pub marks: QuoteMarks,
    pub blocks: Vec<Block>,
}

/// Quotation marks, by one rule per language: English “ ” with ‘ ’ inside; Norwegian « »
/// with ‘ ’ inside (Språkrådet's rule; the English inner marks are the usual second level).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuoteMarks {
    pub open: &'static str,
    pub close: &'static str,
    pub inner_open: &'static str,
    pub inner_close: &'static str,
}

impl Default for QuoteMarks {
    fn default() -> Self {
        QuoteMarks::for_language(Language::English)
    }
}

impl QuoteMarks {
    pub fn for_language(language: Language) -> Self {
        match language {
            // Each language's usual marks for a quotation and a quotation inside it, as its
            // style guides give them (French keeps a no-break space inside the guillemets).
            Language::English | Language::Dutch => {
                QuoteMarks { open: "“", close: "”", inner_open: "‘", inner_close: "’" }
            }
            Language::Norwegian => QuoteMarks { open: "«", close: "»", inner_open: "‘", inner_close: "’" },
            Language::Danish => QuoteMarks { open: "»", close: "«", inner_open: "›", inner_close: "‹" },
            Language::Swedish | Language::Finnish => {
                QuoteMarks { open: "”", close: "”", inner_open: "’", inner_close: "’" }
            }
            Language::German => QuoteMarks { open: "„", close: "“", inner_open: "‚", inner_close: "‘" },
            Language::French => {
                QuoteMarks { open: "«\u{a0}", close: "\u{a0}»", inner_open: "“", inner_close: "”" }
            }
            Language::Spanish | Language::Portuguese | Language::Italian => {
                QuoteMarks { open: "«", close: "»", inner_open: "“", inner_close: "”" }
            }
        }
    }

    /// A quote's own text with every double quotation mark in it (straight `"`, curly “ ”,
    /// „, or « ») turned into the inner marks, opening or closing by what stands before it;
    /// and a straight apostrophe after a letter into ’. So a quote never holds a straight
    /// double quote, nor the marks that enclose it.
    pub fn inner(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut prev: Option<char> = None;
        for c in text.chars() {
            match c {
                '"' | '“' | '”' | '„' | '«' | '»' => {
                    let opens = match c {
                        '“' | '„' | '«' => true,
                        '”' | '»' => false,
                        _ => prev.is_none_or(|p| p.is_whitespace() || "([{—–-/".contains(p)),
                    };
                    out.push_str(if opens { self.inner_open } else { self.inner_close });
                }
                '\'' if prev.is_some_and(char::is_alphanumeric) => out.push('’'),
                _ => out.push(c),
            }
            prev = Some(c);
        }
        out
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// A heading; level 1 for a main theme or top-level code, 2 and 3 below it.
    Heading {
        level: usize,
        text: String,
    },
    /// Body text, with an optional bold label before it (`Central organising concept:`).
    Para {
        label: Option<String>,
        text: String,
    },
    /// Small print: where a quote comes from, counts.
    Note(String),
    Quote(QuoteBlock),
}

/// A piece of quote text: source words, or a mark the researcher made (`[...]`, `[text]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    pub mark: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuoteBlock {
    pub placement: Placement,
    /// The text shown (the translation, when it is shown), trimmed. Line breaks are kept for
    /// block quotes and are spaces in inline ones.
    pub pieces: Vec<Piece>,
    /// The attribution label, without parentheses.
    pub attribution: String,
    /// The original under a translation.
    pub original: Option<Vec<Piece>>,
}

/// Trims the whitespace at both ends of a list of pieces, dropping pieces left empty.
pub fn trim_pieces(mut pieces: Vec<Piece>) -> Vec<Piece> {
    while let Some(first) = pieces.first_mut() {
        let t = first.text.trim_start().to_string();
        if t.is_empty() {
            pieces.remove(0);
        } else {
            first.text = t;
            break;
        }
    }
    while let Some(last) = pieces.last_mut() {
        let t = last.text.trim_end().to_string();
        if t.is_empty() {
            pieces.pop();
        } else {
            last.text = t;
            break;
        }
    }
    pieces
}

/// Pieces for an inline quote: every run of whitespace, line breaks included, becomes one
/// space.
pub fn flatten(pieces: &[Piece]) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    let mut prev_space = false;
    for p in pieces {
        let mut text = String::with_capacity(p.text.len());
        for c in p.text.chars() {
            if c.is_whitespace() {
                if !prev_space {
                    text.push(' ');
                }
                prev_space = true;
            } else {
                text.push(c);
                prev_space = false;
            }
        }
        if !text.is_empty() {
            out.push(Piece { text, mark: p.mark });
        }
    }
    out
}

/// The lines of a block quote's text, each a list of pieces (a piece may span lines).
pub fn lines(pieces: &[Piece]) -> Vec<Vec<Piece>> {
    let mut lines = vec![Vec::new()];
    for p in pieces {
        for (i, part) in p.text.split('\n').enumerate() {
            if i > 0 {
                lines.push(Vec::new());
            }
            if !part.is_empty()
                && let Some(line) = lines.last_mut()
            {
                line.push(Piece { text: part.to_string(), mark: p.mark });
            }
        }
    }
    lines.into_iter().map(trim_pieces).filter(|l| !l.is_empty()).collect()
}

impl QuoteBlock {
    /// The pieces as they are written: flattened for an inline quote, as lines for a block.
    pub fn shown_lines(&self) -> Vec<Vec<Piece>> {
        match self.placement {
            Placement::Inline => vec![flatten(&self.pieces)],
            Placement::Block => lines(&self.pieces),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn piece(t: &str, mark: bool) -> Piece {
        Piece { text: t.into(), mark }
    }

    #[test]
    fn inner_quotes_take_the_languages_second_marks() {
        let en = QuoteMarks::for_language(Language::English);
        assert_eq!(en.inner(r#"He said "no" and I'm "done.""#), "He said ‘no’ and I’m ‘done.’");
        assert_eq!(en.inner("«ja» “yes”"), "‘ja’ ‘yes’");
        let no = QuoteMarks::for_language(Language::Norwegian);
        assert_eq!((no.open, no.close), ("«", "»"));
        assert_eq!(no.inner(r#"Hun sa "nei"."#), "Hun sa ‘nei’.");
    }

    #[test]
    fn trimming_flattening_and_lines() {
        let pieces = trim_pieces(vec![
            piece("  ", false),
            piece(" Ja,\n  det ", false),
            piece("[...]", true),
            piece(" ok\n", false),
        ]);
        assert_eq!(pieces, vec![piece("Ja,\n  det ", false), piece("[...]", true), piece(" ok", false)]);
        assert_eq!(flatten(&pieces), vec![piece("Ja, det ", false), piece("[...]", true), piece(" ok", false)]);
        let l = lines(&pieces);
        assert_eq!(
            l,
            vec![vec![piece("Ja,", false)], vec![piece("det ", false), piece("[...]", true), piece(" ok", false)]]
        );
    }
}
