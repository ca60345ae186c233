//! `cargo bench --bench import_pdf`: times reading the printed test issues of `tests/import/`.
//!
//! Each PDF is read several times in one process; the median wall time is reported, per read
//! and scaled to a 40-page issue, with the CPU time of the process at the end. Settings:
//! `GAZETTE_BENCH_RUNS` (default 9); `RAYON_NUM_THREADS` (pages are read in parallel);
//! `GAZETTE_BENCH_PDFS`: more PDFs to time, paths separated by `:` (a 40-page issue made with
//! `qpdf`, say, to see the cost of opening the file and parsing its fonts once).

use std::time::Instant;

// A benchmark reports on standard output.
#[allow(clippy::print_stdout)]
fn main() {
    // `cargo test --benches` runs benchmarks in test mode: nothing to measure then.
    if std::env::args().any(|a| a == "--test") || !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let runs: usize = std::env::var("GAZETTE_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(9);
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/import");
    println!("| PDF | pages | median per read | per 40 pages |");
    println!("|---|---|---|---|");
    let mut files: Vec<(String, String)> = ["two-column", "narrow", "cid-single"]
        .iter()
        .map(|issue| (issue.to_string(), format!("{root}/{issue}/source.pdf")))
        .collect();
    if let Ok(more) = std::env::var("GAZETTE_BENCH_PDFS") {
        let paths = more.split(':').filter(|path| !path.is_empty());
        files.extend(paths.map(|path| (path.to_owned(), path.to_owned())));
    }
    for (issue, path) in files {
        let bytes = std::fs::read(&path).expect("readable file");
        let mut times = Vec::with_capacity(runs);
        let mut pages = 0;
        for _ in 0..runs.max(1) {
            let start = Instant::now();
            pages = gazette::import::pdf::read(&bytes).expect("readable").len();
            times.push(start.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        println!(
            "| {issue} | {pages} | {:.1} ms | {:.0} ms |",
            median * 1000.0,
            median * 1000.0 * 40.0 / pages as f64
        );
    }
}
