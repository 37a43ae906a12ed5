//! The integration tests, one binary (linking the library once): each module a topic.

mod common;

mod annex;
mod build;
mod cli;
mod forms;
mod golden;
mod layout;
mod library;
mod modules;
mod report;
mod schema;
mod summary;
