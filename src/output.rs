//! Writing the site safely.
//!
//! A build never touches the published folder until it has fully succeeded. Pages are
//! rendered into a staging folder inside the output folder (`.gazette-staging/`), except
//! those whose bytes equal the file already published, which are only noted. When every page
//! is rendered without error, the staged files are renamed into place one by one and files
//! that no longer belong are removed; unchanged files keep their modification times, so
//! mirrors that sync by time or checksum move only what changed. The staging folder is
//! removed before the build returns, whether it succeeded or failed (and by the next build
//! if it was killed): after a successful build the folder holds the site and nothing else.
//! A failed build leaves the previous site as it was. Nothing is ever written or deleted
//! outside the output folder: every path inside it is reached through [`Tree`], which never
//! follows a symbolic link, and the output folder must not hold the sources nor the build
//! state ([`crate::state`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::cache::FileDigest;
use crate::error::{Error, Result};
use crate::tree::Tree;

pub use crate::tree::{STAGING_DIR, is_cache, is_contained, site_path};

/// What happened to one output file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Written {
    /// Its bytes equal the published file; it stays as it is.
    Unchanged,
    /// It is changed and waits in the staging folder.
    Staged,
    /// It is new: nothing stood at its path, so it was written in place (and is removed
    /// again if the build fails).
    Created,
}

/// Where rendered files go: the output folder, or nowhere when only checking.
pub trait Sink: Sync {
    /// Takes the file at site path `rel` (`/`-separated, no `..`).
    fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<Put>;

    /// Takes a large file that `write` streams out, so that it is never whole in memory.
    fn put_streamed(&self, rel: &str, write: &mut StreamFn<'_>) -> io::Result<Put>;

    /// Notes that the published file at `rel` is reused as it is, last modified at `mtime`
    /// (nanoseconds since 1970), as the file cache found it.
    fn reuse(&self, _rel: &str, _mtime: u128) {}
}

/// Writes a streamed file's bytes.
pub type StreamFn<'a> = dyn FnMut(&mut dyn io::Write) -> io::Result<()> + 'a;

/// A writer that hashes and counts what goes through it.
struct Hashing<W> {
    inner: W,
    hasher: sha2::Sha256,
    size: u64,
}

impl<W: io::Write> io::Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        use sha2::Digest;
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<W> Hashing<W> {
    fn new(inner: W) -> Self {
        use sha2::Digest;
        Hashing {
            inner,
            hasher: sha2::Sha256::new(),
            size: 0,
        }
    }
    fn digest(self) -> FileDigest {
        use sha2::Digest;
        let mut hex = String::with_capacity(64);
        for b in self.hasher.finalize().iter() {
            let _ = write!(hex, "{b:02x}");
        }
        FileDigest {
            size: self.size,
            sha256: hex,
        }
    }
}

/// Whether two open files hold the same bytes, read in chunks.
fn same_contents(a: fs::File, b: fs::File) -> io::Result<bool> {
    use io::Read;
    if a.metadata()?.len() != b.metadata()?.len() {
        return Ok(false);
    }
    let (mut fa, mut fb) = (io::BufReader::new(a), io::BufReader::new(b));
    let (mut ba, mut bb) = (vec![0u8; 1 << 16], vec![0u8; 1 << 16]);
    loop {
        let n = fa.read(&mut ba)?;
        if n == 0 {
            return Ok(true);
        }
        fb.read_exact(&mut bb[..n])?;
        if ba[..n] != bb[..n] {
            return Ok(false);
        }
    }
}

/// A sink that keeps nothing, for `gazette check`.
pub struct Discard;

impl Sink for Discard {
    fn put(&self, _rel: &str, bytes: &[u8]) -> io::Result<Put> {
        Ok(Put {
            written: Written::Staged,
            digest: FileDigest {
                size: bytes.len() as u64,
                sha256: String::new(),
            },
        })
    }

    fn put_streamed(&self, _rel: &str, write: &mut StreamFn<'_>) -> io::Result<Put> {
        let mut sink = Hashing::new(io::sink());
        write(&mut sink)?;
        Ok(Put {
            written: Written::Staged,
            digest: sink.digest(),
        })
    }
}

impl Sink for Output {
    fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<Put> {
        Output::put(self, rel, bytes)
    }

    fn reuse(&self, rel: &str, mtime: u128) {
        self.note_mtime(rel, mtime);
    }

