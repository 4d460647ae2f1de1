//! Fuzzy matching for the code picker and the command palette: the letters typed must appear
//! in order; matches at word starts, in a row and at the start score higher.

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

/// Indices of `candidates` that match, best first (stable for equal scores).
pub fn rank<'a>(query: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<usize> {
    let mut scored: Vec<(i32, usize)> =
        candidates.into_iter().enumerate().filter_map(|(i, c)| score(query, c).map(|s| (s, i))).collect();
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
}
