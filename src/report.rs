//! Presenting diagnostics: as text for people, with the offending line and a caret under the
//! place (Chinese characters are two columns wide, so the caret is placed by display width),
//! or as JSON for CI annotations.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use unicode_width::UnicodeWidthStr;

use crate::error::Diagnostic;

/// Every diagnostic as text: `path:line:col: severity: message`, the source line with a
/// caret under the offending text, and the hint.
pub fn text(problems: &[Diagnostic], root: &Path) -> String {
    let mut files: BTreeMap<&str, Option<Vec<String>>> = BTreeMap::new();
    let mut out = String::new();
    for d in problems {
        let _ = writeln!(
            out,
            "{}:{}:{}: {}: {}",
            d.path, d.line, d.column, d.severity, d.message
        );
        let lines = files.entry(&d.path).or_insert_with(|| {
            std::fs::read_to_string(root.join(&d.path)).ok().map(|t| {
                t.trim_start_matches('\u{feff}')
                    .lines()
                    .map(|l| l.trim_end_matches('\r').to_string())
                    .collect()
            })
        });
        if let Some(line) = lines.as_ref().and_then(|l| l.get(d.line.saturating_sub(1)))
            && !line.trim().is_empty()
        {
            let (before, marked) = split_at_column(line, d.column);
            let number = d.line.to_string();
            let pad = " ".repeat(number.len());
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{number} | {line}");
            let _ = writeln!(
                out,
                "{pad} | {}{}",
                " ".repeat(before.width()),
                "^".repeat(marked.width().max(1))
            );
        }
        if let Some(hint) = &d.hint {
            let _ = writeln!(out, "  hint: {hint}");
        }
    }
    out
}

/// Splits `line` into the text before `column` and the text to underline: a front matter
/// value or key, a Markdown link, or one character.
fn split_at_column(line: &str, column: usize) -> (&str, &str) {
    let start = line
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i);
    let (before, rest) = line.split_at(start);
    let is_field = line.split_once(':').is_some_and(|(key, _)| {
        !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    });
    let end = if line.starts_with('|') {
        // A table cell.
        rest.find('|').unwrap_or(rest.len())
    } else if rest.starts_with('[') {
        rest.find(')').map_or(rest.len(), |i| i + 1)
    } else if is_field && before.trim().is_empty() {
        // The key itself.
        rest.find(':').unwrap_or(rest.len())
    } else if is_field {
        // The value, without a trailing comment.
        rest.find(" #").unwrap_or(rest.len())
    } else {
        rest.chars().next().map_or(0, char::len_utf8)
    };
    (before, rest[..end].trim_end())
}

/// Every diagnostic as a JSON array of objects with `path`, `line`, `column`, `severity`,
/// `code`, `message` and `hint`.
pub fn json(problems: &[Diagnostic]) -> String {
    let mut s = serde_json::to_string_pretty(problems).expect("diagnostics serialise");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carets_line_up_under_chinese_text() {
        assert_eq!(
            split_at_column("section: 文件发部", 10),
            ("section: ", "文件发部")
        );
        assert_eq!(
            split_at_column("isuers: [温州市人民政府]", 1),
            ("", "isuers")
        );
        assert_eq!(
            split_at_column("见[不存在](wenhao:x)。", 2),
            ("见", "[不存在](wenhao:x)")
        );
        assert_eq!(split_at_column("正文。", 2), ("正", "文"));
        assert_eq!(
            split_at_column("| 温政办〔2019〕69号 | 意见 |", 3),
            ("| ", "温政办〔2019〕69号")
        );
        assert_eq!(
            split_at_column("date: 2019-13-45   # 成文日期", 7),
            ("date: ", "2019-13-45  "[..10].trim_end())
        );
    }

    #[test]
    fn text_shows_the_line_and_a_caret() {
        let dir = std::env::temp_dir().join(format!("gazette-report-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.md"), "---\nsection: 文件发部\n---\n").unwrap();
        let d = Diagnostic::error("a.md", 2, 10, "unknown-section", "unknown section")
            .with_hint("did you mean `文件发布`?");
        let text = text(&[d], &dir);
        assert_eq!(
            text,
            "a.md:2:10: error: unknown section\n  |\n2 | section: 文件发部\n  |          ^^^^^^^^\n  hint: did you mean `文件发布`?\n"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
