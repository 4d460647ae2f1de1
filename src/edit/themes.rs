//! Theme planners: what the themes board (and `tema theme add`) asks for, turned into edits.
//! Creating, filling, moving, nesting, promoting, renaming and splitting themes, the review's
//! marks and the thematic map's layout are decided here, so the board, the review and the
//! map only turn drags and clicks into calls of these.

use super::plan::{fresh_name, one_edit};
use super::{Edit, EditError};
use crate::analysis::map::{NodeKey, ThematicMap};
use crate::model::*;

/// A theme name like “New theme”, “New theme 2”... not yet used (ignoring case and spacing).
pub fn fresh_theme_name(p: &Project, base: &str) -> String {
    fresh_name(base, |n| p.theme_by_name(n).is_some())
}

/// The index just after a theme's family (itself and every subtheme below it): where a new
/// or moved subtheme goes, so subthemes follow their main theme in the list.
pub fn subtheme_index(p: &Project, parent: ThemeId) -> usize {
    p.theme_subtree(parent).iter().filter_map(|t| p.themes.get_index_of(t)).max().map_or(p.themes.len(), |i| i + 1)
}

/// The edit that takes `code` out of `theme`; `None` when it is not in it.
pub fn remove_code(p: &Project, theme: ThemeId, code: CodeId) -> Option<Edit> {
    let t = p.themes.get(&theme)?;
    t.codes.contains(&code).then(|| Edit::SetThemeCodes { id: theme, codes: without(&t.codes, code) })
}

fn without(codes: &[CodeId], code: CodeId) -> Vec<CodeId> {
    codes.iter().copied().filter(|c| *c != code).collect()
}

/// The edit that puts `code` into `target`, moving it out of `from` when given; `None` when
/// nothing would change.
pub fn add_code(p: &Project, target: ThemeId, code: CodeId, from: Option<ThemeId>) -> Option<Edit> {
    let t = p.themes.get(&target)?;
    let name = p.codes.get(&code)?.name().to_string();
    let mut edits = Vec::new();
    if !t.codes.contains(&code) {
        let mut codes = t.codes.clone();
        codes.push(code);
        edits.push(Edit::SetThemeCodes { id: target, codes });
    }
    if let Some(from) = from.filter(|f| *f != target)
        && let Some(source) = p.themes.get(&from)
    {
        edits.push(Edit::SetThemeCodes { id: from, codes: without(&source.codes, code) });
        return Some(Edit::batch(format!("Move code “{name}” from “{}” to “{}”", source.name(), t.name()), edits));
    }
    match edits.len() {
        0 => None,
        _ => Some(Edit::batch(format!("Add code “{name}” to theme “{}”", t.name()), edits)),
    }
}

/// A new candidate theme with a fresh name holding `codes` (a single code is moved out of
/// `from` when given): its id and the edit.
pub fn create_theme(p: &Project, codes: Vec<CodeId>, from: Option<ThemeId>) -> (ThemeId, Edit) {
    let name = fresh_theme_name(p, "New theme");
    let mut theme = Theme::new(ThemeId::new(), name.clone());
    let id = theme.id;
    let moved = match (from, codes.as_slice()) {
        (Some(from), [code]) => {
            p.themes.get(&from).map(|s| Edit::SetThemeCodes { id: from, codes: without(&s.codes, *code) })
        }
        _ => None,
    };
    theme.codes = codes;
    let mut edits = vec![Edit::CreateTheme { theme, index: None }];
    edits.extend(moved);
    (id, one_edit(format!("Create theme “{name}”"), edits))
}

