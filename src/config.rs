//! Site settings: `gazette.yaml` at the site root, every key optional.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::{Diagnostic, did_you_mean};
use crate::slug;
use crate::yaml;
use crate::yaml::key_positions;

/// The file name of the site settings.
pub const CONFIG_FILE: &str = "gazette.yaml";

/// One 栏目 of the gazette.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// The name as printed, e.g. 文件发布.
    pub name: String,
    /// The URL slug, e.g. `documents`.
    pub slug: String,
}

/// An issuer override.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuerSettings {
    /// The URL slug.
    #[serde(default)]
    pub slug: Option<String>,
    /// Other names that mean this issuer (e.g. 市政府); documents may use them.
    #[serde(default)]
    pub aliases: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    base_url: Option<String>,
    #[serde(default)]
    theme: Option<String>,
    #[serde(default)]
    sections: Option<Vec<Section>>,
    #[serde(default)]
    series: BTreeMap<String, String>,
    #[serde(default)]
    issuers: BTreeMap<String, IssuerSettings>,
    #[serde(default)]
    paginate: Option<usize>,
    #[serde(default)]
    raw_html: bool,
    #[serde(default)]
    jurisdiction: Option<String>,
    #[serde(default)]
    feed_limit: Option<usize>,
    #[serde(default)]
    redirects: BTreeMap<String, String>,
}

const CONFIG_FIELDS: &[&str] = &[
    "title",
    "language",
    "base_url",
    "theme",
    "sections",
    "series",
    "issuers",
    "paginate",
    "raw_html",
    "jurisdiction",
    "feed_limit",
    "redirects",
];

/// Validated site settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// The gazette's name.
    pub title: String,
    /// BCP 47 language tag.
    pub language: String,
    /// Absolute URL of the published site, ending in `/`; `None` makes every link relative.
    pub base_url: Option<String>,
    /// Folder name under `themes/`.
    pub theme: String,
    /// The 栏目 in printed order.
    pub sections: Vec<Section>,
    /// 机关代字 → slug overrides.
    pub series: BTreeMap<String, String>,
    /// Issuer name → overrides.
    pub issuers: BTreeMap<String, IssuerSettings>,
    /// Entries per index page.
    pub paginate: usize,
    /// Whether raw HTML in documents is passed through (off: it is shown as text).
    pub raw_html: bool,
    /// The place whose law the documents are (`legislationJurisdiction`, e.g. 温州市);
    /// `None` leaves it out.
    pub jurisdiction: Option<String>,
    /// Entries per Atom feed (the newest).
    pub feed_limit: usize,
    /// Moved pages: old site path → new site path, both in folder form (`old/page/`) or
    /// file form (`old/page.html`), without a leading `/`; the home page is the empty path.
    pub redirects: BTreeMap<String, String>,
    /// The line of gazette.yaml on which `redirects` stands, for messages.
    pub redirects_line: usize,
}

impl Default for Config {
    fn default() -> Self {
        let sections = [
            ("图片新闻", "photos"),
            ("文件发布", "documents"),
            ("机构人事", "personnel"),
            ("政务简讯", "briefs"),
            ("政府记事", "chronicle"),
            ("发文目录", "document-list"),
            ("统计资料", "statistics"),
        ];
        Config {
            title: "温州市人民政府公报".to_string(),
            language: "zh-CN".to_string(),
            base_url: None,
            theme: "default".to_string(),
            sections: sections
                .iter()
                .map(|(name, slug)| Section {
                    name: name.to_string(),
                    slug: slug.to_string(),
                })
                .collect(),
            series: BTreeMap::new(),
            issuers: BTreeMap::new(),
            paginate: 50,
            raw_html: false,
            jurisdiction: None,
            feed_limit: 50,
            redirects: BTreeMap::new(),
            redirects_line: 1,
        }
    }
}

