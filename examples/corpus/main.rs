//! Writes a synthetic gazette archive for benchmarks:
//! `cargo run --release --example corpus -- --docs 50000 --out DIR [--seed N]`.

mod generate;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut docs = 1000usize;
    let mut out: Option<PathBuf> = None;
    let mut seed = 2019u64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        match (arg.as_str(), value) {
            ("--docs", Some(v)) => docs = v.parse().expect("--docs takes a number"),
            ("--out", Some(v)) => out = Some(PathBuf::from(v)),
            ("--seed", Some(v)) => seed = v.parse().expect("--seed takes a number"),
            _ => {
                eprintln!("usage: corpus --docs N --out DIR [--seed N]");
                return ExitCode::from(2);
            }
        }
    }
    let Some(out) = out else {
        eprintln!("usage: corpus --docs N --out DIR [--seed N]");
        return ExitCode::from(2);
    };
    if out.exists()
        && std::fs::read_dir(&out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        eprintln!(
            "{} exists and is not empty; choose a new folder",
            out.display()
        );
        return ExitCode::from(2);
    }
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let pool = generate::sentence_pool(&repo.join("content/2019/12"))
        .expect("the bundled issue is readable");
    generate::generate(&out, docs, seed, &pool, &repo.join("themes/default"))
        .expect("writing the corpus");
    eprintln!("wrote {docs} documents to {}", out.display());
    ExitCode::SUCCESS
}
