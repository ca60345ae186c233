//! Files and folders inside a folder gazette owns — the output folder, the staging folder,
//! the build state — reached without ever following a symbolic link.
//!
//! The folder itself is taken as given (the user named it, and it is resolved like any
//! path), but nothing below it is: a link found where a folder or file should be is never
//! the way to its target. Reading or looking at a path with a link on the way finds nothing
//! there; writing removes the link itself and puts a real folder or file in its place; a
//! removal removes the link, never what it points to. Files are created with `O_EXCL` (which
//! never follows a link) and opened for reading with `O_NOFOLLOW`; a file that replaces
//! another is written under a fresh name and renamed over it, which replaces a link itself.
//!
//! Checking every folder of every path would cost a system call per folder per file, so the
//! folders found to be real are remembered for the life of the [`Tree`] (one build): a file
//! whose folder is known real costs one look-up. This guards against links put in the folder
//! before or between builds; a process racing the build inside the folder is not in scope.
//!
//! The rules for relative paths inside such a folder live here too: how a path is written
//! ([`site_path`]), which paths stay inside ([`is_contained`]), and the names gazette keeps
//! for itself ([`STAGING_DIR`], [`CACHE_DIR`]).

use rustc_hash::FxHashSet;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::RwLock;

/// Where pages are staged, inside the output folder; removed before every build returns.
pub const STAGING_DIR: &str = ".gazette-staging";

/// The default cache folder, at the site root (see [`crate::state`]).
pub const CACHE_DIR: &str = ".gazette-cache";

/// A relative path as a site path: `/`-separated, whatever the platform.
pub fn site_path(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether a `/`-separated relative path stays inside the folder it is joined to.
pub fn is_contained(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.starts_with('/')
        && !rel.contains('\\')
        && !rel.chars().any(char::is_control)
        && rel
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
        && !rel.starts_with(STAGING_DIR)
        && !is_cache(rel)
}

/// Whether a site path is the build cache or inside it (never part of the site).
pub fn is_cache(rel: &str) -> bool {
    rel.split('/').next() == Some(CACHE_DIR)
}

/// A folder whose contents are reached without following symbolic links.
#[derive(Debug)]
pub struct Tree {
    root: PathBuf,
    /// Folders (relative to `root`) found to be real folders, with every folder above them.
    real: RwLock<FxHashSet<PathBuf>>,
}

/// The error for a path that has a link or a file where a folder should be.
fn not_a_folder(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::NotFound,
        format!(
            "{} is not a folder (a symbolic link or a file stands on the way)",
            path.display()
        ),
    )
}

/// Whether `rel` is a plain relative path: no root, no `..`, no `.`.
fn is_plain(rel: &Path) -> bool {
    rel.components().all(|c| matches!(c, Component::Normal(_)))
}

fn not_plain(rel: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("refusing a path that leaves its folder: {}", rel.display()),
    )
}

impl Tree {
    /// The tree below `root` (which is used as it is).
    pub fn new(root: impl Into<PathBuf>) -> Tree {
        Tree {
            root: root.into(),
            real: RwLock::new(FxHashSet::default()),
        }
    }

    /// The folder itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `rel` joined to the folder (for messages and for handing to code that only reads).
    pub fn path(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.root.join(rel)
    }

    fn known_real(&self, rel: &Path) -> bool {
        rel.as_os_str().is_empty() || self.real.read().expect("real folders").contains(rel)
    }

    fn note_real(&self, rel: &Path) {
        self.real
            .write()
            .expect("real folders")
            .insert(rel.to_path_buf());
    }

    /// Forgets that `rel` and the folders below it were real (they were removed).
    fn forget(&self, rel: &Path) {
        self.real
            .write()
            .expect("real folders")
            .retain(|p| !p.starts_with(rel));
    }

    /// Whether `rel` is a real folder, and every folder above it too.
    pub fn is_real_dir(&self, rel: &Path) -> bool {
        if self.known_real(rel) {
            return true;
        }
        if !is_plain(rel) || !self.is_real_dir(rel.parent().unwrap_or(Path::new(""))) {
            return false;
        }
        match fs::symlink_metadata(self.root.join(rel)) {
            Ok(meta) if meta.is_dir() => {
                self.note_real(rel);
                true
            }
            _ => false,
        }
    }

    /// The metadata of what stands at `rel`, not following a link there or on the way: a
    /// path with a link or a file where a folder should be has nothing at it (`NotFound`).
    pub fn meta(&self, rel: impl AsRef<Path>) -> io::Result<fs::Metadata> {
        let rel = rel.as_ref();
        if !is_plain(rel) {
            return Err(not_plain(rel));
        }
        match rel.parent() {
            Some(parent) if !self.is_real_dir(parent) => Err(not_a_folder(parent)),
            _ => fs::symlink_metadata(self.root.join(rel)),
        }
    }

