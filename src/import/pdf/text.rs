//! Reading the text of a page whose every font is one [`CidFont`] decodes, by interpreting
//! its text operators here rather than through the PDF crate.
//!
//! The crate decodes such fonts correctly but slowly: it finds each character code's CID by
//! comparing the code with the CMap's ranges one by one, several times per code, so that a
//! page in a font such as `STSong-Light` costs some 30 ms (see the README, "PDF input").
//! Here the CMap is a sorted table built once, and the pen is moved as the PDF specification
//! says (ISO 32000-1 §9.4): `Tc`, `Tw`, `Tz`, `TL`, `Ts`, the text and line matrices and the
//! CTM. Each shown string (or each string of a `TJ` array) is a piece of text at its place;
//! a piece that goes on where the one before it stopped joins it (see [`continues`]).
//!
//! A page is read here only when nothing on it needs what this reader does not do: every font
//! it selects is a [`CidFont`], it paints no form XObject (whose own resources and operators
//! would have to be followed) and it has no marked content with properties (which may carry
//! `/ActualText` replacing the drawn text). Any other page goes to the crate.

use std::collections::HashMap;
use std::rc::Rc;

use oxidize_pdf::parser::content::{ContentOperation, TextElement};
use oxidize_pdf::parser::objects::{PdfDictionary, PdfObject};

use super::font::{CidFont, Document};

/// A piece of text as drawn, in the page's default user space (`y` up): the pen's origin at
/// its start, its advance and its font size, both scaled to the page.
#[derive(Clone, Debug, PartialEq)]
pub struct Shown {
    pub text: String,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub font_size: f64,
}

/// The fonts a page selects, by resource name: `None` for one this reader does not decode,
/// which is fine as long as no text is shown in it.
pub type PageFonts = HashMap<String, Option<Rc<CidFont>>>;

/// Fonts already read, by object number: a document's pages share their fonts. `None` for a
/// font this reader does not decode.
#[derive(Default)]
pub struct FontCache(HashMap<(u32, u16), Option<Rc<CidFont>>>);

/// The fonts of a page, or `None` when the page draws what this reader does not follow.
pub fn page_fonts(
    document: &Document<'_>,
    resources: Option<&PdfDictionary>,
    operations: &[ContentOperation],
    cache: &mut FontCache,
) -> Option<PageFonts> {
    let entry = |kind: &str, name: &str| -> Option<PdfObject> {
        let dict = document.resolve(resources?.get(kind)?).ok()?;
        dict.as_dict()?.get(name).cloned()
    };
    let mut fonts = PageFonts::new();
    for operation in operations {
        match operation {
            ContentOperation::SetFont(name, _) if !fonts.contains_key(name) => {
                let font = entry("Font", name).and_then(|f| font(document, &f, cache));
                fonts.insert(name.clone(), font);
            }
            ContentOperation::PaintXObject(name) => {
                let object = document.resolve(&entry("XObject", name)?).ok()?;
                let subtype = object.as_stream()?.dict.get("Subtype")?.as_name()?;
                if subtype.0 != "Image" {
                    return None;
                }
            }
            ContentOperation::SetGraphicsStateParams(name) => {
                let object = document.resolve(&entry("ExtGState", name)?).ok()?;
                if object.as_dict()?.get("Font").is_some() {
                    return None;
                }
            }
            ContentOperation::BeginMarkedContentWithProps(..)
            | ContentOperation::DefineMarkedContentPointWithProps(..) => return None,
            _ => {}
        }
    }
    Some(fonts)
}

fn font(document: &Document<'_>, object: &PdfObject, cache: &mut FontCache) -> Option<Rc<CidFont>> {
    let read = |object: &PdfObject| {
        let object = document.resolve(object).ok()?;
        CidFont::from_dict(document, object.as_dict()?).map(Rc::new)
    };
    match object.as_reference() {
        Some(id) => cache.0.entry(id).or_insert_with(|| read(object)).clone(),
        None => read(object),
    }
}

