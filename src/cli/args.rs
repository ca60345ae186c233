//! What the command line says: the commands and their options, as clap parses them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "gazette",
    version,
    about = "Builds a government gazette archive (政府公报) into a static website"
)]
pub struct Cli {
    /// Print only errors.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print every phase with its time, and every warning in full.
    #[arg(long, short, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

/// How a report is printed.
#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Subcommand)]
pub enum Command {
    /// Validate the archive and build the site.
    Build(BuildArgs),
    /// Check the archive without writing anything; exit 1 if any problem is found.
    Check(CheckArgs),
    /// Create a new issue or document, with its front matter filled in.
    New {
        #[command(subcommand)]
        what: New,
    },
    /// Build, serve the site on 127.0.0.1, rebuild on change and reload open pages.
    Serve(ServeArgs),
    /// Import a printed issue (a PDF, or text extracted from one) as Markdown drafts, and
    /// print a review report.
    Import(ImportArgs),
    /// Check a copy of a built site against its manifest.json: report missing, extra and
    /// altered files. Exit status 0: intact; 1: it differs; 2: no readable manifest.
    Verify {
        /// The folder holding the copy (with manifest.json at its top).
        dir: PathBuf,
    },
}

// The option structs carry no doc comment of their own: a command's help is its variant's.

/// Where `build` and `serve` write: the site, and the build state.
#[derive(Args)]
pub struct Places {
    /// Where to write the site (default: <root>/public).
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Where to keep the build state (default: <root>/.gazette-cache).
    #[arg(long)]
    pub cache_dir: Option<PathBuf>,
}

#[derive(Args)]
pub struct BuildArgs {
    /// The site root: the folder with gazette.yaml, content/ and themes/.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    #[command(flatten)]
    pub places: Places,
    /// Absolute URL of the published site; without it every link is relative.
    #[arg(long)]
    pub base_url: Option<String>,
    /// Replace the output folder even if it was not made by gazette.
    #[arg(long)]
    pub force: bool,
    /// Write HTML only: no data.json beside pages and no data/ folder.
    #[arg(long)]
    pub no_data: bool,
    /// Skip the full-text search index (the 文号 lookup still works).
    #[arg(long)]
    pub no_search: bool,
    /// Read and render everything again, ignoring the caches of the last build.
    #[arg(long)]
    pub no_cache: bool,
    /// Publish documents marked `draft: true` too.
    #[arg(long)]
    pub drafts: bool,
}

#[derive(Args)]
pub struct CheckArgs {
    /// The site root.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// How to print the problems.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Exit 0 when there are warnings but no errors.
    #[arg(long)]
    pub allow_warnings: bool,
}

#[derive(Args)]
pub struct ServeArgs {
    /// The site root.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    #[command(flatten)]
    pub places: Places,
    /// The port (0 picks a free one).
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
}

#[derive(Args)]
pub struct ImportArgs {
    /// The PDF or text file (UTF-8 or GB18030).
    pub file: PathBuf,
    /// The issue, <year>/<number>.
    #[arg(long)]
    pub issue: String,
    /// 总第N期 (default: the previous issue's plus one).
    #[arg(long)]
    pub serial: Option<u32>,
    /// The publication date, e.g. 2020-01-15.
    #[arg(long)]
    pub published: Option<String>,
    /// The site root.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Write nothing; print what would be written.
    #[arg(long)]
    pub dry_run: bool,
    /// How to print the report.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(Subcommand)]
pub enum New {
    /// A new issue: `gazette new issue 2020/1`.
    Issue {
        /// The issue, <year>/<number>.
        issue: String,
        /// The site root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// A new document: `gazette new doc 2020/1 wzf-2020-1 --title … --doc-number …`.
    Doc(NewDocArgs),
}

#[derive(Args)]
pub struct NewDocArgs {
    /// The issue, <year>/<number>.
    pub issue: String,
    /// The file name, without .md (lowercase ASCII letters, digits, hyphens).
    pub name: String,
    /// The title, as printed.
    #[arg(long)]
    pub title: String,
    /// The 文号, e.g. 温政发〔2020〕1号.
    #[arg(long)]
    pub doc_number: Option<String>,
    /// The 栏目 (default 文件发布).
    #[arg(long)]
    pub section: Option<String>,
    /// An issuer (repeat for joint documents, lead first).
    #[arg(long = "issuer")]
    pub issuers: Vec<String>,
    /// The 成文日期 (default: today, for numbered documents).
    #[arg(long)]
    pub date: Option<String>,
    /// The site root.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}
