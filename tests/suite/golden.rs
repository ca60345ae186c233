//! Golden output trees: each fixture site under `tests/fixtures/` is built and its whole
//! output compared byte for byte with `expected/` (missing and extra files fail).

use crate::support::*;

fn golden(name: &str) {
    let fixture = repo().join("tests/fixtures").join(name);
    let site = site_from(&fixture);
    let out = site.path().join("public");
    if let Err(e) = build(site.path(), &out) {
        panic!("fixture {name} failed to build:\n{e}");
    }
    assert_tree(&out, &fixture.join("expected"));
}

#[test]
fn minimal_site() {
    golden("minimal");
}

#[test]
fn multi_issue_site_with_joint_issuers_pagination_and_theme_override() {
    golden("multi");
}

#[test]
fn absolute_links_with_base_url() {
    golden("base-url");
}

#[test]
fn same_tree_with_one_thread_and_many() {
    let fixture = repo().join("tests/fixtures/multi");
    let site = site_from(&fixture);
    let one = site.path().join("one");
    let many = site.path().join("many");
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| build(site.path(), &one))
        .unwrap();
    rayon::ThreadPoolBuilder::new()
        .num_threads(8)
        .build()
        .unwrap()
        .install(|| build(site.path(), &many))
        .unwrap();
    assert_eq!(read_tree(&one), read_tree(&many));
}