impl Config {
    /// Reads `gazette.yaml` from `root` (defaults when it is absent). `base_url` from the
    /// command line wins over the file.
    pub fn load(root: &Path, base_url: Option<&str>) -> Result<Config, Vec<Diagnostic>> {
        let path = root.join(CONFIG_FILE);
        let mut config = match std::fs::read(&path) {
            Ok(bytes) => Config::parse(&bytes)?,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Config::default(),
            Err(err) => {
                return Err(vec![Diagnostic::error(
                    CONFIG_FILE,
                    1,
                    1,
                    "unreadable-file",
                    format!("cannot read the site settings: {err}"),
                )]);
            }
        };
        if let Some(url) = base_url {
            config.base_url = normalise_base_url(url).map_err(|message| {
                vec![Diagnostic::error(
                    "--base-url",
                    1,
                    1,
                    "bad-base-url",
                    message,
                )]
            })?;
        }
        Ok(config)
    }

    /// Parses the contents of `gazette.yaml`.
    pub fn parse(bytes: &[u8]) -> Result<Config, Vec<Diagnostic>> {
        let text = settings_text(bytes)?;
        let raw: RawConfig = if text.trim().is_empty() {
            yaml::from_str("{}").expect("empty mapping")
        } else {
            yaml::from_str(&text)
                .map_err(|e| vec![crate::yaml::diagnostic(CONFIG_FILE, &e, 0, CONFIG_FIELDS)])?
        };
        let mut f = Fields {
            keys: key_positions(&text, 1),
            problems: Vec::new(),
        };
        let mut config = Config::default();
        if let Some(title) = raw.title {
            config.title = title;
        }
        if let Some(language) = raw.language {
            config.language = language;
        }
        if let Some(theme) = raw.theme {
            if !is_plain_name(&theme) {
                let problem = f
                    .error(
                        "theme",
                        "bad-theme",
                        format!("theme `{theme}` is not a plain folder name"),
                    )
                    .with_hint("name a folder directly under themes/, e.g. `default`");
                f.problems.push(problem);
            }
            config.theme = theme;
        }
        if let Some(url) = raw.base_url {
            match normalise_base_url(&url) {
                Ok(url) => config.base_url = url,
                Err(message) => {
                    let problem = f.error("base_url", "bad-base-url", message);
                    f.problems.push(problem);
                }
            }
        }
        if let Some(sections) = raw.sections {
            check_sections(&mut f, &sections);
            config.sections = sections;
        }
        check_slugs(&mut f, &raw.series, &raw.issuers);
        config.series = raw.series;
        config.issuers = raw.issuers;
        if let Some(n) = f.at_least_one(raw.paginate, "paginate", "bad-paginate") {
            config.paginate = n;
        }
        config.raw_html = raw.raw_html;
        config.jurisdiction = raw
            .jurisdiction
            .map(|j| j.trim().to_string())
            .filter(|j| !j.is_empty());
        if let Some(n) = f.at_least_one(raw.feed_limit, "feed_limit", "bad-feed-limit") {
            config.feed_limit = n;
        }
        config.redirects_line = f.at("redirects").0;
        config.redirects = redirects_of(&mut f, &raw.redirects);
        if f.problems.is_empty() {
            Ok(config)
        } else {
            Err(f.problems)
        }
    }

    /// Looks up a section by name.
    pub fn section_index(&self, name: &str) -> Option<usize> {
        self.sections.iter().position(|s| s.name == name)
    }

    /// The section names, as a message lists them: `文件发布, 机构人事, …`.
    pub fn section_list(&self) -> String {
        self.sections
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Suggests a section name for a typo.
    pub fn suggest_section(&self, name: &str) -> Option<&str> {
        did_you_mean(name, self.sections.iter().map(|s| s.name.as_str()))
    }
}

/// The text of `gazette.yaml`: UTF-8, BOM removed, CRLF folded.
fn settings_text(bytes: &[u8]) -> Result<String, Vec<Diagnostic>> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = crate::error::line_col(
            &String::from_utf8_lossy(&bytes[..e.valid_up_to()]),
            e.valid_up_to(),
        );
        vec![
            Diagnostic::error(
                CONFIG_FILE,
                line,
                column,
                "not-utf8",
                "the site settings are not valid UTF-8",
            )
            .with_hint("save the file as UTF-8"),
        ]
    })?;
    Ok(text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .replace("\r\n", "\n"))
}

/// The settings while they are checked: where each key stands, and the problems found so far.
struct Fields {
    keys: BTreeMap<String, (usize, usize)>,
    problems: Vec<Diagnostic>,
}