    /// Opens the regular file at `rel` for reading, never through a link.
    pub fn open(&self, rel: impl AsRef<Path>) -> io::Result<fs::File> {
        let rel = rel.as_ref();
        let meta = self.meta(rel)?;
        if !meta.is_file() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("{} is not a regular file", rel.display()),
            ));
        }
        let mut options = fs::OpenOptions::new();
        options.read(true);
        no_follow(&mut options);
        options.open(self.root.join(rel))
    }

    /// The bytes of the regular file at `rel`, never read through a link.
    pub fn read(&self, rel: impl AsRef<Path>) -> io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        io::Read::read_to_end(&mut self.open(rel)?, &mut bytes)?;
        Ok(bytes)
    }

    /// Makes `rel` a real folder, with every folder above it, one at a time. With `replace`,
    /// a link (the link itself, never its target) or a file standing on the way is removed
    /// and a folder made in its place; without, the answer is `false` and nothing is changed.
    pub fn make_dirs(&self, rel: impl AsRef<Path>, replace: bool) -> io::Result<bool> {
        let rel = rel.as_ref();
        if !is_plain(rel) {
            return Err(not_plain(rel));
        }
        if self.known_real(rel) {
            return Ok(true);
        }
        let mut at = PathBuf::new();
        for part in rel.components() {
            at.push(part);
            if self.known_real(&at) {
                continue;
            }
            let path = self.root.join(&at);
            match fs::symlink_metadata(&path) {
                Ok(meta) if meta.is_dir() => {}
                Ok(_) if !replace => return Ok(false),
                Ok(_) => {
                    // A link or a file: the entry itself goes, whatever it points to.
                    fs::remove_file(&path)?;
                    make_dir(&path)?;
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => make_dir(&path)?,
                Err(e) => return Err(e),
            }
            self.note_real(&at);
        }
        Ok(true)
    }

    /// Makes the folder `rel` is in (see [`Tree::make_dirs`]).
    pub fn make_parent(&self, rel: impl AsRef<Path>, replace: bool) -> io::Result<bool> {
        match rel.as_ref().parent() {
            Some(parent) => self.make_dirs(parent, replace),
            None => Ok(true),
        }
    }

    /// Creates the new file `rel`, whose folder must be real; fails if anything, a link
    /// included, stands at its path.
    pub fn create_new(&self, rel: impl AsRef<Path>) -> io::Result<fs::File> {
        let rel = rel.as_ref();
        if let Some(parent) = rel.parent()
            && !self.is_real_dir(parent)
        {
            return Err(not_a_folder(parent));
        }
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        no_follow(&mut options);
        options.open(self.root.join(rel))
    }

    /// A name beside `rel` for writing a file that replaces it.
    fn temp_for(rel: &Path) -> PathBuf {
        use std::sync::atomic::{AtomicU64, Ordering};
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let mut name = rel.file_name().unwrap_or_default().to_os_string();
        name.push(format!(
            ".tmp{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        rel.with_file_name(name)
    }

    /// Writes the file `rel` with what `write` puts in it, replacing whatever stands there
    /// (a link itself, not its target; a folder with its contents) only once it is complete:
    /// a reader finds the old file or the new one. Makes its folders, replacing links.
    pub fn write_file(
        &self,
        rel: impl AsRef<Path>,
        write: impl FnOnce(&mut fs::File) -> io::Result<()>,
    ) -> io::Result<()> {
        let rel = rel.as_ref();
        self.make_parent(rel, true)?;
        let tmp = Self::temp_for(rel);
        let result = self.create_new(&tmp).and_then(|mut file| {
            write(&mut file)?;
            self.rename_in(&self.root.join(&tmp), rel)
        });
        if result.is_err() {
            let _ = self.remove_file(&tmp);
        }
        result
    }

    /// Moves the file at `from` (a path gazette made, in a folder it owns on the same file
    /// system) to `rel`, whose folder must be real; a folder standing at `rel` is removed
    /// first, a link or file is replaced by the rename itself.
    pub fn rename_in(&self, from: &Path, rel: impl AsRef<Path>) -> io::Result<()> {
        let rel = rel.as_ref();
        if let Ok(meta) = self.meta(rel)
            && meta.is_dir()
        {
            self.remove_all(rel)?;
        }
        match rel.parent() {
            Some(parent) if !self.is_real_dir(parent) => Err(not_a_folder(parent)),
            _ => fs::rename(from, self.root.join(rel)),
        }
    }

    /// Removes the file or link at `rel` (never what a link points to); nothing happens when
    /// a link or file stands where a folder of the path should be.
    pub fn remove_file(&self, rel: impl AsRef<Path>) -> io::Result<()> {
        let rel = rel.as_ref();
        match self.meta(rel) {
            Ok(meta) if !meta.is_dir() => fs::remove_file(self.root.join(rel)),
            Ok(_) => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} is a folder", rel.display()),
            )),
            Err(e) => Err(e),
        }
    }

    /// Removes whatever stands at `rel`: a folder with all it holds (links inside are
    /// removed, not followed), a file or a link. Nothing there is no error.
    pub fn remove_all(&self, rel: impl AsRef<Path>) -> io::Result<()> {
        let rel = rel.as_ref();
        let result = match self.meta(rel) {
            Ok(meta) if meta.is_dir() => {
                self.forget(rel);
                // std's remove_dir_all does not follow links, at the top or inside.
                fs::remove_dir_all(self.root.join(rel))
            }
            Ok(_) => fs::remove_file(self.root.join(rel)),
            Err(e) => Err(e),
        };
        match result {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }

    /// The entries of the real folder `rel`.
    pub fn read_dir(&self, rel: impl AsRef<Path>) -> io::Result<fs::ReadDir> {
        let rel = rel.as_ref();
        if !self.is_real_dir(rel) {
            return Err(not_a_folder(rel));
        }
        fs::read_dir(self.root.join(rel))
    }

    /// Removes the folders that hold `rel`, from the innermost up, while they are empty real
    /// folders (the tree's own folder stays).
    pub fn remove_empty_parents(&self, rel: impl AsRef<Path>) {
        let mut dir = rel.as_ref().parent();
        while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
            if !self.is_real_dir(d) || fs::remove_dir(self.root.join(d)).is_err() {
                break;
            }
            self.forget(d);
            dir = d.parent();
        }
    }
}

