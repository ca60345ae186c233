//! What identifies a file without reading it, and what identifies the running executable
//! (the digest of its bytes, remembered beside its stamp). The one owner of "is this file
//! the same": a source file (or the executable) by its whole [`Stamp`], a file a build
//! published by its size and modification time ([`published_as`]); why the two differ is
//! said there.
//!
//! A leaf module (it uses only [`crate::digest`] and [`crate::tree`]), shared by the load
//! cache and the build caches.

use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::tree::Tree;

/// A file whose stamp changed less than this before it was stated is not trusted to show its
/// next change (50 ms, in nanoseconds): see the load cache's "racy window".
pub const RACY_WINDOW_NS: i128 = 50_000_000;

/// What identifies a file's content without reading it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Stamp {
    /// Size in bytes.
    pub len: u64,
    /// Modification time, nanoseconds since 1970.
    pub mtime_ns: i128,
    /// Status change time, nanoseconds since 1970 (0 where there is none).
    pub ctime_ns: i128,
    /// Inode number (0 where there is none).
    pub ino: u64,
    /// Device (0 where there is none).
    pub dev: u64,
}

impl Stamp {
    /// The stamp of a file's metadata.
    #[cfg(unix)]
    pub fn of(meta: &fs::Metadata) -> Stamp {
        use std::os::unix::fs::MetadataExt;
        let ns = |secs: i64, nanos: i64| i128::from(secs) * 1_000_000_000 + i128::from(nanos);
        Stamp {
            len: meta.len(),
            mtime_ns: ns(meta.mtime(), meta.mtime_nsec()),
            ctime_ns: ns(meta.ctime(), meta.ctime_nsec()),
            ino: meta.ino(),
            dev: meta.dev(),
        }
    }

    /// The stamp of a file's metadata. Without a modification time the mtime is
    /// `i128::MAX`, which is never trusted.
    #[cfg(not(unix))]
    pub fn of(meta: &fs::Metadata) -> Stamp {
        Stamp {
            len: meta.len(),
            mtime_ns: meta.modified().map_or(i128::MAX, nanos_since_epoch),
            ctime_ns: 0,
            ino: 0,
            dev: 0,
        }
    }

    /// The modification time, as `std::fs::Metadata::modified` gives it.
    pub fn modified(&self) -> Option<SystemTime> {
        let abs = self.mtime_ns.unsigned_abs();
        let since = Duration::new(
            u64::try_from(abs / 1_000_000_000).ok()?,
            (abs % 1_000_000_000) as u32,
        );
        if self.mtime_ns >= 0 {
            UNIX_EPOCH.checked_add(since)
        } else {
            UNIX_EPOCH.checked_sub(since)
        }
    }
}

/// The modification time of a file's metadata, in nanoseconds since 1970.
pub fn mtime(meta: &fs::Metadata) -> Option<u128> {
    meta.modified()
        .ok()?
        .duration_since(UNIX_EPOCH)
        .ok()
        .map(|d| d.as_nanos())
}

/// Whether `meta` is a regular file of `size` bytes last modified at `mtime_ns`: how a file
/// a build published (into the output folder) is known to be as that build left it, its
/// bytes being those whose digest the build recorded.
///
/// Not the whole [`Stamp`] that a source file must keep: a published file is first written
/// into the staging folder and then renamed into place, and the rename gives it a new status
/// change time, so its ctime is not known when its bytes are; and no racy window is needed,
/// since its time was taken from the very file after the build wrote it, and a file changed
/// by anything else gets a later time. A source file is written by people and their tools,
/// which can restore an mtime (`touch -d`, `rsync -t`): there the ctime and inode are what
/// show the change.
pub fn published_as(meta: &fs::Metadata, size: u64, mtime_ns: u128) -> bool {
    meta.is_file() && meta.len() == size && mtime(meta) == Some(mtime_ns)
}

/// Nanoseconds since 1970 (negative before).
pub fn nanos_since_epoch(t: SystemTime) -> i128 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    }
}

/// The first line of a state file in the format `format` written by this executable: the
/// format, gazette's version and the executable's identity. A file whose first line differs
/// was written by another build of gazette and is not read.
pub(crate) fn state_header(format: &str) -> String {
    format!(
        "{format} {} {}\n",
        env!("CARGO_PKG_VERSION"),
        exe_identity()
    )
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
            .map(|m| Stamp::of(&m));
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
            let mut hasher = crate::digest::key_hasher();
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
                let settled =
                    stamp.is_some_and(|s| s.mtime_ns.max(s.ctime_ns) < now - RACY_WINDOW_NS * 20);
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
