//! Splitting a Markdown file into its YAML front matter and its body.
//!
//! A file starts with a line `---`, then YAML, then a line `---` (or `...`), then Markdown.
//! Positions are kept so every later message can name the line of the file, not the line
//! of the YAML block.

/// A file split into front matter and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML text between the fences (may be empty).
    pub yaml: &'a str,
    /// 1-based line of the file on which the YAML text starts.
    pub yaml_line: usize,
    /// The Markdown body after the closing fence.
    pub body: &'a str,
    /// 1-based line of the file on which the body starts.
    pub body_line: usize,
}

/// Why a file has no usable front matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitError {
    /// The file does not start with `---`.
    Missing,
    /// The opening `---` is never closed.
    Unterminated,
}

fn is_fence(line: &str, closing: bool) -> bool {
    let line = line.trim_end_matches([' ', '\t']);
    line == "---" || (closing && line == "...")
}

/// Splits `text` (already free of a BOM and of `\r\n` line ends).
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let first_end = text.find('\n').unwrap_or(text.len());
    if !is_fence(&text[..first_end], false) {
        return Err(SplitError::Missing);
    }
    let yaml_start = (first_end + 1).min(text.len());
    let mut offset = yaml_start;
    let mut line_no = 2;
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        if is_fence(&text[offset..end], true) {
            let body_start = (end + 1).min(text.len());
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[body_start..],
                body_line: line_no + 1,
            });
        }
        offset = end + 1;
        line_no += 1;
    }
    Err(SplitError::Unterminated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_with_positions() {
        let s = split("---\ntitle: a\n---\nbody\n").unwrap();
        assert_eq!(s.yaml, "title: a\n");
        assert_eq!(s.body, "body\n");
        assert_eq!((s.yaml_line, s.body_line), (2, 4));
    }

    #[test]
    fn empty_front_matter_and_no_body() {
        let s = split("---\n---").unwrap();
        assert_eq!((s.yaml, s.body), ("", ""));
    }

    #[test]
    fn missing_and_unterminated() {
        assert_eq!(split("title: a\n"), Err(SplitError::Missing));
        assert_eq!(split(""), Err(SplitError::Missing));
        assert_eq!(split("---\ntitle: a\n"), Err(SplitError::Unterminated));
    }

    proptest::proptest! {
        #[test]
        fn splitting_never_panics(text in "(---\n)?[\\PC\n]{0,200}(\n---\n)?[\\PC\n]{0,50}") {
            if let Ok(s) = split(&text) {
                proptest::prop_assert!(s.yaml_line == 2 && s.body_line >= 3);
                proptest::prop_assert!(text.contains(s.yaml) && text.ends_with(s.body));
            }
            let _ = crate::yaml::key_positions(&text, 1);
            let _ = crate::error::line_col(&text, text.len() / 2);
        }
    }
}
