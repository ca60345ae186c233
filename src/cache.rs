//! The file cache: what each file of the last build was, and what each HTML page was made
//! from.
//!
//! It lives in `<output>/.gazette-cache/files`, is not part of the site (no manifest entry,
//! never served, never removed as stale) and is written only after a successful build. The
//! first line names the cache format, the version of gazette, the executable that wrote it
//! and a key of everything every page depends on (settings, templates, build options); then
//! one line per published file: for pages, the fingerprint of what the page was rendered
//! from (`-` for other files), the file's size, modification time and SHA-256, and its path;
//! last, the SHA-256 of all lines before.
//!
//! Two things are taken from it. A file whose new bytes have the recorded size and SHA-256,
//! and whose published copy still has the recorded size and modification time, is known to
//! be unchanged without being read. A page whose fingerprint is recorded is not rendered at
//! all — but only when the first line matches this executable and these settings exactly.
//! A damaged file is ignored as a whole (a full build); a file published since, deleted or
//! changed by hand no longer matches its line and is written again.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::output::FileDigest;

/// The cache folder, inside the output folder.
pub const CACHE_DIR: &str = ".gazette-cache";
/// The file cache, inside [`CACHE_DIR`].
pub const FILES_FILE: &str = "files";
const FORMAT: &str = "gazette-file-cache 1";

/// One file as it was published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// For a page: SHA-256 of what it was rendered from.
    pub fingerprint: Option<String>,
    /// The published file's size and hash.
    pub digest: FileDigest,
    /// The published file's modification time, in nanoseconds since 1970.
    pub mtime: u128,
}

/// The files of the last build, by site path.
#[derive(Debug, Default)]
pub struct PageCache {
    entries: HashMap<String, Entry>,
    /// The paths of the search files, in order, to find a bundle's files.
    search: std::collections::BTreeSet<String>,
    /// Whether the page fingerprints may be used: the cache was written by this executable
    /// for the same settings, templates and options.
    fingerprints: bool,
    /// The first line, which says for what the fingerprints were made.
    header: String,
}

/// Lowercase hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// The modification time of a file's metadata, in nanoseconds since 1970.
pub fn mtime(meta: &fs::Metadata) -> Option<u128> {
    meta.modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .map(|d| d.as_nanos())
}

/// What identifies the running executable: its size and modification time.
pub(crate) fn exe_identity() -> String {
    std::env::current_exe()
        .and_then(fs::metadata)
        .map(|m| format!("{}:{}", m.len(), mtime(&m).unwrap_or(0)))
        .unwrap_or_else(|_| "unknown".to_string())
}

/// The cache's first line for `global`.
fn header(global: &str) -> String {
    format!(
        "{FORMAT} {} {} {global}\n",
        env!("CARGO_PKG_VERSION"),
        exe_identity()
    )
}

/// Builds the key of everything every page depends on, from named parts.
#[derive(Default)]
pub struct GlobalKey(Sha256);

impl GlobalKey {
    /// Adds one named part.
    pub fn add(&mut self, name: &str, bytes: &[u8]) {
        self.0.update((name.len() as u64).to_le_bytes());
        self.0.update(name.as_bytes());
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
    }

    /// The key.
    pub fn finish(self) -> String {
        hex(&self.0.finalize())
    }
}

/// Reads the text file `name` of the cache folder of `dir`, if its last line is the SHA-256
/// of everything before it; returns that part. `None` when missing, cut short or altered.
pub(crate) fn read_sealed(dir: &Path, name: &str) -> Option<String> {
    let mut text = fs::read_to_string(dir.join(CACHE_DIR).join(name)).ok()?;
    let body_end = text.strip_suffix('\n')?.rfind('\n')? + 1;
    if text[body_end..].strip_suffix('\n')? != hex(&Sha256::digest(&text.as_bytes()[..body_end])) {
        return None;
    }
    text.truncate(body_end);
    Some(text)
}

/// Writes `text` (whole lines) as the file `name` of the cache folder of `dir`, sealed with a
/// last line holding its SHA-256; replaced atomically.
pub(crate) fn write_sealed(dir: &Path, name: &str, mut text: String) -> std::io::Result<()> {
    let trailer = hex(&Sha256::digest(text.as_bytes()));
    text.push_str(&trailer);
    text.push('\n');
    let cache = dir.join(CACHE_DIR);
    fs::create_dir_all(&cache)?;
    let tmp = cache.join(format!("{name}.tmp"));
    fs::write(&tmp, text)?;
    fs::rename(&tmp, cache.join(name))
}

/// Whether `meta` is a regular file of `size` bytes last modified at `mtime`.
fn matches(meta: &fs::Metadata, size: u64, mtime_ns: u128) -> bool {
    meta.is_file() && meta.len() == size && mtime(meta) == Some(mtime_ns)
}