    fn put_streamed(&self, rel: &str, write: &mut StreamFn<'_>) -> io::Result<Put> {
        if !is_contained(rel) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("refusing to write outside the output folder: {rel}"),
            ));
        }
        // Written to the staging folder first, then compared with the published file.
        let file = self.staged_file(rel)?;
        let mut out = Hashing::new(io::BufWriter::new(file));
        write(&mut out)?;
        io::Write::flush(&mut out)?;
        let digest = out.digest();
        if self.recorded(rel, &digest) {
            self.staging.remove_file(rel)?;
            return Ok(Put {
                written: Written::Unchanged,
                digest,
            });
        }
        let written = match self.tree.meta(rel) {
            Ok(meta)
                if meta.is_file()
                    && same_contents(self.staging.open(rel)?, self.tree.open(rel)?)? =>
            {
                self.staging.remove_file(rel)?;
                Written::Unchanged
            }
            Err(e)
                if e.kind() == io::ErrorKind::NotFound && self.tree.make_parent(rel, false)? =>
            {
                self.tree.rename_in(&self.staging.path(rel), rel)?;
                self.created
                    .lock()
                    .expect("created list")
                    .push(rel.to_string());
                Written::Created
            }
            _ => Written::Staged,
        };
        Ok(Put { written, digest })
    }
}

/// What [`Output::put`] did with one file, and the file's digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Put {
    /// Whether it was staged or left as published.
    pub written: Written,
    /// Its size and hash.
    pub digest: FileDigest,
}

/// The output folder of one build.
#[derive(Debug)]
pub struct Output {
    /// The output folder (links inside it are never followed).
    tree: Arc<Tree>,
    /// The staging folder, inside it.
    staging: Tree,
    created_dir: bool,
    /// Whether the folder held no site when the build began (nothing to protect or clean).
    was_empty: bool,
    /// Files (site paths) written in place because nothing stood at their path.
    created: std::sync::Mutex<Vec<String>>,
    /// The files of the last build, when its cache could be read.
    file_cache: Option<Arc<crate::cache::FileCache>>,
    /// Files whose modification time this build knows, by site path: found unchanged
    /// through `file_cache`, or written by it (so the file cache needs no second look).
    confirmed: std::sync::Mutex<rustc_hash::FxHashMap<String, u128>>,
}

/// Counts of what a build did to the output folder.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// Files written (new or changed).
    pub written: usize,
    /// Files removed because they no longer belong to the site.
    pub removed: usize,
}

/// `path` made absolute, `.` and `..` resolved lexically, and symbolic links resolved in the
/// part of it that exists.
pub(crate) fn absolute(path: &Path) -> Result<PathBuf> {
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| Error::Fatal(format!("cannot read the current folder: {e}")))?
            .join(path)
    };
    let mut clean = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            other => clean.push(other),
        }
    }
    let mut existing = clean.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match existing.file_name() {
            Some(name) => rest.push(name.to_os_string()),
            None => break,
        }
        existing.pop();
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    Ok(resolved)
}

/// The folders a build writes to, resolved and checked.
#[derive(Clone, Debug)]
pub struct Places {
    /// The site root.
    pub root: PathBuf,
    /// The output folder.
    pub output: PathBuf,
    /// The cache folder given with `--cache-dir`, if any.
    pub cache_dir: Option<PathBuf>,
}

/// Resolves the output folder `dir` and the cache folder `cache_dir` of the site at `root`,
/// and checks that neither holds the sources nor lies inside them, and that neither holds
/// the other.
pub fn places(root: &Path, dir: &Path, cache_dir: Option<&Path>) -> Result<Places> {
    let root = absolute(root)?;
    let dir = absolute(dir)?;
    let cache_dir = cache_dir.map(absolute).transpose()?;
    let cache = cache_dir
        .clone()
        .unwrap_or_else(|| root.join(crate::cache::CACHE_DIR));
    for (what, path, flag) in [
        ("output", &dir, "--output"),
        ("cache", &cache, "--cache-dir"),
    ] {
        if root.starts_with(path) {
            return Err(Error::Fatal(format!(
                "refusing to use {} as the {what} folder: it is or contains the site root {}",
                path.display(),
                root.display()
            )));
        }
        for source in ["content", "themes", "templates", "static"] {
            if path.starts_with(root.join(source)) {
                return Err(Error::Fatal(format!(
                    "refusing to use {} as the {what} folder: it is inside the site's {source}/ folder; choose another {flag}",
                    path.display()
                )));
            }
        }
    }
    if cache.starts_with(&dir) || dir.starts_with(&cache) {
        return Err(Error::Fatal(format!(
            "refusing to keep the build state in {}: the cache folder and the output folder {} \
             must not hold one another (the output folder is the site and nothing else)",
            cache.display(),
            dir.display()
        )));
    }
    Ok(Places {
        root,
        output: dir,
        cache_dir,
    })
}

