//! The output contract: the output folder holds the site and nothing else, the build state
//! lives in the cache folder (kept apart for each output folder, usable again by a CI that
//! keeps it), which output folders may be replaced, and builds with any thread count, time
//! zone and locale give identical folders.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::*;

/// The multi-issue fixture, its files older than the instant in which a change might not
/// show in a file's stamp (such files are read again by the next build whatever the cache
/// holds, and these tests count what is read).
fn multi() -> TempDir {
    let site = site_from(&repo().join("tests/fixtures/multi"));
    std::thread::sleep(std::time::Duration::from_millis(200));
    site
}

fn options(root: &Path, output: &Path) -> gazette::BuildOptions {
    gazette::BuildOptions {
        root: root.to_path_buf(),
        output: Some(output.to_path_buf()),
        no_search: true,
        ..Default::default()
    }
}

/// Runs the binary's `build` with `args`, the environment `env` and no other locale or time
/// zone settings; panics unless it succeeds.
fn run_build(args: &[std::ffi::OsString], env: &[(&str, &str)]) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gazette"));
    command.arg("build").arg("--quiet").args(args);
    for var in [
        "LANG",
        "LC_ALL",
        "LC_CTYPE",
        "LC_COLLATE",
        "TZ",
        "RAYON_NUM_THREADS",
    ] {
        command.env_remove(var);
    }
    command.envs(env.iter().copied());
    let out = command.output().expect("gazette runs");
    assert!(
        out.status.success(),
        "build failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn output_folder_holds_only_the_manifest_files() {
    let site = multi();
    let out = site.path().join("public");
    build(site.path(), &out).unwrap();
    assert_only_the_site(&out);
    // A rebuild, an edit, and a full rebuild leave the folder as exactly the site too.
    build(site.path(), &out).unwrap();
    assert_only_the_site(&out);
    let doc = site.path().join("content/2019/11/yqzf-2019-3.md");
    let text = fs::read_to_string(&doc).unwrap();
    fs::write(&doc, text.replace("一、加强管理。", "一、进一步加强管理。")).unwrap();
    build(site.path(), &out).unwrap();
    assert_only_the_site(&out);
    gazette::build(&gazette::BuildOptions {
        no_cache: true,
        ..options(site.path(), &out)
    })
    .unwrap();
    assert_only_the_site(&out);
    // The build state is at the root, in a folder of its own for this output folder.
    let state = state_dir(site.path(), &out);
    for part in ["output", "content", "files/index", "bodies/index"] {
        assert!(
            state.join(part).is_file(),
            "no {part} in {}",
            state.display()
        );
    }
}

#[test]
fn builds_with_any_threads_time_zone_and_locale_are_identical_folders() {
    let site = TempDir::new("env");
    for part in ["content", "themes", "gazette.yaml"] {
        let from = repo().join(part);
        if from.is_dir() {
            copy_tree(&from, &site.path().join(part));
        } else {
            fs::copy(&from, site.path().join(part)).unwrap();
        }
    }
    let (a, b) = (site.path().join("a"), site.path().join("b"));
    let args = |out: &Path| -> Vec<std::ffi::OsString> {
        vec![
            "--root".into(),
            site.path().into(),
            "--output".into(),
            out.into(),
        ]
    };
    run_build(
        &args(&a),
        &[
            ("RAYON_NUM_THREADS", "1"),
            ("TZ", "UTC"),
            ("LANG", "C"),
            ("LC_ALL", "C"),
        ],
    );
    run_build(
        &args(&b),
        &[
            ("RAYON_NUM_THREADS", "4"),
            ("TZ", "Asia/Shanghai"),
            ("LANG", "zh_CN.UTF-8"),
            ("LC_ALL", "zh_CN.UTF-8"),
        ],
    );
    assert_only_the_site(&a);
    assert_only_the_site(&b);
    assert!(read_tree(&a) == read_tree(&b), "the two folders differ");
    match Command::new("diff").arg("-r").arg(&a).arg(&b).output() {
        Ok(diff) => assert!(
            diff.status.success(),
            "diff -r finds differences:\n{}",
            String::from_utf8_lossy(&diff.stdout)
        ),
        Err(_) => eprintln!("diff is not installed: the trees were compared in the test only"),
    }
}

