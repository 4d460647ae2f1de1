//! UI preferences kept in eframe's storage: recent projects, the current coder, light or
//! dark mode, the side panels shown, the zoom. Research data never goes here; it lives in
//! the project folder.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const STORAGE_KEY: &str = "tema-prefs";
const RECENT_LIMIT: usize = 10;

/// Every field has a default, so preferences written by an older Tema (without the newer
/// fields) still load.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    /// Most recently opened first; the first is reopened at start-up.
    pub recent: Vec<PathBuf>,
    /// The name the app codes under.
    pub coder: Option<String>,
    /// `None` follows the system.
    pub dark: Option<bool>,
    /// Side panels the person closed (View menu); their widths are kept by egui's memory.
    pub hide_navigator: bool,
    pub hide_inspector: bool,
    /// Code names written beside the coding stripes.
    pub stripe_names: bool,
    /// The zoom factor (View ▸ Zoom); `None` is 100 %.
    pub zoom: Option<f32>,
}

impl Prefs {
    pub fn load(storage: Option<&dyn eframe::Storage>) -> Self {
        storage.and_then(|s| eframe::get_value(s, STORAGE_KEY)).unwrap_or_default()
    }

    pub fn store(&self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, STORAGE_KEY, self);
    }

    pub fn last_project(&self) -> Option<&Path> {
        self.recent.first().map(PathBuf::as_path)
    }

    pub fn add_recent(&mut self, dir: &Path) {
        let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        self.recent.retain(|p| p != &dir);
        self.recent.insert(0, dir);
        self.recent.truncate(RECENT_LIMIT);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_is_most_recent_first_without_duplicates() {
        let mut p = Prefs::default();
        p.add_recent(Path::new("/nonexistent/a"));
        p.add_recent(Path::new("/nonexistent/b"));
        p.add_recent(Path::new("/nonexistent/a"));
        assert_eq!(p.recent, [PathBuf::from("/nonexistent/a"), PathBuf::from("/nonexistent/b")]);
        assert_eq!(p.last_project(), Some(Path::new("/nonexistent/a")));
    }

    #[test]
    fn preferences_of_an_older_tema_load_with_defaults() {
        let p: Prefs = serde_json::from_str(r#"{"recent":["/nonexistent/a"],"dark":true}"#).unwrap();
        assert_eq!(p, Prefs { recent: vec![PathBuf::from("/nonexistent/a")], dark: Some(true), ..Prefs::default() });
    }
}
