//! The `gazette` command line.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use gazette::error::Error;

#[derive(Parser)]
#[command(
    name = "gazette",
    version,
    about = "Builds a government gazette archive (政府公报) into a static website"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
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
        /// Absolute URL of the published site; without it every link is relative.
        #[arg(long)]
        base_url: Option<String>,
        /// Replace the output folder even if it was not made by gazette.
        #[arg(long)]
        force: bool,
        /// Write HTML only: no data.json beside pages and no data/ folder.
        #[arg(long)]
        no_data: bool,
    },
    /// Check a copy of a built site against its manifest.json: report missing, extra and
    /// altered files. Exit status 0: intact; 1: it differs; 2: no readable manifest.
    Verify {
        /// The folder holding the copy (with manifest.json at its top).
        dir: PathBuf,
    },
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
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            force,
            no_data,
        } => {
            let started = Instant::now();
            let source_date_epoch = match source_date_epoch() {
                Ok(epoch) => epoch,
                Err(e) => return report(&e),
            };
            let options = gazette::BuildOptions {
                root,
                output,
                base_url,
                force,
                no_data,
                source_date_epoch,
            };
            match gazette::build(&options) {
                Ok(summary) => {
                    for w in &summary.warnings {
                        eprintln!("{w}");
                    }
                    println!(
                        "Built {} documents in {} issues: {} pages, {} files ({} written, {} unchanged, {} removed) in {:.2} s",
                        summary.documents,
                        summary.issues,
                        summary.pages,
                        summary.files,
                        summary.written,
                        summary.unchanged,
                        summary.removed,
                        started.elapsed().as_secs_f64()
                    );
                    println!("Output: {}", summary.output.display());
                    for note in &summary.notes {
                        println!("note: {note}");
                    }
                    if !summary.warnings.is_empty() {
                        println!("{} warning(s)", summary.warnings.len());
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => report(&e),
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
            Err(e) => report(&e),
        },
    }
}

fn report(e: &Error) -> ExitCode {
    match e {
        Error::Invalid(_) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
        Error::Fatal(_) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
