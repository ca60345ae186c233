//! The `gazette` command line.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand, ValueEnum};
use gazette::error::{Diagnostic, Error, Severity};
use gazette::progress::{Phase, Progress};

/// Building a site allocates many small strings and values from many threads at once;
/// mimalloc handles that pattern better than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "gazette",
    version,
    about = "Builds a government gazette archive (政府公报) into a static website"
)]
struct Cli {
    /// Print only errors.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print every phase with its time, and every warning in full.
    #[arg(long, short, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Validate the archive and build the site.
    Build {
        /// The site root: the folder with gazette.yaml, content/ and themes/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site (default: <root>/public).
        #[arg(long)]
        output: Option<PathBuf>,
        /// Where to keep the build state (default: <root>/.gazette-cache).
        #[arg(long)]
        cache_dir: Option<PathBuf>,
        /// Absolute URL of the published site; without it every link is relative.
        #[arg(long)]
        base_url: Option<String>,
        /// Replace the output folder even if it was not made by gazette.
        #[arg(long)]
        force: bool,
        /// Write HTML only: no data.json beside pages and no data/ folder.
        #[arg(long)]
        no_data: bool,
        /// Skip the full-text search index (the 文号 lookup still works).
        #[arg(long)]
        no_search: bool,
        /// Read and render everything again, ignoring the caches of the last build.
        #[arg(long)]
        no_cache: bool,
        /// Publish documents marked `draft: true` too.
        #[arg(long)]
        drafts: bool,
    },
    /// Check the archive without writing anything; exit 1 if any problem is found.
    Check {
        /// The site root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// How to print the problems.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Exit 0 when there are warnings but no errors.
        #[arg(long)]
        allow_warnings: bool,
    },
    /// Create a new issue or document, with its front matter filled in.
    New {
        #[command(subcommand)]
        what: New,
    },
    /// Build, serve the site on 127.0.0.1, rebuild on change and reload open pages.
    Serve {
        /// The site root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site (default: <root>/public).
        #[arg(long)]
        output: Option<PathBuf>,
        /// Where to keep the build state (default: <root>/.gazette-cache).
        #[arg(long)]
        cache_dir: Option<PathBuf>,
        /// The port (0 picks a free one).
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Import a printed issue (a PDF, or text extracted from one) as Markdown drafts, and
    /// print a review report.
    Import {
        /// The PDF or text file (UTF-8 or GB18030).
        file: PathBuf,
        /// The issue, <year>/<number>.
        #[arg(long)]
        issue: String,
        /// 总第N期 (default: the previous issue's plus one).
        #[arg(long)]
        serial: Option<u32>,
        /// The publication date, e.g. 2020-01-15.
        #[arg(long)]
        published: Option<String>,
        /// The site root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Write nothing; print what would be written.
        #[arg(long)]
        dry_run: bool,
        /// How to print the report.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Check a copy of a built site against its manifest.json: report missing, extra and
    /// altered files. Exit status 0: intact; 1: it differs; 2: no readable manifest.
    Verify {
        /// The folder holding the copy (with manifest.json at its top).
        dir: PathBuf,
    },
}

#[derive(Subcommand)]
enum New {
    /// A new issue: `gazette new issue 2020/1`.
    Issue {
        /// The issue, <year>/<number>.
        issue: String,
        /// The site root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// A new document: `gazette new doc 2020/1 wzf-2020-1 --title … --doc-number …`.
    Doc {
        /// The issue, <year>/<number>.
        issue: String,
        /// The file name, without .md (lowercase ASCII letters, digits, hyphens).
        name: String,
        /// The title, as printed.
        #[arg(long)]
        title: String,
        /// The 文号, e.g. 温政发〔2020〕1号.
        #[arg(long)]
        doc_number: Option<String>,
        /// The 栏目 (default 文件发布).
        #[arg(long)]
        section: Option<String>,
        /// An issuer (repeat for joint documents, lead first).
        #[arg(long = "issuer")]
        issuers: Vec<String>,
        /// The 成文日期 (default: today, for numbered documents).
        #[arg(long)]
        date: Option<String>,
        /// The site root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

/// Progress on a terminal: a bar while rendering.
struct Bar(indicatif::ProgressBar);

impl Progress for Bar {
    fn start(&self, phase: Phase, total: usize) {
        if phase == Phase::Render {
            self.0.set_length(total as u64);
            self.0.set_position(0);
            self.0.set_message("rendering");
        }
    }
    fn advance(&self, n: usize) {
        self.0.inc(n as u64);
    }
    fn finish(&self, phase: Phase, _elapsed: Duration) {
        if phase == Phase::Render {
            self.0.finish_and_clear();
        }
    }
}

/// Progress in a log: one line per phase.
struct Lines {
    pages: Mutex<usize>,
}

#[allow(clippy::print_stdout)]
impl Progress for Lines {
    fn start(&self, phase: Phase, total: usize) {
        if phase == Phase::Render {
            *self.pages.lock().expect("lock") = total;
        }
    }
    fn advance(&self, _n: usize) {}
    fn finish(&self, phase: Phase, elapsed: Duration) {
        let detail = if phase == Phase::Render {
            format!(" ({} pages)", self.pages.lock().expect("lock"))
        } else {
            String::new()
        };
        println!(
            "{:>8}{detail} in {:.2} s",
            phase.name(),
            elapsed.as_secs_f64()
        );
    }
}

fn print_problems(problems: &[Diagnostic], root: &std::path::Path) {
    eprint!("{}", gazette::report::text(problems, root));
}

fn today() -> gazette::content::date::Date {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    gazette::content::date::Date::from_days_since_epoch(days as i64).expect("a date in range")
}

/// Reads `SOURCE_DATE_EPOCH`, the one clock allowed into the output.
fn source_date_epoch() -> Result<Option<i64>, Error> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if v.trim().is_empty() => Ok(None),
        Ok(v) => v.trim().parse().map(Some).map_err(|_| {
            Error::Fatal(format!(
                "SOURCE_DATE_EPOCH=`{v}` is not a number of seconds since 1970-01-01"
            ))
        }),
        Err(_) => Ok(None),
    }
}

#[allow(clippy::print_stdout)]
fn main() -> ExitCode {
    let cli = Cli::parse();
    let (quiet, verbose) = (cli.quiet, cli.verbose);
    match cli.command {
        Command::Build {
            root,
            output,
            cache_dir,
            base_url,
            force,
            no_data,
            no_search,
            no_cache,
            drafts,
        } => {
            let started = Instant::now();
            let progress: Option<Arc<dyn Progress>> = if quiet {
                None
            } else if !verbose && std::io::stderr().is_terminal() {
                let bar = indicatif::ProgressBar::new(0);
                bar.set_style(
                    indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len}")
                        .expect("valid template")
                        .progress_chars("=> "),
                );
                Some(Arc::new(Bar(bar)))
            } else {
                // With --verbose, or in a log (CI): a plain line per phase.
                Some(Arc::new(Lines {
                    pages: Mutex::new(0),
                }))
            };
            let source_date_epoch = match source_date_epoch() {
                Ok(epoch) => epoch,
                Err(e) => return report(&e, &root),
            };
            let options = gazette::BuildOptions {
                root: root.clone(),
                output,
                cache_dir,
                base_url,
                force,
                progress,
                no_data,
                no_search,
                no_cache,
                drafts,
                source_date_epoch,
            };
            match gazette::build(&options) {
                Ok(summary) => {
                    if !summary.warnings.is_empty() && !quiet {
                        print_problems(&summary.warnings, &root);
                    }
                    if !quiet {
                        println!(
                            "Built {} in {}: {} pages ({} rendered, {} cached), {} files ({} written, {} unchanged, {} removed) in {:.2} s",
                            count(summary.documents, "document"),
                            count(summary.issues, "issue"),
                            summary.pages,
                            summary.rendered_pages,
                            summary.cached_pages,
                            summary.files,
                            summary.written,
                            summary.unchanged,
                            summary.removed,
                            started.elapsed().as_secs_f64()
                        );
                        if verbose {
                            println!(
                                "Read {} Markdown files and {} document bodies; the rest was known from the cache",
                                summary.files_parsed, summary.bodies_read
                            );
                        }
                        println!("Output: {}", summary.output.display());
                        if !summary.warnings.is_empty() {
                            println!("{} warning(s)", summary.warnings.len());
                        }
                        for note in &summary.notes {
                            println!("note: {note}");
                        }
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => report(&e, &root),
            }
        }
        Command::Check {
            root,
            format,
            allow_warnings,
        } => match gazette::check(&root) {
            Ok(problems) => {
                match format {
                    Format::Text => {
                        print!("{}", gazette::report::text(&problems, &root));
                        let errors = problems
                            .iter()
                            .filter(|d| d.severity == Severity::Error)
                            .count();
                        let warnings = problems.len() - errors;
                        if !quiet {
                            if problems.is_empty() {
                                println!("No problems found.");
                            } else {
                                println!("{errors} error(s), {warnings} warning(s)");
                            }
                        }
                    }
                    Format::Json => print!("{}", gazette::report::json(&problems)),
                }
                let failing = problems
                    .iter()
                    .any(|d| d.severity == Severity::Error || !allow_warnings);
                if failing {
                    ExitCode::from(1)
                } else {
                    ExitCode::SUCCESS
                }
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
        Command::New { what } => {
            let result = match what {
                New::Issue { issue, root } => gazette::scaffold::parse_issue_ref(&issue)
                    .and_then(|issue| gazette::scaffold::new_issue(&root, issue)),
                New::Doc {
                    issue,
                    name,
                    title,
                    doc_number,
                    section,
                    issuers,
                    date,
                    root,
                } => gazette::scaffold::parse_issue_ref(&issue).and_then(|issue| {
                    let doc = gazette::scaffold::NewDoc {
                        issue,
                        name,
                        title,
                        doc_number,
                        section,
                        issuers,
                        date,
                    };
                    gazette::scaffold::new_doc(&root, &doc, today())
                }),
            };
            match result {
                Ok(path) => {
                    if !quiet {
                        println!("Created {}", path.display());
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => report(&e, std::path::Path::new(".")),
            }
        }
        Command::Serve {
            root,
            output,
            cache_dir,
            port,
            open,
        } => {
            let options = gazette::serve::ServeOptions {
                root: root.clone(),
                output,
                cache_dir,
                port,
            };
            let on_event = |event: gazette::serve::Event<'_>| match event {
                gazette::serve::Event::Listening(url) => {
                    println!("Serving on {url} (Ctrl-C to stop)");
                    if open {
                        open_browser(url);
                    }
                }
                gazette::serve::Event::Built(summary) => {
                    if !quiet {
                        println!(
                            "Built {} documents: {} written, {} unchanged",
                            summary.documents, summary.written, summary.unchanged
                        );
                    }
                }
                gazette::serve::Event::Failed(Error::Invalid(problems)) => {
                    print_problems(problems, &root)
                }
                gazette::serve::Event::Failed(e) => eprintln!("error: {e}"),
            };
            match gazette::serve::serve(&options, &on_event) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => report(&e, &root),
            }
        }
        Command::Import {
            file,
            issue,
            serial,
            published,
            root,
            dry_run,
            format,
        } => {
            let issue = match gazette::scaffold::parse_issue_ref(&issue) {
                Ok(i) => i,
                Err(e) => return report(&e, &root),
            };
            let options = gazette::import::write::Options {
                root: root.clone(),
                file,
                issue,
                serial,
                published,
                dry_run,
            };
            match gazette::import::write::run(&options) {
                Ok(outcome) => {
                    match format {
                        Format::Json => println!(
                            "{}",
                            serde_json::to_string_pretty(&outcome).expect("the report serialises")
                        ),
                        Format::Text if !quiet => {
                            print!("{}", gazette::import::report::text(&outcome))
                        }
                        Format::Text => {}
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => report(&e, &root),
            }
        }
        Command::Verify { dir } => match gazette::verify(&dir) {
            Ok(r) if r.is_intact() => {
                println!(
                    "{}: all {} files listed in manifest.json are present and unaltered",
                    dir.display(),
                    r.listed
                );
                ExitCode::SUCCESS
            }
            Ok(r) => {
                print!("{r}");
                println!(
                    "{}: {} missing, {} extra, {} altered (of {} files listed in manifest.json)",
                    dir.display(),
                    r.missing.len(),
                    r.extra.len(),
                    r.altered.len(),
                    r.listed
                );
                ExitCode::from(1)
            }
            Err(e) => report(&e, &dir),
        },
    }
}

/// `1 issue`, `2 issues`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        eprintln!("could not start a browser; open {url} yourself");
    }
}

fn report(e: &Error, root: &std::path::Path) -> ExitCode {
    match e {
        Error::Invalid(problems) => {
            print_problems(problems, root);
            let errors = problems
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            eprintln!("{errors} error(s) found; nothing was written");
            ExitCode::from(1)
        }
        Error::Fatal(_) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
