//! The fonts [`super::text`] reads itself: composite (Type0) fonts of the Adobe-GB1 character
//! collection encoded by a predefined horizontal CMap, with no ToUnicode map. A shown string's
//! bytes are codes; the CMap turns each into a CID; the collection's table turns the CID into
//! text, and the CID font's widths (`/W`, `/DW`) say how far the pen moves.

use std::io::Cursor;

use oxidize_pdf::parser::PdfDocument;
use oxidize_pdf::parser::objects::{PdfDictionary, PdfObject};
use oxidize_pdf::text::cid_to_unicode::AdobeCidCollection;

use super::cmap::CMap;

pub type Document<'b> = PdfDocument<Cursor<&'b [u8]>>;

/// A width in glyph space (thousandths of the font size) for the CIDs `first..=last`.
type Widths = Vec<(u32, u32, f64)>;

/// A font this reader decodes.
#[derive(Debug)]
pub struct CidFont {
    cmap: &'static CMap,
    /// Sorted by first CID, not overlapping.
    widths: Widths,
    default_width: f64,
    /// The advance of the font's space: see [`CidFont::space_width`].
    space_width: f64,
}

/// One character code of a shown string.
pub struct Glyph {
    /// Its text: the CID's Unicode, U+FFFD for a CID the collection does not map.
    pub text: &'static str,
    /// How far it moves the pen, in thousandths of the font size.
    pub width: f64,
    /// Whether it is the one-byte code 32, which word spacing (`Tw`) applies to.
    pub is_space: bool,
}

impl CidFont {
    /// The font that `dict` describes, or `None` when this reader does not decode it (any other
    /// kind of font, an embedded or vertical CMap, a ToUnicode map, another collection): the
    /// page is then left to the PDF crate.
    pub fn from_dict(document: &Document<'_>, dict: &PdfDictionary) -> Option<CidFont> {
        let name = |d: &PdfDictionary, key: &str| -> Option<String> {
            Some(resolve(document, d.get(key)?)?.as_name()?.0.clone())
        };
        if name(dict, "Subtype")? != "Type0" || dict.get("ToUnicode").is_some() {
            return None;
        }
        let cmap = CMap::named(&name(dict, "Encoding")?)?;
        let descendants = resolve(document, dict.get("DescendantFonts")?)?;
        let descendant = resolve(document, descendants.as_array()?.0.first()?)?;
        let descendant = descendant.as_dict()?;
        let info = resolve(document, descendant.get("CIDSystemInfo")?)?;
        let info = info.as_dict()?;
        let text = |key: &str| -> Option<Vec<u8>> {
            let object = resolve(document, info.get(key)?)?;
            Some(object.as_string()?.as_bytes().to_vec())
        };
        if text("Registry")? != b"Adobe" || text("Ordering")? != b"GB1" {
            return None;
        }
        let default_width = match descendant.get("DW") {
            Some(dw) => number(&resolve(document, dw)?)?,
            None => 1000.0,
        };
        let widths = match descendant.get("W") {
            Some(w) => widths(document, &resolve(document, w)?)?,
            None => Vec::new(),
        };
        let mut font = CidFont {
            cmap,
            widths,
            default_width,
            space_width: 0.0,
        };
        font.space_width = font.find_space_width();
        Some(font)
    }

    /// The glyphs of a shown string, code by code.
    pub fn glyphs<'a>(&'a self, bytes: &'a [u8]) -> impl Iterator<Item = Glyph> + 'a {
        let mut at = 0;
        std::iter::from_fn(move || {
            let rest = bytes.get(at..).filter(|r| !r.is_empty())?;
            let (len, cid) = self.cmap.next(rest);
            at += len;
            let text = u16::try_from(cid)
                .ok()
                .and_then(|cid| AdobeCidCollection::Gb1.cid_to_unicode_sequence(cid))
                .unwrap_or("\u{FFFD}");
            Some(Glyph {
                text,
                width: self.width(cid),
                is_space: len == 1 && rest[0] == b' ',
            })
        })
    }

    /// The advance of the font's space (the code for U+0020, one byte or two), in
    /// thousandths of the font size; 0 when the CMap has none.
    pub fn space_width(&self) -> f64 {
        self.space_width
    }

    fn find_space_width(&self) -> f64 {
        for code in [&b" "[..], &[0, b' '][..]] {
            let (len, cid) = self.cmap.next(code);
            if len == code.len() && cid != 0 {
                return self.width(cid);
            }
        }
        0.0
    }

    fn width(&self, cid: u32) -> f64 {
        let at = self.widths.partition_point(|&(first, _, _)| first <= cid);
        match at.checked_sub(1).map(|i| self.widths[i]) {
            Some((_, last, width)) if cid <= last => width,
            _ => self.default_width,
        }
    }
}

fn resolve(document: &Document<'_>, object: &PdfObject) -> Option<PdfObject> {
    document.resolve(object).ok()
}

fn number(object: &PdfObject) -> Option<f64> {
    match object {
        PdfObject::Integer(i) => Some(*i as f64),
        PdfObject::Real(r) if r.is_finite() => Some(*r),
        _ => None,
    }
}

/// A CID font's `/W` array: `c [w1 w2 …]` gives CIDs from `c` on their widths one by one;
/// `first last w` gives a range one width. An array that is not made so is refused.
fn widths(document: &Document<'_>, array: &PdfObject) -> Option<Widths> {
    let items: Vec<PdfObject> = array
        .as_array()?
        .0
        .iter()
        .map(|o| resolve(document, o))
        .collect::<Option<_>>()?;
    let cid = |o: &PdfObject| {
        number(o)
            .filter(|n| (0.0..=65535.0).contains(n))
            .map(|n| n as u32)
    };
    let mut out = Vec::new();
    let mut at = 0;
    while at < items.len() {
        let first = cid(&items[at])?;
        match items.get(at + 1)? {
            PdfObject::Array(list) => {
                for (i, w) in list.0.iter().enumerate() {
                    let w = number(&resolve(document, w)?)?;
                    let c = first.checked_add(u32::try_from(i).ok()?)?;
                    out.push((c, c, w));
                }
                at += 2;
            }
            last => {
                let last = cid(last)?;
                let w = number(items.get(at + 2)?)?;
                out.push((first, last, w));
                at += 3;
            }
        }
    }
    // Entries may not overlap; where a damaged file's do, the first one for a CID is kept.
    out.sort_by_key(|&(first, _, _)| first);
    let mut kept: Widths = Vec::with_capacity(out.len());
    for (first, last, w) in out {
        match kept.last() {
            Some(&(_, prev_last, _)) if first <= prev_last => {}
            _ => kept.push((first, last, w)),
        }
    }
    Some(kept)
}
