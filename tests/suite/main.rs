//! Integration tests: one binary, a module per feature.

mod build;
mod cli;
mod golden;
mod invalid;
mod publish;
mod serve;
mod support;
