//! The integration tests, one binary (linking the library once): each module a topic.

mod common;

mod annex;
mod build;
mod cli;
mod golden;
mod layout;
mod library;
mod modules;
mod refusals;
mod report;
mod schema;
mod summary;
