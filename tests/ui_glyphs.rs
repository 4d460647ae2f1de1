//! Every character the app's own strings use can be drawn by the fonts it ships with.
//!
//! egui draws a missing glyph as a box ("tofu") in the app and panics on it under kittest,
//! so an arrow or a cross typed into a label (→, ✕) either shows as a box to researchers or
//! breaks a test far from the label. This reads the string literals of `src/ui/` and checks
//! each non-ASCII character against egui's bundled fonts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The contents of the string literals of a Rust source (comments and char literals left
/// out), with the line each starts on.
fn string_literals(src: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                    line += usize::from(chars[i] == '\n');
                    i += 1;
                }
                i += 2;
            }
            // A char literal ('"', '\'', 'x') or a lifetime ('a): skip it whole.
            '\'' => {
                if chars.get(i + 1) == Some(&'\\') {
                    i += 2;
                    while i < chars.len() && chars[i] != '\'' {
                        i += 1;
                    }
                    i += 1;
                } else if chars.get(i + 2) == Some(&'\'') {
                    i += 3;
                } else {
                    i += 1;
                }
            }
            // Raw strings: r"..." and r#"..."#.
            'r' if matches!(chars.get(i + 1), Some('"' | '#')) && (i == 0 || !chars[i - 1].is_alphanumeric()) => {
                let mut j = i + 1;
                let mut hashes = 0;
                while chars.get(j) == Some(&'#') {
                    hashes += 1;
                    j += 1;
                }
                if chars.get(j) != Some(&'"') {
                    i += 1;
                    continue;
                }
                let start_line = line;
                let mut s = String::new();
                j += 1;
                while j < chars.len() {
                    if chars[j] == '"' && (0..hashes).all(|k| chars.get(j + 1 + k) == Some(&'#')) {
                        break;
                    }
                    line += usize::from(chars[j] == '\n');
                    s.push(chars[j]);
                    j += 1;
                }
                out.push((start_line, s));
                i = j + 1 + hashes;
            }
            '"' => {
                let start_line = line;
                let mut s = String::new();
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' {
                        i += 1;
                    }
                    if let Some(&ch) = chars.get(i) {
                        line += usize::from(ch == '\n');
                        s.push(ch);
                    }
                    i += 1;
                }
                out.push((start_line, s));
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn the_scanner_finds_strings_and_skips_comments() {
    let src = "// “not this” →\nlet a = \"é → b\"; let c = '\"'; /* ✕ */ let d = r#\"x \"✓\" y\"#;\nfn f<'a>() {}";
    let found: Vec<(usize, String)> = string_literals(src);
    assert_eq!(found, [(2, "é → b".to_string()), (2, "x \"✓\" y".to_string())]);
}

#[test]
fn every_character_of_the_ui_strings_has_a_glyph() {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui"), &mut files);
    assert!(files.len() > 10, "the UI sources were not found");
    // Character → where it is first used.
    let mut used: BTreeMap<char, String> = BTreeMap::new();
    let mut strings = 0;
    for f in &files {
        let src = std::fs::read_to_string(f).unwrap_or_default();
        for (line, s) in string_literals(&src) {
            strings += 1;
            for c in s.chars().filter(|c| !c.is_ascii()) {
                used.entry(c).or_insert_with(|| format!("{}:{line}", f.display()));
            }
        }
    }
    assert!(strings > 500, "only {strings} string literals found: the scanner is broken");
    assert!(used.contains_key(&'…'), "the UI's ellipses were not found: the scanner is broken");

    let ctx = egui::Context::default();
    let mut output = ctx.run_ui(Default::default(), |_| {});
    // The font atlas was uploaded in this frame; there is no GPU to take it.
    output.textures_delta.clear();
    let font = egui::FontId::proportional(14.0);
    let missing: Vec<String> = used
        .iter()
        .filter(|(c, _)| !ctx.fonts_mut(|f| f.has_glyph(&font, **c)))
        .map(|(c, at)| format!("{c:?} (U+{:04X}) first used at {at}", *c as u32))
        .collect();
    let mut output = ctx.run_ui(Default::default(), |_| {});
    output.textures_delta.clear();
    assert!(missing.is_empty(), "no glyph in the bundled fonts for:\n{}", missing.join("\n"));
}
