//! Adobe's predefined CMaps for the Adobe-GB1 character collection: which character code a
//! shown string's bytes start with, and which CID (glyph number) it selects.
//!
//! A Chinese PDF whose fonts are not embedded (the fonts a reader must already have, such as
//! `STSong-Light`) names one of these CMaps as its font's encoding and carries no map of its
//! own. The tables are shipped in `cmaps/adobe-gb1.txt` (made by `cmaps/make.py` from Adobe's
//! CMap resources; see `cmaps/LICENSE`) and parsed once, the first time a CMap is asked for.

use std::sync::OnceLock;

/// The shipped tables.
const TABLES: &str = include_str!("cmaps/adobe-gb1.txt");

/// A code's bytes as a number, with its length in bytes above them, so that codes of different
/// lengths never compare equal (`<41>` and `<0041>`).
fn key(bytes: &[u8]) -> u64 {
    let value = bytes.iter().fold(0u64, |v, &b| v << 8 | u64::from(b));
    (bytes.len() as u64) << 32 | value
}

/// A code → CID map.
#[derive(Debug)]
pub struct CMap {
    pub name: &'static str,
    /// Codespace ranges: each byte of a code of this length lies between the bounds' bytes.
    spaces: Vec<(Vec<u8>, Vec<u8>)>,
    /// `(first, last, CID of first)`, by [`key`], sorted and not overlapping.
    ranges: Vec<(u64, u64, u32)>,
    /// The CIDs shown for codes without a glyph, by [`key`].
    notdef: Vec<(u64, u64, u32)>,
}

impl CMap {
    /// The predefined CMap called `name` (a font's `/Encoding`), if it is shipped.
    pub fn named(name: &str) -> Option<&'static CMap> {
        static ALL: OnceLock<Vec<CMap>> = OnceLock::new();
        ALL.get_or_init(|| parse(TABLES))
            .iter()
            .find(|c| c.name == name)
    }

    /// The length of the code `bytes` starts with, and its CID (0, `.notdef`, for a code the
    /// CMap does not map). A string is read code by code: the shortest prefix that lies in a
    /// codespace range is the code; a byte that starts no code is a one-byte code of its own.
    pub fn next(&self, bytes: &[u8]) -> (usize, u32) {
        let Some(len) = (1..=bytes.len().min(4)).find(|&n| self.in_space(&bytes[..n])) else {
            return (1, 0);
        };
        let code = key(&bytes[..len]);
        let cid = lookup(&self.ranges, code)
            .or_else(|| lookup(&self.notdef, code))
            .unwrap_or(0);
        (len, cid)
    }

    fn in_space(&self, code: &[u8]) -> bool {
        self.spaces.iter().any(|(lo, hi)| {
            lo.len() == code.len()
                && code
                    .iter()
                    .zip(lo.iter().zip(hi))
                    .all(|(b, (lo, hi))| (lo..=hi).contains(&b))
        })
    }
}

fn lookup(ranges: &[(u64, u64, u32)], code: u64) -> Option<u32> {
    let at = ranges.partition_point(|&(first, _, _)| first <= code);
    let &(first, last, cid) = ranges.get(at.checked_sub(1)?)?;
    // The difference fits: codes are at most four bytes.
    (code <= last).then(|| cid + (code - first) as u32)
}

fn hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || text.len() > 8 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

/// The shipped tables, one [`CMap`] per `cmap` line. The file is part of the program: a line
/// that does not parse is a defect caught by the tests, and is skipped rather than trusted.
fn parse(text: &'static str) -> Vec<CMap> {
    let mut maps: Vec<CMap> = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let words: Vec<&str> = line.split_whitespace().collect();
        if let ["cmap", name] = words[..] {
            maps.push(CMap {
                name,
                spaces: Vec::new(),
                ranges: Vec::new(),
                notdef: Vec::new(),
            });
            continue;
        }
        let Some(map) = maps.last_mut() else { continue };
        let range = |lo: &str, hi: &str, cid: &str| -> Option<(u64, u64, u32)> {
            Some((key(&hex(lo)?), key(&hex(hi)?), cid.parse().ok()?))
        };
        match words[..] {
            ["space", lo, hi] => {
                if let (Some(lo), Some(hi)) = (hex(lo), hex(hi)) {
                    map.spaces.push((lo, hi));
                }
            }
            ["notdef", lo, hi, cid] => map.notdef.extend(range(lo, hi, cid)),
            [lo, hi, cid] => map.ranges.extend(range(lo, hi, cid)),
            [code, cid] => map.ranges.extend(range(code, code, cid)),
            _ => {}
        }
    }
    for map in &mut maps {
        map.ranges.sort_unstable();
        map.notdef.sort_unstable();
    }
    maps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_line_parses() {
        let lines = TABLES
            .lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with("cmap "))
            .count();
        let parsed: usize = parse(TABLES)
            .iter()
            .map(|m| m.spaces.len() + m.ranges.len() + m.notdef.len())
            .sum();
        assert_eq!(parsed, lines);
    }

    #[test]
    fn ranges_do_not_overlap() {
        for map in parse(TABLES) {
            for pair in map.ranges.windows(2) {
                assert!(pair[0].1 < pair[1].0, "{}: {pair:?}", map.name);
            }
        }
    }

    #[test]
    fn codes_select_the_cids_of_adobe_gb1() {
        // 温 is CID 3793 in Adobe-GB1: U+6E29 in UCS-2, CEC2 in GB 2312 and in GBK.
        let cases = [
            ("UniGB-UCS2-H", &[0x6E, 0x29][..], 2, 3793),
            ("UniGB-UTF16-H", &[0x6E, 0x29][..], 2, 3793),
            ("GB-EUC-H", &[0xCE, 0xC2][..], 2, 3793),
            ("GBK-EUC-H", &[0xCE, 0xC2][..], 2, 3793),
            // ASCII in GBK-EUC-H: proportional glyphs from CID 814, the space apart.
            ("GBK-EUC-H", b"A", 1, 846),
            ("GBK-EUC-H", b" ", 1, 7716),
            // A code outside every codespace range is one byte with no glyph.
            ("GB-EUC-H", &[0x90, 0x41][..], 1, 0),
            // GB 18030's four-byte codes, and one the CMap does not map.
            ("GBK2K-H", &[0x81, 0x30, 0x84, 0x36][..], 4, 22354),
            ("GBK2K-H", &[0x81, 0x30, 0x81, 0x30][..], 4, 0),
            // A surrogate pair.
            ("UniGB-UTF16-H", &[0xD8, 0x40, 0xDC, 0x87][..], 4, 22048),
        ];
        for (name, bytes, len, cid) in cases {
            let map = CMap::named(name).unwrap();
            let (got_len, got_cid) = map.next(bytes);
            assert_eq!((got_len, got_cid), (len, cid), "{name} {bytes:02X?}");
        }
        assert!(CMap::named("UniGB-UCS2-V").is_none());
    }
}
