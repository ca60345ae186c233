//! Front matter checked field by field, and the files it names checked against the issue
//! folder.
//!
//! The typed parse of front matter stops at its first error; when it fails, the fields are
//! looked at one by one here so that every unknown field, field of the wrong type and missing
//! field of a file is reported at once, each at its own position. `pdf:` and
//! `attachments[].file` are decided by one function, [`issue_file_problem`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{
    Attachment, DateInput, Document, Found, Issue, MAX_MARKDOWN_BYTES, RawStatus, front_matter,
    key_positions, read_text,
};
use crate::error::Diagnostic;
use crate::yaml::{self, Step, YamlError, YamlErrorKind};

/// A field of front matter, to check on its own once the typed parse has failed: its name,
/// whether it is required, and the check of its value.
pub(super) type FieldCheck = (
    &'static str,
    bool,
    fn(&yaml::Entries, &str, &str) -> Option<YamlError>,
);

fn check_field<T: serde::de::DeserializeOwned>(
    entries: &yaml::Entries,
    yaml: &str,
    key: &str,
) -> Option<YamlError> {
    entries.check::<T>(yaml, key)
}

/// The fields of [`RawIssue`], with their types (a test keeps the two in step).
pub(super) const ISSUE_TABLE: &[FieldCheck] = &[
    ("year", true, check_field::<u16>),
    ("number", true, check_field::<u16>),
    ("serial", true, check_field::<u32>),
    ("published", false, check_field::<Option<DateInput>>),
    ("pdf", false, check_field::<Option<String>>),
    (
        "extra",
        false,
        check_field::<BTreeMap<String, serde_json::Value>>,
    ),
];

/// The fields of [`RawDocument`], with their types (a test keeps the two in step).
pub(super) const DOCUMENT_TABLE: &[FieldCheck] = &[
    ("title", true, check_field::<String>),
    ("section", true, check_field::<String>),
    ("doc_number", false, check_field::<Option<String>>),
    ("registration_number", false, check_field::<Option<String>>),
    ("issuers", false, check_field::<Vec<String>>),
    ("date", false, check_field::<Option<DateInput>>),
    ("doc_type", false, check_field::<Option<String>>),
    ("addressees", false, check_field::<Vec<String>>),
    ("valid_from", false, check_field::<Option<DateInput>>),
    ("valid_until", false, check_field::<Option<DateInput>>),
    ("status", false, check_field::<Option<RawStatus>>),
    ("pages", false, check_field::<Option<Vec<u32>>>),
    ("position", false, check_field::<Option<u32>>),
    ("attachments", false, check_field::<Vec<Attachment>>),
    ("subjects", false, check_field::<Vec<String>>),
    ("draft", false, check_field::<bool>),
    (
        "extra",
        false,
        check_field::<BTreeMap<String, serde_json::Value>>,
    ),
];

/// Every problem of front matter `text` (whose first line is line `yaml_line` of the file)
/// whose typed parse failed with `first`. Front matter that is not a mapping is said so.
/// Otherwise each unknown field, each field of the wrong type and each missing field is
/// reported at its own position: the typed parse stops at the first, so the fields are then
/// looked at one by one — only on failure, so that sound files are parsed once. `first` alone
/// when the text cannot be taken apart into fields (a syntax error, a refusal, a key twice).
pub(super) fn front_matter_problems(
    rel: &str,
    text: &str,
    yaml_line: usize,
    table: &[FieldCheck],
    first: &YamlError,
) -> Vec<Diagnostic> {
    let offset = yaml_line - 1;
    let names: Vec<&str> = table.iter().map(|f| f.0).collect();
    let single = || vec![yaml::diagnostic(rel, first, offset, &names)];
    if first.kind != YamlErrorKind::Parse {
        return single();
    }
    let entries = match yaml::top_level(text) {
        Ok(yaml::TopLevel::Mapping(entries)) => entries,
        Ok(yaml::TopLevel::Other(kind)) => {
            return vec![
                Diagnostic::error(
                    rel,
                    yaml_line,
                    1,
                    "front-matter-not-mapping",
                    format!("the front matter is a {kind}, not a set of `field: value` lines"),
                )
                .with_hint("write one `field: value` per line, e.g. `title: 关于…的通知`"),
            ];
        }
        Err(_) => return single(),
    };
    let expected = names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let error = |(line, column): (usize, usize), message: String| YamlError {
        line,
        column,
        message,
        kind: YamlErrorKind::Parse,
    };
    // Top-level keys stand at the start of their line; found without parsing again.
    let lines = key_positions(text, 1);
    let mut problems = Vec::new();
    for key in entries.keys().filter(|k| !names.contains(k)) {
        let at = lines.get(key).map_or((1, 1), |&(line, _)| (line, 1));
        let message = format!("unknown field `{key}`, expected one of {expected}");
        problems.push(yaml::diagnostic(rel, &error(at, message), offset, &names));
    }
    for (name, required, check) in table {
        if entries.keys().any(|k| k == *name) {
            if let Some(e) = check(&entries, text, name) {
                problems.push(yaml::diagnostic(rel, &e, offset, &names));
            }
        } else if *required {
            let message = format!("missing field `{name}`");
            problems.push(yaml::diagnostic(
                rel,
                &error((1, 1), message),
                offset,
                &names,
            ));
        }
    }
    if problems.is_empty() {
        single()
    } else {
        problems
    }
}