/// Makes one folder; one made at the same moment by another thread is as good.
fn make_dir(path: &Path) -> io::Result<()> {
    match fs::create_dir(path) {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            if fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
                Ok(())
            } else {
                Err(e)
            }
        }
        other => other,
    }
}

/// Opening never follows a link at the last part of the path (`O_NOFOLLOW`).
#[cfg(unix)]
fn no_follow(options: &mut fs::OpenOptions) {
    use std::os::unix::fs::OpenOptionsExt;
    options.custom_flags(libc::O_NOFOLLOW);
}

#[cfg(not(unix))]
fn no_follow(_options: &mut fs::OpenOptions) {}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    struct Scratch(PathBuf);
    impl Scratch {
        fn new(label: &str) -> Scratch {
            let dir =
                std::env::temp_dir().join(format!("gazette-tree-{}-{label}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(dir.join("tree")).unwrap();
            fs::create_dir_all(dir.join("victim")).unwrap();
            fs::write(dir.join("victim/keep.txt"), "victim").unwrap();
            Scratch(dir)
        }
        fn victim(&self) -> Vec<(PathBuf, Vec<u8>)> {
            let mut out: Vec<_> = walkdir::WalkDir::new(self.0.join("victim"))
                .into_iter()
                .map(|e| {
                    let e = e.unwrap();
                    let bytes = fs::read(e.path()).unwrap_or_default();
                    (e.path().to_path_buf(), bytes)
                })
                .collect();
            out.sort();
            out
        }
    }
    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn a_linked_folder_is_replaced_not_written_through() {
        let s = Scratch::new("folder");
        let before = s.victim();
        symlink(s.0.join("victim"), s.0.join("tree/a")).unwrap();
        let tree = Tree::new(s.0.join("tree"));
        assert!(tree.meta("a/keep.txt").is_err(), "looked through the link");
        assert!(tree.read("a/keep.txt").is_err(), "read through the link");
        assert!(tree.create_new("a/new.txt").is_err());
        assert!(tree.remove_file("a/keep.txt").is_err());
        assert!(!tree.make_dirs("a/b", false).unwrap());
        assert_eq!(s.victim(), before);
        assert!(tree.make_dirs("a/b", true).unwrap());
        tree.write_file("a/b/c.txt", |f| io::Write::write_all(f, b"mine"))
            .unwrap();
        assert!(fs::symlink_metadata(s.0.join("tree/a")).unwrap().is_dir());
        assert_eq!(fs::read(s.0.join("tree/a/b/c.txt")).unwrap(), b"mine");
        assert_eq!(s.victim(), before);
    }

    #[test]
    fn a_linked_file_is_replaced_and_its_target_kept() {
        let s = Scratch::new("file");
        let before = s.victim();
        symlink(s.0.join("victim/keep.txt"), s.0.join("tree/index.html")).unwrap();
        let tree = Tree::new(s.0.join("tree"));
        assert!(tree.read("index.html").is_err());
        assert!(tree.create_new("index.html").is_err());
        tree.write_file("index.html", |f| io::Write::write_all(f, b"page"))
            .unwrap();
        assert_eq!(fs::read(s.0.join("tree/index.html")).unwrap(), b"page");
        symlink(s.0.join("victim"), s.0.join("tree/gone")).unwrap();
        tree.remove_all("gone").unwrap();
        assert!(fs::symlink_metadata(s.0.join("tree/gone")).is_err());
        assert_eq!(s.victim(), before);
    }

    #[test]
    fn paths_that_leave_the_tree_are_refused() {
        let s = Scratch::new("plain");
        let tree = Tree::new(s.0.join("tree"));
        for bad in ["../victim/keep.txt", "/etc/passwd", "./x"] {
            assert!(tree.meta(bad).is_err(), "{bad}");
            assert!(tree.make_dirs(bad, true).is_err(), "{bad}");
        }
    }

    #[test]
    fn containment() {
        assert!(is_contained("documents/wzf/2019/16/index.html"));
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "a\\b",
            "./a",
            ".gazette-staging/x",
            ".gazette-cache/pages",
        ] {
            assert!(!is_contained(bad), "{bad}");
        }
    }
}
