//! The methods appendix (issue 22): the phases with their dates, the theme history table
//! (candidate → final, with merges and splits), Braun and Clarke's checklist with the
//! evidence and the author's answers, and, if chosen, the reflexive journal — as Word,
//! Markdown or LaTeX, through the shared layer ([`super::docx`], [`super::escape`]).

use super::ExportError;
use super::docx::{self, Orientation, R, RunStyle, Xml, empty};
use super::escape::{latex, latex_emoji_declarations, markdown, markdown_cell};
use crate::model::{MemoTarget, Project};
use crate::trail::Trail;
use crate::trail::checklist::{PhaseDates, Point, checklist, phase_dates};
use crate::trail::history::{ThemeLife, theme_lives};

/// The formats the appendix is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppendixFormat {
    Docx,
    Markdown,
    Latex,
}

impl AppendixFormat {
    pub const ALL: [AppendixFormat; 3] = [AppendixFormat::Docx, AppendixFormat::Markdown, AppendixFormat::Latex];

    pub fn parse(s: &str) -> Option<Self> {
        super::format_named(s, &Self::ALL, Self::extension)
    }

    pub fn extension(self) -> &'static str {
        match self {
            AppendixFormat::Docx => "docx",
            AppendixFormat::Markdown => "md",
            AppendixFormat::Latex => "tex",
        }
    }
}

/// One entry of the reflexive journal, as the appendix quotes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JournalEntry {
    pub date: String,
    pub title: String,
    pub body: String,
}

/// Everything the appendix says, format-neutral.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Appendix {
    pub title: String,
    pub phases: Vec<PhaseDates>,
    pub themes: Vec<ThemeLife>,
    pub checklist: Vec<Point>,
    pub journal: Vec<JournalEntry>,
}

/// The theme history table's header.
pub const HISTORY_COLUMNS: [&str; 4] = ["Theme", "Earlier names", "Status", "Merges, splits and other decisions"];

impl Appendix {
    /// Builds the appendix; `journal` adds the reflexive journal's entries.
    pub fn build(p: &Project, trail: &Trail, journal: bool) -> Appendix {
        let journal = if journal {
            let mut entries: Vec<_> = p.memos.values().filter(|m| m.props.target == MemoTarget::Journal).collect();
            entries.sort_by_key(|m| m.created);
            entries
                .into_iter()
                .map(|m| JournalEntry {
                    date: m.created.format("%Y-%m-%d").to_string(),
                    title: m.props.title.trim().to_string(),
                    body: m.props.body.trim().to_string(),
                })
                .collect()
        } else {
            Vec::new()
        };
        Appendix {
            title: format!("Methods appendix: {}", p.settings.name),
            phases: phase_dates(trail),
            themes: theme_lives(trail, p),
            checklist: checklist(p, trail),
            journal,
        }
    }

    /// The theme history table's rows: theme, earlier names, status path, decisions.
    pub fn history_rows(&self) -> Vec<[String; 4]> {
        self.themes
            .iter()
            .map(|l| {
                let earlier = l.names[..l.names.len().saturating_sub(1)].join("; ");
                let events: Vec<String> = l
                    .events
                    .iter()
                    .filter(|e| !e.what.starts_with("status ") && !e.what.starts_with("renamed "))
                    .map(|e| {
                        let why = e.why.as_deref().map(|w| format!(" (why: {w})")).unwrap_or_default();
                        format!("{}: {}{why}", e.at.format("%Y-%m-%d"), e.what)
                    })
                    .collect();
                let name = if l.exists { l.name().to_string() } else { format!("{} (no longer a theme)", l.name()) };
                [name, earlier, l.status_path(), events.join("\n")]
            })
            .collect()
    }

    fn phase_rows(&self) -> Vec<[String; 4]> {
        self.phases
            .iter()
            .map(|p| [p.phase.to_string(), p.first.to_string(), p.last.to_string(), p.days.to_string()])
            .collect()
    }

    fn evidence(point: &Point) -> Vec<String> {
        if point.evidence.is_empty() {
            return vec!["The project holds no figures for this point: the author's answer below.".into()];
        }
        point.evidence.iter().map(|e| e.text()).collect()
    }

    /// Renders the appendix in a format.
    pub fn render(&self, format: AppendixFormat) -> Result<Vec<u8>, ExportError> {
        match format {
            AppendixFormat::Markdown => Ok(self.markdown().into_bytes()),
            AppendixFormat::Latex => Ok(self.latex().into_bytes()),
            AppendixFormat::Docx => self.docx(),
        }
    }