/// A legacy marker: earlier versions of gazette wrote it into every output folder.
const LEGACY_MARKER: &str = ".gazette";

/// Whether the folder `tree` holds a `manifest.json` that names gazette as its generator.
fn has_gazette_manifest(tree: &Tree) -> bool {
    use io::Read as _;
    let Ok(file) = tree.open(crate::urls::MANIFEST_FILE) else {
        return false;
    };
    let mut head = Vec::with_capacity(4096);
    if file.take(4096).read_to_end(&mut head).is_err() {
        return false;
    }
    let head = String::from_utf8_lossy(&head);
    let Some(at) = head.find("\"generator\"") else {
        return false;
    };
    let rest = head[at + "\"generator\"".len()..].trim_start();
    rest.strip_prefix(':')
        .is_some_and(|r| r.trim_start().starts_with("\"gazette "))
}

impl Output {
    /// Checks that the resolved `dir` may be used as the output folder, records in `state`
    /// that gazette builds there, and prepares an empty staging folder in it. A folder is
    /// gazette's when it is empty, holds a `manifest.json` naming gazette as generator, holds
    /// a staging folder left by a build that was stopped, or is the very folder the build
    /// state records; `force` allows replacing any other.
    pub fn prepare(dir: &Path, force: bool, state: &mut crate::state::State) -> Result<Output> {
        let tree = Tree::new(dir);
        let mut created_dir = false;
        let mut was_empty = true;
        match fs::symlink_metadata(dir) {
            Ok(meta) if !meta.is_dir() => {
                return Err(Error::Fatal(format!(
                    "the output path {} exists and is not a folder",
                    dir.display()
                )));
            }
            Ok(meta) => {
                let names: Vec<std::ffi::OsString> = fs::read_dir(dir)
                    .map_err(|e| Error::io("read", dir, e))?
                    .map(|e| e.map(|e| e.file_name()))
                    .collect::<io::Result<_>>()
                    .map_err(|e| Error::io("read", dir, e))?;
                // A folder holding at most a stopped build's staging has no site to protect.
                was_empty = names.iter().all(|n| n == STAGING_DIR);
                let ours = was_empty
                    || names.iter().any(|n| n == STAGING_DIR)
                    || state.claims(&meta)
                    || has_gazette_manifest(&tree)
                    || tree.meta(LEGACY_MARKER).is_ok_and(|m| m.is_file());
                if !ours && !force {
                    return Err(Error::Fatal(format!(
                        "refusing to replace {}: it is not empty and was not made by gazette (no manifest.json \
                         naming gazette, and the build state in {} does not record it); choose another --output, \
                         empty it, or pass --force to replace its contents",
                        dir.display(),
                        state.cache_dir().display()
                    )));
                }
            }
            Err(_) => {
                fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
                created_dir = true;
            }
        }
        // Recorded before anything is written into the folder, so that a build stopped at
        // any moment leaves a folder the next build knows as its own.
        let claimed = fs::metadata(dir)
            .map_err(|e| Error::io("read", dir, e))
            .and_then(|meta| state.claim(&meta));
        if let Err(e) = claimed {
            if created_dir {
                let _ = fs::remove_dir(dir);
            }
            return Err(e);
        }
        let staging_path = dir.join(STAGING_DIR);
        tree.remove_all(STAGING_DIR)
            .map_err(|e| Error::io("clear", &staging_path, e))?;
        tree.make_dirs(STAGING_DIR, true)
            .map_err(|e| Error::io("create", &staging_path, e))?;
        Ok(Output {
            tree: Arc::new(tree),
            staging: Tree::new(staging_path),
            created_dir,
            was_empty,
            created: std::sync::Mutex::new(Vec::new()),
            file_cache: None,
            confirmed: std::sync::Mutex::new(rustc_hash::FxHashMap::default()),
        })
    }

