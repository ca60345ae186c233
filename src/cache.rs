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

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::tree::Tree;

/// The default cache folder, at the site root (see [`crate::state`]).
pub const CACHE_DIR: &str = ".gazette-cache";
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
    entries: HashMap<String, Entry>,
    /// The paths of the search files, in order, to find a bundle's files.
    search: std::collections::BTreeSet<String>,
    /// Whether the page fingerprints may be used: the cache was written by this executable
    /// for the same settings, templates and options.
    fingerprints: bool,
    /// The first line, which says for what the fingerprints were made.
    header: String,
    /// The keys of the archive the last build was made from.
    archive: Option<ArchiveKeys>,
    /// The files of each publishing output, by the output's key (see
    /// [`crate::incremental::Keys::of`]), in path order.
    outputs: HashMap<String, Vec<String>>,
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

/// A hasher for the keys and fingerprints the caches compare (SHA-256: with the processor's
/// SHA instructions it outruns BLAKE3 on the small, piecemeal inputs keys are made of).
#[derive(Default)]
pub struct KeyHasher(Sha256);

impl KeyHasher {
    /// Adds `bytes`.
    pub fn update(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update(bytes);
        self
    }

    /// The key, in lowercase hexadecimal (64 digits).
    pub fn finish(self) -> String {
        hex(&self.0.finalize())
    }

    /// The key as bytes.
    pub fn finish_bytes(self) -> [u8; 32] {
        self.0.finalize().into()
    }
}

impl std::io::Write for KeyHasher {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A new [`KeyHasher`].
pub fn key_hasher() -> KeyHasher {
    KeyHasher::default()
}

/// The key of `bytes`, in lowercase hexadecimal (64 digits).
pub fn key_of(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
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

/// What identifies the running executable: the SHA-256 of its bytes, found once per process.
///
/// The caches hold what this code made of the sources, so they must change with the code and
/// with nothing else: the same gazette build (restored from a CI cache, copied, installed
/// again, given a new mtime) keeps them; any other build, however small the change, does not.
/// A key made at compile time from the sources would miss what they do not say (the
/// compiler, its flags, the locked dependencies' code), so the bytes themselves are keyed.
/// An executable that cannot be read gives a key of its own per run: nothing is trusted.
pub(crate) fn exe_identity() -> &'static str {
    exe_identity_in(None)
}

/// The file of a state folder that remembers the executable's digest for its identity.
const EXE_FILE: &str = "executable";

/// [`exe_identity`], remembered in the state folder `state`: hashing an executable of a
/// hundred megabytes costs more than an unchanged rebuild of a large archive, so its digest
/// is kept with the executable's identity (size, modification and change time, inode,
/// device — as the load cache trusts a Markdown file's) and hashed again only when that
/// changes. The first call of a process decides.
pub(crate) fn exe_identity_in(state: Option<&Tree>) -> &'static str {
    static IDENTITY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    IDENTITY.get_or_init(|| {
        let path = std::env::current_exe().ok();
        let stamp = path
            .as_ref()
            .and_then(|p| fs::metadata(p).ok())
            .map(|m| ExeStamp::of(&m));
        let line = stamp.map(|s| {
            format!(
                "{} {} {} {} {} ",
                s.len, s.mtime_ns, s.ctime_ns, s.ino, s.dev
            )
        });
        if let (Some(state), Some(line)) = (state, &line)
            && let Ok(bytes) = state.read(EXE_FILE)
            && let Some(digest) = std::str::from_utf8(&bytes)
                .ok()
                .and_then(|t| t.strip_prefix(line.as_str()))
            && digest.len() == 64
            && digest.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return digest.to_string();
        }
        let hash = |path: &Path| -> std::io::Result<String> {
            let mut file = fs::File::open(path)?;
            let mut hasher = key_hasher();
            std::io::copy(&mut file, &mut hasher)?;
            Ok(hasher.finish())
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as i128);
        match path.as_deref().map(hash) {
            Some(Ok(digest)) => {
                // Remembered only for an executable that has not changed for a while: one
                // written in the same clock tick as it was stated could keep its stamp.
                let settled = stamp.is_some_and(|s| s.mtime_ns.max(s.ctime_ns) < now - SETTLED_NS);
                if let (Some(state), Some(line), true) = (state, &line, settled) {
                    let text = format!("{line}{digest}");
                    let _ = state.write_file(Path::new(EXE_FILE), |f| {
                        std::io::Write::write_all(f, text.as_bytes())
                    });
                }
                digest
            }
            _ => format!("unreadable {} {now}", std::process::id()),
        }
    })
}

