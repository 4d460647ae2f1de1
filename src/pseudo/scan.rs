//! Finding candidates for pseudonymisation across the corpus, each with its count, its
//! inflected forms and keyword-in-context lines.
//!
//! Candidates come from what the project knows (participants' names from a `name` column and
//! their aliases, speaker names as transcribed), from patterns (e-mail addresses, phone
//! numbers, Norwegian fødselsnummer with valid check digits, UK National Insurance numbers,
//! URLs, street addresses, dates of birth), from capitalised words that recur and are never
//! sentence-initial only nor written in lower case (names of people, places, employers), and
//! from the user's own words and patterns. Counting is one pass of the [`Matcher`] that apply
//! and verify use, so a count is exactly what would be replaced.

use super::{Matcher, PseudoError, key};
use crate::import::speakers::WEEKDAYS;
use crate::model::{Named, Word, word};
use crate::model::{Participant, Project};
use crate::progress::Progress;
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// Why a string is a candidate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A participant's name (the sheet's `name` column, or a part of it) or alias.
    Participant,
    /// A speaker name as written in a transcript.
    Speaker,
    /// A word the user added.
    Word,
    /// A match of a pattern the user added.
    Pattern,
    Email,
    Phone,
    /// Norwegian fødselsnummer (11 digits with valid check digits).
    NationalId,
    /// UK National Insurance number.
    NiNumber,
    Url,
    Address,
    DateOfBirth,
    /// A capitalised word that recurs where no sentence starts (a name, a place, an employer).
    ProperNoun,
}

impl Kind {
    pub const ALL: [Kind; 12] = [
        Kind::Participant,
        Kind::Speaker,
        Kind::Word,
        Kind::Pattern,
        Kind::Email,
        Kind::Phone,
        Kind::NationalId,
        Kind::NiNumber,
        Kind::Url,
        Kind::Address,
        Kind::DateOfBirth,
        Kind::ProperNoun,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Kind::Participant => "participant",
            Kind::Speaker => "speaker",
            Kind::Word => "your word",
            Kind::Pattern => "your pattern",
            Kind::Email => "e-mail",
            Kind::Phone => "phone",
            Kind::NationalId => "fødselsnummer",
            Kind::NiNumber => "NI number",
            Kind::Url => "URL",
            Kind::Address => "address",
            Kind::DateOfBirth => "date of birth",
            Kind::ProperNoun => "name?",
        }
    }

    /// The category a replacement defaults to.
    fn category(self) -> &'static str {
        match self {
            Kind::Participant | Kind::Speaker | Kind::Word | Kind::ProperNoun => "[name]",
            Kind::Pattern => "[removed]",
            Kind::Email => "[e-mail]",
            Kind::Phone => "[phone]",
            Kind::NationalId | Kind::NiNumber => "[id number]",
            Kind::Url => "[URL]",
            Kind::Address => "[address]",
            Kind::DateOfBirth => "[date of birth]",
        }
    }
}

impl Named for Kind {
    const WHAT: &'static str = "kind";

    /// The word a map file's `kind` column holds.
    const WORDS: &'static [Word<Self>] = &[
        word(Kind::Participant, "participant"),
        word(Kind::Speaker, "speaker"),
        word(Kind::Word, "word"),
        word(Kind::Pattern, "pattern"),
        word(Kind::Email, "email"),
        word(Kind::Phone, "phone"),
        word(Kind::NationalId, "national-id"),
        word(Kind::NiNumber, "ni-number"),
        word(Kind::Url, "url"),
        word(Kind::Address, "address"),
        word(Kind::DateOfBirth, "date-of-birth"),
        word(Kind::ProperNoun, "proper-noun"),
    ];
}

