//! The file cache: what each file of the last build was, and what each HTML page was made
//! from.
//!
//! It lives in the output folder's state folder (`files/`, see [`crate::state`]), out of the
//! site, and is written only after a successful build. It
//! names the cache format, then the version of gazette, the executable that wrote it and a
//! key of everything every page depends on (settings, templates, build options); then the
//! keys of the archive the pages were made from ([`ArchiveKeys`]) and of each publishing output; then, for every published
//! file, its path, for pages the fingerprint of what the page was rendered from, the
//! file's size, modification time and SHA-256 (encoded with bincode, in chunks); last, the
//! SHA-256 of everything before.
//!
//! Three things are taken from it. A file whose new bytes have the recorded size and SHA-256,
//! and whose published copy still has the recorded size and modification time, is known to
//! be unchanged without being read. A page whose fingerprint is recorded is not rendered at
//! all — but only when the cache was written by this executable for these settings exactly.
//! And what the incremental layer finds unchanged ([`crate::incremental`]) — a page whose
//! declared inputs are those of the last build, a publishing output whose key is the one
//! recorded for it — is not even made: the published files are taken as they are.
//! A damaged file is ignored as a whole (a full build); a file published since, deleted or
//! changed by hand no longer matches its line and is written again.

use std::collections::BTreeMap;
use std::path::Path;

use rustc_hash::FxHashMap;
use sha2::{Digest, Sha256};

use crate::tree::Tree;

pub use crate::tree::CACHE_DIR;
/// The file cache, inside an output folder's state folder.
pub const FILE_CACHE: &str = "files";

/// The size and SHA-256 of one output file, taken from the bytes as they were put.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileDigest {
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the bytes, lowercase hexadecimal.
    pub sha256: String,
}

impl FileDigest {
    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> FileDigest {
        use sha2::{Digest, Sha256};
        use std::fmt::Write as _;
        let hash = Sha256::digest(bytes);
        let mut hex = String::with_capacity(64);
        for b in hash.iter() {
            let _ = write!(hex, "{b:02x}");
        }
        FileDigest {
            size: bytes.len() as u64,
            sha256: hex,
        }
    }
}

/// One file as it was published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// For a page: the key of what it was rendered from (see [`key_of`]).
    pub fingerprint: Option<String>,
    /// The published file's size and hash.
    pub digest: FileDigest,
    /// The published file's modification time, in nanoseconds since 1970.
    pub mtime: u128,
}

/// The files of the last build, by site path.
#[derive(Debug, Default)]
pub struct FileCache {
    entries: FxHashMap<String, Entry>,
    /// The paths of the search files, in order, to find a bundle's files.
    search: std::collections::BTreeSet<String>,
    /// Whether the page fingerprints may be used: the cache was written by this executable
    /// for the same settings, templates and options.
    fingerprints: bool,
    /// The first line, which says for what the fingerprints were made.
    header: String,
    /// The keys of the archive the last build was made from.
    archive: Option<ArchiveKeys>,
    /// The files of each publishing output, in path order, by the output's key (see
    /// [`crate::incremental::Keys::of`]): the files whose fingerprint is that key.
    outputs: FxHashMap<String, Vec<String>>,
}

/// What the pages of a build were made from besides its settings, templates and options
/// (those are keyed in the cache's first line).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArchiveKeys {
    /// Every document's path and front matter, every issue's record and the sizes of its
    /// files: all a page can show of the archive but the documents' bodies.
    pub front: String,
    /// [`ArchiveKeys::front`] and which 文号 every body cites: all a page can show but its
    /// own document's body.
    pub site: String,
}

pub use crate::digest::{KeyHasher, hex, key_hasher, key_of};

pub use crate::identity::mtime;
use crate::identity::published_as as matches;

pub(crate) use crate::identity::{exe_identity, exe_identity_in};

/// What the cache says of the build that wrote it, for `global`.
fn header(global: &str) -> String {
    format!("{} {} {global}", env!("CARGO_PKG_VERSION"), exe_identity())
}

/// The first bytes of the file cache: the format and its version.
const MAGIC: &[u8] = b"gazette-file-cache 5\n";

