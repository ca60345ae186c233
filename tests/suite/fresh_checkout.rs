//! A CI run: the sources checked out afresh (every file a new inode and new times), the
//! cache folder and the output folder restored from a CI cache, maybe at another path. The
//! kept state must still give an incremental build, and never a stale one.

use std::fs;
use std::path::Path;

use crate::support::*;

/// Copies the site at `from` as a fresh checkout into `to`: the sources only, each file
/// written anew (new inode, modification and change times now).
fn checkout(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "public" || name == gazette::cache::CACHE_DIR {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &to.join(&name));
        } else {
            fs::copy(entry.path(), to.join(&name)).unwrap();
        }
    }
}

/// Restores the folder `name` of `from` into `to` as a CI cache does: the same bytes, and
/// the files' modification times too when `times` (as `tar` keeps them).
fn restore(from: &Path, to: &Path, name: &str, times: bool) {
    if times {
        copy_with_times(&from.join(name), &to.join(name));
    } else {
        copy_tree(&from.join(name), &to.join(name));
    }
}

/// The site built with `--no-cache` into `root/<name>`, as a tree.
fn full_build(root: &Path, name: &str) -> std::collections::BTreeMap<String, Vec<u8>> {
    let out = root.join(name);
    gazette::build(&gazette::BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.clone()),
        no_search: true,
        no_cache: true,
        ..Default::default()
    })
    .unwrap();
    let tree = read_tree(&out);
    fs::remove_dir_all(&out).unwrap();
    tree
}

/// Builds the multi-issue fixture, then checks it out afresh elsewhere with its state and
/// output restored (with the output's times or not).
fn ci_run(label: &str, times: bool) -> (TempDir, TempDir) {
    let first = site_from(&repo().join("tests/fixtures/multi"));
    let built = build(first.path(), &first.path().join("public")).unwrap();
    assert!(built.files_parsed > 0);
    let next = TempDir::new(label);
    checkout(first.path(), next.path());
    restore(first.path(), next.path(), gazette::cache::CACHE_DIR, true);
    restore(first.path(), next.path(), "public", times);
    (first, next)
}

const EDITED: &str = "content/2019/12/wzf-2019-16.md";

/// Changes one word of the body of [`EDITED`].
fn edit(root: &Path) {
    let path = root.join(EDITED);
    let text = fs::read_to_string(&path).unwrap();
    let edited = text.replacen("。", "。（修订）", 1);
    assert_ne!(edited, text);
    fs::write(&path, edited).unwrap();
}

#[test]
fn a_fresh_checkout_with_the_kept_state_and_output_parses_and_renders_nothing() {
    let (first, next) = ci_run("fresh-checkout", true);
    let out = next.path().join("public");
    // Checked out at another path, the state folder is still the one restored.
    assert_eq!(
        state_dir(first.path(), &first.path().join("public")).file_name(),
        state_dir(next.path(), &out).file_name()
    );
    let again = build(next.path(), &out).unwrap();
    assert_eq!(again.files_parsed, 0, "{again:?}");
    assert_eq!(again.rendered_pages, 0, "{again:?}");
    assert_eq!(again.bodies_read, 0, "{again:?}");
    assert_eq!(again.written, 0, "{again:?}");
    assert!(read_tree(&out) == full_build(next.path(), "full"));
    assert_only_the_site(&out);

    // One document edited: only it is parsed again, and only what it touches is rendered.
    std::thread::sleep(std::time::Duration::from_millis(200));
    edit(next.path());
    let edited = build(next.path(), &out).unwrap();
    assert_eq!(edited.files_parsed, 1, "{edited:?}");
    assert!(edited.rendered_pages >= 1, "{edited:?}");
    assert!(edited.rendered_pages < edited.pages, "{edited:?}");
    assert!(read_tree(&out) == full_build(next.path(), "full"));
}

#[test]
fn a_fresh_checkout_with_an_output_restored_without_times_is_never_stale() {
    let (_first, next) = ci_run("fresh-checkout-no-times", false);
    let out = next.path().join("public");
    // Pages whose published copy cannot be shown unchanged by its time are rendered again,
    // and left as they are when their bytes are the same.
    let again = build(next.path(), &out).unwrap();
    assert_eq!(again.files_parsed, 0, "{again:?}");
    assert_eq!(again.written, 0, "{again:?}");
    assert!(read_tree(&out) == full_build(next.path(), "full"));
    edit(next.path());
    let edited = build(next.path(), &out).unwrap();
    assert_eq!(edited.files_parsed, 1, "{edited:?}");
    assert!(edited.written >= 1, "{edited:?}");
    assert!(read_tree(&out) == full_build(next.path(), "full"));
    assert_only_the_site(&out);
}
