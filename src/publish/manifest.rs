//! The manifest for mirrors: `manifest.json` lists every file of the site except itself, by
//! path, with its size and SHA-256, sorted by path. Hashes are taken from the bytes as the
//! build puts them ([`crate::output::Output::put`]), never by reading the tree again.
//! [`verify`] checks a copy against its manifest and reports missing, extra and altered
//! files. The output folder holds the site and nothing else (the build state lives elsewhere,
//! see [`crate::state`]), so every file in it but the manifest is listed.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs;
use std::io::Read as _;
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::cache::FileDigest;
use crate::error::{Error, Result};
use crate::output::is_contained;

use crate::urls::MANIFEST_FILE;
/// The only hash algorithm the manifest uses.
pub const ALGORITHM: &str = "sha256";

/// One listed file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Site path, `/`-separated.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256, lowercase hexadecimal.
    pub sha256: String,
}

/// The manifest as read back.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Manifest {
    /// What made it.
    pub generator: String,
    /// The site's title.
    pub site: String,
    /// The site's base URL, if it has one.
    pub base_url: Option<String>,
    /// Always `sha256`.
    pub algorithm: String,
    /// Every file but the manifest, sorted by path.
    pub files: Vec<Entry>,
}

/// The bytes of `manifest.json` for the files of a build. One file per line keeps large
/// manifests readable and their diffs small.
pub fn render(
    title: &str,
    base_url: Option<&str>,
    files: &BTreeMap<String, FileDigest>,
) -> Vec<u8> {
    let mut out = String::with_capacity(files.len() * 128 + 256);
    out.push_str("{\n");
    let fields = [
        (
            "generator",
            serde_json::json!(concat!("gazette ", env!("CARGO_PKG_VERSION"))),
        ),
        ("site", serde_json::json!(title)),
        ("base_url", serde_json::json!(base_url)),
        ("algorithm", serde_json::json!(ALGORITHM)),
    ];
    for (key, value) in fields {
        out.push_str(&format!("  \"{key}\": {value},\n"));
    }
    out.push_str("  \"files\": [");
    use rayon::prelude::*;
    let listed: Vec<(&String, &FileDigest)> = files
        .iter()
        .filter(|(path, _)| *path != MANIFEST_FILE)
        .collect();
    /// An [`Entry`] that borrows its text.
    #[derive(Serialize)]
    struct Listed<'a> {
        path: &'a str,
        size: u64,
        sha256: &'a str,
    }
    // Lines are written in chunks side by side, each chunk into one buffer.
    let chunks: Vec<String> = listed
        .par_chunks(4096)
        .enumerate()
        .map(|(c, chunk)| {
            let mut buf = Vec::with_capacity(chunk.len() * 128);
            for (k, (path, digest)) in chunk.iter().enumerate() {
                buf.extend_from_slice(if c == 0 && k == 0 {
                    b"\n    "
                } else {
                    b",\n    "
                });
                let entry = Listed {
                    path,
                    size: digest.size,
                    sha256: &digest.sha256,
                };
                serde_json::to_writer(&mut buf, &entry).expect("serialisable");
            }
            String::from_utf8(buf).expect("JSON is UTF-8")
        })
        .collect();
    for chunk in &chunks {
        out.push_str(chunk);
    }
    out.push_str(if listed.is_empty() {
        "]\n}\n"
    } else {
        "\n  ]\n}\n"
    });
    out.into_bytes()
}

/// A listed file whose copy differs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Altered {
    /// Site path.
    pub path: String,
    /// What the manifest says.
    pub expected: FileDigest,
    /// What the copy holds (`None`: not a regular file).
    pub found: Option<FileDigest>,
}

/// What [`verify`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Files the manifest lists.
    pub listed: usize,
    /// Listed files that are not in the copy.
    pub missing: Vec<String>,
    /// Files of the copy that the manifest does not list.
    pub extra: Vec<String>,
    /// Listed files whose size or SHA-256 differs.
    pub altered: Vec<Altered>,
}

impl Report {
    /// Whether the copy is complete and unaltered.
    pub fn is_intact(&self) -> bool {
        self.missing.is_empty() && self.extra.is_empty() && self.altered.is_empty()
    }

    /// Number of problems.
    pub fn problems(&self) -> usize {
        self.missing.len() + self.extra.len() + self.altered.len()
    }
}