/// One file, as the cache writes it.
#[derive(serde::Serialize)]
struct LineOut<'a> {
    path: &'a str,
    fingerprint: Option<&'a str>,
    size: u64,
    mtime: u128,
    sha256: &'a str,
}

/// One file, as the cache reads it (the same fields as [`LineOut`]).
#[derive(serde::Deserialize)]
struct LineIn {
    path: String,
    fingerprint: Option<String>,
    size: u64,
    mtime: u128,
    sha256: String,
}

/// Appends `text`, its length first.
fn put_text(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(&(text.len() as u64).to_le_bytes());
    out.extend_from_slice(text.as_bytes());
}

/// The text [`put_text`] wrote at the start of `bytes`, and what follows it.
fn take_text(bytes: &[u8]) -> Option<(&str, &[u8])> {
    let (len, rest) = bytes.split_first_chunk::<8>()?;
    let (text, rest) = rest.split_at_checked(usize::try_from(u64::from_le_bytes(*len)).ok()?)?;
    Some((std::str::from_utf8(text).ok()?, rest))
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

pub(crate) use crate::sealed::{decode_chunk_list, encode_chunk_list, write_sealed_file};

/// The index of a cache kept as a folder (see [`write_chunked`]).
const INDEX: &str = "index";

/// Writes a cache kept as the folder `name` of the state folder `state`: one file per
/// chunk, named by the SHA-256 of its bytes — a chunk that is the same as in the last build
/// is already there and is not written again, so a rebuild after one edit writes one or two
/// chunks, not the whole cache — and `index`: `magic`, the chunk names in order, then
/// `head`, sealed with a SHA-256 and replaced atomically. Chunk files no longer listed are
/// removed. A link standing where the folder or a file should be is replaced, not followed.
pub(crate) fn write_chunked(
    state: &Tree,
    name: &str,
    magic: &[u8],
    head: &[&[u8]],
    chunks: &[Vec<u8>],
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let folder = Path::new(name);
    // A file here is a cache of another layout; a link is not the way to the cache.
    state.make_dirs(folder, true)?;
    let names: Vec<String> = chunks.par_iter().map(|c| key_of(c)).collect();
    chunks
        .par_iter()
        .zip(&names)
        .try_for_each(|(chunk, n)| -> std::io::Result<()> {
            let path = folder.join(n);
            if state
                .meta(&path)
                .is_ok_and(|m| m.is_file() && m.len() == chunk.len() as u64)
            {
                return Ok(());
            }
            state.write_file(&path, |f| std::io::Write::write_all(f, chunk))
        })?;
    let list = names.join("\n");
    let len = (list.len() as u64).to_le_bytes();
    let mut parts = vec![magic, &len, list.as_bytes()];
    parts.extend_from_slice(head);
    write_sealed_file(state, &folder.join(INDEX), &parts)?;
    let listed: std::collections::HashSet<&str> = names.iter().map(String::as_str).collect();
    for entry in state.read_dir(folder)?.flatten() {
        let file = entry.file_name();
        let file = file.to_string_lossy();
        if file != INDEX && !listed.contains(&*file) {
            let _ = state.remove_all(folder.join(&*file));
        }
    }
    Ok(())
}

/// Reads a cache [`write_chunked`] wrote in `state`, if its index starts with `magic` and is
/// sealed and every chunk it lists holds the bytes its name is the digest of: what followed
/// the list in the index, and the chunks in order. `None` otherwise; a damaged chunk is
/// removed, so that the next build writes it again.
pub(crate) fn read_chunked(
    state: &Tree,
    name: &str,
    magic: &[u8],
) -> Option<(Vec<u8>, Vec<Vec<u8>>)> {
    use rayon::prelude::*;
    let folder = Path::new(name);
    let index = state.read(folder.join(INDEX)).ok()?;
    let (list, head) = take_text(crate::sealed::unseal(&index)?.strip_prefix(magic)?)?;
    let names: Vec<&str> = list.split('\n').filter(|n| !n.is_empty()).collect();
    let chunks: Option<Vec<Vec<u8>>> = names
        .par_iter()
        .map(|n| {
            if n.len() != 64 || !n.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            let path = folder.join(n);
            let bytes = state.read(&path).ok()?;
            if key_of(&bytes) == *n {
                Some(bytes)
            } else {
                let _ = state.remove_file(&path);
                None
            }
        })
        .collect();
    Some((head.to_vec(), chunks?))
}

/// Removes the index of the cache kept as the folder `name` of the state folder `state` (its
/// chunks are then never read, and the next write reuses or removes them).
pub(crate) fn remove_chunked(state: &Tree, name: &str) {
    let folder = Path::new(name);
    let _ = state.remove_file(folder.join(INDEX));
    if state.meta(folder).is_ok_and(|m| !m.is_dir()) {
        let _ = state.remove_file(folder);
    }
}

impl FileCache {
    /// Reads the cache kept in the state folder `state`; `None` when there is none or it is
    /// damaged. Its page fingerprints are not used until [`FileCache::trust`] finds them
    /// made by this executable for the same key.
    pub fn read(state: &Tree) -> Option<FileCache> {
        let (head, chunks) = read_chunked(state, FILE_CACHE, MAGIC)?;
        let (made_by, rest) = take_text(&head)?;
        let (archive, rest) = take_text(rest)?;
        let (outputs, _) = take_text(rest)?;
        let mut outputs: FxHashMap<String, Vec<String>> = outputs
            .split(' ')
            .filter(|k| !k.is_empty())
            .map(|k| (k.to_string(), Vec::new()))
            .collect();
        let archive = match archive.split_once(' ') {
            Some((front, site)) => Some(ArchiveKeys {
                front: front.to_string(),
                site: site.to_string(),
            }),
            None if archive.is_empty() => None,
            None => return None,
        };
        let chunks: Vec<&[u8]> = chunks.iter().map(Vec::as_slice).collect();
        let lines: Vec<LineIn> = decode_chunk_list(&chunks)?;
        let mut entries = FxHashMap::with_capacity_and_hasher(lines.len(), Default::default());
        let mut search = std::collections::BTreeSet::new();
        for line in lines {
            if line.path.starts_with(crate::urls::SEARCH_DIR) {
                search.insert(line.path.clone());
            }
            entries.insert(
                line.path,
                Entry {
                    fingerprint: line.fingerprint,
                    digest: FileDigest {
                        size: line.size,
                        sha256: line.sha256,
                    },
                    mtime: line.mtime,
                },
            );
        }
        for (path, entry) in &entries {
            if let Some(files) = entry.fingerprint.as_ref().and_then(|k| outputs.get_mut(k)) {
                files.push(path.clone());
            }
        }
        for files in outputs.values_mut() {
            files.sort_unstable();
        }
        Some(FileCache {
            entries,
            search,
            fingerprints: false,
            header: made_by.to_string(),
            archive,
            outputs,
        })
    }

    /// Uses the page fingerprints if they were made by this executable for the `global` key
    /// of this build.
    pub fn trust(&mut self, global: &str) {
        self.fingerprints = self.header == header(global);
    }

    /// The keys of the archive the last build was made from, if the cache is trusted.
    pub fn archive(&self) -> Option<&ArchiveKeys> {
        self.archive.as_ref().filter(|_| self.fingerprints)
    }

    /// The published page at `path`, as the last build made it, if the cache is trusted and
    /// the file is still as it was published: for a page whose inputs are known unchanged.
    pub fn published(&self, dir: &Tree, path: &str) -> Option<&Entry> {
        if !self.fingerprints {
            return None;
        }
        let entry = self.entries.get(path)?;
        entry.fingerprint.as_ref()?;
        let meta = dir.meta(path).ok()?;
        matches(&meta, entry.digest.size, entry.mtime).then_some(entry)
    }

    /// The files of the publishing output whose key was `key` in the last build, in path
    /// order, if the cache is trusted, there are any, and all are still as they were
    /// published.
    pub fn output_files(&self, dir: &Tree, key: &str) -> Option<Vec<(&str, &Entry)>> {
        use rayon::prelude::*;
        if !self.fingerprints {
            return None;
        }
        let files: Vec<(&str, &Entry)> = self
            .outputs
            .get(key)?
            .iter()
            .filter_map(|p| self.entries.get_key_value(p))
            .map(|(p, e)| (p.as_str(), e))
            .collect();
        if files.is_empty() {
            return None;
        }
        let intact = files.par_iter().all(|(path, entry)| {
            dir.meta(path)
                .is_ok_and(|meta| matches(&meta, entry.digest.size, entry.mtime))
        });
        intact.then_some(files)
    }

    /// The published page at `path`, if it was made from `fingerprint` and is still as it
    /// was published (same size and modification time).
    pub fn hit(&self, dir: &Tree, path: &str, fingerprint: &str) -> Option<&Entry> {
        if !self.fingerprints {
            return None;
        }
        let entry = self.entries.get(path)?;
        if entry.fingerprint.as_deref() != Some(fingerprint) {
            return None;
        }
        let meta = dir.meta(path).ok()?;
        matches(&meta, entry.digest.size, entry.mtime).then_some(entry)
    }

    /// The modification time of the published file at `path`, if it was published with
    /// `digest` and is still as it was (same size and modification time): then it holds
    /// these bytes without being read.
    pub fn unchanged(&self, dir: &Tree, path: &str, digest: &FileDigest) -> Option<u128> {
        let entry = self.entries.get(path)?;
        if entry.digest != *digest {
            return None;
        }
        let meta = dir.meta(path).ok()?;
        matches(&meta, entry.digest.size, entry.mtime).then_some(entry.mtime)
    }

    /// Every recorded file under `prefix` (a folder's site path, ending in `/`), if there is
    /// one, all were made from `fingerprint` and all are still as they were published.
    pub fn bundle(
        &self,
        dir: &Tree,
        prefix: &str,
        fingerprint: &str,
    ) -> Option<Vec<(&str, &Entry)>> {
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
            let meta = dir.meta(path).ok()?;
            if !matches(&meta, entry.digest.size, entry.mtime) {
                return None;
            }
            files.push((path.as_str(), entry));
        }
        (!files.is_empty()).then_some(files)
    }

    /// Every file of the last build, by site path.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// Removes the cache kept in `state`, so that a build that fails leaves none behind.
    pub fn remove(state: &Tree) {
        remove_chunked(state, FILE_CACHE);
    }

    /// Writes the cache of a successful build into `state`: `files` holds every file's
    /// digest, `pages` each page's or output file's fingerprint, `outputs` the keys of the
    /// publishing outputs (their files' fingerprints), and `known` the modification times
    /// already confirmed while building (the other files are looked at in the output folder
    /// `dir`).
    #[allow(clippy::too_many_arguments)]
    pub fn write(
        state: &Tree,
        dir: &Tree,
        global: &str,
        archive: Option<&ArchiveKeys>,
        outputs: &[String],
        pages: &BTreeMap<String, String>,
        files: &BTreeMap<String, FileDigest>,
        known: &(dyn Fn(&str) -> Option<u128> + Sync),
    ) -> std::io::Result<()> {
        use rayon::prelude::*;
        // Both maps are in path order: each file's fingerprint is found walking beside it.
        let mut fingerprints = pages.iter().peekable();
        let files: Vec<(&String, &FileDigest, Option<&str>)> = files
            .iter()
            .map(|(path, digest)| {
                while fingerprints.next_if(|(p, _)| *p < path).is_some() {}
                let fingerprint = fingerprints
                    .next_if(|(p, _)| *p == path)
                    .map(|(_, f)| f.as_str());
                (path, digest, fingerprint)
            })
            .collect();
        let lines: Vec<LineOut<'_>> = files
            .par_iter()
            .filter_map(|&(path, digest, fingerprint)| {
                let mtime = match known(path) {
                    Some(mtime) => mtime,
                    None => dir.meta(path.as_str()).ok().and_then(|m| mtime(&m))?,
                };
                Some(LineOut {
                    path,
                    fingerprint,
                    size: digest.size,
                    mtime,
                    sha256: &digest.sha256,
                })
            })
            .collect();
        let mut head = Vec::new();
        put_text(&mut head, &header(global));
        put_text(
            &mut head,
            &archive.map_or(String::new(), |k| format!("{} {}", k.front, k.site)),
        );
        put_text(&mut head, &outputs.join(" "));
        let chunks = encode_chunk_list(&lines)?;
        write_chunked(state, FILE_CACHE, MAGIC, &[&head], &chunks)
    }
}
