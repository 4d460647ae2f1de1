//! REFI-QDA exchange on real exports from NVivo, ATLAS.ti, MAXQDA and Taguette (kept in
//! `../shared/refi-qda/`, never copied into the repository), round trips through our own
//! export checked against the official schemas with xmllint, and broken inputs.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use tema::edit::Edit;
use tema::exchange::xml;
use tema::exchange::{self, ExchangeError, Limits, Profile};
use tema::model::*;
use tema::progress::Progress;
use tema::store::Store;
use zip::write::SimpleFileOptions;

type R = anyhow::Result<()>;

/// `../shared/refi-qda`: `$TEMA_SHARED`, else beside the repository, else one level up.
fn shared() -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        std::env::var_os("TEMA_SHARED").map(PathBuf::from),
        Some(repo.join("../shared")),
        Some(repo.join("../../shared")),
    ];
    for c in candidates.into_iter().flatten() {
        if c.join("refi-qda").is_dir() {
            return c.join("refi-qda");
        }
    }
    panic!("the real REFI-QDA files are missing: set TEMA_SHARED to the folder holding refi-qda/");
}

fn files(sub: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> =
        std::fs::read_dir(shared().join(sub)).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    v.sort();
    v
}

/// Applies a plan to an empty project in memory.
fn apply_new(plan: &exchange::ImportPlan) -> anyhow::Result<Project> {
    let mut p = Project::new(plan.name.clone());
    p.apply(plan.edit.clone())?;
    Ok(p)
}

/// xmllint is required: the test fails (never skips) without it.
fn xmllint(xsd: &str, file: &Path) {
    let schema = shared().join("spec").join(xsd);
    let out = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("xmllint is needed to check REFI-QDA exports: apt-get install libxml2-utils ({e})"));
    assert!(
        out.status.success(),
        "{} does not validate against {xsd}:\n{}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn unzip(bytes: &[u8]) -> anyhow::Result<BTreeMap<String, Vec<u8>>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))?;
    let mut out = BTreeMap::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i)?;
        if f.is_dir() {
            continue;
        }
        let mut b = Vec::new();
        f.read_to_end(&mut b)?;
        out.insert(f.name()?.to_string(), b);
    }
    Ok(out)
}

fn make_zip(entries: &[(&str, &[u8])]) -> anyhow::Result<Vec<u8>> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::DEFAULT.compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        z.start_file(*name, options)?;
        z.write_all(bytes)?;
    }
    Ok(z.finish()?.into_inner())
}

#[test]
fn every_real_project_and_codebook_imports() -> R {
    let projects = files("qdpx");
    assert!(projects.len() >= 5, "expected the five real projects, found {projects:?}");
    for path in projects {
        let plan = exchange::plan_project_import(&path, &Limits::default(), &Progress::new())
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let p = apply_new(&plan)?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let c = &plan.report.counts;
        assert_eq!((c.sources, c.codes, c.codings), (p.documents.len(), p.codes.len(), p.codings.len()), "{name}");
        // What the shared README says each file holds.
        if name.starts_with("atlasti-23.2.3-win__blank") {
            assert_eq!((p.coders.len(), p.codes.len(), p.documents.len()), (2, 0, 0));
        } else if name.starts_with("atlasti-23.2.3-win__target") {
            assert_eq!(p.codes.len(), 3);
            assert_eq!(p.codes.values().filter(|c| c.parent.is_some()).count(), 2, "two child codes");
        } else if name.starts_with("maxqda") {
            assert_eq!((p.codes.len(), p.documents.len(), p.codings.len()), (307, 10, 0));
            // MAXQDA's colours come through: no note about missing colours.
            assert!(!plan.report.notes.iter().any(|n| n.contains("no colour")), "{:?}", plan.report.notes);
        } else if name.starts_with("nvivo-12.6") {
            assert_eq!((p.codes.len(), p.documents.len()), (152, 2));
            assert!(plan.report.offsets.iter().all(|o| o.dialect == exchange::offsets::Dialect::ALL[1]));
        } else if name.starts_with("nvivo-15") {
            // The two 1-byte texts are reported, the code tree still comes in.
            assert_eq!((p.codes.len(), p.documents.len()), (262, 0));
            let empty = plan.report.dropped.iter().filter(|d| d.reason.contains("empty")).count();
            assert_eq!(empty, 2, "{:?}", plan.report.dropped);
        }
    }
    for path in files("qdc") {
        let plan = exchange::plan_codebook_import(&Project::new("x"), &path, &Limits::default())
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let p = apply_new(&plan)?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name.starts_with("taguette") {
            assert_eq!(p.codes.len(), 3);
        } else {
            assert_eq!(p.codes.len(), 1);
            let code = p.codes.values().next().map(|c| c.props.colour);
            assert_eq!(code, Colour::parse("#46aa00"));
            assert_eq!(p.themes.len(), 1, "the set with its member code becomes a theme");
            assert_eq!(p.themes.values().next().map(|t| t.codes.len()), Some(1));
        }
    }
    Ok(())
}