/// What to look for beyond what Tema finds itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanOptions {
    /// Words or phrases to list whatever Tema thinks of them.
    pub words: Vec<String>,
    /// Regular expressions; each distinct match becomes a candidate.
    pub patterns: Vec<String>,
    /// How often a capitalised word must occur (not sentence-initial) to be listed.
    pub min_count: usize,
    /// Keyword-in-context lines kept per candidate.
    pub contexts: usize,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions { words: Vec::new(), patterns: Vec::new(), min_count: 2, contexts: 3 }
    }
}

/// One line of keyword in context.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Context {
    pub doc: String,
    /// Char position of the hit in the document's text.
    pub at: usize,
    pub before: String,
    pub hit: String,
    pub after: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub original: String,
    pub kind: Kind,
    /// Occurrences in the documents' texts, all forms together.
    pub count: usize,
    /// Documents it occurs in.
    pub documents: usize,
    /// Each spelling found ("Kari", "Karis", "Kari's") with its count, most frequent first.
    pub forms: Vec<(String, usize)>,
    pub contexts: Vec<Context>,
    /// A replacement to start from: the participant's pseudonym, or their group and label,
    /// or a category such as "[phone]".
    pub suggestion: String,
    /// The participant it belongs to, by label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participant: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scan {
    pub candidates: Vec<Candidate>,
    pub documents: usize,
    pub words: usize,
}

/// Speakers that are roles, not names.
const ROLES: &[&str] = &[
    "interviewer",
    "intervjuer",
    "moderator",
    "facilitator",
    "researcher",
    "forsker",
    "respondent",
    "participant",
    "deltaker",
    "informant",
    "speaker",
    "unknown",
    "ukjent",
    "all",
    "alle",
    "several",
    "crosstalk",
    "i",
    "r",
    "p",
    "q",
    "a",
    "int",
    "iv",
];

/// Capitalised words that are not names (English capitalises them mid-sentence), with the
/// weekdays ([`WEEKDAYS`]).
const NOT_NAMES: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "mondays",
    "tuesdays",
    "wednesdays",
    "thursdays",
    "fridays",
    "saturdays",
    "sundays",
    "christmas",
    "easter",
    "god",
    "mr",
    "mrs",
    "ms",
    "dr",
    "english",
    "norwegian",
    "british",
    "european",
    "internet",
];

/// Whether an 11-digit string is a valid Norwegian fødselsnummer (or D-number): a plausible
/// day and month, and both check digits right (weights from Skatteetaten's specification).
pub fn fodselsnummer_is_valid(digits: &str) -> bool {
    let d: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
    if d.len() != 11 || digits.chars().filter(char::is_ascii_digit).count() != 11 {
        return false;
    }
    let day = d[0] * 10 + d[1];
    let month = d[2] * 10 + d[3];
    let day_ok = (1..=31).contains(&day) || (41..=71).contains(&day);
    let month_ok = (1..=12).contains(&month) || (41..=52).contains(&month) || (81..=92).contains(&month);
    if !day_ok || !month_ok {
        return false;
    }
    let check = |weights: &[u32], n: usize| {
        let sum: u32 = weights.iter().zip(&d[..n]).map(|(w, x)| w * x).sum();
        match 11 - sum % 11 {
            11 => Some(0),
            10 => None,
            k => Some(k),
        }
    };
    check(&[3, 7, 6, 1, 8, 9, 4, 5, 2], 9) == Some(d[9]) && check(&[5, 4, 3, 2, 7, 6, 5, 4, 3, 2], 10) == Some(d[10])
}

struct Detectors {
    email: Regex,
    url: Regex,
    phone: Regex,
    fnr: Regex,
    ni: Regex,
    address: Regex,
    dob: Regex,
    date: Regex,
    user: Vec<Regex>,
}

fn compile(pattern: &str) -> Result<Regex, PseudoError> {
    Regex::new(pattern).map_err(|e| PseudoError::Pattern { pattern: pattern.to_string(), reason: e.to_string() })
}

