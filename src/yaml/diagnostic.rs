//! YAML errors as diagnostics: positioned in the file that holds the YAML, named by what
//! went wrong, with a hint (the field meant, for an unknown one).

use super::{YamlError, YamlErrorKind};
use crate::error::{Diagnostic, did_you_mean};

/// Turns a YAML error into a diagnostic positioned in the file (`line_offset` = the file line
/// before the YAML's first line), with a did-you-mean hint for unknown keys.
pub fn diagnostic(path: &str, e: &YamlError, line_offset: usize, fields: &[&str]) -> Diagnostic {
    let line = e.line + line_offset;
    let refused = match e.kind {
        YamlErrorKind::Parse => None,
        YamlErrorKind::TooDeep => Some((
            "yaml-too-deep",
            "front matter needs a few levels at most: flatten the data, or keep it in a file of the issue folder",
        )),
        YamlErrorKind::TooManyAliases => Some((
            "yaml-too-many-aliases",
            "write the values out instead of repeating them through anchors (`&name`) and aliases (`*name`)",
        )),
        YamlErrorKind::TooLarge => Some((
            "yaml-too-large",
            "front matter holds a document's fields: keep long text in the body, data in a file of the issue folder",
        )),
        YamlErrorKind::Tag => Some((
            "yaml-tag",
            "remove the tag; quote the value if it should start with `!`, e.g. `title: \"!…\"`",
        )),
    };
    if let Some((code, hint)) = refused {
        return Diagnostic::error(path, line, e.column, code, e.message.clone()).with_hint(hint);
    }
    // The parser puts the path of the offending value first: `attachments[0]: unknown field …`.
    let (field, message) = match e.message.split_once(": ") {
        Some((p, rest))
            if !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '[' | ']' | '.')) =>
        {
            (Some(p), rest)
        }
        _ => (None, e.message.as_str()),
    };
    let within = field.map(|f| format!(" in `{f}`")).unwrap_or_default();
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or_default();
        // serde lists the fields it expected: use them, they fit nested structs too.
        let expected: Vec<&str> = rest
            .split_once("expected")
            .map(|(_, list)| list.split('`').skip(1).step_by(2).collect())
            .unwrap_or_else(|| fields.to_vec());
        let hint = match did_you_mean(name, expected.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("known fields here: {}", expected.join(", ")),
        };
        return Diagnostic::error(
            path,
            line,
            e.column,
            "unknown-field",
            format!("unknown field `{name}`{within}"),
        )
        .with_hint(hint);
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or_default();
        return Diagnostic::error(
            path,
            line,
            e.column,
            "missing-field",
            format!("missing required field `{name}`{within}"),
        )
        .with_hint(format!("add a line `{name}: …` to the front matter"));
    }
    if message.starts_with("invalid type")
        || message.starts_with("invalid value")
        || message.starts_with("invalid length")
    {
        let message = message
            .replace("expected u32", "expected a whole number")
            .replace("expected u16", "expected a whole number");
        let subject = field.map(|f| format!("`{f}`: ")).unwrap_or_default();
        return Diagnostic::error(
            path,
            line,
            e.column,
            "wrong-type",
            format!("{subject}{message}"),
        )
        .with_hint("see the field table in the README for each field's type");
    }
    Diagnostic::error(
        path,
        line,
        e.column,
        "yaml-syntax",
        format!("YAML syntax error: {}", e.message),
    )
    .with_hint(
        "check indentation, and quote values that contain `: ` or start with a special character",
    )
}
