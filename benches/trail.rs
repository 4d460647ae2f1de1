//! Analysis trail benchmark (issue 22): the trail of a four-year study — 20,000 decisions by
//! two people over 300 codes and 60 themes, with the per-day coding counts between them —
//! read from its files and filtered by a theme (target < 50 ms), and the thematic map at a
//! date rebuilt from it (target < 100 ms). Run with `cargo bench --bench trail`.

use std::time::{Duration, Instant};
use tema::edit::Edit;
use tema::model::*;
use tema::trail::{self, Draft, Filter, map_at};

const DECISIONS: usize = 20_000;
const CODES: usize = 300;
const THEMES: usize = 60;

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1000.0
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        last = Some(f());
        times.push(t.elapsed());
    }
    (median(times), last.unwrap_or_else(|| unreachable!()))
}

fn next(s: &mut u64) -> usize {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    (*s >> 11) as usize
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path();
    let mut p = Project::new("Four years");
    let start = chrono::DateTime::from_timestamp(1_600_000_000, 0).unwrap_or_default();
    let minutes = 4 * 365 * 24 * 60 / DECISIONS as i64;
    let mut s = 0x9e37_79b9_7f4a_7c15u64;
    let mut made = Vec::new();
    let t0 = Instant::now();
    let mut n = 0u128;
    let mut i = 0usize;
    while made.len() < DECISIONS {
        n += 1;
        let at = start + chrono::Duration::minutes(minutes * made.len() as i64);
        let codes: Vec<CodeId> = p.codes.keys().copied().collect();
        let themes: Vec<ThemeId> = p.themes.keys().copied().collect();
        let edit = if codes.len() < CODES && (i.is_multiple_of(3) || codes.is_empty()) {
            Edit::CreateCode {
                code: Code::new(CodeId::from_u128(n), format!("code {n}"), palette_colour(1)),
                index: None,
            }
        } else if themes.len() < THEMES && i.is_multiple_of(5) {
            let mut t = Theme::new(ThemeId::from_u128(n), format!("theme {n}"));
            t.codes = (0..4).map(|_| codes[next(&mut s) % codes.len()]).collect();
            t.codes.sort();
            t.codes.dedup();
            Edit::CreateTheme { theme: t, index: None }
        } else if !themes.is_empty() && i.is_multiple_of(2) {
            let id = themes[next(&mut s) % themes.len()];
            let mut props = p.themes[&id].props.clone();
            match next(&mut s) % 3 {
                0 => props.status = ThemeStatus::ALL[next(&mut s) % 4],
                1 => props = p.themes[&id].renamed(&format!("theme {n}"), at),
                _ => props.definition.concept = format!("concept {n}"),
            }
            Edit::UpdateTheme { id, props }
        } else if !themes.is_empty() && i % 7 == 1 {
            let id = themes[next(&mut s) % themes.len()];
            let mut list: Vec<CodeId> = (0..5).map(|_| codes[next(&mut s) % codes.len()]).collect();
            list.sort();
            list.dedup();
            Edit::SetThemeCodes { id, codes: list }
        } else {
            let id = codes[next(&mut s) % codes.len()];
            let mut props = p.codes[&id].props.clone();
            props.name = format!("code {n}");
            Edit::UpdateCode { id, props }
        };
        i += 1;
        let draft = Draft::prepare(&p, &edit);
        if p.apply(edit).is_err() {
            continue;
        }
        let who = if made.len().is_multiple_of(3) { "Tom" } else { "Ingrid" };
        made.extend(draft.finish(&p, who, at));
    }
    made.truncate(DECISIONS);
    let (ingrid, tom): (Vec<_>, Vec<_>) = made.iter().cloned().partition(|d| d.who == "Ingrid");
    trail::file::append(dir, "Ingrid", &ingrid)?;
    trail::file::append(dir, "Tom", &tom)?;
    let bytes: u64 =
        trail::file::files(dir)?.iter().map(|f| std::fs::metadata(dir.join(f)).map(|m| m.len()).unwrap_or(0)).sum();
    println!(
        "trail: {} decisions ({} codes, {} themes at the end), {:.1} MB in 2 files, generated in {:.1} s",
        made.len(),
        p.codes.len(),
        p.themes.len(),
        bytes as f64 / 1e6,
        t0.elapsed().as_secs_f64()
    );

    let theme = p.themes.keys().nth(THEMES / 2).copied().ok_or("no theme")?;
    let filter = Filter { subject: Some(theme.0), ..Filter::default() };
    let (open_ms, t) = time(9, || trail::load(dir));
    let t = t?;
    let (filter_ms, shown) = time(9, || t.filter(&filter).count());
    let (both_ms, _) = time(9, || trail::load(dir).map(|t| t.filter(&filter).count()));
    println!(
        "open {open_ms:.1} ms + filter by one theme {filter_ms:.2} ms ({shown} decisions) = {both_ms:.1} ms together (target < 50 ms)"
    );
    let middle = t.decisions[t.decisions.len() / 2].at;
    let (map_ms, map) = time(9, || map_at(&t, middle));
    println!(
        "map at a date (half way): {map_ms:.2} ms, {} themes, {} codes (target < 100 ms)",
        map.themes.len(),
        map.codes.len()
    );
    let (end_ms, _) = time(9, || map_at(&t, chrono::Utc::now()));
    println!("map at the last date: {end_ms:.2} ms");
    let (lives_ms, lives) = time(5, || tema::trail::history::theme_lives(&t, &p));
    println!("life of every theme: {lives_ms:.1} ms ({} themes)", lives.len());
    Ok(())
}
