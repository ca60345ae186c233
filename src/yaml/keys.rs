//! Where the fields of YAML text stand, found without parsing it: messages about a field's
//! value (checked after parsing) point at the field.

use std::collections::BTreeMap;

/// Where each top-level key of a block mapping stands: key → (line of the file, column of
/// its value, counted in characters). Used to point messages about a field's value at the
/// field, since the YAML parser only positions syntax and type errors.
pub fn key_positions(yaml: &str, first_line: usize) -> BTreeMap<String, (usize, usize)> {
    let mut keys = BTreeMap::new();
    for (i, line) in yaml.lines().enumerate() {
        let Some(first) = line.chars().next() else {
            continue;
        };
        if first.is_whitespace() || matches!(first, '#' | '-' | '{' | '[') {
            continue;
        }
        let Some(colon) = line.find(':') else {
            continue;
        };
        let key = line[..colon].trim().trim_matches(|c| c == '"' || c == '\'');
        let rest = &line[colon + 1..];
        let value_offset = colon + 1 + (rest.len() - rest.trim_start().len());
        let column = line[..value_offset].chars().count() + 1;
        keys.entry(key.to_string())
            .or_insert((first_line + i, column));
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_point_at_values() {
        let keys = key_positions("title: 通知\n# c\n  nested: 1\ndate:   2019-12-09\n", 2);
        assert_eq!(keys["title"], (2, 8));
        assert_eq!(keys["date"], (5, 9));
        assert!(!keys.contains_key("nested"));
    }
}
