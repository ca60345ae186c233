//! The one module that talks to the YAML parser.
//!
//! Front matter and `gazette.yaml` are both parsed here, so the rest of the crate never names
//! the YAML crate and every YAML error comes back in one shape: a message and a position
//! within the YAML text, which callers shift to a position in the file.

use serde::de::DeserializeOwned;

/// A YAML syntax or type error, positioned within the YAML text (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// 1-based line within the YAML text.
    pub line: usize,
    /// 1-based column within that line.
    pub column: usize,
    /// What the parser said, without its own position suffix.
    pub message: String,
}

/// Parses `text` into `T`. Errors carry the position the parser reported, or 1:1.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_yaml::from_str(text).map_err(|err| {
        let (line, column) = err
            .location()
            .map(|l| (l.line().max(1), l.column().max(1)))
            .unwrap_or((1, 1));
        YamlError {
            line,
            column,
            message: strip_position(&err.to_string()),
        }
    })
}

/// Parses `text` as a generic YAML value and reports whether its top level is a mapping,
/// so callers can give a precise message for front matter that is a list or a scalar.
pub fn top_level_kind(text: &str) -> Option<&'static str> {
    let value: serde_yaml::Value = serde_yaml::from_str(text).ok()?;
    Some(match value {
        serde_yaml::Value::Mapping(_) => "mapping",
        serde_yaml::Value::Sequence(_) => "list",
        serde_yaml::Value::Null => "empty",
        serde_yaml::Value::Tagged(_) => "tagged value",
        _ => "single value",
    })
}

fn strip_position(message: &str) -> String {
    // The parser appends " at line N column M"; the caller reports the position itself.
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(" column ") => message[..i].to_string(),
        _ => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        a: u32,
    }

    #[test]
    fn positions_are_one_based_and_message_is_clean() {
        let err = from_str::<T>("a: 1\nb: 2\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 1));
        assert!(
            err.message.starts_with("unknown field `b`"),
            "{}",
            err.message
        );
        assert!(!err.message.contains(" at line "));
    }

    #[test]
    fn top_level_kinds() {
        assert_eq!(top_level_kind("- a\n- b\n"), Some("list"));
        assert_eq!(top_level_kind("a: 1\n"), Some("mapping"));
        assert_eq!(top_level_kind(""), Some("empty"));
    }
}