impl Detectors {
    fn new(user: &[String]) -> Result<Detectors, PseudoError> {
        const DATE: &str = r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}(?:st|nd|rd|th)?\.?\s+(?:jan|feb|mar|apr|may|mai|jun|jul|aug|sep|oct|okt|nov|dec|des)[a-zæøå]*\.?\s+\d{4}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}";
        Ok(Detectors {
            email: compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")?,
            url: compile(r"\b(?:https?://|www\.)[^\s<>]+")?,
            phone: compile(r"(?:\+\d{1,3}[ -]?)?\b\d{2,5}(?:[ -]\d{2,5}){0,4}\b")?,
            fnr: compile(r"\b\d{6} ?\d{5}\b")?,
            ni: compile(r"\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b")?,
            address: compile(
                r"\b\d{1,4}[A-Za-z]?,? (?:[A-Z][\w'’-]+ ){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Way|Drive|Close|Crescent|Terrace|Place|Court|Gardens|Square|Grove|Row)\b|\b[A-ZÆØÅ][a-zæøå]*(?:gata|gaten|gate|veien|vegen|vei|veg|plass|allé|stien|bakken|svingen|tunet) \d{1,4}[A-Za-z]?\b",
            )?,
            dob: compile(&format!(
                r"(?i)\b(?:born(?: on)?|født(?: den)?|date of birth:?|d\.?o\.?b\.?:?|fødselsdato:?|birthday:?)\s+({DATE})"
            ))?,
            date: compile(&format!(r"^(?i:{DATE})$"))?,
            user: user.iter().map(|p| compile(p)).collect::<Result<_, _>>()?,
        })
    }

    /// Distinct identifiers found in one text, by kind.
    fn find(&self, text: &str, out: &mut Vec<(String, Kind)>) {
        let mut found = Found { out, taken: Vec::new() };
        for m in self.email.find_iter(text) {
            found.take(m, Kind::Email);
        }
        for m in self.url.find_iter(text) {
            if !found.overlaps(&m) {
                found.take(m, Kind::Url);
            }
        }
        for m in self.fnr.find_iter(text).filter(|m| fodselsnummer_is_valid(m.as_str())) {
            found.take(m, Kind::NationalId);
        }
        for m in self.ni.find_iter(text) {
            found.take(m, Kind::NiNumber);
        }
        for m in self.dob.captures_iter(text).filter_map(|c| c.get(1)) {
            found.take(m, Kind::DateOfBirth);
        }
        for m in self.address.find_iter(text) {
            found.take(m, Kind::Address);
        }
        for m in self.phone.find_iter(text) {
            let digits = m.as_str().chars().filter(char::is_ascii_digit).count();
            if (8..=13).contains(&digits) && !found.overlaps(&m) && !self.date.is_match(m.as_str()) {
                found.add(m.as_str(), Kind::Phone);
            }
        }
        for re in &self.user {
            for m in re.find_iter(text) {
                found.add(m.as_str(), Kind::Pattern);
            }
        }
    }
}

/// The identifiers found in one text so far, and the stretches of it they take: a later,
/// looser pattern (a URL, a phone number) does not match inside an earlier one.
struct Found<'a> {
    out: &'a mut Vec<(String, Kind)>,
    /// Byte ranges of the text.
    taken: Vec<(usize, usize)>,
}

impl Found<'_> {
    fn add(&mut self, s: &str, kind: Kind) {
        let s = s.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '\'', '"', '’', '”']);
        if !s.trim().is_empty() {
            self.out.push((s.split_whitespace().collect::<Vec<_>>().join(" "), kind));
        }
    }

    /// Adds the match and keeps later matches out of its stretch.
    fn take(&mut self, m: regex::Match<'_>, kind: Kind) {
        self.taken.push((m.start(), m.end()));
        self.add(m.as_str(), kind);
    }

    fn overlaps(&self, m: &regex::Match<'_>) -> bool {
        self.taken.iter().any(|&(s, e)| m.start() < e && s < m.end())
    }
}

/// Counts of one capitalised word.
#[derive(Default)]
struct WordCount {
    /// Occurrences where no sentence starts.
    inside: usize,
}

