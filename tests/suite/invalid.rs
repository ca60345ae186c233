//! One invalid fixture per kind of mistake, under `tests/invalid/<kind>/`: each holds only
//! the broken files, laid over `tests/invalid/_base/` (a valid issue). The build must fail
//! with exactly the messages in `expected.txt`, and leave a previously published site as it
//! was.

use std::fs;

use crate::support::*;

fn check(case: &str) {
    let dir = repo().join("tests/invalid");
    let site = site_from(&dir.join("_base"));
    copy_tree(&dir.join(case), site.path());
    let _ = fs::remove_file(site.path().join("expected.txt"));
    // A previously published site that must survive the failed build.
    let out = site.path().join("public");
    fs::create_dir_all(&out).unwrap();
    fs::write(
        out.join("manifest.json"),
        "{\n  \"generator\": \"gazette 0.1.0\",\n  \"files\": []\n}\n",
    )
    .unwrap();
    fs::write(out.join("index.html"), "previous site\n").unwrap();
    let before = read_tree(&out);

    let err = match build(site.path(), &out) {
        Ok(_) => panic!("invalid fixture {case} built without error"),
        Err(e) => e,
    };
    assert!(
        matches!(err, gazette::error::Error::Invalid(_)),
        "{case}: {err}"
    );
    assert_text(&format!("{err}\n"), &dir.join(case).join("expected.txt"));
    assert_eq!(
        read_tree(&out),
        before,
        "{case}: the failed build changed the output folder"
    );

    // `gazette check` prints the same problems with the offending line and a caret, or as
    // JSON, and exits 1.
    let text = run_gazette(&["check", "--root"], site.path());
    assert_eq!(text.status, Some(1), "{case}: check exit status");
    assert_text(&text.stdout, &dir.join(case).join("expected-check.txt"));
    let json = run_gazette(&["check", "--format", "json", "--root"], site.path());
    assert_eq!(
        json.status,
        Some(1),
        "{case}: check --format json exit status"
    );
    assert_text(&json.stdout, &dir.join(case).join("expected-check.json"));
    let parsed: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert!(
        parsed.as_array().is_some_and(|a| !a.is_empty()),
        "{case}: JSON lists the problems"
    );
}

macro_rules! cases {
    ($($name:ident => $dir:literal,)*) => {
        $(#[test] fn $name() { check($dir); })*

        #[test]
        fn every_fixture_has_a_test() {
            let listed = [$($dir),*];
            for entry in fs::read_dir(repo().join("tests/invalid")).unwrap() {
                let name = entry.unwrap().file_name().to_string_lossy().into_owned();
                assert!(name == "_base" || listed.contains(&name.as_str()), "tests/invalid/{name} has no test");
            }
        }
    };
}

cases! {
    missing_front_matter => "missing-front-matter",
    unterminated_front_matter => "unterminated-front-matter",
    yaml_syntax => "yaml-syntax",
    wrong_type => "wrong-type",
    unknown_field => "unknown-field",
    unknown_nested_field => "unknown-nested-field",
    missing_field => "missing-field",
    missing_issuers_and_date => "missing-issuers-and-date",
    bad_date => "bad-date",
    bad_doc_number => "bad-doc-number",
    bad_registration_number => "bad-registration-number",
    unknown_section => "unknown-section",
    folder_mismatch => "folder-mismatch",
    duplicate_serial => "duplicate-serial",
    duplicate_doc_number => "duplicate-doc-number",
    issuer_slug_collision => "issuer-slug-collision",
    series_slug_collision => "series-slug-collision",
    not_utf8 => "not-utf8",
    broken_link => "broken-link",
    missing_issue_file => "missing-issue-file",
    misplaced_file => "misplaced-file",
    empty_file => "empty-file",
    front_matter_list => "front-matter-list",
    missing_theme => "missing-theme",
    template_syntax => "template-syntax",
    template_undefined => "template-undefined",
    url_collision => "url-collision",
    bad_file_name => "bad-file-name",
    bad_config => "bad-config",
    bad_redirect => "bad-redirect",
    redirect_target => "redirect-target",
    duplicate_registration_number => "duplicate-registration-number",
    reserved_data_file => "reserved-data-file",
    bad_status => "bad-status",
    yaml_too_deep => "yaml-too-deep",
    yaml_too_many_aliases => "yaml-too-many-aliases",
    yaml_tag => "yaml-tag",
    attachment_file => "attachment-file",
    missing_pdf => "missing-pdf",
    line_separators => "line-separators",
    several_errors => "several-errors",
}