impl PageCache {
    /// Reads the cache of the output folder `dir`; `None` when there is none or it is
    /// damaged. Its page fingerprints are not used until [`PageCache::trust`] finds them
    /// made by this executable for the same key.
    pub fn read(dir: &Path) -> Option<PageCache> {
        let body = read_sealed(dir, FILES_FILE)?;
        let mut lines = body.lines();
        let first = lines.next()?;
        if !first.starts_with(FORMAT) {
            return None;
        }
        let mut entries = HashMap::new();
        let mut search = std::collections::BTreeSet::new();
        for line in lines {
            let mut parts = line.splitn(5, ' ');
            let fingerprint = parts.next()?;
            let size = parts.next()?.parse().ok()?;
            let mtime = parts.next()?.parse().ok()?;
            let sha256 = parts.next()?.to_string();
            let path = parts.next()?.to_string();
            let fingerprint = match fingerprint {
                "-" => None,
                f if f.len() == 64 => Some(f.to_string()),
                _ => return None,
            };
            if sha256.len() != 64 {
                return None;
            }
            if path.starts_with(crate::search::SEARCH_DIR) {
                search.insert(path.clone());
            }
            entries.insert(
                path,
                Entry {
                    fingerprint,
                    digest: FileDigest { size, sha256 },
                    mtime,
                },
            );
        }
        Some(PageCache {
            entries,
            search,
            fingerprints: false,
            header: format!("{first}\n"),
        })
    }

    /// Uses the page fingerprints if they were made by this executable for the `global` key
    /// of this build.
    pub fn trust(&mut self, global: &str) {
        self.fingerprints = self.header == header(global);
    }

    /// The published page at `path`, if it was made from `fingerprint` and is still as it
    /// was published (same size and modification time).
    pub fn hit(&self, dir: &Path, path: &str, fingerprint: &str) -> Option<&Entry> {
        if !self.fingerprints {
            return None;
        }
        let entry = self.entries.get(path)?;
        if entry.fingerprint.as_deref() != Some(fingerprint) {
            return None;
        }
        let meta = fs::symlink_metadata(dir.join(path)).ok()?;
        matches(&meta, entry.digest.size, entry.mtime).then_some(entry)
    }

    /// The modification time of the published file at `path`, if it was published with
    /// `digest` and is still as it was (same size and modification time): then it holds
    /// these bytes without being read.
    pub fn unchanged(&self, dir: &Path, path: &str, digest: &FileDigest) -> Option<u128> {
        let entry = self.entries.get(path)?;
        if entry.digest != *digest {
            return None;
        }
        let meta = fs::symlink_metadata(dir.join(path)).ok()?;
        matches(&meta, entry.digest.size, entry.mtime).then_some(entry.mtime)
    }

    /// Every recorded file under `prefix` (a folder's site path, ending in `/`), if there is
    /// one, all were made from `fingerprint` and all are still as they were published.
    pub fn bundle(
        &self,
        dir: &Path,
        prefix: &str,
        fingerprint: &str,
    ) -> Option<Vec<(String, Entry)>> {
        if !self.fingerprints {
            return None;
        }
        let mut files = Vec::new();
        for path in self
            .search
            .range::<str, _>((
                std::ops::Bound::Included(prefix),
                std::ops::Bound::Unbounded,
            ))
            .take_while(|p| p.starts_with(prefix))
        {
            let entry = self.entries.get(path)?;
            if entry.fingerprint.as_deref() != Some(fingerprint) {
                return None;
            }
            let meta = fs::symlink_metadata(dir.join(path)).ok()?;
            if !matches(&meta, entry.digest.size, entry.mtime) {
                return None;
            }
            files.push((path.clone(), entry.clone()));
        }
        (!files.is_empty()).then_some(files)
    }

    /// Every file of the last build, by site path.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// Removes the cache of `dir`, so that a build that fails leaves none behind.
    pub fn remove(dir: &Path) {
        let _ = fs::remove_file(dir.join(CACHE_DIR).join(FILES_FILE));
    }

    /// Writes the cache of a successful build: `files` holds every file's digest, `pages`
    /// each page's fingerprint, and `known` the modification times already confirmed while
    /// building (the other files are looked at).
    pub fn write(
        dir: &Path,
        global: &str,
        pages: &BTreeMap<String, String>,
        files: &BTreeMap<String, FileDigest>,
        known: &(dyn Fn(&str) -> Option<u128> + Sync),
    ) -> std::io::Result<()> {
        use rayon::prelude::*;
        let files: Vec<(&String, &FileDigest)> = files.iter().collect();
        let lines: Vec<Option<String>> = files
            .par_iter()
            .map(|(path, digest)| {
                if path.contains('\n') {
                    return None;
                }
                let mtime = match known(path) {
                    Some(mtime) => mtime,
                    None => fs::symlink_metadata(dir.join(path))
                        .ok()
                        .and_then(|m| mtime(&m))?,
                };
                let fingerprint = pages.get(*path).map_or("-", String::as_str);
                Some(format!(
                    "{fingerprint} {} {mtime} {} {path}\n",
                    digest.size, digest.sha256
                ))
            })
            .collect();
        let mut out = header(global);
        for line in lines.into_iter().flatten() {
            out.push_str(&line);
        }
        write_sealed(dir, FILES_FILE, out)
    }
}
