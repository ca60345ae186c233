//! Where a build keeps its state, out of the published folder.
//!
//! The output folder is the site and nothing else: what a build keeps for the next one — the
//! load cache, the body memos, the file cache, and the record that gazette builds into that
//! folder — lives in a cache folder, `<root>/.gazette-cache/` unless `--cache-dir` names
//! another. Each output folder has its own folder in it, named after the output folder and
//! a key of its path (`public-1f0c…`, see [`state_name`]), so that two output folders built
//! from one site, or from two sites sharing a cache folder, never share or overwrite each
//! other's state, while a site checked out again elsewhere finds its state. Nothing in the cache folder is reached through a symbolic link: the default
//! `.gazette-cache` and every folder inside a cache folder are made real folders (a link is
//! removed, its target left alone) before anything is written there.
//!
//! The record (`output`, in the output's state folder) names the output folder's path and
//! identity (device, inode, creation time). It is written before the build first writes into
//! the folder, so that a folder whose first build was killed — partial pages, no
//! `manifest.json` yet — is still known to be gazette's; a folder deleted and made again by
//! hand has another identity and is not.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::tree::CACHE_DIR;
use crate::tree::Tree;

/// The record of the output folder, inside its state folder.
const RECORD_FILE: &str = "output";
/// The first line of the record.
const RECORD_MAGIC: &str = "gazette-output 1";

/// The build state of one output folder.
#[derive(Debug)]
pub struct State {
    /// The cache folder, as a tree (links inside it are not followed).
    cache: Tree,
    /// The output's folder inside it, relative to `cache`.
    key: PathBuf,
    /// The output's folder, as a tree; `None` while it is not (yet) a real folder.
    dir: Option<Tree>,
    /// `<root>` when the cache folder is the default `<root>/.gazette-cache`, which is then
    /// itself made a real folder.
    default_in: Option<PathBuf>,
    /// The output folder (resolved) whose state this is.
    output: PathBuf,
}

/// The name of an output folder's state folder: its last part (letters, digits, `-`, `_`
/// and `.` only) and the first 16 hexadecimal digits of a SHA-256 that tells the output
/// folder apart from every other one sharing the cache folder `cache`. When both the output
/// folder and the cache folder are inside the site root, it is of their paths relative to the
/// root — the same wherever the site is checked out, so that a CI runner that checks the
/// repository out at another path still finds the state it restored; otherwise it is of the
/// output folder's resolved path. All three paths are resolved.
pub fn state_name(root: &Path, cache: &Path, output: &Path) -> String {
    let stem: String = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    let stem = stem.trim_start_matches('.');
    let key = match (output.strip_prefix(root), cache.strip_prefix(root)) {
        // Given the cache folder, its path from the root names the root, and the output's
        // path from the root then names the output folder: no two output folders sharing a
        // cache folder get the same key. The leading NUL keeps these keys apart from those
        // of resolved paths, which never start with one.
        (Ok(out), Ok(cache)) => {
            let mut bytes = b"\0in-root\0".to_vec();
            bytes.extend_from_slice(cache.as_os_str().as_encoded_bytes());
            bytes.push(0);
            bytes.extend_from_slice(out.as_os_str().as_encoded_bytes());
            crate::digest::key_of(&bytes)
        }
        _ => crate::digest::key_of(output.as_os_str().as_encoded_bytes()),
    };
    if stem.is_empty() {
        format!("output-{}", &key[..16])
    } else {
        format!("{stem}-{}", &key[..16])
    }
}

/// What identifies a folder besides its path: device, inode and creation time.
fn identity(meta: &fs::Metadata) -> String {
    #[cfg(unix)]
    let (dev, ino) = {
        use std::os::unix::fs::MetadataExt;
        (meta.dev(), meta.ino())
    };
    #[cfg(not(unix))]
    let (dev, ino) = (0u64, 0u64);
    let born = meta
        .created()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    format!("{dev} {ino} {born}")
}

impl State {
    /// The state of the output folder `output` (resolved), in `cache_dir` (resolved), or in
    /// `<root>/.gazette-cache` (`root` resolved) when none is given. Nothing is written.
    pub fn locate(root: &Path, cache_dir: Option<&Path>, output: &Path) -> State {
        let (cache, default_in) = match cache_dir {
            Some(dir) => (Tree::new(dir), None),
            None => (Tree::new(root.join(CACHE_DIR)), Some(root.to_path_buf())),
        };
        let key = PathBuf::from(state_name(root, cache.root(), output));
        let mut state = State {
            cache,
            key,
            dir: None,
            default_in,
            output: output.to_path_buf(),
        };
        if state.cache_is_real() && state.cache.is_real_dir(&state.key) {
            state.dir = Some(Tree::new(state.cache.path(&state.key)));
        }
        state
    }

    /// Whether the cache folder itself is a real folder (the default one is not followed
    /// when it is a link).
    fn cache_is_real(&self) -> bool {
        match &self.default_in {
            Some(root) => Tree::new(root).is_real_dir(Path::new(CACHE_DIR)),
            None => self.cache.root().is_dir(),
        }
    }

    /// The cache folder.
    pub fn cache_dir(&self) -> &Path {
        self.cache.root()
    }

    /// The output folder's state folder, to read from: `None` when there is none.
    pub fn dir(&self) -> Option<&Tree> {
        self.dir.as_ref()
    }

    /// Makes the state folder (and the cache folder) real folders, ready to be written.
    pub fn make(&mut self) -> Result<&Tree> {
        let fail = |e: io::Error| Error::io("create", &self.cache.path(&self.key), e);
        match &self.default_in {
            Some(root) => {
                let root = Tree::new(root);
                // A link there is gazette's to replace; a file may be someone's.
                if root.meta(CACHE_DIR).is_ok_and(|m| m.is_file()) {
                    return Err(Error::Fatal(format!(
                        "{} is a file: the build state needs that name for a folder; \
                         move the file or pass --cache-dir",
                        root.path(CACHE_DIR).display()
                    )));
                }
                root.make_dirs(CACHE_DIR, true).map_err(fail)?;
            }
            None => fs::create_dir_all(self.cache.root()).map_err(fail)?,
        }
        self.cache.make_dirs(&self.key, true).map_err(fail)?;
        Ok(self
            .dir
            .get_or_insert_with(|| Tree::new(self.cache.path(&self.key))))
    }

    /// Whether the record says gazette builds into the output folder as it is now (same
    /// path, same folder: `meta` is its metadata).
    pub fn claims(&self, meta: &fs::Metadata) -> bool {
        let Some(dir) = &self.dir else {
            return false;
        };
        dir.read(RECORD_FILE)
            .ok()
            .is_some_and(|bytes| bytes == self.record(meta).into_bytes())
    }

    fn record(&self, meta: &fs::Metadata) -> String {
        format!(
            "{RECORD_MAGIC}\n{}\n{}\n",
            identity(meta),
            self.output.display()
        )
    }

    /// Records that gazette builds into the output folder (whose metadata is `meta`), before
    /// the build writes anything into it.
    pub fn claim(&mut self, meta: &fs::Metadata) -> Result<()> {
        let record = self.record(meta);
        if self.claims(meta) {
            return Ok(());
        }
        let dir = self.make()?;
        dir.write_file(RECORD_FILE, |f| io::Write::write_all(f, record.as_bytes()))
            .map_err(|e| Error::io("write", &dir.path(RECORD_FILE), e))
    }
}
