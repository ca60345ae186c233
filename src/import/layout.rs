//! What an import reads: a printed issue as pages of lines, in reading order.
//!
//! Both sources meet here. A PDF gives each line its place on the page (so running heads,
//! page numbers and columns are found by geometry); text extracted from a PDF gives only the
//! lines and where page breaks fell, if it marks them (a form feed), and each line's number
//! in the file, so the review report can point at it.

/// One page of the source, as printed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page {
    /// 1-based position of the page in the source file (not its printed page number).
    pub index: usize,
    /// Width and height in points, when the source has them (PDF).
    pub size: Option<(f32, f32)>,
    /// True for a page that holds an image but no text (a scan): its text cannot be read.
    pub scanned: bool,
    /// The page's lines in reading order: columns already one after the other.
    pub lines: Vec<Line>,
}

/// One printed line.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Line {
    /// The line's text as read (not yet cleaned: spaced-out letters and all).
    pub text: String,
    /// Where the line stands on its page, when the source has geometry (PDF).
    pub bbox: Option<Rect>,
    /// The font size in points, when known.
    pub font_size: Option<f32>,
    /// 1-based line number in a text source; `None` for a PDF.
    pub source_line: Option<usize>,
}

/// A rectangle on a page, in points, measured from the page's top-left corner.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rect {
    /// Distance of the left edge from the page's left edge.
    pub x: f32,
    /// Distance of the top edge from the page's top edge.
    pub y: f32,
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
}
