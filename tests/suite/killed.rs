//! A build killed at any moment never blocks the next: the next plain build (no `--force`)
//! completes, and what it leaves equals a fresh build. The builds are the real binary on a
//! generated archive, killed (`SIGKILL`) after delays spread over the time a whole build
//! takes on this machine, so that every phase — loading, rendering, writing in place,
//! staging, moving staged files into place, writing the caches — is hit by some kill.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use crate::support::*;

#[allow(dead_code)]
#[path = "../../examples/corpus/generate.rs"]
mod generate;

/// Where in the time of a whole build the kills fall.
const FRACTIONS: [f64; 7] = [0.0, 0.02, 0.1, 0.25, 0.5, 0.75, 0.95];

/// A generated archive of a few dozen documents (a few hundred files) at `<tmp>/site`.
fn corpus() -> (TempDir, PathBuf) {
    let tmp = TempDir::new("killed");
    let site = tmp.path().join("site");
    let pool = generate::sentence_pool(&repo().join("content/2019/12")).unwrap();
    generate::generate(&site, 60, 2019, &pool, &repo().join("themes/default")).unwrap();
    (tmp, site)
}

fn command(root: &Path, out: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gazette"));
    command
        .args(["build", "--quiet", "--no-search", "--root"])
        .arg(root)
        .arg("--output")
        .arg(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    command
}

/// Builds to the end (a plain build: no `--force`); panics if it fails. Returns its time.
fn build_fully(root: &Path, out: &Path) -> Duration {
    let started = Instant::now();
    let run = command(root, out).output().expect("gazette runs");
    assert!(
        run.status.success(),
        "the build into {} failed: {}",
        out.display(),
        String::from_utf8_lossy(&run.stderr)
    );
    started.elapsed()
}

/// Starts a build and kills it after `delay`; whether it was still running then.
fn kill_after(mut build: Child, delay: Duration) -> bool {
    std::thread::sleep(delay);
    let running = build.try_wait().expect("the build's state").is_none();
    let _ = build.kill();
    let _ = build.wait();
    running
}

/// The next plain build completes, and the folder equals `reference` and holds nothing else.
fn next_build_is_whole(root: &Path, out: &Path, reference: &Path, case: &str) {
    let run = command(root, out).output().expect("gazette runs");
    assert!(
        run.status.success(),
        "{case}: the build after the killed one failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let (got, want) = (read_tree(out), read_tree(reference));
    let differ: Vec<&String> = want
        .iter()
        .filter(|(p, b)| got.get(*p) != Some(b))
        .map(|(p, _)| p)
        .chain(got.keys().filter(|p| !want.contains_key(*p)))
        .collect();
    assert!(
        differ.is_empty(),
        "{case}: differs from a fresh build in {differ:?}"
    );
    assert_only_the_site(out);
}

fn delays(whole: Duration) -> impl Iterator<Item = (usize, Duration)> {
    FRACTIONS.iter().map(move |f| whole.mul_f64(*f)).enumerate()
}

#[test]
fn a_killed_first_build_does_not_block_the_next() {
    let (tmp, site) = corpus();
    let reference = tmp.path().join("reference");
    let whole = build_fully(&site, &reference);
    let mut interrupted = 0;
    for (i, delay) in delays(whole) {
        // A new output folder each time: each is a first build, with no state yet.
        let out = tmp.path().join(format!("out-{i}"));
        if kill_after(command(&site, &out).spawn().unwrap(), delay) {
            interrupted += 1;
        }
        next_build_is_whole(
            &site,
            &out,
            &reference,
            &format!("first build killed after {delay:?}"),
        );
    }
    eprintln!(
        "{interrupted} of {} kills fell while the build ran",
        FRACTIONS.len()
    );
    assert!(interrupted > 0, "no kill fell while a build ran");
}

/// The edits between the published site and the rebuild: the site's title (every page is
/// rendered again and replaces its published file), a body, a document removed and one added.
fn edit(site: &Path) -> Vec<(PathBuf, Option<Vec<u8>>)> {
    let issue = site.join("content/1970/01");
    let mut saved = Vec::new();
    let mut change = |path: PathBuf, to: Option<String>| {
        saved.push((path.clone(), fs::read(&path).ok()));
        match to {
            Some(text) => fs::write(&path, text).unwrap(),
            None => fs::remove_file(&path).unwrap(),
        }
    };
    let yaml = fs::read_to_string(site.join("gazette.yaml")).unwrap();
    change(
        site.join("gazette.yaml"),
        Some(yaml.replacen("（基准测试）", "（修订）", 1)),
    );
    let body = fs::read_to_string(issue.join("doc-1.md")).unwrap();
    change(
        issue.join("doc-1.md"),
        Some(format!("{body}\n补充一句。\n")),
    );
    change(issue.join("brief-32.md"), None);
    change(
        issue.join("brief-99.md"),
        Some("---\ntitle: 新增简讯\nsection: 政务简讯\n---\n\n正文。\n".to_string()),
    );
    saved
}

fn restore(saved: &[(PathBuf, Option<Vec<u8>>)]) {
    for (path, bytes) in saved {
        match bytes {
            Some(bytes) => fs::write(path, bytes).unwrap(),
            None => fs::remove_file(path).unwrap(),
        }
    }
}

#[test]
fn a_killed_rebuild_does_not_block_the_next() {
    let (tmp, site) = corpus();
    // The fresh build of the edited archive, and how long a rebuild takes.
    let scratch = tmp.path().join("scratch");
    build_fully(&site, &scratch);
    let saved = edit(&site);
    let whole = build_fully(&site, &scratch);
    let reference = tmp.path().join("reference");
    build_fully(&site, &reference);
    restore(&saved);
    let mut interrupted = 0;
    for (i, delay) in delays(whole) {
        let out = tmp.path().join(format!("out-{i}"));
        build_fully(&site, &out);
        let saved = edit(&site);
        // Half the rebuilds with the caches, half without (every page compared and staged).
        let mut rebuild = command(&site, &out);
        if i % 2 == 1 {
            rebuild.arg("--no-cache");
        }
        if kill_after(rebuild.spawn().unwrap(), delay) {
            interrupted += 1;
        }
        next_build_is_whole(
            &site,
            &out,
            &reference,
            &format!("rebuild killed after {delay:?}"),
        );
        restore(&saved);
    }
    eprintln!(
        "{interrupted} of {} kills fell while the build ran",
        FRACTIONS.len()
    );
    assert!(interrupted > 0, "no kill fell while a build ran");
}
