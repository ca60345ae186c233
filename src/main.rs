//! The `gazette` executable: parses the command line and hands it to [`cli`], which calls the
//! library and prints what it returns.

mod cli;

use std::process::ExitCode;

use clap::Parser;

/// Building a site allocates many small strings and values from many threads at once;
/// mimalloc handles that pattern better than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    cli::run(cli::Cli::parse())
}