/// The problems of the files that front matter names: each `pdf:` of `issues` and each
/// `attachments[].file` of `documents` that is not a file of its issue folder, positioned at
/// the value (the file is read again for that, only when there is a problem).
pub(super) fn file_problems<'d>(
    issues: &BTreeMap<(u16, u16), Issue>,
    documents: impl Iterator<Item = (&'d (u16, u16), &'d Document)>,
    found: &[Found],
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let path_of = |rel: &str| {
        found
            .iter()
            .find(|f| f.rel == rel)
            .map_or_else(|| PathBuf::from(rel), |f| f.path.clone())
    };
    let file_problem = |source: &str,
                        field: String,
                        value: &str,
                        assets: &[String],
                        steps: &[Step<'_>]| {
        let (code, what) = issue_file_problem(value, assets)?;
        let (line, column) = position_in_file(&path_of(source), source, steps);
        Some(
            Diagnostic::error(source, line, column, code, format!("`{field}: {value}` {what}"))
                .with_hint("name a file next to _index.md (or in a folder under it), relative to the issue folder, e.g. `gazette.pdf`"),
        )
    };
    for issue in issues.values() {
        if let Some(pdf) = &issue.pdf {
            problems.extend(file_problem(
                &issue.source,
                "pdf".into(),
                pdf,
                &issue.assets,
                &[Step::Key("pdf")],
            ));
        }
    }
    for (dir, doc) in documents {
        let assets = issues.get(dir).map_or(&[][..], |i| i.assets.as_slice());
        for (i, attachment) in doc.attachments.iter().enumerate() {
            if let Some(file) = &attachment.file {
                let steps = [Step::Key("attachments"), Step::Index(i), Step::Key("file")];
                problems.extend(file_problem(
                    &doc.source,
                    format!("attachments[{i}].file"),
                    file,
                    assets,
                    &steps,
                ));
            }
        }
    }
    problems
}

/// Why `value`, a file that front matter names (`pdf:`, `attachments[].file`), is not a file
/// of the issue folder holding `assets`; `None` if it is one. The one place this is decided.
fn issue_file_problem(value: &str, assets: &[String]) -> Option<(&'static str, &'static str)> {
    if assets.iter().any(|a| a == value) {
        return None;
    }
    if value.starts_with('/') || value.starts_with('\\') || value.contains(':') {
        return Some((
            "bad-file-path",
            "is not a path relative to the issue folder",
        ));
    }
    if value.split(['/', '\\']).any(|part| part == "..") {
        return Some(("bad-file-path", "leads out of the issue folder"));
    }
    Some((
        "missing-file",
        "names a file that is not in the issue folder",
    ))
}

/// Where the node at `steps` stands in the front matter of the file `path`, for a message
/// about a value checked after parsing; the start of the file if it cannot be found.
fn position_in_file(path: &Path, rel: &str, steps: &[Step<'_>]) -> (usize, usize) {
    let Ok(text) = read_text(path, rel, MAX_MARKDOWN_BYTES) else {
        return (1, 1);
    };
    let Ok(split) = front_matter::split(&text) else {
        return (1, 1);
    };
    yaml::locate(split.yaml, steps, false).map_or((1, 1), |(l, c)| (l + split.yaml_line - 1, c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{RawDocument, RawIssue};

    #[test]
    fn field_tables_list_the_fields_of_the_raw_structs() {
        fn fields_of<T: serde::de::DeserializeOwned>() -> Vec<String> {
            let e = yaml::from_str::<T>("zz_no_such_field: 1\n")
                .err()
                .expect("refused");
            let (_, list) = e
                .message
                .split_once("expected")
                .expect("serde lists the fields");
            list.split('`')
                .skip(1)
                .step_by(2)
                .map(String::from)
                .collect()
        }
        let names =
            |table: &[FieldCheck]| table.iter().map(|f| f.0.to_string()).collect::<Vec<_>>();
        assert_eq!(fields_of::<RawIssue>(), names(ISSUE_TABLE));
        assert_eq!(fields_of::<RawDocument>(), names(DOCUMENT_TABLE));
    }

    #[test]
    fn files_named_in_front_matter_must_be_in_the_issue_folder() {
        let assets = ["a.pdf".to_string(), "img/b.png".to_string()];
        assert_eq!(issue_file_problem("a.pdf", &assets), None);
        assert_eq!(issue_file_problem("img/b.png", &assets), None);
        for (value, code) in [
            ("/etc/passwd", "bad-file-path"),
            ("C:/x.pdf", "bad-file-path"),
            ("../../../gazette.yaml", "bad-file-path"),
            ("img/../a.pdf", "bad-file-path"),
            ("nosuch.pdf", "missing-file"),
            ("./a.pdf", "missing-file"),
        ] {
            assert_eq!(
                issue_file_problem(value, &assets).map(|p| p.0),
                Some(code),
                "{value}"
            );
        }
    }
}
