//! Integration tests: one binary, a module per feature.

mod bounded_input;
mod browser;
mod build;
mod bundled;
mod cli;
mod golden;
mod incremental;
mod invalid;
mod legal;
mod publish;
mod serve;
mod support;
