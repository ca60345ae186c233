//! The one module that talks to the YAML parser.
//!
//! Front matter and `gazette.yaml` are both parsed here, so the rest of the crate never names
//! the YAML crate and every YAML error comes back in one shape: a kind, a message and a
//! position within the YAML text, which callers shift to a position in the file.
//!
//! Every text is first looked over by [`scan`], which refuses tags and keeps nesting and alias
//! expansion within limits before the parser runs, so parsing takes bounded time and memory
//! whatever the text's shape. Positions are taken from the parser's byte offset and counted
//! the way the rest of gazette counts them (lines end at `\n` only; columns are characters),
//! not the parser's way (which also ends lines at U+0085, U+2028 and U+2029).

mod diagnostic;
mod keys;
mod scan;

use crate::error::line_col;
use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

pub use diagnostic::diagnostic;
pub use keys::key_positions;
pub use scan::{MAX_ALIAS_COPY, MAX_DEPTH};

/// What kind of YAML error it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YamlErrorKind {
    /// A syntax or type error from the parser.
    Parse,
    /// Collections nested deeper than [`MAX_DEPTH`].
    TooDeep,
    /// Aliases copying more than [`MAX_ALIAS_COPY`] bytes of anchored text.
    TooManyAliases,
    /// A tag (`!!bool`, `!custom`) or a `%TAG` directive.
    Tag,
    /// A text longer than [`MAX_YAML_BYTES`].
    TooLarge,
}

/// The longest YAML text parsed: front matter is a few kilobytes, and the parser reads a few
/// megabytes a second, using some hundred bytes for each node, so this keeps the parses of a
/// file, even of its most hostile shape, within about a second and a hundred megabytes.
pub const MAX_YAML_BYTES: usize = 256 * 1024;

/// A YAML syntax or type error, positioned within the YAML text (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// 1-based line within the YAML text.
    pub line: usize,
    /// 1-based column within that line, in characters.
    pub column: usize,
    /// What went wrong, without a position suffix.
    pub message: String,
    /// What kind of error it is.
    pub kind: YamlErrorKind,
}

/// A step from a node to one inside it, for [`locate`].
#[derive(Debug, Clone, Copy)]
pub enum Step<'a> {
    /// The value of this key of a mapping.
    Key(&'a str),
    /// This entry (0-based) of a list.
    Index(usize),
}

/// Refuses `text` before parsing if [`scan`] finds a tag or a limit passed.
fn guard(text: &str) -> Result<(), YamlError> {
    if text.len() > MAX_YAML_BYTES {
        let (line, column) = line_col(text, MAX_YAML_BYTES);
        return Err(YamlError {
            line,
            column,
            message: format!(
                "the YAML is longer than {MAX_YAML_BYTES} bytes; the limit is passed here"
            ),
            kind: YamlErrorKind::TooLarge,
        });
    }
    let Err((why, at)) = scan::scan(text) else {
        return Ok(());
    };
    let (line, column) = line_col(text, at);
    let (kind, message) = match why {
        scan::Refusal::TooDeep => (
            YamlErrorKind::TooDeep,
            format!("lists and mappings are nested more than {MAX_DEPTH} deep here"),
        ),
        scan::Refusal::TooManyAliases => (
            YamlErrorKind::TooManyAliases,
            format!(
                "aliases (`*name`) would copy more than {MAX_ALIAS_COPY} bytes of anchored text; this one passes the limit"
            ),
        ),
        scan::Refusal::Tag => (
            YamlErrorKind::Tag,
            "YAML tags (`!…`, `!!…`, `%TAG`) are not accepted".to_string(),
        ),
    };
    Err(YamlError {
        line,
        column,
        message,
        kind,
    })
}

/// The error of the parser, positioned in `text` the way gazette counts lines.
fn parse_error(text: &str, err: &serde_yaml::Error) -> YamlError {
    let (line, column) = err.location().map_or((1, 1), |l| line_col(text, l.index()));
    YamlError {
        line,
        column,
        message: strip_position(&err.to_string()),
        kind: YamlErrorKind::Parse,
    }
}

/// Parses `text` into `T`. Errors carry the position the parser reported, or 1:1.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    guard(text)?;
    serde_yaml::from_str(text).map_err(|err| parse_error(text, &err))
}

/// The top level of a YAML text, parsed as generic values.
pub enum TopLevel {
    /// A mapping: its entries, in the order written.
    Mapping(Entries),
    /// Anything else: `list`, `empty`, `single value`.
    Other(&'static str),
}

/// The entries of a top-level mapping, to check field by field (see [`Entries::check`]).
pub struct Entries(Vec<(String, serde_yaml::Value)>);

impl Entries {
    /// The keys, in the order written.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }

    /// The error of the value of `key` as a `T` (`None` if it is one, or absent), positioned
    /// in `text`, the text these entries were parsed from. Sound values are checked on the
    /// parsed entries; only a value that fails there is parsed again from the text, for the
    /// position and the parser's own word on it.
    pub fn check<T: DeserializeOwned>(&self, text: &str, key: &str) -> Option<YamlError> {
        let (_, value) = self.0.iter().find(|(k, _)| k == key)?;
        if serde_yaml::from_value::<T>(value.clone()).is_ok() {
            return None;
        }
        field::<T>(text, key)?.err()
    }
}

/// Parses `text` as generic values: a mapping's entries, or what else its top level is, so
/// that callers can give a precise message for front matter that is a list or a scalar. An
/// error if it does not parse, a key is not text or a key comes twice.
pub fn top_level(text: &str) -> Result<TopLevel, YamlError> {
    guard(text)?;
    let value: serde_yaml::Value =
        serde_yaml::from_str(text).map_err(|err| parse_error(text, &err))?;
    let mapping = match value {
        serde_yaml::Value::Mapping(mapping) => mapping,
        serde_yaml::Value::Sequence(_) => return Ok(TopLevel::Other("list")),
        serde_yaml::Value::Null => return Ok(TopLevel::Other("empty")),
        _ => return Ok(TopLevel::Other("single value")),
    };
    let mut entries = Vec::with_capacity(mapping.len());
    for (key, value) in mapping {
        let serde_yaml::Value::String(key) = key else {
            return Err(YamlError {
                line: 1,
                column: 1,
                message: "a field name is not text".to_string(),
                kind: YamlErrorKind::Parse,
            });
        };
        entries.push((key, value));
    }
    Ok(TopLevel::Mapping(Entries(entries)))
}

/// Parses only the value of the top-level `key` of `text` into `T`, with the other values
/// skipped: `None` if there is no such key. The error names the position within the value, so
/// every field of a mapping can be checked, and reported, on its own.
pub fn field<T: DeserializeOwned>(text: &str, key: &str) -> Option<Result<T, YamlError>> {
    struct Field<'k, T>(&'k str, std::marker::PhantomData<T>);
    impl<'de, T: DeserializeOwned> Visitor<'de> for Field<'_, T> {
        type Value = Option<T>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a mapping")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<T>, A::Error> {
            let mut found = None;
            while let Some(k) = map.next_key::<String>()? {
                if k == self.0 && found.is_none() {
                    found = Some(map.next_value::<T>()?);
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(found)
        }
    }
    if let Err(e) = guard(text) {
        return Some(Err(e));
    }
    let de = serde_yaml::Deserializer::from_str(text);
    match serde::Deserializer::deserialize_map(de, Field::<T>(key, std::marker::PhantomData)) {
        Ok(found) => found.map(Ok),
        Err(err) => Some(Err(parse_error(text, &err))),
    }
}

