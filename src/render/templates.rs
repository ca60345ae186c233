//! Loading Tera templates: the site's `templates/` first, then the theme's, by name.
//! Template errors name the template file, the line and the real cause.

use std::collections::BTreeMap;
use std::path::Path;

use tera::{ErrorKind, Tera};

use crate::error::{Diagnostic, Error, Result};

/// The loaded templates and the file each name came from.
pub struct Templates {
    /// The Tera instance.
    pub tera: Tera,
    /// Template name → file it was loaded from (relative to the site root).
    pub files: BTreeMap<String, String>,
    /// Static folders, theme first, then the site's (whose files win).
    pub static_dirs: Vec<std::path::PathBuf>,
}

impl Templates {
    /// The static files the site publishes, by site path: the theme's, replaced by the
    /// site's own of the same path.
    pub fn static_files(&self) -> std::collections::BTreeMap<String, std::path::PathBuf> {
        let mut by_path = std::collections::BTreeMap::new();
        for dir in &self.static_dirs {
            for entry in walkdir::WalkDir::new(dir)
                .follow_links(true)
                .sort_by_file_name()
                .into_iter()
                .flatten()
            {
                if entry.file_type().is_file() {
                    let rel =
                        crate::output::site_path(entry.path().strip_prefix(dir).expect("inside"));
                    by_path.insert(rel, entry.into_path());
                }
            }
        }
        by_path
    }
}

/// Templates every theme must provide: one per page kind.
pub const REQUIRED: &[&str] = super::pages::TEMPLATES;

fn collect(
    root: &Path,
    dir: &str,
    files: &mut BTreeMap<String, (String, String)>,
    problems: &mut Vec<Diagnostic>,
) {
    let base = root.join(dir);
    if !base.is_dir() {
        return;
    }
    for entry in walkdir::WalkDir::new(&base)
        .follow_links(true)
        .sort_by_file_name()
    {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                problems.push(Diagnostic::error(
                    dir,
                    0,
                    0,
                    "unreadable-file",
                    format!("cannot read templates: {e}"),
                ));
                continue;
            }
        };
        if !entry.file_type().is_file() || entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let name = crate::output::site_path(entry.path().strip_prefix(&base).expect("inside base"));
        let rel = format!("{dir}/{name}");
        match crate::content::read_text(entry.path(), &rel, 4 * 1024 * 1024) {
            Ok(text) => {
                files.insert(name, (rel, text));
            }
            Err(d) => problems.push(d),
        }
    }
}

/// Loads the templates of `theme`, overridden by the site's own `templates/`.
pub fn load(root: &Path, theme: &str) -> Result<Templates> {
    let theme_dir = root.join("themes").join(theme);
    if !theme_dir.is_dir() {
        let available: Vec<String> = std::fs::read_dir(root.join("themes"))
            .map(|rd| {
                let mut v: Vec<String> = rd
                    .filter_map(|e| e.ok())
                    .filter(|e| e.path().is_dir())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect();
                v.sort();
                v
            })
            .unwrap_or_default();
        let hint = if available.is_empty() {
            "there is no themes/ folder; add one with a theme, e.g. themes/default/templates/"
                .to_string()
        } else {
            format!(
                "available themes: {}; set `theme:` in gazette.yaml",
                available.join(", ")
            )
        };
        return Err(Error::Invalid(vec![
            Diagnostic::error(
                crate::config::CONFIG_FILE,
                0,
                0,
                "missing-theme",
                format!("theme `{theme}` not found: there is no folder themes/{theme}/"),
            )
            .with_hint(hint),
        ]));
    }
    let mut problems = Vec::new();
    let mut files = BTreeMap::new();
    collect(
        root,
        &format!("themes/{theme}/templates"),
        &mut files,
        &mut problems,
    );
    collect(root, "templates", &mut files, &mut problems);
    for required in REQUIRED {
        if !files.contains_key(*required) {
            problems.push(
                Diagnostic::error(
                    format!("themes/{theme}/templates/{required}"),
                    0,
                    0,
                    "missing-template",
                    format!("the theme has no template `{required}`"),
                )
                .with_hint(format!(
                    "add {required} to themes/{theme}/templates/ or to the site's templates/"
                )),
            );
        }
    }
    let mut tera = Tera::new();
    tera.autoescape_on([".html", ".htm", ".xml"]);
    let paths: BTreeMap<String, String> = files
        .iter()
        .map(|(n, (rel, _))| (n.clone(), rel.clone()))
        .collect();
    if let Err(e) = tera.add_raw_templates(
        files
            .iter()
            .map(|(name, (_, text))| (name.as_str(), text.as_str())),
    ) {
        problems.push(template_diagnostic(&e, &paths, None));
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let static_dirs = [theme_dir.join("static"), root.join("static")]
        .into_iter()
        .filter(|d| d.is_dir())
        .collect();
    Ok(Templates {
        tera,
        files: paths,
        static_dirs,
    })
}

/// Turns a Tera error into a diagnostic at the template file and line, with the whole cause.
pub fn template_diagnostic(
    e: &tera::Error,
    files: &BTreeMap<String, String>,
    rendering: Option<&str>,
) -> Diagnostic {
    let file_of = |name: &str| {
        files
            .get(name)
            .cloned()
            .unwrap_or_else(|| format!("templates/{name}"))
    };
    let mut chain = String::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        chain.push_str(": ");
        chain.push_str(&s.to_string());
        source = s.source();
    }
    let page = rendering
        .map(|p| format!(" (rendering /{p})"))
        .unwrap_or_default();
    match e.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => {
            let kind = if matches!(e.kind(), ErrorKind::SyntaxError(_)) {
                "template syntax error"
            } else {
                "template error"
            };
            Diagnostic::error(
                file_of(r.filename()),
                r.span().start_line,
                r.span().start_col + 1,
                "template-error",
                format!("{kind}: {}{chain}{page}", r.message()),
            )
            .with_hint(
                "fix the template; variables available to each template are listed in the README",
            )
        }
        ErrorKind::MissingParent { current, parent } => Diagnostic::error(
            file_of(current),
            1,
            1,
            "template-error",
            format!("template extends `{parent}`, which does not exist{page}"),
        ),
        ErrorKind::TemplateNotFound(name) => Diagnostic::error(
            file_of(name),
            0,
            0,
            "missing-template",
            format!("template `{name}` not found{page}"),
        ),
        _ => Diagnostic::error(
            "templates",
            0,
            0,
            "template-error",
            format!("{e}{chain}{page}"),
        ),
    }
}
