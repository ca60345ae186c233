//! Integration tests: one binary, a module per feature.

mod bounded_input;
mod browser;
mod build;
mod bundled;
mod cli;
mod edit_sequences;
mod fresh_checkout;
mod golden;
mod html_checkers;
mod import;
mod import_pdf;
mod incremental;
mod invalid;
mod killed;
mod legal;
mod module_graph;
mod output_state;
mod publish;
mod search_bundle;
mod serve;
mod support;