/// A project import counts its sources on the one `Progress`, and cancelling it stops the
/// import with `Cancelled` rather than a partial plan.
#[test]
fn a_project_import_reports_its_sources_and_stops_when_cancelled() -> R {
    let path = shared().join("qdpx/nvivo-12.6-win__oltas0517.qdpx");
    let progress = Progress::new();
    let plan = exchange::plan_project_import(&path, &Limits::default(), &progress)?;
    assert!(progress.items() > 0, "the sources are counted");
    assert_eq!(progress.item(), progress.items(), "every source is read");
    assert_eq!(progress.fraction(), Some(1.0));
    assert_eq!(progress.phase(), "reading sources");
    assert!(!plan.name.is_empty());
    let cancelled = Progress::new();
    cancelled.cancel();
    let r = exchange::plan_project_import(&path, &Limits::default(), &cancelled);
    assert!(matches!(r, Err(ExchangeError::Cancelled)), "{:?}", r.map(|p| p.name));
    Ok(())
}

/// NVivo 12.6: each selection's words in Tema are what its positions point at read as UTF-16
/// units over the BOM-stripped CRLF text, worked out here from the zip itself.
#[test]
fn nvivo_selections_land_on_the_words_utf16_positions_point_at() -> R {
    let path = shared().join("qdpx/nvivo-12.6-win__oltas0517.qdpx");
    let plan = exchange::plan_project_import(&path, &Limits::default(), &Progress::new())?;
    let p = apply_new(&plan)?;
    let entries = unzip(&std::fs::read(&path)?)?;
    let qde = entries.iter().find(|(k, _)| k.to_lowercase().ends_with(".qde")).map(|(_, v)| v.clone());
    let root = xml::parse(std::str::from_utf8(&qde.unwrap_or_default())?).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let mut checked = 0;
    let sources = root.child("Sources").map(|s| s.children.clone()).unwrap_or_default();
    for s in sources.iter().filter(|s| s.name == "TextSource") {
        let file = s.attr("plainTextPath").unwrap_or("").trim_start_matches("internal://").to_lowercase();
        let bytes = entries
            .iter()
            .find(|(k, _)| k.to_lowercase().ends_with(&format!("/{file}")))
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let text = String::from_utf8(bytes)?;
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
        assert!(text.contains("\r\n"), "the NVivo source is CRLF");
        let units: Vec<u16> = text.encode_utf16().collect();
        let doc_id = DocId(uuid::Uuid::parse_str(s.attr("guid").unwrap_or(""))?);
        let doc = p.documents.get(&doc_id).ok_or_else(|| anyhow::anyhow!("source not imported"))?;
        for sel in s.children.iter().filter(|c| c.name == "PlainTextSelection") {
            let start: usize = sel.attr("startPosition").unwrap_or("").parse()?;
            let end: usize = sel.attr("endPosition").unwrap_or("").parse()?;
            let expected = String::from_utf16(&units[start..end])?.replace("\r\n", "\n");
            let expected = expected.trim();
            for coding in sel.children.iter().filter(|c| c.name == "Coding") {
                let code = coding.child("CodeRef").and_then(|r| r.attr("targetGUID")).unwrap_or("");
                let code = CodeId(uuid::Uuid::parse_str(code)?);
                let found = p
                    .codings
                    .values()
                    .filter(|c| c.doc == doc_id && c.code == code)
                    .any(|c| doc.slice(c.span).map(str::trim) == Some(expected));
                assert!(found, "selection {start}..{end} coded {code:?}: no coding reads {expected:?}");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 303, "every one of the 303 codings was checked");
    assert!(plan.report.dropped.is_empty(), "nothing lost: {:?}", plan.report.dropped);
    Ok(())
}

/// A project in a comparable form: names instead of ids.
#[derive(Debug, PartialEq)]
struct Shape {
    documents: BTreeMap<String, String>,
    codes: BTreeMap<String, (Option<String>, Colour, CodeDescription)>,
    themes: BTreeMap<String, (Option<String>, BTreeSet<String>, String)>,
    codings: BTreeSet<(String, String, String, usize, usize, String, String)>,
    participants: BTreeMap<String, (String, Vec<(String, String)>)>,
}

fn shape(p: &Project) -> Shape {
    let code = |id: &CodeId| p.codes.get(id).map(|c| c.name().to_string()).unwrap_or_default();
    Shape {
        documents: p.documents.values().map(|d| (d.name().to_string(), d.text.to_string())).collect(),
        codes: p
            .codes
            .values()
            .map(|c| (c.name().to_string(), (c.parent.map(|x| code(&x)), c.props.colour, c.props.description.clone())))
            .collect(),
        themes: p
            .themes
            .values()
            .map(|t| {
                let parent = t.parent.and_then(|x| p.themes.get(&x)).map(|x| x.name().to_string());
                (t.name().to_string(), (parent, t.codes.iter().map(code).collect(), t.props.definition.concept.clone()))
            })
            .collect(),
        codings: p
            .codings
            .values()
            .map(|c| {
                let d = &p.documents[&c.doc];
                (
                    d.name().to_string(),
                    code(&c.code),
                    p.coders[&c.coder].name.clone(),
                    c.span.start.get(),
                    c.span.end.get(),
                    d.slice(c.span).unwrap_or("").to_string(),
                    c.comment.clone(),
                )
            })
            .collect(),
        participants: p
            .participants
            .values()
            .map(|x| {
                let attrs = x.props.attributes.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                (x.label().to_string(), (x.group().to_string(), attrs))
            })
            .collect(),
    }
}

fn sample() -> anyhow::Result<Store> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-corpus/IPS-collaboration.tema");
    Ok(Store::open_read_only(&dir)?)
}

#[test]
fn the_sample_study_round_trips_through_valid_qdpx_in_both_profiles() -> R {
    let store = sample()?;
    let original = store.project();
    assert!(!original.codings.is_empty() && !original.themes.is_empty() && !original.memos.is_empty());
    let tmp = tempfile::tempdir()?;
    for profile in Profile::ALL {
        let (bytes, report) = exchange::export_project(original, profile)?;
        assert_eq!(report.counts.codings, original.codings.len());
        // Exporting twice gives the same bytes (so the same GUIDs).
        assert_eq!(exchange::export_project(original, profile)?.0, bytes, "{profile:?} export is not stable");
        let qdpx = tmp.path().join(format!("sample-{}.qdpx", profile.slug()));
        std::fs::write(&qdpx, &bytes)?;
        let entries = unzip(&bytes)?;
        let qde = tmp.path().join(format!("project-{}.qde", profile.slug()));
        std::fs::write(&qde, &entries["project.qde"])?;
        xmllint("Project-mrt2019.xsd", &qde);
        // Each source file holds exactly the bytes its positions count.
        for d in original.documents.values() {
            let txt = &entries[&format!("sources/{}.txt", d.id)];
            let expected = match profile {
                Profile::Standard => d.text.to_string(),
                Profile::Nvivo => d.text.replace('\n', "\r\n"),
            };
            assert_eq!(std::str::from_utf8(txt)?, expected);
        }
        let plan = exchange::plan_project_import(&qdpx, &Limits::default(), &Progress::new())?;
        assert!(plan.report.dropped.is_empty(), "{profile:?}: {:?}", plan.report.dropped);
        let back = apply_new(&plan)?;
        let (a, b) = (shape(original), shape(&back));
        assert_eq!(a.documents, b.documents, "{profile:?}: documents");
        assert_eq!(a.codes, b.codes, "{profile:?}: codes");
        assert_eq!(a.themes, b.themes, "{profile:?}: themes");
        assert_eq!(a.codings, b.codings, "{profile:?}: codings");
        assert_eq!(a.participants, b.participants, "{profile:?}: participants");
        // Memos come back (quotes come back as theme memos titled "Quote").
        let memos = |p: &Project| -> BTreeSet<(String, String)> {
            p.memos
                .values()
                .filter(|m| !m.props.title.starts_with("Quote"))
                .map(|m| (m.props.title.clone(), m.props.body.clone()))
                .collect()
        };
        let titled = |p: &Project| -> BTreeSet<(String, String)> {
            p.memos
                .values()
                .map(|m| {
                    let title = if m.props.title.trim().is_empty() {
                        if m.props.target == MemoTarget::Journal { "Journal entry" } else { "Memo" }.to_string()
                    } else {
                        m.props.title.clone()
                    };
                    (title, m.props.body.clone())
                })
                .collect()
        };
        assert_eq!(titled(original), memos(&back), "{profile:?}: memos");
        assert_eq!(back.memos.len(), original.memos.len() + original.quotes.len());
        // Memos keep their targets' kinds.
        let kinds = |p: &Project| -> BTreeMap<String, usize> {
            let mut m = BTreeMap::new();
            for memo in p.memos.values().filter(|m| !m.props.title.starts_with("Quote")) {
                let k = serde_json::to_value(memo.props.target).ok().and_then(|v| v.get("kind").cloned());
                *m.entry(k.map(|k| k.to_string()).unwrap_or_default()).or_insert(0) += 1;
            }
            m
        };
        assert_eq!(kinds(original), kinds(&back), "{profile:?}: memo targets");
        // The profile is recognised on the way back in.
        let expected = if profile == Profile::Nvivo { "UTF-16 units, CRLF as 2" } else { "code points, CRLF as 2" };
        assert!(plan.report.offsets.iter().all(|o| o.dialect_label == expected), "{:?}", plan.report.offsets);
    }
    Ok(())
}

#[test]
fn the_codebook_exports_valid_and_merges_by_name() -> R {
    let store = sample()?;
    let original = store.project();
    let (bytes, _) = exchange::export_codebook(original)?;
    let tmp = tempfile::tempdir()?;
    let qdc = tmp.path().join("codebook.qdc");
    std::fs::write(&qdc, &bytes)?;
    xmllint("Codebook-mrt2019.xsd", &qdc);
    // Into an empty project: the same tree and themes.
    let plan = exchange::plan_codebook_import(&Project::new("x"), &qdc, &Limits::default())?;
    let back = apply_new(&plan)?;
    assert_eq!(shape(original).codes, shape(&back).codes);
    assert_eq!(shape(original).themes, shape(&back).themes);
    // Into the project itself: every code matched by name, nothing new, one undo step.
    let plan = exchange::plan_codebook_import(original, &qdc, &Limits::default())?;
    let mut p = original.clone();
    let undo = p.apply(plan.edit)?;
    assert_eq!(p.codes.len(), original.codes.len());
    assert_eq!(plan.report.counts.codes, 0);
    p.apply(undo)?;
    assert_eq!(shape(&p), shape(original));
    Ok(())
}

fn project_xml(body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"t\" origin=\"Test\">\
         <CodeBook><Codes><Code guid=\"11111111-1111-4111-8111-111111111111\" name=\"A\" isCodable=\"true\"/></Codes></CodeBook>\
         <Sources><TextSource guid=\"22222222-2222-4222-8222-222222222222\" name=\"doc\" plainTextPath=\"internal://d.txt\">{body}</TextSource></Sources></Project>"
    )
}