    /// Takes what the last build published from its file cache: a file whose new bytes have
    /// the recorded digest, and whose published copy is as it was recorded, is then known to
    /// be unchanged without being read, and files of the last build that this one does not
    /// make are found without walking the folder.
    pub fn use_file_cache(&mut self, file_cache: Arc<crate::cache::FileCache>) {
        self.file_cache = Some(file_cache);
    }

    /// The files this build found unchanged through the file cache, with their
    /// modification times.
    pub fn take_confirmed(&self) -> rustc_hash::FxHashMap<String, u128> {
        std::mem::take(&mut *self.confirmed.lock().expect("confirmed"))
    }

    /// Whether the file cache shows the published file at `rel` holds `digest`'s bytes.
    fn recorded(&self, rel: &str, digest: &FileDigest) -> bool {
        let Some(file_cache) = &self.file_cache else {
            return false;
        };
        match file_cache.unchanged(&self.tree, rel, digest) {
            Some(mtime) => {
                self.note_mtime(rel, mtime);
                true
            }
            None => false,
        }
    }

    /// The output folder.
    pub fn dir(&self) -> &Path {
        self.tree.root()
    }

    /// The output folder as a tree, for looking at published files without following links.
    pub fn tree(&self) -> Arc<Tree> {
        Arc::clone(&self.tree)
    }

    /// Stages `bytes` as the file at site path `rel` (`/`-separated, no `..`), unless the
    /// published file already holds exactly these bytes. The digest is computed here, from
    /// the bytes in hand, so the manifest never needs a second read of the tree.
    pub fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<Put> {
        let digest = FileDigest::of(bytes);
        let written = if is_contained(rel) && self.recorded(rel, &digest) {
            Written::Unchanged
        } else {
            self.stage(rel, bytes)?
        };
        Ok(Put { written, digest })
    }

    /// A new file at `rel` in the staging folder.
    fn staged_file(&self, rel: &str) -> io::Result<fs::File> {
        self.staging.make_parent(rel, true)?;
        self.staging.remove_all(rel)?;
        self.staging.create_new(rel)
    }

