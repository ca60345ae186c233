//! The command line as an editor uses it: warnings from `gazette check`, exit statuses, and
//! `gazette new`.

use std::fs;

use crate::support::*;

#[test]
fn check_reports_every_kind_of_warning() {
    let fixture = repo().join("tests/lint");
    let site = site_from(&fixture);
    let text = run_gazette(&["check", "--root"], site.path());
    assert_eq!(text.status, Some(1), "warnings fail the check by default");
    assert_text(&text.stdout, &fixture.join("expected-check.txt"));
    let json = run_gazette(&["check", "--format", "json", "--root"], site.path());
    assert_text(&json.stdout, &fixture.join("expected-check.json"));
    let codes: Vec<String> = serde_json::from_str::<Vec<serde_json::Value>>(&json.stdout)
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    for code in [
        "doc-number-year",
        "date-after-publication",
        "doc-type-mismatch",
        "validity-order",
        "position-duplicate",
        "position-gap",
        "page-gap",
        "page-overlap",
        "listed-not-published",
    ] {
        assert!(
            codes.iter().any(|c| c == code),
            "no {code} warning in {codes:?}"
        );
    }
    assert_eq!(
        codes
            .iter()
            .filter(|c| *c == "listed-not-published")
            .count(),
        1,
        "unpublished entries are not reported"
    );

    let allowed = run_gazette(&["check", "--allow-warnings", "--root"], site.path());
    assert_eq!(allowed.status, Some(0));

    // A build succeeds and reports the same warnings.
    let built = run_gazette(&["build", "--root"], site.path());
    assert_eq!(built.status, Some(0), "{}", built.stderr);
    assert!(
        built
            .stdout
            .contains(&format!("{} warning(s)", codes.len())),
        "{}",
        built.stdout
    );
}

#[test]
fn check_of_a_clean_site_exits_zero() {
    let site = site_from(&repo().join("tests/fixtures/multi"));
    let run = run_gazette(&["check", "--root"], site.path());
    assert_eq!(run.status, Some(0), "{}", run.stdout);
    assert_eq!(run.stdout, "No problems found.\n");
    let json = run_gazette(&["check", "--format", "json", "--root"], site.path());
    assert_eq!(json.stdout, "[]\n");
}

#[test]
fn check_exits_two_when_it_cannot_run() {
    let site = TempDir::new("no-root");
    let run = run_gazette(&["check", "--root"], &site.path().join("missing"));
    assert_eq!(run.status, Some(2));
    assert!(run.stderr.contains("is not a folder"), "{}", run.stderr);
}

#[test]
fn new_issue_and_document_scaffold_valid_files_and_never_overwrite() {
    let site = site_from(&repo().join("tests/fixtures/multi"));
    let root = site.path();
    let run = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_gazette"))
            .args(args)
            .arg("--root")
            .arg(root)
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (status, _, err) = run(&["new", "issue", "2020/2"]);
    assert_eq!(status, Some(0), "{err}");
    let issue = fs::read_to_string(root.join("content/2020/02/_index.md")).unwrap();
    assert!(
        issue.contains("year: 2020\nnumber: 2\nserial: 210\n"),
        "{issue}"
    );

    let (status, _, err) = run(&[
        "new",
        "doc",
        "2020/2",
        "wzf-2020-5",
        "--title",
        "温州市人民政府关于某事项的通知",
        "--doc-number",
        "温政发(2020)5号",
        "--date",
        "2020-02-03",
    ]);
    assert_eq!(status, Some(0), "{err}");
    let doc = fs::read_to_string(root.join("content/2020/02/wzf-2020-5.md")).unwrap();
    assert_eq!(
        doc,
        "---\ntitle: \"温州市人民政府关于某事项的通知\"\nsection: 文件发布\ndoc_number: 温政发〔2020〕5号\nissuers: [\"温州市人民政府\"]\ndate: 2020-02-03\n---\n\n"
    );
    let (status, _, err) = run(&[
        "new",
        "doc",
        "2020/2",
        "briefs",
        "--title",
        "政务简讯",
        "--section",
        "政务简讯",
    ]);
    assert_eq!(status, Some(0), "{err}");

    // The scaffolded files pass the check.
    let checked = run_gazette(&["check", "--root"], root);
    assert_eq!(checked.status, Some(0), "{}", checked.stdout);

    // Nothing is overwritten.
    fs::write(root.join("content/2020/02/wzf-2020-5.md"), "edited").unwrap();
    let (status, _, err) = run(&[
        "new",
        "doc",
        "2020/2",
        "wzf-2020-5",
        "--title",
        "x",
        "--doc-number",
        "温政发〔2020〕5号",
    ]);
    assert_eq!(status, Some(2));
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(
        fs::read_to_string(root.join("content/2020/02/wzf-2020-5.md")).unwrap(),
        "edited"
    );
    let (status, _, err) = run(&["new", "issue", "2020/2"]);
    assert_eq!(status, Some(2));
    assert!(err.contains("already exists"), "{err}");

    // A document for an issue that does not exist, and a bad file name, are refused.
    let (status, _, err) = run(&["new", "doc", "2031/1", "a", "--title", "x"]);
    assert_eq!(status, Some(2));
    assert!(err.contains("gazette new issue 2031/1"), "{err}");
    let (status, _, err) = run(&["new", "doc", "2020/2", "记事", "--title", "x"]);
    assert_eq!(status, Some(2));
    assert!(err.contains("cannot be a file name"), "{err}");
}

#[cfg(unix)]
#[test]
fn odd_files_get_clear_errors() {
    let site = site_from(&repo().join("tests/invalid/_base"));
    let issue = site.path().join("content/2019/12");
    std::os::unix::fs::symlink("..", issue.join("loop")).unwrap();
    std::os::unix::fs::symlink("nowhere.md", issue.join("gone.md")).unwrap();
    let mut big = String::from("---\ntitle: 大文件\nsection: 政务简讯\n---\n");
    while big.len() <= 16 * 1024 * 1024 {
        big.push_str("这是一个很长的文件。\n");
    }
    fs::write(issue.join("big.md"), big).unwrap();
    let run = run_gazette(&["check", "--root"], site.path());
    assert_eq!(run.status, Some(1));
    assert_text(&run.stdout, &repo().join("tests/cli/odd-files-check.txt"));
}