fn selection(start: u64, end: u64, code: &str) -> String {
    format!(
        "<PlainTextSelection guid=\"33333333-3333-4333-8333-{start:012}\" startPosition=\"{start}\" endPosition=\"{end}\">\
         <Coding guid=\"44444444-4444-4444-8444-{start:012}\"><CodeRef targetGUID=\"{code}\"/></Coding></PlainTextSelection>"
    )
}

fn write_qdpx(dir: &Path, name: &str, entries: &[(&str, &[u8])]) -> anyhow::Result<PathBuf> {
    let path = dir.join(name);
    std::fs::write(&path, make_zip(entries)?)?;
    Ok(path)
}

#[test]
fn broken_inputs_give_clear_errors_or_reported_drops() -> R {
    let tmp = tempfile::tempdir()?;
    let limits = Limits::default();
    let text = b"one two three";
    let code = "11111111-1111-4111-8111-111111111111";
    let fail = |path: &Path| -> anyhow::Result<String> {
        match exchange::plan_project_import(path, &limits, &Progress::new()) {
            Ok(_) => anyhow::bail!("{} imported", path.display()),
            Err(e) => {
                let msg = e.to_string();
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                assert!(msg.contains(&name), "the message names the file: {msg}");
                Ok(msg)
            }
        }
    };

    // Truncated XML.
    let full = project_xml(&selection(0, 3, code));
    let cut = &full.as_bytes()[..full.len() / 2];
    let msg = fail(&write_qdpx(tmp.path(), "truncated.qdpx", &[("project.qde", cut), ("sources/d.txt", text)])?)?;
    assert!(msg.contains("not valid XML"), "{msg}");

    // An entry that climbs out of the archive.
    let ok = full.as_bytes();
    let msg = fail(&write_qdpx(tmp.path(), "slip.qdpx", &[("project.qde", ok), ("../x", b"boom")])?)?;
    assert!(msg.contains("../x") && msg.contains("outside"), "{msg}");

    // A zip bomb: 64 MiB of zeros packs to ~64 KiB.
    let zeros = vec![0u8; 64 << 20];
    let msg = fail(&write_qdpx(tmp.path(), "bomb.qdpx", &[("project.qde", &zeros)])?)?;
    assert!(msg.contains("zip bomb"), "{msg}");
    // ... also when it is a source, and with a lower member limit.
    let small = Limits { max_member: 1000, ..Limits::default() };
    let big = vec![b'a'; 5000];
    let path = write_qdpx(tmp.path(), "big.qdpx", &[("project.qde", ok), ("sources/d.txt", &big)])?;
    let Err(ExchangeError::TooLarge { entry, .. }) = exchange::plan_project_import(&path, &small, &Progress::new())
    else {
        anyhow::bail!("an oversized member was read");
    };
    assert_eq!(entry, "sources/d.txt");

    // No .qde at all.
    let msg = fail(&write_qdpx(tmp.path(), "empty.qdpx", &[("sources/d.txt", text)])?)?;
    assert!(msg.contains("no project file"), "{msg}");

    // Not a zip.
    std::fs::write(tmp.path().join("text.qdpx"), b"hello")?;
    let msg = fail(&tmp.path().join("text.qdpx"))?;
    assert!(msg.contains("not a REFI-QDA project archive"), "{msg}");

    // A selection past the end, one with an unknown code, one that is fine: the file
    // imports, the bad ones are reported by name with their reason.
    let body = format!(
        "{}{}{}",
        selection(4, 7, code),
        selection(40, 50, code),
        selection(8, 13, "99999999-9999-4999-8999-999999999999")
    );
    let path = write_qdpx(
        tmp.path(),
        "partly.qdpx",
        &[("project.qde", project_xml(&body).as_bytes()), ("sources/d.txt", text)],
    )?;
    let plan = exchange::plan_project_import(&path, &limits, &Progress::new())?;
    let p = apply_new(&plan)?;
    assert_eq!(p.codings.len(), 1);
    let c = p.codings.values().next().map(|c| c.span);
    assert_eq!(c, Some(Span::new(4, 7)), "“two”");
    let reasons: Vec<String> = plan.report.dropped.iter().map(|d| format!("{}: {}", d.item, d.reason)).collect();
    assert!(reasons.iter().any(|r| r.contains("starts at 40, past the end") && r.contains("“doc”")), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("99999999-9999-4999-8999-999999999999")), "{reasons:?}");
    Ok(())
}

