//! Helpers shared by the integration tests.
#![allow(dead_code)]

use tema::model::Project;

/// The whole content of a project as one string, order included (maps compare equal
/// regardless of order, but order is content: the codebook's order is the researcher's).
pub fn canonical(p: &Project) -> String {
    let docs: Vec<_> = p.documents.values().map(|d| (d, d.text.to_string())).collect();
    let parts: Vec<_> = p.participants.values().collect();
    let coders: Vec<_> = p.coders.values().collect();
    let codes: Vec<_> = p.codes.values().collect();
    let themes: Vec<_> = p.themes.values().collect();
    let codings: Vec<_> = p.codings.values().collect();
    let quotes: Vec<_> = p.quotes.values().collect();
    let memos: Vec<_> = p.memos.values().collect();
    serde_json::to_string(&(&p.settings, docs, parts, coders, codes, themes, codings, quotes, memos, &p.framework))
        .unwrap_or_else(|e| format!("unserialisable: {e}"))
}
