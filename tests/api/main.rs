//! Integration tests: the real application over real HTTP, on a fresh SQLite file per test,
//! or a fresh PostgreSQL database per test when `TEST_DATABASE_URL` is set.

mod bank_cli;
mod bank_foreign;
mod bank_sheets;
mod bank_word;
mod banks;
mod blueprint_cli;
mod blueprints;
mod browser;
mod candidates;
mod cli;
mod console;
mod console_races;
mod csrf;
mod exam;
mod exam_rules;
mod full_disk;
mod helpers;
mod liveness;
mod logs;
mod migrations;
mod orgs;
mod outage;
mod papers;
mod ping;
mod printing;
mod races;
mod roles;
mod schema;
mod serve_lock;
mod session_access;
mod sessions;
mod sign_in;
mod storage;
mod system;
mod users;