    pub fn markdown(&self) -> String {
        let mut out = format!("# {}\n\n", markdown(&self.title));
        out.push_str("## Phases of the analysis\n\n");
        if self.phases.is_empty() {
            out.push_str("The analysis trail holds no dated decisions yet.\n\n");
        } else {
            out.push_str("| Phase | First day | Last day | Days worked |\n|---|---|---|---:|\n");
            for r in self.phase_rows() {
                out.push_str(&format!("| {} | {} | {} | {} |\n", r[0], r[1], r[2], r[3]));
            }
            out.push('\n');
        }
        out.push_str("## Theme history\n\n");
        out.push_str(&format!("| {} |\n|---|---|---|---|\n", HISTORY_COLUMNS.join(" | ")));
        for r in self.history_rows() {
            let cells: Vec<String> = r.iter().map(|c| markdown_cell(&c.replace('\n', "; "))).collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
        out.push_str("\n## Checklist for good thematic analysis (Braun & Clarke, 2006)\n\n");
        for p in &self.checklist {
            out.push_str(&format!("{}. **{}** {}\n", p.number, p.section, markdown(p.criterion)));
            for e in Self::evidence(p) {
                out.push_str(&format!("   - {}\n", markdown(&e)));
            }
            if let Some(a) = &p.answer {
                out.push_str(&format!("   - *Author:* {}\n", markdown(a)));
            }
        }
        if !self.journal.is_empty() {
            out.push_str("\n## Reflexive journal\n");
            for j in &self.journal {
                let title = if j.title.is_empty() { String::new() } else { format!(" — {}", markdown(&j.title)) };
                out.push_str(&format!("\n### {}{title}\n\n{}\n", j.date, markdown(&j.body)));
            }
        }
        out
    }

    pub fn latex(&self) -> String {
        let mut body = String::new();
        body.push_str(&format!("\\section*{{{}}}\n\n", latex(&self.title)));
        body.push_str("\\subsection*{Phases of the analysis}\n\n");
        if self.phases.is_empty() {
            body.push_str("The analysis trail holds no dated decisions yet.\n\n");
        } else {
            body.push_str(
                "\\begin{tabular}{llll}\n\\toprule\nPhase & First day & Last day & Days worked \\\\\n\\midrule\n",
            );
            for r in self.phase_rows() {
                let cells: Vec<String> = r.iter().map(|c| latex(c)).collect();
                body.push_str(&format!("{} \\\\\n", cells.join(" & ")));
            }
            body.push_str("\\bottomrule\n\\end{tabular}\n\n");
        }
        body.push_str("\\subsection*{Theme history}\n\n");
        // Ragged right: justified text in narrow columns spreads its words apart.
        let col = |w: &str| format!(">{{\\raggedright\\arraybackslash}}p{{{w}\\textwidth}}");
        body.push_str(&format!(
            "\\begin{{longtable}}{{{}{}{}{}}}\n\\toprule\n",
            col("0.2"),
            col("0.17"),
            col("0.17"),
            col("0.34")
        ));
        let head: Vec<String> = HISTORY_COLUMNS.iter().map(|c| latex(c)).collect();
        body.push_str(&format!("{} \\\\\n\\midrule\n\\endhead\n", head.join(" & ")));
        for r in self.history_rows() {
            let cells: Vec<String> =
                r.iter().map(|c| c.lines().map(latex).collect::<Vec<_>>().join(" \\newline ")).collect();
            body.push_str(&format!("{} \\\\\n", cells.join(" & ")));
        }
        body.push_str("\\bottomrule\n\\end{longtable}\n\n");
        body.push_str(
            "\\subsection*{Checklist for good thematic analysis (Braun \\& Clarke, 2006)}\n\n\\begin{enumerate}\n",
        );
        for p in &self.checklist {
            body.push_str(&format!(
                "\\item \\textbf{{{}.}} {}\n\\begin{{itemize}}\n",
                latex(p.section),
                latex(p.criterion)
            ));
            for e in Self::evidence(p) {
                body.push_str(&format!("\\item {}\n", latex(&e)));
            }
            if let Some(a) = &p.answer {
                body.push_str(&format!("\\item \\emph{{Author:}} {}\n", latex(a)));
            }
            body.push_str("\\end{itemize}\n");
        }
        body.push_str("\\end{enumerate}\n");
        if !self.journal.is_empty() {
            body.push_str("\n\\subsection*{Reflexive journal}\n");
            for j in &self.journal {
                let title = if j.title.is_empty() { String::new() } else { format!(" --- {}", latex(&j.title)) };
                body.push_str(&format!("\n\\paragraph{{{}{title}}}\n{}\n", latex(&j.date), latex(&j.body)));
            }
        }
        body.push_str("\n\\end{document}\n");
        let mut out = String::from(
            "\\documentclass[11pt]{article}\n\\usepackage{iftex}\n\\ifPDFTeX\n  \\usepackage[T1]{fontenc}\n  \
             \\usepackage[utf8]{inputenc}\n  \\IfFileExists{lmodern.sty}{\\usepackage{lmodern}}{}\n\\else\n  \
             \\usepackage{fontspec}\n\\fi\n\\usepackage{booktabs}\n\\usepackage{longtable}\n\\usepackage{array}\n",
        );
        out.push_str(&latex_emoji_declarations(&body));
        out.push_str("\\begin{document}\n");
        out.push_str(&body);
        out
    }

    pub fn docx(&self) -> Result<Vec<u8>, ExportError> {
        let width = Orientation::Portrait.text_width() as usize;
        docx::document(&self.title, Orientation::Portrait, |w| {
            docx::text_para(w, Some(docx::TITLE), &self.title)?;
            docx::text_para(w, Some(docx::HEADINGS[0]), "Phases of the analysis")?;
            if self.phases.is_empty() {
                docx::text_para(w, None, "The analysis trail holds no dated decisions yet.")?;
            } else {
                let rows: Vec<Vec<String>> = self.phase_rows().into_iter().map(|r| r.to_vec()).collect();
                let widths = [width * 40 / 100, width * 20 / 100, width * 20 / 100, width * 20 / 100];
                table(w, &["Phase", "First day", "Last day", "Days worked"], &rows, &widths)?;
            }
            docx::text_para(w, Some(docx::HEADINGS[0]), "Theme history")?;
            let rows: Vec<Vec<String>> = self.history_rows().into_iter().map(|r| r.to_vec()).collect();
            let widths = [width * 22 / 100, width * 18 / 100, width * 20 / 100, width * 40 / 100];
            table(w, &HISTORY_COLUMNS, &rows, &widths)?;
            docx::text_para(w, Some(docx::HEADINGS[0]), "Checklist for good thematic analysis (Braun & Clarke, 2006)")?;
            for p in &self.checklist {
                docx::para(w, Some(docx::HEADINGS[2]), |w| {
                    docx::run(w, &format!("{}. {}: ", p.number, p.section), RunStyle::default())?;
                    docx::run(w, p.criterion, RunStyle::default())
                })?;
                for e in Self::evidence(p) {
                    docx::text_para(w, None, &format!("• {e}"))?;
                }
                if let Some(a) = &p.answer {
                    docx::para(w, None, |w| {
                        docx::run(w, "Author: ", RunStyle::bold())?;
                        docx::run(w, a, RunStyle::default())
                    })?;
                }
            }
            if !self.journal.is_empty() {
                docx::text_para(w, Some(docx::HEADINGS[0]), "Reflexive journal")?;
                for j in &self.journal {
                    let title = if j.title.is_empty() { j.date.clone() } else { format!("{} — {}", j.date, j.title) };
                    docx::text_para(w, Some(docx::HEADINGS[2]), &title)?;
                    docx::text_para(w, None, &j.body)?;
                }
            }
            Ok(())
        })
    }
}

/// One row of [`table`]: the header row (repeated on each page) or a body row.
fn table_row(w: &mut Xml, texts: &[impl AsRef<str>], widths: &[usize], header: bool) -> R {
    w.create_element("w:tr").write_inner_content(|w| {
        docx::row_props(w, header)?;
        for (text, width) in texts.iter().zip(widths) {
            cell(w, *width, text.as_ref(), header)?;
        }
        Ok(())
    })?;
    Ok(())
}

/// A table in Tema's table style with a repeated header row.
fn table(w: &mut Xml, header: &[&str], rows: &[Vec<String>], widths: &[usize]) -> R {
    w.create_element("w:tbl").write_inner_content(|w| {
        docx::table_start(w, widths)?;
        table_row(w, header, widths, true)?;
        for row in rows {
            table_row(w, row, widths, false)?;
        }
        Ok(())
    })?;
    Ok(())
}

fn cell(w: &mut Xml, width: usize, text: &str, header: bool) -> R {
    w.create_element("w:tc").write_inner_content(|w| {
        w.create_element("w:tcPr").write_inner_content(|w| {
            empty(w, "w:tcW", &[("w:w", &width.to_string()), ("w:type", "dxa")])?;
            if header {
                w.create_element("w:tcBorders").write_inner_content(|w| {
                    empty(w, "w:bottom", &[("w:val", "single"), ("w:sz", "6"), ("w:space", "0"), ("w:color", "000000")])
                })?;
            }
            Ok(())
        })?;
        let lines: Vec<&str> = if text.is_empty() { vec![""] } else { text.lines().collect() };
        for line in lines {
            w.create_element("w:p").write_inner_content(|w| {
                w.create_element("w:pPr")
                    .write_inner_content(|w| empty(w, "w:pStyle", &[("w:val", docx::TABLE_TEXT)]))?;
                if !line.is_empty() {
                    docx::run(w, line, if header { RunStyle::bold() } else { RunStyle::default() })?;
                }
                Ok(())
            })?;
        }
        Ok(())
    })?;
    Ok(())
}
