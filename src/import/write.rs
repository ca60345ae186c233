//! Putting an import on disk: the issue folder, its `_index.md`, one file per item and the
//! source beside them. Nothing is ever overwritten: an issue folder that already holds
//! Markdown is refused, every file is created new, and a failure part-way removes what this
//! import created, so the content folder is left as it was.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::{Imported, decode, import, read_source};
use crate::config::Config;
use crate::content::date::Date;
use crate::content::{CONTENT_DIR, ISSUE_FILE};
use crate::error::{Diagnostic, Error, Result};
use crate::scaffold;

/// Files over this size are not read (a gazette issue's text is a few hundred kilobytes;
/// its PDF a few tens of megabytes).
const MAX_SOURCE: u64 = 256 * 1024 * 1024;

/// What `gazette import` is asked to do.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The site root.
    pub root: PathBuf,
    /// The PDF or text file.
    pub file: PathBuf,
    /// The issue, (year, number).
    pub issue: (u16, u16),
    /// 总第N期; default the previous issue's plus one.
    pub serial: Option<u32>,
    /// The publication date, as written on the command line.
    pub published: Option<String>,
    /// Write nothing; say what would be written.
    pub dry_run: bool,
}

/// What an import did (or, dry, would do).
#[derive(Clone, Debug, serde::Serialize)]
pub struct Outcome {
    /// The source, as named on the command line.
    pub source: String,
    /// The text encoding read (`None` for a PDF).
    pub encoding: Option<&'static str>,
    /// Pages of the source.
    pub pages: usize,
    /// The issue folder, relative to the root (`content/2020/01`).
    pub folder: String,
    /// The serial given to the issue.
    pub serial: u32,
    /// Where the serial came from: `--serial`, the previous issue's plus one, or the
    /// running head that prints it.
    pub serial_from: String,
    /// Every file written (or to be written), relative to the root, in order.
    pub files: Vec<String>,
    /// Nothing was written.
    pub dry_run: bool,
    /// The drafts and what the report says.
    #[serde(flatten)]
    pub imported: Imported,
}

/// A file name for the copy of the source: its own if that is a plain ASCII name.
fn source_name(file: &Path, pdf: bool) -> String {
    let ext = if pdf { "pdf" } else { "txt" };
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !name.starts_with('.')
        && name.to_ascii_lowercase().ends_with(&format!(".{ext}"));
    if plain {
        name.to_string()
    } else {
        format!("source.{ext}")
    }
}

/// Refuses a path under the root that passes through a symbolic link.
fn no_links(root: &Path, dir: &Path) -> Result<()> {
    let mut p = root.to_path_buf();
    for part in dir.strip_prefix(root).unwrap_or(dir).components() {
        p.push(part);
        if fs::symlink_metadata(&p).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Error::Fatal(format!(
                "{} is a symbolic link; gazette import writes only inside the content folder",
                p.display()
            )));
        }
    }
    Ok(())
}

fn refuse_existing(dir: &Path) -> Result<()> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(());
    };
    let mut md: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .collect();
    md.sort();
    if let Some(first) = md.first() {
        return Err(Error::Fatal(format!(
            "{} already holds Markdown ({first}{}); gazette import never overwrites an issue — import into a new issue, or move the folder away first",
            dir.display(),
            if md.len() > 1 {
                format!(" and {} more", md.len() - 1)
            } else {
                String::new()
            }
        )));
    }
    Ok(())
}

