//! Integration tests: one binary, a module per feature.

mod browser;
mod build;
mod bundled;
mod cli;
mod golden;
mod import_pdf;
mod incremental;
mod invalid;
mod legal;
mod publish;
mod serve;
mod support;