/// An affine matrix `[a b c d e f]`, applied to row vectors as the PDF specification writes.
type Matrix = [f64; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m` then `n`.
fn then(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn translate(x: f64, y: f64) -> Matrix {
    [1.0, 0.0, 0.0, 1.0, x, y]
}

fn apply(m: &Matrix, x: f64, y: f64) -> (f64, f64) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

/// What `q` saves and `Q` restores.
#[derive(Clone)]
struct Graphics {
    ctm: Matrix,
    char_spacing: f64,
    word_spacing: f64,
    /// `Tz`, as a fraction.
    scale: f64,
    leading: f64,
    rise: f64,
    font: Option<Rc<CidFont>>,
    size: f64,
}

struct Interpreter<'f> {
    fonts: &'f PageFonts,
    graphics: Graphics,
    stack: Vec<Graphics>,
    text: Matrix,
    line: Matrix,
    out: Vec<Shown>,
    /// Set when text is shown in a font this reader does not decode.
    refused: bool,
}

/// The deepest `q` nesting followed; deeper saves are not kept (a hostile stream's millions
/// of `q` would otherwise hold a state each).
const MAX_DEPTH: usize = 256;

/// The text a page draws, piece by piece in drawing order, or `None` when some of it is shown
/// in a font this reader does not decode (or in no font at all).
pub fn shown(operations: &[ContentOperation], fonts: &PageFonts) -> Option<Vec<Shown>> {
    let mut reader = Interpreter {
        fonts,
        graphics: Graphics {
            ctm: IDENTITY,
            char_spacing: 0.0,
            word_spacing: 0.0,
            scale: 1.0,
            leading: 0.0,
            rise: 0.0,
            font: None,
            size: 0.0,
        },
        stack: Vec::new(),
        text: IDENTITY,
        line: IDENTITY,
        out: Vec::new(),
        refused: false,
    };
    for operation in operations {
        reader.step(operation);
        if reader.refused {
            return None;
        }
    }
    Some(reader.out)
}

impl Interpreter<'_> {
    fn step(&mut self, operation: &ContentOperation) {
        use ContentOperation as Op;
        let g = &mut self.graphics;
        match operation {
            Op::SaveGraphicsState if self.stack.len() < MAX_DEPTH => self.stack.push(g.clone()),
            Op::RestoreGraphicsState => {
                if let Some(saved) = self.stack.pop() {
                    *g = saved;
                }
            }
            Op::SetTransformMatrix(a, b, c, d, e, f) => {
                let m = [a, b, c, d, e, f].map(|v| f64::from(*v));
                g.ctm = then(&m, &g.ctm);
            }
            Op::BeginText => {
                self.text = IDENTITY;
                self.line = IDENTITY;
            }
            Op::SetCharSpacing(v) => g.char_spacing = f64::from(*v),
            Op::SetWordSpacing(v) => g.word_spacing = f64::from(*v),
            Op::SetHorizontalScaling(v) => g.scale = f64::from(*v) / 100.0,
            Op::SetLeading(v) => g.leading = f64::from(*v),
            Op::SetTextRise(v) => g.rise = f64::from(*v),
            Op::SetFont(name, size) => {
                g.font = self.fonts.get(name).cloned().flatten();
                g.size = f64::from(*size);
            }
            Op::MoveText(x, y) => self.move_line(f64::from(*x), f64::from(*y)),
            Op::MoveTextSetLeading(x, y) => {
                g.leading = -f64::from(*y);
                self.move_line(f64::from(*x), f64::from(*y));
            }
            Op::SetTextMatrix(a, b, c, d, e, f) => {
                self.text = [a, b, c, d, e, f].map(|v| f64::from(*v));
                self.line = self.text;
            }
            Op::NextLine => self.next_line(),
            Op::ShowText(bytes) => self.show(bytes, None),
            Op::NextLineShowText(bytes) => {
                self.next_line();
                self.show(bytes, None);
            }
            Op::SetSpacingNextLineShowText(word, char, bytes) => {
                g.word_spacing = f64::from(*word);
                g.char_spacing = f64::from(*char);
                self.next_line();
                self.show(bytes, None);
            }
            Op::ShowTextArray(elements) => {
                let mut offset = None;
                for element in elements {
                    match element {
                        TextElement::Text(bytes) => {
                            self.show(bytes, offset);
                            offset = None;
                        }
                        TextElement::Spacing(adjust) => {
                            let g = &self.graphics;
                            let tx = -f64::from(*adjust) / 1000.0 * g.size * g.scale;
                            self.text = then(&translate(tx, 0.0), &self.text);
                            offset = Some(-f64::from(*adjust));
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn move_line(&mut self, x: f64, y: f64) {
        self.line = then(&translate(x, y), &self.line);
        self.text = self.line;
    }

    fn next_line(&mut self) {
        self.move_line(0.0, -self.graphics.leading);
    }

    /// The pen's place on the page now.
    fn pen(&self) -> (f64, f64) {
        apply(
            &then(&self.text, &self.graphics.ctm),
            0.0,
            self.graphics.rise,
        )
    }

    /// Shows `bytes`; `offset` when a `TJ` array's offset (in thousandths of the font size,
    /// positive to the right) moved the pen to them.
    fn show(&mut self, bytes: &[u8], offset: Option<f64>) {
        let Some(font) = self.graphics.font.clone() else {
            self.refused = true;
            return;
        };
        let g = &self.graphics;
        let combined = then(&self.text, &g.ctm);
        let font_size = g.size * combined[2].hypot(combined[3]);
        let start = self.pen();
        let mut text = String::new();
        let mut advance = 0.0;
        for glyph in font.glyphs(bytes) {
            text.push_str(glyph.text);
            let spacing = g.char_spacing + if glyph.is_space { g.word_spacing } else { 0.0 };
            advance += (glyph.width / 1000.0 * g.size + spacing) * g.scale;
        }
        self.text = then(&translate(advance, 0.0), &self.text);
        let end = self.pen();
        if text.is_empty() {
            return;
        }
        let width = (end.0 - start.0).hypot(end.1 - start.1);
        let space = font.space_width() / 1000.0 * g.size * g.scale * combined[0].hypot(combined[1]);
        let piece = Shown {
            text,
            x: start.0,
            y: start.1,
            width,
            font_size,
        };
        match self.out.last_mut() {
            Some(last) if continues(last, &piece) => {
                let gap = piece.x - (last.x + last.width);
                // A space the layout made by moving the pen: an offset in a `TJ` array of a
                // fifth of the font size or more (less is kerning), or a gap of half the
                // font's space or more between two strings not already apart by a space.
                let spaced = last.text.ends_with(char::is_whitespace)
                    || piece.text.starts_with(char::is_whitespace);
                let moved = match offset {
                    Some(offset) => offset > 200.0,
                    None if spaced => false,
                    None if space > 0.0 => gap > 0.5 * space,
                    None => gap > 0.3 * piece.font_size,
                };
                if moved {
                    last.text.push(' ');
                }
                last.text.push_str(&piece.text);
                last.width = piece.x + piece.width - last.x;
            }
            _ => self.out.push(piece),
        }
    }
}

/// Whether `next` goes on where `last` stopped: on its baseline, at its end or a little to
/// the right. Such strings are one piece, so that a string of spaces between two words, or a
/// word drawn letter by letter, keeps its spaces and stays one word.
fn continues(last: &Shown, next: &Shown) -> bool {
    let gap = next.x - (last.x + last.width);
    (last.y - next.y).abs() < 1.0 && gap >= -1e-6 && gap < 0.5 * next.font_size
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrices_compose_as_the_specification_writes() {
        // Scale by 2, then move by (10, 20): the origin lands at (10, 20), (1, 1) at (12, 22).
        let m = then(&[2.0, 0.0, 0.0, 2.0, 0.0, 0.0], &translate(10.0, 20.0));
        assert_eq!(apply(&m, 0.0, 0.0), (10.0, 20.0));
        assert_eq!(apply(&m, 1.0, 1.0), (12.0, 22.0));
        assert_eq!(then(&IDENTITY, &m), m);
    }
}
