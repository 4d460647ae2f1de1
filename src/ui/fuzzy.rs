//! Fuzzy matching for the code picker and the command palette. Whole words come first: each
//! word typed that begins a word of the name (or of its synonyms) makes a word match, and word
//! matches always rank above the rest ("map" finds "Show thematic map" before anything whose
//! letters merely appear in order). Otherwise the letters typed must appear in order; matches
//! at word starts, in a row and at the start score higher.

/// A score for `candidate` against `query` (higher is better), or `None` when some letter
/// of the query is missing. An empty query matches everything with score 0.
pub fn score(query: &str, candidate: &str) -> Option<i32> {
    let query: Vec<char> = query.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect();
    if query.is_empty() {
        return Some(0);
    }
    let cand: Vec<char> = candidate.chars().collect();
    let lower: Vec<char> = cand.iter().map(|c| c.to_lowercase().next().unwrap_or(*c)).collect();
    let mut score = 0;
    let mut qi = 0;
    let mut prev_match: Option<usize> = None;
    for (i, c) in lower.iter().enumerate() {
        if qi == query.len() {
            break;
        }
        if *c != query[qi] {
            continue;
        }
        let word_start =
            i == 0 || !cand[i - 1].is_alphanumeric() || (cand[i].is_uppercase() && cand[i - 1].is_lowercase());
        score += 1;
        if i == 0 {
            score += 12;
        }
        if word_start {
            score += 8;
        }
        match prev_match {
            Some(p) if p + 1 == i => score += 6,
            Some(p) => score -= ((i - p - 1) as i32).min(6),
            None => score -= (i as i32).min(4),
        }
        prev_match = Some(i);
        qi += 1;
    }
    if qi < query.len() {
        return None;
    }
    // Among equals, the shorter name is the closer match.
    Some(score * 4 - (cand.len() as i32 / 8))
}

/// How much one word match weighs against the letter score, which stays well below it for any
/// query a person types (at most about 110 per letter).
const WORD_TIER: i32 = 100_000;

/// The lower-case words of a text (letters and digits; everything else separates).
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// Points for one typed word: the same word in the name, a word of the name it begins, a
/// synonym it begins, or 0 when it is none of these.
fn word_points(word: &str, name: &[String], synonyms: &[String]) -> i32 {
    if name.iter().any(|w| w == word) {
        3
    } else if name.iter().any(|w| w.starts_with(word)) {
        2
    } else if synonyms.iter().any(|w| w.starts_with(word)) {
        1
    } else {
        0
    }
}

/// A score for `candidate`, known also by `synonyms`, against `query` (higher is better), or
/// `None` when it does not match. When every word of the query begins a word of the name or
/// of a synonym, the match is in the word tier, above every letters-in-order match; the letter
/// score orders candidates within a tier.
pub fn score_with(query: &str, candidate: &str, synonyms: &[&str]) -> Option<i32> {
    let typed = words(query);
    let letters = score(query, candidate);
    if typed.is_empty() {
        return letters;
    }
    let name = words(candidate);
    let synonyms: Vec<String> = synonyms.iter().flat_map(|s| words(s)).collect();
    let points: Vec<i32> = typed.iter().map(|w| word_points(w, &name, &synonyms)).collect();
    if points.iter().all(|p| *p > 0) {
        Some(points.iter().sum::<i32>() * WORD_TIER + letters.unwrap_or(0))
    } else {
        letters
    }
}

/// Indices of `candidates` that match, best first (stable for equal scores).
pub fn rank<'a>(query: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<usize> {
    rank_with(query, candidates.into_iter().map(|c| (c, &[][..])))
}

/// Like [`rank`], for candidates that each come with synonyms.
pub fn rank_with<'a>(query: &str, candidates: impl IntoIterator<Item = (&'a str, &'a [&'a str])>) -> Vec<usize> {
    let mut scored: Vec<(i32, usize)> = candidates
        .into_iter()
        .enumerate()
        .filter_map(|(i, (c, syn))| score_with(query, c, syn).map(|s| (s, i)))
        .collect();
    scored.sort_by_key(|(s, i)| (std::cmp::Reverse(*s), *i));
    scored.into_iter().map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_in_order() {
        assert!(score("wo", "Work and identity").is_some());
        assert!(score("wi", "Work and identity").is_some());
        assert!(score("iw", "Work and identity").is_none());
        assert_eq!(score("", "anything"), Some(0));
        assert!(score("møt", "Gode møter").is_some());
        assert!(score("ØT", "møter").is_some());
    }

    #[test]
    fn word_starts_and_prefixes_rank_first() {
        let names = ["Preparing for the meeting", "Meeting practice", "Employer contact", "Money and benefits"];
        let order = rank("me", names);
        assert_eq!(names[order[0]], "Meeting practice");
        let order = rank("mb", names);
        assert_eq!(names[order[0]], "Money and benefits");
        let order = rank("pm", names);
        assert_eq!(names[order[0]], "Preparing for the meeting");
    }

    #[test]
    fn a_whole_word_beats_letters_in_order() {
        // "map" spells m-a-p in order inside "Make a point" (M, a, p) and inside "Show thematic
        // map" (thematic's m, a, then map's p); only the second has the word "map".
        let names = ["Make a point", "Show thematic map"];
        assert_eq!(names[rank("map", names)[0]], "Show thematic map");
        // A word begun counts too, in any order of the words typed.
        assert_eq!(names[rank("them ma", names)[0]], "Show thematic map");
        // Synonyms are words of the candidate's, ranked below its own words.
        let syn: [(&str, &[&str]); 2] = [("Show thematic map", &["graph"]), ("Show graph settings", &[])];
        assert_eq!(rank_with("graph", syn), vec![1, 0]);
        assert_eq!(score_with("grap", "Show thematic map", &["graph"]).map(|s| s / WORD_TIER), Some(1));
        // Nothing in common: no match.
        assert_eq!(score_with("xyz", "Show thematic map", &["graph"]), None);
    }
}
