//! sathach: digital-skills certification exams — organisations, staff accounts, and the web
//! plumbing every later capability (banks, blueprints, sessions, attempts, grading, credits)
//! stands on.

pub mod accounts;
pub mod analysis;
pub mod api;
pub mod attempts;
pub mod audit;
pub mod banks;
pub mod blueprints;
pub mod checker;
pub mod cli;
pub mod clock;
pub mod config;
pub mod credentials;
pub mod credits;
pub mod db;
pub mod demo;
pub mod exam;
pub mod grading;
pub mod keys;
pub mod limits;
pub mod nodes;
pub mod orgs;
pub mod people;
pub mod results;
pub mod serve_lock;
pub mod server_key;
pub mod sessions;
pub mod sheets;
pub mod startup;
pub mod telemetry;
pub mod text;
pub mod vocab;
pub mod wire;

#[cfg(test)]
mod test_fixtures;
pub mod web;
