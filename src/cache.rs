//! The page cache: what each HTML page of the last build was made from.
//!
//! It lives in `<output>/.gazette-cache/pages`, is not part of the site (no manifest entry,
//! never served, never removed as stale) and is written only after a successful build. The
//! first line names the cache format, the version of gazette, the executable that wrote it
//! and a key of everything every page depends on (settings, templates, build options); then
//! one line per page: the fingerprint of what it was rendered from, the published file's
//! size, modification time and SHA-256, and its path; last, the SHA-256 of all lines before.
//! Anything that does not match exactly makes the whole cache be ignored (a full build).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::output::FileDigest;

/// The cache folder, inside the output folder.
pub const CACHE_DIR: &str = ".gazette-cache";
/// The page cache file, inside [`CACHE_DIR`].
pub const PAGES_FILE: &str = "pages";
const FORMAT: &str = "gazette-page-cache 1";

/// One page as it was published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// SHA-256 of what the page was rendered from.
    pub fingerprint: String,
    /// The published file's size and hash.
    pub digest: FileDigest,
    /// The published file's modification time, in nanoseconds since 1970.
    pub mtime: u128,
}

/// The pages of the last build, by file path.
#[derive(Debug, Default)]
pub struct PageCache {
    entries: HashMap<String, Entry>,
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

impl PageCache {
    /// Reads the cache of the output folder `dir`; `None` when there is none, or it is
    /// damaged, or it was written by another gazette or for other settings or templates.
    pub fn read(dir: &Path, global: &str) -> Option<PageCache> {
        let text = fs::read_to_string(dir.join(CACHE_DIR).join(PAGES_FILE)).ok()?;
        let body_end = text.strip_suffix('\n')?.rfind('\n')? + 1;
        let (body, trailer) = text.split_at(body_end);
        if trailer.strip_suffix('\n')? != hex(&Sha256::digest(body.as_bytes())) {
            return None;
        }
        let mut lines = body.lines();
        if format!("{}\n", lines.next()?) != header(global) {
            return None;
        }
        let mut entries = HashMap::new();
        for line in lines {
            let mut parts = line.splitn(5, ' ');
            let fingerprint = parts.next()?.to_string();
            let size = parts.next()?.parse().ok()?;
            let mtime = parts.next()?.parse().ok()?;
            let sha256 = parts.next()?.to_string();
            let path = parts.next()?.to_string();
            if fingerprint.len() != 64 || sha256.len() != 64 {
                return None;
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
        Some(PageCache { entries })
    }

    /// The published page at `path`, if it was made from `fingerprint` and is still as it
    /// was published (same size and modification time).
    pub fn hit(&self, dir: &Path, path: &str, fingerprint: &str) -> Option<FileDigest> {
        let entry = self.entries.get(path)?;
        if entry.fingerprint != fingerprint {
            return None;
        }
        let meta = fs::symlink_metadata(dir.join(path)).ok()?;
        (meta.is_file() && meta.len() == entry.digest.size && mtime(&meta)? == entry.mtime)
            .then(|| entry.digest.clone())
    }

    /// Removes the cache of `dir`, so that a build that fails leaves none behind.
    pub fn remove(dir: &Path) {
        let _ = fs::remove_file(dir.join(CACHE_DIR).join(PAGES_FILE));
    }

    /// Writes the cache of a successful build: `pages` maps each page's file to its
    /// fingerprint, `files` holds the digests of the build.
    pub fn write(
        dir: &Path,
        global: &str,
        pages: &BTreeMap<String, String>,
        files: &BTreeMap<String, FileDigest>,
    ) -> std::io::Result<()> {
        let mut out = header(global);
        for (path, fingerprint) in pages {
            let Some(digest) = files.get(path) else {
                continue;
            };
            let Some(mtime) = fs::symlink_metadata(dir.join(path))
                .ok()
                .and_then(|m| mtime(&m))
            else {
                continue;
            };
            if path.contains('\n') {
                continue;
            }
            let _ = writeln!(
                out,
                "{fingerprint} {} {mtime} {} {path}",
                digest.size, digest.sha256
            );
        }
        let trailer = hex(&Sha256::digest(out.as_bytes()));
        out.push_str(&trailer);
        out.push('\n');
        let cache = dir.join(CACHE_DIR);
        fs::create_dir_all(&cache)?;
        let tmp = cache.join(format!("{PAGES_FILE}.tmp"));
        fs::write(&tmp, out)?;
        fs::rename(&tmp, cache.join(PAGES_FILE))
    }
}