#[test]
fn a_failed_import_leaves_no_project_behind() -> R {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("new");
    // A plan whose edit cannot apply (a coding on a document that is not there).
    let bad = Edit::AddCoding {
        coding: Coding {
            id: CodingId::new(),
            doc: DocId::new(),
            span: Span::new(0, 1),
            code: CodeId::new(),
            coder: CoderId::new(),
            created: chrono::Utc::now(),
            comment: String::new(),
        },
    };
    let plan =
        exchange::ImportPlan { name: "x".into(), edit: Edit::batch("bad", vec![bad]), report: Default::default() };
    assert!(exchange::import_into_new_project(&dir, plan).is_err());
    assert!(!dir.exists(), "the half-made project folder was removed");
    Ok(())
}

#[test]
fn the_command_line_imports_and_exports() -> R {
    let tmp = tempfile::tempdir()?;
    let exe = env!("CARGO_BIN_EXE_tema");
    let sample_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-corpus/IPS-collaboration.tema");
    let qdpx = tmp.path().join("out.qdpx");
    let run = |args: &[&std::ffi::OsStr]| -> anyhow::Result<String> {
        let out = std::process::Command::new(exe).args(args).output()?;
        anyhow::ensure!(out.status.success(), "tema {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        Ok(String::from_utf8(out.stdout)?)
    };
    run(&[
        "refi".as_ref(),
        "export".as_ref(),
        sample_dir.as_os_str(),
        "-o".as_ref(),
        qdpx.as_os_str(),
        "--profile".as_ref(),
        "nvivo".as_ref(),
    ])?;
    let dir = tmp.path().join("imported");
    let json = run(&["refi".as_ref(), "import".as_ref(), dir.as_os_str(), qdpx.as_os_str(), "--json".as_ref()])?;
    let v: serde_json::Value = serde_json::from_str(&json)?;
    let store = sample()?;
    assert_eq!(v["report"]["counts"]["codings"], store.project().codings.len());
    let back = Store::open_read_only(&dir)?;
    assert_eq!(shape(back.project()).codings, shape(store.project()).codings);
    // A codebook into the new project: everything matched by name.
    let qdc = tmp.path().join("c.qdc");
    run(&["refi".as_ref(), "export".as_ref(), dir.as_os_str(), "-o".as_ref(), qdc.as_os_str()])?;
    let text = run(&["refi".as_ref(), "import".as_ref(), dir.as_os_str(), qdc.as_os_str()])?;
    assert!(text.contains("already in the project"), "{text}");
    Ok(())
}

#[test]
fn an_unused_element_shape_is_read_in_any_order() -> R {
    // Description after the children, a `0:10` namespace, memos in all four forms.
    let xml = r##"<Project xmlns="urn:QDA-XML:project:0:10" name="p">
      <Notes><Note guid="55555555-5555-4555-8555-555555555555" name="On A"><PlainTextContent>about A</PlainTextContent></Note>
             <Note guid="66666666-6666-4666-8666-666666666666" name="Linked"><PlainTextContent>linked</PlainTextContent></Note></Notes>
      <Sources><TextSource guid="22222222-2222-4222-8222-222222222222" name="doc">
        <PlainTextSelection guid="77777777-7777-4777-8777-777777777777" startPosition="0" endPosition="3"><Description>a memo anchored to text</Description></PlainTextSelection>
        <PlainTextSelection guid="88888888-8888-4888-8888-888888888888" startPosition="4" endPosition="7">
          <Coding guid="99999999-9999-4999-8999-999999999999"><CodeRef targetGUID="11111111-1111-4111-8111-111111111111"/></Coding>
          <Description>the coding's comment</Description></PlainTextSelection>
        <PlainTextContent>one two three</PlainTextContent>
        <Description>a source</Description></TextSource></Sources>
      <Links><Link guid="aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa" originGUID="66666666-6666-4666-8666-666666666666" targetGUID="88888888-8888-4888-8888-888888888888"/></Links>
      <CodeBook><Codes><Code guid="11111111-1111-4111-8111-111111111111" name="A" isCodable="true" color="#F0A">
        <NoteRef targetGUID="55555555-5555-4555-8555-555555555555"/></Code></Codes></CodeBook>
    </Project>"##;
    let tmp = tempfile::tempdir()?;
    let path = tmp.path().join("p.qde");
    std::fs::write(&path, xml)?;
    let plan = exchange::plan_project_import(&path, &Limits::default(), &Progress::new())?;
    let p = apply_new(&plan)?;
    let code = p.codes.values().next().ok_or_else(|| anyhow::anyhow!("no code"))?;
    assert_eq!(code.props.colour, Colour::rgb(0xff, 0x00, 0xaa), "#RGB colours");
    let coding = p.codings.values().next().ok_or_else(|| anyhow::anyhow!("no coding"))?;
    assert_eq!(coding.comment, "the coding's comment");
    let targets: BTreeMap<String, MemoTarget> =
        p.memos.values().map(|m| (m.props.body.clone(), m.props.target)).collect();
    assert_eq!(targets["about A"], MemoTarget::Code(code.id));
    assert_eq!(targets["linked"], MemoTarget::Coding(coding.id));
    let doc = p.documents.values().next().ok_or_else(|| anyhow::anyhow!("no doc"))?;
    // A memo on an uncoded selection is a note on that passage ("one", chars 0..3).
    assert_eq!(targets["a memo anchored to text"], MemoTarget::Passage { doc: doc.id, span: Span::new(0, 3) });
    assert_eq!(doc.props.metadata.get("description").map(String::as_str), Some("a source"));
    Ok(())
}

#[test]
fn attributes_come_in_all_three_forms() -> R {
    // In a Case (QualCoder), in a source (MAXQDA), as an `attribute: value` set (ATLAS.ti).
    let xml = r#"<Project xmlns="urn:QDA-XML:project:1.0" name="p">
      <Variables><Variable guid="bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb" name="group" typeOfVariable="Text"/>
                 <Variable guid="cccccccc-cccc-4ccc-8ccc-cccccccccccc" name="age" typeOfVariable="Integer"/></Variables>
      <Cases><Case guid="dddddddd-dddd-4ddd-8ddd-dddddddddddd" name="J1">
        <VariableValue><VariableRef targetGUID="bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"/><TextValue>jobseeker</TextValue></VariableValue>
        <VariableValue><VariableRef targetGUID="cccccccc-cccc-4ccc-8ccc-cccccccccccc"/><IntegerValue>34</IntegerValue></VariableValue>
        <SourceRef targetGUID="22222222-2222-4222-8222-222222222222"/></Case></Cases>
      <Sources><TextSource guid="22222222-2222-4222-8222-222222222222" name="doc"><PlainTextContent>one two</PlainTextContent>
        <VariableValue><VariableRef targetGUID="cccccccc-cccc-4ccc-8ccc-cccccccccccc"/><IntegerValue>2019</IntegerValue></VariableValue>
      </TextSource></Sources>
      <Sets><Set guid="eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee" name="site: Nordby"><MemberSource targetGUID="22222222-2222-4222-8222-222222222222"/></Set></Sets>
    </Project>"#;
    let tmp = tempfile::tempdir()?;
    let path = tmp.path().join("p.qde");
    std::fs::write(&path, xml)?;
    let plan = exchange::plan_project_import(&path, &Limits::default(), &Progress::new())?;
    let p = apply_new(&plan)?;
    let j1 = p.participant_by_label("J1").ok_or_else(|| anyhow::anyhow!("no participant"))?;
    assert_eq!(j1.group(), "jobseeker");
    assert_eq!(j1.attribute("age"), Some("34"));
    let doc = p.documents.values().next().ok_or_else(|| anyhow::anyhow!("no document"))?;
    assert_eq!(doc.props.metadata.get("age").map(String::as_str), Some("2019"));
    assert_eq!(doc.props.metadata.get("site").map(String::as_str), Some("Nordby"));
    // The one case that refers to the document makes it that participant's.
    assert_eq!(doc.turns.first().and_then(|t| t.participant), Some(j1.id));
    assert_eq!(plan.report.counts.attributes, 4);
    assert!(p.themes.is_empty(), "a set of sources is not a theme");
    Ok(())
}
