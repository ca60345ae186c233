//! `gazette` turns a government gazette archive (政府公报) — Markdown documents with YAML front
//! matter, one folder per issue — into a fast, permanent static website.
//!
//! The build runs in named phases, data flowing one way: load the settings, read and
//! validate every file in parallel ([`content`]), build the indexes once ([`index`]), render
//! every page in parallel through the theme ([`render`]), and publish the result atomically
//! ([`output`]). The library never prints; the binary reports.

#![warn(missing_docs)]

pub mod config;
pub mod content;
pub mod error;
pub mod index;
pub mod output;
pub mod render;
pub mod search;
pub mod validity;
mod yaml;

use std::path::{Path, PathBuf};

use config::Config;
use content::Archive;
use error::{Diagnostic, Error, Result, Severity, sort_diagnostics};
use index::Index;

/// What `gazette build` is asked to do.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    /// The site root (holds `gazette.yaml`, `content/`, `themes/`).
    pub root: PathBuf,
    /// The output folder; default `<root>/public`.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` from `gazette.yaml`.
    pub base_url: Option<String>,
    /// Replace an output folder that was not made by gazette.
    pub force: bool,
    /// Skip the full-text search index (the 文号 lookup is still written).
    pub no_search: bool,
    /// `SOURCE_DATE_EPOCH`: the date validity statuses are computed for (seconds since
    /// 1970-01-01 UTC). Without it, the newest date of the archive is used — never the clock.
    pub source_date_epoch: Option<i64>,
}

/// What a successful build did.
#[derive(Clone, Debug)]
pub struct Summary {
    /// Documents in the archive.
    pub documents: usize,
    /// Issues in the archive.
    pub issues: usize,
    /// HTML pages rendered.
    pub pages: usize,
    /// Files in the site.
    pub files: usize,
    /// Files written (new or changed).
    pub written: usize,
    /// Files left untouched because their bytes did not change.
    pub unchanged: usize,
    /// Files removed because they no longer belong.
    pub removed: usize,
    /// Warnings found on the way.
    pub warnings: Vec<Diagnostic>,
    /// The output folder.
    pub output: PathBuf,
}

/// A loaded and validated site, ready to render.
#[derive(Debug)]
pub struct Site {
    /// The site root.
    pub root: PathBuf,
    /// Settings.
    pub config: Config,
    /// Issues and documents.
    pub archive: Archive,
    /// Indexes.
    pub index: Index,
}

/// Reads and validates the site at `root`. Every problem found is reported at once.
pub fn load(root: &Path, base_url: Option<&str>) -> Result<Site> {
    if !root.is_dir() {
        return Err(Error::Fatal(format!(
            "the site root {} is not a folder",
            root.display()
        )));
    }
    let config = Config::load(root, base_url).map_err(invalid)?;
    let archive = content::load(root, &config).map_err(invalid)?;
    let index = index::build(&config, &archive).map_err(invalid)?;
    Ok(Site {
        root: root.to_path_buf(),
        config,
        archive,
        index,
    })
}

fn invalid(mut problems: Vec<Diagnostic>) -> Error {
    sort_diagnostics(&mut problems);
    Error::Invalid(problems)
}

/// Builds the site: validates everything, renders every page, and only when all of it
/// succeeded replaces the output folder's contents. On failure the previous output is intact.
pub fn build(options: &BuildOptions) -> Result<Summary> {
    let site = load(&options.root, options.base_url.as_deref())?;
    let templates = render::templates::load(&site.root, &site.config.theme)?;
    let output_dir = options
        .output
        .clone()
        .unwrap_or_else(|| site.root.join("public"));
    let output = output::Output::prepare(&site.root, &output_dir, options.force)?;
    let reference = validity::ReferenceDate::new(options.source_date_epoch, &site.archive);
    let indexer = (!options.no_search).then(|| search::Indexer::new(&site.config.language));
    let renderer = render::Renderer::new(
        render::Inputs {
            root: &site.root,
            config: &site.config,
            archive: &site.archive,
            index: &site.index,
            templates: &templates,
        },
        render::Settings {
            reference,
            fulltext: indexer.is_some(),
        },
    );
    let mut rendered = renderer.render_all(&output, indexer.as_ref());
    sort_diagnostics(&mut rendered.problems);
    if rendered
        .problems
        .iter()
        .any(|d| d.severity == Severity::Error)
    {
        output.discard();
        return Err(Error::Invalid(rendered.problems));
    }
    let dir = output.dir().to_path_buf();
    let applied = output.apply(&rendered.files)?;
    Ok(Summary {
        documents: site.archive.documents.len(),
        issues: site.archive.issues.len(),
        pages: rendered.pages,
        files: rendered.files.len(),
        written: applied.written,
        unchanged: rendered.unchanged,
        removed: applied.removed,
        warnings: rendered.problems,
        output: dir,
    })
}
