//! Safe output: folders that must not be used, a foreign folder, incremental writes, and a
//! build that never writes outside its output folder.

use std::fs;
use std::time::SystemTime;

use gazette::error::Error;

use crate::support::*;

fn minimal() -> TempDir {
    site_from(&repo().join("tests/fixtures/minimal"))
}

fn fatal_message(result: gazette::error::Result<gazette::Summary>) -> String {
    match result {
        Err(Error::Fatal(m)) => m,
        Err(e) => panic!("expected a refusal, got {e}"),
        Ok(_) => panic!("expected a refusal, the build succeeded"),
    }
}

#[test]
fn refuses_output_folders_that_hold_the_sources() {
    let site = minimal();
    let root = site.path();
    for (output, why) in [
        (root.to_path_buf(), "contains the site root"),
        (root.join(".."), "contains the site root"),
        (root.join("content"), "inside the site's content/"),
        (root.join("content/2020/out"), "inside the site's content/"),
        (root.join("themes/default/x"), "inside the site's themes/"),
    ] {
        let message = fatal_message(build(root, &output));
        assert!(message.contains(why), "{}: {message}", output.display());
    }
    // Nothing was written anywhere.
    assert!(!root.join("content/2020/out").exists());
    assert!(!root.join("themes/default/x").exists());
}

#[test]
fn refuses_a_foreign_folder_unless_forced() {
    let site = minimal();
    let out = site.path().join("elsewhere");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("notes.txt"), "mine").unwrap();
    let message = fatal_message(build(site.path(), &out));
    assert!(message.contains("not made by gazette"), "{message}");
    assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");

    let forced = gazette::build(&gazette::BuildOptions {
        root: site.path().to_path_buf(),
        output: Some(out.clone()),
        base_url: None,
        force: true,
        no_search: true,
        ..Default::default()
    });
    assert!(forced.is_ok());
    assert!(!out.join("notes.txt").exists());
    assert_only_the_site(&out);
}

#[test]
fn writes_nothing_outside_the_output_folder() {
    let site = minimal();
    let before: Vec<String> = read_tree(site.path()).into_keys().collect();
    build(site.path(), &site.path().join("public")).unwrap();
    // The build state goes to its documented place, `.gazette-cache/` at the root.
    let after: Vec<String> = read_tree(site.path())
        .into_keys()
        .filter(|p| !p.starts_with("public/") && !p.starts_with(".gazette-cache/"))
        .collect();
    assert_eq!(before, after);
    assert!(!site.path().join("public/.gazette-staging").exists());
    assert_only_the_site(&site.path().join("public"));
}

fn mtimes(dir: &std::path::Path) -> Vec<(String, SystemTime)> {
    read_tree(dir)
        .into_keys()
        .map(|p| {
            let t = fs::metadata(dir.join(&p)).unwrap().modified().unwrap();
            (p, t)
        })
        .collect()
}

#[test]
fn rebuilds_touch_only_what_changed() {
    let site = site_from(&repo().join("tests/fixtures/multi"));
    let out = site.path().join("public");
    let first = build(site.path(), &out).unwrap();
    assert_eq!(first.unchanged, 0);
    let before = mtimes(&out);
    std::thread::sleep(std::time::Duration::from_millis(20));

    // Unchanged input: no file is rewritten.
    let second = build(site.path(), &out).unwrap();
    assert_eq!(second.written, 0, "{second:?}");
    assert_eq!(second.removed, 0);
    assert_eq!(mtimes(&out), before);

    // One body edit: only that document's page changes, with the files that carry its text
    // (its data twin and the archive's JSON Lines) and the manifest that lists their hashes.
    let doc = site.path().join("content/2019/11/yqzf-2019-3.md");
    let text = fs::read_to_string(&doc)
        .unwrap()
        .replace("一、加强管理。", "一、进一步加强管理。");
    fs::write(&doc, text).unwrap();
    let third = build(site.path(), &out).unwrap();
    assert_eq!(third.written, 5, "{third:?}");
    let changed: Vec<String> = mtimes(&out)
        .into_iter()
        .zip(&before)
        .filter(|(a, b)| a != *b)
        .map(|(a, _)| a.0)
        .collect();
    assert_eq!(
        changed,
        [
            "data/2019/documents.jsonl",
            "data/index.json",
            "documents/yqzf/2019/3/data.json",
            "documents/yqzf/2019/3/index.html",
            "manifest.json"
        ]
    );

    // A removed document: its page goes, and nothing else of the old site stays behind.
    fs::remove_file(site.path().join("content/2019/11/briefs.md")).unwrap();
    let fourth = build(site.path(), &out).unwrap();
    assert!(fourth.removed >= 1);
    assert!(
        !out.join("issues/2019/11/briefs").exists(),
        "empty folders are removed too"
    );
    let fresh = site.path().join("fresh");
    build(site.path(), &fresh).unwrap();
    assert_eq!(read_tree(&out), read_tree(&fresh));
}

#[test]
fn a_pathological_document_does_not_bring_the_build_down() {
    let site = minimal();
    let nested = format!("{}正文\n", "> ".repeat(20_000));
    let brackets = "[".repeat(50_000);
    for (name, body) in [("deep.md", nested), ("brackets.md", brackets)] {
        fs::write(
            site.path().join("content/2020/01").join(name),
            format!("---\ntitle: 测试\nsection: 政务简讯\n---\n{body}"),
        )
        .unwrap();
    }
    // Either it renders or it fails with a message; it must not panic or hang.
    match build(site.path(), &site.path().join("public")) {
        Ok(summary) => assert_eq!(summary.documents, 3),
        Err(e) => assert!(
            e.to_string().contains("deep.md") || e.to_string().contains("brackets.md"),
            "{e}"
        ),
    }
}

#[test]
fn a_failed_first_build_leaves_nothing_behind() {
    let site = site_from(&repo().join("tests/invalid/_base"));
    copy_tree(&repo().join("tests/invalid/broken-link"), site.path());
    // Pages are rendered (and new ones written in place) before the broken link is found.
    fs::write(
        site.path().join("content/2019/12/ok.md"),
        "---\ntitle: 通知\nsection: 政务简讯\n---\n正文。\n",
    )
    .unwrap();
    let fresh = site.path().join("fresh");
    assert!(build(site.path(), &fresh).is_err());
    assert!(
        !fresh.exists(),
        "the output folder made by the failed build is gone"
    );
    let empty = site.path().join("empty");
    fs::create_dir(&empty).unwrap();
    assert!(build(site.path(), &empty).is_err());
    assert_eq!(
        fs::read_dir(&empty).unwrap().count(),
        0,
        "nothing is left in an empty output folder"
    );
}
