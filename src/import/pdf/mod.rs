//! Reading a printed issue from a PDF: its text layer as pages of positioned lines.
//!
//! The PDF crate (`oxidize-pdf`) decodes fonts and content streams and hands back text
//! fragments with their place on the page; [`geometry`] turns those into lines in reading
//! order. Everything about the crate lives in this file, so that swapping it touches one place.
//! A hostile or damaged file must give a [`PdfError`], never a panic: the crate's calls run
//! under `catch_unwind`, and what comes back is checked before it is used.

mod geometry;

use std::fmt;
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use oxidize_pdf::parser::content::{ContentOperation, ContentParser};
use oxidize_pdf::parser::{ParseError, PdfDocument, PdfReader};
use oxidize_pdf::text::ExtractionOptions;
use rayon::prelude::*;

use super::layout::Page;
pub use geometry::Fragment;

/// Why a PDF could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PdfError {
    /// The file has no bytes at all.
    Empty,
    /// The file does not start like a PDF (`%PDF-`): another kind of file named `.pdf`.
    NotPdf,
    /// The file is encrypted with a password; its text cannot be read without it.
    Encrypted,
    /// The file starts like a PDF but its structure cannot be read (truncated, damaged).
    Damaged(String),
}

impl fmt::Display for PdfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PdfError::Empty => f.write_str("the file is empty"),
            PdfError::NotPdf => f.write_str("not a PDF: the file does not start with %PDF-"),
            PdfError::Encrypted => f.write_str(
                "the PDF is encrypted with a password: save an unencrypted copy and import that",
            ),
            PdfError::Damaged(why) => write!(f, "the PDF is damaged or truncated: {why}"),
        }
    }
}

impl std::error::Error for PdfError {}

/// How far into the file the `%PDF-` header may start: readers accept a little leading junk.
const HEADER_WINDOW: usize = 1024;

/// Reads every page of a PDF: its lines in reading order with their boxes and font sizes.
///
/// A page that draws an image but has no text is returned as `scanned` with no lines.
pub fn read(bytes: &[u8]) -> Result<Vec<Page>, PdfError> {
    if bytes.is_empty() {
        return Err(PdfError::Empty);
    }
    let window = &bytes[..bytes.len().min(HEADER_WINDOW)];
    if !window.windows(5).any(|w| w == b"%PDF-") {
        return Err(PdfError::NotPdf);
    }
    quiet_crate_panics();
    // The crate keeps caches in RefCells; nothing of it outlives a panic, so unwinding
    // through it cannot leave state behind that we would observe.
    match catch_unwind(AssertUnwindSafe(|| read_pages(bytes))) {
        Ok(result) => result,
        Err(_) => Err(PdfError::Damaged(
            "the PDF reader gave up on its structure".to_owned(),
        )),
    }
}

/// Keeps a panic inside the PDF crate (it has some on hostile input: an arithmetic overflow,
/// a string cut inside a character) from printing a backtrace before the clean error that
/// [`read`] returns for it. Installed once, for the whole process; every other panic still
/// goes to the hook that was there before.
fn quiet_crate_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_crate = info
                .location()
                .is_some_and(|at| at.file().contains("oxidize-pdf"));
            if !in_crate {
                previous(info);
            }
        }));
    });
}

fn read_pages(bytes: &[u8]) -> Result<Vec<Page>, PdfError> {
    let document = open(bytes)?;
    let count = document.page_count().map_err(parse_error)?;
    // Pages are read in parallel, each worker with its own document: the crate's documents
    // cannot be shared between threads, and opening one again costs little next to reading
    // a page in a font with a predefined CMap (see the README's measurements). Nor does
    // parsing the fonts again for each page: keeping one `TextExtractor` (which caches
    // fonts by object) per worker was measured to change nothing.
    (0..count)
        .into_par_iter()
        .map_init(
            || open(bytes),
            |document, index| {
                let document = document.as_ref().map_err(Clone::clone)?;
                read_page(document, index).map_err(|error| match error {
                    PdfError::Damaged(why) => {
                        PdfError::Damaged(format!("page {}: {why}", index + 1))
                    }
                    other => other,
                })
            },
        )
        // Every page's result is kept and the first error in page order returned: rayon's
        // own collect into a `Result` returns whichever error a worker met first, so a
        // damaged file's message would change from one run to the next.
        .collect::<Vec<_>>()
        .into_iter()
        .collect()
}

/// How the crate is asked for a page's text.
fn options() -> ExtractionOptions {
    ExtractionOptions {
        // Fragments (text with positions) come only with the layout option.
        preserve_layout: true,
        // Running heads and page numbers may be tagged as artifacts; the text pipeline needs
        // them to find the printed page numbers.
        include_artifacts: true,
        merge_hyphenated: false,
        ..ExtractionOptions::default()
    }
}

fn open(bytes: &[u8]) -> Result<PdfDocument<Cursor<&[u8]>>, PdfError> {
    let reader = PdfReader::new(Cursor::new(bytes)).map_err(parse_error)?;
    if reader.is_encrypted() && !reader.is_unlocked() {
        return Err(PdfError::Encrypted);
    }
    Ok(PdfDocument::new(reader))
}

fn read_page(document: &PdfDocument<Cursor<&[u8]>>, index: u32) -> Result<Page, PdfError> {
    let page = document.get_page(index).map_err(parse_error)?;
    let [x0, y0, x1, y1] = page.media_box;
    let (width, height) = ((x1 - x0) as f32, (y1 - y0) as f32);
    let text = document
        .extract_text_from_page_with_options(index, options())
        .map_err(parse_error)?;
    let fragments: Vec<Fragment> = text
        .fragments
        .iter()
        .filter(|f| !f.text.trim().is_empty())
        .filter_map(|f| {
            Fragment::from_pdf(
                &f.text,
                f.x - x0,
                f.y - y0,
                f.width,
                f.height,
                f.font_size,
                height,
            )
        })
        .collect();
    let size = (width.is_finite() && height.is_finite() && width > 0.0 && height > 0.0)
        .then_some((width, height));
    let lines = geometry::lines(fragments);
    let scanned = lines.is_empty() && draws_image(document, &page);
    Ok(Page {
        index: index as usize + 1,
        size,
        scanned,
        lines,
    })
}

/// Whether the page paints an image (an XObject or an inline image): with no text, a scan.
fn draws_image(
    document: &PdfDocument<Cursor<&[u8]>>,
    page: &oxidize_pdf::parser::ParsedPage,
) -> bool {
    let Ok(streams) = page.content_streams_with_document(document) else {
        return false;
    };
    streams.iter().any(|stream| {
        ContentParser::parse(stream).is_ok_and(|ops| {
            ops.iter().any(|op| {
                matches!(
                    op,
                    ContentOperation::PaintXObject(_) | ContentOperation::InlineImage { .. }
                )
            })
        })
    })
}

fn parse_error(error: ParseError) -> PdfError {
    match error {
        ParseError::EmptyFile => PdfError::Empty,
        ParseError::EncryptionNotSupported | ParseError::PdfLocked | ParseError::WrongPassword => {
            PdfError::Encrypted
        }
        other => PdfError::Damaged(other.to_string()),
    }
}

#[cfg(test)]
mod tests;