#[test]
fn a_kept_cache_makes_the_build_after_a_deleted_output_incremental() {
    let site = multi();
    let out = site.path().join("public");
    let first = build(site.path(), &out).unwrap();
    assert!(first.files_parsed > 0);
    // Like a CI job: the output folder is gone, the cache folder kept.
    fs::remove_dir_all(&out).unwrap();
    let again = build(site.path(), &out).unwrap();
    assert_eq!(
        again.files_parsed, 0,
        "every Markdown file's record came from the kept load cache"
    );
    // The file cache says pages are published that are not: every one is written again.
    assert_eq!(again.cached_pages, 0, "{again:?}");
    assert_eq!(again.written, again.files, "{again:?}");
    let full = site.path().join("full");
    gazette::build(&gazette::BuildOptions {
        no_cache: true,
        ..options(site.path(), &full)
    })
    .unwrap();
    assert!(
        read_tree(&out) == read_tree(&full),
        "differs from a full build"
    );
    assert_only_the_site(&out);
    // One published file deleted by hand while the cache says it is there: written again.
    fs::remove_file(out.join("index.html")).unwrap();
    let third = build(site.path(), &out).unwrap();
    assert!(third.written >= 1, "{third:?}");
    assert!(
        read_tree(&out) == read_tree(&full),
        "differs from a full build"
    );
}

#[test]
fn two_output_folders_keep_their_state_apart() {
    let site = multi();
    let (a, b) = (site.path().join("a"), site.path().join("b/public"));
    build(site.path(), &a).unwrap();
    build(site.path(), &b).unwrap();
    let (sa, sb) = (state_dir(site.path(), &a), state_dir(site.path(), &b));
    assert_ne!(sa, sb);
    let files_a = fs::read(sa.join("files/index")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    // Building into one leaves the other's state as it was, and each is used for its own.
    let again_b = build(site.path(), &b).unwrap();
    assert_eq!(again_b.written, 0, "{again_b:?}");
    assert_eq!(fs::read(sa.join("files/index")).unwrap(), files_a);
    let again_a = build(site.path(), &a).unwrap();
    assert_eq!(
        (again_a.written, again_a.files_parsed),
        (0, 0),
        "{again_a:?}"
    );
    assert_only_the_site(&a);
    assert_only_the_site(&b);
}

#[test]
fn a_cache_dir_elsewhere_holds_the_state_and_the_root_gets_none() {
    let site = multi();
    let elsewhere = TempDir::new("cache-dir");
    let out = site.path().join("public");
    let cache = elsewhere.path().join("state");
    let with_cache = || gazette::BuildOptions {
        cache_dir: Some(cache.clone()),
        ..options(site.path(), &out)
    };
    gazette::build(&with_cache()).unwrap();
    assert!(!site.path().join(gazette::cache::CACHE_DIR).exists());
    let state = cache.join(gazette::state::state_name(
        &site.path().canonicalize().unwrap(),
        &cache.canonicalize().unwrap(),
        &out.canonicalize().unwrap(),
    ));
    assert!(state.join("files/index").is_file());
    std::thread::sleep(std::time::Duration::from_millis(200));
    let again = gazette::build(&with_cache()).unwrap();
    assert_eq!((again.written, again.files_parsed), (0, 0), "{again:?}");
    assert_only_the_site(&out);
    // The cache folder may not be inside the output folder, nor hold it, nor lie in the
    // sources.
    for bad in [
        out.join("cache"),
        site.path().to_path_buf(),
        site.path().join("content/cache"),
    ] {
        let result = gazette::build(&gazette::BuildOptions {
            cache_dir: Some(bad.clone()),
            ..options(site.path(), &out)
        });
        assert!(
            matches!(result, Err(gazette::error::Error::Fatal(_))),
            "{} accepted",
            bad.display()
        );
    }
    assert!(!out.join("cache").exists() && !site.path().join("content/cache").exists());
    assert_only_the_site(&out);
}

#[test]
fn a_folder_holding_a_gazette_manifest_is_replaced_without_force() {
    let site = multi();
    let out = site.path().join("public");
    build(site.path(), &out).unwrap();
    // Without any build state (a copy of the site on another machine), the manifest says
    // the folder is gazette's.
    fs::remove_dir_all(site.path().join(gazette::cache::CACHE_DIR)).unwrap();
    fs::write(out.join("stray.txt"), "left by hand").unwrap();
    build(site.path(), &out).unwrap();
    assert_only_the_site(&out);
}

#[test]
fn a_folder_made_again_by_hand_is_not_taken_for_gazettes() {
    let site = multi();
    let out = site.path().join("public");
    build(site.path(), &out).unwrap();
    // The folder goes and another takes its path: the build state recorded the old one.
    fs::remove_dir_all(&out).unwrap();
    fs::create_dir(&out).unwrap();
    fs::write(out.join("mine.txt"), "mine").unwrap();
    let result = build(site.path(), &out);
    assert!(
        matches!(&result, Err(gazette::error::Error::Fatal(m)) if m.contains("not made by gazette")),
        "{:?}",
        result.map(|s| s.files)
    );
    assert_eq!(fs::read_to_string(out.join("mine.txt")).unwrap(), "mine");
}

#[test]
fn an_output_folder_of_an_earlier_version_is_cleaned_of_its_build_state() {
    let site = multi();
    let out = site.path().join("public");
    build(site.path(), &out).unwrap();
    // Earlier versions kept a marker and their caches in the output folder.
    fs::remove_dir_all(site.path().join(gazette::cache::CACHE_DIR)).unwrap();
    fs::write(
        out.join(".gazette"),
        "This folder is generated by gazette\n",
    )
    .unwrap();
    fs::create_dir_all(out.join(".gazette-cache/files")).unwrap();
    fs::write(out.join(".gazette-cache/files/index"), "old").unwrap();
    fs::remove_file(out.join("manifest.json")).unwrap();
    build(site.path(), &out).unwrap();
    assert_only_the_site(&out);
}

#[test]
fn a_file_where_the_cache_folder_goes_is_kept_and_the_build_stops() {
    let site = multi();
    let file = site.path().join(gazette::cache::CACHE_DIR);
    fs::write(&file, "someone's notes").unwrap();
    let out = site.path().join("public");
    let result = build(site.path(), &out);
    assert!(
        matches!(&result, Err(gazette::error::Error::Fatal(m)) if m.contains("is a file")),
        "{:?}",
        result.map(|s| s.files)
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), "someone's notes");
    assert!(
        !out.exists(),
        "the output folder made for the build is gone"
    );
}