impl Fields {
    /// Where key `key` stands, or the start of the file.
    fn at(&self, key: &str) -> (usize, usize) {
        self.keys.get(key).copied().unwrap_or((1, 1))
    }

    /// An error at key `key`.
    fn error(&self, key: &str, code: &'static str, message: impl Into<String>) -> Diagnostic {
        let (line, column) = self.at(key);
        Diagnostic::error(CONFIG_FILE, line, column, code, message)
    }

    /// A count that must be at least 1: `None` (and a problem) for 0.
    fn at_least_one(&mut self, n: Option<usize>, key: &str, code: &'static str) -> Option<usize> {
        let n = n?;
        if n == 0 {
            let problem = self.error(key, code, format!("`{key}` must be at least 1"));
            self.problems.push(problem);
            return None;
        }
        Some(n)
    }
}

/// The problems of `sections`: none at all, a bad slug, a name or a slug twice.
fn check_sections(f: &mut Fields, sections: &[Section]) {
    let (l, c) = f.at("sections");
    let err = |code, message: String| Diagnostic::error(CONFIG_FILE, l, c, code, message);
    if sections.is_empty() {
        f.problems.push(
            err("bad-section", "`sections` is empty".into()).with_hint(
                "list the 栏目 in printed order, each `{name: 文件发布, slug: documents}`",
            ),
        );
    }
    let mut seen_names = BTreeMap::new();
    let mut seen_slugs = BTreeMap::new();
    for s in sections {
        if !slug::is_valid(&s.slug) {
            f.problems.push(
                err(
                    "bad-slug",
                    format!("section slug `{}` is not a valid slug", s.slug),
                )
                .with_hint(
                    "use lowercase ASCII letters, digits and single hyphens, e.g. `documents`",
                ),
            );
        }
        if let Some(prev) = seen_names.insert(s.name.clone(), s.slug.clone()) {
            f.problems.push(err(
                "duplicate-section",
                format!(
                    "section `{}` is listed twice (slugs `{prev}` and `{}`)",
                    s.name, s.slug
                ),
            ));
        }
        if let Some(prev) = seen_slugs.insert(s.slug.clone(), s.name.clone()) {
            f.problems.push(
                err(
                    "slug-collision",
                    format!(
                        "sections `{prev}` and `{}` both have slug `{}`",
                        s.name, s.slug
                    ),
                )
                .with_hint("give each section its own slug"),
            );
        }
    }
}

/// The problems of the slugs given for series and issuers.
fn check_slugs(
    f: &mut Fields,
    series: &BTreeMap<String, String>,
    issuers: &BTreeMap<String, IssuerSettings>,
) {
    for (series, slug_value) in series {
        if !slug::is_valid(slug_value) {
            let problem = f
                .error(
                    "series",
                    "bad-slug",
                    format!("series slug `{slug_value}` for `{series}` is not a valid slug"),
                )
                .with_hint("use lowercase ASCII letters, digits and single hyphens, e.g. `wzf`");
            f.problems.push(problem);
        }
    }
    for (name, issuer) in issuers {
        if let Some(slug_value) = &issuer.slug
            && !slug::is_valid(slug_value)
        {
            let problem = f.error("issuers", "bad-slug", format!("issuer slug `{slug_value}` for `{name}` is not a valid slug"))
                .with_hint("use lowercase ASCII letters, digits and single hyphens, e.g. `wenzhou-shi-shangwuju`");
            f.problems.push(problem);
        }
    }
}

/// `redirects` as site paths, old → new; the problems of those that are not.
fn redirects_of(f: &mut Fields, written: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut redirects = BTreeMap::new();
    for (from, to) in written {
        let from_path = redirect_path(from).filter(|p| !p.is_empty());
        let to_path = redirect_path(to);
        match (from_path, to_path) {
            (Some(from_path), Some(to_path)) => {
                if from_path == to_path {
                    let problem = f.error(
                        "redirects",
                        "bad-redirect",
                        format!("redirect `{from}` points to itself"),
                    );
                    f.problems.push(problem);
                }
                redirects.insert(from_path, to_path);
            }
            (from_path, _) => {
                let bad = if from_path.is_none() { from } else { to };
                let problem = f
                    .error(
                        "redirects",
                        "bad-redirect",
                        format!("redirect path `{bad}` is not a path inside the site"),
                    )
                    .with_hint(
                        "write site paths such as /old/page/ or /old/page.html: no `..`, `\\`, spaces, `?` or `#`",
                    );
                f.problems.push(problem);
            }
        }
    }
    redirects
}

fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\'])
        && !name.chars().any(char::is_control)
}

/// A redirect's path as written (`/old/page/`, `old/page.html`, `/`) → a site path (`old/page/`,
/// `old/page.html`, the empty path for the home page), or `None` if it could leave the site.
/// `…/index.html` is the folder itself.
pub fn redirect_path(written: &str) -> Option<String> {
    let path = written.trim();
    let path = path.strip_prefix('/').unwrap_or(path);
    let path = match path.strip_suffix("index.html") {
        Some(folder) if folder.is_empty() || folder.ends_with('/') => folder,
        _ => path,
    };
    if path.is_empty() {
        return Some(String::new());
    }
    let body = path.strip_suffix('/').unwrap_or(path);
    let plain = !body.contains(|c: char| c.is_whitespace() || matches!(c, '?' | '#' | '%'));
    (plain && crate::tree::is_contained(body)).then(|| path.to_string())
}

/// `https://example.org/gazette` → `Some("https://example.org/gazette/")`; empty → `None`.
fn normalise_base_url(url: &str) -> Result<Option<String>, String> {
    let url = url.trim();
    if url.is_empty() {
        return Ok(None);
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("base_url `{url}` must start with https:// or http://"))?;
    if rest.is_empty() || rest.starts_with('/') || url.contains(['?', '#', ' ', '"', '<', '>']) {
        return Err(format!("base_url `{url}` is not an absolute URL of a site"));
    }
    let mut url = url.to_string();
    if !url.ends_with('/') {
        url.push('/');
    }
    Ok(Some(url))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_when_empty() {
        let c = Config::parse(b"").unwrap();
        assert_eq!(c.title, "温州市人民政府公报");
        assert_eq!(c.sections.len(), 7);
        assert_eq!(c.paginate, 50);
        assert_eq!(c.base_url, None);
    }

    #[test]
    fn base_url_gets_a_trailing_slash() {
        let c = Config::parse(b"base_url: https://example.org/gazette\n").unwrap();
        assert_eq!(c.base_url.as_deref(), Some("https://example.org/gazette/"));
        assert!(Config::parse(b"base_url: example.org\n").is_err());
    }

    #[test]
    fn unknown_key_is_located_with_a_hint() {
        let errs = Config::parse(b"title: x\nthme: default\n").unwrap_err();
        assert_eq!(errs[0].line, 2);
        assert!(errs[0].message.contains("thme"), "{}", errs[0].message);
        assert_eq!(errs[0].hint.as_deref(), Some("did you mean `theme`?"));
    }

    #[test]
    fn redirect_paths_stay_inside_the_site() {
        assert_eq!(redirect_path("/old/page/").as_deref(), Some("old/page/"));
        assert_eq!(redirect_path("old/a.html").as_deref(), Some("old/a.html"));
        assert_eq!(redirect_path("/old/index.html").as_deref(), Some("old/"));
        assert_eq!(redirect_path("/").as_deref(), Some(""));
        for bad in [
            "../x/",
            "/a/../../b",
            "a//b",
            "a\\b",
            "a b/",
            "a?b",
            "/.gazette-staging/x",
        ] {
            assert_eq!(redirect_path(bad), None, "{bad}");
        }
        let c = Config::parse(b"redirects:\n  /old/16.html: /documents/wzf/2019/16/\n").unwrap();
        assert_eq!(c.redirects["old/16.html"], "documents/wzf/2019/16/");
        assert!(Config::parse(b"redirects: {/: /issues/}\n").is_err());
        assert!(Config::parse(b"redirects: {/x/: ../y}\n").is_err());
    }

    #[test]
    fn rejects_escaping_slugs_and_themes() {
        assert!(Config::parse("series: {温政发: ../x}\n".as_bytes()).is_err());
        assert!(Config::parse(b"theme: ../evil\n").is_err());
        assert!(Config::parse(b"issuers: {a: {slug: 'a/b'}}\n").is_err());
    }
}