/// The edit that adds a theme described in full (`tema theme add`): refused when its name is
/// empty or taken or it names an unknown code or parent; codes listed twice count once; a
/// subtheme goes after its main theme's family.
pub fn plan_theme(p: &Project, mut theme: Theme) -> Result<Edit, EditError> {
    super::apply::check_name("theme", theme.name(), p.themes.values().map(|t| t.name()))?;
    theme.props.name = theme.props.name.trim().to_string();
    if let Some(c) = theme.codes.iter().find(|c| !p.codes.contains_key(*c)) {
        return Err(EditError::unknown("code", c));
    }
    let mut seen = std::collections::HashSet::new();
    theme.codes.retain(|c| seen.insert(*c));
    if let Some(parent) = theme.parent
        && !p.themes.contains_key(&parent)
    {
        return Err(EditError::unknown("theme", parent));
    }
    let index = theme.parent.map(|parent| subtheme_index(p, parent));
    Ok(Edit::CreateTheme { theme, index })
}

/// A new subtheme of `parent` with a fresh name, placed after its family.
pub fn add_subtheme(p: &Project, parent: ThemeId) -> (ThemeId, Edit) {
    let mut sub = Theme::new(ThemeId::new(), fresh_theme_name(p, "New subtheme"));
    sub.parent = Some(parent);
    let id = sub.id;
    (id, Edit::CreateTheme { theme: sub, index: Some(subtheme_index(p, parent)) })
}

/// The edit that nests `id` under `under`, after its other subthemes; `None` for itself or
/// an unknown theme (apply refuses a cycle).
pub fn nest(p: &Project, id: ThemeId, under: ThemeId) -> Option<Edit> {
    if id == under || !p.themes.contains_key(&under) {
        return None;
    }
    let index = subtheme_index(p, under);
    let from = p.themes.get_index_of(&id)?;
    let index = if from < index { index - 1 } else { index };
    Some(Edit::MoveTheme { id, parent: Some(under), index: index.min(p.themes.len() - 1) })
}

/// The edit that makes a subtheme a main theme where it stands; `None` when it is one.
pub fn make_main(p: &Project, id: ThemeId) -> Option<Edit> {
    let t = p.themes.get(&id)?;
    t.parent?;
    Some(Edit::MoveTheme { id, parent: None, index: p.themes.get_index_of(&id)? })
}

/// The edit that gives a theme a new status (and makes a subtheme a main theme when
/// `to_top`, as dropping it on a column does); `None` when nothing would change.
pub fn set_status(p: &Project, id: ThemeId, status: ThemeStatus, to_top: bool) -> Option<Edit> {
    let t = p.themes.get(&id)?;
    let mut edits = Vec::new();
    if to_top && t.parent.is_some() {
        let index = p.themes.get_index_of(&id)?;
        edits.push(Edit::MoveTheme { id, parent: None, index });
    }
    if t.status() != status {
        edits.push(Edit::UpdateTheme { id, props: ThemeProps { status, ..t.props.clone() } });
    }
    match edits.len() {
        0 => None,
        1 => edits.pop(),
        _ => Some(Edit::batch(format!("Make “{}” a {} main theme", t.name(), status.label().to_lowercase()), edits)),
    }
}

/// The status a theme is promoted to next (a parked one is restored as a candidate); `None`
/// for a final theme.
pub fn next_status(status: ThemeStatus) -> Option<ThemeStatus> {
    match status {
        ThemeStatus::Candidate => Some(ThemeStatus::Reviewed),
        ThemeStatus::Reviewed => Some(ThemeStatus::Final),
        ThemeStatus::Final => None,
        ThemeStatus::Parked => Some(ThemeStatus::Candidate),
    }
}

/// The edit that renames a theme, remembering the old name; `None` when the name is blank or
/// unchanged (apply refuses one taken by another theme).
pub fn rename(p: &Project, id: ThemeId, name: &str) -> Option<Edit> {
    let t = p.themes.get(&id)?;
    if name.trim().is_empty() || name.trim() == t.name() {
        return None;
    }
    Some(Edit::UpdateTheme { id, props: t.renamed(name, chrono::Utc::now()) })
}

/// The name a split proposes for its new theme.
pub fn split_name(p: &Project, id: ThemeId) -> String {
    let name = p.themes.get(&id).map(|t| t.name()).unwrap_or("Theme");
    fresh_theme_name(p, &format!("{name} (split)"))
}

