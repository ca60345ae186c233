//! Reading a file's text: within a size limit, UTF-8 checked with the place of the first bad
//! byte, BOM removed and CRLF folded.

use std::path::Path;

use crate::error::{Diagnostic, line_col};

/// Reads a file as text: size limit, UTF-8, BOM and CRLF handled.
pub fn read_text(path: &Path, rel: &str, limit: u64) -> Result<String, Diagnostic> {
    read_text_at(path, rel, limit).map(|(text, _)| text)
}

/// [`read_text`], with the modification time of the file read (taken from the open file,
/// so that it belongs to the text returned).
pub(super) fn read_text_at(
    path: &Path,
    rel: &str,
    limit: u64,
) -> Result<(String, Option<std::time::SystemTime>), Diagnostic> {
    let (bytes, modified) = read_bytes_at(path, rel, limit)?;
    Ok((text_of(&bytes, rel)?, modified))
}

/// The bytes of a file, within the size limit, with the modification time of the file read.
pub(super) fn read_bytes_at(
    path: &Path,
    rel: &str,
    limit: u64,
) -> Result<(Vec<u8>, Option<std::time::SystemTime>), Diagnostic> {
    use std::io::Read;
    let unreadable = |e: std::io::Error| {
        Diagnostic::error(rel, 1, 1, "unreadable-file", format!("cannot read: {e}"))
            .with_hint("check that the file exists and is readable")
    };
    let mut file = std::fs::File::open(path).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    if meta.len() > limit {
        return Err(Diagnostic::error(
            rel,
            0,
            0,
            "file-too-large",
            format!("file is {} bytes; the limit is {limit}", meta.len()),
        )
        .with_hint("split the document, or move large data into a separate asset"));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    // A file that grew since it was measured is read to its end, but never past the limit.
    (&mut file)
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > limit {
        return Err(Diagnostic::error(
            rel,
            0,
            0,
            "file-too-large",
            format!("file is over {limit} bytes, the limit"),
        )
        .with_hint("split the document, or move large data into a separate asset"));
    }
    Ok((bytes, meta.modified().ok()))
}

/// The text of a file's bytes: UTF-8, BOM removed, CRLF folded.
pub(super) fn text_of(bytes: &[u8], rel: &str) -> Result<String, Diagnostic> {
    let Ok(text) = simdutf8::basic::from_utf8(bytes) else {
        // The slower validator says where.
        let valid = std::str::from_utf8(bytes)
            .err()
            .map_or(0, |e| e.valid_up_to());
        let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
        let (line, column) = line_col(prefix, valid);
        return Err(Diagnostic::error(rel, line, column, "not-utf8",
            format!("the file is not valid UTF-8 (byte 0x{:02X} at offset {valid})", bytes[valid]))
            .with_hint("save the file as UTF-8; GBK/GB18030 text must be converted, e.g. `iconv -f GB18030 -t UTF-8`"));
    };
    let mut text = text.strip_prefix('\u{feff}').unwrap_or(text).to_owned();
    if text.contains('\r') {
        text = text.replace("\r\n", "\n");
    }
    Ok(text)
}
