//! The `gazette` command line: each command turned into a call of the library, and what it
//! returns printed. Nothing here decides anything about a site.

mod args;
mod progress;

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use gazette::error::{Diagnostic, Error, Severity};

pub use args::Cli;
use args::{BuildArgs, CheckArgs, Command, Format, ImportArgs, New, NewDocArgs, ServeArgs};

/// How much to print.
#[derive(Clone, Copy)]
struct Say {
    quiet: bool,
    verbose: bool,
}

/// Runs the command `cli` names.
pub fn run(cli: Cli) -> ExitCode {
    let say = Say {
        quiet: cli.quiet,
        verbose: cli.verbose,
    };
    match cli.command {
        Command::Build(args) => build(args, say),
        Command::Check(args) => check(args, say),
        Command::New { what } => new(what, say),
        Command::Serve(args) => serve(args, say),
        Command::Import(args) => import(args, say),
        Command::Verify { dir } => verify(&dir),
    }
}

#[allow(clippy::print_stdout)]
fn build(args: BuildArgs, say: Say) -> ExitCode {
    let started = Instant::now();
    let source_date_epoch = match gazette::validity::source_date_epoch_from_env() {
        Ok(epoch) => epoch,
        Err(e) => return report(&e, &args.root),
    };
    let options = gazette::BuildOptions {
        root: args.root.clone(),
        output: args.places.output,
        cache_dir: args.places.cache_dir,
        base_url: args.base_url,
        force: args.force,
        progress: progress::for_build(say.quiet, say.verbose),
        no_data: args.no_data,
        no_search: args.no_search,
        no_cache: args.no_cache,
        drafts: args.drafts,
        source_date_epoch,
    };
    let summary = match gazette::build(&options) {
        Ok(summary) => summary,
        Err(e) => return report(&e, &args.root),
    };
    if say.quiet {
        return ExitCode::SUCCESS;
    }
    if !summary.warnings.is_empty() {
        print_problems(&summary.warnings, &args.root);
    }
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
    if say.verbose {
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
    ExitCode::SUCCESS
}

#[allow(clippy::print_stdout)]
fn check(args: CheckArgs, say: Say) -> ExitCode {
    let problems = match gazette::check(&args.root) {
        Ok(problems) => problems,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match args.format {
        Format::Text => {
            print!("{}", gazette::report::text(&problems, &args.root));
            let errors = errors_in(&problems);
            let warnings = problems.len() - errors;
            if !say.quiet {
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
        .any(|d| d.severity == Severity::Error || !args.allow_warnings);
    if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

#[allow(clippy::print_stdout)]
fn new(what: New, say: Say) -> ExitCode {
    let result = match what {
        New::Issue { issue, root } => gazette::scaffold::parse_issue_ref(&issue)
            .and_then(|issue| gazette::scaffold::new_issue(&root, issue)),
        New::Doc(args) => new_doc(args),
    };
    match result {
        Ok(path) => {
            if !say.quiet {
                println!("Created {}", path.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => report(&e, Path::new(".")),
    }
}

fn new_doc(args: NewDocArgs) -> gazette::error::Result<std::path::PathBuf> {
    let issue = gazette::scaffold::parse_issue_ref(&args.issue)?;
    let doc = gazette::scaffold::NewDoc {
        issue,
        name: args.name,
        title: args.title,
        doc_number: args.doc_number,
        section: args.section,
        issuers: args.issuers,
        date: args.date,
    };
    gazette::scaffold::new_doc(&args.root, &doc, gazette::scaffold::today())
}

#[allow(clippy::print_stdout)]
fn serve(args: ServeArgs, say: Say) -> ExitCode {
    let options = gazette::serve::ServeOptions {
        root: args.root.clone(),
        output: args.places.output,
        cache_dir: args.places.cache_dir,
        port: args.port,
    };
    let root = &args.root;
    let on_event = |event: gazette::serve::Event<'_>| match event {
        gazette::serve::Event::Listening(url) => {
            println!("Serving on {url} (Ctrl-C to stop)");
            if args.open {
                open_browser(url);
            }
        }
        gazette::serve::Event::Built(summary) => {
            if !say.quiet {
                println!(
                    "Built {} documents: {} written, {} unchanged",
                    summary.documents, summary.written, summary.unchanged
                );
            }
        }
        gazette::serve::Event::Failed(Error::Invalid(problems)) => print_problems(problems, root),
        gazette::serve::Event::Failed(e) => eprintln!("error: {e}"),
    };
    match gazette::serve::serve(&options, &on_event) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => report(&e, root),
    }
}

#[allow(clippy::print_stdout)]
fn import(args: ImportArgs, say: Say) -> ExitCode {
    let issue = match gazette::scaffold::parse_issue_ref(&args.issue) {
        Ok(i) => i,
        Err(e) => return report(&e, &args.root),
    };
    let options = gazette::import::write::Options {
        root: args.root.clone(),
        file: args.file,
        issue,
        serial: args.serial,
        published: args.published,
        dry_run: args.dry_run,
    };
    let outcome = match gazette::import::write::run(&options) {
        Ok(outcome) => outcome,
        Err(e) => return report(&e, &args.root),
    };
    match args.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&outcome).expect("the report serialises")
        ),
        Format::Text if !say.quiet => print!("{}", gazette::import::report::text(&outcome)),
        Format::Text => {}
    }
    ExitCode::SUCCESS
}

#[allow(clippy::print_stdout)]
fn verify(dir: &Path) -> ExitCode {
    match gazette::verify(dir) {
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
        Err(e) => report(&e, dir),
    }
}

fn print_problems(problems: &[Diagnostic], root: &Path) {
    eprint!("{}", gazette::report::text(problems, root));
}

fn errors_in(problems: &[Diagnostic]) -> usize {
    problems
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count()
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

/// Prints a failed command's error; the exit status: 1 for problems in the site, 2 when the
/// command could not run.
fn report(e: &Error, root: &Path) -> ExitCode {
    match e {
        Error::Invalid(problems) => {
            print_problems(problems, root);
            eprintln!(
                "{} error(s) found; nothing was written",
                errors_in(problems)
            );
            ExitCode::from(1)
        }
        Error::Fatal(_) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