/// The edit that splits `codes` and `subthemes` of theme `id` off into a new theme `name`,
/// beside it with its status.
pub fn split(
    p: &Project,
    id: ThemeId,
    name: &str,
    codes: &[CodeId],
    subthemes: Vec<ThemeId>,
) -> Result<Edit, EditError> {
    let t = p.themes.get(&id).ok_or_else(|| EditError::unknown("theme", id))?;
    if name.trim().is_empty() {
        return Err(EditError::EmptyName { kind: "theme" });
    }
    let mut new = Theme::new(ThemeId::new(), name.trim());
    new.parent = t.parent;
    new.props.status = t.status();
    new.codes = t.codes.iter().copied().filter(|c| codes.contains(c)).collect();
    Ok(Edit::SplitTheme { id, new: Box::new(new), subthemes })
}

/// The edit that marks how an extract fits `theme` in the review (phase 4); `None` takes the
/// mark off. An extract can be several coders' codings of one passage: the mark goes on its
/// own coding (`coding`), and the marks that the others (`others`) carry are cleared, so one
/// extract has one mark.
pub fn review_mark(p: &Project, theme: ThemeId, coding: CodingId, others: &[CodingId], mark: Option<Fit>) -> Edit {
    let marks = p.themes.get(&theme).map(|t| &t.review);
    let mut edits = vec![Edit::SetReviewMark { theme, coding, mark }];
    for c in others.iter().filter(|c| marks.is_some_and(|m| m.contains_key(*c))) {
        edits.push(Edit::SetReviewMark { theme, coding: *c, mark: None });
    }
    let label = match mark {
        Some(Fit::Fits) => "Fits",
        Some(Fit::DoesNotFit) => "Does not fit",
        None => "Take the review mark off",
    };
    one_edit(label, edits)
}

/// The edit that keeps a node of the thematic map at `pos`; `None` forgets its place, so the
/// automatic layout places it again.
pub fn map_position(key: NodeKey, pos: Option<MapPos>) -> Edit {
    match key {
        NodeKey::Theme(theme) => Edit::SetMapPosition { theme, code: None, pos },
        NodeKey::Code { theme, code } => Edit::SetMapPosition { theme, code: Some(code), pos },
    }
}

/// A place on the map from layout coordinates (saved as whole numbers).
pub fn map_pos(x: f32, y: f32) -> MapPos {
    MapPos { x: x.round() as i32, y: y.round() as i32 }
}

/// “Keep this layout”: the automatic positions of the nodes nobody has placed, saved so they
/// stay put; `None` when every node is placed already.
pub fn keep_map_layout(map: &ThematicMap) -> Option<Edit> {
    let edits: Vec<Edit> =
        map.nodes.iter().filter(|n| !n.placed).map(|n| map_position(n.key, Some(map_pos(n.x, n.y)))).collect();
    (!edits.is_empty()).then(|| Edit::batch("Keep the map layout", edits))
}