/// Capitalised words that recur where no sentence starts and are never written in lower case.
fn proper_nouns(texts: &[&str], min_count: usize) -> Vec<String> {
    let mut capitalised: HashMap<&str, WordCount> = HashMap::new();
    let mut seen_capitalised: HashSet<&str> = HashSet::new();
    let mut lower: HashSet<String> = HashSet::new();
    for text in texts {
        // Whether the next word starts a sentence (or a line, or a speaker's turn).
        let mut initial = true;
        let mut word_start: Option<usize> = None;
        for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
            if c.is_alphabetic() {
                if word_start.is_none() {
                    word_start = Some(i);
                }
                continue;
            }
            if let Some(s) = word_start.take() {
                let w = &text[s..i];
                let mut chars = w.chars();
                let first = chars.next().unwrap_or(' ');
                // A word inside an e-mail address or a URL ("kari@…", "…/kari.no") is not a
                // lower-case use of a name.
                let prev = text[..s].chars().next_back();
                let in_address = c == '@'
                    || matches!(prev, Some('@' | '.' | '/' | '_'))
                    || (c == '.' && text[i + 1..].chars().next().is_some_and(char::is_alphanumeric));
                if first.is_lowercase() {
                    if !in_address {
                        lower.insert(w.to_lowercase());
                    }
                } else if first.is_uppercase() && w.chars().count() >= 2 && !w.chars().all(char::is_uppercase) {
                    seen_capitalised.insert(w);
                    if !initial {
                        capitalised.entry(w).or_default().inside += 1;
                    }
                }
                initial = false;
            }
            if matches!(c, '.' | '!' | '?' | ':' | ';' | '\n' | '"' | '“' | '”' | '«' | '»' | '(' | '…' | '—' | '–')
            {
                initial = true;
            } else if !c.is_whitespace() && !matches!(c, '\'' | '’' | ',' | '-') {
                initial = c.is_numeric() && initial;
            }
        }
    }
    let mut out: Vec<String> = Vec::new();
    let mut listed: HashSet<String> = HashSet::new();
    let mut words: Vec<(&str, &WordCount)> = capitalised.iter().map(|(w, c)| (*w, c)).collect();
    words.sort_by(|a, b| a.0.cmp(b.0));
    for (w, c) in words {
        let k = w.to_lowercase();
        // "Karis" is a form of "Kari" when "Kari" is written too.
        let base = match k.strip_suffix('s') {
            Some(b) if seen_capitalised.iter().any(|s| s.to_lowercase() == b) => &w[..w.len() - 1],
            _ => w,
        };
        let bk = base.to_lowercase();
        if c.inside < min_count
            || lower.contains(&k)
            || lower.contains(&bk)
            || NOT_NAMES.contains(&bk.as_str())
            || WEEKDAYS.contains(&bk.as_str())
        {
            continue;
        }
        if listed.insert(bk) {
            out.push(base.to_string());
        }
    }
    out
}

/// A replacement suggested for a participant: their pseudonym, or their group and label.
fn participant_suggestion(p: &Participant) -> String {
    if let Some(ps) = p.props.pseudonym.as_ref().filter(|s| !s.trim().is_empty()) {
        return ps.clone();
    }
    match p.group().trim() {
        "" => format!("[{}]", p.label()),
        g => format!("[{} {}]", g.to_lowercase(), p.label()),
    }
}

/// The participant's full name from a `name` column of the participants sheet, if any.
pub(crate) fn participant_name(p: &Participant) -> Option<(&str, &str)> {
    p.props
        .attributes
        .iter()
        .find(|(k, v)| matches!(key(k).as_str(), "name" | "full name" | "navn") && !v.trim().is_empty())
        .map(|(k, v)| (k.as_str(), v.as_str()))
}

