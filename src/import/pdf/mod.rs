//! Reading a printed issue from a PDF: its text layer as pages of positioned lines.
//!
//! The PDF crate (`oxidize-pdf`) parses the file and its content streams. A page whose fonts
//! are all composite fonts with a predefined Chinese CMap is then read by [`text`] (the crate
//! reads them right but slowly); every other page's text comes from the crate's own text
//! extraction. Either way the text comes as pieces with their place on the page, which
//! [`geometry`] turns into lines in reading order. A hostile or damaged file must give a
//! [`PdfError`], never a panic: the crate's calls run under `catch_unwind`, and what comes
//! back is checked before it is used.

mod cmap;
mod font;
mod geometry;
mod text;

use std::fmt;
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use oxidize_pdf::parser::content::{ContentOperation, ContentParser};
use oxidize_pdf::parser::{ParseError, ParsedPage, PdfDocument, PdfReader};
use oxidize_pdf::text::ExtractionOptions;
use rayon::prelude::*;

use super::layout::Page;
use font::Document;
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
    read_by(bytes, Route::Own)
}

/// [`read`] with every page's text through the crate, for the tests and the bench that
/// compare the two ways.
#[doc(hidden)]
pub fn read_through_crate(bytes: &[u8]) -> Result<Vec<Page>, PdfError> {
    read_by(bytes, Route::Crate)
}

/// Which pages [`text`] reads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Route {
    /// Those it can read.
    Own,
    /// None.
    Crate,
}

fn read_by(bytes: &[u8], route: Route) -> Result<Vec<Page>, PdfError> {
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
    match catch_unwind(AssertUnwindSafe(|| read_pages(bytes, route))) {
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

fn read_pages(bytes: &[u8], route: Route) -> Result<Vec<Page>, PdfError> {
    let document = open(bytes)?;
    let count = document.page_count().map_err(parse_error)?;
    // Pages are read in parallel, each worker with its own document: the crate's documents
    // cannot be shared between threads, and opening one again costs little next to reading
    // a page (see the README's measurements). Each worker keeps the fonts it has read.
    (0..count)
        .into_par_iter()
        .map_init(
            || (open(bytes), text::FontCache::default()),
            |(document, fonts), index| {
                let document = document.as_ref().map_err(Clone::clone)?;
                let fonts = (route == Route::Own).then_some(fonts);
                read_page(document, index, fonts).map_err(|error| match error {
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

fn open(bytes: &[u8]) -> Result<Document<'_>, PdfError> {
    let reader = PdfReader::new(Cursor::new(bytes)).map_err(parse_error)?;
    if reader.is_encrypted() && !reader.is_unlocked() {
        return Err(PdfError::Encrypted);
    }
    Ok(PdfDocument::new(reader))
}

/// Page `index`, its text read by [`text`] when `fonts` is given and the page allows it.
fn read_page(
    document: &Document<'_>,
    index: u32,
    fonts: Option<&mut text::FontCache>,
) -> Result<Page, PdfError> {
    let page = document.get_page(index).map_err(parse_error)?;
    let [x0, y0, x1, y1] = page.media_box;
    let (width, height) = ((x1 - x0) as f32, (y1 - y0) as f32);
    let operations = operations(document, &page);
    let own = fonts.and_then(|cache| {
        let resources = resources(document, &page);
        let fonts = text::page_fonts(document, resources.as_ref(), operations.as_deref()?, cache)?;
        text::shown(operations.as_deref()?, &fonts)
    });
    let shown = match own {
        Some(shown) => shown,
        None => crate_text(document, index)?,
    };
    let fragments: Vec<Fragment> = shown
        .iter()
        .filter(|s| !s.text.trim().is_empty())
        .filter_map(|s| {
            Fragment::from_pdf(&s.text, s.x - x0, s.y - y0, s.width, s.font_size, height)
        })
        .collect();
    let size = (width.is_finite() && height.is_finite() && width > 0.0 && height > 0.0)
        .then_some((width, height));
    let lines = geometry::lines(fragments);
    let scanned = lines.is_empty() && operations.is_some_and(|ops| draws_image(&ops));
    Ok(Page {
        index: index as usize + 1,
        size,
        scanned,
        lines,
    })
}

/// The page's text as the crate's text extraction gives it.
fn crate_text(document: &Document<'_>, index: u32) -> Result<Vec<text::Shown>, PdfError> {
    let text = document
        .extract_text_from_page_with_options(index, options())
        .map_err(parse_error)?;
    Ok(text
        .fragments
        .into_iter()
        .map(|f| text::Shown {
            text: f.text,
            x: f.x,
            y: f.y,
            width: f.width,
            // The crate gives a fragment's height as its font size scaled to the page, and
            // its font size the same way; the height stands in where the size is not usable.
            font_size: if f.font_size.is_finite() && f.font_size > 0.0 {
                f.font_size
            } else {
                f.height
            },
        })
        .collect())
}

/// The page's content streams as operators, or `None` when they cannot be parsed.
fn operations(document: &Document<'_>, page: &ParsedPage) -> Option<Vec<ContentOperation>> {
    let stream = page.combined_content_stream_with_document(document).ok()?;
    ContentParser::parse(&stream).ok()
}

/// The page's resources, its own or inherited, resolved when given by reference.
fn resources(
    document: &Document<'_>,
    page: &ParsedPage,
) -> Option<oxidize_pdf::parser::objects::PdfDictionary> {
    match page.dict.get("Resources") {
        Some(object) => document.resolve(object).ok()?.as_dict().cloned(),
        None => page.inherited_resources.clone(),
    }
}

/// Whether the page paints an image (an XObject or an inline image): with no text, a scan.
fn draws_image(operations: &[ContentOperation]) -> bool {
    operations.iter().any(|op| {
        matches!(
            op,
            ContentOperation::PaintXObject(_) | ContentOperation::InlineImage { .. }
        )
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

#[cfg(test)]
#[path = "text_tests.rs"]
mod text_tests;
