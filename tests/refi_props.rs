//! Properties of REFI-QDA offsets: whatever the text (emoji, CRLF, a BOM, decomposed
//! letters) and whichever dialect a tool wrote its positions in, every selection lands on
//! the same words in Tema; and normalising with a map gives the normal text.

use proptest::prelude::*;
use std::io::Write;
use tema::exchange::{self, Limits};
use tema::import::normalise::{normalise, normalise_with_map};
use tema::model::*;
use zip::write::SimpleFileOptions;

const WORDS: &[&str] = &["hei", "på", "deg", "😀", "Gård", "e\u{0301}t", "ok", "🇳🇴", "x"];
const GAPS: &[&str] = &[" ", "  ", "\r\n", "\n", "\r\n\r\n", ", ", "\t"];

/// Positions of char offsets in a dialect, counted independently of Tema's code: each char
/// counts its UTF-16 length or 1, and the CR of a CRLF counts 0 when CRLF counts as one.
fn positions(text: &[char], chars: &[usize], utf16: bool, crlf_one: bool) -> Vec<u64> {
    chars
        .iter()
        .map(|&n| {
            (0..n)
                .map(|i| {
                    let c = text[i];
                    if crlf_one && c == '\r' && text.get(i + 1) == Some(&'\n') {
                        0
                    } else if utf16 {
                        c.len_utf16() as u64
                    } else {
                        1
                    }
                })
                .sum()
        })
        .collect()
}

fn text_and_words() -> impl Strategy<Value = (bool, Vec<(usize, usize)>)> {
    (any::<bool>(), prop::collection::vec((0..WORDS.len(), 0..GAPS.len()), 2..30))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn normalising_with_a_map_gives_the_normal_text(s in "[a-zæøå \r\n\t\u{FEFF}\u{0301}\u{7}😀]{0,60}") {
        let (out, map) = normalise_with_map(&s);
        prop_assert_eq!(&out, &normalise(s.clone()));
        prop_assert_eq!(map.len(), s.chars().count() + 1);
        prop_assert!(map.windows(2).all(|w| w[0] <= w[1]));
        prop_assert_eq!(map.last().copied(), Some(out.chars().count()));
    }

    #[test]
    fn selections_in_every_dialect_land_on_the_same_words(
        (bom, parts) in text_and_words(),
        dialect in 0usize..3,
        pick in prop::collection::vec(any::<prop::sample::Index>(), 1..6),
    ) {
        // The source text, and where each word sits in it (chars).
        let mut text = String::new();
        let mut words = Vec::new();
        for (w, g) in &parts {
            let start = text.chars().count();
            text.push_str(WORDS[*w]);
            words.push((start, text.chars().count(), WORDS[*w]));
            text.push_str(GAPS[*g]);
        }
        let chars: Vec<char> = text.chars().collect();
        // (origin, UTF-16?, CRLF as one?): what NVivo, QualCoder and ATLAS.ti write.
        let (origin, utf16, crlf_one) = [("NVivo 12", true, false), ("QualCoder 3.5", false, false), ("ATLAS.ti 23", false, true)][dialect];
        let chosen: Vec<(usize, usize, &str)> = pick.iter().map(|i| words[i.index(words.len())]).collect();
        let offsets: Vec<usize> = chosen.iter().flat_map(|(s, e, _)| [*s, *e]).collect();
        let pos = positions(&chars, &offsets, utf16, crlf_one);
        let mut selections = String::new();
        for (i, p) in pos.chunks(2).enumerate() {
            selections.push_str(&format!(
                "<PlainTextSelection guid=\"33333333-3333-4333-8333-{i:012}\" startPosition=\"{}\" endPosition=\"{}\">\
                 <Coding guid=\"44444444-4444-4444-8444-{i:012}\"><CodeRef targetGUID=\"11111111-1111-4111-8111-111111111111\"/></Coding>\
                 </PlainTextSelection>", p[0], p[1]));
        }
        let qde = format!(
            "<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"t\" origin=\"{origin}\">\
             <CodeBook><Codes><Code guid=\"11111111-1111-4111-8111-111111111111\" name=\"A\" isCodable=\"true\"/></Codes></CodeBook>\
             <Sources><TextSource guid=\"22222222-2222-4222-8222-222222222222\" name=\"d\" plainTextPath=\"internal://d.txt\">{selections}</TextSource></Sources></Project>");
        let file = if bom { format!("\u{FEFF}{text}") } else { text.clone() };
        let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let path = dir.path().join("p.qdpx");
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let o = SimpleFileOptions::DEFAULT;
        z.start_file("project.qde", o).map_err(|e| TestCaseError::fail(e.to_string()))?;
        z.write_all(qde.as_bytes()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        z.start_file("Sources/D.TXT", o).map_err(|e| TestCaseError::fail(e.to_string()))?;
        z.write_all(file.as_bytes()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let bytes = z.finish().map_err(|e| TestCaseError::fail(e.to_string()))?.into_inner();
        std::fs::write(&path, bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;

        let plan = exchange::plan_project_import(&path, &Limits::default(), &tema::progress::Progress::new()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(plan.report.dropped.is_empty(), "{:?}", plan.report.dropped);
        let mut p = Project::new("t");
        p.apply(plan.edit).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let doc = p.documents.values().next().ok_or_else(|| TestCaseError::fail("no document"))?;
        let mut got: Vec<String> = p.codings.values().map(|c| doc.slice(c.span).unwrap_or("").to_string()).collect();
        let mut want: Vec<String> = chosen.iter().map(|(s, e, _)| {
            let w: String = chars[*s..*e].iter().collect();
            normalise(w)
        }).collect();
        want.sort();
        want.dedup_by(|a, b| a == b);
        got.sort();
        // Equal words at different places are different codings; compare the word lists
        // without duplicates, and the count of distinct places.
        let places: std::collections::BTreeSet<(usize, usize)> = chosen.iter().map(|(s, e, _)| (*s, *e)).collect();
        prop_assert_eq!(p.codings.len(), places.len());
        got.dedup();
        prop_assert_eq!(got, want);
    }
}
