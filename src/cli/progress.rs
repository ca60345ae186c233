//! How a build's progress is shown: a bar on a terminal, a line per phase in a log.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use gazette::progress::{Phase, Progress};

/// What to show for a build: nothing with `--quiet`; a bar on a terminal; a line per phase
/// with `--verbose` or in a log (CI).
pub fn for_build(quiet: bool, verbose: bool) -> Option<Arc<dyn Progress>> {
    if quiet {
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
        Some(Arc::new(Lines {
            pages: Mutex::new(0),
        }))
    }
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