    fn stage(&self, rel: &str, bytes: &[u8]) -> io::Result<Written> {
        debug_assert!(is_contained(rel), "{rel}");
        if !is_contained(rel) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("refusing to write outside the output folder: {rel}"),
            ));
        }
        // Into a new site, every file is new: no need to look first.
        if self.was_empty
            && let Some(done) = self.create_in_place(rel, bytes)?
        {
            return Ok(done);
        }
        match self.tree.meta(rel) {
            Ok(meta)
                if meta.is_file()
                    && meta.len() == bytes.len() as u64
                    && self.tree.read(rel)? == bytes =>
            {
                return Ok(Written::Unchanged);
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                // Nothing to protect at this path: write in place, and remember it so a
                // failed build can take it away again.
                if let Some(done) = self.create_in_place(rel, bytes)? {
                    return Ok(done);
                }
            }
            _ => {}
        }
        let mut file = self.staged_file(rel)?;
        io::Write::write_all(&mut file, bytes)?;
        self.written(rel, &file);
        Ok(Written::Staged)
    }

    /// Notes the modification time of the file just written for `rel` (moving a staged file
    /// into place keeps it).
    fn written(&self, rel: &str, file: &fs::File) {
        if let Some(mtime) = file.metadata().ok().and_then(|m| crate::cache::mtime(&m)) {
            self.note_mtime(rel, mtime);
        }
    }

    /// Notes that the file at `rel` is, as published, last modified at `mtime`.
    fn note_mtime(&self, rel: &str, mtime: u128) {
        self.confirmed
            .lock()
            .expect("confirmed")
            .insert(rel.to_string(), mtime);
    }

    /// Writes a new file at `rel`; `None` when its folder cannot be made in place (a file of
    /// the old site, or a symbolic link, stands where a folder must go), so the caller
    /// stages it instead and the build replaces what stands there only once it succeeded.
    fn create_in_place(&self, rel: &str, bytes: &[u8]) -> io::Result<Option<Written>> {
        if !self.tree.make_parent(rel, false).unwrap_or(false) {
            return Ok(None);
        }
        let mut file = match self.tree.create_new(rel) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(None),
            Err(e) => return Err(e),
        };
        self.created
            .lock()
            .expect("created list")
            .push(rel.to_string());
        io::Write::write_all(&mut file, bytes)?;
        self.written(rel, &file);
        Ok(Some(Written::Created))
    }

    /// Publishes a successful build: moves staged files into place and removes every file
    /// that is not in `site_files` (the files of this build, by site path). The staging folder goes
    /// too: what is left is the site and nothing else.
    pub fn apply<V>(self, site_files: &BTreeMap<String, V>) -> Result<Applied> {
        let result = self.publish(site_files);
        if result.is_err() {
            // The site is part old, part new: the next build compares every file again
            // (this one wrote no file cache), and the staging folder goes all the same.
            let _ = self.tree.remove_all(STAGING_DIR);
        }
        result
    }

    fn publish<V>(&self, site_files: &BTreeMap<String, V>) -> Result<Applied> {
        let mut applied = Applied::default();
        let staging = self.staging.root().to_path_buf();
        // Move staged files into place; a link or a file of the old site standing where a
        // folder must go is replaced by the folder (the link itself, never its target).
        for entry in walkdir::WalkDir::new(&staging).sort_by_file_name() {
            let entry =
                entry.map_err(|e| Error::Fatal(format!("cannot read the staging folder: {e}")))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(&staging).expect("inside staging");
            let target = self.tree.path(rel);
            self.tree
                .make_parent(rel, true)
                .map_err(|e| Error::io("create", target.parent().unwrap_or(&target), e))?;
            self.tree
                .rename_in(entry.path(), rel)
                .map_err(|e| Error::io("publish", &target, e))?;
            applied.written += 1;
        }
        self.tree
            .remove_all(STAGING_DIR)
            .map_err(|e| Error::io("remove", &staging, e))?;
        applied.written += self.created.lock().expect("created list").len();
        if self.was_empty {
            // A new site: everything in the folder was written by this build.
            return Ok(applied);
        }
        if let Some(file_cache) = &self.file_cache {
            applied.removed = self.remove_stale(file_cache, site_files)?;
            return Ok(applied);
        }
        // Remove what no longer belongs, deepest first. The walk does not follow links: a
        // link is removed as an entry of its own.
        let mut dirs = Vec::new();
        let dir = self.tree.root();
        for entry in walkdir::WalkDir::new(dir)
            .min_depth(1)
            .contents_first(true)
            .sort_by_file_name()
        {
            let entry =
                entry.map_err(|e| Error::Fatal(format!("cannot read the output folder: {e}")))?;
            let rel = site_path(entry.path().strip_prefix(dir).expect("inside output"));
            if entry.file_type().is_dir() {
                dirs.push(entry.into_path());
                continue;
            }
            if site_files.contains_key(&rel) {
                continue;
            }
            fs::remove_file(entry.path()).map_err(|e| Error::io("remove", entry.path(), e))?;
            applied.removed += 1;
        }
        for dir in dirs {
            // Only empty folders go; a folder still holding files is kept.
            let _ = fs::remove_dir(&dir);
        }
        Ok(applied)
    }

    /// Removes the files the last build published (by its own list) that this one does not
    /// make, and the folders they leave empty; returns how many files went. Both lists are
    /// in path order, walked side by side.
    fn remove_stale<V>(
        &self,
        file_cache: &crate::cache::FileCache,
        site_files: &BTreeMap<String, V>,
    ) -> Result<usize> {
        let mut last: Vec<&str> = file_cache.paths().collect();
        last.sort_unstable();
        let mut made = site_files.keys().map(String::as_str).peekable();
        let stale: Vec<&str> = last
            .into_iter()
            .filter(|rel| {
                while made.next_if(|m| m < rel).is_some() {}
                made.peek() != Some(rel) && is_contained(rel)
            })
            .collect();
        let mut removed = 0;
        for rel in stale {
            // Never through a link: a path with a link on the way has nothing at it.
            match self.tree.meta(rel) {
                Ok(meta) if !meta.is_dir() => {
                    self.tree
                        .remove_file(rel)
                        .map_err(|e| Error::io("remove", &self.tree.path(rel), e))?;
                    removed += 1;
                }
                _ => continue,
            }
            self.tree.remove_empty_parents(rel);
        }
        Ok(removed)
    }

    /// Abandons a failed build: the staging folder goes, the published site stays.
    pub fn discard(self) {
        let _ = self.tree.remove_all(STAGING_DIR);
        let created = std::mem::take(&mut *self.created.lock().expect("created list"));
        for rel in created {
            let _ = self.tree.remove_file(&rel);
            // Folders made for it go too, as long as they are empty.
            self.tree.remove_empty_parents(&rel);
        }
        if self.created_dir {
            let _ = fs::remove_dir(self.tree.root());
        }
    }
}