impl fmt::Display for Report {
    /// One line per problem (`missing: …`, `extra: …`, `altered: …`), sorted by kind and path.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.missing {
            writeln!(f, "missing: {p}")?;
        }
        for p in &self.extra {
            writeln!(f, "extra: {p}")?;
        }
        for a in &self.altered {
            match &a.found {
                None => writeln!(f, "altered: {} (not a regular file)", a.path)?,
                Some(found) if found.size != a.expected.size => writeln!(
                    f,
                    "altered: {} ({} bytes, the manifest says {})",
                    a.path, found.size, a.expected.size
                )?,
                Some(found) => writeln!(
                    f,
                    "altered: {} (SHA-256 {}, the manifest says {})",
                    a.path, found.sha256, a.expected.sha256
                )?,
            }
        }
        Ok(())
    }
}

/// Reads and checks `dir/manifest.json`.
pub fn read(dir: &Path) -> Result<Manifest> {
    let path = dir.join(MANIFEST_FILE);
    let bytes = fs::read(&path).map_err(|e| Error::io("read the manifest", &path, e))?;
    let manifest: Manifest = serde_json::from_slice(&bytes)
        .map_err(|e| Error::Fatal(format!("cannot read the manifest {}: {e}", path.display())))?;
    if manifest.algorithm != ALGORITHM {
        return Err(Error::Fatal(format!(
            "the manifest {} uses the hash `{}`; only `{ALGORITHM}` is known",
            path.display(),
            manifest.algorithm
        )));
    }
    let mut seen = BTreeSet::new();
    for e in &manifest.files {
        let hex = e.sha256.len() == 64 && e.sha256.bytes().all(|b| b.is_ascii_hexdigit());
        if !is_contained(&e.path) || !hex || !seen.insert(e.path.as_str()) {
            return Err(Error::Fatal(format!(
                "the manifest {} is damaged: bad or repeated entry `{}`",
                path.display(),
                e.path
            )));
        }
    }
    Ok(manifest)
}

fn digest_file(path: &Path) -> std::io::Result<FileDigest> {
    use sha2::{Digest, Sha256};
    let mut file = fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buffer[..n]);
    }
    let hash = hasher.finalize();
    let mut sha256 = String::with_capacity(64);
    for b in hash.iter() {
        use fmt::Write as _;
        let _ = write!(sha256, "{b:02x}");
    }
    Ok(FileDigest { size, sha256 })
}

/// Checks the copy of a site at `dir` against its `manifest.json`. Fails (an
/// [`Error::Fatal`]) only when the manifest itself is missing or unreadable; every difference
/// is in the [`Report`].
pub fn verify(dir: &Path) -> Result<Report> {
    let manifest = read(dir)?;
    let listed: BTreeMap<&str, &Entry> = manifest
        .files
        .iter()
        .map(|e| (e.path.as_str(), e))
        .collect();
    let mut report = Report {
        listed: listed.len(),
        ..Report::default()
    };
    let mut present: BTreeSet<String> = BTreeSet::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1).sort_by_file_name() {
        let entry =
            entry.map_err(|e| Error::Fatal(format!("cannot read {}: {e}", dir.display())))?;
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = crate::output::site_path(entry.path().strip_prefix(dir).expect("inside"));
        if rel == MANIFEST_FILE {
            continue;
        }
        if listed.contains_key(rel.as_str()) {
            present.insert(rel);
        } else {
            report.extra.push(rel);
        }
    }
    report.missing = listed
        .keys()
        .filter(|p| !present.contains(**p))
        .map(|p| p.to_string())
        .collect();
    let altered: Vec<Option<Altered>> = present
        .par_iter()
        .map(|rel| {
            let want = listed[rel.as_str()];
            let expected = FileDigest {
                size: want.size,
                sha256: want.sha256.to_ascii_lowercase(),
            };
            let path = dir.join(rel);
            let regular = fs::symlink_metadata(&path).is_ok_and(|m| m.is_file());
            let found = if regular {
                digest_file(&path).ok()
            } else {
                None
            };
            (found.as_ref() != Some(&expected)).then(|| Altered {
                path: rel.clone(),
                expected,
                found,
            })
        })
        .collect();
    report.altered = altered.into_iter().flatten().collect();
    Ok(report)
}
