//! `gazette import`: golden drafts and reports for every test issue in `tests/import/`,
//! the measured figures held as floors, one case per bad input, and the editor's workflow
//! from import to publication; `draft: true` in `build`, `check` and `serve`.

use std::fs;
use std::path::Path;

use gazette::import;

use crate::support::*;

/// `gazette import SOURCE --issue ISSUE --root ROOT`.
fn run_import(source: &Path, issue: &str, root: &Path) -> Run {
    run_gazette_with(&[
        "import",
        source.to_str().unwrap(),
        "--issue",
        issue,
        "--root",
        root.to_str().unwrap(),
    ])
}

/// The test issues: folders of `tests/import/` with a `source.txt` and a `truth/`.
fn test_issues() -> Vec<std::path::PathBuf> {
    let mut dirs: Vec<_> = fs::read_dir(repo().join("tests/import"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("source.txt").is_file() && p.join("truth").is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// The sources of a test issue: `source.txt`, and `source.pdf` where the issue is printed.
fn sources(dir: &Path) -> Vec<std::path::PathBuf> {
    ["source.txt", "source.pdf"]
        .iter()
        .map(|n| dir.join(n))
        .filter(|p| p.is_file())
        .collect()
}

/// The folder of the site settings an issue's truth is written for: the printed issues
/// (those with a `source.pdf`) were written for `tests/import/gazette.yaml`, the text-only
/// ones for `tests/import/site/gazette.yaml` (their series slugs differ: 丽政办发 is `lsb` in
/// one, derived `lzbf` in the other).
fn site_of(dir: &Path) -> std::path::PathBuf {
    if dir.join("source.pdf").is_file() {
        repo().join("tests/import")
    } else {
        repo().join("tests/import/site")
    }
}

/// The golden folder of an import of `source`: `expected/` for text, `expected-pdf/` for PDF.
fn expected_of(source: &Path) -> std::path::PathBuf {
    let dir = source.parent().unwrap();
    match source.extension().and_then(|e| e.to_str()) {
        Some("pdf") => dir.join("expected-pdf"),
        _ => dir.join("expected"),
    }
}

fn config() -> gazette::config::Config {
    gazette::config::Config::load(&repo().join("tests/import/site"), None).unwrap()
}

#[test]
fn test_issues_import_to_their_golden_drafts_and_reports() {
    let issues = test_issues();
    assert!(issues.len() >= 2, "{issues:?}");
    // The bundled issue's source too; its golden drafts are in tests/import/wenzhou-2019-12.
    let seed = (
        repo().join("content/2019/12/wenzhou-gazette-2019-12.txt"),
        repo().join("tests/import/site"),
        repo().join("tests/import/wenzhou-2019-12/expected"),
    );
    let cases = issues
        .iter()
        .flat_map(|d| {
            sources(d)
                .into_iter()
                .map(|s| (s.clone(), site_of(d), expected_of(&s)))
        })
        .chain(std::iter::once(seed));
    let mut pdfs = 0;
    for (input, settings, expected) in cases {
        let name = input.display().to_string();
        let site = TempDir::new("import-golden");
        fs::copy(
            settings.join("gazette.yaml"),
            site.path().join("gazette.yaml"),
        )
        .unwrap();
        copy_tree(
            &repo().join("themes/default"),
            &site.path().join("themes/default"),
        );
        let file_name = match input.extension().and_then(|e| e.to_str()) {
            Some("pdf") => "source.pdf",
            _ => "source.txt",
        };
        pdfs += usize::from(file_name.ends_with(".pdf"));
        let source = site.path().join(file_name);
        fs::copy(&input, &source).unwrap();
        let run = run_gazette_with(&[
            "import",
            source.to_str().unwrap(),
            "--issue",
            "2020/3",
            "--serial",
            "51",
            "--root",
            site.path().to_str().unwrap(),
        ]);
        assert_eq!(run.status, Some(0), "{name}: {}", run.stderr);
        // What import writes passes `gazette check`, drafts aside.
        let check = run_gazette_with(&[
            "check",
            "--format",
            "json",
            "--root",
            site.path().to_str().unwrap(),
        ]);
        let problems: Vec<serde_json::Value> = serde_json::from_str(&check.stdout)
            .unwrap_or_else(|e| panic!("{name}: {e}: {}{}", check.stdout, check.stderr));
        let others: Vec<&serde_json::Value> =
            problems.iter().filter(|p| p["code"] != "draft").collect();
        assert!(
            others.is_empty(),
            "{name}: the import passes check, drafts aside: {others:#?}"
        );
        let report = run.stdout.replace(source.to_str().unwrap(), file_name);
        let written = site.path().join("content/2020/03");
        fs::write(written.join("report.txt"), &report).unwrap();
        let json = run_gazette_with(&[
            "import",
            source.to_str().unwrap(),
            "--issue",
            "2020/4",
            "--dry-run",
            "--format",
            "json",
            "--root",
            site.path().to_str().unwrap(),
        ]);
        assert_eq!(json.status, Some(0), "{name}: {}", json.stderr);
        let json = json.stdout.replace(
            &serde_json::to_string(source.to_str().unwrap()).unwrap(),
            &serde_json::to_string(file_name).unwrap(),
        );
        fs::write(written.join("report.json"), json).unwrap();
        if blessing() {
            let _ = fs::remove_dir_all(&expected);
            copy_tree(&written, &expected);
        }
        assert_tree(&written, &expected);
        assert!(
            !site.path().join("content/2020/04").exists(),
            "--dry-run wrote nothing"
        );
    }
    assert!(
        pdfs >= 3,
        "the printed test issues are imported from PDF too"
    );
}

/// The floor of every test issue and input: items with the same boundaries, fields equal
/// (percent), bodies equal, markup blocks equal (percent). The figures may only get better;
/// raise a floor when they do.
const FLOORS: &[(&str, &str, usize, f64, usize, f64)] = &[
    ("cid-single", "txt", 4, 100.0, 4, 100.0),
    ("cid-single", "pdf", 4, 100.0, 4, 100.0),
    ("city-markers", "txt", 4, 100.0, 4, 100.0),
    ("county-formfeed", "txt", 4, 100.0, 4, 100.0),
    ("district-double-spaced", "txt", 4, 100.0, 4, 100.0),
    ("narrow", "txt", 6, 100.0, 6, 90.0),
    ("narrow", "pdf", 6, 100.0, 6, 90.0),
    ("two-column", "txt", 6, 97.1, 6, 100.0),
    ("two-column", "pdf", 6, 97.1, 6, 100.0),
    ("two-columns", "txt", 2, 100.0, 2, 100.0),
    ("two-columns-display", "txt", 4, 100.0, 4, 100.0),
];

/// The figures of every test issue, on text and on PDF, and of the bundled issue against
/// its transcription, may only get better.
#[test]
fn measured_figures_hold_their_floors() {
    let root = repo();
    let seed = import::evaluate::evaluate_files(
        &root,
        &root.join("content/2019/12/wenzhou-gazette-2019-12.txt"),
        &root.join("content/2019/12"),
        None,
    )
    .unwrap();
    let s = seed.summary();
    assert!(seed.same_boundaries >= 18, "{s}");
    assert!(seed.fields_percent() >= 97.3, "{s}");
    assert!(seed.bodies_equal >= 18, "{s}");
    assert!(seed.blocks_percent() >= 91.7, "{s}");
    let mut checked = 0;
    for dir in test_issues() {
        let issue = dir.file_name().unwrap().to_str().unwrap();
        for source in sources(&dir) {
            let input = source.extension().unwrap().to_str().unwrap();
            let &(_, _, items, fields, bodies, blocks) = FLOORS
                .iter()
                .find(|f| f.0 == issue && f.1 == input)
                .unwrap_or_else(|| panic!("{issue} {input}: no floor"));
            let f =
                import::evaluate::evaluate_files(&site_of(&dir), &source, &dir.join("truth"), None)
                    .unwrap();
            let s = format!("{}: {}", source.display(), f.summary());
            assert!(f.same_boundaries >= items, "{s}");
            assert!(f.fields_percent() >= fields, "{s}");
            assert!(f.bodies_equal >= bodies, "{s}");
            assert!(f.blocks_percent() >= blocks, "{s}");
            checked += 1;
        }
    }
    assert_eq!(
        checked,
        FLOORS.len(),
        "a floor for every test issue and input"
    );
}

fn invalid(case: &str) -> std::path::PathBuf {
    let dir = repo().join("tests/import/invalid").join(case);
    fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.file_stem().is_some_and(|s| s == "source"))
        .unwrap()
}

#[test]
fn bad_inputs_get_a_clear_error_and_write_nothing() {
    for (case, status, message) in [
        ("empty", 1, "source.txt:1:1: error: the file holds no text"),
        ("not-text", 1, "source.png:2:2: error: not a text file"),
        (
            "no-items",
            1,
            "source.txt:1:1: error: no printed item found",
        ),
    ] {
        let site = site_from(&repo().join("tests/import/site"));
        let run = run_import(&invalid(case), "2020/3", site.path());
        assert_eq!(run.status, Some(status), "{case}: {}", run.stderr);
        let flat = run.stderr.replace(
            &format!("{}/", invalid(case).parent().unwrap().display()),
            "",
        );
        assert!(flat.contains(message), "{case}: {flat}");
        assert!(
            !site.path().join("content/2020").exists(),
            "{case}: nothing written"
        );
    }
    // A PDF is recognised by its magic bytes: a header and nothing more is a damaged PDF.
    let site = site_from(&repo().join("tests/import/site"));
    let pdf = site.path().join("issue.pdf");
    fs::write(&pdf, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n").unwrap();
    let run = run_import(&pdf, "2020/3", site.path());
    assert_eq!(run.status, Some(1));
    assert!(
        run.stderr
            .contains("issue.pdf:1:1: error: the PDF is damaged or truncated"),
        "{}",
        run.stderr
    );
    assert!(
        !site.path().join("content/2020").exists(),
        "nothing written"
    );
}

#[test]
fn an_issue_folder_holding_markdown_is_refused() {
    let site = site_from(&repo().join("tests/import/site"));
    let dir = site.path().join("content/2020/03");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("_index.md"),
        "---\nyear: 2020\nnumber: 3\nserial: 1\n---\n",
    )
    .unwrap();
    let source = repo().join("tests/import/county-formfeed/source.txt");
    let run = run_import(&source, "2020/3", site.path());
    assert_eq!(run.status, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("already holds Markdown (_index.md)"),
        "{}",
        run.stderr
    );
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 1, "nothing added");
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_is_no_way_out() {
    let site = site_from(&repo().join("tests/import/site"));
    let outside = TempDir::new("outside");
    fs::create_dir_all(site.path().join("content")).unwrap();
    std::os::unix::fs::symlink(outside.path(), site.path().join("content/2020")).unwrap();
    let source = repo().join("tests/import/county-formfeed/source.txt");
    let run = run_import(&source, "2020/3", site.path());
    assert_eq!(run.status, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("is a symbolic link"), "{}", run.stderr);
    assert_eq!(
        fs::read_dir(outside.path()).unwrap().count(),
        0,
        "nothing written outside"
    );
}

#[test]
fn gb18030_text_imports_like_utf8() {
    let config = config();
    let utf8 = fs::read(repo().join("tests/import/county-formfeed/source.txt")).unwrap();
    let gbk = fs::read(invalid("gb18030")).unwrap();
    assert_ne!(utf8, gbk);
    let (a, ea) = import::read_source(&utf8, "a").unwrap();
    let (b, eb) = import::read_source(&gbk, "b").unwrap();
    assert_eq!(
        (ea, eb),
        (
            Some(import::decode::Encoding::Utf8),
            Some(import::decode::Encoding::Gb18030)
        )
    );
    let texts = |p| {
        import::import(p, &config)
            .drafts
            .into_iter()
            .map(|d| (d.file, d.text))
            .collect::<Vec<_>>()
    };
    assert_eq!(texts(&a), texts(&b));
}

fn without_drafts(dir: &Path) {
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "md") {
            let text = fs::read_to_string(&p).unwrap();
            fs::write(&p, text.replace("draft: true\n", "")).unwrap();
        }
    }
}

