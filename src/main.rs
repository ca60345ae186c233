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
        /// Skip the full-text search index (the 文号 lookup still works).
        #[arg(long)]
        no_search: bool,
    },
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
            no_search,
        } => {
            let started = Instant::now();
            // The only clock that may reach the output (validity statuses), for reproducible
            // builds: https://reproducible-builds.org/specs/source-date-epoch/
            let source_date_epoch = match std::env::var("SOURCE_DATE_EPOCH") {
                Ok(v) if !v.trim().is_empty() => match v.trim().parse::<i64>() {
                    Ok(n) => Some(n),
                    Err(_) => {
                        eprintln!(
                            "error: SOURCE_DATE_EPOCH must be a whole number of seconds, not `{v}`"
                        );
                        return ExitCode::from(2);
                    }
                },
                _ => None,
            };
            let options = gazette::BuildOptions {
                root,
                output,
                base_url,
                force,
                no_search,
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
                    if !summary.warnings.is_empty() {
                        println!("{} warning(s)", summary.warnings.len());
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => report(&e),
            }
        }
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
