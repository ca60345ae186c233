//! Hostile front matter and settings: nesting, alias expansion and tags are refused with
//! their own code at the position where the limit was passed, whatever the size of the text,
//! instead of keeping `check` busy for minutes (issue 13, defects 4 and 8).

use std::fs;
use std::path::Path;

use crate::support::*;

/// `gazette check --format json` on `site`: the problems as (file, line, column, code).
fn problems(site: &Path) -> Vec<(String, u64, u64, String)> {
    let run = run_gazette(&["check", "--format", "json", "--root"], site);
    assert_eq!(run.status, Some(1), "{}", run.stdout);
    let parsed: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    parsed
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["path"].as_str().unwrap().to_string(),
                p["line"].as_u64().unwrap(),
                p["column"].as_u64().unwrap(),
                p["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn site_with(name: &str, front_matter: &str) -> TempDir {
    let site = site_from(&repo().join("tests/invalid/_base"));
    let text = format!("---\ntitle: 通知\nsection: 文件发布\n{front_matter}---\n正文。\n");
    fs::write(site.path().join("content/2019/12").join(name), text).unwrap();
    site
}

#[test]
fn nesting_80000_deep_is_refused_at_the_limit() {
    let site = site_with("a.md", &format!("extra: {}\n", "[".repeat(80_000)));
    let limit = 64;
    // `extra:` is the first level, so the bracket that passes the limit is the 64th.
    assert_eq!(
        problems(site.path()),
        [(
            "content/2019/12/a.md".into(),
            4,
            7 + limit,
            "yaml-too-deep".into()
        )]
    );
}

#[test]
fn nine_levels_of_aliases_with_deep_nesting_and_a_type_error_are_refused() {
    // The shape of the 22 KB file of the issue: an early type error, aliases nine levels
    // deep, and deep nesting after them.
    let mut front = String::from("position: first\nextra:\n");
    front.push_str("  l0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..9 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        front.push_str(&format!("  l{i}: &a{i} [{refs}]\n"));
    }
    for _ in 0..300 {
        front.push_str(&format!(
            "  n{}: {}{}\n",
            front.len(),
            "[".repeat(40),
            "]".repeat(40)
        ));
    }
    assert!(front.len() > 20_000, "{}", front.len());
    let site = site_with("a.md", &front);
    // Each level copies nine times the text of the one before: the second alias of the
    // fifth level passes 100,000 bytes.
    assert_eq!(
        problems(site.path()),
        [(
            "content/2019/12/a.md".into(),
            10,
            17,
            "yaml-too-many-aliases".into()
        )]
    );
}

#[test]
fn a_tag_in_gazette_yaml_is_refused() {
    let site = site_from(&repo().join("tests/invalid/_base"));
    fs::write(
        site.path().join("gazette.yaml"),
        "title: 公报\npaginate: !!str 20\n",
    )
    .unwrap();
    assert_eq!(
        problems(site.path()),
        [("gazette.yaml".into(), 2, 11, "yaml-tag".into())]
    );
}

#[test]
fn nesting_in_gazette_yaml_is_refused() {
    let site = site_from(&repo().join("tests/invalid/_base"));
    let text = format!("title: 公报\nextra: {}\n", "{a: ".repeat(100));
    fs::write(site.path().join("gazette.yaml"), text).unwrap();
    let found = problems(site.path());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].1, found[0].3.as_str()), (2, "yaml-too-deep"));
}

#[test]
fn front_matter_over_256_kib_is_refused() {
    // 16,000 fields nested 62 deep: within the nesting limit, but 2 MB of YAML.
    let mut front = String::from("extra:\n");
    for i in 0..16_000 {
        front.push_str(&format!("  k{i}: {}{}\n", "[".repeat(62), "]".repeat(62)));
    }
    let site = site_with("a.md", &front);
    let found = problems(site.path());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].3, "yaml-too-large");
    // The line on which the first byte past 256 KiB of the YAML stands.
    let yaml = format!("title: 通知\nsection: 文件发布\n{front}");
    let line = yaml[..256 * 1024].matches('\n').count() + 2;
    assert_eq!(found[0].1, line as u64);
}
