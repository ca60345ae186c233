//! Diagnostics: every problem `gazette` finds in its input, with the place it was found.
//!
//! A diagnostic names a file (relative to the site root, with `/` separators), a 1-based line
//! and column counted in characters, a stable code, a message and, where one helps, a hint that
//! tells the editor what to do. Diagnostics are collected rather than returned one at a time, so
//! an editor sees every mistake of a build at once, sorted by file and position.

use std::fmt;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The input cannot be built as it is.
    Error,
    /// The input builds, but something looks wrong.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One problem in the input, with its location.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// File relative to the site root, `/`-separated.
    pub path: String,
    /// 1-based line in the file.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// Error or warning.
    pub severity: Severity,
    /// A stable, machine-readable code such as `unknown-field`.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error at `path:line:column`.
    pub fn error(
        path: impl Into<String>,
        line: usize,
        column: usize,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            path: path.into(),
            // A problem with a whole file is reported at its start, where editors jump to.
            line: line.max(1),
            column: column.max(1),
            severity: Severity::Error,
            code,
            message: message.into(),
            hint: None,
        }
    }

    /// A warning at `path:line:column`.
    pub fn warning(
        path: impl Into<String>,
        line: usize,
        column: usize,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, line, column, code, message)
        }
    }

    /// The same diagnostic with a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    fn sort_key(&self) -> (&str, usize, usize, Severity, &str) {
        (
            &self.path,
            self.line,
            self.column,
            self.severity,
            &self.message,
        )
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.path, self.line, self.column, self.severity, self.message
        )?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Sorts diagnostics by file, line and column, and drops exact duplicates.
pub fn sort_diagnostics(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup();
}

/// Why a build or check did not succeed.
#[derive(Debug)]
pub enum Error {
    /// The input has problems; every one found is listed, sorted. At least one is an error.
    Invalid(Vec<Diagnostic>),
    /// The command could not run at all (unreadable root, refused output folder, I/O failure).
    Fatal(String),
}

impl Error {
    /// A fatal error that names the path it concerns and the underlying cause.
    pub fn io(action: &str, path: &std::path::Path, err: std::io::Error) -> Self {
        Error::Fatal(format!("cannot {action} {}: {err}", path.display()))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid(diagnostics) => {
                for d in diagnostics {
                    writeln!(f, "{d}")?;
                }
                let errors = diagnostics
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .count();
                write!(f, "{errors} error(s) found; nothing was written")
            }
            Error::Fatal(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {}

/// The result of library calls.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Finds the candidate closest to `word` (by edit distance), if it is close enough to be a
/// plausible typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word_len = word.chars().count();
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| {
            let limit = (word_len.max(c.chars().count()) / 3).max(1);
            *d <= limit
        })
        .min()
        .map(|(_, c)| c)
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(row[j]).min(row[j + 1])
            };
            prev = current;
        }
    }
    row[b.len()]
}

/// Converts a byte offset in `text` into a 1-based (line, column), lines ending at `\n` and
/// the column counted in characters.
pub fn line_col(text: &str, byte: usize) -> (usize, usize) {
    let mut byte = byte.min(text.len());
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    let before = &text[..byte];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    #[test]
    fn line_col_counts_characters() {
        assert_eq!(super::line_col("温州\n市政府", 10), (2, 2));
    }

    use super::*;

    #[test]
    fn suggests_close_words_only() {
        let fields = ["title", "issuers", "section", "doc_number"];
        assert_eq!(did_you_mean("isuers", fields), Some("issuers"));
        assert_eq!(did_you_mean("doc_numbr", fields), Some("doc_number"));
        assert_eq!(did_you_mean("colour", fields), None);
    }

    #[test]
    fn display_has_location_severity_and_hint() {
        let d = Diagnostic::error("content/a.md", 3, 7, "x", "bad").with_hint("fix it");
        assert_eq!(
            d.to_string(),
            "content/a.md:3:7: error: bad\n  hint: fix it"
        );
    }
}