/// Every entry under `dir` (not following links), with its bytes for files and its
/// modification time: what must not change in a victim folder.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>, std::time::SystemTime)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| {
            let e = e.unwrap();
            let meta = fs::symlink_metadata(e.path()).unwrap();
            let bytes = if meta.is_file() {
                fs::read(e.path()).unwrap()
            } else {
                Vec::new()
            };
            (e.path().to_path_buf(), bytes, meta.modified().unwrap())
        })
        .collect()
}

/// Asserts that a victim folder is as it was, naming what changed.
fn assert_untouched(before: &[(PathBuf, Vec<u8>, std::time::SystemTime)], dir: &Path, case: &str) {
    let after = snapshot(dir);
    let changed: Vec<&PathBuf> = before
        .iter()
        .filter(|e| !after.contains(e))
        .chain(after.iter().filter(|e| !before.contains(e)))
        .map(|(p, _, _)| p)
        .collect();
    assert!(
        changed.is_empty(),
        "{case}: the victim changed: {changed:?}"
    );
}

/// Where a link is put before a build: inside the output folder or inside the build state.
#[derive(Clone, Copy, Debug)]
enum Spot {
    Output(&'static str),
    /// The cache folder itself (`None`), or a path inside the output's state folder.
    State(Option<&'static str>),
}

/// Puts a link at `spot` to a victim folder (or file) that holds a copy of what stood there,
/// with its times, and an extra file; builds (`no_cache` or not, as a first build with
/// `--force` or as a rebuild after a document was removed); then checks that the victim is
/// exactly as it was, that the link was replaced by a real folder or file, and that the
/// output equals a fresh build.
fn link_case(spot: Spot, rebuild: bool, no_cache: bool) {
    let site = multi();
    let root = site.path();
    let out = root.join("public");
    let victims = TempDir::new("victim");
    let victim = victims.path().join("victim");
    build(root, &out).unwrap();
    let at = match spot {
        Spot::Output(rel) => out.join(rel),
        Spot::State(None) => root.join(gazette::cache::CACHE_DIR),
        Spot::State(Some("")) => state_dir(root, &out),
        Spot::State(Some(rel)) => state_dir(root, &out).join(rel),
    };
    if at.is_dir() {
        copy_with_times(&at, &victim);
        fs::write(victim.join("keep.txt"), "the victim's own file").unwrap();
        fs::remove_dir_all(&at).unwrap();
    } else {
        fs::copy(&at, &victim).unwrap();
        fs::remove_file(&at).unwrap();
    }
    std::os::unix::fs::symlink(&victim, &at).unwrap();
    let before = snapshot(victims.path());
    if rebuild {
        // Its pages are stale: removing them must not go through the link.
        fs::remove_file(root.join("content/2019/11/briefs.md")).unwrap();
    } else if let Spot::State(_) = spot {
        // A first build into a new output folder, with the link in the build state.
        fs::remove_dir_all(&out).unwrap();
    } else {
        // A first build into a folder holding only the link (no manifest, no state).
        fs::remove_dir_all(root.join(gazette::cache::CACHE_DIR)).unwrap();
        for entry in fs::read_dir(&out).unwrap() {
            let path = entry.unwrap().path();
            if path != at && !at.starts_with(&path) {
                if path.is_dir() {
                    fs::remove_dir_all(&path).unwrap();
                } else {
                    fs::remove_file(&path).unwrap();
                }
            }
        }
    }
    let first_into_foreign = !rebuild && matches!(spot, Spot::Output(_));
    if first_into_foreign {
        // Not recognisable as gazette's: refused, nothing touched.
        let refused = gazette::build(&gazette::BuildOptions {
            no_cache,
            ..options(root, &out)
        });
        assert!(refused.is_err(), "{spot:?}: a foreign folder was replaced");
        assert_untouched(&before, victims.path(), &format!("{spot:?} refused"));
    }
    let result = gazette::build(&gazette::BuildOptions {
        no_cache,
        force: first_into_foreign,
        ..options(root, &out)
    });
    let case = format!("{spot:?} rebuild={rebuild} no_cache={no_cache}");
    assert!(result.is_ok(), "{case}: {:?}", result.err());
    assert_untouched(&before, victims.path(), &case);
    let meta = fs::symlink_metadata(&at);
    assert!(
        meta.as_ref().is_ok_and(|m| !m.file_type().is_symlink()) || meta.is_err(),
        "{case}: the link is still there"
    );
    let fresh = root.join("fresh");
    let _ = fs::remove_dir_all(&fresh);
    build(root, &fresh).unwrap();
    assert!(
        read_tree(&out) == read_tree(&fresh),
        "{case}: not a fresh build"
    );
    assert_only_the_site(&out);
    // And the build after it is a plain incremental one, still leaving the victim alone.
    std::thread::sleep(std::time::Duration::from_millis(200));
    build(root, &out).unwrap();
    assert_untouched(&before, victims.path(), &format!("{case}, next build"));
    assert!(
        read_tree(&out) == read_tree(&fresh),
        "{case}: not a fresh build"
    );
}

const OUTPUT_SPOTS: [Spot; 3] = [
    Spot::Output("issues"),
    Spot::Output("documents/wzf"),
    Spot::Output("index.html"),
];

#[test]
fn no_write_follows_a_symlinked_folder_or_file_in_the_output() {
    for spot in OUTPUT_SPOTS {
        for rebuild in [false, true] {
            for no_cache in [false, true] {
                link_case(spot, rebuild, no_cache);
            }
        }
    }
}

#[test]
fn no_write_follows_a_symlinked_cache_folder() {
    for spot in [
        Spot::State(None),
        Spot::State(Some("")),
        Spot::State(Some("files")),
        Spot::State(Some("bodies")),
    ] {
        for rebuild in [false, true] {
            for no_cache in [false, true] {
                link_case(spot, rebuild, no_cache);
            }
        }
    }
}
