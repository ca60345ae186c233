//! `gazette import`: a printed issue (a PDF with a text layer, or text extracted from one)
//! becomes Markdown drafts and a review report.

pub mod layout;
pub mod pdf;