/// Imports `options.file` into the issue folder (or, dry, only says what it would write).
pub fn run(options: &Options) -> Result<Outcome> {
    let root = &options.root;
    let config = Config::load(root, None).map_err(Error::Invalid)?;
    let file = &options.file;
    let name = file.display().to_string();
    let meta = fs::metadata(file).map_err(|e| Error::io("read", file, e))?;
    if !meta.is_file() {
        return Err(Error::Fatal(format!("{name} is not a file")));
    }
    if meta.len() > MAX_SOURCE {
        return Err(Error::Fatal(format!(
            "{name} is larger than {} MiB",
            MAX_SOURCE >> 20
        )));
    }
    let bytes = fs::read(file).map_err(|e| Error::io("read", file, e))?;
    let pdf = bytes.starts_with(b"%PDF-");
    let (pages, encoding) = read_source(&bytes, &name)?;
    let scanned: Vec<String> = pages
        .iter()
        .filter(|p| p.scanned)
        .map(|p| p.index.to_string())
        .collect();
    if !scanned.is_empty() {
        return Err(Error::Fatal(format!(
            "{name}: page(s) {} have no text layer (scanned); OCR them first",
            scanned.join(", ")
        )));
    }
    let imported = import(&pages, &config);
    if imported
        .drafts
        .iter()
        .all(|d| d.notes.iter().any(|n| n.kind == "editorial-title"))
    {
        let at = imported
            .drafts
            .first()
            .and_then(|d| d.start.line)
            .unwrap_or(1);
        return Err(Error::Invalid(vec![
            Diagnostic::error(&name, at, 1, "no-items", "no printed item found: no 文号, no title ending in a 文种, no section banner, no headline")
                .with_hint("is this the text of a gazette issue?"),
        ]));
    }
    let published = options
        .published
        .as_deref()
        .map(Date::parse)
        .transpose()
        .map_err(|e| Error::Fatal(format!("--published: {e}")))?;
    let dir = scaffold::issue_dir(root, options.issue);
    no_links(root, &dir)?;
    refuse_existing(&dir)?;
    // With no previous issue (the next serial would be 1), the running heads' 总第N期.
    let (serial, serial_from) = match options.serial {
        Some(s) => (s, "--serial".to_string()),
        None => match (
            scaffold::next_serial(root, options.issue)?,
            imported.printed_serial,
        ) {
            (1, Some(p)) => (p.serial, format!("the running head at {}", p.at)),
            (1, None) => (1, "no previous issue, none printed".to_string()),
            (n, _) => (n, "the previous issue's plus one".to_string()),
        },
    };
    let folder = format!("{CONTENT_DIR}/{}/{:02}", options.issue.0, options.issue.1);
    let copy = source_name(file, pdf);
    let mut index = format!(
        "---\nyear: {}\nnumber: {}\nserial: {serial}\n",
        options.issue.0, options.issue.1
    );
    if let Some(p) = published {
        index.push_str(&format!("published: {p}\n"));
    }
    if pdf {
        index.push_str(&format!("pdf: {copy}\n"));
    }
    index.push_str("---\n");
    let mut writes: Vec<(String, Vec<u8>)> = vec![(ISSUE_FILE.to_string(), index.into_bytes())];
    for d in &imported.drafts {
        writes.push((d.file.clone(), d.text.clone().into_bytes()));
    }
    writes.push((copy, bytes));
    let files = writes
        .iter()
        .map(|(n, _)| format!("{folder}/{n}"))
        .collect();
    if !options.dry_run {
        write_all(&dir, &writes)?;
    }
    Ok(Outcome {
        source: name,
        encoding: encoding.map(decode::Encoding::name),
        pages: pages.len(),
        folder,
        serial,
        serial_from,
        files,
        dry_run: options.dry_run,
        imported,
    })
}

/// Creates every file new; on a failure removes what was created.
fn write_all(dir: &Path, writes: &[(String, Vec<u8>)]) -> Result<()> {
    let existed = dir.exists();
    fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
    let mut made: Vec<PathBuf> = Vec::new();
    let result = writes.iter().try_for_each(|(name, bytes)| {
        let path = dir.join(name);
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| Error::io("create", &path, e))?;
        made.push(path.clone());
        f.write_all(bytes).map_err(|e| Error::io("write", &path, e))
    });
    if result.is_err() {
        for p in &made {
            let _ = fs::remove_file(p);
        }
        if !existed {
            let _ = fs::remove_dir(dir);
        }
    }
    result
}
