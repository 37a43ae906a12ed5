//! The integration tests, one binary (linking the library once): each module a topic.

mod common;

mod annex;
mod build;
mod cli;
mod family;
mod forms;
mod golden;
mod layout;
mod library;
mod modules;
mod refusals;
mod report;
mod rows_from;
mod schema;
mod summary;
