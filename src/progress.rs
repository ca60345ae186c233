//! How a build tells its caller what it is doing. The library never prints; the command line
//! turns these calls into a progress bar on a terminal, or plain lines in a log.

use std::time::Duration;

/// The phases of a build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Reading and validating settings, content and templates.
    Load,
    /// Rendering pages and copying files.
    Render,
    /// Moving the new site into place.
    Publish,
}

impl Phase {
    /// A short name for logs.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Load => "load",
            Phase::Render => "render",
            Phase::Publish => "publish",
        }
    }
}

/// Receives progress from a build; called from many threads at once.
pub trait Progress: Send + Sync {
    /// A phase begins; `total` is the number of steps it has, or 0 if unknown.
    fn start(&self, phase: Phase, total: usize);
    /// `n` more steps of the current phase are done.
    fn advance(&self, n: usize);
    /// A phase ended after `elapsed`.
    fn finish(&self, phase: Phase, elapsed: Duration);
}
