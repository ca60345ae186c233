//! Bytes of a text file to text: many Chinese text files are GB18030 (or its subset GBK), not
//! UTF-8, and a text extracted from a PDF may start with a BOM.
//!
//! The rule is simple and predictable: a BOM decides; otherwise valid UTF-8 is UTF-8; anything
//! else is decoded as GB18030, and refused when that does not give text either.

/// The encoding a text was read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (with or without a BOM).
    Utf8,
    /// UTF-16 with a BOM (little or big endian).
    Utf16,
    /// GB18030, which includes GBK and GB2312.
    Gb18030,
}

impl Encoding {
    /// The name printed in the report.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16 => "UTF-16",
            Encoding::Gb18030 => "GB18030",
        }
    }
}

/// Why bytes are not a text file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The file is empty (or holds only whitespace).
    Empty,
    /// The bytes decode to no text: a binary file, with the byte offset that shows it.
    NotText(usize),
}

/// Decodes `bytes`; line ends are left as they are.
pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), DecodeError> {
    let (text, encoding) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        (String::from_utf8_lossy(rest).into_owned(), Encoding::Utf8)
    } else if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let (text, _, _) = encoding_rs::UTF_16LE.decode(bytes);
        (text.into_owned(), Encoding::Utf16)
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        (text.to_string(), Encoding::Utf8)
    } else {
        let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
        if had_errors {
            let at = first_undecodable(bytes);
            return Err(DecodeError::NotText(at));
        }
        (text.into_owned(), Encoding::Gb18030)
    };
    // Control characters other than tab, line ends and form feed mean a binary file.
    if let Some(at) = text
        .char_indices()
        .find(|(_, c)| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
        .map(|(i, _)| i)
    {
        return Err(DecodeError::NotText(at));
    }
    if text.trim().is_empty() {
        return Err(DecodeError::Empty);
    }
    Ok((text, encoding))
}

/// The offset of the first byte GB18030 cannot decode (for the error message).
fn first_undecodable(bytes: &[u8]) -> usize {
    let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(bytes.len() * 3);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
    match result {
        encoding_rs::DecoderResult::Malformed(len, _) => read.saturating_sub(len as usize),
        _ => read,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_gb18030_and_bom() {
        assert_eq!(
            decode("温州".as_bytes()).unwrap(),
            ("温州".into(), Encoding::Utf8)
        );
        assert_eq!(
            decode(b"\xEF\xBB\xBF\xE6\xB8\xA9").unwrap(),
            ("温".into(), Encoding::Utf8)
        );
        let (gbk, _, _) = encoding_rs::GB18030.encode("温州市人民政府公报");
        assert_eq!(
            decode(&gbk).unwrap(),
            ("温州市人民政府公报".into(), Encoding::Gb18030)
        );
    }

    #[test]
    fn empty_and_binary_refused() {
        assert_eq!(decode(b""), Err(DecodeError::Empty));
        assert_eq!(decode(b" \n\n"), Err(DecodeError::Empty));
        assert!(matches!(
            decode(b"\x89PNG\r\n\x1a\n\0\0\0"),
            Err(DecodeError::NotText(_))
        ));
    }
}
