//! Integration tests: one binary, a module per feature.

mod build;
mod golden;
mod invalid;
mod publish;
mod support;