/// How long an executable must have been left unchanged before its digest is remembered
/// (far longer than the clock's tick on any file system).
const SETTLED_NS: i128 = 1_000_000_000;

/// What identifies the executable's file without reading it: size, modification and change
/// time, inode and device (as the load cache trusts a Markdown file's).
#[derive(Clone, Copy)]
struct ExeStamp {
    len: u64,
    mtime_ns: i128,
    ctime_ns: i128,
    ino: u64,
    dev: u64,
}

impl ExeStamp {
    #[cfg(unix)]
    fn of(meta: &fs::Metadata) -> ExeStamp {
        use std::os::unix::fs::MetadataExt;
        let ns = |secs: i64, nanos: i64| i128::from(secs) * 1_000_000_000 + i128::from(nanos);
        ExeStamp {
            len: meta.len(),
            mtime_ns: ns(meta.mtime(), meta.mtime_nsec()),
            ctime_ns: ns(meta.ctime(), meta.ctime_nsec()),
            ino: meta.ino(),
            dev: meta.dev(),
        }
    }

    /// Without a modification time the mtime is `i128::MAX`, which is never settled.
    #[cfg(not(unix))]
    fn of(meta: &fs::Metadata) -> ExeStamp {
        let mtime_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(i128::MAX, |d| d.as_nanos() as i128);
        ExeStamp {
            len: meta.len(),
            mtime_ns,
            ctime_ns: 0,
            ino: 0,
            dev: 0,
        }
    }
}

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

/// Writes `parts` one after the other as the file `rel` of `tree`, sealed with their
/// SHA-256; replaced atomically (a reader finds the old file or the new one, never a part).
/// Makes its folders; links on the way are replaced, never followed.
pub(crate) fn write_sealed_file(tree: &Tree, rel: &Path, parts: &[&[u8]]) -> std::io::Result<()> {
    use std::io::Write as _;
    tree.write_file(rel, |file| {
        let mut hasher = Sha256::new();
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        for part in parts {
            hasher.update(part);
            out.write_all(part)?;
        }
        out.write_all(&hasher.finalize())?;
        out.flush()
    })
}

/// Items encoded together by [`encode_chunks`]; chunks are encoded and decoded in parallel.
pub const CHUNK: usize = 2048;

/// `items` in chunks of [`CHUNK`], each encoded with bincode, in parallel.
pub(crate) fn encode_chunk_list<T: serde::Serialize + Sync>(
    items: &[T],
) -> std::io::Result<Vec<Vec<u8>>> {
    use bincode::Options as _;
    use rayon::prelude::*;
    items
        .par_chunks(CHUNK)
        .map(|chunk| bincode::DefaultOptions::new().serialize(chunk))
        .collect::<Result<Vec<_>, bincode::Error>>()
        .map_err(std::io::Error::other)
}

/// The items of `chunks` from [`encode_chunk_list`], decoded in parallel; `None` if
/// anything is amiss.
pub(crate) fn decode_chunk_list<T: serde::de::DeserializeOwned + Send>(
    chunks: &[&[u8]],
) -> Option<Vec<T>> {
    use bincode::Options as _;
    use rayon::prelude::*;
    let decoded = chunks
        .par_iter()
        .map(|chunk| {
            bincode::DefaultOptions::new()
                .with_limit(chunk.len() as u64)
                .reject_trailing_bytes()
                .deserialize::<Vec<T>>(chunk)
                .ok()
        })
        .collect::<Option<Vec<_>>>()?;
    Some(decoded.into_iter().flatten().collect())
}

