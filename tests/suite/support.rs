//! Helpers shared by the integration tests: fixture sites assembled in temporary folders,
//! output trees read into memory, and golden comparison with a bless switch.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Set to rewrite expected outputs from what the code now produces.
pub const BLESS_VAR: &str = "GAZETTE_BLESS";

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn blessing() -> bool {
    std::env::var_os(BLESS_VAR).is_some()
}

/// A fresh, empty temporary folder, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir =
            std::env::temp_dir().join(format!("gazette-test-{}-{label}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::create_dir_all(target.parent().unwrap()).unwrap();
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Copies `from` to `to` with the files' modification times, so that the copy looks like
/// the published files to anything that compares sizes and times.
pub fn copy_with_times(from: &Path, to: &Path) {
    copy_tree(from, to);
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let target = to.join(entry.path().strip_prefix(from).unwrap());
            let mtime = entry.metadata().unwrap().modified().unwrap();
            fs::File::options()
                .write(true)
                .open(&target)
                .unwrap()
                .set_modified(mtime)
                .unwrap();
        }
    }
}

/// Assembles a site from `fixture` (everything but `expected*`) in a temporary folder, with
/// the repository's default theme unless the fixture brings its own `themes/`.
pub fn site_from(fixture: &Path) -> TempDir {
    let tmp = TempDir::new(fixture.file_name().unwrap().to_str().unwrap());
    for entry in fs::read_dir(fixture).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("expected") {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &tmp.path().join(&*name));
        } else {
            fs::copy(entry.path(), tmp.path().join(&*name)).unwrap();
        }
    }
    if !tmp.path().join("themes").exists() {
        copy_tree(
            &repo().join("themes/default"),
            &tmp.path().join("themes/default"),
        );
    }
    tmp
}

/// Every file under `dir`, by `/`-separated relative path (an output folder holds the site
/// and nothing else: nothing is left out).
pub fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            files.insert(rel, fs::read(entry.path()).unwrap());
        }
    }
    files
}

/// The state folder of the output folder `output` of the site at `root`, in the default cache
/// folder `<root>/.gazette-cache`.
pub fn state_dir(root: &Path, output: &Path) -> PathBuf {
    let output = output.canonicalize().unwrap();
    let root = root.canonicalize().unwrap();
    let cache = root.join(gazette::cache::CACHE_DIR);
    let name = gazette::state::state_name(&root, &cache, &output);
    cache.join(name)
}

/// Compares `actual` with the tree at `expected`: missing, extra and different files all fail,
/// and every difference is listed. With `GAZETTE_BLESS` set, rewrites `expected` instead.
pub fn assert_tree(actual: &Path, expected: &Path) {
    let got = read_tree(actual);
    if blessing() {
        let _ = fs::remove_dir_all(expected);
        copy_tree(actual, expected);
        return;
    }
    let want = read_tree(expected);
    let mut report = Vec::new();
    for (path, bytes) in &want {
        match got.get(path) {
            None => report.push(format!("missing: {path}")),
            Some(b) if b != bytes => {
                report.push(format!("differs: {path}\n{}", first_difference(bytes, b)))
            }
            Some(_) => {}
        }
    }
    for path in got.keys().filter(|p| !want.contains_key(*p)) {
        report.push(format!("extra: {path}"));
    }
    assert!(
        report.is_empty(),
        "output of {} differs from {} (set {BLESS_VAR}=1 to accept):\n{}",
        actual.display(),
        expected.display(),
        report.join("\n")
    );
}

fn first_difference(want: &[u8], got: &[u8]) -> String {
    let want = String::from_utf8_lossy(want);
    let got = String::from_utf8_lossy(got);
    for (n, (w, g)) in want.lines().zip(got.lines()).enumerate() {
        if w != g {
            return format!("  line {}:\n  - {w}\n  + {g}", n + 1);
        }
    }
    format!(
        "  lengths differ: {} vs {} lines",
        want.lines().count(),
        got.lines().count()
    )
}

/// Compares `actual` text with the file at `expected` (or blesses it).
pub fn assert_text(actual: &str, expected: &Path) {
    if blessing() {
        fs::write(expected, actual).unwrap();
        return;
    }
    let want = fs::read_to_string(expected).unwrap_or_else(|_| {
        panic!(
            "missing {} (set {BLESS_VAR}=1 to create it)",
            expected.display()
        )
    });
    assert!(
        want == actual,
        "{} differs (set {BLESS_VAR}=1 to accept):\n--- expected\n{want}\n--- actual\n{actual}",
        expected.display()
    );
}

pub fn build(root: &Path, output: &Path) -> gazette::error::Result<gazette::Summary> {
    gazette::build(&gazette::BuildOptions {
        root: root.to_path_buf(),
        output: Some(output.to_path_buf()),
        base_url: None,
        force: false,
        no_search: true,
        ..Default::default()
    })
}

/// Asserts that the output folder `out` holds exactly the files its `manifest.json` lists,
/// plus the manifest: no build state, no staging, no marker, and that `gazette verify`
/// finds it intact.
pub fn assert_only_the_site(out: &Path) {
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let mut listed: Vec<String> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    listed.push("manifest.json".to_string());
    listed.sort();
    let mut present: Vec<String> = Vec::new();
    for entry in walkdir::WalkDir::new(out).min_depth(1) {
        let entry = entry.unwrap();
        if !entry.file_type().is_dir() {
            present.push(gazette::output::site_path(
                entry.path().strip_prefix(out).unwrap(),
            ));
        }
    }
    present.sort();
    assert_eq!(
        present,
        listed,
        "{} holds more or less than the site",
        out.display()
    );
    let report = gazette::verify(out).unwrap();
    assert!(report.is_intact(), "{report}");
}

/// What a run of the `gazette` binary printed.
pub struct Run {
    pub status: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the `gazette` binary with `args`.
pub fn run_gazette_with(args: &[&str]) -> Run {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_gazette"))
        .args(args)
        .output()
        .expect("the gazette binary runs");
    Run {
        status: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs the `gazette` binary with `args` followed by `path`.
pub fn run_gazette(args: &[&str], path: &Path) -> Run {
    let mut all = args.to_vec();
    all.push(path.to_str().expect("test paths are UTF-8"));
    run_gazette_with(&all)
}