/// Finds candidates across every document of the project (see the module docs). Reports
/// progress per document and stops with [`PseudoError::Cancelled`] when cancelled.
pub fn scan(p: &Project, options: &ScanOptions, progress: &Progress) -> Result<Scan, PseudoError> {
    let detectors = Detectors::new(&options.patterns)?;
    progress.set_total(2 * p.documents.len() as u64);
    progress.set_message("Looking for names");

    // (original, kind, suggestion, participant), first come first kept.
    let mut found: Vec<(String, Kind, String, Option<String>)> = Vec::new();
    let mut keys: HashSet<String> = HashSet::new();
    let mut push = |found: &mut Vec<_>, s: &str, kind: Kind, suggestion: String, who: Option<String>| {
        let k = key(s);
        if !k.is_empty() && keys.insert(k) {
            found.push((s.split_whitespace().collect::<Vec<_>>().join(" "), kind, suggestion, who));
        }
    };
    let labels: HashSet<String> = p.participants.values().map(|x| key(x.label())).collect();
    for part in p.participants.values() {
        let suggestion = participant_suggestion(part);
        let who = Some(part.label().to_string());
        if let Some((_, name)) = participant_name(part) {
            push(&mut found, name, Kind::Participant, suggestion.clone(), who.clone());
            let parts: Vec<&str> = name.split_whitespace().collect();
            if parts.len() > 1 {
                for w in parts.iter().filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2) {
                    push(&mut found, w, Kind::Participant, suggestion.clone(), who.clone());
                }
            }
        }
        for alias in &part.props.aliases {
            if !labels.contains(&key(alias)) {
                push(&mut found, alias, Kind::Participant, suggestion.clone(), who.clone());
            }
        }
    }
    let mut speakers: Vec<&str> = p.documents.values().flat_map(|d| d.turns.iter().map(|t| t.speaker.trim())).collect();
    speakers.sort_unstable();
    speakers.dedup();
    for s in speakers {
        let k = key(s);
        let role = k.split(' ').next().is_some_and(|w| ROLES.contains(&w));
        if s.is_empty() || labels.contains(&k) || role || s.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        let owner = p.participants.values().find(|x| x.answers_to(s));
        let suggestion = owner.map(participant_suggestion).unwrap_or_else(|| Kind::Speaker.category().into());
        push(&mut found, s, Kind::Speaker, suggestion, owner.map(|x| x.label().to_string()));
    }
    for w in &options.words {
        push(&mut found, w, Kind::Word, Kind::Word.category().into(), None);
    }
    let mut patterns: Vec<(String, Kind)> = Vec::new();
    let texts: Vec<&str> = p.documents.values().map(|d| &*d.text).collect();
    for (i, text) in texts.iter().enumerate() {
        if progress.is_cancelled() {
            return Err(PseudoError::Cancelled);
        }
        detectors.find(text, &mut patterns);
        progress.set_done(i as u64 + 1);
    }
    for (s, kind) in patterns {
        push(&mut found, &s, kind, kind.category().into(), None);
    }
    for w in proper_nouns(&texts, options.min_count.max(1)) {
        if !labels.contains(&key(&w)) && !ROLES.contains(&key(&w).as_str()) {
            push(&mut found, &w, Kind::ProperNoun, Kind::ProperNoun.category().into(), None);
        }
    }

    // Count everything in one pass per document.
    progress.set_message("Counting");
    let originals: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
    let matcher = Matcher::new(&originals)?;
    let mut counts: Vec<Tally> = (0..found.len()).map(|_| Default::default()).collect();
    let mut words = 0;
    for (n, d) in p.documents.values().enumerate() {
        if progress.is_cancelled() {
            return Err(PseudoError::Cancelled);
        }
        words += d.words;
        let text = &*d.text;
        let mut chars = CharCounter::default();
        for o in matcher.find(text) {
            let Some(c) = counts.get_mut(o.original) else { continue };
            c.0 += 1;
            c.1.insert(n);
            *c.2.entry(text[o.start..o.end].to_string()).or_default() += 1;
            if c.3.len() < options.contexts {
                c.3.push(context(d.name(), text, o.start, o.end, chars.at(text, o.start)));
            }
        }
        progress.set_done((p.documents.len() + n + 1) as u64);
    }
    let mut candidates: Vec<Candidate> = found
        .into_iter()
        .zip(counts)
        .filter(|((_, kind, _, _), (count, ..))| *count > 0 || matches!(kind, Kind::Participant | Kind::Word))
        .map(|((original, kind, suggestion, participant), (count, docs, forms, contexts))| {
            let mut forms: Vec<(String, usize)> = forms.into_iter().collect();
            forms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            Candidate { original, kind, count, documents: docs.len(), forms, contexts, suggestion, participant }
        })
        .collect();
    candidates
        .sort_by(|a, b| a.kind.cmp(&b.kind).then_with(|| b.count.cmp(&a.count)).then(a.original.cmp(&b.original)));
    Ok(Scan { candidates, documents: p.documents.len(), words })
}