/// `items` as [`encode_chunk_list`] encodes them, each chunk after its length; written one
/// after the other by [`chunk_parts`], they are what [`decode_chunks`] reads.
pub(crate) fn encode_chunks<T: serde::Serialize + Sync>(
    items: &[T],
) -> std::io::Result<Vec<Vec<u8>>> {
    Ok(encode_chunk_list(items)?
        .into_iter()
        .map(|bytes| {
            let mut out = Vec::with_capacity(8 + bytes.len());
            out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
            out.extend_from_slice(&bytes);
            out
        })
        .collect())
}

/// The parts to write for `chunks` from [`encode_chunks`]: `count`, a buffer for the number
/// of chunks, then each chunk (its length and its bytes).
pub(crate) fn chunk_parts<'c>(chunks: &'c [Vec<u8>], count: &'c mut [u8; 8]) -> Vec<&'c [u8]> {
    *count = (chunks.len() as u64).to_le_bytes();
    let mut parts: Vec<&[u8]> = vec![&count[..]];
    parts.extend(chunks.iter().map(Vec::as_slice));
    parts
}

/// The items [`encode_chunks`] encoded, decoded in parallel; `None` if anything is amiss.
pub(crate) fn decode_chunks<T: serde::de::DeserializeOwned + Send>(
    payload: &[u8],
) -> Option<Vec<T>> {
    let (count, mut rest) = payload.split_first_chunk::<8>()?;
    let count = u64::from_le_bytes(*count);
    let mut chunks = Vec::new();
    while !rest.is_empty() {
        let (len, after) = rest.split_first_chunk::<8>()?;
        let len = usize::try_from(u64::from_le_bytes(*len)).ok()?;
        let (chunk, after) = after.split_at_checked(len)?;
        chunks.push(chunk);
        rest = after;
    }
    if chunks.len() as u64 != count {
        return None;
    }
    decode_chunk_list(&chunks)
}

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
    let mut index = state.read(folder.join(INDEX)).ok()?;
    let body_end = index.len().checked_sub(32)?;
    if !index[..body_end].starts_with(magic)
        || Sha256::digest(&index[..body_end])[..] != index[body_end..]
    {
        return None;
    }
    index.truncate(body_end);
    let (list, head) = take_text(&index[magic.len()..])?;
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

/// Whether `meta` is a regular file of `size` bytes last modified at `mtime`.
fn matches(meta: &fs::Metadata, size: u64, mtime_ns: u128) -> bool {
    meta.is_file() && meta.len() == size && mtime(meta) == Some(mtime_ns)
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
        let mut outputs: HashMap<String, Vec<String>> = outputs
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
        let mut entries = HashMap::with_capacity(lines.len());
        let mut search = std::collections::BTreeSet::new();
        for line in lines {
            if line.path.starts_with(crate::urls::SEARCH_DIR) {
                search.insert(line.path.clone());
            }
            if let Some(files) = line.fingerprint.as_ref().and_then(|f| outputs.get_mut(f)) {
                files.push(line.path.clone());
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
    pub fn output_files(&self, dir: &Tree, key: &str) -> Option<Vec<(String, Entry)>> {
        use rayon::prelude::*;
        let group = self.outputs.get(key).filter(|g| !g.is_empty())?;
        if !self.fingerprints {
            return None;
        }
        let files: Vec<(&String, &Entry)> = group
            .iter()
            .map(|p| self.entries.get_key_value(p))
            .collect::<Option<_>>()?;
        let intact = files.par_iter().all(|(path, entry)| {
            dir.meta(path)
                .is_ok_and(|meta| matches(&meta, entry.digest.size, entry.mtime))
        });
        intact.then(|| {
            files
                .into_iter()
                .map(|(p, e)| (p.clone(), e.clone()))
                .collect()
        })
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
            let meta = dir.meta(path).ok()?;
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