/// Where in `text` the node at `path` starts (or, with `at_key`, the key of its last step),
/// 1-based; `None` if there is no such node or `text` does not parse.
pub fn locate(text: &str, path: &[Step<'_>], at_key: bool) -> Option<(usize, usize)> {
    /// Walks down `path`; at its end fails on purpose, so the parser names the position.
    struct Walk<'p>(&'p [Step<'p>], bool);
    const HERE: &str = "gazette: located";
    struct Here;
    impl<'de> Visitor<'de> for Here {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("any node")
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
            Err(E::custom(HERE))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
            Err(E::custom(HERE))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
            Err(E::custom(HERE))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
            Err(E::custom(HERE))
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
            Err(E::custom(HERE))
        }
        fn visit_unit<E: de::Error>(self) -> Result<(), E> {
            Err(E::custom(HERE))
        }
        fn visit_none<E: de::Error>(self) -> Result<(), E> {
            Err(E::custom(HERE))
        }
        fn visit_some<D: serde::Deserializer<'de>>(self, _: D) -> Result<(), D::Error> {
            Err(de::Error::custom(HERE))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
            Err(de::Error::custom(HERE))
        }
        fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
            Err(de::Error::custom(HERE))
        }
    }
    struct KeyHere<'k>(&'k str);
    impl<'de> DeserializeSeed<'de> for KeyHere<'_> {
        type Value = bool;
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
            d.deserialize_str(self)
        }
    }
    impl<'de> Visitor<'de> for KeyHere<'_> {
        type Value = bool;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a key")
        }
        // Failing inside the visitor, so that the parser names the key's position.
        fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
            if key == self.0 {
                return Err(E::custom(HERE));
            }
            Ok(false)
        }
    }
    impl<'de> DeserializeSeed<'de> for Walk<'_> {
        type Value = ();
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            match self.0.first() {
                None => d.deserialize_any(Here),
                Some(_) => d.deserialize_any(self),
            }
        }
    }
    impl<'de> Visitor<'de> for Walk<'_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a mapping or a list")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            let Some(Step::Key(want)) = self.0.first() else {
                return Ok(());
            };
            let last = self.0.len() == 1;
            loop {
                if last && self.1 {
                    // KeyHere fails at the key wanted: any key it lets by is another one.
                    if map.next_key_seed(KeyHere(want))?.is_none() {
                        return Ok(());
                    }
                } else {
                    let Some(key) = map.next_key::<String>()? else {
                        return Ok(());
                    };
                    if key == *want {
                        return map.next_value_seed(Walk(&self.0[1..], self.1));
                    }
                }
                map.next_value::<IgnoredAny>()?;
            }
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            let Some(Step::Index(want)) = self.0.first() else {
                return Ok(());
            };
            for _ in 0..*want {
                if seq.next_element::<IgnoredAny>()?.is_none() {
                    return Ok(());
                }
            }
            seq.next_element_seed(Walk(&self.0[1..], self.1))?;
            Ok(())
        }
    }
    guard(text).ok()?;
    let err = Walk(path, at_key)
        .deserialize(serde_yaml::Deserializer::from_str(text))
        .err()?;
    if !err.to_string().contains(HERE) {
        return None;
    }
    err.location().map(|l| line_col(text, l.index()))
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

    fn kind(text: &str) -> Option<&'static str> {
        match top_level(text).ok()? {
            TopLevel::Mapping(_) => Some("mapping"),
            TopLevel::Other(kind) => Some(kind),
        }
    }

    #[test]
    fn top_level_kinds() {
        assert_eq!(kind("- a\n- b\n"), Some("list"));
        assert_eq!(kind("a: 1\n"), Some("mapping"));
        assert_eq!(kind(""), Some("empty"));
        assert_eq!(kind("a: 1\na: 2\n"), None, "a key twice");
    }

    #[test]
    fn positions_count_only_newlines_as_line_ends() {
        // The parser ends lines at U+2028, U+2029 and U+0085 too; gazette does not.
        let text = "title: \"a\u{2028}b\u{2029}c\u{85}d\"\nposition: first\n";
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct P {
            title: String,
            position: u32,
        }
        let err = from_str::<P>(text).unwrap_err();
        assert_eq!((err.line, err.column), (2, 11), "{err:?}");
    }

    #[test]
    fn refusals_have_their_kind_and_position() {
        let err = from_str::<serde_json::Value>("a: 1\ntitle: !!bool yes\n").unwrap_err();
        assert_eq!((err.kind, err.line, err.column), (YamlErrorKind::Tag, 2, 8));
        let long = format!("a: |\n{}", "  0123456789\n".repeat(30_000));
        let err = from_str::<serde_json::Value>(&long).unwrap_err();
        assert_eq!(
            (err.kind, err.line),
            (YamlErrorKind::TooLarge, 2 + MAX_YAML_BYTES / 13)
        );
        let deep = format!("extra: {}", "[".repeat(80_000));
        let err = from_str::<serde_json::Value>(&deep).unwrap_err();
        assert_eq!(
            (err.kind, err.line, err.column),
            (YamlErrorKind::TooDeep, 1, 7 + MAX_DEPTH)
        );
        assert_eq!(kind(&deep), None);
    }

    #[test]
    fn fields_are_parsed_and_located_one_by_one() {
        let text =
            "a: 1\nb: x\nlist:\n  - {title: t, file: f.pdf}\n  - title: u\n    file: g.pdf\n";
        assert_eq!(field::<u32>(text, "a"), Some(Ok(1)));
        assert_eq!(field::<u32>(text, "missing"), None);
        let err = field::<u32>(text, "b").unwrap().unwrap_err();
        assert_eq!((err.line, err.column), (2, 4));
        let Ok(TopLevel::Mapping(entries)) = top_level(text) else {
            panic!("a mapping")
        };
        assert_eq!(entries.keys().collect::<Vec<_>>(), ["a", "b", "list"]);
        assert_eq!(entries.check::<u32>(text, "a"), None);
        let err = entries.check::<u32>(text, "b").unwrap();
        assert_eq!((err.line, err.column), (2, 4));
        let file = |i| {
            locate(
                text,
                &[Step::Key("list"), Step::Index(i), Step::Key("file")],
                false,
            )
        };
        assert_eq!(file(0), Some((4, 22)));
        assert_eq!(file(1), Some((6, 11)));
        assert_eq!(file(2), None);
        assert_eq!(locate(text, &[Step::Key("b")], true), Some((2, 1)));
        assert_eq!(
            locate(
                "温州: 1\n市: [x]\n",
                &[Step::Key("市"), Step::Index(0)],
                false
            ),
            Some((2, 5))
        );
    }

    proptest::proptest! {
        #[test]
        fn no_shape_of_nesting_or_aliases_panics(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "[", "]", "{", "}", "- ", "  ", "\n", "&a ", "*a", "&b ", "*b", "k: ", "a: ",
                ", ", "x", "\"q\"", "'q'", "!t ", "? ", "|\n", "# c", ":", "\u{2028}", "%TAG",
            ]), 0..120)
        ) {
            let text: String = parts.concat();
            let _ = from_str::<serde_json::Value>(&text);
            if let Ok(TopLevel::Mapping(entries)) = top_level(&text) {
                let _ = entries.check::<Vec<String>>(&text, "k");
            }
            let _ = field::<serde_json::Value>(&text, "k");
            let _ = locate(&text, &[Step::Key("k"), Step::Index(0)], false);
            let _ = locate(&text, &[Step::Key("a")], true);
        }
    }
}
