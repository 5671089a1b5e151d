//! Results for staff: what each candidate of a session earned (verdicts), the centre
//! manager's approval that makes a session's results final, recomputing stored results to
//! prove them (`sathach results verify`), and the pages that show them. Depends only downward
//! (grading, attempts, sessions, people); nothing below imports it.

pub mod approval;
pub mod backfill;
pub mod candidate;
pub mod cli;
pub mod model;
pub mod person;
pub mod practical;
pub mod practical_file;
pub mod practical_import;
pub mod practical_match;
pub mod practical_page;
pub mod regrade;
pub mod report;
pub mod report_files;
pub mod score_report;
pub mod session;
pub mod store;
pub mod table;
pub mod verify;