/// Per candidate: occurrences, documents, forms with their counts, contexts.
type Tally = (usize, HashSet<usize>, HashMap<String, usize>, Vec<Context>);

/// Turns increasing byte offsets of one text into char offsets in one pass.
#[derive(Default)]
struct CharCounter {
    byte: usize,
    chars: usize,
}

impl CharCounter {
    fn at(&mut self, text: &str, byte: usize) -> usize {
        if byte < self.byte {
            *self = CharCounter::default();
        }
        self.chars += text[self.byte..byte].chars().count();
        self.byte = byte;
        self.chars
    }
}

/// A keyword-in-context line: up to 50 chars either side, within the hit's line.
fn context(doc: &str, text: &str, start: usize, end: usize, at: usize) -> Context {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let before: String = {
        let b: Vec<char> = text[line_start..start].chars().rev().take(50).collect();
        b.into_iter().rev().collect()
    };
    let after: String = text[end..line_end].chars().take(50).collect();
    Context { doc: doc.to_string(), at, before, hit: text[start..end].to_string(), after }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fodselsnummer_check_digits() {
        // 010190 123 + check digits computed by hand:
        // k1: 3*0+7*1+6*0+1*1+8*9+9*0+4*1+5*2+2*3 = 0+7+0+1+72+0+4+10+6 = 100; 100 % 11 = 1; 11-1 = 10 → invalid.
        assert!(!fodselsnummer_is_valid("01019012345"));
        // 150385 432 k1: 3*1+7*5+6*0+1*3+8*8+9*5+4*4+5*3+2*2 = 3+35+0+3+64+45+16+15+4 = 185;
        // 185 % 11 = 9; k1 = 2. k2: 5*1+4*5+3*0+2*3+7*8+6*5+5*4+4*3+3*2+2*2 = 5+20+0+6+56+30+20+12+6+4
        // = 159; 159 % 11 = 5; k2 = 6.
        assert!(fodselsnummer_is_valid("15038543226"));
        assert!(!fodselsnummer_is_valid("15038543227"), "wrong second check digit");
        assert!(!fodselsnummer_is_valid("15138543226"), "month 13");
    }

    #[test]
    fn capitalised_words_inside_sentences_that_are_never_lower_case() {
        let text = "I met Kari at Nordby. Then Kari's boss came. The meeting was in March, and Kari said \
                    Meeting people helps. We meet Ole once. Nordby is small, we live in Nordby.";
        let found = proper_nouns(&[text], 2);
        // Kari: inside three times ("met Kari", "Then Kari's", "and Kari") → listed.
        // Nordby: "at Nordby", "in Nordby" inside, once initial → listed. March: not a name.
        // Meeting: also written "meeting" → no. Ole: once → no. "I", "The", "We": initial or one letter.
        assert_eq!(found, ["Kari", "Nordby"]);
        // Written in lower case only inside an e-mail address: still a name.
        let text = "We met Kalen there, and Kalen wrote from kalen@example.no and www.example.no/kalen today.";
        assert_eq!(proper_nouns(&[text], 2), ["Kalen"]);
    }
}
