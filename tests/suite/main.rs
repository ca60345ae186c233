//! Integration tests: one binary, a module per feature.

mod browser;
mod build;
mod golden;
mod invalid;
mod legal;
mod support;