/// Import, check lists the drafts, build leaves them out (unless --drafts, which marks them
/// 草稿), the editor deletes `draft: true`, build publishes them.
#[test]
fn editor_workflow_import_check_review_publish() {
    let site = site_from(&repo().join("tests/import/site"));
    let root = site.path().to_str().unwrap();
    let source = repo().join("tests/import/city-markers/source.txt");
    let run = run_import(&source, "2021/1", site.path());
    assert_eq!(run.status, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("lzbf-2020-92.md"), "{}", run.stdout);
    let issue = site.path().join("content/2021/01");
    assert!(
        issue.join("source.txt").is_file(),
        "the source is kept beside the drafts"
    );
    assert!(
        fs::read_to_string(issue.join("_index.md"))
            .unwrap()
            .contains("serial: 1\n")
    );

    let check = run_gazette_with(&["check", "--format", "json", "--root", root]);
    assert_eq!(
        check.status,
        Some(1),
        "drafts are warnings, which fail a check: {}",
        check.stdout
    );
    let problems: Vec<serde_json::Value> = serde_json::from_str(&check.stdout).unwrap();
    assert!(
        problems.iter().all(|p| p["code"] == "draft"),
        "nothing but drafts: {problems:#?}"
    );
    let drafts = fs::read_dir(&issue)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name() != "_index.md" && e.path().extension().is_some_and(|x| x == "md"))
        .count();
    assert_eq!(problems.len(), drafts);
    let first = &problems[0];
    let text = fs::read_to_string(site.path().join(first["path"].as_str().unwrap())).unwrap();
    let line = text
        .lines()
        .nth(first["line"].as_u64().unwrap() as usize - 1)
        .unwrap();
    assert_eq!(line, "draft: true", "the warning points at the key");
    let allow = run_gazette_with(&["check", "--allow-warnings", "--root", root]);
    assert_eq!(allow.status, Some(0), "{}{}", allow.stdout, allow.stderr);

    let out = site.path().join("public");
    let page = out.join("documents/lzbf/2020/92/index.html");
    build(site.path(), &out).unwrap();
    assert!(!page.exists(), "a draft is not published");
    let all = fs::read_to_string(out.join("search/wenhao.json")).unwrap_or_default()
        + &fs::read_to_string(out.join("atom.xml")).unwrap_or_default()
        + &fs::read_to_string(out.join("manifest.json")).unwrap_or_default()
        + &fs::read_to_string(out.join("issues/2021/01/index.html")).unwrap_or_default();
    assert!(
        !all.contains("涉企收费"),
        "no draft in feeds, lookup, manifest or the issue page"
    );

    let with = run_gazette_with(&["build", "--drafts", "--no-search", "--root", root]);
    assert_eq!(with.status, Some(0), "{}", with.stderr);
    let html = fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("draft-mark") && html.contains("草稿"),
        "marked as a draft"
    );
    assert!(
        fs::read_to_string(out.join("issues/2021/01/index.html"))
            .unwrap()
            .contains("草稿")
    );

    without_drafts(&issue);
    let check = run_gazette_with(&["check", "--root", root]);
    assert_eq!(
        check.status,
        Some(0),
        "reviewed: the check is clean: {}{}",
        check.stdout,
        check.stderr
    );
    build(site.path(), &out).unwrap();
    let html = fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("涉企收费") && !html.contains("草稿"),
        "published without the mark"
    );
}

/// Without `--serial` and without a previous issue, the serial is the 总第N期 the running
/// heads print, and the report says where it came from; after an issue, it is that issue's
/// plus one.
#[test]
fn the_serial_comes_from_the_running_heads_when_no_issue_precedes() {
    let site = site_from(&repo().join("tests/import/site"));
    let seed = repo().join("content/2019/12/wenzhou-gazette-2019-12.txt");
    let run = run_import(&seed, "2019/12", site.path());
    assert_eq!(run.status, Some(0), "{}", run.stderr);
    assert!(
        run.stdout
            .contains("(总第208期, from the running head at line 263)"),
        "{}",
        run.stdout
    );
    let index = fs::read_to_string(site.path().join("content/2019/12/_index.md")).unwrap();
    assert!(index.contains("serial: 208\n"), "{index}");
    let next = run_import(&seed, "2020/1", site.path());
    assert_eq!(next.status, Some(0), "{}", next.stderr);
    assert!(
        next.stdout
            .contains("(总第209期, from the previous issue's plus one)"),
        "{}",
        next.stdout
    );
}