/// “Reset layout”: every saved position forgotten, so the map is laid out afresh (undo brings
/// them back); `None` when nothing is placed.
pub fn reset_map_layout(map: &ThematicMap) -> Option<Edit> {
    let edits: Vec<Edit> = map.nodes.iter().filter(|n| n.placed).map(|n| map_position(n.key, None)).collect();
    (!edits.is_empty()).then(|| Edit::batch("Reset the map layout", edits))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> Result<Project, EditError> {
        let mut p = crate::edit::plan::project_with_codes(&["Voice", "Silence", "Waiting"])?;
        let theme = Theme { codes: vec![CodeId::from_u128(1)], ..Theme::new(ThemeId::from_u128(10), "Being heard") };
        p.apply(Edit::CreateTheme { theme, index: None })?;
        Ok(p)
    }

    fn codes(p: &Project, t: ThemeId) -> Vec<CodeId> {
        p.themes.get(&t).map(|t| t.codes.clone()).unwrap_or_default()
    }

    #[test]
    fn codes_move_between_themes_in_one_step() -> Result<(), EditError> {
        let mut p = project()?;
        let (heard, voice) = (ThemeId::from_u128(10), CodeId::from_u128(1));
        assert_eq!(add_code(&p, heard, voice, None), None, "already there");
        let (new, edit) = create_theme(&p, vec![voice], Some(heard));
        p.apply(edit)?;
        assert_eq!((codes(&p, new), codes(&p, heard)), (vec![voice], vec![]));
        assert_eq!(p.themes.get(&new).map(|t| t.name()), Some("New theme"));
        let e = add_code(&p, heard, voice, Some(new)).ok_or(EditError::EmptySplit { name: "move".into() })?;
        assert_eq!(e.describe(&p), "Move code “Voice” from “New theme” to “Being heard”");
        p.apply(e)?;
        assert_eq!((codes(&p, new), codes(&p, heard)), (vec![], vec![voice]));
        p.apply(remove_code(&p, heard, voice).ok_or(EditError::EmptySplit { name: "remove".into() })?)?;
        assert!(remove_code(&p, heard, voice).is_none());
        // A second “new theme” (any spelling taken) gets the next number.
        assert_eq!(fresh_theme_name(&p, "new  THEME"), "new THEME 2");
        Ok(())
    }

    #[test]
    fn subthemes_stay_after_their_family_and_can_leave_it() -> Result<(), EditError> {
        let mut p = project()?;
        let heard = ThemeId::from_u128(10);
        let (other, e) = create_theme(&p, vec![], None);
        p.apply(e)?;
        let (sub, e) = add_subtheme(&p, heard);
        p.apply(e)?;
        let order: Vec<ThemeId> = p.themes.keys().copied().collect();
        assert_eq!(order, vec![heard, sub, other]);
        p.apply(nest(&p, other, heard).ok_or(EditError::unknown("theme", other))?)?;
        assert_eq!(p.themes.keys().copied().collect::<Vec<_>>(), vec![heard, sub, other]);
        assert_eq!(p.themes.get(&other).and_then(|t| t.parent), Some(heard));
        assert!(nest(&p, heard, heard).is_none());
        p.apply(make_main(&p, other).ok_or(EditError::unknown("theme", other))?)?;
        assert_eq!(p.themes.get(&other).and_then(|t| t.parent), None);
        assert!(make_main(&p, other).is_none());
        // Dropped on the Final column: a main theme with that status, in one step.
        let e = set_status(&p, sub, ThemeStatus::Final, true).ok_or(EditError::unknown("theme", sub))?;
        assert!(matches!(&e, Edit::Batch { edits, .. } if edits.len() == 2));
        p.apply(e)?;
        assert_eq!(p.themes.get(&sub).map(|t| (t.parent, t.status())), Some((None, ThemeStatus::Final)));
        assert!(set_status(&p, sub, ThemeStatus::Final, true).is_none());
        assert_eq!(next_status(ThemeStatus::Parked), Some(ThemeStatus::Candidate));
        assert_eq!(next_status(ThemeStatus::Final), None);
        Ok(())
    }

    #[test]
    fn named_themes_renames_and_splits_are_checked() -> Result<(), EditError> {
        let mut p = project()?;
        let heard = ThemeId::from_u128(10);
        let named = |name: &str| Theme::new(ThemeId::new(), name);
        let clash = plan_theme(&p, named(" being  HEARD"));
        assert!(matches!(clash, Err(EditError::DuplicateName { .. })));
        assert_eq!(plan_theme(&p, named(" ")).err(), Some(EditError::EmptyName { kind: "theme" }));
        let ghost = Theme { codes: vec![CodeId::from_u128(99)], ..named("Ghost") };
        assert!(matches!(plan_theme(&p, ghost), Err(EditError::Unknown { kind: "code", .. })));
        let waiting = CodeId::from_u128(3);
        let new = Theme { parent: Some(heard), codes: vec![waiting, waiting], ..named(" Heard late ") };
        let id = new.id;
        p.apply(plan_theme(&p, new)?)?;
        assert_eq!(p.themes.get(&id).map(|t| (t.name(), t.codes.len())), Some(("Heard late", 1)));
        assert_eq!(p.themes.get_index_of(&id), Some(1));
        assert_eq!(rename(&p, heard, " Being heard "), None);
        p.apply(rename(&p, heard, "Heard").ok_or(EditError::unknown("theme", heard))?)?;
        assert_eq!(p.themes.get(&heard).map(|t| t.props.former_names.len()), Some(1));
        assert_eq!(split_name(&p, heard), "Heard (split)");
        assert_eq!(split(&p, heard, "  ", &[], vec![]), Err(EditError::EmptyName { kind: "theme" }));
        p.apply(split(&p, heard, "Heard too", &[CodeId::from_u128(1)], vec![id])?)?;
        let new = p.theme_by_name("heard too").map(|t| (t.codes.clone(), t.status()));
        assert_eq!(new, Some((vec![CodeId::from_u128(1)], ThemeStatus::Candidate)));
        Ok(())
    }

    #[test]
    fn one_extract_has_one_review_mark_and_the_map_layout_is_kept_or_reset() -> Result<(), EditError> {
        let mut p = project()?;
        let heard = ThemeId::from_u128(10);
        let doc = Document::new(DocId::from_u128(1), "J1", DocKind::Interview, "Jeg følte meg sett.\n");
        p.apply(Edit::AddDocument { document: Box::new(doc), index: None })?;
        // Two coders coded the same passage: one extract, two codings.
        let mut ids = Vec::new();
        for name in ["Ingrid", "Tom"] {
            let coder = p.new_coder(name);
            let coding = Coding {
                id: CodingId::new(),
                doc: DocId::from_u128(1),
                span: Span::new(0, 9),
                code: CodeId::from_u128(1),
                coder: coder.id,
                created: chrono::Utc::now(),
                comment: String::new(),
            };
            ids.push(coding.id);
            p.apply(Edit::AddCoder { coder, index: None })?;
            p.apply(Edit::AddCoding { coding })?;
        }
        let (first, second) = (ids[0], ids[1]);
        // Tom's coding carries a mark from before; marking the extract moves it to the first.
        p.apply(Edit::SetReviewMark { theme: heard, coding: second, mark: Some(Fit::DoesNotFit) })?;
        let e = review_mark(&p, heard, first, &[second], Some(Fit::Fits));
        assert_eq!(e.describe(&p), "Fits");
        p.apply(e)?;
        let review = |p: &Project| p.themes.get(&heard).map(|t| t.review.clone()).unwrap_or_default();
        assert_eq!(review(&p).into_iter().collect::<Vec<_>>(), vec![(first, Fit::Fits)]);
        // Taking it off is one edit when nothing else is marked.
        let e = review_mark(&p, heard, first, &[second], None);
        assert!(matches!(e, Edit::SetReviewMark { mark: None, .. }));
        p.apply(e)?;
        assert!(review(&p).is_empty());

        // The map: nothing placed, so keeping saves every node and resetting has nothing to do.
        let map = ThematicMap::build(&p, false);
        assert!(reset_map_layout(&map).is_none());
        p.apply(keep_map_layout(&map).ok_or(EditError::unknown("theme", heard))?)?;
        let map = ThematicMap::build(&p, false);
        assert!(map.nodes.iter().all(|n| n.placed) && keep_map_layout(&map).is_none());
        p.apply(reset_map_layout(&map).ok_or(EditError::unknown("theme", heard))?)?;
        assert!(ThematicMap::build(&p, false).nodes.iter().all(|n| !n.placed));
        assert_eq!(map_pos(1.5, -2.4), MapPos { x: 2, y: -2 });
        Ok(())
    }
}
