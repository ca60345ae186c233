//! `cargo bench --bench import_pdf`: times reading the printed test issues of `tests/import/`.
//!
//! Each PDF is read several times in one process; the median wall time is reported, per read
//! and scaled to a 40-page issue, with the CPU time of the process at the end. Settings:
//! `GAZETTE_BENCH_RUNS` (default 9); `RAYON_NUM_THREADS` (pages are read in parallel).

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
    for issue in ["two-column", "narrow", "cid-single"] {
        let bytes = std::fs::read(format!("{root}/{issue}/source.pdf")).expect("fixture");
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
