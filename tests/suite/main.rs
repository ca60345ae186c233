//! Integration tests: one binary, a module per feature.

mod build;
mod cli;
mod golden;
mod invalid;
mod serve;
mod support;
